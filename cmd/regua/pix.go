package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/pix"
	"github.com/regua/regua/internal/pix/qr"
	"github.com/regua/regua/internal/pixapi"
	"github.com/regua/regua/internal/pixpsp"
)

func init() {
	register(&command{name: "pix", summary: "make a PIX BR Code (copia e cola, PNG/SVG QR) or check and decode one", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return subcommands(ctx, env, "pix", args, map[string]func(context.Context, *cliEnv, []string) error{
			"encode":  pixEncode,
			"decode":  pixDecode,
			"psp":     pixPSP,
			"payload": pixPayload,
		})
	}})
}

func pixEncode(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "pix encode")
	key := fs.String("key", "", "Pix key of the receiver: CPF, CNPJ, e-mail, +55 phone or random key (static code)")
	url := fs.String("url", "", "location of the PSP's charge, without https:// (dynamic code; replaces --key, --amount, --txid)")
	amountS := fs.String("amount", "", "amount, e.g. 123,45 (empty: the payer types it)")
	name := fs.String("name", "", "receiver name, up to 25 characters (accents are folded)")
	city := fs.String("city", "", "receiver city, up to 15 characters")
	txid := fs.String("txid", "", "transaction id for reconciliation, up to 25 letters and digits")
	desc := fs.String("description", "", "text shown to the payer (infoAdicional)")
	cep := fs.String("cep", "", "receiver postal code (CEP), 8 digits")
	initiation := fs.String("initiation", "", "point of initiation: 11 reusable, 12 single use (default: none for static, 12 for dynamic)")
	pngPath := fs.String("png", "", "also write the QR code as PNG to this file")
	svgPath := fs.String("svg", "", "also write the QR code as SVG to this file")
	size := fs.Int("size", 0, "PNG side in pixels (default 8 pixels per module)")
	asJSON := fs.Bool("json", false, "print JSON with the payload and its fields")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected arguments %q", rest)
	}
	if *name == "" || *city == "" || (*key == "") == (*url == "") {
		return usagef("want --name, --city and one of --key (static code) or --url (dynamic code)")
	}
	// PSPs hand out locations with or without the scheme; the code wants
	// them without.
	loc := strings.TrimPrefix(*url, "https://")
	c := pix.Code{Key: *key, URL: loc, Name: *name, City: *city, TxID: *txid, Description: *desc, PostalCode: *cep, PointOfInitiation: *initiation}
	if *amountS != "" {
		if c.Amount, err = money.Parse(*amountS); err != nil {
			return usagef("--amount: %v", err)
		}
	}
	payload, err := pix.Encode(c)
	if err != nil {
		return err
	}
	if *pngPath != "" {
		img, err := qr.PNG(payload, *size)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*pngPath, img, 0o644); err != nil {
			return err
		}
	}
	if *svgPath != "" {
		img, err := qr.SVG(payload, 0)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*svgPath, img, 0o644); err != nil {
			return err
		}
	}
	if *asJSON {
		decoded, err := pix.Decode(payload)
		if err != nil {
			return fmt.Errorf("internal: encoded code does not decode: %w", err)
		}
		decoded.Fields = nil
		return pixWriteJSON(env.stdout, map[string]any{"payload": payload, "code": decoded})
	}
	fmt.Fprintln(env.stdout, payload)
	return nil
}

