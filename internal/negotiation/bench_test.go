package negotiation

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/storetest"
)

// BenchmarkMenuFromStore: one debtor's menu with the store reads it needs
// (debtor 360, creditors, portfolio, policies) on SQLite.
func BenchmarkMenuFromStore(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite(b)
	f := storetest.NewFixture(b, db, "bench")
	body, err := os.ReadFile("../offer/demo_policies.json")
	if err != nil {
		b.Fatal(err)
	}
	svc := &Service{Store: db}
	if _, err := svc.SavePolicies(ctx, f.Tenant, body, "bench"); err != nil {
		b.Fatal(err)
	}
	jose, _ := storetest.FixtureDebts(b, db, f.Tenant, "52998224725")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := svc.Menu(ctx, f.Tenant, MenuRequest{DebtorID: jose, AsOf: date.New(2026, 11, 24)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckBreaches: the job over 1,000 active agreements that are
// current (the usual run: read, evaluate, change nothing), per agreement.
func BenchmarkCheckBreaches(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite(b)
	f := storetest.NewFixture(b, db, "bench")
	const n = 1000
	rows := make([]store.ImportRow, n)
	for i := range rows {
		doc := fmt.Sprintf("%011d", 10_000_000_000+i)
		rows[i] = storetest.Row(i+2, doc, "Devedor "+doc, "B-"+doc, 1, date.New(2026, 9, 10), 100000)
	}
	if _, err := db.ApplyImport(ctx, f.Tenant, f.Portfolio.ID, rows); err != nil {
		b.Fatal(err)
	}
	terms, _ := json.Marshal(sampleAgreement(b))
	for i := range rows {
		ds, err := db.SearchDebtors(ctx, f.Tenant, rows[i].Debtor.Document, date.New(2026, 11, 24), 1)
		if err != nil || len(ds) != 1 {
			b.Fatal(err)
		}
		v, _ := db.Debtor360(ctx, f.Tenant, ds[0].ID, 1)
		a := storetest.TestAgreement(ds[0].ID, fmt.Sprint("o-", i), []int64{v.Debts[0].ID}, date.New(2026, 11, 24), 100000, 100000)
		a.Doc = terms
		if _, _, err := db.CreateAgreement(ctx, f.Tenant, a); err != nil {
			b.Fatal(err)
		}
	}
	svc := &Service{Store: db, Now: func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := svc.CheckBreaches(ctx, f.Tenant, date.New(2026, 11, 25))
		if err != nil || rep.Checked != n || rep.Broken != 0 {
			b.Fatalf("%+v %v", rep, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1000, "µs/agreement")
}
