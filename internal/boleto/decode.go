package boleto

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regua/regua/internal/money"
)

// Kind tells what a decoded line is.
type Kind string

const (
	KindBoleto      Kind = "boleto"      // bank collection slip (ficha de compensação)
	KindArrecadacao Kind = "arrecadacao" // utility or tax bill (starts with 8)
)

// Decoded is a line or barcode that checked out.
type Decoded struct {
	Kind       Kind        `json:"kind"`
	Input      string      `json:"-"`
	Barcode    string      `json:"barcode"`
	Digitable  string      `json:"digitable"`
	Formatted  string      `json:"formatted"`
	Bank       string      `json:"bank,omitempty"`
	BankName   string      `json:"bank_name,omitempty"`
	DueDate    *time.Time  `json:"-"`
	Due        string      `json:"due_date,omitempty"` // YYYY-MM-DD
	Factor     int         `json:"due_factor,omitempty"`
	Amount     money.Money `json:"amount"`
	FreeField  *FreeField  `json:"free_field,omitempty"`
	Collection *Collection `json:"collection,omitempty"`
}

// Problem is one thing wrong with a line, named by field and position
// (1-based, in the digits as typed without separators).
type Problem struct {
	Field    string `json:"field"`
	Position int    `json:"position,omitempty"`
	Message  string `json:"message"`
}

// DecodeError lists what is wrong with a line and, when a single typing
// slip explains it, the corrected lines that would check.
type DecodeError struct {
	Input       string    `json:"input"`
	Problems    []Problem `json:"problems"`
	Suspect     string    `json:"suspect_field,omitempty"`
	Suggestions []string  `json:"suggestions,omitempty"`
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("boleto: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Field)
		if p.Position > 0 {
			fmt.Fprintf(&b, " (position %d)", p.Position)
		}
		b.WriteString(": ")
		b.WriteString(p.Message)
	}
	if e.Suspect != "" {
		b.WriteString("; likely mistyped: " + e.Suspect)
	}
	if len(e.Suggestions) > 0 {
		b.WriteString("; did you mean " + strings.Join(e.Suggestions, " or ") + "?")
	}
	return b.String()
}

// Decode reads a linha digitável (47 digits), a boleto barcode (44 digits
// not starting with 8), an arrecadação line (48 digits) or barcode (44
// digits starting with 8). Dots, spaces and dashes are ignored. ref picks
// the era of the due-date factor (see DueDate). On failure the error is a
// *DecodeError.
func Decode(input string, ref time.Time) (Decoded, error) {
	digits, bad, badPos := onlyDigits(input)
	if bad != 0 {
		return Decoded{}, &DecodeError{Input: input, Problems: []Problem{{Field: "input", Position: badPos,
			Message: fmt.Sprintf("character %q is not a digit", bad)}}}
	}
	switch {
	case len(digits) == 47 && digits[0] == '8':
		// Either a boleto of a bank numbered 8xx or an arrecadação line
		// with a digit missing: when it is no valid boleto, say both.
		d, err := decodeDigitable(input, digits, ref)
		if err == nil {
			return d, nil
		}
		var de *DecodeError
		if le, ok := lengthError(input, digits, ref).(*DecodeError); ok && le.Suspect != "" && errors.As(err, &de) {
			de.Problems = append(de.Problems, le.Problems...)
			de.Suspect = "an arrecadação line (48 digits) with " + le.Suspect + ", or the boleto field above"
			de.Suggestions = append(le.Suggestions, de.Suggestions...)
		}
		return Decoded{}, err
	case len(digits) == 47:
		return decodeDigitable(input, digits, ref)
	case len(digits) == 44 && digits[0] == '8':
		return decodeCollectionBarcode(input, digits)
	case len(digits) == 44:
		return decodeBarcode(input, digits, ref)
	case len(digits) == 48 && digits[0] == '8':
		return decodeCollectionLine(input, digits)
	}
	return Decoded{}, lengthError(input, digits, ref)
}

