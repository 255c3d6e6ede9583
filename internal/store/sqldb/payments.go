package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

const paymentCols = `id, debtor_id, debt_id, installment_id, source, source_ref, amount, paid_at, booked_at`

func scanPayment(sc interface{ Scan(...any) error }, tenant domain.TenantID) (domain.Payment, error) {
	p := domain.Payment{TenantID: tenant}
	var src string
	err := sc.Scan(&p.ID, &p.DebtorID, &p.DebtID, &p.InstallmentID, &src, &p.SourceRef, &p.Amount, tm(&p.PaidAt), tm(&p.BookedAt))
	p.Source = domain.PaymentSource(src)
	return p, err
}

// BookPayment: see store.PaymentStore. The unique (source, source_ref) key
// is what makes a replayed webhook or return file book nothing twice.
func (db *DB) BookPayment(ctx context.Context, tenant domain.TenantID, p domain.Payment) (domain.Payment, bool, error) {
	p.TenantID = tenant
	if p.Source == "" || p.SourceRef == "" {
		return p, false, fmt.Errorf("book payment: source and source reference are required")
	}
	if p.Amount <= 0 {
		return p, false, fmt.Errorf("book payment %s/%s: amount %s is not positive", p.Source, p.SourceRef, p.Amount)
	}
	p.BookedAt = now()
	if p.PaidAt.IsZero() {
		p.PaidAt = p.BookedAt
	}
	dup := false
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		existing, err := scanPayment(tx.QueryRowContext(ctx, db.Rebind(`SELECT `+paymentCols+` FROM payments WHERE tenant_id = ? AND source = ? AND source_ref = ?`), tenant, string(p.Source), p.SourceRef), tenant)
		if err == nil {
			p, dup = existing, true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if p.InstallmentID != 0 {
			var amount, paid int64
			err := tx.QueryRowContext(ctx, db.Rebind(`SELECT i.debt_id, d.debtor_id, i.amount, i.paid FROM installments i JOIN debts d ON d.tenant_id = i.tenant_id AND d.id = i.debt_id WHERE i.tenant_id = ? AND i.id = ?`), tenant, p.InstallmentID).
				Scan(&p.DebtID, &p.DebtorID, &amount, &paid)
			if err != nil {
				return notFound(err, fmt.Sprintf("installment %d", p.InstallmentID))
			}
			newPaid := paid + int64(p.Amount)
			st := domain.StatusFor(domainMoney(amount), domainMoney(newPaid))
			if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE installments SET paid = ?, status = ? WHERE tenant_id = ? AND id = ?`), newPaid, string(st), tenant, p.InstallmentID); err != nil {
				return err
			}
		} else {
			var ok int
			if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT 1 FROM debtors WHERE tenant_id = ? AND id = ?`), tenant, p.DebtorID).Scan(&ok); err != nil {
				return notFound(err, fmt.Sprintf("debtor %d", p.DebtorID))
			}
		}
		err = tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO payments (tenant_id, debtor_id, debt_id, installment_id, source, source_ref, amount, paid_at, booked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			tenant, p.DebtorID, p.DebtID, p.InstallmentID, string(p.Source), p.SourceRef, p.Amount, p.PaidAt.UTC(), p.BookedAt).Scan(&p.ID)
		if err != nil {
			return err
		}
		// The timeline reads the payment itself (Events).
		return nil
	})
	if err != nil {
		return p, false, fmt.Errorf("book payment %s/%s: %w", p.Source, p.SourceRef, err)
	}
	return p, dup, nil
}

func (db *DB) Payments(ctx context.Context, tenant domain.TenantID, debtorID int64) ([]domain.Payment, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT `+paymentCols+` FROM payments WHERE tenant_id = ? AND debtor_id = ? ORDER BY paid_at DESC, id DESC`), tenant, debtorID)
	if err != nil {
		return nil, fmt.Errorf("payments of debtor %d: %w", debtorID, err)
	}
	defer rows.Close()
	var out []domain.Payment
	for rows.Next() {
		p, err := scanPayment(rows, tenant)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

var _ store.PaymentStore = (*DB)(nil)

func domainMoney(c int64) money.Money { return money.Money(c) }

func (db *DB) LoadPayments(ctx context.Context, tenant domain.TenantID, ps []domain.Payment) (int, error) {
	inserted := 0
	at := now()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		inserted = 0
		ids := make([]any, 0, len(ps))
		for _, p := range ps {
			ids = append(ids, p.InstallmentID)
		}
		owned := map[int64]bool{}
		if err := db.selectIn(ctx, tx, `SELECT id FROM installments WHERE tenant_id = ? AND id IN (%s)`, []any{tenant}, ids, func(r *sql.Rows) error {
			var id int64
			if err := r.Scan(&id); err != nil {
				return err
			}
			owned[id] = true
			return nil
		}); err != nil {
			return err
		}
		for _, p := range ps {
			if !owned[p.InstallmentID] {
				return fmt.Errorf("installment %d: %w", p.InstallmentID, store.ErrNotFound)
			}
			if p.Amount <= 0 || p.SourceRef == "" {
				return fmt.Errorf("payment %s/%s: amount %s and a source reference are required", p.Source, p.SourceRef, p.Amount)
			}
		}
		return db.insertMany(ctx, tx, "payments", []string{"tenant_id", "debtor_id", "debt_id", "installment_id", "source", "source_ref", "amount", "paid_at", "booked_at"}, len(ps),
			func(i int) []any {
				p := ps[i]
				return []any{tenant, p.DebtorID, p.DebtID, p.InstallmentID, string(p.Source), p.SourceRef, p.Amount, p.PaidAt.UTC(), at}
			}, "ON CONFLICT (tenant_id, source, source_ref) DO NOTHING RETURNING id", func(r *sql.Rows) error {
				inserted++
				var id int64
				return r.Scan(&id)
			})
	})
	if err != nil {
		return 0, fmt.Errorf("load payments: %w", err)
	}
	return inserted, nil
}

func (db *DB) OpenDispute(ctx context.Context, tenant domain.TenantID, debtID int64, reason domain.DelayReason, note, actor string) error {
	if !reason.Valid() {
		return fmt.Errorf("dispute: delay reason %q: unknown code", reason)
	}
	at := now()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var debtor int64
		var contract, status string
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT debtor_id, contract_number, status FROM debts WHERE tenant_id = ? AND id = ?`), tenant, debtID).Scan(&debtor, &contract, &status); err != nil {
			return notFound(err, fmt.Sprintf("debt %d", debtID))
		}
		if status == string(domain.DebtDisputed) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE debts SET status = 'disputed', delay_reason = CASE WHEN ? <> '' THEN ? ELSE delay_reason END, updated_at = ? WHERE tenant_id = ? AND id = ?`),
			string(reason), string(reason), at, tenant, debtID); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]string{"reason": string(reason), "note": note, "previous_status": status})
		summary := fmt.Sprintf("Contestação aberta no contrato %s", contract)
		if note != "" {
			summary += ": " + note
		}
		return db.insertEvents(ctx, tx, []domain.Event{{TenantID: tenant, DebtorID: debtor, DebtID: debtID, Kind: domain.EventDisputed, At: at, Actor: actor, Summary: summary, Data: data}})
	})
}
