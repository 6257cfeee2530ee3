package hits

import (
	"fmt"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// The full hits known are bounded, and their count stays true however
// hits come and go: past the bound the repeats' answers are kept and the
// full hits let go (the writer then reads the hit, as after a restart).
func TestKnownFullHitsBounded(t *testing.T) {
	var k known
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	since := now.Add(-time.Hour)
	hit := func(i int) *core.Hit {
		return &core.Hit{ID: fmt.Sprint("h", i), DedupKey: fmt.Sprint("k", i), Owner: "MA", Version: 1, Count: 1, FirstSeen: now}
	}
	for i := range 3 * maxKnownFull {
		k.put([][]*core.Hit{{hit(i)}}, since)
		if k.fulls > maxKnownFull || k.fulls < 0 {
			t.Fatalf("after %d hits %d full hits kept (bound %d)", i+1, k.fulls, maxKnownFull)
		}
	}
	fulls := 0
	for key, h := range k.hits {
		if h.full != nil {
			fulls++
			if h.full.DedupKey != key || h.full.Version != 1 {
				t.Fatalf("%s keeps %+v", key, h.full)
			}
		}
	}
	if fulls != k.fulls || fulls < maxKnownFull*3/4 || len(k.hits) != 3*maxKnownFull {
		t.Fatalf("%d full hits counted, %d kept; %d known, want %d", k.fulls, fulls, len(k.hits), 3*maxKnownFull)
	}
	// The same key written again replaces its full hit, not adds one.
	h := hit(3*maxKnownFull - 1)
	k.put([][]*core.Hit{{h}}, since) // kept, whatever was let go before
	before := k.fulls
	h.Version, h.Count = 2, 2
	k.put([][]*core.Hit{{h}}, since)
	if k.fulls != before || k.full("k"+fmt.Sprint(3*maxKnownFull-1), since).Version != 2 {
		t.Fatalf("rewriting a known hit: %d full hits (was %d)", k.fulls, before)
	}
	// A hit the answer of a repeat made (no owner, no version) is no full hit.
	k.put([][]*core.Hit{{{ID: "x", DedupKey: "kx", Count: 3, FirstSeen: now}}}, since)
	if k.full("kx", since) != nil {
		t.Fatal("a repeat's answer was kept as the hit")
	}
	// Expired hits are neither answered nor counted into.
	if k.full("k0", now.Add(time.Second)) != nil {
		t.Fatal("an expired hit was handed out")
	}
}
