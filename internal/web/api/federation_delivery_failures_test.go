package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// fedProxy stands between a node and the hub, as a reverse proxy, a
// load balancer or a web application firewall would: it forwards each
// request to the hub unless answer says otherwise. answer sees the type
// of the first bundle of the batch; it returns the status to answer with
// (0: forward). largest is the largest request it saw.
type fedProxy struct {
	*httptest.Server
	answer  func(firstType string) int
	largest atomic.Int64
}

func newFedProxy(t *testing.T, to string) *fedProxy {
	t.Helper()
	p := &fedProxy{answer: func(string) int { return 0 }}
	p.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		if n := int64(len(raw)); n > p.largest.Load() {
			p.largest.Store(n)
		}
		var batch struct {
			Envelopes []struct {
				Bundle struct {
					Type string `json:"type"`
				} `json:"bundle"`
			} `json:"envelopes"`
		}
		json.Unmarshal(raw, &batch)
		first := ""
		if len(batch.Envelopes) > 0 {
			first = batch.Envelopes[0].Bundle.Type
		}
		if code := p.answer(first); code != 0 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(code)
			w.Write([]byte("<html><body><h1>" + http.StatusText(code) + "</h1></body></html>"))
			return
		}
		res, err := http.Post(to+r.URL.Path, "application/json", bytes.NewReader(raw))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		w.Header().Set("Content-Type", res.Header.Get("Content-Type"))
		w.WriteHeader(res.StatusCode)
		w.Write(body)
	}))
	p.Server.Config.Protocols = federation.Protocols()
	p.Server.Start()
	t.Cleanup(p.Server.Close)
	return p
}

