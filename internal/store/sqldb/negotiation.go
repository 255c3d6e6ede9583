package sqldb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

var _ store.NegotiationStore = (*DB)(nil)

// negQuerier is what both *sql.DB and *sql.Tx offer for reading.
type negQuerier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// negQueryIn runs q (one %s for the IN list) over ids in chunks.
func (db *DB) negQueryIn(ctx context.Context, q negQuerier, query string, fixed []any, ids []int64, scan func(*sql.Rows) error) error {
	const per = 900
	for start := 0; start < len(ids); start += per {
		end := min(start+per, len(ids))
		args := append([]any{}, fixed...)
		for _, id := range ids[start:end] {
			args = append(args, id)
		}
		rows, err := q.QueryContext(ctx, db.Rebind(fmt.Sprintf(query, placeholders(end-start))), args...)
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

// ---- offer policies ----

func (db *DB) SaveOfferPolicies(ctx context.Context, tenant domain.TenantID, body json.RawMessage, author string) (store.OfferPolicyDoc, error) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		return store.OfferPolicyDoc{}, fmt.Errorf("save offer policies: body is not JSON: %w", err)
	}
	sum := sha256.Sum256(compact.Bytes())
	doc := store.OfferPolicyDoc{Body: json.RawMessage(compact.Bytes()), SHA256: hex.EncodeToString(sum[:]), Author: author, CreatedAt: now()}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.offerPolicies(ctx, tx, tenant, 0)
		if err == nil && cur.SHA256 == doc.SHA256 {
			doc = cur
			return nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		doc.Version = cur.Version + 1
		_, err = tx.ExecContext(ctx, db.Rebind(`INSERT INTO offer_policies (tenant_id, version, body, sha256, author, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			tenant, doc.Version, string(doc.Body), doc.SHA256, author, doc.CreatedAt)
		if isUnique(err) {
			return fmt.Errorf("version %d was saved meanwhile: %w", doc.Version, store.ErrConflict)
		}
		return err
	})
	if err != nil {
		return store.OfferPolicyDoc{}, fmt.Errorf("save offer policies: %w", err)
	}
	return doc, nil
}

func (db *DB) OfferPolicies(ctx context.Context, tenant domain.TenantID, version int) (store.OfferPolicyDoc, error) {
	return db.offerPolicies(ctx, db.sql, tenant, version)
}

func (db *DB) offerPolicies(ctx context.Context, q negQuerier, tenant domain.TenantID, version int) (store.OfferPolicyDoc, error) {
	query := `SELECT version, body, sha256, author, created_at FROM offer_policies WHERE tenant_id = ? AND version = ?`
	args := []any{tenant, version}
	if version == 0 {
		query = `SELECT version, body, sha256, author, created_at FROM offer_policies WHERE tenant_id = ? ORDER BY version DESC LIMIT 1`
		args = args[:1]
	}
	var d store.OfferPolicyDoc
	var body string
	err := q.QueryRowContext(ctx, db.Rebind(query), args...).Scan(&d.Version, &body, &d.SHA256, &d.Author, tm(&d.CreatedAt))
	if err != nil {
		return store.OfferPolicyDoc{}, notFound(err, fmt.Sprintf("offer policies version %d", version))
	}
	d.Body = json.RawMessage(body)
	return d, nil
}

// ---- agreements ----

const agreementCols = `id, debtor_id, offer_id, kind, status, made, negotiated, total, paid, policy_id, policy_version, policy_doc, broken_on, first_breach, closed_on, doc, created_at, updated_at`

func scanAgreement(sc interface{ Scan(...any) error }, tenant domain.TenantID) (store.Agreement, error) {
	a := store.Agreement{TenantID: tenant}
	var st, doc string
	var first int
	err := sc.Scan(&a.ID, &a.DebtorID, &a.OfferID, &a.Kind, &st, &a.Made, &a.Negotiated, &a.Total, &a.Paid, &a.PolicyID, &a.PolicyVersion, &a.PolicyDoc,
		&a.BrokenOn, &first, &a.ClosedOn, &doc, tm(&a.CreatedAt), tm(&a.UpdatedAt))
	a.Status, a.FirstBreach, a.Doc = store.AgreementStatus(st), first != 0, json.RawMessage(doc)
	return a, err
}

func (db *DB) CreateAgreement(ctx context.Context, tenant domain.TenantID, a store.Agreement) (store.Agreement, bool, error) {
	if err := validAgreement(a); err != nil {
		return store.Agreement{}, false, err
	}
	at := now()
	dup := false
	var id int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.Rebind(`SELECT id FROM agreements WHERE tenant_id = ? AND debtor_id = ? AND offer_id = ?`), tenant, a.DebtorID, a.OfferID).Scan(&id)
		if err == nil {
			dup = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// The debts must be this debtor's and open; on PostgreSQL the rows
		// stay locked so two agreements cannot take the same debt.
		lock := ""
		if db.pg {
			lock = " FOR UPDATE"
		}
		debts := map[int64]string{}
		var contracts []string
		if err := db.negQueryIn(ctx, tx, `SELECT id, debtor_id, status, contract_number FROM debts WHERE tenant_id = ? AND id IN (%s) ORDER BY id`+lock, []any{tenant}, a.DebtIDs, func(r *sql.Rows) error {
			var did, debtor int64
			var st, contract string
			if err := r.Scan(&did, &debtor, &st, &contract); err != nil {
				return err
			}
			if debtor != a.DebtorID {
				return fmt.Errorf("debt %d belongs to another debtor: %w", did, store.ErrNotFound)
			}
			if st != string(domain.DebtOpen) {
				return fmt.Errorf("debt %d (contract %s) is %s, not open: %w", did, contract, st, store.ErrConflict)
			}
			debts[did] = st
			contracts = append(contracts, contract)
			return nil
		}); err != nil {
			return err
		}
		for _, did := range a.DebtIDs {
			if _, ok := debts[did]; !ok {
				return fmt.Errorf("debt %d: %w", did, store.ErrNotFound)
			}
		}
		if err := tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO agreements (tenant_id, debtor_id, offer_id, kind, status, made, negotiated, total, paid, policy_id, policy_version, policy_doc, doc, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'active', ?, ?, ?, 0, ?, ?, ?, ?, ?, ?) RETURNING id`),
			tenant, a.DebtorID, a.OfferID, a.Kind, a.Made, a.Negotiated, a.Total, a.PolicyID, a.PolicyVersion, a.PolicyDoc, string(a.Doc), at, at).Scan(&id); err != nil {
			if isUnique(err) {
				return fmt.Errorf("offer %s accepted meanwhile: %w", a.OfferID, store.ErrConflict)
			}
			return err
		}
		if err := db.insertMany(ctx, tx, "agreement_debts", []string{"tenant_id", "agreement_id", "debt_id", "previous_status"}, len(a.DebtIDs), func(i int) []any {
			return []any{tenant, id, a.DebtIDs[i], debts[a.DebtIDs[i]]}
		}, "", nil); err != nil {
			return err
		}
		if err := db.insertMany(ctx, tx, "agreement_installments", []string{"tenant_id", "agreement_id", "number", "due_date", "amount", "on_time", "paid", "status"}, len(a.Installments), func(i int) []any {
			in := a.Installments[i]
			return []any{tenant, id, in.Number, in.Due, in.Amount, in.OnTime, 0, string(domain.InstallmentOpen)}
		}, "", nil); err != nil {
			return err
		}
		c := a.Acceptance
		if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO acceptances (tenant_id, agreement_id, offer_id, policy_id, policy_version, who, who_kind, channel, at, locale, text, text_sha256, remote) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			tenant, id, c.OfferID, c.PolicyID, c.PolicyVersion, c.Who, c.WhoKind, c.Channel, c.At.UTC(), c.Locale, c.Text, c.TextSHA256, c.Remote); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE debts SET status = 'suspended', updated_at = ? WHERE tenant_id = ? AND id IN (`+placeholders(len(a.DebtIDs))+`)`),
			append([]any{at, tenant}, int64Args(a.DebtIDs)...)...); err != nil {
			return err
		}
		// The same stop as AttemptStore.CancelPlannedAttempts, inside this
		// transaction so no collection message leaves for a suspended debt.
		why := fmt.Sprintf("agreement %d", id)
		if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE attempts SET status = 'cancelled', last_error = ? WHERE tenant_id = ? AND status IN ('planned', 'failed') AND debt_id <> 0 AND debt_id IN (`+placeholders(len(a.DebtIDs))+`)`),
			append([]any{why, tenant}, int64Args(a.DebtIDs)...)...); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]any{"agreement_id": id, "offer_id": a.OfferID, "kind": a.Kind, "total": a.Total, "installments": len(a.Installments), "channel": c.Channel, "who": c.Who})
		sort.Strings(contracts)
		ev := make([]domain.Event, 0, len(a.DebtIDs))
		for _, did := range a.DebtIDs {
			ev = append(ev, domain.Event{TenantID: tenant, DebtorID: a.DebtorID, DebtID: did, Kind: domain.EventAgreed, At: at, Actor: c.WhoKind + ":" + c.Who,
				Summary: fmt.Sprintf("Acordo %d aceito por %s (%s): %s em %d pagamento(s); contratos %s suspensos", id, c.Channel, c.WhoKind, a.Total.Format("pt-BR"), len(a.Installments), strings.Join(contracts, ", ")),
				Data:    data})
		}
		return db.insertEvents(ctx, tx, ev)
	})
	if err != nil {
		return store.Agreement{}, false, fmt.Errorf("create agreement for debtor %d: %w", a.DebtorID, err)
	}
	got, err := db.Agreement(ctx, tenant, id)
	return got, dup, err
}

