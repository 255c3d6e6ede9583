package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

func TestJourneyCLI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	db, err := sqldb.Open(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.NewFixture(t, db, "Acme")
	debtor := f.Rows[0].Debtor
	db.Close()

	run := func(want int, args ...string) string {
		t.Helper()
		code, out, errs := runCLI(t, append(args, "--db", path)...)
		if code != want {
			t.Fatalf("regua %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errs)
		}
		return out + errs
	}
	if out := run(0, "journey", "demo"); !strings.Contains(out, "4 demo journeys") {
		t.Errorf("demo: %s", out)
	}
	if out := run(0, "journey", "list"); !strings.Contains(out, "cobranca-padrao") || !strings.Contains(out, "active") {
		t.Errorf("list: %s", out)
	}
	// An invalid edit names the place at fault.
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"key":"cobranca-padrao","name":"X","steps":[{"id":"a","day":0,"action":"task","priority":1,"when":"dpd >> 3"}]}`), 0o644)
	if out := run(1, "journey", "edit", bad); !strings.Contains(out, "steps[0] (a).when: column 6") {
		t.Errorf("bad edit: %s", out)
	}
	good := filepath.Join(t.TempDir(), "good.json")
	os.WriteFile(good, []byte(`{"key":"novo","name":"Novo","steps":[{"id":"a","day":0,"action":"task","priority":1}]}`), 0o644)
	if out := run(1, "journey", "edit", good); !strings.Contains(out, "create it first") {
		t.Errorf("edit of a new key: %s", out)
	}
	if out := run(0, "journey", "create", good); !strings.Contains(out, "journey novo version 1 (draft)") {
		t.Errorf("create: %s", out)
	}
	// José's first installment is due 2026-09-10: on 2026-09-05 the D-5 e-mail is due.
	if out := run(0, "journey", "enrol", "--day", "2026-09-05"); !strings.Contains(out, "enrolled 3 of 3") {
		t.Errorf("enrol: %s", out)
	}
	out := run(0, "journey", "plan", "--day", "2026-09-05")
	if !strings.Contains(out, "1 attempts planned") {
		t.Errorf("plan: %s", out)
	}
	if out := run(0, "journey", "plan", "--day", "2026-09-05"); !strings.Contains(out, "0 attempts planned") {
		t.Errorf("plan again: %s", out)
	}
	// 2026-09-05 is a Saturday and Monday 09-07 is Independence Day: the
	// e-mail moves to Tuesday and explain says why.
	out = run(0, "explain", "attempt", "1", "--lang", "en")
	for _, want := range []string{"Attempt 1: lembrete-email by email, step d-5-email", "2026-09-08 11", "It did not go out on the step's day (2026-09-05)", "weekend"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	out = run(0, "journey", "preview", "cobranca-padrao", "--debtor", "1", "--from", "2026-09-01", "--days", "40", "--lang", "en")
	for _, want := range []string{"d-5-email", "d0-whatsapp", "moved", debtor.Name} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	if out := run(0, "journey", "show", "cobranca-padrao"); !strings.Contains(out, "D+90") || !strings.Contains(out, "champion") {
		t.Errorf("show: %s", out)
	}
	run(0, "journey", "pause", "cobranca-padrao")
	if out := run(0, "journey", "plan", "--day", "2026-09-09"); !strings.Contains(out, "0 attempts planned") {
		t.Errorf("plan of a paused journey: %s", out)
	}
}

// TestDemoPortalLinks: the demo journeys loaded with the demo's own portal
// link to it; without one they keep the demo set's portal_url.
func TestDemoPortalLinks(t *testing.T) {
	for _, c := range []struct {
		portal, want string
	}{
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/l/"},
		{"", DemoPortalURL + "/l/"},
	} {
		storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
			ctx := context.Background()
			f := storetest.NewFixture(t, db, "Acme")
			if n, err := LoadDemoJourneys(ctx, db, f.Tenant, c.portal); err != nil || n == 0 {
				t.Fatalf("load: %d %v", n, err)
			}
			day := date.New(2026, 9, 5) // José's D-5 e-mail, with the portal link
			if _, err := planner.Enrol(ctx, db, f.Tenant, day, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day}); err != nil {
				t.Fatal(err)
			}
			as, err := db.AttemptsOfDebtor(ctx, f.Tenant, f.IDs(t, db).Jose, 10)
			if err != nil || len(as) != 1 || as[0].StepID != "d-5-email" {
				t.Fatalf("attempts %+v %v", as, err)
			}
			if p := string(as[0].Payload); !strings.Contains(p, c.want) || (c.portal != "" && strings.Contains(p, DemoPortalURL)) {
				t.Errorf("portal %q: payload links elsewhere: %s", c.portal, p)
			}
		})
	}
}

func TestDemoPortal(t *testing.T) {
	for _, c := range []struct {
		addr, base, want string
	}{
		{"127.0.0.1:8080", "", "http://127.0.0.1:8080"},
		{":9000", "", "http://127.0.0.1:9000"},
		{"127.0.0.1:0", "", ""},
		{"127.0.0.1:8080", "https://demo.regua.example/", "https://demo.regua.example"},
	} {
		if got := demoPortal(&serveOptions{addr: c.addr, baseURL: c.base}); got != c.want {
			t.Errorf("demoPortal(%q, %q) = %q, want %q", c.addr, c.base, got, c.want)
		}
	}
}
