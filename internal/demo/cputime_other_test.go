//go:build !unix

package demo

import "time"

// cpuTime is unknown here; the CPU-second metric is then left out.
func cpuTime() time.Duration { return 0 }
