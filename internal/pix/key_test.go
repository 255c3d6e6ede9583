package pix

import "testing"

func TestNormalizeKey(t *testing.T) {
	tests := []struct {
		in, want string
		typ      KeyType
		ok       bool
	}{
		// Formats from the manual, section 2.5.1 (CPF 12345678900 there is
		// an illustration and fails the check digits, so a valid one is used).
		{"123.456.789-09", "12345678909", KeyCPF, true},
		{"12345678909", "12345678909", KeyCPF, true},
		{"12345678900", "", KeyCPF, false},
		{"111.111.111-11", "", KeyCPF, false},
		{"00038166000105", "00038166000105", KeyCNPJ, true}, // manual's CNPJ example (BCB's own)
		{"11.222.333/0001-81", "11222333000181", KeyCNPJ, true},
		{"11222333000182", "", KeyCNPJ, false},
		{"12ABC34501DE35", "12ABC34501DE35", KeyCNPJ, true}, // manual's alphanumeric CNPJ example
		{"12.abc.345/01de-35", "12ABC34501DE35", KeyCNPJ, true},
		{"12ABC34501DE36", "", KeyCNPJ, false},
		{"Fulano_Da_Silva.Recebedor@Example.com", "fulano_da_silva.recebedor@example.com", KeyEmail, true},
		{"fulano@@example.com", "", KeyEmail, false},
		{"fulano@example..com", "", KeyEmail, false},
		{"+5561912345678", "+5561912345678", KeyPhone, true},
		{"+55 (61) 91234-5678", "+5561912345678", KeyPhone, true},
		{"+556112345678", "", KeyPhone, false},  // landline, no 9
		{"+15551234567", "", KeyPhone, false},   // not Brazil
		{"+5501912345678", "", KeyPhone, false}, // area code 01
		{"123E4567-E12B-12D1-A456-426655440000", "123e4567-e12b-12d1-a456-426655440000", KeyEVP, true},
		{"123e4567-e12b-12d1-a456-42665544000g", "", KeyEVP, false},
		{"", "", "", false},
		{"abc", "", "", false},
	}
	for _, tt := range tests {
		got, typ, err := NormalizeKey(tt.in)
		if tt.ok != (err == nil) || tt.ok && (got != tt.want || typ != tt.typ) {
			t.Errorf("NormalizeKey(%q) = %q, %q, %v; want %q, %q, ok=%v", tt.in, got, typ, err, tt.want, tt.typ, tt.ok)
		}
		if tt.ok {
			if vt, err := ValidateKey(got); err != nil || vt != tt.typ {
				t.Errorf("ValidateKey(%q) = %q, %v", got, vt, err)
			}
		}
	}
}

func TestValidateKeyRejectsUnnormalized(t *testing.T) {
	for _, k := range []string{"123.456.789-09", "+55 61 91234 5678", "11.222.333/0001-81"} {
		if _, err := ValidateKey(k); err == nil {
			t.Errorf("ValidateKey(%q) accepted a key not in DICT form", k)
		}
	}
}

func TestFoldASCII(t *testing.T) {
	tests := []struct{ in, want string }{
		{"São João", "Sao Joao"},
		{"  AÇÚCAR   união ", "ACUCAR uniao"},
		{"plain", "plain"},
		{"nº 5 – ok", "no 5 - ok"},
	}
	for _, tt := range tests {
		if got, err := FoldASCII(tt.in); err != nil || got != tt.want {
			t.Errorf("FoldASCII(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := FoldASCII("日本"); err == nil {
		t.Error("FoldASCII accepted characters without ASCII form")
	}
}
