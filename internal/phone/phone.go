// Package phone normalizes telephone numbers to E.164 ("+5511987654321"),
// with the Brazilian numbering plan checked in detail and a handful of
// foreign plans (debtors abroad, the es locale) checked for length.
//
// Brazilian numbers are DDD + subscriber number. The DDD (Discagem Direta à
// Distância) is the two-digit area code; Anatel assigns 67 of them, each
// inside one UF (state). Subscriber numbers have 9 digits starting with 9
// for mobiles (since the 2012–2016 migration) and 8 digits starting with 2–5
// for landlines. People write them in many ways: "(11) 98765-4321",
// "11987654321", "+55 11 98765-4321", "011 98765-4321" (0 = long-distance
// prefix), "0xx11 …" or "0 15 11 …" (xx or two digits = carrier code, CSP).
//
// A Number's String and slog value are masked; use E164 for storage and
// sending, National for screens where the full number is authorised.
package phone

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
)

// Kind says whether a number reaches a mobile or a fixed line.
type Kind uint8

const (
	// Unknown: the plan does not tell (some foreign plans).
	Unknown Kind = iota
	// Mobile is a cellular number (SMS and WhatsApp capable).
	Mobile
	// Landline is a fixed line.
	Landline
)

func (k Kind) String() string {
	switch k {
	case Mobile:
		return "mobile"
	case Landline:
		return "landline"
	}
	return "unknown"
}

// ParseKind reads "mobile"/"celular"/"movel"/"móvel"/"cel" and
// "landline"/"fixo"/"residencial"/"comercial"; case-insensitive. "" and
// "unknown" give Unknown.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "mobile", "celular", "cel", "movel", "móvel", "cell":
		return Mobile, nil
	case "landline", "fixo", "residencial", "comercial", "fixed":
		return Landline, nil
	case "", "unknown":
		return Unknown, nil
	}
	return Unknown, fmt.Errorf("phone kind %q: want mobile or landline", s)
}

// MarshalText writes "mobile", "landline" or "unknown".
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText accepts what ParseKind accepts.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Number is a validated telephone number.
type Number struct {
	E164        string // "+5511987654321"
	CallingCode string // country calling code without "+": "55", "1", "351"
	DDD         string // Brazilian area code, "" abroad
	UF          string // state of the DDD, "" abroad
	Kind        Kind
}

// Errors that Parse wraps; test with errors.Is.
var (
	ErrEmpty     = errors.New("empty")
	ErrCharacter = errors.New("invalid character")
	ErrLength    = errors.New("wrong length")
	ErrNoDDD     = errors.New("missing DDD (area code)")
	ErrDDD       = errors.New("invalid DDD")
	ErrService   = errors.New("service or short number, not a subscriber line")
	ErrNumber    = errors.New("invalid subscriber number")
	ErrCountry   = errors.New("unsupported country calling code")
)

// Error describes why an input is not a valid number. Input is the text as
// given; mask it before writing it to general logs.
type Error struct {
	Input  string
	Err    error
	Detail string
}

func (e *Error) Error() string {
	msg := e.Err.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return fmt.Sprintf("phone %q: %s", e.Input, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// maxDigits bounds the digits kept; E.164 allows 15, plus room for "00" and
// a carrier code in front.
const maxDigits = 20

// Parse normalizes s. Without a leading "+" or "00" the number is read as
// Brazilian; with one, the country calling code must be 55 or one of the
// foreign plans this package knows (1, 52, 57, 56, 34, 351).
func Parse(s string) (Number, error) {
	fail := func(err error, detail string) (Number, error) {
		return Number{}, &Error{Input: s, Err: err, Detail: detail}
	}
	var buf [maxDigits]byte
	n := 0
	plus := false
	carrierX := false // "0xx" seen
	seenDigit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n < maxDigits {
				buf[n] = c
			}
			n++
			seenDigit = true
		case c == ' ' || c == '(' || c == ')' || c == '-' || c == '.' || c == '\t' || c == '/':
		case c == '+' && !seenDigit && !plus:
			plus = true
		case (c == 'x' || c == 'X') && n == 1 && buf[0] == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X'):
			// "0xx": the caller's carrier code placeholder.
			carrierX = true
			i++
		default:
			r := rune(c)
			if c >= 0x80 {
				r = []rune(s[i:])[0]
			}
			return fail(ErrCharacter, fmt.Sprintf("%q", r))
		}
	}
	if n == 0 {
		return fail(ErrEmpty, "")
	}
	if n > maxDigits {
		return fail(ErrLength, fmt.Sprintf("%d digits", n))
	}
	// d stays a byte slice over buf: the only allocation of a successful
	// parse is the E164 string.
	d := buf[:n]
	if !plus && hasPrefix(d, "00") {
		plus, d = true, d[2:]
	}
	if plus {
		if hasPrefix(d, "55") {
			return parseBR(s, d[2:], true)
		}
		return parseForeign(s, d)
	}
	if carrierX {
		return parseBR(s, d[1:], true)
	}
	for _, p := range servicePrefixes {
		if hasPrefix(d, p) {
			return fail(ErrService, p+" numbers are toll-free or premium services")
		}
	}
	if len(d) <= 5 {
		return fail(ErrService, fmt.Sprintf("%d digits", len(d)))
	}
	if d[0] == '0' {
		switch len(d) {
		case 11, 12: // 0 + DDD + number
			return parseBR(s, d[1:], true)
		case 13, 14: // 0 + carrier code + DDD + number
			return parseBR(s, d[3:], true)
		}
		return fail(ErrLength, fmt.Sprintf("%d digits after the long-distance prefix 0", len(d)-1))
	}
	if (len(d) == 12 || len(d) == 13) && hasPrefix(d, "55") {
		return parseBR(s, d[2:], true)
	}
	return parseBR(s, d, false)
}

