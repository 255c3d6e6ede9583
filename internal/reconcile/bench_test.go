package reconcile_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/domain"
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
	n := b.N * per
	ten, issued := issuedBook(b, db, n, billing.Request{Boleto: true})
	in := make([]store.Incoming, 0, n)
	for _, x := range issued {
		in = append(in, store.Incoming{Source: domain.PaidBoleto, SourceRef: "341/" + x.Boleto.OurNumber, Bank: "341", OurNumber: x.Boleto.OurNumber, Amount: x.Boleto.Amount, PaidAt: time.Now()})
	}
	r := &reconcile.Reconciler{Store: db, Batch: per}
	b.ResetTimer()
	for i := range b.N {
		o, err := r.Book(ctx, ten, in[i*per:(i+1)*per])
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
			ten, issued := issuedBook(b, db, installments, billing.Request{Pix: true})
			sink := reconcile.PixSink{R: &reconcile.Reconciler{Store: db}, Tenant: ten}
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
