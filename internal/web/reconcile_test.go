package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

func TestReconcilePage(t *testing.T) {
	storetest.Each(t, testReconcilePage)
}

func testReconcilePage(t *testing.T, db *sqldb.DB) {
	e := newEnvOn(t, db, nil)
	e.srv.AddReconcilePages(nil)
	ctx := context.Background()
	in := []store.Incoming{
		{Source: domain.PaidPix, SourceRef: "E00000000202611241300ABCDEFGHIJK", EndToEndID: "E00000000202611241300ABCDEFGHIJK", TxID: "UNKNOWNTXID", Amount: 12345, PaidAt: testNow},
		{Source: domain.PaidPix, SourceRef: "E00000000202611241300ABCDEFGHIJL", EndToEndID: "E00000000202611241300ABCDEFGHIJL", Amount: 500, PaidAt: testNow},
		{Source: domain.PaidPix, SourceRef: "E00000000202611241300ABCDEFGHIJM", EndToEndID: "E00000000202611241300ABCDEFGHIJM", TxID: "ACORDOSEMTXID", Amount: 30000, PaidAt: testNow},
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
	// Refunding a Pix without a PSP configured fails and says so.
	r = sup.post("/reconcile/"+itoa64(items[1].ID), url.Values{"action": {"refund"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "refund impossible") {
		t.Errorf("refund without PSP: %d", r.Code)
	}
	if it, _ := e.st.QueueItem(ctx, e.A.ID, items[1].ID); it.Status != "open" {
		t.Errorf("failed refund changed the item: %+v", it)
	}

	// An agreement (acordo) over the debtor's first debt: the third item
	// is assigned from the page to its first installment, the excess
	// going to the second, as `regua reconcile resolve --assign-agreement`.
	jose := e.A.Debtor.Debtor.ID
	ag, _, err := e.st.CreateAgreement(ctx, e.A.ID, storetest.TestAgreement(jose, "web-reconcile", []int64{e.A.Debtor.Debts[0].ID}, date.Of(testNow), 20000, 20000))
	if err != nil {
		t.Fatal(err)
	}
	first, second := ag.Installments[0], ag.Installments[1]
	item := "/reconcile/" + itoa64(items[2].ID)
	for _, tc := range []struct {
		name string
		form url.Values
		code int
		msg  string
	}{
		{"neither", url.Values{"action": {"assign"}, "agreement_installment": {""}}, http.StatusUnprocessableEntity, "Informe a parcela"},
		{"both", url.Values{"action": {"assign"}, "installment": {itoa64(inst.ID)}, "agreement_installment": {itoa64(first.ID)}}, http.StatusUnprocessableEntity, "não as duas"},
		{"unknown agreement installment", url.Values{"action": {"assign"}, "agreement_installment": {"999999"}}, http.StatusUnprocessableEntity, "agreement installment 999999"},
		{"another tenant", url.Values{"action": {"assign"}, "agreement_installment": {itoa64(first.ID)}}, http.StatusNotFound, "não está na fila"},
		{"assigned", url.Values{"action": {"assign"}, "agreement_installment": {itoa64(first.ID)}, "note": {"acordo pago no caixa"}}, http.StatusSeeOther, ""},
		{"twice", url.Values{"action": {"assign"}, "agreement_installment": {itoa64(first.ID)}}, http.StatusConflict, "assigned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := sup
			if tc.name == "another tenant" {
				c = other
			}
			r := c.post(item, tc.form)
			if r.Code != tc.code || !strings.Contains(r.Body, tc.msg) {
				t.Errorf("%d, want %d with %q", r.Code, tc.code, tc.msg)
			}
		})
	}
	if r := sup.get("/reconcile"); !strings.Contains(r.Body, `id="done-`+itoa64(items[2].ID)+`"`) || !strings.Contains(r.Body, "acordo pago no caixa") {
		t.Errorf("page after assigning to the agreement does not show the item resolved")
	}
	it, err := e.st.QueueItem(ctx, e.A.ID, items[2].ID)
	if err != nil || it.Status != "assigned" || it.AgreementInstallmentID != first.ID || it.InstallmentID != 0 || it.PaymentID == 0 {
		t.Fatalf("item after assign: %+v %v", it, err)
	}
	aps, err := e.st.AgreementPayments(ctx, e.A.ID, ag.ID)
	if err != nil || len(aps) != 1 || aps[0].Amount != 30000 || aps[0].Number != 1 || aps[0].PaymentID != it.PaymentID {
		t.Errorf("agreement payments: %+v %v", aps, err)
	}
	got, err := e.st.Agreements(ctx, e.A.ID, store.AgreementFilter{DebtorID: jose})
	if err != nil || len(got) != 1 {
		t.Fatalf("agreements: %+v %v", got, err)
	}
	if p1, p2 := got[0].Installments[0], got[0].Installments[1]; p1.ID != first.ID || p1.Paid != 20000 || p1.Status != domain.InstallmentPaid || p2.ID != second.ID || p2.Paid != 10000 {
		t.Errorf("agreement installments after assign: %+v", got[0].Installments)
	}
	// Not booked on the original installments.
	ps, _ = e.st.Payments(ctx, e.A.ID, jose)
	for _, p := range ps {
		if p.Amount == 30000 && p.InstallmentID != 0 {
			t.Errorf("agreement payment booked on installment %d", p.InstallmentID)
		}
	}
}

// TestReconcileResolveErrors: what /reconcile/{id} answers when the item or
// the form is wrong. An item that is not the tenant's (unknown, or another
// tenant's) is 404 whatever the form says; input the supervisor can
// correct is 422 with a message on the queue page; nothing changes.
func TestReconcileResolveErrors(t *testing.T) {
	storetest.Each(t, testReconcileResolveErrors)
}

func testReconcileResolveErrors(t *testing.T, db *sqldb.DB) {
	e := newEnvOn(t, db, nil)
	e.srv.AddReconcilePages(nil)
	ctx := context.Background()
	unknownPix := func(ref string, amount money.Money) []store.Incoming {
		return []store.Incoming{{Source: domain.PaidPix, SourceRef: ref, EndToEndID: ref, TxID: "NOSUCH" + ref, Amount: amount, PaidAt: testNow}}
	}
	if o, err := e.st.Reconcile(ctx, e.A.ID, unknownPix("E00000000202611201500AAAAAAAAAAA", 4321), reconcile.Classify); err != nil || o.Queued != 1 {
		t.Fatalf("queue A: %+v %v", o, err)
	}
	if o, err := e.st.Reconcile(ctx, e.B.ID, unknownPix("E00000000202611201500BBBBBBBBBBB", 1234), reconcile.Classify); err != nil || o.Queued != 1 {
		t.Fatalf("queue B: %+v %v", o, err)
	}
	qa, _ := e.st.QueueItems(ctx, e.A.ID, "open", 5)
	qb, _ := e.st.QueueItems(ctx, e.B.ID, "open", 5)
	if len(qa) != 1 || len(qb) != 1 {
		t.Fatalf("queues: %+v %+v", qa, qb)
	}
	item, others := "/reconcile/"+itoa64(qa[0].ID), "/reconcile/"+itoa64(qb[0].ID)
	inst := itoa64(e.A.Debtor.Debts[0].Installments[0].ID)
	assign := func(kv ...string) url.Values {
		v := url.Values{"action": {"assign"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	sup := e.loggedIn(t, e.A.Supervisor)
	for _, tc := range []struct {
		name string
		path string
		form url.Values
		code int
		msg  string
	}{
		{"id not a number", "/reconcile/abc", url.Values{"action": {"refund"}}, http.StatusUnprocessableEntity, "“abc” não é o número de um item"},
		{"id zero", "/reconcile/0", url.Values{"action": {"refund"}}, http.StatusUnprocessableEntity, "“0” não é o número"},
		{"id negative", "/reconcile/-4", url.Values{"action": {"refund"}}, http.StatusUnprocessableEntity, "“-4” não é o número"},
		{"unknown item, refund", "/reconcile/999999", url.Values{"action": {"refund"}}, http.StatusNotFound, "O item 999999 não está na fila"},
		{"unknown item, credit", "/reconcile/999999", url.Values{"action": {"credit"}, "debtor": {itoa64(e.A.Debtor.Debtor.ID)}}, http.StatusNotFound, "O item 999999 não está na fila"},
		{"unknown item, assign", "/reconcile/999999", assign("installment", inst), http.StatusNotFound, "O item 999999 não está na fila"},
		{"unknown item, bad form", "/reconcile/999999", assign("installment", "x"), http.StatusNotFound, "não está na fila"},
		{"another tenant's item, refund", others, url.Values{"action": {"refund"}}, http.StatusNotFound, "não está na fila"},
		{"another tenant's item, credit", others, url.Values{"action": {"credit"}, "debtor": {itoa64(e.A.Debtor.Debtor.ID)}}, http.StatusNotFound, "não está na fila"},
		{"another tenant's item, assign", others, assign("installment", inst), http.StatusNotFound, "não está na fila"},
		{"unknown action", item, url.Values{"action": {"burn"}}, http.StatusUnprocessableEntity, "Ação desconhecida"},
		{"assign, no installment", item, assign(), http.StatusUnprocessableEntity, "Informe a parcela"},
		{"assign, empty installment", item, assign("installment", " "), http.StatusUnprocessableEntity, "Informe a parcela"},
		{"assign, installment not a number", item, assign("installment", "12a"), http.StatusUnprocessableEntity, "Nº da parcela: “12a” não é um número válido"},
		{"assign, installment negative", item, assign("installment", "-7"), http.StatusUnprocessableEntity, "“-7” não é um número válido"},
		{"assign, agreement installment not a number", item, assign("agreement_installment", "x"), http.StatusUnprocessableEntity, "Nº da parcela do acordo: “x” não é um número válido"},
		{"assign, a bad one beside a good one", item, assign("installment", inst, "agreement_installment", "x"), http.StatusUnprocessableEntity, "“x” não é um número válido"},
		{"assign, both kinds", item, assign("installment", inst, "agreement_installment", "5"), http.StatusUnprocessableEntity, "não as duas"},
		{"assign, unknown installment", item, assign("installment", "999999"), http.StatusUnprocessableEntity, "installment 999999: not found"},
		{"assign, another tenant's installment", item, assign("installment", itoa64(e.B.Debtor.Debts[0].Installments[0].ID)), http.StatusUnprocessableEntity, "not found"},
		{"credit, debtor not a number", item, url.Values{"action": {"credit"}, "debtor": {"José"}}, http.StatusUnprocessableEntity, "Nº do devedor: “José” não é um número válido"},
		{"credit, unknown debtor", item, url.Values{"action": {"credit"}, "debtor": {"999999"}}, http.StatusUnprocessableEntity, "debtor 999999: not found"},
		{"credit, no debtor", item, url.Values{"action": {"credit"}}, http.StatusUnprocessableEntity, "names no debtor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sup.post(tc.path, tc.form)
			if r.Code != tc.code || !strings.Contains(r.Body, tc.msg) {
				t.Errorf("%d, want %d with %q", r.Code, tc.code, tc.msg)
			}
		})
	}
	for _, q := range []struct {
		tenant domain.TenantID
		id     int64
	}{{e.A.ID, qa[0].ID}, {e.B.ID, qb[0].ID}} {
		if it, err := e.st.QueueItem(ctx, q.tenant, q.id); err != nil || it.Status != "open" {
			t.Errorf("item %d after refused requests: %+v %v", q.id, it, err)
		}
	}
}

// failingPSP refuses every refund, as a PSP that is down or says no.
type failingPSP struct{}

func (failingPSP) RequestRefund(context.Context, string, string, pixapi.RefundRequest) (*pixapi.Devolucao, error) {
	return nil, errors.New("HTTP 503 from the PSP")
}

// TestReconcileResolveStatus: what went wrong when resolving an item says
// whose it is — a PSP that refused a refund is 502 (the item stays open
// and can be refunded again), an item resolved meanwhile is 409.
func TestReconcileResolveStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnvOn(t, db, nil)
		e.srv.AddReconcilePages(&reconcile.Reconciler{Store: db, Refunds: failingPSP{}})
		ctx := context.Background()
		in := []store.Incoming{
			{Source: domain.PaidPix, SourceRef: "E00000000202611241300STATUSAAAA", EndToEndID: "E00000000202611241300STATUSAAAA", TxID: "NOSUCHTXID", Amount: 4200, PaidAt: testNow},
		}
		if o, err := e.st.Reconcile(ctx, e.A.ID, in, reconcile.Classify); err != nil || o.Queued != 1 {
			t.Fatalf("queue setup: %+v %v", o, err)
		}
		items, _ := e.st.QueueItems(ctx, e.A.ID, "open", 10)
		path := "/reconcile/" + itoa64(items[0].ID)
		sup := e.loggedIn(t, e.A.Supervisor)
		if r := sup.post(path, url.Values{"action": {"refund"}}); r.Code != http.StatusBadGateway || !strings.Contains(r.Body, "HTTP 503 from the PSP") {
			t.Errorf("refused refund: %d, want 502 with the PSP's answer", r.Code)
		}
		if it, _ := e.st.QueueItem(ctx, e.A.ID, items[0].ID); it.Status != "open" {
			t.Errorf("a refused refund left the item %s", it.Status)
		}
		inst := e.A.Debtor.Debts[0].Installments[0]
		if r := sup.post(path, url.Values{"action": {"assign"}, "installment": {itoa64(inst.ID)}}); r.Code != http.StatusSeeOther {
			t.Fatalf("assign: %d", r.Code)
		}
		if r := sup.post(path, url.Values{"action": {"assign"}, "installment": {itoa64(inst.ID)}}); r.Code != http.StatusConflict {
			t.Errorf("assigning a resolved item: %d, want 409", r.Code)
		}
	})
}
