package reconcile_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// BenchmarkBookBoletos books settlements of issued boletos on SQLite,
// 1,000 per op (one batch), with every side effect (payments, installments,
// events, charges, attempts cancelled, receipts planned).
//
//	go test ./internal/reconcile -run XXX -bench BookBoletos -benchtime 20x
func BenchmarkBookBoletos(b *testing.B) {
	const per = 1000
	ctx := context.Background()
	db := storetest.SQLite(b)
	ten, _ := db.CreateTenant(ctx, "bench")
	cr, _ := db.UpsertCreditor(ctx, ten.ID, domain.Creditor{ExtID: "c", Name: "Credor"})
	pf, _ := db.UpsertPortfolio(ctx, ten.ID, domain.Portfolio{CreditorID: cr.ID, ExtID: "p", Name: "P"})
	if err := db.SetBankAccount(ctx, ten.ID, storetest.ItauAccount(cr.ID)); err != nil {
		b.Fatal(err)
	}
	n := b.N * per
	rows := make([]store.ImportRow, 0, n)
	for i := range n {
		r := storetest.Row(i+2, fmt.Sprintf("D%08d", i/2), "Devedor", fmt.Sprintf("C-%d", i/2), i%2+1, date.New(2026, 12, 10), money.Money(10000+i%5000))
		r.Contacts = []domain.ContactPoint{{Kind: domain.Email, Value: fmt.Sprintf("d%d@example.com", i/2)}}
		rows = append(rows, r)
	}
	for start := 0; start < n; start += 5000 {
		if _, err := db.ApplyImport(ctx, ten.ID, pf.ID, rows[start:min(start+5000, n)]); err != nil {
			b.Fatal(err)
		}
	}
	is := &billing.Issuer{Store: db, Now: func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }}
	var in []store.Incoming
	for start := 0; start < n; start += 5000 {
		var reqs []billing.Request
		for _, r := range rows[start:min(start+5000, n)] {
			reqs = append(reqs, billing.Request{Open: store.OpenAmount{RefKind: store.RefInstallment, RefID: r.Installment.ID, InstallmentID: r.Installment.ID,
				DebtorID: r.Debtor.ID, DebtID: r.Debt.ID, CreditorID: cr.ID, Amount: r.Installment.Amount, DueDate: r.Installment.DueDate}, Boleto: true})
		}
		iss, err := is.Issue(ctx, ten.ID, reqs)
		if err != nil {
			b.Fatal(err)
		}
		for _, x := range iss {
			in = append(in, store.Incoming{Source: domain.PaidBoleto, SourceRef: "341/" + x.Boleto.OurNumber, Bank: "341", OurNumber: x.Boleto.OurNumber, Amount: x.Boleto.Amount, PaidAt: time.Now()})
		}
	}
	r := &reconcile.Reconciler{Store: db, Batch: per}
	b.ResetTimer()
	for i := range b.N {
		o, err := r.Book(ctx, ten.ID, in[i*per:(i+1)*per])
		if err != nil || o.Booked != per {
			b.Fatalf("%+v %v", o, err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkBookPix books one received Pix per op, as the webhook intake
// does (PixSink: its own transaction, then the promise follow-up), against
// a portfolio of 2,000 installments with static PIX charges: the time from
// a webhook's payment to its installment paid and its debt's collection
// stopped. It reports the median and the 99th percentile beside the mean.
//
//	REGUA_TEST_POSTGRES_URL=postgres://… go test ./internal/reconcile -run XXX -bench BookPix -benchtime 1000x
func BenchmarkBookPix(b *testing.B) {
	stores := map[string]func(testing.TB) *sqldb.DB{"sqlite": storetest.SQLite}
	if os.Getenv("REGUA_TEST_POSTGRES_URL") != "" {
		stores["postgres"] = storetest.Postgres
	}
	for _, name := range []string{"sqlite", "postgres"} {
		open, ok := stores[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			const installments = 2000
			ctx := context.Background()
			db := open(b)
			ten, _ := db.CreateTenant(ctx, "bench")
			cr, _ := db.UpsertCreditor(ctx, ten.ID, domain.Creditor{ExtID: "c", Name: "Credor"})
			pf, _ := db.UpsertPortfolio(ctx, ten.ID, domain.Portfolio{CreditorID: cr.ID, ExtID: "p", Name: "P"})
			if err := db.SetBankAccount(ctx, ten.ID, storetest.ItauAccount(cr.ID)); err != nil {
				b.Fatal(err)
			}
			rows := make([]store.ImportRow, 0, installments)
			for i := range installments {
				r := storetest.Row(i+2, fmt.Sprintf("D%08d", i/2), "Devedor", fmt.Sprintf("C-%d", i/2), i%2+1, date.New(2026, 12, 10), money.Money(10000+i))
				r.Contacts = []domain.ContactPoint{{Kind: domain.Email, Value: fmt.Sprintf("d%d@example.com", i/2)}}
				rows = append(rows, r)
			}
			if _, err := db.ApplyImport(ctx, ten.ID, pf.ID, rows); err != nil {
				b.Fatal(err)
			}
			var reqs []billing.Request
			for _, r := range rows {
				reqs = append(reqs, billing.Request{Open: store.OpenAmount{RefKind: store.RefInstallment, RefID: r.Installment.ID, InstallmentID: r.Installment.ID,
					DebtorID: r.Debtor.ID, DebtID: r.Debt.ID, CreditorID: cr.ID, Amount: r.Installment.Amount, DueDate: r.Installment.DueDate}, Pix: true})
			}
			is := &billing.Issuer{Store: db, Now: func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }}
			issued, err := is.Issue(ctx, ten.ID, reqs)
			if err != nil {
				b.Fatal(err)
			}
			sink := reconcile.PixSink{R: &reconcile.Reconciler{Store: db}, Tenant: ten.ID}
			took := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				c := issued[i%len(issued)].Pix
				p := pixapi.ReceivedPix{EndToEndID: fmt.Sprintf("E%031d", i), TxID: c.TxID, Amount: c.Amount, Time: time.Now()}
				t0 := time.Now()
				if dup, err := sink.BookPix(ctx, p); err != nil || dup {
					b.Fatalf("Pix %s: duplicate %v, %v", p.EndToEndID, dup, err)
				}
				took = append(took, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
		})
	}
}
