package policy

import "math/bits"

// dayMask holds one bit per minute of a local day: bit m set means the
// minute [m, m+1) is open for contact.
type dayMask [23]uint64

func (m *dayMask) setRange(from, to Clock) {
	for i := int(from); i < int(to); i++ {
		m[i>>6] |= 1 << (uint(i) & 63)
	}
}

func (m *dayMask) clearRange(from, to Clock) {
	for i := int(from); i < int(to); i++ {
		m[i>>6] &^= 1 << (uint(i) & 63)
	}
}

func (m *dayMask) has(min int) bool {
	return min >= 0 && min < 1440 && m[min>>6]&(1<<(uint(min)&63)) != 0
}

func (m *dayMask) and(o *dayMask) {
	for i := range m {
		m[i] &= o[i]
	}
}

func (m *dayMask) andNot(o *dayMask) {
	for i := range m {
		m[i] &^= o[i]
	}
}

func (m *dayMask) empty() bool {
	for _, w := range m {
		if w != 0 {
			return false
		}
	}
	return true
}

// next returns the first open minute ≥ from, or -1.
func (m *dayMask) next(from int) int {
	if from < 0 {
		from = 0
	}
	for i := from >> 6; i < len(m); i++ {
		w := m[i]
		if i == from>>6 {
			w &= ^uint64(0) << (uint(from) & 63)
		}
		if w != 0 {
			v := i<<6 + bits.TrailingZeros64(w)
			if v >= 1440 {
				return -1
			}
			return v
		}
	}
	return -1
}

// nextClear returns the first closed minute ≥ from, or 1440.
func (m *dayMask) nextClear(from int) int {
	if from < 0 {
		from = 0
	}
	for i := from >> 6; i < len(m); i++ {
		w := ^m[i]
		if i == from>>6 {
			w &= ^uint64(0) << (uint(from) & 63)
		}
		if w != 0 {
			return min(i<<6+bits.TrailingZeros64(w), 1440)
		}
	}
	return 1440
}

// spanAround returns the open span containing minute min, or the next open
// span after it, for explanations ("allowed 09:00–21:00").
func (m *dayMask) spanAround(min int) (Span, bool) {
	var last Span
	found := false
	s := m.next(0)
	for s >= 0 {
		e := m.nextClear(s)
		if e > min {
			return Span{Clock(s), Clock(e)}, true
		}
		last, found = Span{Clock(s), Clock(e)}, true
		s = m.next(e)
	}
	return last, found
}

// spans lists the open spans of the day.
func (m *dayMask) spans() []Span {
	var out []Span
	s := m.next(0)
	for s >= 0 {
		e := m.nextClear(s)
		out = append(out, Span{Clock(s), Clock(e)})
		s = m.next(e)
	}
	return out
}
