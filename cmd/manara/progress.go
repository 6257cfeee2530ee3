package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws a one-line bar on a terminal for long work; elsewhere
// (a log file, CI) it prints a line every tenth of the way.
type progress struct {
	w     io.Writer
	tty   bool
	tenth int
	label string
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer, label string) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil {
			tty = st.Mode()&os.ModeCharDevice != 0
		}
	}
	return &progress{w: w, tty: tty, label: label, start: time.Now()}
}

func (p *progress) set(done, total int) {
	if total <= 0 {
		return
	}
	if !p.tty {
		if t := done * 10 / total; t > p.tenth {
			p.tenth = t
			fmt.Fprintf(p.w, "%s: %d/%d\n", p.label, done, total)
		}
		return
	}
	if time.Since(p.last) < 100*time.Millisecond && done < total {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := done * width / total
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("█", filled), strings.Repeat("·", width-filled), done, total)
}

func (p *progress) done() {
	fmt.Fprintf(p.w, "%s done in %s\n", map[bool]string{true: "", false: p.label}[p.tty], time.Since(p.start).Round(time.Millisecond))
}
