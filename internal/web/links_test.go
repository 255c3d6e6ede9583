package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

const browserUA = "Mozilla/5.0 (Linux; Android 14; moto g54) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"

func TestTrackedLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := storetest.NewFixture(t, db, "links")
		ids := f.IDs(t, db)
		anchor := date.New(2026, 11, 20)
		// An attempt and its link, as the planner writes them.
		const enrol = 501
		a := store.Attempt{DebtorID: ids.Jose, DebtID: ids.JoseDebt, EnrolmentID: enrol, StepID: "d0-sms", AnchorDate: anchor, Channel: "sms",
			DueAt: time.Now(), Payload: json.RawMessage(`{}`)}
		portal := store.TrackedLink{Token: journey.NewToken(), DebtorID: ids.Jose, EnrolmentID: enrol, StepID: "d0-sms", AnchorDate: anchor, Target: "portal"}
		empty := store.TrackedLink{Token: journey.NewToken(), DebtorID: ids.Jose, EnrolmentID: enrol, StepID: "d3-sms", AnchorDate: anchor}
		page := store.TrackedLink{Token: journey.NewToken(), DebtorID: ids.Jose, EnrolmentID: enrol, StepID: "d5-sms", AnchorDate: anchor, Target: "/assets/app.css"}
		odd := store.TrackedLink{Token: journey.NewToken(), DebtorID: ids.Jose, EnrolmentID: enrol, StepID: "d7-sms", AnchorDate: anchor, Target: "javascript:alert(1)"}
		if _, err := db.PlanWrite(ctx, f.Tenant, []store.Attempt{a}, []store.TrackedLink{portal, empty, page, odd}, nil); err != nil {
			t.Fatal(err)
		}
		start := func(now time.Time, o LinkOptions) *httptest.Server {
			srv, err := New(Config{Store: db, Logger: quietLogger(), Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			o.Store = db
			o.Targets = map[string]string{"portal": "https://pague.example/entrar"}
			srv.AddTrackedLinks(o)
			ts := httptest.NewServer(srv)
			t.Cleanup(ts.Close)
			return ts
		}
		now := time.Now()
		ts := start(now, LinkOptions{})
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(ts *httptest.Server, method, path string, hdr ...string) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest(method, ts.URL+path, nil)
			req.Header.Set("User-Agent", browserUA)
			for i := 0; i+1 < len(hdr); i += 2 {
				req.Header.Set(hdr[i], hdr[i+1])
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}
		clicks := func(tok string) int {
			t.Helper()
			l, err := db.TrackedLink(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			return l.Clicks
		}
		noPersonalData := func(name, body string) {
			t.Helper()
			for _, s := range []string{"José", "Conceição", "52998224725", "C-1001", "+5511"} {
				if strings.Contains(body, s) {
					t.Errorf("%s: page shows %q", name, s)
				}
			}
		}

		// Previews and prefetches first: they count nothing.
		for name, hdr := range map[string][]string{
			"whatsapp":     {"User-Agent", "WhatsApp/2.23.20.0 A"},
			"facebook":     {"User-Agent", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"},
			"slack":        {"User-Agent", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"},
			"twitter":      {"User-Agent", "Twitterbot/1.0"},
			"telegram":     {"User-Agent", "TelegramBot (like TwitterBot)"},
			"no agent":     {"User-Agent", ""},
			"prefetch":     {"Sec-Purpose", "prefetch"},
			"old prefetch": {"Purpose", "prefetch"},
		} {
			resp, body := get(ts, "GET", "/l/"+portal.Token, hdr...)
			if resp.StatusCode != 200 || !strings.Contains(body, `id="link-page"`) || resp.Header.Get("X-Robots-Tag") == "" {
				t.Errorf("%s: %d", name, resp.StatusCode)
			}
			noPersonalData(name, body)
		}
		if resp, _ := get(ts, "HEAD", "/l/"+portal.Token); resp.StatusCode != 200 {
			t.Errorf("HEAD: %d", resp.StatusCode)
		}
		if n := clicks(portal.Token); n != 0 {
			t.Fatalf("previews counted %d clicks", n)
		}

		// A person: counted, outcome recorded, sent on with 303.
		resp, _ := get(ts, "GET", "/l/"+portal.Token)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "https://pague.example/entrar" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("click: %d %q %q", resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Referrer-Policy"))
		}
		get(ts, "GET", "/l/"+portal.Token)
		if n := clicks(portal.Token); n != 2 {
			t.Errorf("clicks %d, want 2", n)
		}
		_, outs, err := db.PlanHistory(ctx, f.Tenant, nil, []int64{enrol}, now.Add(-time.Hour))
		if err != nil || outs[enrol][sqldb.OutcomeKey("d0-sms", anchor)] != "clicked" {
			t.Errorf("outcome: %v %v", outs, err)
		}

		for _, c := range []struct {
			name, path string
			code       int
			location   string
		}{
			{"empty target", "/l/" + empty.Token, 303, "/l/"},
			{"site page", "/l/" + page.Token, 303, "/assets/app.css"},
			{"unsafe target", "/l/" + odd.Token, 303, "/l/"},
			{"landing", "/l/", 200, ""},
			{"unknown token", "/l/" + journey.NewToken(), 404, ""},
			{"malformed token", "/l/abc", 404, ""},
			{"token with padding", "/l/" + portal.Token + "==", 404, ""},
		} {
			resp, body := get(ts, "GET", c.path)
			if resp.StatusCode != c.code || resp.Header.Get("Location") != c.location {
				t.Errorf("%s: %d %q", c.name, resp.StatusCode, resp.Header.Get("Location"))
			}
			noPersonalData(c.name, body)
		}

		// Expired: nothing counted.
		late := start(now.Add(181*24*time.Hour), LinkOptions{})
		if resp, body := get(late, "GET", "/l/"+page.Token); resp.StatusCode != http.StatusGone || !strings.Contains(body, "link-message") {
			t.Errorf("expired: %d", resp.StatusCode)
		}
		if n := clicks(page.Token); n != 1 {
			t.Errorf("expired link counted: %d", n)
		}

		// Guessing: after MissesPerIP unknown tokens the address waits,
		// even for a good token.
		guarded := start(now, LinkOptions{MissesPerIP: 3, PerIP: 100})
		for i := 0; i < 3; i++ {
			if resp, _ := get(guarded, "GET", "/l/"+journey.NewToken()); resp.StatusCode != 404 {
				t.Fatalf("miss %d: %d", i, resp.StatusCode)
			}
		}
		resp, _ = get(guarded, "GET", "/l/"+portal.Token)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("after 3 misses: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		busy := start(now, LinkOptions{PerIP: 2})
		get(busy, "GET", "/l/")
		get(busy, "GET", "/l/"+empty.Token)
		get(busy, "GET", "/l/"+empty.Token)
		if resp, _ := get(busy, "GET", "/l/"+empty.Token); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("over PerIP: %d", resp.StatusCode)
		}
	})
}

func TestPrefetch(t *testing.T) {
	for ua, bot := range map[string]bool{
		browserUA: false,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1": false,
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)":                                                                true,
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) SkypeUriPreview Preview/0.5":                                                                   true,
		"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)":                                                   true,
		"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)":                                                                       true,
		"Go-http-client/1.1": true,
	} {
		r := httptest.NewRequest("GET", "/l/x", nil)
		r.Header.Set("User-Agent", ua)
		if Prefetch(r) != bot {
			t.Errorf("%q: prefetch %v", ua, !bot)
		}
	}
}
