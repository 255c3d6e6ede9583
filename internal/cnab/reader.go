package cnab

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"sync"
)

// Options change how strict reading is.
type Options struct {
	// SkipTitleTotals stops checking the CNAB 240 batch trailer's count and
	// value of títulos (positions 024-115) against the segments read. The
	// record counts are always checked. Use it only for a bank known to
	// fill those totals with something else than the batch's content.
	SkipTitleTotals bool
	// Validated, when set, is called by Process (and ProcessFile) once the
	// whole file has been validated and before the first record is handed
	// out, with the file's FileInfo; an error stops Process there. A caller
	// that must register the file (by FileInfo.ID) before booking its
	// records does it here instead of calling Validate first, which would
	// read the file once more.
	Validated func(FileInfo) error
}

// lineReader yields the lines of a file without their terminators (LF or
// CRLF; a final DOS end-of-file byte 0x1A is ignored), hashing their
// content. Blank lines are allowed only at the end. It keeps its own
// buffer rather than a bufio.Reader so that runs of LF-terminated lines are
// hashed in one write per buffer and the lines it returns stay in place.
type lineReader struct {
	r        io.Reader
	buf      []byte
	pos, end int // unread bytes are buf[pos:end]
	rerr     error
	no       int
	blankAt  int
	h        *hasher // SHA-256 of the content (FileInfo.ID); nil when not wanted
	hashFrom int     // buf[hashFrom:hashTo] is content not yet written to h
	hashTo   int
	crc      uint32 // CRC-32C of the bytes read: Process's check that pass 2 read what pass 1 validated
}

var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	newline    = []byte{'\n'}
)

const bufSize = 256 << 10

// buffers are reused across files: a small file must not pay for zeroing
// a large buffer.
var buffers = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

// newLineReader reads r; withID asks for the SHA-256 of the content. The
// caller calls release when done with the lines.
func newLineReader(r io.Reader, withID bool) *lineReader {
	lr := &lineReader{r: r, buf: *buffers.Get().(*[]byte)}
	if withID {
		lr.h = newHasher()
	}
	return lr
}

func (lr *lineReader) release() {
	if lr.h != nil {
		lr.h.stop()
	}
	if len(lr.buf) == bufSize { // not one grown for an overlong line
		b := lr.buf
		buffers.Put(&b)
	}
	lr.buf = nil
}

// fill moves the unread bytes to the front and reads more; false at the
// end of the input or on an error (in lr.rerr).
func (lr *lineReader) fill() bool {
	if lr.rerr != nil {
		return false
	}
	lr.flushHash()
	n := copy(lr.buf, lr.buf[lr.pos:lr.end])
	lr.pos, lr.end = 0, n
	if lr.end == len(lr.buf) {
		// A line longer than the buffer: keep it whole, only to report
		// its length.
		lr.buf = append(lr.buf, make([]byte, len(lr.buf))...)
	}
	for {
		m, err := lr.r.Read(lr.buf[lr.end:])
		lr.crc = crc32.Update(lr.crc, castagnoli, lr.buf[lr.end:lr.end+m])
		lr.end += m
		if err != nil {
			lr.rerr = err
			return m > 0
		}
		if m > 0 {
			return true
		}
	}
}

func (lr *lineReader) flushHash() {
	if lr.h != nil && lr.hashTo > lr.hashFrom {
		lr.h.Write(lr.buf[lr.hashFrom:lr.hashTo])
	}
	lr.hashFrom, lr.hashTo = 0, 0
}

