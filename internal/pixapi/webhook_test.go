package pixapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const okPix = `{"endToEndId":"E12345678202603101530abcdefghijk","txid":"regua0000000000000000000000001","valor":"123.45","chave":"11222333000181","horario":"2026-03-10T15:30:12.345Z","infoPagador":"parcela 1"}`

func TestParseWebhook(t *testing.T) {
	got, err := ParseWebhook([]byte(`{"pix":[` + okPix + `,` + okPix + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("same endToEndId twice in a batch gave %d payments", len(got))
	}
	p := got[0]
	if p.EndToEndID != "E12345678202603101530abcdefghijk" || p.TxID != "regua0000000000000000000000001" || p.Amount != 12345 ||
		!p.Time.Equal(time.Date(2026, 3, 10, 15, 30, 12, 345e6, time.UTC)) || p.Key != "11222333000181" || p.PayerInfo != "parcela 1" {
		t.Errorf("parsed %+v", p)
	}
	bad := []struct{ body, want string }{
		{`not json`, "webhook body"},
		{`{}`, `no "pix"`},
		{`{"pix":[{"endToEndId":"E1","valor":"1.00","horario":"2026-03-10T15:30:12Z"}]}`, "endToEndId"},
		{`{"pix":[{"endToEndId":"E12345678202613101530abcdefghijk","valor":"1.00","horario":"2026-03-10T15:30:12Z"}]}`, "yyyyMMddHHmm"},
		{`{"pix":[{"endToEndId":"E12345678202603101530abcdefghijk","valor":"1,00","horario":"2026-03-10T15:30:12Z"}]}`, "pix[0]"},
		{`{"pix":[{"endToEndId":"E12345678202603101530abcdefghijk","valor":"0.00","horario":"2026-03-10T15:30:12Z"}]}`, "valor"},
		{`{"pix":[{"endToEndId":"E12345678202603101530abcdefghijk","valor":"1.00"}]}`, "horario"},
		{`{"pix":[{"endToEndId":"E12345678202603101530abcdefghijk","txid":"a-b","valor":"1.00","horario":"2026-03-10T15:30:12Z"}]}`, "txid"},
		{`{"pix":[` + okPix + `,{"endToEndId":"bad"}]}`, "pix[1]"},
		{`{"pix":[{"endToEndId":"E12345678202603101530abcdefghijk","valor":"1.00","horario":"2026-03-10T15:30:12Z","devolucoes":[{"id":"d1","rtrId":"D1","valor":"2.00","status":"DEVOLVIDO"}]}]}`, "devolucoes[0]"},
		{`{"pix":[{"endToEndId":"E12345678202603101530abcdefghijk","valor":"1.00","horario":"2026-03-10T15:30:12Z","devolucoes":[{"id":"d1","rtrId":"D1","valor":"1.00","status":"FEITO"}]}]}`, "devolucoes[0].status"},
	}
	for _, b := range bad {
		if _, err := ParseWebhook([]byte(b.body)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ParseWebhook(%s) = %v, want error with %q", b.body, err, b.want)
		}
	}
}

func FuzzParseWebhook(f *testing.F) {
	f.Add([]byte(`{"pix":[` + okPix + `]}`))
	f.Add([]byte(`{"pix":[]}`))
	f.Add([]byte(`{"pix":[{"endToEndId":"E12345678202603101530abcdefghijk","valor":"1.00","horario":"2026-03-10T15:30:12Z"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ps, err := ParseWebhook(body)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, p := range ps {
			if CheckEndToEndID(p.EndToEndID) != nil || p.Amount <= 0 || p.Time.IsZero() || seen[p.EndToEndID] {
				t.Fatalf("accepted a bad or repeated payment: %+v", p)
			}
			seen[p.EndToEndID] = true
		}
	})
}

// verifiedTLS fakes what a TLS server that verified a client certificate
// puts on the request.
func verifiedTLS() *tls.ConnectionState {
	return &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{{}}}}
}

func TestWebhookHandler(t *testing.T) {
	sink := NewMemorySink()
	h := &WebhookHandler{Sink: sink, RequireClientCert: true}
	post := func(body string, withCert bool, method string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/webhooks/pix/pix", strings.NewReader(body))
		if withCert {
			r.TLS = verifiedTLS()
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	body := `{"pix":[` + okPix + `]}`
	if w := post(body, false, "POST"); w.Code != http.StatusUnauthorized || len(sink.Payments()) != 0 {
		t.Fatalf("without a client certificate: %d %s", w.Code, w.Body)
	}
	if w := post(body, true, "GET"); w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", w.Code)
	}
	if w := post(`{"pix":[`+okPix+`,{"endToEndId":"x"}]}`, true, "POST"); w.Code != http.StatusBadRequest || len(sink.Payments()) != 0 {
		t.Fatalf("half-bad batch: %d %s, booked %d", w.Code, w.Body, len(sink.Payments()))
	}
	sink.FailNext(1)
	if w := post(body, true, "POST"); w.Code != http.StatusInternalServerError || len(sink.Payments()) != 0 {
		t.Fatalf("failing sink: %d", w.Code)
	}
	if w := post(body, true, "POST"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"booked":1`) {
		t.Fatalf("first delivery: %d %s", w.Code, w.Body)
	}
	if w := post(body, true, "POST"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"duplicates":1`) {
		t.Fatalf("second delivery: %d %s", w.Code, w.Body)
	}
	if n := len(sink.Payments()); n != 1 {
		t.Fatalf("booked %d payments, want 1", n)
	}
	select {
	case p := <-sink.Booked():
		if p.Amount != 12345 {
			t.Errorf("notified %+v", p)
		}
	default:
		t.Error("no notification of the booking")
	}
	if dup, err := sink.BookPix(context.Background(), sink.Payments()[0]); !dup || err != nil {
		t.Errorf("direct re-booking: dup=%v err=%v", dup, err)
	}

	// A refund in progress, then done: two bookings; the same news again:
	// none.
	refund := func(status string) string {
		return `{"pix":[{"endToEndId":"E12345678202603101530abcdefghijk","txid":"regua0000000000000000000000001","valor":"123.45","horario":"2026-03-10T15:30:12.345Z","devolucoes":[{"id":"d1","rtrId":"D12345678202603111000abcdefghijk","valor":"23.45","status":"` + status + `"}]}]}`
	}
	for i, tc := range []struct{ status, want string }{{RefundInProgress, `"refunds":1`}, {RefundDone, `"refunds":1`}, {RefundDone, `"duplicates":1}`}} {
		if w := post(refund(tc.status), true, "POST"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("refund post %d: %d %s, want %s", i, w.Code, w.Body, tc.want)
		}
	}
	if r := sink.Refunds()["D12345678202603111000abcdefghijk"]; r.Status != RefundDone || r.Valor != 2345 {
		t.Errorf("refund booked as %+v", r)
	}
}
