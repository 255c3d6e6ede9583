package planner

import (
	"fmt"
	"strconv"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/policy"
	"github.com/regua/regua/internal/store"
)

// PreviewFacts builds what a journey preview needs for one debtor from the
// 360° view: the segment facts of the debt anchored on (debtID, or the debt
// with the oldest open installment) and the debtor as the contact policy
// sees it. The command line and the supervisor page both preview with it.
func PreviewFacts(c *journey.Journey, d store.Debtor360, debtID int64, today date.Date) (journey.Facts, *policy.Debtor, error) {
	var debt *store.DebtDetail
	var anchor date.Date
	for i := range d.Debts {
		dd := &d.Debts[i]
		if debtID != 0 && dd.ID != debtID {
			continue
		}
		for _, in := range dd.Installments {
			if in.Status == domain.InstallmentCancelled || in.Open() == 0 {
				continue
			}
			if anchor.IsZero() || in.DueDate.Before(anchor) {
				anchor, debt = in.DueDate, dd
			}
		}
	}
	if debt == nil {
		return journey.Facts{}, nil, fmt.Errorf("debtor %d has no open installment to anchor on", d.Debtor.ID)
	}
	open, overdue, _ := debt.Totals(today)
	f := journey.Facts{AnchorKind: c.Def.Anchor, Anchor: anchor, Open: open, Overdue: overdue, Recurrence: d.LateIn12m, Product: debt.Product,
		DelayReason: string(debt.DelayReason), CreditorFault: debt.DelayReason.CreditorFault(), Agreement: debt.Product == "agreement",
		Locale: d.Debtor.Locale, UF: d.Debtor.Address.UF, Kind: string(d.Debtor.Kind), Variant: c.Variant(d.Debtor.ID), DebtStatus: string(debt.Status)}
	if f.DebtStatus == "" {
		f.DebtStatus = string(domain.DebtOpen)
	}
	city, _ := strconv.Atoi(d.Debtor.Address.Municipality)
	pd := &policy.Debtor{ID: strconv.FormatInt(d.Debtor.ID, 10), Zone: d.Debtor.TimeZone, Country: d.Debtor.Address.Country, UF: d.Debtor.Address.UF, City: city,
		Flags: policy.Flags{Bankrupt: d.Debtor.Bankrupt, Deceased: d.Debtor.Deceased, Represented: d.Debtor.Represented, Dispute: debt.Status == domain.DebtDisputed}}
	usable := 0
	for _, cp := range d.Contacts {
		if cp.Consent == domain.ConsentOptOut {
			continue
		}
		usable++
		switch cp.Kind {
		case domain.Mobile:
			f.Reach |= journey.ReachBit("sms") | journey.ReachBit("voice") | journey.ReachBit("call") | journey.ReachBit("whatsapp")
		case domain.Landline:
			f.Reach |= journey.ReachBit("voice") | journey.ReachBit("call")
		case domain.WhatsApp:
			f.Reach |= journey.ReachBit("whatsapp")
		case domain.Email:
			f.Reach |= journey.ReachBit("email")
		}
	}
	f.NoContact = len(d.Contacts) > 0 && usable == 0
	if d.Debtor.Address.Street != "" {
		f.Reach |= journey.ReachBit("letter")
	}
	if err := pd.Resolve(); err != nil {
		pd.Zone = "" // an unknown zone falls back to the one of the place
		if err := pd.Resolve(); err != nil {
			return f, nil, err
		}
	}
	return f, pd, nil
}
