package plan

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

type goldenRow struct{ interest, amort, balance string }

// Worked Price tables published on the web, re-computed here by hand rules.
// Published spreadsheets carry unrounded balances, so their later rows can
// drift a centavo or two from a table that rounds every row (as this package
// does, and as a boleto must); the rows compared below are the ones where
// both conventions agree, and the totals are compared within n centavos.
var goldenTables = []struct {
	source        string
	amount        string
	n             int
	rate          string
	pmt           string
	rows          []goldenRow
	totalInterest string
}{
	{
		// "Tabela Price": R$ 30.000,00 in 12 installments at 1,5% a.m. (Marcos
		// Noé, mundoeducacao.com/matematica/tabela-price.htm, reproduced at
		// trabalhosfeitos.com/ensaios/Tabela-Price-Momento-1/72589624.html).
		source: "mundoeducacao", amount: "30.000,00", n: 12, rate: "1,5%am", pmt: "2.750,40",
		rows: []goldenRow{{"450,00", "2.300,40", "27.699,60"}, {"415,49", "2.334,91", "25.364,69"}},
	},
	{
		// "Financiamento Price, taxa 10% am, 4 meses", R$ 10.000,00
		// (pt.scribd.com/document/622149570): installment 3.154,71, total
		// interest 2.618,83.
		source: "scribd 622149570", amount: "10.000,00", n: 4, rate: "10%am", pmt: "3.154,71",
		rows:          []goldenRow{{"1.000,00", "2.154,71", "7.845,29"}, {"784,53", "2.370,18", "5.475,11"}},
		totalInterest: "2.618,83",
	},
	{
		// R$ 70.000,00 at 24% a.a. nominal (2% a.m.) in 5 months
		// (passeidireto.com/arquivo/92812089/tabela-price-e-sac): every row
		// matches, total interest 4.255,44 on the sheet (4.255,45 summing
		// its rounded rows).
		source: "passeidireto 92812089 (a)", amount: "70.000,00", n: 5, rate: "2%am", pmt: "14.851,09",
		rows: []goldenRow{{"1.400,00", "13.451,09", "56.548,91"}, {"1.130,98", "13.720,11", "42.828,80"},
			{"856,58", "13.994,51", "28.834,29"}, {"576,69", "14.274,40", "14.559,89"}, {"291,20", "14.559,89", "0,00"}},
		totalInterest: "4.255,44",
	},
	{
		// R$ 80.000,00 at 12% a.a. nominal (1% a.m.) in 8 months, same source.
		source: "passeidireto 92812089 (b)", amount: "80.000,00", n: 8, rate: "1%am", pmt: "10.455,22",
		rows:          []goldenRow{{"800,00", "9.655,22", "70.344,78"}},
		totalInterest: "3.641,79",
	},
}

func TestGoldenPriceTables(t *testing.T) {
	for _, g := range goldenTables {
		s, err := Build(Request{Amount: money.MustParse(g.amount), N: g.n, Rate: rate.MustParse(g.rate), First: date.MustParse("2026-01-10")})
		if err != nil {
			t.Fatalf("%s: %v", g.source, err)
		}
		if s.Installment != money.MustParse(g.pmt) {
			t.Errorf("%s: installment %s, want %s", g.source, s.Installment.Format("pt-BR"), g.pmt)
		}
		for k, w := range g.rows {
			r := s.Rows[k]
			if r.Interest != money.MustParse(w.interest) || r.Amortisation != money.MustParse(w.amort) || r.Balance != money.MustParse(w.balance) {
				t.Errorf("%s row %d: interest %s amort %s balance %s, want %s %s %s", g.source, k+1,
					r.Interest.Format("pt-BR"), r.Amortisation.Format("pt-BR"), r.Balance.Format("pt-BR"), w.interest, w.amort, w.balance)
			}
		}
		if g.totalInterest != "" {
			if d := (s.TotalInterest - money.MustParse(g.totalInterest)).Abs(); d > money.Money(g.n) {
				t.Errorf("%s: total interest %s, published %s", g.source, s.TotalInterest.Format("pt-BR"), g.totalInterest)
			}
		}
	}
}

