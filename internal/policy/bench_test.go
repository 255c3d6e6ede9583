package policy

import (
	"runtime"
	"testing"
	"time"
)

// cpuMeter reports CPU nanoseconds per operation of the benchmark loop.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU(b *testing.B) cpuMeter {
	runtime.LockOSThread()
	b.ResetTimer()
	t, ok := threadCPU()
	return cpuMeter{t, ok}
}

func (m cpuMeter) stop(b *testing.B) {
	t, ok := threadCPU()
	b.StopTimer()
	runtime.UnlockOSThread()
	if m.ok && ok && b.N > 0 {
		b.ReportMetric(float64(t-m.start)/float64(b.N), "cpu-ns/op")
	}
}

// benchSetup: the BR preset with a tenant cap, a São Paulo debtor (state
// law, municipal holidays, preferences) and 20 attempts over 30 days.
func benchSetup(b *testing.B) (*Policy, *Debtor, []Attempt, time.Time) {
	f, err := ParseBytes([]byte(`{"name":"acme","version":"1","preset":"BR",
		"caps":[{"id":"acme.sms-week","channels":["sms"],"limit":3,"window":"7d"},
		        {"id":"acme.debt-calls","channels":["voice","call"],"scope":"debt","limit":4,"days":7,"when":{"min_dpd":30}}]}`))
	if err != nil {
		b.Fatal(err)
	}
	p, err := Compile(f)
	if err != nil {
		b.Fatal(err)
	}
	d := &Debtor{ID: "123.456.789-09", Country: "BR", UF: "SP", City: 3550308,
		Prefs: Preferences{NotAtWork: true}, Segment: Segment{Overdue: 123456, DaysPastDue: 45, Recurrence: 2}}
	if err := d.Resolve(); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC) // Tue 11:00 in São Paulo
	chans := []Channel{SMS, Email, WhatsApp, Voice, Call}
	var h []Attempt
	for i := 0; i < 20; i++ {
		o := Attempted
		if i%7 == 3 {
			o = Conversation
		}
		h = append(h, Attempt{ID: "att", At: at.Add(-time.Duration(30*24-i*36-5) * time.Hour), Channel: chans[i%len(chans)], Debt: []string{"D1", "D2"}[i%2], Outcome: o})
	}
	return p, d, h, at
}

func BenchmarkDecide(b *testing.B) {
	p, d, h, at := benchSetup(b)
	chans := []Channel{SMS, Email, WhatsApp, Voice, Call}
	b.ReportAllocs()
	m := startCPU(b)
	defer m.stop(b)
	for i := 0; i < b.N; i++ {
		// Vary channel and instant (every 7 minutes across a week) so that
		// both allowed and denied paths, holidays and caps are exercised.
		dec := DecideDebt(p, d, chans[i%5], "D1", h, at.Add(time.Duration(i%1440)*7*time.Minute))
		_ = dec
	}
}

func BenchmarkDecideInto(b *testing.B) {
	p, d, h, at := benchSetup(b)
	chans := []Channel{SMS, Email, WhatsApp, Voice, Call}
	var dec Decision
	b.ReportAllocs()
	m := startCPU(b)
	defer m.stop(b)
	for i := 0; i < b.N; i++ {
		p.DecideInto(&dec, d, chans[i%5], "D1", h, at.Add(time.Duration(i%1440)*7*time.Minute))
	}
}
