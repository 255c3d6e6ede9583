package demo

import (
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
)

var benchAsOf = date.New(2026, 11, 24)

// benchDebtors per iteration: about 30,000 installment rows.
const benchDebtors = 10000

// report adds rows/s and, where the OS tells CPU time, rows/cpu-s.
func report(b *testing.B, rows int, cpu time.Duration) {
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	if cpu > 0 {
		b.ReportMetric(float64(rows)/cpu.Seconds(), "rows/cpu-s")
	}
}

// workerCases run each benchmark on one goroutine and on GOMAXPROCS.
var workerCases = []struct {
	name    string
	workers int
}{{"workers=1", 1}, {"workers=max", 0}}

// BenchmarkGenerate measures Generate in installment rows per second.
func BenchmarkGenerate(b *testing.B) {
	for _, wc := range workerCases {
		b.Run(wc.name, func(b *testing.B) {
			rows := 0
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				err := Generate(Options{Seed: 7, Debtors: benchDebtors, AsOf: benchAsOf, Workers: wc.workers}, func(Row) error { rows++; return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
			report(b, rows, cpuTime()-cpu0)
		})
	}
}

// countingWriter counts bytes, so the CSV benchmark measures generation
// and formatting, not a disk.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkWriteCSV measures WriteCSV in installment rows per second, and
// the bytes per row of the file.
func BenchmarkWriteCSV(b *testing.B) {
	perRun := 0
	if err := Generate(Options{Seed: 7, Debtors: benchDebtors, AsOf: benchAsOf}, func(Row) error { perRun++; return nil }); err != nil {
		b.Fatal(err)
	}
	for _, wc := range workerCases {
		b.Run(wc.name, func(b *testing.B) {
			w := &countingWriter{}
			rows := 0
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if err := WriteCSV(w, Options{Seed: 7, Debtors: benchDebtors, AsOf: benchAsOf, Workers: wc.workers}); err != nil {
					b.Fatal(err)
				}
				rows += perRun
			}
			report(b, rows, cpuTime()-cpu0)
			b.ReportMetric(float64(w.n)/float64(rows), "B/row")
		})
	}
}
