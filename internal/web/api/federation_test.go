package api_test

// Federation over real HTTP between real stores: a hub and national nodes,
// each its own server over its own store, in one test process. The hub
// runs on every configured backend (PostgreSQL when MANARA_TEST_POSTGRES
// is set); the nodes on SQLite. The loops are driven by Step, so that each
// test decides when messages move.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// fedProcess is one Manara process of a federation.
type fedProcess struct {
	*fixture
	srv *api.Server
	fed *federation.Service
	// down makes the process unreachable (every request answers 503).
	down atomic.Bool
	// inbox keeps every envelope posted to the federation inbox.
	mu    sync.Mutex
	inbox [][]byte
	// protos lists the protocol of every request to a federation route.
	protos []string
}

func newFedProcess(t *testing.T, b storetest.Backend, role, bureau string, pki *fedPKI) *fedProcess {
	t.Helper()
	st := b.Open(t)
	a := newAuth(st)
	rs := records.New(st)
	idx := screen.New()
	seq, err := idx.Load(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs.Changed = idx.Follower(st, seq)
	s := api.New(st, a, rs, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{Version: "test"})
	s.Screen = idx
	w := audit.NewWriter(st, nil, 100, time.Millisecond)
	s.ReadAudit = w
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	f := federation.New(st, role, bureau, key, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.BaseBackoff, f.MaxBackoff, f.Timeout = time.Millisecond, 2*time.Millisecond, 5*time.Second
	f.Changed = rs.Changed
	f.Screener = s
	f.RemoteTimeout = time.Second
	s.Federation = f
	p := &fedProcess{srv: s, fed: f}
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") == "Manara-Federation/1" {
			p.mu.Lock()
			p.protos = append(p.protos, r.Proto)
			p.mu.Unlock()
		}
		if p.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		switch r.URL.Path {
		case federation.PathInbox:
			raw, _ := io.ReadAll(r.Body)
			p.mu.Lock()
			p.inbox = append(p.inbox, raw)
			p.mu.Unlock()
			r.Body = io.NopCloser(strings.NewReader(string(raw)))
		case federation.PathInboxBatch:
			// Each envelope of a batch, as if it had been posted alone.
			raw, _ := io.ReadAll(r.Body)
			var batch struct{ Envelopes []json.RawMessage }
			json.Unmarshal(raw, &batch)
			p.mu.Lock()
			for _, env := range batch.Envelopes {
				p.inbox = append(p.inbox, []byte(env))
			}
			p.mu.Unlock()
			r.Body = io.NopCloser(strings.NewReader(string(raw)))
		}
		s.Handler().ServeHTTP(w, r)
	}))
	hs.Config.Protocols = federation.Protocols() // as manara serve does
	client := &http.Client{}
	if pki == nil {
		hs.Start()
	} else {
		// Mutual TLS: the process serves its certificate from the
		// federation's CA, presents it to peers, and requires one on the
		// federation's routes.
		server, peerClient := pki.issue(t, bureau)
		hs.TLS = server
		hs.StartTLS()
		s.Config.RequirePeerCert = true
		f.Client = federation.NewClient(peerClient, f.Timeout)
		// The test's own requests (some to the federation's routes) come
		// with a certificate of the CA, as a peer's would.
		client.Transport = &http.Transport{TLSClientConfig: peerClient.Clone()}
	}
	t.Cleanup(func() { s.StopStreams(); hs.Close(); s.Close(); w.Close() })
	p.fixture = &fixture{Backend: b.Name, Store: st, Auth: a, Records: rs, URL: hs.URL, client: client}
	return p
}

// step runs the process's fan-out and delivery once.
func (p *fedProcess) step(t *testing.T) {
	t.Helper()
	if err := p.fed.Step(context.Background()); err != nil {
		t.Fatalf("federation step: %v", err)
	}
}

func (p *fedProcess) received() [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([][]byte(nil), p.inbox...)
}

