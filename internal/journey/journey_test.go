package journey

import (
	"strings"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/policy"
)

func TestExpr(t *testing.T) {
	f := &Facts{DPD: 35, Overdue: money.MustParse("1500.00"), Recurrence: 3, Product: "credit_card", Kind: "person",
		Reach: ReachBit("whatsapp") | ReachBit("sms"), Outcomes: map[string]string{"d3-voice": "no_answer"}}
	cases := []struct {
		src  string
		want bool
	}{
		{"dpd >= 30", true},
		{"dpd > 35", false},
		{"overdue > 1000", true},
		{"overdue > 1500.00", false},
		{"overdue >= 1500", true},
		{"overdue < 1500.01", true},
		{`product in ["credit_card", "retail"]`, true},
		{`product in ['telecom']`, false},
		{"recurrent and not first_time", true},
		{"first_time || dpd < 0", false},
		{`reachable("whatsapp") && !reachable("email")`, true},
		{`outcome("d3-voice") == "no_answer"`, true},
		{`outcome("d5") == ""`, true},
		{"(dpd >= 30 or overdue > 5000) and kind == \"person\"", true},
		{"dpd in [1, 2, 35]", true},
		{"dpd >= -5", true},
		{"agreement == false", true},
		{"score == 0", true},
	}
	for _, c := range cases {
		e, err := CompileExpr(c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := e.Eval(f); got != c.want {
			t.Errorf("%s = %v, want %v", c.src, got, c.want)
		}
	}
}

func TestExprErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"dpdd > 3", "column 1: unknown variable dpdd"},
		{"dpd > 'x'", "column 7: cannot compare a integer with a string"},
		{"overdue > 10,5", "unexpected"},
		{"dpd > 3.5", "3.5 is not a whole number"},
		{"dpd", "the expression is a integer"},
		{"dpd = 3", "use == to compare"},
		{"product in 'x'", "needs a list"},
		{"(dpd > 3", "want ), got end of expression"},
		{`reachable("fax")`, "unknown channel"},
		{`outcome(product) == "x"`, "literal string"},
		{"3 > 2", "not two numbers"},
		{"first_time > true", "cannot order"},
		{"'abc", "unterminated string"},
		{"dpd > 3 and", "ends too early"},
		{"dpd > 3 $", "unexpected"},
	}
	for _, c := range cases {
		_, err := CompileExpr(c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want error containing %q", c.src, err, c.want)
		}
	}
}

func TestCompileErrorsNamePlace(t *testing.T) {
	raw := `{"key":"x","name":"X","entry":"dpd >",
	  "steps":[{"id":"a","day":0,"action":"message","channel":"sms","template":"nope"},
	           {"id":"a","day":1,"action":"task","priority":9},
	           {"id":"b","day":2,"action":"message","channel":"email","template":"t","when":"foo"},
	           {"id":"c","day":3,"action":"voice","template":"v","after":{"step":"zz","outcomes":["maybe"]}}],
	  "templates":{"t":{"channel":"email","body":{"pt-BR":"{{nome}}"}},
	               "v":{"channel":"voice","body":{"pt-BR":"ok","fr":"x"}},
	               "s":{"channel":"sms","body":{"pt-BR":"{{pix_code}} {{pix_code}} {{portal_link}} {{name}}"}}}}`
	_, err := CompileBytes([]byte(raw))
	if err == nil {
		t.Fatal("compiled")
	}
	for _, want := range []string{
		"entry: column 6: the expression ends too early",
		`steps[0] (a).template: "nope" is not in templates`,
		`steps[1] (a).id: "a" is also steps[0]`,
		"steps[1] (a).priority: 9",
		"steps[2] (b).when: column 1: unknown variable foo",
		`steps[3] (c).after.step: "zz" is not an earlier step`,
		`steps[3] (c).after.outcomes: "maybe"`,
		"templates.t.body.pt-BR: unknown variable {{nome}}",
		"templates.t.subject: an e-mail needs a pt-BR subject",
		"templates.v.body.fr: unknown locale",
		"templates.s.body.pt-BR: 3 GSM-7 segments",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ raw, want string }{
		{"", "empty"},
		{`{"key":"x",}`, "line 1 column"},
		{`{"key":1}`, `field "key"`},
		{`{"kee":"x"}`, `unknown field "kee"`},
		{`{"key":"x"} {}`, "trailing data"},
	} {
		_, err := ParseBytes([]byte(c.raw))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.raw, err, c.want)
		}
	}
}

