package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPlanCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "plan", "--amount", "1200,00", "--n", "6", "--rate", "2,5%am", "--first", "2026-12-10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"prestação R$ 217,86", "10/12/2026", "R$ 1.012,14", "R$ 212,55", "R$ 1.307,16", "R$ 107,16", "absorve os centavos"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCLI(t, "plan", "--amount", "1200,00", "--n", "6", "--rate", "2,5%am", "--first", "2026-12-10", "--json")
	if code != 0 {
		t.Fatalf("--json exit %d: %s", code, errOut)
	}
	var s struct {
		Installment string `json:"installment"`
		Rows        []struct {
			Number  int    `json:"number"`
			Due     string `json:"due"`
			Balance string `json:"balance"`
		} `json:"rows"`
		Total string `json:"total"`
		Cost  struct {
			CET string `json:"cet_yearly"`
		} `json:"cost"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Installment != "217.86" || len(s.Rows) != 6 || s.Rows[5].Balance != "0.00" || s.Rows[5].Due != "2027-05-10" || s.Total != "1307.16" || !strings.HasSuffix(s.Cost.CET, "%aa") {
		t.Errorf("JSON schedule %+v", s)
	}
	// Zero rate, business days and the on-time discount.
	code, out, _ = runCLI(t, "plan", "--amount", "100,00", "--n", "3", "--rate", "0%am", "--first", "2027-01-10", "--business-days", "--on-time-discount", "10%", "--locale", "en")
	if code != 0 || !strings.Contains(out, "2027-01-11") || !strings.Contains(out, "R$33.34") || !strings.Contains(out, "R$30.00") {
		t.Errorf("zero-rate plan:\n%s", out)
	}
}

func TestPlanErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plan", "--amount", "-1,00", "--n", "6", "--rate", "2%am", "--first", "2026-12-10"}, 1, "amount must be positive"},
		{[]string{"plan", "--amount", "100,00", "--n", "0", "--rate", "2%am", "--first", "2026-12-10"}, 2, "--n is required"},
		{[]string{"plan", "--amount", "100,00", "--n", "-3", "--rate", "2%am", "--first", "2026-12-10"}, 1, "number of installments"},
		{[]string{"plan", "--amount", "100,00", "--n", "6", "--rate", "2%", "--first", "2026-12-10"}, 1, "rate"},
		{[]string{"plan", "--amount", "100,00", "--n", "6", "--rate", "2,5", "--first", "2026-12-10"}, 2, "missing % sign"},
		{[]string{"plan", "--amount", "100,00", "--n", "6", "--rate", "2%am"}, 2, "--first is required"},
		{[]string{"plan", "--amount", "100,00", "--n", "6", "--rate", "2%am", "--first", "2026-13-45"}, 2, "invalid value"},
		{[]string{"plan", "--amount", "92233720368547758,07", "--n", "1", "--rate", "100%am", "--first", "2026-12-10"}, 1, "overflow"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("regua %v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}
