// Package policybench is the whole-workload benchmark behind `regua bench
// policy`: it builds a demo portfolio (internal/demo), converts every
// debtor into the engine's input once, then times millions of Decide calls
// against a bare loop that reads exactly the same inputs, so the figure is
// the engine's own cost.
package policybench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/demo"
	"github.com/regua/regua/internal/policy"
	"github.com/regua/regua/internal/policy/adapt"
)

// Options say what to run.
type Options struct {
	Debtors   int       // demo debtors (default 1,000,000)
	Decisions int       // decisions to time (default 10,000,000)
	Seed      uint64    // demo seed
	AsOf      date.Date // demo as-of date (default 2026-11-24, so runs compare)
	Preset    string    // jurisdiction preset (default BR)
	Workers   int       // goroutines in the timed loops (default 1: per-core figure)
	Histories int       // distinct 30-day histories shared by the debtors (default 4096)
}

// Result is what a run measured.
type Result struct {
	Options
	Setup              time.Duration // demo generation and conversion
	Decide, Bare       time.Duration // wall time of the timed loops
	DecideCPU, BareCPU time.Duration // process CPU of the timed loops (0 when unknown)
	Allowed, Never     int
	MeanHistory        float64
	ZonesSeen, UFsSeen int
	sink               int64
}

// DecisionsPerSec is the engine's throughput over wall time.
func (r Result) DecisionsPerSec() float64 { return float64(r.Decisions) / r.Decide.Seconds() }

// Ratio is how many bare-loop iterations one decision costs.
func (r Result) Ratio() float64 {
	if r.Bare <= 0 {
		return 0
	}
	return float64(r.Decide) / float64(r.Bare)
}

func (o *Options) defaults() {
	if o.Debtors <= 0 {
		o.Debtors = 1_000_000
	}
	if o.Decisions <= 0 {
		o.Decisions = 10_000_000
	}
	if o.AsOf.IsZero() {
		o.AsOf = date.New(2026, 11, 24)
	}
	if o.Preset == "" {
		o.Preset = "BR"
	}
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.Histories <= 0 {
		o.Histories = 4096
	}
}

// Run builds the portfolio and times the loops.
func Run(ctx context.Context, opts Options) (Result, error) {
	opts.defaults()
	res := Result{Options: opts}
	p, err := policy.Preset(opts.Preset)
	if err != nil {
		return res, err
	}
	t0 := time.Now()
	debtors, err := load(ctx, opts)
	if err != nil {
		return res, err
	}
	zones, ufs := map[string]bool{}, map[string]bool{}
	for i := range debtors {
		zones[debtors[i].Zone] = true
		ufs[debtors[i].UF] = true
	}
	res.ZonesSeen, res.UFsSeen = len(zones), len(ufs)
	base := opts.AsOf.In(time.UTC).Add(12 * time.Hour) // noon UTC of the as-of date
	hists := histories(opts.Seed, opts.Histories, base)
	n := 0
	for _, h := range hists {
		n += len(h)
	}
	res.MeanHistory = float64(n) / float64(len(hists))
	res.Setup = time.Since(t0)
	if err := ctx.Err(); err != nil {
		return res, err
	}

	runtime.GC()
	c0 := processCPU()
	t1 := time.Now()
	var mu sync.Mutex
	parallel(opts.Workers, opts.Decisions, func(from, to int) {
		var dec policy.Decision
		allowed, never := 0, 0
		for k := from; k < to; k++ {
			d, ch, h, at := pick(debtors, hists, base, k)
			p.DecideInto(&dec, d, ch, "", h, at)
			if dec.Allowed {
				allowed++
			} else if dec.Never {
				never++
			}
		}
		mu.Lock()
		res.Allowed += allowed
		res.Never += never
		mu.Unlock()
	})
	res.Decide = time.Since(t1)
	c1 := processCPU()

	t2 := time.Now()
	parallel(opts.Workers, opts.Decisions, func(from, to int) {
		var sum int64
		for k := from; k < to; k++ {
			d, ch, h, at := pick(debtors, hists, base, k)
			// Touch what Decide reads first: place, zone, flags, segment,
			// the history's times, the instant.
			sum += int64(d.City) + int64(len(d.UF)) + int64(len(d.OptOuts)) + int64(d.Segment.Overdue) + int64(ch) + at.Unix()
			if d.Loc != nil && d.Flags.Dispute {
				sum++
			}
			for i := range h {
				sum += h[i].At.Unix()
			}
		}
		mu.Lock()
		res.sink += sum
		mu.Unlock()
	})
	res.Bare = time.Since(t2)
	c2 := processCPU()
	if c0 > 0 && c2 > 0 {
		res.DecideCPU, res.BareCPU = c1-c0, c2-c1
	}
	return res, nil
}

