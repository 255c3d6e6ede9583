package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
)

// Event kinds written by negotiation beyond those of package domain.
const (
	EventAgreementBroken  domain.EventKind = "agreement_broken"  // quebra de acordo
	EventAgreementSettled domain.EventKind = "agreement_settled" // acordo quitado
	EventPromiseKept      domain.EventKind = "promise_kept"
	EventPromiseBroken    domain.EventKind = "promise_broken"
)

// PaidFromAgreement is the payment source of the rows a breach writes to
// give the original debts credit for what was paid to the agreement. They
// move money between accounts; they are not money received, so promise
// evaluation skips them.
const PaidFromAgreement domain.PaymentSource = "agreement"

// PromiseReminderStep is the attempt step id of a promise's reminder
// (enrolment 0, anchored on the promised date).
func PromiseReminderStep(id int64) string { return fmt.Sprintf("promise-%d-reminder", id) }

// AgreementReminderStep is the attempt step id of the reminder daysBefore
// the due date of an agreement's installment number (enrolment 0, anchored
// on the due date).
func AgreementReminderStep(id int64, number, daysBefore int) string {
	return fmt.Sprintf("agreement-%d-inst-%d-d-%d", id, number, daysBefore)
}

// OfferPolicyDoc is one stored version of a tenant's offer policy file
// (política de ofertas, the JSON read by offer.ParsePolicies).
type OfferPolicyDoc struct {
	Version   int
	Body      json.RawMessage
	SHA256    string
	Author    string
	CreatedAt time.Time
}

// AgreementStatus is where an agreement stands in the store.
type AgreementStatus string

const (
	AgreementActive  AgreementStatus = "active"
	AgreementBroken  AgreementStatus = "broken"
	AgreementSettled AgreementStatus = "settled"
)

// AgreementInstallment is one payment an agreement expects; number 0 is the
// down payment (entrada).
type AgreementInstallment struct {
	ID     int64 // billing's OpenAmount.RefID (RefKind agreement_installment)
	Number int
	Due    date.Date
	Amount money.Money
	OnTime money.Money // with the on-time discount (desconto por pontualidade)
	Paid   money.Money
	Status domain.InstallmentStatus
}

// Acceptance is the stored proof of an accepted offer.
type Acceptance struct {
	OfferID       string
	PolicyID      string
	PolicyVersion int
	Who           string
	WhoKind       string // debtor, agent, bot
	Channel       string
	At            time.Time
	Locale        string
	Text          string // exactly what was shown
	TextSHA256    string
	Remote        string
}

