package billing_test

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/pix"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/pixpsp"
	"github.com/regua/regua/internal/store/storetest"
)

// localPSP starts a PSP over mutual TLS with certificates made here, and
// returns an API client with our certificate and a payload verifier that
// trusts the PSP's CA, as a payer's bank trusts the PSP's.
func localPSP(t *testing.T, key string, clock func() time.Time) (*pixpsp.Server, *pixapi.Client, *pixapi.PayloadVerifier) {
	t.Helper()
	ca, err := pixpsp.NewPKI("psp")
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
	psp, err := pixpsp.Start("127.0.0.1:0", pixpsp.Options{
		Cert: must(ca.Server("127.0.0.1")), ClientCAs: ca.Pool, WebhookCert: must(ca.Client("psp")), WebhookRootCAs: ca.Pool,
		Clients: map[string]string{"regua": "s3cret"}, Keys: []string{key}, ReceiverName: "Banco Teste", ReceiverCity: "Sao Paulo",
		PayloadSigner: must(ca.PayloadSigner("127.0.0.1")), Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { psp.Close() })
	client, err := pixapi.New(pixapi.Config{BaseURL: psp.BaseURL(), TokenURL: psp.TokenURL(), ClientID: "regua", ClientSecret: "s3cret",
		TLS: pixapi.ClientTLSConfig(must(ca.Client("regua")), ca.Pool), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return psp, client, &pixapi.PayloadVerifier{Roots: ca.Pool}
}

// With a PSP, a PIX charge is a cob (overdue amount) or a cobv (amount
// falling due ahead) at the PSP; its copia e cola is the dynamic BR Code of
// the PSP's location, whose signed payload carries the same txid and
// amount; paying that code pays the charge.
func TestIssueDynamicPixThroughPSP(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	f := storetest.NewFixture(t, db, "billing-psp")
	acc := storetest.ItauAccount(f.Creditor.ID)
	if err := db.SetBankAccount(ctx, f.Tenant, acc); err != nil {
		t.Fatal(err)
	}
	psp, client, verifier := localPSP(t, acc.PixKey, now)
	l, _ := db.SearchDebtors(ctx, f.Tenant, "52998224725", date.New(2026, 11, 24), 1)
	opens, err := db.OpenAmounts(ctx, f.Tenant, l[0].ID, 0)
	if err != nil || len(opens) != 2 {
		t.Fatalf("open amounts %v %v", opens, err)
	}
	ahead := opens[1]
	ahead.DueDate = date.New(2026, 12, 10) // falls due after "today" (2026-11-24): a cobv
	is := &billing.Issuer{Store: db, Now: now, PSP: client, Verify: verifier}
	iss, err := is.Issue(ctx, f.Tenant, []billing.Request{{Open: opens[0], Pix: true, Boleto: true}, {Open: ahead, Pix: true}})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"cob", "cobv"} {
		c := iss[i].Pix
		code, err := pix.Decode(c.BRCode)
		if err != nil || code.Kind != pix.Dynamic || code.URL != c.Location || code.Key != "" || code.Amount != 0 {
			t.Fatalf("%s: copia e cola %q (location %q): %+v %v", want, c.BRCode, c.Location, code, err)
		}
		if !strings.HasPrefix(c.Location, psp.PayloadHost()+"/qr/v2/") || pixapi.IsCobV(c.Location) != (want == "cobv") {
			t.Errorf("%s: location %s", want, c.Location)
		}
		got, err := verifier.Fetch(ctx, c.Location, pixapi.PayloadQuery{PaymentDate: now()})
		if err != nil {
			t.Fatalf("%s: %v", want, err)
		}
		if err := got.Check(pixapi.Expect{TxID: c.TxID, Amount: c.Amount, Payable: true}); err != nil {
			t.Errorf("%s: %v", want, err)
		}
		if got.Devedor == nil || got.Devedor.CPF != "52998224725" {
			t.Errorf("%s: devedor %+v", want, got.Devedor)
		}
		if saved, err := db.Charge(ctx, f.Tenant, c.ID); err != nil || saved.Location != c.Location || saved.BRCode != c.BRCode {
			t.Errorf("%s: saved %+v %v", want, saved, err)
		}
	}
	// The boleto híbrido shows the same dynamic code.
	if iss[0].Boleto.BRCode != iss[0].Pix.BRCode {
		t.Error("boleto híbrido without the dynamic code")
	}
	paid, err := psp.Pay(ctx, pixpsp.Payment{BRCode: iss[0].Pix.BRCode})
	if err != nil || paid.TxID != iss[0].Pix.TxID || paid.Valor.Money() != opens[0].Amount {
		t.Fatalf("paying the code: %+v %v", paid, err)
	}
}

// A PSP whose payload disagrees with the charge is caught at issue time
// and nothing is saved.
func TestIssueRefusesAPayloadThatDisagrees(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	f := storetest.NewFixture(t, db, "billing-psp-bad")
	acc := storetest.ItauAccount(f.Creditor.ID)
	db.SetBankAccount(ctx, f.Tenant, acc)
	_, client, verifier := localPSP(t, acc.PixKey, now)
	l, _ := db.SearchDebtors(ctx, f.Tenant, "52998224725", date.New(2026, 11, 24), 1)
	opens, _ := db.OpenAmounts(ctx, f.Tenant, l[0].ID, 0)
	is := &billing.Issuer{Store: db, Now: now, PSP: shortChanging{client}, Verify: verifier}
	if _, err := is.Issue(ctx, f.Tenant, []billing.Request{{Open: opens[0], Pix: true}}); err == nil || !strings.Contains(err.Error(), "amount") {
		t.Fatalf("issued although the payload shows another amount: %v", err)
	}
	if cs, err := db.ChargesOfDebtor(ctx, f.Tenant, opens[0].DebtorID); err == nil && len(cs) != 0 {
		t.Errorf("saved %d charges", len(cs))
	}
}

// shortChanging creates every cob one centavo short, as a broken
// integration might.
type shortChanging struct{ *pixapi.Client }

func (s shortChanging) CreateCob(ctx context.Context, txid string, req pixapi.CobRequest) (*pixapi.Cob, error) {
	req.Valor.Original--
	return s.Client.CreateCob(ctx, txid, req)
}
