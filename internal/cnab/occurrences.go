package cnab

// Occurrence codes of return files, as the banks' manuals list them
// (códigos de movimento retorno in CNAB 240, códigos de ocorrência in CNAB
// 400). Each maps to a common Occurrence; unknown codes become Other with
// the raw code kept.

type occ struct {
	o    Occurrence
	desc string
}

// febraban240 is the FEBRABAN CNAB 240 table (código de movimento retorno),
// which Banco do Brasil, Bradesco, Caixa, Itaú and Santander follow in their
// CNAB 240 cobrança layouts.
var febraban240 = map[string]occ{
	"02": {EntryConfirmed, "Entrada confirmada"},
	"03": {EntryRejected, "Entrada rejeitada"},
	"04": {InstructionConfirmed, "Transferência de carteira/entrada"},
	"05": {InstructionConfirmed, "Transferência de carteira/baixa"},
	"06": {Settled, "Liquidação"},
	"07": {InstructionConfirmed, "Confirmação do recebimento da instrução de desconto"},
	"08": {InstructionConfirmed, "Confirmação do recebimento do cancelamento do desconto"},
	"09": {WrittenOff, "Baixa"},
	"11": {Other, "Títulos em carteira (em ser)"},
	"12": {InstructionConfirmed, "Confirmação recebimento instrução de abatimento"},
	"13": {InstructionConfirmed, "Confirmação recebimento instrução de cancelamento abatimento"},
	"14": {InstructionConfirmed, "Confirmação recebimento instrução alteração de vencimento"},
	"15": {Other, "Franco de pagamento"},
	"17": {Settled, "Liquidação após baixa ou liquidação título não registrado"},
	"19": {Protest, "Confirmação recebimento instrução de protesto"},
	"20": {Protest, "Confirmação recebimento instrução de sustação/cancelamento de protesto"},
	"23": {Protest, "Remessa a cartório (aponte em cartório)"},
	"24": {Protest, "Retirada de cartório e manutenção em carteira"},
	"25": {WrittenOff, "Protestado e baixado (baixa por ter sido protestado)"},
	"26": {InstructionRejected, "Instrução rejeitada"},
	"27": {InstructionConfirmed, "Confirmação do pedido de alteração de outros dados"},
	"28": {Fee, "Débito de tarifas/custas"},
	"29": {Other, "Ocorrências do pagador"},
	"30": {InstructionRejected, "Alteração de dados rejeitada"},
	"44": {Other, "Título pago com cheque devolvido"},
	"46": {Other, "Título pago com cheque, aguardando compensação"},
}

// itau400 is Itaú's CNAB 400 table (Nota 17 of the CNAB 400 manual).
var itau400 = map[string]occ{
	"02": {EntryConfirmed, "Entrada confirmada"},
	"03": {EntryRejected, "Entrada rejeitada"},
	"04": {InstructionConfirmed, "Alteração de dados – nova entrada ou alteração/exclusão de dados acatada"},
	"05": {InstructionConfirmed, "Alteração de dados – baixa"},
	"06": {Settled, "Liquidação normal"},
	"07": {Settled, "Liquidação parcial – cobrança inteligente (B2B)"},
	"08": {Settled, "Liquidação em cartório"},
	"09": {WrittenOff, "Baixa simples"},
	"10": {WrittenOff, "Baixa por ter sido liquidado"},
	"11": {Other, "Em ser"},
	"12": {InstructionConfirmed, "Abatimento concedido"},
	"13": {InstructionConfirmed, "Abatimento cancelado"},
	"14": {InstructionConfirmed, "Vencimento alterado"},
	"15": {InstructionRejected, "Baixas rejeitadas"},
	"16": {InstructionRejected, "Instruções rejeitadas"},
	"17": {InstructionRejected, "Alteração/exclusão de dados rejeitados"},
	"18": {Other, "Cobrança contratual – instruções/alterações rejeitadas/pendentes"},
	"19": {Protest, "Confirma recebimento de instrução de protesto"},
	"20": {Protest, "Confirma recebimento de instrução de sustação de protesto"},
	"21": {Protest, "Confirma recebimento de instrução de não protestar"},
	"23": {Protest, "Título enviado a cartório"},
	"24": {InstructionRejected, "Instrução de protesto rejeitada/sustada/pendente"},
	"25": {Other, "Alegações do pagador"},
	"26": {Fee, "Tarifa de aviso de cobrança"},
	"27": {Fee, "Tarifa de extrato posição"},
	"28": {Fee, "Tarifa de relação das liquidações"},
	"29": {Fee, "Tarifa de manutenção de títulos vencidos"},
	"30": {Fee, "Débito mensal de tarifas"},
	"32": {WrittenOff, "Baixa por ter sido protestado"},
	"33": {Fee, "Custas de protesto"},
	"34": {Fee, "Custas de sustação"},
	"35": {Fee, "Custas de cartório distribuidor"},
	"36": {Fee, "Custas de edital"},
	"37": {Fee, "Tarifa de emissão de boleto/envio de duplicata"},
	"38": {Fee, "Tarifa de instrução"},
	"39": {Fee, "Tarifa de ocorrências"},
	"40": {Fee, "Tarifa mensal de emissão de boleto/envio de duplicata"},
	"47": {WrittenOff, "Baixa com transferência para desconto"},
	"57": {InstructionConfirmed, "Instrução cancelada"},
	"59": {WrittenOff, "Baixa por crédito em c/c através do SISPAG"},
	"60": {EntryRejected, "Entrada rejeitada carnê"},
	"64": {EntryConfirmed, "Entrada confirmada com rateio de crédito"},
	"69": {Other, "Cheque devolvido"},
}