// viaProxy has node send to the hub through proxy.
func viaProxy(t *testing.T, node *fedProcess, proxy *fedProxy) {
	t.Helper()
	err := node.Store.Update(context.Background(), func(tx core.Tx) error {
		p, err := tx.GetPeer(core.PeerHub, true)
		if err != nil {
			return err
		}
		p.URL = proxy.URL
		p.Version++
		return tx.UpdatePeer(p)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fedHubAndNode is a hub and one node enrolled with it, both on b (so
// that the node's replicas share a PostgreSQL store in the postgres case).
func fedHubAndNode(t *testing.T, b storetest.Backend, bureau string) (hub, node *fedProcess) {
	t.Helper()
	hub = newFedProcess(t, b, core.FedRoleHub, members.Secretariat, nil)
	admin := hub.user(t, members.Secretariat, core.RoleAdmin)
	node = newFedProcess(t, b, core.FedRoleNode, bureau, nil)
	r := hub.do(t, "POST", "/api/v1/federation/enrolment-tokens", map[string]any{"bureau": bureau, "ttl_hours": 1}, admin)
	if r.Status != http.StatusCreated {
		t.Fatalf("issue token: %s", r)
	}
	var tok federation.IssuedToken
	r.decode(t, &tok)
	if err := node.fed.EnrolWithHub(context.Background(), hub.URL, tok.Token, node.URL, true); err != nil {
		t.Fatalf("enrol %s: %v", bureau, err)
	}
	return hub, node
}

// nodeReplica is a second federation process of node's, on node's store.
func nodeReplica(node *fedProcess, bureau string) *federation.Service {
	r := federation.New(node.Store, core.FedRoleNode, bureau, node.fed.Key, slog.New(slog.NewTextHandler(io.Discard, nil)))
	r.BaseBackoff, r.MaxBackoff, r.Timeout = time.Millisecond, 2*time.Millisecond, 10*time.Second
	return r
}

// replicaRace is a hub and MA's node on one backend, MA's node sending
// through a proxy that answers 503 until holdReplicaB opens the way, then
// holds replica B's first send so that a test acts at replica A meanwhile.
type replicaRace struct {
	hub, ma          *fedProcess
	proxy            *fedProxy
	open             atomic.Bool
	arrived, release chan struct{}
}

func newReplicaRace(t *testing.T, b storetest.Backend) *replicaRace {
	t.Helper()
	rr := &replicaRace{arrived: make(chan struct{}), release: make(chan struct{})}
	rr.hub, rr.ma = fedHubAndNode(t, b, "MA")
	rr.proxy = newFedProxy(t, rr.hub.URL)
	viaProxy(t, rr.ma, rr.proxy)
	var held atomic.Int32
	rr.proxy.answer = func(first string) int {
		if !rr.open.Load() {
			return http.StatusServiceUnavailable
		}
		if first != federation.TypeFailed && held.Add(1) == 1 { // replica B's send
			close(rr.arrived)
			<-rr.release
		}
		return 0
	}
	return rr
}

// holdReplicaB opens the way to the hub and runs one step of replica B,
// returning once B's send is held at the proxy. finish lets the send on
// and waits for B's step to end.
func (rr *replicaRace) holdReplicaB(t *testing.T) (finish func()) {
	t.Helper()
	rr.open.Store(true)
	b := nodeReplica(rr.ma, "MA")
	var wg sync.WaitGroup
	var bErr error
	wg.Add(1)
	go func() { defer wg.Done(); bErr = b.Step(context.Background()) }()
	select {
	case <-rr.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("replica B did not send")
	}
	return func() {
		t.Helper()
		close(rr.release)
		wg.Wait()
		if bErr != nil {
			t.Fatalf("replica B: %v", bErr)
		}
	}
}

// queueOversized queues for peer at p a message larger than any peer
// takes in one envelope, as p's federation would have sealed it.
func queueOversized(t *testing.T, p *fedProcess, origin, peer, id string) {
	t.Helper()
	pad, _ := json.Marshal(map[string]string{"pad": strings.Repeat("x", federation.MaxEnvelopeBytes)})
	rel := core.Releasability{Mode: core.ReleaseAll, Countries: []string{}}
	err := p.Store.Update(context.Background(), func(tx core.Tx) error {
		seq, err := tx.NextFedSeq(peer)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		body, err := federation.Seal(&federation.Bundle{Origin: origin, To: peer, MessageID: id, Seq: seq, Type: federation.TypeNoticeRequest,
			ObjectID: id, ObjectVersion: 1, Owner: origin, Releasability: &rel, CreatedAt: now, Payload: pad}, p.fed.Key)
		if err != nil {
			return err
		}
		return tx.InsertFed(&core.FedMessage{Peer: peer, Seq: seq, MessageID: id, ObjectID: id, ObjectVersion: 1,
			Type: federation.TypeNoticeRequest, Body: body, State: core.FedPending, CreatedAt: now, NextAttempt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// failAsBefore marks p's pending messages for peer failed, as the
// release before this one did on an unsigned 400 (a replica still
// running it, during an upgrade, or a store carried over).
func failAsBefore(t *testing.T, p *fedProcess, peer string) {
	t.Helper()
	err := p.Store.Update(context.Background(), func(tx core.Tx) error {
		ms, err := tx.NextFed(peer, 100)
		if err != nil {
			return err
		}
		for _, m := range ms {
			state, attempts := m.State, m.Attempts
			m.State, m.LastError, m.NextAttempt = core.FedFailed, "refused by the peer without a receipt: HTTP 400: Bad Request", time.Now().UTC()
			m.Attempts++
			if ok, err := tx.UpdateFed(m, state, attempts); err != nil || !ok {
				return fmt.Errorf("mark %s failed: %v %v", m.MessageID, ok, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// outboxState is the state of p's message of type typ to peer.
func outboxState(t *testing.T, p *fedProcess, peer, typ string) string {
	t.Helper()
	var state string
	p.Store.View(context.Background(), func(tx core.Tx) error {
		ms, err := tx.FedSentTo(peer, 0, 100)
		for _, m := range ms {
			if m.Type == typ {
				state = m.State
			}
		}
		return err
	})
	return state
}

// TestFedUnsignedRefusalKeepsRetrying: answers on the way to the hub
// that are not the hub's signed receipt — a proxy's or a firewall's 400,
// 413 and 422, or an older hub's 422 to a field it does not know yet —
// fail nothing: MA's request waits at the head of the queue, the answer
// shown as its last error, and reaches the hub once the way is clear.
func TestFedUnsignedRefusalKeepsRetrying(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma := w.hub, w.ma
		proxy := newFedProxy(t, hub.URL)
		viaProxy(t, ma, proxy)
		statuses := []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}
		var seen atomic.Int32
		proxy.answer = func(string) int {
			if n := int(seen.Add(1)); n <= len(statuses) {
				return statuses[n-1]
			}
			return 0
		}
		id := requestAtMA(t, ma, "Fictitious")
		ma.step(t)
		if l := ma.lag(t, core.PeerHub); l.Pending != 1 || l.Failed != 0 || !strings.Contains(l.LastError, "HTTP 400") {
			t.Errorf("after an unsigned 400, MA's request should wait with the answer as its last error: %+v", l)
		}
		for range 6 {
			time.Sleep(5 * time.Millisecond) // the test's backoff is milliseconds
			ma.step(t)
		}
		if r := hub.record(t, id); r == nil || r.Status != core.StatusPending {
			t.Errorf("MA's request did not reach the hub once the way was clear: %+v", r)
		}
		if l := ma.lag(t, core.PeerHub); l.Failed != 0 || l.Pending != 0 || l.LastError != "" {
			t.Errorf("MA's node gave up on a message on answers the hub never signed, or still holds it: %+v", l)
		}
		if rs := hub.refusals(t, "MA"); len(rs) != 0 {
			t.Errorf("the hub refused something of MA's: %+v", rs)
		}
		if n := ma.refusalsAudited(t, "federation.send_failed"); n != 0 {
			t.Errorf("%d federation.send_failed entries at MA's node, want none", n)
		}
	})
}

// TestFedReplicaNeverUndoesFailed: MA's node runs as two replicas on one
// store. Replica B reads MA's request as pending and sends it, held on
// the way; meanwhile the request is failed (as a replica still on the
// release before did on an unsigned 400) and its place handed over (the
// hub records the loss). B's send then arrives and is answered
// "duplicate" (the place is taken): B must not write "delivered" over
// the failed request the hub never received.
func TestFedReplicaNeverUndoesFailed(t *testing.T) {
	for _, hb := range storetest.Backends(t) {
		t.Run("both_on_"+hb.Name, func(t *testing.T) {
			rr := newReplicaRace(t, hb)
			hub, ma := rr.hub, rr.ma
			id := requestAtMA(t, ma, "Fictitious")
			ma.step(t) // queued, and the hub unreachable
			if l := ma.lag(t, core.PeerHub); l.Pending != 1 {
				t.Fatalf("setup: %+v", l)
			}
			time.Sleep(10 * time.Millisecond) // its backoff is milliseconds

			finishB := rr.holdReplicaB(t)
			failAsBefore(t, ma, core.PeerHub)
			ma.step(t) // replica A hands the place over
			if l := ma.lag(t, core.PeerHub); l.Failed != 1 || l.Pending != 0 {
				t.Fatalf("setup: the request should be failed and its place handed over: %+v", l)
			}
			finishB()
			if r := hub.record(t, id); r != nil {
				t.Fatalf("setup: the hub has the request: %+v", r)
			}
			if l := ma.lag(t, core.PeerHub); l.Failed != 1 {
				t.Errorf("the request the hub never received is no longer failed at MA's node: %+v", l)
			}
			if st := outboxState(t, ma, core.PeerHub, federation.TypeNoticeRequest); st != core.FedFailed {
				t.Errorf("MA's outbox records the request as %q, want %q", st, core.FedFailed)
			}
		})
	}
}

// TestFedAnsweredQueryIDsTrimmed: a proof query's id is kept so that a
// replay within its two minutes is refused; once the query is too old to
// be taken (refused for its age), the federation loop forgets its id, so
// the table of ids does not grow by one row per query answered for the
// life of the store.
func TestFedAnsweredQueryIDsTrimmed(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma := w.hub, w.ma
		hub.signCheckpoints(t, "hub.example/manara-audit")
		rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{members.Secretariat}}
		id := uuid.Must(uuid.NewV7()).String()
		raw, _ := json.Marshal(map[string]any{"size": 1, "after": 0, "limit": 10})
		q, err := federation.Seal(&federation.Bundle{Origin: "MA", To: core.PeerHub, MessageID: id, Seq: 1, Type: federation.TypeProofQuery, ObjectID: id, Owner: "MA",
			Releasability: &rel, CreatedAt: time.Now(), Payload: raw}, ma.fed.Key)
		if err != nil {
			t.Fatal(err)
		}
		if r := postEnvelope(t, hub, q); r.Status != http.StatusOK {
			t.Fatalf("the query: %s", r)
		}
		kept := func() bool {
			var kept bool
			hub.Store.View(context.Background(), func(tx core.Tx) error { var err error; kept, err = tx.Applied("MA", id, 0); return err })
			return kept
		}
		hub.step(t)
		if !kept() {
			t.Fatal("the id of a query still within its two minutes was forgotten")
		}
		if r := postEnvelope(t, hub, q); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "answered before") {
			t.Fatalf("a replay within the two minutes should be refused as one: %s", r)
		}
		// A day on: the hub runs its federation loop as usual.
		hub.fed.Now = func() time.Time { return time.Now().Add(24 * time.Hour) }
		hub.step(t)
		if kept() {
			t.Errorf("the id of a proof query answered a day ago is still kept: nothing bounds the replay table")
		}
		if r := postEnvelope(t, hub, q); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "older than") {
			t.Errorf("a day later the query should still be refused, for its age: %s", r)
		}
	})
}

// TestFedReplicasFailOversizedOnce: MA's two replicas both read the same
// queue — a request, then a message larger than any peer takes. Each
// sends the request and finds the other too large; only the replica
// whose write changed the row records the failure: one refusal and one
// federation.send_failed entry for MA's operators, one place handed
// over, and the oversized message never leaves MA's node.
func TestFedReplicasFailOversizedOnce(t *testing.T) {
	for _, hb := range storetest.Backends(t) {
		t.Run("both_on_"+hb.Name, func(t *testing.T) {
			rr := newReplicaRace(t, hb)
			hub, ma := rr.hub, rr.ma
			id := requestAtMA(t, ma, "Fictitious")
			ma.step(t)
			queueOversized(t, ma, "MA", core.PeerHub, "oversized-request")
			time.Sleep(10 * time.Millisecond)
			finishB := rr.holdReplicaB(t)
			ma.step(t)
			finishB()
			if r := hub.record(t, id); r == nil || r.Status != core.StatusPending {
				t.Errorf("MA's request did not reach the hub: %+v", r)
			}
			if rs := ma.refusals(t, core.PeerHub); len(rs) != 1 || rs[0].MessageID != "oversized-request" {
				t.Errorf("one message given up on: %d refusals at MA's node, want 1: %+v", len(rs), rs)
			}
			if n := ma.refusalsAudited(t, "federation.send_failed"); n != 1 {
				t.Errorf("one message given up on: %d federation.send_failed entries at MA's node, want 1", n)
			}
			if rs := hub.refusals(t, "MA"); len(rs) != 1 || rs[0].Type != federation.TypeFailed {
				t.Errorf("the hub should record one place handed over: %+v", rs)
			}
			if l := ma.lag(t, core.PeerHub); l.Failed != 1 || l.Pending != 0 {
				t.Errorf("MA's queue for the hub: %+v", l)
			}
			if n := rr.proxy.largest.Load(); n > federation.MaxEnvelopeBytes {
				t.Errorf("a request of %d bytes left MA's node: the oversized message was sent", n)
			}
		})
	}
}

// TestFedRetryFailedMessage: a request failed by the release before (on
// an unsigned 400) and its place handed over is lost until an
// administrator of MA's node queues it again: sealed anew at the end of
// the queue, it reaches the hub; audited. Only MA's administrators may;
// a message superseded by a later one about the same object is not sent
// again (409), and an unknown one is 404.
func TestFedRetryFailedMessage(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma := w.hub, w.ma
		hub.down.Store(true)
		id := requestAtMA(t, ma, "Fictitious")
		ma.step(t)
		failAsBefore(t, ma, core.PeerHub)
		hub.down.Store(false)
		ma.step(t) // its place handed over
		if st := outboxState(t, ma, core.PeerHub, federation.TypeNoticeRequest); st != core.FedFailed || hub.record(t, id) != nil {
			t.Fatalf("setup: the request should be failed (%q) and not at the hub", st)
		}
		officer := ma.user(t, "MA", core.RoleOfficer)
		if r := ma.do(t, "POST", "/api/v1/federation/peers/hub/retry", map[string]any{}, officer); r.Status != http.StatusForbidden {
			t.Errorf("an officer queued messages again: %s", r)
		}
		admin := ma.user(t, "MA", core.RoleAdmin)
		if r := ma.do(t, "POST", "/api/v1/federation/peers/hub/retry", map[string]any{"message_id": "no-such-message"}, admin); r.Status != http.StatusNotFound {
			t.Errorf("an unknown message: %s", r)
		}
		var out struct {
			Items []federation.Retried `json:"items"`
		}
		r := ma.do(t, "POST", "/api/v1/federation/peers/hub/retry", map[string]any{}, admin)
		if r.Status != http.StatusOK {
			t.Fatalf("retry: %s", r)
		}
		r.decode(t, &out)
		if len(out.Items) != 1 || out.Items[0].Outcome != federation.RetryRequeued || out.Items[0].NewSeq <= out.Items[0].Seq {
			t.Fatalf("the failed request should be requeued at the end of the queue: %+v", out.Items)
		}
		ma.step(t)
		if r := hub.record(t, id); r == nil || r.Status != core.StatusPending {
			t.Errorf("the request queued again did not reach the hub: %+v", r)
		}
		if l := ma.lag(t, core.PeerHub); l.Failed != 0 || l.Pending != 0 {
			t.Errorf("MA's queue for the hub after the retry: %+v", l)
		}
		var retried int
		ma.Store.View(context.Background(), func(tx core.Tx) error {
			es, err := tx.AuditEntries(0, 100000)
			for _, e := range es {
				if e.Action == "federation.retry" && e.Outcome == audit.OK && strings.Contains(e.Query, out.Items[0].MessageID) {
					retried++
				}
			}
			return err
		})
		if retried != 1 {
			t.Errorf("the retry is audited %d times at MA's node, want 1", retried)
		}

		// Failed again, with a later message about the same notice
		// queued since: sending it after that one would undo it.
		hub.down.Store(true)
		again := requestAtMA(t, ma, "Imaginary")
		ma.step(t)
		failAsBefore(t, ma, core.PeerHub)
		err := ma.Store.Update(context.Background(), func(tx core.Tx) error {
			seq, err := tx.NextFedSeq(core.PeerHub)
			if err != nil {
				return err
			}
			now := time.Now().UTC()
			return tx.InsertFed(&core.FedMessage{Peer: core.PeerHub, Seq: seq, MessageID: "later-cancel", ObjectID: again, ObjectVersion: 9,
				Type: federation.TypeNoticeCancel, Body: []byte(`{}`), State: core.FedDelivered, CreatedAt: now, NextAttempt: now, DeliveredAt: &now})
		})
		if err != nil {
			t.Fatal(err)
		}
		// Its place as if handed over (the hub is down here).
		var failed string
		err = ma.Store.Update(context.Background(), func(tx core.Tx) error {
			ms, err := tx.FailedFed(core.PeerHub, "", 10)
			if err != nil || len(ms) != 1 {
				return fmt.Errorf("the failed message: %d, %v", len(ms), err)
			}
			now := time.Now().UTC()
			failed, ms[0].DeliveredAt = ms[0].MessageID, &now
			_, err = tx.UpdateFed(ms[0], ms[0].State, ms[0].Attempts)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := ma.do(t, "POST", "/api/v1/federation/peers/hub/retry", map[string]any{"message_id": failed}, admin); r.Status != http.StatusConflict {
			t.Errorf("a superseded message was queued again: %s", r)
		}
		if l := ma.lag(t, core.PeerHub); l.Failed != 1 {
			t.Errorf("the superseded message should stay failed: %+v", l)
		}
	})
}
