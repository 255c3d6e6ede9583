// Package boleto builds and reads the Brazilian boleto de cobrança: the
// 44-digit barcode (código de barras), the 47-digit linha digitável (the
// "typeable line" printed above it), the due-date factor (fator de
// vencimento), each bank's 25-digit campo livre ("free field", laid out by
// the issuing bank) with its nosso número ("our number", the bank's id of
// the boleto) check digits, and the 48-digit arrecadação line of utility and
// tax bills. Layouts follow the FEBRABAN specification and the banks' own
// manuals; the test files cite them. The package is pure: no I/O.
package boleto

// mod10 is the FEBRABAN "módulo 10": weights 2,1,2,1… from the rightmost
// digit, the digits of each product added, DV = (10 - sum%10) % 10.
func mod10(s string) int {
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		p := int(s[i]-'0') * w
		if p > 9 {
			p -= 9 // same as adding the two digits of p (p ≤ 18)
		}
		sum += p
		w = 3 - w
	}
	return (10 - sum%10) % 10
}

// weightedSum11 is the sum used by every "módulo 11" variant: weights
// 2..maxWeight cycling from the rightmost digit.
func weightedSum11(s string, maxWeight int) int {
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		sum += int(s[i]-'0') * w
		w++
		if w > maxWeight {
			w = 2
		}
	}
	return sum
}

// generalDV is the barcode's general check digit (position 5): módulo 11
// with weights 2..9, DV = 11 - sum%11, and 0, 10 or 11 become 1 (the
// general DV is never 0).
func generalDV(s43 string) int {
	d := 11 - weightedSum11(s43, 9)%11
	if d == 0 || d == 10 || d == 11 {
		return 1
	}
	return d
}

// mod11ZeroHigh is the módulo 11 variant where a result above 9 becomes 0
// (Caixa's campo livre, nosso número and beneficiary code; Santander's
// nosso número; arrecadação's módulo 11 with remainders 0 and 1 → 0).
func mod11ZeroHigh(s string) int {
	d := 11 - weightedSum11(s, 9)%11
	if d > 9 {
		return 0
	}
	return d
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// onlyDigits drops the separators people type ('.', ' ', '-') and returns
// what remains, and whether anything else than digits and those was found
// (with the first offending rune and its 1-based position in the input).
func onlyDigits(s string) (digits string, bad rune, badPos int) {
	b := make([]byte, 0, len(s))
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case r >= '0' && r <= '9':
			b = append(b, byte(r))
		case r == '.' || r == ' ' || r == '-' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0':
		default:
			if bad == 0 {
				bad, badPos = r, pos
			}
		}
	}
	return string(b), bad, badPos
}

func padLeft(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
