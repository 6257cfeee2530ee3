package api_test

// The harness of the cooperation tests (hits, events, webhooks, messages):
// a screening server with the event hub, the webhook dispatcher (fast
// retries) and an allow list of 127.0.0.1, and an SSE client that reads
// the stream the way a browser does.

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
	"github.com/manara-hub/manara/internal/webhooks"
)

type coopFixture struct {
	*fixture
	Server     *api.Server
	Dispatcher *webhooks.Dispatcher
	Allow      *webhooks.Allowlist
	cancel     context.CancelFunc
}

// newCoopFixture starts a server whose index follows every write, with the
// webhook dispatcher running unless manual is set.
func newCoopFixture(t *testing.T, b storetest.Backend, manual bool) *coopFixture {
	t.Helper()
	allow, err := webhooks.ParseAllowlist("127.0.0.1/32")
	if err != nil {
		t.Fatal(err)
	}
	f, s := newIndexedFixture(t, b, api.Config{Version: "test", EventsHeartbeat: time.Second}, func(s *api.Server) { s.Webhooks.Allow = allow })
	ctx, cancel := context.WithCancel(context.Background())
	d := fastDispatcher(f.Store, allow, s)
	done := make(chan struct{})
	if !manual {
		go func() { d.Run(ctx); close(done) }()
	} else {
		close(done)
	}
	// Registered after the server's cleanup, so run before it: the
	// dispatcher stops before the server does.
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return &coopFixture{fixture: f, Server: s, Dispatcher: d, Allow: allow, cancel: cancel}
}

func fastDispatcher(st core.Store, allow *webhooks.Allowlist, s *api.Server) *webhooks.Dispatcher {
	d := webhooks.NewDispatcher(st, allow, slog.New(slog.NewTextHandler(io.Discard, nil)))
	d.Interval, d.BaseBackoff, d.MaxBackoff, d.Timeout = 20*time.Millisecond, 10*time.Millisecond, 40*time.Millisecond, 3*time.Second
	d.Wake = s.Events.Changed
	return d
}

// sseEvent is one message of the stream.
type sseEvent struct {
	ID, Type string
	Data     map[string]any
}

// sseClient reads GET /api/v1/events into a channel until the test ends.
type sseClient struct {
	Events chan sseEvent
	Status int
	cancel context.CancelFunc
}

func (f *fixture) subscribe(t *testing.T, c *caller, lastID string) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", f.URL+"/api/v1/events", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	if c != nil && c.Key != "" {
		req.Header.Set("Authorization", "Bearer "+c.Key)
	}
	if c != nil && c.Session != "" {
		req.AddCookie(&http.Cookie{Name: api.CookieName, Value: c.Session})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	sc := &sseClient{Events: make(chan sseEvent, 100), Status: res.StatusCode, cancel: cancel}
	t.Cleanup(cancel)
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return sc
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("event stream Content-Type %q", ct)
	}
	go func() {
		defer res.Body.Close()
		defer close(sc.Events)
		r := bufio.NewReader(res.Body)
		var ev sseEvent
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				if ev.Type != "" {
					sc.Events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				ev.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.Type = line[7:]
			case strings.HasPrefix(line, "data: "):
				json.Unmarshal([]byte(line[6:]), &ev.Data)
			}
		}
	}()
	return sc
}

// next waits for the next event of a type, failing after a while.
func (sc *sseClient) next(t *testing.T, typ string) sseEvent {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-sc.Events:
			if !ok {
				t.Fatalf("the event stream ended while waiting for %s", typ)
			}
			if ev.Type == typ {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event within 5 s", typ)
		}
	}
}

// drain returns the events that arrive within d.
func (sc *sseClient) drain(d time.Duration) []sseEvent {
	var out []sseEvent
	end := time.After(d)
	for {
		select {
		case ev, ok := <-sc.Events:
			if !ok {
				return out
			}
			out = append(out, ev)
		case <-end:
			return out
		}
	}
}

