package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
)

// AttemptHeld is the status of an attempt waiting behind a kill switch
// (a paused channel or journey); resuming puts it back to planned.
const AttemptHeld AttemptStatus = "held"

// The last errors of attempts the planner cancels because the channel
// cannot reach the debtor: no usable contact point for it (NoContactPrefix
// + channel + " contact point"), or the contact policy allows no instant
// (an opted-out channel, say). Like every cancelled attempt, the journey
// engine sees such a step's outcome as "failed".
const (
	NoContactPrefix = "no usable "
	NoInstantError  = "policy: no allowed instant"
)

// Claim asks for due attempts.
type Claim struct {
	Now      time.Time     // the worker's clock: attempts due at or before it
	Lease    time.Duration // how long the claim holds before others may take over
	Limit    int           // at most this many attempts
	Token    string        // names this claim; every later write must present it
	Channels []string      // only these channels (the ones the worker can send); empty: none
}

// Claimed is one attempt under a worker's lease.
type Claimed struct {
	Attempt
	LeaseToken string
}

// Settled is what became of a claimed attempt. Planned (moved by the
// policy or a rate limit) and held do not count as a try.
type Settled struct {
	ID          int64
	Status      AttemptStatus // sent, failed (retry at DueAt), parked, cancelled, planned (moved by the policy to DueAt), held
	DueAt       time.Time     // next try or next allowed instant (failed, planned)
	ProviderRef string
	Error       string          // why it failed, was parked or cancelled
	Decision    json.RawMessage // the send-time policy decision, if one was taken
	// Event is appended to the debtor's timeline in the same transaction
	// as the status change, and only if the change happened (nil: none).
	Event *domain.Event
}

// SendFacts is what the send-time policy check needs of the debtors,
// debts and enrolments of a batch of attempts, read in a few statements.
type SendFacts struct {
	Debtors    map[int64]*domain.Debtor
	Contacts   map[int64][]domain.ContactPoint // by debtor
	Debts      map[int64]*domain.Debt
	Installs   map[int64][]domain.Installment // by debt
	Enrolments map[int64]EnrolmentRef
	// History is the debtors' contacts since the asked instant: attempts
	// sent, or being sent under another lease, by debtor.
	History map[int64][]HistoryEntry
	// Receipts are the lines of the payments that the receipts among the
	// attempts acknowledge, by payment id.
	Receipts map[int64]journey.ReceiptLine
}

// EnrolmentRef is what dispatch needs of an enrolment.
type EnrolmentRef struct {
	ID        int64
	VersionID int64
	JourneyID int64
	State     EnrolmentState
}

// HistoryEntry is one earlier contact of a debtor.
type HistoryEntry struct {
	AttemptID int64
	DebtID    int64
	Channel   string
	At        time.Time
}

// Pause is one kill switch.
type Pause struct {
	TenantID  domain.TenantID
	Scope     string // "channel" or "journey"
	Value     string // the channel name or the journey key
	Reason    string
	Actor     string
	CreatedAt time.Time
}

// Pause scopes.
const (
	PauseChannel = "channel"
	PauseJourney = "journey"
)

// Limit is a token bucket: Rate tokens a second up to Burst.
type Limit struct {
	TenantID domain.TenantID
	Key      string // "channel:sms", "provider:<name>"
	Rate     float64
	Burst    float64
	Tokens   float64
}

// QueueCount is the number of attempts of one channel in one status, and
// of those planned or failed, how many are due now.
type QueueCount struct {
	Channel string
	Status  AttemptStatus
	Count   int
	Due     int
	Oldest  time.Time // the earliest due_at among them
}

// DispatchStore is the durable queue behind dispatch workers.
type DispatchStore interface {
	// ClaimAttempts leases due attempts across tenants: planned or failed
	// ones due by c.Now, and ones still "sending" under an expired lease
	// (their worker died). Each claim sets status sending, the lease and
	// counts a try. On PostgreSQL concurrent claimers skip each other's
	// rows (FOR UPDATE SKIP LOCKED); on SQLite claims take the one writer.
	ClaimAttempts(ctx context.Context, c Claim) ([]Claimed, error)
	// SettleAttempts records what became of claimed attempts of one
	// tenant in one transaction. A row changes only while it is still
	// "sending" under token: an attempt whose lease passed to another
	// worker is left to it, so results and events are written once. It
	// returns the ids that changed.
	SettleAttempts(ctx context.Context, tenant domain.TenantID, token string, now time.Time, s []Settled) ([]int64, error)
	// ExtendLease moves the lease of a tenant's attempts still sending
	// under token to until, for batches that outlast their lease (slow
	// providers); it returns how many it extended.
	ExtendLease(ctx context.Context, tenant domain.TenantID, token string, until time.Time) (int, error)
	// SendFacts reads what the send-time policy check needs; the history
	// leaves out attempts under token (the caller's own batch, which it
	// counts itself as it decides).
	SendFacts(ctx context.Context, tenant domain.TenantID, as []Attempt, token string, since time.Time) (SendFacts, error)

	// PauseDispatch sets a kill switch and holds the scope's planned and
	// failed attempts at once; it returns how many it held.
	PauseDispatch(ctx context.Context, p Pause) (int, error)
	// ResumeDispatch lifts a kill switch and releases what it held.
	ResumeDispatch(ctx context.Context, tenant domain.TenantID, scope, value string) (int, error)
	// Pauses lists kill switches of every tenant (tenant 0) or of one.
	Pauses(ctx context.Context, tenant domain.TenantID) ([]Pause, error)

	// SetLimit creates or changes a token bucket (rate 0 removes it).
	SetLimit(ctx context.Context, l Limit) error
	Limits(ctx context.Context, tenant domain.TenantID) ([]Limit, error)
	// TakeTokens takes up to n tokens from each named bucket of a tenant
	// at instant now and returns how many it got from all of them (n when
	// no bucket is set); wait is how long until the next token.
	TakeTokens(ctx context.Context, tenant domain.TenantID, keys []string, n int, now time.Time) (got int, wait time.Duration, err error)

	// SendDecision returns the contact-policy decision dispatch took at
	// send time for an attempt (nil before dispatch decided), for
	// `regua explain attempt` beside the plan-time Decision.
	SendDecision(ctx context.Context, tenant domain.TenantID, attemptID int64) (json.RawMessage, error)

	// StuckAttempts lists a tenant's attempts in a status (parked,
	// failed, held …), newest first, for operators.
	StuckAttempts(ctx context.Context, tenant domain.TenantID, status AttemptStatus, channel string, limit int) ([]Attempt, error)
	// Requeue puts parked (or failed) attempts of a tenant back to planned,
	// due at once, with their tries reset: after a provider outage or a
	// fixed configuration. Zero ids take every attempt of the channel
	// (every channel when empty). It returns how many it requeued.
	Requeue(ctx context.Context, tenant domain.TenantID, from AttemptStatus, channel string, ids []int64, now time.Time) (int, error)

	// QueueCounts counts a tenant's attempts by channel and status.
	QueueCounts(ctx context.Context, tenant domain.TenantID, now time.Time) ([]QueueCount, error)
}
