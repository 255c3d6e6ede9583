package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/channel/sink"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/dispatch"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
	"github.com/regua/regua/internal/web"
)

// e2eJourney branches on the outcome of its first SMS: a debtor who
// clicked its link gets one follow-up, one to whom it was only delivered
// (or read) gets another.
const e2eJourney = `{
  "key": "e2e", "name": "E2E", "anchor": "due", "entry": "not agreement", "policy": "BR", "portal_url": %q,
  "steps": [
    {"id": "d1-sms", "day": 1, "action": "message", "channel": "sms", "template": "primeiro"},
    {"id": "d4-clicked", "day": 4, "action": "message", "channel": "sms", "template": "clicou",
     "after": {"step": "d1-sms", "outcomes": ["clicked"]}},
    {"id": "d4-delivered", "day": 4, "action": "message", "channel": "sms", "template": "entregue",
     "after": {"step": "d1-sms", "outcomes": ["delivered", "read"]}}
  ],
  "templates": {
    "primeiro": {"channel": "sms", "body": {"pt-BR": "{{first_name}}, sua parcela venceu. Veja: {{portal_link}}"}},
    "clicou":   {"channel": "sms", "body": {"pt-BR": "{{first_name}}, vimos que abriu o link. Precisa de ajuda?"}},
    "entregue": {"channel": "sms", "body": {"pt-BR": "{{first_name}}, a parcela segue em aberto: {{amount}}."}}
  }
}`

var linkRE = regexp.MustCompile(`/l/([A-Za-z0-9_-]{22})`)

// TestLinksEndToEnd runs the whole message loop on both stores: plan a
// journey, dispatch through channel.HTTP to the sink, the sink's signed
// "delivered" callbacks to the web server's /hooks/channel/sink, a click
// on one debtor's tracked link (and a link preview of the other's), then
// the planner of a later day takes each debtor's branch.
func TestLinksEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		f := storetest.NewFixture(t, db, "e2e")
		// Ana: a second debtor due the same day as José, with a mobile.
		ana := storetest.Row(6, "39053344705", "Ana Souza", "C-3003", 1, date.New(2026, 9, 10), 50000)
		ana.Contacts = []domain.ContactPoint{{Kind: domain.Mobile, Value: "+5521987654321"}}
		if _, err := db.ApplyImport(ctx, f.Tenant, f.Portfolio.ID, []store.ImportRow{ana}); err != nil {
			t.Fatal(err)
		}
		ids := f.IDs(t, db)
		anaID := debtorByDoc(t, db, f.Tenant, "39053344705")

		// The web role with this part's mount, as `regua serve` builds it.
		env := map[string]string{"REGUA_CALLBACK_SECRET": "e2e-secret"}
		h, err := web.New(web.Config{Store: db, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		if err := mountLinks(h, db, log, func(k string) string { return env[k] }); err != nil {
			t.Fatal(err)
		}
		site := httptest.NewServer(h)
		defer site.Close()

		// The provider: a sink reporting deliveries back to the site.
		sk := sink.New(0)
		cb, err := sinkCallbacks(func(k string) string { return env[k] }, site.URL+"/hooks/channel/sink", 5*time.Millisecond, 0)
		if err != nil {
			t.Fatal(err)
		}
		sk.SetCallbacks(cb)
		provider := httptest.NewServer(sk)
		defer provider.Close()

		def := strings.Replace(e2eJourney, "%q", `"`+site.URL+`"`, 1)
		if _, _, err := db.SaveJourney(ctx, f.Tenant, "e2e", "E2E", json.RawMessage(def), "test"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetJourneyStatus(ctx, f.Tenant, "e2e", store.JourneyActive); err != nil {
			t.Fatal(err)
		}
		// D+1 of 2026-09-10 is Friday 11 September.
		day1 := date.New(2026, 9, 11)
		if r, err := planner.Enrol(ctx, db, f.Tenant, day1, 0); err != nil || r.ByJourney["e2e"] < 2 {
			t.Fatalf("enrol: %+v %v", r, err)
		}
		if r, err := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day1}); err != nil || r.Planned != 2 {
			t.Fatalf("plan day 1: %+v %v", r, err)
		}
		at := time.Date(2026, 9, 11, 18, 0, 0, 0, time.UTC) // 15:00 in São Paulo, after the planned instants
		d, err := dispatch.New(db, dispatch.Options{Channels: map[string]channel.Channel{"sms": channel.NewHTTP("sink", provider.URL)},
			Now: func() time.Time { return at }, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			n, err := d.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			if i > 10 {
				t.Fatal("queue does not drain")
			}
		}
		sk.WaitCallbacks()
		if st := sk.Stats(); st.Unique != 2 || st.Callbacks != 2 || st.CallbacksFailed != 0 {
			t.Fatalf("sink: %+v, want 2 messages, 2 delivered callbacks", st)
		}

		// The debtors' links, from the messages the provider received.
		links := map[string]string{}
		for _, m := range sk.Messages() {
			if g := linkRE.FindStringSubmatch(m.Body); g != nil && strings.Contains(m.Body, site.URL+"/l/") {
				links[m.To] = g[1]
			}
		}
		jose, anaLink := links["+5511987654321"], links["+5521987654321"]
		if jose == "" || anaLink == "" {
			t.Fatalf("links in the messages: %v", links)
		}
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		open := func(token, ua string) int {
			req, _ := http.NewRequest(http.MethodGet, site.URL+"/l/"+token, nil)
			req.Header.Set("User-Agent", ua)
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		// WhatsApp's preview of Ana's link is not Ana clicking it.
		if code := open(anaLink, "WhatsApp/2.23.20.0 A"); code != 200 {
			t.Errorf("preview: %d", code)
		}
		if code := open(jose, "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"); code != http.StatusSeeOther {
			t.Fatalf("José's click: %d", code)
		}

		// Monday 14 September, D+4: each debtor takes their branch.
		if _, err := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: date.New(2026, 9, 14)}); err != nil {
			t.Fatal(err)
		}
		steps := func(debtor int64) map[string]store.AttemptStatus {
			as, err := db.AttemptsOfDebtor(ctx, f.Tenant, debtor, 50)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]store.AttemptStatus{}
			for _, a := range as {
				out[a.StepID] = a.Status
			}
			return out
		}
		js, as := steps(ids.Jose), steps(anaID)
		if js["d1-sms"] != store.AttemptSent || as["d1-sms"] != store.AttemptSent {
			t.Errorf("first SMS: José %s, Ana %s", js["d1-sms"], as["d1-sms"])
		}
		if _, ok := js["d4-clicked"]; !ok {
			t.Errorf("José clicked: the clicked branch was not taken: %v", js)
		}
		if _, ok := js["d4-delivered"]; ok {
			t.Errorf("José clicked: the delivered branch was taken too: %v", js)
		}
		if _, ok := as["d4-delivered"]; !ok {
			t.Errorf("Ana's SMS was delivered: the delivered branch was not taken: %v", as)
		}
		if _, ok := as["d4-clicked"]; ok {
			t.Errorf("Ana did not click: the clicked branch was taken: %v", as)
		}
	})
}

