package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/policy"
	"github.com/regua/regua/internal/store"
)

// journeyBackend is what the journey and queue pages need beyond
// store.Store: the journey engineer's and dispatch's stores and the web
// views. A store without them (none today) simply gets no such pages.
type journeyBackend interface {
	store.Store
	store.JourneyStore
	store.AttemptStore
	store.DispatchStore
	store.WebViewStore
}

// journeyPages serves /journeys (supervisors design, preview, activate and
// pause journeys) and /queue (the dispatch queue and its kill switches).
type journeyPages struct {
	*Server
	jb journeyBackend
}

// addJourneyPages registers the journey and queue pages when the store
// keeps journeys and attempts.
func (s *Server) addJourneyPages() {
	jb, ok := s.st.(journeyBackend)
	if !ok {
		return
	}
	p := &journeyPages{Server: s, jb: jb}
	for _, rt := range []Route{
		{Pattern: "GET /journeys", Role: domain.RoleSupervisor, Handler: p.list},
		{Pattern: "GET /journeys/new", Role: domain.RoleSupervisor, Handler: p.newForm},
		{Pattern: "POST /journeys", Role: domain.RoleSupervisor, Handler: p.create},
		{Pattern: "GET /journeys/{key}", Role: domain.RoleSupervisor, Handler: p.show},
		{Pattern: "GET /journeys/{key}/edit", Role: domain.RoleSupervisor, Handler: p.editForm},
		{Pattern: "POST /journeys/{key}", Role: domain.RoleSupervisor, Handler: p.update},
		{Pattern: "POST /journeys/{key}/status", Role: domain.RoleSupervisor, Handler: p.setStatus},
		{Pattern: "GET /journeys/{key}/preview", Role: domain.RoleSupervisor, Handler: p.preview},

		{Pattern: "GET /queue", Role: domain.RoleSupervisor, Handler: p.queue},
		{Pattern: "POST /queue/pause", Role: domain.RoleSupervisor, Handler: p.pause},
		{Pattern: "POST /queue/resume", Role: domain.RoleSupervisor, Handler: p.resume},
	} {
		s.Handle(rt)
	}
	s.AddNav(NavItem{Label: "nav.journeys", Path: "/journeys", Role: domain.RoleSupervisor, Order: 40})
	s.AddNav(NavItem{Label: "nav.queue", Path: "/queue", Role: domain.RoleSupervisor, Order: 45})
}

// List.

type journeyRow struct {
	store.Journey
	Enrolled, Active int
	Variants         []store.VariantResult
}

func (p *journeyPages) list(w http.ResponseWriter, r *http.Request, c *Ctx) {
	js, err := p.jb.Journeys(r.Context(), c.Tenant())
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	rows := make([]journeyRow, 0, len(js))
	for _, j := range js {
		res, err := p.jb.VariantResults(r.Context(), c.Tenant(), j.ID)
		if err != nil {
			p.internal(w, r, c, err)
			return
		}
		row := journeyRow{Journey: j, Variants: res}
		for _, v := range res {
			row.Enrolled += v.Enrolled
			row.Active += v.Active
		}
		rows = append(rows, row)
	}
	p.render(w, r, c, http.StatusOK, "journeys", "journeys.title", rows)
}

// Show.

type journeyView struct {
	J        store.Journey
	V        store.JourneyVersion
	Def      journey.Definition
	Author   string
	Variants []store.VariantResult
	Paused   bool // a dispatch kill switch holds this journey's attempts
	Bad      string
	Versions []versionRow
}

type versionRow struct {
	Version int
	Author  string
	At      string
	Shown   bool
}

