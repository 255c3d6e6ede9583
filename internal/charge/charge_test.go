package charge

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

func rp(s string) *rate.Rate { r := rate.MustParse(s); return &r }

func brConsumer() Caps { c, _ := Preset("br-consumer"); return c }

func oneDebt(t Terms, ins ...Installment) []Debt {
	return []Debt{{ID: "D1", Terms: t, Installments: ins}}
}

// The issue's example worked by hand: R$ 1.500,00 due 10/05/2026, as of
// 24/11/2026 (198 days), fine 2% = 30,00, simple interest 1% a.m. pro rata
// die = 1.500 × 0,01 × 198/30 = 99,00; total 1.629,00.
func TestIssueExample(t *testing.T) {
	terms := Terms{Fine: rate.MustParse("2%"), Interest: rp("1%am"), Caps: brConsumer()}
	b, err := Compute(oneDebt(terms, Installment{Number: 1, Due: date.MustParse("2026-05-10"), Amount: money.MustParse("1500,00")}), date.MustParse("2026-11-24"))
	if err != nil {
		t.Fatal(err)
	}
	if b.Open[Fine] != 3000 || b.Open[Interest] != 9900 || b.Total != money.MustParse("1629,00") || b.MaxDaysLate != 198 {
		t.Fatalf("open %v total %s days %d", b.Open, b.Total, b.MaxDaysLate)
	}
	words := strings.Join(b.Words("pt-BR"), "\n")
	for _, want := range []string{
		"Multa de 2% sobre R$ 1.500,00: R$ 30,00 (trinta reais).",
		"Juros de mora de 1% a.m. (simples, pro rata die) sobre R$ 1.500,00 por 198 dias, de 10/05/2026 a 24/11/2026: R$ 99,00 (noventa e nove reais).",
		"Total devido em 24/11/2026: R$ 1.629,00 (mil seiscentos e vinte e nove reais).",
	} {
		if !strings.Contains(words, want) {
			t.Errorf("pt-BR words lack %q:\n%s", want, words)
		}
	}
	en := strings.Join(b.Words("en"), "\n")
	if !strings.Contains(en, "Late fine of 2% on R$1,500.00: R$30.00 (thirty reais).") || !strings.Contains(en, "one thousand six hundred twenty-nine reais") {
		t.Errorf("en words:\n%s", en)
	}
	es := strings.Join(b.Words("es"), "\n")
	if !strings.Contains(es, "Intereses de mora de 1% mensual") || !strings.Contains(es, "mil seiscientos veintinueve reales") {
		t.Errorf("es words:\n%s", es)
	}
}

// Compound, convenção linear: 198 days = 6 months + 18 days;
// 1.500 × (1,01⁶ × 1,006 − 1) = 101,8339… → 101,83.
func TestCompoundInterest(t *testing.T) {
	terms := Terms{Interest: rp("1%am"), Method: Compound}
	b, err := Compute(oneDebt(terms, Installment{Number: 1, Due: date.MustParse("2026-05-10"), Amount: 150000}), date.MustParse("2026-11-24"))
	if err != nil || b.Open[Interest] != 10183 {
		t.Fatalf("compound interest %d, %v; want 10183", b.Open[Interest], err)
	}
}

// Correction by a loaded IPCA table over the 6 complete months since the due
// date (May–Oct 2026 values of this test table: 0,26 0,24 0,26 −0,11 0,48
// 0,09), factor 1,01225233…: correction 18,37; interest on the corrected
// 1.518,37 for 198 days: 100,21; total 1.500 + 18,37 + 30 + 100,21.
func TestCorrection(t *testing.T) {
	ix, err := ParseIndex("IPCA", strings.NewReader("mes;variacao\n2026-05;0,26\n2026-06;0,24\n2026-07;0,26%\n2026-08;-0,11\n2026-09;0,48\n2026-10;0,09\n"))
	if err != nil {
		t.Fatal(err)
	}
	terms := Terms{Fine: rate.MustParse("2%"), Interest: rp("1%am"), Correction: ix, Caps: brConsumer()}
	in := Installment{Number: 1, Due: date.MustParse("2026-05-10"), Amount: 150000}
	b, err := Compute(oneDebt(terms, in), date.MustParse("2026-11-24"))
	if err != nil {
		t.Fatal(err)
	}
	if b.Open[Correction] != 1837 || b.Open[Interest] != 10021 || b.Total != 164858 {
		t.Fatalf("open %v total %d", b.Open, b.Total)
	}
	if l := b.Installments[0].Lines[1]; l.Part != Correction || l.Months != 6 || !strings.HasPrefix(l.Factor, "1.0122523") {
		t.Errorf("correction line %+v", l)
	}
	// One more complete month needs November, which the table lacks.
	_, err = Compute(oneDebt(terms, in), date.MustParse("2026-12-10"))
	var mm *MissingMonthError
	if !errors.As(err, &mm) || mm.Month.String() != "2026-11" || !strings.Contains(err.Error(), "IPCA has no value for 2026-11") {
		t.Fatalf("missing month error = %v", err)
	}
}

