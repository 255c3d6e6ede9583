package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/phone"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/taxid"
)

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// fillPath puts a tenant's ids into a route pattern's path.
func fillPath(p string, td tenantData) string {
	debt, contact := int64(0), int64(0)
	if len(td.Debtor.Debts) > 0 {
		debt = td.Debtor.Debts[0].ID
	}
	if len(td.Debtor.Contacts) > 0 {
		contact = td.Debtor.Contacts[0].ID
	}
	p = strings.TrimSuffix(p, "{$}")
	var id int64
	switch {
	case strings.HasPrefix(p, "/portfolios/"):
		id = td.PortfolioID
	case strings.HasPrefix(p, "/imports/"):
		id = td.RunID
	case strings.HasPrefix(p, "/debtors/"):
		id = td.Debtor.Debtor.ID
	case strings.HasPrefix(p, "/users/"):
		id = td.Agent.ID
	}
	return strings.NewReplacer("{id}", itoa64(id), "{debt}", itoa64(debt), "{contact}", itoa64(contact)).Replace(p)
}

var (
	echoRe    = regexp.MustCompile(`(?s)<input type="search"[^>]*>|<title>.*?</title>`)
	resultsRe = regexp.MustCompile(`(?s)<table class="data results".*?</table>`)
)

func postMultipart(t *testing.T, c *client, path, token, fileName, content string) resp {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField(csrfField, token)
	fw, _ := mw.CreateFormFile("file", fileName)
	io.WriteString(fw, content)
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// TestTenantIsolation walks every route that names a row, as tenant A's
// admin (who may use all of them) with tenant B's ids: each answers 404,
// and B's rows are unchanged afterwards. Routes without ids must not show
// B's rows either.
func TestTenantIsolation(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	before, err := e.st.Debtor360(ctx, e.B.ID, e.B.Debtor.Debtor.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	usersBefore, _ := e.st.Users(ctx, e.B.ID)
	c := e.loggedIn(t, e.A.Admin)
	checked := 0
	for _, rt := range e.srv.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if !strings.Contains(path, "{") || strings.HasSuffix(path, "{$}") {
			continue
		}
		checked++
		path = fillPath(path, e.B)
		var r resp
		switch {
		case method == "GET":
			r = c.get(path)
		case rt.Multipart:
			r = postMultipart(t, c, path, c.csrf, "b.csv", "cpf;nome\n")
		default:
			// A form that would change something if it reached B's row.
			r = c.post(path, url.Values{"role": {"admin"}, "active": {"0"}, "password": {"another password 123"},
				"reason": {"billing_error"}, "consent": {"opted_out"}})
		}
		if r.Code != http.StatusNotFound {
			t.Errorf("%s with tenant B's ids (%s): %d, want 404", rt.Pattern, path, r.Code)
		}
		if strings.Contains(r.Body, e.B.Name) || strings.Contains(r.Body, "carteira-b.csv") {
			t.Errorf("%s shows tenant B's data", rt.Pattern)
		}
	}
	if checked < 7 {
		t.Fatalf("only %d routes with ids checked", checked)
	}
	// A's own debtor with B's debt or contact id: still 404.
	for _, p := range []string{
		"/debtors/" + itoa64(e.A.Debtor.Debtor.ID) + "/debts/" + itoa64(e.B.Debtor.Debts[0].ID) + "/delay-reason",
		"/debtors/" + itoa64(e.A.Debtor.Debtor.ID) + "/contacts/" + itoa64(e.B.Debtor.Contacts[0].ID) + "/consent",
	} {
		if r := c.post(p, url.Values{"reason": {"billing_error"}, "consent": {"opted_out"}}); r.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, r.Code)
		}
	}
	after, err := e.st.Debtor360(ctx, e.B.ID, e.B.Debtor.Debtor.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if after.Debts[0].DelayReason != before.Debts[0].DelayReason || after.Contacts[0].Consent != before.Contacts[0].Consent || len(after.Events) != len(before.Events) {
		t.Error("tenant B's debtor changed")
	}
	usersAfter, _ := e.st.Users(ctx, e.B.ID)
	for i := range usersAfter {
		if usersAfter[i].Role != usersBefore[i].Role || usersAfter[i].Disabled != usersBefore[i].Disabled || usersAfter[i].PasswordHash != usersBefore[i].PasswordHash {
			t.Errorf("tenant B's user %s changed", usersAfter[i].Email)
		}
	}
	// Lists and search.
	bPhone := e.B.Debtor.Contacts[0].Value
	for _, p := range []string{"/portfolios", "/imports", "/users",
		"/debtors?q=" + e.B.CPF, "/debtors?q=" + url.QueryEscape(e.B.Name), "/debtors?q=" + url.QueryEscape(e.B.Debtor.Debts[0].ContractNumber),
		"/debtors?q=" + url.QueryEscape(bPhone), "/debtors?q=" + url.QueryEscape("Padaria Estrela B")} {
		r := c.get(p)
		if r.Code != http.StatusOK {
			t.Errorf("%s: %d", p, r.Code)
		}
		if strings.HasPrefix(p, "/debtors") && !strings.Contains(r.Body, "Nenhum devedor encontrado.") {
			t.Errorf("%s finds something in tenant A", p)
		}
		r.Body = echoRe.ReplaceAllString(r.Body, "") // the search box repeats the query
		for _, leak := range []string{e.B.Name, "Cartões b", "carteira-b.csv", "admin@b.test", "Padaria Estrela B", "CT-B-"} {
			if strings.Contains(r.Body, leak) {
				t.Errorf("%s shows tenant B's %q", p, leak)
			}
		}
	}
}

