package journey

import (
	"fmt"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
)

// PayloadVersion is the version of the Payload schema.
const PayloadVersion = 1

// Payload is what an attempt carries so that dispatch can send it without
// reading journey tables: the rendered message, the address, the
// idempotency key. docs/journeys.md documents it field by field.
type Payload struct {
	V              int    `json:"v"`
	IdempotencyKey string `json:"idempotency_key"`
	Journey        string `json:"journey"`
	JourneyVersion int    `json:"journey_version"`
	Step           string `json:"step"`
	Action         Action `json:"action"`
	Channel        string `json:"channel"`
	// To is the address on the channel: E.164 phone, e-mail address, or a
	// postal address for letters; empty for tasks and exports.
	To        string         `json:"to,omitempty"`
	ContactID int64          `json:"contact_id,omitempty"`
	Locale    string         `json:"locale"`
	Message   *Rendered      `json:"message,omitempty"`
	Task      *TaskPayload   `json:"task,omitempty"`
	Offer     *OfferPayload  `json:"offer,omitempty"`
	Export    *ExportPayload `json:"export,omitempty"`
	// Receipt is set on payment receipts: To and Message are filled in
	// when it is sent (see ReceiptPayload).
	Receipt   *ReceiptPayload   `json:"receipt,omitempty"`
	LinkToken string            `json:"link_token,omitempty"`
	Debt      DebtPayload       `json:"debt"`
	Variant   string            `json:"variant,omitempty"`
	Extra     map[string]string `json:"extra,omitempty"`
}

// TaskPayload is an agent call task.
type TaskPayload struct {
	Priority int    `json:"priority"`
	Queue    string `json:"queue,omitempty"`
	Script   string `json:"script,omitempty"`
}

// OfferPayload names the offer policy; Menu is filled when the offer
// engine computes one at plan time (null until then: the portal computes it
// when opened).
type OfferPayload struct {
	Policy string `json:"policy"`
	Menu   any    `json:"menu"`
}

// ExportPayload hands the debt to an outside agency.
type ExportPayload struct {
	Target string `json:"target"`
}

// DebtPayload identifies the debt and its figures at plan time.
type DebtPayload struct {
	ID       int64     `json:"id"`
	Contract string    `json:"contract,omitempty"`
	Overdue  string    `json:"overdue"` // money.Money text, "1234.56"
	Open     string    `json:"open"`
	DPD      int       `json:"dpd"`
	Anchor   date.Date `json:"anchor"`
}

// IdempotencyKey is the key of an attempt towards providers: derived from
// the planning key (tenant, enrolment, step, anchor date), so a re-planned
// or re-sent attempt carries the same key, and free of personal data.
func IdempotencyKey(tenant domain.TenantID, enrolment int64, step string, anchor date.Date) string {
	return fmt.Sprintf("rg-%d-%d-%s-%s", tenant, enrolment, step, anchor)
}