// Agreement (acordo) as stored.
type Agreement struct {
	ID            int64
	TenantID      domain.TenantID
	DebtorID      int64
	OfferID       string
	Kind          string
	Status        AgreementStatus
	Made          date.Date
	Negotiated    money.Money
	Total         money.Money
	Paid          money.Money
	PolicyID      string
	PolicyVersion int
	PolicyDoc     int // version of the tenant's stored policy file used
	BrokenOn      date.Date
	FirstBreach   bool // the first payment never came
	ClosedOn      date.Date
	// Doc is the engine's agreement (offer.Agreement) as JSON: debt
	// shares, discounts and the breach rule, needed to evaluate and restore.
	Doc          json.RawMessage
	DebtIDs      []int64
	Installments []AgreementInstallment
	Acceptance   Acceptance
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// AgreementPayment is a payment booked against an agreement.
type AgreementPayment struct {
	ID          int64
	AgreementID int64
	Number      int // the installment it was applied to first
	PaymentID   int64
	Amount      money.Money
	PaidAt      time.Time
}

// AgreementFilter selects agreements; zero fields match all.
type AgreementFilter struct {
	DebtorID int64
	Status   AgreementStatus
	AfterID  int64 // for paging in id order
	Limit    int   // default 100
}

// Restoration is what a breach gives back to one original debt: Paid is
// the share of the agreement's payments credited to it, spread over its
// open installments from the oldest.
type Restoration struct {
	DebtID int64
	Paid   money.Money
}

// Breach is a broken agreement's outcome.
type Breach struct {
	On           date.Date
	First        bool
	Paid         money.Money
	Restorations []Restoration
	// Payments is how many payments of the agreement the decision saw
	// (AgreementPayments): when another arrived meanwhile, BreakAgreement
	// changes nothing and the next evaluation decides again.
	Payments int
	Summary  string          // for the timeline
	Data     json.RawMessage // the engine's status and restorations
}

// PromiseStatus is where a promise to pay stands.
type PromiseStatus string

const (
	PromisePending PromiseStatus = "pending"
	PromiseKept    PromiseStatus = "kept"
	PromiseUnkept  PromiseStatus = "unkept"
)

// Promise (promessa de pagamento): an amount by a date.
type Promise struct {
	ID            int64
	TenantID      domain.TenantID
	DebtorID      int64
	DebtID        int64 // 0: any of the debtor's debts
	Amount        money.Money
	Promised      date.Date
	Made          date.Date
	ToleranceDays int
	Channel       string
	Who           string
	Status        PromiseStatus
	Paid          money.Money
	KeptOn        date.Date
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// PromiseFilter selects promises; zero fields match all.
type PromiseFilter struct {
	DebtorID int64
	Status   PromiseStatus
	AfterID  int64
	Limit    int
}

// DebtorNegotiation is what the debtor's 360° page shows of negotiation.
type DebtorNegotiation struct {
	Agreements []Agreement // newest first, with installments and acceptance
	Promises   []Promise   // newest first
}

// NegotiationStore keeps offer policies, agreements, acceptance proofs and
// promises to pay. Every method is scoped by tenant.
type NegotiationStore interface {
	// SaveOfferPolicies stores body as the tenant's next policy version;
	// a body identical to the current version stores nothing and returns it.
	SaveOfferPolicies(ctx context.Context, tenant domain.TenantID, body json.RawMessage, author string) (OfferPolicyDoc, error)
	// OfferPolicies returns a version (0: the current); ErrNotFound when none.
	OfferPolicies(ctx context.Context, tenant domain.TenantID, version int) (OfferPolicyDoc, error)

	// CreateAgreement stores a new agreement with its installments and
	// acceptance, suspends its debts (they must all be open and the
	// debtor's), cancels their planned attempts and writes "agreed" events,
	// in one transaction. Accepting the same offer (debtor, offer id) again
	// returns the first agreement and duplicate=true. A debt that is not
	// open (already in an agreement, disputed, settled) is ErrConflict.
	CreateAgreement(ctx context.Context, tenant domain.TenantID, a Agreement) (stored Agreement, duplicate bool, err error)
	Agreement(ctx context.Context, tenant domain.TenantID, id int64) (Agreement, error)
	// Agreements lists in id order (with installments, debts and acceptance).
	Agreements(ctx context.Context, tenant domain.TenantID, f AgreementFilter) ([]Agreement, error)
	AgreementPayments(ctx context.Context, tenant domain.TenantID, agreementID int64) ([]AgreementPayment, error)
	// ApplyAgreementPayment books p (Source and SourceRef required; debtor,
	// debt and installment are taken from the agreement) into payments and
	// against the agreement: installment number first (a negative number:
	// the oldest one not fully paid), any excess to the next ones. A second
	// call with the same (Source, SourceRef) changes nothing and returns
	// duplicate=true. Payments to a broken or settled agreement are still
	// booked (the money came) but credit no installment. The planned
	// reminders of installments it pays in full are cancelled, and a
	// "payment received" receipt is planned as for reconciled payments.
	ApplyAgreementPayment(ctx context.Context, tenant domain.TenantID, agreementID int64, number int, p domain.Payment) (AgreementPayment, bool, error)
	// AgreementOpenAmounts lists what billing may issue boletos and PIX
	// for: the unpaid installments of active agreements, of one debtor or
	// the one agreement installment installmentID (RefKind
	// RefAgreementInstallment, RefID the installment's id, Contract
	// "ACORDO-<agreement id>", CreditorID of the agreement's debts, Amount
	// what is left to pay at face value).
	AgreementOpenAmounts(ctx context.Context, tenant domain.TenantID, debtorID, installmentID int64) ([]OpenAmount, error)
	// AgreementInstallmentByID resolves an OpenAmount.RefID back to its
	// agreement and installment number (for ApplyAgreementPayment).
	AgreementInstallmentByID(ctx context.Context, tenant domain.TenantID, id int64) (agreementID int64, number int, err error)
	// BreakAgreement marks an active agreement broken: each restoration's
	// paid share is booked to its debt's open installments (source
	// PaidFromAgreement), the debts return to open, the agreement's planned
	// reminders are cancelled and an event is written. changed=false when
	// the agreement was no longer active (another process got there first).
	BreakAgreement(ctx context.Context, tenant domain.TenantID, id int64, b Breach) (changed bool, err error)
	// SettleAgreement marks an active agreement settled and its debts
	// settled, cancels its remaining reminders and writes an event.
	SettleAgreement(ctx context.Context, tenant domain.TenantID, id int64, on date.Date) (changed bool, err error)

	// AddPromise stores a promise (status pending) with a "promised" event.
	AddPromise(ctx context.Context, tenant domain.TenantID, p Promise) (Promise, error)
	Promise(ctx context.Context, tenant domain.TenantID, id int64) (Promise, error)
	Promises(ctx context.Context, tenant domain.TenantID, f PromiseFilter) ([]Promise, error)
	// ResolvePromise moves a pending promise to kept or unkept with an
	// event and cancels its planned reminder (step "promise-<id>-reminder");
	// changed=false when it was no longer pending.
	ResolvePromise(ctx context.Context, tenant domain.TenantID, id int64, st PromiseStatus, paid money.Money, keptOn date.Date) (changed bool, err error)
	// DebtorsWithPendingPromises returns those of debtorIDs that have a
	// pending promise, each once, in no particular order: one set query,
	// so that booking a batch of payments reads the promises of those
	// debtors only.
	DebtorsWithPendingPromises(ctx context.Context, tenant domain.TenantID, debtorIDs []int64) ([]int64, error)

	// DebtorNegotiation returns the debtor's agreements and promises for
	// the 360° page.
	DebtorNegotiation(ctx context.Context, tenant domain.TenantID, debtorID int64) (DebtorNegotiation, error)
}
