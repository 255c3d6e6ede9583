// Package bench holds the whole-workload benchmarks behind `regua bench`:
// each measures Régua's path beside a bare baseline on the same data, in the
// same run, and reports figures, never judgements.
package bench

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ResetPeakRSS clears the kernel's high-water mark of this process's
// resident memory so that the next PeakRSS covers only what follows
// (Linux; elsewhere it does nothing).
func ResetPeakRSS() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// PeakRSS returns the process's peak resident memory in bytes since start
// or the last ResetPeakRSS (Linux VmHWM; 0 where unknown).
func PeakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "VmHWM:") {
			fields := strings.Fields(line)
			if len(fields) >= 2 {
				kb, _ := strconv.ParseInt(fields[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// MB formats bytes as mebibytes.
func MB(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MB" }

// CPUTime returns the user+system CPU time this process has used so far.
// On a shared machine, rows per CPU-second is the figure that other
// processes' load does not distort.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
