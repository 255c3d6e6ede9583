package plan

import (
	"errors"
	"fmt"
	"math"
	"math/big"

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
	m, err := irr(owed, start, flows, 30)
	if err != nil {
		return Cost{}, err
	}
	y, err := irr(owed, start, flows, 365)
	if err != nil {
		return Cost{}, err
	}
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
	r, ok := new(big.Rat).SetString(fmt.Sprintf("%.6f", f))
	if !ok {
		return rate.Rate{}, fmt.Errorf("plan: cannot represent rate %g", f)
	}
	return rate.FromRat(r, p)
}

// irr finds r ≥ 0 with Σ amount_j / (1+r)^(days_j/basis) = owed: Newton
// steps kept inside a shrinking bracket (bisection when a step leaves it),
// so it never diverges and stops in a handful of iterations.
func irr(owed money.Money, start date.Date, flows []Flow, basis float64) (float64, error) {
	type tf struct{ t, a float64 }
	fs := make([]tf, 0, len(flows))
	total := 0.0
	for _, f := range flows {
		d := start.DaysUntil(f.Date)
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
		for _, f := range fs {
			x := math.Pow(1+r, -f.t)
			v += f.a * x
			dv -= f.t * f.a * x / (1 + r)
		}
		return v - target, dv
	}
	lo, hi := 0.0, 1.0
	for v, _ := g(hi); v > 0; v, _ = g(hi) {
		lo = hi
		hi *= 2
		if hi > 1e9 {
			return 0, errors.New("plan: cost rate does not converge (payments far above the amount owed)")
		}
	}
	r := (lo + hi) / 2
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
		if math.Abs(next-r) < 1e-13 || hi-lo < 1e-13 {
			return next, nil
		}
		r = next
	}
	return r, nil
}
