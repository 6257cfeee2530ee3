package federation

// Fuzz targets for what a peer sends back and this process decodes: the
// answers to its requests (remote screening, batch receipts, proof
// answers, the hub's enrolment answer), a peer's proof query and a peer's
// hit report. An answer is fuzzed through the method that reads it, over
// an HTTP client whose transport is the peer: it signs the fuzzed payload
// with the peer's key (so the decoding is reached, not only the
// signature check) or, when told to, answers the fuzzed bytes as they are
// (which must never be taken, not being signed by the peer).

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// peerTransport answers every request as the peer would: with answer(req
// body), sent with status 200.
type peerTransport func(body []byte) []byte

func (pt peerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(pt(body))), Request: r}, nil
}

// fuzzPeer is a peer of s with its own key.
type fuzzPeer struct {
	peer *core.Peer
	key  ed25519.PrivateKey
}

func newFuzzPeer(tb testing.TB, id, role, bureau string) fuzzPeer {
	tb.Helper()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return fuzzPeer{peer: &core.Peer{ID: id, Role: role, Bureau: bureau, PublicKey: PublicKeyString(pub), URL: "http://" + strings.ToLower(id) + ".example",
		State: core.PeerActive, Version: 1}, key: key}
}

// answer is the peer's signed answer of type typ about object to s,
// carrying payload; nil if payload cannot be a bundle's payload (it is
// not one JSON value).
func (p fuzzPeer) answer(s *Service, typ, object string, payload []byte) []byte {
	if !json.Valid(payload) {
		return nil
	}
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{s.Bureau}}
	raw, err := Seal(&Bundle{Origin: p.peer.ID, To: s.Self(), MessageID: "01a00000-0000-7000-8000-00000000a0a0", Type: typ, ObjectID: object,
		Owner: p.peer.Bureau, Releasability: &rel, CreatedAt: time.Now().UTC(), Payload: append(json.RawMessage(nil), payload...)}, p.key)
	if err != nil {
		return nil
	}
	return raw
}

// queryID is the object id of the sealed query in body, as the peer
// reads it.
func queryID(body []byte) string {
	b, _, _, err := Open(body)
	if err != nil {
		return ""
	}
	return b.ObjectID
}

