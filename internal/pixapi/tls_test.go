package pixapi_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/pixpsp"
)

func TestLoadTLSFromPEMFiles(t *testing.T) {
	dir := t.TempDir()
	ca, err := pixpsp.NewPKI("files")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Client("regua")
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := pixpsp.CertPEM(cert)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, k, caf := write("c.pem", certPEM), write("k.pem", keyPEM), write("ca.pem", ca.CAPEM())
	cfg, err := pixapi.LoadClientTLS(c, k, caf)
	if err != nil || len(cfg.Certificates) != 1 || cfg.RootCAs == nil {
		t.Fatalf("client: %+v %v", cfg, err)
	}
	if cfg, err = pixapi.LoadServerTLS(c, k, caf); err != nil || cfg.ClientCAs == nil {
		t.Fatalf("server: %v", err)
	}
	if _, err := pixapi.LoadServerTLS(c, k, c+".missing"); err == nil {
		t.Error("missing CA file accepted")
	}
	if _, err := pixapi.LoadClientTLS(c, caf, ""); err == nil {
		t.Error("a CA certificate accepted as a private key")
	}
	if _, err := pixapi.LoadServerTLS(c, k, k); err == nil {
		t.Error("a key file accepted as a CA file")
	}
}

func TestNewTxID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := pixapi.NewTxID()
		if err := pixapi.CheckTxID(id); err != nil || seen[id] {
			t.Fatalf("NewTxID() = %q: %v (repeated %v)", id, err, seen[id])
		}
		seen[id] = true
	}
}
