package policy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func mustPreset(t testing.TB, name string) *Policy {
	t.Helper()
	p, err := Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func debtor(t testing.TB, country, uf string, city int) *Debtor {
	t.Helper()
	d := &Debtor{ID: "d1", Country: country, UF: uf, City: city}
	if err := d.Resolve(); err != nil {
		t.Fatal(err)
	}
	return d
}

func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func codes(d Decision) string {
	var out []string
	for _, r := range d.Reasons() {
		out = append(out, r.Code.String()+":"+r.Rule)
	}
	return strings.Join(out, ",")
}

// TestPresetCalendarRules: hours, weekends, holidays per preset, with the
// source each expectation rests on.
func TestPresetCalendarRules(t *testing.T) {
	tests := []struct {
		name, preset, uf string
		city             int
		zone             string
		ch               Channel
		at               string
		allowed          bool
		next             string // RFC 3339, "" when allowed
		code             string // substring of codes()
	}{
		// Seeds: 9h–21h on weekdays.
		{"BR 08:59 is quiet", "BR", "MG", 0, "", SMS, "2026-11-24T08:59:00-03:00", false, "2026-11-24T09:00:00-03:00", "quiet_hours:BR.hours"},
		{"BR 09:00 opens", "BR", "MG", 0, "", SMS, "2026-11-24T09:00:00-03:00", true, "", ""},
		{"BR 20:59:59 still open", "BR", "MG", 0, "", SMS, "2026-11-24T20:59:59-03:00", true, "", ""},
		{"BR 21:00 closes", "BR", "MG", 0, "", SMS, "2026-11-24T21:00:00-03:00", false, "2026-11-25T09:00:00-03:00", "quiet_hours:BR.hours"},
		{"BR Saturday", "BR", "MG", 0, "", Email, "2026-11-28T10:00:00-03:00", false, "2026-11-30T09:00:00-03:00", "weekend:BR.hours"},
		// Lei SP 15.426/2014: calls until 20h; SMS keeps the seeds' 21h.
		{"SP call 20:30", "BR", "SP", 3550308, "", Voice, "2026-11-24T20:30:00-03:00", false, "2026-11-25T09:00:00-03:00", "quiet_hours:BR-SP.calls"},
		{"SP sms 20:30", "BR", "SP", 3550308, "", SMS, "2026-11-24T20:30:00-03:00", true, "", ""},
		// Lei AL 7.782/2016 covers SMS too.
		{"AL sms 20:30", "BR", "AL", 0, "", SMS, "2026-11-24T20:30:00-03:00", false, "2026-11-25T09:00:00-03:00", "BR-AL.calls"},
		// Holidays: Natal (Lei 662/1949) after Christmas Eve (commemorative), then the weekend.
		{"Christmas Eve", "BR", "SP", 3550308, "", Voice, "2026-12-24T10:00:00-03:00", false, "2026-12-28T09:00:00-03:00", "commemorative:BR.commemorative"},
		{"Good Friday", "BR", "RS", 0, "", Call, "2026-04-03T10:00:00-03:00", false, "2026-04-06T09:00:00-03:00", "holiday:BR.holidays"},
		{"Carnival Monday (optional day)", "BR", "MG", 0, "", SMS, "2027-02-08T10:00:00-03:00", false, "2027-02-10T09:00:00-03:00", "holiday:BR.holidays"},
		{"20 Nov national", "BR", "PR", 0, "", SMS, "2026-11-20T10:00:00-03:00", false, "2026-11-23T09:00:00-03:00", "holiday:BR.holidays"},
		{"RJ São Jorge", "BR", "RJ", 0, "", SMS, "2026-04-23T10:00:00-03:00", false, "2026-04-24T09:00:00-03:00", "holiday:BR.holidays"},
		{"São Jorge is not an SP holiday", "BR", "SP", 0, "", SMS, "2026-04-23T10:00:00-03:00", true, "", ""},
		{"SP city anniversary", "BR", "SP", 3550308, "", SMS, "2027-01-25T10:00:00-03:00", false, "2027-01-26T09:00:00-03:00", "holiday:BR.holidays"},
		{"Campinas has no 25 Jan holiday", "BR", "SP", 3509502, "", SMS, "2027-01-25T10:00:00-03:00", true, "", ""},
		// Debtor's own zone: 10:00 in Brasília is 08:00 in Rio Branco (UTC−5).
		{"Acre local time", "BR", "AC", 1200401, "", SMS, "2026-11-24T10:00:00-03:00", false, "2026-11-24T09:00:00-05:00", "quiet_hours"},
		// Reg F 1006.6(b)(1)(i): 8am–9pm local, weekends allowed, across DST start (8 Mar 2026).
		{"US Sunday of DST start 07:59", "US", "NY", 0, "America/New_York", Call, "2026-03-08T07:59:00-04:00", false, "2026-03-08T08:00:00-04:00", "quiet_hours:US.hours"},
		{"US 21:00", "US", "CA", 0, "America/Los_Angeles", SMS, "2026-11-01T21:00:00-08:00", false, "2026-11-02T08:00:00-08:00", "quiet_hours:US.hours"},
		// MX CONDUSEF 07:00–22:00.
		{"MX 21:59", "MX", "", 0, "America/Mexico_City", Call, "2026-11-24T21:59:00-06:00", true, "", ""},
		{"MX 22:00", "MX", "", 0, "America/Mexico_City", Call, "2026-11-24T22:00:00-06:00", false, "2026-11-25T07:00:00-06:00", "quiet_hours:MX.hours"},
		// CO Ley 2300: Saturday 08–15, Sunday closed, holidays closed.
		{"CO Saturday 15:00", "CO", "", 0, "", SMS, "2026-11-28T15:00:00-05:00", false, "2026-11-30T07:00:00-05:00", "quiet_hours:CO.hours"},
		{"CO Reyes moved to Monday", "CO", "", 0, "", SMS, "2026-01-12T10:00:00-05:00", false, "2026-01-13T07:00:00-05:00", "holiday:CO.holidays"},
		// CL art. 59 CPC hours: Mon–Sat 08–20, no holidays.
		{"CL Saturday allowed", "CL", "", 0, "", Email, "2026-11-28T10:00:00-03:00", true, "", ""},
		{"CL Sunday", "CL", "", 0, "", Email, "2026-11-29T10:00:00-03:00", false, "2026-11-30T08:00:00-03:00", "weekend:CL.hours"},
		// ES art. 96.2 TRLGDCU (unconfirmed for collection): 9–21 weekdays, national holidays.
		{"ES Fiesta Nacional", "ES", "", 0, "", Call, "2026-10-12T10:00:00+02:00", false, "2026-10-13T09:00:00+02:00", "holiday:ES.holidays"},
		{"PT 10 June", "PT", "", 0, "", Call, "2026-06-10T10:00:00+01:00", false, "2026-06-11T09:00:00+01:00", "holiday:PT.holidays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustPreset(t, tt.preset)
			d := &Debtor{ID: "x", Country: tt.preset, UF: tt.uf, City: tt.city, Zone: tt.zone}
			if err := d.Resolve(); err != nil {
				t.Fatal(err)
			}
			if tt.preset == "CO" {
				d.Prefs.Channels = []Channel{SMS, Email, Call, Voice, WhatsApp}
			}
			dec := Decide(p, d, tt.ch, nil, ts(t, tt.at))
			if dec.Allowed != tt.allowed {
				t.Fatalf("allowed=%v, want %v (%s)", dec.Allowed, tt.allowed, codes(dec))
			}
			if tt.next != "" && !dec.Next.Equal(ts(t, tt.next)) {
				t.Errorf("next %s, want %s (%s)", dec.Next.In(d.Loc).Format(time.RFC3339), tt.next, codes(dec))
			}
			if !strings.Contains(codes(dec), tt.code) {
				t.Errorf("codes %q lack %q", codes(dec), tt.code)
			}
		})
	}
}

