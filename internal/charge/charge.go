// Package charge computes what a late installment owes as of any date: the
// principal, monetary correction (correção monetária) by a price index, the
// late fine (multa de mora), default interest (juros de mora) and the fees
// the contract allows, less the payments already made, applied to those
// parts in a configurable order. The result is a Breakdown that every screen
// and message shows, with each part's base, rate, period and amount in
// numbers and in words (pt-BR, es, en).
//
// Conventions, all explicit:
//   - Every charge is rounded down to the centavo: the debtor is never
//     charged a fraction the contract does not give.
//   - Interest runs pro rata die from the due date on a commercial month of
//     30 days (1% a.m. is 1/30% a day). Simple interest is base × rate ×
//     days/30. Compound interest capitalises once per complete 30-day month
//     and runs linearly within the last fraction (the "convenção linear"),
//     which keeps every factor an exact fraction.
//   - When the contract sets no interest, the legal rate applies (CC art. 406
//     as written by Lei 14.905/2024: Selic minus IPCA, floored at zero,
//     published monthly as the Taxa Legal under Res. CMN 5.171/2024, applied
//     as simple interest, pro rata by the days of each calendar month).
//   - Correction accrues per complete month since the due date, each month
//     by the index value of the month in which it started; the fraction of a
//     month does not correct (that month's index is usually not published
//     yet). A cumulative factor below 1 (deflation) is taken as 1.
//   - Fine and interest are computed on the corrected principal's base as
//     the CMN rule for the Taxa Legal does (Res. 5.171 art. 7); the fine is
//     a share of the installment as CDC art. 52 §1º words it, so its base is
//     the installment amount open at the due date.
//   - Payments made up to the due date (plus any grace days) reduce the
//     principal with no charges. Later payments settle the parts in
//     Terms.Order, by default interest, fine, fees, correction and then
//     principal (CC art. 354: interest before capital unless agreed
//     otherwise); charges after a payment accrue on what remains open.
package charge

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"sort"
	"strings"

	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

// Part is one component of what a late installment owes.
type Part uint8

const (
	Principal  Part = iota // valor original
	Correction             // correção monetária
	Fine                   // multa de mora
	Interest               // juros de mora
	Fees                   // tarifas/despesas the contract allows
	nParts
)

// Parts lists every part in display order.
var Parts = [nParts]Part{Principal, Correction, Fine, Interest, Fees}

var partNames = [nParts]string{"principal", "correction", "fine", "interest", "fees"}

func (p Part) String() string {
	if p < nParts {
		return partNames[p]
	}
	return fmt.Sprintf("Part(%d)", int(p))
}

// ParsePart reads a part's name.
func ParsePart(s string) (Part, error) {
	for i, n := range partNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Part(i), nil
		}
	}
	return 0, fmt.Errorf("charge: unknown part %q (want one of %s)", s, strings.Join(partNames[:], ", "))
}

func (p Part) MarshalText() ([]byte, error) { return []byte(p.String()), nil }
func (p *Part) UnmarshalText(b []byte) error {
	v, err := ParsePart(string(b))
	*p = v
	return err
}

// DefaultOrder applies payments to interest first and principal last
// (CC art. 354).
var DefaultOrder = []Part{Interest, Fine, Fees, Correction, Principal}

// Amounts holds one amount per part.
type Amounts [nParts]money.Money

// Sum adds the parts, with overflow checked.
func (a Amounts) Sum() (money.Money, error) {
	var s money.Money
	for _, v := range a {
		var err error
		if s, err = s.Add(v); err != nil {
			return 0, err
		}
	}
	return s, nil
}

// Charges is the sum of everything but the principal.
func (a Amounts) Charges() money.Money {
	return a[Correction] + a[Fine] + a[Interest] + a[Fees]
}

