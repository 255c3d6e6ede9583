package negotiation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/offer"
	"github.com/regua/regua/internal/store"
)

// AcceptRequest accepts one offer of the menu that MenuRequest produces.
// The menu is computed again: an offer whose terms changed since it was
// shown (a payment arrived, the policy changed) has another id and is
// refused, so the agreement is always the offer version the debtor saw.
type AcceptRequest struct {
	MenuRequest
	OfferID string
	Who     string // the debtor's id, or the agent's user id
	WhoKind string // debtor, agent or bot
	Channel string // portal, whatsapp, sms, email, phone, voice, chat, agent
	At      time.Time
	Locale  string // default the debtor's
	// Text is exactly what was shown to the debtor; empty takes the
	// engine's statement of the offer (offer.Menu.Text), which is what the
	// command line prints before accepting.
	Text   string
	Remote string // IP address or caller id, for the proof
}

// Accepted is the outcome of an acceptance.
type Accepted struct {
	Agreement store.Agreement
	Duplicate bool // the same offer was accepted before: nothing changed
	Reminders int  // reminder attempts planned
}

// Accept turns an offer into an Agreement: the original debts are
// suspended (not deleted), their planned attempts cancelled, "agreed"
// events written, the acceptance proof stored (text and its SHA-256), and
// reminders planned before each installment's due date.
func (s *Service) Accept(ctx context.Context, tenant domain.TenantID, r AcceptRequest) (Accepted, error) {
	// A retried acceptance (the bot or portal resending) finds the first:
	// its debts are suspended now, so the menu could not be made again.
	var after int64
	for {
		page, err := s.Store.Agreements(ctx, tenant, store.AgreementFilter{DebtorID: r.DebtorID, AfterID: after, Limit: 100})
		if err != nil {
			return Accepted{}, err
		}
		for _, a := range page {
			if a.OfferID == r.OfferID {
				return Accepted{Agreement: a, Duplicate: true}, nil
			}
			after = a.ID
		}
		if len(page) < 100 {
			break
		}
	}
	q, err := s.Menu(ctx, tenant, r.MenuRequest)
	if err != nil {
		return Accepted{}, err
	}
	o, err := q.Menu.Offer(r.OfferID)
	if err != nil {
		return Accepted{}, fmt.Errorf("negotiation: %w (the offer changed or expired: show the menu again)", err)
	}
	locale := r.Locale
	if locale == "" {
		locale = q.Debtor.Locale
	}
	text := r.Text
	if text == "" {
		text = q.Menu.Text(o, locale)
	}
	at := r.At
	if at.IsZero() {
		at = s.now()
	}
	// In the home zone, where callers take the menu's as-of day.
	at = at.In(domain.Zone(""))
	ag, err := q.Menu.Accept(r.OfferID, offer.Acceptance{Who: r.Who, WhoKind: r.WhoKind, Channel: offer.Channel(r.Channel), At: at, Locale: locale, Text: text, Remote: r.Remote})
	if err != nil {
		return Accepted{}, fmt.Errorf("negotiation: %w", err)
	}
	doc, err := json.Marshal(ag)
	if err != nil {
		return Accepted{}, err
	}
	a := store.Agreement{DebtorID: q.DebtorID, OfferID: ag.OfferID, Kind: string(ag.Kind), Made: ag.Made, Negotiated: ag.Negotiated, Total: ag.Total,
		PolicyID: ag.Acceptance.PolicyID, PolicyVersion: ag.Acceptance.PolicyVersion, PolicyDoc: q.PolicyDoc, Doc: doc,
		Acceptance: store.Acceptance{OfferID: ag.Acceptance.OfferID, PolicyID: ag.Acceptance.PolicyID, PolicyVersion: ag.Acceptance.PolicyVersion,
			Who: ag.Acceptance.Who, WhoKind: ag.Acceptance.WhoKind, Channel: string(ag.Acceptance.Channel), At: ag.Acceptance.At, Locale: ag.Acceptance.Locale,
			Text: ag.Acceptance.Text, TextSHA256: ag.Acceptance.TextSHA256, Remote: ag.Acceptance.Remote}}
	for _, d := range ag.Debts {
		id, err := strconv.ParseInt(d.DebtID, 10, 64)
		if err != nil {
			return Accepted{}, fmt.Errorf("negotiation: debt id %q: %w", d.DebtID, err)
		}
		a.DebtIDs = append(a.DebtIDs, id)
	}
	for _, in := range ag.Installments {
		a.Installments = append(a.Installments, store.AgreementInstallment{Number: in.Number, Due: in.Due, Amount: in.Amount, OnTime: in.OnTime})
	}
	stored, dup, err := s.Store.CreateAgreement(ctx, tenant, a)
	if err != nil {
		return Accepted{}, err
	}
	out := Accepted{Agreement: stored, Duplicate: dup}
	// CreateAgreement cancelled the planned attempts in its transaction;
	// this catches any a concurrent planner wrote meanwhile.
	for _, id := range stored.DebtIDs {
		if _, err := s.Store.CancelPlannedAttempts(ctx, tenant, id, fmt.Sprintf("agreement %d", stored.ID)); err != nil {
			return out, err
		}
	}
	// Today in the debtor's zone, where reminders are sent: a UTC day
	// would skip a reminder for today after 21:00 in São Paulo.
	out.Reminders, err = s.planAgreementReminders(ctx, tenant, q.Debtor, q.Contacts, stored, date.Of(at.In(domain.Zone(q.Debtor.TimeZone))))
	return out, err
}

