package holiday

import (
	"fmt"
	"time"
)

// Date is a civil calendar date counted in days since 1970-01-01. It has no
// time zone: a holiday is a day on the debtor's own calendar, and the policy
// engine converts instants to the debtor's local date before asking.
type Date int32

// DateOf returns the Date of year, month and day (month and day may
// overflow, as in time.Date).
func DateOf(year int, month time.Month, day int) Date {
	// Days-from-civil (proleptic Gregorian), shifted so that 0 is 1970-01-01.
	y := int64(year)
	m := int64(month)
	// Normalise month overflow first.
	y += (m - 1) / 12
	m = (m-1)%12 + 1
	if m < 1 {
		m += 12
		y--
	}
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Date(era*146097 + doe - 719468)
}

// FromTime returns the civil date of t in t's own location.
func FromTime(t time.Time) Date {
	y, m, d := t.Date()
	return DateOf(y, m, d)
}

// Civil returns year, month and day.
func (d Date) Civil() (year int, month time.Month, day int) {
	z := int64(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd := doy - (153*mp+2)/5 + 1
	mm := mp + 3
	if mm > 12 {
		mm -= 12
	}
	if mm <= 2 {
		y++
	}
	return int(y), time.Month(mm), int(dd)
}

// Year returns the calendar year.
func (d Date) Year() int { y, _, _ := d.Civil(); return y }

// Weekday returns the day of the week (1970-01-01 was a Thursday).
func (d Date) Weekday() time.Weekday {
	w := (int64(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// String formats the date as ISO 8601 (YYYY-MM-DD).
func (d Date) String() string {
	y, m, dd := d.Civil()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// ParseDate reads an ISO 8601 date (YYYY-MM-DD).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return FromTime(t), nil
}

// MarshalText writes the ISO date.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads the ISO date.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