// MarshalJSON writes {"principal": "1500.00", …}.
func (a Amounts) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, v := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%q", partNames[i], v.String())
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// UnmarshalJSON reads what MarshalJSON writes; missing parts are zero.
func (a *Amounts) UnmarshalJSON(b []byte) error {
	var m map[string]money.Money
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("amounts: %w", err)
	}
	*a = Amounts{}
	for k, v := range m {
		p, err := ParsePart(k)
		if err != nil {
			return err
		}
		a[p] = v
	}
	return nil
}

// Method is how default interest accrues.
type Method string

const (
	Simple   Method = "simple"
	Compound Method = "compound"
)

// Fee is a charge the contract allows on a late installment: a fixed amount,
// a share of the installment, or both.
type Fee struct {
	Name   string      `json:"name"`
	Amount money.Money `json:"amount"`
	Rate   rate.Rate   `json:"rate"`
}

// Terms are a contract's rules for late payment.
type Terms struct {
	// Fine is the late fine as a flat share of the installment ("2%").
	Fine rate.Rate `json:"fine"`
	// Interest is the default interest rate ("1%am"); nil when the contract
	// is silent, which applies LegalRate.
	Interest *rate.Rate `json:"interest,omitempty"`
	Method   Method     `json:"method,omitempty"` // default simple
	// ContractRate is the remuneratory rate, needed by caps that limit
	// default interest relative to it.
	ContractRate *rate.Rate `json:"contract_rate,omitempty"`
	// LegalRate is the monthly Taxa Legal series (CC art. 406) for contracts
	// silent on interest.
	LegalRate *Index `json:"-"`
	// Correction is the price index for monetary correction; nil for none.
	// When the contract names no index the legal default is IPCA (CC art.
	// 389 sole paragraph, Lei 14.905/2024); the caller loads that table.
	Correction *Index `json:"-"`
	// RebateFuture gives installments not yet due at their present value
	// at ContractRate (CDC art. 52 §2º: early settlement with a
	// proportional reduction of interest); the reduction is Rebate.
	RebateFuture bool      `json:"rebate_future,omitempty"`
	Fees         []Fee     `json:"fees,omitempty"`
	Order        []Part    `json:"order,omitempty"` // default DefaultOrder
	GraceDays    int       `json:"grace_days,omitempty"`
	Caps         Caps      `json:"caps"`
	monthly      rate.Rate // Interest as a monthly rate, set by Validate
	fineText     string    // Fine.String(), set by Validate
	interestText string
}

// Errors callers may test for.
var (
	ErrCap   = errors.New("over the legal cap")
	ErrInput = errors.New("invalid input")
)

