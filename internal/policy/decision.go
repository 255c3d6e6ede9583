package policy

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/regua/regua/internal/holiday"
)

// Code is the machine code of a reason.
type Code uint8

// Reason codes. Their text names (Code.String) are stable: stored decisions
// use them.
const (
	CodeQuietHours    Code = iota + 1 // outside the allowed hours of the day
	CodeWeekend                       // the day is a Saturday/Sunday closed by a rule
	CodeClosedDay                     // a weekday closed by a rule
	CodeHoliday                       // national, state, municipal or optional holiday
	CodeCommemorative                 // commemorative date kept contact-free
	CodeCap                           // frequency cap reached
	CodeCooldown                      // cool-down after a conversation
	CodeOptOut                        // the debtor opted out of the channel
	CodeDispute                       // dispute pending
	CodeAgreement                     // agreement in force
	CodeBankrupt                      // insolvency / bankruptcy
	CodeDeceased                      // debtor deceased
	CodeRepresented                   // represented by a lawyer
	CodePrefChannel                   // the debtor did not choose / authorise this channel
	CodePrefHours                     // outside the debtor's preferred hours
	CodeNotAtWork                     // debtor asked not to be contacted at work
	CodeNoSlot                        // nothing allowed within the search horizon
	CodeNoZone                        // the debtor's time zone is unknown
	numCodes
)

var codeNames = [...]string{"", "quiet_hours", "weekend", "closed_day", "holiday", "commemorative", "cap", "cooldown", "opt_out", "dispute", "agreement", "bankrupt", "deceased", "represented", "preference_channel", "preference_hours", "not_at_work", "no_slot", "no_zone"}

func (c Code) String() string {
	if c > 0 && c < numCodes {
		return codeNames[c]
	}
	return fmt.Sprintf("code(%d)", c)
}

// MarshalText writes the code name.
func (c Code) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a code name.
func (c *Code) UnmarshalText(b []byte) error {
	for i := 1; i < int(numCodes); i++ {
		if codeNames[i] == string(b) {
			*c = Code(i)
			return nil
		}
	}
	return fmt.Errorf("unknown reason code %q", b)
}

// maxAttemptRefs is how many earlier contacts a cap reason names.
const maxAttemptRefs = 3

// Reason is one cause of a denial, with what is needed to explain it in any
// language later. It holds no pointers into the policy, so it can be stored
// and rendered without it.
type Reason struct {
	Code        Code
	Rule        string // rule ID
	Source      string // the rule's source
	Unconfirmed bool
	Holiday     string // holiday or commemorative date name
	Kind        holiday.Kind
	Limit       int           // cap limit
	Count       int           // contacts counted in the cap's window
	Window      time.Duration // rolling cap window
	Days        int           // calendar-day cap window
	// Until is when this reason alone stops applying, when known.
	Until time.Time
	// Attempts are the IDs of the newest contacts a cap counted.
	Attempts [maxAttemptRefs]string
	Channel  Channel // the channel an opt-out or preference concerns

	date    holiday.Date
	hasDate bool
	open    Span
	hasOpen bool
}

// AttemptIDs returns the earlier contacts the reason counts, newest first.
func (r *Reason) AttemptIDs() []string {
	n := 0
	for n < len(r.Attempts) && r.Attempts[n] != "" {
		n++
	}
	return r.Attempts[:n]
}

// HolidayDate returns the date of a holiday reason.
func (r *Reason) HolidayDate() (holiday.Date, bool) { return r.date, r.hasDate }

// OpenSpan returns the open window of the day behind a quiet-hours reason.
func (r *Reason) OpenSpan() (Span, bool) { return r.open, r.hasOpen }

type reasonJSON struct {
	Code        Code          `json:"code"`
	Rule        string        `json:"rule,omitempty"`
	Source      string        `json:"source,omitempty"`
	Unconfirmed bool          `json:"unconfirmed,omitempty"`
	Holiday     string        `json:"holiday,omitempty"`
	Kind        holiday.Kind  `json:"kind,omitempty"`
	Date        *holiday.Date `json:"date,omitempty"`
	Open        *Span         `json:"open,omitempty"`
	Channel     *Channel      `json:"channel,omitempty"`
	Limit       int           `json:"limit,omitempty"`
	Count       int           `json:"count,omitempty"`
	Window      string        `json:"window,omitempty"`
	Days        int           `json:"days,omitempty"`
	Until       *time.Time    `json:"until,omitempty"`
	Attempts    []string      `json:"attempts,omitempty"`
}

