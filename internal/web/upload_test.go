package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// uploadCSV has four good rows (two debtors) and three bad ones, on file
// lines 5, 6 and 7 (line 1 is the header).
const uploadCSV = `id_cliente;cpf_cnpj;nome;celular;email;cidade;uf;contrato;produto;data_origem;valor_original;parcela;vencimento;valor_parcela;valor_pago;motivo_atraso
UP-1;907.123.814-81;Márcia Upload Teste;(11) 98765-4321;marcia@example.com;São Paulo;SP;UP-CT-1;credit_card;15/01/2025;3.000,00;1;10/09/2026;1.500,00;;
UP-1;907.123.814-81;Márcia Upload Teste;(11) 98765-4321;marcia@example.com;São Paulo;SP;UP-CT-1;credit_card;15/01/2025;3.000,00;2;10/10/2026;1.500,00;;
UP-2;553.147.352-45;Otávio Upload Teste;(21) 99876-5432;;Rio de Janeiro;RJ;UP-CT-2;retail;01/03/2025;900,00;1;05/08/2026;300,00;300,00;entrega_errada
UP-3;123.456.789-00;CPF Errado;;;Recife;PE;UP-CT-3;retail;01/03/2025;900,00;1;05/08/2026;300,00;;
UP-4;890.641.879-59;Valor Errado;;;Recife;PE;UP-CT-4;retail;01/03/2025;900,00;1;05/08/2026;cem reais;;
UP-5;027.596.146-03;Data Errada;;;Recife;PE;UP-CT-5;retail;01/03/2025;900,00;1;31/02/2026;300,00;;
`

func TestUploadStreamsIntoImporter(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Supervisor)
	c.get("/portfolios")
	r := postMultipart(t, c, "/portfolios/"+itoa64(e.A.PortfolioID)+"/imports", c.csrf, `C:\Users\ana\carteira upload.csv`, uploadCSV)
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/imports/") {
		t.Fatalf("upload: %d %q %s", r.Code, r.Location, r.Body)
	}
	res := c.get(r.Location)
	for _, want := range []string{
		"carteira upload.csv", `data-count="read">6<`, `data-count="inserted">3<`, `data-count="rejected">3<`,
		`<td class="num">5</td>`, `<td class="num">6</td>`, `<td class="num">7</td>`,
	} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("result page lacks %q", want)
		}
	}
	// The rows are in the store: the debtor is found by CPF.
	s := c.get("/debtors?q=" + url.QueryEscape("907.123.814-81"))
	if !strings.Contains(s.Body, "Márcia Upload Teste") {
		t.Error("imported debtor not found by CPF")
	}
	// Importing the same file again changes nothing.
	r = postMultipart(t, c, "/portfolios/"+itoa64(e.A.PortfolioID)+"/imports", c.csrf, "carteira upload.csv", uploadCSV)
	res = c.get(r.Location)
	if !strings.Contains(res.Body, `data-count="unchanged">3<`) || !strings.Contains(res.Body, `data-count="inserted">0<`) {
		t.Error("re-import is not unchanged")
	}
	runs, err := e.st.ImportRuns(context.Background(), e.A.ID, 10)
	if err != nil || len(runs) != 3 {
		t.Fatalf("runs: %d %v", len(runs), err)
	}
}

func TestUploadRefusedFile(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Supervisor)
	c.get("/portfolios")
	r := postMultipart(t, c, "/portfolios/"+itoa64(e.A.PortfolioID)+"/imports", c.csrf, "photo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
	if r.Code != http.StatusSeeOther {
		t.Fatalf("refused upload: %d %s", r.Code, r.Body)
	}
	res := c.get(r.Location)
	if !strings.Contains(res.Body, `id="import-refused"`) || !strings.Contains(res.Body, "Arquivo recusado") {
		t.Errorf("refusal not shown: %s", res.Body)
	}
}

func TestUploadWithoutFile(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Supervisor)
	c.get("/portfolios")
	r := postMultipart(t, c, "/portfolios/"+itoa64(e.A.PortfolioID)+"/imports", c.csrf, "", "")
	if r.Code != http.StatusSeeOther || r.Location != "/portfolios" {
		t.Fatalf("no file: %d %q", r.Code, r.Location)
	}
	if !strings.Contains(c.get("/portfolios").Body, "Escolha um arquivo para importar.") {
		t.Error("no-file notice missing")
	}
}

func TestUploadTooLarge(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxUpload = 4 << 10 })
	c := e.loggedIn(t, e.A.Supervisor)
	c.get("/portfolios")
	big := uploadCSV + strings.Repeat(strings.Split(uploadCSV, "\n")[1]+"\n", 100)
	r := postMultipart(t, c, "/portfolios/"+itoa64(e.A.PortfolioID)+"/imports", c.csrf, "big.csv", big)
	if r.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("too large: %d", r.Code)
	}
}

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Users\ana\carteira.csv`: "carteira.csv",
		"../../etc/passwd":          "passwd",
		"a\x00b\nc.csv":             "abc.csv",
		"":                          "upload.csv",
		strings.Repeat("é", 300):    strings.Repeat("é", 120),
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