func pixDecode(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "pix decode")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var payload string
	switch {
	case len(rest) == 0 || len(rest) == 1 && rest[0] == "-":
		b, err := io.ReadAll(io.LimitReader(env.stdin, 64<<10))
		if err != nil {
			return err
		}
		payload = string(b)
	case len(rest) == 1:
		payload = rest[0]
	default:
		// An unquoted payload with spaces arrives split; put it back.
		payload = strings.Join(rest, " ")
	}
	c, err := pix.Decode(payload)
	if err != nil {
		var fe *pix.FieldError
		if *asJSON && errors.As(err, &fe) {
			pixWriteJSON(env.stdout, map[string]any{"valid": false, "field": fe.ID, "fieldName": pix.FieldName(fe.ID), "reason": fe.Reason})
		}
		return fmt.Errorf("invalid: %w", err)
	}
	if *asJSON {
		return pixWriteJSON(env.stdout, map[string]any{"valid": true, "code": c})
	}
	w := env.stdout
	row := func(k, v string) { fmt.Fprintf(w, "%-12s %s\n", k+":", v) }
	row("kind", string(c.Kind))
	if c.Key != "" {
		row("key", c.Key+" ("+string(c.KeyType)+")")
	}
	if c.URL != "" {
		row("url", c.URL)
		if c.Kind == pix.Dynamic {
			row("payload", "https://"+c.URL+" (the charge, signed by the PSP: regua pix payload checks it)")
		}
	}
	if c.RecurrenceURL != "" {
		row("recurrence", c.RecurrenceURL)
	}
	switch {
	case c.Amount > 0 && c.Kind == pix.Dynamic:
		row("amount", c.Amount.Format("pt-BR")+" (the PSP's charge decides)")
	case c.Amount > 0:
		row("amount", c.Amount.Format("pt-BR"))
	case c.Kind == pix.Dynamic:
		row("amount", "from the PSP's charge")
	default:
		row("amount", "open (the payer types it)")
	}
	row("name", c.Name)
	row("city", c.City)
	if c.PostalCode != "" {
		row("cep", c.PostalCode)
	}
	if c.TxID != "" {
		row("txid", c.TxID)
	} else {
		row("txid", "*** (none)")
	}
	if c.Description != "" {
		row("description", c.Description)
	}
	if c.PointOfInitiation != "" {
		use := "reusable"
		if c.PointOfInitiation == pix.SingleUse {
			use = "single use"
		}
		row("initiation", c.PointOfInitiation+" ("+use+")")
	}
	row("crc", c.CRC+" (ok)")
	fmt.Fprintln(w, "fields:")
	var walk func([]pix.Field, string)
	walk = func(fs []pix.Field, indent string) {
		for _, f := range fs {
			if f.Sub != nil {
				fmt.Fprintf(w, "%s%s %s\n", indent, f.ID, f.Name)
				walk(f.Sub, indent+"  ")
				continue
			}
			fmt.Fprintf(w, "%s%s %s: %s\n", indent, f.ID, f.Name, f.Value)
		}
	}
	walk(c.Fields, "  ")
	return nil
}

func pixWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func init() {
	registerBench("pix", benchPix)
}

// benchPix measures BR Code encoding (all checks, folding and CRC) and
// decoding on one goroutine, so the figure is per core.
func benchPix(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "bench pix")
	n := fs.Int("n", 2_000_000, "codes to encode")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *n <= 0 {
		return usagef("usage: regua bench pix [--n codes]")
	}
	// A rotating set of distinct codes: keys of every type, amounts and
	// txids differ, as they would across a portfolio.
	keys := []string{"12345678909", "11222333000181", "cobranca@credor.example", "+5561912345678", "123e4567-e12b-12d1-a456-426655440000"}
	codes := make([]pix.Code, 1024)
	for i := range codes {
		codes[i] = pix.Code{Key: keys[i%len(keys)], Amount: money.Money(1000 + i*37), Name: "Credor Exemplo SA", City: "Sao Paulo", TxID: fmt.Sprintf("ACORDO%06dP%02d", i, i%12+1)}
	}
	buf := make([]byte, 0, 256)
	cpu0, haveCPU := processCPUTime()
	start := time.Now()
	total := 0
	for i := 0; i < *n; i++ {
		if buf, err = pix.AppendEncode(buf[:0], codes[i&1023]); err != nil {
			return err
		}
		total += len(buf)
	}
	encDur := time.Since(start)
	cpu1, _ := processCPUTime()
	payloads := make([]string, len(codes))
	for i := range codes {
		payloads[i], _ = pix.Encode(codes[i])
	}
	m := max(*n/10, 1)
	cpu2, _ := processCPUTime()
	start = time.Now()
	for i := 0; i < m; i++ {
		if _, err := pix.Decode(payloads[i&1023]); err != nil {
			return err
		}
	}
	decDur := time.Since(start)
	cpu3, _ := processCPUTime()
	// Per core means per CPU-second: on a shared machine the wall clock
	// also counts time the goroutine waited for a core.
	encRate := float64(*n) / encDur.Seconds()
	perCore, basis := encRate, "wall clock"
	if cpu := cpu1 - cpu0; haveCPU && cpu > 0 {
		perCore, basis = float64(*n)/cpu.Seconds(), fmt.Sprintf("%s of CPU", cpu.Round(time.Millisecond))
	}
	verdict := "ok"
	if perCore < 500_000 {
		verdict = "BELOW TARGET"
	}
	fmt.Fprintf(env.stdout, "pix encode: %d BR Codes (avg %d bytes) on one goroutine in %s wall (%.0f/s), %s: %.0f/s per core (target >= 500000: %s)\n",
		*n, total / *n, encDur.Round(time.Millisecond), encRate, basis, perCore, verdict)
	decPerCore := float64(m) / decDur.Seconds()
	if cpu := cpu3 - cpu2; haveCPU && cpu > 0 {
		decPerCore = float64(m) / cpu.Seconds()
	}
	fmt.Fprintf(env.stdout, "pix decode: %d BR Codes in %s wall (%.0f/s), %.0f/s per core\n", m, decDur.Round(time.Millisecond), float64(m)/decDur.Seconds(), decPerCore)
	return nil
}

