package storetest

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// The screening's read before disclosure, as the hit paths make it: a
// write between reads (a hit, an audit entry), so that a reader's page
// cache is never current. CPU time per read (user + system), beside the
// read transaction it replaced:
//
//	go test -run '^$' -bench AnswerRead -benchtime 3000x ./internal/store/storetest/
func BenchmarkAnswerRead(b *testing.B) {
	st := OpenSQLite(b)
	var recs []*core.Record
	for range 1000 {
		recs = append(recs, NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive))
	}
	update(b, st, func(tx core.Tx) error {
		for _, r := range recs {
			if err := tx.InsertRecord(r); err != nil {
				return err
			}
		}
		return nil
	})
	ctx := context.Background()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	measure := func(b *testing.B, read func(id string) error) {
		var spent time.Duration
		for i := 0; i < b.N; i++ {
			update(b, st, func(tx core.Tx) error {
				return tx.InsertEvent(&core.Event{At: time.Now(), Type: "x", Audience: []string{"MA"}})
			})
			start := cpu()
			if err := read(recs[i%len(recs)].ID); err != nil {
				b.Fatal(err)
			}
			spent += cpu() - start
		}
		b.ReportMetric(float64(spent.Microseconds())/float64(b.N), "cpu-µs/op")
	}
	b.Run("transaction", func(b *testing.B) {
		measure(b, func(id string) error {
			return st.View(ctx, func(tx core.Tx) error { _, err := tx.GetRecord(id); return err })
		})
	})
	b.Run("statement", func(b *testing.B) {
		measure(b, func(id string) error { _, err := st.GetRecords(ctx, []string{id}); return err })
	})
}
