package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regua/regua/internal/pixapi"
)

// Example of section 2.6.3 of the Central Bank's "Manual de Padrões para
// Iniciação do Pix" (static code with a random key).
const manualStatic = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"

func TestPixEncode(t *testing.T) {
	code, out, errOut := runCLI(t, "pix", "encode", "--key", "123e4567-e12b-12d1-a456-426655440000", "--name", "Fulano de Tal", "--city", "BRASILIA")
	if code != 0 || strings.TrimSpace(out) != manualStatic {
		t.Fatalf("code %d out %q err %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "pix", "encode", "--key", "123.456.789-09", "--amount", "1.234,56", "--name", "José da Conceição", "--city", "São Paulo", "--txid", "ACORDO42P1", "--json")
	var got struct {
		Payload string `json:"payload"`
		Code    struct {
			Key    string `json:"key"`
			Amount string `json:"amount"`
			Name   string `json:"name"`
			TxID   string `json:"txid"`
		} `json:"code"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("json: code %d out %q", code, out)
	}
	if got.Code.Key != "12345678909" || got.Code.Amount != "1234.56" || got.Code.Name != "Jose da Conceicao" || got.Code.TxID != "ACORDO42P1" || !strings.Contains(got.Payload, "54071234.56") {
		t.Errorf("json %+v", got)
	}
}

func TestPixEncodeErrors(t *testing.T) {
	tests := []struct {
		args    []string
		code    int
		wantErr string
	}{
		{[]string{"pix", "encode", "--name", "A", "--city", "B"}, 2, "one of --key"},
		{[]string{"pix", "encode", "--key", "x@y.com", "--url", "psp.example.com/q/1", "--name", "A", "--city", "B"}, 2, "one of --key"},
		{[]string{"pix", "encode", "--key", "x@y.com", "--name", "A", "--city", "B", "--amount", "abc"}, 2, "--amount"},
		{[]string{"pix", "encode", "--key", "12345678900", "--name", "A", "--city", "B"}, 1, "field 26.01 (chave)"},
		{[]string{"pix", "encode", "--key", "x@y.com", "--name", "A", "--city", "Sao Jose dos Campos"}, 1, "field 60 (merchant city)"},
		{[]string{"pix", "encode", "--key", "x@y.com", "--name", "A", "--city", "B", "--txid", "PARCELA-1"}, 1, "field 62.05"},
		{[]string{"pix", "nope"}, 2, "unknown subcommand"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.wantErr) {
			t.Errorf("regua %v: code %d err %q; want %d with %q", tt.args, code, errOut, tt.code, tt.wantErr)
		}
	}
}

func TestPixDecode(t *testing.T) {
	code, out, errOut := runCLI(t, "pix", "decode", manualStatic)
	if code != 0 {
		t.Fatalf("code %d err %q", code, errOut)
	}
	for _, want := range []string{"kind:        static", "key:         123e4567-e12b-12d1-a456-426655440000 (evp)", "amount:      open", "name:        Fulano de Tal", "crc:         1D3D (ok)", "    26.01 chave: 123e4567"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Unquoted in a shell, the payload arrives in pieces.
	parts := strings.SplitN(manualStatic, " ", 3)
	if code, _, errOut := runCLI(t, append([]string{"pix", "decode"}, parts...)...); code != 0 {
		t.Errorf("split payload: %d %s", code, errOut)
	}

	bad := strings.Replace(manualStatic, "BRASILIA", "BRASILIO", 1)
	code, _, errOut = runCLI(t, "pix", "decode", bad)
	if code != 1 || !strings.Contains(errOut, "field 63 (CRC16)") {
		t.Errorf("bad CRC: code %d err %q", code, errOut)
	}
	code, out, _ = runCLI(t, "pix", "decode", "--json", bad)
	var res struct {
		Valid  bool   `json:"valid"`
		Field  string `json:"field"`
		Reason string `json:"reason"`
	}
	if code != 1 || json.Unmarshal([]byte(out), &res) != nil || res.Valid || res.Field != "63" {
		t.Errorf("bad CRC --json: code %d out %q", code, out)
	}
	code, out, _ = runCLI(t, "pix", "decode", "--json", manualStatic)
	if code != 0 || !strings.Contains(out, `"valid": true`) || !strings.Contains(out, `"keyType": "evp"`) {
		t.Errorf("--json: code %d out %s", code, out)
	}
}

func TestPixEncodeImages(t *testing.T) {
	dir := t.TempDir()
	pngPath, svgPath := filepath.Join(dir, "pix.png"), filepath.Join(dir, "pix.svg")
	code, out, errOut := runCLI(t, "pix", "encode", "--key", "cobranca@credor.example", "--amount", "99,90", "--name", "Credor", "--city", "Recife", "--txid", "P1", "--png", pngPath, "--svg", svgPath)
	if code != 0 {
		t.Fatalf("code %d err %q", code, errOut)
	}
	payload := strings.TrimSpace(out)
	svg, err := os.ReadFile(svgPath)
	if err != nil || !strings.Contains(string(svg), "<svg") {
		t.Fatalf("svg: %v", err)
	}
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("zbarimg not found but CI=true: install zbar-tools")
		}
		t.Skip("zbarimg not installed")
	}
	read, err := exec.Command(bin, "--raw", "-q", pngPath).Output()
	if err != nil || strings.TrimSpace(string(read)) != payload {
		t.Errorf("zbarimg read %q (%v), want %q", read, err, payload)
	}
}

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestPixPSPCommand(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	env := &cliEnv{stdout: &out, stderr: &errb, stdin: strings.NewReader(""), getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		done <- runMain(ctx, env, []string{"pix", "psp", "--dir", dir, "--addr", "127.0.0.1:0", "--client-secret", "s3", "--key", "11.222.333/0001-81"})
	}()
	var base string
	for i := 0; i < 200 && base == ""; i++ {
		if m := regexp.MustCompile(`API base URL:\s+(\S+)`).FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	if base == "" {
		t.Fatalf("no base URL printed: %q %q", out.String(), errb.String())
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client, err := pixapi.New(pixapi.Config{BaseURL: base, TokenURL: strings.Replace(base, "/api/v2", "/oauth/token", 1), ClientID: "regua", ClientSecret: "s3", TLS: pixapi.ClientTLSConfig(cert, pool)})
	if err != nil {
		t.Fatal(err)
	}
	const txid = "reguaclitest00000000000000001"
	cob, err := client.CreateCob(ctx, txid, pixapi.CobRequest{Valor: pixapi.CobValor{Original: 4200}, Chave: "11222333000181"})
	if err != nil {
		t.Fatal(err)
	}
	// The payer's side: the code shows its location, whose signed payload
	// checks out against the PSP's CA.
	if code, out, errOut := runCLI(t, "pix", "decode", cob.PixCopiaECola); code != 0 || !strings.Contains(out, "payload:     https://"+cob.Location) {
		t.Errorf("decode: %d %q %q", code, out, errOut)
	}
	caFile := filepath.Join(dir, "ca.pem")
	code, pout, errOut := runCLI(t, "pix", "payload", "--ca", caFile, "--txid", txid, "--amount", "42,00", cob.PixCopiaECola)
	if code != 0 || !strings.Contains(pout, "PS256 by") || !strings.Contains(pout, "txid:        "+txid) || !strings.Contains(pout, "status:      ATIVA") {
		t.Errorf("payload: %d %q %q", code, pout, errOut)
	}
	if code, _, errOut := runCLI(t, "pix", "payload", "--ca", caFile, "--amount", "41,99", cob.Location); code != 1 || !strings.Contains(errOut, "amount") {
		t.Errorf("payload with another amount: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "pix", "payload", cob.Location); code != 1 || !strings.Contains(errOut, "certificate") {
		t.Errorf("payload without the PSP's CA: %d %q", code, errOut)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pixapi.ClientTLSConfig(cert, pool)}}
	resp, err := hc.Post(strings.Replace(base, "/api/v2", "/sandbox/pay", 1), "application/json", strings.NewReader(`{"brcode":"`+cob.PixCopiaECola+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("sandbox pay: %s", resp.Status)
	}
	if cob, err = client.GetCob(ctx, txid, -1); err != nil || cob.Status != pixapi.StatusCompleted {
		t.Fatalf("after payment: %+v %v", cob, err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}

func TestPixDecodeStdin(t *testing.T) {
	var out, errb bytes.Buffer
	env := &cliEnv{stdout: &out, stderr: &errb, stdin: strings.NewReader(manualStatic + "\n"), getenv: func(string) string { return "" }}
	if code := runMain(context.Background(), env, []string{"pix", "decode", "-"}); code != 0 || !strings.Contains(out.String(), "kind:        static") {
		t.Fatalf("code %d out %q err %q", code, out.String(), errb.String())
	}
}

func TestPixEncodeDynamic(t *testing.T) {
	// Example of section 2.7.2 of the manual; the scheme is dropped.
	want := "00020101021226700014br.gov.bcb.pix2548pix.example.com/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630464E4"
	code, out, errOut := runCLI(t, "pix", "encode", "--url", "https://pix.example.com/8b3da2f39a4140d1a91abd93113bd441", "--name", "Fulano de Tal", "--city", "BRASILIA")
	if code != 0 || strings.TrimSpace(out) != want {
		t.Fatalf("code %d out %q err %q", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "pix", "encode", "--url", "pix.example.com/x", "--amount", "1", "--name", "A", "--city", "B"); code != 1 || !strings.Contains(errOut, "field 54") {
		t.Errorf("dynamic with amount: %d %q", code, errOut)
	}
}
