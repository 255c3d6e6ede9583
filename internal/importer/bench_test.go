package importer

import (
	"bytes"
	"context"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system time: on a busy machine wall-clock
// rates mislead, CPU time per row does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var (
	benchOnce sync.Once
	benchData []byte
	benchRows int
)

const benchN = 200_000

func benchCSV() ([]byte, int) {
	benchOnce.Do(func() {
		var b bytes.Buffer
		benchRows = writeGenCSV(&b, benchN, 42)
		benchData = b.Bytes()
	})
	return benchData, benchRows
}

// BenchmarkParse measures the importer alone (reading, checking, batching)
// against a store that discards the rows: rows/s is the parse ceiling.
func BenchmarkParse(b *testing.B) {
	data, n := benchCSV()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		s, err := Run(context.Background(), &memStore{}, 1, 1, bytes.NewReader(data), Options{Now: fixedNow})
		if err != nil || s.Rejected != 0 || s.Inserted != n {
			b.Fatalf("%v %+v", err, s.Rejects)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(n)*float64(b.N)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
}

// BenchmarkReadRecords measures the CSV layer alone.
func BenchmarkReadRecords(b *testing.B) {
	data, n := benchCSV()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		src, err := openSource(bytes.NewReader(data), "", 0)
		if err != nil {
			b.Fatal(err)
		}
		rr := newRecordReader(src)
		var rec record
		got := 0
		for rr.next(&rec) == nil {
			got++
		}
		if got != n+1 {
			b.Fatalf("%d records", got)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
