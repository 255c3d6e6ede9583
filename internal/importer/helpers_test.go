package importer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
)

// fixedNow is the as-of clock of the tests.
func fixedNow() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }

// target is a store with one tenant and one portfolio to import into.
type target struct {
	db        *sqldb.DB
	path      string
	tenant    domain.TenantID
	portfolio int64
}

func openTarget(t testing.TB) target {
	t.Helper()
	path := filepath.Join(t.TempDir(), "regua.db")
	return openTargetAt(t, path, true)
}

// openTargetAt opens the SQLite file at path; create makes the tenant and
// portfolio (the first open), otherwise the first ones are used.
func openTargetAt(t testing.TB, path string, create bool) target {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, path, true)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	tg := target{db: db, path: path}
	if create {
		ten, err := db.CreateTenant(ctx, "Agência Teste")
		if err != nil {
			t.Fatal(err)
		}
		cr, err := db.UpsertCreditor(ctx, ten.ID, domain.Creditor{ExtID: "banco", Name: "Banco Exemplo", Document: "11222333000181"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.UpsertPortfolio(ctx, ten.ID, domain.Portfolio{CreditorID: cr.ID, ExtID: "cartoes", Name: "Cartões"})
		if err != nil {
			t.Fatal(err)
		}
		tg.tenant, tg.portfolio = ten.ID, p.ID
		return tg
	}
	tens, err := db.Tenants(ctx)
	if err != nil || len(tens) == 0 {
		t.Fatalf("tenants: %v %v", tens, err)
	}
	tg.tenant = tens[0].ID
	ps, err := db.Portfolios(ctx, tg.tenant)
	if err != nil || len(ps) == 0 {
		t.Fatalf("portfolios: %v %v", ps, err)
	}
	tg.portfolio = ps[0].ID
	return tg
}

func (tg target) run(t testing.TB, data string, opt Options) (Summary, error) {
	t.Helper()
	if opt.Now == nil {
		opt.Now = fixedNow
	}
	return Run(context.Background(), tg.db, tg.tenant, tg.portfolio, strings.NewReader(data), opt)
}

func (tg target) runFile(t testing.TB, path string, opt Options) (Summary, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if opt.Now == nil {
		opt.Now = fixedNow
	}
	if opt.FileName == "" {
		opt.FileName = filepath.Base(path)
	}
	return Run(context.Background(), tg.db, tg.tenant, tg.portfolio, f, opt)
}

// count returns the number of rows of a table for the tenant.
func (tg target) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := tg.db.SQL().QueryRow("SELECT count(*) FROM "+table+" WHERE tenant_id = ?", tg.tenant).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// memStore is an ImportStore that keeps rows in memory, for tests of the
// parsing alone (and the parse benchmark): it records what it was given.
type memStore struct {
	rows    []store.ImportRow
	batches int
	runs    []store.ImportRun
	rejects []store.Reject
	keep    bool
}

func (m *memStore) ApplyImport(_ context.Context, _ domain.TenantID, _ int64, rows []store.ImportRow) (store.ImportCounts, error) {
	m.batches++
	if m.keep {
		m.rows = append(m.rows, rows...)
	}
	return store.ImportCounts{Inserted: len(rows)}, nil
}

func (m *memStore) StartImportRun(_ context.Context, _ domain.TenantID, r store.ImportRun) (store.ImportRun, error) {
	r.ID = int64(len(m.runs) + 1)
	m.runs = append(m.runs, r)
	return r, nil
}

func (m *memStore) FinishImportRun(_ context.Context, _ domain.TenantID, r store.ImportRun, rejects []store.Reject) error {
	m.runs[r.ID-1] = r
	m.rejects = rejects
	return nil
}

func (m *memStore) ImportRun(_ context.Context, _ domain.TenantID, id int64) (store.ImportRun, []store.Reject, error) {
	return m.runs[id-1], m.rejects, nil
}

func (m *memStore) ImportRuns(context.Context, domain.TenantID, int) ([]store.ImportRun, error) {
	return m.runs, nil
}
