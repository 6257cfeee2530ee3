package api_test

// Federation: what a node receives, and answers for, is its bureau's.

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
)

// fedPublishAtMA has MA request, at its node, a Red Notice restricted to
// ES and FR, and the hub's reviewer publish it; it returns the notice's id
// and the reviewer.
func fedPublishAtMA(t *testing.T, w *fedWorld) (string, *caller) {
	t.Helper()
	maOfficer := w.ma.user(t, "MA", core.RoleOfficer)
	r := w.ma.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red"),
		"releasability": map[string]any{"mode": "only", "countries": []string{"ES", "FR"}}}, maOfficer)
	if r.Status != http.StatusCreated {
		t.Fatalf("create at MA: %s", r)
	}
	var n struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	r.decode(t, &n)
	if r := w.ma.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, maOfficer); r.Status != http.StatusOK {
		t.Fatalf("submit at MA: %s", r)
	}
	w.settle(t)
	reviewer := w.hub.user(t, members.Secretariat, core.RoleReviewer)
	hn := w.hub.record(t, n.ID)
	if hn == nil {
		t.Fatal("the request did not reach the hub")
	}
	if r := w.hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish", "version": hn.Version}, reviewer); r.Status != http.StatusOK {
		t.Fatalf("publish at the hub: %s", r)
	}
	w.settle(t)
	return n.ID, reviewer
}

// README, Federation, Down: a node "is sent what its bureau may read,
// filtered before it leaves: another bureau's node gets no review (who
// reviewed, and why)"; and who acted on a notice (created_by, updated_by)
// is shown to the owner and the secretariat's reviewers only
// (access.SeesWhoActed). The hub's notice.put to ES's node carries
// neither, nor does ES's node store them: updated_by would name the hub's
// reviewer who published MA's notice.
func TestFedNoticePutWithholdsWhoActed(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		id, reviewer := fedPublishAtMA(t, w)
		reviewerActor := "user:" + reviewer.User.ID

		// On the wire: the notice.put ES's node received.
		var put *federation.Bundle
		for _, raw := range w.es.received() {
			b, _, _, err := federation.Open(raw)
			if err == nil && b.Type == federation.TypeNoticePut && b.ObjectID == id {
				put = b
			}
		}
		if put == nil {
			t.Fatal("ES's node received no notice.put for the notice")
		}
		var pl struct {
			Record core.Record `json:"record"`
		}
		if err := json.Unmarshal(put.Payload, &pl); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(put.Payload), reviewerActor) {
			t.Errorf("the notice.put to ES's node names the hub's reviewer who published MA's notice: record.updated_by %q", pl.Record.UpdatedBy)
		}
		// In ES's store.
		if er := w.es.record(t, id); er == nil {
			t.Fatal("ES's node has no copy")
		} else if er.UpdatedBy == reviewerActor {
			t.Errorf("ES's node stores who published MA's notice: updated_by %q", er.UpdatedBy)
		}
	})
}

// README, Hit/no-hit: a node started with --offer-screening "keeps its
// national records and answers ... screenings from elsewhere". ES's node
// also holds MA's notice, which the hub circulated to it (released to ES
// and FR only); it does not answer NG's screening for it: it would record
// at ES's node a hit of NG's on MA's notice (NG's query kept in ES's
// store) and answer NG "hit — contact MA" under a reference that never
// reaches MA. The hub, which holds the notice, answers NG, and MA knows
// the reference NG is given.
func TestFedNodeAnswersOnlyForItsOwnRecords(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		id, _ := fedPublishAtMA(t, w)
		if w.es.record(t, id) == nil {
			t.Fatal("ES's node did not receive MA's notice")
		}
		ngBorder := w.ng.key(t, "NG", core.PermScreen)
		var ans struct {
			Remote []federation.RemoteAnswer `json:"remote"`
		}
		r := w.ng.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdellatif Kharroubi", "date_of_birth": "1966-01-01"}, ngBorder)
		if r.Status != http.StatusOK {
			t.Fatalf("NG screening: %s", r)
		}
		r.decode(t, &ans)
		for _, a := range ans.Remote {
			if a.Node == "ES" && a.Outcome == federation.RemoteHit {
				t.Errorf("ES's node answered NG's screening with a hit on a notice it only received (MA's): %+v", a)
			}
		}
		var esHits []*core.Hit
		w.es.Store.View(context.Background(), func(tx core.Tx) error {
			var err error
			esHits, err = tx.ListHits(core.HitFilter{All: true, Limit: 100})
			return err
		})
		for _, h := range esHits {
			if h.Searcher == "NG" {
				t.Errorf("ES's node keeps a hit of NG's screening on MA's notice: %s, query %q", h.Reference, h.Query)
			}
		}
		// Whatever reference NG was given, its owner must know it.
		w.settle(t)
		var maHits []*core.Hit
		w.ma.Store.View(context.Background(), func(tx core.Tx) error {
			var err error
			maHits, err = tx.ListHits(core.HitFilter{All: true, Limit: 100})
			return err
		})
		known := map[string]bool{}
		for _, h := range maHits {
			known[h.Reference] = true
		}
		for _, a := range ans.Remote {
			for _, ref := range a.Hits {
				if ref.Contact == "MA" && !known[ref.Reference] {
					t.Errorf("NG was told to contact MA about %s (answered by %s), a hit MA's node does not know", ref.Reference, a.Node)
				}
			}
		}
	})
}
