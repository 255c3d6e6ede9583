package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// Defaults of Options.
const (
	DefaultBatchSize      = 5000
	DefaultMaxRejectsKept = 10000
	DefaultLocale         = "pt-BR"
)

// Options tune one import. The zero value detects everything.
type Options struct {
	// Encoding is "" (detect), utf-8, windows-1252 or iso-8859-1 (aliases
	// such as latin1, cp1252 are accepted). A byte-order mark always wins.
	Encoding string
	// Delimiter is "" (detect from the header line), ";", ",", "tab" or "|".
	Delimiter string
	// Mapping maps the file's column names to canonical ones; MappingFile
	// names a JSON file holding one (used when Mapping is nil).
	Mapping     Mapping
	MappingFile string
	// RejectFile, when set, receives one CSV line per refused value:
	// line;column;reason;original (UTF-8 with a byte-order mark, so that
	// spreadsheets show accents right). Nothing is written when no row is
	// refused.
	RejectFile io.Writer
	// BatchSize is the number of rows committed per transaction
	// (DefaultBatchSize when 0).
	BatchSize int
	// MaxRejectsKept caps the rejects kept in memory, returned in Summary
	// and stored with the run (DefaultMaxRejectsKept when 0). Past it the
	// rejects are still counted and written to RejectFile.
	MaxRejectsKept int
	// Progress, when set, is called after every committed batch and once at
	// the end (with Done set), from the goroutine that called Run.
	Progress func(Progress)
	// FileName is recorded with the run and shown in the summary.
	FileName string
	// Size is the file's size in bytes for progress; when 0 and the reader
	// has a Stat method (an *os.File), it is taken from there.
	Size int64
	// Now is the clock for the as-of date of checks (birth and origin dates
	// not in the future) and for consent times (time.Now when nil).
	Now func() time.Time
	// Locale is the language of debtors whose row has no idioma
	// (DefaultLocale when "").
	Locale string
}

// Progress is where a running import stands.
type Progress struct {
	Rows     int   // data rows read so far
	Rejected int   // rows refused so far
	Bytes    int64 // bytes of the file read so far
	Total    int64 // the file's size, 0 when unknown
	Elapsed  time.Duration
	Done     bool
}

// Summary is the outcome of an import.
type Summary struct {
	RunID     int64
	FileName  string
	Encoding  string
	Delimiter string
	Read      int // data rows read (blank lines not counted)
	Rejected  int // rows refused; each has one or more Rejects
	store.ImportCounts
	Batches        int
	Rejects        []store.Reject // the first MaxRejectsKept
	RejectsDropped int            // rejects past the cap (still in RejectFile)
	IgnoredColumns []string       // columns of the file the importer does not know
	Elapsed        time.Duration
	Refused        string // why the whole file was refused, "" if it was not
}

// RowsPerSecond is the end-to-end rate.
func (s Summary) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Read) / s.Elapsed.Seconds()
}

// String is the summary for a terminal.
func (s Summary) String() string {
	var b strings.Builder
	name := s.FileName
	if name == "" {
		name = "input"
	}
	if s.Refused != "" {
		fmt.Fprintf(&b, "%s: refused: %s\n", name, s.Refused)
		return b.String()
	}
	fmt.Fprintf(&b, "%s: %s, delimiter %s\n", name, s.Encoding, delimName(s.Delimiter))
	fmt.Fprintf(&b, "rows read   %12s\n", thousands(s.Read))
	fmt.Fprintf(&b, "inserted    %12s\n", thousands(s.Inserted))
	fmt.Fprintf(&b, "updated     %12s\n", thousands(s.Updated))
	fmt.Fprintf(&b, "unchanged   %12s\n", thousands(s.Unchanged))
	fmt.Fprintf(&b, "rejected    %12s\n", thousands(s.Rejected))
	fmt.Fprintf(&b, "time        %12s (%s rows/s)\n", s.Elapsed.Round(time.Millisecond), thousands(int(s.RowsPerSecond())))
	if len(s.IgnoredColumns) > 0 {
		fmt.Fprintf(&b, "ignored columns: %s\n", strings.Join(s.IgnoredColumns, ", "))
	}
	const show = 10
	for i, r := range s.Rejects {
		if i == show {
			fmt.Fprintf(&b, "… and %s more rejects\n", thousands(len(s.Rejects)-show+s.RejectsDropped))
			break
		}
		if r.Column != "" {
			fmt.Fprintf(&b, "line %d, %s: %s\n", r.Line, r.Column, r.Reason)
		} else {
			fmt.Fprintf(&b, "line %d: %s\n", r.Line, r.Reason)
		}
	}
	return b.String()
}