// The CLI example of the issue, computed by hand: 1.200,00 × 0,025 × 1,025⁶ /
// (1,025⁶ − 1) = 217,858… → 217,86.
func TestIssueExample(t *testing.T) {
	s, err := Build(Request{Amount: money.MustParse("1200,00"), N: 6, Rate: rate.MustParse("2,5%am"), First: date.MustParse("2026-12-10")})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ due, inst, interest, amort, bal string }{
		{"2026-12-10", "217,86", "30,00", "187,86", "1.012,14"},
		{"2027-01-10", "217,86", "25,30", "192,56", "819,58"},
		{"2027-02-10", "217,86", "20,49", "197,37", "622,21"},
		{"2027-03-10", "217,86", "15,56", "202,30", "419,91"},
		{"2027-04-10", "217,86", "10,50", "207,36", "212,55"},
		{"2027-05-10", "217,86", "5,31", "212,55", "0,00"},
	}
	for k, w := range want {
		r := s.Rows[k]
		if r.Due.String() != w.due || r.Installment != money.MustParse(w.inst) || r.Interest != money.MustParse(w.interest) ||
			r.Amortisation != money.MustParse(w.amort) || r.Balance != money.MustParse(w.bal) {
			t.Errorf("row %d = %+v, want %+v", k+1, r, w)
		}
	}
	if s.Total != money.MustParse("1.307,16") || s.TotalInterest != money.MustParse("107,16") {
		t.Errorf("total %s interest %s", s.Total, s.TotalInterest)
	}
}

func TestZeroRateLastAbsorbs(t *testing.T) {
	s, err := Build(Request{Amount: money.MustParse("100,00"), N: 3, First: date.MustParse("2026-12-10")})
	if err != nil {
		t.Fatal(err)
	}
	got := []money.Money{s.Rows[0].Installment, s.Rows[1].Installment, s.Rows[2].Installment}
	if got[0] != 3333 || got[1] != 3333 || got[2] != 3334 || s.TotalInterest != 0 || s.Total != 10000 {
		t.Errorf("zero-rate 100,00/3 = %v total %s", got, s.Total)
	}
}

func TestBusinessDaysAndOnTimeDiscount(t *testing.T) {
	// 2027-01-10 is a Sunday, 2027-04-10 a Saturday.
	holiday := date.MustParse("2027-01-11")
	cal := func(d date.Date) bool { return WeekendsOff(d) && d != holiday }
	s, err := Build(Request{Amount: money.MustParse("1200,00"), N: 6, Rate: rate.MustParse("2,5%am"),
		First: date.MustParse("2026-12-10"), Calendar: cal, OnTimeDiscount: rate.MustParse("5%")})
	if err != nil {
		t.Fatal(err)
	}
	if s.Rows[1].Due.String() != "2027-01-12" || s.Rows[4].Due.String() != "2027-04-12" || s.Rows[0].Due.String() != "2026-12-10" {
		t.Errorf("due dates %v %v %v", s.Rows[0].Due, s.Rows[1].Due, s.Rows[4].Due)
	}
	// 5% of 217,86 = 10,893 → 10,89 off (rounded down: never more than the policy).
	if s.Rows[0].OnTime != money.MustParse("206,97") {
		t.Errorf("on-time amount %s", s.Rows[0].OnTime)
	}
	// A 31st first due date stays at month ends.
	s, _ = Build(Request{Amount: 30000, N: 3, First: date.MustParse("2027-01-31")})
	if s.Rows[1].Due.String() != "2027-02-28" || s.Rows[2].Due.String() != "2027-03-31" {
		t.Errorf("month-end dues %v %v", s.Rows[1].Due, s.Rows[2].Due)
	}
}

func TestYearlyRateConverted(t *testing.T) {
	s, err := Build(Request{Amount: money.MustParse("1000,00"), N: 12, Rate: rate.MustParse("26,8%aa"), First: date.MustParse("2026-12-10")})
	if err != nil {
		t.Fatal(err)
	}
	// (1,268)^(1/12) − 1 = 1,99837…% a.m.
	if got := s.MonthlyRate.Format("pt-BR"); got[:6] != "1,9983" {
		t.Errorf("monthly equivalent of 26,8%%aa = %s", got)
	}
}

