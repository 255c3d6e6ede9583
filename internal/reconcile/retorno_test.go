package reconcile_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/regua/regua/internal/cnab"
)

// writeReturn writes an Itaú CNAB 240 return, created at created, settling
// pays, and returns its path.
func writeReturn(t *testing.T, created time.Time, pays []cnab.Payment) string {
	t.Helper()
	var buf bytes.Buffer
	h := cnab.Header{Layout: cnab.CNAB240, Bank: "341", Sequence: 1, Created: created,
		Beneficiary: cnab.Beneficiary{Name: "BANCO TESTE", Document: "11222333000181", Agency: "0057", Account: "12345", AccountDV: "0", Wallet: "109"}}
	if _, err := cnab.GenerateReturn(&buf, h, 0, func(yield func(cnab.Payment) bool) {
		for _, p := range pays {
			if !yield(p) {
				return
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "retorno.ret")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
