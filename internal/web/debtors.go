package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/phone"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/taxid"
)

// maskDocument hides a CPF/CNPJ for lists (see taxid.Mask); a value that
// does not parse is hidden whole rather than shown.
func maskDocument(doc string) string {
	if doc == "" {
		return ""
	}
	id, err := taxid.Parse(doc)
	if err != nil {
		return "***"
	}
	return id.Mask()
}

// formatDocument is the full, punctuated number.
func formatDocument(doc string) string {
	id, err := taxid.Parse(doc)
	if err != nil {
		return doc
	}
	return id.Format()
}

// canSeeDocument says who sees a debtor's full CPF/CNPJ: the people who
// talk to the debtor and must confirm who they are talking to. Lists and
// search results mask it for everyone.
func canSeeDocument(r domain.Role) bool { return r.AtLeast(domain.RoleAgent) }

func (s *Server) today() date.Date { return date.Of(s.cfg.Now().In(s.cfg.Zone)) }

type searchView struct {
	Query   string
	Results []searchRow
	Limit   int
	TooLong bool
}

type searchRow struct {
	store.DebtorSummary
	MaskedDoc string
}

const searchLimit = 50

func (s *Server) search(w http.ResponseWriter, r *http.Request, c *Ctx) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := searchView{Query: q, Limit: searchLimit}
	if utf8.RuneCountInString(q) > 200 {
		v.TooLong, v.Query = true, ""
	} else if q != "" {
		res, err := s.st.SearchDebtors(r.Context(), c.Tenant(), q, s.today(), searchLimit)
		if err != nil {
			s.internal(w, r, c, err)
			return
		}
		for _, d := range res {
			v.Results = append(v.Results, searchRow{DebtorSummary: d, MaskedDoc: maskDocument(d.Document)})
		}
	}
	s.render(w, r, c, http.StatusOK, "search", "search.title", v)
}

type debtorView struct {
	D            domain.Debtor
	Document     string
	DocumentFull bool
	Address      string
	Zone         string
	LocalNow     string
	ZoneBad      bool
	Contacts     []contactView
	Debts        []debtView
	Payments     []paymentView
	Events       []eventView
	LateIn12m    int
	Open         money.Money
	Overdue      money.Money
	MaxDPD       int
	Reasons      []domain.DelayReason
	Consents     []domain.ConsentState
	CreditorHold bool
	Attempts     []attemptView // contacts planned and made (acionamentos), newest first
	Negotiation  *store.DebtorNegotiation
	Tasks        []debtorTaskView   // agent call tasks, open and closed
	Letters      []debtorLetterView // printed letters, newest batch first
	loc          *time.Location
}

type debtorTaskView struct {
	store.AgentTask
	Due, Closed string // in the debtor's zone; "" when zero
}

type debtorLetterView struct {
	store.Letter
	Batch, Printed string
}

type contactView struct {
	domain.ContactPoint
	Display string
	At      string
}

type debtView struct {
	store.DebtDetail
	Open, Overdue money.Money
	MaxDPD        int
	Installments  []installmentView
	CreditorFault bool
}

type installmentView struct {
	domain.Installment
	DPD int
}

type paymentView struct {
	domain.Payment
	At       string
	Contract string
	Number   int
}

type eventView struct {
	domain.Event
	At        string
	Line      string // the summary in the viewer's language
	Actor     string
	Changes   []domain.Change
	AttemptID int64    // for dispatch events: the attempt, shown under Attempts
	Reasons   []string // that attempt's policy reasons
}

func (s *Server) debtor(w http.ResponseWriter, r *http.Request, c *Ctx) {
	d360, err := s.st.Debtor360(r.Context(), c.Tenant(), pathID(r, "id"), 200)
	if err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	// Timeline actors "user:12" are shown by name.
	users, err := s.st.Users(r.Context(), c.Tenant())
	if err != nil {
		s.internal(w, r, c, err)
		return
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names["user:"+strconv.FormatInt(u.ID, 10)] = u.Name
	}
	v := s.debtorView(c, d360, names)
	if as, ok := s.st.(store.AttemptStore); ok {
		atts, err := as.AttemptsOfDebtor(r.Context(), c.Tenant(), d360.Debtor.ID, 100)
		if err != nil {
			s.internal(w, r, c, err)
			return
		}
		v.Attempts = attemptViews(c.L, atts, v.loc)
		linkAttemptEvents(v.Events, v.Attempts)
	}
	// The debtor's agent call tasks and printed letters (what the call and
	// letter channels "sent"), when the store keeps them.
	if ts, ok := s.st.(store.TaskStore); ok {
		tasks, err := ts.Tasks(r.Context(), c.Tenant(), store.TaskFilter{DebtorID: d360.Debtor.ID, Limit: 50})
		if err != nil {
			s.internal(w, r, c, err)
			return
		}
		for _, tk := range tasks {
			v.Tasks = append(v.Tasks, debtorTaskView{AgentTask: tk, Due: c.L.TimeIn(tk.DueFrom, v.loc), Closed: c.L.TimeIn(tk.ClosedAt, v.loc)})
		}
	}
	if ls, ok := s.st.(store.LetterStore); ok {
		letters, err := ls.LettersOfDebtor(r.Context(), c.Tenant(), d360.Debtor.ID, 50)
		if err != nil {
			s.internal(w, r, c, err)
			return
		}
		for _, l := range letters {
			v.Letters = append(v.Letters, debtorLetterView{Letter: l, Batch: c.L.Date(l.BatchDate), Printed: c.L.TimeIn(l.PrintedAt, v.loc)})
		}
	}
	if ns, ok := s.st.(store.NegotiationStore); ok {
		neg, err := ns.DebtorNegotiation(r.Context(), c.Tenant(), d360.Debtor.ID)
		if err != nil {
			s.internal(w, r, c, err)
			return
		}
		if len(neg.Agreements) > 0 || len(neg.Promises) > 0 {
			v.Negotiation = &neg
		}
	}
	s.render(w, r, c, http.StatusOK, "debtor", "debtor.title", v)
}