func validAgreement(a store.Agreement) error {
	switch {
	case a.DebtorID == 0 || a.OfferID == "" || a.Kind == "":
		return errors.New("create agreement: debtor, offer id and kind are required")
	case len(a.DebtIDs) == 0:
		return errors.New("create agreement: no debts")
	case len(a.Installments) == 0:
		return errors.New("create agreement: no installments")
	case a.Made.IsZero():
		return errors.New("create agreement: date made is missing")
	case !json.Valid(a.Doc):
		return errors.New("create agreement: doc is not JSON")
	case a.Acceptance.Text == "" || a.Acceptance.TextSHA256 == "" || a.Acceptance.At.IsZero():
		return errors.New("create agreement: acceptance needs the text shown, its SHA-256 and the time")
	}
	seen := map[int]bool{}
	for _, in := range a.Installments {
		if seen[in.Number] || in.Amount < 0 || in.OnTime < 0 || in.Due.IsZero() {
			return fmt.Errorf("create agreement: installment %d repeated, undated or negative", in.Number)
		}
		seen[in.Number] = true
	}
	return nil
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func (db *DB) Agreement(ctx context.Context, tenant domain.TenantID, id int64) (store.Agreement, error) {
	a, err := scanAgreement(db.sql.QueryRowContext(ctx, db.Rebind(`SELECT `+agreementCols+` FROM agreements WHERE tenant_id = ? AND id = ?`), tenant, id), tenant)
	if err != nil {
		return store.Agreement{}, notFound(err, fmt.Sprintf("agreement %d", id))
	}
	as := []store.Agreement{a}
	if err := db.fillAgreements(ctx, db.sql, tenant, as); err != nil {
		return store.Agreement{}, err
	}
	return as[0], nil
}

func (db *DB) Agreements(ctx context.Context, tenant domain.TenantID, f store.AgreementFilter) ([]store.Agreement, error) {
	return db.listAgreements(ctx, tenant, f, "ASC")
}

func (db *DB) listAgreements(ctx context.Context, tenant domain.TenantID, f store.AgreementFilter, order string) ([]store.Agreement, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := `SELECT ` + agreementCols + ` FROM agreements WHERE tenant_id = ? AND id > ?`
	args := []any{tenant, f.AfterID}
	if f.DebtorID != 0 {
		q += ` AND debtor_id = ?`
		args = append(args, f.DebtorID)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	q += ` ORDER BY id ` + order + ` LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.sql.QueryContext(ctx, db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("agreements: %w", err)
	}
	var out []store.Agreement
	for rows.Next() {
		a, err := scanAgreement(rows, tenant)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.fillAgreements(ctx, db.sql, tenant, out)
}

// fillAgreements reads the installments, debts and acceptance of as.
func (db *DB) fillAgreements(ctx context.Context, q negQuerier, tenant domain.TenantID, as []store.Agreement) error {
	if len(as) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(as))
	for i, a := range as {
		idx[a.ID], ids[i] = i, a.ID
	}
	if err := db.negQueryIn(ctx, q, `SELECT agreement_id, id, number, due_date, amount, on_time, paid, status FROM agreement_installments WHERE tenant_id = ? AND agreement_id IN (%s) ORDER BY agreement_id, number`, []any{tenant}, ids, func(r *sql.Rows) error {
		var aid int64
		var in store.AgreementInstallment
		var st string
		if err := r.Scan(&aid, &in.ID, &in.Number, &in.Due, &in.Amount, &in.OnTime, &in.Paid, &st); err != nil {
			return err
		}
		in.Status = domain.InstallmentStatus(st)
		as[idx[aid]].Installments = append(as[idx[aid]].Installments, in)
		return nil
	}); err != nil {
		return fmt.Errorf("agreement installments: %w", err)
	}
	if err := db.negQueryIn(ctx, q, `SELECT agreement_id, debt_id FROM agreement_debts WHERE tenant_id = ? AND agreement_id IN (%s) ORDER BY agreement_id, debt_id`, []any{tenant}, ids, func(r *sql.Rows) error {
		var aid, did int64
		if err := r.Scan(&aid, &did); err != nil {
			return err
		}
		as[idx[aid]].DebtIDs = append(as[idx[aid]].DebtIDs, did)
		return nil
	}); err != nil {
		return fmt.Errorf("agreement debts: %w", err)
	}
	return db.negQueryIn(ctx, q, `SELECT agreement_id, offer_id, policy_id, policy_version, who, who_kind, channel, at, locale, text, text_sha256, remote FROM acceptances WHERE tenant_id = ? AND agreement_id IN (%s)`, []any{tenant}, ids, func(r *sql.Rows) error {
		var aid int64
		var c store.Acceptance
		if err := r.Scan(&aid, &c.OfferID, &c.PolicyID, &c.PolicyVersion, &c.Who, &c.WhoKind, &c.Channel, tm(&c.At), &c.Locale, &c.Text, &c.TextSHA256, &c.Remote); err != nil {
			return err
		}
		as[idx[aid]].Acceptance = c
		return nil
	})
}

func (db *DB) AgreementPayments(ctx context.Context, tenant domain.TenantID, agreementID int64) ([]store.AgreementPayment, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT id, agreement_id, number, payment_id, amount, paid_at FROM agreement_payments WHERE tenant_id = ? AND agreement_id = ? ORDER BY paid_at, id`), tenant, agreementID)
	if err != nil {
		return nil, fmt.Errorf("payments of agreement %d: %w", agreementID, err)
	}
	defer rows.Close()
	var out []store.AgreementPayment
	for rows.Next() {
		var p store.AgreementPayment
		if err := rows.Scan(&p.ID, &p.AgreementID, &p.Number, &p.PaymentID, &p.Amount, tm(&p.PaidAt)); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (db *DB) ApplyAgreementPayment(ctx context.Context, tenant domain.TenantID, agreementID int64, number int, p domain.Payment) (store.AgreementPayment, bool, error) {
	if p.Source == "" || p.SourceRef == "" {
		return store.AgreementPayment{}, false, fmt.Errorf("agreement %d payment: source and source reference are required", agreementID)
	}
	if p.Amount <= 0 {
		return store.AgreementPayment{}, false, fmt.Errorf("agreement %d payment %s/%s: amount %s is not positive", agreementID, p.Source, p.SourceRef, p.Amount)
	}
	at := now()
	var b agreementBooked
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if b, err = db.bookAgreementPayment(ctx, tx, tenant, agreementID, number, p, at, true); err != nil || b.dup {
			return err
		}
		// The "payment received" receipt, planned as the reconciliation
		// plans it for PIX and CNAB bookings (planReceipts).
		rb := booking{source: p.Source, sourceRef: p.SourceRef, amount: p.Amount, paidAt: b.PaidAt, debtorID: b.debtor, paymentID: b.PaymentID,
			number: b.Number, agreementID: agreementID}
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT id FROM agreement_installments WHERE tenant_id = ? AND agreement_id = ? AND number = ?`), tenant, agreementID, b.Number).
			Scan(&rb.agreementInst); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("agreement %d installment %d: %w", agreementID, b.Number, err)
		}
		if _, err := db.planReceipts(ctx, db.bookTx(tx), tenant, []*booking{&rb}, at); err != nil {
			return fmt.Errorf("agreement %d payment %s/%s: %w", agreementID, p.Source, p.SourceRef, err)
		}
		return nil
	})
	if err != nil {
		return store.AgreementPayment{}, false, err
	}
	return b.AgreementPayment, b.dup, nil
}

// agreementBooked is what bookAgreementPayment did.
type agreementBooked struct {
	store.AgreementPayment
	debtor int64
	dup    bool
	// paidOff are the numbers of the installments it paid in full.
	paidOff []int
	// cancelled counts the reminders of those installments cancelled.
	cancelled int
}

// bookAgreementPayment is ApplyAgreementPayment inside the caller's
// transaction (the reconciliation books agreement installments with it).
// With spill the excess over the installment's open amount goes to the
// next installments; without, the whole amount stays on the installment
// named (the reconciliation books only what is open there, plus the
// interest a bank reports for paying late).
func (db *DB) bookAgreementPayment(ctx context.Context, tx *sql.Tx, tenant domain.TenantID, agreementID int64, number int, p domain.Payment, at time.Time, spill bool) (agreementBooked, error) {
	if p.PaidAt.IsZero() {
		p.PaidAt = at
	}
	p.PaidAt = p.PaidAt.UTC()
	var out agreementBooked
	err := func() error {
		var pid int64
		err := tx.QueryRowContext(ctx, db.Rebind(`SELECT id FROM payments WHERE tenant_id = ? AND source = ? AND source_ref = ?`), tenant, string(p.Source), p.SourceRef).Scan(&pid)
		if err == nil {
			out.dup = true
			err = tx.QueryRowContext(ctx, db.Rebind(`SELECT ap.id, ap.agreement_id, ap.number, ap.payment_id, ap.amount, ap.paid_at, a.debtor_id FROM agreement_payments ap JOIN agreements a ON a.tenant_id = ap.tenant_id AND a.id = ap.agreement_id WHERE ap.tenant_id = ? AND ap.payment_id = ?`), tenant, pid).
				Scan(&out.ID, &out.AgreementID, &out.Number, &out.PaymentID, &out.Amount, tm(&out.PaidAt), &out.debtor)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("payment %s/%s was booked to a debt, not to an agreement: %w", p.Source, p.SourceRef, store.ErrConflict)
			}
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// The agreement row is locked on PostgreSQL so that concurrent
		// payments add up instead of overwriting each other's installments.
		lock := ""
		if db.pg {
			lock = " FOR UPDATE"
		}
		var debtor int64
		var status string
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT debtor_id, status FROM agreements WHERE tenant_id = ? AND id = ?`+lock), tenant, agreementID).Scan(&debtor, &status); err != nil {
			return notFound(err, fmt.Sprintf("agreement %d", agreementID))
		}
		out.debtor = debtor
		type inst struct {
			number             int
			amount, paid       money.Money
			statusBefore, stat string
		}
		var ins []inst
		rows, err := tx.QueryContext(ctx, db.Rebind(`SELECT number, amount, paid, status FROM agreement_installments WHERE tenant_id = ? AND agreement_id = ? ORDER BY number`), tenant, agreementID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var in inst
			if err := rows.Scan(&in.number, &in.amount, &in.paid, &in.statusBefore); err != nil {
				rows.Close()
				return err
			}
			ins = append(ins, in)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		start := -1
		for i, in := range ins {
			if (number >= 0 && in.number == number) || (number < 0 && in.paid < in.amount) {
				start = i
				break
			}
		}
		if number >= 0 && start < 0 {
			return fmt.Errorf("agreement %d has no installment %d: %w", agreementID, number, store.ErrNotFound)
		}
		applied := number
		if start >= 0 {
			applied = ins[start].number
		} else if len(ins) > 0 {
			applied = ins[len(ins)-1].number
		}
		if err := tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO payments (tenant_id, debtor_id, debt_id, installment_id, source, source_ref, amount, paid_at, booked_at) VALUES (?, ?, 0, 0, ?, ?, ?, ?, ?) RETURNING id`),
			tenant, debtor, string(p.Source), p.SourceRef, p.Amount, p.PaidAt, at).Scan(&pid); err != nil {
			return err
		}
		out.AgreementPayment = store.AgreementPayment{AgreementID: agreementID, Number: applied, PaymentID: pid, Amount: p.Amount, PaidAt: p.PaidAt}
		if err := tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO agreement_payments (tenant_id, agreement_id, number, payment_id, amount, paid_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
			tenant, agreementID, applied, pid, p.Amount, p.PaidAt).Scan(&out.ID); err != nil {
			return err
		}
		if status == string(store.AgreementActive) && start >= 0 {
			// The named installment first, the excess to the next ones.
			left := p.Amount
			for i := start; i < len(ins) && left > 0; i++ {
				take := min(left, max(ins[i].amount-ins[i].paid, 0))
				if i == len(ins)-1 || !spill {
					take = left // overpayment stays on the last installment
				}
				if take == 0 {
					continue
				}
				left -= take
				np := ins[i].paid + take
				st := domain.StatusFor(ins[i].amount, np)
				if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE agreement_installments SET paid = ?, status = ? WHERE tenant_id = ? AND agreement_id = ? AND number = ?`),
					np, string(st), tenant, agreementID, ins[i].number); err != nil {
					return err
				}
				if st == domain.InstallmentPaid {
					if ins[i].paid < ins[i].amount {
						out.paidOff = append(out.paidOff, ins[i].number)
					}
					// Nothing left to remind of this installment.
					res, err := tx.ExecContext(ctx, db.Rebind(`UPDATE attempts SET status = 'cancelled', last_error = ? WHERE tenant_id = ? AND enrolment_id = 0 AND debtor_id = ? AND step_id LIKE ? AND status IN ('planned', 'failed')`),
						"installment paid", tenant, debtor, fmt.Sprintf("agreement-%d-inst-%d-d-%%", agreementID, ins[i].number))
					if err != nil {
						return err
					}
					n, _ := res.RowsAffected()
					out.cancelled += int(n)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE agreements SET paid = paid + ?, updated_at = ? WHERE tenant_id = ? AND id = ?`), p.Amount, at, tenant, agreementID); err != nil {
			return err
		}
		// The timeline reads the payment itself (Events).
		return nil
	}()
	if err != nil {
		return agreementBooked{}, fmt.Errorf("agreement %d payment %s/%s: %w", agreementID, p.Source, p.SourceRef, err)
	}
	return out, nil
}

func (db *DB) AgreementOpenAmounts(ctx context.Context, tenant domain.TenantID, debtorID, installmentID int64) ([]store.OpenAmount, error) {
	if debtorID == 0 && installmentID == 0 {
		return nil, errors.New("agreement open amounts: a debtor or an installment is required")
	}
	// The creditor is that of the agreement's first debt (an agreement is
	// made over one creditor's debts).
	q := `SELECT i.id, a.id, a.debtor_id, i.number, i.amount - i.paid, i.due_date,
		(SELECT p.creditor_id FROM agreement_debts ad JOIN debts d ON d.tenant_id = ad.tenant_id AND d.id = ad.debt_id
		 JOIN portfolios p ON p.tenant_id = d.tenant_id AND p.id = d.portfolio_id
		 WHERE ad.tenant_id = a.tenant_id AND ad.agreement_id = a.id ORDER BY ad.debt_id LIMIT 1)
		FROM agreement_installments i JOIN agreements a ON a.tenant_id = i.tenant_id AND a.id = i.agreement_id
		WHERE i.tenant_id = ? AND a.status = 'active' AND i.amount > i.paid`
	args := []any{tenant}
	if installmentID != 0 {
		q += ` AND i.id = ?`
		args = append(args, installmentID)
	}
	if debtorID != 0 {
		q += ` AND a.debtor_id = ?`
		args = append(args, debtorID)
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(q+` ORDER BY i.due_date, i.id`), args...)
	if err != nil {
		return nil, fmt.Errorf("agreement open amounts: %w", err)
	}
	defer rows.Close()
	var out []store.OpenAmount
	for rows.Next() {
		o := store.OpenAmount{RefKind: store.RefAgreementInstallment}
		var aid int64
		var creditor sql.NullInt64
		if err := rows.Scan(&o.RefID, &aid, &o.DebtorID, &o.Number, &o.Amount, &o.DueDate, &creditor); err != nil {
			return nil, err
		}
		o.CreditorID, o.Contract = creditor.Int64, fmt.Sprintf("ACORDO-%d", aid)
		out = append(out, o)
	}
	return out, rows.Err()
}

func (db *DB) AgreementInstallmentByID(ctx context.Context, tenant domain.TenantID, id int64) (int64, int, error) {
	var aid int64
	var n int
	err := db.sql.QueryRowContext(ctx, db.Rebind(`SELECT agreement_id, number FROM agreement_installments WHERE tenant_id = ? AND id = ?`), tenant, id).Scan(&aid, &n)
	return aid, n, notFound(err, fmt.Sprintf("agreement installment %d", id))
}

// reminderPattern matches the step ids of an agreement's reminders.
func reminderPattern(agreementID int64) string {
	return "agreement-" + strconv.FormatInt(agreementID, 10) + "-inst-%"
}

// closeAgreement moves an active agreement to status; it reports false when
// it was no longer active.
func (db *DB) closeAgreement(ctx context.Context, tx *sql.Tx, tenant domain.TenantID, id int64, status store.AgreementStatus, on date.Date, first bool, at any) (int64, bool, error) {
	var debtor int64
	if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT debtor_id FROM agreements WHERE tenant_id = ? AND id = ?`), tenant, id).Scan(&debtor); err != nil {
		return 0, false, notFound(err, fmt.Sprintf("agreement %d", id))
	}
	firstInt := 0
	if first {
		firstInt = 1
	}
	var brokenOn any
	if status == store.AgreementBroken {
		brokenOn = on
	}
	res, err := tx.ExecContext(ctx, db.Rebind(`UPDATE agreements SET status = ?, closed_on = ?, broken_on = ?, first_breach = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND status = 'active'`),
		string(status), on, brokenOn, firstInt, at, tenant, id)
	if err != nil {
		return 0, false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return debtor, false, nil
	}
	_, err = tx.ExecContext(ctx, db.Rebind(`UPDATE attempts SET status = 'cancelled', last_error = ? WHERE tenant_id = ? AND enrolment_id = 0 AND debtor_id = ? AND step_id LIKE ? AND status IN ('planned', 'failed')`),
		fmt.Sprintf("agreement %d %s", id, status), tenant, debtor, reminderPattern(id))
	return debtor, err == nil, err
}

