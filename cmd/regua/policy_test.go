package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyCheck(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "h.json")
	os.WriteFile(hist, []byte(`[{"id":"a1","at":"2026-11-24T09:10:00-03:00","channel":"sms","debt":"D1","outcome":"attempt"}]`), 0o644)
	pol := filepath.Join(dir, "p.json")
	os.WriteFile(pol, []byte(`{"name":"acme","version":"3","preset":"BR","hours":[{"id":"acme.hours","days":{"mon-fri":"10:00-18:00"}}]}`), 0o644)
	deb := filepath.Join(dir, "d.json")
	os.WriteFile(deb, []byte(`{"id":"C-9","uf":"MG","flags":{"dispute":true},"opt_outs":["whatsapp"]}`), 0o644)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"preset":"BR","caps":[{"id":"c","limit":2,"window":"often"}]}`), 0o644)
	tests := []struct {
		args    []string
		code    int
		out     []string
		errText string
	}{
		// The example: Christmas Eve in São Paulo, a commemorative date, then Natal and a weekend.
		{[]string{"policy", "check", "--preset", "BR", "--uf", "SP", "--city", "3550308", "--channel", "voice", "--at", "2026-12-24T10:00:00-03:00"}, 0,
			[]string{"denied until 2026-12-28T09:00:00-03:00", "commemorative", "Véspera de Natal", "BR.commemorative"}, ""},
		{[]string{"policy", "check", "--preset", "BR", "--uf", "SP", "--channel", "sms", "--at", "2026-11-24T10:00:00-03:00"}, 0, []string{"allowed"}, ""},
		{[]string{"policy", "check", "--preset", "BR", "--uf", "SP", "--channel", "sms", "--at", "2026-11-24T15:00:00-03:00", "--history", hist, "--lang", "pt-BR"}, 0,
			[]string{"denied until 2026-11-25T09:00:00-03:00", "limite de frequência atingido", "a1"}, ""},
		{[]string{"policy", "check", "--policy", pol, "--uf", "MG", "--channel", "email", "--at", "2026-11-24T09:30:00-03:00"}, 0,
			[]string{"denied until 2026-11-24T10:00:00-03:00", "acme.hours", "version 3"}, ""},
		{[]string{"policy", "check", "--preset", "BR", "--debtor", deb, "--channel", "whatsapp", "--at", "2026-11-24T10:00:00-03:00", "--lang", "es"}, 0,
			[]string{"denied\n", "opt_out", "dispute: reclamación pendiente", "BR.block.dispute"}, ""},
		{[]string{"policy", "check", "--policy", bad, "--uf", "MG", "--channel", "email"}, 1, nil, "caps[0].window"},
		{[]string{"policy", "check", "--preset", "BR", "--uf", "SP", "--channel", "fax"}, 2, nil, "unknown channel"},
		{[]string{"policy", "check", "--preset", "XX", "--channel", "sms"}, 2, nil, "unknown"},
		{[]string{"policy", "rules", "--preset", "US"}, 0, []string{"US.7in7", "12 CFR 1006.14"}, ""},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (out %q err %q)", tt.args, code, tt.code, out, errOut)
			continue
		}
		for _, w := range tt.out {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output %q lacks %q", tt.args, out, w)
			}
		}
		if !strings.Contains(errOut, tt.errText) {
			t.Errorf("%v: stderr %q lacks %q", tt.args, errOut, tt.errText)
		}
	}
}

func TestPolicyCheckJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "policy", "check", "--preset", "US", "--zone", "America/New_York", "--channel", "call", "--at", "2026-03-08T07:30:00-04:00", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var m struct {
		Allowed bool
		Next    string
		Reasons []struct{ Code, Rule string }
		Text    []string
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m.Allowed || m.Next != "2026-03-08T08:00:00-04:00" || len(m.Reasons) != 1 || m.Reasons[0].Code != "quiet_hours" || m.Reasons[0].Rule != "US.hours" || len(m.Text) != 1 {
		t.Errorf("decision %+v", m)
	}
}

func TestBenchPolicy(t *testing.T) {
	code, out, errOut := runCLI(t, "bench", "policy", "--debtors", "500", "--decisions", "20000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{"policy bench: 500 demo debtors", "decisions/s", "bare loop:", "ratio: one decision costs"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if code, _, _ := runCLI(t, "bench", "policy", "--as-of", "tomorrow"); code != 2 {
		t.Errorf("bad --as-of: exit %d", code)
	}
}
