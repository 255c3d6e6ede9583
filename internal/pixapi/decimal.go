package pixapi

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/regua/regua/internal/money"
)

// Decimal is a non-negative number with exactly two decimals, which the API
// Pix writes as a JSON string matching \d{1,10}\.\d{2}: amounts in reais
// ("123.45") and percentages ("2.00") alike. It counts hundredths.
type Decimal int64

// maxDecimal is the largest value with ten integer digits.
const maxDecimal = Decimal(9999999999_99)

// ParseDecimal reads the API's strict form: one to ten digits, a dot, two
// digits.
func ParseDecimal(s string) (Decimal, error) {
	n := len(s)
	if n < 4 || n > 13 || s[n-3] != '.' {
		return 0, fmt.Errorf("%q: want digits, a dot and two decimals, like 123.45", s)
	}
	var v int64
	for i := 0; i < n; i++ {
		if i == n-3 {
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q: want digits, a dot and two decimals, like 123.45", s)
		}
		v = v*10 + int64(c-'0')
	}
	return Decimal(v), nil
}

// FromMoney converts an amount in centavos; negative amounts are an error.
func FromMoney(m money.Money) (Decimal, error) {
	if m < 0 || Decimal(m) > maxDecimal {
		return 0, fmt.Errorf("amount %s out of the API's range", m)
	}
	return Decimal(m), nil
}

// Money is d as centavos.
func (d Decimal) Money() money.Money { return money.Money(d) }

func (d Decimal) String() string {
	return strconv.FormatInt(int64(d)/100, 10) + "." + string([]byte{byte('0' + d%100/10), byte('0' + d%10)})
}

// MarshalJSON writes d as a JSON string, as the API wants.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d < 0 || d > maxDecimal {
		return nil, fmt.Errorf("pixapi: decimal %d out of range", int64(d))
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads a JSON string in the API's form.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a string like \"123.45\", got %s", b)
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Modalidade is a domain code of the cobv value components (fine,
// interest, discount, rebate). The API declares it an integer; some PSPs
// send it as a string, so both are read.
type Modalidade int

func (m *Modalidade) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err == nil {
		*m = Modalidade(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("modalidade: want a number, got %s", b)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("modalidade: want a number, got %q", s)
	}
	*m = Modalidade(n)
	return nil
}
