package reconcile_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/negotiation"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// countingStore records the promise reads booking's follow-up makes.
type countingStore struct {
	*sqldb.DB
	mu    sync.Mutex
	sets  int     // DebtorsWithPendingPromises calls
	asked []int64 // the debtors they asked about
	reads []int64 // the debtor of each Promises call
}

func (c *countingStore) DebtorsWithPendingPromises(ctx context.Context, tenant domain.TenantID, ids []int64) ([]int64, error) {
	c.mu.Lock()
	c.sets++
	c.asked = append(c.asked, ids...)
	c.mu.Unlock()
	return c.DB.DebtorsWithPendingPromises(ctx, tenant, ids)
}

func (c *countingStore) Promises(ctx context.Context, tenant domain.TenantID, f store.PromiseFilter) ([]store.Promise, error) {
	c.mu.Lock()
	c.reads = append(c.reads, f.DebtorID)
	c.mu.Unlock()
	return c.DB.Promises(ctx, tenant, f)
}

// TestPromisesKeptByInstallmentPayments: payments of plain installments
// (not of an agreement) booked from a return file, through Book or by
// assigning a queue item keep the payer's pending promise that they
// fulfil at once, without waiting for the breaches worker; a promise
// whose amount is not reached stays pending; debtors without a pending
// promise cost the one set query per batch and no promise read.
func TestPromisesKeptByInstallmentPayments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		today := date.New(2026, 11, 26)
		for _, tc := range []struct {
			name    string
			promise money.Money // José's pending promise; 0: none
			pay     string      // how the payments arrive: cnab, book or resolve
			sets    int         // set queries: one per batch booked
			want    store.PromiseStatus
		}{
			{"return file keeps it", 150000, "cnab", 2, store.PromiseKept},
			{"Book keeps it", 150000, "book", 2, store.PromiseKept},
			{"queue item assigned keeps it", 150000, "resolve", 1, store.PromiseKept},
			{"amount not reached stays pending", 150001, "book", 2, store.PromisePending},
			{"return file, no promise", 0, "cnab", 2, ""},
			{"Book, no promise", 0, "book", 2, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := billedFixture(t, db, "promises "+tc.name)
				jose, maria := debtorID(t, db, f, "52998224725"), debtorID(t, db, f, "11144477735")
				var promise store.Promise
				if tc.promise > 0 {
					var err error
					promise, err = db.AddPromise(ctx, f.Tenant, store.Promise{DebtorID: jose, Amount: tc.promise, Made: date.New(2026, 11, 20), Promised: date.New(2026, 11, 30), Channel: "phone", Who: "user:1"})
					if err != nil {
						t.Fatal(err)
					}
				}
				// José's first installment (1.500,00) and Maria's two, which
				// she promised nothing for: three payments, two batches.
				var opens []store.OpenAmount
				for _, d := range []int64{jose, maria} {
					o, err := db.OpenAmounts(ctx, f.Tenant, d, 0)
					if err != nil || len(o) < 2 {
						t.Fatalf("open amounts of %d: %+v %v", d, o, err)
					}
					if d == jose {
						o = o[:1]
					}
					opens = append(opens, o...)
				}
				cs := &countingStore{DB: db}
				r := &reconcile.Reconciler{Store: cs, Batch: 2, Negotiation: &negotiation.Service{Store: cs, Now: func() time.Time { return today.In(time.UTC).Add(12 * time.Hour) }}}
				paidAt := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
				switch tc.pay {
				case "cnab":
					res, err := r.ReturnFile(ctx, f.Tenant, returnFor(t, db, f, opens, paidAt))
					if err != nil || res.Booked != len(opens) {
						t.Fatalf("return file: %+v %v", res, err)
					}
					if len(res.Debtors) != 0 || len(res.New) != 0 {
						t.Errorf("the file's totals hold per-batch lists: %d debtors, %d new", len(res.Debtors), len(res.New))
					}
				case "book":
					var in []store.Incoming
					for i, o := range opens {
						in = append(in, store.Incoming{Source: domain.PaidAPI, SourceRef: "API-" + string(rune('A'+i)), InstallmentID: o.InstallmentID, Amount: o.Amount, PaidAt: paidAt})
					}
					o, err := r.Book(ctx, f.Tenant, in)
					if err != nil || o.Booked != len(in) {
						t.Fatalf("book: %+v %v", o, err)
					}
					if len(o.Debtors) != 0 {
						t.Errorf("Book's total holds %d debtors", len(o.Debtors))
					}
				case "resolve":
					// A payment naming nothing goes to the queue; the
					// supervisor assigns it to José's installment.
					o, err := r.Book(ctx, f.Tenant, []store.Incoming{{Source: domain.PaidAPI, SourceRef: "UNKNOWN-1", Amount: opens[0].Amount, PaidAt: paidAt}})
					if err != nil || o.Queued != 1 {
						t.Fatalf("queue: %+v %v", o, err)
					}
					if cs.sets != 0 {
						t.Errorf("a queued payment asked for promises %d times", cs.sets)
					}
					q, err := db.QueueItems(ctx, f.Tenant, "open", 5)
					if err != nil || len(q) != 1 {
						t.Fatalf("queue items: %+v %v", q, err)
					}
					it, err := r.Resolve(ctx, f.Tenant, q[0].ID, store.Resolution{Action: "assign", InstallmentID: opens[0].InstallmentID, Actor: "user:1"})
					if err != nil || it.Status != "assigned" || it.DebtorID != jose {
						t.Fatalf("assign: %+v %v", it, err)
					}
				}

				if cs.sets != tc.sets {
					t.Errorf("%d set queries, want %d (one per batch)", cs.sets, tc.sets)
				}
				if !slices.Contains(cs.asked, jose) || (tc.pay != "resolve" && !slices.Contains(cs.asked, maria)) {
					t.Errorf("set queries asked about %v, want José %d and Maria %d", cs.asked, jose, maria)
				}
				// Promises are read for debtors with a pending one only.
				var wantReads []int64
				if tc.promise > 0 {
					wantReads = []int64{jose}
				}
				if !slices.Equal(cs.reads, wantReads) {
					t.Errorf("promises read for debtors %v, want %v", cs.reads, wantReads)
				}
				if tc.promise == 0 {
					return
				}
				got, err := db.Promise(ctx, f.Tenant, promise.ID)
				if err != nil || got.Status != tc.want {
					t.Fatalf("promise: %+v %v, want %s", got, err, tc.want)
				}
				if tc.want != store.PromiseKept {
					return
				}
				ps, err := db.Payments(ctx, f.Tenant, jose)
				if err != nil || len(ps) != 1 {
					t.Fatalf("José's payments: %+v %v", ps, err)
				}
				if got.Paid != 150000 || got.KeptOn != date.Of(ps[0].PaidAt.UTC()) {
					t.Errorf("kept promise: paid %s on %s, want 1.500,00 on %s", got.Paid, got.KeptOn, date.Of(ps[0].PaidAt.UTC()))
				}
			})
		}
	})
}

