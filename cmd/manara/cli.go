package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
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
			return nil, usageErr{err.Error()}
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

type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }

var errHelp = fmt.Errorf("help shown")
