package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/policy"
	"github.com/regua/regua/internal/store"
)

// queueStatuses are the queue page's columns, in the order of an
// attempt's life.
var queueStatuses = []store.AttemptStatus{store.AttemptPlanned, store.AttemptHeld, store.AttemptSending, store.AttemptSent,
	store.AttemptFailed, store.AttemptParked, store.AttemptCancelled}

// pausableChannels are the channels a kill switch can name: every
// channel a journey's attempt can go by, exports included.
var pausableChannels = journey.Channels

type queueRow struct {
	Channel string
	Counts  map[store.AttemptStatus]int
	Due     int // planned or failed, due now
	Oldest  time.Time
	Paused  bool
}

type queueView struct {
	Statuses []store.AttemptStatus
	Rows     []queueRow
	Total    queueRow
	Pauses   []pauseView
	Parked   []parkedView
	Channels []string
	Journeys []store.Journey
}

type pauseView struct {
	store.Pause
	At    string
	Label string // the journey's name or the channel's label
}

type parkedView struct {
	store.ParkedAttempt
	At string
}

func (p *journeyPages) queue(w http.ResponseWriter, r *http.Request, c *Ctx) {
	ctx := r.Context()
	counts, err := p.jb.QueueCounts(ctx, c.Tenant(), p.cfg.Now())
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	pauses, err := p.jb.Pauses(ctx, c.Tenant())
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	parked, err := p.jb.ParkedAttempts(ctx, c.Tenant(), 50)
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	js, err := p.jb.Journeys(ctx, c.Tenant())
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	v := queueView{Statuses: queueStatuses, Channels: pausableChannels, Journeys: js,
		Total: queueRow{Counts: map[store.AttemptStatus]int{}}}
	paused := map[string]bool{}
	names := map[string]string{}
	for _, j := range js {
		names[j.Key] = j.Name
	}
	for _, ps := range pauses {
		pv := pauseView{Pause: ps, At: c.L.Time(ps.CreatedAt), Label: c.L.Enum("channel", ps.Value)}
		if ps.Scope == store.PauseJourney {
			pv.Label = names[ps.Value]
		} else {
			paused[ps.Value] = true
		}
		v.Pauses = append(v.Pauses, pv)
	}
	rows := map[string]*queueRow{}
	for _, qc := range counts {
		row := rows[qc.Channel]
		if row == nil {
			row = &queueRow{Channel: qc.Channel, Counts: map[store.AttemptStatus]int{}, Paused: paused[qc.Channel]}
			rows[qc.Channel] = row
		}
		row.Counts[qc.Status] += qc.Count
		row.Due += qc.Due
		v.Total.Counts[qc.Status] += qc.Count
		v.Total.Due += qc.Due
		if (qc.Status == store.AttemptPlanned || qc.Status == store.AttemptFailed) && !qc.Oldest.IsZero() && (row.Oldest.IsZero() || qc.Oldest.Before(row.Oldest)) {
			row.Oldest = qc.Oldest
		}
	}
	for _, row := range rows {
		v.Rows = append(v.Rows, *row)
	}
	sort.Slice(v.Rows, func(i, j int) bool { return v.Rows[i].Channel < v.Rows[j].Channel })
	for _, a := range parked {
		at := a.SentAt
		if at.IsZero() {
			at = a.DueAt
		}
		v.Parked = append(v.Parked, parkedView{ParkedAttempt: a, At: c.L.Time(at)})
	}
	p.render(w, r, c, http.StatusOK, "queue", "queue.title", v)
}

// pauseTarget reads and checks the scope and value of a kill-switch form:
// a known channel, or one of the tenant's journeys (another tenant's key
// is not found).
func (p *journeyPages) pauseTarget(w http.ResponseWriter, r *http.Request, c *Ctx) (scope, value string, ok bool) {
	scope, value = r.PostFormValue("scope"), strings.TrimSpace(r.PostFormValue("value"))
	switch scope {
	case store.PauseChannel:
		if contains(pausableChannels, value) {
			return scope, value, true
		}
	case store.PauseJourney:
		if _, err := p.jb.Journey(r.Context(), c.Tenant(), value); err != nil {
			p.storeErr(w, r, c, err)
			return "", "", false
		}
		return scope, value, true
	}
	p.fail(w, r, c, http.StatusUnprocessableEntity, "error.bad_request")
	return "", "", false
}

