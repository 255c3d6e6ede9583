package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/store"
)

// testJourney anchors on the seeded debts' oldest open due date, Monday
// 10 Aug 2026: D+5 is a Saturday (the SMS moves to Monday) and D+28 is
// 7 Sep, Independence Day (the e-mail moves to Tuesday).
const testJourney = `{
  "key": "lembretes", "name": "Lembretes de teste", "anchor": "due", "entry": "not agreement", "priority": 50, "policy": "BR",
  "steps": [
    {"id": "d5-sms", "day": 5, "action": "message", "channel": "sms", "template": "atraso-sms"},
    {"id": "d28-email", "day": 28, "action": "message", "channel": "email", "template": "atraso-email", "when": "overdue > 100"},
    {"id": "d40-agent", "day": 40, "action": "task", "priority": 2, "when": "overdue >= 500 or recurrent"}
  ],
  "templates": {
    "atraso-sms": {"channel": "sms", "transliterate": true, "body": {"pt-BR": "{{creditor}}: parcela de {{amount}} em atraso desde {{due_date}}."}},
    "atraso-email": {"channel": "email", "subject": {"pt-BR": "Parcela em atraso"}, "body": {"pt-BR": "Olá, {{first_name}}: a parcela de {{amount}} venceu em {{due_date}}."}}
  }
}`

var anchorDay = date.New(2026, 8, 10)

