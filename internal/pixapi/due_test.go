package pixapi

import (
	"strings"
	"testing"
	"time"
)

// Amounts worked by hand from the formulas of the Manual de Padrões para
// Iniciação do Pix, Annex III, section 4 (equations 1 to 14).
func TestAmountDue(t *testing.T) {
	five := 5
	date := func(s string) time.Time { d, _ := ParseDate(s); return d }
	late := &CobVValor{Original: 100000,
		Multa: &Componente{Modalidade: MultaPercentual, ValorPerc: 200},          // 2 %
		Juros: &Componente{Modalidade: JurosPercMesDiasCorridos, ValorPerc: 100}, // 1 % a month
		Desconto: &Desconto{Modalidade: DescontoValorFixoAteData, DescontoDataFixa: []DescontoDataFixa{
			{Data: "2026-03-05", ValorPerc: 5000}, {Data: "2026-03-10", ValorPerc: 2000}}},
	}
	tests := []struct {
		name    string
		v       CobVValor
		due     string
		valid   *int
		pay     string
		want    Decimal
		wantErr string
	}{
		{"first fixed-date discount", *late, "2026-03-10", nil, "2026-03-03", 95000, ""},
		{"second fixed-date discount", *late, "2026-03-10", nil, "2026-03-07", 98000, ""},
		{"on the due date", *late, "2026-03-10", nil, "2026-03-10", 98000, ""},
		// 10 days late: fine 20.00; interest factor 1/100/30*10 = 0.003333
		// (truncated to 6 places) on 1000.00 = 3.33.
		{"ten days late", *late, "2026-03-10", nil, "2026-03-20", 102333, ""},
		// Due on a Saturday moves to Monday 16th: paying then is on time.
		{"due on Saturday paid Monday", *late, "2026-03-14", nil, "2026-03-16", 100000, ""},
		// One day after the moved due date: fine 20.00, interest
		// 0.000333 × 1000.00 = 0.33.
		{"due on Saturday paid Tuesday", *late, "2026-03-14", nil, "2026-03-17", 102033, ""},
		// Rebate 10 % of 500.00 = 50.00; interest 0.10 % a business day
		// for 5 business days (11, 12, 13, 16, 17) on 450.00 = 2.25; fixed
		// fine 5.00.
		{"rebate, business-day interest, fixed fine", CobVValor{Original: 50000,
			Abatimento: &Componente{Modalidade: AbatimentoPercentual, ValorPerc: 1000},
			Juros:      &Componente{Modalidade: JurosPercDiaDiasUteis, ValorPerc: 10},
			Multa:      &Componente{Modalidade: MultaValorFixo, ValorPerc: 500}}, "2026-03-10", nil, "2026-03-17", 45725, ""},
		// 0.10 % a calendar day paid 3 days early on 1000.00 = 3.00.
		{"percent per day early", CobVValor{Original: 100000, Desconto: &Desconto{Modalidade: DescontoPercentualDiaCorrido, ValorPerc: 10}}, "2026-03-10", nil, "2026-03-07", 99700, ""},
		// 1.00 per business day early from Friday 6th: 9th and 10th.
		{"amount per business day early", CobVValor{Original: 100000, Desconto: &Desconto{Modalidade: DescontoValorDiaUtil, ValorPerc: 100}}, "2026-03-10", nil, "2026-03-06", 99800, ""},
		{"amount per calendar day late", CobVValor{Original: 100000, Juros: &Componente{Modalidade: JurosValorDiasCorridos, ValorPerc: 50}}, "2026-03-10", nil, "2026-03-13", 100150, ""},
		// Valid 5 days after the 10th: the 15th is a Sunday, so Monday 16th.
		{"last valid day moved to Monday", CobVValor{Original: 100000}, "2026-03-10", &five, "2026-03-16", 100000, ""},
		{"expired", CobVValor{Original: 100000}, "2026-03-10", &five, "2026-03-17", 0, "can be paid until 2026-03-16"},
		{"bad modality", CobVValor{Original: 100000, Juros: &Componente{Modalidade: 9, ValorPerc: 1}}, "2026-03-10", nil, "2026-03-17", 0, "juros.modalidade"},
	}
	for _, tt := range tests {
		d, err := tt.v.AmountDue(CobVCalendario{DataDeVencimento: tt.due, ValidadeAposVencimento: tt.valid}, date(tt.pay), nil)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || d.Final != tt.want {
			t.Errorf("%s: %+v, %v; want final %s", tt.name, d, err, tt.want)
		}
		if d.Original-d.Abatimento-d.Desconto+d.Juros+d.Multa != d.Final {
			t.Errorf("%s: components do not add up: %+v", tt.name, d)
		}
	}
}

func TestDecimal(t *testing.T) {
	for _, s := range []string{"0.01", "123.45", "9999999999.99"} {
		d, err := ParseDecimal(s)
		if err != nil || d.String() != s {
			t.Errorf("ParseDecimal(%q) = %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"", "1", "1.2", "1,23", "-1.00", "12345678901.00", ".12", "1.234", "1a.00"} {
		if _, err := ParseDecimal(s); err == nil {
			t.Errorf("ParseDecimal(%q) accepted", s)
		}
	}
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0.00", "123.45", "9999999999.99", "1.2", "-1.00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDecimal(s)
		if err != nil {
			return
		}
		if d < 0 || d > maxDecimal {
			t.Fatalf("ParseDecimal(%q) = %d out of range", s, int64(d))
		}
		if again, err := ParseDecimal(d.String()); err != nil || again != d {
			t.Fatalf("ParseDecimal(%q) = %s does not read back: %v", s, d, err)
		}
	})
}
