package money

import (
	"fmt"
	"strings"
)

// Parse reads an amount as people and spreadsheets write it:
// "1.234,56", "1234,56", "1234.56", "1,234.56", "R$ 1.234,56", "-12,3",
// "(12,30)" (accounting negative) and "1234". A separator followed by exactly
// three digits and then another separator or the end is a thousands
// separator; the last separator followed by one or two digits is the decimal
// mark. More than two decimals is an error: money has no fractions of a
// centavo here.
func Parse(s string) (Money, error) {
	orig := s
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg = true
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if strings.HasPrefix(s, "-") {
		neg = !neg
		s = strings.TrimSpace(s[1:])
	} else if strings.HasPrefix(s, "+") {
		s = strings.TrimSpace(s[1:])
	}
	for _, sym := range []string{"R$", "US$", "$", "€", "BRL", "MXN", "COP", "CLP", "EUR", "USD"} {
		if strings.HasPrefix(s, sym) {
			s = strings.TrimSpace(s[len(sym):])
			break
		}
	}
	if strings.HasPrefix(s, "-") && !neg {
		neg = true
		s = strings.TrimSpace(s[1:])
	}
	// Non-breaking and thin spaces as thousands separators (some exports).
	s = strings.NewReplacer("\u00a0", "", "\u202f", "", " ", "").Replace(s)
	if s == "" {
		return 0, fmt.Errorf("money: %q: no digits", orig)
	}

	// Find the decimal mark: the last '.' or ',' followed by 1 or 2 digits to the end.
	intPart, fracPart := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 {
		tail := s[i+1:]
		if len(tail) == 1 || len(tail) == 2 {
			intPart, fracPart = s[:i], tail
		} else if len(tail) != 3 {
			return 0, fmt.Errorf("money: %q: %d digits after the last separator (want 1 or 2 decimals, or a group of 3)", orig, len(tail))
		}
	}
	// The integer part may have thousands separators of one kind, in groups of 3.
	var digits strings.Builder
	sep := byte(0)
	group := -1 // digits since the last separator; -1 before the first
	for j := 0; j < len(intPart); j++ {
		c := intPart[j]
		switch {
		case c >= '0' && c <= '9':
			digits.WriteByte(c)
			if group >= 0 {
				group++
			}
		case c == '.' || c == ',':
			if sep != 0 && c != sep {
				return 0, fmt.Errorf("money: %q: mixed thousands separators", orig)
			}
			if j == 0 || (group >= 0 && group != 3) {
				return 0, fmt.Errorf("money: %q: misplaced separator at position %d", orig, j+1)
			}
			if group < 0 && digits.Len() > 3 {
				return 0, fmt.Errorf("money: %q: misplaced separator at position %d", orig, j+1)
			}
			sep = c
			group = 0
		default:
			return 0, fmt.Errorf("money: %q: unexpected character %q", orig, c)
		}
	}
	if group >= 0 && group != 3 {
		return 0, fmt.Errorf("money: %q: thousands group of %d digits", orig, group)
	}
	if fracPart != "" && sep != 0 && s[len(intPart)] == sep {
		return 0, fmt.Errorf("money: %q: the same separator cannot mark thousands and decimals", orig)
	}
	for j := 0; j < len(fracPart); j++ {
		if fracPart[j] < '0' || fracPart[j] > '9' {
			return 0, fmt.Errorf("money: %q: unexpected character %q", orig, fracPart[j])
		}
	}
	ds := digits.String()
	if ds == "" {
		ds = "0"
		if fracPart == "" {
			return 0, fmt.Errorf("money: %q: no digits", orig)
		}
	}
	if len(fracPart) == 1 {
		fracPart += "0"
	} else if fracPart == "" {
		fracPart = "00"
	}
	var c uint64
	for _, ch := range ds + fracPart {
		d := uint64(ch - '0')
		if c > (1<<63-1-d)/10 {
			return 0, fmt.Errorf("money: %q: %w", orig, ErrOverflow)
		}
		c = c*10 + d
	}
	m := Money(c)
	if neg {
		m = -m
	}
	return m, nil
}

// MustParse is Parse for constants in code and tests; it panics on error.
func MustParse(s string) Money {
	m, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return m
}
