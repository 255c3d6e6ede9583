// Package pixpsp is a local PSP (payment service provider) that speaks
// the Central Bank's API Pix over mutual TLS: OAuth 2 client credentials
// with certificate-bound tokens, cob and cobv kept in memory, webhooks,
// received Pix and refunds. Pay simulates a payer paying a charge or a BR
// Code and posts the webhook to the registered URL with the PSP's own
// client certificate. Tests and the demo run it instead of a bank.
package pixpsp

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/pix"
	"github.com/regua/regua/internal/pixapi"
)

// Options configure a local PSP.
type Options struct {
	// Cert is the PSP's server certificate; ClientCAs verify the
	// certificates of API clients.
	Cert      tls.Certificate
	ClientCAs *x509.CertPool
	// WebhookCert is the client certificate the PSP presents when posting
	// webhooks; WebhookRootCAs verify the receiver's webhook server.
	WebhookCert    tls.Certificate
	WebhookRootCAs *x509.CertPool
	// Clients maps client_id to client_secret.
	Clients map[string]string
	// Keys are the receiver's Pix keys at this PSP.
	Keys []string
	// ReceiverName, ReceiverCity and ReceiverCNPJ describe the receiver
	// in BR Codes and cobv answers.
	ReceiverName, ReceiverCity, ReceiverCNPJ string
	// ISPB of this PSP (8 digits) and of the simulated payers' PSP, used in
	// end-to-end ids.
	ISPB, PayerISPB string
	// TokenTTL is the access tokens' lifetime (1 h when zero).
	TokenTTL time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// BusinessDay for cobv amounts (weekdays when nil).
	BusinessDay pixapi.BusinessDay
	// PayloadSigner, when set, serves the locations' payloads: a
	// certificate chain with an RSA key, valid for the payload host, used
	// both as that host's TLS certificate and to sign the payloads (JWS,
	// PS256). Locations then point at the payload host; without it they
	// point at the API host and are not served.
	PayloadSigner tls.Certificate
	// PayloadAddr is where the payload host listens ("127.0.0.1:0" when
	// empty). It asks for no client certificate: any payer's bank may
	// fetch a payload.
	PayloadAddr string
	// PayloadJKUOnly leaves x5c out of the JWS header, so that a payer
	// must find the certificate through jku (to test verifiers).
	PayloadJKUOnly bool
}

// Server is a running local PSP.
type Server struct {
	opts Options
	ln   net.Listener
	srv  *http.Server
	host string // host:port, for locations
	hook *http.Client

	// The payload host, when Options.PayloadSigner is set.
	payloadSrv  *http.Server
	payloadHost string
	signer      *rsa.PrivateKey
	signerChain []*x509.Certificate

	mu         sync.Mutex
	tokens     map[string]token
	cobs       map[string]*charge // by txid, cob and cobv share the namespace
	locs       map[int64]*pixapi.Loc
	byLocation map[string]int64 // location → loc id
	nextLoc    int64
	webhooks   map[string]pixapi.Webhook // by chave
	pix        map[string]*pixapi.Pix    // by endToEndId
	pending    []pixapi.Pix              // webhook posts not yet accepted
	failNext   int                       // API calls to answer 503, for tests
}

type token struct {
	expires    time.Time
	thumbprint [32]byte // of the client certificate it was issued to (RFC 8705)
	scopes     map[string]bool
}

type charge struct {
	kind      string // "cob" or "cobv"
	cob       *pixapi.Cob
	cobv      *pixapi.CobV
	revisions [][]byte // JSON of each revision, for ?revisao=
}

// Scopes of the API Pix the local PSP knows.
var allScopes = []string{"cob.write", "cob.read", "cobv.write", "cobv.read", "pix.write", "pix.read", "webhook.write", "webhook.read", "payloadlocation.write", "payloadlocation.read"}

// Start listens on addr ("127.0.0.1:0" for any free port) and serves.
func Start(addr string, opts Options) (*Server, error) {
	if opts.ISPB == "" {
		opts.ISPB = "99999999"
	}
	if opts.PayerISPB == "" {
		opts.PayerISPB = "88888888"
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BusinessDay == nil {
		opts.BusinessDay = pixapi.WeekdaysOnly
	}
	if opts.ReceiverName == "" {
		opts.ReceiverName = "Recebedor"
	}
	if opts.ReceiverCity == "" {
		opts.ReceiverCity = "Brasilia"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts: opts, ln: ln, host: ln.Addr().String(),
		tokens: map[string]token{}, cobs: map[string]*charge{}, locs: map[int64]*pixapi.Loc{}, byLocation: map[string]int64{},
		webhooks: map[string]pixapi.Webhook{}, pix: map[string]*pixapi.Pix{},
		hook: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: pixapi.ClientTLSConfig(opts.WebhookCert, opts.WebhookRootCAs)}},
	}
	if len(opts.PayloadSigner.Certificate) > 0 {
		if err := s.startPayloadHost(); err != nil {
			ln.Close()
			return nil, err
		}
	}
	tlsCfg := pixapi.ServerTLSConfig(opts.Cert, opts.ClientCAs)
	s.srv = &http.Server{Handler: s.routes(), TLSConfig: tlsCfg, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go s.srv.Serve(tls.NewListener(ln, tlsCfg))
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error {
	if s.payloadSrv != nil {
		s.payloadSrv.Close()
	}
	return s.srv.Close()
}

// BaseURL is the API's base URL; TokenURL the OAuth token endpoint.
func (s *Server) BaseURL() string  { return "https://" + s.host + "/api/v2" }
func (s *Server) TokenURL() string { return "https://" + s.host + "/oauth/token" }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.handleToken)
	api := func(scope string, h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			fail := s.failNext > 0
			if fail {
				s.failNext--
			}
			s.mu.Unlock()
			if fail {
				pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusServiceUnavailable, "ServicoIndisponivel", "Serviço não está disponível no momento."))
				return
			}
			if p := s.authorize(r, scope); p != nil {
				pixapi.WriteProblem(w, p)
				return
			}
			h(w, r)
		}
	}
	mux.HandleFunc("PUT /api/v2/cob/{txid}", api("cob.write", s.putCob))
	mux.HandleFunc("POST /api/v2/cob", api("cob.write", s.putCob))
	mux.HandleFunc("GET /api/v2/cob/{txid}", api("cob.read", s.getCharge("cob")))
	mux.HandleFunc("PATCH /api/v2/cob/{txid}", api("cob.write", s.patchCob))
	mux.HandleFunc("PUT /api/v2/cobv/{txid}", api("cobv.write", s.putCobV))
	mux.HandleFunc("GET /api/v2/cobv/{txid}", api("cobv.read", s.getCharge("cobv")))
	mux.HandleFunc("PATCH /api/v2/cobv/{txid}", api("cobv.write", s.patchCobV))
	mux.HandleFunc("PUT /api/v2/webhook/{chave}", api("webhook.write", s.putWebhook))
	mux.HandleFunc("GET /api/v2/webhook/{chave}", api("webhook.read", s.getWebhook))
	mux.HandleFunc("DELETE /api/v2/webhook/{chave}", api("webhook.write", s.deleteWebhook))
	mux.HandleFunc("GET /api/v2/pix/{e2eid}", api("pix.read", s.getPix))
	mux.HandleFunc("GET /api/v2/pix", api("pix.read", s.listPix))
	mux.HandleFunc("PUT /api/v2/pix/{e2eid}/devolucao/{id}", api("pix.write", s.putRefund))
	mux.HandleFunc("GET /api/v2/pix/{e2eid}/devolucao/{id}", api("pix.read", s.getRefund))
	mux.HandleFunc("POST /api/v2/loc", api("payloadlocation.write", s.postLoc))
	mux.HandleFunc("GET /api/v2/loc/{id}", api("payloadlocation.read", s.getLoc))
	mux.HandleFunc("GET /api/v2/loc/{id}/qrcode", api("payloadlocation.read", s.getLocQRCode))
	mux.HandleFunc("DELETE /api/v2/loc/{id}/txid", api("payloadlocation.write", s.unlinkLoc))
	mux.HandleFunc("POST /sandbox/pay", s.sandboxPay)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusNotFound, "NaoEncontrado", r.Method+" "+r.URL.Path+" is not part of the API"))
	})
	return mux
}