// pixPSP runs the local PSP for the demo and for trying the API Pix by
// hand. It makes a throwaway CA and writes, in --dir, the certificates the
// other side needs: the CA, regua's API client certificate and regua's
// webhook server certificate.
func pixPSP(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "pix psp")
	addr := fs.String("addr", "127.0.0.1:8443", "address to listen on")
	dir := fs.String("dir", "", "directory to write the certificates to (required)")
	var keys pixKeyList
	fs.Var(&keys, "key", "Pix key of the receiver at this PSP (repeatable; default cobranca@regua.example)")
	clientID := fs.String("client-id", "regua", "OAuth client id")
	secret := fs.String("client-secret", "", "OAuth client secret (default: random, printed)")
	name := fs.String("name", "Regua Demo", "receiver name in BR Codes")
	city := fs.String("city", "Sao Paulo", "receiver city in BR Codes")
	cnpj := fs.String("cnpj", "11222333000181", "receiver CNPJ")
	hosts := fs.String("hosts", "127.0.0.1,localhost", "names and IPs for the server certificates")
	payloadAddr := fs.String("payload-addr", "127.0.0.1:0", "where the public payload host (locations of dynamic codes, JWK Set) listens")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *dir == "" {
		return usagef("usage: regua pix psp --dir DIR [--addr host:port] [--key chave]...")
	}
	for i, k := range keys {
		if keys[i], _, err = pix.NormalizeKey(k); err != nil {
			return usagef("--key: %v", err)
		}
	}
	if len(keys) == 0 {
		keys = pixKeyList{"cobranca@regua.example"}
	}
	if *secret == "" {
		b := make([]byte, 12)
		if _, err := io.ReadFull(rand.Reader, b); err != nil {
			return err
		}
		*secret = fmt.Sprintf("%x", b)
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	ca, err := pixpsp.NewPKI("regua-demo")
	if err != nil {
		return err
	}
	hostList := strings.Split(*hosts, ",")
	serverCert, err := ca.Server(hostList...)
	if err != nil {
		return err
	}
	hookServer, err := ca.Server(hostList...)
	if err != nil {
		return err
	}
	client, err := ca.Client(*clientID)
	if err != nil {
		return err
	}
	pspHookClient, err := ca.Client("psp-webhooks")
	if err != nil {
		return err
	}
	signer, err := ca.PayloadSigner(hostList...)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*dir, "ca.pem"), ca.CAPEM(), 0o644); err != nil {
		return err
	}
	for base, c := range map[string]tls.Certificate{"client": client, "webhook-server": hookServer} {
		certPEM, keyPEM, err := pixpsp.CertPEM(c)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*dir, base+".pem"), certPEM, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*dir, base+"-key.pem"), keyPEM, 0o600); err != nil {
			return err
		}
	}
	psp, err := pixpsp.Start(*addr, pixpsp.Options{
		Cert: serverCert, ClientCAs: ca.Pool, WebhookCert: pspHookClient, WebhookRootCAs: ca.Pool,
		Clients: map[string]string{*clientID: *secret}, Keys: keys,
		ReceiverName: *name, ReceiverCity: *city, ReceiverCNPJ: *cnpj,
		PayloadSigner: signer, PayloadAddr: *payloadAddr,
	})
	if err != nil {
		return err
	}
	defer psp.Close()
	host := strings.TrimPrefix(psp.BaseURL(), "https://")
	host = host[:strings.IndexByte(host, '/')]
	if _, port, err := net.SplitHostPort(host); err == nil && hostList[0] != "" {
		host = net.JoinHostPort(hostList[0], port)
	}
	d := *dir
	fmt.Fprintf(env.stdout, `local PSP (API Pix) listening on https://%s
  API base URL:   %s
  token URL:      %s
  client:         %s / %s
  receiver keys:  %s
  certificates:   %s (CA), %s + %s (API client),
                  %s + %s (your webhook server)
  payload host:   https://%s (locations of dynamic codes, signed JWS; JWK Set at /jwks; no client certificate)
  check a code:   regua pix payload --ca %s '<copia e cola or location>'
  pay a charge:   curl --cacert %s --cert %s --key %s -d '{"txid":"..."}' https://%s/sandbox/pay
`, host, psp.BaseURL(), psp.TokenURL(), *clientID, *secret, strings.Join(keys, ", "),
		filepath.Join(d, "ca.pem"), filepath.Join(d, "client.pem"), filepath.Join(d, "client-key.pem"),
		filepath.Join(d, "webhook-server.pem"), filepath.Join(d, "webhook-server-key.pem"),
		psp.PayloadHost(), filepath.Join(d, "ca.pem"),
		filepath.Join(d, "ca.pem"), filepath.Join(d, "client.pem"), filepath.Join(d, "client-key.pem"), host)
	<-ctx.Done()
	return nil
}

