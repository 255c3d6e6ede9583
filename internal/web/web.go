// Package web is Régua's browser interface: server-rendered pages
// (html/template, embedded templates and assets, a little hand-written CSS
// and JS, no build step) for supervisors, agents and admins of a tenant.
//
// Every page speaks pt-BR, es or en from one message catalog. Login checks
// argon2id hashes, sessions live in the store (only the SHA-256 of the
// cookie token is kept), every POST carries the session's CSRF token, and
// each route names the least role that may use it. Every handler reads the
// tenant from the session and nothing else, so a user of one tenant cannot
// name another tenant's rows.
//
// Later pages (journeys, agent workspace, payments reconciliation, portal)
// plug in with Server.Handle and Server.AddNav and a template file in
// templates/ that defines "title" and "content".
package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // debtors' zones must resolve on machines without zoneinfo

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// ImportFunc imports one portfolio file read from r into portfolioID and
// returns the id of the store.ImportRun it recorded (with its rejects). A
// file refused as a whole is a finished run with Error set; err is for
// failures that left no run to show.
type ImportFunc func(ctx context.Context, tenant domain.TenantID, portfolioID int64, fileName string, r io.Reader) (runID int64, err error)

// Config is what New needs.
type Config struct {
	Store  store.Store
	Logger *slog.Logger // nil: slog.Default()
	Import ImportFunc   // nil: importer.Run with default options (RunImporter)

	// SecureCookies marks cookies Secure (and names the session cookie
	// with the __Host- prefix); set it whenever the site is served over HTTPS.
	SecureCookies bool
	// BaseURL is the public address ("https://regua.example.com"); when set,
	// its origin is trusted for cross-origin POST checks behind proxies.
	BaseURL string

	// Registry receives the HTTP metrics and is served at /metrics. Nil:
	// a fresh registry with the Go and process collectors.
	Registry *prometheus.Registry

	// MaxUpload bounds one uploaded file in bytes (default 2 GiB).
	MaxUpload int64
	// SessionTTL is how long a login lasts (default 12 h).
	SessionTTL time.Duration
	// Login rate limits: failed attempts allowed per client address and per
	// e-mail in LoginWindow (defaults 20 and 5 in 15 minutes).
	LoginPerIP, LoginPerEmail int
	LoginWindow               time.Duration
	// TrustForwardedFor takes the client address from X-Forwarded-For's
	// last hop, for deployments behind a reverse proxy that sets it.
	TrustForwardedFor bool

	// Zone is where "today" is counted for days past due (default
	// America/Sao_Paulo).
	Zone *time.Location
	// Now is the clock (default time.Now); tests fix it.
	Now func() time.Time
}

// Server is the web UI. It is an http.Handler.
type Server struct {
	cfg      Config
	st       store.Store
	log      *slog.Logger
	msgs     catalog
	tpl      *templates
	mux      *http.ServeMux
	handler  http.Handler
	routes   []Route
	nav      []NavItem
	ipLimit  *limiter
	mailLim  *limiter
	reqs     *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	registry *prometheus.Registry
	once     sync.Once
	built    bool
}

// Route is one page or action. Pattern is a net/http pattern with method
// ("GET /debtors/{id}"). Role is the least role allowed; empty means the
// route is public (login, assets, health).
type Route struct {
	Pattern string
	Role    domain.Role
	// Multipart routes take multipart/form-data (others refuse it) and
	// check the CSRF token themselves from the first form part, so the
	// file streams without being buffered first.
	Multipart bool
	// OwnToken routes check a token of their own instead of the session's
	// (the login form's double-submit token: it is posted before there is
	// a session, or from a stale tab of an old one).
	OwnToken bool
	Handler  func(w http.ResponseWriter, r *http.Request, c *Ctx)
}

// NavItem is one entry of the top navigation, shown to users with at
// least Role. Label is a message-catalog key. Order sorts entries.
type NavItem struct {
	Label string
	Path  string
	Role  domain.Role
	Order int
}

