package taxid

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		kind    Kind
		number  string
		wantErr error
	}{
		{"123.456.789-09", CPF, "12345678909", nil},
		{"12345678909", CPF, "12345678909", nil},
		{" 123 456 789 09 ", CPF, "12345678909", nil},
		{"529.982.247-25", CPF, "52998224725", nil},
		{"000.000.001-91", CPF, "00000000191", nil},
		{"12.345.678/0001-95", CNPJ, "12345678000195", nil},
		{"11.222.333/0001-81", CNPJ, "11222333000181", nil},
		{"00.000.000/0001-91", CNPJ, "00000000000191", nil}, // Banco do Brasil
		{"33.000.167/0001-01", CNPJ, "33000167000101", nil}, // Petrobras
		// Alphanumeric CNPJ: the example of the Receita Federal's 2026 format.
		{"12.ABC.345/01DE-35", CNPJ, "12ABC34501DE35", nil},
		{"12abc34501de35", CNPJ, "12ABC34501DE35", nil},
		{"123.456.789-00", CPF, "", ErrCheckDigit},
		{"123.456.789-19", CPF, "", ErrCheckDigit},
		{"12.345.678/0001-96", CNPJ, "", ErrCheckDigit},
		{"12.ABC.345/01DE-36", CNPJ, "", ErrCheckDigit},
		{"111.111.111-11", CPF, "", ErrRepeated}, // passes the check digits
		{"00000000000", CPF, "", ErrRepeated},
		{"00.000.000/0000-00", CNPJ, "", ErrRepeated},
		{"1234567890", Unknown, "", ErrLength},
		{"123456789012", Unknown, "", ErrLength},
		{"123456789012345", Unknown, "", ErrLength},
		{"", Unknown, "", ErrEmpty},
		{" .-/ ", Unknown, "", ErrEmpty},
		{"123.456.789-0X", CPF, "", ErrCharacter},
		{"12.345.678/0001-9A", CNPJ, "", ErrCharacter},
		{"123,456,789-09", Unknown, "", ErrCharacter},
		{"123.456.789-09é", Unknown, "", ErrCharacter},
	}
	for _, tt := range tests {
		id, err := Parse(tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Parse(%q) error = %v, want %v", tt.in, err, tt.wantErr)
				continue
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.kind || e.Input != tt.in {
				t.Errorf("Parse(%q) error %#v: want kind %v and input echoed", tt.in, err, tt.kind)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q) unexpected error %v", tt.in, err)
			continue
		}
		if id.Kind != tt.kind || id.Number != tt.number {
			t.Errorf("Parse(%q) = %+v, want %v %s", tt.in, id, tt.kind, tt.number)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct{ in, want string }{
		{"123.456.789-00", `CPF "123.456.789-00": check digit mismatch`},
		{"1234567890", `taxid "1234567890": wrong length 10 (want 11 for CPF or 14 for CNPJ)`},
		{"111.111.111-11", `CPF "111.111.111-11": all characters equal`},
		{"123.456.789+09", `taxid "123.456.789+09": invalid character '+'`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.want)
		}
	}
	_, err := ParseAs(CPF, "12.345.678/0001-95")
	if !errors.Is(err, ErrLength) || !strings.Contains(err.Error(), "looks like a CNPJ") {
		t.Errorf("ParseAs(CPF, cnpj) error = %v", err)
	}
	_, err = ParseAs(CNPJ, "123456789")
	if err == nil || err.Error() != `CNPJ "123456789": wrong length 9 (want 14)` {
		t.Errorf("ParseAs(CNPJ, short) error = %v", err)
	}
}

func TestParseAs(t *testing.T) {
	if id, err := ParseAs(CNPJ, "12.345.678/0001-95"); err != nil || id.Kind != CNPJ {
		t.Errorf("ParseAs CNPJ = %v, %v", id, err)
	}
	if id, err := ParseAs(CPF, "123.456.789-09"); err != nil || id.Number != "12345678909" {
		t.Errorf("ParseAs CPF = %v, %v", id, err)
	}
	if _, err := ParseAs(Unknown, "123.456.789-09"); err == nil {
		t.Error("ParseAs(Unknown) accepted")
	}
}

