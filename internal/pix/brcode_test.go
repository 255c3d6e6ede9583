package pix

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/regua/regua/internal/money"
)

// Golden vectors published by the Central Bank in the "Manual de Padrões
// para Iniciação do Pix", version 2.10.0: section 2.6.3 (static code),
// 2.7.2 (dynamic code), 2.8.5.1 (composite code with recurrence only) and
// 2.8.5.2 (composite code with static data and recurrence).
const (
	bcbStatic        = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
	bcbDynamic       = "00020101021226700014br.gov.bcb.pix2548pix.example.com/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630464E4"
	bcbRecurrence    = "00020126180014br.gov.bcb.pix5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***80740014br.gov.bcb.pix2552pix.example.com/rec/2353c790eefb11eaadc10242ac1200026304F2DA"
	bcbStaticWithRec = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865406100.505802BR5913Fulano de Tal6008BRASILIA62070503***80740014br.gov.bcb.pix2552pix.example.com/rec/2353c790eefb11eaadc10242ac12000263042875"
)

func TestCRC16CheckValue(t *testing.T) {
	// The catalogued check value of CRC-16/CCITT-FALSE over "123456789".
	if got := CRC16([]byte("123456789")); got != 0x29B1 {
		t.Fatalf("CRC16(123456789) = %04X, want 29B1", got)
	}
}

func TestCRC16SlicedMatchesBytewise(t *testing.T) {
	b := make([]byte, 300)
	for i := range b {
		b[i] = byte(i*131 + 7)
	}
	for n := 0; n <= len(b); n++ {
		if got, want := CRC16(b[:n]), crc16Bytewise(b[:n]); got != want {
			t.Fatalf("length %d: sliced %04X, bytewise %04X", n, got, want)
		}
	}
}

