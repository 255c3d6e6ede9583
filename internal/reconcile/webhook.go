package reconcile

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/pixapi"
)

// WebhookPath is where the PSP posts received Pix of a tenant: the URL
// registered with the PSP is https://host/pix/webhook/{tenant}, to which
// the API Pix appends "/pix". The tenant in the path says whose charges the
// txids are, so no lookup ever crosses tenants.
const WebhookPath = "POST /pix/webhook/{tenant}/pix"

// WebhookHandler serves WebhookPath: each post is checked whole
// (pixapi.ParseWebhook) and each Pix booked once through the tenant's
// PixSink. tenantExists refuses posts for unknown tenants with 404, so a
// misconfigured PSP is told at once instead of retrying.
func (r *Reconciler) WebhookHandler(tenantExists func(context.Context, domain.TenantID) bool, requireClientCert bool, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(WebhookPath, func(w http.ResponseWriter, req *http.Request) {
		id, err := strconv.ParseInt(req.PathValue("tenant"), 10, 64)
		if err != nil || id <= 0 || (tenantExists != nil && !tenantExists(req.Context(), domain.TenantID(id))) {
			http.NotFound(w, req)
			return
		}
		h := &pixapi.WebhookHandler{Sink: PixSink{R: r, Tenant: domain.TenantID(id)}, RequireClientCert: requireClientCert, Log: log}
		h.ServeHTTP(w, req)
	})
	return mux
}
