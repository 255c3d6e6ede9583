package geo

import (
	"errors"
	"fmt"
	"strings"
)

// Municipality is a município identified by its 7-digit IBGE code: two
// digits of UF, four of municipality, one check digit.
type Municipality struct {
	Code string // "3550308"
	Name string // "São Paulo"
	UF   string // "SP"
}

// Errors that ParseMunicipalityCode wraps.
var (
	ErrMunicipalityLength = errors.New("want 7 digits")
	ErrMunicipalityUF     = errors.New("first two digits are not a UF code")
	ErrMunicipalityCheck  = errors.New("check digit mismatch")
)

// invalidCheckDigit lists the municipalities whose official IBGE code does
// not satisfy the check digit rule (created after the rule, codes kept as
// issued; listed by SEFAZ technical note NT 2008.004 for NF-e).
var invalidCheckDigit = map[string]string{
	"2201919": "Bom Princípio do Piauí",
	"2201988": "Brejo do Piauí",
	"2202251": "Canavieira",
	"2611533": "Quixaba",
	"3117836": "Cônego Marinho",
	"3152131": "Ponto Chique",
	"4305871": "Coronel Barros",
	"5203939": "Buriti de Goiás",
	"5203962": "Buritinópolis",
}

// MunicipalityCheckDigit computes the 7th digit of an IBGE municipality code
// from its first six: weights 1,2,1,2,1,2; a product above 9 counts as the
// sum of its digits; the digit is what brings the total to a multiple of 10.
func MunicipalityCheckDigit(first6 string) (byte, error) {
	if len(first6) != 6 {
		return 0, fmt.Errorf("municipality code %q: want 6 digits before the check digit", first6)
	}
	sum := 0
	for i := 0; i < 6; i++ {
		c := first6[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("municipality code %q: not a digit at position %d", first6, i+1)
		}
		p := int(c-'0') * (1 + i%2)
		sum += p/10 + p%10
	}
	return byte('0' + (10-sum%10)%10), nil
}

// ParseMunicipalityCode validates an IBGE municipality code: 7 digits
// (spaces, dots and dashes ignored), a known UF prefix, and the check digit
// (or one of the nine official codes that break it). It returns the
// normalized code and its UF abbreviation.
func ParseMunicipalityCode(s string) (code, uf string, err error) {
	var b [7]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n < len(b) {
				b[n] = c
			}
			n++
		case c == ' ' || c == '.' || c == '-':
		default:
			return "", "", fmt.Errorf("municipality code %q: %w (found %q)", s, ErrMunicipalityLength, c)
		}
	}
	if n != 7 {
		return "", "", fmt.Errorf("municipality code %q: %w, got %d", s, ErrMunicipalityLength, n)
	}
	u, ok := UFByIBGE(int(b[0]-'0')*10 + int(b[1]-'0'))
	if !ok {
		return "", "", fmt.Errorf("municipality code %q: %w (%s)", s, ErrMunicipalityUF, string(b[:2]))
	}
	code = s
	if len(s) != 7 {
		code = string(b[:])
	}
	if _, known := invalidCheckDigit[code]; !known {
		if d, _ := MunicipalityCheckDigit(code[:6]); d != b[6] {
			return "", "", fmt.Errorf("municipality code %q: %w (want %c)", s, ErrMunicipalityCheck, d)
		}
	}
	return code, u.Code, nil
}

// LookupMunicipality returns the name of a municipality this package
// carries (capitals, demo cities, time-zone exceptions). Most of Brazil's
// 5,570 municipalities are not carried: a valid code that is not found is
// still valid (use ParseMunicipalityCode).
func LookupMunicipality(code string) (Municipality, bool) {
	m, ok := municipalities[strings.TrimSpace(code)]
	return m, ok
}

// Capital returns the capital of a UF.
func Capital(uf string) (Municipality, bool) {
	u, ok := LookupUF(uf)
	if !ok {
		return Municipality{}, false
	}
	return u.Capital, true
}

// Cities returns a few populous municipalities of a UF, capital first, for
// demo data. The slice is shared; do not modify it.
func Cities(uf string) []Municipality {
	u, ok := LookupUF(uf)
	if !ok {
		return nil
	}
	return citiesByUF[u.Code]
}
