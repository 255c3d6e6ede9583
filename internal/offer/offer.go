// Package offer is the one API that agents' workspace, the virtual agent
// and the portal call to renegotiate: it computes the breakdown of what a
// debtor owes (package charge), picks the offer policy (política de
// ofertas) for the debtor, generates a small ranked menu of offers
// (propostas: pay in full with the biggest discount, two or three
// installment plans, a due-date change for a first short delay, "pay what
// you can"), checks them against the debtor's budget (package afford), and
// turns an accepted offer into an Agreement (acordo) whose breach, and
// promises to pay (promessas de pagamento), it evaluates from payments.
//
// Everything here is pure: no store, no clock, no network. The caller
// passes the as-of date and persists what comes back.
package offer

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"

	"github.com/regua/regua/internal/afford"
	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/plan"
)

// Kind is the kind of an offer.
type Kind string

const (
	KindFull          Kind = "full"            // à vista, biggest discount
	KindInstallments  Kind = "installments"    // parcelamento
	KindDueDateChange Kind = "due_date_change" // prorrogação do vencimento
	KindPayWhatYouCan Kind = "pay_what_you_can"
)

// Debtor is who the menu is for.
type Debtor struct {
	ID         string         `json:"id"`
	Creditor   string         `json:"creditor,omitempty"`
	Portfolio  string         `json:"portfolio,omitempty"`
	Segment    string         `json:"segment,omitempty"`
	Recurrence int            `json:"recurrence"` // times late in the last 12 months
	Score      int            `json:"score"`
	Budget     *afford.Budget `json:"budget,omitempty"` // when the debtor shared one
}

// Request asks for a menu.
type Request struct {
	Debtor Debtor
	Debts  []charge.Debt
	AsOf   date.Date
	// FirstDue optionally fixes the first due date (the debtor's choice);
	// it must fall in the policy's window. Zero picks the window's start.
	FirstDue date.Date
	// Calendar is the holiday calendar for policies with business_days;
	// nil falls back to weekends only.
	Calendar plan.Calendar
}

// Offer is one option of the menu.
type Offer struct {
	ID            string         `json:"id"`
	Rank          int            `json:"rank"`
	Kind          Kind           `json:"kind"`
	PolicyID      string         `json:"policy_id"`
	PolicyVersion int            `json:"policy_version"`
	Gross         charge.Amounts `json:"gross"`    // what is owed, per part
	Discount      charge.Amounts `json:"discount"` // taken off, per part
	Negotiated    money.Money    `json:"negotiated"`
	DownPayment   money.Money    `json:"down_payment,omitempty"`
	// Due is when the single payment (full, due-date change) or the down
	// payment is due; FirstDue is when the plan's first installment is.
	Due         date.Date      `json:"due"`
	Plan        *plan.Schedule `json:"plan,omitempty"`
	Total       money.Money    `json:"total"`  // everything the debtor pays
	Saving      money.Money    `json:"saving"` // owed today − total (negative when plan interest exceeds the discount)
	Cost        plan.Cost      `json:"cost"`
	ValidUntil  date.Date      `json:"valid_until"`
	Affordable  *bool          `json:"affordable,omitempty"`
	AffordWhy   string         `json:"afford_why,omitempty"`    // in pt-BR; Menu.Why for other locales
	PeakPayment money.Money    `json:"peak_payment,omitempty"`  // the largest single payment, checked against capacity
	MinPerMonth money.Money    `json:"min_per_month,omitempty"` // pay what you can: the floor
	Exception   *Exception     `json:"exception,omitempty"`
}

// errPaysAtOnce: a "pay what you can" amount that pays everything at once.
var errPaysAtOnce = errors.New("pays everything at once; that is the pay-in-full offer")

