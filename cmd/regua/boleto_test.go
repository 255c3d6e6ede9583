package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBoletoMakeAndDecode(t *testing.T) {
	// Itaú's worked example (CNAB 400 manual, Anexo A): carteira 110,
	// nosso número 12345678, agência 0057, conta 12345, due 21/12/2026
	// (factor 1667), R$ 123,45.
	pdf := filepath.Join(t.TempDir(), "b.pdf")
	code, out, errOut := runCLI(t, "boleto", "make", "--bank", "341", "--agency", "0057", "--account", "12345", "--wallet", "110",
		"--our-number", "12345678", "--amount", "123,45", "--due", "2026-12-21", "--payer-name", "João da Silva", "--payer-doc", "111.444.777-35",
		"--beneficiary-name", "Régua Cobranças Ltda", "--beneficiary-doc", "12.345.678/0001-95", "--beneficiary-address", "Av. Paulista, 1000, São Paulo/SP",
		"--pix", "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D",
		"--pdf", pdf)
	if code != 0 {
		t.Fatalf("make: %d %s", code, errOut)
	}
	const line = "34191.10121 34567.880058 71234.570001 6 16670000012345"
	if !strings.Contains(out, line) || !strings.Contains(out, "110/12345678-8") {
		t.Errorf("make output:\n%s", out)
	}
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Errorf("pdf not written: %v", err)
	}

	code, out, _ = runCLI(t, "boleto", "make", "--bank", "341", "--agency", "0057", "--account", "12345", "--wallet", "110",
		"--our-number", "12345678", "--amount", "123,45", "--due", "2026-12-21", "--json")
	var m map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || m["formatted"] != line || m["amount"] != "123.45" {
		t.Errorf("make --json: %d %s", code, out)
	}

	// Unquoted: the shell splits the line into five arguments.
	code, out, _ = runCLI(t, append([]string{"boleto", "decode"}, strings.Fields(line)...)...)
	if code != 0 || !strings.Contains(out, "21/12/2026") || !strings.Contains(out, "R$ 123,45") || !strings.Contains(out, "Itaú") {
		t.Errorf("decode: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "boleto", "decode", "34191101213456788005871234570001616670000012345", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || m["due_date"] != "2026-12-21" || m["valid"] != true {
		t.Errorf("decode --json: %d %s", code, out)
	}
}

func TestBoletoDecodeErrors(t *testing.T) {
	// One digit of field 2 mistyped (5 instead of 6 at position 13).
	code, out, errOut := runCLI(t, "boleto", "decode", "34191.10121 34557.880058 71234.570001 6 16670000012345")
	if code != 1 || !strings.Contains(out, "field 2") || !strings.Contains(out, "Likely mistyped: field 2") ||
		!strings.Contains(out, "34191.10121 34567.880058 71234.570001 6 16670000012345") || !strings.Contains(errOut, "does not check") {
		t.Errorf("typo: %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "boleto", "decode", "3419110121345678800587123457000161667000001234", "--json")
	var m map[string]any
	if code != 1 || json.Unmarshal([]byte(out), &m) != nil || m["valid"] != false {
		t.Errorf("short line --json: %d %s", code, out)
	}
	if code, _, _ := runCLI(t, "boleto", "decode"); code != 2 {
		t.Errorf("no argument: exit %d, want 2", code)
	}
	if code, _, errOut := runCLI(t, "boleto", "make", "--bank", "999", "--our-number", "1", "--amount", "1"); code != 1 || !strings.Contains(errOut, "999") {
		t.Errorf("unknown bank: %d %s", code, errOut)
	}
	// The PDF needs the creditor's address (CDC art. 42-A).
	if code, _, errOut := runCLI(t, "boleto", "make", "--bank", "341", "--agency", "1", "--account", "2", "--wallet", "109", "--our-number", "1",
		"--amount", "1", "--payer-name", "A", "--payer-doc", "1", "--beneficiary-name", "B", "--beneficiary-doc", "2", "--pdf", filepath.Join(t.TempDir(), "x.pdf")); code != 1 || !strings.Contains(errOut, "42-A") {
		t.Errorf("missing address: %d %s", code, errOut)
	}
}

func TestBoletoDecodeArrecadacao(t *testing.T) {
	code, out, _ := runCLI(t, "boleto", "decode", "836200000005667800481000180975657313001589636081")
	if code != 0 || !strings.Contains(out, "arrecadação") || !strings.Contains(out, "R$ 66,78") {
		t.Errorf("%d\n%s", code, out)
	}
}