func delimName(d string) string {
	switch d {
	case "\t":
		return "tab"
	case "":
		return "?"
	}
	return strconv.Quote(d)
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// batch is a set of accepted rows with the reader's position when it was cut.
type batch struct {
	rows     []store.ImportRow
	read     int
	rejected int
	bytes    int64
}

// Run imports one portfolio file from r into portfolioID of tenant. It
// reads r once, streaming: memory does not grow with the file. Rows that
// fail a check are counted, kept (up to Options.MaxRejectsKept) and written
// to Options.RejectFile; they never stop the good rows, which are committed
// by store.ApplyImport in batches of Options.BatchSize.
//
// A file that is not a CSV, or whose header lacks a required column, is
// refused: Run returns a *RefusedError (test with IsRefused), stores no row,
// and records the run with the reason. Any other error (the store, reading
// r, ctx cancelled) stops the import after the batches already committed;
// running the same file again completes it, since rows upsert by external ids.
func Run(ctx context.Context, st store.ImportStore, tenant domain.TenantID, portfolioID int64, r io.Reader, opt Options) (Summary, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	start := time.Now()
	sum := Summary{FileName: opt.FileName}
	enc, err := parseEncoding(opt.Encoding)
	if err != nil {
		return sum, err
	}
	delim, err := parseDelimiter(opt.Delimiter)
	if err != nil {
		return sum, err
	}
	mapping := opt.Mapping
	if mapping == nil && opt.MappingFile != "" {
		if mapping, err = LoadMapping(opt.MappingFile); err != nil {
			return sum, err
		}
	} else if err := mapping.check(); err != nil {
		return sum, fmt.Errorf("mapping: %w", err)
	}
	batchSize := opt.BatchSize
	if batchSize <= 0 {
		batchSize = DefaultBatchSize
	}
	keep := opt.MaxRejectsKept
	if keep <= 0 {
		keep = DefaultMaxRejectsKept
	}
	locale := DefaultLocale
	if opt.Locale != "" {
		l, ok := normalizeLocale(opt.Locale)
		if !ok {
			return sum, fmt.Errorf("locale %q: want pt-BR, es or en", opt.Locale)
		}
		locale = l
	}
	total := opt.Size
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok && total == 0 {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			total = fi.Size()
		}
	}

	run := store.ImportRun{TenantID: tenant, PortfolioID: portfolioID, FileName: opt.FileName, StartedAt: now().UTC()}
	src, rr, h, err := openFile(r, enc, delim, mapping)
	if err != nil {
		if !IsRefused(err) {
			return sum, err
		}
		sum.Refused = err.(*RefusedError).Reason
		sum.Elapsed = time.Since(start)
		if serr := recordRefused(ctx, st, tenant, run, sum.Refused, now, &sum); serr != nil {
			return sum, errors.Join(err, serr)
		}
		return sum, err
	}
	sum.Encoding, sum.Delimiter, sum.IgnoredColumns = src.encoding, string(rune(src.delim)), h.ignored

	run, err = st.StartImportRun(ctx, tenant, run)
	if err != nil {
		return sum, fmt.Errorf("start import run: %w", err)
	}
	sum.RunID = run.ID

	var rejw *csv.Writer
	if opt.RejectFile != nil {
		rejw = csv.NewWriter(opt.RejectFile)
		rejw.Comma = ';'
	}

	// The parser runs beside the store: with one batch in flight and one
	// being filled, the import takes max(parse, store) rather than the sum.
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := &parser{
		rr: rr, conv: newConverter(h, now(), locale), src: src,
		batchSize: batchSize, keep: keep, rejw: rejw, rejFile: opt.RejectFile,
		out: make(chan *batch, 1), free: make(chan *batch, 3),
	}
	for range 3 {
		p.free <- &batch{} // rows grow on first use: small files stay small
	}
	perr := make(chan error, 1)
	go func() { perr <- p.run(pctx) }()

	var applyErr error
	for b := range p.out {
		if applyErr == nil && len(b.rows) > 0 {
			counts, err := st.ApplyImport(ctx, tenant, portfolioID, b.rows)
			if err != nil {
				applyErr = fmt.Errorf("import rows up to line %d: %w", b.rows[len(b.rows)-1].Line, err)
				cancel()
			} else {
				sum.ImportCounts.Add(counts)
				sum.Batches++
			}
		}
		if applyErr == nil {
			sum.Read, sum.Rejected = b.read, b.rejected
			if opt.Progress != nil {
				opt.Progress(Progress{Rows: b.read, Rejected: b.rejected, Bytes: b.bytes, Total: total, Elapsed: time.Since(start)})
			}
		}
		clear(b.rows)
		b.rows = b.rows[:0]
		p.free <- b
	}
	readErr := <-perr
	if rejw != nil {
		rejw.Flush()
		if err := rejw.Error(); err != nil && readErr == nil {
			readErr = fmt.Errorf("reject file: %w", err)
		}
	}
	sum.Rejects, sum.RejectsDropped = p.kept, p.dropped
	sum.Elapsed = time.Since(start)
	runErr := applyErr
	if runErr == nil && readErr != nil && !errors.Is(readErr, context.Canceled) {
		runErr = readErr
	}
	if runErr == nil && ctx.Err() != nil {
		runErr = ctx.Err()
	}
	run.Read, run.Rejected, run.ImportCounts = sum.Read, sum.Rejected, sum.ImportCounts
	run.FinishedAt = now().UTC()
	if runErr != nil {
		run.Error = runErr.Error()
	}
	// The run is recorded even when ctx is done, so the history says how
	// far it got.
	fctx := ctx
	if ctx.Err() != nil {
		fctx = context.WithoutCancel(ctx)
	}
	if err := st.FinishImportRun(fctx, tenant, run, sum.Rejects); err != nil {
		return sum, errors.Join(runErr, fmt.Errorf("finish import run: %w", err))
	}
	if opt.Progress != nil && runErr == nil {
		opt.Progress(Progress{Rows: sum.Read, Rejected: sum.Rejected, Bytes: src.counter.n, Total: total, Elapsed: sum.Elapsed, Done: true})
	}
	return sum, runErr
}

