package demo

import (
	"runtime"
	"sync"

	"github.com/regua/regua/internal/store"
)

// chunkDebtors is how many debtors a worker generates at a time.
const chunkDebtors = 256

// chunk is the output of consecutive debtors: rows for Generate, CSV
// bytes for WriteCSV. Chunks are recycled, so memory stays bounded by the
// chunks in flight whatever the portfolio's size.
type chunk struct {
	first, n int
	rows     []Row
	csv      []byte
	done     chan struct{}
}

// produce generates opts' debtors chunk by chunk with fill, on
// opts.Workers goroutines, and hands the chunks to consume in debtor
// order. Every debtor has its own random stream, so the output does not
// depend on the number of workers. consume's first error stops the work
// and is returned.
func produce(opts Options, fill func(g *generator, c *chunk), consume func(c *chunk) error) error {
	if err := opts.check(); err != nil {
		return err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, (opts.Debtors+chunkDebtors-1)/chunkDebtors)
	if workers <= 1 {
		g, err := newGenerator(opts)
		if err != nil {
			return err
		}
		c := &chunk{}
		for off := 0; off < opts.Debtors; off += chunkDebtors {
			c.first, c.n = opts.First+off, min(chunkDebtors, opts.Debtors-off)
			fill(g, c)
			if err := consume(c); err != nil {
				return err
			}
		}
		return nil
	}

	inflight := 2 * workers
	jobs := make(chan *chunk, inflight)
	order := make(chan *chunk, inflight)
	free := make(chan *chunk, inflight)
	for range inflight {
		free <- &chunk{}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		g, err := newGenerator(opts)
		if err != nil {
			close(jobs)
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				fill(g, c)
				close(c.done)
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(jobs)
		for off := 0; off < opts.Debtors; off += chunkDebtors {
			var c *chunk
			select {
			case c = <-free:
			case <-stop:
				return
			}
			c.first, c.n, c.done = opts.First+off, min(chunkDebtors, opts.Debtors-off), make(chan struct{})
			// Neither blocks: at most inflight chunks exist.
			jobs <- c
			order <- c
		}
	}()
	var err error
	for c := range order {
		<-c.done
		if err == nil {
			if err = consume(c); err != nil {
				close(stop)
			}
		}
		free <- c
	}
	wg.Wait()
	return err
}

// fillRows generates chunk c's debtors as rows (Line is set by the
// consumer, which alone knows how many rows came before).
func fillRows(g *generator, c *chunk) {
	c.rows = c.rows[:0]
	for i := range c.n {
		rec := g.debtor(c.first + i)
		for di := range rec.debts {
			d := &rec.debts[di]
			for ii := range d.insts {
				in := &d.insts[ii]
				c.rows = append(c.rows, Row{
					Portfolio: d.portfolio,
					ImportRow: store.ImportRow{
						Debtor:      rec.debtor,
						Contacts:    rec.contacts,
						Debt:        d.debt,
						Installment: in.inst,
					},
					Disputed: d.disputed,
					Payments: in.payments,
				})
			}
		}
	}
}

// fillCSV generates chunk c's debtors as CSV lines.
func fillCSV(g *generator, c *chunk) {
	g.csvOnly = true
	c.csv = c.csv[:0]
	for i := range c.n {
		c.csv = appendDebtorCSV(c.csv, g.debtor(c.first+i), &g.scratch)
	}
}