func (s *Server) debtorView(c *Ctx, x store.Debtor360, actors map[string]string) debtorView {
	asOf := s.today()
	v := debtorView{D: x.Debtor, LateIn12m: x.LateIn12m, Reasons: domain.DelayReasons,
		Consents: []domain.ConsentState{domain.ConsentUnknown, domain.ConsentGranted, domain.ConsentOptOut}}
	if canSeeDocument(c.User.Role) {
		v.Document, v.DocumentFull = formatDocument(x.Debtor.Document), true
	} else {
		v.Document = maskDocument(x.Debtor.Document)
	}
	a := x.Debtor.Address
	var parts []string
	street := strings.TrimSpace(strings.Join(nonEmpty(a.Street, a.Number), ", "))
	if a.Complement != "" {
		street = strings.TrimSpace(street + " " + a.Complement)
	}
	parts = nonEmpty(street, a.District, strings.Join(nonEmpty(a.City, a.UF), "/"))
	if len(a.CEP) == 8 {
		parts = append(parts, "CEP "+a.CEP[:5]+"-"+a.CEP[5:])
	}
	v.Address = strings.Join(parts, " · ")

	// The debtor's own clock: contact rules count hours where the debtor is.
	v.Zone = x.Debtor.TimeZone
	loc := s.cfg.Zone
	if v.Zone != "" {
		if l, err := time.LoadLocation(v.Zone); err == nil {
			loc = l
		} else {
			v.ZoneBad = true
		}
	} else {
		v.Zone = s.cfg.Zone.String()
	}
	v.loc = loc
	now := s.cfg.Now().In(loc)
	v.LocalNow = c.L.T("weekday."+strings.ToLower(now.Weekday().String())) + " " + c.L.TimeIn(now, loc)

	for _, cp := range x.Contacts {
		cv := contactView{ContactPoint: cp, Display: cp.Value}
		if cp.Kind != domain.Email {
			if n, err := phone.Parse(cp.Value); err == nil {
				cv.Display = n.National()
			}
		}
		if !cp.ConsentAt.IsZero() {
			cv.At = c.L.Time(cp.ConsentAt)
		}
		v.Contacts = append(v.Contacts, cv)
	}
	contracts := map[int64]string{}
	numbers := map[int64]int{}
	for _, d := range x.Debts {
		dv := debtView{DebtDetail: d, CreditorFault: d.DelayReason.CreditorFault()}
		dv.Open, dv.Overdue, dv.MaxDPD = d.Totals(asOf)
		for _, in := range d.Installments {
			dv.Installments = append(dv.Installments, installmentView{Installment: in, DPD: in.DPD(asOf)})
			numbers[in.ID] = in.Number
		}
		contracts[d.ID] = d.ContractNumber
		v.Open += dv.Open
		v.Overdue += dv.Overdue
		v.MaxDPD = max(v.MaxDPD, dv.MaxDPD)
		v.CreditorHold = v.CreditorHold || dv.CreditorFault
		v.Debts = append(v.Debts, dv)
	}
	for _, p := range x.Payments {
		at := c.L.Time(p.PaidAt)
		if p.Source == domain.PaidBoleto {
			// A return file gives the day paid, not the time.
			at = c.L.Date(domain.PaymentDay(p.PaidAt, ""))
		}
		v.Payments = append(v.Payments, paymentView{Payment: p, At: at,
			Contract: contracts[p.DebtID], Number: numbers[p.InstallmentID]})
	}
	for _, e := range x.Events {
		ev := eventView{Event: e, At: c.L.Time(e.At), Line: eventLine(c.L, e, contracts), Actor: e.Actor, Changes: eventChanges(c.L, e)}
		if n, ok := actors[e.Actor]; ok {
			ev.Actor = n
		}
		v.Events = append(v.Events, ev)
	}
	return v
}

