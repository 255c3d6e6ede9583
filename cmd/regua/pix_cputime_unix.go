//go:build unix

package main

import (
	"syscall"
	"time"
)

// processCPUTime is the CPU time (user + system) this process has used,
// so that benchmarks can report work per CPU-second on a shared machine.
func processCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