// record reads a record straight from the process's store (nil if absent).
func (p *fedProcess) record(t *testing.T, id string) *core.Record {
	t.Helper()
	var r *core.Record
	err := p.Store.View(context.Background(), func(tx core.Tx) error {
		var err error
		r, err = tx.GetRecord(id)
		if core.ErrorCode(err) == core.ENOTFOUND {
			r, err = nil, nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (p *fedProcess) countRecords(t *testing.T) int64 {
	t.Helper()
	var n int64
	p.Store.View(context.Background(), func(tx core.Tx) error { var err error; n, err = tx.CountRecords(); return err })
	return n
}

// auditCount counts entries of action with an outcome other than ok.
func (p *fedProcess) refusalsAudited(t *testing.T, action string) int {
	t.Helper()
	n := 0
	p.Store.View(context.Background(), func(tx core.Tx) error {
		es, err := tx.AuditEntries(0, 100000)
		for _, e := range es {
			if e.Action == action && e.Outcome != audit.OK {
				n++
			}
		}
		return err
	})
	return n
}

// federation is a hub on hb and nodes MA, ES and NG on SQLite, enrolled.
type fedWorld struct {
	hub, ma, es, ng *fedProcess
}

func newFedWorld(t *testing.T, hb storetest.Backend) *fedWorld {
	return newFedWorldTLS(t, hb, nil)
}

// forEachFedWorld runs test in a fresh fedWorld for each backend the hub
// can be on, as subtest hub_on_<backend>.
func forEachFedWorld(t *testing.T, test func(t *testing.T, w *fedWorld)) {
	t.Helper()
	for _, hb := range storetest.Backends(t) {
		t.Run("hub_on_"+hb.Name, func(t *testing.T) { test(t, newFedWorld(t, hb)) })
	}
}

// newFedWorldTLS is newFedWorld over mutual TLS when pki is set.
func newFedWorldTLS(t *testing.T, hb storetest.Backend, pki *fedPKI) *fedWorld {
	t.Helper()
	sqlite := storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite}
	w := &fedWorld{hub: newFedProcess(t, hb, core.FedRoleHub, members.Secretariat, pki)}
	admin := w.hub.user(t, members.Secretariat, core.RoleAdmin)
	for _, c := range []struct {
		bureau string
		p      **fedProcess
	}{{"MA", &w.ma}, {"ES", &w.es}, {"NG", &w.ng}} {
		*c.p = newFedProcess(t, sqlite, core.FedRoleNode, c.bureau, pki)
		r := w.hub.do(t, "POST", "/api/v1/federation/enrolment-tokens", map[string]any{"bureau": c.bureau, "ttl_hours": 1}, admin)
		if r.Status != http.StatusCreated {
			t.Fatalf("issue token: %s", r)
		}
		var tok federation.IssuedToken
		r.decode(t, &tok)
		if err := (*c.p).fed.EnrolWithHub(context.Background(), w.hub.URL, tok.Token, (*c.p).URL, true); err != nil {
			t.Fatalf("enrol %s: %v", c.bureau, err)
		}
	}
	return w
}

// wantHTTP2 checks that every request between the processes was HTTP/2
// (h2c over cleartext, negotiated over TLS).
func (w *fedWorld) wantHTTP2(t *testing.T) {
	t.Helper()
	n := 0
	for _, p := range []*fedProcess{w.hub, w.ma, w.es, w.ng} {
		p.mu.Lock()
		for _, proto := range p.protos {
			n++
			if proto != "HTTP/2.0" {
				t.Errorf("a federation request over %s", proto)
			}
		}
		p.mu.Unlock()
	}
	if n == 0 {
		t.Error("no request between the processes was seen")
	}
}

// settle moves every message until nothing is left to move.
func (w *fedWorld) settle(t *testing.T) {
	t.Helper()
	for range 3 {
		for _, p := range []*fedProcess{w.ma, w.es, w.ng, w.hub} {
			p.step(t)
		}
	}
}

func TestFederationScenario(t *testing.T) {
	for _, hb := range storetest.Backends(t) {
		t.Run("hub_on_"+hb.Name, func(t *testing.T) {
			w := federationScenario(t, hb, nil)
			w.wantHTTP2(t)
		})
	}
}

func federationScenario(t *testing.T, hb storetest.Backend, pki *fedPKI) *fedWorld {
	w := newFedWorldTLS(t, hb, pki)
	hub, ma, es, ng := w.hub, w.ma, w.es, w.ng

	// Enrolment is for administrators of the hub only, and a token is
	// for one bureau, once.
	maAdmin := hub.user(t, "MA", core.RoleAdmin)
	wantProblem(t, hub.do(t, "POST", "/api/v1/federation/enrolment-tokens", map[string]any{"bureau": "MA"}, maAdmin), 403, "forbidden", "")
	ipsgAdmin := hub.user(t, members.Secretariat, core.RoleAdmin)
	var tok federation.IssuedToken
	hub.do(t, "POST", "/api/v1/federation/enrolment-tokens", map[string]any{"bureau": "NG"}, ipsgAdmin).decode(t, &tok)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	claim := federation.EnrolRequest{Token: tok.Token, Bureau: "ES", PublicKey: federation.PublicOf(otherKey), URL: "http://127.0.0.1:1"}
	wantProblem(t, hub.do(t, "POST", federation.PathEnrol, claim, nil), 403, "forbidden", "")
	claim.Bureau = "NG"
	claim.Token = tok.Token[:len(tok.Token)-1] + "0"
	if tok.Token[len(tok.Token)-1] == '0' {
		claim.Token = tok.Token[:len(tok.Token)-1] + "1"
	}
	wantProblem(t, hub.do(t, "POST", federation.PathEnrol, claim, nil), 401, "unauthorized", "")

	// MA requests a Red Notice at its node, restricted to ES and FR.
	maOfficer := ma.user(t, "MA", core.RoleOfficer)
	r := ma.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red"),
		"releasability": map[string]any{"mode": "only", "countries": []string{"ES", "FR"}}, "caveats": []string{core.CaveatDangerous}}, maOfficer)
	if r.Status != http.StatusCreated {
		t.Fatalf("create at MA: %s", r)
	}
	var n struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	r.decode(t, &n)
	if r := ma.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, maOfficer); r.Status != http.StatusOK {
		t.Fatalf("submit at MA: %s", r)
	}
	w.settle(t)

	// It is in the hub's review queue.
	reviewer := hub.user(t, members.Secretariat, core.RoleReviewer)
	r = hub.do(t, "GET", "/api/v1/reviews", nil, reviewer)
	if !strings.Contains(string(r.Body), n.ID) {
		t.Fatalf("the request is not in the hub's review queue: %s", r)
	}
	hn := hub.record(t, n.ID)
	if hn == nil || hn.Owner != "MA" || hn.Status != core.StatusPending {
		t.Fatalf("hub copy: %+v", hn)
	}
	if r := hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish", "version": hn.Version}, reviewer); r.Status != http.StatusOK {
		t.Fatalf("publish at the hub: %s", r)
	}
	w.settle(t)

	// ES has it, active, with its releasability and caveats; NG never
	// received it; MA's own copy is published with its public number.
	if er := es.record(t, n.ID); er == nil || er.Status != core.StatusActive || er.Releasability.Mode != core.ReleaseOnly || len(er.Caveats) != 1 {
		t.Fatalf("ES copy: %+v", er)
	}
	if ng.record(t, n.ID) != nil {
		t.Fatal("NG's node received a notice not released to NG")
	}
	for _, m := range ng.received() {
		if strings.Contains(string(m), n.ID) {
			t.Fatal("a message about the notice reached NG's node")
		}
	}
	if mr := ma.record(t, n.ID); mr == nil || mr.Status != core.StatusActive {
		t.Fatalf("MA copy after publication: %+v", mr)
	}

	// ES screens a Latin spelling at its border and gets the hit.
	esBorder := es.key(t, "ES", core.PermScreen)
	var ans struct {
		Hits []struct {
			Restricted bool   `json:"restricted"`
			RecordID   string `json:"record_id"`
			Owner      string `json:"owner"`
		} `json:"hits"`
	}
	es.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdelatif Kharoubi", "date_of_birth": "1966-01-01"}, esBorder).decode(t, &ans)
	if len(ans.Hits) == 0 || ans.Hits[0].RecordID != n.ID || ans.Hits[0].Restricted {
		t.Fatalf("ES screening: %+v", ans)
	}
	// NG, screening at its own node, finds nothing there (the notice was
	// never sent); at the hub it is told only "possible hit — contact MA".
	ngBorder := hub.key(t, "NG", core.PermScreen)
	ans.Hits = nil
	hub.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdelatif Kharoubi", "date_of_birth": "1966-01-01"}, ngBorder).decode(t, &ans)
	if len(ans.Hits) == 0 || !ans.Hits[0].Restricted || ans.Hits[0].RecordID != "" || ans.Hits[0].Owner != "MA" {
		t.Fatalf("NG screening at the hub: %+v", ans)
	}
	// FR has no node: it screens at the hub and sees the record.
	frBorder := hub.key(t, "FR", core.PermScreen)
	ans.Hits = nil
	hub.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdelatif Kharoubi"}, frBorder).decode(t, &ans)
	if len(ans.Hits) == 0 || ans.Hits[0].Restricted || ans.Hits[0].RecordID != n.ID {
		t.Fatalf("FR screening at the hub: %+v", ans)
	}

	// MA's node hears of every hit on its notice: ES's at ES's node, NG's
	// and FR's at the hub.
	w.settle(t)
	var maHits struct {
		Items []core.Hit `json:"items"`
	}
	ma.do(t, "GET", "/api/v1/hits?side=owner", nil, maOfficer).decode(t, &maHits)
	searchers := map[string]bool{}
	for _, h := range maHits.Items {
		if h.RecordID == n.ID && h.Owner == "MA" {
			searchers[h.Searcher] = true
		}
	}
	if !searchers["ES"] || !searchers["NG"] || !searchers["FR"] {
		t.Fatalf("MA's node heard of hits by %v, want ES, NG and FR: %+v", searchers, maHits.Items)
	}
	// ES's own hit is the one ES's node made: same id and reference at MA.
	var esHits struct {
		Items []core.Hit `json:"items"`
	}
	es.do(t, "GET", "/api/v1/hits", nil, es.user(t, "ES", core.RoleOfficer)).decode(t, &esHits)
	found := false
	for _, eh := range esHits.Items {
		for _, mh := range maHits.Items {
			if eh.ID == mh.ID && eh.Reference == mh.Reference {
				found = true
			}
		}
	}
	if !found {
		t.Fatalf("ES's hit did not reach MA as itself: ES %+v", esHits.Items)
	}

	// Operators see each peer's state.
	r = hub.do(t, "GET", "/api/v1/federation/peers", nil, ipsgAdmin)
	var peers struct {
		Items []federation.PeerState `json:"items"`
	}
	r.decode(t, &peers)
	if len(peers.Items) != 3 {
		t.Fatalf("peers: %s", r)
	}
	for _, p := range peers.Items {
		if p.LastContact == nil || p.Pending != 0 {
			t.Fatalf("peer %s: %+v", p.ID, p)
		}
	}
	wantProblem(t, hub.do(t, "GET", "/api/v1/federation/peers", nil, maAdmin), 403, "forbidden", "")

	// MA cancels at its node: the hub cancels it, ES's copy ends and
	// leaves screening there.
	if r := ma.do(t, "POST", "/api/v1/notices/"+n.ID+"/cancel", map[string]any{"reason": "arrested in Rabat"}, maOfficer); r.Status != http.StatusOK {
		t.Fatalf("cancel at MA: %s", r)
	}
	w.settle(t)
	if hr := hub.record(t, n.ID); hr.Status != core.StatusCancelled {
		t.Fatalf("hub after MA's cancellation: %s", hr.Status)
	}
	if er := es.record(t, n.ID); er.Status != core.StatusCancelled || string(er.Data) != "{}" {
		t.Fatalf("ES after MA's cancellation: %s %s", er.Status, er.Data)
	}
	ans.Hits = nil
	es.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdelatif Kharoubi", "date_of_birth": "1966-01-01"}, esBorder).decode(t, &ans)
	for _, h := range ans.Hits {
		if h.RecordID == n.ID {
			t.Fatal("ES still screens the cancelled notice")
		}
	}
	return w
}

