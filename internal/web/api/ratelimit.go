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

// addressLimiter counts requests per address in one-minute windows, an
// IPv6 address by its /64 (auth.AddressKey, as the sign-in limits).
type addressLimiter struct {
	mu     sync.Mutex
	window time.Time
	counts map[string]int
}

func (l *addressLimiter) allow(remote string, limit int, now time.Time) (bool, time.Duration) {
	addr := auth.AddressKey(remote)
	l.mu.Lock()
	defer l.mu.Unlock()
	w := now.Truncate(time.Minute)
	if !w.Equal(l.window) || l.counts == nil {
		l.window, l.counts = w, map[string]int{}
	}
	l.counts[addr]++
	if l.counts[addr] > limit {
		return false, w.Add(time.Minute).Sub(now)
	}
	return true, 0
}

// blocked reports whether remote is over limit in the current window,
// without counting a request.
func (l *addressLimiter) blocked(remote string, limit int, now time.Time) bool {
	addr := auth.AddressKey(remote)
	l.mu.Lock()
	defer l.mu.Unlock()
	return now.Truncate(time.Minute).Equal(l.window) && l.counts[addr] >= limit
}

// rateAllowed applies a per-address limit of lim a minute, counted in l,
// to the reporting routes and (through publicAllowed) the public notices.
func (s *Server) rateAllowed(w http.ResponseWriter, l *addressLimiter, v core.Viewer, lim int, what string) error {
	ok, wait := l.allow(v.Remote, lim, time.Now())
	if !ok {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return core.Errorf(core.ERATELIMIT, "at most %d %s a minute from one address: retry after %d seconds", lim, what, secs)
	}
	return nil
}
