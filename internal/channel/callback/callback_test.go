package callback

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	at := time.Date(2026, 11, 24, 13, 0, 2, 0, time.UTC)
	for _, c := range []struct {
		name, body string
		want       Report
		err        string
	}{
		{"reference", `{"reference":"rg-1-a42","status":"delivered","at":"2026-11-24T13:00:02Z"}`, Report{Reference: "rg-1-a42", Status: "delivered", At: at}, ""},
		{"provider ref, zone, detail", `{"provider_ref":"sink-sms-7","status":"failed","at":"2026-11-24T10:00:02-03:00","detail":" handset\u0000 off ","extra":1}`,
			Report{ProviderRef: "sink-sms-7", Status: "failed", At: at, Detail: "handset  off"}, ""},
		{"both", `{"reference":"rg-12-a3","provider_ref":"x","status":"read","at":"2026-11-24T13:00:02.000Z"}`, Report{Reference: "rg-12-a3", ProviderRef: "x", Status: "read", At: at}, ""},
		{"unknown status", `{"reference":"rg-1-a42","status":"bounced","at":"2026-11-24T13:00:02Z"}`, Report{}, `status "bounced"`},
		{"no status", `{"reference":"rg-1-a42","at":"2026-11-24T13:00:02Z"}`, Report{}, `status ""`},
		{"no time", `{"reference":"rg-1-a42","status":"read"}`, Report{}, "at: missing"},
		{"bad time", `{"reference":"rg-1-a42","status":"read","at":"24/11/2026"}`, Report{}, "not an RFC 3339 time"},
		{"no reference", `{"status":"read","at":"2026-11-24T13:00:02Z"}`, Report{}, "one is needed"},
		{"bad reference", `{"reference":"rg-1-42","status":"read","at":"2026-11-24T13:00:02Z"}`, Report{}, "not a Régua attempt reference"},
		{"spaces in ref", `{"provider_ref":"a b","status":"read","at":"2026-11-24T13:00:02Z"}`, Report{}, "not printable"},
		{"long ref", `{"provider_ref":"` + strings.Repeat("x", MaxRef+1) + `","status":"read","at":"2026-11-24T13:00:02Z"}`, Report{}, "more than 200 bytes"},
		{"wrong type", `{"reference":42,"status":"read","at":"2026-11-24T13:00:02Z"}`, Report{}, "body:"},
		{"two values", `{"reference":"rg-1-a42","status":"read","at":"2026-11-24T13:00:02Z"} {}`, Report{}, "after the JSON object"},
		{"array", `[]`, Report{}, "body:"},
		{"null", `null`, Report{}, `status ""`},
		{"empty", ``, Report{}, "body:"},
		{"too big", `{"detail":"` + strings.Repeat("x", MaxBody) + `"}`, Report{}, "more than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse([]byte(c.body))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %+v %v, want %+v", got, err, c.want)
			}
		})
	}
}