func saveTestJourney(t *testing.T, e *testEnv, td tenantData, def string) store.Journey {
	t.Helper()
	j, _, err := e.st.SaveJourney(context.Background(), td.ID, "lembretes", "Lembretes de teste", json.RawMessage(def), "test")
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// planTestJourney activates the test journey, enrols the tenant's debts
// and plans the Saturday of D+5 with the real planner.
func planTestJourney(t *testing.T, e *testEnv, td tenantData) []store.Attempt {
	t.Helper()
	ctx := context.Background()
	saveTestJourney(t, e, td, testJourney)
	if err := e.st.SetJourneyStatus(ctx, td.ID, "lembretes", store.JourneyActive); err != nil {
		t.Fatal(err)
	}
	day := anchorDay.AddDays(5)
	if _, err := planner.Enrol(ctx, e.st, td.ID, day, 100); err != nil {
		t.Fatal(err)
	}
	res, err := planner.Plan(ctx, e.st, td.ID, planner.Options{Day: day, Workers: 1, Log: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Planned == 0 {
		t.Fatalf("planner planned nothing: %+v", res)
	}
	as, err := e.st.AttemptsOfDebtor(ctx, td.ID, td.Debtor.Debtor.ID, 10)
	if err != nil || len(as) == 0 {
		t.Fatalf("attempts of debtor: %v %v", as, err)
	}
	return as
}

func withSteps(v url.Values, rows ...[7]string) url.Values {
	for _, r := range rows {
		v.Add("step_day", r[0])
		v.Add("step_id", r[1])
		v.Add("step_action", r[2])
		v.Add("step_channel", r[3])
		v.Add("step_template", r[4])
		v.Add("step_when", r[5])
		v.Add("step_more", r[6])
	}
	return v
}

const testTemplates = `{"templates": {"lembrete-sms": {"channel": "sms", "body": {"pt-BR": "{{creditor}}: sua parcela de {{amount}} vence em {{due_date}}."}}}}`

func TestJourneyEditor(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.loggedIn(t, e.A.Supervisor)

	if r := c.get("/journeys"); r.Code != http.StatusOK || !strings.Contains(r.Body, `id="no-journeys"`) {
		t.Fatalf("empty list: %d", r.Code)
	}
	r := c.get("/journeys/new")
	if r.Code != http.StatusOK || !strings.Contains(r.Body, "d-3-email") || !strings.Contains(r.Body, "lembrete-email") {
		t.Fatalf("new form: %d", r.Code)
	}

	// Errors come back beside their fields, and nothing is saved.
	bad := withSteps(url.Values{"key": {"lembretes"}, "name": {"Lembretes"}, "anchor": {"due"}, "entry": {"dpd >= 30 and overdue > "},
		"priority": {"x"}, "advanced": {testTemplates}},
		[7]string{"-3", "d-3-sms", "message", "sms", "lembrete-sms", "", ""},
		[7]string{"dois", "d2-sms", "message", "sms", "lembrete-sms", "", ""},
		[7]string{"5", "d5-sms", "message", "sms", "nao-existe", "dpdd > 3", ""},
		[7]string{"", "", "message", "", "", "", ""}, // a blank row is ignored
	)
	r = c.post("/journeys", bad)
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad journey: %d", r.Code)
	}
	for _, want := range []string{
		`name="entry" value="dpd &gt;= 30 and overdue &gt;"`, // the form keeps what was typed
		"want a whole number",                                // priority
		"day: want a whole number of days",                   // step 2
		"unknown variable dpdd",                              // step 3's condition
		`&#34;nao-existe&#34; is not in templates`,           // step 3's template
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("bad journey page lacks %q", want)
		}
	}
	// The entry error is right after the entry field, the step errors in
	// the row after the step.
	entryAt := strings.Index(r.Body, `name="entry"`)
	errAt := strings.Index(r.Body[entryAt:], `class="field-error"`)
	if entryAt < 0 || errAt < 0 || errAt > 400 || !strings.Contains(r.Body[entryAt:entryAt+errAt+300], "column") {
		t.Errorf("entry error not beside the field")
	}
	if !strings.Contains(r.Body, `id="step-2"`) || !strings.Contains(r.Body, `step-row has-error" id="step-2"`) {
		t.Error("step 3 not marked")
	}
	if _, err := e.st.Journey(ctx, e.A.ID, "lembretes"); err == nil {
		t.Fatal("an invalid journey was saved")
	}

	good := withSteps(url.Values{"key": {"lembretes"}, "name": {"Lembretes"}, "anchor": {"due"}, "entry": {"dpd >= -10 and not agreement"},
		"priority": {"20"}, "policy": {"BR"}, "advanced": {testTemplates}},
		[7]string{"-3", "d-3-sms", "message", "sms", "lembrete-sms", "", ""},
		[7]string{"7", "d7-agent", "task", "call", "", "overdue >= 500", `{"priority":2,"queue":"early"}`},
	)
	r = c.post("/journeys", good)
	if r.Code != http.StatusSeeOther || r.Location != "/journeys/lembretes" {
		t.Fatalf("create: %d %s %s", r.Code, r.Location, r.Body)
	}
	j, err := e.st.Journey(ctx, e.A.ID, "lembretes")
	if err != nil || j.Version != 1 || j.Status != store.JourneyDraft {
		t.Fatalf("created: %+v %v", j, err)
	}
	v, _ := e.st.JourneyVersion(ctx, e.A.ID, j.ID, 0)
	if !strings.Contains(string(v.Definition), `"queue":"early"`) || v.Author != "user:"+itoa64(e.A.Supervisor.ID) {
		t.Errorf("stored definition/author: %s by %s", v.Definition, v.Author)
	}
	// The same key again is refused beside the key.
	if r := c.post("/journeys", good); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Já existe uma régua com esta chave.") {
		t.Errorf("duplicate key: %d", r.Code)
	}

	r = c.get("/journeys/lembretes")
	for _, want := range []string{"Lembretes", "d-3-sms", "d7-agent", "dpd &gt;= -10 and not agreement", "Rascunho", `id="activate-journey"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("journey page lacks %q", want)
		}
	}
	// The editor shows the stored version, with the extra step fields as JSON.
	r = c.get("/journeys/lembretes/edit")
	if !strings.Contains(r.Body, `value="{&#34;priority&#34;:2,&#34;queue&#34;:&#34;early&#34;}"`) || !strings.Contains(r.Body, "lembrete-sms") {
		t.Errorf("edit form does not show the stored version")
	}

	// An edit is a new version; saving it unchanged adds none; the key
	// in the form cannot rename the journey.
	good.Set("key", "outra")
	good.Set("entry", "dpd >= -5")
	if r := c.post("/journeys/lembretes", good); r.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.Code, r.Body)
	}
	if r := c.post("/journeys/lembretes", good); r.Code != http.StatusSeeOther {
		t.Fatalf("edit again: %d", r.Code)
	}
	j, _ = e.st.Journey(ctx, e.A.ID, "lembretes")
	if j.Version != 2 {
		t.Errorf("version after edits: %d, want 2", j.Version)
	}
	if _, err := e.st.Journey(ctx, e.A.ID, "outra"); err == nil {
		t.Error("the edit created another journey")
	}
	v1, _ := e.st.JourneyVersion(ctx, e.A.ID, j.ID, 1)
	if !strings.Contains(string(v1.Definition), `"dpd >= -10 and not agreement"`) {
		t.Error("version 1 changed")
	}
	// The history lists both versions; an earlier one can be read.
	r = c.get("/journeys/lembretes")
	if !strings.Contains(r.Body, `href="/journeys/lembretes?version=1"`) || !strings.Contains(r.Body, "dpd &gt;= -5") {
		t.Error("journey page lacks the history or the current version")
	}
	r = c.get("/journeys/lembretes?version=1")
	if !strings.Contains(r.Body, "dpd &gt;= -10 and not agreement") || !strings.Contains(r.Body, "versão antiga; a atual é a 2") {
		t.Error("version 1 not shown as an earlier version")
	}
	// A preview of version 1 uses its steps: the row step is the same,
	// but the page says which version it is.
	if r := c.get("/journeys/lembretes/preview?version=1&debtor=" + itoa64(e.A.Debtor.Debtor.ID)); r.Code != http.StatusOK ||
		!strings.Contains(r.Body, "Versão 1") || !strings.Contains(r.Body, "versão antiga; a atual é a 2") {
		t.Errorf("preview of version 1: %d", r.Code)
	}
	if r := c.get("/journeys/lembretes?version=9"); r.Code != http.StatusNotFound {
		t.Errorf("version 9: %d", r.Code)
	}

	// Activate, pause (planning stops and sending is held), activate.
	if r := c.post("/journeys/lembretes/status", url.Values{"status": {"active"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("activate: %d", r.Code)
	}
	if j, _ := e.st.Journey(ctx, e.A.ID, "lembretes"); j.Status != store.JourneyActive {
		t.Errorf("status %s", j.Status)
	}
	if r := c.post("/journeys/lembretes/status", url.Values{"status": {"paused"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("pause: %d", r.Code)
	}
	j, _ = e.st.Journey(ctx, e.A.ID, "lembretes")
	ps, _ := e.st.Pauses(ctx, e.A.ID)
	if j.Status != store.JourneyPaused || len(ps) != 1 || ps[0].Scope != store.PauseJourney || ps[0].Value != "lembretes" {
		t.Errorf("paused: %s %+v", j.Status, ps)
	}
	if r := c.get("/journeys/lembretes"); !strings.Contains(r.Body, `id="journey-held"`) || !strings.Contains(r.Body, "Pausada") {
		t.Error("journey page does not show the pause")
	}
	c.post("/journeys/lembretes/status", url.Values{"status": {"active"}})
	if ps, _ := e.st.Pauses(ctx, e.A.ID); len(ps) != 0 {
		t.Errorf("pause left after activating: %+v", ps)
	}
	if r := c.post("/journeys/lembretes/status", url.Values{"status": {"draft"}}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("status draft: %d", r.Code)
	}
	r = c.get("/journeys")
	if !strings.Contains(r.Body, `id="journey-lembretes"`) || !strings.Contains(r.Body, "Ativa") {
		t.Error("list does not show the journey")
	}
}

func TestJourneyPreviewPage(t *testing.T) {
	e := newEnv(t, nil)
	saveTestJourney(t, e, e.A, testJourney)
	c := e.loggedIn(t, e.A.Supervisor)
	base := "/journeys/lembretes/preview"

	r := c.get(base + "?q=" + url.QueryEscape(e.A.CPF))
	if r.Code != http.StatusOK || !strings.Contains(r.Body, base+"?debtor="+itoa64(e.A.Debtor.Debtor.ID)) {
		t.Fatalf("search: %d", r.Code)
	}
	r = c.get(base + "?debtor=" + itoa64(e.A.Debtor.Debtor.ID) + "&days=60")
	if r.Code != http.StatusOK {
		t.Fatalf("preview: %d", r.Code)
	}
	cal := r.Body[strings.Index(r.Body, `id="calendar"`):]
	for _, want := range []string{
		"15/08/2026", "d5-sms", "D&#43;5", "seg. 17/08/2026", "adiado", "fim de semana", // Saturday → Monday
		"07/09/2026", "d28-email", "ter. 08/09/2026", "feriado (nacional): independência", // Independence Day → Tuesday
		"d40-agent", "Tarefa para operador",
	} {
		if !strings.Contains(strings.ToLower(cal), strings.ToLower(want)) {
			t.Errorf("calendar lacks %q", want)
		}
	}
	if !strings.Contains(r.Body, "America/Manaus") {
		t.Error("the debtor's zone is not shown")
	}
	// English reasons for an English viewer.
	c.post("/locale", url.Values{"lang": {"en"}})
	r = c.get(base + "?debtor=" + itoa64(e.A.Debtor.Debtor.ID))
	if !strings.Contains(r.Body, "weekend: no contact on this day") || !strings.Contains(r.Body, "moved") {
		t.Error("English preview lacks English reasons")
	}

	// Tenant B's debtor through A's journey, and A's journey from B: 404.
	if r := c.get(base + "?debtor=" + itoa64(e.B.Debtor.Debtor.ID)); r.Code != http.StatusNotFound || strings.Contains(r.Body, e.B.Name) {
		t.Errorf("B's debtor in A's preview: %d", r.Code)
	}
	if r := c.get(base + "?q=" + e.B.CPF); strings.Contains(r.Body, e.B.Name) {
		t.Error("preview search finds B's debtor")
	}
	cb := e.loggedIn(t, e.B.Supervisor)
	for _, p := range []string{"/journeys/lembretes", "/journeys/lembretes/edit", base, base + "?debtor=" + itoa64(e.B.Debtor.Debtor.ID)} {
		if r := cb.get(p); r.Code != http.StatusNotFound {
			t.Errorf("B GET %s: %d, want 404", p, r.Code)
		}
	}
	for _, p := range []string{"/journeys/lembretes", "/journeys/lembretes/status"} {
		if r := cb.post(p, withSteps(url.Values{"status": {"paused"}, "name": {"x"}, "advanced": {testTemplates}},
			[7]string{"1", "a", "message", "sms", "lembrete-sms", "", ""})); r.Code != http.StatusNotFound {
			t.Errorf("B POST %s: %d, want 404", p, r.Code)
		}
	}
	if j, _ := e.st.Journey(context.Background(), e.A.ID, "lembretes"); j.Version != 1 || j.Status != store.JourneyDraft {
		t.Errorf("B changed A's journey: %+v", j)
	}
	if r := cb.get("/journeys"); strings.Contains(r.Body, "Lembretes de teste") {
		t.Error("B's list shows A's journey")
	}
}

func TestDebtorAttempts(t *testing.T) {
	e := newEnv(t, nil)
	as := planTestJourney(t, e, e.A)
	c := e.loggedIn(t, e.A.Agent)
	r := c.get("/debtors/" + itoa64(e.A.Debtor.Debtor.ID))
	if r.Code != http.StatusOK {
		t.Fatal(r.Code)
	}
	sec := r.Body[strings.Index(r.Body, `id="attempts"`):]
	sec = sec[:strings.Index(sec, "</section>")]
	a := as[0]
	// Planned for Monday 17 Aug in Manaus: the allowed window opens at
	// 08:00 local; the reasons say why not Saturday, in Portuguese.
	due := a.DueAt.In(time.FixedZone("AMT", -4*3600))
	for _, want := range []string{`id="attempt-` + itoa64(a.ID) + `"`, "d5-sms", "lembretes", "SMS", "Planejado",
		"seg. 17/08/2026 " + due.Format("15:04"), "Não saiu no dia da etapa (15/08/2026) porque:", "fim de semana", "America/Manaus"} {
		if !strings.Contains(sec, want) {
			t.Errorf("attempts section lacks %q", want)
		}
	}
	c.post("/locale", url.Values{"lang": {"es"}})
	r = c.get("/debtors/" + itoa64(e.A.Debtor.Debtor.ID))
	if !strings.Contains(r.Body, "fin de semana: sin contacto este día") {
		t.Error("Spanish viewer does not get Spanish reasons")
	}
	// Tenant B's agent sees none of it.
	cb := e.loggedIn(t, e.B.Agent)
	if r := cb.get("/debtors/" + itoa64(e.A.Debtor.Debtor.ID)); r.Code != http.StatusNotFound {
		t.Errorf("B opens A's debtor: %d", r.Code)
	}
	if r := cb.get("/debtors/" + itoa64(e.B.Debtor.Debtor.ID)); !strings.Contains(r.Body, "Nenhum acionamento ainda.") {
		t.Error("B's debtor shows attempts")
	}
}

func TestQueuePage(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	as := planTestJourney(t, e, e.A)
	planTestJourney(t, e, e.B)
	c := e.loggedIn(t, e.A.Supervisor)
	r := c.get("/queue")
	if r.Code != http.StatusOK {
		t.Fatal(r.Code)
	}
	// Kill switch on a channel: planned SMS are held at once; resume
	// releases them.
	if r := c.post("/queue/pause", url.Values{"scope": {"channel"}, "value": {"sms"}, "reason": {"provedor fora"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("pause: %d", r.Code)
	}
	held := func(tenant int64) int {
		n := 0
		for _, x := range mustAttempts(t, e, tenant) {
			if x.Status == store.AttemptHeld {
				n++
			}
		}
		return n
	}
	if held(int64(e.A.ID)) == 0 {
		t.Error("pausing sms held nothing")
	}
	if held(int64(e.B.ID)) != 0 {
		t.Error("A's pause held B's attempts")
	}
	if r := c.get("/queue"); !strings.Contains(r.Body, "provedor fora") || !strings.Contains(r.Body, `class="pause pause-channel"`) {
		t.Error("queue page does not list the pause")
	}
	if r := c.post("/queue/resume", url.Values{"scope": {"channel"}, "value": {"sms"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("resume: %d", r.Code)
	}
	if held(int64(e.A.ID)) != 0 {
		t.Error("resume left attempts held")
	}
	// Park one of A's attempts as a worker would.
	claimed, err := e.st.ClaimAttempts(ctx, store.Claim{Now: as[0].DueAt.Add(time.Minute), Lease: time.Minute, Limit: 100, Token: "t", Channels: []string{"sms"}})
	if err != nil || len(claimed) == 0 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	for _, cl := range claimed {
		reason := "provider refused: número inexistente " + cl.StepID + " " + strconv.FormatInt(int64(cl.TenantID), 10)
		if _, err := e.st.SettleAttempts(ctx, cl.TenantID, "t", cl.DueAt, []store.Settled{{ID: cl.ID, Status: store.AttemptParked, Error: reason}}); err != nil {
			t.Fatal(err)
		}
	}
	r = c.get("/queue")
	if r.Code != http.StatusOK {
		t.Fatal(r.Code)
	}
	aReason := "número inexistente d5-sms " + strconv.FormatInt(int64(e.A.ID), 10)
	bReason := "número inexistente d5-sms " + strconv.FormatInt(int64(e.B.ID), 10)
	if !strings.Contains(r.Body, `id="queue-sms"`) || !strings.Contains(r.Body, aReason) || !strings.Contains(r.Body, e.A.Name) {
		t.Errorf("queue page lacks the sms row or the parked attempt")
	}
	if strings.Contains(r.Body, bReason) || strings.Contains(r.Body, e.B.Name) {
		t.Error("queue page shows tenant B's attempts")
	}
	counts, _ := e.st.QueueCounts(ctx, e.A.ID, testNow)
	parked := 0
	for _, qc := range counts {
		if qc.Channel == "sms" && qc.Status == store.AttemptParked {
			parked = qc.Count
		}
	}
	row := r.Body[strings.Index(r.Body, `id="queue-sms"`):]
	row = row[:strings.Index(row, "</tr>")]
	if parked == 0 || !strings.Contains(row, `st-parked">`+strconv.Itoa(parked)+"<") {
		t.Errorf("sms row does not count %d parked: %s", parked, row)
	}

	// A journey kill switch from the queue page.
	if r := c.post("/queue/pause", url.Values{"scope": {"journey"}, "value": {"lembretes"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("pause journey: %d", r.Code)
	}
	if ps, _ := e.st.Pauses(ctx, e.A.ID); len(ps) != 1 || ps[0].Actor != "user:"+itoa64(e.A.Supervisor.ID) {
		t.Errorf("journey pause: %+v", ps)
	}
	// Every channel a journey can send by may be switched off, agency
	// exports included; the queue page offers each.
	qp := c.get("/queue")
	for _, ch := range journey.Channels {
		if !strings.Contains(qp.Body, `value="`+ch+`"`) {
			t.Errorf("queue page offers no kill switch for %s", ch)
		}
		if r := c.post("/queue/pause", url.Values{"scope": {"channel"}, "value": {ch}}); r.Code != http.StatusSeeOther {
			t.Errorf("pause channel %s: %d", ch, r.Code)
		}
		if r := c.post("/queue/resume", url.Values{"scope": {"channel"}, "value": {ch}}); r.Code != http.StatusSeeOther {
			t.Errorf("resume channel %s: %d", ch, r.Code)
		}
	}
	// Unknown scopes and channels are refused; a journey of another
	// tenant (or none) is not found.
	for _, f := range []url.Values{{"scope": {"tenant"}, "value": {"x"}}, {"scope": {"channel"}, "value": {"pombo"}}} {
		if r := c.post("/queue/pause", f); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("pause %v: %d", f, r.Code)
		}
	}
	e.st.SaveJourney(ctx, e.B.ID, "so-de-b", "Só de B", json.RawMessage(strings.Replace(testJourney, `"lembretes"`, `"so-de-b"`, 1)), "test")
	for _, p := range []string{"/queue/pause", "/queue/resume"} {
		if r := c.post(p, url.Values{"scope": {"journey"}, "value": {"so-de-b"}}); r.Code != http.StatusNotFound {
			t.Errorf("%s B's journey: %d, want 404", p, r.Code)
		}
	}
	if ps, _ := e.st.Pauses(ctx, e.B.ID); len(ps) != 0 {
		t.Errorf("B paused by A: %+v", ps)
	}
	// Agents do not run the queue.
	ca := e.loggedIn(t, e.A.Agent)
	for _, p := range []string{"/queue", "/journeys", "/journeys/lembretes/preview"} {
		if r := ca.get(p); r.Code != http.StatusForbidden {
			t.Errorf("agent GET %s: %d", p, r.Code)
		}
	}
	if r := ca.post("/queue/pause", url.Values{"scope": {"channel"}, "value": {"sms"}}); r.Code != http.StatusForbidden {
		t.Errorf("agent pause: %d", r.Code)
	}
}

func mustAttempts(t *testing.T, e *testEnv, tenant int64) []store.Attempt {
	t.Helper()
	var out []store.Attempt
	for _, td := range []tenantData{e.A, e.B} {
		if int64(td.ID) != tenant {
			continue
		}
		for _, d := range []int64{td.Debtor.Debtor.ID, td.Debtor.Debtor.ID + 1} {
			as, err := e.st.AttemptsOfDebtor(context.Background(), td.ID, d, 100)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, as...)
		}
	}
	return out
}

