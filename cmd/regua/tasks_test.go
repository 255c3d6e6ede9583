package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/agencyexport"
	"github.com/regua/regua/internal/agenttask"
	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/channel/sink"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/dispatch"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/letter"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

var spZone = func() *time.Location { z, _ := time.LoadLocation("America/Sao_Paulo"); return z }()

// consumers runs the demo journey "cobranca-padrao" over the fixture and
// dispatches, through dispatch.New with the store channels, José's D+7
// agent call (17 Sep 2026), D+60 letter (9 Nov) and, through the export
// worker, the D+90 agency export (9 Dec). It returns the fixture and the
// three attempts by channel.
func consumers(t *testing.T, db *sqldb.DB) (storetest.Fixture, map[string]store.Attempt) {
	t.Helper()
	ctx := context.Background()
	f := storetest.NewFixture(t, db, "Acme")
	// Letters need a street address.
	rows := f.Rows[:2]
	for i := range rows {
		rows[i].Debtor.Address.Street, rows[i].Debtor.Address.Number, rows[i].Debtor.Address.District = "Rua Direita", "250", "Sé"
	}
	if _, err := db.ApplyImport(ctx, f.Tenant, f.Portfolio.ID, rows); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDemoJourneys(ctx, db, f.Tenant, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := planner.Enrol(ctx, db, f.Tenant, date.New(2026, 9, 17), 0); err != nil {
		t.Fatal(err)
	}
	ids := f.IDs(t, db)
	var clock time.Time
	now := func() time.Time { return clock }
	log := slog.New(slog.DiscardHandler)
	chans := map[string]channel.Channel{
		"call":   (&agenttask.Queue{S: db, Now: now}).Channel(),
		"letter": (&letter.Letters{S: db, Now: now}).Channel(),
	}
	d, err := dispatch.New(db, dispatch.Options{Channels: chans, Now: now, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ew := &agencyexport.Worker{S: db, E: &agencyexport.Exports{S: db, Now: now}, Now: now, Log: log}
	got := map[string]store.Attempt{}
	for _, day := range []date.Date{date.New(2026, 9, 17), date.New(2026, 11, 9), date.New(2026, 12, 9)} {
		clock = day.In(spZone).Add(16 * time.Hour) // 16:00 in São Paulo: what the planner chose that day is due
		if _, err := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day, Now: day.In(spZone)}); err != nil {
			t.Fatal(err)
		}
		for {
			n, err := d.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		if _, err := ew.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	as, err := db.AttemptsOfDebtor(ctx, f.Tenant, ids.Jose, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Channel == "call" || a.Channel == "letter" || a.Channel == "export" {
			if _, dup := got[a.Channel]; dup {
				t.Fatalf("two %s attempts for José", a.Channel)
			}
			got[a.Channel] = a
		}
	}
	return f, got
}

func TestStoreChannelsThroughDispatch(t *testing.T) {
	// serve's dispatch worker gets these from the registry.
	for _, name := range []string{"call", "letter"} {
		if storeChannels[name] == nil {
			t.Errorf("store channel %s not registered", name)
		}
	}
	if workers["agency-export"] == nil {
		t.Error("agency-export worker not registered")
	}
	storetest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f, as := consumers(t, db)
		ids := f.IDs(t, db)
		for _, ch := range []string{"call", "letter", "export"} {
			a, ok := as[ch]
			if !ok {
				t.Fatalf("no %s attempt planned", ch)
			}
			if a.Status != store.AttemptSent || a.ProviderRef == "" {
				t.Errorf("%s attempt %d: %s %q (%s)", ch, a.ID, a.Status, a.ProviderRef, a.LastError)
			}
		}
		// The call: one task with the journey's priority, queue, rendered
		// script, José's mobile and São Paulo's 20:00 end of calls.
		tasks, err := db.Tasks(ctx, f.Tenant, store.TaskFilter{})
		if err != nil || len(tasks) != 1 {
			t.Fatalf("tasks: %+v %v", tasks, err)
		}
		tk := tasks[0]
		if tk.AttemptID != as["call"].ID || tk.Priority != 2 || tk.Queue != "early" || tk.Phone != "+5511987654321" || !strings.Contains(tk.Script, "José") ||
			!tk.DueFrom.Equal(as["call"].DueAt) || !tk.DueUntil.Equal(time.Date(2026, 9, 17, 20, 0, 0, 0, spZone)) || tk.Journey != "cobranca-padrao" || tk.Step != "d7-agent" {
			t.Errorf("task %+v (attempt due %s)", tk, as["call"].DueAt)
		}
		if as["call"].ProviderRef != "task-"+itoa(tk.ID) {
			t.Errorf("provider ref %q", as["call"].ProviderRef)
		}
		// The letter: in the 9 Nov print batch, with the notice's text.
		ls, err := db.Letters(ctx, f.Tenant, date.New(2026, 11, 9), false)
		if err != nil || len(ls) != 1 || ls[0].AttemptID != as["letter"].ID || !strings.Contains(ls[0].Body, "CDC, art. 43") || ls[0].Creditor != "Banco Acme" {
			t.Fatalf("letters %+v %v", ls, err)
		}
		// The export: waiting in the agency's open batch.
		targets, _ := db.ExportTargets(ctx, f.Tenant)
		if len(targets) != 1 || targets[0].Target != "assessoria-externa" || targets[0].Pending != 1 {
			t.Errorf("export targets %+v", targets)
		}
		// Dispatch wrote one "contacted" event per call and letter, the
		// worker an "export" event.
		evs, _ := db.Events(ctx, f.Tenant, ids.Jose, 100)
		kinds := map[string]int{}
		for _, e := range evs {
			var d struct {
				Attempt int64 `json:"attempt"`
			}
			json.Unmarshal(e.Data, &d)
			for ch, a := range as {
				if d.Attempt == a.ID {
					kinds[ch+":"+string(e.Kind)]++
				}
			}
		}
		if kinds["call:contacted"] != 1 || kinds["letter:contacted"] != 1 || kinds["export:export"] != 1 {
			t.Errorf("events by attempt: %v", kinds)
		}
	})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestTaskCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	db, err := sqldb.Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	f, as := consumers(t, db)
	if _, err := db.CreateUser(ctx, f.Tenant, domain.User{Name: "Olga", Email: "olga@acme.test", Role: domain.RoleAgent, Locale: "pt-BR", PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	pdf, csvFile := filepath.Join(dir, "cartas.pdf"), filepath.Join(dir, "assessoria.csv")
	steps := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"tasks"}, 2, nil},
		{[]string{"tasks", "list", "--db", path}, 0, []string{"open 1", "priority 2: open 1", "José da Conceição", "cobranca-padrao · d7-agent"}},
		{[]string{"tasks", "list", "--db", path, "--status", "nope"}, 2, nil},
		{[]string{"tasks", "next", "--db", path}, 2, nil},
		{[]string{"tasks", "next", "--db", path, "--agent", "nobody@acme.test"}, 2, nil},
		// The window of 17 Sep has passed: the task expires when claimed.
		{[]string{"tasks", "next", "--db", path, "--agent", "olga@acme.test"}, 0, []string{"no task due"}},
		{[]string{"tasks", "list", "--db", path, "--status", "all", "--json"}, 0, []string{`"Status": "expired"`, `"CancelReason": "contact window ended"`}},
		{[]string{"tasks", "close", "--db", path, "--agent", "olga@acme.test", "--id", "1", "--outcome", "maybe"}, 2, nil},
		{[]string{"tasks", "close", "--db", path, "--agent", "olga@acme.test", "--id", "1", "--outcome", "reached", "--callback", "2027-01-04 10:00"}, 2, nil},
		{[]string{"tasks", "close", "--db", path, "--agent", "olga@acme.test", "--id", "1", "--outcome", "reached"}, 2, []string{"not claimed"}},
		{[]string{"letters", "list", "--db", path}, 0, []string{"2026-11-09", "1"}},
		{[]string{"letters", "list", "--db", path, "--date", "2026-11-09"}, 0, []string{"José da Conceição", "C-1001"}},
		{[]string{"letters", "batch", "--db", path, "--date", "2026-11-09"}, 2, nil},
		{[]string{"letters", "batch", "--db", path, "--date", "2026-11-10", "--out", pdf}, 0, []string{"no letters on 2026-11-10"}},
		{[]string{"letters", "batch", "--db", path, "--date", "2026-11-09", "--out", pdf}, 0, []string{"1 letters of 2026-11-09 written to"}},
		{[]string{"export", "status", "--db", path}, 0, []string{"assessoria-externa: 1 waiting"}},
		{[]string{"export", "agency", "--db", path, "--out", csvFile}, 2, nil},
		{[]string{"export", "agency", "--db", path, "--target", "assessoria-externa", "--out", csvFile, "--as-of", "2026-12-09"}, 0, []string{"1 debts placed, 0 dropped"}},
		{[]string{"export", "status", "--db", path, "--json"}, 0, []string{`"Exported": 1`}},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(t, s.args...)
		if code != s.code {
			t.Fatalf("regua %v: code %d, want %d; out %q err %q", s.args, code, s.code, out, errOut)
		}
		for _, w := range s.want {
			if !strings.Contains(out+errOut, w) {
				t.Errorf("regua %v: output lacks %q:\n%s%s", s.args, w, out, errOut)
			}
		}
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("letters PDF: %v", err)
	}
	fh, err := os.Open(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("csv: %v %v", recs, err)
	}
	row := map[string]string{}
	for i, c := range agencyexport.Columns {
		row[c] = recs[1][i]
	}
	if row["debtor_name"] != "José da Conceição" || row["document"] != "***.982.247-**" || row["dpd"] != "90" || row["contract"] != "C-1001" || row["open_cents"] != "300000" {
		t.Errorf("csv row %v", row)
	}
	// Handed over: the debt is placed and its journey stopped; nothing more
	// is planned for it.
	db, err = sqldb.Open(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids := f.IDs(t, db)
	d360, _ := db.Debtor360(ctx, f.Tenant, ids.Jose, 5)
	if d360.Debts[0].Status != store.DebtPlaced {
		t.Errorf("debt status %s", d360.Debts[0].Status)
	}
	es, _ := db.Enrolments(ctx, f.Tenant, ids.Jose)
	for _, e := range es {
		if e.DebtID == ids.JoseDebt && e.State == store.EnrolActive {
			t.Errorf("José's enrolment still active: %+v", e)
		}
	}
	if _, err := planner.Enrol(ctx, db, f.Tenant, date.New(2026, 12, 10), 0); err != nil {
		t.Fatal(err)
	}
	es, _ = db.Enrolments(ctx, f.Tenant, ids.Jose)
	for _, e := range es {
		if e.DebtID == ids.JoseDebt && e.State == store.EnrolActive {
			t.Errorf("José's placed debt enrolled again: %+v", e)
		}
	}
	if as["export"].ID == 0 {
		t.Error("no export attempt")
	}
}

// TestQueueWorkSendsStoreChannels: `regua queue work`, like serve's
// dispatch worker, sends a journey's call step into the agent task queue
// and its letter step into the print batch instead of parking them.
func TestQueueWorkSendsStoreChannels(t *testing.T) {
	sk := sink.New(0)
	srv := httptest.NewServer(sk)
	defer srv.Close()
	backends := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "q.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresURL(t) }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := b.dsn(t)
			db, err := sqldb.Open(ctx, dsn, true)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			f := storetest.NewFixture(t, db, "Acme")
			if _, err := LoadDemoJourneys(ctx, db, f.Tenant, ""); err != nil {
				t.Fatal(err)
			}
			day := date.New(2026, 9, 17) // José's D+7: the agent call
			if _, err := planner.Enrol(ctx, db, f.Tenant, day, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := planner.Plan(ctx, db, f.Tenant, planner.Options{Day: day, Now: day.In(spZone)}); err != nil {
				t.Fatal(err)
			}
			clock := day.In(spZone).Add(16 * time.Hour).Format(time.RFC3339)
			code, out, errOut := runCLI(t, "queue", "work", "--db", dsn, "--channel-url", srv.URL, "--until-empty", "--clock", clock, "--log-level", "warn")
			if code != 0 {
				t.Fatalf("queue work: code %d; out %q err %q", code, out, errOut)
			}
			ids := f.IDs(t, db)
			as, err := db.AttemptsOfDebtor(ctx, f.Tenant, ids.Jose, 100)
			if err != nil {
				t.Fatal(err)
			}
			var call store.Attempt
			for _, a := range as {
				if a.Channel == "call" {
					call = a
				}
			}
			if call.ID == 0 {
				t.Fatalf("no call attempt planned for José: %+v", as)
			}
			if call.Status != store.AttemptSent || call.ProviderRef == "" {
				t.Fatalf("call attempt %d: %s %q (%s); queue work said %q", call.ID, call.Status, call.ProviderRef, call.LastError, out)
			}
			tasks, err := db.Tasks(ctx, f.Tenant, store.TaskFilter{})
			if err != nil || len(tasks) != 1 {
				t.Fatalf("tasks: %+v %v", tasks, err)
			}
			if tk := tasks[0]; tk.AttemptID != call.ID || call.ProviderRef != "task-"+itoa(tk.ID) || tk.Step != "d7-agent" || !strings.Contains(tk.Script, "José") {
				t.Errorf("task %+v for attempt %+v", tk, call)
			}
		})
	}
}
