package letter

import (
	"bytes"
	"testing"

	"github.com/regua/regua/internal/store"
)

// BenchmarkRender is one letter's PDF.
func BenchmarkRender(b *testing.B) {
	var buf bytes.Buffer
	ls := []store.Letter{sample}
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, ls); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/letter")
}
