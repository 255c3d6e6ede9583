// Package store declares what Régua keeps and how it is asked for, as
// interfaces that every backend implements (SQLite embedded, PostgreSQL for
// scale-out). Every method that touches tenant-owned rows takes the tenant and
// scopes by it: there is no way to name another tenant's row.
//
// The contract every implementation must pass lives in storetest.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
)

// ErrNotFound is returned when a row does not exist for this tenant (it may
// exist for another: the caller cannot tell, by design).
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique value is already taken.
var ErrConflict = errors.New("already exists")

// ErrInvalid is returned for a request the caller can correct (a missing
// or contradictory choice), not for a fault of the store.
var ErrInvalid = errors.New("invalid request")

// ErrResolved is returned when a reconciliation queue item was worked
// already (by someone else meanwhile, or twice).
var ErrResolved = errors.New("reconciliation item is not open")

// Store is everything the foundation keeps. Later parts add interfaces of
// their own that the same backends implement.
type Store interface {
	TenantStore
	UserStore
	SessionStore
	PortfolioStore
	ImportStore
	DebtorStore
	EventStore
	PaymentStore
	DisputeStore

	// Dialect is "sqlite" or "postgres".
	Dialect() string
	// Ping checks the connection (for /healthz).
	Ping(ctx context.Context) error
	Close() error
}

// TenantStore creates and lists tenants (installation-wide, not scoped).
type TenantStore interface {
	CreateTenant(ctx context.Context, name string) (domain.Tenant, error)
	Tenant(ctx context.Context, id domain.TenantID) (domain.Tenant, error)
	Tenants(ctx context.Context) ([]domain.Tenant, error)
}

// UserStore keeps the people who log in.
type UserStore interface {
	// CreateUser stores u in tenant; ErrConflict when the e-mail is taken.
	CreateUser(ctx context.Context, tenant domain.TenantID, u domain.User) (domain.User, error)
	User(ctx context.Context, tenant domain.TenantID, id int64) (domain.User, error)
	Users(ctx context.Context, tenant domain.TenantID) ([]domain.User, error)
	UpdateUser(ctx context.Context, tenant domain.TenantID, u domain.User) error
	// UserForLogin finds a user by e-mail across tenants: the login form
	// knows no tenant yet. It is the only unscoped user lookup.
	UserForLogin(ctx context.Context, email string) (domain.User, error)
}

