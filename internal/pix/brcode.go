// Package pix builds and reads Pix BR Codes: the EMV QRCPS-MPM payload
// that a Pix QR code carries and that "Pix copia e cola" pastes as text,
// as the Central Bank's "Manual de Padrões para Iniciação do Pix" lays it
// out (sections 2.5 to 2.8). It has no I/O: images are in package pix/qr,
// the PSP API in package pixapi.
//
// A BR Code is a list of ID-length-value fields (two-digit ID, two-digit
// length, value). Pix puts its own data in a merchant account information
// template (IDs 26..51) whose GUI is "br.gov.bcb.pix": the key (chave) for
// a static code, or the PSP's location URL for a dynamic one. The last
// field, 63, is a CRC-16/CCITT-FALSE over everything before its value.
package pix

import (
	"fmt"
	"strings"

	"github.com/regua/regua/internal/money"
)

// GUI is the globally unique identifier of the Pix arrangement inside the
// BR Code templates. Readers compare it case-insensitively.
const GUI = "br.gov.bcb.pix"

// Kind says how a payer's app finds the payment data.
type Kind string

const (
	// Static codes carry the key, and optionally amount, txid and a
	// description, inside the code itself.
	Static Kind = "static"
	// Dynamic codes carry a URL (location) where the payer's PSP fetches
	// the charge (cob or cobv) from the receiver's PSP.
	Dynamic Kind = "dynamic"
	// Recurrence codes carry only the URL of a Pix Automático recurrence
	// (template 80..99), with an empty Pix template 26.
	Recurrence Kind = "recurrence"
)

// Point of initiation method (ID 01).
const (
	Reusable  = "11" // the code may be paid many times
	SingleUse = "12" // the code is meant to be paid once
)

// Field limits from the manual and the EMV specification.
const (
	MaxNameLen        = 25  // ID 59, merchant name
	MaxCityLen        = 15  // ID 60, merchant city
	MaxTxIDLen        = 25  // ID 62-05 in a BR Code (the API's txid may be longer)
	MaxURLLen         = 77  // ID 26-25 and 80-25
	MaxDescriptionLen = 72  // ID 26-02 at best; the key takes from the same 99
	MaxPayloadLen     = 512 // whole BR Code
	maxAmountLen      = 13  // ID 54
)

// Code is one Pix BR Code, decoded or to be encoded.
type Code struct {
	// Kind is set by Decode. Encode makes a dynamic code when URL is set
	// and a static one otherwise.
	Kind Kind `json:"kind"`
	// PointOfInitiation is ID 01: Reusable, SingleUse or "" to leave the
	// field out (the manual's static example has none). Dynamic codes get
	// SingleUse when it is empty.
	PointOfInitiation string `json:"pointOfInitiation,omitempty"`
	// Key is the receiver's Pix key (26-01) of a static code.
	Key     string  `json:"key,omitempty"`
	KeyType KeyType `json:"keyType,omitempty"`
	// Description is the free text shown to the payer (26-02,
	// infoAdicional). Its room is what the key leaves of 99 characters.
	Description string `json:"description,omitempty"`
	// WithdrawalISPB is the ISPB of a Pix Saque facilitator (26-03, fss).
	WithdrawalISPB string `json:"withdrawalIspb,omitempty"`
	// URL is the location of a dynamic code's charge (26-25), without
	// "https://".
	URL string `json:"url,omitempty"`
	// RecurrenceURL is the location of a Pix Automático recurrence
	// (80..99-25), without "https://".
	RecurrenceURL string `json:"recurrenceUrl,omitempty"`
	// MerchantCategoryCode (52) is "0000" when not informed.
	MerchantCategoryCode string `json:"merchantCategoryCode"`
	// Currency (53) is the ISO 4217 number, always "986" (BRL) for Pix.
	Currency string `json:"currency"`
	// Amount (54) is zero when the payer types the amount.
	Amount money.Money `json:"amount,omitempty"`
	// Country (58) is "BR".
	Country string `json:"country"`
	// Name (59) and City (60) of the receiver, printable ASCII.
	Name string `json:"name"`
	City string `json:"city"`
	// PostalCode (61), the CEP, eight digits.
	PostalCode string `json:"postalCode,omitempty"`
	// TxID (62-05) identifies the payment for reconciliation; empty means
	// none ("***" in the code).
	TxID string `json:"txid,omitempty"`
	// CRC is the checksum as found by Decode (four hex digits).
	CRC string `json:"crc,omitempty"`
	// Fields is the whole tree of fields as found by Decode, including
	// those Pix does not use (other arrangements, tips, language).
	Fields []Field `json:"fields,omitempty"`
}

