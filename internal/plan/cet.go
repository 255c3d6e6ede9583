package plan

import (
	"errors"
	"fmt"
	"math"

	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

// Flow is one payment the debtor makes under a plan.
type Flow struct {
	Date   date.Date
	Amount money.Money
}

// Cost is the cost of a plan seen as the rate that makes the payments worth
// the amount owed at the start: the effective monthly rate (commercial
// 30-day months) and a CET-style yearly rate (custo efetivo total: 365-day
// years, as Res. CMN 3.517/2007 computes CET).
//
// These are statistics for people to compare offers, not amounts: they come
// from a float64 root search and are rounded to 0.0001% on the rate grid.
// Every amount of money in this package is exact.
type Cost struct {
	EffectiveMonthly rate.Rate `json:"effective_monthly"`
	CETYearly        rate.Rate `json:"cet_yearly"`
}

// CostOf solves for the rates at which flows, discounted from start, are
// worth owed. With no flows, or flows that do not cover owed (a discount
// beyond the interest), the rate is zero: the plan costs nothing.
func CostOf(owed money.Money, start date.Date, flows []Flow) (Cost, error) {
	if owed <= 0 {
		return Cost{}, fmt.Errorf("plan: cost of a plan needs a positive amount owed, got %s", owed)
	}
	// One root search for the daily rate; the monthly (30-day) and yearly
	// (365-day) rates are the same rate compounded over those periods.
	d, err := irr(owed, start, flows, 1)
	if err != nil {
		return Cost{}, err
	}
	m := math.Pow(1+d, 30) - 1
	y := math.Pow(1+d, 365) - 1
	var c Cost
	if c.EffectiveMonthly, err = quantise(m, rate.Monthly); err != nil {
		return Cost{}, err
	}
	if c.CETYearly, err = quantise(y, rate.Yearly); err != nil {
		return Cost{}, err
	}
	return c, nil
}

// quantise puts a float rate on the grid at 0.0001% (six decimals of the
// fraction), clamping tiny negatives from the root search to zero.
func quantise(f float64, p rate.Period) (rate.Rate, error) {
	if f < 0 || math.IsNaN(f) {
		f = 0
	}
	if f > 1e6 {
		return rate.Rate{}, fmt.Errorf("plan: cost rate %g is not plausible", f)
	}
	return rate.New(int64(math.Round(f*1e6))*(rate.Scale/1_000_000), p)
}

// irr finds r ≥ 0 with Σ amount_j / (1+r)^(days_j/basis) = owed: Newton
// steps kept inside a shrinking bracket (bisection when a step leaves it),
// so it never diverges and stops in a handful of iterations.
func irr(owed money.Money, start date.Date, flows []Flow, basis float64) (float64, error) {
	type tf struct{ t, a float64 }
	fs := make([]tf, 0, len(flows))
	total := 0.0
	d0 := dayNumber(start)
	for _, f := range flows {
		d := dayNumber(f.Date) - d0
		if d < 0 {
			return 0, fmt.Errorf("plan: payment of %s on %s is before the start %s", f.Amount, f.Date, start)
		}
		fs = append(fs, tf{float64(d) / basis, float64(f.Amount)})
		total += float64(f.Amount)
	}
	target := float64(owed)
	if total <= target {
		return 0, nil
	}
	// g(r) = PV(r) − owed falls as r grows; g(0) > 0.
	g := func(r float64) (v, dv float64) {
		lr := math.Log1p(r)
		for _, f := range fs {
			x := math.Exp(-f.t * lr)
			v += f.a * x
			dv -= f.t * f.a * x / (1 + r)
		}
		return v - target, dv
	}
	// Start from the simple-interest estimate: total/owed − 1 spread over
	// the amount-weighted mean time.
	var tw float64
	for _, f := range fs {
		tw += f.t * f.a
	}
	guess := 0.0
	if tw > 0 {
		guess = (total/target - 1) / (tw / total)
	}
	lo, hi := 0.0, math.Max(2*guess, 1e-9)
	for v, _ := g(hi); v > 0; v, _ = g(hi) {
		lo = hi
		hi *= 2
		if hi > 1e9 {
			return 0, errors.New("plan: cost rate does not converge (payments far above the amount owed)")
		}
	}
	r := min(guess, (lo+hi)/2)
	if r <= lo {
		r = (lo + hi) / 2
	}
	for i := 0; i < 100; i++ {
		v, dv := g(r)
		if v > 0 {
			lo = r
		} else {
			hi = r
		}
		next := r - v/dv
		if dv == 0 || next <= lo || next >= hi || math.IsNaN(next) {
			next = (lo + hi) / 2
		}
		if math.Abs(next-r) < 1e-12*math.Max(r, 1e-6) || hi-lo < 1e-15 {
			return next, nil
		}
		r = next
	}
	return r, nil
}
