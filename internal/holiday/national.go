package holiday

import (
	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/br"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/us"
)

// fromCal wraps a rickar/cal definition as a Rule.
func fromCal(h *cal.Holiday, name string, kind Kind, from int, move Move, source string) *Rule {
	c := *h
	c.Observed = nil // moves are ours, so that listing and policy agree
	if name == "" {
		name = h.Name
	}
	return &Rule{Name: name, Kind: kind, From: from, Move: move, Source: source, calc: &c}
}

const (
	srcBR662 = "Lei 662/1949 art. 1º, as amended by Lei 10.607/2002"
	srcBRMGI = "Portaria MGI 9.783/2024 (federal calendar: Good Friday listed as feriado nacional; Carnaval and Corpus Christi ponto facultativo); Lei 9.093/1995"
)

// brNational: feriados nacionais and the nationwide pontos facultativos.
func brNational() []*Rule {
	return []*Rule{
		fromCal(br.AnoNovo, "Confraternização Universal", National, 0, "", srcBR662),
		fromCal(brCarnavalMonday, "Carnaval (segunda-feira)", Optional, 0, "", srcBRMGI),
		fromCal(br.Carnaval, "Carnaval (terça-feira)", Optional, 0, "", srcBRMGI),
		fromCal(br.SextaFeiraSanta, "Sexta-feira Santa", National, 0, "", srcBRMGI),
		fromCal(br.Tiradentes, "", National, 0, "", srcBR662),
		fromCal(br.Trabalhador, "Dia do Trabalhador", National, 0, "", srcBR662),
		fromCal(br.CorpusChristi, "", Optional, 0, "", srcBRMGI),
		fromCal(br.Independencia, "", National, 0, "", srcBR662),
		fromCal(br.NossaSenhoraAparecida, "", National, 1980, "", "Lei 6.802/1980"),
		fromCal(br.Finados, "", National, 0, "", srcBR662),
		fromCal(br.Republica, "", National, 0, "", srcBR662),
		{Name: "Dia Nacional de Zumbi e da Consciência Negra", Kind: National, When: "11-20", From: 2024, Source: "Lei 14.759/2023 (DOU 22 Dec 2023)"},
		fromCal(br.Natal, "", National, 0, "", srcBR662),
	}
}

func init() {
	// rickar's Carnaval is the Tuesday (Easter − 47); the Monday is one day earlier.
	monday := *br.Carnaval
	monday.Offset = -48
	brCarnavalMonday = &monday
}

var brCarnavalMonday *cal.Holiday

func usNational() []*Rule {
	const src = "5 U.S.C. 6103(a) (federal holidays); observed days per 5 U.S.C. 6103(b) and E.O. 11582"
	var out []*Rule
	for _, h := range us.Holidays {
		out = append(out, fromCal(h, "", National, 0, MoveObservedUS, src))
	}
	return out
}

func esNational() []*Rule {
	const src = "Estatuto de los Trabajadores art. 37.2 and the yearly BOE resolution of fiestas laborales (national days only; regional days not modelled)"
	var out []*Rule
	for _, h := range es.Holidays {
		out = append(out, fromCal(h, "", National, 0, "", src))
	}
	return out
}

func ptNational() []*Rule {
	const src = "Código do Trabalho (Lei 7/2009) art. 234, as restored by Lei 8/2016"
	const gap = "Lei 23/2012 suspended this day for 2013–2015; restored by Lei 8/2016"
	return []*Rule{
		{Name: "Ano Novo", When: "01-01", Source: src},
		{Name: "Sexta-feira Santa", When: "easter-2", Source: src},
		{Name: "Páscoa", When: "easter", Source: src},
		{Name: "Dia da Liberdade", When: "04-25", Source: src},
		{Name: "Dia do Trabalhador", When: "05-01", Source: src},
		{Name: "Corpo de Deus", When: "easter+60", Until: 2013, Source: src, Note: gap},
		{Name: "Corpo de Deus", When: "easter+60", From: 2016, Source: src},
		{Name: "Dia de Portugal, de Camões e das Comunidades Portuguesas", When: "06-10", Source: src},
		{Name: "Assunção de Nossa Senhora", When: "08-15", Source: src},
		{Name: "Implantação da República", When: "10-05", Until: 2013, Source: src, Note: gap},
		{Name: "Implantação da República", When: "10-05", From: 2016, Source: src},
		{Name: "Dia de Todos os Santos", When: "11-01", Until: 2013, Source: src, Note: gap},
		{Name: "Dia de Todos os Santos", When: "11-01", From: 2016, Source: src},
		{Name: "Restauração da Independência", When: "12-01", Until: 2013, Source: src, Note: gap},
		{Name: "Restauração da Independência", When: "12-01", From: 2016, Source: src},
		{Name: "Imaculada Conceição", When: "12-08", Source: src},
		{Name: "Natal", When: "12-25", Source: src},
		{Name: "Carnaval", Kind: Optional, When: "easter-47", Source: "Código do Trabalho art. 235 (optional holiday)"},
	}
}

