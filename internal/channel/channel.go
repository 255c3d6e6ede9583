// Package channel is how dispatch reaches debtors: a small Channel
// interface (a name and Send) that every adapter implements — the local
// sinks now, SMTP, SMPP, WhatsApp Cloud and voice providers later — and
// the two error classes dispatch acts on: temporary (retry with back-off)
// and permanent (park the attempt with the reason).
package channel

import (
	"context"
	"errors"
	"fmt"
)

// Message is one contact to make. It carries no debt figures beyond what
// the rendered text says.
type Message struct {
	Channel  string            `json:"channel"` // sms, email, whatsapp, voice
	To       string            `json:"to"`      // E.164 phone or e-mail address
	Locale   string            `json:"locale,omitempty"`
	Subject  string            `json:"subject,omitempty"`
	Body     string            `json:"body,omitempty"`
	Template string            `json:"template,omitempty"` // provider template name (WhatsApp) or Régua template id
	Params   map[string]string `json:"params,omitempty"`
	// IdempotencyKey is the same for every try of one attempt, so that a
	// provider that takes it delivers a re-sent message once.
	IdempotencyKey string `json:"idempotency_key"`
	// Reference is Régua's opaque attempt reference (no personal data).
	Reference string `json:"reference,omitempty"`
}

// Channel sends messages on one channel through one provider.
type Channel interface {
	// Name is the provider name, for logs and per-provider rate limits.
	Name() string
	// Send hands the message to the provider and returns the provider's
	// reference. Errors are Temporary or Permanent (unclassified errors
	// count as temporary).
	Send(ctx context.Context, m Message) (providerRef string, err error)
}

// Error is a classified send failure.
type Error struct {
	Permanent bool
	Code      string // provider or HTTP code, e.g. "http 422"
	Err       error
}

func (e *Error) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	if e.Code != "" {
		return fmt.Sprintf("%s failure (%s): %v", kind, e.Code, e.Err)
	}
	return fmt.Sprintf("%s failure: %v", kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary wraps err as worth retrying.
func Temporary(code string, err error) error { return &Error{Code: code, Err: err} }

// Permanent wraps err as not worth retrying.
func Permanent(code string, err error) error { return &Error{Permanent: true, Code: code, Err: err} }

// IsPermanent reports whether err is a permanent failure.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}