// recordRefused writes the run of a refused file, so the history shows it.
func recordRefused(ctx context.Context, st store.ImportStore, tenant domain.TenantID, run store.ImportRun, reason string, now func() time.Time, sum *Summary) error {
	run.Error = reason
	started, err := st.StartImportRun(ctx, tenant, run)
	if err != nil {
		return fmt.Errorf("record refused import: %w", err)
	}
	sum.RunID = started.ID
	started.Error = reason
	started.FinishedAt = now().UTC()
	if err := st.FinishImportRun(ctx, tenant, started, nil); err != nil {
		return fmt.Errorf("record refused import: %w", err)
	}
	return nil
}

// openFile sniffs r and reads the header.
func openFile(r io.Reader, enc string, delim byte, m Mapping) (*source, *recordReader, *header, error) {
	src, err := openSource(r, enc, delim)
	if err != nil {
		return nil, nil, nil, err
	}
	rr := newRecordReader(src)
	var rec record
	if err := rr.next(&rec); err != nil {
		if err == io.EOF {
			return nil, nil, nil, refuse("the file has no header line")
		}
		return nil, nil, nil, err
	}
	if rec.err != "" {
		return nil, nil, nil, refuse("the header line is malformed: %s", rec.err)
	}
	for _, f := range rec.fields {
		for i := 0; i < len(f); i++ {
			if c := f[i]; c < ' ' && c != '\t' && c != '\n' && c != '\r' {
				return nil, nil, nil, refuse("the header line has control characters: this is not a CSV text file")
			}
		}
	}
	h, err := buildHeader(rec.fields, m)
	if err != nil {
		return nil, nil, nil, err
	}
	h.delim = src.delim
	return src, rr, h, nil
}