func thumbprint(r *http.Request) ([32]byte, bool) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return [32]byte{}, false
	}
	return sha256.Sum256(r.TLS.PeerCertificates[0].Raw), true
}

// handleToken is the OAuth 2 client-credentials grant (RFC 6749 4.4) with
// the client authenticated by HTTP Basic and the token bound to the TLS
// client certificate (RFC 8705).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(status int, code, desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	tp, ok := thumbprint(r)
	if !ok {
		oauthErr(http.StatusUnauthorized, "invalid_client", "client certificate required")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		oauthErr(http.StatusUnauthorized, "invalid_client", "HTTP Basic client authentication required")
		return
	}
	if want, known := s.opts.Clients[id]; !known || want != secret {
		oauthErr(http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "only client_credentials")
		return
	}
	scopes := map[string]bool{}
	asked := strings.Fields(r.PostForm.Get("scope"))
	if len(asked) == 0 {
		asked = allScopes
	}
	for _, sc := range asked {
		known := false
		for _, a := range allScopes {
			known = known || a == sc
		}
		if !known {
			oauthErr(http.StatusBadRequest, "invalid_scope", "unknown scope "+sc)
			return
		}
		scopes[sc] = true
	}
	tok := randomID(40)
	s.mu.Lock()
	s.tokens[tok] = token{expires: s.opts.Now().Add(s.opts.TokenTTL), thumbprint: tp, scopes: scopes}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(s.opts.TokenTTL.Seconds()), "scope": strings.Join(asked, " ")})
}

func (s *Server) authorize(r *http.Request, scope string) *pixapi.Problem {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return pixapi.NewProblem(http.StatusUnauthorized, "AcessoNegado", "bearer token required")
	}
	s.mu.Lock()
	t, known := s.tokens[tok]
	s.mu.Unlock()
	tp, _ := thumbprint(r)
	switch {
	case !known || !s.opts.Now().Before(t.expires):
		return pixapi.NewProblem(http.StatusUnauthorized, "AcessoNegado", "token unknown or expired")
	case tp != t.thumbprint:
		return pixapi.NewProblem(http.StatusUnauthorized, "AcessoNegado", "token was issued to another client certificate")
	case !t.scopes[scope]:
		return pixapi.NewProblem(http.StatusForbidden, "AcessoNegado", "scope "+scope+" not granted")
	}
	return nil
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		return err
	}
	return nil
}

func invalid(name, razao, prop string) *pixapi.Problem {
	return pixapi.NewProblem(http.StatusBadRequest, name, "Cobrança inválida.", pixapi.Violacao{Razao: razao, Propriedade: prop})
}

func (s *Server) ownsKey(k string) bool {
	for _, o := range s.opts.Keys {
		if o == k {
			return true
		}
	}
	return false
}

func checkDevedor(d *pixapi.Devedor, prefix string, required bool, errName string) *pixapi.Problem {
	if d == nil {
		if required {
			return invalid(errName, "O objeto "+prefix+".devedor não respeita o schema.", prefix+".devedor")
		}
		return nil
	}
	if d.Nome == "" || (d.CPF == "") == (d.CNPJ == "") {
		return invalid(errName, "O objeto "+prefix+".devedor não respeita o schema.", prefix+".devedor")
	}
	doc, want := d.CPF, pix.KeyCPF
	if d.CNPJ != "" {
		doc, want = d.CNPJ, pix.KeyCNPJ
	}
	if kt, err := pix.ValidateKey(doc); err != nil || kt != want {
		return invalid(errName, "O objeto "+prefix+".devedor não respeita o schema.", prefix+".devedor."+string(want))
	}
	return nil
}

// newLoc creates a location of kind ("cob" or "cobv"), unlinked. The
// caller holds s.mu.
func (s *Server) newLoc(kind string) *pixapi.Loc {
	s.nextLoc++
	host := s.host
	if s.payloadHost != "" {
		host = s.payloadHost
	}
	path := "/qr/v2/"
	if kind == "cobv" {
		path += "cobv/"
	}
	loc := &pixapi.Loc{ID: s.nextLoc, Location: host + path + strings.ToLower(randomID(32)), TipoCob: kind, Criacao: s.opts.Now().UTC().Truncate(time.Second)}
	s.locs[loc.ID] = loc
	s.byLocation[loc.Location] = loc.ID
	return loc
}

