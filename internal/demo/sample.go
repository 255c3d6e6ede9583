package demo

import (
	"math"
	"math/rand/v2"
)

// picker draws an index of a weighted list in O(1): the list is expanded
// so that each index appears as many times as its weight.
type picker []uint16

func newPicker(weights []int) picker {
	var p picker
	for i, w := range weights {
		for range w {
			p = append(p, uint16(i))
		}
	}
	if len(p) == 0 {
		panic("demo: picker with no weight")
	}
	return p
}

func (p picker) pick(r *rand.Rand) int { return int(p[r.IntN(len(p))]) }

// list is a weighted list of strings with its picker.
type list struct {
	s []string
	p picker
}

func newList(ws []weighted) list {
	l := list{s: make([]string, len(ws))}
	w := make([]int, len(ws))
	for i, e := range ws {
		l.s[i], w[i] = e.s, e.w
	}
	l.p = newPicker(w)
	return l
}

func (l list) pick(r *rand.Rand) string { return l.s[l.p.pick(r)] }

// quantiles is a distribution kept as its inverse CDF sampled at 1024
// evenly spaced probabilities, in integer units (centavos, days). Drawing
// interpolates between neighbours with integer arithmetic, so a seed gives
// the same values on every architecture: floating point runs only once, at
// start, and is rounded to integers there (a last-bit difference of math.Exp
// between platforms would have to fall exactly on a half unit to show).
type quantiles [quantileSteps + 1]int64

const quantileSteps = 1024

// lognormal returns the quantiles of a log-normal distribution with the
// given median and shape sigma, clamped to [lo, hi]: most values near the
// median, a long tail to the right, as debt amounts and days past due are.
func lognormal(median, sigma float64, lo, hi int64) *quantiles {
	var q quantiles
	for i := range q {
		u := float64(i) / quantileSteps
		var v float64
		switch i {
		case 0:
			v = float64(lo)
		case quantileSteps:
			v = float64(hi)
		default:
			z := math.Sqrt2 * math.Erfinv(2*u-1)
			v = median * math.Exp(sigma*z)
		}
		n := int64(math.Round(v))
		q[i] = min(max(n, lo), hi)
	}
	return &q
}

// draw returns one value distributed as q.
func (q *quantiles) draw(r *rand.Rand) int64 {
	u := r.Uint64()
	i := u >> 54                      // top 10 bits: the step
	frac := int64(u>>22) & 0xffffffff // next 32 bits: where within it
	a, b := q[i], q[i+1]
	return a + ((b-a)*frac)>>32
}

// chance reports true with probability pct/1000.
func chance(r *rand.Rand, permille int) bool { return r.IntN(1000) < permille }

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// mix64 is the SplitMix64 finaliser: it spreads a seed and a debtor index
// into independent-looking PCG state words, so that neighbouring debtors'
// streams share nothing visible.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
