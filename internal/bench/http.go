package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/web/api"
)

// rounds is how many times each HTTP pass sends its queries; the machine
// is shared, so each figure is the median round.
const rounds = 5

// httpBench is the real API over loopback TCP, on a fresh SQLite store
// holding the indexed records, so that a screening that matches records a
// real hit (a hit on a record the store does not hold is dropped, which is
// what made "every hit new" cost no more than repeats before: no hit was
// written at all).
type httpBench struct {
	o    Options
	st   core.Store
	srv  *api.Server
	ts   *httptest.Server
	aw   *audit.Writer
	addr string
	key  string
	// closeStore closes the store and removes its temporary folder.
	closeStore func()
	closed     bool
	// inHandler times each request from the handler's start to its
	// return, beside the client's whole round trip.
	inHandler handlerTimes
}

// handlerTimes are the requests' times in the server's handler during a
// round: what the screening and the API's own work take, without the
// waits for the network, the processor or the client that the client's
// latencies hold too.
type handlerTimes struct {
	on    atomic.Bool
	n     atomic.Int64
	times []time.Duration
}

func (h *handlerTimes) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		if h.on.Load() {
			if i := h.n.Add(1) - 1; i < int64(len(h.times)) {
				h.times[i] = time.Since(start)
			}
		}
	})
}

// start readies the times for a round of n requests.
func (h *handlerTimes) start(n int) {
	if cap(h.times) < n {
		h.times = make([]time.Duration, n)
	}
	h.times = h.times[:n]
	h.n.Store(0)
	h.on.Store(true)
}

// stop ends a round and returns its times, sorted (none where the
// server was not wrapped).
func (h *handlerTimes) stop() []time.Duration {
	h.on.Store(false)
	ts := h.times[:min(int(h.n.Load()), len(h.times))]
	slices.Sort(ts)
	return ts
}

func newHTTPBench(ctx context.Context, o Options, idx *screen.Index, all []entry) (*httpBench, error) {
	st, done, err := tempStore(ctx, "http")
	if err != nil {
		return nil, err
	}
	b := &httpBench{o: o, st: st, closeStore: done}
	if err := storeEntries(ctx, st, all); err != nil {
		b.close()
		return nil, err
	}
	a := auth.NewService(st)
	_, key, err := a.CreateKey(ctx, core.Viewer{System: true}, auth.NewKey{Name: "bench", Bureau: "FR", Permissions: []string{core.PermScreen}})
	if err != nil {
		b.close()
		return nil, err
	}
	b.key = key
	b.srv = api.New(st, a, records.New(st), slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{Version: "bench"})
	b.srv.Screen = idx
	b.aw = audit.NewWriter(st, nil, 10_000, 5*time.Millisecond)
	b.srv.ReadAudit = b.aw
	b.ts = httptest.NewServer(b.inHandler.wrap(b.srv.Handler()))
	b.addr = strings.TrimPrefix(b.ts.URL, "http://")
	return b, nil
}

func (b *httpBench) close() {
	if b.closed {
		return
	}
	b.closed = true
	if b.ts != nil {
		b.ts.Close()
	}
	if b.srv != nil {
		b.srv.Close()
	}
	if b.aw != nil {
		b.aw.Close()
	}
	if b.closeStore != nil {
		b.closeStore()
	}
}

// hitCounts returns the hit records in the store and the sightings they
// count, once every sighting handed to the hits service is written.
func (b *httpBench) hitCounts(ctx context.Context) (rows, sightings int, err error) {
	b.srv.Hits.Flush()
	after := ""
	for {
		var page []*core.Hit
		err = b.st.View(ctx, func(tx core.Tx) error {
			var err error
			page, err = tx.ListHits(core.HitFilter{All: true, After: after, Limit: 1000})
			return err
		})
		if err != nil {
			return 0, 0, err
		}
		for _, h := range page {
			rows++
			sightings += h.Count
		}
		if len(page) < 1000 {
			return rows, sightings, nil
		}
		after = page[len(page)-1].ID
	}
}

// pass is one measured series of rounds.
type pass struct {
	conc     int
	external bool
	kind     string // "miss", "repeat", "new"; and the floor's "empty", "bare"
	queries  []query
}

