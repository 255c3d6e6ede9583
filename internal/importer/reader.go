package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encodings the reader knows, as Options.Encoding accepts them.
const (
	EncodingAuto        = ""
	EncodingUTF8        = "utf-8"
	EncodingWindows1252 = "windows-1252"
	EncodingISO88591    = "iso-8859-1"
	EncodingUTF16       = "utf-16" // only with a byte-order mark, detected
)

// sniffSize is how much of the file decides encoding and delimiter.
const sniffSize = 64 << 10

// maxRecord bounds one record (a line, or several when a quoted field holds
// line breaks), so a stray quote cannot make the reader hold the file.
const maxRecord = 1 << 20

// RefusedError says the file as a whole cannot be imported: it is not a CSV,
// or it has no usable header. Nothing of it is stored.
type RefusedError struct {
	Reason string
}

func (e *RefusedError) Error() string { return "file refused: " + e.Reason }

func refuse(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// IsRefused reports whether err refuses the whole file (as opposed to a
// store or I/O failure).
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// countingReader counts the bytes read from the file, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// crToLF turns old Mac line ends (a lone CR, as "CSV (Macintosh)" exports
// write) into LF.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// source is a file opened for reading: decoded to UTF-8, delimiter known.
type source struct {
	counter  *countingReader
	br       *bufio.Reader
	encoding string
	delim    byte
	// fallback decodes records that are not valid UTF-8 in a file read as
	// UTF-8 (files concatenated from two exports).
	fallback *encoding.Decoder
}

// parseEncoding maps the names people use to the encodings above.
func parseEncoding(s string) (string, error) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-")) {
	case "", "auto":
		return EncodingAuto, nil
	case "utf-8", "utf8":
		return EncodingUTF8, nil
	case "windows-1252", "cp1252", "win1252", "ansi":
		return EncodingWindows1252, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return EncodingISO88591, nil
	case "utf-16", "utf16":
		return EncodingUTF16, nil
	}
	return "", fmt.Errorf("encoding %q: want utf-8, windows-1252, iso-8859-1 or utf-16", s)
}

// parseDelimiter maps an Options.Delimiter to a byte; 0 means detect.
func parseDelimiter(s string) (byte, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case ";", "semicolon":
		return ';', nil
	case ",", "comma":
		return ',', nil
	case "\t", `\t`, "tab":
		return '\t', nil
	case "|", "pipe":
		return '|', nil
	}
	return 0, fmt.Errorf("delimiter %q: want ; , tab or |", s)
}

// openSource sniffs the start of r: refuses what is plainly not a CSV,
// settles the encoding (enc, or detected when empty) and the delimiter
// (delim, or detected from the header line when 0).
func openSource(r io.Reader, enc string, delim byte) (*source, error) {
	src := &source{counter: &countingReader{r: r}}
	raw := bufio.NewReaderSize(src.counter, sniffSize)
	peek, err := raw.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("read file: %w", err)
	}
	atEOF := len(peek) < sniffSize
	if len(bytes.TrimSpace(peek)) == 0 {
		return nil, refuse("the file is empty")
	}
	if what := binaryKind(peek); what != "" {
		return nil, refuse("this is %s, not a CSV text file: open it in the spreadsheet and save it as CSV (fields separated by ; or ,)", what)
	}

	var dec *encoding.Decoder
	switch {
	case bytes.HasPrefix(peek, []byte{0xEF, 0xBB, 0xBF}):
		// A byte-order mark says UTF-8 whatever Options.Encoding says: the
		// option settles only files that carry no mark.
		raw.Discard(3)
		src.encoding = EncodingUTF8
	case bytes.HasPrefix(peek, []byte{0xFF, 0xFE}), bytes.HasPrefix(peek, []byte{0xFE, 0xFF}):
		src.encoding = EncodingUTF16
		dec = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	case enc != EncodingAuto:
		src.encoding = enc
	default:
		if bytes.IndexByte(peek, 0) >= 0 {
			return nil, refuse("the file has binary content (NUL bytes), not CSV text")
		}
		src.encoding = EncodingWindows1252
		if validUTF8Prefix(peek, atEOF) || mostlyUTF8(peek) {
			src.encoding = EncodingUTF8
		}
	}
	switch src.encoding {
	case EncodingWindows1252:
		dec = charmap.Windows1252.NewDecoder()
	case EncodingISO88591:
		dec = charmap.ISO8859_1.NewDecoder()
	case EncodingUTF16:
		if dec == nil {
			return nil, refuse("UTF-16 files need a byte-order mark; save the file as UTF-8")
		}
	case EncodingUTF8:
		src.fallback = charmap.Windows1252.NewDecoder()
	}
	var text io.Reader = raw
	if dec != nil {
		text = transform.NewReader(raw, dec)
	}
	src.br = bufio.NewReaderSize(text, sniffSize)
	sample, err := src.br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if bytes.IndexByte(sample, '\n') < 0 && bytes.IndexByte(sample, '\r') >= 0 {
		src.br = bufio.NewReaderSize(crToLF{src.br}, sniffSize)
		sample, _ = src.br.Peek(sniffSize)
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		return nil, refuse("the file has binary content (NUL bytes), not CSV text")
	}
	src.delim = delim
	if src.delim == 0 {
		d, err := detectDelimiter(sample)
		if err != nil {
			return nil, err
		}
		src.delim = d
	}
	return src, nil
}

