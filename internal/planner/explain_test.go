package planner_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/planner"
	"github.com/regua/regua/internal/policy"
)

func TestExplain(t *testing.T) {
	p, err := policy.Preset("BR")
	if err != nil {
		t.Fatal(err)
	}
	d := &policy.Debtor{ID: "1", Country: "BR", UF: "SP", City: 3550308}
	if err := d.Resolve(); err != nil {
		t.Fatal(err)
	}
	sat := time.Date(2026, 9, 5, 13, 0, 0, 0, time.UTC) // Saturday 10:00 in São Paulo
	tue := time.Date(2026, 9, 8, 13, 0, 0, 0, time.UTC)
	intended := policy.Decide(p, d, policy.SMS, nil, sat)
	planned := policy.Decide(p, d, policy.SMS, nil, tue)
	full, _ := json.Marshal(planner.Decision{Planned: &planned, Intended: &intended, Basis: "default", StepDay: date.New(2026, 9, 5)})
	bare, _ := json.Marshal(intended)
	export, _ := json.Marshal(planner.Decision{NotContact: "export: not a contact"})
	cases := []struct {
		name string
		raw  []byte
		lang string
		want []string
	}{
		{"moved, es", full, "es", []string{"Planificado para 2026-09-08 10:00 Tue", "Permitido en ese instante.", "No salió el día del paso (2026-09-05) porque:"}},
		{"moved, en", full, "en", []string{"It did not go out on the step's day (2026-09-05)", "weekend"}},
		{"bare policy decision", bare, "pt-BR", []string{"Não permitido nesse instante:", "Próximo horário permitido: 2026-09-08"}},
		{"export", export, "en", []string{"export: not a contact"}},
	}
	for _, c := range cases {
		lines, err := planner.Explain(c.raw, tue, c.lang)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		all := strings.Join(lines, "\n")
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: lacks %q:\n%s", c.name, w, all)
			}
		}
	}
	if _, err := planner.Explain([]byte("{nope"), tue, "en"); err == nil {
		t.Error("garbage explained")
	}
}
