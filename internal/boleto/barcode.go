package boleto

import (
	"fmt"
	"strconv"
	"time"

	"github.com/regua/regua/internal/money"
)

// MaxAmount is the largest amount the 10-digit value field holds.
const MaxAmount = money.Money(99_999_999_99)

// Barcode is the content of a boleto's 44-digit barcode:
//
//	pos  1-3   bank code (código do banco na compensação)
//	pos  4     currency, 9 = real
//	pos  5     general check digit (DV geral, módulo 11)
//	pos  6-9   due-date factor (0000 = no due date)
//	pos 10-19  amount in centavos (0 = amount filled in at payment)
//	pos 20-44  campo livre, laid out by the bank
type Barcode struct {
	Bank      string      // 3 digits
	Currency  byte        // '9' for real
	Factor    int         // 0 or 1000..9999
	Amount    money.Money // centavos
	FreeField string      // 25 digits (campo livre)
}

// NewBarcode builds a barcode for a due date (zero time: no due date) and
// amount with the given campo livre.
func NewBarcode(bank string, due time.Time, amount money.Money, freeField string) (Barcode, error) {
	b := Barcode{Bank: bank, Currency: '9', Amount: amount, FreeField: freeField}
	if !due.IsZero() {
		f, err := Factor(due)
		if err != nil {
			return Barcode{}, err
		}
		b.Factor = f
	}
	return b, b.check()
}

func (b Barcode) check() error {
	switch {
	case len(b.Bank) != 3 || !isDigits(b.Bank):
		return fmt.Errorf("boleto: bank code %q must be 3 digits", b.Bank)
	case b.Currency < '0' || b.Currency > '9':
		return fmt.Errorf("boleto: currency code %q must be a digit", b.Currency)
	case b.Factor != 0 && (b.Factor < 1000 || b.Factor > 9999):
		return fmt.Errorf("boleto: due-date factor %d outside 1000..9999", b.Factor)
	case b.Amount < 0 || b.Amount > MaxAmount:
		return fmt.Errorf("boleto: amount %s outside 0..%s", b.Amount, MaxAmount)
	case len(b.FreeField) != 25 || !isDigits(b.FreeField):
		return fmt.Errorf("boleto: campo livre %q must be 25 digits", b.FreeField)
	}
	return nil
}

// without the DV: the 43 digits the general DV is computed over.
func (b Barcode) body43() string {
	return b.Bank + string(b.Currency) + fmt.Sprintf("%04d%010d", b.Factor, int64(b.Amount)) + b.FreeField
}

// DV returns the general check digit.
func (b Barcode) DV() int { return generalDV(b.body43()) }

// String returns the 44 digits.
func (b Barcode) String() string {
	s := b.body43()
	return s[:4] + strconv.Itoa(generalDV(s)) + s[4:]
}

// Digitable returns the 47-digit linha digitável without separators:
//
//	field 1: bank, currency, campo livre 1-5, DV (mod 10)     10 digits
//	field 2: campo livre 6-15, DV (mod 10)                   11 digits
//	field 3: campo livre 16-25, DV (mod 10)                  11 digits
//	field 4: general DV                                       1 digit
//	field 5: factor and amount                               14 digits
func (b Barcode) Digitable() string {
	f1 := b.Bank + string(b.Currency) + b.FreeField[:5]
	f2 := b.FreeField[5:15]
	f3 := b.FreeField[15:25]
	return f1 + strconv.Itoa(mod10(f1)) +
		f2 + strconv.Itoa(mod10(f2)) +
		f3 + strconv.Itoa(mod10(f3)) +
		strconv.Itoa(b.DV()) +
		fmt.Sprintf("%04d%010d", b.Factor, int64(b.Amount))
}

// FormatDigitable writes a 47-digit line as printed on the boleto:
// "AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE".
func FormatDigitable(l string) string {
	if len(l) != 47 {
		return l
	}
	return l[0:5] + "." + l[5:10] + " " + l[10:15] + "." + l[15:21] + " " +
		l[21:26] + "." + l[26:32] + " " + l[32:33] + " " + l[33:47]
}

// DueDate returns the due date the factor stands for, choosing the era
// closest to ref; ok is false for factor 0 (no due date).
func (b Barcode) DueDate(ref time.Time) (time.Time, bool, error) {
	return DueDate(b.Factor, ref)
}

// DigitableToBarcode rearranges a 47-digit line into the 44-digit barcode.
// It does not verify check digits (Decode does).
func DigitableToBarcode(l string) (string, error) {
	if len(l) != 47 || !isDigits(l) {
		return "", fmt.Errorf("boleto: linha digitável must be 47 digits, got %d characters", len(l))
	}
	return l[0:4] + l[32:33] + l[33:47] + l[4:9] + l[10:20] + l[21:31], nil
}

// BarcodeToDigitable rearranges a 44-digit barcode into the 47-digit line,
// computing the three field check digits.
func BarcodeToDigitable(code string) (string, error) {
	b, err := parseBarcodeDigits(code)
	if err != nil {
		return "", err
	}
	return b.Digitable(), nil
}

// parseBarcodeDigits splits 44 digits into their fields without checking
// the general DV.
func parseBarcodeDigits(code string) (Barcode, error) {
	if len(code) != 44 || !isDigits(code) {
		return Barcode{}, fmt.Errorf("boleto: barcode must be 44 digits, got %d characters", len(code))
	}
	f, _ := strconv.Atoi(code[5:9])
	a, _ := strconv.ParseInt(code[9:19], 10, 64)
	return Barcode{Bank: code[0:3], Currency: code[3], Factor: f, Amount: money.Money(a), FreeField: code[19:44]}, nil
}
