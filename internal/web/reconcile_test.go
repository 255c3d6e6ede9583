package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/storetest"
)

func TestReconcilePage(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.AddReconcilePages(nil)
	ctx := context.Background()
	in := []store.Incoming{
		{Source: domain.PaidPix, SourceRef: "E00000000202611241300ABCDEFGHIJK", EndToEndID: "E00000000202611241300ABCDEFGHIJK", TxID: "UNKNOWNTXID", Amount: 12345, PaidAt: testNow},
		{Source: domain.PaidPix, SourceRef: "E00000000202611241300ABCDEFGHIJL", EndToEndID: "E00000000202611241300ABCDEFGHIJL", Amount: 500, PaidAt: testNow},
		{Source: domain.PaidPix, SourceRef: "E00000000202611241300ABCDEFGHIJM", EndToEndID: "E00000000202611241300ABCDEFGHIJM", TxID: "OTHERTXID", Amount: 20000, PaidAt: testNow},
	}
	o, err := e.st.Reconcile(ctx, e.A.ID, in, reconcile.Classify)
	if err != nil || o.Queued != 3 {
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
	// A payment for a debt under an agreement (acordo) is assigned to the
	// agreement's installment from the page, and books there once.
	debt := e.A.Debtor.Debts[0]
	ag, _, err := e.st.CreateAgreement(ctx, e.A.ID, storetest.TestAgreement(e.A.Debtor.Debtor.ID, "agr-web", []int64{debt.ID}, date.Of(testNow), 20000, 20000))
	if err != nil {
		t.Fatal(err)
	}
	agrInst := itoa64(ag.Installments[0].ID)
	if r := sup.get("/reconcile"); !strings.Contains(r.Body, `name="agreement_installment"`) {
		t.Error("page offers no agreement installment field")
	}
	for _, v := range []url.Values{
		{"action": {"assign"}, "installment": {itoa64(inst.ID)}, "agreement_installment": {agrInst}}, // two targets
		{"action": {"assign"}, "agreement_installment": {"999999"}},                                  // not this tenant's
	} {
		if r := sup.post("/reconcile/"+itoa64(items[2].ID), v); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("assign %v: %d", v, r.Code)
		}
	}
	if r := other.post("/reconcile/"+itoa64(items[2].ID), url.Values{"action": {"assign"}, "agreement_installment": {agrInst}}); r.Code == http.StatusSeeOther {
		t.Error("another tenant assigns the item")
	}
	if r := sup.post("/reconcile/"+itoa64(items[2].ID), url.Values{"action": {"assign"}, "agreement_installment": {agrInst}}); r.Code != http.StatusSeeOther {
		t.Fatalf("assign to agreement installment: %d %s", r.Code, r.Body)
	}
	if r := sup.post("/reconcile/"+itoa64(items[2].ID), url.Values{"action": {"assign"}, "agreement_installment": {agrInst}}); r.Code == http.StatusSeeOther {
		t.Error("the same item assigned twice")
	}
	aps, err := e.st.AgreementPayments(ctx, e.A.ID, ag.ID)
	if err != nil || len(aps) != 1 || aps[0].Amount != 20000 {
		t.Errorf("agreement payments after assign: %+v %v", aps, err)
	}
	if got, _ := e.st.Agreement(ctx, e.A.ID, ag.ID); got.Paid != 20000 || got.Installments[0].Paid != 20000 {
		t.Errorf("agreement after assign: paid %d, first installment %d", got.Paid, got.Installments[0].Paid)
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