// Validate checks the terms against their caps and fills defaults (method,
// payment order). Compute calls it; it is exported so that an editor can
// check terms before they are used.
func (t *Terms) Validate() error {
	if t.Method == "" {
		t.Method = Simple
	}
	if t.Method != Simple && t.Method != Compound {
		return fmt.Errorf("charge: interest method %q: %w (want simple or compound)", t.Method, ErrInput)
	}
	if t.Fine.Period() != rate.Flat || t.Fine.Units() > rate.Scale {
		return fmt.Errorf("charge: fine %s: %w (want a flat share up to 100%%, like 2%%)", t.Fine, ErrInput)
	}
	if t.Caps.FineMax != nil && t.Fine.Exceeds(*t.Caps.FineMax) {
		return fmt.Errorf("charge: fine %s is %w of %s (%s)", t.Fine.Format("pt-BR"), ErrCap, t.Caps.FineMax.Format("pt-BR"), t.Caps.Source)
	}
	if t.GraceDays < 0 || t.GraceDays > 366 {
		return fmt.Errorf("charge: grace days %d: %w", t.GraceDays, ErrInput)
	}
	t.fineText = t.Fine.String()
	if t.Interest == nil {
		if t.LegalRate == nil {
			return fmt.Errorf("charge: interest: the contract sets none and no Taxa Legal table is loaded (CC art. 406): %w", ErrInput)
		}
	} else {
		if t.Interest.Period() == rate.Flat {
			return fmt.Errorf("charge: interest %s: %w (a default interest rate needs a period, like 1%%am)", t.Interest, ErrInput)
		}
		m, err := t.Interest.Monthly(t.Method == Simple)
		if err != nil {
			return fmt.Errorf("charge: interest: %w", err)
		}
		t.monthly = m
		t.interestText = t.Interest.String()
		if c := t.Caps.InterestMaxMonthly; c != nil && m.Exceeds(*c) {
			return fmt.Errorf("charge: interest %s is %w of %s (%s)", t.Interest.Format("pt-BR"), ErrCap, c.Format("pt-BR"), t.Caps.Source)
		}
		if c := t.Caps.InterestMaxYearly; c != nil {
			y, err := m.Yearly()
			if err != nil || y.Exceeds(*c) {
				return fmt.Errorf("charge: interest %s (%s effective) is %w of %s (%s)", t.Interest.Format("es"), y.Format("es"), ErrCap, c.Format("es"), t.Caps.Source)
			}
		}
		if c := t.Caps.InterestOverContractMax; c != nil {
			if t.ContractRate == nil {
				return fmt.Errorf("charge: caps %s limit interest over the contract rate, which is missing: %w", t.Caps.ID, ErrInput)
			}
			cm, err := t.ContractRate.Monthly(t.Method == Simple)
			if err != nil {
				return fmt.Errorf("charge: contract rate: %w", err)
			}
			cy, _ := cm.Yearly()
			y, _ := m.Yearly()
			limit, _ := rate.New(cy.Units()+c.Units(), rate.Yearly)
			if y.Exceeds(limit) {
				return fmt.Errorf("charge: interest %s is %w of the contract rate plus %s (%s)", y.Format("es"), ErrCap, c.Format("es"), t.Caps.Source)
			}
		}
	}
	if t.RebateFuture {
		if t.ContractRate == nil || t.ContractRate.Period() == rate.Flat {
			return fmt.Errorf("charge: rebate of future installments needs the contract rate with a period, like 2,5%%am: %w", ErrInput)
		}
		if _, err := t.ContractRate.Monthly(false); err != nil {
			return fmt.Errorf("charge: contract rate: %w", err)
		}
	}
	if t.Caps.NoFineWithInterest && !t.Fine.IsZero() && (t.Interest == nil || !t.Interest.IsZero()) {
		return fmt.Errorf("charge: a late fee with moratory interest is %w (%s)", ErrCap, t.Caps.Source)
	}
	for _, f := range t.Fees {
		if f.Amount < 0 || f.Rate.Period() != rate.Flat {
			return fmt.Errorf("charge: fee %q: %w (amount must be ≥ 0 and rate flat)", f.Name, ErrInput)
		}
		if t.Caps.NoFees && (f.Amount > 0 || !f.Rate.IsZero()) {
			return fmt.Errorf("charge: fee %q is not allowed, %w (%s)", f.Name, ErrCap, t.Caps.Source)
		}
	}
	if len(t.Order) == 0 {
		t.Order = DefaultOrder
	}
	var seen [nParts]bool
	for _, p := range t.Order {
		if p >= nParts || seen[p] {
			return fmt.Errorf("charge: payment order %v: %w (each part once)", t.Order, ErrInput)
		}
		seen[p] = true
	}
	if len(t.Order) != int(nParts) {
		return fmt.Errorf("charge: payment order %v: %w (name all of %s)", t.Order, ErrInput, strings.Join(partNames[:], ", "))
	}
	return nil
}

// Payment is money received for an installment.
type Payment struct {
	Date   date.Date   `json:"date"`
	Amount money.Money `json:"amount"`
}

// Installment is one amount due on a date, with what was paid for it.
type Installment struct {
	Number   int         `json:"number"`
	Due      date.Date   `json:"due"`
	Amount   money.Money `json:"amount"`
	Payments []Payment   `json:"payments,omitempty"`
}

// Debt is one contract with its terms and installments.
type Debt struct {
	ID           string        `json:"id"`
	Product      string        `json:"product,omitempty"`
	Terms        Terms         `json:"terms"`
	Installments []Installment `json:"installments"`
}

