package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/regua/regua/internal/afford"
	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/offer"
	"github.com/regua/regua/internal/offer/offerbench"
	"github.com/regua/regua/internal/plan"
)

func init() {
	register(&command{name: "offer", summary: "late-charge breakdown and renegotiation offers (offer simulate)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "offer", args, map[string]func(context.Context, *cliEnv, []string) error{
			"simulate": offerSimulate,
		})
	}})
	registerBench("offers", benchOffers)
}

// benchOffers times offer menus over the demo portfolio against a bare loop
// reading the same debts.
func benchOffers(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "bench offers")
	debtors := fs.Int("debtors", 1_000_000, "demo debtors")
	seed := fs.Uint64("seed", 1, "demo seed")
	var asOf offerDateFlag
	asOf.v = date.MustParse("2026-11-24")
	fs.Var(&asOf, "as-of", "demo as-of date")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *debtors < 1 {
		return usagef("--debtors must be positive")
	}
	fmt.Fprintf(env.stdout, "offers bench: %d demo debtors (seed %d, as of %s), demo policies\n", *debtors, *seed, asOf.v)
	res, err := offerbench.Run(ctx, offerbench.Options{Debtors: *debtors, Seed: *seed, AsOf: asOf.v})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "setup: %d debtors generated and converted in %.1fs\n", res.Debtors, res.Setup.Seconds())
	fmt.Fprintf(env.stdout, "menus: %d menus (%d offers, %d debtors owing nothing) in %.2fs wall", res.Menus, res.Offers, res.Skipped, res.Menu.Seconds())
	if res.MenuCPU > 0 {
		fmt.Fprintf(env.stdout, ", CPU %.1f µs/menu", float64(res.MenuCPU.Microseconds())/float64(res.Menus+res.Skipped))
	}
	fmt.Fprintf(env.stdout, " = %.0f menus/s = %.0f offers/s\n", res.MenusPerSec(), res.MenusPerSec()*float64(res.Offers)/float64(max(res.Menus, 1)))
	fmt.Fprintf(env.stdout, "bare loop: read the same debts in %.3fs wall = %.0f debtors/s\n", res.Bare.Seconds(), res.BarePerSec())
	fmt.Fprintf(env.stdout, "ratio: one menu costs %.0f bare reads\n", res.BarePerSec()/res.MenusPerSec())
	return nil
}

// offerMoneyFlag, offerRateFlag and offerDateFlag parse as the flag is read, so that a bad
// value is a usage error naming the flag.
type offerMoneyFlag struct {
	v   money.Money
	set bool
}

func (f *offerMoneyFlag) String() string { return f.v.String() }
func (f *offerMoneyFlag) Set(s string) error {
	v, err := money.Parse(s)
	if err != nil {
		return err
	}
	f.v, f.set = v, true
	return nil
}

type offerRateFlag struct {
	v   rate.Rate
	set bool
}

func (f *offerRateFlag) String() string { return f.v.String() }
func (f *offerRateFlag) Set(s string) error {
	v, err := rate.Parse(s)
	if err != nil {
		return err
	}
	f.v, f.set = v, true
	return nil
}

type offerDateFlag struct{ v date.Date }

func (f *offerDateFlag) String() string { return f.v.String() }
func (f *offerDateFlag) Set(s string) error {
	v, err := date.Parse(s)
	if err != nil {
		return err
	}
	f.v = v
	return nil
}