// returnFor writes a CNAB 240 return settling a boleto issued for each of
// opens, paid on the day of paidAt, and returns its path.
func returnFor(t *testing.T, db *sqldb.DB, f storetest.Fixture, opens []store.OpenAmount, paidAt time.Time) string {
	t.Helper()
	var reqs []billing.Request
	for _, o := range opens {
		reqs = append(reqs, billing.Request{Open: o, Boleto: true})
	}
	is := &billing.Issuer{Store: db, Now: func() time.Time { return paidAt.Add(-24 * time.Hour) }}
	issued, err := is.Issue(context.Background(), f.Tenant, reqs)
	if err != nil {
		t.Fatal(err)
	}
	pays := make([]cnab.Payment, 0, len(issued))
	for _, iss := range issued {
		pays = append(pays, cnab.Payment{OurNumber: iss.Boleto.OurNumber, Amount: iss.Boleto.Amount, Due: iss.Boleto.DueDate.In(time.UTC), PaidOn: paidAt})
	}
	return writeReturn(t, paidAt, pays)
}

// TestEveningPixKeepsPromiseAtOnce: a Pix sent at 22:45 in São Paulo on the
// promised day (tolerance 0) arrives by webhook when it is already the next
// day in UTC; booking it keeps the promise at once, on the day it was paid.
func TestEveningPixKeepsPromiseAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := billedFixture(t, db, "evening pix")
		jose := debtorID(t, db, f, "52998224725")
		d, err := db.Debtor(ctx, f.Tenant, jose)
		if err != nil {
			t.Fatal(err)
		}
		promised := date.New(2026, 11, 27)
		paidAt := time.Date(2026, 11, 27, 22, 45, 0, 0, domain.Zone(d.TimeZone))
		if date.Of(paidAt.UTC()) == promised {
			t.Fatalf("debtor zone %q: the test needs the payment on the next day in UTC", d.TimeZone)
		}
		o, err := db.OpenAmounts(ctx, f.Tenant, jose, 0)
		if err != nil || len(o) == 0 {
			t.Fatalf("open amounts: %+v %v", o, err)
		}
		promise, err := db.AddPromise(ctx, f.Tenant, store.Promise{DebtorID: jose, Amount: o[0].Amount, Made: date.New(2026, 11, 24), Promised: promised, Channel: "phone", Who: "user:1"})
		if err != nil {
			t.Fatal(err)
		}
		iss, err := (&billing.Issuer{Store: db}).Issue(ctx, f.Tenant, []billing.Request{{Open: o[0], Pix: true}})
		if err != nil {
			t.Fatal(err)
		}
		r := &reconcile.Reconciler{Store: db, Negotiation: &negotiation.Service{Store: db, Now: func() time.Time { return paidAt.Add(time.Minute) }}}
		sink := reconcile.PixSink{R: r, Tenant: f.Tenant}
		if dup, err := sink.BookPix(ctx, pixapi.ReceivedPix{EndToEndID: "E12345678202611280145abcdefghijk", TxID: iss[0].Pix.TxID, Amount: o[0].Amount, Time: paidAt.UTC()}); err != nil || dup {
			t.Fatalf("book: dup %v, %v", dup, err)
		}
		got, err := db.Promise(ctx, f.Tenant, promise.ID)
		if err != nil || got.Status != store.PromiseKept || got.KeptOn != promised {
			t.Errorf("promise for %s, Pix at %s (%s in UTC): %s, kept on %s (%v)", promised, paidAt, paidAt.UTC(), got.Status, got.KeptOn, err)
		}
	})
}
