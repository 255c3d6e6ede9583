package holiday

import (
	"fmt"
	"slices"
	"sync"
)

// The years for which sets keep a precomputed day bitmap. Dates outside
// are answered by computing the rules on the spot (slower, still right).
const (
	FirstYear = 1970
	LastYear  = 2199
)

var (
	firstDate = DateOf(FirstYear, 1, 1)
	endDate   = DateOf(LastYear+1, 1, 1)
)

// Holiday is one occurrence of a rule.
type Holiday struct {
	Date Date
	Rule *Rule
}

// Set is the holidays of one place at one level (a country's national
// days, a state's, a city's, or a tenant's additions). It is immutable
// once built and safe for concurrent use; the bitmap is built on first use.
type Set struct {
	Name  string // e.g. "BR", "BR-SP", "3550308 São Paulo"
	Rules []*Rule

	once sync.Once
	bits []uint64  // one bit per day from firstDate to endDate
	days []Holiday // sorted by date, for names
}

// NewSet checks the rules and returns a set; the error names the rule.
func NewSet(name string, rules []*Rule) (*Set, error) {
	for i, r := range rules {
		if err := r.compile(); err != nil {
			return nil, fmt.Errorf("%s: rule %d (%s): %w", name, i, r.Name, err)
		}
	}
	return &Set{Name: name, Rules: rules}, nil
}

func mustSet(name string, rules []*Rule) *Set {
	s, err := NewSet(name, rules)
	if err != nil {
		panic(err)
	}
	return s
}

func (s *Set) build() {
	s.once.Do(func() {
		n := int(endDate - firstDate)
		s.bits = make([]uint64, (n+63)/64)
		for y := FirstYear; y <= LastYear; y++ {
			for _, r := range s.Rules {
				if d, ok := r.On(y); ok && d >= firstDate && d < endDate {
					i := int(d - firstDate)
					s.bits[i>>6] |= 1 << (uint(i) & 63)
					s.days = append(s.days, Holiday{d, r})
				}
			}
		}
		slices.SortStableFunc(s.days, func(a, b Holiday) int { return int(a.Date - b.Date) })
	})
}

// Has reports whether any holiday of the set falls on d. It does not
// allocate for dates inside FirstYear…LastYear.
func (s *Set) Has(d Date) bool {
	if s == nil {
		return false
	}
	if d < firstDate || d >= endDate {
		return len(s.slowOn(d)) > 0
	}
	s.build()
	i := int(d - firstDate)
	return s.bits[i>>6]&(1<<(uint(i)&63)) != 0
}

// On returns the holidays falling on d (usually none or one). The result
// shares memory with the set; do not modify it.
func (s *Set) On(d Date) []Holiday {
	if s == nil {
		return nil
	}
	if d < firstDate || d >= endDate {
		return s.slowOn(d)
	}
	s.build()
	i, found := slices.BinarySearchFunc(s.days, d, func(h Holiday, d Date) int { return int(h.Date - d) })
	if !found {
		return nil
	}
	j := i
	for j < len(s.days) && s.days[j].Date == d {
		j++
	}
	return s.days[i:j:j]
}

func (s *Set) slowOn(d Date) []Holiday {
	var out []Holiday
	for _, r := range s.Rules {
		if x, ok := r.On(d.Year()); ok && x == d {
			out = append(out, Holiday{d, r})
		}
	}
	return out
}

// Year lists the set's holidays in year, by date.
func (s *Set) Year(year int) []Holiday {
	if s == nil {
		return nil
	}
	var out []Holiday
	for _, r := range s.Rules {
		if d, ok := r.On(year); ok {
			out = append(out, Holiday{d, r})
		}
	}
	slices.SortStableFunc(out, func(a, b Holiday) int { return int(a.Date - b.Date) })
	return out
}
