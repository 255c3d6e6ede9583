package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

var _ store.CallbackStore = (*DB)(nil)

func (db *DB) AttemptByProviderRef(ctx context.Context, ref string) (store.Attempt, error) {
	if ref == "" {
		return store.Attempt{}, fmt.Errorf("attempt by provider reference: empty: %w", store.ErrNotFound)
	}
	// "provider_ref <> ''" lets both dialects use the partial index.
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT tenant_id, `+attemptCols+` FROM attempts WHERE provider_ref = ? AND provider_ref <> '' LIMIT 2`), ref)
	if err != nil {
		return store.Attempt{}, fmt.Errorf("attempt by provider reference: %w", err)
	}
	defer rows.Close()
	var found []store.Attempt
	for rows.Next() {
		var tenant int64
		// ScanAttempt reads attemptCols; the tenant comes first here.
		a, err := ScanAttempt(scanFunc(func(dest ...any) error { return rows.Scan(append([]any{&tenant}, dest...)...) }), 0)
		if err != nil {
			return store.Attempt{}, fmt.Errorf("attempt by provider reference: %w", err)
		}
		a.TenantID = domain.TenantID(tenant)
		found = append(found, a)
	}
	if err := rows.Err(); err != nil {
		return store.Attempt{}, fmt.Errorf("attempt by provider reference: %w", err)
	}
	switch len(found) {
	case 0:
		return store.Attempt{}, fmt.Errorf("attempt by provider reference: %w", store.ErrNotFound)
	case 1:
		return found[0], nil
	}
	return store.Attempt{}, fmt.Errorf("attempt by provider reference: %d attempts share it: %w", len(found), store.ErrConflict)
}

// scanFunc adapts a function to ScanAttempt's scanner.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

func (db *DB) RecordCallback(ctx context.Context, tenant domain.TenantID, cb store.ChannelCallback, ev *domain.Event) (bool, error) {
	if _, ok := outcomeOrder[cb.Status]; !ok {
		return false, fmt.Errorf("callback: status %q: unknown", cb.Status)
	}
	key := cb.DedupeKey
	if key == "" {
		key = cb.Status
	}
	if cb.At.IsZero() {
		cb.At = now()
	}
	if cb.ReceivedAt.IsZero() {
		cb.ReceivedAt = now()
	}
	recorded := false
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		recorded = false
		var enrolment int64
		var step string
		var anchor date.Date
		err := tx.QueryRowContext(ctx, db.Rebind(`SELECT enrolment_id, step_id, anchor_date FROM attempts WHERE tenant_id = ? AND id = ?`), tenant, cb.AttemptID).
			Scan(&enrolment, &step, &anchor)
		if err != nil {
			return notFound(err, fmt.Sprintf("attempt %d", cb.AttemptID))
		}
		var id int64
		err = tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO channel_callbacks (tenant_id, attempt_id, provider, provider_ref, status, dedupe_key, at, detail, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, attempt_id, dedupe_key) DO NOTHING RETURNING id`),
			tenant, cb.AttemptID, cb.Provider, cb.ProviderRef, cb.Status, key, cb.At.UTC(), cb.Detail, cb.ReceivedAt.UTC()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // a repeat: recorded before
		}
		if err != nil {
			return err
		}
		recorded = true
		if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO journey_outcomes (tenant_id, attempt_id, enrolment_id, step_id, anchor_date, outcome, at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			tenant, cb.AttemptID, enrolment, step, anchor, cb.Status, cb.At.UTC()); err != nil {
			return fmt.Errorf("outcome: %w", err)
		}
		if ev != nil {
			e := *ev
			e.TenantID = tenant
			if e.At.IsZero() {
				e.At = cb.At
			}
			if err := db.insertEvents(ctx, tx, []domain.Event{e}); err != nil {
				return fmt.Errorf("event: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("record callback: %w", err)
	}
	return recorded, nil
}

func (db *DB) TrackedLink(ctx context.Context, token string) (store.TrackedLink, error) {
	var l store.TrackedLink
	var tenant int64
	err := db.sql.QueryRowContext(ctx, db.Rebind(`SELECT tenant_id, token, debtor_id, enrolment_id, step_id, anchor_date, target, clicks, first_click, created_at FROM journey_links WHERE token = ?`), token).
		Scan(&tenant, &l.Token, &l.DebtorID, &l.EnrolmentID, &l.StepID, &l.AnchorDate, &l.Target, &l.Clicks, tm(&l.FirstClick), tm(&l.CreatedAt))
	if err != nil {
		return l, notFound(err, "link")
	}
	l.TenantID = domain.TenantID(tenant)
	return l, nil
}