// binaryKind names well-known non-CSV formats people upload by mistake.
func binaryKind(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "a ZIP archive or an Excel workbook (.xlsx)"
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return "an old Excel workbook (.xls)"
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "a PDF document"
	case bytes.HasPrefix(b, []byte{0x1F, 0x8B}):
		return "a gzip archive"
	case bytes.HasPrefix(b, []byte("\x89PNG")), bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "an image"
	case bytes.HasPrefix(b, []byte("SQLite format 3\x00")):
		return "a SQLite database"
	}
	return ""
}

// validUTF8Prefix reports whether b is valid UTF-8, forgiving a rune cut at
// the end of the sample.
func validUTF8Prefix(b []byte, atEOF bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if atEOF {
		return false
	}
	for cut := 1; cut < utf8.UTFMax && cut <= len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return !utf8.FullRune(b[len(b)-cut:])
		}
	}
	return false
}

// mostlyUTF8 reports a sample with more well-formed multi-byte UTF-8
// sequences than bytes that are not UTF-8: a UTF-8 file with a few
// Windows-1252 records (two exports concatenated). Such records are then
// decoded one by one (source.fallback). Text written in Windows-1252 almost
// never forms a valid UTF-8 sequence by chance.
func mostlyUTF8(b []byte) bool {
	multi, bad := 0, 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			bad++
			i++
			continue
		}
		multi++
		i += n
	}
	return multi > bad
}

// candidates are the delimiters detection considers, in order of preference
// when counts tie.
var candidates = []byte{';', '\t', ',', '|'}

// detectDelimiter picks the delimiter from the header line: the first
// non-blank line of sample, or the "sep=X" hint line Excel writes.
func detectDelimiter(sample []byte) (byte, error) {
	line := firstLine(sample)
	if d, ok := sepHint(line); ok {
		return d, nil
	}
	best, bestN := byte(0), 0
	for _, d := range candidates {
		if n := countOutsideQuotes(line, d); n > bestN {
			best, bestN = d, n
		}
	}
	if best == 0 {
		return 0, refuse("no delimiter (; , tab or |) in the header line %q: the first line must name the columns", clip(string(line), 80))
	}
	return best, nil
}

// firstLine returns the first line of b that is not blank, without its end.
func firstLine(b []byte) []byte {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		var l []byte
		if i < 0 {
			l, b = b, nil
		} else {
			l, b = b[:i], b[i+1:]
		}
		if len(bytes.TrimSpace(l)) > 0 {
			return bytes.TrimRight(l, "\r")
		}
	}
	return nil
}

// sepHint recognises Excel's "sep=;" first line.
func sepHint(line []byte) (byte, bool) {
	l := bytes.TrimSpace(line)
	if len(l) == 5 && strings.EqualFold(string(l[:4]), "sep=") {
		switch l[4] {
		case ';', ',', '\t', '|':
			return l[4], true
		}
	}
	if len(l) == 4 && strings.EqualFold(string(l), "sep=") && len(line) > 4 && line[len(line)-1] == '\t' {
		return '\t', true
	}
	return 0, false
}