// Field is one ID-length-value of a decoded BR Code.
type Field struct {
	ID    string  `json:"id"`   // path, "26.01"
	Name  string  `json:"name"` // what the field is, "chave"
	Value string  `json:"value,omitempty"`
	Sub   []Field `json:"sub,omitempty"` // fields of a template
}

// FieldError says which field of a BR Code is wrong and why. ID is the
// field's path, "59" or "26.01" for a field inside a template.
type FieldError struct {
	ID     string
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("BR Code field %s (%s): %s", e.ID, FieldName(e.ID), e.Reason)
}

func fieldErr(id, format string, a ...any) *FieldError {
	return &FieldError{ID: id, Reason: fmt.Sprintf(format, a...)}
}

var fieldNames = map[string]string{
	"00":    "payload format indicator",
	"01":    "point of initiation method",
	"26":    "merchant account information (Pix)",
	"26.00": "GUI",
	"26.01": "chave",
	"26.02": "infoAdicional",
	"26.03": "fss",
	"26.25": "url",
	"52":    "merchant category code",
	"53":    "transaction currency",
	"54":    "transaction amount",
	"58":    "country code",
	"59":    "merchant name",
	"60":    "merchant city",
	"61":    "postal code",
	"62":    "additional data field template",
	"62.05": "txid (reference label)",
	"63":    "CRC16",
	"64":    "merchant information language template",
	"80":    "unreserved template",
	"80.00": "GUI",
	"80.25": "recurrence url",
}

// FieldName names a field path for people ("59" → "merchant name").
func FieldName(id string) string {
	if n, ok := fieldNames[id]; ok {
		return n
	}
	top, sub, _ := strings.Cut(id, ".")
	switch {
	case top >= "02" && top <= "51" && sub == "":
		return "merchant account information"
	case top >= "26" && top <= "51":
		if n, ok := fieldNames["26."+sub]; ok {
			return n
		}
	case top >= "80" && top <= "99":
		if n, ok := fieldNames["80."+sub]; ok {
			return n
		}
		return "unreserved template"
	case top == "payload":
		return "whole payload"
	}
	return "field"
}

// Encode returns the BR Code text ("Pix copia e cola") for c after
// checking and normalising every field: accents are folded in name, city
// and description, the key is put in DICT form, defaults fill MCC
// ("0000"), currency ("986") and country ("BR").
func Encode(c Code) (string, error) {
	b, err := AppendEncode(make([]byte, 0, 256), c)
	return string(b), err
}

// AppendEncode is Encode appending to dst, for callers that encode many
// codes into reused buffers.
func AppendEncode(dst []byte, c Code) ([]byte, error) {
	if err := c.normalize(); err != nil {
		return dst, err
	}
	start := len(dst)
	dst = appendTLV(dst, "00", "01")
	if c.PointOfInitiation != "" {
		dst = appendTLV(dst, "01", c.PointOfInitiation)
	}
	// Merchant account information 26: GUI, then chave/infoAdicional/fss
	// for a static code or url for a dynamic one.
	mai := 4 + len(GUI)
	if c.Key != "" {
		mai += 4 + len(c.Key)
	}
	if c.Description != "" {
		mai += 4 + len(c.Description)
	}
	if c.WithdrawalISPB != "" {
		mai += 4 + len(c.WithdrawalISPB)
	}
	if c.URL != "" {
		mai += 4 + len(c.URL)
	}
	if mai > 99 {
		return dst[:start], fieldErr("26", "key, description and fss take %d characters, at most 99; shorten the description to %d", mai, len(c.Description)-(mai-99))
	}
	dst = appendHead(dst, "26", mai)
	dst = appendTLV(dst, "00", GUI)
	if c.Key != "" {
		dst = appendTLV(dst, "01", c.Key)
	}
	if c.Description != "" {
		dst = appendTLV(dst, "02", c.Description)
	}
	if c.WithdrawalISPB != "" {
		dst = appendTLV(dst, "03", c.WithdrawalISPB)
	}
	if c.URL != "" {
		dst = appendTLV(dst, "25", c.URL)
	}
	dst = appendTLV(dst, "52", c.MerchantCategoryCode)
	dst = appendTLV(dst, "53", c.Currency)
	if c.Amount > 0 {
		var buf [24]byte
		dst = appendTLVBytes(dst, "54", appendAmount(buf[:0], c.Amount))
	}
	dst = appendTLV(dst, "58", c.Country)
	dst = appendTLV(dst, "59", c.Name)
	dst = appendTLV(dst, "60", c.City)
	if c.PostalCode != "" {
		dst = appendTLV(dst, "61", c.PostalCode)
	}
	txid := c.TxID
	if txid == "" {
		txid = "***"
	}
	dst = appendHead(dst, "62", 4+len(txid))
	dst = appendTLV(dst, "05", txid)
	if c.RecurrenceURL != "" {
		dst = appendHead(dst, "80", 4+len(GUI)+4+len(c.RecurrenceURL))
		dst = appendTLV(dst, "00", GUI)
		dst = appendTLV(dst, "25", c.RecurrenceURL)
	}
	dst = append(dst, "6304"...)
	if n := len(dst) - start + 4; n > MaxPayloadLen {
		return dst[:start], fieldErr("payload", "%d characters, at most %d", n, MaxPayloadLen)
	}
	return appendCRCHex(dst, CRC16(dst[start:])), nil
}