func attempts(t testing.TB, spec ...string) []Attempt {
	// spec: "id channel debt outcome RFC3339"
	var out []Attempt
	for _, s := range spec {
		f := strings.Fields(s)
		ch, err := ParseChannel(f[1])
		if err != nil {
			t.Fatal(err)
		}
		o := Attempted
		if f[3] == "conversation" {
			o = Conversation
		}
		out = append(out, Attempt{ID: f[0], Channel: ch, Debt: f[2], Outcome: o, At: ts(t, f[4])})
	}
	return out
}

func TestCaps(t *testing.T) {
	us := mustPreset(t, "US")
	ny := &Debtor{ID: "n", Country: "US", Zone: "America/New_York"}
	ny.Resolve()
	// Reg F 1006.14(b)(2)(i)(A): seven calls on debt A in seven consecutive days.
	seven := attempts(t,
		"a1 call A attempt 2026-11-02T10:00:00-05:00", "a2 call A attempt 2026-11-03T10:00:00-05:00",
		"a3 voice A attempt 2026-11-04T10:00:00-05:00", "a4 call A attempt 2026-11-05T10:00:00-05:00",
		"a5 call A attempt 2026-11-06T10:00:00-05:00", "a6 call A attempt 2026-11-07T10:00:00-05:00",
		"a7 call A attempt 2026-11-08T10:00:00-05:00", "s1 sms A attempt 2026-11-08T11:00:00-05:00")
	dec := DecideDebt(us, ny, Call, "A", seven, ts(t, "2026-11-08T15:00:00-05:00"))
	if dec.Allowed || !strings.Contains(codes(dec), "cap:US.7in7") {
		t.Fatalf("8th call in 7 days allowed: %s", codes(dec))
	}
	// Days 2–8 contain six calls once day 1 (2 Nov) leaves the window: 9 Nov 00:00 local.
	if want := ts(t, "2026-11-09T08:00:00-05:00"); !dec.Next.Equal(want) {
		t.Errorf("next %s, want %s", dec.Next, want)
	}
	r := dec.Reasons()[0]
	if r.Count != 7 || r.Limit != 7 || r.AttemptIDs()[0] != "a7" {
		t.Errorf("cap reason %+v", r)
	}
	// Another debt is not capped (the presumption is per debt); SMS is not a call.
	if d := DecideDebt(us, ny, Call, "B", seven, ts(t, "2026-11-08T15:00:00-05:00")); !d.Allowed {
		t.Errorf("debt B: %s", codes(d))
	}
	if d := DecideDebt(us, ny, SMS, "A", seven, ts(t, "2026-11-08T15:00:00-05:00")); !d.Allowed {
		t.Errorf("sms: %s", codes(d))
	}
	// 1006.14(b)(2)(i)(B): conversation on Monday 2 Nov (day 1) → next call on day 8, Monday 9 Nov.
	conv := attempts(t, "c1 call A conversation 2026-11-02T16:00:00-05:00")
	dec = DecideDebt(us, ny, Call, "A", conv, ts(t, "2026-11-05T10:00:00-05:00"))
	if dec.Allowed || !strings.Contains(codes(dec), "cooldown:US.post-conversation") || !dec.Next.Equal(ts(t, "2026-11-09T08:00:00-05:00")) {
		t.Errorf("post-conversation: %s next %s", codes(dec), dec.Next)
	}
	// Inbound attempts do not count toward the seven calls.
	in := append([]Attempt(nil), seven...)
	in[0].Inbound = true
	if d := DecideDebt(us, ny, Call, "A", in, ts(t, "2026-11-08T15:00:00-05:00")); !d.Allowed {
		t.Errorf("inbound counted: %s", codes(d))
	}
	// History after the decision instant is ignored.
	if d := DecideDebt(us, ny, Call, "A", seven, ts(t, "2026-11-02T09:00:00-05:00")); !d.Allowed {
		t.Errorf("future history counted: %s", codes(d))
	}

	// CL Ley 21.320: one phone contact a week (rolling), other channels two a week, two days apart.
	cl := mustPreset(t, "CL")
	sc := debtor(t, "CL", "", 0)
	h := attempts(t, "k1 call X attempt 2026-11-23T10:00:00-03:00")
	dec = Decide(cl, sc, Voice, h, ts(t, "2026-11-26T10:00:00-03:00"))
	if dec.Allowed || !dec.Next.Equal(ts(t, "2026-11-30T10:00:00-03:00")) {
		t.Errorf("CL calls: %s next %s", codes(dec), dec.Next)
	}
	h = attempts(t, "e1 email X attempt 2026-11-23T10:00:00-03:00")
	dec = Decide(cl, sc, SMS, h, ts(t, "2026-11-24T10:00:00-03:00"))
	if dec.Allowed || !strings.Contains(codes(dec), "CL.cap.other-spacing") || !dec.Next.Equal(ts(t, "2026-11-25T10:00:00-03:00")) {
		t.Errorf("CL spacing: %s next %s", codes(dec), dec.Next)
	}

	// CO Ley 2300 art. 3: once a day, and one channel a week.
	co := mustPreset(t, "CO")
	bog := debtor(t, "CO", "", 0)
	bog.Prefs.Channels = []Channel{SMS, Email, Call}
	h = attempts(t, "o1 sms X attempt 2026-11-23T10:00:00-05:00")
	dec = Decide(co, bog, Email, h, ts(t, "2026-11-25T10:00:00-05:00"))
	if dec.Allowed || !strings.Contains(codes(dec), "CO.cap.one-channel-week") || !dec.Next.Equal(ts(t, "2026-11-30T10:00:00-05:00")) {
		t.Errorf("CO one channel a week: %s next %s", codes(dec), dec.Next)
	}
	if d := Decide(co, bog, SMS, h, ts(t, "2026-11-25T10:00:00-05:00")); !d.Allowed {
		t.Errorf("CO same channel next day: %s", codes(d))
	}
	if d := Decide(co, bog, SMS, h, ts(t, "2026-11-23T15:00:00-05:00")); d.Allowed || !strings.Contains(codes(d), "CO.cap.day") {
		t.Errorf("CO twice a day: %s", codes(d))
	}

	// BR: one contact per channel a day (calendar day in the debtor's zone).
	br := mustPreset(t, "BR")
	sp := debtor(t, "BR", "SP", 3550308)
	h = attempts(t, "w1 whatsapp D1 attempt 2026-11-24T09:30:00-03:00")
	dec = Decide(br, sp, WhatsApp, h, ts(t, "2026-11-24T15:00:00-03:00"))
	if dec.Allowed || !strings.Contains(codes(dec), "cap:BR.cap.channel-day") || !dec.Next.Equal(ts(t, "2026-11-25T09:00:00-03:00")) {
		t.Errorf("BR whatsapp/day: %s next %s", codes(dec), dec.Next)
	}
	if d := Decide(br, sp, Email, h, ts(t, "2026-11-24T15:00:00-03:00")); !d.Allowed {
		t.Errorf("BR email after whatsapp: %s", codes(d))
	}
	// Segment caps: a small debt (≤ R$100) gets at most 3 contacts a week.
	small := *sp
	small.Segment.Overdue = 5000
	small.Segment.Recurrence = 3
	h = attempts(t, "m1 sms D attempt 2026-11-19T10:00:00-03:00", "m2 email D attempt 2026-11-20T10:00:00-03:00", "m3 sms D attempt 2026-11-23T10:00:00-03:00")
	dec = Decide(br, &small, Email, h, ts(t, "2026-11-24T10:00:00-03:00"))
	if dec.Allowed || !strings.Contains(codes(dec), "BR.cap.small-debt-week") || !dec.Next.Equal(ts(t, "2026-11-26T10:00:00-03:00")) {
		t.Errorf("small debt cap: %s next %s", codes(dec), dec.Next)
	}
	big := small
	big.Segment.Overdue = 500000
	if d := Decide(br, &big, Email, h, ts(t, "2026-11-24T10:00:00-03:00")); !d.Allowed {
		t.Errorf("large debt capped: %s", codes(d))
	}
}

