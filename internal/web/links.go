package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store"
)

// LinkStore is what the tracked-link handler needs: reading a link by its
// token and counting a click (which records the "clicked" outcome once).
type LinkStore interface {
	TrackedLink(ctx context.Context, token string) (store.TrackedLink, error)
	ClickLink(ctx context.Context, token string, at time.Time) (store.TrackedLink, error)
}

// LinkOptions configure the public handler of tracked links (links
// rastreados), GET /l/{token}.
type LinkOptions struct {
	Store LinkStore
	// Targets maps a link's symbolic target (the planner writes "portal")
	// to a site path or an http(s) URL. A target that is already a site
	// path or an http(s) URL is used as it is; anything else, and an
	// empty target, lands on the neutral page /l/.
	Targets map[string]string
	// MaxAge makes older links answer "expired" without counting a click
	// (0: 180 days; negative: never).
	MaxAge time.Duration
	// PerIP requests to /l/ are allowed per client address in Window
	// (defaults 60 a minute); MissesPerIP unknown or malformed tokens per
	// address in MissWindow (defaults 20 in 10 minutes) — past either the
	// address gets 429 for a while, which makes guessing tokens hopeless
	// on top of their 128 random bits.
	PerIP       int
	Window      time.Duration
	MissesPerIP int
	MissWindow  time.Duration
}

type linkHandler struct {
	s      *Server
	o      LinkOptions
	all    *limiter
	misses *limiter
}

// AddTrackedLinks mounts GET /l/{token} (public, no login) and the
// neutral landing page GET /l/. Call before the first request.
func (s *Server) AddTrackedLinks(o LinkOptions) {
	if o.MaxAge == 0 {
		o.MaxAge = 180 * 24 * time.Hour
	}
	if o.PerIP <= 0 {
		o.PerIP = 60
	}
	if o.Window <= 0 {
		o.Window = time.Minute
	}
	if o.MissesPerIP <= 0 {
		o.MissesPerIP = 20
	}
	if o.MissWindow <= 0 {
		o.MissWindow = 10 * time.Minute
	}
	h := &linkHandler{s: s, o: o, all: newLimiter(o.PerIP, o.Window), misses: newLimiter(o.MissesPerIP, o.MissWindow)}
	s.Handle(Route{Pattern: "GET /l/{token}", Handler: h.click})
	s.Handle(Route{Pattern: "GET /l/{$}", Handler: func(w http.ResponseWriter, r *http.Request, c *Ctx) {
		h.page(w, r, c, http.StatusOK, "landing")
	}})
}

// AddPublicHandler mounts a handler that is neither a page nor behind a
// login — a machine endpoint such as providers' status callbacks, which
// authenticate themselves (a signature) and send no cookies. Call before
// the first request.
func (s *Server) AddPublicHandler(pattern string, h http.Handler) {
	s.Handle(Route{Pattern: pattern, Handler: func(w http.ResponseWriter, r *http.Request, _ *Ctx) { h.ServeHTTP(w, r) }})
}

type linkView struct{ Heading, Message string }

func (h *linkHandler) page(w http.ResponseWriter, r *http.Request, c *Ctx, status int, what string) {
	// Nothing of the debtor is on these pages; search engines keep none.
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	h.s.render(w, r, c, status, "link", "link.title", linkView{Heading: "link." + what + "_heading", Message: "link." + what})
}

func (h *linkHandler) click(w http.ResponseWriter, r *http.Request, c *Ctx) {
	now := h.s.cfg.Now()
	ip := h.s.clientIP(r)
	for _, l := range []*limiter{h.all, h.misses} {
		if blocked, wait := l.Blocked(ip, now); blocked {
			w.Header().Set("Retry-After", itoa(int(math.Ceil(wait.Seconds()))))
			h.page(w, r, c, http.StatusTooManyRequests, "limited")
			return
		}
	}
	h.all.Add(ip, now)
	token := r.PathValue("token")
	if !journey.ValidToken(token) {
		h.misses.Add(ip, now)
		h.page(w, r, c, http.StatusNotFound, "unknown")
		return
	}
	// Link previews and prefetches are not the debtor opening the link:
	// they get the neutral page, count nothing and learn nothing (not even
	// whether the token exists).
	if Prefetch(r) {
		h.page(w, r, c, http.StatusOK, "landing")
		return
	}
	l, err := h.o.Store.TrackedLink(r.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		h.misses.Add(ip, now)
		h.page(w, r, c, http.StatusNotFound, "unknown")
		return
	}
	if err != nil {
		h.s.internal(w, r, c, err)
		return
	}
	if h.o.MaxAge > 0 && now.Sub(l.CreatedAt) > h.o.MaxAge {
		h.page(w, r, c, http.StatusGone, "expired")
		return
	}
	if _, err := h.o.Store.ClickLink(r.Context(), token, now); err != nil {
		// The debtor still goes where the message promised; the click is
		// lost, which the log says (without the token: it opens the link).
		h.s.log.Error("tracked link: click not recorded", "tenant", l.TenantID, "step", l.StepID, "err", err)
	}
	// The tracked URL must not travel on to the target as a Referer.
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, h.target(l.Target), http.StatusSeeOther)
}

// target resolves a link's target to where the click goes.
func (h *linkHandler) target(t string) string {
	if m, ok := h.o.Targets[t]; ok {
		t = m
	}
	if strings.HasPrefix(t, "/") && !strings.HasPrefix(t, "//") && !strings.HasPrefix(t, "/\\") {
		return t
	}
	if u, err := url.Parse(t); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return u.String()
	}
	return "/l/"
}

// previewAgents are substrings (lower case) of the User-Agent of link
// preview fetchers and crawlers: messengers and social networks fetch a
// link as soon as it is sent or shown, before (or without) anyone
// tapping it.
var previewAgents = []string{
	"whatsapp", "facebookexternalhit", "facebot", "meta-externalagent", "slackbot", "slack-imgproxy", "twitterbot",
	"telegrambot", "linkedinbot", "discordbot", "skypeuripreview", "microsoftpreview", "googlebot",
	"google-pagerenderer", "bingbot", "bingpreview", "applebot", "pinterest", "redditbot", "embedly", "iframely",
	"vkshare", "bot/", "bot;", "crawler", "spider", "preview", "python-requests", "go-http-client", "curl/", "wget/",
}

// Prefetch reports whether r is a link preview, a prefetch or a HEAD
// request rather than a person opening the link: such requests must not
// count as clicks.
func Prefetch(r *http.Request) bool {
	if r.Method == http.MethodHead {
		return true
	}
	for _, h := range []string{"Purpose", "Sec-Purpose", "X-Purpose", "X-Moz"} {
		if v := strings.ToLower(r.Header.Get(h)); strings.Contains(v, "prefetch") || strings.Contains(v, "preview") {
			return true
		}
	}
	ua := strings.ToLower(r.Header.Get("User-Agent"))
	if ua == "" {
		return true // every browser sends one
	}
	for _, p := range previewAgents {
		if strings.Contains(ua, p) {
			return true
		}
	}
	return false
}
