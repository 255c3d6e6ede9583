// Package agencyexport hands debts over to outside collection agencies
// (assessorias de cobrança): the consumer of "export" attempts (a
// journey's "export" action, typically at D+90). Dispatch claims a due
// export attempt and "sends" it through Exports.Channel, which adds the
// debt to the agency's open batch. Close ends the batch: debts still open
// are placed with the agency (status placed, journeys stopped, pending
// contacts cancelled, a timeline event each) and written as a CSV file for
// the agency; debts paid, settled, in an agreement or disputed meanwhile
// are dropped with the reason.
package agencyexport

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/taxid"
)

// Store is what exports need of the store.
type Store interface {
	store.ExportStore
	Attempt(ctx context.Context, tenant domain.TenantID, id int64) (store.Attempt, error)
}

// Exports runs agency exports over a store.
type Exports struct {
	S   Store
	Now func() time.Time // [time.Now]
}

func (e *Exports) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

// Channel is the "export" channel for dispatch.
func (e *Exports) Channel() channel.Channel { return exportChannel{e} }

type exportChannel struct{ e *Exports }

func (exportChannel) Name() string { return "agency-exports" }

// Send adds the attempt's debt to its agency's open batch, once.
func (c exportChannel) Send(ctx context.Context, m channel.Message) (string, error) {
	tenant, id, err := store.ParseAttemptRef(m.Reference)
	if err != nil {
		return "", channel.Permanent("reference", err)
	}
	a, err := c.e.S.Attempt(ctx, tenant, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", channel.Permanent("attempt", err)
	}
	if err != nil {
		return "", channel.Temporary("store", err)
	}
	var p journey.Payload
	if len(a.Payload) > 0 {
		if err := json.Unmarshal(a.Payload, &p); err != nil {
			return "", channel.Permanent("payload", err)
		}
	}
	if p.Export == nil || strings.TrimSpace(p.Export.Target) == "" {
		return "", channel.Permanent("payload", errors.New("export without a target agency"))
	}
	if a.DebtID == 0 {
		return "", channel.Permanent("payload", errors.New("export without a debt"))
	}
	it, _, err := c.e.S.AddToExport(ctx, tenant, store.ExportItem{AttemptID: a.ID, DebtID: a.DebtID, Target: strings.TrimSpace(p.Export.Target)})
	if errors.Is(err, store.ErrNotFound) {
		return "", channel.Permanent("debt", err)
	}
	if err != nil {
		return "", channel.Temporary("store", err)
	}
	return "export-" + strconv.FormatInt(it.ID, 10), nil
}

// Options shape the agency file.
type Options struct {
	// FullDocument writes CPF/CNPJ in full; by default they are masked
	// (taxid.ID.Mask) and the agency matches on name and contract.
	FullDocument bool
	// Comma is the field delimiter [';', as Brazilian spreadsheets expect
	// next to decimal commas].
	Comma rune
}

// Columns are the agency file's columns, in order (docs/tasks.md).
var Columns = []string{"batch", "debtor_name", "debtor_kind", "document", "address", "phones", "emails",
	"creditor", "portfolio", "contract", "product", "installments_open", "installments_overdue",
	"open_cents", "open", "overdue_cents", "overdue", "oldest_due", "dpd"}

// Close closes the target's open batch as of asOf (DPD and overdue
// amounts are counted on that day) and writes its CSV to w. An empty batch
// writes the header only and returns a batch with ID 0.
func (e *Exports) Close(ctx context.Context, tenant domain.TenantID, target, actor string, asOf date.Date, w io.Writer, o Options) (store.ExportBatch, error) {
	target = strings.TrimSpace(target)
	if target == "" {
		return store.ExportBatch{}, errors.New("export: no target agency")
	}
	b, rows, err := e.S.CloseExportBatch(ctx, tenant, target, actor, asOf, e.now())
	if err != nil {
		return b, err
	}
	return b, WriteCSV(w, b.ID, rows, o)
}

// WriteCSV writes an agency file.
func WriteCSV(w io.Writer, batch int64, rows []store.ExportRow, o Options) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if o.Comma != 0 {
		cw.Comma = o.Comma
	}
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for i := range rows {
		r := &rows[i]
		doc := r.Document
		if !o.FullDocument {
			doc = Mask(r.DebtorKind, r.Document)
		}
		rec := []string{strconv.FormatInt(batch, 10), r.Name, string(r.DebtorKind), doc, strings.Join(addressLine(r.Address), ", "),
			strings.Join(r.Phones, " "), strings.Join(r.Emails, " "), r.Creditor, r.Portfolio, r.Contract, r.Product,
			strconv.Itoa(r.Installments), strconv.Itoa(r.Overdue),
			strconv.FormatInt(int64(r.Open), 10), r.Open.Format("pt-BR"), strconv.FormatInt(int64(r.OverdueAmount), 10), r.OverdueAmount.Format("pt-BR"),
			r.OldestDue.String(), strconv.Itoa(r.DPD)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return nil
}

// Mask hides the identifying part of a CPF or CNPJ (taxid.ID.Mask); an
// unparseable document is hidden whole.
func Mask(kind domain.DebtorKind, doc string) string {
	k := taxid.CPF
	if kind == domain.Company {
		k = taxid.CNPJ
	}
	if m := (taxid.ID{Kind: k, Number: doc}).Mask(); m != "" {
		return m
	}
	return strings.Repeat("*", len(doc))
}

func addressLine(a domain.Address) []string {
	var out []string
	for _, s := range []string{strings.TrimSpace(a.Street + " " + a.Number), a.Complement, a.District, a.City, a.UF, a.CEP} {
		if strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}
