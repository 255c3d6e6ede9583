package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
)

// JourneyStatus is whether the planner runs a journey.
type JourneyStatus string

const (
	JourneyDraft  JourneyStatus = "draft"  // saved, not run; enrols nobody
	JourneyActive JourneyStatus = "active" // enrols and plans daily
	JourneyPaused JourneyStatus = "paused" // kill switch: nothing is planned; enrolments wait
)

// Journey (régua) is a named, versioned cadence. Its definition lives in
// its versions; Version is the one new enrolments get.
type Journey struct {
	ID        int64
	TenantID  domain.TenantID
	Key       string
	Name      string
	Status    JourneyStatus
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// JourneyVersion is one immutable definition of a journey.
type JourneyVersion struct {
	ID         int64
	TenantID   domain.TenantID
	JourneyID  int64
	Version    int
	Definition json.RawMessage
	Author     string
	CreatedAt  time.Time
}

// EnrolmentState is where an enrolment stands.
type EnrolmentState string

const (
	EnrolActive  EnrolmentState = "active"
	EnrolStopped EnrolmentState = "stopped" // a stop condition ended it (StopReason says which)
	EnrolMoved   EnrolmentState = "moved"   // handed over to another journey (resume rules)
)

// Enrolment puts one debt on one journey version. Slow-changing segment
// facts (recurrence, score, agreement) are kept here, computed at enrolment;
// DPD and amounts are computed from installments at plan time.
type Enrolment struct {
	ID            int64
	TenantID      domain.TenantID
	JourneyID     int64
	VersionID     int64
	DebtorID      int64
	DebtID        int64
	Variant       string
	State         EnrolmentState
	StopReason    string
	AnchorKind    string    // due, agreement_due, promise, breach
	AnchorDate    date.Date // fixed anchor of promise/breach journeys; zero for due anchors
	Recurrence    int
	Score         int
	Agreement     bool
	PromisedUntil date.Date
	WantsPerson   bool
	EnrolledOn    date.Date
	EndedOn       date.Date
	CreatedAt     time.Time
}

// EnrolCandidate is an open debt without an active enrolment, with the
// facts entry rules look at.
type EnrolCandidate struct {
	DebtID, DebtorID    int64
	Product             string
	DelayReason         string
	Kind, Locale, UF    string
	Anchor              date.Date // oldest open installment's due date
	Open, Overdue       money.Money
	InstallmentsOverdue int
	Recurrence          int
}

// PlanRow is one active enrolment with its debt's figures on a day, as the
// planner's scan returns it.
type PlanRow struct {
	Enrolment
	DebtStatus          string
	DelayReason         string
	Product             string
	Contract            string
	PortfolioID         int64
	MinOpenDue          date.Date // zero when nothing is open
	Open, Overdue       money.Money
	DueSoon             money.Money // open on installments due up to 10 days after the day (reminder amounts)
	InstallmentsOverdue int
}

// PlanDebtor is what the planner needs of a debtor due a contact.
type PlanDebtor struct {
	ID                            int64
	Name, Kind, Locale, TimeZone  string
	UF, Municipality, Country     string
	Address                       string // one line, for letters
	Bankrupt, Deceased, Represent bool
	Contacts                      []domain.ContactPoint
}

// PlanHistory is an earlier or planned attempt, for caps and outcomes.
type PlanHistory struct {
	ID          int64
	DebtorID    int64
	EnrolmentID int64
	StepID      string
	AnchorDate  date.Date
	Channel     string
	Status      AttemptStatus
	At          time.Time // sent_at, else due_at
}

// TrackedLink is the row behind a tracked link's opaque token.
type TrackedLink struct {
	Token       string
	TenantID    domain.TenantID
	DebtorID    int64
	EnrolmentID int64
	StepID      string
	AnchorDate  date.Date
	Target      string // where the click goes (the portal page)
	Clicks      int
	FirstClick  time.Time
	CreatedAt   time.Time
}

// Outcome is something an attempt achieved after it was sent (delivered,
// read, replied, clicked, promised, paid, no_answer), as receipts and
// webhooks report it.
type Outcome struct {
	TenantID    domain.TenantID
	AttemptID   int64
	EnrolmentID int64
	StepID      string
	AnchorDate  date.Date
	Outcome     string
	At          time.Time
}

// VariantResult is one champion/challenger arm's figures.
type VariantResult struct {
	Variant   string
	Enrolled  int
	Active    int
	Paid      int // stopped because paid
	Attempts  int
	Sent      int
	Clicks    int
	Recovered money.Money // open amount at enrolment of debts now paid (approximation: their installments' paid sums)
}

// PlanRun records one planner run for one tenant and day.
type PlanRun struct {
	ID         int64
	TenantID   domain.TenantID
	Day        date.Date
	StartedAt  time.Time
	FinishedAt time.Time
	Scanned    int
	Candidates int
	Planned    int // attempts inserted (a rerun inserts 0)
	Stopped    int
	Paused     int
	Moved      int
	Error      string
}

// JourneyStore keeps journeys, versions, enrolments, tracked links and
// outcomes, and serves the planner's bulk reads.
type JourneyStore interface {
	// SaveJourney creates the journey key, or adds a version when the
	// definition differs from the current one (the same definition saved
	// twice adds nothing). New journeys start as drafts.
	SaveJourney(ctx context.Context, tenant domain.TenantID, key, name string, def json.RawMessage, author string) (Journey, JourneyVersion, error)
	Journey(ctx context.Context, tenant domain.TenantID, key string) (Journey, error)
	Journeys(ctx context.Context, tenant domain.TenantID) ([]Journey, error)
	// JourneyVersion returns version n of a journey (0: its current one).
	JourneyVersion(ctx context.Context, tenant domain.TenantID, journeyID int64, n int) (JourneyVersion, error)
	JourneyVersionByID(ctx context.Context, tenant domain.TenantID, id int64) (JourneyVersion, error)
	SetJourneyStatus(ctx context.Context, tenant domain.TenantID, key string, s JourneyStatus) error

	// EnrolCandidates returns open debts with id in (afterDebt, uptoDebt]
	// that have no active enrolment, with their facts as of asOf.
	EnrolCandidates(ctx context.Context, tenant domain.TenantID, afterDebt, uptoDebt int64, asOf date.Date) ([]EnrolCandidate, error)
	// MaxDebtID is the highest debt id of the tenant (for chunking).
	MaxDebtID(ctx context.Context, tenant domain.TenantID) (int64, error)
	// Enrol inserts enrolments; a debt already actively enrolled is left
	// alone. It returns how many were new.
	Enrol(ctx context.Context, tenant domain.TenantID, es []Enrolment) (int, error)
	Enrolments(ctx context.Context, tenant domain.TenantID, debtorID int64) ([]Enrolment, error)
	Enrolment(ctx context.Context, tenant domain.TenantID, id int64) (Enrolment, error)
	// EndEnrolments sets state and reason on active enrolments.
	EndEnrolments(ctx context.Context, tenant domain.TenantID, ids []int64, state EnrolmentState, reason string, on date.Date) error
	// SetPromise records a promise to pay until a date on the debt's active
	// enrolment (zero clears it). It and SetWantsPerson make the planner
	// look at the enrolment on its next run.
	SetPromise(ctx context.Context, tenant domain.TenantID, debtID int64, until date.Date) error
	// SetWantsPerson records that the debtor asked for a person.
	SetWantsPerson(ctx context.Context, tenant domain.TenantID, debtID int64, wants bool) error

	// PlanBound returns the debtor id that ends a chunk of about n active
	// enrolments after debtor afterDebtor; ok is false when none remain.
	PlanBound(ctx context.Context, tenant domain.TenantID, afterDebtor int64, n int) (upto int64, ok bool, err error)
	// PlanScan returns the active enrolments of debtors in (afterDebtor,
	// uptoDebtor] with their debts' figures on day, in (debtor, id) order:
	// those whose next check is due (unset or on/before day), or all of
	// them when full is set.
	PlanScan(ctx context.Context, tenant domain.TenantID, afterDebtor, uptoDebtor int64, day date.Date, full bool) ([]PlanRow, error)
	// PlanStream reads, in one pass, the active enrolments whose next
	// check is due on day (unset, or on or before it; every active one
	// when full is set) with their debts' figures, in (debtor, id) order,
	// and hands them to fn in chunks of about n rows that never split a
	// debtor. fn runs on the reading goroutine and keeps the slice; an
	// error from fn ends the read.
	PlanStream(ctx context.Context, tenant domain.TenantID, day date.Date, full bool, n int, fn func([]PlanRow) error) error
	// PlanFacts fills the rows' debt columns and open-installment
	// aggregates on day (status, product, contract, anchor, open, overdue,
	// due soon), in place.
	PlanFacts(ctx context.Context, tenant domain.TenantID, day date.Date, rows []PlanRow) error
	// PortfolioCreditors maps the tenant's portfolios to their creditors'
	// names (for messages: CDC art. 42-A has collection name the creditor).
	PortfolioCreditors(ctx context.Context, tenant domain.TenantID) (map[int64]string, error)
	// PlanDebtors returns the debtors named with their contact points.
	PlanDebtors(ctx context.Context, tenant domain.TenantID, ids []int64) (map[int64]*PlanDebtor, error)
	// PlanHistory returns the attempts of the debtors since a time (not
	// cancelled), and of the enrolments whatever their age, with the
	// best outcome of each of the enrolments' steps, by enrolment and
	// "step@anchor-date" (sqldb.OutcomeKey): attempt status and the
	// recorded outcomes, whichever is stronger.
	PlanHistory(ctx context.Context, tenant domain.TenantID, debtorIDs, enrolmentIDs []int64, since time.Time) ([]PlanHistory, map[int64]map[string]string, error)
	// PlanWrite inserts attempts and their tracked links in one
	// transaction, idempotently by (enrolment, step, anchor date), and sets
	// the next check day of enrolments (by day; the zero day clears it).
	PlanWrite(ctx context.Context, tenant domain.TenantID, as []Attempt, links []TrackedLink, next map[date.Date][]int64) (int, error)
	// MoveEnrolments ends enrolments as moved and enrols their debts in
	// the given journey versions, in one transaction.
	MoveEnrolments(ctx context.Context, tenant domain.TenantID, from []int64, to []Enrolment, on date.Date) error
	StartPlanRun(ctx context.Context, tenant domain.TenantID, day date.Date) (PlanRun, error)
	FinishPlanRun(ctx context.Context, tenant domain.TenantID, r PlanRun) error
	PlanRuns(ctx context.Context, tenant domain.TenantID, limit int) ([]PlanRun, error)

	// ClickLink finds a tracked link by token (the URL has no tenant),
	// counts the click and records a "clicked" outcome once.
	ClickLink(ctx context.Context, token string, at time.Time) (TrackedLink, error)
	// RecordOutcome appends an outcome of an attempt (receipts, replies,
	// payments, promises); branches read the best one.
	RecordOutcome(ctx context.Context, tenant domain.TenantID, o Outcome) error
	VariantResults(ctx context.Context, tenant domain.TenantID, journeyID int64) ([]VariantResult, error)
}