// next returns the next non-blank line; ok is false at the end.
func (lr *lineReader) next() (l line, ok bool, err error) {
	for {
		start := lr.pos
		i := bytes.IndexByte(lr.buf[start:lr.end], '\n')
		var raw []byte
		if i >= 0 {
			raw = lr.buf[start : start+i+1]
		} else if lr.fill() {
			continue
		} else if lr.rerr != io.EOF {
			return line{}, false, lr.rerr
		} else if start = lr.pos; start == lr.end {
			return line{}, false, nil
		} else {
			raw = lr.buf[start:lr.end] // the last line, without terminator
		}
		lr.pos = start + len(raw)
		lr.no++
		b := raw
		for n := len(b); n > 0 && (b[n-1] == '\n' || b[n-1] == '\r'); n = len(b) {
			b = b[:n-1]
		}
		for n := len(b); n > 0 && b[n-1] == 0x1a; n = len(b) {
			b = b[:n-1]
		}
		if blank(b) {
			if lr.blankAt == 0 {
				lr.blankAt = lr.no
			}
			continue
		}
		if lr.blankAt != 0 {
			return line{}, false, errAt(lr.blankAt, 0, 0, "", "blank line inside the file")
		}
		if lr.h != nil {
			// The content is hashed with LF terminators whatever the file
			// has: a line already followed by LF extends the pending run.
			if len(raw) > len(b) && raw[len(b)] == '\n' {
				if lr.hashTo != start {
					lr.flushHash()
					lr.hashFrom = start
				}
				lr.hashTo = start + len(b) + 1
			} else {
				lr.flushHash()
				lr.h.Write(b)
				lr.h.Write(newline)
			}
		}
		return line{b: b, no: lr.no}, true, nil
	}
}

// blank is len(bytes.TrimSpace(b)) == 0, answered from the first byte for
// the lines of a record.
func blank(b []byte) bool {
	if len(b) > 0 && b[0] > ' ' && b[0] < 0x80 {
		return false
	}
	return len(bytes.TrimSpace(b)) == 0
}

func (lr *lineReader) id() string {
	if lr.h == nil {
		return ""
	}
	lr.flushHash()
	return hex.EncodeToString(lr.h.sum())
}

// hasher computes SHA-256, on another goroutine once the file proves
// large: hashing costs about as much as the rest of the validation pass,
// and with a second core the two overlap. Writes are then copied into
// chunks handed to the goroutine. Small files are hashed in place (a
// goroutine would cost them more than it saves).
type hasher struct {
	h       hash.Hash
	written int
	cur     *[]byte
	ch      chan *[]byte // nil until the goroutine runs
	done    chan struct{}
	sums    []byte
}

const (
	hashChunk = 128 << 10
	hashAsync = 1 << 20 // bytes hashed in place before going concurrent
)

var hashChunks = sync.Pool{New: func() any { b := make([]byte, 0, hashChunk); return &b }}

func newHasher() *hasher { return &hasher{h: sha256.New()} }

func (hs *hasher) Write(b []byte) {
	if hs.ch == nil {
		hs.h.Write(b)
		if hs.written += len(b); hs.written >= hashAsync {
			hs.ch, hs.done = make(chan *[]byte, 8), make(chan struct{})
			go func() {
				defer close(hs.done)
				for c := range hs.ch {
					hs.h.Write(*c)
					*c = (*c)[:0]
					hashChunks.Put(c)
				}
			}()
		}
		return
	}
	for len(b) > 0 {
		if hs.cur == nil {
			hs.cur = hashChunks.Get().(*[]byte)
		}
		c := *hs.cur
		n := min(len(b), cap(c)-len(c))
		*hs.cur = append(c, b[:n]...)
		b = b[n:]
		if len(*hs.cur) == cap(*hs.cur) {
			hs.ch <- hs.cur
			hs.cur = nil
		}
	}
}

// sum waits for the goroutine, if any, and returns the hash.
func (hs *hasher) sum() []byte {
	if hs.sums == nil {
		if hs.ch != nil {
			if hs.cur != nil {
				hs.ch <- hs.cur
				hs.cur = nil
			}
			close(hs.ch)
			<-hs.done
		}
		hs.sums = hs.h.Sum(nil)
	}
	return hs.sums
}

// stop ends the goroutine whether or not the hash was asked for.
func (hs *hasher) stop() { hs.sum() }