func TestParseLoose(t *testing.T) {
	tests := []struct {
		kind    Kind
		in      string
		want    string
		wantErr error
	}{
		{Unknown, "123.456.789-09", "12345678909", nil}, // already complete
		{Unknown, "191", "", ErrAmbiguous},              // 000.000.001-91 and 00.000.000/0001-91
		{CNPJ, "191", "00000000000191", nil},
		{CPF, "191", "00000000191", nil},
		{Unknown, "1234567891", "", ErrLength},                  // no padding makes it valid
		{Unknown, "3000167000101", "33000167000101", ErrLength}, // not zero-stripped: stays an error
		{Unknown, "0272918000169", "", ErrLength},
		{Unknown, "ABC", "", ErrLength},
	}
	// A CPF that starts with 0 and loses it.
	full := "01234567890"
	d1, d2 := cpfDigits([]byte(full[:9]))
	full = full[:9] + string([]byte{d1, d2})
	tests = append(tests, struct {
		kind    Kind
		in      string
		want    string
		wantErr error
	}{Unknown, full[1:], full, nil})
	for _, tt := range tests {
		id, err := ParseLoose(tt.kind, tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ParseLoose(%v, %q) = %v, %v; want error %v", tt.kind, tt.in, id, err, tt.wantErr)
			}
			continue
		}
		if err != nil || id.Number != tt.want {
			t.Errorf("ParseLoose(%v, %q) = %v, %v; want %s", tt.kind, tt.in, id.Number, err, tt.want)
		}
	}
}

func TestFormatMask(t *testing.T) {
	tests := []struct{ in, format, mask string }{
		{"12345678909", "123.456.789-09", "***.456.789-**"},
		{"12345678000195", "12.345.678/0001-95", "12.345.***/****-95"},
		{"12ABC34501DE35", "12.ABC.345/01DE-35", "12.ABC.***/****-35"},
	}
	for _, tt := range tests {
		id, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := id.Format(); got != tt.format {
			t.Errorf("Format(%s) = %q, want %q", tt.in, got, tt.format)
		}
		if got := id.Mask(); got != tt.mask {
			t.Errorf("Mask(%s) = %q, want %q", tt.in, got, tt.mask)
		}
		if got := id.String(); got != tt.mask {
			t.Errorf("String(%s) = %q, want masked %q", tt.in, got, tt.mask)
		}
		if got := id.LogValue().String(); got != tt.mask {
			t.Errorf("LogValue(%s) = %q, want masked %q", tt.in, got, tt.mask)
		}
		back, err := Parse(id.Format())
		if err != nil || back != id {
			t.Errorf("Parse(Format(%s)) = %v, %v", tt.in, back, err)
		}
	}
	var zero ID
	if !zero.IsZero() || zero.Mask() != "" || zero.Format() != "" {
		t.Errorf("zero ID: IsZero %v Mask %q Format %q", zero.IsZero(), zero.Mask(), zero.Format())
	}
	if id, _ := Parse("12ABC34501DE35"); !id.Alphanumeric() {
		t.Error("Alphanumeric false for 12ABC34501DE35")
	}
	if id, _ := Parse("12345678000195"); id.Alphanumeric() {
		t.Error("Alphanumeric true for numeric CNPJ")
	}
}

