package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/screen"
)

// The test binary is also the external client: a child started with
// MANARA_BENCH_TEST_CLIENT=1 runs Client instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("MANARA_BENCH_TEST_CLIENT") == "1" {
		if err := Client(os.Args[1:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestHTTPHitsAreReal: the HTTP passes on queries that match make real
// hits. With every hit new, each sighting is a new hit record in the
// store; repeats make none. (The bench's store used to hold none of the
// indexed records, so no hit was ever written, and "every hit new" cost
// no more than repeats.) The external client, a separate process, is
// measured too. The bench server runs on SQLite only: it measures, it is
// not a store feature.
func TestHTTPHitsAreReal(t *testing.T) {
	people := []string{"Karim Benfictif", "Olena Vymyslova", "Jonathan Quincy Inventado", "Maria Ficticia", "Tomasz Zmyslony"}
	var all []entry
	idx := screen.New()
	for _, n := range people {
		e := entry{rec: record("US", core.KindPerson, map[string]any{"name": n, "source": "test", "source_id": n}), name: n, kind: "individual"}
		all = append(all, e)
		idx.Put(e.rec)
	}
	var hitsQ, missQ []query
	for i := range 5 {
		hitsQ = append(hitsQ, query{name: people[i%len(people)]})
		missQ = append(missQ, query{name: fmt.Sprintf("Zebulon Nonexistent%c", 'a'+i)})
	}
	t.Setenv("MANARA_BENCH_TEST_CLIENT", "1")
	traces := t.TempDir()
	o := Options{Client: []string{os.Args[0]}, TraceDir: traces}
	rows, err := httpRows(context.Background(), o, idx, all, hitsQ, missQ, "test")
	if err != nil {
		t.Fatal(err)
	}
	var checked int
	for _, r := range rows {
		if strings.HasPrefix(r.Metric, "hit records written") {
			checked++
			if r.Met != "yes" {
				t.Errorf("%s: %s (target %s)", r.Metric, r.Value, r.Target)
			}
			if strings.Contains(r.Metric, "every hit new") && !strings.HasPrefix(r.Value, fmt.Sprintf("%d new for %d sightings", rounds*len(hitsQ), rounds*len(hitsQ))) {
				t.Errorf("%s: %s, want one new hit per request", r.Metric, r.Value)
			}
		}
		if !strings.Contains(r.Metric, "threshold") && !strings.HasPrefix(r.Metric, "hit records written") {
			t.Errorf("row without its threshold: %s", r.Metric)
		}
	}
	// In process: repeats at c=1 and c=2, new at c=2; external: repeats
	// and new at c=1 and c=2.
	if checked != 7 {
		t.Errorf("%d hit-count rows, want 7: %+v", checked, rows)
	}
	external, cpu, floor, inHandler := 0, 0, 0, 0
	for _, r := range rows {
		if strings.HasPrefix(r.Metric, "p50 / p99 of the same requests inside the server's handler") {
			inHandler++
			var p50, p99 time.Duration
			parts := strings.Split(r.Value, " / ")
			if len(parts) == 2 {
				p50, _ = time.ParseDuration(parts[0])
				p99, _ = time.ParseDuration(parts[1])
			}
			if p50 <= 0 || p99 < p50 {
				t.Errorf("%s: %q, want two times, the second no less than the first", r.Metric, r.Value)
			}
		}
		if strings.Contains(r.Metric, "external client") && strings.HasPrefix(r.Metric, "HTTP throughput") {
			external++
		}
		if strings.HasPrefix(r.Metric, "CPU per request") {
			cpu++
			var server, client int
			if _, err := fmt.Sscanf(r.Value, "%d µs / %d µs", &server, &client); err != nil || client <= 0 {
				t.Errorf("%s: %q, want the server's and the client's CPU", r.Metric, r.Value)
			}
		}
		if strings.HasPrefix(r.Dataset, "the 1,000 misses") && strings.HasPrefix(r.Metric, "HTTP throughput") {
			floor++
		}
	}
	// c=1 and c=2 × misses, repeats, new; then the floor: the empty index
	// and the bare server at c=1 and c=2. Each has its CPU row.
	if external != 10 || cpu != 10 || floor != 4 {
		t.Errorf("%d external-client throughput rows (%d of the floor), %d CPU rows; want 10 (4) and 10", external, floor, cpu)
	}
	// The handler's times beside the client's: every external pass but
	// the bare server's, which has no API handler.
	if inHandler != 8 {
		t.Errorf("%d rows of times inside the handler, want 8", inHandler)
	}
	// A runtime trace of the server for every pass: 5 in process, 6
	// external, 4 of the floor.
	files, err := os.ReadDir(traces)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 15 {
		t.Errorf("%d traces in --trace-dir, want 15", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(traces, f.Name()))
		api := !strings.Contains(f.Name(), "bare-net-http-server") // the bare server has no API handler
		if err != nil || !bytes.HasPrefix(b, []byte("go 1.")) || api && !bytes.Contains(b, []byte("POST /api/v1/screen/person")) {
			t.Errorf("%s: %d bytes (%v), want a Go runtime trace with a region per screening", f.Name(), len(b), err)
		}
	}
}
