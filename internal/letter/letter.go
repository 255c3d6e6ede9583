// Package letter is the consumer of "letter" attempts: printed collection
// letters (cartas de cobrança, such as the notice before a negative credit
// listing). Dispatch claims a due letter attempt, checks the contact policy
// again and "sends" it through Letters.Channel, which renders the letter —
// the journey template's text, the debtor's postal address, the creditor —
// as a PDF and stores it, once per attempt, in the day's print batch.
// Batch writes a day's letters as one printable PDF for the print shop.
package letter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
)

// Store is what letters need of the store.
type Store interface {
	store.LetterStore
	Attempt(ctx context.Context, tenant domain.TenantID, id int64) (store.Attempt, error)
	Debtor360(ctx context.Context, tenant domain.TenantID, id int64, eventLimit int) (store.Debtor360, error)
}

// Letters renders and keeps letters.
type Letters struct {
	S Store
	// Zone is where a letter's print day is counted [America/Sao_Paulo].
	Zone *time.Location
	Now  func() time.Time // [time.Now]
}

func (l *Letters) now() time.Time {
	if l.Now != nil {
		return l.Now().UTC()
	}
	return time.Now().UTC()
}

// Day is the print batch of an instant.
func (l *Letters) Day(t time.Time) date.Date {
	z := l.Zone
	if z == nil {
		z = saoPaulo
	}
	return date.Of(t.In(z))
}

var saoPaulo = domain.Zone(domain.HomeZone)

// Channel is the "letter" channel for dispatch.
func (l *Letters) Channel() channel.Channel { return letterChannel{l} }

type letterChannel struct{ l *Letters }

func (letterChannel) Name() string { return "letters" }

// Send renders and stores the attempt's letter; a repeated send finds the
// stored one and answers its reference again.
func (c letterChannel) Send(ctx context.Context, m channel.Message) (string, error) {
	tenant, id, err := store.ParseAttemptRef(m.Reference)
	if err != nil {
		return "", channel.Permanent("reference", err)
	}
	a, err := c.l.S.Attempt(ctx, tenant, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", channel.Permanent("attempt", err)
	}
	if err != nil {
		return "", channel.Temporary("store", err)
	}
	lt, err := c.l.FromAttempt(ctx, tenant, a, m.Reference)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := Render(&buf, []store.Letter{lt}); err != nil {
		return "", channel.Permanent("render", err)
	}
	lt.PDF = buf.Bytes()
	saved, _, err := c.l.S.SaveLetter(ctx, tenant, lt)
	if errors.Is(err, store.ErrNotFound) {
		return "", channel.Permanent("debtor", err)
	}
	if err != nil {
		return "", channel.Temporary("store", err)
	}
	return "letter-" + strconv.FormatInt(saved.ID, 10), nil
}

// FromAttempt builds the letter of an attempt (not rendered, not stored).
func (l *Letters) FromAttempt(ctx context.Context, tenant domain.TenantID, a store.Attempt, ref string) (store.Letter, error) {
	var p journey.Payload
	if len(a.Payload) > 0 {
		if err := json.Unmarshal(a.Payload, &p); err != nil {
			return store.Letter{}, channel.Permanent("payload", err)
		}
	}
	if p.Message == nil || strings.TrimSpace(p.Message.Body) == "" {
		return store.Letter{}, channel.Permanent("payload", errors.New("letter without text (the step needs a template)"))
	}
	d, err := l.S.Debtor360(ctx, tenant, a.DebtorID, 0)
	if errors.Is(err, store.ErrNotFound) {
		return store.Letter{}, channel.Permanent("debtor", err)
	}
	if err != nil {
		return store.Letter{}, channel.Temporary("store", err)
	}
	lt := store.Letter{AttemptID: a.ID, DebtorID: a.DebtorID, DebtID: a.DebtID, BatchDate: l.Day(l.now()), Recipient: d.Debtor.Name,
		Address: AddressLines(d.Debtor.Address), Locale: p.Locale, Subject: p.Message.Subject, Body: p.Message.Body, Reference: ref,
		Contract: p.Debt.Contract, CreatedAt: l.now()}
	if len(lt.Address) == 0 && p.To != "" {
		// The planner's one-line address, when the record has none now.
		lt.Address = []string{p.To}
	}
	if len(lt.Address) == 0 {
		return store.Letter{}, channel.Permanent("address", errors.New("debtor has no postal address"))
	}
	for _, debt := range d.Debts {
		if debt.ID == a.DebtID {
			lt.Creditor = debt.CreditorName
			if lt.Contract == "" {
				lt.Contract = debt.ContractNumber
			}
		}
	}
	return lt, nil
}

