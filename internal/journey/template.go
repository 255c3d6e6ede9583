package journey

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

// Locales every template may be written in; pt-BR is required and is the
// fallback for a debtor whose language has no text.
var Locales = []string{"pt-BR", "es", "en"}

// Template is a message in up to three languages. Text holds {{variable}}
// placeholders (see TemplateVars).
type Template struct {
	Channel string            `json:"channel"`
	Subject map[string]string `json:"subject,omitempty"` // e-mail subject
	Body    map[string]string `json:"body"`
	// WhatsApp is the name of the template approved with Meta (business-
	// initiated messages outside the 24-hour window must use one); Params
	// are the variables filling its {{1}}, {{2}}, … in order.
	WhatsApp string   `json:"whatsapp_name,omitempty"`
	Params   []string `json:"params,omitempty"`
	// MaxSegments caps an SMS's length (default 2). Transliterate folds
	// letters outside GSM-7 (ã, ç, ê …) so the text stays GSM-7: 160
	// characters a segment instead of 70.
	MaxSegments   int  `json:"max_segments,omitempty"`
	Transliterate bool `json:"transliterate,omitempty"`

	body, subject map[string][]part
}

type part struct {
	lit string
	v   int // 0: literal; else index+1 into templateVars
}

// templateVars are the variables a template may use.
var templateVars = []struct{ name, doc string }{
	{"name", "the debtor's name"},
	{"first_name", "the debtor's first name"},
	{"amount", "the amount overdue (or open, before the due date), formatted for the locale"},
	{"due_date", "the anchor date (due date), formatted for the locale"},
	{"dpd", "days past due"},
	{"pix_code", "PIX copy-and-paste code (BR Code) for the amount"},
	{"portal_link", "tracked link to the debtor portal (opaque token, no personal data)"},
	{"creditor", "the creditor's name"},
	{"contract", "the contract number"},
}

// TemplateVars lists the template variables for documentation.
func TemplateVars() [][2]string {
	out := make([][2]string, len(templateVars))
	for i, v := range templateVars {
		out[i] = [2]string{v.name, v.doc}
	}
	return out
}

func varIndex(name string) int {
	for i, v := range templateVars {
		if v.name == name {
			return i + 1
		}
	}
	return 0
}

func parseText(s string) ([]part, error) {
	var out []part
	for len(s) > 0 {
		i := strings.Index(s, "{{")
		if i < 0 {
			out = append(out, part{lit: s})
			break
		}
		if i > 0 {
			out = append(out, part{lit: s[:i]})
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("“{{” without “}}”")
		}
		name := strings.TrimSpace(s[i+2 : i+j])
		v := varIndex(name)
		if v == 0 {
			names := make([]string, len(templateVars))
			for k, tv := range templateVars {
				names[k] = tv.name
			}
			return nil, fmt.Errorf("unknown variable {{%s}} (known: %s)", name, strings.Join(names, ", "))
		}
		out = append(out, part{v: v})
		s = s[i+j+2:]
	}
	return out, nil
}

// sampleVars are long but plausible values: a template that fits its
// channel with these fits with real ones.
func sampleVars(d *Definition) Values {
	link := "https://pague.example.com"
	if d != nil && d.PortalURL != "" {
		link = strings.TrimSuffix(d.PortalURL, "/")
	}
	return Values{
		Name: "Maria Aparecida dos Santos Oliveira", FirstName: "Aparecida", Amount: money.Money(9999999),
		DueDate: date.New(2026, 12, 31), DPD: 120, Creditor: "Banco Exemplo S.A.", Contract: "CT-2026-000123456",
		PixCode:    strings.Repeat("0", 150),
		PortalLink: link + "/l/" + strings.Repeat("x", tokenLen),
	}
}

