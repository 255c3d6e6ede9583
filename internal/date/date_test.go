package date

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2026-12-10", New(2026, 12, 10), true},
		{"10/12/2026", New(2026, 12, 10), true},
		{"10-12-2026", New(2026, 12, 10), true},
		{"10.12.2026", New(2026, 12, 10), true},
		{"2026-12-10T00:00:00", New(2026, 12, 10), true},
		{"29/02/2024", New(2024, 2, 29), true},
		{"29/02/2025", Date{}, false},
		{"31/04/2026", Date{}, false},
		{"2026/12/10", Date{}, false},
		{"12/10/26", Date{}, false},
		{"", Date{}, false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestArithmetic(t *testing.T) {
	d := New(2026, 1, 31)
	if got := d.AddMonths(1); got != New(2026, 2, 28) {
		t.Errorf("AddMonths clamp: %v", got)
	}
	if got := d.AddDays(1); got != New(2026, 2, 1) {
		t.Errorf("AddDays: %v", got)
	}
	if n := New(2026, 5, 10).DaysUntil(New(2026, 11, 24)); n != 198 {
		t.Errorf("DaysUntil = %d", n)
	}
	if New(2026, 11, 24).Weekday() != time.Tuesday {
		t.Error("weekday")
	}
	if New(2026, 3, 8).In(time.UTC).Hour() != 0 {
		t.Error("In")
	}
	if New(2026, 3, 1).Format("pt-BR") != "01/03/2026" || New(2026, 3, 1).Format("en") != "2026-03-01" {
		t.Error("Format")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2026-12-10", "10/12/2026", "31.12.1999", "2026-12-10T10:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(d.String())
		if err != nil || back != d {
			t.Fatalf("round trip %q → %v → %v %v", s, d, back, err)
		}
	})
}