// AddressLines lays a postal address out as Correios expects: street and
// number, district, then CEP, city and UF.
func AddressLines(a domain.Address) []string {
	var out []string
	street := a.Street
	if a.Number != "" {
		street = strings.TrimSpace(street + ", " + a.Number)
	}
	if a.Complement != "" {
		street = strings.TrimSpace(street + " - " + a.Complement)
	}
	if street != "" {
		out = append(out, street)
	}
	if a.District != "" {
		out = append(out, a.District)
	}
	last := a.City
	if a.UF != "" {
		last = strings.TrimSpace(last + " - " + a.UF)
	}
	if cep := a.CEP; len(cep) == 8 {
		last = cep[:5] + "-" + cep[5:] + "  " + last
	} else if cep != "" {
		last = cep + "  " + last
	}
	if strings.TrimSpace(last) != "" {
		out = append(out, last)
	}
	if a.Country != "" && a.Country != "BR" {
		out = append(out, a.Country)
	}
	return out
}

// Render writes letters as one PDF, each starting on a new page (A4, a
// window-envelope address block).
func Render(w io.Writer, ls []store.Letter) error {
	if len(ls) == 0 {
		return errors.New("letter: nothing to render")
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 25)
	pdf.SetTitle("Cartas de cobrança", true)
	pdf.SetCreationDate(ls[0].CreatedAt)
	pdf.SetModificationDate(ls[0].CreatedAt)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 → cp1252 for the core fonts
	var cur *store.Letter
	pdf.SetFooterFunc(func() {
		if cur == nil {
			return
		}
		pdf.SetY(-18)
		pdf.SetFont("Helvetica", "", 7.5)
		foot := "Ref. " + cur.Reference
		if cur.Contract != "" {
			foot += " · Contrato " + cur.Contract
		}
		if cur.Creditor != "" {
			foot += " · Credor: " + cur.Creditor
		}
		pdf.CellFormat(170, 4, tr(foot), "T", 0, "L", false, 0, "")
	})
	for i := range ls {
		l := &ls[i]
		pdf.AddPage() // draws the previous letter's last footer
		cur = l
		pdf.SetFont("Helvetica", "B", 13)
		pdf.CellFormat(120, 7, tr(l.Creditor), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.CellFormat(50, 7, tr(l.BatchDate.Format(l.Locale)), "", 1, "R", false, 0, "")
		// Recipient in the window of a DL envelope (about 20 mm from the
		// left, 45 mm from the top).
		pdf.SetXY(20, 45)
		pdf.SetFont("Helvetica", "B", 11)
		pdf.CellFormat(100, 5.5, tr(l.Recipient), "", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10.5)
		for _, line := range l.Address {
			pdf.SetX(20)
			pdf.CellFormat(100, 5, tr(line), "", 1, "L", false, 0, "")
		}
		y := max(pdf.GetY()+12, 90)
		pdf.SetXY(20, y)
		if l.Subject != "" {
			pdf.SetFont("Helvetica", "B", 11.5)
			pdf.MultiCell(170, 6, tr(l.Subject), "", "L", false)
			pdf.Ln(4)
		}
		pdf.SetFont("Helvetica", "", 11)
		for _, para := range strings.Split(strings.ReplaceAll(l.Body, "\r\n", "\n"), "\n") {
			if strings.TrimSpace(para) == "" {
				pdf.Ln(3)
				continue
			}
			pdf.MultiCell(170, 5.5, tr(para), "", "L", false)
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("letter: %w", err)
	}
	return pdf.Output(w)
}

// Batch writes the day's letters as one printable PDF and, when mark is
// set, stamps them printed. It returns how many letters it wrote (0, with
// nothing written, when the day has none).
func (l *Letters) Batch(ctx context.Context, tenant domain.TenantID, day date.Date, w io.Writer, mark bool) (int, error) {
	ls, err := l.S.Letters(ctx, tenant, day, false)
	if err != nil {
		return 0, err
	}
	if len(ls) == 0 {
		return 0, nil
	}
	if err := Render(w, ls); err != nil {
		return 0, err
	}
	if mark {
		if _, err := l.S.MarkLettersPrinted(ctx, tenant, day, l.now()); err != nil {
			return len(ls), err
		}
	}
	return len(ls), nil
}
