package domain

// DelayReason (motivo do atraso) says why a debtor is late. Creditor faults
// pause collection and are reported back to the creditor.
type DelayReason string

const (
	ReasonNone            DelayReason = ""
	ReasonUnemployment    DelayReason = "unemployment"
	ReasonIncomeDrop      DelayReason = "income_drop"
	ReasonIllness         DelayReason = "illness"
	ReasonOverindebted    DelayReason = "overindebted"
	ReasonForgot          DelayReason = "forgot"
	ReasonNoBill          DelayReason = "bill_not_received"
	ReasonDisagrees       DelayReason = "disagrees_with_amount"
	ReasonFraud           DelayReason = "fraud_claim"
	ReasonWrongDelivery   DelayReason = "wrong_delivery"    // creditor fault
	ReasonDefective       DelayReason = "defective_product" // creditor fault
	ReasonBillingError    DelayReason = "billing_error"     // creditor fault
	ReasonServiceNotGiven DelayReason = "service_not_provided"
	ReasonOther           DelayReason = "other"
)

// DelayReasons lists every known code in display order.
var DelayReasons = []DelayReason{
	ReasonUnemployment, ReasonIncomeDrop, ReasonIllness, ReasonOverindebted, ReasonForgot,
	ReasonNoBill, ReasonDisagrees, ReasonFraud, ReasonWrongDelivery, ReasonDefective,
	ReasonBillingError, ReasonServiceNotGiven, ReasonOther,
}

// Valid reports whether r is empty or a known code.
func (r DelayReason) Valid() bool {
	if r == ReasonNone {
		return true
	}
	for _, k := range DelayReasons {
		if k == r {
			return true
		}
	}
	return false
}

// CreditorFault reports whether the delay is the creditor's own doing:
// collection pauses until the creditor fixes it.
func (r DelayReason) CreditorFault() bool {
	switch r {
	case ReasonWrongDelivery, ReasonDefective, ReasonBillingError, ReasonServiceNotGiven:
		return true
	}
	return false
}
