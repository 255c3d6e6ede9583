package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCnabGenerateAndParse(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "ret.txt")
	if code, _, errOut := runCLI(t, "cnab", "generate", "--bank", "237", "--records", "25", "--start", "500", "--out", f); code != 0 {
		t.Fatalf("generate: %s", errOut)
	}
	code, out, errOut := runCLI(t, "cnab", "parse", f)
	if code != 0 {
		t.Fatalf("parse: %s", errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 25 {
		t.Fatalf("%d JSON lines", len(lines))
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
		t.Fatal(err)
	}
	if r["occurrence"] != "settled" || r["our_number"] != "00000000500" || r["bank"] != "237" || r["code"] != "06" {
		t.Errorf("first record %v", r)
	}
	if !strings.Contains(errOut, "25 records") || !strings.Contains(errOut, "file id") {
		t.Errorf("summary: %s", errOut)
	}
	code, out, _ = runCLI(t, "cnab", "parse", f, "--text")
	if code != 0 || !strings.Contains(out, "NOSSO NÚMERO") || !strings.Contains(out, "settled") {
		t.Errorf("text: %s", out)
	}

	// A damaged file prints no record and names the line.
	b, _ := os.ReadFile(f)
	ls := strings.Split(string(b), "\r\n")
	ls[7] = ls[7][:100]
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte(strings.Join(ls, "\r\n")), 0o644)
	code, out, errOut = runCLI(t, "cnab", "parse", bad)
	if code != 1 || out != "" || !strings.Contains(errOut, "line 8") || !strings.Contains(errOut, "has 100 characters, want 240") {
		t.Errorf("bad file: %d out %q err %s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "cnab", "parse"); code != 2 {
		t.Errorf("no file: exit %d", code)
	}
}
