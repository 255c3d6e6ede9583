package demo

// The lists below are common Brazilian given names, surnames, street and
// neighbourhood names, written from general knowledge (no registry was
// copied). Weights are rough relative frequencies, so that "Maria" and
// "Silva" turn up as often as they do in a real portfolio and rarer names
// give the variety a search box needs.

// weighted is one entry of a weighted list.
type weighted struct {
	s string
	w int
}

var femaleNames = []weighted{
	{"Maria", 60}, {"Ana", 30}, {"Francisca", 10}, {"Antônia", 8}, {"Adriana", 6}, {"Juliana", 7},
	{"Márcia", 5}, {"Fernanda", 7}, {"Patrícia", 6}, {"Aline", 6}, {"Sandra", 5}, {"Camila", 7},
	{"Amanda", 6}, {"Bruna", 6}, {"Jéssica", 6}, {"Letícia", 5}, {"Júlia", 5}, {"Luciana", 5},
	{"Vanessa", 5}, {"Mariana", 6}, {"Gabriela", 6}, {"Vera", 3}, {"Vitória", 3}, {"Larissa", 5},
	{"Cláudia", 4}, {"Beatriz", 5}, {"Rita", 3}, {"Luana", 3}, {"Sônia", 3}, {"Renata", 4},
	{"Eliane", 4}, {"Josefa", 4}, {"Simone", 4}, {"Natália", 4}, {"Cristiane", 4}, {"Carla", 4},
	{"Débora", 3}, {"Rosângela", 3}, {"Jaqueline", 3}, {"Rosa", 2}, {"Daniela", 4}, {"Aparecida", 3},
	{"Marlene", 3}, {"Terezinha", 3}, {"Raimunda", 4}, {"Andréa", 3}, {"Fabiana", 3}, {"Lúcia", 2},
	{"Raquel", 3}, {"Ângela", 3}, {"Rafaela", 3}, {"Joana", 2}, {"Luzia", 2}, {"Elaine", 3},
	{"Daiane", 3}, {"Regina", 3}, {"Sebastiana", 2}, {"Tatiane", 3}, {"Helena", 3}, {"Alice", 3},
	{"Laura", 3}, {"Valentina", 2}, {"Sophia", 2}, {"Isabela", 3}, {"Manuela", 2}, {"Lívia", 2},
	{"Cecília", 2}, {"Heloísa", 2}, {"Lorena", 2}, {"Yasmin", 2}, {"Giovanna", 2}, {"Priscila", 3},
	{"Kelly", 2}, {"Michele", 2}, {"Tânia", 2}, {"Edna", 2}, {"Glória", 1}, {"Irene", 1},
	{"Inês", 1}, {"Benedita", 2}, {"Eduarda", 2}, {"Thaís", 3}, {"Gislaine", 1}, {"Rosana", 2},
	{"Solange", 2}, {"Silvana", 2}, {"Cleide", 1}, {"Ivone", 1}, {"Neide", 1}, {"Zuleide", 1},
	{"Marta", 2}, {"Lourdes", 1}, {"Conceição", 1}, {"Kátia", 2}, {"Roberta", 2}, {"Érica", 2},
}

