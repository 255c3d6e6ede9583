package policy

import (
	"fmt"
	"strings"
	"time"
)

// Languages the reasons render in.
var Languages = []string{"pt-BR", "es", "en"}

func lang(l string) int {
	switch strings.ToLower(l) {
	case "pt-br", "pt", "pt_br":
		return 0
	case "es":
		return 1
	}
	return 2
}

var texts = map[Code][3]string{
	CodeQuietHours:    {"fora do horário permitido (%s)", "fuera del horario permitido (%s)", "outside the allowed hours (%s)"},
	CodeWeekend:       {"fim de semana: sem contato neste dia", "fin de semana: sin contacto este día", "weekend: no contact on this day"},
	CodeClosedDay:     {"dia sem horário de contato", "día sin horario de contacto", "no contact hours on this day"},
	CodeHoliday:       {"feriado (%s): %s", "feriado (%s): %s", "holiday (%s): %s"},
	CodeCommemorative: {"data comemorativa sem contato: %s", "fecha conmemorativa sin contacto: %s", "commemorative date kept contact-free: %s"},
	CodeCap:           {"limite de frequência atingido: %d de %d contatos em %s", "límite de frecuencia alcanzado: %d de %d contactos en %s", "frequency cap reached: %d of %d contacts in %s"},
	CodeCooldown:      {"pausa após conversa: %d conversa(s) em %s", "pausa tras conversación: %d conversación(es) en %s", "cool-down after a conversation: %d conversation(s) in %s"},
	CodeOptOut:        {"o cliente pediu para não ser contatado por %s", "el cliente pidió no ser contactado por %s", "the debtor opted out of %s"},
	CodeDispute:       {"contestação pendente: cobrança suspensa", "reclamación pendiente: cobranza suspendida", "dispute pending: collection paused"},
	CodeAgreement:     {"acordo em vigor: sem cobrança", "acuerdo vigente: sin cobranza", "agreement in force: no collection"},
	CodeBankrupt:      {"insolvência ou recuperação: cobrança suspensa", "insolvencia o quiebra: cobranza suspendida", "insolvency or bankruptcy: collection stayed"},
	CodeDeceased:      {"cliente falecido", "cliente fallecido", "debtor deceased"},
	CodeRepresented:   {"cliente representado por advogado: falar com o advogado", "cliente representado por abogado: hablar con el abogado", "debtor represented by an attorney: contact the attorney"},
	CodePrefChannel:   {"o cliente não escolheu ou não autorizou o canal %s", "el cliente no eligió ni autorizó el canal %s", "the debtor did not choose or authorise %s"},
	CodePrefHours:     {"fora do horário preferido pelo cliente (%s)", "fuera del horario preferido por el cliente (%s)", "outside the debtor's preferred hours (%s)"},
	CodeNotAtWork:     {"o cliente pediu para não ser contatado no trabalho (%s)", "el cliente pidió no ser contactado en el trabajo (%s)", "the debtor asked not to be contacted at work (%s)"},
	CodeNoSlot:        {"nenhum horário permitido no próximo ano", "ningún horario permitido en el próximo año", "no allowed slot within a year"},
	CodeNoZone:        {"fuso horário do cliente desconhecido", "zona horaria del cliente desconocida", "the debtor's time zone is unknown"},
}

var kindTexts = map[string][3]string{
	"national": {"nacional", "nacional", "national"}, "state": {"estadual", "regional", "state"},
	"municipal": {"municipal", "municipal", "municipal"}, "optional": {"ponto facultativo", "día opcional", "optional day off"},
	"commemorative": {"data comemorativa", "fecha conmemorativa", "commemorative date"},
}

var untilTexts = [3]string{"até", "hasta", "until"}

func windowText(r *Reason, li int) string {
	if r.Days > 0 {
		return fmt.Sprintf([3]string{"%d dia(s) corrido(s)", "%d día(s) calendario", "%d calendar day(s)"}[li], r.Days)
	}
	d := r.Window
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf([3]string{"%d dia(s)", "%d día(s)", "%d day(s)"}[li], int(d/(24*time.Hour)))
	}
	return strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
}

// Text renders the reason as a sentence in lang ("pt-BR", "es" or "en";
// anything else is English).
func (r *Reason) Text(language string) string {
	li := lang(language)
	t, ok := texts[r.Code]
	if !ok {
		return r.Code.String()
	}
	f := t[li]
	var s string
	open := "—"
	if r.hasOpen {
		open = r.open.From.String() + "–" + r.open.To.String()
	}
	switch r.Code {
	case CodeQuietHours, CodePrefHours, CodeNotAtWork:
		s = fmt.Sprintf(f, open)
	case CodeHoliday:
		s = fmt.Sprintf(f, kindTexts[r.Kind.String()][li], r.Holiday)
	case CodeCommemorative:
		s = fmt.Sprintf(f, r.Holiday)
	case CodeCap:
		s = fmt.Sprintf(f, r.Count, r.Limit, windowText(r, li))
	case CodeCooldown:
		s = fmt.Sprintf(f, r.Count, windowText(r, li))
	case CodeOptOut, CodePrefChannel:
		s = fmt.Sprintf(f, r.Channel)
	default:
		s = f
	}
	if r.hasDate {
		s += " (" + r.date.String() + ")"
	}
	if !r.Until.IsZero() && (r.Code == CodeCap || r.Code == CodeCooldown) {
		s += "; " + untilTexts[li] + " " + r.Until.Format(time.RFC3339)
		if ids := r.AttemptIDs(); len(ids) > 0 && ids[0] != "" {
			s += " [" + strings.Join(ids, ", ") + "]"
		}
	}
	return s
}

// Explain renders every reason of the decision in lang, one sentence each.
func (d *Decision) Explain(language string) []string {
	var out []string
	for i := range d.Reasons() {
		out = append(out, d.reasons[i].Text(language))
	}
	return out
}