// pixKeyList collects the repeatable --key flag.
type pixKeyList []string

func (l *pixKeyList) String() string     { return strings.Join(*l, ",") }
func (l *pixKeyList) Set(v string) error { *l = append(*l, v); return nil }

// pixPayload fetches what a dynamic code's location serves and checks it as
// a payer's bank does: the PSP's signature and certificate, then txid and
// amount when given.
func pixPayload(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "pix payload")
	caFile := fs.String("ca", "", "PEM file of the CAs to trust for the PSP's certificate (default: the system's)")
	day := fs.String("date", "", "intended payment date of a cobv, yyyy-mm-dd (default today)")
	city := fs.String("city", "", "IBGE code of the payer's city, for a cobv")
	txid := fs.String("txid", "", "txid the charge must have")
	amount := fs.String("amount", "", "amount the charge must ask, e.g. 123,45")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("usage: regua pix payload [--ca ca.pem] [--date D] [--city IBGE] [--txid T] [--amount A] <copia e cola or location>")
	}
	location := rest[0]
	if strings.HasPrefix(location, "000201") {
		c, err := pix.Decode(location)
		if err != nil {
			return fmt.Errorf("invalid: %w", err)
		}
		if c.Kind != pix.Dynamic {
			return fmt.Errorf("a %s code has no location: its key and amount are in the code itself", c.Kind)
		}
		location = c.URL
	}
	v := &pixapi.PayloadVerifier{}
	if *caFile != "" {
		b, err := os.ReadFile(*caFile)
		if err != nil {
			return err
		}
		v.Roots = x509.NewCertPool()
		if !v.Roots.AppendCertsFromPEM(b) {
			return usagef("--ca %s: no PEM certificate in it", *caFile)
		}
	}
	q := pixapi.PayloadQuery{CityCode: *city}
	if *day != "" {
		if q.PaymentDate, err = pixapi.ParseDate(*day); err != nil {
			return usagef("--date: %v", err)
		}
	}
	want := pixapi.Expect{TxID: *txid}
	if *amount != "" {
		if want.Amount, err = money.Parse(*amount); err != nil {
			return usagef("--amount: %v", err)
		}
	}
	got, err := v.Fetch(ctx, location, q)
	if err != nil {
		return err
	}
	checkErr := got.Check(want)
	if *asJSON {
		out := map[string]any{"valid": checkErr == nil, "location": location, "header": got.Header, "payload": got.Payload,
			"signer": got.Signer.Subject.String(), "amount": got.Amount().String()}
		if checkErr != nil {
			out["reason"] = checkErr.Error()
		}
		if err := pixWriteJSON(env.stdout, out); err != nil {
			return err
		}
		return checkErr
	}
	w := env.stdout
	row := func(k, v string) { fmt.Fprintf(w, "%-12s %s\n", k+":", v) }
	row("signature", got.Header.Alg+" by "+got.Signer.Subject.String()+" (issuer "+got.Signer.Issuer.String()+"): valid")
	row("txid", got.TxID)
	row("status", got.Status)
	row("amount", got.Amount().String())
	if got.Valor.Final > 0 {
		row("original", got.Valor.Original.Money().String())
	}
	if got.Calendario.DataDeVencimento != "" {
		row("due", got.Calendario.DataDeVencimento)
	}
	row("key", got.Chave)
	if got.Devedor != nil {
		row("debtor", got.Devedor.Nome)
	}
	if got.SolicitacaoPagador != "" {
		row("message", got.SolicitacaoPagador)
	}
	row("revision", strconv.Itoa(got.Revisao))
	return checkErr
}
