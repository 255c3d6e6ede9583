package web

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/regua/regua/internal/store"
)

// TestBrowserJourneys drives headless Chromium through the journey pages
// against the real server, store and planner: a supervisor creates a
// journey from the starter (first with a rule error, shown beside the
// field), moves a step to a Saturday, previews it for a debtor found by
// CPF (the SMS moves to Monday, with the reason), activates and pauses it,
// works the queue's kill switch, and reads the attempts with their policy
// reasons on the 360° page. Screenshots go to <screenshots>/journeys/.
func TestBrowserJourneys(t *testing.T) {
	browser := findChromium()
	if browser == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found: CI must run the browser test (apt-get install chromium)")
		}
		t.Skip("chromium not found; install Debian's chromium or set REGUA_CHROMIUM")
	}
	e := newEnv(t, nil)
	// Attempts planned by the real planner for the queue and the 360° page.
	as := planTestJourney(t, e, e.A)
	// One SMS the provider refused for good, as a worker would park it.
	cl, err := e.st.ClaimAttempts(context.Background(), store.Claim{Now: as[0].DueAt.Add(time.Minute), Lease: time.Minute, Limit: 1, Token: "b", Channels: []string{"sms"}})
	if err != nil || len(cl) != 1 {
		t.Fatalf("claim: %v %v", cl, err)
	}
	if _, err := e.st.SettleAttempts(context.Background(), e.A.ID, "b", cl[0].DueAt, []store.Settled{{ID: cl[0].ID, Status: store.AttemptParked,
		Error: "provider: 400 número de destino inexistente"}}); err != nil {
		t.Fatal(err)
	}

	dir := os.Getenv("REGUA_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "testdata", "out", "screenshots", "web")
	}
	shots := filepath.Join(dir, "journeys")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(shots, "[0-9][0-9]-*.png"))
	for _, f := range old {
		os.Remove(f)
	}

	b := startBrowser(t, browser, shots)
	shot, run, text, wantIn := b.shot, b.run, b.text, b.wantIn
	base := e.ts.URL

	run("login", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), e.A.Supervisor.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`section.portfolio`)))

	// The list, from the navigation.
	run("journeys", chromedp.Click(chromedp.CSS(`nav a[href="/journeys"]`)), chromedp.WaitVisible(chromedp.CSS(`#journeys`)), shot("journeys"))
	wantIn("list", text("list", "#journeys"), "Lembretes de teste", "Ativa")

	// A new journey from the starter, first with a rule that does not parse.
	run("new", chromedp.Click(chromedp.CSS(`#new-journey`)), chromedp.WaitVisible(chromedp.CSS(`#journey-form`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=key]`), "lembrete-pix"),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "Lembrete com PIX"),
		chromedp.SetValue(chromedp.CSS(`#entry`), "dpd >= trinta"),
		// The second step moves to D+5, a Saturday for the seeded debts.
		chromedp.SetValue(chromedp.CSS(`#step-1 input[name=step_day]`), "5"),
		chromedp.SetValue(chromedp.CSS(`#step-1 input[name=step_id]`), "d5-sms"),
		chromedp.Click(chromedp.CSS(`#save-journey`)),
		chromedp.WaitVisible(chromedp.CSS(`#form-errors`)))
	wantIn("entry error", text("entry error", `label:has(#entry) .field-error`), "column 8", "trinta")
	run("error shot", shot("journey-error"))
	run("fix", chromedp.SetValue(chromedp.CSS(`#entry`), "not agreement and dpd >= -10"),
		chromedp.Click(chromedp.CSS(`#save-journey`)),
		chromedp.WaitVisible(chromedp.CSS(`#journey-steps`)))
	wantIn("saved", text("name", "#journey-name"), "Lembrete com PIX")
	wantIn("steps", text("steps", "#journey-steps"), "D-3", "d-3-email", "D+5", "d5-sms")
	wantIn("draft", text("status", "#journey-status"), "Rascunho")
	run("journey shot", shot("journey"))

	// Preview for a debtor found by CPF.
	run("preview", chromedp.Click(chromedp.CSS(`#preview-journey`)), chromedp.WaitVisible(chromedp.CSS(`#q`)),
		chromedp.SendKeys(chromedp.CSS(`#q`), e.A.CPF), chromedp.Submit(chromedp.CSS(`#q`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview-results`)),
		chromedp.Click(chromedp.CSS(`#preview-results a.preview-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#calendar`)))
	cal := text("calendar", "#calendar")
	// Saturday's SMS moves past the weekend; Monday already holds the other
	// journey's planned SMS (one a day), so it goes on Tuesday.
	wantIn("calendar", cal, "07/08/2026", "d-3-email", "15/08/2026", "d5-sms", "D+5", "ter. 18/08/2026", "adiado", "fim de semana")
	wantIn("facts", text("facts", "#preview-facts"), "10/08/2026", "America/Manaus")
	run("preview shot", shot("journey-preview"))

	// Activate, then pause at once.
	run("back", chromedp.Navigate(base+"/journeys/lembrete-pix"), chromedp.WaitVisible(chromedp.CSS(`#activate-journey`)),
		chromedp.Click(chromedp.CSS(`#activate-journey`)), chromedp.WaitVisible(chromedp.CSS(`#pause-journey`)))
	wantIn("active", text("status", "#journey-status"), "Ativa")
	run("active shot", shot("journey-active"))
	run("pause", chromedp.Click(chromedp.CSS(`#pause-journey`)), chromedp.WaitVisible(chromedp.CSS(`#journey-held`)))
	wantIn("paused", text("status", "#journey-status"), "Pausada")
	run("paused shot", shot("journey-paused"))
	if j, err := e.st.Journey(context.Background(), e.A.ID, "lembrete-pix"); err != nil || j.Status != store.JourneyPaused {
		t.Errorf("stored status: %+v %v", j, err)
	}

	// An edit is version 2; version 1 stays readable.
	run("edit", chromedp.Click(chromedp.CSS(`#edit-journey`)), chromedp.WaitVisible(chromedp.CSS(`#journey-form`)),
		chromedp.SetValue(chromedp.CSS(`#entry`), "not agreement and overdue > 100"),
		chromedp.Click(chromedp.CSS(`#save-journey`)), chromedp.WaitVisible(chromedp.CSS(`#journey-versions`)))
	wantIn("version 2", text("versions", "#journey-versions"), "Versão 2", "Versão 1", "em uso")
	wantIn("entry 2", text("entry", "#journey-entry"), "overdue > 100")
	run("versions shot", shot("journey-version-2"))

	// The queue: counts by channel, the journey's pause, a channel paused.
	run("queue", chromedp.Click(chromedp.CSS(`nav a[href="/queue"]`)), chromedp.WaitVisible(chromedp.CSS(`#queue-counts table`)))
	wantIn("queue counts", text("sms row", "#queue-sms"), "SMS")
	wantIn("queue pauses", text("switches", "#kill-switches"), "Lembrete com PIX")
	run("pause sms", chromedp.SetValue(chromedp.CSS(`#pause-channel select`), "sms"),
		chromedp.SendKeys(chromedp.CSS(`#pause-channel input[name=reason]`), "provedor de SMS instável"),
		chromedp.Click(chromedp.CSS(`#pause-channel button`)),
		chromedp.WaitVisible(chromedp.CSS(`#queue-sms.paused`)))
	wantIn("sms paused", text("switches", "#kill-switches"), "provedor de SMS instável")
	wantIn("held", text("sms row", "#queue-sms"), "pausado")
	wantIn("parked", text("parked", "#parked"), "número de destino inexistente", "d5-sms")
	run("queue shot", shot("queue"))

	// The debtor's attempts with the policy's reasons: the first debtor's
	// SMS held by the switch, then the parked one, opened from the queue.
	run("360", chromedp.Navigate(base+"/debtors/"+itoa64(e.A.Debtor.Debtor.ID)+"#attempts"), chromedp.WaitVisible(chromedp.CSS(`#attempts table`)))
	wantIn("attempts", text("attempts", "#attempts"), "d5-sms", "seg. 17/08/2026", "fim de semana", "America/Manaus")
	run("attempts shot", shot("debtor-attempts"))
	run("parked debtor", chromedp.Navigate(base+"/queue"), chromedp.WaitVisible(chromedp.CSS(`#parked a`)),
		chromedp.Click(chromedp.CSS(`#parked a`)), chromedp.WaitVisible(chromedp.CSS(`#attempts table`)))
	wantIn("parked attempt", text("attempts", "#attempts"), "Abandonado", "número de destino inexistente", "fim de semana")
	run("parked shot", shot("debtor-parked"))
	// The preview on a phone-sized screen (last: the emulation stays).
	run("preview phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/journeys/lembrete-pix/preview?debtor="+itoa64(e.A.Debtor.Debtor.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#calendar`)), shot("journey-preview-phone"))
	t.Logf("%d screenshots in %s", b.n, shots)
}
