package offer

import (
	"fmt"
	"strings"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/money"
)

var partWords = map[string][]string{
	"pt-BR": {"principal", "correção", "multa", "juros", "tarifas"},
	"es":    {"capital", "corrección", "multa", "intereses", "cargos"},
	"en":    {"principal", "correction", "fine", "interest", "fees"},
}

// Title names the offer in a few words.
func (o *Offer) Title(locale string) string {
	loc := charge.Locale(locale)
	switch o.Kind {
	case KindFull:
		return map[string]string{"pt-BR": "Pagamento à vista", "es": "Pago al contado", "en": "Pay in full"}[loc]
	case KindDueDateChange:
		return map[string]string{"pt-BR": "Nova data de vencimento", "es": "Nueva fecha de vencimiento", "en": "New due date"}[loc]
	case KindPayWhatYouCan:
		return fmt.Sprintf(map[string]string{"pt-BR": "Pague quanto puder: %d parcelas", "es": "Pague lo que pueda: %d cuotas", "en": "Pay what you can: %d installments"}[loc], o.Plan.N)
	}
	if o.DownPayment > 0 {
		return fmt.Sprintf(map[string]string{"pt-BR": "Entrada + %d parcelas", "es": "Pie + %d cuotas", "en": "Down payment + %d installments"}[loc], o.Plan.N)
	}
	return fmt.Sprintf(map[string]string{"pt-BR": "Parcelamento em %d vezes", "es": "Pago en %d cuotas", "en": "%d installments"}[loc], o.Plan.N)
}

// Text is the full statement of the offer that the debtor sees and that an
// acceptance stores: amount owed, discounts, what to pay and when, the
// plan's rate and total cost, the saving, the validity and the consequence
// of not paying (CDC art. 52 asks for the price, the interest, the number
// and dates of installments and the total to pay).
func (o *Offer) Text(locale string, breach BreachRule) string {
	loc := charge.Locale(locale)
	f := func(m money.Money) string { return m.Format(loc) }
	var b strings.Builder
	owed, _ := o.Gross.Sum()
	fmt.Fprintf(&b, "%s. ", o.Title(loc))
	fmt.Fprintf(&b, map[string]string{"pt-BR": "Valor devido: %s", "es": "Monto adeudado: %s", "en": "Amount owed: %s"}[loc], f(owed))
	var offs []string
	for i, d := range o.Discount {
		if d > 0 {
			offs = append(offs, fmt.Sprintf("%s %s", partWords[loc][i], f(d)))
		}
	}
	if len(offs) > 0 {
		var total money.Money
		for _, d := range o.Discount {
			total += d
		}
		fmt.Fprintf(&b, map[string]string{"pt-BR": "; desconto de %s (%s)", "es": "; descuento de %s (%s)", "en": "; discount of %s (%s)"}[loc], f(total), strings.Join(offs, ", "))
	}
	fmt.Fprintf(&b, map[string]string{"pt-BR": "; valor negociado: %s. ", "es": "; monto negociado: %s. ", "en": "; negotiated amount: %s. "}[loc], f(o.Negotiated))
	if o.Plan == nil {
		fmt.Fprintf(&b, map[string]string{"pt-BR": "Pague %s até %s.", "es": "Pague %s hasta el %s.", "en": "Pay %s by %s."}[loc], f(o.Total), o.Due.Format(loc))
	} else {
		if o.DownPayment > 0 {
			fmt.Fprintf(&b, map[string]string{"pt-BR": "Entrada de %s em %s e ", "es": "Pie de %s el %s y ", "en": "Down payment of %s on %s and "}[loc], f(o.DownPayment), o.Due.Format(loc))
		}
		rows := o.Plan.Rows
		last := rows[len(rows)-1]
		if last.Installment == o.Plan.Installment || len(rows) == 1 {
			fmt.Fprintf(&b, map[string]string{"pt-BR": "%d parcelas mensais de %s", "es": "%d cuotas mensuales de %s", "en": "%d monthly installments of %s"}[loc], len(rows), f(o.Plan.Installment))
		} else {
			fmt.Fprintf(&b, map[string]string{"pt-BR": "%d parcelas mensais (%d de %s e a última de %s)", "es": "%d cuotas mensuales (%d de %s y la última de %s)", "en": "%d monthly installments (%d of %s and a last one of %s)"}[loc],
				len(rows), len(rows)-1, f(o.Plan.Installment), f(last.Installment))
		}
		fmt.Fprintf(&b, map[string]string{"pt-BR": ", de %s a %s", "es": ", del %s al %s", "en": ", from %s to %s"}[loc], rows[0].Due.Format(loc), last.Due.Format(loc))
		fmt.Fprintf(&b, map[string]string{"pt-BR": "; juros de %s; custo efetivo total (CET) de %s. ", "es": "; interés de %s; costo efectivo total de %s. ", "en": "; interest %s; total effective cost %s. "}[loc],
			o.Plan.MonthlyRate.RoundPercent(4).Format(loc), strings.TrimSuffix(o.Cost.CETYearly.RoundPercent(2).Format(loc), "."))
		if rows[0].OnTime < rows[0].Installment {
			fmt.Fprintf(&b, map[string]string{"pt-BR": "Pagando cada parcela até o vencimento, paga %s na primeira. ", "es": "Pagando cada cuota a tiempo, paga %s en la primera. ", "en": "Paying each installment on time, the first is %s. "}[loc], f(rows[0].OnTime))
		}
		fmt.Fprintf(&b, map[string]string{"pt-BR": "Total a pagar: %s.", "es": "Total a pagar: %s.", "en": "Total to pay: %s."}[loc], f(o.Total))
	}
	if o.Saving > 0 {
		fmt.Fprintf(&b, map[string]string{"pt-BR": " Economia de %s.", "es": " Ahorro de %s.", "en": " You save %s."}[loc], f(o.Saving))
	}
	fmt.Fprintf(&b, map[string]string{"pt-BR": " Proposta válida até %s.", "es": " Oferta válida hasta el %s.", "en": " Offer valid until %s."}[loc], o.ValidUntil.Format(loc))
	if o.Plan != nil || o.Kind == KindDueDateChange {
		lost := map[bool]map[string]string{
			false: {"pt-BR": "a dívida volta ao valor original, descontados os pagamentos feitos", "es": "la deuda vuelve al monto original, descontados los pagos hechos", "en": "the debt returns to its original amount less the payments made"},
			true:  {"pt-BR": "a dívida volta ao valor original, descontados os pagamentos e o desconto proporcional ao que foi pago", "es": "la deuda vuelve al monto original, descontados los pagos y el descuento proporcional a lo pagado", "en": "the debt returns to its original amount less the payments and the discount in proportion to what was paid"},
		}[breach.KeepDiscount][loc]
		fmt.Fprintf(&b, map[string]string{
			"pt-BR": " Se um pagamento atrasar mais de %d dias (%d na primeira parcela), o acordo é desfeito e %s.",
			"es":    " Si un pago se atrasa más de %d días (%d en la primera cuota), el acuerdo se anula y %s.",
			"en":    " If a payment is more than %d days late (%d for the first), the agreement is cancelled and %s.",
		}[loc], breach.LaterToleranceDays, breach.FirstToleranceDays, lost)
	}
	return b.String()
}

// Text is the offer's statement under the menu's policy.
func (m *Menu) Text(o *Offer, locale string) string {
	var br BreachRule
	if m.policy != nil {
		br = m.policy.Breach
	}
	return o.Text(locale, br)
}
