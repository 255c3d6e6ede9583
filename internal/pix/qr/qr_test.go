package qr

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/regua/regua/internal/pix"
)

// zbarimg is the independent reader (Debian zbar-tools). CI installs it and
// must run these tests; elsewhere they are skipped when it is absent.
func zbarimg(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("zbarimg not found but CI=true: install zbar-tools")
		}
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	return p
}

func readQR(t *testing.T, bin string, pngData []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "code.png")
	if err := os.WriteFile(f, pngData, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--raw", "-q", f).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSuffix(string(out), "\n")
}

func payloads(t *testing.T) []string {
	static, err := pix.Encode(pix.Code{Key: "fulano@example.com", Amount: 123456, Name: "Credor Exemplo SA", City: "São Paulo", TxID: "PARCELA0001", Description: "Acordo 42 parcela 1 de 12"})
	if err != nil {
		t.Fatal(err)
	}
	dynamic, err := pix.Encode(pix.Code{URL: "psp.example.com/qr/v2/cobv/9d36b84fc70b478fb95c12729b90ca25", Name: "Credor Exemplo SA", City: "Brasilia"})
	if err != nil {
		t.Fatal(err)
	}
	return []string{static, dynamic}
}

func TestPNGDecodesWithZbar(t *testing.T) {
	bin := zbarimg(t)
	for _, p := range payloads(t) {
		img, err := PNG(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := readQR(t, bin, img); got != p {
			t.Errorf("zbarimg read %q, want %q", got, p)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(img))
		if err != nil || cfg.Width != cfg.Height || cfg.Width < 200 {
			t.Errorf("PNG config %+v, %v", cfg, err)
		}
	}
}

// TestSVGDecodesWithZbar reads the SVG's path back into pixels, writes them
// as a PNG and lets zbarimg decode that, so the geometry of the SVG is what
// is checked.
func TestSVGDecodesWithZbar(t *testing.T) {
	bin := zbarimg(t)
	runRe := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
	viewRe := regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
	for _, p := range payloads(t) {
		svg, err := SVG(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		vb := viewRe.FindSubmatch(svg)
		if vb == nil {
			t.Fatalf("no viewBox in %s", svg[:200])
		}
		n, _ := strconv.Atoi(string(vb[1]))
		const scale = 6
		img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
		for i := range img.Pix {
			img.Pix[i] = 0xFF
		}
		runs := runRe.FindAllSubmatch(svg, -1)
		if len(runs) == 0 {
			t.Fatal("no dark runs in the SVG path")
		}
		for _, r := range runs {
			x, _ := strconv.Atoi(string(r[1]))
			y, _ := strconv.Atoi(string(r[2]))
			w, _ := strconv.Atoi(string(r[3]))
			for yy := y * scale; yy < (y+1)*scale; yy++ {
				for xx := x * scale; xx < (x+w)*scale; xx++ {
					img.SetGray(xx, yy, color.Gray{})
				}
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if got := readQR(t, bin, buf.Bytes()); got != p {
			t.Errorf("zbarimg read the SVG as %q, want %q", got, p)
		}
	}
}

func TestModulesQuietZone(t *testing.T) {
	bm, err := Modules("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D")
	if err != nil {
		t.Fatal(err)
	}
	n := len(bm)
	if n < 21+2*quietZone || (n-2*quietZone-17)%4 != 0 {
		t.Fatalf("symbol side %d is not a QR version size plus the quiet zone", n)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < quietZone; j++ {
			if bm[i][j] || bm[j][i] || bm[i][n-1-j] || bm[n-1-j][i] {
				t.Fatalf("dark module in the quiet zone at %d,%d", i, j)
			}
		}
	}
	// The top-left finder pattern starts right after the quiet zone.
	if !bm[quietZone][quietZone] || !bm[quietZone][quietZone+6] || bm[quietZone+1][quietZone+1] {
		t.Error("finder pattern not where a QR code has it")
	}
	if _, err := Modules(""); err == nil {
		t.Error("empty payload accepted")
	}
}