// Line is the account of one part of one installment.
type Line struct {
	Part Part `json:"part"`
	// Base is what the part was computed on: the installment for the fine,
	// the corrected principal for interest, the principal for correction.
	Base money.Money `json:"base"`
	// Rate is the rate applied, as written ("2%", "1%am"), or the index
	// name ("IPCA", "Taxa Legal").
	Rate   string    `json:"rate,omitempty"`
	Method Method    `json:"method,omitempty"`
	From   date.Date `json:"from,omitempty"`
	To     date.Date `json:"to,omitempty"`
	Days   int       `json:"days,omitempty"`
	Months int       `json:"months,omitempty"` // complete months of correction
	// Factor is the cumulative correction factor with 8 decimals.
	Factor  string      `json:"factor,omitempty"`
	Charged money.Money `json:"charged"`
	Paid    money.Money `json:"paid"`
	Open    money.Money `json:"open"`
	Note    string      `json:"note,omitempty"`
}

// InstallmentBreakdown is what one installment owes as of a date.
type InstallmentBreakdown struct {
	Debt     string      `json:"debt,omitempty"`
	Number   int         `json:"number"`
	Due      date.Date   `json:"due"`
	Amount   money.Money `json:"amount"`
	DaysLate int         `json:"days_late"`
	Lines    []Line      `json:"lines"`
	Charged  Amounts     `json:"charged"`
	Paid     Amounts     `json:"paid"`
	Open     Amounts     `json:"open"`
	Total    money.Money `json:"total"`            // open, all parts
	Credit   money.Money `json:"credit,omitempty"` // paid beyond everything owed
	// Rebate is the reduction of interest for settling an installment not
	// yet due today (Terms.RebateFuture); Total does not include it.
	Rebate money.Money `json:"rebate,omitempty"`
}

// Breakdown is what a set of debts owes as of a date.
type Breakdown struct {
	AsOf         date.Date              `json:"as_of"`
	Installments []InstallmentBreakdown `json:"installments"`
	Charged      Amounts                `json:"charged"`
	Paid         Amounts                `json:"paid"`
	Open         Amounts                `json:"open"`
	Total        money.Money            `json:"total"`
	Credit       money.Money            `json:"credit,omitempty"`
	Rebate       money.Money            `json:"rebate,omitempty"`
	MaxDaysLate  int                    `json:"max_days_late"`
}

// Settle returns what settles the debts on the as-of date, per part: the
// open amounts less the rebate of installments not yet due.
func (b *Breakdown) Settle() Amounts {
	a := b.Open
	a[Principal] -= b.Rebate
	return a
}

// Compute returns the breakdown of every installment of debts as of asOf.
// Installments not yet due appear with their principal only.
func Compute(debts []Debt, asOf date.Date) (Breakdown, error) {
	if asOf.IsZero() || !plausible(asOf) {
		return Breakdown{}, fmt.Errorf("charge: as-of date %q is missing or out of range 1900–2200: %w", asOf, ErrInput)
	}
	b := Breakdown{AsOf: asOf}
	n := 0
	for i := range debts {
		n += len(debts[i].Installments)
	}
	b.Installments = make([]InstallmentBreakdown, 0, n)
	for i := range debts {
		d := &debts[i]
		if err := d.Terms.Validate(); err != nil {
			return Breakdown{}, fmt.Errorf("debt %s: %w", d.ID, err)
		}
		for _, in := range d.Installments {
			ib, err := ComputeInstallment(in, &d.Terms, asOf)
			if err != nil {
				return Breakdown{}, fmt.Errorf("debt %s: %w", d.ID, err)
			}
			ib.Debt = d.ID
			if err := b.add(ib); err != nil {
				return Breakdown{}, fmt.Errorf("debt %s: %w", d.ID, err)
			}
		}
	}
	return b, nil
}

// plausible bounds dates so that a typo (year 0026) cannot ask for
// thousands of years of compound interest.
func plausible(d date.Date) bool { return d.Year() >= 1900 && d.Year() <= 2200 }

