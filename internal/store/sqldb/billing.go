package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

var _ store.BillingStore = (*DB)(nil)

func (db *DB) SetBankAccount(ctx context.Context, tenant domain.TenantID, a store.BankAccount) error {
	if a.CreditorID == 0 {
		return fmt.Errorf("bank account: creditor is required")
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var ok int
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT 1 FROM creditors WHERE tenant_id = ? AND id = ?`), tenant, a.CreditorID).Scan(&ok); err != nil {
			return notFound(err, fmt.Sprintf("bank account: creditor %d", a.CreditorID))
		}
		_, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO billing_accounts (tenant_id, creditor_id, bank, agency, account, wallet, agreement, pix_key, beneficiary_name, beneficiary_doc, city, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, creditor_id) DO UPDATE SET bank = excluded.bank, agency = excluded.agency, account = excluded.account, wallet = excluded.wallet,
			agreement = excluded.agreement, pix_key = excluded.pix_key, beneficiary_name = excluded.beneficiary_name, beneficiary_doc = excluded.beneficiary_doc,
			city = excluded.city, updated_at = excluded.updated_at`),
			tenant, a.CreditorID, a.Bank, a.Agency, a.Account, a.Wallet, a.Agreement, a.PixKey, a.BeneficiaryName, a.BeneficiaryDoc, a.City, now())
		return err
	})
}

func (db *DB) BankAccount(ctx context.Context, tenant domain.TenantID, creditorID int64) (store.BankAccount, error) {
	a := store.BankAccount{TenantID: tenant, CreditorID: creditorID}
	err := db.sql.QueryRowContext(ctx, db.Rebind(`SELECT bank, agency, account, wallet, agreement, pix_key, beneficiary_name, beneficiary_doc, city, updated_at
		FROM billing_accounts WHERE tenant_id = ? AND creditor_id = ?`), tenant, creditorID).
		Scan(&a.Bank, &a.Agency, &a.Account, &a.Wallet, &a.Agreement, &a.PixKey, &a.BeneficiaryName, &a.BeneficiaryDoc, &a.City, tm(&a.UpdatedAt))
	return a, notFound(err, fmt.Sprintf("bank account of creditor %d", creditorID))
}

