package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/regua/regua/internal/billing"
	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
)

// `regua charge …` issues PIX charges and boletos (2ª via); `regua
// reconcile …` books return files and works the reconciliation queue.
func init() {
	register(&command{name: "charge", summary: "issue PIX charges and boletos for open amounts; set a creditor's bank account", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "charge", args, map[string]func(context.Context, *cliEnv, []string) error{
			"account": chargeAccount,
			"issue":   chargeIssue,
		})
	}})
	register(&command{name: "reconcile", summary: "book CNAB return files; list and resolve the reconciliation queue", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "reconcile", args, map[string]func(context.Context, *cliEnv, []string) error{
			"cnab":    reconcileCNAB,
			"queue":   reconcileQueue,
			"resolve": reconcileResolve,
			"pay":     reconcilePay,
		})
	}})
}

// findCreditor finds a creditor by external id or id.
func findCreditor(ctx context.Context, s *sqldb.DB, tenant domain.TenantID, spec string) (domain.Creditor, error) {
	cs, err := s.Creditors(ctx, tenant)
	if err != nil {
		return domain.Creditor{}, err
	}
	if spec == "" && len(cs) == 1 {
		return cs[0], nil
	}
	for _, c := range cs {
		if c.ExtID == spec || strconv.FormatInt(c.ID, 10) == spec {
			return c, nil
		}
	}
	return domain.Creditor{}, usagef("--creditor %q: no such creditor (%d in the tenant)", spec, len(cs))
}

func chargeAccount(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "charge account")
	je := journeyFlags(env, fs)
	creditor := fs.String("creditor", "", "creditor external id or id (default: the only creditor)")
	var a store.BankAccount
	fs.StringVar(&a.Bank, "bank", "", "bank code: 001 Banco do Brasil, 033 Santander, 104 Caixa, 237 Bradesco, 341 Itaú")
	fs.StringVar(&a.Agency, "agency", "", "agency (agência) without check digit")
	fs.StringVar(&a.Account, "account", "", "account (conta) without check digit")
	fs.StringVar(&a.Wallet, "wallet", "", "wallet (carteira)")
	fs.StringVar(&a.Agreement, "agreement", "", "convênio (Banco do Brasil) or código do beneficiário (Caixa, Santander)")
	fs.StringVar(&a.PixKey, "pix-key", "", "Pix key that receives payments")
	fs.StringVar(&a.BeneficiaryName, "name", "", "beneficiary name printed on boletos and BR Codes")
	fs.StringVar(&a.BeneficiaryDoc, "document", "", "beneficiary CNPJ or CPF")
	fs.StringVar(&a.City, "city", "", "beneficiary city (BR Code field 60)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := findCreditor(ctx, s, tenant, *creditor)
	if err != nil {
		return err
	}
	a.CreditorID = c.ID
	if a.BeneficiaryName == "" {
		a.BeneficiaryName = c.Name
	}
	if a.BeneficiaryDoc == "" {
		a.BeneficiaryDoc = c.Document
	}
	if err := s.SetBankAccount(ctx, tenant, a); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "bank account of %s set: bank %s agency %s account %s wallet %s, Pix key %q\n", c.Name, a.Bank, a.Agency, a.Account, a.Wallet, a.PixKey)
	return nil
}

