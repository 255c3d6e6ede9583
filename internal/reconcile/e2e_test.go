package reconcile_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/pix"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/pixpsp"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

const pixKey = "11222333000181"

// TestPixWebhookEndToEnd: the local PSP receives a cob Régua issued,
// a payer pays it, the PSP posts the webhook over mutual TLS to the intake
// backed by the reconciler, and the installment is paid, the debt's planned
// attempts cancelled, a "paid" event written and a receipt planned — within
// a second of the payment. A redelivery books nothing.
func TestPixWebhookEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := billedFixture(t, db, "pix-e2e")
		pspPKI, _ := pixpsp.NewPKI("psp")
		ourPKI, _ := pixpsp.NewPKI("regua")
		cert := func(c tls.Certificate, err error) tls.Certificate {
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		r := &reconcile.Reconciler{Store: db}
		exists := func(ctx context.Context, id domain.TenantID) bool { _, err := db.Tenant(ctx, id); return err == nil }
		hook := httptest.NewUnstartedServer(r.WebhookHandler(exists, true, nil))
		hook.TLS = pixapi.ServerTLSConfig(cert(ourPKI.Server("127.0.0.1")), pspPKI.Pool)
		hook.StartTLS()
		defer hook.Close()
		psp, err := pixpsp.Start("127.0.0.1:0", pixpsp.Options{
			Cert: cert(pspPKI.Server("127.0.0.1")), ClientCAs: pspPKI.Pool,
			WebhookCert: cert(pspPKI.Client("psp-webhooks")), WebhookRootCAs: ourPKI.Pool,
			Clients: map[string]string{"regua": "s3cret"}, Keys: []string{pixKey},
			ReceiverName: "Banco Teste", ReceiverCity: "Sao Paulo", ReceiverCNPJ: pixKey,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer psp.Close()
		client, err := pixapi.New(pixapi.Config{BaseURL: psp.BaseURL(), TokenURL: psp.TokenURL(), ClientID: "regua", ClientSecret: "s3cret",
			TLS: pixapi.ClientTLSConfig(cert(pspPKI.Client("regua")), pspPKI.Pool), Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := client.SetWebhook(ctx, pixKey, fmt.Sprintf("%s/pix/webhook/%d", hook.URL, f.Tenant)); err != nil {
			t.Fatal(err)
		}

		debtor := debtorID(t, db, f, "52998224725")
		opens, err := db.OpenAmounts(ctx, f.Tenant, debtor, 0)
		if err != nil || len(opens) != 2 {
			t.Fatalf("open amounts: %v %v", opens, err)
		}
		if _, err := db.PlanAttempts(ctx, f.Tenant, []store.Attempt{{DebtorID: debtor, DebtID: opens[0].DebtID, StepID: "d+3", AnchorDate: date.New(2026, 11, 20), Channel: "sms", DueAt: time.Now().Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		is := &billing.Issuer{Store: db, PSP: client, Now: func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }}
		issued, err := is.Issue(ctx, f.Tenant, []billing.Request{{Open: opens[0], Pix: true}})
		if err != nil {
			t.Fatal(err)
		}
		ch := issued[0].Pix
		if len(ch.TxID) != 32 || ch.Location == "" || ch.BRCode == "" {
			t.Fatalf("dynamic charge %+v", ch)
		}

		start := time.Now()
		paid, err := psp.Pay(ctx, pixpsp.Payment{TxID: ch.TxID})
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("payment to booking took %s, want within a second", took)
		}
		left, _ := db.OpenAmounts(ctx, f.Tenant, 0, opens[0].InstallmentID)
		if len(left) != 0 {
			t.Fatalf("installment still open after the webhook: %+v", left)
		}
		ps, _ := db.Payments(ctx, f.Tenant, debtor)
		if len(ps) != 1 || ps[0].SourceRef != paid.EndToEndID || ps[0].Amount != opens[0].Amount || ps[0].Source != domain.PaidPix {
			t.Fatalf("payments: %+v", ps)
		}
		at, _ := db.AttemptsOfDebtor(ctx, f.Tenant, debtor, 10)
		var cancelled, receipt bool
		for _, a := range at {
			cancelled = cancelled || (a.StepID == "d+3" && a.Status == store.AttemptCancelled)
			receipt = receipt || (a.Template == "payment_receipt" && a.StepID == fmt.Sprintf("receipt-%d", ps[0].ID))
		}
		if !cancelled || !receipt {
			t.Errorf("attempts: cancelled=%v receipt=%v (%+v)", cancelled, receipt, at)
		}
		evs, _ := db.Events(ctx, f.Tenant, debtor, 5)
		if len(evs) == 0 || evs[0].Kind != domain.EventPaid {
			t.Errorf("events: %+v", evs)
		}
		if c, _ := db.Charge(ctx, f.Tenant, ch.ID); c.Status != store.ChargePaid {
			t.Errorf("charge is %s", c.Status)
		}
		// Redelivery of the same Pix books nothing.
		o, err := r.Store.Reconcile(ctx, f.Tenant, []store.Incoming{reconcile.FromPix(pixapi.ReceivedPix{EndToEndID: paid.EndToEndID, TxID: ch.TxID, Amount: opens[0].Amount, Time: time.Now()})}, reconcile.Classify)
		if err != nil || o.Duplicates != 1 || o.Booked != 0 {
			t.Errorf("redelivery: %+v %v", o, err)
		}
		if ps, _ := db.Payments(ctx, f.Tenant, debtor); len(ps) != 1 {
			t.Errorf("%d payments after redelivery", len(ps))
		}

		// A static BR Code (no PSP involved in issuing) paid at the PSP.
		if _, err := psp.Pay(ctx, pixpsp.Payment{BRCode: mustStatic(t, db, f, opens[1])}); err != nil {
			t.Fatal(err)
		}
		// The static code carries the txid Régua drew: it books too.
		if left, _ := db.OpenAmounts(ctx, f.Tenant, debtor, 0); len(left) != 0 {
			t.Errorf("open after paying the static code: %+v", left)
		}
		// A Pix Régua knows nothing of goes to the queue; the supervisor
		// refunds it through the PSP (devolução).
		foreign, err := pix.Encode(pix.Code{Key: pixKey, Amount: 4321, Name: "Banco Teste", City: "Sao Paulo", TxID: "NOTOURS1"})
		if err != nil {
			t.Fatal(err)
		}
		unknown, err := psp.Pay(ctx, pixpsp.Payment{BRCode: foreign})
		if err != nil {
			t.Fatal(err)
		}
		q, _ := db.QueueItems(ctx, f.Tenant, "open", 10)
		if len(q) != 1 || q[0].Reason != store.QueueUnknown || q[0].EndToEndID != unknown.EndToEndID || q[0].Amount != 4321 {
			t.Fatalf("queue: %+v", q)
		}
		r.Refunds = client
		it, err := r.Resolve(ctx, f.Tenant, q[0].ID, store.Resolution{Action: "refund", Actor: "user:1"})
		if err != nil {
			t.Fatal(err)
		}
		if it.Status != "refunded" || it.Resolution == "" {
			t.Errorf("refunded item: %+v", it)
		}
		got, err := client.GetPix(ctx, unknown.EndToEndID)
		if err != nil || len(got.Devolucoes) != 1 || got.Devolucoes[0].Valor != 4321 {
			t.Errorf("PSP's view of the refunded Pix: %+v %v", got, err)
		}
	})
}

// mustStatic issues a static BR Code (no PSP) for o and returns it.
func mustStatic(t *testing.T, db *sqldb.DB, f storetest.Fixture, o store.OpenAmount) string {
	t.Helper()
	is := &billing.Issuer{Store: db}
	iss, err := is.Issue(context.Background(), f.Tenant, []billing.Request{{Open: o, Pix: true}})
	if err != nil {
		t.Fatal(err)
	}
	return iss[0].Pix.BRCode
}

// billedFixture is the store's fixture tenant with its creditor's Itaú
// account set, so that charges can be issued for its debtors.
func billedFixture(t *testing.T, db *sqldb.DB, name string) storetest.Fixture {
	t.Helper()
	f := storetest.NewFixture(t, db, name)
	if err := db.SetBankAccount(context.Background(), f.Tenant, storetest.ItauAccount(f.Creditor.ID)); err != nil {
		t.Fatal(err)
	}
	return f
}

func debtorID(t *testing.T, db *sqldb.DB, f storetest.Fixture, doc string) int64 {
	t.Helper()
	l, err := db.SearchDebtors(context.Background(), f.Tenant, doc, date.New(2026, 11, 24), 1)
	if err != nil || len(l) != 1 {
		t.Fatalf("debtor %s: %v %v", doc, l, err)
	}
	return l[0].ID
}

// TestReturnFileBookedOnce: boletos issued for open installments, a CNAB
// 240 return generated for them, booked; the same file again books
// nothing; a corrupted file books nothing at all.
func TestReturnFileBookedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := billedFixture(t, db, "cnab-e2e")
		var reqs []billing.Request
		for _, doc := range []string{"52998224725", "11144477735"} {
			opens, err := db.OpenAmounts(ctx, f.Tenant, debtorID(t, db, f, doc), 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range opens {
				reqs = append(reqs, billing.Request{Open: o, Boleto: true})
			}
		}
		is := &billing.Issuer{Store: db, Now: func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }}
		issued, err := is.Issue(ctx, f.Tenant, reqs)
		if err != nil {
			t.Fatal(err)
		}
		var pays []cnab.Payment
		for _, iss := range issued {
			pays = append(pays, cnab.Payment{OurNumber: iss.Boleto.OurNumber, Amount: iss.Boleto.Amount, Due: iss.Boleto.DueDate.In(time.UTC), PaidOn: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)})
		}
		created := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
		good := writeReturn(t, created, pays)
		content, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		// A bad copy: the last detail line one character short. Its earlier
		// records are fine, and still nothing may be booked.
		lines := bytes.SplitAfter(content, []byte("\n"))
		k := len(lines) - 4
		lines[k] = append(bytes.Clone(lines[k][:100]), lines[k][101:]...)
		bad := bytes.Join(lines, nil)
		badPath := filepath.Join(t.TempDir(), "bad.txt")
		os.WriteFile(badPath, bad, 0o644)

		r := &reconcile.Reconciler{Store: db, Batch: 2}
		if _, err := r.ReturnFile(ctx, f.Tenant, badPath); err == nil {
			t.Fatal("a corrupted file was accepted")
		}
		if q, _ := db.QueueItems(ctx, f.Tenant, "", 10); len(q) != 0 {
			t.Fatalf("a bad file queued %d items", len(q))
		}
		res, err := r.ReturnFile(ctx, f.Tenant, good)
		if err != nil {
			t.Fatal(err)
		}
		if res.Payments != len(issued) || res.Booked != len(issued) || res.PaidOff != len(issued) || res.Queued != 0 {
			t.Errorf("first run: %+v", res)
		}
		// Paid on the settlement's occurrence date (the 25th), not the day
		// the bank credits the creditor (the 26th), in the debtor's zone.
		jose := debtorID(t, db, f, "52998224725")
		d, _ := db.Debtor(ctx, f.Tenant, jose)
		ps, _ := db.Payments(ctx, f.Tenant, jose)
		for _, p := range ps {
			if got := domain.PaymentDay(p.PaidAt, d.TimeZone); got != date.New(2026, 11, 25) {
				t.Errorf("payment %s paid at %s: day %s in %s, want 2026-11-25", p.SourceRef, p.PaidAt, got, d.TimeZone)
			}
		}
		if len(ps) == 0 {
			t.Error("no payments booked for 529.982.247-25")
		}
		again, err := r.ReturnFile(ctx, f.Tenant, good)
		if err != nil || !again.Already || again.Booked != 0 {
			t.Errorf("second run: %+v %v", again, err)
		}
		// The same settlements in another file (the bank sent them again)
		// are duplicates record by record.
		other := writeReturn(t, created.AddDate(0, 0, 1), pays)
		third, err := r.ReturnFile(ctx, f.Tenant, other)
		if err != nil || third.Already || third.Duplicates != len(issued) || third.Booked != 0 {
			t.Errorf("same settlements in another file: %+v %v", third, err)
		}
	})
}

