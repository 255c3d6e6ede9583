package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/store"
)

// The 360° page shows the debtor's promises to pay (and agreements), and
// another tenant's promises never.
func TestDebtor360Negotiation(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	id := e.A.Debtor.Debtor.ID
	p, err := e.st.AddPromise(ctx, e.A.ID, store.Promise{DebtorID: id, Amount: 45678, Promised: date.New(2026, 11, 30), Made: date.New(2026, 11, 20), ToleranceDays: 2, Channel: "phone", Who: "user:1"})
	if err != nil {
		t.Fatal(err)
	}
	r := e.loggedIn(t, e.A.Agent).get("/debtors/" + itoa64(id))
	if r.Code != http.StatusOK {
		t.Fatalf("360: %d", r.Code)
	}
	for _, want := range []string{`id="negotiation"`, "Promessas de pagamento", "30/11/2026", "R$ 456,78", "Pendente", "+2"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("360 page lacks %q", want)
		}
	}
	if _, err := e.st.Promise(ctx, e.B.ID, p.ID); err == nil {
		t.Error("tenant B reads A's promise")
	}
	r = e.loggedIn(t, e.B.Agent).get("/debtors/" + itoa64(e.B.Debtor.Debtor.ID))
	if strings.Contains(r.Body, `id="negotiation"`) {
		t.Error("tenant B's page shows a negotiation section it has none of")
	}
}