func chargeIssue(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "charge issue")
	je := journeyFlags(env, fs)
	debtorSpec := fs.String("debtor", "", "debtor id or CPF/CNPJ: every open installment")
	inst := fs.Int64("installment", 0, "one installment id")
	agrInst := fs.Int64("agreement-installment", 0, "one agreement installment id")
	withPix := fs.Bool("pix", false, "issue a PIX charge")
	withBoleto := fs.Bool("boleto", false, "issue a boleto (with the PIX QR code when --pix too)")
	pdfPath := fs.String("pdf", "", "write the boleto PDF here (several boletos: -N before the extension)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *debtorSpec == "" && *inst == 0 && *agrInst == 0 {
		return usagef("--debtor, --installment or --agreement-installment is required")
	}
	if *inst != 0 && *agrInst != 0 {
		return usagef("--installment and --agreement-installment exclude each other")
	}
	if !*withPix && !*withBoleto {
		*withPix, *withBoleto = true, true
	}
	if *pdfPath != "" && !*withBoleto {
		return usagef("--pdf needs --boleto")
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	var debtorID int64
	if *debtorSpec != "" {
		if debtorID, err = findDebtor(ctx, s, tenant, *debtorSpec); err != nil {
			return err
		}
	}
	var opens []store.OpenAmount
	if *inst == 0 && *agrInst == 0 {
		if opens, err = debtorOpenAmounts(ctx, s, tenant, debtorID); err != nil {
			return err
		}
	}
	if *inst != 0 {
		if opens, err = s.OpenAmounts(ctx, tenant, debtorID, *inst); err != nil {
			return err
		}
	}
	if *agrInst != 0 {
		// Agreement installments (acordos) are charged like any open amount.
		agr, err := s.AgreementOpenAmounts(ctx, tenant, debtorID, *agrInst)
		if err != nil {
			return err
		}
		opens = append(opens, agr...)
	}
	if len(opens) == 0 {
		return fmt.Errorf("nothing open to charge")
	}
	is := &billing.Issuer{Store: s}
	if psp, err := pixClientFromEnv(env); err != nil {
		return err
	} else if psp != nil {
		is.PSP = psp
	}
	reqs := make([]billing.Request, len(opens))
	for i, o := range opens {
		reqs[i] = billing.Request{Open: o, Pix: *withPix, Boleto: *withBoleto}
	}
	issued, err := is.Issue(ctx, tenant, reqs)
	if err != nil {
		return err
	}
	type out struct {
		For         string `json:"for"` // "installment" or "agreement_installment"
		Installment int64  `json:"installment_id,omitempty"`
		AgreementIn int64  `json:"agreement_installment_id,omitempty"`
		Contract    string `json:"contract"`
		Number      int    `json:"number"`
		Amount      string `json:"amount"`
		PixCharge   int64  `json:"pix_charge_id,omitempty"`
		TxID        string `json:"txid,omitempty"`
		BRCode      string `json:"pix_copia_e_cola,omitempty"`
		Boleto      int64  `json:"boleto_charge_id,omitempty"`
		OurNumber   string `json:"our_number,omitempty"`
		Due         string `json:"due_date,omitempty"`
		Line        string `json:"linha_digitavel,omitempty"`
		PDF         string `json:"pdf,omitempty"`
	}
	var d domain.Debtor
	for i, iss := range issued {
		o := out{For: "installment", Installment: iss.Open.InstallmentID, Contract: iss.Open.Contract, Number: iss.Open.Number, Amount: iss.Open.Amount.String()}
		if iss.Open.RefKind == store.RefAgreementInstallment {
			o.For, o.Installment, o.AgreementIn = "agreement_installment", 0, iss.Open.RefID
		}
		if iss.Pix != nil {
			o.PixCharge, o.TxID, o.BRCode = iss.Pix.ID, iss.Pix.TxID, iss.Pix.BRCode
		}
		if iss.Boleto != nil {
			o.Boleto, o.OurNumber, o.Due, o.Line = iss.Boleto.ID, iss.FreeField.Display, iss.Boleto.DueDate.String(), iss.Boleto.Digitable
			if *pdfPath != "" {
				if d.ID != iss.Open.DebtorID {
					if d, err = s.Debtor(ctx, tenant, iss.Open.DebtorID); err != nil {
						return err
					}
				}
				o.PDF = *pdfPath
				if len(issued) > 1 {
					ext := ""
					if k := strings.LastIndex(o.PDF, "."); k > 0 {
						o.PDF, ext = o.PDF[:k], o.PDF[k:]
					}
					o.PDF = fmt.Sprintf("%s-%d%s", o.PDF, i+1, ext)
				}
				f, err := os.Create(o.PDF)
				if err != nil {
					return err
				}
				if err := billing.PDF(f, iss, d, time.Now()); err != nil {
					f.Close()
					return fmt.Errorf("pdf %s: %w", o.PDF, err)
				}
				if err := f.Close(); err != nil {
					return err
				}
			}
		}
		if *asJSON {
			b, _ := json.Marshal(o)
			fmt.Fprintln(env.stdout, string(b))
			continue
		}
		if o.AgreementIn != 0 {
			fmt.Fprintf(env.stdout, "agreement %s installment %d (agreement installment %d): %s\n", o.Contract, o.Number, o.AgreementIn, iss.Open.Amount.Format("pt-BR"))
		} else {
			fmt.Fprintf(env.stdout, "contract %s installment %d (installment %d): %s\n", o.Contract, o.Number, o.Installment, iss.Open.Amount.Format("pt-BR"))
		}
		if o.TxID != "" {
			fmt.Fprintf(env.stdout, "  PIX txid %s\n  copia e cola: %s\n", o.TxID, o.BRCode)
		}
		if o.Boleto != 0 {
			fmt.Fprintf(env.stdout, "  boleto nosso número %s, due %s\n  linha digitável: %s\n", o.OurNumber, o.Due, formatLine(o.Line))
		}
		if o.PDF != "" {
			fmt.Fprintf(env.stdout, "  PDF: %s\n", o.PDF)
		}
	}
	return nil
}

