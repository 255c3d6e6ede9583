package boletopdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/boleto"
	"github.com/regua/regua/internal/money"
)

// The PIX payload is the static BR Code example of the Central Bank's
// "Manual de Padrões para Iniciação do Pix" (key 123e4567-…, Fulano de Tal,
// Brasília); any text would do for the QR, this one looks like production.
const pixExample = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"

// Barcode size and position follow FEBRABAN's ficha de compensação as the
// banks publish it, e.g. CAIXA SIGCB 67.119 v015 item 4.2.10.1: 103 mm ×
// 13 mm, 5 mm from the left edge, centre 12 mm above the bottom.

func needTools(t *testing.T) {
	for _, tool := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required in CI (apt-get install poppler-utils zbar-tools)", tool)
			}
			t.Skipf("%s not installed (apt-get install poppler-utils zbar-tools)", tool)
		}
	}
}

func doc(t *testing.T, a boleto.Account, amount string, pix string) Document {
	b, ff, err := boleto.Encode(a, time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), money.MustParse(amount))
	if err != nil {
		t.Fatal(err)
	}
	return Document{
		Barcode: b, OurNumber: ff.Display, AgencyCode: a.Agency + "/" + a.Account, Wallet: a.Wallet,
		Beneficiary:    Party{Name: "Régua Cobranças Ltda", Document: "12.345.678/0001-95", Address: "Av. Paulista, 1000 — São Paulo/SP — 01310-100"},
		Payer:          Party{Name: "João da Silva Araújo", Document: "111.444.777-35", Address: "Rua das Acácias, 45 — Recife/PE"},
		DocumentNumber: "ACD-2026-0001", Species: "DM", Accept: "N",
		IssueDate: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), ProcessDate: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
		Instructions: []string{"Após o vencimento, multa de 2% e juros de 1% ao mês.", "Não receber após 30 dias do vencimento."},
		PIX:          pix,
	}
}

// decode renders the PDF at 200 dpi (a narrow bar is 2 pixels) and reads every symbol with zbarimg.
func decode(t *testing.T, pdf []byte) []string {
	dir := t.TempDir()
	in := filepath.Join(dir, "b.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", in, filepath.Join(dir, "b")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	out, err = exec.Command("zbarimg", "-q", filepath.Join(dir, "b.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg found nothing: %v", err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

func TestRenderDecodesWithZbar(t *testing.T) {
	needTools(t)
	cases := []struct {
		acc boleto.Account
		pix string
	}{
		{boleto.Account{Bank: "341", Agency: "0057", Account: "12345", Wallet: "109", OurNumber: "12345678"}, pixExample},
		{boleto.Account{Bank: "001", Agreement: "1234567", OurNumber: "42", Wallet: "17"}, ""},
		{boleto.Account{Bank: "237", Agency: "1172", Account: "403005", Wallet: "09", OurNumber: "75896452"}, pixExample},
		{boleto.Account{Bank: "104", Agreement: "5507", OurNumber: "19"}, pixExample},
		{boleto.Account{Bank: "033", Agreement: "1234567", OurNumber: "566612457800", Wallet: "101"}, ""},
	}
	for _, c := range cases {
		d := doc(t, c.acc, "1.234,56", c.pix)
		var buf bytes.Buffer
		if err := Render(&buf, d); err != nil {
			t.Fatal(err)
		}
		syms := decode(t, buf.Bytes())
		want := map[string]bool{"I2/5:" + d.Barcode.String(): false}
		if c.pix != "" {
			want["QR-Code:"+c.pix] = false
		}
		for _, s := range syms {
			if _, ok := want[s]; ok {
				want[s] = true
			} else {
				t.Errorf("bank %s: unexpected symbol %q", c.acc.Bank, s)
			}
		}
		for s, seen := range want {
			if !seen {
				t.Errorf("bank %s: %q not read back; zbarimg read %q", c.acc.Bank, s, syms)
			}
		}
	}
}

func TestRenderRefusesMissingCreditorData(t *testing.T) {
	d := doc(t, boleto.Account{Bank: "341", Agency: "0057", Account: "12345", Wallet: "109", OurNumber: "1"}, "10,00", "")
	d.Beneficiary.Address = ""
	if err := Render(&bytes.Buffer{}, d); err == nil || !strings.Contains(err.Error(), "42-A") {
		t.Errorf("want CDC 42-A error, got %v", err)
	}
}

func TestBarcodeGeometry(t *testing.T) {
	// 44 digits in Interleaved 2 of 5 with wide = 3 narrow: start (4) +
	// 22 pairs × 18 + stop (5) = 405 modules over 103 mm, a narrow bar
	// of 0.254 mm.
	d := doc(t, boleto.Account{Bank: "341", Agency: "0057", Account: "12345", Wallet: "109", OurNumber: "1"}, "10,00", "")
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if got := barcodeWidth / 405; got < 0.25 || got > 0.26 {
		t.Errorf("narrow bar %.3f mm", got)
	}
}

// The page carries what CDC art. 42-A and the ficha require, as text a
// reader (and a screen reader) finds: creditor name, CNPJ and address,
// payer, amount, due date and the linha digitável.
func TestRenderText(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		needTools(t) // same package (poppler-utils): fail in CI, skip elsewhere
		t.Skip("pdftotext not installed")
	}
	d := doc(t, boleto.Account{Bank: "237", Agency: "1172", Account: "403005", Wallet: "09", OurNumber: "75896452"}, "1.234,56", pixExample)
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "b.pdf")
	os.WriteFile(in, buf.Bytes(), 0o644)
	out, err := exec.Command("pdftotext", "-layout", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		"Régua Cobranças Ltda", "12.345.678/0001-95", "Av. Paulista, 1000", "João da Silva Araújo", "111.444.777-35",
		"R$ 1.234,56", "10/12/2026", boleto.FormatDigitable(d.Barcode.Digitable()), "09/00075896452-", "237-2",
		"Instruções", "Ficha de Compensação", "PIX",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}
