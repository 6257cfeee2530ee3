package api_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// fedPublish publishes, at the hub, a Red Notice of MA's with rel.
func fedPublish(t *testing.T, hub *fedProcess, rel map[string]any) string {
	t.Helper()
	officer := hub.user(t, "MA", core.RoleOfficer)
	reviewer := hub.user(t, members.Secretariat, core.RoleReviewer)
	var n struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	hub.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red"), "releasability": rel}, officer).decode(t, &n)
	hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, officer)
	if r := hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish", "version": hub.record(t, n.ID).Version}, reviewer); r.Status != http.StatusOK {
		t.Fatalf("publish: %s", r)
	}
	return n.ID
}

// fedReenrol has p enrol at the hub again with a new token and key
// (the documented recovery from a compromised node).
func fedReenrol(t *testing.T, hub, p *fedProcess, bureau string, key ed25519.PrivateKey) error {
	t.Helper()
	admin := hub.user(t, members.Secretariat, core.RoleAdmin)
	var tok federation.IssuedToken
	if r := hub.do(t, "POST", "/api/v1/federation/enrolment-tokens", map[string]any{"bureau": bureau, "ttl_hours": 1}, admin); r.Status != http.StatusCreated {
		t.Fatalf("token: %s", r)
	} else {
		r.decode(t, &tok)
	}
	p.fed.Key = key
	return p.fed.EnrolWithHub(context.Background(), hub.URL, tok.Token, p.URL, true)
}

// TestFedReenrolledNodeConverges: ES's node is revoked (key
// compromised) while MA narrows one notice away from ES and cancels
// another; ES is rebuilt with a new key (its store kept) and enrols
// again. The hub queued both withdrawals while ES was revoked, holding
// them back: once ES is enrolled again it converges to the hub's state
// for what is released to it — neither notice is in circulation there,
// nor its data, nor screened.
func TestFedReenrolledNodeConverges(t *testing.T) {
	for _, hb := range storetest.Backends(t) {
		t.Run("hub_on_"+hb.Name, func(t *testing.T) {
			w := newFedWorld(t, hb)
			hub, es := w.hub, w.es
			officer := hub.user(t, "MA", core.RoleOfficer)
			admin := hub.user(t, members.Secretariat, core.RoleAdmin)
			narrowed := fedPublish(t, hub, map[string]any{"mode": "only", "countries": []string{"ES", "FR"}})
			cancelled := fedPublish(t, hub, map[string]any{"mode": "all"})
			w.settle(t)
			for _, id := range []string{narrowed, cancelled} {
				if r := es.record(t, id); r == nil || r.Status != core.StatusActive {
					t.Fatalf("setup: %s did not reach ES: %+v", id, r)
				}
			}

			if r := hub.do(t, "POST", "/api/v1/federation/peers/ES/revoke", map[string]any{"reason": "key leaked"}, admin); r.Status != http.StatusOK {
				t.Fatalf("revoke: %s", r)
			}
			if r := hub.do(t, "PUT", "/api/v1/notices/"+narrowed, map[string]any{"version": hub.record(t, narrowed).Version,
				"releasability": map[string]any{"mode": "only", "countries": []string{"FR"}}, "reason": "FR only"}, officer); r.Status != http.StatusOK {
				t.Fatalf("narrow: %s", r)
			}
			if r := hub.do(t, "POST", "/api/v1/notices/"+cancelled+"/cancel", map[string]any{"reason": "arrested"}, officer); r.Status != http.StatusOK {
				t.Fatalf("cancel: %s", r)
			}
			w.settle(t)

			_, newKey, _ := ed25519.GenerateKey(rand.Reader)
			if err := fedReenrol(t, hub, es, "ES", newKey); err != nil {
				t.Fatalf("re-enrol ES: %v", err)
			}
			after := fedPublish(t, hub, map[string]any{"mode": "all"})
			for range 4 {
				time.Sleep(5 * time.Millisecond)
				w.settle(t)
			}
			if r := es.record(t, after); r == nil || r.Status != core.StatusActive {
				t.Fatalf("setup: the link to ES's re-enrolled node does not work: %+v", r)
			}
			if r := es.record(t, narrowed); r != nil && (r.Status == core.StatusActive || !sameJSON(r.Data, []byte("{}"))) {
				t.Errorf("narrowed away from ES while it was revoked, yet ES's node still holds it %s with its data %s (releasability %+v)", r.Status, r.Data, r.Releasability)
			}
			if r := es.record(t, cancelled); r != nil && r.Status == core.StatusActive {
				t.Errorf("cancelled at the hub while ES was revoked, yet ES's node still holds it %s", r.Status)
			}
			var ans struct {
				Hits []struct {
					RecordID string `json:"record_id"`
				} `json:"hits"`
			}
			es.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdelatif Kharoubi", "date_of_birth": "1966-01-01"}, es.key(t, "ES", core.PermScreen)).decode(t, &ans)
			for _, h := range ans.Hits {
				if h.RecordID == narrowed || h.RecordID == cancelled {
					t.Errorf("ES's node still screens %s, no longer released to ES (or cancelled)", h.RecordID)
				}
			}
		})
	}
}

