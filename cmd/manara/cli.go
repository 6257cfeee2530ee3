package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// command is one `manara …` subcommand. Every flag may also come from an
// environment variable, and --help lists both.
type command struct {
	name, usage, summary string
	flags                *flag.FlagSet
	env                  map[string]string // flag name → variable
	run                  func(args []string) error
}

func newCommand(name, usage, summary string) *command {
	c := &command{name: name, usage: usage, summary: summary, flags: flag.NewFlagSet(name, flag.ContinueOnError), env: map[string]string{}}
	c.flags.SetOutput(io.Discard)
	return c
}

func (c *command) str(p *string, name, env, def, help string) {
	c.flags.StringVar(p, name, def, help)
	if env != "" {
		c.env[name] = env
	}
}

func (c *command) boolean(p *bool, name, env string, def bool, help string) {
	c.flags.BoolVar(p, name, def, help)
	if env != "" {
		c.env[name] = env
	}
}

func (c *command) help(w io.Writer) {
	fmt.Fprintf(w, "Usage: manara %s\n\n%s\n", c.usage, c.summary)
	var lines []string
	c.flags.VisitAll(func(f *flag.Flag) {
		l := fmt.Sprintf("  --%s", f.Name)
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
			l += " value"
		}
		l = fmt.Sprintf("%-28s %s", l, f.Usage)
		if f.DefValue != "" && f.DefValue != "false" {
			l += fmt.Sprintf(" (default %q)", f.DefValue)
		}
		if e := c.env[f.Name]; e != "" {
			l += " [$" + e + "]"
		}
		lines = append(lines, l)
	})
	if len(lines) > 0 {
		fmt.Fprintf(w, "\nFlags (a flag wins over its environment variable):\n%s\n", strings.Join(lines, "\n"))
	}
}

// parse reads flags, taking unset ones from their environment variables.
func (c *command) parse(args []string) ([]string, error) {
	// Flags may come before or after positional arguments.
	var positional []string
	for {
		if err := c.flags.Parse(args); err != nil {
			if err == flag.ErrHelp {
				c.help(os.Stdout)
				return nil, errHelp
			}
			c.help(os.Stderr)
			return nil, usageErr{c.explainParseError(err)}
		}
		rest := c.flags.Args()
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	set := map[string]bool{}
	c.flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	names := make([]string, 0, len(c.env))
	for n := range c.env {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if v, ok := os.LookupEnv(c.env[n]); ok && !set[n] {
			if err := c.flags.Set(n, v); err != nil {
				return nil, usageErr{fmt.Sprintf("$%s: %v", c.env[n], err)}
			}
		}
	}
	return positional, nil
}

// parseFlags reads flags for a command that takes no positional argument.
// A stray one is refused before anything is done: it is most often a
// second value for a flag (`key revoke --id K1 K2`), which would
// otherwise be dropped while the command reports success for the first.
func (c *command) parseFlags(args []string) error {
	rest, err := c.parse(args)
	if err != nil {
		return err
	}
	return noArguments(rest)
}

// noArguments refuses positional arguments, naming them.
func noArguments(rest []string) error {
	if len(rest) == 0 {
		return nil
	}
	q := make([]string, len(rest))
	for i, a := range rest {
		q[i] = strconv.Quote(a)
	}
	noun := "argument"
	if len(rest) > 1 {
		noun = "arguments"
	}
	return usageErr{fmt.Sprintf("unexpected %s %s (a flag takes one value: run the command again for another); nothing was done", noun, strings.Join(q, " "))}
}

type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }

var errHelp = fmt.Errorf("help shown")

// explainParseError rewords the flag package's "flag provided but not
// defined: -x" and names the defined flags closest to what was typed.
func (c *command) explainParseError(err error) string {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: ")
	if !ok {
		return err.Error()
	}
	typed := strings.TrimLeft(name, "-")
	var close []string
	c.flags.VisitAll(func(f *flag.Flag) {
		if d := editDistance(typed, f.Name); d <= max(2, len(typed)/3) || strings.HasPrefix(f.Name, typed) || strings.HasPrefix(typed, f.Name) {
			close = append(close, "--"+f.Name)
		}
	})
	msg := fmt.Sprintf("unknown flag --%s", typed)
	switch {
	case len(close) > 0:
		msg += "; did you mean " + strings.Join(close, " or ") + "?"
	case !hasFlags(c.flags):
		msg += "; this command takes no flags"
	}
	return msg
}

func hasFlags(fs *flag.FlagSet) bool {
	some := false
	fs.VisitAll(func(*flag.Flag) { some = true })
	return some
}

// editDistance is the Levenshtein distance between a and b, in bytes
// (flag names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
