package cnab

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"os"
)

// Options change how strict reading is.
type Options struct {
	// SkipTitleTotals stops checking the CNAB 240 batch trailer's count and
	// value of títulos (positions 024-115) against the segments read. The
	// record counts are always checked. Use it only for a bank known to
	// fill those totals with something else than the batch's content.
	SkipTitleTotals bool
}

// lineReader yields the lines of a file without their terminators (LF or
// CRLF; a final DOS end-of-file byte 0x1A is ignored), hashing their
// content. Blank lines are allowed only at the end.
type lineReader struct {
	br       *bufio.Reader
	no       int
	h        hash.Hash
	blankAt  int
	overlong []byte
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 16<<10), h: sha256.New()}
}

// next returns the next non-blank line; ok is false at the end.
func (lr *lineReader) next() (l line, ok bool, err error) {
	for {
		b, err := lr.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: keep reading it only to
			// report its length.
			lr.overlong = append(lr.overlong[:0], b...)
			for errors.Is(err, bufio.ErrBufferFull) {
				b, err = lr.br.ReadSlice('\n')
				lr.overlong = append(lr.overlong, b...)
			}
			b = lr.overlong
		}
		if err != nil && err != io.EOF {
			return line{}, false, err
		}
		if len(b) == 0 && err == io.EOF {
			return line{}, false, nil
		}
		lr.no++
		b = bytes.TrimRight(b, "\r\n")
		b = bytes.TrimRight(b, "\x1a")
		if len(bytes.TrimSpace(b)) == 0 {
			if lr.blankAt == 0 {
				lr.blankAt = lr.no
			}
			if err == io.EOF {
				return line{}, false, nil
			}
			continue
		}
		if lr.blankAt != 0 {
			return line{}, false, errAt(lr.blankAt, 0, 0, "", "blank line inside the file")
		}
		lr.h.Write(b)
		lr.h.Write([]byte{'\n'})
		return line{b: b, no: lr.no}, true, nil
	}
}

func (lr *lineReader) id() string { return hex.EncodeToString(lr.h.Sum(nil)) }

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
	return scan(r, opt, nil)
}

// Scan reads a file and calls fn with each record as it is read. It
// streams: records before a bad line have already been handed out when the
// error comes, so fn must not book anything final; use Process (or
// Validate first) when it does.
func Scan(r io.Reader, opt Options, fn func(*Record) error) (FileInfo, error) {
	return scan(r, opt, fn)
}

// Process validates the whole file first (pass 1) and only then reads it
// again calling fn for each record (pass 2); a bad file calls fn never.
// Memory stays bounded whatever the file's size. The FileInfo of pass 1 is
// returned with any error of fn.
func Process(ra io.ReaderAt, size int64, opt Options, fn func(*Record) error) (FileInfo, error) {
	info, err := Validate(io.NewSectionReader(ra, 0, size), opt)
	if err != nil {
		return info, err
	}
	info2, err := scan(io.NewSectionReader(ra, 0, size), opt, fn)
	if err != nil {
		return info, err
	}
	if info2.ID != info.ID {
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

// Parse validates and reads a file held in memory, returning all records.
func Parse(b []byte, opt Options) ([]Record, FileInfo, error) {
	info, err := Validate(bytes.NewReader(b), opt)
	if err != nil {
		return nil, info, err
	}
	recs := make([]Record, 0, info.Records)
	_, err = scan(bytes.NewReader(b), opt, func(r *Record) error {
		recs = append(recs, *r)
		return nil
	})
	return recs, info, err
}

func scan(r io.Reader, opt Options, fn func(*Record) error) (FileInfo, error) {
	lr := newLineReader(r)
	first, ok, err := lr.next()
	if err != nil {
		return FileInfo{}, err
	}
	if !ok {
		return FileInfo{}, errAt(1, 0, 0, "", "the file is empty")
	}
	var info FileInfo
	switch len(first.b) {
	case 240:
		info, err = scan240(lr, first, opt, fn)
	case 400:
		info, err = scan400(lr, first, fn)
	default:
		return FileInfo{}, errAt(1, 0, 0, "record length", "has %d characters; a CNAB file has lines of 240 or 400", len(first.b))
	}
	if err != nil {
		return info, err
	}
	info.ID = lr.id()
	return info, nil
}