func (p pass) label() string {
	client := "in-process client"
	if p.external {
		client = "external client"
	}
	what := map[string]string{"miss": "misses", "repeat": "repeat hits", "new": "every hit new",
		"empty": "misses on an empty index", "bare": "a bare net/http server's fixed answer"}[p.kind]
	return fmt.Sprintf("%s, concurrency %d, %s", client, p.conc, what)
}

type roundResult struct {
	qps           float64
	p50, p99, max time.Duration
	// inP50, inP99: the same requests' times in the server's handler.
	inP50, inP99 time.Duration
	// With the external client: the CPU each request cost the server (this
	// process, which holds it) and the client (the other process).
	serverCPU, clientCPU time.Duration
}

// sent is what one round of requests measured.
type sent struct {
	lat       []time.Duration
	wall      time.Duration
	failed    int
	clientCPU time.Duration // the external client's, 0 in process
}

// bodies builds the request bodies of a round. For new hits each request
// screens at its own border post, so that no two requests of the whole run
// share a hit (a hit's key is searcher, record, query and place).
func bodies(qs []query, place func(i int) string) [][]byte {
	out := make([][]byte, len(qs))
	for i, q := range qs {
		m := map[string]any{"name": q.name, "limit": 10}
		if p := place(i); p != "" {
			m["context"] = map[string]string{"border_post": p}
		}
		out[i], _ = json.Marshal(m)
	}
	return out
}

func noPlace(int) string { return "" }

// measure runs a pass: rounds of its queries, each round's bodies fresh
// for new hits. With o.ProfileDir, the server's CPU is profiled over the
// measured rounds (the external client is another process, so the profile
// is the server's alone).
func (b *httpBench) measure(ctx context.Context, p pass, seq int) ([]roundResult, error) {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ReplaceAll(p.label(), ", ", "-"))
	if b.o.ProfileDir != "" {
		f, err := os.Create(filepath.Join(b.o.ProfileDir, fmt.Sprintf("cpu-%02d-%s.pprof", seq, name)))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if b.o.TraceDir != "" {
		f, err := os.Create(filepath.Join(b.o.TraceDir, fmt.Sprintf("trace-%02d-%s.out", seq, name)))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return nil, fmt.Errorf("trace %s: %w", p.label(), err)
		}
		defer trace.Stop()
	}
	var rs []roundResult
	for r := range rounds {
		bs := bodies(p.queries, noPlace)
		if p.kind == "new" {
			bs = bodies(p.queries, func(i int) string { return fmt.Sprintf("bench %d round %d request %d", seq, r, i) })
		}
		cpu0 := processCPU()
		b.inHandler.start(len(bs))
		res, err := b.send(ctx, p, bs)
		inHandler := b.inHandler.stop()
		if err != nil {
			return nil, err
		}
		cpu := processCPU() - cpu0
		if res.failed > 0 {
			return nil, fmt.Errorf("%s: %d requests failed", p.label(), res.failed)
		}
		lat := res.lat
		slices.Sort(lat)
		q := func(x float64) time.Duration { return lat[int(x*float64(len(lat)-1))] }
		rr := roundResult{qps: float64(len(lat)) / res.wall.Seconds(), p50: q(0.5), p99: q(0.99), max: lat[len(lat)-1]}
		if len(inHandler) > 0 {
			rr.inP50, rr.inP99 = inHandler[len(inHandler)/2], inHandler[(len(inHandler)-1)*99/100]
		}
		if p.external {
			n := time.Duration(len(lat))
			rr.serverCPU, rr.clientCPU = cpu/n, res.clientCPU/n
		}
		rs = append(rs, rr)
	}
	return rs, nil
}

func (b *httpBench) send(ctx context.Context, p pass, bs [][]byte) (sent, error) {
	if p.external {
		return b.external(ctx, bs, p.conc)
	}
	return run(b.addr, b.key, bs, p.conc), nil
}

func median(rs []roundResult, f func(roundResult) float64) float64 {
	vs := make([]float64, len(rs))
	for i, r := range rs {
		vs[i] = f(r)
	}
	slices.Sort(vs)
	return vs[len(vs)/2]
}

