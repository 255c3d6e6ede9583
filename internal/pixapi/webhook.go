package pixapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/regua/regua/internal/money"
)

// ReceivedPix is one payment the PSP reports: the fields reconciliation
// needs, checked.
type ReceivedPix struct {
	EndToEndID string      // unique across the Pix system; the idempotency key
	TxID       string      // the charge's txid; empty for a static code without one
	Amount     money.Money // centavos received
	Time       time.Time   // when it settled (horario)
	Key        string      // our Pix key that received it
	PayerInfo  string      // free text the payer typed (infoPagador)
	Refunds    []Devolucao // refunds already made of this Pix, if any
}

// PaymentSink books received Pix. BookPix must be idempotent by
// EndToEndID: booking the same payment twice reports duplicate = true and
// books nothing. An error makes the handler answer 500 so that the PSP
// posts the batch again later.
type PaymentSink interface {
	BookPix(ctx context.Context, p ReceivedPix) (duplicate bool, err error)
}

// WebhookHandler takes the PSP's POST {webhookUrl}/pix of received Pix
// and hands each payment to Sink. Serve it over TLS that asks for and
// verifies the PSP's client certificate (see ServerTLSConfig); with
// RequireClientCert it refuses requests that did not present a verified
// one, so a handler mounted behind plain HTTP by mistake fails closed.
type WebhookHandler struct {
	Sink              PaymentSink
	RequireClientCert bool
	// MaxBody bounds the request body; 4 MiB when zero.
	MaxBody int64
	Log     *slog.Logger
}

// WebhookResult is the handler's JSON answer.
type WebhookResult struct {
	Booked     int `json:"booked"`
	Duplicates int `json:"duplicates"`
	Refunds    int `json:"refunds,omitempty"` // refunds newly booked
}

// RefundSink is implemented by sinks that also book refunds (devoluções).
// The PSP reports a refund by posting the original Pix again with its
// devolucoes; BookRefund must be idempotent by the refund's RtrID and
// status (a refund may be reported in progress, then done).
type RefundSink interface {
	BookRefund(ctx context.Context, endToEndID string, d Devolucao) (duplicate bool, err error)
}

func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := h.Log
	if log == nil {
		log = slog.Default()
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeProblem(w, NewProblem(http.StatusMethodNotAllowed, "RequisicaoInvalida", "only POST"))
		return
	}
	if h.RequireClientCert && (r.TLS == nil || len(r.TLS.VerifiedChains) == 0) {
		writeProblem(w, NewProblem(http.StatusUnauthorized, "AcessoNegado", "a verified client certificate (mutual TLS) is required"))
		return
	}
	limit := h.MaxBody
	if limit == 0 {
		limit = 4 << 20
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		writeProblem(w, NewProblem(http.StatusBadRequest, "RequisicaoInvalida", "reading body: "+err.Error()))
		return
	}
	if int64(len(body)) > limit {
		writeProblem(w, NewProblem(http.StatusRequestEntityTooLarge, "RequisicaoInvalida", fmt.Sprintf("body larger than %d bytes", limit)))
		return
	}
	payments, err := ParseWebhook(body)
	if err != nil {
		writeProblem(w, NewProblem(http.StatusBadRequest, "RequisicaoInvalida", err.Error()))
		return
	}
	var res WebhookResult
	for _, p := range payments {
		dup, err := h.Sink.BookPix(r.Context(), p)
		if err != nil {
			log.Error("pix webhook: booking failed", "endToEndId", p.EndToEndID, "txid", p.TxID, "err", err)
			writeProblem(w, NewProblem(http.StatusInternalServerError, "ErroInternoDoServidor", "booking "+p.EndToEndID+" failed; post again"))
			return
		}
		if dup {
			res.Duplicates++
		} else {
			res.Booked++
		}
		rs, ok := h.Sink.(RefundSink)
		if !ok {
			continue
		}
		for _, d := range p.Refunds {
			dup, err := rs.BookRefund(r.Context(), p.EndToEndID, d)
			if err != nil {
				log.Error("pix webhook: booking refund failed", "endToEndId", p.EndToEndID, "rtrId", d.RtrID, "err", err)
				writeProblem(w, NewProblem(http.StatusInternalServerError, "ErroInternoDoServidor", "booking refund "+d.RtrID+" failed; post again"))
				return
			}
			if !dup {
				res.Refunds++
			}
		}
	}
	log.Info("pix webhook", "booked", res.Booked, "duplicates", res.Duplicates, "refunds", res.Refunds)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(res)
}

