package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/pixpsp"
	"github.com/regua/regua/internal/store/storetest"
)

// TestPixWebhookListener: the listener `regua serve` runs for the PIX
// webhook takes a post from a client holding a certificate of the PSP's CA
// and refuses a client without one.
func TestPixWebhookListener(t *testing.T) {
	db := storetest.SQLite(t)
	f := storetest.NewFixture(t, db, "webhook")
	pspPKI, _ := pixpsp.NewPKI("psp")
	ourPKI, _ := pixpsp.NewPKI("regua")
	dir := t.TempDir()
	srvCert, err := ourPKI.Server("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, _ := pixpsp.CertPEM(srvCert)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	if _, err := webhookTLS(write("c.pem", certPEM), write("k.pem", keyPEM), ""); err == nil {
		t.Error("a listener without the PSP's CA was configured")
	}
	cfg, err := webhookTLS(write("c.pem", certPEM), write("k.pem", keyPEM), write("ca.pem", pspPKI.CAPEM()))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- servePixWebhook(ctx, ln, cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	defer func() {
		cancel()
		<-done
	}()
	url := fmt.Sprintf("https://%s/pix/webhook/%d/pix", ln.Addr(), f.Tenant)
	body := `{"pix":[{"endToEndId":"E12345678202611241300abcdefghijk","txid":"NOSUCHTXID","valor":"10.00","horario":"2026-11-24T13:00:00Z"}]}`
	post := func(certs []tls.Certificate) (*http.Response, error) {
		c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ourPKI.Pool, Certificates: certs}}}
		return c.Post(url, "application/json", strings.NewReader(body))
	}
	if resp, err := post(nil); err == nil {
		resp.Body.Close()
		t.Errorf("a client without certificate got %d", resp.StatusCode)
	}
	pspClient, _ := pspPKI.Client("psp-webhooks")
	resp, err := post([]tls.Certificate{pspClient})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PSP's post: %d", resp.StatusCode)
	}
	if q, _ := db.QueueItems(context.Background(), f.Tenant, "open", 5); len(q) != 1 || q[0].Amount != 1000 {
		t.Errorf("queue after the post: %+v", q)
	}
}
