package importer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
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

// BenchmarkParseFile streams a generated file from disk through the
// importer (store discarding rows) and reports the peak RSS of the run:
// REGUA_IMPORT_BENCH_ROWS sets the size (default 200,000). Run it alone:
//
//	REGUA_IMPORT_BENCH_ROWS=1000000 go test ./internal/importer -run '^$' -bench ParseFile -benchtime 1x
func BenchmarkParseFile(b *testing.B) {
	n := 200_000
	if v := os.Getenv("REGUA_IMPORT_BENCH_ROWS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	path := filepath.Join(b.TempDir(), "carteira.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	rows := writeGenCSV(f, n, 42)
	f.Close()
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		s, err := Run(context.Background(), &memStore{}, 1, 1, f, Options{Now: fixedNow})
		f.Close()
		if err != nil || s.Inserted != rows {
			b.Fatalf("%v %+v", err, s)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(rows)*float64(b.N)/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
}

// resetPeakRSS clears the kernel's high-water mark of resident memory
// (Linux; elsewhere a no-op, and the peak covers the whole process).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads VmHWM from /proc/self/status, in bytes (0 when unknown).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkImportSQLite is the end-to-end import into a fresh SQLite file
// (REGUA_IMPORT_BENCH_ROWS rows, default 200,000), then the re-import of the
// same file (all rows unchanged). `regua bench import` is the full
// benchmark with baselines; this one isolates the package's own path.
func BenchmarkImportSQLite(b *testing.B) {
	n := 200_000
	if v := os.Getenv("REGUA_IMPORT_BENCH_ROWS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	path := filepath.Join(b.TempDir(), "carteira.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	rows := writeGenCSV(f, n, 42)
	f.Close()
	for _, phase := range []string{"import", "reimport"} {
		b.Run(phase, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				tg := openTarget(b)
				if phase == "reimport" {
					if _, err := tg.runFile(b, path, Options{}); err != nil {
						b.Fatal(err)
					}
				}
				resetPeakRSS()
				b.StartTimer()
				s, err := tg.runFile(b, path, Options{})
				if err != nil || s.Read != rows || s.Rejected != 0 {
					b.Fatalf("%v %+v", err, s)
				}
				b.ReportMetric(s.RowsPerSecond(), "rows/s")
				b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
			}
		})
	}
}
