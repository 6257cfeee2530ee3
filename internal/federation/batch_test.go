package federation

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// batchWorld is a hub on SQLite and node ES on the backend under test,
// linked without the API: the node's server calls ReceiveBatch.
type batchWorld struct {
	hub, es     *Service
	hubSt, esSt core.Store
	srv         *httptest.Server
}

func newBatchWorld(t *testing.T, nodeBackend storetest.Backend) *batchWorld {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, hk, _ := ed25519.GenerateKey(rand.Reader)
	_, nk, _ := ed25519.GenerateKey(rand.Reader)
	w := &batchWorld{hubSt: storetest.OpenSQLite(t), esSt: nodeBackend.Open(t)}
	w.hub = New(w.hubSt, core.FedRoleHub, members.Secretariat, hk, quiet)
	w.es = New(w.esSt, core.FedRoleNode, "ES", nk, quiet)
	w.hub.BaseBackoff, w.hub.MaxBackoff = time.Millisecond, time.Millisecond
	w.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			http.Error(rw, "HTTP/2 expected", http.StatusHTTPVersionNotSupported)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		out, err := w.es.ReceiveBatch(r.Context(), "test", raw)
		if err != nil {
			http.Error(rw, core.ErrorMessage(err), http.StatusUnauthorized)
			return
		}
		rw.Write(out)
	}))
	w.srv.Config.Protocols = Protocols()
	w.srv.Start()
	t.Cleanup(w.srv.Close)
	now := time.Now()
	must(t, w.hubSt.Update(context.Background(), func(tx core.Tx) error {
		return tx.InsertPeer(&core.Peer{ID: "ES", Role: core.FedRoleNode, Bureau: "ES", PublicKey: w.es.PublicKey(), URL: w.srv.URL,
			State: core.PeerActive, EnrolledAt: now, Version: 1})
	}))
	must(t, w.esSt.Update(context.Background(), func(tx core.Tx) error {
		return tx.InsertPeer(&core.Peer{ID: core.PeerHub, Role: core.FedRoleHub, Bureau: members.Secretariat, PublicKey: w.hub.PublicKey(),
			URL: "http://127.0.0.1:1", State: core.PeerActive, EnrolledAt: now, Version: 1})
	}))
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// diffuse creates a diffusion at the hub released as rel, and returns
// its id.
func (w *batchWorld) diffuse(t *testing.T, i int, rel core.Releasability) string {
	t.Helper()
	data, _ := json.Marshal(map[string]any{"family_name": fmt.Sprintf("Fictitious%03d", i), "given_names": "Test", "sex": "M",
		"date_of_birth": "1970-01-01", "nationalities": []string{"MA"}, "information_sought": "whereabouts of a fictitious subject (test)"})
	officer := core.Viewer{Bureau: "MA", UserID: "test", Permissions: []string{core.PermRecordsRead, core.PermRecordsWrite}}
	v, err := notices.New(w.hubSt).Create(context.Background(), officer, notices.Input{Type: notices.TypeBlue, Diffusion: true, Releasability: &rel, Data: data})
	must(t, err)
	return v.Notice.ID
}

// queued returns ES's outbox at the hub, pending messages in order.
func (w *batchWorld) queued(t *testing.T) []*core.FedMessage {
	t.Helper()
	var ms []*core.FedMessage
	must(t, w.hubSt.View(context.Background(), func(tx core.Tx) error {
		var err error
		ms, err = tx.NextFed("ES", 1000)
		return err
	}))
	return ms
}

// post sends ms to ES as one batch, as the delivery loop would, and
// returns the outcomes ES signed.
func (w *batchWorld) post(t *testing.T, ms []*core.FedMessage) []Receipt {
	t.Helper()
	var p *core.Peer
	must(t, w.hubSt.View(context.Background(), func(tx core.Tx) error { var err error; p, err = tx.GetPeer("ES", false); return err }))
	rcs, err := w.hub.postBatch(context.Background(), p, ms, w.hub.outgoing(p, ms))
	must(t, err)
	return rcs
}

