package bench

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/screen"
)

var listsOnce struct {
	sync.Once
	idx  *screen.Index
	qs   []query
	ofac []entry
	byID map[string]entry
	err  error
}

// listsIndex indexes the real lists once per test binary, with the
// queries the lists suite builds from sdn.csv.
func listsIndex(b testing.TB) (*screen.Index, []query) {
	corpora := filepath.Join("..", "..", "..", "shared", "corpora")
	if _, err := os.Stat(filepath.Join(corpora, "ofac", "sdn.csv")); err != nil {
		b.Skipf("the real lists are not at %s: %v", corpora, err)
	}
	listsOnce.Do(func() {
		un, err := loadUN(corpora)
		if err != nil {
			listsOnce.err = err
			return
		}
		ofac, err := loadOFAC(corpora)
		if err != nil {
			listsOnce.err = err
			return
		}
		congress, err := loadCongress(corpora)
		if err != nil {
			listsOnce.err = err
			return
		}
		idx := screen.New()
		byID := map[string]entry{}
		for _, e := range append(append(append([]entry{}, ofac...), un...), congress...) {
			idx.Put(e.rec)
			byID[e.rec.ID] = e
		}
		listsOnce.ofac, listsOnce.byID = ofac, byID
		listsOnce.idx, listsOnce.qs = idx, sdnQueriesOf(42, ofac, 1000)
	})
	if listsOnce.err != nil {
		b.Fatal(listsOnce.err)
	}
	return listsOnce.idx, listsOnce.qs
}

// BenchmarkScreenLists screens names built from sdn.csv (half exact, half
// with one edit) at the alert threshold, in process: the cost of the query
// path without HTTP.
func BenchmarkScreenLists(b *testing.B) {
	idx, all := listsIndex(b)
	var qs []query
	for _, q := range all {
		// a name the API refuses (nothing to search) is not a screening
		if (&screen.PersonQuery{Name: q.name}).Validate() == nil {
			qs = append(qs, q)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		q := qs[i%len(qs)]
		if _, err := idx.ScreenPerson(viewer, screen.PersonQuery{Name: q.name, Limit: 10}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// reportCPU reports the process's CPU time per operation since cpu (see
// processCPU): the figure to compare on a machine others load.
func reportCPU(b *testing.B, cpu time.Duration) {
	if used := processCPU() - cpu; cpu > 0 && used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkReports ingests generated citizen reports (b.N of them, at
// least 1000) and reports reports/s and the time a report takes to update
// its campaign. go test ./internal/bench -run - -bench Reports -benchtime 100000x
func BenchmarkReports(b *testing.B) {
	n := max(b.N, 1000)
	r, err := IngestReports(context.Background(), n, 42, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(r.ReportsPerSec, "reports/s")
	b.ReportMetric(float64(r.JoinMedian.Microseconds()), "µs/campaign-update")
	b.ReportMetric(float64(r.Campaigns), "campaigns")
	b.Logf("%d reports in %s: %.0f reports/s; campaign update median %s, p99 %s; %d campaigns, largest %d", n, r.Elapsed, r.ReportsPerSec, r.JoinMedian, r.JoinP99, r.Campaigns, r.Largest)
}

// BenchmarkScreenNegatives screens the first 1,000 people of
// negatives_global.csv (on no list) at the alert threshold, in process:
// the cost of a miss, which is almost all of a border's traffic.
func BenchmarkScreenNegatives(b *testing.B) { benchNegatives(b, 1) }

// BenchmarkScreenNegativesWarm screens each of the same people five times
// in a row: against BenchmarkScreenNegatives, what a miss spends waiting
// for the index's memory when the query before it read other parts of it.
func BenchmarkScreenNegativesWarm(b *testing.B) { benchNegatives(b, 5) }

func benchNegatives(b *testing.B, repeat int) {
	idx, _ := listsIndex(b)
	negs, err := loadFixtures(filepath.Join("..", "..", "..", "shared", "corpora", "screening-fixtures", "negatives_global.csv"))
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	for _, n := range negs {
		if len(qs) == 1000 {
			break
		}
		if (&screen.PersonQuery{Name: n.name}).Validate() == nil {
			qs = append(qs, n.name)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		if _, err := idx.ScreenPerson(viewer, screen.PersonQuery{Name: qs[(i/repeat)%len(qs)], Limit: 10}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}
