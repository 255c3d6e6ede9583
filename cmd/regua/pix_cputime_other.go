//go:build !unix

package main

import "time"

// processCPUTime is not measured on this platform; benchmarks fall back to
// wall-clock time.
func processCPUTime() (time.Duration, bool) { return 0, false }
