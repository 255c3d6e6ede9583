// Package rate is an exact interest or percentage rate as people write it in
// contracts and on the command line: "2%", "1%am" (ao mês, per month),
// "2,5% a.m.", "26,8%aa" (ao ano, per year), "0,033%ad" (ao dia, per day).
//
// A Rate is fixed-point: an integer count of 10⁻¹² (so ten decimal places of
// a percent) plus the period it refers to. Every amount computed from a Rate
// goes through big integers and an explicit rounding mode, never float64.
package rate

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"

	"github.com/regua/regua/internal/money"
)

// Scale is the number of units in 1 (100%).
const Scale int64 = 1_000_000_000_000

// maxUnits bounds a rate at 1,000,000% so that products stay far from any
// int64 edge and nonsense input is caught early.
const maxUnits = 10_000 * Scale

// Period is what a rate refers to.
type Period uint8

const (
	// Flat is a one-off percentage (a fine, a discount, a share).
	Flat Period = iota
	// Daily is per day (ao dia).
	Daily
	// Monthly is per month (ao mês).
	Monthly
	// Yearly is per year (ao ano).
	Yearly
)

func (p Period) String() string {
	switch p {
	case Flat:
		return ""
	case Daily:
		return "ad"
	case Monthly:
		return "am"
	case Yearly:
		return "aa"
	}
	return fmt.Sprintf("Period(%d)", int(p))
}

// Rate is an exact non-negative rate. The zero value is 0% flat.
type Rate struct {
	units  int64 // in 1/Scale
	period Period
}

// ErrSyntax wraps every parse failure.
var ErrSyntax = errors.New("rate: invalid")

// New builds a rate of units/Scale per period.
func New(units int64, p Period) (Rate, error) {
	if units < 0 {
		return Rate{}, fmt.Errorf("rate: negative (%d units)", units)
	}
	if units > maxUnits {
		return Rate{}, fmt.Errorf("rate: %s%% is over the 1,000,000%% sanity limit", unitsPercent(units, "."))
	}
	if p > Yearly {
		return Rate{}, fmt.Errorf("rate: unknown period %d", p)
	}
	return Rate{units, p}, nil
}

// Percent builds a rate from a percentage written as num/den percent
// (Percent(25, 10, Monthly) is 2.5% a month). It panics on invalid input and
// is meant for constants.
func Percent(num, den int64, p Period) Rate {
	if den <= 0 || num < 0 {
		panic("rate: Percent needs num >= 0 and den > 0")
	}
	r, err := New(num*(Scale/100)/den, p)
	if err != nil || (num*(Scale/100))%den != 0 {
		panic(fmt.Sprintf("rate: Percent(%d, %d) not representable", num, den))
	}
	return r
}

// FromRat quantises an exact fraction (0.025 for 2.5%) to the rate grid with
// half-even rounding; used for converted rates (a yearly rate's monthly
// equivalent), never for rates people typed.
func FromRat(x *big.Rat, p Period) (Rate, error) {
	m, err := money.RoundRat(new(big.Rat).Mul(x, new(big.Rat).SetInt64(Scale)), money.HalfEven)
	if err != nil {
		return Rate{}, fmt.Errorf("rate: %w", err)
	}
	return New(int64(m), p)
}

// Units returns the rate in 1/Scale.
func (r Rate) Units() int64 { return r.units }

// Period returns what the rate refers to.
func (r Rate) Period() Period { return r.period }

// IsZero reports a 0% rate.
func (r Rate) IsZero() bool { return r.units == 0 }

// Rat returns the rate as an exact fraction (0.025 for 2.5%).
func (r Rate) Rat() *big.Rat { return big.NewRat(r.units, Scale) }

// Cmp compares the magnitudes of two rates of the same period; rates of
// different periods are an error because comparing them needs a convention.
func (r Rate) Cmp(o Rate) (int, error) {
	if r.period != o.period {
		return 0, fmt.Errorf("rate: cannot compare %s with %s (different periods)", r, o)
	}
	switch {
	case r.units < o.units:
		return -1, nil
	case r.units > o.units:
		return 1, nil
	}
	return 0, nil
}

// Exceeds reports whether r is above limit; both must have the same period.
func (r Rate) Exceeds(limit Rate) bool {
	c, err := r.Cmp(limit)
	return err != nil || c > 0
}

// Of returns m × r rounded by mode (the period is ignored: 2% of 1.500,00).
func (r Rate) Of(m money.Money, mode money.RoundingMode) (money.Money, error) {
	return MulDiv(m, r.units, Scale, mode)
}

