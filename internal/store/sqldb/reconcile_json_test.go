package sqldb

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/regua/regua/internal/journey"
)

// TestBookingJSON: the receipt payload written by hand reads back as a
// journey.Payload naming the payments in booking order, whatever the
// characters of its step and channel.
func TestBookingJSON(t *testing.T) {
	bs := []*booking{{paymentID: 42}, {paymentID: 7}, {paymentID: 1 << 40}}
	for _, tc := range []struct{ step, channel string }{
		{"receipt-42", "email"},
		{`receipt-"<odd>&\` + "\u2028é\x01", "sms"},
	} {
		raw := receiptPayload(tc.step, tc.channel, bs)
		var p journey.Payload
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatalf("payload %s: %v", raw, err)
		}
		if p.V != journey.PayloadVersion || p.Step != tc.step || p.Channel != tc.channel || p.Action != journey.ActMessage || p.Receipt == nil {
			t.Fatalf("payload %s read as %+v", raw, p)
		}
		if want := []int64{42, 7, 1 << 40}; !reflect.DeepEqual(p.Receipt.PaymentIDs, want) || len(p.Receipt.Payments) != 0 {
			t.Errorf("receipt %s read back as %+v, want ids %v", raw, *p.Receipt, want)
		}
	}
}
