package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
)

// This file declares the consumers of the attempts that do not go to a
// provider: agent call tasks (channel "call"), printed letters ("letter")
// and hand-overs to outside collection agencies (assessorias de cobrança,
// channel "export"). Dispatch claims them like any attempt and "sends"
// them by writing here.

// DebtPlaced is the status of a debt handed over to an outside collection
// agency: no longer open for Régua's own journeys (enrolment picks only
// open debts, and the hand-over ends its enrolments).
const DebtPlaced domain.DebtStatus = "placed"

// ParseAttemptRef reads the reference dispatch puts on every
// channel.Message, "rg-<tenant>-a<attempt id>" (docs/dispatch.md), so that
// a channel writing into the store can find the attempt it is sending.
func ParseAttemptRef(ref string) (domain.TenantID, int64, error) {
	bad := fmt.Errorf("attempt reference %q: want rg-<tenant>-a<id>", ref)
	rest, ok := strings.CutPrefix(ref, "rg-")
	if !ok {
		return 0, 0, bad
	}
	t, a, ok := strings.Cut(rest, "-a")
	if !ok {
		return 0, 0, bad
	}
	tenant, ok1 := positive(t)
	id, ok2 := positive(a)
	if !ok1 || !ok2 {
		return 0, 0, bad
	}
	return domain.TenantID(tenant), id, nil
}

