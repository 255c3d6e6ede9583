package offer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/regua/regua/internal/afford"
	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/plan"
)

// Discounts are the most that may be taken off each part, as flat shares
// ("100%" of the fine, "80%" of the interest, "5%" of the principal).
type Discounts struct {
	Principal  rate.Rate `json:"principal"`
	Correction rate.Rate `json:"correction"`
	Fine       rate.Rate `json:"fine"`
	Interest   rate.Rate `json:"interest"`
	Fees       rate.Rate `json:"fees"`
}

func (d Discounts) of(p charge.Part) rate.Rate {
	switch p {
	case charge.Principal:
		return d.Principal
	case charge.Correction:
		return d.Correction
	case charge.Fine:
		return d.Fine
	case charge.Interest:
		return d.Interest
	}
	return d.Fees
}

func (d Discounts) validate(field string) error {
	for _, p := range charge.Parts {
		r := d.of(p)
		if r.Period() != rate.Flat || r.Units() > rate.Scale {
			return fmt.Errorf("%s.%s: %s must be a flat share from 0%% to 100%%", field, p, r)
		}
	}
	return nil
}

// Match says which debtors a policy is for; unset fields match anything.
type Match struct {
	MinDPD        *int         `json:"min_dpd,omitempty"`
	MaxDPD        *int         `json:"max_dpd,omitempty"`
	MinAmount     *money.Money `json:"min_amount,omitempty"`
	MaxAmount     *money.Money `json:"max_amount,omitempty"`
	MaxRecurrence *int         `json:"max_recurrence,omitempty"` // times late in the last 12 months
	MinScore      *int         `json:"min_score,omitempty"`
	MaxScore      *int         `json:"max_score,omitempty"`
	Products      []string     `json:"products,omitempty"`
}

// InstallmentRules govern installment plans (parcelamentos).
type InstallmentRules struct {
	Discounts Discounts `json:"discounts"`
	// MaxN is the most installments after any down payment.
	MaxN int `json:"max_n"`
	// Options are the numbers of installments to offer; empty picks up to
	// three from 2 to the largest that keeps the minimum installment.
	Options        []int       `json:"options,omitempty"`
	MinInstallment money.Money `json:"min_installment"`
	// MinDownPayment is the smallest down payment (entrada) as a share of
	// the negotiated amount; zero for none.
	MinDownPayment rate.Rate `json:"min_down_payment"`
	// Rate is the plan's interest rate ("1,99%am"); zero for no interest.
	Rate rate.Rate `json:"rate"`
}

// DueDateChange offers a new date for a first, short delay.
type DueDateChange struct {
	MaxDPD        int       `json:"max_dpd"`        // only up to this many days late
	MaxRecurrence int       `json:"max_recurrence"` // only if late at most this often in 12 months
	Days          int       `json:"days"`           // the new date is as-of + days
	Discounts     Discounts `json:"discounts"`
}

// PayWhatYouCan lets the debtor choose the monthly amount above a minimum.
type PayWhatYouCan struct {
	MinInstallment money.Money `json:"min_installment"`
	MaxN           int         `json:"max_n"`
}

// Window is a range of days after the offer date.
type Window struct {
	MinDays int `json:"min_days"`
	MaxDays int `json:"max_days"`
}

// Approval sets who may grant a discount beyond the policy: extra shares of
// the amount owed, on top of the policy's maximum discount.
type Approval struct {
	AgentExtra      rate.Rate `json:"agent_extra"`
	SupervisorExtra rate.Rate `json:"supervisor_extra"`
}

// Affordability modes.
const (
	AffordFlag    = "flag"    // keep plans above capacity, marked, with the reason
	AffordExclude = "exclude" // leave them out of the menu, listed under Excluded
)

