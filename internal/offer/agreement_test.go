package offer

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/charge"
	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

func issueMenu(t *testing.T) Menu {
	t.Helper()
	m, err := Generate(Request{Debtor: Debtor{ID: "D-1"}, Debts: issueDebt(), AsOf: date.MustParse("2026-11-24")}, loadPolicy(t))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func findPlan(m *Menu, n int) *Offer {
	for i := range m.Offers {
		if m.Offers[i].Kind == KindInstallments && m.Offers[i].Plan.N == n {
			return &m.Offers[i]
		}
	}
	return nil
}

func acceptPlan3(t *testing.T) (Menu, Agreement) {
	m := issueMenu(t)
	o := findPlan(&m, 3)
	a, err := m.Accept(o.ID, Acceptance{Who: "D-1", WhoKind: "debtor", Channel: ChannelPortal,
		At: time.Date(2026, 11, 25, 14, 3, 0, 0, time.UTC), Locale: "pt-BR", Text: m.Text(o, "pt-BR")})
	if err != nil {
		t.Fatal(err)
	}
	return m, a
}

func TestAccept(t *testing.T) {
	m, a := acceptPlan3(t)
	o := findPlan(&m, 3)
	if a.OfferID != o.ID || a.Acceptance.OfferID != o.ID || a.Acceptance.PolicyVersion != 3 || !a.Acceptance.Verify() {
		t.Fatalf("acceptance %+v", a.Acceptance)
	}
	// Down payment + 3 installments, summing to the offer's total.
	var sum money.Money
	for _, in := range a.Installments {
		sum += in.Amount
	}
	if len(a.Installments) != 4 || a.Installments[0].Number != 0 || sum != o.Total || a.Debts[0].DebtID != "C-1" || a.Debts[0].Open[charge.Interest] != 9900 {
		t.Fatalf("agreement %+v", a)
	}
	tampered := a.Acceptance
	tampered.Text += " "
	if tampered.Verify() {
		t.Error("tampered text verifies")
	}
	bad := []struct {
		name string
		acc  Acceptance
		want string
	}{
		{"expired", Acceptance{Who: "D-1", WhoKind: "debtor", Channel: ChannelPortal, At: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Text: m.Text(o, "pt-BR")}, "expired"},
		{"no text", Acceptance{Who: "D-1", WhoKind: "debtor", Channel: ChannelPortal, At: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}, "exact text"},
		{"text without total", Acceptance{Who: "D-1", WhoKind: "debtor", Channel: ChannelPortal, At: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), Text: "Aceito."}, "does not state the total"},
		{"channel", Acceptance{Who: "D-1", WhoKind: "debtor", Channel: "fax", At: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), Text: m.Text(o, "pt-BR")}, "channel"},
		{"who", Acceptance{WhoKind: "debtor", Channel: ChannelSMS, At: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), Text: m.Text(o, "pt-BR")}, "who"},
	}
	for _, tt := range bad {
		if _, err := m.Accept(o.ID, tt.acc); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, err := m.Accept("nope", Acceptance{}); err == nil {
		t.Error("unknown offer accepted")
	}
	// 22:00 in São Paulo on the last valid day is already the next day in
	// UTC: the day is the acceptance time's own.
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip(err)
	}
	late := time.Date(o.ValidUntil.Year(), o.ValidUntil.Month(), o.ValidUntil.Day(), 22, 0, 0, 0, sp)
	if _, err := m.Accept(o.ID, Acceptance{Who: "D-1", WhoKind: "debtor", Channel: ChannelPortal, At: late, Text: m.Text(o, "pt-BR")}); err != nil {
		t.Errorf("accepted %s, valid until %s: %v", late, o.ValidUntil, err)
	}
	if _, err := m.Accept(o.ID, Acceptance{Who: "D-1", WhoKind: "debtor", Channel: ChannelPortal, At: late.Add(3 * time.Hour), Text: m.Text(o, "pt-BR")}); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("accepted the day after it expired: %v", err)
	}
}

// Agreements are persisted as JSON by the store: they must read back equal.
func TestAgreementJSONRoundTrip(t *testing.T) {
	_, a := acceptPlan3(t)
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Agreement
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b) != string(b2) || back.Gross != a.Gross || back.Debts[0].Open != a.Debts[0].Open || !back.Acceptance.Verify() {
		t.Fatalf("round trip differs:\n%s\n%s", b, b2)
	}
	m := issueMenu(t)
	mb, _ := json.Marshal(m)
	var mback Menu
	if err := json.Unmarshal(mb, &mback); err != nil {
		t.Fatal(err)
	}
	if mb2, _ := json.Marshal(mback); string(mb) != string(mb2) {
		t.Fatal("menu JSON does not round-trip")
	}
	p := Promise{Debtor: "D-1", Amount: 100, Date: date.MustParse("2026-12-01"), Made: date.MustParse("2026-11-24"), Channel: ChannelSMS}
	b, _ = json.Marshal(p)
	var pb Promise
	if err := json.Unmarshal(b, &pb); err != nil || pb != p {
		t.Fatalf("promise round trip: %+v %v", pb, err)
	}
}

func pay(d string, amount money.Money) charge.Payment {
	return charge.Payment{Date: date.MustParse(d), Amount: amount}
}

