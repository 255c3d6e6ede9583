package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

var _ store.ReconcileStore = (*DB)(nil)

// bookTx is a booking transaction that keeps its statements prepared on
// SQLite: a batch runs the same 1,000-row INSERT, UPDATE … FROM (VALUES …)
// and IN (…) statements several times, and SQLite parsed each one anew
// (an eighth of the CPU of a large return file). Statements prepared on a
// transaction close with it. PostgreSQL's driver caches prepared
// statements by text already.
type bookTx struct {
	*sql.Tx
	pg    bool
	stmts map[string]*sql.Stmt
	// conn is the connection the transaction runs on, when the caller
	// holds it (PostgreSQL bookings: COPY needs the driver's connection).
	conn *sql.Conn
}

// bookingTx runs f in a booking transaction. On PostgreSQL it holds the
// connection, so that large inserts go through COPY.
func (db *DB) bookingTx(ctx context.Context, f func(tx *bookTx) error) error {
	if !db.pg {
		return db.Tx(ctx, func(stx *sql.Tx) error { return f(db.bookTx(stx)) })
	}
	conn, err := db.wsql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connection: %w", err)
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := db.bookTx(stx)
	tx.conn = conn
	if err := f(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// copyThreshold is the number of rows from which an insert goes through
// COPY on PostgreSQL: below it, one INSERT … SELECT FROM unnest() costs
// less than the COPY round trips.
var copyThreshold = 200

// copyRows inserts n rows into table: by COPY on PostgreSQL when the
// transaction holds its connection and the set is large, by insertRows
// otherwise (suffix, such as an ON CONFLICT clause, is then applied; COPY
// callers must know that no row conflicts). row returns the values in the
// types COPY encodes: int64, string, bool, time.Time, nil.
func (db *DB) copyRows(ctx context.Context, tx *bookTx, table string, cols []string, n int, row func(i int) []any, suffix string) (int, error) {
	if !db.pg || tx.conn == nil || n < copyThreshold {
		return db.insertRows(ctx, tx, table, cols, n, row, suffix, nil)
	}
	defer timeStmt("COPY "+table, time.Now())
	var copied int64
	err := tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy into %s: driver connection is %T", table, dc)
		}
		var err error
		copied, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() func() ([]any, error) {
			i := 0
			return func() ([]any, error) {
				if i == n {
					return nil, nil
				}
				i++
				vals := row(i - 1)
				for j, v := range vals {
					vals[j] = copyValue(v)
				}
				return vals, nil
			}
		}()))
		return err
	})
	if err != nil {
		return int(copied), fmt.Errorf("copy into %s: %w", table, err)
	}
	return int(copied), nil
}

// copyValue is v in a type COPY's binary encoding takes: the store's
// named types become their underlying values.
func copyValue(v any) any {
	switch x := v.(type) {
	case date.Date:
		if x.IsZero() {
			return nil
		}
		return x.In(time.UTC)
	case money.Money:
		return int64(x)
	case domain.TenantID:
		return int64(x)
	case int:
		return int64(x)
	}
	return v
}

