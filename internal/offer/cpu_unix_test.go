//go:build unix

package offer

import (
	"syscall"
	"time"
)

// processCPU is this process's CPU time: benchmarks report it as cpu-ns/op
// beside wall time, which other load on a shared machine inflates.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
