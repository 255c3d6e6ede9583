package bench

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/demo"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/importer"
	"github.com/regua/regua/internal/store/sqldb"
)

// ImportOptions configure `regua bench import`.
type ImportOptions struct {
	Rows   int    // installments to generate (about 3 per debtor)
	Seed   uint64 // demo generator seed
	Target string // SQLite directory ("" = temp) or postgres:// server URL
	Search int    // searches per kind for the latency figures (0 = none)
	Batch  int    // rows per import transaction (0 = the importer's default)
	Out    io.Writer
}

// Import generates a portfolio CSV, imports it into a fresh store, imports
// it again unchanged, measures search latency, and measures the bare
// baseline on the same rows: SQLite, one prepared INSERT per table in one
// transaction; PostgreSQL, COPY into the same tables.
func Import(ctx context.Context, o ImportOptions) error {
	w := o.Out
	asOf := date.New(2026, 11, 24)
	debtors := max(o.Rows/3, 1)
	dopts := demo.Options{Seed: o.Seed, Debtors: debtors, AsOf: asOf}
	dir, err := os.MkdirTemp("", "regua-bench-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	csvPath := filepath.Join(dir, "portfolio.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	t0 := time.Now()
	if err := demo.WriteCSV(bw, dopts); err != nil {
		return err
	}
	bw.Flush()
	f.Close()
	st, _ := os.Stat(csvPath)
	fmt.Fprintf(w, "generated %d debtors as a %s CSV in %s (seed %d)\n", debtors, MB(st.Size()), time.Since(t0).Round(time.Millisecond), o.Seed)

	db, _, cleanup, err := FreshDB(ctx, o.Target, "import")
	if err != nil {
		return err
	}
	defer cleanup()
	batch := o.Batch
	if batch <= 0 {
		batch = importer.DefaultBatchSize
	}
	fmt.Fprintf(w, "store: %s, GOMAXPROCS %d, batch %d rows\n", db.Dialect(), runtime.GOMAXPROCS(0), batch)
	t, _ := db.CreateTenant(ctx, "bench")
	c, _ := db.UpsertCreditor(ctx, t.ID, domain.Creditor{ExtID: "bench", Name: "Bench"})
	p, err := db.UpsertPortfolio(ctx, t.ID, domain.Portfolio{CreditorID: c.ID, ExtID: "bench", Name: "Bench"})
	if err != nil {
		return err
	}
	var cpu time.Duration
	run := func(label string) (importer.Summary, int64, error) {
		runtime.GC()
		ResetPeakRSS()
		c0 := CPUTime()
		defer func() { cpu = CPUTime() - c0 }()
		f, err := os.Open(csvPath)
		if err != nil {
			return importer.Summary{}, 0, err
		}
		defer f.Close()
		sum, err := importer.Run(ctx, db, t.ID, p.ID, f, importer.Options{FileName: label, BatchSize: o.Batch, Now: func() time.Time { return asOf.In(time.UTC).Add(12 * time.Hour) }})
		return sum, PeakRSS(), err
	}
	first, rss1, err := run("first import")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "import:    %9d rows in %8s = %9.0f rows/s, %9.0f rows per CPU-second  (inserted %d, rejected %d)  peak RSS %s\n", first.Read, first.Elapsed.Round(time.Millisecond), first.RowsPerSecond(), perCPU(first.Read, cpu), first.Inserted, first.Rejected, MB(rss1))
	importCPU := cpu
	second, rss2, err := run("re-import")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "re-import: %9d rows in %8s = %9.0f rows/s, %9.0f rows per CPU-second  (unchanged %d)  peak RSS %s\n", second.Read, second.Elapsed.Round(time.Millisecond), second.RowsPerSecond(), perCPU(second.Read, cpu), second.Unchanged, MB(rss2))

	if o.Search > 0 {
		if err := searchLatency(ctx, w, db, t.ID, dopts, o.Search); err != nil {
			return err
		}
	}

	// Baseline on a second fresh store.
	bdb, _, bclean, err := FreshDB(ctx, o.Target, "baseline")
	if err != nil {
		return err
	}
	defer bclean()
	genStart, genCPU0 := time.Now(), CPUTime()
	if err := demo.Generate(dopts, func(demo.Row) error { return nil }); err != nil {
		return err
	}
	gen, genCPU := time.Since(genStart), CPUTime()-genCPU0
	bt, bCPU0 := time.Now(), CPUTime()
	var n int
	kind := ""
	if bdb.Postgres() {
		kind = "COPY into the same tables"
		n, err = copyBaseline(ctx, bdb, dopts)
	} else {
		kind = "one prepared INSERT per table, one transaction"
		n, err = insertBaseline(ctx, bdb, dopts)
	}
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	bare := time.Since(bt) - gen
	bareCPU := CPUTime() - bCPU0 - genCPU
	bareRate := float64(n) / bare.Seconds()
	fmt.Fprintf(w, "baseline:  %9d rows in %8s = %9.0f rows/s, %9.0f rows per CPU-second  (%s; generating the rows, %s, not counted)\n", n, bare.Round(time.Millisecond), bareRate, perCPU(n, bareCPU), kind, gen.Round(time.Millisecond))
	fmt.Fprintf(w, "ratio: import takes %.2f× the baseline's wall time and %.2f× its CPU time per row\n", bareRate/first.RowsPerSecond(), perCPU(n, bareCPU)/perCPU(first.Read, importCPU))
	return nil
}

