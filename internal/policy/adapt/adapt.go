// Package adapt turns Régua's domain records (debtors, contact points,
// debts, installments, payments) into the contact-policy engine's inputs,
// so that journeys, dispatch and the agent workspace all feed Decide the
// same way. It does no I/O.
package adapt

import (
	"strconv"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/policy"
)

// channelsOf says which policy channels a contact point serves.
func channelsOf(k domain.ContactKind) []policy.Channel {
	switch k {
	case domain.Mobile:
		return []policy.Channel{policy.SMS, policy.Voice, policy.Call}
	case domain.Landline:
		return []policy.Channel{policy.Voice, policy.Call}
	case domain.Email:
		return []policy.Channel{policy.Email}
	case domain.WhatsApp:
		return []policy.Channel{policy.WhatsApp}
	}
	return nil
}

// Debtor builds the engine's debtor from the store's debtor and contact
// points. A channel counts as opted out when every contact point serving
// it is opted out (an opt-out by SMS reply "SAIR" on the only mobile stops
// SMS and calls to it). Zone is the debtor's time zone, or derived from the
// address when empty; call Resolve on the result before hot loops.
func Debtor(d *domain.Debtor, contacts []domain.ContactPoint) policy.Debtor {
	pd := policy.Debtor{
		ID:      d.ExtID,
		Zone:    d.TimeZone,
		Country: d.Address.Country,
		UF:      d.Address.UF,
		Flags:   policy.Flags{Bankrupt: d.Bankrupt, Deceased: d.Deceased, Represented: d.Represented},
	}
	if pd.ID == "" {
		pd.ID = strconv.FormatInt(d.ID, 10)
	}
	if pd.Country == "" {
		pd.Country = "BR"
	}
	if n, err := strconv.Atoi(d.Address.Municipality); err == nil {
		pd.City = n
	}
	var served, open [8]bool
	for i := range contacts {
		for _, ch := range channelsOf(contacts[i].Kind) {
			served[ch] = true
			if contacts[i].Consent != domain.ConsentOptOut {
				open[ch] = true
			}
		}
	}
	for ch := policy.SMS; ch <= policy.Letter; ch++ {
		if served[ch] && !open[ch] {
			pd.OptOuts = append(pd.OptOuts, ch)
		}
	}
	return pd
}

// AddInstallment folds one installment of a debt into the debtor's flags
// and segment as of a date: a disputed debt sets Dispute, a suspended one
// (replaced by an agreement in force) sets Agreement; an open overdue
// installment adds its open amount to Overdue and may raise DaysPastDue.
func AddInstallment(pd *policy.Debtor, debt *domain.Debt, inst *domain.Installment, asOf date.Date) {
	switch debt.Status {
	case domain.DebtDisputed:
		pd.Flags.Dispute = true
	case domain.DebtSuspended:
		pd.Flags.Agreement = true
	case domain.DebtSettled, domain.DebtWrittenOff:
		return
	}
	if inst.Status == domain.InstallmentPaid || inst.Status == domain.InstallmentCancelled || !inst.DueDate.Before(asOf) {
		return
	}
	open := inst.Open()
	if open <= 0 {
		return
	}
	if sum, err := pd.Segment.Overdue.Add(open); err == nil {
		pd.Segment.Overdue = sum
	}
	if dpd := inst.DueDate.DaysUntil(asOf); dpd > pd.Segment.DaysPastDue {
		pd.Segment.DaysPastDue = dpd
	}
}

// AddPayments counts an installment paid late within the 12 months before
// asOf towards Recurrence (once per installment).
func AddPayments(pd *policy.Debtor, inst *domain.Installment, payments []domain.Payment, asOf date.Date, loc *time.Location) {
	if loc == nil {
		loc = time.UTC
	}
	since := asOf.AddMonths(-12)
	for i := range payments {
		paid := date.Of(payments[i].PaidAt.In(loc))
		if paid.After(inst.DueDate) && !paid.Before(since) && !paid.After(asOf) {
			pd.Segment.Recurrence++
			return
		}
	}
}
