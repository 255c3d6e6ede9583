// Package taxid parses, validates, formats, masks and generates the Brazilian
// federal taxpayer numbers that identify a debtor:
//
//   - CPF (Cadastro de Pessoas Físicas): 11 digits identifying a person;
//     9 base digits and 2 check digits.
//   - CNPJ (Cadastro Nacional da Pessoa Jurídica): 14 characters identifying a
//     company establishment; 8 characters of root (raiz), 4 of branch
//     (ordem/filial) and 2 check digits. From July 2026 the Receita Federal
//     issues alphanumeric CNPJs: the first 12 positions may hold A–Z as well
//     as 0–9; the check digits stay numeric. Existing numeric CNPJs keep
//     their digits, and one algorithm validates both forms.
//
// Both check digits are modulo-11 sums. For the CNPJ each character counts as
// its ASCII code minus 48, so '0'…'9' are 0…9 and 'A'…'Z' are 17…42.
//
// An ID's String and slog value are masked, so logging one by accident does
// not leak the full number (LGPD, Lei 13.709/2018). Use Number for storage
// and Format for screens where the full number is authorised.
package taxid

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
)

// Kind says which register an ID belongs to.
type Kind uint8

const (
	// Unknown is the zero Kind; a valid ID never has it.
	Unknown Kind = iota
	// CPF identifies a natural person.
	CPF
	// CNPJ identifies a company establishment.
	CNPJ
)

func (k Kind) String() string {
	switch k {
	case CPF:
		return "CPF"
	case CNPJ:
		return "CNPJ"
	}
	return "taxid"
}

// ParseKind reads the person-type column of creditor files: "CPF", "PF",
// "F", "fisica"/"física" for a person; "CNPJ", "PJ", "J", "juridica"/
// "jurídica" for a company; case-insensitive.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "cpf", "pf", "f", "fisica", "física", "pessoa fisica", "pessoa física", "person":
		return CPF, nil
	case "cnpj", "pj", "j", "juridica", "jurídica", "pessoa juridica", "pessoa jurídica", "company":
		return CNPJ, nil
	}
	return Unknown, fmt.Errorf("taxid kind %q: want CPF/PF or CNPJ/PJ", s)
}

