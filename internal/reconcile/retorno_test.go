package reconcile_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// issuedBook loads a tenant with n installments, two per debtor (each
// debtor with an e-mail address), its creditor with an Itaú account, and
// issues a charge of kind for each installment (kind's Pix or Boleto set),
// importing and issuing 5,000 at a time.
func issuedBook(tb testing.TB, db *sqldb.DB, n int, kind billing.Request) (domain.TenantID, []billing.Issued) {
	tb.Helper()
	ctx := context.Background()
	ten, err := db.CreateTenant(ctx, "book")
	if err != nil {
		tb.Fatal(err)
	}
	cr, _ := db.UpsertCreditor(ctx, ten.ID, domain.Creditor{ExtID: "c", Name: "Credor"})
	pf, _ := db.UpsertPortfolio(ctx, ten.ID, domain.Portfolio{CreditorID: cr.ID, ExtID: "p", Name: "P"})
	if err := db.SetBankAccount(ctx, ten.ID, storetest.ItauAccount(cr.ID)); err != nil {
		tb.Fatal(err)
	}
	is := &billing.Issuer{Store: db, Now: func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }}
	var issued []billing.Issued
	for start := 0; start < n; start += 5000 {
		rows := make([]store.ImportRow, 0, min(5000, n-start))
		for i := start; i < min(start+5000, n); i++ {
			r := storetest.Row(i+2, fmt.Sprintf("D%08d", i/2), "Devedor", fmt.Sprintf("C-%d", i/2), i%2+1, date.New(2026, 12, 10), money.Money(10000+i%5000))
			r.Contacts = []domain.ContactPoint{{Kind: domain.Email, Value: fmt.Sprintf("d%d@example.com", i/2)}}
			rows = append(rows, r)
		}
		if _, err := db.ApplyImport(ctx, ten.ID, pf.ID, rows); err != nil {
			tb.Fatal(err)
		}
		reqs := make([]billing.Request, 0, len(rows))
		for _, r := range rows {
			req := kind
			req.Open = store.OpenAmount{RefKind: store.RefInstallment, RefID: r.Installment.ID, InstallmentID: r.Installment.ID,
				DebtorID: r.Debtor.ID, DebtID: r.Debt.ID, CreditorID: cr.ID, Amount: r.Installment.Amount, DueDate: r.Installment.DueDate}
			reqs = append(reqs, req)
		}
		iss, err := is.Issue(ctx, ten.ID, reqs)
		if err != nil {
			tb.Fatal(err)
		}
		issued = append(issued, iss...)
	}
	return ten.ID, issued
}

// writeReturn writes an Itaú CNAB 240 return, created at created, settling
// pays, and returns its path.
func writeReturn(t testing.TB, created time.Time, pays []cnab.Payment) string {
	t.Helper()
	var buf bytes.Buffer
	h := cnab.Header{Layout: cnab.CNAB240, Bank: "341", Sequence: 1, Created: created,
		Beneficiary: cnab.Beneficiary{Name: "BANCO TESTE", Document: "11222333000181", Agency: "0057", Account: "12345", AccountDV: "0", Wallet: "109"}}
	if _, err := cnab.GenerateReturn(&buf, h, 0, func(yield func(cnab.Payment) bool) {
		for _, p := range pays {
			if !yield(p) {
				return
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "retorno.ret")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
