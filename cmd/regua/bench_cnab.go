package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/bench"
	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/demo"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
)

// `regua bench cnab`: load the demo portfolio, issue a boleto for every open
// installment (in bulk), write the bank's CNAB 240 return settling them,
// then time parsing and reconciling it against reading the same file line by
// line, with the peak RSS of the reconcile phase.
func init() {
	registerBench("cnab", benchCNAB)
}

func benchCNAB(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "bench cnab")
	target := fs.String("db", envDefault(env, "bench-db", ""), "a directory for a fresh SQLite file (default: a temporary one) or a postgres:// server URL (a fresh database is created and dropped)")
	records := fs.Int("records", 1_000_000, "settlement records in the return file")
	debtors := fs.Int("debtors", 0, "demo debtors to load (default: enough for --records open installments)")
	batch := fs.Int("batch", reconcile.DefaultBatch, "payments per reconcile transaction")
	parts := fs.Int("parts", 0, "parts of a batch booked at once, split by debtor, on PostgreSQL (0: one per CPU, at most 4; 1: whole batches)")
	floor := fs.Bool("floor", false, "after the run, book the same file again on a fresh copy of the portfolio (needs --template) by set-based SQL inside the store, batch by batch, and print its time: the least a client could take")
	statements := fs.Bool("statements", false, "print the time spent in each kind of booking statement")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the parse + reconcile phase here")
	template := fs.String("template", "", "keep the loaded portfolio and issued boletos between runs: on SQLite a file, on PostgreSQL a database name on the same server; reused (copied) when it exists, written when not")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *records <= 0 {
		return usagef("--records %d: want at least 1", *records)
	}
	if *floor && *template == "" {
		return usagef("--floor books the file again on a fresh copy of the portfolio: give --template")
	}
	out := env.stdout
	from := ""
	if *template != "" {
		ok, err := bench.TemplateExists(ctx, *target, *template)
		if err != nil {
			return err
		}
		if ok {
			from = *template
		}
	}
	t0 := time.Now()
	db, dsn, cleanup, err := bench.FreshDBFrom(ctx, *target, "cnab", from)
	if err != nil {
		return err
	}
	copied := time.Since(t0)
	// db may be reopened below: the one open at the end is closed, then
	// the fresh store's files (or database) removed.
	defer func() { db.Close(); cleanup() }()
	asOf := date.New(2026, 11, 24)
	n := *debtors
	if n == 0 {
		// The demo has about 1.9 open installments per debtor.
		n = *records*10/17 + 100
	}
	fmt.Fprintf(out, "bench cnab: store %s, %d records, GOMAXPROCS %d, %s\n", db.Engine(), *records, runtime.GOMAXPROCS(0), runtime.Version())
	reuse := from != ""
	if reuse {
		fmt.Fprintf(out, "  portfolio and boletos copied from %s: %s\n", from, copied.Round(time.Millisecond))
	}
	tenant, err := resolveTenant(ctx, db, demo.Users().Tenant)
	if err != nil && !reuse {
		t0 := time.Now()
		if _, err := loadDemo(ctx, io.Discard, db, demo.Options{Seed: 7, Debtors: n, AsOf: asOf}, ""); err != nil {
			return fmt.Errorf("load demo: %w", err)
		}
		fmt.Fprintf(out, "  load demo portfolio (%d debtors): %s\n", n, time.Since(t0).Round(time.Millisecond))
		if tenant, err = resolveTenant(ctx, db, demo.Users().Tenant); err != nil {
			return err
		}
		t0 = time.Now()
		issued, err := benchIssueBoletos(ctx, db, tenant, *records, asOf)
		if err != nil {
			return fmt.Errorf("issue boletos: %w", err)
		}
		fmt.Fprintf(out, "  issue %d boletos in bulk: %s\n", issued, time.Since(t0).Round(time.Millisecond))
		if issued < *records {
			fmt.Fprintf(out, "  (only %d open installments: the return settles %d; raise --debtors for more)\n", issued, issued)
		}
		if *template != "" && db.Dialect() == "postgres" {
			// The copy needs the database to itself for a moment.
			db.Close()
			if err := bench.PGCopyDatabase(ctx, *target, strings.TrimPrefix(mustURLPath(dsn), "/"), *template); err != nil {
				return fmt.Errorf("write template: %w", err)
			}
			fmt.Fprintf(out, "  template written to database %s\n", *template)
		} else if *template != "" {
			os.Remove(*template)
			if _, err := db.SQL().ExecContext(ctx, `VACUUM INTO ?`, *template); err != nil {
				return fmt.Errorf("write template: %w", err)
			}
			fmt.Fprintf(out, "  template written to %s\n", *template)
		}
	} else if err != nil {
		return err
	}
	// The timed phase runs on a store opened afresh, as `regua reconcile
	// cnab` runs in a process of its own: the page caches that the load,
	// or the migrations of a copied template, filled are not counted in
	// its peak memory (the first run after a load measured 250 MB, later
	// ones 170).
	db.Close()
	if db, err = sqldb.Open(ctx, dsn, false); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "regua-bench-cnab-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "retorno.ret")
	t0 = time.Now()
	info, err := benchWriteReturn(ctx, db, tenant, path, asOf)
	if err != nil {
		return fmt.Errorf("write return: %w", err)
	}
	st, _ := os.Stat(path)
	fmt.Fprintf(out, "  write CNAB 240 return: %d records, %d lines, %s, %s\n", info.Records, info.Lines, bench.MB(st.Size()), time.Since(t0).Round(time.Millisecond))

	runtime.GC()
	t0 = time.Now()
	lines, err := readLines(path)
	if err != nil {
		return err
	}
	baseline := time.Since(t0)
	fmt.Fprintf(out, "  baseline, read the file line by line: %d lines in %s\n", lines, baseline.Round(time.Millisecond))

	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
	}
	// What the load and the return writer left in the heap goes back to
	// the system first: the peak is that of parse + reconcile.
	debug.FreeOSMemory()
	bench.ResetPeakRSS()
	if *statements {
		sqldb.TimeBookingStatements()
	}
	r := &reconcile.Reconciler{Store: db, Batch: *batch, Parts: *parts}
	// As `regua reconcile cnab` runs a file.
	restoreGC := bulkGC(env.getenv)
	t0 = time.Now()
	cpu0 := bench.CPUTime()
	srv0 := pgBackendCPU(dsn)
	wal0, walOK := pgWAL(ctx, db)
	res, err := r.ReturnFile(ctx, tenant, path)
	if err != nil {
		return err
	}
	took := time.Since(t0)
	restoreGC()
	cpu1 := bench.CPUTime()
	srv1 := pgBackendCPU(dsn)
	wal1, _ := pgWAL(ctx, db)
	peak := bench.PeakRSS()
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	fmt.Fprintf(out, "  parse + reconcile: %d settlements, %d booked (%s), %d installments paid, %d queued, %d receipts planned in %s (%.0f records/s), %.1f× the baseline\n",
		res.Payments, res.Booked, res.BookedAmount.Format("pt-BR"), res.PaidOff, res.Queued, res.Receipts, took.Round(time.Millisecond), float64(res.Payments)/took.Seconds(), took.Seconds()/baseline.Seconds())
	fmt.Fprintf(out, "  CPU time of this process during parse + reconcile: %s\n", (cpu1 - cpu0).Round(time.Millisecond))
	if db.Dialect() == "postgres" {
		if srv0 >= 0 && srv1 >= 0 {
			fmt.Fprintf(out, "  CPU time of the PostgreSQL backends serving it: %s\n", (srv1 - srv0).Round(time.Millisecond))
		} else {
			fmt.Fprintf(out, "  CPU time of the PostgreSQL backends: not measured (server not local, or no /proc)\n")
		}
		if walOK {
			fmt.Fprintf(out, "  WAL written by the server meanwhile: %s, %d full-page images (%s)\n", bench.MB(wal1.bytes-wal0.bytes), wal1.fpi-wal0.fpi, bench.MB((wal1.fpi-wal0.fpi)*8192))
		}
	}
	fmt.Fprintf(out, "  peak RSS during reconcile: %s\n", bench.MB(peak))
	if *statements {
		fmt.Fprintf(out, "  time in booking statements (rows read after the first not counted):\n")
		printTimes(out, sqldb.BookingStatementTimes())
	}
	t0 = time.Now()
	again, err := r.ReturnFile(ctx, tenant, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  the same file again: already booked=%v, %d booked, in %s\n", again.Already, again.Booked, time.Since(t0).Round(time.Millisecond))
	if *floor {
		return benchCNABFloor(ctx, out, floorRun{target: *target, template: *template, path: path, tenant: tenant,
			batch: *batch, parts: *parts, booked: res.Booked, receipts: res.Receipts, cancelled: res.Cancelled})
	}
	return nil
}

