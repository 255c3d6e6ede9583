package agencyexport

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/regua/regua/internal/bench"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
	"github.com/regua/regua/internal/taxid"
)

// BenchmarkClose closes a batch of 5,000 debts (two installments each, a
// mobile and an e-mail per debtor; every tenth paid before the close) and
// writes its CSV: one op is one whole batch. Run with -benchtime 1x.
func BenchmarkClose(b *testing.B) {
	const n = 5000
	for _, st := range []string{"sqlite", "postgres"} {
		b.Run(st, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				var db *sqldb.DB
				if st == "sqlite" {
					db = storetest.SQLite(b)
				} else {
					db = storetest.Postgres(b)
				}
				tenant := seed(b, db, n)
				cpu0 := bench.CPUTime()
				b.StartTimer()
				bt, err := (&Exports{S: db}).Close(context.Background(), tenant, "Assessoria", "bench", date.New(2026, 12, 9), io.Discard, Options{})
				b.StopTimer()
				if err != nil || bt.Exported+bt.Dropped != n {
					b.Fatalf("close: %+v %v", bt, err)
				}
				b.ReportMetric(float64(bench.CPUTime()-cpu0)/1e6, "cpu-ms/batch")
				b.StartTimer()
			}
		})
	}
}

func seed(b *testing.B, db *sqldb.DB, n int) domain.TenantID {
	ctx := context.Background()
	f := storetest.NewFixture(b, db, "bench")
	r := rand.New(rand.NewPCG(1, 2))
	var rows []store.ImportRow
	for i := range n {
		doc := taxid.GenerateCPF(r).Number
		for k := 1; k <= 2; k++ {
			row := storetest.Row(i*2+k, doc, fmt.Sprintf("Devedor %d", i), fmt.Sprintf("B-%06d", i), k, date.New(2026, time.Month(8+k), 10), 25000)
			row.Contacts = []domain.ContactPoint{{Kind: domain.Mobile, Value: fmt.Sprintf("+55119%08d", i)}, {Kind: domain.Email, Value: fmt.Sprintf("d%d@example.com", i)}}
			rows = append(rows, row)
		}
	}
	for start := 0; start < len(rows); start += 2000 {
		if _, err := db.ApplyImport(ctx, f.Tenant, f.Portfolio.ID, rows[start:min(start+2000, len(rows))]); err != nil {
			b.Fatal(err)
		}
	}
	// Debt ids and installments straight from the tables: the search
	// per debtor would dominate the set-up.
	rs, err := db.SQL().QueryContext(ctx, db.Rebind(`SELECT d.id, i.id, i.amount FROM debts d JOIN installments i ON i.tenant_id = d.tenant_id AND i.debt_id = d.id
	  WHERE d.tenant_id = ? AND d.contract_number LIKE 'B-%' ORDER BY d.id, i.id`), f.Tenant)
	if err != nil {
		b.Fatal(err)
	}
	type inst struct{ debt, id, amount int64 }
	var ins []inst
	for rs.Next() {
		var x inst
		rs.Scan(&x.debt, &x.id, &x.amount)
		ins = append(ins, x)
	}
	rs.Close()
	k := 0
	for i := 0; i < len(ins); i += 2 {
		if _, _, err := db.AddToExport(ctx, f.Tenant, store.ExportItem{AttemptID: int64(k + 1), DebtID: ins[i].debt, Target: "Assessoria"}); err != nil {
			b.Fatal(err)
		}
		if k%10 == 0 {
			for _, x := range ins[i : i+2] {
				if _, _, err := db.BookPayment(ctx, f.Tenant, domain.Payment{InstallmentID: x.id, Amount: money.Money(x.amount), PaidAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), Source: domain.PaidManual, SourceRef: fmt.Sprintf("p%d", x.id)}); err != nil {
					b.Fatal(err)
				}
			}
		}
		k++
	}
	return f.Tenant
}
