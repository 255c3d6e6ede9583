package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/store/sqldb"
	"github.com/regua/regua/internal/store/storetest"
)

// negotiationDB makes a SQLite store with the contract fixture (José owes
// C-1001 in two installments; Maria C-2002 and C-2003) and returns its path.
func negotiationDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "neg.db")
	db, err := sqldb.Open(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	storetest.NewFixture(t, db, "cli")
	db.Close()
	return path
}

func TestAgreementCLI(t *testing.T) {
	db := negotiationDB(t)
	run := func(wantCode int, args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, append(args, "--db", db)...)
		if code != wantCode {
			t.Fatalf("regua %v: code %d, want %d\nstdout: %s\nstderr: %s", args, code, wantCode, out, errOut)
		}
		return out + errOut
	}

	// No policies yet: a clear error.
	if out := run(1, "agreement", "offers", "--debtor", "529.982.247-25", "--as-of", "2026-11-24"); !strings.Contains(out, "no offer policies") {
		t.Errorf("without policies: %s", out)
	}
	if out := run(0, "agreement", "policy", "set", "../../internal/offer/demo_policies.json"); !strings.Contains(out, "offer policies version 1") {
		t.Errorf("policy set: %s", out)
	}
	if out := run(0, "agreement", "policy", "show"); !strings.Contains(out, "demo-cards-late") {
		t.Errorf("policy show: %s", out)
	}
	run(2, "agreement", "policy", "bogus")

	out := run(0, "agreement", "offers", "--debtor", "52998224725", "--as-of", "2026-11-24")
	if !strings.Contains(out, "José da Conceição") || !strings.Contains(out, "[offer ") {
		t.Errorf("offers: %s", out)
	}
	var menu struct {
		Debts  []int64 `json:"debt_ids"`
		Offers []struct {
			ID    string `json:"id"`
			Text  string `json:"text"`
			Offer struct {
				Kind  string `json:"kind"`
				Total string `json:"total"`
			} `json:"offer"`
		} `json:"offers"`
	}
	if err := json.Unmarshal([]byte(run(0, "agreement", "offers", "--debtor", "52998224725", "--as-of", "2026-11-24", "--json")), &menu); err != nil {
		t.Fatal(err)
	}
	var offerID, text string
	for _, o := range menu.Offers {
		if o.Offer.Kind == "installments" && offerID == "" {
			offerID, text = o.ID, o.Text
		}
	}
	if offerID == "" || len(menu.Debts) != 1 {
		t.Fatalf("menu: %+v", menu)
	}

	var fullID string
	for _, o := range menu.Offers {
		if o.Offer.Kind == "full" {
			fullID = o.ID
		}
	}
	if out := run(0, "agreement", "offers", "--debtor", "52998224725", "--as-of", "2026-11-24", "--base", fullID, "--except", "2950,00", "--role", "agent", "--approved-by", "user:9"); !strings.Contains(out, "approved by user:9 as agent") {
		t.Errorf("exception: %s", out)
	}
	if out := run(1, "agreement", "offers", "--debtor", "52998224725", "--as-of", "2026-11-24", "--base", fullID, "--except", "2000,00", "--role", "supervisor"); !strings.Contains(out, "beyond every approval limit") {
		t.Errorf("exception too big: %s", out)
	}
	run(2, "agreement", "offers", "--debtor", "52998224725", "--except", "2000,00")
	if out := run(0, "agreement", "offers", "--debtor", "52998224725", "--as-of", "2026-11-24", "--pay-what-you-can", "300,00"); !strings.Contains(out, "(added)") {
		t.Errorf("pay what you can: %s", out)
	}
	if out := run(0, "agreement", "offers", "--debtor", "52998224725", "--as-of", "2026-11-24", "--income", "2500,00", "--essential", "1800,00"); !strings.Contains(out, "offer ") {
		t.Errorf("with a budget: %s", out)
	}
	run(2, "agreement", "offers", "--debtor", "52998224725", "--essential", "10,00")
	run(2, "agreement", "accept", "--debtor", "52998224725")
	at := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC).Format(time.RFC3339)
	out = run(0, "agreement", "accept", "--debtor", "52998224725", "--offer", offerID, "--as-of", "2026-11-24", "--accepted-at", at, "--channel", "phone", "--who", "user:1")
	if !strings.Contains(out, "agreement 1:") || !strings.Contains(out, "reminder(s) planned") {
		t.Fatalf("accept: %s", out)
	}
	if out := run(0, "agreement", "accept", "--debtor", "52998224725", "--offer", offerID, "--as-of", "2026-11-24", "--accepted-at", at); !strings.Contains(out, "already accepted") {
		t.Errorf("accept twice: %s", out)
	}

	var list []map[string]any
	if err := json.Unmarshal([]byte(run(0, "agreement", "list", "--json", "--status", "active")), &list); err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
	acc := list[0]["acceptance"].(map[string]any)
	if acc["text"] != text || acc["text_verified"] != true || acc["channel"] != "phone" {
		t.Errorf("acceptance: %v", acc)
	}
	run(2, "agreement", "list", "--status", "bogus")

	show := run(0, "agreement", "show", "1", "--as-of", "2026-11-25")
	for _, want := range []string{"agreement 1 (installments)", "as of 25/11/2026: current", "text matches its digest", "accepted by agent user:1 via phone"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	run(2, "agreement", "show")

	out = run(0, "agreement", "pay", "1", "--amount", "10,00", "--ref", "cx-1", "--paid-at", "2026-11-26")
	if !strings.Contains(out, "booked R$ 10,00 to agreement 1") {
		t.Errorf("pay: %s", out)
	}
	if out := run(0, "agreement", "pay", "1", "--amount", "10,00", "--ref", "cx-1"); !strings.Contains(out, "already booked") {
		t.Errorf("pay twice: %s", out)
	}
	run(2, "agreement", "pay", "1", "--amount", "-1", "--ref", "x")

	out = run(0, "promise", "add", "--debtor", "11144477735", "--amount", "50,00", "--date", "2026-11-30", "--made", "2026-11-24", "--debt", "C-2002")
	if !strings.Contains(out, "promise 1: R$ 50,00 by 30/11/2026") {
		t.Errorf("promise add: %s", out)
	}
	run(2, "promise", "add", "--debtor", "11144477735", "--amount", "zero", "--date", "2026-11-30")
	run(1, "promise", "add", "--debtor", "11144477735", "--amount", "5,00", "--date", "2026-11-01", "--made", "2026-11-24")
	if out := run(0, "promise", "list", "--debtor", "11144477735"); !strings.Contains(out, "pending") {
		t.Errorf("promise list: %s", out)
	}

	// Long after: the agreement's first installment was never paid in full
	// and the promise was not kept.
	var reps []struct {
		Broken, Unkept int
		Agreements     []struct {
			First bool `json:"first"`
		} `json:"agreement_changes"`
	}
	if err := json.Unmarshal([]byte(run(0, "agreements", "check-breaches", "--as-of", "2027-06-01", "--json")), &reps); err != nil {
		t.Fatal(err)
	}
	if len(reps) != 1 || reps[0].Broken != 1 || reps[0].Unkept != 1 || !reps[0].Agreements[0].First {
		t.Errorf("check-breaches: %+v", reps)
	}
	if out := run(0, "agreements", "check-breaches", "--as-of", "2027-06-01"); !strings.Contains(out, "0 broken") {
		t.Errorf("second run: %s", out)
	}
	if out := run(0, "promise", "list", "--status", "unkept"); !strings.Contains(out, "unkept") {
		t.Errorf("unkept: %s", out)
	}
}

func TestBreachesOptions(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	every, loc, err := breachesOptions(get)
	if err != nil || every != time.Hour || loc.String() != "America/Sao_Paulo" {
		t.Errorf("defaults: %v %v %v", every, loc, err)
	}
	env["REGUA_BREACHES_INTERVAL"] = "5m"
	env["REGUA_BREACHES_ZONE"] = "America/Manaus"
	if every, loc, err := breachesOptions(get); err != nil || every != 5*time.Minute || loc.String() != "America/Manaus" {
		t.Errorf("set: %v %v %v", every, loc, err)
	}
	for _, bad := range []map[string]string{{"REGUA_BREACHES_INTERVAL": "soon"}, {"REGUA_BREACHES_INTERVAL": "1ms"}, {"REGUA_BREACHES_ZONE": "Mars/Base"}} {
		env = bad
		if _, _, err := breachesOptions(get); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
