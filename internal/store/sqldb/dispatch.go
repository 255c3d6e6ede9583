package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
)

var _ store.DispatchStore = (*DB)(nil)

// tenantScanner scans a leading tenant_id column before the columns
// ScanAttempt reads.
type tenantScanner struct {
	sc     interface{ Scan(...any) error }
	tenant *int64
	token  *string
}

func (t tenantScanner) Scan(dest ...any) error {
	return t.sc.Scan(append([]any{t.tenant, t.token}, dest...)...)
}

// aggTime scans an aggregate of a time column: SQLite hands MIN(…) back as
// the text it stored, in Go's time.String layout.
type aggTime struct{ t *time.Time }

func (a aggTime) Scan(src any) error {
	if s, ok := src.(string); ok {
		if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", s); err == nil {
			*a.t = t.UTC()
			return nil
		}
	}
	return tm(a.t).Scan(src)
}

func sqlIDs(ids []int64) string {
	b := make([]byte, 0, len(ids)*8)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "%d", id)
	}
	return string(b)
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

// ClaimAttempts takes, in this order, attempts under expired leases, due
// retries and due planned attempts, each set oldest first by an index scan.
func (db *DB) ClaimAttempts(ctx context.Context, c store.Claim) ([]store.Claimed, error) {
	if c.Limit <= 0 || len(c.Channels) == 0 {
		return nil, nil
	}
	if c.Token == "" {
		return nil, fmt.Errorf("claim attempts: empty lease token")
	}
	now := c.Now.UTC()
	until := now.Add(c.Lease)
	var out []store.Claimed
	scan := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var tenant int64
			var cl store.Claimed
			a, err := ScanAttempt(tenantScanner{rows, &tenant, &cl.LeaseToken}, 0)
			if err != nil {
				return err
			}
			a.TenantID = domain.TenantID(tenant)
			cl.Attempt = a
			out = append(out, cl)
		}
		return rows.Err()
	}
	var err error
	if db.pg {
		err = db.claimPostgres(ctx, c, now, until, func(rows *sql.Rows) error {
			out = out[:0]
			return scan(rows)
		})
	} else {
		err = db.Tx(ctx, func(tx *sql.Tx) error {
			out = out[:0]
			return db.claimSQLite(ctx, tx, c, now, until, &out, scan)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("claim attempts: %w", err)
	}
	// RETURNING has no order: work the batch oldest first.
	sort.Slice(out, func(i, j int) bool {
		if !out[i].DueAt.Equal(out[j].DueAt) {
			return out[i].DueAt.Before(out[j].DueAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// claimParts are the three sets a claim takes from, in order of priority,
// each read oldest first by an index: attempts_lease for expired leases,
// attempts_due for the others.
var claimParts = [...]struct{ where, order string }{
	{"status = 'sending' AND lease_until <= ?", "lease_until"},
	{"status = 'failed' AND due_at <= ?", "due_at"},
	{"status = 'planned' AND due_at <= ?", "due_at"},
}

// claimPostgres claims in one statement: the three sets are locked with
// SKIP LOCKED (other claimers take other rows without waiting) and chained
// by UNION ALL under one LIMIT, so that a later set is read only for what
// the earlier ones left of the batch. The chosen ids go through an array
// so that the update finds its rows by primary key (a join or IN on the
// subquery let the planner scan the whole table).
//
// The statement has one right plan whatever the statistics say: each set
// read in index order and stopped at the limit. Right after a large plan
// (a million attempts inserted, not yet analyzed) the planner estimates a
// handful of due rows and prefers a bitmap scan and a sort, which reads
// every due attempt on each claim; sorting is therefore switched off for
// the claim's transaction.
func (db *DB) claimPostgres(ctx context.Context, c store.Claim, now, until time.Time, scan func(*sql.Rows) error) error {
	var sub []string
	for i, p := range claimParts {
		sub = append(sub, `SELECT id FROM (SELECT id FROM attempts WHERE `+strings.Replace(p.where, "?", "$3", 1)+
			` AND channel = ANY($4) ORDER BY `+p.order+` LIMIT $5 FOR UPDATE SKIP LOCKED) p`+fmt.Sprint(i))
	}
	q := `UPDATE attempts SET status = 'sending', lease_token = $1, lease_until = $2, tries = tries + 1
	  WHERE id = ANY(ARRAY(` + strings.Join(sub, " UNION ALL ") + ` LIMIT $5))
	  RETURNING tenant_id, lease_token, ` + attemptCols
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT set_config('enable_sort', 'off', true)`); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, q, c.Token, until, now, c.Channels, c.Limit)
		if err != nil {
			return err
		}
		return scan(rows)
	})
}

// claimSQLite claims set by set inside the one writer's transaction.
func (db *DB) claimSQLite(ctx context.Context, tx *sql.Tx, c store.Claim, now, until time.Time, out *[]store.Claimed, scan func(*sql.Rows) error) error {
	chans := make([]any, len(c.Channels))
	for i, ch := range c.Channels {
		chans[i] = ch
	}
	for _, p := range claimParts {
		left := c.Limit - len(*out)
		if left <= 0 {
			break
		}
		q := `UPDATE attempts SET status = 'sending', lease_token = ?, lease_until = ?, tries = tries + 1
		  WHERE id IN (SELECT id FROM attempts WHERE ` + p.where + ` AND channel IN (` + placeholders(len(chans)) + `) ORDER BY ` + p.order + ` LIMIT ?)
		  RETURNING tenant_id, lease_token, ` + attemptCols
		rows, err := tx.QueryContext(ctx, q, append(append([]any{c.Token, until, now}, chans...), left)...)
		if err != nil {
			return err
		}
		if err := scan(rows); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) SettleAttempts(ctx context.Context, tenant domain.TenantID, token string, now time.Time, ss []store.Settled) ([]int64, error) {
	if len(ss) == 0 {
		return nil, nil
	}
	now = now.UTC()
	byID := make(map[int64]*store.Settled, len(ss))
	for i := range ss {
		switch ss[i].Status {
		case store.AttemptSent, store.AttemptFailed, store.AttemptParked, store.AttemptCancelled, store.AttemptPlanned, store.AttemptHeld:
		default:
			return nil, fmt.Errorf("settle attempt %d: status %q is not a result", ss[i].ID, ss[i].Status)
		}
		byID[ss[i].ID] = &ss[i]
	}
	var changed []int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		changed = changed[:0]
		if db.pg {
			// One statement for the whole batch: arrays unnested into rows.
			ids := make([]int64, len(ss))
			sts := make([]string, len(ss))
			dues := make([]*time.Time, len(ss))
			refs := make([]string, len(ss))
			errs := make([]string, len(ss))
			decs := make([]string, len(ss))
			for i, s := range ss {
				ids[i], sts[i], refs[i], errs[i], decs[i] = s.ID, string(s.Status), s.ProviderRef, s.Error, string(s.Decision)
				if !s.DueAt.IsZero() {
					t := s.DueAt.UTC()
					dues[i] = &t
				}
			}
			// One plan whatever the statistics: a nested loop over the
			// batch, each row found by primary key. The status, tenant and
			// token tests sit in a CASE so that no index can serve them:
			// with stale statistics (few rows "sending" as last analyzed)
			// the planner otherwise intersects the in-flight rows with
			// every row of the tenant on each settle.
			if _, err := tx.ExecContext(ctx, `SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`); err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, `UPDATE attempts a SET status = v.status,
				due_at = COALESCE(v.due_at, a.due_at),
				provider_ref = CASE WHEN v.ref <> '' THEN v.ref ELSE a.provider_ref END,
				last_error = v.err,
				send_decision = COALESCE(NULLIF(v.dec, ''), a.send_decision),
				sent_at = CASE WHEN v.status = 'sent' THEN $1 ELSE a.sent_at END,
				tries = CASE WHEN v.status IN ('planned', 'held') THEN a.tries - 1 ELSE a.tries END,
				lease_token = '', lease_until = NULL
			  FROM unnest($2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[]) AS v(id, status, due_at, ref, err, dec)
			  WHERE a.id = v.id AND CASE WHEN a.status = 'sending' THEN a.tenant_id = $8 AND a.lease_token = $9 ELSE false END
			  RETURNING a.id`, now, ids, sts, dues, refs, errs, decs, tenant, token)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				changed = append(changed, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		} else {
			st, err := tx.PrepareContext(ctx, `UPDATE attempts SET status = ?,
				due_at = COALESCE(?, due_at),
				provider_ref = CASE WHEN ? <> '' THEN ? ELSE provider_ref END,
				last_error = ?,
				send_decision = COALESCE(?, send_decision),
				sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,
				tries = CASE WHEN ? IN ('planned', 'held') THEN tries - 1 ELSE tries END,
				lease_token = '', lease_until = NULL
			  WHERE tenant_id = ? AND id = ? AND status = 'sending' AND lease_token = ?`)
			if err != nil {
				return err
			}
			defer st.Close()
			for _, s := range ss {
				res, err := st.ExecContext(ctx, string(s.Status), nullTime(s.DueAt), s.ProviderRef, s.ProviderRef, s.Error, nullJSON(s.Decision), string(s.Status), now, string(s.Status), tenant, s.ID, token)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 1 {
					changed = append(changed, s.ID)
				}
			}
		}
		var evs []*domain.Event
		for _, id := range changed {
			if e := byID[id].Event; e != nil {
				if e.At.IsZero() {
					e.At = now
				}
				evs = append(evs, e)
			}
		}
		if len(evs) == 0 {
			return nil
		}
		if db.pg {
			// One statement text for any batch (prepared once per
			// connection), the rows unnested from arrays.
			debtors, debts := make([]int64, len(evs)), make([]int64, len(evs))
			kinds, actors, sums := make([]string, len(evs)), make([]string, len(evs)), make([]string, len(evs))
			ats := make([]time.Time, len(evs))
			datas := make([]*string, len(evs))
			for i, e := range evs {
				debtors[i], debts[i], kinds[i], ats[i], actors[i], sums[i] = e.DebtorID, e.DebtID, string(e.Kind), e.At.UTC(), e.Actor, e.Summary
				if len(e.Data) > 0 {
					d := string(e.Data)
					datas[i] = &d
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO events (tenant_id, debtor_id, debt_id, kind, at, actor, summary, data)
			  SELECT $1, debtor, debt, kind, at, actor, summary, data
			  FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[]) AS v(debtor, debt, kind, at, actor, summary, data)`,
				tenant, debtors, debts, kinds, ats, actors, sums, datas)
			if err != nil {
				return fmt.Errorf("insert events: %w", err)
			}
			return nil
		}
		return db.insertMany(ctx, tx, "events", []string{"tenant_id", "debtor_id", "debt_id", "kind", "at", "actor", "summary", "data"}, len(evs), func(i int) []any {
			e := evs[i]
			return []any{tenant, e.DebtorID, e.DebtID, string(e.Kind), e.At.UTC(), e.Actor, e.Summary, nullJSON(e.Data)}
		}, "", nil)
	})
	if err != nil {
		return nil, fmt.Errorf("settle attempts of tenant %d: %w", tenant, err)
	}
	return changed, nil
}

func (db *DB) SendFacts(ctx context.Context, tenant domain.TenantID, as []store.Attempt, token string, since time.Time) (store.SendFacts, error) {
	f := store.SendFacts{
		Debtors: map[int64]*domain.Debtor{}, Contacts: map[int64][]domain.ContactPoint{}, Debts: map[int64]*domain.Debt{},
		Installs: map[int64][]domain.Installment{}, Enrolments: map[int64]store.EnrolmentRef{}, History: map[int64][]store.HistoryEntry{},
	}
	var debtors, debts, enrols []int64
	seen := map[[2]int64]bool{}
	for _, a := range as {
		for k, v := range map[int64]int64{0: a.DebtorID, 1: a.DebtID, 2: a.EnrolmentID} {
			if v == 0 || seen[[2]int64{k, v}] {
				continue
			}
			seen[[2]int64{k, v}] = true
			switch k {
			case 0:
				debtors = append(debtors, v)
			case 1:
				debts = append(debts, v)
			case 2:
				enrols = append(enrols, v)
			}
		}
	}
	q := func(what, query string, ids []int64, args []any, scan func(*sql.Rows) error) error {
		if len(ids) == 0 {
			return nil
		}
		var rows *sql.Rows
		var err error
		if db.pg {
			// One statement text whatever the ids (prepared once per
			// connection, an array parameter rather than hundreds of
			// literals), and one plan whatever the statistics: a lookup
			// per id by the (tenant, key) index. With "key = ANY(ids)"
			// and a table not analyzed since a large plan, the planner
			// walked the whole tenant's index and filtered the ids.
			sel, cond, _ := strings.Cut(query, " WHERE tenant_id = ? AND ")
			key, rest, _ := strings.Cut(cond, " IN (@IDS)")
			pgq := `SELECT f.* FROM unnest(CAST(? AS bigint[])) AS k(id) CROSS JOIN LATERAL (` + sel + ` WHERE tenant_id = ? AND ` + key + ` = k.id` + rest + ` OFFSET 0) f`
			rows, err = db.sql.QueryContext(ctx, db.Rebind(pgq), append([]any{ids, tenant}, args...)...)
		} else {
			// "+tenant_id" keeps SQLite's planner on the id list: with the
			// tenant's column bare it may walk a tenant-led index over
			// every debtor of the tenant instead.
			query = strings.Replace(query, "WHERE tenant_id = ? AND id IN", "WHERE +tenant_id = ? AND id IN", 1)
			rows, err = db.sql.QueryContext(ctx, db.Rebind(strings.Replace(query, "@IDS", sqlIDs(ids), 1)), append([]any{tenant}, args...)...)
		}
		if err != nil {
			return fmt.Errorf("send facts: %s: %w", what, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("send facts: %s: %w", what, err)
			}
		}
		return rows.Err()
	}
	err := q("debtors", `SELECT id, ext_id, kind, locale, time_zone, municipality, uf, country, bankrupt, deceased, represented FROM debtors WHERE tenant_id = ? AND id IN (@IDS)`, debtors, nil, func(r *sql.Rows) error {
		d := &domain.Debtor{TenantID: tenant}
		var kind string
		if err := r.Scan(&d.ID, &d.ExtID, &kind, &d.Locale, &d.TimeZone, &d.Address.Municipality, &d.Address.UF, &d.Address.Country, &d.Bankrupt, &d.Deceased, &d.Represented); err != nil {
			return err
		}
		d.Kind = domain.DebtorKind(kind)
		f.Debtors[d.ID] = d
		return nil
	})
	if err == nil {
		err = q("contact points", `SELECT id, debtor_id, kind, value, consent, preferred FROM contact_points WHERE tenant_id = ? AND debtor_id IN (@IDS) ORDER BY debtor_id, id`, debtors, nil, func(r *sql.Rows) error {
			c := domain.ContactPoint{TenantID: tenant}
			var kind, consent string
			if err := r.Scan(&c.ID, &c.DebtorID, &kind, &c.Value, &consent, &c.Preferred); err != nil {
				return err
			}
			c.Kind, c.Consent = domain.ContactKind(kind), domain.ConsentState(consent)
			f.Contacts[c.DebtorID] = append(f.Contacts[c.DebtorID], c)
			return nil
		})
	}
	if err == nil {
		err = q("debts", `SELECT id, debtor_id, portfolio_id, contract_number, product, status, delay_reason FROM debts WHERE tenant_id = ? AND id IN (@IDS)`, debts, nil, func(r *sql.Rows) error {
			d := &domain.Debt{TenantID: tenant}
			var st, reason string
			if err := r.Scan(&d.ID, &d.DebtorID, &d.PortfolioID, &d.ContractNumber, &d.Product, &st, &reason); err != nil {
				return err
			}
			d.Status, d.DelayReason = domain.DebtStatus(st), domain.DelayReason(reason)
			f.Debts[d.ID] = d
			return nil
		})
	}
	if err == nil {
		err = q("installments", `SELECT id, debt_id, number, due_date, amount, paid, status FROM installments WHERE tenant_id = ? AND debt_id IN (@IDS) ORDER BY debt_id, number`, debts, nil, func(r *sql.Rows) error {
			in := domain.Installment{TenantID: tenant}
			var st string
			if err := r.Scan(&in.ID, &in.DebtID, &in.Number, &in.DueDate, &in.Amount, &in.Paid, &st); err != nil {
				return err
			}
			in.Status = domain.InstallmentStatus(st)
			f.Installs[in.DebtID] = append(f.Installs[in.DebtID], in)
			return nil
		})
	}
	if err == nil {
		err = q("enrolments", `SELECT id, version_id, journey_id, state FROM journey_enrolments WHERE tenant_id = ? AND id IN (@IDS)`, enrols, nil, func(r *sql.Rows) error {
			var e store.EnrolmentRef
			var st string
			if err := r.Scan(&e.ID, &e.VersionID, &e.JourneyID, &st); err != nil {
				return err
			}
			e.State = store.EnrolmentState(st)
			f.Enrolments[e.ID] = e
			return nil
		})
	}
	if err == nil {
		since = since.UTC()
		// The status test is a CASE so that no index can serve it: the
		// debtors' own rows (attempts_debtor) are few, while an index on
		// status would visit every sent attempt of the table, and stale
		// statistics (just after a large plan) make the planner pick it.
		err = q("history", `SELECT id, debtor_id, debt_id, channel, status, sent_at, due_at FROM attempts
		  WHERE tenant_id = ? AND debtor_id IN (@IDS) AND CASE status WHEN 'sent' THEN sent_at >= ? WHEN 'sending' THEN lease_token <> ? ELSE 0 = 1 END`, debtors, []any{since, token}, func(r *sql.Rows) error {
			var h store.HistoryEntry
			var debtor int64
			var st string
			var sent, due time.Time
			if err := r.Scan(&h.AttemptID, &debtor, &h.DebtID, &h.Channel, &st, tm(&sent), tm(&due)); err != nil {
				return err
			}
			h.At = due
			if st == string(store.AttemptSent) {
				h.At = sent
			}
			f.History[debtor] = append(f.History[debtor], h)
			return nil
		})
	}
	if err == nil {
		f.Receipts, err = db.receiptPayments(ctx, tenant, as)
	}
	return f, err
}

// receiptPayments reads the payments that the receipts among as name (by
// id, in their payload: see receiptPayload).
func (db *DB) receiptPayments(ctx context.Context, tenant domain.TenantID, as []store.Attempt) (map[int64]journey.ReceiptLine, error) {
	var ids []int64
	for _, a := range as {
		if a.Template != journey.ReceiptTemplate || len(a.Payload) == 0 {
			continue
		}
		var p struct {
			Receipt *struct {
				PaymentIDs []int64 `json:"payment_ids"`
			} `json:"receipt"`
		}
		if err := json.Unmarshal(a.Payload, &p); err != nil || p.Receipt == nil {
			continue // dispatch parks an unreadable payload itself
		}
		ids = append(ids, p.Receipt.PaymentIDs...)
	}
	out := map[int64]journey.ReceiptLine{}
	if len(ids) == 0 {
		return out, nil
	}
	// A dispatch batch holds a few hundred attempts at most: the ids go
	// in as literals. "+p.tenant_id" keeps SQLite on the id list.
	tenantCol := "p.tenant_id"
	if !db.pg {
		tenantCol = "+p.tenant_id"
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT p.id, p.amount, p.paid_at, p.source, COALESCE(d.contract_number, ''), COALESCE(i.number, 0), COALESCE(ap.agreement_id, 0), COALESCE(ap.number, 0)
	  FROM payments p
	  LEFT JOIN installments i ON i.tenant_id = p.tenant_id AND i.id = p.installment_id
	  LEFT JOIN debts d ON d.tenant_id = p.tenant_id AND d.id = p.debt_id
	  LEFT JOIN agreement_payments ap ON ap.tenant_id = p.tenant_id AND ap.payment_id = p.id
	  WHERE `+tenantCol+` = ? AND p.id IN (`+sqlIDs(ids)+`)`), tenant)
	if err != nil {
		return nil, fmt.Errorf("send facts: receipt payments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r journey.ReceiptLine
		var number, agreementNumber int
		if err := rows.Scan(&r.PaymentID, &r.Amount, tm(&r.PaidAt), &r.Source, &r.Contract, &number, &r.AgreementID, &agreementNumber); err != nil {
			return nil, fmt.Errorf("send facts: receipt payments: %w", err)
		}
		r.Number = number
		if r.AgreementID != 0 {
			r.Contract, r.Number = "", agreementNumber
		}
		out[r.PaymentID] = r
	}
	return out, rows.Err()
}

func (db *DB) PauseDispatch(ctx context.Context, p store.Pause) (int, error) {
	if p.Scope != store.PauseChannel && p.Scope != store.PauseJourney {
		return 0, fmt.Errorf("pause: scope %q: want channel or journey", p.Scope)
	}
	if p.Value == "" {
		return 0, fmt.Errorf("pause %s: empty name", p.Scope)
	}
	held := 0
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if p.Scope == store.PauseJourney {
			var id int64
			err := tx.QueryRowContext(ctx, db.Rebind(`SELECT id FROM journeys WHERE tenant_id = ? AND key = ?`), p.TenantID, p.Value).Scan(&id)
			if err != nil {
				return notFound(err, fmt.Sprintf("journey %q", p.Value))
			}
		}
		if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO dispatch_pauses (tenant_id, scope, value, reason, actor, created_at) VALUES (?, ?, ?, ?, ?, ?)
		  ON CONFLICT (tenant_id, scope, value) DO UPDATE SET reason = excluded.reason, actor = excluded.actor`), p.TenantID, p.Scope, p.Value, p.Reason, p.Actor, now()); err != nil {
			return err
		}
		w, wargs := scopeWhere(p.TenantID, p.Scope, p.Value)
		res, err := tx.ExecContext(ctx, db.Rebind(`UPDATE attempts SET status = 'held' WHERE tenant_id = ? AND status IN ('planned', 'failed') AND `+w), append([]any{p.TenantID}, wargs...)...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		held = int(n)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("pause %s %s of tenant %d: %w", p.Scope, p.Value, p.TenantID, err)
	}
	return held, nil
}

// scopeWhere selects a kill switch's attempts, with its arguments.
func scopeWhere(tenant domain.TenantID, scope, value string) (string, []any) {
	if scope == store.PauseChannel {
		return `channel = ?`, []any{value}
	}
	return `enrolment_id IN (SELECT e.id FROM journey_enrolments e JOIN journeys j ON j.tenant_id = e.tenant_id AND j.id = e.journey_id WHERE e.tenant_id = ? AND j.key = ?)`, []any{tenant, value}
}

func (db *DB) ResumeDispatch(ctx context.Context, tenant domain.TenantID, scope, value string) (int, error) {
	if scope != store.PauseChannel && scope != store.PauseJourney {
		return 0, fmt.Errorf("resume: scope %q: want channel or journey", scope)
	}
	n := 0
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Rebind(`DELETE FROM dispatch_pauses WHERE tenant_id = ? AND scope = ? AND value = ?`), tenant, scope, value)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return fmt.Errorf("no pause of %s %q: %w", scope, value, store.ErrNotFound)
		}
		w, wargs := scopeWhere(tenant, scope, value)
		res, err = tx.ExecContext(ctx, db.Rebind(`UPDATE attempts SET status = 'planned' WHERE tenant_id = ? AND status = 'held' AND `+w), append([]any{tenant}, wargs...)...)
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		n = int(k)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("resume %s %s of tenant %d: %w", scope, value, tenant, err)
	}
	return n, nil
}

