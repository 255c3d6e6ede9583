package importer

import (
	"fmt"

	"github.com/regua/regua/internal/geo"
)

// defaultZone is Brasília time, the legal time of most debtors, used when a
// row has neither UF nor municipality.
const defaultZone = "America/Sao_Paulo"

func normalizeUF(s string) (string, bool) {
	u, ok := geo.LookupUF(s)
	if !ok {
		return s, false
	}
	return u.Code, true
}

// normalizeMunicipality checks an IBGE code and that it lies in uf (when
// the row names one: the pair decides the time zone).
func normalizeMunicipality(s, uf string) (string, error) {
	code, muniUF, err := geo.ParseMunicipalityCode(s)
	if err != nil {
		return s, fmt.Errorf("invalid IBGE municipality code: %v", err)
	}
	if uf != "" && muniUF != uf {
		return code, fmt.Errorf("municipality %s is in %s, not in the row's UF %s", code, muniUF, uf)
	}
	return code, nil
}

func normalizeCEP(s string) (string, error) {
	cep, err := geo.ParseCEP(s)
	if err != nil {
		return s, fmt.Errorf("invalid CEP: %v", err)
	}
	return cep, nil
}

// zoneFor derives the debtor's IANA zone; invalid inputs were rejected
// already, so a failure here falls back to the default.
func zoneFor(uf, municipality string) string {
	if uf == "" && municipality == "" {
		return defaultZone
	}
	z, err := geo.ZoneName(uf, municipality)
	if err != nil {
		return defaultZone
	}
	return z
}
