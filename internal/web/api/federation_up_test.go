package api_test

// Federation, the owner's side at its node: changes and diffusions made at
// a national node go up to the hub and down to the nodes they are
// released to; hits' later steps travel between the processes that keep
// the hit; documents and identifiers are screened hit/no-hit like persons.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
)

// publishFromMA has MA request a Red Notice at its node, released to rel,
// and the hub's reviewer publish it; it returns the notice's id.
func publishFromMA(t *testing.T, w *fedWorld, rel map[string]any) string {
	t.Helper()
	maOfficer := w.ma.user(t, "MA", core.RoleOfficer)
	var n struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	r := w.ma.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red"), "releasability": rel}, maOfficer)
	if r.Status != http.StatusCreated {
		t.Fatalf("create at MA: %s", r)
	}
	r.decode(t, &n)
	if r := w.ma.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, maOfficer); r.Status != http.StatusOK {
		t.Fatalf("submit at MA: %s", r)
	}
	w.settle(t)
	reviewer := w.hub.user(t, members.Secretariat, core.RoleReviewer)
	if r := w.hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish", "version": w.hub.record(t, n.ID).Version}, reviewer); r.Status != http.StatusOK {
		t.Fatalf("publish at the hub: %s", r)
	}
	w.settle(t)
	return n.ID
}

// forgeFrom seals a bundle as from's process, with its next sequence
// number at the receiver to.
func forgeFrom(t *testing.T, from, to *fedProcess, typ, objectID string, version int64, owner string, rel core.Releasability, caveats []string, payload any) []byte {
	t.Helper()
	var peer *core.Peer
	to.Store.View(context.Background(), func(tx core.Tx) error {
		var err error
		peer, err = tx.GetPeer(from.fed.Self(), false)
		return err
	})
	raw, _ := json.Marshal(payload)
	sealed, err := federation.Seal(&federation.Bundle{Origin: from.fed.Self(), To: to.fed.Self(), MessageID: "forged-" + typ + "-" + objectID, Seq: peer.RecvSeq + 1,
		Type: typ, ObjectID: objectID, ObjectVersion: version, Owner: owner, Releasability: &rel, Caveats: caveats, CreatedAt: time.Now(), Payload: raw}, from.fed.Key)
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

func signedReceipt(t *testing.T, r *resp, from *fedProcess) federation.Receipt {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("want a receipt, got %s", r)
	}
	b, canon, sig, err := federation.Open(r.Body)
	if err != nil || federation.Verify(from.fed.PublicKey(), canon, sig) != nil {
		t.Fatalf("receipt not signed by the receiver: %v", err)
	}
	var rc federation.Receipt
	json.Unmarshal(b.Payload, &rc)
	return rc
}

// withoutReleasability is envelope with the releasability taken out of
// its bundle on the way (the signature left as it was) and the fields of
// set written over the bundle's.
func withoutReleasability(envelope []byte, set map[string]any) []byte {
	var env federation.Envelope
	json.Unmarshal(envelope, &env)
	var m map[string]any
	json.Unmarshal(env.Bundle, &m)
	delete(m, "releasability")
	maps.Copy(m, set)
	env.Bundle, _ = json.Marshal(m)
	stripped, _ := json.Marshal(env)
	return stripped
}

func dataField(t *testing.T, r *core.Record, field string) any {
	t.Helper()
	var d map[string]any
	json.Unmarshal(r.Data, &d)
	return d[field]
}

