package pixapi_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/pix"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/pixpsp"
)

const (
	ourKey   = "11222333000181"
	ourEmail = "cobranca@credor.example"
)

// world is a local PSP, our API client and our webhook server, with
// certificates made for the test: the PSP's CA signs its server
// certificate, the client certificate it issues to us and the one it
// posts webhooks with; our CA signs the webhook server's certificate.
type world struct {
	psp      *pixpsp.Server
	client   *pixapi.Client
	sink     *pixapi.MemorySink
	hook     *httptest.Server
	pspPKI   *pixpsp.PKI
	ourPKI   *pixpsp.PKI
	hookCert tls.Certificate // the PSP's webhook client certificate
}

func newWorld(t *testing.T) *world { return newWorldWith(t, false) }

// newWorldWith makes a world whose PSP leaves x5c out of payload headers
// when jkuOnly.
func newWorldWith(t *testing.T, jkuOnly bool) *world {
	t.Helper()
	pspPKI, err := pixpsp.NewPKI("psp")
	if err != nil {
		t.Fatal(err)
	}
	ourPKI, err := pixpsp.NewPKI("regua")
	if err != nil {
		t.Fatal(err)
	}
	must := func(c tls.Certificate, err error) tls.Certificate {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	w := &world{pspPKI: pspPKI, ourPKI: ourPKI, sink: pixapi.NewMemorySink()}
	w.hookCert = must(pspPKI.Client("psp-webhooks"))

	w.hook = httptest.NewUnstartedServer(&pixapi.WebhookHandler{Sink: w.sink, RequireClientCert: true})
	w.hook.TLS = pixapi.ServerTLSConfig(must(ourPKI.Server("127.0.0.1")), pspPKI.Pool)
	w.hook.StartTLS()
	t.Cleanup(w.hook.Close)

	w.psp, err = pixpsp.Start("127.0.0.1:0", pixpsp.Options{
		Cert: must(pspPKI.Server("127.0.0.1")), ClientCAs: pspPKI.Pool,
		WebhookCert: w.hookCert, WebhookRootCAs: ourPKI.Pool,
		Clients:      map[string]string{"regua": "s3cret"},
		Keys:         []string{ourKey, ourEmail},
		ReceiverName: "Credor Exemplo SA", ReceiverCity: "Sao Paulo", ReceiverCNPJ: ourKey,
		PayloadSigner: must(pspPKI.PayloadSigner("127.0.0.1")), PayloadJKUOnly: jkuOnly,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.psp.Close() })
	w.client = w.newClient(t, must(pspPKI.Client("regua")), "s3cret")
	return w
}

func (w *world) newClient(t *testing.T, cert tls.Certificate, secret string) *pixapi.Client {
	t.Helper()
	c, err := pixapi.New(pixapi.Config{
		BaseURL: w.psp.BaseURL(), TokenURL: w.psp.TokenURL(), ClientID: "regua", ClientSecret: secret,
		TLS: pixapi.ClientTLSConfig(cert, w.pspPKI.Pool), Timeout: 10 * time.Second, RetryBackoff: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func problemName(err error) string {
	var p *pixapi.Problem
	if errors.As(err, &p) {
		return p.Name()
	}
	return ""
}

const txid1 = "regua000000000000000000000001"

func TestCobPaidThroughWebhookAndRefunded(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.client

	cob, err := c.CreateCob(ctx, txid1, pixapi.CobRequest{
		Calendario: &pixapi.CobCalendario{Expiracao: 3600},
		Devedor:    &pixapi.Devedor{CPF: "12345678909", Nome: "Fulano de Tal"},
		Valor:      pixapi.CobValor{Original: 12345},
		Chave:      ourKey, SolicitacaoPagador: "Parcela 1 do acordo 42",
	})
	if err != nil {
		t.Fatal(err)
	}
	if cob.Status != pixapi.StatusActive || cob.TxID != txid1 || cob.Revisao != 0 || cob.Loc == nil || cob.Loc.TipoCob != "cob" {
		t.Fatalf("created %+v", cob)
	}
	code, err := pix.Decode(cob.PixCopiaECola)
	if err != nil || code.Kind != pix.Dynamic || code.URL != cob.Location {
		t.Fatalf("pixCopiaECola %q: %+v %v", cob.PixCopiaECola, code, err)
	}

	// Revise the amount, then read both revisions back.
	if cob, err = c.UpdateCob(ctx, txid1, pixapi.CobPatch{Valor: &pixapi.CobValor{Original: 15000}}); err != nil || cob.Revisao != 1 || cob.Valor.Original != 15000 {
		t.Fatalf("update: %+v %v", cob, err)
	}
	if old, err := c.GetCob(ctx, txid1, 0); err != nil || old.Valor.Original != 12345 {
		t.Fatalf("revision 0: %+v %v", old, err)
	}
	if _, err := c.GetCob(ctx, txid1, 7); !errors.Is(err, pixapi.ErrInvalid) || problemName(err) != "CobConsultaInvalida" {
		t.Fatalf("missing revision: %v", err)
	}

	if err := c.SetWebhook(ctx, ourKey, w.hook.URL+"/webhooks/pix"); err != nil {
		t.Fatal(err)
	}
	if wh, err := c.GetWebhook(ctx, ourKey); err != nil || wh.WebhookURL != w.hook.URL+"/webhooks/pix" {
		t.Fatalf("webhook: %+v %v", wh, err)
	}

	// The debtor pays the copia-e-cola text; the PSP posts the webhook.
	paid, err := w.psp.Pay(ctx, pixpsp.Payment{BRCode: cob.PixCopiaECola, PayerInfo: "acordo 42"})
	if err != nil {
		t.Fatal(err)
	}
	got := w.sink.Payments()
	if len(got) != 1 || got[0].EndToEndID != paid.EndToEndID || got[0].TxID != txid1 || got[0].Amount != 15000 || got[0].Key != ourKey || got[0].PayerInfo != "acordo 42" {
		t.Fatalf("booked %+v, paid %+v", got, paid)
	}
	if cob, err = c.GetCob(ctx, txid1, -1); err != nil || cob.Status != pixapi.StatusCompleted || len(cob.Pix) != 1 {
		t.Fatalf("after payment: %+v %v", cob, err)
	}
	if _, err := c.UpdateCob(ctx, txid1, pixapi.CobPatch{Valor: &pixapi.CobValor{Original: 1}}); !errors.Is(err, pixapi.ErrInvalid) || problemName(err) != "CobOperacaoInvalida" {
		t.Fatalf("revising a paid cob: %v", err)
	}
	if _, err := w.psp.Pay(ctx, pixpsp.Payment{TxID: txid1}); err == nil {
		t.Fatal("a completed cob was paid twice")
	}

	// Refunds: partial, the same request again, then too much.
	d, err := c.RequestRefund(ctx, paid.EndToEndID, "dev1", pixapi.RefundRequest{Valor: 5000, Descricao: "pagou a mais"})
	if err != nil || d.Status != pixapi.RefundDone || d.Valor != 5000 || d.RtrID == "" {
		t.Fatalf("refund: %+v %v", d, err)
	}
	if again, err := c.RequestRefund(ctx, paid.EndToEndID, "dev1", pixapi.RefundRequest{Valor: 5000}); err != nil || again.RtrID != d.RtrID {
		t.Fatalf("repeated refund request: %+v %v", again, err)
	}
	// The PSP reported the refund through the webhook: the Pix again, now
	// with its devolucoes; the payment is not booked twice.
	if refunds := w.sink.Refunds(); len(refunds) != 1 || refunds[d.RtrID].Valor != 5000 || len(w.sink.Payments()) != 1 {
		t.Fatalf("refunds booked %+v, payments %d", refunds, len(w.sink.Payments()))
	}
	if _, err := c.RequestRefund(ctx, paid.EndToEndID, "dev2", pixapi.RefundRequest{Valor: 10001}); !errors.Is(err, pixapi.ErrInvalid) || problemName(err) != "PixDevolucaoInvalida" {
		t.Fatalf("refund above the rest: %v", err)
	}
	if p, err := c.GetPix(ctx, paid.EndToEndID); err != nil || len(p.Devolucoes) != 1 || p.Valor != 15000 {
		t.Fatalf("pix after refunds: %+v %v", p, err)
	}
	if r, err := c.GetRefund(ctx, paid.EndToEndID, "dev1"); err != nil || r.Valor != 5000 {
		t.Fatalf("get refund: %+v %v", r, err)
	}
}

func TestCobCancelledCannotBePaid(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	cob, err := w.client.CreateCob(ctx, "", pixapi.CobRequest{Valor: pixapi.CobValor{Original: 990}, Chave: ourEmail})
	if err != nil {
		t.Fatal(err)
	}
	if len(cob.TxID) < 26 {
		t.Fatalf("PSP-chosen txid %q", cob.TxID)
	}
	if _, err := w.client.UpdateCob(ctx, cob.TxID, pixapi.CobPatch{Status: pixapi.StatusRemovedByUser, Valor: &pixapi.CobValor{Original: 1}}); problemName(err) != "CobOperacaoInvalida" {
		t.Fatalf("cancel with other changes: %v", err)
	}
	if cob, err = w.client.CancelCob(ctx, cob.TxID); err != nil || cob.Status != pixapi.StatusRemovedByUser {
		t.Fatalf("cancel: %+v %v", cob, err)
	}
	if _, err := w.psp.Pay(ctx, pixpsp.Payment{BRCode: cob.PixCopiaECola}); err == nil || !strings.Contains(err.Error(), pixapi.StatusRemovedByUser) {
		t.Fatalf("paying a cancelled cob: %v", err)
	}
}

func TestCobVWithFineInterestAndDiscount(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if err := w.client.SetWebhook(ctx, ourKey, w.hook.URL); err != nil {
		t.Fatal(err)
	}
	due := time.Now().AddDate(0, 0, 20)
	for due.Weekday() == time.Saturday || due.Weekday() == time.Sunday {
		due = due.AddDate(0, 0, 1)
	}
	req := pixapi.CobVRequest{
		Calendario: pixapi.CobVCalendario{DataDeVencimento: due.Format(time.DateOnly)},
		Devedor:    &pixapi.Devedor{CNPJ: "11444777000161", Nome: "Empresa Devedora Ltda", Cidade: "Recife", UF: "PE"},
		Valor: pixapi.CobVValor{Original: 100000,
			Multa:    &pixapi.Componente{Modalidade: pixapi.MultaPercentual, ValorPerc: 200},
			Juros:    &pixapi.Componente{Modalidade: pixapi.JurosPercMesDiasCorridos, ValorPerc: 100},
			Desconto: &pixapi.Desconto{Modalidade: pixapi.DescontoValorFixoAteData, DescontoDataFixa: []pixapi.DescontoDataFixa{{Data: due.AddDate(0, 0, -5).Format(time.DateOnly), ValorPerc: 3000}}},
		},
		Chave: ourKey,
	}
	early, late := "regua00000000000000000000000cobv1", "regua00000000000000000000000cobv2"
	for _, id := range []string{early, late} {
		v, err := w.client.CreateCobV(ctx, id, req)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != pixapi.StatusActive || v.Recebedor == nil || v.Recebedor.CNPJ != ourKey || v.Calendario.ValidadeAposVencimento == nil || *v.Calendario.ValidadeAposVencimento != 30 {
			t.Fatalf("cobv %+v", v)
		}
	}
	// Paid ten days before the due date: the 30.00 discount applies.
	if _, err := w.psp.Pay(ctx, pixpsp.Payment{TxID: early, Date: due.AddDate(0, 0, -10)}); err != nil {
		t.Fatal(err)
	}
	// Paid ten days after: fine 2 % (20.00) and 1 % a month for 10 days
	// (factor 0.003333 → 3.33).
	if _, err := w.psp.Pay(ctx, pixpsp.Payment{TxID: late, Date: due.AddDate(0, 0, 10)}); err != nil {
		t.Fatal(err)
	}
	got := w.sink.Payments()
	if len(got) != 2 || got[0].TxID != early || got[0].Amount != 97000 || got[1].TxID != late || got[1].Amount != 102333 {
		t.Fatalf("booked %+v", got)
	}

	// A static code without txid is paid too: webhooks never report it,
	// listing the received Pix does.
	static, _ := pix.Encode(pix.Code{Key: ourKey, Name: "Credor", City: "Recife"})
	if _, err := w.psp.Pay(ctx, pixpsp.Payment{BRCode: static, Amount: 1234}); err != nil {
		t.Fatal(err)
	}
	if n := len(w.sink.Payments()); n != 2 {
		t.Fatalf("webhook booked %d, want 2", n)
	}
	listed, err := w.client.ListPix(ctx, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	noTxID := 0
	for _, p := range listed {
		if p.TxID == "" && p.Valor == 1234 {
			noTxID++
		}
	}
	if err != nil || len(listed) != 3 || noTxID != 1 {
		t.Fatalf("ListPix: %+v %v", listed, err)
	}
	if listed, err := w.client.ListPix(ctx, time.Now().Add(time.Hour), time.Now().Add(2*time.Hour)); err != nil || len(listed) != 0 {
		t.Fatalf("ListPix of an empty window: %+v %v", listed, err)
	}

	// Errors the API defines for cobv.
	bad := req
	bad.Valor.Desconto = &pixapi.Desconto{Modalidade: pixapi.DescontoValorFixoAteData, DescontoDataFixa: []pixapi.DescontoDataFixa{{Data: due.AddDate(0, 0, 1).Format(time.DateOnly), ValorPerc: 100}}}
	if _, err := w.client.CreateCobV(ctx, "regua00000000000000000000000cobv3", bad); problemName(err) != "CobVOperacaoInvalida" {
		t.Fatalf("discount after due date: %v", err)
	}
	bad = req
	bad.Devedor = nil
	if _, err := w.client.CreateCobV(ctx, "regua00000000000000000000000cobv3", bad); problemName(err) != "CobVOperacaoInvalida" {
		t.Fatalf("cobv without debtor: %v", err)
	}
	if _, err := w.client.GetCobV(ctx, "regua00000000000000000000000cobv9", -1); !errors.Is(err, pixapi.ErrNotFound) || problemName(err) != "CobVNaoEncontrada" {
		t.Fatalf("unknown cobv: %v", err)
	}
	v, err := w.client.CreateCobV(ctx, "regua00000000000000000000000cobv4", req)
	if err != nil {
		t.Fatal(err)
	}
	if v, err = w.client.CancelCobV(ctx, v.TxID); err != nil || v.Status != pixapi.StatusRemovedByUser || v.Revisao != 1 {
		t.Fatalf("cancel cobv: %+v %v", v, err)
	}
}

func TestWebhookRedeliveryIsIdempotent(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if err := w.client.SetWebhook(ctx, ourKey, w.hook.URL+"/"); err != nil {
		t.Fatal(err)
	}
	cob, err := w.client.CreateCob(ctx, txid1, pixapi.CobRequest{Valor: pixapi.CobValor{Original: 500}, Chave: ourKey})
	if err != nil {
		t.Fatal(err)
	}
	w.sink.FailNext(1)
	paid, err := w.psp.Pay(ctx, pixpsp.Payment{TxID: cob.TxID})
	if !errors.Is(err, pixpsp.ErrWebhookDelivery) || len(w.sink.Payments()) != 0 {
		t.Fatalf("failed delivery: %v, booked %d", err, len(w.sink.Payments()))
	}
	if n, err := w.psp.Redeliver(ctx); n != 0 || err != nil {
		t.Fatalf("redeliver: %d pending, %v", n, err)
	}
	if p := w.sink.Payments(); len(p) != 1 || p[0].EndToEndID != paid.EndToEndID {
		t.Fatalf("after redelivery: %+v", p)
	}
	// The PSP posting the same Pix again books nothing more.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pixapi.ClientTLSConfig(w.hookCert, w.ourPKI.Pool)}}
	body := `{"pix":[{"endToEndId":"` + paid.EndToEndID + `","txid":"` + cob.TxID + `","valor":"5.00","horario":"` + paid.Horario.Format(time.RFC3339Nano) + `"}]}`
	resp, err := hc.Post(w.hook.URL+"/pix", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(buf.String(), `"duplicates":1`) || len(w.sink.Payments()) != 1 {
		t.Fatalf("repeated post: %d %s, booked %d", resp.StatusCode, buf.String(), len(w.sink.Payments()))
	}
}

func TestMutualTLSAndTokens(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)

	// No client certificate: the client refuses to start; a raw request
	// fails the TLS handshake at the PSP and at our webhook.
	if _, err := pixapi.New(pixapi.Config{BaseURL: w.psp.BaseURL(), TokenURL: w.psp.TokenURL(), ClientID: "regua", TLS: &tls.Config{RootCAs: w.pspPKI.Pool}}); err == nil {
		t.Error("client without certificate accepted")
	}
	noCert := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: w.pspPKI.Pool}}}
	if resp, err := noCert.Post(w.psp.TokenURL(), "application/x-www-form-urlencoded", strings.NewReader("grant_type=client_credentials")); err == nil {
		resp.Body.Close()
		t.Error("PSP served a client without certificate")
	}
	noCertHook := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: w.ourPKI.Pool}}}
	if resp, err := noCertHook.Post(w.hook.URL+"/pix", "application/json", strings.NewReader(`{"pix":[]}`)); err == nil {
		resp.Body.Close()
		t.Error("webhook served a client without certificate")
	}
	// A certificate from another CA is refused too.
	stranger, _ := w.ourPKI.Client("stranger")
	sc := w.newClient(t, stranger, "s3cret")
	if _, err := sc.GetCob(ctx, txid1, -1); err == nil {
		t.Error("PSP accepted a certificate it did not issue")
	}

	// Wrong secret: a typed OAuth error.
	bad := w.newClient(t, mustCert(t, w.pspPKI, "regua"), "wrong")
	if _, err := bad.GetCob(ctx, txid1, -1); !errors.Is(err, pixapi.ErrUnauthorized) {
		t.Errorf("wrong secret: %v", err)
	}

	// A revoked token is renewed once, transparently.
	if _, err := w.client.CreateCob(ctx, txid1, pixapi.CobRequest{Valor: pixapi.CobValor{Original: 100}, Chave: ourKey}); err != nil {
		t.Fatal(err)
	}
	w.psp.RevokeTokens()
	if _, err := w.client.GetCob(ctx, txid1, -1); err != nil {
		t.Errorf("after token revocation: %v", err)
	}

	// Not found and invalid requests come back as typed problems.
	if _, err := w.client.GetCob(ctx, "regua000000000000000000000404", -1); !errors.Is(err, pixapi.ErrNotFound) || problemName(err) != "CobNaoEncontrado" {
		t.Errorf("unknown cob: %v", err)
	}
	_, err := w.client.CreateCob(ctx, "regua000000000000000000000002", pixapi.CobRequest{Valor: pixapi.CobValor{Original: 100}, Chave: "outro@credor.example"})
	var p *pixapi.Problem
	if !errors.As(err, &p) || p.Status != 400 || len(p.Violacoes) != 1 || p.Violacoes[0].Propriedade != "cob.chave" {
		t.Errorf("someone else's key: %v", err)
	}
	if _, err := w.client.CreateCob(ctx, "short", pixapi.CobRequest{}); err == nil {
		t.Error("short txid accepted")
	}
	if err := w.client.SetWebhook(ctx, ourKey, "http://plain.example/"); err == nil {
		t.Error("plain-HTTP webhook accepted")
	}
	if err := w.client.DeleteWebhook(ctx, ourKey); !errors.Is(err, pixapi.ErrNotFound) {
		t.Errorf("deleting a missing webhook: %v", err)
	}
}