// MulDiv returns m × num / den rounded by mode, exactly. Non-negative
// operands take a 128-bit path with no allocation (this runs once per
// installment per month in every plan); anything else goes to money.MulRat.
func MulDiv(m money.Money, num, den int64, mode money.RoundingMode) (money.Money, error) {
	if m < 0 || num < 0 || den <= 0 {
		return m.MulRat(num, den, mode)
	}
	hi, lo := bits.Mul64(uint64(m), uint64(num))
	if hi >= uint64(den) {
		return 0, money.ErrOverflow
	}
	q, rem := bits.Div64(hi, lo, uint64(den))
	if rem != 0 {
		switch mode {
		case money.Up:
			q++
		case money.HalfUp:
			if rem >= uint64(den)-rem {
				q++
			}
		case money.HalfEven:
			if rem > uint64(den)-rem || (rem == uint64(den)-rem && q&1 == 1) {
				q++
			}
		}
	}
	if q > math.MaxInt64 {
		return 0, money.ErrOverflow
	}
	return money.Money(q), nil
}

// Complement returns 1 − r for a flat percentage ≤ 100% (used for
// discounts: pay 1 − discount).
func (r Rate) Complement() (Rate, error) {
	if r.units > Scale {
		return Rate{}, fmt.Errorf("rate: %s is over 100%%", r)
	}
	return Rate{Scale - r.units, r.period}, nil
}

// Mul returns r scaled by num/den, rounded half-even to the grid.
func (r Rate) Mul(num, den int64) (Rate, error) {
	return FromRat(new(big.Rat).Mul(r.Rat(), big.NewRat(num, den)), r.period)
}

// Monthly returns the monthly rate equivalent to r. A monthly rate is
// returned as is; a daily rate is ×30 (commercial month); a yearly rate is
// converted by compounding, (1+a)^(1/12) − 1, quantised to the grid, unless
// simple is true, in which case it is a/12. Flat rates are an error.
func (r Rate) Monthly(simple bool) (Rate, error) {
	switch r.period {
	case Monthly:
		return r, nil
	case Daily:
		return New(r.units*30, Monthly)
	case Yearly:
		if simple {
			return FromRat(new(big.Rat).Quo(r.Rat(), big.NewRat(12, 1)), Monthly)
		}
		one := new(big.Rat).SetInt64(1)
		root := NthRoot(new(big.Rat).Add(one, r.Rat()), 12)
		return FromRat(root.Sub(root, one), Monthly)
	}
	return Rate{}, fmt.Errorf("rate: %s has no period; write it as %%am or %%aa", r)
}

// Yearly returns the yearly rate equivalent to a monthly rate by
// compounding, (1+m)^12 − 1, quantised to the grid.
func (r Rate) Yearly() (Rate, error) {
	switch r.period {
	case Yearly:
		return r, nil
	case Monthly:
		one := new(big.Rat).SetInt64(1)
		f := Pow(new(big.Rat).Add(one, r.Rat()), 12)
		return FromRat(f.Sub(f, one), Yearly)
	}
	return Rate{}, fmt.Errorf("rate: cannot convert %s to a yearly rate", r)
}

// Pow returns x^n exactly (n ≥ 0) by repeated squaring.
func Pow(x *big.Rat, n int) *big.Rat {
	result := new(big.Rat).SetInt64(1)
	base := new(big.Rat).Set(x)
	for n > 0 {
		if n&1 == 1 {
			result.Mul(result, base)
		}
		n >>= 1
		if n > 0 {
			base.Mul(base, base)
		}
	}
	return result
}

// NthRoot returns x^(1/n) for x > 0 to about 70 significant digits (256-bit
// Newton iteration): far below the 10⁻¹² grid that rates are quantised to.
func NthRoot(x *big.Rat, n int) *big.Rat {
	const prec = 256
	a := new(big.Float).SetPrec(prec).SetRat(x)
	y := new(big.Float).SetPrec(prec).SetInt64(1)
	nf := new(big.Float).SetPrec(prec).SetInt64(int64(n))
	n1 := new(big.Float).SetPrec(prec).SetInt64(int64(n - 1))
	for i := 0; i < 200; i++ {
		// y ← ((n−1)·y + a / y^(n−1)) / n
		p := new(big.Float).SetPrec(prec).SetInt64(1)
		for j := 0; j < n-1; j++ {
			p.Mul(p, y)
		}
		next := new(big.Float).SetPrec(prec).Quo(a, p)
		next.Add(next, new(big.Float).SetPrec(prec).Mul(n1, y))
		next.Quo(next, nf)
		if next.Cmp(y) == 0 {
			break
		}
		y = next
	}
	out, _ := y.Rat(nil)
	return out
}

// RoundPercent returns r rounded half-even to this many decimals of a
// percent, for display (a CET is shown with two).
func (r Rate) RoundPercent(decimals int) Rate {
	if decimals < 0 || decimals >= 10 {
		return r
	}
	step := Scale / 100
	for i := 0; i < decimals; i++ {
		step /= 10
	}
	q, rem := r.units/step, r.units%step
	if 2*rem > step || (2*rem == step && q%2 == 1) {
		q++
	}
	return Rate{q * step, r.period}
}

// String is the canonical, parseable form with a dot: "2.5%am", "2%".
func (r Rate) String() string { return unitsPercent(r.units, ".") + "%" + r.period.String() }

