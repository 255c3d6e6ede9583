package holiday

import (
	"testing"
	"time"
)

func TestDateRoundTrip(t *testing.T) {
	for d := DateOf(1600, 1, 1); d < DateOf(2400, 1, 1); d += 17 {
		y, m, dd := d.Civil()
		if DateOf(y, m, dd) != d {
			t.Fatalf("%d: civil %d-%d-%d does not round-trip", d, y, m, dd)
		}
		if want := time.Date(y, m, dd, 12, 0, 0, 0, time.UTC).Weekday(); d.Weekday() != want {
			t.Fatalf("%s weekday %s, want %s", d, d.Weekday(), want)
		}
	}
	if DateOf(1970, 1, 1) != 0 || DateOf(2026, 12, 24).String() != "2026-12-24" {
		t.Fatal("epoch or formatting wrong")
	}
}

func has(t *testing.T, c Calendar, iso string) []Holiday {
	t.Helper()
	d, err := ParseDate(iso)
	if err != nil {
		t.Fatal(err)
	}
	return c.On(d)
}

// Expected dates are checked against the laws cited in data/br.json and
// national.go, and against the published 2026/2027 calendars.
func TestCalendars(t *testing.T) {
	tests := []struct {
		country, uf string
		city        int
		date        string
		want        string // holiday name, or "" for none
		kind        Kind
	}{
		{"BR", "", 0, "2026-04-03", "Sexta-feira Santa", National},                            // Easter 2026-04-05
		{"BR", "", 0, "2027-02-08", "Carnaval (segunda-feira)", Optional},                     // Easter 2027-03-28
		{"BR", "", 0, "2027-02-09", "Carnaval (terça-feira)", Optional},                       //
		{"BR", "", 0, "2026-06-04", "Corpus Christi", Optional},                               // Easter + 60
		{"BR", "", 0, "2024-11-20", "Dia Nacional de Zumbi e da Consciência Negra", National}, // Lei 14.759/2023
		{"BR", "", 0, "2023-11-20", "", 0},                                                    // not national before 2024
		{"BR", "SP", 0, "2023-11-20", "Dia da Consciência Negra", State},                      // Lei SP 17.746/2023
		{"BR", "SP", 0, "2026-07-09", "Revolução Constitucionalista de 1932", State},
		{"BR", "RJ", 0, "2026-04-23", "Dia de São Jorge", State}, // Lei RJ 5.198/2008
		{"BR", "SP", 0, "2026-04-23", "", 0},
		{"BR", "SC", 0, "2026-08-16", "Dia do Estado de Santa Catarina", State}, // 11 Aug 2026 is a Tuesday → next Sunday (Lei SC 13.408/2005)
		{"BR", "ES", 0, "2026-04-13", "Nossa Senhora da Penha", State},          // Easter + 8 (Lei ES 11.010/2019)
		{"BR", "PE", 0, "2026-03-06", "Revolução Pernambucana (Data Magna)", State},
		{"BR", "SP", 3550308, "2027-01-25", "Aniversário de São Paulo", Municipal},
		{"BR", "AM", 1302603, "2026-12-08", "Nossa Senhora da Conceição", Municipal},   // Lei Municipal de Manaus 496/1999
		{"CO", "", 0, "2026-01-12", "Día de los Reyes Magos", National},                // 6 Jan (Tue) → Monday 12 Jan (Ley 51/1983)
		{"CO", "", 0, "2026-06-08", "Corpus Christi", National},                        // Easter + 64
		{"CL", "", 0, "2026-06-29", "San Pedro y San Pablo", National},                 // a Monday, stays (Ley 19.668)
		{"CL", "", 0, "2027-06-28", "San Pedro y San Pablo", National},                 // 29 Jun 2027 Tue → Monday 28
		{"CL", "", 0, "2025-06-20", "Día Nacional de los Pueblos Indígenas", National}, // solstice 2025-06-21 02:42 UTC = 20 Jun in Chile
		{"CL", "", 0, "2024-06-20", "Día Nacional de los Pueblos Indígenas", National}, // solstice 2024-06-20 20:51 UTC
		{"CL", "", 0, "2026-06-21", "Día Nacional de los Pueblos Indígenas", National},
		{"MX", "", 0, "2026-02-02", "Día de la Constitución", National}, // 1st Monday of February (LFT art. 74)
		{"MX", "", 0, "2024-10-01", "Transmisión del Poder Ejecutivo Federal", National},
		{"PT", "", 0, "2026-06-10", "Dia de Portugal, de Camões e das Comunidades Portuguesas", National},
		{"PT", "", 0, "2014-12-01", "", 0},                        // suspended 2013–2015 (Lei 23/2012)
		{"US", "", 0, "2026-07-03", "Independence Day", National}, // 4 Jul 2026 is a Saturday → observed Friday
		{"ES", "", 0, "2026-10-12", "Fiesta Nacional de España", National},
	}
	for _, tt := range tests {
		c := Resolve(tt.country, tt.uf, tt.city)
		got := has(t, c, tt.date)
		if tt.want == "" {
			for _, h := range got {
				if h.Rule.Kind != Optional {
					t.Errorf("%s %s/%d %s: got %q, want no holiday", tt.country, tt.uf, tt.city, tt.date, h.Rule.Name)
				}
			}
			continue
		}
		found := false
		for _, h := range got {
			if h.Rule.Name == tt.want && h.Rule.Kind == tt.kind {
				found = true
			}
		}
		if !found {
			t.Errorf("%s %s/%d %s: got %v, want %q (%s)", tt.country, tt.uf, tt.city, tt.date, got, tt.want, tt.kind)
		}
		d, _ := ParseDate(tt.date)
		if !c.Kinds(d).Has(tt.kind) {
			t.Errorf("%s %s: Kinds lacks %s", tt.country, tt.date, tt.kind)
		}
	}
}

