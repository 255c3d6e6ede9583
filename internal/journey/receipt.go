package journey

import (
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
)

// ReceiptTemplate is the template name of payment receipts (comprovantes):
// attempts planned when payments are booked, outside any journey.
const ReceiptTemplate = "payment_receipt"

// ReceiptPayload is what a receipt attempt carries: the payments it
// acknowledges (those of one debtor booked together: one message for the
// two boletos a debtor paid on the same day), by id. The lines, the
// address and the text are settled when it is sent, from the payments, the
// debtor's contact points and language then, so that an opt-out or a new
// address between booking and sending counts. Receipts planned before
// PaymentIDs existed carry their Payments instead.
type ReceiptPayload struct {
	PaymentIDs []int64       `json:"payment_ids,omitempty"`
	Payments   []ReceiptLine `json:"payments,omitempty"`
}

// Resolve fills Payments from lines (by payment id) for a receipt that
// names its payments by id, and reports the first id lines lack.
func (r *ReceiptPayload) Resolve(lines map[int64]ReceiptLine) (missing int64, ok bool) {
	if len(r.Payments) > 0 || len(r.PaymentIDs) == 0 {
		return 0, len(r.Payments) > 0
	}
	out := make([]ReceiptLine, 0, len(r.PaymentIDs))
	for _, id := range r.PaymentIDs {
		l, found := lines[id]
		if !found {
			return id, false
		}
		out = append(out, l)
	}
	r.Payments = out
	return 0, true
}

// ReceiptLine is one payment acknowledged.
type ReceiptLine struct {
	PaymentID int64       `json:"payment_id"`
	Amount    money.Money `json:"amount"`
	PaidAt    time.Time   `json:"paid_at"`
	Source    string      `json:"source"`
	// Contract and Number name the installment paid; AgreementID is set
	// (and Number is the agreement's installment, 0 its down payment) for
	// agreement payments.
	Contract    string `json:"contract,omitempty"`
	Number      int    `json:"number"`
	AgreementID int64  `json:"agreement_id,omitempty"`
}

// Total is what the receipt acknowledges in all.
func (r ReceiptPayload) Total() money.Money {
	var t money.Money
	for _, p := range r.Payments {
		t += p.Amount
	}
	return t
}

// RenderReceipt writes the receipt in the debtor's language (pt-BR, es or
// en) for channel: a subject for e-mail, the template name and parameters
// for WhatsApp (a business-initiated message must use an approved
// template), and one short text for SMS. Dates are the payment days in
// zone (the debtor's, or São Paulo's when nil).
func RenderReceipt(locale, channel string, r ReceiptPayload, zone *time.Location) Rendered {
	if zone == nil {
		zone = domain.Zone(domain.HomeZone)
	}
	lang := receiptLang(locale)
	w := receiptWords[lang]
	total := r.Total().Format(w.locale)
	var b strings.Builder
	if len(r.Payments) == 1 {
		p := r.Payments[0]
		b.WriteString(w.one)
		b.WriteString(" ")
		b.WriteString(total)
		b.WriteString(" ")
		b.WriteString(w.on)
		b.WriteString(" ")
		b.WriteString(day(p.PaidAt.In(zone), lang))
		if ref := w.ref(p); ref != "" {
			b.WriteString(" (" + ref + ")")
		}
		b.WriteString(". ")
	} else {
		b.WriteString(w.many)
		b.WriteString(" ")
		b.WriteString(total)
		b.WriteString(": ")
		for i, p := range r.Payments {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(p.Amount.Format(w.locale))
			b.WriteString(" " + w.on + " ")
			b.WriteString(day(p.PaidAt.In(zone), lang))
			if ref := w.ref(p); ref != "" {
				b.WriteString(" (" + ref + ")")
			}
		}
		b.WriteString(". ")
	}
	b.WriteString(w.thanks)
	out := Rendered{Locale: w.locale, Body: b.String()}
	switch channel {
	case "email":
		out.Subject = w.subject
	case "whatsapp":
		out.WhatsApp = ReceiptTemplate
		out.Params = []string{total, day(r.Payments[0].PaidAt.In(zone), lang)}
	}
	return out
}

type receiptText struct {
	locale, subject, one, many, on, thanks string
	contract, agreement, installment, down string
}

func (w receiptText) ref(p ReceiptLine) string {
	switch {
	case p.AgreementID != 0 && p.Number == 0:
		return w.agreement + " " + strconv.FormatInt(p.AgreementID, 10) + ", " + w.down
	case p.AgreementID != 0:
		return w.agreement + " " + strconv.FormatInt(p.AgreementID, 10) + ", " + w.installment + " " + strconv.Itoa(p.Number)
	case p.Contract != "":
		return w.contract + " " + p.Contract + ", " + w.installment + " " + strconv.Itoa(p.Number)
	}
	return ""
}

var receiptWords = map[string]receiptText{
	"pt": {locale: "pt-BR", subject: "Pagamento recebido", one: "Recebemos o seu pagamento de", many: "Recebemos os seus pagamentos, no total de",
		on: "em", thanks: "Obrigado!", contract: "contrato", agreement: "acordo", installment: "parcela", down: "entrada"},
	"es": {locale: "es", subject: "Pago recibido", one: "Recibimos su pago de", many: "Recibimos sus pagos, por un total de",
		on: "el", thanks: "¡Gracias!", contract: "contrato", agreement: "acuerdo", installment: "cuota", down: "pie"},
	"en": {locale: "en", subject: "Payment received", one: "We received your payment of", many: "We received your payments, in all",
		on: "on", thanks: "Thank you!", contract: "contract", agreement: "agreement", installment: "installment", down: "down payment"},
}

func receiptLang(locale string) string {
	l := strings.ToLower(locale)
	switch {
	case strings.HasPrefix(l, "es"):
		return "es"
	case strings.HasPrefix(l, "en"):
		return "en"
	}
	return "pt"
}

func day(t time.Time, lang string) string {
	if lang == "en" {
		return t.Format("2006-01-02")
	}
	return t.Format("02/01/2006")
}
