package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/regua/regua/internal/bench"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
)

// `regua bench journeys-plan` measures the planning half of the daily
// engine; the dispatch half registers its own bench and may call
// benchJourneysPlan first to get a planned queue.
func init() {
	registerBench("journeys-plan", func(ctx context.Context, env *cliEnv, args []string) error {
		pb, err := benchJourneysPlan(ctx, env, args)
		if err == nil {
			pb.Close()
		}
		return err
	})
}

// PlanBench is what benchJourneysPlan leaves behind for a caller that
// continues (dispatch): the open store and the tenant planned.
type PlanBench struct {
	DB     *sqldb.DB
	Tenant domain.TenantID
	Result planner.Result
	Close  func() // closes the store and drops what the bench made
}

func benchJourneysPlan(ctx context.Context, env *cliEnv, args []string) (*PlanBench, error) {
	fs := newFlagSet(env, "bench journeys-plan")
	dsn := fs.String("db", envDefault(env, "bench-db", ""), "database: a SQLite file (default: a fresh one in a temporary directory), or a postgres:// server URL (a fresh regua_bench_* database is made and dropped)")
	n := fs.Int("n", 20000, "debtors (each with one debt of 3 installments, one enrolment)")
	chunk := fs.Int("chunk", 5000, "enrolments per planner chunk")
	workers := fs.Int("workers", 0, "planner workers (default: CPUs)")
	dayS := fs.String("day", "2026-11-24", "day planned")
	keep := fs.Bool("keep", false, "keep the database (SQLite file, or the fresh PostgreSQL database: drop it when done)")
	full := fs.Bool("full", true, "also plan the day after with a full pass (the weekly run); --full=false skips it on large books")
	cpuProfile := fs.String("cpuprofile", "", "write CPU profiles of the phases to PREFIX-setup.pprof, PREFIX-first.pprof, PREFIX-daily.pprof and PREFIX-full.pprof")
	if _, err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	// profile starts the named phase's CPU profile; the returned func stops it.
	profile := func(phase string) func() {
		if *cpuProfile == "" {
			return func() {}
		}
		f, err := os.Create(*cpuProfile + "-" + phase + ".pprof")
		if err != nil {
			fmt.Fprintf(env.stderr, "cpuprofile: %v\n", err)
			return func() {}
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			fmt.Fprintf(env.stderr, "cpuprofile: %v\n", err)
			return func() {}
		}
		return func() { pprof.StopCPUProfile(); f.Close() }
	}
	day, err := date.Parse(*dayS)
	if err != nil {
		return nil, usagef("--day: %v", err)
	}
	var db *sqldb.DB
	cleanup := func() {}
	if strings.HasPrefix(*dsn, "postgres://") || strings.HasPrefix(*dsn, "postgresql://") {
		// A server URL: a fresh regua_bench_* database, dropped at the end.
		var fresh string
		if db, fresh, cleanup, err = bench.FreshDB(ctx, *dsn, "journeys"); err != nil {
			return nil, err
		}
		if *keep {
			fmt.Fprintf(env.stdout, "keeping database %s (drop it when done)\n", redactDSN(fresh))
			cleanup = func() { db.Close() }
		}
	} else {
		if *dsn == "" {
			dir, err := os.MkdirTemp("", "regua-bench-journeys-")
			if err != nil {
				return nil, err
			}
			if !*keep {
				cleanup = func() { os.RemoveAll(dir) }
			}
			*dsn = filepath.Join(dir, "bench.db")
		}
		if db, err = openStore(ctx, *dsn); err != nil {
			return nil, err
		}
		c := cleanup
		cleanup = func() { db.Close(); c() }
	}
	pb := &PlanBench{DB: db, Close: cleanup}
	defer func() {
		if pb == nil {
			cleanup()
		}
	}()
	ten, err := db.CreateTenant(ctx, fmt.Sprintf("bench-%d", time.Now().UnixNano()))
	if err != nil {
		pb = nil
		return nil, err
	}
	pb.Tenant = ten.ID
	nw := *workers
	if nw <= 0 {
		nw = planner.DefaultWorkers(db.Postgres())
	}
	out := env.stdout
	fmt.Fprintf(out, "bench journeys-plan: store %s, %d debtors, day %s, chunk %d, workers %d, GOMAXPROCS %d, %s\n",
		db.Engine(), *n, day, *chunk, nw, runtime.GOMAXPROCS(0), runtime.Version())
	stop := profile("setup")
	t0, c0, s0 := time.Now(), cpuTime(), serverCPU()
	if err := benchLoad(ctx, db, ten.ID, *n, day); err != nil {
		stop()
		pb = nil
		return nil, fmt.Errorf("load: %w", err)
	}
	fmt.Fprintf(out, "  load portfolio (%d debtors, %d contacts, %d debts, %d installments): %s wall, %s CPU%s\n", *n, 2**n, *n, 3**n,
		time.Since(t0).Round(time.Millisecond), (cpuTime() - c0).Round(time.Millisecond), serverNote(db, s0))
	if _, err := LoadDemoJourneys(ctx, db, ten.ID, ""); err != nil {
		stop()
		pb = nil
		return nil, err
	}
	t0, c0, s0 = time.Now(), cpuTime(), serverCPU()
	er, err := planner.Enrol(ctx, db, ten.ID, day, 0)
	stop()
	if err != nil {
		pb = nil
		return nil, err
	}
	fmt.Fprintf(out, "  enrol: %d enrolments in %s wall, %s CPU%s (%v)\n", er.Enrolled, time.Since(t0).Round(time.Millisecond), (cpuTime() - c0).Round(time.Millisecond), serverNote(db, s0), er.ByJourney)
	runtime.GC()
	bench.ResetPeakRSS()
	o := planner.Options{Day: day, Chunk: *chunk, Workers: *workers}
	// run plans one day and prints what it did: enrolments in the tenant's
	// book, how many were read (their next check came) and how many skipped
	// through the index, how many had a step due, attempts written, wall
	// and CPU time.
	ts := &timedStore{DB: db, d: map[string]time.Duration{}}
	run := func(label, phase string, o planner.Options) (planner.Result, error) {
		var active int
		if err := db.SQL().QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM journey_enrolments WHERE tenant_id = ? AND state = 'active'`), ten.ID).Scan(&active); err != nil {
			return planner.Result{}, err
		}
		stop := profile(phase)
		c0, s0 := cpuTime(), serverCPU()
		r, err := planner.Plan(ctx, ts, ten.ID, o)
		cpu, scpu := cpuTime()-c0, serverCPU()-s0
		stop()
		if err != nil {
			return r, err
		}
		perAttempt := ""
		if r.Planned > 0 {
			perAttempt = fmt.Sprintf(", %.0f µs CPU per attempt", float64(cpu.Microseconds())/float64(r.Planned))
		}
		server := ""
		if db.Postgres() {
			server = fmt.Sprintf(" + %s CPU of the PostgreSQL server (all of it, neighbours included)", scpu.Round(time.Millisecond))
		}
		fmt.Fprintf(out, "  %s: %d active enrolments, %d read (%d skipped: next check not due), %d due a step, %d attempts written (%d offered), %d stopped, %d paused; %s wall, %s CPU of this process%s%s\n",
			label, active, r.Scanned, active-r.Scanned, r.Candidates, r.Planned, r.Written, r.Stopped, r.Paused, r.Took.Round(time.Millisecond), cpu.Round(time.Millisecond), server, perAttempt)
		fmt.Fprintf(out, "    store calls (wall, summed over workers): %s\n", ts.report())
		return r, nil
	}
	r, err := run("plan day (first day after enrolling: every enrolment read)", "first", o)
	if err != nil {
		pb = nil
		return nil, err
	}
	pb.Result = r
	if _, err := run("plan again (idempotent)", "again", o); err != nil {
		pb = nil
		return nil, err
	}
	if db.Postgres() {
		// A day passes between the first run and the daily one: on a server
		// autovacuum clears the first run's dead enrolment rows and the
		// checkpoints flush its writes. The test servers run with autovacuum
		// off, so the bench does both itself, timed apart from the run.
		t0 := time.Now()
		for _, q := range []string{`VACUUM ANALYZE journey_enrolments, attempts, journey_links`, `CHECKPOINT`} {
			if _, err := db.SQL().ExecContext(ctx, q); err != nil {
				return nil, fmt.Errorf("between days: %s: %w", q, err)
			}
		}
		fmt.Fprintf(out, "  between days: VACUUM ANALYZE of enrolments, attempts and links, then CHECKPOINT (what autovacuum and the night do): %s\n", time.Since(t0).Round(time.Millisecond))
	}
	next := o
	next.Day = day.AddDays(1)
	if _, err := run("plan next day (the daily run)", "daily", next); err != nil {
		pb = nil
		return nil, err
	}
	if *full {
		next.Day, next.Full = day.AddDays(2), true
		if _, err := run("plan day after, full pass (weekly)", "full", next); err != nil {
			pb = nil
			return nil, err
		}
	}
	if l, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(out, "  load average: %s", l)
	}
	fmt.Fprintf(out, "  peak RSS of the planning runs: %d MB\n", bench.PeakRSS()>>20)
	return pb, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

var benchUFs = []struct{ uf, city, zone string }{
	{"SP", "3550308", "America/Sao_Paulo"}, {"RJ", "3304557", "America/Sao_Paulo"}, {"MG", "3106200", "America/Sao_Paulo"},
	{"BA", "2927408", "America/Bahia"}, {"PR", "4106902", "America/Sao_Paulo"}, {"RS", "4314902", "America/Sao_Paulo"},
	{"PE", "2611606", "America/Recife"}, {"CE", "2304400", "America/Fortaleza"}, {"AM", "1302603", "America/Manaus"}, {"AL", "2704302", "America/Maceio"},
}

// benchLoad writes a deterministic portfolio shaped like the demo one: n
// debtors across ten UFs, a mobile and an e-mail each (every 10th has
// WhatsApp, every 50th opted out of SMS), one debt of three monthly
// installments whose first due date spreads from 30 days ahead to 120 days
// behind the day, the first installment paid for a third of them. It uses
// multi-row inserts in one transaction per table chunk.
func benchLoad(ctx context.Context, db *sqldb.DB, tenant domain.TenantID, n int, day date.Date) error {
	c, err := db.UpsertCreditor(ctx, tenant, domain.Creditor{ExtID: "bench", Name: "Banco Bench S.A.", Document: "11222333000181"})
	if err != nil {
		return err
	}
	p, err := db.UpsertPortfolio(ctx, tenant, domain.Portfolio{CreditorID: c.ID, ExtID: "bench", Name: "Bench"})
	if err != nil {
		return err
	}
	var base int64
	if err := db.SQL().QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM debtors`).Scan(&base); err != nil {
		return err
	}
	var dbase, ibase, cbase int64
	db.SQL().QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM debts`).Scan(&dbase)
	db.SQL().QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM installments`).Scan(&ibase)
	db.SQL().QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM contact_points`).Scan(&cbase)
	now := time.Now().UTC()
	// COPY wants a time for a DATE column; SQLite keeps the date's text.
	dateArg := func(d date.Date) any {
		if db.Postgres() {
			return d.In(time.UTC)
		}
		return d
	}
	// Blocks of debtors, each written table by table: COPY on PostgreSQL,
	// one transaction of multi-row inserts on SQLite.
	const per = 20000
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		k := end - start
		err := benchWrite(ctx, db, func(ins func(table string, cols []string, rows int, row func(i int) []any) error) error {
			if err := ins("debtors", []string{"id", "tenant_id", "ext_id", "kind", "document", "name", "name_key", "locale", "time_zone", "street", "number", "city", "municipality", "uf", "cep", "country", "created_at", "updated_at"}, k, func(i int) []any {
				x := start + i
				u := benchUFs[x%len(benchUFs)]
				name := fmt.Sprintf("Cliente %d da Silva", x)
				return []any{base + int64(x) + 1, int64(tenant), fmt.Sprintf("B%09d", x), "person", fmt.Sprintf("%011d", x), name, strings.ToLower(name), "pt-BR", u.zone, "Rua A", "1", "Cidade", u.city, u.uf, "01001000", "BR", now, now}
			}); err != nil {
				return err
			}
			if err := ins("contact_points", []string{"id", "tenant_id", "debtor_id", "kind", "value", "consent"}, 2*k, func(i int) []any {
				x := start + i/2
				id := base + int64(x) + 1
				if i%2 == 0 {
					kind, consent := "mobile", "unknown"
					if x%10 == 0 {
						kind = "whatsapp"
					}
					if x%50 == 7 {
						consent = "opted_out"
					}
					return []any{cbase + int64(start*2+i) + 1, int64(tenant), id, kind, fmt.Sprintf("+55119%08d", x), consent}
				}
				return []any{cbase + int64(start*2+i) + 1, int64(tenant), id, "email", fmt.Sprintf("c%d@example.com", x), "unknown"}
			}); err != nil {
				return err
			}
			if err := ins("debts", []string{"id", "tenant_id", "portfolio_id", "debtor_id", "contract_number", "product", "original_principal", "status", "created_at", "updated_at"}, k, func(i int) []any {
				x := start + i
				return []any{dbase + int64(x) + 1, int64(tenant), p.ID, base + int64(x) + 1, fmt.Sprintf("CT-%09d", x), []string{"credit_card", "personal_loan", "telecom", "retail"}[x%4], int64(300000), "open", now, now}
			}); err != nil {
				return err
			}
			return ins("installments", []string{"id", "tenant_id", "debt_id", "number", "due_date", "amount", "paid", "status"}, 3*k, func(i int) []any {
				x := start + i/3
				num := i%3 + 1
				first := day.AddDays(30 - int((uint64(x)*2654435761)%151))
				amount := int64(10000 + (x%97)*1500)
				paid, st := int64(0), "open"
				if num == 1 && x%3 == 0 {
					paid, st = amount, "paid"
				}
				return []any{ibase + int64(start*3+i) + 1, int64(tenant), dbase + int64(x) + 1, int64(num), dateArg(first.AddMonths(num - 1)), amount, paid, st}
			})
		})
		if err != nil {
			return err
		}
	}
	if db.Postgres() {
		// Explicit ids bypass the identity sequences: move them past the rows.
		for _, t := range []string{"debtors", "contact_points", "debts", "installments"} {
			if _, err := db.SQL().ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))`, t, t)); err != nil {
				return err
			}
		}
		if _, err := db.SQL().ExecContext(ctx, `ANALYZE`); err != nil {
			return err
		}
	} else if _, err := db.SQL().ExecContext(ctx, `ANALYZE`); err != nil {
		return err
	}
	return nil
}

