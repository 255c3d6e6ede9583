package store

import (
	"context"
	"time"

	"github.com/regua/regua/internal/domain"
)

// ChannelCallback is what a provider reported about a sent message: it
// was delivered, read, replied to, a link in it was clicked, or it failed
// on the way (a delivery failure after "sent": recorded, never re-sent).
type ChannelCallback struct {
	Provider    string // the provider name of the callback URL
	AttemptID   int64
	ProviderRef string
	Status      string // delivered, read, failed, replied, clicked
	At          time.Time
	Detail      string // the provider's words (a failure reason, a reply); bounded by the caller
	// DedupeKey makes a repeated report record nothing: the same key for
	// the same attempt is one report. Empty: the status (one "delivered"
	// per attempt).
	DedupeKey  string
	ReceivedAt time.Time
}

// CallbackStore keeps providers' status callbacks and serves the lookups
// of the public click and callback handlers, which know no tenant.
type CallbackStore interface {
	// AttemptByProviderRef finds, across tenants, the attempt whose
	// provider reference is ref (TenantID set). ErrNotFound when none;
	// ErrConflict when several attempts share it (references of two
	// providers colliding): the caller needs Régua's own reference then.
	AttemptByProviderRef(ctx context.Context, ref string) (Attempt, error)
	// RecordCallback records cb once per (attempt, dedupe key) with the
	// outcome branches read and, when ev is not nil, a timeline event, in
	// one transaction. It reports whether anything was new.
	RecordCallback(ctx context.Context, tenant domain.TenantID, cb ChannelCallback, ev *domain.Event) (recorded bool, err error)
	// TrackedLink reads a tracked link by token, across tenants, without
	// counting a click (ClickLink counts).
	TrackedLink(ctx context.Context, token string) (TrackedLink, error)
}