func TestBlocksAndPreferences(t *testing.T) {
	br := mustPreset(t, "BR")
	at := ts(t, "2026-11-24T10:00:00-03:00")
	tests := []struct {
		name  string
		edit  func(*Debtor)
		ch    Channel
		never bool
		code  string
		next  string
	}{
		{"opt-out", func(d *Debtor) { d.OptOuts = []Channel{SMS} }, SMS, true, "opt_out", ""},
		{"opt-out other channel", func(d *Debtor) { d.OptOuts = []Channel{SMS} }, Email, false, "", ""},
		{"dispute", func(d *Debtor) { d.Flags.Dispute = true }, Email, true, "dispute:BR.block.dispute", ""},
		{"agreement", func(d *Debtor) { d.Flags.Agreement = true }, Email, true, "agreement", ""},
		{"bankrupt", func(d *Debtor) { d.Flags.Bankrupt = true }, Email, true, "bankrupt", ""},
		{"deceased", func(d *Debtor) { d.Flags.Deceased = true }, Email, true, "deceased", ""},
		{"represented", func(d *Debtor) { d.Flags.Represented = true }, Email, true, "represented", ""},
		{"channel preference", func(d *Debtor) { d.Prefs.Channels = []Channel{Email} }, WhatsApp, true, "preference_channel", ""},
		{"preferred hours", func(d *Debtor) { d.Prefs.Hours = []Span{{18 * 60, 20 * 60}} }, SMS, false, "preference_hours", "2026-11-24T18:00:00-03:00"},
		{"not at work: calls wait for 18:00", func(d *Debtor) { d.Prefs.NotAtWork = true }, Call, false, "not_at_work", "2026-11-24T18:00:00-03:00"},
		{"not at work: SMS still fine", func(d *Debtor) { d.Prefs.NotAtWork = true }, SMS, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := debtor(t, "BR", "MG", 0)
			tt.edit(d)
			dec := Decide(br, d, tt.ch, nil, at)
			if tt.code == "" {
				if !dec.Allowed {
					t.Fatalf("denied: %s", codes(dec))
				}
				return
			}
			if dec.Allowed || dec.Never != tt.never || !strings.Contains(codes(dec), tt.code) {
				t.Fatalf("allowed=%v never=%v codes=%s", dec.Allowed, dec.Never, codes(dec))
			}
			if tt.never && !dec.Next.IsZero() {
				t.Errorf("never but next %s", dec.Next)
			}
			if tt.next != "" && !dec.Next.Equal(ts(t, tt.next)) {
				t.Errorf("next %s, want %s", dec.Next, tt.next)
			}
		})
	}
	// Colombia: only authorised channels (Ley 2300 de 2023); none listed authorises nothing.
	co := mustPreset(t, "CO")
	d := debtor(t, "CO", "", 0)
	if dec := Decide(co, d, SMS, nil, ts(t, "2026-11-24T10:00:00-05:00")); !dec.Never || !strings.Contains(codes(dec), "preference_channel") {
		t.Errorf("CO unauthorised: %s", codes(dec))
	}
}

