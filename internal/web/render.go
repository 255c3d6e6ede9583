package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// templates holds one parsed set per page: the layout plus the page's file,
// which defines "title" and "content" (and may define "head").
type templates struct {
	pages map[string]*template.Template
}

var templateFuncs = template.FuncMap{
	// add is for 1-based counters in templates.
	"add": func(a, b int) int { return a + b },
	// pair hands a partial template the page and one value.
	"pair": func(p page, v any) map[string]any { return map[string]any{"P": p, "V": v} },
}

func loadTemplates() (*templates, error) {
	layout, err := templateFS.ReadFile("templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	base, err := template.New("layout").Funcs(templateFuncs).Parse(string(layout))
	if err != nil {
		return nil, fmt.Errorf("templates: layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Files named _*.html are partials shared by every page.
	for _, f := range files {
		if !strings.HasPrefix(path.Base(f), "_") {
			continue
		}
		b, err := templateFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if _, err := base.Parse(string(b)); err != nil {
			return nil, fmt.Errorf("templates: %s: %w", f, err)
		}
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		b, err := templateFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		set, err := template.Must(base.Clone()).Parse(string(b))
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", name, err)
		}
		t.pages[name] = set
	}
	return t, nil
}

func assetHandler() http.Handler {
	sub, err := fs.Sub(assetFS, "assets")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/assets/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Assets change only with the binary; an hour of caching is safe
		// and the version query in the layout busts it on upgrade.
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// navLink is a NavItem resolved for one request.
type navLink struct {
	Label  string
	Path   string
	Active bool
}

// page is the data every template receives: the request context plus the
// page's own view model in Data.
type page struct {
	*Ctx
	Title   string
	Nav     []navLink
	Locales []localeOption
	Path    string
	Data    any
}

type localeOption struct {
	Code, Name string
	Current    bool
}

// localeNames are shown in their own language in the switcher.
var localeNames = map[string]string{"pt-BR": "Português", "es": "Español", "en": "English"}

func (s *Server) render(w http.ResponseWriter, r *http.Request, c *Ctx, status int, name string, titleKey string, data any) {
	set, ok := s.tpl.pages[name]
	if !ok {
		s.log.Error("web: no template", "template", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	p := page{Ctx: c, Title: c.L.T(titleKey), Path: r.URL.Path, Data: data}
	if c.User != nil {
		for _, n := range s.nav {
			if c.User.Role.AtLeast(n.Role) {
				p.Nav = append(p.Nav, navLink{Label: c.L.T(n.Label), Path: n.Path,
					Active: r.URL.Path == n.Path || strings.HasPrefix(r.URL.Path, n.Path+"/")})
			}
		}
	}
	for _, l := range Locales {
		p.Locales = append(p.Locales, localeOption{Code: l, Name: localeNames[l], Current: l == c.L.Locale})
	}
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("web: render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

type errorView struct {
	Status  int
	Message string
}

// fail shows an error page with a catalog message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, c *Ctx, status int, key string) {
	s.render(w, r, c, status, "error", "error.title", errorView{Status: status, Message: c.L.T(key)})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, c *Ctx) {
	s.fail(w, r, c, http.StatusNotFound, "error.not_found")
}

// internal logs err with the route and shows a generic error.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, c *Ctx, err error) {
	s.log.Error("web: handler failed", "route", r.Pattern, "err", err)
	s.fail(w, r, c, http.StatusInternalServerError, "error.internal")
}

// storeErr turns a store error into 404 (not found for this tenant) or 500.
func (s *Server) storeErr(w http.ResponseWriter, r *http.Request, c *Ctx, err error) {
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, c)
		return
	}
	s.internal(w, r, c, err)
}

// pathID reads a positive int64 path value; 0 when absent or malformed.
func pathID(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// Formatting in the viewer's language.

// Money formats an amount.
func (l *Localizer) Money(m money.Money) string { return m.Format(l.Locale) }

// Date formats a calendar date.
func (l *Localizer) Date(d date.Date) string { return d.Format(l.Locale) }

// Time formats an instant as date and time of day in the tenant's zone.
func (l *Localizer) Time(t time.Time) string { return l.TimeIn(t, l.zone) }

// TimeIn formats an instant as date and time of day in loc.
func (l *Localizer) TimeIn(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc != nil {
		t = t.In(loc)
	}
	return date.Of(t).Format(l.Locale) + " " + t.Format("15:04")
}

// Num formats an integer with the locale's thousands separator.
func (l *Localizer) Num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	sep := "."
	if strings.HasPrefix(l.Locale, "en") {
		sep = ","
	}
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(ch)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
