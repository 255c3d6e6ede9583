package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/domain"
)

func TestLoginWrongPasswordAndUnknownEmailLookAlike(t *testing.T) {
	e := newEnv(t, nil)
	for _, tc := range []struct{ name, email, pw string }{
		{"wrong password", e.A.Admin.Email, "not the password"},
		{"unknown e-mail", "nobody@a.test", testPassword},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client(t)
			c.get("/login")
			r := c.post("/login", url.Values{"email": {tc.email}, "password": {tc.pw}})
			if r.Code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", r.Code)
			}
			if !strings.Contains(r.Body, "E-mail ou senha incorretos.") {
				t.Errorf("body lacks the one login error message")
			}
			for _, ck := range r.Cookies {
				if ck.Name == e.srv.sessionCookieName() && ck.MaxAge >= 0 {
					t.Errorf("a session cookie was set on a failed login")
				}
			}
		})
	}
}

func TestLoginDisabledUserRefusedLikeWrongPassword(t *testing.T) {
	e := newEnv(t, nil)
	u := e.A.Agent
	u.Disabled = true
	if err := e.st.UpdateUser(context.Background(), e.A.ID, u); err != nil {
		t.Fatal(err)
	}
	c := e.client(t)
	c.get("/login")
	r := c.post("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	if r.Code != http.StatusUnauthorized || !strings.Contains(r.Body, "E-mail ou senha incorretos.") {
		t.Fatalf("disabled user login: %d", r.Code)
	}
}

func TestLoginSessionCookieAndLogout(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	c.get("/login")
	r := c.post("/login", url.Values{"email": {"  " + strings.ToUpper(e.A.Supervisor.Email) + " "}, "password": {testPassword}})
	if r.Code != http.StatusSeeOther || r.Location != "/portfolios" {
		t.Fatalf("login: %d → %q", r.Code, r.Location)
	}
	var sess *http.Cookie
	for _, ck := range r.Cookies {
		if ck.Name == "regua_session" {
			sess = ck
		}
	}
	if sess == nil {
		t.Fatal("no session cookie")
	}
	if !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Secure || sess.Path != "/" {
		t.Errorf("cookie attributes: %+v", sess)
	}
	// Only the token's SHA-256 is stored: the raw token finds nothing.
	ctx := context.Background()
	if _, err := e.st.SessionByToken(ctx, sess.Value, testNow); err == nil {
		t.Error("the raw token is stored as a session key")
	}
	stored, err := e.st.SessionByToken(ctx, tokenHash(sess.Value), testNow)
	if err != nil {
		t.Fatalf("session by hash: %v", err)
	}
	if stored.TenantID != e.A.ID || stored.UserID != e.A.Supervisor.ID || len(stored.CSRF) < 40 {
		t.Errorf("stored session: %+v", stored)
	}
	if got := c.get("/portfolios"); got.Code != http.StatusOK || !strings.Contains(got.Body, "Cartões a") {
		t.Fatalf("portfolios after login: %d", got.Code)
	}
	if r := c.post("/logout", nil); r.Code != http.StatusSeeOther || r.Location != "/login" {
		t.Fatalf("logout: %d %q", r.Code, r.Location)
	}
	if _, err := e.st.SessionByToken(ctx, tokenHash(sess.Value), testNow); err == nil {
		t.Error("session still in the store after logout")
	}
	// Replaying the old cookie gets nothing.
	req, _ := http.NewRequest("GET", e.ts.URL+"/portfolios", nil)
	req.AddCookie(&http.Cookie{Name: "regua_session", Value: sess.Value})
	if r := c.do(req); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("old cookie after logout: %d %q", r.Code, r.Location)
	}
}

func TestLoginRedirectsBackToNext(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	r := c.get("/debtors?q=jose")
	if r.Code != http.StatusSeeOther || r.Location != "/login?next=%2Fdebtors%3Fq%3Djose" {
		t.Fatalf("anonymous page: %d %q", r.Code, r.Location)
	}
	c.get(r.Location)
	r = c.post("/login", url.Values{"email": {e.A.Agent.Email}, "password": {testPassword}, "next": {"/debtors?q=jose"}})
	if r.Location != "/debtors?q=jose" {
		t.Errorf("after login → %q", r.Location)
	}
	for _, evil := range []string{"//evil.example/x", "https://evil.example", "/\\evil.example"} {
		if got := safeNext(evil); got != "/" {
			t.Errorf("safeNext(%q) = %q", evil, got)
		}
	}
}

