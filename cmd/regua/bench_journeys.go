package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/store/sqldb"
)

// `regua bench journeys-plan` measures the planning half of the daily
// engine; the dispatch half registers its own bench and may call
// benchJourneysPlan first to get a planned queue.
func init() {
	registerBench("journeys-plan", func(ctx context.Context, env *cliEnv, args []string) error {
		_, err := benchJourneysPlan(ctx, env, args)
		return err
	})
}

// PlanBench is what benchJourneysPlan leaves behind for a caller that
// continues (dispatch): the open store and the tenant planned.
type PlanBench struct {
	DB     *sqldb.DB
	Tenant domain.TenantID
	Result planner.Result
}

func benchJourneysPlan(ctx context.Context, env *cliEnv, args []string) (*PlanBench, error) {
	fs := newFlagSet(env, "bench journeys-plan")
	dsn := fs.String("db", envDefault(env, "bench-db", ""), "database (default: a fresh SQLite file in a temporary directory); a postgres:// URL must name an empty database")
	n := fs.Int("n", 20000, "debtors (each with one debt of 3 installments, one enrolment)")
	chunk := fs.Int("chunk", 5000, "enrolments per planner chunk")
	workers := fs.Int("workers", 0, "planner workers (default: CPUs)")
	dayS := fs.String("day", "2026-11-24", "day planned")
	keep := fs.Bool("keep", false, "keep the SQLite file")
	if _, err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	day, err := date.Parse(*dayS)
	if err != nil {
		return nil, usagef("--day: %v", err)
	}
	if *dsn == "" {
		dir, err := os.MkdirTemp("", "regua-bench-journeys-")
		if err != nil {
			return nil, err
		}
		if !*keep {
			defer os.RemoveAll(dir)
		}
		*dsn = filepath.Join(dir, "bench.db")
	}
	db, err := openStore(ctx, *dsn)
	if err != nil {
		return nil, err
	}
	ten, err := db.CreateTenant(ctx, fmt.Sprintf("bench-%d", time.Now().UnixNano()))
	if err != nil {
		return nil, err
	}
	out := env.stdout
	fmt.Fprintf(out, "bench journeys-plan: store %s, %d debtors, day %s, chunk %d, workers %d, GOMAXPROCS %d, %s\n",
		db.Dialect(), *n, day, *chunk, max(*workers, runtime.GOMAXPROCS(0)*boolInt(*workers == 0)), runtime.GOMAXPROCS(0), runtime.Version())
	t0 := time.Now()
	if err := benchLoad(ctx, db, ten.ID, *n, day); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	fmt.Fprintf(out, "  load portfolio (%d debtors, %d contacts, %d debts, %d installments): %s\n", *n, 2**n, *n, 3**n, time.Since(t0).Round(time.Millisecond))
	if _, err := LoadDemoJourneys(ctx, db, ten.ID); err != nil {
		return nil, err
	}
	t0 = time.Now()
	er, err := planner.Enrol(ctx, db, ten.ID, day, 0)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "  enrol: %d enrolments in %s (%v)\n", er.Enrolled, time.Since(t0).Round(time.Millisecond), er.ByJourney)
	runtime.GC()
	o := planner.Options{Day: day, Chunk: *chunk, Workers: *workers}
	cpu0 := cpuTime()
	r, err := planner.Plan(ctx, db, ten.ID, o)
	if err != nil {
		return nil, err
	}
	cpu1 := cpuTime()
	fmt.Fprintf(out, "  plan day: %d active enrolments scanned, %d due a step, %d attempts planned, %d stopped, %d paused, %d chunks in %s wall, %s CPU of this process (%.0f enrolments/s wall)\n",
		r.Scanned, r.Candidates, r.Planned, r.Stopped, r.Paused, r.Chunks, r.Took.Round(time.Millisecond), (cpu1 - cpu0).Round(time.Millisecond), float64(r.Scanned)/r.Took.Seconds())
	r2, err := planner.Plan(ctx, db, ten.ID, o)
	if err != nil {
		return nil, err
	}
	cpu2 := cpuTime()
	fmt.Fprintf(out, "  plan again (idempotent): %d enrolments read, %d attempts inserted, in %s wall, %s CPU\n", r2.Scanned, r2.Planned, r2.Took.Round(time.Millisecond), (cpu2 - cpu1).Round(time.Millisecond))
	next := o
	next.Day = day.AddDays(1)
	r3, err := planner.Plan(ctx, db, ten.ID, next)
	if err != nil {
		return nil, err
	}
	cpu3 := cpuTime()
	fmt.Fprintf(out, "  plan next day (daily run: only enrolments whose next check came): %d read, %d due a step, %d attempts planned, in %s wall, %s CPU\n",
		r3.Scanned, r3.Candidates, r3.Planned, r3.Took.Round(time.Millisecond), (cpu3 - cpu2).Round(time.Millisecond))
	next.Day, next.Full = day.AddDays(2), true
	r4, err := planner.Plan(ctx, db, ten.ID, next)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "  plan day after, full pass (weekly): %d read, %d due a step, %d attempts planned, in %s wall, %s CPU\n",
		r4.Scanned, r4.Candidates, r4.Planned, r4.Took.Round(time.Millisecond), (cpuTime() - cpu3).Round(time.Millisecond))
	if l, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(out, "  load average: %s", l)
	}
	fmt.Fprintf(out, "  peak RSS: %s\n", peakRSS())
	return &PlanBench{DB: db, Tenant: ten.ID, Result: r}, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// peakRSS reads VmHWM from /proc (Linux); elsewhere it says so.
