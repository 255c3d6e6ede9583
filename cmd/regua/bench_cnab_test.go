package main

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestBenchCNAB runs the whole CNAB benchmark small: a return file settling
// every boleto issued books each once, in batches large enough that
// PostgreSQL books them in two parts at once and writes payments and
// receipts by COPY, and the same file again books nothing.
func TestBenchCNAB(t *testing.T) {
	targets := map[string]string{"sqlite": t.TempDir()}
	if u := os.Getenv("REGUA_TEST_POSTGRES_URL"); u != "" {
		targets["postgres"] = u
	}
	for name, target := range targets {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "bench", "cnab", "--db", target, "--records", "2200", "--batch", "1100", "--parts", "2", "--statements", "--floor")
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
			if !regexp.MustCompile(`floor, the database alone in one statement each: 2200 payments copied with their indexes in \S+, 2200 installments rewritten`).MatchString(out) {
				t.Errorf("floor:\n%s", out)
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
