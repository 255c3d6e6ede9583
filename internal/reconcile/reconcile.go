package reconcile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/regua/regua/internal/cnab"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/negotiation"
	"github.com/regua/regua/internal/offer"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/store"
)

// DefaultBatch is how many payments one transaction books: large enough
// that a million-record return file takes a hundred transactions (on
// SQLite each commit writes every page the batch touched: 10,000 took
// 1–4 s less than 5,000 at a million records, for 32 MB more at peak),
// small enough that one batch's rows stay a few megabytes and the SQLite
// writer is held a third of a second at a time.
const DefaultBatch = 10000

// Refunder asks a PSP to give a received Pix back (devolução); a
// *pixapi.Client is one.
type Refunder interface {
	RequestRefund(ctx context.Context, e2eid, id string, req pixapi.RefundRequest) (*pixapi.Devolucao, error)
}

// Reconciler books payments of a store's tenants.
type Reconciler struct {
	Store store.ReconcileStore
	// Batch is the number of payments per transaction (DefaultBatch when 0).
	Batch int
	// Parts is how many parts of a return file's batch are booked at once
	// on a store that can (store.PartitionedReconciler on PostgreSQL), each
	// part the payments of different debtors on its own connection: 0 is
	// GOMAXPROCS, at most 4; 1 books each batch whole.
	Parts int
	// Refunds, when set, sends PIX refunds for queue items resolved by
	// refunding.
	Refunds Refunder
	// Negotiation decides, after a batch commits, whether each agreement
	// it booked on is now settled and whether the debtors it booked for
	// kept a pending promise (the negotiation's rules, as
	// negotiation.Service.PayInstallment applies them). Nil: a
	// negotiation.Service over Store when Store is a negotiation.Store.
	// Its failures are logged, not returned: the payments are booked, and
	// the breaches worker reaches the same decisions on its next run.
	Negotiation *negotiation.Service
	// Log receives follow-up failures (slog.Default when nil).
	Log *slog.Logger
}

// reconcile books one batch and follows up on the agreements and debtors
// it paid.
func (r *Reconciler) reconcile(ctx context.Context, tenant domain.TenantID, in []store.Incoming) (store.ReconcileOutcome, error) {
	o, err := r.Store.Reconcile(ctx, tenant, in, Classify)
	if err == nil {
		r.followUp(ctx, tenant, o.Agreements, o.Debtors)
	}
	return o, err
}

// followUp settles the agreements that payments completed and keeps the
// pending promises that the payments of the agreements' debtors and of
// debtors (plain installments) fulfilled.
func (r *Reconciler) followUp(ctx context.Context, tenant domain.TenantID, paid []store.AgreementPaid, debtorsPaid []store.DebtorPaid) {
	if len(paid) == 0 && len(debtorsPaid) == 0 {
		return
	}
	svc := r.Negotiation
	if svc == nil {
		ns, ok := r.Store.(negotiation.Store)
		if !ok {
			return
		}
		svc = &negotiation.Service{Store: ns}
	}
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	// Days are taken in the home zone, as the breaches worker takes
	// "today" by default; each payment's own day (in its debtor's zone) is
	// what the negotiation's rules judge it by.
	now := time.Now()
	if svc.Now != nil {
		now = svc.Now()
	}
	today := domain.PaymentDay(now, "")
	debtors := make(map[int64]date.Date, len(paid)+len(debtorsPaid))
	latest := func(debtor int64, at time.Time) {
		on := domain.PaymentDay(at, "")
		if d, ok := debtors[debtor]; !ok || on.After(d) {
			debtors[debtor] = on
		}
	}
	for _, a := range paid {
		on := domain.PaymentDay(a.PaidAt, "")
		if err := settleIfPaid(ctx, svc, tenant, a.AgreementID, on); err != nil {
			log.Warn("reconcile: agreement not settled after payment; the breaches worker will decide", "tenant", tenant, "agreement", a.AgreementID, "err", err)
		}
		latest(a.DebtorID, a.PaidAt)
	}
	for _, d := range debtorsPaid {
		latest(d.DebtorID, d.PaidAt)
	}
	// Most debtors who pay have no pending promise: one set query per batch
	// finds those who do, instead of reading promises for every debtor of
	// a return file.
	ids := make([]int64, 0, len(debtors))
	for id := range debtors {
		ids = append(ids, id)
	}
	with, err := svc.Store.DebtorsWithPendingPromises(ctx, tenant, ids)
	if err != nil {
		log.Warn("reconcile: promises not checked after payment; the breaches worker will decide", "tenant", tenant, "debtors", len(ids), "err", err)
		return
	}
	for _, debtor := range with {
		on, ok := debtors[debtor]
		if !ok {
			continue // not asked for: nothing of it was booked
		}
		if today.After(on) {
			on = today
		}
		if err := keepPromises(ctx, svc, tenant, debtor, on); err != nil {
			log.Warn("reconcile: promises not checked after payment; the breaches worker will decide", "tenant", tenant, "debtor", debtor, "err", err)
		}
	}
}

