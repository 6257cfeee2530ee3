package bench

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/store/sqlite"
	"github.com/manara-hub/manara/internal/web/api"
)

// fedBenchNodes are the national nodes of the federation suite.
var fedBenchNodes = []string{"MA", "ES", "FR", "DE", "IT", "PT", "TN", "SN", "NG", "EG"}

// fedProc is one process of the measured federation: a real HTTP server
// on loopback over its own SQLite store.
type fedProc struct {
	srv *api.Server
	fed *federation.Service
	hs  *httptest.Server
	st  interface{ Close() error }

	mu      sync.Mutex
	arrived map[string]time.Time // record id → when this node applied it
	// down makes the process unreachable: every request answers 503.
	down atomic.Bool
}

func newFedProc(dir, role, bureau string) (*fedProc, error) {
	st, err := sqlite.Open(dir)
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		return nil, err
	}
	rs := records.New(st)
	idx := screen.New()
	seq, err := idx.Load(context.Background(), st, nil)
	if err != nil {
		return nil, err
	}
	rs.Changed = idx.Follower(st, seq)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := api.New(st, auth.NewService(st), rs, quiet, api.Config{Version: "bench"})
	srv.Screen = idx
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	p := &fedProc{srv: srv, st: st, arrived: map[string]time.Time{}}
	f := federation.New(st, role, bureau, key, quiet)
	f.BaseBackoff, f.MaxBackoff = 5*time.Millisecond, 20*time.Millisecond
	f.Screener = srv
	srv.Federation = f
	p.fed = f
	h := srv.Handler()
	p.hs = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	p.hs.Config.Protocols = federation.Protocols() // as manara serve: peers speak HTTP/2 (h2c here)
	p.hs.Start()
	return p, nil
}

func (p *fedProc) close() {
	p.hs.Close()
	p.srv.Close()
	p.st.Close()
}

