package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/regua/regua/internal/afford"
	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/negotiation"
	"github.com/regua/regua/internal/offer"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
)

func init() {
	register(&command{name: "agreement", summary: "negotiate: offers for a debtor, accept one into an agreement, list, show, pay, offer policies", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "agreement", args, map[string]func(context.Context, *cliEnv, []string) error{
			"offers": agreementOffers,
			"accept": agreementAccept,
			"list":   agreementList,
			"show":   agreementShow,
			"pay":    agreementPay,
			"policy": agreementPolicy,
		})
	}})
	register(&command{name: "agreements", summary: "agreement jobs: check-breaches (broken agreements and kept or unkept promises)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "agreements", args, map[string]func(context.Context, *cliEnv, []string) error{
			"check-breaches": agreementsCheck,
		})
	}})
	register(&command{name: "promise", summary: "promises to pay: add, list", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "promise", args, map[string]func(context.Context, *cliEnv, []string) error{
			"add":  promiseAdd,
			"list": promiseList,
		})
	}})
}

// negotiationZone is where "today" is for the as-of date by default.
const negotiationZone = "America/Sao_Paulo"

func today() date.Date {
	loc, err := time.LoadLocation(negotiationZone)
	if err != nil {
		loc = time.UTC
	}
	return date.Today(loc)
}

// asOfFlag is --as-of, default today in Brazil.
type asOfFlag struct{ d date.Date }

func (a *asOfFlag) String() string { return a.d.String() }
func (a *asOfFlag) Set(s string) error {
	d, err := date.Parse(s)
	if err != nil {
		return err
	}
	a.d = d
	return nil
}

func (a *asOfFlag) date() date.Date {
	if a.d.IsZero() {
		return today()
	}
	return a.d
}

type negFlags struct {
	je     journeyEnv
	asJSON *bool
}

func newNegFlags(env *cliEnv, fs *flag.FlagSet) negFlags {
	return negFlags{je: journeyFlags(env, fs), asJSON: fs.Bool("json", false, "print JSON for machines")}
}