func (db *DB) agreementDebtIDs(ctx context.Context, tx *sql.Tx, tenant domain.TenantID, id int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, db.Rebind(`SELECT debt_id FROM agreement_debts WHERE tenant_id = ? AND agreement_id = ? ORDER BY debt_id`), tenant, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		ids = append(ids, d)
	}
	return ids, rows.Err()
}

func (db *DB) BreakAgreement(ctx context.Context, tenant domain.TenantID, id int64, b store.Breach) (bool, error) {
	if b.On.IsZero() {
		return false, fmt.Errorf("break agreement %d: breach date is missing", id)
	}
	at := now()
	changed := false
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if db.pg {
			lock = " FOR UPDATE" // waits for a payment being booked
		}
		var st string
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT status FROM agreements WHERE tenant_id = ? AND id = ?`+lock), tenant, id).Scan(&st); err != nil {
			return notFound(err, fmt.Sprintf("agreement %d", id))
		}
		var seen int
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM agreement_payments WHERE tenant_id = ? AND agreement_id = ?`), tenant, id).Scan(&seen); err != nil {
			return err
		}
		if seen != b.Payments {
			return nil // a payment arrived after the decision: decide again
		}
		debtor, ok, err := db.closeAgreement(ctx, tx, tenant, id, store.AgreementBroken, b.On, b.First, at)
		if err != nil || !ok {
			return err
		}
		changed = true
		debtIDs, err := db.agreementDebtIDs(ctx, tx, tenant, id)
		if err != nil {
			return err
		}
		mine := map[int64]bool{}
		for _, d := range debtIDs {
			mine[d] = true
		}
		paidAt := b.On.In(time.UTC)
		for _, r := range b.Restorations {
			if !mine[r.DebtID] {
				return fmt.Errorf("restoration names debt %d, which is not in agreement %d: %w", r.DebtID, id, store.ErrNotFound)
			}
			if r.Paid <= 0 {
				continue
			}
			if err := db.creditDebt(ctx, tx, tenant, debtor, r.DebtID, id, r.Paid, paidAt, at); err != nil {
				return err
			}
		}
		if len(debtIDs) > 0 {
			if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE debts SET status = 'open', updated_at = ? WHERE tenant_id = ? AND status = 'suspended' AND id IN (`+placeholders(len(debtIDs))+`)`),
				append([]any{at, tenant}, int64Args(debtIDs)...)...); err != nil {
				return err
			}
		}
		summary := b.Summary
		if summary == "" {
			summary = fmt.Sprintf("Acordo %d quebrado em %s; as dívidas originais voltam à cobrança", id, b.On.Format("pt-BR"))
		}
		ev := []domain.Event{{TenantID: tenant, DebtorID: debtor, Kind: store.EventAgreementBroken, At: at, Actor: "system", Summary: summary, Data: b.Data}}
		for _, d := range debtIDs {
			ev = append(ev, domain.Event{TenantID: tenant, DebtorID: debtor, DebtID: d, Kind: store.EventAgreementBroken, At: at, Actor: "system",
				Summary: fmt.Sprintf("Dívida reaberta pela quebra do acordo %d", id)})
		}
		return db.insertEvents(ctx, tx, ev)
	})
	if err != nil {
		return false, fmt.Errorf("break agreement %d: %w", id, err)
	}
	return changed, nil
}

// creditDebt books amount to the debt's open installments from the oldest,
// as payments of source PaidFromAgreement (one per installment, keyed so a
// replay books nothing twice).
func (db *DB) creditDebt(ctx context.Context, tx *sql.Tx, tenant domain.TenantID, debtor, debtID, agreementID int64, amount money.Money, paidAt time.Time, at time.Time) error {
	rows, err := tx.QueryContext(ctx, db.Rebind(`SELECT id, number, amount, paid FROM installments WHERE tenant_id = ? AND debt_id = ? AND status <> 'cancelled' AND paid < amount ORDER BY due_date, number`), tenant, debtID)
	if err != nil {
		return err
	}
	type inst struct {
		id           int64
		number       int
		amount, paid money.Money
	}
	var ins []inst
	for rows.Next() {
		var in inst
		if err := rows.Scan(&in.id, &in.number, &in.amount, &in.paid); err != nil {
			rows.Close()
			return err
		}
		ins = append(ins, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	left := amount
	for i, in := range ins {
		if left <= 0 {
			break
		}
		take := min(left, in.amount-in.paid)
		if i == len(ins)-1 {
			take = left
		}
		left -= take
		np := in.paid + take
		if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE installments SET paid = ?, status = ? WHERE tenant_id = ? AND id = ?`), np, string(domain.StatusFor(in.amount, np)), tenant, in.id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO payments (tenant_id, debtor_id, debt_id, installment_id, source, source_ref, amount, paid_at, booked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, source, source_ref) DO NOTHING`),
			tenant, debtor, debtID, in.id, string(store.PaidFromAgreement), fmt.Sprintf("agreement-%d-debt-%d-inst-%d", agreementID, debtID, in.number), take, paidAt, at); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) SettleAgreement(ctx context.Context, tenant domain.TenantID, id int64, on date.Date) (bool, error) {
	if on.IsZero() {
		return false, fmt.Errorf("settle agreement %d: date is missing", id)
	}
	at := now()
	changed := false
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		debtor, ok, err := db.closeAgreement(ctx, tx, tenant, id, store.AgreementSettled, on, false, at)
		if err != nil || !ok {
			return err
		}
		changed = true
		debtIDs, err := db.agreementDebtIDs(ctx, tx, tenant, id)
		if err != nil {
			return err
		}
		if len(debtIDs) > 0 {
			if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE debts SET status = 'settled', updated_at = ? WHERE tenant_id = ? AND status = 'suspended' AND id IN (`+placeholders(len(debtIDs))+`)`),
				append([]any{at, tenant}, int64Args(debtIDs)...)...); err != nil {
				return err
			}
		}
		ev := []domain.Event{{TenantID: tenant, DebtorID: debtor, Kind: store.EventAgreementSettled, At: at, Actor: "system", Summary: fmt.Sprintf("Acordo %d quitado em %s", id, on.Format("pt-BR"))}}
		for _, d := range debtIDs {
			ev = append(ev, domain.Event{TenantID: tenant, DebtorID: debtor, DebtID: d, Kind: store.EventAgreementSettled, At: at, Actor: "system", Summary: fmt.Sprintf("Dívida quitada pelo acordo %d", id)})
		}
		return db.insertEvents(ctx, tx, ev)
	})
	if err != nil {
		return false, fmt.Errorf("settle agreement %d: %w", id, err)
	}
	return changed, nil
}

