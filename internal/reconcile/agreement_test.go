package reconcile_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/negotiation"
	"github.com/regua/regua/internal/negotiation/negotiationtest"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// TestAgreementInstallmentsBooked: a debtor accepts an installment
// agreement (acordo), gets a PIX code and a boleto for each installment,
// and pays them through every source — the PIX webhook, a CNAB return
// file, the API — each booked on its agreement installment (not queued),
// with the reminders of the installment cancelled, a "paid" event and a
// receipt; the debtor's pending promise is kept by the first payment and
// the agreement is settled by the last; each payment sent twice books once.
func TestAgreementInstallmentsBooked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := billedFixture(t, db, "agreement-e2e")
		svc := &negotiation.Service{Store: db}
		jose := debtorID(t, db, f, "52998224725")
		today := date.Of(time.Now().UTC())
		acc := negotiationtest.AcceptInstallments(t, svc, f.Tenant, jose, "52998224725", today)
		ag := acc.Agreement
		if len(ag.Installments) < 3 || acc.Reminders == 0 {
			t.Fatalf("agreement with %d installments, %d reminders", len(ag.Installments), acc.Reminders)
		}
		promise, err := svc.AddPromise(ctx, f.Tenant, negotiation.PromiseRequest{DebtorID: jose, Amount: 1000, Date: today.AddDays(5), Channel: "portal", Who: "agent:1"})
		if err != nil {
			t.Fatal(err)
		}

		opens, err := db.AgreementOpenAmounts(ctx, f.Tenant, jose, 0)
		if err != nil || len(opens) != len(ag.Installments) {
			t.Fatalf("agreement open amounts: %+v %v", opens, err)
		}
		is := &billing.Issuer{Store: db}
		var reqs []billing.Request
		for _, op := range opens {
			reqs = append(reqs, billing.Request{Open: op, Pix: true, Boleto: true})
		}
		issued, err := is.Issue(ctx, f.Tenant, reqs)
		if err != nil || len(issued) != len(opens) {
			t.Fatalf("issue: %d %v", len(issued), err)
		}

		r := &reconcile.Reconciler{Store: db, Batch: 2}
		sink := reconcile.PixSink{R: r, Tenant: f.Tenant}
		var boletos []cnab.Payment
		for i, iss := range issued {
			switch i % 3 {
			case 0: // PIX webhook
				p := pixapi.ReceivedPix{EndToEndID: fmt.Sprintf("E1234567820261203%014d", i), TxID: iss.Pix.TxID, Amount: iss.Pix.Amount, Time: time.Now()}
				for range 2 {
					if _, err := sink.BookPix(ctx, p); err != nil {
						t.Fatal(err)
					}
				}
			case 1: // CNAB return, below
				boletos = append(boletos, cnab.Payment{OurNumber: iss.Boleto.OurNumber, Amount: iss.Boleto.Amount, Due: iss.Boleto.DueDate.In(time.UTC), PaidOn: time.Now().UTC()})
			case 2: // the API, naming the agreement installment
				in := store.Incoming{Source: domain.PaidAPI, SourceRef: fmt.Sprintf("API-%d", i), Amount: opens[i].Amount, PaidAt: time.Now(), AgreementInstallmentID: opens[i].RefID}
				for range 2 {
					if _, err := r.Book(ctx, f.Tenant, []store.Incoming{in}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if i == 0 {
				// The first payment keeps the promise and cancels the
				// reminders of installment 1.
				p, _ := db.Promise(ctx, f.Tenant, promise.Promise.ID)
				if p.Status != store.PromiseKept {
					t.Errorf("promise after the first payment: %s", p.Status)
				}
				at, _ := db.AttemptsOfDebtor(ctx, f.Tenant, jose, 100)
				for _, a := range at {
					if a.StepID == fmt.Sprintf("agreement-%d-inst-%d-d-3", ag.ID, ag.Installments[0].Number) && a.Status != store.AttemptCancelled {
						t.Errorf("reminder of a paid installment is %s", a.Status)
					}
				}
			}
		}
		if len(boletos) > 0 {
			created := time.Now().UTC()
			path := writeReturn(t, created, boletos)
			res, err := r.ReturnFile(ctx, f.Tenant, path)
			if err != nil || res.Booked != len(boletos) || res.Queued != 0 {
				t.Fatalf("return file: %+v %v", res, err)
			}
			// The same settlements in another file (created a day later)
			// book nothing.
			other := writeReturn(t, created.AddDate(0, 0, 1), boletos)
			if res, err := r.ReturnFile(ctx, f.Tenant, other); err != nil || res.Booked != 0 || res.Duplicates != len(boletos) {
				t.Errorf("the same settlements again: %+v %v", res, err)
			}
		}

		if qi, _ := db.QueueItems(ctx, f.Tenant, "", 50); len(qi) != 0 {
			t.Errorf("queued: %+v", qi)
		}
		aps, _ := db.AgreementPayments(ctx, f.Tenant, ag.ID)
		if len(aps) != len(opens) {
			t.Errorf("%d agreement payments for %d installments", len(aps), len(opens))
		}
		got, err := db.Agreement(ctx, f.Tenant, ag.ID)
		if err != nil || got.Status != store.AgreementSettled {
			t.Errorf("agreement after its last installment: %s %v", got.Status, err)
		}
		for _, in := range got.Installments {
			if in.Status != domain.InstallmentPaid {
				t.Errorf("agreement installment %d is %s", in.Number, in.Status)
			}
		}
		v, _ := db.Debtor360(ctx, f.Tenant, jose, 200)
		for _, d := range v.Debts {
			if d.ID == ag.DebtIDs[0] && d.Status != domain.DebtSettled {
				t.Errorf("debt of the settled agreement is %s", d.Status)
			}
		}
		paid := 0
		for _, e := range v.Events {
			if e.Kind == domain.EventPaid {
				paid++
			}
		}
		if paid != len(opens) {
			t.Errorf("%d paid events for %d payments", paid, len(opens))
		}
		at, _ := db.AttemptsOfDebtor(ctx, f.Tenant, jose, 200)
		// One receipt per debtor for the payments booked together: every
		// payment is acknowledged once.
		acked, live := map[int64]int{}, 0
		for _, a := range at {
			if a.Template == journey.ReceiptTemplate {
				var p journey.Payload
				if err := json.Unmarshal(a.Payload, &p); err != nil || p.Receipt == nil {
					t.Fatalf("receipt payload %s: %v", a.Payload, err)
				}
				for _, id := range p.Receipt.PaymentIDs {
					acked[id]++
				}
			} else if a.Status == store.AttemptPlanned {
				live++
			}
		}
		twice := 0
		for _, n := range acked {
			if n != 1 {
				twice++
			}
		}
		if len(acked) != len(opens) || twice != 0 || live != 0 {
			t.Errorf("%d payments acknowledged (%d more than once) for %d payments, %d other attempts still planned", len(acked), twice, len(opens), live)
		}
		// The charge paid is marked paid (the API payment named none).
		for i, iss := range issued {
			id := iss.Pix.ID
			if i%3 == 1 {
				id = iss.Boleto.ID
			}
			if c, _ := db.Charge(ctx, f.Tenant, id); (c.Status == store.ChargePaid) != (i%3 != 2) {
				t.Errorf("charge %d of installment %d is %s", id, i, c.Status)
			}
		}
	})
}
