// Package offerbench times offer menus over the demo portfolio for
// `regua bench offers`: it generates the demo debtors, turns each one's
// debts into a menu request (untimed), then times generating the menus
// against a bare loop that only reads the same debts.
package offerbench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/demo"
	"github.com/regua/regua/internal/offer"
)

// Options say what to run.
type Options struct {
	Debtors int
	Seed    uint64
	AsOf    date.Date
	// Chunk is how many debtors are converted before each timed pass, to
	// keep memory bounded (the demo makes about 3 installments a debtor).
	Chunk int
}

// Result is what the run measured.
type Result struct {
	Debtors, Menus, Skipped, Offers, Installments int
	Setup                                         time.Duration // generating and converting the demo
	Menu, Bare                                    time.Duration // wall time of the timed loops
	MenuCPU, BareCPU                              time.Duration // process CPU time of the loops, GC included (0 where unsupported)
	Sink                                          int64         // keeps the bare loop from being optimised away
}

// MenusPerSec is menus a second, by CPU time when measured.
func (r Result) MenusPerSec() float64 {
	d := r.Menu
	if r.MenuCPU > 0 {
		d = r.MenuCPU
	}
	return float64(r.Menus+r.Skipped) / d.Seconds()
}

// BarePerSec is debtors read a second by the bare loop.
func (r Result) BarePerSec() float64 {
	d := r.Bare
	if r.BareCPU > 0 {
		d = r.BareCPU
	}
	return float64(r.Menus+r.Skipped) / d.Seconds()
}

var one = rate.MustParse("1%am")

// TermsFor returns the late-payment terms the demo gives a product: a 2%
// fine and 1% a month simple interest everywhere, under the caps of its
// kind of contract.
func TermsFor(product string) charge.Terms {
	preset := "br-consumer"
	switch product {
	case "credit_card":
		preset = "br-card"
	case "personal_loan":
		preset = "br-bank"
	}
	caps, _ := charge.Preset(preset)
	i := one
	return charge.Terms{Fine: rate.MustParse("2%"), Interest: &i, Caps: caps}
}

// Run generates the demo portfolio and times the menus.
func Run(ctx context.Context, opts Options) (Result, error) {
	if opts.Debtors < 1 {
		return Result{}, fmt.Errorf("offerbench: debtors must be positive")
	}
	if opts.Chunk <= 0 {
		opts.Chunk = 20_000
	}
	set := offer.DemoPolicies()
	var res Result
	for first := 0; first < opts.Debtors; first += opts.Chunk {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		n := min(opts.Chunk, opts.Debtors-first)
		t0 := time.Now()
		reqs, err := load(opts, first, n)
		if err != nil {
			return res, err
		}
		res.Setup += time.Since(t0)
		res.Debtors += len(reqs)

		c0, w0 := processCPU(), time.Now()
		for i := range reqs {
			m, err := offer.Generate(reqs[i], set)
			if err != nil {
				if strings.Contains(err.Error(), "owes nothing") {
					res.Skipped++
					continue
				}
				return res, fmt.Errorf("debtor %s: %w", reqs[i].Debtor.ID, err)
			}
			res.Menus++
			res.Offers += len(m.Offers)
		}
		res.Menu += time.Since(w0)
		res.MenuCPU += processCPU() - c0

		c0, w0 = processCPU(), time.Now()
		for i := range reqs {
			res.Sink += bare(&reqs[i])
		}
		res.Bare += time.Since(w0)
		res.BareCPU += processCPU() - c0
	}
	return res, nil
}

// bare reads what a menu reads (every installment's amount, due date and
// payments) and nothing more.
func bare(r *offer.Request) int64 {
	var s int64
	for _, d := range r.Debts {
		for _, in := range d.Installments {
			s += int64(in.Amount) + int64(r.AsOf.DaysUntil(in.Due))
			for _, p := range in.Payments {
				s += int64(p.Amount)
			}
		}
	}
	return s
}

// load turns debtors [first, first+n) of the demo into menu requests.
func load(opts Options, first, n int) ([]offer.Request, error) {
	var reqs []offer.Request
	var cur *offer.Request
	debtorIdx := map[string]int{}
	err := demo.Generate(demo.Options{Seed: opts.Seed, Debtors: n, First: first, AsOf: opts.AsOf, Workers: 1}, func(r demo.Row) error {
		if r.Disputed {
			return nil // collection pauses on a dispute: no offers
		}
		ext := r.Debtor.ExtID
		if cur == nil || cur.Debtor.ID != ext {
			reqs = append(reqs, offer.Request{Debtor: offer.Debtor{ID: ext, Portfolio: r.Portfolio}, AsOf: opts.AsOf})
			cur = &reqs[len(reqs)-1]
			clear(debtorIdx)
		}
		di, ok := debtorIdx[r.Debt.ContractNumber]
		if !ok {
			di = len(cur.Debts)
			debtorIdx[r.Debt.ContractNumber] = di
			cur.Debts = append(cur.Debts, charge.Debt{ID: r.Debt.ContractNumber, Product: r.Debt.Product, Terms: TermsFor(r.Debt.Product)})
		}
		in := charge.Installment{Number: r.Installment.Number, Due: r.Installment.DueDate, Amount: r.Installment.Amount}
		for _, p := range r.Payments {
			in.Payments = append(in.Payments, charge.Payment{Date: date.Of(p.PaidAt), Amount: p.Amount})
		}
		if len(in.Payments) == 0 && r.Installment.Paid > 0 {
			in.Payments = []charge.Payment{{Date: r.Installment.DueDate, Amount: min(r.Installment.Paid, r.Installment.Amount)}}
		}
		cur.Debts[di].Installments = append(cur.Debts[di].Installments, in)
		return nil
	})
	return reqs, err
}