// TestFederationPartition: ES's node is unreachable while notices are
// published, changed, narrowed and cancelled at the hub; when it comes
// back it converges to exactly the hub's state for what is released to
// it, in order.
func TestFederationPartition(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, es := w.hub, w.es
		officer := hub.user(t, "MA", core.RoleOfficer) // MA also works at the hub directly
		reviewer := hub.user(t, members.Secretariat, core.RoleReviewer)
		admin := hub.user(t, members.Secretariat, core.RoleAdmin)
		publish := func(rel map[string]any) string {
			var n struct {
				ID      string `json:"id"`
				Version int64  `json:"version"`
			}
			hub.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red"), "releasability": rel}, officer).decode(t, &n)
			hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, officer)
			r := hub.record(t, n.ID)
			if r := hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish", "version": r.Version}, reviewer); r.Status != 200 {
				t.Fatalf("publish: %s", r)
			}
			return n.ID
		}
		change := func(id string, body map[string]any) {
			body["version"] = hub.record(t, id).Version
			if r := hub.do(t, "PUT", "/api/v1/notices/"+id, body, officer); r.Status != 200 {
				t.Fatalf("change: %s", r)
			}
		}
		cancel := func(id string) {
			if r := hub.do(t, "POST", "/api/v1/notices/"+id+"/cancel", map[string]any{"reason": "arrested"}, officer); r.Status != 200 {
				t.Fatalf("cancel: %s", r)
			}
		}
		before := publish(map[string]any{"mode": "all"})
		w.settle(t)

		es.down.Store(true)
		all := publish(map[string]any{"mode": "all"})
		data := validData("red")
		data["description"] = "scar on the left hand"
		change(all, map[string]any{"data": data, "reason": "new description"})
		ended := publish(map[string]any{"mode": "only", "countries": []string{"ES"}})
		cancel(ended)
		narrowed := publish(map[string]any{"mode": "only", "countries": []string{"ES", "FR"}})
		change(narrowed, map[string]any{"releasability": map[string]any{"mode": "only", "countries": []string{"FR"}}, "reason": "FR only"})
		change(before, map[string]any{"releasability": map[string]any{"mode": "except", "countries": []string{"ES"}}, "reason": "not ES"})
		notForES := publish(map[string]any{"mode": "only", "countries": []string{"FR"}})
		w.settle(t)

		// The hub shows the lag.
		var peers struct {
			Items []federation.PeerState `json:"items"`
		}
		hub.do(t, "GET", "/api/v1/federation/peers", nil, admin).decode(t, &peers)
		for _, p := range peers.Items {
			if p.ID == "ES" && (p.Pending == 0 || p.OldestSince == nil) {
				t.Fatalf("ES's lag is not shown: %+v", p)
			}
		}
		metricsKey := hub.key(t, members.Secretariat, core.PermAdmin)
		if r := hub.do(t, "GET", "/metrics", nil, metricsKey); !strings.Contains(string(r.Body), `manara_federation_peer_pending_messages{peer="ES"}`) {
			t.Fatalf("/metrics has no federation lag for ES: %s", r)
		}

		es.down.Store(false)
		for range 5 {
			time.Sleep(5 * time.Millisecond) // past the backoff
			w.settle(t)
		}
		// Converged: what the hub releases to ES, ES has, as the hub has
		// it; what it does not, ES has not (or has ended, without data).
		esView := access.FederationPeer("ES")
		for _, id := range []string{before, all, ended, narrowed, notForES} {
			h, e := hub.record(t, id), es.record(t, id)
			if access.CanSee(esView, h) {
				if e == nil || e.Status != h.Status || !sameJSON(e.Data, h.Data) || e.Releasability.Mode != h.Releasability.Mode {
					t.Errorf("%s: ES has %+v, the hub %+v", id, e, h)
				}
				continue
			}
			if e != nil && (e.Status == core.StatusActive || !sameJSON(e.Data, []byte("{}"))) {
				t.Errorf("%s: no longer released to ES, yet ES holds %s %s", id, e.Status, e.Data)
			}
			// Nor is ES told where the notice goes now (FR alone, or
			// everyone but ES).
			if e != nil && (e.Releasability.Mode != core.ReleaseOnly || slices.Contains(e.Releasability.Countries, "FR")) {
				t.Errorf("%s: withdrawn from ES, yet ES is told it is released %+v", id, e.Releasability)
			}
		}
		// What the review says (who, why) stays at the hub: ES's node
		// holds the workflow without it.
		for _, id := range []string{all, before} {
			if err := es.Store.View(context.Background(), func(tx core.Tx) error {
				n, err := tx.GetNotice(id)
				if err != nil {
					return err
				}
				if n.Reviewer != "" || n.Reason != "" || n.ReasonCategory != "" {
					t.Errorf("%s: ES's node holds the review: %q %q %q", id, n.Reviewer, n.ReasonCategory, n.Reason)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if hubReviewer := func() string {
			var who string
			hub.Store.View(context.Background(), func(tx core.Tx) error {
				n, err := tx.GetNotice(all)
				if err == nil {
					who = n.Reviewer
				}
				return err
			})
			return who
		}(); hubReviewer == "" {
			t.Fatal("the hub's notice names no reviewer: nothing to keep from ES")
		}
		if es.record(t, notForES) != nil {
			t.Error("ES received a notice never released to it")
		}
		// Nothing left to send, and a second catch-up changes nothing.
		n := es.countRecords(t)
		w.settle(t)
		if es.countRecords(t) != n {
			t.Fatal("settling again changed ES")
		}
	})
}

// sameJSON compares two JSON values, whatever their layout (PostgreSQL
// keeps data as jsonb, which reorders keys).
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// TestFederationHostile: bundles that must be refused — each refused and
// audited, and nothing of it stored.
func TestFederationHostile(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma, es, ng := w.hub, w.ma, w.es, w.ng
		officer := hub.user(t, "MA", core.RoleOfficer)
		reviewer := hub.user(t, members.Secretariat, core.RoleReviewer)
		var n struct {
			ID      string `json:"id"`
			Version int64  `json:"version"`
		}
		hub.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red"), "releasability": map[string]any{"mode": "all"}}, officer).decode(t, &n)
		hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, officer)
		hub.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish", "version": hub.record(t, n.ID).Version}, reviewer)
		w.settle(t)
		if es.record(t, n.ID) == nil || len(es.received()) == 0 || len(ng.received()) == 0 {
			t.Fatal("setup: the notice did not reach ES and NG")
		}
		esRecords, hubRecords := es.countRecords(t), hub.countRecords(t)
		audited := func(p *fedProcess, before int, what string) int {
			t.Helper()
			after := p.refusalsAudited(t, "federation.receive")
			if after <= before {
				t.Fatalf("%s: not audited", what)
			}
			return after
		}
		esAudit, hubAudit := es.refusalsAudited(t, "federation.receive"), hub.refusalsAudited(t, "federation.receive")

		// A forged signature: a bundle "from the hub" signed by another key.
		_, mallory, _ := ed25519.GenerateKey(rand.Reader)
		rec := *hub.record(t, n.ID)
		rec.Data = json.RawMessage(`{"family_name":"Forged"}`)
		nt := core.Notice{ID: n.ID, Type: "red", State: core.NoticePublished}
		forge := func(key ed25519.PrivateKey, origin, to string, seq int64, typ string, r core.Record, rel *core.Releasability) []byte {
			payload, _ := json.Marshal(map[string]any{"record": r, "notice": nt})
			raw, err := federation.Seal(&federation.Bundle{Origin: origin, To: to, MessageID: "m-" + typ + "-" + to, Seq: seq, Type: typ, ObjectID: r.ID,
				ObjectVersion: r.Version + 10, Owner: r.Owner, Releasability: rel, Caveats: r.Caveats, CreatedAt: time.Now(), Payload: payload}, key)
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}
		wantProblem(t, postEnvelope(t, es, forge(mallory, core.PeerHub, "ES", 99, federation.TypeNoticePut, rec, &rec.Releasability)), 401, "unauthorized", "")
		esAudit = audited(es, esAudit, "forged signature")

		// A replayed message: changes nothing.
		if rc := signedReceipt(t, postEnvelope(t, es, es.received()[0]), es); rc.Outcome != federation.OutcomeDuplicate {
			t.Fatalf("replay: %+v", rc)
		}
		esAudit = audited(es, esAudit, "replay")

		// A message for another country, genuinely signed by the hub.
		if rc := signedReceipt(t, postEnvelope(t, es, ng.received()[0]), es); rc.Outcome != federation.OutcomeRefused || !strings.Contains(rc.Reason, "NG") {
			t.Fatalf("message for NG at ES: %+v", rc)
		}
		esAudit = audited(es, esAudit, "another country's message")

		// The hub (or whoever holds its key) sends ES a notice released
		// only to FR: ES re-checks and refuses it.
		var esPeer *core.Peer
		es.Store.View(context.Background(), func(tx core.Tx) error { var err error; esPeer, err = tx.GetPeer(core.PeerHub, false); return err })
		secret := rec
		secret.ID = "01a00000-0000-7000-8000-000000000001"
		secret.Releasability = core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}
		nt.ID = secret.ID
		rc := signedReceipt(t, postEnvelope(t, es, forge(hub.fed.Key, core.PeerHub, "ES", esPeer.RecvSeq+1, federation.TypeNoticePut, secret, &secret.Releasability)), es)
		if rc.Outcome != federation.OutcomeRefused || !strings.Contains(rc.Reason, "not released to ES") {
			t.Fatalf("notice for FR only at ES: %+v", rc)
		}
		esAudit = audited(es, esAudit, "not released")
		// The same with the bundle claiming "all" over a record for FR only.
		all := core.Releasability{Mode: core.ReleaseAll}
		rc = signedReceipt(t, postEnvelope(t, es, forge(hub.fed.Key, core.PeerHub, "ES", esPeer.RecvSeq+2, federation.TypeNoticePut, secret, &all)), es)
		if rc.Outcome != federation.OutcomeRefused {
			t.Fatalf("bundle releasability differing from the record's: %+v", rc)
		}
		esAudit = audited(es, esAudit, "releasability mismatch")

		// Releasability stripped on the way: refused before anything else.
		wantProblem(t, postEnvelope(t, es, withoutReleasability(es.received()[0], nil)), 422, "invalid", "releasability")
		audited(es, esAudit, "stripped releasability")

		// MA's node claims another bureau: with its own key, for ES's
		// notice; and with its own key, as ES.
		maKey := ma.fed.Key
		esRec := rec
		esRec.ID, esRec.Owner = "01a00000-0000-7000-8000-000000000002", "ES"
		nt.ID = esRec.ID
		rc = signedReceipt(t, postEnvelope(t, hub, forge(maKey, "MA", core.PeerHub, 1, federation.TypeNoticeRequest, esRec, &esRec.Releasability)), hub)
		if rc.Outcome != federation.OutcomeRefused || !strings.Contains(rc.Reason, "only its own bureau") {
			t.Fatalf("MA sending ES's notice: %+v", rc)
		}
		hubAudit = audited(hub, hubAudit, "claiming another bureau's notice")
		wantProblem(t, postEnvelope(t, hub, forge(maKey, "ES", core.PeerHub, 1, federation.TypeNoticeRequest, esRec, &esRec.Releasability)), 401, "unauthorized", "")
		hubAudit = audited(hub, hubAudit, "claiming to be ES")

		// MA's node reports a hit it claims ES made: refused.
		fakeHit := core.Hit{ID: "01a00000-0000-7000-8000-000000000003", Reference: "H-FAKE", RecordID: n.ID, Owner: "MA", Searcher: "ES", Type: "person"}
		hp, _ := json.Marshal(map[string]any{"hit": fakeHit})
		hrel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"MA", "ES"}}
		hb, _ := federation.Seal(&federation.Bundle{Origin: "MA", To: core.PeerHub, MessageID: "fake-hit", Seq: 2, Type: federation.TypeHitReport,
			ObjectID: fakeHit.ID, ObjectVersion: 1, Owner: "MA", Releasability: &hrel, CreatedAt: time.Now(), Payload: hp}, maKey)
		rc = signedReceipt(t, postEnvelope(t, hub, hb), hub)
		if rc.Outcome != federation.OutcomeRefused || !strings.Contains(rc.Reason, "own screenings") {
			t.Fatalf("a hit reported for another searcher: %+v", rc)
		}
		hubAudit = audited(hub, hubAudit, "hit for another searcher")
		var hubHit error
		hub.Store.View(context.Background(), func(tx core.Tx) error { _, hubHit = tx.GetHit(fakeHit.ID); return nil })
		if core.ErrorCode(hubHit) != core.ENOTFOUND {
			t.Fatalf("the forged hit was stored: %v", hubHit)
		}

		// Nothing stored: no record came of any of it.
		if es.countRecords(t) != esRecords || hub.countRecords(t) != hubRecords {
			t.Fatalf("records stored: ES %d → %d, hub %d → %d", esRecords, es.countRecords(t), hubRecords, hub.countRecords(t))
		}
		if r := es.record(t, n.ID); strings.Contains(string(r.Data), "Forged") {
			t.Fatal("the forged data reached ES's store")
		}
		for _, id := range []string{secret.ID, esRec.ID} {
			if es.record(t, id) != nil || hub.record(t, id) != nil {
				t.Fatalf("%s stored", id)
			}
		}
		// The refusals are listed for the operators, with reasons.
		var peers struct {
			Items []federation.PeerState `json:"items"`
		}
		es.do(t, "GET", "/api/v1/federation/peers", nil, es.user(t, "ES", core.RoleAdmin)).decode(t, &peers)
		if len(peers.Items) != 1 || peers.Items[0].Refused < 4 || len(peers.Items[0].Refusals) == 0 {
			t.Fatalf("ES's peers: %+v", peers.Items)
		}
		// A revoked node is heard no more.
		admin := hub.user(t, members.Secretariat, core.RoleAdmin)
		if r := hub.do(t, "POST", "/api/v1/federation/peers/MA/revoke", map[string]any{"reason": "key compromised"}, admin); r.Status != 200 {
			t.Fatalf("revoke: %s", r)
		}
		wantProblem(t, postEnvelope(t, hub, forge(maKey, "MA", core.PeerHub, 1, federation.TypeNoticeRequest, rec, &rec.Releasability)), 401, "unauthorized", "")
	})
}