// engineAgreement reads a stored agreement's terms (offer.Agreement as
// JSON) back into the engine's type.
func engineAgreement(a store.Agreement) (offer.Agreement, error) {
	var out offer.Agreement
	if err := json.Unmarshal(a.Doc, &out); err != nil {
		return offer.Agreement{}, fmt.Errorf("agreement %d: stored terms: %w", a.ID, err)
	}
	if len(out.Installments) == 0 || len(out.Debts) == 0 {
		return offer.Agreement{}, fmt.Errorf("agreement %d: stored terms have no installments or debts", a.ID)
	}
	return out, nil
}

// Terms returns the engine's view of a stored agreement (debt shares,
// discount, installments and breach rule).
func Terms(a store.Agreement) (offer.Agreement, error) { return engineAgreement(a) }

// PayInstallment books a payment against an agreement: see
// store.NegotiationStore.ApplyAgreementPayment (number < 0: the oldest
// installment not fully paid). When the payment completes the agreement it
// is settled at once.
func (s *Service) PayInstallment(ctx context.Context, tenant domain.TenantID, agreementID int64, number int, p domain.Payment) (store.AgreementPayment, bool, error) {
	ap, dup, err := s.Store.ApplyAgreementPayment(ctx, tenant, agreementID, number, p)
	if err != nil || dup {
		return ap, dup, err
	}
	_, err = s.checkAgreement(ctx, tenant, agreementID, domain.PaymentDay(ap.PaidAt, ""))
	return ap, dup, err
}

var errNoContact = errors.New("no contact point to remind on")

// reminderContact picks the channel and address for reminders: the
// preferred contact point first, never one that opted out, landlines
// skipped (reminders are messages).
func reminderContact(cs []domain.ContactPoint) (channel string, c domain.ContactPoint, err error) {
	best := -1
	for i, x := range cs {
		if x.Consent == domain.ConsentOptOut || x.Kind == domain.Landline {
			continue
		}
		if best < 0 || (x.Preferred && !cs[best].Preferred) {
			best = i
		}
	}
	if best < 0 {
		return "", domain.ContactPoint{}, errNoContact
	}
	c = cs[best]
	switch c.Kind {
	case domain.Mobile:
		channel = "sms"
	case domain.Email:
		channel = "email"
	case domain.WhatsApp:
		channel = "whatsapp"
	default:
		return "", c, errNoContact
	}
	return channel, c, nil
}

func reminderText(locale string, kind string, number int, amount, onTime money.Money, due date.Date) string {
	loc := charge.Locale(locale)
	a, d := amount.Format(loc), due.Format(loc)
	var s string
	switch {
	case kind == "promise" && strings.HasPrefix(loc, "es"):
		s = fmt.Sprintf("Recordatorio: usted prometió pagar %s hasta el %s.", a, d)
	case kind == "promise" && strings.HasPrefix(loc, "en"):
		s = fmt.Sprintf("Reminder: you promised to pay %s by %s.", a, d)
	case kind == "promise":
		s = fmt.Sprintf("Lembrete: você prometeu pagar %s até %s.", a, d)
	case strings.HasPrefix(loc, "es"):
		s = fmt.Sprintf("Recordatorio: la cuota %d de su acuerdo, de %s, vence el %s.", number, a, d)
		if onTime < amount {
			s += fmt.Sprintf(" Pagando hasta el vencimiento: %s.", onTime.Format(loc))
		}
	case strings.HasPrefix(loc, "en"):
		s = fmt.Sprintf("Reminder: installment %d of your agreement, %s, is due on %s.", number, a, d)
		if onTime < amount {
			s += fmt.Sprintf(" Paid by the due date: %s.", onTime.Format(loc))
		}
	default:
		s = fmt.Sprintf("Lembrete: a parcela %d do seu acordo, de %s, vence em %s.", number, a, d)
		if onTime < amount {
			s += fmt.Sprintf(" Pagando até o vencimento: %s.", onTime.Format(loc))
		}
	}
	return s
}

// VerifyText reports whether a stored acceptance's text still matches its
// SHA-256 (tamper evidence for disputes).
func VerifyText(a store.Acceptance) bool {
	return offer.Acceptance{Text: a.Text, TextSHA256: a.TextSHA256}.Verify()
}
