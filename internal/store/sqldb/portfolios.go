package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

func (db *DB) UpsertCreditor(ctx context.Context, tenant domain.TenantID, c domain.Creditor) (domain.Creditor, error) {
	c.TenantID = tenant
	if c.ExtID == "" {
		return c, fmt.Errorf("creditor: empty external id")
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO creditors (tenant_id, ext_id, name, document) VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant_id, ext_id) DO UPDATE SET name = excluded.name, document = excluded.document RETURNING id`),
			tenant, c.ExtID, c.Name, c.Document).Scan(&c.ID)
	})
	if err != nil {
		return c, fmt.Errorf("upsert creditor %q: %w", c.ExtID, err)
	}
	return c, nil
}

func (db *DB) Creditors(ctx context.Context, tenant domain.TenantID) ([]domain.Creditor, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT id, ext_id, name, document FROM creditors WHERE tenant_id = ? ORDER BY name`), tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Creditor
	for rows.Next() {
		c := domain.Creditor{TenantID: tenant}
		if err := rows.Scan(&c.ID, &c.ExtID, &c.Name, &c.Document); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (db *DB) UpsertPortfolio(ctx context.Context, tenant domain.TenantID, p domain.Portfolio) (domain.Portfolio, error) {
	p.TenantID = tenant
	if p.ExtID == "" {
		return p, fmt.Errorf("portfolio: empty external id")
	}
	p.CreatedAt = now()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		// The creditor must be this tenant's: a foreign key alone would accept another tenant's id.
		var ok int
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT 1 FROM creditors WHERE tenant_id = ? AND id = ?`), tenant, p.CreditorID).Scan(&ok); err != nil {
			return notFound(err, fmt.Sprintf("creditor %d", p.CreditorID))
		}
		return tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO portfolios (tenant_id, creditor_id, ext_id, name, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, ext_id) DO UPDATE SET name = excluded.name RETURNING id, creditor_id, created_at`),
			tenant, p.CreditorID, p.ExtID, p.Name, p.CreatedAt).Scan(&p.ID, &p.CreditorID, tm(&p.CreatedAt))
	})
	if err != nil {
		return p, fmt.Errorf("upsert portfolio %q: %w", p.ExtID, err)
	}
	return p, nil
}

func (db *DB) Portfolio(ctx context.Context, tenant domain.TenantID, id int64) (domain.Portfolio, error) {
	p := domain.Portfolio{ID: id, TenantID: tenant}
	err := db.sql.QueryRowContext(ctx, db.Rebind(`SELECT creditor_id, ext_id, name, created_at FROM portfolios WHERE tenant_id = ? AND id = ?`), tenant, id).
		Scan(&p.CreditorID, &p.ExtID, &p.Name, tm(&p.CreatedAt))
	return p, notFound(err, fmt.Sprintf("portfolio %d", id))
}

func (db *DB) Portfolios(ctx context.Context, tenant domain.TenantID) ([]store.PortfolioSummary, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`
		SELECT p.id, p.creditor_id, p.ext_id, p.name, p.created_at, c.name,
		       COALESCE(s.debtors, 0), COALESCE(s.debts, 0), COALESCE(s.open_amount, 0)
		FROM portfolios p
		JOIN creditors c ON c.tenant_id = p.tenant_id AND c.id = p.creditor_id
		LEFT JOIN (
			SELECT d.portfolio_id, COUNT(DISTINCT d.debtor_id) AS debtors, COUNT(DISTINCT d.id) AS debts,
			       SUM(CASE WHEN i.status IN ('open','partial') THEN i.amount - i.paid ELSE 0 END) AS open_amount
			FROM debts d LEFT JOIN installments i ON i.tenant_id = d.tenant_id AND i.debt_id = d.id
			WHERE d.tenant_id = ?
			GROUP BY d.portfolio_id
		) s ON s.portfolio_id = p.id
		WHERE p.tenant_id = ?
		ORDER BY p.name, p.id`), tenant, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.PortfolioSummary
	for rows.Next() {
		s := store.PortfolioSummary{Portfolio: domain.Portfolio{TenantID: tenant}}
		if err := rows.Scan(&s.ID, &s.CreditorID, &s.ExtID, &s.Name, tm(&s.CreatedAt), &s.CreditorName, &s.Debtors, &s.Debts, &s.OpenAmount); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
