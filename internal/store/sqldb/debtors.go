package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// SearchDebtors: see store.DebtorStore. Exact keys (document, phone,
// e-mail, contract) are tried first; a name prefix fills the rest.
func (db *DB) SearchDebtors(ctx context.Context, tenant domain.TenantID, query string, asOf date.Date, limit int) ([]store.DebtorSummary, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	matched := map[int64]string{}
	var order []int64
	add := func(q, by string, args ...any) error {
		rows, err := db.sql.QueryContext(ctx, db.Rebind(q), args...)
		if err != nil {
			return fmt.Errorf("search by %s: %w", by, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if _, ok := matched[id]; !ok && len(order) < limit {
				matched[id] = by
				order = append(order, id)
			}
		}
		return rows.Err()
	}
	digits := onlyDigits(query)
	compact := strings.ToUpper(strings.NewReplacer(".", "", "-", "", "/", "", " ", "").Replace(query))
	if len(compact) == 11 || len(compact) == 14 {
		by := "cpf"
		if len(compact) == 14 {
			by = "cnpj"
		}
		if err := add(`SELECT id FROM debtors WHERE tenant_id = ? AND document = ? ORDER BY id LIMIT ?`, by, tenant, compact, limit); err != nil {
			return nil, err
		}
	}
	if strings.Contains(query, "@") {
		if err := add(`SELECT DISTINCT debtor_id FROM contact_points WHERE tenant_id = ? AND value = ? ORDER BY debtor_id LIMIT ?`, "email", tenant, strings.ToLower(query), limit); err != nil {
			return nil, err
		}
	}
	if phone := phoneKey(query, digits); phone != "" {
		if err := add(`SELECT DISTINCT debtor_id FROM contact_points WHERE tenant_id = ? AND value = ? ORDER BY debtor_id LIMIT ?`, "phone", tenant, phone, limit); err != nil {
			return nil, err
		}
	}
	if err := add(`SELECT DISTINCT debtor_id FROM debts WHERE tenant_id = ? AND contract_number = ? ORDER BY debtor_id LIMIT ?`, "contract", tenant, query, limit); err != nil {
		return nil, err
	}
	if key := domain.NameKey(query); key != "" && digits != key && len(order) < limit {
		if err := add(`SELECT id FROM debtors WHERE tenant_id = ? AND name_key >= ? AND name_key < ? ORDER BY name_key, id LIMIT ?`, "name", tenant, key, key+"\U0010FFFF", limit); err != nil {
			return nil, err
		}
	}
	if len(order) == 0 {
		return nil, nil
	}
	return db.summaries(ctx, tenant, order, matched, asOf)
}

func onlyDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// phoneKey turns what someone typed into the E.164 form contact points are
// stored in, when it looks like a phone number.
func phoneKey(query, digits string) string {
	for _, r := range query {
		if !strings.ContainsRune("0123456789+()- .", r) {
			return ""
		}
	}
	switch {
	case strings.HasPrefix(strings.TrimSpace(query), "+") && len(digits) >= 8:
		return "+" + digits
	case len(digits) == 10 || len(digits) == 11:
		return "+55" + digits
	case (len(digits) == 12 || len(digits) == 13) && strings.HasPrefix(digits, "55"):
		return "+" + digits
	case (len(digits) == 11 || len(digits) == 12) && strings.HasPrefix(digits, "0"):
		return "+55" + digits[1:]
	}
	return ""
}

func (db *DB) summaries(ctx context.Context, tenant domain.TenantID, ids []int64, matched map[int64]string, asOf date.Date) ([]store.DebtorSummary, error) {
	byID := map[int64]*store.DebtorSummary{}
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = id
	}
	ctxTx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: !db.pg})
	if err != nil {
		return nil, err
	}
	defer ctxTx.Rollback()
	err = db.selectIn(ctx, ctxTx, `SELECT id, kind, name, document, uf, city FROM debtors WHERE tenant_id = ? AND id IN (%s)`, []any{tenant}, keys, func(r *sql.Rows) error {
		s := &store.DebtorSummary{}
		var kind string
		if err := r.Scan(&s.ID, &kind, &s.Name, &s.Document, &s.UF, &s.City); err != nil {
			return err
		}
		s.Kind = domain.DebtorKind(kind)
		s.MatchedBy = matched[s.ID]
		byID[s.ID] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	debtsSeen := map[int64]bool{}
	err = db.selectIn(ctx, ctxTx, `SELECT d.debtor_id, d.id, i.due_date, i.amount, i.paid, i.status FROM debts d JOIN installments i ON i.tenant_id = d.tenant_id AND i.debt_id = d.id WHERE d.tenant_id = ? AND d.debtor_id IN (%s)`, []any{tenant}, keys, func(r *sql.Rows) error {
		var debtor, debt int64
		var in domain.Installment
		var st string
		if err := r.Scan(&debtor, &debt, &in.DueDate, &in.Amount, &in.Paid, &st); err != nil {
			return err
		}
		in.Status = domain.InstallmentStatus(st)
		s := byID[debtor]
		if s == nil {
			return nil
		}
		if !debtsSeen[debt] {
			debtsSeen[debt] = true
			s.Debts++
		}
		if in.Status != domain.InstallmentCancelled {
			s.OpenAmount += in.Open()
		}
		if dpd := in.DPD(asOf); dpd > s.MaxDPD {
			s.MaxDPD = dpd
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]store.DebtorSummary, 0, len(ids))
	for _, id := range ids {
		if s := byID[id]; s != nil {
			out = append(out, *s)
		}
	}
	return out, nil
}

func (db *DB) Debtor(ctx context.Context, tenant domain.TenantID, id int64) (domain.Debtor, error) {
	d := domain.Debtor{TenantID: tenant}
	err := scanDebtorCols(db.sql.QueryRowContext(ctx, db.Rebind(`SELECT id, ext_id, created_at, updated_at, `+debtorCols+` FROM debtors WHERE tenant_id = ? AND id = ?`), tenant, id),
		&d, &d.ID, &d.ExtID, tm(&d.CreatedAt), tm(&d.UpdatedAt))
	return d, notFound(err, fmt.Sprintf("debtor %d", id))
}

func (db *DB) contacts(ctx context.Context, tenant domain.TenantID, debtorID int64) ([]domain.ContactPoint, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT id, kind, value, consent, consent_source, consent_at, preferred FROM contact_points WHERE tenant_id = ? AND debtor_id = ? ORDER BY preferred DESC, id`), tenant, debtorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.ContactPoint
	for rows.Next() {
		c := domain.ContactPoint{TenantID: tenant, DebtorID: debtorID}
		var kind, consent string
		if err := rows.Scan(&c.ID, &kind, &c.Value, &consent, &c.ConsentSource, tm(&c.ConsentAt), &c.Preferred); err != nil {
			return nil, err
		}
		c.Kind, c.Consent = domain.ContactKind(kind), domain.ConsentState(consent)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (db *DB) Debtor360(ctx context.Context, tenant domain.TenantID, id int64, eventLimit int) (store.Debtor360, error) {
	var v store.Debtor360
	var err error
	if v.Debtor, err = db.Debtor(ctx, tenant, id); err != nil {
		return v, err
	}
	if v.Contacts, err = db.contacts(ctx, tenant, id); err != nil {
		return v, fmt.Errorf("debtor %d contacts: %w", id, err)
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT d.id, d.portfolio_id, d.contract_number, d.product, d.origin_date, d.original_principal, d.status, d.delay_reason, d.created_at, d.updated_at, p.name, c.name
		FROM debts d JOIN portfolios p ON p.tenant_id = d.tenant_id AND p.id = d.portfolio_id JOIN creditors c ON c.tenant_id = p.tenant_id AND c.id = p.creditor_id
		WHERE d.tenant_id = ? AND d.debtor_id = ? ORDER BY d.origin_date, d.id`), tenant, id)
	if err != nil {
		return v, fmt.Errorf("debtor %d debts: %w", id, err)
	}
	idx := map[int64]int{}
	for rows.Next() {
		dd := store.DebtDetail{Debt: domain.Debt{TenantID: tenant, DebtorID: id}}
		var st, reason string
		if err := rows.Scan(&dd.ID, &dd.PortfolioID, &dd.ContractNumber, &dd.Product, &dd.OriginDate, &dd.OriginalPrincipal, &st, &reason, tm(&dd.CreatedAt), tm(&dd.UpdatedAt), &dd.PortfolioName, &dd.CreditorName); err != nil {
			rows.Close()
			return v, err
		}
		dd.Status, dd.DelayReason = domain.DebtStatus(st), domain.DelayReason(reason)
		idx[dd.ID] = len(v.Debts)
		v.Debts = append(v.Debts, dd)
	}
	rows.Close()
	rows, err = db.sql.QueryContext(ctx, db.Rebind(`SELECT i.id, i.debt_id, i.number, i.due_date, i.amount, i.paid, i.status FROM installments i JOIN debts d ON d.tenant_id = i.tenant_id AND d.id = i.debt_id
		WHERE i.tenant_id = ? AND d.debtor_id = ? ORDER BY i.debt_id, i.number`), tenant, id)
	if err != nil {
		return v, fmt.Errorf("debtor %d installments: %w", id, err)
	}
	for rows.Next() {
		in := domain.Installment{TenantID: tenant}
		var st string
		if err := rows.Scan(&in.ID, &in.DebtID, &in.Number, &in.DueDate, &in.Amount, &in.Paid, &st); err != nil {
			rows.Close()
			return v, err
		}
		in.Status = domain.InstallmentStatus(st)
		if j, ok := idx[in.DebtID]; ok {
			v.Debts[j].Installments = append(v.Debts[j].Installments, in)
		}
	}
	rows.Close()
	if v.Payments, err = db.Payments(ctx, tenant, id); err != nil {
		return v, err
	}
	if v.Events, err = db.Events(ctx, tenant, id, eventLimit); err != nil {
		return v, err
	}
	v.LateIn12m = lateIn12m(v, domain.PaymentDay(now(), v.Debtor.TimeZone))
	return v, nil
}

