package demo

import (
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
)

// dueDays are the days of the month creditors offer as due dates.
var dueDays = [...]int{5, 10, 15, 20, 25}

// debt draws debt j of debtor i into d: product, schedule around the as-of
// date, payments, delay reason.
func (g *generator) debt(rec *debtorRec, d *debtRec, i, j int, company, recurrent bool) {
	r := g.r
	asOf := g.opts.AsOf
	var p *product
	if company {
		p = products[companyProducts.pick(r)]
	} else {
		p = products[personProducts.pick(r)]
	}
	d.portfolio = p.portfolio
	d.debt = domain.Debt{Product: p.code, Status: domain.DebtOpen}

	// Days past due of the oldest open installment. A tenth of the debts
	// are not due yet: the first step of a journey is a reminder before
	// the due date.
	predue := chance(r, 100)
	days := int(dpd.draw(r))
	if predue {
		days = -between(r, 1, 30)
	}
	target := asOf.AddDays(-days)
	var due0 date.Date
	if chance(r, 600) {
		due0 = date.New(target.Year(), target.Month(), dueDays[r.IntN(len(dueDays))])
		if due0.After(target) {
			due0 = addMonths(due0, -1)
		}
	} else {
		due0 = date.New(target.Year(), target.Month(), min(target.Day(), 28))
	}
	// Days ≤ 28, so AddMonths never clamps and all dues share one day.
	if predue {
		for !due0.After(asOf) {
			due0 = addMonths(due0, 1)
		}
	} else {
		for !due0.Before(asOf) {
			due0 = addMonths(due0, -1)
		}
	}
	hist := historyLen.pick(r)
	if recurrent {
		hist = between(r, 1, 2)
	}
	scale := int64(1)
	if company && p.code != ProductRetail {
		scale = 3
	}

	var first date.Date // due date of installment 1
	var total money.Money
	switch p.kind {
	case bills:
		base := money.Money(p.amount.draw(r) * scale)
		overdue := 0
		if !predue {
			for overdue < p.maxBill && addMonths(due0, overdue).Before(asOf) {
				overdue++
			}
		}
		upcoming := 0
		if predue || (overdue < p.maxBill && chance(r, 250)) {
			upcoming = 1
		}
		first = addMonths(due0, -hist)
		for k := range hist + overdue + upcoming {
			amt := mulDiv(base, int64(between(r, 85, 115)), 100)
			total += amt
			g.installment(d, k+1, addMonths(first, k), amt, k < hist, k == hist && !predue, recurrent, days)
		}
		d.debt.OriginDate = first.AddDays(-between(r, 60, 2500))
		d.debt.OriginalPrincipal = total
	default:
		n := p.countOf[p.counts.pick(r)]
		k0 := 1 + r.IntN(n)
		first = addMonths(due0, 1-k0)
		principal := money.Money(p.amount.draw(r) * scale)
		part := func(int) money.Money { return principal }
		switch {
		case p.kind == priceTable:
			bp := p.rateOf[p.rates.pick(r)]
			pmt := mulDiv(principal, priceFactor[[2]int{bp, n}], 1_000_000_000)
			part = func(int) money.Money { return pmt }
			total = principal
		case p.code == ProductEducation:
			// principal is one month's tuition; the contract is the semester or year.
			total = principal * money.Money(n)
		default:
			total = principal
			base, rem := principal/money.Money(n), int(principal%money.Money(n))
			part = func(k int) money.Money {
				if k <= rem {
					return base + 1
				}
				return base
			}
		}
		from := max(1, k0-hist)
		upcomingDone := false
		for k := from; k <= n; k++ {
			due := addMonths(first, k-1)
			if k >= k0 && !due.Before(asOf) {
				// Not yet due: show the next one (sometimes), then stop.
				if upcomingDone || (!predue && !chance(r, 300)) {
					break
				}
				upcomingDone = true
			}
			g.installment(d, k, due, part(k), k < k0, k == k0 && !predue, recurrent, days)
		}
		lead := between(r, 20, 40)
		if p.code == ProductEducation {
			lead = between(r, 10, 45)
		}
		d.debt.OriginDate = first.AddDays(-lead)
		if !d.debt.OriginDate.Before(asOf) {
			// A contract signed in the last days, first due still ahead.
			d.debt.OriginDate = asOf.AddDays(-between(r, 1, 5))
		}
		d.debt.OriginalPrincipal = total
	}
	d.debt.ContractNumber = contractNumber(p, g.opts.Seed, i, j, d.debt.OriginDate, first)
	for k := range d.insts {
		for n := range d.insts[k].payments {
			pay := &d.insts[k].payments[n]
			pay.SourceRef = sourceRef(d.debt.ContractNumber, d.insts[k].inst.Number, n+1)
		}
	}

	if !predue && chance(r, 300) {
		reason := domain.DelayReason(p.reasons.pick(r))
		d.debt.DelayReason = reason
		if reason == domain.ReasonDisagrees || reason == domain.ReasonFraud || reason.CreditorFault() {
			d.disputed = chance(r, 500)
		}
	}
}