func TestRetriesOnlyIdempotentCalls(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if _, err := w.client.CreateCob(ctx, txid1, pixapi.CobRequest{Valor: pixapi.CobValor{Original: 100}, Chave: ourKey}); err != nil {
		t.Fatal(err)
	}
	w.psp.FailNext(2) // within the two retries
	if _, err := w.client.GetCob(ctx, txid1, -1); err != nil {
		t.Fatalf("GET after two 503s: %v", err)
	}
	w.psp.FailNext(2)
	if _, err := w.client.CreateCob(ctx, txid1, pixapi.CobRequest{Valor: pixapi.CobValor{Original: 200}, Chave: ourKey}); err != nil {
		t.Fatalf("PUT after two 503s: %v", err)
	}
	w.psp.FailNext(3)
	if _, err := w.client.GetCob(ctx, txid1, -1); !errors.Is(err, pixapi.ErrUnavailable) || problemName(err) != "ServicoIndisponivel" {
		t.Fatalf("GET after three 503s: %v", err)
	}
	w.psp.FailNext(1) // PATCH is not retried: it might have been applied
	if _, err := w.client.UpdateCob(ctx, txid1, pixapi.CobPatch{Valor: &pixapi.CobValor{Original: 300}}); !errors.Is(err, pixapi.ErrUnavailable) {
		t.Fatalf("PATCH after a 503: %v", err)
	}
	if cob, err := w.client.GetCob(ctx, txid1, -1); err != nil || cob.Valor.Original != 200 || cob.Revisao != 1 {
		t.Fatalf("after the failures: %+v %v", cob, err)
	}
}

