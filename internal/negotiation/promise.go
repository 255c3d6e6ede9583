package negotiation

import (
	"context"
	"errors"
	"fmt"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/offer"
	"github.com/regua/regua/internal/store"
)

// PromiseRequest records a promise to pay (promessa de pagamento).
type PromiseRequest struct {
	DebtorID      int64
	DebtID        int64 // 0: any of the debtor's debts
	Amount        money.Money
	Date          date.Date // the promised date
	Made          date.Date // default today
	ToleranceDays int
	Channel       string
	Who           string
}

// PromiseResult is the stored promise and its reminder.
type PromiseResult struct {
	Promise  store.Promise
	Reminder int // attempts planned (0 without a contact point to remind on)
}

// AddPromise validates and stores a promise with a "promised" event and
// plans its reminder (step "promise-<id>-reminder", anchored on the
// promised date, PromiseReminderDays before it but never before today).
func (s *Service) AddPromise(ctx context.Context, tenant domain.TenantID, r PromiseRequest) (PromiseResult, error) {
	v, err := s.Store.Debtor360(ctx, tenant, r.DebtorID, 1)
	if err != nil {
		return PromiseResult{}, fmt.Errorf("negotiation: promise of debtor %d: %w", r.DebtorID, err)
	}
	if r.Made.IsZero() {
		// Today in the debtor's zone: the payments that keep the promise
		// are dated there too (domain.PaymentDay).
		r.Made = domain.PaymentDay(s.now(), v.Debtor.TimeZone)
	}
	ep := offer.Promise{Debtor: fmt.Sprint(r.DebtorID), Amount: r.Amount, Date: r.Date, Made: r.Made, ToleranceDays: r.ToleranceDays, Channel: offer.Channel(r.Channel), Who: r.Who}
	if err := ep.Validate(); err != nil {
		return PromiseResult{}, fmt.Errorf("negotiation: %w", err)
	}
	if r.Channel == "" {
		return PromiseResult{}, errors.New("negotiation: promise channel is required")
	}
	p, err := s.Store.AddPromise(ctx, tenant, store.Promise{DebtorID: r.DebtorID, DebtID: r.DebtID, Amount: r.Amount, Promised: r.Date, Made: r.Made,
		ToleranceDays: r.ToleranceDays, Channel: r.Channel, Who: r.Who})
	if err != nil {
		return PromiseResult{}, err
	}
	res := PromiseResult{Promise: p}
	if err := s.pauseJourneys(ctx, tenant, v, r); err != nil {
		return res, err
	}
	channel, c, err := reminderContact(v.Contacts)
	if errors.Is(err, errNoContact) {
		return res, nil
	}
	day := ep.Reminder(s.promiseReminderDays())
	at, err := s.reminder(tenant, v.Debtor, channel, c, r.DebtID, store.PromiseReminderStep(p.ID), r.Date, day,
		reminderText(v.Debtor.Locale, "promise", 0, r.Amount, r.Amount, r.Date), r.Amount)
	if err != nil {
		return res, err
	}
	res.Reminder, err = s.Store.PlanAttempts(ctx, tenant, []store.Attempt{at})
	return res, err
}

// CheckPromises evaluates the tenant's pending promises against the
// payments table as of asOf: money received from the day the promise was
// made to its date plus tolerance (on its debt, when it names one) keeps
// it; past that it is unkept. Entries that only move an agreement's
// payments to the original debts after a breach are not money received and
// do not count.
func (s *Service) CheckPromises(ctx context.Context, tenant domain.TenantID, asOf date.Date, rep *Report) error {
	var after int64
	for {
		page, err := s.Store.Promises(ctx, tenant, store.PromiseFilter{Status: store.PromisePending, AfterID: after, Limit: 200})
		if err != nil {
			return err
		}
		pays := map[int64]debtorPayments{}
		for _, p := range page {
			after = p.ID
			dp, ok := pays[p.DebtorID]
			if !ok {
				if dp, err = s.debtorPayments(ctx, tenant, p.DebtorID); err != nil {
					return err
				}
				pays[p.DebtorID] = dp
			}
			out, err := s.checkPromise(ctx, tenant, p, dp, asOf)
			if err != nil {
				return err
			}
			rep.Promises++
			if out.Changed {
				rep.PromiseLog = append(rep.PromiseLog, out)
				if out.State == string(offer.StateKept) {
					rep.Kept++
				} else {
					rep.Unkept++
				}
			}
		}
		if len(page) < 200 {
			return nil
		}
	}
}

// PromiseStatus evaluates one promise as of a date without changing it.
func (s *Service) PromiseStatus(ctx context.Context, tenant domain.TenantID, p store.Promise, asOf date.Date) (offer.PromiseStatus, error) {
	dp, err := s.debtorPayments(ctx, tenant, p.DebtorID)
	if err != nil {
		return offer.PromiseStatus{}, err
	}
	return enginePromise(p).Evaluate(promisePayments(p, dp), asOf)
}

