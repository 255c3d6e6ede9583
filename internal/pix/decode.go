package pix

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tlv is one field as read from the text; pos is its byte offset in the
// whole payload, for messages.
type tlv struct {
	id, val string
	pos     int
}

// parseTLV splits s (found at offset base of the payload) into fields.
// parent is the template's path for error messages ("" at the top).
func parseTLV(s, parent string, base int) ([]tlv, error) {
	out := make([]tlv, 0, len(s)/8+2)
	at := func(id string) string {
		if parent == "" {
			return id
		}
		return parent + "." + id
	}
	for i := 0; i < len(s); {
		if len(s)-i < 4 {
			where := parent
			if where == "" {
				where = "payload"
			}
			return nil, fieldErr(where, "%q at position %d is too short for an ID and a length", s[i:], base+i+1)
		}
		id, ln := s[i:i+2], s[i+2:i+4]
		if !isDigits(id, 2) {
			where := parent
			if where == "" {
				where = "payload"
			}
			return nil, fieldErr(where, "%q at position %d is not a two-digit field ID", id, base+i+1)
		}
		if !isDigits(ln, 2) {
			return nil, fieldErr(at(id), "length %q at position %d is not two digits", ln, base+i+3)
		}
		n := int(ln[0]-'0')*10 + int(ln[1]-'0')
		if n == 0 {
			return nil, fieldErr(at(id), "length 00: a present field has a value")
		}
		// Lengths count characters; past ASCII that is not bytes.
		j := i + 4
		for k := 0; k < n; k++ {
			if j >= len(s) {
				return nil, fieldErr(at(id), "length %d runs past the end of the %s (%d characters left)", n, map[bool]string{true: "payload", false: "template"}[parent == ""], k)
			}
			if s[j] < utf8.RuneSelf {
				j++
			} else {
				_, size := utf8.DecodeRuneInString(s[j:])
				j += size
			}
		}
		out = append(out, tlv{id: id, val: s[i+4 : j], pos: base + i})
		i = j
	}
	return out, nil
}

// textRule says which characters a field may hold.
type textRule int

const (
	asciiOnly textRule = iota // printable ASCII
	anyText                   // any printable character (names, cities, free text)
)

func checkText(v string, r textRule) error {
	for _, c := range v {
		if c < 0x20 || c == 0x7F || c >= 0x80 && c < 0xA0 {
			return fmt.Errorf("control character %q", c)
		}
		if r == asciiOnly && c > 0x7E {
			return fmt.Errorf("character %q is not printable ASCII", c)
		}
	}
	return nil
}