// TestFedReenrolledOwnerHearsHits: while MA's node is revoked, NG
// screening at the hub hits MA's notice. "The owner hears of every hit
// wherever the screening ran": the hit is queued for MA's node while it
// is revoked and reaches it once it enrols again (new key).
func TestFedReenrolledOwnerHearsHits(t *testing.T) {
	for _, hb := range storetest.Backends(t) {
		t.Run("hub_on_"+hb.Name, func(t *testing.T) {
			w := newFedWorld(t, hb)
			hub, ma := w.hub, w.ma
			admin := hub.user(t, members.Secretariat, core.RoleAdmin)
			id := fedPublish(t, hub, map[string]any{"mode": "all"})
			w.settle(t)
			if r := hub.do(t, "POST", "/api/v1/federation/peers/MA/revoke", map[string]any{"reason": "key leaked"}, admin); r.Status != http.StatusOK {
				t.Fatalf("revoke: %s", r)
			}
			var ans struct {
				Hits []struct {
					RecordID string `json:"record_id"`
				} `json:"hits"`
			}
			hub.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdelatif Kharoubi", "date_of_birth": "1966-01-01"}, hub.key(t, "NG", core.PermScreen)).decode(t, &ans)
			if len(ans.Hits) == 0 || ans.Hits[0].RecordID != id {
				t.Fatalf("setup: NG's screening at the hub: %+v", ans)
			}
			w.settle(t)
			_, newKey, _ := ed25519.GenerateKey(rand.Reader)
			if err := fedReenrol(t, hub, ma, "MA", newKey); err != nil {
				t.Fatalf("re-enrol MA: %v", err)
			}
			for range 4 {
				time.Sleep(5 * time.Millisecond)
				w.settle(t)
			}
			var page struct {
				Items []core.Hit `json:"items"`
			}
			ma.do(t, "GET", "/api/v1/hits?side=owner", nil, ma.user(t, "MA", core.RoleOfficer)).decode(t, &page)
			for _, h := range page.Items {
				if h.RecordID == id && h.Searcher == "NG" {
					return
				}
			}
			t.Fatalf("MA's node never heard of NG's hit on its notice made while it was revoked: %+v", page.Items)
		})
	}
}