// linkLoc gives the charge txid of kind a location: the one ref names
// (created by POST /loc, of the same kind, free or already this charge's)
// or a new one. It returns the location as charges show it and the
// dynamic BR Code. The caller holds s.mu.
func (s *Server) linkLoc(kind, txid string, ref *pixapi.LocRef, errName string) (*pixapi.Loc, string, *pixapi.Problem) {
	var loc *pixapi.Loc
	if ref != nil {
		loc = s.locs[ref.ID]
		switch {
		case loc == nil:
			return nil, "", invalid(errName, "O campo "+kind+".loc.id não corresponde a uma location existente.", kind+".loc.id")
		case loc.TipoCob != kind:
			return nil, "", invalid(errName, "A location do campo "+kind+".loc.id é de outro tipo de cobrança ("+loc.TipoCob+").", kind+".loc.id")
		case loc.TxID != "" && loc.TxID != txid:
			return nil, "", invalid(errName, "A location do campo "+kind+".loc.id já está sendo utilizada por outra cobrança.", kind+".loc.id")
		}
	} else {
		loc = s.newLoc(kind)
	}
	code, err := s.brCode(loc)
	if err != nil {
		return nil, "", pixapi.NewProblem(http.StatusInternalServerError, "ErroInternoDoServidor", err.Error())
	}
	loc.TxID = txid
	shown := *loc
	shown.TxID = ""
	return &shown, code, nil
}

// brCode is the dynamic BR Code of a location: the URL and the receiver's
// name and city, no key, no amount.
func (s *Server) brCode(loc *pixapi.Loc) (string, error) {
	return pix.Encode(pix.Code{URL: loc.Location, Name: s.opts.ReceiverName, City: s.opts.ReceiverCity})
}

func snapshot(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func (s *Server) putCob(w http.ResponseWriter, r *http.Request) {
	txid := r.PathValue("txid")
	if r.Method == http.MethodPost {
		txid = randomID(32)
	} else if err := pixapi.CheckTxID(txid); err != nil {
		pixapi.WriteProblem(w, invalid("CobOperacaoInvalida", "O campo cob.txid não respeita o schema.", "cob.txid"))
		return
	}
	var req pixapi.CobRequest
	if err := decodeBody(r, &req); err != nil {
		pixapi.WriteProblem(w, invalid("CobOperacaoInvalida", "O corpo não respeita o schema: "+err.Error(), "cob"))
		return
	}
	if p := s.checkCob(req.Calendario, req.Devedor, &req.Valor, req.Chave, true); p != nil {
		pixapi.WriteProblem(w, p)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now().UTC().Truncate(time.Second)
	exp := 86400
	if req.Calendario != nil && req.Calendario.Expiracao > 0 {
		exp = req.Calendario.Expiracao
	}
	status := http.StatusCreated
	c := s.cobs[txid]
	if c != nil {
		if c.kind != "cob" || c.cob.Status != pixapi.StatusActive {
			pixapi.WriteProblem(w, invalid("CobOperacaoInvalida", "A cobrança já existe, não está no status ATIVA, e a presente requisição busca alterá-la.", "cob.status"))
			return
		}
		status = http.StatusOK
		cob := c.cob
		if req.Loc != nil && (cob.Loc == nil || req.Loc.ID != cob.Loc.ID) {
			loc, code, p := s.linkLoc("cob", txid, req.Loc, "CobOperacaoInvalida")
			if p != nil {
				pixapi.WriteProblem(w, p)
				return
			}
			s.unlinkCharge(c)
			cob.Loc, cob.Location, cob.PixCopiaECola = loc, loc.Location, code
		}
		cob.Calendario.Expiracao, cob.Devedor, cob.Valor, cob.Chave = exp, req.Devedor, req.Valor, req.Chave
		cob.SolicitacaoPagador, cob.InfoAdicionais = req.SolicitacaoPagador, req.InfoAdicionais
		cob.Revisao++
	} else {
		loc, code, p := s.linkLoc("cob", txid, req.Loc, "CobOperacaoInvalida")
		if p != nil {
			pixapi.WriteProblem(w, p)
			return
		}
		c = &charge{kind: "cob", cob: &pixapi.Cob{
			TxID: txid, Calendario: pixapi.CobCalendario{Criacao: now, Expiracao: exp}, Loc: loc, Location: loc.Location,
			Status: pixapi.StatusActive, Devedor: req.Devedor, Valor: req.Valor, Chave: req.Chave,
			SolicitacaoPagador: req.SolicitacaoPagador, InfoAdicionais: req.InfoAdicionais, PixCopiaECola: code,
		}}
		s.cobs[txid] = c
	}
	c.revisions = append(c.revisions, snapshot(c.cob))
	writeJSON(w, status, c.cob)
}

func (s *Server) checkCob(cal *pixapi.CobCalendario, dev *pixapi.Devedor, val *pixapi.CobValor, chave string, create bool) *pixapi.Problem {
	const e = "CobOperacaoInvalida"
	if cal != nil && cal.Expiracao < 0 {
		return invalid(e, "O campo cob.calendario.expiracao é igual ou menor que zero.", "cob.calendario.expiracao")
	}
	if p := checkDevedor(dev, "cob", false, e); p != nil {
		return p
	}
	if val != nil && val.Original <= 0 {
		return invalid(e, "O campo cob.valor.original é zero.", "cob.valor.original")
	}
	if create || chave != "" {
		if _, err := pix.ValidateKey(chave); err != nil {
			return invalid(e, "O campo cob.chave não respeita o schema.", "cob.chave")
		}
		if !s.ownsKey(chave) {
			return invalid(e, "O campo cob.chave corresponde a uma conta que não pertence a este usuário recebedor.", "cob.chave")
		}
	}
	return nil
}

func (s *Server) getCharge(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		txid := r.PathValue("txid")
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.cobs[txid]
		if c == nil || c.kind != kind {
			name := "CobNaoEncontrado"
			if kind == "cobv" {
				name = "CobVNaoEncontrada"
			}
			pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusNotFound, name, "Cobrança não encontrada para o txid informado."))
			return
		}
		if rv := r.URL.Query().Get("revisao"); rv != "" {
			n, err := strconv.Atoi(rv)
			if err != nil || n < 0 || n >= len(c.revisions) {
				name := "CobConsultaInvalida"
				if kind == "cobv" {
					name = "CobVConsultaInvalida"
				}
				pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, name, "Revisão inexistente.", pixapi.Violacao{Razao: "o parâmetro revisao corresponde a uma revisão inexistente", Propriedade: "revisao", Valor: rv}))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(c.revisions[n])
			return
		}
		if kind == "cob" {
			writeJSON(w, http.StatusOK, c.cob)
		} else {
			writeJSON(w, http.StatusOK, c.cobv)
		}
	}
}

