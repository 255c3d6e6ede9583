package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/policy"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
)

func init() {
	register(&command{name: "journey", summary: "design and run collection journeys (create, edit, preview, enrol, plan)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "journey", args, map[string]func(context.Context, *cliEnv, []string) error{
			"create": journeyCreate,
			"edit":   journeyEdit,
			"list":   journeyList,
			"show":   journeyShow,
			"activate": func(ctx context.Context, env *cliEnv, a []string) error {
				return journeyStatus(ctx, env, a, store.JourneyActive)
			},
			"pause": func(ctx context.Context, env *cliEnv, a []string) error {
				return journeyStatus(ctx, env, a, store.JourneyPaused)
			},
			"preview": journeyPreview,
			"enrol":   journeyEnrol,
			"plan":    journeyPlan,
			"demo":    journeyDemo,
		})
	}})
}

type journeyEnv struct {
	db     *string
	tenant *string
}

func journeyFlags(env *cliEnv, fs *flag.FlagSet) journeyEnv {
	return journeyEnv{db: dbFlag(env, fs), tenant: fs.String("tenant", envDefault(env, "tenant", ""), "tenant name or id (default: the only tenant)")}
}

func (je journeyEnv) open(ctx context.Context) (*sqldb.DB, domain.TenantID, error) {
	s, err := openStore(ctx, *je.db)
	if err != nil {
		return nil, 0, err
	}
	ts, err := s.Tenants(ctx)
	if err != nil {
		s.Close()
		return nil, 0, err
	}
	spec := *je.tenant
	if spec == "" {
		if len(ts) == 1 {
			return s, ts[0].ID, nil
		}
		s.Close()
		return nil, 0, usagef("the store has %d tenants: name one with --tenant", len(ts))
	}
	for _, t := range ts {
		if strings.EqualFold(t.Name, spec) || strconv.FormatInt(int64(t.ID), 10) == spec {
			return s, t.ID, nil
		}
	}
	s.Close()
	return nil, 0, usagef("--tenant %q: no such tenant", spec)
}

// saveJourney validates raw and stores it as a new version of its key.
func saveJourney(ctx context.Context, s *sqldb.DB, tenant domain.TenantID, raw []byte, author string, mustExist bool) (store.Journey, store.JourneyVersion, error) {
	j, err := journey.CompileBytes(raw)
	if err != nil {
		return store.Journey{}, store.JourneyVersion{}, err
	}
	if mustExist {
		if _, err := s.Journey(ctx, tenant, j.Key()); err != nil {
			return store.Journey{}, store.JourneyVersion{}, fmt.Errorf("journey %s does not exist: create it first", j.Key())
		}
	}
	return s.SaveJourney(ctx, tenant, j.Key(), j.Def.Name, raw, author)
}

func journeyCreate(ctx context.Context, env *cliEnv, args []string) error {
	return journeySave(ctx, env, args, "create")
}
func journeyEdit(ctx context.Context, env *cliEnv, args []string) error {
	return journeySave(ctx, env, args, "edit")
}

func journeySave(ctx context.Context, env *cliEnv, args []string, verb string) error {
	fs := newFlagSet(env, "journey "+verb)
	je := journeyFlags(env, fs)
	activate := fs.Bool("activate", false, "activate the journey after saving")
	author := fs.String("author", envDefault(env, "user", "cli"), "who made this version (env REGUA_USER)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one journey file: regua journey %s file.json", verb)
	}
	raw, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	j, v, err := saveJourney(ctx, s, tenant, raw, *author, verb == "edit")
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if *activate {
		if err := s.SetJourneyStatus(ctx, tenant, j.Key, store.JourneyActive); err != nil {
			return err
		}
		j.Status = store.JourneyActive
	}
	fmt.Fprintf(env.stdout, "journey %s version %d (%s)\n", j.Key, v.Version, j.Status)
	return nil
}

func journeyList(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "journey list")
	je := journeyFlags(env, fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	js, err := s.Journeys(ctx, tenant)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "KEY\tNAME\tSTATUS\tVERSION\tUPDATED")
	for _, j := range js {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\n", j.Key, j.Name, j.Status, j.Version, j.UpdatedAt.Format(time.RFC3339))
	}
	return w.Flush()
}

