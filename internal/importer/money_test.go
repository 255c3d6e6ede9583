package importer

import (
	"testing"

	"github.com/regua/regua/internal/date"

	"github.com/regua/regua/internal/money"
)

func TestFastMoney(t *testing.T) {
	for in, want := range map[string]money.Money{
		"1590,06": 159006, "1.590,06": 159006, "1590.06": 159006, "1,590.06": 159006, "150": 15000, "0,5": 50,
		"1.234.567,89": 123456789, "1.234": 123400, "007": 700,
	} {
		got, ok := fastMoney(in)
		if !ok || got != want {
			t.Errorf("fastMoney(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-1", "R$ 1", "1.2.3", "12.34.56", ".5", "1,234.5,6", "1.234,567", "1 000", "(1)", "1.,5", "1234.567"} {
		if got, ok := fastMoney(in); ok {
			if want, err := money.Parse(in); err != nil || want != got {
				t.Errorf("fastMoney(%q) = %d, money.Parse = %d %v", in, got, want, err)
			}
		}
	}
}

// FuzzParseMoney holds the fast path equal to money.Parse.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"1590,06", "1.590,06", "1,590.06", "150", "1.234", "12.34.56", "0,5", "1.2", "R$ 1.234,56", "-3,00", "1234.567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := fastMoney(s)
		if !ok {
			return
		}
		want, err := money.Parse(s)
		if err != nil || got != want {
			t.Fatalf("fastMoney(%q) = %d, money.Parse = %d, %v", s, got, want, err)
		}
	})
}

// FuzzParseDate holds the fast date path equal to date.Parse.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"10/12/2026", "2026-12-10", "29/02/2024", "29/02/2025", "31/04/2026", "00/01/2026", "2026-13-01", "0001-01-01", "1/1/2026", "10-12-2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := fastDate(s)
		want, err := date.Parse(s)
		if ok && (err != nil || got != want) {
			t.Fatalf("fastDate(%q) = %v, date.Parse = %v, %v", s, got, want, err)
		}
	})
}
