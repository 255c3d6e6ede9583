package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/policy"
	"github.com/regua/regua/internal/policy/policybench"
)

func init() {
	register(&command{name: "policy", summary: "check contact decisions against a contact policy (policy check)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "policy", args, map[string]func(context.Context, *cliEnv, []string) error{
			"check": policyCheck,
			"rules": policyRules,
		})
	}})
	registerBench("policy", benchPolicy)
}

// benchPolicy: `regua bench policy` decides millions of contacts across a
// demo portfolio and compares with a bare loop over the same inputs.
func benchPolicy(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "bench policy")
	debtors := fs.Int("debtors", 1_000_000, "demo debtors")
	decisions := fs.Int("decisions", 10_000_000, "decisions to time")
	seed := fs.Uint64("seed", 1, "demo seed")
	asOf := fs.String("as-of", "2026-11-24", "demo as-of date (YYYY-MM-DD)")
	preset := fs.String("preset", "BR", "jurisdiction preset")
	workers := fs.Int("workers", 1, "goroutines in the timed loops (1 gives the per-core figure)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	day, err := date.Parse(*asOf)
	if err != nil {
		return usagef("--as-of: %v", err)
	}
	if *debtors < 1 || *decisions < 1 || *workers < 1 {
		return usagef("--debtors, --decisions and --workers must be positive")
	}
	fmt.Fprintf(env.stdout, "policy bench: %d demo debtors (seed %d, as of %s), %d decisions, preset %s, %d worker(s)\n", *debtors, *seed, day, *decisions, *preset, *workers)
	res, err := policybench.Run(ctx, policybench.Options{Debtors: *debtors, Decisions: *decisions, Seed: *seed, AsOf: day, Preset: *preset, Workers: *workers})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "setup: portfolio generated and converted in %.1fs (%d UFs, %d zones, %.1f attempts per 30-day history)\n", res.Setup.Seconds(), res.UFsSeen, res.ZonesSeen, res.MeanHistory)
	fmt.Fprintf(env.stdout, "decide: %d decisions in %.2fs = %.0f decisions/s", res.Decisions, res.Decide.Seconds(), res.DecisionsPerSec())
	if res.DecideCPU > 0 {
		fmt.Fprintf(env.stdout, " (CPU %.0f ns/decision = %.0f decisions/s per core)", float64(res.DecideCPU)/float64(res.Decisions), float64(res.Decisions)/res.DecideCPU.Seconds())
	}
	fmt.Fprintf(env.stdout, "; %.1f%% allowed, %.1f%% never\n", 100*float64(res.Allowed)/float64(res.Decisions), 100*float64(res.Never)/float64(res.Decisions))
	fmt.Fprintf(env.stdout, "bare loop: %d reads of the same inputs in %.3fs = %.0f/s", res.Decisions, res.Bare.Seconds(), float64(res.Decisions)/res.Bare.Seconds())
	if res.BareCPU > 0 {
		fmt.Fprintf(env.stdout, " (CPU %.1f ns/read)", float64(res.BareCPU)/float64(res.Decisions))
	}
	fmt.Fprintf(env.stdout, "\nratio: one decision costs %.1f bare-loop reads\n", res.Ratio())
	return nil
}