func journeyShow(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "journey show")
	je := journeyFlags(env, fs)
	version := fs.Int("version", 0, "version to show (default: current)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want a journey key: regua journey show <key>")
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	j, err := s.Journey(ctx, tenant, pos[0])
	if err != nil {
		return err
	}
	v, err := s.JourneyVersion(ctx, tenant, j.ID, *version)
	if err != nil {
		return err
	}
	c, err := journey.CompileBytes(v.Definition)
	if err != nil {
		return fmt.Errorf("stored version %d no longer compiles: %w", v.Version, err)
	}
	fmt.Fprintf(env.stdout, "%s — %s\nstatus %s, version %d of %d (by %s, %s), anchor %s, policy %s\n", j.Key, j.Name, j.Status, v.Version, j.Version, v.Author, v.CreatedAt.Format(time.RFC3339), c.Def.Anchor, c.Def.Policy)
	if c.Def.Entry != "" {
		fmt.Fprintf(env.stdout, "entry: %s\n", c.Def.Entry)
	}
	w := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "\nDAY\tSTEP\tACTION\tCHANNEL\tTEMPLATE\tCONDITION")
	for _, st := range c.Def.Steps {
		cond := st.When
		if st.After != nil {
			cond = strings.TrimSpace(fmt.Sprintf("after %s in %v %s", st.After.Step, st.After.Outcomes, cond))
		}
		if len(st.Variants) > 0 {
			cond = strings.TrimSpace(fmt.Sprintf("%s [variants %s]", cond, strings.Join(st.Variants, ",")))
		}
		fmt.Fprintf(w, "D%+d\t%s\t%s\t%s\t%s\t%s\n", st.Day, st.ID, st.Action, st.Channel, st.Template, cond)
	}
	w.Flush()
	res, err := s.VariantResults(ctx, tenant, j.ID)
	if err != nil {
		return err
	}
	if len(res) > 0 {
		w = tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "\nVARIANT\tENROLLED\tACTIVE\tPAID\tATTEMPTS\tSENT\tCLICKS\tRECOVERED")
		for _, r := range res {
			fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", r.Variant, r.Enrolled, r.Active, r.Paid, r.Attempts, r.Sent, r.Clicks, r.Recovered.Format("pt-BR"))
		}
		w.Flush()
	}
	return nil
}

func journeyStatus(ctx context.Context, env *cliEnv, args []string, st store.JourneyStatus) error {
	fs := newFlagSet(env, "journey status")
	je := journeyFlags(env, fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want a journey key")
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.SetJourneyStatus(ctx, tenant, pos[0], st); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "journey %s %s\n", pos[0], st)
	return nil
}

func dayFlag(fs *flag.FlagSet) *string {
	return fs.String("day", "", "day to plan, aaaa-mm-dd (default: today in America/Sao_Paulo)")
}

func parseDay(s string) (date.Date, error) {
	if s == "" {
		return date.Date{}, nil
	}
	d, err := date.Parse(s)
	if err != nil {
		return d, usagef("--day: %v", err)
	}
	return d, nil
}

