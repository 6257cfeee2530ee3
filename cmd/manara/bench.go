package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/manara-hub/manara/internal/bench"
)

func benchCmd() *command {
	c := newCommand("bench", "bench [flags]", "Run the benchmarks and print one table: dataset, metric, value, target.\n"+
		"  lists     OFAC, UN and US Congress: recall, scores and HTTP speed on queries from sdn.csv; cross-script rank\n"+
		"  fixtures  third-party positives (recall@1) and negatives (false alerts)\n"+
		"  scale     a generated million persons and ten million travel documents\n"+
		"  reports   citizen reports ingested into campaigns (only when named)\n"+
		"  assembly  a General Assembly round with all 196 delegations voting at once (only when named)\n"+
		"  meetings  bilateral meetings planned at a General Assembly-sized gathering (only when named)\n"+
		"  accreditation  10,000 participants screened in batch against OFAC+UN, and notice → alert delay (only when named)\n"+
		"  federation  a hub and 10 national nodes on loopback: propagation, messages/s, catch-up, remote hit/no-hit (only when named)")
	var corpora, suites, queries, negatives, persons, documents, seed string
	c.str(&corpora, "corpora", "MANARA_CORPORA", "../shared/corpora", "folder of the real lists")
	c.str(&suites, "suite", "", "lists,fixtures,scale", "which suites to run, comma-separated")
	c.str(&queries, "queries", "", "1000", "queries built from sdn.csv")
	c.str(&negatives, "negatives", "", "0", "negatives screened per fixture file (0: all 50,000)")
	c.str(&persons, "persons", "", "1000000", "scale: persons indexed")
	c.str(&documents, "documents", "", "10000000", "scale: travel documents indexed")
	var nreports, fedMessages, fedCatchup string
	c.str(&nreports, "reports", "", "100000", "reports: generated citizen reports ingested")
	c.str(&fedMessages, "messages", "", "2000", "federation: messages of the throughput pass")
	c.str(&fedCatchup, "catchup", "", "2000", "federation: messages a node catches up after being offline (the issue: 100000)")
	c.str(&seed, "seed", "", "42", "seed of the query and data generators")
	var cpuprofile, profileDir, traceDir, external string
	c.str(&cpuprofile, "cpuprofile", "", "", "write a CPU profile of the run to this file")
	c.str(&profileDir, "profile-dir", "", "", "write a CPU profile of the server for each HTTP pass into this folder (not with --cpuprofile)")
	c.str(&traceDir, "trace-dir", "", "", "write a runtime trace of the server for each HTTP pass into this folder (go tool trace)")
	c.str(&external, "external-client", "", "yes", "also drive the API from a separate client process over loopback (yes or no)")
	c.run = func(args []string) error {
		// `manara bench client` is the external load generator the lists
		// suite starts as a child process.
		if len(args) > 0 && args[0] == "client" {
			return bench.Client(args[1:], os.Stdout)
		}
		if err := c.parseFlags(args); err != nil {
			return err
		}
		if cpuprofile != "" && profileDir != "" {
			return usageErr{"say --cpuprofile or --profile-dir, not both"}
		}
		if external != "yes" && external != "no" {
			return usageErr{"--external-client must be yes or no"}
		}
		num := func(name, v string) (int, error) {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0, usageErr{fmt.Sprintf("--%s must be a whole number", name)}
			}
			return n, nil
		}
		o := bench.Options{Corpora: corpora, Log: os.Stderr, ProfileDir: profileDir, TraceDir: traceDir, GCPercent: servingGCPercent()}
		if external == "yes" {
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("find this program to start the external client: %w", err)
			}
			o.Client = []string{exe, "bench", "client"}
		}
		var err error
		if o.Queries, err = num("queries", queries); err != nil {
			return err
		}
		if o.Negatives, err = num("negatives", negatives); err != nil {
			return err
		}
		if o.Persons, err = num("persons", persons); err != nil {
			return err
		}
		if o.Documents, err = num("documents", documents); err != nil {
			return err
		}
		if o.Reports, err = num("reports", nreports); err != nil {
			return err
		}
		if o.FedMessages, err = num("messages", fedMessages); err != nil {
			return err
		}
		if o.FedCatchup, err = num("catchup", fedCatchup); err != nil {
			return err
		}
		s, err := num("seed", seed)
		if err != nil {
			return err
		}
		o.Seed = uint64(s)
		for _, x := range strings.Split(suites, ",") {
			if x = strings.TrimSpace(x); x != "" {
				if !slices.Contains(bench.Suites(), x) {
					return usageErr{fmt.Sprintf("unknown suite %q: say one of %s", x, strings.Join(bench.Suites(), ", "))}
				}
				o.Suites = append(o.Suites, x)
			}
		}
		if _, err := os.Stat(corpora); err != nil && (len(o.Suites) == 0 || strings.Contains(suites, "lists") || strings.Contains(suites, "fixtures")) {
			return fmt.Errorf("the real lists are not at %s (set --corpora): %v", corpora, err)
		}
		// The folders are made last: a command refused for another flag
		// leaves nothing behind.
		for _, d := range []struct{ flag, dir string }{{"profile-dir", profileDir}, {"trace-dir", traceDir}} {
			if d.dir != "" {
				if err := os.MkdirAll(d.dir, 0o755); err != nil {
					return usageErr{fmt.Sprintf("--%s must be a folder this user can create or write to: %v", d.flag, err)}
				}
			}
		}
		if cpuprofile != "" {
			f, err := os.Create(cpuprofile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer pprof.StopCPUProfile()
		}
		rows, err := bench.Run(runCtx, o)
		w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "DATASET\tMETRIC\tVALUE\tTARGET\tMET")
		for _, r := range rows {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.Dataset, r.Metric, r.Value, r.Target, r.Met)
		}
		w.Flush()
		return err
	}
	return c
}