func peakRSS() string {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown (no /proc)"
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "unknown"
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
	const per = 1000
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			ins := func(table string, cols []string, rows int, row func(i int) []any) error {
				var b strings.Builder
				b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES ")
				args := make([]any, 0, rows*len(cols))
				tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
				for i := 0; i < rows; i++ {
					if i > 0 {
						b.WriteByte(',')
					}
					b.WriteString(tuple)
					args = append(args, row(i)...)
				}
				_, err := tx.ExecContext(ctx, db.Rebind(b.String()), args...)
				return err
			}
			k := end - start
			if err := ins("debtors", []string{"id", "tenant_id", "ext_id", "kind", "document", "name", "name_key", "locale", "time_zone", "street", "number", "city", "municipality", "uf", "cep", "country", "created_at", "updated_at"}, k, func(i int) []any {
				x := start + i
				u := benchUFs[x%len(benchUFs)]
				name := fmt.Sprintf("Cliente %d da Silva", x)
				return []any{base + int64(x) + 1, tenant, fmt.Sprintf("B%09d", x), "person", fmt.Sprintf("%011d", x), name, strings.ToLower(name), "pt-BR", u.zone, "Rua A", "1", "Cidade", u.city, u.uf, "01001000", "BR", now, now}
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
					return []any{cbase + int64(start*2+i) + 1, tenant, id, kind, fmt.Sprintf("+55119%08d", x), consent}
				}
				return []any{cbase + int64(start*2+i) + 1, tenant, id, "email", fmt.Sprintf("c%d@example.com", x), "unknown"}
			}); err != nil {
				return err
			}
			if err := ins("debts", []string{"id", "tenant_id", "portfolio_id", "debtor_id", "contract_number", "product", "original_principal", "status", "created_at", "updated_at"}, k, func(i int) []any {
				x := start + i
				return []any{dbase + int64(x) + 1, tenant, p.ID, base + int64(x) + 1, fmt.Sprintf("CT-%09d", x), []string{"credit_card", "personal_loan", "telecom", "retail"}[x%4], 300000, "open", now, now}
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
				return []any{ibase + int64(start*3+i) + 1, tenant, dbase + int64(x) + 1, num, first.AddMonths(num - 1), amount, paid, st}
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

// cpuTime is this process's user+system CPU time: on a shared machine it
// says what the run cost when wall time says how busy the neighbours were.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
