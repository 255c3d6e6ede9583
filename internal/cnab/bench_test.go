package cnab

import (
	"bufio"
	"bytes"
	"sync"
	"testing"
)

// benchRecords is the size of the benchmark file: 100,000 settlements,
// 200,004 lines of CNAB 240 (about 48 MB).
const benchRecords = 100_000

var (
	benchOnce sync.Once
	bench240  []byte
)

func benchFile(b *testing.B) []byte {
	benchOnce.Do(func() { bench240 = validReturn240(b, "341", benchRecords) })
	return bench240
}

// BenchmarkProcess240 is the whole read: validate the file, then read it
// again handing out every record (two passes, bounded memory).
func BenchmarkProcess240(b *testing.B) {
	f := benchFile(b)
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if _, err := Process(bytes.NewReader(f), int64(len(f)), Options{}, func(*Record) error { n++; return nil }); err != nil || n != benchRecords {
			b.Fatal(err, n)
		}
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkValidate240 is pass 1 alone.
func BenchmarkValidate240(b *testing.B) {
	f := benchFile(b)
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Validate(bytes.NewReader(f), Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkReadLines240 only reads the same file line by line: the floor
// the parser is compared with.
func BenchmarkReadLines240(b *testing.B) {
	f := benchFile(b)
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	for b.Loop() {
		sc := bufio.NewScanner(bytes.NewReader(f))
		n := 0
		for sc.Scan() {
			n++
		}
		if n != 2*benchRecords+2+2*3 { // three batches
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