// TestFederationUp: MA changes, extends and narrows its published notice
// at its node, and creates, changes and cancels a diffusion there: the hub
// applies each as MA's own action and circulates it to the nodes it is
// released to, and no other. A node changing another bureau's notice, a
// diffusion whose releasability was stripped, a message delivered twice:
// refused or without effect, audited, nothing stored.
func TestFederationUp(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma, es, ng := w.hub, w.ma, w.es, w.ng
		maOfficer := ma.user(t, "MA", core.RoleOfficer)
		id := publishFromMA(t, w, map[string]any{"mode": "only", "countries": []string{"ES", "FR"}})

		// A change of the published notice at MA's node reaches the
		// hub, ES's node and MA's own copy, with its reason kept.
		data := validData("red")
		data["description"] = "scar on the left hand"
		r := ma.do(t, "PUT", "/api/v1/notices/"+id, map[string]any{"data": data, "reason": "new description", "version": ma.record(t, id).Version}, maOfficer)
		if r.Status != http.StatusOK {
			t.Fatalf("change at MA: %s", r)
		}
		w.settle(t)
		for name, p := range map[string]*fedProcess{"hub": hub, "ES": es, "MA": ma} {
			if got := dataField(t, p.record(t, id), "description"); got != "scar on the left hand" {
				t.Fatalf("%s after MA's change: description %v", name, got)
			}
		}
		var versions []core.NoticeVersion
		hub.Store.View(context.Background(), func(tx core.Tx) error { var err error; versions, err = tx.NoticeVersions(id); return err })
		if last := versions[len(versions)-1]; last.Reason != "new description" || last.Bureau != "MA" {
			t.Fatalf("the hub's kept version: %+v", last)
		}

		// Extended at the node: extended at the hub.
		if r := ma.do(t, "POST", "/api/v1/notices/"+id+"/extend", map[string]any{"reason": "still wanted", "version": ma.record(t, id).Version}, maOfficer); r.Status != http.StatusOK {
			t.Fatalf("extend at MA: %s", r)
		}
		w.settle(t)
		if hr := hub.record(t, id); !strings.HasPrefix(hr.StatusReason, "extended: still wanted") || hr.Status != core.StatusActive {
			t.Fatalf("hub after MA's extension: %s %q", hr.Status, hr.StatusReason)
		}

		// Narrowed to FR at the node: ES's copy ends, without its data.
		r = ma.do(t, "PUT", "/api/v1/notices/"+id, map[string]any{"releasability": map[string]any{"mode": "only", "countries": []string{"FR"}},
			"reason": "FR only", "version": ma.record(t, id).Version}, maOfficer)
		if r.Status != http.StatusOK {
			t.Fatalf("narrow at MA: %s", r)
		}
		w.settle(t)
		if hr := hub.record(t, id); hr.Releasability.Mode != core.ReleaseOnly || len(hr.Releasability.Countries) != 1 || hr.Releasability.Countries[0] != "FR" {
			t.Fatalf("hub's releasability after narrowing: %+v", hr.Releasability)
		}
		if er := es.record(t, id); er.Status == core.StatusActive || !sameJSON(er.Data, []byte("{}")) {
			t.Fatalf("ES still holds the narrowed notice: %s %s", er.Status, er.Data)
		}

		// A diffusion created at MA's node for ES only, with a caveat.
		var d struct {
			ID      string `json:"id"`
			Version int64  `json:"version"`
		}
		r = ma.do(t, "POST", "/api/v1/notices", map[string]any{"type": "blue", "diffusion": true, "data": validData("blue"),
			"releasability": map[string]any{"mode": "only", "countries": []string{"ES"}}, "caveats": []string{core.CaveatDangerous}}, maOfficer)
		if r.Status != http.StatusCreated {
			t.Fatalf("diffusion at MA: %s", r)
		}
		r.decode(t, &d)
		w.settle(t)
		hd := hub.record(t, d.ID)
		if hd == nil || hd.Owner != "MA" || hd.Status != core.StatusActive || hd.Releasability.Mode != core.ReleaseOnly || len(hd.Caveats) != 1 {
			t.Fatalf("the hub's copy of MA's diffusion: %+v", hd)
		}
		if ed := es.record(t, d.ID); ed == nil || ed.Status != core.StatusActive || len(ed.Caveats) != 1 {
			t.Fatalf("ES's copy of MA's diffusion: %+v", ed)
		}
		if ng.record(t, d.ID) != nil {
			t.Fatal("NG received a diffusion released to ES only")
		}
		for _, m := range ng.received() {
			if strings.Contains(string(m), d.ID) {
				t.Fatal("a message about the diffusion reached NG's node")
			}
		}
		// Its change follows, then its cancellation.
		bd := validData("blue")
		bd["information_sought"] = "current employer"
		if r := ma.do(t, "PUT", "/api/v1/notices/"+d.ID, map[string]any{"data": bd, "reason": "new question", "version": ma.record(t, d.ID).Version}, maOfficer); r.Status != http.StatusOK {
			t.Fatalf("change of the diffusion at MA: %s", r)
		}
		w.settle(t)
		if got := dataField(t, es.record(t, d.ID), "information_sought"); got != "current employer" {
			t.Fatalf("ES's copy after the change: %v", got)
		}

		// Delivered twice: nothing changes.
		var create []byte
		for _, m := range hub.received() {
			if strings.Contains(string(m), federation.TypeDiffusionCreate) && strings.Contains(string(m), d.ID) {
				create = m
			}
		}
		if create == nil {
			t.Fatal("no diffusion.create reached the hub")
		}
		before := hub.record(t, d.ID).Version
		if rc := signedReceipt(t, postEnvelope(t, hub, create), hub); rc.Outcome != federation.OutcomeDuplicate {
			t.Fatalf("diffusion.create delivered twice: %+v", rc)
		}
		if hub.record(t, d.ID).Version != before {
			t.Fatal("a message delivered twice changed the hub's copy")
		}

		if r := ma.do(t, "POST", "/api/v1/notices/"+d.ID+"/cancel", map[string]any{"reason": "found", "version": ma.record(t, d.ID).Version}, maOfficer); r.Status != http.StatusOK {
			t.Fatalf("cancel the diffusion at MA: %s", r)
		}
		w.settle(t)
		if hub.record(t, d.ID).Status != core.StatusCancelled {
			t.Fatal("the hub did not cancel MA's diffusion")
		}
		if ed := es.record(t, d.ID); ed.Status != core.StatusCancelled || !sameJSON(ed.Data, []byte("{}")) {
			t.Fatalf("ES after the diffusion's cancellation: %s %s", ed.Status, ed.Data)
		}

		// Hostile: MA's node changes ES's notice (published at the hub,
		// released to all): refused, audited, nothing stored.
		esOfficer := hub.user(t, "ES", core.RoleOfficer)
		var en struct {
			ID      string `json:"id"`
			Version int64  `json:"version"`
		}
		hub.do(t, "POST", "/api/v1/notices", map[string]any{"type": "blue", "diffusion": true, "data": validData("blue"),
			"releasability": map[string]any{"mode": "all"}}, esOfficer).decode(t, &en)
		w.settle(t)
		esRec := *hub.record(t, en.ID)
		var esNotice *core.Notice
		hub.Store.View(context.Background(), func(tx core.Tx) error { var err error; esNotice, err = tx.GetNotice(en.ID); return err })
		hubAudit := hub.refusalsAudited(t, "federation.receive")
		forged := esRec
		forged.Owner = "MA" // claims it as its own
		forged.Data = json.RawMessage(`{"family_name":"Forged","given_names":"X","sex":"M","date_of_birth":"1970-01-01","nationalities":["ES"],"information_sought":"x"}`)
		raw := forgeFrom(t, ma, hub, federation.TypeNoticeUpdate, en.ID, forged.Version+1, "MA", forged.Releasability, []string{},
			map[string]any{"record": forged, "notice": esNotice, "reason": "taking it over"})
		rc := signedReceipt(t, postEnvelope(t, hub, raw), hub)
		if rc.Outcome != federation.OutcomeRefused || !strings.Contains(rc.Reason, "owner") {
			t.Fatalf("MA changing ES's notice: %+v", rc)
		}
		if hub.refusalsAudited(t, "federation.receive") <= hubAudit {
			t.Fatal("the refusal was not audited")
		}
		if hr := hub.record(t, en.ID); hr.Version != esRec.Version || strings.Contains(string(hr.Data), "Forged") {
			t.Fatalf("the hub stored MA's change of ES's notice: %+v", hr)
		}
		// The same, naming ES as owner in the bundle: refused for the bundle.
		raw = forgeFrom(t, ma, hub, federation.TypeNoticeUpdate, en.ID, esRec.Version+1, "ES", esRec.Releasability, []string{},
			map[string]any{"record": esRec, "notice": esNotice, "reason": "taking it over"})
		if rc := signedReceipt(t, postEnvelope(t, hub, raw), hub); rc.Outcome != federation.OutcomeRefused || !strings.Contains(rc.Reason, "only its own bureau") {
			t.Fatalf("MA sending ES's notice as ES's: %+v", rc)
		}

		// A diffusion whose releasability was stripped on the way.
		records := hub.countRecords(t)
		stripped := withoutReleasability(create, map[string]any{"message_id": "stripped", "object_id": "01a00000-0000-7000-8000-0000000000d1"})
		hubAudit = hub.refusalsAudited(t, "federation.receive")
		wantProblem(t, postEnvelope(t, hub, stripped), 422, "invalid", "releasability")
		if hub.refusalsAudited(t, "federation.receive") <= hubAudit {
			t.Fatal("the stripped diffusion was not audited")
		}
		// A diffusion signed by MA whose record has no releasability.
		bare := *hd
		bare.ID, bare.Releasability = "01a00000-0000-7000-8000-0000000000d2", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{}}
		nd := core.Notice{ID: bare.ID, Type: "blue", Diffusion: true, State: core.NoticePublished}
		raw = forgeFrom(t, ma, hub, federation.TypeDiffusionCreate, bare.ID, 1, "MA", bare.Releasability, bare.Caveats,
			map[string]any{"record": bare, "notice": nd})
		if rc := signedReceipt(t, postEnvelope(t, hub, raw), hub); rc.Outcome != federation.OutcomeRefused || !strings.Contains(rc.Reason, "releasability") {
			t.Fatalf("a diffusion without a valid releasability: %+v", rc)
		}
		if hub.countRecords(t) != records || hub.record(t, bare.ID) != nil {
			t.Fatal("a refused diffusion was stored")
		}
	})
}