func TestTenantTighteningAndOverrides(t *testing.T) {
	f, err := ParseBytes([]byte(`{
		"name": "acme", "version": "7", "preset": "BR",
		"hours": [{"id": "acme.hours", "source": "acme board 2026-10", "days": {"mon-fri": "10:00-18:00"}}],
		"caps": [{"id": "acme.sms", "channels": ["sms"], "limit": 2, "window": "7d"}],
		"extra_holidays": [{"scope": "city:3106200", "name": "Feriado da ACME", "when": "11-25"}],
		"portfolios": {"cards": {"hours": [{"id": "cards.hours", "days": {"mon-fri": "12:00-18:00"}}]}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(f)
	if err != nil {
		t.Fatal(err)
	}
	bh := debtor(t, "BR", "MG", 3106200)
	at := ts(t, "2026-11-24T09:30:00-03:00")
	dec := Decide(p, bh, Email, nil, at)
	if dec.Allowed || !dec.Next.Equal(ts(t, "2026-11-24T10:00:00-03:00")) || dec.PolicyVersion != "7" {
		t.Errorf("tightened hours: %s next %s version %s", codes(dec), dec.Next, dec.PolicyVersion)
	}
	if dec := Decide(p, bh, Email, nil, ts(t, "2026-11-25T11:00:00-03:00")); dec.Allowed || !strings.Contains(codes(dec), "holiday") {
		t.Errorf("tenant city holiday: %s", codes(dec))
	}
	if dec := Decide(p.For("cards"), bh, Email, nil, ts(t, "2026-11-24T11:00:00-03:00")); dec.Allowed || !dec.Next.Equal(ts(t, "2026-11-24T12:00:00-03:00")) {
		t.Errorf("portfolio: %s next %s", codes(dec), dec.Next)
	}
	// A tenant rule cannot loosen: 07:00–23:00 intersected with the seeds is still 09–21.
	f2, _ := ParseBytes([]byte(`{"preset":"BR","hours":[{"id":"wide","days":{"all":"07:00-23:00"}}]}`))
	p2, err := Compile(f2)
	if err != nil {
		t.Fatal(err)
	}
	if dec := Decide(p2, bh, Email, nil, ts(t, "2026-11-24T08:00:00-03:00")); dec.Allowed {
		t.Error("tenant rule loosened the preset")
	}
	// Loosening needs an override with who and why.
	_, err = Compile(&File{Preset: "BR", Overrides: []Override{{Rule: "BR.hours", Action: "disable", Reason: "x"}}})
	if err == nil || !strings.Contains(err.Error(), "overrides[0].by") {
		t.Errorf("override without by: %v", err)
	}
	_, err = Compile(&File{Preset: "BR", Overrides: []Override{{Rule: "BR.nope", Action: "disable", By: "a", Reason: "b"}}})
	if err == nil || !strings.Contains(err.Error(), "overrides[0].rule") {
		t.Errorf("override of unknown rule: %v", err)
	}
	p3, err := Compile(&File{Preset: "BR", Overrides: []Override{{Rule: "BR.hours", Action: "disable", By: "ana@acme", Reason: "B2B portfolio, debtor asked for Saturday calls", Ticket: "LEG-12"}},
		Hours: []HoursRule{{RuleMeta: RuleMeta{ID: "acme.sat"}, Days: map[string]string{"mon-sat": "09:00-18:00"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if dec := Decide(p3, bh, Email, nil, ts(t, "2026-11-28T10:00:00-03:00")); !dec.Allowed {
		t.Errorf("override: %s", codes(dec))
	}
	if len(p3.Overrides) != 1 || p3.Overrides[0].By != "ana@acme" {
		t.Errorf("override not kept for audit: %+v", p3.Overrides)
	}
}

func TestParseErrorsNameTheField(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"nmae": "x"}`, `unknown field "nmae"`},
		{`{"caps": [{"id": "c", "limit": "3"}]}`, `"caps.limit"`},
		{`{"caps": [{"id": "c", "limit": 3, "window": "soon"}]}`, `caps[0].window`},
		{`{"caps": [{"id": "c", "limit": 0, "days": 1}]}`, `caps[0].limit`},
		{`{"caps": [{"id": "c", "limit": 1}]}`, `caps[0].window: missing`},
		{`{"caps": [{"id": "c", "limit": 1, "days": 1, "scope": "family"}]}`, `caps[0].scope`},
		{`{"hours": [{"id": "h", "days": {"mon": "9-18"}}]}`, `hours[0].days.mon`},
		{`{"hours": [{"id": "h", "days": {"mon": "18:00-09:00"}}]}`, `hours[0].days.mon`},
		{`{"hours": [{"id": "h", "days": {"funday": "09:00-18:00"}}]}`, `hours[0].days.funday`},
		{`{"hours": [{"id": "h", "days": {"mon": "09:00-18:00", "mon-fri": "09:00-18:00"}}]}`, `already given`},
		{`{"hours": [{"id": "h", "channels": ["fax"], "days": {}}]}`, `hours[0].channels[0]`},
		{`{"hours": [{"days": {}}]}`, `hours[0].id`},
		{`{"hours": [{"id": "a", "days": {}}, {"id": "a", "days": {}}]}`, `hours[1].id`},
		{`{"holidays": [{"id": "h", "kinds": ["pagan"]}]}`, `holidays[0].kinds[0]`},
		{`{"blocks": [{"id": "b", "flag": "sad"}]}`, `blocks[0].flag`},
		{`{"preset": "AR"}`, `preset`},
		{`{"extra_holidays": [{"scope": "city:12", "name": "x", "when": "01-01"}]}`, `extra_holidays[0].scope`},
		{`{"commemorative": [{"name": "x", "when": "31-12"}]}`, `commemorative`},
		{`{"best_hour": {"default": "25:00"}}`, `best_hour.default`},
		{`{"caps": [{"id": "c", "limit": 1, "days": 1, "when": {"max_overdue": "abc"}}]}`, `caps[0].when.max_overdue`},
		{"{\n  \"name\": \"x\",,\n}", `line 2`},
		{``, `empty`},
	}
	for _, tt := range tests {
		f, err := ParseBytes([]byte(tt.in))
		if err == nil {
			_, err = Compile(f)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to mention %q", tt.in, err, tt.want)
		}
	}
}