func TestBadInputs(t *testing.T) {
	first := date.MustParse("2026-12-10")
	tests := []struct {
		name string
		req  Request
		want error
	}{
		{"negative", Request{Amount: -100, N: 3, First: first}, ErrAmount},
		{"zero amount", Request{Amount: 0, N: 3, First: first}, ErrAmount},
		{"zero installments", Request{Amount: 100, N: 0, First: first}, ErrInstallments},
		{"too many", Request{Amount: 100, N: MaxInstallments + 1, First: first}, ErrInstallments},
		{"no date", Request{Amount: 100, N: 3}, ErrDate},
		{"flat rate", Request{Amount: 100, N: 3, First: first, Rate: rate.MustParse("2%")}, ErrRate},
		{"overflow", Request{Amount: money.Money(1 << 62), N: 1, First: first, Rate: rate.MustParse("100%am")}, money.ErrOverflow},
	}
	for _, tt := range tests {
		_, err := Build(tt.req)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
		}
	}
}

// Properties over random plans: installments sum to amount plus interest,
// present value at the plan rate is the amount within a centavo per
// installment, no negative amounts, the same input gives the same table.
func TestPlanProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for it := 0; it < 2000; it++ {
		req := Request{
			Amount: money.Money(1 + rng.Int64N(100_000_000)),
			N:      1 + rng.IntN(60),
			First:  date.New(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(31)),
		}
		if rng.IntN(4) > 0 {
			req.Rate, _ = rate.New(rng.Int64N(rate.Scale/10), rate.Monthly) // up to 10% a.m.
		}
		if rng.IntN(4) == 0 { // pay what you can: a fixed installment at least the Price one
			pmt, _ := Installment(req.Amount, req.N, req.Rate)
			if req.Rate.IsZero() && req.Amount%money.Money(req.N) != 0 {
				pmt++ // zero rate: A/n rounded down; a fixed plan needs it rounded up
			}
			req.Fixed = pmt + money.Money(rng.Int64N(1000))
		}
		s, err := Build(req)
		if err != nil {
			t.Fatalf("%+v: %v", req, err)
		}
		if s.N > req.N || s.N != len(s.Rows) {
			t.Fatalf("%+v: %d rows for at most %d", req, len(s.Rows), req.N)
		}
		var sum, interest, amort money.Money
		for _, r := range s.Rows {
			if r.Installment < 0 || r.Interest < 0 || r.Amortisation < 0 || r.Balance < 0 || r.OnTime < 0 {
				t.Fatalf("%+v: negative amount in %+v", req, r)
			}
			sum += r.Installment
			interest += r.Interest
			amort += r.Amortisation
		}
		if sum != s.Total || amort != req.Amount || sum != req.Amount+interest || interest != s.TotalInterest {
			t.Fatalf("%+v: sum %d amort %d interest %d total %d", req, sum, amort, interest, s.Total)
		}
		if s.Rows[len(s.Rows)-1].Balance != 0 {
			t.Fatalf("%+v: balance left %d", req, s.Rows[len(s.Rows)-1].Balance)
		}
		diff := new(big.Rat).Sub(s.PresentValue(), new(big.Rat).SetInt64(req.Amount.Cents()))
		if diff.Abs(diff).Cmp(big.NewRat(int64(s.N), 1)) > 0 {
			f, _ := diff.Float64()
			t.Fatalf("%+v: PV differs from amount by %.4f centavos", req, f)
		}
		again, _ := Build(req)
		for k := range s.Rows {
			if again.Rows[k] != s.Rows[k] {
				t.Fatalf("%+v: not deterministic at row %d", req, k+1)
			}
		}
	}
}

// A fixed 100,00 a month on 500,00 at 2% a.m.: interest 10,00, 8,20, 6,36,
// 4,49, 2,58 (balances 410,00, 318,20, 224,56, 129,05, 31,63) and a last
// installment of 31,63 + 0,63 = 32,26.
func TestFixedInstallment(t *testing.T) {
	s, err := Build(Request{Amount: money.MustParse("500,00"), N: 12, Rate: rate.MustParse("2%am"), First: date.MustParse("2026-12-10"), Fixed: money.MustParse("100,00")})
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 6 || s.Installment != 10000 || s.Rows[5].Installment != money.MustParse("32,26") || s.Rows[5].Balance != 0 || s.Total != s.Amount+s.TotalInterest {
		t.Fatalf("fixed plan %+v", s)
	}
	if _, err := Build(Request{Amount: money.MustParse("500,00"), N: 5, Rate: rate.MustParse("2%am"), First: date.MustParse("2026-12-10"), Fixed: money.MustParse("100,00")}); !errors.Is(err, ErrInstallments) {
		t.Errorf("too few installments: %v", err)
	}
	if _, err := Build(Request{Amount: money.MustParse("500,00"), N: 60, Rate: rate.MustParse("2%am"), First: date.MustParse("2026-12-10"), Fixed: money.MustParse("10,00")}); !errors.Is(err, ErrAmount) {
		t.Errorf("installment below the interest: %v", err)
	}
}

