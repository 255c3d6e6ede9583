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
	id := pathID(r, "id")
	if id == 0 {
		p.notFound(w, r, c)
		return
	}
	res := store.Resolution{Action: r.PostFormValue("action"), Note: strings.TrimSpace(r.PostFormValue("note")), Actor: "user:" + strconv.FormatInt(c.User.ID, 10)}
	num := func(name string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(name)), 10, 64)
		return n
	}
	switch res.Action {
	case "assign":
		// As `regua reconcile resolve`: an original installment
		// (--assign) or an agreement installment (--assign-agreement,
		// acordo; any excess to its next installments), exactly one.
		res.InstallmentID, res.AgreementInstallmentID = num("installment"), num("agreement_installment")
		if res.InstallmentID < 0 || res.AgreementInstallmentID < 0 || (res.InstallmentID == 0 && res.AgreementInstallmentID == 0) {
			p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("reconcile.need_installment"))
			return
		}
		if res.InstallmentID != 0 && res.AgreementInstallmentID != 0 {
			p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("reconcile.one_installment"))
			return
		}
	case "credit":
		res.DebtorID = num("debtor")
	case "refund":
	default:
		p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("reconcile.bad_action"))
		return
	}
	if _, err := p.r.Resolve(r.Context(), c.Tenant(), id, res); err != nil {
		if errors.Is(err, store.ErrNotFound) && res.Action != "assign" {
			p.notFound(w, r, c)
			return
		}
		p.log.Warn("reconcile: resolve failed", "item", id, "err", err)
		p.page(w, r, c, http.StatusUnprocessableEntity, c.L.T("reconcile.failed", err.Error()))
		return
	}
	p.flash(w, "reconcile_resolved")
	http.Redirect(w, r, "/reconcile", http.StatusSeeOther)
}
