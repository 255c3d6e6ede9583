package channel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// HTTP is an adapter for providers that speak Régua's simple JSON API
// (the local sinks of package sink speak it):
//
//	POST {base}/v1/{channel}/messages
//	Idempotency-Key: <key>
//	{"to": …, "subject": …, "body": …, "template": …, "params": {…}, "locale": …, "reference": …}
//	→ 200 {"id": "<provider ref>", "duplicate": false}
//
// 4xx answers other than 408, 409 and 429 are permanent; everything else
// that is not 2xx, and transport errors, are temporary.
type HTTP struct {
	Provider string
	Base     string // e.g. http://127.0.0.1:9099
	Token    string // sent as a bearer token when set
	Client   *http.Client
}

// transport is shared by every adapter NewHTTP makes, so that channels
// served by one provider share its keep-alive connections. Dispatch keeps
// loops × sends requests in flight (4 × 64 by default): the idle pool per
// host must hold as many, or connections are closed and redialled.
var transport = &http.Transport{
	Proxy:               http.ProxyFromEnvironment,
	MaxIdleConns:        1024,
	MaxIdleConnsPerHost: 512,
	IdleConnTimeout:     90 * time.Second,
	TLSHandshakeTimeout: 10 * time.Second,
	ForceAttemptHTTP2:   true,
}

// NewHTTP returns an HTTP adapter with a client whose timeout bounds one send.
func NewHTTP(provider, base string) *HTTP {
	return &HTTP{Provider: provider, Base: strings.TrimRight(base, "/"), Client: &http.Client{
		Timeout:   15 * time.Second,
		Transport: transport,
	}}
}

func (h *HTTP) Name() string { return h.Provider }

type httpAnswer struct {
	ID        string `json:"id"`
	Duplicate bool   `json:"duplicate"`
	Error     string `json:"error"`
}

func (h *HTTP) Send(ctx context.Context, m Message) (string, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return "", Permanent("encode", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.Base+"/v1/"+m.Channel+"/messages", bytes.NewReader(body))
	if err != nil {
		return "", Permanent("request", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if m.IdempotencyKey != "" {
		req.Header.Set("Idempotency-Key", m.IdempotencyKey)
	}
	if h.Token != "" {
		req.Header.Set("Authorization", "Bearer "+h.Token)
	}
	resp, err := h.Client.Do(req)
	if err != nil {
		return "", Temporary("transport", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", Temporary("read", err)
	}
	var a httpAnswer
	_ = json.Unmarshal(raw, &a)
	code := fmt.Sprintf("http %d", resp.StatusCode)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if a.ID == "" {
			return "", Temporary(code, errors.New("provider answered without a message id"))
		}
		return a.ID, nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != 408 && resp.StatusCode != 409 && resp.StatusCode != 429:
		return "", Permanent(code, errors.New(firstNonEmpty(a.Error, http.StatusText(resp.StatusCode))))
	}
	return "", Temporary(code, errors.New(firstNonEmpty(a.Error, http.StatusText(resp.StatusCode))))
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