// offerLoadIndex reads an index table; its name is the file's base name in
// capitals unless the JSON form names it.
func offerLoadIndex(path string) (*charge.Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name := strings.ToUpper(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	return charge.ParseIndex(name, f)
}

func offerSimulate(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "offer simulate")
	var principal, income, essential, committed offerMoneyFlag
	var fine, interest, contract offerRateFlag
	var due, asOf, firstDue offerDateFlag
	var pays []charge.Payment
	var fees []charge.Fee
	fs.Var(&principal, "principal", "installment amount (1500,00)")
	fs.Var(&due, "due", "its due date (2026-05-10 or 10/05/2026)")
	fs.Var(&asOf, "as-of", "date of the breakdown and the offers")
	fs.Var(&fine, "fine", "late fine, a share of the installment (2%)")
	fs.Var(&interest, "interest", "default interest (1%am, 12%aa); omit when the contract is silent and pass --legal-rate")
	fs.Var(&contract, "contract-rate", "the contract's remuneratory rate (needed by --caps es and --rebate-future)")
	rebateFuture := fs.Bool("rebate-future", false, "installments not yet due are settled at present value at --contract-rate (CDC art. 52 §2º)")
	method := fs.String("method", "simple", "interest method: simple or compound")
	compound := fs.Bool("compound", false, "same as --method compound")
	simple := fs.Bool("simple", false, "same as --method simple")
	caps := fs.String("caps", "br-consumer", "legal caps preset: "+strings.Join(charge.PresetIDs(), ", ")+", co:<usury%EA>, cl:<UF value>")
	correction := fs.String("correction-index", "", "monthly index table (CSV month;percent or JSON) for monetary correction, e.g. ipca.csv")
	legal := fs.String("legal-rate", "", "monthly Taxa Legal table (CC art. 406) for contracts silent on interest")
	policy := fs.String("policy", "", "offer policy file (JSON); without it only the breakdown is printed")
	debtsFile := fs.String("debts", "", "debts file (JSON array of debts with terms and installments) instead of --principal/--due/--fine/--interest")
	fs.Func("paid", "a payment already made, amount@date (repeatable): 500,00@2026-07-10", func(s string) error {
		a, d, ok := strings.Cut(s, "@")
		if !ok {
			return fmt.Errorf("want amount@date, got %q", s)
		}
		m, err := money.Parse(a)
		if err != nil {
			return err
		}
		dd, err := date.Parse(d)
		if err != nil {
			return err
		}
		pays = append(pays, charge.Payment{Date: dd, Amount: m})
		return nil
	})
	fs.Func("fee", "a fee the contract allows, name=amount or name=share (repeatable): cobranca=10,00", func(s string) error {
		n, v, ok := strings.Cut(s, "=")
		if !ok || n == "" {
			return fmt.Errorf("want name=amount or name=share, got %q", s)
		}
		if strings.Contains(v, "%") {
			r, err := rate.Parse(v)
			if err != nil {
				return err
			}
			fees = append(fees, charge.Fee{Name: n, Rate: r})
			return nil
		}
		m, err := money.Parse(v)
		if err != nil {
			return err
		}
		fees = append(fees, charge.Fee{Name: n, Amount: m})
		return nil
	})
	fs.Var(&firstDue, "first-due", "first due date the debtor chose (inside the policy's window)")
	fs.Var(&income, "income", "debtor's monthly income, to check affordability")
	fs.Var(&essential, "essential", "debtor's essential monthly expenses")
	fs.Var(&committed, "committed", "debtor's other monthly debt installments")
	recurrence := fs.Int("recurrence", 0, "times late in the last 12 months (policy matching, due-date change)")
	score := fs.Int("score", 0, "debtor score (policy matching)")
	creditor := fs.String("creditor", "", "creditor (policy matching)")
	portfolio := fs.String("portfolio", "", "portfolio (policy matching)")
	segment := fs.String("segment", "", "segment (policy matching)")
	product := fs.String("product", "", "product of the debt (policy matching)")
	grace := fs.Int("grace-days", 0, "days after the due date a payment still counts as on time")
	locale := fs.String("locale", "pt-BR", "language of the text: pt-BR, es or en")
	asJSON := fs.Bool("json", false, "print JSON for machines")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *debtsFile == "" && !principal.set:
		return usagef("--principal is required (or --debts)")
	case *debtsFile == "" && due.v.IsZero():
		return usagef("--due is required")
	case *debtsFile != "" && (principal.set || !due.v.IsZero()):
		return usagef("--debts replaces --principal and --due")
	case asOf.v.IsZero():
		return usagef("--as-of is required")
	case *compound && *simple:
		return usagef("--compound and --simple are exclusive")
	}
	if *compound {
		*method = string(charge.Compound)
	}
	if *simple {
		*method = string(charge.Simple)
	}
	c, err := charge.Preset(*caps)
	if err != nil {
		return usagef("--caps: %v", err)
	}
	terms := charge.Terms{Fine: fine.v, Method: charge.Method(*method), Caps: c, Fees: fees, GraceDays: *grace}
	if interest.set {
		r := interest.v
		terms.Interest = &r
	}
	if contract.set {
		r := contract.v
		terms.ContractRate = &r
	}
	terms.RebateFuture = *rebateFuture
	if *correction != "" {
		if terms.Correction, err = offerLoadIndex(*correction); err != nil {
			return fmt.Errorf("--correction-index: %w", err)
		}
	}
	if *legal != "" {
		if terms.LegalRate, err = offerLoadIndex(*legal); err != nil {
			return fmt.Errorf("--legal-rate: %w", err)
		}
		terms.LegalRate.Name = "Taxa Legal"
	}
	debts := []charge.Debt{{ID: "1", Product: *product, Terms: terms,
		Installments: []charge.Installment{{Number: 1, Due: due.v, Amount: principal.v, Payments: pays}}}}
	if *debtsFile != "" {
		f, err := os.Open(*debtsFile)
		if err != nil {
			return fmt.Errorf("--debts: %w", err)
		}
		debts, err = charge.ParseDebts(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("--debts %s: %w", *debtsFile, err)
		}
		for i := range debts { // index tables come from the flags
			debts[i].Terms.Correction, debts[i].Terms.LegalRate = terms.Correction, terms.LegalRate
		}
	}
	if *policy == "" {
		b, err := charge.Compute(debts, asOf.v)
		if err != nil {
			return err
		}
		if *asJSON {
			return offerWriteJSON(env.stdout, struct {
				Breakdown charge.Breakdown `json:"breakdown"`
				Words     []string         `json:"words"`
			}{b, b.Words(*locale)})
		}
		offerPrintBreakdown(env.stdout, b, *locale)
		return nil
	}
	pf, err := os.Open(*policy)
	if err != nil {
		return fmt.Errorf("--policy: %w", err)
	}
	set, err := offer.ParsePolicies(pf)
	pf.Close()
	if err != nil {
		return fmt.Errorf("--policy %s: %w", *policy, err)
	}
	req := offer.Request{Debts: debts, AsOf: asOf.v, FirstDue: firstDue.v,
		Debtor: offer.Debtor{ID: "simulation", Creditor: *creditor, Portfolio: *portfolio, Segment: *segment, Recurrence: *recurrence, Score: *score}}
	if income.set {
		req.Debtor.Budget = &afford.Budget{Income: income.v, Essential: essential.v, Committed: committed.v}
	}
	m, err := offer.Generate(req, set)
	if err != nil {
		return err
	}
	if *asJSON {
		type jsonOffer struct {
			offer.Offer
			Title string `json:"title"`
			Text  string `json:"text"`
		}
		out := struct {
			offer.Menu
			Words  []string    `json:"words"`
			Offers []jsonOffer `json:"offers"`
		}{Menu: m, Words: m.Breakdown.Words(*locale)}
		for i := range m.Offers {
			o := &m.Offers[i]
			out.Offers = append(out.Offers, jsonOffer{*o, o.Title(*locale), m.Text(o, *locale)})
		}
		return offerWriteJSON(env.stdout, out)
	}
	offerPrintBreakdown(env.stdout, m.Breakdown, *locale)
	offerPrintMenu(env.stdout, &m, *locale)
	return nil
}

func offerWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

var offerPartLabels = map[string][]string{
	"pt-BR": {"principal", "correção", "multa", "juros", "tarifas"},
	"es":    {"capital", "corrección", "multa", "intereses", "cargos"},
	"en":    {"principal", "correction", "fine", "interest", "fees"},
}

func offerPrintBreakdown(w io.Writer, b charge.Breakdown, locale string) {
	loc := charge.Locale(locale)
	head := map[string]string{"pt-BR": "Débito em %s", "es": "Deuda al %s", "en": "Owed as of %s"}[loc]
	fmt.Fprintf(w, head+"\n\n", b.AsOf.Format(loc))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	cols := map[string]string{
		"pt-BR": "parcela\tparte\tbase\ttaxa\tperíodo\tvalor\tpago\tem aberto\t",
		"es":    "cuota\tparte\tbase\ttasa\tperíodo\tmonto\tpagado\tpendiente\t",
		"en":    "installment\tpart\tbase\trate\tperiod\tamount\tpaid\topen\t",
	}[loc]
	fmt.Fprintln(tw, cols)
	for _, ib := range b.Installments {
		for _, l := range ib.Lines {
			period := ""
			switch {
			case l.Days > 0:
				period = fmt.Sprintf("%s–%s (%d d)", l.From.Format(loc), l.To.Format(loc), l.Days)
			case l.Months > 0:
				period = fmt.Sprintf("%s–%s (%d m)", l.From.Format(loc), l.To.Format(loc), l.Months)
			}
			rt := l.Rate
			if r, err := rate.Parse(rt); err == nil {
				rt = r.Format(loc)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", ib.Number, offerPartLabels[loc][l.Part], l.Base.Format(loc), rt, period,
				l.Charged.Format(loc), l.Paid.Format(loc), l.Open.Format(loc))
		}
	}
	fmt.Fprintf(tw, "\t%s\t\t\t\t\t\t%s\t\n", map[string]string{"pt-BR": "total", "es": "total", "en": "total"}[loc], b.Total.Format(loc))
	tw.Flush()
	fmt.Fprintln(w)
	for _, s := range b.Words(loc) {
		fmt.Fprintln(w, "  "+s)
	}
}

