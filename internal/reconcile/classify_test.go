package reconcile

import (
	"testing"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/store"
)

func TestClassify(t *testing.T) {
	charge := func(id int64, st store.ChargeStatus, open money.Money) store.ChargeMatch {
		return store.ChargeMatch{Charge: store.Charge{ID: id, DebtorID: 7, DebtID: 70, RefKind: store.RefInstallment, RefID: 700 + id, InstallmentID: 700 + id, Status: st, SupersededBy: 99}, Open: open}
	}
	c := store.Candidates{
		ByTxID: map[string]store.ChargeMatch{
			"ACTIVE": charge(1, store.ChargeActive, 10000), "OLD": charge(2, store.ChargeSuperseded, 10000),
			"GONE": charge(3, store.ChargeCancelled, 10000), "PAID": charge(4, store.ChargeActive, 0),
			"AGR": {Charge: store.Charge{ID: 5, DebtorID: 7, RefKind: store.RefAgreementInstallment, RefID: 3}},
		},
		ByOurNumber: map[string]store.ChargeMatch{"341/00000001": charge(6, store.ChargeActive, 5000)},
		DebtorByDoc: map[string]int64{"52998224725": 8},
		OpenByDebtor: map[int64][]store.OpenAmount{8: {
			{DebtorID: 8, DebtID: 80, InstallmentID: 801, Amount: 3000},
			{DebtorID: 8, DebtID: 80, InstallmentID: 802, Amount: 2000},
			{DebtorID: 8, DebtID: 81, InstallmentID: 811, Amount: 2000},
		}},
	}
	pix := func(txid string, amt money.Money) store.Incoming {
		return store.Incoming{Source: domain.PaidPix, SourceRef: "E" + txid, TxID: txid, Amount: amt}
	}
	tests := []struct {
		name   string
		in     store.Incoming
		book   money.Money
		credit money.Money
		queue  store.QueueReason
		qAmt   money.Money
		inst   int64
	}{
		{"exact by txid", pix("ACTIVE", 10000), 10000, 0, "", 0, 701},
		{"partial", pix("ACTIVE", 4000), 0, 0, store.QueuePartial, 4000, 701},
		{"overpaid keeps credit", pix("ACTIVE", 12500), 10000, 2500, store.QueueOverpaid, 2500, 701},
		{"superseded charge", pix("OLD", 10000), 0, 0, store.QueueSuperseded, 10000, 702},
		{"cancelled charge", pix("GONE", 10000), 0, 0, store.QueueCancelled, 10000, 703},
		{"installment paid already", pix("PAID", 10000), 0, 0, store.QueuePaidAlready, 10000, 704},
		{"agreement installment", pix("AGR", 10000), 0, 0, store.QueueUnknown, 10000, 0},
		{"unknown txid", pix("NOPE", 10000), 0, 0, store.QueueUnknown, 10000, 0},
		{"nosso número", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", Bank: "341", OurNumber: "00000001", Amount: 5000}, 5000, 0, "", 0, 706},
		{"nosso número with interest", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", Bank: "341", OurNumber: "00000001", Amount: 5150, Interest: 150}, 5150, 0, "", 0, 706},
		{"same nosso número at another bank", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", Bank: "001", OurNumber: "00000001", Amount: 5000}, 0, 0, store.QueueUnknown, 5000, 0},
		{"payer and amount: oldest of that amount", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", PayerDocument: "52998224725", Amount: 2000}, 2000, 0, "", 0, 802},
		{"payer, no such amount", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", PayerDocument: "52998224725", Amount: 2500}, 0, 0, store.QueueAmbiguous, 2500, 0},
		{"unknown payer", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", PayerDocument: "11144477735", Amount: 2000}, 0, 0, store.QueueUnknown, 2000, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Classify([]store.Incoming{tc.in}, c)[0]
			if d.Book != tc.book || d.Credit != tc.credit || d.Queue != tc.queue || d.QueueAmount != tc.qAmt || d.InstallmentID != tc.inst {
				t.Errorf("decision %+v", d)
			}
		})
	}
}

// Two payments of one batch on the same installment: the second sees what
// the first left.
func TestClassifyBatchSeesEarlierBookings(t *testing.T) {
	c := store.Candidates{ByTxID: map[string]store.ChargeMatch{"T": {Charge: store.Charge{ID: 1, RefKind: store.RefInstallment, RefID: 9, InstallmentID: 9, Status: store.ChargeActive}, Open: 100}}}
	ds := Classify([]store.Incoming{{SourceRef: "a", TxID: "T", Amount: 100}, {SourceRef: "b", TxID: "T", Amount: 100}}, c)
	if ds[0].Book != 100 || ds[1].Book != 0 || ds[1].Queue != store.QueuePaidAlready {
		t.Errorf("decisions %+v", ds)
	}
}
