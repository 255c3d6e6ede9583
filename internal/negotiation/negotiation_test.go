package negotiation_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/negotiation"
	"github.com/regua/regua/internal/offer"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

var asOf = date.New(2026, 11, 24)

type env struct {
	svc    *negotiation.Service
	db     *sqldb.DB
	tenant domain.TenantID
	jose   int64
	maria  int64
	debts  map[string]store.DebtDetail
	now    time.Time
}

func setup(t *testing.T, db *sqldb.DB) *env {
	t.Helper()
	f := storetest.NewFixture(t, db, "neg")
	e := &env{db: db, tenant: f.Tenant, now: time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)}
	e.svc = &negotiation.Service{Store: db, Now: func() time.Time { return e.now }}
	var jd, md map[string]store.DebtDetail
	e.jose, jd = storetest.FixtureDebts(t, db, f.Tenant, "52998224725")
	e.maria, md = storetest.FixtureDebts(t, db, f.Tenant, "11144477735")
	e.debts = map[string]store.DebtDetail{}
	for k, v := range jd {
		e.debts[k] = v
	}
	for k, v := range md {
		e.debts[k] = v
	}
	body, err := os.ReadFile("../offer/demo_policies.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SavePolicies(context.Background(), f.Tenant, body, "test"); err != nil {
		t.Fatal(err)
	}
	return e
}

func pick(t *testing.T, m *offer.Menu, k offer.Kind) *offer.Offer {
	t.Helper()
	for i := range m.Offers {
		if m.Offers[i].Kind == k {
			return &m.Offers[i]
		}
	}
	t.Fatalf("no %s offer in %+v", k, m.Offers)
	return nil
}

func debtStatus(t *testing.T, e *env, debtor int64) map[string]domain.DebtStatus {
	t.Helper()
	v, err := e.db.Debtor360(context.Background(), e.tenant, debtor, 1)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]domain.DebtStatus{}
	for _, d := range v.Debts {
		out[d.ContractNumber] = d.Status
	}
	return out
}