func TestDetailBounded(t *testing.T) {
	r, err := Parse([]byte(`{"reference":"rg-1-a1","status":"replied","at":"2026-11-24T13:00:02Z","detail":"` + strings.Repeat("ã", MaxDetail) + `"}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Detail) > MaxDetail+len("…") || !strings.HasSuffix(r.Detail, "…") || !strings.HasPrefix(r.Detail, "ãã") {
		t.Errorf("detail %d bytes: %q…", len(r.Detail), r.Detail[:10])
	}
}

func TestReference(t *testing.T) {
	if got := Reference(3, 42); got != "rg-3-a42" {
		t.Fatal(got)
	}
	for s, ok := range map[string]bool{"rg-3-a42": true, "rg-1-a1": true, "rg-0-a1": false, "rg-1-a0": false, "rg-01-a1": false, "rg-1-a+1": false,
		"rg--1-a1": false, "rg-1-a": false, "rg-1": false, "xx-1-a1": false, "rg-1-a1-a2": false, "rg-99999999999999999999-a1": false} {
		tenant, id, got := ParseReference(s)
		if got != ok {
			t.Errorf("%q: %v", s, got)
		}
		if ok && Reference(tenant, id) != s {
			t.Errorf("%q round trip: %s", s, Reference(tenant, id))
		}
	}
}

func TestSignature(t *testing.T) {
	body := []byte(`{"reference":"rg-1-a1","status":"read","at":"2026-11-24T13:00:02Z"}`)
	sig := Sign([]byte("s3cret"), body)
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != 7+64 {
		t.Fatal(sig)
	}
	if !Verify([]byte("s3cret"), body, sig) || !Verify([]byte("s3cret"), body, " "+sig+" ") {
		t.Error("good signature refused")
	}
	for name, c := range map[string]struct {
		secret, body, sig string
	}{
		"other secret": {"other", string(body), sig},
		"other body":   {"s3cret", string(body) + " ", sig},
		"no prefix":    {"s3cret", string(body), strings.TrimPrefix(sig, "sha256=")},
		"not hex":      {"s3cret", string(body), "sha256=zz"},
		"empty":        {"s3cret", string(body), ""},
		"no secret":    {"", string(body), Sign(nil, body)},
	} {
		if Verify([]byte(c.secret), []byte(c.body), c.sig) {
			t.Errorf("%s: verified", name)
		}
	}
}

func TestEnvSecrets(t *testing.T) {
	env := map[string]string{"REGUA_CALLBACK_SECRET": "all", "REGUA_CALLBACK_SECRET_ZENVIA_BR": "own"}
	s := EnvSecrets(func(k string) string { return env[k] })
	if string(s("zenvia-br")) != "own" || string(s("sink")) != "all" {
		t.Errorf("%s %s", s("zenvia-br"), s("sink"))
	}
	for name, ok := range map[string]bool{"sink": true, "zenvia-br": true, "a_1": true, "": false, "Sink": false, "a/b": false, strings.Repeat("a", 33): false} {
		if ValidProvider(name) != ok {
			t.Errorf("ValidProvider(%q) = %v", name, !ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"reference":"rg-1-a42","status":"delivered","at":"2026-11-24T13:00:02Z"}`,
		`{"provider_ref":"sink-sms-7","status":"failed","at":"2026-11-24T10:00:02-03:00","detail":"x"}`,
		`{"reference":"rg-1-a42","provider_ref":"p","status":"replied","at":"2026-11-24T13:00:02.123456789Z","detail":"já paguei \u00e3"}`,
		`{"status":"read"}`, `[]`, `null`, `{"at":1}`, "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := Parse(body)
		if err != nil {
			return
		}
		if !statuses[r.Status] || r.At.IsZero() || r.At.Location() != time.UTC || (r.Reference == "" && r.ProviderRef == "") {
			t.Fatalf("accepted %q as %+v", body, r)
		}
		if len(r.Reference) > MaxRef || len(r.ProviderRef) > MaxRef || len(r.Detail) > MaxDetail+len("…") {
			t.Fatalf("bounds: %+v", r)
		}
		if r.Reference != "" {
			if _, _, ok := ParseReference(r.Reference); !ok {
				t.Fatalf("reference %q", r.Reference)
			}
		}
		for _, c := range r.Detail {
			if c < ' ' || c == 0x7f {
				t.Fatalf("control character in detail %q", r.Detail)
			}
		}
	})
}

func FuzzParseReference(f *testing.F) {
	for _, s := range []string{"rg-1-a42", "rg-0-a1", "rg-1-a-1", "rg-1-a1-a2", "rg-9223372036854775807-a9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tenant, id, ok := ParseReference(s)
		if !ok {
			return
		}
		if tenant <= 0 || id <= 0 || Reference(tenant, id) != s {
			t.Fatalf("%q parsed as %d, %d", s, tenant, id)
		}
	})
}
