package sqldb

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/regua/regua/internal/domain"
)

// TestBookingJSON: the receipt payload written by hand is exactly what
// json.Marshal makes of the same map.
func TestBookingJSON(t *testing.T) {
	at := time.Date(2026, 11, 25, 13, 4, 5, 123456000, time.FixedZone("BRT", -3*3600))
	for _, b := range []booking{
		{source: domain.PaidBoleto, sourceRef: "341/00000001/06/2026-11-25", amount: 12345, paidAt: at, debtorID: 7, debtID: 70, inst: 701, chargeID: 9, contract: "C-1001", number: 3, paymentID: 42},
		{source: domain.PaidPix, sourceRef: `E"<odd>&\ref` + "\u2028é\x01", amount: 1, paidAt: time.Time{}, contract: "Contrato nº 5 <x>", paymentID: 1},
		{source: domain.PaidManual, sourceRef: "REC-1", amount: 99, paidAt: at, debtorID: 3, contract: "ACORDO-8", number: 0, paymentID: 5, agreementID: 8, agreementInst: 80},
	} {
		pl := map[string]any{"payment_id": b.paymentID, "amount": b.amount, "paid_at": b.paidAt.UTC(), "source": b.source,
			"debt_id": b.debtID, "installment_id": b.inst, "contract": b.contract, "number": b.number}
		if b.agreementID != 0 {
			pl["agreement_id"], pl["agreement_installment_id"] = b.agreementID, b.agreementInst
		}
		want, _ := json.Marshal(pl)
		if got := receiptPayload(&b); string(got) != string(want) {
			t.Errorf("receipt payload\n got %s\nwant %s", got, want)
		}
	}
}