func (p *journeyPages) pause(w http.ResponseWriter, r *http.Request, c *Ctx) {
	scope, value, ok := p.pauseTarget(w, r, c)
	if !ok {
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if len(reason) > 200 {
		reason = reason[:200]
	}
	held, err := p.jb.PauseDispatch(r.Context(), store.Pause{TenantID: c.Tenant(), Scope: scope, Value: value, Reason: reason, Actor: p.actor(c)})
	if err != nil {
		p.storeErr(w, r, c, err)
		return
	}
	p.log.Info("dispatch paused", "tenant", c.Tenant(), "scope", scope, "value", value, "held", held, "by", c.User.ID)
	p.flash(w, "queue_paused")
	http.Redirect(w, r, "/queue", http.StatusSeeOther)
}

func (p *journeyPages) resume(w http.ResponseWriter, r *http.Request, c *Ctx) {
	scope, value, ok := p.pauseTarget(w, r, c)
	if !ok {
		return
	}
	released, err := p.jb.ResumeDispatch(r.Context(), c.Tenant(), scope, value)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		p.internal(w, r, c, err)
		return
	}
	p.log.Info("dispatch resumed", "tenant", c.Tenant(), "scope", scope, "value", value, "released", released, "by", c.User.ID)
	p.flash(w, "queue_resumed")
	http.Redirect(w, r, "/queue", http.StatusSeeOther)
}

// The debtor's attempts on the 360° page.

type attemptView struct {
	store.Attempt
	Journey string
	Planned string // due instant in the debtor's zone
	Sent    string
	Verdict string // allowed, denied, never, not_contact
	Reasons []string
	Moved   []string // why it did not go out on the step's day
	StepDay string
	Note    string
}

// attemptViews renders attempts with their stored plan-time decision in
// the viewer's language and times in the debtor's zone.
func attemptViews(l *Localizer, as []store.Attempt, loc *time.Location) []attemptView {
	out := make([]attemptView, 0, len(as))
	for _, a := range as {
		v := attemptView{Attempt: a, Planned: l.TimeIn(a.DueAt, loc), Sent: l.TimeIn(a.SentAt, loc)}
		if !a.DueAt.IsZero() && loc != nil {
			v.Planned = l.T("weekday."+strings.ToLower(a.DueAt.In(loc).Weekday().String())) + " " + v.Planned
		}
		var pl struct {
			Journey string `json:"journey"`
		}
		if json.Unmarshal(a.Payload, &pl) == nil {
			v.Journey = pl.Journey
		}
		var d planner.Decision
		if len(a.Decision) > 0 && json.Unmarshal(a.Decision, &d) == nil {
			if d.Planned == nil && d.NotContact == "" {
				// A bare policy decision (written outside the planner).
				var pd policy.Decision
				if json.Unmarshal(a.Decision, &pd) == nil && pd.Policy != "" {
					d.Planned = &pd
				}
			}
			switch {
			case d.Planned != nil:
				v.Verdict = "allowed"
				if d.Planned.Never {
					v.Verdict = "never"
				} else if !d.Planned.Allowed {
					v.Verdict = "denied"
				}
				v.Reasons = d.Planned.Explain(l.Locale)
			case d.NotContact != "":
				v.Verdict, v.Note = "not_contact", d.NotContact
			}
			if d.Intended != nil {
				v.Moved = d.Intended.Explain(l.Locale)
				if !d.StepDay.IsZero() {
					v.StepDay = l.Date(d.StepDay)
				}
			}
		}
		out = append(out, v)
	}
	return out
}

// attemptEventData is what dispatch keeps in a timeline event about an
// attempt (no message text).
type attemptEventData struct {
	Attempt int64  `json:"attempt"`
	Channel string `json:"channel"`
	Journey string `json:"journey"`
	Step    string `json:"step"`
	Tries   int    `json:"tries"`
	Why     string `json:"why"`
}

// attemptEventLine writes a dispatch event (sent, or not sent and why) in
// the viewer's language.
func attemptEventLine(l *Localizer, e domain.Event) (string, bool) {
	var d attemptEventData
	if json.Unmarshal(e.Data, &d) != nil || d.Attempt == 0 {
		return "", false
	}
	where := ""
	if d.Step != "" {
		where = " (" + strings.TrimPrefix(d.Journey+" · "+d.Step, " · ") + ")"
	}
	if e.Kind == domain.EventContacted {
		return l.T("ev.contacted", l.Enum("channel", d.Channel), where), true
	}
	return l.T("ev.not_sent", l.Enum("channel", d.Channel), d.Why, where), true
}

// linkAttemptEvents ties dispatch events to the attempts shown on the
// page, so the timeline carries each attempt's policy reasons.
func linkAttemptEvents(evs []eventView, as []attemptView) {
	byID := make(map[int64]*attemptView, len(as))
	for i := range as {
		byID[as[i].ID] = &as[i]
	}
	for i := range evs {
		e := &evs[i]
		if e.Kind != domain.EventContacted && e.Kind != domain.EventAttempt {
			continue
		}
		var d attemptEventData
		if json.Unmarshal(e.Data, &d) != nil || d.Attempt == 0 {
			continue
		}
		if a, ok := byID[d.Attempt]; ok {
			e.AttemptID = a.ID
			e.Reasons = a.Moved
			if len(e.Reasons) == 0 {
				e.Reasons = a.Reasons
			}
		}
	}
}
