package offer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

// Channel is where an acceptance or promise was made.
type Channel string

const (
	ChannelPortal   Channel = "portal"
	ChannelWhatsApp Channel = "whatsapp"
	ChannelSMS      Channel = "sms"
	ChannelEmail    Channel = "email"
	ChannelPhone    Channel = "phone" // with an agent
	ChannelVoice    Channel = "voice" // robot
	ChannelChat     Channel = "chat"
	ChannelAgent    Channel = "agent" // entered by an agent in the workspace
)

var channels = map[Channel]bool{ChannelPortal: true, ChannelWhatsApp: true, ChannelSMS: true, ChannelEmail: true, ChannelPhone: true, ChannelVoice: true, ChannelChat: true, ChannelAgent: true}

// Acceptance is the proof of an accepted offer: who, when, through which
// channel, which offer version and the exact text shown.
type Acceptance struct {
	OfferID       string    `json:"offer_id"` // digest of the offer's terms: its version
	PolicyID      string    `json:"policy_id"`
	PolicyVersion int       `json:"policy_version"`
	Who           string    `json:"who"`      // the debtor's id, or the agent's user id
	WhoKind       string    `json:"who_kind"` // debtor, agent, bot
	Channel       Channel   `json:"channel"`
	At            time.Time `json:"at"` // stored in UTC; its day is taken in the zone given
	Locale        string    `json:"locale"`
	Text          string    `json:"text"`        // exactly what was shown
	TextSHA256    string    `json:"text_sha256"` // of Text, for tamper evidence
	Remote        string    `json:"remote,omitempty"`
}

// Verify reports whether the stored text still matches its digest.
func (a Acceptance) Verify() bool {
	sum := sha256.Sum256([]byte(a.Text))
	return hex.EncodeToString(sum[:]) == a.TextSHA256
}

// AgreementInstallment is one payment an agreement expects. Number 0 is the
// down payment (entrada); a single payment is number 1.
type AgreementInstallment struct {
	Number       int         `json:"number"`
	Due          date.Date   `json:"due"`
	Amount       money.Money `json:"amount"`
	OnTime       money.Money `json:"on_time"` // with the on-time discount
	Interest     money.Money `json:"interest"`
	Amortisation money.Money `json:"amortisation"`
}

// DebtShare is one original debt inside an agreement: what it owed per part
// when the agreement was made. The debt is suspended, not deleted.
type DebtShare struct {
	DebtID string         `json:"debt_id"`
	Open   charge.Amounts `json:"open"`
	Order  []charge.Part  `json:"order"` // the contract's payment order
}

// Agreement (acordo) is an accepted offer with its own installments.
type Agreement struct {
	OfferID      string                 `json:"offer_id"`
	Kind         Kind                   `json:"kind"`
	Debtor       string                 `json:"debtor"`
	Made         date.Date              `json:"made"`
	Debts        []DebtShare            `json:"debts"`
	Gross        charge.Amounts         `json:"gross"`
	Discount     charge.Amounts         `json:"discount"`
	Negotiated   money.Money            `json:"negotiated"`
	Total        money.Money            `json:"total"`
	Installments []AgreementInstallment `json:"installments"`
	Breach       BreachRule             `json:"breach"`
	Acceptance   Acceptance             `json:"acceptance"`
}

// Accept turns the offer with id offerID into an Agreement, with the
// acceptance record. It refuses an offer past its validity, an unknown
// channel, an empty text or a text that does not state the offer's total.
func (m *Menu) Accept(offerID string, acc Acceptance) (Agreement, error) {
	o, err := m.Offer(offerID)
	if err != nil {
		return Agreement{}, err
	}
	if acc.At.IsZero() {
		return Agreement{}, errors.New("offer: acceptance time is missing")
	}
	// The day in the acceptance time's own zone: the caller gives it in
	// the zone its as-of dates are in (a UTC day would make an offer
	// accepted at 22:00 in São Paulo on its last day expired).
	on := date.Of(acc.At)
	if on.After(o.ValidUntil) {
		return Agreement{}, fmt.Errorf("offer: offer %s expired on %s (accepted %s)", o.ID, o.ValidUntil, on)
	}
	if on.Before(m.AsOf) {
		return Agreement{}, fmt.Errorf("offer: acceptance on %s is before the offer was made (%s)", on, m.AsOf)
	}
	if !channels[acc.Channel] {
		return Agreement{}, fmt.Errorf("offer: unknown channel %q", acc.Channel)
	}
	if strings.TrimSpace(acc.Who) == "" || (acc.WhoKind != "debtor" && acc.WhoKind != "agent" && acc.WhoKind != "bot") {
		return Agreement{}, errors.New("offer: acceptance needs who (an id) and who_kind (debtor, agent or bot)")
	}
	if strings.TrimSpace(acc.Text) == "" {
		return Agreement{}, errors.New("offer: acceptance needs the exact text shown to the debtor")
	}
	loc := charge.Locale(acc.Locale)
	if !strings.Contains(acc.Text, o.Total.Format(loc)) {
		return Agreement{}, fmt.Errorf("offer: the text shown does not state the total %s", o.Total.Format(loc))
	}
	acc.OfferID, acc.PolicyID, acc.PolicyVersion = o.ID, o.PolicyID, o.PolicyVersion
	acc.At = acc.At.UTC()
	acc.Locale = loc
	sum := sha256.Sum256([]byte(acc.Text))
	acc.TextSHA256 = hex.EncodeToString(sum[:])
	return m.agreementFrom(o, acc, on), nil
}

