package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

var (
	_ store.TaskStore   = (*DB)(nil)
	_ store.LetterStore = (*DB)(nil)
	_ store.ExportStore = (*DB)(nil)
)

// Agent tasks.

const taskCols = `t.id, t.origin, t.attempt_id, t.parent_id, t.debtor_id, t.debt_id, t.enrolment_id, t.priority, t.queue, t.phone, t.contact_id,
  t.due_from, t.due_until, t.script, t.template, t.reason, t.journey, t.step, t.status, t.agent_id, t.claimed_at, t.closed_at,
  t.outcome, t.note, t.callback_at, t.cancel_reason, t.created_at,
  COALESCE(dr.name, ''), COALESCE(d.contract_number, ''), COALESCE(u.name, '')`

const taskFrom = ` FROM agent_tasks t
  LEFT JOIN debtors dr ON dr.tenant_id = t.tenant_id AND dr.id = t.debtor_id
  LEFT JOIN debts d ON d.tenant_id = t.tenant_id AND d.id = t.debt_id
  LEFT JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.agent_id `

type rowScanner interface{ Scan(dest ...any) error }

func scanTask(r rowScanner, tenant domain.TenantID) (store.AgentTask, error) {
	t := store.AgentTask{TenantID: tenant}
	var status, outcome string
	err := r.Scan(&t.ID, &t.Origin, &t.AttemptID, &t.ParentID, &t.DebtorID, &t.DebtID, &t.EnrolmentID, &t.Priority, &t.Queue, &t.Phone, &t.ContactID,
		tm(&t.DueFrom), tm(&t.DueUntil), &t.Script, &t.Template, &t.Reason, &t.Journey, &t.Step, &status, &t.AgentID, tm(&t.ClaimedAt), tm(&t.ClosedAt),
		&outcome, &t.Note, tm(&t.CallbackAt), &t.CancelReason, tm(&t.CreatedAt),
		&t.DebtorName, &t.Contract, &t.AgentName)
	t.Status, t.Outcome = store.TaskStatus(status), store.TaskOutcome(outcome)
	return t, err
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

func (db *DB) CreateTask(ctx context.Context, tenant domain.TenantID, t store.AgentTask) (store.AgentTask, bool, error) {
	var created bool
	var out store.AgentTask
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, created, err = db.createTask(ctx, tx, tenant, t)
		return err
	})
	return out, created, err
}

func (db *DB) createTask(ctx context.Context, tx *sql.Tx, tenant domain.TenantID, t store.AgentTask) (store.AgentTask, bool, error) {
	if t.Origin == "" {
		return t, false, fmt.Errorf("create task: empty origin")
	}
	if t.Priority < 1 || t.Priority > 5 {
		return t, false, fmt.Errorf("create task: priority %d: want 1 … 5", t.Priority)
	}
	if t.DueFrom.IsZero() {
		return t, false, fmt.Errorf("create task: no due time")
	}
	var ok int
	if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT 1 FROM debtors WHERE tenant_id = ? AND id = ?`), tenant, t.DebtorID).Scan(&ok); err != nil {
		return t, false, notFound(err, fmt.Sprintf("create task: debtor %d", t.DebtorID))
	}
	var id int64
	err := tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO agent_tasks (tenant_id, origin, attempt_id, parent_id, debtor_id, debt_id, enrolment_id, priority, queue, phone, contact_id,
	    due_from, due_until, script, template, reason, journey, step, status, created_at)
	  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)
	  ON CONFLICT (tenant_id, origin) DO NOTHING RETURNING id`),
		tenant, t.Origin, t.AttemptID, t.ParentID, t.DebtorID, t.DebtID, t.EnrolmentID, t.Priority, t.Queue, t.Phone, t.ContactID,
		t.DueFrom.UTC(), nullTime(t.DueUntil), t.Script, t.Template, t.Reason, t.Journey, t.Step, now()).Scan(&id)
	created := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return t, false, fmt.Errorf("create task %s: %w", t.Origin, err)
	}
	row := tx.QueryRowContext(ctx, db.Rebind(`SELECT `+taskCols+taskFrom+`WHERE t.tenant_id = ? AND t.origin = ?`), tenant, t.Origin)
	out, err := scanTask(row, tenant)
	if err != nil {
		return t, false, fmt.Errorf("create task %s: %w", t.Origin, err)
	}
	return out, created, nil
}

