package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestBenchCNAB runs the whole CNAB benchmark small: a return file settling
// every boleto issued books each once, in batches large enough that
// PostgreSQL books them in two parts at once and writes payments and
// receipts by COPY, and the same file again books nothing. The floor
// books the file again on a copy of the template by SQL alone and writes
// what regua's run wrote.
func TestBenchCNAB(t *testing.T) {
	// The floor needs the template to copy: refused before any work.
	if code, _, errOut := runCLI(t, "bench", "cnab", "--floor"); code != 2 || !regexp.MustCompile(`--floor .*--template`).MatchString(errOut) {
		t.Errorf("--floor without --template: code %d, %q", code, errOut)
	}
	dir := t.TempDir()
	targets := map[string]string{"sqlite": dir}
	templates := map[string]string{"sqlite": filepath.Join(dir, "template.db")}
	if u := os.Getenv("REGUA_TEST_POSTGRES_URL"); u != "" {
		targets["postgres"] = u
		b := make([]byte, 4)
		rand.Read(b)
		templates["postgres"] = "regua_test_cnab_template_" + hex.EncodeToString(b)
		t.Cleanup(func() {
			ctx := context.Background()
			if c, err := pgx.Connect(ctx, u); err == nil {
				c.Exec(ctx, "DROP DATABASE IF EXISTS "+templates["postgres"]+" WITH (FORCE)")
				c.Close(ctx)
			}
		})
	}
	for name, target := range targets {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "bench", "cnab", "--db", target, "--template", templates[name], "--records", "2200", "--batch", "1100", "--parts", "2", "--statements", "--floor")
			if code != 0 {
				t.Fatalf("code %d\n%s\n%s", code, out, errOut)
			}
			m := regexp.MustCompile(`parse \+ reconcile: (\d+) settlements, (\d+) booked \(R\$ [\d.,]+\), (\d+) installments paid, (\d+) queued, (\d+) receipts planned`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no result line:\n%s", out)
			}
			n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
			if n(1) != 2200 || n(2) != 2200 || n(3) != 2200 || n(4) != 0 || n(5) == 0 || n(5) > 2200 {
				t.Errorf("result %q", m[0])
			}
			if !regexp.MustCompile(`the same file again: already booked=true, 0 booked`).MatchString(out) {
				t.Errorf("second run:\n%s", out)
			}
			f := regexp.MustCompile(`floor, the same batches booked by set-based SQL inside the store \(no client between statements, (\d) connection\(s\)\): 2200 of 2200 settlements booked, (\d+) receipts planned, \d+ attempts cancelled`).FindStringSubmatch(out)
			if f == nil || f[2] != m[5] || regexp.MustCompile(`regua's run booked`).MatchString(out) {
				t.Errorf("floor did not write what regua wrote:\n%s", out)
			} else if want := map[string]string{"sqlite": "1", "postgres": "2"}[name]; f[1] != want {
				t.Errorf("floor on %s connections, want %s (as regua's parts)", f[1], want)
			}
			if name == "postgres" && !regexp.MustCompile(`COPY payments`).MatchString(out) {
				t.Errorf("payments not written by COPY:\n%s", out)
			}
			// The split by debtor is its own statement.
			if name == "postgres" && !regexp.MustCompile(`SELECT our_number, debtor_id FROM charges`).MatchString(out) {
				t.Errorf("batches not split by debtor:\n%s", out)
			}
			if name == "postgres" && !regexp.MustCompile(`WAL written by the server meanwhile: \S+ MB, \d+ full-page images`).MatchString(out) {
				t.Errorf("no WAL line:\n%s", out)
			}
		})
	}
}