// debtorOpenAmounts is what `charge issue --debtor` charges: the open
// installments of the debtor's debts that no active agreement (acordo)
// covers, and the next open installment of each active agreement (the
// agreement replaces its debts' installments).
func debtorOpenAmounts(ctx context.Context, s *sqldb.DB, tenant domain.TenantID, debtorID int64) ([]store.OpenAmount, error) {
	ags, err := s.Agreements(ctx, tenant, store.AgreementFilter{DebtorID: debtorID, Status: store.AgreementActive})
	if err != nil {
		return nil, fmt.Errorf("agreements of debtor %d: %w", debtorID, err)
	}
	covered := map[int64]bool{}
	for _, a := range ags {
		for _, d := range a.DebtIDs {
			covered[d] = true
		}
	}
	orig, err := s.OpenAmounts(ctx, tenant, debtorID, 0)
	if err != nil {
		return nil, fmt.Errorf("open installments of debtor %d: %w", debtorID, err)
	}
	var opens []store.OpenAmount
	for _, o := range orig {
		if !covered[o.DebtID] {
			opens = append(opens, o)
		}
	}
	agr, err := s.AgreementOpenAmounts(ctx, tenant, debtorID, 0)
	if err != nil {
		return nil, fmt.Errorf("open agreement installments of debtor %d: %w", debtorID, err)
	}
	next := map[string]int{} // agreement contract → index in opens
	for _, o := range agr {
		if i, ok := next[o.Contract]; ok {
			if o.Number < opens[i].Number {
				opens[i] = o
			}
			continue
		}
		next[o.Contract] = len(opens)
		opens = append(opens, o)
	}
	return opens, nil
}

func formatLine(l string) string {
	if len(l) != 47 {
		return l
	}
	return l[0:5] + "." + l[5:10] + " " + l[10:15] + "." + l[15:21] + " " + l[21:26] + "." + l[26:32] + " " + l[32:33] + " " + l[33:]
}

// findDebtor takes an id or a CPF/CNPJ (punctuation ignored).
func findDebtor(ctx context.Context, s *sqldb.DB, tenant domain.TenantID, spec string) (int64, error) {
	doc := strings.NewReplacer(".", "", "-", "", "/", "", " ", "").Replace(spec)
	if len(doc) == 11 || len(doc) == 14 {
		l, err := s.SearchDebtors(ctx, tenant, doc, date.Today(time.UTC), 2)
		if err != nil {
			return 0, err
		}
		if len(l) == 1 {
			return l[0].ID, nil
		}
	}
	id, err := strconv.ParseInt(spec, 10, 64)
	if err != nil {
		return 0, usagef("--debtor %q: no debtor with this CPF/CNPJ, and not an id", spec)
	}
	if _, err := s.Debtor(ctx, tenant, id); err != nil {
		return 0, err
	}
	return id, nil
}