func (db *DB) Task(ctx context.Context, tenant domain.TenantID, id int64) (store.AgentTask, error) {
	return db.task(ctx, db.sql, tenant, id)
}

func (db *DB) task(ctx context.Context, q querier, tenant domain.TenantID, id int64) (store.AgentTask, error) {
	t, err := scanTask(q.QueryRowContext(ctx, db.Rebind(`SELECT `+taskCols+taskFrom+`WHERE t.tenant_id = ? AND t.id = ?`), tenant, id), tenant)
	if err != nil {
		return t, notFound(err, fmt.Sprintf("task %d", id))
	}
	return t, nil
}

func (db *DB) Tasks(ctx context.Context, tenant domain.TenantID, f store.TaskFilter) ([]store.AgentTask, error) {
	q := `SELECT ` + taskCols + taskFrom + `WHERE t.tenant_id = ?`
	args := []any{tenant}
	if len(f.Status) > 0 {
		q += ` AND t.status IN (` + placeholders(len(f.Status)) + `)`
		for _, s := range f.Status {
			args = append(args, string(s))
		}
	}
	if f.AgentID != 0 {
		q += ` AND t.agent_id = ?`
		args = append(args, f.AgentID)
	}
	if f.DebtorID != 0 {
		q += ` AND t.debtor_id = ?`
		args = append(args, f.DebtorID)
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	q += ` ORDER BY t.priority, t.due_from, t.id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.sql.QueryContext(ctx, db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	defer rows.Close()
	var out []store.AgentTask
	for rows.Next() {
		t, err := scanTask(rows, tenant)
		if err != nil {
			return nil, fmt.Errorf("tasks: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// openInstallments counts a debt's installments with something to pay.
const openInstallments = `(SELECT COUNT(*) FROM installments i WHERE i.tenant_id = d.tenant_id AND i.debt_id = d.id AND i.status <> 'cancelled' AND i.amount > i.paid)`

func (db *DB) ClaimTask(ctx context.Context, tenant domain.TenantID, agentID int64, queue string, at time.Time) (store.AgentTask, error) {
	at = at.UTC()
	var out store.AgentTask
	none := false // nothing to claim; the cancellations on the way still commit
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		// An agent holds one task at a time: "next" gives back the held one.
		var held int64
		err := tx.QueryRowContext(ctx, db.Rebind(`SELECT id FROM agent_tasks WHERE tenant_id = ? AND agent_id = ? AND status = 'claimed' ORDER BY claimed_at, id LIMIT 1`), tenant, agentID).Scan(&held)
		if err == nil {
			out, err = db.task(ctx, tx, tenant, held)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		lock := ""
		if db.pg {
			lock = " FOR UPDATE OF t SKIP LOCKED"
		}
		q := `SELECT t.id, t.due_until, t.debt_id, COALESCE(d.status, ''), COALESCE(e.state, ''), CASE WHEN d.id IS NULL THEN 0 ELSE ` + openInstallments + ` END
		  FROM agent_tasks t
		  LEFT JOIN debts d ON d.tenant_id = t.tenant_id AND d.id = t.debt_id
		  LEFT JOIN journey_enrolments e ON e.tenant_id = t.tenant_id AND e.id = t.enrolment_id
		  WHERE t.tenant_id = ? AND t.status = 'open' AND t.due_from <= ?`
		args := []any{tenant, at}
		if queue != "" {
			q += ` AND t.queue = ?`
			args = append(args, queue)
		}
		q += ` ORDER BY t.priority, t.due_from, t.id LIMIT 1` + lock
		// Tasks whose debt or journey ended meanwhile are cancelled on the
		// way; bounded so one claim cannot run away on a huge backlog.
		for range 1000 {
			var id, debtID int64
			var until time.Time
			var debtStatus, enrolState string
			var open int
			err := tx.QueryRowContext(ctx, db.Rebind(q), args...).Scan(&id, tm(&until), &debtID, &debtStatus, &enrolState, &open)
			if errors.Is(err, sql.ErrNoRows) {
				none = true
				return nil
			}
			if err != nil {
				return fmt.Errorf("claim task: %w", err)
			}
			why := ""
			switch {
			case debtID != 0 && debtStatus == "":
				why = "debt not found"
			case debtID != 0 && debtStatus != string(domain.DebtOpen):
				why = "debt " + debtStatus
			case debtID != 0 && open == 0:
				why = "debt paid"
			case enrolState != "" && enrolState != string(store.EnrolActive):
				why = "journey enrolment " + enrolState
			}
			switch {
			case why != "":
				_, err = tx.ExecContext(ctx, db.Rebind(`UPDATE agent_tasks SET status = 'cancelled', cancel_reason = ?, closed_at = ? WHERE tenant_id = ? AND id = ?`), why, at, tenant, id)
			case !until.IsZero() && !until.After(at):
				_, err = tx.ExecContext(ctx, db.Rebind(`UPDATE agent_tasks SET status = 'expired', cancel_reason = 'contact window ended', closed_at = ? WHERE tenant_id = ? AND id = ?`), at, tenant, id)
			default:
				if _, err = tx.ExecContext(ctx, db.Rebind(`UPDATE agent_tasks SET status = 'claimed', agent_id = ?, claimed_at = ? WHERE tenant_id = ? AND id = ?`), agentID, at, tenant, id); err != nil {
					return fmt.Errorf("claim task %d: %w", id, err)
				}
				out, err = db.task(ctx, tx, tenant, id)
				return err
			}
			if err != nil {
				return fmt.Errorf("claim task %d: %w", id, err)
			}
		}
		none = true
		return nil
	})
	if err == nil && none {
		return out, store.ErrNotFound
	}
	return out, err
}

// taskOutcomeText is the timeline line of an outcome (pt-BR, like the
// other events; the data carries the code for other languages).
var taskOutcomeText = map[store.TaskOutcome]string{
	store.OutcomeReached: "falou com o devedor", store.OutcomePromised: "promessa de pagamento", store.OutcomeNoAnswer: "não atendeu",
	store.OutcomeWrongNumber: "número errado", store.OutcomeRefused: "recusou", store.OutcomeCallback: "pediu retorno",
}

type taskEventData struct {
	Task       int64             `json:"task"`
	Attempt    int64             `json:"attempt,omitempty"`
	Outcome    store.TaskOutcome `json:"outcome"`
	CallbackAt *time.Time        `json:"callback_at,omitempty"`
	Note       string            `json:"note,omitempty"`
	Journey    string            `json:"journey,omitempty"`
	Step       string            `json:"step,omitempty"`
}

func (db *DB) CloseTask(ctx context.Context, tenant domain.TenantID, c store.TaskClose) (store.AgentTask, error) {
	if _, err := store.ParseTaskOutcome(string(c.Outcome)); err != nil {
		return store.AgentTask{}, err
	}
	if c.At.IsZero() {
		c.At = now()
	}
	var cb time.Time
	if c.Outcome == store.OutcomeCallback {
		if c.Callback == nil || c.Callback.DueFrom.IsZero() {
			return store.AgentTask{}, fmt.Errorf("close task %d: a callback needs its time", c.TaskID)
		}
		cb = c.Callback.DueFrom.UTC()
	} else if c.Callback != nil {
		return store.AgentTask{}, fmt.Errorf("close task %d: a callback task with outcome %s", c.TaskID, c.Outcome)
	}
	var out store.AgentTask
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Rebind(`UPDATE agent_tasks SET status = 'done', outcome = ?, note = ?, callback_at = ?, closed_at = ?
		  WHERE tenant_id = ? AND id = ? AND status = 'claimed' AND agent_id = ?`),
			string(c.Outcome), c.Note, nullTime(cb), c.At.UTC(), tenant, c.TaskID, c.AgentID)
		if err != nil {
			return fmt.Errorf("close task %d: %w", c.TaskID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := db.task(ctx, tx, tenant, c.TaskID); err != nil {
				return err
			}
			return fmt.Errorf("close task %d: not claimed by this agent: %w", c.TaskID, store.ErrConflict)
		}
		if out, err = db.task(ctx, tx, tenant, c.TaskID); err != nil {
			return err
		}
		d := taskEventData{Task: out.ID, Attempt: out.AttemptID, Outcome: c.Outcome, Note: c.Note, Journey: out.Journey, Step: out.Step}
		summary := "Ligação do agente: " + taskOutcomeText[c.Outcome]
		if !cb.IsZero() {
			d.CallbackAt = &cb
		}
		kind := domain.EventContacted
		if c.Outcome == store.OutcomeNoAnswer || c.Outcome == store.OutcomeWrongNumber {
			kind = domain.EventAttempt
		}
		data, _ := json.Marshal(d)
		if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO events (tenant_id, debtor_id, debt_id, kind, at, actor, summary, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			tenant, out.DebtorID, out.DebtID, string(kind), c.At.UTC(), fmt.Sprintf("user:%d", c.AgentID), summary, string(data)); err != nil {
			return fmt.Errorf("close task %d: event: %w", c.TaskID, err)
		}
		if c.Callback != nil {
			if _, _, err := db.createTask(ctx, tx, tenant, *c.Callback); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func (db *DB) ReleaseTask(ctx context.Context, tenant domain.TenantID, id, agentID int64) error {
	res, err := db.Exec(ctx, `UPDATE agent_tasks SET status = 'open', agent_id = 0, claimed_at = NULL WHERE tenant_id = ? AND id = ? AND status = 'claimed' AND agent_id = ?`, tenant, id, agentID)
	if err != nil {
		return fmt.Errorf("release task %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := db.Task(ctx, tenant, id); err != nil {
			return err
		}
		return fmt.Errorf("release task %d: not claimed by this agent: %w", id, store.ErrConflict)
	}
	return nil
}

func (db *DB) TaskCounts(ctx context.Context, tenant domain.TenantID, at time.Time) ([]store.TaskCount, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT status, priority, COUNT(*), CAST(COALESCE(SUM(CASE WHEN status = 'open' AND due_from <= ? THEN 1 ELSE 0 END), 0) AS BIGINT)
	  FROM agent_tasks WHERE tenant_id = ? GROUP BY status, priority ORDER BY priority, status`), at.UTC(), tenant)
	if err != nil {
		return nil, fmt.Errorf("task counts: %w", err)
	}
	defer rows.Close()
	var out []store.TaskCount
	for rows.Next() {
		var c store.TaskCount
		var s string
		if err := rows.Scan(&s, &c.Priority, &c.Count, &c.Due); err != nil {
			return nil, err
		}
		c.Status = store.TaskStatus(s)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Letters.

const letterCols = `id, attempt_id, debtor_id, debt_id, batch_date, recipient, address, creditor, contract, locale, subject, body, reference, created_at, printed_at`

func scanLetter(r rowScanner, tenant domain.TenantID, withPDF bool) (store.Letter, error) {
	l := store.Letter{TenantID: tenant}
	var addr string
	dest := []any{&l.ID, &l.AttemptID, &l.DebtorID, &l.DebtID, &l.BatchDate, &l.Recipient, &addr, &l.Creditor, &l.Contract, &l.Locale, &l.Subject, &l.Body, &l.Reference, tm(&l.CreatedAt), tm(&l.PrintedAt)}
	if withPDF {
		dest = append(dest, &l.PDF)
	}
	err := r.Scan(dest...)
	if addr != "" {
		l.Address = strings.Split(addr, "\n")
	}
	return l, err
}

func (db *DB) SaveLetter(ctx context.Context, tenant domain.TenantID, l store.Letter) (store.Letter, bool, error) {
	if l.AttemptID == 0 || l.BatchDate.IsZero() || len(l.PDF) == 0 {
		return l, false, fmt.Errorf("save letter: attempt, batch date and PDF are required")
	}
	var out store.Letter
	var created bool
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var ok int
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT 1 FROM debtors WHERE tenant_id = ? AND id = ?`), tenant, l.DebtorID).Scan(&ok); err != nil {
			return notFound(err, fmt.Sprintf("save letter: debtor %d", l.DebtorID))
		}
		var id int64
		err := tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO letters (tenant_id, attempt_id, debtor_id, debt_id, batch_date, recipient, address, creditor, contract, locale, subject, body, reference, pdf, created_at)
		  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, attempt_id) DO NOTHING RETURNING id`),
			tenant, l.AttemptID, l.DebtorID, l.DebtID, l.BatchDate, l.Recipient, strings.Join(l.Address, "\n"), l.Creditor, l.Contract, l.Locale, l.Subject, l.Body, l.Reference, l.PDF, now()).Scan(&id)
		created = err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("save letter of attempt %d: %w", l.AttemptID, err)
		}
		out, err = scanLetter(tx.QueryRowContext(ctx, db.Rebind(`SELECT `+letterCols+` FROM letters WHERE tenant_id = ? AND attempt_id = ?`), tenant, l.AttemptID), tenant, false)
		return err
	})
	return out, created, err
}

