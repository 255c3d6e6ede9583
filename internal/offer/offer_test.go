package offer

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/afford"
	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/plan"
)

func loadPolicy(t testing.TB) Set {
	t.Helper()
	f, err := os.Open("testdata/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := ParsePolicies(f)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func rp(s string) *rate.Rate { r := rate.MustParse(s); return &r }

func issueDebt() []charge.Debt {
	caps, _ := charge.Preset("br-consumer")
	return []charge.Debt{{ID: "C-1", Terms: charge.Terms{Fine: rate.MustParse("2%"), Interest: rp("1%am"), Caps: caps},
		Installments: []charge.Installment{{Number: 1, Due: date.MustParse("2026-05-10"), Amount: money.MustParse("1500,00")}}}}
}

// The issue's example: 1.500,00 due 10/05/2026 as of 24/11/2026 owes
// 1.500 + 30 fine + 99 interest = 1.629,00. Full payment drops the fine and
// 90% of the interest (89,10): 1.539,90, due on the first business day
// three days on (27/11/2026, a Friday). That is 1.509,90, a saving of 119,10.
func TestIssueMenu(t *testing.T) {
	m, err := Generate(Request{Debtor: Debtor{ID: "D-1"}, Debts: issueDebt(), AsOf: date.MustParse("2026-11-24")}, loadPolicy(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.Owed != money.MustParse("1629,00") || m.PolicyID != "default" || m.PolicyVersion != 3 {
		t.Fatalf("owed %s policy %s v%d", m.Owed, m.PolicyID, m.PolicyVersion)
	}
	full := m.Offers[0]
	if full.Kind != KindFull || full.Total != money.MustParse("1509,90") || full.Saving != money.MustParse("119,10") || full.Due.String() != "2026-11-27" || full.ValidUntil.String() != "2026-11-29" {
		t.Fatalf("full offer %+v", full)
	}
	// Plans: negotiated = 1.500 + 49,50 (half the interest) = 1.549,50;
	// entrada 10% rounded up = 154,95; 1.394,55 financed at 1,99% a.m.
	var plans []Offer
	for _, o := range m.Offers {
		if o.Kind == KindInstallments {
			plans = append(plans, o)
		}
	}
	if len(plans) != 3 || plans[0].Plan.N != 3 || plans[2].Plan.N != 12 {
		t.Fatalf("plans %d: %+v", len(plans), plans)
	}
	p := plans[0]
	if p.Negotiated != money.MustParse("1549,50") || p.DownPayment != money.MustParse("154,95") || p.Plan.Amount != money.MustParse("1394,55") {
		t.Fatalf("plan 3: negotiated %s down %s financed %s", p.Negotiated, p.DownPayment, p.Plan.Amount)
	}
	// 1.394,55 × 0,0199 × 1,0199³ / (1,0199³ − 1) = 483,4725… → 483,47.
	if p.Plan.Installment != money.MustParse("483,47") {
		t.Errorf("plan 3 installment %s", p.Plan.Installment)
	}
	if p.Plan.Rows[0].Due.String() != "2026-12-28" { // 27/12/2026 is a Sunday
		t.Errorf("first plan due %s", p.Plan.Rows[0].Due)
	}
	// Due-date change is only for a first short delay; 198 days is not.
	if len(m.Excluded) == 0 || m.Excluded[0].Kind != KindDueDateChange {
		t.Errorf("excluded %+v", m.Excluded)
	}
	// Every offer's text states its total.
	for _, o := range m.Offers {
		for _, loc := range []string{"pt-BR", "es", "en"} {
			if txt := m.Text(&o, loc); !strings.Contains(txt, o.Total.Format(loc)) {
				t.Errorf("%s text lacks total: %s", loc, txt)
			}
		}
	}
}

func TestDueDateChangeAndAffordability(t *testing.T) {
	debts := issueDebt()
	debts[0].Installments[0].Due = date.MustParse("2026-11-10")
	budget := afford.Budget{Income: money.MustParse("1500,00"), Essential: money.MustParse("500,00"), Committed: money.MustParse("500,00")}
	req := Request{Debtor: Debtor{ID: "D-2", Budget: &budget}, Debts: debts, AsOf: date.MustParse("2026-11-24")}
	set := loadPolicy(t)
	m, err := Generate(req, set)
	if err != nil {
		t.Fatal(err)
	}
	var ddc *Offer
	for i := range m.Offers {
		if m.Offers[i].Kind == KindDueDateChange {
			ddc = &m.Offers[i]
		}
	}
	// New date 04/12/2026; 24 days late then: fine waived, interest 1.500 × 1% × 24/30 = 12,00.
	if ddc == nil || ddc.Due.String() != "2026-12-04" || ddc.Total != money.MustParse("1512,00") {
		t.Fatalf("due-date change %+v", ddc)
	}
	// Capacity 1.500 − 500 − 600 = 400: the 3-installment plan does not fit.
	if m.Capacity == nil || m.Capacity.Capacity != money.MustParse("400,00") {
		t.Fatalf("capacity %+v", m.Capacity)
	}
	for _, o := range m.Offers {
		if o.Kind == KindInstallments && o.Plan.N == 3 && (o.Affordable == nil || *o.Affordable) {
			t.Errorf("3 installments marked affordable: %+v", o)
		}
		if o.Kind == KindPayWhatYouCan && (o.Plan.Installment > money.MustParse("400,00") || o.Affordable == nil || !*o.Affordable) {
			t.Errorf("pay what you can above capacity: %+v", o.Plan.Installment)
		}
	}
	// Unaffordable offers rank after affordable ones.
	seenUnaffordable := false
	for _, o := range m.Offers {
		bad := o.Affordable != nil && !*o.Affordable
		if seenUnaffordable && !bad {
			t.Errorf("affordable offer %d ranked after an unaffordable one", o.Rank)
		}
		seenUnaffordable = seenUnaffordable || bad
	}
	// With exclude they leave the menu and the agent sees why.
	set[0].Affordability = AffordExclude
	m, _ = Generate(req, set)
	found := false
	for _, e := range m.Excluded {
		found = found || (e.Kind == KindInstallments && e.N == 3 && e.Code == ExUnaffordable && strings.Contains(e.Text("pt-BR"), "mínimo existencial") && strings.Contains(e.Text("es"), "capacidad"))
	}
	if !found {
		t.Errorf("excluded %+v", m.Excluded)
	}
}

func TestPolicySelection(t *testing.T) {
	thirty, ninety := 30, 90
	set := Set{
		{ID: "any", Version: 1, ValidityDays: 1},
		{ID: "acme", Version: 1, Creditor: "acme", ValidityDays: 1},
		{ID: "acme-early", Version: 1, Creditor: "acme", Segment: "early", Match: Match{MaxDPD: &thirty}, ValidityDays: 1},
		{ID: "late", Version: 1, Creditor: "acme", Segment: "early", Match: Match{MinDPD: &ninety}, ValidityDays: 1},
	}
	for i := range set {
		if err := set[i].Validate(); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		s    Situation
		want string
	}{
		{Situation{Creditor: "other"}, "any"},
		{Situation{Creditor: "ACME", DPD: 200}, "acme"},
		{Situation{Creditor: "acme", Segment: "early", DPD: 10}, "acme-early"},
		{Situation{Creditor: "acme", Segment: "early", DPD: 120}, "late"},
		{Situation{Creditor: "acme", Segment: "early", DPD: 60}, "acme"},
	}
	for _, tt := range tests {
		p, err := set.Select(tt.s)
		if err != nil || p.ID != tt.want {
			t.Errorf("Select(%+v) = %v, %v; want %s", tt.s, p, err, tt.want)
		}
	}
	if _, err := set[1:].Select(Situation{Creditor: "other"}); err == nil {
		t.Error("no policy should match")
	}
}

func TestParsePoliciesErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{`, "policy file"},
		{`[]`, "policy file"},
		{`{"policies": []}`, "no policies"},
		{`{"id": "x", "version": 1, "validity_days": 5, "typo": 1}`, "unknown field"},
		{`{"version": 1, "validity_days": 5}`, "id is required"},
		{`{"id": "x", "version": 0, "validity_days": 5}`, "version"},
		{`{"id": "x", "version": 1, "validity_days": 0}`, "validity_days"},
		{`{"id": "x", "version": 1, "validity_days": 5, "full_payment": {"fine": "120%"}}`, "full_payment.fine"},
		{`{"id": "x", "version": 1, "validity_days": 5, "full_payment": {"fine": "2%am"}}`, "full_payment.fine"},
		{`{"id": "x", "version": 1, "validity_days": 5, "installments": {"max_n": 700}}`, "installments.max_n"},
		{`{"id": "x", "version": 1, "validity_days": 5, "installments": {"max_n": 6, "options": [12]}}`, "installments.options"},
		{`{"id": "x", "version": 1, "validity_days": 5, "installments": {"max_n": 6, "rate": "2%"}}`, "installments.rate"},
		{`{"id": "x", "version": 1, "validity_days": 5, "installments": {"max_n": 6, "min_installment": "-5,00"}}`, "min_installment"},
		{`{"id": "x", "version": 1, "validity_days": 5, "first_due": {"min_days": 9, "max_days": 3}}`, "first_due"},
		{`{"id": "x", "version": 1, "validity_days": 5, "approval": {"agent_extra": "20%", "supervisor_extra": "10%"}}`, "approval"},
		{`{"id": "x", "version": 1, "validity_days": 5, "affordability": "maybe"}`, "affordability"},
		{`{"id": "x", "version": 1, "validity_days": 5, "afford_rule": {"floor": "303,00"}}`, "mínimo existencial"},
		{`{"id": "x", "version": 1, "validity_days": 5, "breach": {"first_tolerance_days": -1}}`, "breach"},
		{`{"policies": [{"id": "x", "version": 1, "validity_days": 5}, {"id": "x", "version": 2, "validity_days": 5}]}`, "twice"},
		{`{"id": "x", "version": 1, "validity_days": 5, "installments": {"max_n": 6, "min_installment": 50}}`, "min_installment"},
	}
	for _, tt := range tests {
		_, err := ParsePolicies(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParsePolicies(%s) error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestBadRequests(t *testing.T) {
	set := loadPolicy(t)
	asOf := date.MustParse("2026-11-24")
	if _, err := Generate(Request{Debtor: Debtor{ID: "x"}, Debts: issueDebt(), AsOf: asOf, FirstDue: date.MustParse("2026-11-01")}, set); err == nil || !strings.Contains(err.Error(), "in the past") {
		t.Errorf("past first due: %v", err)
	}
	if _, err := Generate(Request{Debtor: Debtor{ID: "x"}, Debts: issueDebt(), AsOf: asOf, FirstDue: date.MustParse("2027-01-30")}, set); err == nil || !strings.Contains(err.Error(), "outside the policy window") {
		t.Errorf("first due outside window: %v", err)
	}
	bad := issueDebt()
	bad[0].Terms.Fine = rate.MustParse("10%")
	if _, err := Generate(Request{Debtor: Debtor{ID: "x"}, Debts: bad, AsOf: asOf}, set); !errors.Is(err, charge.ErrCap) {
		t.Errorf("fine over cap: %v", err)
	}
	paid := issueDebt()
	paid[0].Installments[0].Payments = []charge.Payment{{Date: date.MustParse("2026-05-10"), Amount: money.MustParse("1500,00")}}
	if _, err := Generate(Request{Debtor: Debtor{ID: "x"}, Debts: paid, AsOf: asOf}, set); err == nil || !strings.Contains(err.Error(), "owes nothing") {
		t.Errorf("nothing owed: %v", err)
	}
}

// Properties over random debts and policies: no offer breaks its policy, no
// negative amounts, totals add up, and the same input gives the same menu.
func TestMenuProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	caps, _ := charge.Preset("br-consumer")
	pct := func(max int64) rate.Rate { r, _ := rate.New(rng.Int64N(max*rate.Scale/100+1), rate.Flat); return r }
	disc := func() Discounts {
		return Discounts{Principal: pct(20), Correction: pct(100), Fine: pct(100), Interest: pct(100), Fees: pct(100)}
	}
	for it := 0; it < 300; it++ {
		asOf := date.New(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(28))
		p := Policy{ID: "p", Version: 1 + rng.IntN(5), Full: disc(), ValidityDays: 1 + rng.IntN(10), BusinessDays: rng.IntN(2) == 0,
			OnTimeDiscount: pct(5), FirstDue: Window{MinDays: rng.IntN(5), MaxDays: 5 + rng.IntN(10)},
			Approval:     Approval{AgentExtra: rate.MustParse("5%"), SupervisorExtra: rate.MustParse("10%")},
			Installments: InstallmentRules{Discounts: disc(), MaxN: rng.IntN(25), MinInstallment: money.Money(rng.Int64N(20000)), MinDownPayment: pct(30)}}
		if rng.IntN(3) > 0 {
			p.Installments.Rate, _ = rate.New(rng.Int64N(rate.Scale/20), rate.Monthly)
		}
		if rng.IntN(2) == 0 {
			p.DueDateChange = &DueDateChange{MaxDPD: 60, MaxRecurrence: 1, Days: 1 + rng.IntN(20), Discounts: disc()}
		}
		if rng.IntN(2) == 0 {
			p.PayWhatYouCan = &PayWhatYouCan{MinInstallment: money.Money(1000 + rng.Int64N(10000)), MaxN: 1 + rng.IntN(48)}
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("random policy invalid: %v", err)
		}
		var debts []charge.Debt
		for d := 0; d < 1+rng.IntN(4); d++ {
			terms := charge.Terms{Fine: pct(2), Interest: rp("1%am"), Caps: caps, Fees: []charge.Fee{{Name: "f", Amount: money.Money(rng.Int64N(500))}}}
			if rng.IntN(2) == 0 {
				terms.ContractRate, terms.RebateFuture = rp("3,5%am"), true
			}
			var ins []charge.Installment
			for k := 0; k < 1+rng.IntN(4); k++ {
				ins = append(ins, charge.Installment{Number: k + 1, Due: asOf.AddDays(90 - rng.IntN(490)), Amount: money.Money(100 + rng.Int64N(500_000))})
			}
			debts = append(debts, charge.Debt{ID: string(rune('A' + d)), Terms: terms, Installments: ins})
		}
		req := Request{Debtor: Debtor{ID: "d", Recurrence: rng.IntN(2)}, Debts: debts, AsOf: asOf}
		if rng.IntN(2) == 0 {
			req.Debtor.Budget = &afford.Budget{Income: money.Money(rng.Int64N(1_000_000)), Essential: money.Money(rng.Int64N(200_000))}
		}
		m, err := GenerateWith(req, &p)
		if err != nil {
			if strings.Contains(err.Error(), "owes nothing") {
				continue
			}
			t.Fatalf("policy %+v: %v", p, err)
		}
		checkMenu(t, &p, &m)
		checkAgreements(t, &m)
		again, _ := GenerateWith(req, &p)
		a, _ := json.Marshal(m)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Fatal("menu not deterministic")
		}
	}
}

func checkMenu(t *testing.T, p *Policy, m *Menu) {
	t.Helper()
	lo, hi := m.AsOf.AddDays(p.FirstDue.MinDays), m.AsOf.AddDays(p.FirstDue.MaxDays+4) // +4: a business-day shift over a long weekend
	for _, o := range m.Offers {
		var d Discounts
		switch o.Kind {
		case KindFull:
			d = p.Full
		case KindDueDateChange:
			d = p.DueDateChange.Discounts
		default:
			d = p.Installments.Discounts
		}
		for i, part := range charge.Parts {
			limit, _ := d.of(part).Of(o.Gross[i], money.Down)
			if o.Discount[i] < 0 || o.Discount[i] > limit {
				t.Fatalf("%s: %s discount %d over the policy's %d", o.Kind, part, o.Discount[i], limit)
			}
			if o.Gross[i] < 0 {
				t.Fatalf("%s: negative gross %v", o.Kind, o.Gross)
			}
		}
		gross, _ := o.Gross.Sum()
		var off money.Money
		for _, x := range o.Discount {
			off += x
		}
		if o.Negotiated != gross-off || o.Total <= 0 || o.DownPayment < 0 {
			t.Fatalf("%s: negotiated %d gross %d off %d total %d", o.Kind, o.Negotiated, gross, off, o.Total)
		}
		if o.Saving != m.Owed-o.Total || o.ValidUntil != m.AsOf.AddDays(p.ValidityDays) || o.PolicyVersion != p.Version {
			t.Fatalf("%s: saving/validity/version wrong: %+v", o.Kind, o)
		}
		if o.Plan == nil {
			if o.Total != o.Negotiated {
				t.Fatalf("%s: total %d negotiated %d", o.Kind, o.Total, o.Negotiated)
			}
			continue
		}
		if o.Total != o.Plan.Total+o.DownPayment || o.Plan.Amount+o.DownPayment != o.Negotiated {
			t.Fatalf("%s: total %d plan %d down %d", o.Kind, o.Total, o.Plan.Total, o.DownPayment)
		}
		wantRate := p.Installments.Rate
		if !wantRate.IsZero() {
			wantRate, _ = wantRate.Monthly(false)
		}
		if o.Plan.MonthlyRate.Units() != wantRate.Units() {
			t.Fatalf("%s: plan rate %s, policy %s", o.Kind, o.Plan.MonthlyRate, p.Installments.Rate)
		}
		if o.Due.Before(lo) || o.Due.After(hi) {
			t.Fatalf("%s: first due %s outside %s..%s", o.Kind, o.Due, lo, hi)
		}
		for _, r := range o.Plan.Rows {
			if r.Installment <= 0 || r.Interest < 0 || r.Amortisation < 0 || r.OnTime < 0 || r.OnTime > r.Installment {
				t.Fatalf("%s: bad row %+v", o.Kind, r)
			}
		}
		if o.Kind == KindInstallments {
			down, _ := p.Installments.MinDownPayment.Of(o.Negotiated, money.Up)
			if o.Plan.N < 2 || o.Plan.N > p.Installments.MaxN || minRow(*o.Plan) < p.Installments.MinInstallment || o.DownPayment < down {
				t.Fatalf("installments break policy: n %d (max %d), min row %d (min %d), down %d (min %d)",
					o.Plan.N, p.Installments.MaxN, minRow(*o.Plan), p.Installments.MinInstallment, o.DownPayment, down)
			}
			if m.Capacity != nil && p.Affordability == AffordExclude && o.Affordable != nil && !*o.Affordable {
				t.Fatal("unaffordable offer left in an exclude menu")
			}
		}
		if o.Kind == KindPayWhatYouCan && (o.Plan.N > p.PayWhatYouCan.MaxN || o.Plan.Installment < p.PayWhatYouCan.MinInstallment) {
			t.Fatalf("pay what you can breaks policy: n %d installment %d", o.Plan.N, o.Plan.Installment)
		}
	}
}

func TestExceptionApproval(t *testing.T) {
	m, err := Generate(Request{Debtor: Debtor{ID: "D-1"}, Debts: issueDebt(), AsOf: date.MustParse("2026-11-24")}, loadPolicy(t))
	if err != nil {
		t.Fatal(err)
	}
	full := &m.Offers[0] // 1.509,90 of 1.629,00 owed
	// 3% of 1.629 = 48,87 more: an agent may grant it.
	role, share, err := m.RequiredRole(full, full.Negotiated-4887)
	if err != nil || role != RoleAgent || share.String() != "3%" {
		t.Errorf("3%% extra: %s %s %v", role, share, err)
	}
	// 10% needs a supervisor; an agent is refused.
	target := full.Negotiated - 16290
	if _, err := m.Except(full, target, "u-7", RoleAgent); err == nil || !strings.Contains(err.Error(), "supervisor") {
		t.Errorf("agent granted 10%%: %v", err)
	}
	x, err := m.Except(full, target, "u-1", RoleSupervisor)
	if err != nil || x.Total != target || x.Exception == nil || x.Exception.ApprovedBy != "u-1" || x.ID == full.ID {
		t.Fatalf("supervisor exception: %+v %v", x, err)
	}
	// 20% is beyond every limit.
	if _, _, err := m.RequiredRole(full, full.Negotiated-32580); err == nil {
		t.Error("20% extra allowed")
	}
	// A plan with an exception keeps its n and rebuilds the schedule.
	var plan3 *Offer
	for i := range m.Offers {
		if m.Offers[i].Kind == KindInstallments && m.Offers[i].Plan.N == 3 {
			plan3 = &m.Offers[i]
		}
	}
	y, err := m.Except(plan3, plan3.Negotiated-5000, "u-7", RoleAgent)
	if err != nil || y.Plan.N != 3 || y.Plan.Amount+y.DownPayment != plan3.Negotiated-5000 {
		t.Fatalf("plan exception %+v %v", y, err)
	}
}

func TestPayWhatYouCanTyped(t *testing.T) {
	m, err := Generate(Request{Debtor: Debtor{ID: "D-1"}, Debts: issueDebt(), AsOf: date.MustParse("2026-11-24")}, loadPolicy(t))
	if err != nil {
		t.Fatal(err)
	}
	o, err := m.PayWhatYouCan(money.MustParse("100,00"))
	if err != nil {
		t.Fatal(err)
	}
	if o.Plan.Installment > money.MustParse("100,00") || o.Plan.N > 24 || o.Kind != KindPayWhatYouCan {
		t.Errorf("typed pay what you can: %d × %s", o.Plan.N, o.Plan.Installment)
	}
	if _, err := m.PayWhatYouCan(money.MustParse("10,00")); err == nil {
		t.Error("below the minimum accepted")
	}
	if _, err := m.PayWhatYouCan(money.MustParse("40,00")); err == nil {
		t.Error("a plan longer than 24 months accepted")
	}
}

func BenchmarkMenu10Debts(b *testing.B) {
	set := loadPolicy(b)
	caps, _ := charge.Preset("br-consumer")
	var debts []charge.Debt
	for i := 0; i < 10; i++ {
		debts = append(debts, charge.Debt{ID: "D" + string(rune('0'+i)), Terms: charge.Terms{Fine: rate.MustParse("2%"), Interest: rp("1%am"), Caps: caps},
			Installments: []charge.Installment{{Number: 1, Due: date.MustParse("2026-05-10").AddDays(7 * i), Amount: money.Money(50_000 + 7_919*i)}}})
	}
	req := Request{Debtor: Debtor{ID: "bench"}, Debts: debts, AsOf: date.MustParse("2026-11-24"), Calendar: plan.WeekendsOff}
	c0 := processCPU()
	for b.Loop() {
		if _, err := Generate(req, set); err != nil {
			b.Fatal(err)
		}
	}
	if c := processCPU() - c0; c > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func FuzzParsePolicies(f *testing.F) {
	seed, _ := os.ReadFile("testdata/policy.json")
	f.Add(string(seed))
	f.Add(`{"policies":[{"id":"a","version":1,"validity_days":3,"installments":{"max_n":6,"options":[2,6]}}]}`)
	f.Add(`{"id":"x","version":1,"validity_days":5,"full_payment":{"fine":"100%"}}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, s string) {
		set, err := ParsePolicies(strings.NewReader(s))
		if err != nil {
			return
		}
		for i := range set {
			if err := set[i].Validate(); err != nil {
				t.Fatalf("parsed policy fails validation: %v", err)
			}
		}
	})
}

// checkAgreements accepts every offer of a menu and checks the agreement:
// installments add up to the offer's total, paying each on its due date at
// the on-time amount settles it, paying nothing breaks it, and a breach
// returns no more than was owed.
func checkAgreements(t *testing.T, m *Menu) {
	t.Helper()
	for i := range m.Offers {
		o := &m.Offers[i]
		a, err := m.Accept(o.ID, Acceptance{Who: "d", WhoKind: "debtor", Channel: ChannelPortal,
			At: m.AsOf.In(time.UTC).Add(10 * time.Hour), Locale: "en", Text: m.Text(o, "en")})
		if err != nil {
			t.Fatalf("%s: accept: %v", o.Kind, err)
		}
		var sum money.Money
		var pays []charge.Payment
		last := m.AsOf
		for _, in := range a.Installments {
			sum += in.Amount
			pays = append(pays, charge.Payment{Date: in.Due, Amount: in.OnTime})
			last = in.Due
		}
		if sum != o.Total {
			t.Fatalf("%s: agreement installments %d, offer total %d", o.Kind, sum, o.Total)
		}
		st, err := a.Evaluate(pays, last.AddDays(1))
		if err != nil || st.State != StateSettled {
			t.Fatalf("%s: paid on time but %+v %v", o.Kind, st, err)
		}
		st, _ = a.Evaluate(nil, last.AddDays(400))
		if st.State != StateBroken || !st.FirstInstallment {
			t.Fatalf("%s: unpaid but %+v", o.Kind, st)
		}
		back, err := a.Restore(st)
		if err != nil {
			t.Fatal(err)
		}
		var owed, restored money.Money
		for _, d := range a.Debts {
			s, _ := d.Open.Sum()
			owed += s
		}
		for _, r := range back {
			restored += r.Total
		}
		if restored != owed {
			t.Fatalf("%s: nothing paid, restored %d of %d owed", o.Kind, restored, owed)
		}
	}
}

// Menus are built concurrently by web handlers and workers: the shared
// policy set and the plan factor cache must be safe (run with -race).
func TestGenerateConcurrent(t *testing.T) {
	set := loadPolicy(t)
	want, err := Generate(Request{Debtor: Debtor{ID: "D-1"}, Debts: issueDebt(), AsOf: date.MustParse("2026-11-24")}, set)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 20; i++ {
				m, err := Generate(Request{Debtor: Debtor{ID: "D-1"}, Debts: issueDebt(), AsOf: date.MustParse("2026-11-24")}, set)
				if err == nil && (len(m.Offers) != len(want.Offers) || m.Offers[1].ID != want.Offers[1].ID) {
					err = errors.New("different menu")
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
