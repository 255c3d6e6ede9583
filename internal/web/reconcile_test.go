package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
)

func TestReconcilePage(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.AddReconcilePages(nil)
	ctx := context.Background()
	in := []store.Incoming{
		{Source: domain.PaidPix, SourceRef: "E00000000202611241300ABCDEFGHIJK", EndToEndID: "E00000000202611241300ABCDEFGHIJK", TxID: "UNKNOWNTXID", Amount: 12345, PaidAt: testNow},
		{Source: domain.PaidPix, SourceRef: "E00000000202611241300ABCDEFGHIJL", EndToEndID: "E00000000202611241300ABCDEFGHIJL", Amount: 500, PaidAt: testNow},
	}
	o, err := e.st.Reconcile(ctx, e.A.ID, in, reconcile.Classify)
	if err != nil || o.Queued != 2 {
		t.Fatalf("queue setup: %+v %v", o, err)
	}
	items, _ := e.st.QueueItems(ctx, e.A.ID, "open", 10)
	inst := e.A.Debtor.Debts[0].Installments[0]

	if r := e.loggedIn(t, e.A.Agent).get("/reconcile"); r.Code != http.StatusForbidden {
		t.Errorf("agent sees the queue: %d", r.Code)
	}
	sup := e.loggedIn(t, e.A.Supervisor)
	r := sup.get("/reconcile")
	if r.Code != http.StatusOK || !strings.Contains(r.Body, `id="item-`+itoa64(items[0].ID)+`"`) || !strings.Contains(r.Body, "UNKNOWNTXID") || !strings.Contains(r.Body, "123,45") {
		t.Fatalf("queue page: %d", r.Code)
	}
	// Tenant B sees none of it and cannot resolve it.
	other := e.loggedIn(t, e.B.Supervisor)
	if r := other.get("/reconcile"); strings.Contains(r.Body, "UNKNOWNTXID") {
		t.Error("another tenant sees the item")
	}
	if r := other.post("/reconcile/"+itoa64(items[0].ID), url.Values{"action": {"refund"}}); r.Code != http.StatusNotFound {
		t.Errorf("another tenant resolves: %d", r.Code)
	}
	// Assign without an installment is refused beside the table.
	if r := sup.post("/reconcile/"+itoa64(items[0].ID), url.Values{"action": {"assign"}}); r.Code != http.StatusUnprocessableEntity {
		t.Errorf("assign without installment: %d", r.Code)
	}
	// Assign books it on the installment.
	r = sup.post("/reconcile/"+itoa64(items[0].ID), url.Values{"action": {"assign"}, "installment": {itoa64(inst.ID)}, "note": {"comprovante por e-mail"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("assign: %d", r.Code)
	}
	if r := sup.get("/reconcile"); !strings.Contains(r.Body, `id="done-`+itoa64(items[0].ID)+`"`) || strings.Contains(r.Body, `id="item-`+itoa64(items[0].ID)+`"`) || !strings.Contains(r.Body, "comprovante por e-mail") {
		t.Errorf("page after assign does not show the item resolved")
	}
	ps, _ := e.st.Payments(ctx, e.A.ID, e.A.Debtor.Debtor.ID)
	found := false
	for _, p := range ps {
		found = found || (p.InstallmentID == inst.ID && p.Amount == 12345 && p.Source == domain.PaidPix)
	}
	if !found {
		t.Errorf("assigned payment not booked: %+v", ps)
	}
	// Refunding a Pix without a PSP configured fails and says so.
	r = sup.post("/reconcile/"+itoa64(items[1].ID), url.Values{"action": {"refund"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "refund impossible") {
		t.Errorf("refund without PSP: %d", r.Code)
	}
	if it, _ := e.st.QueueItem(ctx, e.A.ID, items[1].ID); it.Status != "open" {
		t.Errorf("failed refund changed the item: %+v", it)
	}
}
