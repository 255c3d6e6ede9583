package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

// NegotiationStore is what the negotiation contract needs of a backend.
type NegotiationStore interface {
	store.Store
	store.AttemptStore
	store.NegotiationStore
}

// FixtureDebts returns the debtor and debt ids of a fixture's document and
// contract, read back from the store.
func FixtureDebts(t testing.TB, s store.Store, tenant domain.TenantID, doc string) (debtor int64, debts map[string]store.DebtDetail) {
	t.Helper()
	ctx := context.Background()
	found, err := s.SearchDebtors(ctx, tenant, doc, date.New(2026, 11, 24), 5)
	if err != nil || len(found) != 1 {
		t.Fatalf("search %s: %v %v", doc, found, err)
	}
	v, err := s.Debtor360(ctx, tenant, found[0].ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	debts = map[string]store.DebtDetail{}
	for _, d := range v.Debts {
		debts[d.ContractNumber] = d
	}
	return found[0].ID, debts
}

// TestAgreement builds a stored agreement over debts with two installments.
func TestAgreement(debtor int64, offerID string, debts []int64, made date.Date, amounts ...money.Money) store.Agreement {
	text := "Acordo: total " + offerID
	sum := sha256.Sum256([]byte(text))
	a := store.Agreement{DebtorID: debtor, OfferID: offerID, Kind: "installments", Made: made, DebtIDs: debts, Doc: json.RawMessage(`{"offer_id":"` + offerID + `"}`),
		PolicyID: "p", PolicyVersion: 1, PolicyDoc: 1,
		Acceptance: store.Acceptance{OfferID: offerID, PolicyID: "p", PolicyVersion: 1, Who: "42", WhoKind: "debtor", Channel: "portal",
			At: time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC), Locale: "pt-BR", Text: text, TextSHA256: hex.EncodeToString(sum[:])}}
	for i, m := range amounts {
		a.Installments = append(a.Installments, store.AgreementInstallment{Number: i + 1, Due: made.AddMonths(i).AddDays(5), Amount: m, OnTime: m})
		a.Total += m
	}
	a.Negotiated = a.Total
	return a
}

