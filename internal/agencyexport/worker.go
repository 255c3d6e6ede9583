package agencyexport

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
)

// WorkerStore is what the export worker needs: the dispatch outbox's
// claim and settle, and enrolments to see whether a journey stopped.
type WorkerStore interface {
	Store
	ClaimAttempts(ctx context.Context, c store.Claim) ([]store.Claimed, error)
	SettleAttempts(ctx context.Context, tenant domain.TenantID, token string, now time.Time, s []store.Settled) ([]int64, error)
	Pauses(ctx context.Context, tenant domain.TenantID) ([]store.Pause, error)
	Enrolment(ctx context.Context, tenant domain.TenantID, id int64) (store.Enrolment, error)
}

// Worker claims due "export" attempts from the attempts outbox, under a
// lease like dispatch, and settles them through the export channel.
// Exports are not contacts: there is no address and no contact-policy
// check (dispatch refuses channels the policy does not know), but the
// same stop rules hold — a stopped enrolment cancels the export, a kill
// switch on the channel "export" or on the journey holds it — and results
// and timeline events are written once under the claim's token.
type Worker struct {
	S        WorkerStore
	E        *Exports
	Batch    int           // [200]
	Lease    time.Duration // [2m]
	MaxTries int           // [6]
	Backoff  time.Duration // first retry delay, doubled per try [30s]
	Idle     time.Duration // pause when nothing is due [5s]
	Now      func() time.Time
	Log      *slog.Logger
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return time.Now().UTC()
}

// Run works until ctx ends; store errors are logged and retried.
func (w *Worker) Run(ctx context.Context) error {
	idle := w.Idle
	if idle <= 0 {
		idle = 5 * time.Second
	}
	for ctx.Err() == nil {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil && w.Log != nil {
			w.Log.Error("agency export batch", "err", err)
		}
		if n == 0 || err != nil {
			t := time.NewTimer(idle)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
	}
	return ctx.Err()
}

// RunOnce claims and settles one batch; it returns how many attempts it
// claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	batch, lease, maxTries, backoff := w.Batch, w.Lease, w.MaxTries, w.Backoff
	if batch <= 0 {
		batch = 200
	}
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	if maxTries <= 0 {
		maxTries = 6
	}
	if backoff <= 0 {
		backoff = 30 * time.Second
	}
	b := make([]byte, 8)
	rand.Read(b)
	token := "export-" + hex.EncodeToString(b)
	claimed, err := w.S.ClaimAttempts(ctx, store.Claim{Now: w.now(), Lease: lease, Limit: batch, Token: token, Channels: []string{"export"}})
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	ctx = context.WithoutCancel(ctx) // what is added must be recorded
	pauses, err := w.S.Pauses(ctx, 0)
	if err != nil {
		return len(claimed), err
	}
	paused := map[string]bool{}
	for _, p := range pauses {
		paused[fmt.Sprintf("%d/%s/%s", p.TenantID, p.Scope, p.Value)] = true
	}
	byTenant := map[domain.TenantID][]store.Settled{}
	var order []domain.TenantID
	ch := w.E.Channel()
	for _, c := range claimed {
		a := c.Attempt
		var p journey.Payload
		json.Unmarshal(a.Payload, &p) // the channel reports a bad payload
		out := store.Settled{ID: a.ID}
		ev := func(kind domain.EventKind, summary, why string) *domain.Event {
			data, _ := json.Marshal(map[string]any{"attempt": a.ID, "channel": a.Channel, "journey": p.Journey, "step": p.Step, "why": why, "tries": a.Tries})
			return &domain.Event{TenantID: a.TenantID, DebtorID: a.DebtorID, DebtID: a.DebtID, Kind: kind, Actor: "export", Summary: summary, Data: data}
		}
		switch {
		case paused[fmt.Sprintf("%d/%s/export", a.TenantID, store.PauseChannel)] || (p.Journey != "" && paused[fmt.Sprintf("%d/%s/%s", a.TenantID, store.PauseJourney, p.Journey)]):
			out.Status = store.AttemptHeld
		case a.Tries > maxTries+2:
			out.Status, out.Error = store.AttemptParked, fmt.Sprintf("claimed %d times without a result", a.Tries)
			out.Event = ev(domain.EventAttempt, "Envio à assessoria não feito: "+out.Error, out.Error)
		default:
			if a.EnrolmentID != 0 {
				e, err := w.S.Enrolment(ctx, a.TenantID, a.EnrolmentID)
				if err != nil {
					out.Status, out.Error, out.DueAt = store.AttemptFailed, err.Error(), w.now().Add(backoff)
					break
				}
				if e.State != store.EnrolActive {
					out.Status, out.Error = store.AttemptCancelled, "enrolment "+string(e.State)+" before the export"
					break
				}
			}
			ref, err := ch.Send(ctx, channel.Message{Channel: a.Channel, Reference: fmt.Sprintf("rg-%d-a%d", a.TenantID, a.ID), IdempotencyKey: p.IdempotencyKey})
			target := ""
			if p.Export != nil {
				target = p.Export.Target
			}
			switch {
			case err == nil:
				out.Status, out.ProviderRef = store.AttemptSent, ref
				out.Event = ev("export", "Dívida incluída no lote de envio à assessoria "+target, "")
			case channel.IsPermanent(err) || a.Tries >= maxTries:
				out.Status, out.Error = store.AttemptParked, "export: "+err.Error()
				out.Event = ev(domain.EventAttempt, "Envio à assessoria não feito: "+err.Error(), err.Error())
			default:
				d := float64(backoff) * math.Pow(2, float64(max(a.Tries-1, 0)))
				out.Status, out.Error, out.DueAt = store.AttemptFailed, "export: "+err.Error(), w.now().Add(time.Duration(math.Min(d, float64(time.Hour))))
			}
		}
		if _, ok := byTenant[a.TenantID]; !ok {
			order = append(order, a.TenantID)
		}
		byTenant[a.TenantID] = append(byTenant[a.TenantID], out)
	}
	var first error
	for _, t := range order {
		if _, err := w.S.SettleAttempts(ctx, t, token, w.now(), byTenant[t]); err != nil && first == nil {
			first = err
		}
	}
	return len(claimed), first
}