func (s *Server) patchCob(w http.ResponseWriter, r *http.Request) {
	const e = "CobOperacaoInvalida"
	var p pixapi.CobPatch
	if err := decodeBody(r, &p); err != nil {
		pixapi.WriteProblem(w, invalid(e, "O corpo não respeita o schema: "+err.Error(), "cob"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cobs[r.PathValue("txid")]
	if c == nil || c.kind != "cob" {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusNotFound, "CobNaoEncontrado", "Cobrança não encontrada para o txid informado."))
		return
	}
	cob := c.cob
	if cob.Status != pixapi.StatusActive {
		pixapi.WriteProblem(w, invalid(e, "A cobrança não está ATIVA, e a presente requisição busca alterá-la.", "cob.status"))
		return
	}
	others := p.Calendario != nil || p.Devedor != nil || p.Loc != nil || p.Valor != nil || p.SolicitacaoPagador != nil || p.InfoAdicionais != nil
	switch {
	case p.Status != "" && p.Status != pixapi.StatusRemovedByUser:
		pixapi.WriteProblem(w, invalid(e, "o campo cob.status não respeita o schema.", "cob.status"))
		return
	case p.Status != "" && others:
		pixapi.WriteProblem(w, invalid(e, "A cobrança está ATIVA, e a presente requisição propõe alterar seu status para REMOVIDA_PELO_USUARIO_RECEBEDOR juntamente com outras alterações.", "cob.status"))
		return
	}
	if pr := s.checkCob(p.Calendario, p.Devedor, p.Valor, "", false); pr != nil {
		pixapi.WriteProblem(w, pr)
		return
	}
	if p.Loc != nil && (cob.Loc == nil || p.Loc.ID != cob.Loc.ID) {
		loc, code, pr := s.linkLoc("cob", cob.TxID, p.Loc, e)
		if pr != nil {
			pixapi.WriteProblem(w, pr)
			return
		}
		s.unlinkCharge(c)
		cob.Loc, cob.Location, cob.PixCopiaECola = loc, loc.Location, code
	}
	if p.Status != "" {
		cob.Status = p.Status
	}
	if p.Calendario != nil && p.Calendario.Expiracao > 0 {
		cob.Calendario.Expiracao = p.Calendario.Expiracao
	}
	if p.Devedor != nil {
		cob.Devedor = p.Devedor
	}
	if p.Valor != nil {
		cob.Valor = *p.Valor
	}
	if p.SolicitacaoPagador != nil {
		cob.SolicitacaoPagador = *p.SolicitacaoPagador
	}
	if p.InfoAdicionais != nil {
		cob.InfoAdicionais = p.InfoAdicionais
	}
	cob.Revisao++
	c.revisions = append(c.revisions, snapshot(cob))
	writeJSON(w, http.StatusOK, cob)
}

func (s *Server) checkCobV(cal *pixapi.CobVCalendario, dev *pixapi.Devedor, val *pixapi.CobVValor, chave string, create bool, created time.Time) *pixapi.Problem {
	const e = "CobVOperacaoInvalida"
	due := time.Time{}
	if cal != nil || create {
		if cal == nil {
			return invalid(e, "O campo cobv.calendario.dataDeVencimento não respeita o schema.", "cobv.calendario.dataDeVencimento")
		}
		d, err := pixapi.ParseDate(cal.DataDeVencimento)
		if err != nil {
			return invalid(e, "O campo cobv.calendario.dataDeVencimento não respeita o schema.", "cobv.calendario.dataDeVencimento")
		}
		if d.Before(time.Date(created.Year(), created.Month(), created.Day(), 0, 0, 0, 0, time.UTC)) {
			return invalid(e, "O campo cobv.calendario.dataDeVencimento é anterior à data de criação da cobrança.", "cobv.calendario.dataDeVencimento")
		}
		if cal.ValidadeAposVencimento != nil && *cal.ValidadeAposVencimento < 0 {
			return invalid(e, "O campo cobv.calendario.validadeAposVencimento é menor do que zero.", "cobv.calendario.validadeAposVencimento")
		}
		due = d
	}
	if p := checkDevedor(dev, "cobv", create, e); p != nil {
		return p
	}
	if val != nil {
		if val.Original <= 0 {
			return invalid(e, "O campo cobv.valor.original apresenta o valor zero.", "cobv.valor.original")
		}
		if m := val.Multa; m != nil && (m.Modalidade < 1 || m.Modalidade > 2 || m.ValorPerc <= 0) {
			return invalid(e, "O objeto cobv.valor.multa não respeita o schema.", "cobv.valor.multa")
		}
		if j := val.Juros; j != nil && (j.Modalidade < 1 || j.Modalidade > 8 || j.ValorPerc <= 0) {
			return invalid(e, "O objeto cobv.valor.juros não respeita o schema.", "cobv.valor.juros")
		}
		if a := val.Abatimento; a != nil {
			if a.Modalidade < 1 || a.Modalidade > 2 || a.ValorPerc <= 0 {
				return invalid(e, "O objeto cobv.valor.abatimento não respeita o schema.", "cobv.valor.abatimento")
			}
			if a.Modalidade == pixapi.AbatimentoValorFixo && a.ValorPerc >= val.Original || a.Modalidade == pixapi.AbatimentoPercentual && a.ValorPerc >= 10000 {
				return invalid(e, "O objeto cobv.valor.abatimento representa um valor maior ou igual ao valor da cobrança original ou maior ou igual a 100%.", "cobv.valor.abatimento")
			}
		}
		if d := val.Desconto; d != nil {
			switch {
			case d.Modalidade < 1 || d.Modalidade > 6:
				return invalid(e, "O objeto cobv.valor.desconto não respeita o schema.", "cobv.valor.desconto.modalidade")
			case d.Modalidade <= 2 && d.ValorPerc != 0:
				return invalid(e, "O objeto cobv.valor.desconto apresenta modalidade no valor 1 ou 2, porém cobv.valor.desconto.valorPerc encontra-se preenchido", "cobv.valor.desconto.valorPerc")
			case d.Modalidade <= 2 && (len(d.DescontoDataFixa) == 0 || len(d.DescontoDataFixa) > 3):
				return invalid(e, "O objeto cobv.valor.desconto apresenta modalidade no valor 1 ou 2, porém o array cobv.valor.desconto.descontoDataFixa está vazio ou nulo.", "cobv.valor.desconto.descontoDataFixa")
			case d.Modalidade >= 3 && (d.ValorPerc <= 0 || len(d.DescontoDataFixa) > 0):
				return invalid(e, "O objeto cobv.valor.desconto apresenta modalidade nos valores de 3 a 6, porém o elemento cobv.valor.desconto.valorPerc não está preenchido.", "cobv.valor.desconto.valorPerc")
			}
			for _, f := range d.DescontoDataFixa {
				fd, err := pixapi.ParseDate(f.Data)
				if err != nil || f.ValorPerc <= 0 {
					return invalid(e, "O objeto cobv.valor.desconto não respeita o schema.", "cobv.valor.desconto.descontoDataFixa")
				}
				if !due.IsZero() && fd.After(due) {
					return invalid(e, "O objeto cobv.valor.desconto apresenta algum elemento cuja data seja posterior à data de vencimento representada por calendario.dataDeVencimento.", "cobv.valor.desconto.descontoDataFixa")
				}
				if d.Modalidade == pixapi.DescontoValorFixoAteData && f.ValorPerc >= val.Original || d.Modalidade == pixapi.DescontoPercentualAteData && f.ValorPerc >= 10000 {
					return invalid(e, "O objeto cobv.valor.desconto apresenta algum elemento de desconto que representa um valor maior ou igual ao valor da cobrança original ou maior ou igual a 100%.", "cobv.valor.desconto")
				}
			}
		}
	}
	if create || chave != "" {
		if _, err := pix.ValidateKey(chave); err != nil {
			return invalid(e, "O campo cobv.chave não respeita o schema.", "cobv.chave")
		}
		if !s.ownsKey(chave) {
			return invalid(e, "O campo cobv.chave corresponde a uma conta que não pertence a este usuário recebedor.", "cobv.chave")
		}
	}
	return nil
}

func (s *Server) putCobV(w http.ResponseWriter, r *http.Request) {
	const e = "CobVOperacaoInvalida"
	txid := r.PathValue("txid")
	if err := pixapi.CheckTxID(txid); err != nil {
		pixapi.WriteProblem(w, invalid(e, "O campo cobv.txid não respeita o schema.", "cobv.txid"))
		return
	}
	var req pixapi.CobVRequest
	if err := decodeBody(r, &req); err != nil {
		pixapi.WriteProblem(w, invalid(e, "O corpo não respeita o schema: "+err.Error(), "cobv"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now().UTC().Truncate(time.Second)
	c := s.cobs[txid]
	created := now
	if c != nil && c.kind == "cobv" {
		created = c.cobv.Calendario.Criacao
	}
	if p := s.checkCobV(&req.Calendario, req.Devedor, &req.Valor, req.Chave, true, created); p != nil {
		pixapi.WriteProblem(w, p)
		return
	}
	validity := 30
	if req.Calendario.ValidadeAposVencimento != nil {
		validity = *req.Calendario.ValidadeAposVencimento
	}
	cal := pixapi.CobVCalendario{Criacao: created, DataDeVencimento: req.Calendario.DataDeVencimento, ValidadeAposVencimento: &validity}
	status := http.StatusCreated
	if c != nil {
		if c.kind != "cobv" || c.cobv.Status != pixapi.StatusActive {
			pixapi.WriteProblem(w, invalid(e, "A cobrança já existe, não está ATIVA, e a presente requisição busca alterá-la", "cobv.status"))
			return
		}
		status = http.StatusOK
		v := c.cobv
		if req.Loc != nil && (v.Loc == nil || req.Loc.ID != v.Loc.ID) {
			loc, code, p := s.linkLoc("cobv", txid, req.Loc, e)
			if p != nil {
				pixapi.WriteProblem(w, p)
				return
			}
			s.unlinkCharge(c)
			v.Loc, v.PixCopiaECola = loc, code
		}
		v.Calendario, v.Devedor, v.Valor, v.Chave = cal, req.Devedor, req.Valor, req.Chave
		v.SolicitacaoPagador, v.InfoAdicionais = req.SolicitacaoPagador, req.InfoAdicionais
		v.Revisao++
	} else {
		loc, code, p := s.linkLoc("cobv", txid, req.Loc, e)
		if p != nil {
			pixapi.WriteProblem(w, p)
			return
		}
		c = &charge{kind: "cobv", cobv: &pixapi.CobV{
			TxID: txid, Calendario: cal, Loc: loc, Status: pixapi.StatusActive, Devedor: req.Devedor,
			Recebedor: &pixapi.Recebedor{Nome: s.opts.ReceiverName, CNPJ: s.opts.ReceiverCNPJ, Cidade: s.opts.ReceiverCity},
			Valor:     req.Valor, Chave: req.Chave, SolicitacaoPagador: req.SolicitacaoPagador, InfoAdicionais: req.InfoAdicionais, PixCopiaECola: code,
		}}
		s.cobs[txid] = c
	}
	c.revisions = append(c.revisions, snapshot(c.cobv))
	writeJSON(w, status, c.cobv)
}

func (s *Server) patchCobV(w http.ResponseWriter, r *http.Request) {
	const e = "CobVOperacaoInvalida"
	var p pixapi.CobVPatch
	if err := decodeBody(r, &p); err != nil {
		pixapi.WriteProblem(w, invalid(e, "O corpo não respeita o schema: "+err.Error(), "cobv"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cobs[r.PathValue("txid")]
	if c == nil || c.kind != "cobv" {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusNotFound, "CobVNaoEncontrada", "Cobrança com vencimento não encontrada para o txid informado."))
		return
	}
	v := c.cobv
	if v.Status != pixapi.StatusActive {
		pixapi.WriteProblem(w, invalid(e, "A cobrança não está ATIVA, e a presente requisição busca alterá-la", "cobv.status"))
		return
	}
	others := p.Calendario != nil || p.Devedor != nil || p.Loc != nil || p.Valor != nil || p.SolicitacaoPagador != nil || p.InfoAdicionais != nil
	switch {
	case p.Status != "" && p.Status != pixapi.StatusRemovedByUser:
		pixapi.WriteProblem(w, invalid(e, "o campo cob.status não respeita o schema.", "cobv.status"))
		return
	case p.Status != "" && others:
		pixapi.WriteProblem(w, invalid(e, "A cobrança está ATIVA, e a presente requisição propõe alterar seu status para REMOVIDA_PELO_USUARIO_RECEBEDOR juntamente com outras alterações.", "cobv.status"))
		return
	}
	if pr := s.checkCobV(p.Calendario, p.Devedor, p.Valor, "", false, v.Calendario.Criacao); pr != nil {
		pixapi.WriteProblem(w, pr)
		return
	}
	if p.Loc != nil && (v.Loc == nil || p.Loc.ID != v.Loc.ID) {
		loc, code, pr := s.linkLoc("cobv", v.TxID, p.Loc, e)
		if pr != nil {
			pixapi.WriteProblem(w, pr)
			return
		}
		s.unlinkCharge(c)
		v.Loc, v.PixCopiaECola = loc, code
	}
	if p.Status != "" {
		v.Status = p.Status
	}
	if p.Calendario != nil {
		v.Calendario.DataDeVencimento = p.Calendario.DataDeVencimento
		if p.Calendario.ValidadeAposVencimento != nil {
			v.Calendario.ValidadeAposVencimento = p.Calendario.ValidadeAposVencimento
		}
	}
	if p.Devedor != nil {
		v.Devedor = p.Devedor
	}
	if p.Valor != nil {
		v.Valor = *p.Valor
	}
	if p.SolicitacaoPagador != nil {
		v.SolicitacaoPagador = *p.SolicitacaoPagador
	}
	if p.InfoAdicionais != nil {
		v.InfoAdicionais = p.InfoAdicionais
	}
	v.Revisao++
	c.revisions = append(c.revisions, snapshot(v))
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) putWebhook(w http.ResponseWriter, r *http.Request) {
	const e = "WebhookOperacaoInvalida"
	chave := r.PathValue("chave")
	var req pixapi.Webhook
	if err := decodeBody(r, &req); err != nil || !strings.HasPrefix(req.WebhookURL, "https://") {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, e, "Webhook inválido.", pixapi.Violacao{Razao: "Campo webhook.webhookUrl não respeita o schema.", Propriedade: "webhookUrl"}))
		return
	}
	if _, err := pix.ValidateKey(chave); err != nil {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, e, "Webhook inválido.", pixapi.Violacao{Razao: "o parâmetro {chave} não corresponde a uma chave DICT válida.", Propriedade: "chave"}))
		return
	}
	if !s.ownsKey(chave) {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, e, "Webhook inválido.", pixapi.Violacao{Razao: "o parâmetro {chave} não corresponde a uma chave DICT pertencente a este usuário recebedor.", Propriedade: "chave"}))
		return
	}
	s.mu.Lock()
	s.webhooks[chave] = pixapi.Webhook{WebhookURL: req.WebhookURL, Chave: chave, Criacao: s.opts.Now().UTC().Truncate(time.Second)}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	wh, ok := s.webhooks[r.PathValue("chave")]
	s.mu.Unlock()
	if !ok {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusNotFound, "WebhookNaoEncontrado", "Webhook não encontrado."))
		return
	}
	writeJSON(w, http.StatusOK, wh)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	_, ok := s.webhooks[r.PathValue("chave")]
	delete(s.webhooks, r.PathValue("chave"))
	s.mu.Unlock()
	if !ok {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusNotFound, "WebhookNaoEncontrado", "Webhook não encontrado."))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getPix(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pix[r.PathValue("e2eid")]
	if !ok {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusNotFound, "PixNaoEncontrado", "Pix não encontrado para o e2eid informado."))
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// listPix serves GET /pix: Pix received in [inicio, fim], oldest first,
// paged.
func (s *Server) listPix(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bad := func(why string) {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, "PixConsultaInvalida", "Consulta inválida.", pixapi.Violacao{Razao: why}))
	}
	inicio, err1 := time.Parse(time.RFC3339, q.Get("inicio"))
	fim, err2 := time.Parse(time.RFC3339, q.Get("fim"))
	if err1 != nil || err2 != nil {
		bad("algum dos parâmetros informados para a consulta não respeita o schema.")
		return
	}
	if fim.Before(inicio) {
		bad("o timestamp representado pelo parâmetro fim é anterior ao timestamp representado pelo parâmetro inicio.")
		return
	}
	page, size := 0, 100
	if v := q.Get("paginacao.paginaAtual"); v != "" {
		if page, err1 = strconv.Atoi(v); err1 != nil || page < 0 {
			bad("o parâmetro paginacao.paginaAtual é negativo.")
			return
		}
	}
	if v := q.Get("paginacao.itensPorPagina"); v != "" {
		if size, err1 = strconv.Atoi(v); err1 != nil || size <= 0 || size > 1000 {
			bad("o parâmetro paginacao.itensPorPagina não respeita o schema.")
			return
		}
	}
	s.mu.Lock()
	var found []pixapi.Pix
	for _, p := range s.pix {
		if !p.Horario.Before(inicio) && !p.Horario.After(fim) {
			found = append(found, *p)
		}
	}
	s.mu.Unlock()
	sort.Slice(found, func(i, j int) bool {
		if !found[i].Horario.Equal(found[j].Horario) {
			return found[i].Horario.Before(found[j].Horario)
		}
		return found[i].EndToEndID < found[j].EndToEndID
	})
	var out pixapi.PixList
	out.Parametros.Inicio, out.Parametros.Fim = inicio, fim
	out.Parametros.Paginacao = pixapi.Paginacao{PaginaAtual: page, ItensPorPagina: size, QuantidadeDePaginas: (len(found) + size - 1) / size, QuantidadeTotalDeItens: len(found)}
	lo, hi := min(page*size, len(found)), min((page+1)*size, len(found))
	out.Pix = found[lo:hi]
	if out.Pix == nil {
		out.Pix = []pixapi.Pix{}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) putRefund(w http.ResponseWriter, r *http.Request) {
	d, hookURL, snapshot, prob := s.refund(r)
	if prob != nil {
		pixapi.WriteProblem(w, prob)
		return
	}
	// The PSP reports refunds by posting the Pix again with its
	// devolucoes, outside the lock.
	if hookURL != "" {
		if err := s.post(r.Context(), hookURL, []pixapi.Pix{snapshot}); err != nil {
			s.mu.Lock()
			s.pending = append(s.pending, snapshot)
			s.mu.Unlock()
		}
	}
	writeJSON(w, http.StatusCreated, d)
}