func TestDecisionJSONAndLanguages(t *testing.T) {
	br := mustPreset(t, "BR")
	sp := debtor(t, "BR", "SP", 3550308)
	h := attempts(t, "v1 voice D1 attempt 2026-12-23T10:00:00-03:00")
	dec := Decide(br, sp, Voice, h, ts(t, "2026-12-23T20:30:00-03:00"))
	b, err := json.Marshal(dec)
	if err != nil {
		t.Fatal(err)
	}
	var back Decision
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b) != string(b2) {
		t.Errorf("round trip changed the decision:\n%s\n%s", b, b2)
	}
	want := map[string][]string{
		"pt-BR": {"limite de frequência atingido: 1 de 1 contatos em 1 dia(s) corrido(s)", "fora do horário permitido (08:00–20:00)"},
		"es":    {"límite de frecuencia alcanzado", "fuera del horario permitido (08:00–20:00)"},
		"en":    {"frequency cap reached: 1 of 1 contacts in 1 calendar day(s)", "outside the allowed hours (08:00–20:00)"},
	}
	for lang, parts := range want {
		all := strings.Join(back.Explain(lang), " | ")
		for _, p := range parts {
			if !strings.Contains(all, p) {
				t.Errorf("%s: %q lacks %q", lang, all, p)
			}
		}
	}
	if back.PolicyVersion != br.Version || back.Zone != "America/Sao_Paulo" {
		t.Errorf("version/zone lost: %+v", back)
	}
}

