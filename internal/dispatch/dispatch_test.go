package dispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/channel/sink"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/dispatch"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// clock is a settable clock for dispatchers under test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// Tuesday 24 Nov 2026, 10:00 in São Paulo.
var t0 = time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)

type env struct {
	t      *testing.T
	db     *sqldb.DB
	f      storetest.Fixture
	ids    storetest.FixtureIDs
	sink   *sink.Sink
	clock  *clock
	d      *dispatch.Dispatcher
	steps  int
	tenant domain.TenantID
}

func newEnv(t *testing.T, db *sqldb.DB, o dispatch.Options) *env {
	e := &env{t: t, db: db, sink: sink.New(0), clock: &clock{t0}}
	e.f = storetest.NewFixture(t, db, "dispatch")
	e.tenant = e.f.Tenant
	e.ids = e.f.IDs(t, db)
	srv := httptest.NewServer(e.sink)
	t.Cleanup(srv.Close)
	o.Channels = map[string]channel.Channel{}
	for _, ch := range []string{"sms", "email", "whatsapp", "voice"} {
		o.Channels[ch] = channel.NewHTTP("sink", srv.URL)
	}
	o.Now = e.clock.now
	var err error
	if e.d, err = dispatch.New(db, o); err != nil {
		t.Fatal(err)
	}
	return e
}

// plan plans one attempt to José (or to whom the options say).
func (e *env) plan(ch, to string, mod func(a *store.Attempt, p *journey.Payload)) int64 {
	e.t.Helper()
	e.steps++
	step := fmt.Sprintf("s%d", e.steps)
	p := journey.Payload{V: 1, IdempotencyKey: fmt.Sprintf("k-%d-%s", e.tenant, step), Journey: "", Step: step, Channel: ch, To: to, Locale: "pt-BR",
		Message: &journey.Rendered{Locale: "pt-BR", Body: "Olá " + step}}
	a := store.Attempt{DebtorID: e.ids.Jose, DebtID: e.ids.JoseDebt, StepID: step, Channel: ch, DueAt: e.clock.t.Add(-time.Minute)}
	if mod != nil {
		mod(&a, &p)
	}
	a.Payload, _ = json.Marshal(p)
	if n, err := e.db.PlanAttempts(context.Background(), e.tenant, []store.Attempt{a}); err != nil || n != 1 {
		e.t.Fatalf("plan: %d %v", n, err)
	}
	got, _ := e.db.AttemptsOfDebtor(context.Background(), e.tenant, a.DebtorID, 1)
	return got[0].ID
}

