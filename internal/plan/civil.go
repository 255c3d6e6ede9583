package plan

import (
	"time"

	"github.com/regua/regua/internal/date"
)

// Calendar arithmetic on plain integers: a plan of n installments needs n
// due dates, weekdays and day counts, and going through time.Time for each
// is most of the cost of a small plan.

// dayNumber returns days since 1970-01-01 (proleptic Gregorian calendar).
func dayNumber(d date.Date) int {
	y, m, dd := d.Year(), int(d.Month()), d.Day()
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + dd - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// weekday returns d's day of the week (1970-01-01 was a Thursday).
func weekday(d date.Date) time.Weekday {
	return time.Weekday(((dayNumber(d)+4)%7 + 7) % 7)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// addMonths is date.AddMonths: the same day n months later, clamped to the
// month's last day.
func addMonths(d date.Date, n int) date.Date {
	mi := d.Year()*12 + int(d.Month()) - 1 + n
	y, m := mi/12, time.Month(mi%12+1)
	if mi < 0 && mi%12 != 0 {
		y, m = mi/12-1, time.Month(mi%12+13)
	}
	return date.New(y, m, min(d.Day(), daysIn(y, m)))
}
