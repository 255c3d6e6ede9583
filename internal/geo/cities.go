package geo

// demoCities are a few populous municipalities per UF (capital first) with
// their IBGE codes, for generated addresses. Amazonas includes Eirunepé so
// that demo data exercises the UTC−5 zone inside a UTC−4 state, and
// Pernambuco Fernando de Noronha for UTC−2.
var demoCities = map[string][][2]string{
	"RO": {{"1100205", "Porto Velho"}, {"1100122", "Ji-Paraná"}},
	"AC": {{"1200401", "Rio Branco"}, {"1200203", "Cruzeiro do Sul"}},
	"AM": {{"1302603", "Manaus"}, {"1303403", "Parintins"}, {"1301902", "Itacoatiara"}, {"1301407", "Eirunepé"}},
	"RR": {{"1400100", "Boa Vista"}},
	"PA": {{"1501402", "Belém"}, {"1500800", "Ananindeua"}, {"1506807", "Santarém"}, {"1504208", "Marabá"}},
	"AP": {{"1600303", "Macapá"}, {"1600600", "Santana"}},
	"TO": {{"1721000", "Palmas"}, {"1702109", "Araguaína"}},
	"MA": {{"2111300", "São Luís"}, {"2105302", "Imperatriz"}},
	"PI": {{"2211001", "Teresina"}, {"2207702", "Parnaíba"}},
	"CE": {{"2304400", "Fortaleza"}, {"2303709", "Caucaia"}, {"2307304", "Juazeiro do Norte"}},
	"RN": {{"2408102", "Natal"}, {"2408003", "Mossoró"}},
	"PB": {{"2507507", "João Pessoa"}, {"2504009", "Campina Grande"}},
	"PE": {{"2611606", "Recife"}, {"2607901", "Jaboatão dos Guararapes"}, {"2609600", "Olinda"}, {"2604106", "Caruaru"}, {"2605459", "Fernando de Noronha"}},
	"AL": {{"2704302", "Maceió"}, {"2700300", "Arapiraca"}},
	"SE": {{"2800308", "Aracaju"}, {"2804805", "Nossa Senhora do Socorro"}},
	"BA": {{"2927408", "Salvador"}, {"2910800", "Feira de Santana"}, {"2933307", "Vitória da Conquista"}},
	"MG": {{"3106200", "Belo Horizonte"}, {"3170206", "Uberlândia"}, {"3118601", "Contagem"}, {"3136702", "Juiz de Fora"}},
	"ES": {{"3205309", "Vitória"}, {"3205200", "Vila Velha"}, {"3205002", "Serra"}, {"3201308", "Cariacica"}},
	"RJ": {{"3304557", "Rio de Janeiro"}, {"3304904", "São Gonçalo"}, {"3301702", "Duque de Caxias"}, {"3303500", "Nova Iguaçu"}, {"3303302", "Niterói"}},
	"SP": {{"3550308", "São Paulo"}, {"3518800", "Guarulhos"}, {"3509502", "Campinas"}, {"3548500", "Santos"}, {"3543402", "Ribeirão Preto"}, {"3549904", "São José dos Campos"}, {"3552205", "Sorocaba"}},
	"PR": {{"4106902", "Curitiba"}, {"4113700", "Londrina"}, {"4115200", "Maringá"}},
	"SC": {{"4205407", "Florianópolis"}, {"4209102", "Joinville"}, {"4202404", "Blumenau"}},
	"RS": {{"4314902", "Porto Alegre"}, {"4305108", "Caxias do Sul"}, {"4304606", "Canoas"}, {"4314407", "Pelotas"}},
	"MS": {{"5002704", "Campo Grande"}, {"5003702", "Dourados"}},
	"MT": {{"5103403", "Cuiabá"}, {"5108402", "Várzea Grande"}, {"5107602", "Rondonópolis"}},
	"GO": {{"5208707", "Goiânia"}, {"5201405", "Aparecida de Goiânia"}, {"5201108", "Anápolis"}},
	"DF": {{"5300108", "Brasília"}},
}

// westAmazonas are the Amazonas municipalities west of the Tabatinga–Porto
// Acre line that keep UTC−5 like Acre (Lei 12.876/2013).
var westAmazonas = [][2]string{
	{"1300060", "Amaturá"},
	{"1300201", "Atalaia do Norte"},
	{"1300607", "Benjamin Constant"},
	{"1300706", "Boca do Acre"},
	{"1301407", "Eirunepé"},
	{"1301506", "Envira"},
	{"1301654", "Guajará"},
	{"1301803", "Ipixuna"},
	{"1301951", "Itamarati"},
	{"1303502", "Pauini"},
	{"1303908", "São Paulo de Olivença"},
}

var (
	municipalities = map[string]Municipality{}
	citiesByUF     = map[string][]Municipality{}
)

func init() {
	add := func(code, name string) Municipality {
		u, _ := UFByIBGE(int(code[0]-'0')*10 + int(code[1]-'0'))
		m := Municipality{Code: code, Name: name, UF: u.Code}
		municipalities[code] = m
		return m
	}
	for _, u := range ufs {
		add(u.Capital.Code, u.Capital.Name)
	}
	for uf, list := range demoCities {
		for _, c := range list {
			citiesByUF[uf] = append(citiesByUF[uf], add(c[0], c[1]))
		}
	}
	for _, c := range westAmazonas {
		add(c[0], c[1])
		zoneOverride[c[0]] = "America/Eirunepe"
	}
	for code, name := range invalidCheckDigit {
		add(code, name)
	}
}