// settleIfPaid settles an active agreement that the negotiation's rules
// see fully paid as of on (the day of the payment, as PayInstallment does).
func settleIfPaid(ctx context.Context, svc *negotiation.Service, tenant domain.TenantID, id int64, on date.Date) error {
	a, st, err := svc.Status(ctx, tenant, id, on)
	if err != nil {
		return err
	}
	if a.Status != store.AgreementActive || st.State != offer.StateSettled {
		return nil
	}
	_, err = svc.Store.SettleAgreement(ctx, tenant, id, on)
	return err
}

// keepPromises marks the debtor's pending promises that the payments so
// far fulfil kept (a promise not yet due stays pending until it is kept).
func keepPromises(ctx context.Context, svc *negotiation.Service, tenant domain.TenantID, debtor int64, asOf date.Date) error {
	ps, err := svc.Store.Promises(ctx, tenant, store.PromiseFilter{DebtorID: debtor, Status: store.PromisePending, Limit: 100})
	if err != nil {
		return err
	}
	for _, p := range ps {
		st, err := svc.PromiseStatus(ctx, tenant, p, asOf)
		if err != nil {
			return err
		}
		if st.State != offer.StateKept {
			continue
		}
		if _, err := svc.Store.ResolvePromise(ctx, tenant, p.ID, store.PromiseKept, st.Paid, st.KeptOn); err != nil {
			return err
		}
	}
	return nil
}

// minPart is the fewest payments worth a part of its own: below it, a
// batch is booked whole.
var minPart = 500

// PartsAtOnce is how many parts of a batch are booked at once: Parts, or
// one per CPU, at most 4.
func (r *Reconciler) PartsAtOnce() int {
	if r.Parts > 0 {
		return r.Parts
	}
	return min(runtime.GOMAXPROCS(0), 4)
}

// split is the batch split by debtor when the store can book it in parts
// and the batch is worth it; nil otherwise.
func (r *Reconciler) split(ctx context.Context, tenant domain.TenantID, batch []store.Incoming) ([][]store.Incoming, error) {
	pr, ok := r.Store.(store.PartitionedReconciler)
	n := r.PartsAtOnce()
	if !ok || n < 2 || len(batch) < 2*minPart {
		return nil, nil
	}
	return pr.SplitByDebtor(ctx, tenant, batch, n)
}