func TestSMSSegments(t *testing.T) {
	cases := []struct {
		text      string
		enc       string
		segs, len int
	}{
		{strings.Repeat("a", 160), "GSM-7", 1, 160},
		{strings.Repeat("a", 161), "GSM-7", 2, 161},
		{strings.Repeat("a", 306), "GSM-7", 2, 306},
		{strings.Repeat("a", 307), "GSM-7", 3, 307},
		{strings.Repeat("€", 80), "GSM-7", 1, 160}, // extension: two septets each
		{strings.Repeat("€", 81), "GSM-7", 2, 162},
		{"Olá, João", "UCS-2", 1, 9},
		{strings.Repeat("ã", 70), "UCS-2", 1, 70},
		{strings.Repeat("ã", 71), "UCS-2", 2, 71},
		{strings.Repeat("ã", 134), "UCS-2", 2, 134},
		{strings.Repeat("ã", 135), "UCS-2", 3, 135},
		{"😀", "UCS-2", 1, 2}, // a surrogate pair
	}
	for _, c := range cases {
		enc, segs, n := SMSSegments(c.text)
		if enc != c.enc || segs != c.segs || n != c.len {
			t.Errorf("%.20q…: %s %d %d, want %s %d %d", c.text, enc, segs, n, c.enc, c.segs, c.len)
		}
	}
	if got := ToGSM("Olá, João! Você deve R$ 10 — até amanhã."); got != "Ola, Joao! Voce deve R$ 10 - até amanha." {
		t.Errorf("ToGSM: %q", got)
	}
}

func TestDemoSet(t *testing.T) {
	defs, err := DemoSet()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, d := range defs {
		if _, err := Compile(d); err != nil {
			t.Errorf("%s: %v", d.Key, err)
		}
		keys[d.Key] = true
	}
	for _, d := range defs {
		if d.Resume != nil {
			for _, k := range []string{d.Resume.BrokenPromise, d.Resume.Breach} {
				if k != "" && !keys[k] {
					t.Errorf("%s resumes into unknown journey %s", d.Key, k)
				}
			}
		}
	}
	if len(defs) < 4 || defs[0].Priority > defs[len(defs)-1].Priority {
		t.Errorf("demo set: %d journeys, not in priority order", len(defs))
	}
}

func demo(t testing.TB, key string) *Journey {
	raw, ok := DemoFile(key)
	if !ok {
		t.Fatalf("no demo %s", key)
	}
	j, err := CompileBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestDue(t *testing.T) {
	j := demo(t, "cobranca-padrao")
	anchor := date.New(2026, 12, 10)
	base := Facts{AnchorKind: AnchorDue, Anchor: anchor, Open: 150000, Overdue: 150000, Product: "credit_card", Kind: "person", Variant: "champion",
		Reach: ReachBit("sms") | ReachBit("email") | ReachBit("whatsapp") | ReachBit("voice"), DebtStatus: "open", Recurrence: 2}
	cases := []struct {
		name     string
		day      int
		mod      func(*Facts)
		want     string
		verdict  Verdict
		heldWant string
	}{
		{name: "D-6 nothing", day: -6, want: ""},
		{name: "D-5 e-mail", day: -5, want: "d-5-email"},
		{name: "D-4 catch-up of D-5", day: -4, want: "d-5-email"},
		{name: "D-3 last catch-up day", day: -3, want: "d-5-email"},
		{name: "D-2 too late for D-5", day: -2, want: ""},
		{name: "D-1 sms", day: -1, want: "d-1-sms"},
		{name: "D0 whatsapp when reachable", day: 0, want: "d0-whatsapp"},
		{name: "D0 sms otherwise", day: 0, mod: func(f *Facts) { f.Reach = ReachBit("sms") }, want: "d0-sms"},
		{name: "D5 sms after no answer", day: 5, mod: func(f *Facts) { f.Outcomes = map[string]string{"d3-voice": "no_answer"} }, want: "d5-sms"},
		{name: "D5 nothing after a conversation", day: 5, mod: func(f *Facts) { f.Outcomes = map[string]string{"d3-voice": "replied"} }, want: ""},
		{name: "D7 agent for recurrent", day: 7, want: "d7-agent"},
		{name: "D7 no agent for small first-timers", day: 7, mod: func(f *Facts) { f.Recurrence, f.Overdue = 0, 10000 }, want: ""},
		{name: "D10 is the challenger's day: champion gets nothing", day: 10, want: ""},
		{name: "D10 challenger", day: 10, mod: func(f *Facts) { f.Variant = "challenger" }, want: "d10-offer-early"},
		{name: "D15 champion offer", day: 15, want: "d15-offer"},
		{name: "D22 held by promise outcome", day: 22, mod: func(f *Facts) { f.Outcomes = map[string]string{"d15-offer": "promised"} }, heldWant: "d21-hold-promise"},
		{name: "D90 export", day: 90, want: "d90-agency"},
		{name: "paid stops", day: 3, mod: func(f *Facts) { f.Open = 0 }, verdict: Halt},
		{name: "dispute stops", day: 3, mod: func(f *Facts) { f.DebtStatus = "disputed" }, verdict: Halt},
		{name: "promise pauses", day: 3, mod: func(f *Facts) { f.PromisedUntil = anchor.AddDays(5) }, verdict: Pause},
		{name: "broken promise hands over", day: 9, mod: func(f *Facts) { f.PromisedUntil = anchor.AddDays(5) }, verdict: HandOver},
		{name: "creditor fault pauses", day: 3, mod: func(f *Facts) { f.CreditorFault = true }, verdict: Pause},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := base
			if c.mod != nil {
				c.mod(&f)
			}
			f.SetDay(anchor.AddDays(c.day))
			v, _ := j.Check(&f)
			if v != c.verdict {
				t.Fatalf("verdict %d, want %d", v, c.verdict)
			}
			if v != Go {
				return
			}
			fire, held := j.Due(&f, nil)
			if held != c.heldWant {
				t.Errorf("held %q, want %q", held, c.heldWant)
			}
			var ids []string
			for _, fr := range fire {
				ids = append(ids, fr.Step.ID)
			}
			if got := strings.Join(ids, ","); got != c.want {
				t.Errorf("fired %q, want %q", got, c.want)
			}
		})
	}
}

