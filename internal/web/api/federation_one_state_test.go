package api_test

// Federation: the hub and the nodes hold one state, and one screening
// makes one hit.

import (
	"net/http"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
)

// A node's administrator may revoke the hub's key at the node
// (POST /api/v1/federation/peers/hub/revoke: "nothing is accepted from
// it or sent to it until it enrols again"). As the hub keeps a revoked
// node's queue, the node keeps the hub's: revocation holds back
// delivery, not the bookkeeping (the event cursor moves past each event
// once). MA cancels its notice at its node while the hub is revoked
// there; once MA's node enrols again, the hub and ES's node hear of it.
func TestFedNodeChangesWhileHubRevokedReachIt(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		id, _ := fedPublishAtMA(t, w)
		if hr := w.hub.record(t, id); hr == nil || hr.Status != core.StatusActive {
			t.Fatalf("setup: the hub's copy: %+v", hr)
		}
		maAdmin := w.ma.user(t, "MA", core.RoleAdmin)
		if r := w.ma.do(t, "POST", "/api/v1/federation/peers/hub/revoke", map[string]any{"reason": "the hub's key may have leaked"}, maAdmin); r.Status != http.StatusOK {
			t.Fatalf("revoke the hub at MA's node: %s", r)
		}
		maOfficer := w.ma.user(t, "MA", core.RoleOfficer)
		if r := w.ma.do(t, "POST", "/api/v1/notices/"+id+"/cancel", map[string]any{"reason": "arrested in Tangier"}, maOfficer); r.Status != http.StatusOK {
			t.Fatalf("cancel at MA: %s", r)
		}
		w.settle(t)
		// The hub's key is trusted again: MA's node enrols anew.
		if err := fedReenrol(t, w.hub, w.ma, "MA", w.ma.fed.Key); err != nil {
			t.Fatalf("re-enrol MA: %v", err)
		}
		for range 4 {
			time.Sleep(5 * time.Millisecond)
			w.settle(t)
		}
		if hr := w.hub.record(t, id); hr.Status != core.StatusCancelled {
			t.Errorf("MA cancelled its notice at its node while the hub was revoked there; after MA enrolled again the hub's copy is %s", hr.Status)
		}
		if er := w.es.record(t, id); er.Status != core.StatusCancelled {
			t.Errorf("ES's node still holds MA's cancelled notice as %s", er.Status)
		}
	})
}

// One screening at ES's node that matches MA's notice (released to ES)
// is one hit: ES's node records it and it goes up to the hub and on to
// MA's node "with the same id and reference". The same screening also
// goes to the hub and, through it, to MA's node as a hit/no-hit query:
// neither answers for the notice (the hub sent it to ES's node, which
// screened it; MA's node answers for its national records only), so MA
// does not hear of one sighting under three references, two of which
// ES's officers have never seen.
func TestFedOneScreeningOneHitAtTheOwner(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		id, _ := fedPublishAtMA(t, w)
		esBorder := w.es.key(t, "ES", core.PermScreen)
		r := w.es.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdellatif Kharroubi", "date_of_birth": "1966-01-01"}, esBorder)
		if r.Status != http.StatusOK {
			t.Fatalf("ES screening: %s", r)
		}
		var ans struct {
			Remote []federation.RemoteAnswer `json:"remote"`
		}
		r.decode(t, &ans)
		w.settle(t)
		var page struct {
			Items []core.Hit `json:"items"`
		}
		w.ma.do(t, "GET", "/api/v1/hits?side=owner", nil, w.ma.user(t, "MA", core.RoleOfficer)).decode(t, &page)
		var refs []string
		for _, h := range page.Items {
			if h.RecordID == id && h.Searcher == "ES" {
				refs = append(refs, h.Reference)
			}
		}
		if len(refs) != 1 {
			t.Errorf("one screening by ES at its node: MA's node holds %d hits of ES's on its notice: %v (ES was answered remotely: %+v)", len(refs), refs, ans.Remote)
		}
	})
}
