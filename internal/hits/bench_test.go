package hits_test

import (
	"context"
	"encoding/json"
	"fmt"
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
			MatchedWritten: "Abdelatif KHARROUBI", Explanation: why.English(), Explained: why}}}
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
