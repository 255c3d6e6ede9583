package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

const debtorCols = `kind, document, name, name_key, birth, locale, time_zone, zone_set, street, number, complement, district, city, municipality, uf, cep, country, bankrupt, deceased, represented`

func debtorArgs(d *domain.Debtor) []any {
	return []any{string(d.Kind), d.Document, d.Name, domain.NameKey(d.Name), d.Birth, d.Locale, d.TimeZone, d.ZoneSet,
		d.Address.Street, d.Address.Number, d.Address.Complement, d.Address.District, d.Address.City, d.Address.Municipality,
		d.Address.UF, d.Address.CEP, d.Address.Country, d.Bankrupt, d.Deceased, d.Represented}
}

func scanDebtorCols(sc interface{ Scan(...any) error }, d *domain.Debtor, extra ...any) error {
	var kind, nameKey string
	dst := append(extra, &kind, &d.Document, &d.Name, &nameKey, &d.Birth, &d.Locale, &d.TimeZone, &d.ZoneSet,
		&d.Address.Street, &d.Address.Number, &d.Address.Complement, &d.Address.District, &d.Address.City, &d.Address.Municipality,
		&d.Address.UF, &d.Address.CEP, &d.Address.Country, &d.Bankrupt, &d.Deceased, &d.Represented)
	if err := sc.Scan(dst...); err != nil {
		return err
	}
	d.Kind = domain.DebtorKind(kind)
	return nil
}

func debtorChanges(old, new *domain.Debtor) []domain.Change {
	var ch []domain.Change
	add := func(f, o, n string) {
		if o != n {
			ch = append(ch, domain.Change{Field: f, Old: o, New: n})
		}
	}
	b := strconv.FormatBool
	add("kind", string(old.Kind), string(new.Kind))
	add("document", old.Document, new.Document)
	add("name", old.Name, new.Name)
	add("birth", old.Birth.String(), new.Birth.String())
	add("locale", old.Locale, new.Locale)
	add("time_zone", old.TimeZone, new.TimeZone)
	add("zone_set", b(old.ZoneSet), b(new.ZoneSet))
	add("street", old.Address.Street, new.Address.Street)
	add("number", old.Address.Number, new.Address.Number)
	add("complement", old.Address.Complement, new.Address.Complement)
	add("district", old.Address.District, new.Address.District)
	add("city", old.Address.City, new.Address.City)
	add("municipality", old.Address.Municipality, new.Address.Municipality)
	add("uf", old.Address.UF, new.Address.UF)
	add("cep", old.Address.CEP, new.Address.CEP)
	add("country", old.Address.Country, new.Address.Country)
	add("bankrupt", b(old.Bankrupt), b(new.Bankrupt))
	add("deceased", b(old.Deceased), b(new.Deceased))
	add("represented", b(old.Represented), b(new.Represented))
	return ch
}

func debtChanges(old, new *domain.Debt) []domain.Change {
	var ch []domain.Change
	add := func(f, o, n string) {
		if o != n {
			ch = append(ch, domain.Change{Field: f, Old: o, New: n})
		}
	}
	add("debtor_id", strconv.FormatInt(old.DebtorID, 10), strconv.FormatInt(new.DebtorID, 10))
	add("product", old.Product, new.Product)
	add("origin_date", old.OriginDate.String(), new.OriginDate.String())
	add("original_principal", old.OriginalPrincipal.String(), new.OriginalPrincipal.String())
	if new.DelayReason != "" {
		add("delay_reason", string(old.DelayReason), string(new.DelayReason))
	}
	return ch
}

func installmentChanges(old, new *domain.Installment) []domain.Change {
	var ch []domain.Change
	n := strconv.Itoa(new.Number)
	if old.DueDate != new.DueDate {
		ch = append(ch, domain.Change{Field: "installment " + n + " due_date", Old: old.DueDate.String(), New: new.DueDate.String()})
	}
	if old.Amount != new.Amount {
		ch = append(ch, domain.Change{Field: "installment " + n + " amount", Old: old.Amount.String(), New: new.Amount.String()})
	}
	if old.Paid != new.Paid {
		ch = append(ch, domain.Change{Field: "installment " + n + " paid", Old: old.Paid.String(), New: new.Paid.String()})
	}
	return ch
}