func decodeBarcode(input, code string, ref time.Time) (Decoded, error) {
	b, _ := parseBarcodeDigits(code)
	var probs []Problem
	if want := b.DV(); int(code[4]-'0') != want {
		probs = append(probs, Problem{Field: "general check digit", Position: 5,
			Message: fmt.Sprintf("is %c, computed %d over the other 43 digits", code[4], want)})
	}
	d, more := finish(b, ref)
	probs = append(probs, more...)
	if len(probs) > 0 {
		return Decoded{}, &DecodeError{Input: input, Problems: probs}
	}
	d.Input = input
	return d, nil
}

var digitableFields = []struct {
	name       string
	start, end int // 0-based, end exclusive, DV at end-1
}{
	{"field 1 (bank, currency, campo livre 1-5)", 0, 10},
	{"field 2 (campo livre 6-15)", 10, 21},
	{"field 3 (campo livre 16-25)", 21, 32},
}

// digitableProblems checks the three mod-10 field DVs and the general DV.
func digitableProblems(l string) (probs []Problem, failed []int) {
	for i, f := range digitableFields {
		body, dv := l[f.start:f.end-1], int(l[f.end-1]-'0')
		if want := mod10(body); want != dv {
			failed = append(failed, i)
			probs = append(probs, Problem{Field: f.name, Position: f.end,
				Message: fmt.Sprintf("check digit is %d, computed %d", dv, want)})
		}
	}
	code, _ := DigitableToBarcode(l)
	b, _ := parseBarcodeDigits(code)
	if want := b.DV(); int(l[32]-'0') != want {
		failed = append(failed, 3)
		probs = append(probs, Problem{Field: "field 4 (general check digit)", Position: 33,
			Message: fmt.Sprintf("is %c, computed %d from the other fields", l[32], want)})
	}
	return probs, failed
}

// validDigitable is true for a line that decodes without any problem; the
// suggestions are filtered by it, so none of them fails in turn.
func validDigitable(l string) bool {
	if len(l) != 47 {
		return false
	}
	if p, _ := digitableProblems(l); len(p) > 0 {
		return false
	}
	code, _ := DigitableToBarcode(l)
	b, _ := parseBarcodeDigits(code)
	_, more := finish(b, time.Now())
	return len(more) == 0
}

func decodeDigitable(input, l string, ref time.Time) (Decoded, error) {
	probs, failed := digitableProblems(l)
	if len(probs) > 0 {
		e := &DecodeError{Input: input, Problems: probs}
		suspectDigitable(e, l, failed)
		return Decoded{}, e
	}
	code, _ := DigitableToBarcode(l)
	b, _ := parseBarcodeDigits(code)
	d, more := finish(b, ref)
	if len(more) > 0 {
		return Decoded{}, &DecodeError{Input: input, Problems: more}
	}
	d.Input = input
	return d, nil
}

// suspectDigitable names the field a typing slip most likely hit and lists
// the single-digit changes (or swaps of neighbours) that make the whole
// line check. A field whose own DV fails is the suspect; when only the
// general DV fails the slip is in field 5 (factor and amount, which has no
// DV of its own) or in field 4.
func suspectDigitable(e *DecodeError, l string, failed []int) {
	var lo, hi int
	switch {
	case len(failed) == 1 && failed[0] == 3:
		e.Suspect = "field 5 (due factor and amount) or field 4 (general check digit): fields 1-3 check"
		lo, hi = 32, 47
	case len(failed) == 1 || len(failed) == 2 && failed[1] == 3:
		f := digitableFields[failed[0]]
		e.Suspect = f.name
		lo, hi = f.start, f.end
	default:
		return // more than one field wrong: no single slip explains it
	}
	e.Suggestions = singleSlipFixes(l, lo, hi, validDigitable, maxSuggestions+1)
	if len(e.Suggestions) > maxSuggestions {
		e.Suggestions = nil // too many ways to fix it: a list would only mislead
	}
}

// maxSuggestions bounds the corrected lines offered; beyond it the slip is
// too ambiguous to guess.
const maxSuggestions = 4

