package sqldb

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/journey"
)

// TestBookingJSON: the receipt lines written by hand are exactly what
// json.Marshal makes of the same journey.ReceiptLine, and the whole payload
// reads back as a journey.Payload.
func TestBookingJSON(t *testing.T) {
	at := time.Date(2026, 11, 25, 13, 4, 5, 123456000, time.FixedZone("BRT", -3*3600))
	bs := []booking{
		{source: domain.PaidBoleto, sourceRef: "341/00000001/06/2026-11-25", amount: 12345, paidAt: at, debtorID: 7, debtID: 70, inst: 701, chargeID: 9, contract: "C-1001", number: 3, paymentID: 42},
		{source: domain.PaidPix, sourceRef: `E"<odd>&\ref` + "\u2028é\x01", amount: 1, paidAt: time.Time{}, contract: "Contrato nº 5 <x> \"q\"", paymentID: 1},
		{source: domain.PaidManual, sourceRef: "REC-1", amount: 99, paidAt: at, debtorID: 3, contract: "ACORDO-8", number: 2, paymentID: 5, agreementID: 8, agreementInst: 80},
	}
	var want journey.ReceiptPayload
	var ptrs []*booking
	for i := range bs {
		b := &bs[i]
		ptrs = append(ptrs, b)
		line := journey.ReceiptLine{PaymentID: b.paymentID, Amount: b.amount, PaidAt: b.paidAt.UTC(), Source: string(b.source), Contract: b.contract, Number: b.number, AgreementID: b.agreementID}
		if b.agreementID != 0 {
			line.Contract = ""
		}
		want.Payments = append(want.Payments, line)
		enc, _ := json.Marshal(line)
		if got := appendReceiptLine(nil, b); string(got) != string(enc) {
			t.Errorf("receipt line\n got %s\nwant %s", got, enc)
		}
	}
	raw := receiptPayload("receipt-42", "email", ptrs)
	var p journey.Payload
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("payload %s: %v", raw, err)
	}
	if p.V != journey.PayloadVersion || p.Step != "receipt-42" || p.Channel != "email" || p.Action != journey.ActMessage || p.Receipt == nil {
		t.Fatalf("payload %s read as %+v", raw, p)
	}
	for i := range want.Payments {
		want.Payments[i].PaidAt = want.Payments[i].PaidAt.Truncate(0)
		p.Receipt.Payments[i].PaidAt = p.Receipt.Payments[i].PaidAt.UTC()
	}
	if !reflect.DeepEqual(*p.Receipt, want) {
		t.Errorf("receipt read back\n got %+v\nwant %+v", *p.Receipt, want)
	}
}