func (n negFlags) open(ctx context.Context) (*sqldb.DB, domain.TenantID, *negotiation.Service, error) {
	s, tenant, err := n.je.open(ctx)
	if err != nil {
		return nil, 0, nil, err
	}
	return s, tenant, &negotiation.Service{Store: s}, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// negotiationDebtor takes a debtor id or CPF/CNPJ (punctuation ignored).
func negotiationDebtor(ctx context.Context, s *sqldb.DB, tenant domain.TenantID, spec string) (int64, error) {
	if strings.TrimSpace(spec) == "" {
		return 0, usagef("--debtor is required (id or CPF/CNPJ)")
	}
	doc := strings.NewReplacer(".", "", "-", "", "/", "", " ", "").Replace(spec)
	if len(doc) == 11 || len(doc) == 14 {
		l, err := s.SearchDebtors(ctx, tenant, doc, today(), 2)
		if err != nil {
			return 0, err
		}
		if len(l) == 1 {
			return l[0].ID, nil
		}
	}
	if id, err := strconv.ParseInt(spec, 10, 64); err == nil {
		if _, err := s.Debtor(ctx, tenant, id); err == nil {
			return id, nil
		}
	}
	return 0, fmt.Errorf("--debtor %q: no debtor with this id or CPF/CNPJ: %w", spec, store.ErrNotFound)
}

// menuFlags are the flags that make a menu; accept takes the same.
type menuFlags struct {
	debtor, creditor, debts, locale *string
	asOf                            asOfFlag
	firstDue                        *string
	payWhatYouCan                   *string
	except, approvedBy, role        *string
	base                            *string
	income, essential, committed    *string
}

func addMenuFlags(fs *flag.FlagSet) *menuFlags {
	m := &menuFlags{}
	m.debtor = fs.String("debtor", "", "debtor id or CPF/CNPJ (required)")
	m.creditor = fs.String("creditor", "", "creditor external id, when the debtor owes several")
	m.debts = fs.String("debts", "", "comma-separated debt ids or contract numbers to negotiate (default: every open debt)")
	m.locale = fs.String("locale", "", "pt-BR, es or en (default: the debtor's)")
	m.firstDue = fs.String("first-due", "", "first due date the debtor chose, inside the policy window")
	fs.Var(&m.asOf, "as-of", "date of the computation (default today in Brazil)")
	m.payWhatYouCan = fs.String("pay-what-you-can", "", "add a pay-what-you-can offer of this amount a month")
	m.base = fs.String("base", "", "exception: the offer id to lower")
	m.except = fs.String("except", "", "exception: the negotiated amount, below the policy (needs --base, --role)")
	m.approvedBy = fs.String("approved-by", "cli:"+os.Getenv("USER"), "exception: who approves it")
	m.role = fs.String("role", "", "exception: agent or supervisor")
	m.income = fs.String("income", "", "the debtor's monthly income, when shared (affordability, mínimo existencial)")
	m.essential = fs.String("essential", "", "the debtor's essential monthly expenses")
	m.committed = fs.String("committed", "", "the debtor's other monthly debt installments")
	return m
}

func (m *menuFlags) request(ctx context.Context, s *sqldb.DB, tenant domain.TenantID) (negotiation.MenuRequest, error) {
	id, err := negotiationDebtor(ctx, s, tenant, *m.debtor)
	if err != nil {
		return negotiation.MenuRequest{}, err
	}
	r := negotiation.MenuRequest{DebtorID: id, AsOf: m.asOf.date(), Creditor: *m.creditor}
	if *m.firstDue != "" {
		if r.FirstDue, err = date.Parse(*m.firstDue); err != nil {
			return r, usagef("--first-due: %v", err)
		}
	}
	if *m.income != "" {
		var b afford.Budget
		for _, f := range []struct {
			name, v string
			dst     *money.Money
		}{{"income", *m.income, &b.Income}, {"essential", *m.essential, &b.Essential}, {"committed", *m.committed, &b.Committed}} {
			if f.v == "" {
				continue
			}
			a, err := money.Parse(f.v)
			if err != nil || a < 0 {
				return r, usagef("--%s %q: want an amount", f.name, f.v)
			}
			*f.dst = a
		}
		r.Budget = &b
	} else if *m.essential != "" || *m.committed != "" {
		return r, usagef("--essential and --committed need --income")
	}
	if *m.payWhatYouCan != "" {
		a, err := money.Parse(*m.payWhatYouCan)
		if err != nil || a <= 0 {
			return r, usagef("--pay-what-you-can %q: want a positive amount", *m.payWhatYouCan)
		}
		r.PayWhatYouCan = a
	}
	if *m.except != "" || *m.base != "" {
		a, err := money.Parse(*m.except)
		if err != nil || a <= 0 || *m.base == "" || (*m.role != "agent" && *m.role != "supervisor") {
			return r, usagef("an exception needs --base OFFER, --except AMOUNT (positive) and --role agent|supervisor")
		}
		r.Exception = &negotiation.Exception{Base: *m.base, Negotiated: a, ApprovedBy: *m.approvedBy, Role: offer.Role(*m.role)}
	}
	if *m.debts != "" {
		v, err := s.Debtor360(ctx, tenant, id, 1)
		if err != nil {
			return r, err
		}
		for _, spec := range strings.Split(*m.debts, ",") {
			spec = strings.TrimSpace(spec)
			found := false
			for _, d := range v.Debts {
				if d.ContractNumber == spec || strconv.FormatInt(d.ID, 10) == spec {
					r.DebtIDs, found = append(r.DebtIDs, d.ID), true
					break
				}
			}
			if !found {
				return r, usagef("--debts: debtor %d has no debt %q", id, spec)
			}
		}
	}
	return r, nil
}

func (m *menuFlags) localeOr(d domain.Debtor) string {
	if *m.locale != "" {
		return charge.Locale(*m.locale)
	}
	return charge.Locale(d.Locale)
}

func agreementOffers(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "agreement offers")
	nf := newNegFlags(env, fs)
	mf := addMenuFlags(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, tenant, svc, err := nf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := mf.request(ctx, s, tenant)
	if err != nil {
		return err
	}
	q, err := svc.Menu(ctx, tenant, r)
	if err != nil {
		return err
	}
	loc := mf.localeOr(q.Debtor)
	if *nf.asJSON {
		type offerOut struct {
			ID    string `json:"id"`
			Title string `json:"title"`
			Text  string `json:"text"`
			Offer any    `json:"offer"`
		}
		out := struct {
			Debtor    int64      `json:"debtor_id"`
			Debts     []int64    `json:"debt_ids"`
			Creditor  string     `json:"creditor"`
			PolicyDoc int        `json:"policy_doc_version"`
			Menu      any        `json:"menu"`
			Words     []string   `json:"words"`
			Offers    []offerOut `json:"offers"`
		}{q.DebtorID, q.DebtIDs, q.Creditor, q.PolicyDoc, q.Menu, q.Menu.Breakdown.Words(loc), nil}
		for i := range q.Menu.Offers {
			o := &q.Menu.Offers[i]
			out.Offers = append(out.Offers, offerOut{o.ID, o.Title(loc), q.Menu.Text(o, loc), o})
		}
		return writeJSON(env.stdout, out)
	}
	fmt.Fprintf(env.stdout, "%s — %d debt(s), owed %s as of %s (policy %s v%d)\n\n", q.Debtor.Name, len(q.DebtIDs), q.Menu.Owed.Format(loc), r.AsOf.Format(loc), q.Menu.PolicyID, q.Menu.PolicyVersion)
	for _, w := range q.Menu.Breakdown.Words(loc) {
		fmt.Fprintln(env.stdout, "  "+w)
	}
	fmt.Fprintln(env.stdout)
	for i := range q.Menu.Offers {
		o := &q.Menu.Offers[i]
		mark := ""
		if q.Added != nil && q.Added.ID == o.ID {
			mark = "  (added)"
			if o.Exception != nil {
				mark = fmt.Sprintf("  (exception: %s beyond the policy, approved by %s as %s)", o.Exception.ExtraValue.Format(loc), o.Exception.ApprovedBy, o.Exception.Role)
			}
		}
		fmt.Fprintf(env.stdout, "%d. %s  [offer %s]%s\n", o.Rank, o.Title(loc), o.ID, mark)
		for _, line := range strings.Split(q.Menu.Text(o, loc), "\n") {
			fmt.Fprintln(env.stdout, "   "+line)
		}
		fmt.Fprintln(env.stdout)
	}
	if q.Menu.Capacity != nil {
		fmt.Fprintln(env.stdout, q.Menu.Capacity.Explain(loc))
		for i := range q.Menu.Offers {
			if why := q.Menu.Why(&q.Menu.Offers[i], loc); why != "" {
				fmt.Fprintf(env.stdout, "offer %s: %s\n", q.Menu.Offers[i].ID, why)
			}
		}
	}
	for _, x := range q.Menu.Excluded {
		fmt.Fprintf(env.stdout, "left out: %s\n", x.Text(loc))
	}
	return nil
}

func agreementAccept(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "agreement accept")
	nf := newNegFlags(env, fs)
	mf := addMenuFlags(fs)
	offerID := fs.String("offer", "", "offer id from `regua agreement offers` (required)")
	who := fs.String("who", "", "who accepted: the debtor's id or document, or the agent's user id (default: the OS user, as an agent)")
	whoKind := fs.String("who-kind", "agent", "debtor, agent or bot")
	channel := fs.String("channel", "agent", "portal, whatsapp, sms, email, phone, voice, chat or agent")
	textFile := fs.String("text-file", "", "file with the exact text shown to the debtor (default: the offer's statement, as `agreement offers` prints it)")
	remote := fs.String("remote", "", "IP address or caller id, kept with the proof")
	acceptedAt := fs.String("accepted-at", "", "when the debtor accepted, RFC 3339 (default now), for acceptances recorded after the fact")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *offerID == "" {
		return usagef("usage: regua agreement accept --debtor ID --offer OFFER [--as-of DATE] [--channel C] [--who W] [--text-file F]")
	}
	s, tenant, svc, err := nf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := mf.request(ctx, s, tenant)
	if err != nil {
		return err
	}
	req := negotiation.AcceptRequest{MenuRequest: r, OfferID: *offerID, Who: *who, WhoKind: *whoKind, Channel: *channel, Locale: *mf.locale, Remote: *remote}
	if req.Who == "" {
		req.Who = "cli:" + os.Getenv("USER")
	}
	if *acceptedAt != "" {
		t, err := time.Parse(time.RFC3339, *acceptedAt)
		if err != nil {
			return usagef("--accepted-at %q: want an RFC 3339 time like 2026-11-24T14:00:00-03:00", *acceptedAt)
		}
		req.At = t
	}
	if *textFile != "" {
		b, err := os.ReadFile(*textFile)
		if err != nil {
			return usagef("--text-file: %v", err)
		}
		req.Text = string(b)
	}
	acc, err := svc.Accept(ctx, tenant, req)
	if err != nil {
		return err
	}
	if *nf.asJSON {
		return writeJSON(env.stdout, map[string]any{"agreement": agreementJSON(acc.Agreement), "duplicate": acc.Duplicate, "reminders": acc.Reminders})
	}
	a := acc.Agreement
	if acc.Duplicate {
		fmt.Fprintf(env.stdout, "offer %s was already accepted: agreement %d\n", a.OfferID, a.ID)
		return nil
	}
	fmt.Fprintf(env.stdout, "agreement %d: %s in %d payment(s), debts %v suspended, %d reminder(s) planned\n", a.ID, a.Total.Format("pt-BR"), len(a.Installments), a.DebtIDs, acc.Reminders)
	fmt.Fprintf(env.stdout, "acceptance: %s %s via %s at %s, text SHA-256 %s\n", a.Acceptance.WhoKind, a.Acceptance.Who, a.Acceptance.Channel, a.Acceptance.At.Format(time.RFC3339), a.Acceptance.TextSHA256)
	return nil
}