// bradesco400 is Bradesco's CNAB 400 table (Arquivo-Retorno, Identificação
// de Ocorrência, positions 109-110).
var bradesco400 = map[string]occ{
	"02": {EntryConfirmed, "Entrada confirmada"},
	"03": {EntryRejected, "Entrada rejeitada"},
	"06": {Settled, "Liquidação normal"},
	"09": {WrittenOff, "Baixado automaticamente via arquivo"},
	"10": {WrittenOff, "Baixado conforme instruções da agência"},
	"11": {Other, "Em ser"},
	"12": {InstructionConfirmed, "Abatimento concedido"},
	"13": {InstructionConfirmed, "Abatimento cancelado"},
	"14": {InstructionConfirmed, "Vencimento alterado"},
	"15": {Settled, "Liquidação em cartório"},
	"16": {Other, "Título pago em cheque – vinculado"},
	"17": {Settled, "Liquidação após baixa ou título não registrado"},
	"18": {Other, "Acerto de depositária"},
	"19": {Protest, "Confirmação de recebimento de instrução de protesto"},
	"20": {Protest, "Confirmação de recebimento de instrução de sustação de protesto"},
	"21": {InstructionConfirmed, "Acerto do controle do participante"},
	"22": {Other, "Título com pagamento cancelado"},
	"23": {Protest, "Entrada do título em cartório"},
	"24": {EntryRejected, "Entrada rejeitada por CEP irregular"},
	"25": {Protest, "Confirmação de recebimento de instrução de protesto falimentar"},
	"27": {InstructionRejected, "Baixa rejeitada"},
	"28": {Fee, "Débito de tarifas/custas"},
	"29": {Other, "Ocorrências do pagador"},
	"30": {InstructionRejected, "Alteração de outros dados rejeitados"},
	"32": {InstructionRejected, "Instrução rejeitada"},
	"33": {InstructionConfirmed, "Confirmação de pedido de alteração de outros dados"},
	"34": {Protest, "Retirado de cartório e manutenção em carteira"},
	"35": {Other, "Desagendamento do débito automático"},
	"40": {Other, "Estorno de pagamento"},
	"55": {Protest, "Sustado judicial"},
}

// santander400 is Santander's CNAB 400 table (it differs from its CNAB 240
// one from code 17 on).
var santander400 = map[string]occ{
	"02": {EntryConfirmed, "Entrada de título confirmada"},
	"03": {EntryRejected, "Entrada de título rejeitada"},
	"06": {Settled, "Liquidação"},
	"07": {Settled, "Liquidação por conta"},
	"08": {Settled, "Liquidação por saldo"},
	"09": {WrittenOff, "Baixa automática"},
	"10": {WrittenOff, "Título baixado conforme instrução"},
	"11": {Other, "Em ser"},
	"12": {InstructionConfirmed, "Abatimento concedido"},
	"13": {InstructionConfirmed, "Abatimento cancelado"},
	"14": {InstructionConfirmed, "Prorrogação de vencimento"},
	"15": {Protest, "Confirmação de protesto"},
	"16": {Other, "Título já baixado/liquidado"},
	"17": {Settled, "Liquidado em cartório"},
	"19": {Protest, "Recebimento da instrução de protesto"},
	"20": {Protest, "Recebimento da instrução de não protestar"},
	"21": {Protest, "Título enviado a cartório"},
	"22": {Protest, "Título retirado de cartório"},
	"23": {Protest, "Remessa a cartório"},
	"24": {Fee, "Custas de cartório"},
	"25": {Protest, "Protestar título"},
	"26": {Protest, "Sustar protesto"},
	"27": {InstructionConfirmed, "Confirmação de alteração de outros dados"},
	"28": {Fee, "Débito de tarifas e custas"},
	"29": {Other, "Ocorrência do pagador"},
	"30": {InstructionRejected, "Alteração de dados rejeitada"},
	"32": {InstructionRejected, "Código de IOF inválido"},
}

