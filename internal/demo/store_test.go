package demo_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/demo"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
)

// TestLoadIntoStore loads a small demo the way docs/demo.md tells `regua
// demo` to: fixture first, rows routed by Row.Portfolio, installments
// imported unpaid and Row.Payments booked. The SQLite store must take every
// row, take them again as unchanged, and end with the generated paid
// amounts and payments.
func TestLoadIntoStore(t *testing.T) {
	ctx := context.Background()
	asOf := date.New(2026, 11, 24)
	db, err := sqldb.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	f := demo.Users()
	ten, err := db.CreateTenant(ctx, f.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	portfolio := map[string]int64{}
	for _, c := range f.Creditors {
		cr, err := db.UpsertCreditor(ctx, ten.ID, domain.Creditor{ExtID: c.ExtID, Name: c.Name, Document: c.Document})
		if err != nil {
			t.Fatalf("creditor %s: %v", c.Name, err)
		}
		for _, p := range c.Portfolios {
			pf, err := db.UpsertPortfolio(ctx, ten.ID, domain.Portfolio{CreditorID: cr.ID, ExtID: p.ExtID, Name: p.Name})
			if err != nil {
				t.Fatalf("portfolio %s: %v", p.Name, err)
			}
			portfolio[p.ExtID] = pf.ID
		}
	}

	var rows []demo.Row
	batches := map[string][]store.ImportRow{}
	err = demo.Generate(demo.Options{Seed: 3, Debtors: 200, AsOf: asOf}, func(r demo.Row) error {
		rows = append(rows, r)
		ir := r.ImportRow
		ir.Installment.Paid, ir.Installment.Status = 0, domain.InstallmentOpen
		if r.Disputed {
			ir.Debt.Status = domain.DebtDisputed
		}
		batches[r.Portfolio] = append(batches[r.Portfolio], ir)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	apply := func() store.ImportCounts {
		var total store.ImportCounts
		for p, b := range batches {
			id, ok := portfolio[p]
			if !ok {
				t.Fatalf("row in portfolio %q, not in the fixture", p)
			}
			c, err := db.ApplyImport(ctx, ten.ID, id, b)
			if err != nil {
				t.Fatalf("import into %s: %v", p, err)
			}
			total.Add(c)
		}
		return total
	}
	if c := apply(); c.Inserted != len(rows) {
		t.Fatalf("first load: %+v, want %d inserted", c, len(rows))
	}
	if c := apply(); c.Unchanged != len(rows) {
		t.Fatalf("second load: %+v, want %d unchanged", c, len(rows))
	}

	// Find each debtor and its installments' ids, then book the payments.
	type key struct {
		contract string
		number   int
	}
	debtorOf := map[string]int64{}
	installment := map[key]int64{}
	for _, r := range rows {
		if _, ok := debtorOf[r.Debtor.ExtID]; ok {
			continue
		}
		found, err := db.SearchDebtors(ctx, ten.ID, r.Debtor.Document, asOf, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range found {
			d, err := db.Debtor(ctx, ten.ID, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.ExtID == r.Debtor.ExtID {
				debtorOf[r.Debtor.ExtID] = s.ID
			}
		}
		id, ok := debtorOf[r.Debtor.ExtID]
		if !ok {
			t.Fatalf("debtor %s not found by its document", r.Debtor.ExtID)
		}
		v, err := db.Debtor360(ctx, ten.ID, id, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range v.Debts {
			for _, in := range d.Installments {
				installment[key{d.ContractNumber, in.Number}] = in.ID
			}
		}
	}
	payments := map[string]int{}
	for _, r := range rows {
		for _, p := range r.Payments {
			p.InstallmentID = installment[key{r.Debt.ContractNumber, r.Installment.Number}]
			if _, dup, err := db.BookPayment(ctx, ten.ID, p); err != nil || dup {
				t.Fatalf("book %s: dup %v, %v", p.SourceRef, dup, err)
			}
			if _, dup, err := db.BookPayment(ctx, ten.ID, p); err != nil || !dup {
				t.Fatalf("book %s again: dup %v, %v", p.SourceRef, dup, err)
			}
			payments[r.Debtor.ExtID]++
		}
	}
	if len(payments) == 0 {
		t.Fatal("no payments generated")
	}

	// The store now holds the generated paid amounts and payments.
	paid := map[key]money.Money{}
	status := map[string]domain.DebtStatus{}
	checked := map[string]bool{}
	for _, r := range rows {
		if checked[r.Debtor.ExtID] {
			continue
		}
		checked[r.Debtor.ExtID] = true
		v, err := db.Debtor360(ctx, ten.ID, debtorOf[r.Debtor.ExtID], 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Payments) != payments[r.Debtor.ExtID] {
			t.Errorf("debtor %s: %d payments stored, %d generated", r.Debtor.ExtID, len(v.Payments), payments[r.Debtor.ExtID])
		}
		for _, d := range v.Debts {
			status[d.ContractNumber] = d.Status
			for _, in := range d.Installments {
				paid[key{d.ContractNumber, in.Number}] = in.Paid
			}
		}
	}
	disputed := 0
	for _, r := range rows {
		want := domain.DebtOpen
		if r.Disputed {
			want = domain.DebtDisputed
			disputed++
		}
		if got := status[r.Debt.ContractNumber]; got != want {
			t.Errorf("%s: status %s stored, want %s", r.Debt.ContractNumber, got, want)
		}
		if got := paid[key{r.Debt.ContractNumber, r.Installment.Number}]; got != r.Installment.Paid {
			t.Errorf("%s/%d: paid %s stored, %s generated", r.Debt.ContractNumber, r.Installment.Number, got, r.Installment.Paid)
		}
	}
	if disputed == 0 {
		t.Error("no disputed debt in the sample")
	}
}