// parser reads records, converts them and cuts batches.
type parser struct {
	rr        *recordReader
	conv      *converter
	src       *source
	batchSize int
	keep      int
	rejw      *csv.Writer
	rejFile   io.Writer
	rejHead   bool
	out       chan *batch
	free      chan *batch

	read, rejected int
	kept           []store.Reject
	dropped        int
	// seen holds the installments of the current run of rows of one
	// contract, to catch a repeated installment in files grouped by
	// contract (in other files the last row of a key wins).
	seen [][2]int
}

// duplicateOf returns the line where installment n of the current contract
// was seen, or 0 (recording it at line).
func (p *parser) duplicateOf(n, line int) int {
	for _, s := range p.seen {
		if s[0] == n {
			return s[1]
		}
	}
	p.seen = append(p.seen, [2]int{n, line})
	return 0
}

func (p *parser) run(ctx context.Context) (err error) {
	defer close(p.out)
	var b *batch
	// send passes b on; held rows (read, but moved to the next batch) are
	// not counted as done yet.
	send := func(held int) error {
		b.read, b.rejected, b.bytes = p.read-held, p.rejected, p.src.counter.n
		select {
		case p.out <- b:
			b = nil
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var rec record
	lastContract := ""
	for {
		if b == nil {
			select {
			case b = <-p.free:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := p.rr.next(&rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		p.read++
		if len(b.rows) == cap(b.rows) && len(b.rows) >= 64 && len(b.rows) < p.batchSize {
			// Past the first rows the file is no longer small: grow to the
			// batch's full size at once rather than by doubling.
			b.rows = slices.Grow(b.rows, p.batchSize*3/2+1-len(b.rows))
		}
		b.rows = append(b.rows, store.ImportRow{})
		row := &b.rows[len(b.rows)-1]
		if !p.conv.convert(&rec, row) {
			b.rows = b.rows[:len(b.rows)-1]
			p.rejected++
			p.addRejects(p.conv.rejects, rec.text)
			continue
		}
		contract := row.Debt.ContractNumber
		if contract != lastContract {
			p.seen = p.seen[:0]
		}
		if prev := p.duplicateOf(row.Installment.Number, rec.line); prev > 0 {
			b.rows = b.rows[:len(b.rows)-1]
			p.rejected++
			p.addRejects([]store.Reject{{Line: rec.line, Column: p.conv.columnName(colInstallment),
				Reason: fmt.Sprintf("installment %d of contract %s is also on line %d", row.Installment.Number, contract, prev)}}, rec.text)
			continue
		}
		// Cut at a debt boundary when the file is grouped by contract, so
		// that a crash leaves whole debts; never past 1.5 × the batch size.
		n := len(b.rows)
		if n >= p.batchSize && (contract != lastContract || n >= p.batchSize*3/2) {
			if contract != lastContract && n > 1 {
				// The new debt starts the next batch.
				last := *row
				b.rows = b.rows[:n-1]
				if err := send(1); err != nil {
					return err
				}
				select {
				case b = <-p.free:
				case <-ctx.Done():
					return ctx.Err()
				}
				b.rows = append(b.rows, last)
			} else if err := send(0); err != nil {
				return err
			}
		}
		lastContract = contract
	}
	if b == nil {
		b = <-p.free
	}
	return send(0)
}

func (p *parser) addRejects(rs []store.Reject, text string) {
	if p.rejw != nil && !p.rejHead {
		// The header goes out with the first reject: a clean import writes
		// nothing, so callers can create the file lazily. The byte-order
		// mark makes spreadsheets read the file as UTF-8.
		p.rejHead = true
		io.WriteString(p.rejFile, "\ufeff")
		p.rejw.Write([]string{"line", "column", "reason", "original"})
	}
	for _, r := range rs {
		if p.rejw != nil {
			p.rejw.Write([]string{strconv.Itoa(r.Line), r.Column, r.Reason, text})
		}
		if len(p.kept) < p.keep {
			p.kept = append(p.kept, r)
		} else {
			p.dropped++
		}
	}
}