// RunNegotiation is the contract of store.NegotiationStore.
func RunNegotiation(t *testing.T, s NegotiationStore) {
	ctx := context.Background()
	f := NewFixture(t, s, "negotiation")
	other := NewFixture(t, s, "other")
	jose, joseDebts := FixtureDebts(t, s, f.Tenant, "52998224725")
	maria, mariaDebts := FixtureDebts(t, s, f.Tenant, "11144477735")
	c1001 := joseDebts["C-1001"].ID
	made := date.New(2026, 11, 24)

	t.Run("offer policies are versioned per tenant", func(t *testing.T) {
		if _, err := s.OfferPolicies(ctx, f.Tenant, 0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("none yet: %v", err)
		}
		v1, err := s.SaveOfferPolicies(ctx, f.Tenant, json.RawMessage(`{"id": "a", "version": 1}`), "ana")
		if err != nil || v1.Version != 1 || v1.Author != "ana" || len(v1.SHA256) != 64 {
			t.Fatalf("v1: %+v %v", v1, err)
		}
		same, err := s.SaveOfferPolicies(ctx, f.Tenant, json.RawMessage("{\"id\":\"a\",\n \"version\":1}"), "bia")
		if err != nil || same.Version != 1 || same.Author != "ana" {
			t.Fatalf("same body saved again: %+v %v", same, err)
		}
		v2, err := s.SaveOfferPolicies(ctx, f.Tenant, json.RawMessage(`{"id":"a","version":2}`), "bia")
		if err != nil || v2.Version != 2 {
			t.Fatalf("v2: %+v %v", v2, err)
		}
		if _, err := s.SaveOfferPolicies(ctx, f.Tenant, json.RawMessage(`{not json`), "x"); err == nil {
			t.Error("bad JSON stored")
		}
		cur, err := s.OfferPolicies(ctx, f.Tenant, 0)
		if err != nil || cur.Version != 2 || string(cur.Body) != `{"id":"a","version":2}` {
			t.Errorf("current: %+v %v", cur, err)
		}
		old, err := s.OfferPolicies(ctx, f.Tenant, 1)
		if err != nil || string(old.Body) != `{"id":"a","version":1}` {
			t.Errorf("v1: %+v %v", old, err)
		}
		if _, err := s.OfferPolicies(ctx, other.Tenant, 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant sees policies: %v", err)
		}
	})

	var agreementID int64
	t.Run("create agreement suspends debts and cancels their attempts", func(t *testing.T) {
		if _, err := s.PlanAttempts(ctx, f.Tenant, []store.Attempt{{DebtorID: jose, DebtID: c1001, StepID: "manual-1", AnchorDate: made, Channel: "sms", DueAt: time.Now().Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		a := TestAgreement(jose, "offer-1", []int64{c1001}, made, 100000, 100000)
		got, dup, err := s.CreateAgreement(ctx, f.Tenant, a)
		if err != nil || dup || got.ID == 0 || got.Status != store.AgreementActive || len(got.Installments) != 2 || got.Total != 200000 {
			t.Fatalf("create: %+v dup=%v %v", got, dup, err)
		}
		agreementID = got.ID
		if got.Acceptance.Text != a.Acceptance.Text || got.Acceptance.TextSHA256 != a.Acceptance.TextSHA256 || !got.Acceptance.At.Equal(a.Acceptance.At) || got.Acceptance.Channel != "portal" {
			t.Errorf("acceptance: %+v", got.Acceptance)
		}
		if len(got.DebtIDs) != 1 || got.DebtIDs[0] != c1001 || got.Installments[1].Due != made.AddMonths(1).AddDays(5) || got.Installments[0].Status != domain.InstallmentOpen {
			t.Errorf("debts/installments: %+v %+v", got.DebtIDs, got.Installments)
		}
		again, dup, err := s.CreateAgreement(ctx, f.Tenant, a)
		if err != nil || !dup || again.ID != got.ID {
			t.Errorf("accept twice: %+v dup=%v %v", again.ID, dup, err)
		}
		if _, _, err := s.CreateAgreement(ctx, f.Tenant, TestAgreement(jose, "offer-2", []int64{c1001}, made, 5000)); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second agreement on a suspended debt: %v", err)
		}
		if _, _, err := s.CreateAgreement(ctx, f.Tenant, TestAgreement(jose, "offer-3", []int64{mariaDebts["C-2002"].ID}, made, 5000)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another debtor's debt: %v", err)
		}
		if _, _, err := s.CreateAgreement(ctx, other.Tenant, TestAgreement(jose, "offer-4", []int64{c1001}, made, 5000)); err == nil {
			t.Error("other tenant made an agreement over this tenant's debt")
		}
		v, _ := s.Debtor360(ctx, f.Tenant, jose, 50)
		for _, d := range v.Debts {
			if d.ID == c1001 && d.Status != domain.DebtSuspended {
				t.Errorf("debt status %s", d.Status)
			}
		}
		agreed := 0
		for _, e := range v.Events {
			if e.Kind == domain.EventAgreed && e.DebtID == c1001 {
				agreed++
			}
		}
		if agreed != 1 {
			t.Errorf("agreed events: %d", agreed)
		}
		as, _ := s.AttemptsOfDebtor(ctx, f.Tenant, jose, 10)
		if len(as) != 1 || as[0].Status != store.AttemptCancelled {
			t.Errorf("attempts: %+v", as)
		}
		if _, err := s.Agreement(ctx, other.Tenant, got.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant reads agreement: %v", err)
		}
		if l, err := s.Agreements(ctx, other.Tenant, store.AgreementFilter{}); err != nil || len(l) != 0 {
			t.Errorf("other tenant lists: %d %v", len(l), err)
		}
		l, err := s.Agreements(ctx, f.Tenant, store.AgreementFilter{Status: store.AgreementActive, DebtorID: jose})
		if err != nil || len(l) != 1 || l[0].ID != got.ID || len(l[0].Installments) != 2 {
			t.Errorf("list: %+v %v", l, err)
		}
	})

	t.Run("payments against an agreement are idempotent and spill over", func(t *testing.T) {
		reminders := []store.Attempt{}
		for _, n := range []int{1, 2} {
			reminders = append(reminders, store.Attempt{DebtorID: jose, StepID: store.AgreementReminderStep(agreementID, n, 0), AnchorDate: made.AddMonths(n - 1), Channel: "sms", DueAt: time.Now().Add(time.Hour)})
		}
		if _, err := s.PlanAttempts(ctx, f.Tenant, reminders); err != nil {
			t.Fatal(err)
		}
		p := domain.Payment{Source: domain.PaidPix, SourceRef: "e2e-1", Amount: 150000, PaidAt: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
		ap, dup, err := s.ApplyAgreementPayment(ctx, f.Tenant, agreementID, -1, p)
		if err != nil || dup || ap.Number != 1 || ap.Amount != 150000 {
			t.Fatalf("apply: %+v %v %v", ap, dup, err)
		}
		again, dup, err := s.ApplyAgreementPayment(ctx, f.Tenant, agreementID, -1, p)
		if err != nil || !dup || again.ID != ap.ID {
			t.Errorf("replay: %+v %v %v", again, dup, err)
		}
		if _, _, err := s.ApplyAgreementPayment(ctx, other.Tenant, agreementID, -1, domain.Payment{Source: domain.PaidPix, SourceRef: "e2e-x", Amount: 1}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant pays: %v", err)
		}
		if _, _, err := s.ApplyAgreementPayment(ctx, f.Tenant, agreementID, 9, domain.Payment{Source: domain.PaidPix, SourceRef: "e2e-y", Amount: 1}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("installment 9: %v", err)
		}
		a, _ := s.Agreement(ctx, f.Tenant, agreementID)
		if a.Paid != 150000 || a.Installments[0].Paid != 100000 || a.Installments[0].Status != domain.InstallmentPaid || a.Installments[1].Paid != 50000 || a.Installments[1].Status != domain.InstallmentPartial {
			t.Errorf("after payment: paid %d %+v", a.Paid, a.Installments)
		}
		as, _ := s.AttemptsOfDebtor(ctx, f.Tenant, jose, 20)
		for _, x := range as {
			want := store.AttemptPlanned
			if x.StepID == store.AgreementReminderStep(agreementID, 1, 0) {
				want = store.AttemptCancelled // paid in full
			}
			if x.StepID != "manual-1" && x.Status != want {
				t.Errorf("reminder %s is %s, want %s", x.StepID, x.Status, want)
			}
		}
		// Billing issues boletos/PIX for what is left: installment 2, R$ 500.
		oa, err := s.AgreementOpenAmounts(ctx, f.Tenant, jose, 0)
		if err != nil || len(oa) != 1 || oa[0].RefKind != store.RefAgreementInstallment || oa[0].Number != 2 || oa[0].Amount != 50000 || oa[0].CreditorID != f.Creditor.ID || oa[0].DebtorID != jose {
			t.Errorf("open amounts: %+v %v", oa, err)
		}
		if len(oa) == 1 {
			aid, n, err := s.AgreementInstallmentByID(ctx, f.Tenant, oa[0].RefID)
			if err != nil || aid != agreementID || n != 2 {
				t.Errorf("installment by id: %d %d %v", aid, n, err)
			}
			if _, _, err := s.AgreementInstallmentByID(ctx, other.Tenant, oa[0].RefID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("other tenant resolves the installment: %v", err)
			}
			if one, _ := s.AgreementOpenAmounts(ctx, f.Tenant, 0, oa[0].RefID); len(one) != 1 {
				t.Errorf("by installment: %+v", one)
			}
		}
		if oa, _ := s.AgreementOpenAmounts(ctx, other.Tenant, jose, 0); len(oa) != 0 {
			t.Errorf("other tenant open amounts: %+v", oa)
		}
		if _, err := s.AgreementOpenAmounts(ctx, f.Tenant, 0, 0); err == nil {
			t.Error("open amounts of everyone")
		}
		ps, _ := s.AgreementPayments(ctx, f.Tenant, agreementID)
		if len(ps) != 1 || !ps[0].PaidAt.Equal(p.PaidAt) {
			t.Errorf("agreement payments: %+v", ps)
		}
		if ps, _ := s.AgreementPayments(ctx, other.Tenant, agreementID); len(ps) != 0 {
			t.Errorf("other tenant reads payments: %+v", ps)
		}
		all, _ := s.Payments(ctx, f.Tenant, jose)
		if len(all) != 1 || all[0].DebtID != 0 || all[0].Amount != 150000 {
			t.Errorf("payments table: %+v", all)
		}
	})

	t.Run("concurrent payments add up", func(t *testing.T) {
		a, _, err := s.CreateAgreement(ctx, f.Tenant, TestAgreement(jose, "offer-c", []int64{joseDebts["C-1001"].ID}, made, 1000, 1000))
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("C-1001 is in agreement %d already: %+v %v", agreementID, a, err)
		}
		// Maria's C-2003 is free: an agreement of 8 × R$ 1,00 paid by 8 at once.
		b, _, err := s.CreateAgreement(ctx, f.Tenant, TestAgreement(maria, "offer-c", []int64{mariaDebts["C-2003"].ID}, made, 100, 100, 100, 100, 100, 100, 100, 100))
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			go func(i int) {
				_, _, err := s.ApplyAgreementPayment(ctx, f.Tenant, b.ID, -1, domain.Payment{Source: domain.PaidPix, SourceRef: "conc-" + itoa(int64(i)), Amount: 100})
				errs <- err
			}(i)
		}
		for i := 0; i < 8; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		got, _ := s.Agreement(ctx, f.Tenant, b.ID)
		var sum money.Money
		for _, in := range got.Installments {
			sum += in.Paid
			if in.Status != domain.InstallmentPaid {
				t.Errorf("installment %d is %s", in.Number, in.Status)
			}
		}
		if got.Paid != 800 || sum != 800 {
			t.Errorf("paid %d, installments %d", got.Paid, sum)
		}
		if changed, err := s.SettleAgreement(ctx, f.Tenant, b.ID, made); err != nil || !changed {
			t.Fatal(err)
		}
	})

	t.Run("breach reopens debts with the paid share and cancels reminders", func(t *testing.T) {
		step := "agreement-" + itoa(agreementID) + "-inst-2-d-3"
		if _, err := s.PlanAttempts(ctx, f.Tenant, []store.Attempt{{DebtorID: jose, StepID: step, AnchorDate: made.AddMonths(1), Channel: "sms", DueAt: time.Now().Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		b := store.Breach{On: date.New(2027, 1, 30), Paid: 150000, Restorations: []store.Restoration{{DebtID: c1001, Paid: 150000}}, Data: json.RawMessage(`{"state":"broken"}`)}
		// Decided on no payments, but one was booked: nothing changes.
		if changed, err := s.BreakAgreement(ctx, f.Tenant, agreementID, b); err != nil || changed {
			t.Errorf("break on a stale view: %v %v", changed, err)
		}
		b.Payments = 1
		if _, err := s.BreakAgreement(ctx, other.Tenant, agreementID, b); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant breaks: %v", err)
		}
		changed, err := s.BreakAgreement(ctx, f.Tenant, agreementID, b)
		if err != nil || !changed {
			t.Fatalf("break: %v %v", changed, err)
		}
		if changed, err := s.BreakAgreement(ctx, f.Tenant, agreementID, b); err != nil || changed {
			t.Errorf("break twice: %v %v", changed, err)
		}
		a, _ := s.Agreement(ctx, f.Tenant, agreementID)
		if a.Status != store.AgreementBroken || a.BrokenOn != b.On || a.ClosedOn != b.On {
			t.Errorf("agreement: %+v", a)
		}
		v, _ := s.Debtor360(ctx, f.Tenant, jose, 50)
		for _, d := range v.Debts {
			if d.ID != c1001 {
				continue
			}
			if d.Status != domain.DebtOpen || d.Installments[0].Paid != 150000 || d.Installments[0].Status != domain.InstallmentPaid || d.Installments[1].Paid != 0 {
				t.Errorf("restored debt: %s %+v", d.Status, d.Installments)
			}
		}
		as, _ := s.AttemptsOfDebtor(ctx, f.Tenant, jose, 10)
		for _, x := range as {
			if x.StepID == step && x.Status != store.AttemptCancelled {
				t.Errorf("reminder %s is %s", step, x.Status)
			}
		}
		// The money came once: a payment to a broken agreement is still booked.
		if _, _, err := s.ApplyAgreementPayment(ctx, f.Tenant, agreementID, -1, domain.Payment{Source: domain.PaidPix, SourceRef: "e2e-late", Amount: 100}); err != nil {
			t.Errorf("late payment: %v", err)
		}
	})

	t.Run("settle", func(t *testing.T) {
		ids := []int64{mariaDebts["C-2002"].ID}
		a, _, err := s.CreateAgreement(ctx, f.Tenant, TestAgreement(maria, "offer-m", ids, made, 50000))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SettleAgreement(ctx, other.Tenant, a.ID, made); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant settles: %v", err)
		}
		if changed, err := s.SettleAgreement(ctx, f.Tenant, a.ID, made.AddDays(3)); err != nil || !changed {
			t.Fatalf("settle: %v %v", changed, err)
		}
		v, _ := s.Debtor360(ctx, f.Tenant, maria, 5)
		for _, d := range v.Debts {
			if d.Status != domain.DebtSettled {
				t.Errorf("debt %s is %s", d.ContractNumber, d.Status)
			}
		}
		if changed, _ := s.SettleAgreement(ctx, f.Tenant, a.ID, made); changed {
			t.Error("settled twice")
		}
	})

	t.Run("promises", func(t *testing.T) {
		p, err := s.AddPromise(ctx, f.Tenant, store.Promise{DebtorID: jose, DebtID: c1001, Amount: 30000, Promised: made.AddDays(5), Made: made, ToleranceDays: 1, Channel: "phone", Who: "user:7"})
		if err != nil || p.ID == 0 || p.Status != store.PromisePending {
			t.Fatalf("add: %+v %v", p, err)
		}
		if _, err := s.AddPromise(ctx, f.Tenant, store.Promise{DebtorID: jose, Amount: 0, Promised: made, Made: made, Channel: "phone"}); err == nil {
			t.Error("zero promise stored")
		}
		if _, err := s.AddPromise(ctx, other.Tenant, store.Promise{DebtorID: jose, Amount: 100, Promised: made, Made: made, Channel: "phone"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant promise for this debtor: %v", err)
		}
		if _, err := s.AddPromise(ctx, f.Tenant, store.Promise{DebtorID: jose, DebtID: mariaDebts["C-2002"].ID, Amount: 100, Promised: made, Made: made, Channel: "phone"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("promise on another debtor's debt: %v", err)
		}
		if _, err := s.Promise(ctx, other.Tenant, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant reads promise: %v", err)
		}
		if _, err := s.ResolvePromise(ctx, other.Tenant, p.ID, store.PromiseKept, 1, made); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant resolves: %v", err)
		}
		if l, _ := s.Promises(ctx, other.Tenant, store.PromiseFilter{}); len(l) != 0 {
			t.Errorf("other tenant lists promises: %+v", l)
		}
		l, err := s.Promises(ctx, f.Tenant, store.PromiseFilter{Status: store.PromisePending})
		if err != nil || len(l) != 1 || l[0].ID != p.ID || l[0].Promised != p.Promised || l[0].Amount != 30000 {
			t.Errorf("list: %+v %v", l, err)
		}
		step := "promise-" + itoa(p.ID) + "-reminder"
		if _, err := s.PlanAttempts(ctx, f.Tenant, []store.Attempt{{DebtorID: jose, DebtID: c1001, StepID: step, AnchorDate: p.Promised, Channel: "sms", DueAt: time.Now().Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		if changed, err := s.ResolvePromise(ctx, f.Tenant, p.ID, store.PromiseKept, 30000, made.AddDays(2)); err != nil || !changed {
			t.Fatalf("resolve: %v %v", changed, err)
		}
		as, _ := s.AttemptsOfDebtor(ctx, f.Tenant, jose, 20)
		for _, x := range as {
			if x.StepID == step && x.Status != store.AttemptCancelled {
				t.Errorf("promise reminder is %s after the promise was kept", x.Status)
			}
		}
		if changed, _ := s.ResolvePromise(ctx, f.Tenant, p.ID, store.PromiseUnkept, 0, date.Date{}); changed {
			t.Error("resolved twice")
		}
		got, _ := s.Promise(ctx, f.Tenant, p.ID)
		if got.Status != store.PromiseKept || got.Paid != 30000 || got.KeptOn != made.AddDays(2) {
			t.Errorf("after resolve: %+v", got)
		}
	})

	t.Run("debtor negotiation for the 360 page", func(t *testing.T) {
		n, err := s.DebtorNegotiation(ctx, f.Tenant, jose)
		if err != nil || len(n.Agreements) != 1 || n.Agreements[0].ID != agreementID || len(n.Promises) != 1 || len(n.Agreements[0].Installments) != 2 || n.Agreements[0].Acceptance.Text == "" {
			t.Errorf("negotiation: %+v %v", n, err)
		}
		if n, err := s.DebtorNegotiation(ctx, other.Tenant, jose); err != nil || len(n.Agreements)+len(n.Promises) != 0 {
			t.Errorf("other tenant: %+v %v", n, err)
		}
	})

	t.Run("debtors with pending promises", func(t *testing.T) {
		// Maria has two pending promises; José none pending (one unkept
		// here, whatever earlier cases left kept); the other tenant's José
		// one pending.
		add := func(tenant domain.TenantID, debtor int64) store.Promise {
			t.Helper()
			p, err := s.AddPromise(ctx, tenant, store.Promise{DebtorID: debtor, Amount: 5000, Promised: made.AddDays(3), Made: made, Channel: "phone"})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		add(f.Tenant, maria)
		add(f.Tenant, maria)
		if _, err := s.ResolvePromise(ctx, f.Tenant, add(f.Tenant, jose).ID, store.PromiseUnkept, 0, date.Date{}); err != nil {
			t.Fatal(err)
		}
		otherJose, _ := FixtureDebts(t, s, other.Tenant, "52998224725")
		add(other.Tenant, otherJose)
		// More ids than one IN list of SQLite holds, Maria's last.
		many := make([]int64, 0, 2001)
		for i := range int64(2000) {
			many = append(many, 1_000_000+i)
		}
		many = append(many, maria)
		for _, tc := range []struct {
			name   string
			tenant domain.TenantID
			ids    []int64
			want   []int64
		}{
			{"none asked", f.Tenant, nil, nil},
			{"pending and resolved", f.Tenant, []int64{jose, maria}, []int64{maria}},
			{"each once", f.Tenant, []int64{maria, maria, 0}, []int64{maria}},
			{"another tenant's debtor", f.Tenant, []int64{otherJose}, nil},
			{"asked of another tenant", other.Tenant, []int64{maria, jose, otherJose}, []int64{otherJose}},
			{"more than one IN list", f.Tenant, many, []int64{maria}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.DebtorsWithPendingPromises(ctx, tc.tenant, tc.ids)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
	})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
