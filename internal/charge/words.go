package charge

import (
	"fmt"
	"strings"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/money"
)

// Locale normalises a locale to one of the three this package writes:
// "pt-BR" (default), "es" or "en".
func Locale(l string) string {
	l = strings.ToLower(l)
	switch {
	case strings.HasPrefix(l, "es"):
		return "es"
	case strings.HasPrefix(l, "en"):
		return "en"
	}
	return "pt-BR"
}

// Say writes m for people: the number as money.Format writes it, then the
// amount in words, "R$ 1.500,00 (mil e quinhentos reais)".
func Say(m money.Money, locale string) string {
	return m.Format(Locale(locale)) + " (" + Spell(m, locale) + ")"
}

// Words describes each line of the installment and its total in sentences,
// the text that screens, messages and the acceptance record show.
func (ib InstallmentBreakdown) Words(locale string) []string {
	loc := Locale(locale)
	out := make([]string, 0, len(ib.Lines)+2)
	for _, l := range ib.Lines {
		if l.Part != Principal && l.Charged == 0 && l.Note == "" {
			continue
		}
		out = append(out, l.sentence(loc, ib))
	}
	if ib.Rebate > 0 {
		out = append(out, fmt.Sprintf(map[string]string{
			"pt-BR": "Parcela %d ainda não vencida (vence em %s): pagando hoje, desconto de %s dos juros (CDC art. 52 §2º).",
			"es":    "Cuota %d aún no vencida (vence el %s): pagando hoy, descuento de %s de los intereses.",
			"en":    "Installment %d is not yet due (due %s): paid today, %s of interest comes off.",
		}[loc], ib.Number, ib.Due.Format(loc), Say(ib.Rebate, loc)))
	}
	out = append(out, fmt.Sprintf(map[string]string{
		"pt-BR": "Total em aberto da parcela %d: %s.",
		"es":    "Total pendiente de la cuota %d: %s.",
		"en":    "Total open on installment %d: %s.",
	}[loc], ib.Number, Say(ib.Total, loc)))
	return out
}

// Words describes the whole breakdown: every installment, then the total.
func (b Breakdown) Words(locale string) []string {
	loc := Locale(locale)
	var out []string
	for _, ib := range b.Installments {
		out = append(out, ib.Words(loc)...)
	}
	out = append(out, fmt.Sprintf(map[string]string{
		"pt-BR": "Total devido em %s: %s.",
		"es":    "Total adeudado al %s: %s.",
		"en":    "Total owed on %s: %s.",
	}[loc], b.AsOf.Format(loc), Say(b.Total, loc)))
	return out
}

func (l Line) sentence(loc string, ib InstallmentBreakdown) string {
	d := func(x date.Date) string { return x.Format(loc) }
	var s string
	switch l.Part {
	case Principal:
		s = fmt.Sprintf(map[string]string{
			"pt-BR": "Valor original da parcela %d, vencida em %s: %s",
			"es":    "Valor original de la cuota %d, vencida el %s: %s",
			"en":    "Original amount of installment %d, due %s: %s",
		}[loc], ib.Number, d(ib.Due), Say(l.Charged, loc))
	case Correction:
		s = fmt.Sprintf(map[string]string{
			"pt-BR": "Correção monetária pelo %s sobre %s, %d meses completos de %s a %s (fator %s): %s",
			"es":    "Corrección monetaria por el %s sobre %s, %d meses completos del %s al %s (factor %s): %s",
			"en":    "Monetary correction by %s on %s, %d complete months from %s to %s (factor %s): %s",
		}[loc], l.Rate, l.Base.Format(loc), l.Months, d(l.From), d(l.To), decimal(l.Factor, loc), Say(l.Charged, loc))
	case Fine:
		s = fmt.Sprintf(map[string]string{
			"pt-BR": "Multa de %s sobre %s: %s",
			"es":    "Multa de %s sobre %s: %s",
			"en":    "Late fine of %s on %s: %s",
		}[loc], decimal(l.Rate, loc), l.Base.Format(loc), Say(l.Charged, loc))
	case Interest:
		method := map[string]map[Method]string{
			"pt-BR": {Simple: "simples", Compound: "compostos"},
			"es":    {Simple: "simple", Compound: "compuesto"},
			"en":    {Simple: "simple", Compound: "compound"},
		}[loc][l.Method]
		s = fmt.Sprintf(map[string]string{
			"pt-BR": "Juros de mora de %s (%s, pro rata die) sobre %s por %d dias, de %s a %s: %s",
			"es":    "Intereses de mora de %s (%s, pro rata diario) sobre %s por %d días, del %s al %s: %s",
			"en":    "Default interest at %s (%s, pro rata per day) on %s for %d days, %s to %s: %s",
		}[loc], rateWords(l.Rate, loc), method, l.Base.Format(loc), l.Days, d(l.From), d(l.To), Say(l.Charged, loc))
	case Fees:
		s = fmt.Sprintf(map[string]string{
			"pt-BR": "Tarifas previstas no contrato (%s): %s",
			"es":    "Cargos previstos en el contrato (%s): %s",
			"en":    "Fees the contract allows (%s): %s",
		}[loc], l.Rate, Say(l.Charged, loc))
	}
	if l.Paid > 0 {
		s += fmt.Sprintf(map[string]string{"pt-BR": "; já pago %s", "es": "; ya pagado %s", "en": "; already paid %s"}[loc], l.Paid.Format(loc))
	}
	if l.Note != "" {
		s += " [" + l.Note + "]"
	}
	return s + "."
}

