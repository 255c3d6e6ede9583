package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// WebViewStore is what the web-views contract needs of a backend.
type WebViewStore interface {
	DispatchStore
	store.WebViewStore
}

// RunWebViews checks the reads behind the web pages: parked attempts come
// newest first with their reason and debtor name, only parked ones, only
// the tenant's own, at most the limit.
func RunWebViews(t *testing.T, s WebViewStore) {
	ctx := context.Background()
	a := NewFixture(t, s, "webviews-a")
	b := NewFixture(t, s, "webviews-b")
	ia, ib := a.IDs(t, s), b.IDs(t, s)
	t0 := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
	step := 0
	plan := func(tenant domain.TenantID, debtor, debt int64) {
		t.Helper()
		step++
		at := store.Attempt{DebtorID: debtor, DebtID: debt, StepID: fmt.Sprintf("web-%d", step), Channel: "sms", DueAt: t0.Add(-time.Duration(10-step) * time.Minute),
			Payload: json.RawMessage(`{"to":"x"}`)}
		if n, err := s.PlanAttempts(ctx, tenant, []store.Attempt{at}); err != nil || n != 1 {
			t.Fatalf("plan: %d %v", n, err)
		}
	}
	plan(a.Tenant, ia.Jose, ia.JoseDebt)
	plan(a.Tenant, ia.Maria, ia.MariaDebt)
	plan(a.Tenant, ia.Jose, ia.JoseDebt)
	plan(b.Tenant, ib.Jose, ib.JoseDebt)
	cs, err := s.ClaimAttempts(ctx, store.Claim{Now: t0, Lease: time.Hour, Limit: 10, Token: "web", Channels: []string{"sms"}})
	if err != nil || len(cs) != 4 {
		t.Fatalf("claim: %d %v", len(cs), err)
	}
	byTenant := map[domain.TenantID][]store.Settled{}
	for i, c := range cs {
		st := store.Settled{ID: c.ID, Status: store.AttemptParked, Error: fmt.Sprintf("provider refused %d", c.ID)}
		if i == 1 { // one of them went out
			st = store.Settled{ID: c.ID, Status: store.AttemptSent, ProviderRef: "p1"}
		}
		byTenant[c.TenantID] = append(byTenant[c.TenantID], st)
	}
	for tn, ss := range byTenant {
		if _, err := s.SettleAttempts(ctx, tn, "web", t0, ss); err != nil {
			t.Fatalf("settle: %v", err)
		}
	}
	var sentID int64 = cs[1].ID

	got, err := s.ParkedAttempts(ctx, a.Tenant, 10)
	if err != nil {
		t.Fatal(err)
	}
	wantA := 0
	for _, c := range cs {
		if c.TenantID == a.Tenant && c.ID != sentID {
			wantA++
		}
	}
	if len(got) != wantA {
		t.Fatalf("tenant A parked: %d, want %d", len(got), wantA)
	}
	for i, p := range got {
		if p.TenantID != a.Tenant || p.Status != store.AttemptParked {
			t.Errorf("parked %d: tenant %d status %s", p.ID, p.TenantID, p.Status)
		}
		if p.ID == sentID {
			t.Errorf("sent attempt %d listed as parked", p.ID)
		}
		if p.LastError != fmt.Sprintf("provider refused %d", p.ID) {
			t.Errorf("parked %d: reason %q", p.ID, p.LastError)
		}
		if p.DebtorName == "" || (p.DebtorID == ia.Jose) != (p.DebtorName == joseName(t, s, a.Tenant, ia.Jose)) {
			t.Errorf("parked %d: debtor name %q", p.ID, p.DebtorName)
		}
		if i > 0 && p.ID > got[i-1].ID {
			t.Errorf("not newest first: %d after %d", p.ID, got[i-1].ID)
		}
	}
	if lim, err := s.ParkedAttempts(ctx, a.Tenant, 1); err != nil || len(lim) != 1 || lim[0].ID != got[0].ID {
		t.Errorf("limit 1: %v %v", lim, err)
	}
	gotB, err := s.ParkedAttempts(ctx, b.Tenant, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range gotB {
		if p.TenantID != b.Tenant || p.DebtorID != ib.Jose {
			t.Errorf("tenant B sees attempt %d of debtor %d", p.ID, p.DebtorID)
		}
	}
	if none, err := s.ParkedAttempts(ctx, 9999, 10); err != nil || len(none) != 0 {
		t.Errorf("unknown tenant: %v %v", none, err)
	}
}

func joseName(t *testing.T, s store.Store, tenant domain.TenantID, id int64) string {
	t.Helper()
	d, err := s.Debtor360(context.Background(), tenant, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	return d.Debtor.Name
}
