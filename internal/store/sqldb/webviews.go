package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

var _ store.WebViewStore = (*DB)(nil)

// attemptColsA is attemptCols qualified with the alias "a", for joins.
var attemptColsA = "a." + strings.ReplaceAll(attemptCols, ", ", ", a.")

func (db *DB) ParkedAttempts(ctx context.Context, tenant domain.TenantID, limit int) ([]store.ParkedAttempt, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT `+attemptColsA+`, d.name FROM attempts a
		JOIN debtors d ON d.tenant_id = a.tenant_id AND d.id = a.debtor_id
		WHERE a.tenant_id = ? AND a.status = 'parked' ORDER BY a.id DESC LIMIT ?`), tenant, limit)
	if err != nil {
		return nil, fmt.Errorf("parked attempts: %w", err)
	}
	defer rows.Close()
	var out []store.ParkedAttempt
	for rows.Next() {
		var p store.ParkedAttempt
		var name string
		a, err := ScanAttempt(scanPlus{rows, &name}, tenant)
		if err != nil {
			return nil, fmt.Errorf("parked attempts: %w", err)
		}
		p.Attempt, p.DebtorName = a, name
		out = append(out, p)
	}
	return out, rows.Err()
}

// scanPlus appends destinations to a ScanAttempt call, for queries that
// select columns after attemptCols.
type scanPlus struct {
	sc    interface{ Scan(...any) error }
	extra any
}

func (s scanPlus) Scan(dest ...any) error { return s.sc.Scan(append(dest, s.extra)...) }
