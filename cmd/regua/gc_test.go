package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestBulkGC(t *testing.T) {
	for _, c := range []struct {
		name      string
		env       map[string]string
		wantGC    int
		wantLimit int64
	}{
		{"nothing set", nil, 400, 200 << 20},
		{"GOGC set by the user", map[string]string{"GOGC": "50"}, 100, math.MaxInt64},
		{"GOMEMLIMIT set by the user", map[string]string{"GOMEMLIMIT": "1GiB"}, 100, math.MaxInt64},
	} {
		t.Run(c.name, func(t *testing.T) {
			prevGC, prevLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
			defer func() { debug.SetGCPercent(prevGC); debug.SetMemoryLimit(prevLimit) }()
			restore := bulkGC(func(k string) string { return c.env[k] })
			gc, limit := debug.SetGCPercent(-2), debug.SetMemoryLimit(-1)
			debug.SetGCPercent(gc)
			if gc != c.wantGC || limit != c.wantLimit {
				t.Errorf("during: GOGC %d, limit %d; want %d, %d", gc, limit, c.wantGC, c.wantLimit)
			}
			restore()
			if gc, limit := debug.SetGCPercent(-2), debug.SetMemoryLimit(-1); gc != 100 || limit != math.MaxInt64 {
				t.Errorf("after: GOGC %d, limit %d", gc, limit)
			}
		})
	}
}
