package pixapi

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/money"
)

// A dynamic BR Code carries no key and no amount, only the location of
// the charge (field 26, sub-field 25, without "https://"). The payer's
// bank fetches https://<location> and receives the charge as a JWS in
// compact serialization, signed by the receiver's PSP (Manual de Padrões
// para Iniciação do Pix, "Recuperação do payload"; API Pix, "payload
// location"). The JWS header says how to check it:
//
//	alg  PS256 (RSASSA-PSS with SHA-256)
//	kid  the signing key's id in the PSP's JWK Set
//	x5t  base64url SHA-1 thumbprint of the signing certificate
//	x5c  the certificate chain, leaf first (standard base64 DER)
//	jku  https URL of the PSP's JWK Set, on the location's own host
//
// The certificate must be valid for the location's host: whoever controls
// the domain in the QR code signs the charge. A cobv location takes the
// payer's city (cidadeCodigo, IBGE code, for local holidays) and intended
// payment date (DPP, yyyy-mm-dd) as query parameters, and the PSP answers
// with the amount due on that date in valor.final.

// PayloadAlg is the only signature algorithm accepted for payloads.
const PayloadAlg = "PS256"

// JWSHeader is the protected header of a payload JWS.
type JWSHeader struct {
	Alg string   `json:"alg"`
	Kid string   `json:"kid,omitempty"`
	X5t string   `json:"x5t,omitempty"`
	X5c []string `json:"x5c,omitempty"`
	Jku string   `json:"jku,omitempty"`
}

// JWK is one key of a JWK Set (RFC 7517), as served at jku.
type JWK struct {
	Kty string   `json:"kty"`
	Use string   `json:"use,omitempty"`
	Alg string   `json:"alg,omitempty"`
	Kid string   `json:"kid"`
	N   string   `json:"n"`
	E   string   `json:"e"`
	X5t string   `json:"x5t,omitempty"`
	X5c []string `json:"x5c"`
}

// JWKSet is what jku serves.
type JWKSet struct {
	Keys []JWK `json:"keys"`
}

// PayloadCalendario: cob payloads carry expiracao, cobv payloads the due
// date and validity; both say when the payload was presented.
type PayloadCalendario struct {
	Criacao                time.Time `json:"criacao"`
	Apresentacao           time.Time `json:"apresentacao"`
	Expiracao              int       `json:"expiracao,omitempty"`
	DataDeVencimento       string    `json:"dataDeVencimento,omitempty"`
	ValidadeAposVencimento *int      `json:"validadeAposVencimento,omitempty"`
}

// PayloadValor: original, and for a cobv the components and the final
// amount on the intended payment date.
type PayloadValor struct {
	Original            Decimal     `json:"original"`
	ModalidadeAlteracao int         `json:"modalidadeAlteracao,omitempty"`
	Multa               *Componente `json:"multa,omitempty"`
	Juros               *Componente `json:"juros,omitempty"`
	Abatimento          *Componente `json:"abatimento,omitempty"`
	Desconto            *Desconto   `json:"desconto,omitempty"`
	Final               Decimal     `json:"final,omitzero"`
}

// Payload is the charge a location serves (the JWS payload).
type Payload struct {
	Revisao            int               `json:"revisao"`
	Calendario         PayloadCalendario `json:"calendario"`
	Devedor            *Devedor          `json:"devedor,omitempty"`
	Recebedor          *Recebedor        `json:"recebedor,omitempty"`
	Valor              PayloadValor      `json:"valor"`
	Chave              string            `json:"chave"`
	TxID               string            `json:"txid"`
	SolicitacaoPagador string            `json:"solicitacaoPagador,omitempty"`
	InfoAdicionais     []InfoAdicional   `json:"infoAdicionais,omitempty"`
	Status             string            `json:"status"`
}

// Amount is what the payer pays: valor.final of a cobv, otherwise
// valor.original.
func (p *Payload) Amount() money.Money {
	if p.Valor.Final > 0 {
		return p.Valor.Final.Money()
	}
	return p.Valor.Original.Money()
}

// IsCobV tells a location of a charge with due date (".../cobv/...").
func IsCobV(location string) bool {
	u, err := url.Parse(locationURL(location))
	return err == nil && strings.Contains(u.Path, "/cobv/")
}

func locationURL(location string) string {
	if strings.HasPrefix(location, "https://") {
		return location
	}
	return "https://" + location
}

