package reconcile_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// partsStore counts the parts booked and, when lie is set, splits batches
// wrongly (parts 1 and 2 swapped, part 0 right), as a split made before a
// charge was issued would: part 0 commits, the swapped parts refuse.
type partsStore struct {
	*sqldb.DB
	lie          bool
	parts, whole atomic.Int64
}

func (s *partsStore) SplitByDebtor(ctx context.Context, tenant domain.TenantID, in []store.Incoming, n int) ([][]store.Incoming, error) {
	split, err := s.DB.SplitByDebtor(ctx, tenant, in, n)
	if err != nil || !s.lie || len(split) < 2 {
		return split, err
	}
	if len(split) > 2 {
		split[1], split[2] = split[2], split[1]
	}
	return split, nil
}

func (s *partsStore) BookParts(ctx context.Context, tenant domain.TenantID, parts [][]store.Incoming, classify store.Classifier) []store.PartResult {
	for _, p := range parts {
		if len(p) > 0 {
			s.parts.Add(1)
		}
	}
	return s.DB.BookParts(ctx, tenant, parts, classify)
}

func (s *partsStore) Reconcile(ctx context.Context, tenant domain.TenantID, in []store.Incoming, classify store.Classifier) (store.ReconcileOutcome, error) {
	s.whole.Add(1)
	return s.DB.Reconcile(ctx, tenant, in, classify)
}

// partsFile loads debtors with two installments each (both paid in the
// file, so a debtor's two payments must stay in one part), issues their
// boletos and writes a return settling all of them, one of them (of a
// debtor of part 0 of 3) a second time at the end, and one settlement of a
// boleto nobody issued.
func partsFile(t *testing.T, db *sqldb.DB, debtors int) (domain.TenantID, string, int) {
	t.Helper()
	tenant, issued := issuedBook(t, db, debtors*2, billing.Request{Boleto: true})
	paidOn := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	// A debtor's two installments side by side: one batch, one part.
	pays := make([]cnab.Payment, 0, len(issued)+1)
	for _, iss := range issued {
		pays = append(pays, cnab.Payment{OurNumber: iss.Boleto.OurNumber, Amount: iss.Boleto.Amount, Due: iss.Boleto.DueDate.In(time.UTC), PaidOn: paidOn})
	}
	for _, iss := range issued {
		if iss.Open.DebtorID%3 == 0 {
			pays = append(pays, pays[0])
			pays[len(pays)-1].OurNumber, pays[len(pays)-1].Amount = iss.Boleto.OurNumber, iss.Boleto.Amount
			break
		}
	}
	pays = append(pays, cnab.Payment{OurNumber: "99999999", Amount: 12345, Due: paidOn, PaidOn: paidOn})
	path := writeReturn(t, paidOn.AddDate(0, 0, 1), pays)
	return tenant, path, len(issued)
}

