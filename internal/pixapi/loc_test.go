package pixapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/pix"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/pixpsp"
)

func (w *world) verifier() *pixapi.PayloadVerifier {
	return &pixapi.PayloadVerifier{Roots: w.pspPKI.Pool}
}

// rawPayload fetches what a location serves, without checking it.
func (w *world) rawPayload(t *testing.T, location string) []byte {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pixapi.ClientTLSConfig(w.hookCert, w.pspPKI.Pool)}}
	resp, err := hc.Get("https://" + location)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/jose" {
		t.Fatalf("GET %s: %s %s", location, resp.Status, b)
	}
	return b
}

// A cob's dynamic BR Code carries only the location; the payer's bank
// fetches it over TLS with no client certificate and checks the PSP's
// signature, then pays; the payload then says CONCLUIDA.
func TestCobLocationPayload(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	const txid = "regua0000000000000000000loc1"
	cob, err := w.client.CreateCob(ctx, txid, pixapi.CobRequest{Valor: pixapi.CobValor{Original: 98765}, Chave: ourKey,
		Devedor: &pixapi.Devedor{CPF: "12345678909", Nome: "Fulano de Tal"}, SolicitacaoPagador: "Acordo 7 parcela 2"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cob.Location, w.psp.PayloadHost()+"/qr/v2/") {
		t.Fatalf("location %q is not on the payload host %s", cob.Location, w.psp.PayloadHost())
	}
	code, err := pix.Decode(cob.PixCopiaECola)
	if err != nil || code.Kind != pix.Dynamic || code.URL != cob.Location || code.Key != "" || code.Amount != 0 {
		t.Fatalf("copia e cola %q: %+v %v", cob.PixCopiaECola, code, err)
	}
	v := w.verifier()
	got, err := v.Fetch(ctx, code.URL, pixapi.PayloadQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if got.TxID != txid || got.Amount() != 98765 || got.Status != pixapi.StatusActive || got.Chave != ourKey || got.Devedor == nil || got.SolicitacaoPagador != "Acordo 7 parcela 2" {
		t.Fatalf("payload %+v", got.Payload)
	}
	if got.Header.Alg != "PS256" || len(got.Header.X5c) != 2 || got.Header.Jku != "https://"+w.psp.PayloadHost()+"/jwks" || got.Header.X5t == "" || got.Header.Kid == "" {
		t.Fatalf("header %+v", got.Header)
	}
	if err := got.Check(pixapi.Expect{TxID: txid, Amount: money.Money(98765), Payable: true}); err != nil {
		t.Fatal(err)
	}
	if err := got.Check(pixapi.Expect{TxID: txid, Amount: money.Money(100)}); err == nil {
		t.Error("a different amount passed the check")
	}
	if err := got.Check(pixapi.Expect{TxID: "outro0000000000000000000000"}); err == nil {
		t.Error("a different txid passed the check")
	}

	// Someone who trusts other roots refuses it.
	if _, err := (&pixapi.PayloadVerifier{Roots: w.ourPKI.Pool}).Fetch(ctx, code.URL, pixapi.PayloadQuery{}); err == nil {
		t.Error("payload accepted under foreign roots")
	}

	if _, err := w.psp.Pay(ctx, pixpspPayment(cob.PixCopiaECola)); err != nil {
		t.Fatal(err)
	}
	paid, err := v.Fetch(ctx, code.URL, pixapi.PayloadQuery{})
	if err != nil || paid.Status != pixapi.StatusCompleted {
		t.Fatalf("after payment: %+v %v", paid, err)
	}
	if err := paid.Check(pixapi.Expect{TxID: txid, Payable: true}); err == nil {
		t.Error("a paid charge passed as payable")
	}
}

// Forged or altered payloads are refused, naming why.
func TestPayloadTampering(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	cob, err := w.client.CreateCob(ctx, "regua0000000000000000000tamp", pixapi.CobRequest{Valor: pixapi.CobValor{Original: 5000}, Chave: ourKey})
	if err != nil {
		t.Fatal(err)
	}
	jws := w.rawPayload(t, cob.Location)
	v := w.verifier()
	if _, err := v.Verify(ctx, cob.Location, jws); err != nil {
		t.Fatalf("untouched payload: %v", err)
	}
	parts := strings.Split(string(jws), ".")
	body, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := strings.Replace(string(body), `"original":"50.00"`, `"original":"0.01"`, 1)
	if forged == string(body) {
		t.Fatalf("payload %s has no amount to forge", body)
	}
	cases := map[string]struct {
		location string
		jws      string
		want     string
	}{
		"altered amount": {cob.Location, parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2], "signature"},
		"other host":     {"pix.other.example/qr/v2/abc", string(jws), "jku"},
		"alg none":       {cob.Location, base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".", "alg"},
		"not a JWS":      {cob.Location, "abc.def", "compact"},
	}
	for name, tc := range cases {
		if _, err := v.Verify(ctx, tc.location, []byte(tc.jws)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error about %s", name, err, tc.want)
		}
	}
	// The signing certificate must be the location host's even when jku
	// agrees with it: serve the same JWS from "localhost".
	if _, err := v.Verify(ctx, strings.Replace(cob.Location, "127.0.0.1", "localhost", 1), jws); err == nil {
		t.Error("payload accepted for a host its certificate does not name")
	}
	var pe *pixapi.PayloadError
	if _, err := v.Verify(ctx, cob.Location, []byte("x.y.z")); !errors.As(err, &pe) || pe.Location != cob.Location {
		t.Errorf("error type %T %v", err, err)
	}
}

// Without x5c in the header the verifier finds the chain through jku.
func TestPayloadThroughJKU(t *testing.T) {
	ctx := context.Background()
	w := newWorldWith(t, true)
	cob, err := w.client.CreateCob(ctx, "regua00000000000000000000jku", pixapi.CobRequest{Valor: pixapi.CobValor{Original: 1234}, Chave: ourKey})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.verifier().Fetch(ctx, cob.Location, pixapi.PayloadQuery{})
	if err != nil || len(got.Header.X5c) != 0 || got.Amount() != 1234 {
		t.Fatalf("%+v %v", got, err)
	}
}

// A cobv location answers the amount due on the intended payment date.
func TestCobVLocationAmountOnDate(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	due := time.Now().AddDate(0, 0, 10)
	for due.Weekday() == time.Saturday || due.Weekday() == time.Sunday {
		due = due.AddDate(0, 0, 1)
	}
	const txid = "regua000000000000000000cobv9"
	valor := pixapi.CobVValor{Original: 100000,
		Multa: &pixapi.Componente{Modalidade: pixapi.MultaPercentual, ValorPerc: 200},
		Juros: &pixapi.Componente{Modalidade: pixapi.JurosPercMesDiasCorridos, ValorPerc: 100}}
	cv, err := w.client.CreateCobV(ctx, txid, pixapi.CobVRequest{Calendario: pixapi.CobVCalendario{DataDeVencimento: due.Format("2006-01-02")},
		Devedor: &pixapi.Devedor{CPF: "12345678909", Nome: "Fulano de Tal"}, Valor: valor, Chave: ourKey})
	if err != nil {
		t.Fatal(err)
	}
	code, err := pix.Decode(cv.PixCopiaECola)
	if err != nil || code.URL != cv.Loc.Location || !pixapi.IsCobV(code.URL) {
		t.Fatalf("copia e cola %q: %+v %v (loc %+v)", cv.PixCopiaECola, code, err, cv.Loc)
	}
	v := w.verifier()
	onTime, err := v.Fetch(ctx, code.URL, pixapi.PayloadQuery{CityCode: "3550308", PaymentDate: due})
	if err != nil || onTime.Amount() != 100000 || onTime.Calendario.DataDeVencimento != due.Format("2006-01-02") || onTime.Recebedor == nil {
		t.Fatalf("on the due date: %+v %v", onTime, err)
	}
	late := due.AddDate(0, 0, 15)
	want, err := valor.AmountDue(cv.Calendario, late, pixapi.WeekdaysOnly)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Fetch(ctx, code.URL, pixapi.PayloadQuery{PaymentDate: late})
	if err != nil || got.Amount() != want.Final.Money() || got.Amount() <= 100000 || got.Valor.Multa == nil {
		t.Fatalf("15 days late: %s, want %s (%v)", got.Amount(), want.Final, err)
	}
	if _, err := v.Fetch(ctx, code.URL, pixapi.PayloadQuery{CityCode: "355"}); err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("bad cidadeCodigo: %v", err)
	}
}