// printTimes prints durations by name, the largest first.
func printTimes(out io.Writer, times map[string]time.Duration) {
	keys := make([]string, 0, len(times))
	for k := range times {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return times[keys[i]] > times[keys[j]] })
	for _, k := range keys {
		fmt.Fprintf(out, "    %9s  %s\n", times[k].Round(time.Millisecond), k)
	}
}

// benchIssueBoletos gives every creditor an Itaú account and issues a
// boleto for up to limit open installments, 20,000 per transaction.
func benchIssueBoletos(ctx context.Context, db *sqldb.DB, tenant domain.TenantID, limit int, asOf date.Date) (int, error) {
	cs, err := db.Creditors(ctx, tenant)
	if err != nil {
		return 0, err
	}
	for _, c := range cs {
		if err := db.SetBankAccount(ctx, tenant, store.BankAccount{CreditorID: c.ID, Bank: "341", Agency: "0057", Account: "12345", Wallet: "109",
			BeneficiaryName: c.Name, BeneficiaryDoc: c.Document, City: "São Paulo"}); err != nil {
			return 0, err
		}
	}
	is := &billing.Issuer{Store: db, Now: func() time.Time { return asOf.In(time.UTC).Add(12 * time.Hour) }}
	const chunk = 20000
	issued := 0
	var lastID int64
	for issued < limit {
		// CROSS JOIN and "+ 0" keep SQLite on the primary key of
		// installments: the tenant's index would make every chunk a scan of
		// all installments (PostgreSQL plans this as a plain join).
		rows, err := db.SQL().QueryContext(ctx, db.Rebind(`SELECT i.id, d.debtor_id, d.id, p.creditor_id, d.contract_number, i.number, i.amount - i.paid, i.due_date
			FROM installments i CROSS JOIN debts d CROSS JOIN portfolios p
			WHERE d.tenant_id = i.tenant_id AND d.id = i.debt_id AND p.tenant_id = d.tenant_id AND p.id = d.portfolio_id AND i.tenant_id + 0 = ? AND i.id > ? AND i.status IN ('open', 'partial') AND i.amount > i.paid ORDER BY i.id LIMIT ?`), tenant, lastID, min(chunk, limit-issued))
		if err != nil {
			return issued, err
		}
		var reqs []billing.Request
		for rows.Next() {
			o := store.OpenAmount{RefKind: store.RefInstallment}
			if err := rows.Scan(&o.InstallmentID, &o.DebtorID, &o.DebtID, &o.CreditorID, &o.Contract, &o.Number, &o.Amount, &o.DueDate); err != nil {
				rows.Close()
				return issued, err
			}
			o.RefID = o.InstallmentID
			lastID = o.InstallmentID
			reqs = append(reqs, billing.Request{Open: o, Boleto: true})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return issued, err
		}
		if len(reqs) == 0 {
			break
		}
		if _, err := is.Issue(ctx, tenant, reqs); err != nil {
			return issued, err
		}
		issued += len(reqs)
	}
	if err := db.Analyze(ctx); err != nil {
		return issued, err
	}
	_, err = db.Exec(ctx, `ANALYZE charges`)
	return issued, err
}

