package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
)

// reconcileBackend is what the reconciliation page needs beyond
// store.Store.
type reconcileBackend interface {
	store.Store
	store.ReconcileStore
}

// reconcilePages serve /reconcile: the supervisor's queue of payments that
// did not book by themselves, resolved by assigning to an installment (an
// original one or an agreement's), keeping as credit or refunding.
type reconcilePages struct {
	*Server
	rb reconcileBackend
	r  *reconcile.Reconciler
}

// AddReconcilePages registers the reconciliation queue page when the store
// keeps it; r (nil: one over the store, without PSP refunds) resolves items.
// Call before the first request.
func (s *Server) AddReconcilePages(r *reconcile.Reconciler) {
	rb, ok := s.st.(reconcileBackend)
	if !ok {
		return
	}
	if r == nil {
		r = &reconcile.Reconciler{Store: rb}
	}
	p := &reconcilePages{Server: s, rb: rb, r: r}
	s.Handle(Route{Pattern: "GET /reconcile", Role: domain.RoleSupervisor, Handler: p.list})
	s.Handle(Route{Pattern: "POST /reconcile/{id}", Role: domain.RoleSupervisor, Handler: p.resolve})
	s.AddNav(NavItem{Label: "nav.reconcile", Path: "/reconcile", Role: domain.RoleSupervisor, Order: 70})
}

type reconcileView struct {
	Open     []store.QueueItem
	Resolved []store.QueueItem
	Status   string
	Error    string
}

func (p *reconcilePages) list(w http.ResponseWriter, r *http.Request, c *Ctx) {
	p.page(w, r, c, http.StatusOK, "")
}

func (p *reconcilePages) page(w http.ResponseWriter, r *http.Request, c *Ctx, status int, errMsg string) {
	ctx, t := r.Context(), c.Tenant()
	open, err := p.rb.QueueItems(ctx, t, "open", 200)
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	all, err := p.rb.QueueItems(ctx, t, "", 500)
	if err != nil {
		p.internal(w, r, c, err)
		return
	}
	var done []store.QueueItem
	for i := len(all) - 1; i >= 0 && len(done) < 20; i-- {
		if all[i].Status != "open" {
			done = append(done, all[i])
		}
	}
	p.render(w, r, c, status, "reconcile", "reconcile.title", reconcileView{Open: open, Resolved: done, Error: errMsg})
}

func (p *reconcilePages) resolve(w http.ResponseWriter, r *http.Request, c *Ctx) {
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("reconcile.bad_id", raw))
		return
	}
	// The item is looked up first, so that an unknown one (or another
	// tenant's) answers 404 whatever the form says, and a not-found from
	// Resolve can only be what the form names (installment, debtor): 422.
	// Items are never deleted, so the answer holds until Resolve runs.
	if _, err := p.rb.QueueItem(r.Context(), c.Tenant(), id); errors.Is(err, store.ErrNotFound) {
		p.page(w, r, c, http.StatusNotFound, c.L.T("reconcile.not_found", id))
		return
	} else if err != nil {
		p.internal(w, r, c, err)
		return
	}
	res := store.Resolution{Action: r.PostFormValue("action"), Note: strings.TrimSpace(r.PostFormValue("note")), Actor: "user:" + strconv.FormatInt(c.User.ID, 10)}
	// num reads an optional id field: empty is 0, anything else must be a
	// positive number (a typo must not silently become "not given").
	bad := ""
	num := func(name, label string) int64 {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if (err != nil || n <= 0) && bad == "" {
			bad = c.L.T("reconcile.bad_number", c.L.T(label), v)
		}
		return n
	}
	switch res.Action {
	case "assign":
		// As `regua reconcile resolve`: an original installment
		// (--assign) or an agreement installment (--assign-agreement,
		// acordo; any excess to its next installments), exactly one.
		res.InstallmentID = num("installment", "reconcile.installment")
		res.AgreementInstallmentID = num("agreement_installment", "reconcile.agreement_installment")
		switch {
		case bad != "":
			p.page(w, r, c, http.StatusUnprocessableEntity, bad)
			return
		case res.InstallmentID == 0 && res.AgreementInstallmentID == 0:
			p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("reconcile.need_installment"))
			return
		case res.InstallmentID != 0 && res.AgreementInstallmentID != 0:
			p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("reconcile.one_installment"))
			return
		}
	case "credit":
		if res.DebtorID = num("debtor", "reconcile.debtor"); bad != "" {
			p.page(w, r, c, http.StatusUnprocessableEntity, bad)
			return
		}
	case "refund":
	default:
		p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("reconcile.bad_action"))
		return
	}
	if _, err := p.r.Resolve(r.Context(), c.Tenant(), id, res); err != nil {
		// What the supervisor can act on is shown beside the table: a
		// choice to correct (an installment or debtor not found, a refund
		// impossible), an item resolved meanwhile, a PSP that refused.
		// Anything else is the server's fault.
		status := 0
		switch {
		case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrInvalid), errors.Is(err, reconcile.ErrNoRefund):
			status = http.StatusUnprocessableEntity
		case errors.Is(err, store.ErrResolved), errors.Is(err, store.ErrConflict):
			status = http.StatusConflict
		case errors.Is(err, reconcile.ErrPSP):
			status = http.StatusBadGateway
		default:
			p.internal(w, r, c, err)
			return
		}
		p.log.Warn("reconcile: resolve failed", "item", id, "status", status, "err", err)
		p.page(w, r, c, status, c.L.T("reconcile.failed", err.Error()))
		return
	}
	p.flash(w, "reconcile_resolved")
	http.Redirect(w, r, "/reconcile", http.StatusSeeOther)
}
