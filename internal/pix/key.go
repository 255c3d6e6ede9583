package pix

import (
	"fmt"
	"strings"
)

// KeyType is the kind of a Pix key (chave Pix) as registered in the DICT,
// the Central Bank's directory of transactional account identifiers.
type KeyType string

const (
	KeyCPF   KeyType = "cpf"   // 11 digits of a person's taxpayer number
	KeyCNPJ  KeyType = "cnpj"  // 14 characters of a company's number (digits, or the alphanumeric CNPJ)
	KeyEmail KeyType = "email" // lower-case e-mail address, at most 77 characters
	KeyPhone KeyType = "phone" // "+55" + area code + mobile number
	KeyEVP   KeyType = "evp"   // random key (chave aleatória): a UUID in lower-case hex with dashes
)

// maxKeyLen is the longest chave that fits the 26 template next to the GUI:
// 99 - 4 (ID+len of GUI) - 14 (GUI) - 4 (ID+len of chave).
const maxKeyLen = 77

// NormalizeKey recognises the type of a Pix key and returns it in the form
// the DICT and the BR Code use: CPF/CNPJ without punctuation, e-mail and
// random keys in lower case, phone as "+55DDNNNNNNNNN". Punctuated CPF/CNPJ
// ("123.456.789-09") and spaced or dashed phones ("+55 (61) 91234-5678")
// are accepted. A phone must start with "+": eleven bare digits are a CPF.
func NormalizeKey(s string) (string, KeyType, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", "", fmt.Errorf("chave: empty")
	case strings.Contains(s, "@"):
		k := strings.ToLower(s)
		return k, KeyEmail, checkEmail(k)
	case s[0] == '+':
		k := strings.Map(func(r rune) rune {
			switch r {
			case ' ', '-', '(', ')', '.':
				return -1
			}
			return r
		}, s)
		return k, KeyPhone, checkPhone(k)
	case len(s) == 36 && s[8] == '-':
		k := strings.ToLower(s)
		return k, KeyEVP, checkEVP(k)
	}
	k := strings.Map(func(r rune) rune {
		switch r {
		case '.', '-', '/', ' ':
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
	switch len(k) {
	case 11:
		return k, KeyCPF, checkCPF(k)
	case 14:
		return k, KeyCNPJ, checkCNPJ(k)
	}
	return "", "", fmt.Errorf("chave %q: not a CPF, CNPJ, e-mail, +55 phone or random key (EVP)", s)
}

// ValidateKey checks that k is already in DICT form (as it must appear in a
// BR Code) and returns its type.
func ValidateKey(k string) (KeyType, error) {
	if k == "" {
		return "", fmt.Errorf("empty")
	}
	if len(k) > maxKeyLen {
		return "", fmt.Errorf("%d characters, at most %d", len(k), maxKeyLen)
	}
	switch {
	case strings.IndexByte(k, '@') >= 0:
		// The DICT stores e-mail keys in lower case; readers in the field
		// accept mixed case, so the decoder does too.
		return KeyEmail, checkEmail(strings.ToLower(k))
	case k[0] == '+':
		return KeyPhone, checkPhone(k)
	case len(k) == 36:
		return KeyEVP, checkEVP(strings.ToLower(k))
	case len(k) == 11:
		return KeyCPF, checkCPF(k)
	case len(k) == 14:
		return KeyCNPJ, checkCNPJ(k)
	}
	return "", fmt.Errorf("%q is not a CPF, CNPJ, e-mail, +55 phone or random key (EVP)", k)
}

func allSame(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// checkCPF verifies the two mod-11 check digits of a CPF.
func checkCPF(k string) error {
	if len(k) != 11 {
		return fmt.Errorf("CPF %q: want 11 digits", k)
	}
	for i := 0; i < 11; i++ {
		if k[i] < '0' || k[i] > '9' {
			return fmt.Errorf("CPF %q: want 11 digits", k)
		}
	}
	if allSame(k) {
		return fmt.Errorf("CPF %q: repeated digits are not a valid CPF", k)
	}
	for n := 9; n <= 10; n++ {
		sum := 0
		for i := 0; i < n; i++ {
			sum += int(k[i]-'0') * (n + 1 - i)
		}
		d := sum * 10 % 11 % 10
		if int(k[n]-'0') != d {
			return fmt.Errorf("CPF %q: check digit %d should be %d", k, n-8, d)
		}
	}
	return nil
}

// checkCNPJ verifies a CNPJ, numeric or alphanumeric (IN RFB 2.229/2024):
// twelve characters 0-9/A-Z whose values are their ASCII code minus 48,
// then two numeric mod-11 check digits.
func checkCNPJ(k string) error {
	if len(k) != 14 {
		return fmt.Errorf("CNPJ %q: want 14 characters", k)
	}
	for i := 0; i < 14; i++ {
		c := k[i]
		digit := c >= '0' && c <= '9'
		if i >= 12 && !digit || i < 12 && !digit && (c < 'A' || c > 'Z') {
			return fmt.Errorf("CNPJ %q: want 12 characters 0-9/A-Z and 2 check digits", k)
		}
	}
	if allSame(k) {
		return fmt.Errorf("CNPJ %q: repeated digits are not a valid CNPJ", k)
	}
	weights := [13]int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}
	for n := 12; n <= 13; n++ {
		sum := 0
		for i := 0; i < n; i++ {
			sum += int(k[i]-'0') * weights[13-n+i]
		}
		d := 0
		if r := sum % 11; r >= 2 {
			d = 11 - r
		}
		if int(k[n]-'0') != d {
			return fmt.Errorf("CNPJ %q: check digit %d should be %d", k, n-11, d)
		}
	}
	return nil
}

// checkPhone accepts Brazilian mobile numbers in international form:
// "+55", a two-digit area code (11..99, no zero) and nine digits starting
// with 9, which is what the DICT registers as a phone key.
func checkPhone(k string) error {
	if !strings.HasPrefix(k, "+55") {
		return fmt.Errorf("phone %q: must start with +55", k)
	}
	d := k[3:]
	if len(d) != 11 {
		return fmt.Errorf("phone %q: want +55, a 2-digit area code and a 9-digit mobile number", k)
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return fmt.Errorf("phone %q: only digits after +", k)
		}
	}
	if d[0] == '0' || d[1] == '0' {
		return fmt.Errorf("phone %q: area code %s is not valid", k, d[:2])
	}
	if d[2] != '9' {
		return fmt.Errorf("phone %q: a mobile number starts with 9", k)
	}
	return nil
}

// checkEVP checks the 8-4-4-4-12 lower-case hex shape of a random key. The
// DICT does not promise any UUID version (the manual's own example is not a
// valid RFC 4122 version), so only the shape is checked.
func checkEVP(k string) error {
	if len(k) != 36 {
		return fmt.Errorf("random key %q: want 36 characters (8-4-4-4-12 hex)", k)
	}
	for i := 0; i < 36; i++ {
		c := k[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return fmt.Errorf("random key %q: want a dash at position %d", k, i+1)
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return fmt.Errorf("random key %q: %q is not a lower-case hex digit", k, c)
			}
		}
	}
	return nil
}

// checkEmail applies the DICT's shape for e-mail keys: at most 77
// characters, a local part of letters, digits and the usual specials, a
// domain of dot-separated labels.
func checkEmail(k string) error {
	if len(k) > maxKeyLen {
		return fmt.Errorf("e-mail %q: %d characters, at most %d", k, len(k), maxKeyLen)
	}
	at := strings.IndexByte(k, '@')
	if at <= 0 || at != strings.LastIndexByte(k, '@') || at == len(k)-1 {
		return fmt.Errorf("e-mail %q: want one @ between a name and a domain", k)
	}
	for i := 0; i < at; i++ {
		c := k[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte(".!#$&'*+/=?^_`{|}~-", c) >= 0 {
			continue
		}
		return fmt.Errorf("e-mail %q: character %q not allowed in the name", k, c)
	}
	for _, label := range strings.Split(k[at+1:], ".") {
		if label == "" {
			return fmt.Errorf("e-mail %q: empty domain label", k)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("e-mail %q: character %q not allowed in the domain", k, c)
			}
		}
	}
	return nil
}