func TestEveryUFAndCapital(t *testing.T) {
	capitals := 0
	for _, uf := range UFs {
		if StateOf(uf) == nil {
			t.Errorf("UF %s has no state set", uf)
		}
	}
	for _, c := range Cities() {
		if UFIndex(c.UF) < 0 || c.IBGE < 1000000 || c.IBGE > 9999999 {
			t.Errorf("city %+v: bad UF or IBGE code", c)
		}
		capitals++
	}
	if capitals < 27 {
		t.Errorf("%d cities with data, want at least the 27 capitals", capitals)
	}
	if UFIndex("sp") != UFIndex("SP") || UFIndex("XX") != -1 || UFIndex("S") != -1 {
		t.Error("UFIndex")
	}
}

func TestOutOfRangeYears(t *testing.T) {
	c := Resolve("BR", "", 0)
	// Christmas outside the precomputed years is still found.
	for _, y := range []int{1950, 2250} {
		if !c.Kinds(DateOf(y, 12, 25)).Has(National) {
			t.Errorf("%d-12-25 not a holiday", y)
		}
	}
}

func TestRuleErrors(t *testing.T) {
	for _, when := range []string{"13-01", "02-30", "easter+x", "3rd xyz may", "soon", "2026-13-01"} {
		if _, err := NewSet("t", []*Rule{{Name: "x", When: when}}); err == nil {
			t.Errorf("when %q: no error", when)
		}
	}
	if _, err := NewSet("t", []*Rule{{Name: "", When: "01-01"}}); err == nil {
		t.Error("empty name accepted")
	}
	s, err := NewSet("t", []*Rule{{Name: "Mães", When: "2nd sun may"}, {Name: "last", When: "last mon may"}})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Has(DateOf(2026, 5, 10)) || !s.Has(DateOf(2026, 5, 25)) {
		t.Errorf("nth weekday rules: %v", s.Year(2026))
	}
}

func BenchmarkKinds(b *testing.B) {
	c := Resolve("BR", "SP", 3550308)
	d := DateOf(2026, 12, 24)
	c.Kinds(d)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.Kinds(d + Date(i&255))
	}
}

// FuzzRule: any rule text either fails to compile or yields dates inside
// the requested year (or the next/previous one after a move).
func FuzzRule(f *testing.F) {
	for _, s := range []string{"01-01", "easter-2", "easter+60", "2nd sun may", "last mon may", "june-solstice", "2030-10-01", "02-29", "5th fri feb", "easter", "12-31"} {
		f.Add(s, "next-monday")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, when, mv string) {
		s, err := NewSet("f", []*Rule{{Name: "x", When: when, Move: Move(mv)}})
		if err != nil {
			return
		}
		for _, y := range []int{1969, 2000, 2026, 2199, 2300} {
			for _, h := range s.Year(y) {
				if dy := h.Date.Year(); dy < y-1 || dy > y+1 {
					t.Fatalf("%q %q year %d gave %s", when, mv, y, h.Date)
				}
				if !s.Has(h.Date) && h.Date.Year() == y {
					t.Fatalf("%q: Year lists %s but Has is false", when, h.Date)
				}
			}
		}
	})
}
