package negotiation_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/negotiation"
	"github.com/regua/regua/internal/negotiation/negotiationtest"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// TestPayInstallmentPlansReceipt: a manual payment of an agreement
// installment (`regua agreement pay`) plans the same "payment received"
// receipt as a PIX or CNAB booking, once per payment, however often it
// is sent.
func TestPayInstallmentPlansReceipt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := storetest.NewFixture(t, db, "receipt")
		svc := &negotiation.Service{Store: db}
		jose, _ := storetest.FixtureDebts(t, db, f.Tenant, "52998224725")
		acc := negotiationtest.AcceptInstallments(t, svc, f.Tenant, jose, "52998224725", date.Of(time.Now().UTC()))
		ag := acc.Agreement
		first := ag.Installments[0]
		paidAt := time.Now().UTC().Truncate(time.Second)
		for _, tc := range []struct {
			name     string
			ref      string
			amount   int64
			dup      bool
			receipts int
		}{
			{"first payment", "cx-1", 1000, false, 1},
			{"the same receipt again", "cx-1", 1000, true, 1},
			{"a second payment", "cx-2", 500, false, 2},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ap, dup, err := svc.PayInstallment(ctx, f.Tenant, ag.ID, first.Number, domain.Payment{Source: domain.PaidManual, SourceRef: tc.ref, Amount: money.Money(tc.amount), PaidAt: paidAt})
				if err != nil || dup != tc.dup {
					t.Fatalf("pay: %+v dup=%v %v", ap, dup, err)
				}
				at, err := db.AttemptsOfDebtor(ctx, f.Tenant, jose, 500)
				if err != nil {
					t.Fatal(err)
				}
				var mine *store.Attempt
				n := 0
				for i, a := range at {
					if a.Template != "payment_receipt" {
						continue
					}
					n++
					if a.StepID == "receipt-"+strconv.FormatInt(ap.PaymentID, 10) {
						mine = &at[i]
					}
				}
				if n != tc.receipts || mine == nil {
					t.Fatalf("%d receipts (want %d), this payment's: %v", n, tc.receipts, mine)
				}
				var p journey.Payload
				if err := json.Unmarshal(mine.Payload, &p); err != nil {
					t.Fatal(err)
				}
				if p.Receipt == nil || len(p.Receipt.PaymentIDs) != 1 || p.Receipt.PaymentIDs[0] != ap.PaymentID {
					t.Fatalf("receipt payload %s", mine.Payload)
				}
				// What dispatch reads of the payment when it sends it.
				facts, err := db.SendFacts(ctx, f.Tenant, []store.Attempt{*mine}, "", time.Now())
				if err != nil {
					t.Fatal(err)
				}
				l := facts.Receipts[ap.PaymentID]
				if mine.Channel != "email" || mine.Status != store.AttemptPlanned || l.AgreementID != ag.ID || l.Number != first.Number || l.Contract != "" ||
					l.Source != "manual" || l.PaymentID != ap.PaymentID || l.Amount != money.Money(tc.amount) || !l.PaidAt.Equal(paidAt) {
					t.Errorf("receipt: %s %s %s, payment %+v", mine.Channel, mine.Status, mine.Payload, l)
				}
			})
		}
	})
}