// Decode reads and validates a BR Code ("Pix copia e cola" text or the
// content of a QR code). Surrounding white space is ignored. Errors are
// *FieldError naming the first wrong field and the reason.
func Decode(s string) (*Code, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return nil, fieldErr("payload", "not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(s); n > MaxPayloadLen {
		return nil, fieldErr("payload", "%d characters, at most %d", n, MaxPayloadLen)
	}
	if !strings.HasPrefix(s, "000201") {
		return nil, fieldErr("00", "a BR Code starts with 000201 (payload format indicator 01), this starts with %q", prefix(s, 6))
	}
	fields, err := parseTLV(s, "", 0)
	if err != nil {
		return nil, err
	}
	last := fields[len(fields)-1]
	if last.id != "63" {
		return nil, fieldErr("63", "the CRC (6304 and four hex digits) must be the last field; the last is %s", last.id)
	}
	if len(last.val) != 4 || last.pos != len(s)-8 {
		return nil, fieldErr("63", "want length 04 and four hex digits, got %q", last.val)
	}
	var want [4]byte
	appendCRCHex(want[:0], crc16String(s[:len(s)-4]))
	if !strings.EqualFold(last.val, string(want[:])) {
		return nil, fieldErr("63", "checksum %s does not match the content (%s): the code was altered or mistyped", last.val, want[:])
	}

	c := &Code{CRC: strings.ToUpper(last.val), Fields: make([]Field, 0, len(fields))}
	var seen [100]bool
	pixTemplate := ""
	for _, f := range fields {
		n := int(f.id[0]-'0')*10 + int(f.id[1]-'0')
		if seen[n] {
			return nil, fieldErr(f.id, "appears twice")
		}
		seen[n] = true
		field := Field{ID: f.id, Name: FieldName(f.id), Value: f.val}
		switch id := f.id; {
		case id == "00":
			if f.val != "01" {
				return nil, fieldErr(id, "%q: only version 01 exists", f.val)
			}
		case id == "01":
			if f.val != Reusable && f.val != SingleUse {
				return nil, fieldErr(id, "%q is not 11 (reusable) or 12 (single use)", f.val)
			}
			c.PointOfInitiation = f.val
		case id >= "02" && id <= "25":
			// Primitive account information of card schemes; not Pix's.
			if err := checkText(f.val, asciiOnly); err != nil {
				return nil, fieldErr(id, "%v", err)
			}
		case id >= "26" && id <= "51":
			subs, err := parseTLV(f.val, id, f.pos+4)
			if err != nil {
				return nil, err
			}
			field.Value, field.Sub = "", subFields(id, subs)
			if len(subs) == 0 || subs[0].id != "00" {
				return nil, fieldErr(id+".00", "a merchant account template starts with its GUI (ID 00)")
			}
			if !strings.EqualFold(subs[0].val, GUI) {
				break // another arrangement's template
			}
			if pixTemplate != "" {
				return nil, fieldErr(id, "a second Pix template; the first is %s", pixTemplate)
			}
			pixTemplate = id
			if err := c.decodePixTemplate(id, subs[1:]); err != nil {
				return nil, err
			}
		case id == "52":
			if !isDigits(f.val, 4) {
				return nil, fieldErr(id, "%q: want 4 digits (0000 when not informed)", f.val)
			}
			c.MerchantCategoryCode = f.val
		case id == "53":
			if f.val != "986" {
				return nil, fieldErr(id, "%q: Pix is in reais, currency 986", f.val)
			}
			c.Currency = f.val
		case id == "54":
			if c.Amount, err = parseAmount(f.val); err != nil {
				return nil, fieldErr(id, "%v", err)
			}
		case id == "55" || id == "56" || id == "57":
			// Tip and convenience fee indicators of EMV; Pix ignores them.
			if err := checkText(f.val, asciiOnly); err != nil {
				return nil, fieldErr(id, "%v", err)
			}
		case id == "58":
			if f.val != "BR" {
				return nil, fieldErr(id, "%q: want BR", f.val)
			}
			c.Country = f.val
		case id == "59":
			if err := checkLen(f.val, MaxNameLen); err != nil {
				return nil, fieldErr(id, "%v", err)
			}
			c.Name = f.val
		case id == "60":
			if err := checkLen(f.val, MaxCityLen); err != nil {
				return nil, fieldErr(id, "%v", err)
			}
			c.City = f.val
		case id == "61":
			if err := checkText(f.val, asciiOnly); err != nil || len(f.val) > 10 {
				return nil, fieldErr(id, "%q: want a postal code of up to 10 characters (a CEP has 8 digits)", f.val)
			}
			c.PostalCode = f.val
		case id == "62":
			subs, err := parseTLV(f.val, id, f.pos+4)
			if err != nil {
				return nil, err
			}
			field.Value, field.Sub = "", subFields(id, subs)
			if err := c.decodeAdditional(subs); err != nil {
				return nil, err
			}
		case id == "63":
		case id == "64":
			subs, err := parseTLV(f.val, id, f.pos+4)
			if err != nil {
				return nil, err
			}
			field.Value, field.Sub = "", subFields(id, subs)
			for _, sf := range subs {
				if err := checkText(sf.val, anyText); err != nil {
					return nil, fieldErr(id+"."+sf.id, "%v", err)
				}
			}
		case id >= "65" && id <= "79":
			// Reserved by EMVCo for future use: carried, not interpreted.
			if err := checkText(f.val, anyText); err != nil {
				return nil, fieldErr(id, "%v", err)
			}
		default: // 80..99
			subs, err := parseTLV(f.val, id, f.pos+4)
			if err != nil {
				return nil, err
			}
			field.Value, field.Sub = "", subFields(id, subs)
			if len(subs) == 0 || subs[0].id != "00" {
				return nil, fieldErr(id+".00", "an unreserved template starts with its GUI (ID 00)")
			}
			if strings.EqualFold(subs[0].val, GUI) {
				if err := c.decodeRecurrence(id, subs[1:]); err != nil {
					return nil, err
				}
			}
		}
		c.Fields = append(c.Fields, field)
	}
	for _, m := range []string{"52", "53", "58", "59", "60", "62"} {
		if !seen[int(m[0]-'0')*10+int(m[1]-'0')] {
			return nil, fieldErr(m, "missing; it is mandatory")
		}
	}
	if pixTemplate == "" {
		return nil, fieldErr("26", "no merchant account template (IDs 26 to 51) with GUI %s: not a Pix code", GUI)
	}
	switch {
	case c.URL != "":
		c.Kind = Dynamic
	case c.Key != "":
		c.Kind = Static
	case c.RecurrenceURL != "":
		c.Kind = Recurrence
	default:
		return nil, fieldErr(pixTemplate, "neither a chave (01) nor a url (25): the payer cannot know whom to pay")
	}
	return c, nil
}

