// Package money holds Régua's one money type: an integer count of centavos
// (the smallest unit of the currency), with parsing of the ways Brazilian and
// Latin-American spreadsheets write amounts, locale formatting and arithmetic
// whose rounding is always explicit.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Money is an amount in centavos. It never holds fractions of a centavo:
// every operation that could produce one takes a RoundingMode.
type Money int64

// ErrOverflow is returned when a result does not fit in an int64 of centavos.
var ErrOverflow = errors.New("money: amount overflows")

// Cents builds a Money from centavos.
func Cents(c int64) Money { return Money(c) }

// Cents returns the amount in centavos.
func (m Money) Cents() int64 { return int64(m) }

// RoundingMode says what to do with a fraction of a centavo.
type RoundingMode int

const (
	// HalfUp rounds half a centavo away from zero (the usual commercial rule).
	HalfUp RoundingMode = iota
	// HalfEven rounds half a centavo to the even neighbour (banker's rounding).
	HalfEven
	// Down truncates toward zero (never charges more than owed).
	Down
	// Up rounds away from zero.
	Up
)

func (r RoundingMode) String() string {
	switch r {
	case HalfUp:
		return "half-up"
	case HalfEven:
		return "half-even"
	case Down:
		return "down"
	case Up:
		return "up"
	}
	return fmt.Sprintf("RoundingMode(%d)", int(r))
}

// Add returns m+o, or ErrOverflow.
func (m Money) Add(o Money) (Money, error) {
	s := m + o
	if (o > 0 && s < m) || (o < 0 && s > m) {
		return 0, ErrOverflow
	}
	return s, nil
}

// Sub returns m-o, or ErrOverflow.
func (m Money) Sub(o Money) (Money, error) {
	if o == math.MinInt64 {
		return 0, ErrOverflow
	}
	return m.Add(-o)
}

// Neg returns -m.
func (m Money) Neg() Money { return -m }

// Abs returns |m|.
func (m Money) Abs() Money {
	if m < 0 {
		return -m
	}
	return m
}

// MulRat returns m × num/den rounded by mode. It is exact: the product is
// computed with big integers, so no float error reaches the centavo.
func (m Money) MulRat(num, den int64, mode RoundingMode) (Money, error) {
	if den == 0 {
		return 0, errors.New("money: division by zero")
	}
	p := new(big.Int).Mul(big.NewInt(int64(m)), big.NewInt(num))
	return roundQuo(p, big.NewInt(den), mode)
}

// MulBig returns m × r rounded by mode, for rates that are not small fractions
// (compound interest factors and the like).
func (m Money) MulBig(r *big.Rat, mode RoundingMode) (Money, error) {
	p := new(big.Int).Mul(big.NewInt(int64(m)), r.Num())
	return roundQuo(p, new(big.Int).Set(r.Denom()), mode)
}

// RoundRat rounds a rational amount of centavos to a Money.
func RoundRat(r *big.Rat, mode RoundingMode) (Money, error) {
	return roundQuo(new(big.Int).Set(r.Num()), new(big.Int).Set(r.Denom()), mode)
}

func roundQuo(n, d *big.Int, mode RoundingMode) (Money, error) {
	if d.Sign() < 0 {
		n.Neg(n)
		d.Neg(d)
	}
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Sign() != 0 {
		neg := n.Sign() < 0
		away := false
		switch mode {
		case Up:
			away = true
		case Down:
			away = false
		case HalfUp, HalfEven:
			twice := new(big.Int).Abs(r)
			twice.Lsh(twice, 1)
			c := twice.Cmp(d)
			away = c > 0 || (c == 0 && (mode == HalfUp || q.Bit(0) == 1))
		}
		if away {
			if neg {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	if !q.IsInt64() {
		return 0, ErrOverflow
	}
	return Money(q.Int64()), nil
}

// Allocate splits m into n parts that differ by at most one centavo and sum
// exactly to m; the earlier parts take the extra centavos.
func (m Money) Allocate(n int) ([]Money, error) {
	if n <= 0 {
		return nil, fmt.Errorf("money: cannot split into %d parts", n)
	}
	base := int64(m) / int64(n)
	rem := int64(m) % int64(n)
	out := make([]Money, n)
	for i := range out {
		out[i] = Money(base)
		if rem > 0 {
			out[i]++
			rem--
		} else if rem < 0 {
			out[i]--
			rem++
		}
	}
	return out, nil
}

// String formats as a plain decimal with a dot ("1234.56", "-0.05"): the
// form used in JSON, logs and files read by machines.
func (m Money) String() string {
	c := int64(m)
	sign := ""
	u := uint64(c)
	if c < 0 {
		sign = "-"
		u = uint64(-(c + 1)) + 1
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// MarshalText implements encoding.TextMarshaler with String's form.
func (m Money) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with Parse.
func (m *Money) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Format writes an amount in reais for people reading in a locale: the
// currency stays the portfolio's (R$), only the separators follow the
// reader: "pt-BR" and "es" → "R$ 1.234,56", "en" → "R$1,234.56". Unknown
// locales use pt-BR. Other currencies use FormatWith.
func (m Money) Format(locale string) string {
	thou, dec, space := ".", ",", " "
	if l := strings.ToLower(locale); l == "en" || strings.HasPrefix(l, "en-") {
		thou, dec, space = ",", ".", ""
	}
	return m.FormatWith("R$", thou, dec, space)
}

// FormatWith formats with an explicit symbol, thousands and decimal
// separators, and the text between symbol and digits.
func (m Money) FormatWith(symbol, thousands, decimal, space string) string {
	c := int64(m)
	neg := c < 0
	u := uint64(c)
	if neg {
		u = uint64(-(c + 1)) + 1
	}
	units := fmt.Sprintf("%d", u/100)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if symbol != "" {
		b.WriteString(symbol)
		b.WriteString(space)
	}
	for i, ch := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(ch)
	}
	fmt.Fprintf(&b, "%s%02d", decimal, u%100)
	return b.String()
}