func TestPortfoliosPage(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Supervisor)
	r := c.get("/portfolios")
	for _, want := range []string{"Cartões a", "Loja A", "R$ 3.000,00", `action="/portfolios/` + itoa64(e.A.PortfolioID) + `/imports"`, "carteira-a.csv"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("portfolios page lacks %q", want)
		}
	}
	// The upload form sends the CSRF token before the file.
	form := regexp.MustCompile(`(?s)<form method="post" action="/portfolios/\d+/imports".*?</form>`).FindString(r.Body)
	if i, j := strings.Index(form, `name="csrf"`), strings.Index(form, `type="file"`); i < 0 || j < 0 || i > j {
		t.Errorf("upload form must carry csrf before the file: %s", form)
	}
}

func TestCreatePortfolio(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Supervisor)
	cnpj := taxid.GenerateCNPJ(rand.New(rand.NewPCG(5, 5)))
	r := c.post("/portfolios", url.Values{"creditor_name": {"Banco Verde"}, "creditor_document": {cnpj.Format()}, "name": {"Empréstimos 2026"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	// The same form again changes nothing.
	c.post("/portfolios", url.Values{"creditor_name": {"Banco Verde"}, "creditor_document": {cnpj.Number}, "name": {"Empréstimos 2026"}})
	ps, err := e.st.Portfolios(context.Background(), e.A.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range ps {
		if p.Name == "Empréstimos 2026" && p.CreditorName == "Banco Verde" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d portfolios named Empréstimos 2026, want 1", n)
	}
	if !strings.Contains(c.get("/portfolios").Body, "Carteira salva.") {
		t.Error("no flash after save")
	}
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"creditor_name": {"X"}, "name": {""}}, "Dê um nome à carteira"},
		{url.Values{"creditor_name": {""}, "name": {"Y"}}, "Escolha um credor"},
		{url.Values{"creditor_name": {"X"}, "creditor_document": {"11.111.111/1111-11"}, "name": {"Y"}}, "CNPJ do credor inválido."},
	} {
		if r := c.post("/portfolios", tc.form); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tc.want) {
			t.Errorf("form %v: %d, want 422 with %q", tc.form, r.Code, tc.want)
		}
	}
	// An existing creditor by id; another tenant's creditor id is 404.
	cs, _ := e.st.Creditors(context.Background(), e.A.ID)
	if r := c.post("/portfolios", url.Values{"creditor": {itoa64(cs[0].ID)}, "name": {"Outra"}}); r.Code != http.StatusSeeOther {
		t.Errorf("existing creditor: %d", r.Code)
	}
	csB, _ := e.st.Creditors(context.Background(), e.B.ID)
	if r := c.post("/portfolios", url.Values{"creditor": {itoa64(csB[0].ID)}, "name": {"Intrusa"}}); r.Code != http.StatusNotFound {
		t.Errorf("other tenant's creditor: %d", r.Code)
	}
}

