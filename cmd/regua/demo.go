package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/regua/regua/internal/channel/sink"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/demo"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/offer"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/web"
)

func init() {
	register(&command{name: "demo", summary: "create a demo database with a generated portfolio and serve it", run: runDemo})
}

func runDemo(ctx context.Context, env *cliEnv, args []string) error {
	// The demo has its own default database so that it never touches a real one.
	fs, o := serveFlags(env, "demo", "regua-demo.db")
	debtors := fs.Int("debtors", 2000, "number of debtors to generate (about 3 installments each)")
	seed := fs.Uint64("seed", 7, "generator seed: the same seed gives the same portfolio")
	asOf := fs.String("as-of", "", "date the portfolio is as of, dd/mm/aaaa or ISO (default today)")
	csvPath := fs.String("csv", "", "also write the portfolio as an import CSV to this file")
	reset := fs.Bool("reset", false, "delete the demo SQLite file first and generate anew")
	noServe := fs.Bool("no-serve", false, "load the data and exit")
	withSink := fs.Bool("sink", true, "when REGUA_CHANNEL_URL is unset, start a local message sink and send the demo's messages to it")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := newLogger(env, o.logLevel, o.logFormat)
	if err != nil {
		return err
	}
	db := &o.db
	if *debtors < 0 {
		return usagef("--debtors %d: want 0 or more", *debtors)
	}
	var asOfDate date.Date
	if *asOf != "" {
		if asOfDate, err = date.Parse(*asOf); err != nil {
			return usagef("--as-of: %v", err)
		}
	}
	if *reset && !storetestIsPostgres(*db) {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(*db + suffix)
		}
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	opts := demo.Options{Seed: *seed, Debtors: *debtors, AsOf: asOfDate}
	loaded, err := loadDemo(ctx, env.stdout, s, opts, demoPortal(o))
	if err != nil {
		return err
	}
	if *csvPath != "" {
		f, err := os.Create(*csvPath)
		if err != nil {
			return err
		}
		if err := demo.WriteCSV(f, opts); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", *csvPath, err)
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "the same portfolio as an import CSV: %s\n", *csvPath)
	}
	if *noServe {
		return nil
	}
	sinkNote := ""
	if *withSink && env.getenv("REGUA_CHANNEL_URL") == "" && strings.Contains(o.roles, "worker") {
		// The demo's messages go to a local sink speaking the providers'
		// API, never to a real provider: demo phones may be real numbers.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		sk := sink.New(1000)
		demoSinkCallbacks(sk, o) // deliveries and reads reported back to the demo's web server
		srv := &http.Server{Handler: sk, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		url := "http://" + ln.Addr().String()
		os.Setenv("REGUA_CHANNEL_URL", url)
		sinkNote = fmt.Sprintf("Messages go to a local sink at %s (GET %s/v1/stats).\n", url, url)
	}
	fx := demo.Users()
	return serve(ctx, env, log, s, o, func(addr string) {
		fmt.Fprintf(env.stdout, "\nRégua demo (%s) is running at http://%s/\n", loaded, addr)
		fmt.Fprintf(env.stdout, "Log in with any of these (password %q):\n", fx.Password)
		for _, u := range fx.Users {
			fmt.Fprintf(env.stdout, "  %-28s %-10s %s\n", u.Email, u.Role, u.Locale)
		}
		fmt.Fprint(env.stdout, sinkNote)
		fmt.Fprintln(env.stdout, "Press Ctrl+C to stop.")
	})
}

