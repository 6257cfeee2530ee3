package api_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
)

// requestAtMA has MA's officer request a Red Notice at MA's node (queued
// there for the hub) and returns its id.
func requestAtMA(t *testing.T, ma *fedProcess, family string) string {
	t.Helper()
	officer := ma.user(t, "MA", core.RoleOfficer)
	data := validData("red")
	data["family_name"] = family
	var n struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	ma.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": data, "releasability": map[string]any{"mode": "all"}}, officer).decode(t, &n)
	if r := ma.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, officer); r.Status != http.StatusOK {
		t.Fatalf("submit at MA: %s", r)
	}
	return n.ID
}

func (p *fedProcess) lag(t *testing.T, peer string) core.PeerLag {
	t.Helper()
	var l core.PeerLag
	if err := p.Store.View(context.Background(), func(tx core.Tx) error { var err error; l, err = tx.FedLag(peer); return err }); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestFedKeyRotationDrainsQueue: MA's node queues requests for the hub
// while the hub is unreachable; MA's node is then given a new key and
// enrols again with it (the documented way a node changes key). The
// messages queued before were sealed with the old key, which the hub no
// longer holds: signed again at sending with the key of the moment, they
// reach the hub and the queue drains.
func TestFedKeyRotationDrainsQueue(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma := w.hub, w.ma
		hub.down.Store(true)
		queued := []string{requestAtMA(t, ma, "Fictitious"), requestAtMA(t, ma, "Imaginary")}
		ma.step(t)
		ma.step(t)
		if l := ma.lag(t, core.PeerHub); l.Pending < 2 {
			t.Fatalf("setup: MA's node should hold its requests while the hub is down: %+v", l)
		}
		hub.down.Store(false)
		_, newKey, _ := ed25519.GenerateKey(rand.Reader)
		if err := fedReenrol(t, hub, ma, "MA", newKey); err != nil {
			t.Fatalf("re-enrol MA with a new key: %v", err)
		}
		after := requestAtMA(t, ma, "Invented")
		for range 3 {
			time.Sleep(5 * time.Millisecond) // the test's backoff is milliseconds
			w.settle(t)
		}
		for _, id := range append(queued, after) {
			if r := hub.record(t, id); r == nil || r.Status != core.StatusPending {
				t.Errorf("MA's request %s did not reach the hub's review queue after MA's key changed: %+v", id, r)
			}
		}
		if l := ma.lag(t, core.PeerHub); l.Pending != 0 || l.Failed != 0 {
			t.Errorf("MA's queue for the hub did not drain: %+v", l)
		}
		for _, r := range hub.refusals(t, "MA") {
			t.Errorf("the hub refused MA's %s: %s", r.Type, r.Reason)
		}
	})
}

