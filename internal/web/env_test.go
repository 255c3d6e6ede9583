package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/taxid"
)

// testNow is the fixed clock of handler tests: DPD figures are exact.
var testNow = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

const testPassword = "correct horse battery"

// tenantData is what seed put in one tenant, by id.
type tenantData struct {
	ID          domain.TenantID
	Admin       domain.User
	Supervisor  domain.User
	Agent       domain.User
	PortfolioID int64
	Debtor      store.Debtor360 // the first debtor, as the store returns it
	CPF         string          // the first debtor's CPF
	Name        string          // the first debtor's name
	RunID       int64
}

type testEnv struct {
	st  *sqldb.DB
	srv *Server
	ts  *httptest.Server
	A   tenantData
	B   tenantData
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newEnv opens a fresh SQLite store, seeds two tenants and starts the
// server over it. mod may change the config before New.
func newEnv(t testing.TB, mod func(*Config)) *testEnv {
	t.Helper()
	ctx := context.Background()
	st, err := sqldb.Open(ctx, filepath.Join(t.TempDir(), "web.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st, mod)
}

// newEnvOn is newEnv over a given fresh store (storetest.Each runs a test
// on SQLite and PostgreSQL).
func newEnvOn(t testing.TB, st *sqldb.DB, mod func(*Config)) *testEnv {
	t.Helper()
	e := &testEnv{st: st}
	e.A = seedTenant(t, st, "Agência A", "a", 1)
	e.B = seedTenant(t, st, "Agência B", "b", 2)
	cfg := Config{Store: st, Logger: quietLogger(), Now: func() time.Time { return testNow }}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	return e
}

// testHash is testPassword's hash, made once: seeding a dozen users per
// test need not pay for a dozen argon2id runs.
var testHash = sync.OnceValue(func() string {
	h, err := HashPassword(testPassword)
	if err != nil {
		panic(err)
	}
	return h
})

func mustUser(t testing.TB, st store.Store, tenant domain.TenantID, name, email string, role domain.Role) domain.User {
	t.Helper()
	u := domain.User{Name: name, Email: email, Role: role, Locale: "pt-BR", PasswordHash: testHash()}
	u, err := st.CreateUser(context.Background(), tenant, u)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// seedTenant creates a tenant with three users, a portfolio, two debtors
// (one with a CNPJ) with debts, installments and contacts, and a finished
// import run with rejects.
func seedTenant(t testing.TB, st *sqldb.DB, name, prefix string, seed uint64) tenantData {
	t.Helper()
	ctx := context.Background()
	tn, err := st.CreateTenant(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	td := tenantData{ID: tn.ID}
	td.Admin = mustUser(t, st, tn.ID, "Ana Admin "+prefix, "admin@"+prefix+".test", domain.RoleAdmin)
	td.Supervisor = mustUser(t, st, tn.ID, "Sérgio Supervisor "+prefix, "super@"+prefix+".test", domain.RoleSupervisor)
	td.Agent = mustUser(t, st, tn.ID, "Olga Operadora "+prefix, "agent@"+prefix+".test", domain.RoleAgent)
	cr, err := st.UpsertCreditor(ctx, tn.ID, domain.Creditor{ExtID: "cred-" + prefix, Name: "Loja " + strings.ToUpper(prefix)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.UpsertPortfolio(ctx, tn.ID, domain.Portfolio{CreditorID: cr.ID, ExtID: "port-" + prefix, Name: "Cartões " + prefix})
	if err != nil {
		t.Fatal(err)
	}
	td.PortfolioID = p.ID
	r := rand.New(rand.NewPCG(seed, 99))
	cpf := taxid.GenerateCPF(r)
	cnpj := taxid.GenerateCNPJ(r)
	td.CPF, td.Name = cpf.Number, "José da Conceição "+strings.ToUpper(prefix)
	debtors := []domain.Debtor{
		{ExtID: "d1-" + prefix, Kind: domain.Person, Document: cpf.Number, Name: td.Name, Locale: "pt-BR", TimeZone: "America/Manaus",
			Address: domain.Address{Street: "Rua das Flores", Number: "12", District: "Centro", City: "Manaus", UF: "AM", Municipality: "1302603", CEP: "69005010", Country: "BR"}},
		{ExtID: "d2-" + prefix, Kind: domain.Company, Document: cnpj.Number, Name: "Padaria Estrela " + strings.ToUpper(prefix), Locale: "pt-BR", TimeZone: "America/Sao_Paulo",
			Address: domain.Address{City: "São Paulo", UF: "SP", Country: "BR"}},
	}
	var rows []store.ImportRow
	line := 2
	for i, d := range debtors {
		contacts := []domain.ContactPoint{
			{Kind: domain.Mobile, Value: fmt.Sprintf("+55929%08d", 81234567+i+int(seed)*10), Consent: domain.ConsentGranted, ConsentSource: "import", ConsentAt: testNow.Add(-48 * time.Hour)},
			{Kind: domain.Email, Value: fmt.Sprintf("cliente%d@%s.example", i, prefix), Consent: domain.ConsentUnknown},
		}
		debt := domain.Debt{ContractNumber: fmt.Sprintf("CT-%s-%03d", strings.ToUpper(prefix), i+1), Product: "credit_card",
			OriginDate: date.New(2025, 3, 10), OriginalPrincipal: money.Cents(150000), Status: domain.DebtOpen}
		for n := 1; n <= 3; n++ {
			rows = append(rows, store.ImportRow{Line: line, Debtor: d, Contacts: contacts, Debt: debt,
				Installment: domain.Installment{Number: n, DueDate: date.New(2026, time.Month(7+n), 10), Amount: money.Cents(50000), Status: domain.InstallmentOpen}})
			line++
		}
	}
	if _, err := st.ApplyImport(ctx, tn.ID, p.ID, rows); err != nil {
		t.Fatal(err)
	}
	res, err := st.SearchDebtors(ctx, tn.ID, cpf.Number, date.Of(testNow), 5)
	if err != nil || len(res) != 1 {
		t.Fatalf("seed: search own CPF: %v %v", res, err)
	}
	if td.Debtor, err = st.Debtor360(ctx, tn.ID, res[0].ID, 50); err != nil {
		t.Fatal(err)
	}
	run, err := st.StartImportRun(ctx, tn.ID, store.ImportRun{PortfolioID: p.ID, FileName: "carteira-" + prefix + ".csv", StartedAt: testNow.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	run.FinishedAt, run.Read, run.Rejected = testNow.Add(-time.Hour+2*time.Second), 7, 1
	run.ImportCounts = store.ImportCounts{Inserted: 6}
	if err := st.FinishImportRun(ctx, tn.ID, run, []store.Reject{{Line: 5, Column: "cpf", Reason: "CPF inválido: check digit mismatch"}}); err != nil {
		t.Fatal(err)
	}
	td.RunID = run.ID
	return td
}

// client is a browser-like client: a cookie jar, no automatic redirects.
type client struct {
	t    testing.TB
	base string
	hc   *http.Client
	csrf string
}

func (e *testEnv) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: e.ts.URL, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	Code     int
	Body     string
	Location string
	Header   http.Header
	Cookies  []*http.Cookie
}

func (c *client) do(req *http.Request) resp {
	c.t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Code: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header, Cookies: res.Cookies()}
}

func (c *client) get(path string) resp {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	r := c.do(req)
	if m := csrfRe.FindStringSubmatch(r.Body); m != nil {
		c.csrf = m[1]
	}
	return r
}

// post sends a form; the session's CSRF token is added unless the form
// already names one.
func (c *client) post(path string, form url.Values) resp {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form[csrfField]; !ok {
		form.Set(csrfField, c.csrf)
	}
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login logs in and fails the test unless it worked.
func (c *client) login(email string) {
	c.t.Helper()
	c.get("/login")
	r := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if r.Code != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d %s", email, r.Code, r.Body)
	}
	c.get("/debtors") // any page, for the session's CSRF token
}

func (e *testEnv) loggedIn(t testing.TB, u domain.User) *client {
	c := e.client(t)
	c.login(u.Email)
	return c
}