// agreementJSON is the machine form of a stored agreement.
func agreementJSON(a store.Agreement) map[string]any {
	ins := make([]map[string]any, 0, len(a.Installments))
	for _, in := range a.Installments {
		ins = append(ins, map[string]any{"id": in.ID, "number": in.Number, "due": in.Due, "amount": in.Amount, "on_time": in.OnTime, "paid": in.Paid, "status": in.Status})
	}
	var terms any = json.RawMessage(a.Doc)
	if len(a.Doc) == 0 {
		terms = nil
	}
	out := map[string]any{"id": a.ID, "debtor_id": a.DebtorID, "offer_id": a.OfferID, "kind": a.Kind, "status": a.Status, "made": a.Made,
		"negotiated": a.Negotiated, "total": a.Total, "paid": a.Paid, "policy_id": a.PolicyID, "policy_version": a.PolicyVersion, "policy_doc_version": a.PolicyDoc,
		"debt_ids": a.DebtIDs, "installments": ins, "terms": terms,
		"acceptance": map[string]any{"offer_id": a.Acceptance.OfferID, "who": a.Acceptance.Who, "who_kind": a.Acceptance.WhoKind, "channel": a.Acceptance.Channel,
			"at": a.Acceptance.At, "locale": a.Acceptance.Locale, "text": a.Acceptance.Text, "text_sha256": a.Acceptance.TextSHA256, "remote": a.Acceptance.Remote,
			"text_verified": negotiation.VerifyText(a.Acceptance)}}
	if !a.BrokenOn.IsZero() {
		out["broken_on"], out["first_installment_breach"] = a.BrokenOn, a.FirstBreach
	}
	if !a.ClosedOn.IsZero() {
		out["closed_on"] = a.ClosedOn
	}
	return out
}