// federationSuite measures a hub and ten nodes, each a server on
// loopback over its own SQLite store, in this one process: the delay of
// a notice from its publication at the hub to its application at each
// node, the messages per second through the hub, a node's catch-up after
// being offline, and a remote hit/no-hit query's latency.
func federationSuite(ctx context.Context, o Options) ([]Row, error) {
	dir, err := os.MkdirTemp("", "manara-bench-federation-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	hub, err := newFedProc(filepath.Join(dir, "hub"), core.FedRoleHub, members.Secretariat)
	if err != nil {
		return nil, err
	}
	defer hub.close()
	nodes := map[string]*fedProc{}
	for _, b := range fedBenchNodes {
		n, err := newFedProc(filepath.Join(dir, b), core.FedRoleNode, b)
		if err != nil {
			return nil, err
		}
		defer n.close()
		nodes[b] = n
		tok, err := hub.fed.IssueToken(ctx, core.Viewer{System: true}, federation.TokenRequest{Bureau: b, TTL: time.Hour})
		if err != nil {
			return nil, err
		}
		if err := n.fed.EnrolWithHub(ctx, hub.hs.URL, tok.Token, n.hs.URL, true); err != nil {
			return nil, err
		}
	}
	var rows []Row
	add := func(metric, value, target, ok string) {
		rows = append(rows, Row{Dataset: "federation", Metric: metric, Value: value, Target: target, Met: ok})
	}
	officer := core.Viewer{Bureau: "MA", UserID: "bench", Permissions: []string{core.PermRecordsRead, core.PermRecordsWrite}}
	diffuse := func(i int) (string, time.Time, error) {
		data, _ := json.Marshal(map[string]any{"family_name": fmt.Sprintf("Benchmark%05d", i), "given_names": "Fictitious", "sex": "M",
			"date_of_birth": "1970-01-01", "nationalities": []string{"MA"}, "information_sought": "whereabouts of a fictitious subject (benchmark)"})
		at := time.Now()
		v, err := hub.srv.Notices.Create(ctx, officer, notices.Input{Type: notices.TypeBlue, Diffusion: true,
			Releasability: &core.Releasability{Mode: core.ReleaseAll}, Data: data})
		if err != nil {
			return "", at, err
		}
		return v.Notice.ID, at, nil
	}
	// Each node notes when it applied the notice waited for (the hook
	// runs after each commit that applied a message).
	var want sync.Map // the record id waited for: struct{}
	watch := func(n *fedProc) func() {
		follow := n.srv.Records.Changed
		return func() {
			follow()
			now := time.Now()
			want.Range(func(k, _ any) bool {
				id := k.(string)
				n.mu.Lock()
				_, seen := n.arrived[id]
				n.mu.Unlock()
				if seen {
					return true
				}
				n.srv.Store.View(ctx, func(tx core.Tx) error {
					if _, err := tx.GetRecord(id); err == nil {
						n.mu.Lock()
						n.arrived[id] = now
						n.mu.Unlock()
					}
					return nil
				})
				return true
			})
		}
	}
	for _, n := range nodes {
		n.fed.Changed = watch(n)
	}

	// 1. Propagation delay, one notice at a time.
	o.logf("federation: propagation hub → %d nodes", len(nodes))
	const rounds = 20
	var delays []time.Duration
	for i := range rounds {
		id, at, err := diffuse(i)
		if err != nil {
			return rows, err
		}
		want.Store(id, struct{}{})
		if err := hub.fed.Step(ctx); err != nil {
			return rows, err
		}
		want.Delete(id)
		for _, n := range nodes {
			n.mu.Lock()
			t, ok := n.arrived[id]
			n.mu.Unlock()
			if !ok {
				return rows, fmt.Errorf("a node did not receive notice %s", id)
			}
			delays = append(delays, t.Sub(at))
		}
	}
	slices.Sort(delays)
	add("propagation delay hub → 10 nodes (median / p99)", fmt.Sprintf("%s / %s", ms(delays[len(delays)/2]), ms(delays[len(delays)*99/100])),
		fmt.Sprintf("%d notices × %d nodes, one Step each", rounds, len(nodes)), "")

	for _, n := range nodes {
		n.fed.Changed = n.srv.Records.Changed
	}

	// 2. Throughput: many notices queued at once, delivered to all.
	batch := max(o.FedMessages/len(nodes), 10)
	o.logf("federation: %d notices to %d nodes", batch, len(nodes))
	for i := range batch {
		if _, _, err := diffuse(1000 + i); err != nil {
			return rows, err
		}
	}
	t0 := time.Now()
	if err := hub.fed.Step(ctx); err != nil {
		return rows, err
	}
	took := time.Since(t0)
	msgs := batch * len(nodes)
	add("messages per second through the hub (fan-out, sign, deliver, verify, apply)", fmt.Sprintf("%.0f", float64(msgs)/took.Seconds()),
		fmt.Sprintf("%d messages (%d notices × %d nodes) in %s", msgs, batch, len(nodes), took.Round(time.Millisecond)), "")

	// 3. Remote hit/no-hit over loopback: ES screens, the hub asks the
	// other nine nodes; MA holds the one record that hits.
	es := nodes["ES"]
	maOfficer := core.Viewer{Bureau: "MA", UserID: "bench", Permissions: []string{core.PermRecordsRead, core.PermRecordsWrite}}
	data, _ := json.Marshal(map[string]any{"family_name": "Zerhouni", "given_names": "Hamid Lahcen", "date_of_birth": "1979-03-12", "nationalities": []string{"MA"},
		"documents": []map[string]any{{"number": "QX4471902", "country": "MA", "type": "passport"}}})
	if _, err := nodes["MA"].srv.Records.Create(ctx, maOfficer, records.Input{Kind: core.KindPerson,
		Releasability: &core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"MA"}}, Data: data}); err != nil {
		return rows, err
	}
	border := core.Viewer{Bureau: "ES", KeyID: "bench", Permissions: []string{core.PermScreen}}
	// remote sends 100 queries from ES, the even ones for what MA holds
	// and the odd ones for what nobody does, and adds their row.
	remote := func(what string, ask func(hit bool, i int) []federation.RemoteAnswer) {
		var hitT, missT []time.Duration
		notChecked := 0
		for i := range 100 {
			t0 := time.Now()
			as := ask(i%2 == 0, i)
			d := time.Since(t0)
			for _, a := range as {
				if a.Outcome == federation.RemoteNotChecked {
					notChecked++
				}
			}
			if i%2 == 0 {
				hitT = append(hitT, d)
			} else {
				missT = append(missT, d)
			}
		}
		slices.Sort(hitT)
		slices.Sort(missT)
		add(what+", node → hub → 10 processes (median / p99)",
			fmt.Sprintf("hit %s / %s; no hit %s / %s", ms(hitT[len(hitT)/2]), ms(hitT[len(hitT)*99/100]), ms(missT[len(missT)/2]), ms(missT[len(missT)*99/100])),
			fmt.Sprintf("100 queries; %d answers not checked", notChecked), met(notChecked == 0))
	}
	remote("remote hit/no-hit", func(hit bool, i int) []federation.RemoteAnswer {
		q := federation.PersonQuery{Name: "Hamid Zarhouni"}
		if !hit {
			q.Name = fmt.Sprintf("Nobody Fictitious %d", i)
		}
		return es.fed.ScreenRemote(ctx, border, q)
	})

	// 4. The same for a travel document: an exact key, so the answering
	// processes' screening is a lookup and the round trips are the cost.
	remote("remote document hit/no-hit", func(hit bool, i int) []federation.RemoteAnswer {
		q := federation.DocumentQuery{Number: "QX4471902", Country: "MA"}
		if !hit {
			q.Number = fmt.Sprintf("ZZ%07d", i)
		}
		return es.fed.ScreenRemoteQuery(ctx, border, federation.RemoteQuery{Document: &q})
	})

	// 5. Catch-up: ES offline (unreachable) while messages queue for it,
	// then back. The other nodes are revoked first so that only ES's
	// queue grows: what is measured is one node's catch-up.
	catchN := max(o.FedCatchup, 10)
	for b := range nodes {
		if b != "ES" {
			if _, err := hub.fed.Revoke(ctx, core.Viewer{System: true}, b, "bench: only ES catches up"); err != nil {
				return rows, err
			}
		}
	}
	es.down.Store(true)
	o.logf("federation: %d notices queued for ES while it is offline", catchN)
	prep := time.Now()
	for i := range catchN {
		if _, _, err := diffuse(100000 + i); err != nil {
			return rows, err
		}
		if i%5000 == 4999 {
			if err := hub.fed.Step(ctx); err != nil { // fans out; ES's delivery fails and waits
				return rows, err
			}
			o.logf("federation: %d queued (%s)", i+1, time.Since(prep).Round(time.Second))
		}
	}
	if err := hub.fed.Step(ctx); err != nil {
		return rows, err
	}
	pending := func() int64 {
		var lag core.PeerLag
		hub.srv.Store.View(ctx, func(tx core.Tx) error { var err error; lag, err = tx.FedLag("ES"); return err })
		return lag.Pending
	}
	if n := pending(); n < int64(catchN) {
		return rows, fmt.Errorf("%d messages queued for ES, want at least %d", n, catchN)
	}
	o.logf("federation: ES back: catching up")
	es.down.Store(false)
	cpu0 := processCPU()
	t0 = time.Now()
	for pending() > 0 {
		if err := hub.fed.Step(ctx); err != nil {
			return rows, err
		}
		if ctx.Err() != nil {
			return rows, ctx.Err()
		}
		time.Sleep(time.Millisecond) // the head may wait out the backoff of ES's last failure
	}
	took = time.Since(t0)
	cpu := processCPU() - cpu0
	var got int64
	es.srv.Store.View(ctx, func(tx core.Tx) error { var err error; got, err = tx.CountRecords(); return err })
	add("catch-up of a node back from offline", fmt.Sprintf("%d messages in %s (%.0f/s; %.0f µs CPU a message, hub and node together)", catchN, took.Round(time.Millisecond),
		float64(catchN)/took.Seconds(), float64(cpu.Microseconds())/float64(catchN)),
		fmt.Sprintf("batches of up to %d; %d records at ES after; --catchup sets it (100,000 in the issue)", federation.MaxBatchMessages, got), met(got >= int64(catchN)))
	return rows, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
