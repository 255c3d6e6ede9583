package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/regua/regua/internal/bench"
	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store/sqldb"
)

// floorRun is what `bench cnab --floor` needs to book the file again on a
// fresh copy of the portfolio.
type floorRun struct {
	target, template string // --db and --template
	path             string // the return file
	tenant           domain.TenantID
	batch, parts     int
	// what regua's own run wrote, to compare
	booked, receipts, cancelled int
}

// floorCounts are the rows a floor's part wrote.
type floorCounts struct{ booked, receipts, cancelled int64 }

// floorStatements are the writes and reads every booking of a settlement
// makes, as set-based statements over a batch of the staged file: the
// booking reads the same rows and writes the same rows regua's does (a
// payment, its installment, its charge, the paid debt's live attempts, a
// receipt per debtor), with nothing between the statements. They cover
// only what a return file of exact settlements of active charges needs
// (the bench's file): the rules for partial, surplus, superseded or
// unknown payments are regua's alone, and they add nothing here.
//
// %[1]s is the batch table, %[2]s the staged file, %[3]s the dialect's
// list aggregate of the batch's row numbers (standing in for payment ids
// in a receipt's payload of the same size); ? are in floorArgs. A
// receipt's channel is chosen by kind alone (regua's puts the preferred
// contact point first): the same rows, written the same way.
var floorStatements = []struct{ name, q string }{
	{"match", `INSERT INTO %[1]s (rid, ref, amount, paid_at, charge_id, inst, debt_id, debtor_id)
		SELECT s.rid, s.ref, s.amount, s.paid_at, c.id, c.ref_id, i.debt_id, d.debtor_id
		FROM %[2]s s JOIN charges c ON c.tenant_id = ? AND c.bank = s.bank AND c.our_number = s.our_number AND c.our_number <> ''
		JOIN installments i ON i.id = c.ref_id JOIN debts d ON d.id = i.debt_id
		WHERE s.rid BETWEEN ? AND ? AND d.debtor_id %% ? = ? AND c.status = 'active' AND c.ref_kind = 'installment' AND i.amount - i.paid = s.amount
		AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.tenant_id = ? AND p.source = 'boleto' AND p.source_ref = s.ref)
		AND NOT EXISTS (SELECT 1 FROM reconcile_items q WHERE q.tenant_id = ? AND q.source = 'boleto' AND q.source_ref = s.ref)`},
	{"pending promises", `SELECT count(DISTINCT debtor_id) FROM promises WHERE tenant_id = ? AND status = 'pending' AND debtor_id IN (SELECT debtor_id FROM %[1]s)`},
	{"payments", `INSERT INTO payments (tenant_id, debtor_id, debt_id, installment_id, source, source_ref, amount, paid_at, booked_at)
		SELECT ?, debtor_id, debt_id, inst, 'boleto', ref, amount, paid_at, ? FROM %[1]s ORDER BY rid`},
	{"installments", `UPDATE installments SET paid = installments.paid + b.amount,
		status = CASE WHEN installments.paid + b.amount >= installments.amount THEN 'paid' ELSE 'partial' END
		FROM %[1]s b WHERE installments.tenant_id = ? AND installments.id = b.inst`},
	{"charges", `UPDATE charges SET status = 'paid', paid_at = ? WHERE tenant_id = ? AND id IN (SELECT charge_id FROM %[1]s)`},
	{"attempts cancelled", `UPDATE attempts SET status = 'cancelled', last_error = 'paid' WHERE tenant_id = ? AND status IN ('planned', 'failed') AND debt_id <> 0 AND debt_id IN (SELECT debt_id FROM %[1]s)`},
	{"receipts", `INSERT INTO attempts (tenant_id, debtor_id, debt_id, enrolment_id, step_id, anchor_date, channel, template, payload, status, due_at, created_at)
		SELECT ?, b.debtor_id, 0, 0, 'receipt-floor-' || MIN(b.rid), MIN(b.paid_at), MIN(r.channel), 'payment_receipt',
			'{"v":1,"step":"receipt-floor-' || MIN(b.rid) || '","action":"message","channel":"' || MIN(r.channel) || '","receipt":{"payment_ids":[' || %[3]s || ']}}',
			'planned', ?, ?
		FROM %[1]s b JOIN (SELECT debtor_id, CASE MIN(CASE kind WHEN 'email' THEN 1 WHEN 'whatsapp' THEN 2 ELSE 3 END) WHEN 1 THEN 'email' WHEN 2 THEN 'whatsapp' ELSE 'sms' END AS channel
			FROM contact_points WHERE tenant_id = ? AND consent <> 'opted_out' AND kind IN ('email', 'whatsapp', 'mobile') AND debtor_id IN (SELECT debtor_id FROM %[1]s) GROUP BY debtor_id) r
		ON r.debtor_id = b.debtor_id GROUP BY b.debtor_id`},
}