func checkLength(l line, want int) error {
	if len(l.b) == want {
		return nil
	}
	hint := ""
	for _, c := range l.b {
		if c >= 0x80 && len(l.b) > want {
			hint = " (accented letters take 2 bytes in UTF-8: is the file UTF-8 instead of Latin-1?)"
			break
		}
	}
	return errAt(l.no, 0, 0, "record length", "has %d characters, want %d%s", len(l.b), want, hint)
}

// Validate reads a whole file and checks it without handing out records.
func Validate(r io.Reader, opt Options) (FileInfo, error) {
	info, _, err := scan(r, opt, nil, true)
	return info, err
}

// Scan reads a file and calls fn with each record as it is read. It
// streams: records before a bad line have already been handed out when the
// error comes, so fn must not book anything final; use Process (or
// Validate first) when it does.
func Scan(r io.Reader, opt Options, fn func(*Record) error) (FileInfo, error) {
	info, _, err := scan(r, opt, fn, true)
	return info, err
}

// Process validates the whole file first (pass 1) and only then reads it
// again calling fn for each record (pass 2); a bad file calls fn never.
// Memory stays bounded whatever the file's size: a million records do not
// fit in the budget, so the file is read twice rather than kept. Pass 1
// takes the file's ID (SHA-256) and a CRC-32C; pass 2, which only extracts
// what pass 1 checked, takes the CRC alone to make sure it read the same
// content. The FileInfo of pass 1 is returned with any error of fn or of
// opt.Validated.
func Process(ra io.ReaderAt, size int64, opt Options, fn func(*Record) error) (FileInfo, error) {
	info, sum, err := scan(io.NewSectionReader(ra, 0, size), opt, nil, true)
	if err != nil {
		return info, err
	}
	if opt.Validated != nil {
		if err := opt.Validated(info); err != nil {
			return info, err
		}
	}
	info2, sum2, err := scan(io.NewSectionReader(ra, 0, size), opt, fn, false)
	if err != nil {
		return info, err
	}
	if sum2 != sum || info2.Lines != info.Lines || info2.Records != info.Records {
		return info, errors.New("cnab: the file changed between validation and reading")
	}
	return info, nil
}

// ProcessFile is Process over a file on disk.
func ProcessFile(path string, opt Options, fn func(*Record) error) (FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileInfo{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return FileInfo{}, err
	}
	return Process(f, st.Size(), opt, fn)
}

// Parse validates and reads a file held in memory, returning all records
// (none if the file is bad). The records are the memory here, so one pass
// is enough.
func Parse(b []byte, opt Options) ([]Record, FileInfo, error) {
	var recs []Record
	info, _, err := scan(bytes.NewReader(b), opt, func(r *Record) error {
		recs = append(recs, *r)
		return nil
	}, true)
	if err != nil {
		return nil, info, err
	}
	return recs, info, nil
}

// scan reads a file, handing each record to fn when fn is set (the records'
// text fields are only extracted then); withID computes FileInfo.ID. It
// returns the content's CRC-32C too.
func scan(r io.Reader, opt Options, fn func(*Record) error, withID bool) (FileInfo, uint32, error) {
	lr := newLineReader(r, withID)
	defer lr.release()
	first, ok, err := lr.next()
	if err != nil {
		return FileInfo{}, 0, err
	}
	if !ok {
		return FileInfo{}, 0, errAt(1, 0, 0, "", "the file is empty")
	}
	var info FileInfo
	switch len(first.b) {
	case 240:
		info, err = scan240(lr, first, opt, fn)
	case 400:
		info, err = scan400(lr, first, fn)
	default:
		return FileInfo{}, 0, errAt(1, 0, 0, "record length", "has %d characters; a CNAB file has lines of 240 or 400", len(first.b))
	}
	if err != nil {
		return info, 0, err
	}
	info.ID = lr.id()
	return info, lr.crc, nil
}
