package holiday

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

//go:embed data/br.json
var brData []byte

// UFs are Brazil's 27 federative units in a fixed order; UFIndex maps a code
// to its position.
var UFs = [27]string{"AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA", "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO"}

var ufTable [26 * 26]int8

func init() {
	for i := range ufTable {
		ufTable[i] = -1
	}
	for i, u := range UFs {
		ufTable[int(u[0]-'A')*26+int(u[1]-'A')] = int8(i)
	}
}

// UFIndex returns the index of a UF code in UFs, or -1. It accepts lower
// case and does not allocate.
func UFIndex(uf string) int {
	if len(uf) != 2 {
		return -1
	}
	a, b := uf[0]&^0x20, uf[1]&^0x20
	if a < 'A' || a > 'Z' || b < 'A' || b > 'Z' {
		return -1
	}
	return int(ufTable[int(a-'A')*26+int(b-'A')])
}

// Countries with a national calendar, as ISO 3166-1 alpha-2 codes.
var Countries = []string{"BR", "CL", "CO", "ES", "MX", "PT", "US"}

// City is a municipality with its own holidays.
type City struct {
	IBGE int    `json:"ibge"` // IBGE municipality code (7 digits)
	Name string `json:"name"`
	UF   string `json:"uf"`
	Set  *Set   `json:"-"`
}

type registry struct {
	national [7]*Set // by position in Countries
	states   [27]*Set
	cities   []City // sorted by IBGE code
}

var (
	regOnce sync.Once
	reg     registry
	regErr  error
)

func load() *registry {
	regOnce.Do(func() { regErr = reg.load() })
	if regErr != nil {
		panic("holiday: embedded data: " + regErr.Error())
	}
	return &reg
}

func (r *registry) load() error {
	for i, rules := range [][]*Rule{brNational(), clNational(), coNational(), esNational(), mxNational(), ptNational(), usNational()} {
		for _, ru := range rules {
			if ru.Kind == 0 {
				ru.Kind = National
			}
		}
		r.national[i] = mustSet(Countries[i], rules)
	}
	var f struct {
		States map[string][]*Rule `json:"states"`
		Cities []struct {
			City
			Holidays []*Rule `json:"holidays"`
		} `json:"cities"`
	}
	if err := json.Unmarshal(brData, &f); err != nil {
		return err
	}
	for uf, rules := range f.States {
		i := UFIndex(uf)
		if i < 0 {
			return fmt.Errorf("states: unknown UF %q", uf)
		}
		for _, ru := range rules {
			if ru.Kind == 0 {
				ru.Kind = State
			}
		}
		s, err := NewSet("BR-"+uf, rules)
		if err != nil {
			return err
		}
		r.states[i] = s
	}
	for i, c := range f.Cities {
		if UFIndex(c.UF) < 0 {
			return fmt.Errorf("cities[%d]: unknown uf %q", i, c.UF)
		}
		for _, ru := range c.Holidays {
			if ru.Kind == 0 {
				ru.Kind = Municipal
			}
		}
		s, err := NewSet(fmt.Sprintf("%d %s", c.IBGE, c.Name), c.Holidays)
		if err != nil {
			return err
		}
		c.City.Set = s
		r.cities = append(r.cities, c.City)
	}
	sort.Slice(r.cities, func(a, b int) bool { return r.cities[a].IBGE < r.cities[b].IBGE })
	return nil
}

// CountryIndex returns the position of an ISO country code in Countries,
// or -1. It does not allocate.
func CountryIndex(c string) int {
	if len(c) != 2 {
		return -1
	}
	switch strings.ToUpper(c) {
	case "BR":
		return 0
	case "CL":
		return 1
	case "CO":
		return 2
	case "ES":
		return 3
	case "MX":
		return 4
	case "PT":
		return 5
	case "US":
		return 6
	}
	return -1
}

// NationalSet returns a country's national set, or nil.
func NationalSet(country string) *Set {
	i := CountryIndex(country)
	if i < 0 {
		return nil
	}
	return load().national[i]
}

// StateOf returns the set of a Brazilian UF, or nil.
func StateOf(uf string) *Set {
	i := UFIndex(uf)
	if i < 0 {
		return nil
	}
	return load().states[i]
}

// CityOf returns the embedded data of a municipality by IBGE code.
func CityOf(ibge int) (City, bool) {
	r := load()
	i, ok := slices.BinarySearchFunc(r.cities, ibge, func(c City, k int) int { return c.IBGE - k })
	if !ok {
		return City{}, false
	}
	return r.cities[i], true
}

// Cities lists the municipalities with embedded data, by IBGE code.
func Cities() []City { return slices.Clone(load().cities) }

// Calendar is the resolved holiday sets of one place. Resolve once per
// debtor (or per decision; it does not allocate) and ask Has/Kinds per day.
type Calendar struct {
	Country, State, City *Set
}

// Resolve returns the calendar of a place: country code, UF (Brazil only)
// and IBGE municipality code (0 when unknown).
func Resolve(country, uf string, city int) Calendar {
	r := load()
	var c Calendar
	if i := CountryIndex(country); i >= 0 {
		c.Country = r.national[i]
	}
	if i := UFIndex(uf); i >= 0 && c.Country == r.national[0] {
		c.State = r.states[i]
	}
	if city != 0 && c.Country == r.national[0] { // IBGE codes are Brazilian
		if i, ok := slices.BinarySearchFunc(r.cities, city, func(c City, k int) int { return c.IBGE - k }); ok {
			c.City = r.cities[i].Set
		}
	}
	return c
}

// KindMask is a set of kinds, bit 1<<Kind.
type KindMask uint8

// Has reports whether the mask includes k.
func (m KindMask) Has(k Kind) bool { return m&(1<<k) != 0 }

// MaskOf builds a mask.
func MaskOf(kinds ...Kind) KindMask {
	var m KindMask
	for _, k := range kinds {
		m |= 1 << k
	}
	return m
}

// Kinds returns the kinds of holiday falling on d in the set, as a mask.
// It does not allocate.
func (s *Set) Kinds(d Date) KindMask {
	if !s.Has(d) {
		return 0
	}
	var m KindMask
	for _, h := range s.On(d) {
		m |= 1 << h.Rule.Kind
	}
	return m
}

// Kinds returns the kinds of holiday falling on d at any level.
func (c Calendar) Kinds(d Date) KindMask {
	return c.Country.Kinds(d) | c.State.Kinds(d) | c.City.Kinds(d)
}

// On lists the holidays of every level falling on d.
func (c Calendar) On(d Date) []Holiday {
	var out []Holiday
	out = append(out, c.Country.On(d)...)
	out = append(out, c.State.On(d)...)
	out = append(out, c.City.On(d)...)
	return out
}

// Year lists the holidays of every level in a year, by date.
func (c Calendar) Year(year int) []Holiday {
	var out []Holiday
	out = append(out, c.Country.Year(year)...)
	out = append(out, c.State.Year(year)...)
	out = append(out, c.City.Year(year)...)
	slices.SortStableFunc(out, func(a, b Holiday) int { return int(a.Date - b.Date) })
	return out
}
