package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/regua/regua/internal/channel"
	"github.com/regua/regua/internal/channel/callback"
)

// Callbacks make the sink report what became of each message it accepts,
// as a provider does: "delivered" after Delay, then "read" for a share of
// the messages, posted to URL in Régua's callback format and signed with
// Secret (see package callback). Recipients starting with "bounce" get
// "failed" instead of "delivered" (a delivery failure after acceptance).
// E-mail taken over SMTP is reported the same way (over HTTP; no DSN).
type Callbacks struct {
	URL    string // e.g. http://127.0.0.1:8080/hooks/channel/sink
	Secret []byte
	// Delay comes before "delivered" and again before "read" (default 1s).
	Delay time.Duration
	// ReadPercent (0–100) of the delivered messages are also read; which
	// ones is decided by a hash of the idempotency key, so the same
	// message is read (or not) in every run.
	ReadPercent int
	// Tries per callback (default 6); a refused callback (other than 400,
	// 401, 403 and 413, which no retry mends) is posted again after 250 ms,
	// doubling: a callback may overtake the recording of the send.
	Tries  int
	Client *http.Client
}

type callbacker struct {
	cfg    Callbacks
	sem    chan struct{}
	wg     sync.WaitGroup
	sent   atomic.Int64
	failed atomic.Int64
	ctx    context.Context
	stop   context.CancelFunc
}

// SetCallbacks turns status callbacks on. Call it before serving.
func (s *Sink) SetCallbacks(c Callbacks) {
	if c.Delay <= 0 {
		c.Delay = time.Second
	}
	if c.Tries <= 0 {
		c.Tries = 6
	}
	c.ReadPercent = min(max(c.ReadPercent, 0), 100)
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 10 * time.Second}
	}
	ctx, stop := context.WithCancel(context.Background())
	s.cbs = &callbacker{cfg: c, sem: make(chan struct{}, 32), ctx: ctx, stop: stop}
}

// WaitCallbacks waits until every callback scheduled so far was posted
// or given up.
func (s *Sink) WaitCallbacks() {
	if s.cbs != nil {
		s.cbs.wg.Wait()
	}
}

// StopCallbacks drops the callbacks not yet posted (at shutdown).
func (s *Sink) StopCallbacks() {
	if s.cbs != nil {
		s.cbs.stop()
		s.cbs.wg.Wait()
	}
}

// Reads reports whether the sink reports a message with this idempotency
// key as read, given percent.
func Reads(key string, percent int) bool {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32()%100) < percent
}

// schedule posts the callbacks of one accepted message in the background.
func (c *callbacker) schedule(id string, m channel.Message) {
	c.wg.Add(1)
	time.AfterFunc(c.cfg.Delay, func() {
		defer c.wg.Done()
		status, detail := callback.Delivered, ""
		if strings.HasPrefix(m.To, "bounce") {
			status, detail = callback.Failed, "recipient unreachable (sink)"
		}
		if !c.post(id, m, status, detail) || status != callback.Delivered || !Reads(m.IdempotencyKey, c.cfg.ReadPercent) {
			return
		}
		select {
		case <-time.After(c.cfg.Delay):
		case <-c.ctx.Done():
			return
		}
		c.post(id, m, callback.Read, "")
	})
}

// post sends one callback, retrying; it reports whether it was taken.
func (c *callbacker) post(id string, m channel.Message, status, detail string) bool {
	body, _ := json.Marshal(callback.Report{Reference: m.Reference, ProviderRef: id, Status: status, At: time.Now().UTC(), Detail: detail})
	sig := callback.Sign(c.cfg.Secret, body)
	wait := 250 * time.Millisecond
	for try := 1; ; try++ {
		code, err := c.once(body, sig)
		if err == nil && code/100 == 2 {
			c.sent.Add(1)
			return true
		}
		permanent := code == 400 || code == 401 || code == 403 || code == 413
		if permanent || try >= c.cfg.Tries {
			c.failed.Add(1)
			return false
		}
		select {
		case <-time.After(wait):
		case <-c.ctx.Done():
			c.failed.Add(1)
			return false
		}
		wait *= 2
	}
}

func (c *callbacker) once(body []byte, sig string) (int, error) {
	select {
	case c.sem <- struct{}{}:
	case <-c.ctx.Done():
		return 0, c.ctx.Err()
	}
	defer func() { <-c.sem }()
	req, err := http.NewRequestWithContext(c.ctx, http.MethodPost, c.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(callback.SignatureHeader, sig)
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("callback: %w", err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
