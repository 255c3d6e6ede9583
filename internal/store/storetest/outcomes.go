package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
)

// CallbackStore is what the callback contract needs of a backend.
type CallbackStore interface {
	store.Store
	store.AttemptStore
	store.DispatchStore
	store.JourneyStore
	store.CallbackStore
}

// RunCallbacks is the contract of store.CallbackStore: provider
// references found across tenants, callbacks recorded once with their
// outcome and event, links read without counting.
func RunCallbacks(t *testing.T, s CallbackStore) {
	ctx := context.Background()
	a := NewFixture(t, s, "callbacks-a")
	b := NewFixture(t, s, "callbacks-b")
	ia, ib := a.IDs(t, s), b.IDs(t, s)
	t0 := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
	anchor := date.New(2026, 11, 20)
	const enrol = 9001 // attempts need no enrolment row; outcomes are keyed by its id
	plan := func(tenant domain.TenantID, debtor, debt int64, step string) int64 {
		t.Helper()
		at := store.Attempt{DebtorID: debtor, DebtID: debt, EnrolmentID: enrol, StepID: step, AnchorDate: anchor, Channel: "sms",
			DueAt: t0.Add(-time.Minute), Payload: json.RawMessage(`{"to":"x"}`)}
		if n, err := s.PlanAttempts(ctx, tenant, []store.Attempt{at}); err != nil || n != 1 {
			t.Fatalf("plan: %d %v", n, err)
		}
		got, err := s.AttemptsOfDebtor(ctx, tenant, debtor, 1)
		if err != nil || len(got) != 1 {
			t.Fatalf("plan: read back: %v", err)
		}
		return got[0].ID
	}
	a1 := plan(a.Tenant, ia.Jose, ia.JoseDebt, "s1")
	a2 := plan(a.Tenant, ia.Jose, ia.JoseDebt, "s2")
	b1 := plan(b.Tenant, ib.Jose, ib.JoseDebt, "s1")
	cs, err := s.ClaimAttempts(ctx, store.Claim{Now: t0, Lease: time.Hour, Limit: 10, Token: "cb", Channels: []string{"sms"}})
	if err != nil || len(cs) != 3 {
		t.Fatalf("claim: %d %v", len(cs), err)
	}
	for tenant, st := range map[domain.TenantID][]store.Settled{
		a.Tenant: {{ID: a1, Status: store.AttemptSent, ProviderRef: "ref-1"}, {ID: a2, Status: store.AttemptSent, ProviderRef: "ref-shared"}},
		b.Tenant: {{ID: b1, Status: store.AttemptSent, ProviderRef: "ref-shared"}},
	} {
		if ch, err := s.SettleAttempts(ctx, tenant, "cb", t0, st); err != nil || len(ch) != len(st) {
			t.Fatalf("settle: %v %v", ch, err)
		}
	}

	t.Run("attempt by provider reference", func(t *testing.T) {
		got, err := s.AttemptByProviderRef(ctx, "ref-1")
		if err != nil || got.ID != a1 || got.TenantID != a.Tenant || got.StepID != "s1" || got.EnrolmentID != enrol || got.AnchorDate != anchor {
			t.Fatalf("ref-1: %+v %v", got, err)
		}
		for _, ref := range []string{"", "ref-2", "REF-1"} {
			if _, err := s.AttemptByProviderRef(ctx, ref); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%q: %v, want not found", ref, err)
			}
		}
		if _, err := s.AttemptByProviderRef(ctx, "ref-shared"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("shared reference: %v, want a conflict", err)
		}
	})

	key := sqldb.OutcomeKey("s1", anchor)
	outcome := func(tenant domain.TenantID) string {
		t.Helper()
		_, outs, err := s.PlanHistory(ctx, tenant, nil, []int64{enrol}, t0.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return outs[enrol][key]
	}

	t.Run("recorded once, outcome for branches", func(t *testing.T) {
		if got := outcome(a.Tenant); got != "sent" {
			t.Fatalf("before: %q", got)
		}
		cb := store.ChannelCallback{Provider: "sink", AttemptID: a1, ProviderRef: "ref-1", Status: "delivered", At: t0.Add(time.Minute)}
		if ok, err := s.RecordCallback(ctx, a.Tenant, cb, nil); err != nil || !ok {
			t.Fatalf("delivered: %v %v", ok, err)
		}
		if ok, err := s.RecordCallback(ctx, a.Tenant, cb, nil); err != nil || ok {
			t.Fatalf("delivered twice: %v %v", ok, err)
		}
		if got := outcome(a.Tenant); got != "delivered" {
			t.Errorf("after delivered: %q", got)
		}
		// The other tenant's attempt of the same step is untouched, and a
		// tenant cannot record on another's attempt.
		if got := outcome(b.Tenant); got != "sent" {
			t.Errorf("other tenant: %q", got)
		}
		if _, err := s.RecordCallback(ctx, b.Tenant, cb, nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("foreign attempt: %v", err)
		}
		cb.Status = "read"
		if ok, err := s.RecordCallback(ctx, a.Tenant, cb, nil); err != nil || !ok {
			t.Fatalf("read: %v %v", ok, err)
		}
		// A failure reported after a read does not weaken the outcome,
		// nor does it touch the attempt (it is not re-sent).
		cb.Status = "failed"
		if ok, err := s.RecordCallback(ctx, a.Tenant, cb, nil); err != nil || !ok {
			t.Fatalf("failed: %v %v", ok, err)
		}
		if got := outcome(a.Tenant); got != "read" {
			t.Errorf("after read and failed: %q", got)
		}
		if got, _ := s.Attempt(ctx, a.Tenant, a1); got.Status != store.AttemptSent {
			t.Errorf("attempt status %s after a delivery failure", got.Status)
		}
		cb.Status = "bounced"
		if _, err := s.RecordCallback(ctx, a.Tenant, cb, nil); err == nil {
			t.Error("unknown status recorded")
		}
	})

	t.Run("events once", func(t *testing.T) {
		ev := &domain.Event{DebtorID: ia.Jose, DebtID: ia.JoseDebt, Kind: domain.EventReplied, Actor: "provider:sink", Summary: "SMS respondido"}
		reply := store.ChannelCallback{Provider: "sink", AttemptID: a2, Status: "replied", At: t0.Add(2 * time.Minute), Detail: "já paguei", DedupeKey: "replied@1"}
		for i := 0; i < 2; i++ {
			if ok, err := s.RecordCallback(ctx, a.Tenant, reply, ev); err != nil || ok != (i == 0) {
				t.Fatalf("reply %d: %v %v", i, ok, err)
			}
		}
		reply.DedupeKey, reply.At = "replied@2", t0.Add(3*time.Minute)
		if ok, err := s.RecordCallback(ctx, a.Tenant, reply, ev); err != nil || !ok {
			t.Fatalf("second reply: %v %v", ok, err)
		}
		evs, err := s.Events(ctx, a.Tenant, ia.Jose, 100)
		if err != nil {
			t.Fatal(err)
		}
		var at []time.Time
		for _, e := range evs {
			if e.Kind == domain.EventReplied {
				at = append(at, e.At)
			}
		}
		if len(at) != 2 {
			t.Fatalf("%d reply events, want 2", len(at))
		}
		if !at[0].Equal(t0.Add(3*time.Minute)) && !at[1].Equal(t0.Add(3*time.Minute)) {
			t.Errorf("event times %v: want the callback's", at)
		}
		if evs, _ := s.Events(ctx, b.Tenant, ib.Jose, 100); len(evs) > 0 {
			for _, e := range evs {
				if e.Kind == domain.EventReplied {
					t.Error("reply event in the other tenant")
				}
			}
		}
	})

	t.Run("tracked link read without a click", func(t *testing.T) {
		l := store.TrackedLink{Token: "tok-callbacks-contract-1", DebtorID: ia.Jose, EnrolmentID: enrol, StepID: "s1", AnchorDate: anchor, Target: "portal"}
		if _, err := s.PlanWrite(ctx, a.Tenant, nil, []store.TrackedLink{l}, nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.TrackedLink(ctx, l.Token)
		if err != nil || got.TenantID != a.Tenant || got.DebtorID != ia.Jose || got.Clicks != 0 || got.Target != "portal" || got.CreatedAt.IsZero() {
			t.Fatalf("link: %+v %v", got, err)
		}
		if _, err := s.ClickLink(ctx, l.Token, t0); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.TrackedLink(ctx, l.Token); got.Clicks != 1 || !got.FirstClick.Equal(t0) {
			t.Errorf("after a click: %+v", got)
		}
		if _, err := s.TrackedLink(ctx, "tok-unknown"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
	})
}
