// Package events owns the delivery side of the durable event stream: an
// in-process hub that wakes subscribers when an event commits here or on
// another replica (by polling the stream's head), the reader that gives a
// viewer the events after a position that the access decision lets it
// see, the one place that decision is taken for an event (Sight: the
// stream and the webhooks ask it), and the loop and retry schedule of the
// services that deliver events outside (webhooks, federation). It writes
// no events (the domain services do, in their own transactions), reads the
// domains' state only to decide, and knows nothing of HTTP.
package events

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// Hub wakes every waiter when the stream grows.
type Hub struct {
	mu   sync.Mutex
	ch   chan struct{}
	last int64
}

// NewHub returns a hub with no waiters.
func NewHub() *Hub { return &Hub{ch: make(chan struct{})} }

// Changed returns a channel closed at the next change.
func (h *Hub) Changed() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ch
}

// Notify wakes every waiter: call it after a local commit that wrote events.
func (h *Hub) Notify() {
	h.mu.Lock()
	close(h.ch)
	h.ch = make(chan struct{})
	h.mu.Unlock()
}

// Follow polls the head of the stream every interval until ctx ends and
// wakes waiters when it moved: that is how events written through another
// replica reach this one's subscribers, with PostgreSQL as the only link.
func (h *Hub) Follow(ctx context.Context, st core.Store, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var last int64
		err := st.View(ctx, func(tx core.Tx) error {
			var err error
			last, err = tx.LastEvent()
			return err
		})
		if err != nil {
			if ctx.Err() == nil && log != nil {
				log.Error("event stream poll failed", "err", err)
			}
			continue
		}
		h.mu.Lock()
		moved := last != h.last
		h.last = last
		h.mu.Unlock()
		if moved {
			h.Notify()
		}
	}
}

// Head returns the newest sequence number in the store.
func Head(ctx context.Context, st core.Store) (int64, error) {
	var last int64
	err := st.View(ctx, func(tx core.Tx) error {
		var err error
		last, err = tx.LastEvent()
		return err
	})
	return last, err
}

// Read returns up to limit events after seq addressed to v's bureau that
// the access decision lets v see (Sight), and the position to read from
// next (past the events it withheld too).
func Read(ctx context.Context, st core.Store, v core.Viewer, after int64, limit int) ([]core.Event, int64, error) {
	if v.Bureau == "" && !v.System {
		return nil, after, nil
	}
	var out []core.Event
	next := after
	err := st.View(ctx, func(tx core.Tx) error {
		bureau := v.Bureau
		if v.System {
			bureau = ""
		}
		es, err := tx.Events(after, bureau, limit)
		if err != nil {
			return err
		}
		sight := NewSight(tx)
		for i := range es {
			e := &es[i]
			next = e.Seq
			ok, err := sight.Allows(v, e)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, *e)
			}
		}
		return nil
	})
	return out, next, err
}