// eventLine writes the events whose data the UI understands in the
// viewer's language; others keep the summary written when they happened.
func eventLine(l *Localizer, e domain.Event, contracts map[int64]string) string {
	switch e.Kind {
	case domain.EventDelayReason:
		var d struct{ Old, New string }
		if json.Unmarshal(e.Data, &d) == nil && (d.New != "" || d.Old != "") {
			return l.T("ev.delay_reason", contracts[e.DebtID], reasonLabel(l, d.Old), reasonLabel(l, d.New))
		}
	case domain.EventContacted, domain.EventAttempt:
		if line, ok := attemptEventLine(l, e); ok {
			return line
		}
	case domain.EventConsent:
		var d struct{ Kind, Value, Old, New, Source string }
		if json.Unmarshal(e.Data, &d) == nil && d.New != "" {
			value := d.Value
			if d.Kind != string(domain.Email) {
				if n, err := phone.Parse(d.Value); err == nil {
					value = n.National()
				}
			}
			return l.T("ev.consent", l.Enum("channel", d.Kind), value, l.Enum("consent", d.Old), l.Enum("consent", d.New), d.Source)
		}
	}
	return e.Summary
}

func reasonLabel(l *Localizer, code string) string {
	if code == "" {
		return l.T("debt.no_reason")
	}
	return l.Enum("reason", code)
}

// eventChanges reads the old/new values a "changed" event carries, as a
// list of changes or an object holding one under "changes", with amounts
// and dates written for the viewer.
func eventChanges(l *Localizer, e domain.Event) []domain.Change {
	if e.Kind != domain.EventChanged || len(e.Data) == 0 {
		return nil
	}
	var list []domain.Change
	if json.Unmarshal(e.Data, &list) != nil {
		var obj struct {
			Changes []domain.Change `json:"changes"`
		}
		if json.Unmarshal(e.Data, &obj) != nil {
			return nil
		}
		list = obj.Changes
	}
	for i, ch := range list {
		list[i].Old, list[i].New = changeValue(l, ch.Field, ch.Old), changeValue(l, ch.Field, ch.New)
	}
	return list
}

// changeValue formats a stored value by what its field name says it is.
func changeValue(l *Localizer, field, v string) string {
	switch {
	case v == "":
		return "—"
	case strings.HasSuffix(field, "amount") || strings.HasSuffix(field, "paid") || strings.HasSuffix(field, "principal"):
		if m, err := money.Parse(v); err == nil {
			return l.Money(m)
		}
	case strings.HasSuffix(field, "date") || field == "birth":
		if d, err := date.Parse(v); err == nil {
			return l.Date(d)
		}
	}
	return v
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// debtOf loads the debtor and checks that the debt (or contact) named in
// the path is one of theirs, so a form can only act on what the page showed.
func (s *Server) debtorOwns(r *http.Request, c *Ctx, debtID, contactID int64) (bool, error) {
	x, err := s.st.Debtor360(r.Context(), c.Tenant(), pathID(r, "id"), 1)
	if err != nil {
		return false, err
	}
	for _, d := range x.Debts {
		if debtID != 0 && d.ID == debtID {
			return true, nil
		}
	}
	for _, cp := range x.Contacts {
		if contactID != 0 && cp.ID == contactID {
			return true, nil
		}
	}
	return false, nil
}

func (s *Server) actor(c *Ctx) string { return "user:" + strconv.FormatInt(c.User.ID, 10) }

func (s *Server) setDelayReason(w http.ResponseWriter, r *http.Request, c *Ctx) {
	debtID := pathID(r, "debt")
	ok, err := s.debtorOwns(r, c, debtID, 0)
	if err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	if !ok {
		s.notFound(w, r, c)
		return
	}
	reason := domain.DelayReason(r.PostFormValue("reason"))
	if !reason.Valid() {
		s.fail(w, r, c, http.StatusUnprocessableEntity, "error.bad_request")
		return
	}
	if err := s.st.SetDelayReason(r.Context(), c.Tenant(), debtID, reason, s.actor(c)); err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	s.flash(w, "delay_reason_saved")
	http.Redirect(w, r, "/debtors/"+r.PathValue("id")+"#debt-"+strconv.FormatInt(debtID, 10), http.StatusSeeOther)
}

func (s *Server) setConsent(w http.ResponseWriter, r *http.Request, c *Ctx) {
	contactID := pathID(r, "contact")
	ok, err := s.debtorOwns(r, c, 0, contactID)
	if err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	if !ok {
		s.notFound(w, r, c)
		return
	}
	state := domain.ConsentState(r.PostFormValue("consent"))
	switch state {
	case domain.ConsentUnknown, domain.ConsentGranted, domain.ConsentOptOut:
	default:
		s.fail(w, r, c, http.StatusUnprocessableEntity, "error.bad_request")
		return
	}
	if err := s.st.SetConsent(r.Context(), c.Tenant(), contactID, state, "agent", s.actor(c)); err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	s.flash(w, "consent_saved")
	http.Redirect(w, r, "/debtors/"+r.PathValue("id")+"#contacts", http.StatusSeeOther)
}