// Menu is the ranked offers for one debtor as of a date.
type Menu struct {
	Debtor        string             `json:"debtor"`
	AsOf          date.Date          `json:"as_of"`
	PolicyID      string             `json:"policy_id"`
	PolicyVersion int                `json:"policy_version"`
	Breakdown     charge.Breakdown   `json:"breakdown"`
	Owed          money.Money        `json:"owed"`
	Offers        []Offer            `json:"offers"`
	Excluded      []Exclusion        `json:"excluded,omitempty"`
	Capacity      *afford.Assessment `json:"capacity,omitempty"`
	policy        *Policy
	req           Request
}

// Why explains in the locale whether o fits the debtor's capacity; empty
// when the debtor shared no budget.
func (m *Menu) Why(o *Offer, locale string) string {
	if m.Capacity == nil || o.Affordable == nil {
		return ""
	}
	return m.Capacity.Why(o.PeakPayment, locale)
}

// Policy returns the policy the menu was generated under.
func (m *Menu) Policy() *Policy { return m.policy }

// Offer returns the offer with this id.
func (m *Menu) Offer(id string) (*Offer, error) {
	for i := range m.Offers {
		if m.Offers[i].ID == id {
			return &m.Offers[i], nil
		}
	}
	return nil, fmt.Errorf("offer: no offer %q in the menu for debtor %s as of %s", id, m.Debtor, m.AsOf)
}

// Generate computes the breakdown, selects the policy from set and builds
// the menu.
func Generate(req Request, set Set) (Menu, error) {
	b, err := charge.Compute(req.Debts, req.AsOf)
	if err != nil {
		return Menu{}, err
	}
	if b.Total <= 0 {
		return Menu{}, fmt.Errorf("offer: debtor %s owes nothing as of %s", req.Debtor.ID, req.AsOf)
	}
	settle, err := b.Settle().Sum()
	if err != nil {
		return Menu{}, err
	}
	sit := Situation{Creditor: req.Debtor.Creditor, Portfolio: req.Debtor.Portfolio, Segment: req.Debtor.Segment,
		DPD: b.MaxDaysLate, Amount: settle, Recurrence: req.Debtor.Recurrence, Score: req.Debtor.Score}
	for _, d := range req.Debts {
		if d.Product != "" {
			sit.Products = append(sit.Products, d.Product)
		}
	}
	p, err := set.Select(sit)
	if err != nil {
		return Menu{}, err
	}
	return build(req, p, b)
}

// GenerateWith builds the menu under one given policy.
func GenerateWith(req Request, p *Policy) (Menu, error) {
	if err := p.Validate(); err != nil {
		return Menu{}, err
	}
	b, err := charge.Compute(req.Debts, req.AsOf)
	if err != nil {
		return Menu{}, err
	}
	if b.Total <= 0 {
		return Menu{}, fmt.Errorf("offer: debtor %s owes nothing as of %s", req.Debtor.ID, req.AsOf)
	}
	return build(req, p, b)
}

func build(req Request, p *Policy, b charge.Breakdown) (Menu, error) {
	owed, err := b.Settle().Sum()
	if err != nil {
		return Menu{}, err
	}
	m := Menu{Debtor: req.Debtor.ID, AsOf: req.AsOf, PolicyID: p.ID, PolicyVersion: p.Version, Breakdown: b, Owed: owed, policy: p, req: req}
	g := gen{req: req, p: p, m: &m}
	if p.BusinessDays {
		g.cal = req.Calendar
		if g.cal == nil {
			g.cal = plan.WeekendsOff
		}
	}
	g.validUntil = req.AsOf.AddDays(p.ValidityDays)
	first, err := g.firstDue()
	if err != nil {
		return Menu{}, err
	}
	g.first = first
	if req.Debtor.Budget != nil {
		a, err := afford.Assess(*req.Debtor.Budget, p.AffordRule)
		if err != nil {
			return Menu{}, fmt.Errorf("offer: debtor %s: %w", req.Debtor.ID, err)
		}
		m.Capacity = &a
	}
	if err := g.full(); err != nil {
		return Menu{}, err
	}
	if err := g.installments(); err != nil {
		return Menu{}, err
	}
	if err := g.dueDateChange(); err != nil {
		return Menu{}, err
	}
	if err := g.payWhatYouCan(); err != nil {
		return Menu{}, err
	}
	g.rank()
	return m, nil
}