// ---- promises ----

const promiseCols = `id, debtor_id, debt_id, amount, promised, made, tolerance_days, channel, who, status, paid, kept_on, created_at, updated_at`

func scanPromise(sc interface{ Scan(...any) error }, tenant domain.TenantID) (store.Promise, error) {
	p := store.Promise{TenantID: tenant}
	var st string
	err := sc.Scan(&p.ID, &p.DebtorID, &p.DebtID, &p.Amount, &p.Promised, &p.Made, &p.ToleranceDays, &p.Channel, &p.Who, &st, &p.Paid, &p.KeptOn, tm(&p.CreatedAt), tm(&p.UpdatedAt))
	p.Status = store.PromiseStatus(st)
	return p, err
}

func (db *DB) AddPromise(ctx context.Context, tenant domain.TenantID, p store.Promise) (store.Promise, error) {
	switch {
	case p.Amount <= 0:
		return store.Promise{}, fmt.Errorf("add promise: amount %s is not positive", p.Amount)
	case p.Promised.IsZero() || p.Made.IsZero():
		return store.Promise{}, errors.New("add promise: promised date and date made are required")
	case p.Channel == "":
		return store.Promise{}, errors.New("add promise: channel is required")
	}
	at := now()
	p.TenantID, p.Status, p.Paid, p.KeptOn, p.CreatedAt, p.UpdatedAt = tenant, store.PromisePending, 0, date.Date{}, at, at
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var ok int
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT 1 FROM debtors WHERE tenant_id = ? AND id = ?`), tenant, p.DebtorID).Scan(&ok); err != nil {
			return notFound(err, fmt.Sprintf("debtor %d", p.DebtorID))
		}
		if p.DebtID != 0 {
			if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT 1 FROM debts WHERE tenant_id = ? AND id = ? AND debtor_id = ?`), tenant, p.DebtID, p.DebtorID).Scan(&ok); err != nil {
				return notFound(err, fmt.Sprintf("debt %d of debtor %d", p.DebtID, p.DebtorID))
			}
		}
		if err := tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO promises (tenant_id, debtor_id, debt_id, amount, promised, made, tolerance_days, channel, who, status, paid, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) RETURNING id`),
			tenant, p.DebtorID, p.DebtID, p.Amount, p.Promised, p.Made, p.ToleranceDays, p.Channel, p.Who, at, at).Scan(&p.ID); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]any{"promise_id": p.ID, "amount": p.Amount, "date": p.Promised, "tolerance_days": p.ToleranceDays, "channel": p.Channel})
		return db.insertEvents(ctx, tx, []domain.Event{{TenantID: tenant, DebtorID: p.DebtorID, DebtID: p.DebtID, Kind: domain.EventPromised, At: at, Actor: p.Who,
			Summary: fmt.Sprintf("Promessa de pagar %s até %s (%s)", p.Amount.Format("pt-BR"), p.Promised.Format("pt-BR"), p.Channel), Data: data}})
	})
	if err != nil {
		return store.Promise{}, fmt.Errorf("add promise for debtor %d: %w", p.DebtorID, err)
	}
	return p, nil
}

func (db *DB) Promise(ctx context.Context, tenant domain.TenantID, id int64) (store.Promise, error) {
	p, err := scanPromise(db.sql.QueryRowContext(ctx, db.Rebind(`SELECT `+promiseCols+` FROM promises WHERE tenant_id = ? AND id = ?`), tenant, id), tenant)
	return p, notFound(err, fmt.Sprintf("promise %d", id))
}

func (db *DB) Promises(ctx context.Context, tenant domain.TenantID, f store.PromiseFilter) ([]store.Promise, error) {
	return db.listPromises(ctx, tenant, f, "ASC")
}

func (db *DB) listPromises(ctx context.Context, tenant domain.TenantID, f store.PromiseFilter, order string) ([]store.Promise, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := `SELECT ` + promiseCols + ` FROM promises WHERE tenant_id = ? AND id > ?`
	args := []any{tenant, f.AfterID}
	if f.DebtorID != 0 {
		q += ` AND debtor_id = ?`
		args = append(args, f.DebtorID)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	q += ` ORDER BY id ` + order + ` LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.sql.QueryContext(ctx, db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("promises: %w", err)
	}
	defer rows.Close()
	var out []store.Promise
	for rows.Next() {
		p, err := scanPromise(rows, tenant)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (db *DB) ResolvePromise(ctx context.Context, tenant domain.TenantID, id int64, st store.PromiseStatus, paid money.Money, keptOn date.Date) (bool, error) {
	if st != store.PromiseKept && st != store.PromiseUnkept {
		return false, fmt.Errorf("resolve promise %d: status %q, want kept or unkept", id, st)
	}
	at := now()
	changed := false
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		p, err := scanPromise(tx.QueryRowContext(ctx, db.Rebind(`SELECT `+promiseCols+` FROM promises WHERE tenant_id = ? AND id = ?`), tenant, id), tenant)
		if err != nil {
			return notFound(err, fmt.Sprintf("promise %d", id))
		}
		res, err := tx.ExecContext(ctx, db.Rebind(`UPDATE promises SET status = ?, paid = ?, kept_on = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND status = 'pending'`),
			string(st), paid, keptOn, at, tenant, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		// Its reminder has nothing left to remind.
		if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE attempts SET status = 'cancelled', last_error = ? WHERE tenant_id = ? AND enrolment_id = 0 AND debtor_id = ? AND step_id = ? AND status IN ('planned', 'failed')`),
			"promise "+string(st), tenant, p.DebtorID, store.PromiseReminderStep(id)); err != nil {
			return err
		}
		kind, summary := store.EventPromiseKept, fmt.Sprintf("Promessa de %s cumprida em %s", p.Amount.Format("pt-BR"), keptOn.Format("pt-BR"))
		if st == store.PromiseUnkept {
			kind = store.EventPromiseBroken
			summary = fmt.Sprintf("Promessa de %s até %s não cumprida (pago %s)", p.Amount.Format("pt-BR"), p.Promised.Format("pt-BR"), paid.Format("pt-BR"))
		}
		data, _ := json.Marshal(map[string]any{"promise_id": id, "paid": paid, "status": st})
		return db.insertEvents(ctx, tx, []domain.Event{{TenantID: tenant, DebtorID: p.DebtorID, DebtID: p.DebtID, Kind: kind, At: at, Actor: "system", Summary: summary, Data: data}})
	})
	if err != nil {
		return false, fmt.Errorf("resolve promise %d: %w", id, err)
	}
	return changed, nil
}

// DebtorsWithPendingPromises reads the partial index promises_pending
// (migration 00620): status is written as a literal so that both planners
// can prove the query matches the index's condition. PostgreSQL takes the
// ids as one array; SQLite in IN lists of up to 900 parameters.
func (db *DB) DebtorsWithPendingPromises(ctx context.Context, tenant domain.TenantID, debtorIDs []int64) ([]int64, error) {
	ids := make([]int64, 0, len(debtorIDs))
	seen := make(map[int64]bool, len(debtorIDs))
	for _, id := range debtorIDs {
		if id != 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = id
	}
	// Through a read-only transaction, the key lists go as booking's do:
	// one array on PostgreSQL, IN lists of 900 on SQLite.
	tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("debtors with pending promises: %w", err)
	}
	defer tx.Rollback()
	var out []int64
	if err := db.selectInTx(ctx, db.bookTx(tx), `SELECT DISTINCT debtor_id FROM promises WHERE tenant_id = ? AND status = 'pending' AND debtor_id IN (%s)`, []any{tenant}, keys, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		out = append(out, id)
		return err
	}); err != nil {
		return nil, fmt.Errorf("debtors with pending promises (%d debtors): %w", len(ids), err)
	}
	return out, nil
}

func (db *DB) DebtorNegotiation(ctx context.Context, tenant domain.TenantID, debtorID int64) (store.DebtorNegotiation, error) {
	var out store.DebtorNegotiation
	var err error
	if out.Agreements, err = db.listAgreements(ctx, tenant, store.AgreementFilter{DebtorID: debtorID, AfterID: -1, Limit: 50}, "DESC"); err != nil {
		return out, fmt.Errorf("negotiation of debtor %d: %w", debtorID, err)
	}
	if out.Promises, err = db.listPromises(ctx, tenant, store.PromiseFilter{DebtorID: debtorID, AfterID: -1, Limit: 50}, "DESC"); err != nil {
		return out, fmt.Errorf("negotiation of debtor %d: %w", debtorID, err)
	}
	return out, nil
}