// SignPayload makes the compact JWS of payload, signed PS256 with key, the
// private key of chain[0]; jku is put in the header when not empty, and
// the chain as x5c when withX5C.
func SignPayload(payload any, key *rsa.PrivateKey, chain []*x509.Certificate, jku string, withX5C bool) ([]byte, error) {
	if len(chain) == 0 {
		return nil, errors.New("pixapi: signing a payload needs the certificate chain")
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	h := JWSHeader{Alg: PayloadAlg, Kid: KeyID(chain[0]), X5t: thumbprint(chain[0]), Jku: jku}
	for _, c := range chain {
		if withX5C {
			h.X5c = append(h.X5c, base64.StdEncoding.EncodeToString(c.Raw))
		}
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	signing := b64(hb) + "." + b64(body)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, sum[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	if err != nil {
		return nil, err
	}
	return []byte(signing + "." + b64(sig)), nil
}

// KeyID is the kid of a signing certificate: the hex SHA-256 of its DER.
func KeyID(c *x509.Certificate) string {
	s := sha256.Sum256(c.Raw)
	return fmt.Sprintf("%x", s[:])
}

func thumbprint(c *x509.Certificate) string {
	s := sha1.Sum(c.Raw)
	return b64(s[:])
}

// JWKFor is the JWK of a signing certificate chain, for the PSP's JWK Set.
func JWKFor(chain []*x509.Certificate) (JWK, error) {
	pub, ok := chain[0].PublicKey.(*rsa.PublicKey)
	if !ok {
		return JWK{}, errors.New("pixapi: payload signing certificates must hold an RSA key (PS256)")
	}
	k := JWK{Kty: "RSA", Use: "sig", Alg: PayloadAlg, Kid: KeyID(chain[0]), N: b64(pub.N.Bytes()), E: b64(big.NewInt(int64(pub.E)).Bytes()), X5t: thumbprint(chain[0])}
	for _, c := range chain {
		k.X5c = append(k.X5c, base64.StdEncoding.EncodeToString(c.Raw))
	}
	return k, nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// PayloadError says why a location's payload was not accepted.
type PayloadError struct {
	Location string
	Reason   string
}

func (e *PayloadError) Error() string {
	return "pix payload " + e.Location + ": " + e.Reason
}

// PayloadVerifier fetches and checks what a location serves, as the
// payer's bank does before showing the charge.
type PayloadVerifier struct {
	// Roots verify the signing certificate and the location's TLS
	// certificate; nil means the system's roots.
	Roots *x509.CertPool
	// Client fetches payloads and JWK Sets; nil makes one that trusts
	// Roots, with a 10 s timeout.
	Client *http.Client
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// PayloadQuery is what a cobv location is asked with.
type PayloadQuery struct {
	CityCode    string    // IBGE code of the payer's city (cidadeCodigo), optional
	PaymentDate time.Time // intended payment date (DPP); today when zero
}

// Verified is a payload that passed every check, with the certificate
// that signed it.
type Verified struct {
	Payload
	Header JWSHeader
	Signer *x509.Certificate
}

func (v *PayloadVerifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *PayloadVerifier) client() *http.Client {
	if v.Client != nil {
		return v.Client
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: v.Roots, MinVersion: tls.VersionTLS12}}}
}

// Fetch gets the payload of location (with or without "https://"), checks
// its signature and certificate, and returns it. q is used for cobv
// locations.
func (v *PayloadVerifier) Fetch(ctx context.Context, location string, q PayloadQuery) (*Verified, error) {
	u, err := url.Parse(locationURL(location))
	if err != nil || u.Host == "" {
		return nil, &PayloadError{location, "not a URL"}
	}
	if IsCobV(location) {
		day := q.PaymentDate
		if day.IsZero() {
			day = v.now()
		}
		qs := u.Query()
		qs.Set("DPP", day.Format("2006-01-02"))
		if q.CityCode != "" {
			qs.Set("cidadeCodigo", q.CityCode)
		}
		u.RawQuery = qs.Encode()
	}
	body, err := v.get(ctx, u.String(), "application/jose")
	if err != nil {
		return nil, &PayloadError{location, err.Error()}
	}
	out, err := v.Verify(ctx, location, body)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (v *PayloadVerifier) get(ctx context.Context, u, accept string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	resp, err := v.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s answered %s: %.200s", u, resp.Status, b)
	}
	return b, nil
}

// Verify checks a JWS served at location: PS256 signature by the leaf of
// its x5c chain (or of the chain jku names, on the location's host), the
// chain up to Roots at the current time, the leaf valid for the location's
// host, x5t matching it, and a payload with a txid.
func (v *PayloadVerifier) Verify(ctx context.Context, location string, jws []byte) (*Verified, error) {
	fail := func(format string, a ...any) (*Verified, error) {
		return nil, &PayloadError{location, fmt.Sprintf(format, a...)}
	}
	u, err := url.Parse(locationURL(location))
	if err != nil || u.Host == "" {
		return fail("not a URL")
	}
	parts := strings.Split(strings.TrimSpace(string(jws)), ".")
	if len(parts) != 3 {
		return fail("not a JWS in compact serialization (%d parts)", len(parts))
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	pb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return fail("bad base64url: %v", err)
	}
	var out Verified
	if err := json.Unmarshal(hb, &out.Header); err != nil {
		return fail("header: %v", err)
	}
	h := out.Header
	if h.Alg != PayloadAlg {
		return fail("header alg %q, want %s", h.Alg, PayloadAlg)
	}
	host := u.Hostname()
	if h.Jku != "" {
		ju, err := url.Parse(h.Jku)
		if err != nil || ju.Scheme != "https" || ju.Hostname() != host {
			return fail("header jku %q is not an https URL on %s", h.Jku, host)
		}
	}
	x5c := h.X5c
	if len(x5c) == 0 {
		if h.Jku == "" {
			return fail("header has neither x5c nor jku: no way to find the signing certificate")
		}
		b, err := v.get(ctx, h.Jku, "application/json")
		if err != nil {
			return fail("jku: %v", err)
		}
		var set JWKSet
		if err := json.Unmarshal(b, &set); err != nil {
			return fail("jku: %v", err)
		}
		for _, k := range set.Keys {
			if k.Kid == h.Kid {
				x5c = k.X5c
			}
		}
		if len(x5c) == 0 {
			return fail("jku has no key %q with a certificate chain", h.Kid)
		}
	}
	var chain []*x509.Certificate
	for i, s := range x5c {
		der, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fail("x5c[%d]: %v", i, err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return fail("x5c[%d]: %v", i, err)
		}
		chain = append(chain, c)
	}
	leaf := chain[0]
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: v.Roots, Intermediates: inter, CurrentTime: v.now(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return fail("signing certificate: %v", err)
	}
	if err := leaf.VerifyHostname(host); err != nil {
		return fail("signing certificate is not %s's: %v", host, err)
	}
	if h.X5t != "" && h.X5t != thumbprint(leaf) {
		return fail("header x5t does not match the certificate")
	}
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fail("signing certificate holds no RSA key")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPSS(pub, crypto.SHA256, sum[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}); err != nil {
		return fail("signature does not verify: %v", err)
	}
	if err := json.Unmarshal(pb, &out.Payload); err != nil {
		return fail("payload: %v", err)
	}
	if out.TxID == "" {
		return fail("payload has no txid")
	}
	out.Signer = leaf
	return &out, nil
}

// Expect is what the receiver knows of the charge behind a location.
type Expect struct {
	TxID   string
	Amount money.Money // zero: not checked
	// Payable also requires status ATIVA and, for a cob, a payload
	// presented before its expiry.
	Payable bool
}

// Check compares a verified payload with what was issued.
func (p *Verified) Check(want Expect) error {
	if want.TxID != "" && p.TxID != want.TxID {
		return fmt.Errorf("pix payload: txid %q, issued %q", p.TxID, want.TxID)
	}
	if want.Amount != 0 && p.Amount() != want.Amount {
		return fmt.Errorf("pix payload %s: amount %s, issued %s", p.TxID, p.Amount(), want.Amount)
	}
	if want.Payable {
		if p.Status != StatusActive {
			return fmt.Errorf("pix payload %s: status %s", p.TxID, p.Status)
		}
		c := p.Calendario
		if c.Expiracao > 0 && c.Apresentacao.After(c.Criacao.Add(time.Duration(c.Expiracao)*time.Second)) {
			return fmt.Errorf("pix payload %s: expired at %s", p.TxID, c.Criacao.Add(time.Duration(c.Expiracao)*time.Second).Format(time.RFC3339))
		}
	}
	return nil
}

// CheckCityCode accepts an IBGE municipality code (7 digits).
func CheckCityCode(s string) error {
	if len(s) != 7 {
		return fmt.Errorf("cidadeCodigo %q: want the 7-digit IBGE code", s)
	}
	if _, err := strconv.Atoi(s); err != nil {
		return fmt.Errorf("cidadeCodigo %q: want the 7-digit IBGE code", s)
	}
	return nil
}