// lateIn12m counts installments due in the last 12 months that are overdue
// now or were paid after their due date (the day paid in the debtor's
// zone): the recurrence that tells a first short delay from a habit.
func lateIn12m(v store.Debtor360, today date.Date) int {
	from := today.AddMonths(-12)
	paidLate := map[int64]bool{}
	due := map[int64]date.Date{}
	for _, d := range v.Debts {
		for _, in := range d.Installments {
			due[in.ID] = in.DueDate
		}
	}
	for _, p := range v.Payments {
		if d, ok := due[p.InstallmentID]; ok && domain.PaymentDay(p.PaidAt, v.Debtor.TimeZone).After(d) {
			paidLate[p.InstallmentID] = true
		}
	}
	n := 0
	for _, d := range v.Debts {
		for _, in := range d.Installments {
			if in.DueDate.Before(from) || in.DueDate.After(today) {
				continue
			}
			if in.DPD(today) > 0 || paidLate[in.ID] {
				n++
			}
		}
	}
	return n
}

func (db *DB) SetDelayReason(ctx context.Context, tenant domain.TenantID, debtID int64, r domain.DelayReason, actor string) error {
	if !r.Valid() {
		return fmt.Errorf("delay reason %q: unknown code", r)
	}
	at := now()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var debtor int64
		var old, contract string
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT debtor_id, delay_reason, contract_number FROM debts WHERE tenant_id = ? AND id = ?`), tenant, debtID).Scan(&debtor, &old, &contract); err != nil {
			return notFound(err, fmt.Sprintf("debt %d", debtID))
		}
		if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE debts SET delay_reason = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`), string(r), at, tenant, debtID); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]any{"old": old, "new": string(r), "creditor_fault": r.CreditorFault()})
		return db.insertEvents(ctx, tx, []domain.Event{{TenantID: tenant, DebtorID: debtor, DebtID: debtID, Kind: domain.EventDelayReason, At: at, Actor: actor,
			Summary: fmt.Sprintf("Motivo do atraso do contrato %s: %s", contract, r), Data: data}})
	})
}