// TestTokenBoundToCertificate replays a token from one client certificate
// with another (RFC 8705 proof of possession).
func TestTokenBoundToCertificate(t *testing.T) {
	w := newWorld(t)
	certA, certB := mustCert(t, w.pspPKI, "a"), mustCert(t, w.pspPKI, "b")
	tok := fetchToken(t, w, certA)
	req, _ := http.NewRequest("GET", w.psp.BaseURL()+"/cob/"+txid1, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	for _, tc := range []struct {
		cert tls.Certificate
		want int
	}{{certA, http.StatusNotFound}, {certB, http.StatusUnauthorized}} {
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pixapi.ClientTLSConfig(tc.cert, w.pspPKI.Pool)}}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("certificate %s: status %d, want %d", tc.cert.Leaf.Subject.CommonName, resp.StatusCode, tc.want)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("error content type %q", ct)
		}
	}
}

func mustCert(t *testing.T, p *pixpsp.PKI, cn string) tls.Certificate {
	t.Helper()
	c, err := p.Client(cn)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fetchToken(t *testing.T, w *world, cert tls.Certificate) string {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pixapi.ClientTLSConfig(cert, w.pspPKI.Pool)}}
	req, _ := http.NewRequest("POST", w.psp.TokenURL(), strings.NewReader("grant_type=client_credentials&scope=cob.read"))
	req.SetBasicAuth("regua", "s3cret")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	s := buf.String()
	i := strings.Index(s, `"access_token":"`)
	if resp.StatusCode != 200 || i < 0 {
		t.Fatalf("token: %d %s", resp.StatusCode, s)
	}
	s = s[i+len(`"access_token":"`):]
	return s[:strings.IndexByte(s, '"')]
}
