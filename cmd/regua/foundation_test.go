package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDemoImportAndServe(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	code, out, errOut := runCLI(t, "demo", "--db", db, "--no-serve", "--debtors", "60", "--seed", "3", "--as-of", "2026-11-24", "--csv", filepath.Join(dir, "demo.csv"))
	if code != 0 || !strings.Contains(out, "Loaded 60 debtors") {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	// A second run finds the data and leaves it alone.
	code, out, _ = runCLI(t, "demo", "--db", db, "--no-serve")
	if code != 0 || strings.Contains(out, "Loaded") {
		t.Fatalf("demo again: %d %s", code, out)
	}

	tests := []struct {
		args             []string
		code             int
		wantOut, wantErr string
	}{
		{[]string{"import", "--db", db, "--tenant", "Régua Demo Assessoria de Cobrança", "--portfolio", "new-cards", "--creditor", "Banco Novo", "--quiet", "../../testdata/sample-portfolio.csv"}, 0, "inserted              27", ""},
		{[]string{"import", "--db", db, "--tenant", "Régua Demo Assessoria de Cobrança", "--portfolio", "new-cards", "--quiet", "../../testdata/sample-portfolio.csv"}, 0, "unchanged             27", ""},
		{[]string{"import", "--db", db, "--tenant", "Régua Demo Assessoria de Cobrança", "--portfolio", "new-cards", "--quiet", "--rejects", filepath.Join(dir, "rej.csv"), "../../testdata/sample-portfolio-with-errors.csv"}, 0, "line 14, cpf_cnpj", ""},
		{[]string{"import", "--db", db, "--tenant", "nope", "--portfolio", "x", "a.csv"}, 2, "", `no such tenant`},
		{[]string{"import", "--db", db, "--tenant", "Régua Demo Assessoria de Cobrança", "--portfolio", "unknown", "../../testdata/sample-portfolio.csv"}, 2, "", "give --creditor"},
		{[]string{"import", "--db", db}, 2, "", "want one file"},
		{[]string{"import", "--db", db, "--tenant", "Régua Demo Assessoria de Cobrança", "--portfolio", "new-cards", "--quiet", "main.go"}, 1, "refused", ""},
		{[]string{"migrate", "--db", db}, 0, "schema version", ""},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
			t.Errorf("regua %v: code %d\nout: %s\nerr: %s", tt.args, code, out, errOut)
		}
	}

	// serve answers /healthz, /metrics and the login page, and stops when its context ends.
	s, err := openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	env := &cliEnv{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	go func() {
		done <- serve(ctx, env, slog.New(slog.NewTextHandler(io.Discard, nil)), s, &serveOptions{addr: "127.0.0.1:0", roles: "web"}, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start")
	}
	for path, want := range map[string]string{"/healthz": "ok", "/metrics": "go_goroutines", "/login": "<form", "/reconcile": "<form"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(b.String(), want) {
			t.Errorf("GET %s: %d %.200s", path, resp.StatusCode, b.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v after shutdown", err)
	}
	if code, _, errOut := runCLI(t, "serve", "--db", db, "--roles", "bogus"); code != 2 || !strings.Contains(errOut, "unknown role") {
		t.Errorf("bad role: %d %s", code, errOut)
	}
}

func TestRedactDSN(t *testing.T) {
	if got := redactDSN("postgres://u:secret@h/db"); got != "postgres://u:***@h/db" {
		t.Errorf("redact: %s", got)
	}
}
