package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestLeaseTakenWhenSent: each delivery is leased by one replica at a
// time, from the moment its attempt starts. The lease used to be taken
// for the whole batch with the clock read when the batch was read, while
// the dispatcher waited for a free slot: a slow batch's last deliveries
// were sent under leases that had run out, and a second replica sent them
// at the same time. Here each attempt takes its whole timeout (the shared
// clock moves by Timeout per request), one at a time; when replica A is
// sending its 35th delivery (70 s after its batch began, past 2·Timeout +
// 1 min), replica B steps once. Every delivery reaches the receiver once.
func TestLeaseTakenWhenSent(t *testing.T) {
	st := storetest.OpenSQLite(t)
	ctx := context.Background()
	var mu sync.Mutex
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }

	var b *Dispatcher
	var inB atomic.Bool
	var countMu sync.Mutex
	got := map[string]int{}
	var fromA atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		countMu.Lock()
		got[r.Header.Get(HeaderDelivery)]++
		countMu.Unlock()
		if inB.Load() {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		// Replica A's attempt: it takes the whole timeout.
		advance(2 * time.Second)
		if fromA.Add(1) == 35 {
			inB.Store(true)
			if err := b.Step(ctx); err != nil {
				t.Errorf("replica B: %v", err)
			}
			inB.Store(false)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	allow, _ := ParseAllowlist("127.0.0.1/32")
	if err := st.Update(ctx, func(tx core.Tx) error {
		if err := tx.InsertWebhook(&core.Webhook{ID: "wh-lease", Bureau: "MA", URL: srv.URL + "/hook", Events: []string{"*"}, Secret: "whsec_test", CreatedAt: now()}); err != nil {
			return err
		}
		for i := range 40 {
			if err := tx.InsertEvent(&core.Event{At: now(), Type: "hit.created", Subject: fmt.Sprintf("hit-%d", i), Audience: []string{"MA"}}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	replica := func() *Dispatcher {
		d := NewDispatcher(st, allow, nil)
		d.Now, d.Timeout, d.Concurrency = now, 2*time.Second, 1
		return d
	}
	a := replica()
	b = replica()
	if err := a.Step(ctx); err != nil {
		t.Fatal(err)
	}
	countMu.Lock()
	defer countMu.Unlock()
	if len(got) != 40 {
		t.Fatalf("%d deliveries reached the receiver, want 40", len(got))
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("delivery %s reached the receiver %d times while replica A held it (leased with a stale clock), want once", id, n)
		}
	}
}

// TestRegistrationRefusesInvalidPort: a port no connection can use (0,
// 99999; url.Parse checks only that it is digits) is refused on url,
// rather than registered to fail every delivery for a day; a valid port
// is taken.
func TestRegistrationRefusesInvalidPort(t *testing.T) {
	a, _ := ParseAllowlist("hooks.example.org")
	for _, u := range []string{"https://hooks.example.org:99999/in", "https://hooks.example.org:0/in", "https://hooks.example.org:65536/in"} {
		_, err := a.CheckURL(u)
		var ce *core.Error
		if !errors.As(err, &ce) || ce.Code != core.EINVALID || len(ce.Fields) != 1 || ce.Fields[0].Field != "url" || !strings.Contains(ce.Fields[0].Reason, "1 to 65535") {
			t.Errorf("%s: %v; want invalid on url, naming the ports that work", u, err)
		}
	}
	for _, u := range []string{"https://hooks.example.org:8443/in", "https://hooks.example.org:65535/in", "https://hooks.example.org/in"} {
		if _, err := a.CheckURL(u); err != nil {
			t.Errorf("%s: %v; want it taken", u, err)
		}
	}
}

// TestDocumentationRangesAreNotPublic: a host allowed by name reaches
// no range the internet does not route: the IPv6 documentation prefixes
// (2001:db8::/32, and 3fff::/20 of RFC 9637) and SRv6's 5f00::/16 are
// not public; an address beside them is.
func TestDocumentationRangesAreNotPublic(t *testing.T) {
	if !public(netip.MustParseAddr("2a00:1450:4007::1")) || !public(netip.MustParseAddr("2606:4700::1111")) {
		t.Error("a global unicast address beside the ranges is not taken for public")
	}
	for _, s := range []string{"3fff::1", "3fff:fff:ffff::1", "2001:db8::1", "5f00::1"} {
		if public(netip.MustParseAddr(s)) {
			t.Errorf("%s (documentation, 3fff::/20) is taken for a public address", s)
		}
	}
}
