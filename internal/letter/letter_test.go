package letter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

func TestAddressLines(t *testing.T) {
	for _, c := range []struct {
		in   domain.Address
		want []string
	}{
		{domain.Address{Street: "Rua das Flores", Number: "12", Complement: "apto 3", District: "Centro", City: "Manaus", UF: "AM", CEP: "69005010", Country: "BR"},
			[]string{"Rua das Flores, 12 - apto 3", "Centro", "69005-010  Manaus - AM"}},
		{domain.Address{City: "São Paulo", UF: "SP", Country: "BR"}, []string{"São Paulo - SP"}},
		{domain.Address{Street: "Calle Mayor", Number: "5", City: "Madrid", CEP: "28013", Country: "ES"}, []string{"Calle Mayor, 5", "28013  Madrid", "ES"}},
		{domain.Address{}, nil},
	} {
		if got := AddressLines(c.in); !slices.Equal(got, c.want) {
			t.Errorf("AddressLines(%+v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// pdfText extracts a PDF's text with poppler's pdftotext (skipped without
// it, except under CI).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is required under CI")
		}
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	cmd := exec.Command(bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

var sample = store.Letter{AttemptID: 42, BatchDate: date.New(2026, 11, 24), Recipient: "José da Conceição",
	Address: []string{"Rua das Flores, 12 - apto 3", "Centro", "69005-010  Manaus - AM"}, Creditor: "Banco Horizonte S.A.", Contract: "C-1001",
	Locale: "pt-BR", Subject: "Aviso de inclusão em cadastro de inadimplentes",
	Body:      "Prezado(a) José,\n\nConsta em aberto o contrato C-1001, vencido há 60 dias, no valor de R$ 1.500,00.\nSe não for pago em 10 dias, seu nome poderá ser incluído nos cadastros de proteção ao crédito (CDC art. 43 § 2º).",
	Reference: "rg-1-a42", CreatedAt: time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)}

func TestRender(t *testing.T) {
	second := sample
	second.Recipient, second.Address, second.Reference = "Padaria Estrela Ltda.", []string{"Av. Paulista, 1000", "01310-100  São Paulo - SP"}, "rg-1-a43"
	long := sample
	long.Reference = "rg-1-a44"
	long.Body = strings.Repeat("Parágrafo longo de teste com acentuação: ação, coração, três. ", 12) + "\n"
	long.Body = strings.Repeat(long.Body, 12)
	var buf bytes.Buffer
	if err := Render(&buf, []store.Letter{sample, second, long}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"Banco Horizonte S.A.", "24/11/2026", "José da Conceição", "Rua das Flores, 12 - apto 3", "69005-010 Manaus - AM",
		"Aviso de inclusão em cadastro de inadimplentes", "vencido há 60 dias, no valor de R$ 1.500,00", "CDC art. 43 § 2º",
		"Padaria Estrela Ltda.", "Av. Paulista, 1000", "Ref. rg-1-a42 · Contrato C-1001 · Credor: Banco Horizonte S.A.", "Ref. rg-1-a43", "coração, três"} {
		if !strings.Contains(squash(text), squash(want)) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	// One page per short letter; the long one runs over, with its footer
	// on every page.
	pages := strings.Count(text, "\f")
	if pages < 4 {
		t.Errorf("%d pages, want at least 4", pages)
	}
	if n := strings.Count(text, "Ref. rg-1-a44"); n != pages-2 {
		t.Errorf("long letter's footer on %d pages, want %d", n, pages-2)
	}
	if err := Render(&buf, nil); err == nil {
		t.Error("empty batch rendered")
	}
}

// squash folds runs of spaces: pdftotext -layout pads columns.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestChannelAndBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := storetest.NewFixture(t, db, "letters")
		ids := f.IDs(t, db)
		clock := time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC) // 24 Nov, 22:30 in São Paulo
		l := &Letters{S: db, Now: func() time.Time { return clock }}
		plan := func(step string, debtor, debt int64, body string) store.Attempt {
			p := journey.Payload{V: 1, Journey: "cobranca", Step: step, Action: journey.ActMessage, Channel: "letter", To: "São Paulo SP 01001-000", Locale: "pt-BR",
				Message: &journey.Rendered{Subject: "Aviso", Body: body}, Debt: journey.DebtPayload{ID: debt, Contract: "C-1001"}}
			pj, _ := json.Marshal(p)
			if _, err := db.PlanAttempts(ctx, f.Tenant, []store.Attempt{{DebtorID: debtor, DebtID: debt, StepID: step, Channel: "letter", DueAt: clock, Payload: pj}}); err != nil {
				t.Fatal(err)
			}
			as, _ := db.AttemptsOfDebtor(ctx, f.Tenant, debtor, 1)
			return as[0]
		}
		a1 := plan("d60-letter", ids.Jose, ids.JoseDebt, "Olá José, o contrato C-1001 segue em aberto.")
		a2 := plan("d60-letter-b", ids.Maria, ids.MariaDebt, "Olá Maria.")
		empty := plan("d60-empty", ids.Maria, ids.MariaDebt, "")
		ch := l.Channel()
		ref := func(a store.Attempt) string { return fmt.Sprintf("rg-%d-a%d", f.Tenant, a.ID) }
		r1, err := ch.Send(ctx, channel.Message{Channel: "letter", Reference: ref(a1)})
		if err != nil || !strings.HasPrefix(r1, "letter-") {
			t.Fatalf("send: %q %v", r1, err)
		}
		if again, err := ch.Send(ctx, channel.Message{Channel: "letter", Reference: ref(a1)}); err != nil || again != r1 {
			t.Fatalf("second send %q %v", again, err)
		}
		if _, err := ch.Send(ctx, channel.Message{Channel: "letter", Reference: ref(a2)}); err != nil {
			t.Fatal(err)
		}
		if _, err := ch.Send(ctx, channel.Message{Channel: "letter", Reference: ref(empty)}); !channel.IsPermanent(err) {
			t.Errorf("letter without text: %v, want permanent", err)
		}
		day := date.New(2026, 11, 24)
		ls, err := db.Letters(ctx, f.Tenant, day, true)
		if err != nil || len(ls) != 2 {
			t.Fatalf("letters of %s: %d %v", day, len(ls), err)
		}
		if ls[0].Creditor != "Banco letters" || ls[0].Recipient != "José da Conceição" || !slices.Equal(ls[0].Address, []string{"01001-000  São Paulo - SP"}) {
			t.Errorf("letter: creditor %q recipient %q address %q", ls[0].Creditor, ls[0].Recipient, ls[0].Address)
		}
		one := pdfText(t, ls[0].PDF)
		for _, want := range []string{"José da Conceição", "01001-000 São Paulo - SP", "Banco letters", "Olá José, o contrato C-1001 segue em aberto."} {
			if !strings.Contains(squash(one), want) {
				t.Errorf("stored PDF lacks %q:\n%s", want, one)
			}
		}
		var buf bytes.Buffer
		n, err := l.Batch(ctx, f.Tenant, day, &buf, true)
		if err != nil || n != 2 {
			t.Fatalf("batch: %d %v", n, err)
		}
		all := squash(pdfText(t, buf.Bytes()))
		if !strings.Contains(all, "Olá José") || !strings.Contains(all, "Olá Maria.") || strings.Index(all, "Olá José") > strings.Index(all, "Olá Maria.") {
			t.Errorf("batch text:\n%s", all)
		}
		days, _ := db.LetterDays(ctx, f.Tenant, 5)
		if len(days) != 1 || days[0].Printed != 2 {
			t.Errorf("days %+v", days)
		}
		if n, err := l.Batch(ctx, f.Tenant, day.AddDays(1), &buf, false); n != 0 || err != nil {
			t.Errorf("empty day: %d %v", n, err)
		}
	})
}
