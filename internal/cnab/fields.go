package cnab

import (
	"strconv"
	"strings"

	"github.com/regua/regua/internal/money"
)

// line is one record being read, with its 1-based line number. s, when
// set, is the whole line as a string: text fields are then substrings of
// it instead of one allocation each.
type line struct {
	b  []byte
	no int
	s  string
}

// withString returns l with s set, for ASCII lines (Latin-1 letters change
// byte offsets once decoded, so those lines keep converting per field).
func (l line) withString() line {
	for _, c := range l.b {
		if c >= 0x80 {
			return l
		}
	}
	l.s = string(l.b)
	return l
}

// str returns positions from..to as a string, without copying when the
// line's string is at hand.
func (l line) str(from, to int) string {
	if l.s != "" {
		return l.s[from-1 : to]
	}
	return string(l.raw(from, to))
}

// raw returns positions from..to (1-based, inclusive).
func (l line) raw(from, to int) []byte { return l.b[from-1 : to] }

// text returns an alphanumeric field decoded from Latin-1 and trimmed.
func (l line) text(from, to int) string {
	if l.s != "" {
		return strings.TrimSpace(l.s[from-1 : to])
	}
	return strings.TrimSpace(latin1(l.raw(from, to)))
}

func latin1(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c) // Latin-1 bytes are the first 256 code points
	}
	return string(r)
}

// num reads a numeric field; blanks count as zero (banks leave unused
// numeric fields blank as often as zeroed).
func (l line) num(from, to int, field string) (int64, error) {
	var n int64
	blank := true
	for i, c := range l.raw(from, to) {
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