// summary is a pass: the median of its rounds, each figure apart.
type summary struct {
	p                    pass
	qps                  float64
	p50, p99             time.Duration
	inP50, inP99         time.Duration
	serverCPU, clientCPU time.Duration
}

// summarize takes the medians of a pass's rounds and logs them.
func summarize(o Options, p pass, rs []roundResult) summary {
	d := func(f func(roundResult) time.Duration) time.Duration {
		return time.Duration(median(rs, func(r roundResult) float64 { return float64(f(r)) }))
	}
	s := summary{p: p, qps: median(rs, func(r roundResult) float64 { return r.qps }),
		p50: d(func(r roundResult) time.Duration { return r.p50 }), p99: d(func(r roundResult) time.Duration { return r.p99 }),
		inP50: d(func(r roundResult) time.Duration { return r.inP50 }), inP99: d(func(r roundResult) time.Duration { return r.inP99 }),
		serverCPU: d(func(r roundResult) time.Duration { return r.serverCPU }), clientCPU: d(func(r roundResult) time.Duration { return r.clientCPU })}
	var each []string
	for _, r := range rs {
		each = append(each, fmt.Sprintf("%.0f", r.qps))
	}
	o.logf("HTTP %s: median %.0f req/s (rounds %s), p99 %v", p.label(), s.qps, strings.Join(each, ", "), s.p99)
	return s
}

// rows are a pass's rows: throughput, p50 and p99, and with the external
// client the CPU a request cost each side. at is what the pass was
// measured at (the threshold); targets are the throughput's target and
// whether it is met, then the p99's.
func (s summary) rows(ds, at string, targets [4]string) []Row {
	what := s.p.label() + " (" + at
	rows := []Row{
		{ds, fmt.Sprintf("HTTP throughput, %s; median of %d rounds)", what, rounds), fmt.Sprintf("%.0f req/s", s.qps), targets[0], targets[1]},
		{ds, fmt.Sprintf("HTTP p50 / p99, %s)", what), s.p50.Round(time.Microsecond).String() + " / " + s.p99.Round(time.Microsecond).String(), targets[2], targets[3]},
	}
	if s.p.external && s.inP99 > 0 {
		// The rest of the client's latency is spent outside the handler:
		// reading the request and writing the answer, and waiting for a
		// processor (the other requests', the collector's, the audit
		// writer's, the client's) or for the client to read.
		rows = append(rows, Row{ds, fmt.Sprintf("p50 / p99 of the same requests inside the server's handler, %s)", what),
			s.inP50.Round(time.Microsecond).String() + " / " + s.inP99.Round(time.Microsecond).String(), "", ""})
	}
	if s.p.external {
		rows = append(rows, Row{ds, fmt.Sprintf("CPU per request, server / client process, %s; median of %d rounds)", what, rounds),
			fmt.Sprintf("%d µs / %d µs", s.serverCPU.Microseconds(), s.clientCPU.Microseconds()), "", ""})
	}
	return rows
}

