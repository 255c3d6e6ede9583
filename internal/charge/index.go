package charge

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
)

// Month is a calendar month, counted as year×12 + month−1 so that months
// order and subtract as integers.
type Month int

// MonthOf returns the month of d.
func MonthOf(d date.Date) Month { return Month(d.Year()*12 + int(d.Month()) - 1) }

// NewMonth returns the month y-m.
func NewMonth(y int, m time.Month) Month { return Month(y*12 + int(m) - 1) }

func (m Month) Year() int         { return int(m) / 12 }
func (m Month) Month() time.Month { return time.Month(int(m)%12 + 1) }
func (m Month) First() date.Date  { return date.New(m.Year(), m.Month(), 1) }
func (m Month) Days() int         { return m.First().DaysUntil((m + 1).First()) }
func (m Month) String() string    { return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Month())) }

// ParseMonth reads "2026-05", "05/2026" or "2026-05-01" (the day is ignored).
func ParseMonth(s string) (Month, error) {
	s = strings.TrimSpace(s)
	var y, m int
	var err error
	switch {
	case len(s) == 7 && s[4] == '-':
		y, err = strconv.Atoi(s[:4])
		if err == nil {
			m, err = strconv.Atoi(s[5:])
		}
	case len(s) == 7 && s[2] == '/':
		m, err = strconv.Atoi(s[:2])
		if err == nil {
			y, err = strconv.Atoi(s[3:])
		}
	case len(s) == 10:
		var d date.Date
		if d, err = date.Parse(s); err == nil {
			return MonthOf(d), nil
		}
	default:
		err = errors.New("want YYYY-MM or MM/YYYY")
	}
	if err == nil && (m < 1 || m > 12 || y < 1900 || y > 9999) {
		err = errors.New("month or year out of range")
	}
	if err != nil {
		return 0, fmt.Errorf("month %q: %v", s, err)
	}
	return NewMonth(y, time.Month(m)), nil
}

// Index is a series of monthly values the tenant loads: the monthly
// variation of a price index for monetary correction (IPCA, IGP-M, INPC), or
// a monthly rate such as the Taxa Legal of CC art. 406 that the Banco Central
// publishes each month. Values are fractions in units of 10⁻¹² (rate.Scale)
// and may be negative (deflation months of IGP-M).
type Index struct {
	Name   string
	values map[Month]int64
}

// NewIndex returns an empty series.
func NewIndex(name string) *Index { return &Index{Name: name, values: map[Month]int64{}} }

// Set stores the value of month m as a percentage string ("0,46%", "-0,12",
// "0.46"; a missing % sign still means percent, as index tables print).
func (ix *Index) Set(m Month, percent string) error {
	p := strings.TrimSpace(percent)
	neg := strings.HasPrefix(p, "-")
	if neg {
		p = strings.TrimSpace(p[1:])
	}
	if !strings.Contains(p, "%") {
		p += "%"
	}
	r, err := rate.Parse(p)
	if err != nil || r.Period() != rate.Flat {
		return fmt.Errorf("%s %s: value %q is not a percentage", ix.Name, m, percent)
	}
	if r.Units() > rate.Scale {
		return fmt.Errorf("%s %s: %s in one month is not plausible", ix.Name, m, percent)
	}
	v := r.Units()
	if neg {
		v = -v
	}
	ix.values[m] = v
	return nil
}

// Value returns month m's value in 10⁻¹², or an error naming the month.
func (ix *Index) Value(m Month) (int64, error) {
	if ix == nil {
		return 0, errors.New("no index table loaded")
	}
	v, ok := ix.values[m]
	if !ok {
		return 0, &MissingMonthError{Index: ix.Name, Month: m}
	}
	return v, nil
}

// Months returns the months present, in order.
func (ix *Index) Months() []Month {
	out := make([]Month, 0, len(ix.values))
	for m := range ix.values {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ParseDebts reads debts as JSON: an array of
// {"id", "product", "terms": {"fine": "2%", "interest": "1%am", "method",
// "contract_rate", "rebate_future", "fees", "order", "grace_days",
// "caps": "br-consumer"}, "installments": [{"number", "due", "amount",
// "payments": [{"date", "amount"}]}]}. Unknown fields are errors. Index
// tables are not part of the file: the caller sets Terms.Correction and
// Terms.LegalRate, and Compute validates the terms.
func ParseDebts(r io.Reader) ([]Debt, error) {
	dec := json.NewDecoder(io.LimitReader(r, 64<<20))
	dec.DisallowUnknownFields()
	var debts []Debt
	if err := dec.Decode(&debts); err != nil {
		return nil, fmt.Errorf("debts: %w", err)
	}
	if len(debts) == 0 {
		return nil, errors.New("debts: the file has no debts")
	}
	for i := range debts {
		if debts[i].ID == "" {
			return nil, fmt.Errorf("debts: debt %d has no id", i+1)
		}
		if len(debts[i].Installments) == 0 {
			return nil, fmt.Errorf("debts: debt %s has no installments", debts[i].ID)
		}
	}
	return debts, nil
}

// MissingMonthError says which month of which series a computation needed.
type MissingMonthError struct {
	Index string
	Month Month
}

func (e *MissingMonthError) Error() string {
	return fmt.Sprintf("%s has no value for %s: load that month into the table", e.Index, e.Month)
}

// ParseIndex reads a series from CSV-like text, one month a line:
// "2026-05;0,46", "2026-05,0.46%", "05/2026<TAB>0,46%". Blank lines, lines
// starting with # and a header line whose first field is not a month are
// skipped. It also accepts JSON: {"name": "IPCA", "values": {"2026-05": "0,46%"}}.
func ParseIndex(name string, r io.Reader) (*Index, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(1)
	ix := NewIndex(name)
	if len(head) == 1 && head[0] == '{' {
		var doc struct {
			Name   string            `json:"name"`
			Values map[string]string `json:"values"`
		}
		dec := json.NewDecoder(br)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		if doc.Name != "" {
			ix.Name = doc.Name
		}
		for k, v := range doc.Values {
			m, err := ParseMonth(k)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", ix.Name, err)
			}
			if err := ix.Set(m, v); err != nil {
				return nil, err
			}
		}
		return ix, nil
	}
	sc := bufio.NewScanner(br)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		// The month is the first field; the separator is whatever follows it.
		cut := strings.IndexAny(t, ";,\t ")
		if cut < 0 {
			return nil, fmt.Errorf("%s line %d: want month and value, got %q", name, line, t)
		}
		m, err := ParseMonth(t[:cut])
		if err != nil {
			if line == 1 {
				continue // a header
			}
			return nil, fmt.Errorf("%s line %d: %v", name, line, err)
		}
		val := strings.Trim(strings.TrimSpace(t[cut+1:]), "\"")
		if _, dup := ix.values[m]; dup {
			return nil, fmt.Errorf("%s line %d: %s appears twice", name, line, m)
		}
		if err := ix.Set(m, val); err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(ix.values) == 0 {
		return nil, fmt.Errorf("%s: no months in the table", name)
	}
	return ix, nil
}