// Contract silent on interest: the Taxa Legal table (0,5% a month in this
// test) runs simple and pro rata by the days of each calendar month:
// 1.500 × 0,005 × (22/31 + 30/30 + 31/31 + 31/31 + 30/30 + 31/31 + 23/30) = 48,57.
func TestLegalRate(t *testing.T) {
	legal := NewIndex("Taxa Legal")
	for m := NewMonth(2026, 5); m <= NewMonth(2026, 11); m++ {
		if err := legal.Set(m, "0,5%"); err != nil {
			t.Fatal(err)
		}
	}
	terms := Terms{LegalRate: legal}
	b, err := Compute(oneDebt(terms, Installment{Number: 1, Due: date.MustParse("2026-05-10"), Amount: 150000}), date.MustParse("2026-11-24"))
	if err != nil || b.Open[Interest] != 4857 {
		t.Fatalf("legal interest %d, %v", b.Open[Interest], err)
	}
	if b.Installments[0].Lines[2].Rate != "Taxa Legal" {
		t.Errorf("interest line %+v", b.Installments[0].Lines[2])
	}
	if _, err := Compute(oneDebt(Terms{}, Installment{Number: 1, Due: date.MustParse("2026-05-10"), Amount: 150000}), date.MustParse("2026-11-24")); err == nil || !strings.Contains(err.Error(), "Taxa Legal") {
		t.Errorf("silent contract without table: %v", err)
	}
}

// A payment of 500,00 on 10/07/2026 (61 days late) settles the interest
// (1.500 × 1% × 61/30 = 30,50) and the fine (30,00) first, then 439,50 of
// principal; interest then runs on 1.060,50 for 137 days: 48,42.
func TestPaymentOrder(t *testing.T) {
	terms := Terms{Fine: rate.MustParse("2%"), Interest: rp("1%am")}
	in := Installment{Number: 1, Due: date.MustParse("2026-05-10"), Amount: 150000,
		Payments: []Payment{{date.MustParse("2026-07-10"), 50000}}}
	b, err := Compute(oneDebt(terms, in), date.MustParse("2026-11-24"))
	if err != nil {
		t.Fatal(err)
	}
	ib := b.Installments[0]
	if ib.Paid[Interest] != 3050 || ib.Paid[Fine] != 3000 || ib.Paid[Principal] != 43950 || ib.Open[Principal] != 106050 ||
		ib.Open[Interest] != 4842 || ib.Charged[Interest] != 3050+4842 || ib.Total != 106050+4842 {
		t.Fatalf("paid %v open %v charged %v", ib.Paid, ib.Open, ib.Charged)
	}
	// Principal first instead: the same 500,00 leaves 1.000,00 of principal.
	terms.Order = []Part{Principal, Correction, Fine, Interest, Fees}
	b, _ = Compute(oneDebt(terms, in), date.MustParse("2026-11-24"))
	if b.Installments[0].Open[Principal] != 100000 || b.Installments[0].Open[Fine] != 3000 {
		t.Fatalf("principal-first open %v", b.Installments[0].Open)
	}
	// Paid on time (or within grace): no charges; overpayment is a credit.
	in.Payments = []Payment{{date.MustParse("2026-05-12"), 150100}}
	terms.GraceDays = 3
	b, _ = Compute(oneDebt(terms, in), date.MustParse("2026-11-24"))
	if b.Total != 0 || b.Credit != 100 || b.Charged.Charges() != 0 {
		t.Fatalf("grace payment: total %d credit %d charged %v", b.Total, b.Credit, b.Charged)
	}
}