func (db *DB) SetConsent(ctx context.Context, tenant domain.TenantID, contactID int64, c domain.ConsentState, source, actor string) error {
	if c != domain.ConsentGranted && c != domain.ConsentOptOut && c != domain.ConsentUnknown {
		return fmt.Errorf("consent %q: unknown state", c)
	}
	at := now()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var debtor int64
		var kind, value, old string
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT debtor_id, kind, value, consent FROM contact_points WHERE tenant_id = ? AND id = ?`), tenant, contactID).Scan(&debtor, &kind, &value, &old); err != nil {
			return notFound(err, fmt.Sprintf("contact point %d", contactID))
		}
		if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE contact_points SET consent = ?, consent_source = ?, consent_at = ? WHERE tenant_id = ? AND id = ?`), string(c), source, at, tenant, contactID); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]string{"kind": kind, "value": value, "old": old, "new": string(c), "source": source})
		return db.insertEvents(ctx, tx, []domain.Event{{TenantID: tenant, DebtorID: debtor, Kind: domain.EventConsent, At: at, Actor: actor,
			Summary: fmt.Sprintf("Consentimento de %s %s: %s → %s (%s)", kind, value, old, c, source), Data: data}})
	})
}

func (db *DB) AppendEvent(ctx context.Context, tenant domain.TenantID, e domain.Event) (domain.Event, error) {
	e.TenantID = tenant
	if e.At.IsZero() {
		e.At = now()
	}
	if e.Kind == "" {
		return e, fmt.Errorf("event: empty kind")
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var ok int
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT 1 FROM debtors WHERE tenant_id = ? AND id = ?`), tenant, e.DebtorID).Scan(&ok); err != nil {
			return notFound(err, fmt.Sprintf("debtor %d", e.DebtorID))
		}
		var data any
		if len(e.Data) > 0 {
			data = string(e.Data)
		}
		return tx.QueryRowContext(ctx, db.Rebind(`INSERT INTO events (tenant_id, debtor_id, debt_id, kind, at, actor, summary, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			tenant, e.DebtorID, e.DebtID, string(e.Kind), e.At.UTC(), e.Actor, e.Summary, data).Scan(&e.ID)
	})
	if err != nil {
		return e, fmt.Errorf("append event: %w", err)
	}
	return e, nil
}

