package policy

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/regua/regua/internal/holiday"
)

// A policy open at night, so that allowed hours cross DST transitions
// (01:00–03:00 is where most zones jump).
func nightPolicy(t testing.TB) *Policy {
	f, err := ParseBytes([]byte(`{"name":"night","hours":[{"id":"n","days":{"all":"00:30-03:15,09:00-21:00"}}],
		"holidays":[{"id":"h","kinds":["national"]}],
		"caps":[{"id":"c","limit":2,"window":"36h"},{"id":"k","count":"conversations","limit":1,"days":2}]}`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var zones = []string{"America/Sao_Paulo", "America/Noronha", "America/Rio_Branco", "America/Manaus", "America/New_York", "America/Los_Angeles", "America/Santiago", "America/Mexico_City", "America/Tijuana", "Europe/Madrid", "Europe/Lisbon", "Australia/Lord_Howe"}

// TestProperties checks, over random debtors, zones, histories and
// instants (many near DST changes):
//   - the next allowed instant is itself allowed;
//   - no instant between the decision and the next allowed one is allowed
//     (checked at minute steps and at the minute just before it);
//   - decisions are identical for identical inputs;
//   - nothing is allowed inside the policy's closed local hours.
func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pols := []*Policy{nightPolicy(t), mustPreset(t, "BR"), mustPreset(t, "US"), mustPreset(t, "CL")}
	transitions := []string{"2026-03-08T06:00:00Z", "2026-11-01T05:30:00Z", "2026-03-29T00:30:00Z", "2026-10-25T00:30:00Z", "2026-04-05T02:30:00Z", "2026-09-06T03:30:00Z", "2026-04-04T14:00:00Z", "2018-11-04T03:00:00Z", "2019-02-17T02:00:00Z"}
	n := 400
	if testing.Short() {
		n = 100
	}
	for i := 0; i < n; i++ {
		p := pols[i%len(pols)]
		d := &Debtor{ID: "p", Zone: zones[rng.IntN(len(zones))], Country: p.Country, UF: []string{"SP", "AL", "RJ", "", "AM"}[rng.IntN(5)]}
		if err := d.Resolve(); err != nil {
			t.Fatal(err)
		}
		base := ts(t, transitions[rng.IntN(len(transitions))])
		at := base.Add(time.Duration(rng.IntN(4*24*60)-2*24*60) * time.Minute).Add(time.Duration(rng.IntN(60)) * time.Second)
		var h []Attempt
		for k := rng.IntN(5); k > 0; k-- {
			o := Attempted
			if rng.IntN(4) == 0 {
				o = Conversation
			}
			h = append(h, Attempt{ID: "h", At: at.Add(-time.Duration(rng.IntN(72*60)) * time.Minute), Channel: Channel(1 + rng.IntN(int(numChannels)-1)), Outcome: o})
		}
		ch := Channel(1 + rng.IntN(int(numChannels)-1))
		dec := Decide(p, d, ch, h, at)
		again := Decide(p, d, ch, h, at)
		b1, _ := json.Marshal(dec)
		b2, _ := json.Marshal(again)
		if string(b1) != string(b2) {
			t.Fatalf("not deterministic:\n%s\n%s", b1, b2)
		}
		if dec.Allowed {
			checkOpenHours(t, p, d, ch, at)
			continue
		}
		if dec.Never {
			continue
		}
		if dec.Next.Before(at) {
			t.Fatalf("%s %s: next %s before at %s", p.Name, d.Zone, dec.Next, at)
		}
		if nd := Decide(p, d, ch, h, dec.Next); !nd.Allowed {
			t.Fatalf("%s %s %s at %s: next %s is not allowed: %s", p.Name, d.Zone, ch, at, dec.Next.In(d.Loc), codes(nd))
		}
		checkOpenHours(t, p, d, ch, dec.Next)
		// Nothing earlier is allowed: scan the gap (bounded) minute by minute.
		end := dec.Next
		if end.Sub(at) > 4*24*time.Hour {
			end = at.Add(4 * 24 * time.Hour)
		}
		for u := at; u.Before(end); u = u.Add(time.Minute) {
			if Decide(p, d, ch, h, u).Allowed {
				t.Fatalf("%s %s %s: %s allowed before next %s (decided at %s)", p.Name, d.Zone, ch, u.In(d.Loc), dec.Next.In(d.Loc), at.In(d.Loc))
			}
		}
		if prev := dec.Next.Add(-time.Second); !prev.Before(at) && Decide(p, d, ch, h, prev).Allowed {
			t.Fatalf("%s: one second before next is allowed", p.Name)
		}
	}
}

// checkOpenHours verifies, independently of the masks, that the local wall
// clock of an allowed instant lies inside every applicable hours rule.
func checkOpenHours(t *testing.T, p *Policy, d *Debtor, ch Channel, at time.Time) {
	t.Helper()
	lt := at.In(d.Loc)
	m := lt.Hour()*60 + lt.Minute()
	for _, h := range p.hours {
		if !h.channels.Has(ch) {
			continue
		}
		if (h.ufMask != 0 || len(h.regions) > 0) && (holiday.UFIndex(d.UF) < 0 || h.ufMask&(1<<holiday.UFIndex(d.UF)) == 0) {
			continue
		}
		days := h.days[lt.Weekday()]
		if !days.has(m) {
			t.Fatalf("%s: allowed at local %s, inside closed hours of %s", p.Name, lt, h.ID)
		}
	}
}

// TestDSTGap: in a zone where 02:00–03:00 does not exist, the next allowed
// instant of a night window skips the gap and never lands on a wall time
// that does not exist.
func TestDSTGap(t *testing.T) {
	p := nightPolicy(t)
	d := &Debtor{ID: "g", Zone: "America/New_York"}
	d.Resolve()
	// 8 Mar 2026: 02:00 EST jumps to 03:00 EDT. At 00:20 local the window 00:30–03:15 is ahead.
	dec := Decide(p, d, Email, nil, ts(t, "2026-03-08T00:20:00-05:00"))
	if !dec.Next.Equal(ts(t, "2026-03-08T00:30:00-05:00")) {
		t.Errorf("next %s", dec.Next.In(d.Loc))
	}
	// At 03:16 EDT the night window is over; 09:00 EDT is next.
	dec = Decide(p, d, Email, nil, ts(t, "2026-03-08T03:16:00-04:00"))
	if !dec.Next.Equal(ts(t, "2026-03-08T09:00:00-04:00")) {
		t.Errorf("after gap: next %s", dec.Next.In(d.Loc))
	}
	// Brazil's last DST began at midnight (4 Nov 2018 00:00 → 01:00): the
	// day starts at 01:00 and a calendar-day cap releases then.
	sp := &Debtor{ID: "s", Zone: "America/Sao_Paulo"}
	sp.Resolve()
	if got := localMidnight(sp.Loc, 17839); !got.Equal(ts(t, "2018-11-04T01:00:00-02:00")) { // 17839 = 2018-11-04
		t.Errorf("midnight of DST start: %s", got)
	}
	// Fall back (1 Nov 2026 02:00 EDT → 01:00 EST): 01:30 happens twice, both allowed.
	for _, s := range []string{"2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00"} {
		if !Decide(p, d, Email, nil, ts(t, s)).Allowed {
			t.Errorf("%s not allowed", s)
		}
	}
}

func TestZoneBoundaries(t *testing.T) {
	// The same instant is inside hours in Fortaleza (UTC−3) and outside in Manaus (UTC−4).
	br := mustPreset(t, "BR")
	at := ts(t, "2026-11-24T09:30:00-03:00")
	ce := debtor(t, "BR", "CE", 0)
	am := debtor(t, "BR", "AM", 0)
	if !Decide(br, ce, SMS, nil, at).Allowed {
		t.Error("Fortaleza 09:30 denied")
	}
	dec := Decide(br, am, SMS, nil, at)
	if dec.Allowed || !dec.Next.Equal(ts(t, "2026-11-24T09:00:00-04:00")) {
		t.Errorf("Manaus 08:30: %s next %s", codes(dec), dec.Next)
	}
	// Western Amazonas (Tabatinga) follows Acre time.
	if z := DefaultZone("BR", "AM", 1304062); z != "America/Rio_Branco" {
		t.Errorf("Tabatinga zone %s", z)
	}
}
