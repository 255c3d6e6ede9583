package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/dispatch"
)

// refusingProvider stands in for an SMS provider: it accepts messages to
// one number and refuses the others for good, recording what it got.
type refusingProvider struct {
	mu     sync.Mutex
	accept string
	got    []channel.Message
}

func (p *refusingProvider) Name() string { return "test-sms" }

func (p *refusingProvider) Send(_ context.Context, m channel.Message) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got = append(p.got, m)
	if m.To != p.accept {
		return "", channel.Permanent("400", errors.New("número de destino inexistente"))
	}
	return "ref-1", nil
}

// TestDebtorTimelineAttempts runs the real planner and the real dispatch
// worker, then reads the 360° pages: the sent SMS and the refused one are
// on the timeline in the viewer's language, each with its attempt's
// policy reasons and a link to it.
func TestDebtorTimelineAttempts(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	as := planTestJourney(t, e, e.A)
	prov := &refusingProvider{accept: e.A.Debtor.Contacts[0].Value}
	clock := as[0].DueAt.Add(2 * time.Minute)
	d, err := dispatch.New(e.st, dispatch.Options{Channels: map[string]channel.Channel{"sms": prov}, Loops: 1, Now: func() time.Time { return clock },
		Log: quietLogger(), MaxTries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if st := d.Stats(); st.Sent != 1 || st.Parked != 1 {
		t.Fatalf("dispatch: %+v (provider got %d)", st, len(prov.got))
	}
	c := e.loggedIn(t, e.A.Agent)
	r := c.get("/debtors/" + itoa64(e.A.Debtor.Debtor.ID))
	tl := r.Body[strings.Index(r.Body, `id="timeline"`):]
	for _, want := range []string{"SMS enviado (lembretes · d5-sms)", `href="#attempt-`, "fim de semana: sem contato neste dia"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline of the sent SMS lacks %q", want)
		}
	}
	other := e.A.Debtor.Debtor.ID + 1
	c.post("/locale", map[string][]string{"lang": {"en"}})
	r = c.get("/debtors/" + itoa64(other))
	if r.Code != http.StatusOK {
		t.Fatal(r.Code)
	}
	tl = r.Body[strings.Index(r.Body, `id="timeline"`):]
	for _, want := range []string{"SMS not sent: ", "número de destino inexistente", "(lembretes · d5-sms)", "weekend: no contact on this day"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline of the refused SMS lacks %q", want)
		}
	}
	att := r.Body[strings.Index(r.Body, `id="attempts"`):]
	if !strings.Contains(att, "Parked") || !strings.Contains(att, "Recorded reason: ") {
		t.Error("attempts section lacks the parked attempt and its reason")
	}
}