var maleNames = []weighted{
	{"José", 50}, {"João", 30}, {"Antônio", 20}, {"Francisco", 18}, {"Carlos", 14}, {"Paulo", 12},
	{"Pedro", 10}, {"Lucas", 10}, {"Luiz", 10}, {"Marcos", 9}, {"Luís", 6}, {"Gabriel", 8},
	{"Rafael", 8}, {"Daniel", 7}, {"Marcelo", 7}, {"Bruno", 7}, {"Eduardo", 6}, {"Felipe", 6},
	{"Raimundo", 6}, {"Rodrigo", 6}, {"Manoel", 6}, {"Mateus", 5}, {"André", 6}, {"Fernando", 6},
	{"Fábio", 5}, {"Leonardo", 5}, {"Gustavo", 5}, {"Guilherme", 5}, {"Leandro", 4}, {"Tiago", 4},
	{"Anderson", 4}, {"Ricardo", 4}, {"Márcio", 4}, {"Jorge", 4}, {"Sebastião", 4}, {"Alexandre", 4},
	{"Roberto", 4}, {"Edson", 3}, {"Diego", 3}, {"Vitor", 3}, {"Sérgio", 3}, {"Cláudio", 3},
	{"Matheus", 3}, {"Thiago", 3}, {"Geraldo", 3}, {"Adriano", 3}, {"Luciano", 3}, {"Júlio", 3},
	{"Renato", 3}, {"Alex", 2}, {"Vinícius", 3}, {"Rogério", 3}, {"Samuel", 2}, {"Ronaldo", 2},
	{"Mário", 2}, {"Flávio", 2}, {"Igor", 2}, {"Douglas", 2}, {"Davi", 2}, {"Miguel", 2},
	{"Arthur", 2}, {"Heitor", 2}, {"Bernardo", 2}, {"Théo", 1}, {"Enzo", 1}, {"Joaquim", 2},
	{"Wellington", 2}, {"Valdir", 2}, {"Severino", 3}, {"Josué", 1}, {"Otávio", 1}, {"Caio", 2},
	{"Henrique", 2}, {"Wesley", 2}, {"Cícero", 2}, {"Benedito", 2}, {"Domingos", 1}, {"Juliano", 1},
	{"Emerson", 2}, {"Everton", 1}, {"Reginaldo", 2}, {"Nelson", 2}, {"Osvaldo", 1}, {"Ailton", 1},
	{"Edivaldo", 1}, {"Jailson", 1}, {"Gilberto", 2}, {"Raul", 1}, {"Ivan", 1}, {"Wagner", 2},
	{"Washington", 1}, {"Valter", 1}, {"Nilton", 1}, {"Ademir", 1}, {"Ubiratan", 1}, {"Iago", 1},
}

// Second given names: Brazilians often carry two ("Maria Aparecida",
// "João Pedro"); some Marian second names come with their particle.
var femaleSecond = []weighted{
	{"Aparecida", 12}, {"José", 3}, {"Eduarda", 4}, {"Clara", 5}, {"Luiza", 5}, {"Fernanda", 4},
	{"Helena", 3}, {"Cecília", 2}, {"Vitória", 3}, {"de Fátima", 8}, {"das Graças", 7},
	{"de Lourdes", 6}, {"do Socorro", 6}, {"da Conceição", 6}, {"Auxiliadora", 3}, {"Júlia", 3},
	{"Alice", 2}, {"Isabel", 3}, {"Cristina", 5}, {"Paula", 8}, {"Carolina", 6}, {"Beatriz", 4},
	{"Cláudia", 3}, {"Lúcia", 4}, {"Laura", 2}, {"Sofia", 2}, {"Rita", 2}, {"Luísa", 3},
	{"Gabriela", 2}, {"Letícia", 2}, {"Amélia", 1}, {"de Jesus", 4},
}

var maleSecond = []weighted{
	{"Carlos", 8}, {"Roberto", 5}, {"Pedro", 6}, {"Paulo", 6}, {"Vitor", 4}, {"Eduardo", 5},
	{"Fernando", 4}, {"Henrique", 7}, {"Antônio", 5}, {"Luiz", 3}, {"Augusto", 3}, {"Gabriel", 3},
	{"Miguel", 3}, {"Lucas", 2}, {"Ricardo", 2}, {"Marcos", 2}, {"Guilherme", 2}, {"Felipe", 2},
	{"de Assis", 4}, {"Maria", 2}, {"Francisco", 2}, {"Rafael", 2}, {"Alberto", 2}, {"Cláudio", 1},
	{"Inácio", 1}, {"Batista", 2}, {"Davi", 1}, {"Arthur", 1},
}

// surname is a family name with the particle it often takes ("da Silva",
// "dos Santos") and how often, in percent, it appears with it.
type surname struct {
	s        string
	particle string
	pct      int
	w        int
}