// refund applies PUT /pix/{e2eid}/devolucao/{id} and says where to post
// the news (empty when there is no webhook or the refund is a repeat).
func (s *Server) refund(r *http.Request) (d pixapi.Devolucao, hookURL string, snapshot pixapi.Pix, prob *pixapi.Problem) {
	const e = "PixDevolucaoInvalida"
	id := r.PathValue("id")
	var req pixapi.RefundRequest
	if err := decodeBody(r, &req); err != nil || req.Valor <= 0 {
		return d, "", snapshot, pixapi.NewProblem(http.StatusBadRequest, e, "Devolução inválida.", pixapi.Violacao{Razao: "O campo devolucao.valor não respeita o schema.", Propriedade: "valor"})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pix[r.PathValue("e2eid")]
	if !ok {
		return d, "", snapshot, pixapi.NewProblem(http.StatusNotFound, "PixNaoEncontrado", "Pix não encontrado para o e2eid informado.")
	}
	var refunded pixapi.Decimal
	for _, old := range p.Devolucoes {
		if old.ID == id {
			if old.Valor == req.Valor {
				return old, "", snapshot, nil // the same request again: no second refund
			}
			return d, "", snapshot, pixapi.NewProblem(http.StatusBadRequest, e, "Devolução inválida.", pixapi.Violacao{Razao: "A presente requisição de devolução apresenta um {id} já utilizado por outra requisição de devolução para o {e2eid} em questão.", Propriedade: "id"})
		}
		refunded += old.Valor
	}
	if refunded+req.Valor > p.Valor {
		return d, "", snapshot, pixapi.NewProblem(http.StatusBadRequest, e, "Devolução inválida.", pixapi.Violacao{Razao: "A presente requisição de devolução, em conjunto com as demais prévias devoluções, excederia o valor do pix originário.", Propriedade: "valor"})
	}
	now := s.opts.Now().UTC().Truncate(time.Second)
	if now.Sub(p.Horario) > 90*24*time.Hour {
		return d, "", snapshot, pixapi.NewProblem(http.StatusBadRequest, e, "Devolução inválida.", pixapi.Violacao{Razao: "A presente requisição de devolução viola a janela de tempo permitida para solicitações de devoluções de um pix.", Propriedade: "e2eid"})
	}
	nat := req.Natureza
	if nat == "" {
		nat = pixapi.RefundNatureOriginal
	}
	d = pixapi.Devolucao{
		ID: id, RtrID: "D" + s.opts.ISPB + now.Format("200601021504") + randomID(11), Valor: req.Valor, Natureza: nat, Descricao: req.Descricao,
		Horario: pixapi.HorarioRefund{Solicitacao: now, Liquidacao: now}, Status: pixapi.RefundDone,
	}
	p.Devolucoes = append(p.Devolucoes, d)
	snapshot = *p
	snapshot.Devolucoes = append([]pixapi.Devolucao(nil), p.Devolucoes...)
	if wh, ok := s.webhooks[p.Chave]; ok && p.TxID != "" {
		hookURL = wh.WebhookURL
	}
	return d, hookURL, snapshot, nil
}

func (s *Server) getRefund(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pix[r.PathValue("e2eid")]; ok {
		for _, d := range p.Devolucoes {
			if d.ID == r.PathValue("id") {
				writeJSON(w, http.StatusOK, d)
				return
			}
		}
	}
	pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusNotFound, "PixDevolucaoNaoEncontrada", "Devolução não encontrada."))
}

