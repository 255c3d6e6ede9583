// Package plan builds installment plans (parcelamentos): Price-table
// amortisation (Tabela Price, the French system: equal installments, interest
// on the open balance, amortisation growing each month) and zero-rate plans,
// with due dates that may skip non-business days and an optional discount for
// paying each installment on time (desconto por pontualidade).
//
// Rounding is explicit and always the same: the fixed installment and each
// month's interest are rounded half-up to the centavo, and the last
// installment absorbs whatever centavos remain, so the installments add up
// exactly to the financed amount plus the interest shown.
package plan

import (
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

// MaxInstallments bounds a plan; longer plans are almost certainly a typo.
const MaxInstallments = 600

// Calendar reports whether a date is a business day. The holiday calendar
// lives elsewhere (the contact-policy package); plans only need this func.
type Calendar func(date.Date) bool

// WeekendsOff is the Calendar with every Monday–Friday open: the fallback
// when no holiday calendar is plugged in.
func WeekendsOff(d date.Date) bool {
	w := weekday(d)
	return w != time.Saturday && w != time.Sunday
}

// NextBusinessDay returns d, or the first business day after it.
func NextBusinessDay(d date.Date, cal Calendar) date.Date {
	if cal == nil {
		return d
	}
	for i := 0; i < 30 && !cal(d); i++ { // bounded: a calendar closed for a month is a bug
		d = d.AddDays(1)
	}
	return d
}

// Request describes a plan to build.
type Request struct {
	Amount money.Money // financed amount (valor financiado)
	N      int         // number of installments
	// Rate is the plan's interest rate: monthly ("2,5%am"), or yearly
	// ("26,8%aa", converted to the compound monthly equivalent) or daily
	// (×30). Zero builds a zero-rate plan.
	Rate  rate.Rate
	First date.Date // due date of installment 1 before any business-day shift
	// Calendar, when set, moves each due date that is not a business day to
	// the next one; the amounts do not change (a payment on the next business
	// day is on time).
	Calendar Calendar
	// OnTimeDiscount is a flat percentage taken off an installment paid by its
	// due date; each row shows the amount with the discount.
	OnTimeDiscount rate.Rate
	// Fixed, when positive, builds a "pay what you can" plan: every
	// installment is Fixed (interest on the open balance, the rest
	// amortises) until the balance is paid, the last one smaller; N is then
	// the most installments allowed.
	Fixed money.Money
}

// Row is one installment.
type Row struct {
	Number       int         `json:"number"`
	Due          date.Date   `json:"due"`
	Installment  money.Money `json:"installment"`
	Interest     money.Money `json:"interest"`
	Amortisation money.Money `json:"amortisation"`
	Balance      money.Money `json:"balance"` // open after this installment
	OnTime       money.Money `json:"on_time"` // what to pay if paid by Due
}

// Schedule is a built plan.
type Schedule struct {
	Amount        money.Money `json:"amount"`
	N             int         `json:"n"`
	MonthlyRate   rate.Rate   `json:"monthly_rate"` // the rate the table was built with
	Installment   money.Money `json:"installment"`  // the fixed installment (the last may differ by centavos)
	Rows          []Row       `json:"rows"`
	Total         money.Money `json:"total"`
	TotalInterest money.Money `json:"total_interest"`
}

// Errors that callers may want to tell apart.
var (
	ErrAmount       = errors.New("plan: amount")
	ErrInstallments = errors.New("plan: number of installments")
	ErrRate         = errors.New("plan: rate")
	ErrDate         = errors.New("plan: first due date")
)

// Build makes the schedule: Price table when the rate is above zero,
// equal installments otherwise.
func Build(req Request) (Schedule, error) {
	if req.Amount <= 0 {
		return Schedule{}, fmt.Errorf("%w must be positive, got %s", ErrAmount, req.Amount.Format("pt-BR"))
	}
	if req.N < 1 || req.N > MaxInstallments {
		return Schedule{}, fmt.Errorf("%w must be between 1 and %d, got %d", ErrInstallments, MaxInstallments, req.N)
	}
	if req.First.IsZero() {
		return Schedule{}, fmt.Errorf("%w is missing", ErrDate)
	}
	if req.OnTimeDiscount.Period() != rate.Flat || req.OnTimeDiscount.Units() > rate.Scale {
		return Schedule{}, fmt.Errorf("plan: on-time discount %s must be a flat percentage up to 100%%", req.OnTimeDiscount)
	}
	i := req.Rate
	if !i.IsZero() {
		var err error
		if i, err = i.Monthly(false); err != nil {
			return Schedule{}, fmt.Errorf("%w %s: %v", ErrRate, req.Rate, err)
		}
	} else {
		i, _ = rate.New(0, rate.Monthly)
	}
	s := Schedule{Amount: req.Amount, N: req.N, MonthlyRate: i}
	var pmt money.Money
	var err error
	if req.Fixed > 0 {
		pmt = req.Fixed
		first, err := i.Of(req.Amount, money.HalfUp)
		if err != nil {
			return Schedule{}, err
		}
		if first >= pmt {
			return Schedule{}, fmt.Errorf("%w: %s a month does not cover the first month's interest of %s", ErrAmount, pmt.Format("pt-BR"), first.Format("pt-BR"))
		}
	} else if pmt, err = Installment(req.Amount, req.N, i); err != nil {
		return Schedule{}, err
	}
	s.Installment = pmt
	s.Rows = make([]Row, 0, req.N)
	bal := req.Amount
	for k := 1; k <= req.N && bal > 0; k++ {
		interest, err := i.Of(bal, money.HalfUp)
		if err != nil {
			return Schedule{}, fmt.Errorf("plan: interest of installment %d: %w", k, err)
		}
		inst := pmt
		amort := inst - interest
		if (k == req.N && req.Fixed == 0) || amort > bal {
			// The last installment absorbs the centavos left by rounding.
			amort = bal
			if inst, err = amort.Add(interest); err != nil {
				return Schedule{}, fmt.Errorf("plan: installment %d: %w", k, err)
			}
		}
		bal -= amort
		disc, err := req.OnTimeDiscount.Of(inst, money.Down)
		if err != nil {
			return Schedule{}, err
		}
		nominal := addMonths(req.First, k-1)
		s.Rows = append(s.Rows, Row{
			Number: k, Due: NextBusinessDay(nominal, req.Calendar),
			Installment: inst, Interest: interest, Amortisation: amort, Balance: bal, OnTime: inst - disc,
		})
		if s.Total, err = s.Total.Add(inst); err != nil {
			return Schedule{}, fmt.Errorf("plan: total: %w", err)
		}
		if s.TotalInterest, err = s.TotalInterest.Add(interest); err != nil {
			return Schedule{}, fmt.Errorf("plan: total interest: %w", err)
		}
	}
	if bal > 0 {
		return Schedule{}, fmt.Errorf("%w: %s a month does not pay %s in %d installments", ErrInstallments, pmt.Format("pt-BR"), req.Amount.Format("pt-BR"), req.N)
	}
	s.N = len(s.Rows)
	return s, nil
}

// Installment returns the fixed Price installment for amount over n months
// at monthly rate i, PMT = A·i / (1 − (1+i)^−n), rounded half-up; with
// i = 0 it is A/n rounded down (the last installment takes the rest).
func Installment(amount money.Money, n int, i rate.Rate) (money.Money, error) {
	if n < 1 {
		return 0, fmt.Errorf("%w must be at least 1, got %d", ErrInstallments, n)
	}
	if amount <= 0 {
		return 0, fmt.Errorf("%w must be positive, got %s", ErrAmount, amount.Format("pt-BR"))
	}
	if i.IsZero() {
		return amount / money.Money(n), nil
	}
	f := priceFactor(i.Units(), n)
	num := new(big.Int).Mul(big.NewInt(amount.Cents()), f.num)
	q, r := new(big.Int).QuoRem(num, f.den, new(big.Int))
	if r.Lsh(r, 1).Cmp(f.den) >= 0 { // half-up (all terms are positive)
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 0, fmt.Errorf("plan: installment of %s: %w", amount, money.ErrOverflow)
	}
	return money.Money(q.Int64()), nil
}

// factor is the Price factor i·(1+i)^n / ((1+i)^n − 1) as num/den.
type factor struct{ num, den *big.Int }

type factorKey struct {
	units int64
	n     int
}

// factors caches Price factors: policies use a handful of rates and terms,
// and a menu asks for the same factor many times. Bounded so that random
// rates (tests, odd tenants) cannot grow it without limit.
var factors = struct {
	sync.RWMutex
	m map[factorKey]factor
}{m: map[factorKey]factor{}}

const maxFactors = 8192

// priceFactor returns i·(1+i)^n / ((1+i)^n − 1) for i = units/Scale: with
// i = p/q in lowest terms, num = p·(q+p)^n and den = q·((q+p)^n − q^n).
func priceFactor(units int64, n int) factor {
	k := factorKey{units, n}
	factors.RLock()
	f, ok := factors.m[k]
	factors.RUnlock()
	if ok {
		return f
	}
	g := gcd(units, rate.Scale)
	p, q := big.NewInt(units/g), big.NewInt(rate.Scale/g)
	bn := big.NewInt(int64(n))
	qp := new(big.Int).Exp(new(big.Int).Add(q, p), bn, nil)
	qn := new(big.Int).Exp(q, bn, nil)
	f = factor{num: new(big.Int).Mul(p, qp), den: new(big.Int).Mul(q, qp.Sub(qp, qn))}
	factors.Lock()
	if len(factors.m) < maxFactors {
		factors.m[k] = f
	}
	factors.Unlock()
	return f
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// PresentValue discounts the installments of s at its monthly rate, one
// period per installment, and returns the exact value in centavos. For a
// Price table it equals the financed amount within one centavo per
// installment (the rounding the table is allowed).
func (s Schedule) PresentValue() *big.Rat {
	// With i = p/q and r = q+p: PV = Σ c_k·q^k·r^(n−k) / r^n, summed by
	// Horner's rule in integers (one fraction at the end).
	units := s.MonthlyRate.Units()
	g := gcd(units, rate.Scale)
	p, q := big.NewInt(units/g), big.NewInt(rate.Scale/g)
	r := new(big.Int).Add(q, p)
	sum, qk, rn := new(big.Int), big.NewInt(1), big.NewInt(1)
	for _, row := range s.Rows {
		qk.Mul(qk, q)
		sum.Mul(sum, r)
		sum.Add(sum, new(big.Int).Mul(big.NewInt(row.Installment.Cents()), qk))
		rn.Mul(rn, r)
	}
	return new(big.Rat).SetFrac(sum, rn)
}

// SmallestN returns the fewest installments, up to max, whose fixed Price
// installment at rate i is at most perMonth ("pay what you can"), or an
// error when even max installments would be more.
func SmallestN(amount, perMonth money.Money, i rate.Rate, max int) (int, error) {
	if perMonth <= 0 {
		return 0, fmt.Errorf("%w: installment amount must be positive, got %s", ErrAmount, perMonth.Format("pt-BR"))
	}
	lo, hi := 1, max
	if p, err := Installment(amount, hi, i); err != nil {
		return 0, err
	} else if p > perMonth || (i.IsZero() && amount-p*money.Money(hi-1) > perMonth) {
		return 0, fmt.Errorf("plan: %s a month does not pay %s in %d installments", perMonth.Format("pt-BR"), amount.Format("pt-BR"), max)
	}
	fits := func(n int) bool {
		p, err := Installment(amount, n, i)
		if err != nil {
			return false
		}
		if i.IsZero() { // the last installment carries the remainder
			return amount-p*money.Money(n-1) <= perMonth
		}
		return p <= perMonth
	}
	for lo < hi { // installments fall as n grows: binary search
		mid := (lo + hi) / 2
		if fits(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, nil
}