var surnames = []surname{
	{"Silva", "da", 55, 120}, {"Santos", "dos", 65, 80}, {"Oliveira", "de", 35, 60}, {"Souza", "de", 35, 50},
	{"Rodrigues", "", 0, 30}, {"Ferreira", "", 0, 30}, {"Alves", "", 0, 30}, {"Pereira", "", 0, 30},
	{"Lima", "de", 10, 28}, {"Gomes", "", 0, 24}, {"Costa", "da", 30, 24}, {"Ribeiro", "", 0, 22},
	{"Martins", "", 0, 20}, {"Carvalho", "de", 15, 18}, {"Almeida", "de", 30, 18}, {"Lopes", "", 0, 16},
	{"Soares", "", 0, 15}, {"Fernandes", "", 0, 15}, {"Vieira", "", 0, 14}, {"Barbosa", "", 0, 14},
	{"Rocha", "da", 20, 13}, {"Dias", "", 0, 13}, {"Nascimento", "do", 50, 13}, {"Andrade", "de", 30, 12},
	{"Moreira", "", 0, 12}, {"Nunes", "", 0, 11}, {"Marques", "", 0, 11}, {"Machado", "", 0, 10},
	{"Mendes", "", 0, 10}, {"Freitas", "de", 30, 10}, {"Cardoso", "", 0, 10}, {"Ramos", "", 0, 9},
	{"Gonçalves", "", 0, 9}, {"Santana", "", 0, 9}, {"Teixeira", "", 0, 9}, {"Araújo", "de", 20, 10},
	{"Conceição", "da", 100, 8}, {"Jesus", "de", 100, 9}, {"Azevedo", "de", 20, 6}, {"Monteiro", "", 0, 6},
	{"Cavalcanti", "", 0, 5}, {"Pinto", "", 0, 5}, {"Moura", "de", 20, 6}, {"Correia", "", 0, 6},
	{"Batista", "", 0, 7}, {"Campos", "", 0, 5}, {"Reis", "dos", 30, 6}, {"Castro", "de", 20, 5},
	{"Sales", "", 0, 4}, {"Bezerra", "", 0, 5}, {"Brandão", "", 0, 3}, {"Magalhães", "", 0, 3},
	{"Farias", "", 0, 5}, {"Peixoto", "", 0, 3}, {"Siqueira", "", 0, 3}, {"Fonseca", "da", 20, 4},
	{"Sampaio", "", 0, 3}, {"Queiroz", "de", 20, 3}, {"Guimarães", "", 0, 3}, {"Brito", "de", 20, 4},
	{"Aragão", "", 0, 2}, {"Nogueira", "", 0, 4}, {"Tavares", "", 0, 4}, {"Xavier", "", 0, 3},
	{"Macedo", "de", 20, 3}, {"Miranda", "", 0, 4}, {"Duarte", "", 0, 3}, {"Medeiros", "de", 20, 4},
	{"Borges", "", 0, 4}, {"Pires", "", 0, 3}, {"Camargo", "de", 20, 3}, {"Leite", "", 0, 4},
	{"Coelho", "", 0, 3}, {"Figueiredo", "de", 20, 3}, {"Matos", "de", 30, 3}, {"Rezende", "de", 20, 2},
	{"Sousa", "de", 35, 10}, {"Melo", "de", 35, 8}, {"Barros", "de", 20, 5}, {"Cunha", "da", 30, 4},
	{"Prado", "do", 30, 2}, {"Assis", "de", 100, 2}, {"Amaral", "do", 40, 2}, {"Toledo", "de", 30, 2},
	{"Franco", "", 0, 2}, {"Lacerda", "", 0, 2}, {"Neves", "das", 40, 3}, {"Paiva", "", 0, 2},
	{"Rangel", "", 0, 1}, {"Simões", "", 0, 2}, {"Valente", "", 0, 1}, {"Damasceno", "", 0, 1},
	{"Falcão", "", 0, 1}, {"Lins", "", 0, 1}, {"Vasconcelos", "de", 30, 2}, {"Holanda", "de", 40, 1},
	{"Paixão", "da", 100, 1}, {"Cruz", "da", 80, 4}, {"Garcia", "", 0, 3}, {"Ventura", "", 0, 1},
	{"Aguiar", "de", 20, 2}, {"Bastos", "", 0, 2}, {"Leal", "", 0, 2}, {"Pacheco", "", 0, 2},
	{"Maia", "", 0, 2}, {"Moraes", "de", 30, 4}, {"Rosa", "da", 30, 3}, {"Sá", "de", 60, 1},
	{"Porto", "", 0, 1}, {"Guerra", "", 0, 1}, {"Luz", "da", 100, 2}, {"Paz", "da", 100, 1},
	{"Vaz", "", 0, 1}, {"Cordeiro", "", 0, 2}, {"Bispo", "", 0, 1}, {"Menezes", "de", 20, 2},
	{"Nakamura", "", 0, 1}, {"Yamamoto", "", 0, 1}, {"Tanaka", "", 0, 1}, {"Suzuki", "", 0, 1},
	{"Sato", "", 0, 1}, {"Rossi", "", 0, 1}, {"Bianchi", "", 0, 1}, {"Zanetti", "", 0, 1},
	{"Ferraz", "", 0, 1}, {"Schmidt", "", 0, 1}, {"Weber", "", 0, 1}, {"Becker", "", 0, 1},
	{"Hoffmann", "", 0, 1}, {"Müller", "", 0, 1}, {"Kowalski", "", 0, 1}, {"Haddad", "", 0, 1},
	{"Salomão", "", 0, 1}, {"Khoury", "", 0, 1},
}