var channels = [...]policy.Channel{policy.SMS, policy.Email, policy.WhatsApp, policy.Voice, policy.Call}

// pick chooses the k-th decision's inputs: debtors round-robin, a channel,
// an instant spread over the week after the as-of date (minute steps, so
// quiet hours, weekends and holidays all occur) and a shared history.
func pick(debtors []policy.Debtor, hists [][]policy.Attempt, base time.Time, k int) (*policy.Debtor, policy.Channel, []policy.Attempt, time.Time) {
	d := &debtors[k%len(debtors)]
	round := k / len(debtors)
	ch := channels[(k+round)%len(channels)]
	at := base.Add(time.Duration((uint64(k)*7919)%(7*24*60)) * time.Minute)
	h := hists[(uint64(k)*2654435761>>7)%uint64(len(hists))]
	return d, ch, h, at
}

func parallel(workers, n int, f func(from, to int)) {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		from, to := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() { defer wg.Done(); f(from, to) }()
	}
	wg.Wait()
}

// histories makes deterministic 30-day contact histories before base:
// 0–20 attempts each, mixed channels and two debts, some conversations.
func histories(seed uint64, n int, base time.Time) [][]policy.Attempt {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	out := make([][]policy.Attempt, n)
	for i := range out {
		m := r.IntN(21)
		h := make([]policy.Attempt, m)
		for j := range h {
			o := policy.Attempted
			if r.IntN(7) == 0 {
				o = policy.Conversation
			}
			h[j] = policy.Attempt{
				ID:      fmt.Sprintf("h%d-%d", i, j),
				At:      base.Add(-time.Duration(r.IntN(30*24*60)) * time.Minute),
				Channel: channels[r.IntN(len(channels))],
				Debt:    [...]string{"D1", "D2"}[r.IntN(2)],
				Outcome: o,
			}
		}
		out[i] = h
	}
	return out
}

// load generates the demo portfolio in parallel parts and converts each
// debtor once, as dispatch would.
func load(ctx context.Context, opts Options) ([]policy.Debtor, error) {
	debtors := make([]policy.Debtor, opts.Debtors)
	parts := runtime.GOMAXPROCS(0)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for w := 0; w < parts; w++ {
		from, to := opts.Debtors*w/parts, opts.Debtors*(w+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = loadPart(ctx, opts, debtors, from, to)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return debtors, nil
}

func loadPart(ctx context.Context, opts Options, out []policy.Debtor, from, to int) error {
	i := from - 1
	var last string
	loc, _ := policy.Locate("America/Sao_Paulo")
	err := demo.Generate(demo.Options{Seed: opts.Seed, Debtors: to - from, First: from, AsOf: opts.AsOf}, func(row demo.Row) error {
		if row.Debtor.ExtID != last || i < from {
			if i >= from {
				if err := out[i].Resolve(); err != nil {
					return err
				}
			}
			i++
			if i%65536 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			last = row.Debtor.ExtID
			out[i] = adapt.Debtor(&row.Debtor, row.Contacts)
		}
		debt := row.Debt
		if row.Disputed {
			out[i].Flags.Dispute = true
		}
		adapt.AddInstallment(&out[i], &debt, &row.Installment, opts.AsOf)
		adapt.AddPayments(&out[i], &row.Installment, row.Payments, opts.AsOf, loc)
		return nil
	})
	if err != nil {
		return err
	}
	if i >= from {
		if err := out[i].Resolve(); err != nil {
			return err
		}
	}
	if i != to-1 {
		return fmt.Errorf("policybench: demo part [%d,%d) gave %d debtors", from, to, i-from+1)
	}
	return nil
}
