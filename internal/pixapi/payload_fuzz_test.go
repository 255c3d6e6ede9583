package pixapi

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http"
	"testing"
	"time"
)

// noNetwork fails every request: the fuzzed verifier must not go out.
type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network")
}

// FuzzVerifyPayload feeds arbitrary bytes to Verify as a location's
// answer: it must refuse or accept without panicking, and anything it
// accepts has a txid.
func FuzzVerifyPayload(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pix.example"}, DNSNames: []string{"pix.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		f.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	good, err := SignPayload(Payload{TxID: "abc123abc123abc123abc123abc", Valor: PayloadValor{Original: 1000}, Status: StatusActive}, key, []*x509.Certificate{cert}, "https://pix.example/jwks", true)
	if err != nil {
		f.Fatal(err)
	}
	jkuOnly, _ := SignPayload(Payload{TxID: "x"}, key, []*x509.Certificate{cert}, "https://pix.example/jwks", false)
	f.Add(good)
	f.Add(jkuOnly)
	f.Add([]byte("a.b.c"))
	f.Add([]byte("eyJhbGciOiJQUzI1NiJ9.e30."))
	v := &PayloadVerifier{Roots: roots, Client: &http.Client{Transport: noNetwork{}}}
	if _, err := v.Verify(context.Background(), "pix.example/qr/v2/1", good); err != nil {
		f.Fatalf("the seed does not verify: %v", err)
	}
	f.Fuzz(func(t *testing.T, jws []byte) {
		got, err := v.Verify(context.Background(), "pix.example/qr/v2/1", jws)
		if err == nil && got.TxID == "" {
			t.Fatal("accepted a payload without txid")
		}
	})
}