// Company names: a trade, a name, a legal-form suffix.
var companyTrades = []weighted{
	{"Padaria", 8}, {"Mercadinho", 8}, {"Supermercado", 4}, {"Auto Peças", 4}, {"Oficina Mecânica", 4},
	{"Farmácia", 4}, {"Restaurante", 5}, {"Lanchonete", 5}, {"Açougue", 3}, {"Distribuidora", 4},
	{"Transportadora", 3}, {"Construtora", 3}, {"Materiais de Construção", 3}, {"Papelaria", 2},
	{"Comércio de Roupas", 3}, {"Salão de Beleza", 3}, {"Academia", 2}, {"Pet Shop", 2},
	{"Clínica Odontológica", 2}, {"Escola Infantil", 1}, {"Pizzaria", 3}, {"Borracharia", 2},
	{"Madeireira", 1}, {"Vidraçaria", 1}, {"Serralheria", 2}, {"Gráfica", 1}, {"Informática", 2},
	{"Ótica", 1}, {"Sorveteria", 1}, {"Hortifrúti", 2}, {"Bar e Lanches", 2}, {"Confecções", 2},
}

var companyNames = []weighted{
	{"Boa Vista", 4}, {"São Jorge", 4}, {"Santa Luzia", 3}, {"Nossa Senhora Aparecida", 2},
	{"Estrela", 3}, {"Sol Nascente", 2}, {"Bom Jesus", 3}, {"Primavera", 3}, {"Progresso", 3},
	{"Central", 4}, {"Nova Era", 2}, {"Três Irmãos", 3}, {"Dois Irmãos", 3}, {"Esperança", 2},
	{"Bela Vista", 3}, {"Vitória", 2}, {"Aliança", 2}, {"União", 3}, {"Real", 2}, {"Modelo", 2},
	{"Paraíso", 2}, {"Horizonte", 2}, {"Pão Quente", 1}, {"Bom Preço", 3}, {"Popular", 2},
	{"São Francisco", 2}, {"Santo Antônio", 2}, {"Do Bairro", 2}, {"Família", 2}, {"Ideal", 2},
	{"Recanto", 1}, {"Pérola", 1}, {"Ipê", 1}, {"Cajueiro", 1}, {"Litoral", 1}, {"Serrano", 1},
}

var companySuffixes = []weighted{
	{"Ltda", 55}, {"ME", 18}, {"EPP", 8}, {"Eireli", 5}, {"S.A.", 2},
}

var streetTypes = []weighted{
	{"Rua", 70}, {"Avenida", 15}, {"Travessa", 6}, {"Alameda", 3}, {"Estrada", 3}, {"Praça", 2}, {"Rodovia", 1},
}

var streetNames = []weighted{
	{"das Flores", 4}, {"XV de Novembro", 4}, {"Sete de Setembro", 4}, {"Tiradentes", 4},
	{"Dom Pedro II", 3}, {"Santos Dumont", 3}, {"Rui Barbosa", 3}, {"Getúlio Vargas", 3},
	{"Presidente Vargas", 2}, {"Marechal Deodoro", 3}, {"Floriano Peixoto", 3}, {"Barão do Rio Branco", 3},
	{"José Bonifácio", 2}, {"Duque de Caxias", 3}, {"Castro Alves", 2}, {"Princesa Isabel", 2},
	{"Treze de Maio", 2}, {"Primeiro de Maio", 2}, {"São João", 3}, {"São Paulo", 2}, {"Bahia", 2},
	{"Amazonas", 2}, {"Paraná", 2}, {"Goiás", 2}, {"Brasil", 3}, {"da Independência", 2},
	{"da Liberdade", 2}, {"da Paz", 2}, {"das Palmeiras", 3}, {"dos Coqueiros", 2}, {"das Acácias", 2},
	{"dos Ipês", 2}, {"Olavo Bilac", 2}, {"Monteiro Lobato", 2}, {"Machado de Assis", 2},
	{"Carlos Gomes", 2}, {"Padre Anchieta", 2}, {"Joaquim Nabuco", 2}, {"Anita Garibaldi", 2},
	{"Visconde de Mauá", 1}, {"Senador Pompeu", 1}, {"Coronel Antônio Ribeiro", 1}, {"Sergipe", 1},
	{"Ceará", 1}, {"Pernambuco", 1}, {"Minas Gerais", 1}, {"Cecília Meireles", 1}, {"Chico Mendes", 1},
	{"Irmã Dulce", 1}, {"Zumbi dos Palmares", 1}, {"Tancredo Neves", 2}, {"Juscelino Kubitschek", 2},
	{"Belo Horizonte", 1}, {"do Comércio", 2}, {"da Matriz", 1}, {"do Sol", 1}, {"das Mangueiras", 1},
	{"dos Pinheiros", 1}, {"Projetada", 1}, {"A", 1}, {"B", 1}, {"C", 1}, {"Dez", 1}, {"Quinze", 1},
}