// Payment is what a simulated payer does: pay a charge by txid, or pay a
// BR Code as read from a QR code or pasted.
type Payment struct {
	TxID   string
	BRCode string
	// Amount is what the payer types for a static code without amount;
	// zero otherwise (charges fix their amount).
	Amount money.Money
	// PayerInfo is the free text the payer sends (infoPagador).
	PayerInfo string
	// Date of payment for cobv amounts; the clock's date when zero.
	Date time.Time
}

// ErrWebhookDelivery wraps failures to post the webhook; the payment is
// made and stays pending for Redeliver.
var ErrWebhookDelivery = errors.New("pixpsp: webhook delivery failed")

// Pay settles a payment and posts the webhook of the receiving key.
func (s *Server) Pay(ctx context.Context, p Payment) (pixapi.Pix, error) {
	received, err := s.settle(p)
	if err != nil {
		return pixapi.Pix{}, err
	}
	s.mu.Lock()
	wh, ok := s.webhooks[received.Chave]
	s.mu.Unlock()
	// The API Pix notifies only Pix tied to a txid.
	if !ok || received.TxID == "" {
		return received, nil
	}
	if err := s.post(ctx, wh.WebhookURL, []pixapi.Pix{received}); err != nil {
		s.mu.Lock()
		s.pending = append(s.pending, received)
		s.mu.Unlock()
		return received, fmt.Errorf("%w: %v", ErrWebhookDelivery, err)
	}
	return received, nil
}

