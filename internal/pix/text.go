package pix

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The EMV specification's "ans" format is the printable ASCII range; the
// BR Code carries names and cities in it (a reader shows the DICT name
// anyway). Encoding folds Portuguese and Spanish accents to their base
// letters so "São João" becomes "Sao Joao" instead of being rejected.

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

var foldTable = map[rune]string{
	'À': "A", 'Á': "A", 'Â': "A", 'Ã': "A", 'Ä': "A", 'Å': "A",
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a",
	'Ç': "C", 'ç': "c",
	'È': "E", 'É': "E", 'Ê': "E", 'Ë': "E",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'Ì': "I", 'Í': "I", 'Î': "I", 'Ï': "I",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'Ñ': "N", 'ñ': "n",
	'Ò': "O", 'Ó': "O", 'Ô': "O", 'Õ': "O", 'Ö': "O",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o",
	'Ù': "U", 'Ú': "U", 'Û': "U", 'Ü': "U",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u",
	'Ý': "Y", 'ý': "y", 'ÿ': "y",
	'ª': "a", 'º': "o", '°': "o",
	'\u00a0': " ", // no-break space
	'–':      "-", '—': "-", '‘': "'", '’': "'", '“': "\"", '”': "\"",
}

// FoldASCII returns s with accents removed and runs of white space made
// single spaces, or an error naming the first character that has no ASCII
// form.
func FoldASCII(s string) (string, error) {
	if isPrintableASCII(s) && !strings.Contains(s, "  ") {
		return strings.TrimSpace(s), nil
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return "", fmt.Errorf("invalid UTF-8 at byte %d", i)
			}
		}
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0':
			space = true
			continue
		case r >= 0x21 && r <= 0x7E:
		default:
			f, ok := foldTable[r]
			if !ok {
				return "", fmt.Errorf("character %q has no ASCII form", r)
			}
			if f == " " {
				space = true
				continue
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(f)
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String(), nil
}