func TestCaps(t *testing.T) {
	in := Installment{Number: 1, Due: date.MustParse("2026-05-10"), Amount: 150000}
	asOf := date.MustParse("2026-11-24")
	bank, _ := Preset("br-bank")
	es, _ := Preset("es")
	co, _ := Preset("co:25,02%EA")
	mx, _ := Preset("mx")
	tests := []struct {
		name  string
		terms Terms
	}{
		{"fine over CDC cap", Terms{Fine: rate.MustParse("10%"), Interest: rp("1%am"), Caps: brConsumer()}},
		{"interest over Súmula 379", Terms{Fine: rate.MustParse("2%"), Interest: rp("1,5%am"), Caps: bank}},
		{"fees at a bank", Terms{Interest: rp("1%am"), Fees: []Fee{{Name: "cobrança", Amount: 500}}, Caps: bank}},
		{"Spain over contract + 2", Terms{Interest: rp("20%aa"), ContractRate: rp("10%aa"), Caps: es}},
		{"Colombia usury", Terms{Interest: rp("2%am"), Caps: co}},
		{"Mexico fee with interest", Terms{Fine: rate.MustParse("1%"), Interest: rp("1%am"), Caps: mx}},
	}
	for _, tt := range tests {
		_, err := Compute(oneDebt(tt.terms, in), asOf)
		if !errors.Is(err, ErrCap) {
			t.Errorf("%s: error %v, want ErrCap", tt.name, err)
		}
	}
	// Within caps they compute.
	for _, terms := range []Terms{
		{Interest: rp("11%aa"), ContractRate: rp("10%aa"), Caps: es},
		{Interest: rp("1,5%am"), Caps: co},
		{Interest: rp("1%am"), Caps: mx},
	} {
		if _, err := Compute(oneDebt(terms, in), asOf); err != nil {
			t.Errorf("%+v: %v", terms.Caps.ID, err)
		}
	}
	// Card debt: charges stop at 100% of the original (Lei 14.690/2023).
	card, _ := Preset("br-card")
	b, err := Compute(oneDebt(Terms{Fine: rate.MustParse("2%"), Interest: rp("1%am"), Caps: card}, in), date.MustParse("2036-05-10"))
	if err != nil {
		t.Fatal(err)
	}
	if b.Charged.Charges() != 150000 || b.Open[Fine] != 3000 || b.Open[Interest] != 147000 || !strings.Contains(b.Installments[0].Lines[2].Note, "14.690") {
		t.Fatalf("card cap: charged %v lines %+v", b.Charged, b.Installments[0].Lines)
	}
	if _, err := Preset("co"); err == nil {
		t.Error("co without a rate accepted")
	}
	if _, err := Preset("xx"); err == nil {
		t.Error("unknown preset accepted")
	}
}

func TestChileFeeCap(t *testing.T) {
	uf := money.MustParse("39.000,00")
	// 60 UF: 9% of 10 UF + 6% of 40 UF + 3% of 10 UF = 0,9 + 2,4 + 0,3 = 3,6 UF.
	got, _ := ChileCollectionFeeCap(uf*60, uf, 30)
	if got != uf*36/10 {
		t.Errorf("60 UF fee cap = %s", got)
	}
	if got, _ := ChileCollectionFeeCap(uf*60, uf, 20); got != 0 {
		t.Errorf("fee before 20 days = %s", got)
	}
	cl, _ := Preset("cl:39.000,00")
	terms := Terms{Interest: rp("1%am"), Fees: []Fee{{Name: "cobranza", Rate: rate.MustParse("20%")}}, Caps: cl}
	b, err := Compute(oneDebt(terms, Installment{Number: 1, Due: date.MustParse("2026-05-10"), Amount: uf * 5}), date.MustParse("2026-07-10"))
	if err != nil || b.Open[Fees] != uf*5*9/100 {
		t.Fatalf("Chile fee %s, %v", b.Open[Fees], err)
	}
}

