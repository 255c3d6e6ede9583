package billing_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/boleto"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/pix"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/storetest"
)

var now = func() time.Time { return time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC) }

func TestIssueStaticPixAndBoleto(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	f := storetest.NewFixture(t, db, "billing")
	tests := []struct {
		bank string
		acc  store.BankAccount
	}{
		{"341", storetest.ItauAccount(f.Creditor.ID)},
		{"001", store.BankAccount{CreditorID: f.Creditor.ID, Bank: "001", Agreement: "1234567", Wallet: "17", PixKey: "cobranca@credor.example", BeneficiaryName: "Banco Teste", BeneficiaryDoc: "11222333000181", City: "Brasília"}},
		{"237", store.BankAccount{CreditorID: f.Creditor.ID, Bank: "237", Agency: "1234", Account: "7654321", Wallet: "09", PixKey: "11222333000181", BeneficiaryName: "Banco Teste", BeneficiaryDoc: "11222333000181", City: "Osasco"}},
	}
	l, _ := db.SearchDebtors(ctx, f.Tenant, "52998224725", date.New(2026, 11, 24), 1)
	opens, err := db.OpenAmounts(ctx, f.Tenant, l[0].ID, 0)
	if err != nil || len(opens) != 2 {
		t.Fatalf("open amounts %v %v", opens, err)
	}
	is := &billing.Issuer{Store: db, Now: now}
	var prev int64
	for _, tc := range tests {
		t.Run(tc.bank, func(t *testing.T) {
			if err := db.SetBankAccount(ctx, f.Tenant, tc.acc); err != nil {
				t.Fatal(err)
			}
			iss, err := is.Issue(ctx, f.Tenant, []billing.Request{{Open: opens[0], Pix: true, Boleto: true}, {Open: opens[1], Boleto: true}})
			if err != nil {
				t.Fatal(err)
			}
			p, b := iss[0].Pix, iss[0].Boleto
			code, err := pix.Decode(p.BRCode)
			if err != nil || code.TxID != p.TxID || code.Amount != opens[0].Amount || len(p.TxID) != pix.MaxTxIDLen {
				t.Errorf("BR Code %q: %+v %v", p.BRCode, code, err)
			}
			d, err := boleto.Decode(b.Digitable, now())
			if err != nil || d.Bank != tc.bank || d.Amount != opens[0].Amount || d.Barcode != b.Barcode || d.FreeField.OurNumber != b.OurNumber {
				t.Errorf("linha %s: %+v %v", b.Digitable, d, err)
			}
			// Overdue (10/09/2026): due three days from today.
			if b.DueDate != date.New(2026, 11, 27) || d.Due != "2026-11-27" {
				t.Errorf("due %s / %s", b.DueDate, d.Due)
			}
			if b.BRCode != p.BRCode || iss[1].Boleto.BRCode != "" || iss[1].Pix != nil {
				t.Error("boleto híbrido carries the PIX code only when PIX was asked for")
			}
			if iss[1].Boleto.OurNumber == b.OurNumber {
				t.Error("two boletos got the same nosso número")
			}
			// The previous bank's boleto of the same installment is superseded.
			if prev != 0 {
				if old, _ := db.Charge(ctx, f.Tenant, prev); old.Status != store.ChargeSuperseded || old.SupersededBy != b.ID {
					t.Errorf("older boleto %+v", old)
				}
			}
			prev = b.ID
			var pdf bytes.Buffer
			if err := billing.PDF(&pdf, iss[0], domainDebtor(t, db, f, l[0].ID), now()); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF")) {
				t.Errorf("pdf: %v", err)
			}
		})
	}
}

func TestIssueRefusesWhatCannotBeCharged(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	f := storetest.NewFixture(t, db, "billing-errors")
	l, _ := db.SearchDebtors(ctx, f.Tenant, "52998224725", date.New(2026, 11, 24), 1)
	opens, _ := db.OpenAmounts(ctx, f.Tenant, l[0].ID, 0)
	is := &billing.Issuer{Store: db, Now: now}
	if _, err := is.Issue(ctx, f.Tenant, []billing.Request{{Open: opens[0], Boleto: true}}); err == nil {
		t.Error("issued without a bank account")
	}
	db.SetBankAccount(ctx, f.Tenant, store.BankAccount{CreditorID: f.Creditor.ID, PixKey: "11222333000181", BeneficiaryName: "X", City: "Y"})
	if _, err := is.Issue(ctx, f.Tenant, []billing.Request{{Open: opens[0], Boleto: true}}); err == nil {
		t.Error("issued a boleto for an account without bank")
	}
	if _, err := is.Issue(ctx, f.Tenant, []billing.Request{{Open: opens[0]}}); err == nil {
		t.Error("issued nothing without complaint")
	}
	zero := opens[0]
	zero.Amount = 0
	if _, err := is.Issue(ctx, f.Tenant, []billing.Request{{Open: zero, Pix: true}}); err == nil {
		t.Error("issued for nothing open")
	}
}

func domainDebtor(t *testing.T, db interface {
	Debtor(context.Context, domain.TenantID, int64) (domain.Debtor, error)
}, f storetest.Fixture, id int64) domain.Debtor {
	t.Helper()
	d, err := db.Debtor(context.Background(), f.Tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
