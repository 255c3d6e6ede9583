package policy

import (
	"fmt"
	"sync"
	"time"

	"github.com/regua/regua/internal/holiday"
)

var (
	zoneMu    sync.RWMutex
	zoneCache = map[string]*time.Location{}
)

// Locate returns the location of an IANA zone name, loading it once per
// process. Use it to fill Debtor.Loc outside hot loops.
func Locate(name string) (*time.Location, error) {
	zoneMu.RLock()
	l := zoneCache[name]
	zoneMu.RUnlock()
	if l != nil {
		return l, nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	zoneMu.Lock()
	zoneCache[name] = l
	zoneMu.Unlock()
	return l, nil
}

// brZones is the IANA zone of each UF (the zone of its capital). Amazonas'
// western municipalities use America/Rio_Branco and Fernando de Noronha
// (PE) uses America/Noronha; those are resolved by city in DefaultZone.
var brZones = [27]string{
	"America/Rio_Branco", "America/Maceio", "America/Manaus", "America/Belem", "America/Bahia",
	"America/Fortaleza", "America/Sao_Paulo", "America/Sao_Paulo", "America/Sao_Paulo", "America/Fortaleza",
	"America/Sao_Paulo", "America/Campo_Grande", "America/Cuiaba", "America/Belem", "America/Fortaleza",
	"America/Recife", "America/Fortaleza", "America/Sao_Paulo", "America/Sao_Paulo", "America/Fortaleza",
	"America/Porto_Velho", "America/Boa_Vista", "America/Sao_Paulo", "America/Sao_Paulo", "America/Maceio",
	"America/Sao_Paulo", "America/Araguaina",
}

// Western Amazonas municipalities on UTC−5 (Lei 12.876/2013 restored the
// Acre zone to them), and Fernando de Noronha.
var cityZones = map[int]string{
	2605459: "America/Noronha",    // Fernando de Noronha (PE)
	1300201: "America/Rio_Branco", // Atalaia do Norte
	1300607: "America/Rio_Branco", // Benjamin Constant
	1301308: "America/Rio_Branco", // Boca do Acre
	1301407: "America/Rio_Branco", // Eirunepé
	1301654: "America/Rio_Branco", // Envira
	1301803: "America/Rio_Branco", // Guajará
	1301951: "America/Rio_Branco", // Ipixuna
	1302306: "America/Rio_Branco", // Lábrea
	1303908: "America/Rio_Branco", // São Paulo de Olivença
	1304062: "America/Rio_Branco", // Tabatinga
	1304237: "America/Rio_Branco", // Pauini
}

var countryZones = map[string]string{
	"BR": "America/Sao_Paulo", "US": "America/New_York", "MX": "America/Mexico_City",
	"CO": "America/Bogota", "CL": "America/Santiago", "ES": "Europe/Madrid", "PT": "Europe/Lisbon",
}

// DefaultZone guesses the IANA zone of a place when the debtor's address
// gave none: by city, then UF, then country. It returns "" when unknown.
func DefaultZone(country, uf string, city int) string {
	if z, ok := cityZones[city]; ok && (country == "" || country == "BR") {
		return z
	}
	if country == "" || country == "BR" {
		if i := holiday.UFIndex(uf); i >= 0 {
			return brZones[i]
		}
	}
	return countryZones[country]
}

// location returns the debtor's location, resolving Zone through the cache
// when Loc is not set.
func (d *Debtor) location() (*time.Location, error) {
	if d.Loc != nil {
		return d.Loc, nil
	}
	z := d.Zone
	if z == "" {
		z = DefaultZone(d.Country, d.UF, d.City)
		if z == "" {
			return nil, fmt.Errorf("debtor %s: no time zone and none can be derived from country %q, uf %q", d.ID, d.Country, d.UF)
		}
	}
	return Locate(z)
}

// Resolve fills d.Loc (and d.Zone when derived); call it once per debtor.
func (d *Debtor) Resolve() error {
	if d.Zone == "" {
		d.Zone = DefaultZone(d.Country, d.UF, d.City)
	}
	l, err := d.location()
	if err != nil {
		return err
	}
	d.Loc = l
	d.placeOK = false
	if d.Country != "" {
		d.place, d.placeOK = holiday.Resolve(d.Country, d.UF, d.City), true
	}
	return nil
}

// offsetAt returns the UTC offset in seconds at Unix second u.
func offsetAt(loc *time.Location, u int64) int64 {
	_, off := time.Unix(u, 0).In(loc).Zone()
	return int64(off)
}

// localOf returns the civil date and minute of day of t in loc, and whether
// t falls exactly on that minute's start.
func localOf(t time.Time, loc *time.Location) (holiday.Date, int, bool) {
	_, off := t.In(loc).Zone()
	s := t.Unix() + int64(off)
	days := s / 86400
	if s%86400 < 0 {
		days--
	}
	sod := s - days*86400
	return holiday.Date(days), int(sod / 60), sod%60 == 0 && t.Nanosecond() == 0
}

// instantOf returns the earliest instant ≥ notBefore whose local date and
// minute in loc are date and min; false when that local time does not exist
// (a DST gap) or every occurrence is before notBefore.
func instantOf(loc *time.Location, date holiday.Date, min int, notBefore time.Time) (time.Time, bool) {
	l := int64(date)*86400 + int64(min)*60
	offA := offsetAt(loc, l-86400)
	offB := offsetAt(loc, l+86400)
	var best int64
	found := false
	for _, off := range [2]int64{offA, offB} {
		u := l - off
		if offsetAt(loc, u) != off {
			continue
		}
		t := time.Unix(u, 0)
		if t.Before(notBefore) {
			continue
		}
		if !found || u < best {
			best, found = u, true
		}
	}
	if !found {
		return time.Time{}, false
	}
	return time.Unix(best, 0).In(loc), true
}

// localMidnight returns the first instant of a local date (the day may
// start after 00:00 where DST begins at midnight).
func localMidnight(loc *time.Location, date holiday.Date) time.Time {
	for m := 0; m < 1440; m += 30 {
		if t, ok := instantOf(loc, date, m, time.Time{}); ok {
			return t
		}
	}
	return time.Unix(int64(date)*86400, 0)
}