func TestEncodeGolden(t *testing.T) {
	tests := []struct {
		name string
		in   Code
		want string
	}{
		{"manual 2.6.3 static", Code{Key: "123e4567-e12b-12d1-a456-426655440000", Name: "Fulano de Tal", City: "BRASILIA"}, bcbStatic},
		{"manual 2.7.2 dynamic", Code{URL: "pix.example.com/8b3da2f39a4140d1a91abd93113bd441", Name: "Fulano de Tal", City: "BRASILIA"}, bcbDynamic},
		{"manual 2.8.5.1 recurrence", Code{RecurrenceURL: "pix.example.com/rec/2353c790eefb11eaadc10242ac120002", Name: "Fulano de Tal", City: "BRASILIA"}, bcbRecurrence},
		{"manual 2.8.5.2 static with recurrence", Code{Key: "123e4567-e12b-12d1-a456-426655440000", Amount: money.Cents(10050), RecurrenceURL: "pix.example.com/rec/2353c790eefb11eaadc10242ac120002", Name: "Fulano de Tal", City: "BRASILIA"}, bcbStaticWithRec},
	}
	for _, tt := range tests {
		got, err := Encode(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestDecodeGolden(t *testing.T) {
	tests := []struct {
		code string
		want Code
	}{
		{bcbStatic, Code{Kind: Static, Key: "123e4567-e12b-12d1-a456-426655440000", KeyType: KeyEVP, Name: "Fulano de Tal", City: "BRASILIA", CRC: "1D3D"}},
		{bcbDynamic, Code{Kind: Dynamic, PointOfInitiation: SingleUse, URL: "pix.example.com/8b3da2f39a4140d1a91abd93113bd441", Name: "Fulano de Tal", City: "BRASILIA", CRC: "64E4"}},
		{bcbRecurrence, Code{Kind: Recurrence, RecurrenceURL: "pix.example.com/rec/2353c790eefb11eaadc10242ac120002", Name: "Fulano de Tal", City: "BRASILIA", CRC: "F2DA"}},
		{bcbStaticWithRec, Code{Kind: Static, Key: "123e4567-e12b-12d1-a456-426655440000", KeyType: KeyEVP, Amount: 10050, RecurrenceURL: "pix.example.com/rec/2353c790eefb11eaadc10242ac120002", Name: "Fulano de Tal", City: "BRASILIA", CRC: "2875"}},
	}
	for _, tt := range tests {
		got, err := Decode(tt.code)
		if err != nil {
			t.Errorf("Decode(%s): %v", tt.code, err)
			continue
		}
		tt.want.MerchantCategoryCode, tt.want.Currency, tt.want.Country = "0000", "986", "BR"
		got.Fields = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("Decode(%s):\n got %+v\nwant %+v", tt.code, *got, tt.want)
		}
	}
}

func TestEncodeNormalizes(t *testing.T) {
	got, err := Encode(Code{
		Key:         "123.456.789-09",
		Amount:      money.MustParse("1.234,50"),
		Name:        "  José  da Conceição ",
		City:        "São Paulo",
		TxID:        "PARCELA0001",
		Description: "Acordo nº 12 — parcela 1",
		PostalCode:  "01310-100",
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Decode(got)
	if err != nil {
		t.Fatalf("Decode(%s): %v", got, err)
	}
	if c.Key != "12345678909" || c.KeyType != KeyCPF || c.Name != "Jose da Conceicao" || c.City != "Sao Paulo" ||
		c.Amount != 123450 || c.TxID != "PARCELA0001" || c.Description != "Acordo no 12 - parcela 1" || c.PostalCode != "01310100" {
		t.Errorf("normalised fields wrong: %+v", c)
	}
	if !strings.Contains(got, "54071234.50") {
		t.Errorf("amount not written as 1234.50: %s", got)
	}
}

func TestEncodeErrors(t *testing.T) {
	base := func() Code { return Code{Key: "fulano@example.com", Name: "Fulano", City: "BRASILIA"} }
	tests := []struct {
		name string
		mod  func(*Code)
		id   string
	}{
		{"no key nor url", func(c *Code) { c.Key = "" }, "26.01"},
		{"bad key", func(c *Code) { c.Key = "12345678900" }, "26.01"},
		{"name too long", func(c *Code) { c.Name = strings.Repeat("A", 26) }, "59"},
		{"name empty", func(c *Code) { c.Name = " " }, "59"},
		{"city too long", func(c *Code) { c.City = "Sao Jose dos Campos" }, "60"},
		{"city with emoji", func(c *Code) { c.City = "Rio ☀" }, "60"},
		{"txid too long", func(c *Code) { c.TxID = strings.Repeat("A", 26) }, "62.05"},
		{"txid with dash", func(c *Code) { c.TxID = "ABC-123" }, "62.05"},
		{"negative amount", func(c *Code) { c.Amount = -1 }, "54"},
		{"description too long", func(c *Code) { c.Description = strings.Repeat("x", 60) }, "26"},
		{"dynamic with key", func(c *Code) { c.URL = "psp.example.com/qr/1" }, "26.01"},
		{"dynamic with amount", func(c *Code) { c.Key = ""; c.URL = "psp.example.com/qr/1"; c.Amount = 100 }, "54"},
		{"url with scheme", func(c *Code) { c.Key = ""; c.URL = "https://psp.example.com/qr/1" }, "26.25"},
		{"url too long", func(c *Code) { c.Key = ""; c.URL = "psp.example.com/" + strings.Repeat("a", 70) }, "26.25"},
		{"bad CEP", func(c *Code) { c.PostalCode = "1234" }, "61"},
		{"bad point of initiation", func(c *Code) { c.PointOfInitiation = "13" }, "01"},
		{"other currency", func(c *Code) { c.Currency = "840" }, "53"},
		{"bad MCC", func(c *Code) { c.MerchantCategoryCode = "12" }, "52"},
	}
	for _, tt := range tests {
		c := base()
		tt.mod(&c)
		_, err := Encode(c)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.ID != tt.id {
			t.Errorf("%s: err = %v, want a FieldError on %s", tt.name, err, tt.id)
		}
	}
}

// withCRC replaces the CRC of a payload so that tests reach the field
// checks behind it.
func withCRC(body string) string {
	body += "6304"
	return string(appendCRCHex([]byte(body), CRC16([]byte(body))))
}

func TestDecodeErrors(t *testing.T) {
	staticBody := strings.TrimSuffix(bcbStatic, "63041D3D")
	tests := []struct {
		name, code, id, reason string
	}{
		{"empty", "", "00", "starts with 000201"},
		{"not a BR Code", "hello world", "00", "starts with 000201"},
		{"boleto line", "23793381286000001234567890123456789012345678", "00", ""},
		{"wrong CRC", strings.Replace(bcbStatic, "1D3D", "1D3E", 1), "63", "does not match"},
		{"mistyped amount", strings.Replace(bcbStaticWithRec, "100.50", "100.60", 1), "63", "does not match"},
		{"truncated", bcbStatic[:len(bcbStatic)-10], "62", "runs past"},
		{"CRC not last", withCRC(staticBody) + "0000", "", ""},
		{"length runs past", "000201261", "payload", "too short"},
		{"bad key", withCRC("00020126330014br.gov.bcb.pix0111123456789005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***"), "26.01", "check digit"},
		{"name too long", withCRC("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5926ABCDEFGHIJKLMNOPQRSTUVWXYZ6008BRASILIA62070503***"), "59", "at most 25"},
		{"city too long", withCRC("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6016ABCDEFGHIJKLMNOP62070503***"), "60", "at most 15"},
		{"no txid", withCRC("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62090105ABCDE"), "62.05", "missing"},
		{"txid bad char", withCRC("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62090505AB-CD"), "62.05", "only letters"},
		{"missing name", withCRC("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR6008BRASILIA62070503***"), "59", "missing"},
		{"other currency", withCRC(strings.Replace(staticBody, "5303986", "5303840", 1)), "53", "986"},
		{"zero amount", withCRC(strings.Replace(staticBody, "5802BR", "54040.005802BR", 1)), "54", "zero"},
		{"amount three decimals", withCRC(strings.Replace(staticBody, "5802BR", "54051.2345802BR", 1)), "54", ""},
		{"no Pix GUI", withCRC(strings.Replace(staticBody, "br.gov.bcb.pix", "br.gov.bcb.xyz", 1)), "26", "not a Pix code"},
		{"duplicate field", withCRC(strings.Replace(staticBody, "5204000053039865802BR", "5204000052040000", 1)), "52", "twice"},
		{"unknown Pix sub-ID", withCRC("00020126640014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400000902AB5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***"), "26.09", "not defined"},
		{"key and url", withCRC("00020126830014br.gov.bcb.pix0111123456789092546pix.example.com/8b3da2f39a4140d1a91abd93113bd45204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***"), "26.25", "both"},
		{"country", withCRC(strings.Replace(staticBody, "5802BR", "5802US", 1)), "58", "BR"},
		{"point of initiation", withCRC(strings.Replace(staticBody, "000201", "0002010102AB", 1)), "01", ""},
		{"control char in name", withCRC(strings.Replace(staticBody, "5913Fulano de Tal", "5913Fulano\tde Tal", 1)), "59", "control"},
	}
	for _, tt := range tests {
		_, err := Decode(tt.code)
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want a FieldError", tt.name, err)
			continue
		}
		if tt.id != "" && fe.ID != tt.id || !strings.Contains(fe.Reason, tt.reason) {
			t.Errorf("%s: got %v, want field %s with %q", tt.name, err, tt.id, tt.reason)
		}
	}
}

func TestDecodeAcceptsRealWorldVariants(t *testing.T) {
	// Upper-case GUI (the GUI is case-insensitive), accents in the name
	// (readers accept them although the encoder folds them), a lower-case
	// CRC, surrounding white space, another arrangement's template and a
	// language template.
	body := "000201010211" +
		"27300012br.com.other0110abcdefghij" +
		"26330014BR.GOV.BCB.PIX0111123456789095204000053039865406123.455802BR" +
		"5909JOÃO LTDA6009São Paulo" + "62140510PEDIDO1234" +
		"64190002pt0109JOÃO LTDA"
	code := strings.ToLower(withCRC(body)[len(body):])
	code = "  " + body + code + "\n"
	c, err := Decode(code)
	if err != nil {
		t.Fatal(err)
	}
	if c.Key != "12345678909" || c.Name != "JOÃO LTDA" || c.City != "São Paulo" || c.TxID != "PEDIDO1234" || c.Amount != 12345 || c.PointOfInitiation != Reusable {
		t.Errorf("decoded %+v", c)
	}
	if len(c.Fields) != 13 || c.Fields[2].ID != "27" || len(c.Fields[2].Sub) != 2 {
		t.Errorf("fields tree: %+v", c.Fields)
	}
}

func TestRoundTrip(t *testing.T) {
	keys := []string{"12345678909", "11222333000181", "12ABC34501DE35", "fulano_da_silva.recebedor@example.com", "+5561912345678", "123e4567-e12b-12d1-a456-426655440000"}
	amounts := []money.Money{0, 1, 10, 99, 100, 12345, 999999999999}
	for i, k := range keys {
		for j, a := range amounts {
			in := Code{Key: k, Amount: a, Name: "Credor de Teste SA", City: "Brasilia", TxID: strings.Repeat("X", i+j+1)}
			if i%2 == 0 {
				in.Description = "parcela"
				in.PointOfInitiation = SingleUse
			}
			s, err := Encode(in)
			if err != nil {
				t.Fatalf("Encode(%+v): %v", in, err)
			}
			out, err := Decode(s)
			if err != nil {
				t.Fatalf("Decode(Encode(%+v)) = %s: %v", in, s, err)
			}
			if out.Key != k || out.Amount != a || out.TxID != in.TxID || out.Description != in.Description || out.Kind != Static {
				t.Errorf("round trip of %+v gave %+v", in, out)
			}
			again, err := Encode(*out)
			if err != nil || again != s {
				t.Errorf("re-encode of decoded code: %v\n got %s\nwant %s", err, again, s)
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	upperEVP := withCRC(strings.TrimSuffix(strings.ToUpper(bcbStatic[:68])+bcbStatic[68:], "63041D3D"))
	for _, s := range []string{bcbStatic, bcbDynamic, bcbRecurrence, bcbStaticWithRec, upperEVP, "", "000201", "00020126", "0002016304ABCD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Decode(s)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not a FieldError: %v", err)
			}
			return
		}
		// Whatever decodes must name a way to pay and, when it is a code
		// our encoder can write, re-encode to a code that decodes the same.
		if c.Key == "" && c.URL == "" && c.RecurrenceURL == "" {
			t.Fatalf("decoded code without key or url: %q", s)
		}
		again, err := Encode(*c)
		if err != nil {
			return // e.g. accents, other templates: valid to read, not ours to write
		}
		c2, err := Decode(again)
		if err != nil {
			t.Fatalf("re-encoded %q does not decode: %v", again, err)
		}
		// Keys are written in DICT form (lower case), so compare them
		// without case.
		if !strings.EqualFold(c2.Key, c.Key) || c2.URL != c.URL || c2.Amount != c.Amount || c2.TxID != c.TxID {
			t.Fatalf("re-encode changed the code: %+v vs %+v", c, c2)
		}
	})
}

func BenchmarkEncode(b *testing.B) {
	c := Code{Key: "123e4567-e12b-12d1-a456-426655440000", Amount: 12345, Name: "Fulano de Tal", City: "BRASILIA", TxID: "PARCELA000123"}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendEncode(buf[:0], c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeString(b *testing.B) {
	c := Code{Key: "fulano@example.com", Amount: 12345, Name: "José da Conceição", City: "São Paulo", TxID: "PARCELA000123"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(bcbStaticWithRec); err != nil {
			b.Fatal(err)
		}
	}
}
