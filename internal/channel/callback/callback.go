// Package callback takes providers' status callbacks — a message was
// delivered, read, replied to, a link in it clicked, or it failed on the
// way — and records them as outcomes of the attempt that sent it, so that
// journeys can branch on them.
//
// The wire format is Régua's JSON message API (channel.HTTP, the sink):
//
//	POST /hooks/channel/{provider}
//	X-Regua-Signature: sha256=<hex HMAC-SHA256 of the body with the provider's secret>
//	{"reference":"rg-1-a42","provider_ref":"sink-sms-7","status":"delivered","at":"2026-11-24T13:00:02Z","detail":""}
//
// reference is the opaque attempt reference Régua sent with the message
// (channel.Message.Reference: tenant and attempt id, no personal data);
// providers that echo only their own message id send provider_ref, found
// through the store. The same callback twice records once.
package callback

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/regua/regua/internal/domain"
)

// Statuses a callback may report.
const (
	Delivered = "delivered"
	Read      = "read"
	Failed    = "failed" // a delivery failure after the provider took the message
	Replied   = "replied"
	Clicked   = "clicked"
)

var statuses = map[string]bool{Delivered: true, Read: true, Failed: true, Replied: true, Clicked: true}

// Bounds of a callback: the body, and each field (references are short
// ids; detail is a failure reason or a short reply).
const (
	MaxBody   = 16 << 10
	MaxRef    = 200
	MaxDetail = 1000
)

// SignatureHeader carries the body's HMAC.
const SignatureHeader = "X-Regua-Signature"

// Report is one status callback.
type Report struct {
	Reference   string    `json:"reference,omitempty"`    // Régua's attempt reference, rg-<tenant>-a<attempt>
	ProviderRef string    `json:"provider_ref,omitempty"` // the provider's message id
	Status      string    `json:"status"`
	At          time.Time `json:"at"`
	Detail      string    `json:"detail,omitempty"`
}

// Parse reads and validates a callback body: one JSON object with a known
// status, a time, at least one reference, fields within their bounds.
// Unknown fields are ignored (providers add their own).
func Parse(body []byte) (Report, error) {
	var r Report
	if len(body) > MaxBody {
		return r, fmt.Errorf("body: more than %d bytes", MaxBody)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw struct {
		Reference   *string `json:"reference"`
		ProviderRef *string `json:"provider_ref"`
		Status      *string `json:"status"`
		At          *string `json:"at"`
		Detail      *string `json:"detail"`
	}
	if err := dec.Decode(&raw); err != nil {
		return r, fmt.Errorf("body: %w", err)
	}
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return r, errors.New("body: data after the JSON object")
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	r.Reference, r.ProviderRef, r.Status, r.Detail = str(raw.Reference), str(raw.ProviderRef), str(raw.Status), str(raw.Detail)
	if !statuses[r.Status] {
		return r, fmt.Errorf("status %q: want delivered, read, failed, replied or clicked", r.Status)
	}
	if raw.At == nil || *raw.At == "" {
		return r, errors.New("at: missing (RFC 3339 time of the event)")
	}
	at, err := time.Parse(time.RFC3339Nano, *raw.At)
	if err != nil {
		return r, fmt.Errorf("at: %q is not an RFC 3339 time", *raw.At)
	}
	if at.Year() < 2000 || at.Year() > 9999 {
		return r, fmt.Errorf("at: %s is out of range", *raw.At)
	}
	r.At = at.UTC()
	if r.Reference == "" && r.ProviderRef == "" {
		return r, errors.New("reference or provider_ref: one is needed")
	}
	for _, f := range []struct{ name, v string }{{"reference", r.Reference}, {"provider_ref", r.ProviderRef}} {
		if len(f.v) > MaxRef {
			return r, fmt.Errorf("%s: more than %d bytes", f.name, MaxRef)
		}
		for i := 0; i < len(f.v); i++ {
			if c := f.v[i]; c <= ' ' || c >= 0x7f {
				return r, fmt.Errorf("%s: byte %d is not printable ASCII", f.name, i)
			}
		}
	}
	if r.Reference != "" {
		if _, _, ok := ParseReference(r.Reference); !ok {
			return r, fmt.Errorf("reference %q: not a Régua attempt reference", r.Reference)
		}
	}
	r.Detail = cleanDetail(r.Detail)
	return r, nil
}

// cleanDetail keeps detail printable and bounded: it is shown on the
// timeline.
func cleanDetail(s string) string {
	s = strings.ToValidUTF8(s, "�")
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > MaxDetail {
		cut := MaxDetail
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// Reference is Régua's opaque attempt reference, as dispatch sends it in
// channel.Message.Reference.
func Reference(tenant domain.TenantID, attempt int64) string {
	return fmt.Sprintf("rg-%d-a%d", tenant, attempt)
}

// ParseReference reads a reference made by Reference.
func ParseReference(s string) (domain.TenantID, int64, bool) {
	rest, ok := strings.CutPrefix(s, "rg-")
	if !ok {
		return 0, 0, false
	}
	t, a, ok := strings.Cut(rest, "-a")
	if !ok {
		return 0, 0, false
	}
	tenant, err1 := strconv.ParseInt(t, 10, 64)
	attempt, err2 := strconv.ParseInt(a, 10, 64)
	if err1 != nil || err2 != nil || tenant <= 0 || attempt <= 0 || strconv.FormatInt(tenant, 10) != t || strconv.FormatInt(attempt, 10) != a {
		return 0, 0, false
	}
	return domain.TenantID(tenant), attempt, true
}

// Sign returns the signature header value of body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header is body's signature under secret (in
// constant time). An empty secret verifies nothing.
func Verify(secret, body []byte, header string) bool {
	if len(secret) == 0 {
		return false
	}
	got, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	sum, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(sum, m.Sum(nil))
}

// ValidProvider reports whether name may name a provider in a callback
// URL and an environment variable: 1–32 of a-z, 0-9, '-' and '_'.
func ValidProvider(name string) bool {
	if name == "" || len(name) > 32 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Secrets finds a provider's callback secret.
type Secrets func(provider string) []byte

// EnvSecrets reads REGUA_CALLBACK_SECRET_<PROVIDER> (upper case, '-' as
// '_'), else REGUA_CALLBACK_SECRET.
func EnvSecrets(getenv func(string) string) Secrets {
	return func(provider string) []byte {
		if v := getenv(EnvName(provider)); v != "" {
			return []byte(v)
		}
		return []byte(getenv("REGUA_CALLBACK_SECRET"))
	}
}

// EnvName is the variable holding a provider's own secret.
func EnvName(provider string) string {
	return "REGUA_CALLBACK_SECRET_" + strings.ToUpper(strings.ReplaceAll(provider, "-", "_"))
}
