package hits_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// The hit paths' cost on a real SQLite store (synchronous=FULL), reported
// as the process's CPU time per sighting (user + system, background
// writers included): on a shared machine it says more than the wall clock.
//
//	go test -run '^$' -bench 'Record' -benchtime 2000x ./internal/hits/

func benchRecords(b testing.TB, st core.Store, n int) []*core.Record {
	recs := make([]*core.Record, n)
	for i := range recs {
		r := storetest.NewRecord("US", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
		// A listed person as the lists hold them: some aliases, a date of
		// birth, nationalities.
		r.Data, _ = json.Marshal(map[string]any{"family_name": fmt.Sprintf("Kharroubi%d", i), "given_names": "Abdelatif",
			"aliases": []string{"Abdellatif Kharoubi", "Abd al-Latif al-Kharrubi", "A. Kharroubi"}, "date_of_birth": "1971-03-02",
			"nationalities": []string{"MA", "FR"}, "sex": "M"})
		recs[i] = r
	}
	if err := st.Update(context.Background(), func(tx core.Tx) error {
		for _, r := range recs {
			if err := tx.InsertRecord(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return recs
}

func benchSighting(rec *core.Record, subject string) hits.Sighting {
	why := &core.Explanation{Parts: []core.ScorePart{{Query: "kharroubi", Matched: "kharroubi", Score: 1, Weight: 1, Note: "match"},
		{Query: "abdelatif", Matched: "abdellatif", Score: 0.97, Weight: 1, Note: "match"}}}
	return hits.Sighting{Type: "person", Subject: subject, Query: "name=" + subject, Context: map[string]string{"border_post": "Algeciras"},
		QueryFields: []core.QueryField{{Field: "name", Value: subject}},
		Matches: []hits.Match{{RecordID: rec.ID, Score: 0.97, Label: "person Abdelatif KHARROUBI (US)", Matched: "abdelatif kharroubi",
			MatchedWritten: "Abdelatif KHARROUBI", Explanation: why.English(), Explained: why, Record: rec}}}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runSightings records b.N sightings from two goroutines (a border's two
// lanes), the i-th made by mk(i), and reports CPU time per sighting.
func runSightings(b *testing.B, svc *hits.Service, mk func(i int) hits.Sighting) {
	es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
	var next atomic.Int64
	done := make(chan error, 2)
	b.ResetTimer()
	start := cpuTime()
	for range 2 {
		go func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					done <- nil
					return
				}
				if _, err := svc.Record(context.Background(), es, []hits.Sighting{mk(i)}); err != nil {
					done <- err
					return
				}
			}
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	svc.Flush() // repeats are written in the background: their cost counts
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-µs/op")
}

// Every sighting a new hit, answered once durable.
func BenchmarkRecordNew(b *testing.B) {
	st := storetest.OpenSQLite(b)
	recs := benchRecords(b, st, 1000)
	svc := hits.New(st)
	runSightings(b, svc, func(i int) hits.Sighting { return benchSighting(recs[i%len(recs)], fmt.Sprintf("new subject %d", i)) })
}

// Every sighting a repeat of a hit this process made: answered from
// memory, written by the group in the background.
func BenchmarkRecordRepeat(b *testing.B) {
	st := storetest.OpenSQLite(b)
	recs := benchRecords(b, st, 1000)
	svc := hits.New(st)
	es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
	for i, r := range recs {
		if _, err := svc.Record(context.Background(), es, []hits.Sighting{benchSighting(r, fmt.Sprintf("subject %d", i))}); err != nil {
			b.Fatal(err)
		}
	}
	runSightings(b, svc, func(i int) hits.Sighting {
		j := i % len(recs)
		return benchSighting(recs[j], fmt.Sprintf("subject %d", j))
	})
}

// What one commit writes to the WAL, in 4 KiB pages: a group commit of one
// new hit, and of one repeat. Every page is written and synced at commit,
// so this is what a new hit costs the disk (read with the checkpoints
// off, from the WAL's growth). The bounds hold today's figures with a
// margin: a statement or index more on the path shows here.
func TestWALFramesPerCommit(t *testing.T) {
	st := storetest.OpenSQLite(t)
	recs := benchRecords(t, st, 150)
	svc := hits.New(st)
	es := core.Viewer{Bureau: "ES", KeyID: "k", Permissions: []string{core.PermScreen}}
	db := st.DB()
	var seq int
	var name, file string
	if err := db.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA wal_autocheckpoint=0`); err != nil {
		t.Fatal(err)
	}
	frames := func() float64 {
		fi, err := os.Stat(file + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return float64(fi.Size()) / (4096 + 24)
	}
	record := func(i int, subject string) {
		if _, err := svc.Record(context.Background(), es, []hits.Sighting{benchSighting(recs[i], subject)}); err != nil {
			t.Fatal(err)
		}
		svc.Flush() // one commit each
	}
	for i := range 50 { // the statements get prepared, the tables past their first pages
		record(i, fmt.Sprintf("warm %d", i))
	}
	const n = 100
	f0 := frames()
	for i := range n {
		record(50+i, fmt.Sprintf("new %d", i))
	}
	f1 := frames()
	for i := range n {
		record(50+i, fmt.Sprintf("new %d", i))
	}
	f2 := frames()
	perNew, perRepeat := (f1-f0)/n, (f2-f1)/n
	t.Logf("WAL frames per commit of one sighting: new hit %.1f, repeat %.1f", perNew, perRepeat)
	if perNew > 18 || perRepeat > 12 {
		t.Errorf("a commit writes %.1f pages for a new hit (at most 18) and %.1f for a repeat (at most 12)", perNew, perRepeat)
	}
}