// insertBaseline writes the generated rows with explicit ids, one prepared
// statement per table, in one transaction.
func insertBaseline(ctx context.Context, db *sqldb.DB, o demo.Options) (int, error) {
	t, _ := db.CreateTenant(ctx, "baseline")
	c, _ := db.UpsertCreditor(ctx, t.ID, domain.Creditor{ExtID: "b", Name: "B"})
	p, _ := db.UpsertPortfolio(ctx, t.ID, domain.Portfolio{CreditorID: c.ID, ExtID: "b", Name: "B"})
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		s, e := tx.PrepareContext(ctx, q)
		if e != nil && err == nil {
			err = e
		}
		return s
	}
	now := time.Now().UTC()
	insDebtor := prep(`INSERT INTO debtors (id, tenant_id, ext_id, kind, document, name, name_key, birth, locale, time_zone, zone_set, street, number, complement, district, city, municipality, uf, cep, country, bankrupt, deceased, represented, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	insContact := prep(`INSERT INTO contact_points (tenant_id, debtor_id, kind, value, consent, consent_source, preferred) VALUES (?,?,?,?,?,?,?)`)
	insDebt := prep(`INSERT INTO debts (id, tenant_id, portfolio_id, debtor_id, contract_number, product, origin_date, original_principal, status, delay_reason, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`)
	insInst := prep(`INSERT INTO installments (tenant_id, debt_id, number, due_date, amount, paid, status) VALUES (?,?,?,?,?,?,?)`)
	if err != nil {
		return 0, err
	}
	var debtorID, debtID int64
	lastDebtor, lastDebt := "", ""
	n := 0
	err = demo.Generate(o, func(r demo.Row) error {
		d := &r.Debtor
		if d.ExtID != lastDebtor {
			lastDebtor = d.ExtID
			debtorID++
			a := d.Address
			if _, err := insDebtor.ExecContext(ctx, debtorID, t.ID, d.ExtID, string(d.Kind), d.Document, d.Name, domain.NameKey(d.Name), d.Birth, d.Locale, d.TimeZone, d.ZoneSet,
				a.Street, a.Number, a.Complement, a.District, a.City, a.Municipality, a.UF, a.CEP, a.Country, d.Bankrupt, d.Deceased, d.Represented, now, now); err != nil {
				return err
			}
			for _, cp := range r.Contacts {
				if _, err := insContact.ExecContext(ctx, t.ID, debtorID, string(cp.Kind), cp.Value, string(consentOr(cp.Consent)), cp.ConsentSource, cp.Preferred); err != nil {
					return err
				}
			}
		}
		if r.Debt.ContractNumber != lastDebt {
			lastDebt = r.Debt.ContractNumber
			debtID++
			if _, err := insDebt.ExecContext(ctx, debtID, t.ID, p.ID, debtorID, r.Debt.ContractNumber, r.Debt.Product, r.Debt.OriginDate, r.Debt.OriginalPrincipal, "open", string(r.Debt.DelayReason), now, now); err != nil {
				return err
			}
		}
		in := r.Installment
		if _, err := insInst.ExecContext(ctx, t.ID, debtID, in.Number, in.DueDate, in.Amount, in.Paid, string(domain.StatusFor(in.Amount, in.Paid))); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

func consentOr(c domain.ConsentState) domain.ConsentState {
	if c == "" {
		return domain.ConsentUnknown
	}
	return c
}

// copyBaseline streams the generated rows into the same tables with COPY,
// one COPY per table, the rows buffered per table in chunks.
func copyBaseline(ctx context.Context, db *sqldb.DB, o demo.Options) (int, error) {
	t, _ := db.CreateTenant(ctx, "baseline")
	c, _ := db.UpsertCreditor(ctx, t.ID, domain.Creditor{ExtID: "b", Name: "B"})
	p, _ := db.UpsertPortfolio(ctx, t.ID, domain.Portfolio{CreditorID: c.ID, ExtID: "b", Name: "B"})
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int
	err = conn.Raw(func(dc any) error {
		pc := dc.(interface{ Conn() *pgx.Conn }).Conn()
		now := time.Now().UTC()
		var debtors, contacts, debts, insts [][]any
		flush := func() error {
			for _, x := range []struct {
				table string
				cols  []string
				rows  *[][]any
			}{
				{"debtors", []string{"id", "tenant_id", "ext_id", "kind", "document", "name", "name_key", "birth", "locale", "time_zone", "zone_set", "street", "number", "complement", "district", "city", "municipality", "uf", "cep", "country", "bankrupt", "deceased", "represented", "created_at", "updated_at"}, &debtors},
				{"contact_points", []string{"tenant_id", "debtor_id", "kind", "value", "consent", "consent_source", "preferred"}, &contacts},
				{"debts", []string{"id", "tenant_id", "portfolio_id", "debtor_id", "contract_number", "product", "origin_date", "original_principal", "status", "delay_reason", "created_at", "updated_at"}, &debts},
				{"installments", []string{"tenant_id", "debt_id", "number", "due_date", "amount", "paid", "status"}, &insts},
			} {
				if _, err := pc.CopyFrom(ctx, pgx.Identifier{x.table}, x.cols, pgx.CopyFromRows(*x.rows)); err != nil {
					return fmt.Errorf("copy %s: %w", x.table, err)
				}
				*x.rows = (*x.rows)[:0]
			}
			return nil
		}
		var debtorID, debtID int64
		lastDebtor, lastDebt := "", ""
		gdate := func(d date.Date) any {
			if d.IsZero() {
				return nil
			}
			return d.In(time.UTC)
		}
		err := demo.Generate(o, func(r demo.Row) error {
			d := &r.Debtor
			if d.ExtID != lastDebtor {
				if len(insts) >= 50000 {
					if err := flush(); err != nil {
						return err
					}
				}
				lastDebtor = d.ExtID
				debtorID++
				a := d.Address
				debtors = append(debtors, []any{debtorID, int64(t.ID), d.ExtID, string(d.Kind), d.Document, d.Name, domain.NameKey(d.Name), gdate(d.Birth), d.Locale, d.TimeZone, d.ZoneSet,
					a.Street, a.Number, a.Complement, a.District, a.City, a.Municipality, a.UF, a.CEP, a.Country, d.Bankrupt, d.Deceased, d.Represented, now, now})
				for _, cp := range r.Contacts {
					contacts = append(contacts, []any{int64(t.ID), debtorID, string(cp.Kind), cp.Value, string(consentOr(cp.Consent)), cp.ConsentSource, cp.Preferred})
				}
			}
			if r.Debt.ContractNumber != lastDebt {
				lastDebt = r.Debt.ContractNumber
				debtID++
				debts = append(debts, []any{debtID, int64(t.ID), p.ID, debtorID, r.Debt.ContractNumber, r.Debt.Product, gdate(r.Debt.OriginDate), int64(r.Debt.OriginalPrincipal), "open", string(r.Debt.DelayReason), now, now})
			}
			in := r.Installment
			insts = append(insts, []any{int64(t.ID), debtID, int32(in.Number), gdate(in.DueDate), int64(in.Amount), int64(in.Paid), string(domain.StatusFor(in.Amount, in.Paid))})
			n++
			return nil
		})
		if err != nil {
			return err
		}
		return flush()
	})
	return n, err
}

// searchLatency runs k searches by CPF and k by name prefix over debtors of
// the generated portfolio and prints p50/p99.
func searchLatency(ctx context.Context, w io.Writer, db *sqldb.DB, tenant domain.TenantID, o demo.Options, k int) error {
	var docs, names []string
	stride := max(o.Debtors/k, 1)
	i := 0
	last := ""
	err := demo.Generate(o, func(r demo.Row) error {
		if r.Debtor.ExtID == last {
			return nil
		}
		last = r.Debtor.ExtID
		if i%stride == 0 && len(docs) < k {
			docs = append(docs, r.Debtor.Document)
			nk := domain.NameKey(r.Debtor.Name)
			if len(nk) > 8 {
				nk = nk[:8]
			}
			names = append(names, nk)
		}
		i++
		return nil
	})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(o.Seed, 1))
	rng.Shuffle(len(docs), func(a, b int) { docs[a], docs[b] = docs[b], docs[a] })
	asOf := o.AsOf
	for _, kind := range []struct {
		name string
		qs   []string
	}{{"CPF/CNPJ", docs}, {"name prefix", names}} {
		lat := make([]time.Duration, 0, len(kind.qs))
		for _, q := range kind.qs {
			t0 := time.Now()
			res, err := db.SearchDebtors(ctx, tenant, q, asOf, 20)
			if err != nil {
				return err
			}
			lat = append(lat, time.Since(t0))
			if len(res) == 0 {
				return fmt.Errorf("search %q found nothing", q)
			}
		}
		sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
		fmt.Fprintf(w, "search by %-11s over %d debtors: %d queries, p50 %s, p99 %s\n", kind.name, o.Debtors, len(lat), lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond))
	}
	return nil
}

func perCPU(rows int, cpu time.Duration) float64 {
	if cpu <= 0 {
		return 0
	}
	return float64(rows) / cpu.Seconds()
}
