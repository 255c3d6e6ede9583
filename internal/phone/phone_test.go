package phone

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseBrazil(t *testing.T) {
	tests := []struct {
		in   string
		e164 string
		kind Kind
		uf   string
	}{
		{"(11) 98765-4321", "+5511987654321", Mobile, "SP"},
		{"11987654321", "+5511987654321", Mobile, "SP"},
		{"+55 11 98765-4321", "+5511987654321", Mobile, "SP"},
		{"+55 (11) 98765-4321", "+5511987654321", Mobile, "SP"},
		{"5511987654321", "+5511987654321", Mobile, "SP"},
		{"0055 11 98765 4321", "+5511987654321", Mobile, "SP"},
		{"011 98765-4321", "+5511987654321", Mobile, "SP"},
		{"0xx11 98765-4321", "+5511987654321", Mobile, "SP"},
		{"0XX11987654321", "+5511987654321", Mobile, "SP"},
		{"0 15 11 98765-4321", "+5511987654321", Mobile, "SP"}, // carrier code 15
		{"0 21 21 3456-7890", "+552134567890", Landline, "RJ"},
		{"(21) 3456-7890", "+552134567890", Landline, "RJ"},
		{"021 3456.7890", "+552134567890", Landline, "RJ"},
		{"55 21 3456 7890", "+552134567890", Landline, "RJ"},
		{"(61) 2345-6789", "+556123456789", Landline, "DF"},
		{"68 99912-3456", "+5568999123456", Mobile, "AC"},
		{"(96) 5123-4567", "+559651234567", Landline, "AP"},
		{"99 98111-2222", "+5599981112222", Mobile, "MA"},
		{"\t(55) 99876-5432 ", "+5555998765432", Mobile, "RS"}, // DDD 55, not the country code
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if n.E164 != tt.e164 || n.Kind != tt.kind || n.UF != tt.uf || n.CallingCode != "55" || n.DDD != tt.e164[3:5] {
			t.Errorf("Parse(%q) = %+v, want %s %v %s", tt.in, n, tt.e164, tt.kind, tt.uf)
		}
	}
}