// addMonths is d.AddMonths(n) for days up to 28, where no month clamps:
// one normalising date.New instead of AddMonths' several conversions.
func addMonths(d date.Date, n int) date.Date {
	return date.New(d.Year(), d.Month()+time.Month(n), d.Day())
}

// installment appends installment k. paid: an earlier installment, paid in
// full (late for recurrent debtors). oldest: the oldest open one, which a
// few debtors paid in part.
func (g *generator) installment(d *debtRec, k int, due date.Date, amt money.Money, paid, oldest, recurrent bool, days int) {
	r := g.r
	asOf := g.opts.AsOf
	in := domain.Installment{Number: k, DueDate: due, Amount: amt}
	var pays []domain.Payment
	switch {
	case paid:
		var at date.Date
		switch {
		case recurrent:
			at = due.AddDays(between(r, 3, 45))
		case chance(r, 850):
			at = due.AddDays(-between(r, 0, 5))
		default:
			at = due.AddDays(between(r, 1, 10))
		}
		if !at.Before(asOf) {
			at = asOf.AddDays(-1)
		}
		in.Paid = amt
		pays = g.payment(amt, at)
	case oldest && days > 1 && chance(r, 70):
		in.Paid = mulDiv(amt, int64(between(r, 10, 70)), 100)
		at := due.AddDays(between(r, 1, days-1))
		if !at.Before(asOf) {
			at = asOf.AddDays(-1)
		}
		pays = g.payment(in.Paid, at)
	}
	in.Status = domain.StatusFor(in.Amount, in.Paid)
	d.insts = append(d.insts, instRec{inst: in, payments: pays})
}

// payment is a payment booked from the import, at a daytime hour of the
// debtor's zone. The contract number is not known yet when installments
// are drawn; debt sets SourceRef after. For the CSV, which has no
// payments, the time is drawn (so every stream stays the same) but nothing
// is built.
func (g *generator) payment(amt money.Money, at date.Date) []domain.Payment {
	hour, minute := between(g.r, 8, 21), g.r.IntN(60)
	if g.csvOnly {
		return nil
	}
	t := time.Date(at.Year(), at.Month(), at.Day(), hour+zoneOffset(g.rec.debtor.TimeZone), minute, 0, 0, time.UTC)
	return []domain.Payment{{Source: domain.PaidImport, Amount: amt, PaidAt: t}}
}

// sourceRef identifies a generated payment: "contract/installment/seq",
// unique within a seed, so booking it twice is a no-op.
func sourceRef(contract string, k, seq int) string {
	b := make([]byte, 0, len(contract)+8)
	b = append(b, contract...)
	b = append(b, '/')
	b = appendInt(b, k)
	b = append(b, '/')
	b = appendInt(b, seq)
	return string(b)
}

func appendInt(b []byte, v int) []byte {
	if v >= 10 {
		b = appendInt(b, v/10)
	}
	return append(b, byte('0'+v%10))
}

// zoneOffset is the hours to add to local time for UTC. Brazil has kept
// standard time all year since 2019, so the offset is fixed per zone.
func zoneOffset(zone string) int {
	switch zone {
	case "America/Noronha":
		return 2
	case "America/Rio_Branco", "America/Eirunepe":
		return 5
	case "America/Manaus", "America/Porto_Velho", "America/Boa_Vista", "America/Cuiaba", "America/Campo_Grande":
		return 4
	}
	return 3
}

// contractNumber formats the creditor's contract number: a product prefix
// and 10 digits unique within the seed; loans and tuition carry the year
// (and semester) of the contract, as such systems number them.
func contractNumber(p *product, seed uint64, i, j int, origin, first date.Date) string {
	b := make([]byte, 0, 20)
	b = append(b, p.prefix...)
	switch p.code {
	case ProductPersonalLoan:
		b = appendInt(b, origin.Year())
	case ProductEducation:
		b = appendInt(b, first.Year())
		if first.Month() >= time.July {
			b = append(b, '2')
		} else {
			b = append(b, '1')
		}
	}
	var dig [10]byte
	putDigits(dig[:], contractDigits(seed, i, j))
	b = append(b, dig[:]...)
	return string(b)
}
