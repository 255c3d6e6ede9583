package negotiation

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/offer"
	"github.com/regua/regua/internal/store"
)

// Outcome is what one evaluation did to one agreement or promise.
type Outcome struct {
	ID       int64  `json:"id"`
	DebtorID int64  `json:"debtor_id"`
	State    string `json:"state"`            // the engine's: current, late, broken, settled; pending, kept, unkept
	Changed  bool   `json:"changed"`          // this run wrote the change (false: nothing to do, or another process did it)
	First    bool   `json:"first,omitempty"`  // broken on the first payment
	Detail   string `json:"detail,omitempty"` // for people
}

// Report sums a run of the job for one tenant.
type Report struct {
	Tenant     domain.TenantID `json:"tenant"`
	AsOf       date.Date       `json:"as_of"`
	Checked    int             `json:"agreements_checked"`
	Broken     int             `json:"broken"`
	Settled    int             `json:"settled"`
	Promises   int             `json:"promises_checked"`
	Kept       int             `json:"kept"`
	Unkept     int             `json:"unkept"`
	Agreements []Outcome       `json:"agreement_changes,omitempty"`
	PromiseLog []Outcome       `json:"promise_changes,omitempty"`
}

// CheckBreaches evaluates every active agreement of the tenant as of asOf
// against its payments: past tolerance it is broken and the remaining
// balance returns to the original debts (package offer decides how the
// paid amount is shared and applied; see Agreement.Restore); fully paid it
// is settled. Safe to run again and from several processes: each change is
// written once, by whoever gets there first.
func (s *Service) CheckBreaches(ctx context.Context, tenant domain.TenantID, asOf date.Date) (Report, error) {
	rep := Report{Tenant: tenant, AsOf: asOf}
	var after int64
	for {
		page, err := s.Store.Agreements(ctx, tenant, store.AgreementFilter{Status: store.AgreementActive, AfterID: after, Limit: 200})
		if err != nil {
			return rep, err
		}
		for _, a := range page {
			after = a.ID
			out, err := s.evaluate(ctx, tenant, a, asOf)
			if err != nil {
				return rep, err
			}
			rep.Checked++
			if out.Changed {
				rep.Agreements = append(rep.Agreements, out)
				switch out.State {
				case string(offer.StateBroken):
					rep.Broken++
				case string(offer.StateSettled):
					rep.Settled++
				}
			}
		}
		if len(page) < 200 {
			return rep, nil
		}
	}
}

// Status evaluates one agreement as of a date without changing anything.
func (s *Service) Status(ctx context.Context, tenant domain.TenantID, id int64, asOf date.Date) (store.Agreement, offer.Status, error) {
	a, err := s.Store.Agreement(ctx, tenant, id)
	if err != nil {
		return a, offer.Status{}, err
	}
	ag, err := engineAgreement(a)
	if err != nil {
		return a, offer.Status{}, err
	}
	pays, err := s.agreementPayments(ctx, tenant, a)
	if err != nil {
		return a, offer.Status{}, err
	}
	st, err := ag.Evaluate(pays, asOf)
	return a, st, err
}

// agreementPayments are what was paid on a, each on its day in the
// debtor's zone.
func (s *Service) agreementPayments(ctx context.Context, tenant domain.TenantID, a store.Agreement) ([]charge.Payment, error) {
	d, err := s.Store.Debtor(ctx, tenant, a.DebtorID)
	if err != nil {
		return nil, fmt.Errorf("agreement %d: debtor %d: %w", a.ID, a.DebtorID, err)
	}
	ps, err := s.Store.AgreementPayments(ctx, tenant, a.ID)
	if err != nil {
		return nil, err
	}
	out := make([]charge.Payment, 0, len(ps))
	for _, p := range ps {
		out = append(out, charge.Payment{Date: domain.PaymentDay(p.PaidAt, d.TimeZone), Amount: p.Amount})
	}
	return out, nil
}