func (s *Server) settle(p Payment) (pixapi.Pix, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	txid, chave := p.TxID, ""
	var amount pixapi.Decimal
	if p.BRCode != "" {
		code, err := pix.Decode(p.BRCode)
		if err != nil {
			return pixapi.Pix{}, fmt.Errorf("pixpsp: paying a BR Code: %w", err)
		}
		switch code.Kind {
		case pix.Dynamic:
			id, ok := s.byLocation[code.URL]
			if !ok {
				return pixapi.Pix{}, fmt.Errorf("pixpsp: location %s is not this PSP's", code.URL)
			}
			if txid = s.locs[id].TxID; txid == "" {
				return pixapi.Pix{}, fmt.Errorf("pixpsp: location %s has no charge", code.URL)
			}
		case pix.Static:
			if !s.ownsKey(code.Key) {
				return pixapi.Pix{}, fmt.Errorf("pixpsp: key %s is not held at this PSP", code.Key)
			}
			chave, txid = code.Key, code.TxID
			amount = pixapi.Decimal(code.Amount)
			if amount == 0 {
				amount = pixapi.Decimal(p.Amount)
			}
			if amount <= 0 {
				return pixapi.Pix{}, fmt.Errorf("pixpsp: the static code has no amount; the payer must type one")
			}
		default:
			return pixapi.Pix{}, fmt.Errorf("pixpsp: a %s code is not a payment", code.Kind)
		}
	}
	var c *charge
	if chave == "" {
		c = s.cobs[txid]
		if c == nil {
			return pixapi.Pix{}, fmt.Errorf("pixpsp: no charge with txid %q", txid)
		}
		switch c.kind {
		case "cob":
			if c.cob.Status != pixapi.StatusActive {
				return pixapi.Pix{}, fmt.Errorf("pixpsp: charge %s is %s", txid, c.cob.Status)
			}
			if now.After(c.cob.Calendario.Criacao.Add(time.Duration(c.cob.Calendario.Expiracao) * time.Second)) {
				return pixapi.Pix{}, fmt.Errorf("pixpsp: charge %s expired", txid)
			}
			chave, amount = c.cob.Chave, c.cob.Valor.Original
			if c.cob.Valor.ModalidadeAlteracao == 1 && p.Amount > 0 {
				amount = pixapi.Decimal(p.Amount)
			}
		case "cobv":
			if c.cobv.Status != pixapi.StatusActive {
				return pixapi.Pix{}, fmt.Errorf("pixpsp: charge %s is %s", txid, c.cobv.Status)
			}
			day := p.Date
			if day.IsZero() {
				day = now
			}
			due, err := c.cobv.Valor.AmountDue(c.cobv.Calendario, day, s.opts.BusinessDay)
			if err != nil {
				return pixapi.Pix{}, fmt.Errorf("pixpsp: charge %s: %w", txid, err)
			}
			chave, amount = c.cobv.Chave, due.Final
		}
	}
	ts := now.UTC()
	received := pixapi.Pix{
		EndToEndID: "E" + s.opts.PayerISPB + ts.Format("200601021504") + randomID(11),
		TxID:       txid, Valor: amount, Chave: chave, Horario: ts.Truncate(time.Millisecond), InfoPagador: p.PayerInfo,
	}
	s.pix[received.EndToEndID] = &received
	if c != nil {
		if c.kind == "cob" {
			c.cob.Status = pixapi.StatusCompleted
			c.cob.Pix = append(c.cob.Pix, received)
			c.revisions = append(c.revisions, snapshot(c.cob))
		} else {
			c.cobv.Status = pixapi.StatusCompleted
			c.cobv.Pix = append(c.cobv.Pix, received)
			c.revisions = append(c.revisions, snapshot(c.cobv))
		}
	}
	return received, nil
}