func TestImportPages(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Supervisor)
	r := c.get("/imports")
	if !strings.Contains(r.Body, "carteira-a.csv") || !strings.Contains(r.Body, "/imports/"+itoa64(e.A.RunID)) {
		t.Error("history lacks the run")
	}
	r = c.get("/imports/" + itoa64(e.A.RunID))
	for _, want := range []string{"carteira-a.csv", `data-count="inserted">6<`, `data-count="rejected">1<`, "<td class=\"num\">5</td><td><code>cpf</code></td><td>CPF inválido: check digit mismatch</td>"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("import result lacks %q", want)
		}
	}
	r = c.get("/imports/" + itoa64(e.A.RunID) + "/rejects.csv")
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Body, "5;cpf;CPF inválido") {
		t.Errorf("rejects.csv: %d %q", r.Code, r.Body)
	}
	if r := c.get("/imports/999999"); r.Code != http.StatusNotFound {
		t.Errorf("unknown run: %d", r.Code)
	}
	if r := c.get("/imports/abc"); r.Code != http.StatusNotFound {
		t.Errorf("malformed run id: %d", r.Code)
	}
}

func TestSearchPage(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Agent)
	cpf, _ := taxid.Parse(e.A.CPF)
	ph, _ := phone.Parse(e.A.Debtor.Contacts[0].Value)
	for _, q := range []string{cpf.Format(), cpf.Number, "jose da concei", "JOSÉ", e.A.Debtor.Debts[0].ContractNumber, ph.National()} {
		r := c.get("/debtors?q=" + url.QueryEscape(q))
		table := resultsRe.FindString(r.Body)
		if !strings.Contains(table, e.A.Name) {
			t.Errorf("search %q does not find the debtor", q)
			continue
		}
		if strings.Contains(table, cpf.Number) || strings.Contains(table, cpf.Format()) {
			t.Errorf("search %q shows the full CPF in the list", q)
		}
		if !strings.Contains(table, cpf.Mask()) {
			t.Errorf("search %q lacks the masked CPF %s", q, cpf.Mask())
		}
	}
	if r := c.get("/debtors?q=zzzz-nobody"); !strings.Contains(r.Body, "Nenhum devedor encontrado.") {
		t.Error("no-result message missing")
	}
}

