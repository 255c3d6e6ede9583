package geo

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestUFs(t *testing.T) {
	all := UFs()
	if len(all) != 27 {
		t.Fatalf("%d UFs", len(all))
	}
	regions := map[Region]int{}
	for _, u := range all {
		regions[u.Region]++
		if got, ok := LookupUF(strings.ToLower(u.Code)); !ok || got.Code != u.Code {
			t.Errorf("LookupUF(%s) = %v, %v", u.Code, got, ok)
		}
		if got, ok := UFByIBGE(u.IBGE); !ok || got.Code != u.Code {
			t.Errorf("UFByIBGE(%d) = %v", u.IBGE, got)
		}
		if u.Capital.UF != u.Code || !strings.HasPrefix(u.Capital.Code, itoa2(u.IBGE)) {
			t.Errorf("%s capital %+v", u.Code, u.Capital)
		}
		if _, uf, err := ParseMunicipalityCode(u.Capital.Code); err != nil || uf != u.Code {
			t.Errorf("capital %s %s: %v %s", u.Capital.Name, u.Capital.Code, err, uf)
		}
	}
	want := map[Region]int{North: 7, Northeast: 9, Southeast: 4, South: 3, CenterWest: 4}
	for r, n := range want {
		if regions[r] != n {
			t.Errorf("region %s has %d UFs, want %d", r, regions[r], n)
		}
	}
	for _, bad := range []string{"", "XX", "S", "SPP", "BR"} {
		if _, ok := LookupUF(bad); ok {
			t.Errorf("LookupUF(%q) found", bad)
		}
	}
	if _, err := ParseUF("ZZ"); err == nil || !strings.Contains(err.Error(), `"ZZ"`) {
		t.Errorf("ParseUF(ZZ) error %v", err)
	}
	if u, _ := LookupUF(" sp "); u.Name != "São Paulo" || u.IBGE != 35 {
		t.Errorf("LookupUF(sp) = %+v", u)
	}
}

func fmt8(v int) string {
	b := []byte("00000000")
	for i := 7; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b)
}

func itoa2(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

func TestCapitals(t *testing.T) {
	for uf, want := range map[string]string{
		"SP": "3550308 São Paulo", "RJ": "3304557 Rio de Janeiro", "DF": "5300108 Brasília",
		"MG": "3106200 Belo Horizonte", "BA": "2927408 Salvador", "AM": "1302603 Manaus",
		"TO": "1721000 Palmas", "AC": "1200401 Rio Branco", "RS": "4314902 Porto Alegre",
	} {
		c, ok := Capital(uf)
		if !ok || c.Code+" "+c.Name != want {
			t.Errorf("Capital(%s) = %+v, want %s", uf, c, want)
		}
	}
}

func TestMunicipalityCode(t *testing.T) {
	tests := []struct {
		in, code, uf string
		wantErr      error
	}{
		{"3550308", "3550308", "SP", nil},
		{"33.04557", "3304557", "RJ", nil},
		{" 2605459 ", "2605459", "PE", nil},
		{"2201919", "2201919", "PI", nil}, // official code that breaks the rule
		{"5203962", "5203962", "GO", nil},
		{"3550307", "", "", ErrMunicipalityCheck},
		{"3304558", "", "", ErrMunicipalityCheck},
		{"2201910", "", "", ErrMunicipalityCheck},
		{"355030", "", "", ErrMunicipalityLength},
		{"35503080", "", "", ErrMunicipalityLength},
		{"355030A", "", "", ErrMunicipalityLength},
		{"", "", "", ErrMunicipalityLength},
		{"3450308", "", "", ErrMunicipalityUF}, // 34 is no UF
		{"0000000", "", "", ErrMunicipalityUF},
	}
	for _, tt := range tests {
		code, uf, err := ParseMunicipalityCode(tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.in) {
				t.Errorf("ParseMunicipalityCode(%q) = %s %s %v, want %v", tt.in, code, uf, err, tt.wantErr)
			}
			continue
		}
		if err != nil || code != tt.code || uf != tt.uf {
			t.Errorf("ParseMunicipalityCode(%q) = %s %s %v", tt.in, code, uf, err)
		}
	}
	// The nine exceptions really break the rule (else the list is wrong).
	for code := range invalidCheckDigit {
		if d, _ := MunicipalityCheckDigit(code[:6]); d == code[6] {
			t.Errorf("%s listed as exception but satisfies the rule", code)
		}
	}
	if _, err := MunicipalityCheckDigit("35503"); err == nil {
		t.Error("5 digits accepted")
	}
	if _, err := MunicipalityCheckDigit("35a030"); err == nil {
		t.Error("letter accepted")
	}
}

