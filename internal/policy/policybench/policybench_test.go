package policybench

import (
	"context"
	"testing"
)

func TestRunSmall(t *testing.T) {
	res, err := Run(context.Background(), Options{Debtors: 2000, Decisions: 50000, Seed: 3, Histories: 64})
	if err != nil {
		t.Fatal(err)
	}
	if res.Allowed == 0 || res.Allowed == res.Decisions || res.Never == 0 {
		t.Errorf("allowed %d never %d of %d: the mix should have all three outcomes", res.Allowed, res.Never, res.Decisions)
	}
	if res.UFsSeen < 10 || res.ZonesSeen < 2 {
		t.Errorf("demo place spread: %d UFs, %d zones", res.UFsSeen, res.ZonesSeen)
	}
	if res.Decide <= 0 || res.Bare <= 0 || res.MeanHistory < 5 {
		t.Errorf("result %+v", res)
	}
	// The same options give the same outcome counts.
	again, _ := Run(context.Background(), Options{Debtors: 2000, Decisions: 50000, Seed: 3, Histories: 64, Workers: 2})
	if again.Allowed != res.Allowed || again.Never != res.Never {
		t.Errorf("not deterministic: %d/%d vs %d/%d", res.Allowed, res.Never, again.Allowed, again.Never)
	}
}