func (t *Template) compile(id string, d *Definition) []string {
	var errs []string
	place := "templates." + id
	switch t.Channel {
	case "sms", "email", "whatsapp", "voice", "letter", "call":
	default:
		errs = append(errs, fmt.Sprintf("%s.channel: %q: want sms, email, whatsapp, voice, letter or call", place, t.Channel))
	}
	if t.Body["pt-BR"] == "" {
		errs = append(errs, place+".body: pt-BR text is required (it is the fallback)")
	}
	t.body, t.subject = map[string][]part{}, map[string][]part{}
	for _, l := range sortedKeys(t.Body) {
		if !validLocale(l) {
			errs = append(errs, fmt.Sprintf("%s.body.%s: unknown locale (want pt-BR, es or en)", place, l))
			continue
		}
		p, err := parseText(t.Body[l])
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s.body.%s: %v", place, l, err))
			continue
		}
		t.body[l] = p
	}
	for _, l := range sortedKeys(t.Subject) {
		if !validLocale(l) {
			errs = append(errs, fmt.Sprintf("%s.subject.%s: unknown locale (want pt-BR, es or en)", place, l))
			continue
		}
		p, err := parseText(t.Subject[l])
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s.subject.%s: %v", place, l, err))
			continue
		}
		t.subject[l] = p
	}
	switch t.Channel {
	case "email":
		if t.Subject["pt-BR"] == "" {
			errs = append(errs, place+".subject: an e-mail needs a pt-BR subject")
		}
	case "whatsapp":
		if !waNameRE.MatchString(t.WhatsApp) {
			errs = append(errs, fmt.Sprintf("%s.whatsapp_name: %q: a WhatsApp template name is lower-case letters, digits and _ (1–512)", place, t.WhatsApp))
		}
		for i, p := range t.Params {
			if varIndex(p) == 0 {
				errs = append(errs, fmt.Sprintf("%s.params[%d]: unknown variable %q", place, i, p))
			}
		}
	case "sms":
		if t.MaxSegments == 0 {
			t.MaxSegments = 2
		}
		if t.MaxSegments < 1 || t.MaxSegments > 6 {
			errs = append(errs, fmt.Sprintf("%s.max_segments: %d: want 1–6", place, t.MaxSegments))
		}
		sv := sampleVars(d)
		for _, l := range sortedKeys(t.Body) {
			if t.body[l] == nil {
				continue
			}
			text := t.render(t.body[l], &sv, l)
			enc, segs, _ := SMSSegments(text)
			if segs > t.MaxSegments {
				errs = append(errs, fmt.Sprintf("%s.body.%s: %d %s segments with long values (%d characters), over max_segments %d", place, l, segs, enc, len([]rune(text)), t.MaxSegments))
			}
		}
	}
	if t.Channel != "whatsapp" && (t.WhatsApp != "" || len(t.Params) > 0) {
		errs = append(errs, place+": whatsapp_name and params are for WhatsApp templates")
	}
	return errs
}