// TestFedReenrolWithRevokedKey: a node revoked because its key
// leaked enrols again (a new token) with the same key: refused, audited,
// the key still revoked — "nothing signed by that key is accepted",
// whoever holds it. The same node with a new key is taken back.
func TestFedReenrolWithRevokedKey(t *testing.T) {
	for _, hb := range storetest.Backends(t) {
		t.Run("hub_on_"+hb.Name, func(t *testing.T) {
			w := newFedWorld(t, hb)
			hub, ma := w.hub, w.ma
			admin := hub.user(t, members.Secretariat, core.RoleAdmin)
			if r := hub.do(t, "POST", "/api/v1/federation/peers/MA/revoke", map[string]any{"reason": "key leaked"}, admin); r.Status != http.StatusOK {
				t.Fatalf("revoke: %s", r)
			}
			leaked := ma.fed.Key
			refused := hub.refusalsAudited(t, "federation.enrol")
			if err := fedReenrol(t, hub, ma, "MA", leaked); err == nil {
				var p *core.Peer
				hub.Store.View(context.Background(), func(tx core.Tx) error { var err error; p, err = tx.GetPeer("MA", false); return err })
				t.Fatalf("the hub took MA's revoked key back at re-enrolment: peer %s is %s with key %s", p.ID, p.State, p.PublicKey)
			} else if !strings.Contains(err.Error(), "revoked") {
				t.Errorf("the refusal does not say why: %v", err)
			}
			if hub.refusalsAudited(t, "federation.enrol") != refused+1 {
				t.Error("the refused enrolment is not in the hub's audit log")
			}
			_, fresh, _ := ed25519.GenerateKey(rand.Reader)
			if err := fedReenrol(t, hub, ma, "MA", fresh); err != nil {
				t.Fatalf("MA's node with a new key: %v", err)
			}
			// Revoked again, the first key stays revoked as well.
			if r := hub.do(t, "POST", "/api/v1/federation/peers/MA/revoke", map[string]any{"reason": "key leaked again"}, admin); r.Status != http.StatusOK {
				t.Fatalf("revoke: %s", r)
			}
			for _, k := range []ed25519.PrivateKey{leaked, fresh} {
				if err := fedReenrol(t, hub, ma, "MA", k); err == nil {
					t.Fatal("the hub took a revoked key back at re-enrolment")
				}
			}
		})
	}
}

// TestFedNodeWithoutItsStoreRefused: a node rebuilt from nothing (a new
// store and key) in place of MA's, after the hub delivered to and applied
// from MA's node, is refused at enrolment (409, audited, the token still
// unused) rather than taken back to drop its first messages as duplicates
// and never catch up; MA's node rebuilt with its store kept (a new key)
// enrols and works.
func TestFedNodeWithoutItsStoreRefused(t *testing.T) {
	for _, hb := range storetest.Backends(t) {
		t.Run("hub_on_"+hb.Name, func(t *testing.T) {
			w := newFedWorld(t, hb)
			hub, ma := w.hub, w.ma
			admin := hub.user(t, members.Secretariat, core.RoleAdmin)
			fedPublish(t, hub, map[string]any{"mode": "all"})
			w.settle(t)

			var tok federation.IssuedToken
			hub.do(t, "POST", "/api/v1/federation/enrolment-tokens", map[string]any{"bureau": "MA", "ttl_hours": 1}, admin).decode(t, &tok)
			fresh := newFedProcess(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite}, core.FedRoleNode, "MA", nil)
			refused := hub.refusalsAudited(t, "federation.enrol")
			err := fresh.fed.EnrolWithHub(context.Background(), hub.URL, tok.Token, fresh.URL, true)
			if err == nil || !strings.Contains(err.Error(), "409") || !strings.Contains(err.Error(), "lost its store") {
				t.Fatalf("a node without MA's store enrolled in its place: %v", err)
			}
			if hub.refusalsAudited(t, "federation.enrol") != refused+1 {
				t.Error("the refused enrolment is not in the hub's audit log")
			}
			_, newKey, _ := ed25519.GenerateKey(rand.Reader)
			ma.fed.Key = newKey
			if err := ma.fed.EnrolWithHub(context.Background(), hub.URL, tok.Token, ma.URL, true); err != nil {
				t.Fatalf("MA's node, its store kept, with the same (unused) token: %v", err)
			}
			after := fedPublish(t, hub, map[string]any{"mode": "all"})
			w.settle(t)
			if r := ma.record(t, after); r == nil || r.Status != core.StatusActive {
				t.Fatalf("MA's node enrolled again does not hear from the hub: %+v", r)
			}
		})
	}
}