// TestJourneyRoutesIsolation walks every route naming a journey key with a
// key only tenant B has, as A's admin: each answers 404 and B's journey
// and pauses are unchanged.
func TestJourneyRoutesIsolation(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	saveTestJourney(t, e, e.B, testJourney)
	c := e.loggedIn(t, e.A.Admin)
	checked := 0
	for _, rt := range e.srv.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if !strings.Contains(path, "{key}") {
			continue
		}
		checked++
		path = strings.ReplaceAll(path, "{key}", "lembretes")
		var r resp
		if method == "GET" {
			r = c.get(path + "?debtor=" + itoa64(e.A.Debtor.Debtor.ID))
		} else {
			r = c.post(path, withSteps(url.Values{"status": {"paused"}, "name": {"Tomada"}, "advanced": {testTemplates}},
				[7]string{"1", "a", "message", "sms", "lembrete-sms", "", ""}))
		}
		if r.Code != http.StatusNotFound {
			t.Errorf("%s with B's key: %d, want 404", rt.Pattern, r.Code)
		}
		if strings.Contains(r.Body, "Lembretes de teste") {
			t.Errorf("%s shows B's journey", rt.Pattern)
		}
	}
	for _, p := range []string{"/queue/pause", "/queue/resume"} {
		if r := c.post(p, url.Values{"scope": {"journey"}, "value": {"lembretes"}}); r.Code != http.StatusNotFound {
			t.Errorf("%s B's key: %d, want 404", p, r.Code)
		}
	}
	if checked < 5 {
		t.Fatalf("only %d journey routes checked", checked)
	}
	j, err := e.st.Journey(ctx, e.B.ID, "lembretes")
	if err != nil || j.Version != 1 || j.Status != store.JourneyDraft || j.Name != "Lembretes de teste" {
		t.Errorf("B's journey changed: %+v %v", j, err)
	}
	if ps, _ := e.st.Pauses(ctx, e.B.ID); len(ps) != 0 {
		t.Errorf("B's pauses: %+v", ps)
	}
	if _, err := e.st.Journey(ctx, e.A.ID, "lembretes"); err == nil {
		t.Error("A got a journey named like B's")
	}
}

