package domain

import (
	"sync"
	"time"

	"github.com/regua/regua/internal/date"
)

// HomeZone is where dates that carry no zone are read: installments' due
// dates, the dates of a bank's return file (Brasília time), and the day of
// a debtor whose zone is not known.
const HomeZone = "America/Sao_Paulo"

var zones sync.Map // name → *time.Location

// Zone is the location of an IANA zone name, loaded once per process. An
// empty or unknown name gives HomeZone's (UTC−3 when the system has no zone
// database).
func Zone(name string) *time.Location {
	if name == "" {
		name = HomeZone
	}
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		if name != HomeZone {
			return Zone(HomeZone)
		}
		l = time.FixedZone("BRT", -3*3600)
	}
	zones.Store(name, l)
	return l
}

// PaymentDay is the calendar day of a payment made at instant at, for a
// debtor in zone: a Pix sent at 22:30 in São Paulo is paid that day, though
// it is already the next day in UTC. Promises, agreements, fines and the
// recurrence of late payment all judge a payment by this day.
func PaymentDay(at time.Time, zone string) date.Date {
	return date.Of(at.In(Zone(zone)))
}

// DayInstant is the instant that stands for a day known only as a date in
// HomeZone, such as a settlement's date in a bank's return file: noon
// there, which is the same calendar day in every Brazilian zone (UTC−2 to
// UTC−5), so that PaymentDay gives the bank's day back.
func DayInstant(d date.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, Zone(HomeZone)).UTC()
}