func TestMenuAcceptBreach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		e := setup(t, db)

		q, err := e.svc.Menu(ctx, e.tenant, negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		if len(q.DebtIDs) != 1 || q.DebtIDs[0] != e.debts["C-1001"].ID || q.Creditor != "cred-1" || q.PolicyDoc != 1 || q.Menu.PolicyID != "demo-default" {
			t.Errorf("quote: debts %v creditor %q doc %d policy %s", q.DebtIDs, q.Creditor, q.PolicyDoc, q.Menu.PolicyID)
		}
		if len(q.Menu.Breakdown.Installments) != 2 || q.Menu.Owed <= 300000 {
			t.Errorf("breakdown: %d installments, owed %s", len(q.Menu.Breakdown.Installments), q.Menu.Owed)
		}
		o := pick(t, &q.Menu, offer.KindInstallments)

		// A text that does not state the total is no proof of acceptance.
		if _, err := e.svc.Accept(ctx, e.tenant, negotiation.AcceptRequest{MenuRequest: negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf}, OfferID: o.ID,
			Who: "52998224725", WhoKind: "debtor", Channel: "portal", Text: "ok"}); err == nil {
			t.Error("accepted a text without the total")
		}
		if _, err := e.svc.Accept(ctx, e.tenant, negotiation.AcceptRequest{MenuRequest: negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf}, OfferID: "nope",
			Who: "x", WhoKind: "debtor", Channel: "portal"}); err == nil {
			t.Error("accepted an unknown offer")
		}

		req := negotiation.AcceptRequest{MenuRequest: negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf}, OfferID: o.ID, Who: "52998224725", WhoKind: "debtor", Channel: "portal", Remote: "203.0.113.7"}
		acc, err := e.svc.Accept(ctx, e.tenant, req)
		if err != nil {
			t.Fatal(err)
		}
		a := acc.Agreement
		want := q.Menu.Text(o, "pt-BR")
		sum := sha256.Sum256([]byte(want))
		if a.Acceptance.Text != want || a.Acceptance.TextSHA256 != hex.EncodeToString(sum[:]) || a.Acceptance.OfferID != o.ID || a.Acceptance.Remote != "203.0.113.7" ||
			!a.Acceptance.At.Equal(e.now) || a.Acceptance.PolicyID != "demo-default" || a.Acceptance.Channel != "portal" {
			t.Errorf("acceptance proof: %+v", a.Acceptance)
		}
		if a.Total != o.Total || len(a.Installments) != len(o.Plan.Rows)+boolInt(o.DownPayment > 0) || a.Status != store.AgreementActive {
			t.Errorf("agreement: total %s (offer %s), %d installments, %s", a.Total, o.Total, len(a.Installments), a.Status)
		}
		var sumInst money.Money
		for _, in := range a.Installments {
			sumInst += in.Amount
		}
		if sumInst != a.Total {
			t.Errorf("installments add to %s, total %s", sumInst, a.Total)
		}
		if st := debtStatus(t, e, e.jose); st["C-1001"] != domain.DebtSuspended {
			t.Errorf("debt not suspended: %v", st)
		}
		// Reminders: 3 days before and on each due date, by SMS (the first
		// contact point that did not opt out).
		as, _ := db.AttemptsOfDebtor(ctx, e.tenant, e.jose, 100)
		if acc.Reminders != 2*len(a.Installments) || len(as) != acc.Reminders {
			t.Errorf("reminders %d, attempts %d, installments %d", acc.Reminders, len(as), len(a.Installments))
		}
		for _, x := range as {
			if x.Channel != "sms" || !strings.HasPrefix(x.StepID, "agreement-") || x.DebtID != 0 || !strings.Contains(string(x.Payload), "Lembrete: a parcela") {
				t.Errorf("reminder %+v", x)
			}
		}
		again, err := e.svc.Accept(ctx, e.tenant, req)
		if err != nil || !again.Duplicate || again.Agreement.ID != a.ID || again.Reminders != 0 {
			t.Errorf("accept twice: dup=%v id=%d reminders=%d %v", again.Duplicate, again.Agreement.ID, again.Reminders, err)
		}
		if _, err := e.svc.Menu(ctx, e.tenant, negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf}); err == nil {
			t.Error("menu for a debtor whose debts are all in an agreement")
		}

		// Nothing paid: current until the first due date plus the first
		// tolerance (5 days), broken the day after, as a first-payment breach.
		first := a.Installments[0].Due
		rep, err := e.svc.CheckBreaches(ctx, e.tenant, first.AddDays(5))
		if err != nil || rep.Checked != 1 || rep.Broken != 0 {
			t.Fatalf("within tolerance: %+v %v", rep, err)
		}
		rep, err = e.svc.CheckBreaches(ctx, e.tenant, first.AddDays(6))
		if err != nil || rep.Broken != 1 || len(rep.Agreements) != 1 || !rep.Agreements[0].First {
			t.Fatalf("breach: %+v %v", rep, err)
		}
		if rep, _ := e.svc.CheckBreaches(ctx, e.tenant, first.AddDays(7)); rep.Checked != 0 {
			t.Errorf("broken agreement checked again: %+v", rep)
		}
		got, _ := db.Agreement(ctx, e.tenant, a.ID)
		if got.Status != store.AgreementBroken || !got.FirstBreach || got.BrokenOn != first.AddDays(6) {
			t.Errorf("stored breach: %s first=%v on %s", got.Status, got.FirstBreach, got.BrokenOn)
		}
		if st := debtStatus(t, e, e.jose); st["C-1001"] != domain.DebtOpen {
			t.Errorf("debt not reopened: %v", st)
		}
		as, _ = db.AttemptsOfDebtor(ctx, e.tenant, e.jose, 100)
		for _, x := range as {
			if x.Status != store.AttemptCancelled {
				t.Errorf("reminder %s still %s after the breach", x.StepID, x.Status)
			}
		}

		// A second agreement, started and then abandoned: a later-installment
		// breach gives the original debt credit for what was paid.
		asOf2 := first.AddDays(8)
		e.now = asOf2.In(time.UTC).Add(15 * time.Hour)
		q2, err := e.svc.Menu(ctx, e.tenant, negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf2})
		if err != nil {
			t.Fatal(err)
		}
		o2 := pick(t, &q2.Menu, offer.KindInstallments)
		acc2, err := e.svc.Accept(ctx, e.tenant, negotiation.AcceptRequest{MenuRequest: negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf2}, OfferID: o2.ID, Who: "user:3", WhoKind: "agent", Channel: "phone"})
		if err != nil {
			t.Fatal(err)
		}
		a2 := acc2.Agreement
		var paid money.Money
		for i, in := range a2.Installments[:2] {
			paidAt := in.Due.In(time.UTC).Add(12 * time.Hour)
			ap, dup, err := e.svc.PayInstallment(ctx, e.tenant, a2.ID, -1, domain.Payment{Source: domain.PaidPix, SourceRef: "e2e-" + string(rune('a'+i)), Amount: in.OnTime, PaidAt: paidAt})
			if err != nil || dup || ap.Number != in.Number {
				t.Fatalf("pay %d: %+v %v %v", in.Number, ap, dup, err)
			}
			paid += in.OnTime
		}
		third := a2.Installments[2]
		if rep, _ := e.svc.CheckBreaches(ctx, e.tenant, third.Due.AddDays(30)); rep.Broken != 0 {
			t.Errorf("broken within the later tolerance: %+v", rep)
		}
		before := installmentsPaid(t, e, "C-1001")
		rep, err = e.svc.CheckBreaches(ctx, e.tenant, third.Due.AddDays(31))
		if err != nil || rep.Broken != 1 || rep.Agreements[0].First {
			t.Fatalf("later breach: %+v %v", rep, err)
		}
		if after := installmentsPaid(t, e, "C-1001"); after-before != paid {
			t.Errorf("debt credited %s, agreement paid %s", after-before, paid)
		}
		if st := debtStatus(t, e, e.jose); st["C-1001"] != domain.DebtOpen {
			t.Errorf("debt not reopened: %v", st)
		}
	})
}

