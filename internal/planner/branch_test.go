package planner_test

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// branchJourney is the demo "cobranca-padrao" with its steps replaced: an
// SMS (or channel) at D+1, then at D+2 a call task if it failed and an e-mail if it
// went out (sent or delivered).
func branchJourney(t *testing.T, channel, template string) []byte {
	t.Helper()
	raw, ok := journey.DemoFile("cobranca-padrao")
	if !ok {
		t.Fatal("no demo journey cobranca-padrao")
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["key"], m["name"] = "falha", "Ramo por falha"
	delete(m, "resume")
	m["steps"] = []map[string]any{
		{"id": "d1-sms", "day": 1, "action": "message", "channel": channel, "template": template},
		{"id": "d2-call-if-failed", "day": 2, "action": "task", "priority": 1, "queue": "falhas", "template": "roteiro-agente",
			"after": map[string]any{"step": "d1-sms", "outcomes": []string{"failed"}}},
		{"id": "d2-email-if-sent", "day": 2, "action": "message", "channel": "email", "template": "lembrete-email",
			"after": map[string]any{"step": "d1-sms", "outcomes": []string{"sent", "delivered"}}},
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBranchOnOutcome runs the planner over José's C-1001 (due 10 Sep
// 2026): the D+1 SMS is planned on 11 Sep, ends as the case says (parked
// by dispatch, failed by the provider after it accepted it, no usable
// mobile, sent, delivered), and on 12 Sep the branch on its outcome picks
// the call task or the e-mail.
func TestBranchOnOutcome(t *testing.T) {
	cases := []struct {
		name    string
		noPhone bool   // José's mobile opted out before planning
		settle  string // what dispatch made of the SMS: parked, cancelled, sent ("" with noPhone)
		report  string // the provider's callback after sent ("" none)
		want    string // step planned on D+2
	}{
		{name: "parked by dispatch", settle: "parked", want: "d2-call-if-failed"},
		{name: "failed after sent", settle: "sent", report: "failed", want: "d2-call-if-failed"},
		{name: "mobile opted out", noPhone: true, want: "d2-call-if-failed"},
		{name: "cancelled at send time", settle: "cancelled", want: "d2-call-if-failed"},
		{name: "sent", settle: "sent", want: "d2-email-if-sent"},
		{name: "delivered", settle: "sent", report: "delivered", want: "d2-email-if-sent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
				ctx := context.Background()
				f := storetest.NewFixture(t, db, "Acme")
				ids := f.IDs(t, db)
				if _, _, err := db.SaveJourney(ctx, f.Tenant, "falha", "Ramo por falha", branchJourney(t, "sms", "atraso-sms"), "test"); err != nil {
					t.Fatal(err)
				}
				if err := db.SetJourneyStatus(ctx, f.Tenant, "falha", store.JourneyActive); err != nil {
					t.Fatal(err)
				}
				if c.noPhone {
					if err := db.SetConsent(ctx, f.Tenant, ids.JoseMobile, domain.ConsentOptOut, "test", "test"); err != nil {
						t.Fatal(err)
					}
				}
				d1 := date.New(2026, 9, 11)
				if _, err := planner.Enrol(ctx, db, f.Tenant, d1, 0); err != nil {
					t.Fatal(err)
				}
				if _, err := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: d1, Now: d1.In(spZone)}); err != nil {
					t.Fatal(err)
				}
				sms := joseAttempt(t, db, f.Tenant, ids.Jose, "d1-sms")
				if c.noPhone && (sms.Status != store.AttemptCancelled || sms.LastError != store.NoInstantError) {
					t.Fatalf("sms without a phone: %s %q", sms.Status, sms.LastError)
				}
				if c.settle != "" {
					now := d1.In(spZone).Add(16 * time.Hour)
					cl, err := db.ClaimAttempts(ctx, store.Claim{Now: now, Lease: time.Minute, Limit: 10, Token: "t1", Channels: []string{"sms"}})
					if err != nil || len(cl) != 1 || cl[0].ID != sms.ID {
						t.Fatalf("claim: %+v %v", cl, err)
					}
					st := store.Settled{ID: sms.ID, Status: store.AttemptStatus(c.settle), ProviderRef: "p-1"}
					switch c.settle {
					case "parked":
						st.ProviderRef, st.Error = "", "provider sink: 400 invalid number"
					case "cancelled":
						st.ProviderRef, st.Error = "", "contact point opted out before sending"
					}
					if _, err := db.SettleAttempts(ctx, f.Tenant, "t1", now, []store.Settled{st}); err != nil {
						t.Fatal(err)
					}
				}
				if c.report != "" {
					if _, err := db.RecordCallback(ctx, f.Tenant, store.ChannelCallback{Provider: "sink", AttemptID: sms.ID, ProviderRef: "p-1", Status: c.report}, nil); err != nil {
						t.Fatal(err)
					}
				}
				d2 := d1.AddDays(1)
				if _, err := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: d2, Now: d2.In(spZone)}); err != nil {
					t.Fatal(err)
				}
				as, err := db.AttemptsOfDebtor(ctx, f.Tenant, ids.Jose, 100)
				if err != nil {
					t.Fatal(err)
				}
				var steps []string
				for _, a := range as {
					if a.StepID != "d1-sms" && a.AnchorDate == date.New(2026, 9, 10) {
						steps = append(steps, a.StepID)
					}
				}
				sort.Strings(steps)
				if len(steps) != 1 || steps[0] != c.want {
					t.Errorf("D+2 planned %v, want [%s]", steps, c.want)
				}
			})
		})
	}
}

var spZone = func() *time.Location { z, _ := time.LoadLocation("America/Sao_Paulo"); return z }()

func joseAttempt(t *testing.T, db *sqldb.DB, tenant domain.TenantID, debtor int64, step string) store.Attempt {
	t.Helper()
	as, err := db.AttemptsOfDebtor(context.Background(), tenant, debtor, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.StepID == step {
			return a
		}
	}
	t.Fatalf("no %s attempt: %+v", step, as)
	return store.Attempt{}
}
