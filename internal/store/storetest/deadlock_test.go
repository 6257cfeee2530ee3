package storetest

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// TestDeadlockedWritersBothSucceed: two writers that lock the audit head
// and the event counter in opposite orders deadlock on PostgreSQL, which
// aborts one of them. Update runs the aborted one again, so both writes
// land and neither caller sees an error (it used to be a 500).
func TestDeadlockedWritersBothSucceed(t *testing.T) {
	if os.Getenv(EnvPostgres) == "" {
		t.Skip("PostgreSQL only (SQLite has one writer, so writers cannot deadlock): set " + EnvPostgres)
	}
	st := OpenPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// Each writer takes its first lock, then waits (on its first run
	// only) until the other holds its own, so the two must deadlock.
	var first, second sync.WaitGroup
	first.Add(2)
	var runsA, runsB atomic.Int32
	event := func(tx core.Tx) error {
		return tx.InsertEvent(&core.Event{Type: "test.deadlock", Audience: []string{"MA"}, At: time.Now()})
	}
	head := func(tx core.Tx) error { _, err := tx.AuditHead(); return err }
	writer := func(runs *atomic.Int32, lockFirst, lockSecond func(core.Tx) error) error {
		return st.Update(ctx, func(tx core.Tx) error {
			if err := lockFirst(tx); err != nil {
				return err
			}
			if runs.Add(1) == 1 {
				first.Done()
				first.Wait()
			}
			return lockSecond(tx)
		})
	}
	second.Add(2)
	var errA, errB error
	go func() { defer second.Done(); errA = writer(&runsA, head, event) }()
	go func() { defer second.Done(); errB = writer(&runsB, event, head) }()
	second.Wait()
	if errA != nil || errB != nil {
		t.Fatalf("a deadlocked writer failed instead of running again: %v / %v", errA, errB)
	}
	if runsA.Load()+runsB.Load() < 3 {
		t.Fatalf("runs %d and %d: the database never aborted one, so this test proved nothing", runsA.Load(), runsB.Load())
	}
	var n int
	st.View(ctx, func(tx core.Tx) error {
		es, err := tx.Events(0, "", 100)
		n = len(es)
		return err
	})
	if n != 2 {
		t.Fatalf("%d events stored, want 2 (one per writer, none from the aborted run)", n)
	}
}
