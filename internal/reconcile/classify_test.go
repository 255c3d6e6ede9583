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
	agr := func(id, ref int64, st store.ChargeStatus, open money.Money) store.ChargeMatch {
		return store.ChargeMatch{Charge: store.Charge{ID: id, DebtorID: 7, RefKind: store.RefAgreementInstallment, RefID: ref, Status: st, SupersededBy: 99}, Open: open}
	}
	c := store.Candidates{
		ByTxID: map[string]store.ChargeMatch{
			"ACTIVE": charge(1, store.ChargeActive, 10000), "OLD": charge(2, store.ChargeSuperseded, 10000),
			"GONE": charge(3, store.ChargeCancelled, 10000), "PAID": charge(4, store.ChargeActive, 0),
			"AGR":    agr(5, 3, store.ChargeActive, 10000),
			"AGROLD": agr(7, 4, store.ChargeSuperseded, 10000),
			"AGRBRK": agr(8, 5, store.ChargeActive, 10000),
			"AGRSET": agr(9, 6, store.ChargeActive, 0),
			"ODD":    {Charge: store.Charge{ID: 10, DebtorID: 7, RefKind: "something_else", RefID: 3}},
		},
		ClosedAgreement:       map[int64]string{5: "broken", 6: "settled"},
		AgreementInstallments: map[int64]store.OpenAmount{3: {RefKind: store.RefAgreementInstallment, RefID: 3, DebtorID: 7, Amount: 10000}},
		ByOurNumber:           map[string]store.ChargeMatch{"341/00000001": charge(6, store.ChargeActive, 5000)},
		DebtorByDoc:           map[string]int64{"52998224725": 8},
		OpenByDebtor: map[int64][]store.OpenAmount{8: {
			{DebtorID: 8, DebtID: 80, InstallmentID: 801, Amount: 3000},
			{DebtorID: 8, DebtID: 80, InstallmentID: 802, Amount: 2000},
			{DebtorID: 8, DebtID: 81, InstallmentID: 811, Amount: 2000},
			{RefKind: store.RefAgreementInstallment, RefID: 30, DebtorID: 8, Amount: 4500},
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
		agr    int64 // agreement installment
	}{
		{"exact by txid", pix("ACTIVE", 10000), 10000, 0, "", 0, 701, 0},
		{"partial", pix("ACTIVE", 4000), 0, 0, store.QueuePartial, 4000, 701, 0},
		{"overpaid keeps credit", pix("ACTIVE", 12500), 10000, 2500, store.QueueOverpaid, 2500, 701, 0},
		{"superseded charge", pix("OLD", 10000), 0, 0, store.QueueSuperseded, 10000, 702, 0},
		{"cancelled charge", pix("GONE", 10000), 0, 0, store.QueueCancelled, 10000, 703, 0},
		{"installment paid already", pix("PAID", 10000), 0, 0, store.QueuePaidAlready, 10000, 704, 0},
		{"agreement installment by txid", pix("AGR", 10000), 10000, 0, "", 0, 0, 3},
		{"agreement installment partial", pix("AGR", 6000), 0, 0, store.QueuePartial, 6000, 0, 3},
		{"agreement installment overpaid", pix("AGR", 10300), 10000, 300, store.QueueOverpaid, 300, 0, 3},
		{"agreement charge superseded", pix("AGROLD", 10000), 0, 0, store.QueueSuperseded, 10000, 0, 4},
		{"agreement broken", pix("AGRBRK", 10000), 0, 0, store.QueueCancelled, 10000, 0, 5},
		{"agreement settled", pix("AGRSET", 10000), 0, 0, store.QueuePaidAlready, 10000, 0, 6},
		{"charge of an unknown kind", pix("ODD", 10000), 0, 0, store.QueueUnknown, 10000, 0, 0},
		{"agreement installment named", store.Incoming{Source: domain.PaidManual, SourceRef: "m", AgreementInstallmentID: 3, Amount: 10000}, 10000, 0, "", 0, 0, 3},
		{"agreement installment named, unknown", store.Incoming{Source: domain.PaidManual, SourceRef: "m", AgreementInstallmentID: 33, Amount: 10000}, 0, 0, store.QueueUnknown, 10000, 0, 0},
		{"payer and amount: an agreement installment", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", PayerDocument: "52998224725", Amount: 4500}, 4500, 0, "", 0, 0, 30},
		{"unknown txid", pix("NOPE", 10000), 0, 0, store.QueueUnknown, 10000, 0, 0},
		{"nosso número", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", Bank: "341", OurNumber: "00000001", Amount: 5000}, 5000, 0, "", 0, 706, 0},
		{"nosso número with interest", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", Bank: "341", OurNumber: "00000001", Amount: 5150, Interest: 150}, 5150, 0, "", 0, 706, 0},
		{"same nosso número at another bank", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", Bank: "001", OurNumber: "00000001", Amount: 5000}, 0, 0, store.QueueUnknown, 5000, 0, 0},
		{"payer and amount: oldest of that amount", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", PayerDocument: "52998224725", Amount: 2000}, 2000, 0, "", 0, 802, 0},
		{"payer, no such amount", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", PayerDocument: "52998224725", Amount: 2500}, 0, 0, store.QueueAmbiguous, 2500, 0, 0},
		{"unknown payer", store.Incoming{Source: domain.PaidBoleto, SourceRef: "b", PayerDocument: "11144477735", Amount: 2000}, 0, 0, store.QueueUnknown, 2000, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Classify([]store.Incoming{tc.in}, c)[0]
			if d.Book != tc.book || d.Credit != tc.credit || d.Queue != tc.queue || d.QueueAmount != tc.qAmt || d.InstallmentID != tc.inst || d.AgreementInstallmentID != tc.agr {
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
