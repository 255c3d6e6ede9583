package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

// BillingBackend is what the billing and reconciliation contract needs.
type BillingBackend interface {
	store.Store
	store.BillingStore
	store.ReconcileStore
	store.AttemptStore
	store.NegotiationStore
}

// ItauAccount is a collection account at Itaú for tests.
func ItauAccount(creditor int64) store.BankAccount {
	return store.BankAccount{CreditorID: creditor, Bank: "341", Agency: "0057", Account: "12345", Wallet: "109", PixKey: "11222333000181",
		BeneficiaryName: "Banco Teste", BeneficiaryDoc: "11222333000181", City: "São Paulo"}
}

// Billing is the contract of store.BillingStore and store.ReconcileStore;
// classify is the reconciliation's rules (reconcile.Classify), passed in so
// that storetest does not depend on the packages it tests.
func Billing(t *testing.T, s BillingBackend, classify store.Classifier) {
	ctx := context.Background()
	a := NewFixture(t, s, "billing-a")
	b := NewFixture(t, s, "billing-b")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.SetBankAccount(ctx, a.Tenant, ItauAccount(a.Creditor.ID)))

	t.Run("accounts", func(t *testing.T) {
		got, err := s.BankAccount(ctx, a.Tenant, a.Creditor.ID)
		must(err)
		if got.Bank != "341" || got.Agency != "0057" || got.PixKey != "11222333000181" || got.City != "São Paulo" {
			t.Errorf("account read back as %+v", got)
		}
		acc := ItauAccount(a.Creditor.ID)
		acc.Wallet = "157"
		must(s.SetBankAccount(ctx, a.Tenant, acc))
		if got, _ := s.BankAccount(ctx, a.Tenant, a.Creditor.ID); got.Wallet != "157" {
			t.Errorf("replaced wallet = %q", got.Wallet)
		}
		must(s.SetBankAccount(ctx, a.Tenant, ItauAccount(a.Creditor.ID)))
		// Isolation: b cannot read a's account nor set one on a's creditor.
		if _, err := s.BankAccount(ctx, b.Tenant, a.Creditor.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant's account: %v", err)
		}
		if err := s.SetBankAccount(ctx, b.Tenant, ItauAccount(a.Creditor.ID)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("account on another tenant's creditor: %v", err)
		}
	})

	t.Run("our numbers", func(t *testing.T) {
		f1, err := s.AllocateOurNumbers(ctx, a.Tenant, "341", 10)
		must(err)
		f2, err := s.AllocateOurNumbers(ctx, a.Tenant, "341", 5)
		must(err)
		if f1 != 1 || f2 != 11 {
			t.Errorf("allocations start at %d and %d, want 1 and 11", f1, f2)
		}
		// Sequences are per tenant and per bank.
		if g, _ := s.AllocateOurNumbers(ctx, b.Tenant, "341", 1); g != 1 {
			t.Errorf("other tenant's first number = %d", g)
		}
		if g, _ := s.AllocateOurNumbers(ctx, a.Tenant, "001", 1); g != 1 {
			t.Errorf("other bank's first number = %d", g)
		}
		if _, err := s.AllocateOurNumbers(ctx, a.Tenant, "341", 0); err == nil {
			t.Error("allocating 0 numbers succeeded")
		}
	})

	debtor := debtorOf(t, s, a, "52998224725")
	opens, err := s.OpenAmounts(ctx, a.Tenant, debtor, 0)
	must(err)
	if len(opens) != 2 || opens[0].Amount != 150000 || opens[0].CreditorID != a.Creditor.ID || opens[0].Contract != "C-1001" || opens[0].Number != 1 {
		t.Fatalf("open amounts of José: %+v", opens)
	}
	if o, _ := s.OpenAmounts(ctx, b.Tenant, debtor, 0); len(o) != 0 {
		t.Errorf("other tenant sees %d open amounts", len(o))
	}
	inst1, inst2 := opens[0], opens[1]

	charge := func(o store.OpenAmount, kind store.ChargeKind, key string) store.Charge {
		c := store.Charge{DebtorID: o.DebtorID, DebtID: o.DebtID, RefKind: o.RefKind, RefID: o.RefID, InstallmentID: o.InstallmentID, Kind: kind, Amount: o.Amount, DueDate: o.DueDate}
		if kind == store.ChargePix {
			c.TxID = key
		} else {
			c.Bank, c.OurNumber = "341", key
		}
		return c
	}
	t.Run("charges", func(t *testing.T) {
		cs := []store.Charge{charge(inst1, store.ChargePix, "TXOLD1"), charge(inst1, store.ChargeBoleto, "00000101")}
		must(s.SaveCharges(ctx, a.Tenant, cs))
		if cs[0].ID == 0 || cs[1].ID == 0 || cs[0].Status != store.ChargeActive {
			t.Fatalf("ids not filled: %+v", cs)
		}
		re := []store.Charge{charge(inst1, store.ChargePix, "TXNEW1")}
		must(s.SaveCharges(ctx, a.Tenant, re))
		old, err := s.Charge(ctx, a.Tenant, cs[0].ID)
		must(err)
		if old.Status != store.ChargeSuperseded || old.SupersededBy != re[0].ID {
			t.Errorf("reissued pix: older is %s by %d, want superseded by %d", old.Status, old.SupersededBy, re[0].ID)
		}
		if bol, _ := s.Charge(ctx, a.Tenant, cs[1].ID); bol.Status != store.ChargeActive {
			t.Errorf("boleto of the same installment became %s on a pix reissue", bol.Status)
		}
		list, err := s.ChargesOfDebtor(ctx, a.Tenant, debtor)
		must(err)
		if len(list) != 3 || list[0].ID != re[0].ID {
			t.Errorf("charges of debtor: %d, first %d", len(list), list[0].ID)
		}
		// A txid is unique within a tenant, not across tenants.
		if err := s.SaveCharges(ctx, a.Tenant, []store.Charge{charge(inst2, store.ChargePix, "TXNEW1")}); err == nil {
			t.Error("the same txid twice was accepted")
		}
		if _, err := s.Charge(ctx, b.Tenant, cs[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant reads a charge: %v", err)
		}
		if l, _ := s.ChargesOfDebtor(ctx, b.Tenant, debtor); len(l) != 0 {
			t.Errorf("other tenant lists %d charges", len(l))
		}
		if err := s.SaveCharges(ctx, b.Tenant, []store.Charge{charge(inst2, store.ChargePix, "TXB")}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("charge on another tenant's debtor: %v", err)
		}
		if err := s.CancelCharge(ctx, b.Tenant, cs[1].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant cancels a charge: %v", err)
		}
	})

	// Plan an attempt of the debt, to see payment cancel it.
	_, err = s.PlanAttempts(ctx, a.Tenant, []store.Attempt{{DebtorID: debtor, DebtID: inst1.DebtID, StepID: "d+5-sms", AnchorDate: date.New(2026, 11, 20), Channel: "sms", Template: "reminder", DueAt: time.Now().Add(time.Hour)}})
	must(err)

	pix := func(e2e, txid string, amount money.Money) store.Incoming {
		return store.Incoming{Source: domain.PaidPix, SourceRef: e2e, EndToEndID: e2e, TxID: txid, Amount: amount, PaidAt: time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)}
	}
	t.Run("reconcile", func(t *testing.T) {
		// Paying the superseded pix goes to the queue; the new one books.
		o, err := s.Reconcile(ctx, a.Tenant, []store.Incoming{pix("E1", "TXOLD1", 150000), pix("E2", "TXNEW1", 150000), pix("E2", "TXNEW1", 150000), pix("E3", "NOSUCH", 777)}, classify)
		must(err)
		if o.Booked != 1 || o.Queued != 2 || o.Duplicates != 1 || o.PaidOff != 1 || o.Cancelled != 1 || o.Receipts != 1 {
			t.Errorf("outcome %+v", o)
		}
		again, err := s.Reconcile(ctx, a.Tenant, []store.Incoming{pix("E1", "TXOLD1", 150000), pix("E2", "TXNEW1", 150000), pix("E3", "NOSUCH", 777)}, classify)
		must(err)
		if again.Duplicates != 3 || again.Booked != 0 || again.Queued != 0 {
			t.Errorf("replay: %+v", again)
		}
		ps, _ := s.Payments(ctx, a.Tenant, debtor)
		if len(ps) != 1 || ps[0].SourceRef != "E2" || ps[0].InstallmentID != inst1.InstallmentID {
			t.Errorf("payments: %+v", ps)
		}
		at, _ := s.AttemptsOfDebtor(ctx, a.Tenant, debtor, 10)
		var cancelled, receipts int
		for _, x := range at {
			if x.Status == store.AttemptCancelled && x.StepID == "d+5-sms" {
				cancelled++
			}
			if x.Template == "payment_receipt" && x.Status == store.AttemptPlanned && x.StepID == fmt.Sprintf("receipt-%d", ps[0].ID) && x.Channel == "email" {
				receipts++
			}
		}
		if cancelled != 1 || receipts != 1 {
			t.Errorf("attempts after payment: %d cancelled, %d receipts: %+v", cancelled, receipts, at)
		}
		evs, _ := s.Events(ctx, a.Tenant, debtor, 10)
		if len(evs) == 0 || evs[0].Kind != domain.EventPaid {
			t.Errorf("latest event: %+v", evs)
		}
		q, err := s.QueueItems(ctx, a.Tenant, "open", 10)
		must(err)
		if len(q) != 2 || q[0].Reason != store.QueueSuperseded || q[1].Reason != store.QueueUnknown || q[0].InstallmentID != inst1.InstallmentID {
			t.Fatalf("queue: %+v", q)
		}
		if l, _ := s.QueueItems(ctx, b.Tenant, "", 10); len(l) != 0 {
			t.Errorf("other tenant sees %d queue items", len(l))
		}
		if _, err := s.QueueItem(ctx, b.Tenant, q[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant reads a queue item: %v", err)
		}
		if _, err := s.ResolveQueueItem(ctx, b.Tenant, q[0].ID, store.Resolution{Action: "credit", DebtorID: debtor}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other tenant resolves a queue item: %v", err)
		}
		// The supervisor assigns the superseded payment to installment 2.
		it, err := s.ResolveQueueItem(ctx, a.Tenant, q[0].ID, store.Resolution{Action: "assign", InstallmentID: inst2.InstallmentID, Actor: "user:1"})
		must(err)
		if it.Status != "assigned" || it.PaymentID == 0 {
			t.Errorf("assigned item: %+v", it)
		}
		if _, err := s.ResolveQueueItem(ctx, a.Tenant, q[0].ID, store.Resolution{Action: "refund"}); err == nil {
			t.Error("an item was resolved twice")
		}
		if o, _ := s.OpenAmounts(ctx, a.Tenant, debtor, 0); len(o) != 0 {
			t.Errorf("José still owes %+v", o)
		}
		// The unknown one is kept as credit on a debtor the supervisor names.
		if _, err := s.ResolveQueueItem(ctx, a.Tenant, q[1].ID, store.Resolution{Action: "credit", DebtorID: debtor}); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.DebtorCredit(ctx, a.Tenant, debtor); c != 777 {
			t.Errorf("credit = %s, want 7.77", c)
		}
		if c, _ := s.DebtorCredit(ctx, b.Tenant, debtor); c != 0 {
			t.Errorf("other tenant sees credit %s", c)
		}
	})

	t.Run("boleto, overpayment and partial", func(t *testing.T) {
		maria := debtorOf(t, s, a, "11144477735")
		mo, _ := s.OpenAmounts(ctx, a.Tenant, maria, 0)
		if len(mo) != 2 {
			t.Fatalf("Maria's open amounts: %+v", mo)
		}
		cs := []store.Charge{charge(mo[0], store.ChargeBoleto, "00000201"), charge(mo[1], store.ChargeBoleto, "00000202")}
		must(s.SaveCharges(ctx, a.Tenant, cs))
		bol := func(ref, nn string, amt money.Money) store.Incoming {
			return store.Incoming{Source: domain.PaidBoleto, SourceRef: ref, Bank: "341", OurNumber: nn, Amount: amt, PaidAt: time.Now()}
		}
		o, err := s.Reconcile(ctx, a.Tenant, []store.Incoming{bol("R1", "00000201", mo[0].Amount+1000), bol("R2", "00000202", 100)}, classify)
		must(err)
		if o.Booked != 1 || o.Credited != 1000 || o.Queued != 2 {
			t.Errorf("outcome: %+v", o)
		}
		if c, _ := s.DebtorCredit(ctx, a.Tenant, maria); c != 1000 {
			t.Errorf("overpayment credit = %s", c)
		}
		if c, _ := s.Charge(ctx, a.Tenant, cs[0].ID); c.Status != store.ChargePaid {
			t.Errorf("paid boleto is %s", c.Status)
		}
		q, _ := s.QueueItems(ctx, a.Tenant, "open", 10)
		var over, partial store.QueueItem
		for _, it := range q {
			switch it.Reason {
			case store.QueueOverpaid:
				over = it
			case store.QueuePartial:
				partial = it
			}
		}
		if over.Amount != 1000 || over.PaymentID == 0 || partial.Amount != 100 || partial.PaymentID != 0 {
			t.Fatalf("queue: %+v", q)
		}
		// Refunding the excess takes it off the credit.
		must2(s.ResolveQueueItem(ctx, a.Tenant, over.ID, store.Resolution{Action: "refund", Note: "TED"}))
		if c, _ := s.DebtorCredit(ctx, a.Tenant, maria); c != 0 {
			t.Errorf("credit after refund = %s", c)
		}
		// Assigning the partial payment books it; the installment is partial.
		must2(s.ResolveQueueItem(ctx, a.Tenant, partial.ID, store.Resolution{Action: "assign", InstallmentID: mo[1].InstallmentID}))
		left, _ := s.OpenAmounts(ctx, a.Tenant, maria, 0)
		if len(left) != 1 || left[0].Amount != mo[1].Amount-100 {
			t.Errorf("left open: %+v", left)
		}
		// A cancelled boleto's payment is queued.
		extra := []store.Charge{charge(left[0], store.ChargeBoleto, "00000203")}
		must(s.SaveCharges(ctx, a.Tenant, extra))
		must(s.CancelCharge(ctx, a.Tenant, extra[0].ID))
		o, err = s.Reconcile(ctx, a.Tenant, []store.Incoming{bol("R3", "00000203", left[0].Amount)}, classify)
		must(err)
		if q, _ := s.QueueItems(ctx, a.Tenant, "open", 10); o.Queued != 1 || len(q) != 1 || q[0].Reason != store.QueueCancelled {
			t.Errorf("cancelled boleto: %+v %+v", o, q)
		}
		// Tenant b paying a's nosso número matches nothing of a's.
		ob, err := s.Reconcile(ctx, b.Tenant, []store.Incoming{bol("R3", "00000203", left[0].Amount)}, classify)
		must(err)
		if ob.Booked != 0 || ob.Queued != 1 || ob.Duplicates != 0 {
			t.Errorf("other tenant's reconcile: %+v", ob)
		}
	})

	t.Run("agreement installments", func(t *testing.T) {
		c := NewFixture(t, s, "billing-c")
		must(s.SetBankAccount(ctx, c.Tenant, ItauAccount(c.Creditor.ID)))
		jose, debts := FixtureDebts(t, s, c.Tenant, "52998224725")
		made := date.New(2026, 11, 24)
		ag, _, err := s.CreateAgreement(ctx, c.Tenant, TestAgreement(jose, "agr-billing", []int64{debts["C-1001"].ID}, made, 100000, 100000))
		must(err)
		opens, err := s.AgreementOpenAmounts(ctx, c.Tenant, jose, 0)
		must(err)
		if len(opens) != 2 || opens[0].RefKind != store.RefAgreementInstallment || opens[0].Amount != 100000 {
			t.Fatalf("agreement open amounts: %+v", opens)
		}
		i1, i2 := opens[0], opens[1]
		cs := []store.Charge{charge(i1, store.ChargePix, "AGRTX1"), charge(i2, store.ChargeBoleto, "00000901"), charge(i2, store.ChargePix, "AGRTX2")}
		must(s.SaveCharges(ctx, c.Tenant, cs))
		// The reminder of installment 1, as negotiation plans it.
		_, err = s.PlanAttempts(ctx, c.Tenant, []store.Attempt{{DebtorID: jose, StepID: fmt.Sprintf("agreement-%d-inst-1-d-3", ag.ID), AnchorDate: made, Channel: "sms", Template: "agreement_reminder", DueAt: time.Now().Add(time.Hour)}})
		must(err)

		// A Pix of installment 1's charge books on the agreement, not the queue.
		o, err := s.Reconcile(ctx, c.Tenant, []store.Incoming{pix("EA1", "AGRTX1", 100000)}, classify)
		must(err)
		if o.Booked != 1 || o.Queued != 0 || o.PaidOff != 1 || o.Receipts != 1 || len(o.Agreements) != 1 || o.Agreements[0].AgreementID != ag.ID || o.Agreements[0].DebtorID != jose {
			t.Fatalf("outcome %+v", o)
		}
		// The same Pix again books nothing.
		again, err := s.Reconcile(ctx, c.Tenant, []store.Incoming{pix("EA1", "AGRTX1", 100000)}, classify)
		must(err)
		if again.Duplicates != 1 || again.Booked != 0 || again.Queued != 0 || len(again.Agreements) != 0 {
			t.Errorf("replay: %+v", again)
		}
		aps, err := s.AgreementPayments(ctx, c.Tenant, ag.ID)
		must(err)
		if len(aps) != 1 || aps[0].Number != 1 || aps[0].Amount != 100000 {
			t.Fatalf("agreement payments: %+v", aps)
		}
		got, err := s.Agreement(ctx, c.Tenant, ag.ID)
		must(err)
		if got.Installments[0].Status != domain.InstallmentPaid || got.Installments[1].Status != domain.InstallmentOpen || got.Paid != 100000 {
			t.Errorf("agreement after payment: paid %s, installments %+v", got.Paid, got.Installments)
		}
		if ch, _ := s.Charge(ctx, c.Tenant, cs[0].ID); ch.Status != store.ChargePaid {
			t.Errorf("paid agreement charge is %s", ch.Status)
		}
		ps, _ := s.Payments(ctx, c.Tenant, jose)
		if len(ps) != 1 || ps[0].SourceRef != "EA1" || ps[0].DebtID != 0 || ps[0].ID != aps[0].PaymentID {
			t.Errorf("payments: %+v", ps)
		}
		at, _ := s.AttemptsOfDebtor(ctx, c.Tenant, jose, 20)
		var reminderCancelled, receipt bool
		for _, x := range at {
			reminderCancelled = reminderCancelled || (x.Template == "agreement_reminder" && x.Status == store.AttemptCancelled)
			receipt = receipt || (x.Template == "payment_receipt" && x.StepID == fmt.Sprintf("receipt-%d", ps[0].ID) && x.Status == store.AttemptPlanned)
		}
		if !reminderCancelled || !receipt {
			t.Errorf("attempts: reminder cancelled %v, receipt %v: %+v", reminderCancelled, receipt, at)
		}
		evs, _ := s.Events(ctx, c.Tenant, jose, 5)
		if len(evs) == 0 || evs[0].Kind != domain.EventPaid || !strings.Contains(evs[0].Summary, fmt.Sprintf("acordo %d, parcela 1", ag.ID)) {
			t.Errorf("latest event: %+v", evs)
		}
		// Paying installment 1 again (another Pix, same charge): paid already.
		o, err = s.Reconcile(ctx, c.Tenant, []store.Incoming{pix("EA1b", "AGRTX1", 100000)}, classify)
		must(err)
		if o.Booked != 0 || o.Queued != 1 {
			t.Errorf("second payment of a paid agreement installment: %+v", o)
		}

		// Installment 2: a partial boleto payment is queued, not booked, and
		// names the agreement installment; the supervisor assigns it.
		bol := store.Incoming{Source: domain.PaidBoleto, SourceRef: "341/00000901/06/2026-11-25", Bank: "341", OurNumber: "00000901", Amount: 40000, PaidAt: time.Now()}
		o, err = s.Reconcile(ctx, c.Tenant, []store.Incoming{bol}, classify)
		must(err)
		if o.Booked != 0 || o.Queued != 1 {
			t.Fatalf("partial: %+v", o)
		}
		q, _ := s.QueueItems(ctx, c.Tenant, "open", 10)
		var partial store.QueueItem
		for _, it := range q {
			if it.Reason == store.QueuePartial {
				partial = it
			}
		}
		if partial.AgreementInstallmentID != i2.RefID || partial.Amount != 40000 || partial.InstallmentID != 0 || partial.ChargeID != cs[1].ID {
			t.Fatalf("queue: %+v", q)
		}
		it, err := s.ResolveQueueItem(ctx, c.Tenant, partial.ID, store.Resolution{Action: "assign", AgreementInstallmentID: i2.RefID, Actor: "user:1"})
		must(err)
		if it.Status != "assigned" || it.PaymentID == 0 || it.AgreementInstallmentID != i2.RefID {
			t.Errorf("assigned item: %+v", it)
		}
		if left, _ := s.AgreementOpenAmounts(ctx, c.Tenant, 0, i2.RefID); len(left) != 1 || left[0].Amount != 60000 {
			t.Errorf("installment 2 left open: %+v", left)
		}
		// An overpaying Pix of installment 2: what is open is booked, the
		// rest kept as credit and queued.
		o, err = s.Reconcile(ctx, c.Tenant, []store.Incoming{pix("EA2", "AGRTX2", 60500)}, classify)
		must(err)
		if o.Booked != 1 || o.BookedAmount != 60000 || o.Credited != 500 || o.Queued != 1 || o.PaidOff != 1 {
			t.Errorf("overpayment: %+v", o)
		}
		if cr, _ := s.DebtorCredit(ctx, c.Tenant, jose); cr != 500 {
			t.Errorf("credit = %s", cr)
		}
		got, _ = s.Agreement(ctx, c.Tenant, ag.ID)
		if got.Paid != 200000 || got.Installments[1].Status != domain.InstallmentPaid || got.Installments[1].Paid != 100000 {
			t.Errorf("agreement after installment 2: paid %s, %+v", got.Paid, got.Installments)
		}
		// The debts of the agreement were never booked on.
		if l, _ := s.OpenAmounts(ctx, c.Tenant, jose, 0); len(l) == 0 {
			t.Errorf("the agreement's payments paid the original installments")
		}
		// Manual entry naming the agreement installment, once closed: a
		// settled agreement's installment takes no payment by itself.
		if _, err := s.SettleAgreement(ctx, c.Tenant, ag.ID, made.AddDays(2)); err != nil {
			t.Fatal(err)
		}
		man := store.Incoming{Source: domain.PaidManual, SourceRef: "REC-9", Amount: 1000, PaidAt: time.Now(), AgreementInstallmentID: i2.RefID}
		o, err = s.Reconcile(ctx, c.Tenant, []store.Incoming{man}, classify)
		must(err)
		if o.Booked != 0 || o.Queued != 1 {
			t.Errorf("payment of a settled agreement: %+v", o)
		}
		// Another tenant paying the agreement's txid matches nothing.
		ob, err := s.Reconcile(ctx, b.Tenant, []store.Incoming{pix("EA3", "AGRTX2", 100)}, classify)
		must(err)
		if ob.Booked != 0 || ob.Queued != 1 {
			t.Errorf("other tenant: %+v", ob)
		}
		if _, err := s.ResolveQueueItem(ctx, c.Tenant, partial.ID, store.Resolution{Action: "assign", AgreementInstallmentID: i2.RefID}); err == nil {
			t.Error("an item was assigned twice")
		}
	})

	t.Run("debtors paid", func(t *testing.T) {
		// Payments of installments name their debtors once each, with the
		// latest paid-at, in the order first booked; payments queued or
		// booked on agreement installments (Agreements) name none.
		d := NewFixture(t, s, "billing-d")
		jose, joseDebts := FixtureDebts(t, s, d.Tenant, "52998224725")
		maria, mariaDebts := FixtureDebts(t, s, d.Tenant, "11144477735")
		j1, j2 := joseDebts["C-1001"].Installments[0], joseDebts["C-1001"].Installments[1]
		m1 := mariaDebts["C-2003"].Installments[0]
		at := func(h int) time.Time { return time.Date(2026, 11, 24, h, 0, 0, 0, time.UTC) }
		api := func(ref string, inst domain.Installment, h int) store.Incoming {
			return store.Incoming{Source: domain.PaidAPI, SourceRef: ref, InstallmentID: inst.ID, Amount: inst.Amount, PaidAt: at(h)}
		}
		ag, _, err := s.CreateAgreement(ctx, d.Tenant, TestAgreement(maria, "debtors-paid", []int64{mariaDebts["C-2002"].ID}, date.New(2026, 11, 24), 5000, 4990))
		must(err)
		batch := []store.Incoming{
			api("DP-1", j2, 12),
			api("DP-2", m1, 9),
			api("DP-3", j1, 15),
			{Source: domain.PaidAPI, SourceRef: "DP-4", Amount: 777, PaidAt: at(18)}, // queued: matches nothing
			{Source: domain.PaidAPI, SourceRef: "DP-5", AgreementInstallmentID: ag.Installments[0].ID, Amount: 5000, PaidAt: at(20)},
		}
		for _, tc := range []struct {
			name  string
			batch []store.Incoming
			want  []store.DebtorPaid
		}{
			{"booked", batch, []store.DebtorPaid{{DebtorID: jose, PaidAt: at(15)}, {DebtorID: maria, PaidAt: at(9)}}},
			{"replayed", batch, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				o, err := s.Reconcile(ctx, d.Tenant, tc.batch, classify)
				must(err)
				if len(o.Debtors) != len(tc.want) {
					t.Fatalf("debtors %+v, want %+v (outcome %+v)", o.Debtors, tc.want, o)
				}
				for i, w := range tc.want {
					if g := o.Debtors[i]; g.DebtorID != w.DebtorID || !g.PaidAt.Equal(w.PaidAt) {
						t.Errorf("debtor %d: %+v, want %+v", i, g, w)
					}
				}
			})
		}
	})

	t.Run("return files", func(t *testing.T) {
		f := store.ReturnFile{FileID: "abc", Name: "ret.txt", Bank: "341", Records: 3}
		started, _, err := s.StartReturnFile(ctx, a.Tenant, f)
		must(err)
		if !started {
			t.Fatal("new file not started")
		}
		// Not finished: a second run goes on.
		if again, _, _ := s.StartReturnFile(ctx, a.Tenant, f); !again {
			t.Error("unfinished file refused")
		}
		f.Booked = 3
		must(s.FinishReturnFile(ctx, a.Tenant, f))
		started, prev, err := s.StartReturnFile(ctx, a.Tenant, f)
		must(err)
		if started || prev.Status != "done" || prev.Booked != 3 {
			t.Errorf("finished file: started=%v prev=%+v", started, prev)
		}
		if sb, _, _ := s.StartReturnFile(ctx, b.Tenant, f); !sb {
			t.Error("another tenant's file identity blocks this tenant")
		}
	})
}

func must2[T any](_ T, err error) {
	if err != nil {
		panic(err)
	}
}

func debtorOf(t *testing.T, s store.Store, f Fixture, doc string) int64 {
	t.Helper()
	l, err := s.SearchDebtors(context.Background(), f.Tenant, doc, date.New(2026, 11, 24), 1)
	if err != nil || len(l) != 1 {
		t.Fatalf("debtor %s: %v %v", doc, l, err)
	}
	return l[0].ID
}
