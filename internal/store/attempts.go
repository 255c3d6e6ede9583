package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
)

// AttemptStatus is where an attempt (acionamento) stands in its life:
// planned → sending → sent, or → failed (retried) → parked (given up), or
// cancelled when a stop condition arrived before it went out.
type AttemptStatus string

const (
	AttemptPlanned   AttemptStatus = "planned"
	AttemptSending   AttemptStatus = "sending"
	AttemptSent      AttemptStatus = "sent"
	AttemptFailed    AttemptStatus = "failed"
	AttemptParked    AttemptStatus = "parked"
	AttemptCancelled AttemptStatus = "cancelled"
)

// Attempt is one planned or made contact on one channel. The planner
// writes it with the contact-policy decision of plan time; dispatch claims it
// when DueAt arrives, decides again, sends and records the result.
type Attempt struct {
	ID          int64
	TenantID    domain.TenantID
	DebtorID    int64
	DebtID      int64
	EnrolmentID int64  // 0 for attempts not made by a journey (agent calls, manual sends)
	StepID      string // the journey step; with EnrolmentID and AnchorDate, the idempotency key of planning
	AnchorDate  date.Date
	Channel     string // sms, email, whatsapp, voice, call, …
	Template    string
	Variant     string // champion/challenger arm
	Payload     json.RawMessage
	Status      AttemptStatus
	DueAt       time.Time // UTC; the next instant the policy allows
	Decision    json.RawMessage
	PolicyVer   string
	Tries       int
	LastError   string
	ProviderRef string
	CreatedAt   time.Time
	SentAt      time.Time
}

// AttemptStore writes planned attempts.
type AttemptStore interface {
	// PlanAttempts inserts attempts that do not exist yet for their
	// (enrolment, step, anchor date) and reports how many were new; a
	// second call with the same attempts inserts nothing.
	PlanAttempts(ctx context.Context, tenant domain.TenantID, as []Attempt) (inserted int, err error)
	Attempt(ctx context.Context, tenant domain.TenantID, id int64) (Attempt, error)
	AttemptsOfDebtor(ctx context.Context, tenant domain.TenantID, debtorID int64, limit int) ([]Attempt, error)
	// CancelPlannedAttempts cancels the attempts of a debt that have not
	// gone out yet (status planned or failed-awaiting-retry), recording why
	// in LastError; a stop condition (payment, agreement, dispute, opt-out)
	// calls it. It returns how many were cancelled.
	CancelPlannedAttempts(ctx context.Context, tenant domain.TenantID, debtID int64, reason string) (int, error)
}