// benchWrite runs f with an insert function: on PostgreSQL each call is a
// COPY on one connection, on SQLite multi-row inserts, all in one
// transaction.
func benchWrite(ctx context.Context, db *sqldb.DB, f func(ins func(table string, cols []string, rows int, row func(i int) []any) error) error) error {
	if db.Postgres() {
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error {
			pc := dc.(interface{ Conn() *pgx.Conn }).Conn()
			// The rows are consistent by construction: skipping the
			// foreign-key triggers (superuser only; ignored otherwise)
			// makes the load a fraction of its cost. Only the load.
			if _, err := pc.Exec(ctx, `SET session_replication_role = replica`); err == nil {
				defer pc.Exec(context.WithoutCancel(ctx), `RESET session_replication_role`)
			}
			return f(func(table string, cols []string, rows int, row func(i int) []any) error {
				i := 0
				_, err := pc.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
					if i == rows {
						return nil, nil
					}
					i++
					return row(i - 1), nil
				}))
				if err != nil {
					return fmt.Errorf("copy %s: %w", table, err)
				}
				return nil
			})
		})
	}
	// SQLite: multi-row inserts of 1,000 rows (cheaper than single-row
	// statements in modernc, which pay a call overhead per row).
	return db.Tx(ctx, func(tx *sql.Tx) error {
		return f(func(table string, cols []string, rows int, row func(i int) []any) error {
			tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
			args := make([]any, 0, 1000*len(cols))
			for start := 0; start < rows; start += 1000 {
				end := min(start+1000, rows)
				var b strings.Builder
				b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES ")
				args = args[:0]
				for i := start; i < end; i++ {
					if i > start {
						b.WriteByte(',')
					}
					b.WriteString(tuple)
					args = append(args, row(i)...)
				}
				if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
					return fmt.Errorf("insert into %s: %w", table, err)
				}
			}
			return nil
		})
	})
}