// Locations made ahead (POST /loc) are given to a charge, shown with their
// txid, drawn as QR codes, refused to a second charge and unlinked.
func TestLocEndpoints(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.client
	loc, err := c.CreateLoc(ctx, "cob")
	if err != nil || loc.ID == 0 || loc.TipoCob != "cob" || !strings.HasPrefix(loc.Location, w.psp.PayloadHost()) {
		t.Fatalf("create: %+v %v", loc, err)
	}
	if _, err := c.CreateLoc(ctx, "boleto"); err == nil {
		t.Error("created a location of an unknown type")
	}
	if _, err := w.verifier().Fetch(ctx, loc.Location, pixapi.PayloadQuery{}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("empty location served: %v", err)
	}
	const txid = "regua000000000000000000000L1"
	cob, err := c.CreateCob(ctx, txid, pixapi.CobRequest{Loc: &pixapi.LocRef{ID: loc.ID}, Valor: pixapi.CobValor{Original: 4200}, Chave: ourKey})
	if err != nil || cob.Loc == nil || cob.Loc.ID != loc.ID || cob.Location != loc.Location {
		t.Fatalf("cob with loc: %+v %v", cob, err)
	}
	if got, err := c.GetLoc(ctx, loc.ID); err != nil || got.TxID != txid {
		t.Fatalf("get loc: %+v %v", got, err)
	}
	q, err := c.GetLocQRCode(ctx, loc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if code, err := pix.Decode(q.QRCode); err != nil || code.URL != loc.Location {
		t.Errorf("qrcode %q: %v", q.QRCode, err)
	}
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(q.ImagemQRCode, "data:image/png;base64,"))
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("imagemQrcode is not a PNG data URL: %.40q", q.ImagemQRCode)
	}
	if _, err := c.CreateCob(ctx, "regua000000000000000000000L2", pixapi.CobRequest{Loc: &pixapi.LocRef{ID: loc.ID}, Valor: pixapi.CobValor{Original: 1}, Chave: ourKey}); problemName(err) != "CobOperacaoInvalida" {
		t.Errorf("second charge on a used location: %v", err)
	}
	vloc, _ := c.CreateLoc(ctx, "cobv")
	if _, err := c.CreateCob(ctx, "regua000000000000000000000L3", pixapi.CobRequest{Loc: &pixapi.LocRef{ID: vloc.ID}, Valor: pixapi.CobValor{Original: 1}, Chave: ourKey}); problemName(err) != "CobOperacaoInvalida" {
		t.Errorf("cob on a cobv location: %v", err)
	}
	due := time.Now().AddDate(0, 0, 20).Format("2006-01-02")
	cv, err := c.CreateCobV(ctx, "regua000000000000000000000V1", pixapi.CobVRequest{Loc: &pixapi.LocRef{ID: vloc.ID},
		Calendario: pixapi.CobVCalendario{DataDeVencimento: due}, Devedor: &pixapi.Devedor{CPF: "12345678909", Nome: "Fulano"},
		Valor: pixapi.CobVValor{Original: 700}, Chave: ourKey})
	if err != nil || cv.Loc == nil || cv.Loc.ID != vloc.ID {
		t.Fatalf("cobv on its location: %+v %v", cv, err)
	}
	if got, err := w.verifier().Fetch(ctx, vloc.Location, pixapi.PayloadQuery{}); err != nil || got.TxID != cv.TxID || got.Amount() != 700 {
		t.Errorf("cobv payload: %+v %v", got, err)
	}
	if _, err := c.GetLoc(ctx, 9999); !errors.Is(err, pixapi.ErrNotFound) {
		t.Errorf("unknown loc: %v", err)
	}

	un, err := c.UnlinkLoc(ctx, loc.ID)
	if err != nil || un.TxID != "" {
		t.Fatalf("unlink: %+v %v", un, err)
	}
	if after, err := c.GetCob(ctx, txid, -1); err != nil || after.Loc != nil || after.PixCopiaECola != "" {
		t.Errorf("cob after unlink: %+v %v", after, err)
	}
	if _, err := w.psp.Pay(ctx, pixpspPayment(cob.PixCopiaECola)); err == nil {
		t.Error("paid through an unlinked location")
	}
	// A PATCH gives the charge a location again.
	again, err := c.UpdateCob(ctx, txid, pixapi.CobPatch{Loc: &pixapi.LocRef{ID: loc.ID}})
	if err != nil || again.Loc == nil || again.PixCopiaECola == "" {
		t.Fatalf("relink: %+v %v", again, err)
	}
	if got, err := w.verifier().Fetch(ctx, again.Location, pixapi.PayloadQuery{}); err != nil || got.TxID != txid {
		t.Errorf("relinked payload: %v", err)
	}
}

func pixpspPayment(brcode string) pixpsp.Payment { return pixpsp.Payment{BRCode: brcode} }