func TestParseForeign(t *testing.T) {
	tests := []struct {
		in, e164, code string
		kind           Kind
	}{
		{"+1 (212) 555-0123", "+12125550123", "1", Unknown},
		{"001 415 555 2671", "+14155552671", "1", Unknown},
		{"+52 55 1234 5678", "+525512345678", "52", Unknown},
		{"+52 1 55 1234 5678", "+525512345678", "52", Unknown}, // old mobile prefix
		{"+57 310 123 4567", "+573101234567", "57", Mobile},
		{"+57 601 234 5678", "+576012345678", "57", Landline},
		{"+56 9 8765 4321", "+56987654321", "56", Mobile},
		{"+56 2 2345 6789", "+56223456789", "56", Landline},
		{"+34 612 345 678", "+34612345678", "34", Mobile},
		{"+34 912 345 678", "+34912345678", "34", Landline},
		{"+351 912 345 678", "+351912345678", "351", Mobile},
		{"+351 21 123 4567", "+351211234567", "351", Landline},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if n.E164 != tt.e164 || n.CallingCode != tt.code || n.Kind != tt.kind || n.DDD != "" || n.UF != "" {
			t.Errorf("Parse(%q) = %+v, want %s +%s %v", tt.in, n, tt.e164, tt.code, tt.kind)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in      string
		wantErr error
	}{
		{"", ErrEmpty},
		{" () - ", ErrEmpty},
		{"(11) 98765-432l", ErrCharacter},
		{"11 98765-4321 ramal 2", ErrCharacter},
		{"+55 11 +98765-4321", ErrCharacter},
		{"98765-4321", ErrNoDDD},
		{"3456-7890", ErrNoDDD},
		{"4004-0001", ErrService},
		{"3003 3030", ErrService},
		{"0800 123 4567", ErrService},
		{"0300-789-1234", ErrService},
		{"190", ErrService},
		{"10315", ErrService},
		{"(20) 98765-4321", ErrDDD},
		{"(10) 3456-7890", ErrDDD},
		{"(23) 3456-7890", ErrDDD},
		{"(90) 98765-4321", ErrDDD},
		{"+55 01 98765-4321", ErrDDD},
		{"(11) 88765-4321", ErrNumber},  // 9 digits must start with 9
		{"(11) 8765-4321", ErrNumber},   // old 8-digit mobile
		{"(11) 1234-5678", ErrNumber},   // landlines start 2-5
		{"(11) 99999-9999", ErrNumber},  // placeholder
		{"(11) 90000-0000", ErrNumber},  // placeholder
		{"(21) 3333-3333", ErrNumber},   // placeholder
		{"(11) 987654-4321", ErrLength}, // 12 digits without prefix
		{"119876543", ErrNoDDD},
		{"+55 98765-4321", ErrLength},
		{"+55 11 98765-43210", ErrLength},
		{"0 11 9876", ErrLength},
		{"+1 212 555 012", ErrLength},
		{"+1 112 555 0123", ErrNumber},
		{"+34 512 345 678", ErrNumber},
		{"+49 30 1234567", ErrCountry},
		{"+", ErrEmpty},
		{"+55", ErrLength},
		{"123456789012345678901234", ErrLength},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("Parse(%q) = %+v, %v; want %v", tt.in, n, err, tt.wantErr)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Input != tt.in || !strings.HasPrefix(err.Error(), "phone ") {
			t.Errorf("Parse(%q) error %q does not name the input", tt.in, err)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Parse("(20) 98765-4321")
	if err == nil || err.Error() != `phone "(20) 98765-4321": invalid DDD: 20` {
		t.Errorf("got %v", err)
	}
}

func TestDDDTable(t *testing.T) {
	all := AllDDDs()
	if len(all) != 67 {
		t.Fatalf("%d DDDs, want 67", len(all))
	}
	ufs := map[string]bool{}
	total := 0
	for _, d := range all {
		uf := UF(d)
		ufs[uf] = true
		found := false
		for _, x := range DDDs(uf) {
			found = found || x == d
		}
		if !found {
			t.Errorf("DDD %s not in DDDs(%s)", d, uf)
		}
	}
	for uf := range ufs {
		total += len(DDDs(uf))
	}
	if len(ufs) != 27 || total != 67 {
		t.Errorf("%d UFs with %d DDDs, want 27 and 67", len(ufs), total)
	}
	for uf, want := range map[string]string{"SP": "11 12 13 14 15 16 17 18 19", "RJ": "21 22 24", "RS": "51 53 54 55", "BA": "71 73 74 75 77", "DF": "61", "AM": "92 97"} {
		if got := strings.Join(DDDs(uf), " "); got != want {
			t.Errorf("DDDs(%s) = %s, want %s", uf, got, want)
		}
	}
	for _, bad := range []string{"", "1", "20", "00", "0x", "100", "a1"} {
		if UF(bad) != "" {
			t.Errorf("UF(%q) = %q", bad, UF(bad))
		}
	}
}

func TestFormatMask(t *testing.T) {
	tests := []struct{ in, national, mask string }{
		{"11987654321", "(11) 98765-4321", "(11) *****-4321"},
		{"2134567890", "(21) 3456-7890", "(21) ****-7890"},
		{"+1 212 555 0123", "+12125550123", "+1 ******0123"},
		{"+351 912 345 678", "+351912345678", "+351 *****5678"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := n.National(); got != tt.national {
			t.Errorf("National(%s) = %q, want %q", tt.in, got, tt.national)
		}
		if got := n.Mask(); got != tt.mask || n.String() != tt.mask || n.LogValue().String() != tt.mask {
			t.Errorf("Mask(%s) = %q / String %q, want %q", tt.in, got, n.String(), tt.mask)
		}
		if back, err := Parse(n.National()); err != nil || back != n {
			t.Errorf("Parse(National(%s)) = %+v, %v", tt.in, back, err)
		}
	}
	var z Number
	if !z.IsZero() || z.Mask() != "" {
		t.Error("zero Number")
	}
}

func TestGenerate(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 13))
	for _, uf := range []string{"SP", "RJ", "AC", "DF", "AM", "RS", "BA", "TO"} {
		for range 500 {
			m, err := GenerateMobile(r, uf)
			if err != nil {
				t.Fatal(err)
			}
			l, err := GenerateLandline(r, uf)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []Number{m, l} {
				got, err := Parse(n.E164)
				if err != nil || got != n || n.UF != uf {
					t.Fatalf("generated %+v for %s: reparsed %+v, %v", n, uf, got, err)
				}
			}
			if m.Kind != Mobile || l.Kind != Landline {
				t.Fatalf("kinds %v %v", m.Kind, l.Kind)
			}
		}
	}
	if _, err := GenerateMobile(r, "XX"); err == nil {
		t.Error("GenerateMobile(XX) succeeded")
	}
	a, _ := GenerateMobile(rand.New(rand.NewPCG(1, 1)), "SP")
	b, _ := GenerateMobile(rand.New(rand.NewPCG(1, 1)), "SP")
	if a != b {
		t.Errorf("not deterministic: %v %v", a.E164, b.E164)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"(11) 98765-4321", "11987654321", "+55 11 98765-4321", "011 98765-4321",
		"0xx11 98765-4321", "0 15 11 98765-4321", "(21) 3456-7890", "+1 212 555 0123", "+52 1 55 1234 5678",
		"+351 912 345 678", "0800 123 4567", "", "+", "0xx", "00", "(11) 99999-9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Input != s {
				t.Fatalf("Parse(%q) error %v does not echo the input", s, err)
			}
			return
		}
		if !strings.HasPrefix(n.E164, "+"+n.CallingCode) || len(n.E164) > 16 {
			t.Fatalf("Parse(%q) = %+v: bad E164", s, n)
		}
		for _, c := range n.E164[1:] {
			if c < '0' || c > '9' {
				t.Fatalf("Parse(%q) E164 %q has non-digits", s, n.E164)
			}
		}
		if n.CallingCode == "55" && (UF(n.DDD) != n.UF || n.UF == "" || n.Kind == Unknown) {
			t.Fatalf("Parse(%q) = %+v: inconsistent Brazilian fields", s, n)
		}
		for _, again := range []string{n.E164, n.National()} {
			if back, err := Parse(again); err != nil || back != n {
				t.Fatalf("Parse(%q) = %+v but Parse(%q) = %+v, %v", s, n, again, back, err)
			}
		}
		if m := n.Mask(); !strings.HasSuffix(m, n.E164[len(n.E164)-4:]) || strings.Contains(m, n.E164[len(n.E164)-8:]) {
			t.Fatalf("mask %q of %s", m, n.E164)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	inputs := []string{"(11) 98765-4321", "+55 21 3456-7890", "011 98765-4321", "+351 912 345 678"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(inputs[i%len(inputs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func TestKindText(t *testing.T) {
	for in, want := range map[string]Kind{"mobile": Mobile, "Celular": Mobile, "móvel": Mobile, "fixo": Landline, "landline": Landline, "": Unknown} {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseKind("pager"); err == nil {
		t.Error("ParseKind(pager) accepted")
	}
	for _, k := range []Kind{Unknown, Mobile, Landline} {
		b, _ := k.MarshalText()
		var back Kind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("text round trip of %v: %s %v %v", k, b, back, err)
		}
	}
}
