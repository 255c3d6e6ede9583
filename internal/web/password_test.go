package web

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string with our parameters", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
		{"correct horse battery ", false},
	} {
		if got := CheckPassword(h, tc.pw); got != tc.want {
			t.Errorf("CheckPassword(%q) = %v", tc.pw, got)
		}
	}
	if _, err := HashPassword("short"); !errors.Is(err, ErrPasswordTooShort) {
		t.Errorf("short password: %v", err)
	}
	if _, err := HashPassword(strings.Repeat("x", MaxPasswordLen+1)); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("long password: %v", err)
	}
	// Ten characters counted as characters, not bytes.
	if _, err := HashPassword("ááááááááá"); !errors.Is(err, ErrPasswordTooShort) {
		t.Errorf("9 accented characters accepted")
	}
}

func TestCheckPasswordRefusesMalformedHashes(t *testing.T) {
	good, _ := HashPassword("correct horse battery")
	f := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":        "",
		"bcrypt":       "$2a$10$abcdefghijklmnopqrstuu1234567890123456789012345678901",
		"argon2i":      strings.Replace(good, "argon2id", "argon2i", 1),
		"old version":  strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":  strings.Join([]string{"", f[1], f[2], "m=4194304,t=2,p=1", f[4], f[5]}, "$"),
		"many passes":  strings.Join([]string{"", f[1], f[2], "m=19456,t=99,p=1", f[4], f[5]}, "$"),
		"zero threads": strings.Join([]string{"", f[1], f[2], "m=19456,t=2,p=0", f[4], f[5]}, "$"),
		"unknown key":  strings.Join([]string{"", f[1], f[2], "m=19456,t=2,x=1", f[4], f[5]}, "$"),
		"bad salt":     strings.Join([]string{"", f[1], f[2], f[3], "!!", f[5]}, "$"),
		"short key":    strings.Join([]string{"", f[1], f[2], f[3], f[4], "AAAA"}, "$"),
		"extra field":  good + "$x",
	} {
		if CheckPassword(h, "correct horse battery") {
			t.Errorf("%s: malformed hash accepted", name)
		}
	}
}

func FuzzParseHash(f *testing.F) {
	good, _ := HashPassword("correct horse battery")
	f.Add(good)
	f.Add("")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$$")
	f.Add("$argon2id$v=19$m=-1,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Fuzz(func(t *testing.T, h string) {
		p, err := parseHash(h)
		if err != nil {
			return
		}
		// Whatever parses stays within the bounds a login may spend.
		if p.memory == 0 || p.memory > 1<<20 || p.time == 0 || p.time > 20 || p.threads == 0 || len(p.salt) < 8 || len(p.key) < 16 || len(p.key) > 64 {
			t.Fatalf("parsed out-of-bounds parameters from %q: %+v", h, p)
		}
	})
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/debtors?q=1", "//evil.example", "/\\evil", "https://evil.example", "", "javascript:alert(1)", "/%2F%2Fevil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safeNext(s)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") {
			t.Fatalf("safeNext(%q) = %q leaves the site", s, got)
		}
	})
}

func TestLimiterSlidingWindow(t *testing.T) {
	l := newLimiter(3, time.Minute)
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	for i := range 3 {
		if blocked, _ := l.Blocked("k", t0.Add(time.Duration(i)*10*time.Second)); blocked {
			t.Fatalf("blocked before the allowance is used (event %d)", i)
		}
		l.Add("k", t0.Add(time.Duration(i)*10*time.Second))
	}
	blocked, wait := l.Blocked("k", t0.Add(25*time.Second))
	if !blocked || wait != 35*time.Second {
		t.Fatalf("after 3 events: blocked=%v wait=%v, want true 35s", blocked, wait)
	}
	if blocked, _ := l.Blocked("other", t0); blocked {
		t.Error("keys are not independent")
	}
	// The first event leaves the window at t0+60s: one more is allowed.
	if blocked, _ := l.Blocked("k", t0.Add(60*time.Second+time.Millisecond)); blocked {
		t.Error("window does not slide")
	}
	l.Reset("k")
	if blocked, _ := l.Blocked("k", t0.Add(30*time.Second)); blocked {
		t.Error("Reset did not forget")
	}
	// Idle keys are swept so the map does not grow without bound.
	for i := range 1000 {
		l.Add("ip"+itoa(i), t0)
	}
	l.Add("late", t0.Add(2*time.Minute))
	l.mu.Lock()
	n := len(l.hits)
	l.mu.Unlock()
	if n != 1 {
		t.Errorf("%d keys kept after the window passed, want 1", n)
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	h, _ := HashPassword("correct horse battery")
	for b.Loop() {
		CheckPassword(h, "correct horse battery")
	}
}