// Format writes the rate for people: pt-BR "2,5% a.m.", es "2,5 % mensual",
// en "2.5% per month".
func (r Rate) Format(locale string) string {
	switch strings.ToLower(locale) {
	case "en", "en-us", "en-gb":
		return unitsPercent(r.units, ".") + "%" + map[Period]string{Daily: " per day", Monthly: " per month", Yearly: " per year"}[r.period]
	case "es", "es-es", "es-mx", "es-co", "es-cl", "es-ar":
		return unitsPercent(r.units, ",") + " %" + map[Period]string{Daily: " diario", Monthly: " mensual", Yearly: " anual"}[r.period]
	}
	return unitsPercent(r.units, ",") + "%" + map[Period]string{Daily: " a.d.", Monthly: " a.m.", Yearly: " a.a."}[r.period]
}

// unitsPercent writes units as a percentage with the fewest decimals needed.
func unitsPercent(units int64, dec string) string {
	const perPercent = Scale / 100
	s := strconv.FormatInt(units/perPercent, 10)
	frac := units % perPercent
	if frac == 0 {
		return s
	}
	f := strconv.FormatInt(frac, 10)
	f = strings.Repeat("0", 10-len(f)) + f
	return s + dec + strings.TrimRight(f, "0")
}

// MarshalText writes String's form.
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads anything Parse accepts.
func (r *Rate) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// MustParse is Parse for constants; it panics on error.
func MustParse(s string) Rate {
	r, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return r
}

// suffixes maps the ways contracts write the period after the % sign,
// compared lower-case with spaces and dots removed.
var suffixes = map[string]Period{
	"":   Flat,
	"am": Monthly, "pm": Monthly, "aomês": Monthly, "aomes": Monthly, "/mês": Monthly, "/mes": Monthly,
	"/m": Monthly, "/mo": Monthly, "/month": Monthly, "permonth": Monthly, "mensal": Monthly, "mensual": Monthly, "monthly": Monthly, "mv": Monthly,
	"aa": Yearly, "pa": Yearly, "aoano": Yearly, "/ano": Yearly, "/año": Yearly, "/a": Yearly, "/yr": Yearly, "/year": Yearly,
	"peryear": Yearly, "anual": Yearly, "annual": Yearly, "yearly": Yearly, "ea": Yearly, "tea": Yearly, "apr": Yearly,
	"ad": Daily, "aodia": Daily, "/dia": Daily, "/día": Daily, "/d": Daily, "/day": Daily, "perday": Daily, "daily": Daily, "diário": Daily, "diario": Daily,
}

// Parse reads a percentage with an optional period: "2%", "2,5%am",
// "2.5% a.m.", "1% ao mês", "26,8%aa", "0,033%ad", "25,02% EA". The number
// takes a comma or a dot as decimal mark, up to ten decimals, and no
// thousands separators; the % sign is required so that "2" is never read as
// 200%. Negative rates are refused.
func Parse(s string) (Rate, error) {
	orig := s
	s = strings.TrimSpace(s)
	pct := strings.IndexByte(s, '%')
	if pct < 0 {
		return Rate{}, fmt.Errorf("%w %q: missing %% sign (write 2%% or 2,5%%am)", ErrSyntax, orig)
	}
	num := strings.TrimSpace(s[:pct])
	suf := strings.ToLower(s[pct+1:])
	suf = strings.NewReplacer(" ", "", ".", "", "\u00a0", "").Replace(suf)
	p, ok := suffixes[suf]
	if !ok {
		return Rate{}, fmt.Errorf("%w %q: unknown period %q (want am, aa, ad or nothing)", ErrSyntax, orig, s[pct+1:])
	}
	if strings.HasPrefix(num, "+") {
		num = num[1:]
	}
	if strings.HasPrefix(num, "-") {
		return Rate{}, fmt.Errorf("%w %q: a rate cannot be negative", ErrSyntax, orig)
	}
	intPart, frac := num, ""
	if i := strings.IndexAny(num, ".,"); i >= 0 {
		intPart, frac = num[:i], num[i+1:]
		if frac == "" {
			return Rate{}, fmt.Errorf("%w %q: no digits after the decimal mark", ErrSyntax, orig)
		}
	}
	if intPart == "" && frac == "" {
		return Rate{}, fmt.Errorf("%w %q: no number before %%", ErrSyntax, orig)
	}
	if intPart == "" {
		intPart = "0"
	}
	if len(frac) > 10 {
		return Rate{}, fmt.Errorf("%w %q: more than 10 decimals", ErrSyntax, orig)
	}
	if len(intPart) > 7 {
		return Rate{}, fmt.Errorf("%w %q: over the 1,000,000%% sanity limit", ErrSyntax, orig)
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return Rate{}, fmt.Errorf("%w %q: unexpected character %q", ErrSyntax, orig, part[i])
			}
		}
	}
	ip, _ := strconv.ParseInt(intPart, 10, 64)
	frac += strings.Repeat("0", 10-len(frac))
	fp, _ := strconv.ParseInt(frac, 10, 64)
	r, err := New(ip*(Scale/100)+fp, p)
	if err != nil {
		return Rate{}, fmt.Errorf("%w %q: %v", ErrSyntax, orig, err)
	}
	return r, nil
}