// MarshalText writes "CPF" or "CNPJ" (JSON, CSV).
func (k Kind) MarshalText() ([]byte, error) {
	if k != CPF && k != CNPJ {
		return nil, fmt.Errorf("taxid: cannot marshal kind %d", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText accepts what ParseKind accepts.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Length is the number of characters of a normalized number of this kind.
func (k Kind) Length() int {
	switch k {
	case CPF:
		return 11
	case CNPJ:
		return 14
	}
	return 0
}

// ID is a validated CPF or CNPJ. Number holds only the significant
// characters: 11 digits for a CPF, 14 upper-case alphanumerics for a CNPJ.
// The zero ID is "no id".
type ID struct {
	Kind   Kind
	Number string
}

// Errors that Parse wraps; test with errors.Is.
var (
	ErrEmpty      = errors.New("empty")
	ErrLength     = errors.New("wrong length")
	ErrCharacter  = errors.New("invalid character")
	ErrRepeated   = errors.New("all characters equal")
	ErrCheckDigit = errors.New("check digit mismatch")
	ErrKind       = errors.New("wrong kind")
	ErrAmbiguous  = errors.New("ambiguous")
)

// Error describes why an input is not a valid CPF or CNPJ. Input is the text
// as given, so the caller (an import reject report, a form) can show it back
// to the person who supplied it; mask it before writing it to general logs.
type Error struct {
	Kind   Kind   // the kind the input looked like, or Unknown
	Input  string // the text as given
	Err    error  // one of the Err* values
	Detail string // extra explanation, may be empty
}

func (e *Error) Error() string {
	msg := e.Err.Error()
	if e.Detail != "" {
		msg += " " + e.Detail
	}
	return fmt.Sprintf("%s %q: %s", e.Kind, e.Input, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// cleanMax bounds the work on absurd inputs; real inputs are at most ~20
// characters with punctuation.
const cleanMax = 14

// isSeparator reports the punctuation and spaces people put in these numbers.
func isSeparator(c byte) bool {
	switch c {
	case '.', '-', '/', ' ', '\t', '_', '\\':
		return true
	}
	return false
}

// clean copies the significant characters of s into buf, upper-casing
// letters. It returns the count, whether any letter was seen, and the first
// invalid character (0 if none). n may exceed len(buf): the count continues
// so that the length error is exact.
func clean(s string, buf *[cleanMax]byte) (n int, letters bool, bad rune) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c >= 'A' && c <= 'Z':
			letters = true
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
			letters = true
		case isSeparator(c):
			continue
		default:
			if bad == 0 {
				bad = rune(c)
				if c >= 0x80 {
					bad = []rune(s[i:])[0]
				}
			}
			continue
		}
		if n < cleanMax {
			buf[n] = c
		}
		n++
	}
	return n, letters, bad
}

// Parse reads a CPF (11 digits) or a CNPJ (14 characters), with or without
// punctuation (". - /" and spaces), and validates its check digits. The kind
// is decided by the number of significant characters.
func Parse(s string) (ID, error) {
	return parse(Unknown, s)
}

// ParseAs is Parse for a column or field that must hold one kind.
func ParseAs(k Kind, s string) (ID, error) {
	if k != CPF && k != CNPJ {
		return ID{}, fmt.Errorf("taxid: ParseAs with kind %d", k)
	}
	return parse(k, s)
}

func parse(want Kind, s string) (ID, error) {
	var buf [cleanMax]byte
	n, letters, bad := clean(s, &buf)
	fail := func(k Kind, err error, detail string) (ID, error) {
		return ID{}, &Error{Kind: k, Input: s, Err: err, Detail: detail}
	}
	if bad != 0 {
		return fail(want, ErrCharacter, fmt.Sprintf("%q", bad))
	}
	if n == 0 {
		return fail(want, ErrEmpty, "")
	}
	var k Kind
	switch n {
	case 11:
		k = CPF
	case 14:
		k = CNPJ
	default:
		detail := fmt.Sprintf("%d (want 11 for CPF or 14 for CNPJ)", n)
		if want != Unknown {
			detail = fmt.Sprintf("%d (want %d)", n, want.Length())
		}
		return fail(want, ErrLength, detail)
	}
	if want != Unknown && k != want {
		return fail(want, ErrLength, fmt.Sprintf("%d (want %d; looks like a %s)", n, want.Length(), k))
	}
	num := buf[:n]
	if k == CPF && letters {
		return fail(k, ErrCharacter, "letters are not allowed in a CPF")
	}
	if k == CNPJ {
		for _, c := range num[12:] {
			if c < '0' || c > '9' {
				return fail(k, ErrCharacter, "check digits must be numeric")
			}
		}
	}
	if allSame(num) {
		return fail(k, ErrRepeated, "")
	}
	var d1, d2 byte
	if k == CPF {
		d1, d2 = cpfDigits(num[:9])
		if num[9] != d1 || num[10] != d2 {
			return fail(k, ErrCheckDigit, "")
		}
	} else {
		d1, d2 = cnpjDigits(num[:12])
		if num[12] != d1 || num[13] != d2 {
			return fail(k, ErrCheckDigit, "")
		}
	}
	// Input that is already normalized (as stored) is reused, not copied.
	if string(num) == s {
		return ID{Kind: k, Number: s}, nil
	}
	return ID{Kind: k, Number: string(num)}, nil
}

// ParseLoose is Parse for files that went through a spreadsheet, which
// stores a CPF or CNPJ as a number and drops its leading zeros
// ("01234567890" becomes "1234567890"). When the input has only digits and is
// too short, the zeros are restored and the check digits decide: if the
// padded number is valid as exactly one kind it is returned; if it is valid
// as both a CPF and a CNPJ the error wraps ErrAmbiguous. k may be Unknown or
// the kind the column is known to hold, which removes the ambiguity.
func ParseLoose(k Kind, s string) (ID, error) {
	id, err := parse(k, s)
	if err == nil || !errors.Is(err, ErrLength) {
		return id, err
	}
	var buf [cleanMax]byte
	n, letters, _ := clean(s, &buf)
	if letters || n >= 14 {
		return ID{}, err
	}
	digits := string(buf[:n])
	var found []ID
	for _, cand := range []Kind{CPF, CNPJ} {
		if (k != Unknown && cand != k) || n > cand.Length() {
			continue
		}
		padded := zeros[:cand.Length()-n] + digits
		if got, perr := parse(cand, padded); perr == nil {
			found = append(found, got)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 2:
		return ID{}, &Error{Kind: Unknown, Input: s, Err: ErrAmbiguous,
			Detail: fmt.Sprintf("with leading zeros restored it is both CPF %s and CNPJ %s", found[0].Format(), found[1].Format())}
	}
	return ID{}, err
}

const zeros = "00000000000000"

func allSame(b []byte) bool {
	for _, c := range b[1:] {
		if c != b[0] {
			return false
		}
	}
	return true
}

// mod11 turns a weighted sum into a check digit character.
func mod11(sum int) byte {
	r := sum % 11
	if r < 2 {
		return '0'
	}
	return byte('0' + 11 - r)
}

// cpfDigits computes both CPF check digits from the 9 base digits:
// weights 10…2 for the first, 11…2 (including the first) for the second.
func cpfDigits(base []byte) (byte, byte) {
	s1, s2 := 0, 0
	for i, c := range base {
		v := int(c - '0')
		s1 += v * (10 - i)
		s2 += v * (11 - i)
	}
	d1 := mod11(s1)
	s2 += int(d1-'0') * 2
	return d1, mod11(s2)
}

// cnpjWeights are the second check digit's weights; the first uses [1:].
var cnpjWeights = [13]int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}

// cnpjDigits computes both CNPJ check digits from the 12 base characters,
// each valued as its ASCII code minus 48.
func cnpjDigits(base []byte) (byte, byte) {
	s1, s2 := 0, 0
	for i, c := range base {
		v := int(c) - 48
		s1 += v * cnpjWeights[i+1]
		s2 += v * cnpjWeights[i]
	}
	d1 := mod11(s1)
	s2 += int(d1-'0') * cnpjWeights[12]
	return d1, mod11(s2)
}

// Valid reports whether s parses as a CPF or CNPJ.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id.Kind == Unknown }

// Alphanumeric reports whether id is a CNPJ with letters (the 2026 format).
func (id ID) Alphanumeric() bool {
	for i := 0; i < len(id.Number); i++ {
		if id.Number[i] >= 'A' {
			return true
		}
	}
	return false
}

// Format returns the number with the usual punctuation:
// "123.456.789-09" or "12.345.678/0001-95".
func (id ID) Format() string {
	n := id.Number
	switch {
	case id.Kind == CPF && len(n) == 11:
		return n[0:3] + "." + n[3:6] + "." + n[6:9] + "-" + n[9:11]
	case id.Kind == CNPJ && len(n) == 14:
		return n[0:2] + "." + n[2:5] + "." + n[5:8] + "/" + n[8:12] + "-" + n[12:14]
	}
	return n
}

// Mask returns the number with the identifying part hidden, for logs,
// lists and search results:
//
//	CPF  "***.456.789-**"      the six middle digits, as the Brazilian
//	                           government publishes CPFs (Portal da
//	                           Transparência); the base and check digits
//	                           that would let someone rebuild it are hidden.
//	CNPJ "12.345.***/****-95"  first five characters of the root and the
//	                           check digits: enough for an agent to tell two
//	                           companies apart, not enough to look one up.
//
// A zero ID masks to "".
func (id ID) Mask() string {
	n := id.Number
	switch {
	case id.Kind == CPF && len(n) == 11:
		return "***." + n[3:6] + "." + n[6:9] + "-**"
	case id.Kind == CNPJ && len(n) == 14:
		return n[0:2] + "." + n[2:5] + ".***/****-" + n[12:14]
	}
	return ""
}

// String returns the masked form (see Mask), so that fmt and logs never
// print the full number unless the caller asks for Format or Number.
func (id ID) String() string { return id.Mask() }

// LogValue implements slog.LogValuer with the masked form.
func (id ID) LogValue() slog.Value { return slog.StringValue(id.Mask()) }

// GenerateCPF returns a valid random CPF (never all-equal digits). The
// 9th digit is the fiscal region; it is random like the rest.
func GenerateCPF(r *rand.Rand) ID {
	var b [11]byte
	for {
		for i := 0; i < 9; i++ {
			b[i] = byte('0' + r.IntN(10))
		}
		if !allSame(b[:9]) {
			break
		}
	}
	b[9], b[10] = cpfDigits(b[:9])
	return ID{Kind: CPF, Number: string(b[:])}
}

// GenerateCNPJ returns a valid random numeric CNPJ. Most establishments are
// head offices (branch 0001); about one in ten is a branch 0002–0099.
func GenerateCNPJ(r *rand.Rand) ID {
	var b [14]byte
	for {
		for i := 0; i < 8; i++ {
			b[i] = byte('0' + r.IntN(10))
		}
		if !allSame(b[:8]) {
			break
		}
	}
	branch := 1
	if r.IntN(10) == 0 {
		branch = 2 + r.IntN(98)
	}
	b[8], b[9] = '0', '0'
	b[10], b[11] = byte('0'+branch/10), byte('0'+branch%10)
	b[12], b[13] = cnpjDigits(b[:12])
	return ID{Kind: CNPJ, Number: string(b[:])}
}

// GenerateAlphanumericCNPJ returns a valid random CNPJ in the 2026 format:
// a root of 8 characters from 0–9 and A–Z (at least one letter), branch 0001.
func GenerateAlphanumericCNPJ(r *rand.Rand) ID {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	var b [14]byte
	for {
		letter := false
		for i := 0; i < 8; i++ {
			b[i] = alphabet[r.IntN(len(alphabet))]
			letter = letter || b[i] >= 'A'
		}
		if letter {
			break
		}
	}
	copy(b[8:12], "0001")
	b[12], b[13] = cnpjDigits(b[:12])
	return ID{Kind: CNPJ, Number: string(b[:])}
}

// Generate returns a valid random ID of kind k (CPF or CNPJ, numeric).
func Generate(r *rand.Rand, k Kind) ID {
	if k == CNPJ {
		return GenerateCNPJ(r)
	}
	return GenerateCPF(r)
}