func TestNextBest(t *testing.T) {
	br := mustPreset(t, "BR")
	after := ts(t, "2026-11-24T07:00:00-03:00")
	seen := map[time.Time]int{}
	for i := 0; i < 200; i++ {
		d := debtor(t, "BR", "SP", 0)
		d.ID = "debtor-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		s, ok := NextBest(br, d, SMS, nil, after)
		if !ok || !Decide(br, d, SMS, nil, s.At).Allowed || s.At.Before(after) {
			t.Fatalf("%s: slot %v ok=%v", d.ID, s.At, ok)
		}
		lt := s.At.In(d.Loc)
		if lt.Hour() < 10 || lt.Hour() > 11 || (lt.Hour() == 11 && lt.Minute() >= 30) {
			t.Errorf("default slot %s outside 10:00–11:30", lt)
		}
		seen[s.At]++
		again, _ := NextBest(br, d, SMS, nil, after)
		if !again.At.Equal(s.At) {
			t.Fatal("NextBest not deterministic")
		}
	}
	if len(seen) < 150 {
		t.Errorf("only %d distinct slots for 200 debtors", len(seen))
	}
	d := debtor(t, "BR", "SP", 0)
	d.Prefs.Hours = []Span{{19 * 60, 20 * 60}}
	if s, _ := NextBest(br, d, SMS, nil, after); s.Basis != "preference" || s.At.In(d.Loc).Hour() != 19 {
		t.Errorf("preference slot %v %s", s.At, s.Basis)
	}
	d.Prefs.Hours = nil
	bh := Clock(15 * 60)
	d.BestHour = &bh
	if s, _ := NextBest(br, d, SMS, nil, after); s.Basis != "learned" || s.At.In(d.Loc).Hour() != 15 {
		t.Errorf("learned slot %v %s", s.At, s.Basis)
	}
	d.OptOuts = []Channel{SMS}
	if _, ok := NextBest(br, d, SMS, nil, after); ok {
		t.Error("opted-out debtor got a slot")
	}
}