func (m *Menu) agreementFrom(o *Offer, acc Acceptance, on date.Date) Agreement {
	a := Agreement{OfferID: o.ID, Kind: o.Kind, Debtor: m.Debtor, Made: on, Gross: o.Gross, Discount: o.Discount,
		Negotiated: o.Negotiated, Total: o.Total, Acceptance: acc}
	if m.policy != nil {
		a.Breach = m.policy.Breach
	}
	// Each original debt's open parts, summed from the breakdown.
	idx := map[string]int{}
	for _, ib := range m.Breakdown.Installments {
		i, ok := idx[ib.Debt]
		if !ok {
			i = len(a.Debts)
			idx[ib.Debt] = i
			a.Debts = append(a.Debts, DebtShare{DebtID: ib.Debt})
			for _, d := range m.req.Debts {
				if d.ID == ib.Debt {
					a.Debts[i].Order = d.Terms.Order
				}
			}
		}
		for p := range ib.Open {
			a.Debts[i].Open[p] += ib.Open[p]
		}
		a.Debts[i].Open[charge.Principal] -= ib.Rebate
	}
	if o.DownPayment > 0 {
		a.Installments = append(a.Installments, AgreementInstallment{Number: 0, Due: o.Due, Amount: o.DownPayment, OnTime: o.DownPayment, Amortisation: o.DownPayment})
	}
	if o.Plan == nil {
		a.Installments = append(a.Installments, AgreementInstallment{Number: 1, Due: o.Due, Amount: o.Total, OnTime: o.Total, Amortisation: o.Total})
	} else {
		for _, r := range o.Plan.Rows {
			a.Installments = append(a.Installments, AgreementInstallment{Number: r.Number, Due: r.Due, Amount: r.Installment, OnTime: r.OnTime, Interest: r.Interest, Amortisation: r.Amortisation})
		}
	}
	return a
}

// BreachRule (quebra de acordo) says when an agreement is broken and what
// comes back to the original debts.
type BreachRule struct {
	// FirstToleranceDays is how long after its due date the first payment
	// (the down payment or installment 1) may still come.
	FirstToleranceDays int `json:"first_tolerance_days"`
	// LaterToleranceDays is the same for later installments.
	LaterToleranceDays int `json:"later_tolerance_days"`
	// KeepDiscount, when true, returns the original debt with the discount
	// kept in proportion to what was paid; false (the usual contract clause)
	// returns the full original amount less the payments.
	KeepDiscount bool `json:"keep_discount"`
}

func (r BreachRule) validate() error {
	if r.FirstToleranceDays < 0 || r.LaterToleranceDays < 0 || r.FirstToleranceDays > 365 || r.LaterToleranceDays > 365 {
		return fmt.Errorf("breach: tolerances must be 0..365 days, got %d and %d", r.FirstToleranceDays, r.LaterToleranceDays)
	}
	return nil
}

// State is where an agreement or promise stands.
type State string

const (
	StateCurrent State = "current" // nothing overdue
	StateLate    State = "late"    // an installment is overdue, within tolerance
	StateBroken  State = "broken"  // past tolerance: the agreement is broken
	StateSettled State = "settled" // everything paid
	StatePending State = "pending" // promise: date not reached
	StateKept    State = "kept"    // promise: paid in time
	StateUnkept  State = "unkept"  // promise: not paid in time
)

