package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// Ctx is what a handler knows about the request beyond *http.Request: who
// is logged in (nil on public pages), in which tenant, and in which language.
type Ctx struct {
	User    *domain.User
	Session *store.Session
	L       *Localizer
	// Flash is a one-shot notice carried in a cookie across a redirect.
	Flash string
}

// Tenant is the session's tenant: the only tenant a handler may use.
func (c *Ctx) Tenant() domain.TenantID { return c.Session.TenantID }

// CSRF is the token forms must echo.
func (c *Ctx) CSRF() string {
	if c.Session == nil {
		return ""
	}
	return c.Session.CSRF
}

const (
	langCookie  = "regua_lang"
	flashCookie = "regua_flash"
	loginCookie = "regua_login" // double-submit token of the login form
	csrfField   = "csrf"
)

func (s *Server) sessionCookieName() string {
	if s.cfg.SecureCookies {
		// __Host- cookies are refused by browsers unless Secure, Path=/
		// and without Domain: nobody on a sibling subdomain can plant one.
		return "__Host-regua_session"
	}
	return "regua_session"
}

func (s *Server) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	}
}

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("web: crypto/rand failed: " + err.Error()) // rand.Read never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenHash is what the store keeps of a session token.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func sameToken(a, b string) bool {
	return a != "" && len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// startSession creates a session for u and sets its cookie. A fresh token
// on every login means a token planted before login is worthless.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u domain.User) error {
	token := randomToken(32)
	now := s.cfg.Now().UTC()
	sess := store.Session{
		TokenHash: tokenHash(token),
		TenantID:  u.TenantID,
		UserID:    u.ID,
		CSRF:      randomToken(32),
		CreatedAt: now,
		ExpiresAt: now.Add(s.cfg.SessionTTL),
	}
	if err := s.st.CreateSession(r.Context(), sess); err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(s.sessionCookieName(), token, int(s.cfg.SessionTTL.Seconds())))
	return nil
}

// context resolves the session (if any) and the language of the request.
// A session whose user was disabled or removed counts as none.
func (s *Server) context(w http.ResponseWriter, r *http.Request) *Ctx {
	c := &Ctx{}
	if ck, err := r.Cookie(s.sessionCookieName()); err == nil && ck.Value != "" {
		sess, err := s.st.SessionByToken(r.Context(), tokenHash(ck.Value), s.cfg.Now().UTC())
		if err == nil {
			u, err := s.st.User(r.Context(), sess.TenantID, sess.UserID)
			if err == nil && !u.Disabled && u.Role.Valid() {
				c.User, c.Session = &u, &sess
			} else if err != nil && !errors.Is(err, store.ErrNotFound) {
				s.log.Error("web: session user lookup", "err", err)
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("web: session lookup", "err", err)
		}
	}
	locale := ""
	if c.User != nil {
		locale = c.User.Locale
	}
	if locale == "" {
		if ck, err := r.Cookie(langCookie); err == nil {
			locale = matchLocale(ck.Value)
		}
	}
	if locale == "" {
		locale = localeFromAcceptLanguage(r.Header.Get("Accept-Language"))
	}
	c.L = s.msgs.localizer(locale)
	c.L.zone = s.cfg.Zone
	if ck, err := r.Cookie(flashCookie); err == nil && ck.Value != "" {
		// Flash values are catalog keys, never free text: a planted
		// cookie can at most show another of our own messages.
		if c.L.Has("flash." + ck.Value) {
			c.Flash = c.L.T("flash." + ck.Value)
		}
		http.SetCookie(w, s.cookie(flashCookie, "", -1))
	}
	return c
}

// flash sets a one-shot notice (a key under "flash.") for the next page.
func (s *Server) flash(w http.ResponseWriter, key string) {
	http.SetCookie(w, s.cookie(flashCookie, key, 60))
}

// wrap enforces the route's role and the CSRF token of state-changing
// requests, then calls the handler.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := s.context(w, r)
		if rt.Role != "" {
			if c.User == nil {
				if r.Method == http.MethodGet {
					http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
				} else {
					s.fail(w, r, c, http.StatusUnauthorized, "error.unauthorized")
				}
				return
			}
			if !c.User.Role.AtLeast(rt.Role) {
				s.fail(w, r, c, http.StatusForbidden, "error.forbidden")
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			multipart := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/")
			if multipart != rt.Multipart {
				s.fail(w, r, c, http.StatusBadRequest, "error.bad_request")
				return
			}
			// Multipart routes check the token from the first part.
			if !rt.Multipart && !rt.OwnToken && c.Session != nil {
				r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
				if !sameToken(r.PostFormValue(csrfField), c.Session.CSRF) {
					s.fail(w, r, c, http.StatusForbidden, "error.csrf")
					return
				}
			}
		}
		rt.Handler(w, r, c)
	})
}

// safeNext keeps only same-site paths as a redirect target after login.
func safeNext(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}

// clientIP is the address rate limits count by.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustForwardedFor {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); ip != "" {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