func agreementList(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "agreement list")
	nf := newNegFlags(env, fs)
	debtor := fs.String("debtor", "", "only this debtor (id or CPF/CNPJ)")
	status := fs.String("status", "", "active, broken or settled")
	limit := fs.Int("limit", 100, "at most this many")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	switch store.AgreementStatus(*status) {
	case "", store.AgreementActive, store.AgreementBroken, store.AgreementSettled:
	default:
		return usagef("--status %q: want active, broken or settled", *status)
	}
	s, tenant, _, err := nf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	f := store.AgreementFilter{Status: store.AgreementStatus(*status), Limit: *limit}
	if *debtor != "" {
		if f.DebtorID, err = negotiationDebtor(ctx, s, tenant, *debtor); err != nil {
			return err
		}
	}
	as, err := s.Agreements(ctx, tenant, f)
	if err != nil {
		return err
	}
	if *nf.asJSON {
		out := make([]map[string]any, 0, len(as))
		for _, a := range as {
			out = append(out, agreementJSON(a))
		}
		return writeJSON(env.stdout, out)
	}
	tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tdebtor\tkind\tstatus\tmade\ttotal\tpaid\tpayments\tchannel")
	for _, a := range as {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", a.ID, a.DebtorID, a.Kind, a.Status, a.Made, a.Total.Format("pt-BR"), a.Paid.Format("pt-BR"), len(a.Installments), a.Acceptance.Channel)
	}
	return tw.Flush()
}

