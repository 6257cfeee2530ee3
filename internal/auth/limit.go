package auth

import (
	"sync"
	"time"
)

// Limiter counts failures per key (an address, an account) in a sliding
// window and refuses once a key has failed too often. It is per process;
// account lockout, which must hold across replicas, is kept in the store.
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string][]time.Time
	now    func() time.Time
}

// NewLimiter allows max failures per key in window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{max: max, window: window, hits: map[string][]time.Time{}, now: time.Now}
}

// Allowed reports whether key may try again now.
func (l *Limiter) Allowed(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.prune(key)) < l.max
}

// RetryAfter is how long until key may try again: when its oldest
// failure in the window leaves it (zero if it may try now).
func (l *Limiter) RetryAfter(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := l.prune(key)
	if len(hs) < l.max {
		return 0
	}
	return hs[len(hs)-l.max].Add(l.window).Sub(l.now())
}

// Fail records a failure for key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits[key] = append(l.prune(key), l.now())
	if len(l.hits) > 100_000 { // bound memory under a spray of addresses
		for k := range l.hits {
			if len(l.prune(k)) == 0 {
				delete(l.hits, k)
			}
		}
	}
}

// Reset forgets key's failures, after a success.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}

func (l *Limiter) prune(key string) []time.Time {
	hs := l.hits[key]
	cut := l.now().Add(-l.window)
	i := 0
	for i < len(hs) && hs[i].Before(cut) {
		i++
	}
	hs = hs[i:]
	if len(hs) == 0 {
		delete(l.hits, key)
	} else {
		l.hits[key] = hs
	}
	return hs
}