// TestFedUndeliverableMessageFails: a message larger than any peer
// takes in one envelope will never be delivered. MA's node finds it so
// itself, before sending: it never sends it, marks it failed with the
// reason, counts it for its operators (peers API, refusals) and audits
// it, and hands its place in the sequence over, so the request queued
// behind it is delivered; the hub records the loss on its side.
func TestFedUndeliverableMessageFails(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma := w.hub, w.ma
		queueOversized(t, ma, "MA", core.PeerHub, "oversized-request")
		behind := requestAtMA(t, ma, "Fictitious")
		ma.step(t)

		if r := hub.record(t, behind); r == nil || r.Status != core.StatusPending {
			t.Fatalf("the request queued behind the undeliverable message did not reach the hub: %+v", r)
		}
		maAdmin := ma.user(t, "MA", core.RoleAdmin)
		var peers struct {
			Items []struct {
				ID       string            `json:"id"`
				Pending  int64             `json:"pending"`
				Failed   int64             `json:"failed"`
				Refusals []core.FedRefusal `json:"recent_refusals"`
			} `json:"items"`
		}
		ma.do(t, "GET", "/api/v1/federation/peers", nil, maAdmin).decode(t, &peers)
		if len(peers.Items) != 1 || peers.Items[0].Failed != 1 || peers.Items[0].Pending != 0 {
			t.Fatalf("MA's operators should see one message failed and none waiting: %+v", peers.Items)
		}
		if rs := peers.Items[0].Refusals; len(rs) != 1 || rs[0].MessageID != "oversized-request" || rs[0].Direction != "out" ||
			!strings.Contains(rs[0].Reason, "failed, no longer sent") || !strings.Contains(rs[0].Reason, "bytes a peer takes in one envelope") {
			t.Errorf("MA's operators should see why the message failed: %+v", rs)
		}
		var failed []core.AuditEntry
		ma.Store.View(context.Background(), func(tx core.Tx) error {
			es, err := tx.AuditEntries(0, 100000)
			for _, e := range es {
				if e.Action == "federation.send_failed" {
					failed = append(failed, e)
				}
			}
			return err
		})
		if len(failed) != 1 || failed[0].Outcome != audit.Failed || !strings.Contains(failed[0].Query, "oversized-request") || !strings.Contains(failed[0].Query, "bytes a peer takes in one envelope") {
			t.Errorf("the failure is not audited at MA's node as it happened: %+v", failed)
		}
		if rs := hub.refusals(t, "MA"); len(rs) != 1 || rs[0].Type != federation.TypeFailed || rs[0].MessageID != "oversized-request" ||
			!strings.Contains(rs[0].Reason, "MA gave up on this notice.request message") {
			t.Errorf("the hub should record the message MA gave up on: %+v", rs)
		}

		// It is never sent.
		big := func() int {
			n := 0
			for _, env := range hub.received() {
				if len(env) > federation.MaxEnvelopeBytes {
					n++
				}
			}
			return n
		}
		for range 3 {
			time.Sleep(5 * time.Millisecond)
			ma.step(t)
		}
		if n := big(); n != 0 {
			t.Errorf("the failed message was sent %d times", n)
		}
		next := requestAtMA(t, ma, "Imaginary")
		ma.step(t)
		if r := hub.record(t, next); r == nil {
			t.Error("a later request of MA's did not reach the hub")
		}
		if l := ma.lag(t, core.PeerHub); l.Pending != 0 || l.Failed != 1 {
			t.Errorf("MA's queue for the hub: %+v", l)
		}
	})
}

// postEnvelope posts one sealed envelope to p's federation inbox.
func postEnvelope(t *testing.T, p *fedProcess, body []byte) *resp {
	t.Helper()
	return p.do(t, "POST", federation.PathInbox, body, nil)
}

// TestFedQueryReplayRefused: a proof query and a hit/no-hit query, each
// signed by MA's node, are answered once; the same signed query sent
// again within its two minutes is refused as a replay (409), audited.
func TestFedQueryReplayRefused(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma := w.hub, w.ma
		hub.signCheckpoints(t, "hub.example/manara-audit")
		rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{members.Secretariat}}
		seal := func(typ string, payload any) []byte {
			raw, _ := json.Marshal(payload)
			id := uuid.Must(uuid.NewV7()).String()
			body, err := federation.Seal(&federation.Bundle{Origin: "MA", To: core.PeerHub, MessageID: id, Seq: 1, Type: typ, ObjectID: id, Owner: "MA",
				Releasability: &rel, CreatedAt: time.Now(), Payload: raw}, ma.fed.Key)
			if err != nil {
				t.Fatal(err)
			}
			return body
		}
		for _, c := range []struct {
			name, typ, answer, what string
			payload                 any
		}{
			{"proof query", federation.TypeProofQuery, federation.TypeProofAnswer, "proof query", map[string]any{"size": 1, "after": 0, "limit": 10}},
			{"hit/no-hit query", federation.TypeScreenQuery, federation.TypeScreenAnswer, "hit/no-hit query", map[string]any{"searcher": "MA", "query": map[string]any{"name": "Abdelatif Kharoubi"}}},
		} {
			q := seal(c.typ, c.payload)
			r := postEnvelope(t, hub, q)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: the first time, want an answer, got %s", c.name, r)
			}
			b, canon, sig, err := federation.Open(r.Body)
			if err != nil || federation.Verify(hub.fed.PublicKey(), canon, sig) != nil || b.Type != c.answer {
				t.Fatalf("%s: the answer is not the hub's signed %s: %+v %v", c.name, c.answer, b, err)
			}
			refusedBefore := hub.refusalsAudited(t, map[string]string{federation.TypeProofQuery: "federation.proof_query", federation.TypeScreenQuery: "federation.screen_query"}[c.typ])
			p := wantProblem(t, postEnvelope(t, hub, q), http.StatusConflict, core.ECONFLICT, "")
			if !strings.Contains(p.Detail, c.what) || !strings.Contains(p.Detail, "from MA was answered before: refused as a replay") {
				t.Errorf("%s replayed: the refusal does not say why: %q", c.name, p.Detail)
			}
			if n := hub.refusalsAudited(t, map[string]string{federation.TypeProofQuery: "federation.proof_query", federation.TypeScreenQuery: "federation.screen_query"}[c.typ]); n != refusedBefore+1 {
				t.Errorf("%s replayed: %d refusals audited, want %d", c.name, n, refusedBefore+1)
			}
		}
	})
}