func TestVariantSplit(t *testing.T) {
	j := demo(t, "cobranca-padrao")
	n := map[string]int{}
	for id := int64(1); id <= 20000; id++ {
		v := j.Variant(id)
		if v != j.Variant(id) {
			t.Fatal("not deterministic")
		}
		n[v]++
	}
	// 80/20 within a couple of points.
	if c := n["challenger"]; c < 3600 || c > 4400 {
		t.Errorf("challenger got %d of 20000, want about 4000", c)
	}
}

func TestRender(t *testing.T) {
	j := demo(t, "cobranca-padrao")
	v := Values{Name: "José da Conceição", FirstName: "José", Amount: 150000, DueDate: date.New(2026, 12, 10), Creditor: "Banco X", Contract: "C-1", PortalLink: "https://p/l/tok", PixCode: "000201PIX"}
	r := j.Def.Templates["lembrete-email"].Render(&v, "es")
	if r.Locale != "es" || !strings.Contains(r.Body, "$") || !strings.Contains(r.Subject, "10/12/2026") {
		t.Errorf("es render: %+v", r)
	}
	r = j.Def.Templates["pix-sms"].Render(&v, "fr")
	if r.Locale != "pt-BR" || r.Encoding != "GSM-7" || !strings.Contains(r.Body, "amanha") {
		t.Errorf("sms render: %+v", r)
	}
	r = j.Def.Templates["vence-hoje-wa"].Render(&v, "en")
	if r.WhatsApp != "lembrete_vencimento_hoje" || len(r.Params) != 3 || r.Params[0] != "José" {
		t.Errorf("wa render: %+v", r)
	}
	if !j.Def.Templates["pix-sms"].Uses("pix_code") || j.Def.Templates["pix-sms"].Uses("portal_link") {
		t.Error("Uses")
	}
}

func TestPreview(t *testing.T) {
	j := demo(t, "cobranca-padrao")
	d := &policy.Debtor{ID: "42", Country: "BR", UF: "SP", City: 3550308}
	if err := d.Resolve(); err != nil {
		t.Fatal(err)
	}
	// Due Friday 2026-12-25 (Christmas): D0 falls on a holiday and moves.
	anchor := date.New(2026, 12, 25)
	f := Facts{AnchorKind: AnchorDue, Anchor: anchor, Open: 150000, Kind: "person", Variant: "champion", Recurrence: 2,
		Reach: ReachBit("sms") | ReachBit("email") | ReachBit("whatsapp") | ReachBit("voice"), DebtStatus: "open"}
	cal := j.Preview(f, d, nil, PreviewOptions{From: anchor.AddDays(-7), To: anchor.AddDays(10), Lang: "en"})
	byStep := map[string]CalendarEntry{}
	for _, e := range cal {
		byStep[e.Step] = e
	}
	d0 := byStep["d0-whatsapp"]
	if !d0.Moved || d0.At.IsZero() || len(d0.Reasons) == 0 {
		t.Fatalf("D0 on Christmas not moved: %+v", d0)
	}
	if got := date.Of(d0.At.In(d.Loc)); got != date.New(2026, 12, 28) {
		t.Errorf("D0 moved to %s, want Monday 2026-12-28", got)
	}
	// D-5 is Sunday 2026-12-20: moved to Monday.
	if e := byStep["d-5-email"]; e.Day != anchor.AddDays(-5) || !e.Moved || date.Of(e.At.In(d.Loc)) != date.New(2026, 12, 21) {
		t.Errorf("D-5: %+v", e)
	}
	if _, ok := byStep["d5-sms"]; !ok {
		t.Errorf("D+5 SMS after an assumed no-answer missing: %+v", cal)
	}
}
