package importer

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/taxid"
)

// Mapping maps a column name as it appears in the file to a canonical column
// name (or any of its aliases). A target of "" or "-" ignores the column.
// Names on both sides are compared after normalization (case, accents,
// spaces), so {"Nº do Contrato": "contrato"} matches "N° DO CONTRATO".
type Mapping map[string]string

// LoadMapping reads a mapping file: a JSON object {"column in file": "canonical name"}.
func LoadMapping(path string) (Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mapping file: %w", err)
	}
	defer f.Close()
	m, err := ParseMapping(f)
	if err != nil {
		return nil, fmt.Errorf("mapping file %s: %w", path, err)
	}
	return m, nil
}

// ParseMapping reads a mapping as JSON and checks every target is a known column.
func ParseMapping(r io.Reader) (Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(r)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("want a JSON object {\"column in file\": \"canonical name\"}: %w", err)
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m Mapping) check() error {
	for from, to := range m {
		if _, err := m.target(to); err != nil {
			return fmt.Errorf("mapping %q → %q: %w", from, to, err)
		}
	}
	return nil
}

// target resolves a mapping value: the column, or -1 to ignore.
func (m Mapping) target(to string) (col, error) {
	t := strings.TrimSpace(to)
	if t == "" || t == "-" {
		return -1, nil
	}
	c, ok := aliasIndex[normalizeName(t)]
	if !ok {
		return 0, fmt.Errorf("unknown column %q (canonical names: %s)", to, strings.Join(Columns(), ", "))
	}
	return c, nil
}

// header is the file's first line understood.
type header struct {
	delim   byte
	names   []string // as written in the file
	cols    []col    // per file column: its canonical column, or -1
	pos     [numCols]int
	ignored []string // file columns that mean nothing to the importer
}

func buildHeader(fields []string, m Mapping) (*header, error) {
	h := &header{names: make([]string, len(fields)), cols: make([]col, len(fields))}
	for i := range h.pos {
		h.pos[i] = -1
	}
	mapped := make(map[string]string, len(m))
	for from, to := range m {
		mapped[normalizeName(from)] = to
	}
	for i, f := range fields {
		name := strings.TrimSpace(strings.TrimPrefix(f, "\ufeff"))
		h.names[i] = name
		key := normalizeName(name)
		c, ok := col(-1), false
		if to, inMap := mapped[key]; inMap {
			var err error
			if c, err = m.target(to); err != nil {
				return nil, err
			}
			ok = true
		} else {
			c, ok = aliasIndex[key]
		}
		if !ok || c < 0 {
			h.cols[i] = -1
			if !ok && name != "" {
				h.ignored = append(h.ignored, name)
			}
			continue
		}
		if prev := h.pos[c]; prev >= 0 {
			return nil, refuse("columns %q (%d) and %q (%d) both mean %s; keep one, or map one to \"-\" in a mapping file",
				h.names[prev], prev+1, name, i+1, columns[c].name)
		}
		h.pos[c] = i
		h.cols[i] = c
	}
	var missing []string
	for c, spec := range columns {
		if spec.required && h.pos[c] < 0 {
			missing = append(missing, spec.name)
		}
	}
	if len(missing) > 0 {
		return nil, refuse("%s", missingMessage(h, missing))
	}
	return h, nil
}

func missingMessage(h *header, missing []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "no usable header: required column")
	if len(missing) > 1 {
		b.WriteString("s")
	}
	fmt.Fprintf(&b, " %s missing", strings.Join(missing, ", "))
	if looksLikeData(h.names) {
		b.WriteString("; the first line looks like data, not column names: add a header line (see docs/import-format.md)")
	} else if len(h.names) == 1 {
		fmt.Fprintf(&b, "; the header has a single column %q: is the delimiter right?", clip(h.names[0], 60))
	} else {
		known := 0
		for _, c := range h.cols {
			if c >= 0 {
				known++
			}
		}
		if known == 0 {
			b.WriteString("; none of the columns is known")
		}
		fmt.Fprintf(&b, " (columns found: %s; use the canonical names, an alias, or a mapping file)", clip(strings.Join(h.names, ", "), 200))
	}
	return b.String()
}

// looksLikeData reports a first line holding a CPF/CNPJ or a date, which no
// header does.
func looksLikeData(names []string) bool {
	for _, n := range names {
		if _, err := taxid.Parse(n); err == nil {
			return true
		}
		if _, err := date.Parse(n); err == nil {
			return true
		}
	}
	return false
}