// hitOf reads a hit straight from a process's store.
func (p *fedProcess) hitOf(t *testing.T, id string) *core.Hit {
	t.Helper()
	var h *core.Hit
	p.Store.View(context.Background(), func(tx core.Tx) error {
		var err error
		h, err = tx.GetHit(id)
		if core.ErrorCode(err) == core.ENOTFOUND {
			h, err = nil, nil
		}
		return err
	})
	return h
}

// TestFederationHitSteps: each side moves its hit on where it works — the
// owner at MA's node, the searcher at ES's node or, without a node, at
// the hub — and every process that keeps the hit sees both sides' states.
// A node that is neither side is refused, audited, and changes nothing.
func TestFederationHitSteps(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma, es, ng := w.hub, w.ma, w.es, w.ng
		id := publishFromMA(t, w, map[string]any{"mode": "only", "countries": []string{"ES", "FR"}})
		es.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdelatif Kharoubi", "date_of_birth": "1966-01-01"}, es.key(t, "ES", core.PermScreen))
		frBorder := hub.key(t, "FR", core.PermScreen)
		hub.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdelatif Kharoubi"}, frBorder)
		w.settle(t)
		maOfficer, esOfficer, frOfficer := ma.user(t, "MA", core.RoleOfficer), es.user(t, "ES", core.RoleOfficer), hub.user(t, "FR", core.RoleOfficer)
		var page struct {
			Items []core.Hit `json:"items"`
		}
		ma.do(t, "GET", "/api/v1/hits?side=owner", nil, maOfficer).decode(t, &page)
		var esHit, frHit string
		for _, h := range page.Items {
			// ES's screening also went to the hub as a hit/no-hit query,
			// which made a hit there: the one ES's node made is ES's own.
			if h.RecordID == id && h.Searcher == "ES" && es.hitOf(t, h.ID) != nil {
				esHit = h.ID
			}
			if h.RecordID == id && h.Searcher == "FR" && hub.hitOf(t, h.ID) != nil {
				frHit = h.ID
			}
		}
		if esHit == "" || frHit == "" {
			for _, h := range page.Items {
				t.Logf("MA has %s searcher %s; at hub %v, at ES %v", h.ID, h.Searcher, hub.hitOf(t, h.ID) != nil, es.hitOf(t, h.ID) != nil)
			}
			t.Fatalf("MA's node lacks ES's or FR's hit: %+v", page.Items)
		}
		move := func(p *fedProcess, c *caller, hit, state string) {
			t.Helper()
			if r := p.do(t, "POST", "/api/v1/hits/"+hit+"/state", map[string]any{"state": state}, c); r.Status != http.StatusOK {
				t.Fatalf("move %s to %s at %s: %s", hit, state, p.fed.Self(), r)
			}
		}
		// The owner at its node, the searcher at its node.
		move(ma, maOfficer, esHit, core.HitBeingChecked)
		move(es, esOfficer, esHit, core.HitBeingChecked)
		move(ma, maOfficer, esHit, core.HitConfirmed)
		// FR, without a node, at the hub; MA answers at its node.
		move(hub, frOfficer, frHit, core.HitBeingChecked)
		move(ma, maOfficer, frHit, core.HitBeingChecked)
		move(ma, maOfficer, frHit, core.HitFalsePositive)
		w.settle(t)
		for name, p := range map[string]*fedProcess{"MA": ma, "hub": hub, "ES": es} {
			h := p.hitOf(t, esHit)
			if h == nil || h.OwnerState != core.HitConfirmed || h.SearcherState != core.HitBeingChecked || len(h.History) != 3 {
				t.Fatalf("%s's copy of ES's hit: %+v", name, h)
			}
		}
		for name, p := range map[string]*fedProcess{"MA": ma, "hub": hub} {
			h := p.hitOf(t, frHit)
			if h == nil || h.OwnerState != core.HitFalsePositive || h.SearcherState != core.HitBeingChecked || len(h.History) != 3 {
				t.Fatalf("%s's copy of FR's hit: %+v", name, h)
			}
		}
		if es.hitOf(t, frHit) != nil || ng.hitOf(t, esHit) != nil {
			t.Fatal("a hit reached a process that is no side of it")
		}
		// Settling again changes nothing; a step delivered twice neither.
		version := es.hitOf(t, esHit).Version
		w.settle(t)
		var step []byte
		for _, m := range es.received() {
			if strings.Contains(string(m), federation.TypeHitState) {
				step = m
			}
		}
		if step == nil {
			t.Fatal("no hit.state reached ES")
		}
		if rc := signedReceipt(t, postEnvelope(t, es, step), es); rc.Outcome != federation.OutcomeDuplicate {
			t.Fatalf("a step delivered twice: %+v", rc)
		}
		if es.hitOf(t, esHit).Version != version {
			t.Fatal("settling again changed ES's copy of the hit")
		}

		// NG's node, no side of the hit, tries to confirm it for MA.
		h := hub.hitOf(t, esHit)
		hubAudit := hub.refusalsAudited(t, "federation.receive")
		st := core.HitStep{At: time.Now().UTC(), Side: "owner", Bureau: "MA", By: "ng.officer", From: core.HitConfirmed, To: core.HitActionTaken, Action: core.HitActions[0]}
		raw := forgeFrom(t, ng, hub, federation.TypeHitState, esHit, 3, "MA", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"MA", "ES"}}, []string{},
			map[string]any{"hit_id": esHit, "side": "owner", "index": 3, "step": st})
		rc := signedReceipt(t, postEnvelope(t, hub, raw), hub)
		// Told what it would be of a hit that does not exist: nothing
		// of the hit's reference or sides.
		if rc.Outcome != federation.OutcomeRefused || rc.Reason != "hit "+esHit+" is unknown here" {
			t.Fatalf("NG changing MA and ES's hit: %+v", rc)
		}
		if hub.refusalsAudited(t, "federation.receive") <= hubAudit {
			t.Fatal("the refusal was not audited")
		}
		// ES's node, the searcher, tries to move the owner's side.
		raw = forgeFrom(t, es, hub, federation.TypeHitState, esHit, 3, "MA", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"MA", "ES"}}, []string{},
			map[string]any{"hit_id": esHit, "side": "owner", "index": 3, "step": st})
		if rc := signedReceipt(t, postEnvelope(t, hub, raw), hub); rc.Outcome != federation.OutcomeRefused || !strings.Contains(rc.Reason, "its own side") {
			t.Fatalf("ES moving the owner's side: %+v", rc)
		}
		if after := hub.hitOf(t, esHit); after.Version != h.Version || after.OwnerState != core.HitConfirmed {
			t.Fatalf("a refused step changed the hub's hit: %+v", after)
		}

		// NG's node reports hits on records the hub never sent it: one of
		// MA's (naming another owner) and one that does not exist. Both
		// get the same refusal: nothing of the record's existence or
		// owner.
		for _, c := range []struct{ record, owner string }{{id, "FR"}, {"0199a2b3-0000-7000-8000-000000000000", "MA"}} {
			hid := "0199a2b3-0000-7000-8000-0000000000" + fmt.Sprintf("%02d", len(c.owner)+len(c.record)%50)
			fake := core.Hit{ID: hid, RecordID: c.record, Owner: c.owner, Searcher: "NG", Type: "person", Subject: "x", Count: 1}
			raw := forgeFrom(t, ng, hub, federation.TypeHitReport, hid, 1, c.owner, core.Releasability{Mode: core.ReleaseOnly, Countries: []string{c.owner, "NG"}}, []string{},
				map[string]any{"hit": fake})
			want := "the hub never sent record " + c.record + " to NG"
			if rc := signedReceipt(t, postEnvelope(t, hub, raw), hub); rc.Outcome != federation.OutcomeRefused || rc.Reason != want {
				t.Fatalf("NG's hit report on %s (owner %s): %+v, want refused %q", c.record, c.owner, rc, want)
			}
		}

		// MA narrows its notice to FR at its node: ES's copy ends, and
		// MA's next move on ES's hit, with its notes, stops at the hub.
		r := ma.do(t, "PUT", "/api/v1/notices/"+id, map[string]any{"releasability": map[string]any{"mode": "only", "countries": []string{"FR"}},
			"reason": "FR only", "version": ma.record(t, id).Version}, maOfficer)
		if r.Status != http.StatusOK {
			t.Fatalf("narrow at MA: %s", r)
		}
		w.settle(t)
		if r := ma.do(t, "POST", "/api/v1/hits/"+esHit+"/state", map[string]any{"state": core.HitActionTaken, "action": core.HitActions[0],
			"notes": "the owner's own notes"}, maOfficer); r.Status != http.StatusOK {
			t.Fatalf("MA's action on ES's hit: %s", r)
		}
		w.settle(t)
		if hh := hub.hitOf(t, esHit); hh.OwnerState != core.HitActionTaken {
			t.Fatalf("the hub's copy after MA's action: %+v", hh)
		}
		if eh := es.hitOf(t, esHit); eh.OwnerState != core.HitConfirmed || strings.Contains(fmt.Sprint(eh.History), "the owner's own notes") {
			t.Fatalf("ES's node heard of the owner's move on a record no longer released to ES: %+v", eh)
		}
	})
}