// receiver is a webhook receiver on 127.0.0.1 that fails the first
// failFirst attempts, then checks the signature and keeps each delivery
// id once.
type receiver struct {
	*httptest.Server
	mu        sync.Mutex
	secret    string
	failFirst int
	attempts  int
	badSig    int
	seen      map[string]int
	bodies    []map[string]any
	arrived   chan struct{} // a new delivery is in bodies
	// taken are the bodies wait has returned, by position in bodies:
	// deliveries are sent several at once and may arrive in any order,
	// so a wait for one type must not lose another's that came first.
	taken map[int]bool
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	rc := &receiver{failFirst: failFirst, seen: map[string]int{}, arrived: make(chan struct{}, 1), taken: map[int]bool{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.attempts++
		if rc.attempts <= rc.failFirst {
			http.Error(w, "receiver down for maintenance", http.StatusServiceUnavailable)
			return
		}
		if err := webhooks.Verify(rc.secret, r.Header.Get(webhooks.HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
			rc.badSig++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		id := r.Header.Get(webhooks.HeaderDelivery)
		rc.seen[id]++
		if rc.seen[id] == 1 {
			var m map[string]any
			json.Unmarshal(body, &m)
			m["_event_header"] = r.Header.Get(webhooks.HeaderEvent)
			rc.bodies = append(rc.bodies, m)
			select {
			case rc.arrived <- struct{}{}:
			default:
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// wait returns the first delivery of an event of type typ that it has
// not returned yet, in the order they arrived, waiting up to 10 s for one.
func (rc *receiver) wait(t *testing.T, typ string) map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		rc.mu.Lock()
		for i, m := range rc.bodies {
			if ev, _ := m["event"].(map[string]any); !rc.taken[i] && ev["type"] == typ {
				rc.taken[i] = true
				rc.mu.Unlock()
				return m
			}
		}
		rc.mu.Unlock()
		select {
		case <-rc.arrived:
		case <-deadline:
			rc.mu.Lock()
			defer rc.mu.Unlock()
			t.Fatalf("no %s delivery within 10 s (attempts %d, bad signatures %d)", typ, rc.attempts, rc.badSig)
		}
	}
}

// registerWebhook registers url for c's bureau and tells rc the secret.
func (f *fixture) registerWebhook(t *testing.T, c *caller, url string, rc *receiver, events ...string) string {
	t.Helper()
	r := f.do(t, "POST", "/api/v1/webhooks", map[string]any{"url": url, "events": events}, c)
	if r.Status != http.StatusCreated {
		t.Fatalf("register webhook: %s", r)
	}
	var out struct {
		Webhook core.Webhook
		Secret  string
	}
	r.decode(t, &out)
	if !strings.HasPrefix(out.Secret, "whsec_") || out.Webhook.ID == "" {
		t.Fatalf("register webhook: no secret or id: %s", r)
	}
	if rc != nil {
		rc.mu.Lock()
		rc.secret = out.Secret
		rc.mu.Unlock()
	}
	return out.Webhook.ID
}

// publishNotice takes a Red Notice for original (in its own script) and
// latin ("Given Family") from c's draft to publication, through the
// notice API and a secretariat reviewer.
func (f *fixture) publishNotice(t *testing.T, c *caller, original, latin string) notice {
	t.Helper()
	d := validData(notices.TypeRed)
	given, family, _ := strings.Cut(latin, " ")
	d["name_original"], d["given_names"], d["family_name"] = original, given, family
	reviewer := f.user(t, members.Secretariat, core.RoleReviewer)
	return f.publish(t, c, reviewer, notices.TypeRed, d, nil)
}

// screenPerson screens name as c with a context and returns the answer's hits.
func (f *fixture) screenPerson(t *testing.T, c *caller, name string, ctx map[string]string) []answerHitOut {
	t.Helper()
	r := f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": name, "context": ctx}, c)
	if r.Status != http.StatusOK {
		t.Fatalf("screen %q: %s", name, r)
	}
	var a struct{ Hits []answerHitOut }
	r.decode(t, &a)
	return a.Hits
}

type answerHitOut struct {
	hit
	HitID string `json:"hit_id"`
}

// hitView is a hit record as the API shows it.
type hitView struct {
	ID, Reference, Owner, Searcher, Message string
	Restricted                              bool
	RecordID                                string  `json:"record_id"`
	Score                                   float64 `json:"score"`
	Explanation                             []string
	Count                                   int
	OwnerState                              string `json:"owner_state"`
	SearcherState                           string `json:"searcher_state"`
	Context                                 map[string]string
	History                                 []core.HitStep
	Version                                 int64
}

func (f *fixture) getHit(t *testing.T, c *caller, id string) hitView {
	t.Helper()
	r := f.do(t, "GET", "/api/v1/hits/"+id, nil, c)
	if r.Status != http.StatusOK {
		t.Fatalf("get hit as %s: %s", c, r)
	}
	var h hitView
	r.decode(t, &h)
	return h
}

func (f *fixture) moveHit(t *testing.T, c *caller, id string, body map[string]any) hitView {
	t.Helper()
	r := f.do(t, "POST", "/api/v1/hits/"+id+"/state", body, c)
	if r.Status != http.StatusOK {
		t.Fatalf("move hit as %s %v: %s", c, body, r)
	}
	var h hitView
	r.decode(t, &h)
	return h
}
