// Package geo holds the Brazilian geography that collection needs: the 27
// UFs (unidades federativas: 26 states and the Federal District) with their
// IBGE codes, regions and capitals; IBGE municipality codes with their check
// digit; the IANA time zone of a debtor from UF and municipality; and CEP
// (Código de Endereçamento Postal, the 8-digit postal code) ranges per UF.
//
// The package embeds the IANA time zone database (time/tzdata), so zones
// resolve on machines without /usr/share/zoneinfo; the system database wins
// when present.
package geo

import (
	"fmt"
	"strings"
)

// Region is one of the five IBGE macro-regions.
type Region string

// The five regions (names as IBGE writes them).
const (
	North      Region = "Norte"
	Northeast  Region = "Nordeste"
	CenterWest Region = "Centro-Oeste"
	Southeast  Region = "Sudeste"
	South      Region = "Sul"
)

// UF is a federative unit.
type UF struct {
	Code    string // two-letter abbreviation, "SP"
	Name    string // "São Paulo"
	IBGE    int    // IBGE UF code, the first two digits of its municipality codes: 35
	Region  Region
	Zone    string       // IANA zone of most of the UF: "America/Sao_Paulo"
	Capital Municipality // the capital, with its IBGE code
}

// ufs is ordered by IBGE code (North to South, as IBGE lists them).
var ufs = []UF{
	{"RO", "Rondônia", 11, North, "America/Porto_Velho", Municipality{"1100205", "Porto Velho", "RO"}},
	{"AC", "Acre", 12, North, "America/Rio_Branco", Municipality{"1200401", "Rio Branco", "AC"}},
	{"AM", "Amazonas", 13, North, "America/Manaus", Municipality{"1302603", "Manaus", "AM"}},
	{"RR", "Roraima", 14, North, "America/Boa_Vista", Municipality{"1400100", "Boa Vista", "RR"}},
	{"PA", "Pará", 15, North, "America/Belem", Municipality{"1501402", "Belém", "PA"}},
	{"AP", "Amapá", 16, North, "America/Belem", Municipality{"1600303", "Macapá", "AP"}},
	{"TO", "Tocantins", 17, North, "America/Araguaina", Municipality{"1721000", "Palmas", "TO"}},
	{"MA", "Maranhão", 21, Northeast, "America/Fortaleza", Municipality{"2111300", "São Luís", "MA"}},
	{"PI", "Piauí", 22, Northeast, "America/Fortaleza", Municipality{"2211001", "Teresina", "PI"}},
	{"CE", "Ceará", 23, Northeast, "America/Fortaleza", Municipality{"2304400", "Fortaleza", "CE"}},
	{"RN", "Rio Grande do Norte", 24, Northeast, "America/Fortaleza", Municipality{"2408102", "Natal", "RN"}},
	{"PB", "Paraíba", 25, Northeast, "America/Fortaleza", Municipality{"2507507", "João Pessoa", "PB"}},
	{"PE", "Pernambuco", 26, Northeast, "America/Recife", Municipality{"2611606", "Recife", "PE"}},
	{"AL", "Alagoas", 27, Northeast, "America/Maceio", Municipality{"2704302", "Maceió", "AL"}},
	{"SE", "Sergipe", 28, Northeast, "America/Maceio", Municipality{"2800308", "Aracaju", "SE"}},
	{"BA", "Bahia", 29, Northeast, "America/Bahia", Municipality{"2927408", "Salvador", "BA"}},
	{"MG", "Minas Gerais", 31, Southeast, "America/Sao_Paulo", Municipality{"3106200", "Belo Horizonte", "MG"}},
	{"ES", "Espírito Santo", 32, Southeast, "America/Sao_Paulo", Municipality{"3205309", "Vitória", "ES"}},
	{"RJ", "Rio de Janeiro", 33, Southeast, "America/Sao_Paulo", Municipality{"3304557", "Rio de Janeiro", "RJ"}},
	{"SP", "São Paulo", 35, Southeast, "America/Sao_Paulo", Municipality{"3550308", "São Paulo", "SP"}},
	{"PR", "Paraná", 41, South, "America/Sao_Paulo", Municipality{"4106902", "Curitiba", "PR"}},
	{"SC", "Santa Catarina", 42, South, "America/Sao_Paulo", Municipality{"4205407", "Florianópolis", "SC"}},
	{"RS", "Rio Grande do Sul", 43, South, "America/Sao_Paulo", Municipality{"4314902", "Porto Alegre", "RS"}},
	{"MS", "Mato Grosso do Sul", 50, CenterWest, "America/Campo_Grande", Municipality{"5002704", "Campo Grande", "MS"}},
	{"MT", "Mato Grosso", 51, CenterWest, "America/Cuiaba", Municipality{"5103403", "Cuiabá", "MT"}},
	{"GO", "Goiás", 52, CenterWest, "America/Sao_Paulo", Municipality{"5208707", "Goiânia", "GO"}},
	{"DF", "Distrito Federal", 53, CenterWest, "America/Sao_Paulo", Municipality{"5300108", "Brasília", "DF"}},
}

// The indexes are package-level initializers, so they are ready before any
// init function (cities.go's builds on them).
var ufByCode, ufByIBGE = indexUFs()

func indexUFs() (map[string]*UF, *[100]*UF) {
	byCode := map[string]*UF{}
	var byIBGE [100]*UF
	for i := range ufs {
		u := &ufs[i]
		byCode[u.Code] = u
		byIBGE[u.IBGE] = u
	}
	return byCode, &byIBGE
}

// UFs returns the 27 UFs ordered by IBGE code. The slice is a copy.
func UFs() []UF { return append([]UF(nil), ufs...) }

// LookupUF finds a UF by its abbreviation, in any case and with surrounding
// spaces ("sp", " SP ").
func LookupUF(code string) (UF, bool) {
	code = strings.TrimSpace(code)
	if len(code) != 2 {
		return UF{}, false
	}
	u, ok := ufByCode[strings.ToUpper(code)]
	if !ok {
		return UF{}, false
	}
	return *u, true
}

// ParseUF is LookupUF with an error naming the bad value.
func ParseUF(code string) (UF, error) {
	u, ok := LookupUF(code)
	if !ok {
		return UF{}, fmt.Errorf("UF %q: not one of the 27 Brazilian UFs", code)
	}
	return u, nil
}

// UFByIBGE finds a UF by its two-digit IBGE code (35 → SP).
func UFByIBGE(code int) (UF, bool) {
	if code < 0 || code >= len(ufByIBGE) || ufByIBGE[code] == nil {
		return UF{}, false
	}
	return *ufByIBGE[code], true
}