// floorArgs are each statement's arguments, in floorStatements' order.
func floorArgs(name string, tenant domain.TenantID, lo, hi, parts, part int, at time.Time) []any {
	switch name {
	case "match":
		return []any{tenant, lo, hi, parts, part, tenant, tenant}
	case "pending promises", "installments", "attempts cancelled":
		return []any{tenant}
	case "payments":
		return []any{tenant, at}
	case "charges":
		return []any{at, tenant}
	case "receipts":
		return []any{tenant, at, at, tenant}
	}
	panic("floor statement " + name)
}

// benchCNABFloor books the file's settlements again, on a fresh copy of
// the portfolio, by set-based SQL inside the store: the file staged in a
// table first (not timed), then, batch by batch as regua books it, the
// statements above in one transaction each, on as many connections at
// once as regua's run used parts (PostgreSQL, split by debtor as regua
// splits; SQLite has one writer), statistics refreshed as regua does. No
// parsing, no matching in Go, no values crossing between the client and
// the store: its time is the least any client of this schema could take to
// book the file this way.
func benchCNABFloor(ctx context.Context, out io.Writer, f floorRun) error {
	db, dsn, cleanup, err := bench.FreshDBFrom(ctx, f.target, "cnabfloor", f.template)
	if err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	defer cleanup()
	pool := db.Writer()
	staged, err := floorStage(ctx, db, pool, f.path)
	if err != nil {
		return fmt.Errorf("floor: stage the file: %w", err)
	}
	parts := 1
	if db.Postgres() {
		parts = (&reconcile.Reconciler{Parts: f.parts}).PartsAtOnce()
	}
	agg := "group_concat(b.rid)"
	if db.Postgres() {
		agg = "string_agg(b.rid::text, ',' ORDER BY b.rid)"
	}
	times := make([]map[string]time.Duration, parts)
	counts := make([]floorCounts, parts)
	conns := make([]*floorConn, parts)
	for k := range parts {
		if conns[k], err = openFloorConn(ctx, db, pool, k, agg); err != nil {
			return fmt.Errorf("floor: %w", err)
		}
		defer conns[k].close()
		times[k] = map[string]time.Duration{}
	}
	errs := make([]error, parts)
	at := time.Now().UTC()
	t0 := time.Now()
	cpu0 := bench.CPUTime()
	srv0 := pgBackendCPU(dsn)
	for b, lo := 0, 1; lo <= staged; b, lo = b+1, lo+f.batch {
		// As regua's run: statistics refreshed before the first batch and
		// each time the batches booked double.
		if staged > f.batch && b&(b-1) == 0 {
			t := time.Now()
			if err := db.RefreshReconcileStats(ctx, b == 0); err != nil {
				return fmt.Errorf("floor: %w", err)
			}
			times[0]["ANALYZE (between batches)"] += time.Since(t)
		}
		var wg sync.WaitGroup
		for k := range parts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[k] = conns[k].book(ctx, f.tenant, lo, lo+f.batch-1, parts, k, at, times[k], &counts[k])
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return fmt.Errorf("floor: %w", err)
			}
		}
	}
	took := time.Since(t0)
	cpu := bench.CPUTime() - cpu0
	srv1 := pgBackendCPU(dsn)
	var c floorCounts
	sum := map[string]time.Duration{}
	for k := range parts {
		c.booked += counts[k].booked
		c.receipts += counts[k].receipts
		c.cancelled += counts[k].cancelled
		for n, d := range times[k] {
			sum[n] += d
		}
	}
	fmt.Fprintf(out, "  floor, the same batches booked by set-based SQL inside the store (no client between statements, %d connection(s)): %d of %d settlements booked, %d receipts planned, %d attempts cancelled in %s (%.0f records/s)\n",
		parts, c.booked, staged, c.receipts, c.cancelled, took.Round(time.Millisecond), float64(c.booked)/took.Seconds())
	if !db.Postgres() {
		fmt.Fprintf(out, "  CPU time of this process (the SQLite engine) meanwhile: %s\n", cpu.Round(time.Millisecond))
	} else if srv0 >= 0 && srv1 >= 0 {
		fmt.Fprintf(out, "  CPU time of the PostgreSQL backends meanwhile: %s\n", (srv1 - srv0).Round(time.Millisecond))
	}
	if int(c.booked) != f.booked || int(c.receipts) != f.receipts || int(c.cancelled) != f.cancelled {
		fmt.Fprintf(out, "  (regua's run booked %d, planned %d receipts and cancelled %d attempts: the floor covers exact settlements of active charges only)\n", f.booked, f.receipts, f.cancelled)
	}
	fmt.Fprintf(out, "  floor's time by statement (summed over connections):\n")
	printTimes(out, sum)
	return nil
}

