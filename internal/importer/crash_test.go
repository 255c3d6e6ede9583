package importer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Environment of the child process of TestCrashInTheMiddle.
const (
	envCrashDB  = "REGUA_IMPORTER_CRASH_DB"
	envCrashCSV = "REGUA_IMPORTER_CRASH_CSV"
)

// TestCrashInTheMiddle kills (SIGKILL) an import running in another process
// after some batches committed, checks the SQLite file is consistent, runs
// the import again and compares the result with a clean import.
func TestCrashInTheMiddle(t *testing.T) {
	if os.Getenv(envCrashDB) != "" {
		crashChild(t)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "carteira.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	total := writeGenCSV(f, 30000, 11)
	f.Close()

	dbPath := filepath.Join(dir, "crash.db")
	setup := openTargetAt(t, dbPath, true)
	setup.db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashInTheMiddle$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashDB+"="+dbPath, envCrashCSV+"="+csvPath)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	committed, batches := 0, 0
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "committed "); ok {
			committed, _ = strconv.Atoi(n)
			if batches++; batches == 3 {
				cmd.Process.Kill() // SIGKILL: no deferred code, no rollback
				break
			}
		}
	}
	cmd.Wait()
	if batches < 3 {
		t.Fatalf("child ended after %d batches", batches)
	}

	// The file is consistent, holds whole batches, and the run is unfinished.
	tg := openTargetAt(t, dbPath, false)
	var check string
	if err := tg.db.SQL().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	rows, err := tg.db.SQL().Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check found orphans")
	}
	rows.Close()
	before := tg.count(t, "installments")
	if before < committed || before >= total {
		t.Fatalf("after the kill: %d installments, %d reported committed of %d", before, committed, total)
	}
	runs, err := tg.db.ImportRuns(context.Background(), tg.tenant, 5)
	if err != nil || len(runs) != 1 || !runs[0].FinishedAt.IsZero() {
		t.Errorf("runs after the kill: %+v %v", runs, err)
	}

	// Running the same file again completes it.
	s, err := tg.runFile(t, csvPath, Options{BatchSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	if s.Read != total || s.Rejected != 0 || s.Inserted != total-before || s.Unchanged != before || s.Updated != 0 {
		t.Errorf("re-run: read %d, %+v; %d were in before", s.Read, s.ImportCounts, before)
	}
	var dups int
	tg.db.SQL().QueryRow("SELECT count(*) FROM (SELECT debt_id, number FROM installments GROUP BY debt_id, number HAVING count(*) > 1)").Scan(&dups)
	if dups != 0 {
		t.Errorf("%d duplicated installments", dups)
	}

	clean := openTarget(t)
	if _, err := clean.runFile(t, csvPath, Options{BatchSize: 500}); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"debtors", "contact_points", "debts", "installments", "events"} {
		if got, want := tg.count(t, table), clean.count(t, table); got != want {
			t.Errorf("%s: %d after crash and re-run, %d after a clean import", table, got, want)
		}
	}
}

// crashChild is the import the parent kills.
func crashChild(t *testing.T) {
	tg := openTargetAt(t, os.Getenv(envCrashDB), false)
	_, err := tg.runFile(t, os.Getenv(envCrashCSV), Options{BatchSize: 500, Progress: func(p Progress) {
		fmt.Printf("committed %d\n", p.Rows)
	}})
	if err != nil {
		t.Fatal(err)
	}
}