// Status is an agreement's standing as of a date.
type Status struct {
	State State     `json:"state"`
	AsOf  date.Date `json:"as_of"`
	// FirstInstallment is true when the breach is of the first payment (the
	// debtor never started paying), which creditors often treat differently.
	FirstInstallment bool                  `json:"first_installment,omitempty"`
	BrokenOn         date.Date             `json:"broken_on,omitempty"`
	BrokenNumber     int                   `json:"broken_number,omitempty"`
	Paid             money.Money           `json:"paid"`
	PaidThrough      int                   `json:"paid_installments"` // how many installments are fully paid
	Next             *AgreementInstallment `json:"next,omitempty"`
	Credit           money.Money           `json:"credit,omitempty"`
}

// Evaluate matches payments to the agreement's installments in order (an
// installment paid in full by its due date needs only its on-time amount)
// and says whether it is current, late, broken or settled as of asOf.
func (a Agreement) Evaluate(pays []charge.Payment, asOf date.Date) (Status, error) {
	ps := make([]charge.Payment, 0, len(pays))
	for _, p := range pays {
		if p.Amount <= 0 || p.Date.IsZero() {
			return Status{}, fmt.Errorf("offer: agreement %s: payment %s on %s must be positive and dated", a.OfferID, p.Amount, p.Date)
		}
		if !p.Date.After(asOf) {
			ps = append(ps, p)
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Date.Before(ps[j].Date) })
	st := Status{State: StateCurrent, AsOf: asOf}
	pool := money.Money(0) // paid and not yet matched
	k := 0                 // next payment to take into the pool
	for i, in := range a.Installments {
		tol := a.Breach.LaterToleranceDays
		if i == 0 {
			tol = a.Breach.FirstToleranceDays
		}
		// Payments up to the due date may settle it at the on-time amount.
		for ; k < len(ps) && !ps[k].Date.After(in.Due); k++ {
			pool += ps[k].Amount
			st.Paid += ps[k].Amount
		}
		need := in.OnTime
		if pool < need {
			need = in.Amount
			limit := in.Due.AddDays(tol)
			for ; pool < need && k < len(ps) && !ps[k].Date.After(limit); k++ {
				pool += ps[k].Amount
				st.Paid += ps[k].Amount
			}
		}
		if pool >= need {
			pool -= need
			st.PaidThrough++
			continue
		}
		// Unpaid: overdue, broken or not yet due.
		inst := in
		st.Next = &inst
		switch {
		case !asOf.After(in.Due):
			st.State = StateCurrent
		case asOf.After(in.Due.AddDays(tol)):
			st.State = StateBroken
			st.BrokenOn = in.Due.AddDays(tol + 1)
			st.BrokenNumber = in.Number
			st.FirstInstallment = i == 0
		default:
			st.State = StateLate
		}
		break
	}
	for ; k < len(ps); k++ {
		pool += ps[k].Amount
		st.Paid += ps[k].Amount
	}
	if st.PaidThrough == len(a.Installments) {
		st.State, st.Next = StateSettled, nil
	}
	st.Credit = pool
	if st.State != StateSettled && st.State != StateBroken {
		st.Credit = 0 // an advance on the next installment, not a credit
	}
	return st, nil
}

// Restoration is what an original debt owes again after a breach.
type Restoration struct {
	DebtID string         `json:"debt_id"`
	Paid   money.Money    `json:"paid"` // the agreement payments applied to this debt
	Open   charge.Amounts `json:"open"`
	Total  money.Money    `json:"total"`
}

// Restore returns each original debt's open parts after a breach: the paid
// amount is shared across the debts in proportion to what each owed, then
// applied to its parts in its contract's order. With KeepDiscount the
// discount survives in proportion to the share of the agreement paid; the
// debts then resume their journey with these amounts (plus charges from
// the agreement date, which package charge computes from the payments).
func (a Agreement) Restore(st Status) ([]Restoration, error) {
	if st.State != StateBroken {
		return nil, fmt.Errorf("offer: agreement %s is %s, not broken", a.OfferID, st.State)
	}
	weights := make([]money.Money, len(a.Debts))
	var total money.Money
	for i, d := range a.Debts {
		s, err := d.Open.Sum()
		if err != nil {
			return nil, err
		}
		weights[i] = s
		total += s
	}
	if total <= 0 {
		return nil, fmt.Errorf("offer: agreement %s has no original amounts", a.OfferID)
	}
	paid := min(st.Paid, a.Total)
	shares := allocate(paid, weights, total)
	out := make([]Restoration, len(a.Debts))
	for i, d := range a.Debts {
		open := d.Open
		if a.Breach.KeepDiscount && a.Total > 0 {
			// Forgive the discount in the proportion paid: discount × paid/total.
			for p := range open {
				dp, err := a.Discount[p].MulRat(int64(paid), int64(a.Total), money.Down)
				if err != nil {
					return nil, err
				}
				// This debt's part of that discount, by its weight.
				dd, err := dp.MulRat(int64(weights[i]), int64(total), money.Down)
				if err != nil {
					return nil, err
				}
				open[p] -= min(dd, open[p])
			}
		}
		order := d.Order
		if len(order) == 0 {
			order = charge.DefaultOrder
		}
		left := shares[i]
		for _, p := range order {
			take := min(open[p], left)
			open[p] -= take
			left -= take
		}
		sum, _ := open.Sum()
		out[i] = Restoration{DebtID: d.DebtID, Paid: shares[i] - left, Open: open, Total: sum}
	}
	return out, nil
}

