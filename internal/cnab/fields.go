package cnab

import (
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/regua/regua/internal/money"
)

// line is one record being read, with its 1-based line number. Fields are
// read from b in place: numbers and dates are parsed from the bytes, and
// text fields are copied only when a record is handed out (see textBuf).
type line struct {
	b  []byte
	no int
}

// raw returns positions from..to (1-based, inclusive).
func (l line) raw(from, to int) []byte { return l.b[from-1 : to] }

// text returns an alphanumeric field decoded from Latin-1 and trimmed, as
// its own string (file headers; records use textBuf).
func (l line) text(from, to int) string {
	var t textBuf
	var s string
	t.text(&s, l.raw(from, to))
	t.flush()
	return s
}

// spaces marks the Latin-1 bytes that unicode.IsSpace counts: ASCII white
// space, NEL (0x85) and the no-break space (0xA0).
var spaces = [256]bool{' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true, 0x85: true, 0xA0: true}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && spaces[b[0]] {
		b = b[1:]
	}
	for len(b) > 0 && spaces[b[len(b)-1]] {
		b = b[:len(b)-1]
	}
	return b
}

// ascii reports whether b has no byte above 0x7F, eight bytes at a time.
func ascii(b []byte) bool {
	var or uint64
	for ; len(b) >= 8; b = b[8:] {
		or |= binary.LittleEndian.Uint64(b)
	}
	for _, c := range b {
		or |= uint64(c)
	}
	return or&0x8080808080808080 == 0
}

// textBuf gathers the text fields of one record in one buffer, so that
// they become substrings of a single string: one allocation per record
// instead of one per field. Fields are assigned by flush.
type textBuf struct {
	b    []byte
	n    int
	dst  [16]*string
	span [16][2]int32
}

func (t *textBuf) reset() { t.b, t.n = t.b[:0], 0 }

// bytes adds v as it is (ASCII: codes, digits, dates).
func (t *textBuf) bytes(dst *string, v []byte) {
	start := len(t.b)
	t.b = append(t.b, v...)
	t.mark(dst, start)
}

// text adds an alphanumeric field trimmed and decoded from Latin-1; only
// fields with bytes above 0x7F pay for the decoding.
func (t *textBuf) text(dst *string, v []byte) {
	v = trimSpace(v)
	start := len(t.b)
	if ascii(v) {
		t.b = append(t.b, v...)
	} else {
		for _, c := range v {
			t.b = utf8.AppendRune(t.b, rune(c)) // Latin-1 bytes are the first 256 code points
		}
	}
	t.mark(dst, start)
}

func (t *textBuf) mark(dst *string, start int) {
	t.dst[t.n] = dst
	t.span[t.n] = [2]int32{int32(start), int32(len(t.b))}
	t.n++
}

// flush makes the string and assigns every field added since reset.
func (t *textBuf) flush() {
	s := string(t.b)
	for i := 0; i < t.n; i++ {
		*t.dst[i] = s[t.span[i][0]:t.span[i][1]]
	}
	t.reset()
}

// swar8 parses the 8 ASCII digits packed little-endian in x; ok is false
// if any byte is not a digit.
func swar8(x uint64) (uint64, bool) {
	// Every high nibble must be 3 and every byte + 6 must stay below 0x40.
	if (x&0xF0F0F0F0F0F0F0F0)|(((x+0x0606060606060606)&0xF0F0F0F0F0F0F0F0)>>4) != 0x3333333333333333 {
		return 0, false
	}
	x &= 0x0F0F0F0F0F0F0F0F
	x = (x * (10<<8 + 1)) >> 8 & 0x00FF00FF00FF00FF
	x = (x * (100<<16 + 1)) >> 16 & 0x0000FFFF0000FFFF
	x = (x * (10000<<32 + 1)) >> 32
	return x, true
}

// digits8 parses b[:8].
func digits8(b []byte) (uint64, bool) { return swar8(binary.LittleEndian.Uint64(b)) }

// parseDigits reads b if it is all digits (the common case); ok is false
// otherwise, and the caller takes the slow path that allows leading blanks
// and names the bad character. Fields of eight digits or more are read
// eight at a time, the first len%8 digits padded with zeros in front.
func parseDigits(b []byte) (int64, bool) {
	if len(b) < 8 {
		var n uint64
		for _, c := range b {
			if c-'0' > 9 {
				return 0, false
			}
			n = n*10 + uint64(c-'0')
		}
		return int64(n), true
	}
	var n uint64
	i := len(b) % 8
	if i > 0 {
		x := binary.LittleEndian.Uint64(b)
		v, ok := swar8(x<<(64-8*i) | 0x3030303030303030>>(8*i))
		if !ok {
			return 0, false
		}
		n = v
	}
	for ; i < len(b); i += 8 {
		v, ok := digits8(b[i:])
		if !ok {
			return 0, false
		}
		n = n*100_000_000 + v
	}
	return int64(n), true
}

// num reads a numeric field; blanks count as zero (banks leave unused
// numeric fields blank as often as zeroed).
func (l line) num(from, to int, field string) (int64, error) {
	b := l.raw(from, to)
	if n, ok := parseDigits(b); ok {
		return n, nil
	}
	var n int64
	blank := true
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int64(c-'0')
			blank = false
		case c == ' ' && blank:
		default:
			return 0, errAt(l.no, from, to, field, "character %q at position %d is not a digit", rune(c), from+i)
		}
	}
	return n, nil
}

func (l line) amount(from, to int, field string) (money.Money, error) {
	n, err := l.num(from, to, field)
	return money.Money(n), err
}

