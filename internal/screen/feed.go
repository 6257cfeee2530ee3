package screen

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// Reader is what the index needs of a store: read transactions.
type Reader interface {
	View(ctx context.Context, fn func(core.Tx) error) error
}

// Load builds the index from every record in the store and returns the
// change sequence it is current to. Changes made while it loads are
// picked up by Follow from that sequence: Put ignores versions older
// than the one indexed, so replaying them is harmless.
func (x *Index) Load(ctx context.Context, st Reader, progress func(n int)) (int64, error) {
	var seq int64
	if err := st.View(ctx, func(tx core.Tx) error {
		var err error
		seq, err = tx.LastChange()
		return err
	}); err != nil {
		return 0, err
	}
	after, n := "", 0
	for {
		var page []*core.Record
		err := st.View(ctx, func(tx core.Tx) error {
			var err error
			page, err = tx.ListRecords(core.RecordFilter{Visible: core.Visibility{SeeAll: true}, Status: core.StatusActive, After: after, Limit: 1000})
			return err
		})
		if err != nil {
			return 0, err
		}
		for _, r := range page {
			x.Put(r)
		}
		n += len(page)
		if progress != nil {
			progress(n)
		}
		if len(page) < 1000 {
			return seq, nil
		}
		after = page[len(page)-1].ID
	}
}

// CatchUp applies the changes after seq and returns the new sequence.
func (x *Index) CatchUp(ctx context.Context, st Reader, seq int64) (int64, error) {
	for {
		var changes []core.RecordChange
		var recs map[string]*core.Record
		err := st.View(ctx, func(tx core.Tx) error {
			var err error
			changes, err = tx.Changes(seq, 1000)
			if err != nil {
				return err
			}
			recs = map[string]*core.Record{}
			for _, c := range changes {
				if _, done := recs[c.RecordID]; done || x.Version(c.RecordID) >= c.Version {
					continue
				}
				r, err := tx.GetRecord(c.RecordID)
				if core.ErrorCode(err) == core.ENOTFOUND {
					recs[c.RecordID] = nil
					continue
				} else if err != nil {
					return err
				}
				recs[c.RecordID] = r
			}
			return nil
		})
		if err != nil {
			return seq, err
		}
		for id, r := range recs {
			if r == nil {
				x.Remove(id)
			} else {
				x.Put(r)
			}
		}
		if len(changes) > 0 {
			seq = changes[len(changes)-1].Seq
		}
		if len(changes) < 1000 {
			return seq, nil
		}
	}
}

// Follower returns a hook that brings the index up to date with st at
// every call, from seq (what Load returned) on: a records service's
// Changed hook, for an index that follows every local write at once.
// Calls are serialised; a failed catch-up is retried at the next call.
func (x *Index) Follower(st Reader, seq int64) func() {
	var mu sync.Mutex
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if s, err := x.CatchUp(context.Background(), st, seq); err == nil {
			seq = s
		}
	}
}

// Follow keeps the index current until ctx ends: it applies the change
// feed every interval, and at once when wake fires (a local write).
func (x *Index) Follow(ctx context.Context, st Reader, seq int64, interval time.Duration, wake <-chan struct{}, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
		next, err := x.CatchUp(ctx, st, seq)
		if err != nil {
			if ctx.Err() == nil && log != nil {
				log.Error("screening index could not follow the change feed", "err", err)
			}
			continue
		}
		seq = next
	}
}