// debtorPayments are a debtor's payments and the zone whose calendar days
// they are judged by (domain.PaymentDay).
type debtorPayments struct {
	zone string
	ps   []domain.Payment
}

func (s *Service) debtorPayments(ctx context.Context, tenant domain.TenantID, debtor int64) (debtorPayments, error) {
	d, err := s.Store.Debtor(ctx, tenant, debtor)
	if err != nil {
		return debtorPayments{}, fmt.Errorf("debtor %d: %w", debtor, err)
	}
	ps, err := s.Store.Payments(ctx, tenant, debtor)
	return debtorPayments{zone: d.TimeZone, ps: ps}, err
}

func enginePromise(p store.Promise) offer.Promise {
	return offer.Promise{Debtor: fmt.Sprint(p.DebtorID), Amount: p.Amount, Date: p.Promised, Made: p.Made, ToleranceDays: p.ToleranceDays, Channel: offer.Channel(p.Channel), Who: p.Who}
}

func promisePayments(p store.Promise, dp debtorPayments) []charge.Payment {
	var out []charge.Payment
	for _, x := range dp.ps {
		if x.Source == store.PaidFromAgreement || (p.DebtID != 0 && x.DebtID != p.DebtID) {
			continue
		}
		out = append(out, charge.Payment{Date: domain.PaymentDay(x.PaidAt, dp.zone), Amount: x.Amount})
	}
	return out
}

func (s *Service) checkPromise(ctx context.Context, tenant domain.TenantID, p store.Promise, dp debtorPayments, asOf date.Date) (Outcome, error) {
	st, err := enginePromise(p).Evaluate(promisePayments(p, dp), asOf)
	if err != nil {
		return Outcome{}, fmt.Errorf("promise %d: %w", p.ID, err)
	}
	out := Outcome{ID: p.ID, DebtorID: p.DebtorID, State: string(st.State)}
	switch st.State {
	case offer.StateKept:
		out.Changed, err = s.Store.ResolvePromise(ctx, tenant, p.ID, store.PromiseKept, st.Paid, st.KeptOn)
		out.Detail = fmt.Sprintf("paid %s by %s", st.Paid.Format("pt-BR"), st.KeptOn)
	case offer.StateUnkept:
		out.Changed, err = s.Store.ResolvePromise(ctx, tenant, p.ID, store.PromiseUnkept, st.Paid, date.Date{})
		out.Detail = fmt.Sprintf("paid %s of %s by %s", st.Paid.Format("pt-BR"), p.Amount.Format("pt-BR"), p.Promised.AddDays(p.ToleranceDays))
	}
	return out, err
}

// Run checks agreements and promises of every tenant as of asOf: the job
// behind `regua agreements check-breaches` and the "breaches" worker.
func (s *Service) Run(ctx context.Context, asOf date.Date) ([]Report, error) {
	ts, err := s.Store.Tenants(ctx)
	if err != nil {
		return nil, err
	}
	var out []Report
	for _, t := range ts {
		rep, err := s.CheckBreaches(ctx, t.ID, asOf)
		if err != nil {
			return out, fmt.Errorf("tenant %d: %w", t.ID, err)
		}
		if err := s.CheckPromises(ctx, t.ID, asOf, &rep); err != nil {
			return out, fmt.Errorf("tenant %d: %w", t.ID, err)
		}
		out = append(out, rep)
	}
	return out, nil
}

// promiseSetter is the journey store's hook for promises: an enrolment
// with a promise pauses until the date and then hands over to the
// promise-broken journey (see internal/journey, stop "promise").
type promiseSetter interface {
	SetPromise(ctx context.Context, tenant domain.TenantID, debtID int64, until date.Date) error
}

// pauseJourneys tells the journeys of the promised debt (or of every open
// debt, for a promise on the debtor as a whole) about the promise, up to
// its date plus tolerance. A debt with no active enrolment is skipped.
func (s *Service) pauseJourneys(ctx context.Context, tenant domain.TenantID, v store.Debtor360, r PromiseRequest) error {
	js, ok := s.Store.(promiseSetter)
	if !ok {
		return nil
	}
	until := r.Date.AddDays(r.ToleranceDays)
	for _, d := range v.Debts {
		if (r.DebtID != 0 && d.ID != r.DebtID) || (r.DebtID == 0 && d.Status != domain.DebtOpen) {
			continue
		}
		if err := js.SetPromise(ctx, tenant, d.ID, until); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("negotiation: promise on debt %d: %w", d.ID, err)
		}
	}
	return nil
}
