package money

import (
	"errors"
	"math"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Money
	}{
		{"1.234,56", 123456},
		{"1234,56", 123456},
		{"1234.56", 123456},
		{"1,234.56", 123456},
		{"R$ 1.234,56", 123456},
		{"R$1.234,56", 123456},
		{"-12,3", -1230},
		{"R$ -12,30", -1230},
		{"(12,30)", -1230},
		{"1234", 123400},
		{"1.234", 123400},
		{"1.234.567", 123456700},
		{"1,234,567.89", 123456789},
		{"0,05", 5},
		{",5", 50},
		{"  7  ", 700},
		{"1 234,56", 123456},
		{"1\u00a0234,56", 123456},
		{"92233720368547758.07", math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "R$", "abc", "1,2345", "12.3456", "1.23.45", "1.2345,00", "12,34,56", "1.234.56", "1,234.567", "92233720368547758.08", "--1", "1x", ".", "1.234,567"} {
		if v, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %d, want an error", in, v)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		m      Money
		locale string
		want   string
	}{
		{123456, "pt-BR", "R$ 1.234,56"},
		{123456, "en", "R$1,234.56"},
		{123456, "es", "R$ 1.234,56"},
		{123456, "en-US", "R$1,234.56"},
		{5, "pt-BR", "R$ 0,05"},
		{-123456789, "pt-BR", "-R$ 1.234.567,89"},
		{100, "xx", "R$ 1,00"},
		{math.MinInt64, "en", "-R$92,233,720,368,547,758.08"},
	}
	for _, tt := range tests {
		if got := tt.m.Format(tt.locale); got != tt.want {
			t.Errorf("%d.Format(%s) = %q, want %q", tt.m, tt.locale, got, tt.want)
		}
	}
	if s := Money(-5).String(); s != "-0.05" {
		t.Errorf("String = %q", s)
	}
}

func TestMulRat(t *testing.T) {
	tests := []struct {
		m        Money
		num, den int64
		mode     RoundingMode
		want     Money
	}{
		{1000, 2, 100, HalfUp, 20},
		{125, 1, 10, HalfUp, 13},   // 12.5 → 13
		{125, 1, 10, HalfEven, 12}, // 12.5 → 12
		{135, 1, 10, HalfEven, 14}, // 13.5 → 14
		{129, 1, 10, Down, 12},
		{121, 1, 10, Up, 13},
		{-125, 1, 10, HalfUp, -13},
		{-129, 1, 10, Down, -12},
		{-121, 1, 10, Up, -13},
	}
	for _, tt := range tests {
		got, err := tt.m.MulRat(tt.num, tt.den, tt.mode)
		if err != nil || got != tt.want {
			t.Errorf("%d×%d/%d %v = %d, %v; want %d", tt.m, tt.num, tt.den, tt.mode, got, err, tt.want)
		}
	}
	if _, err := Money(math.MaxInt64).MulRat(2, 1, HalfUp); !errors.Is(err, ErrOverflow) {
		t.Errorf("overflow not detected: %v", err)
	}
}

func TestAddOverflow(t *testing.T) {
	if _, err := Money(math.MaxInt64).Add(1); !errors.Is(err, ErrOverflow) {
		t.Error("Add overflow not detected")
	}
	if _, err := Money(math.MinInt64).Sub(1); !errors.Is(err, ErrOverflow) {
		t.Error("Sub overflow not detected")
	}
}

func TestAllocate(t *testing.T) {
	for _, tt := range []struct {
		m Money
		n int
	}{{1000, 3}, {-1000, 3}, {1, 5}, {0, 2}, {99999, 7}} {
		parts, err := tt.m.Allocate(tt.n)
		if err != nil {
			t.Fatal(err)
		}
		var sum Money
		for _, p := range parts {
			sum += p
			if d := p - parts[0]; d > 1 || d < -1 {
				t.Errorf("%d/%d: uneven parts %v", tt.m, tt.n, parts)
			}
		}
		if sum != tt.m {
			t.Errorf("%d/%d: parts %v sum to %d", tt.m, tt.n, parts, sum)
		}
	}
	if _, err := Money(1).Allocate(0); err == nil {
		t.Error("Allocate(0) accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.234,56", "1234.56", "R$ 1.234,56", "(1,00)", "-0,01", "1,234,567.89"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s)
		if err != nil {
			return
		}
		// What we print we can read back.
		back, err := Parse(m.String())
		if err != nil || back != m {
			t.Fatalf("Parse(%q)=%d; round trip via %q gives %d, %v", s, m, m.String(), back, err)
		}
		back, err = Parse(m.Format("pt-BR"))
		if err != nil || back != m {
			t.Fatalf("Parse(%q)=%d; round trip via %q gives %d, %v", s, m, m.Format("pt-BR"), back, err)
		}
	})
}
