package policy

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestCPUPerDecision reports CPU time (not wall time) per decision, which
// stays meaningful on a loaded machine. Run with REGUA_CPU_BENCH=1.
func TestCPUPerDecision(t *testing.T) {
	if os.Getenv("REGUA_CPU_BENCH") == "" {
		t.Skip("set REGUA_CPU_BENCH=1")
	}
	b := &testing.B{}
	p, d, h, at := benchSetup(b)
	chans := []Channel{SMS, Email, WhatsApp, Voice, Call}
	const n = 2_000_000
	var dec Decision
	allowed := 0
	c0 := cpuNow()
	for i := 0; i < n; i++ {
		p.DecideInto(&dec, d, chans[i%5], "D1", h, at.Add(time.Duration(i%1440)*7*time.Minute))
		if dec.Allowed {
			allowed++
		}
	}
	c1 := cpuNow()
	per := (c1 - c0) / n
	t.Logf("%d decisions (%d allowed): %v CPU per decision, %.0f decisions/s per core", n, allowed, per, float64(time.Second)/float64(per))
}
