// Package date is a calendar date with no time of day and no zone: a due
// date is "10 December", wherever the debtor is. Dates convert to instants
// only together with a time zone.
package date

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"
)

// Date is a calendar date. The zero Date is "no date".
type Date struct {
	y int32
	m uint8
	d uint8
}

// New returns the date y-m-d, normalising overflow the way time.Date does.
func New(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{int32(t.Year()), uint8(t.Month()), uint8(t.Day())}
}

// Of returns the calendar date of t in t's own location.
func Of(t time.Time) Date { return Date{int32(t.Year()), uint8(t.Month()), uint8(t.Day())} }

// Today returns today's date in loc.
func Today(loc *time.Location) Date { return Of(time.Now().In(loc)) }

func (d Date) Year() int             { return int(d.y) }
func (d Date) Month() time.Month     { return time.Month(d.m) }
func (d Date) Day() int              { return int(d.d) }
func (d Date) IsZero() bool          { return d == Date{} }
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

func (d Date) utc() time.Time {
	return time.Date(int(d.y), time.Month(d.m), int(d.d), 0, 0, 0, 0, time.UTC)
}

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(int(d.y), time.Month(d.m), int(d.d), 0, 0, 0, 0, loc)
}

// AddDays returns d + n days.
func (d Date) AddDays(n int) Date { return New(int(d.y), time.Month(d.m), int(d.d)+n) }

// AddMonths returns the same day n months later, clamped to the month's last
// day (31 Jan + 1 month = 28/29 Feb), as due dates of monthly plans expect.
func (d Date) AddMonths(n int) Date {
	first := time.Date(int(d.y), time.Month(d.m)+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	day := int(d.d)
	if day > last {
		day = last
	}
	return New(first.Year(), first.Month(), day)
}

// DaysUntil returns the number of days from d to o (negative if o is earlier).
func (d Date) DaysUntil(o Date) int { return int(o.utc().Sub(d.utc()).Hours() / 24) }

func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }
func (d Date) After(o Date) bool  { return d.Compare(o) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	switch {
	case d.y != o.y:
		return cmp(int(d.y), int(o.y))
	case d.m != o.m:
		return cmp(int(d.m), int(o.m))
	}
	return cmp(int(d.d), int(o.d))
}

func cmp(a, b int) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// String is ISO 8601 (2026-12-10); the zero Date prints as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d)
}

// Format writes d as a person in locale reads it: pt-BR and es "10/12/2026", en "2026-12-10".
func (d Date) Format(locale string) string {
	if d.IsZero() {
		return ""
	}
	if strings.HasPrefix(strings.ToLower(locale), "en") {
		return d.String()
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.d, d.m, d.y)
}

// Parse reads ISO "2026-12-10" or Brazilian "10/12/2026" (also "10-12-2026", "10.12.2026").
func Parse(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if len(s) == 10 {
		if s[4] == '-' && s[7] == '-' {
			if t, err := time.Parse("2006-01-02", s); err == nil {
				return Of(t), nil
			}
		} else if (s[2] == '/' && s[5] == '/') || (s[2] == '-' && s[5] == '-') || (s[2] == '.' && s[5] == '.') {
			norm := s[0:2] + "/" + s[3:5] + "/" + s[6:10]
			if t, err := time.Parse("02/01/2006", norm); err == nil {
				return Of(t), nil
			}
		}
	}
	// ISO with a time part ("2026-12-10T00:00:00" as some exports write).
	if len(s) > 10 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') {
		return Parse(s[:10])
	}
	return Date{}, fmt.Errorf("date %q: want dd/mm/aaaa or aaaa-mm-dd", s)
}

// MustParse is Parse for constants; it panics on error.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// MarshalText implements encoding.TextMarshaler (ISO form).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores a Date as ISO text (SQLite) or a DATE (PostgreSQL accepts the text).
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE column from either driver.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = Date{int32(v.Year()), uint8(v.Month()), uint8(v.Day())}
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("date: cannot scan %T", src)
}