// decimal swaps the dot of a machine number for the locale's mark.
func decimal(s, loc string) string {
	if loc == "en" {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}

// rateWords writes a machine rate ("1%am") the way the locale reads it; an
// index name passes through.
func rateWords(s, loc string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	suffix := map[string]map[string]string{
		"pt-BR": {"am": " a.m.", "aa": " a.a.", "ad": " a.d."},
		"es":    {"am": " mensual", "aa": " anual", "ad": " diario"},
		"en":    {"am": " per month", "aa": " per year", "ad": " per day"},
	}[loc]
	i := strings.IndexByte(s, '%')
	return decimal(s[:i], loc) + "%" + suffix[s[i+1:]]
}

// Currency names the unit and the hundredth in words.
type Currency struct{ One, Many, CentOne, CentMany string }

// Spell writes m in words in the locale: pt-BR "mil e quinhentos reais e
// dez centavos", es "mil quinientos reales con diez centavos", en "one
// thousand five hundred reais and ten centavos". Amounts are reais in every
// locale, as money.Format prints them; SpellIn takes another currency.
func Spell(m money.Money, locale string) string {
	loc := Locale(locale)
	c := map[string]Currency{
		"pt-BR": {"real", "reais", "centavo", "centavos"},
		"es":    {"real", "reales", "centavo", "centavos"},
		"en":    {"real", "reais", "centavo", "centavos"},
	}[loc]
	return SpellIn(m, loc, c)
}

// SpellIn is Spell with an explicit currency.
func SpellIn(m money.Money, locale string, c Currency) string {
	loc := Locale(locale)
	neg := m < 0
	u := uint64(m)
	if neg {
		u = uint64(-(m + 1)) + 1
	}
	units, cents := u/100, u%100
	var parts []string
	if units > 0 {
		w := spellNumber(units, loc)
		name := c.Many
		if units == 1 {
			name = c.One
		} else if loc == "pt-BR" && units%1_000_000 == 0 {
			name = "de " + name // "um milhão de reais"
		} else if loc == "es" && units%1_000_000 == 0 {
			name = "de " + name
		}
		parts = append(parts, apocope(w, loc)+" "+name)
	}
	if cents > 0 || units == 0 {
		w := apocope(spellNumber(cents, loc), loc)
		name := c.CentMany
		if cents == 1 {
			name = c.CentOne
		}
		parts = append(parts, w+" "+name)
	}
	join := map[string]string{"pt-BR": " e ", "es": " con ", "en": " and "}[loc]
	s := strings.Join(parts, join)
	if neg {
		s = map[string]string{"pt-BR": "menos ", "es": "menos ", "en": "minus "}[loc] + s
	}
	return s
}

// apocope shortens a Spanish number before a noun: "uno" → "un",
// "veintiuno" → "veintiún" ("treinta y un centavos").
func apocope(w, loc string) string {
	if loc != "es" {
		return w
	}
	switch {
	case strings.HasSuffix(w, "veintiuno"):
		return strings.TrimSuffix(w, "uno") + "ún"
	case strings.HasSuffix(w, "uno"):
		return strings.TrimSuffix(w, "uno") + "un"
	}
	return w
}

// spellNumber writes n (< 10^18) in words.
func spellNumber(n uint64, loc string) string {
	if n == 0 {
		return map[string]string{"pt-BR": "zero", "es": "cero", "en": "zero"}[loc]
	}
	var groups []uint64 // little-endian groups of three digits
	for x := n; x > 0; x /= 1000 {
		groups = append(groups, x%1000)
	}
	type scale struct{ one, many string }
	scales := map[string][]scale{
		"pt-BR": {{"", ""}, {"mil", "mil"}, {"milhão", "milhões"}, {"bilhão", "bilhões"}, {"trilhão", "trilhões"}, {"quatrilhão", "quatrilhões"}, {"quintilhão", "quintilhões"}},
		"es":    {{"", ""}, {"mil", "mil"}, {"millón", "millones"}, {"mil millones", "mil millones"}, {"billón", "billones"}, {"mil billones", "mil billones"}, {"trillón", "trillones"}},
		"en":    {{"", ""}, {"thousand", "thousand"}, {"million", "million"}, {"billion", "billion"}, {"trillion", "trillion"}, {"quadrillion", "quadrillion"}, {"quintillion", "quintillion"}},
	}[loc]
	var words []string
	last := -1 // index of the lowest non-zero group
	for i, g := range groups {
		if g != 0 {
			last = i
			break
		}
	}
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			continue
		}
		var w string
		switch {
		case i == 1 && g == 1 && loc != "en":
			w = "mil" // never "um mil" / "uno mil"
		case i == 0:
			w = spellGroup(g, loc, false)
		default:
			w = spellGroup(g, loc, loc == "es") + " "
			if g == 1 {
				w += scales[i].one
			} else {
				w += scales[i].many
			}
			if loc == "es" && i == 3 && g == 1 {
				w = "mil millones"
			}
		}
		if len(words) > 0 {
			sep := " "
			if loc == "pt-BR" {
				// "mil e quinhentos", "mil duzentos e trinta": "e" before the
				// last group when it is below 100 or a round hundred.
				if i == last && (g < 100 || g%100 == 0) {
					sep = " e "
				} else {
					sep = ", "
					if i == last {
						sep = " "
					}
				}
			}
			words = append(words, sep)
		}
		words = append(words, w)
	}
	return strings.Join(words, "")
}