func countOutsideQuotes(line []byte, d byte) int {
	n, inQ := 0, false
	for _, c := range line {
		switch {
		case c == '"':
			inQ = !inQ
		case c == d && !inQ:
			n++
		}
	}
	return n
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// record is one CSV record as read.
type record struct {
	line   int      // physical line where the record starts (the header is line 1)
	text   string   // the record as decoded text, without its line end
	fields []string // its fields, quotes removed; valid until the next read
	err    string   // a defect that makes the record unusable, "" if none
}

// recordReader splits the decoded text into records. It copes with what
// spreadsheets write: quoted fields with "" escapes and line breaks, CRLF or
// LF, blank lines and rows of empty fields (skipped), and stray quotes inside
// unquoted fields (kept as text).
type recordReader struct {
	src    *source
	delim  byte
	line   int // physical lines consumed
	buf    []byte
	fields []string
	first  bool
}

func newRecordReader(src *source) *recordReader {
	return &recordReader{src: src, delim: src.delim, first: true}
}

// quote-scanner states, shared by completeness check and splitting.
const (
	stFieldStart = iota
	stUnquoted
	stQuoted
	stQuoteInQuoted // a quote inside a quoted field: an escape or the end
)

// next reads the next non-blank record into rec; io.EOF at the end.
func (r *recordReader) next(rec *record) error {
	for {
		err := r.readRecord(rec)
		if err != nil {
			return err
		}
		if rec.err == "" && blank(rec.text, r.delim) {
			continue
		}
		if r.first {
			r.first = false
			if _, ok := sepHint([]byte(rec.text)); ok {
				continue
			}
		}
		return nil
	}
}

// blank reports a line with nothing but spaces and delimiters.
func blank(s string, d byte) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != d && c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

func (r *recordReader) readRecord(rec *record) error {
	r.buf = r.buf[:0]
	rec.line = r.line + 1
	rec.err = ""
	state := stFieldStart
	tooLong := false
	read := false
	for {
		chunk, err := r.src.br.ReadSlice('\n')
		if len(chunk) > 0 {
			read = true
		}
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: keep going within bounds.
			if len(r.buf)+len(chunk) <= maxRecord {
				state = r.scan(chunk, state)
				r.buf = append(r.buf, chunk...)
			} else {
				tooLong = true
			}
			continue
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("read line %d: %w", r.line+1, err)
		}
		if err == io.EOF && !read {
			return io.EOF
		}
		r.line++
		line := chunk
		if n := len(line); n > 0 && line[n-1] == '\n' {
			line = line[:n-1]
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(r.buf)+len(line) > maxRecord {
			tooLong = true
		}
		if !tooLong {
			if state == stQuoted || bytes.IndexByte(line, '"') >= 0 {
				state = r.scan(line, state)
			} else {
				state = stUnquoted
			}
			r.buf = append(r.buf, line...)
		}
		if tooLong {
			rec.err = fmt.Sprintf("record longer than %d bytes (a quote left open?)", maxRecord)
			break
		}
		if state == stQuoted {
			if err == io.EOF {
				rec.err = "quoted field not closed before the end of the file"
				break
			}
			r.buf = append(r.buf, '\n')
			continue
		}
		break
	}
	if r.src.fallback != nil && !utf8.Valid(r.buf) {
		if dec, err := r.src.fallback.Bytes(r.buf); err == nil {
			r.buf = append(r.buf[:0], dec...)
		}
	}
	rec.text = string(r.buf)
	rec.fields = splitRecord(rec.text, r.delim, r.fields[:0])
	r.fields = rec.fields
	return nil
}

// scan advances the quote state over b.
func (r *recordReader) scan(b []byte, state int) int {
	d := r.delim
	for _, c := range b {
		switch state {
		case stFieldStart:
			switch c {
			case '"':
				state = stQuoted
			case d:
			default:
				state = stUnquoted
			}
		case stUnquoted:
			if c == d {
				state = stFieldStart
			}
		case stQuoted:
			if c == '"' {
				state = stQuoteInQuoted
			}
		case stQuoteInQuoted:
			switch c {
			case '"':
				state = stQuoted
			case d:
				state = stFieldStart
			default:
				state = stUnquoted
			}
		}
	}
	return state
}

// splitRecord splits a complete record into fields, appending to out.
// Fields are substrings of s except quoted ones with "" escapes.
func splitRecord(s string, d byte, out []string) []string {
	i := 0
	for {
		if i < len(s) && s[i] == '"' {
			j := i + 1
			seg := j
			var esc []byte
			var field string
			for {
				k := strings.IndexByte(s[j:], '"')
				if k < 0 { // unterminated: the rest is the field
					field = joinEsc(esc, s[seg:])
					j = len(s)
					break
				}
				j += k
				if j+1 < len(s) && s[j+1] == '"' {
					esc = append(esc, s[seg:j+1]...)
					j += 2
					seg = j
					continue
				}
				field = joinEsc(esc, s[seg:j])
				j++
				break
			}
			// Text after the closing quote (`"abc"def`) is kept.
			if j < len(s) && s[j] != d {
				k := strings.IndexByte(s[j:], d)
				if k < 0 {
					k = len(s) - j
				}
				field += s[j : j+k]
				j += k
			}
			out = append(out, field)
			if j >= len(s) {
				return out
			}
			i = j + 1
			continue
		}
		k := strings.IndexByte(s[i:], d)
		if k < 0 {
			return append(out, s[i:])
		}
		out = append(out, s[i:i+k])
		i += k + 1
	}
}

func joinEsc(esc []byte, tail string) string {
	if esc == nil {
		return tail
	}
	return string(append(esc, tail...))
}
