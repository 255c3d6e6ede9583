// Package pixapi talks the Central Bank's API Pix, the REST API every
// receiver's PSP (payment service provider) offers to its clients: OAuth 2
// client credentials over mutual TLS, immediate charges (cob), charges with
// due date (cobv), webhooks and refunds (devolução). It also takes the
// PSP's webhook posts of received Pix (see WebhookHandler). Field names
// follow bacen/pix-api's openapi.yaml.
package pixapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says where the PSP is and how to prove who we are.
type Config struct {
	// BaseURL of the API, e.g. "https://pix.psp.example/api/v2".
	BaseURL string
	// TokenURL of the PSP's OAuth 2 authorization server; PSPs choose it
	// (often BaseURL's host + "/oauth/token").
	TokenURL string
	// ClientID and ClientSecret from the PSP's onboarding.
	ClientID, ClientSecret string
	// Scope to ask for; empty asks for what the client is granted.
	Scope string
	// TLS holds the client certificate the PSP issued or accepted and the
	// CAs to trust for the PSP's server. The API requires mutual TLS.
	TLS *tls.Config
	// Timeout of each HTTP request; 30 s when zero.
	Timeout time.Duration
	// Retries of idempotent requests (GET, PUT, DELETE) after a network
	// error or a 502/503/504, with doubling pauses from RetryBackoff.
	// Zero means 2 retries from 250 ms; negative means none.
	Retries      int
	RetryBackoff time.Duration
}

