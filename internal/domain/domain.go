// Package domain holds Régua's core types: who owes whom what, since when,
// and everything that happened about it. It has no I/O; stores, the importer,
// the web pages and the engines all speak these types.
//
// Vocabulary (Portuguese → here): credor → Creditor; carteira → Portfolio;
// devedor/cliente → Debtor; dívida/contrato → Debt; parcela → Installment;
// vencimento → DueDate; pagamento/baixa → Payment; motivo do atraso →
// DelayReason; contestação → Dispute. DPD is days past due.
package domain

import (
	"encoding/json"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

// TenantID identifies a tenant: one Régua installation may serve several
// collection agencies or creditors, each seeing only its own rows.
type TenantID int64

// Tenant is the owner of every other row.
type Tenant struct {
	ID        TenantID
	Name      string
	CreatedAt time.Time
}

// Role is what a user may do within a tenant.
type Role string

const (
	RoleAdmin      Role = "admin"      // manages users and settings
	RoleSupervisor Role = "supervisor" // designs journeys, loads portfolios, watches indicators
	RoleAgent      Role = "agent"      // works debtors
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleSupervisor || r == RoleAgent }

// AtLeast reports whether r includes the powers of o (admin ⊃ supervisor ⊃ agent).
func (r Role) AtLeast(o Role) bool { return r.rank() >= o.rank() }

func (r Role) rank() int {
	switch r {
	case RoleAdmin:
		return 3
	case RoleSupervisor:
		return 2
	case RoleAgent:
		return 1
	}
	return 0
}

// User is a person who logs in to the web UI.
type User struct {
	ID           int64
	TenantID     TenantID
	Email        string // unique across the installation: login asks only for it
	Name         string
	Role         Role
	Locale       string // pt-BR, es, en
	PasswordHash string // never leaves the store package except to the auth check
	Disabled     bool
	CreatedAt    time.Time
}

// Creditor (credor) owns debts placed for collection.
type Creditor struct {
	ID       int64
	TenantID TenantID
	ExtID    string
	Name     string
	Document string // CNPJ, normalized digits; shown on every collection message (CDC art. 42-A)
}

// Portfolio (carteira) is a set of debts a creditor placed for collection.
type Portfolio struct {
	ID         int64
	TenantID   TenantID
	CreditorID int64
	ExtID      string
	Name       string
	CreatedAt  time.Time
}

// DebtorKind says whether the debtor is a person (CPF) or a company (CNPJ).
type DebtorKind string

const (
	Person  DebtorKind = "person"
	Company DebtorKind = "company"
)

// Address is where the debtor lives; UF and the IBGE municipality code pick
// the time zone and the holidays that apply.
type Address struct {
	Street       string
	Number       string
	Complement   string
	District     string
	City         string
	Municipality string // IBGE 7-digit municipality code
	UF           string // two-letter state
	CEP          string // 8 digits
	Country      string // ISO 3166 alpha-2, "BR" by default
}

// Debtor is the person or company that owes.
type Debtor struct {
	ID       int64
	TenantID TenantID
	ExtID    string // the creditor's id for the customer; the document when none
	Kind     DebtorKind
	Document string // CPF or CNPJ, normalized (digits, or alphanumeric CNPJ)
	Name     string
	Birth    date.Date
	Locale   string // pt-BR, es, en
	TimeZone string // IANA zone; derived from the address unless overridden
	ZoneSet  bool   // TimeZone was set explicitly, not derived
	Address  Address
	// Flags that stop or restrict contact.
	Bankrupt    bool
	Deceased    bool
	Represented bool // has a lawyer or representative: contact them, not the debtor
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ContactKind is the kind of a contact point.
type ContactKind string

const (
	Mobile   ContactKind = "mobile"
	Landline ContactKind = "landline"
	Email    ContactKind = "email"
	WhatsApp ContactKind = "whatsapp"
)

// ConsentState is whether the debtor agreed to be contacted on a point.
type ConsentState string

const (
	ConsentUnknown ConsentState = "unknown"
	ConsentGranted ConsentState = "granted"
	ConsentOptOut  ConsentState = "opted_out"
)

// ContactPoint is one way to reach a debtor.
type ContactPoint struct {
	ID            int64
	TenantID      TenantID
	DebtorID      int64
	Kind          ContactKind
	Value         string // E.164 for phones, lower-case address for e-mail
	Consent       ConsentState
	ConsentSource string // where the consent or opt-out came from: import, portal, sms-reply "SAIR", agent …
	ConsentAt     time.Time
	Preferred     bool
}

// DebtStatus is where a debt stands.
type DebtStatus string

const (
	DebtOpen       DebtStatus = "open"
	DebtSuspended  DebtStatus = "suspended" // replaced by an agreement in force
	DebtDisputed   DebtStatus = "disputed"
	DebtSettled    DebtStatus = "settled"
	DebtWrittenOff DebtStatus = "written_off"
)

// Debt is one obligation with its contract of origin.
type Debt struct {
	ID                int64
	TenantID          TenantID
	PortfolioID       int64
	DebtorID          int64
	ContractNumber    string // the creditor's contract number: the debt's external id
	Product           string // credit_card, personal_loan, telecom, utilities, retail, education …
	OriginDate        date.Date
	OriginalPrincipal money.Money
	Status            DebtStatus
	DelayReason       DelayReason
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// InstallmentStatus is where one installment stands.
type InstallmentStatus string

const (
	InstallmentOpen      InstallmentStatus = "open"
	InstallmentPartial   InstallmentStatus = "partial"
	InstallmentPaid      InstallmentStatus = "paid"
	InstallmentCancelled InstallmentStatus = "cancelled"
)

// Installment (parcela) is an amount due on a date.
type Installment struct {
	ID       int64
	TenantID TenantID
	DebtID   int64
	Number   int // 1-based within the debt; with the debt, its external id
	DueDate  date.Date
	Amount   money.Money
	Paid     money.Money
	Status   InstallmentStatus
}

// Open returns what remains to pay (never negative).
func (i Installment) Open() money.Money {
	if i.Paid >= i.Amount {
		return 0
	}
	return i.Amount - i.Paid
}

// DPD returns days past due as of a date: 0 when not yet due or fully paid.
func (i Installment) DPD(asOf date.Date) int {
	if i.Status == InstallmentPaid || i.Status == InstallmentCancelled || i.Open() == 0 {
		return 0
	}
	if n := i.DueDate.DaysUntil(asOf); n > 0 {
		return n
	}
	return 0
}

// StatusFor derives the status from amounts.
func StatusFor(amount, paid money.Money) InstallmentStatus {
	switch {
	case paid <= 0:
		return InstallmentOpen
	case paid < amount:
		return InstallmentPartial
	}
	return InstallmentPaid
}

// PaymentSource is where a payment was learnt from.
type PaymentSource string

const (
	PaidPix    PaymentSource = "pix"
	PaidBoleto PaymentSource = "boleto" // from a CNAB return file
	PaidAPI    PaymentSource = "api"
	PaidManual PaymentSource = "manual"
	PaidImport PaymentSource = "import"
)

// Payment is money received and booked against an installment.
type Payment struct {
	ID            int64
	TenantID      TenantID
	DebtorID      int64
	DebtID        int64
	InstallmentID int64
	Source        PaymentSource
	SourceRef     string // unique per source: endToEndId, nosso número + file, …; makes booking idempotent
	Amount        money.Money
	PaidAt        time.Time
	BookedAt      time.Time
}

// EventKind is the kind of a timeline event.
type EventKind string

const (
	EventImported    EventKind = "imported"
	EventChanged     EventKind = "changed"
	EventContacted   EventKind = "contacted"
	EventReplied     EventKind = "replied"
	EventPaid        EventKind = "paid"
	EventDisputed    EventKind = "disputed"
	EventPromised    EventKind = "promised"
	EventAgreed      EventKind = "agreed"
	EventNote        EventKind = "note"
	EventConsent     EventKind = "consent"
	EventDelayReason EventKind = "delay_reason"
	EventAttempt     EventKind = "attempt"
)

// Event is one entry of a debtor's timeline. Events are only ever appended.
type Event struct {
	ID       int64
	TenantID TenantID
	DebtorID int64
	DebtID   int64 // 0 when about the debtor as a whole
	Kind     EventKind
	At       time.Time
	Actor    string // "import", "system", "user:12", "debtor", a channel …
	Summary  string // one human line, in the tenant's language at the time
	Data     json.RawMessage
}

// Change is one field's old and new value, kept in "changed" events.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}