func (db *DB) Pauses(ctx context.Context, tenant domain.TenantID) ([]store.Pause, error) {
	q, args := `SELECT tenant_id, scope, value, reason, actor, created_at FROM dispatch_pauses`, []any{}
	if tenant != 0 {
		q += ` WHERE tenant_id = ?`
		args = append(args, tenant)
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(q+` ORDER BY tenant_id, scope, value`), args...)
	if err != nil {
		return nil, fmt.Errorf("pauses: %w", err)
	}
	defer rows.Close()
	var out []store.Pause
	for rows.Next() {
		var p store.Pause
		if err := rows.Scan(&p.TenantID, &p.Scope, &p.Value, &p.Reason, &p.Actor, tm(&p.CreatedAt)); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (db *DB) SetLimit(ctx context.Context, l store.Limit) error {
	if l.Key == "" {
		return fmt.Errorf("limit: empty key")
	}
	if l.Rate < 0 || math.IsNaN(l.Rate) || math.IsInf(l.Rate, 0) {
		return fmt.Errorf("limit %s: rate %v: want a positive number of messages a second", l.Key, l.Rate)
	}
	if l.Rate == 0 {
		_, err := db.Exec(ctx, `DELETE FROM dispatch_limits WHERE tenant_id = ? AND key = ?`, l.TenantID, l.Key)
		return err
	}
	if l.Burst < 1 {
		l.Burst = math.Max(1, l.Rate)
	}
	_, err := db.Exec(ctx, `INSERT INTO dispatch_limits (tenant_id, key, rate, burst, tokens, refilled_at) VALUES (?, ?, ?, ?, ?, ?)
	  ON CONFLICT (tenant_id, key) DO UPDATE SET rate = excluded.rate, burst = excluded.burst, tokens = CASE WHEN dispatch_limits.tokens > excluded.burst THEN excluded.burst ELSE dispatch_limits.tokens END`,
		l.TenantID, l.Key, l.Rate, l.Burst, l.Burst, now())
	if err != nil {
		return fmt.Errorf("limit %s of tenant %d: %w", l.Key, l.TenantID, err)
	}
	return nil
}

func (db *DB) Limits(ctx context.Context, tenant domain.TenantID) ([]store.Limit, error) {
	q, args := `SELECT tenant_id, key, rate, burst, tokens FROM dispatch_limits`, []any{}
	if tenant != 0 {
		q += ` WHERE tenant_id = ?`
		args = append(args, tenant)
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(q+` ORDER BY tenant_id, key`), args...)
	if err != nil {
		return nil, fmt.Errorf("limits: %w", err)
	}
	defer rows.Close()
	var out []store.Limit
	for rows.Next() {
		var l store.Limit
		if err := rows.Scan(&l.TenantID, &l.Key, &l.Rate, &l.Burst, &l.Tokens); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// TakeTokens refills each bucket for the time since its last refill, then
// takes what all of them can give, under a row lock (PostgreSQL) or the one
// writer (SQLite), so that processes share the rate.
func (db *DB) TakeTokens(ctx context.Context, tenant domain.TenantID, keys []string, n int, now time.Time) (int, time.Duration, error) {
	if n <= 0 || len(keys) == 0 {
		return n, 0, nil
	}
	now = now.UTC()
	got, wait := n, time.Duration(0)
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		got, wait = n, 0
		args := []any{tenant}
		for _, k := range keys {
			args = append(args, k)
		}
		lock := ""
		if db.pg {
			lock = " ORDER BY key FOR UPDATE"
		}
		rows, err := tx.QueryContext(ctx, db.Rebind(`SELECT key, rate, burst, tokens, refilled_at FROM dispatch_limits WHERE tenant_id = ? AND key IN (`+placeholders(len(keys))+`)`+lock), args...)
		if err != nil {
			return err
		}
		type bucket struct {
			key                 string
			rate, burst, tokens float64
			at                  time.Time
		}
		var bs []bucket
		for rows.Next() {
			var b bucket
			if err := rows.Scan(&b.key, &b.rate, &b.burst, &b.tokens, tm(&b.at)); err != nil {
				rows.Close()
				return err
			}
			if el := now.Sub(b.at).Seconds(); el > 0 {
				b.tokens = math.Min(b.burst, b.tokens+el*b.rate)
			} else {
				b.at = now // a clock behind the last refill neither adds nor loses tokens
			}
			if avail := int(math.Floor(b.tokens)); avail < got {
				got = max(avail, 0)
			}
			bs = append(bs, b)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, b := range bs {
			b.tokens -= float64(got)
			if b.tokens < 1 {
				if w := time.Duration((1 - b.tokens) / b.rate * float64(time.Second)); w > wait {
					wait = w
				}
			}
			at := now
			if b.at.After(now) {
				at = b.at
			}
			if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE dispatch_limits SET tokens = ?, refilled_at = ? WHERE tenant_id = ? AND key = ?`), b.tokens, at, tenant, b.key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("take tokens of tenant %d: %w", tenant, err)
	}
	return got, wait, nil
}

func (db *DB) QueueCounts(ctx context.Context, tenant domain.TenantID, at time.Time) ([]store.QueueCount, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT channel, status, COUNT(*), SUM(CASE WHEN status IN ('planned', 'failed') AND due_at <= ? THEN 1 ELSE 0 END), MIN(due_at)
	  FROM attempts WHERE tenant_id = ? GROUP BY channel, status ORDER BY channel, status`), at.UTC(), tenant)
	if err != nil {
		return nil, fmt.Errorf("queue counts of tenant %d: %w", tenant, err)
	}
	defer rows.Close()
	var out []store.QueueCount
	for rows.Next() {
		var c store.QueueCount
		var st string
		if err := rows.Scan(&c.Channel, &st, &c.Count, &c.Due, aggTime{&c.Oldest}); err != nil {
			return nil, err
		}
		c.Status = store.AttemptStatus(st)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (db *DB) SendDecision(ctx context.Context, tenant domain.TenantID, id int64) (json.RawMessage, error) {
	var raw sql.NullString
	err := db.sql.QueryRowContext(ctx, db.Rebind(`SELECT send_decision FROM attempts WHERE tenant_id = ? AND id = ?`), tenant, id).Scan(&raw)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("attempt %d", id))
	}
	if !raw.Valid {
		return nil, nil
	}
	return json.RawMessage(raw.String), nil
}

func (db *DB) ExtendLease(ctx context.Context, tenant domain.TenantID, token string, until time.Time) (int, error) {
	// Only the in-flight rows (status sending) are looked at; the tenant
	// test sits in a CASE so that stale statistics cannot make the planner
	// walk a tenant-led index over all the tenant's attempts.
	res, err := db.Exec(ctx, `UPDATE attempts SET lease_until = ? WHERE status = 'sending' AND CASE WHEN tenant_id = ? THEN lease_token = ? ELSE 0 = 1 END`, until.UTC(), tenant, token)
	if err != nil {
		return 0, fmt.Errorf("extend lease of tenant %d: %w", tenant, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (db *DB) StuckAttempts(ctx context.Context, tenant domain.TenantID, status store.AttemptStatus, channel string, limit int) ([]store.Attempt, error) {
	if limit <= 0 {
		limit = 50
	}
	lit, err := statusLiteral(status)
	if err != nil {
		return nil, err
	}
	q, args := `SELECT `+attemptCols+` FROM attempts WHERE tenant_id = ? AND status = `+lit, []any{tenant}
	if channel != "" {
		q += ` AND channel = ?`
		args = append(args, channel)
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(q+` ORDER BY id DESC LIMIT ?`), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("%s attempts of tenant %d: %w", status, tenant, err)
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

func (db *DB) Requeue(ctx context.Context, tenant domain.TenantID, from store.AttemptStatus, channel string, ids []int64, now time.Time) (int, error) {
	if from != store.AttemptParked && from != store.AttemptFailed {
		return 0, fmt.Errorf("requeue: from %q: want parked or failed", from)
	}
	lit, err := statusLiteral(from)
	if err != nil {
		return 0, err
	}
	q, args := `UPDATE attempts SET status = 'planned', tries = 0, due_at = ?, last_error = 'requeued: ' || last_error WHERE tenant_id = ? AND status = `+lit, []any{now.UTC(), tenant}
	if channel != "" {
		q += ` AND channel = ?`
		args = append(args, channel)
	}
	if len(ids) > 0 {
		q += ` AND id IN (` + sqlIDs(ids) + `)`
	}
	res, err := db.Exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("requeue %s attempts of tenant %d: %w", from, tenant, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// statusLiteral is a known attempt status as an SQL literal. Queries by
// status write it rather than bind it: attempts_due indexes only the
// statuses that are read by it (migration 00640), and a planner can use a
// partial index only when the query's own text implies its condition.
func statusLiteral(st store.AttemptStatus) (string, error) {
	switch st {
	case store.AttemptPlanned, store.AttemptSending, store.AttemptSent, store.AttemptFailed, store.AttemptParked, store.AttemptCancelled, store.AttemptHeld:
		return "'" + string(st) + "'", nil
	}
	return "", fmt.Errorf("attempt status %q: unknown", st)
}
