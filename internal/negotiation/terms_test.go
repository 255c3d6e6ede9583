package negotiation

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/offer"
	"github.com/regua/regua/internal/store"
)

func sampleAgreement(t testing.TB) offer.Agreement {
	t.Helper()
	asOf := date.New(2026, 11, 24)
	debt := charge.Debt{ID: "7", Product: "retail", Terms: DefaultTerms(store.DebtDetail{}),
		Installments: []charge.Installment{{Number: 1, Due: date.New(2026, 8, 10), Amount: 120000}, {Number: 2, Due: date.New(2026, 9, 10), Amount: 120000}}}
	set := offer.DemoPolicies()
	m, err := offer.GenerateWith(offer.Request{Debtor: offer.Debtor{ID: "1"}, Debts: []charge.Debt{debt}, AsOf: asOf}, &set[0])
	if err != nil {
		t.Fatal(err)
	}
	var o *offer.Offer
	for i := range m.Offers {
		if m.Offers[i].Kind == offer.KindInstallments {
			o = &m.Offers[i]
			break
		}
	}
	a, err := m.Accept(o.ID, offer.Acceptance{Who: "1", WhoKind: "debtor", Channel: offer.ChannelPortal, At: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC), Locale: "pt-BR", Text: m.Text(o, "pt-BR")})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The terms stored with an agreement read back to the same agreement, so a
// breach evaluated months later uses exactly what was accepted.
func TestStoredTermsRoundTrip(t *testing.T) {
	a := sampleAgreement(t)
	doc, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	back, err := engineAgreement(store.Agreement{ID: 1, Doc: doc})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(doc) || back.Debts[0].Open != a.Debts[0].Open || back.Discount != a.Discount {
		t.Fatalf("round trip differs:\n%s\n%s", doc, again)
	}
	late := a.Installments[len(a.Installments)-1].Due.AddDays(90)
	pays := []charge.Payment{{Date: a.Installments[0].Due, Amount: a.Installments[0].OnTime}}
	s1, err1 := a.Evaluate(pays, late)
	s2, err2 := back.Evaluate(pays, late)
	if err1 != nil || err2 != nil || s1.State != offer.StateBroken || s1.State != s2.State || s1.Paid != s2.Paid || s1.BrokenOn != s2.BrokenOn {
		t.Errorf("evaluate: %+v %v / %+v %v", s1, err1, s2, err2)
	}
	r1, _ := a.Restore(s1)
	r2, _ := back.Restore(s2)
	if len(r1) != 1 || r1[0] != r2[0] {
		t.Errorf("restore: %+v / %+v", r1, r2)
	}
	for _, bad := range []string{`{}`, `null`, `{"installments":[{"number":1}]}`, `{"debts":[{"open":{"bogus":"1"}}]}`, `[`} {
		if _, err := engineAgreement(store.Agreement{ID: 2, Doc: json.RawMessage(bad)}); err == nil {
			t.Errorf("%s read as terms", bad)
		}
	}
}

// FuzzStoredTerms: whatever a damaged row holds, reading it errs or yields
// terms with installments and debts; it never panics.
func FuzzStoredTerms(f *testing.F) {
	doc, _ := json.Marshal(sampleAgreement(f))
	f.Add(doc)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"installments":[{"number":0,"due":"2026-12-01","amount":"10.00"}],"debts":[{"debt_id":"1","open":{"principal":"5.00"}}]}`))
	f.Add([]byte(`{"debts":[{"open":{"fine":"-1"}}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := engineAgreement(store.Agreement{ID: 1, Doc: b})
		if err == nil && (len(a.Installments) == 0 || len(a.Debts) == 0) {
			t.Fatalf("accepted terms without installments or debts: %s", b)
		}
		if err == nil {
			a.Evaluate(nil, date.New(2027, 1, 1))
		}
	})
}