func TestSmallestN(t *testing.T) {
	n, err := SmallestN(money.MustParse("1200,00"), money.MustParse("220,00"), rate.MustParse("2,5%am"), 24)
	if err != nil || n != 6 {
		t.Errorf("SmallestN = %d, %v; want 6 (217,86 ≤ 220,00 < 5 installments' 258,29)", n, err)
	}
	n, err = SmallestN(money.MustParse("100,00"), money.MustParse("33,33"), rate.Rate{}, 10)
	if err != nil || n != 4 {
		t.Errorf("zero-rate SmallestN = %d, %v; want 4 (33,34 > 33,33 in 3)", n, err)
	}
	if _, err := SmallestN(money.MustParse("1200,00"), money.MustParse("10,00"), rate.MustParse("2,5%am"), 24); err == nil {
		t.Error("impossible plan accepted")
	}
}

func TestCost(t *testing.T) {
	// A Price plan starting one month before its first installment costs its
	// own rate: effective monthly 2,5%, CET (1,025)^(365/30·…) ≈ 34,9% a.a.
	start := date.MustParse("2026-11-10")
	s, _ := Build(Request{Amount: money.MustParse("1200,00"), N: 6, Rate: rate.MustParse("2,5%am"), First: start.AddMonths(1)})
	flows := make([]Flow, len(s.Rows))
	for k, r := range s.Rows {
		flows[k] = Flow{r.Due, r.Installment}
	}
	c, err := CostOf(s.Amount, start, flows)
	if err != nil {
		t.Fatal(err)
	}
	m := float64(c.EffectiveMonthly.Units()) / float64(rate.Scale)
	if m < 0.0245 || m > 0.0255 {
		t.Errorf("effective monthly %s, want about 2,5%%", c.EffectiveMonthly)
	}
	y := float64(c.CETYearly.Units()) / float64(rate.Scale)
	if y < 0.33 || y > 0.36 {
		t.Errorf("CET %s, want about 34,5%% a.a.", c.CETYearly)
	}
	// Bacen's CET example (Res. CMN 3.517/2007 FAQ, quoted at
	// trabalhosfeitos.com/ensaios/Custo-Efetivo-Da-Folha-De-Pagamento/689429):
	// R$ 940,00 received, 5 monthly × R$ 205,73 → 3,08% a.m.; the FAQ's
	// 43,93% a.a. is (1,0308)^12 − 1, while the resolution's day-count
	// formula with 30-day periods gives (1,0308)^(365/30) − 1 ≈ 44,6%.
	start = date.MustParse("2027-01-01")
	flows = flows[:0]
	for k := 1; k <= 5; k++ {
		flows = append(flows, Flow{start.AddDays(30 * k), money.MustParse("205,73")})
	}
	c, _ = CostOf(money.MustParse("940,00"), start, flows)
	if got := c.EffectiveMonthly.Format("pt-BR"); got[:4] != "3,08" {
		t.Errorf("Bacen example monthly %s, want 3,08%%", got)
	}
	y = float64(c.CETYearly.Units()) / float64(rate.Scale)
	if y < 0.443 || y > 0.449 {
		t.Errorf("Bacen example CET %s, want about 44,6%% a.a.", c.CETYearly)
	}
	c, _ = CostOf(money.MustParse("1000,00"), start, []Flow{{start.AddMonths(1), money.MustParse("900,00")}})
	if !c.CETYearly.IsZero() {
		t.Errorf("discounted plan has cost %s", c.CETYearly)
	}
}

func BenchmarkBuild12(b *testing.B) {
	req := Request{Amount: money.MustParse("5432,10"), N: 12, Rate: rate.MustParse("1,99%am"), First: date.MustParse("2026-12-10"), Calendar: WeekendsOff}
	for b.Loop() {
		if _, err := Build(req); err != nil {
			b.Fatal(err)
		}
	}
}