// TestCheckDigitsDetectSingleErrors: the two modulo-11 digits catch almost
// every single-character typo. Not all: remainders 0 and 1 both give digit 0,
// and in the alphanumeric CNPJ a letter and a digit whose values differ by a
// multiple of 11 ('B'=18 and '7') weigh the same. Both are properties of the
// official schemes, so the test bounds the miss rate instead of asking for 0.
func TestCheckDigitsDetectSingleErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tried, missed := map[string]int{}, map[string]int{}
	for range 300 {
		for _, gen := range []struct {
			name string
			id   ID
		}{{"CPF", GenerateCPF(r)}, {"CNPJ", GenerateCNPJ(r)}, {"alphanumeric CNPJ", GenerateAlphanumericCNPJ(r)}} {
			for pos := 0; pos < len(gen.id.Number); pos++ {
				b := []byte(gen.id.Number)
				orig := b[pos]
				for c := byte('0'); c <= '9'; c++ {
					if c == orig {
						continue
					}
					b[pos] = c
					tried[gen.name]++
					if _, err := Parse(string(b)); err == nil {
						missed[gen.name]++
					}
				}
			}
		}
	}
	// Measured: CPF and numeric CNPJ miss under 0.2%; the alphanumeric CNPJ
	// about 4%, mostly letters replaced by digits 11 or 22 apart.
	limit := map[string]float64{"CPF": 0.01, "CNPJ": 0.01, "alphanumeric CNPJ": 0.05}
	for name, n := range tried {
		t.Logf("%s: %d of %d missed", name, missed[name], n)
		if rate := float64(missed[name]) / float64(n); rate > limit[name] {
			t.Errorf("%s: %d of %d single-character changes accepted (%.1f%%)", name, missed[name], n, 100*rate)
		}
	}
}

func TestGenerate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	seen := map[string]bool{}
	for range 2000 {
		for _, id := range []ID{Generate(r, CPF), Generate(r, CNPJ), GenerateAlphanumericCNPJ(r)} {
			got, err := Parse(id.Number)
			if err != nil || got != id {
				t.Fatalf("generated %+v does not parse back: %v %v", id, got, err)
			}
			seen[id.Number] = true
		}
	}
	if len(seen) < 5900 {
		t.Errorf("only %d distinct ids in 6000", len(seen))
	}
	// Deterministic for a seed.
	a := GenerateCPF(rand.New(rand.NewPCG(3, 4)))
	b := GenerateCPF(rand.New(rand.NewPCG(3, 4)))
	if a != b {
		t.Errorf("same seed gave %v and %v", a.Number, b.Number)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"123.456.789-09", "12.345.678/0001-95", "12.ABC.345/01DE-35",
		"111.111.111-11", "", "1234567890", "é", "12abc34501de35", "191", " 529 982 247 25 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Input != s {
				t.Fatalf("Parse(%q) error %v is not an *Error echoing the input", s, err)
			}
			return
		}
		if len(id.Number) != id.Kind.Length() {
			t.Fatalf("Parse(%q) = %+v: wrong length", s, id)
		}
		if id.Kind == CPF && strings.ContainsFunc(id.Number, func(r rune) bool { return r < '0' || r > '9' }) {
			t.Fatalf("Parse(%q) CPF with non-digits %q", s, id.Number)
		}
		again, err := Parse(id.Format())
		if err != nil || again != id {
			t.Fatalf("round trip of %q via %q: %v %v", s, id.Format(), again, err)
		}
		if again, err := Parse(id.Number); err != nil || again != id {
			t.Fatalf("reparse of Number %q: %v %v", id.Number, again, err)
		}
		if m := id.Mask(); strings.Contains(m, id.Number[:3]+id.Number[3:]) || len(m) != len(id.Format()) {
			t.Fatalf("mask %q of %q", m, id.Number)
		}
		if _, err := ParseLoose(Unknown, s); err != nil {
			t.Fatalf("ParseLoose rejects %q that Parse accepts: %v", s, err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	inputs := []string{"123.456.789-09", "12345678909", "12.345.678/0001-95", "12.ABC.345/01DE-35"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(inputs[i%len(inputs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseInvalid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("123.456.789-00"); err == nil {
			b.Fatal("accepted")
		}
	}
}

func TestKindText(t *testing.T) {
	for in, want := range map[string]Kind{"CPF": CPF, "pf": CPF, " F ": CPF, "Física": CPF, "cnpj": CNPJ, "PJ": CNPJ, "jurídica": CNPJ} {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseKind("x"); err == nil {
		t.Error("ParseKind(x) accepted")
	}
	b, err := CNPJ.MarshalText()
	if err != nil || string(b) != "CNPJ" {
		t.Errorf("MarshalText = %s, %v", b, err)
	}
	var k Kind
	if err := k.UnmarshalText([]byte("cpf")); err != nil || k != CPF {
		t.Errorf("UnmarshalText = %v, %v", k, err)
	}
	if _, err := Unknown.MarshalText(); err == nil {
		t.Error("Unknown marshalled")
	}
}
