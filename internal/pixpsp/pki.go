package pixpsp

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// PKI is a throwaway certificate authority for mutual TLS between the API
// client, the local PSP and the webhook receiver: tests and the demo make
// one at start and issue server and client certificates from it. Nothing
// is written to disk unless asked (PEM).
type PKI struct {
	Name string
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	// Pool holds the CA certificate, for RootCAs or ClientCAs.
	Pool *x509.CertPool
}

// NewPKI creates a CA named name, valid for a day.
func NewPKI(name string) (*PKI, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name + " CA", Organization: []string{"Régua test PKI"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("pki %s: CA: %w", name, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &PKI{Name: name, cert: cert, key: key, Pool: pool}, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}

// Server issues a server certificate for hosts (DNS names or IPs).
func (p *PKI) Server(hosts ...string) (tls.Certificate, error) {
	return p.issue(hosts[0], x509.ExtKeyUsageServerAuth, hosts)
}

// Client issues a client certificate with common name cn.
func (p *PKI) Client(cn string) (tls.Certificate, error) {
	return p.issue(cn, x509.ExtKeyUsageClientAuth, nil)
}

// PayloadSigner issues the certificate of a payload host: an RSA key
// (payloads are signed PS256), valid for hosts as a TLS server and for
// signatures. The chain is the leaf and this CA.
func (p *PKI) PayloadSigner(hosts ...string) (tls.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return tls.Certificate{}, err
	}
	c, err := p.issueKey(hosts[0], x509.ExtKeyUsageServerAuth, hosts, key)
	if err != nil {
		return c, err
	}
	c.Certificate = append(c.Certificate, p.cert.Raw)
	return c, nil
}

func (p *PKI) issue(cn string, usage x509.ExtKeyUsage, hosts []string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	return p.issueKey(cn, usage, hosts, key)
}

func (p *PKI) issueKey(cn string, usage x509.ExtKeyUsage, hosts []string, key crypto.Signer) (tls.Certificate, error) {
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{p.Name}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.cert, key.Public(), p.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pki %s: issuing %s: %w", p.Name, cn, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// CAPEM is the CA certificate in PEM, to hand to the other side.
func (p *PKI) CAPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.cert.Raw})
}

// CertPEM returns a certificate and its key in PEM.
func CertPEM(c tls.Certificate) (certPEM, keyPEM []byte, err error) {
	k, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return nil, nil, err
	}
	for _, der := range c.Certificate {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	return certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k}), nil
}