// TestReturnFileInParts books a return file in parts of batches split by
// debtor (PostgreSQL; SQLite books whole batches) and checks that it
// books exactly what whole batches book: every installment paid once, one
// receipt per debtor and batch, the unknown settlement queued. A split
// that puts payments in the wrong part (lie) books nothing in those parts
// and the batch is booked whole, with nothing counted twice.
func TestReturnFileInParts(t *testing.T) {
	defer reconcile.SetMinPart(2)()
	const debtors = 30
	for _, lie := range []bool{false, true} {
		t.Run(fmt.Sprintf("lie=%v", lie), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
				ctx := context.Background()
				tenant, path, n := partsFile(t, db, debtors)
				s := &partsStore{DB: db, lie: lie}
				r := &reconcile.Reconciler{Store: s, Batch: 16, Parts: 3}
				res, err := r.ReturnFile(ctx, tenant, path)
				if err != nil {
					t.Fatal(err)
				}
				if res.Payments != n+2 || res.Booked != n || res.PaidOff != n || res.Queued != 1 || res.Duplicates != 1 {
					t.Errorf("outcome: payments %d booked %d paid off %d queued %d duplicates %d; want %d, %d, %d, 1, 1",
						res.Payments, res.Booked, res.PaidOff, res.Queued, res.Duplicates, n+2, n, n)
				}
				var payments, paid, overpaid, receipts, receiptDebtors int
				q := func(sql string, dst *int) {
					t.Helper()
					if err := db.SQL().QueryRowContext(ctx, db.Rebind(sql), tenant).Scan(dst); err != nil {
						t.Fatal(err)
					}
				}
				q(`SELECT COUNT(*) FROM payments WHERE tenant_id = ?`, &payments)
				q(`SELECT COUNT(*) FROM installments WHERE tenant_id = ? AND status = 'paid' AND paid = amount`, &paid)
				q(`SELECT COUNT(*) FROM installments WHERE tenant_id = ? AND paid > amount`, &overpaid)
				q(`SELECT COUNT(*) FROM attempts WHERE tenant_id = ? AND template = 'payment_receipt'`, &receipts)
				q(`SELECT COUNT(DISTINCT debtor_id) FROM attempts WHERE tenant_id = ? AND template = 'payment_receipt'`, &receiptDebtors)
				if payments != n || paid != n || overpaid != 0 {
					t.Errorf("store: %d payments, %d installments paid in full, %d overpaid; want %d, %d, 0", payments, paid, overpaid, n, n)
				}
				// Both installments of a debtor are in one batch (16 is
				// even): one receipt each.
				if receipts != debtors || receiptDebtors != debtors || res.Receipts != debtors {
					t.Errorf("receipts: %d rows for %d debtors, outcome %d; want %d", receipts, receiptDebtors, res.Receipts, debtors)
				}
				items, err := db.QueueItems(ctx, tenant, "open", 10)
				if err != nil || len(items) != 1 || items[0].Reason != store.QueueUnknown {
					t.Errorf("queue: %+v %v", items, err)
				}
				parts, whole := s.parts.Load(), s.whole.Load()
				switch {
				case db.Dialect() != "postgres":
					if parts != 0 {
						t.Errorf("SQLite booked %d parts; it books whole batches", parts)
					}
				case !lie && (parts == 0 || whole != 0):
					t.Errorf("%d parts and %d whole batches booked; want parts only", parts, whole)
				case lie && whole == 0:
					t.Errorf("a wrong split was not booked whole (%d parts)", parts)
				}
			})
		})
	}
}

// TestReconcilePartRefusesOtherDebtors: a part that would book for a
// debtor of another part books nothing at all.
func TestReconcilePartRefusesOtherDebtors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		tenant, path, _ := partsFile(t, db, 3)
		recs := settlements(t, path)
		split, err := db.SplitByDebtor(ctx, tenant, recs, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := 2
		if db.Dialect() != "postgres" {
			want = 1 // one writer: whole batches
		}
		total := 0
		for _, p := range split {
			total += len(p)
		}
		if len(split) != want || total != len(recs) {
			t.Fatalf("split of %d payments: %d parts of %d payments; want %d parts", len(recs), len(split), total, want)
		}
		_, err = db.ReconcilePart(ctx, tenant, recs, reconcile.Classify, 0, 2)
		if !errors.Is(err, store.ErrPartChanged) {
			t.Fatalf("all payments as part 0 of 2: %v, want ErrPartChanged", err)
		}
		var payments, items int
		db.SQL().QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM payments WHERE tenant_id = ?`), tenant).Scan(&payments)
		db.SQL().QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM reconcile_items WHERE tenant_id = ?`), tenant).Scan(&items)
		if payments != 0 || items != 0 {
			t.Errorf("a refused part wrote %d payments and %d queue items", payments, items)
		}
	})
}

func settlements(t *testing.T, path string) []store.Incoming {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Incoming
	if _, err := cnab.Process(f, st.Size(), cnab.Options{}, func(rec *cnab.Record) error {
		if rec.Occurrence == cnab.Settled {
			out = append(out, reconcile.FromRecord(rec))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
