package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/webhooks"
)

// keyFor makes an API key for a bureau with the CLI.
func keyFor(t *testing.T, store []string, bureau, perms string) string {
	t.Helper()
	out, code := cli(t, nil, append([]string{"key", "create", "--name", "replica test", "--bureau", bureau, "--permissions", perms}, store...)...)
	if code != 0 {
		t.Fatalf("key create: %d %s", code, out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "mnr_") {
			return strings.TrimSpace(l)
		}
	}
	t.Fatalf("no key in output: %s", out)
	return ""
}

// sessionFor adds a user through the CLI and signs in on url; what it
// returns stands for the session cookie in call.
func sessionFor(t *testing.T, store []string, url, bureau, role string) string {
	t.Helper()
	const password = "replica-test-password-2026"
	name := strings.ToLower(bureau) + "." + role
	if out, code := cli(t, []string{"MANARA_PASSWORD=" + password}, append([]string{"user", "add", "--username", name, "--bureau", bureau, "--role", role}, store...)...); code != 0 {
		t.Fatalf("user add: %d %s", code, out)
	}
	res, err := http.Post(url+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"`+name+`","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "manara_session" {
			return "cookie:" + c.Name + "=" + c.Value
		}
	}
	t.Fatalf("sign-in as %s: %d, no session cookie", name, res.StatusCode)
	return ""
}

// call sends a JSON request with a key and decodes a JSON answer.
func call(t *testing.T, method, url, key, body string, out any) int {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	if cookie, ok := strings.CutPrefix(key, "cookie:"); ok {
		req.Header.Set("Cookie", cookie)
	} else {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && json.Unmarshal(raw, out) != nil {
		t.Fatalf("%s %s: %d %s", method, url, res.StatusCode, raw)
	}
	return res.StatusCode
}

type streamEvent struct{ id, typ, data string }

// stream subscribes to a server's event stream with a key.
func stream(t *testing.T, base, key string) <-chan streamEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("subscribe: %v %v", err, res)
	}
	ch := make(chan streamEvent, 100)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev streamEvent
		for sc.Scan() {
			l := sc.Text()
			switch {
			case l == "":
				if ev.typ != "" {
					ch <- ev
				}
				ev = streamEvent{}
			case strings.HasPrefix(l, "id: "):
				ev.id = l[4:]
			case strings.HasPrefix(l, "event: "):
				ev.typ = l[7:]
			case strings.HasPrefix(l, "data: "):
				ev.data = l[6:]
			}
		}
	}()
	return ch
}

func await(t *testing.T, ch <-chan streamEvent, typ, contains string, within time.Duration) streamEvent {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev := <-ch:
			if ev.typ == typ && strings.Contains(ev.data, contains) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event containing %q within %s", typ, contains, within)
		}
	}
}