func TestBadInputs(t *testing.T) {
	asOf := date.MustParse("2026-11-24")
	terms := Terms{Interest: rp("1%am")}
	tests := []struct {
		name  string
		debts []Debt
	}{
		{"negative amount", oneDebt(terms, Installment{Number: 1, Due: asOf, Amount: -1})},
		{"zero amount", oneDebt(terms, Installment{Number: 1, Due: asOf})},
		{"no due date", oneDebt(terms, Installment{Number: 1, Amount: 100})},
		{"year 26", oneDebt(terms, Installment{Number: 1, Due: date.New(26, 5, 10), Amount: 100})},
		{"negative payment", oneDebt(terms, Installment{Number: 1, Due: asOf, Amount: 100, Payments: []Payment{{asOf, -5}}})},
		{"flat interest", oneDebt(Terms{Interest: rp("1%")}, Installment{Number: 1, Due: asOf, Amount: 100})},
		{"bad order", oneDebt(Terms{Interest: rp("1%am"), Order: []Part{Fine, Fine}}, Installment{Number: 1, Due: asOf, Amount: 100})},
		{"bad method", oneDebt(Terms{Interest: rp("1%am"), Method: "weird"}, Installment{Number: 1, Due: asOf, Amount: 100})},
	}
	for _, tt := range tests {
		if _, err := Compute(tt.debts, asOf); !errors.Is(err, ErrInput) {
			t.Errorf("%s: error %v, want ErrInput", tt.name, err)
		}
	}
	// Overflow-sized amounts report overflow rather than wrapping.
	huge := oneDebt(Terms{Fine: rate.MustParse("2%"), Interest: rp("100%am")},
		Installment{Number: 1, Due: date.MustParse("2020-01-01"), Amount: money.Money(1 << 62)},
		Installment{Number: 2, Due: date.MustParse("2020-01-01"), Amount: money.Money(1 << 62)})
	if _, err := Compute(huge, asOf); !errors.Is(err, money.ErrOverflow) {
		t.Errorf("overflow: %v", err)
	}
}

// Properties over random debts: nothing negative, each part's charged = paid
// + open, the fine within its cap, totals add up, the same input gives the
// same breakdown.
func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	ix := NewIndex("IGP-M")
	for m := NewMonth(2015, 1); m <= NewMonth(2027, 12); m++ {
		v := rng.Int64N(300) - 80 // −0,80% … +2,19%
		_ = ix.Set(m, money.Money(v).String()+"%")
	}
	asOf := date.MustParse("2026-11-24")
	for it := 0; it < 1500; it++ {
		fineCap := rate.MustParse("2%")
		terms := Terms{Caps: Caps{FineMax: &fineCap}}
		terms.Fine, _ = rate.New(rng.Int64N(fineCap.Units()+1), rate.Flat)
		ir, _ := rate.New(rng.Int64N(rate.Scale/10), rate.Monthly)
		terms.Interest = &ir
		if rng.IntN(2) == 0 {
			terms.Method = Compound
		}
		if rng.IntN(3) == 0 {
			terms.Correction = ix
		}
		if rng.IntN(4) == 0 {
			terms.Fees = []Fee{{Name: "fee", Amount: money.Money(rng.Int64N(1000))}}
		}
		var ins []Installment
		for k := 0; k < 1+rng.IntN(6); k++ {
			in := Installment{Number: k + 1, Due: asOf.AddDays(-rng.IntN(3000) + 30), Amount: money.Money(1 + rng.Int64N(10_000_000))}
			for p := 0; p < rng.IntN(3); p++ {
				in.Payments = append(in.Payments, Payment{in.Due.AddDays(rng.IntN(400) - 10), money.Money(1 + rng.Int64N(int64(in.Amount)))})
			}
			ins = append(ins, in)
		}
		debts := oneDebt(terms, ins...)
		b, err := Compute(debts, asOf)
		if err != nil {
			t.Fatalf("%+v: %v", debts, err)
		}
		var total money.Money
		for _, ib := range b.Installments {
			for p := range ib.Open {
				if ib.Open[p] < 0 || ib.Paid[p] < 0 || ib.Charged[p] != ib.Paid[p]+ib.Open[p] {
					t.Fatalf("part %v: charged %d paid %d open %d", Part(p), ib.Charged[p], ib.Paid[p], ib.Open[p])
				}
			}
			if limit, _ := fineCap.Of(ib.Amount, money.Down); ib.Charged[Fine] > limit {
				t.Fatalf("fine %d over cap %d on %d", ib.Charged[Fine], limit, ib.Amount)
			}
			total += ib.Total
		}
		if total != b.Total {
			t.Fatalf("total %d, sum of installments %d", b.Total, total)
		}
		again, _ := Compute(debts, asOf)
		if again.Total != b.Total || again.Open != b.Open {
			t.Fatal("not deterministic")
		}
	}
}

