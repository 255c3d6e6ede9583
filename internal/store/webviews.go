package store

import (
	"context"

	"github.com/regua/regua/internal/domain"
)

// ParkedAttempt is an attempt dispatch gave up on, with the debtor's name
// for the operators' queue page.
type ParkedAttempt struct {
	Attempt
	DebtorName string
}

// WebViewStore serves reads that only the web pages need.
type WebViewStore interface {
	// ParkedAttempts returns a tenant's most recent parked attempts (newest
	// first, at most limit) with the reason in LastError.
	ParkedAttempts(ctx context.Context, tenant domain.TenantID, limit int) ([]ParkedAttempt, error)
}