func agreementID(fs *flag.FlagSet, rest []string, usage string) (int64, error) {
	if len(rest) != 1 {
		return 0, usagef("usage: %s", usage)
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("agreement id %q: want a positive number", rest[0])
	}
	return id, nil
}

func agreementShow(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "agreement show")
	nf := newNegFlags(env, fs)
	var asOf asOfFlag
	fs.Var(&asOf, "as-of", "evaluate the agreement as of this date (default today in Brazil)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := agreementID(fs, rest, "regua agreement show ID [--as-of DATE] [--json]")
	if err != nil {
		return err
	}
	s, tenant, svc, err := nf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	a, st, err := svc.Status(ctx, tenant, id, asOf.date())
	if err != nil {
		return err
	}
	pays, err := s.AgreementPayments(ctx, tenant, id)
	if err != nil {
		return err
	}
	if *nf.asJSON {
		return writeJSON(env.stdout, map[string]any{"agreement": agreementJSON(a), "evaluation": st, "payments": pays})
	}
	w := env.stdout
	fmt.Fprintf(w, "agreement %d (%s) of debtor %d: %s, made %s, total %s, paid %s\n", a.ID, a.Kind, a.DebtorID, a.Status, a.Made.Format("pt-BR"), a.Total.Format("pt-BR"), a.Paid.Format("pt-BR"))
	if a.Status == store.AgreementBroken {
		kind := "a later installment"
		if a.FirstBreach {
			kind = "the first payment"
		}
		fmt.Fprintf(w, "broken on %s (%s)\n", a.BrokenOn.Format("pt-BR"), kind)
	}
	fmt.Fprintf(w, "as of %s: %s", st.AsOf.Format("pt-BR"), st.State)
	if st.Next != nil {
		fmt.Fprintf(w, ", next installment %d of %s due %s", st.Next.Number, st.Next.Amount.Format("pt-BR"), st.Next.Due.Format("pt-BR"))
	}
	fmt.Fprintf(w, "\ndebts: %v; policy %s v%d (stored file v%d); offer %s\n\n", a.DebtIDs, a.PolicyID, a.PolicyVersion, a.PolicyDoc, a.OfferID)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "nº\tdue\tamount\ton time\tpaid\tstatus")
	for _, in := range a.Installments {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", in.Number, in.Due.Format("pt-BR"), in.Amount.Format("pt-BR"), in.OnTime.Format("pt-BR"), in.Paid.Format("pt-BR"), in.Status)
	}
	tw.Flush()
	if len(pays) > 0 {
		fmt.Fprintln(w, "\npayments:")
		for _, p := range pays {
			fmt.Fprintf(w, "  %s  %s  (installment %d, payment %d)\n", p.PaidAt.Format("2006-01-02 15:04"), p.Amount.Format("pt-BR"), p.Number, p.PaymentID)
		}
	}
	c := a.Acceptance
	verified := "text matches its digest"
	if !negotiation.VerifyText(c) {
		verified = "TEXT DOES NOT MATCH ITS DIGEST"
	}
	fmt.Fprintf(w, "\naccepted by %s %s via %s at %s (%s), offer %s; SHA-256 %s: %s\n", c.WhoKind, c.Who, c.Channel, c.At.Format(time.RFC3339), c.Locale, c.OfferID, c.TextSHA256, verified)
	if c.Remote != "" {
		fmt.Fprintf(w, "from %s\n", c.Remote)
	}
	fmt.Fprintln(w, "text shown:")
	for _, line := range strings.Split(c.Text, "\n") {
		fmt.Fprintln(w, "  | "+line)
	}
	return nil
}

