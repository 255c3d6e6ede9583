package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/regua/regua/internal/journey"
)

// postedForm turns a form model back into what the browser posts, with
// the blank step rows the page adds.
func postedForm(f journeyForm) *http.Request {
	v := url.Values{"key": {f.Key}, "name": {f.Name}, "description": {f.Description}, "anchor": {f.Anchor}, "entry": {f.Entry},
		"priority": {f.Priority}, "policy": {f.Policy}, "advanced": {f.Advanced}}
	rows := append(append([]stepForm(nil), f.Steps...), stepForm{Action: "message"}, stepForm{Action: "message"})
	for _, s := range rows {
		v.Add("step_id", s.ID)
		v.Add("step_day", s.Day)
		v.Add("step_action", s.Action)
		v.Add("step_channel", s.Channel)
		v.Add("step_template", s.Template)
		v.Add("step_when", s.When)
		v.Add("step_more", s.More)
	}
	r, _ := http.NewRequest("POST", "/journeys", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.ParseForm()
	return r
}

// TestEditorRoundTrip: every demo journey, split into the editor's fields
// and posted back unchanged, is the same definition — editing in the page
// loses nothing (templates, variants, branches, offers, stop and resume
// rules).
func TestEditorRoundTrip(t *testing.T) {
	defs, err := journey.DemoSet()
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) < 3 {
		t.Fatalf("demo set has %d journeys", len(defs))
	}
	canon := func(raw []byte) string {
		d, err := journey.ParseBytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d)
		return string(b)
	}
	for _, d := range defs {
		t.Run(d.Key, func(t *testing.T) {
			raw, _ := json.Marshal(d)
			f, err := formOf(raw)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Steps) != len(d.Steps) || f.Entry != d.Entry || f.Key != d.Key {
				t.Fatalf("form: %d steps, entry %q", len(f.Steps), f.Entry)
			}
			g := formFromRequest(postedForm(f))
			out := g.definition()
			if out == nil {
				t.Fatalf("round trip refused: %v %+v", g.Errors, g.Steps)
			}
			if a, b := canon(raw), canon(out); a != b {
				t.Errorf("round trip changed the definition:\n%s\n%s", a, b)
			}
		})
	}
}

func TestEditorErrorsPlaced(t *testing.T) {
	base, err := formOf([]byte(starterDefinition))
	if err != nil {
		t.Fatal(err)
	}
	base.Key, base.Name = "x", "X"
	cases := []struct {
		name  string
		edit  func(f *journeyForm)
		field string // "" when the error is on step row
		row   int
		want  string
	}{
		{"bad key", func(f *journeyForm) { f.Key = "Com Espaço" }, "key", 0, "want 1–64"},
		{"entry", func(f *journeyForm) { f.Entry = "dpd >" }, "entry", 0, "column"},
		{"anchor", func(f *journeyForm) { f.Anchor = "lua" }, "anchor", 0, `"lua"`},
		{"priority", func(f *journeyForm) { f.Priority = "alta" }, "priority", 0, "whole number"},
		{"policy", func(f *journeyForm) { f.Policy = "XX" }, "policy", 0, "XX"},
		{"advanced json", func(f *journeyForm) { f.Advanced = "{" }, "advanced", 0, "unexpected end"},
		{"advanced owns no form field", func(f *journeyForm) { f.Advanced = `{"entry": "dpd > 1"}` }, "advanced", 0, "own field"},
		{"unknown field", func(f *journeyForm) { f.Advanced = `{"cor": "azul"}` }, "advanced", 0, "cor"},
		{"template missing", func(f *journeyForm) { f.Steps[1].Template = "nada" }, "", 1, `template: "nada" is not in templates`},
		{"step day", func(f *journeyForm) { f.Steps[0].Day = "-3d" }, "", 0, "day: want a whole number"},
		{"step when", func(f *journeyForm) { f.Steps[1].When = "foo == 1" }, "", 1, "unknown variable foo"},
		{"step more", func(f *journeyForm) { f.Steps[0].More = `{"id": "y"}` }, "", 0, "own column"},
		{"duplicate id", func(f *journeyForm) { f.Steps[1].ID = f.Steps[0].ID }, "", 1, "is also steps[0]"},
		{"no steps", func(f *journeyForm) { f.Steps = nil }, "steps", 0, "at least one step"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := base
			f.Steps = append([]stepForm(nil), base.Steps...)
			f.Errors = nil
			tc.edit(&f)
			if raw := f.definition(); raw != nil {
				t.Fatalf("accepted: %s", raw)
			}
			var got []string
			if tc.field != "" {
				got = f.Errors[tc.field]
			} else {
				got = f.Steps[tc.row].Errors
			}
			if !strings.Contains(strings.Join(got, "|"), tc.want) {
				t.Errorf("errors at %q/%d: %q, want %q (all: %v)", tc.field, tc.row, got, tc.want, f.Errors)
			}
		})
	}
	f := base
	f.Steps = append([]stepForm(nil), base.Steps...)
	if raw := f.definition(); raw == nil {
		t.Fatalf("starter refused: %v %+v", f.Errors, f.Steps)
	} else if !strings.Contains(string(raw), `"when": "overdue > 0"`) {
		t.Errorf("rules are escaped in the stored JSON: %s", raw)
	}
}

// FuzzJourneyForm: whatever is typed into the editor, definition() does
// not panic, and what it accepts compiles.
func FuzzJourneyForm(f *testing.F) {
	f.Add("dpd >= 30", "5", "d5-sms", `{"priority":2}`, `{"templates":{}}`)
	f.Add("", "-3", "", "", "")
	f.Add("reachable(\"sms\") and not agreement", "x", "a b", "{", "[]")
	f.Add("outcome(\"d5-sms\") == \"paid\"", "720", "d-1", `{"after":{"step":"d5-sms","outcomes":["paid"]}}`, "null")
	f.Fuzz(func(t *testing.T, entry, day, id, more, advanced string) {
		fm, err := formOf([]byte(starterDefinition))
		if err != nil {
			t.Fatal(err)
		}
		fm.Key, fm.Name, fm.Entry = "k", "K", entry
		fm.Steps[0].Day, fm.Steps[0].ID, fm.Steps[0].More = day, id, more
		if advanced != "" {
			fm.Advanced = advanced
		}
		raw := fm.definition()
		if raw == nil {
			if !fm.HasErrors() {
				t.Fatal("refused without saying why")
			}
			return
		}
		if _, err := journey.CompileBytes(raw); err != nil {
			t.Fatalf("accepted a definition that does not compile: %v", err)
		}
		if !reflect.DeepEqual(fm.Errors, map[string][]string(nil)) {
			t.Fatalf("accepted with errors %v", fm.Errors)
		}
	})
}