type gen struct {
	req        Request
	p          *Policy
	m          *Menu
	cal        plan.Calendar
	first      date.Date
	validUntil date.Date
}

// firstDue returns the first due date: the debtor's choice inside the
// window, or the window's start.
func (g *gen) firstDue() (date.Date, error) {
	lo := g.req.AsOf.AddDays(g.p.FirstDue.MinDays)
	hi := g.req.AsOf.AddDays(g.p.FirstDue.MaxDays)
	d := g.req.FirstDue
	if d.IsZero() {
		return plan.NextBusinessDay(lo, g.cal), nil
	}
	if d.Before(g.req.AsOf) {
		return date.Date{}, fmt.Errorf("offer: first due date %s is in the past (as of %s)", d, g.req.AsOf)
	}
	if d.Before(lo) || d.After(hi) {
		return date.Date{}, fmt.Errorf("offer: first due date %s is outside the policy window %s to %s", d, lo, hi)
	}
	return plan.NextBusinessDay(d, g.cal), nil
}

// discount takes each part's maximum discount off gross, rounding each
// discount down so that no offer gives more than its policy.
func discount(gross charge.Amounts, d Discounts) (off charge.Amounts, net money.Money, err error) {
	for i, p := range charge.Parts {
		x, err := d.of(p).Of(gross[i], money.Down)
		if err != nil {
			return off, 0, err
		}
		off[i] = x
		if net, err = net.Add(gross[i] - x); err != nil {
			return off, 0, err
		}
	}
	return off, net, nil
}

func (g *gen) full() error {
	gross := g.m.Breakdown.Settle()
	off, net, err := discount(gross, g.p.Full)
	if err != nil {
		return fmt.Errorf("offer: full payment: %w", err)
	}
	due := plan.NextBusinessDay(g.first, g.cal)
	o := Offer{Kind: KindFull, Gross: gross, Discount: off, Negotiated: net, Due: due, Total: net}
	cost, err := plan.CostOf(g.m.Owed, g.req.AsOf, []plan.Flow{{Date: due, Amount: net}})
	if err != nil {
		return err
	}
	o.Cost = cost
	g.add(o)
	return nil
}