func agreementPay(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "agreement pay")
	nf := newNegFlags(env, fs)
	amount := fs.String("amount", "", "amount paid (1.234,56 or 1234.56)")
	ref := fs.String("ref", "", "the payment's reference, unique per source (required: makes booking idempotent)")
	source := fs.String("source", string(domain.PaidManual), "pix, boleto, api or manual")
	number := fs.Int("installment", -1, "installment number (0 is the down payment; default the oldest not fully paid)")
	paidAt := fs.String("paid-at", "", "date (or RFC 3339 time) of payment (default now)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := agreementID(fs, rest, "regua agreement pay ID --amount 100,00 --ref REF [--installment N] [--source manual] [--paid-at DATE]")
	if err != nil {
		return err
	}
	m, err := money.Parse(*amount)
	if err != nil || m <= 0 {
		return usagef("--amount %q: want a positive amount", *amount)
	}
	if *ref == "" {
		return usagef("--ref is required")
	}
	p := domain.Payment{Source: domain.PaymentSource(*source), SourceRef: *ref, Amount: m}
	if *paidAt != "" {
		if p.PaidAt, err = parsePaidAt(*paidAt); err != nil {
			return err
		}
	}
	s, tenant, svc, err := nf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	ap, dup, err := svc.PayInstallment(ctx, tenant, id, *number, p)
	if err != nil {
		return err
	}
	if *nf.asJSON {
		return writeJSON(env.stdout, map[string]any{"payment": ap, "duplicate": dup})
	}
	if dup {
		fmt.Fprintf(env.stdout, "payment %s/%s was already booked (payment %d)\n", p.Source, p.SourceRef, ap.PaymentID)
		return nil
	}
	a, _ := s.Agreement(ctx, tenant, id)
	fmt.Fprintf(env.stdout, "booked %s to agreement %d, installment %d (payment %d); agreement %s, paid %s of %s\n", m.Format("pt-BR"), id, ap.Number, ap.PaymentID, a.Status, a.Paid.Format("pt-BR"), a.Total.Format("pt-BR"))
	return nil
}

func agreementPolicy(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "agreement policy")
	nf := newNegFlags(env, fs)
	version := fs.Int("version", 0, "show: this version (default the current)")
	author := fs.String("author", "cli:"+os.Getenv("USER"), "set: who changed the policies")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	usage := "usage: regua agreement policy set FILE | regua agreement policy show [--version N]"
	if len(rest) == 0 || (rest[0] == "set" && len(rest) != 2) || (rest[0] == "show" && len(rest) != 1) || (rest[0] != "set" && rest[0] != "show") {
		return usagef("%s", usage)
	}
	s, tenant, svc, err := nf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if rest[0] == "set" {
		body, err := os.ReadFile(rest[1])
		if err != nil {
			return usagef("%v", err)
		}
		doc, err := svc.SavePolicies(ctx, tenant, body, *author)
		if err != nil {
			return err
		}
		if *nf.asJSON {
			return writeJSON(env.stdout, map[string]any{"version": doc.Version, "sha256": doc.SHA256, "author": doc.Author, "created_at": doc.CreatedAt})
		}
		fmt.Fprintf(env.stdout, "offer policies version %d (SHA-256 %s)\n", doc.Version, doc.SHA256)
		return nil
	}
	doc, err := s.OfferPolicies(ctx, tenant, *version)
	if err != nil {
		return err
	}
	if *nf.asJSON {
		return writeJSON(env.stdout, map[string]any{"version": doc.Version, "sha256": doc.SHA256, "author": doc.Author, "created_at": doc.CreatedAt, "policies": doc.Body})
	}
	fmt.Fprintf(env.stdout, "# version %d by %s at %s\n", doc.Version, doc.Author, doc.CreatedAt.Format(time.RFC3339))
	var pretty any
	if err := json.Unmarshal(doc.Body, &pretty); err != nil {
		return err
	}
	return writeJSON(env.stdout, pretty)
}

func agreementsCheck(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "agreements check-breaches")
	db := dbFlag(env, fs)
	tenantSpec := fs.String("tenant", envDefault(env, "tenant", ""), "only this tenant (name or id; default every tenant)")
	asJSON := fs.Bool("json", false, "print JSON for machines")
	var asOf asOfFlag
	fs.Var(&asOf, "as-of", "evaluate as of this date (default today in Brazil)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := &negotiation.Service{Store: s}
	var reps []negotiation.Report
	if *tenantSpec == "" {
		if reps, err = svc.Run(ctx, asOf.date()); err != nil {
			return err
		}
	} else {
		tenant, err := resolveTenant(ctx, s, *tenantSpec)
		if err != nil {
			return err
		}
		rep, err := svc.CheckBreaches(ctx, tenant, asOf.date())
		if err != nil {
			return err
		}
		if err := svc.CheckPromises(ctx, tenant, asOf.date(), &rep); err != nil {
			return err
		}
		reps = append(reps, rep)
	}
	if *asJSON {
		return writeJSON(env.stdout, reps)
	}
	for _, r := range reps {
		fmt.Fprintf(env.stdout, "tenant %d as of %s: %d agreement(s) checked, %d broken, %d settled; %d promise(s) checked, %d kept, %d unkept\n",
			r.Tenant, r.AsOf, r.Checked, r.Broken, r.Settled, r.Promises, r.Kept, r.Unkept)
		for _, o := range r.Agreements {
			fmt.Fprintf(env.stdout, "  agreement %d (debtor %d): %s — %s\n", o.ID, o.DebtorID, o.State, o.Detail)
		}
		for _, o := range r.PromiseLog {
			fmt.Fprintf(env.stdout, "  promise %d (debtor %d): %s — %s\n", o.ID, o.DebtorID, o.State, o.Detail)
		}
	}
	return nil
}