// reconcileParts books a batch in the parts split by debtor (split) when
// the store can (store.PartitionedReconciler): PostgreSQL books them at
// once on as many connections, and its work on a batch (index and row
// writes) runs on as many cores; SQLite reads each part while it writes
// the one before. A part that finds a payment's debtor changed since the
// split books nothing; the batch is then booked whole after the other
// parts, whose payments are known by then and skipped.
func (r *Reconciler) reconcileParts(ctx context.Context, tenant domain.TenantID, batch []store.Incoming, split [][]store.Incoming) (store.ReconcileOutcome, error) {
	pr, ok := r.Store.(store.PartitionedReconciler)
	if !ok || split == nil {
		return r.reconcile(ctx, tenant, batch)
	}
	var parts []int
	for k, p := range split {
		if len(p) > 0 {
			parts = append(parts, k)
		}
	}
	if len(parts) < 2 {
		return r.reconcile(ctx, tenant, batch)
	}
	results := pr.BookParts(ctx, tenant, split, Classify)
	outs := make([]store.ReconcileOutcome, len(split))
	errs := make([]error, len(split))
	var wg sync.WaitGroup
	for _, k := range parts {
		outs[k], errs[k] = results[k].Outcome, results[k].Err
		if errs[k] == nil {
			// The parts' debtors are disjoint: their follow-ups too.
			wg.Go(func() { r.followUp(ctx, tenant, outs[k].Agreements, outs[k].Debtors) })
		}
	}
	wg.Wait()
	var total store.ReconcileOutcome
	changed := false
	for _, k := range parts {
		switch {
		case errors.Is(errs[k], store.ErrPartChanged):
			changed = true
		case errs[k] != nil:
			return total, fmt.Errorf("part %d of %d: %w", k, len(split), errs[k])
		}
	}
	if !changed {
		for _, k := range parts {
			outs[k].New = nil
			add(&total, outs[k])
		}
		return total, nil
	}
	o, err := r.reconcile(ctx, tenant, batch)
	if err != nil {
		return total, err
	}
	// The whole batch finds what the committed parts booked or queued
	// known already: those are theirs, not duplicates; the duplicates are
	// the whole batch's count of the rest.
	for _, k := range parts {
		if errs[k] != nil {
			continue
		}
		for _, isNew := range outs[k].New {
			if isNew {
				o.Duplicates--
			}
		}
		outs[k].New, outs[k].Duplicates = nil, 0
		add(&total, outs[k])
	}
	o.New = nil
	add(&total, o)
	return total, nil
}

// Book matches and books payments of one source in batches.
func (r *Reconciler) Book(ctx context.Context, tenant domain.TenantID, in []store.Incoming) (store.ReconcileOutcome, error) {
	var total store.ReconcileOutcome
	n := r.Batch
	if n <= 0 {
		n = DefaultBatch
	}
	for start := 0; start < len(in); start += n {
		o, err := r.reconcile(ctx, tenant, in[start:min(start+n, len(in))])
		if err != nil {
			return total, err
		}
		add(&total, o)
	}
	return total, nil
}

func add(t *store.ReconcileOutcome, o store.ReconcileOutcome) {
	t.Duplicates += o.Duplicates
	t.Booked += o.Booked
	t.BookedAmount += o.BookedAmount
	t.Queued += o.Queued
	t.Credited += o.Credited
	t.PaidOff += o.PaidOff
	t.Cancelled += o.Cancelled
	t.Receipts += o.Receipts
	t.Agreements = append(t.Agreements, o.Agreements...)
	t.New = append(t.New, o.New...)
	// Debtors is followed up per batch and not totalled (see
	// store.ReconcileOutcome).
}

// FromPix turns a received Pix into an incoming payment; the end-to-end id
// is its source reference.
func FromPix(p pixapi.ReceivedPix) store.Incoming {
	return store.Incoming{Source: domain.PaidPix, SourceRef: p.EndToEndID, EndToEndID: p.EndToEndID, TxID: p.TxID, Amount: p.Amount, PaidAt: p.Time}
}

// PixSink is the pixapi.PaymentSink of one tenant: the webhook intake
// hands it each received Pix.
type PixSink struct {
	R      *Reconciler
	Tenant domain.TenantID
}

// BookPix books p once by its end-to-end id.
func (s PixSink) BookPix(ctx context.Context, p pixapi.ReceivedPix) (bool, error) {
	o, err := s.R.reconcile(ctx, s.Tenant, []store.Incoming{FromPix(p)})
	if err != nil {
		return false, err
	}
	return o.Duplicates == 1, nil
}

// FileResult is what booking a return file did.
type FileResult struct {
	File     cnab.FileInfo
	Already  bool // the same file was booked before: nothing done
	Payments int  // liquidação records read
	Ignored  map[cnab.Occurrence]int
	store.ReconcileOutcome
	Took time.Duration
}

// SourceRef is a return record's idempotency key: the same settlement
// reported again, in this file or another, books nothing.
func SourceRef(rec *cnab.Record) string {
	return rec.Bank + "/" + rec.OurNumber + "/" + rec.Code + "/" + rec.OccurrenceDate
}