func TestSecureCookies(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.SecureCookies = true })
	c := e.client(t)
	c.get("/login")
	r := c.post("/login", url.Values{"email": {e.A.Agent.Email}, "password": {testPassword}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("login: %d", r.Code)
	}
	found := false
	for _, ck := range r.Cookies {
		if ck.Name == "__Host-regua_session" {
			found = true
			if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("secure session cookie: %+v", ck)
			}
		} else if ck.MaxAge >= 0 && !ck.Secure {
			t.Errorf("cookie %s not Secure", ck.Name)
		}
	}
	if !found {
		t.Error("no __Host- session cookie")
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Admin)
	form := func(token string) url.Values {
		return url.Values{csrfField: {token}, "name": {"Nova"}, "email": {"nova@a.test"}, "role": {"agent"}, "password": {testPassword}}
	}
	for _, tc := range []struct{ name, token string }{
		{"missing", ""},
		{"wrong", strings.Repeat("x", len(c.csrf))},
		{"other session's", e.loggedIn(t, e.A.Supervisor).csrf},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post("/users", form(tc.token))
			if r.Code != http.StatusForbidden {
				t.Fatalf("status %d, want 403", r.Code)
			}
		})
	}
	if us, _ := e.st.Users(context.Background(), e.A.ID); len(us) != 3 {
		t.Fatalf("a user was created without a valid token: %d users", len(us))
	}
	if r := c.post("/users", form(c.csrf)); r.Code != http.StatusSeeOther {
		t.Fatalf("with the token: %d %s", r.Code, r.Body)
	}
	// Logout needs the token too (a forged logout is a nuisance).
	if r := c.post("/logout", url.Values{csrfField: {"nope"}}); r.Code != http.StatusForbidden {
		t.Errorf("logout without token: %d", r.Code)
	}
	// Multipart uploads check the token from the first part.
	r := postMultipart(t, c, "/portfolios/"+itoa64(e.A.PortfolioID)+"/imports", "bad-token", "x.csv", "cpf;nome\n")
	if r.Code != http.StatusForbidden {
		t.Errorf("upload with wrong token: %d", r.Code)
	}
}

func TestLoginFormNeedsItsToken(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	// No GET /login first: no double-submit cookie.
	r := c.post("/login", url.Values{"email": {e.A.Admin.Email}, "password": {testPassword}, csrfField: {"forged-token-forged-token-forged-token"}})
	if r.Code != http.StatusForbidden {
		t.Fatalf("login without its token: %d", r.Code)
	}
	// The refusal hands out a fresh form; using it works.
	c.csrf = csrfRe.FindStringSubmatch(r.Body)[1]
	if r := c.post("/login", url.Values{"email": {e.A.Admin.Email}, "password": {testPassword}}); r.Code != http.StatusSeeOther {
		t.Fatalf("login with fresh token: %d", r.Code)
	}
}

// A login form posted from a tab opened before another login in the same
// browser still works: it carries the login token, not a session's.
func TestLoginWhileLoggedIn(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	c.get("/login")
	loginToken := c.csrf
	if r := c.post("/login", url.Values{"email": {e.A.Agent.Email}, "password": {testPassword}}); r.Code != http.StatusSeeOther {
		t.Fatalf("first login: %d", r.Code)
	}
	// The double-submit cookie was cleared on login; a stale form gets a
	// fresh one rather than a session-token error.
	r := c.post("/login", url.Values{csrfField: {loginToken}, "email": {e.A.Supervisor.Email}, "password": {testPassword}})
	if r.Code != http.StatusForbidden || !strings.Contains(r.Body, "O formulário expirou") {
		t.Fatalf("stale login form: %d", r.Code)
	}
	// (The page also has the language form, with the session's token.)
	c.csrf = loginTokenRe.FindStringSubmatch(r.Body)[1]
	if r := c.post("/login", url.Values{"email": {e.A.Supervisor.Email}, "password": {testPassword}}); r.Code != http.StatusSeeOther || r.Location != "/portfolios" {
		t.Fatalf("second login: %d %q", r.Code, r.Location)
	}
}

var loginTokenRe = regexp.MustCompile(`action="/login"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"`)

func TestLoginRateLimitPerEmail(t *testing.T) {
	var now = testNow
	e := newEnv(t, func(c *Config) {
		c.LoginPerEmail, c.LoginPerIP, c.LoginWindow = 3, 100, 10*time.Minute
		c.Now = func() time.Time { return now }
	})
	c := e.client(t)
	c.get("/login")
	try := func(email, pw string) int {
		return c.post("/login", url.Values{"email": {email}, "password": {pw}}).Code
	}
	for i := 0; i < 3; i++ {
		if code := try(e.A.Admin.Email, "wrong-password"); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	// The fourth is refused before the password is looked at, even a right one.
	r := c.post("/login", url.Values{"email": {e.A.Admin.Email}, "password": {testPassword}})
	if r.Code != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "Muitas tentativas") {
		t.Fatalf("after 3 failures: %d", r.Code)
	}
	// Another account from the same address is not affected.
	if code := try(e.A.Agent.Email, testPassword); code != http.StatusSeeOther {
		t.Fatalf("other account: %d", code)
	}
	// The window slides: ten minutes later the account may try again.
	now = now.Add(10*time.Minute + time.Second)
	c2 := e.client(t)
	c2.get("/login")
	if r := c2.post("/login", url.Values{"email": {e.A.Admin.Email}, "password": {testPassword}}); r.Code != http.StatusSeeOther {
		t.Fatalf("after the window: %d", r.Code)
	}
}