// singleSlipFixes tries every one-digit substitution and every swap of two
// neighbours within [lo,hi) and returns up to max formatted fixes.
func singleSlipFixes(s string, lo, hi int, valid func(string) bool, max int) []string {
	var out []string
	b := []byte(s)
	seen := map[string]bool{}
	add := func() bool {
		c := string(b)
		if !seen[c] && valid(c) {
			seen[c] = true
			out = append(out, formatAny(c))
		}
		return len(out) >= max
	}
	for i := lo; i < hi; i++ {
		orig := b[i]
		for d := byte('0'); d <= '9'; d++ {
			if d == orig {
				continue
			}
			b[i] = d
			if add() {
				return out
			}
		}
		b[i] = orig
	}
	for i := lo; i+1 < hi; i++ {
		if b[i] == b[i+1] {
			continue
		}
		b[i], b[i+1] = b[i+1], b[i]
		stop := add()
		b[i], b[i+1] = b[i+1], b[i]
		if stop {
			return out
		}
	}
	return out
}

func formatAny(s string) string {
	switch len(s) {
	case 47:
		return FormatDigitable(s)
	case 48:
		return FormatCollection(s)
	}
	return s
}

// lengthError explains a wrong length and, for one digit too many or too
// few, finds where a digit was dropped or doubled.
func lengthError(input, digits string, ref time.Time) error {
	e := &DecodeError{Input: input}
	msg := fmt.Sprintf("has %d digits; a boleto's linha digitável has 47 and its barcode 44, an arrecadação bill's line 48 and its barcode 44", len(digits))
	if len(digits) == 0 {
		msg = "no digits"
	}
	e.Problems = []Problem{{Field: "length", Message: msg}}
	var target int
	var valid func(string) bool
	switch len(digits) {
	case 46:
		target, valid = 47, validDigitable
	case 48: // a boleto line with an extra digit (arrecadação starts with 8)
		target, valid = 47, validDigitable
	case 47:
		if digits[0] == '8' {
			target, valid = 48, validCollectionLine
		}
	}
	if valid == nil {
		return e
	}
	var fixes []string
	seen := map[string]bool{}
	try := func(c string) {
		if len(fixes) <= maxSuggestions && !seen[c] && valid(c) {
			seen[c] = true
			fixes = append(fixes, formatAny(c))
		}
	}
	if target > len(digits) {
		for i := 0; i <= len(digits); i++ {
			for d := byte('0'); d <= '9'; d++ {
				try(digits[:i] + string(d) + digits[i:])
			}
		}
	} else {
		for i := 0; i < len(digits); i++ {
			try(digits[:i] + digits[i+1:])
		}
	}
	if len(fixes) > 0 {
		if target > len(digits) {
			e.Suspect = "a digit is missing"
		} else {
			e.Suspect = "a digit was typed twice or one too many"
		}
	}
	if len(fixes) > maxSuggestions {
		fixes = nil // many places fit: the slip is located no better than that
	}
	e.Suggestions = fixes
	return e
}

// finish fills the fields common to barcode and line input and checks the
// parts that are not check digits.
func finish(b Barcode, ref time.Time) (Decoded, []Problem) {
	var probs []Problem
	d := Decoded{Kind: KindBoleto, Barcode: b.String(), Digitable: b.Digitable(), Bank: b.Bank,
		BankName: BankName(b.Bank), Factor: b.Factor, Amount: b.Amount}
	d.Formatted = FormatDigitable(d.Digitable)
	if b.Currency != '9' {
		probs = append(probs, Problem{Field: "currency", Position: 4, Message: fmt.Sprintf("is %c; 9 (real) is the only currency in use", b.Currency)})
	}
	if b.Factor != 0 {
		due, ok, err := b.DueDate(ref)
		if err != nil {
			probs = append(probs, Problem{Field: "due-date factor", Message: err.Error()})
		} else if ok {
			d.DueDate = &due
			d.Due = due.Format("2006-01-02")
		}
	}
	if BankName(b.Bank) != "" {
		ff, err := DecodeFreeField(b.Bank, b.FreeField)
		if err != nil {
			probs = append(probs, Problem{Field: "campo livre", Message: err.Error()})
		}
		d.FreeField = &ff
	}
	return d, probs
}

// Encode builds the barcode of a boleto from an account (see
// EncodeFreeField), a due date (zero: none) and an amount.
func Encode(a Account, due time.Time, amount money.Money) (Barcode, FreeField, error) {
	ff, err := EncodeFreeField(a)
	if err != nil {
		return Barcode{}, FreeField{}, err
	}
	b, err := NewBarcode(a.Bank, due, amount, ff.Digits)
	return b, ff, err
}
