package cnab

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// parseDigits (eight digits at a time) against strconv, on every width a
// CNAB field has and with a wrong byte at every position.
func TestParseDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for width := 1; width <= 18; width++ {
		for range 200 {
			var b strings.Builder
			for range width {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
			s := b.String()
			want, _ := strconv.ParseInt(s, 10, 64)
			if got, ok := parseDigits([]byte(s)); !ok || got != want {
				t.Fatalf("%q: %d %v, want %d", s, got, ok, want)
			}
			for i := range width {
				for _, bad := range []byte{' ', '/', ':', '0' - 6, 0xFA, 'A', 0x80} {
					bs := []byte(s)
					bs[i] = bad
					if _, ok := parseDigits(bs); ok {
						t.Fatalf("%q accepted", bs)
					}
				}
			}
		}
	}
}

// num keeps its slow path for blanks and names the bad position.
func TestNumSlowPath(t *testing.T) {
	l := line{b: []byte("   12  12 1x"), no: 7}
	if n, err := l.num(1, 5, "f"); err != nil || n != 12 {
		t.Errorf("leading blanks: %d %v", n, err)
	}
	if _, err := l.num(6, 10, "f"); err == nil {
		t.Error("blank after a digit accepted")
	}
	if _, err := l.num(11, 12, "campo"); err == nil || !strings.Contains(err.Error(), "line 7, positions 011-012 (campo)") || !strings.Contains(err.Error(), "position 12") {
		t.Errorf("error %v", err)
	}
}

// Options.Validated runs once, after the whole file is checked and before
// the first record; its error stops Process; a bad file never reaches it.
func TestProcessValidatedHook(t *testing.T) {
	f := validReturn240(t, "341", 4)
	var calls, before int
	n := 0
	info, err := Process(bytes.NewReader(f), int64(len(f)), Options{Validated: func(fi FileInfo) error {
		calls++
		before = n
		if fi.Records != 4 || fi.ID == "" {
			t.Errorf("validated %+v", fi)
		}
		return nil
	}}, func(*Record) error { n++; return nil })
	if err != nil || calls != 1 || before != 0 || n != 4 || info.Records != 4 {
		t.Errorf("calls %d, records before %d, after %d, %v", calls, before, n, err)
	}
	stop := errors.New("already booked")
	n = 0
	if _, err := Process(bytes.NewReader(f), int64(len(f)), Options{Validated: func(FileInfo) error { return stop }}, func(*Record) error { n++; return nil }); !errors.Is(err, stop) || n != 0 {
		t.Errorf("hook error: %v, %d records", err, n)
	}
	bad := bytes.Replace(f, []byte("\r\n"), []byte("X\r\n"), 3)
	calls = 0
	if _, err := Process(bytes.NewReader(bad), int64(len(bad)), Options{Validated: func(FileInfo) error { calls++; return nil }}, func(*Record) error { n++; return nil }); err == nil || calls != 0 || n != 0 {
		t.Errorf("bad file: %v, hook %d, records %d", err, calls, n)
	}
}

// A file that changes between the passes is reported.
func TestProcessFileChanged(t *testing.T) {
	f := validReturn240(t, "341", 4)
	g := bytes.Clone(f)
	copy(g[240*2+2+148:], "OUTRO NOME")
	ra := &switching{first: f, then: g}
	if _, err := Process(ra, int64(len(f)), Options{}, func(*Record) error { return nil }); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("changed file: %v", err)
	}
}

// switching serves first in the first pass and then from the second read
// of offset 0 on.
type switching struct {
	first, then []byte
	starts      int
}

func (s *switching) ReadAt(p []byte, off int64) (int, error) {
	if off == 0 {
		s.starts++
	}
	b := s.first
	if s.starts > 1 {
		b = s.then
	}
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// The file ID is the SHA-256 of the lines with LF terminators, whether
// hashed in place (small files) or on another goroutine (large ones).
func TestFileIDSmallAndLarge(t *testing.T) {
	for _, n := range []int{3, 5000} {
		f := validReturn240(t, "341", n)
		lf := bytes.ReplaceAll(f, []byte("\r\n"), []byte("\n"))
		if !bytes.HasSuffix(lf, []byte("\n")) {
			lf = append(lf, '\n')
		}
		want := fmt.Sprintf("%x", sha256.Sum256(lf))
		for name, b := range map[string][]byte{"CRLF": f, "LF": lf} {
			info, err := Validate(bytes.NewReader(b), Options{})
			if err != nil || info.ID != want {
				t.Errorf("%d records, %s: id %s, want %s (%v)", n, name, info.ID, want, err)
			}
		}
		if len(lf) < hashAsync && n > 3 {
			t.Errorf("%d records (%d bytes) do not reach the concurrent hashing", n, len(lf))
		}
	}
}
