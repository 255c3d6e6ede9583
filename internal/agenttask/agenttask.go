// Package agenttask is the agent call queue: the consumer of "call"
// attempts (a journey's "task" action). Dispatch claims a due call attempt,
// checks the contact policy again and "sends" it through Queue.Channel,
// which writes an agent task — once per attempt — with the debtor, debt,
// priority, script and the window in which the call may be made: from the
// attempt's allowed instant to the end of that contact-policy window of
// the debtor's local day. Agents claim the next task (one agent per task),
// call, and close it with an outcome, which is recorded on the attempt for
// the journey's branches and on the debtor's timeline.
package agenttask

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/policy"
	"github.com/regua/regua/internal/policy/adapt"
	"github.com/regua/regua/internal/store"
)

// Store is what the queue needs of the store.
type Store interface {
	store.TaskStore
	Attempt(ctx context.Context, tenant domain.TenantID, id int64) (store.Attempt, error)
	Debtor360(ctx context.Context, tenant domain.TenantID, id int64, eventLimit int) (store.Debtor360, error)
	Enrolment(ctx context.Context, tenant domain.TenantID, id int64) (store.Enrolment, error)
	JourneyVersionByID(ctx context.Context, tenant domain.TenantID, id int64) (store.JourneyVersion, error)
	RecordOutcome(ctx context.Context, tenant domain.TenantID, o store.Outcome) error
}

// DefaultPriority is given to call attempts whose payload names none.
const DefaultPriority = 3

// Queue is the agent task queue over a store.
type Queue struct {
	S Store
	// Policy is the contact-policy preset for attempts outside journeys
	// and for tasks without a journey ["BR"].
	Policy string
	Now    func() time.Time // [time.Now]

	mu       sync.Mutex
	policies map[[2]int64]*policy.Policy
}

func (q *Queue) now() time.Time {
	if q.Now != nil {
		return q.Now().UTC()
	}
	return time.Now().UTC()
}

// Channel is the "call" channel for dispatch.
func (q *Queue) Channel() channel.Channel { return callChannel{q} }

type callChannel struct{ q *Queue }

func (callChannel) Name() string { return "agent-tasks" }

// Send creates the attempt's task; a repeated send (after a worker crash)
// finds the same task and answers its reference again.
func (c callChannel) Send(ctx context.Context, m channel.Message) (string, error) {
	tenant, id, err := store.ParseAttemptRef(m.Reference)
	if err != nil {
		return "", channel.Permanent("reference", err)
	}
	a, err := c.q.S.Attempt(ctx, tenant, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", channel.Permanent("attempt", err)
	}
	if err != nil {
		return "", channel.Temporary("store", err)
	}
	t, err := c.q.FromAttempt(ctx, tenant, a)
	if err != nil {
		return "", err
	}
	t, _, err = c.q.S.CreateTask(ctx, tenant, t)
	if errors.Is(err, store.ErrNotFound) {
		return "", channel.Permanent("debtor", err)
	}
	if err != nil {
		return "", channel.Temporary("store", err)
	}
	return "task-" + strconv.FormatInt(t.ID, 10), nil
}

// FromAttempt builds the task of a call attempt (not stored). Errors are
// classified for dispatch: a bad payload is permanent, a store error
// temporary.
func (q *Queue) FromAttempt(ctx context.Context, tenant domain.TenantID, a store.Attempt) (store.AgentTask, error) {
	var p journey.Payload
	if len(a.Payload) > 0 {
		if err := json.Unmarshal(a.Payload, &p); err != nil {
			return store.AgentTask{}, channel.Permanent("payload", err)
		}
	}
	t := store.AgentTask{Origin: "attempt:" + strconv.FormatInt(a.ID, 10), AttemptID: a.ID, DebtorID: a.DebtorID, DebtID: a.DebtID,
		EnrolmentID: a.EnrolmentID, Priority: DefaultPriority, Phone: p.To, ContactID: p.ContactID, Template: a.Template,
		Journey: p.Journey, Step: p.Step}
	if p.Task != nil {
		if p.Task.Priority >= 1 && p.Task.Priority <= 5 {
			t.Priority = p.Task.Priority
		}
		t.Queue, t.Script = p.Task.Queue, p.Task.Script
	}
	t.Reason = reason(&p)
	pol, pd, err := q.policyFor(ctx, tenant, a.EnrolmentID, a.DebtorID)
	if err != nil {
		return t, err
	}
	from := a.DueAt
	if from.IsZero() {
		from = q.now()
	}
	// The window is the policy's for the time the task is created: an
	// attempt sent late (the queue drained slowly) keeps its start but
	// ends with that day's window.
	_, t.DueUntil = Window(pol, pd, later(from, q.now()))
	t.DueFrom = from
	return t, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// reason is the task's "why": journey and step, days past due and the
// overdue amount at plan time (pt-BR, like the timeline).
func reason(p *journey.Payload) string {
	s := ""
	if p.Journey != "" {
		s = p.Journey + " · " + p.Step + ": "
	}
	s += fmt.Sprintf("%d dias de atraso", p.Debt.DPD)
	if m, err := money.Parse(p.Debt.Overdue); err == nil && m > 0 {
		s += ", vencido " + m.Format("pt-BR")
	}
	return s
}

// policyFor returns the contact policy of the enrolment's journey version
// (the fallback preset outside journeys) and the debtor as the policy sees
// them.
func (q *Queue) policyFor(ctx context.Context, tenant domain.TenantID, enrolment, debtor int64) (*policy.Policy, *policy.Debtor, error) {
	d, err := q.S.Debtor360(ctx, tenant, debtor, 0)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, channel.Permanent("debtor", err)
	}
	if err != nil {
		return nil, nil, channel.Temporary("store", err)
	}
	pd := adapt.Debtor(&d.Debtor, d.Contacts)
	if err := pd.Resolve(); err != nil {
		pd.Zone = ""
		pd.Resolve()
	}
	var version int64
	if enrolment != 0 {
		e, err := q.S.Enrolment(ctx, tenant, enrolment)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, nil, channel.Temporary("store", err)
		}
		version = e.VersionID
	}
	key := [2]int64{int64(tenant), version}
	q.mu.Lock()
	pol := q.policies[key]
	q.mu.Unlock()
	if pol != nil {
		return pol, &pd, nil
	}
	if version != 0 {
		jv, err := q.S.JourneyVersionByID(ctx, tenant, version)
		if err != nil {
			return nil, nil, channel.Temporary("store", fmt.Errorf("journey version %d: %w", version, err))
		}
		j, err := journey.CompileBytes(jv.Definition)
		if err != nil {
			return nil, nil, channel.Permanent("journey", fmt.Errorf("journey version %d: %w", version, err))
		}
		pol = j.Policy
	} else {
		name := q.Policy
		if name == "" {
			name = "BR"
		}
		if pol, err = policy.Preset(name); err != nil {
			return nil, nil, channel.Permanent("policy", err)
		}
	}
	q.mu.Lock()
	if q.policies == nil {
		q.policies = map[[2]int64]*policy.Policy{}
	}
	q.policies[key] = pol
	q.mu.Unlock()
	return pol, &pd, nil
}