// floorStage copies the file's settlements, as regua reads them, into the
// table floor_settlements, numbered in file order.
func floorStage(ctx context.Context, db *sqldb.DB, pool *sql.DB, path string) (int, error) {
	ddl := `CREATE TABLE floor_settlements (rid INTEGER PRIMARY KEY, bank TEXT NOT NULL, our_number TEXT NOT NULL, amount INTEGER NOT NULL, ref TEXT NOT NULL, paid_at TIMESTAMP NOT NULL)`
	if db.Postgres() {
		ddl = `CREATE UNLOGGED TABLE floor_settlements (rid BIGINT PRIMARY KEY, bank TEXT NOT NULL, our_number TEXT NOT NULL, amount BIGINT NOT NULL, ref TEXT NOT NULL, paid_at TIMESTAMPTZ NOT NULL)`
	}
	if _, err := pool.ExecContext(ctx, ddl); err != nil {
		return 0, err
	}
	const rows = 500
	var args []any
	n := 0
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		q := "INSERT INTO floor_settlements VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", len(args)/6), ", ")
		_, err := pool.ExecContext(ctx, db.Rebind(q), args...)
		args = args[:0]
		return err
	}
	_, err := cnab.ProcessFile(path, cnab.Options{}, func(rec *cnab.Record) error {
		if rec.Occurrence != cnab.Settled {
			return nil
		}
		p := reconcile.FromRecord(rec)
		n++
		args = append(args, n, p.Bank, p.OurNumber, int64(p.Amount), p.SourceRef, p.PaidAt.UTC())
		if len(args) == rows*6 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		_, err = pool.ExecContext(ctx, `ANALYZE floor_settlements`)
	}
	return n, err
}

// floorConn books one part of each batch on a connection of its own,
// through a batch table of its own.
type floorConn struct {
	conn  *sql.Conn
	pg    bool
	batch string
	qs    []string
}

func openFloorConn(ctx context.Context, db *sqldb.DB, pool *sql.DB, k int, agg string) (*floorConn, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	c := &floorConn{conn: conn, pg: db.Postgres(), batch: fmt.Sprintf("floor_batch_%d", k)}
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE `+c.batch+` (rid BIGINT PRIMARY KEY, ref TEXT, amount BIGINT, paid_at TIMESTAMP, charge_id BIGINT, inst BIGINT, debt_id BIGINT, debtor_id BIGINT)`); err != nil {
		conn.Close()
		return nil, err
	}
	for _, s := range floorStatements {
		c.qs = append(c.qs, db.Rebind(fmt.Sprintf(s.q, c.batch, "floor_settlements", agg)))
	}
	return c, nil
}

func (c *floorConn) close() {
	c.conn.ExecContext(context.Background(), `DROP TABLE `+c.batch)
	c.conn.Close()
}

// book books part k of the staged rows lo to hi in one transaction.
func (c *floorConn) book(ctx context.Context, tenant domain.TenantID, lo, hi, parts, k int, at time.Time, times map[string]time.Duration, n *floorCounts) error {
	tx, err := c.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+c.batch); err != nil {
		return err
	}
	for i, s := range floorStatements {
		if c.pg && s.name == "match" {
			// The batch's rows are looked up by index, as regua's lookups
			// of listed keys are: the planner's estimate of the match (an
			// amount computed on both sides, a debtor modulo) is far too
			// low, and with it the plan hashes whole tables every batch.
			if _, err := tx.ExecContext(ctx, `SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off`); err != nil {
				return err
			}
		}
		t0 := time.Now()
		res, err := tx.ExecContext(ctx, c.qs[i], floorArgs(s.name, tenant, lo, hi, parts, k, at)...)
		if err != nil {
			return fmt.Errorf("%s, rows %d–%d: %w", s.name, lo, hi, err)
		}
		times[s.name] += time.Since(t0)
		if c.pg && s.name == "match" {
			// The batch table's statistics, for the plans of the writes
			// that join it (a temporary table has none, and the default
			// guess makes them scan installments and charges whole).
			t0 := time.Now()
			if _, err := tx.ExecContext(ctx, `SET LOCAL enable_hashjoin = on; SET LOCAL enable_mergejoin = on; ANALYZE `+c.batch); err != nil {
				return err
			}
			times["ANALYZE (batch table)"] += time.Since(t0)
		}
		rows, _ := res.RowsAffected()
		switch s.name {
		case "payments":
			n.booked += rows
		case "receipts":
			n.receipts += rows
		case "attempts cancelled":
			n.cancelled += rows
		}
	}
	t0 := time.Now()
	err = tx.Commit()
	times["commit"] += time.Since(t0)
	return err
}