// Policy is an offer policy (política de ofertas): the limits within which
// Régua, the virtual agent or an agent may offer renegotiation.
type Policy struct {
	ID        string `json:"id"`
	Version   int    `json:"version"`
	Creditor  string `json:"creditor,omitempty"`
	Portfolio string `json:"portfolio,omitempty"`
	Segment   string `json:"segment,omitempty"`
	Match     Match  `json:"match"`

	Full          Discounts        `json:"full_payment"`
	Installments  InstallmentRules `json:"installments"`
	DueDateChange *DueDateChange   `json:"due_date_change,omitempty"`
	PayWhatYouCan *PayWhatYouCan   `json:"pay_what_you_can,omitempty"`

	FirstDue       Window      `json:"first_due"`
	ValidityDays   int         `json:"validity_days"`
	BusinessDays   bool        `json:"business_days"`
	OnTimeDiscount rate.Rate   `json:"on_time_discount"`
	Approval       Approval    `json:"approval"`
	Affordability  string      `json:"affordability,omitempty"` // flag (default) or exclude
	AffordRule     afford.Rule `json:"afford_rule"`
	Breach         BreachRule  `json:"breach"`
}

// Validate checks every field and names the one that is wrong.
func (p *Policy) Validate() error {
	wrap := func(err error) error { return fmt.Errorf("policy %q: %w", p.ID, err) }
	if strings.TrimSpace(p.ID) == "" {
		return errors.New("policy: id is required")
	}
	if p.Version < 1 {
		return wrap(fmt.Errorf("version: must be 1 or more, got %d", p.Version))
	}
	if err := p.Full.validate("full_payment"); err != nil {
		return wrap(err)
	}
	in := &p.Installments
	if err := in.Discounts.validate("installments.discounts"); err != nil {
		return wrap(err)
	}
	if in.MaxN < 0 || in.MaxN > plan.MaxInstallments {
		return wrap(fmt.Errorf("installments.max_n: must be between 0 and %d, got %d", plan.MaxInstallments, in.MaxN))
	}
	for _, n := range in.Options {
		if n < 2 || n > in.MaxN {
			return wrap(fmt.Errorf("installments.options: %d is outside 2..max_n (%d)", n, in.MaxN))
		}
	}
	if in.MinInstallment < 0 {
		return wrap(errors.New("installments.min_installment: must not be negative"))
	}
	if in.MinDownPayment.Period() != rate.Flat || in.MinDownPayment.Units() >= rate.Scale {
		return wrap(fmt.Errorf("installments.min_down_payment: %s must be a flat share below 100%%", in.MinDownPayment))
	}
	if !in.Rate.IsZero() {
		if _, err := in.Rate.Monthly(false); err != nil {
			return wrap(fmt.Errorf("installments.rate: %v", err))
		}
	}
	if d := p.DueDateChange; d != nil {
		if d.Days < 1 || d.Days > 90 || d.MaxDPD < 0 || d.MaxRecurrence < 0 {
			return wrap(errors.New("due_date_change: days must be 1..90 and max_dpd, max_recurrence not negative"))
		}
		if err := d.Discounts.validate("due_date_change.discounts"); err != nil {
			return wrap(err)
		}
	}
	if w := p.PayWhatYouCan; w != nil {
		if w.MinInstallment <= 0 || w.MaxN < 1 || w.MaxN > plan.MaxInstallments {
			return wrap(fmt.Errorf("pay_what_you_can: min_installment must be positive and max_n 1..%d", plan.MaxInstallments))
		}
	}
	if p.FirstDue.MinDays < 0 || p.FirstDue.MaxDays < p.FirstDue.MinDays || p.FirstDue.MaxDays > 90 {
		return wrap(fmt.Errorf("first_due: want 0 ≤ min_days ≤ max_days ≤ 90, got %d..%d", p.FirstDue.MinDays, p.FirstDue.MaxDays))
	}
	if p.ValidityDays < 1 || p.ValidityDays > 90 {
		return wrap(fmt.Errorf("validity_days: must be 1..90, got %d", p.ValidityDays))
	}
	if p.OnTimeDiscount.Period() != rate.Flat || p.OnTimeDiscount.Units() >= rate.Scale {
		return wrap(fmt.Errorf("on_time_discount: %s must be a flat share below 100%%", p.OnTimeDiscount))
	}
	a := p.Approval
	if a.AgentExtra.Period() != rate.Flat || a.SupervisorExtra.Period() != rate.Flat || a.AgentExtra.Units() > a.SupervisorExtra.Units() || a.SupervisorExtra.Units() > rate.Scale {
		return wrap(fmt.Errorf("approval: want flat shares with agent_extra ≤ supervisor_extra ≤ 100%%, got %s and %s", a.AgentExtra, a.SupervisorExtra))
	}
	if p.Affordability == "" {
		p.Affordability = AffordFlag
	}
	if p.Affordability != AffordFlag && p.Affordability != AffordExclude {
		return wrap(fmt.Errorf("affordability: %q, want flag or exclude", p.Affordability))
	}
	if p.AffordRule.Floor != 0 && p.AffordRule.Floor < afford.MinimumExistential {
		return wrap(fmt.Errorf("afford_rule.floor: below the mínimo existencial of %s", afford.MinimumExistential.Format("pt-BR")))
	}
	if err := p.Breach.validate(); err != nil {
		return wrap(err)
	}
	m := p.Match
	if (m.MinDPD != nil && m.MaxDPD != nil && *m.MinDPD > *m.MaxDPD) || (m.MinAmount != nil && m.MaxAmount != nil && *m.MinAmount > *m.MaxAmount) ||
		(m.MinScore != nil && m.MaxScore != nil && *m.MinScore > *m.MaxScore) {
		return wrap(errors.New("match: a minimum is above its maximum"))
	}
	return nil
}