func (w *batchWorld) has(t *testing.T, id string) bool {
	t.Helper()
	found := false
	must(t, w.esSt.View(context.Background(), func(tx core.Tx) error {
		_, err := tx.GetRecord(id)
		found = err == nil
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil
		}
		return err
	}))
	return found
}

func (w *batchWorld) recvSeq(t *testing.T) int64 {
	t.Helper()
	var p *core.Peer
	must(t, w.esSt.View(context.Background(), func(tx core.Tx) error { var err error; p, err = tx.GetPeer(core.PeerHub, false); return err }))
	return p.RecvSeq
}

func outcomes(rcs []Receipt) string {
	var out []string
	for _, rc := range rcs {
		out = append(out, rc.Outcome)
	}
	return strings.Join(out, ",")
}

// TestFederationBatch: a batch is applied in order in one transaction;
// a refused message in its middle stores nothing, takes its place, and
// the others apply; a crash in the middle of a batch leaves nothing of
// it, and sending it again applies each message once.
func TestFederationBatch(t *testing.T) {
	all := core.Releasability{Mode: core.ReleaseAll}
	for _, b := range storetest.Backends(t) {
		t.Run("node_on_"+b.Name, func(t *testing.T) {
			w := newBatchWorld(t, b)
			ctx := context.Background()
			a := w.diffuse(t, 1, all)
			frOnly := w.diffuse(t, 2, core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}})
			c := w.diffuse(t, 3, all)
			n, err := w.hub.fanOut(ctx)
			must(t, err)
			if n == 0 {
				t.Fatal("no event fanned out")
			}
			// The hub would never queue frOnly for ES: queue it anyway,
			// between a and c, as a hub gone wrong would.
			ms := w.queued(t)
			if len(ms) != 2 {
				t.Fatalf("queued %d messages for ES, want 2", len(ms))
			}
			must(t, w.hubSt.Update(ctx, func(tx core.Tx) error {
				snap, err := snapshot(tx, frOnly)
				if err != nil {
					return err
				}
				return w.hub.enqueue(tx, "ES", TypeNoticePut, snap, "", time.Now())
			}))
			ms = w.queued(t) // a (1), c (2), frOnly (3)
			d := w.diffuse(t, 4, all)
			_, err = w.hub.fanOut(ctx)
			must(t, err)
			ms = w.queued(t) // … d (4)
			if len(ms) != 4 || ms[2].ObjectID != frOnly || ms[3].ObjectID != d {
				t.Fatalf("outbox: %d messages", len(ms))
			}

			// A crash in the middle of the batch (after c was applied,
			// before it was recorded): nothing of the batch stays.
			w.es.failAfterApply = func(b *Bundle) error {
				if b.ObjectID == c {
					return errors.New("the process stopped")
				}
				return nil
			}
			if got := outcomes(w.post(t, ms)); got != "out_of_order,out_of_order,out_of_order,out_of_order" {
				t.Fatalf("outcomes after a crash = %s", got)
			}
			if w.has(t, a) || w.has(t, c) || w.recvSeq(t) != 0 {
				t.Fatal("a crashed batch left something behind")
			}

			// A message refused after it wrote (d here, refused inside its
			// savepoint) stores nothing; frOnly is refused by the access
			// decision; both take their place, a and c apply.
			w.es.failAfterApply = func(b *Bundle) error {
				if b.ObjectID == d {
					return refusal{"refused after writing (test)"}
				}
				return nil
			}
			if got := outcomes(w.post(t, ms)); got != "accepted,accepted,refused,refused" {
				t.Fatalf("outcomes = %s", got)
			}
			w.es.failAfterApply = nil
			if !w.has(t, a) || !w.has(t, c) || w.has(t, frOnly) || w.has(t, d) || w.recvSeq(t) != 4 {
				t.Fatalf("after the batch: a %v c %v frOnly %v d %v, recv_seq %d", w.has(t, a), w.has(t, c), w.has(t, frOnly), w.has(t, d), w.recvSeq(t))
			}
			// The same batch again changes nothing.
			if got := outcomes(w.post(t, ms)); got != "duplicate,duplicate,duplicate,duplicate" {
				t.Fatalf("outcomes sent twice = %s", got)
			}

			// Each message received is in ES's audit log, once applied or refused.
			var received []string
			must(t, w.esSt.View(ctx, func(tx core.Tx) error {
				es, err := tx.AuditEntries(0, 1000)
				for _, e := range es {
					if e.Action == actionReceive && e.Outcome != audit.Conflict {
						received = append(received, e.Outcome)
					}
				}
				return err
			}))
			if strings.Join(received, ",") != "ok,ok,denied,denied" {
				t.Fatalf("ES audited %v", received)
			}
		})
	}
}