func (s *Service) checkAgreement(ctx context.Context, tenant domain.TenantID, id int64, asOf date.Date) (Outcome, error) {
	a, err := s.Store.Agreement(ctx, tenant, id)
	if err != nil {
		return Outcome{}, err
	}
	if a.Status != store.AgreementActive {
		return Outcome{ID: id, DebtorID: a.DebtorID, State: string(a.Status)}, nil
	}
	return s.evaluate(ctx, tenant, a, asOf)
}

func (s *Service) evaluate(ctx context.Context, tenant domain.TenantID, a store.Agreement, asOf date.Date) (Outcome, error) {
	ag, err := engineAgreement(a)
	if err != nil {
		return Outcome{}, err
	}
	pays, err := s.agreementPayments(ctx, tenant, a)
	if err != nil {
		return Outcome{}, err
	}
	st, err := ag.Evaluate(pays, asOf)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{ID: a.ID, DebtorID: a.DebtorID, State: string(st.State), First: st.FirstInstallment}
	switch st.State {
	case offer.StateSettled:
		out.Changed, err = s.Store.SettleAgreement(ctx, tenant, a.ID, asOf)
		out.Detail = fmt.Sprintf("paid %s of %s", st.Paid.Format("pt-BR"), a.Total.Format("pt-BR"))
	case offer.StateBroken:
		rs, rerr := ag.Restore(st)
		if rerr != nil {
			return out, fmt.Errorf("agreement %d: %w", a.ID, rerr)
		}
		b := store.Breach{On: st.BrokenOn, First: st.FirstInstallment, Paid: st.Paid, Payments: len(pays)}
		for _, r := range rs {
			id, perr := strconv.ParseInt(r.DebtID, 10, 64)
			if perr != nil {
				return out, fmt.Errorf("agreement %d: debt id %q: %w", a.ID, r.DebtID, perr)
			}
			b.Restorations = append(b.Restorations, store.Restoration{DebtID: id, Paid: r.Paid})
		}
		which := fmt.Sprintf("a parcela %d", st.BrokenNumber)
		if st.FirstInstallment {
			which = "o primeiro pagamento"
		}
		paid := "nada foi pago; as dívidas originais voltam à cobrança"
		if st.Paid > 0 {
			paid = fmt.Sprintf("os %s pagos de %s abatem das dívidas originais, que voltam à cobrança", st.Paid.Format("pt-BR"), a.Total.Format("pt-BR"))
		}
		b.Summary = fmt.Sprintf("Acordo %d quebrado em %s: %s não foi pago na tolerância; %s", a.ID, st.BrokenOn.Format("pt-BR"), which, paid)
		b.Data, _ = json.Marshal(map[string]any{"status": st, "restorations": restorationsDoc(rs)})
		out.Detail = b.Summary
		out.Changed, err = s.Store.BreakAgreement(ctx, tenant, a.ID, b)
		if err == nil && out.Changed {
			_, err = s.handOverBreach(ctx, tenant, a, st.BrokenOn, asOf)
		}
	default:
		// Reminders are planned after the agreement commits; a crash in
		// between would lose them, so recent agreements get them planned
		// again (planning is idempotent).
		if s.now().Sub(a.CreatedAt) < replanWindow {
			var v store.Debtor360
			if v, err = s.Store.Debtor360(ctx, tenant, a.DebtorID, 1); err == nil {
				_, err = s.planAgreementReminders(ctx, tenant, v.Debtor, v.Contacts, a, asOf)
			}
		}
	}
	return out, err
}

// replanWindow is how long after it was made an agreement's reminders are
// planned again by the job.
const replanWindow = 48 * time.Hour

func restorationsDoc(rs []offer.Restoration) []map[string]any {
	out := make([]map[string]any, 0, len(rs))
	for _, r := range rs {
		out = append(out, map[string]any{"debt_id": r.DebtID, "paid": r.Paid, "open": r.Open, "total": r.Total})
	}
	return out
}
