package offer

import (
	"fmt"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/money"
)

// Exclusion codes: why an option is not in the menu.
const (
	ExTooSmall       = "too_small"             // Amounts: financed, minimum installment
	ExBelowMinimum   = "below_minimum"         // Amounts: minimum installment
	ExUnaffordable   = "unaffordable"          // Amounts: largest payment, capacity
	ExNotFirstDelay  = "not_first_short_delay" // Numbers: days late, max, times late, max
	ExCapacityShort  = "capacity_short"        // Amounts: capacity, needed a month; Numbers: max installments
	ExPaysAtOnce     = "pays_at_once"          // Amounts: the amount a month
	ExOther          = "other"                 // Reason only
	exclusionDefault = "pt-BR"
)

// Exclusion says why an option is missing from the menu; Text writes it in
// a locale for the agent.
type Exclusion struct {
	Kind    Kind          `json:"kind"`
	N       int           `json:"n,omitempty"`
	Code    string        `json:"code"`
	Amounts []money.Money `json:"amounts,omitempty"`
	Numbers []int         `json:"numbers,omitempty"`
	Reason  string        `json:"reason"` // in English, for logs
}

func exclude(kind Kind, n int, code string, amounts []money.Money, numbers []int) Exclusion {
	e := Exclusion{Kind: kind, N: n, Code: code, Amounts: amounts, Numbers: numbers}
	e.Reason = e.Text("en")
	return e
}

// Text explains the exclusion in pt-BR, es or en.
func (e Exclusion) Text(locale string) string {
	loc := charge.Locale(locale)
	a := func(i int) string {
		if i < len(e.Amounts) {
			return e.Amounts[i].Format(loc)
		}
		return "?"
	}
	n := func(i int) int {
		if i < len(e.Numbers) {
			return e.Numbers[i]
		}
		return 0
	}
	switch e.Code {
	case ExTooSmall:
		return fmt.Sprintf(map[string]string{
			"pt-BR": "mesmo 2 parcelas de %s ficariam abaixo da parcela mínima de %s",
			"es":    "incluso 2 cuotas de %s quedarían por debajo de la cuota mínima de %s",
			"en":    "even 2 installments of %s would be below the minimum installment of %s",
		}[loc], a(0), a(1))
	case ExBelowMinimum:
		return fmt.Sprintf(map[string]string{
			"pt-BR": "em %d parcelas, alguma ficaria abaixo da parcela mínima de %s",
			"es":    "en %d cuotas, alguna quedaría por debajo de la cuota mínima de %s",
			"en":    "in %d installments, one would fall below the minimum installment of %s",
		}[loc], e.N, a(0))
	case ExUnaffordable:
		return fmt.Sprintf(map[string]string{
			"pt-BR": "o pagamento de %s passa da capacidade de %s por mês e comprometeria o mínimo existencial",
			"es":    "el pago de %s supera la capacidad de %s por mes y comprometería el mínimo existencial",
			"en":    "the payment of %s is above the capacity of %s a month and would eat into the existential minimum",
		}[loc], a(0), a(1))
	case ExNotFirstDelay:
		return fmt.Sprintf(map[string]string{
			"pt-BR": "só para um primeiro atraso curto: %d dias de atraso (máximo %d), %d atrasos em 12 meses (máximo %d)",
			"es":    "solo para un primer atraso corto: %d días de atraso (máximo %d), %d atrasos en 12 meses (máximo %d)",
			"en":    "only for a first short delay: %d days late (max %d), late %d times in 12 months (max %d)",
		}[loc], n(0), n(1), n(2), n(3))
	case ExCapacityShort:
		return fmt.Sprintf(map[string]string{
			"pt-BR": "a capacidade de %s por mês é menor que os %s necessários para pagar em até %d parcelas",
			"es":    "la capacidad de %s por mes es menor que los %s necesarios para pagar en hasta %d cuotas",
			"en":    "the capacity of %s a month is below the %s needed to pay within %d installments",
		}[loc], a(0), a(1), n(0))
	case ExPaysAtOnce:
		return fmt.Sprintf(map[string]string{
			"pt-BR": "%s por mês paga tudo de uma vez: é a proposta à vista",
			"es":    "%s por mes paga todo de una vez: es la oferta al contado",
			"en":    "%s a month pays everything at once: that is the pay-in-full offer",
		}[loc], a(0))
	}
	return e.Reason
}
