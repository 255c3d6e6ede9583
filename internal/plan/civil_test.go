package plan

import (
	"testing"

	"github.com/regua/regua/internal/date"
)

// The integer calendar agrees with package date (which goes through time).
func TestCivilMatchesDate(t *testing.T) {
	epoch := date.New(1970, 1, 1)
	for d := date.New(1899, 12, 25); d.Before(date.New(2101, 1, 10)); d = d.AddDays(1) {
		if got, want := dayNumber(d), epoch.DaysUntil(d); got != want {
			t.Fatalf("dayNumber(%s) = %d, want %d", d, got, want)
		}
		if weekday(d) != d.Weekday() {
			t.Fatalf("weekday(%s) = %v, want %v", d, weekday(d), d.Weekday())
		}
		if d.Day() >= 28 || d.Day() == 1 {
			for _, n := range []int{-13, -1, 0, 1, 2, 11, 12, 25} {
				if got, want := addMonths(d, n), d.AddMonths(n); got != want {
					t.Fatalf("addMonths(%s, %d) = %s, want %s", d, n, got, want)
				}
			}
		}
	}
}