// TestJourneyRoutesCSRF: every state-changing journey and queue route
// refuses a post without the session's token and changes nothing.
func TestJourneyRoutesCSRF(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	saveTestJourney(t, e, e.A, testJourney)
	c := e.loggedIn(t, e.A.Supervisor)
	for _, p := range []string{"/journeys", "/journeys/lembretes", "/journeys/lembretes/status", "/queue/pause", "/queue/resume"} {
		r := c.post(p, withSteps(url.Values{csrfField: {"forged"}, "key": {"nova"}, "name": {"Nova"}, "status": {"paused"}, "scope": {"channel"}, "value": {"sms"},
			"advanced": {testTemplates}}, [7]string{"1", "a", "message", "sms", "lembrete-sms", "", ""}))
		if r.Code != http.StatusForbidden {
			t.Errorf("%s with a forged token: %d, want 403", p, r.Code)
		}
	}
	if j, _ := e.st.Journey(ctx, e.A.ID, "lembretes"); j.Version != 1 || j.Status != store.JourneyDraft {
		t.Errorf("journey changed: %+v", j)
	}
	if _, err := e.st.Journey(ctx, e.A.ID, "nova"); err == nil {
		t.Error("a journey was created")
	}
	if ps, _ := e.st.Pauses(ctx, e.A.ID); len(ps) != 0 {
		t.Errorf("pauses: %+v", ps)
	}
}