func debtorByDoc(t *testing.T, db *sqldb.DB, tenant domain.TenantID, doc string) int64 {
	t.Helper()
	res, err := db.SearchDebtors(context.Background(), tenant, doc, date.New(2026, 11, 24), 5)
	if err != nil || len(res) != 1 {
		t.Fatalf("debtor %s: %v %v", doc, res, err)
	}
	return res[0].ID
}

func TestLinkAndSinkSettings(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	o, err := linkOptions(env("REGUA_LINK_PORTAL", "https://pague.example/entrar", "REGUA_LINK_MAX_AGE", "720h"))
	if err != nil || o.Targets["portal"] != "https://pague.example/entrar" || o.MaxAge != 720*time.Hour {
		t.Errorf("link options: %+v %v", o, err)
	}
	if o, err := linkOptions(env("REGUA_LINK_MAX_AGE", "-1")); err != nil || o.MaxAge >= 0 {
		t.Errorf("never expire: %+v %v", o, err)
	}
	if _, err := linkOptions(env("REGUA_LINK_MAX_AGE", "soon")); err == nil {
		t.Error("bad max age accepted")
	}
	cb, err := sinkCallbacks(env("REGUA_CALLBACK_SECRET", "all", "REGUA_CALLBACK_SECRET_ZENVIA", "own"), "http://127.0.0.1:8080/hooks/channel/zenvia", time.Second, 30)
	if err != nil || string(cb.Secret) != "own" || cb.ReadPercent != 30 {
		t.Errorf("sink callbacks: %+v %v", cb, err)
	}
	for _, c := range []struct {
		getenv func(string) string
		url    string
		pct    int
		want   string
	}{
		{env(), "http://127.0.0.1:8080/hooks/channel/sink", 0, "REGUA_CALLBACK_SECRET_SINK"},
		{env("REGUA_CALLBACK_SECRET", "x"), "ftp://h/hooks/channel/sink", 0, "want http(s)"},
		{env("REGUA_CALLBACK_SECRET", "x"), "http://h/hooks/channel/Bad!", 0, "not a provider name"},
		{env("REGUA_CALLBACK_SECRET", "x"), "http://h/hooks/channel/sink", 101, "0–100"},
	} {
		if _, err := sinkCallbacks(c.getenv, c.url, time.Second, c.pct); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.url, err, c.want)
		}
	}
	if code, _, errs := runCLI(t, "sink", "--callback-url", "http://127.0.0.1:1/hooks/channel/sink"); code != 2 || !strings.Contains(errs, "REGUA_CALLBACK_SECRET") {
		t.Errorf("sink without a secret: exit %d %s", code, errs)
	}
}