func validLocale(l string) bool {
	for _, x := range Locales {
		if x == l {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Values are what a template's variables stand for, for one attempt.
type Values struct {
	Name, FirstName, Creditor, Contract string
	Amount                              money.Money
	DueDate                             date.Date
	DPD                                 int
	PixCode, PortalLink                 string
}

func (v *Values) get(i int, locale string) string {
	switch templateVars[i-1].name {
	case "name":
		return v.Name
	case "first_name":
		return v.FirstName
	case "amount":
		return v.Amount.Format(locale)
	case "due_date":
		return v.DueDate.Format(locale)
	case "dpd":
		return fmt.Sprint(v.DPD)
	case "pix_code":
		return v.PixCode
	case "portal_link":
		return v.PortalLink
	case "creditor":
		return v.Creditor
	case "contract":
		return v.Contract
	}
	return ""
}

func (t *Template) render(parts []part, v *Values, locale string) string {
	var b strings.Builder
	for _, p := range parts {
		if p.v == 0 {
			b.WriteString(p.lit)
		} else {
			b.WriteString(v.get(p.v, locale))
		}
	}
	s := b.String()
	if t.Transliterate && t.Channel == "sms" {
		s = ToGSM(s)
	}
	return s
}

// Rendered is a template filled in for one debtor.
type Rendered struct {
	Locale   string   `json:"locale"`
	Subject  string   `json:"subject,omitempty"`
	Body     string   `json:"body"`
	WhatsApp string   `json:"whatsapp_name,omitempty"`
	Params   []string `json:"params,omitempty"`
	Encoding string   `json:"encoding,omitempty"` // SMS: GSM-7 or UCS-2
	Segments int      `json:"segments,omitempty"` // SMS
}

// Render fills t for a debtor whose language is locale (falling back to
// pt-BR).
func (t *Template) Render(v *Values, locale string) Rendered {
	if _, ok := t.body[locale]; !ok {
		locale = "pt-BR"
	}
	r := Rendered{Locale: locale, Body: t.render(t.body[locale], v, locale)}
	if s, ok := t.subject[locale]; ok {
		r.Subject = t.render(s, v, locale)
	} else if s, ok := t.subject["pt-BR"]; ok {
		r.Subject = t.render(s, v, locale)
	}
	if t.Channel == "whatsapp" {
		r.WhatsApp = t.WhatsApp
		for _, p := range t.Params {
			r.Params = append(r.Params, v.get(varIndex(p), locale))
		}
	}
	if t.Channel == "sms" {
		r.Encoding, r.Segments, _ = SMSSegments(r.Body)
	}
	return r
}

// Uses reports whether the template uses variable name anywhere.
func (t *Template) Uses(name string) bool {
	i := varIndex(name)
	for _, m := range []map[string][]part{t.body, t.subject} {
		for _, ps := range m {
			for _, p := range ps {
				if p.v == i {
					return true
				}
			}
		}
	}
	for _, p := range t.Params {
		if p == name {
			return true
		}
	}
	return false
}

// The GSM 03.38 default alphabet and its extension table (each extension
// character takes two septets: ESC + char).
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
const gsmExt = "^{}\\[~]|€\f"

var gsmSet = func() map[rune]uint8 {
	m := map[rune]uint8{}
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExt {
		m[r] = 2
	}
	return m
}()

// SMSSegments says how an SMS text is encoded and into how many segments
// it splits: GSM-7 takes 160 septets in one segment, 153 per segment when
// concatenated; anything outside GSM-7 makes the whole message UCS-2, 70
// UTF-16 units in one segment, 67 per segment concatenated. units is the
// septet or UTF-16 unit count.
func SMSSegments(s string) (encoding string, segments, units int) {
	gsm := true
	for _, r := range s {
		w, ok := gsmSet[r]
		if !ok {
			gsm = false
			break
		}
		units += int(w)
	}
	if gsm {
		if units <= 160 {
			return "GSM-7", 1, units
		}
		return "GSM-7", (units + 152) / 153, units
	}
	units = len(utf16.Encode([]rune(s)))
	if units <= 70 {
		return "UCS-2", 1, units
	}
	return "UCS-2", (units + 66) / 67, units
}

var fold = map[rune]string{
	'á': "a", 'â': "a", 'ã': "a", 'Á': "A", 'Â': "A", 'Ã': "A", 'À': "A",
	'ê': "e", 'Ê': "E", 'È': "E", 'í': "i", 'Í': "I", 'î': "i",
	'ó': "o", 'ô': "o", 'õ': "o", 'Ó': "O", 'Ô': "O", 'Õ': "O", 'Ò': "O",
	'ú': "u", 'û': "u", 'Ú': "U", 'ç': "c", 'ï': "i", 'ë': "e",
	'“': "\"", '”': "\"", '‘': "'", '’': "'", '–': "-", '—': "-", '…': "...", '\u00a0': " ",
}

// ToGSM folds accented letters and typographic punctuation that GSM-7 lacks
// to their plain forms; other characters outside GSM-7 become '?'.
func ToGSM(s string) string {
	var b strings.Builder
	for _, r := range s {
		if _, ok := gsmSet[r]; ok {
			b.WriteRune(r)
		} else if f, ok := fold[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}
