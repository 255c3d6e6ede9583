// Package journey defines collection journeys (réguas de cobrança): which
// debts enter a journey (segment rules), the steps relative to an anchor
// date (D-5 e-mail, D0 WhatsApp, D+3 voice robot, D+7 agent task, D+15
// offer, …), their actions, templates and stop and resume rules, the
// champion/challenger split, and the pure engine that says which steps are
// due for one enrolment on one day. It has no store or network: the
// planner (internal/planner) feeds it facts in bulk and writes what it
// returns.
//
// Vocabulary: régua → Journey; etapa → Step; acionamento → Attempt;
// vencimento → due date (the usual anchor); promessa de pagamento →
// promise; quebra de acordo → breach.
package journey

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/regua/regua/internal/policy"
)

// AnchorKind is the date a journey's step days count from.
type AnchorKind string

// Anchors.
const (
	AnchorDue          AnchorKind = "due"           // oldest open installment's due date (vencimento)
	AnchorAgreementDue AnchorKind = "agreement_due" // oldest open installment of an agreement (acordo)
	AnchorPromise      AnchorKind = "promise"       // the date a broken promise to pay was due
	AnchorBreach       AnchorKind = "breach"        // the date an agreement was broken (quebra)
)

// Action is what a step does.
type Action string

// Actions.
const (
	ActMessage Action = "message" // send a message on a channel with a template
	ActVoice   Action = "voice"   // place a voice-robot call (URA) reading a script
	ActTask    Action = "task"    // create an agent call task with a priority
	ActOffer   Action = "offer"   // send an offer (from an offer policy) on a channel
	ActWait    Action = "wait"    // hold: when its condition holds on its day, no step fires for Days days
	ActExport  Action = "export"  // hand the debt to an outside agency (an export row)
)

// Stop is a stop condition.
type Stop string

// Stop conditions.
const (
	StopPaid          Stop = "paid"           // nothing left open on the debt
	StopAgreement     Stop = "agreement"      // an agreement replaced the debt
	StopPromise       Stop = "promise"        // a promise to pay is in force (pauses; resumes when broken)
	StopDispute       Stop = "dispute"        // contestação opened
	StopOptOut        Stop = "opt_out"        // every contact point opted out
	StopPerson        Stop = "person"         // the debtor asked for a person
	StopCreditorFault Stop = "creditor_fault" // the delay is the creditor's fault (pauses until fixed)
)

// AllStops is the default stop list.
var AllStops = []Stop{StopPaid, StopAgreement, StopPromise, StopDispute, StopOptOut, StopPerson, StopCreditorFault}