// normalize checks c for encoding and puts its fields in BR Code form.
func (c *Code) normalize() error {
	var err error
	switch {
	case c.URL != "":
		c.Kind = Dynamic
		if c.Key != "" {
			return fieldErr("26.01", "a dynamic code carries the url, not the key; the key goes in the charge at the PSP")
		}
		if c.Amount != 0 {
			return fieldErr("54", "a dynamic code's amount comes from the PSP's charge; leave it out")
		}
		if c.TxID != "" {
			return fieldErr("62.05", "a dynamic code's txid comes from the PSP's charge; leave it out")
		}
		if c.Description != "" || c.WithdrawalISPB != "" {
			return fieldErr("26.02", "a dynamic code carries only the url in template 26")
		}
		if err := checkURL(c.URL); err != nil {
			return fieldErr("26.25", "%v", err)
		}
		if c.PointOfInitiation == "" {
			c.PointOfInitiation = SingleUse
		}
	case c.Key != "":
		c.Kind = Static
		if c.Key, c.KeyType, err = NormalizeKey(c.Key); err != nil {
			return fieldErr("26.01", "%v", err)
		}
	case c.RecurrenceURL != "":
		c.Kind = Recurrence
		if c.Amount != 0 || c.Description != "" || c.WithdrawalISPB != "" {
			return fieldErr("26", "a recurrence-only code has no key, so no amount, description or fss")
		}
	default:
		return fieldErr("26.01", "a Pix key (static code) or a location url (dynamic code) is required")
	}
	if c.RecurrenceURL != "" {
		if err := checkURL(c.RecurrenceURL); err != nil {
			return fieldErr("80.25", "%v", err)
		}
	}
	switch c.PointOfInitiation {
	case "", Reusable, SingleUse:
	default:
		return fieldErr("01", "%q is not 11 (reusable) or 12 (single use)", c.PointOfInitiation)
	}
	if c.Description != "" {
		if c.Description, err = FoldASCII(c.Description); err != nil {
			return fieldErr("26.02", "%v", err)
		}
	}
	if c.WithdrawalISPB != "" && !isDigits(c.WithdrawalISPB, 8) {
		return fieldErr("26.03", "ISPB %q: want 8 digits", c.WithdrawalISPB)
	}
	if c.MerchantCategoryCode == "" {
		c.MerchantCategoryCode = "0000"
	} else if !isDigits(c.MerchantCategoryCode, 4) {
		return fieldErr("52", "%q: want 4 digits", c.MerchantCategoryCode)
	}
	if c.Currency == "" {
		c.Currency = "986"
	} else if c.Currency != "986" {
		return fieldErr("53", "%q: Pix is in reais, currency 986", c.Currency)
	}
	if c.Country == "" {
		c.Country = "BR"
	} else if c.Country != "BR" {
		return fieldErr("58", "%q: Pix codes are from BR", c.Country)
	}
	if c.Amount < 0 {
		return fieldErr("54", "negative amount %s", c.Amount)
	}
	if c.Amount > 999999999999 {
		return fieldErr("54", "amount %s does not fit 13 characters", c.Amount)
	}
	if c.Name, err = FoldASCII(c.Name); err != nil {
		return fieldErr("59", "%v", err)
	}
	if c.Name == "" || len(c.Name) > MaxNameLen {
		return fieldErr("59", "%q: want 1 to %d characters", c.Name, MaxNameLen)
	}
	if c.City, err = FoldASCII(c.City); err != nil {
		return fieldErr("60", "%v", err)
	}
	if c.City == "" || len(c.City) > MaxCityLen {
		return fieldErr("60", "%q: want 1 to %d characters", c.City, MaxCityLen)
	}
	if c.PostalCode != "" {
		c.PostalCode = strings.ReplaceAll(strings.ReplaceAll(c.PostalCode, "-", ""), ".", "")
		if !isDigits(c.PostalCode, 8) {
			return fieldErr("61", "CEP %q: want 8 digits", c.PostalCode)
		}
	}
	if c.TxID == "***" {
		c.TxID = ""
	}
	if c.TxID != "" {
		if err := checkTxID(c.TxID); err != nil {
			return fieldErr("62.05", "%v", err)
		}
	}
	return nil
}

