package callback_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel/callback"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)

// sent plans an attempt to José, claims it and settles it as sent with ref.
func sent(t *testing.T, db *sqldb.DB, f storetest.Fixture, step, ref string) store.Attempt {
	t.Helper()
	ctx := context.Background()
	ids := f.IDs(t, db)
	a := store.Attempt{DebtorID: ids.Jose, DebtID: ids.JoseDebt, EnrolmentID: 77, StepID: step, AnchorDate: date.New(2026, 11, 20), Channel: "sms",
		DueAt: t0.Add(-time.Minute), Payload: json.RawMessage(`{"journey":"cobranca","step":"` + step + `","to":"+5511987654321"}`)}
	if n, err := db.PlanAttempts(ctx, f.Tenant, []store.Attempt{a}); err != nil || n != 1 {
		t.Fatalf("plan: %d %v", n, err)
	}
	cs, err := db.ClaimAttempts(ctx, store.Claim{Now: t0, Lease: time.Hour, Limit: 10, Token: "tok-" + step, Channels: []string{"sms"}})
	if err != nil || len(cs) != 1 {
		t.Fatalf("claim: %d %v", len(cs), err)
	}
	if _, err := db.SettleAttempts(ctx, f.Tenant, "tok-"+step, t0, []store.Settled{{ID: cs[0].ID, Status: store.AttemptSent, ProviderRef: ref}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Attempt(ctx, f.Tenant, cs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	got.TenantID = f.Tenant
	return got
}

func TestHandler(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := storetest.NewFixture(t, db, "callbacks")
		other := storetest.NewFixture(t, db, "other")
		a := sent(t, db, f, "d0-sms", "sink-sms-1")
		ids := f.IDs(t, db)
		secrets := map[string]string{"REGUA_CALLBACK_SECRET": "shared", "REGUA_CALLBACK_SECRET_ZENVIA": "zenvia-own"}
		h := &callback.Handler{Store: db, Secrets: callback.EnvSecrets(func(k string) string { return secrets[k] }), Now: func() time.Time { return t0.Add(time.Hour) }}
		mux := http.NewServeMux()
		mux.Handle("/hooks/channel/{provider}", h)
		srv := httptest.NewServer(mux)
		defer srv.Close()

		post := func(provider, secret, body string) (int, string) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/hooks/channel/"+provider, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if secret != "" {
				req.Header.Set(callback.SignatureHeader, callback.Sign([]byte(secret), []byte(body)))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		ref := callback.Reference(f.Tenant, a.ID)
		body := func(status, at, extra string) string {
			return fmt.Sprintf(`{"reference":%q,"status":%q,"at":%q%s}`, ref, status, at, extra)
		}
		outcome := func() string {
			_, outs, err := db.PlanHistory(ctx, f.Tenant, nil, []int64{77}, t0.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			return outs[77][sqldb.OutcomeKey("d0-sms", date.New(2026, 11, 20))]
		}
		events := func(kind domain.EventKind) []domain.Event {
			evs, err := db.Events(ctx, f.Tenant, ids.Jose, 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []domain.Event
			for _, e := range evs {
				if e.Kind == kind {
					out = append(out, e)
				}
			}
			return out
		}

		for _, c := range []struct {
			name, provider, secret, body string
			code                         int
			want                         string
		}{
			{"unsigned", "sink", "", body("delivered", "2026-11-24T13:00:05Z", ""), 401, "signature"},
			{"wrong secret", "sink", "guess", body("delivered", "2026-11-24T13:00:05Z", ""), 401, "signature"},
			{"own secret wins over the shared one", "zenvia", "shared", body("delivered", "2026-11-24T13:00:05Z", ""), 401, "signature"},
			{"bad provider name", "Sink", "shared", body("delivered", "2026-11-24T13:00:05Z", ""), 404, "provider"},
			{"malformed", "sink", "shared", `{"reference":"` + ref + `","status":"bounced"}`, 400, "status"},
			{"unknown attempt", "sink", "shared", fmt.Sprintf(`{"reference":%q,"status":"read","at":"2026-11-24T13:00:05Z"}`, callback.Reference(f.Tenant, a.ID+1000)), 404, "no such attempt"},
			{"other tenant's reference", "sink", "shared", fmt.Sprintf(`{"reference":%q,"status":"read","at":"2026-11-24T13:00:05Z"}`, callback.Reference(other.Tenant, a.ID)), 404, "no such attempt"},
			{"unknown provider ref", "sink", "shared", `{"provider_ref":"sink-sms-999","status":"read","at":"2026-11-24T13:00:05Z"}`, 404, "no such message"},
			{"delivered", "sink", "shared", body("delivered", "2026-11-24T13:00:05Z", ""), 200, `"recorded":true`},
			{"delivered again", "sink", "shared", body("delivered", "2026-11-24T13:00:05Z", ""), 200, `"recorded":false`},
			{"read by provider ref", "zenvia", "zenvia-own", `{"provider_ref":"sink-sms-1","status":"read","at":"2026-11-24T13:01:00Z"}`, 200, `"recorded":true`},
			{"failed after sent", "sink", "shared", body("failed", "2026-11-24T13:02:00Z", `,"detail":"handset unreachable"`), 200, `"recorded":true`},
			{"reply", "sink", "shared", body("replied", "2026-11-24T13:03:00Z", `,"detail":"Já paguei ontem"`), 200, `"recorded":true`},
			{"same reply again", "sink", "shared", body("replied", "2026-11-24T13:03:00Z", `,"detail":"Já paguei ontem"`), 200, `"recorded":false`},
			{"second reply", "sink", "shared", body("replied", "2026-11-24T13:04:00Z", `,"detail":"ok"`), 200, `"recorded":true`},
		} {
			code, got := post(c.provider, c.secret, c.body)
			if code != c.code || !strings.Contains(got, c.want) {
				t.Errorf("%s: %d %s, want %d %s", c.name, code, got, c.code, c.want)
			}
		}
		if got := outcome(); got != "replied" {
			t.Errorf("outcome %q, want replied", got)
		}
		if rs := events(domain.EventReplied); len(rs) != 2 || !strings.Contains(rs[1].Summary+rs[0].Summary, "Já paguei ontem") || rs[0].Actor != "provider:sink" {
			t.Errorf("reply events: %+v", rs)
		}
		fs := events(domain.EventAttempt)
		if len(fs) != 1 || fs[0].Summary != "SMS não entregue: handset unreachable (cobranca · d0-sms)" || !fs[0].At.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("failure events: %+v", fs)
		}
		var data map[string]any
		if len(fs) == 1 {
			json.Unmarshal(fs[0].Data, &data)
			if data["attempt"] != float64(a.ID) || data["status"] != "failed" || data["provider"] != "sink" {
				t.Errorf("failure event data %s", fs[0].Data)
			}
		}
		// A delivery failure does not make dispatch send again.
		if got, _ := db.Attempt(ctx, f.Tenant, a.ID); got.Status != store.AttemptSent || got.Tries != 1 {
			t.Errorf("attempt after a failure callback: %s, %d tries", got.Status, got.Tries)
		}
		// A provider clock in the future dates the outcome at receipt.
		code, _ := post("sink", "shared", body("clicked", "2027-01-01T00:00:00Z", ""))
		if code != 200 || outcome() != "replied" {
			t.Errorf("clicked: %d %s", code, outcome())
		}
		// Without any secret configured, callbacks are refused.
		h.Secrets = callback.EnvSecrets(func(string) string { return "" })
		if code, got := post("sink", "shared", body("read", "2026-11-24T13:05:00Z", "")); code != 403 || !strings.Contains(got, "REGUA_CALLBACK_SECRET_SINK") {
			t.Errorf("no secret: %d %s", code, got)
		}
		if resp, err := http.Get(srv.URL + "/hooks/channel/sink"); err != nil || resp.StatusCode != 405 {
			t.Errorf("GET: %v %v", resp, err)
		}
	})
}