func TestLoginRateLimitPerIP(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LoginPerEmail, c.LoginPerIP = 100, 4 })
	c := e.client(t)
	c.get("/login")
	for i := 0; i < 4; i++ {
		r := c.post("/login", url.Values{"email": {"guess" + itoa(i) + "@a.test"}, "password": {"x"}})
		if r.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, r.Code)
		}
	}
	if r := c.post("/login", url.Values{"email": {e.A.Admin.Email}, "password": {testPassword}}); r.Code != http.StatusTooManyRequests {
		t.Fatalf("fifth attempt from the address: %d", r.Code)
	}
}

func TestRolesPerRoute(t *testing.T) {
	e := newEnv(t, nil)
	clients := map[domain.Role]*client{
		domain.RoleAgent:      e.loggedIn(t, e.A.Agent),
		domain.RoleSupervisor: e.loggedIn(t, e.A.Supervisor),
		domain.RoleAdmin:      e.loggedIn(t, e.A.Admin),
	}
	anon := e.client(t)
	for _, rt := range e.srv.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if rt.Role == "" || rt.Pattern == "POST /logout" {
			continue
		}
		path = fillPath(path, e.A)
		for role, c := range clients {
			var r resp
			if method == "GET" {
				r = c.get(path)
			} else if rt.Multipart {
				r = postMultipart(t, c, path, c.csrf, "x.csv", "")
			} else {
				r = c.post(path, url.Values{})
			}
			if !role.AtLeast(rt.Role) && r.Code != http.StatusForbidden {
				t.Errorf("%s as %s: %d, want 403", rt.Pattern, role, r.Code)
			}
			if role.AtLeast(rt.Role) && (r.Code == http.StatusForbidden || r.Code == http.StatusUnauthorized) {
				t.Errorf("%s as %s: %d, want access", rt.Pattern, role, r.Code)
			}
		}
		var r resp
		if method == "GET" {
			r = anon.get(path)
			if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
				t.Errorf("%s anonymous: %d %q, want redirect to login", rt.Pattern, r.Code, r.Location)
			}
		} else {
			r = anon.post(path, url.Values{})
			if r.Code != http.StatusUnauthorized {
				t.Errorf("%s anonymous: %d, want 401", rt.Pattern, r.Code)
			}
		}
	}
}

func TestDisabledUserLosesSession(t *testing.T) {
	e := newEnv(t, nil)
	agent := e.loggedIn(t, e.A.Agent)
	admin := e.loggedIn(t, e.A.Admin)
	if r := admin.post("/users/"+itoa64(e.A.Agent.ID), url.Values{"active": {"0"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.Code)
	}
	if r := agent.get("/debtors"); r.Code != http.StatusSeeOther {
		t.Errorf("disabled user's session still works: %d", r.Code)
	}
}

func TestLocaleSwitch(t *testing.T) {
	e := newEnv(t, nil)
	c := e.loggedIn(t, e.A.Agent)
	if r := c.get("/debtors"); !strings.Contains(r.Body, "Buscar devedor") {
		t.Fatal("default page not in Portuguese")
	}
	if r := c.post("/locale", url.Values{"lang": {"es"}, "next": {"/debtors"}}); r.Code != http.StatusSeeOther || r.Location != "/debtors" {
		t.Fatalf("locale: %d %q", r.Code, r.Location)
	}
	if r := c.get("/debtors"); !strings.Contains(r.Body, "Buscar deudor") || !strings.Contains(r.Body, `lang="es"`) {
		t.Error("page not in Spanish after the switch")
	}
	u, _ := e.st.User(context.Background(), e.A.ID, e.A.Agent.ID)
	if u.Locale != "es" {
		t.Errorf("user locale %q, want es", u.Locale)
	}
	if r := c.post("/locale", url.Values{"lang": {"xx"}}); r.Code != http.StatusBadRequest {
		t.Errorf("unknown language: %d", r.Code)
	}
	// The login page follows the browser's language before anyone logs in.
	anon := e.client(t)
	req, _ := http.NewRequest("GET", e.ts.URL+"/login", nil)
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	if r := anon.do(req); !strings.Contains(r.Body, "Log in to Régua") {
		t.Error("login page ignores Accept-Language")
	}
}
