package planner_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// setup loads the fixture and the demo journeys and enrols everything.
func setup(t *testing.T, db *sqldb.DB, day date.Date) storetest.Fixture {
	t.Helper()
	ctx := context.Background()
	f := storetest.NewFixture(t, db, "Acme")
	defs, err := journey.DemoSet()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		raw, _ := journey.DemoFile(d.Key)
		if _, _, err := db.SaveJourney(ctx, f.Tenant, d.Key, d.Name, raw, "test"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetJourneyStatus(ctx, f.Tenant, d.Key, store.JourneyActive); err != nil {
			t.Fatal(err)
		}
	}
	r, err := planner.Enrol(ctx, db, f.Tenant, day, 0)
	if err != nil || r.Enrolled != 3 || r.ByJourney["cobranca-padrao"] != 3 {
		t.Fatalf("enrol: %+v %v", r, err)
	}
	return f
}

func TestPlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		// José's C-1001 is due 2026-09-10; 2026-09-09 is D-1 (an SMS with a
		// PIX code); Maria's debts are due later (nothing today).
		day := date.New(2026, 9, 9)
		f := setup(t, db, day)
		// Two planners at once plan each attempt once.
		var wg sync.WaitGroup
		res := make([]planner.Result, 2)
		errs := make([]error, 2)
		for i := range res {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i], errs[i] = planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day, Chunk: 1, Workers: 2})
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		if got := res[0].Planned + res[1].Planned; got != 1 {
			t.Fatalf("two planners inserted %d attempts, want 1: %+v", got, res)
		}
		d360, err := db.Debtor360(ctx, f.Tenant, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		as, err := db.AttemptsOfDebtor(ctx, f.Tenant, d360.Debtor.ID, 10)
		if err != nil || len(as) != 1 {
			t.Fatalf("attempts: %+v %v", as, err)
		}
		a := as[0]
		if a.StepID != "d-1-sms" || a.Channel != "sms" || a.AnchorDate != date.New(2026, 9, 10) || a.Status != store.AttemptPlanned || a.PolicyVer == "" {
			t.Errorf("attempt: %+v", a)
		}
		var p journey.Payload
		if err := json.Unmarshal(a.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if p.To != "+5511987654321" || p.Message == nil || p.Message.Encoding != "GSM-7" || p.Message.Segments > 2 || p.IdempotencyKey == "" || p.Debt.DPD != -1 {
			t.Errorf("payload: %+v %+v", p, p.Message)
		}
		var dec planner.Decision
		if err := json.Unmarshal(a.Decision, &dec); err != nil || dec.Planned == nil || !dec.Planned.Allowed {
			t.Errorf("decision: %s %v", a.Decision, err)
		}
		// A third run, full: nothing new.
		r, err := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day, Full: true})
		if err != nil || r.Planned != 0 || r.Scanned != 3 {
			t.Errorf("rerun: %+v %v", r, err)
		}
		// Not full: the enrolments' next checks are later, nothing is read.
		if r, _ := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day}); r.Scanned != 0 {
			t.Errorf("rerun read %d enrolments whose next check is later", r.Scanned)
		}
		// D0 the next day: WhatsApp goes to José's mobile; the next check
		// brought the enrolment back.
		r, err = planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day.AddDays(1)})
		if err != nil || r.Planned != 1 {
			t.Fatalf("D0: %+v %v", r, err)
		}
		as, _ = db.AttemptsOfDebtor(ctx, f.Tenant, d360.Debtor.ID, 10)
		if as[0].StepID != "d0-whatsapp" {
			t.Errorf("D0 step %s", as[0].StepID)
		}
		// A promise pauses; when it breaks, the debt moves to the
		// broken-promise journey anchored at the promise date.
		debt := as[0].DebtID
		if err := db.SetPromise(ctx, f.Tenant, debt, day.AddDays(5)); err != nil {
			t.Fatal(err)
		}
		if r, _ := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day.AddDays(3)}); r.Paused != 1 || r.Planned != 0 {
			t.Errorf("promise in force: %+v", r)
		}
		if r, _ := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day.AddDays(6)}); r.Moved != 1 {
			t.Errorf("broken promise: %+v", r)
		}
		es, _ := db.Enrolments(ctx, f.Tenant, d360.Debtor.ID)
		var moved, live *store.Enrolment
		for i := range es {
			switch es[i].State {
			case store.EnrolMoved:
				moved = &es[i]
			case store.EnrolActive:
				live = &es[i]
			}
		}
		if moved == nil || live == nil || live.AnchorKind != "promise" || live.AnchorDate != day.AddDays(5) {
			t.Fatalf("hand-over: %+v", es)
		}
		// P+1 of the broken-promise journey: one message.
		r, err = planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day.AddDays(6)})
		if err != nil || r.Planned != 1 {
			t.Errorf("promise journey: %+v %v", r, err)
		}
		// Paid: the enrolment stops.
		for _, d := range d360.Debts {
			if d.ID != debt {
				continue
			}
			for _, in := range d.Installments {
				if _, _, err := db.BookPayment(ctx, f.Tenant, domain.Payment{DebtorID: d360.Debtor.ID, DebtID: debt, InstallmentID: in.ID, Source: domain.PaidManual, SourceRef: "t" + in.DueDate.String(), Amount: in.Amount, PaidAt: day.AddDays(7).In(time.UTC)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		r, err = planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day.AddDays(8), Full: true})
		if err != nil || r.Stopped != 1 {
			t.Errorf("paid: %+v %v", r, err)
		}
		if e, _ := db.Enrolment(ctx, f.Tenant, live.ID); e.State != store.EnrolStopped || e.StopReason != "paid" {
			t.Errorf("after payment: %+v", e)
		}
	})
}
