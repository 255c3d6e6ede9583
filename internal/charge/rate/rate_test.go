package rate

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/regua/regua/internal/money"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in    string
		units int64
		p     Period
	}{
		{"2%", 2 * Scale / 100, Flat},
		{"2,5%am", 25 * Scale / 1000, Monthly},
		{"2.5% a.m.", 25 * Scale / 1000, Monthly},
		{"1%am", Scale / 100, Monthly},
		{"1% ao mês", Scale / 100, Monthly},
		{"26,8%aa", 268 * Scale / 1000, Yearly},
		{"26,8% a.a.", 268 * Scale / 1000, Yearly},
		{"25,02% EA", 2502 * Scale / 10000, Yearly},
		{"0,033%ad", 33 * Scale / 100000, Daily},
		{",5%", 5 * Scale / 1000, Flat},
		{"+3%", 3 * Scale / 100, Flat},
		{"0%", 0, Flat},
		{"100%", Scale, Flat},
		{"0,0000000001%", 1, Flat},
		{" 1,99 %AM ", 199 * Scale / 10000, Monthly},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got.Units() != tt.units || got.Period() != tt.p {
			t.Errorf("Parse(%q) = %d %v, want %d %v", tt.in, got.Units(), got.Period(), tt.units, tt.p)
		}
		// The canonical form reads back to the same rate.
		back, err := Parse(got.String())
		if err != nil || back != got {
			t.Errorf("Parse(%q).String() = %q does not round-trip: %v %v", tt.in, got.String(), back, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "2", "2,5", "-1%", "abc%", "2%xy", "1,2,3%", "%", "2,%am", "1.00000000001%", "99999999%", "1e3%", "2%%"} {
		if r, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, r)
		} else if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) error %v does not wrap ErrSyntax", in, err)
		}
	}
}

func TestFormat(t *testing.T) {
	r := MustParse("2,5%am")
	for loc, want := range map[string]string{"pt-BR": "2,5% a.m.", "es": "2,5 % mensual", "en": "2.5% per month"} {
		if got := r.Format(loc); got != want {
			t.Errorf("Format(%s) = %q, want %q", loc, got, want)
		}
	}
	if got := MustParse("2%").Format("pt-BR"); got != "2%" {
		t.Errorf("flat Format = %q", got)
	}
}

func TestRoundPercent(t *testing.T) {
	for in, want := range map[string]string{"24,6188%aa": "24.62%aa", "1,125%": "1.12%", "1,135%": "1.14%", "2%am": "2%am", "0,004%": "0%"} {
		if got := MustParse(in).RoundPercent(2).String(); got != want {
			t.Errorf("RoundPercent(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestOf(t *testing.T) {
	got, err := MustParse("2%").Of(money.MustParse("1.500,00"), money.HalfUp)
	if err != nil || got != money.MustParse("30,00") {
		t.Fatalf("2%% of 1.500,00 = %v %v", got, err)
	}
	got, _ = MustParse("0,033%").Of(money.MustParse("100,00"), money.HalfUp)
	if got != 3 { // 3.3 centavos
		t.Fatalf("0,033%% of 100,00 = %d", got)
	}
}

func TestMulDivMatchesMulRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		m := money.Money(rng.Int64N(1 << uint(1+rng.IntN(62))))
		num := rng.Int64N(1 << uint(1+rng.IntN(50)))
		den := 1 + rng.Int64N(1<<uint(1+rng.IntN(50)))
		for _, mode := range []money.RoundingMode{money.HalfUp, money.HalfEven, money.Down, money.Up} {
			want, werr := m.MulRat(num, den, mode)
			got, gerr := MulDiv(m, num, den, mode)
			if (werr != nil) != (gerr != nil) || got != want {
				t.Fatalf("MulDiv(%d, %d, %d, %v) = %d %v, MulRat %d %v", m, num, den, mode, got, gerr, want, werr)
			}
		}
	}
}

func TestConversions(t *testing.T) {
	// 1% a month compounds to 12.682503013197% a year (1.01^12 − 1, exact).
	y, err := MustParse("1%am").Yearly()
	if err != nil {
		t.Fatal(err)
	}
	if y.String() != "12.6825030132%aa" {
		t.Errorf("1%%am yearly = %s", y)
	}
	// And back: (1.12682503013197)^(1/12) − 1 ≈ 1% to the grid.
	m, err := y.Monthly(false)
	if err != nil {
		t.Fatal(err)
	}
	if d := m.Units() - Scale/100; d < -1 || d > 1 {
		t.Errorf("round trip monthly = %s", m)
	}
	s, _ := MustParse("12%aa").Monthly(true)
	if s != MustParse("1%am") {
		t.Errorf("12%%aa simple monthly = %s", s)
	}
	d, _ := MustParse("0,05%ad").Monthly(false)
	if d != MustParse("1,5%am") {
		t.Errorf("0,05%%ad monthly = %s", d)
	}
	if _, err := MustParse("2%").Monthly(false); err == nil {
		t.Error("flat rate converted to monthly without error")
	}
	if _, err := MustParse("2%am").Cmp(MustParse("2%aa")); err == nil {
		t.Error("compared rates of different periods")
	}
}

func TestNthRoot(t *testing.T) {
	x := big.NewRat(1061208, 1000000) // 1.03^2... 1.02^3 = 1.061208
	r := NthRoot(x, 3)
	diff := new(big.Rat).Sub(r, big.NewRat(102, 100))
	f, _ := diff.Float64()
	if f > 1e-60 || f < -1e-60 {
		t.Errorf("cube root of 1.061208 off by %g", f)
	}
	if got := Pow(big.NewRat(11, 10), 4); got.Cmp(big.NewRat(14641, 10000)) != 0 {
		t.Errorf("1.1^4 = %v", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2%", "2,5%am", "26,8%aa", "0,033%ad", "1% ao mês", "-1%", "1e9%", "", "%%", "99999999,9999999999%aa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			return
		}
		if r.Units() < 0 || r.Units() > maxUnits {
			t.Fatalf("Parse(%q) out of range: %d", s, r.Units())
		}
		back, err := Parse(r.String())
		if err != nil || back != r {
			t.Fatalf("Parse(%q) = %v; String %q re-parses to %v, %v", s, r, r.String(), back, err)
		}
		for _, loc := range []string{"pt-BR", "es", "en"} {
			_ = r.Format(loc)
		}
	})
}