// date reads DDMMAAAA (8) or DDMMAA (6, years 00-69 are 20xx) into
// YYYY-MM-DD; zeros or blanks give "".
func (l line) date(from, to int, field string) (string, error) {
	out, ok, err := l.dateBytes(from, to, field)
	if err != nil || !ok {
		return "", err
	}
	return string(out[:]), nil
}

// dateTo adds a date field to t as YYYY-MM-DD, or leaves dst empty.
func (l line) dateTo(t *textBuf, dst *string, from, to int, field string) error {
	out, ok, err := l.dateBytes(from, to, field)
	if ok {
		t.bytes(dst, out[:])
	}
	return err
}

// checkDate validates a date field without keeping it.
func (l line) checkDate(from, to int, field string) error {
	_, _, err := l.dateBytes(from, to, field)
	return err
}

func (l line) dateBytes(from, to int, field string) (out [10]byte, ok bool, err error) {
	b := l.raw(from, to)
	zero := true
	for _, c := range b {
		if c != '0' && c != ' ' {
			zero = false
			break
		}
	}
	if zero {
		return out, false, nil
	}
	if !allDigits(b) {
		return out, false, errAt(l.no, from, to, field, "%q is not a date (DDMM%s)", string(b), map[int]string{8: "AAAA", 6: "AA"}[len(b)])
	}
	d := int(b[0]-'0')*10 + int(b[1]-'0')
	m := int(b[2]-'0')*10 + int(b[3]-'0')
	if len(b) == 6 {
		century := "20"
		if b[4] >= '7' {
			century = "19"
		}
		copy(out[0:2], century)
		copy(out[2:4], b[4:6])
	} else {
		copy(out[0:4], b[4:8])
	}
	y := int(out[0]-'0')*1000 + int(out[1]-'0')*100 + int(out[2]-'0')*10 + int(out[3]-'0')
	if m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return out, false, errAt(l.no, from, to, field, "%q is not a valid date", string(b))
	}
	out[4], out[7] = '-', '-'
	copy(out[5:7], b[2:4])
	copy(out[8:10], b[0:2])
	return out, true, nil
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// reasons splits a field of 2-character codes, dropping blank and "00".
func reasons(s string, width int) []string {
	var out []string
	for i := 0; i+width <= len(s); i += width {
		c := strings.TrimSpace(s[i : i+width])
		if c != "" && strings.Trim(c, "0") != "" {
			out = append(out, c)
		}
	}
	return out
}

var zero = []byte("0")

// trimZerosBytes is trimZeros without a string.
func trimZerosBytes(b []byte) []byte {
	b = trimSpace(b)
	for i, c := range b {
		if c != '0' {
			return b[i:]
		}
	}
	if len(b) > 0 {
		return zero
	}
	return b
}

// trimZeros normalises a nosso número for matching.
func trimZeros(s string) string {
	s = strings.TrimSpace(s)
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return t
}

// --- writing -----------------------------------------------------------------

// rec is a record being written: a fixed-width buffer of blanks.
type rec []byte

func newRec(n int) rec {
	r := make(rec, n)
	for i := range r {
		r[i] = ' '
	}
	return r
}

// put writes alphanumeric text left-aligned, upper-case, without accents
// (CNAB files are plain Latin-1 and most banks refuse accented letters).
func (r rec) put(from, to int, s string) {
	s = plainUpper(s)
	w := to - from + 1
	if len(s) > w {
		s = s[:w]
	}
	copy(r[from-1:to], s)
}

// num writes n right-aligned with zeros, keeping the last digits when n
// does not fit (the counters of huge files wrap, as banks' do).
func (r rec) num(from, to int, n int64) {
	if n < 0 {
		n = 0
	}
	for i := to - 1; i >= from-1; i-- {
		r[i] = byte('0' + n%10)
		n /= 10
	}
}

// digits writes a string of digits right-aligned with zeros.
func (r rec) digits(from, to int, s string) {
	j := len(s) - 1
	for i := to - 1; i >= from-1; i-- {
		if j >= 0 {
			r[i] = s[j]
			j--
		} else {
			r[i] = '0'
		}
	}
}

func (r rec) date8(from int, ymd string) { r.dateN(from, ymd, 8) }
func (r rec) date6(from int, ymd string) { r.dateN(from, ymd, 6) }

// dateN writes YYYY-MM-DD as DDMMAAAA or DDMMAA; "" writes zeros.
func (r rec) dateN(from int, ymd string, n int) {
	if len(ymd) != 10 {
		r.num(from, from+n-1, 0)
		return
	}
	s := ymd[8:10] + ymd[5:7] + ymd[0:4]
	if n == 6 {
		s = ymd[8:10] + ymd[5:7] + ymd[2:4]
	}
	copy(r[from-1:from-1+n], s)
}

var accents = map[rune]string{
	'á': "A", 'à': "A", 'â': "A", 'ã': "A", 'ä': "A", 'é': "E", 'ê': "E", 'è': "E", 'ë': "E",
	'í': "I", 'ì': "I", 'î': "I", 'ï': "I", 'ó': "O", 'ò': "O", 'ô': "O", 'õ': "O", 'ö': "O",
	'ú': "U", 'ù': "U", 'û': "U", 'ü': "U", 'ç': "C", 'ñ': "N",
}

func plainUpper(s string) string {
	var b strings.Builder
	for _, r := range s {
		if a, ok := accents[toLower(r)]; ok {
			b.WriteString(a)
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		if r < 0x20 || r > 0x7e {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

func toLower(r rune) rune {
	if r >= 'À' && r <= 'Þ' && r != '×' {
		return r + 32
	}
	return r
}