func promiseAdd(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "promise add")
	nf := newNegFlags(env, fs)
	debtor := fs.String("debtor", "", "debtor id or CPF/CNPJ (required)")
	debt := fs.String("debt", "", "the debt (id or contract number) the promise is for (default any)")
	amount := fs.String("amount", "", "amount promised (required)")
	when := fs.String("date", "", "date promised (required)")
	tolerance := fs.Int("tolerance", 0, "days after the date a payment still keeps the promise")
	channel := fs.String("channel", "phone", "where the promise was made")
	who := fs.String("who", "cli:"+os.Getenv("USER"), "who recorded it")
	var made asOfFlag
	fs.Var(&made, "made", "date the promise was made (default today in Brazil)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	m, err := money.Parse(*amount)
	if err != nil || m <= 0 {
		return usagef("--amount %q: want a positive amount", *amount)
	}
	d, err := date.Parse(*when)
	if err != nil {
		return usagef("--date %q: %v", *when, err)
	}
	s, tenant, svc, err := nf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	id, err := negotiationDebtor(ctx, s, tenant, *debtor)
	if err != nil {
		return err
	}
	r := negotiation.PromiseRequest{DebtorID: id, Amount: m, Date: d, Made: made.date(), ToleranceDays: *tolerance, Channel: *channel, Who: *who}
	if *debt != "" {
		v, err := s.Debtor360(ctx, tenant, id, 1)
		if err != nil {
			return err
		}
		for _, x := range v.Debts {
			if x.ContractNumber == *debt || strconv.FormatInt(x.ID, 10) == *debt {
				r.DebtID = x.ID
			}
		}
		if r.DebtID == 0 {
			return usagef("--debt: debtor %d has no debt %q", id, *debt)
		}
	}
	res, err := svc.AddPromise(ctx, tenant, r)
	if err != nil {
		return err
	}
	if *nf.asJSON {
		return writeJSON(env.stdout, map[string]any{"promise": res.Promise, "reminders": res.Reminder})
	}
	fmt.Fprintf(env.stdout, "promise %d: %s by %s (tolerance %d days), %d reminder(s) planned\n", res.Promise.ID, m.Format("pt-BR"), d.Format("pt-BR"), *tolerance, res.Reminder)
	return nil
}

func promiseList(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "promise list")
	nf := newNegFlags(env, fs)
	debtor := fs.String("debtor", "", "only this debtor (id or CPF/CNPJ)")
	status := fs.String("status", "", "pending, kept or unkept")
	limit := fs.Int("limit", 100, "at most this many")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	switch store.PromiseStatus(*status) {
	case "", store.PromisePending, store.PromiseKept, store.PromiseUnkept:
	default:
		return usagef("--status %q: want pending, kept or unkept", *status)
	}
	s, tenant, _, err := nf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	f := store.PromiseFilter{Status: store.PromiseStatus(*status), Limit: *limit}
	if *debtor != "" {
		if f.DebtorID, err = negotiationDebtor(ctx, s, tenant, *debtor); err != nil {
			return err
		}
	}
	ps, err := s.Promises(ctx, tenant, f)
	if err != nil {
		return err
	}
	if *nf.asJSON {
		if ps == nil {
			ps = []store.Promise{}
		}
		return writeJSON(env.stdout, ps)
	}
	tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tdebtor\tdebt\tamount\tdate\ttolerance\tstatus\tpaid\tchannel")
	for _, p := range ps {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%d\t%s\t%s\t%s\n", p.ID, p.DebtorID, p.DebtID, p.Amount.Format("pt-BR"), p.Promised.Format("pt-BR"), p.ToleranceDays, p.Status, p.Paid.Format("pt-BR"), p.Channel)
	}
	return tw.Flush()
}
