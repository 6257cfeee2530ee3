package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a one-line bar on a terminal for long work.
type progress struct {
	w     io.Writer
	label string
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, label: label, start: time.Now()}
}

func (p *progress) set(done, total int) {
	if total <= 0 || (time.Since(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := done * width / total
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("█", filled), strings.Repeat("·", width-filled), done, total)
}

func (p *progress) done() {
	fmt.Fprintf(p.w, " done in %s\n", time.Since(p.start).Round(time.Millisecond))
}