func (g *gen) installments() error {
	in := g.p.Installments
	if in.MaxN < 2 {
		return nil
	}
	gross := g.m.Breakdown.Settle()
	off, net, err := discount(gross, in.Discounts)
	if err != nil {
		return fmt.Errorf("offer: installments: %w", err)
	}
	down, err := in.MinDownPayment.Of(net, money.Up)
	if err != nil {
		return err
	}
	financed := net - down
	if financed <= 0 {
		return nil
	}
	// Installments fall as n grows, so the feasible n are 2..nMax; the
	// search looks at the fixed installment only and the schedules built
	// below are checked row by row (the last one absorbs centavos).
	r := in.Rate
	if !r.IsZero() {
		if r, err = r.Monthly(false); err != nil {
			return err
		}
	}
	nMax := 0
	for lo, hi := 2, in.MaxN; lo <= hi; {
		mid := (lo + hi) / 2
		pmt, err := plan.Installment(financed, mid, r)
		if err != nil {
			return err
		}
		if pmt >= in.MinInstallment {
			nMax, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	if nMax == 0 {
		g.m.Excluded = append(g.m.Excluded, exclude(KindInstallments, 2, ExTooSmall, []money.Money{financed, in.MinInstallment}, nil))
		return nil
	}
	var ns []int
	if len(in.Options) > 0 {
		for _, n := range in.Options {
			if n <= nMax {
				ns = append(ns, n)
			} else {
				g.m.Excluded = append(g.m.Excluded, exclude(KindInstallments, n, ExBelowMinimum, []money.Money{in.MinInstallment}, nil))
			}
		}
	} else {
		ns = []int{min(3, nMax), (min(3, nMax) + nMax + 1) / 2, nMax}
	}
	ns = pickThree(ns)
	for _, n := range ns {
		s, err := g.schedule(financed, n, in.Rate, down)
		if err != nil {
			return err
		}
		if minRow(s) < in.MinInstallment { // the last row fell a few centavos short
			g.m.Excluded = append(g.m.Excluded, exclude(KindInstallments, n, ExBelowMinimum, []money.Money{in.MinInstallment}, nil))
			continue
		}
		o := Offer{Kind: KindInstallments, Gross: gross, Discount: off, Negotiated: net, DownPayment: down, Plan: &s}
		if err := g.finishPlan(&o); err != nil {
			return err
		}
		if g.affordable(&o) {
			g.add(o)
		}
	}
	return nil
}

// pickThree dedupes and sorts ns and keeps at most three: the shortest,
// one in the middle and the longest.
func pickThree(ns []int) []int {
	sort.Ints(ns)
	out := ns[:0]
	for i, n := range ns {
		if i == 0 || n != ns[i-1] {
			out = append(out, n)
		}
	}
	if len(out) > 3 {
		out = []int{out[0], out[len(out)/2], out[len(out)-1]}
	}
	return out
}

func minRow(s plan.Schedule) money.Money {
	m := s.Rows[0].Installment
	for _, r := range s.Rows[1:] {
		m = min(m, r.Installment)
	}
	return m
}

// schedule builds the plan: with a down payment, the down payment is due
// on the first due date and the installments start a month later.
func (g *gen) schedule(financed money.Money, n int, r rate.Rate, down money.Money) (plan.Schedule, error) {
	first := g.first
	if down > 0 {
		first = first.AddMonths(1)
	}
	s, err := plan.Build(plan.Request{Amount: financed, N: n, Rate: r, First: first, Calendar: g.cal, OnTimeDiscount: g.p.OnTimeDiscount})
	if err != nil {
		return s, fmt.Errorf("offer: plan of %d: %w", n, err)
	}
	return s, nil
}

func (g *gen) finishPlan(o *Offer) error {
	o.Due = g.first
	total, err := o.Plan.Total.Add(o.DownPayment)
	if err != nil {
		return err
	}
	o.Total = total
	flows := make([]plan.Flow, 0, len(o.Plan.Rows)+1)
	if o.DownPayment > 0 {
		flows = append(flows, plan.Flow{Date: g.first, Amount: o.DownPayment})
	}
	for _, r := range o.Plan.Rows {
		flows = append(flows, plan.Flow{Date: r.Due, Amount: r.Installment})
	}
	// The cost is measured against the negotiated amount: what the plan
	// adds over paying that amount today.
	if o.Cost, err = plan.CostOf(o.Negotiated, g.req.AsOf, flows); err != nil {
		return err
	}
	return nil
}

// affordable marks o against the debtor's capacity and reports whether it
// stays in the menu.
func (g *gen) affordable(o *Offer) bool {
	a := g.m.Capacity
	if a == nil || o.Plan == nil {
		return true
	}
	need := max(o.Plan.Installment, o.DownPayment)
	for _, r := range o.Plan.Rows {
		need = max(need, r.Installment)
	}
	ok := a.Fits(need)
	o.Affordable, o.PeakPayment = &ok, need
	o.AffordWhy = a.Why(need, "pt-BR")
	if !ok && g.p.Affordability == AffordExclude {
		g.m.Excluded = append(g.m.Excluded, exclude(o.Kind, o.Plan.N, ExUnaffordable, []money.Money{need, a.Capacity}, nil))
		return false
	}
	return true
}

func (g *gen) dueDateChange() error {
	d := g.p.DueDateChange
	if d == nil {
		return nil
	}
	b := g.m.Breakdown
	if b.MaxDaysLate > d.MaxDPD || g.req.Debtor.Recurrence > d.MaxRecurrence {
		g.m.Excluded = append(g.m.Excluded, exclude(KindDueDateChange, 0, ExNotFirstDelay, nil, []int{b.MaxDaysLate, d.MaxDPD, g.req.Debtor.Recurrence, d.MaxRecurrence}))
		return nil
	}
	due := plan.NextBusinessDay(g.req.AsOf.AddDays(d.Days), g.cal)
	// Charges keep running to the new date; the policy may waive them.
	later, err := charge.Compute(g.req.Debts, due)
	if err != nil {
		return err
	}
	gross := later.Settle()
	off, net, err := discount(gross, d.Discounts)
	if err != nil {
		return err
	}
	o := Offer{Kind: KindDueDateChange, Gross: gross, Discount: off, Negotiated: net, Due: due, Total: net}
	if o.Cost, err = plan.CostOf(g.m.Owed, g.req.AsOf, []plan.Flow{{Date: due, Amount: net}}); err != nil {
		return err
	}
	g.add(o)
	return nil
}

func (g *gen) payWhatYouCan() error {
	w := g.p.PayWhatYouCan
	if w == nil {
		return nil
	}
	// Without a budget, show the least a month that pays off within MaxN.
	_, net, err := discount(g.m.Breakdown.Settle(), g.p.Installments.Discounts)
	if err != nil {
		return err
	}
	r := g.p.Installments.Rate
	if !r.IsZero() {
		if r, err = r.Monthly(false); err != nil {
			return err
		}
	}
	least, err := plan.Installment(net, w.MaxN, r)
	if err != nil {
		return err
	}
	if r.IsZero() { // the last installment carries the remainder
		least = net - least*money.Money(w.MaxN-1)
	}
	per := max(w.MinInstallment, least)
	if a := g.m.Capacity; a != nil {
		if a.Capacity < per {
			g.m.Excluded = append(g.m.Excluded, exclude(KindPayWhatYouCan, 0, ExCapacityShort, []money.Money{a.Capacity, per}, []int{w.MaxN}))
			return nil
		}
	}
	o, err := g.payWhatYouCanOffer(per)
	if err != nil {
		e := Exclusion{Kind: KindPayWhatYouCan, Code: ExOther, Reason: err.Error()}
		if errors.Is(err, errPaysAtOnce) {
			e = exclude(KindPayWhatYouCan, 0, ExPaysAtOnce, []money.Money{per}, nil)
		}
		g.m.Excluded = append(g.m.Excluded, e)
		return nil
	}
	g.add(o)
	return nil
}

func (g *gen) payWhatYouCanOffer(per money.Money) (Offer, error) {
	w := g.p.PayWhatYouCan
	in := g.p.Installments
	if per < w.MinInstallment {
		return Offer{}, fmt.Errorf("offer: %s a month is below the minimum of %s", per.Format("pt-BR"), w.MinInstallment.Format("pt-BR"))
	}
	gross := g.m.Breakdown.Settle()
	off, net, err := discount(gross, in.Discounts)
	if err != nil {
		return Offer{}, err
	}
	if per >= net {
		return Offer{}, fmt.Errorf("offer: %s a month: %w", per.Format("pt-BR"), errPaysAtOnce)
	}
	// The debtor pays per every month until the balance is paid; the last
	// installment is what is left.
	s, err := plan.Build(plan.Request{Amount: net, N: w.MaxN, Rate: in.Rate, First: g.first, Calendar: g.cal, OnTimeDiscount: g.p.OnTimeDiscount, Fixed: per})
	if err != nil {
		return Offer{}, fmt.Errorf("offer: %w", err)
	}
	if s.N < 2 {
		return Offer{}, fmt.Errorf("offer: %s a month: %w", per.Format("pt-BR"), errPaysAtOnce)
	}
	o := Offer{Kind: KindPayWhatYouCan, Gross: gross, Discount: off, Negotiated: net, Plan: &s, MinPerMonth: w.MinInstallment}
	if err := g.finishPlan(&o); err != nil {
		return Offer{}, err
	}
	g.affordable(&o)
	return o, nil
}

// PayWhatYouCan builds the pay-what-you-can offer for an amount a month the
// debtor typed, under the menu's policy, and adds it to the menu.
func (m *Menu) PayWhatYouCan(perMonth money.Money) (Offer, error) {
	if m.policy == nil || m.policy.PayWhatYouCan == nil {
		return Offer{}, fmt.Errorf("offer: policy %q has no pay-what-you-can option", m.PolicyID)
	}
	g := gen{req: m.req, p: m.policy, m: m, validUntil: m.AsOf.AddDays(m.policy.ValidityDays)}
	if m.policy.BusinessDays {
		g.cal = m.req.Calendar
		if g.cal == nil {
			g.cal = plan.WeekendsOff
		}
	}
	var err error
	if g.first, err = g.firstDue(); err != nil {
		return Offer{}, err
	}
	o, err := g.payWhatYouCanOffer(perMonth)
	if err != nil {
		return Offer{}, err
	}
	g.add(o)
	id := m.Offers[len(m.Offers)-1].ID
	g.rank()
	added, err := m.Offer(id)
	if err != nil {
		return Offer{}, err
	}
	return *added, nil
}

// add fills the fields every offer shares and appends it.
func (g *gen) add(o Offer) {
	o.PolicyID, o.PolicyVersion = g.p.ID, g.p.Version
	o.ValidUntil = g.validUntil
	o.Saving = g.m.Owed - o.Total
	o.ID = offerID(g.m, &o)
	g.m.Offers = append(g.m.Offers, o)
}

// rank orders the menu: affordable offers first, then by kind (pay in
// full, plans from the shortest, due-date change, pay what you can).
func (g *gen) rank() {
	order := func(k Kind) int {
		switch k {
		case KindFull:
			return 0
		case KindInstallments:
			return 1
		case KindDueDateChange:
			return 2
		}
		return 3
	}
	sort.SliceStable(g.m.Offers, func(i, j int) bool {
		a, b := &g.m.Offers[i], &g.m.Offers[j]
		fa, fb := a.Affordable == nil || *a.Affordable, b.Affordable == nil || *b.Affordable
		if fa != fb {
			return fa
		}
		if order(a.Kind) != order(b.Kind) {
			return order(a.Kind) < order(b.Kind)
		}
		return planN(a) < planN(b)
	})
	for i := range g.m.Offers {
		g.m.Offers[i].Rank = i + 1
	}
}

func planN(o *Offer) int {
	if o.Plan == nil {
		return 0
	}
	return o.Plan.N
}

// offerID is a digest of everything the offer says, so that an acceptance
// names exactly the version of the offer the debtor saw.
func offerID(m *Menu, o *Offer) string {
	buf := make([]byte, 0, 512)
	w := func(s string) { buf = append(append(buf, s...), 0) }
	n := func(v int64) { buf = binary.AppendVarint(buf, v) }
	day := func(d date.Date) { n(int64(d.Year()*10000 + int(d.Month())*100 + d.Day())) }
	w(m.Debtor)
	day(m.AsOf)
	w(o.PolicyID)
	n(int64(o.PolicyVersion))
	w(string(o.Kind))
	for _, v := range o.Gross {
		n(int64(v))
	}
	for _, v := range o.Discount {
		n(int64(v))
	}
	n(int64(o.DownPayment))
	day(o.Due)
	n(int64(o.Total))
	day(o.ValidUntil)
	if o.Plan != nil {
		n(o.Plan.MonthlyRate.Units())
		for _, r := range o.Plan.Rows {
			day(r.Due)
			n(int64(r.Installment))
			n(int64(r.OnTime))
		}
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:8])
}
