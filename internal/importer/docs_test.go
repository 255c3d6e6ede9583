package importer

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListEveryColumn keeps docs/import-format.md in step with the code.
func TestDocsListEveryColumn(t *testing.T) {
	b, err := os.ReadFile("../../docs/import-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, c := range columns {
		if !strings.Contains(doc, "| `"+c.name+"` |") {
			t.Errorf("docs/import-format.md has no row for %s", c.name)
		}
		for _, a := range c.aliases {
			if !strings.Contains(doc, a) {
				t.Errorf("docs/import-format.md does not list alias %s of %s", a, c.name)
			}
		}
	}
}