func offerPrintMenu(w io.Writer, m *offer.Menu, locale string) {
	loc := charge.Locale(locale)
	fmt.Fprintf(w, "\n"+map[string]string{
		"pt-BR": "Propostas (política %s v%d), devido hoje %s:",
		"es":    "Ofertas (política %s v%d), adeudado hoy %s:",
		"en":    "Offers (policy %s v%d), owed today %s:",
	}[loc]+"\n", m.PolicyID, m.PolicyVersion, m.Owed.Format(loc))
	for i := range m.Offers {
		o := &m.Offers[i]
		fmt.Fprintf(w, "\n%d. %s [%s]\n", o.Rank, o.Title(loc), o.ID)
		fmt.Fprintf(w, "   %s\n", m.Text(o, loc))
		if why := m.Why(o, loc); why != "" {
			fmt.Fprintf(w, "   %s\n", why)
		}
		if o.Plan != nil {
			offerPrintSchedule(w, o.Plan, loc, "   ")
		}
	}
	if m.Capacity != nil {
		fmt.Fprintf(w, "\n%s\n", m.Capacity.Explain(loc))
	}
	if len(m.Excluded) > 0 {
		fmt.Fprintf(w, "\n%s\n", map[string]string{"pt-BR": "Fora do menu:", "es": "Fuera del menú:", "en": "Left out:"}[loc])
		for _, e := range m.Excluded {
			n := ""
			if e.N > 0 {
				n = fmt.Sprintf(" %d", e.N)
			}
			fmt.Fprintf(w, "  - %s%s: %s\n", e.Kind, n, e.Text(loc))
		}
	}
}

func offerPrintSchedule(w io.Writer, s *plan.Schedule, loc, indent string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, indent+map[string]string{
		"pt-BR": "nº\tvencimento\tparcela\tjuros\tamortização\tsaldo\tem dia\t",
		"es":    "nº\tvencimiento\tcuota\tinterés\tamortización\tsaldo\ta tiempo\t",
		"en":    "no.\tdue\tinstallment\tinterest\tamortisation\tbalance\ton time\t",
	}[loc])
	for _, r := range s.Rows {
		fmt.Fprintf(tw, "%s%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", indent, r.Number, r.Due.Format(loc), r.Installment.Format(loc), r.Interest.Format(loc),
			r.Amortisation.Format(loc), r.Balance.Format(loc), r.OnTime.Format(loc))
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\t\t\n", indent, "total", s.Total.Format(loc), s.TotalInterest.Format(loc), s.Amount.Format(loc))
	tw.Flush()
}