// servicePrefixes are non-geographic numbers (0800 toll-free, 0300 shared
// cost, 0500 donations, 0900 premium) that never belong to a debtor.
var servicePrefixes = []string{"0800", "0300", "0500", "0900"}

// parseBR validates DDD + subscriber digits. hadPrefix says the input had a
// country code or trunk prefix, so a missing DDD is a length error instead.
func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

func parseBR(input string, d []byte, hadPrefix bool) (Number, error) {
	fail := func(err error, detail string) (Number, error) {
		return Number{}, &Error{Input: input, Err: err, Detail: detail}
	}
	switch len(d) {
	case 10, 11:
	case 8, 9:
		if !hadPrefix {
			if len(d) == 8 && (hasPrefix(d, "300") || hasPrefix(d, "400")) {
				return fail(ErrService, "3003/4004-style numbers are nationwide company lines")
			}
			return fail(ErrNoDDD, fmt.Sprintf("%d digits", len(d)))
		}
		fallthrough
	default:
		return fail(ErrLength, fmt.Sprintf("%d digits after the country code (want DDD + 8 or 9)", len(d)))
	}
	ddd, sub := d[:2], d[2:]
	uf := dddUF[int(ddd[0]-'0')*10+int(ddd[1]-'0')]
	if uf == "" {
		return fail(ErrDDD, string(ddd))
	}
	var kind Kind
	switch {
	case len(sub) == 9 && sub[0] == '9':
		kind = Mobile
	case len(sub) == 9:
		return fail(ErrNumber, "9-digit numbers are mobiles and start with 9")
	case sub[0] >= '2' && sub[0] <= '5':
		kind = Landline
	case sub[0] >= '6':
		return fail(ErrNumber, "8-digit mobile in the old format; mobiles have 9 digits starting with 9")
	default:
		return fail(ErrNumber, "landlines start with 2 to 5")
	}
	// CRM exports fill unknown phones with "99999-9999", "90000-0000" or
	// "3333-3333"; no subscriber has such a number.
	rest := sub
	if kind == Mobile {
		rest = sub[1:]
	}
	if allSame(rest) {
		return fail(ErrNumber, "placeholder digits")
	}
	var e164 string
	if len(input) == 3+len(d) && input[:3] == "+55" && input[3:] == string(d) {
		e164 = input // already E.164, as stored: no copy
	} else {
		var e [14]byte
		copy(e[:], "+55")
		e164 = string(e[:3+copy(e[3:], d)])
	}
	return Number{E164: e164, CallingCode: "55", DDD: e164[3:5], UF: uf, Kind: kind}, nil
}

func allSame(b []byte) bool {
	for _, c := range b[1:] {
		if c != b[0] {
			return false
		}
	}
	return true
}

// foreignPlan is the little this package checks of a foreign numbering
// plan: the country calling code and the length of the national significant
// number (NSN). foreignKind checks the leading digits.
type foreignPlan struct {
	code   string
	length int
}

var foreignPlans = []foreignPlan{
	{"1", 10},  // NANP (United States, Canada, Caribbean)
	{"52", 10}, // Mexico, one 10-digit plan since 2019
	{"57", 10}, // Colombia
	{"56", 9},  // Chile
	{"351", 9}, // Portugal
	{"34", 9},  // Spain
}