// Definition is the JSON form of one version of a journey.
type Definition struct {
	Key         string     `json:"key"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Anchor      AnchorKind `json:"anchor,omitempty"` // default due
	// Entry is the segment rule that decides which debts enter; empty
	// takes every open debt. Among active journeys the lowest Priority
	// whose entry matches wins.
	Entry    string `json:"entry,omitempty"`
	Priority int    `json:"priority,omitempty"`
	// Policy is the contact-policy preset every attempt is decided with
	// (default BR).
	Policy string `json:"policy,omitempty"`
	// CatchUpDays: a step still fires this many days after its day when
	// the planner did not run on it (default 2). Only the latest due day
	// fires, so a late run never sends a burst of stale reminders.
	CatchUpDays *int     `json:"catch_up_days,omitempty"`
	StopOn      []Stop   `json:"stop_on,omitempty"` // default all
	Resume      *Resume  `json:"resume,omitempty"`
	Variants    []Branch `json:"variants,omitempty"`
	PortalURL   string   `json:"portal_url,omitempty"` // base of tracked links, e.g. https://pague.example.com
	Pix         *Pix     `json:"pix,omitempty"`
	Steps       []Step   `json:"steps"`
	// Templates by id.
	Templates map[string]*Template `json:"templates,omitempty"`
}

// Resume says which journey takes a debt over after a broken promise or a
// broken agreement; the new enrolment anchors at the promise or breach date.
type Resume struct {
	BrokenPromise string `json:"broken_promise,omitempty"`
	Breach        string `json:"breach,omitempty"`
}

// Branch is one champion/challenger arm with its share of entrants.
type Branch struct {
	Name   string `json:"name"`
	Weight int    `json:"weight"`
}

// Pix is the receiver of the static PIX code the {{pix_code}} variable
// carries.
type Pix struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	City string `json:"city"`
}

// Step is one etapa.
type Step struct {
	ID       string `json:"id"`
	Day      int    `json:"day"` // relative to the anchor: -5 is D-5
	Action   Action `json:"action"`
	Channel  string `json:"channel,omitempty"`
	Template string `json:"template,omitempty"`
	When     string `json:"when,omitempty"` // segment rule for this step
	// After branches on an earlier step's outcome: the step fires only
	// when that step's attempt (same anchor) ended in one of Outcomes.
	After    *After   `json:"after,omitempty"`
	Variants []string `json:"variants,omitempty"` // only these arms; empty: all
	Priority int      `json:"priority,omitempty"` // task priority (1 highest)
	Queue    string   `json:"queue,omitempty"`    // task queue
	Offer    *Offer   `json:"offer,omitempty"`
	Days     int      `json:"days,omitempty"`   // wait length
	Target   string   `json:"target,omitempty"` // export target (agency name)
}

// After is a branch on an outcome.
type After struct {
	Step     string   `json:"step"`
	Outcomes []string `json:"outcomes"`
}

// Offer names the offer policy an offer step draws from.
type Offer struct {
	Policy string `json:"policy"`
}

// Channels are every channel a journey step's attempt can go by: the
// provider channels, the store channels (agent call tasks, printed
// letters) and agency exports. Kill switches (`regua queue pause
// --channel`, the web queue page) accept exactly these.
var Channels = []string{"sms", "email", "whatsapp", "voice", "call", "letter", "export"}

// IsChannel reports whether ch is one of Channels.
func IsChannel(ch string) bool { return slices.Contains(Channels, ch) }

// Outcomes a branch may wait for, weakest to strongest. "failed" (the
// attempt was parked or cancelled, or the provider reported a failure
// after accepting it) outranks "sent", so a step can branch on a failure
// (SMS failed → e-mail, call task).
var Outcomes = []string{"planned", "sent", "failed", "no_answer", "delivered", "read", "clicked", "replied", "promised", "paid"}

func outcomeRank(o string) int {
	for i, x := range Outcomes {
		if x == o {
			return i + 1
		}
	}
	return 0
}

// BetterOutcome returns the stronger of two outcomes (paid beats replied
// beats read …), so an attempt's outcome is the best thing it achieved.
func BetterOutcome(a, b string) string {
	if outcomeRank(b) > outcomeRank(a) {
		return b
	}
	return a
}

// Journey is a compiled, validated Definition.
type Journey struct {
	Def      Definition
	entry    *Expr
	steps    []cstep
	days     []int // distinct step days, ascending
	stops    map[Stop]bool
	catchUp  int
	variants []Branch
	total    int
	Policy   *policy.Policy
}

type cstep struct {
	*Step
	when     *Expr
	tmpl     *Template
	variants map[string]bool
	ch       policy.Channel // 0 for export
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.+-]{0,63}$`)

// Parse reads a journey file strictly (unknown fields are errors).
func Parse(r io.Reader) (*Definition, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("journey file: %w", err)
	}
	return ParseBytes(raw)
}

// ParseBytes is Parse over bytes.
func ParseBytes(raw []byte) (*Definition, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var d Definition
	if err := dec.Decode(&d); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			l, c := lineCol(raw, se.Offset)
			return nil, fmt.Errorf("journey file: line %d column %d: %v", l, c, se)
		case errors.As(err, &te):
			l, c := lineCol(raw, te.Offset)
			return nil, fmt.Errorf("journey file: field %q: got JSON %s, want %s (line %d column %d)", te.Field, te.Value, te.Type, l, c)
		case errors.Is(err, io.EOF):
			return nil, fmt.Errorf("journey file: empty")
		}
		return nil, fmt.Errorf("journey file: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return nil, fmt.Errorf("journey file: trailing data after the JSON object")
	}
	return &d, nil
}

func lineCol(raw []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(raw)))
	line, col := 1, 1
	for _, b := range raw[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// Errors is every problem found in a definition, each naming its place
// ("steps[2].when: column 5: unknown variable dpdd").
type Errors []string

func (e Errors) Error() string { return "journey: " + strings.Join(e, "; ") }

// Compile validates d and prepares it for the engine. All problems are
// reported at once.
func Compile(d *Definition) (*Journey, error) {
	var errs Errors
	bad := func(place, format string, a ...any) { errs = append(errs, place+": "+fmt.Sprintf(format, a...)) }
	j := &Journey{Def: *d, stops: map[Stop]bool{}, catchUp: 2}
	// Defaults are filled into the copy, never into the caller's steps.
	j.Def.Steps = append([]Step(nil), d.Steps...)
	if !idRE.MatchString(d.Key) {
		bad("key", "%q: want 1–64 lower-case letters, digits, - _ . +", d.Key)
	}
	if strings.TrimSpace(d.Name) == "" {
		bad("name", "empty")
	}
	switch d.Anchor {
	case "":
		j.Def.Anchor = AnchorDue
	case AnchorDue, AnchorAgreementDue, AnchorPromise, AnchorBreach:
	default:
		bad("anchor", "%q: want due, agreement_due, promise or breach", d.Anchor)
	}
	var err error
	if j.entry, err = CompileExpr(d.Entry); err != nil {
		bad("entry", "%v", err)
	}
	pname := d.Policy
	if pname == "" {
		pname = "BR"
		j.Def.Policy = "BR"
	}
	if j.Policy, err = policy.Preset(pname); err != nil {
		bad("policy", "%v", err)
	}
	if d.CatchUpDays != nil {
		if *d.CatchUpDays < 0 || *d.CatchUpDays > 30 {
			bad("catch_up_days", "%d: want 0–30", *d.CatchUpDays)
		}
		j.catchUp = *d.CatchUpDays
	}
	stops := d.StopOn
	if len(stops) == 0 {
		stops = AllStops
	}
	for i, s := range stops {
		ok := false
		for _, k := range AllStops {
			ok = ok || k == s
		}
		if !ok {
			bad(fmt.Sprintf("stop_on[%d]", i), "%q: want one of %v", s, AllStops)
		}
		j.stops[s] = true
	}
	if d.Resume != nil {
		for place, k := range map[string]string{"resume.broken_promise": d.Resume.BrokenPromise, "resume.breach": d.Resume.Breach} {
			if k != "" && !idRE.MatchString(k) {
				bad(place, "%q is not a journey key", k)
			}
		}
	}
	seenV := map[string]bool{}
	for i, v := range d.Variants {
		place := fmt.Sprintf("variants[%d]", i)
		if !idRE.MatchString(v.Name) {
			bad(place+".name", "%q: want a short lower-case name", v.Name)
		}
		if seenV[v.Name] {
			bad(place+".name", "%q twice", v.Name)
		}
		seenV[v.Name] = true
		if v.Weight <= 0 || v.Weight > 1000 {
			bad(place+".weight", "%d: want 1–1000", v.Weight)
		}
		j.total += v.Weight
	}
	j.variants = d.Variants
	if len(j.variants) == 0 {
		j.variants, j.total = []Branch{{Name: "champion", Weight: 1}}, 1
		seenV["champion"] = true
	}
	if d.PortalURL != "" && !strings.HasPrefix(d.PortalURL, "https://") && !strings.HasPrefix(d.PortalURL, "http://") {
		bad("portal_url", "%q: want an http(s) URL", d.PortalURL)
	}
	if d.Pix != nil {
		if d.Pix.Key == "" || d.Pix.Name == "" || d.Pix.City == "" {
			bad("pix", "key, name and city are all needed")
		}
	}
	for id, t := range d.Templates {
		if t == nil {
			bad("templates."+id, "null")
			continue
		}
		for _, e := range t.compile(id, d) {
			errs = append(errs, e)
		}
	}
	if len(d.Steps) == 0 {
		bad("steps", "a journey needs at least one step")
	}
	if len(d.Steps) > 200 {
		bad("steps", "%d steps: at most 200", len(d.Steps))
	}
	ids := map[string]int{}
	for i := range d.Steps {
		s := &j.Def.Steps[i]
		place := fmt.Sprintf("steps[%d]", i)
		if s.ID != "" {
			place = fmt.Sprintf("steps[%d] (%s)", i, s.ID)
		}
		cs := cstep{Step: s}
		if !idRE.MatchString(s.ID) {
			bad(place+".id", "%q: want 1–64 lower-case letters, digits, - _ . +", s.ID)
		} else if k, dup := ids[s.ID]; dup {
			bad(place+".id", "%q is also steps[%d]", s.ID, k)
		}
		ids[s.ID] = i
		if s.Day < -60 || s.Day > 720 {
			bad(place+".day", "%d: want -60…720", s.Day)
		}
		if cs.when, err = CompileExpr(s.When); err != nil {
			bad(place+".when", "%v", err)
		}
		for _, v := range s.Variants {
			if !seenV[v] {
				bad(place+".variants", "%q is not one of the journey's variants", v)
			}
			if cs.variants == nil {
				cs.variants = map[string]bool{}
			}
			cs.variants[v] = true
		}
		if s.After != nil {
			k, ok := ids[s.After.Step]
			switch {
			case !ok:
				bad(place+".after.step", "%q is not an earlier step", s.After.Step)
			case d.Steps[k].Day > s.Day:
				bad(place+".after.step", "%q comes later (day %d)", s.After.Step, d.Steps[k].Day)
			}
			if len(s.After.Outcomes) == 0 {
				bad(place+".after.outcomes", "empty: want some of %v", Outcomes)
			}
			for _, o := range s.After.Outcomes {
				if outcomeRank(o) == 0 {
					bad(place+".after.outcomes", "%q: want one of %v", o, Outcomes)
				}
			}
		}
		needTemplate := false
		switch s.Action {
		case ActMessage, ActOffer:
			needTemplate = true
			switch s.Channel {
			case "sms", "email", "whatsapp", "letter":
			default:
				bad(place+".channel", "%q: a %s goes by sms, email, whatsapp or letter", s.Channel, s.Action)
			}
			if s.Action == ActOffer && (s.Offer == nil || s.Offer.Policy == "") {
				bad(place+".offer.policy", "an offer step names its offer policy")
			}
		case ActVoice:
			needTemplate = true
			if s.Channel == "" {
				s.Channel = "voice"
			} else if s.Channel != "voice" {
				bad(place+".channel", "%q: a voice step goes by voice", s.Channel)
			}
		case ActTask:
			if s.Channel == "" {
				s.Channel = "call"
			} else if s.Channel != "call" {
				bad(place+".channel", "%q: an agent task is a call", s.Channel)
			}
			if s.Priority < 1 || s.Priority > 5 {
				bad(place+".priority", "%d: want 1 (highest) … 5", s.Priority)
			}
		case ActWait:
			if s.Days < 1 || s.Days > 90 {
				bad(place+".days", "%d: a wait lasts 1–90 days", s.Days)
			}
			if s.Channel != "" || s.Template != "" {
				bad(place, "a wait sends nothing: no channel or template")
			}
		case ActExport:
			s.Channel = "export"
			if s.Target == "" {
				bad(place+".target", "an export names its target (the agency)")
			}
		default:
			bad(place+".action", "%q: want message, voice, task, offer, wait or export", s.Action)
		}
		if s.Channel != "" && s.Channel != "export" {
			cs.ch, _ = policy.ParseChannel(s.Channel)
		}
		if needTemplate {
			t, ok := d.Templates[s.Template]
			switch {
			case s.Template == "":
				bad(place+".template", "a %s step needs a template", s.Action)
			case !ok || t == nil:
				bad(place+".template", "%q is not in templates", s.Template)
			case t.Channel != s.Channel:
				bad(place+".template", "%q is for %s, the step sends by %s", s.Template, t.Channel, s.Channel)
			default:
				cs.tmpl = t
			}
		} else if s.Template != "" && s.Action != ActWait {
			if t, ok := d.Templates[s.Template]; ok && t != nil {
				cs.tmpl = t // a task may carry a script for the agent
			} else {
				bad(place+".template", "%q is not in templates", s.Template)
			}
		}
		j.steps = append(j.steps, cs)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sort.SliceStable(j.steps, func(a, b int) bool { return j.steps[a].Day < j.steps[b].Day })
	for _, s := range j.steps {
		if len(j.days) == 0 || j.days[len(j.days)-1] != s.Day {
			j.days = append(j.days, s.Day)
		}
	}
	return j, nil
}

// CompileBytes parses and compiles a journey file.
func CompileBytes(raw []byte) (*Journey, error) {
	d, err := ParseBytes(raw)
	if err != nil {
		return nil, err
	}
	return Compile(d)
}

// Key is the journey's key.
func (j *Journey) Key() string { return j.Def.Key }

// Entry reports whether a debt with facts f enters the journey.
func (j *Journey) Entry(f *Facts) bool { return j.entry.Eval(f) }

// Stops reports whether the journey honours stop condition s.
func (j *Journey) Stops(s Stop) bool { return j.stops[s] }

// Days returns the distinct step days, ascending.
func (j *Journey) Days() []int { return j.days }

// CatchUp is how many days late a step may still fire.
func (j *Journey) CatchUp() int { return j.catchUp }

// Variant picks the champion/challenger arm of a debtor: a hash of the
// journey key and the debtor id, so the same debtor always lands in the same
// arm of the same journey (and different journeys split independently).
func (j *Journey) Variant(debtorID int64) string {
	if len(j.variants) == 1 {
		return j.variants[0].Name
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(j.Def.Key); i++ {
		h ^= uint64(j.Def.Key[i])
		h *= 1099511628211
	}
	for i := 0; i < 8; i++ {
		h ^= uint64(byte(debtorID >> (8 * i)))
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	r := int(h % uint64(j.total))
	for _, v := range j.variants {
		if r < v.Weight {
			return v.Name
		}
		r -= v.Weight
	}
	return j.variants[len(j.variants)-1].Name
}

// MarshalIndent writes the definition back as canonical JSON.
func (d *Definition) MarshalIndent() ([]byte, error) { return json.MarshalIndent(d, "", "  ") }
