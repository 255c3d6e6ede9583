package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

func (db *DB) StartImportRun(ctx context.Context, tenant domain.TenantID, r store.ImportRun) (store.ImportRun, error) {
	r.TenantID = tenant
	if r.StartedAt.IsZero() {
		r.StartedAt = now()
	}
	if _, err := db.Portfolio(ctx, tenant, r.PortfolioID); err != nil {
		return r, fmt.Errorf("start import: %w", err)
	}
	id, err := db.insertID(ctx, `INSERT INTO import_runs (tenant_id, portfolio_id, file_name, started_at) VALUES (?, ?, ?, ?)`,
		tenant, r.PortfolioID, r.FileName, r.StartedAt.UTC())
	if err != nil {
		return r, fmt.Errorf("start import: %w", err)
	}
	r.ID = id
	return r, nil
}

func (db *DB) FinishImportRun(ctx context.Context, tenant domain.TenantID, r store.ImportRun, rejects []store.Reject) error {
	if r.FinishedAt.IsZero() {
		r.FinishedAt = now()
	}
	defer db.Analyze(ctx) // the import may have changed the tables' shape a lot
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Rebind(`UPDATE import_runs SET finished_at=?, rows_read=?, inserted=?, updated=?, unchanged=?, rejected=?, error=? WHERE tenant_id=? AND id=?`),
			r.FinishedAt.UTC(), r.Read, r.Inserted, r.Updated, r.Unchanged, r.Rejected, r.Error, tenant, r.ID)
		if err != nil {
			return fmt.Errorf("finish import %d: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("finish import %d: %w", r.ID, store.ErrNotFound)
		}
		return db.insertMany(ctx, tx, "import_rejects", []string{"tenant_id", "run_id", "line", "col", "reason"}, len(rejects), func(i int) []any {
			return []any{tenant, r.ID, rejects[i].Line, rejects[i].Column, rejects[i].Reason}
		}, "", nil)
	})
}

const runCols = `id, portfolio_id, file_name, started_at, finished_at, rows_read, inserted, updated, unchanged, rejected, error`

func scanRun(sc interface{ Scan(...any) error }, tenant domain.TenantID) (store.ImportRun, error) {
	r := store.ImportRun{TenantID: tenant}
	err := sc.Scan(&r.ID, &r.PortfolioID, &r.FileName, tm(&r.StartedAt), tm(&r.FinishedAt), &r.Read, &r.Inserted, &r.Updated, &r.Unchanged, &r.Rejected, &r.Error)
	return r, err
}

func (db *DB) ImportRun(ctx context.Context, tenant domain.TenantID, id int64) (store.ImportRun, []store.Reject, error) {
	r, err := scanRun(db.sql.QueryRowContext(ctx, db.Rebind(`SELECT `+runCols+` FROM import_runs WHERE tenant_id = ? AND id = ?`), tenant, id), tenant)
	if err != nil {
		return r, nil, notFound(err, fmt.Sprintf("import %d", id))
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT line, col, reason FROM import_rejects WHERE tenant_id = ? AND run_id = ? ORDER BY line, id`), tenant, id)
	if err != nil {
		return r, nil, err
	}
	defer rows.Close()
	var rejects []store.Reject
	for rows.Next() {
		var j store.Reject
		if err := rows.Scan(&j.Line, &j.Column, &j.Reason); err != nil {
			return r, nil, err
		}
		rejects = append(rejects, j)
	}
	return r, rejects, rows.Err()
}

func (db *DB) ImportRuns(ctx context.Context, tenant domain.TenantID, limit int) ([]store.ImportRun, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT `+runCols+` FROM import_runs WHERE tenant_id = ? ORDER BY id DESC LIMIT ?`), tenant, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.ImportRun
	for rows.Next() {
		r, err := scanRun(rows, tenant)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