// foreignKind returns the kind of a foreign NSN of valid length, or a reason
// ("" when valid). A switch, not a table of funcs, so nsn does not escape.
func foreignKind(code string, n []byte) (Kind, string) {
	switch code {
	case "1": // NXX-NXX-XXXX
		if n[0] < '2' || n[3] < '2' {
			return Unknown, "area code and exchange start with 2 to 9"
		}
		return Unknown, ""
	case "52":
		return Unknown, ""
	case "57":
		switch {
		case n[0] == '3':
			return Mobile, ""
		case n[0] == '6' && n[1] == '0':
			return Landline, ""
		}
		return Unknown, "mobiles start with 3, landlines with 60"
	case "56":
		switch {
		case n[0] == '9':
			return Mobile, ""
		case n[0] < '2':
			return Unknown, "numbers start with 2 to 9"
		}
		return Landline, ""
	case "351":
		switch n[0] {
		case '9':
			return Mobile, ""
		case '2':
			return Landline, ""
		}
		return Unknown, "mobiles start with 9, landlines with 2"
	case "34":
		switch n[0] {
		case '6', '7':
			return Mobile, ""
		case '8', '9':
			return Landline, ""
		}
		return Unknown, "mobiles start with 6 or 7, landlines with 8 or 9"
	}
	return Unknown, "unknown plan"
}

func parseForeign(input string, d []byte) (Number, error) {
	fail := func(err error, detail string) (Number, error) {
		return Number{}, &Error{Input: input, Err: err, Detail: detail}
	}
	for _, p := range foreignPlans {
		if !hasPrefix(d, p.code) {
			continue
		}
		nsn := d[len(p.code):]
		// Mexican mobiles used to be dialled from abroad with a 1 after 52.
		if p.code == "52" && len(nsn) == 11 && nsn[0] == '1' {
			nsn = nsn[1:]
		}
		if len(nsn) != p.length {
			return fail(ErrLength, fmt.Sprintf("%d digits after +%s (want %d)", len(nsn), p.code, p.length))
		}
		kind, bad := foreignKind(p.code, nsn)
		if bad != "" {
			return fail(ErrNumber, "+"+p.code+": "+bad)
		}
		return Number{E164: "+" + p.code + string(nsn), CallingCode: p.code, Kind: kind}, nil
	}
	if len(d) == 0 {
		return fail(ErrLength, "no digits after +")
	}
	return fail(ErrCountry, "+"+string(d[:min(3, len(d))])+"…")
}

// IsZero reports whether n is the zero Number.
func (n Number) IsZero() bool { return n.E164 == "" }

// National formats a Brazilian number as "(11) 98765-4321" or
// "(11) 3456-7890"; foreign numbers are returned in E.164.
func (n Number) National() string {
	if n.CallingCode != "55" || len(n.E164) < 13 {
		return n.E164
	}
	sub := n.E164[5:]
	cut := len(sub) - 4
	return "(" + n.DDD + ") " + sub[:cut] + "-" + sub[cut:]
}

// Mask hides all but the DDD and the last four digits:
// "(11) *****-4321", "(11) ****-7890", "+1 ******4567". Enough for an agent
// to confirm "the number ending in 4321" without exposing it.
func (n Number) Mask() string {
	if n.E164 == "" {
		return ""
	}
	if n.CallingCode == "55" && len(n.E164) >= 13 {
		sub := n.E164[5:]
		return "(" + n.DDD + ") " + strings.Repeat("*", len(sub)-4) + "-" + sub[len(sub)-4:]
	}
	nsn := n.E164[1+len(n.CallingCode):]
	if len(nsn) <= 4 {
		return n.E164
	}
	return "+" + n.CallingCode + " " + strings.Repeat("*", len(nsn)-4) + nsn[len(nsn)-4:]
}

// String returns the masked form (see Mask).
func (n Number) String() string { return n.Mask() }

// LogValue implements slog.LogValuer with the masked form.
func (n Number) LogValue() slog.Value { return slog.StringValue(n.Mask()) }

// GenerateMobile returns a valid random Brazilian mobile with one of uf's
// DDDs, for demo data. The second digit is 6–9, as most mobiles in use.
func GenerateMobile(r *rand.Rand, uf string) (Number, error) {
	return generate(r, uf, Mobile)
}

// GenerateLandline returns a valid random Brazilian landline with one of
// uf's DDDs, starting with 2–5 (mostly 3, the usual residential range).
func GenerateLandline(r *rand.Rand, uf string) (Number, error) {
	return generate(r, uf, Landline)
}

func generate(r *rand.Rand, uf string, kind Kind) (Number, error) {
	ddds := DDDs(uf)
	if len(ddds) == 0 {
		return Number{}, fmt.Errorf("phone: no DDD for UF %q", uf)
	}
	ddd := ddds[r.IntN(len(ddds))]
	var b [14]byte
	copy(b[:], "+55")
	copy(b[3:], ddd)
	var sub []byte
	if kind == Mobile {
		sub = b[5:14]
		sub[0] = '9'
		sub[1] = byte('6' + r.IntN(4))
	} else {
		sub = b[5:13]
		sub[0] = "23333345"[r.IntN(8)]
		sub[1] = byte('0' + r.IntN(10))
	}
	for i := 2; i < len(sub); i++ {
		sub[i] = byte('0' + r.IntN(10))
	}
	e164 := string(b[:5+len(sub)])
	return Number{E164: e164, CallingCode: "55", DDD: e164[3:5], UF: UF(ddd), Kind: kind}, nil
}
