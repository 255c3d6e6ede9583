package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel/sink"
	"github.com/regua/regua/internal/dispatch/dispatchbench"
	"github.com/regua/regua/internal/journey"
	"github.com/regua/regua/internal/store/sqldb"
)

func TestQueueCommands(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "q.db")
	db, err := sqldb.Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dispatchbench.Seed(ctx, db, "Queue", 8); err != nil {
		t.Fatal(err)
	}
	db.Close()
	sk := sink.New(0)
	srv := httptest.NewServer(sk)
	defer srv.Close()
	clock := dispatchbench.Clock.Format(time.RFC3339)

	steps := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"queue", "--db", path}, 0, []string{"channel", "sms", "planned", "oldest due"}},
		{[]string{"queue", "pause", "--db", path}, 2, nil},
		{[]string{"queue", "pause", "--db", path, "--channel", "sms", "--journey", "x"}, 2, nil},
		{[]string{"queue", "pause", "--db", path, "--channel", "sms", "--reason", "provider outage"}, 0, []string{"paused channel sms: 2 attempts held"}},
		{[]string{"queue", "status", "--db", path}, 0, []string{"PAUSED channel sms", "provider outage"}},
		{[]string{"queue", "pause", "--db", path, "--channel", "export", "--reason", "agency audit"}, 0, []string{"paused channel export: 0 attempts held"}},
		{[]string{"queue", "resume", "--db", path, "--channel", "export"}, 0, []string{"resumed channel export"}},
		{[]string{"queue", "pause", "--db", path, "--channel", "fax"}, 2, nil},
		{[]string{"queue", "limit", "--db", path, "--channel", "email", "--rate", "50"}, 0, []string{"limit channel:email: 50/s"}},
		{[]string{"queue", "work", "--db", path, "--until-empty"}, 2, nil}, // no channels
		{[]string{"queue", "work", "--db", path, "--channel-url", srv.URL, "--until-empty", "--clock", clock, "--log-level", "warn"}, 0, []string{"sent 6,"}},
		{[]string{"queue", "resume", "--db", path, "--channel", "sms"}, 0, []string{"resumed channel sms: 2 attempts released"}},
		{[]string{"queue", "resume", "--db", path, "--channel", "sms"}, 2, nil},
		{[]string{"queue", "work", "--db", path, "--channel-url", srv.URL, "--until-empty", "--clock", clock, "--log-level", "warn"}, 0, []string{"sent 2,"}},
		{[]string{"queue", "--db", path, "--json"}, 0, []string{`"Status": "sent"`, `"Count": 2`, `"limits"`}},
		{[]string{"queue", "list", "--db", path}, 0, []string{"no parked attempts"}},
		{[]string{"queue", "list", "--db", path, "--status", "sent", "--channel", "sms"}, 0, []string{"attempt", "bench-0", "bench-4"}},
		{[]string{"queue", "list", "--db", path, "--status", "lost"}, 2, nil},
		{[]string{"queue", "requeue", "--db", path}, 2, nil},
		{[]string{"queue", "requeue", "--db", path, "--id", "x"}, 2, nil},
		{[]string{"queue", "requeue", "--db", path, "--all", "--from", "sent"}, 2, nil},
		{[]string{"queue", "requeue", "--db", path, "--all"}, 0, []string{"requeued 0 parked attempts"}},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(t, s.args...)
		if code != s.code {
			t.Fatalf("regua %v: code %d, want %d; out %q err %q", s.args, code, s.code, out, errOut)
		}
		for _, w := range s.want {
			if !strings.Contains(out, w) {
				t.Errorf("regua %v: output lacks %q:\n%s", s.args, w, out)
			}
		}
	}
	// An operator finds a parked attempt and gives it another go.
	db, err = sqldb.Open(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`UPDATE attempts SET status = 'parked', last_error = 'provider sink: permanent failure (http 422)' WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, s := range []struct {
		args []string
		want string
	}{
		{[]string{"queue", "list", "--db", path}, "permanent failure (http 422)"},
		{[]string{"queue", "requeue", "--db", path, "--id", "3"}, "requeued 1 parked attempts"},
		{[]string{"queue", "list", "--db", path, "--status", "planned"}, "requeued: provider sink"},
	} {
		if code, out, errOut := runCLI(t, s.args...); code != 0 || !strings.Contains(out, s.want) {
			t.Errorf("regua %v: code %d out %q err %q; want %q", s.args, code, out, errOut, s.want)
		}
	}
	if st := sk.Stats(); st.Unique != 8 || st.Duplicates != 0 {
		t.Errorf("sink %+v", st)
	}
}

func TestDispatchOptionsFromEnv(t *testing.T) {
	tests := []struct {
		env      map[string]string
		channels string
		err      string
	}{
		{map[string]string{}, "", ""},
		{map[string]string{"REGUA_CHANNEL_URL": "http://127.0.0.1:9099"}, "email,sms,voice,whatsapp", ""},
		{map[string]string{"REGUA_CHANNEL_URL": "http://a", "REGUA_CHANNEL_VOICE_URL": "off"}, "email,sms,whatsapp", ""},
		{map[string]string{"REGUA_CHANNEL_SMS_URL": "http://sms.example"}, "sms", ""},
		{map[string]string{"REGUA_CHANNEL_EMAIL_URL": "smtp://127.0.0.1:2525?from=cobranca@credor.example"}, "email", ""},
		{map[string]string{"REGUA_CHANNEL_EMAIL_URL": "smtp://127.0.0.1:2525"}, "", "from=sender"},
		{map[string]string{"REGUA_CHANNEL_SMS_URL": "smtp://127.0.0.1:2525?from=a@b"}, "", "email channel only"},
		{map[string]string{"REGUA_DISPATCH_BATCH": "0"}, "", "REGUA_DISPATCH_BATCH"},
		{map[string]string{"REGUA_DISPATCH_LEASE": "soon"}, "", "REGUA_DISPATCH_LEASE"},
	}
	for _, tt := range tests {
		o, err := dispatchOptions(func(k string) string { return tt.env[k] })
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%v: err %v, want %s", tt.env, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.env, err)
		}
		if got := strings.Join(sortedKeys(o.Channels), ","); got != tt.channels {
			t.Errorf("%v: channels %q, want %q", tt.env, got, tt.channels)
		}
	}
	if o, _ := dispatchOptions(func(k string) string { return map[string]string{"REGUA_CHANNEL_URL": "http://127.0.0.1:9099/x"}[k] }); o.Channels["sms"].Name() != "127.0.0.1:9099" {
		t.Errorf("provider name %q", o.Channels["sms"].Name())
	}
}

// TestPausableChannels: the kill switch's list of channels (journey.Channels)
// holds every channel a worker can send: the provider channels, every
// registered store channel and agency exports.
func TestPausableChannels(t *testing.T) {
	o, err := dispatchOptions(func(k string) string {
		if k == "REGUA_CHANNEL_URL" {
			return "http://127.0.0.1:9099"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	var sources = []struct {
		from  string
		names []string
	}{
		{"provider channels", sortedKeys(o.Channels)},
		{"store channels", sortedKeys(storeChannels)},
		{"agency export", []string{"export"}},
	}
	for _, src := range sources {
		if len(src.names) == 0 {
			t.Errorf("%s: none", src.from)
		}
		for _, ch := range src.names {
			if !journey.IsChannel(ch) {
				t.Errorf("%s: %s is not in journey.Channels %v: the kill switch refuses it", src.from, ch, journey.Channels)
			}
		}
	}
}