// httpRows measures the API on the sdn.csv queries (hits) and on people on
// no list (misses), with the load generator in process and, when
// o.Client is set, in a separate process as a real client would be.
func httpRows(ctx context.Context, o Options, idx *screen.Index, all []entry, hitsQ, missQ []query, ds string) ([]Row, error) {
	b, err := newHTTPBench(ctx, o, idx, all)
	if err != nil {
		return nil, err
	}
	defer b.close()
	thr := fmt.Sprintf("threshold %.2f", screen.DefaultThreshold)
	if o.GCPercent > 0 {
		// The collector's target of the server measured, as `manara
		// serve` sets it: the figures are those of the server people run.
		defer debug.SetGCPercent(debug.SetGCPercent(o.GCPercent))
		thr += fmt.Sprintf(", GOGC %d", o.GCPercent)
	}
	// Prime: the first sighting of each sdn.csv screening, so that the
	// repeat passes measure repeats only.
	run(b.addr, b.key, bodies(hitsQ, noPlace), 2)

	passes := []pass{
		{1, false, "repeat", hitsQ}, {2, false, "repeat", hitsQ}, {2, false, "new", hitsQ},
		{1, false, "miss", missQ}, {2, false, "miss", missQ},
	}
	if len(o.Client) > 0 {
		for _, kind := range []string{"miss", "repeat", "new"} {
			qs := hitsQ
			if kind == "miss" {
				qs = missQ
			}
			passes = append(passes, pass{1, true, kind, qs}, pass{2, true, kind, qs})
		}
	} else {
		o.logf("no external client command: the external-client rows are left out")
	}
	var rows []Row
	for seq, p := range passes {
		// Warm the connections and caches with repeats of earlier
		// screenings, before the hits are counted.
		if _, err := b.send(ctx, p, bodies(p.queries[:min(50, len(p.queries))], noPlace)); err != nil {
			return rows, err
		}
		hitRows0, sightings0, err := b.hitCounts(ctx)
		if err != nil {
			return rows, err
		}
		rs, err := b.measure(ctx, p, seq)
		if err != nil {
			return rows, err
		}
		hitRows1, sightings1, err := b.hitCounts(ctx)
		if err != nil {
			return rows, err
		}
		requests := rounds * len(p.queries)
		sum := summarize(o, p, rs)
		o.logf("HTTP %s: %d new hit records, %d sightings, for %d requests", p.label(), hitRows1-hitRows0, sightings1-sightings0, requests)
		target, ok, p99Target, p99OK := "", "", "", ""
		switch {
		case p.external && p.conc == 2 && p.kind == "miss":
			target, ok, p99Target, p99OK = "≥ 10,000 req/s", met(sum.qps >= 10000), "≤ 1 ms", met(sum.p99 <= time.Millisecond)
		case p.external && p.conc == 2 && p.kind == "repeat":
			target, ok = "≥ 5,000 req/s (watchman ≈ 280)", met(sum.qps >= 5000)
		case p.external && p.conc == 2 && p.kind == "new":
			target, ok = "≥ 1,500 req/s", met(sum.qps >= 1500)
		}
		rowDS := ds
		if p.kind == "miss" {
			rowDS = "1,000 people on no list (negatives_global.csv), same index"
		}
		rows = append(rows, sum.rows(rowDS, thr, [4]string{target, ok, p99Target, p99OK})...)
		// What the pass wrote, counted in the store: with every hit new,
		// each sighting (a request's match at the threshold) is a new hit
		// record; repeats make none.
		switch p.kind {
		case "new":
			rows = append(rows, Row{rowDS, fmt.Sprintf("hit records written, %s (counted in the store)", p.label()),
				fmt.Sprintf("%d new for %d sightings, %d requests", hitRows1-hitRows0, sightings1-sightings0, requests), "one per sighting",
				met(hitRows1-hitRows0 == sightings1-sightings0 && hitRows1 > hitRows0)})
		case "repeat":
			rows = append(rows, Row{rowDS, fmt.Sprintf("hit records written, %s (counted in the store)", p.label()),
				fmt.Sprintf("%d new, %d sightings folded in", hitRows1-hitRows0, sightings1-sightings0), "0 new", met(hitRows1 == hitRows0)})
		}
	}
	if len(o.Client) > 0 {
		floor, err := floorRows(ctx, o, missQ, len(passes))
		rows = append(rows, floor...)
		if err != nil {
			return rows, err
		}
	}
	return rows, nil
}