func TestBreach(t *testing.T) {
	_, a := acceptPlan3(t)
	down, i1, i2 := a.Installments[0], a.Installments[1], a.Installments[2]
	// Tolerances: first payment 5 days, later ones 30 days.
	tests := []struct {
		name  string
		pays  []charge.Payment
		asOf  string
		state State
		first bool
		paid  int
	}{
		{"before anything is due", nil, "2026-11-26", StateCurrent, false, 0},
		{"down payment late, within 5 days", nil, "2026-12-01", StateLate, false, 0},
		{"first installment breach", nil, "2026-12-03", StateBroken, true, 0},
		{"down paid, first installment on time at the discount", []charge.Payment{pay("2026-11-27", down.Amount), pay("2026-12-28", i1.OnTime)}, "2027-01-05", StateCurrent, false, 2},
		{"later installment late within 30 days", []charge.Payment{pay("2026-11-27", down.Amount), pay("2026-12-28", i1.OnTime)}, "2027-02-20", StateLate, false, 2},
		{"later installment breach", []charge.Payment{pay("2026-11-27", down.Amount), pay("2026-12-28", i1.OnTime)}, "2027-02-27", StateBroken, false, 2},
		{"late payment at full amount keeps it", []charge.Payment{pay("2026-11-27", down.Amount), pay("2027-01-20", i1.Amount)}, "2027-01-25", StateCurrent, false, 2},
		{"late payment at the discounted amount is short", []charge.Payment{pay("2026-11-27", down.Amount), pay("2027-01-20", i1.OnTime)}, "2027-01-25", StateLate, false, 1},
		{"all paid", []charge.Payment{pay("2026-11-27", down.Amount), pay("2026-12-20", i1.OnTime+i2.OnTime+a.Installments[3].OnTime)}, "2027-04-01", StateSettled, false, 4},
	}
	for _, tt := range tests {
		st, err := a.Evaluate(tt.pays, date.MustParse(tt.asOf))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if st.State != tt.state || st.FirstInstallment != tt.first || st.PaidThrough != tt.paid {
			t.Errorf("%s: %+v", tt.name, st)
		}
	}
	if _, err := a.Evaluate([]charge.Payment{pay("2026-11-27", -1)}, date.MustParse("2026-12-01")); err == nil {
		t.Error("negative payment accepted")
	}
}

func TestRestore(t *testing.T) {
	_, a := acceptPlan3(t)
	st, _ := a.Evaluate([]charge.Payment{pay("2026-11-27", a.Installments[0].Amount)}, date.MustParse("2027-02-27"))
	if st.State != StateBroken {
		t.Fatalf("state %s", st.State)
	}
	// Discount lost: 1.629,00 owed, 154,95 paid goes to interest (99,00),
	// fine (30,00) and 25,95 of principal: 1.474,05 back on the debt.
	r, err := a.Restore(st)
	if err != nil {
		t.Fatal(err)
	}
	if len(r) != 1 || r[0].Paid != a.Installments[0].Amount || r[0].Total != money.MustParse("1474,05") || r[0].Open[charge.Interest] != 0 || r[0].Open[charge.Principal] != money.MustParse("1474,05") {
		t.Fatalf("restore %+v", r)
	}
	// Keeping the discount in proportion: 154,95 / 1.605,36 of 79,50 off.
	a.Breach.KeepDiscount = true
	r, _ = a.Restore(st)
	if r[0].Total >= money.MustParse("1474,05") || r[0].Total < money.MustParse("1474,05")-7950 {
		t.Fatalf("restore keeping discount %+v", r)
	}
	st.State = StateCurrent
	if _, err := a.Restore(st); err == nil {
		t.Error("restored a current agreement")
	}
}

func TestAllocate(t *testing.T) {
	got := allocate(100, []money.Money{1, 1, 1}, 3)
	if got[0]+got[1]+got[2] != 100 || got[0] != 34 {
		t.Errorf("allocate 100 over 3 = %v", got)
	}
}

func TestPromise(t *testing.T) {
	m := issueMenu(t)
	mb, _ := json.Marshal(m)
	var mback Menu
	if err := json.Unmarshal(mb, &mback); err != nil {
		t.Fatal(err)
	}
	if mb2, _ := json.Marshal(mback); string(mb) != string(mb2) {
		t.Fatal("menu JSON does not round-trip")
	}
	p := Promise{Debtor: "D-1", Amount: money.MustParse("300,00"), Made: date.MustParse("2026-11-24"), Date: date.MustParse("2026-11-30"), ToleranceDays: 2, Channel: ChannelPhone, Who: "u-7"}
	tests := []struct {
		name  string
		pays  []charge.Payment
		asOf  string
		state State
		short money.Money
	}{
		{"pending", nil, "2026-11-28", StatePending, 30000},
		{"kept", []charge.Payment{pay("2026-11-29", 30000)}, "2026-11-29", StateKept, 0},
		{"kept in two payments within tolerance", []charge.Payment{pay("2026-11-25", 10000), pay("2026-12-02", 20000)}, "2026-12-10", StateKept, 0},
		{"partial, broken", []charge.Payment{pay("2026-11-25", 10000)}, "2026-12-03", StateUnkept, 20000},
		{"paid too late", []charge.Payment{pay("2026-12-05", 30000)}, "2026-12-10", StateUnkept, 30000},
		{"payment before the promise does not count", []charge.Payment{pay("2026-11-20", 30000)}, "2026-12-10", StateUnkept, 30000},
	}
	for _, tt := range tests {
		st, err := p.Evaluate(tt.pays, date.MustParse(tt.asOf))
		if err != nil || st.State != tt.state || st.Shortfall != tt.short {
			t.Errorf("%s: %+v %v", tt.name, st, err)
		}
	}
	if p.Reminder(1).String() != "2026-11-29" || p.Reminder(30) != p.Made {
		t.Errorf("reminders %s %s", p.Reminder(1), p.Reminder(30))
	}
	for _, bad := range []Promise{{Amount: 0, Made: p.Made, Date: p.Date}, {Amount: 1, Made: p.Date, Date: p.Made}, {Amount: 1}, {Amount: 1, Made: p.Made, Date: p.Date, ToleranceDays: -1}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("promise %+v accepted", bad)
		}
	}
}
