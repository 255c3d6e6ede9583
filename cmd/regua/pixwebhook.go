package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/reconcile"
	"github.com/regua/regua/internal/store/sqldb"
)

// The PIX webhook needs mutual TLS (the PSP presents its client
// certificate), which the web server's plain listener behind a proxy cannot
// check; so `regua serve` runs a listener of its own for it when
// REGUA_PIX_WEBHOOK_ADDR is set:
//
//	REGUA_PIX_WEBHOOK_ADDR       address to listen on, e.g. :8443
//	REGUA_PIX_WEBHOOK_CERT/KEY   server certificate and key (PEM files)
//	REGUA_PIX_WEBHOOK_CLIENT_CA  CA certificates of the PSP's client certificate (PEM)
func init() {
	registerWorker("pix-webhook", func(ctx context.Context, log *slog.Logger, s *sqldb.DB) error {
		addr := os.Getenv("REGUA_PIX_WEBHOOK_ADDR")
		if addr == "" {
			log.Debug("pix webhook listener off (REGUA_PIX_WEBHOOK_ADDR not set)")
			return nil
		}
		cfg, err := webhookTLS(os.Getenv("REGUA_PIX_WEBHOOK_CERT"), os.Getenv("REGUA_PIX_WEBHOOK_KEY"), os.Getenv("REGUA_PIX_WEBHOOK_CLIENT_CA"))
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("pix webhook: listen on %s: %w", addr, err)
		}
		log.Info("pix webhook listening (mutual TLS)", "addr", ln.Addr().String(), "path", reconcile.WebhookPath)
		return servePixWebhook(ctx, ln, cfg, s, log)
	})
}

// servePixWebhook serves the webhook over mutual TLS on ln until ctx ends.
func servePixWebhook(ctx context.Context, ln net.Listener, cfg *tls.Config, s *sqldb.DB, log *slog.Logger) error {
	r := &reconcile.Reconciler{Store: s}
	exists := func(ctx context.Context, id domain.TenantID) bool {
		_, err := s.Tenant(ctx, id)
		return err == nil
	}
	srv := &http.Server{Handler: r.WebhookHandler(exists, true, log), TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		return ctx.Err()
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("pix webhook: %w", err)
	}
}

func webhookTLS(certFile, keyFile, caFile string) (*tls.Config, error) {
	if certFile == "" || keyFile == "" || caFile == "" {
		return nil, fmt.Errorf("pix webhook: REGUA_PIX_WEBHOOK_CERT, REGUA_PIX_WEBHOOK_KEY and REGUA_PIX_WEBHOOK_CLIENT_CA are required with REGUA_PIX_WEBHOOK_ADDR")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("pix webhook certificate: %w", err)
	}
	pool, err := loadPool(caFile)
	if err != nil {
		return nil, fmt.Errorf("REGUA_PIX_WEBHOOK_CLIENT_CA: %w", err)
	}
	return pixapi.ServerTLSConfig(cert, pool), nil
}

func loadPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate", file)
	}
	return pool, nil
}

// pixClientFromEnv builds the API Pix client of the creditor's PSP from
// REGUA_PIX_API_URL, REGUA_PIX_TOKEN_URL, REGUA_PIX_CLIENT_ID,
// REGUA_PIX_CLIENT_SECRET, REGUA_PIX_CERT and REGUA_PIX_KEY (our client
// certificate) and REGUA_PIX_CA (the PSP's server CA; system roots when
// empty). Without REGUA_PIX_API_URL it returns nil: charges are static
// BR Codes and refunds are recorded only.
func pixClientFromEnv(env *cliEnv) (*pixapi.Client, error) {
	base := env.getenv("REGUA_PIX_API_URL")
	if base == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(env.getenv("REGUA_PIX_CERT"), env.getenv("REGUA_PIX_KEY"))
	if err != nil {
		return nil, fmt.Errorf("REGUA_PIX_CERT/REGUA_PIX_KEY: %w", err)
	}
	var roots *x509.CertPool
	if ca := env.getenv("REGUA_PIX_CA"); ca != "" {
		if roots, err = loadPool(ca); err != nil {
			return nil, fmt.Errorf("REGUA_PIX_CA: %w", err)
		}
	}
	return pixapi.New(pixapi.Config{BaseURL: base, TokenURL: env.getenv("REGUA_PIX_TOKEN_URL"), ClientID: env.getenv("REGUA_PIX_CLIENT_ID"),
		ClientSecret: env.getenv("REGUA_PIX_CLIENT_SECRET"), TLS: pixapi.ClientTLSConfig(cert, roots)})
}
