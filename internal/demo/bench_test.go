package demo

import (
	"io"
	"testing"

	"github.com/regua/regua/internal/date"
)

var benchAsOf = date.New(2026, 11, 24)

// BenchmarkGenerate reports installment rows per second of Generate.
func BenchmarkGenerate(b *testing.B) {
	rows := 0
	b.ReportAllocs()
	for b.Loop() {
		err := Generate(Options{Seed: 7, Debtors: 10000, AsOf: benchAsOf}, func(Row) error { rows++; return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// countingWriter counts bytes, so the CSV benchmark measures generation
// and formatting, not a disk.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkWriteCSV reports installment rows per second and bytes per row
// of WriteCSV.
func BenchmarkWriteCSV(b *testing.B) {
	rows := 0
	if err := Generate(Options{Seed: 7, Debtors: 10000, AsOf: benchAsOf}, func(Row) error { rows++; return nil }); err != nil {
		b.Fatal(err)
	}
	w := &countingWriter{}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if err := WriteCSV(w, Options{Seed: 7, Debtors: 10000, AsOf: benchAsOf}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(rows*n)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(w.n)/float64(rows*n), "B/row")
}