func TestCarriedMunicipalities(t *testing.T) {
	if len(municipalities) < 27+60 {
		t.Errorf("only %d municipalities carried", len(municipalities))
	}
	for code, m := range municipalities {
		c, uf, err := ParseMunicipalityCode(code)
		if err != nil || c != m.Code || uf != m.UF || m.Name == "" {
			t.Errorf("carried municipality %+v: %v (uf %s)", m, err, uf)
		}
	}
	for _, u := range UFs() {
		cs := Cities(u.Code)
		if len(cs) == 0 || cs[0] != u.Capital {
			t.Errorf("Cities(%s) = %v: want capital first", u.Code, cs)
		}
		for _, c := range cs {
			if c.UF != u.Code {
				t.Errorf("Cities(%s) has %+v", u.Code, c)
			}
		}
	}
	if m, ok := LookupMunicipality("1301407"); !ok || m.Name != "Eirunepé" || m.UF != "AM" {
		t.Errorf("LookupMunicipality(Eirunepé) = %+v %v", m, ok)
	}
	if Cities("XX") != nil {
		t.Error("Cities(XX) not nil")
	}
}

func TestZones(t *testing.T) {
	tests := []struct {
		uf, muni, zone string
		offsetHours    int
	}{
		{"SP", "", "America/Sao_Paulo", -3},
		{"SP", "3550308", "America/Sao_Paulo", -3},
		{"RJ", "3304557", "America/Sao_Paulo", -3},
		{"PE", "", "America/Recife", -3},
		{"PE", "2605459", "America/Noronha", -2},
		{"", "2605459", "America/Noronha", -2},
		{"AM", "", "America/Manaus", -4},
		{"AM", "1302603", "America/Manaus", -4},
		{"AM", "1301407", "America/Eirunepe", -5},
		{"am", "1300706", "America/Eirunepe", -5}, // Boca do Acre
		{"AM", "1304062", "America/Manaus", -4},   // Tabatinga: on the line, UTC−4
		{"AC", "", "America/Rio_Branco", -5},
		{"RO", "", "America/Porto_Velho", -4},
		{"RR", "", "America/Boa_Vista", -4},
		{"MT", "", "America/Cuiaba", -4},
		{"MS", "5002704", "America/Campo_Grande", -4},
		{"PA", "", "America/Belem", -3},
		{"PA", "1506807", "America/Santarem", -3},
		{"AP", "", "America/Belem", -3},
		{"TO", "", "America/Araguaina", -3},
		{"BA", "", "America/Bahia", -3},
		{"CE", "", "America/Fortaleza", -3},
		{"SE", "", "America/Maceio", -3},
		{"DF", "5300108", "America/Sao_Paulo", -3},
	}
	// A date with no daylight saving anywhere in Brazil (abolished in 2019).
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		name, err := ZoneName(tt.uf, tt.muni)
		if err != nil || name != tt.zone {
			t.Errorf("ZoneName(%q, %q) = %q, %v; want %s", tt.uf, tt.muni, name, err, tt.zone)
			continue
		}
		loc, err := ZoneFor(tt.uf, tt.muni)
		if err != nil {
			t.Fatal(err)
		}
		if loc.String() != tt.zone {
			t.Errorf("ZoneFor(%q, %q) = %s", tt.uf, tt.muni, loc)
		}
		if _, off := at.In(loc).Zone(); off != tt.offsetHours*3600 {
			t.Errorf("%s offset %ds, want %dh", tt.zone, off, tt.offsetHours)
		}
	}
	// Every UTC−5 Amazonas municipality.
	for _, c := range westAmazonas {
		if name, err := ZoneName("AM", c[0]); err != nil || name != "America/Eirunepe" {
			t.Errorf("%s (%s): %s %v", c[1], c[0], name, err)
		}
	}
	// Cached: the same *Location each time.
	a, _ := ZoneFor("SP", "")
	b, _ := ZoneFor("RJ", "")
	if a != b {
		t.Error("locations not shared")
	}
	for _, bad := range []struct{ uf, muni, want string }{
		{"SP", "3304557", "belongs to RJ"},
		{"XX", "", `"XX"`},
		{"", "", `""`},
		{"SP", "3550307", "check digit"},
	} {
		if _, err := ZoneFor(bad.uf, bad.muni); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ZoneFor(%q, %q) error %v, want %q", bad.uf, bad.muni, err, bad.want)
		}
	}
	if len(Zones()) != 16 {
		t.Errorf("Zones() = %v", Zones())
	}
	if loc, err := Location("Europe/Lisbon"); err != nil || loc.String() != "Europe/Lisbon" {
		t.Errorf("Location(Europe/Lisbon) = %v, %v", loc, err)
	}
	if _, err := Location("Mars/Olympus"); err == nil {
		t.Error("Location(Mars/Olympus) succeeded")
	}
}