// TestTwoReplicas starts two real `manara serve` processes on one fresh
// PostgreSQL database and shows that they stay consistent with PostgreSQL
// as the only link: a record written through A is screenable through B
// within a second; an SSE client on A sees the hit written through B and
// one on B the message written through A; the webhook is delivered once
// although both replicas dispatch; the scenario completes across them.
func TestTwoReplicas(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skipf("two replicas need PostgreSQL: set %s to run this test", storetest.EnvPostgres)
	}
	db := []string{"--db", storetest.FreshPostgres(t)}
	flags := append([]string{"--webhook-allow", "127.0.0.1/32"}, db...)
	a := startServer(t, flags...)
	b := startServer(t, flags...)
	ma := keyFor(t, db, "MA", "records:read,records:write,screen")
	maHooks := keyFor(t, db, "MA", "webhooks")
	es := keyFor(t, db, "ES", "records:read,records:write,screen")

	// A webhook receiver for Morocco that dedups on the delivery id.
	var mu sync.Mutex
	var secret string
	seen := map[string]int{}
	got := make(chan string, 10)
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		mu.Lock()
		defer mu.Unlock()
		if webhooks.Verify(secret, r.Header.Get(webhooks.HeaderSignature), body, time.Now(), time.Minute) != nil {
			http.Error(w, "bad signature", 401)
			return
		}
		id := r.Header.Get(webhooks.HeaderDelivery)
		seen[id]++
		if seen[id] == 1 {
			got <- r.Header.Get(webhooks.HeaderEvent)
		}
		w.WriteHeader(204)
	}))
	defer rc.Close()
	var hook struct{ Secret string }
	if code := call(t, "POST", a.url+"/api/v1/webhooks", maHooks, `{"url":"`+rc.URL+`","events":["hit.created"]}`, &hook); code != 201 {
		t.Fatalf("register webhook on A: %d", code)
	}
	mu.Lock()
	secret = hook.Secret
	mu.Unlock()

	maOnA := stream(t, a.url, ma)
	esOnB := stream(t, b.url, es)

	// Written through A…
	// Morocco requests a Red Notice and the secretariat publishes it, all
	// through A…
	var rec struct {
		ID      string
		Version int64
	}
	red := `{"type":"red","data":{"family_name":"Kharroubi","given_names":"Abdellatif","name_original":"عبد اللطيف خروبي","sex":"M",
		"date_of_birth":"1966-01-01","nationalities":["MA"],"purpose":"prosecution",
		"charges":[{"offence":"Drug trafficking","law":"Penal Code art. 2","max_penalty_years":10}],
		"warrant":{"kind":"arrest_warrant","reference":"AW-2026-17","date":"2026-01-15","authority":"Court of Rabat","country":"MA"},
		"extradition_countries":["ES"]}}`
	if code := call(t, "POST", a.url+"/api/v1/notices", ma, red, &rec); code != 201 {
		t.Fatalf("request on A: %d", code)
	}
	if code := call(t, "POST", a.url+"/api/v1/notices/"+rec.ID+"/submit", ma, fmt.Sprintf(`{"version":%d}`, rec.Version), &rec); code != 200 {
		t.Fatalf("submit on A: %d", code)
	}
	reviewer := sessionFor(t, db, a.url, "IPSG", "reviewer")
	if code := call(t, "POST", a.url+"/api/v1/notices/"+rec.ID+"/review", reviewer, "", &rec); code != 200 {
		t.Fatalf("review on A: %d", code)
	}
	if code := call(t, "POST", a.url+"/api/v1/notices/"+rec.ID+"/decision", reviewer, `{"decision":"publish"}`, &rec); code != 200 {
		t.Fatalf("publish on A: %d", code)
	}
	written := time.Now()
	// …screenable through B within a second.
	var hitID string
	for i := 0; hitID == "" && i < 40; i++ {
		var ans struct {
			Hits []struct {
				RecordID string `json:"record_id"`
				HitID    string `json:"hit_id"`
			}
		}
		call(t, "POST", b.url+"/api/v1/screen/person", es, `{"name":"Abdul Latif Kharubi","context":{"border_post":"Algeciras"}}`, &ans)
		if len(ans.Hits) > 0 && ans.Hits[0].RecordID == rec.ID {
			hitID = ans.Hits[0].HitID
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if hitID == "" {
		t.Fatal("the record written through A never became screenable through B")
	}
	if d := time.Since(written); d > time.Second {
		t.Fatalf("the record took %s to become screenable on B, want under 1 s", d)
	}
	// The hit was written through B; Morocco hears of it on A.
	await(t, maOnA, "hit.created", hitID, 2*time.Second)
	await(t, esOnB, "hit.created", hitID, 2*time.Second)
	select {
	case typ := <-got:
		if typ != "hit.created" {
			t.Fatalf("webhook event %s", typ)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook delivery within 10 s")
	}

	// A message written through A reaches Spain's client on B.
	var th struct{ ID string }
	if code := call(t, "POST", a.url+"/api/v1/threads", ma, `{"subject":"Hit at Algeciras","hit_id":"`+hitID+`","message":{"type":"identity_confirmation","body":"Please confirm identity."}}`, &th); code != 201 {
		t.Fatalf("open thread on A: %d", code)
	}
	await(t, esOnB, "message.posted", th.ID, 2*time.Second)
	if code := call(t, "POST", b.url+"/api/v1/threads/"+th.ID+"/messages", es, `{"type":"general","body":"Confirmed: same person."}`, nil); code != 201 {
		t.Fatalf("reply on B: %d", code)
	}
	await(t, maOnA, "message.posted", th.ID, 2*time.Second)
	// Both sides confirm, each through a different replica.
	for _, step := range []string{"being_checked", "confirmed"} {
		if code := call(t, "POST", a.url+"/api/v1/hits/"+hitID+"/state", ma, `{"state":"`+step+`"}`, nil); code != 200 {
			t.Fatalf("MA %s on A: %d", step, code)
		}
		if code := call(t, "POST", b.url+"/api/v1/hits/"+hitID+"/state", es, `{"state":"`+step+`"}`, nil); code != 200 {
			t.Fatalf("ES %s on B: %d", step, code)
		}
	}
	var h struct {
		OwnerState    string `json:"owner_state"`
		SearcherState string `json:"searcher_state"`
	}
	call(t, "GET", a.url+"/api/v1/hits/"+hitID, ma, "", &h)
	if h.OwnerState != "confirmed" || h.SearcherState != "confirmed" {
		t.Fatalf("hit states %+v", h)
	}
	// Both replicas dispatch webhooks; the delivery was sent once.
	time.Sleep(1500 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for id, n := range seen {
		if n != 1 {
			t.Errorf("delivery %s was sent %d times", id, n)
		}
	}
	if len(seen) != 1 {
		t.Errorf("%d distinct deliveries, want 1", len(seen))
	}
}

// TestShutdownWithOpenEventStream: SIGTERM ends open event streams, so
// the server exits well within its grace period instead of waiting on them.
func TestShutdownWithOpenEventStream(t *testing.T) {
	store := storeArgs(t, "sqlite")
	key := newKey(t, store, "records:read,screen")
	s := startServer(t, append([]string{"--shutdown-grace", "20s"}, store...)...)
	stream(t, s.url, key)
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("server exited with %v\n%s", err, s.logs)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("server still running 10 s after SIGTERM with an event stream open\n%s", s.logs)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("shutdown took %s with an event stream open", d)
	}
}
