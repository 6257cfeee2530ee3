package auth

import (
	"fmt"
	"net/netip"
	"sync"
	"time"
)

// AddressKey is what every per-address limit counts a client under: an
// IPv4 address itself (an IPv4-mapped IPv6 address is one), an IPv6
// address's /64. An IPv6 client holds at least a /64 and chooses the low
// 64 bits itself (privacy addresses change them at will), so counting
// each address apart would give it 2^64 quotas. Only the limits use it:
// audit entries, sessions and logs keep the whole address. Anything that
// is not an IP address (the CLI's "cli") is its own key.
func AddressKey(remote string) string {
	a, err := netip.ParseAddr(remote)
	if err != nil {
		return remote
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	p, err := a.WithZone("").Prefix(64)
	if err != nil {
		return remote
	}
	return p.String()
}

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

// Take counts an attempt for key as a failure at once, before it is
// known to be one, if key may try now; otherwise it counts nothing and
// returns how long until key may try again. Checking and counting in one
// step is what holds attempts sent together to the limit: each takes its
// place before the slow password check, instead of all being checked
// against a count that none of them has added to yet. An attempt that
// turns out not to be a failure gives its place back with Release.
func (l *Limiter) Take(key string) (Slot, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := l.prune(key)
	now := l.now()
	if len(hs) >= l.max {
		// At least a moment: a refusal is never read as a place taken.
		return Slot{}, max(hs[len(hs)-l.max].Add(l.window).Sub(now), time.Nanosecond)
	}
	l.record(key, now)
	return Slot{l: l, key: key, at: now}, 0
}

// Slot is an attempt counted by Take.
type Slot struct {
	l   *Limiter
	key string
	at  time.Time
}

// Release gives the attempt's place back: it was not a failure. Releasing
// the zero Slot, or a slot twice, does nothing more.
func (s *Slot) Release() {
	if s.l == nil {
		return
	}
	l := s.l
	s.l = nil
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := l.hits[s.key]
	for i := len(hs) - 1; i >= 0; i-- {
		if hs[i].Equal(s.at) {
			hs = append(hs[:i:i], hs[i+1:]...)
			break
		}
	}
	if len(hs) == 0 {
		delete(l.hits, s.key)
	} else {
		l.hits[s.key] = hs
	}
}

// record adds a failure at now for key; l.mu is held.
func (l *Limiter) record(key string, now time.Time) {
	l.hits[key] = append(l.prune(key), now)
	if len(l.hits) > 100_000 { // bound memory under a spray of addresses
		for k := range l.hits {
			if len(l.prune(k)) == 0 {
				delete(l.hits, k)
			}
		}
	}
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

// AuditQuota caps the audit entries that refused credentials from one
// address write: past the limits nothing holds a client back from sending
// more, and each entry is a write to the append-only log. The API's
// refusals on every route and the sign-ins refused by the address limits
// draw on one quota.
type AuditQuota struct {
	Limiter *Limiter
	// Unaudited counts a refusal answered but not audited.
	Unaudited func()
}

// Admit takes a place in remote's quota for one refusal's audit entry.
// It is false when the quota is spent (the refusal is counted, not
// audited); note is what the entry adds when it is the last one the
// window admits. A nil quota admits every refusal.
func (q *AuditQuota) Admit(remote string) (ok bool, note string) {
	if q == nil {
		return true, ""
	}
	key := AddressKey(remote)
	if _, wait := q.Limiter.Take(key); wait > 0 {
		if q.Unaudited != nil {
			q.Unaudited()
		}
		return false, ""
	}
	if !q.Limiter.Allowed(key) {
		note = fmt.Sprintf("; refusal %d from this address within %s: further ones are answered but not audited one by one until the window has room",
			q.Limiter.max, q.Limiter.window)
	}
	return true, note
}
