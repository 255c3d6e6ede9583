package adapt

import (
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/policy"
)

func TestDebtor(t *testing.T) {
	d := &domain.Debtor{ID: 7, ExtID: "C-1", TimeZone: "America/Manaus", Represented: true,
		Address: domain.Address{UF: "AM", Municipality: "1302603"}}
	contacts := []domain.ContactPoint{
		{Kind: domain.Mobile, Consent: domain.ConsentOptOut},
		{Kind: domain.Landline, Consent: domain.ConsentGranted},
		{Kind: domain.Email, Consent: domain.ConsentOptOut},
		{Kind: domain.WhatsApp, Consent: domain.ConsentUnknown},
	}
	pd := Debtor(d, contacts)
	if pd.ID != "C-1" || pd.Country != "BR" || pd.UF != "AM" || pd.City != 1302603 || pd.Zone != "America/Manaus" || !pd.Flags.Represented {
		t.Errorf("debtor %+v", pd)
	}
	// SMS is served only by the opted-out mobile; calls still reach the landline.
	want := []policy.Channel{policy.SMS, policy.Email}
	if len(pd.OptOuts) != len(want) || pd.OptOuts[0] != want[0] || pd.OptOuts[1] != want[1] {
		t.Errorf("opt-outs %v, want %v", pd.OptOuts, want)
	}
	if err := pd.Resolve(); err != nil {
		t.Fatal(err)
	}
}

func TestSegment(t *testing.T) {
	asOf := date.New(2026, 11, 24)
	pd := policy.Debtor{}
	open := domain.Debt{Status: domain.DebtOpen}
	inst := []domain.Installment{
		{DueDate: date.New(2026, 9, 10), Amount: 10000, Paid: 2500, Status: domain.InstallmentPartial}, // 75.00 open, 75 days late
		{DueDate: date.New(2026, 10, 10), Amount: 10000, Status: domain.InstallmentOpen},               // 100.00, 45 days
		{DueDate: date.New(2026, 12, 10), Amount: 10000, Status: domain.InstallmentOpen},               // not yet due
		{DueDate: date.New(2026, 8, 10), Amount: 10000, Paid: 10000, Status: domain.InstallmentPaid},
	}
	for i := range inst {
		AddInstallment(&pd, &open, &inst[i], asOf)
	}
	if pd.Segment.Overdue != money.Money(17500) || pd.Segment.DaysPastDue != 75 {
		t.Errorf("segment %+v", pd.Segment)
	}
	AddInstallment(&pd, &domain.Debt{Status: domain.DebtDisputed}, &inst[2], asOf)
	AddInstallment(&pd, &domain.Debt{Status: domain.DebtSuspended}, &inst[2], asOf)
	if !pd.Flags.Dispute || !pd.Flags.Agreement {
		t.Errorf("flags %+v", pd.Flags)
	}
	late := []domain.Payment{{PaidAt: time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)}}
	AddPayments(&pd, &inst[3], late, asOf, nil)
	onTime := []domain.Payment{{PaidAt: time.Date(2026, 8, 9, 12, 0, 0, 0, time.UTC)}}
	AddPayments(&pd, &inst[3], onTime, asOf, nil)
	if pd.Segment.Recurrence != 1 {
		t.Errorf("recurrence %d", pd.Segment.Recurrence)
	}
}