func (p *journeyPages) show(w http.ResponseWriter, r *http.Request, c *Ctx) {
	j, err := p.jb.Journey(r.Context(), c.Tenant(), r.PathValue("key"))
	if err != nil {
		p.storeErr(w, r, c, err)
		return
	}
	// ?version=n shows an earlier version; the current one by default.
	n, _ := strconv.Atoi(r.URL.Query().Get("version"))
	v, err := p.jb.JourneyVersion(r.Context(), c.Tenant(), j.ID, max(n, 0))
	if err != nil {
		p.storeErr(w, r, c, err)
		return
	}
	view := journeyView{J: j, V: v, Author: v.Author}
	// The latest versions, newest first, for the history list.
	for k := j.Version; k >= 1 && k > j.Version-20; k-- {
		hv, err := p.jb.JourneyVersion(r.Context(), c.Tenant(), j.ID, k)
		if err != nil {
			p.storeErr(w, r, c, err)
			return
		}
		view.Versions = append(view.Versions, versionRow{Version: hv.Version, Author: hv.Author, At: c.L.Time(hv.CreatedAt), Shown: hv.Version == v.Version})
	}
	if cj, err := journey.CompileBytes(v.Definition); err != nil {
		view.Bad = err.Error()
		if d, err := journey.ParseBytes(v.Definition); err == nil {
			view.Def = *d
		}
	} else {
		view.Def = cj.Def
	}
	if view.Variants, err = p.jb.VariantResults(r.Context(), c.Tenant(), j.ID); err != nil {
		p.internal(w, r, c, err)
		return
	}
	pauses, err := p.jb.Pauses(r.Context(), c.Tenant())
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	for _, ps := range pauses {
		view.Paused = view.Paused || (ps.Scope == store.PauseJourney && ps.Value == j.Key)
	}
	if users, err := p.st.Users(r.Context(), c.Tenant()); err == nil {
		names := map[string]string{}
		for _, u := range users {
			names["user:"+strconv.FormatInt(u.ID, 10)] = u.Name
		}
		if nm, ok := names[v.Author]; ok {
			view.Author = nm
		}
		for i, hv := range view.Versions {
			if nm, ok := names[hv.Author]; ok {
				view.Versions[i].Author = nm
			}
		}
	}
	p.render(w, r, c, http.StatusOK, "journey", "journey.title", view)
}

// Status: activate, or pause at once — planning stops and the journey's
// planned and failed attempts are held by a dispatch kill switch in the
// same click; activating lifts both.
func (p *journeyPages) setStatus(w http.ResponseWriter, r *http.Request, c *Ctx) {
	key := r.PathValue("key")
	if _, err := p.jb.Journey(r.Context(), c.Tenant(), key); err != nil {
		p.storeErr(w, r, c, err)
		return
	}
	st := store.JourneyStatus(r.PostFormValue("status"))
	switch st {
	case store.JourneyActive:
		if err := p.jb.SetJourneyStatus(r.Context(), c.Tenant(), key, st); err != nil {
			p.storeErr(w, r, c, err)
			return
		}
		if _, err := p.jb.ResumeDispatch(r.Context(), c.Tenant(), store.PauseJourney, key); err != nil && !errors.Is(err, store.ErrNotFound) {
			p.internal(w, r, c, err)
			return
		}
		p.flash(w, "journey_activated")
	case store.JourneyPaused:
		if err := p.jb.SetJourneyStatus(r.Context(), c.Tenant(), key, st); err != nil {
			p.storeErr(w, r, c, err)
			return
		}
		if _, err := p.jb.PauseDispatch(r.Context(), store.Pause{TenantID: c.Tenant(), Scope: store.PauseJourney, Value: key,
			Reason: c.L.T("queue.reason_journey_paused"), Actor: p.actor(c)}); err != nil {
			p.storeErr(w, r, c, err)
			return
		}
		p.flash(w, "journey_paused")
	default:
		p.fail(w, r, c, http.StatusUnprocessableEntity, "error.bad_request")
		return
	}
	p.log.Info("journey status", "tenant", c.Tenant(), "journey", key, "status", st, "by", c.User.ID)
	http.Redirect(w, r, "/journeys/"+url.PathEscape(key), http.StatusSeeOther)
}

// Editor. The form edits the parts people change most — name, anchor,
// entry rule, steps with their conditions — as fields, and the rest of the
// definition (templates, variants, stop and resume rules, PIX) as JSON, so
// nothing of a journey is lost by editing it here. Errors of
// journey.Compile are shown beside the field or step they name.

type journeyForm struct {
	New                                                     bool
	Key, Name, Description, Anchor, Entry, Priority, Policy string
	Steps                                                   []stepForm
	Advanced                                                string
	Errors                                                  map[string][]string // by field: key, name, anchor, entry, priority, policy, description, advanced, steps
	Anchors, Actions, Channels                              []string
	Version                                                 int
}

type stepForm struct {
	ID, Day, Action, Channel, Template, When, More string
	Errors                                         []string
}

// The fields the form shows as inputs; the rest goes to Advanced.
var (
	formFields = []string{"key", "name", "description", "anchor", "entry", "priority", "policy", "steps"}
	stepFields = []string{"id", "day", "action", "channel", "template", "when"}
)