func quietService(st core.Store, role, bureau string) *Service {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	return New(st, role, bureau, key, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// FuzzScreenAnswer: whatever a node (or the hub, relaying the others')
// answers to a hit/no-hit query, ask returns at least one answer, each
// of a known outcome, hits only with a hit, and a node's answers under
// its own id; an answer that is not one readable, non-empty list of
// answers, or not signed by the peer, is one "not checked".
func FuzzScreenAnswer(f *testing.F) {
	f.Add([]byte(`{"answers":[{"node":"FR","outcome":"hit","hits":[{"reference":"H-2025-ABCDEFGH","contact_bureau":"FR"}]}]}`), true, true)
	f.Add([]byte(`{"answers":[{"node":"FR","outcome":"no_hit"},{"node":"DE","outcome":"not_checked","reason":"unreachable or too slow"}]}`), true, true)
	f.Add([]byte(`{"answers":[{"node":"hub","outcome":"no_hit","hits":[{"reference":"x","contact_bureau":"ES"}]}]}`), false, true)
	f.Add([]byte(`{"answers":[{"node":"","outcome":"maybe","hits":[{}]}]}`), true, true)
	f.Add([]byte(`{"answers":[]}`), true, true)
	f.Add([]byte(`{"answers":null}`), false, true)
	f.Add([]byte(`[]`), false, true)
	f.Add([]byte(`{"bundle":{},"signature":"AAAA"}`), true, false)
	hub := newFuzzPeer(f, core.PeerHub, core.FedRoleHub, members.Secretariat)
	fr := newFuzzPeer(f, "FR", core.FedRoleNode, "FR")
	f.Fuzz(func(t *testing.T, payload []byte, askHub, sealed bool) {
		p, s := fr, quietService(nil, core.FedRoleHub, members.Secretariat)
		if askHub {
			p, s = hub, quietService(nil, core.FedRoleNode, "ES")
		}
		signed := true
		s.Client = &http.Client{Transport: peerTransport(func(body []byte) []byte {
			if !sealed {
				signed = false
				return payload
			}
			out := p.answer(s, TypeScreenAnswer, queryID(body), payload)
			signed = out != nil
			return out
		})}
		as := s.ask(context.Background(), p.peer, "ES", RemoteQuery{Person: &PersonQuery{Name: "Hamid Zarhouni"}})
		if len(as) == 0 {
			t.Fatal("no answer at all: a node asked must be reported, if only as not checked")
		}
		var want screenAnswers
		readable := json.Unmarshal(payload, &want) == nil && len(want.Answers) > 0
		if !signed || !readable {
			if len(as) != 1 || as[0].Node != p.peer.ID || as[0].Outcome != RemoteNotChecked || len(as[0].Hits) != 0 {
				t.Fatalf("an unsigned or unreadable answer (signed %v) was taken: %+v", signed, as)
			}
			return
		}
		if len(as) != len(want.Answers) {
			t.Fatalf("%d answers read of %d sent", len(as), len(want.Answers))
		}
		for _, a := range as {
			if !slices.Contains([]string{RemoteHit, RemoteNoHit, RemoteNotChecked}, a.Outcome) {
				t.Fatalf("unknown outcome taken: %+v", a)
			}
			if a.Outcome != RemoteHit && len(a.Hits) > 0 {
				t.Fatalf("hits without a hit: %+v", a)
			}
			if a.Node == "" || (!askHub && a.Node != p.peer.ID) {
				t.Fatalf("node %s answered for %q", p.peer.ID, a.Node)
			}
		}
	})
}

// FuzzBatchReceipt: whatever a peer signs as a batch's receipt, postBatch
// returns an error or one known outcome for each of a prefix of the
// messages sent (at least the first), as the peer wrote it; bytes the
// peer did not sign are an error.
func FuzzBatchReceipt(f *testing.F) {
	f.Add([]byte(`{"receipts":[{"message_id":"m1","seq":1,"outcome":"accepted"},{"message_id":"m2","seq":2,"outcome":"refused","reason":"not a notice"},{"message_id":"m3","seq":3,"outcome":"out_of_order","expected_seq":2}]}`), true)
	f.Add([]byte(`{"receipts":[{"message_id":"m1","seq":1,"outcome":"duplicate"}]}`), true)
	f.Add([]byte(`{"receipts":[{"message_id":"m2","seq":2,"outcome":"accepted"}]}`), true)
	f.Add([]byte(`{"receipts":[{"message_id":"m1","seq":1,"outcome":"applied"}]}`), true)
	f.Add([]byte(`{"receipts":[]}`), true)
	f.Add([]byte(`{"receipts":[{"message_id":"m1","seq":1,"outcome":"accepted"},{"message_id":"m2","seq":2,"outcome":"accepted"},{"message_id":"m3","seq":3,"outcome":"accepted"},{"message_id":"m4","seq":4,"outcome":"accepted"}]}`), true)
	f.Add([]byte(`{"receipts":[{"message_id":"m1","seq":1,"outcome":"accepted"}]}`), false)
	p := newFuzzPeer(f, "FR", core.FedRoleNode, "FR")
	now := time.Now().UTC()
	ms := []*core.FedMessage{
		{Peer: "FR", Seq: 1, MessageID: "m1", Body: []byte(`{}`), CreatedAt: now},
		{Peer: "FR", Seq: 2, MessageID: "m2", Body: []byte(`{}`), CreatedAt: now},
		{Peer: "FR", Seq: 3, MessageID: "m3", Body: []byte(`{}`), CreatedAt: now},
	}
	f.Fuzz(func(t *testing.T, payload []byte, sealed bool) {
		s := quietService(nil, core.FedRoleHub, members.Secretariat)
		signed := true
		s.Client = &http.Client{Transport: peerTransport(func(body []byte) []byte {
			if !sealed {
				signed = false
				return payload
			}
			out := p.answer(s, TypeBatchReceipt, ms[0].MessageID, payload)
			signed = out != nil
			return out
		})}
		rcs, err := s.postBatch(context.Background(), p.peer, ms, s.outgoing(p.peer, ms))
		if err != nil {
			if rcs != nil {
				t.Fatalf("receipts and an error: %+v, %v", rcs, err)
			}
			return
		}
		if !signed {
			t.Fatalf("receipts taken from an answer the peer did not sign: %+v", rcs)
		}
		var br BatchReceipt
		if err := json.Unmarshal(payload, &br); err != nil {
			t.Fatalf("receipts taken from an unreadable payload: %+v", rcs)
		}
		if len(rcs) == 0 || len(rcs) > len(ms) || len(rcs) != len(br.Receipts) {
			t.Fatalf("%d receipts for %d messages sent (%d in the payload)", len(rcs), len(ms), len(br.Receipts))
		}
		for i, rc := range rcs {
			if !slices.Contains([]string{OutcomeAccepted, OutcomeDuplicate, OutcomeRefused, OutcomeOutOfOrder}, rc.Outcome) {
				t.Fatalf("unknown outcome taken: %+v", rc)
			}
			if r := br.Receipts[i]; r.MessageID != ms[i].MessageID || r.Seq != ms[i].Seq || r.Receipt != rc {
				t.Fatalf("receipt %d is not the peer's for message %s: %+v", i, ms[i].MessageID, r)
			}
		}
	})
}

// FuzzProofAnswer: whatever a peer signs as its answer to a proof query,
// askProofs returns an error or the answer as the peer wrote it, with no
// more entries than asked; bytes the peer did not sign are an error.
func FuzzProofAnswer(f *testing.F) {
	f.Add([]byte(`{"checkpoint":"node.example/manara-audit\n5\nAAAA\n","consistency":[],"entries":[{"entry":{"seq":1,"action":"federation.send"},"proof":["AAAA"]}],"more":false}`), true)
	f.Add([]byte(`{"checkpoint":"","consistency":null,"entries":[{},{},{},{}],"more":true}`), true)
	f.Add([]byte(`{"entries":"x"}`), true)
	f.Add([]byte(`null`), true)
	f.Add([]byte(`{"checkpoint":"x","entries":[]}`), false)
	p := newFuzzPeer(f, "FR", core.FedRoleNode, "FR")
	q := proofQuery{Size: 5, After: 0, Limit: 3}
	f.Fuzz(func(t *testing.T, payload []byte, sealed bool) {
		s := quietService(nil, core.FedRoleHub, members.Secretariat)
		signed := true
		s.Client = &http.Client{Transport: peerTransport(func(body []byte) []byte {
			if !sealed {
				signed = false
				return payload
			}
			out := p.answer(s, TypeProofAnswer, queryID(body), payload)
			signed = out != nil
			return out
		})}
		ans, err := s.askProofs(context.Background(), p.peer, q)
		if err != nil {
			if ans != nil {
				t.Fatal("an answer and an error")
			}
			return
		}
		if !signed {
			t.Fatalf("an answer taken that the peer did not sign: %+v", ans)
		}
		var want proofAnswer
		if err := json.Unmarshal(payload, &want); err != nil {
			t.Fatalf("an answer taken from an unreadable payload: %+v", ans)
		}
		if len(ans.Entries) > q.Limit {
			t.Fatalf("%d entries taken, %d asked", len(ans.Entries), q.Limit)
		}
		got, _ := json.Marshal(ans)
		wb, _ := json.Marshal(want)
		if !bytes.Equal(got, wb) {
			t.Fatalf("the answer taken is not the peer's:\n%s\n%s", got, wb)
		}
	})
}

// FuzzEnrolAnswer: whatever the hub answers a node's enrolment, the node
// keeps the hub's key only when the answer is readable and the key is an
// Ed25519 public key; anything else is an error and leaves the hub as the
// node knew it (none, or the one enrolled before).
func FuzzEnrolAnswer(f *testing.F) {
	_, hk, _ := ed25519.GenerateKey(rand.Reader)
	good, _ := json.Marshal(EnrolAnswer{Hub: core.PeerHub, PublicKey: PublicOf(hk)})
	f.Add(good)
	f.Add([]byte(`{"hub":"hub","public_key":"ed25519:AAAA"}`))
	f.Add([]byte(`{"hub":"hub","public_key":"rsa:AAAAB3NzaC1yc2E"}`))
	f.Add([]byte(`{"public_key":"ed25519:` + strings.Repeat("A", 43) + `="}`))
	f.Add([]byte(`{"hub":1}`))
	f.Add([]byte(`<html>Bad Gateway</html>`))
	st := storetest.OpenSQLite(f)
	s := quietService(st, core.FedRoleNode, "ES")
	f.Fuzz(func(t *testing.T, answer []byte) {
		ctx := context.Background()
		s.Client = &http.Client{Transport: peerTransport(func([]byte) []byte { return answer })}
		hubNow := func() *core.Peer {
			var p *core.Peer
			if err := st.View(ctx, func(tx core.Tx) error {
				var err error
				p, err = tx.GetPeer(core.PeerHub, false)
				if core.ErrorCode(err) == core.ENOTFOUND {
					p, err = nil, nil
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return p
		}
		before := hubNow()
		err := s.EnrolWithHub(ctx, "http://hub.example/", "mfe_id.secret", "https://es.example", true)
		after := hubNow()
		var ans EnrolAnswer
		readable := json.Unmarshal(answer, &ans) == nil
		_, kerr := ParsePublicKey(ans.PublicKey)
		if err != nil {
			if readable && kerr == nil {
				t.Fatalf("a readable answer with a valid key refused: %v", err)
			}
			if (before == nil) != (after == nil) || (before != nil && (before.Version != after.Version || before.PublicKey != after.PublicKey)) {
				t.Fatalf("a refused answer changed the hub: %+v → %+v", before, after)
			}
			return
		}
		if !readable || kerr != nil {
			t.Fatalf("an answer taken without a valid key: %q", answer)
		}
		if after == nil || after.PublicKey != ans.PublicKey || after.URL != "http://hub.example" || after.State != core.PeerActive ||
			(before != nil && after.Version != before.Version+1) {
			t.Fatalf("the hub kept is not the answer's: %+v (before %+v)", after, before)
		}
	})
}

// FuzzProofQuery: whatever a peer sends as a proof query's payload, the
// answer is a refusal naming the payload (not a query within the
// bounds), a refusal naming the size (a tree larger than this log), or
// this process's signed answer to that query: at most the entries asked,
// each after the one given, naming the peer, and proven in the tree of
// the size asked.
func FuzzProofQuery(f *testing.F) {
	f.Add([]byte(`{"size":3,"after":0,"limit":2}`))
	f.Add([]byte(`{"size":1,"after":0,"limit":200}`))
	f.Add([]byte(`{"size":1000000,"after":0,"limit":1}`))
	f.Add([]byte(`{"size":4,"after":2,"limit":1}`))
	f.Add([]byte(`{"size":0,"after":0,"limit":1}`))
	f.Add([]byte(`{"size":3,"after":-1,"limit":201}`))
	f.Add([]byte(`{"size":3,"after":0,"limit":1,"more":true}`))
	f.Add([]byte(`{"size":"3"}`))
	ctx := context.Background()
	st := storetest.OpenSQLite(f)
	signer, _, err := audit.LoadOrCreateKey(filepath.Join(f.TempDir(), "audit.key"), "hub.example/manara-audit")
	if err != nil {
		f.Fatal(err)
	}
	s := quietService(st, core.FedRoleHub, members.Secretariat)
	s.AuditSigner = signer
	es := newFuzzPeer(f, "ES", core.FedRoleNode, "ES")
	// The log: messages exchanged with ES and FR, and other entries.
	if err := st.Update(ctx, func(tx core.Tx) error {
		var entries []*core.AuditEntry
		for i := range 6 {
			peer := []string{"ES", "FR"}[i%2]
			entries = append(entries, audit.Entry(core.Viewer{System: true}, actionSend, audit.OK, "obj", peerRecord(peer)), audit.Entry(core.Viewer{System: true}, "records.create", audit.OK))
		}
		return audit.Append(tx, entries...)
	}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		var size int64
		var root tlog.Hash
		if err := st.View(ctx, func(tx core.Tx) error {
			var err error
			size, err = audit.TreeSize(tx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// A query of its own each time: the same one twice is a replay.
		b := &Bundle{Origin: "ES", To: core.PeerHub, MessageID: uuid.Must(uuid.NewV7()).String(), Seq: 1, Type: TypeProofQuery, ObjectID: "q",
			Owner: "ES", CreatedAt: s.now(), Payload: payload}
		out, err := s.answerProofs(ctx, core.Viewer{Bureau: "ES", KeyID: "federation:ES"}, es.peer, b)
		var q proofQuery
		dec := json.NewDecoder(bytes.NewReader(payload))
		dec.DisallowUnknownFields()
		inBounds := dec.Decode(&q) == nil && q.Size >= 1 && q.After >= 0 && q.Limit >= 1 && q.Limit <= maxProofEntries
		if err != nil {
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Code != core.EINVALID || len(ce.Fields) != 1 {
				t.Fatalf("a refusal that is not an invalid field: %v", err)
			}
			switch field := ce.Fields[0].Field; {
			case field == "payload" && !inBounds:
			case field == "size" && inBounds && q.Size > size:
			default:
				t.Fatalf("refused on %s (query in bounds %v, %+v, log of %d): %v", field, inBounds, q, size, err)
			}
			return
		}
		if !inBounds || q.Size > size {
			t.Fatalf("answered a query out of bounds: %+v (log of %d)", q, size)
		}
		ab, canon, sig, err := openWithin(out, maxProofAnswer)
		if err != nil || Verify(s.PublicKey(), canon, sig) != nil || ab.Type != TypeProofAnswer || ab.To != "ES" || ab.ObjectID != b.MessageID {
			t.Fatalf("the answer is not signed, or not this query's: %+v, %v", ab, err)
		}
		var ans proofAnswer
		if err := json.Unmarshal(ab.Payload, &ans); err != nil {
			t.Fatal(err)
		}
		if len(ans.Entries) > q.Limit || (ans.More && len(ans.Entries) != q.Limit) {
			t.Fatalf("%d entries (more %v) for a limit of %d", len(ans.Entries), ans.More, q.Limit)
		}
		if err := st.View(ctx, func(tx core.Tx) error {
			var err error
			root, err = audit.RootAt(tx, q.Size)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		last := q.After
		for _, pe := range ans.Entries {
			e := pe.Entry
			proof, err := parseHashes(pe.Proof)
			if err != nil || e.Seq <= last || e.Seq > q.Size || !slices.Contains(e.RecordIDs, peerRecord("ES")) ||
				tlog.CheckRecord(proof, q.Size, root, e.Seq-1, audit.LeafHash(&e)) != nil {
				t.Fatalf("entry %d is not one asked for, or not proven in the tree of %d: %+v", e.Seq, q.Size, e)
			}
			last = e.Seq
		}
	})
}

// errRollback undoes a fuzz iteration's transaction.
var errRollback = errors.New("rolled back")

// FuzzHitReport: whatever a peer sends as a hit report's payload, applying
// it is a refusal that writes nothing, or the one hit stored: the
// bundle's, on the record of the bundle's owner, made by the reporting
// node's bureau when a node reports it to the hub (and relayed to the
// owner's node), on this node's own record when the hub reports it.
func FuzzHitReport(f *testing.F) {
	ctx := context.Background()
	st := storetest.OpenSQLite(f)
	hubSvc := quietService(st, core.FedRoleHub, members.Secretariat)
	maSvc := quietService(st, core.FedRoleNode, "MA")
	hubPeer := newFuzzPeer(f, core.PeerHub, core.FedRoleHub, members.Secretariat).peer
	esPeer := newFuzzPeer(f, "ES", core.FedRoleNode, "ES").peer
	maPeer := newFuzzPeer(f, "MA", core.FedRoleNode, "MA").peer
	rec := storetest.NewRecord("MA", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
	other := storetest.NewRecord("FR", core.Releasability{Mode: core.ReleaseAll}, core.StatusActive)
	now := time.Now().UTC().Truncate(time.Microsecond)
	if err := st.Update(ctx, func(tx core.Tx) error {
		for _, p := range []*core.Peer{hubPeer, esPeer, maPeer} {
			p.EnrolledAt = now
			if err := tx.InsertPeer(p); err != nil {
				return err
			}
		}
		for _, r := range []*core.Record{rec, other} {
			if err := tx.InsertRecord(r); err != nil {
				return err
			}
		}
		// The hub sent MA's record to ES, not FR's.
		return tx.InsertFed(&core.FedMessage{Peer: "ES", Seq: 1, MessageID: "m-es-1", ObjectID: rec.ID, ObjectVersion: 1, Type: TypeNoticePut,
			Body: []byte(`{}`), State: core.FedDelivered, CreatedAt: now, NextAttempt: now})
	}); err != nil {
		f.Fatal(err)
	}
	const hitID = "01a00000-0000-7000-8000-0000000000c1"
	hit := func(searcher, recordID, owner string) []byte {
		b, _ := json.Marshal(hitPayload{Hit: &core.Hit{ID: hitID, Reference: "H-2025-ABCDEFGH", RecordID: recordID, RecordKind: core.KindPerson, Owner: owner,
			Searcher: searcher, SearchedBy: "user:es-officer", Type: "person", Subject: "hamid zarhouni", Query: "Hamid Zarhouni", Score: 0.93, Count: 1,
			FirstSeen: now, LastSeen: now, OwnerState: core.HitNew, SearcherState: core.HitNew}})
		return b
	}
	f.Add(hit("ES", rec.ID, "MA"), true)
	f.Add(hit("ES", rec.ID, "MA"), false)
	f.Add(hit("FR", rec.ID, "MA"), true)
	f.Add(hit("ES", other.ID, "FR"), true)
	f.Add(hit("ES", other.ID, "MA"), false)
	f.Add(hit("ES", "01a00000-0000-7000-8000-00000000dead", "MA"), false)
	f.Add([]byte(`{"hit":{"id":"`+hitID+`","record_id":"`+rec.ID+`","owner":"MA","searcher":"ES"}}`), true)
	f.Add([]byte(`{"hit":{"id":"`+hitID+`","record_id":"`+rec.ID+`","owner":"MA","searcher":"ES","count":-5,"score":-1e308}}`), false)
	f.Add([]byte(`{"hit":null}`), true)
	f.Add([]byte(`{"hit":{"id":"`+hitID+`"},"extra":1}`), false)
	f.Fuzz(func(t *testing.T, payload []byte, atHub bool) {
		s, from := maSvc, hubPeer
		if atHub {
			s, from = hubSvc, esPeer
		}
		b := &Bundle{Origin: from.ID, To: s.Self(), MessageID: "m-hit", Seq: 1, Type: TypeHitReport, ObjectID: hitID, ObjectVersion: 1, Owner: "MA",
			Releasability: &core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"MA", "ES"}}, Caveats: []string{}, CreatedAt: now, Payload: payload}
		var n int
		var applyErr error
		err := st.Update(ctx, func(tx core.Tx) error {
			n, applyErr = s.applyHit(tx, from, b, now)
			stored, gerr := tx.GetHit(hitID)
			relayed, rerr := tx.HasFedMessage("MA", messageID("MA", TypeHitReport, hitID, 1))
			if rerr != nil || (gerr != nil && core.ErrorCode(gerr) != core.ENOTFOUND) {
				t.Fatalf("reading back: %v, %v", gerr, rerr)
			}
			if applyErr != nil {
				var r refusal
				if !asRefusal(applyErr, &r) {
					t.Fatalf("a peer's payload failed otherwise than by a refusal: %v\npayload %s", applyErr, payload)
				}
				if gerr == nil || relayed {
					t.Fatalf("a refused hit report wrote (hit %v, relayed %v): %s", gerr == nil, relayed, r.reason)
				}
				return errRollback
			}
			if n != 1 || gerr != nil {
				t.Fatalf("a hit report taken (%d) but no hit stored: %v", n, gerr)
			}
			if stored.ID != hitID || stored.RecordID != rec.ID || stored.Owner != "MA" || (atHub && stored.Searcher != "ES") || !hitImported(stored) {
				t.Fatalf("the hit stored is not the bundle's on MA's record: %+v", stored)
			}
			if atHub != relayed {
				t.Fatalf("relayed to MA's node: %v, at the hub: %v", relayed, atHub)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("the transaction: %v", err)
		}
	})
}