func reconcileCNAB(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "reconcile cnab")
	je := journeyFlags(env, fs)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	batch := fs.Int("batch", reconcile.DefaultBatch, "payments per transaction")
	parts := fs.Int("parts", 0, "parts of a batch booked at once, split by debtor, on PostgreSQL (0: one per CPU, at most 4; 1: whole batches)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("usage: regua reconcile cnab <return file> [--json]")
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	r := &reconcile.Reconciler{Store: s, Batch: *batch, Parts: *parts}
	defer bulkGC(env.getenv)()
	res, err := r.ReturnFile(ctx, tenant, rest[0])
	if err != nil {
		return err
	}
	if *asJSON {
		b, _ := json.Marshal(map[string]any{"file": res.File, "already_booked": res.Already, "settlements": res.Payments, "ignored": res.Ignored,
			"booked": res.Booked, "booked_amount": res.BookedAmount.String(), "duplicates": res.Duplicates, "queued": res.Queued, "credited": res.Credited.String(),
			"installments_paid": res.PaidOff, "attempts_cancelled": res.Cancelled, "receipts": res.Receipts, "took_ms": res.Took.Milliseconds()})
		fmt.Fprintln(env.stdout, string(b))
		return nil
	}
	if res.Already {
		fmt.Fprintf(env.stdout, "%s: this file (%s) was booked before; nothing booked\n", rest[0], res.File.ID[:12])
		return nil
	}
	fmt.Fprintf(env.stdout, "%s: CNAB %d bank %s, %d records, %d settlements (%s)\n", rest[0], res.File.Layout, res.File.Bank, res.File.Records, res.Payments, res.File.TotalPaid.Format("pt-BR"))
	fmt.Fprintf(env.stdout, "  booked %d (%s), %d installments paid, %d already booked, %d to the reconciliation queue, credit kept %s\n",
		res.Booked, res.BookedAmount.Format("pt-BR"), res.PaidOff, res.Duplicates, res.Queued, res.Credited.Format("pt-BR"))
	fmt.Fprintf(env.stdout, "  %d planned attempts cancelled, %d receipts planned, in %s\n", res.Cancelled, res.Receipts, res.Took.Round(time.Millisecond))
	for occ, n := range res.Ignored {
		if occ != cnab.Settled {
			fmt.Fprintf(env.stdout, "  not a payment: %d %s\n", n, occ)
		}
	}
	return nil
}

func reconcileQueue(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "reconcile queue")
	je := journeyFlags(env, fs)
	status := fs.String("status", "open", "open, assigned, credited, refunded or all")
	limit := fs.Int("limit", 100, "items to list")
	asJSON := fs.Bool("json", false, "print JSON lines")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	st := *status
	if st == "all" {
		st = ""
	}
	items, err := s.QueueItems(ctx, tenant, st, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		for _, it := range items {
			if err := enc.Encode(it); err != nil {
				return err
			}
		}
		return nil
	}
	if len(items) == 0 {
		fmt.Fprintln(env.stdout, "the reconciliation queue is empty")
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREASON\tSOURCE\tREFERENCE\tAMOUNT\tRECEIVED\tDEBTOR\tINSTALLMENT\tSTATUS\tDETAIL")
	for _, it := range items {
		inst := strconv.FormatInt(it.InstallmentID, 10)
		if it.AgreementInstallmentID != 0 {
			inst = "agreement " + strconv.FormatInt(it.AgreementInstallmentID, 10)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", it.ID, it.Reason, it.Source, it.SourceRef, it.Amount.Format("pt-BR"), it.Received.Format("pt-BR"), it.DebtorID, inst, it.Status, it.Detail)
	}
	return tw.Flush()
}

func reconcileResolve(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "reconcile resolve")
	je := journeyFlags(env, fs)
	assign := fs.Int64("assign", 0, "book the payment on this installment id")
	assignAgr := fs.Int64("assign-agreement", 0, "book the payment on this agreement installment id (acordo; excess to its next installments)")
	credit := fs.Bool("credit", false, "keep the payment as the debtor's credit")
	debtor := fs.Int64("debtor", 0, "with --credit: the debtor, when the item names none")
	refund := fs.Bool("refund", false, "give the money back (Pix: devolução through the PSP configured by REGUA_PIX_*)")
	note := fs.String("note", "", "note kept with the resolution")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("usage: regua reconcile resolve <item id> --assign INSTALLMENT | --assign-agreement AGREEMENT_INSTALLMENT | --credit [--debtor ID] | --refund")
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id <= 0 {
		return usagef("item id %q: not a positive number", rest[0])
	}
	if *assign < 0 || *assignAgr < 0 || *debtor < 0 {
		return usagef("--assign, --assign-agreement and --debtor take positive ids")
	}
	res := store.Resolution{Note: *note, Actor: "cli"}
	n := 0
	if *assign != 0 {
		res.Action, res.InstallmentID = "assign", *assign
		n++
	}
	if *assignAgr != 0 {
		res.Action, res.AgreementInstallmentID = "assign", *assignAgr
		n++
	}
	if *credit {
		res.Action, res.DebtorID = "credit", *debtor
		n++
	}
	if *refund {
		res.Action = "refund"
		n++
	}
	if n != 1 {
		return usagef("choose one of --assign, --assign-agreement, --credit, --refund")
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	// Asked first so that an unknown item is named as such, not as a
	// not-found somewhere inside the resolution (installment, debtor).
	if _, err := s.QueueItem(ctx, tenant, id); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("reconciliation item %d: %w in this tenant's queue (`regua reconcile queue --status all` lists its items)", id, store.ErrNotFound)
	} else if err != nil {
		return err
	}
	r := &reconcile.Reconciler{Store: s}
	if c, err := pixClientFromEnv(env); err != nil {
		return err
	} else if c != nil {
		r.Refunds = c
	}
	it, err := r.Resolve(ctx, tenant, id, res)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "item %d %s (%s)\n", it.ID, it.Status, it.Resolution)
	return nil
}