// spellGroup writes 1..999. apocope makes Spanish "uno" → "un" before a scale.
func spellGroup(n uint64, loc string, apocope bool) string {
	switch loc {
	case "es":
		return groupES(n, apocope)
	case "en":
		return groupEN(n)
	}
	return groupPT(n)
}

var (
	ptUnits    = []string{"", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez", "onze", "doze", "treze", "catorze", "quinze", "dezesseis", "dezessete", "dezoito", "dezenove"}
	ptTens     = []string{"", "", "vinte", "trinta", "quarenta", "cinquenta", "sessenta", "setenta", "oitenta", "noventa"}
	ptHundreds = []string{"", "cento", "duzentos", "trezentos", "quatrocentos", "quinhentos", "seiscentos", "setecentos", "oitocentos", "novecentos"}
	esUnits    = []string{"", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve",
		"veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve"}
	esTens     = []string{"", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"}
	esHundreds = []string{"", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos", "setecientos", "ochocientos", "novecientos"}
	enUnits    = []string{"", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	enTens     = []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
)

func groupPT(n uint64) string {
	if n == 100 {
		return "cem"
	}
	var w []string
	if h := n / 100; h > 0 {
		w = append(w, ptHundreds[h])
	}
	r := n % 100
	switch {
	case r == 0:
	case r < 20:
		w = append(w, ptUnits[r])
	default:
		w = append(w, ptTens[r/10])
		if r%10 > 0 {
			w = append(w, ptUnits[r%10])
		}
	}
	return strings.Join(w, " e ")
}

func groupES(n uint64, apocope bool) string {
	if n == 100 {
		return "cien"
	}
	var w []string
	if h := n / 100; h > 0 {
		w = append(w, esHundreds[h])
	}
	r := n % 100
	var t string
	switch {
	case r == 0:
	case r < 30:
		t = esUnits[r]
	default:
		t = esTens[r/10]
		if r%10 > 0 {
			t += " y " + esUnits[r%10]
		}
	}
	if apocope && r%10 == 1 && r != 11 {
		switch {
		case r == 21:
			t = "veintiún"
		case strings.HasSuffix(t, "uno"):
			t = strings.TrimSuffix(t, "uno") + "un"
		}
	}
	if t != "" {
		w = append(w, t)
	}
	return strings.Join(w, " ")
}

func groupEN(n uint64) string {
	var w []string
	if h := n / 100; h > 0 {
		w = append(w, enUnits[h]+" hundred")
	}
	r := n % 100
	switch {
	case r == 0:
	case r < 20:
		w = append(w, enUnits[r])
	default:
		t := enTens[r/10]
		if r%10 > 0 {
			t += "-" + enUnits[r%10]
		}
		w = append(w, t)
	}
	return strings.Join(w, " ")
}