func (b *Breakdown) add(ib InstallmentBreakdown) error {
	var err error
	for p := range b.Open {
		if b.Charged[p], err = b.Charged[p].Add(ib.Charged[p]); err != nil {
			return err
		}
		b.Paid[p] += ib.Paid[p] // paid ≤ charged, cannot overflow first
		b.Open[p] += ib.Open[p]
	}
	if b.Total, err = b.Total.Add(ib.Total); err != nil {
		return err
	}
	b.Credit += ib.Credit
	b.Rebate += ib.Rebate
	if ib.DaysLate > b.MaxDaysLate {
		b.MaxDaysLate = ib.DaysLate
	}
	b.Installments = append(b.Installments, ib)
	return nil
}

// state is the running account of one installment.
type state struct {
	charged, paid, open Amounts
	credit              money.Money
	headroom            money.Money // what ChargesMaxOfOriginal still allows; <0 for no cap
	capped              [nParts]bool
}

func (s *state) charge(p Part, x money.Money) error {
	if x <= 0 {
		return nil
	}
	if s.headroom >= 0 && x > s.headroom {
		x = s.headroom
		s.capped[p] = true
	}
	if s.headroom >= 0 {
		s.headroom -= x
	}
	var err error
	if s.charged[p], err = s.charged[p].Add(x); err != nil {
		return err
	}
	s.open[p], err = s.open[p].Add(x)
	return err
}

func (s *state) pay(amount money.Money, order []Part) {
	for _, p := range order {
		if amount == 0 {
			return
		}
		take := min(s.open[p], amount)
		s.open[p] -= take
		s.paid[p] += take
		amount -= take
	}
	s.credit += amount
}

// installmentRef names an installment in errors (formatted only on error).
type installmentRef struct {
	n   int
	due date.Date
}

func (r installmentRef) String() string { return fmt.Sprintf("installment %d due %s", r.n, r.due) }