// TestConcurrentPaymentsOfOneCharge: two different Pix paying the same
// charge at the same moment (two webhook posts in parallel): one books, the
// other finds the installment paid and goes to the queue.
func TestConcurrentPaymentsOfOneCharge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := billedFixture(t, db, "concurrent")
		opens, _ := db.OpenAmounts(ctx, f.Tenant, debtorID(t, db, f, "52998224725"), 0)
		iss, err := (&billing.Issuer{Store: db}).Issue(ctx, f.Tenant, []billing.Request{{Open: opens[0], Pix: true}})
		if err != nil {
			t.Fatal(err)
		}
		r := &reconcile.Reconciler{Store: db}
		sink := reconcile.PixSink{R: r, Tenant: f.Tenant}
		errs := make(chan error, 2)
		for i := range 2 {
			go func() {
				_, err := sink.BookPix(ctx, pixapi.ReceivedPix{EndToEndID: fmt.Sprintf("E1234567820261124130%011d", i), TxID: iss[0].Pix.TxID, Amount: opens[0].Amount, Time: time.Now()})
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		ps, _ := db.Payments(ctx, f.Tenant, opens[0].DebtorID)
		q, _ := db.QueueItems(ctx, f.Tenant, "open", 10)
		if len(ps) != 1 || len(q) != 1 || q[0].Reason != store.QueuePaidAlready {
			t.Errorf("payments %+v, queue %+v", ps, q)
		}
	})
}
