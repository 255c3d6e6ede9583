//go:build unix

package offerbench

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system, garbage collector included) of
// this process: other load on the machine does not count.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
