package offer

import (
	"fmt"
	"math/big"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/plan"
)

func grossSum(o *Offer) money.Money {
	s, _ := o.Gross.Sum()
	return s
}

// Role is who may approve an exception to the policy.
type Role string

const (
	RoleNone       Role = ""           // within the policy: the debtor, the bot or anyone may accept
	RoleAgent      Role = "agent"      // up to Approval.AgentExtra beyond the policy
	RoleSupervisor Role = "supervisor" // up to Approval.SupervisorExtra
)

func (r Role) rank() int {
	switch r {
	case RoleAgent:
		return 1
	case RoleSupervisor:
		return 2
	}
	return 0
}

// Exception records a discount beyond the policy and who granted it.
type Exception struct {
	Extra      rate.Rate   `json:"extra"`       // share of the amount owed beyond the policy's discount
	ExtraValue money.Money `json:"extra_value"` // the same in money
	Needs      Role        `json:"needs"`
	ApprovedBy string      `json:"approved_by"`
	Role       Role        `json:"role"`
}

// RequiredRole returns who must approve lowering o's negotiated amount to
// negotiated, and the extra share over the policy; an error when no role
// may approve that much.
func (m *Menu) RequiredRole(o *Offer, negotiated money.Money) (Role, rate.Rate, error) {
	p := m.policy
	if p == nil {
		return "", rate.Rate{}, fmt.Errorf("offer: menu has no policy")
	}
	if negotiated <= 0 || negotiated > grossSum(o) {
		return "", rate.Rate{}, fmt.Errorf("offer: negotiated amount %s must be positive and at most the amount owed", negotiated.Format("pt-BR"))
	}
	extra := o.Negotiated - negotiated
	if extra <= 0 {
		return RoleNone, rate.Rate{}, nil
	}
	share, err := rate.FromRat(big.NewRat(extra.Cents(), grossSum(o).Cents()), rate.Flat)
	if err != nil {
		return "", rate.Rate{}, err
	}
	// Round the share up so that a limit is never exceeded by rounding.
	if new(big.Rat).Mul(share.Rat(), new(big.Rat).SetInt64(grossSum(o).Cents())).Cmp(new(big.Rat).SetInt64(extra.Cents())) < 0 {
		share, _ = rate.New(share.Units()+1, rate.Flat)
	}
	switch {
	case share.Units() <= p.Approval.AgentExtra.Units():
		return RoleAgent, share, nil
	case share.Units() <= p.Approval.SupervisorExtra.Units():
		return RoleSupervisor, share, nil
	}
	return "", share, fmt.Errorf("offer: an extra discount of %s is beyond every approval limit of policy %q (supervisor up to %s)",
		share.Format("pt-BR"), p.ID, p.Approval.SupervisorExtra.Format("pt-BR"))
}

// Except returns o with its negotiated amount lowered to negotiated (the
// plan rebuilt with the same number of installments), approved by who in
// role. It fails when role is below the one the extra discount needs.
func (m *Menu) Except(o *Offer, negotiated money.Money, who string, role Role) (Offer, error) {
	need, share, err := m.RequiredRole(o, negotiated)
	if err != nil {
		return Offer{}, err
	}
	if role.rank() < need.rank() {
		return Offer{}, fmt.Errorf("offer: an extra discount of %s needs a %s, %s is %q", share.Format("pt-BR"), need, who, role)
	}
	if need == RoleNone {
		return *o, nil
	}
	n := *o
	extra := o.Negotiated - negotiated
	// The exception comes off the charges first and the principal last.
	left := extra
	for _, part := range []charge.Part{charge.Interest, charge.Fine, charge.Fees, charge.Correction, charge.Principal} {
		take := min(n.Gross[part]-n.Discount[part], left)
		n.Discount[part] += take
		left -= take
	}
	n.Negotiated = negotiated
	n.Exception = &Exception{Extra: share, ExtraValue: extra, Needs: need, ApprovedBy: who, Role: role}
	g := gen{req: m.req, p: m.policy, m: m, first: o.Due, validUntil: o.ValidUntil}
	if m.policy.BusinessDays {
		g.cal = m.req.Calendar
		if g.cal == nil {
			g.cal = plan.WeekendsOff
		}
	}
	switch o.Kind {
	case KindFull, KindDueDateChange:
		n.Total = negotiated
	default:
		down, err := m.policy.Installments.MinDownPayment.Of(negotiated, money.Up)
		if err != nil {
			return Offer{}, err
		}
		n.DownPayment = down
		s, err := g.schedule(negotiated-down, o.Plan.N, m.policy.Installments.Rate, down)
		if err != nil {
			return Offer{}, err
		}
		n.Plan = &s
		if err := g.finishPlan(&n); err != nil {
			return Offer{}, err
		}
	}
	n.Saving = m.Owed - n.Total
	n.ID = offerID(m, &n)
	return n, nil
}
