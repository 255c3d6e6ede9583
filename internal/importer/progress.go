package importer

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// TerminalProgress returns an Options.Progress that draws a one-line bar on
// w (a terminal): percentage of the file read when its size is known, rows,
// rejects and rate. It redraws at most ten times a second and ends the line
// when the import is done.
func TerminalProgress(w io.Writer) func(Progress) {
	var last time.Time
	return func(p Progress) {
		if !p.Done && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		rate := 0.0
		if p.Elapsed > 0 {
			rate = float64(p.Rows) / p.Elapsed.Seconds()
		}
		bar := ""
		if p.Total > 0 {
			frac := min(float64(p.Bytes)/float64(p.Total), 1)
			const width = 30
			n := int(frac * width)
			bar = fmt.Sprintf("[%s%s] %3.0f%% ", strings.Repeat("#", n), strings.Repeat(" ", width-n), frac*100)
		}
		fmt.Fprintf(w, "\r%s%s rows, %s rejected, %s rows/s ", bar, thousands(p.Rows), thousands(p.Rejected), thousands(int(rate)))
		if p.Done {
			fmt.Fprintln(w)
		}
	}
}
