package pixapi

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// ServerTLSConfig is the TLS setup for serving the webhook: our server
// certificate, and the PSP's client certificate required and verified
// against clientCAs. The API Pix asks for TLS 1.2 or later with forward
// secrecy, which Go's defaults give.
func ServerTLSConfig(cert tls.Certificate, clientCAs *x509.CertPool) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clientCAs,
		MinVersion:   tls.VersionTLS12,
	}
}

// ClientTLSConfig is the TLS setup for calling a PSP: our client
// certificate, and the CAs that sign the PSP's server certificate (nil for
// the system's).
func ClientTLSConfig(cert tls.Certificate, rootCAs *x509.CertPool) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		RootCAs:      rootCAs,
		MinVersion:   tls.VersionTLS12,
	}
}

// LoadClientTLS reads our client certificate and key (PEM files) and,
// when caFile is not empty, the CAs of the PSP's server certificate, into
// a TLS configuration for Config.TLS.
func LoadClientTLS(certFile, keyFile, caFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("pixapi: client certificate: %w", err)
	}
	var pool *x509.CertPool
	if caFile != "" {
		if pool, err = loadPool(caFile); err != nil {
			return nil, err
		}
	}
	return ClientTLSConfig(cert, pool), nil
}

// LoadServerTLS reads the webhook server's certificate and key and the CAs
// whose client certificates (the PSP's) it accepts.
func LoadServerTLS(certFile, keyFile, clientCAFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("pixapi: webhook server certificate: %w", err)
	}
	pool, err := loadPool(clientCAFile)
	if err != nil {
		return nil, err
	}
	return ServerTLSConfig(cert, pool), nil
}

func loadPool(file string) (*x509.CertPool, error) {
	pemData, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("pixapi: CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		return nil, fmt.Errorf("pixapi: %s holds no PEM certificate", file)
	}
	return pool, nil
}

// NewTxID returns a fresh txid for a cob or cobv: 32 random letters and
// digits (the API accepts 26 to 35), unguessable so that a charge's txid
// reveals nothing about the portfolio.
func NewTxID() string {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("pixapi: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		// 256 % 62 skews a little towards the first 8 characters; a txid
		// needs uniqueness, not uniformity.
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}