// demoPortal is where the demo serves its portal (tracked links /l/…):
// --base-url when given, else http://<--http-addr> when that names a
// fixed port; "" (keep the demo journeys' portal_url) otherwise.
func demoPortal(o *serveOptions) string {
	if o.baseURL != "" {
		return strings.TrimSuffix(o.baseURL, "/")
	}
	host, port, err := net.SplitHostPort(o.addr)
	if err != nil || port == "" || port == "0" {
		return ""
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func storetestIsPostgres(dsn string) bool {
	return len(dsn) > 11 && (dsn[:11] == "postgres://" || (len(dsn) > 13 && dsn[:13] == "postgresql://"))
}

// loadDemo fills s with the demo tenant, users and portfolio unless the
// tenant is already there. It returns a one-line description.
//
// portal is the base URL the demo's messages link to ("" keeps the demo
// journeys' own); see demoPortal.
func loadDemo(ctx context.Context, out io.Writer, s *sqldb.DB, opts demo.Options, portal string) (string, error) {
	fx := demo.Users()
	ts, err := s.Tenants(ctx)
	if err != nil {
		return "", err
	}
	for _, t := range ts {
		if t.Name == fx.Tenant {
			return fmt.Sprintf("existing demo data in %s; --reset to regenerate", s.Dialect()), nil
		}
	}
	start := time.Now()
	t, err := s.CreateTenant(ctx, fx.Tenant)
	if err != nil {
		return "", err
	}
	hash, err := web.HashPassword(fx.Password)
	if err != nil {
		return "", err
	}
	for _, u := range fx.Users {
		if _, err := s.CreateUser(ctx, t.ID, domain.User{Email: u.Email, Name: u.Name, Role: u.Role, Locale: u.Locale, PasswordHash: hash}); err != nil {
			return "", err
		}
	}
	portfolios := map[string]int64{}
	for _, c := range fx.Creditors {
		cr, err := s.UpsertCreditor(ctx, t.ID, domain.Creditor{ExtID: c.ExtID, Name: c.Name, Document: c.Document})
		if err != nil {
			return "", err
		}
		for _, p := range c.Portfolios {
			pf, err := s.UpsertPortfolio(ctx, t.ID, domain.Portfolio{CreditorID: cr.ID, ExtID: p.ExtID, Name: p.Name})
			if err != nil {
				return "", err
			}
			portfolios[p.ExtID] = pf.ID
		}
	}
	l := &demoLoader{ctx: ctx, s: s, tenant: t.ID, portfolios: portfolios, buf: map[string][]demo.Row{}}
	if err := demo.Generate(opts, l.add); err != nil {
		return "", err
	}
	if err := l.flushAll(); err != nil {
		return "", err
	}
	if err := s.Analyze(ctx); err != nil {
		return "", err
	}
	// The demo collects: offer policies for negotiation, the demo journey
	// set enrolled and today's attempts planned.
	if _, err := s.SaveOfferPolicies(ctx, t.ID, offer.DemoPoliciesJSON(), "demo"); err != nil {
		return "", fmt.Errorf("demo offer policies: %w", err)
	}
	nj, err := LoadDemoJourneys(ctx, s, t.ID, portal)
	if err != nil {
		return "", err
	}
	day := opts.AsOf
	if day.IsZero() {
		day = date.Today(saoPaulo())
	}
	enr, err := planner.Enrol(ctx, s, t.ID, day, 0)
	if err != nil {
		return "", fmt.Errorf("demo enrolment: %w", err)
	}
	pl, err := planner.Plan(ctx, s, t.ID, planner.Options{Day: day})
	if err != nil {
		return "", fmt.Errorf("demo plan: %w", err)
	}
	fmt.Fprintf(out, "%d demo journeys active, %d debts enrolled, %d attempts planned for %s\n", nj, enr.Enrolled, pl.Planned, day)
	desc := fmt.Sprintf("%d debtors, %d installments, %d payments, %d disputes, generated with seed %d in %s", opts.Debtors, l.rows, l.payments, l.disputes, opts.Seed, time.Since(start).Round(time.Millisecond))
	fmt.Fprintln(out, "Loaded "+desc)
	return desc, nil
}

type demoLoader struct {
	ctx        context.Context
	s          *sqldb.DB
	tenant     domain.TenantID
	portfolios map[string]int64
	buf        map[string][]demo.Row
	rows       int
	payments   int
	disputes   int
	lastDebtor string
}

const demoBatch = 5000

func (l *demoLoader) add(r demo.Row) error {
	if _, ok := l.portfolios[r.Portfolio]; !ok {
		return fmt.Errorf("demo row for unknown portfolio %q", r.Portfolio)
	}
	// Flush only between debtors, so a debtor's rows share a batch.
	if r.Debtor.ExtID != l.lastDebtor {
		for p, rows := range l.buf {
			if len(rows) >= demoBatch {
				if err := l.flush(p); err != nil {
					return err
				}
			}
		}
		l.lastDebtor = r.Debtor.ExtID
	}
	l.buf[r.Portfolio] = append(l.buf[r.Portfolio], r)
	return nil
}

func (l *demoLoader) flushAll() error {
	for p := range l.buf {
		if err := l.flush(p); err != nil {
			return err
		}
	}
	return nil
}

func (l *demoLoader) flush(portfolio string) error {
	rows := l.buf[portfolio]
	if len(rows) == 0 {
		return nil
	}
	imp := make([]store.ImportRow, len(rows))
	for i := range rows {
		imp[i] = rows[i].ImportRow
	}
	if _, err := l.s.ApplyImport(l.ctx, l.tenant, l.portfolios[portfolio], imp); err != nil {
		return fmt.Errorf("load demo portfolio %s: %w", portfolio, err)
	}
	var pays []domain.Payment
	disputed := map[int64]domain.DelayReason{}
	for i := range rows {
		in := imp[i].Installment
		for _, p := range rows[i].Payments {
			p.DebtorID, p.DebtID, p.InstallmentID = imp[i].Debtor.ID, in.DebtID, in.ID
			pays = append(pays, p)
		}
		if rows[i].Disputed {
			disputed[in.DebtID] = imp[i].Debt.DelayReason
		}
	}
	n, err := l.s.LoadPayments(l.ctx, l.tenant, pays)
	if err != nil {
		return fmt.Errorf("load demo payments: %w", err)
	}
	for debt, reason := range disputed {
		if err := l.s.OpenDispute(l.ctx, l.tenant, debt, reason, "", "debtor"); err != nil {
			return err
		}
	}
	l.rows += len(rows)
	l.payments += n
	l.disputes += len(disputed)
	l.buf[portfolio] = rows[:0]
	return nil
}

func saoPaulo() *time.Location { return domain.Zone(domain.HomeZone) }
