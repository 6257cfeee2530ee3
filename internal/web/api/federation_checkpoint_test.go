package api_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// signCheckpoints gives p an audit signing key and has it send a
// checkpoint at every step where its log grew.
func (p *fedProcess) signCheckpoints(t *testing.T, origin string) {
	t.Helper()
	s, _, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "audit.key"), origin)
	if err != nil {
		t.Fatal(err)
	}
	p.fed.AuditSigner, p.fed.CheckpointEvery = s, 0
}

func (p *fedProcess) heldCheckpoint(t *testing.T, peer string) *core.PeerCheckpoint {
	t.Helper()
	var c *core.PeerCheckpoint
	p.Store.View(context.Background(), func(tx core.Tx) error {
		var err error
		c, err = tx.LatestPeerCheckpoint(peer)
		return err
	})
	return c
}

// rewriteAudit replaces p's whole audit log by change's, every hash and
// the tree recomputed: what someone who can write the store would do.
func (p *fedProcess) rewriteAudit(t *testing.T, change func([]core.AuditEntry) []core.AuditEntry) {
	t.Helper()
	var es []core.AuditEntry
	p.Store.View(context.Background(), func(tx core.Tx) error { var err error; es, err = tx.AuditEntries(0, 1000); return err })
	es = change(es)
	db := p.Store.DB()
	for _, q := range []string{`DELETE FROM audit_log`, `DELETE FROM audit_records`, `DELETE FROM audit_tree`, `UPDATE audit_head SET seq = 0, hash = '', tree_size = 0 WHERE id = 1`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for i := range es {
		e := es[i]
		e.Seq, e.PrevHash, e.Hash = 0, "", ""
		if err := p.Store.Update(context.Background(), func(tx core.Tx) error { return audit.Append(tx, &e) }); err != nil {
			t.Fatal(err)
		}
	}
}

type verification struct {
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
	Entries  int      `json:"entries_proven"`
	Sent     int      `json:"sent_checked"`
	Received int      `json:"received_checked"`
}

// TestFederationCheckpoints: hub and nodes exchange signed audit
// checkpoints, each checked against the last one held; an operator
// verifies a peer's log against the held checkpoint; a node that
// rewrites its log is caught both by the verification and by the next
// checkpoint it sends.
func TestFederationCheckpoints(t *testing.T) {
	for _, hb := range storetest.Backends(t) {
		t.Run("hub_on_"+hb.Name, func(t *testing.T) {
			w := newFedWorld(t, hb)
			hub, es := w.hub, w.es
			hub.signCheckpoints(t, "hub.example/manara-audit")
			es.signCheckpoints(t, "es-node.example/manara-audit")
			officer := hub.user(t, "MA", core.RoleOfficer)
			reviewer := hub.user(t, members.Secretariat, core.RoleReviewer)
			publish := func(family string) string {
				data := validData("red")
				data["family_name"] = family
				var n struct {
					ID      string `json:"id"`
					Version int64  `json:"version"`
				}
				hub.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": data, "releasability": map[string]any{"mode": "all"}}, officer).decode(t, &n)
				hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, officer)
				hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish", "version": hub.record(t, n.ID).Version}, reviewer)
				w.settle(t)
				return n.ID
			}
			publish("Fictitious")
			first := es.heldCheckpoint(t, core.PeerHub)
			if first == nil || hub.heldCheckpoint(t, "ES") == nil {
				t.Fatal("checkpoints were not exchanged")
			}
			publish("Imaginary")
			second := es.heldCheckpoint(t, core.PeerHub)
			if second.Size <= first.Size {
				t.Fatalf("ES holds the hub's checkpoint of %d entries, then %d: it should grow", first.Size, second.Size)
			}
			if n := len(hub.refusals(t, "ES")) + len(es.refusals(t, core.PeerHub)); n != 0 {
				t.Fatalf("%d refusals between the hub and ES", n)
			}

			// Each side verifies the other against the checkpoint it holds.
			hubAdmin := hub.user(t, members.Secretariat, core.RoleAdmin)
			esAdmin := es.user(t, "ES", core.RoleAdmin)
			verify := func(p *fedProcess, peer string, admin *caller) verification {
				t.Helper()
				var v verification
				r := p.do(t, "POST", "/api/v1/federation/peers/"+peer+"/verify", map[string]any{"skew_seconds": 0}, admin)
				if r.Status != http.StatusOK {
					t.Fatalf("verify %s: %s", peer, r)
				}
				r.decode(t, &v)
				return v
			}
			if v := verify(hub, "ES", hubAdmin); !v.OK || v.Entries == 0 || v.Sent == 0 {
				t.Fatalf("the hub verifying an intact ES: %+v", v)
			}
			if v := verify(es, core.PeerHub, esAdmin); !v.OK || v.Entries == 0 || v.Received == 0 {
				t.Fatalf("ES verifying an intact hub: %+v", v)
			}
			wantProblem(t, hub.do(t, "POST", "/api/v1/federation/peers/ES/verify", map[string]any{}, officer), 403, "forbidden", "")
			// bad input: the field named; an unknown peer: not found
			wantProblem(t, hub.do(t, "POST", "/api/v1/federation/peers/ES/verify", map[string]any{"skew_seconds": 4000}, hubAdmin), 422, core.EINVALID, "skew_seconds")
			wantProblem(t, hub.do(t, "POST", "/api/v1/federation/peers/ES/verify", map[string]any{"skew_seconds": -1}, hubAdmin), 422, core.EINVALID, "skew_seconds")
			wantProblem(t, hub.do(t, "POST", "/api/v1/federation/peers/XX/verify", map[string]any{}, hubAdmin), 404, core.ENOTFOUND, "")

			// ES rewrites its log: it never applied the hub's first
			// notice (the entry now says refused), every hash recomputed.
			es.rewriteAudit(t, func(all []core.AuditEntry) []core.AuditEntry {
				for i := range all {
					if all[i].Action == "federation.receive" && strings.HasPrefix(all[i].Query, federation.TypeNoticePut) && all[i].Outcome == audit.OK {
						all[i].Outcome, all[i].Query = audit.Denied, strings.Replace(all[i].Query, "applied", "refused: not released to ES", 1)
						break
					}
				}
				return all
			})
			v := verify(hub, "ES", hubAdmin)
			if v.OK || len(v.Problems) == 0 {
				t.Fatalf("the hub did not catch ES's rewritten log: %+v", v)
			}
			t.Logf("problems found: %v", v.Problems)
			if !strings.Contains(strings.Join(v.Problems, "\n"), "rewritten") {
				t.Errorf("problems do not say the log was rewritten: %v", v.Problems)
			}
			// And the next checkpoint ES sends does not extend the one the
			// hub holds: refused, the one held stays.
			held := hub.heldCheckpoint(t, "ES")
			publish("Notional")
			if got := hub.heldCheckpoint(t, "ES"); got.Size != held.Size {
				t.Fatalf("the hub took ES's checkpoint of a rewritten log (held %d, now %d)", held.Size, got.Size)
			}
			found := false
			for _, r := range hub.refusals(t, "ES") {
				if r.Type == federation.TypeCheckpoint && strings.Contains(r.Reason, "rewritten or forked") {
					found = true
				}
			}
			if !found {
				t.Fatalf("no refusal of ES's inconsistent checkpoint at the hub: %+v", hub.refusals(t, "ES"))
			}
		})
	}
}

func (p *fedProcess) refusals(t *testing.T, peer string) []*core.FedRefusal {
	t.Helper()
	var rs []*core.FedRefusal
	p.Store.View(context.Background(), func(tx core.Tx) error { var err error; rs, err = tx.FedRefusals(peer, 100); return err })
	return rs
}