// Events is the debtor's timeline, newest first. Payments are not written
// as events: the payments table is their record, and each one is read back
// here as a "paid" entry (a return file of a million settlements wrote a
// million event rows that said what the payments already said).
func (db *DB) Events(ctx context.Context, tenant domain.TenantID, debtorID int64, limit int) ([]domain.Event, error) {
	if limit <= 0 {
		limit = 200
	}
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT id, debt_id, kind, at, actor, summary, data FROM events WHERE tenant_id = ? AND debtor_id = ? AND kind <> 'paid' ORDER BY at DESC, id DESC LIMIT ?`), tenant, debtorID, limit)
	if err != nil {
		return nil, fmt.Errorf("events of debtor %d: %w", debtorID, err)
	}
	defer rows.Close()
	var out []domain.Event
	for rows.Next() {
		e := domain.Event{TenantID: tenant, DebtorID: debtorID}
		var kind string
		var data sql.NullString
		if err := rows.Scan(&e.ID, &e.DebtID, &kind, tm(&e.At), &e.Actor, &e.Summary, &data); err != nil {
			return nil, err
		}
		e.Kind = domain.EventKind(kind)
		if data.Valid {
			e.Data = json.RawMessage(data.String)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events of debtor %d: %w", debtorID, err)
	}
	paid, err := db.paidEvents(ctx, tenant, debtorID, limit)
	if err != nil {
		return nil, err
	}
	if len(paid) == 0 {
		return out, nil
	}
	out = append(out, paid...)
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return out[i].ID > out[j].ID
	})
	return out[:min(len(out), limit)], nil
}

// paidEvents reads the debtor's newest payments as "paid" timeline
// entries, with the contract and installment, or agreement and
// installment, that each paid.
func (db *DB) paidEvents(ctx context.Context, tenant domain.TenantID, debtorID int64, limit int) ([]domain.Event, error) {
	rows, err := db.sql.QueryContext(ctx, db.Rebind(`SELECT p.id, p.debt_id, p.installment_id, p.source, p.source_ref, p.amount, p.booked_at,
		COALESCE(d.contract_number, ''), COALESCE(i.number, 0), COALESCE(ap.agreement_id, 0), COALESCE(ap.number, 0)
		FROM payments p
		LEFT JOIN installments i ON i.tenant_id = p.tenant_id AND i.id = p.installment_id
		LEFT JOIN debts d ON d.tenant_id = p.tenant_id AND d.id = p.debt_id
		LEFT JOIN agreement_payments ap ON ap.tenant_id = p.tenant_id AND ap.payment_id = p.id
		WHERE p.tenant_id = ? AND p.debtor_id = ? ORDER BY p.booked_at DESC, p.id DESC LIMIT ?`), tenant, debtorID, limit)
	if err != nil {
		return nil, fmt.Errorf("payments of debtor %d: %w", debtorID, err)
	}
	defer rows.Close()
	var out []domain.Event
	for rows.Next() {
		var b booking
		var src, contract string
		var number int
		var agreement int64
		var agrNumber int
		e := domain.Event{TenantID: tenant, DebtorID: debtorID, Kind: domain.EventPaid}
		if err := rows.Scan(&b.paymentID, &b.debtID, &b.inst, &src, &b.sourceRef, &b.amount, tm(&e.At), &contract, &number, &agreement, &agrNumber); err != nil {
			return nil, fmt.Errorf("payments of debtor %d: %w", debtorID, err)
		}
		b.source = domain.PaymentSource(src)
		if agreement != 0 {
			b.contract, b.number, b.agreementID = "", agrNumber, agreement
		} else {
			b.contract, b.number = contract, number
		}
		e.ID, e.DebtID, e.Actor = b.paymentID, b.debtID, src
		e.Summary, e.Data = paidSummary(&b), paidEventData(&b)
		out = append(out, e)
	}
	return out, rows.Err()
}
