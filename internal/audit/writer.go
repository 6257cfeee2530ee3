package audit

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"runtime"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/core"
)

// Writer appends entries for reads that change nothing (screenings) in
// groups: one transaction, one disk sync, for every entry that arrived in
// the last few milliseconds. Changes are never audited through it: they
// append in their own transaction.
//
// An entry is durable once the group it joined commits, a few
// milliseconds after Add returns; Close waits for every entry added.
type Writer struct {
	store core.Store
	log   *slog.Logger
	in    chan *core.AuditEntry
	done  chan struct{}
	// closing ends the window of the group being gathered, and so does
	// full, when the queue holds a group's worth (half the queue, at
	// most maxGroup): producers faster than the window do not wait it out.
	closing chan struct{}
	full    chan struct{}
	fullAt  int
	once    sync.Once
	// Every is the longest an entry waits for its group.
	every time.Duration
	// kept are the tree hashes the committed groups wrote or read. A
	// stored hash never changes once its entries are committed, whoever
	// appends after them, so a group finds the tree's right edge here
	// instead of reading it from the store again; a group that fails adds
	// nothing. Only the writer's goroutine uses it.
	kept map[int64]tlog.Hash
	// pending are the hashes of the group being written, its map kept
	// from group to group so that each does not grow one anew.
	pending map[int64]tlog.Hash
}

// maxKept bounds the writer's kept hashes (some 40 bytes each): past it
// they are dropped, and the next group reads the few it needs.
const maxKept = 1 << 14

// yieldEvery is how many entries of a group are appended between two
// yields of the processor. A busy second's group is a hundred entries or
// more, some 2 ms of work: appended at once, it held a core while the
// screenings queued behind it, and it was their slowest hundredth (p99 at
// concurrency 2 from 1.5–1.6 to 0.8–0.9 ms with an empty index, in
// process). The group stays one transaction and one disk sync; its commit
// comes later by the screenings served in between.
const yieldEvery = 16

// maxGroup bounds a group: a fuller queue is written a group after
// another, without waiting out the window.
const maxGroup = 1000

// ErrClosed is returned by Add after Close.
var ErrClosed = errors.New("audit writer closed")

// NewWriter starts a writer. queue bounds the entries waiting: when it is
// full, Add blocks, so screening slows down rather than go unaudited.
func NewWriter(st core.Store, log *slog.Logger, queue int, every time.Duration) *Writer {
	w := &Writer{store: st, log: log, in: make(chan *core.AuditEntry, queue), done: make(chan struct{}), closing: make(chan struct{}), full: make(chan struct{}, 1), fullAt: max(1, min(queue/2, maxGroup)), every: every, kept: map[int64]tlog.Hash{}, pending: map[int64]tlog.Hash{}}
	go w.run()
	return w
}

// Add queues an entry.
func (w *Writer) Add(ctx context.Context, e *core.AuditEntry) (err error) {
	defer func() {
		if recover() != nil { // sent on a closed channel
			err = ErrClosed
		}
	}()
	select {
	case w.in <- e:
		if len(w.in) >= w.fullAt {
			select {
			case w.full <- struct{}{}:
			default: // the writer is told already
			}
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes every queued entry and stops the writer.
func (w *Writer) Close() {
	w.once.Do(func() {
		close(w.in)
		close(w.closing) // the group being gathered is written now
	})
	<-w.done
}

func (w *Writer) run() {
	defer close(w.done)
	batch := make([]*core.AuditEntry, 0, maxGroup)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		// The group's first entry is the only one the writer waits for.
		// The others wait in the channel's buffer while the window runs,
		// where a send wakes no one: waiting on the channel for each of
		// them woke the writer once a screening, a switch of goroutines
		// on a processor the screenings need.
		e, ok := <-w.in
		if !ok {
			return
		}
		batch = append(batch[:0], e)
		if len(w.in) < w.fullAt {
			timer.Reset(w.every)
			select {
			case <-timer.C:
			case <-w.full:
				timer.Stop()
			case <-w.closing:
				timer.Stop()
			}
		}
		open := true
	drain:
		for len(batch) < maxGroup {
			select {
			case e, ok := <-w.in:
				if !ok {
					open = false
					break drain
				}
				batch = append(batch, e)
			default:
				break drain
			}
		}
		w.flush(batch)
		clear(batch) // the entries are the screenings' to free
		if !open {
			return
		}
	}
}

// flush appends a group in one transaction.
func (w *Writer) flush(batch []*core.AuditEntry) {
	var hr *hashCache
	err := w.store.Update(context.Background(), func(tx core.Tx) error {
		clear(w.pending)
		hr = &hashCache{tx: tx, m: w.pending, kept: w.kept}
		head, err := tx.AuditHead()
		if err != nil {
			return err
		}
		for from := 0; from < len(batch); from += yieldEvery {
			if from > 0 {
				runtime.Gosched()
			}
			if head, err = appendAfter(tx, hr, head, batch[from:min(from+yieldEvery, len(batch))]); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case err == nil:
		if len(w.kept)+len(hr.m) > maxKept {
			clear(w.kept)
		}
		maps.Copy(w.kept, hr.m)
	case w.log != nil:
		w.log.Error("audit entries could not be written", "entries", len(batch), "err", err)
	}
}