// FromRecord turns a settlement record into an incoming payment.
func FromRecord(rec *cnab.Record) store.Incoming {
	paid := rec.PaidAmount
	if paid == 0 {
		paid = rec.FaceValue
	}
	// A settlement's occurrence date is the day the payer paid; the credit
	// date, a day or two later, is when the bank credits the creditor.
	// Promises, agreements and receipts go by the day paid.
	day, err := date.Parse(rec.OccurrenceDate)
	if err != nil {
		day, _ = date.Parse(rec.CreditDate)
	}
	var at time.Time
	if !day.IsZero() {
		at = domain.DayInstant(day)
	}
	return store.Incoming{Source: domain.PaidBoleto, SourceRef: SourceRef(rec), Amount: paid, Interest: rec.Interest, PaidAt: at,
		Bank: rec.Bank, OurNumber: rec.OurNumber, PayerDocument: rec.PayerDocument, PayerName: rec.PayerName}
}

// ReturnFile books a CNAB return file: it is validated whole before anything
// is booked (a bad file books nothing), refused when booked before (same
// content hash), and its settlements are booked in batches.
func (r *Reconciler) ReturnFile(ctx context.Context, tenant domain.TenantID, path string) (FileResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileResult{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return FileResult{}, err
	}
	return r.ReturnReader(ctx, tenant, f, st.Size(), path)
}