// Situation is what policies are matched on.
type Situation struct {
	Creditor, Portfolio, Segment string
	DPD                          int
	Amount                       money.Money
	Recurrence                   int
	Score                        int
	Products                     []string
}

// matches reports whether p applies, and how specific its scope is.
func (p *Policy) matches(s Situation) (bool, int) {
	spec := 0
	for _, f := range [][2]string{{p.Creditor, s.Creditor}, {p.Portfolio, s.Portfolio}, {p.Segment, s.Segment}} {
		if f[0] == "" {
			continue
		}
		if !strings.EqualFold(f[0], f[1]) {
			return false, 0
		}
		spec++
	}
	m := p.Match
	if (m.MinDPD != nil && s.DPD < *m.MinDPD) || (m.MaxDPD != nil && s.DPD > *m.MaxDPD) ||
		(m.MinAmount != nil && s.Amount < *m.MinAmount) || (m.MaxAmount != nil && s.Amount > *m.MaxAmount) ||
		(m.MaxRecurrence != nil && s.Recurrence > *m.MaxRecurrence) ||
		(m.MinScore != nil && s.Score < *m.MinScore) || (m.MaxScore != nil && s.Score > *m.MaxScore) {
		return false, 0
	}
	if len(m.Products) > 0 {
		for _, prod := range s.Products {
			if !slices.ContainsFunc(m.Products, func(x string) bool { return strings.EqualFold(x, prod) }) {
				return false, 0
			}
		}
	}
	return true, spec
}

// Set is the policies of a tenant, in file order.
type Set []Policy

// Select returns the policy for a situation: among those that match, the
// one with the most specific scope (creditor, portfolio, segment), and the
// first in file order on a tie.
func (ps Set) Select(s Situation) (*Policy, error) {
	best, bestSpec := -1, -1
	for i := range ps {
		if ok, spec := ps[i].matches(s); ok && spec > bestSpec {
			best, bestSpec = i, spec
		}
	}
	if best < 0 {
		return nil, fmt.Errorf("offer: no policy matches creditor %q portfolio %q segment %q at %d days late and %s",
			s.Creditor, s.Portfolio, s.Segment, s.DPD, s.Amount.Format("pt-BR"))
	}
	return &ps[best], nil
}

// ParsePolicies reads a policy file: one policy object, or
// {"policies": [...]}. Unknown fields are errors (a typo in a discount
// must not silently mean 0%), and every policy is validated.
func ParsePolicies(r io.Reader) (Set, error) {
	data, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("policy file: %w", err)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("policy file: %w", err)
	}
	var set Set
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if _, ok := probe["policies"]; ok {
		var doc struct {
			Policies Set `json:"policies"`
		}
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("policy file: %w", err)
		}
		set = doc.Policies
	} else {
		var p Policy
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("policy file: %w", err)
		}
		set = Set{p}
	}
	if len(set) == 0 {
		return nil, errors.New("policy file: no policies")
	}
	seen := map[string]bool{}
	for i := range set {
		if err := set[i].Validate(); err != nil {
			return nil, fmt.Errorf("policy file: %w", err)
		}
		if seen[set[i].ID] {
			return nil, fmt.Errorf("policy file: id %q appears twice", set[i].ID)
		}
		seen[set[i].ID] = true
	}
	return set, nil
}