func installmentsPaid(t *testing.T, e *env, contract string) money.Money {
	t.Helper()
	v, err := e.db.Debtor360(context.Background(), e.tenant, e.debts[contract].DebtorID, 1)
	if err != nil {
		t.Fatal(err)
	}
	var s money.Money
	for _, d := range v.Debts {
		if d.ContractNumber == contract {
			for _, in := range d.Installments {
				s += in.Paid
			}
		}
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSettleAndPromises(t *testing.T) {
	ctx := context.Background()
	e := setup(t, storetest.SQLite(t))

	// Maria owes two debts; the full-payment offer settles both at once.
	q, err := e.svc.Menu(ctx, e.tenant, negotiation.MenuRequest{DebtorID: e.maria, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.DebtIDs) != 2 {
		t.Fatalf("debts %v", q.DebtIDs)
	}
	o := pick(t, &q.Menu, offer.KindFull)
	acc, err := e.svc.Accept(ctx, e.tenant, negotiation.AcceptRequest{MenuRequest: negotiation.MenuRequest{DebtorID: e.maria, AsOf: asOf}, OfferID: o.ID, Who: "bot", WhoKind: "bot", Channel: "whatsapp", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(acc.Agreement.Acceptance.Text, o.Total.Format("es")) || acc.Agreement.Acceptance.Locale != "es" {
		t.Errorf("text in es: %q", acc.Agreement.Acceptance.Text)
	}
	// Maria's only contact point opted out: no reminders.
	if acc.Reminders != 0 {
		t.Errorf("reminders to an opted-out contact: %d", acc.Reminders)
	}
	if _, _, err := e.svc.PayInstallment(ctx, e.tenant, acc.Agreement.ID, 1, domain.Payment{Source: domain.PaidBoleto, SourceRef: "nn-1", Amount: o.Total, PaidAt: e.now.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	a, _ := e.db.Agreement(ctx, e.tenant, acc.Agreement.ID)
	if a.Status != store.AgreementSettled {
		t.Errorf("paid in full but %s", a.Status)
	}
	for c, st := range debtStatus(t, e, e.maria) {
		if st != domain.DebtSettled {
			t.Errorf("%s is %s", c, st)
		}
	}

	// Promises: one kept by a payment on its debt, one unkept.
	c1001 := e.debts["C-1001"]
	kept, err := e.svc.AddPromise(ctx, e.tenant, negotiation.PromiseRequest{DebtorID: e.jose, DebtID: c1001.ID, Amount: 20000, Date: asOf.AddDays(6), Channel: "phone", Who: "user:3"})
	if err != nil || kept.Reminder != 1 {
		t.Fatalf("promise: %+v %v", kept, err)
	}
	unkept, err := e.svc.AddPromise(ctx, e.tenant, negotiation.PromiseRequest{DebtorID: e.jose, Amount: 50000, Date: asOf.AddDays(3), ToleranceDays: 1, Channel: "phone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddPromise(ctx, e.tenant, negotiation.PromiseRequest{DebtorID: e.jose, Amount: 100, Date: asOf.AddDays(-1), Channel: "phone"}); err == nil {
		t.Error("promise dated before it was made")
	}
	as, _ := e.db.AttemptsOfDebtor(ctx, e.tenant, e.jose, 10)
	found := false
	for _, x := range as {
		if x.StepID == store.PromiseReminderStep(kept.Promise.ID) {
			found = true
			if x.AnchorDate != asOf.AddDays(6) || x.DueAt.Format("2006-01-02") != "2026-11-29" {
				t.Errorf("promise reminder anchored %s due %s", x.AnchorDate, x.DueAt)
			}
		}
	}
	if !found {
		t.Error("no promise reminder")
	}
	if _, _, err := e.db.BookPayment(ctx, e.tenant, domain.Payment{InstallmentID: c1001.Installments[0].ID, Source: domain.PaidPix, SourceRef: "e2e-p", Amount: 20000, PaidAt: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	reps, err := e.svc.Run(ctx, asOf.AddDays(4))
	if err != nil {
		t.Fatal(err)
	}
	var rep negotiation.Report
	for _, r := range reps {
		if r.Tenant == e.tenant {
			rep = r
		}
	}
	// The R$ 200 paid on C-1001 keeps the first and does not reach the
	// R$ 500 of the second, which is past its date plus tolerance on day 5.
	if rep.Kept != 1 || rep.Unkept != 0 {
		t.Errorf("day 4: %+v", rep)
	}
	reps, _ = e.svc.Run(ctx, asOf.AddDays(5))
	for _, r := range reps {
		if r.Tenant == e.tenant && (r.Unkept != 1 || r.Kept != 0) {
			t.Errorf("day 5: %+v", r)
		}
	}
	p1, _ := e.db.Promise(ctx, e.tenant, kept.Promise.ID)
	p2, _ := e.db.Promise(ctx, e.tenant, unkept.Promise.ID)
	if p1.Status != store.PromiseKept || p1.KeptOn != date.New(2026, 11, 27) || p2.Status != store.PromiseUnkept || p2.Paid != 20000 {
		t.Errorf("promises: %+v / %+v", p1, p2)
	}
	n, err := e.db.DebtorNegotiation(ctx, e.tenant, e.jose)
	if err != nil || len(n.Promises) != 2 {
		t.Errorf("360: %+v %v", n, err)
	}
}

// Several processes running the job at once break each agreement once.
func TestBreachJobConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		e := setup(t, db)
		for _, d := range []int64{e.jose} {
			q, err := e.svc.Menu(ctx, e.tenant, negotiation.MenuRequest{DebtorID: d, AsOf: asOf})
			if err != nil {
				t.Fatal(err)
			}
			o := pick(t, &q.Menu, offer.KindFull)
			if _, err := e.svc.Accept(ctx, e.tenant, negotiation.AcceptRequest{MenuRequest: negotiation.MenuRequest{DebtorID: d, AsOf: asOf}, OfferID: o.ID, Who: "d", WhoKind: "debtor", Channel: "sms"}); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		broken := 0
		var errs []error
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				svc := &negotiation.Service{Store: db, Now: e.svc.Now}
				reps, err := svc.Run(ctx, asOf.AddDays(60))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				}
				for _, r := range reps {
					broken += r.Broken
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if broken != 1 {
			t.Errorf("broken %d times", broken)
		}
		v, _ := db.Events(ctx, e.tenant, e.jose, 100)
		n := 0
		for _, ev := range v {
			if ev.Kind == store.EventAgreementBroken && ev.DebtID == 0 {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d breach events", n)
		}
	})
}

// A promise pauses the debt's journey until its date plus tolerance (the
// journey engine's "promise" stop), and the job plans again the reminders
// of a recent agreement that lost them.
func TestPromisePausesJourneyAndRemindersReplanned(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	e := setup(t, db)
	def := []byte(`{"key":"k","name":"K","steps":[{"id":"a","day":0,"action":"task","priority":1}]}`)
	j, v, err := db.SaveJourney(ctx, e.tenant, "k", "K", def, "test")
	if err != nil {
		t.Fatal(err)
	}
	c1001 := e.debts["C-1001"]
	if _, err := db.Enrol(ctx, e.tenant, []store.Enrolment{{JourneyID: j.ID, VersionID: v.ID, DebtorID: e.jose, DebtID: c1001.ID, State: store.EnrolActive, AnchorKind: "due", EnrolledOn: asOf}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddPromise(ctx, e.tenant, negotiation.PromiseRequest{DebtorID: e.jose, Amount: 10000, Date: asOf.AddDays(4), ToleranceDays: 2, Channel: "phone"}); err != nil {
		t.Fatal(err)
	}
	es, err := db.Enrolments(ctx, e.tenant, e.jose)
	if err != nil || len(es) != 1 || es[0].PromisedUntil != asOf.AddDays(6) {
		t.Fatalf("enrolment after the promise: %+v %v", es, err)
	}
	// Maria has no enrolment: her promise is stored all the same.
	if _, err := e.svc.AddPromise(ctx, e.tenant, negotiation.PromiseRequest{DebtorID: e.maria, Amount: 10000, Date: asOf.AddDays(4), Channel: "sms"}); err != nil {
		t.Fatalf("promise without an enrolment: %v", err)
	}

	q, err := e.svc.Menu(ctx, e.tenant, negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := e.svc.Accept(ctx, e.tenant, negotiation.AcceptRequest{MenuRequest: negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf}, OfferID: pick(t, &q.Menu, offer.KindInstallments).ID, Who: "d", WhoKind: "debtor", Channel: "portal"})
	if err != nil || acc.Reminders == 0 {
		t.Fatalf("accept: %+v %v", acc, err)
	}
	// A crash between the agreement's commit and its reminders.
	if _, err := db.SQL().ExecContext(ctx, `DELETE FROM attempts WHERE step_id LIKE 'agreement-%'`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CheckBreaches(ctx, e.tenant, asOf); err != nil {
		t.Fatal(err)
	}
	as, _ := db.AttemptsOfDebtor(ctx, e.tenant, e.jose, 100)
	n := 0
	for _, x := range as {
		if strings.HasPrefix(x.StepID, "agreement-") {
			n++
		}
	}
	if n == 0 {
		t.Errorf("reminders not planned again")
	}
}

// Agents lower an offer within their approval limit; the debtor's own
// monthly amount becomes an offer; both can be accepted like any other.
func TestExceptionAndPayWhatYouCan(t *testing.T) {
	ctx := context.Background()
	e := setup(t, storetest.SQLite(t))
	base := negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf}
	q, err := e.svc.Menu(ctx, e.tenant, base)
	if err != nil {
		t.Fatal(err)
	}
	full := pick(t, &q.Menu, offer.KindFull)
	// The demo policy lets an agent give 5% of the amount owed beyond it.
	small := full.Negotiated - q.Menu.Owed/50
	big := full.Negotiated - q.Menu.Owed/10
	tooMuch := base
	tooMuch.Exception = &negotiation.Exception{Base: full.ID, Negotiated: big, ApprovedBy: "user:3", Role: offer.RoleAgent}
	if _, err := e.svc.Menu(ctx, e.tenant, tooMuch); err == nil {
		t.Error("an agent granted 10% beyond the policy")
	}
	for _, bad := range []negotiation.Exception{{Base: "nope", Negotiated: small, Role: offer.RoleAgent}, {Base: full.ID, Negotiated: full.Negotiated, Role: offer.RoleAgent}, {Base: full.ID, Negotiated: small, Role: "boss"}} {
		r := base
		r.Exception = &bad
		if _, err := e.svc.Menu(ctx, e.tenant, r); err == nil {
			t.Errorf("exception %+v accepted", bad)
		}
	}
	withEx := base
	withEx.Exception = &negotiation.Exception{Base: full.ID, Negotiated: small, ApprovedBy: "user:3", Role: offer.RoleAgent}
	qe, err := e.svc.Menu(ctx, e.tenant, withEx)
	if err != nil {
		t.Fatal(err)
	}
	if qe.Added == nil || qe.Added.Exception == nil || qe.Added.Negotiated != small || qe.Added.ID == full.ID {
		t.Fatalf("exception offer: %+v", qe.Added)
	}
	acc, err := e.svc.Accept(ctx, e.tenant, negotiation.AcceptRequest{MenuRequest: withEx, OfferID: qe.Added.ID, Who: "user:3", WhoKind: "agent", Channel: "phone"})
	if err != nil {
		t.Fatal(err)
	}
	terms, err := negotiation.Terms(acc.Agreement)
	if err != nil || acc.Agreement.Total != small || acc.Agreement.OfferID != qe.Added.ID || !strings.Contains(acc.Agreement.Acceptance.Text, small.Format("pt-BR")) || terms.Negotiated != small {
		t.Errorf("agreement from the exception: total %s, offer %s, %+v %v", acc.Agreement.Total, acc.Agreement.OfferID, terms, err)
	}

	pw := negotiation.MenuRequest{DebtorID: e.maria, AsOf: asOf, PayWhatYouCan: 4000}
	qp, err := e.svc.Menu(ctx, e.tenant, pw)
	if err != nil {
		t.Fatal(err)
	}
	if qp.Added == nil || qp.Added.Kind != offer.KindPayWhatYouCan {
		t.Fatalf("pay what you can: %+v", qp.Added)
	}
	tiny := pw
	tiny.PayWhatYouCan = 1
	if _, err := e.svc.Menu(ctx, e.tenant, tiny); err == nil || !strings.Contains(err.Error(), "pay what you can") {
		t.Errorf("R$ 0,01 a month: %v", err)
	}
	if _, err := e.svc.Accept(ctx, e.tenant, negotiation.AcceptRequest{MenuRequest: pw, OfferID: qp.Added.ID, Who: "d", WhoKind: "debtor", Channel: "portal"}); err != nil {
		t.Errorf("accept pay what you can: %v", err)
	}
}

// On breach, a debt whose journey names a resume.breach journey is handed
// over to it, anchored on the breach date.
func TestBreachHandsOverToResumeJourney(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	e := setup(t, db)
	due := []byte(`{"key":"due","name":"Due","resume":{"breach":"after-breach"},"steps":[{"id":"a","day":0,"action":"task","priority":1}]}`)
	brk := []byte(`{"key":"after-breach","name":"After breach","anchor":"breach","steps":[{"id":"b","day":1,"action":"task","priority":1}]}`)
	j, v, err := db.SaveJourney(ctx, e.tenant, "due", "Due", due, "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SaveJourney(ctx, e.tenant, "after-breach", "After breach", brk, "test"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"due", "after-breach"} {
		if err := db.SetJourneyStatus(ctx, e.tenant, k, store.JourneyActive); err != nil {
			t.Fatal(err)
		}
	}
	c1001 := e.debts["C-1001"]
	if _, err := db.Enrol(ctx, e.tenant, []store.Enrolment{{JourneyID: j.ID, VersionID: v.ID, DebtorID: e.jose, DebtID: c1001.ID, AnchorKind: "due", EnrolledOn: asOf}}); err != nil {
		t.Fatal(err)
	}
	q, err := e.svc.Menu(ctx, e.tenant, negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := e.svc.Accept(ctx, e.tenant, negotiation.AcceptRequest{MenuRequest: negotiation.MenuRequest{DebtorID: e.jose, AsOf: asOf}, OfferID: pick(t, &q.Menu, offer.KindFull).ID, Who: "d", WhoKind: "debtor", Channel: "portal"})
	if err != nil {
		t.Fatal(err)
	}
	// The planner halts the enrolment of a suspended debt (stop "agreement").
	es, _ := db.Enrolments(ctx, e.tenant, e.jose)
	if err := db.EndEnrolments(ctx, e.tenant, []int64{es[0].ID}, store.EnrolStopped, "agreement", asOf); err != nil {
		t.Fatal(err)
	}
	day := acc.Agreement.Installments[0].Due.AddDays(30)
	rep, err := e.svc.CheckBreaches(ctx, e.tenant, day)
	if err != nil || rep.Broken != 1 {
		t.Fatalf("breach: %+v %v", rep, err)
	}
	es, _ = db.Enrolments(ctx, e.tenant, e.jose)
	var got *store.Enrolment
	for i := range es {
		if es[i].State == store.EnrolActive {
			got = &es[i]
		}
	}
	brokenOn, _ := db.Agreement(ctx, e.tenant, acc.Agreement.ID)
	if got == nil || got.DebtID != c1001.ID || got.AnchorKind != "breach" || got.AnchorDate != brokenOn.BrokenOn || got.JourneyID == j.ID {
		t.Fatalf("hand-over: %+v", es)
	}
}

// A Pix sent at 22:30 on the promised day in the debtor's zone is already
// the next day in UTC; the promise is kept on the day the debtor paid.
func TestPromiseKeptByEveningPix(t *testing.T) {
	ctx := context.Background()
	e := setup(t, storetest.SQLite(t))
	d, err := e.db.Debtor(ctx, e.tenant, e.jose)
	if err != nil {
		t.Fatal(err)
	}
	loc := domain.Zone(d.TimeZone)
	promised := asOf.AddDays(3)
	c1001 := e.debts["C-1001"]
	pr, err := e.svc.AddPromise(ctx, e.tenant, negotiation.PromiseRequest{DebtorID: e.jose, DebtID: c1001.ID, Amount: 20000, Date: promised, Channel: "phone"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 22, 30, 0, 0, loc)
	if date.Of(at.UTC()) == promised {
		t.Fatalf("debtor zone %q: %s is the promised day in UTC too; the test needs a zone west of UTC", d.TimeZone, at)
	}
	if _, _, err := e.db.BookPayment(ctx, e.tenant, domain.Payment{InstallmentID: c1001.Installments[0].ID, Source: domain.PaidPix, SourceRef: "e2e-evening", Amount: 20000, PaidAt: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Run(ctx, promised.AddDays(1)); err != nil {
		t.Fatal(err)
	}
	p, _ := e.db.Promise(ctx, e.tenant, pr.Promise.ID)
	if p.Status != store.PromiseKept || p.KeptOn != promised {
		t.Errorf("paid %s (%s local) on a promise for %s: %s, kept on %s", at.UTC(), d.TimeZone, promised, p.Status, p.KeptOn)
	}
}
