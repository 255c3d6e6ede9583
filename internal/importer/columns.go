package importer

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// col identifies one canonical column of the portfolio format.
type col int

const (
	colCustomerID col = iota
	colDocument
	colName
	colBirth
	colPhone
	colPhone2
	colPhone3
	colMobile
	colMobile2
	colWhatsApp
	colEmail
	colEmail2
	colStreet
	colNumber
	colComplement
	colDistrict
	colCity
	colMunicipality
	colUF
	colCEP
	colLocale
	colTimeZone
	colContract
	colProduct
	colOriginDate
	colOriginalPrincipal
	colInstallment
	colDueDate
	colAmount
	colPaid
	colDelayReason
	colOptOut
	numCols
)

// columnSpec is one canonical column: its pt-BR name, whether a row needs it,
// and the header names (besides the canonical one) that mean it.
type columnSpec struct {
	name     string
	required bool
	aliases  []string
}

// columns is indexed by col. Aliases are written in normalized form
// (see normalizeName): lower case, no accents, "_" between words.
var columns = [numCols]columnSpec{
	colCustomerID:        {"id_cliente", false, []string{"cod_cliente", "codigo_cliente", "cliente_id", "id_do_cliente", "customer_id", "client_id", "customer_code", "external_id", "id_externo", "id_deudor", "codigo_deudor"}},
	colDocument:          {"cpf_cnpj", true, []string{"cpf", "cnpj", "cpfcnpj", "cpf_ou_cnpj", "cnpj_cpf", "documento", "doc", "num_documento", "numero_documento", "nr_documento", "documento_cliente", "document", "document_number", "tax_id", "taxid", "nif"}},
	colName:              {"nome", true, []string{"nome_cliente", "nome_do_cliente", "nome_devedor", "nome_do_devedor", "nome_completo", "razao_social", "nome_razao_social", "cliente", "nombre", "nombre_cliente", "nombre_completo", "razon_social", "name", "full_name", "customer_name", "debtor_name"}},
	colBirth:             {"data_nascimento", false, []string{"dt_nascimento", "data_de_nascimento", "nascimento", "fecha_nacimiento", "fecha_de_nacimiento", "birth_date", "birthdate", "date_of_birth", "dob"}},
	colPhone:             {"telefone", false, []string{"fone", "tel", "telefone1", "telefone_1", "telefone_residencial", "telefono", "telefono1", "telefono_1", "phone", "phone1", "phone_1", "telephone"}},
	colPhone2:            {"telefone2", false, []string{"fone2", "tel2", "telefone_2", "telefone_comercial", "telefono2", "telefono_2", "phone2", "phone_2"}},
	colPhone3:            {"telefone3", false, []string{"fone3", "tel3", "telefone_3", "telefono3", "telefono_3", "phone3", "phone_3"}},
	colMobile:            {"celular", false, []string{"cel", "celular1", "celular_1", "telefone_celular", "movil", "telefono_movil", "mobile", "mobile1", "mobile_phone", "cell", "cellphone", "cell_phone"}},
	colMobile2:           {"celular2", false, []string{"cel2", "celular_2", "movil2", "mobile2", "mobile_2", "cell2"}},
	colWhatsApp:          {"whatsapp", false, []string{"whats", "zap", "wpp", "whatsapp_number", "numero_whatsapp"}},
	colEmail:             {"email", false, []string{"e_mail", "email1", "mail", "endereco_email", "correo", "correo_electronico", "email_address"}},
	colEmail2:            {"email2", false, []string{"e_mail_2", "email_2", "correo2", "correo_2"}},
	colStreet:            {"logradouro", false, []string{"endereco", "rua", "calle", "direccion", "street", "address", "address_line", "street_address"}},
	colNumber:            {"numero", false, []string{"num", "nro", "numero_endereco", "number", "street_number", "house_number"}},
	colComplement:        {"complemento", false, []string{"compl", "complement", "address_line2", "address_line_2"}},
	colDistrict:          {"bairro", false, []string{"barrio", "colonia", "district", "neighborhood", "neighbourhood"}},
	colCity:              {"cidade", false, []string{"municipio", "nome_municipio", "ciudad", "city", "town"}},
	colMunicipality:      {"cod_ibge", false, []string{"codigo_ibge", "ibge", "cod_municipio", "codigo_municipio", "municipio_ibge", "cod_municipio_ibge", "municipality_code", "ibge_code", "city_code"}},
	colUF:                {"uf", false, []string{"estado", "sigla_uf", "uf_estado", "state"}},
	colCEP:               {"cep", false, []string{"codigo_postal", "cod_postal", "cp", "zip", "zip_code", "zipcode", "postal_code", "postcode"}},
	colLocale:            {"idioma", false, []string{"lingua", "lingua_preferida", "language", "locale", "lang"}},
	colTimeZone:          {"fuso_horario", false, []string{"fuso", "timezone", "zona_horaria", "huso_horario", "time_zone", "tz"}},
	colContract:          {"contrato", true, []string{"num_contrato", "numero_contrato", "numero_do_contrato", "nr_contrato", "n_contrato", "no_contrato", "cod_contrato", "id_contrato", "numero_de_contrato", "contract", "contract_number", "contract_id", "contract_no"}},
	colProduct:           {"produto", false, []string{"tipo_produto", "producto", "tipo_producto", "product", "product_type"}},
	colOriginDate:        {"data_origem", false, []string{"data_de_origem", "data_contrato", "dt_contrato", "data_do_contrato", "data_contratacao", "fecha_origen", "fecha_contrato", "fecha_de_origen", "origin_date", "contract_date"}},
	colOriginalPrincipal: {"valor_original", false, []string{"valor_contrato", "valor_principal", "valor_financiado", "principal", "monto_original", "monto_contrato", "original_principal", "original_amount", "principal_amount"}},
	colInstallment:       {"parcela", true, []string{"num_parcela", "numero_parcela", "numero_da_parcela", "nr_parcela", "n_parcela", "no_parcela", "cuota", "numero_cuota", "nro_cuota", "num_cuota", "installment", "installment_number", "installment_no"}},
	colDueDate:           {"vencimento", true, []string{"data_vencimento", "data_de_vencimento", "dt_vencimento", "dt_venc", "venc", "vencto", "vencimiento", "fecha_vencimiento", "fecha_de_vencimiento", "due_date", "duedate", "due"}},
	colAmount:            {"valor_parcela", true, []string{"valor", "valor_da_parcela", "vlr_parcela", "valor_devido", "monto_cuota", "valor_cuota", "monto", "importe", "importe_cuota", "amount", "installment_amount", "amount_due"}},
	colPaid:              {"valor_pago", false, []string{"vlr_pago", "pago", "total_pago", "monto_pagado", "importe_pagado", "paid_amount", "amount_paid", "paid"}},
	colDelayReason:       {"motivo_atraso", false, []string{"motivo_do_atraso", "motivo", "motivo_inadimplencia", "motivo_mora", "delay_reason", "reason"}},
	colOptOut:            {"optout", false, []string{"opt_out", "opt_outs", "optouts", "descadastro", "nao_contatar", "bloqueio_contato", "no_contactar", "do_not_contact"}},
}

