package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// maxParams keeps multi-row statements under both drivers' limits
// (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

// insertMany runs INSERT INTO table (cols) VALUES (…),(…)… in chunks. rows
// yields the arguments of row i. When returning is set, each inserted row's
// returned columns are scanned with scan.
func (db *DB) insertMany(ctx context.Context, tx *sql.Tx, table string, cols []string, n int, row func(i int) []any, suffix string, scan func(*sql.Rows) error) error {
	if n == 0 {
		return nil
	}
	per := maxParams / len(cols)
	if per > 1000 {
		per = 1000
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES "
	args := make([]any, 0, per*len(cols))
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var b strings.Builder
		b.WriteString(head)
		args = args[:0]
		for i := start; i < end; i++ {
			if i > start {
				b.WriteByte(',')
			}
			b.WriteString(tuple)
			args = append(args, row(i)...)
		}
		b.WriteString(" ")
		b.WriteString(suffix)
		q := db.Rebind(b.String())
		if scan == nil {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("insert into %s: %w", table, err)
			}
			continue
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return fmt.Errorf("insert into %s: %w", table, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// selectIn runs a query whose last condition is "col IN (…)" over keys in
// chunks; q holds one %s where the placeholder list goes.
func (db *DB) selectIn(ctx context.Context, tx *sql.Tx, q string, fixed []any, keys []any, scan func(*sql.Rows) error) error {
	const per = 900
	for start := 0; start < len(keys); start += per {
		end := min(start+per, len(keys))
		ph := strings.TrimSuffix(strings.Repeat("?,", end-start), ",")
		args := append(append([]any{}, fixed...), keys[start:end]...)
		rows, err := tx.QueryContext(ctx, db.Rebind(fmt.Sprintf(q, ph)), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
