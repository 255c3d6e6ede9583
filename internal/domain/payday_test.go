package domain_test

import (
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
)

func TestPaymentDay(t *testing.T) {
	evening := time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC) // 22:30 in São Paulo on the 24th
	tests := []struct {
		at   time.Time
		zone string
		want date.Date
	}{
		{evening, "America/Sao_Paulo", date.New(2026, 11, 24)},
		{evening, "", date.New(2026, 11, 24)},          // unknown zone: home
		{evening, "Not/AZone", date.New(2026, 11, 24)}, // bad name: home
		{evening, "America/Rio_Branco", date.New(2026, 11, 24)},
		{evening, "America/Noronha", date.New(2026, 11, 24)},
		{evening, "Europe/Madrid", date.New(2026, 11, 25)},
		{evening, "UTC", date.New(2026, 11, 25)},
		{time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC), "America/Sao_Paulo", date.New(2026, 11, 24)}, // midnight there
		{time.Date(2026, 11, 24, 2, 59, 0, 0, time.UTC), "America/Sao_Paulo", date.New(2026, 11, 23)},
	}
	for _, tc := range tests {
		if got := domain.PaymentDay(tc.at, tc.zone); got != tc.want {
			t.Errorf("PaymentDay(%s, %q) = %s, want %s", tc.at, tc.zone, got, tc.want)
		}
	}
}

// A day known only as a date in Brasília time (a return file's) is the same
// day in every Brazilian zone.
func TestDayInstant(t *testing.T) {
	for _, d := range []date.Date{date.New(2026, 11, 24), date.New(2025, 2, 22), date.New(2026, 12, 31)} {
		at := domain.DayInstant(d)
		for _, zone := range []string{"America/Noronha", "America/Sao_Paulo", "America/Manaus", "America/Rio_Branco", "UTC"} {
			if got := domain.PaymentDay(at, zone); got != d {
				t.Errorf("DayInstant(%s) = %s: day %s in %s", d, at, got, zone)
			}
		}
	}
}
