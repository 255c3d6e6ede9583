package journey

import (
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/policy"
)

// CalendarEntry is one line of a preview: what the journey would do on a
// day, and what the contact policy makes of it.
type CalendarEntry struct {
	Day     date.Date `json:"day"`      // the day the planner plans it
	StepDay date.Date `json:"step_day"` // anchor + step day
	Offset  int       `json:"offset"`   // the step's D±n
	Step    string    `json:"step"`
	Action  Action    `json:"action"`
	Channel string    `json:"channel,omitempty"`
	// At is when the attempt would go out (the policy's best allowed
	// instant), zero when it never can; Local is At in the debtor's zone.
	At    time.Time `json:"at,omitzero"`
	Local string    `json:"local,omitempty"`
	// Moved is set when the policy pushed the contact off its day.
	Moved   bool     `json:"moved,omitempty"`
	Never   bool     `json:"never,omitempty"`
	Note    string   `json:"note,omitempty"` // pause/stop/hold lines
	Reasons []string `json:"reasons,omitempty"`
}

// PreviewOptions shape a preview.
type PreviewOptions struct {
	From, To date.Date
	// Assume is the outcome each simulated attempt gets, for branches
	// (default no_answer).
	Assume string
	Lang   string // language of the reasons (pt-BR, es, en)
}

// Preview simulates the journey for one enrolment day by day from o.From to
// o.To (at most 400 days), assuming nothing is paid, with the contact
// policy applied through policy.NextBest exactly as the planner applies it.
// f holds the enrolment's facts (its Today is ignored); d is the debtor as
// the policy sees it; h is earlier contact history.
func (j *Journey) Preview(f Facts, d *policy.Debtor, h []policy.Attempt, o PreviewOptions) []CalendarEntry {
	if o.Assume == "" {
		o.Assume = "no_answer"
	}
	if o.To.Before(o.From) || o.From.DaysUntil(o.To) > 400 {
		o.To = o.From.AddDays(400)
	}
	loc := d.Loc
	if loc == nil {
		loc = time.UTC
	}
	out := []CalendarEntry{}
	open := f.Open
	outcomes := map[string]string{}
	for k, v := range f.Outcomes {
		outcomes[k] = v
	}
	f.Outcomes = outcomes
	var fire []Firing
	lastNote := ""
	for day := o.From; !day.After(o.To); day = day.AddDays(1) {
		f.SetDay(day)
		f.Overdue = 0
		if f.DPD > 0 {
			f.Overdue = open
		}
		v, why := j.Check(&f)
		if v != Go {
			if why != lastNote {
				out = append(out, CalendarEntry{Day: day, Note: why})
				lastNote = why
			}
			if v == Halt || v == HandOver {
				break
			}
			continue
		}
		var held string
		fire, held = j.Due(&f, fire[:0])
		if held != "" {
			if lastNote != "hold:"+held {
				out = append(out, CalendarEntry{Day: day, Step: held, Action: ActWait, Note: "hold"})
				lastNote = "hold:" + held
			}
			continue
		}
		lastNote = ""
		for _, fr := range fire {
			if _, done := outcomes[fr.Step.ID]; done {
				continue // already simulated for this anchor (a caught-up day)
			}
			e := CalendarEntry{Day: day, StepDay: fr.Day, Offset: fr.Step.Day, Step: fr.Step.ID, Action: fr.Step.Action, Channel: fr.Step.Channel}
			start := day.In(loc)
			if fr.Channel == 0 {
				e.At, e.Local = start, start.In(loc).Format("2006-01-02 15:04 Mon")
			} else {
				slot, ok := policy.NextBest(j.Policy, d, fr.Channel, h, start)
				for _, r := range slot.Decision.Reasons() {
					e.Reasons = append(e.Reasons, r.Text(o.Lang))
				}
				if !ok {
					e.Never = true
				} else {
					e.At = slot.At
					e.Local = slot.At.In(loc).Format("2006-01-02 15:04 Mon")
					e.Moved = date.Of(slot.At.In(loc)) != day
					h = append(h, policy.Attempt{ID: fr.Step.ID, At: slot.At, Channel: fr.Channel, Outcome: policy.Attempted})
				}
			}
			outcomes[fr.Step.ID] = o.Assume
			out = append(out, e)
		}
	}
	return out
}