func TestDebtor360(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Agent)
	id := e.A.Debtor.Debtor.ID
	r := c.get("/debtors/" + itoa64(id))
	if r.Code != http.StatusOK {
		t.Fatalf("360: %d", r.Code)
	}
	cpf, _ := taxid.Parse(e.A.CPF)
	mobile, _ := phone.Parse(e.A.Debtor.Contacts[0].Value)
	if e.A.Debtor.Contacts[0].Kind == domain.Email {
		mobile, _ = phone.Parse(e.A.Debtor.Contacts[1].Value)
	}
	// Installments due 10/08, 10/09, 10/10 of 2026, seen on 20/11/2026:
	// 102, 71 and 41 days past due.
	for _, want := range []string{
		e.A.Name, cpf.Format(), "America/Manaus", "Rua das Flores, 12", "Manaus/AM", "CEP 69005-010", "IBGE 1302603",
		"sex. 20/11/2026 11:00", // 15:00 UTC is 11:00 in Manaus, a Friday
		mobile.National(), "cliente0@a.example", "Autorizado", "Não informado",
		"CT-A-001", "Cartão de crédito", "10/03/2025", "R$ 1.500,00",
		"10/08/2026", ">102<", ">71<", ">41<", `id="max-dpd">102<`,
		`id="recurrence">`, "Importado",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("360 page lacks %q", want)
		}
	}
	// Delay reason: a creditor fault is highlighted.
	debt := e.A.Debtor.Debts[0].ID
	if r := c.post("/debtors/"+itoa64(id)+"/debts/"+itoa64(debt)+"/delay-reason", url.Values{"reason": {"defective_product"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("delay reason: %d %s", r.Code, r.Body)
	}
	r = c.get("/debtors/" + itoa64(id))
	if !strings.Contains(r.Body, `id="creditor-hold"`) || !strings.Contains(r.Body, "Motivo do atraso salvo.") || !strings.Contains(r.Body, "Produto com defeito") {
		t.Error("creditor fault not shown after setting the delay reason")
	}
	if r := c.post("/debtors/"+itoa64(id)+"/debts/"+itoa64(debt)+"/delay-reason", url.Values{"reason": {"aliens"}}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("unknown reason: %d", r.Code)
	}
	// Consent: opt-out is recorded with its source and shows on the page.
	contact := e.A.Debtor.Contacts[0].ID
	if r := c.post("/debtors/"+itoa64(id)+"/contacts/"+itoa64(contact)+"/consent", url.Values{"consent": {"opted_out"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("consent: %d", r.Code)
	}
	x, _ := e.st.Debtor360(context.Background(), e.A.ID, id, 100)
	var cp domain.ContactPoint
	for _, cc := range x.Contacts {
		if cc.ID == contact {
			cp = cc
		}
	}
	if cp.Consent != domain.ConsentOptOut || cp.ConsentSource != "agent" {
		t.Errorf("contact after opt-out: %+v", cp)
	}
	r = c.get("/debtors/" + itoa64(id))
	if !strings.Contains(r.Body, "Descadastrado") || !strings.Contains(r.Body, "consent-opted_out") {
		t.Error("opt-out not shown")
	}
	// The timeline tells it in the viewer's words, with who did it.
	for _, want := range []string{
		"Consentimento de Celular " + mobile.National() + ": Autorizado → Descadastrado (origem: agent)",
		"Motivo do atraso do contrato CT-A-001: Não informado → Produto com defeito (falha do credor)",
		e.A.Agent.Name,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
	if r := c.get("/debtors/0"); r.Code != http.StatusNotFound {
		t.Errorf("debtor 0: %d", r.Code)
	}

	// The call and letter channels: the debtor's agent tasks (open and
	// closed, with priority and outcome) and letters are listed.
	ctx := context.Background()
	d := e.A.Debtor
	mkTask := func(origin string, prio int) store.AgentTask {
		tk, _, err := e.st.CreateTask(ctx, e.A.ID, store.AgentTask{Origin: origin, DebtorID: id, DebtID: d.Debts[0].ID, Priority: prio, Journey: "cobranca", Step: "d7-agent",
			DueFrom: testNow.Add(-time.Hour), DueUntil: testNow.Add(3 * time.Hour), Phone: "+5592981234567", Reason: "d7-agent"})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	done, open := mkTask("attempt:901", 2), mkTask("attempt:902", 4)
	claimed, err := e.st.ClaimTask(ctx, e.A.ID, e.A.Agent.ID, "", testNow)
	if err != nil || claimed.ID != done.ID {
		t.Fatalf("claim: %+v %v", claimed, err)
	}
	if _, err := e.st.CloseTask(ctx, e.A.ID, store.TaskClose{TaskID: done.ID, AgentID: e.A.Agent.ID, Outcome: "no_answer", Note: "caixa postal", At: testNow}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.SaveLetter(ctx, e.A.ID, store.Letter{AttemptID: 903, DebtorID: id, DebtID: d.Debts[0].ID, BatchDate: date.Of(testNow), Recipient: d.Debtor.Name,
		Address: []string{"Rua das Flores, 12"}, Creditor: "Loja A", Contract: "CT-A-001", Subject: "Aviso de negativação", Body: "Olá.", Reference: "rg-1-a903", PDF: []byte("%PDF-1.3")}); err != nil {
		t.Fatal(err)
	}
	r = c.get("/debtors/" + itoa64(id))
	for _, want := range []string{
		`id="debtor-tasks"`, "Tarefas de ligação", fmt.Sprintf(`id="debtor-task-%d"`, open.ID), fmt.Sprintf(`id="debtor-task-%d"`, done.ID), "Na fila", "Concluída", "Não atendeu", "caixa postal", "d7-agent",
		`id="debtor-letters"`, `id="debtor-letter-`, "Aviso de negativação", "Ainda não impressa",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("360 page lacks %q", want)
		}
	}
	if other := e.loggedIn(t, e.B.Agent).get("/debtors/" + itoa64(id)); strings.Contains(other.Body, "Aviso de negativação") {
		t.Error("tenant B sees A's letter")
	}
	// Every channel an attempt can have is labelled in every language.
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range []string{"pt-BR", "es", "en"} {
		l := cat.localizer(loc)
		for _, ch := range []string{"sms", "email", "whatsapp", "voice", "call", "letter", "export"} {
			if !l.Has("channel." + ch) {
				t.Errorf("%s: no label for channel %s", loc, ch)
			}
		}
	}
}

func TestDocumentMasking(t *testing.T) {
	cpf := taxid.GenerateCPF(rand.New(rand.NewPCG(6, 6)))
	if got := maskDocument(cpf.Number); got != cpf.Mask() || strings.Contains(got, cpf.Number[:3]) {
		t.Errorf("maskDocument(%s) = %s", cpf.Number, got)
	}
	if got := maskDocument("12345"); got != "***" {
		t.Errorf("invalid document masked to %q", got)
	}
	if got := maskDocument(""); got != "" {
		t.Errorf("empty document masked to %q", got)
	}
	if canSeeDocument(domain.Role("viewer")) || !canSeeDocument(domain.RoleAgent) {
		t.Error("canSeeDocument by role")
	}
}

func TestUsersPage(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Admin)
	r := c.get("/users")
	for _, u := range []domain.User{e.A.Admin, e.A.Supervisor, e.A.Agent} {
		if !strings.Contains(r.Body, u.Email) {
			t.Errorf("users page lacks %s", u.Email)
		}
	}
	ok := url.Values{"name": {"Nina Nova"}, "email": {"Nina@A.test"}, "role": {"supervisor"}, "locale": {"en"}, "password": {testPassword}}
	if r := c.post("/users", ok); r.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	if r := c.post("/users", ok); r.Code != http.StatusConflict || !strings.Contains(r.Body, "Já existe um usuário com este e-mail.") {
		t.Errorf("duplicate e-mail: %d", r.Code)
	}
	for field, bad := range map[string]string{"email": "not-an-email", "role": "root", "password": "short", "name": " "} {
		f := url.Values{}
		for k, v := range ok {
			f[k] = v
		}
		f.Set("email", "x"+field+"@a.test")
		f.Set(field, bad)
		if r := c.post("/users", f); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("bad %s: %d", field, r.Code)
		}
	}
	// The new user logs in (e-mail is case-insensitive) and sees English.
	nc := e.client(t)
	nc.get("/login")
	if r := nc.post("/login", url.Values{"email": {"nina@a.test"}, "password": {testPassword}}); r.Code != http.StatusSeeOther {
		t.Fatalf("new user login: %d", r.Code)
	}
	if r := nc.get("/portfolios"); !strings.Contains(r.Body, "Portfolios") || !strings.Contains(r.Body, `lang="en"`) {
		t.Error("new user's language not used")
	}
	// Change role, set a password, disable, and the guard on oneself.
	u, err := e.st.UserForLogin(context.Background(), "nina@a.test")
	if err != nil {
		t.Fatal(err)
	}
	if r := c.post("/users/"+itoa64(u.ID), url.Values{"role": {"agent"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("role change: %d", r.Code)
	}
	if r := nc.get("/portfolios"); r.Code != http.StatusForbidden {
		t.Errorf("demoted user still reaches portfolios: %d", r.Code)
	}
	if r := c.post("/users/"+itoa64(u.ID), url.Values{"password": {"a brand new secret"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("set password: %d", r.Code)
	}
	u2, _ := e.st.User(context.Background(), e.A.ID, u.ID)
	if !CheckPassword(u2.PasswordHash, "a brand new secret") || CheckPassword(u2.PasswordHash, testPassword) {
		t.Error("password not changed")
	}
	if r := c.post("/users/"+itoa64(e.A.Admin.ID), url.Values{"active": {"0"}}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("self-disable: %d", r.Code)
	}
	if r := c.post("/users/"+itoa64(e.A.Admin.ID), url.Values{"role": {"agent"}}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("self-demotion: %d", r.Code)
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	if r := c.get("/healthz"); r.Code != http.StatusOK || r.Body != "ok\n" {
		t.Errorf("healthz: %d %q", r.Code, r.Body)
	}
	c.get("/login")
	r := c.get("/metrics")
	if r.Code != http.StatusOK || !strings.Contains(r.Body, `regua_http_requests_total{code="2xx",route="GET /login"}`) {
		t.Errorf("metrics lack the login route count")
	}
	if strings.Contains(r.Body, "q=") {
		t.Error("metrics carry query strings")
	}
	e.st.Close()
	if r := c.get("/healthz"); r.Code != http.StatusServiceUnavailable {
		t.Errorf("healthz with a closed store: %d", r.Code)
	}
}

func TestSecurityHeadersAndAssets(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	r := c.get("/login")
	if !strings.Contains(r.Header.Get("Content-Security-Policy"), "script-src 'self'") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("security headers: %v", r.Header)
	}
	for _, a := range []string{"/assets/app.css", "/assets/app.js", "/assets/favicon.svg"} {
		if r := c.get(a); r.Code != http.StatusOK || len(r.Body) < 100 {
			t.Errorf("%s: %d (%d bytes)", a, r.Code, len(r.Body))
		}
	}
	if r := c.get("/nowhere"); r.Code != http.StatusNotFound || !strings.Contains(r.Body, "Não encontrado.") {
		t.Errorf("404 page: %d", r.Code)
	}
	// Cross-site form posts are refused before any handler runs.
	req, _ := http.NewRequest("POST", e.ts.URL+"/login", strings.NewReader("email=a&password=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := c.do(req); r.Code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", r.Code)
	}
}

// TestCatalogCoversTemplates checks that every message key a template or
// a handler names exists in every catalog (loadCatalog already checks the
// catalogs have the same keys).
func TestCatalogCoversTemplates(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	keyRe := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	goKeyRe := regexp.MustCompile(`"((?:error|flash|login|portfolios|imports|import|users|search|debtor|nav)\.[a-z0-9_]+)"`)
	var files []string
	tf, _ := filepath.Glob("templates/*.html")
	gf, _ := filepath.Glob("*.go")
	files = append(files, tf...)
	files = append(files, gf...)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
		if strings.HasSuffix(f, ".go") {
			for _, m := range goKeyRe.FindAllStringSubmatch(string(b), -1) {
				keys = append(keys, m[1])
			}
		}
		for _, k := range keys {
			seen++
			for _, loc := range Locales {
				if _, ok := cat[loc][k]; !ok {
					t.Errorf("%s: key %q missing in %s", f, k, loc)
				}
			}
		}
	}
	if seen < 100 {
		t.Fatalf("only %d keys found; the pattern is broken", seen)
	}
	// Enumerations shown through Enum have a label for every value.
	for _, loc := range Locales {
		l := cat.localizer(loc)
		for _, r := range domain.DelayReasons {
			if !l.Has("reason." + string(r)) {
				t.Errorf("%s: no label for delay reason %s", loc, r)
			}
		}
		for _, r := range roles {
			if !l.Has("role." + string(r)) {
				t.Errorf("%s: no label for role %s", loc, r)
			}
		}
		for _, k := range []domain.EventKind{domain.EventImported, domain.EventChanged, domain.EventContacted, domain.EventReplied, domain.EventPaid,
			domain.EventDisputed, domain.EventPromised, domain.EventAgreed, domain.EventNote, domain.EventConsent, domain.EventDelayReason, domain.EventAttempt} {
			if !l.Has("event." + string(k)) {
				t.Errorf("%s: no label for event %s", loc, k)
			}
		}
	}
}

func TestLocalizerFormats(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		loc, num, day string
	}{
		{"pt-BR", "1.234.567", "10/12/2026"},
		{"es", "1.234.567", "10/12/2026"},
		{"en", "1,234,567", "2026-12-10"},
	} {
		l := cat.localizer(tc.loc)
		if got := l.Num(1234567); got != tc.num {
			t.Errorf("%s Num = %q", tc.loc, got)
		}
		if got := l.Date(date.New(2026, 12, 10)); got != tc.day {
			t.Errorf("%s Date = %q", tc.loc, got)
		}
	}
	for in, want := range map[string]string{"pt": "pt-BR", "PT-br": "pt-BR", "es-AR": "es", "en-US": "en", "fr": "", "": ""} {
		if got := matchLocale(in); got != want {
			t.Errorf("matchLocale(%q) = %q, want %q", in, got, want)
		}
	}
	if got := localeFromAcceptLanguage("fr-FR,es;q=0.8,en;q=0.5"); got != "es" {
		t.Errorf("Accept-Language → %q", got)
	}
	if got := cat.localizer("xx").T("no.such.key"); got != "[no.such.key]" {
		t.Errorf("missing key shows %q", got)
	}
}

// BenchmarkPages measures whole requests (session lookup, store reads,
// template) of the pages agents open most, on SQLite.
func BenchmarkPages(b *testing.B) {
	e := newEnv(b, nil)
	c := e.loggedIn(b, e.A.Agent)
	for _, p := range []struct{ name, path string }{
		{"debtor360", "/debtors/" + itoa64(e.A.Debtor.Debtor.ID)},
		{"searchCPF", "/debtors?q=" + e.A.CPF},
		{"searchName", "/debtors?q=jose"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if r := c.get(p.path); r.Code != http.StatusOK {
					b.Fatalf("%s: %d", p.path, r.Code)
				}
			}
		})
	}
}