func checkTxID(t string) error {
	if len(t) > MaxTxIDLen {
		return fmt.Errorf("%q: %d characters, at most %d", t, len(t), MaxTxIDLen)
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("%q: only letters A-Z, a-z and digits are allowed, not %q", t, c)
		}
	}
	return nil
}

// checkURL applies the manual's rules for locations: no protocol prefix,
// at most 77 characters, a host and a path, printable ASCII without spaces.
func checkURL(u string) error {
	if len(u) > MaxURLLen {
		return fmt.Errorf("%d characters, at most %d", len(u), MaxURLLen)
	}
	if strings.Contains(u, "://") {
		return fmt.Errorf("%q: leave out the protocol prefix", u)
	}
	for i := 0; i < len(u); i++ {
		if u[i] <= 0x20 || u[i] > 0x7E {
			return fmt.Errorf("%q: character %q not allowed in a URL", u, u[i])
		}
	}
	host, path, ok := strings.Cut(u, "/")
	if !ok || host == "" || path == "" || !strings.Contains(host, ".") {
		return fmt.Errorf("%q: want host/path of the receiver's PSP", u)
	}
	return nil
}

func isDigits(s string, n int) bool {
	if n >= 0 && len(s) != n || len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func appendHead(dst []byte, id string, n int) []byte {
	return append(dst, id[0], id[1], byte('0'+n/10), byte('0'+n%10))
}

func appendTLV(dst []byte, id, v string) []byte {
	return append(appendHead(dst, id, len(v)), v...)
}

func appendTLVBytes(dst []byte, id string, v []byte) []byte {
	return append(appendHead(dst, id, len(v)), v...)
}

// appendAmount writes centavos as the BR Code wants: "123.45".
func appendAmount(dst []byte, m money.Money) []byte {
	c := int64(m)
	var tmp [20]byte
	i := len(tmp)
	for n := 0; c > 0 || n < 3; n++ {
		if n == 2 {
			i--
			tmp[i] = '.'
		}
		i--
		tmp[i] = byte('0' + c%10)
		c /= 10
	}
	return append(dst, tmp[i:]...)
}

// parseAmount reads field 54: digits, optionally a dot and one or two
// decimals.
func parseAmount(v string) (money.Money, error) {
	if len(v) > maxAmountLen {
		return 0, fmt.Errorf("%q: %d characters, at most %d", v, len(v), maxAmountLen)
	}
	intPart, frac, hasDot := strings.Cut(v, ".")
	if intPart == "" || !isDigits(intPart, -1) || hasDot && (len(frac) < 1 || len(frac) > 2 || !isDigits(frac, -1)) {
		return 0, fmt.Errorf("%q: want digits with a dot and up to two decimals, like 123.45", v)
	}
	var c int64
	for i := 0; i < len(intPart); i++ {
		c = c*10 + int64(intPart[i]-'0')
	}
	c *= 100
	switch len(frac) {
	case 1:
		c += int64(frac[0]-'0') * 10
	case 2:
		c += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	if c == 0 {
		return 0, fmt.Errorf("%q: zero; leave the field out for an open amount", v)
	}
	return money.Money(c), nil
}