// Columns lists the canonical header names in the documented order, for
// writers of import files (the demo generator, the sample file).
func Columns() []string {
	out := make([]string, numCols)
	for i := range columns {
		out[i] = columns[i].name
	}
	return out
}

// Aliases returns the header names recognised for the canonical column name,
// the canonical one first; nil for an unknown name.
func Aliases(canonical string) []string {
	for _, c := range columns {
		if c.name == canonical {
			return append([]string{c.name}, c.aliases...)
		}
	}
	return nil
}

// aliasIndex maps every normalized header name to its column.
var aliasIndex = func() map[string]col {
	m := make(map[string]col)
	for i, c := range columns {
		for _, a := range append([]string{c.name}, c.aliases...) {
			if normalizeName(a) != a {
				panic("importer: alias not normalized: " + a)
			}
			if prev, dup := m[a]; dup {
				panic(fmt.Sprintf("importer: alias %q of %s and %s", a, columns[prev].name, c.name))
			}
			m[a] = col(i)
		}
	}
	return m
}()

// normalizeName folds a header name (or a code such as a delay reason) so
// that spelling variants meet: lower case, accents removed, and every run of
// other characters (spaces, hyphens, dots, slashes …) turned into one "_",
// with none at either end. "Data de Vencimento" → "data_de_vencimento",
// "E-mail" → "e_mail", "Nº Contrato" → "no_contrato".
func normalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSep := false
	for _, r := range s {
		r = foldRune(r)
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			b.WriteRune(r)
		case r == utf8.RuneError, r == '\ufeff':
		default:
			pendingSep = true
		}
	}
	return b.String()
}

// foldRune lower-cases r and maps the accented Latin letters of Portuguese
// and Spanish (and the ordinal signs of "Nº") to plain ASCII.
func foldRune(r rune) rune {
	if r < 0x80 {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}
	switch r {
	case 'á', 'à', 'â', 'ã', 'ä', 'å', 'Á', 'À', 'Â', 'Ã', 'Ä', 'Å', 'ª':
		return 'a'
	case 'é', 'è', 'ê', 'ë', 'É', 'È', 'Ê', 'Ë':
		return 'e'
	case 'í', 'ì', 'î', 'ï', 'Í', 'Ì', 'Î', 'Ï':
		return 'i'
	case 'ó', 'ò', 'ô', 'õ', 'ö', 'Ó', 'Ò', 'Ô', 'Õ', 'Ö', 'º', '°':
		return 'o'
	case 'ú', 'ù', 'û', 'ü', 'Ú', 'Ù', 'Û', 'Ü':
		return 'u'
	case 'ç', 'Ç':
		return 'c'
	case 'ñ', 'Ñ':
		return 'n'
	}
	return r
}
