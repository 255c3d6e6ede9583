package afford

import (
	"errors"
	"strings"
	"testing"

	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/money"
)

func TestAssess(t *testing.T) {
	share := rate.MustParse("30%")
	tests := []struct {
		name     string
		b        Budget
		r        Rule
		capacity string
		explain  string
	}{
		// 2.000 − 500 − max(600, 450) = 900.
		{"floor wins", Budget{Income: 200000, Essential: 45000, Committed: 50000}, Rule{}, "900,00", "mínimo existencial de R$ 600,00"},
		// 2.000 − 500 − 1.200 = 300.
		{"essentials win", Budget{Income: 200000, Essential: 120000, Committed: 50000}, Rule{}, "300,00", "despesas essenciais de R$ 1.200,00"},
		// 1.000 − 0 − 600 = 400, capped at 30% of 1.000 = 300.
		{"share cap", Budget{Income: 100000}, Rule{MaxShare: &share}, "300,00", "limita a parcela a R$ 300,00"},
		// 700 − 200 − 600 < 0 → nothing.
		{"under the minimum", Budget{Income: 70000, Committed: 20000}, Rule{}, "0,00", "= -R$ 100,00"},
	}
	for _, tt := range tests {
		a, err := Assess(tt.b, tt.r)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if a.Capacity != money.MustParse(tt.capacity) {
			t.Errorf("%s: capacity %s, want %s", tt.name, a.Capacity.Format("pt-BR"), tt.capacity)
		}
		if ex := a.Explain("pt-BR"); !strings.Contains(ex, tt.explain) {
			t.Errorf("%s: explanation %q lacks %q", tt.name, ex, tt.explain)
		}
		for _, loc := range []string{"es", "en"} {
			if a.Explain(loc) == a.Explain("pt-BR") {
				t.Errorf("%s: %s explanation not translated", tt.name, loc)
			}
		}
	}
	a, _ := Assess(Budget{Income: 200000, Essential: 45000, Committed: 50000}, Rule{})
	if !a.Fits(90000) || a.Fits(90001) || !strings.Contains(a.Why(100000, "pt-BR"), "comprometeria o mínimo existencial") {
		t.Errorf("fits/why wrong: %s", a.Why(100000, "pt-BR"))
	}
}

func TestAssessErrors(t *testing.T) {
	for _, tt := range []struct {
		b Budget
		r Rule
	}{
		{Budget{Income: -1}, Rule{}},
		{Budget{Income: 100, Committed: -5}, Rule{}},
		{Budget{Income: 100}, Rule{Floor: 30300}}, // the old R$ 303 floor
		{Budget{Income: 100}, Rule{MaxShare: func() *rate.Rate { r := rate.MustParse("2%am"); return &r }()}},
	} {
		if _, err := Assess(tt.b, tt.r); !errors.Is(err, ErrBudget) {
			t.Errorf("Assess(%+v, %+v) error %v", tt.b, tt.r, err)
		}
	}
}