const blankSteps = 3 // empty step rows offered for new steps

func (f *journeyForm) fill() {
	f.Anchors = []string{string(journey.AnchorDue), string(journey.AnchorAgreementDue), string(journey.AnchorPromise), string(journey.AnchorBreach)}
	f.Actions = []string{string(journey.ActMessage), string(journey.ActVoice), string(journey.ActTask), string(journey.ActOffer), string(journey.ActWait), string(journey.ActExport)}
	f.Channels = []string{"sms", "email", "whatsapp", "letter", "voice", "call"}
	for range blankSteps {
		f.Steps = append(f.Steps, stepForm{})
	}
}

func (f *journeyForm) addErr(field, msg string) {
	if f.Errors == nil {
		f.Errors = map[string][]string{}
	}
	f.Errors[field] = append(f.Errors[field], msg)
}

// formOf splits a stored definition into the form.
func formOf(raw []byte) (journeyForm, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return journeyForm{}, err
	}
	str := func(k string) string {
		var s string
		if b, ok := all[k]; ok {
			if json.Unmarshal(b, &s) != nil {
				s = string(b)
			}
		}
		return s
	}
	f := journeyForm{Key: str("key"), Name: str("name"), Description: str("description"), Anchor: str("anchor"), Entry: str("entry"), Policy: str("policy")}
	if b, ok := all["priority"]; ok {
		f.Priority = string(b)
	}
	var steps []map[string]json.RawMessage
	if b, ok := all["steps"]; ok {
		if err := json.Unmarshal(b, &steps); err != nil {
			return f, err
		}
	}
	for _, st := range steps {
		sf := stepForm{}
		get := func(k string) string {
			b, ok := st[k]
			if !ok {
				return ""
			}
			delete(st, k)
			var s string
			if json.Unmarshal(b, &s) == nil {
				return s
			}
			return string(b)
		}
		sf.ID, sf.Day, sf.Action, sf.Channel, sf.Template, sf.When = get("id"), get("day"), get("action"), get("channel"), get("template"), get("when")
		if len(st) > 0 {
			b, _ := json.Marshal(st)
			sf.More = string(b)
		}
		f.Steps = append(f.Steps, sf)
	}
	for _, k := range formFields {
		delete(all, k)
	}
	if len(all) > 0 {
		b, _ := json.MarshalIndent(all, "", "  ")
		f.Advanced = string(b)
	}
	return f, nil
}

// formFromRequest reads the posted form.
func formFromRequest(r *http.Request) journeyForm {
	v := r.PostForm
	f := journeyForm{Key: strings.TrimSpace(v.Get("key")), Name: strings.TrimSpace(v.Get("name")), Description: strings.TrimSpace(v.Get("description")),
		Anchor: v.Get("anchor"), Entry: strings.TrimSpace(v.Get("entry")), Priority: strings.TrimSpace(v.Get("priority")),
		Policy: strings.TrimSpace(v.Get("policy")), Advanced: v.Get("advanced")}
	col := func(k string, i int) string {
		if vs := v[k]; i < len(vs) {
			return strings.TrimSpace(vs[i])
		}
		return ""
	}
	for i := range v["step_id"] {
		sf := stepForm{ID: col("step_id", i), Day: col("step_day", i), Action: col("step_action", i), Channel: col("step_channel", i),
			Template: col("step_template", i), When: col("step_when", i), More: col("step_more", i)}
		if sf.ID == "" && sf.Day == "" && sf.Template == "" && sf.When == "" && sf.More == "" {
			continue // an unused blank row
		}
		f.Steps = append(f.Steps, sf)
	}
	return f
}

var placeRe = regexp.MustCompile(`^steps\[(\d+)\](?: \([^)]*\))?\.?([^:]*): (.*)$`)