// Client calls one PSP's API Pix. It is safe for concurrent use; the
// access token is fetched once and renewed shortly before it expires.
type Client struct {
	cfg     Config
	http    *http.Client
	now     func() time.Time
	retries int
	backoff time.Duration

	mu      sync.Mutex
	token   string
	expires time.Time
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	for name, v := range map[string]string{"BaseURL": cfg.BaseURL, "TokenURL": cfg.TokenURL, "ClientID": cfg.ClientID} {
		if v == "" {
			return nil, fmt.Errorf("pixapi: Config.%s is required", name)
		}
	}
	for _, u := range []string{cfg.BaseURL, cfg.TokenURL} {
		if !strings.HasPrefix(u, "https://") {
			return nil, fmt.Errorf("pixapi: %q: the API Pix is served over HTTPS only", u)
		}
	}
	if cfg.TLS == nil || len(cfg.TLS.Certificates) == 0 && cfg.TLS.GetClientCertificate == nil {
		return nil, fmt.Errorf("pixapi: Config.TLS needs the client certificate (the API requires mutual TLS)")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	tr := &http.Transport{TLSClientConfig: cfg.TLS.Clone(), ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 16}
	c := &Client{cfg: cfg, http: &http.Client{Transport: tr, Timeout: cfg.Timeout}, now: time.Now, retries: cfg.Retries, backoff: cfg.RetryBackoff}
	if c.retries == 0 {
		c.retries = 2
	} else if c.retries < 0 {
		c.retries = 0
	}
	if c.backoff <= 0 {
		c.backoff = 250 * time.Millisecond
	}
	return c, nil
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// accessToken returns a valid bearer token, fetching one when needed.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.now().Before(c.expires) {
		return c.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if c.cfg.Scope != "" {
		form.Set("scope", c.cfg.Scope)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.SetBasicAuth(url.QueryEscape(c.cfg.ClientID), url.QueryEscape(c.cfg.ClientSecret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("pix api token: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		p := &Problem{Status: resp.StatusCode, Type: "oauth", Title: strings.TrimSpace(string(body)), Method: "POST", Path: c.cfg.TokenURL}
		var oe struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(body, &oe) == nil && oe.Error != "" {
			p.Type, p.Title = "oauth/"+oe.Error, oe.Description
		}
		return "", p
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("pix api token: unreadable response %.200q", body)
	}
	if !strings.EqualFold(tr.TokenType, "bearer") {
		return "", fmt.Errorf("pix api token: token type %q, want Bearer", tr.TokenType)
	}
	life := time.Duration(tr.ExpiresIn) * time.Second
	if life <= 0 {
		life = 5 * time.Minute
	}
	// Renew a little early so a request never leaves with a token that
	// expires on the way.
	margin := min(30*time.Second, life/10)
	c.token, c.expires = tr.AccessToken, c.now().Add(life-margin)
	return c.token, nil
}

func (c *Client) dropToken(tok string) {
	c.mu.Lock()
	if c.token == tok {
		c.token = ""
	}
	c.mu.Unlock()
}

// do sends one API request with a JSON body (nil for none) and decodes a
// 2xx JSON answer into out (nil to discard). A 401 renews the token and
// retries once: PSPs revoke tokens before their announced expiry.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("pix api %s %s: %w", method, path, err)
		}
	}
	renewed, transient := false, 0
	for {
		tok, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.http.Do(req)
		var data []byte
		if err == nil {
			data, err = io.ReadAll(io.LimitReader(resp.Body, 8<<20))
			resp.Body.Close()
		}
		// GET, PUT and DELETE are idempotent in the API Pix (PUT carries
		// our txid or refund id), so a network failure or a gateway error
		// is retried after a pause; POST and PATCH are not.
		retryable := method == http.MethodGet || method == http.MethodPut || method == http.MethodDelete
		if err != nil || resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusGatewayTimeout {
			if retryable && transient < c.retries && ctx.Err() == nil {
				transient++
				select {
				case <-time.After(c.backoff << (transient - 1)):
				case <-ctx.Done():
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("pix api %s %s: %w", method, path, err)
			}
		}
		if resp.StatusCode == http.StatusUnauthorized && !renewed {
			renewed = true
			c.dropToken(tok)
			continue
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return decodeProblem(method, path, resp.StatusCode, data)
		}
		if out == nil || len(bytes.TrimSpace(data)) == 0 {
			return nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("pix api %s %s: response: %w", method, path, err)
		}
		return nil
	}
}

func decodeProblem(method, path string, status int, data []byte) error {
	p := &Problem{}
	if err := json.Unmarshal(data, p); err != nil || p.Type == "" {
		p = &Problem{Type: "http/" + strconv.Itoa(status), Title: http.StatusText(status), Detail: strings.TrimSpace(string(truncate(data, 300)))}
	}
	p.Status = status // the HTTP status is what classifies it, whatever the body says
	p.Method, p.Path = method, path
	return p
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// checkTxID applies the API's rule for txids chosen by the receiver:
// 26 to 35 letters and digits.
func checkTxID(txid string) error {
	if len(txid) < 26 || len(txid) > 35 {
		return fmt.Errorf("pixapi: txid %q: want 26 to 35 letters and digits", txid)
	}
	for i := 0; i < len(txid); i++ {
		c := txid[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("pixapi: txid %q: character %q not allowed", txid, c)
		}
	}
	return nil
}

// CheckTxID reports whether txid is acceptable for cob and cobv.
func CheckTxID(txid string) error { return checkTxID(txid) }

// CreateCob creates an immediate charge with our txid (PUT /cob/{txid}),
// or with a txid the PSP picks when txid is empty (POST /cob). PUT with
// the same txid and body again is harmless, so a retry after a timeout is
// safe.
func (c *Client) CreateCob(ctx context.Context, txid string, req CobRequest) (*Cob, error) {
	var out Cob
	if txid == "" {
		return &out, c.do(ctx, http.MethodPost, "/cob", req, &out)
	}
	if err := checkTxID(txid); err != nil {
		return nil, err
	}
	return &out, c.do(ctx, http.MethodPut, "/cob/"+txid, req, &out)
}

// GetCob reads a cob; revisao < 0 reads the latest revision.
func (c *Client) GetCob(ctx context.Context, txid string, revisao int) (*Cob, error) {
	path := "/cob/" + url.PathEscape(txid)
	if revisao >= 0 {
		path += "?revisao=" + strconv.Itoa(revisao)
	}
	var out Cob
	return &out, c.do(ctx, http.MethodGet, path, nil, &out)
}

// UpdateCob revises an active cob (PATCH /cob/{txid}).
func (c *Client) UpdateCob(ctx context.Context, txid string, patch CobPatch) (*Cob, error) {
	var out Cob
	return &out, c.do(ctx, http.MethodPatch, "/cob/"+url.PathEscape(txid), patch, &out)
}

// CancelCob removes an active cob so it can no longer be paid.
func (c *Client) CancelCob(ctx context.Context, txid string) (*Cob, error) {
	return c.UpdateCob(ctx, txid, CobPatch{Status: StatusRemovedByUser})
}

// CreateCobV creates a charge with due date (PUT /cobv/{txid}).
func (c *Client) CreateCobV(ctx context.Context, txid string, req CobVRequest) (*CobV, error) {
	if err := checkTxID(txid); err != nil {
		return nil, err
	}
	var out CobV
	return &out, c.do(ctx, http.MethodPut, "/cobv/"+txid, req, &out)
}

// GetCobV reads a cobv; revisao < 0 reads the latest revision.
func (c *Client) GetCobV(ctx context.Context, txid string, revisao int) (*CobV, error) {
	path := "/cobv/" + url.PathEscape(txid)
	if revisao >= 0 {
		path += "?revisao=" + strconv.Itoa(revisao)
	}
	var out CobV
	return &out, c.do(ctx, http.MethodGet, path, nil, &out)
}

// UpdateCobV revises an active cobv (PATCH /cobv/{txid}).
func (c *Client) UpdateCobV(ctx context.Context, txid string, patch CobVPatch) (*CobV, error) {
	var out CobV
	return &out, c.do(ctx, http.MethodPatch, "/cobv/"+url.PathEscape(txid), patch, &out)
}

// CancelCobV removes an active cobv.
func (c *Client) CancelCobV(ctx context.Context, txid string) (*CobV, error) {
	return c.UpdateCobV(ctx, txid, CobVPatch{Status: StatusRemovedByUser})
}

// SetWebhook registers where the PSP posts Pix received on chave
// (PUT /webhook/{chave}). The PSP appends "/pix" to webhookURL.
func (c *Client) SetWebhook(ctx context.Context, chave, webhookURL string) error {
	if !strings.HasPrefix(webhookURL, "https://") {
		return fmt.Errorf("pixapi: webhook URL %q must be https", webhookURL)
	}
	return c.do(ctx, http.MethodPut, "/webhook/"+url.PathEscape(chave), Webhook{WebhookURL: webhookURL}, nil)
}

// GetWebhook reads the webhook of chave.
func (c *Client) GetWebhook(ctx context.Context, chave string) (*Webhook, error) {
	var out Webhook
	return &out, c.do(ctx, http.MethodGet, "/webhook/"+url.PathEscape(chave), nil, &out)
}

// DeleteWebhook stops notifications for chave.
func (c *Client) DeleteWebhook(ctx context.Context, chave string) error {
	return c.do(ctx, http.MethodDelete, "/webhook/"+url.PathEscape(chave), nil, nil)
}

// GetPix reads a received Pix by its end-to-end id.
func (c *Client) GetPix(ctx context.Context, e2eid string) (*Pix, error) {
	var out Pix
	return &out, c.do(ctx, http.MethodGet, "/pix/"+url.PathEscape(e2eid), nil, &out)
}

// ListPix returns every Pix received from inicio to fim (GET /pix, all
// pages). Reconciliation polls it to catch what a lost webhook missed and
// the Pix of static codes without txid, which webhooks never report.
func (c *Client) ListPix(ctx context.Context, inicio, fim time.Time) ([]Pix, error) {
	var all []Pix
	for page := 0; ; page++ {
		q := url.Values{
			"inicio":                   {inicio.UTC().Format(time.RFC3339)},
			"fim":                      {fim.UTC().Format(time.RFC3339)},
			"paginacao.paginaAtual":    {strconv.Itoa(page)},
			"paginacao.itensPorPagina": {"1000"},
		}
		var out PixList
		if err := c.do(ctx, http.MethodGet, "/pix?"+q.Encode(), nil, &out); err != nil {
			return all, err
		}
		all = append(all, out.Pix...)
		if page+1 >= out.Parametros.Paginacao.QuantidadeDePaginas || len(out.Pix) == 0 {
			return all, nil
		}
	}
}

// RequestRefund asks for a refund of part or all of a received Pix
// (PUT /pix/{e2eid}/devolucao/{id}). id is ours, so asking again with the
// same id and amount after a timeout does not refund twice.
func (c *Client) RequestRefund(ctx context.Context, e2eid, id string, req RefundRequest) (*Devolucao, error) {
	if id == "" || len(id) > 35 {
		return nil, fmt.Errorf("pixapi: refund id %q: want 1 to 35 characters", id)
	}
	if req.Valor <= 0 {
		return nil, fmt.Errorf("pixapi: refund of %s: want a positive amount", req.Valor)
	}
	var out Devolucao
	return &out, c.do(ctx, http.MethodPut, "/pix/"+url.PathEscape(e2eid)+"/devolucao/"+url.PathEscape(id), req, &out)
}

// GetRefund reads a refund.
func (c *Client) GetRefund(ctx context.Context, e2eid, id string) (*Devolucao, error) {
	var out Devolucao
	return &out, c.do(ctx, http.MethodGet, "/pix/"+url.PathEscape(e2eid)+"/devolucao/"+url.PathEscape(id), nil, &out)
}

// CreateLoc creates a payload location for a charge of tipoCob ("cob" or
// "cobv") before the charge exists (POST /loc); a later cob or cobv names
// it in Loc. Not retried: each call makes a new location.
func (c *Client) CreateLoc(ctx context.Context, tipoCob string) (*Loc, error) {
	if tipoCob != "cob" && tipoCob != "cobv" {
		return nil, fmt.Errorf("pixapi: location of type %q: want cob or cobv", tipoCob)
	}
	var out Loc
	return &out, c.do(ctx, http.MethodPost, "/loc", LocRequest{TipoCob: tipoCob}, &out)
}

// GetLoc reads a location, with the txid of its charge when linked.
func (c *Client) GetLoc(ctx context.Context, id int64) (*Loc, error) {
	var out Loc
	return &out, c.do(ctx, http.MethodGet, "/loc/"+strconv.FormatInt(id, 10), nil, &out)
}

// GetLocQRCode reads the dynamic BR Code of a location and its QR image.
func (c *Client) GetLocQRCode(ctx context.Context, id int64) (*LocQRCode, error) {
	var out LocQRCode
	return &out, c.do(ctx, http.MethodGet, "/loc/"+strconv.FormatInt(id, 10)+"/qrcode", nil, &out)
}

// UnlinkLoc detaches a location from its charge (DELETE /loc/{id}/txid):
// the location then serves nothing and the charge has no QR code until it
// is given a location again.
func (c *Client) UnlinkLoc(ctx context.Context, id int64) (*Loc, error) {
	var out Loc
	return &out, c.do(ctx, http.MethodDelete, "/loc/"+strconv.FormatInt(id, 10)+"/txid", nil, &out)
}
