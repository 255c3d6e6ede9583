package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

// Fixture is a tenant with a creditor, a portfolio and a few debtors.
type Fixture struct {
	Tenant    domain.TenantID
	Creditor  domain.Creditor
	Portfolio domain.Portfolio
	Rows      []store.ImportRow
}

// Row builds an import row for tests: debtor by document, debt by contract.
func Row(line int, doc, name, contract string, n int, due date.Date, amount money.Money) store.ImportRow {
	return store.ImportRow{
		Line: line,
		Debtor: domain.Debtor{ExtID: doc, Kind: domain.Person, Document: doc, Name: name, Locale: "pt-BR", TimeZone: "America/Sao_Paulo",
			Address: domain.Address{City: "São Paulo", Municipality: "3550308", UF: "SP", CEP: "01001000", Country: "BR"}},
		Debt:        domain.Debt{ContractNumber: contract, Product: "credit_card", OriginDate: date.New(2025, 1, 15), OriginalPrincipal: 300000},
		Installment: domain.Installment{Number: n, DueDate: due, Amount: amount},
	}
}

// NewFixture makes a tenant named name with two debtors and three debts.
func NewFixture(t testing.TB, s store.Store, name string) Fixture {
	t.Helper()
	ctx := context.Background()
	ten, err := s.CreateTenant(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	f := Fixture{Tenant: ten.ID}
	if f.Creditor, err = s.UpsertCreditor(ctx, ten.ID, domain.Creditor{ExtID: "cred-1", Name: "Banco " + name, Document: "11222333000181"}); err != nil {
		t.Fatal(err)
	}
	if f.Portfolio, err = s.UpsertPortfolio(ctx, ten.ID, domain.Portfolio{CreditorID: f.Creditor.ID, ExtID: "cards-2026", Name: "Cartões 2026"}); err != nil {
		t.Fatal(err)
	}
	r1 := Row(2, "52998224725", "José da Conceição", "C-1001", 1, date.New(2026, 9, 10), 150000)
	r1.Contacts = []domain.ContactPoint{{Kind: domain.Mobile, Value: "+5511987654321"}, {Kind: domain.Email, Value: "jose@example.com"}}
	r2 := Row(3, "52998224725", "José da Conceição", "C-1001", 2, date.New(2026, 10, 10), 150000)
	r3 := Row(4, "11144477735", "Maria Aparecida dos Santos", "C-2002", 1, date.New(2026, 11, 17), 9990)
	r3.Contacts = []domain.ContactPoint{{Kind: domain.WhatsApp, Value: "+5521998765432", Consent: domain.ConsentOptOut, ConsentSource: "import"}}
	r4 := Row(5, "11144477735", "Maria Aparecida dos Santos", "C-2003", 1, date.New(2027, 1, 5), 45000)
	f.Rows = []store.ImportRow{r1, r2, r3, r4}
	c, err := s.ApplyImport(ctx, ten.ID, f.Portfolio.ID, clone(f.Rows))
	if err != nil {
		t.Fatal(err)
	}
	if c.Inserted != 4 {
		t.Fatalf("fixture import: %+v", c)
	}
	return f
}

func clone(rows []store.ImportRow) []store.ImportRow {
	out := make([]store.ImportRow, len(rows))
	copy(out, rows)
	for i := range out {
		out[i].Contacts = append([]domain.ContactPoint(nil), rows[i].Contacts...)
	}
	return out
}

// Migrator is what the migration test needs beyond store.Store.
type Migrator interface {
	MigrationStatus(ctx context.Context) (current, latest int64, err error)
}

// Run is the contract suite: every backend passes it.
func Run(t *testing.T, s store.Store) {
	ctx := context.Background()
	asOf := date.New(2026, 11, 24)

	t.Run("migrated to latest", func(t *testing.T) {
		m, ok := s.(Migrator)
		if !ok {
			t.Skip("store does not report migrations")
		}
		cur, latest, err := m.MigrationStatus(ctx)
		if err != nil || cur != latest || latest == 0 {
			t.Fatalf("migration status: current %d latest %d err %v", cur, latest, err)
		}
	})

	a := NewFixture(t, s, "A")
	b := NewFixture(t, s, "B")

	t.Run("users and sessions", func(t *testing.T) {
		u, err := s.CreateUser(ctx, a.Tenant, domain.User{Email: " Ana@Example.com ", Name: "Ana", Role: domain.RoleSupervisor, PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, b.Tenant, domain.User{Email: "ana@example.com", Name: "Other", Role: domain.RoleAgent, PasswordHash: "h"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate e-mail: %v", err)
		}
		if _, err := s.CreateUser(ctx, a.Tenant, domain.User{Email: "x@example.com", Role: "boss"}); err == nil {
			t.Error("unknown role accepted")
		}
		got, err := s.UserForLogin(ctx, "ANA@example.com")
		if err != nil || got.ID != u.ID || got.TenantID != a.Tenant || got.Role != domain.RoleSupervisor || got.Locale != "pt-BR" {
			t.Errorf("UserForLogin = %+v, %v", got, err)
		}
		u.Role, u.Name = domain.RoleAdmin, "Ana Lima"
		if err := s.UpdateUser(ctx, a.Tenant, u); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.User(ctx, a.Tenant, u.ID); got.Role != domain.RoleAdmin || got.Name != "Ana Lima" {
			t.Errorf("after update: %+v", got)
		}
		now := time.Now().UTC().Truncate(time.Second)
		sess := store.Session{TokenHash: "abc", TenantID: a.Tenant, UserID: u.ID, CSRF: "tok", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		got2, err := s.SessionByToken(ctx, "abc", now)
		if err != nil || got2.UserID != u.ID || got2.CSRF != "tok" || !got2.ExpiresAt.Equal(sess.ExpiresAt) {
			t.Errorf("session = %+v, %v", got2, err)
		}
		if _, err := s.SessionByToken(ctx, "abc", now.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session: %v", err)
		}
		if err := s.DeleteSession(ctx, "abc"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionByToken(ctx, "abc", now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted session: %v", err)
		}
	})

	t.Run("reimport changes nothing", func(t *testing.T) {
		c, err := s.ApplyImport(ctx, a.Tenant, a.Portfolio.ID, clone(a.Rows))
		if err != nil {
			t.Fatal(err)
		}
		if c != (store.ImportCounts{Unchanged: 4}) {
			t.Errorf("second import: %+v", c)
		}
		res, err := s.SearchDebtors(ctx, a.Tenant, "52998224725", asOf, 10)
		if err != nil || len(res) != 1 {
			t.Fatalf("search: %v %v", res, err)
		}
		v, err := s.Debtor360(ctx, a.Tenant, res[0].ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Contacts) != 2 || len(v.Debts) != 1 || len(v.Debts[0].Installments) != 2 {
			t.Errorf("after re-import: %d contacts, %d debts", len(v.Contacts), len(v.Debts))
		}
		for _, e := range v.Events {
			if e.Kind == domain.EventChanged {
				t.Errorf("re-import wrote a change event: %+v", e)
			}
		}
	})

	t.Run("changed amount and due date update with an event", func(t *testing.T) {
		rows := clone(a.Rows)
		rows[1].Installment.Amount = 160000
		rows[1].Installment.DueDate = date.New(2026, 10, 15)
		rows[0].Contacts = append(rows[0].Contacts, domain.ContactPoint{Kind: domain.Landline, Value: "+551133334444"})
		c, err := s.ApplyImport(ctx, a.Tenant, a.Portfolio.ID, rows)
		if err != nil {
			t.Fatal(err)
		}
		if c.Updated != 2 || c.Unchanged != 2 || c.Inserted != 0 {
			t.Errorf("counts %+v (the new contact changes both rows of José)", c)
		}
		res, _ := s.SearchDebtors(ctx, a.Tenant, "529.982.247-25", asOf, 10)
		v, err := s.Debtor360(ctx, a.Tenant, res[0].ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if in := v.Debts[0].Installments[1]; in.Amount != 160000 || in.DueDate != date.New(2026, 10, 15) {
			t.Errorf("installment not updated: %+v", in)
		}
		var found bool
		for _, e := range v.Events {
			if e.Kind != domain.EventChanged {
				continue
			}
			var d struct{ Changes []domain.Change }
			if err := json.Unmarshal(e.Data, &d); err != nil {
				t.Fatal(err)
			}
			for _, ch := range d.Changes {
				if ch.Field == "installment 2 amount" && ch.Old == "1500.00" && ch.New == "1600.00" {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("no change event with old and new amount: %+v", v.Events)
		}
		if len(v.Contacts) != 3 {
			t.Errorf("new contact not added: %+v", v.Contacts)
		}
	})

	t.Run("search", func(t *testing.T) {
		tests := []struct {
			q, wantName, by string
		}{
			{"52998224725", "José da Conceição", "cpf"},
			{"529.982.247-25", "José da Conceição", "cpf"},
			{"(11) 98765-4321", "José da Conceição", "phone"},
			{"+55 11 98765-4321", "José da Conceição", "phone"},
			{"JOSE@example.com", "José da Conceição", "email"},
			{"C-2003", "Maria Aparecida dos Santos", "contract"},
			{"jose da", "José da Conceição", "name"},
			{"MARIA apa", "Maria Aparecida dos Santos", "name"},
			{"Conceição", "", ""},
		}
		for _, tt := range tests {
			res, err := s.SearchDebtors(ctx, a.Tenant, tt.q, asOf, 10)
			if err != nil {
				t.Fatalf("search %q: %v", tt.q, err)
			}
			if tt.wantName == "" {
				if len(res) != 0 {
					t.Errorf("search %q: want nothing, got %+v", tt.q, res)
				}
				continue
			}
			if len(res) != 1 || res[0].Name != tt.wantName || res[0].MatchedBy != tt.by {
				t.Errorf("search %q = %+v, want %s by %s", tt.q, res, tt.wantName, tt.by)
			}
		}
		res, _ := s.SearchDebtors(ctx, a.Tenant, "maria", asOf, 10)
		if len(res) != 1 || res[0].Debts != 2 || res[0].OpenAmount != 54990 || res[0].MaxDPD != 7 {
			t.Errorf("summary: %+v", res)
		}
	})

	t.Run("360 page data", func(t *testing.T) {
		res, _ := s.SearchDebtors(ctx, a.Tenant, "11144477735", asOf, 10)
		v, err := s.Debtor360(ctx, a.Tenant, res[0].ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if v.Debtor.Address.UF != "SP" || v.Debtor.TimeZone != "America/Sao_Paulo" || v.Debtor.Kind != domain.Person {
			t.Errorf("debtor: %+v", v.Debtor)
		}
		if len(v.Contacts) != 1 || v.Contacts[0].Consent != domain.ConsentOptOut || v.Contacts[0].ConsentSource != "import" {
			t.Errorf("opt-out contact: %+v", v.Contacts)
		}
		if len(v.Debts) != 2 || v.Debts[0].CreditorName != "Banco A" || v.Debts[0].PortfolioName != "Cartões 2026" || v.Debts[0].OriginalPrincipal != 300000 {
			t.Errorf("debts: %+v", v.Debts)
		}
		open, overdue, maxDPD := v.Debts[0].Totals(asOf)
		if open != 9990 || overdue != 9990 || maxDPD != 7 {
			t.Errorf("totals %v %v %d", open, overdue, maxDPD)
		}
		imported := 0
		for _, e := range v.Events {
			if e.Kind == domain.EventImported {
				imported++
			}
		}
		if imported != 2 {
			t.Errorf("imported events: %d", imported)
		}
		if err := s.SetDelayReason(ctx, a.Tenant, v.Debts[0].ID, domain.ReasonDefective, "user:1"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetDelayReason(ctx, a.Tenant, v.Debts[0].ID, "nonsense", "user:1"); err == nil {
			t.Error("bad delay reason accepted")
		}
		if err := s.SetConsent(ctx, a.Tenant, v.Contacts[0].ID, domain.ConsentGranted, "portal", "debtor"); err != nil {
			t.Fatal(err)
		}
		v, _ = s.Debtor360(ctx, a.Tenant, res[0].ID, 100)
		if v.Debts[0].DelayReason != domain.ReasonDefective || v.Contacts[0].Consent != domain.ConsentGranted || v.Contacts[0].ConsentSource != "portal" {
			t.Errorf("after changes: %+v %+v", v.Debts[0].Debt, v.Contacts[0])
		}
		if v.Events[0].Kind != domain.EventConsent || v.Events[1].Kind != domain.EventDelayReason {
			t.Errorf("timeline order: %v, %v", v.Events[0].Kind, v.Events[1].Kind)
		}
		e, err := s.AppendEvent(ctx, a.Tenant, domain.Event{DebtorID: v.Debtor.ID, Kind: domain.EventNote, Actor: "user:1", Summary: "Cliente pediu retorno amanhã"})
		if err != nil || e.ID == 0 {
			t.Fatalf("append event: %v", err)
		}
	})

	t.Run("payments book once", func(t *testing.T) {
		res, _ := s.SearchDebtors(ctx, a.Tenant, "11144477735", asOf, 10)
		v, _ := s.Debtor360(ctx, a.Tenant, res[0].ID, 100)
		in := v.Debts[0].Installments[0]
		p := domain.Payment{InstallmentID: in.ID, Source: domain.PaidPix, SourceRef: "E12345678202611241000abcdef", Amount: 5000, PaidAt: time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)}
		got, dup, err := s.BookPayment(ctx, a.Tenant, p)
		if err != nil || dup || got.ID == 0 || got.DebtorID != v.Debtor.ID {
			t.Fatalf("book: %+v %v %v", got, dup, err)
		}
		again, dup, err := s.BookPayment(ctx, a.Tenant, p)
		if err != nil || !dup || again.ID != got.ID {
			t.Fatalf("rebook: %+v %v %v", again, dup, err)
		}
		p.SourceRef = "E2"
		p.Amount = 4990
		if _, _, err := s.BookPayment(ctx, a.Tenant, p); err != nil {
			t.Fatal(err)
		}
		v, _ = s.Debtor360(ctx, a.Tenant, res[0].ID, 100)
		if in := v.Debts[0].Installments[0]; in.Paid != 9990 || in.Status != domain.InstallmentPaid {
			t.Errorf("installment after payments: %+v", in)
		}
		if len(v.Payments) != 2 {
			t.Errorf("payments: %+v", v.Payments)
		}
		if _, _, err := s.BookPayment(ctx, a.Tenant, domain.Payment{InstallmentID: in.ID, Source: domain.PaidPix, SourceRef: "neg", Amount: -1}); err == nil {
			t.Error("negative payment accepted")
		}
	})

	t.Run("history payments and disputes", func(t *testing.T) {
		rows := []store.ImportRow{Row(9, "39053344705", "Pedro Álvares", "C-3003", 1, date.New(2026, 6, 10), 20000)}
		rows[0].Installment.Paid = 20000
		if _, err := s.ApplyImport(ctx, a.Tenant, a.Portfolio.ID, rows); err != nil {
			t.Fatal(err)
		}
		in := rows[0].Installment
		if in.ID == 0 || in.DebtID == 0 || rows[0].Debt.ID != in.DebtID || rows[0].Debtor.ID == 0 {
			t.Fatalf("ids not filled: %+v", rows[0])
		}
		p := domain.Payment{DebtorID: rows[0].Debtor.ID, DebtID: in.DebtID, InstallmentID: in.ID, Source: domain.PaidImport, SourceRef: "hist-1", Amount: 20000, PaidAt: time.Date(2026, 6, 20, 15, 0, 0, 0, time.UTC)}
		for i, want := range []int{1, 0} {
			n, err := s.LoadPayments(ctx, a.Tenant, []domain.Payment{p})
			if err != nil || n != want {
				t.Fatalf("load %d: %d %v", i, n, err)
			}
		}
		if _, err := s.LoadPayments(ctx, b.Tenant, []domain.Payment{p}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tenant B loads payments into A's installment: %v", err)
		}
		if err := s.OpenDispute(ctx, a.Tenant, in.DebtID, domain.ReasonBillingError, "cobrança em duplicidade", "user:1"); err != nil {
			t.Fatal(err)
		}
		if err := s.OpenDispute(ctx, b.Tenant, in.DebtID, domain.ReasonBillingError, "", "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tenant B disputes A's debt: %v", err)
		}
		v, _ := s.Debtor360(ctx, a.Tenant, rows[0].Debtor.ID, 10)
		if v.Debts[0].Status != domain.DebtDisputed || v.Debts[0].DelayReason != domain.ReasonBillingError || v.Events[0].Kind != domain.EventDisputed || len(v.Payments) != 1 || v.LateIn12m != 1 {
			t.Errorf("after dispute: %+v events %v payments %d late %d", v.Debts[0].Debt, v.Events[0].Kind, len(v.Payments), v.LateIn12m)
		}
	})

	t.Run("import runs", func(t *testing.T) {
		r, err := s.StartImportRun(ctx, a.Tenant, store.ImportRun{PortfolioID: a.Portfolio.ID, FileName: "carteira.csv"})
		if err != nil {
			t.Fatal(err)
		}
		r.Read, r.Rejected, r.ImportCounts = 10, 2, store.ImportCounts{Inserted: 8}
		if err := s.FinishImportRun(ctx, a.Tenant, r, []store.Reject{{Line: 3, Column: "cpf_cnpj", Reason: "CPF inválido"}, {Line: 7, Column: "vencimento", Reason: "data inválida"}}); err != nil {
			t.Fatal(err)
		}
		got, rej, err := s.ImportRun(ctx, a.Tenant, r.ID)
		if err != nil || got.Read != 10 || got.Inserted != 8 || got.FinishedAt.IsZero() || len(rej) != 2 || rej[0].Line != 3 || rej[1].Column != "vencimento" {
			t.Errorf("run %+v rejects %+v err %v", got, rej, err)
		}
		runs, _ := s.ImportRuns(ctx, a.Tenant, 10)
		if len(runs) != 1 {
			t.Errorf("runs: %+v", runs)
		}
		ps, err := s.Portfolios(ctx, a.Tenant)
		if err != nil || len(ps) != 1 || ps[0].Debtors != 3 || ps[0].Debts != 4 || ps[0].CreditorName != "Banco A" {
			t.Errorf("portfolios: %+v %v", ps, err)
		}
	})

	t.Run("planning attempts is idempotent", func(t *testing.T) {
		as, ok := s.(store.AttemptStore)
		if !ok {
			t.Skip("no attempt store")
		}
		res, _ := s.SearchDebtors(ctx, a.Tenant, "52998224725", asOf, 10)
		due := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		plan := []store.Attempt{
			{DebtorID: res[0].ID, EnrolmentID: 7, StepID: "d-1-sms", AnchorDate: date.New(2026, 11, 26), Channel: "sms", Template: "pre_due", DueAt: due, Decision: json.RawMessage(`{"allowed":true}`), PolicyVer: "BR@1"},
			{DebtorID: res[0].ID, EnrolmentID: 7, StepID: "d0-wa", AnchorDate: date.New(2026, 11, 26), Channel: "whatsapp", DueAt: due},
		}
		n, err := as.PlanAttempts(ctx, a.Tenant, plan)
		if err != nil || n != 2 {
			t.Fatalf("first plan: %d %v", n, err)
		}
		n, err = as.PlanAttempts(ctx, a.Tenant, plan)
		if err != nil || n != 0 {
			t.Fatalf("second plan: %d %v", n, err)
		}
		list, err := as.AttemptsOfDebtor(ctx, a.Tenant, res[0].ID, 10)
		if err != nil || len(list) != 2 || list[1].Status != store.AttemptPlanned || !list[1].DueAt.Equal(due) || string(list[1].Decision) != `{"allowed":true}` || list[1].AnchorDate != date.New(2026, 11, 26) {
			t.Fatalf("attempts: %+v %v", list, err)
		}
		debt := v360Debt(t, s, a.Tenant, res[0].ID)
		plan[0].DebtID, plan[0].StepID = debt, "d+1-sms"
		if n, err := as.PlanAttempts(ctx, a.Tenant, plan[:1]); err != nil || n != 1 {
			t.Fatalf("plan with debt: %d %v", n, err)
		}
		if n, err := as.CancelPlannedAttempts(ctx, b.Tenant, debt, "paid"); err != nil || n != 0 {
			t.Errorf("tenant B cancels A's attempts: %d %v", n, err)
		}
		if n, err := as.CancelPlannedAttempts(ctx, a.Tenant, debt, "paid"); err != nil || n != 1 {
			t.Errorf("cancel: %d %v", n, err)
		}
		if _, err := as.Attempt(ctx, b.Tenant, list[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tenant B reads A's attempt: %v", err)
		}
		if l, _ := as.AttemptsOfDebtor(ctx, b.Tenant, res[0].ID, 10); len(l) != 0 {
			t.Errorf("tenant B lists A's attempts")
		}
	})

	t.Run("tenant isolation", func(t *testing.T) { Isolation(t, s, a, b) })
	t.Run("agent tasks, letters, agency exports", func(t *testing.T) { RunTasks(t, s) })
}

// Isolation proves tenant B can neither read nor change A's rows through
// any store method that takes a tenant.
func Isolation(t *testing.T, s store.Store, a, b Fixture) {
	ctx := context.Background()
	asOf := date.New(2026, 11, 24)
	resA, _ := s.SearchDebtors(ctx, a.Tenant, "52998224725", asOf, 10)
	va, err := s.Debtor360(ctx, a.Tenant, resA[0].ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	debtorA, debtA, instA, contactA := va.Debtor.ID, va.Debts[0].ID, va.Debts[0].Installments[0].ID, va.Contacts[0].ID
	usersA, _ := s.Users(ctx, a.Tenant)
	runsA, _ := s.ImportRuns(ctx, a.Tenant, 10)

	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("tenant B %s of tenant A: got %v, want not found", what, err)
		}
	}
	_, err = s.Debtor(ctx, b.Tenant, debtorA)
	notFound("reads debtor", err)
	_, err = s.Debtor360(ctx, b.Tenant, debtorA, 10)
	notFound("reads 360", err)
	_, err = s.Portfolio(ctx, b.Tenant, a.Portfolio.ID)
	notFound("reads portfolio", err)
	notFound("sets delay reason", s.SetDelayReason(ctx, b.Tenant, debtA, domain.ReasonForgot, "x"))
	notFound("sets consent", s.SetConsent(ctx, b.Tenant, contactA, domain.ConsentOptOut, "x", "x"))
	_, err = s.AppendEvent(ctx, b.Tenant, domain.Event{DebtorID: debtorA, Kind: domain.EventNote})
	notFound("appends event", err)
	_, _, err = s.BookPayment(ctx, b.Tenant, domain.Payment{InstallmentID: instA, Source: domain.PaidManual, SourceRef: "x", Amount: 1})
	notFound("books payment", err)
	_, _, err = s.BookPayment(ctx, b.Tenant, domain.Payment{DebtorID: debtorA, Source: domain.PaidManual, SourceRef: "y", Amount: 1})
	notFound("books unmatched payment", err)
	_, err = s.UpsertPortfolio(ctx, b.Tenant, domain.Portfolio{CreditorID: a.Creditor.ID, ExtID: "steal", Name: "x"})
	notFound("uses creditor", err)
	_, err = s.ApplyImport(ctx, b.Tenant, a.Portfolio.ID, clone(a.Rows))
	notFound("imports into portfolio", err)
	_, err = s.StartImportRun(ctx, b.Tenant, store.ImportRun{PortfolioID: a.Portfolio.ID})
	notFound("starts import", err)
	if len(usersA) > 0 {
		_, err = s.User(ctx, b.Tenant, usersA[0].ID)
		notFound("reads user", err)
		u := usersA[0]
		u.Role = domain.RoleAgent
		notFound("updates user", s.UpdateUser(ctx, b.Tenant, u))
	}
	if len(runsA) > 0 {
		_, _, err = s.ImportRun(ctx, b.Tenant, runsA[0].ID)
		notFound("reads import run", err)
		notFound("finishes import run", s.FinishImportRun(ctx, b.Tenant, runsA[0], nil))
	}
	if ev, _ := s.Events(ctx, b.Tenant, debtorA, 10); len(ev) != 0 {
		t.Errorf("tenant B reads A's events: %d", len(ev))
	}
	if ps, _ := s.Payments(ctx, b.Tenant, debtorA); len(ps) != 0 {
		t.Errorf("tenant B reads A's payments")
	}
	// B's own search finds its own José, never A's.
	resB, _ := s.SearchDebtors(ctx, b.Tenant, "52998224725", asOf, 10)
	if len(resB) != 1 || resB[0].ID == debtorA {
		t.Errorf("tenant B search: %+v", resB)
	}
	for _, q := range []string{"C-1001", "jose", "+5511987654321"} {
		res, _ := s.SearchDebtors(ctx, b.Tenant, q, asOf, 10)
		for _, r := range res {
			if r.ID == debtorA {
				t.Errorf("tenant B search %q found A's debtor", q)
			}
		}
	}
	// And A's data is intact after B's attempts.
	after, _ := s.Debtor360(ctx, a.Tenant, debtorA, 100)
	if after.Debts[0].DelayReason == domain.ReasonForgot || len(after.Payments) != len(va.Payments) || fmt.Sprint(after.Contacts) != fmt.Sprint(va.Contacts) {
		t.Errorf("tenant A's data changed by B")
	}
	if us, _ := s.Users(ctx, a.Tenant); len(us) > 0 && us[0].Role != usersA[0].Role {
		t.Errorf("tenant A's user changed by B")
	}
	_ = strings.TrimSpace
}

func v360Debt(t *testing.T, s store.Store, tenant domain.TenantID, debtor int64) int64 {
	t.Helper()
	v, err := s.Debtor360(context.Background(), tenant, debtor, 1)
	if err != nil || len(v.Debts) == 0 {
		t.Fatalf("debtor %d: %v", debtor, err)
	}
	return v.Debts[0].ID
}
