// Package negotiation is the one store-backed API that agents' workspace,
// the virtual agent and the portal call to renegotiate: for a debtor as of
// a date it computes the breakdown of every open debt and the offer menu
// under the tenant's offer policy (package offer, pure), accepts an offer
// into an Agreement (acordo) with its own installments and reminders,
// records the acceptance proof, keeps promises to pay (promessas de
// pagamento), and runs the job that finds broken agreements (quebra de
// acordo) and kept or unkept promises from the payments booked.
//
// The money is computed by packages charge, plan and offer; this package
// reads what they need from the store and writes back what they decide.
package negotiation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/regua/regua/internal/afford"
	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/charge/rate"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/offer"
	"github.com/regua/regua/internal/plan"
	"github.com/regua/regua/internal/store"
)

// Store is what the service needs of a backend.
type Store interface {
	store.Store
	store.AttemptStore
	store.NegotiationStore
}

// Service is the negotiation API. The zero values of its optional fields
// are sensible defaults.
type Service struct {
	Store Store
	// Terms gives the late-payment terms of a debt's contract. The store
	// keeps no contract terms yet (the portfolio file has no fine or
	// interest columns), so the default is DefaultTerms.
	Terms func(d store.DebtDetail) charge.Terms
	// Calendar moves plan due dates off non-business days for policies
	// with business_days (nil: weekends only).
	Calendar plan.Calendar
	// ReminderDays are the days before each agreement installment's due
	// date on which a reminder goes out; default 3 and 0 (the due date).
	ReminderDays []int
	// PromiseReminderDays is how many days before a promised date the
	// debtor is reminded; default 1.
	PromiseReminderDays *int
	// Now is the clock; default time.Now.
	Now func() time.Time
}

var oneMonth = rate.MustParse("1%am")

// DefaultTerms is a 2% fine (the CDC cap) and 1% a month simple default
// interest, under the caps of the debt's kind of contract: br-card for
// credit cards, br-bank for loans, br-consumer otherwise.
func DefaultTerms(d store.DebtDetail) charge.Terms {
	preset := "br-consumer"
	switch d.Product {
	case "credit_card":
		preset = "br-card"
	case "personal_loan", "overdraft", "payroll_loan":
		preset = "br-bank"
	}
	caps, _ := charge.Preset(preset)
	i := oneMonth
	return charge.Terms{Fine: rate.MustParse("2%"), Interest: &i, Caps: caps}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// MenuRequest asks for a debtor's breakdown and offers as of a date.
type MenuRequest struct {
	DebtorID int64
	AsOf     date.Date
	// Creditor (its external id) picks the debts of one creditor when the
	// debtor owes several: policies and agreements are per creditor.
	Creditor string
	// DebtIDs restricts the menu to some of the debtor's open debts.
	DebtIDs  []int64
	FirstDue date.Date      // the debtor's choice of first due date, inside the policy window
	Budget   *afford.Budget // when the debtor shared one
	Segment  string
	Score    int
	// PayWhatYouCan adds a "pay what you can" offer for this amount a month
	// (the debtor typed it), when the policy has that option.
	PayWhatYouCan money.Money
	// Exception adds an offer below the policy, approved by an agent or a
	// supervisor within the policy's approval limits.
	Exception *Exception
}

// Exception lowers one offer of the menu (Base, its id) to Negotiated,
// approved by ApprovedBy in Role (agent or supervisor): the caller vouches
// for the role (the web checks the user's).
type Exception struct {
	Base       string
	Negotiated money.Money
	ApprovedBy string
	Role       offer.Role
}

// Quote is a menu with what it was computed from.
type Quote struct {
	Menu      offer.Menu
	DebtorID  int64
	Debtor    domain.Debtor
	Contacts  []domain.ContactPoint
	DebtIDs   []int64 // the open debts the menu covers, in id order
	Creditor  string
	PolicyDoc int // version of the tenant's stored policy file
	// Added is the offer PayWhatYouCan or Exception added to the menu.
	Added *offer.Offer
}

// ErrNoPolicies is returned when the tenant has stored no offer policies.
var ErrNoPolicies = errors.New("no offer policies stored for this tenant (load a policy file with `regua agreement policy set FILE`)")

// Policies returns the tenant's current offer policies and their version.
func (s *Service) Policies(ctx context.Context, tenant domain.TenantID) (offer.Set, int, error) {
	doc, err := s.Store.OfferPolicies(ctx, tenant, 0)
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, ErrNoPolicies
	}
	if err != nil {
		return nil, 0, err
	}
	set, err := offer.ParsePolicies(bytes.NewReader(doc.Body))
	if err != nil {
		return nil, 0, fmt.Errorf("stored offer policies version %d: %w", doc.Version, err)
	}
	return set, doc.Version, nil
}