// cpuTime is this process's user+system CPU time: on a shared machine it
// says what the run cost when wall time says how busy the neighbours were.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func serverNote(db *sqldb.DB, since time.Duration) string {
	if !db.Postgres() {
		return ""
	}
	return fmt.Sprintf(" + %s CPU of the PostgreSQL server", (serverCPU() - since).Round(time.Millisecond))
}

// serverCPU sums the CPU time of the local PostgreSQL server's processes
// (Linux /proc): live processes' own time plus what the postmaster reaped
// from exited backends. It counts the whole server, neighbours' queries
// included; 0 when no postgres process is visible (a remote server).
func serverCPU() time.Duration {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	type proc struct {
		ppid             string
		own, reapedTicks int64
	}
	procs := map[string]proc{}
	for _, e := range ents {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		raw, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(raw)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open || s[open+1:close] != "postgres" {
			continue
		}
		// Fields after the name: state ppid … utime(11) stime(12)
		// cutime(13) cstime(14).
		f := strings.Fields(s[close+1:])
		if len(f) < 15 {
			continue
		}
		n := func(k int) int64 { v, _ := strconv.ParseInt(f[k], 10, 64); return v }
		procs[e.Name()] = proc{ppid: f[1], own: n(11) + n(12), reapedTicks: n(13) + n(14)}
	}
	var ticks int64
	for _, p := range procs {
		ticks += p.own
		if _, child := procs[p.ppid]; !child {
			ticks += p.reapedTicks // the postmaster: exited backends
		}
	}
	return time.Duration(ticks) * (time.Second / 100) // USER_HZ is 100 on Linux
}