// AllocateOurNumbers bumps the sequence row in one statement, so that two
// processes never get the same range (the row lock serialises them).
func (db *DB) AllocateOurNumbers(ctx context.Context, tenant domain.TenantID, bank string, n int) (int64, error) {
	if n <= 0 {
		return 0, fmt.Errorf("allocate nosso número: count %d is not positive", n)
	}
	var last int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO our_number_seq (tenant_id, bank, last) VALUES (?, ?, 0) ON CONFLICT (tenant_id, bank) DO NOTHING`), tenant, bank); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, db.Rebind(`UPDATE our_number_seq SET last = last + ? WHERE tenant_id = ? AND bank = ? RETURNING last`), n, tenant, bank).Scan(&last)
	})
	if err != nil {
		return 0, fmt.Errorf("allocate %d nosso números of bank %s: %w", n, bank, err)
	}
	return last - int64(n) + 1, nil
}

func (db *DB) OpenAmounts(ctx context.Context, tenant domain.TenantID, debtorID, installmentID int64) ([]store.OpenAmount, error) {
	q := `SELECT i.id, d.debtor_id, d.id, p.creditor_id, d.contract_number, i.number, i.amount - i.paid, i.due_date
		FROM installments i JOIN debts d ON d.tenant_id = i.tenant_id AND d.id = i.debt_id
		JOIN portfolios p ON p.tenant_id = d.tenant_id AND p.id = d.portfolio_id
		WHERE i.tenant_id = ? AND i.status IN ('open', 'partial') AND i.amount > i.paid`
	args := []any{tenant}
	if installmentID != 0 {
		q += ` AND i.id = ?`
		args = append(args, installmentID)
	}
	if debtorID != 0 {
		q += ` AND d.debtor_id = ?`
		args = append(args, debtorID)
	}
	if installmentID == 0 && debtorID == 0 {
		return nil, fmt.Errorf("open amounts: a debtor or an installment is required")
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(q+` ORDER BY i.due_date, i.id`), args...)
	if err != nil {
		return nil, fmt.Errorf("open amounts: %w", err)
	}
	defer rows.Close()
	var out []store.OpenAmount
	for rows.Next() {
		o := store.OpenAmount{RefKind: store.RefInstallment}
		if err := rows.Scan(&o.InstallmentID, &o.DebtorID, &o.DebtID, &o.CreditorID, &o.Contract, &o.Number, &o.Amount, &o.DueDate); err != nil {
			return nil, err
		}
		o.RefID = o.InstallmentID
		out = append(out, o)
	}
	return out, rows.Err()
}

var chargeColumns = []string{"tenant_id", "debtor_id", "debt_id", "ref_kind", "ref_id", "installment_id", "kind", "amount", "due_date", "status", "txid", "bank", "our_number", "barcode", "digitable", "brcode", "location", "created_at"}

const chargeCols = `c.id, c.debtor_id, c.debt_id, c.ref_kind, c.ref_id, c.installment_id, c.kind, c.amount, c.due_date, c.status, c.txid, c.bank, c.our_number, c.barcode, c.digitable, c.brcode, c.location, c.superseded_by, c.created_at, c.paid_at`

func scanCharge(sc interface{ Scan(...any) error }, tenant domain.TenantID, extra ...any) (store.Charge, error) {
	c := store.Charge{TenantID: tenant}
	var refKind, kind, status string
	dest := []any{&c.ID, &c.DebtorID, &c.DebtID, &refKind, &c.RefID, &c.InstallmentID, &kind, &c.Amount, &c.DueDate, &status, &c.TxID, &c.Bank, &c.OurNumber, &c.Barcode, &c.Digitable, &c.BRCode, &c.Location, &c.SupersededBy, tm(&c.CreatedAt), tm(&c.PaidAt)}
	err := sc.Scan(append(dest, extra...)...)
	c.RefKind, c.Kind, c.Status = store.RefKind(refKind), store.ChargeKind(kind), store.ChargeStatus(status)
	return c, err
}

// SaveCharges inserts in bulk (the bench issues a million boletos this way)
// and then supersedes, per (reference, kind), every older active charge.
func (db *DB) SaveCharges(ctx context.Context, tenant domain.TenantID, cs []store.Charge) error {
	for i, c := range cs {
		if c.RefID == 0 || c.DebtorID == 0 || c.Amount <= 0 || (c.Kind != store.ChargePix && c.Kind != store.ChargeBoleto) {
			return fmt.Errorf("save charges: charge %d: reference, debtor, positive amount and kind pix|boleto are required", i)
		}
	}
	at := now()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		// Debtors and installments must be the tenant's.
		ids := make([]any, 0, len(cs))
		for _, c := range cs {
			ids = append(ids, c.DebtorID)
		}
		owned := map[int64]bool{}
		if err := db.selectIn(ctx, tx, `SELECT id FROM debtors WHERE tenant_id = ? AND id IN (%s)`, []any{tenant}, uniq(ids), func(r *sql.Rows) error {
			var id int64
			err := r.Scan(&id)
			owned[id] = true
			return err
		}); err != nil {
			return err
		}
		for _, c := range cs {
			if !owned[c.DebtorID] {
				return fmt.Errorf("debtor %d: %w", c.DebtorID, store.ErrNotFound)
			}
		}
		i := 0
		if err := db.insertMany(ctx, tx, "charges", chargeColumns, len(cs), func(k int) []any {
			c := cs[k]
			return []any{tenant, c.DebtorID, c.DebtID, string(c.RefKind), c.RefID, c.InstallmentID, string(c.Kind), c.Amount, c.DueDate, string(store.ChargeActive), c.TxID, c.Bank, c.OurNumber, c.Barcode, c.Digitable, c.BRCode, c.Location, at}
		}, "RETURNING id", func(r *sql.Rows) error {
			err := r.Scan(&cs[i].ID)
			cs[i].TenantID, cs[i].Status, cs[i].CreatedAt = tenant, store.ChargeActive, at
			i++
			return err
		}); err != nil {
			return err
		}
		if db.pg && len(cs) >= 5000 {
			// A bulk issue into a table whose statistics predate it makes
			// PostgreSQL take the tenant prefix of an index and filter the
			// rest: every later lookup would scan the tenant's charges.
			if _, err := tx.ExecContext(ctx, `ANALYZE charges`); err != nil {
				return err
			}
		}
		// Supersede: find the older active charges of the references (one
		// query per chunk; none in a first bulk issue) and point each at the
		// newest charge of its (reference, kind).
		type refKey struct {
			kind   string
			ref    int64
			charge string
		}
		newest := map[refKey]int64{}
		byKind := map[string][]any{}
		for _, c := range cs {
			k := refKey{string(c.RefKind), c.RefID, string(c.Kind)}
			if c.ID > newest[k] {
				newest[k] = c.ID
			}
			byKind[k.kind] = append(byKind[k.kind], c.RefID)
		}
		type older struct{ id, by int64 }
		var olds []older
		for kind, refs := range byKind {
			if err := db.selectIn(ctx, tx, `SELECT id, ref_id, kind FROM charges WHERE tenant_id = ? AND ref_kind = ? AND status = 'active' AND ref_id IN (%s)`, []any{tenant, kind}, uniq(refs), func(r *sql.Rows) error {
				var id, ref int64
				var ck string
				if err := r.Scan(&id, &ref, &ck); err != nil {
					return err
				}
				if by := newest[refKey{kind, ref, ck}]; by > id {
					olds = append(olds, older{id, by})
				}
				return nil
			}); err != nil {
				return err
			}
		}
		for _, o := range olds {
			if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE charges SET status = 'superseded', superseded_by = ? WHERE tenant_id = ? AND id = ?`), o.by, tenant, o.id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save charges: %w", err)
	}
	return nil
}