// benchWriteReturn writes the return file settling every active boleto,
// streaming the charges from the store in id order.
func benchWriteReturn(ctx context.Context, db *sqldb.DB, tenant domain.TenantID, path string, asOf date.Date) (cnab.FileInfo, error) {
	f, err := os.Create(path)
	if err != nil {
		return cnab.FileInfo{}, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	rows, err := db.SQL().QueryContext(ctx, db.Rebind(`SELECT our_number, amount, due_date FROM charges WHERE tenant_id + 0 = ? AND kind = 'boleto' AND status = 'active' ORDER BY id`), tenant)
	if err != nil {
		return cnab.FileInfo{}, err
	}
	defer rows.Close()
	paidOn := asOf.AddDays(1).In(time.UTC)
	var scanErr error
	h := cnab.Header{Layout: cnab.CNAB240, Bank: "341", Sequence: 1, Created: paidOn.AddDate(0, 0, 1),
		Beneficiary: cnab.Beneficiary{Name: "REGUA DEMO", Document: "11222333000181", Agency: "0057", Account: "12345", AccountDV: "0", Wallet: "109"}}
	info, err := cnab.GenerateReturn(w, h, 0, func(yield func(cnab.Payment) bool) {
		for rows.Next() {
			var p cnab.Payment
			var due date.Date
			if scanErr = rows.Scan(&p.OurNumber, &p.Amount, &due); scanErr != nil {
				return
			}
			p.Due, p.PaidOn = due.In(time.UTC), paidOn
			if !yield(p) {
				return
			}
		}
	})
	if err == nil {
		err = scanErr
	}
	if err == nil {
		err = rows.Err()
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		// On disk before the timed phase, which would otherwise pay for
		// the kernel's writeback of half a gigabyte.
		err = f.Sync()
	}
	return info, err
}

// walStats are the server's WAL counters (pg_stat_wal, PostgreSQL 14+):
// bytes written and full-page images, of the whole server.
type walStats struct{ bytes, fpi int64 }

func pgWAL(ctx context.Context, db *sqldb.DB) (walStats, bool) {
	var w walStats
	if db.Dialect() != "postgres" {
		return w, false
	}
	err := db.SQL().QueryRowContext(ctx, `SELECT wal_bytes::bigint, wal_fpi FROM pg_stat_wal`).Scan(&w.bytes, &w.fpi)
	return w, err == nil
}

// pgBackendCPU sums the CPU time of the local PostgreSQL backends connected
// to the database of dsn (their command line names it), from /proc; -1
// when that cannot be read (another machine, not Linux, not PostgreSQL).
func pgBackendCPU(dsn string) time.Duration {
	u, err := url.Parse(dsn)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		return -1
	}
	name := " " + strings.TrimPrefix(u.Path, "/") + " "
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return -1
	}
	const hz = 100 // USER_HZ, 100 on every Linux architecture Go runs on
	var total time.Duration
	found := false
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmd, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !strings.HasPrefix(string(cmd), "postgres: ") || !strings.Contains(string(cmd), name) {
			continue
		}
		st, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis: utime and stime
		// are the 12th and 13th.
		f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+stime) * time.Second / hz
		found = true
	}
	if !found {
		return -1
	}
	return total
}

func readLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	n := 0
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}

func mustURLPath(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	return u.Path
}