func (c *Code) decodePixTemplate(id string, subs []tlv) error {
	for _, sf := range subs {
		path := subPath(id, sf.id)
		switch sf.id {
		case "00":
			return fieldErr(path, "GUI appears twice")
		case "01":
			kt, err := ValidateKey(sf.val)
			if err != nil {
				return fieldErr(path, "%v", err)
			}
			c.Key, c.KeyType = sf.val, kt
		case "02":
			if err := checkText(sf.val, anyText); err != nil {
				return fieldErr(path, "%v", err)
			}
			c.Description = sf.val
		case "03":
			if !isDigits(sf.val, 8) {
				return fieldErr(path, "ISPB %q: want 8 digits", sf.val)
			}
			c.WithdrawalISPB = sf.val
		case "25":
			if err := checkURL(sf.val); err != nil {
				return fieldErr(path, "%v", err)
			}
			c.URL = sf.val
		default:
			return fieldErr(path, "ID %s is not defined in the Pix template (00 GUI, 01 chave, 02 infoAdicional, 03 fss, 25 url)", sf.id)
		}
	}
	if c.Key != "" && c.URL != "" {
		return fieldErr(id+".25", "both a chave and a url: a code is static (chave) or dynamic (url)")
	}
	if c.URL != "" && (c.Description != "" || c.WithdrawalISPB != "") {
		return fieldErr(id+".25", "a dynamic code carries only the url; infoAdicional and fss come from the PSP's charge")
	}
	return nil
}

func (c *Code) decodeAdditional(subs []tlv) error {
	for _, sf := range subs {
		path := subPath("62", sf.id)
		if sf.id == "05" {
			if sf.val != "***" {
				if err := checkTxID(sf.val); err != nil {
					return fieldErr(path, "%v", err)
				}
				c.TxID = sf.val
			}
			continue
		}
		if err := checkText(sf.val, asciiOnly); err != nil {
			return fieldErr(path, "%v", err)
		}
	}
	for _, sf := range subs {
		if sf.id == "05" {
			return nil
		}
	}
	return fieldErr("62.05", "missing; Pix codes always carry a txid, *** when there is none")
}

func (c *Code) decodeRecurrence(id string, subs []tlv) error {
	for _, sf := range subs {
		path := subPath(id, sf.id)
		if sf.id != "25" {
			return fieldErr(path, "ID %s is not defined in the Pix recurrence template (00 GUI, 25 url)", sf.id)
		}
		if err := checkURL(sf.val); err != nil {
			return fieldErr(path, "%v", err)
		}
		if c.RecurrenceURL != "" {
			return fieldErr(path, "a second Pix recurrence template")
		}
		c.RecurrenceURL = sf.val
	}
	if c.RecurrenceURL == "" {
		return fieldErr(id+".25", "a Pix recurrence template needs its url")
	}
	return nil
}

func checkLen(v string, max int) error {
	if err := checkText(v, anyText); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Errorf("%q: %d characters, at most %d", v, n, max)
	}
	return nil
}

func subFields(parent string, subs []tlv) []Field {
	out := make([]Field, len(subs))
	for i, s := range subs {
		id := subPath(parent, s.id)
		out[i] = Field{ID: id, Name: FieldName(id), Value: s.val}
	}
	return out
}

// subPaths holds "PP.SS" for every template ID and sub-ID, so decoding
// does not build the same short strings over and over.
var subPaths = func() (t [100][100]string) {
	for p := 26; p < 100; p++ {
		if p > 51 && p != 62 && p != 64 && p < 80 {
			continue
		}
		for s := range 100 {
			t[p][s] = fmt.Sprintf("%02d.%02d", p, s)
		}
	}
	return t
}()

func subPath(parent, id string) string {
	p := int(parent[0]-'0')*10 + int(parent[1]-'0')
	if s := subPaths[p][int(id[0]-'0')*10+int(id[1]-'0')]; s != "" {
		return s
	}
	return parent + "." + id
}

func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
