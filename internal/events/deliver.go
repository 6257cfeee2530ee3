package events

import (
	"context"
	"math/rand/v2"
	"time"
)

// The loop and the retry schedule of the services that deliver the
// stream's events outside this process (webhooks to bureaus' systems,
// federation messages to other nodes): one of each, so that a fix to how
// a delivery loop wakes or how retries spread reaches both.

// Deliver runs step at once and then each time wake's channel closes or
// interval passes, until ctx ends. wake (nil: the interval alone) is asked
// for its channel before each step, so that a change committed during a
// step wakes the next one. A failed step goes to fail, unless ctx has
// ended, and is tried again at the next turn.
func Deliver(ctx context.Context, interval time.Duration, wake func() <-chan struct{}, step func(context.Context) error, fail func(error)) {
	if interval <= 0 {
		interval = time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		var woken <-chan struct{}
		if wake != nil {
			woken = wake()
		}
		if err := step(ctx); err != nil && ctx.Err() == nil && fail != nil {
			fail(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-woken:
		}
	}
}

// Backoff is a retry schedule: the wait before the next attempt of a
// delivery that failed attempts times is drawn uniformly in [0, min(Max,
// Base·2^(attempts-1))] (exponential backoff with full jitter, so that
// receivers coming back after an outage are not hit by every sender at
// once). A Base or Max of zero or less is unset: Wait takes it from def.
type Backoff struct{ Base, Max time.Duration }

// Wait is the wait before the next attempt, after attempts failed ones.
func (b Backoff) Wait(attempts int, def Backoff) time.Duration {
	base, ceil := b.Base, b.Max
	if base <= 0 {
		base = def.Base
	}
	if ceil <= 0 {
		ceil = def.Max
	}
	limit := max(base, 0)
	for i := 1; i < attempts && limit < ceil; i++ {
		limit *= 2
	}
	limit = min(limit, max(ceil, 0))
	return time.Duration(rand.Int64N(int64(limit) + 1))
}
