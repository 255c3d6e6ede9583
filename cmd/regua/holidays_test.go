package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHolidays(t *testing.T) {
	code, out, _ := runCLI(t, "holidays", "--country", "BR", "--uf", "RJ", "--city", "3304557", "--year", "2027")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, want := range []string{"2027-01-01 Confraternização Universal", "2027-01-20 Dia de São Sebastião (padroeiro)", "2027-02-09 Carnaval (terça-feira)", "2027-03-26 Sexta-feira Santa", "2027-04-23 Dia de São Jorge", "2027-11-20 Dia Nacional de Zumbi e da Consciência Negra", "2027-12-25 Natal"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	for i := 1; i < len(lines); i++ {
		if lines[i] < lines[i-1] {
			t.Errorf("not sorted: %q after %q", lines[i], lines[i-1])
		}
	}
	if strings.Count(out, "2027-02-09 Carnaval (terça-feira)") != 1 {
		t.Error("RJ Carnival Tuesday listed twice")
	}
	if code, _, errOut := runCLI(t, "holidays", "--country", "AR"); code != 2 || !strings.Contains(errOut, "unknown") {
		t.Errorf("bad country: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "holidays", "--uf", "RJ", "--city", "3550308"); code != 2 || !strings.Contains(errOut, "is in SP") {
		t.Errorf("city/UF mismatch: %d %q", code, errOut)
	}
	pol := filepath.Join(t.TempDir(), "p.json")
	os.WriteFile(pol, []byte(`{"preset":"BR","extra_holidays":[{"scope":"city:3509502","name":"Aniversário de Campinas","when":"07-14"}]}`), 0o644)
	code, out, _ = runCLI(t, "holidays", "--uf", "SP", "--city", "3509502", "--year", "2027", "--policy", pol)
	if code != 0 || !strings.Contains(out, "2027-07-14 Aniversário de Campinas\n") || !strings.Contains(out, "2027-12-24 Véspera de Natal\n") {
		t.Errorf("with policy: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "holidays", "--country", "US", "--year", "2026", "-v"); code != 0 || !strings.Contains(out, "2026-07-03 Independence Day") {
		t.Errorf("US: %d %q", code, out)
	}
}
