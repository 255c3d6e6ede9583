package web

import (
	"errors"
	"math"
	"net/http"
	"strings"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

type loginView struct {
	Email string
	Next  string
	Token string
	Error string
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, c *Ctx) {
	if c.User.Role.AtLeast(domain.RoleSupervisor) {
		http.Redirect(w, r, "/portfolios", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/debtors", http.StatusSeeOther)
}

// loginToken returns the login form's double-submit token, setting its
// cookie when missing: a login form posted from another site would lack
// it, so nobody can log a victim into the attacker's account.
func (s *Server) loginToken(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(loginCookie); err == nil && len(ck.Value) >= 32 {
		return ck.Value
	}
	t := randomToken(32)
	http.SetCookie(w, s.cookie(loginCookie, t, 3600))
	return t
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, c *Ctx) {
	if c.User != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, c, http.StatusOK, "login", "login.title", loginView{
		Next: safeNext(r.URL.Query().Get("next")), Token: s.loginToken(w, r),
	})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, c *Ctx) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, c, http.StatusBadRequest, "error.bad_request")
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	pw := r.PostFormValue("password")
	v := loginView{Email: email, Next: safeNext(r.PostFormValue("next"))}
	ck, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue(csrfField), ck.Value) {
		// The form expired or came from elsewhere: show a fresh one.
		v.Token = s.loginToken(w, r)
		v.Error = c.L.T("login.expired")
		s.render(w, r, c, http.StatusForbidden, "login", "login.title", v)
		return
	}
	v.Token = ck.Value
	now := s.cfg.Now()
	ip := s.clientIP(r)
	blockedIP, waitIP := s.ipLimit.Blocked(ip, now)
	blockedMail, waitMail := s.mailLim.Blocked(email, now)
	if blockedIP || blockedMail {
		wait := max(waitIP, waitMail)
		minutes := int(math.Ceil(wait.Minutes()))
		w.Header().Set("Retry-After", itoa(int(math.Ceil(wait.Seconds()))))
		s.log.Warn("login: rate limited", "ip", ip, "by_ip", blockedIP, "by_email", blockedMail)
		v.Error = c.L.T("login.rate_limited", max(minutes, 1))
		s.render(w, r, c, http.StatusTooManyRequests, "login", "login.title", v)
		return
	}
	u, err := s.st.UserForLogin(r.Context(), email)
	ok := false
	switch {
	case err == nil:
		ok = CheckPassword(u.PasswordHash, pw) && !u.Disabled
	case errors.Is(err, store.ErrNotFound):
		CheckPassword(dummyHash(), pw) // same cost as a real check: timing does not reveal accounts
	default:
		s.internal(w, r, c, err)
		return
	}
	if !ok {
		s.ipLimit.Add(ip, now)
		s.mailLim.Add(email, now)
		s.log.Info("login: failed", "ip", ip)
		// One message for unknown e-mail, wrong password and disabled
		// account alike: the form must not confirm which accounts exist.
		v.Error = c.L.T("login.failed")
		s.render(w, r, c, http.StatusUnauthorized, "login", "login.title", v)
		return
	}
	s.mailLim.Reset(email)
	if err := s.startSession(w, r, u); err != nil {
		s.internal(w, r, c, err)
		return
	}
	http.SetCookie(w, s.cookie(loginCookie, "", -1))
	if l := matchLocale(u.Locale); l != "" {
		http.SetCookie(w, s.langCookie(l))
	}
	s.log.Info("login", "tenant", u.TenantID, "user", u.ID)
	next := v.Next
	if next == "/" {
		if u.Role.AtLeast(domain.RoleSupervisor) {
			next = "/portfolios"
		} else {
			next = "/debtors"
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) langCookie(l string) *http.Cookie {
	ck := s.cookie(langCookie, l, 365*24*3600)
	return ck
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, c *Ctx) {
	if err := s.st.DeleteSession(r.Context(), c.Session.TokenHash); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.internal(w, r, c, err)
		return
	}
	http.SetCookie(w, s.cookie(s.sessionCookieName(), "", -1))
	s.flash(w, "logged_out")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setLocale changes the language: the user's own when logged in (kept in
// the store), and the cookie that the login page reads.
func (s *Server) setLocale(w http.ResponseWriter, r *http.Request, c *Ctx) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	l := matchLocale(r.PostFormValue("lang"))
	if l == "" {
		s.fail(w, r, c, http.StatusBadRequest, "error.bad_request")
		return
	}
	if c.User != nil && c.User.Locale != l {
		u := *c.User
		u.Locale = l
		if err := s.st.UpdateUser(r.Context(), c.Tenant(), u); err != nil {
			s.internal(w, r, c, err)
			return
		}
	}
	http.SetCookie(w, s.langCookie(l))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}
