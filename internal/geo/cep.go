package geo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
)

// CEPRange is an inclusive range of CEPs as 8-digit numbers.
type CEPRange struct{ First, Last int }

// cepRanges are the Correios ranges per UF. The first digit is the postal
// region (0–1 São Paulo, 2 RJ/ES, 3 MG, 4 BA/SE, 5 PE/AL/PB/RN, 6 North and
// part of the Northeast, 7 Center-West/TO/RO, 8 PR/SC, 9 RS).
var cepRanges = map[string][]CEPRange{
	"SP": {{1000000, 19999999}},
	"RJ": {{20000000, 28999999}},
	"ES": {{29000000, 29999999}},
	"MG": {{30000000, 39999999}},
	"BA": {{40000000, 48999999}},
	"SE": {{49000000, 49999999}},
	"PE": {{50000000, 56999999}},
	"AL": {{57000000, 57999999}},
	"PB": {{58000000, 58999999}},
	"RN": {{59000000, 59999999}},
	"CE": {{60000000, 63999999}},
	"PI": {{64000000, 64999999}},
	"MA": {{65000000, 65999999}},
	"PA": {{66000000, 68899999}},
	"AP": {{68900000, 68999999}},
	"AM": {{69000000, 69299999}, {69400000, 69899999}},
	"RR": {{69300000, 69399999}},
	"AC": {{69900000, 69999999}},
	"DF": {{70000000, 72799999}, {73000000, 73699999}},
	"GO": {{72800000, 72999999}, {73700000, 76799999}},
	"RO": {{76800000, 76999999}},
	"TO": {{77000000, 77999999}},
	"MT": {{78000000, 78899999}},
	"MS": {{79000000, 79999999}},
	"PR": {{80000000, 87999999}},
	"SC": {{88000000, 89999999}},
	"RS": {{90000000, 99999999}},
}

// Errors that ParseCEP and CheckCEP wrap.
var (
	ErrCEPFormat = errors.New("want 8 digits (00000-000)")
	ErrCEPRange  = errors.New("outside every UF's range")
	ErrCEPUF     = errors.New("belongs to another UF")
)

// CEPRanges returns the CEP ranges of a UF. The slice is shared.
func CEPRanges(uf string) []CEPRange {
	u, ok := LookupUF(uf)
	if !ok {
		return nil
	}
	return cepRanges[u.Code]
}

// ParseCEP normalizes a CEP to its 8 digits, accepting "01310-100",
// "01310100", "01.310-100" and surrounding spaces, and checks it falls in
// some UF's range. Spreadsheets drop the leading zero of São Paulo CEPs
// ("1310100"); a 7-digit input is read with that zero restored.
func ParseCEP(s string) (string, error) {
	var b [8]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n < len(b) {
				b[n] = c
			}
			n++
		case c == ' ':
		case c == '-' && n == 5, c == '.' && n == 2:
		default:
			return "", fmt.Errorf("CEP %q: %w", s, ErrCEPFormat)
		}
	}
	switch n {
	case 8:
	case 7:
		copy(b[1:], b[:7])
		b[0] = '0'
	default:
		return "", fmt.Errorf("CEP %q: %w, got %d", s, ErrCEPFormat, n)
	}
	cep := s
	if len(s) != 8 || n != 8 {
		cep = string(b[:])
	}
	if UFOfCEP(cep) == "" {
		return "", fmt.Errorf("CEP %q: %w", s, ErrCEPRange)
	}
	return cep, nil
}

// UFOfCEP returns the UF whose range holds an 8-digit CEP, or "".
func UFOfCEP(cep string) string {
	if len(cep) != 8 {
		return ""
	}
	v := 0
	for i := 0; i < 8; i++ {
		if cep[i] < '0' || cep[i] > '9' {
			return ""
		}
		v = v*10 + int(cep[i]-'0')
	}
	i := sort.Search(len(cepIndex), func(i int) bool { return cepIndex[i].Last >= v })
	if i < len(cepIndex) && cepIndex[i].First <= v {
		return cepIndex[i].uf
	}
	return ""
}

type cepEntry struct {
	CEPRange
	uf string
}

// cepIndex holds every range ordered by First, for binary search.
var cepIndex = func() []cepEntry {
	var out []cepEntry
	for uf, rs := range cepRanges {
		for _, r := range rs {
			out = append(out, cepEntry{r, uf})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].First < out[j].First })
	return out
}()

// CheckCEP parses cep and checks that it lies in uf's range.
func CheckCEP(uf, cep string) (string, error) {
	u, err := ParseUF(uf)
	if err != nil {
		return "", err
	}
	norm, err := ParseCEP(cep)
	if err != nil {
		return "", err
	}
	if got := UFOfCEP(norm); got != u.Code {
		return "", fmt.Errorf("CEP %q: %w (%s, not %s)", cep, ErrCEPUF, got, u.Code)
	}
	return norm, nil
}

// FormatCEP writes an 8-digit CEP as "01310-100"; other input is returned
// unchanged.
func FormatCEP(cep string) string {
	if len(cep) != 8 {
		return cep
	}
	return cep[:5] + "-" + cep[5:]
}

// GenerateCEP returns a random CEP inside uf's ranges, for demo addresses.
// It is plausible for the UF, not a real street.
func GenerateCEP(r *rand.Rand, uf string) (string, error) {
	rs := CEPRanges(uf)
	if len(rs) == 0 {
		return "", fmt.Errorf("geo: no CEP range for UF %q", uf)
	}
	rg := rs[r.IntN(len(rs))]
	v := rg.First + r.IntN(rg.Last-rg.First+1)
	return fmt.Sprintf("%08d", v), nil
}