func TestSpell(t *testing.T) {
	tests := []struct {
		m    string
		loc  string
		want string
	}{
		{"1.500,00", "pt-BR", "mil e quinhentos reais"},
		{"1.629,00", "pt-BR", "mil seiscentos e vinte e nove reais"},
		{"0,01", "pt-BR", "um centavo"},
		{"1,10", "pt-BR", "um real e dez centavos"},
		{"100,00", "pt-BR", "cem reais"},
		{"101,00", "pt-BR", "cento e um reais"},
		{"2.000.000,00", "pt-BR", "dois milhões de reais"},
		{"1.200.345,67", "pt-BR", "um milhão, duzentos mil trezentos e quarenta e cinco reais e sessenta e sete centavos"},
		{"2.500.000,00", "pt-BR", "dois milhões e quinhentos mil reais"},
		{"0,00", "pt-BR", "zero centavos"},
		{"1.500,10", "es", "mil quinientos reales con diez centavos"},
		{"21.000,00", "es", "veintiún mil reales"},
		{"1,00", "es", "un real"},
		{"1.000.000,00", "es", "un millón de reales"},
		{"91,31", "es", "noventa y un reales con treinta y un centavos"},
		{"1.500,10", "en", "one thousand five hundred reais and ten centavos"},
		{"42,00", "en", "forty-two reais"},
	}
	for _, tt := range tests {
		if got := Spell(money.MustParse(tt.m), tt.loc); got != tt.want {
			t.Errorf("Spell(%s, %s) = %q, want %q", tt.m, tt.loc, got, tt.want)
		}
	}
	// Never panics across the range.
	for _, m := range []money.Money{1<<63 - 1, -(1 << 63), -150} {
		for _, loc := range []string{"pt-BR", "es", "en"} {
			if Spell(m, loc) == "" {
				t.Errorf("Spell(%d, %s) empty", m, loc)
			}
		}
	}
}

