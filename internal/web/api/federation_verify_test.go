package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestFedVerifyRewrittenLogTerminates: ES has more than one page (200)
// of audit entries about its exchange with the hub, then rewrites its
// log, every hash recomputed — the case docs/federation.md says
// verification catches ("even with every hash recomputed"). Every entry
// ES answers with fails its inclusion proof; the verification still
// moves past each page, and ends, within the pages the held checkpoint
// can hold, with ok=false and the problems (not a timeout: a hostile
// peer must not hold an operator's verification for ever).
func TestFedVerifyRewrittenLogTerminates(t *testing.T) {
	for _, hb := range storetest.Backends(t) {
		t.Run("hub_on_"+hb.Name, func(t *testing.T) {
			w := newFedWorld(t, hb)
			hub, es := w.hub, w.es
			hub.signCheckpoints(t, "hub.example/manara-audit")
			es.signCheckpoints(t, "es-node.example/manara-audit")
			fedPublish(t, hub, map[string]any{"mode": "all"})
			w.settle(t)

			// ES's log holds more than a page of entries about the hub (as
			// after a few hundred messages).
			if err := es.Store.Update(context.Background(), func(tx core.Tx) error {
				var es []*core.AuditEntry
				for i := range 250 {
					e := audit.Entry(core.Viewer{System: true}, "federation.receive", audit.OK, fmt.Sprintf("obj-%d", i), "fed:"+core.PeerHub)
					e.Query = fmt.Sprintf("notice.put #%d m-%d from hub: applied", 1000+i, i)
					es = append(es, e)
				}
				return audit.Append(tx, es...)
			}); err != nil {
				t.Fatal(err)
			}
			fedPublish(t, hub, map[string]any{"mode": "all"})
			w.settle(t)
			held := hub.heldCheckpoint(t, "ES")
			if held == nil || held.Size < 250 {
				t.Fatalf("setup: the hub holds ES's checkpoint %+v", held)
			}

			es.rewriteAudit(t, func(all []core.AuditEntry) []core.AuditEntry {
				for i := range all {
					if all[i].Action == "federation.receive" && strings.HasPrefix(all[i].Query, federation.TypeNoticePut) && all[i].Outcome == audit.OK {
						all[i].Outcome = audit.Denied
						break
					}
				}
				return all
			})

			queries := func() int {
				n := 0
				for _, m := range es.received() {
					if strings.Contains(string(m), federation.TypeProofQuery) {
						n++
					}
				}
				return n
			}
			before := queries()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			v, err := hub.fed.VerifyPeer(ctx, core.Viewer{System: true}, "ES", 0)
			asked := queries() - before
			if err != nil {
				t.Fatalf("verifying ES's rewritten log did not end with a verdict: after %s and %d proof queries for a log of %d entries: %v",
					time.Since(start).Round(time.Millisecond), asked, held.Size, err)
			}
			if v.OK || len(v.Problems) == 0 {
				t.Fatalf("ES's rewritten log passed: %+v", v)
			}
			if pages := int(held.Size)/200 + 2; asked > pages {
				t.Fatalf("%d proof queries for a log of %d entries (at most %d pages)", asked, held.Size, pages)
			}
		})
	}
}