// SavePolicies validates a policy file and stores it as the tenant's next
// version (an unchanged file keeps its version).
func (s *Service) SavePolicies(ctx context.Context, tenant domain.TenantID, body []byte, author string) (store.OfferPolicyDoc, error) {
	if _, err := offer.ParsePolicies(bytes.NewReader(body)); err != nil {
		return store.OfferPolicyDoc{}, err
	}
	return s.Store.SaveOfferPolicies(ctx, tenant, body, author)
}

// Menu computes the breakdown of the debtor's open debts and the ranked
// offers under the policy that applies to them.
func (s *Service) Menu(ctx context.Context, tenant domain.TenantID, r MenuRequest) (*Quote, error) {
	if r.AsOf.IsZero() {
		return nil, errors.New("negotiation: the as-of date is missing")
	}
	set, version, err := s.Policies(ctx, tenant)
	if err != nil {
		return nil, err
	}
	v, err := s.Store.Debtor360(ctx, tenant, r.DebtorID, 1)
	if err != nil {
		return nil, fmt.Errorf("negotiation: debtor %d: %w", r.DebtorID, err)
	}
	want := map[int64]bool{}
	for _, id := range r.DebtIDs {
		want[id] = true
	}
	// Creditor and portfolio external ids, which policies are scoped by.
	creditors, err := s.Store.Creditors(ctx, tenant)
	if err != nil {
		return nil, err
	}
	credExt := map[int64]string{}
	for _, c := range creditors {
		credExt[c.ID] = c.ExtID
	}
	type scope struct{ creditor, portfolio string }
	scopes := map[int64]scope{}
	var debts []store.DebtDetail
	byCreditor := map[string]bool{}
	for _, d := range v.Debts {
		if d.Status != domain.DebtOpen || (len(want) > 0 && !want[d.ID]) {
			continue
		}
		sc, ok := scopes[d.PortfolioID]
		if !ok {
			p, err := s.Store.Portfolio(ctx, tenant, d.PortfolioID)
			if err != nil {
				return nil, fmt.Errorf("negotiation: portfolio of debt %d: %w", d.ID, err)
			}
			sc = scope{credExt[p.CreditorID], p.ExtID}
			scopes[d.PortfolioID] = sc
		}
		if r.Creditor != "" && sc.creditor != r.Creditor {
			continue
		}
		byCreditor[sc.creditor] = true
		debts = append(debts, d)
	}
	for id := range want {
		found := false
		for _, d := range debts {
			found = found || d.ID == id
		}
		if !found {
			return nil, fmt.Errorf("negotiation: debt %d is not an open debt of debtor %d%s", id, r.DebtorID, forCreditor(r.Creditor))
		}
	}
	if len(debts) == 0 {
		return nil, fmt.Errorf("negotiation: debtor %d has no open debts%s to negotiate", r.DebtorID, forCreditor(r.Creditor))
	}
	if len(byCreditor) > 1 {
		names := make([]string, 0, len(byCreditor))
		for c := range byCreditor {
			names = append(names, c)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("negotiation: debtor %d owes creditors %v: pick one (creditor)", r.DebtorID, names)
	}
	sort.Slice(debts, func(i, j int) bool { return debts[i].ID < debts[j].ID })
	q := &Quote{DebtorID: r.DebtorID, Debtor: v.Debtor, Contacts: v.Contacts, PolicyDoc: version}
	od := offer.Debtor{ID: strconv.FormatInt(r.DebtorID, 10), Segment: r.Segment, Recurrence: v.LateIn12m, Score: r.Score, Budget: r.Budget}
	portfolios := map[string]bool{}
	for _, d := range debts {
		sc := scopes[d.PortfolioID]
		od.Creditor, q.Creditor = sc.creditor, sc.creditor
		portfolios[sc.portfolio] = true
		if len(portfolios) == 1 {
			od.Portfolio = sc.portfolio
		} else {
			od.Portfolio = "" // several portfolios: only creditor-wide policies apply
		}
		q.DebtIDs = append(q.DebtIDs, d.ID)
	}
	req := offer.Request{Debtor: od, Debts: s.chargeDebts(debts, v.Payments, v.Debtor.TimeZone), AsOf: r.AsOf, FirstDue: r.FirstDue, Calendar: s.Calendar}
	m, err := offer.Generate(req, set)
	if err != nil {
		return nil, fmt.Errorf("negotiation: debtor %d: %w", r.DebtorID, err)
	}
	q.Menu = m
	if r.PayWhatYouCan > 0 {
		o, err := q.Menu.PayWhatYouCan(r.PayWhatYouCan)
		if err != nil {
			return nil, fmt.Errorf("negotiation: pay what you can: %w", err)
		}
		q.Added = &o
	}
	if x := r.Exception; x != nil {
		base, err := q.Menu.Offer(x.Base)
		if err != nil {
			return nil, fmt.Errorf("negotiation: exception: %w", err)
		}
		if x.Role != offer.RoleAgent && x.Role != offer.RoleSupervisor {
			return nil, fmt.Errorf("negotiation: exception: role %q, want agent or supervisor", x.Role)
		}
		if x.Negotiated <= 0 || x.Negotiated >= base.Negotiated {
			return nil, fmt.Errorf("negotiation: exception: %s must be below the offer's negotiated %s", x.Negotiated.Format("pt-BR"), base.Negotiated.Format("pt-BR"))
		}
		o, err := q.Menu.Except(base, x.Negotiated, x.ApprovedBy, x.Role)
		if err != nil {
			return nil, fmt.Errorf("negotiation: %w", err)
		}
		// Accept finds offers in the menu: the exception joins it.
		q.Menu.Offers = append(q.Menu.Offers, o)
		q.Added = &q.Menu.Offers[len(q.Menu.Offers)-1]
	}
	return q, nil
}

func forCreditor(c string) string {
	if c == "" {
		return ""
	}
	return " with creditor " + c
}

// chargeDebts turns stored debts into the charge engine's: each
// installment with its payments; paid amounts loaded with the portfolio
// and not backed by payment rows count as paid on the due date.
func (s *Service) chargeDebts(debts []store.DebtDetail, pays []domain.Payment, zone string) []charge.Debt {
	terms := s.Terms
	if terms == nil {
		terms = DefaultTerms
	}
	byInst := map[int64][]domain.Payment{}
	for _, p := range pays {
		if p.InstallmentID != 0 {
			byInst[p.InstallmentID] = append(byInst[p.InstallmentID], p)
		}
	}
	out := make([]charge.Debt, 0, len(debts))
	for _, d := range debts {
		cd := charge.Debt{ID: strconv.FormatInt(d.ID, 10), Product: d.Product, Terms: terms(d)}
		for _, in := range d.Installments {
			if in.Status == domain.InstallmentCancelled {
				continue
			}
			ci := charge.Installment{Number: in.Number, Due: in.DueDate, Amount: in.Amount}
			var rows money.Money
			for _, p := range byInst[in.ID] {
				ci.Payments = append(ci.Payments, charge.Payment{Date: domain.PaymentDay(p.PaidAt, zone), Amount: p.Amount})
				rows += p.Amount
			}
			if extra := min(in.Paid, in.Amount) - rows; extra > 0 {
				ci.Payments = append(ci.Payments, charge.Payment{Date: in.DueDate, Amount: extra})
			}
			sort.SliceStable(ci.Payments, func(i, j int) bool { return ci.Payments[i].Date.Before(ci.Payments[j].Date) })
			cd.Installments = append(cd.Installments, ci)
		}
		if len(cd.Installments) > 0 {
			out = append(out, cd)
		}
	}
	return out
}