// TestFedBackdatedCheckpointRefused: MA's node sends the hub a
// checkpoint of its audit log, valid in every other way (signed, proven
// to extend the one held), dated before the one the hub holds, or
// hours ahead of the hub's clock: each is refused in the signed
// receipt, saying which, and the held checkpoint stays. Dated now, the
// same checkpoint is kept.
func TestFedBackdatedCheckpointRefused(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma := w.hub, w.ma
		ma.signCheckpoints(t, "ma-node.example/manara-audit")
		w.settle(t)
		held := hub.heldCheckpoint(t, "MA")
		if held == nil {
			t.Fatal("setup: no checkpoint of MA's held at the hub")
		}
		requestAtMA(t, ma, "Fictitious") // MA's log grows
		signer := ma.fed.AuditSigner
		ma.fed.AuditSigner = nil // from here the test sends MA's checkpoints itself
		checkpointAt := func(made time.Time) []byte {
			t.Helper()
			var payload []byte
			var size, seq int64
			err := ma.Store.Update(context.Background(), func(tx core.Tx) error {
				var err error
				if size, err = audit.TreeSize(tx); err != nil {
					return err
				}
				msg, _, err := signer.Sign(tx, size)
				if err != nil {
					return err
				}
				proof, err := audit.ProveConsistency(tx, held.Size, size)
				if err != nil {
					return err
				}
				hs := []string{}
				for _, h := range proof {
					hs = append(hs, base64.StdEncoding.EncodeToString(h[:]))
				}
				payload, _ = json.Marshal(map[string]any{"checkpoint": string(msg), "verifier_keys": signer.Verifiers, "previous_size": held.Size, "consistency": hs})
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			hub.Store.View(context.Background(), func(tx core.Tx) error {
				p, err := tx.GetPeer("MA", false)
				seq = p.RecvSeq + 1
				return err
			})
			hubRel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{members.Secretariat}}
			id := uuid.Must(uuid.NewV7()).String()
			body, err := federation.Seal(&federation.Bundle{Origin: "MA", To: core.PeerHub, MessageID: id, Seq: seq, Type: federation.TypeCheckpoint,
				ObjectID: "audit-checkpoint", ObjectVersion: size, Owner: "MA", Releasability: &hubRel, CreatedAt: made, Payload: payload}, ma.fed.Key)
			if err != nil {
				t.Fatal(err)
			}
			return body
		}
		for _, c := range []struct {
			name string
			made time.Time
			want string
		}{
			{"dated an hour before the held one", held.CreatedAt.Add(-time.Hour), "before the peer's checkpoint held here"},
			{"dated a day ahead", time.Now().Add(24 * time.Hour), "ahead of this process's clock (at most 2m0s)"},
		} {
			rc := signedReceipt(t, postEnvelope(t, hub, checkpointAt(c.made)), hub)
			if rc.Outcome != federation.OutcomeRefused || !strings.Contains(rc.Reason, c.want) {
				t.Errorf("a checkpoint %s: want refused saying %q, got %+v", c.name, c.want, rc)
			}
			if now := hub.heldCheckpoint(t, "MA"); now.Size != held.Size || !now.CreatedAt.Equal(held.CreatedAt) {
				t.Errorf("a checkpoint %s replaced the one held: %+v", c.name, now)
			}
		}
		if rc := signedReceipt(t, postEnvelope(t, hub, checkpointAt(time.Now())), hub); rc.Outcome != federation.OutcomeAccepted {
			t.Fatalf("the same checkpoint dated now: %+v", rc)
		}
		if now := hub.heldCheckpoint(t, "MA"); now.Size <= held.Size {
			t.Errorf("the checkpoint dated now was not kept: %+v", now)
		}
	})
}
