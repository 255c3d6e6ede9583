package journey

import (
	"testing"

	"github.com/regua/regua/internal/date"
)

func FuzzCompileExpr(f *testing.F) {
	for _, s := range []string{"dpd >= 30", `product in ["a","b"]`, "not (first_time or recurrent)", `outcome("x") == "read" && reachable("sms")`, "overdue > 1000.50", "((((", "dpd > -3", "'\\'"} {
		f.Add(s)
	}
	facts := &Facts{DPD: 3, Outcomes: map[string]string{}}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := CompileExpr(src)
		if err != nil {
			if _, ok := err.(*ExprError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		e.Eval(facts)
		e.Eval(&Facts{})
	})
}

func FuzzParseJourney(f *testing.F) {
	raw, _ := DemoFile("promessa-quebrada")
	f.Add(raw)
	f.Add([]byte(`{"key":"a","name":"A","steps":[{"id":"s","day":0,"action":"task","priority":1}]}`))
	f.Add([]byte(`{"key":"a","name":"A","steps":[{"id":"s","day":0,"action":"message","channel":"sms","template":"t"}],"templates":{"t":{"channel":"sms","body":{"pt-BR":"{{name}}"}}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		j, err := CompileBytes(raw)
		if err != nil {
			return
		}
		fa := &Facts{Anchor: date.New(2026, 1, 10), Open: 100, Outcomes: map[string]string{}}
		for d := -10; d < 100; d += 7 {
			fa.SetDay(fa.Anchor.AddDays(d))
			j.Check(fa)
			j.Due(fa, nil)
		}
	})
}