// ParseWebhook reads and checks the body of a webhook post. Every entry is
// checked before any is returned, so a malformed batch books nothing; the
// same endToEndId twice in one batch is returned once.
func ParseWebhook(body []byte) ([]ReceivedPix, error) {
	var raw struct {
		Pix []json.RawMessage `json:"pix"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("webhook body: %v", err)
	}
	if raw.Pix == nil {
		return nil, fmt.Errorf("webhook body: no \"pix\" array")
	}
	out := make([]ReceivedPix, 0, len(raw.Pix))
	seen := make(map[string]bool, len(raw.Pix))
	for i, item := range raw.Pix {
		var p Pix
		if err := json.Unmarshal(item, &p); err != nil {
			return nil, fmt.Errorf("pix[%d]: %v", i, err)
		}
		if err := CheckEndToEndID(p.EndToEndID); err != nil {
			return nil, fmt.Errorf("pix[%d].endToEndId: %v", i, err)
		}
		if p.TxID != "" {
			if err := checkWebhookTxID(p.TxID); err != nil {
				return nil, fmt.Errorf("pix[%d].txid: %v", i, err)
			}
		}
		if p.Valor <= 0 {
			return nil, fmt.Errorf("pix[%d].valor: missing or zero", i)
		}
		if p.Horario.IsZero() {
			return nil, fmt.Errorf("pix[%d].horario: missing", i)
		}
		for j, d := range p.Devolucoes {
			if d.ID == "" || d.RtrID == "" || d.Valor <= 0 || d.Valor > p.Valor {
				return nil, fmt.Errorf("pix[%d].devolucoes[%d]: want id, rtrId and a valor above zero and at most the Pix's", i, j)
			}
			switch d.Status {
			case RefundInProgress, RefundDone, RefundNotDone:
			default:
				return nil, fmt.Errorf("pix[%d].devolucoes[%d].status: %q is not EM_PROCESSAMENTO, DEVOLVIDO or NAO_REALIZADO", i, j, d.Status)
			}
		}
		if seen[p.EndToEndID] {
			continue
		}
		seen[p.EndToEndID] = true
		out = append(out, ReceivedPix{EndToEndID: p.EndToEndID, TxID: p.TxID, Amount: p.Valor.Money(), Time: p.Horario.UTC(), Key: p.Chave, PayerInfo: p.InfoPagador, Refunds: p.Devolucoes})
	}
	return out, nil
}

// checkWebhookTxID accepts txids of charges (26-35) and of static codes
// (1-25): letters and digits.
func checkWebhookTxID(t string) error {
	if len(t) > 35 {
		return fmt.Errorf("%q: more than 35 characters", t)
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("%q: character %q not allowed", t, c)
		}
	}
	return nil
}

// CheckEndToEndID checks the shape of an end-to-end id: "E", the payer
// PSP's ISPB (8 characters), the date and time yyyyMMddHHmm in UTC, and
// 11 letters or digits — 32 characters.
func CheckEndToEndID(e string) error {
	if len(e) != 32 || e[0] != 'E' {
		return fmt.Errorf("%q: want 32 characters starting with E", e)
	}
	for i := 1; i < 32; i++ {
		c := e[i]
		digit := c >= '0' && c <= '9'
		alnum := digit || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i >= 9 && i < 21 && !digit || !alnum {
			return fmt.Errorf("%q: character %d (%q) not allowed", e, i+1, c)
		}
	}
	if _, err := time.Parse("200601021504", e[9:21]); err != nil {
		return fmt.Errorf("%q: %q is not a date and time yyyyMMddHHmm", e, e[9:21])
	}
	return nil
}

func writeProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// WriteProblem answers with p as application/problem+json, for servers
// speaking the API.
func WriteProblem(w http.ResponseWriter, p *Problem) { writeProblem(w, p) }

// MemorySink is a PaymentSink that keeps payments in memory, deduplicated
// by EndToEndID: for tests and the demo. Reconciliation against the store
// implements PaymentSink for real use.
type MemorySink struct {
	mu       sync.Mutex
	refunds  map[string]Devolucao // by rtrId
	byE2E    map[string]ReceivedPix
	order    []string
	notify   chan ReceivedPix
	failNext int
}

// NewMemorySink returns an empty sink. Booked payments are also sent on
// the channel from Booked(), which buffers up to 1024 of them.
func NewMemorySink() *MemorySink {
	return &MemorySink{byE2E: map[string]ReceivedPix{}, refunds: map[string]Devolucao{}, notify: make(chan ReceivedPix, 1024)}
}

// BookPix records p unless its EndToEndID is known.
func (s *MemorySink) BookPix(_ context.Context, p ReceivedPix) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return false, fmt.Errorf("memory sink: simulated failure")
	}
	if _, ok := s.byE2E[p.EndToEndID]; ok {
		return true, nil
	}
	s.byE2E[p.EndToEndID] = p
	s.order = append(s.order, p.EndToEndID)
	select {
	case s.notify <- p:
	default:
	}
	return false, nil
}

// BookRefund records a refund by RtrID. The same refund with the same
// status is a duplicate; a new status (EM_PROCESSAMENTO → DEVOLVIDO)
// replaces the old one and is not.
func (s *MemorySink) BookRefund(_ context.Context, e2e string, d Devolucao) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return false, fmt.Errorf("memory sink: simulated failure")
	}
	old, known := s.refunds[d.RtrID]
	if known && old.Status == d.Status {
		return true, nil
	}
	s.refunds[d.RtrID] = d
	return false, nil
}

// Refunds returns the booked refunds by RtrID.
func (s *MemorySink) Refunds() map[string]Devolucao {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Devolucao, len(s.refunds))
	for k, v := range s.refunds {
		out[k] = v
	}
	return out
}

// FailNext makes the next n bookings fail, to exercise redelivery.
func (s *MemorySink) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Payments returns the booked payments in booking order.
func (s *MemorySink) Payments() []ReceivedPix {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ReceivedPix, len(s.order))
	for i, e := range s.order {
		out[i] = s.byE2E[e]
	}
	return out
}

// Booked delivers each newly booked payment.
func (s *MemorySink) Booked() <-chan ReceivedPix { return s.notify }