// timedStore times the planner's bulk store calls (wall time summed over
// the workers, which overlap), so the bench can say where a run went.
type timedStore struct {
	*sqldb.DB
	mu sync.Mutex
	d  map[string]time.Duration
}

func (t *timedStore) add(name string, t0 time.Time) {
	t.mu.Lock()
	t.d[name] += time.Since(t0)
	t.mu.Unlock()
}

func (t *timedStore) PlanScan(ctx context.Context, tenant domain.TenantID, after, upto int64, day date.Date, full bool) ([]store.PlanRow, error) {
	defer t.add("scan", time.Now())
	return t.DB.PlanScan(ctx, tenant, after, upto, day, full)
}

func (t *timedStore) PlanFacts(ctx context.Context, tenant domain.TenantID, day date.Date, rows []store.PlanRow) error {
	defer t.add("facts", time.Now())
	return t.DB.PlanFacts(ctx, tenant, day, rows)
}

func (t *timedStore) PlanBound(ctx context.Context, tenant domain.TenantID, after int64, n int) (int64, bool, error) {
	defer t.add("bound", time.Now())
	return t.DB.PlanBound(ctx, tenant, after, n)
}

func (t *timedStore) PlanDebtors(ctx context.Context, tenant domain.TenantID, ids []int64) (map[int64]*store.PlanDebtor, error) {
	defer t.add("debtors", time.Now())
	return t.DB.PlanDebtors(ctx, tenant, ids)
}

func (t *timedStore) PlanHistory(ctx context.Context, tenant domain.TenantID, debtorIDs, enrolmentIDs []int64, since time.Time) ([]store.PlanHistory, map[int64]map[string]string, error) {
	defer t.add("history", time.Now())
	return t.DB.PlanHistory(ctx, tenant, debtorIDs, enrolmentIDs, since)
}

func (t *timedStore) PlanWrite(ctx context.Context, tenant domain.TenantID, as []store.Attempt, links []store.TrackedLink, next map[date.Date][]int64) (int, error) {
	defer t.add("write", time.Now())
	return t.DB.PlanWrite(ctx, tenant, as, links, next)
}

func (t *timedStore) report() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	for _, k := range []string{"facts", "debtors", "history", "write"} {
		if t.d[k] > 0 {
			fmt.Fprintf(&b, " %s %s", k, t.d[k].Round(time.Millisecond))
		}
	}
	t.d = map[string]time.Duration{}
	return strings.TrimSpace(b.String())
}