// TestFederationBatchDelivery: the delivery loop sends a queue larger
// than a batch in order, marks each message delivered or refused, and
// the sender's audit log names each one.
func TestFederationBatchDelivery(t *testing.T) {
	w := newBatchWorld(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite})
	w.hub.BatchSize = 3
	var ids []string
	for i := range 8 {
		ids = append(ids, w.diffuse(t, i, core.Releasability{Mode: core.ReleaseAll}))
	}
	must(t, w.hub.Step(context.Background()))
	for _, id := range ids {
		if !w.has(t, id) {
			t.Fatalf("%s not delivered", id)
		}
	}
	if len(w.queued(t)) != 0 || w.recvSeq(t) != 8 {
		t.Fatalf("%d left in the outbox, recv_seq %d", len(w.queued(t)), w.recvSeq(t))
	}
	sent := 0
	must(t, w.hubSt.View(context.Background(), func(tx core.Tx) error {
		es, err := tx.AuditEntries(0, 1000)
		for _, e := range es {
			if e.Action == actionSend && strings.HasSuffix(e.Query, ": accepted") {
				sent++
			}
		}
		return err
	}))
	if sent != 8 {
		t.Fatalf("the hub audited %d deliveries, want 8", sent)
	}
}

// TestFederationBatchLimits: a batch too long, empty, mixing origins or
// starting with a forged envelope is refused without a receipt; a
// forged envelope later in a batch ends it there.
func TestFederationBatchLimits(t *testing.T) {
	w := newBatchWorld(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite})
	ctx := context.Background()
	for i := range 2 {
		w.diffuse(t, i, core.Releasability{Mode: core.ReleaseAll})
	}
	_, err := w.hub.fanOut(ctx)
	must(t, err)
	ms := w.queued(t)
	wrap := func(envs ...[]byte) []byte {
		var parts []string
		for _, e := range envs {
			parts = append(parts, string(e))
		}
		return []byte(`{"envelopes":[` + strings.Join(parts, ",") + `]}`)
	}
	tooMany := make([][]byte, MaxBatchMessages+1)
	for i := range tooMany {
		tooMany[i] = ms[0].Body
	}
	_, forger, _ := ed25519.GenerateKey(rand.Reader)
	fb, _, _, _ := Open(ms[1].Body)
	forged, _ := Seal(fb, forger)
	for name, c := range map[string]struct {
		body []byte
		code string
	}{
		"empty":          {[]byte(`{"envelopes":[]}`), core.EINVALID},
		"too many":       {wrap(tooMany...), core.EINVALID},
		"not a batch":    {ms[0].Body, core.EINVALID},
		"forged first":   {wrap(forged, ms[0].Body), core.EUNAUTHORIZED},
		"too many bytes": {append(wrap(ms[0].Body), make([]byte, MaxBatchBytes)...), core.ETOOLARGE},
	} {
		if _, err := w.es.ReceiveBatch(ctx, "test", c.body); core.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	if w.recvSeq(t) != 0 {
		t.Fatal("a refused batch applied something")
	}
	// A forged envelope second: the first is answered and applied, the
	// forged one not.
	out, err := w.es.ReceiveBatch(ctx, "test", wrap(ms[0].Body, forged))
	must(t, err)
	b, _, _, err := Open(out)
	must(t, err)
	var br BatchReceipt
	must(t, json.Unmarshal(b.Payload, &br))
	if len(br.Receipts) != 1 || br.Receipts[0].Outcome != OutcomeAccepted || w.recvSeq(t) != 1 {
		t.Fatalf("receipts %+v, recv_seq %d", br.Receipts, w.recvSeq(t))
	}
}