func TestPresetsCompileWithSources(t *testing.T) {
	for _, name := range PresetNames() {
		p := mustPreset(t, name)
		rules := p.Rules()
		if len(rules) == 0 {
			t.Errorf("%s: no rules", name)
		}
		for _, r := range rules {
			if r.Source == "" || !r.Floor || !strings.HasPrefix(r.ID, name) {
				t.Errorf("%s: rule %+v lacks a source, floor mark or prefix", name, r)
			}
		}
		if name != "PT" && len(p.Conduct()) == 0 {
			t.Errorf("%s: no conduct rules", name)
		}
	}
}

func TestDayMask(t *testing.T) {
	var m dayMask
	m.setRange(9*60, 12*60)
	m.setRange(13*60, 24*60)
	if got := m.spans(); len(got) != 2 || got[0] != (Span{540, 720}) || got[1] != (Span{780, 1440}) {
		t.Errorf("spans %v", got)
	}
	for _, tc := range []struct{ min, want int }{{0, 540}, {540, 540}, {720, 780}, {1439, 1439}} {
		if got := m.next(tc.min); got != tc.want {
			t.Errorf("next(%d) = %d, want %d", tc.min, got, tc.want)
		}
	}
	if got := m.nextClear(800); got != 1440 {
		t.Errorf("nextClear(800) = %d", got)
	}
	if s, ok := m.spanAround(730); !ok || s != (Span{780, 1440}) {
		t.Errorf("spanAround(730) = %v", s)
	}
	var e dayMask
	if e.next(0) != -1 || !e.empty() {
		t.Error("empty mask")
	}
}