// ComputeInstallment returns what one installment owes as of asOf under t.
func ComputeInstallment(in Installment, t *Terms, asOf date.Date) (InstallmentBreakdown, error) {
	where := installmentRef{in.Number, in.Due}
	if err := t.Validate(); err != nil {
		return InstallmentBreakdown{}, err
	}
	if in.Amount <= 0 {
		return InstallmentBreakdown{}, fmt.Errorf("%s: amount must be positive, got %s: %w", where, in.Amount.Format("pt-BR"), ErrInput)
	}
	if in.Due.IsZero() {
		return InstallmentBreakdown{}, fmt.Errorf("installment %d: due date is missing: %w", in.Number, ErrInput)
	}
	if !plausible(in.Due) {
		return InstallmentBreakdown{}, fmt.Errorf("%s: due date out of range 1900–2200: %w", where, ErrInput)
	}
	pays := make([]Payment, 0, len(in.Payments))
	for _, p := range in.Payments {
		if p.Amount <= 0 || p.Date.IsZero() || !plausible(p.Date) {
			return InstallmentBreakdown{}, fmt.Errorf("%s: payment %s on %s: %w (positive amount and a date)", where, p.Amount, p.Date, ErrInput)
		}
		if !p.Date.After(asOf) {
			pays = append(pays, p)
		}
	}
	sort.SliceStable(pays, func(i, j int) bool { return pays[i].Date.Before(pays[j].Date) })

	s := state{headroom: -1}
	s.charged[Principal], s.open[Principal] = in.Amount, in.Amount
	onTimeUntil := in.Due.AddDays(t.GraceDays)
	k := 0
	for ; k < len(pays) && !pays[k].Date.After(onTimeUntil); k++ {
		s.pay(pays[k].Amount, []Part{Principal})
	}
	ib := InstallmentBreakdown{Number: in.Number, Due: in.Due, Amount: in.Amount}
	late := asOf.After(onTimeUntil) && s.open[Principal] > 0
	if !late {
		for ; k < len(pays); k++ { // paid after grace but nothing was left
			s.pay(pays[k].Amount, t.Order)
		}
		if t.RebateFuture && in.Due.After(asOf) && s.open[Principal] > 0 {
			r, err := rebate(s.open[Principal], t, asOf.DaysUntil(in.Due))
			if err != nil {
				return ib, fmt.Errorf("%s: rebate: %w", where, err)
			}
			ib.Rebate = r
		}
		return s.finish(ib, nil, 0)
	}
	ib.DaysLate = in.Due.DaysUntil(asOf)
	if c := t.Caps.ChargesMaxOfOriginal; c != nil {
		h, err := c.Of(in.Amount, money.Down)
		if err != nil {
			return ib, fmt.Errorf("%s: %w", where, err)
		}
		s.headroom = h
	}

	// Fine and fees once, at default, on the installment open at the due date.
	base := s.open[Principal]
	fine, err := t.Fine.Of(base, money.Down)
	if err != nil {
		return ib, fmt.Errorf("%s: fine: %w", where, err)
	}
	if err := s.charge(Fine, fine); err != nil {
		return ib, fmt.Errorf("%s: fine: %w", where, err)
	}
	var fees money.Money
	for _, f := range t.Fees {
		x, err := f.Rate.Of(base, money.Down)
		if err == nil {
			x, err = x.Add(f.Amount)
		}
		if err == nil {
			fees, err = fees.Add(x)
		}
		if err != nil {
			return ib, fmt.Errorf("%s: fee %q: %w", where, f.Name, err)
		}
	}
	feeNote := ""
	if t.Caps.CollectionFeeUF > 0 {
		capFee, err := ChileCollectionFeeCap(base, t.Caps.CollectionFeeUF, ib.DaysLate)
		if err != nil {
			return ib, fmt.Errorf("%s: fee cap: %w", where, err)
		}
		if fees > capFee {
			fees, feeNote = capFee, "capped: "+t.Caps.Source
		}
	}
	if err := s.charge(Fees, fees); err != nil {
		return ib, fmt.Errorf("%s: fees: %w", where, err)
	}

	// Accrue correction and interest between events (later payments, then asOf).
	acc := accrual{t: t, due: in.Due}
	cursor := in.Due
	step := func(to date.Date) error {
		if !to.After(cursor) {
			return nil
		}
		if err := acc.correct(&s, to); err != nil {
			return err
		}
		if err := acc.interest(&s, cursor, to); err != nil {
			return err
		}
		cursor = to
		return nil
	}
	for ; k < len(pays); k++ {
		if err := step(pays[k].Date); err != nil {
			return ib, fmt.Errorf("%s: %w", where, err)
		}
		s.pay(pays[k].Amount, t.Order)
	}
	if err := step(asOf); err != nil {
		return ib, fmt.Errorf("%s: %w", where, err)
	}
	return s.finish(ib, &acc, base, feeNote)
}

