package dispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/channel/sink"
	"github.com/regua/regua/internal/dispatch"
	"github.com/regua/regua/internal/dispatch/dispatchbench"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// The crash test runs dispatch workers as child processes of the test
// binary: with this variable set, TestMain runs a worker instead of tests.
const envWorker = "REGUA_DISPATCH_TEST_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(envWorker) != "" {
		os.Exit(crashWorker())
	}
	os.Exit(m.Run())
}

// crashWorker dispatches until killed (or a minute passes, so that no
// orphan outlives a failed test). Its clock is dispatchbench.Clock plus
// the real time since the parent's start, the same in every process, so
// that leases written by a killed worker expire for the next one.
func crashWorker() int {
	start, _ := strconv.ParseInt(os.Getenv("REGUA_TEST_T0"), 10, 64)
	t0 := time.Unix(0, start)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := sqldb.Open(ctx, os.Getenv("REGUA_TEST_DSN"), false)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	url := os.Getenv("REGUA_TEST_SINK")
	chans := map[string]channel.Channel{}
	for _, ch := range dispatchbench.Channels {
		chans[ch] = channel.NewHTTP("sink", url)
	}
	d, err := dispatch.New(db, dispatch.Options{Channels: chans, Batch: 25, Loops: 2, Sends: 4, Lease: time.Second, Idle: 20 * time.Millisecond,
		Now: func() time.Time { return dispatchbench.Clock.Add(time.Since(t0)) }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	d.Run(ctx)
	return 0
}

// TestCrashSafety kills two worker processes with SIGKILL at random
// moments while they dispatch to a real HTTP sink, restarts them, and
// checks that every attempt was delivered, recorded as sent once, with one
// timeline event, and that re-sends carried the same idempotency key.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	t.Run("postgres", func(t *testing.T) { crashSafety(t, storetest.PostgresURL(t), 1500, 3*time.Second) })
	// SQLite: the two processes share the file's one writer.
	t.Run("sqlite", func(t *testing.T) { crashSafety(t, filepath.Join(t.TempDir(), "crash.db"), 600, 2*time.Second) })
}

func crashSafety(t *testing.T, dsn string, n int, killFor time.Duration) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tenant, err := dispatchbench.Seed(ctx, db, "crash", n)
	if err != nil {
		t.Fatal(err)
	}
	sk := sink.New(n)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A provider's latency widens the window between send and record,
		// where a kill leaves a message delivered but not recorded.
		time.Sleep(time.Duration(1+rand.IntN(4)) * time.Millisecond)
		sk.ServeHTTP(w, r)
	}))
	defer srv.Close()

	t0 := time.Now()
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envWorker+"=1", "REGUA_TEST_DSN="+dsn, "REGUA_TEST_SINK="+srv.URL, "REGUA_TEST_T0="+strconv.FormatInt(t0.UnixNano(), 10))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	workers := []*exec.Cmd{start(), start()}
	defer func() {
		for _, w := range workers {
			w.Process.Kill()
			w.Wait()
		}
	}()
	left := func() int {
		var k int
		if err := db.SQL().QueryRow(db.Rebind(`SELECT COUNT(*) FROM attempts WHERE tenant_id = ? AND status <> 'sent'`), tenant).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	kills := 0
	killUntil := time.Now().Add(killFor)
	for time.Now().Before(killUntil) && left() > 0 {
		time.Sleep(time.Duration(30+rand.IntN(200)) * time.Millisecond)
		i := rand.IntN(len(workers))
		workers[i].Process.Kill() // SIGKILL: no deferred code runs
		workers[i].Wait()
		kills++
		workers[i] = start()
	}
	deadline := time.Now().Add(20 * time.Second)
	for left() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d attempts still not sent 20 s after the last kill", left())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Every attempt delivered: the sink holds each idempotency key, and
	// the attempt's provider reference is the sink's id for that key.
	keys := sk.Keys()
	rows, err := db.SQL().Query(db.Rebind(`SELECT id, channel, provider_ref, payload FROM attempts WHERE tenant_id = ?`), tenant)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for rows.Next() {
		var id int64
		var ch, ref, payload string
		if err := rows.Scan(&id, &ch, &ref, &payload); err != nil {
			t.Fatal(err)
		}
		seen++
		var p journey.Payload
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			t.Fatal(err)
		}
		sid, found := keys[ch+"\x00"+p.IdempotencyKey]
		found = found && sid == ref
		if !found {
			t.Errorf("attempt %d: provider ref %q is not the message the sink accepted for its key (%q)", id, ref, sid)
		}
	}
	rows.Close()
	if seen != n || len(keys) != n {
		t.Errorf("attempts %d, distinct messages at the sink %d; want %d each", seen, len(keys), n)
	}
	// Recorded once: one "contacted" event per attempt (one attempt per debtor).
	var events, debtors int
	db.SQL().QueryRow(db.Rebind(`SELECT COUNT(*), COUNT(DISTINCT debtor_id) FROM events WHERE tenant_id = ? AND kind = 'contacted'`), tenant).Scan(&events, &debtors)
	if events != n || debtors != n {
		t.Errorf("%d contacted events over %d debtors; want %d and %d", events, debtors, n, n)
	}
	st := sk.Stats()
	t.Logf("%d attempts, %d kills in %v; sink: %d requests, %d distinct, %d re-sent with the same key (absorbed by idempotency)", n, kills, time.Since(t0).Round(time.Millisecond), st.Requests, st.Unique, st.Duplicates)
}
