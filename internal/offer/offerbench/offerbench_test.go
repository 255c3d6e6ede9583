package offerbench

import (
	"context"
	"strings"
	"testing"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/offer"
)

func TestRunSmall(t *testing.T) {
	res, err := Run(context.Background(), Options{Debtors: 300, Seed: 3, AsOf: date.MustParse("2026-11-24"), Chunk: 128})
	if err != nil {
		t.Fatal(err)
	}
	if res.Debtors < 250 || res.Menus < 150 || res.Offers < 2*res.Menus || res.Sink == 0 || res.Menu <= 0 {
		t.Errorf("result %+v", res)
	}
}

func BenchmarkDemoMenus(b *testing.B) {
	reqs, err := load(Options{Seed: 1, AsOf: date.MustParse("2026-11-24")}, 0, 2000)
	if err != nil {
		b.Fatal(err)
	}
	set := offer.DemoPolicies()
	i := 0
	for b.Loop() {
		if _, err := offer.Generate(reqs[i%len(reqs)], set); err != nil && !strings.Contains(err.Error(), "owes nothing") {
			b.Fatal(err)
		}
		i++
	}
}