// floorRows measures what the screening's figures stand on, with the same
// external client and miss bodies: the API with an empty index, where each
// screening checks the key, decodes the body, parses the name and finds
// nothing; and a bare net/http server that answers each request at once
// with the bytes of a real miss answer. The bare server is this machine's
// loopback HTTP ceiling for the client; the empty index less the bare
// server is the API's own plumbing; the misses less the empty index, the
// screening. seq numbers the passes' profiles after the others'.
func floorRows(ctx context.Context, o Options, missQ []query, seq int) ([]Row, error) {
	empty, err := newHTTPBench(ctx, o, screen.New(), nil)
	if err != nil {
		return nil, err
	}
	defer empty.close()
	answer, ctype, err := empty.answer(missQ[0])
	if err != nil {
		return nil, err
	}
	bare := &httpBench{o: o, key: "unused"}
	defer bare.close()
	bare.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", ctype)
		w.Write(answer)
	}))
	bare.addr = strings.TrimPrefix(bare.ts.URL, "http://")

	ds := "the 1,000 misses' request bodies, no list"
	thr := fmt.Sprintf("threshold %.2f", screen.DefaultThreshold)
	var rows []Row
	for _, side := range []struct {
		b    *httpBench
		kind string
		at   string
	}{{empty, "empty", thr}, {bare, "bare", "no screening, no threshold"}} {
		for _, conc := range []int{1, 2} {
			p := pass{conc, true, side.kind, missQ}
			if _, err := side.b.send(ctx, p, bodies(missQ[:min(50, len(missQ))], noPlace)); err != nil {
				return rows, err
			}
			rs, err := side.b.measure(ctx, p, seq)
			if err != nil {
				return rows, err
			}
			seq++
			rows = append(rows, summarize(o, p, rs).rows(ds, side.at, [4]string{})...)
		}
	}
	return rows, nil
}

// answer posts one screening for q to the API and returns the answer's
// bytes and content type.
func (b *httpBench) answer(q query) ([]byte, string, error) {
	body := bodies([]query{q}, noPlace)[0]
	req, err := http.NewRequest(http.MethodPost, b.ts.URL+benchPath, bytes.NewReader(body))
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Authorization", "Bearer "+b.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.ts.Client().Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("screening on the empty index: %s: %s", resp.Status, data)
	}
	return data, resp.Header.Get("Content-Type"), nil
}

// external sends the bodies from a separate process (o.Client, which runs
// [Client]) over loopback TCP and returns what it measured.
func (b *httpBench) external(ctx context.Context, bs [][]byte, conc int) (sent, error) {
	f, err := os.CreateTemp("", "manara-bench-bodies-")
	if err != nil {
		return sent{}, err
	}
	defer os.Remove(f.Name())
	w := bufio.NewWriter(f)
	for _, body := range bs {
		w.Write(body)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return sent{}, err
	}
	f.Close()
	args := append(append([]string{}, b.o.Client[1:]...), "--addr", b.addr, "--concurrency", strconv.Itoa(conc), "--bodies", f.Name())
	cmd := exec.CommandContext(ctx, b.o.Client[0], args...)
	// The key goes by the environment, not the command line others can read.
	cmd.Env = append(os.Environ(), "MANARA_BENCH_KEY="+b.key)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return sent{}, fmt.Errorf("external client: %v: %s", err, strings.TrimSpace(errOut.String()))
	}
	var res clientResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return sent{}, fmt.Errorf("external client output: %w", err)
	}
	lat := make([]time.Duration, len(res.LatenciesNS))
	for i, ns := range res.LatenciesNS {
		lat[i] = time.Duration(ns)
	}
	return sent{lat: lat, wall: time.Duration(res.WallNS), failed: res.Failed, clientCPU: time.Duration(res.CPUNS)}, nil
}

type clientResult struct {
	LatenciesNS []int64 `json:"latencies_ns"`
	WallNS      int64   `json:"wall_ns"`
	Failed      int     `json:"failed"`
	// CPUNS is the client's own CPU while it sent, so that what it takes
	// of the cores the server shares is known.
	CPUNS int64 `json:"cpu_ns"`
}

