package journey

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed demo/*.json
var demoFS embed.FS

// DemoSet returns the demo journey set in order of priority: the seeds'
// good practice of courteous pre-due reminders, a clear post-due
// escalation, offers and hand-over to agents, with agreement reminders and
// the journeys that take over after a broken promise or agreement. `regua
// demo` loads them; each is valid (TestDemoSet).
func DemoSet() ([]*Definition, error) {
	names, err := fs.Glob(demoFS, "demo/*.json")
	if err != nil {
		return nil, err
	}
	var out []*Definition
	for _, n := range names {
		raw, err := demoFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		d, err := ParseBytes(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Priority < out[b].Priority })
	return out, nil
}

// DemoFile returns the raw JSON of one demo journey by key.
func DemoFile(key string) ([]byte, bool) {
	raw, err := demoFS.ReadFile("demo/" + key + ".json")
	return raw, err == nil
}
