package geo

import (
	"fmt"
	"sync"
	"time"

	// Zones must resolve on machines without a system zoneinfo (containers,
	// Windows): embed the IANA database in the binary (~450 KB).
	_ "time/tzdata"
)

// zoneOverride maps municipality codes whose zone differs from their UF's.
// Filled here and in cities.go (western Amazonas).
var zoneOverride = map[string]string{
	// Fernando de Noronha (PE) keeps UTC−2.
	"2605459": "America/Noronha",
	// Santarém, western Pará: IANA keeps a separate zone for its history
	// (UTC−4 until 2008); today it equals America/Belem. Other western Pará
	// municipalities use America/Belem, which differs only before June 2008.
	"1506807": "America/Santarem",
}

// ZoneName returns the IANA zone name for a debtor in uf and, optionally,
// a municipality (7-digit IBGE code, "" if unknown). The municipality wins
// where a UF spans zones: western Amazonas (UTC−5, America/Eirunepe) and
// Fernando de Noronha (UTC−2). If uf is "" the UF is taken from the
// municipality code. A municipality from another UF is an error.
func ZoneName(uf, municipality string) (string, error) {
	var muniUF, code string
	if municipality != "" {
		var err error
		code, muniUF, err = ParseMunicipalityCode(municipality)
		if err != nil {
			return "", err
		}
	}
	if uf == "" {
		uf = muniUF
	}
	u, err := ParseUF(uf)
	if err != nil {
		return "", err
	}
	if muniUF != "" && muniUF != u.Code {
		return "", fmt.Errorf("municipality %s belongs to %s, not %s", code, muniUF, u.Code)
	}
	if z, ok := zoneOverride[code]; ok {
		return z, nil
	}
	return u.Zone, nil
}

var (
	zonesOnce sync.Once
	zones     map[string]*time.Location
	zonesErr  error
)

// loadZones loads every zone the tables use, once per process, so that
// ZoneFor never touches the disk after the first call and a broken zone
// database fails loudly at the first use.
func loadZones() {
	zones = map[string]*time.Location{}
	names := []string{}
	for _, u := range ufs {
		names = append(names, u.Zone)
	}
	for _, z := range zoneOverride {
		names = append(names, z)
	}
	for _, name := range names {
		if _, done := zones[name]; done {
			continue
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			zonesErr = fmt.Errorf("geo: loading time zone %s: %w", name, err)
			return
		}
		zones[name] = loc
	}
}

// ZoneFor returns the time zone of a debtor in uf and, optionally, an IBGE
// municipality code (see ZoneName). Locations are loaded once and shared.
func ZoneFor(uf, municipality string) (*time.Location, error) {
	name, err := ZoneName(uf, municipality)
	if err != nil {
		return nil, err
	}
	return Location(name)
}

// Location returns a cached *time.Location for a zone name used by this
// package, or loads (and caches nothing for) any other IANA name, such as a
// debtor's explicit override.
func Location(name string) (*time.Location, error) {
	zonesOnce.Do(loadZones)
	if zonesErr != nil {
		return nil, zonesErr
	}
	if loc, ok := zones[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	return loc, nil
}

// Zones returns the distinct IANA zone names this package assigns.
func Zones() []string {
	seen := map[string]bool{}
	var out []string
	for _, u := range ufs {
		if !seen[u.Zone] {
			seen[u.Zone] = true
			out = append(out, u.Zone)
		}
	}
	for _, z := range zoneOverride {
		if !seen[z] {
			seen[z] = true
			out = append(out, z)
		}
	}
	return out
}
