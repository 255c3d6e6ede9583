// Package afford says how much a debtor who shared a budget can pay a month
// without touching the mínimo existencial: the part of monthly income that
// debt installments may not take (Lei 14.181/2021, the over-indebtedness
// law, regulated by Decreto 11.150/2022 art. 3, whose value Decreto
// 11.567/2023 set at R$ 600,00). The decree compares the consumer's total
// monthly income with the installments of consumer debts due in the same
// month (art. 3 §1) and leaves out debts such as housing finance, secured
// loans and rural credit (art. 4); callers pass only the installments that
// count.
package afford

import (
	"errors"
	"fmt"

	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/money"
)

// MinimumExistential is R$ 600,00 a month (Decreto 11.150/2022 art. 3 in
// the wording of Decreto 11.567/2023, DOU 20 Jun 2023). The CMN may update
// it (art. 3 §3); Rule.Floor overrides it.
const MinimumExistential money.Money = 60000

// Budget is what the debtor shared, all monthly.
type Budget struct {
	Income    money.Money `json:"income"`    // total monthly income
	Essential money.Money `json:"essential"` // essential expenses declared (housing, food, utilities, health, transport)
	Committed money.Money `json:"committed"` // installments of other consumer debts due each month
}

// Rule is the creditor's affordability rule.
type Rule struct {
	// Floor is the income protected from debt installments; zero means
	// MinimumExistential. It cannot be set below MinimumExistential.
	Floor money.Money `json:"floor,omitempty"`
	// MaxShare optionally caps an agreement's installment at a share of
	// income (e.g. 30%), whatever is left over.
	MaxShare *rate.Rate `json:"max_share,omitempty"`
}

// Assessment is the monthly capacity and the arithmetic behind it.
type Assessment struct {
	Budget    Budget      `json:"budget"`
	Protected money.Money `json:"protected"` // the larger of the floor and the essential expenses
	Leftover  money.Money `json:"leftover"`  // income − committed − protected (may be negative)
	ShareCap  money.Money `json:"share_cap,omitempty"`
	Capacity  money.Money `json:"capacity"` // most a month for this agreement, ≥ 0
}

// ErrBudget reports a budget that cannot be assessed.
var ErrBudget = errors.New("afford: invalid budget")

// Assess computes the capacity: income minus other debt installments minus
// the protected amount (the larger of the mínimo existencial and the
// declared essential expenses), capped by MaxShare of income when set.
func Assess(b Budget, r Rule) (Assessment, error) {
	if b.Income < 0 || b.Essential < 0 || b.Committed < 0 {
		return Assessment{}, fmt.Errorf("%w: income, essential expenses and committed installments must not be negative", ErrBudget)
	}
	floor := r.Floor
	if floor == 0 {
		floor = MinimumExistential
	}
	if floor < MinimumExistential {
		return Assessment{}, fmt.Errorf("%w: floor %s is below the mínimo existencial of %s", ErrBudget, floor.Format("pt-BR"), MinimumExistential.Format("pt-BR"))
	}
	a := Assessment{Budget: b, Protected: max(floor, b.Essential)}
	left, err := b.Income.Sub(b.Committed)
	if err == nil {
		left, err = left.Sub(a.Protected)
	}
	if err != nil {
		return Assessment{}, fmt.Errorf("%w: %v", ErrBudget, err)
	}
	a.Leftover = left
	a.Capacity = max(left, 0)
	if r.MaxShare != nil {
		if r.MaxShare.Period() != rate.Flat || r.MaxShare.Units() > rate.Scale {
			return Assessment{}, fmt.Errorf("%w: max share %s must be a flat share up to 100%%", ErrBudget, r.MaxShare)
		}
		c, err := r.MaxShare.Of(b.Income, money.Down)
		if err != nil {
			return Assessment{}, fmt.Errorf("%w: %v", ErrBudget, err)
		}
		a.ShareCap = c
		a.Capacity = min(a.Capacity, c)
	}
	return a, nil
}

// Fits reports whether a monthly installment fits the capacity.
func (a Assessment) Fits(installment money.Money) bool { return installment <= a.Capacity }

// Explain writes the arithmetic for the agent, in pt-BR, es or en.
func (a Assessment) Explain(locale string) string {
	loc := lang(locale)
	f := func(m money.Money) string { return m.Format(loc) }
	protected := map[string]string{
		"pt-BR": "mínimo existencial de %s (Decreto 11.150/2022, art. 3º)",
		"es":    "mínimo existencial de %s (Decreto 11.150/2022, art. 3)",
		"en":    "existential minimum of %s (Decreto 11.150/2022 art. 3)",
	}[loc]
	prot := fmt.Sprintf(protected, f(a.Protected))
	if a.Budget.Essential == a.Protected && a.Protected > MinimumExistential {
		prot = fmt.Sprintf(map[string]string{
			"pt-BR": "despesas essenciais de %s (acima do mínimo existencial)",
			"es":    "gastos esenciales de %s (por encima del mínimo existencial)",
			"en":    "essential expenses of %s (above the existential minimum)",
		}[loc], f(a.Protected))
	}
	s := fmt.Sprintf(map[string]string{
		"pt-BR": "Renda %s − parcelas de outras dívidas %s − %s = %s por mês.",
		"es":    "Ingreso %s − cuotas de otras deudas %s − %s = %s por mes.",
		"en":    "Income %s − other debt installments %s − %s = %s a month.",
	}[loc], f(a.Budget.Income), f(a.Budget.Committed), prot, f(a.Leftover))
	if a.ShareCap > 0 && a.ShareCap < max(a.Leftover, 0) {
		s += fmt.Sprintf(map[string]string{
			"pt-BR": " A política limita a parcela a %s da renda.",
			"es":    " La política limita la cuota a %s del ingreso.",
			"en":    " The policy caps the installment at %s of income.",
		}[loc], f(a.ShareCap))
	}
	return s + fmt.Sprintf(map[string]string{
		"pt-BR": " Capacidade de pagamento: %s por mês.",
		"es":    " Capacidad de pago: %s por mes.",
		"en":    " Capacity to pay: %s a month.",
	}[loc], f(a.Capacity))
}

// Why says whether an installment fits, and why not, in the locale.
func (a Assessment) Why(installment money.Money, locale string) string {
	loc := lang(locale)
	if a.Fits(installment) {
		return fmt.Sprintf(map[string]string{
			"pt-BR": "A parcela de %s cabe na capacidade de %s por mês.",
			"es":    "La cuota de %s cabe en la capacidad de %s por mes.",
			"en":    "The installment of %s fits the capacity of %s a month.",
		}[loc], installment.Format(loc), a.Capacity.Format(loc))
	}
	return fmt.Sprintf(map[string]string{
		"pt-BR": "A parcela de %s passa da capacidade de %s por mês e comprometeria o mínimo existencial.",
		"es":    "La cuota de %s supera la capacidad de %s por mes y comprometería el mínimo existencial.",
		"en":    "The installment of %s is above the capacity of %s a month and would eat into the existential minimum.",
	}[loc], installment.Format(loc), a.Capacity.Format(loc))
}

func lang(l string) string {
	switch {
	case len(l) >= 2 && (l[:2] == "es" || l[:2] == "ES"):
		return "es"
	case len(l) >= 2 && (l[:2] == "en" || l[:2] == "EN"):
		return "en"
	}
	return "pt-BR"
}