// reconcilePay books a payment entered by hand (or received through an
// integration without its own command) through the same matching rules.
func reconcilePay(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "reconcile pay")
	je := journeyFlags(env, fs)
	ref := fs.String("ref", "", "the payment's unique reference (receipt number, transfer id): booking twice with it books once")
	amountS := fs.String("amount", "", "amount paid (1.234,56)")
	debtorSpec := fs.String("debtor", "", "debtor id or CPF/CNPJ")
	inst := fs.Int64("installment", 0, "installment id, when known")
	agrInst := fs.Int64("agreement-installment", 0, "agreement installment id (acordo), when known")
	txid := fs.String("txid", "", "PIX txid, when known")
	paidS := fs.String("paid-at", "", "when it was paid: an RFC 3339 time, or a date (that day in Brasília time); default now")
	source := fs.String("source", "manual", "manual or api")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *ref == "" || *amountS == "" {
		return usagef("--ref and --amount are required")
	}
	amt, err := money.Parse(*amountS)
	if err != nil || amt <= 0 {
		return usagef("--amount %q: want a positive amount", *amountS)
	}
	if *source != "manual" && *source != "api" {
		return usagef("--source %q: want manual or api", *source)
	}
	paid := time.Now().UTC()
	if *paidS != "" {
		if paid, err = parsePaidAt(*paidS); err != nil {
			return err
		}
	}
	s, tenant, err := je.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	in := store.Incoming{Source: domain.PaymentSource(*source), SourceRef: *ref, Amount: amt, PaidAt: paid, TxID: *txid, InstallmentID: *inst, AgreementInstallmentID: *agrInst}
	if *debtorSpec != "" {
		if in.DebtorID, err = findDebtor(ctx, s, tenant, *debtorSpec); err != nil {
			return err
		}
	}
	r := &reconcile.Reconciler{Store: s}
	o, err := r.Book(ctx, tenant, []store.Incoming{in})
	if err != nil {
		return err
	}
	switch {
	case o.Duplicates > 0:
		fmt.Fprintf(env.stdout, "payment %s was booked before; nothing booked\n", *ref)
	case o.Booked > 0 && o.Queued == 0:
		fmt.Fprintf(env.stdout, "booked %s; %d installment(s) paid, %d planned attempt(s) cancelled, %d receipt(s) planned\n", o.BookedAmount.Format("pt-BR"), o.PaidOff, o.Cancelled, o.Receipts)
		for _, a := range o.Agreements {
			fmt.Fprintf(env.stdout, "  on agreement %d (regua agreement show %d)\n", a.AgreementID, a.AgreementID)
		}
	default:
		fmt.Fprintf(env.stdout, "booked %s, %d item(s) to the reconciliation queue (see regua reconcile queue)\n", o.BookedAmount.Format("pt-BR"), o.Queued)
	}
	return nil
}

// parsePaidAt reads a --paid-at value: an RFC 3339 time, or a date, which
// is that day as a return file's dates are (noon Brasília time).
func parsePaidAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := date.Parse(s); err == nil {
		return domain.DayInstant(d), nil
	}
	return time.Time{}, usagef("--paid-at %q: want a date or an RFC 3339 time", s)
}
