package policy

import (
	"time"

	"github.com/regua/regua/internal/holiday"
)

// Slot is a NextBest answer.
type Slot struct {
	At time.Time
	// Basis says where the hour came from: "preference", "learned",
	// "default" or "next-allowed" (no chosen hour fitted within two weeks).
	Basis string
	// Decision is the decision at After, for its reasons.
	Decision Decision
}

// NextBest picks when to contact the debtor on ch at or after `after`: the
// next allowed slot inside the debtor's preferred hours, else at their
// learned best hour, else at the policy's default hour, each shifted by a
// deterministic per-debtor offset within the policy's spread so that a
// million debtors are not all scheduled for 09:00:00. ok is false when the
// debtor cannot be contacted on ch at all.
func NextBest(p *Policy, d *Debtor, ch Channel, h []Attempt, after time.Time) (Slot, bool) {
	dec := Decide(p, d, ch, h, after)
	if dec.Never {
		return Slot{Decision: dec}, false
	}
	first := after
	if !dec.Allowed {
		first = dec.Next
	}
	loc, _ := d.location()
	spreadMin := int(p.spread / time.Minute)
	off := 0
	if spreadMin > 0 {
		off = int(hash32(d.ID) % uint32(spreadMin*60)) // seconds
	}
	var targets []Span
	basis := "default"
	switch {
	case p.prefHours && len(d.Prefs.Hours) > 0:
		targets, basis = d.Prefs.Hours, "preference"
	case d.BestHour != nil:
		targets, basis = []Span{{*d.BestHour, *d.BestHour + Clock(spreadMin)}}, "learned"
	default:
		targets = []Span{{p.bestHour, p.bestHour + Clock(spreadMin)}}
	}
	date0, _, _ := localOf(first, loc)
	for i := 0; i < 14; i++ {
		date := date0 + holiday.Date(i)
		for _, s := range targets {
			length := int(s.To-s.From) * 60
			if length <= 0 {
				continue
			}
			sec := off % length
			t, ok := instantOf(loc, date, int(s.From)+sec/60, time.Time{})
			if !ok {
				continue
			}
			t = t.Add(time.Duration(sec%60) * time.Second)
			if t.Before(first) {
				continue
			}
			if Decide(p, d, ch, h, t).Allowed {
				return Slot{At: t, Basis: basis, Decision: dec}, true
			}
		}
	}
	return Slot{At: first, Basis: "next-allowed", Decision: dec}, true
}

// hash32 is FNV-1a, inlined so that it does not allocate.
func hash32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
