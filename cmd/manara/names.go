package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/manara-hub/manara/internal/names"
)

func namesCmd() *command {
	c := newCommand("names", "names compare|eval [FILE]", "Compare names across scripts.\n  compare  reads {\"a\",\"b\"} JSON lines on standard input, writes {\"score\",\"match\",\"explanation\"} lines\n  eval FILE  reads {\"a\",\"b\",\"match\"} lines; prints precision, recall, F1 and the pairs it got wrong")
	var explain bool
	c.boolean(&explain, "explain", "", true, "with compare: include the explanation of each score")
	c.run = func(args []string) error {
		if err := needSub(c, args, "say compare or eval"); err != nil {
			return err
		}
		sub := args[0]
		rest, err := c.parse(args[1:])
		if err != nil {
			return err
		}
		switch sub {
		case "compare":
			// It reads standard input: a FILE given would be ignored
			// while it waits on the terminal.
			if len(rest) > 0 {
				return usageErr{fmt.Sprintf("compare reads standard input and takes no FILE (%q): manara names compare < FILE", rest[0])}
			}
			return namesCompare(os.Stdin, os.Stdout, explain)
		case "eval":
			if len(rest) != 1 {
				return usageErr{"eval needs one FILE of {\"a\",\"b\",\"match\"} lines"}
			}
			f, err := os.Open(rest[0])
			if err != nil {
				return err
			}
			defer f.Close()
			return namesEval(f, os.Stdout)
		}
		return usageErr{fmt.Sprintf("unknown subcommand %q: say compare or eval", sub)}
	}
	return c
}

type namePair struct {
	A     *string `json:"a"`
	B     *string `json:"b"`
	Match *bool   `json:"match,omitempty"`
	// Script, Class and Note describe a pair in an evaluation file; eval
	// reports right answers per script, and precision and recall per
	// class, when they are given.
	Script string `json:"script,omitempty"`
	Class  string `json:"class,omitempty"`
	Note   string `json:"note,omitempty"`
}

func readPair(line []byte, needMatch bool) (namePair, error) {
	var p namePair
	dec := json.NewDecoder(strings.NewReader(string(line)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("not a JSON object {\"a\": \"…\", \"b\": \"…\"}: %v", err)
	}
	switch {
	case p.A == nil:
		return p, fmt.Errorf("field \"a\" is required")
	case p.B == nil:
		return p, fmt.Errorf("field \"b\" is required")
	case needMatch && p.Match == nil:
		return p, fmt.Errorf("field \"match\" is required (true or false)")
	}
	return p, nil
}

// namesCompare answers each input line with one output line, in order; a
// bad line gets an error line and the rest are still answered.
func namesCompare(in io.Reader, out io.Writer, explain bool) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	w := bufio.NewWriter(out)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n, bad := 0, 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		p, err := readPair(line, false)
		if err != nil {
			bad++
			enc.Encode(map[string]any{"line": n, "error": err.Error()})
			continue
		}
		r := names.Compare(*p.A, *p.B)
		o := map[string]any{"score": r.Score, "match": r.Match}
		if explain {
			o["explanation"] = r.Explain()
		}
		enc.Encode(o)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if bad > 0 {
		// Every line was answered; the exit status tells a script that some
		// answers are errors.
		return exitErr{1, fmt.Errorf("%d of %d lines were not valid pairs (see their error lines)", bad, n)}
	}
	return nil
}

func namesEval(in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var tp, fp, fn, tn, n int
	var wrong []string
	type tally struct{ right, pairs int }
	perScript := map[string]*tally{}
	var scripts []string
	// counts of one class: true and false matches, missed matches, pairs
	type counts struct{ tp, fp, fn, pairs int }
	perClass := map[string]*counts{}
	var classes []string
	for sc.Scan() {
		n++
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		p, err := readPair(sc.Bytes(), true)
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		r := names.Compare(*p.A, *p.B)
		if p.Script != "" {
			t := perScript[p.Script]
			if t == nil {
				t = &tally{}
				perScript[p.Script] = t
				scripts = append(scripts, p.Script)
			}
			t.pairs++
			if r.Match == *p.Match {
				t.right++
			}
		}
		if p.Class != "" {
			c := perClass[p.Class]
			if c == nil {
				c = &counts{}
				perClass[p.Class] = c
				classes = append(classes, p.Class)
			}
			c.pairs++
			switch {
			case r.Match && *p.Match:
				c.tp++
			case r.Match:
				c.fp++
			case *p.Match:
				c.fn++
			}
		}
		switch {
		case r.Match && *p.Match:
			tp++
		case r.Match && !*p.Match:
			fp++
			wrong = append(wrong, fmt.Sprintf("false match    %.3f  %s | %s\n    %s", r.Score, *p.A, *p.B, strings.Join(r.Explain(), "\n    ")))
		case !r.Match && *p.Match:
			fn++
			wrong = append(wrong, fmt.Sprintf("missed match   %.3f  %s | %s\n    %s", r.Score, *p.A, *p.B, strings.Join(r.Explain(), "\n    ")))
		default:
			tn++
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	precision, recall := ratio(tp, tp+fp), ratio(tp, tp+fn)
	f1 := 0.0
	if precision+recall > 0 {
		f1 = 2 * precision * recall / (precision + recall)
	}
	fmt.Fprintf(out, "pairs %d  threshold %.2f\nprecision %.3f  recall %.3f  F1 %.3f  (tp %d fp %d fn %d tn %d)\n", tp+fp+fn+tn, names.DefaultThreshold, precision, recall, f1, tp, fp, fn, tn)
	if len(scripts) > 0 {
		fmt.Fprintln(out, "\nright answers per script:")
		for _, s := range scripts {
			fmt.Fprintf(out, "  %-16s %3d of %3d\n", s, perScript[s].right, perScript[s].pairs)
		}
	}
	if len(classes) > 0 {
		fmt.Fprintln(out, "\nper class:")
		for _, name := range classes {
			c := perClass[name]
			// a class of negatives only has no recall, and no precision
			// while nothing in it matched
			of := func(a, b int) string {
				if b == 0 {
					return "  —  "
				}
				return fmt.Sprintf("%.3f", ratio(a, b))
			}
			fmt.Fprintf(out, "  %-22s %4d pairs  precision %s  recall %s  (fp %d fn %d)\n", name, c.pairs, of(c.tp, c.tp+c.fp), of(c.tp, c.tp+c.fn), c.fp, c.fn)
		}
	}
	if len(wrong) > 0 {
		fmt.Fprintf(out, "\nwrong (%d):\n%s\n", len(wrong), strings.Join(wrong, "\n"))
	}
	return nil
}
