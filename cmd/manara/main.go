// Command manara is the one binary: server, demo, administration and
// maintenance. It only parses flags and wires packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func commands() []*command {
	return []*command{
		demoCmd(), serveCmd(), migrateCmd(), userCmd(), keyCmd(), auditCmd(), backupCmd(), restoreCmd(), namesCmd(), importCmd(), benchCmd(), totpCmd(), assemblyCmd(), federationCmd(), versionCmd(),
	}
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	cmds := map[string]*command{}
	for _, c := range commands() {
		cmds[c.name] = c
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		if len(args) > 1 && cmds[args[1]] != nil {
			cmds[args[1]].help(os.Stdout)
			return 0
		}
		usage(os.Stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c := cmds[args[0]]
	if c == nil {
		fmt.Fprintf(os.Stderr, "manara: unknown command %q\n\n", args[0])
		usage(os.Stderr, cmds)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runCtx = ctx
	err := c.run(args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	}
	var ue usageErr
	if errors.As(err, &ue) {
		fmt.Fprintf(os.Stderr, "manara %s: %v (see manara %s --help)\n", c.name, err, c.name)
		return 2
	}
	var ex exitErr
	if errors.As(err, &ex) {
		fmt.Fprintf(os.Stderr, "manara %s: %v\n", c.name, ex.err)
		return ex.code
	}
	fmt.Fprintf(os.Stderr, "manara %s: %v\n", c.name, err)
	return 1
}

// runCtx ends on SIGINT or SIGTERM.
var runCtx = context.Background()

type exitErr struct {
	code int
	err  error
}

func (e exitErr) Error() string { return e.err.Error() }

func usage(w *os.File, cmds map[string]*command) {
	fmt.Fprintln(w, "manara — international police cooperation hub\n\nUsage: manara <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, firstSentence(cmds[n].summary))
	}
	fmt.Fprintln(w, "\nRun 'manara <command> --help' for its flags and environment variables.")
}

func versionCmd() *command {
	c := newCommand("version", "version", "Print the version.")
	c.run = func(args []string) error {
		if err := c.parseFlags(args); err != nil {
			return err
		}
		v := version
		if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		fmt.Printf("manara %s\n", v)
		return nil
	}
	return c
}

func newLogger(level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, usageErr{fmt.Sprintf("--log-level %q: must be debug, info, warn or error", level)}
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return nil, usageErr{fmt.Sprintf("--log-format %q: must be text or json", format)}
}

// firstSentence is a summary's first sentence on one line: its first
// paragraph (up to an indented list of subcommands), cut after the first
// full stop, so a summary wrapped over two lines is not cut mid-sentence.
func firstSentence(summary string) string {
	para, _, _ := strings.Cut(summary, "\n  ")
	para = strings.Join(strings.Fields(para), " ")
	if i := strings.Index(para, ". "); i >= 0 {
		return para[:i+1]
	}
	return para
}
