package api

import (
	"fmt"
	"testing"
	"time"
)

// TestAddressLimiterHasNoWindowEdge: the per-address limits hold across a
// minute's boundary. They counted in fixed clock minutes, so failures at
// 21:28:59.99 were forgotten at 21:29:00 (CI saw a follow-up accepted
// after its limit that way) and a client could send twice its limit
// straddling the turn of a minute. Now a burst of the limit, then one
// request every minute/limit.
func TestAddressLimiterHasNoWindowEdge(t *testing.T) {
	var l addressLimiter
	edge := time.Date(2026, 12, 7, 21, 28, 59, 990_000_000, time.UTC)
	for i := range 3 {
		if ok, _ := l.allow("192.0.2.7", 3, edge.Add(time.Duration(i)*time.Millisecond)); !ok {
			t.Fatalf("request %d of a limit of 3 refused", i+1)
		}
	}
	after := edge.Add(20 * time.Millisecond) // 21:29:00.01: a new clock minute
	if !l.blocked("192.0.2.7", 3, after) {
		t.Errorf("three requests, then the clock turns a minute: not blocked")
	}
	ok, wait := l.allow("192.0.2.7", 3, after)
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Errorf("a 4th request across the minute's edge: allowed %v, wait %v (want refused, at most 20s)", ok, wait)
	}
	// Refused requests do not push the wait further.
	if _, again := l.allow("192.0.2.7", 3, after); again != wait {
		t.Errorf("a refused request moved the wait from %v to %v", wait, again)
	}
	// Another address, and the same /64 for IPv6, are counted apart / together.
	if ok, _ := l.allow("192.0.2.8", 3, after); !ok {
		t.Errorf("another address refused")
	}
	// One place comes back every 20 s, not the whole minute's worth.
	later := after.Add(wait)
	if ok, _ := l.allow("192.0.2.7", 3, later); !ok {
		t.Errorf("refused once the wait %v had passed", wait)
	}
	if ok, _ := l.allow("192.0.2.7", 3, later); ok {
		t.Errorf("two requests allowed after one interval")
	}
	// Over a long run, no more than the limit a minute plus the burst.
	var m addressLimiter
	start := edge
	n := 0
	for ms := 0; ms < 5*60_000; ms += 100 {
		if ok, _ := m.allow("2001:db8::1", 10, start.Add(time.Duration(ms)*time.Millisecond)); ok {
			n++
		}
	}
	if n > 5*10+10 || n < 5*10 {
		t.Errorf("%d requests allowed in 5 minutes at 10 a minute", n)
	}
}

// TestAddressLimiterForgets: an address whose next request is due is
// forgotten at the next sweep, so a spray of addresses does not hold
// memory beyond the minute it lasts.
func TestAddressLimiterForgets(t *testing.T) {
	var l addressLimiter
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for i := range 1000 {
		l.allow(fmt.Sprintf("198.51.%d.%d", i/256, i%256), 300, t0)
	}
	l.allow("203.0.113.1", 300, t0.Add(2*time.Minute))
	if len(l.due) != 1 {
		t.Errorf("%d addresses kept two minutes later, want 1", len(l.due))
	}
}
