package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
)

// addressLimiter holds each address (an IPv6 address by its /64,
// auth.AddressKey, as the sign-in limits) to limit requests a minute: a
// burst of limit, then one every minute/limit (the generic cell rate
// algorithm). A fixed one-minute window would let 2×limit through across
// a minute's boundary and forget failures the moment the clock turns; a
// log of times would cost limit entries per address (300 for the public
// notices) under a spray of addresses. This keeps one time per address:
// when its next request is due.
type addressLimiter struct {
	mu    sync.Mutex
	due   map[string]time.Time
	swept time.Time
}

// allow counts a request from remote at now if it is within limit a
// minute; otherwise it counts nothing and says how long to wait.
func (l *addressLimiter) allow(remote string, limit int, now time.Time) (bool, time.Duration) {
	addr := auth.AddressKey(remote)
	l.mu.Lock()
	defer l.mu.Unlock()
	next, wait := l.next(addr, limit, now)
	if wait > 0 {
		return false, wait
	}
	if l.due == nil {
		l.due = map[string]time.Time{}
	}
	l.due[addr] = next
	l.sweep(now)
	return true, 0
}

// blocked reports whether remote's next request would be refused, without
// counting one.
func (l *addressLimiter) blocked(remote string, limit int, now time.Time) bool {
	addr := auth.AddressKey(remote)
	l.mu.Lock()
	defer l.mu.Unlock()
	_, wait := l.next(addr, limit, now)
	return wait > 0
}

// next is when addr's following request would be due if one were counted
// at now, and how long addr must wait before one may be; l.mu is held.
func (l *addressLimiter) next(addr string, limit int, now time.Time) (time.Time, time.Duration) {
	interval := time.Minute / time.Duration(max(limit, 1))
	due := l.due[addr]
	if due.Before(now) {
		due = now
	}
	next := due.Add(interval)
	return next, next.Sub(now) - time.Minute
}

// sweep forgets, once a minute, the addresses whose next request is
// already due: they are as if never seen. l.mu is held.
func (l *addressLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for a, due := range l.due {
		if !due.After(now) {
			delete(l.due, a)
		}
	}
}

// rateAllowed applies a per-address limit of lim a minute, counted in l,
// to the reporting routes and (through publicAllowed) the public notices.
func (s *Server) rateAllowed(w http.ResponseWriter, l *addressLimiter, v core.Viewer, lim int, what string) error {
	ok, wait := l.allow(v.Remote, lim, time.Now())
	if !ok {
		secs := max(int(math.Ceil(wait.Seconds())), 1)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return core.Errorf(core.ERATELIMIT, "at most %d %s a minute from one address: retry after %d seconds", lim, what, secs)
	}
	return nil
}
