package sqldb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/storetest"
)

// TestImportRefreshesStatistics: on PostgreSQL, imports analyse the tables
// they grow before the 1st, 2nd, 4th… batch of a DB, so the planner never
// works from statistics less than half the tables' size.
func TestImportRefreshesStatistics(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	f := storetest.NewFixture(t, db, "stats") // batch 1: 2 debtors
	reltuples := func() float64 {
		t.Helper()
		var n float64
		if err := db.SQL().QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE relname = 'debtors'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	batch := func(k int) {
		t.Helper()
		rows := make([]store.ImportRow, 5)
		for i := range rows {
			doc := fmt.Sprintf("9%02d%08d", k, i)
			rows[i] = storetest.Row(i+2, doc, "Devedor "+doc, "K-"+doc, 1, date.New(2026, 12, 10), 10000)
		}
		if _, err := db.ApplyImport(ctx, f.Tenant, f.Portfolio.ID, rows); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		batch int
		want  float64 // debtors as analysed before that batch
	}{
		{2, 2},  // analysed: the fixture's 2
		{3, 2},  // not analysed
		{4, 12}, // analysed: 2 + 5 + 5
		{5, 12},
	} {
		batch(c.batch)
		if got := reltuples(); got != c.want {
			t.Errorf("after batch %d: planner sees %v debtors, want %v", c.batch, got, c.want)
		}
	}
}

// TestReconcileStatsFirst: before a return file's first batch, the tables
// booking reads by index get statistics if they never had any (autovacuum
// off); later refreshes analyse only the tables booking grows.
func TestReconcileStatsFirst(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := context.Background()
	storetest.NewFixture(t, db, "stats")
	analysed := func(table string) bool {
		t.Helper()
		var n float64
		if err := db.SQL().QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE relname = $1`, table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n >= 0 // -1: never analysed nor vacuumed
	}
	if err := db.RefreshReconcileStats(ctx, false); err != nil {
		t.Fatal(err)
	}
	if analysed("attempts") || !analysed("payments") {
		t.Fatalf("a later refresh: attempts analysed %v (want false), payments %v (want true)", analysed("attempts"), analysed("payments"))
	}
	if err := db.RefreshReconcileStats(ctx, true); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"installments", "attempts", "charges", "debts", "payments"} {
		if !analysed(table) {
			t.Errorf("after the first refresh, %s has no statistics", table)
		}
	}
}
