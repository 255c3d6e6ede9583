package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// Locales the UI speaks, the default first. Every visible string comes from
// messages/<locale>.json; a test checks the catalogs have the same keys and
// that every key a template or handler asks for exists.
var Locales = []string{"pt-BR", "es", "en"}

// DefaultLocale is used before the user chooses (and for unknown locales).
const DefaultLocale = "pt-BR"

//go:embed messages/*.json
var messageFS embed.FS

// catalog maps locale → key → message (fmt verbs allowed).
type catalog map[string]map[string]string

func loadCatalog() (catalog, error) {
	c := catalog{}
	for _, loc := range Locales {
		// messages/<locale>.json is the core catalog; each part of Régua
		// that adds pages brings messages/<part>.<locale>.json of its own.
		files, err := fs.Glob(messageFS, "messages/*."+loc+".json")
		if err != nil {
			return nil, err
		}
		files = append([]string{path.Join("messages", loc+".json")}, files...)
		m := map[string]string{}
		for _, f := range files {
			b, err := messageFS.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("message catalog %s: %w", f, err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("message catalog %s: %w", f, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("message catalog %s: key %q defined twice", f, k)
				}
				m[k] = v
			}
		}
		c[loc] = m
	}
	// Every locale must have every key of the default: a missing one would
	// show a key to a user.
	for _, loc := range Locales {
		var missing []string
		for k := range c[DefaultLocale] {
			if _, ok := c[loc][k]; !ok {
				missing = append(missing, k)
			}
		}
		for k := range c[loc] {
			if _, ok := c[DefaultLocale][k]; !ok {
				missing = append(missing, "extra:"+k)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return nil, fmt.Errorf("message catalog %s: keys differ from %s: %s", loc, DefaultLocale, strings.Join(missing, ", "))
		}
	}
	return c, nil
}

// matchLocale maps a requested locale ("pt", "pt-br", "es-AR", "en-US") to
// one the UI speaks, or "" when none fits.
func matchLocale(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	for _, l := range Locales {
		if strings.ToLower(l) == s {
			return l
		}
	}
	base, _, _ := strings.Cut(s, "-")
	for _, l := range Locales {
		lb, _, _ := strings.Cut(strings.ToLower(l), "-")
		if lb == base {
			return l
		}
	}
	return ""
}

// localeFromAcceptLanguage picks the first supported language of an
// Accept-Language header, ignoring q-values order subtleties (browsers send
// them in preference order).
func localeFromAcceptLanguage(h string) string {
	for _, part := range strings.Split(h, ",") {
		tag, _, _ := strings.Cut(part, ";")
		if l := matchLocale(tag); l != "" {
			return l
		}
	}
	return ""
}

// Localizer translates for one locale.
type Localizer struct {
	Locale string
	msgs   map[string]string
	zone   *time.Location // where instants are shown (the tenant's zone)
}

func (c catalog) localizer(locale string) *Localizer {
	l := matchLocale(locale)
	if l == "" {
		l = DefaultLocale
	}
	return &Localizer{Locale: l, msgs: c[l]}
}

// T returns the message for key, formatted with args. An unknown key shows
// itself in brackets, so a gap is visible rather than blank.
func (l *Localizer) T(key string, args ...any) string {
	m, ok := l.msgs[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}

// Has reports whether key exists (used for optional labels such as enum values).
func (l *Localizer) Has(key string) bool {
	_, ok := l.msgs[key]
	return ok
}

// Enum translates a code under a prefix ("role.admin"), falling back to the
// code itself for values added later than the catalog.
func (l *Localizer) Enum(prefix string, code any) string {
	s := fmt.Sprint(code)
	if m, ok := l.msgs[prefix+"."+s]; ok {
		return m
	}
	return s
}

// Lang is the value for <html lang>.
func (l *Localizer) Lang() string { return l.Locale }