func TestParseIndex(t *testing.T) {
	ix, err := ParseIndex("IPCA", strings.NewReader(`{"name":"IPCA","values":{"2026-05":"0,26%","06/2026":"-0,1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := ix.Value(NewMonth(2026, 6)); v != -rate.Scale/1000 {
		t.Errorf("June = %d", v)
	}
	for _, bad := range []string{"", "2026-13;0,1", "2026-05;abc", "2026-05;0,1\n2026-05;0,2", "# only a comment\n", "2026-05", `{"values":{"x":"1"}}`, `{"nope":1}`, "2026-05;150%"} {
		if _, err := ParseIndex("IPCA", strings.NewReader(bad)); err == nil {
			t.Errorf("ParseIndex(%q) accepted", bad)
		}
	}
}

func FuzzParseIndex(f *testing.F) {
	for _, s := range []string{"2026-05;0,26\n2026-06;-0,11", "mes,valor\n05/2026,0.46%", `{"values":{"2026-05":"0,26%"}}`, "2026-05\t1,5", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ix, err := ParseIndex("X", strings.NewReader(s))
		if err != nil {
			return
		}
		for _, m := range ix.Months() {
			if v, err := ix.Value(m); err != nil || v > rate.Scale || v < -rate.Scale {
				t.Fatalf("%s = %d, %v", m, v, err)
			}
		}
	})
}

func BenchmarkCompute10(b *testing.B) {
	terms := Terms{Fine: rate.MustParse("2%"), Interest: rp("1%am"), Caps: brConsumer()}
	var debts []Debt
	for i := 0; i < 10; i++ {
		debts = append(debts, Debt{ID: "D", Terms: terms, Installments: []Installment{{Number: 1, Due: date.MustParse("2026-05-10").AddDays(i * 7), Amount: money.Money(100000 + 1234*i)}}})
	}
	asOf := date.MustParse("2026-11-24")
	for b.Loop() {
		if _, err := Compute(debts, asOf); err != nil {
			b.Fatal(err)
		}
	}
}

// Installments not yet due, settled today, come at their present value at
// the contract rate (CDC art. 52 §2º): 1.000,00 due in 60 days at 2% a.m. is
// worth 1.000/1,02² = 961,17 (rebate 38,83); in 45 days 1.000/(1,02 × 1,01)
// = 970,69 (rebate 29,31).
func TestRebateFuture(t *testing.T) {
	asOf := date.MustParse("2026-11-24")
	terms := Terms{Fine: rate.MustParse("2%"), Interest: rp("1%am"), ContractRate: rp("2%am"), RebateFuture: true}
	b, err := Compute(oneDebt(terms,
		Installment{Number: 1, Due: asOf.AddDays(60), Amount: 100000},
		Installment{Number: 2, Due: asOf.AddDays(45), Amount: 100000},
		Installment{Number: 3, Due: asOf.AddDays(-10), Amount: 100000}), asOf)
	if err != nil {
		t.Fatal(err)
	}
	if b.Installments[0].Rebate != 3883 || b.Installments[1].Rebate != 2931 || b.Installments[2].Rebate != 0 || b.Rebate != 3883+2931 {
		t.Fatalf("rebates %d %d %d total %d", b.Installments[0].Rebate, b.Installments[1].Rebate, b.Installments[2].Rebate, b.Rebate)
	}
	if s := b.Settle(); s[Principal] != 300000-3883-2931 {
		t.Fatalf("settle %v", s)
	}
	if w := strings.Join(b.Words("pt-BR"), "\n"); !strings.Contains(w, "desconto de R$ 38,83 (trinta e oito reais e oitenta e três centavos) dos juros (CDC art. 52 §2º)") {
		t.Errorf("words:\n%s", w)
	}
	terms.ContractRate = nil
	if _, err := Compute(oneDebt(terms, Installment{Number: 1, Due: asOf, Amount: 1}), asOf); !errors.Is(err, ErrInput) {
		t.Errorf("rebate without contract rate: %v", err)
	}
}

const debtsJSON = `[
  {"id": "C-1", "product": "credit_card",
   "terms": {"fine": "2%", "interest": "1%am", "caps": "br-card", "order": ["interest", "fine", "fees", "correction", "principal"]},
   "installments": [{"number": 1, "due": "2026-05-10", "amount": "1500,00", "payments": [{"date": "2026-07-10", "amount": "500,00"}]}]},
  {"id": "L-9", "terms": {"fine": "2%", "interest": "1%am", "contract_rate": "2%am", "rebate_future": true,
   "caps": {"id": "custom", "name": "house rule", "source": "contract", "fine_max": "2%"}},
   "installments": [{"number": 1, "due": "2027-01-23", "amount": "1000,00"}]}
]`

func TestParseDebts(t *testing.T) {
	debts, err := ParseDebts(strings.NewReader(debtsJSON))
	if err != nil {
		t.Fatal(err)
	}
	if debts[0].Terms.Caps.ID != "br-card" || debts[1].Terms.Caps.FineMax == nil || !debts[1].Terms.RebateFuture {
		t.Fatalf("debts %+v", debts)
	}
	b, err := Compute(debts, date.MustParse("2026-11-24"))
	if err != nil {
		t.Fatal(err)
	}
	// C-1 as in TestPaymentOrder (1.108,92 open); L-9 at present value 961,17.
	if s, _ := b.Settle().Sum(); b.Total != 110892+100000 || s != 110892+96117 {
		t.Fatalf("total %d settle %d", b.Total, s)
	}
	for _, bad := range []string{`[]`, `{}`, `[{"id": "x"}]`, `[{"installments": [{"number": 1}]}]`, `[{"id": "x", "terms": {"caps": "zz"}, "installments": [{"number": 1}]}]`,
		`[{"id": "x", "terms": {"typo": 1}, "installments": [{"number": 1}]}]`, `[{"id": "x", "terms": {"caps": {"fine_max": "2"}}, "installments": [{"number": 1}]}]`} {
		if _, err := ParseDebts(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseDebts(%s) accepted", bad)
		}
	}
}

func FuzzParseDebts(f *testing.F) {
	f.Add(debtsJSON)
	f.Add(`[{"id":"a","terms":{"interest":"1%am"},"installments":[{"number":1,"due":"2026-01-01","amount":"1,00"}]}]`)
	f.Fuzz(func(t *testing.T, s string) {
		debts, err := ParseDebts(strings.NewReader(s))
		if err != nil {
			return
		}
		// Whatever parses computes or fails with an error, never a panic.
		_, _ = Compute(debts, date.MustParse("2026-11-24"))
	})
}
