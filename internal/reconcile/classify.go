// Package reconcile matches payments (PIX webhooks, CNAB return files, the
// API, manual entry) to what they pay and books them once: by txid, then by
// nosso número, then by amount among the debtor's open installments and
// agreement installments. What
// does not book by itself — partial payment, overpayment, payment of a
// superseded or cancelled charge, payment of something already paid,
// unknown payments — goes to a reconciliation queue that a supervisor works.
//
// Booking is set-based: a batch of payments is matched with one query per
// kind of key and booked with multi-row statements in one transaction
// (store.ReconcileStore.Reconcile); the rules of this file decide what each
// payment does, without I/O.
package reconcile

import (
	"fmt"

	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

// Classify is the store.Classifier of Régua's rules. Payments of one batch
// that hit the same installment see what the earlier ones left open.
// Agreement installments (acordo) follow the same rules as installments.
func Classify(in []store.Incoming, c store.Candidates) []store.Decision {
	out := make([]store.Decision, len(in))
	// left tracks each installment's open amount as the batch books on it.
	left := map[ref]money.Money{}
	open := func(k ref, atMatch money.Money) money.Money {
		if v, ok := left[k]; ok {
			return v
		}
		return atMatch
	}
	for i, p := range in {
		var d store.Decision
		switch {
		case p.TxID != "" && has(c.ByTxID, p.TxID):
			d = onCharge(p, c.ByTxID[p.TxID], c, open)
		case p.OurNumber != "" && has(c.ByOurNumber, p.Bank+"/"+p.OurNumber):
			d = onCharge(p, c.ByOurNumber[p.Bank+"/"+p.OurNumber], c, open)
		case p.AgreementInstallmentID != 0:
			o, ok := c.AgreementInstallments[p.AgreementInstallmentID]
			if !ok {
				d = store.Decision{Queue: store.QueueUnknown, QueueAmount: p.Amount, Detail: fmt.Sprintf("agreement installment %d not found", p.AgreementInstallmentID)}
				break
			}
			if st, closed := c.ClosedAgreement[o.RefID]; closed {
				d = closedAgreement(p, o, st, 0)
				break
			}
			d = onAmount(p, o, open(refOf(o), o.Amount), 0)
		case p.InstallmentID != 0:
			o, ok := c.Installments[p.InstallmentID]
			if !ok {
				d = store.Decision{Queue: store.QueueUnknown, QueueAmount: p.Amount, Detail: fmt.Sprintf("installment %d not found", p.InstallmentID)}
				break
			}
			d = onAmount(p, o, open(refOf(o), o.Amount), 0)
		default:
			d = byDebtor(p, c, open)
		}
		if d.Book > 0 {
			// Only a payment that covers what is open books by itself.
			left[decided(d)] = 0
		}
		out[i] = d
	}
	return out
}

// ref names an installment or an agreement installment: their ids are of
// different tables.
type ref struct {
	kind store.RefKind
	id   int64
}

func refOf(o store.OpenAmount) ref {
	if o.RefKind == store.RefAgreementInstallment {
		return ref{o.RefKind, o.RefID}
	}
	return ref{store.RefInstallment, o.InstallmentID}
}

func decided(d store.Decision) ref {
	if d.AgreementInstallmentID != 0 {
		return ref{store.RefAgreementInstallment, d.AgreementInstallmentID}
	}
	return ref{store.RefInstallment, d.InstallmentID}
}

func has(m map[string]store.ChargeMatch, k string) bool { _, ok := m[k]; return ok }

// onCharge decides for a payment that names a charge (txid, nosso número).
func onCharge(p store.Incoming, m store.ChargeMatch, c store.Candidates, open func(ref, money.Money) money.Money) store.Decision {
	d := store.Decision{ChargeID: m.ID, DebtorID: m.DebtorID, DebtID: m.DebtID, InstallmentID: m.InstallmentID}
	agreement := m.RefKind == store.RefAgreementInstallment && m.RefID != 0
	if agreement {
		d.DebtID, d.InstallmentID, d.AgreementInstallmentID = 0, 0, m.RefID
	}
	queue := func(r store.QueueReason, detail string) store.Decision {
		d.Queue, d.QueueAmount, d.Detail = r, p.Amount, detail
		return d
	}
	switch {
	case !agreement && (m.RefKind != store.RefInstallment || m.InstallmentID == 0):
		return queue(store.QueueUnknown, fmt.Sprintf("charge %d is for %s %d, which this queue books by assignment", m.ID, m.RefKind, m.RefID))
	case m.Status == store.ChargeCancelled:
		return queue(store.QueueCancelled, fmt.Sprintf("charge %d was cancelled", m.ID))
	case m.Status == store.ChargeSuperseded:
		return queue(store.QueueSuperseded, fmt.Sprintf("charge %d was replaced by charge %d", m.ID, m.SupersededBy))
	}
	o := store.OpenAmount{RefKind: store.RefInstallment, RefID: m.InstallmentID, DebtorID: m.DebtorID, DebtID: m.DebtID, InstallmentID: m.InstallmentID}
	if agreement {
		o = store.OpenAmount{RefKind: store.RefAgreementInstallment, RefID: m.RefID, DebtorID: m.DebtorID}
		if st, closed := c.ClosedAgreement[m.RefID]; closed {
			return closedAgreement(p, o, st, m.ID)
		}
	}
	return onAmount(p, o, open(refOf(o), m.Open), m.ID)
}

// closedAgreement queues a payment of an installment of an agreement that
// is no longer active: a settled one owes nothing; a broken one's debts are
// collected again, and where the money goes is the supervisor's call.
func closedAgreement(p store.Incoming, o store.OpenAmount, status string, chargeID int64) store.Decision {
	d := store.Decision{ChargeID: chargeID, DebtorID: o.DebtorID, AgreementInstallmentID: o.RefID, Queue: store.QueueCancelled, QueueAmount: p.Amount,
		Detail: fmt.Sprintf("the agreement of agreement installment %d is %s", o.RefID, status)}
	if status == "settled" {
		d.Queue = store.QueuePaidAlready
	}
	return d
}

// onAmount decides for a payment known to be for installment (or agreement
// installment) o, which has left open.
func onAmount(p store.Incoming, o store.OpenAmount, left money.Money, chargeID int64) store.Decision {
	d := store.Decision{ChargeID: chargeID, DebtorID: o.DebtorID, DebtID: o.DebtID, InstallmentID: o.InstallmentID}
	what := "installment"
	if o.RefKind == store.RefAgreementInstallment {
		d.DebtID, d.InstallmentID, d.AgreementInstallmentID = 0, 0, o.RefID
		what = "agreement installment"
	}
	effective := p.Amount - p.Interest
	switch {
	case left <= 0:
		d.Queue, d.QueueAmount, d.Detail = store.QueuePaidAlready, p.Amount, "the "+what+" was paid already"
	case effective == left:
		d.Book = p.Amount
	case effective < left:
		d.Queue, d.QueueAmount, d.Detail = store.QueuePartial, p.Amount, fmt.Sprintf("paid %s of %s open", effective.Format("pt-BR"), left.Format("pt-BR"))
	default:
		rest := effective - left
		d.Book, d.Credit = p.Amount-rest, rest
		d.Queue, d.QueueAmount, d.Detail = store.QueueOverpaid, rest, fmt.Sprintf("paid %s on %s open; the rest is kept as credit", effective.Format("pt-BR"), left.Format("pt-BR"))
	}
	return d
}

// byDebtor matches a payment that names no charge by its payer: the oldest
// open installment (or agreement installment) of exactly the amount paid.
func byDebtor(p store.Incoming, c store.Candidates, open func(ref, money.Money) money.Money) store.Decision {
	debtor := p.DebtorID
	if debtor == 0 && p.PayerDocument != "" {
		debtor = c.DebtorByDoc[p.PayerDocument]
	}
	if debtor == 0 {
		return store.Decision{Queue: store.QueueUnknown, QueueAmount: p.Amount, Detail: "no charge, installment or debtor matches"}
	}
	var openOnes []store.OpenAmount
	for _, o := range c.OpenByDebtor[debtor] {
		if open(refOf(o), o.Amount) > 0 {
			openOnes = append(openOnes, o)
		}
	}
	for _, o := range openOnes { // oldest due first (the store's order)
		if l := open(refOf(o), o.Amount); l == p.Amount-p.Interest {
			return onAmount(p, o, l, 0)
		}
	}
	if len(openOnes) == 1 {
		o := openOnes[0]
		return onAmount(p, o, open(refOf(o), o.Amount), 0)
	}
	d := store.Decision{DebtorID: debtor, Queue: store.QueueUnknown, QueueAmount: p.Amount}
	if len(openOnes) == 0 {
		d.Queue, d.Detail = store.QueuePaidAlready, "the debtor has nothing open"
	} else {
		d.Queue, d.Detail = store.QueueAmbiguous, fmt.Sprintf("no open installment of the debtor is of %s (%d open)", p.Amount.Format("pt-BR"), len(openOnes))
	}
	return d
}
