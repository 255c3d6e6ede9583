package phone

// dddUF maps each DDD that Anatel assigns (67 codes) to its UF. A few DDDs
// spill over a state border (61 also serves Goiás municipalities around
// Brasília); the UF given is the one the code belongs to in Anatel's plan.
var dddUF = [100]string{
	11: "SP", 12: "SP", 13: "SP", 14: "SP", 15: "SP", 16: "SP", 17: "SP", 18: "SP", 19: "SP",
	21: "RJ", 22: "RJ", 24: "RJ",
	27: "ES", 28: "ES",
	31: "MG", 32: "MG", 33: "MG", 34: "MG", 35: "MG", 37: "MG", 38: "MG",
	41: "PR", 42: "PR", 43: "PR", 44: "PR", 45: "PR", 46: "PR",
	47: "SC", 48: "SC", 49: "SC",
	51: "RS", 53: "RS", 54: "RS", 55: "RS",
	61: "DF",
	62: "GO", 64: "GO",
	63: "TO",
	65: "MT", 66: "MT",
	67: "MS",
	68: "AC",
	69: "RO",
	71: "BA", 73: "BA", 74: "BA", 75: "BA", 77: "BA",
	79: "SE",
	81: "PE", 87: "PE",
	82: "AL",
	83: "PB",
	84: "RN",
	85: "CE", 88: "CE",
	86: "PI", 89: "PI",
	91: "PA", 93: "PA", 94: "PA",
	92: "AM", 97: "AM",
	95: "RR",
	96: "AP",
	98: "MA", 99: "MA",
}

// ufDDDs is the inverse of dddUF, built once.
var ufDDDs = func() map[string][]string {
	m := map[string][]string{}
	for d, uf := range dddUF {
		if uf != "" {
			m[uf] = append(m[uf], string([]byte{byte('0' + d/10), byte('0' + d%10)}))
		}
	}
	return m
}()

// UF returns the state of a two-digit DDD, or "" if Anatel assigns no such
// code.
func UF(ddd string) string {
	if len(ddd) != 2 || ddd[0] < '1' || ddd[0] > '9' || ddd[1] < '0' || ddd[1] > '9' {
		return ""
	}
	return dddUF[int(ddd[0]-'0')*10+int(ddd[1]-'0')]
}

// DDDs returns the area codes of a UF ("SP" → 11…19) in ascending order, or
// nil for an unknown UF. The slice is shared; do not modify it.
func DDDs(uf string) []string { return ufDDDs[uf] }

// AllDDDs returns the 67 valid DDDs in ascending order.
func AllDDDs() []string {
	var out []string
	for d, uf := range dddUF {
		if uf != "" {
			out = append(out, string([]byte{byte('0' + d/10), byte('0' + d%10)}))
		}
	}
	return out
}
