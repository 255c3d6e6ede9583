package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// DispatchStore is what the dispatch contract needs of a backend.
type DispatchStore interface {
	store.Store
	store.AttemptStore
	store.DispatchStore
}

// FixtureIDs finds the fixture's debtors and debts: José (two
// installments of debt C-1001, mobile and e-mail) and Maria.
type FixtureIDs struct {
	Jose, Maria         int64
	JoseDebt, MariaDebt int64
	JoseMobile          int64
	JoseEmail           int64
}

// IDs looks the fixture's rows up.
func (f Fixture) IDs(t testing.TB, s store.Store) FixtureIDs {
	t.Helper()
	ctx := context.Background()
	var ids FixtureIDs
	for _, doc := range []string{"52998224725", "11144477735"} {
		res, err := s.SearchDebtors(ctx, f.Tenant, doc, date.New(2026, 11, 24), 5)
		if err != nil || len(res) != 1 {
			t.Fatalf("fixture debtor %s: %v %v", doc, res, err)
		}
		d, err := s.Debtor360(ctx, f.Tenant, res[0].ID, 10)
		if err != nil || len(d.Debts) == 0 {
			t.Fatalf("fixture debtor %s: %v", doc, err)
		}
		if doc == "52998224725" {
			ids.Jose, ids.JoseDebt = d.Debtor.ID, d.Debts[0].ID
			for _, c := range d.Contacts {
				switch c.Kind {
				case domain.Mobile:
					ids.JoseMobile = c.ID
				case domain.Email:
					ids.JoseEmail = c.ID
				}
			}
		} else {
			ids.Maria, ids.MariaDebt = d.Debtor.ID, d.Debts[0].ID
		}
	}
	return ids
}

