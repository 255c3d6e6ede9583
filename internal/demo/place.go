package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/regua/regua/internal/geo"
)

// ufPopulation is each UF's population in the 2022 census (IBGE), in
// thousands, rounded: addresses are drawn in these proportions, so São
// Paulo has about a fifth of the debtors and Roraima about one in 300.
var ufPopulation = map[string]int{
	"SP": 44411, "MG": 20539, "RJ": 16055, "BA": 14141, "PR": 11444, "RS": 10883,
	"PE": 9058, "CE": 8794, "PA": 8121, "SC": 7610, "GO": 7056, "MA": 6777,
	"PB": 3974, "AM": 3941, "ES": 3834, "MT": 3659, "RN": 3302, "PI": 3271,
	"AL": 3127, "DF": 2817, "MS": 2757, "SE": 2210, "RO": 1582, "TO": 1511,
	"AC": 830, "AP": 734, "RR": 636,
}

// city is a municipality ready for addresses.
type city struct {
	name, code, uf, zone string
	ceps                 []geo.CEPRange // the UF's
}

// cep draws a CEP in the UF's ranges (geo.GenerateCEP's rule without its
// fmt call, which showed in profiles). The ranges are the UF's, not the
// city's: plausible for the UF, not a real street.
func (c *city) cep(r *rand.Rand) string {
	if len(c.ceps) == 0 {
		return ""
	}
	rg := c.ceps[r.IntN(len(c.ceps))]
	var b [8]byte
	putDigits(b[:], uint64(rg.First+r.IntN(rg.Last-rg.First+1)))
	return string(b[:])
}

// places draws a UF by population and a municipality within it.
type places struct {
	ufs    []string
	ufPick picker
	cities [][]city
	pick   []picker
}

// newPlaces builds the tables from package geo. Within a UF the capital
// weighs three times any other city geo lists, and a city whose time zone
// differs from its UF's (Fernando de Noronha, western Amazonas) is rare,
// present so that demo data exercises every Brazilian zone.
func newPlaces() (*places, error) {
	p := &places{}
	var weights []int
	for _, u := range geo.UFs() {
		pop, ok := ufPopulation[u.Code]
		if !ok {
			return nil, fmt.Errorf("demo: no population for UF %s", u.Code)
		}
		cs := geo.Cities(u.Code)
		if len(cs) == 0 {
			cs = []geo.Municipality{u.Capital}
		}
		var list []city
		var cw []int
		for i, m := range cs {
			zone, err := geo.ZoneName(u.Code, m.Code)
			if err != nil {
				return nil, fmt.Errorf("demo: zone of %s (%s): %w", m.Name, m.Code, err)
			}
			w := 10
			switch {
			case i == 0:
				w = 30
			case zone != u.Zone:
				w = 1
			}
			list = append(list, city{name: m.Name, code: m.Code, uf: u.Code, zone: zone, ceps: geo.CEPRanges(u.Code)})
			cw = append(cw, w)
		}
		p.ufs = append(p.ufs, u.Code)
		weights = append(weights, pop/10)
		p.cities = append(p.cities, list)
		p.pick = append(p.pick, newPicker(cw))
	}
	p.ufPick = newPicker(weights)
	return p, nil
}

// draw returns a municipality drawn by population.
func (p *places) draw(r *rand.Rand) *city {
	u := p.ufPick.pick(r)
	return &p.cities[u][p.pick[u].pick(r)]
}