// post sends one webhook call: POST {webhookUrl}/pix over mutual TLS.
func (s *Server) post(ctx context.Context, webhookURL string, batch []pixapi.Pix) error {
	body, err := json.Marshal(pixapi.WebhookPayload{Pix: batch})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(webhookURL, "/")+"/pix", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.hook.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// SandboxPayRequest is the body of POST /sandbox/pay, the local PSP's own
// endpoint (not part of the API Pix) that lets a demo or a script play the
// payer over HTTP. Any client certificate the PSP trusts may call it.
type SandboxPayRequest struct {
	TxID        string `json:"txid,omitempty"`
	BRCode      string `json:"brcode,omitempty"`
	Valor       string `json:"valor,omitempty"`       // for static codes without amount
	InfoPagador string `json:"infoPagador,omitempty"` // free text from the payer
	Data        string `json:"data,omitempty"`        // payment date for cobv (yyyy-mm-dd)
}

func (s *Server) sandboxPay(w http.ResponseWriter, r *http.Request) {
	var req SandboxPayRequest
	if err := decodeBody(r, &req); err != nil || (req.TxID == "") == (req.BRCode == "") {
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, "RequisicaoInvalida", "want JSON with txid or brcode"))
		return
	}
	p := Payment{TxID: req.TxID, BRCode: req.BRCode, PayerInfo: req.InfoPagador}
	if req.Valor != "" {
		v, err := pixapi.ParseDecimal(req.Valor)
		if err != nil {
			pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, "RequisicaoInvalida", "valor: "+err.Error()))
			return
		}
		p.Amount = v.Money()
	}
	if req.Data != "" {
		d, err := pixapi.ParseDate(req.Data)
		if err != nil {
			pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusBadRequest, "RequisicaoInvalida", "data: "+err.Error()))
			return
		}
		p.Date = d
	}
	paid, err := s.Pay(r.Context(), p)
	switch {
	case errors.Is(err, ErrWebhookDelivery):
		writeJSON(w, http.StatusAccepted, map[string]any{"pix": paid, "webhookError": err.Error()})
	case err != nil:
		pixapi.WriteProblem(w, pixapi.NewProblem(http.StatusUnprocessableEntity, "PagamentoRecusado", err.Error()))
	default:
		writeJSON(w, http.StatusOK, map[string]any{"pix": paid})
	}
}

// FailNext makes the next n API calls answer 503 ServicoIndisponivel, as
// a PSP in maintenance does.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// RevokeTokens forgets every access token, as a PSP may do at any time.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	s.tokens = map[string]token{}
	s.mu.Unlock()
}

// Redeliver posts the pending webhooks again, grouped by webhook URL as
// one batch each, and returns how many are still pending.
func (s *Server) Redeliver(ctx context.Context) (int, error) {
	s.mu.Lock()
	pending := s.pending
	s.pending = nil
	groups := map[string][]pixapi.Pix{}
	var order []string
	for _, p := range pending {
		if wh, ok := s.webhooks[p.Chave]; ok {
			if _, seen := groups[wh.WebhookURL]; !seen {
				order = append(order, wh.WebhookURL)
			}
			groups[wh.WebhookURL] = append(groups[wh.WebhookURL], p)
		}
	}
	s.mu.Unlock()
	var firstErr error
	for _, u := range order {
		if err := s.post(ctx, u, groups[u]); err != nil {
			s.mu.Lock()
			s.pending = append(s.pending, groups[u]...)
			s.mu.Unlock()
			if firstErr == nil {
				firstErr = fmt.Errorf("%w: %v", ErrWebhookDelivery, err)
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending), firstErr
}