// RunDispatch is the contract of store.DispatchStore.
func RunDispatch(t *testing.T, s DispatchStore) {
	ctx := context.Background()
	a := NewFixture(t, s, "dispatch-a")
	b := NewFixture(t, s, "dispatch-b")
	ia, ib := a.IDs(t, s), b.IDs(t, s)
	t0 := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
	step := 0
	plan := func(tenant domain.TenantID, debtor, debt int64, ch string, due time.Time) int64 {
		t.Helper()
		step++
		at := store.Attempt{DebtorID: debtor, DebtID: debt, StepID: fmt.Sprintf("manual-%d", step), Channel: ch, DueAt: due,
			Payload: json.RawMessage(`{"to":"x"}`)}
		if n, err := s.PlanAttempts(ctx, tenant, []store.Attempt{at}); err != nil || n != 1 {
			t.Fatalf("plan: %d %v", n, err)
		}
		got, err := s.AttemptsOfDebtor(ctx, tenant, debtor, 1)
		if err != nil || len(got) != 1 {
			t.Fatalf("plan: read back: %v", err)
		}
		return got[0].ID
	}
	a1 := plan(a.Tenant, ia.Jose, ia.JoseDebt, "sms", t0.Add(-3*time.Minute))
	a2 := plan(a.Tenant, ia.Jose, ia.JoseDebt, "sms", t0.Add(-2*time.Minute))
	a3 := plan(a.Tenant, ia.Maria, ia.MariaDebt, "sms", t0.Add(-1*time.Minute))
	aMail := plan(a.Tenant, ia.Jose, ia.JoseDebt, "email", t0.Add(-time.Minute))
	aLater := plan(a.Tenant, ia.Jose, ia.JoseDebt, "sms", t0.Add(48*time.Hour))
	b1 := plan(b.Tenant, ib.Jose, ib.JoseDebt, "sms", t0.Add(-4*time.Minute))

	claim := func(now time.Time, token string, limit int, chans ...string) []store.Claimed {
		t.Helper()
		cs, err := s.ClaimAttempts(ctx, store.Claim{Now: now, Lease: time.Hour, Limit: limit, Token: token, Channels: chans})
		if err != nil {
			t.Fatalf("claim: %v", err)
		}
		return cs
	}
	ids := func(cs []store.Claimed) map[int64]store.Claimed {
		m := map[int64]store.Claimed{}
		for _, c := range cs {
			m[c.ID] = c
		}
		return m
	}

	t.Run("claim", func(t *testing.T) {
		if cs := claim(t0, "none", 10); len(cs) != 0 {
			t.Fatalf("no channels claimed %d", len(cs))
		}
		cs := claim(t0, "tok-1", 10, "sms")
		got := ids(cs)
		if len(cs) != 4 || got[a1].ID == 0 || got[a2].ID == 0 || got[a3].ID == 0 || got[b1].ID == 0 {
			t.Fatalf("claimed %v, want a1 a2 a3 b1", got)
		}
		if got[b1].TenantID != b.Tenant || got[a1].TenantID != a.Tenant {
			t.Errorf("tenants: %d %d", got[b1].TenantID, got[a1].TenantID)
		}
		for _, c := range cs {
			if c.Status != store.AttemptSending || c.Tries != 1 || c.LeaseToken != "tok-1" {
				t.Errorf("claimed %d: status %s tries %d token %q", c.ID, c.Status, c.Tries, c.LeaseToken)
			}
		}
		if cs[0].ID != b1 || cs[3].ID != a3 {
			t.Errorf("oldest first: got %d … %d, want %d … %d", cs[0].ID, cs[3].ID, b1, a3)
		}
		if _, ok := got[aMail]; ok {
			t.Error("e-mail claimed by an sms-only worker")
		}
		if _, ok := got[aLater]; ok {
			t.Error("future attempt claimed")
		}
		if again := claim(t0, "tok-2", 10, "sms", "email"); len(again) != 1 || again[0].ID != aMail {
			t.Errorf("second claim: %v, want only the e-mail", ids(again))
		}
	})

	t.Run("settle once", func(t *testing.T) {
		ev := func(id int64) *domain.Event {
			return &domain.Event{DebtorID: ia.Jose, DebtID: ia.JoseDebt, Kind: domain.EventContacted, Actor: "dispatch", Summary: fmt.Sprintf("sent %d", id), Data: json.RawMessage(fmt.Sprintf(`{"attempt":%d}`, id))}
		}
		// Wrong token, and the right token under the wrong tenant: nothing.
		if ch, err := s.SettleAttempts(ctx, a.Tenant, "tok-x", t0, []store.Settled{{ID: a1, Status: store.AttemptSent, Event: ev(a1)}}); err != nil || len(ch) != 0 {
			t.Fatalf("foreign token changed %v %v", ch, err)
		}
		if ch, err := s.SettleAttempts(ctx, b.Tenant, "tok-1", t0, []store.Settled{{ID: a1, Status: store.AttemptSent, Event: ev(a1)}}); err != nil || len(ch) != 0 {
			t.Fatalf("other tenant changed %v %v", ch, err)
		}
		if _, err := s.SettleAttempts(ctx, a.Tenant, "tok-1", t0, []store.Settled{{ID: a1, Status: store.AttemptSending}}); err == nil {
			t.Error("settling as sending accepted")
		}
		retry := t0.Add(time.Minute)
		dec := json.RawMessage(`{"allowed":false}`)
		batch := []store.Settled{
			{ID: a1, Status: store.AttemptSent, ProviderRef: "p-1", Decision: json.RawMessage(`{"allowed":true}`), Event: ev(a1)},
			{ID: a2, Status: store.AttemptFailed, DueAt: retry, Error: "provider busy"},
			{ID: a3, Status: store.AttemptPlanned, DueAt: t0.Add(20 * time.Hour), Error: "policy: quiet_hours", Decision: dec},
		}
		ch, err := s.SettleAttempts(ctx, a.Tenant, "tok-1", t0, batch)
		if err != nil || len(ch) != 3 {
			t.Fatalf("settle: %v %v", ch, err)
		}
		if ch, err := s.SettleAttempts(ctx, a.Tenant, "tok-1", t0, batch); err != nil || len(ch) != 0 {
			t.Fatalf("settled twice: %v %v", ch, err)
		}
		if d, err := s.SendDecision(ctx, a.Tenant, a1); err != nil || string(d) != `{"allowed":true}` {
			t.Errorf("send decision %s %v", d, err)
		}
		if d, err := s.SendDecision(ctx, a.Tenant, a2); err != nil || d != nil {
			t.Errorf("no send decision: %s %v", d, err)
		}
		if _, err := s.SendDecision(ctx, b.Tenant, a1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant's send decision: %v", err)
		}
		got, _ := s.Attempt(ctx, a.Tenant, a1)
		if got.Status != store.AttemptSent || got.ProviderRef != "p-1" || !got.SentAt.Equal(t0) || got.Tries != 1 {
			t.Errorf("sent: %+v", got)
		}
		got, _ = s.Attempt(ctx, a.Tenant, a2)
		if got.Status != store.AttemptFailed || !got.DueAt.Equal(retry) || got.LastError != "provider busy" || got.Tries != 1 {
			t.Errorf("failed: %+v", got)
		}
		got, _ = s.Attempt(ctx, a.Tenant, a3)
		if got.Status != store.AttemptPlanned || got.Tries != 0 || !got.DueAt.Equal(t0.Add(20*time.Hour)) {
			t.Errorf("moved: status %s tries %d due %v (a move is not a try)", got.Status, got.Tries, got.DueAt)
		}
		evs, err := s.Events(ctx, a.Tenant, ia.Jose, 50)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Kind == domain.EventContacted {
				n++
				if !e.At.Equal(t0) || e.Summary != fmt.Sprintf("sent %d", a1) {
					t.Errorf("event %+v", e)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d contacted events, want exactly 1", n)
		}
		// The retry is claimable when due, not before.
		if cs := claim(t0, "tok-3", 10, "sms"); len(cs) != 0 {
			t.Errorf("retry claimed early: %v", ids(cs))
		}
		cs := claim(retry, "tok-3", 10, "sms")
		if len(cs) != 1 || cs[0].ID != a2 || cs[0].Tries != 2 {
			t.Fatalf("retry claim: %+v", cs)
		}
		if ch, _ := s.SettleAttempts(ctx, a.Tenant, "tok-3", retry, []store.Settled{{ID: a2, Status: store.AttemptParked, Error: "gave up"}}); len(ch) != 1 {
			t.Errorf("park: %v", ch)
		}
	})

	t.Run("operators see and requeue parked attempts", func(t *testing.T) {
		ps, err := s.StuckAttempts(ctx, a.Tenant, store.AttemptParked, "", 10)
		if err != nil || len(ps) != 1 || ps[0].ID != a2 || ps[0].LastError != "gave up" {
			t.Fatalf("parked %+v %v", ps, err)
		}
		if ps, _ := s.StuckAttempts(ctx, a.Tenant, store.AttemptParked, "email", 10); len(ps) != 0 {
			t.Errorf("parked e-mails %+v", ps)
		}
		if ps, _ := s.StuckAttempts(ctx, b.Tenant, store.AttemptParked, "", 10); len(ps) != 0 {
			t.Errorf("B sees A's parked %+v", ps)
		}
		if n, err := s.Requeue(ctx, b.Tenant, store.AttemptParked, "", []int64{a2}, t0); err != nil || n != 0 {
			t.Errorf("B requeued A's: %d %v", n, err)
		}
		if _, err := s.Requeue(ctx, a.Tenant, store.AttemptSent, "", nil, t0); err == nil {
			t.Error("requeue of sent attempts accepted")
		}
		if n, err := s.Requeue(ctx, a.Tenant, store.AttemptParked, "sms", []int64{a2}, t0.Add(time.Minute)); err != nil || n != 1 {
			t.Fatalf("requeue %d %v", n, err)
		}
		got, _ := s.Attempt(ctx, a.Tenant, a2)
		if got.Status != store.AttemptPlanned || got.Tries != 0 || !got.DueAt.Equal(t0.Add(time.Minute)) || got.LastError != "requeued: gave up" {
			t.Errorf("requeued %+v", got)
		}
		// Park it again for the counts below.
		cs := claim(t0.Add(time.Minute), "tok-3b", 1, "sms")
		if len(cs) != 1 || cs[0].ID != a2 {
			t.Fatalf("claim requeued: %+v", cs)
		}
		if n, err := s.ExtendLease(ctx, b.Tenant, "tok-3b", t0.Add(3*time.Hour)); err != nil || n != 0 {
			t.Errorf("B extended A's lease: %d %v", n, err)
		}
		if n, err := s.ExtendLease(ctx, a.Tenant, "tok-3b", t0.Add(3*time.Hour)); err != nil || n != 1 {
			t.Errorf("extend: %d %v", n, err)
		}
		if cs := claim(t0.Add(2*time.Hour), "tok-3c", 10, "sms"); len(ids(cs)) != 1 || ids(cs)[a2].ID != 0 {
			t.Errorf("extended lease taken over (or b1 not rescued): %v", ids(cs))
		}
		s.SettleAttempts(ctx, a.Tenant, "tok-3b", t0, []store.Settled{{ID: a2, Status: store.AttemptParked, Error: "gave up"}})
		// b1's fresh claim above stays for the expired-lease test: release it.
		s.SettleAttempts(ctx, b.Tenant, "tok-3c", t0, []store.Settled{{ID: b1, Status: store.AttemptPlanned, DueAt: t0.Add(-4 * time.Minute)}})
		if cs := claim(t0, "tok-1", 10, "sms"); len(cs) != 1 || cs[0].ID != b1 {
			t.Fatalf("re-claim b1 under tok-1: %v", ids(cs))
		}
	})

	t.Run("expired lease", func(t *testing.T) {
		// b1 is still "sending" under tok-1 (its worker "died"). Before the
		// lease ends nobody takes it; after, a new claim does.
		if cs := claim(t0.Add(30*time.Second), "tok-4", 10, "sms"); len(cs) != 0 {
			t.Fatalf("live lease taken: %v", ids(cs))
		}
		cs := claim(t0.Add(2*time.Hour), "tok-4", 10, "sms")
		if len(cs) != 1 || cs[0].ID != b1 || cs[0].Tries != 3 || cs[0].TenantID != b.Tenant { // claims by tok-1, tok-3c (released: not a try), tok-1, tok-4
			t.Fatalf("rescue: %+v", cs)
		}
		if ch, _ := s.SettleAttempts(ctx, b.Tenant, "tok-1", t0, []store.Settled{{ID: b1, Status: store.AttemptSent}}); len(ch) != 0 {
			t.Error("the dead worker's late result was recorded")
		}
		if ch, _ := s.SettleAttempts(ctx, b.Tenant, "tok-4", t0, []store.Settled{{ID: b1, Status: store.AttemptSent}}); len(ch) != 1 {
			t.Error("the rescuer's result was not recorded")
		}
	})

	t.Run("facts", func(t *testing.T) {
		at, _ := s.Attempt(ctx, a.Tenant, aLater)
		f, err := s.SendFacts(ctx, a.Tenant, []store.Attempt{at}, "tok-none", t0.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		d := f.Debtors[ia.Jose]
		if d == nil || d.ExtID == "" || len(f.Contacts[ia.Jose]) != 2 {
			t.Fatalf("debtor %+v contacts %+v", d, f.Contacts[ia.Jose])
		}
		if db := f.Debts[ia.JoseDebt]; db == nil || db.Status != domain.DebtOpen || len(f.Installs[ia.JoseDebt]) != 2 {
			t.Fatalf("debt %+v installments %d", db, len(f.Installs[ia.JoseDebt]))
		}
		// José's history: a1 sent at t0, aMail being sent under tok-2.
		h := f.History[ia.Jose]
		if len(h) != 2 {
			t.Fatalf("history %+v", h)
		}
		f, _ = s.SendFacts(ctx, a.Tenant, []store.Attempt{at}, "tok-2", t0.Add(-time.Hour))
		if len(f.History[ia.Jose]) != 1 || f.History[ia.Jose][0].AttemptID != a1 || !f.History[ia.Jose][0].At.Equal(t0) {
			t.Errorf("history without own batch: %+v", f.History[ia.Jose])
		}
		// Tenancy: asking under B finds none of A's rows.
		f, _ = s.SendFacts(ctx, b.Tenant, []store.Attempt{at}, "", t0.Add(-time.Hour))
		if len(f.Debtors)+len(f.Debts)+len(f.History) != 0 {
			t.Errorf("other tenant's facts: %+v", f)
		}
	})

	t.Run("kill switch", func(t *testing.T) {
		p1 := plan(a.Tenant, ia.Jose, ia.JoseDebt, "whatsapp", t0)
		pB := plan(b.Tenant, ib.Jose, ib.JoseDebt, "whatsapp", t0)
		n, err := s.PauseDispatch(ctx, store.Pause{TenantID: a.Tenant, Scope: store.PauseChannel, Value: "whatsapp", Reason: "template rejected", Actor: "ana"})
		if err != nil || n != 1 {
			t.Fatalf("pause: %d %v", n, err)
		}
		if _, err := s.PauseDispatch(ctx, store.Pause{TenantID: a.Tenant, Scope: store.PauseJourney, Value: "nope"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("pause of an unknown journey: %v", err)
		}
		if _, err := s.PauseDispatch(ctx, store.Pause{TenantID: a.Tenant, Scope: "tenant", Value: "x"}); err == nil {
			t.Error("unknown scope accepted")
		}
		cs := claim(t0, "tok-5", 10, "whatsapp")
		if len(cs) != 1 || cs[0].ID != pB {
			t.Fatalf("claim while paused: %v (B is not paused)", ids(cs))
		}
		ps, _ := s.Pauses(ctx, 0)
		if len(ps) != 1 || ps[0].TenantID != a.Tenant || ps[0].Reason != "template rejected" {
			t.Errorf("pauses %+v", ps)
		}
		if ps, _ := s.Pauses(ctx, b.Tenant); len(ps) != 0 {
			t.Errorf("B's pauses %+v", ps)
		}
		if _, err := s.ResumeDispatch(ctx, b.Tenant, store.PauseChannel, "whatsapp"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("B resumed A's pause: %v", err)
		}
		n, err = s.ResumeDispatch(ctx, a.Tenant, store.PauseChannel, "whatsapp")
		if err != nil || n != 1 {
			t.Fatalf("resume: %d %v", n, err)
		}
		if cs := claim(t0, "tok-6", 10, "whatsapp"); len(cs) != 1 || cs[0].ID != p1 {
			t.Errorf("after resume: %v", ids(cs))
		}
	})

	t.Run("rate limits", func(t *testing.T) {
		if err := s.SetLimit(ctx, store.Limit{TenantID: a.Tenant, Key: "channel:sms", Rate: 10, Burst: 5}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetLimit(ctx, store.Limit{TenantID: a.Tenant, Key: "channel:sms", Rate: -1}); err == nil {
			t.Error("negative rate accepted")
		}
		got, wait, err := s.TakeTokens(ctx, a.Tenant, []string{"channel:sms", "provider:x"}, 8, t0)
		if err != nil || got != 5 || wait <= 0 || wait > 100*time.Millisecond {
			t.Fatalf("take 8 of a full bucket of 5: got %d wait %v %v", got, wait, err)
		}
		if got, _, _ := s.TakeTokens(ctx, a.Tenant, []string{"channel:sms"}, 8, t0); got != 0 {
			t.Errorf("empty bucket gave %d", got)
		}
		// 300 ms later: 3 tokens.
		if got, _, _ := s.TakeTokens(ctx, a.Tenant, []string{"channel:sms"}, 8, t0.Add(300*time.Millisecond)); got != 3 {
			t.Errorf("after 300 ms got %d, want 3", got)
		}
		// Much later: never more than the burst.
		if got, _, _ := s.TakeTokens(ctx, a.Tenant, []string{"channel:sms"}, 8, t0.Add(time.Hour)); got != 5 {
			t.Errorf("after an hour got %d, want the burst 5", got)
		}
		if got, _, _ := s.TakeTokens(ctx, b.Tenant, []string{"channel:sms"}, 8, t0); got != 8 {
			t.Errorf("B has no limit but got %d of 8", got)
		}
		ls, _ := s.Limits(ctx, a.Tenant)
		if len(ls) != 1 || ls[0].Rate != 10 || ls[0].Burst != 5 {
			t.Errorf("limits %+v", ls)
		}
		if err := s.SetLimit(ctx, store.Limit{TenantID: a.Tenant, Key: "channel:sms", Rate: 0}); err != nil {
			t.Fatal(err)
		}
		if ls, _ := s.Limits(ctx, a.Tenant); len(ls) != 0 {
			t.Errorf("limit not removed: %+v", ls)
		}
	})

	t.Run("queue counts", func(t *testing.T) {
		qc, err := s.QueueCounts(ctx, a.Tenant, t0.Add(21*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"sms/sent": 1, "sms/parked": 1, "sms/planned": 2, "email/sending": 1, "whatsapp/sending": 1}
		got := map[string]int{}
		for _, c := range qc {
			got[string(c.Channel)+"/"+string(c.Status)] = c.Count
			if c.Channel == "sms" && c.Status == store.AttemptPlanned && c.Due != 1 {
				t.Errorf("sms planned due %d, want 1 (the other is moved to tomorrow)", c.Due)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("counts %v, want %v", got, want)
		}
	})

	t.Run("claim order: expired leases, then retries, then planned", func(t *testing.T) {
		// Tenant B's voice channel, which nothing above touches. The
		// planned attempt is the oldest due, yet a batch of one takes the
		// expired lease first, then the retry.
		t1 := t0.Add(10 * time.Hour)
		pPlanned := plan(b.Tenant, ib.Maria, ib.MariaDebt, "voice", t1.Add(-3*time.Hour))
		pFailed := plan(b.Tenant, ib.Maria, ib.MariaDebt, "voice", t1.Add(-2*time.Hour))
		pExpired := plan(b.Tenant, ib.Maria, ib.MariaDebt, "voice", t1.Add(-2*time.Hour))
		cs := claim(t1.Add(-2*time.Hour), "tok-o1", 3, "voice")
		if len(cs) != 3 || cs[0].ID != pPlanned {
			t.Fatalf("first claim %v, want all three, oldest (%d) first", ids(cs), pPlanned)
		}
		// Planned goes back to planned (policy move), failed to a retry,
		// expired stays sending under tok-o1 with its one-hour lease.
		if ch, err := s.SettleAttempts(ctx, b.Tenant, "tok-o1", t1, []store.Settled{
			{ID: pPlanned, Status: store.AttemptPlanned, DueAt: t1.Add(-3 * time.Hour)},
			{ID: pFailed, Status: store.AttemptFailed, DueAt: t1.Add(-90 * time.Minute), Error: "http 503"},
		}); err != nil || len(ch) != 2 {
			t.Fatalf("settle: %v %v", ch, err)
		}
		for i, want := range []int64{pExpired, pFailed, pPlanned} {
			cs := claim(t1, fmt.Sprintf("tok-o%d", i+2), 1, "voice")
			if len(cs) != 1 || cs[0].ID != want {
				t.Fatalf("claim %d of one: %v, want %d", i+1, ids(cs), want)
			}
		}
		if cs := claim(t1, "tok-o5", 10, "voice"); len(cs) != 0 {
			t.Errorf("claimed again: %v", ids(cs))
		}
	})
}