// caixa400 is Caixa's SIGCB CNAB 400 table, numbered differently from
// FEBRABAN's: 01 is the confirmed entry, 21 the settlement, 99 a rejection.
var caixa400 = map[string]occ{
	"01": {EntryConfirmed, "Entrada confirmada"},
	"02": {WrittenOff, "Baixa manual confirmada"},
	"03": {InstructionConfirmed, "Abatimento concedido"},
	"04": {InstructionConfirmed, "Abatimento cancelado"},
	"05": {InstructionConfirmed, "Vencimento alterado"},
	"06": {InstructionConfirmed, "Uso da empresa alterado"},
	"07": {InstructionConfirmed, "Prazo de protesto alterado"},
	"08": {InstructionConfirmed, "Prazo de devolução alterado"},
	"09": {InstructionConfirmed, "Alteração confirmada"},
	"10": {InstructionConfirmed, "Alteração com reemissão de boleto confirmada"},
	"11": {InstructionConfirmed, "Alteração da opção de protesto para devolução"},
	"12": {InstructionConfirmed, "Alteração da opção de devolução para protesto"},
	"20": {Other, "Em ser"},
	"21": {Settled, "Liquidação"},
	"22": {Settled, "Liquidação em cartório"},
	"23": {WrittenOff, "Baixa por devolução"},
	"25": {WrittenOff, "Baixa por protesto"},
	"26": {Protest, "Título enviado para cartório"},
	"27": {Protest, "Sustação de protesto"},
	"28": {Protest, "Estorno de protesto"},
	"29": {Protest, "Estorno de sustação de protesto"},
	"30": {InstructionConfirmed, "Alteração de título"},
	"31": {Fee, "Tarifa sobre título vencido"},
	"32": {Fee, "Outras tarifas de alteração"},
	"33": {Other, "Estorno de baixa/liquidação"},
	"34": {Fee, "Tarifas diversas"},
	"99": {EntryRejected, "Rejeição do título"},
}

// bb400 is Banco do Brasil's CBR643 table of comandos (CNAB 400 technical
// manual, April 2012, p. 20).
var bb400 = map[string]occ{
	"02": {EntryConfirmed, "Confirmação de entrada de título"},
	"03": {EntryRejected, "Comando recusado"},
	"05": {Settled, "Liquidado sem registro"},
	"06": {Settled, "Liquidação normal"},
	"07": {Settled, "Liquidação por conta"},
	"08": {Settled, "Liquidação por saldo"},
	"09": {WrittenOff, "Baixa de título"},
	"10": {WrittenOff, "Baixa solicitada"},
	"11": {Other, "Títulos em ser"},
	"12": {InstructionConfirmed, "Abatimento concedido"},
	"13": {InstructionConfirmed, "Abatimento cancelado"},
	"14": {InstructionConfirmed, "Alteração de vencimento do título"},
	"15": {Settled, "Liquidação em cartório"},
	"16": {InstructionConfirmed, "Confirmação de alteração de juros de mora"},
	"19": {Protest, "Confirmação de recebimento de instruções para protesto"},
	"20": {Other, "Débito em conta"},
	"21": {InstructionConfirmed, "Alteração do nome do pagador"},
	"22": {InstructionConfirmed, "Alteração do endereço do pagador"},
	"23": {Protest, "Indicação de encaminhamento a cartório"},
	"24": {Protest, "Sustar protesto"},
	"25": {InstructionConfirmed, "Dispensar juros"},
	"26": {InstructionConfirmed, "Alteração do número do título dado pelo beneficiário"},
	"28": {Fee, "Manutenção de título vencido"},
	"31": {InstructionConfirmed, "Conceder desconto"},
	"32": {InstructionConfirmed, "Não conceder desconto"},
	"33": {InstructionConfirmed, "Retificar desconto"},
	"34": {InstructionConfirmed, "Alterar data para desconto"},
	"35": {InstructionConfirmed, "Cobrar multa"},
	"36": {InstructionConfirmed, "Dispensar multa"},
	"37": {InstructionConfirmed, "Dispensar indexador"},
	"38": {InstructionConfirmed, "Dispensar prazo limite para recebimento"},
	"39": {InstructionConfirmed, "Alterar prazo limite para recebimento"},
	"41": {InstructionConfirmed, "Alteração do número do controle do participante"},
	"42": {InstructionConfirmed, "Alteração do número do documento do pagador"},
	"44": {Other, "Título pago com cheque devolvido"},
	"46": {Other, "Título pago com cheque, aguardando compensação"},
	"72": {InstructionConfirmed, "Alteração de tipo de cobrança"},
	"96": {Fee, "Despesas de protesto"},
	"97": {Fee, "Despesas de sustação de protesto"},
	"98": {Fee, "Débito de custas antecipadas"},
}

// classify maps a bank's code to the common meaning. Santander reports a
// boleto paid by its PIX QR code as baixa (09) with reason 92 by default:
// that is a payment, and is classified as one.
func classify(layout Layout, bank, code string, rs []string) (Occurrence, string) {
	table := febraban240
	if layout == CNAB400 {
		switch bank {
		case "341":
			table = itau400
		case "237":
			table = bradesco400
		case "033":
			table = santander400
		case "104":
			table = caixa400
		case "001":
			table = bb400
		}
	}
	o, ok := table[code]
	if !ok {
		return Other, ""
	}
	if bank == "033" && code == "09" {
		for _, r := range rs {
			if r == "92" {
				return Settled, "Baixa por pagamento PIX (liquidação)"
			}
		}
	}
	return o.o, o.desc
}
