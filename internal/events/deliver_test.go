package events

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestDeliverStepsOnWake: a step runs at once, again when the hub is
// notified (long before the interval), a failed step is reported and the
// loop goes on, and the loop ends with its context.
func TestDeliverStepsOnWake(t *testing.T) {
	h := NewHub()
	var steps atomic.Int64
	stepped := make(chan struct{}, 10)
	failed := make(chan error, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Deliver(ctx, time.Hour, h.Changed, func(context.Context) error {
			n := steps.Add(1)
			stepped <- struct{}{}
			if n == 2 {
				return errors.New("receiver down")
			}
			return nil
		}, func(err error) { failed <- err })
	}()
	wait := func(what string) {
		select {
		case <-stepped:
		case <-time.After(5 * time.Second):
			t.Fatalf("no step %s", what)
		}
	}
	wait("at start")
	h.Notify()
	wait("after a wake")
	select {
	case err := <-failed:
		if err.Error() != "receiver down" {
			t.Fatalf("failure reported as %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the failed step was not reported")
	}
	h.Notify()
	wait("after a failed step")
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not end with its context")
	}
}

// TestDeliverWithoutWakeTicks: with no wake, the interval alone drives.
func TestDeliverWithoutWakeTicks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stepped := make(chan struct{}, 10)
	go Deliver(ctx, 5*time.Millisecond, nil, func(context.Context) error {
		stepped <- struct{}{}
		return nil
	}, nil)
	for i := 0; i < 3; i++ {
		select {
		case <-stepped:
		case <-time.After(5 * time.Second):
			t.Fatalf("step %d did not come", i+1)
		}
	}
}

// TestBackoffStaysInItsWindow: each wait lies in [0, min(Max,
// Base·2^(n-1))] and reaches past half of it in some draws (the window
// grows as it should); an unset (zero or negative) Base or Max is taken
// from the default, so that a bad setting never means retrying at once;
// a ceiling below the base gives no wait above the ceiling.
func TestBackoffStaysInItsWindow(t *testing.T) {
	def := Backoff{Base: time.Second, Max: time.Minute}
	window := func(b Backoff, n int, limit time.Duration) {
		t.Helper()
		var high bool
		for range 200 {
			w := b.Wait(n, def)
			if w < 0 || w > limit {
				t.Fatalf("%+v, attempt %d waits %v, outside [0, %v]", b, n, w, limit)
			}
			high = high || w > limit/2
		}
		if !high {
			t.Fatalf("%+v, attempt %d never waited past half of %v", b, n, limit)
		}
	}
	for n := 1; n <= 12; n++ {
		limit := min(time.Minute, time.Second<<(n-1))
		window(def, n, limit)
		window(Backoff{}, n, limit)                                      // unset: the default
		window(Backoff{Base: -time.Second, Max: -time.Minute}, n, limit) // negative: unset
	}
	window(Backoff{Base: time.Second, Max: time.Millisecond}, 3, time.Millisecond)
}