// drain runs batches until none is claimed.
func (e *env) drain() {
	e.t.Helper()
	for i := 0; i < 20; i++ {
		n, err := e.d.RunOnce(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	e.t.Fatal("queue does not drain")
}

func (e *env) attempt(id int64) store.Attempt {
	e.t.Helper()
	a, err := e.db.Attempt(context.Background(), e.tenant, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) events(debtor int64, kind domain.EventKind) []domain.Event {
	evs, err := e.db.Events(context.Background(), e.tenant, debtor, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []domain.Event
	for _, ev := range evs {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

func TestDispatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		e := newEnv(t, db, dispatch.Options{Backoff: time.Minute})

		t.Run("send once with event", func(t *testing.T) {
			id := e.plan("sms", "+5511987654321", func(a *store.Attempt, p *journey.Payload) { p.ContactID = e.ids.JoseMobile })
			e.drain()
			a := e.attempt(id)
			if a.Status != store.AttemptSent || a.ProviderRef == "" || !a.SentAt.Equal(t0) || a.Tries != 1 {
				t.Fatalf("attempt %+v", a)
			}
			msgs := e.sink.Messages()
			if len(msgs) != 1 || msgs[0].To != "+5511987654321" || msgs[0].Body != "Olá s1" || msgs[0].IdempotencyKey != fmt.Sprintf("k-%d-s1", e.tenant) || msgs[0].ID != a.ProviderRef {
				t.Fatalf("sink got %+v", msgs)
			}
			evs := e.events(e.ids.Jose, domain.EventContacted)
			if len(evs) != 1 || evs[0].DebtID != e.ids.JoseDebt || !strings.Contains(string(evs[0].Data), fmt.Sprintf(`"attempt":%d`, id)) || strings.Contains(string(evs[0].Data), "Olá") {
				t.Fatalf("events %+v", evs)
			}
			var dec struct {
				Allowed bool `json:"allowed"`
			}
			var raw string
			db.SQL().QueryRow(db.Rebind(`SELECT send_decision FROM attempts WHERE tenant_id = ? AND id = ?`), e.tenant, id).Scan(&raw)
			if json.Unmarshal([]byte(raw), &dec) != nil || !dec.Allowed {
				t.Errorf("send decision %s", raw)
			}
		})

		t.Run("cap counts the contact just sent", func(t *testing.T) {
			// BR allows one contact per channel a day: José had his SMS.
			id := e.plan("sms", "+5511987654321", nil)
			e.drain()
			a := e.attempt(id)
			if a.Status != store.AttemptPlanned || !a.DueAt.After(t0.Add(12*time.Hour)) || a.Tries != 0 || !strings.Contains(a.LastError, "cap") {
				t.Fatalf("second SMS of the day: %+v", a)
			}
			if n := len(e.sink.Messages()); n != 1 {
				t.Errorf("sink got %d", n)
			}
		})

		t.Run("quiet hours move the attempt", func(t *testing.T) {
			e.clock.t = time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC) // 22:30 in São Paulo
			defer func() { e.clock.t = t0 }()
			id := e.plan("email", "jose@example.com", nil)
			e.drain()
			a := e.attempt(id)
			want := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) // 09:00 next morning
			if a.Status != store.AttemptPlanned || !a.DueAt.Equal(want) || !strings.Contains(a.LastError, "quiet_hours") {
				t.Fatalf("late e-mail: status %s due %v (want %v) %q", a.Status, a.DueAt, want, a.LastError)
			}
		})

		t.Run("opt-out and settled debt cancel", func(t *testing.T) {
			e.clock.t = t0.Add(48 * time.Hour)
			defer func() { e.clock.t = t0 }()
			if err := db.SetConsent(ctx, e.tenant, e.ids.JoseEmail, domain.ConsentOptOut, "portal", "debtor"); err != nil {
				t.Fatal(err)
			}
			id := e.plan("email", "jose@example.com", func(a *store.Attempt, p *journey.Payload) { p.ContactID = e.ids.JoseEmail })
			e.drain()
			if a := e.attempt(id); a.Status != store.AttemptCancelled || !strings.Contains(a.LastError, "opted out") {
				t.Fatalf("opted-out e-mail: %+v", a)
			}
			if _, err := db.SQL().Exec(db.Rebind(`UPDATE debts SET status = 'settled' WHERE tenant_id = ? AND id = ?`), e.tenant, e.ids.MariaDebt); err != nil {
				t.Fatal(err)
			}
			id = e.plan("whatsapp", "+5521998765432", func(a *store.Attempt, p *journey.Payload) { a.DebtorID, a.DebtID = e.ids.Maria, e.ids.MariaDebt })
			e.drain()
			if a := e.attempt(id); a.Status != store.AttemptCancelled || !strings.Contains(a.LastError, "settled") {
				t.Fatalf("settled debt: %+v", a)
			}
			if evs := e.events(e.ids.Maria, domain.EventAttempt); len(evs) != 1 || !strings.Contains(evs[0].Summary, "não enviado") {
				t.Errorf("Maria's attempt events %+v", evs)
			}
		})

		t.Run("dispute blocks", func(t *testing.T) {
			e.clock.t = t0.Add(72 * time.Hour)
			defer func() { e.clock.t = t0 }()
			if err := db.OpenDispute(ctx, e.tenant, e.ids.JoseDebt, domain.DelayReason(""), "não reconheço", "agent"); err != nil {
				t.Fatal(err)
			}
			id := e.plan("voice", "+5511987654321", nil)
			e.drain()
			a := e.attempt(id)
			if a.Status != store.AttemptCancelled || !strings.Contains(a.LastError, "dispute") {
				t.Fatalf("disputed debt: %+v", a)
			}
			db.SQL().Exec(db.Rebind(`UPDATE debts SET status = 'open' WHERE tenant_id = ? AND id = ?`), e.tenant, e.ids.JoseDebt)
		})

		t.Run("temporary failures retry, permanent park", func(t *testing.T) {
			e.clock.t = time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC)
			defer func() { e.clock.t = t0 }()
			e.sink.FailFirst = 2
			defer func() { e.sink.FailFirst = 0 }()
			id := e.plan("whatsapp", "+5511987654321", nil)
			bad := e.plan("voice", "invalid-number", nil)
			e.drain()
			a := e.attempt(id)
			if a.Status != store.AttemptFailed || a.Tries != 1 || !strings.Contains(a.LastError, "503") || a.DueAt.Before(e.clock.t.Add(40*time.Second)) {
				t.Fatalf("after a 503: %+v", a)
			}
			if b := e.attempt(bad); b.Status != store.AttemptParked || !strings.Contains(b.LastError, "422") {
				t.Fatalf("invalid number: %+v", b)
			}
			for try := 2; try <= 3; try++ {
				e.clock.t = e.clock.t.Add(10 * time.Minute)
				e.drain()
			}
			a = e.attempt(id)
			if a.Status != store.AttemptSent || a.Tries != 3 {
				t.Fatalf("after retries: %+v", a)
			}
			if st := e.sink.Stats(); st.Duplicates != 0 {
				t.Errorf("duplicates %d", st.Duplicates)
			}
		})

		t.Run("give up after max tries", func(t *testing.T) {
			e.clock.t = time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC)
			defer func() { e.clock.t = t0 }()
			e.sink.FailFirst = 100
			defer func() { e.sink.FailFirst = 0 }()
			id := e.plan("whatsapp", "+5511987654321", nil)
			for i := 0; i < 8; i++ {
				e.drain()
				e.clock.t = e.clock.t.Add(2 * time.Hour)
			}
			a := e.attempt(id)
			if a.Status != store.AttemptParked || a.Tries != 6 || !strings.Contains(a.LastError, "gave up after 6 tries") {
				t.Fatalf("%+v", a)
			}
		})

		t.Run("an attempt that keeps killing its workers is parked", func(t *testing.T) {
			e.clock.t = time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
			defer func() { e.clock.t = t0 }()
			id := e.plan("voice", "+5511987654321", nil)
			// Nine claims whose workers "died" (leases left to expire).
			for i := 0; i < 9; i++ {
				cs, err := db.ClaimAttempts(ctx, store.Claim{Now: e.clock.t, Lease: time.Second, Limit: 10, Token: fmt.Sprintf("dead-%d", i), Channels: []string{"voice"}})
				if err != nil || len(cs) != 1 {
					t.Fatalf("claim %d: %v %v", i, cs, err)
				}
				e.clock.t = e.clock.t.Add(2 * time.Second)
			}
			e.drain()
			if a := e.attempt(id); a.Status != store.AttemptParked || !strings.Contains(a.LastError, "claimed 10 times") {
				t.Fatalf("%+v", a)
			}
		})

		t.Run("a slow provider keeps its lease", func(t *testing.T) {
			e := newEnv(t, db, dispatch.Options{})
			slow := sink.New(0)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(2500 * time.Millisecond)
				slow.ServeHTTP(w, r)
			}))
			defer srv.Close()
			c := &clock{time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)}
			real0 := time.Now()
			now := func() time.Time { return c.t.Add(time.Since(real0)) }
			d, err := dispatch.New(db, dispatch.Options{Channels: map[string]channel.Channel{"sms": channel.NewHTTP("slow", srv.URL)}, Lease: time.Second, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			id := e.plan("sms", "+5511987654321", func(a *store.Attempt, p *journey.Payload) { a.DueAt = c.t.Add(-time.Minute) })
			done := make(chan error)
			go func() { _, err := d.RunOnce(ctx); done <- err }()
			for deadline := time.Now().Add(5 * time.Second); e.attempt(id).Status != store.AttemptSending; time.Sleep(2 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("never claimed: %+v", e.attempt(id))
				}
			}
			// Meanwhile another worker keeps trying to take the batch over,
			// well past the first lease.
			rival := 0
			for deadline := time.Now().Add(2200 * time.Millisecond); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				cs, err := db.ClaimAttempts(ctx, store.Claim{Now: now(), Lease: time.Minute, Limit: 10, Token: "rival", Channels: []string{"sms"}})
				if err != nil {
					t.Fatal(err)
				}
				rival += len(cs)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if a := e.attempt(id); rival != 0 || a.Status != store.AttemptSent {
				t.Fatalf("rival took %d; attempt %+v", rival, a)
			}
		})

		t.Run("kill switch holds claimed attempts", func(t *testing.T) {
			e := newEnv(t, db, dispatch.Options{})
			e.clock.t = time.Date(2026, 12, 2, 13, 0, 0, 0, time.UTC)
			defer func() { e.clock.t = t0 }()
			if _, err := db.PauseDispatch(ctx, store.Pause{TenantID: e.tenant, Scope: store.PauseChannel, Value: "sms"}); err != nil {
				t.Fatal(err)
			}
			// Planned after the pause: the store did not hold it, the worker does.
			id := e.plan("sms", "+5511987654321", nil)
			e.drain()
			if a := e.attempt(id); a.Status != store.AttemptHeld || a.Tries != 0 {
				t.Fatalf("paused sms: %+v", a)
			}
			if n, err := db.ResumeDispatch(ctx, e.tenant, store.PauseChannel, "sms"); err != nil || n != 1 {
				t.Fatalf("resume %d %v", n, err)
			}
			e.drain()
			if a := e.attempt(id); a.Status != store.AttemptSent {
				t.Fatalf("resumed sms: %+v", a)
			}
		})

		t.Run("journey attempts follow their enrolment", func(t *testing.T) {
			e.clock.t = time.Date(2026, 12, 3, 13, 0, 0, 0, time.UTC)
			defer func() { e.clock.t = t0 }()
			def := json.RawMessage(`{"key":"lembrete","name":"Lembrete","policy":"BR","steps":[{"id":"d0","day":0,"action":"task","priority":1}]}`)
			j, v, err := db.SaveJourney(ctx, e.tenant, "lembrete", "Lembrete", def, "ana")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Enrol(ctx, e.tenant, []store.Enrolment{{JourneyID: j.ID, VersionID: v.ID, DebtorID: e.ids.Jose, DebtID: e.ids.JoseDebt, AnchorKind: "due", EnrolledOn: date.New(2026, 12, 1)}}); err != nil {
				t.Fatal(err)
			}
			ens, _ := db.Enrolments(ctx, e.tenant, e.ids.Jose)
			en := ens[0].ID
			sent := e.plan("voice", "+5511987654321", func(a *store.Attempt, p *journey.Payload) { a.EnrolmentID, p.Journey = en, "lembrete" })
			e.drain()
			if a := e.attempt(sent); a.Status != store.AttemptSent {
				t.Fatalf("journey attempt: %+v", a)
			}
			if _, err := db.PauseDispatch(ctx, store.Pause{TenantID: e.tenant, Scope: store.PauseJourney, Value: "lembrete"}); err != nil {
				t.Fatal(err)
			}
			held := e.plan("whatsapp", "+5511987654321", func(a *store.Attempt, p *journey.Payload) { a.EnrolmentID, p.Journey = en, "lembrete" })
			e.drain()
			if a := e.attempt(held); a.Status != store.AttemptHeld {
				t.Fatalf("paused journey: %+v", a)
			}
			if err := db.EndEnrolments(ctx, e.tenant, []int64{en}, store.EnrolStopped, "paid", date.New(2026, 12, 3)); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ResumeDispatch(ctx, e.tenant, store.PauseJourney, "lembrete"); err != nil {
				t.Fatal(err)
			}
			e.drain()
			if a := e.attempt(held); a.Status != store.AttemptCancelled || !strings.Contains(a.LastError, "stopped") {
				t.Fatalf("stopped enrolment: %+v", a)
			}
		})

		t.Run("rate limit defers what the bucket cannot give", func(t *testing.T) {
			e := newEnv(t, db, dispatch.Options{})
			if err := db.SetLimit(ctx, store.Limit{TenantID: e.tenant, Key: "provider:sink", Rate: 1, Burst: 2}); err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, ch := range []string{"sms", "email", "whatsapp"} {
				ids = append(ids, e.plan(ch, "+5511987654321", nil))
			}
			// One batch: two go, the third waits for a token.
			if _, err := e.d.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			sent, deferred := 0, 0
			for _, id := range ids {
				a := e.attempt(id)
				switch {
				case a.Status == store.AttemptSent:
					sent++
				case a.Status == store.AttemptPlanned && a.LastError == "rate limit: deferred" && a.DueAt.After(e.clock.t) && a.Tries == 0:
					deferred++
				}
			}
			if sent != 2 || deferred != 1 {
				t.Errorf("sent %d, deferred %d; want 2 and 1 under a burst of 2", sent, deferred)
			}
			e.clock.t = e.clock.t.Add(2 * time.Second)
			e.drain()
			for _, id := range ids {
				if a := e.attempt(id); a.Status != store.AttemptSent {
					t.Errorf("after refill: %+v", a)
				}
			}
		})
	})
}