// Client is the external load generator: `manara bench client --addr
// HOST:PORT --concurrency N --bodies FILE`, the API key in
// MANARA_BENCH_KEY. It posts each line of FILE to the person screening
// endpoint over N keep-alive connections and prints the latencies as JSON.
func Client(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench client", flag.ContinueOnError)
	addr := fs.String("addr", "", "server address, host:port")
	conc := fs.Int("concurrency", 1, "connections")
	path := fs.String("bodies", "", "file of request bodies, one JSON a line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	key := os.Getenv("MANARA_BENCH_KEY")
	if *addr == "" || *path == "" || key == "" || *conc < 1 || *conc > 64 {
		return errors.New("bench client: --addr, --bodies, MANARA_BENCH_KEY and a --concurrency of 1 to 64 are needed")
	}
	data, err := os.ReadFile(*path)
	if err != nil {
		return err
	}
	var bs [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(l) > 0 {
			bs = append(bs, l)
		}
	}
	// One processor more than connections: a connection's thread waits in
	// its read, and with no processor idle the runtime's monitor would hand
	// its processor off every 20 µs of that wait, waking a thread each time.
	runtime.GOMAXPROCS(*conc + 1)
	cpu0 := processCPU()
	r := run(*addr, key, bs, *conc)
	res := clientResult{LatenciesNS: make([]int64, len(r.lat)), WallNS: int64(r.wall), Failed: r.failed, CPUNS: int64(processCPU() - cpu0)}
	for i, d := range r.lat {
		res.LatenciesNS[i] = int64(d)
	}
	return json.NewEncoder(stdout).Encode(res)
}

// run sends the bodies over conc keep-alive connections and returns each
// request's latency, the wall time, and how many failed (no client CPU:
// in process it cannot be told from the server's). It writes
// prepared requests straight to the socket and reads only the status and
// the body's length of each response (readResponse): a load generator
// that costs little, as wrk would, so that the two cores go to the server
// being measured.
func run(addr, key string, bodies [][]byte, conc int) sent {
	lat := make([]time.Duration, len(bodies))
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var conn io.ReadWriteCloser
			var br *bufio.Reader
			var req []byte
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					break
				}
				if conn == nil {
					c, err := dialLoad(addr)
					if err != nil {
						failed.Add(1)
						continue
					}
					conn, br = c, bufio.NewReaderSize(c, 16<<10)
				}
				req = append(req[:0], "POST "+benchPath+" HTTP/1.1\r\nHost: "...)
				req = append(req, addr...)
				req = append(req, "\r\nAuthorization: Bearer "...)
				req = append(req, key...)
				req = append(req, "\r\nContent-Type: application/json\r\nContent-Length: "...)
				req = strconv.AppendInt(req, int64(len(bodies[i])), 10)
				req = append(req, "\r\n\r\n"...)
				req = append(req, bodies[i]...)
				t := time.Now()
				_, err := conn.Write(req)
				status := 0
				if err == nil {
					status, err = readResponse(br)
				}
				if err != nil || status != http.StatusOK {
					failed.Add(1)
					conn.Close()
					conn = nil
					continue
				}
				lat[i] = time.Since(t)
			}
			if conn != nil {
				conn.Close()
			}
		}()
	}
	wg.Wait()
	return sent{lat: lat, wall: time.Since(start), failed: int(failed.Load())}
}

// readResponse reads one HTTP/1.1 response from br, discards its body and
// returns its status code. It reads the little of HTTP a load generator
// needs (a body sized by Content-Length or chunked) without building a
// header map and a body reader as http.ReadResponse does: at 20,000
// misses the client used 100 µs of CPU per request with it (user 0.98 s,
// system 1.02 s), on two cores the server shares.
func readResponse(br *bufio.Reader) (int, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, fmt.Errorf("bench client: not an HTTP/1 status line: %q", bytes.TrimSpace(line))
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bench client: status line %q: %w", bytes.TrimSpace(line), err)
	}
	length, chunked := -1, false
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h := bytes.TrimRight(line, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, fmt.Errorf("bench client: Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		}
	}
	switch {
	case chunked:
		for {
			line, err = br.ReadSlice('\n')
			if err != nil {
				return 0, err
			}
			size, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
			n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 32)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("bench client: chunk size %q", size)
			}
			if n == 0 {
				for { // trailers, up to the blank line
					line, err = br.ReadSlice('\n')
					if err != nil {
						return 0, err
					}
					if len(bytes.TrimRight(line, "\r\n")) == 0 {
						return status, nil
					}
				}
			}
			if _, err := br.Discard(int(n) + 2); err != nil { // the chunk and its CRLF
				return 0, err
			}
		}
	case length >= 0:
		_, err = br.Discard(length)
		return status, err
	}
	return 0, errors.New("bench client: a response with neither Content-Length nor a chunked body")
}