// ReturnReader is ReturnFile over any random-access reader.
func (r *Reconciler) ReturnReader(ctx context.Context, tenant domain.TenantID, ra io.ReaderAt, size int64, name string) (FileResult, error) {
	start := time.Now()
	res := FileResult{Ignored: map[cnab.Occurrence]int{}}
	// Pass 1 validates and names the file; only then is it registered.
	info, err := cnab.Validate(io.NewSectionReader(ra, 0, size), cnab.Options{})
	if err != nil {
		return res, fmt.Errorf("return file %s: %w", name, err)
	}
	res.File = info
	if info.Kind != cnab.Return {
		return res, fmt.Errorf("return file %s: it is a %s, not a retorno", name, info.Kind)
	}
	started, _, err := r.Store.StartReturnFile(ctx, tenant, store.ReturnFile{FileID: info.ID, Name: name, Bank: info.Bank, Records: info.Records})
	if err != nil {
		return res, err
	}
	if !started {
		res.Already = true
		res.Took = time.Since(start)
		return res, nil
	}
	n := r.Batch
	if n <= 0 {
		n = DefaultBatch
	}
	// A large file grows the tables it books into many times over; a store
	// that keeps planner statistics refreshes them before the first batch
	// and each time the batches booked double (tables that were empty, such
	// as payments, have rows now), so that later batches are planned for
	// the tables as they are, at a cost that grows with the log of the file.
	refresh, _ := r.Store.(interface {
		RefreshReconcileStats(ctx context.Context, first bool) error
	})
	batches := 0
	book := func(batch []store.Incoming, split [][]store.Incoming) error {
		if refresh != nil && info.Records > n && batches&(batches-1) == 0 {
			if err := refresh.RefreshReconcileStats(ctx, batches == 0); err != nil {
				return err
			}
		}
		batches++
		o, err := r.reconcileParts(ctx, tenant, batch, split)
		if err != nil {
			return err
		}
		// Per-batch lists are followed up already; totalled, they would
		// hold an entry per record of a large file.
		o.New, o.Agreements, o.Debtors = nil, nil, nil
		add(&res.ReconcileOutcome, o)
		return nil
	}
	// The file is parsed one batch ahead of the booking, on another
	// goroutine: reading and decoding records then costs the booking no
	// time on a machine with a second core. Two batches are in memory at
	// most, and two spare ones are reused. A batch to be booked in parts is
	// split there too (the split reads only what bookings do not change).
	type parsed struct {
		batch []store.Incoming
		split [][]store.Incoming
	}
	full := make(chan parsed, 1)
	free := make(chan []store.Incoming, 2)
	free <- make([]store.Incoming, 0, n)
	free <- make([]store.Incoming, 0, n)
	done := make(chan struct{})
	ignored := map[cnab.Occurrence]int{}
	payments := 0
	var parseErr error
	send := func(batch []store.Incoming) error {
		split, err := r.split(ctx, tenant, batch)
		if err != nil {
			return err
		}
		select {
		case full <- parsed{batch, split}:
			return nil
		case <-done:
			return errStopped
		}
	}
	go func() {
		defer close(full)
		batch := <-free
		_, parseErr = cnab.Process(ra, size, cnab.Options{}, func(rec *cnab.Record) error {
			if rec.Occurrence != cnab.Settled {
				ignored[rec.Occurrence]++
				return nil
			}
			payments++
			batch = append(batch, FromRecord(rec))
			if len(batch) < n {
				return nil
			}
			if err := send(batch); err != nil {
				return err
			}
			select {
			case batch = <-free:
			case <-done:
				return errStopped
			}
			return nil
		})
		if parseErr == nil && len(batch) > 0 {
			parseErr = send(batch)
		}
	}()
	var bookErr error
	for p := range full {
		if bookErr == nil {
			if bookErr = book(p.batch, p.split); bookErr != nil {
				close(done)
			}
		}
		free <- p.batch[:0]
	}
	// full is closed: the parser has returned and its counts are final.
	res.Payments = payments
	for k, v := range ignored {
		res.Ignored[k] += v
	}
	err = bookErr
	if err == nil {
		err = parseErr
	}
	if err != nil {
		return res, fmt.Errorf("return file %s: %w", name, err)
	}
	if err := r.Store.FinishReturnFile(ctx, tenant, store.ReturnFile{FileID: info.ID, Booked: res.Booked, Queued: res.Queued}); err != nil {
		return res, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// errStopped stops parsing a return file whose booking failed.
var errStopped = errors.New("booking stopped")

// ErrNoRefund is returned when a refund is asked for a payment that cannot
// be given back through the PSP.
var ErrNoRefund = errors.New("refund impossible")

// ErrPSP is returned when the PSP refused a refund or did not answer.
var ErrPSP = errors.New("the PSP did not make the refund")

// Resolve works a queue item. A refund of a Pix is asked of the PSP first
// (idempotent by the item's id, so asking again after a failure is safe);
// a boleto's refund is recorded as done outside Régua (bank transfer).
func (r *Reconciler) Resolve(ctx context.Context, tenant domain.TenantID, id int64, res store.Resolution) (store.QueueItem, error) {
	if res.Action == "refund" {
		it, err := r.Store.QueueItem(ctx, tenant, id)
		if err != nil {
			return it, err
		}
		if it.Status != "open" {
			return it, fmt.Errorf("reconciliation item %d is %s already: %w", id, it.Status, store.ErrResolved)
		}
		if it.Source == domain.PaidPix {
			if r.Refunds == nil || it.EndToEndID == "" {
				return it, fmt.Errorf("reconciliation item %d: no PSP configured to refund Pix %s: %w", id, it.EndToEndID, ErrNoRefund)
			}
			v, err := pixapi.FromMoney(it.Amount)
			if err != nil {
				return it, err
			}
			dev, err := r.Refunds.RequestRefund(ctx, it.EndToEndID, "regua"+strconv.FormatInt(it.ID, 10), pixapi.RefundRequest{Valor: v, Descricao: "Devolução de pagamento não identificado"})
			if err != nil {
				return it, fmt.Errorf("refund of Pix %s: %w: %w", it.EndToEndID, ErrPSP, err)
			}
			if res.Note == "" {
				res.Note = fmt.Sprintf("devolução %s %s (%s)", dev.ID, dev.Status, money.Money(dev.Valor.Money()).Format("pt-BR"))
			}
		}
	}
	it, err := r.Store.ResolveQueueItem(ctx, tenant, id, res)
	if err != nil || it.Status != "assigned" {
		return it, err
	}
	switch {
	case it.AgreementInstallmentID != 0:
		if ns, ok := r.Store.(store.NegotiationStore); ok {
			if aid, _, aerr := ns.AgreementInstallmentByID(ctx, tenant, it.AgreementInstallmentID); aerr == nil {
				r.followUp(ctx, tenant, []store.AgreementPaid{{AgreementID: aid, DebtorID: it.DebtorID, PaidAt: it.PaidAt}}, nil)
			}
		}
	case it.InstallmentID != 0:
		r.followUp(ctx, tenant, nil, []store.DebtorPaid{{DebtorID: it.DebtorID, PaidAt: it.PaidAt}})
	}
	return it, nil
}