// Session is a logged-in browser.
type Session struct {
	TokenHash string // SHA-256 of the cookie token; the token itself is never stored
	TenantID  domain.TenantID
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionStore keeps web sessions.
type SessionStore interface {
	CreateSession(ctx context.Context, s Session) error
	// SessionByToken returns the live session with this token hash, or ErrNotFound.
	SessionByToken(ctx context.Context, tokenHash string, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
}

// PortfolioStore keeps creditors and their portfolios.
type PortfolioStore interface {
	// UpsertCreditor creates or renames the creditor with c.ExtID.
	UpsertCreditor(ctx context.Context, tenant domain.TenantID, c domain.Creditor) (domain.Creditor, error)
	Creditors(ctx context.Context, tenant domain.TenantID) ([]domain.Creditor, error)
	// UpsertPortfolio creates or renames the portfolio with p.ExtID.
	UpsertPortfolio(ctx context.Context, tenant domain.TenantID, p domain.Portfolio) (domain.Portfolio, error)
	Portfolio(ctx context.Context, tenant domain.TenantID, id int64) (domain.Portfolio, error)
	Portfolios(ctx context.Context, tenant domain.TenantID) ([]PortfolioSummary, error)
}

// PortfolioSummary is a portfolio with its headline figures.
type PortfolioSummary struct {
	domain.Portfolio
	CreditorName string
	Debtors      int
	Debts        int
	OpenAmount   money.Money
}

// ImportRow is one accepted line of a portfolio file: one installment with
// its debt and debtor.
type ImportRow struct {
	Line        int
	Debtor      domain.Debtor
	Contacts    []domain.ContactPoint
	Debt        domain.Debt
	Installment domain.Installment
}

// ImportCounts says what a batch did, row by row: a row is inserted when its
// installment is new, updated when anything of it changed, else unchanged.
type ImportCounts struct {
	Inserted  int
	Updated   int
	Unchanged int
}

// Add adds o to c.
func (c *ImportCounts) Add(o ImportCounts) {
	c.Inserted += o.Inserted
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
}

// ImportRun is one import of one file, with its outcome.
type ImportRun struct {
	ID          int64
	TenantID    domain.TenantID
	PortfolioID int64
	FileName    string
	StartedAt   time.Time
	FinishedAt  time.Time // zero while running (or after a crash)
	Read        int
	Rejected    int
	ImportCounts
	Error string // why the whole file was refused, if it was
}

// Reject is one refused line.
type Reject struct {
	Line   int
	Column string
	Reason string
}

// ImportStore writes imported rows.
type ImportStore interface {
	// ApplyImport upserts one batch by external ids in one transaction:
	// debtors by ExtID, contact points by (debtor, kind, value), debts by
	// contract number, installments by (debt, number). Changed values write
	// "changed" events with old and new values. Applying the same batch
	// twice changes nothing the second time. It fills in the rows' ids
	// (Debtor.ID, Debt.ID, Debt.DebtorID, Installment.DebtID, Installment.ID).
	ApplyImport(ctx context.Context, tenant domain.TenantID, portfolioID int64, rows []ImportRow) (ImportCounts, error)
	StartImportRun(ctx context.Context, tenant domain.TenantID, r ImportRun) (ImportRun, error)
	FinishImportRun(ctx context.Context, tenant domain.TenantID, r ImportRun, rejects []Reject) error
	ImportRun(ctx context.Context, tenant domain.TenantID, id int64) (ImportRun, []Reject, error)
	ImportRuns(ctx context.Context, tenant domain.TenantID, limit int) ([]ImportRun, error)
}

// DebtorSummary is one line of a search result or list: documents masked by
// the caller before display.
type DebtorSummary struct {
	ID         int64
	Kind       domain.DebtorKind
	Name       string
	Document   string
	UF         string
	City       string
	Debts      int
	OpenAmount money.Money
	MaxDPD     int
	MatchedBy  string // cpf, cnpj, phone, email, contract, name
}

// Debtor360 is everything about one debtor, for the 360° page.
type Debtor360 struct {
	Debtor    domain.Debtor
	Contacts  []domain.ContactPoint
	Debts     []DebtDetail
	Payments  []domain.Payment
	Events    []domain.Event
	LateIn12m int // installments paid late or still late in the last 12 months (recurrence)
}

// DebtDetail is a debt with its installments and portfolio.
type DebtDetail struct {
	domain.Debt
	PortfolioName string
	CreditorName  string
	Installments  []domain.Installment
}

// Totals sums the debt's installments as of a date.
func (d DebtDetail) Totals(asOf date.Date) (open money.Money, overdue money.Money, maxDPD int) {
	for _, in := range d.Installments {
		if in.Status == domain.InstallmentCancelled {
			continue
		}
		open += in.Open()
		if dpd := in.DPD(asOf); dpd > 0 {
			overdue += in.Open()
			if dpd > maxDPD {
				maxDPD = dpd
			}
		}
	}
	return
}

// DebtorStore reads debtors.
type DebtorStore interface {
	// SearchDebtors finds debtors by exact CPF/CNPJ, phone (any format),
	// e-mail, contract number, or accent- and case-insensitive name prefix.
	SearchDebtors(ctx context.Context, tenant domain.TenantID, query string, asOf date.Date, limit int) ([]DebtorSummary, error)
	Debtor(ctx context.Context, tenant domain.TenantID, id int64) (domain.Debtor, error)
	Debtor360(ctx context.Context, tenant domain.TenantID, id int64, eventLimit int) (Debtor360, error)
	// SetDelayReason records why a debt is late (with an event).
	SetDelayReason(ctx context.Context, tenant domain.TenantID, debtID int64, r domain.DelayReason, actor string) error
	// SetConsent changes a contact point's consent (with an event).
	SetConsent(ctx context.Context, tenant domain.TenantID, contactID int64, c domain.ConsentState, source, actor string) error
}

// EventStore appends to and reads the timeline.
type EventStore interface {
	AppendEvent(ctx context.Context, tenant domain.TenantID, e domain.Event) (domain.Event, error)
	Events(ctx context.Context, tenant domain.TenantID, debtorID int64, limit int) ([]domain.Event, error)
}

// PaymentStore books payments.
type PaymentStore interface {
	// BookPayment stores p and applies it to its installment once: a second
	// call with the same (Source, SourceRef) returns the first booking and
	// duplicate=true, changing nothing.
	BookPayment(ctx context.Context, tenant domain.TenantID, p domain.Payment) (booked domain.Payment, duplicate bool, err error)
	Payments(ctx context.Context, tenant domain.TenantID, debtorID int64) ([]domain.Payment, error)
	// LoadPayments stores payments whose amounts are already counted in
	// their installments' paid amounts (history loaded with a portfolio):
	// it writes the payment rows only, skipping (source, ref) pairs that
	// exist. Installments must belong to the tenant.
	LoadPayments(ctx context.Context, tenant domain.TenantID, ps []domain.Payment) (inserted int, err error)
}

// DisputeStore records contestações: a disputed debt pauses collection.
type DisputeStore interface {
	OpenDispute(ctx context.Context, tenant domain.TenantID, debtID int64, reason domain.DelayReason, note, actor string) error
}