// allocate splits amount in proportion to weights, exactly (largest
// remainders take the leftover centavos, earlier debts first on ties).
func allocate(amount money.Money, weights []money.Money, total money.Money) []money.Money {
	out := make([]money.Money, len(weights))
	type rem struct {
		i int
		r *big.Int
	}
	rems := make([]rem, len(weights))
	var given money.Money
	for i, w := range weights {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(int64(amount)), big.NewInt(int64(w))), big.NewInt(int64(total)), new(big.Int))
		out[i] = money.Money(q.Int64())
		given += out[i]
		rems[i] = rem{i, r}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r.Cmp(rems[b].r) > 0 })
	for j := 0; given < amount; j++ {
		out[rems[j%len(rems)].i]++
		given++
	}
	return out
}

// Promise is a promise to pay (promessa de pagamento): an amount by a date.
type Promise struct {
	Debtor        string      `json:"debtor"`
	Amount        money.Money `json:"amount"`
	Date          date.Date   `json:"date"`
	Made          date.Date   `json:"made"`
	ToleranceDays int         `json:"tolerance_days"`
	Channel       Channel     `json:"channel"`
	Who           string      `json:"who"` // who recorded it
}

// PromiseStatus is a promise's standing.
type PromiseStatus struct {
	State     State       `json:"state"`
	Paid      money.Money `json:"paid"`
	Shortfall money.Money `json:"shortfall"`
	KeptOn    date.Date   `json:"kept_on,omitempty"`
}

// Validate checks a promise when it is made.
func (p Promise) Validate() error {
	switch {
	case p.Amount <= 0:
		return fmt.Errorf("offer: promise amount must be positive, got %s", p.Amount.Format("pt-BR"))
	case p.Made.IsZero() || p.Date.IsZero():
		return errors.New("offer: promise needs the date made and the date promised")
	case p.Date.Before(p.Made):
		return fmt.Errorf("offer: promised date %s is before the promise was made (%s)", p.Date, p.Made)
	case p.ToleranceDays < 0 || p.ToleranceDays > 60:
		return fmt.Errorf("offer: promise tolerance must be 0..60 days, got %d", p.ToleranceDays)
	}
	return nil
}

// Evaluate says whether the promise was kept: payments made from the day
// it was made to its date plus tolerance must add up to the amount.
func (p Promise) Evaluate(pays []charge.Payment, asOf date.Date) (PromiseStatus, error) {
	if err := p.Validate(); err != nil {
		return PromiseStatus{}, err
	}
	ps := append([]charge.Payment(nil), pays...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Date.Before(ps[j].Date) })
	limit := p.Date.AddDays(p.ToleranceDays)
	st := PromiseStatus{State: StatePending}
	for _, x := range ps {
		if x.Date.Before(p.Made) || x.Date.After(limit) || x.Date.After(asOf) {
			continue
		}
		st.Paid += x.Amount
		if st.Paid >= p.Amount && st.KeptOn.IsZero() {
			st.KeptOn = x.Date
		}
	}
	st.Shortfall = max(p.Amount-st.Paid, 0)
	switch {
	case st.Shortfall == 0:
		st.State = StateKept
	case asOf.After(limit):
		st.State = StateUnkept
	}
	return st, nil
}

// Reminder returns the date to remind the debtor, daysBefore the promised
// date but never before it was made.
func (p Promise) Reminder(daysBefore int) date.Date {
	d := p.Date.AddDays(-daysBefore)
	if d.Before(p.Made) {
		return p.Made
	}
	return d
}