func (db *DB) Letters(ctx context.Context, tenant domain.TenantID, day date.Date, withPDF bool) ([]store.Letter, error) {
	cols := letterCols
	if withPDF {
		cols += ", pdf"
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT `+cols+` FROM letters WHERE tenant_id = ? AND batch_date = ? ORDER BY id`), tenant, day)
	if err != nil {
		return nil, fmt.Errorf("letters of %s: %w", day, err)
	}
	defer rows.Close()
	var out []store.Letter
	for rows.Next() {
		l, err := scanLetter(rows, tenant, withPDF)
		if err != nil {
			return nil, fmt.Errorf("letters of %s: %w", day, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func (db *DB) LettersOfDebtor(ctx context.Context, tenant domain.TenantID, debtor int64, limit int) ([]store.Letter, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT `+letterCols+` FROM letters WHERE tenant_id = ? AND debtor_id = ? ORDER BY batch_date DESC, id DESC LIMIT ?`), tenant, debtor, limit)
	if err != nil {
		return nil, fmt.Errorf("letters of debtor %d: %w", debtor, err)
	}
	defer rows.Close()
	var out []store.Letter
	for rows.Next() {
		l, err := scanLetter(rows, tenant, false)
		if err != nil {
			return nil, fmt.Errorf("letters of debtor %d: %w", debtor, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func (db *DB) LetterDays(ctx context.Context, tenant domain.TenantID, limit int) ([]store.LetterDay, error) {
	if limit <= 0 {
		limit = 30
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT batch_date, COUNT(*), CAST(COALESCE(SUM(CASE WHEN printed_at IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT)
	  FROM letters WHERE tenant_id = ? GROUP BY batch_date ORDER BY batch_date DESC LIMIT ?`), tenant, limit)
	if err != nil {
		return nil, fmt.Errorf("letter days: %w", err)
	}
	defer rows.Close()
	var out []store.LetterDay
	for rows.Next() {
		var d store.LetterDay
		if err := rows.Scan(&d.Day, &d.Letters, &d.Printed); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (db *DB) MarkLettersPrinted(ctx context.Context, tenant domain.TenantID, day date.Date, at time.Time) (int, error) {
	res, err := db.Exec(ctx, `UPDATE letters SET printed_at = ? WHERE tenant_id = ? AND batch_date = ?`, at.UTC(), tenant, day)
	if err != nil {
		return 0, fmt.Errorf("mark letters of %s printed: %w", day, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Agency exports.

func (db *DB) AddToExport(ctx context.Context, tenant domain.TenantID, it store.ExportItem) (store.ExportItem, bool, error) {
	if it.AttemptID == 0 || it.DebtID == 0 || it.Target == "" {
		return it, false, fmt.Errorf("add to export: attempt, debt and target are required")
	}
	var out store.ExportItem
	var created bool
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var debtor int64
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT debtor_id FROM debts WHERE tenant_id = ? AND id = ?`), tenant, it.DebtID).Scan(&debtor); err != nil {
			return notFound(err, fmt.Sprintf("add to export: debt %d", it.DebtID))
		}
		var id int64
		err := tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO export_items (tenant_id, attempt_id, target, debtor_id, debt_id, status, added_at)
		  VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (tenant_id, attempt_id) DO NOTHING RETURNING id`),
			tenant, it.AttemptID, it.Target, debtor, it.DebtID, now()).Scan(&id)
		created = err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("add to export: %w", err)
		}
		out, err = scanExportItem(tx.QueryRowContext(ctx, db.Rebind(`SELECT `+exportItemCols+` FROM export_items WHERE tenant_id = ? AND attempt_id = ?`), tenant, it.AttemptID), tenant)
		return err
	})
	return out, created, err
}

const exportItemCols = `id, attempt_id, target, debtor_id, debt_id, batch_id, status, reason, added_at`

func scanExportItem(r rowScanner, tenant domain.TenantID) (store.ExportItem, error) {
	it := store.ExportItem{TenantID: tenant}
	var st string
	err := r.Scan(&it.ID, &it.AttemptID, &it.Target, &it.DebtorID, &it.DebtID, &it.BatchID, &st, &it.Reason, tm(&it.AddedAt))
	it.Status = store.ExportStatus(st)
	return it, err
}

func (db *DB) ExportTargets(ctx context.Context, tenant domain.TenantID) ([]store.ExportTarget, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT target, COUNT(*) FROM export_items WHERE tenant_id = ? AND batch_id = 0 GROUP BY target ORDER BY target`), tenant)
	if err != nil {
		return nil, fmt.Errorf("export targets: %w", err)
	}
	defer rows.Close()
	var out []store.ExportTarget
	for rows.Next() {
		var t store.ExportTarget
		if err := rows.Scan(&t.Target, &t.Pending); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

var errEmptyBatch = errors.New("empty batch")

func (db *DB) CloseExportBatch(ctx context.Context, tenant domain.TenantID, target, actor string, asOf date.Date, at time.Time) (store.ExportBatch, []store.ExportRow, error) {
	b := store.ExportBatch{TenantID: tenant, Target: target, AsOf: asOf, ClosedAt: at.UTC().Truncate(time.Microsecond), Actor: actor}
	var rows []store.ExportRow
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO export_batches (tenant_id, target, as_of, closed_at, actor) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			tenant, target, asOf, b.ClosedAt, actor).Scan(&b.ID); err != nil {
			return fmt.Errorf("close export batch: %w", err)
		}
		// Take the open batch. Items added after this statement (on
		// PostgreSQL, by a worker committing later) wait for the next one.
		res, err := tx.ExecContext(ctx, db.Rebind(`UPDATE export_items SET batch_id = ? WHERE tenant_id = ? AND target = ? AND batch_id = 0`), b.ID, tenant, target)
		if err != nil {
			return fmt.Errorf("close export batch: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errEmptyBatch
		}
		steps := []struct {
			q    string
			args []any
		}{
			// One line per debt: later items of a debt already in the batch.
			{`UPDATE export_items SET status = 'dropped', reason = 'debt already in this batch'
			  WHERE tenant_id = ? AND batch_id = ? AND id > (SELECT MIN(x.id) FROM export_items x WHERE x.tenant_id = export_items.tenant_id AND x.batch_id = export_items.batch_id AND x.debt_id = export_items.debt_id)`,
				[]any{tenant, b.ID}},
			// Debts that are no longer open are not handed over.
			{`UPDATE export_items SET status = 'dropped', reason = COALESCE((SELECT 'debt ' || d.status FROM debts d WHERE d.tenant_id = export_items.tenant_id AND d.id = export_items.debt_id AND d.status <> 'open'), 'debt paid')
			  WHERE tenant_id = ? AND batch_id = ? AND status = 'pending'
			    AND NOT EXISTS (SELECT 1 FROM debts d WHERE d.tenant_id = export_items.tenant_id AND d.id = export_items.debt_id AND d.status = 'open' AND ` + openInstallments + ` > 0)`,
				[]any{tenant, b.ID}},
			{`UPDATE export_items SET status = 'exported' WHERE tenant_id = ? AND batch_id = ? AND status = 'pending'`, []any{tenant, b.ID}},
			{`UPDATE debts SET status = 'placed', updated_at = ? WHERE tenant_id = ? AND id IN (SELECT debt_id FROM export_items WHERE tenant_id = ? AND batch_id = ? AND status = 'exported')`,
				[]any{b.ClosedAt, tenant, tenant, b.ID}},
			{`UPDATE journey_enrolments SET state = 'stopped', stop_reason = 'agency', ended_on = ? WHERE tenant_id = ? AND state = 'active'
			    AND debt_id IN (SELECT debt_id FROM export_items WHERE tenant_id = ? AND batch_id = ? AND status = 'exported')`,
				[]any{asOf, tenant, tenant, b.ID}},
			{`UPDATE attempts SET status = 'cancelled', last_error = ? WHERE tenant_id = ? AND status IN ('planned', 'failed', 'held')
			    AND debt_id IN (SELECT debt_id FROM export_items WHERE tenant_id = ? AND batch_id = ? AND status = 'exported')`,
				[]any{"debt placed with agency " + target, tenant, tenant, b.ID}},
			{`UPDATE agent_tasks SET status = 'cancelled', cancel_reason = ?, closed_at = ? WHERE tenant_id = ? AND status = 'open'
			    AND debt_id IN (SELECT debt_id FROM export_items WHERE tenant_id = ? AND batch_id = ? AND status = 'exported')`,
				[]any{"debt placed with agency " + target, b.ClosedAt, tenant, tenant, b.ID}},
		}
		for i, s := range steps {
			if _, err := tx.ExecContext(ctx, db.Rebind(s.q), s.args...); err != nil {
				return fmt.Errorf("close export batch (step %d): %w", i+1, err)
			}
		}
		data, _ := json.Marshal(map[string]any{"batch": b.ID, "target": target})
		if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO events (tenant_id, debtor_id, debt_id, kind, at, actor, summary, data)
		  SELECT tenant_id, debtor_id, debt_id, 'placed', ?, ?, ?, ? FROM export_items WHERE tenant_id = ? AND batch_id = ? AND status = 'exported' ORDER BY id`),
			b.ClosedAt, actor, "Dívida encaminhada à assessoria "+target, string(data), tenant, b.ID); err != nil {
			return fmt.Errorf("close export batch: events: %w", err)
		}
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT CAST(COALESCE(SUM(CASE WHEN status = 'exported' THEN 1 ELSE 0 END), 0) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN status = 'dropped' THEN 1 ELSE 0 END), 0) AS BIGINT)
		  FROM export_items WHERE tenant_id = ? AND batch_id = ?`), tenant, b.ID).Scan(&b.Exported, &b.Dropped); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE export_batches SET exported = ?, dropped = ? WHERE tenant_id = ? AND id = ?`), b.Exported, b.Dropped, tenant, b.ID); err != nil {
			return err
		}
		rows, err = db.exportRows(ctx, tx, tenant, b.ID, asOf)
		return err
	})
	if errors.Is(err, errEmptyBatch) {
		return store.ExportBatch{TenantID: tenant, Target: target, AsOf: asOf}, nil, nil
	}
	if err != nil {
		return store.ExportBatch{}, nil, err
	}
	return b, rows, nil
}

func (db *DB) exportRows(ctx context.Context, tx *sql.Tx, tenant domain.TenantID, batch int64, asOf date.Date) ([]store.ExportRow, error) {
	rs, err := tx.QueryContext(ctx, db.Rebind(`SELECT x.id, dr.id, dr.kind, dr.name, dr.document, dr.street, dr.number, dr.complement, dr.district, dr.city, dr.municipality, dr.uf, dr.cep, dr.country,
	    d.id, d.contract_number, d.product, c.name, p.name,
	    COUNT(*), CAST(COALESCE(SUM(CASE WHEN i.due_date < ? THEN 1 ELSE 0 END), 0) AS BIGINT),
	    CAST(COALESCE(SUM(i.amount - i.paid), 0) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN i.due_date < ? THEN i.amount - i.paid ELSE 0 END), 0) AS BIGINT),
	    MIN(i.due_date)
	  FROM export_items x
	  JOIN debts d ON d.tenant_id = x.tenant_id AND d.id = x.debt_id
	  JOIN debtors dr ON dr.tenant_id = x.tenant_id AND dr.id = x.debtor_id
	  JOIN portfolios p ON p.tenant_id = d.tenant_id AND p.id = d.portfolio_id
	  JOIN creditors c ON c.tenant_id = p.tenant_id AND c.id = p.creditor_id
	  JOIN installments i ON i.tenant_id = d.tenant_id AND i.debt_id = d.id AND i.status <> 'cancelled' AND i.amount > i.paid
	  WHERE x.tenant_id = ? AND x.batch_id = ? AND x.status = 'exported'
	  GROUP BY x.id, dr.id, dr.kind, dr.name, dr.document, dr.street, dr.number, dr.complement, dr.district, dr.city, dr.municipality, dr.uf, dr.cep, dr.country,
	    d.id, d.contract_number, d.product, c.name, p.name
	  ORDER BY d.id`), asOf, asOf, tenant, batch)
	if err != nil {
		return nil, fmt.Errorf("export rows: %w", err)
	}
	var out []store.ExportRow
	byDebtor := map[int64][]int{}
	for rs.Next() {
		var r store.ExportRow
		var kind string
		var open, overdue int64
		a := &r.Address
		if err := rs.Scan(&r.ItemID, &r.DebtorID, &kind, &r.Name, &r.Document, &a.Street, &a.Number, &a.Complement, &a.District, &a.City, &a.Municipality, &a.UF, &a.CEP, &a.Country,
			&r.DebtID, &r.Contract, &r.Product, &r.Creditor, &r.Portfolio, &r.Installments, &r.Overdue, &open, &overdue, &r.OldestDue); err != nil {
			rs.Close()
			return nil, fmt.Errorf("export rows: %w", err)
		}
		r.DebtorKind, r.Open, r.OverdueAmount = domain.DebtorKind(kind), money.Money(open), money.Money(overdue)
		if !r.OldestDue.IsZero() && r.OldestDue.Before(asOf) {
			r.DPD = r.OldestDue.DaysUntil(asOf)
		}
		byDebtor[r.DebtorID] = append(byDebtor[r.DebtorID], len(out))
		out = append(out, r)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, err
	}
	cs, err := tx.QueryContext(ctx, db.Rebind(`SELECT debtor_id, kind, value FROM contact_points
	  WHERE tenant_id = ? AND consent <> 'opted_out' AND debtor_id IN (SELECT debtor_id FROM export_items WHERE tenant_id = ? AND batch_id = ? AND status = 'exported')
	  ORDER BY debtor_id, preferred DESC, id`), tenant, tenant, batch)
	if err != nil {
		return nil, fmt.Errorf("export contacts: %w", err)
	}
	defer cs.Close()
	for cs.Next() {
		var debtor int64
		var kind, value string
		if err := cs.Scan(&debtor, &kind, &value); err != nil {
			return nil, err
		}
		for _, i := range byDebtor[debtor] {
			if domain.ContactKind(kind) == domain.Email {
				out[i].Emails = append(out[i].Emails, value)
			} else {
				out[i].Phones = append(out[i].Phones, value)
			}
		}
	}
	return out, cs.Err()
}

const exportBatchCols = `id, target, as_of, closed_at, exported, dropped, actor`

func (db *DB) ExportBatches(ctx context.Context, tenant domain.TenantID, limit int) ([]store.ExportBatch, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT `+exportBatchCols+` FROM export_batches WHERE tenant_id = ? ORDER BY id DESC LIMIT ?`), tenant, limit)
	if err != nil {
		return nil, fmt.Errorf("export batches: %w", err)
	}
	defer rows.Close()
	var out []store.ExportBatch
	for rows.Next() {
		b := store.ExportBatch{TenantID: tenant}
		if err := rows.Scan(&b.ID, &b.Target, &b.AsOf, tm(&b.ClosedAt), &b.Exported, &b.Dropped, &b.Actor); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func (db *DB) ExportItems(ctx context.Context, tenant domain.TenantID, batchID int64) ([]store.ExportItem, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT `+exportItemCols+` FROM export_items WHERE tenant_id = ? AND batch_id = ? ORDER BY id`), tenant, batchID)
	if err != nil {
		return nil, fmt.Errorf("export items: %w", err)
	}
	defer rows.Close()
	var out []store.ExportItem
	for rows.Next() {
		it, err := scanExportItem(rows, tenant)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
