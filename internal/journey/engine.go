package journey

import (
	"regexp"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/policy"
)

var waNameRE = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)

// channelKinds maps channel names to a bit of Facts.Reach.
var channelKinds = map[string]uint8{"sms": 1, "email": 2, "whatsapp": 4, "voice": 8, "call": 16, "letter": 32}

// ReachBit returns the Facts.Reach bit of a channel name (0 if unknown).
func ReachBit(ch string) uint8 { return channelKinds[ch] }

// Facts are what the engine knows about one enrolment on one day. The
// planner fills them in bulk from the store; previews fill them from one
// debtor.
type Facts struct {
	Today      date.Date
	AnchorKind AnchorKind
	Anchor     date.Date // zero when nothing is open
	DPD        int       // Today - Anchor in days (negative before it)

	Overdue, Open       money.Money
	InstallmentsOverdue int
	Recurrence, Score   int
	Product             string
	DelayReason         string
	CreditorFault       bool
	Agreement           bool
	Locale, UF, Kind    string
	Variant             string
	// Reach has a bit (ReachBit) per channel with a usable contact point.
	Reach uint8
	// Outcomes of this enrolment's earlier steps for the current anchor,
	// by step id.
	Outcomes map[string]string

	// For stop conditions.
	DebtStatus    string // open, suspended, disputed, settled, written_off
	PromisedUntil date.Date
	WantsPerson   bool
	NoContact     bool // every contact point opted out
}

func (f *Facts) reachable(ch string) bool { return f.Reach&channelKinds[ch] != 0 }

// SetDay sets Today and the DPD that follows from the anchor.
func (f *Facts) SetDay(today date.Date) {
	f.Today = today
	if !f.Anchor.IsZero() {
		f.DPD = f.Anchor.DaysUntil(today)
	}
}

// Verdict is what the stop rules say about an enrolment today.
type Verdict uint8

// Verdicts.
const (
	Go       Verdict = iota // steps may fire
	Pause                   // nothing fires today; the enrolment stays
	Halt                    // the enrolment ends
	HandOver                // a promise broke: hand over to the resume journey
)

// Check applies the journey's stop conditions. The reason names the stop
// (or "promise_broken", "closed").
func (j *Journey) Check(f *Facts) (Verdict, string) {
	switch {
	case f.DebtStatus == "settled" || (f.Open == 0 && f.DebtStatus != "suspended" && f.DebtStatus != "disputed"):
		if j.stops[StopPaid] {
			return Halt, string(StopPaid)
		}
	case f.DebtStatus == "written_off":
		return Halt, "closed"
	case f.DebtStatus == "suspended":
		if j.stops[StopAgreement] {
			return Halt, string(StopAgreement)
		}
	case f.DebtStatus == "disputed":
		if j.stops[StopDispute] {
			return Halt, string(StopDispute)
		}
	}
	if f.WantsPerson && j.stops[StopPerson] {
		return Halt, string(StopPerson)
	}
	if f.NoContact && j.stops[StopOptOut] {
		return Halt, string(StopOptOut)
	}
	if !f.PromisedUntil.IsZero() && j.stops[StopPromise] {
		if !f.PromisedUntil.Before(f.Today) {
			return Pause, string(StopPromise)
		}
		return HandOver, "promise_broken"
	}
	if f.CreditorFault && j.stops[StopCreditorFault] {
		return Pause, string(StopCreditorFault)
	}
	return Go, ""
}

// Firing is one step due for an enrolment today.
type Firing struct {
	Step     *Step
	Template *Template // nil for tasks without a script and exports
	Channel  policy.Channel
	// Day is the calendar day the step belongs to (anchor + step day); it
	// is before Today when the step is caught up late.
	Day date.Date
}

// Due returns the steps that fire today for f (f.Today and f.DPD set),
// appending to out. held names the wait step holding the enrolment, if any.
// Only the latest step day within the catch-up window fires.
func (j *Journey) Due(f *Facts, out []Firing) (fire []Firing, held string) {
	if f.Anchor.IsZero() {
		return out, ""
	}
	off := f.DPD
	for i := range j.steps {
		s := &j.steps[i]
		if s.Action != ActWait || s.Day > off || off >= s.Day+s.Days {
			continue
		}
		if j.applies(s, f) {
			return out, s.ID
		}
	}
	chosen, found := 0, false
	for k := len(j.days) - 1; k >= 0; k-- {
		d := j.days[k]
		if d <= off && d >= off-j.catchUp {
			chosen, found = d, true
			break
		}
		if d < off-j.catchUp {
			break
		}
	}
	if !found {
		return out, ""
	}
	for i := range j.steps {
		s := &j.steps[i]
		if s.Day != chosen || s.Action == ActWait || !j.applies(s, f) {
			continue
		}
		out = append(out, Firing{Step: s.Step, Template: s.tmpl, Channel: s.ch, Day: f.Anchor.AddDays(s.Day)})
	}
	return out, ""
}

func (j *Journey) applies(s *cstep, f *Facts) bool {
	if s.variants != nil && !s.variants[f.Variant] {
		return false
	}
	if s.After != nil {
		got := f.Outcomes[s.After.Step]
		ok := false
		for _, o := range s.After.Outcomes {
			ok = ok || o == got
		}
		if !ok {
			return false
		}
	}
	return s.when.Eval(f)
}

// Step returns the step with id, or nil.
func (j *Journey) Step(id string) *Step {
	for i := range j.steps {
		if j.steps[i].ID == id {
			return j.steps[i].Step
		}
	}
	return nil
}

// NextDay returns the first step day after offset off (days from the
// anchor), for scheduling the enrolment's next look; ok is false past the
// last step.
func (j *Journey) NextDay(off int) (int, bool) {
	for _, d := range j.days {
		if d > off {
			return d, true
		}
	}
	return 0, false
}