// definition assembles the definition the form describes, or records
// what is wrong beside each field and returns nil.
func (f *journeyForm) definition() []byte {
	all := map[string]any{}
	if strings.TrimSpace(f.Advanced) != "" {
		var adv map[string]json.RawMessage
		if err := json.Unmarshal([]byte(f.Advanced), &adv); err != nil {
			f.addErr("advanced", err.Error())
		}
		for k, b := range adv {
			if contains(formFields, k) {
				f.addErr("advanced", k+": edit it in its own field")
				continue
			}
			all[k] = b
		}
	}
	set := func(k, v string) {
		if v != "" {
			all[k] = v
		}
	}
	set("key", f.Key)
	set("name", f.Name)
	set("description", f.Description)
	set("anchor", f.Anchor)
	set("entry", f.Entry)
	set("policy", f.Policy)
	if f.Priority != "" {
		n, err := strconv.Atoi(f.Priority)
		if err != nil {
			f.addErr("priority", "want a whole number")
		}
		all["priority"] = n
	}
	steps := make([]map[string]any, 0, len(f.Steps))
	for i := range f.Steps {
		sf := &f.Steps[i]
		st := map[string]any{}
		if sf.More != "" {
			var more map[string]json.RawMessage
			if err := json.Unmarshal([]byte(sf.More), &more); err != nil {
				sf.Errors = append(sf.Errors, "more: "+err.Error())
			}
			for k, b := range more {
				if contains(stepFields, k) {
					sf.Errors = append(sf.Errors, "more: "+k+" has its own column")
					continue
				}
				st[k] = b
			}
		}
		st["id"] = sf.ID
		day, err := strconv.Atoi(sf.Day)
		if err != nil {
			sf.Errors = append(sf.Errors, "day: want a whole number of days from the anchor (-5, 0, 15)")
		}
		st["day"] = day
		st["action"] = sf.Action
		for k, v := range map[string]string{"channel": sf.Channel, "template": sf.Template, "when": sf.When} {
			if v != "" {
				st[k] = v
			}
		}
		steps = append(steps, st)
	}
	all["steps"] = steps
	// Rules are stored as typed ("overdue > 0"), not as \u003e.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(all); err != nil {
		f.addErr("advanced", err.Error())
		return nil
	}
	raw := bytes.TrimSpace(buf.Bytes())
	d, err := journey.ParseBytes(raw)
	if err == nil {
		_, err = journey.Compile(d)
	}
	var errs journey.Errors
	switch {
	case errors.As(err, &errs):
		for _, e := range errs {
			f.placeErr(e)
		}
	case err != nil:
		f.addErr("advanced", err.Error())
	}
	if f.HasErrors() {
		return nil
	}
	return raw
}

// placeErr puts one "place: problem" of journey.Compile beside its field.
func (f *journeyForm) placeErr(e string) {
	if m := placeRe.FindStringSubmatch(e); m != nil {
		i, _ := strconv.Atoi(m[1])
		if i < len(f.Steps) {
			msg := m[3]
			if m[2] != "" {
				msg = m[2] + ": " + msg
			}
			f.Steps[i].Errors = append(f.Steps[i].Errors, msg)
			return
		}
	}
	place, msg, _ := strings.Cut(e, ": ")
	root := place
	if i := strings.IndexAny(root, ".["); i >= 0 {
		root = root[:i]
	}
	if contains(formFields, root) {
		f.addErr(root, msg)
		return
	}
	f.addErr("advanced", e)
}