// MarshalJSON writes the reason's stored form.
func (r Reason) MarshalJSON() ([]byte, error) {
	j := reasonJSON{Code: r.Code, Rule: r.Rule, Source: r.Source, Unconfirmed: r.Unconfirmed, Holiday: r.Holiday, Limit: r.Limit, Count: r.Count, Days: r.Days, Attempts: r.AttemptIDs()}
	if r.Kind != 0 {
		j.Kind = r.Kind
	}
	if r.hasDate {
		d := r.date
		j.Date = &d
	}
	if r.hasOpen {
		s := r.open
		j.Open = &s
	}
	if r.Channel != 0 {
		c := r.Channel
		j.Channel = &c
	}
	if r.Window > 0 {
		j.Window = r.Window.String()
	}
	if !r.Until.IsZero() {
		u := r.Until
		j.Until = &u
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the stored form back.
func (r *Reason) UnmarshalJSON(b []byte) error {
	var j reasonJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Reason{Code: j.Code, Rule: j.Rule, Source: j.Source, Unconfirmed: j.Unconfirmed, Holiday: j.Holiday, Kind: j.Kind, Limit: j.Limit, Count: j.Count, Days: j.Days}
	if j.Date != nil {
		r.date, r.hasDate = *j.Date, true
	}
	if j.Open != nil {
		r.open, r.hasOpen = *j.Open, true
	}
	if j.Channel != nil {
		r.Channel = *j.Channel
	}
	if j.Window != "" {
		d, err := time.ParseDuration(j.Window)
		if err != nil {
			return fmt.Errorf("reason window: %w", err)
		}
		r.Window = d
	}
	if j.Until != nil {
		r.Until = *j.Until
	}
	if len(j.Attempts) > maxAttemptRefs {
		return fmt.Errorf("reason attempts: %d > %d", len(j.Attempts), maxAttemptRefs)
	}
	copy(r.Attempts[:], j.Attempts)
	return nil
}

// MaxReasons is how many reasons a decision keeps; more are counted in
// Decision.Dropped.
const MaxReasons = 8

// Decision is the engine's answer. It is a value with no pointers into
// the policy: store it as JSON and render it later in any language.
type Decision struct {
	Allowed bool
	// Never: no next allowed instant exists until something about the
	// debtor changes (opt-out, flag, channel not authorised).
	Never bool
	At    time.Time
	// Next is the earliest allowed instant at or after At when denied (zero
	// when allowed or Never).
	Next          time.Time
	Channel       Channel
	Debt          string
	Debtor        string
	Zone          string
	Policy        string
	PolicyVersion string

	reasons [MaxReasons]Reason
	n       uint8
	Dropped int
}

// Reasons returns the reasons for a denial (none when allowed).
func (d *Decision) Reasons() []Reason { return d.reasons[:d.n] }

func (d *Decision) add(r Reason) {
	if int(d.n) < MaxReasons {
		d.reasons[d.n] = r
		d.n++
		return
	}
	d.Dropped++
}

type decisionJSON struct {
	Allowed       bool       `json:"allowed"`
	Never         bool       `json:"never,omitempty"`
	At            time.Time  `json:"at"`
	Local         string     `json:"local,omitempty"`
	Next          *time.Time `json:"next,omitempty"`
	Channel       Channel    `json:"channel"`
	Debt          string     `json:"debt,omitempty"`
	Debtor        string     `json:"debtor,omitempty"`
	Zone          string     `json:"zone,omitempty"`
	Policy        string     `json:"policy"`
	PolicyVersion string     `json:"policy_version"`
	Reasons       []Reason   `json:"reasons"`
	Dropped       int        `json:"dropped,omitempty"`
}

// MarshalJSON writes the stored form of the decision.
func (d Decision) MarshalJSON() ([]byte, error) {
	j := decisionJSON{Allowed: d.Allowed, Never: d.Never, At: d.At, Channel: d.Channel, Debt: d.Debt, Debtor: d.Debtor, Zone: d.Zone, Policy: d.Policy, PolicyVersion: d.PolicyVersion, Reasons: d.Reasons(), Dropped: d.Dropped}
	if j.Reasons == nil {
		j.Reasons = []Reason{}
	}
	if !d.Next.IsZero() {
		n := d.Next
		j.Next = &n
	}
	if d.Zone != "" {
		if loc, err := Locate(d.Zone); err == nil {
			j.Local = d.At.In(loc).Format("2006-01-02T15:04:05 Mon")
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a stored decision.
func (d *Decision) UnmarshalJSON(b []byte) error {
	var j decisionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*d = Decision{Allowed: j.Allowed, Never: j.Never, At: j.At, Channel: j.Channel, Debt: j.Debt, Debtor: j.Debtor, Zone: j.Zone, Policy: j.Policy, PolicyVersion: j.PolicyVersion, Dropped: j.Dropped}
	if j.Next != nil {
		d.Next = *j.Next
	}
	if len(j.Reasons) > MaxReasons {
		return fmt.Errorf("decision: %d reasons > %d", len(j.Reasons), MaxReasons)
	}
	for _, r := range j.Reasons {
		d.add(r)
	}
	return nil
}