// Window returns when an agent call may start at or after at, and when the
// policy's window containing that start ends, within the debtor's local
// day (quiet hours, weekends, holidays, preferences: no contact history,
// so caps do not shorten it). until is zero when no call is allowed at or
// after at (the policy says never).
func Window(pol *policy.Policy, pd *policy.Debtor, at time.Time) (from, until time.Time) {
	allowed := func(t time.Time) bool { return policy.Decide(pol, pd, policy.Call, nil, t).Allowed }
	dec := policy.Decide(pol, pd, policy.Call, nil, at)
	from = at
	if !dec.Allowed {
		if dec.Never || dec.Next.IsZero() {
			return at, time.Time{}
		}
		from = dec.Next
	}
	loc := pd.Loc
	if loc == nil {
		loc = time.UTC
	}
	l := from.In(loc)
	midnight := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
	// Policies are minute-grained: walk in quarter hours, then minutes.
	t := from
	for {
		n := t.Add(15 * time.Minute)
		if !n.Before(midnight) || !allowed(n) {
			break
		}
		t = n
	}
	for {
		n := t.Add(time.Minute).Truncate(time.Minute)
		if !n.Before(midnight) {
			return from, midnight.UTC()
		}
		if !allowed(n) {
			return from, n.UTC()
		}
		t = n
	}
}

// Next claims the agent's next task (or gives back the one it holds).
// store.ErrNotFound when nothing is due.
func (q *Queue) Next(ctx context.Context, tenant domain.TenantID, agentID int64, queue string) (store.AgentTask, error) {
	return q.S.ClaimTask(ctx, tenant, agentID, queue, q.now())
}

// Close records the agent's outcome: the task, a timeline event and, for
// a callback, a new task at callbackAt (moved to the next instant the
// policy allows), then the outcome on the attempt for the journey.
func (q *Queue) Close(ctx context.Context, tenant domain.TenantID, taskID, agentID int64, outcome store.TaskOutcome, note string, callbackAt time.Time) (store.AgentTask, error) {
	if _, err := store.ParseTaskOutcome(string(outcome)); err != nil {
		return store.AgentTask{}, err
	}
	now := q.now()
	c := store.TaskClose{TaskID: taskID, AgentID: agentID, Outcome: outcome, Note: note, At: now}
	if outcome == store.OutcomeCallback {
		if callbackAt.IsZero() || !callbackAt.After(now) {
			return store.AgentTask{}, fmt.Errorf("close task %d: a callback needs a time in the future", taskID)
		}
		t, err := q.S.Task(ctx, tenant, taskID)
		if err != nil {
			return store.AgentTask{}, err
		}
		pol, pd, err := q.policyFor(ctx, tenant, t.EnrolmentID, t.DebtorID)
		if err != nil {
			return store.AgentTask{}, err
		}
		from, until := Window(pol, pd, callbackAt)
		if until.IsZero() {
			return store.AgentTask{}, fmt.Errorf("close task %d: the contact policy allows no call at or after %s", taskID, callbackAt.Format(time.RFC3339))
		}
		cb := t
		cb.ID, cb.Origin, cb.ParentID = 0, "callback:"+strconv.FormatInt(t.ID, 10), t.ID
		cb.DueFrom, cb.DueUntil = from, until
		cb.Reason = "retorno pedido pelo devedor · " + t.Reason
		c.Callback = &cb
	} else if !callbackAt.IsZero() {
		return store.AgentTask{}, fmt.Errorf("close task %d: a callback time goes with the callback outcome only", taskID)
	}
	t, err := q.S.CloseTask(ctx, tenant, c)
	if err != nil {
		return t, err
	}
	if t.AttemptID != 0 {
		// After the task's own transaction: a failure here leaves the task
		// closed and is reported; the journey then sees the attempt as sent.
		if err := q.S.RecordOutcome(ctx, tenant, store.Outcome{AttemptID: t.AttemptID, Outcome: outcome.AttemptOutcome(), At: now}); err != nil {
			return t, fmt.Errorf("task %d closed; recording the outcome on attempt %d: %w", t.ID, t.AttemptID, err)
		}
	}
	return t, nil
}