// New builds the web UI over cfg.Store.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: no store")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 2 << 30
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.LoginPerIP <= 0 {
		cfg.LoginPerIP = 20
	}
	if cfg.LoginPerEmail <= 0 {
		cfg.LoginPerEmail = 5
	}
	if cfg.LoginWindow <= 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Zone == nil {
		z, err := time.LoadLocation("America/Sao_Paulo")
		if err != nil {
			return nil, fmt.Errorf("web: zone: %w", err)
		}
		cfg.Zone = z
	}
	if cfg.Import == nil {
		cfg.Import = defaultImport(cfg.Store, cfg.Now)
	}
	msgs, err := loadCatalog()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	tpl, err := loadTemplates()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s := &Server{
		cfg:     cfg,
		st:      cfg.Store,
		log:     cfg.Logger,
		msgs:    msgs,
		tpl:     tpl,
		mux:     http.NewServeMux(),
		ipLimit: newLimiter(cfg.LoginPerIP, cfg.LoginWindow),
		mailLim: newLimiter(cfg.LoginPerEmail, cfg.LoginWindow),
	}
	s.registry = cfg.Registry
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
		s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	s.reqs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "regua_http_requests_total", Help: "HTTP requests by route and status class.",
	}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "regua_http_request_duration_seconds", Help: "HTTP request duration by route.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route"})
	if err := s.registry.Register(s.reqs); err != nil {
		return nil, fmt.Errorf("web: metrics: %w", err)
	}
	if err := s.registry.Register(s.latency); err != nil {
		return nil, fmt.Errorf("web: metrics: %w", err)
	}
	s.addCoreRoutes()
	return s, nil
}

// Handle adds a route. Call before the first request.
func (s *Server) Handle(r Route) {
	if s.built {
		panic("web: Handle after the server started serving")
	}
	s.routes = append(s.routes, r)
}

// AddNav adds a top navigation entry. Call before the first request.
func (s *Server) AddNav(n NavItem) {
	if s.built {
		panic("web: AddNav after the server started serving")
	}
	s.nav = append(s.nav, n)
	sort.SliceStable(s.nav, func(i, j int) bool { return s.nav[i].Order < s.nav[j].Order })
}

// Routes lists the routes (for tests that walk all of them).
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

func (s *Server) build() {
	s.built = true
	for _, rt := range s.routes {
		s.mux.Handle(rt.Pattern, s.wrap(rt))
	}
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.Handle("GET /assets/", assetHandler())
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c := s.context(w, r)
		s.notFound(w, r, c)
	})
	cop := http.NewCrossOriginProtection()
	if s.cfg.BaseURL != "" {
		if err := cop.AddTrustedOrigin(strings.TrimRight(s.cfg.BaseURL, "/")); err != nil {
			s.log.Warn("web: base URL not usable as a trusted origin", "base_url", s.cfg.BaseURL, "err", err)
		}
	}
	s.handler = s.observe(securityHeaders(cop.Handler(s.mux)))
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.once.Do(s.build)
	s.handler.ServeHTTP(w, r)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.st.Ping(ctx); err != nil {
		s.log.Error("healthz: store ping failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "store unavailable\n")
		return
	}
	io.WriteString(w, "ok\n")
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs and counts every request by its route pattern, never by its
// URL: a search URL carries a CPF or a phone, which must not reach logs.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		route := r.Pattern
		if route == "" || route == "/" {
			route = "other"
		}
		if strings.HasPrefix(route, "GET /assets/") {
			route = "GET /assets/"
		}
		d := time.Since(start)
		s.reqs.WithLabelValues(route, fmt.Sprintf("%dxx", sw.code/100)).Inc()
		s.latency.WithLabelValues(route).Observe(d.Seconds())
		lvl := slog.LevelDebug
		if sw.code >= 500 {
			lvl = slog.LevelError
		} else if r.Method != http.MethodGet {
			lvl = slog.LevelInfo
		}
		s.log.Log(r.Context(), lvl, "http", "method", r.Method, "route", route, "status", sw.code, "ms", d.Milliseconds())
	})
}