func journeyEnrol(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "journey enrol")
	je := journeyFlags(env, fs)
	day := dayFlag(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	d, err := parseDay(*day)
	if err != nil {
		return err
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	o := planner.Options{Day: d}
	if d.IsZero() {
		o.Day = todaySP()
	}
	r, err := planner.Enrol(ctx, s, tenant, o.Day, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "enrolled %d of %d open debts without a journey in %s\n", r.Enrolled, r.Candidates, r.Took.Round(time.Millisecond))
	for k, n := range r.ByJourney {
		fmt.Fprintf(env.stdout, "  %s: %d\n", k, n)
	}
	return nil
}

func todaySP() date.Date {
	loc, err := policy.Locate(planner.DefaultZone)
	if err != nil {
		loc = time.UTC
	}
	return date.Today(loc)
}

func journeyPlan(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "journey plan")
	je := journeyFlags(env, fs)
	day := dayFlag(fs)
	chunk := fs.Int("chunk", 5000, "active enrolments per chunk")
	workers := fs.Int("workers", 0, "chunks decided in parallel (default: CPUs)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	d, err := parseDay(*day)
	if err != nil {
		return err
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := planner.Plan(ctx, s, tenant, planner.Options{Day: d, Chunk: *chunk, Workers: *workers})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "scanned %d active enrolments, %d due a step, %d attempts planned (%d offered), %d stopped, %d paused, %d moved, in %s\n",
		r.Scanned, r.Candidates, r.Planned, r.Written, r.Stopped, r.Paused, r.Moved, r.Took.Round(time.Millisecond))
	return nil
}

// journeyDemo loads the embedded demo journey set and activates it.
func journeyDemo(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "journey demo")
	je := journeyFlags(env, fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := LoadDemoJourneys(ctx, s, tenant, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d demo journeys saved and active\n", n)
	return nil
}

// LoadDemoJourneys saves and activates the demo journey set in a tenant
// (for `regua demo`).
//
// portal, when not empty, replaces the demo set's portal_url
// (https://pague.regua.example) so that the links in demo messages point
// at the portal the demo serves (e.g. http://127.0.0.1:8080).
func LoadDemoJourneys(ctx context.Context, s *sqldb.DB, tenant domain.TenantID, portal string) (int, error) {
	defs, err := journey.DemoSet()
	if err != nil {
		return 0, err
	}
	for _, d := range defs {
		raw, ok := journey.DemoFile(d.Key)
		if !ok {
			return 0, fmt.Errorf("demo journey %s: not embedded", d.Key)
		}
		if portal != "" {
			raw = bytes.ReplaceAll(raw, []byte(`"portal_url": "`+DemoPortalURL+`"`), []byte(`"portal_url": "`+strings.TrimSuffix(portal, "/")+`"`))
		}
		if _, _, err := saveJourney(ctx, s, tenant, raw, "demo", false); err != nil {
			return 0, fmt.Errorf("demo journey %s: %w", d.Key, err)
		}
		if err := s.SetJourneyStatus(ctx, tenant, d.Key, store.JourneyActive); err != nil {
			return 0, err
		}
	}
	return len(defs), nil
}

func journeyPreview(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "journey preview")
	je := journeyFlags(env, fs)
	debtorID := fs.Int64("debtor", 0, "debtor id (required)")
	debtID := fs.Int64("debt", 0, "debt id (default: the debtor's debt with the oldest open installment)")
	version := fs.Int("version", 0, "journey version (default: current)")
	from := fs.String("from", "", "first day, aaaa-mm-dd (default: 7 days before the anchor)")
	days := fs.Int("days", 100, "days to show")
	lang := fs.String("lang", "pt-BR", "language of the reasons: pt-BR, es, en")
	assume := fs.String("assume", "no_answer", "outcome each simulated contact gets, for branches")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *debtorID == 0 {
		return usagef("want: regua journey preview <key> --debtor <id>")
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	j, err := s.Journey(ctx, tenant, pos[0])
	if err != nil {
		return err
	}
	v, err := s.JourneyVersion(ctx, tenant, j.ID, *version)
	if err != nil {
		return err
	}
	c, err := journey.CompileBytes(v.Definition)
	if err != nil {
		return err
	}
	d360, err := s.Debtor360(ctx, tenant, *debtorID, 0)
	if err != nil {
		return err
	}
	today := todaySP()
	f, pd, err := planner.PreviewFacts(c, d360, *debtID, today)
	if err != nil {
		return err
	}
	atts, err := s.AttemptsOfDebtor(ctx, tenant, *debtorID, 200)
	if err != nil {
		return err
	}
	var h []policy.Attempt
	for _, a := range atts {
		if ch, err := policy.ParseChannel(a.Channel); err == nil && a.Status != store.AttemptCancelled {
			at := a.SentAt
			if at.IsZero() {
				at = a.DueAt
			}
			h = append(h, policy.Attempt{ID: strconv.FormatInt(a.ID, 10), At: at, Channel: ch, Outcome: policy.Attempted})
		}
	}
	o := journey.PreviewOptions{From: f.Anchor.AddDays(-7), Assume: *assume, Lang: *lang}
	if *from != "" {
		if o.From, err = date.Parse(*from); err != nil {
			return usagef("--from: %v", err)
		}
	}
	o.To = o.From.AddDays(*days - 1)
	cal := c.Preview(f, pd, h, o)
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cal)
	}
	fmt.Fprintf(env.stdout, "%s v%d for debtor %d (%s, %s), anchor %s %s, variant %s, zone %s\n", j.Key, v.Version, *debtorID, d360.Debtor.Name, d360.Debtor.Address.UF, f.AnchorKind, f.Anchor, f.Variant, pd.Zone)
	w := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "DAY\tSTEP\tD±\tACTION\tCHANNEL\tGOES OUT (local)\tWHY MOVED")
	for _, e := range cal {
		if e.Note != "" {
			fmt.Fprintf(w, "%s\t%s\t\t%s\t\t\t%s\n", e.Day, e.Step, e.Action, e.Note)
			continue
		}
		when := e.Local
		switch {
		case e.Never:
			when = "never"
		case e.Moved:
			when += " (moved)"
		}
		fmt.Fprintf(w, "%s %s\t%s\tD%+d\t%s\t%s\t%s\t%s\n", e.Day, e.Day.Weekday().String()[:3], e.Step, e.Offset, e.Action, e.Channel, when, strings.Join(e.Reasons, "; "))
	}
	return w.Flush()
}

// DemoPortalURL is the portal_url of the embedded demo journey set.
const DemoPortalURL = "https://pague.regua.example"