// positive reads a canonical positive decimal (no sign, no leading zero).
func positive(s string) (int64, bool) {
	if s == "" || s[0] == '0' || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// TaskStatus is where an agent task stands.
type TaskStatus string

const (
	TaskOpen      TaskStatus = "open"      // waiting for an agent
	TaskClaimed   TaskStatus = "claimed"   // one agent is working it
	TaskDone      TaskStatus = "done"      // closed with an outcome
	TaskCancelled TaskStatus = "cancelled" // the debt was paid, settled or its journey stopped first
	TaskExpired   TaskStatus = "expired"   // its contact window ended before anyone claimed it
)

// TaskStatuses lists the statuses in the order of a task's life.
var TaskStatuses = []TaskStatus{TaskOpen, TaskClaimed, TaskDone, TaskCancelled, TaskExpired}

// TaskOutcome is how an agent closed a call task.
type TaskOutcome string

const (
	OutcomeReached     TaskOutcome = "reached"      // spoke to the debtor
	OutcomePromised    TaskOutcome = "promised"     // the debtor promised to pay
	OutcomeNoAnswer    TaskOutcome = "no_answer"    // nobody answered
	OutcomeWrongNumber TaskOutcome = "wrong_number" // the number is not the debtor's
	OutcomeRefused     TaskOutcome = "refused"      // reached, refused to pay or to talk
	OutcomeCallback    TaskOutcome = "callback"     // reached, asked to be called at another time
)

// TaskOutcomes lists the outcomes an agent may choose.
var TaskOutcomes = []TaskOutcome{OutcomeReached, OutcomePromised, OutcomeNoAnswer, OutcomeWrongNumber, OutcomeRefused, OutcomeCallback}

// ParseTaskOutcome checks an outcome name.
func ParseTaskOutcome(s string) (TaskOutcome, error) {
	for _, o := range TaskOutcomes {
		if string(o) == s {
			return o, nil
		}
	}
	return "", fmt.Errorf("outcome %q: want reached, promised, no_answer, wrong_number, refused or callback", s)
}

// AttemptOutcome is the journey outcome (store.Outcome.Outcome) a task
// outcome records on its attempt, so that journey branches can read it:
// a conversation counts as "replied", a wrong number as "failed".
func (o TaskOutcome) AttemptOutcome() string {
	switch o {
	case OutcomePromised:
		return "promised"
	case OutcomeNoAnswer:
		return "no_answer"
	case OutcomeWrongNumber:
		return "failed"
	default: // reached, refused, callback: the debtor was on the line
		return "replied"
	}
}

// AgentTask is one call an agent is to make.
type AgentTask struct {
	ID          int64
	TenantID    domain.TenantID
	Origin      string // idempotency key: "attempt:<id>", or "callback:<task id>"
	AttemptID   int64
	ParentID    int64 // the task whose callback this is; 0 otherwise
	DebtorID    int64
	DebtID      int64
	EnrolmentID int64
	Priority    int    // 1 (highest) … 5
	Queue       string // the journey step's queue; "" is the default one
	Phone       string // E.164, the contact point planned for the call
	ContactID   int64
	// DueFrom is when the call may start (the attempt's allowed instant);
	// DueUntil is when the contact policy's window of that day ends in the
	// debtor's local time (zero: no known end).
	DueFrom, DueUntil time.Time
	Script            string // the rendered script template, if the step has one
	Template          string
	Reason            string // why the call: journey, step, days past due, amount
	Journey, Step     string
	Status            TaskStatus
	AgentID           int64
	ClaimedAt         time.Time
	ClosedAt          time.Time
	Outcome           TaskOutcome
	Note              string
	CallbackAt        time.Time
	CancelReason      string
	CreatedAt         time.Time

	// Read with the task, not written.
	DebtorName string
	Contract   string
	AgentName  string
}

// TaskFilter selects tasks. Zero fields select everything.
type TaskFilter struct {
	Status   []TaskStatus
	AgentID  int64
	DebtorID int64
	Limit    int // default 200
}

// TaskClose is an agent's result for a claimed task.
type TaskClose struct {
	TaskID  int64
	AgentID int64 // must be the agent holding the task
	Outcome TaskOutcome
	Note    string
	At      time.Time
	// Callback is the task to create for a callback outcome (its Origin,
	// due window and figures filled by the caller); nil otherwise.
	Callback *AgentTask
}

// TaskCount is how many tasks have a status and priority.
type TaskCount struct {
	Status   TaskStatus
	Priority int
	Count    int
	Due      int // open and due now
}

// TaskStore keeps the agent task queue.
type TaskStore interface {
	// CreateTask inserts t unless a task with its Origin exists, and
	// returns the stored task and whether it is new.
	CreateTask(ctx context.Context, tenant domain.TenantID, t AgentTask) (AgentTask, bool, error)
	Task(ctx context.Context, tenant domain.TenantID, id int64) (AgentTask, error)
	// Tasks lists tasks by priority, then due time, then id.
	Tasks(ctx context.Context, tenant domain.TenantID, f TaskFilter) ([]AgentTask, error)
	// ClaimTask gives agent the task it already holds, else the next open
	// task due at now (by priority, then due time; optionally of one
	// queue), claimed for it alone (SKIP LOCKED on PostgreSQL). On the way
	// it cancels open tasks whose debt is no longer open (paid, settled,
	// agreement, dispute, placed) or whose enrolment stopped, and expires
	// those whose window ended. ErrNotFound when nothing is due.
	ClaimTask(ctx context.Context, tenant domain.TenantID, agentID int64, queue string, now time.Time) (AgentTask, error)
	// CloseTask records the outcome of a task held by c.AgentID, a
	// timeline event, and the callback task, in one transaction.
	// ErrConflict when the task is not claimed by that agent.
	CloseTask(ctx context.Context, tenant domain.TenantID, c TaskClose) (AgentTask, error)
	// ReleaseTask puts a claimed task back in the queue (the agent cannot
	// take it now).
	ReleaseTask(ctx context.Context, tenant domain.TenantID, id, agentID int64) error
	TaskCounts(ctx context.Context, tenant domain.TenantID, now time.Time) ([]TaskCount, error)
}

// Letter is one printed letter: what it says, to whom, and its PDF.
type Letter struct {
	ID        int64
	TenantID  domain.TenantID
	AttemptID int64
	DebtorID  int64
	DebtID    int64
	// BatchDate is the print batch: the day (in the tenant's zone) the
	// letter was "sent".
	BatchDate date.Date
	Recipient string
	Address   []string // postal address lines
	Creditor  string
	Contract  string
	Locale    string
	Subject   string
	Body      string
	Reference string // the attempt reference printed on the letter
	PDF       []byte // the letter as rendered when sent (nil in lists)
	CreatedAt time.Time
	PrintedAt time.Time // when its batch was last written for printing
}

// LetterDay is one print batch.
type LetterDay struct {
	Day     date.Date
	Letters int
	Printed int
}

// LetterStore keeps letters and their print batches.
type LetterStore interface {
	// SaveLetter inserts l unless the attempt already has a letter; it
	// returns the stored letter (without its PDF) and whether it is new.
	SaveLetter(ctx context.Context, tenant domain.TenantID, l Letter) (Letter, bool, error)
	// Letters returns a day's letters in id order, with their PDFs when
	// withPDF.
	Letters(ctx context.Context, tenant domain.TenantID, day date.Date, withPDF bool) ([]Letter, error)
	LetterDays(ctx context.Context, tenant domain.TenantID, limit int) ([]LetterDay, error)
	// LettersOfDebtor returns a debtor's letters (without PDFs), newest
	// print batch first, at most limit (default 50).
	LettersOfDebtor(ctx context.Context, tenant domain.TenantID, debtor int64, limit int) ([]Letter, error)
	// MarkLettersPrinted stamps a day's letters as printed at at.
	MarkLettersPrinted(ctx context.Context, tenant domain.TenantID, day date.Date, at time.Time) (int, error)
}

// ExportStatus is where a debt handed to an agency stands.
type ExportStatus string

const (
	ExportPending  ExportStatus = "pending"  // in the target's open batch
	ExportExported ExportStatus = "exported" // written to a closed batch: the debt is placed
	ExportDropped  ExportStatus = "dropped"  // the debt was no longer open when the batch closed
)

// ExportItem is one debt in an agency export.
type ExportItem struct {
	ID        int64
	TenantID  domain.TenantID
	AttemptID int64
	Target    string // the agency
	DebtorID  int64
	DebtID    int64
	BatchID   int64 // 0 while pending
	Status    ExportStatus
	Reason    string // why dropped
	AddedAt   time.Time
}

// ExportBatch is one closed export file of one agency.
type ExportBatch struct {
	ID       int64
	TenantID domain.TenantID
	Target   string
	ClosedAt time.Time
	AsOf     date.Date
	Exported int
	Dropped  int
	Actor    string
}

// ExportRow is one line of an agency file: the debt with what the
// agency needs to collect it.
type ExportRow struct {
	ItemID         int64
	DebtorID       int64
	DebtorKind     domain.DebtorKind
	Name           string
	Document       string // full; the writer masks it unless asked not to
	Address        domain.Address
	Phones, Emails []string // usable (not opted-out) contact points
	DebtID         int64
	Contract       string
	Product        string
	Creditor       string
	Portfolio      string
	Installments   int // open installments
	Overdue        int // open installments past due
	Open           money.Money
	OverdueAmount  money.Money
	OldestDue      date.Date
	DPD            int
}

// ExportTarget is an agency with debts waiting in its open batch.
type ExportTarget struct {
	Target  string
	Pending int
}

// ExportStore keeps agency exports.
type ExportStore interface {
	// AddToExport puts a debt in the target's open batch, once per
	// attempt; it returns the item and whether it is new.
	AddToExport(ctx context.Context, tenant domain.TenantID, it ExportItem) (ExportItem, bool, error)
	ExportTargets(ctx context.Context, tenant domain.TenantID) ([]ExportTarget, error)
	// CloseExportBatch closes the target's open batch in one transaction:
	// debts no longer open are dropped with the reason; the others are
	// placed with the agency (debt status placed, active enrolments
	// stopped, attempts not yet sent cancelled, a timeline event each).
	// It returns the batch and the placed debts' rows in debt order. An
	// empty open batch gives a batch with no rows (and stores nothing).
	CloseExportBatch(ctx context.Context, tenant domain.TenantID, target, actor string, asOf date.Date, at time.Time) (ExportBatch, []ExportRow, error)
	ExportBatches(ctx context.Context, tenant domain.TenantID, limit int) ([]ExportBatch, error)
	ExportItems(ctx context.Context, tenant domain.TenantID, batchID int64) ([]ExportItem, error)
}
