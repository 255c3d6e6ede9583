package pixapi

import (
	"crypto/tls"
	"crypto/x509"
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