type instKey struct {
	debt   int64
	number int
}

// refreshImportStats analyses the tables an import writes, on PostgreSQL,
// before this DB's 1st, 2nd, 4th, 8th… import batch, so that statistics
// are never more than half the size of the tables behind. Without them
// (autovacuum off or behind, as on a fresh server under a large import)
// the generic plan of the prepared lookup of existing debtors takes the
// tenant prefix of debtors_name_key and filters the whole tenant against
// the batch's keys: each batch then cost more than the one before (a
// 588,335-debtor demo load was still running after 74 minutes; at 100,000
// debtors each lookup took 1.8 s). The refreshes' cost grows with the log
// of the batches. SQLite plans each statement afresh and
// keeps its own statistics (Open, Analyze).
func (db *DB) refreshImportStats(ctx context.Context) error {
	if !db.pg {
		return nil
	}
	if k := db.importBatches.Add(1); k&(k-1) != 0 {
		return nil
	}
	if _, err := db.sql.ExecContext(ctx, `ANALYZE debtors, contact_points, debts, installments`); err != nil {
		return fmt.Errorf("import: refresh planner statistics: %w", err)
	}
	return nil
}

// ApplyImport upserts one batch in one transaction; see store.ImportStore.
// It reads what exists first and writes only what is new or changed, so a
// re-import of an unchanged file is reads only.
func (db *DB) ApplyImport(ctx context.Context, tenant domain.TenantID, portfolioID int64, rows []store.ImportRow) (store.ImportCounts, error) {
	var counts store.ImportCounts
	if len(rows) == 0 {
		return counts, nil
	}
	if err := db.refreshImportStats(ctx); err != nil {
		return counts, err
	}
	at := now()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		counts = store.ImportCounts{}
		var ok int
		if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT 1 FROM portfolios WHERE tenant_id = ? AND id = ?`), tenant, portfolioID).Scan(&ok); err != nil {
			return notFound(err, fmt.Sprintf("portfolio %d", portfolioID))
		}
		var events []domain.Event
		changedRow := make([]bool, len(rows))

		// 1. Debtors, by external id; the last row of the batch wins.
		debtors := map[string]*domain.Debtor{}
		var debtorOrder []any
		for i := range rows {
			d := &rows[i].Debtor
			if d.ExtID == "" {
				return fmt.Errorf("line %d: debtor without external id", rows[i].Line)
			}
			if _, seen := debtors[d.ExtID]; !seen {
				debtorOrder = append(debtorOrder, d.ExtID)
			}
			debtors[d.ExtID] = d
		}
		existing := map[string]*domain.Debtor{}
		err := db.selectIn(ctx, tx, `SELECT id, ext_id, `+debtorCols+` FROM debtors WHERE tenant_id = ? AND ext_id IN (%s)`,
			[]any{tenant}, debtorOrder, func(r *sql.Rows) error {
				var d domain.Debtor
				if err := scanDebtorCols(r, &d, &d.ID, &d.ExtID); err != nil {
					return err
				}
				existing[d.ExtID] = &d
				return nil
			})
		if err != nil {
			return fmt.Errorf("read debtors: %w", err)
		}
		debtorID := map[string]int64{}
		changedDebtor := map[string]bool{}
		var newDebtors []*domain.Debtor
		for _, k := range debtorOrder {
			ext := k.(string)
			d := debtors[ext]
			if old, ok := existing[ext]; ok {
				debtorID[ext] = old.ID
				if ch := debtorChanges(old, d); len(ch) > 0 {
					changedDebtor[ext] = true
					if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE debtors SET kind=?, document=?, name=?, name_key=?, birth=?, locale=?, time_zone=?, zone_set=?, street=?, number=?, complement=?, district=?, city=?, municipality=?, uf=?, cep=?, country=?, bankrupt=?, deceased=?, represented=?, updated_at=? WHERE tenant_id=? AND id=?`),
						append(debtorArgs(d), at, tenant, old.ID)...); err != nil {
						return fmt.Errorf("update debtor %s: %w", ext, err)
					}
					events = append(events, changeEvent(tenant, old.ID, 0, at, "Cadastro do devedor alterado pela importação", ch))
				}
				continue
			}
			newDebtors = append(newDebtors, d)
		}
		err = db.insertMany(ctx, tx, "debtors", append([]string{"tenant_id", "ext_id", "created_at", "updated_at"}, splitCols(debtorCols)...), len(newDebtors),
			func(i int) []any {
				d := newDebtors[i]
				return append([]any{tenant, d.ExtID, at, at}, debtorArgs(d)...)
			}, "RETURNING id, ext_id", func(r *sql.Rows) error {
				var id int64
				var ext string
				if err := r.Scan(&id, &ext); err != nil {
					return err
				}
				debtorID[ext] = id
				return nil
			})
		if err != nil {
			return err
		}

		// 2. Contact points: new ones are added; existing ones keep their consent
		// unless the file says the debtor opted out.
		type cp struct {
			debtor int64
			c      domain.ContactPoint
		}
		var contacts []cp
		extOf := make(map[int64]string, len(debtorID))
		for ext, id := range debtorID {
			extOf[id] = ext
		}
		seenCP := map[string]bool{}
		for i := range rows {
			id := debtorID[rows[i].Debtor.ExtID]
			for _, c := range rows[i].Contacts {
				k := strconv.FormatInt(id, 10) + "|" + string(c.Kind) + "|" + c.Value
				if !seenCP[k] {
					seenCP[k] = true
					contacts = append(contacts, cp{id, c})
				}
			}
		}
		err = db.insertMany(ctx, tx, "contact_points", []string{"tenant_id", "debtor_id", "kind", "value", "consent", "consent_source", "consent_at", "preferred"}, len(contacts),
			func(i int) []any {
				c := contacts[i].c
				if c.Consent == "" {
					c.Consent = domain.ConsentUnknown
				}
				var cat any
				if c.Consent != domain.ConsentUnknown {
					cat = at
				}
				return []any{tenant, contacts[i].debtor, string(c.Kind), c.Value, string(c.Consent), c.ConsentSource, cat, c.Preferred}
			}, "ON CONFLICT (tenant_id, debtor_id, kind, value) DO NOTHING RETURNING debtor_id", func(r *sql.Rows) error {
				var id int64
				if err := r.Scan(&id); err != nil {
					return err
				}
				if ext, ok := extOf[id]; ok && existing[ext] != nil {
					changedDebtor[ext] = true
				}
				return nil
			})
		if err != nil {
			return err
		}
		for _, c := range contacts {
			if c.c.Consent != domain.ConsentOptOut {
				continue
			}
			res, err := tx.ExecContext(ctx, db.Rebind(`UPDATE contact_points SET consent = 'opted_out', consent_source = ?, consent_at = ? WHERE tenant_id = ? AND debtor_id = ? AND kind = ? AND value = ? AND consent <> 'opted_out'`),
				c.c.ConsentSource, at, tenant, c.debtor, string(c.c.Kind), c.c.Value)
			if err != nil {
				return fmt.Errorf("opt-out contact: %w", err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				events = append(events, domain.Event{TenantID: tenant, DebtorID: c.debtor, Kind: domain.EventConsent, At: at, Actor: "import",
					Summary: fmt.Sprintf("Opt-out em %s (%s) registrado pela importação", c.c.Kind, c.c.Value)})
			}
		}

		// 3. Debts, by contract number within the portfolio.
		debts := map[string]*domain.Debt{}
		var debtOrder []any
		for i := range rows {
			d := &rows[i].Debt
			d.DebtorID = debtorID[rows[i].Debtor.ExtID]
			if _, seen := debts[d.ContractNumber]; !seen {
				debtOrder = append(debtOrder, d.ContractNumber)
			}
			debts[d.ContractNumber] = d
		}
		oldDebts := map[string]*domain.Debt{}
		err = db.selectIn(ctx, tx, `SELECT id, contract_number, debtor_id, product, origin_date, original_principal, delay_reason FROM debts WHERE tenant_id = ? AND portfolio_id = ? AND contract_number IN (%s)`,
			[]any{tenant, portfolioID}, debtOrder, func(r *sql.Rows) error {
				var d domain.Debt
				var reason string
				if err := r.Scan(&d.ID, &d.ContractNumber, &d.DebtorID, &d.Product, &d.OriginDate, &d.OriginalPrincipal, &reason); err != nil {
					return err
				}
				d.DelayReason = domain.DelayReason(reason)
				oldDebts[d.ContractNumber] = &d
				return nil
			})
		if err != nil {
			return fmt.Errorf("read debts: %w", err)
		}
		debtID := map[string]int64{}
		changedDebt := map[string]bool{}
		var newDebts []*domain.Debt
		var oldDebtIDs []any
		for _, k := range debtOrder {
			cn := k.(string)
			d := debts[cn]
			if old, ok := oldDebts[cn]; ok {
				debtID[cn] = old.ID
				oldDebtIDs = append(oldDebtIDs, old.ID)
				if ch := debtChanges(old, d); len(ch) > 0 {
					changedDebt[cn] = true
					reason := d.DelayReason
					if reason == "" {
						reason = old.DelayReason
					}
					if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE debts SET debtor_id=?, product=?, origin_date=?, original_principal=?, delay_reason=?, updated_at=? WHERE tenant_id=? AND id=?`),
						d.DebtorID, d.Product, d.OriginDate, d.OriginalPrincipal, string(reason), at, tenant, old.ID); err != nil {
						return fmt.Errorf("update debt %s: %w", cn, err)
					}
					events = append(events, changeEvent(tenant, d.DebtorID, old.ID, at, "Contrato "+cn+" alterado pela importação", ch))
				}
				continue
			}
			newDebts = append(newDebts, d)
		}
		err = db.insertMany(ctx, tx, "debts", []string{"tenant_id", "portfolio_id", "debtor_id", "contract_number", "product", "origin_date", "original_principal", "status", "delay_reason", "created_at", "updated_at"}, len(newDebts),
			func(i int) []any {
				d := newDebts[i]
				st := d.Status
				if st == "" {
					st = domain.DebtOpen
				}
				return []any{tenant, portfolioID, d.DebtorID, d.ContractNumber, d.Product, d.OriginDate, d.OriginalPrincipal, string(st), string(d.DelayReason), at, at}
			}, "RETURNING id, contract_number", func(r *sql.Rows) error {
				var id int64
				var cn string
				if err := r.Scan(&id, &cn); err != nil {
					return err
				}
				debtID[cn] = id
				return nil
			})
		if err != nil {
			return err
		}
		for _, d := range newDebts {
			events = append(events, domain.Event{TenantID: tenant, DebtorID: d.DebtorID, DebtID: debtID[d.ContractNumber], Kind: domain.EventImported, At: at, Actor: "import",
				Summary: fmt.Sprintf("Contrato %s importado (%s, valor original %s)", d.ContractNumber, d.Product, d.OriginalPrincipal.Format("pt-BR"))})
		}

		// 4. Installments, by (debt, number). Only debts that existed can have them already.
		oldInst := map[instKey]domain.Installment{}
		err = db.selectIn(ctx, tx, `SELECT id, debt_id, number, due_date, amount, paid, status FROM installments WHERE tenant_id = ? AND debt_id IN (%s)`,
			[]any{tenant}, oldDebtIDs, func(r *sql.Rows) error {
				var in domain.Installment
				var st string
				if err := r.Scan(&in.ID, &in.DebtID, &in.Number, &in.DueDate, &in.Amount, &in.Paid, &st); err != nil {
					return err
				}
				in.Status = domain.InstallmentStatus(st)
				oldInst[instKey{in.DebtID, in.Number}] = in
				return nil
			})
		if err != nil {
			return fmt.Errorf("read installments: %w", err)
		}
		var newInst []*domain.Installment
		seenInst := map[instKey]int{}
		for i := range rows {
			r := &rows[i]
			in := &r.Installment
			in.DebtID = debtID[r.Debt.ContractNumber]
			k := instKey{in.DebtID, in.Number}
			if j, dup := seenInst[k]; dup {
				// The same installment twice in one batch: the later line wins,
				// the earlier counts as unchanged.
				*newInstOrSelf(newInst, j, in) = *in
				continue
			}
			st := domain.StatusFor(in.Amount, in.Paid)
			if in.Status == domain.InstallmentCancelled {
				st = in.Status
			}
			in.Status = st
			if old, ok := oldInst[k]; ok {
				in.ID = old.ID
				if ch := installmentChanges(&old, in); len(ch) > 0 {
					changedRow[i] = true
					if _, err := tx.ExecContext(ctx, db.Rebind(`UPDATE installments SET due_date=?, amount=?, paid=?, status=? WHERE tenant_id=? AND id=?`),
						in.DueDate, in.Amount, in.Paid, string(in.Status), tenant, old.ID); err != nil {
						return fmt.Errorf("line %d: update installment: %w", r.Line, err)
					}
					events = append(events, changeEvent(tenant, r.Debt.DebtorID, in.DebtID, at, fmt.Sprintf("Parcela %d do contrato %s alterada pela importação", in.Number, r.Debt.ContractNumber), ch))
				}
				seenInst[k] = -1
				if changedDebtor[r.Debtor.ExtID] || changedDebt[r.Debt.ContractNumber] {
					changedRow[i] = true
				}
				if changedRow[i] {
					counts.Updated++
				} else {
					counts.Unchanged++
				}
				continue
			}
			seenInst[k] = len(newInst)
			newInst = append(newInst, in)
			counts.Inserted++
		}
		err = db.insertMany(ctx, tx, "installments", []string{"tenant_id", "debt_id", "number", "due_date", "amount", "paid", "status"}, len(newInst),
			func(i int) []any {
				in := newInst[i]
				return []any{tenant, in.DebtID, in.Number, in.DueDate, in.Amount, in.Paid, string(in.Status)}
			}, "RETURNING id, debt_id, number", func(r *sql.Rows) error {
				var id, debt int64
				var n int
				if err := r.Scan(&id, &debt, &n); err != nil {
					return err
				}
				if j, ok := seenInst[instKey{debt, n}]; ok && j >= 0 {
					newInst[j].ID = id
				}
				return nil
			})
		if err != nil {
			return err
		}
		counts.Unchanged += len(rows) - counts.Inserted - counts.Updated - counts.Unchanged
		for i := range rows {
			rows[i].Debtor.ID = debtorID[rows[i].Debtor.ExtID]
			rows[i].Debt.ID = debtID[rows[i].Debt.ContractNumber]
		}

		return db.insertEvents(ctx, tx, events)
	})
	return counts, err
}

// newInstOrSelf returns where the earlier copy of a repeated installment
// lives: in newInst when it was new, else the current one (already applied).
func newInstOrSelf(newInst []*domain.Installment, j int, cur *domain.Installment) *domain.Installment {
	if j >= 0 && j < len(newInst) {
		return newInst[j]
	}
	return cur
}

func changeEvent(tenant domain.TenantID, debtor, debt int64, at time.Time, summary string, ch []domain.Change) domain.Event {
	data, _ := json.Marshal(map[string]any{"changes": ch})
	return domain.Event{TenantID: tenant, DebtorID: debtor, DebtID: debt, Kind: domain.EventChanged, At: at, Actor: "import", Summary: summary, Data: data}
}

func (db *DB) insertEvents(ctx context.Context, tx *sql.Tx, events []domain.Event) error {
	return db.insertMany(ctx, tx, "events", []string{"tenant_id", "debtor_id", "debt_id", "kind", "at", "actor", "summary", "data"}, len(events),
		func(i int) []any {
			e := events[i]
			var data any
			if len(e.Data) > 0 {
				data = string(e.Data)
			}
			return []any{e.TenantID, e.DebtorID, e.DebtID, string(e.Kind), e.At.UTC(), e.Actor, e.Summary, data}
		}, "", nil)
}

func splitCols(s string) []string {
	out := strings.Split(s, ",")
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}