func (db *DB) Charge(ctx context.Context, tenant domain.TenantID, id int64) (store.Charge, error) {
	c, err := scanCharge(db.sql.QueryRowContext(ctx, db.Rebind(`SELECT `+chargeCols+` FROM charges c WHERE c.tenant_id = ? AND c.id = ?`), tenant, id), tenant)
	return c, notFound(err, fmt.Sprintf("charge %d", id))
}

func (db *DB) ChargesOfDebtor(ctx context.Context, tenant domain.TenantID, debtorID int64) ([]store.Charge, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT `+chargeCols+` FROM charges c WHERE c.tenant_id = ? AND c.debtor_id = ? ORDER BY c.id DESC`), tenant, debtorID)
	if err != nil {
		return nil, fmt.Errorf("charges of debtor %d: %w", debtorID, err)
	}
	defer rows.Close()
	var out []store.Charge
	for rows.Next() {
		c, err := scanCharge(rows, tenant)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (db *DB) CancelCharge(ctx context.Context, tenant domain.TenantID, id int64) error {
	res, err := db.Exec(ctx, `UPDATE charges SET status = 'cancelled' WHERE tenant_id = ? AND id = ? AND status IN ('active', 'superseded')`, tenant, id)
	if err != nil {
		return fmt.Errorf("cancel charge %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := db.Charge(ctx, tenant, id); err != nil {
			return err
		}
		return fmt.Errorf("cancel charge %d: it is paid or cancelled already", id)
	}
	return nil
}

func uniq(ids []any) []any {
	seen := make(map[any]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
