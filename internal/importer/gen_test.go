package importer

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/geo"
	"github.com/regua/regua/internal/money"
	"github.com/regua/regua/internal/phone"
	"github.com/regua/regua/internal/taxid"
)

var genFirst = []string{"José", "Maria", "Ana", "João", "Antônio", "Francisca", "Carlos", "Paulo", "Lúcia", "Luiz", "Márcia", "Raimundo"}
var genLast = []string{"Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Conceição", "Araújo"}
var genProducts = []string{"credit_card", "personal_loan", "telecom", "utilities", "retail", "education"}

// writeGenCSV writes a portfolio of at least n installment rows in the
// documented format, deterministic for seed, grouped by debtor and debt as
// creditors export them. It returns the rows written.
func writeGenCSV(w io.Writer, n int, seed uint64) int {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	bw.WriteString(strings.Join(Columns(), ";") + "\n")
	ufs := geo.UFs()
	rows := 0
	for d := 0; rows < n; d++ {
		u := ufs[r.IntN(len(ufs))]
		doc := taxid.GenerateCPF(r)
		name := genFirst[r.IntN(len(genFirst))] + " " + genLast[r.IntN(len(genLast))] + " " + genLast[r.IntN(len(genLast))]
		mob, _ := phone.GenerateMobile(r, u.Code)
		cep, _ := geo.GenerateCEP(r, u.Code)
		debtor := fmt.Sprintf("C%08d;%s;%s;%02d/%02d/%d;;;;%s;;;%s;;Rua %d;%d;;Centro;%s;%s;%s;%s;;",
			d, doc.Format(), name, 1+r.IntN(28), 1+r.IntN(12), 1950+r.IntN(55), mob.National(), strings.ToLower(strings.ReplaceAll(name, " ", "."))+"@example.com",
			1+r.IntN(2000), 1+r.IntN(3000), u.Capital.Name, u.Capital.Code, u.Code, cep)
		for k := 1 + r.IntN(2); k > 0 && rows < n; k-- {
			contract := fmt.Sprintf("CT-%d-%d", d, k)
			origin := date.New(2023+r.IntN(3), time.Month(1+r.IntN(12)), 1+r.IntN(28))
			inst := 1 + r.IntN(6)
			amount := money.Money(1000 + r.IntN(200000))
			product := genProducts[r.IntN(len(genProducts))]
			for i := 1; i <= inst && rows < n; i++ {
				paid := money.Money(0)
				if r.IntN(4) == 0 {
					paid = amount
				}
				fmt.Fprintf(bw, "%s;%s;%s;%s;%s;%d/%d;%s;%s;%s;;\n", debtor, contract, product, origin.Format("pt-BR"),
					(amount * money.Money(inst)).Format("pt-BR")[3:], i, inst, origin.AddMonths(i).Format("pt-BR"), amount.Format("pt-BR")[3:], paid.Format("pt-BR")[3:])
				rows++
			}
		}
	}
	return rows
}