// TestDispatchReceipt: a payment booked by reconciliation plans a receipt
// without address or text; dispatch sends it to the debtor's preferred
// address in the debtor's language, and cancels it when the debtor opted
// out of that channel meanwhile.
func TestDispatchReceipt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		e := newEnv(t, db, dispatch.Options{Backoff: time.Minute})
		pay := func(ref string) store.ReconcileOutcome {
			t.Helper()
			var inst int64
			var open money.Money
			if err := db.SQL().QueryRow(db.Rebind(`SELECT id, amount - paid FROM installments WHERE tenant_id = ? AND debt_id = ? AND paid < amount ORDER BY due_date, id LIMIT 1`), e.tenant, e.ids.JoseDebt).Scan(&inst, &open); err != nil {
				t.Fatal(err)
			}
			o, err := db.Reconcile(ctx, e.tenant, []store.Incoming{{Source: domain.PaidManual, SourceRef: ref, InstallmentID: inst, Amount: open, PaidAt: t0.Add(-time.Hour)}}, reconcile.Classify)
			if err != nil || o.Booked != 1 || o.Receipts != 1 {
				t.Fatalf("book %s: %+v %v", ref, o, err)
			}
			// The store books at the wall clock's time; the dispatcher
			// here runs on the test's.
			if _, err := db.SQL().Exec(db.Rebind(`UPDATE attempts SET due_at = ? WHERE tenant_id = ? AND status = 'planned'`), t0.Add(-time.Minute), e.tenant); err != nil {
				t.Fatal(err)
			}
			return o
		}
		// A collection e-mail went out today: the receipt is no collection
		// contact, and the daily cap does not hold it back.
		e.plan("email", "jose@example.com", func(a *store.Attempt, p *journey.Payload) { p.ContactID = e.ids.JoseEmail })
		e.drain()
		if n := len(e.sink.Messages()); n != 1 {
			t.Fatalf("collection e-mail: sink got %d", n)
		}
		pay("REC-1")
		e.drain()
		msgs := e.sink.Messages()[1:]
		if len(msgs) != 1 {
			as, _ := db.AttemptsOfDebtor(ctx, e.tenant, e.ids.Jose, 10)
			t.Fatalf("sink got %+v; attempts %+v", msgs, as)
		}
		m := msgs[0]
		if m.Channel != "email" || !strings.Contains(m.To, "@") || m.Subject != "Pagamento recebido" ||
			!strings.HasPrefix(m.Body, "Recebemos o seu pagamento de R$") || !strings.Contains(m.Body, "em 24/11/2026") || !strings.Contains(m.Body, "parcela") {
			t.Fatalf("receipt %+v", m)
		}
		as, _ := db.AttemptsOfDebtor(ctx, e.tenant, e.ids.Jose, 10)
		if len(as) == 0 || as[0].Template != journey.ReceiptTemplate || as[0].Status != store.AttemptSent {
			t.Fatalf("attempts %+v", as)
		}

		// Opted out of e-mail after booking: nothing is sent.
		pay("REC-2")
		if _, err := db.SQL().Exec(db.Rebind(`UPDATE contact_points SET consent = 'opted_out' WHERE tenant_id = ? AND id = ?`), e.tenant, e.ids.JoseEmail); err != nil {
			t.Fatal(err)
		}
		e.drain()
		if n := len(e.sink.Messages()); n != 2 {
			t.Fatalf("sink got %d messages after the opt-out", n)
		}
		as, _ = db.AttemptsOfDebtor(ctx, e.tenant, e.ids.Jose, 10)
		if as[0].Status != store.AttemptCancelled || !strings.Contains(as[0].LastError, "receipt: no contact point on email") {
			t.Fatalf("receipt after opt-out: %+v", as[0])
		}

		// A receipt naming a payment the store does not have is parked
		// with the reason, not sent with a wrong text.
		if _, err := db.PlanAttempts(ctx, e.tenant, []store.Attempt{{DebtorID: e.ids.Jose, StepID: "receipt-999999", AnchorDate: date.Of(t0), Channel: "sms",
			Template: journey.ReceiptTemplate, Payload: json.RawMessage(`{"v":1,"step":"receipt-999999","action":"message","channel":"sms","receipt":{"payment_ids":[999999]}}`), DueAt: t0.Add(-time.Minute)}}); err != nil {
			t.Fatal(err)
		}
		e.drain()
		as, _ = db.AttemptsOfDebtor(ctx, e.tenant, e.ids.Jose, 10)
		if as[0].StepID != "receipt-999999" || as[0].Status != store.AttemptParked || !strings.Contains(as[0].LastError, "receipt: payment 999999 not found") {
			t.Fatalf("receipt of an unknown payment: %+v", as[0])
		}
	})
}