func mxNational() []*Rule {
	const src = "Ley Federal del Trabajo art. 74 (reformed DOF 17 Jan 2006 for the Monday rules)"
	return []*Rule{
		{Name: "Año Nuevo", When: "01-01", Source: src},
		{Name: "Día de la Constitución", When: "1st mon feb", From: 2006, Source: src},
		{Name: "Natalicio de Benito Juárez", When: "3rd mon mar", From: 2006, Source: src},
		{Name: "Día del Trabajo", When: "05-01", Source: src},
		{Name: "Día de la Independencia", When: "09-16", Source: src},
		{Name: "Transmisión del Poder Ejecutivo Federal", When: "2024-10-01", Source: src + " (every six years)"},
		{Name: "Transmisión del Poder Ejecutivo Federal", When: "2030-10-01", Source: src + " (every six years)"},
		{Name: "Transmisión del Poder Ejecutivo Federal", When: "2036-10-01", Source: src + " (every six years)"},
		{Name: "Día de la Revolución", When: "3rd mon nov", From: 2006, Source: src},
		{Name: "Navidad", When: "12-25", Source: src},
	}
}

func coNational() []*Rule {
	const src = "Ley 51 de 1983 (Ley Emiliani) and Ley 37 de 1905; Colombian holidays"
	return []*Rule{
		{Name: "Año Nuevo", When: "01-01", Source: src},
		{Name: "Día de los Reyes Magos", When: "01-06", Move: MoveNextMonday, Source: src},
		{Name: "Día de San José", When: "03-19", Move: MoveNextMonday, Source: src},
		{Name: "Jueves Santo", When: "easter-3", Source: src},
		{Name: "Viernes Santo", When: "easter-2", Source: src},
		{Name: "Día del Trabajo", When: "05-01", Source: src},
		{Name: "Ascensión del Señor", When: "easter+43", Source: src},
		{Name: "Corpus Christi", When: "easter+64", Source: src},
		{Name: "Sagrado Corazón", When: "easter+71", Source: src},
		{Name: "San Pedro y San Pablo", When: "06-29", Move: MoveNextMonday, Source: src},
		{Name: "Día de la Independencia", When: "07-20", Source: src},
		{Name: "Batalla de Boyacá", When: "08-07", Source: src},
		{Name: "La Asunción de la Virgen", When: "08-15", Move: MoveNextMonday, Source: src},
		{Name: "Día de la Raza", When: "10-12", Move: MoveNextMonday, Source: src},
		{Name: "Todos los Santos", When: "11-01", Move: MoveNextMonday, Source: src},
		{Name: "Independencia de Cartagena", When: "11-11", Move: MoveNextMonday, Source: src},
		{Name: "Inmaculada Concepción", When: "12-08", Source: src},
		{Name: "Navidad", When: "12-25", Source: src},
	}
}

func clNational() []*Rule {
	const src = "Chilean feriados legales (Ley 2.977 and amendments)"
	return []*Rule{
		{Name: "Año Nuevo", When: "01-01", Source: src},
		{Name: "Viernes Santo", When: "easter-2", Source: src},
		{Name: "Sábado Santo", When: "easter-1", Source: src},
		{Name: "Día Nacional del Trabajo", When: "05-01", Source: src},
		{Name: "Día de las Glorias Navales", When: "05-21", Source: src},
		{Name: "Día Nacional de los Pueblos Indígenas", When: "2021-06-21", Source: "Ley 21.357 art. transitorio (21 June for 2021)"},
		{Name: "Día Nacional de los Pueblos Indígenas", When: "june-solstice", From: 2022, Source: "Ley 21.357 (day of the winter solstice)"},
		{Name: "San Pedro y San Pablo", When: "06-29", Move: MoveNearestMondayCL, Source: "Ley 19.668"},
		{Name: "Día de la Virgen del Carmen", When: "07-16", Source: "Ley 20.148"},
		{Name: "Asunción de la Virgen", When: "08-15", Source: src},
		{Name: "Independencia Nacional", When: "09-18", Source: src},
		{Name: "Día de las Glorias del Ejército", When: "09-19", Source: src},
		{Name: "Encuentro de Dos Mundos", When: "10-12", Move: MoveNearestMondayCL, Source: "Ley 19.668"},
		{Name: "Día de las Iglesias Evangélicas y Protestantes", When: "10-31", Move: MoveFridayCL, From: 2008, Source: "Ley 20.299"},
		{Name: "Día de Todos los Santos", When: "11-01", Source: src},
		{Name: "Inmaculada Concepción", When: "12-08", Source: src},
		{Name: "Navidad", When: "12-25", Source: src},
	}
}
