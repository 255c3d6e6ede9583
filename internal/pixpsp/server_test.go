package pixpsp

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/regua/regua/internal/pix"
	"github.com/regua/regua/internal/pixapi"
)

func mustCert(t *testing.T) func(tls.Certificate, error) tls.Certificate {
	return func(c tls.Certificate, err error) tls.Certificate {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

// TestStaticCodeAndSandbox pays static BR Codes through the sandbox
// endpoint: with a txid the webhook is posted, without one it is not (the
// API Pix notifies only Pix tied to a txid).
func TestStaticCodeAndSandbox(t *testing.T) {
	must := mustCert(t)
	ca, err := NewPKI("demo")
	if err != nil {
		t.Fatal(err)
	}
	sink := pixapi.NewMemorySink()
	hook := httptest.NewUnstartedServer(&pixapi.WebhookHandler{Sink: sink, RequireClientCert: true})
	hook.TLS = pixapi.ServerTLSConfig(must(ca.Server("127.0.0.1")), ca.Pool)
	hook.StartTLS()
	defer hook.Close()
	const key = "cobranca@credor.example"
	psp, err := Start("127.0.0.1:0", Options{Cert: must(ca.Server("127.0.0.1")), ClientCAs: ca.Pool, WebhookCert: must(ca.Client("psp")), WebhookRootCAs: ca.Pool, Clients: map[string]string{"c": "s"}, Keys: []string{key}})
	if err != nil {
		t.Fatal(err)
	}
	defer psp.Close()
	psp.mu.Lock()
	psp.webhooks[key] = pixapi.Webhook{WebhookURL: hook.URL, Chave: key}
	psp.mu.Unlock()

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pixapi.ClientTLSConfig(must(ca.Client("payer")), ca.Pool)}}
	pay := func(body string) (int, map[string]json.RawMessage) {
		resp, err := hc.Post("https://"+psp.host+"/sandbox/pay", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]json.RawMessage
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	withTxID, _ := pix.Encode(pix.Code{Key: key, Amount: 2500, Name: "Credor", City: "Recife", TxID: "ACORDO7"})
	open, _ := pix.Encode(pix.Code{Key: key, Name: "Credor", City: "Recife"})
	notOurs, _ := pix.Encode(pix.Code{Key: "outro@banco.example", Name: "Outro", City: "Recife"})

	if code, out := pay(`{"brcode":"` + withTxID + `"}`); code != 200 || !strings.Contains(string(out["pix"]), `"valor":"25.00"`) {
		t.Fatalf("static with txid: %d %s", code, out["pix"])
	}
	if code, out := pay(`{"brcode":"` + open + `"}`); code != 422 {
		t.Fatalf("open amount without valor: %d %v", code, out)
	}
	if code, _ := pay(`{"brcode":"` + open + `","valor":"7.50"}`); code != 200 {
		t.Fatalf("open amount with valor: %d", code)
	}
	if code, _ := pay(`{"brcode":"` + notOurs + `","valor":"7.50"}`); code != 422 {
		t.Fatalf("someone else's key: %d", code)
	}
	if code, _ := pay(`{}`); code != 400 {
		t.Fatalf("empty request: %d", code)
	}
	got := sink.Payments()
	if len(got) != 1 || got[0].TxID != "ACORDO7" || got[0].Amount != 2500 {
		t.Fatalf("webhook bookings %+v", got)
	}
	psp.mu.Lock()
	n := len(psp.pix)
	psp.mu.Unlock()
	if n != 2 {
		t.Fatalf("PSP recorded %d Pix, want 2", n)
	}
	if _, err := psp.Pay(context.Background(), Payment{TxID: "nope00000000000000000000000"}); err == nil {
		t.Error("paid an unknown txid")
	}
}

func TestPEM(t *testing.T) {
	ca, err := NewPKI("demo")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ca.Client("regua")
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := CertPEM(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ca.CAPEM()), "BEGIN CERTIFICATE") || len(back.Certificate) != 1 {
		t.Error("PEM round trip failed")
	}
}
