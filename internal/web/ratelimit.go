package web

import (
	"sync"
	"time"
)

// limiter counts events per key in a sliding window, in memory: each key
// keeps the times of its recent events and is allowed while fewer than max
// fall inside the window. It is per process: several `regua serve`
// processes behind a balancer each keep their own count, which multiplies
// the allowance by the number of processes but still stops guessing at
// scale.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string][]time.Time
	swept  time.Time
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, hits: map[string][]time.Time{}}
}

// recent drops events older than the window and returns what is left.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	ts := l.hits[key]
	cut := now.Add(-l.window)
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.hits, key)
	} else {
		l.hits[key] = ts
	}
	return ts
}

// Blocked reports whether key has used its allowance, and when the oldest
// event leaves the window (the earliest moment to try again).
func (l *limiter) Blocked(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.recent(key, now)
	if len(ts) < l.max {
		return false, 0
	}
	return true, ts[len(ts)-l.max].Add(l.window).Sub(now)
}

// Add records one event for key.
func (l *limiter) Add(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.recent(key, now)
	if len(ts) >= 2*l.max { // keep memory per key bounded under a flood
		ts = ts[len(ts)-l.max:]
	}
	l.hits[key] = append(ts, now)
	// Sweep idle keys once per window so the map does not grow with every
	// address that ever tried.
	if now.Sub(l.swept) > l.window {
		l.swept = now
		for k := range l.hits {
			l.recent(k, now)
		}
	}
}

// Reset forgets key (after a successful login for that e-mail).
func (l *limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.hits, key)
	l.mu.Unlock()
}
