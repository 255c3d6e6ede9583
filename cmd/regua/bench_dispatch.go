package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/bench"
	"github.com/regua/regua/internal/channel/sink"
	"github.com/regua/regua/internal/dispatch/dispatchbench"
)

// `regua bench dispatch` measures dispatch end to end: attempts planned
// in the store, worker processes (`regua queue work`) claiming, deciding
// with the contact policy, sending over HTTP to a local sink and recording
// results and timeline events; then the same number of rows moved by one
// bare UPDATE … RETURNING loop, as the floor.
func init() {
	registerBench("dispatch", benchDispatch)
}

func benchDispatch(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "bench dispatch")
	target := fs.String("db", envDefault(env, "bench-db", ""), "postgres:// server URL (a fresh database is created and dropped) or a directory for a SQLite file (default: a temporary one)")
	n := fs.Int("n", 20000, "attempts (one per debtor)")
	procs := fs.Int("procs", 2, "worker processes")
	batch := fs.Int("batch", 500, "attempts per claim")
	loops := fs.Int("loops", 4, "claim loops per process")
	sends := fs.Int("sends", 64, "sends in flight per loop")
	bin := fs.String("worker-bin", "", "regua binary for the worker processes (default: this one)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of worker process i to PREFIX-worker<i>.pprof")
	history := fs.Int("history", 0, "PostgreSQL: also give each debtor this many attempts sent a month or more ago (a worked book's attempts table)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		*bin = exe
	}
	db, dsn, cleanup, err := bench.FreshDB(ctx, *target, "dispatch")
	if err != nil {
		return err
	}
	defer cleanup()
	out := env.stdout
	fmt.Fprintf(out, "bench dispatch: store %s, %d attempts (channels %s in turn, one per debtor), %d worker processes × %d loops, batch %d, %d sends in flight per loop, HTTP sink on loopback, simulated clock %s (10:00 in São Paulo), GOMAXPROCS %d, %d CPUs, %s\n",
		db.Engine(), *n, strings.Join(dispatchbench.Channels, "/"), *procs, *loops, *batch, *sends, dispatchbench.Clock.Format(time.RFC3339), runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.Version())
	t0 := time.Now()
	tenant, err := dispatchbench.Seed(ctx, db, "bench-dispatch", *n)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  seed %d debtors and attempts: %s\n", *n, time.Since(t0).Round(time.Millisecond))
	if *history > 0 {
		t0 = time.Now()
		h, err := dispatchbench.SeedHistory(ctx, db, tenant, *history)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  seed %d earlier attempts, sent a month or more ago (%d per debtor; table not analyzed since): %s\n", h, *history, time.Since(t0).Round(time.Millisecond))
	}

	sk := sink.New(1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sk}
	go srv.Serve(ln)
	defer srv.Close()

	pgCPU, pgOK := dispatchbench.PostgresCPU(ctx, db)
	var pg0 time.Duration
	if pgOK {
		pg0 = pgCPU()
	}
	load0, machine0, self0 := dispatchbench.Load(), dispatchbench.MachineCPU(), bench.CPUTime()
	start := time.Now()
	cmds := make([]*exec.Cmd, *procs)
	for i := range cmds {
		args := []string{"queue", "work", "--db", dsn, "--channel-url", "http://" + ln.Addr().String(), "--until-empty",
			"--batch", strconv.Itoa(*batch), "--loops", strconv.Itoa(*loops), "--sends", strconv.Itoa(*sends),
			"--clock", dispatchbench.Clock.Format(time.RFC3339), "--clock-origin", strconv.FormatInt(start.UnixNano(), 10), "--log-level", "warn"}
		if *cpuProfile != "" {
			args = append(args, "--cpuprofile", fmt.Sprintf("%s-worker%d.pprof", *cpuProfile, i+1))
		}
		cmd := exec.CommandContext(ctx, *bin, args...)
		cmd.Env = os.Environ()
		cmd.Stderr = env.stderr
		var buf strings.Builder
		cmd.Stdout = &buf
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start worker %s: %w", *bin, err)
		}
		cmds[i] = cmd
		defer func() {
			if cmd.ProcessState == nil {
				cmd.Process.Kill()
				cmd.Wait()
			}
		}()
	}
	var stats []string
	var workersCPU time.Duration
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		workersCPU += cpu
		stats = append(stats, fmt.Sprintf("CPU %s; %s", cpu.Round(time.Millisecond), strings.TrimSpace(cmd.Stdout.(*strings.Builder).String())))
	}
	took := time.Since(start)
	machine, sinkCPU, load1 := dispatchbench.MachineCPU()-machine0, bench.CPUTime()-self0, dispatchbench.Load()
	var pgUsed time.Duration
	if pgOK {
		// The workers' connections have closed; give the postmaster a
		// moment to reap their backends, whose CPU time it then holds.
		time.Sleep(300 * time.Millisecond)
		pgUsed = pgCPU() - pg0
	}
	var sent, events int
	// Sent by this run (earlier attempts of --history were sent a month ago).
	recent := dispatchbench.Clock.Add(-time.Hour)
	db.SQL().QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM attempts WHERE tenant_id = ? AND status = 'sent' AND sent_at >= ?`), tenant, recent).Scan(&sent)
	db.SQL().QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM events WHERE tenant_id = ? AND kind = 'contacted'`), tenant).Scan(&events)
	st := sk.Stats()
	rate := float64(sent) / took.Seconds()
	fmt.Fprintf(out, "  dispatch: %d sent, %d timeline events, sink %d requests / %d messages, in %s (including process start): %.0f attempts/s\n",
		sent, events, st.Requests, st.Unique, took.Round(time.Millisecond), rate)
	for i, s := range stats {
		fmt.Fprintf(out, "    worker %d: %s\n", i+1, s)
	}
	per := func(d time.Duration) string {
		if sent == 0 {
			return "-"
		}
		return (d / time.Duration(sent)).Round(time.Microsecond / 10).String()
	}
	pgS := "not measured (server not local)"
	if !db.Postgres() {
		pgS = "none (SQLite runs inside the workers)"
	} else if pgOK {
		pgS = fmt.Sprintf("%s (%s per attempt)", pgUsed.Round(time.Millisecond), per(pgUsed))
	}
	fmt.Fprintf(out, "  CPU: workers %s (%s per attempt), PostgreSQL backends %s, this process (sink, HTTP server) %s; machine busy %s of %s (%d CPUs × wall); load %s → %s\n",
		workersCPU.Round(time.Millisecond), per(workersCPU), pgS, sinkCPU.Round(time.Millisecond), machine.Round(time.Millisecond),
		(took * time.Duration(runtime.NumCPU())).Round(time.Millisecond), runtime.NumCPU(), load0, load1)
	if sent != *n {
		return fmt.Errorf("only %d of %d attempts sent", sent, *n)
	}

	// Baseline: put the rows back and move them with the bare loop.
	if _, err := db.Exec(ctx, `UPDATE attempts SET status = 'planned', sent_at = NULL WHERE tenant_id = ? AND status = 'sent' AND sent_at >= ?`, tenant, recent); err != nil {
		return err
	}
	bm0, b0 := dispatchbench.MachineCPU(), time.Now()
	moved, err := dispatchbench.Baseline(ctx, db, tenant, *batch)
	if err != nil {
		return err
	}
	btook, bmachine := time.Since(b0), dispatchbench.MachineCPU()-bm0
	brate := float64(moved) / btook.Seconds()
	fmt.Fprintf(out, "  baseline: %d rows moved by one UPDATE … RETURNING loop (batch %d) in %s: %.0f rows/s; machine busy %s; load %s\n",
		moved, *batch, btook.Round(time.Millisecond), brate, bmachine.Round(time.Millisecond), dispatchbench.Load())
	fmt.Fprintf(out, "  ratio dispatch/baseline: %.3f (dispatch takes %.1f× the bare row moves' time)\n", rate/brate, brate/rate)
	return nil
}
