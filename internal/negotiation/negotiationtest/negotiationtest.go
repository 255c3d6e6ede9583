// Package negotiationtest holds test helpers shared by the packages that
// book payments on agreements (acordos): negotiation and reconcile.
package negotiationtest

import (
	"context"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/negotiation"
	"github.com/regua/regua/internal/offer"
)

// AcceptInstallments saves the demo offer policies in tenant and has the
// debtor (CPF who) accept the installments offer of the menu as of today
// on the portal; it fails t when the menu has none.
func AcceptInstallments(t testing.TB, svc *negotiation.Service, tenant domain.TenantID, debtor int64, who string, today date.Date) negotiation.Accepted {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.SavePolicies(ctx, tenant, offer.DemoPoliciesJSON(), "test"); err != nil {
		t.Fatal(err)
	}
	q, err := svc.Menu(ctx, tenant, negotiation.MenuRequest{DebtorID: debtor, AsOf: today})
	if err != nil {
		t.Fatal(err)
	}
	var o *offer.Offer
	for i := range q.Menu.Offers {
		if q.Menu.Offers[i].Kind == offer.KindInstallments {
			o = &q.Menu.Offers[i]
		}
	}
	if o == nil {
		t.Fatalf("no installments offer in %+v", q.Menu.Offers)
	}
	acc, err := svc.Accept(ctx, tenant, negotiation.AcceptRequest{MenuRequest: negotiation.MenuRequest{DebtorID: debtor, AsOf: today}, OfferID: o.ID,
		Who: who, WhoKind: "debtor", Channel: "portal"})
	if err != nil {
		t.Fatal(err)
	}
	return acc
}