// TestFederationHitNoHit: MA's node offers its national records for
// remote screening without sending them anywhere. ES, screening at its
// own node, is told "hit — reference, contact MA" and nothing of the
// record; MA hears of the hit as of a local restricted one; a node that
// does not answer is "not checked", never "no hit".
func TestFederationHitNoHit(t *testing.T) {
	forEachFedWorld(t, func(t *testing.T, w *fedWorld) {
		hub, ma, es := w.hub, w.ma, w.es
		maOfficer := ma.user(t, "MA", core.RoleOfficer)
		person := map[string]any{"kind": "person", "releasability": map[string]any{"mode": "only", "countries": []string{"MA"}},
			"data": map[string]any{"family_name": "Zerhouni", "given_names": "Hamid Lahcen", "name_original": "حميد لحسن الزرهوني",
				"date_of_birth": "1979-03-12", "nationalities": []string{"MA"}}}
		var rec core.Record
		if r := ma.do(t, "POST", "/api/v1/records", person, maOfficer); r.Status != http.StatusCreated {
			t.Fatalf("create at MA: %s", r)
		} else {
			r.decode(t, &rec)
		}
		w.settle(t)
		if hub.record(t, rec.ID) != nil || es.record(t, rec.ID) != nil {
			t.Fatal("a national record left MA's node")
		}

		esBorder := es.key(t, "ES", core.PermScreen)
		var ans struct {
			Hits   []map[string]any          `json:"hits"`
			Remote []federation.RemoteAnswer `json:"remote"`
		}
		r := es.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Hamid Zarhouni", "date_of_birth": "1979-03-12"}, esBorder)
		r.decode(t, &ans)
		byNode := map[string]federation.RemoteAnswer{}
		for _, a := range ans.Remote {
			byNode[a.Node] = a
		}
		got := byNode["MA"]
		if got.Outcome != federation.RemoteHit || len(got.Hits) != 1 || got.Hits[0].Contact != "MA" || got.Hits[0].Reference == "" {
			t.Fatalf("MA's answer: %+v (all: %s)", got, r.Body)
		}
		if byNode["NG"].Outcome != federation.RemoteNoHit || byNode["hub"].Outcome != federation.RemoteNoHit {
			t.Fatalf("NG and the hub: %+v", ans.Remote)
		}
		for _, leak := range []string{rec.ID, "Zerhouni", "1979", "حميد"} {
			if strings.Contains(string(r.Body), leak) {
				t.Fatalf("the answer tells %q of MA's record: %s", leak, r.Body)
			}
		}
		// MA's node recorded the hit for its owner, with ES as searcher.
		var hitsPage struct {
			Items []core.Hit `json:"items"`
		}
		ma.do(t, "GET", "/api/v1/hits", nil, maOfficer).decode(t, &hitsPage)
		if len(hitsPage.Items) != 1 || hitsPage.Items[0].Searcher != "ES" || hitsPage.Items[0].RecordID != rec.ID || hitsPage.Items[0].Reference != got.Hits[0].Reference {
			t.Fatalf("MA's hits: %+v", hitsPage.Items)
		}

		// MA's node unreachable: not checked.
		ma.down.Store(true)
		ans.Remote = nil
		es.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Hamid Zarhouni"}, esBorder).decode(t, &ans)
		for _, a := range ans.Remote {
			if a.Node == "MA" && a.Outcome != federation.RemoteNotChecked {
				t.Fatalf("unreachable MA answered %+v", a)
			}
		}
		if len(ans.Remote) != 3 {
			t.Fatalf("answers: %+v", ans.Remote)
		}
		ma.down.Store(false)

		// A replayed query is refused.
		var sent []byte
		for _, m := range ma.received() {
			if strings.Contains(string(m), federation.TypeScreenQuery) {
				sent = m
			}
		}
		if sent == nil {
			t.Fatal("no query reached MA")
		}
		if r := ma.do(t, "POST", federation.PathInbox, sent, nil); r.Status != http.StatusConflict {
			t.Fatalf("replayed query: %s", r)
		}
	})
}
