package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

var _ store.AttemptStore = (*DB)(nil)

const attemptCols = `id, debtor_id, debt_id, enrolment_id, step_id, anchor_date, channel, template, variant, payload, status, due_at, decision, policy_ver, tries, last_error, provider_ref, created_at, sent_at`

// ScanAttempt reads attemptCols.
func ScanAttempt(sc interface{ Scan(...any) error }, tenant domain.TenantID) (store.Attempt, error) {
	a := store.Attempt{TenantID: tenant}
	var payload, decision sql.NullString
	var st string
	err := sc.Scan(&a.ID, &a.DebtorID, &a.DebtID, &a.EnrolmentID, &a.StepID, &a.AnchorDate, &a.Channel, &a.Template, &a.Variant, &payload, &st,
		tm(&a.DueAt), &decision, &a.PolicyVer, &a.Tries, &a.LastError, &a.ProviderRef, tm(&a.CreatedAt), tm(&a.SentAt))
	a.Status = store.AttemptStatus(st)
	if payload.Valid {
		a.Payload = json.RawMessage(payload.String)
	}
	if decision.Valid {
		a.Decision = json.RawMessage(decision.String)
	}
	return a, err
}

// AttemptColumns is the column list ScanAttempt reads, for other files'
// queries.
const AttemptColumns = attemptCols

func nullJSON(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

func (db *DB) PlanAttempts(ctx context.Context, tenant domain.TenantID, as []store.Attempt) (int, error) {
	inserted := 0
	at := now()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		inserted = 0
		return db.insertMany(ctx, tx, "attempts",
			[]string{"tenant_id", "debtor_id", "debt_id", "enrolment_id", "step_id", "anchor_date", "channel", "template", "variant", "payload", "status", "due_at", "decision", "policy_ver", "created_at"},
			len(as), func(i int) []any {
				a := as[i]
				st := a.Status
				if st == "" {
					st = store.AttemptPlanned
				}
				return []any{tenant, a.DebtorID, a.DebtID, a.EnrolmentID, a.StepID, a.AnchorDate, a.Channel, a.Template, a.Variant, nullJSON(a.Payload), string(st), a.DueAt.UTC(), nullJSON(a.Decision), a.PolicyVer, at}
			}, "ON CONFLICT (tenant_id, enrolment_id, step_id, anchor_date) DO NOTHING RETURNING id", func(r *sql.Rows) error {
				var id int64
				inserted++
				return r.Scan(&id)
			})
	})
	if err != nil {
		return 0, fmt.Errorf("plan attempts: %w", err)
	}
	return inserted, nil
}

func (db *DB) Attempt(ctx context.Context, tenant domain.TenantID, id int64) (store.Attempt, error) {
	a, err := ScanAttempt(db.sql.QueryRowContext(ctx, db.Rebind(`SELECT `+attemptCols+` FROM attempts WHERE tenant_id = ? AND id = ?`), tenant, id), tenant)
	return a, notFound(err, fmt.Sprintf("attempt %d", id))
}

func (db *DB) AttemptsOfDebtor(ctx context.Context, tenant domain.TenantID, debtorID int64, limit int) ([]store.Attempt, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT `+attemptCols+` FROM attempts WHERE tenant_id = ? AND debtor_id = ? ORDER BY id DESC LIMIT ?`), tenant, debtorID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Attempt
	for rows.Next() {
		a, err := ScanAttempt(rows, tenant)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (db *DB) CancelPlannedAttempts(ctx context.Context, tenant domain.TenantID, debtID int64, reason string) (int, error) {
	res, err := db.Exec(ctx, `UPDATE attempts SET status = 'cancelled', last_error = ? WHERE tenant_id = ? AND debt_id = ? AND debt_id <> 0 AND status IN ('planned', 'failed')`, reason, tenant, debtID)
	if err != nil {
		return 0, fmt.Errorf("cancel attempts of debt %d: %w", debtID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