var districts = []weighted{
	{"Centro", 20}, {"Jardim América", 3}, {"Vila Nova", 4}, {"Boa Vista", 3}, {"Santa Luzia", 2},
	{"São José", 3}, {"Planalto", 3}, {"Jardim das Flores", 2}, {"Vila Maria", 2}, {"Cidade Nova", 3},
	{"Parque São Jorge", 1}, {"Bela Vista", 3}, {"Industrial", 2}, {"Santa Cruz", 2}, {"São Francisco", 2},
	{"Jardim Primavera", 2}, {"Novo Horizonte", 3}, {"Alto da Boa Vista", 1}, {"Vila Esperança", 2},
	{"Jardim Paulista", 1}, {"Santo Antônio", 3}, {"Liberdade", 2}, {"Conjunto Habitacional", 1},
	{"Nossa Senhora Aparecida", 1}, {"Parque Industrial", 1}, {"Jardim Europa", 1}, {"Vila Operária", 1},
	{"Cohab", 2}, {"Aeroporto", 1}, {"Jardim Brasil", 1}, {"Cidade Alta", 1}, {"Morada do Sol", 1},
	{"Primavera", 1}, {"Bom Jesus", 1}, {"Ipiranga", 1}, {"Vila Rica", 1}, {"Jardim Tropical", 1},
}

// Mailbox providers: real providers' names under the reserved .example
// top-level domain (RFC 2606), so that demo e-mails can never reach a real
// mailbox even if someone points the demo at a real SMTP relay.
var mailProviders = []weighted{
	{"gmail.example", 55}, {"hotmail.example", 18}, {"outlook.example", 7}, {"yahoo.example", 6},
	{"bol.example", 4}, {"uol.example", 3}, {"icloud.example", 3}, {"terra.example", 2}, {"live.example", 2},
}

var complements = []weighted{
	{"", 60}, {"Casa", 5}, {"Casa 2", 3}, {"Fundos", 3}, {"Apto %d", 14}, {"Bloco %c Apto %d", 6},
	{"Sala %d", 2}, {"Loja %d", 1}, {"Lote %d", 2}, {"Quadra %d Lote %d", 2}, {"Térreo", 2},
}

// Names of debtors whose language is Spanish (immigrants from Venezuela,
// Bolivia, Paraguay, Argentina …) or English.
var (
	spanishFirst = []string{"José Luis", "Carlos Alberto", "María José", "Juan Carlos", "Luis Miguel", "Ana María",
		"Jorge", "Alejandra", "Daniela", "Fernando", "Gabriela", "Ricardo", "Valentina", "Andrés", "Camila", "Diego",
		"Rosa María", "Francisco Javier", "Yolanda", "Néstor", "Mariela", "Yenny", "Wilmer", "Yuleidy"}
	spanishLast = []string{"González", "Rodríguez", "Pérez", "Hernández", "García", "Martínez", "López", "Sánchez",
		"Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Morales", "Quispe", "Mamani", "Benítez", "Acosta",
		"Villalba", "Castillo", "Rojas", "Vargas", "Medina"}
	englishFirst = []string{"John", "Mary", "James", "Patricia", "Michael", "Jennifer", "David", "Linda", "Robert",
		"Elizabeth", "William", "Sarah", "Thomas", "Emily", "Daniel", "Grace"}
	englishLast = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
		"Anderson", "Thomas", "Moore", "Clarke", "Walker", "O'Brien", "Campbell"}
)
