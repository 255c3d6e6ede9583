package callback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

// Store is what the handler needs: attempts by id and by provider
// reference, and the recording of callbacks.
type Store interface {
	Attempt(ctx context.Context, tenant domain.TenantID, id int64) (store.Attempt, error)
	store.CallbackStore
}

// Handler serves POST /hooks/channel/{provider}.
type Handler struct {
	Store   Store
	Secrets Secrets
	Log     *slog.Logger     // nil: slog.Default()
	Now     func() time.Time // nil: time.Now
}

// Result is what one callback did.
type Result struct {
	Tenant   domain.TenantID
	Attempt  int64
	Status   string
	Recorded bool // false: the same callback was recorded before
}

// Error is a refused callback with the HTTP status that says why.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func refuse(code int, format string, args ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// ServeHTTP answers 200 {"recorded":…} for a callback taken (also a
// repeat), 400 for a malformed one, 401 for a bad signature, 403 when
// the provider has no secret, 404 when no attempt matches (providers
// retry: the callback may have overtaken the send's settle), 409 when a
// provider reference is ambiguous, 413 for a body too large, 503 when
// the store fails.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("body: more than %d bytes", MaxBody)})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body: " + err.Error()})
		return
	}
	res, err := h.Handle(r.Context(), r.PathValue("provider"), body, r.Header.Get(SignatureHeader))
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			writeJSON(w, e.Code, map[string]string{"error": e.Msg})
			return
		}
		h.log().Error("channel callback: store", "provider", r.PathValue("provider"), "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "temporarily unavailable, try again"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"recorded": res.Recorded, "duplicate": !res.Recorded})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.Default()
	}
	return h.Log
}

// Handle authenticates, parses and records one callback body. Refusals
// are *Error; other errors are the store's.
func (h *Handler) Handle(ctx context.Context, provider string, body []byte, signature string) (Result, error) {
	var res Result
	if !ValidProvider(provider) {
		return res, refuse(http.StatusNotFound, "provider %q: unknown (want 1–32 of a-z 0-9 - _)", provider)
	}
	secret := h.Secrets(provider)
	if len(secret) == 0 {
		return res, refuse(http.StatusForbidden, "provider %s: no callback secret configured (%s or REGUA_CALLBACK_SECRET)", provider, EnvName(provider))
	}
	// Authenticate before reading anything of the body.
	if !Verify(secret, body, signature) {
		return res, refuse(http.StatusUnauthorized, "%s: missing or wrong signature", SignatureHeader)
	}
	rep, err := Parse(body)
	if err != nil {
		return res, refuse(http.StatusBadRequest, "%v", err)
	}
	a, err := h.attempt(ctx, rep)
	if err != nil {
		return res, err
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	received := now().UTC()
	at := rep.At
	if at.After(received.Add(5 * time.Minute)) {
		at = received // a provider's clock ahead of ours must not date outcomes in the future
	}
	key := rep.Status
	if rep.Status == Replied || rep.Status == Clicked {
		// A debtor may reply (or click) more than once: each at its time.
		key = rep.Status + "@" + rep.At.Format(time.RFC3339Nano)
	}
	cb := store.ChannelCallback{Provider: provider, AttemptID: a.ID, ProviderRef: rep.ProviderRef, Status: rep.Status, At: at,
		Detail: rep.Detail, DedupeKey: key, ReceivedAt: received}
	recorded, err := h.Store.RecordCallback(ctx, a.TenantID, cb, event(a, provider, rep, at))
	if errors.Is(err, store.ErrNotFound) {
		return res, refuse(http.StatusNotFound, "attempt: not found")
	}
	if err != nil {
		return res, err
	}
	res = Result{Tenant: a.TenantID, Attempt: a.ID, Status: rep.Status, Recorded: recorded}
	// Never the detail: a reply's text is personal data.
	h.log().Info("channel callback", "provider", provider, "tenant", a.TenantID, "attempt", a.ID, "status", rep.Status, "recorded", recorded)
	return res, nil
}

// attempt finds the attempt a report names: by Régua's reference when it
// has one (tenant and id inside), else by the provider's message id.
func (h *Handler) attempt(ctx context.Context, rep Report) (store.Attempt, error) {
	if rep.Reference != "" {
		tenant, id, _ := ParseReference(rep.Reference)
		a, err := h.Store.Attempt(ctx, tenant, id)
		if errors.Is(err, store.ErrNotFound) {
			return a, refuse(http.StatusNotFound, "reference %s: no such attempt", rep.Reference)
		}
		a.TenantID = tenant
		return a, err
	}
	a, err := h.Store.AttemptByProviderRef(ctx, rep.ProviderRef)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return a, refuse(http.StatusNotFound, "provider_ref %s: no such message (yet)", rep.ProviderRef)
	case errors.Is(err, store.ErrConflict):
		return a, refuse(http.StatusConflict, "provider_ref %s: names several messages; send Régua's reference", rep.ProviderRef)
	}
	return a, err
}

// channelLabel names channels on the timeline (pt-BR, like dispatch's
// events; the data lets a page write its own line).
var channelLabel = map[string]string{"sms": "SMS", "email": "E-mail", "whatsapp": "WhatsApp", "voice": "Ligação do robô"}

// eventData is what a callback event keeps.
type eventData struct {
	Attempt     int64  `json:"attempt"`
	Channel     string `json:"channel"`
	Journey     string `json:"journey,omitempty"`
	Step        string `json:"step,omitempty"`
	Provider    string `json:"provider"`
	ProviderRef string `json:"provider_ref,omitempty"`
	Status      string `json:"status"`
	Detail      string `json:"detail,omitempty"`
}

// event is the timeline event of a reply or a delivery failure; other
// statuses are outcomes only (a "delivered" per message would drown the
// timeline).
func event(a store.Attempt, provider string, rep Report, at time.Time) *domain.Event {
	var kind domain.EventKind
	label := channelLabel[a.Channel]
	if label == "" {
		label = a.Channel
	}
	var summary string
	switch rep.Status {
	case Replied:
		kind, summary = domain.EventReplied, "Resposta ao "+label
	case Failed:
		kind, summary = domain.EventAttempt, label+" não entregue"
	default:
		return nil
	}
	if rep.Detail != "" {
		d := []rune(rep.Detail)
		if len(d) > 200 {
			d = append(d[:200], '…')
		}
		summary += ": " + string(d)
	}
	var p struct {
		Journey string `json:"journey"`
		Step    string `json:"step"`
	}
	_ = json.Unmarshal(a.Payload, &p)
	if p.Step != "" {
		summary += " (" + p.Journey + " · " + p.Step + ")"
	}
	data, _ := json.Marshal(eventData{Attempt: a.ID, Channel: a.Channel, Journey: p.Journey, Step: p.Step, Provider: provider,
		ProviderRef: rep.ProviderRef, Status: rep.Status, Detail: rep.Detail})
	return &domain.Event{DebtorID: a.DebtorID, DebtID: a.DebtID, Kind: kind, At: at, Actor: "provider:" + provider, Summary: summary, Data: data}
}
