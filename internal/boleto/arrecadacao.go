package boleto

import (
	"fmt"
	"strconv"

	"github.com/regua/regua/internal/money"
)

// Collection is an arrecadação document (utility, tax and fine bills):
// a 44-digit barcode starting with 8, printed as a 48-digit line of four
// blocks of 11 digits, each followed by its check digit.
//
//	pos 1      product, 8 = arrecadação
//	pos 2      segment (1 prefeituras, 2 saneamento, 3 energia e gás,
//	           4 telecomunicações, 5 órgãos governamentais, 6 carnês e
//	           assemelhados, 7 multas de trânsito, 9 uso exclusivo do banco)
//	pos 3      value identifier: 6 value in reais, mod 10; 7 reference
//	           quantity, mod 10; 8 value in reais, mod 11; 9 reference, mod 11
//	pos 4      general check digit (mod 10 or mod 11 by pos 3)
//	pos 5-15   value (11 digits)
//	pos 16-19  company/agency id (segment 6: CNPJ root, pos 16-23)
//	pos 20-44  free for the company
type Collection struct {
	Segment     string      `json:"segment"`
	SegmentName string      `json:"segment_name"`
	ValueID     string      `json:"value_id"`
	Modulus     int         `json:"modulus"`
	IsValue     bool        `json:"is_value"` // false: a reference quantity, not reais
	Value       money.Money `json:"value"`
	Company     string      `json:"company"`
	Free        string      `json:"free"`
}

var segmentNames = map[byte]string{
	'1': "prefeituras", '2': "saneamento", '3': "energia elétrica e gás", '4': "telecomunicações",
	'5': "órgãos governamentais", '6': "carnês e assemelhados", '7': "multas de trânsito", '9': "uso exclusivo do banco",
}

// collectionDV computes a check digit by the modulus the value identifier
// names: mod 10 as in the boleto; mod 11 with weights 2..9, remainders 0
// and 1 giving 0 and 10 giving 1.
func collectionDV(s string, modulus int) int {
	if modulus == 10 {
		return mod10(s)
	}
	return mod11ZeroHigh(s)
}

func collectionModulus(id byte) (int, error) {
	switch id {
	case '6', '7':
		return 10, nil
	case '8', '9':
		return 11, nil
	}
	return 0, fmt.Errorf("value identifier (position 3) is %c; want 6 or 7 (módulo 10) or 8 or 9 (módulo 11)", id)
}

// FormatCollection writes a 48-digit line as four blocks "NNNNNNNNNNN-D".
func FormatCollection(l string) string {
	if len(l) != 48 {
		return l
	}
	return l[0:11] + "-" + l[11:12] + " " + l[12:23] + "-" + l[23:24] + " " + l[24:35] + "-" + l[35:36] + " " + l[36:47] + "-" + l[47:48]
}

// CollectionBarcodeToLine inserts the four block check digits.
func CollectionBarcodeToLine(code string) (string, error) {
	if len(code) != 44 || !isDigits(code) || code[0] != '8' {
		return "", fmt.Errorf("boleto: arrecadação barcode must be 44 digits starting with 8")
	}
	m, err := collectionModulus(code[2])
	if err != nil {
		return "", fmt.Errorf("boleto: %v", err)
	}
	out := make([]byte, 0, 48)
	for i := 0; i < 4; i++ {
		blk := code[i*11 : i*11+11]
		out = append(out, blk...)
		out = append(out, byte('0'+collectionDV(blk, m)))
	}
	return string(out), nil
}

func collectionBody(code string) string { return code[:3] + code[4:] }

func validCollectionLine(l string) bool {
	if len(l) != 48 || l[0] != '8' {
		return false
	}
	p, _ := collectionLineProblems(l)
	return len(p) == 0
}

func collectionLineProblems(l string) (probs []Problem, failed []int) {
	m, err := collectionModulus(l[2])
	if err != nil {
		return []Problem{{Field: "value identifier", Position: 3, Message: err.Error()}}, nil
	}
	for i := 0; i < 4; i++ {
		blk, dv := l[i*12:i*12+11], int(l[i*12+11]-'0')
		if want := collectionDV(blk, m); want != dv {
			failed = append(failed, i)
			probs = append(probs, Problem{Field: fmt.Sprintf("block %d", i+1), Position: i*12 + 12,
				Message: fmt.Sprintf("check digit is %d, computed %d (módulo %d)", dv, want, m)})
		}
	}
	code := l[0:11] + l[12:23] + l[24:35] + l[36:47]
	if want := collectionDV(collectionBody(code), m); int(code[3]-'0') != want {
		failed = append(failed, 4)
		probs = append(probs, Problem{Field: "general check digit", Position: 4,
			Message: fmt.Sprintf("is %c, computed %d (módulo %d)", code[3], want, m)})
	}
	return probs, failed
}

func decodeCollectionLine(input, l string) (Decoded, error) {
	probs, failed := collectionLineProblems(l)
	if len(probs) > 0 {
		e := &DecodeError{Input: input, Problems: probs}
		blocks := map[int]bool{}
		for _, f := range failed {
			if f < 4 {
				blocks[f] = true
			}
		}
		if len(blocks) == 1 {
			for b := range blocks {
				e.Suspect = "block " + strconv.Itoa(b+1)
				e.Suggestions = singleSlipFixes(l, b*12, b*12+12, validCollectionLine, maxSuggestions+1)
				if len(e.Suggestions) > maxSuggestions {
					e.Suggestions = nil
				}
			}
		}
		return Decoded{}, e
	}
	code := l[0:11] + l[12:23] + l[24:35] + l[36:47]
	d := collectionFields(code)
	d.Input = input
	return d, nil
}

func decodeCollectionBarcode(input, code string) (Decoded, error) {
	m, err := collectionModulus(code[2])
	if err != nil {
		return Decoded{}, &DecodeError{Input: input, Problems: []Problem{{Field: "value identifier", Position: 3, Message: err.Error()}}}
	}
	if want := collectionDV(collectionBody(code), m); int(code[3]-'0') != want {
		return Decoded{}, &DecodeError{Input: input, Problems: []Problem{{Field: "general check digit", Position: 4,
			Message: fmt.Sprintf("is %c, computed %d (módulo %d)", code[3], want, m)}}}
	}
	d := collectionFields(code)
	d.Input = input
	return d, nil
}

func collectionFields(code string) Decoded {
	m, _ := collectionModulus(code[2])
	v, _ := strconv.ParseInt(code[4:15], 10, 64)
	c := &Collection{Segment: code[1:2], SegmentName: segmentNames[code[1]], ValueID: code[2:3], Modulus: m,
		IsValue: code[2] == '6' || code[2] == '8', Value: money.Money(v), Company: code[15:19], Free: code[19:]}
	if code[1] == '6' {
		c.Company, c.Free = code[15:23], code[23:]
	}
	line, _ := CollectionBarcodeToLine(code)
	d := Decoded{Kind: KindArrecadacao, Barcode: code, Digitable: line, Formatted: FormatCollection(line), Collection: c}
	if c.IsValue {
		d.Amount = c.Value
	}
	return d
}