func (s *state) finish(ib InstallmentBreakdown, acc *accrual, fineBase money.Money, notes ...string) (InstallmentBreakdown, error) {
	ib.Charged, ib.Paid, ib.Open, ib.Credit = s.charged, s.paid, s.open, s.credit
	total, err := s.open.Sum()
	if err != nil {
		return ib, err
	}
	ib.Total = total
	ib.Lines = make([]Line, 0, nParts)
	ib.Lines = append(ib.Lines, Line{Part: Principal, Base: ib.Amount, Charged: s.charged[Principal], Paid: s.paid[Principal], Open: s.open[Principal]})
	if acc == nil {
		return ib, nil
	}
	t := acc.t
	from := ib.Due
	capNote := func(p Part) string {
		if s.capped[p] {
			return "capped: " + t.Caps.Source
		}
		return ""
	}
	if t.Correction != nil {
		factor := acc.factorText()
		ib.Lines = append(ib.Lines, Line{Part: Correction, Base: ib.Amount, Rate: t.Correction.Name, From: from, To: acc.to,
			Months: acc.months, Factor: factor, Charged: s.charged[Correction], Paid: s.paid[Correction], Open: s.open[Correction], Note: capNote(Correction)})
	}
	ib.Lines = append(ib.Lines, Line{Part: Fine, Base: fineBase, Rate: t.fineText, From: from,
		Charged: s.charged[Fine], Paid: s.paid[Fine], Open: s.open[Fine], Note: capNote(Fine)})
	il := Line{Part: Interest, Base: acc.base, Method: t.Method, From: from, To: acc.to, Days: from.DaysUntil(acc.to),
		Charged: s.charged[Interest], Paid: s.paid[Interest], Open: s.open[Interest], Note: capNote(Interest)}
	if t.Interest != nil {
		il.Rate = t.interestText
	} else {
		il.Rate, il.Method = t.LegalRate.Name, Simple
	}
	ib.Lines = append(ib.Lines, il)
	if s.charged[Fees] > 0 || len(t.Fees) > 0 {
		names := make([]string, len(t.Fees))
		for i, f := range t.Fees {
			names[i] = f.Name
		}
		note := capNote(Fees)
		if len(notes) > 0 && notes[0] != "" {
			note = notes[0]
		}
		ib.Lines = append(ib.Lines, Line{Part: Fees, Base: fineBase, Rate: strings.Join(names, ", "), From: from,
			Charged: s.charged[Fees], Paid: s.paid[Fees], Open: s.open[Fees], Note: note})
	}
	return ib, nil
}

// rebate is open − open/(1+i)^(days/30) at the contract's monthly rate,
// compounded by complete 30-day months and linear in the fraction (the
// same convention as compound interest); the present value is rounded
// half-up.
func rebate(open money.Money, t *Terms, days int) (money.Money, error) {
	m, err := t.ContractRate.Monthly(false)
	if err != nil || m.IsZero() || days <= 0 {
		return 0, err
	}
	full, rem := days/30, days%30
	sc := big.NewInt(rate.Scale)
	u := big.NewInt(m.Units())
	// factor = (S+u)^full·(30S + u·rem) / (S^full·30S); PV = open / factor.
	num := new(big.Int).Exp(new(big.Int).Add(sc, u), big.NewInt(int64(full)), nil)
	num.Mul(num, new(big.Int).Add(new(big.Int).Mul(sc, big.NewInt(30)), new(big.Int).Mul(u, big.NewInt(int64(rem)))))
	den := new(big.Int).Exp(sc, big.NewInt(int64(full)), nil)
	den.Mul(den, new(big.Int).Mul(sc, big.NewInt(30)))
	pv, err := open.MulBig(new(big.Rat).SetFrac(den, num), money.HalfUp)
	if err != nil {
		return 0, err
	}
	return open - pv, nil
}

// accrual carries correction and interest state between events.
type accrual struct {
	t   *Terms
	due date.Date
	// rawNum/rawDen is the product of the index over the complete months;
	// fNum/fDen the factor applied so far (the raw one floored at 1).
	rawNum, rawDen, fNum, fDen *big.Int
	months                     int
	to                         date.Date
	base                       money.Money // corrected principal interest last ran on
}

