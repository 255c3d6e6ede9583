package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/importer"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/web"
)

func init() {
	register(&command{name: "import", summary: "import a portfolio CSV (one row per installment)", run: runImport})
}

func runImport(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "import")
	db := dbFlag(env, fs)
	tenantFlag := fs.String("tenant", envDefault(env, "tenant", ""), "tenant name or id (default: the only tenant; created when there is none)")
	portfolio := fs.String("portfolio", "", "portfolio external id (created when missing)")
	portfolioName := fs.String("portfolio-name", "", "portfolio display name when it is created (default: the external id)")
	creditor := fs.String("creditor", "", "creditor name for a new portfolio (its external id is the name in lower case)")
	creditorDoc := fs.String("creditor-cnpj", "", "creditor CNPJ for a new creditor")
	encoding := fs.String("encoding", "", "utf-8, windows-1252 or iso-8859-1 (default: detect)")
	delimiter := fs.String("delimiter", "", "; , tab or | (default: detect)")
	mapping := fs.String("mapping", "", "JSON file mapping the file's column names to Régua's")
	rejects := fs.String("rejects", "", "write refused rows to this CSV file (default: <file>.rejects.csv when any)")
	batch := fs.Int("batch", importer.DefaultBatchSize, "rows per transaction")
	quiet := fs.Bool("quiet", false, "no progress bar")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one file: regua import --portfolio <id> [flags] file.csv")
	}
	if *portfolio == "" {
		return usagef("--portfolio is required")
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	tenant, err := resolveTenant(ctx, s, *tenantFlag)
	if err != nil {
		return err
	}
	p, err := resolvePortfolio(ctx, s, tenant, *portfolio, *portfolioName, *creditor, *creditorDoc)
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	rejectPath := *rejects
	if rejectPath == "" {
		rejectPath = pos[0] + ".rejects.csv"
	}
	rf := &lazyFile{path: rejectPath}
	defer rf.Close()
	opt := importer.Options{Encoding: *encoding, Delimiter: *delimiter, MappingFile: *mapping, RejectFile: rf, BatchSize: *batch, FileName: filepath.Base(pos[0])}
	if !*quiet {
		if fd, ok := env.stderr.(*os.File); ok && term.IsTerminal(int(fd.Fd())) {
			opt.Progress = importer.TerminalProgress(env.stderr)
		}
	}
	sum, err := importer.Run(ctx, s, tenant, p.ID, f, opt)
	fmt.Fprint(env.stdout, sum.String())
	switch {
	case rf.f != nil && sum.Rejected == 0:
		rf.Close()
		os.Remove(rejectPath) // only the header was written
	case rf.f != nil:
		fmt.Fprintf(env.stdout, "refused rows written to %s\n", rejectPath)
	}
	return err
}

// lazyFile creates its file on the first write, so a clean import leaves
// no empty reject file behind.
type lazyFile struct {
	path string
	f    *os.File
}

func (l *lazyFile) Write(b []byte) (int, error) {
	if l.f == nil {
		f, err := os.Create(l.path)
		if err != nil {
			return 0, err
		}
		l.f = f
	}
	return l.f.Write(b)
}

func (l *lazyFile) Close() error {
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}

// resolveTenant finds the tenant named or numbered by spec; with no spec,
// the only tenant (created as "Régua" when the store has none).
func resolveTenant(ctx context.Context, s store.Store, spec string) (domain.TenantID, error) {
	ts, err := s.Tenants(ctx)
	if err != nil {
		return 0, err
	}
	if spec == "" {
		switch len(ts) {
		case 0:
			t, err := s.CreateTenant(ctx, "Régua")
			return t.ID, err
		case 1:
			return ts[0].ID, nil
		}
		return 0, usagef("the store has %d tenants: name one with --tenant", len(ts))
	}
	for _, t := range ts {
		if strings.EqualFold(t.Name, spec) || strconv.FormatInt(int64(t.ID), 10) == spec {
			return t.ID, nil
		}
	}
	return 0, usagef("--tenant %q: no such tenant", spec)
}

func resolvePortfolio(ctx context.Context, s store.Store, tenant domain.TenantID, ext, name, creditor, creditorDoc string) (domain.Portfolio, error) {
	ps, err := s.Portfolios(ctx, tenant)
	if err != nil {
		return domain.Portfolio{}, err
	}
	for _, p := range ps {
		if p.ExtID == ext {
			return p.Portfolio, nil
		}
	}
	if creditor == "" {
		return domain.Portfolio{}, usagef("portfolio %q does not exist: give --creditor to create it", ext)
	}
	c, err := s.UpsertCreditor(ctx, tenant, domain.Creditor{ExtID: strings.ToLower(creditor), Name: creditor, Document: creditorDoc})
	if err != nil {
		return domain.Portfolio{}, err
	}
	if name == "" {
		name = ext
	}
	return s.UpsertPortfolio(ctx, tenant, domain.Portfolio{CreditorID: c.ID, ExtID: ext, Name: name})
}

// importFunc adapts the importer to the upload page.
func importFunc(s *sqldb.DB) web.ImportFunc {
	return func(ctx context.Context, tenant domain.TenantID, portfolioID int64, fileName string, r io.Reader) (int64, error) {
		sum, err := importer.Run(ctx, s, tenant, portfolioID, r, importer.Options{FileName: fileName})
		if sum.RunID != 0 && (err == nil || importer.IsRefused(err)) {
			return sum.RunID, nil
		}
		if err == nil {
			err = errors.New("import recorded no run")
		}
		return sum.RunID, err
	}
}