func TestCEP(t *testing.T) {
	tests := []struct {
		in, cep, uf string
		wantErr     error
	}{
		{"01310-100", "01310100", "SP", nil},
		{"01310100", "01310100", "SP", nil},
		{"1310100", "01310100", "SP", nil}, // leading zero lost by a spreadsheet
		{"01.310-100", "01310100", "SP", nil},
		{"20040-002", "20040002", "RJ", nil},
		{"70040-010", "70040010", "DF", nil},
		{"72800-000", "72800000", "GO", nil},
		{"73700-000", "73700000", "GO", nil},
		{"73000-000", "73000000", "DF", nil},
		{"69900-000", "69900000", "AC", nil},
		{"69300-000", "69300000", "RR", nil},
		{"69400-000", "69400000", "AM", nil},
		{"68900-000", "68900000", "AP", nil},
		{"76800-000", "76800000", "RO", nil},
		{"53990-000", "53990000", "PE", nil}, // Fernando de Noronha
		{"99999-999", "99999999", "RS", nil},
		{"00999-999", "", "", ErrCEPRange},
		{"0131-0100", "", "", ErrCEPFormat},
		{"013101000", "", "", ErrCEPFormat},
		{"01310/100", "", "", ErrCEPFormat},
		{"", "", "", ErrCEPFormat},
	}
	for _, tt := range tests {
		cep, err := ParseCEP(tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ParseCEP(%q) = %s, %v; want %v", tt.in, cep, err, tt.wantErr)
			}
			continue
		}
		if err != nil || cep != tt.cep || UFOfCEP(cep) != tt.uf {
			t.Errorf("ParseCEP(%q) = %s (%s), %v; want %s %s", tt.in, cep, UFOfCEP(cep), err, tt.cep, tt.uf)
		}
		if got, err := CheckCEP(tt.uf, tt.in); err != nil || got != tt.cep {
			t.Errorf("CheckCEP(%s, %q) = %s, %v", tt.uf, tt.in, got, err)
		}
	}
	if _, err := CheckCEP("RJ", "01310-100"); !errors.Is(err, ErrCEPUF) || !strings.Contains(err.Error(), "SP, not RJ") {
		t.Errorf("CheckCEP(RJ, SP cep) = %v", err)
	}
	if _, err := CheckCEP("XX", "01310-100"); err == nil {
		t.Error("CheckCEP(XX) accepted")
	}
	if FormatCEP("01310100") != "01310-100" {
		t.Error(FormatCEP("01310100"))
	}
	// The ranges never overlap and cover 01000-000…99999-999 except
	// 78900-000…78999-999, which the table gives to no UF.
	covered := 0
	for _, u := range UFs() {
		for _, r := range CEPRanges(u.Code) {
			covered += r.Last - r.First + 1
			for _, v := range []int{r.First, r.Last} {
				if got := UFOfCEP(fmt8(v)); got != u.Code {
					t.Errorf("CEP %08d of %s found in %s", v, u.Code, got)
				}
			}
		}
	}
	if covered != 99999999-1000000+1-100000 {
		t.Errorf("ranges cover %d CEPs", covered)
	}
	if UFOfCEP("78950000") != "" {
		t.Error("78950-000 has a UF")
	}
}

func TestGenerateCEP(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, u := range UFs() {
		for range 200 {
			cep, err := GenerateCEP(r, u.Code)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := CheckCEP(u.Code, cep); err != nil || got != cep {
				t.Fatalf("GenerateCEP(%s) = %s: %v", u.Code, cep, err)
			}
		}
	}
	if _, err := GenerateCEP(r, "XX"); err == nil {
		t.Error("GenerateCEP(XX) succeeded")
	}
}

func FuzzParseMunicipalityCode(f *testing.F) {
	for _, s := range []string{"3550308", "33.04557", "2201919", "", "355030A", "9999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, uf, err := ParseMunicipalityCode(s)
		if err != nil {
			return
		}
		if len(code) != 7 || uf == "" {
			t.Fatalf("ParseMunicipalityCode(%q) = %q %q", s, code, uf)
		}
		if again, uf2, err := ParseMunicipalityCode(code); err != nil || again != code || uf2 != uf {
			t.Fatalf("reparse %q: %v", code, err)
		}
		if _, err := ZoneName(uf, code); err != nil {
			t.Fatalf("ZoneName(%s, %s): %v", uf, code, err)
		}
	})
}

func FuzzParseCEP(f *testing.F) {
	for _, s := range []string{"01310-100", "1310100", "99999-999", "00999-999", "", "0131-0100"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cep, err := ParseCEP(s)
		if err != nil {
			return
		}
		uf := UFOfCEP(cep)
		if len(cep) != 8 || uf == "" {
			t.Fatalf("ParseCEP(%q) = %q (uf %q)", s, cep, uf)
		}
		if got, err := CheckCEP(uf, FormatCEP(cep)); err != nil || got != cep {
			t.Fatalf("CheckCEP(%s, %s) = %s, %v", uf, FormatCEP(cep), got, err)
		}
	})
}

func BenchmarkZoneFor(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ZoneFor("AM", "1301407"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCEP(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCEP("01310-100"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseMunicipalityCode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseMunicipalityCode("3550308"); err != nil {
			b.Fatal(err)
		}
	}
}