// correct brings the correction up to date `to`.
func (a *accrual) correct(s *state, to date.Date) error {
	a.to = to
	ix := a.t.Correction
	if ix == nil {
		return nil
	}
	months := a.months
	for a.due.AddMonths(months+1).Compare(to) <= 0 {
		months++
	}
	if months == a.months {
		return nil
	}
	if a.rawNum == nil {
		a.rawNum, a.rawDen = big.NewInt(1), big.NewInt(1)
		a.fNum, a.fDen = big.NewInt(1), big.NewInt(1)
	}
	// The raw factor is Π (1 + v_j) over the complete months, kept as an
	// integer fraction with denominator Scale^months (no normalisation).
	start := MonthOf(a.due)
	sc := big.NewInt(rate.Scale)
	for j := a.months; j < months; j++ {
		v, err := ix.Value(start + Month(j))
		if err != nil {
			return fmt.Errorf("correction: %w", err)
		}
		a.rawNum.Mul(a.rawNum, big.NewInt(rate.Scale+v))
		a.rawDen.Mul(a.rawDen, sc)
	}
	a.months = months
	newNum, newDen := a.rawNum, a.rawDen
	if newNum.Cmp(newDen) < 0 { // deflation below the start: no correction
		newNum, newDen = big.NewInt(1), big.NewInt(1)
	}
	// Increment = open corrected principal × (new/old − 1)
	//           = base × (newNum·oldDen − oldNum·newDen) / (oldNum·newDen).
	num := new(big.Int).Mul(newNum, a.fDen)
	num.Sub(num, new(big.Int).Mul(a.fNum, newDen))
	den := new(big.Int).Mul(a.fNum, newDen)
	a.fNum, a.fDen = new(big.Int).Set(newNum), new(big.Int).Set(newDen)
	if num.Sign() <= 0 {
		return nil
	}
	num.Mul(num, big.NewInt(int64(s.open[Principal]+s.open[Correction])))
	q := num.Quo(num, den) // rounded down; all terms are positive
	if !q.IsInt64() {
		return fmt.Errorf("correction: %w", money.ErrOverflow)
	}
	return s.charge(Correction, money.Money(q.Int64()))
}

// factorText writes the cumulative correction factor with 8 decimals.
func (a *accrual) factorText() string {
	if a.fNum == nil {
		return "1.00000000"
	}
	return new(big.Rat).SetFrac(a.fNum, a.fDen).FloatString(8)
}

// interest accrues default interest over [from, to).
func (a *accrual) interest(s *state, from, to date.Date) error {
	days := from.DaysUntil(to)
	base := s.open[Principal] + s.open[Correction]
	a.base = base
	if base <= 0 || days <= 0 {
		return nil
	}
	t := a.t
	var x money.Money
	var err error
	switch {
	case t.Interest == nil: // Taxa Legal: simple, pro rata by days of each month
		sum := new(big.Rat)
		for d := from; d.Before(to); {
			m := MonthOf(d)
			end := (m + 1).First()
			if end.After(to) {
				end = to
			}
			v, err := t.LegalRate.Value(m)
			if err != nil {
				return fmt.Errorf("interest: %w", err)
			}
			if v > 0 {
				sum.Add(sum, big.NewRat(v*int64(d.DaysUntil(end)), rate.Scale*int64(m.Days())))
			}
			d = end
		}
		x, err = base.MulBig(sum, money.Down)
	case t.monthly.IsZero():
		return nil
	case t.Method == Simple:
		u := t.monthly.Units()
		if hi, lo := bits.Mul64(uint64(u), uint64(days)); hi == 0 && lo < 1<<62 {
			x, err = rate.MulDiv(base, int64(lo), rate.Scale*30, money.Down)
		} else {
			x, err = base.MulBig(big.NewRat(1, 1).Mul(big.NewRat(u, rate.Scale*30), big.NewRat(int64(days), 1)), money.Down)
		}
	default: // compound: monthly capitalisation, linear in the last fraction
		full, rem := days/30, days%30
		sc := big.NewInt(rate.Scale)
		u := big.NewInt(t.monthly.Units())
		num := new(big.Int).Exp(new(big.Int).Add(sc, u), big.NewInt(int64(full)), nil)
		num.Mul(num, new(big.Int).Add(new(big.Int).Mul(sc, big.NewInt(30)), new(big.Int).Mul(u, big.NewInt(int64(rem)))))
		den := new(big.Int).Exp(sc, big.NewInt(int64(full)), nil)
		den.Mul(den, new(big.Int).Mul(sc, big.NewInt(30)))
		f := new(big.Rat).SetFrac(num.Sub(num, den), den) // factor − 1
		x, err = (base + s.open[Interest]).MulBig(f, money.Down)
	}
	if err != nil {
		return fmt.Errorf("interest: %w", err)
	}
	return s.charge(Interest, x)
}