// nextIDs reserves n ids of table's primary key inside the booking
// transaction: from its sequence on PostgreSQL; on SQLite, past the largest
// id (the transaction is the only writer).
func (db *DB) nextIDs(ctx context.Context, tx *bookTx, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if db.pg {
		rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
		if err != nil {
			return nil, fmt.Errorf("%s ids: %w", table, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
		return nil, fmt.Errorf("%s ids: %w", table, err)
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

func (db *DB) bookTx(tx *sql.Tx) *bookTx {
	return &bookTx{Tx: tx, pg: db.pg, stmts: map[string]*sql.Stmt{}}
}

func (t *bookTx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	t.stmts[q] = st
	return st, nil
}

// bookingTimes, when set, sums the time booking statements took by their
// first words (bench cnab --statements).
var bookingTimes atomic.Pointer[sync.Map]

// TimeBookingStatements starts summing the time of reconciliation's
// statements; BookingStatementTimes reports the sums.
func TimeBookingStatements() { bookingTimes.Store(&sync.Map{}) }

// BookingStatementTimes is the time spent in each booking statement (keyed
// by its first 80 characters) since TimeBookingStatements.
func BookingStatementTimes() map[string]time.Duration {
	out := map[string]time.Duration{}
	if m := bookingTimes.Load(); m != nil {
		m.Range(func(k, v any) bool {
			out[k.(string)] = time.Duration(v.(*atomic.Int64).Load())
			return true
		})
	}
	return out
}

func timeStmt(q string, t0 time.Time) {
	m := bookingTimes.Load()
	if m == nil {
		return
	}
	k := strings.Join(strings.Fields(q), " ")
	if len(k) > 80 {
		k = k[:80]
	}
	v, _ := m.LoadOrStore(k, new(atomic.Int64))
	v.(*atomic.Int64).Add(int64(time.Since(t0)))
}

func (t *bookTx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer timeStmt(q, time.Now())
	if t.pg {
		return t.ExecContext(ctx, q, args...)
	}
	st, err := t.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *bookTx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	defer timeStmt(q, time.Now())
	if t.pg {
		return t.QueryContext(ctx, q, args...)
	}
	st, err := t.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// selectIn is DB.selectIn through the transaction's statements.
func (db *DB) selectInTx(ctx context.Context, tx *bookTx, q string, fixed []any, keys []any, scan func(*sql.Rows) error) error {
	per := 900
	if db.pg {
		per = len(keys) // one array parameter, however many keys
	}
	for start := 0; start < len(keys); start += per {
		end := min(start+per, len(keys))
		args := append(append(make([]any, 0, len(fixed)+end-start), fixed...), keys[start:end]...)
		sq := fmt.Sprintf(q, placeholders(end-start))
		if db.pg {
			var arr any
			sq, arr = anyArray(q, keys)
			args = append(append([]any{}, fixed...), arr)
		}
		rows, err := tx.query(ctx, db.Rebind(sq), args...)
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

// anyArray turns q's "IN (%s)" into "= ANY(?)" with keys as one array
// parameter (PostgreSQL): one short statement per batch instead of a
// placeholder per key, parsed and bound each time.
func anyArray(q string, keys []any) (string, any) {
	q = strings.Replace(q, "IN (%s)", "= ANY(?)", 1)
	ints := make([]int64, 0, len(keys))
	for _, k := range keys {
		v, ok := k.(int64)
		if !ok {
			strs := make([]string, 0, len(keys))
			for _, k := range keys {
				strs = append(strs, fmt.Sprint(k))
			}
			return q, strs
		}
		ints = append(ints, v)
	}
	return q, ints
}

// insertRows is DB.insertMany through the transaction's statements: INSERTs
// of up to 1,000 rows, suffix after the VALUES (ON CONFLICT, RETURNING),
// scan reading RETURNING rows; it returns the rows inserted (counted by
// rows affected when scan is nil).
func (db *DB) insertRows(ctx context.Context, tx *bookTx, table string, cols []string, n int, row func(i int) []any, suffix string, scan func(*sql.Rows) error) (int, error) {
	if db.pg {
		return db.insertUnnest(ctx, tx, table, cols, n, row, suffix, scan)
	}
	per := min(maxParams/len(cols), 1000)
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES "
	args := make([]any, 0, min(per, n)*len(cols))
	inserted := 0
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var b strings.Builder
		b.Grow(len(head) + (end-start)*(len(tuple)+1) + len(suffix) + 1)
		b.WriteString(head)
		args = args[:0]
		for i := start; i < end; i++ {
			if i > start {
				b.WriteByte(',')
			}
			b.WriteString(tuple)
			args = append(args, row(i)...)
		}
		b.WriteByte(' ')
		b.WriteString(suffix)
		q := db.Rebind(b.String())
		if scan == nil {
			res, err := tx.exec(ctx, q, args...)
			if err != nil {
				return inserted, fmt.Errorf("insert into %s: %w", table, err)
			}
			k, err := res.RowsAffected()
			if err != nil {
				return inserted, err
			}
			inserted += int(k)
			continue
		}
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return inserted, fmt.Errorf("insert into %s: %w", table, err)
		}
		for rows.Next() {
			inserted++
			if err := scan(rows); err != nil {
				rows.Close()
				return inserted, fmt.Errorf("insert into %s: %w", table, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return inserted, fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return inserted, nil
}

// pgColumnTypes caches the types of tables' columns (PostgreSQL).
var pgColumnTypes sync.Map // table name → map[column]type

func (db *DB) columnTypes(ctx context.Context, tx *bookTx, table string) (map[string]string, error) {
	if m, ok := pgColumnTypes.Load(table); ok {
		return m.(map[string]string), nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT column_name, format_type(atttypid, atttypmod) FROM information_schema.columns c
		JOIN pg_attribute a ON a.attrelid = to_regclass(c.table_schema || '.' || c.table_name) AND a.attname = c.column_name
		WHERE c.table_schema = current_schema() AND c.table_name = $1`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var col, typ string
		if err := rows.Scan(&col, &typ); err != nil {
			return nil, err
		}
		m[col] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pgColumnTypes.Store(table, m)
	return m, nil
}

// insertUnnest is insertRows on PostgreSQL: the whole set in one INSERT …
// SELECT FROM unnest() of one text array per column, cast to the column's
// type — a short statement parsed and planned once, whatever the number
// of rows, instead of thousands of placeholders per statement.
func (db *DB) insertUnnest(ctx context.Context, tx *bookTx, table string, cols []string, n int, row func(i int) []any, suffix string, scan func(*sql.Rows) error) (int, error) {
	if n == 0 {
		return 0, nil
	}
	types, err := db.columnTypes(ctx, tx, table)
	if err != nil {
		return 0, fmt.Errorf("insert into %s: column types: %w", table, err)
	}
	arrays := make([][]*string, len(cols))
	for j := range arrays {
		arrays[j] = make([]*string, n)
	}
	for i := range n {
		vals := row(i)
		if len(vals) != len(cols) {
			return 0, fmt.Errorf("insert into %s: %d values for %d columns", table, len(vals), len(cols))
		}
		for j, v := range vals {
			t, err := pgText(v)
			if err != nil {
				return 0, fmt.Errorf("insert into %s: column %s: %w", table, cols[j], err)
			}
			arrays[j][i] = t
		}
	}
	var sel, un strings.Builder
	args := make([]any, len(cols))
	for j, c := range cols {
		typ, ok := types[c]
		if !ok {
			return 0, fmt.Errorf("insert into %s: no column %s", table, c)
		}
		if j > 0 {
			sel.WriteString(", ")
			un.WriteString(", ")
		}
		fmt.Fprintf(&sel, "CAST(u.c%d AS %s)", j, typ)
		fmt.Fprintf(&un, "CAST($%d AS TEXT[])", j+1)
		args[j] = arrays[j]
	}
	names := make([]string, len(cols))
	for j := range cols {
		names[j] = "c" + strconv.Itoa(j)
	}
	q := "INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") SELECT " + sel.String() + " FROM unnest(" + un.String() + ") AS u(" + strings.Join(names, ",") + ") " + suffix
	if scan == nil {
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return 0, fmt.Errorf("insert into %s: %w", table, err)
		}
		k, err := res.RowsAffected()
		return int(k), err
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("insert into %s: %w", table, err)
	}
	defer rows.Close()
	inserted := 0
	for rows.Next() {
		inserted++
		if err := scan(rows); err != nil {
			return inserted, fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	if err := rows.Err(); err != nil {
		return inserted, fmt.Errorf("insert into %s: %w", table, err)
	}
	return inserted, nil
}

// pgText is v as PostgreSQL's text input of it (nil: NULL).
func pgText(v any) (*string, error) {
	dv, err := driver.DefaultParameterConverter.ConvertValue(v)
	if err != nil {
		return nil, err
	}
	var t string
	switch x := dv.(type) {
	case nil:
		return nil, nil
	case int64:
		t = strconv.FormatInt(x, 10)
	case float64:
		t = strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		t = strconv.FormatBool(x)
	case []byte:
		t = string(x)
	case string:
		t = x
	case time.Time:
		// Microseconds, truncated, as the driver's binary encoding keeps.
		t = x.Truncate(time.Microsecond).Format(time.RFC3339Nano)
	default:
		return nil, fmt.Errorf("value of type %T", dv)
	}
	return &t, nil
}

// updateFromValues runs q, an UPDATE … FROM (VALUES %s) AS v …, over rows
// in chunks; types cast the first tuple's columns (PostgreSQL infers the
// rest from it). after are the arguments of placeholders that follow the
// VALUES list. scan, when set, reads RETURNING rows.
func (db *DB) updateFromValues(ctx context.Context, tx *bookTx, q string, types []string, rows [][]any, after []any, scan func(*sql.Rows) error) error {
	if len(rows) == 0 {
		return nil
	}
	if db.pg {
		// One statement for the whole set: unnest() of a typed array per
		// column instead of a VALUES list of placeholders.
		var un strings.Builder
		args := make([]any, 0, len(types)+len(after))
		names := make([]string, len(types))
		for j, t := range types {
			if j > 0 {
				un.WriteString(", ")
			}
			fmt.Fprintf(&un, "CAST(? AS %s[])", t)
			names[j] = "column" + strconv.Itoa(j+1)
			col := make([]*string, len(rows))
			for i, r := range rows {
				v, err := pgText(r[j])
				if err != nil {
					return err
				}
				col[i] = v
			}
			args = append(args, col)
		}
		args = append(args, after...)
		stmt := db.Rebind(strings.Replace(q, "(VALUES %s) AS v", "unnest("+un.String()+") AS v("+strings.Join(names, ", ")+")", 1))
		if scan == nil {
			_, err := tx.exec(ctx, stmt, args...)
			return err
		}
		rs, err := tx.query(ctx, stmt, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			if err := scan(rs); err != nil {
				return err
			}
		}
		return rs.Err()
	}
	per := min(maxParams/len(types), 1000)
	var first strings.Builder
	first.WriteByte('(')
	for i, t := range types {
		if i > 0 {
			first.WriteByte(',')
		}
		fmt.Fprintf(&first, "CAST(? AS %s)", t)
	}
	first.WriteByte(')')
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", len(types)), ",") + ")"
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		var b strings.Builder
		args := make([]any, 0, (end-start)*len(types)+len(after))
		for i := start; i < end; i++ {
			if i == start {
				b.WriteString(first.String())
			} else {
				b.WriteByte(',')
				b.WriteString(tuple)
			}
			args = append(args, rows[i]...)
		}
		args = append(args, after...)
		stmt := db.Rebind(fmt.Sprintf(q, b.String()))
		if scan == nil {
			if _, err := tx.exec(ctx, stmt, args...); err != nil {
				return err
			}
			continue
		}
		rs, err := tx.query(ctx, stmt, args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			if err := scan(rs); err != nil {
				rs.Close()
				return err
			}
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
	}
	return nil
}

// execIn runs q, whose last condition is "col IN (%s)", over keys in chunks.
//
// Queries that look rows up by primary key write "tenant_id + 0 = ?": the
// sampled statistics of SQLite (analysis_limit) can make the tenant prefix
// of another index look selective, and the planner then scans the tenant's
// whole index once per chunk instead of seeking each key (quadratic in the
// table's size). PostgreSQL plans the key lookup either way.
func (db *DB) execIn(ctx context.Context, tx *bookTx, q string, fixed []any, keys []any) (int64, error) {
	if db.pg && len(keys) > 0 {
		aq, arr := anyArray(q, keys)
		res, err := tx.exec(ctx, db.Rebind(aq), append(append([]any{}, fixed...), arr)...)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	const per = 900
	var n int64
	for start := 0; start < len(keys); start += per {
		end := min(start+per, len(keys))
		ph := strings.TrimSuffix(strings.Repeat("?,", end-start), ",")
		args := append(append([]any{}, fixed...), keys[start:end]...)
		res, err := tx.exec(ctx, db.Rebind(fmt.Sprintf(q, ph)), args...)
		if err != nil {
			return n, err
		}
		k, _ := res.RowsAffected()
		n += k
	}
	return n, nil
}

// matchCols are what matching needs of a charge and its installment: not
// the barcode, linha digitável, BR Code or location (the larger columns,
// read a million times for a large return file).
const matchCols = `c.id, c.debtor_id, c.debt_id, c.ref_kind, c.ref_id, c.installment_id, c.kind, c.amount, c.status, c.txid, c.bank, c.our_number, c.superseded_by,
	COALESCE(i.amount - i.paid, 0), COALESCE(i.status, '')`

// The "<> ”" conditions of the queries using matchFrom let the planner
// use the partial unique indexes on txid and nosso número.
const matchFrom = ` FROM charges c LEFT JOIN installments i ON i.tenant_id = c.tenant_id AND i.id = c.installment_id WHERE c.tenant_id = ? `

func scanMatch(r *sql.Rows, tenant domain.TenantID) (store.ChargeMatch, error) {
	m := store.ChargeMatch{Charge: store.Charge{TenantID: tenant}}
	var refKind, kind, status, instStatus string
	err := r.Scan(&m.ID, &m.DebtorID, &m.DebtID, &refKind, &m.RefID, &m.InstallmentID, &kind, &m.Amount, &status, &m.TxID, &m.Bank, &m.OurNumber, &m.SupersededBy,
		&m.Open, &instStatus)
	m.RefKind, m.Kind, m.Status, m.InstallmentStatus = store.RefKind(refKind), store.ChargeKind(kind), store.ChargeStatus(status), domain.InstallmentStatus(instStatus)
	if m.Open < 0 {
		m.Open = 0
	}
	return m, err
}

// agreementRef is where an agreement installment (by id) is.
type agreementRef struct {
	agreementID int64
	number      int
}

// candidates reads, inside the booking transaction, everything the
// payments of a batch may match: one query per kind of key and chunk. agr
// maps the agreement installments read to their agreement and number.
func (db *DB) candidates(ctx context.Context, tx *bookTx, tenant domain.TenantID, in []store.Incoming, skip []bool) (c store.Candidates, agr map[int64]agreementRef, err error) {
	c = store.Candidates{ByTxID: map[string]store.ChargeMatch{}, ByOurNumber: map[string]store.ChargeMatch{}, OpenByDebtor: map[int64][]store.OpenAmount{},
		DebtorByDoc: map[string]int64{}, Installments: map[int64]store.OpenAmount{}, AgreementInstallments: map[int64]store.OpenAmount{}, ClosedAgreement: map[int64]string{}}
	agr = map[int64]agreementRef{}
	var txids []any
	byBank := map[string][]any{}
	for i, p := range in {
		if skip[i] {
			continue
		}
		if p.TxID != "" {
			txids = append(txids, p.TxID)
		}
		if p.OurNumber != "" {
			byBank[p.Bank] = append(byBank[p.Bank], p.OurNumber)
		}
	}
	if err := db.selectInTx(ctx, tx, `SELECT `+matchCols+matchFrom+` AND c.txid <> '' AND c.txid IN (%s)`, []any{tenant}, txids, func(r *sql.Rows) error {
		m, err := scanMatch(r, tenant)
		c.ByTxID[m.TxID] = m
		return err
	}); err != nil {
		return c, agr, fmt.Errorf("match txid: %w", err)
	}
	banks := make([]string, 0, len(byBank))
	for b := range byBank {
		banks = append(banks, b)
	}
	sort.Strings(banks)
	for _, bank := range banks {
		if err := db.selectInTx(ctx, tx, `SELECT `+matchCols+matchFrom+` AND c.bank = ? AND c.our_number <> '' AND c.our_number IN (%s)`, []any{tenant, bank}, byBank[bank], func(r *sql.Rows) error {
			m, err := scanMatch(r, tenant)
			c.ByOurNumber[m.Bank+"/"+m.OurNumber] = m
			return err
		}); err != nil {
			return c, agr, fmt.Errorf("match nosso número: %w", err)
		}
	}
	// Charges of agreement installments, and agreement installments named
	// by payments: what they still owe and whether their agreement is
	// active.
	var agrIDs []any
	for _, m := range c.ByTxID {
		if m.RefKind == store.RefAgreementInstallment {
			agrIDs = append(agrIDs, m.RefID)
		}
	}
	for _, m := range c.ByOurNumber {
		if m.RefKind == store.RefAgreementInstallment {
			agrIDs = append(agrIDs, m.RefID)
		}
	}
	for i, p := range in {
		if !skip[i] && p.AgreementInstallmentID != 0 {
			agrIDs = append(agrIDs, p.AgreementInstallmentID)
		}
	}
	type agrInst struct {
		store.OpenAmount
		status string
	}
	agrRead := map[int64]agrInst{}
	if err := db.selectInTx(ctx, tx, `SELECT ai.id, ai.agreement_id, ai.number, ai.amount - ai.paid, ai.due_date, ai.status, a.debtor_id, a.status FROM agreement_installments ai
		JOIN agreements a ON a.tenant_id = ai.tenant_id AND a.id = ai.agreement_id WHERE ai.tenant_id + 0 = ? AND ai.id IN (%s)`, []any{tenant}, uniq(agrIDs), func(r *sql.Rows) error {
		o := agrInst{OpenAmount: store.OpenAmount{RefKind: store.RefAgreementInstallment}}
		var aid int64
		var agStatus string
		if err := r.Scan(&o.RefID, &aid, &o.Number, &o.Amount, &o.DueDate, &o.status, &o.DebtorID, &agStatus); err != nil {
			return err
		}
		o.Amount = max(o.Amount, 0)
		o.Contract = "ACORDO-" + strconv.FormatInt(aid, 10)
		agr[o.RefID] = agreementRef{aid, o.Number}
		agrRead[o.RefID] = o
		if agStatus != string(store.AgreementActive) {
			c.ClosedAgreement[o.RefID] = agStatus
		}
		return nil
	}); err != nil {
		return c, agr, fmt.Errorf("agreement installments: %w", err)
	}
	for _, m := range []map[string]store.ChargeMatch{c.ByTxID, c.ByOurNumber} {
		for k, ch := range m {
			if o, ok := agrRead[ch.RefID]; ok && ch.RefKind == store.RefAgreementInstallment {
				ch.Open, ch.InstallmentStatus = o.Amount, domain.InstallmentStatus(o.status)
				m[k] = ch
			}
		}
	}
	for i, p := range in {
		if o, ok := agrRead[p.AgreementInstallmentID]; ok && !skip[i] {
			c.AgreementInstallments[p.AgreementInstallmentID] = o.OpenAmount
		}
	}
	// Payments that matched no charge: find their debtor by document and
	// read the debtors' open installments.
	var docs, debtors, insts []any
	for i, p := range in {
		if skip[i] {
			continue
		}
		if _, ok := c.ByTxID[p.TxID]; ok && p.TxID != "" {
			continue
		}
		if _, ok := c.ByOurNumber[p.Bank+"/"+p.OurNumber]; ok && p.OurNumber != "" {
			continue
		}
		if p.InstallmentID != 0 {
			insts = append(insts, p.InstallmentID)
		}
		if p.DebtorID != 0 {
			debtors = append(debtors, p.DebtorID)
		} else if p.PayerDocument != "" {
			docs = append(docs, p.PayerDocument)
		}
	}
	if err := db.selectInTx(ctx, tx, `SELECT id, document FROM debtors WHERE tenant_id = ? AND document IN (%s)`, []any{tenant}, uniq(docs), func(r *sql.Rows) error {
		var id int64
		var doc string
		err := r.Scan(&id, &doc)
		if prev, ok := c.DebtorByDoc[doc]; !ok || id < prev {
			c.DebtorByDoc[doc] = id
		}
		debtors = append(debtors, id)
		return err
	}); err != nil {
		return c, agr, fmt.Errorf("match payer document: %w", err)
	}
	openQ := `SELECT i.id, d.debtor_id, d.id, d.contract_number, i.number, i.amount - i.paid, i.due_date FROM debts d JOIN installments i ON i.tenant_id = d.tenant_id AND i.debt_id = d.id
		WHERE d.tenant_id = ? AND i.status IN ('open', 'partial') AND i.amount > i.paid AND `
	scanOpen := func(r *sql.Rows) (store.OpenAmount, error) {
		o := store.OpenAmount{RefKind: store.RefInstallment}
		err := r.Scan(&o.InstallmentID, &o.DebtorID, &o.DebtID, &o.Contract, &o.Number, &o.Amount, &o.DueDate)
		o.RefID = o.InstallmentID
		return o, err
	}
	// Debts in an agreement (suspended) are paid through the agreement:
	// their installments are not candidates, the agreement's are.
	debtors = uniq(debtors)
	if err := db.selectInTx(ctx, tx, openQ+`d.status <> 'suspended' AND d.debtor_id IN (%s) ORDER BY i.due_date, i.id`, []any{tenant}, debtors, func(r *sql.Rows) error {
		o, err := scanOpen(r)
		c.OpenByDebtor[o.DebtorID] = append(c.OpenByDebtor[o.DebtorID], o)
		return err
	}); err != nil {
		return c, agr, fmt.Errorf("open installments: %w", err)
	}
	withAgreements := map[int64]bool{}
	if err := db.selectInTx(ctx, tx, `SELECT ai.id, ai.agreement_id, a.debtor_id, ai.number, ai.amount - ai.paid, ai.due_date FROM agreements a
		JOIN agreement_installments ai ON ai.tenant_id = a.tenant_id AND ai.agreement_id = a.id
		WHERE a.tenant_id = ? AND a.status = 'active' AND ai.amount > ai.paid AND a.debtor_id IN (%s)`, []any{tenant}, debtors, func(r *sql.Rows) error {
		o := store.OpenAmount{RefKind: store.RefAgreementInstallment}
		var aid int64
		if err := r.Scan(&o.RefID, &aid, &o.DebtorID, &o.Number, &o.Amount, &o.DueDate); err != nil {
			return err
		}
		o.Contract = "ACORDO-" + strconv.FormatInt(aid, 10)
		agr[o.RefID] = agreementRef{aid, o.Number}
		c.OpenByDebtor[o.DebtorID] = append(c.OpenByDebtor[o.DebtorID], o)
		withAgreements[o.DebtorID] = true
		return nil
	}); err != nil {
		return c, agr, fmt.Errorf("open agreement installments: %w", err)
	}
	for d := range withAgreements {
		os := c.OpenByDebtor[d]
		sort.SliceStable(os, func(i, j int) bool { return os[i].DueDate.Before(os[j].DueDate) })
	}
	if err := db.selectInTx(ctx, tx, `SELECT i.id, d.debtor_id, d.id, d.contract_number, i.number, i.amount - i.paid, i.due_date FROM installments i CROSS JOIN debts d
		WHERE i.tenant_id + 0 = ? AND d.id = i.debt_id AND d.tenant_id = i.tenant_id AND i.id IN (%s)`, []any{tenant}, uniq(insts), func(r *sql.Rows) error {
		o, err := scanOpen(r)
		if o.Amount < 0 {
			o.Amount = 0
		}
		c.Installments[o.InstallmentID] = o
		return err
	}); err != nil {
		return c, agr, fmt.Errorf("named installments: %w", err)
	}
	return c, agr, nil
}

// RefreshReconcileStats refreshes PostgreSQL's statistics of the tables a
// large reconciliation grows. Without them (autovacuum off, or not yet
// run) the planner takes the tenant prefix of the unique indexes and filters
// the rest, and every batch scans what the batches before it wrote. SQLite's
// statistics are refreshed at open and by Analyze.
//
// first (before a file's first batch) also analyses the tables booking
// only updates or reads by index, when they have never been analysed: with
// autovacuum off, a portfolio's planned attempts had no statistics, and
// cancelling the attempts of paid debts took 16.6 s of a 300,000-record
// file instead of well under one.
func (db *DB) RefreshReconcileStats(ctx context.Context, first bool) error {
	if !db.pg {
		return nil
	}
	defer timeStmt("ANALYZE (between batches)", time.Now())
	if first {
		// pg_stats, not pg_stat_user_tables' last_analyze: it is what the
		// planner reads, and it is current at once (the activity
		// statistics reach other sessions with a delay).
		var never string
		if err := db.sql.QueryRowContext(ctx, `SELECT COALESCE(string_agg(quote_ident(c.relname), ', ' ORDER BY c.relname), '')
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.oid = ANY(ARRAY['attempts', 'charges', 'installments', 'debts', 'contact_points', 'promises', 'agreement_installments']::regclass[])
			AND NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname)`).Scan(&never); err != nil {
			return fmt.Errorf("tables without statistics: %w", err)
		}
		if never != "" {
			if _, err := db.sql.ExecContext(ctx, `ANALYZE `+never); err != nil {
				return err
			}
		}
	}
	// The tables booking looks payments up in as it adds to them. Charges
	// and installments are only updated; the receipts added to attempts
	// stay out of the index booking reads attempts by.
	_, err := db.sql.ExecContext(ctx, `ANALYZE payments, reconcile_items`)
	return err
}

// lockBooking serialises a tenant's bookings on PostgreSQL: matching reads
// what installments still owe and decides on it, so two transactions
// deciding on the same installment at once could both book it in full.
// (SQLite has one writer: Tx serialises already.)
func (db *DB) lockBooking(ctx context.Context, tx *sql.Tx, tenant domain.TenantID) error {
	if !db.pg {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7200, CAST($1 AS INTEGER))`, int64(tenant))
	return err
}

// lockBookingShared takes the tenant's booking lock beside the other parts
// of a batch split by debtor (ReconcilePart): they share it, and every
// other booking of the tenant waits for all of them.
func (db *DB) lockBookingShared(ctx context.Context, tx *sql.Tx, tenant domain.TenantID) error {
	if !db.pg {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock_shared(7200, CAST($1 AS INTEGER))`, int64(tenant))
	return err
}

// SplitByDebtor: see store.PartitionedReconciler. A payment's debtor is
// found as Classify finds it, from facts no booking changes: the debtor of
// the charge its txid or nosso número names, else its own debtor id or
// the payer's by document. Reading only those (not what installments
// owe) costs a fraction of matching. A batch with payments that name an
// installment or agreement installment (manual entry, the API) stays
// whole. Should a part's matching find another debtor (a charge issued
// since), ReconcilePart refuses it.
func (db *DB) SplitByDebtor(ctx context.Context, tenant domain.TenantID, in []store.Incoming, n int) ([][]store.Incoming, error) {
	if !db.pg || n < 2 || len(in) < 2 {
		return [][]store.Incoming{in}, nil
	}
	var txids, docs []any
	byBank := map[string][]any{}
	for _, p := range in {
		if p.InstallmentID != 0 || p.AgreementInstallmentID != 0 {
			return [][]store.Incoming{in}, nil
		}
		if p.TxID != "" {
			txids = append(txids, p.TxID)
		}
		if p.OurNumber != "" {
			byBank[p.Bank] = append(byBank[p.Bank], p.OurNumber)
		}
		if p.PayerDocument != "" && p.DebtorID == 0 {
			docs = append(docs, p.PayerDocument)
		}
	}
	byTxID, byOurNumber, byDoc := map[string]int64{}, map[string]int64{}, map[string]int64{}
	err := db.bookingTx(ctx, func(tx *bookTx) error {
		if err := db.selectInTx(ctx, tx, `SELECT txid, debtor_id FROM charges WHERE tenant_id = ? AND txid <> '' AND txid IN (%s)`, []any{tenant}, uniq(txids), func(r *sql.Rows) error {
			var k string
			var d int64
			err := r.Scan(&k, &d)
			byTxID[k] = d
			return err
		}); err != nil {
			return fmt.Errorf("charges by txid: %w", err)
		}
		for bank, nums := range byBank {
			if err := db.selectInTx(ctx, tx, `SELECT our_number, debtor_id FROM charges WHERE tenant_id = ? AND bank = ? AND our_number <> '' AND our_number IN (%s)`, []any{tenant, bank}, uniq(nums), func(r *sql.Rows) error {
				var k string
				var d int64
				err := r.Scan(&k, &d)
				byOurNumber[bank+"/"+k] = d
				return err
			}); err != nil {
				return fmt.Errorf("charges by nosso número: %w", err)
			}
		}
		return db.selectInTx(ctx, tx, `SELECT document, id FROM debtors WHERE tenant_id = ? AND document IN (%s)`, []any{tenant}, uniq(docs), func(r *sql.Rows) error {
			var k string
			var d int64
			err := r.Scan(&k, &d)
			if prev, ok := byDoc[k]; !ok || d < prev {
				byDoc[k] = d
			}
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("split %d payments by debtor: %w", len(in), err)
	}
	parts := make([][]store.Incoming, n)
	partOf := make(map[string]int, len(in))
	for _, p := range in {
		if k, ok := partOf[p.SourceRef]; ok {
			parts[k] = append(parts[k], p) // skipped there as seen
			continue
		}
		var debtor int64
		if d, ok := byTxID[p.TxID]; ok && p.TxID != "" {
			debtor = d
		} else if d, ok := byOurNumber[p.Bank+"/"+p.OurNumber]; ok && p.OurNumber != "" {
			debtor = d
		} else if p.DebtorID != 0 {
			debtor = p.DebtorID
		} else if p.PayerDocument != "" {
			debtor = byDoc[p.PayerDocument]
		}
		k := 0
		if debtor > 0 {
			k = int(debtor % int64(n))
		}
		partOf[p.SourceRef] = k
		parts[k] = append(parts[k], p)
	}
	return parts, nil
}

// ReconcilePart books part k of a batch split in n by SplitByDebtor in a
// transaction of its own, beside the other parts (PostgreSQL): it holds
// the tenant's booking lock shared.
func (db *DB) ReconcilePart(ctx context.Context, tenant domain.TenantID, in []store.Incoming, classify store.Classifier, k, n int) (store.ReconcileOutcome, error) {
	if n < 1 || k < 0 || k >= n {
		return store.ReconcileOutcome{}, fmt.Errorf("reconcile part %d of %d: no such part", k, n)
	}
	return db.reconcile(ctx, tenant, in, classify, k, n)
}

// BookParts: see store.PartitionedReconciler.
func (db *DB) BookParts(ctx context.Context, tenant domain.TenantID, parts [][]store.Incoming, classify store.Classifier) []store.PartResult {
	res := make([]store.PartResult, len(parts))
	var wg sync.WaitGroup
	for k, in := range parts {
		if len(in) == 0 {
			continue
		}
		book := func() {
			o, err := db.ReconcilePart(ctx, tenant, in, classify, k, len(parts))
			res[k] = store.PartResult{Outcome: o, Err: err}
		}
		if !db.pg {
			book() // one writer: one part after the other
			continue
		}
		wg.Go(book)
	}
	wg.Wait()
	return res
}

// booking is one amount to apply to an installment inside a transaction.
type booking struct {
	source    domain.PaymentSource
	sourceRef string
	amount    money.Money
	paidAt    time.Time
	debtorID  int64
	debtID    int64
	inst      int64
	chargeID  int64
	// contract and number name the installment paid, for the timeline's
	// line (paidSummary); number is also the agreement installment's.
	contract  string
	number    int
	paymentID int64 // filled in
	// agreementID and agreementInst are set (and debtID, inst zero) for a
	// payment booked on an agreement installment.
	agreementID, agreementInst int64
}

type applied struct {
	paidOff, cancelled, receipts int
}

// applyBookings writes payments, installment amounts, paid charges, cancels live attempts of the debts whose installments became
// paid and plans receipts, all set-based.
//
// open says the caller knows every installment booked on had something
// open (the classifier books only then), which spares reading them first.
func (db *DB) applyBookings(ctx context.Context, tx *bookTx, tenant domain.TenantID, bs []*booking, at time.Time, open bool) (applied, error) {
	var out applied
	if len(bs) == 0 {
		return out, nil
	}
	// Installments must be the tenant's: the UPDATE below only touches the
	// tenant's rows, and a booking whose installment it missed is refused.
	ids, err := db.nextIDs(ctx, tx, "payments", len(bs))
	if err != nil {
		return out, err
	}
	for i, b := range bs {
		b.paymentID = ids[i]
	}
	if _, err := db.copyRows(ctx, tx, "payments", []string{"id", "tenant_id", "debtor_id", "debt_id", "installment_id", "source", "source_ref", "amount", "paid_at", "booked_at"}, len(bs),
		func(i int) []any {
			b := bs[i]
			return []any{b.paymentID, tenant, b.debtorID, b.debtID, b.inst, string(b.source), b.sourceRef, b.amount, b.paidAt.UTC(), at}
		}, ""); err != nil {
		return out, err
	}
	delta := map[int64]money.Money{}
	for _, b := range bs {
		delta[b.inst] += b.amount
	}
	vals := make([][]any, 0, len(delta))
	for id, amt := range delta {
		vals = append(vals, []any{id, int64(amt)})
	}
	sort.Slice(vals, func(i, j int) bool { return vals[i][0].(int64) < vals[j][0].(int64) })
	// SQLite's RETURNING cannot see the FROM table, so what was paid before
	// is read first.
	wasPaid := map[int64]bool{}
	keys := make([]any, 0, len(vals))
	for _, v := range vals {
		keys = append(keys, v[0])
	}
	if !open {
		if err := db.selectInTx(ctx, tx, `SELECT id, CASE WHEN paid >= amount THEN 1 ELSE 0 END FROM installments WHERE tenant_id + 0 = ? AND id IN (%s)`, []any{tenant}, keys, func(r *sql.Rows) error {
			var id int64
			var paid int
			err := r.Scan(&id, &paid)
			wasPaid[id] = paid == 1
			return err
		}); err != nil {
			return out, fmt.Errorf("read installments: %w", err)
		}
		if len(wasPaid) != len(vals) {
			return out, fmt.Errorf("book: %d of %d installments not found: %w", len(vals)-len(wasPaid), len(vals), store.ErrNotFound)
		}
	}
	paidDebts := map[int64]bool{}
	paidInst := map[int64]bool{}
	updated := 0
	if err := db.updateFromValues(ctx, tx, `UPDATE installments SET paid = installments.paid + v.column2,
		status = CASE WHEN installments.paid + v.column2 >= installments.amount THEN 'paid' WHEN installments.paid + v.column2 > 0 THEN 'partial' ELSE 'open' END
		FROM (VALUES %s) AS v WHERE installments.tenant_id = ? AND installments.id = v.column1
		RETURNING id, debt_id, status`,
		[]string{"BIGINT", "BIGINT"}, vals, []any{tenant}, func(r *sql.Rows) error {
			var id, debt int64
			var st string
			if err := r.Scan(&id, &debt, &st); err != nil {
				return err
			}
			updated++
			if st == string(domain.InstallmentPaid) && !wasPaid[id] {
				paidDebts[debt] = true
				paidInst[id] = true
				out.paidOff++
			}
			return nil
		}); err != nil {
		return out, fmt.Errorf("update installments: %w", err)
	}
	if updated != len(vals) {
		return out, fmt.Errorf("book: %d of %d installments not found: %w", len(vals)-updated, len(vals), store.ErrNotFound)
	}
	var paidCharges []any
	for _, b := range bs {
		if b.chargeID != 0 && paidInst[b.inst] {
			paidCharges = append(paidCharges, b.chargeID)
		}
	}
	if _, err := db.execIn(ctx, tx, `UPDATE charges SET status = 'paid', paid_at = ? WHERE tenant_id + 0 = ? AND id IN (%s)`, []any{at, tenant}, paidCharges); err != nil {
		return out, fmt.Errorf("mark charges paid: %w", err)
	}
	debts := make([]any, 0, len(paidDebts))
	for d := range paidDebts {
		debts = append(debts, d)
	}
	n, err := db.execIn(ctx, tx, `UPDATE attempts SET status = 'cancelled', last_error = 'paid' WHERE tenant_id = ? AND status IN ('planned', 'failed') AND debt_id <> 0 AND debt_id IN (%s)`, []any{tenant}, debts)
	if err != nil {
		return out, fmt.Errorf("cancel attempts: %w", err)
	}
	out.cancelled = int(n)
	out.receipts, err = db.planReceipts(ctx, tx, tenant, bs, at)
	return out, err
}

// paidSummary is the timeline's line for a payment.
func paidSummary(b *booking) string {
	s := "Pagamento de " + b.amount.Format("pt-BR") + " recebido por " + string(b.source)
	switch {
	case b.agreementID != 0:
		s += " (acordo " + strconv.FormatInt(b.agreementID, 10) + ", parcela " + strconv.Itoa(b.number) + ")"
	case b.contract != "":
		s += " (contrato " + b.contract + ", parcela " + strconv.Itoa(b.number) + ")"
	}
	return s
}

// paidEventData is a payment's timeline entry data.
func paidEventData(b *booking) []byte {
	m := map[string]any{"payment_id": b.paymentID, "source": b.source, "source_ref": b.sourceRef, "amount": b.amount}
	if b.agreementID != 0 {
		m["agreement_id"], m["installment"] = b.agreementID, b.number
	} else if b.inst != 0 {
		m["installment_id"] = b.inst
	}
	data, _ := json.Marshal(m)
	return data
}

// The receipt payload is written byte by byte: with a million payments in
// a file, json.Marshal per row was a tenth of the CPU (see TestBookingJSON).

// receiptPayload is the journey.Payload of a receipt acknowledging bs (one
// debtor's payments): their ids only. Dispatch reads the payments when it
// sends it (SendFacts.Receipts); a receipt row is a third of what it was
// when it carried each payment's lines, and a large return file writes
// half a million of them.
func receiptPayload(step, channel string, bs []*booking) []byte {
	out := make([]byte, 0, 96+12*len(bs))
	out = append(out, `{"v":`...)
	out = strconv.AppendInt(out, journey.PayloadVersion, 10)
	out = append(out, `,"step":`...)
	out = appendJSONString(out, step)
	out = append(out, `,"action":"message","channel":`...)
	out = appendJSONString(out, channel)
	out = append(out, `,"receipt":{"payment_ids":[`...)
	for i, b := range bs {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendInt(out, b.paymentID, 10)
	}
	return append(out, "]}}"...)
}

// appendJSONString appends s as encoding/json writes it: plain ASCII as
// is, anything else through json.Marshal.
func appendJSONString(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s)
			return append(out, enc...)
		}
	}
	out = append(out, '"')
	out = append(out, s...)
	return append(out, '"')
}

// planReceipts queues a receipt message per debtor for the payments booked
// together, on the debtor's preferred channel that has not opted out.
// Receipts carry no debt id, so that a stop condition of the debt (which
// cancels its live attempts) never cancels a receipt.
func (db *DB) planReceipts(ctx context.Context, tx *bookTx, tenant domain.TenantID, bs []*booking, at time.Time) (int, error) {
	ids := make([]any, 0, len(bs))
	for _, b := range bs {
		ids = append(ids, b.debtorID)
	}
	type best struct {
		rank    int
		channel string
	}
	chosen := map[int64]best{}
	if err := db.selectInTx(ctx, tx, `SELECT debtor_id, kind, preferred FROM contact_points WHERE tenant_id = ? AND consent <> 'opted_out' AND debtor_id IN (%s)`, []any{tenant}, uniq(ids), func(r *sql.Rows) error {
		var debtor int64
		var kind string
		var preferred bool
		if err := r.Scan(&debtor, &kind, &preferred); err != nil {
			return err
		}
		rank, ch := 0, ""
		switch domain.ContactKind(kind) {
		case domain.Email:
			rank, ch = 3, "email"
		case domain.WhatsApp:
			rank, ch = 2, "whatsapp"
		case domain.Mobile:
			rank, ch = 1, "sms"
		default:
			return nil
		}
		if preferred {
			rank += 10
		}
		if rank > chosen[debtor].rank {
			chosen[debtor] = best{rank, ch}
		}
		return nil
	}); err != nil {
		return 0, fmt.Errorf("receipt channel: %w", err)
	}
	// One receipt per debtor for the payments booked together, in the
	// order they were booked.
	var order []int64
	group := map[int64][]*booking{}
	for _, b := range bs {
		if chosen[b.debtorID].channel == "" || b.paymentID == 0 {
			continue
		}
		if _, ok := group[b.debtorID]; !ok {
			order = append(order, b.debtorID)
		}
		group[b.debtorID] = append(group[b.debtorID], b)
	}
	as := make([]store.Attempt, 0, len(order))
	for _, debtor := range order {
		g := group[debtor]
		ch := chosen[debtor].channel
		step := "receipt-" + strconv.FormatInt(g[0].paymentID, 10)
		as = append(as, store.Attempt{DebtorID: debtor, StepID: step, AnchorDate: date.Of(g[0].paidAt.UTC()),
			Channel: ch, Template: journey.ReceiptTemplate, Payload: receiptPayload(step, ch, g), DueAt: at})
	}
	// Counted by rows affected, not RETURNING: SQLite materialises
	// RETURNING rows in a temporary table first.
	// A receipt's step names its first payment, booked just now: no
	// receipt planned before can share its key, so COPY may write them.
	return db.copyRows(ctx, tx, "attempts",
		[]string{"tenant_id", "debtor_id", "debt_id", "enrolment_id", "step_id", "anchor_date", "channel", "template", "payload", "status", "due_at", "created_at"},
		len(as), func(i int) []any {
			a := as[i]
			return []any{tenant, a.DebtorID, 0, 0, a.StepID, a.AnchorDate, a.Channel, a.Template, string(a.Payload), string(store.AttemptPlanned), a.DueAt, at}
		}, "ON CONFLICT (tenant_id, enrolment_id, step_id, anchor_date) DO NOTHING")
}

type agreementsApplied struct {
	paidOff, cancelled, receipts int
	agreements                   []store.AgreementPaid
}

// bookAgreements books payments on agreement installments as
// ApplyAgreementPayment does (bookAgreementPayment, the whole amount on
// the installment named), marks a payment's charge paid when its
// installment became paid and plans receipts. bs are filled in with their
// payment ids.
func (db *DB) bookAgreements(ctx context.Context, tx *bookTx, tenant domain.TenantID, bs []*booking, at time.Time, spill bool) (agreementsApplied, error) {
	var out agreementsApplied
	if len(bs) == 0 {
		return out, nil
	}
	seen := map[int64]int{}
	var paidCharges []any
	for _, b := range bs {
		ab, err := db.bookAgreementPayment(ctx, tx.Tx, tenant, b.agreementID, b.number, domain.Payment{Source: b.source, SourceRef: b.sourceRef, Amount: b.amount, PaidAt: b.paidAt}, at, spill)
		if err != nil {
			return out, err
		}
		if ab.dup {
			return out, fmt.Errorf("payment %s/%s: booked before: %w", b.source, b.sourceRef, store.ErrConflict)
		}
		b.paymentID, b.debtorID = ab.PaymentID, ab.debtor
		out.paidOff += len(ab.paidOff)
		out.cancelled += ab.cancelled
		if b.chargeID != 0 && slices.Contains(ab.paidOff, b.number) {
			paidCharges = append(paidCharges, b.chargeID)
		}
		if k, ok := seen[b.agreementID]; ok {
			if ab.PaidAt.After(out.agreements[k].PaidAt) {
				out.agreements[k].PaidAt = ab.PaidAt
			}
		} else {
			seen[b.agreementID] = len(out.agreements)
			out.agreements = append(out.agreements, store.AgreementPaid{AgreementID: b.agreementID, DebtorID: ab.debtor, PaidAt: ab.PaidAt})
		}
	}
	if _, err := db.execIn(ctx, tx, `UPDATE charges SET status = 'paid', paid_at = ? WHERE tenant_id + 0 = ? AND id IN (%s)`, []any{at, tenant}, paidCharges); err != nil {
		return out, fmt.Errorf("mark charges paid: %w", err)
	}
	n, err := db.planReceipts(ctx, tx, tenant, bs, at)
	out.receipts = n
	return out, err
}

// debtorsPaid names each debtor of bs once with the latest paid-at booked
// for them, in the order first booked.
func debtorsPaid(bs []*booking) []store.DebtorPaid {
	if len(bs) == 0 {
		return nil
	}
	at := make(map[int64]int, len(bs))
	var out []store.DebtorPaid
	for _, b := range bs {
		if k, ok := at[b.debtorID]; ok {
			if b.paidAt.After(out[k].PaidAt) {
				out[k].PaidAt = b.paidAt
			}
			continue
		}
		at[b.debtorID] = len(out)
		out = append(out, store.DebtorPaid{DebtorID: b.debtorID, PaidAt: b.paidAt})
	}
	return out
}

func (db *DB) Reconcile(ctx context.Context, tenant domain.TenantID, in []store.Incoming, classify store.Classifier) (store.ReconcileOutcome, error) {
	return db.reconcile(ctx, tenant, in, classify, 0, 0)
}

// reconcile books a batch (parts 0) or part k of a batch split in parts.
func (db *DB) reconcile(ctx context.Context, tenant domain.TenantID, in []store.Incoming, classify store.Classifier, k, parts int) (store.ReconcileOutcome, error) {
	if len(in) == 0 {
		return store.ReconcileOutcome{}, nil
	}
	if err := checkIncoming(in); err != nil {
		return store.ReconcileOutcome{}, err
	}
	var out store.ReconcileOutcome
	err := db.bookingTx(ctx, func(tx *bookTx) error {
		lock := db.lockBooking
		if parts > 0 {
			lock = db.lockBookingShared
		}
		if err := lock(ctx, tx.Tx, tenant); err != nil {
			return err
		}
		rd, err := db.readBatch(ctx, tx, tenant, in)
		if err != nil {
			return err
		}
		out, err = db.writeBatch(ctx, tx, tenant, in, rd, classify, k, parts, now())
		return err
	})
	if err != nil {
		return store.ReconcileOutcome{}, fmt.Errorf("reconcile %d %s payments: %w", len(in), in[0].Source, err)
	}
	return out, nil
}

// checkIncoming refuses a batch of mixed sources or with a payment that
// has no source reference or amount.
func checkIncoming(in []store.Incoming) error {
	src := in[0].Source
	for i, p := range in {
		if p.Source != src {
			return fmt.Errorf("reconcile: payment %d: source %q in a batch of %q", i, p.Source, src)
		}
		if p.SourceRef == "" || p.Amount <= 0 {
			return fmt.Errorf("reconcile: payment %d (%s): a source reference and a positive amount are required", i, p.SourceRef)
		}
	}
	return nil
}

// batchReads is what booking a batch reads before it decides: which
// payments are known already (skip; a payment twice in the batch is
// skipped the second time) and the candidates of the rest.
type batchReads struct {
	skip  []bool
	cands store.Candidates
	agr   map[int64]agreementRef
}

// readBatch reads what booking in decides on, through tx: the booking
// transaction itself, or on SQLite a read transaction begun after it,
// which sees the same rows (the writer holds the only write lock) as long
// as the booking writes nothing of in's debtors before it is used.
func (db *DB) readBatch(ctx context.Context, tx *bookTx, tenant domain.TenantID, in []store.Incoming) (batchReads, error) {
	rd := batchReads{skip: make([]bool, len(in))}
	src := in[0].Source
	seen := make(map[string]bool, len(in))
	refs := make([]any, 0, len(in))
	for i, p := range in {
		if seen[p.SourceRef] {
			rd.skip[i] = true
			continue
		}
		seen[p.SourceRef] = true
		refs = append(refs, p.SourceRef)
	}
	known := map[string]bool{}
	collect := func(r *sql.Rows) error {
		var ref string
		err := r.Scan(&ref)
		known[ref] = true
		return err
	}
	if err := db.selectInTx(ctx, tx, `SELECT source_ref FROM payments WHERE tenant_id = ? AND source = ? AND source_ref IN (%s)`, []any{tenant, string(src)}, refs, collect); err != nil {
		return rd, fmt.Errorf("known payments: %w", err)
	}
	if err := db.selectInTx(ctx, tx, `SELECT source_ref FROM reconcile_items WHERE tenant_id = ? AND source = ? AND source_ref IN (%s)`, []any{tenant, string(src)}, refs, collect); err != nil {
		return rd, fmt.Errorf("known queue items: %w", err)
	}
	for i, p := range in {
		if known[p.SourceRef] {
			rd.skip[i] = true
		}
	}
	var err error
	rd.cands, rd.agr, err = db.candidates(ctx, tx, tenant, in, rd.skip)
	return rd, err
}

// writeBatch decides on in from rd and books the decisions through the
// booking transaction tx; k and parts, when parts > 0, say which part of
// a batch split by debtor in is (a payment of another part's debtor is
// refused with store.ErrPartChanged).
func (db *DB) writeBatch(ctx context.Context, tx *bookTx, tenant domain.TenantID, in []store.Incoming, rd batchReads, classify store.Classifier, k, parts int, at time.Time) (store.ReconcileOutcome, error) {
	out := store.ReconcileOutcome{New: make([]bool, len(in))}
	skip, cands, agr := rd.skip, rd.cands, rd.agr
	for i := range in {
		if skip[i] {
			out.Duplicates++
		} else {
			out.New[i] = true
		}
	}
	err := func() error {
		ds := classify(in, cands)
		if len(ds) != len(in) {
			return fmt.Errorf("reconcile: classifier returned %d decisions for %d payments", len(ds), len(in))
		}
		if parts > 0 {
			for i, d := range ds {
				if !skip[i] && d.DebtorID != 0 && int(d.DebtorID%int64(parts)) != k {
					return fmt.Errorf("payment %s, debtor %d, part %d of %d: %w", in[i].SourceRef, d.DebtorID, k, parts, store.ErrPartChanged)
				}
			}
		}
		var bs, abs []*booking
		var credits []store.Incoming
		var creditAmt []money.Money
		var creditDebtor []int64
		var queue []int
		for i, d := range ds {
			if skip[i] {
				continue
			}
			p := in[i]
			if d.Book > 0 && d.AgreementInstallmentID != 0 {
				ref, ok := agr[d.AgreementInstallmentID]
				if !ok {
					return fmt.Errorf("reconcile: payment %s: agreement installment %d was not read: %w", p.SourceRef, d.AgreementInstallmentID, store.ErrNotFound)
				}
				abs = append(abs, &booking{source: p.Source, sourceRef: p.SourceRef, amount: d.Book, paidAt: p.PaidAt, debtorID: d.DebtorID,
					chargeID: d.ChargeID, number: ref.number, agreementID: ref.agreementID, agreementInst: d.AgreementInstallmentID})
				out.Booked++
				out.BookedAmount += d.Book
			} else if d.Book > 0 {
				bs = append(bs, &booking{source: p.Source, sourceRef: p.SourceRef, amount: d.Book, paidAt: p.PaidAt, debtorID: d.DebtorID, debtID: d.DebtID,
					inst: d.InstallmentID, chargeID: d.ChargeID})
				out.Booked++
				out.BookedAmount += d.Book
			}
			if d.Credit > 0 {
				credits = append(credits, p)
				creditAmt = append(creditAmt, d.Credit)
				creditDebtor = append(creditDebtor, d.DebtorID)
				out.Credited += d.Credit
			}
			if d.Queue != "" {
				queue = append(queue, i)
			}
		}
		ap, err := db.applyBookings(ctx, tx, tenant, bs, at, true)
		if err != nil {
			return err
		}
		out.PaidOff, out.Cancelled, out.Receipts = ap.paidOff, ap.cancelled, ap.receipts
		out.Debtors = debtorsPaid(bs)
		ag, err := db.bookAgreements(ctx, tx, tenant, abs, at, false)
		if err != nil {
			return err
		}
		out.PaidOff += ag.paidOff
		out.Cancelled += ag.cancelled
		out.Receipts += ag.receipts
		out.Agreements = ag.agreements
		if _, err := db.insertRows(ctx, tx, "debtor_credits", []string{"tenant_id", "debtor_id", "amount", "source", "source_ref", "note", "created_at"}, len(credits), func(k int) []any {
			return []any{tenant, creditDebtor[k], creditAmt[k], string(credits[k].Source), credits[k].SourceRef, "overpayment", at}
		}, "", nil); err != nil {
			return err
		}
		paymentOf := map[string]int64{}
		for _, b := range bs {
			paymentOf[b.sourceRef] = b.paymentID
		}
		for _, b := range abs {
			paymentOf[b.sourceRef] = b.paymentID
		}
		_, err = db.insertRows(ctx, tx, "reconcile_items", []string{"tenant_id", "source", "source_ref", "reason", "amount", "received", "paid_at", "charge_id", "debtor_id", "installment_id", "agreement_installment_id", "payment_id",
			"txid", "end_to_end_id", "bank", "our_number", "payer_document", "payer_name", "detail", "status", "created_at"}, len(queue), func(k int) []any {
			i := queue[k]
			p, d := in[i], ds[i]
			return []any{tenant, string(p.Source), p.SourceRef, string(d.Queue), d.QueueAmount, p.Amount, p.PaidAt.UTC(), d.ChargeID, d.DebtorID, d.InstallmentID, d.AgreementInstallmentID, paymentOf[p.SourceRef],
				p.TxID, p.EndToEndID, p.Bank, p.OurNumber, p.PayerDocument, p.PayerName, d.Detail, "open", at}
		}, "", nil)
		out.Queued = len(queue)
		return err
	}()
	return out, err
}

const queueCols = `id, source, source_ref, reason, amount, received, paid_at, charge_id, debtor_id, installment_id, agreement_installment_id, payment_id, txid, end_to_end_id, bank, our_number, payer_document, payer_name, detail, status, resolution, resolved_by, resolved_at, created_at`

func scanQueueItem(sc interface{ Scan(...any) error }, tenant domain.TenantID) (store.QueueItem, error) {
	q := store.QueueItem{TenantID: tenant}
	var src, reason string
	err := sc.Scan(&q.ID, &src, &q.SourceRef, &reason, &q.Amount, &q.Received, tm(&q.PaidAt), &q.ChargeID, &q.DebtorID, &q.InstallmentID, &q.AgreementInstallmentID, &q.PaymentID, &q.TxID, &q.EndToEndID,
		&q.Bank, &q.OurNumber, &q.PayerDocument, &q.PayerName, &q.Detail, &q.Status, &q.Resolution, &q.ResolvedBy, tm(&q.ResolvedAt), tm(&q.CreatedAt))
	q.Source, q.Reason = domain.PaymentSource(src), store.QueueReason(reason)
	return q, err
}

func (db *DB) QueueItems(ctx context.Context, tenant domain.TenantID, status string, limit int) ([]store.QueueItem, error) {
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT ` + queueCols + ` FROM reconcile_items WHERE tenant_id = ?`
	args := []any{tenant}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, status)
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(q+` ORDER BY id LIMIT ?`), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("reconciliation queue: %w", err)
	}
	defer rows.Close()
	var out []store.QueueItem
	for rows.Next() {
		it, err := scanQueueItem(rows, tenant)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func (db *DB) QueueItem(ctx context.Context, tenant domain.TenantID, id int64) (store.QueueItem, error) {
	it, err := scanQueueItem(db.sql.QueryRowContext(ctx, db.Rebind(`SELECT `+queueCols+` FROM reconcile_items WHERE tenant_id = ? AND id = ?`), tenant, id), tenant)
	return it, notFound(err, fmt.Sprintf("reconciliation item %d", id))
}

func (db *DB) ResolveQueueItem(ctx context.Context, tenant domain.TenantID, id int64, r store.Resolution) (store.QueueItem, error) {
	at := now()
	var it store.QueueItem
	err := db.Tx(ctx, func(stx *sql.Tx) error {
		tx := db.bookTx(stx)
		if err := db.lockBooking(ctx, stx, tenant); err != nil {
			return err
		}
		var err error
		it, err = scanQueueItem(tx.QueryRowContext(ctx, db.Rebind(`SELECT `+queueCols+` FROM reconcile_items WHERE tenant_id = ? AND id = ?`), tenant, id), tenant)
		if err != nil {
			return notFound(err, fmt.Sprintf("reconciliation item %d", id))
		}
		if it.Status != "open" {
			return fmt.Errorf("item %d is %s: %w", id, it.Status, store.ErrResolved)
		}
		// An overpayment's rest is already kept as credit; moving it
		// elsewhere takes it off the credit.
		keptAsCredit := it.Reason == store.QueueOverpaid
		uncredit := func(tag string) error {
			if !keptAsCredit {
				return nil
			}
			_, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO debtor_credits (tenant_id, debtor_id, amount, source, source_ref, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
				tenant, it.DebtorID, -it.Amount, string(it.Source), it.SourceRef+"/"+tag, r.Note, at)
			return err
		}
		status := ""
		switch r.Action {
		case "assign":
			if r.AgreementInstallmentID != 0 {
				if r.InstallmentID != 0 {
					return fmt.Errorf("assign: an installment or an agreement installment, not both: %w", store.ErrInvalid)
				}
				b := booking{source: it.Source, sourceRef: it.SourceRef, amount: it.Amount, paidAt: it.PaidAt, agreementInst: r.AgreementInstallmentID}
				if it.PaymentID != 0 {
					b.sourceRef += "/rest"
				}
				if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT agreement_id, number FROM agreement_installments WHERE tenant_id = ? AND id = ?`), tenant, r.AgreementInstallmentID).
					Scan(&b.agreementID, &b.number); err != nil {
					return notFound(err, fmt.Sprintf("agreement installment %d", r.AgreementInstallmentID))
				}
				if it.ChargeID != 0 && it.AgreementInstallmentID == r.AgreementInstallmentID {
					b.chargeID = it.ChargeID
				}
				// A supervisor's assignment books as ApplyAgreementPayment
				// does: any excess to the agreement's next installments.
				if _, err := db.bookAgreements(ctx, tx, tenant, []*booking{&b}, at, true); err != nil {
					return err
				}
				if err := uncredit("assigned"); err != nil {
					return err
				}
				it.PaymentID, it.InstallmentID, it.AgreementInstallmentID, it.DebtorID = b.paymentID, 0, r.AgreementInstallmentID, b.debtorID
				status = "assigned"
				break
			}
			if r.InstallmentID == 0 {
				return fmt.Errorf("assign: an installment or an agreement installment is required: %w", store.ErrInvalid)
			}
			var b booking
			if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT d.debtor_id, d.id FROM installments i JOIN debts d ON d.tenant_id = i.tenant_id AND d.id = i.debt_id WHERE i.tenant_id = ? AND i.id = ?`), tenant, r.InstallmentID).
				Scan(&b.debtorID, &b.debtID); err != nil {
				return notFound(err, fmt.Sprintf("installment %d", r.InstallmentID))
			}
			b.source, b.amount, b.paidAt, b.inst = it.Source, it.Amount, it.PaidAt, r.InstallmentID
			b.sourceRef = it.SourceRef
			if it.PaymentID != 0 {
				b.sourceRef += "/rest"
			}
			if it.ChargeID != 0 && it.InstallmentID == r.InstallmentID {
				b.chargeID = it.ChargeID
			}
			if _, err := db.applyBookings(ctx, tx, tenant, []*booking{&b}, at, false); err != nil {
				return err
			}
			if err := uncredit("assigned"); err != nil {
				return err
			}
			it.PaymentID, it.InstallmentID, it.AgreementInstallmentID, it.DebtorID = b.paymentID, r.InstallmentID, 0, b.debtorID
			status = "assigned"
		case "credit":
			debtor := it.DebtorID
			if debtor == 0 {
				debtor = r.DebtorID
			}
			if debtor == 0 {
				return fmt.Errorf("credit: the item names no debtor; choose one: %w", store.ErrInvalid)
			}
			var ok int
			if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT 1 FROM debtors WHERE tenant_id = ? AND id = ?`), tenant, debtor).Scan(&ok); err != nil {
				return notFound(err, fmt.Sprintf("debtor %d", debtor))
			}
			if !keptAsCredit {
				if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO debtor_credits (tenant_id, debtor_id, amount, source, source_ref, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
					tenant, debtor, it.Amount, string(it.Source), it.SourceRef, r.Note, at); err != nil {
					return err
				}
			}
			it.DebtorID = debtor
			status = "credited"
		case "refund":
			if err := uncredit("refunded"); err != nil {
				return err
			}
			status = "refunded"
		default:
			return fmt.Errorf("resolve: action %q: want assign, credit or refund: %w", r.Action, store.ErrInvalid)
		}
		it.Status, it.Resolution, it.ResolvedBy, it.ResolvedAt = status, r.Note, r.Actor, at
		_, err = tx.ExecContext(ctx, db.Rebind(`UPDATE reconcile_items SET status = ?, resolution = ?, resolved_by = ?, resolved_at = ?, payment_id = ?, installment_id = ?, agreement_installment_id = ?, debtor_id = ? WHERE tenant_id = ? AND id = ?`),
			status, r.Note, r.Actor, at, it.PaymentID, it.InstallmentID, it.AgreementInstallmentID, it.DebtorID, tenant, id)
		return err
	})
	if err != nil {
		return it, fmt.Errorf("resolve reconciliation item %d: %w", id, err)
	}
	return it, nil
}

func (db *DB) DebtorCredit(ctx context.Context, tenant domain.TenantID, debtorID int64) (money.Money, error) {
	var m money.Money
	err := db.sql.QueryRowContext(ctx, db.Rebind(`SELECT COALESCE(SUM(amount), 0) FROM debtor_credits WHERE tenant_id = ? AND debtor_id = ?`), tenant, debtorID).Scan(&m)
	return m, err
}

func (db *DB) StartReturnFile(ctx context.Context, tenant domain.TenantID, f store.ReturnFile) (bool, store.ReturnFile, error) {
	var prev store.ReturnFile
	started := false
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.Rebind(`SELECT file_id, name, bank, records, booked, queued, status, started_at, finished_at FROM return_files WHERE tenant_id = ? AND file_id = ?`), tenant, f.FileID).
			Scan(&prev.FileID, &prev.Name, &prev.Bank, &prev.Records, &prev.Booked, &prev.Queued, &prev.Status, tm(&prev.StartedAt), tm(&prev.FinishedAt))
		switch {
		case err == nil && prev.Status == "done":
			return nil
		case err == nil:
			// A run that stopped half-way: go on; per-payment source
			// references skip what it booked.
			started = true
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		started = true
		_, err = tx.ExecContext(ctx, db.Rebind(`INSERT INTO return_files (tenant_id, file_id, name, bank, records, status, started_at) VALUES (?, ?, ?, ?, ?, 'processing', ?)`),
			tenant, f.FileID, f.Name, f.Bank, f.Records, now())
		return err
	})
	if err != nil {
		return false, prev, fmt.Errorf("return file %s: %w", f.FileID, err)
	}
	return started, prev, nil
}

func (db *DB) FinishReturnFile(ctx context.Context, tenant domain.TenantID, f store.ReturnFile) error {
	_, err := db.Exec(ctx, `UPDATE return_files SET status = 'done', booked = booked + ?, queued = queued + ?, finished_at = ? WHERE tenant_id = ? AND file_id = ?`,
		f.Booked, f.Queued, now(), tenant, f.FileID)
	if err != nil {
		return fmt.Errorf("finish return file %s: %w", f.FileID, err)
	}
	return nil
}
