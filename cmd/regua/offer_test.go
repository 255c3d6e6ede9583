package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testPolicy = "../../internal/offer/testdata/policy.json"

func TestOfferSimulate(t *testing.T) {
	args := []string{"offer", "simulate", "--principal", "1500,00", "--due", "2026-05-10", "--as-of", "2026-11-24", "--fine", "2%", "--interest", "1%am", "--policy", testPolicy}
	code, out, errOut := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Multa de 2% sobre R$ 1.500,00: R$ 30,00 (trinta reais).",
		"Total devido em 24/11/2026: R$ 1.629,00",
		"1. Pagamento à vista",
		"Pague R$ 1.509,90 até 27/11/2026",
		"Entrada + 3 parcelas",
		"due_date_change: só para um primeiro atraso curto: 198 dias de atraso",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCLI(t, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("--json exit %d: %s", code, errOut)
	}
	var menu struct {
		Owed   string `json:"owed"`
		Offers []struct {
			Kind  string `json:"kind"`
			Total string `json:"total"`
			Text  string `json:"text"`
		} `json:"offers"`
		Breakdown struct {
			Open map[string]string `json:"open"`
		} `json:"breakdown"`
		Words []string `json:"words"`
	}
	if err := json.Unmarshal([]byte(out), &menu); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out)
	}
	if menu.Owed != "1629.00" || menu.Offers[0].Kind != "full" || menu.Offers[0].Total != "1509.90" || menu.Breakdown.Open["interest"] != "99.00" || len(menu.Words) == 0 || menu.Offers[0].Text == "" {
		t.Errorf("JSON menu %+v", menu)
	}
}

func TestOfferSimulateExtras(t *testing.T) {
	dir := t.TempDir()
	ipca := filepath.Join(dir, "ipca.csv")
	if err := os.WriteFile(ipca, []byte("2026-05;0,26\n2026-06;0,24\n2026-07;0,26\n2026-08;-0,11\n2026-09;0,48\n2026-10;0,09\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "offer", "simulate", "--principal", "1500,00", "--due", "2026-05-10", "--as-of", "2026-11-24",
		"--fine", "2%", "--interest", "1%am", "--compound", "--correction-index", ipca, "--paid", "500,00@2026-07-10", "--locale", "en", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"correction": "`) || !strings.Contains(out, "Monetary correction by IPCA") || !strings.Contains(out, "already paid") {
		t.Errorf("output:\n%s", out)
	}
	// A month missing from the index table is named.
	code, _, errOut = runCLI(t, "offer", "simulate", "--principal", "1500,00", "--due", "2026-05-10", "--as-of", "2026-12-24",
		"--fine", "2%", "--interest", "1%am", "--correction-index", ipca)
	if code != 1 || !strings.Contains(errOut, "IPCA has no value for 2026-11") {
		t.Errorf("missing month: %d %s", code, errOut)
	}
}

func TestOfferSimulateRebate(t *testing.T) {
	code, out, errOut := runCLI(t, "offer", "simulate", "--principal", "1000,00", "--due", "2027-01-23", "--as-of", "2026-11-24",
		"--fine", "2%", "--interest", "1%am", "--contract-rate", "2%am", "--rebate-future", "--caps", "br-bank", "--policy", testPolicy)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Due in 60 days at 2% a.m.: 1.000/1,02² = 961,17 settles it today.
	if !strings.Contains(out, "desconto de R$ 38,83") || !strings.Contains(out, "devido hoje R$ 961,17") {
		t.Errorf("output:\n%s", out)
	}
}

func TestOfferSimulateDebtsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "debts.json")
	doc := `[
	  {"id": "C-1", "product": "credit_card", "terms": {"fine": "2%", "interest": "1%am", "caps": "br-card"},
	   "installments": [{"number": 1, "due": "2026-05-10", "amount": "1500,00"}, {"number": 2, "due": "2026-06-10", "amount": "1500,00"}]},
	  {"id": "T-7", "product": "telecom", "terms": {"fine": "2%", "interest": "1%am"},
	   "installments": [{"number": 4, "due": "2026-10-15", "amount": "99,90"}]}
	]`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "offer", "simulate", "--debts", path, "--as-of", "2026-11-24", "--policy", testPolicy, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// 1.629,00 + 1.500 + 30 + 1.500 × 1% × 167/30 (83,50) + 99,90 + 1,99
	// (2% of 99,90 rounded down) + 99,90 × 1% × 40/30 (1,33).
	if !strings.Contains(out, `"owed": "3345.72"`) {
		t.Errorf("owed:\n%s", out[:min(len(out), 2000)])
	}
	if code, _, errOut := runCLI(t, "offer", "simulate", "--debts", path, "--principal", "1,00", "--as-of", "2026-11-24"); code != 2 || !strings.Contains(errOut, "--debts replaces") {
		t.Errorf("--debts with --principal: %d %s", code, errOut)
	}
}

func TestOfferSimulateErrors(t *testing.T) {
	base := []string{"offer", "simulate", "--due", "2026-05-10", "--as-of", "2026-11-24", "--fine", "2%", "--interest", "1%am"}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{append(base, "--fine", "10%", "--principal", "100,00"), 1, "over the legal cap"},
		{append(base, "--principal", "-100,00"), 1, "amount must be positive"},
		{append(base, "--principal", "abc"), 2, "invalid value"},
		{append(base, "--principal", "100,00", "--interest", "1%"), 1, "needs a period"},
		{append(base, "--principal", "100,00", "--interest", "2xam"), 2, "invalid value"},
		{base, 2, "--principal is required (or --debts)"},
		{append(base, "--principal", "100,00", "--caps", "zz"), 2, "unknown preset"},
		{append(base, "--principal", "100,00", "--policy", "/nonexistent.json"), 1, "--policy"},
		{append(base, "--principal", "100,00", "--policy", testPolicy, "--first-due", "2026-11-01"), 1, "in the past"},
		{append(base, "--principal", "92233720368547758,07", "--interest", "100%am"), 1, "overflow"},
		{[]string{"offer", "simulate", "--principal", "100,00", "--due", "2026-05-10", "--as-of", "2026-11-24"}, 1, "Taxa Legal"},
		{[]string{"offer"}, 2, "regua offer {simulate}"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("regua %v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

func TestBenchOffers(t *testing.T) {
	code, out, errOut := runCLI(t, "bench", "offers", "--debtors", "200", "--seed", "2")
	if code != 0 || !strings.Contains(out, "menus/s") || !strings.Contains(out, "offers/s") || !strings.Contains(out, "bare loop") || !strings.Contains(out, "ratio") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "bench", "offers", "--debtors", "0"); code != 2 {
		t.Errorf("--debtors 0 exit %d", code)
	}
}
