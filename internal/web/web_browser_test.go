package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// findChromium returns the browser to drive: $REGUA_CHROMIUM, else the
// first of Debian's and other usual names on PATH.
func findChromium() string {
	if p := os.Getenv("REGUA_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// screenshotDir is where the browser test leaves one PNG per page for a
// person to look at: $REGUA_SCREENSHOTS, else testdata/out/screenshots/web
// at the repository root (ignored by git).
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("REGUA_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "testdata", "out", "screenshots", "web")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Drop the previous run's shots (only files named as this test names them).
	old, _ := filepath.Glob(filepath.Join(dir, "[0-9][0-9]-*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	return dir
}

// TestBrowser drives headless Chromium through the real server, the real
// SQLite store and the real importer: log in (a wrong password first),
// upload a file with good and bad rows, read the errors by line, search a
// CPF, open the 360° page, then a creditor-fault debtor found by an
// unaccented name, and the other pages. Every page is saved as a PNG.
func TestBrowser(t *testing.T) {
	browser := findChromium()
	if browser == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found: CI must run the browser test (apt-get install chromium)")
		}
		t.Skip("chromium not found; install Debian's chromium or set REGUA_CHROMIUM")
	}
	e := newEnv(t, nil)
	shots := screenshotDir(t)
	csvPath := filepath.Join(t.TempDir(), "carteira-loja.csv")
	if err := os.WriteFile(csvPath, []byte(uploadCSV), 0o644); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, browser, shots)
	shot, run, text, wantIn := b.shot, b.run, b.text, b.wantIn
	base := e.ts.URL

	// Log in: a wrong password first.
	run("login page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)), shot("login"))
	run("wrong password",
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), e.A.Supervisor.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "wrong password"),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`#login-error`)),
	)
	wantIn("wrong password", text("login error", "#login-error"), "E-mail ou senha incorretos.")
	run("login error shot", shot("login-error"))
	run("login",
		// The form keeps the e-mail and clears the password.
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`section.portfolio`)),
		shot("portfolios"),
	)

	// Upload a file with good and bad rows into the seeded portfolio.
	form := `#portfolio-` + itoa64(e.A.PortfolioID) + ` form.upload`
	run("upload",
		chromedp.SetUploadFiles(chromedp.CSS(form+` input[type=file]`), []string{csvPath}),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#rejects`)),
	)
	counts := text("counts", "#import-counts")
	wantIn("import counts", counts, "6", "3")
	rejects := text("rejects", "#rejects tbody")
	wantIn("rejects by line", rejects, "5", "6", "7", "cpf", "valor_parcela", "vencimento")
	run("import shot", shot("import-result"))

	// The creditor sends the file again with one installment changed: one
	// row updated, the rest unchanged, nothing duplicated.
	changed := strings.Replace(uploadCSV, "2;10/10/2026;1.500,00", "2;10/10/2026;1.650,00", 1)
	if err := os.WriteFile(csvPath, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	run("re-upload",
		chromedp.Navigate(base+"/portfolios"),
		chromedp.SetUploadFiles(chromedp.CSS(form+` input[type=file]`), []string{csvPath}),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#rejects`)),
	)
	wantIn("re-import counts", text("counts", "#import-counts"), "Alteradas\n1", "Sem mudança\n2", "Novas\n0")

	// Search the CPF of an imported debtor, formatted as people type it.
	run("search",
		chromedp.Navigate(base+"/debtors"),
		chromedp.WaitVisible(chromedp.CSS(`#q`)),
		chromedp.SendKeys(chromedp.CSS(`#q`), "907.123.814-81"),
		chromedp.Submit(chromedp.CSS(`#q`)),
		chromedp.WaitVisible(chromedp.CSS(`#results`)),
	)
	results := text("results", "#results tbody")
	wantIn("search by CPF", results, "Márcia Upload Teste", "***.123.814-**", "São Paulo/SP")
	if strings.Contains(results, "907.123.814-81") {
		t.Error("search results show the full CPF")
	}
	run("search shot", shot("search-cpf"))

	// Open the 360° page.
	run("open 360",
		chromedp.Click(chromedp.CSS(`#results a.debtor-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#debtor-name`)),
	)
	wantIn("360 name", text("name", "#debtor-name"), "Márcia Upload Teste")
	wantIn("360 document", text("document", "#debtor-document"), "907.123.814-81")
	wantIn("360 zone", text("zone", "#debtor-zone"), "America/Sao_Paulo")
	wantIn("360 local time", text("local time", "#debtor-local-time"), "20/11/2026 12:00") // 15:00 UTC in São Paulo
	wantIn("360 contacts", text("contacts", "#contacts"), "(11) 98765-4321", "marcia@example.com")
	debts := text("debts", "section.debt")
	wantIn("360 debt", debts, "UP-CT-1", "Cartão de crédito", "15/01/2025", "R$ 3.000,00", "10/09/2026", "10/10/2026", "R$ 1.500,00", "R$ 1.650,00", "71", "41")
	wantIn("360 figures", text("figures", "#debtor-figures"), "R$ 3.150,00", "71")

	// The agent records why the debtor is late: a billing error, which is
	// the creditor's fault and pauses collection.
	run("delay reason",
		chromedp.SetValue(chromedp.CSS(`.delay-form select`), "billing_error"),
		chromedp.Click(chromedp.CSS(`.delay-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#creditor-hold`)),
	)
	wantIn("360 timeline", text("timeline", "#timeline"), "Importado", "Alterado", "R$ 1.500,00", "R$ 1.650,00", "Motivo do atraso do contrato UP-CT-1: Não informado → Erro de cobrança (falha do credor)", e.A.Supervisor.Name)
	wantIn("360 fault", text("debt", "section.debt.fault"), "Falha do credor")
	run("360 shot", shot("debtor-360"))

	// A name typed without accents finds Otávio, whose debt has a
	// creditor-fault delay reason (wrong delivery), shown as such.
	run("search name",
		chromedp.Navigate(base+"/debtors?q=otavio+up"),
		chromedp.WaitVisible(chromedp.CSS(`#results`)),
		chromedp.Click(chromedp.CSS(`#results a.debtor-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#creditor-hold`)),
	)
	wantIn("creditor fault", text("fault", "section.debt.fault"), "Entrega errada", "UP-CT-2")
	run("fault shot", shot("debtor-creditor-fault"))

	// Switch the language from the header; the page comes back in Spanish.
	run("language",
		chromedp.SetValue(chromedp.CSS(`#lang-select`), "es"),
		chromedp.Submit(chromedp.CSS(`#lang-select`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="es"] #creditor-hold`)),
	)
	wantIn("spanish", text("timeline heading", "#timeline h2"), "Línea de tiempo")
	run("spanish shot", shot("debtor-es"))
	// The same page on a phone-sized screen.
	run("narrow", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#timeline`)), shot("debtor-es-phone"), chromedp.ResetViewport())

	run("history", chromedp.Navigate(base+"/imports"), chromedp.WaitVisible(chromedp.CSS(`table.runs`)), shot("imports"))
	wantIn("history", text("history", "table.runs"), "carteira-loja.csv", "carteira-a.csv")

	// Supervisors do not manage users.
	run("users forbidden", chromedp.Navigate(base+"/users"), chromedp.WaitVisible(chromedp.CSS(`#error-message`)))
	run("logout", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)))

	// The admin's users page.
	run("admin login",
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), e.A.Admin.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`section.portfolio`)),
		chromedp.Navigate(base+"/users"),
		chromedp.WaitVisible(chromedp.CSS(`#users`)),
		shot("users"),
	)
	wantIn("users", text("users", "#users"), e.A.Admin.Email, e.A.Agent.Email)
	t.Logf("%d screenshots in %s", b.n, shots)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

// browserSession is one headless Chromium for a browser test, with the
// step helpers the browser tests share. The machine has no outside
// network: the flags keep Chromium from trying to reach it.
type browserSession struct {
	t     *testing.T
	ctx   context.Context
	shots string
	n     int // screenshots taken
}

func startBrowser(t *testing.T, exec, shots string) *browserSession {
	t.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exec), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "pt-BR"), chromedp.Flag("accept-lang", "pt-BR,pt"))
	t.Cleanup(cancelAlloc)
	bctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(cancelCtx)
	// The first action starts the browser and must not run under a
	// deadline (it would stop the browser); later steps each get one.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browserSession{t: t, ctx: bctx, shots: shots}
}

// shot saves the page as the next numbered PNG.
func (b *browserSession) shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		b.n++
		return os.WriteFile(filepath.Join(b.shots, twoDigits(b.n)+"-"+name+".png"), png, 0o644)
	})
}

// run does one step's actions under a deadline, failing the test on error.
func (b *browserSession) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

// text returns the visible text of the element sel.
func (b *browserSession) text(step, sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
	return s
}

func (b *browserSession) wantIn(step, got string, wants ...string) {
	b.t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			b.t.Errorf("%s: %q not in %q", step, w, got)
		}
	}
}