// HasErrors says whether any field or step has a problem.
func (f journeyForm) HasErrors() bool {
	if len(f.Errors) > 0 {
		return true
	}
	for _, s := range f.Steps {
		if len(s.Errors) > 0 {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// starterDefinition is what a new journey starts from: a courteous
// reminder before the due date and one message after it, with their
// templates, for the supervisor to adapt.
const starterDefinition = `{
  "key": "", "name": "", "anchor": "due", "entry": "not agreement", "priority": 200, "policy": "BR",
  "steps": [
    {"id": "d-3-email", "day": -3, "action": "message", "channel": "email", "template": "lembrete-email"},
    {"id": "d2-sms", "day": 2, "action": "message", "channel": "sms", "template": "atraso-sms", "when": "overdue > 0"}
  ],
  "templates": {
    "lembrete-email": {"channel": "email",
      "subject": {"pt-BR": "Lembrete: sua parcela vence em {{due_date}}", "es": "Recordatorio: su cuota vence el {{due_date}}", "en": "Reminder: your installment is due on {{due_date}}"},
      "body": {"pt-BR": "Olá, {{first_name}}! A parcela do contrato {{contract}}, de {{amount}}, vence em {{due_date}}.", "es": "¡Hola, {{first_name}}! La cuota del contrato {{contract}}, de {{amount}}, vence el {{due_date}}.", "en": "Hello, {{first_name}}! The installment of contract {{contract}}, {{amount}}, is due on {{due_date}}."}},
    "atraso-sms": {"channel": "sms", "transliterate": true,
      "body": {"pt-BR": "{{creditor}}: a parcela de {{amount}} venceu em {{due_date}}. Regularize pelo PIX ou fale conosco.", "es": "{{creditor}}: la cuota de {{amount}} venció el {{due_date}}.", "en": "{{creditor}}: your {{amount}} installment was due on {{due_date}}."}}
  }
}`

func (p *journeyPages) editorPage(w http.ResponseWriter, r *http.Request, c *Ctx, status int, f journeyForm) {
	f.fill()
	title := "journeys.new_title"
	if !f.New {
		title = "journeys.edit_title"
	}
	p.render(w, r, c, status, "journey_edit", title, f)
}

func (p *journeyPages) newForm(w http.ResponseWriter, r *http.Request, c *Ctx) {
	f, err := formOf([]byte(starterDefinition))
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	f.New = true
	p.editorPage(w, r, c, http.StatusOK, f)
}

func (p *journeyPages) editForm(w http.ResponseWriter, r *http.Request, c *Ctx) {
	j, err := p.jb.Journey(r.Context(), c.Tenant(), r.PathValue("key"))
	if err != nil {
		p.storeErr(w, r, c, err)
		return
	}
	v, err := p.jb.JourneyVersion(r.Context(), c.Tenant(), j.ID, 0)
	if err != nil {
		p.storeErr(w, r, c, err)
		return
	}
	f, err := formOf(v.Definition)
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	f.Version = j.Version
	p.editorPage(w, r, c, http.StatusOK, f)
}

func (p *journeyPages) create(w http.ResponseWriter, r *http.Request, c *Ctx) {
	f := formFromRequest(r)
	f.New = true
	if f.Key != "" {
		if _, err := p.jb.Journey(r.Context(), c.Tenant(), f.Key); err == nil {
			f.addErr("key", c.L.T("journeys.err_key_taken"))
		} else if !errors.Is(err, store.ErrNotFound) {
			p.internal(w, r, c, err)
			return
		}
	}
	p.save(w, r, c, f)
}

func (p *journeyPages) update(w http.ResponseWriter, r *http.Request, c *Ctx) {
	j, err := p.jb.Journey(r.Context(), c.Tenant(), r.PathValue("key"))
	if err != nil {
		p.storeErr(w, r, c, err)
		return
	}
	f := formFromRequest(r)
	f.Key, f.Version = j.Key, j.Version // the key names the journey; it does not change
	p.save(w, r, c, f)
}

// save validates the form and stores it as a new version (a definition
// equal to the current one adds none).
func (p *journeyPages) save(w http.ResponseWriter, r *http.Request, c *Ctx, f journeyForm) {
	raw := f.definition()
	if raw == nil {
		p.editorPage(w, r, c, http.StatusUnprocessableEntity, f)
		return
	}
	j, v, err := p.jb.SaveJourney(r.Context(), c.Tenant(), f.Key, f.Name, raw, p.actor(c))
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	p.log.Info("journey saved", "tenant", c.Tenant(), "journey", j.Key, "version", v.Version, "by", c.User.ID)
	p.flash(w, "journey_saved")
	http.Redirect(w, r, "/journeys/"+url.PathEscape(j.Key), http.StatusSeeOther)
}

// Preview: pick a debtor, see the calendar.

type previewView struct {
	J          store.Journey
	Query      string
	Results    []searchRow
	Debtor     *domain.Debtor
	DebtID     int64
	Debts      []store.DebtDetail
	Assume     string
	Outcomes   []string
	Days       int
	Version    int // the version previewed (0: the current one)
	Error      string
	Anchor     date.Date
	AnchorKind string
	Variant    string
	Zone       string
	Lines      []previewLine
}

type previewLine struct {
	Day        date.Date
	Weekday    string
	Weekend    bool
	Step       string
	Offset     string
	Action     string
	Channel    string
	GoesOut    string
	Moved      bool
	Never      bool
	Note       string
	Reasons    []string
	FirstOfDay bool
}

func (p *journeyPages) preview(w http.ResponseWriter, r *http.Request, c *Ctx) {
	ctx := r.Context()
	j, err := p.jb.Journey(ctx, c.Tenant(), r.PathValue("key"))
	if err != nil {
		p.storeErr(w, r, c, err)
		return
	}
	q := r.URL.Query()
	v := previewView{J: j, Query: strings.TrimSpace(q.Get("q")), Assume: q.Get("assume"), Outcomes: journey.Outcomes, Days: 60}
	if v.Assume == "" || !contains(journey.Outcomes, v.Assume) {
		v.Assume = "no_answer"
	}
	if n, err := strconv.Atoi(q.Get("version")); err == nil && n > 0 && n <= j.Version {
		v.Version = n // an earlier version; 0 is the current one
	}
	if n, err := strconv.Atoi(q.Get("days")); err == nil && n > 0 {
		v.Days = min(n, 400)
	}
	if v.Query != "" && len(v.Query) <= 200 {
		res, err := p.jb.SearchDebtors(ctx, c.Tenant(), v.Query, p.today(), 20)
		if err != nil {
			p.internal(w, r, c, err)
			return
		}
		for _, d := range res {
			v.Results = append(v.Results, searchRow{DebtorSummary: d, MaskedDoc: maskDocument(d.Document)})
		}
	}
	debtorID, _ := strconv.ParseInt(q.Get("debtor"), 10, 64)
	if debtorID <= 0 {
		p.render(w, r, c, http.StatusOK, "journey_preview", "preview.title", v)
		return
	}
	d360, err := p.jb.Debtor360(ctx, c.Tenant(), debtorID, 0)
	if err != nil {
		p.storeErr(w, r, c, err)
		return
	}
	v.Debtor, v.Debts = &d360.Debtor, d360.Debts
	v.DebtID, _ = strconv.ParseInt(q.Get("debt"), 10, 64)
	ver, err := p.jb.JourneyVersion(ctx, c.Tenant(), j.ID, v.Version)
	if err != nil {
		p.storeErr(w, r, c, err)
		return
	}
	v.Version = ver.Version
	cj, err := journey.CompileBytes(ver.Definition)
	if err != nil {
		v.Error = err.Error()
		p.render(w, r, c, http.StatusOK, "journey_preview", "preview.title", v)
		return
	}
	f, pd, err := planner.PreviewFacts(cj, d360, v.DebtID, p.today())
	if err != nil {
		v.Error = c.L.T("preview.no_anchor")
		p.render(w, r, c, http.StatusOK, "journey_preview", "preview.title", v)
		return
	}
	atts, err := p.jb.AttemptsOfDebtor(ctx, c.Tenant(), debtorID, 200)
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	var h []policy.Attempt
	for _, a := range atts {
		if ch, err := policy.ParseChannel(a.Channel); err == nil && a.Status != store.AttemptCancelled {
			at := a.SentAt
			if at.IsZero() {
				at = a.DueAt
			}
			h = append(h, policy.Attempt{ID: strconv.FormatInt(a.ID, 10), At: at, Channel: ch, Outcome: policy.Attempted})
		}
	}
	from := f.Anchor.AddDays(-7)
	if s := q.Get("from"); s != "" {
		if d, err := date.Parse(s); err == nil {
			from = d
		}
	}
	cal := cj.Preview(f, pd, h, journey.PreviewOptions{From: from, To: from.AddDays(v.Days - 1), Assume: v.Assume, Lang: c.L.Locale})
	v.Anchor, v.AnchorKind, v.Variant, v.Zone = f.Anchor, string(f.AnchorKind), f.Variant, pd.Zone
	loc := pd.Loc
	if loc == nil {
		loc = time.UTC
	}
	var last date.Date
	for _, e := range cal {
		wd := e.Day.Weekday()
		l := previewLine{Day: e.Day, Weekday: c.L.T("weekday." + strings.ToLower(wd.String())), Weekend: wd == time.Saturday || wd == time.Sunday,
			Step: e.Step, Action: string(e.Action), Channel: e.Channel, Moved: e.Moved, Never: e.Never, Reasons: e.Reasons, FirstOfDay: e.Day != last}
		last = e.Day
		if e.Note != "" {
			l.Note = c.L.Enum("jnote", e.Note)
		} else {
			l.Offset = "D" + strconv.FormatInt(int64(e.Offset), 10)
			if e.Offset > 0 {
				l.Offset = "D+" + strconv.Itoa(e.Offset)
			}
			if !e.At.IsZero() {
				at := e.At.In(loc)
				l.GoesOut = c.L.T("weekday."+strings.ToLower(at.Weekday().String())) + " " + c.L.TimeIn(at, loc)
			}
		}
		v.Lines = append(v.Lines, l)
	}
	p.render(w, r, c, http.StatusOK, "journey_preview", "preview.title", v)
}