// loadPolicy compiles --policy file.json, else --preset.
func loadPolicy(preset, file, portfolio string) (*policy.Policy, error) {
	var p *policy.Policy
	switch {
	case file != "":
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		f, err := policy.ParseBytes(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if f.Preset == "" && preset != "" {
			f.Preset = preset
		}
		if p, err = policy.Compile(f); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	case preset != "":
		var err error
		if p, err = policy.Preset(preset); err != nil {
			return nil, usagef("%v", err)
		}
	default:
		return nil, usagef("give --preset or --policy")
	}
	if portfolio != "" {
		p = p.For(portfolio)
	}
	return p, nil
}

func policyCheck(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "policy check")
	preset := fs.String("preset", "", "jurisdiction preset: "+strings.Join(policy.PresetNames(), ", "))
	file := fs.String("policy", "", "policy file (JSON); its preset, or --preset, is the base")
	portfolio := fs.String("portfolio", "", "portfolio section of the policy file to apply")
	country := fs.String("country", "", "debtor's country (ISO code; default: the preset's)")
	uf := fs.String("uf", "", "debtor's UF / state")
	city := fs.Int("city", 0, "debtor's IBGE municipality code")
	zone := fs.String("zone", "", "debtor's IANA time zone (default: from country/UF/city)")
	chName := fs.String("channel", "", "sms, email, whatsapp, voice, call or letter")
	atStr := fs.String("at", "", "instant to decide for, RFC 3339 (default: now)")
	history := fs.String("history", "", "JSON file: array of earlier attempts {id, at, channel, debt, outcome, inbound}")
	debtorFile := fs.String("debtor", "", "JSON file with the debtor (zone, uf, city, opt_outs, preferences, flags, segment); flags above override its place")
	debt := fs.String("debt", "", "debt the contact is about (per-debt caps)")
	asJSON := fs.Bool("json", false, "print the decision as JSON")
	lang := fs.String("lang", "en", "language of the reasons: pt-BR, es or en")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *chName == "" {
		return usagef("--channel is required")
	}
	ch, err := policy.ParseChannel(*chName)
	if err != nil {
		return usagef("--channel: %v", err)
	}
	at := time.Now()
	if *atStr != "" {
		if at, err = time.Parse(time.RFC3339, *atStr); err != nil {
			return usagef("--at: want RFC 3339, e.g. 2026-12-24T10:00:00-03:00")
		}
	}
	p, err := loadPolicy(*preset, *file, *portfolio)
	if err != nil {
		return err
	}
	var d policy.Debtor
	if *debtorFile != "" {
		raw, err := os.ReadFile(*debtorFile)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			return fmt.Errorf("%s: %w", *debtorFile, err)
		}
	}
	if *country != "" {
		d.Country = strings.ToUpper(*country)
	}
	if d.Country == "" {
		d.Country = p.Country
	}
	if *uf != "" {
		d.UF = strings.ToUpper(*uf)
	}
	if *city != 0 {
		d.City = *city
	}
	if *zone != "" {
		d.Zone = *zone
	}
	if d.Zone == "" && policy.DefaultZone(d.Country, d.UF, d.City) == "" {
		return usagef("cannot tell the debtor's time zone: give --zone, or --country/--uf")
	}
	if err := d.Resolve(); err != nil {
		return usagef("%v", err)
	}
	var h []policy.Attempt
	if *history != "" {
		raw, err := os.ReadFile(*history)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &h); err != nil {
			return fmt.Errorf("%s: %w", *history, err)
		}
		for i, a := range h {
			if a.At.IsZero() || a.Channel == 0 || a.Outcome == 0 {
				return fmt.Errorf("%s: attempt %d: at, channel and outcome are required", *history, i)
			}
		}
	}
	dec := policy.DecideDebt(p, &d, ch, *debt, h, at)
	if *asJSON {
		out := struct {
			policy.Decision
			Text []string `json:"text"`
		}{dec, dec.Explain(*lang)}
		b, err := json.Marshal(dec)
		if err != nil {
			return err
		}
		// Merge the rendered sentences into the stored form.
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		m["text"] = out.Text
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}
	switch {
	case dec.Allowed:
		fmt.Fprintln(env.stdout, "allowed")
	case dec.Never:
		fmt.Fprintln(env.stdout, "denied")
	default:
		fmt.Fprintf(env.stdout, "denied until %s\n", dec.Next.In(d.Loc).Format(time.RFC3339))
	}
	rs := dec.Reasons()
	for i, t := range dec.Explain(*lang) {
		rule := rs[i].Rule
		if rs[i].Unconfirmed {
			rule += ", unconfirmed"
		}
		fmt.Fprintf(env.stdout, "  %s: %s [%s]\n", rs[i].Code, t, rule)
	}
	fmt.Fprintf(env.stdout, "  policy %s version %s, zone %s, local %s\n", dec.Policy, dec.PolicyVersion, dec.Zone, at.In(d.Loc).Format("2006-01-02 15:04 Mon"))
	for _, o := range p.Overrides {
		fmt.Fprintf(env.stdout, "  override: %s disabled by %s: %s\n", o.Rule, o.By, o.Reason)
	}
	return nil
}

func policyRules(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "policy rules")
	preset := fs.String("preset", "", "jurisdiction preset")
	file := fs.String("policy", "", "policy file (JSON)")
	portfolio := fs.String("portfolio", "", "portfolio section")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := loadPolicy(*preset, *file, *portfolio)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "policy %s version %s\n", p.Name, p.Version)
	for _, r := range p.Rules() {
		mark := ""
		if r.Floor {
			mark = " (preset floor)"
		}
		if r.Unconfirmed {
			mark += " (unconfirmed)"
		}
		fmt.Fprintf(env.stdout, "%s%s\n    %s\n", r.ID, mark, r.Source)
	}
	for _, c := range p.Conduct() {
		fmt.Fprintf(env.stdout, "%s (conduct: %s)\n    %s\n    %s\n", c.ID, c.Check, c.Summary, c.Source)
	}
	for _, o := range p.Overrides {
		fmt.Fprintf(env.stdout, "override: %s disabled by %s: %s %s %s\n", o.Rule, o.By, o.Reason, o.Approved, o.Ticket)
	}
	return nil
}
