package policy

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzParse: any input either fails with an error or compiles into a
// policy whose decisions keep the engine's promises.
func FuzzParse(f *testing.F) {
	for _, name := range PresetNames() {
		pf, _ := PresetFile(name)
		b, _ := json.Marshal(pf)
		f.Add(b)
	}
	f.Add([]byte(`{"preset":"BR","hours":[{"id":"a","days":{"mon-fri":"10:00-18:00"}}],"overrides":[{"rule":"BR.hours","action":"disable","by":"x","reason":"y"}]}`))
	f.Add([]byte(`{"caps":[{"id":"c","limit":64,"window":"2d12h","scope":"debt","count":"conversations","when":{"min_dpd":3,"max_overdue":"1.000,00"}}]}`))
	f.Add([]byte(`{"extra_holidays":[{"scope":"uf:SP","name":"x","when":"easter-3","move":"next-monday"}],"commemorative":[{"name":"y","when":"last fri nov"}]}`))
	f.Add([]byte(`{"portfolios":{"a":{"hours":[{"id":"p","days":{"all":"00:00-24:00"}}]}}}`))
	f.Add([]byte(`{"hours":[{"id":"z","days":{"mon":"closed"}}],"preferences":{"work_hours":{"mon-fri":"07:00-19:00"},"not_at_work":true}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"caps":[{"id":"c","limit":1e400}]}`))
	d := &Debtor{ID: "f", Zone: "America/Sao_Paulo", Country: "BR", UF: "SP", City: 3550308}
	if err := d.Resolve(); err != nil {
		f.Fatal(err)
	}
	at := time.Date(2026, 12, 23, 13, 0, 0, 0, time.UTC)
	h := []Attempt{{ID: "a", At: at.Add(-time.Hour), Channel: SMS, Outcome: Attempted}}
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := ParseBytes(data)
		if err != nil {
			return
		}
		p, err := Compile(pf)
		if err != nil {
			return
		}
		for ch := Channel(1); ch < numChannels; ch++ {
			dec := Decide(p, d, ch, h, at)
			if !dec.Allowed && !dec.Never {
				if dec.Next.Before(at) || !Decide(p, d, ch, h, dec.Next).Allowed {
					t.Fatalf("%s: next %s not allowed", ch, dec.Next)
				}
			}
		}
	})
}