// TestFederationHitNoHitDocuments: a passport number and an IBAN screened
// at ES's node are asked of MA's node, which answers hit/no-hit only and
// records the hit for MA; an unknown document is "no hit", an unreachable
// node "not checked".
func TestFederationHitNoHitDocuments(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		ma, es := w.ma, w.es
		maOfficer := ma.user(t, "MA", core.RoleOfficer)
		var rec core.Record
		r := ma.do(t, "POST", "/api/v1/records", map[string]any{"kind": "person", "releasability": map[string]any{"mode": "only", "countries": []string{"MA"}},
			"data": map[string]any{"given_names": "Idriss", "family_name": "Ouazzani", "nationalities": []string{"MA"},
				"documents":   []map[string]any{{"number": "QX4471902", "country": "MA", "type": "passport"}},
				"identifiers": []map[string]any{{"type": "iban", "value": "FR76 3000 6000 0112 3456 7890 189"}}}}, maOfficer)
		if r.Status != http.StatusCreated {
			t.Fatalf("create at MA: %s", r)
		}
		r.decode(t, &rec)
		w.settle(t)
		esBorder := es.key(t, "ES", core.PermScreen)
		remote := func(path string, body map[string]any) (federation.RemoteAnswer, *resp) {
			t.Helper()
			var ans struct {
				Remote []federation.RemoteAnswer `json:"remote"`
			}
			r := es.do(t, "POST", path, body, esBorder)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %s", path, r)
			}
			r.decode(t, &ans)
			if len(ans.Remote) != 3 {
				t.Fatalf("%s: want answers from the hub, MA and NG: %s", path, r.Body)
			}
			for _, a := range ans.Remote {
				if a.Node == "MA" {
					return a, r
				}
			}
			t.Fatalf("%s: no answer from MA: %s", path, r.Body)
			return federation.RemoteAnswer{}, nil
		}
		doc, r1 := remote("/api/v1/screen/document", map[string]any{"number": "QX 447 1902", "country": "MA"})
		iban, r2 := remote("/api/v1/screen/identifier", map[string]any{"value": "FR7630006000011234567890189"})
		for _, a := range []federation.RemoteAnswer{doc, iban} {
			if a.Outcome != federation.RemoteHit || len(a.Hits) != 1 || a.Hits[0].Contact != "MA" || a.Hits[0].Reference == "" {
				t.Fatalf("MA's answer: %+v", a)
			}
		}
		for _, r := range []*resp{r1, r2} {
			for _, leak := range []string{rec.ID, "Ouazzani", "Idriss"} {
				if strings.Contains(string(r.Body), leak) {
					t.Fatalf("the answer tells %q of MA's record: %s", leak, r.Body)
				}
			}
		}
		// MA's node recorded both hits for MA, searched by ES.
		var page struct {
			Items []core.Hit `json:"items"`
		}
		ma.do(t, "GET", "/api/v1/hits", nil, maOfficer).decode(t, &page)
		types := map[string]string{}
		for _, h := range page.Items {
			if h.Searcher == "ES" && h.RecordID == rec.ID {
				types[h.Type] = h.Reference
			}
		}
		if types["document"] != doc.Hits[0].Reference || types["identifier"] != iban.Hits[0].Reference {
			t.Fatalf("MA's hits: %+v", page.Items)
		}
		if no, _ := remote("/api/v1/screen/document", map[string]any{"number": "ZZ0000000", "country": "MA"}); no.Outcome != federation.RemoteNoHit {
			t.Fatalf("an unknown document: %+v", no)
		}
		ma.down.Store(true)
		if nc, _ := remote("/api/v1/screen/identifier", map[string]any{"value": "FR7630006000011234567890189"}); nc.Outcome != federation.RemoteNotChecked {
			t.Fatalf("MA unreachable: %+v", nc)
		}
		ma.down.Store(false)
	})
}
