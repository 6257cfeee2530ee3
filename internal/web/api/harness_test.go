package api_test

// The harness every black-box API test uses: a real server over a real
// store (SQLite always, PostgreSQL when MANARA_TEST_POSTGRES is set), real
// HTTP, and callers that authenticate the way clients do — a session cookie
// from POST /api/v1/auth/login, or an API key sent as a Bearer token.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/store/sqlstore"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// testPassword is every test user's password.
const testPassword = "correct horse battery staple"

var system = core.Viewer{System: true, Remote: "test"}

// fixture is one running server over one fresh store.
type fixture struct {
	Backend string
	Store   *sqlstore.Store
	Auth    *auth.Service
	Records *records.Service
	URL     string
	client  *http.Client
}

// forEachBackend runs fn against a fresh fixture on every configured store,
// each in its own subtest named after the backend.
func forEachBackend(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, newFixture(t, b)) })
	}
}

// newAuth is the auth service the tests' servers use: hashes at
// auth.TestPasswordCost, since the suite creates and signs in thousands
// of users (at the production cost argon2id was three quarters of its
// CPU). Stored hashes carry their cost, so a service made with
// auth.NewService still checks them.
func newAuth(st core.Store) *auth.Service {
	a := auth.NewService(st)
	a.PasswordCost = auth.TestPasswordCost
	return a
}

// newFixture opens a fresh, migrated store on b and starts a server on it.
func newFixture(t *testing.T, b storetest.Backend) *fixture {
	t.Helper()
	st := b.Open(t)
	a := newAuth(st)
	rs := records.New(st)
	hs := newServerOn(t, st, a, rs)
	return &fixture{Backend: b.Name, Store: st, Auth: a, Records: rs, URL: hs.URL, client: hs.Client()}
}

// newIndexedFixture starts a server with cfg over a fresh store on b,
// with a screening index that follows every write (so that tests see
// their writes screened at once) and a read-audit writer; setup, if not
// nil, completes the server before it serves. It stops when the test
// ends, before the store is closed: streams, HTTP server, hits, audit.
func newIndexedFixture(t testing.TB, b storetest.Backend, cfg api.Config, setup func(*api.Server)) (*fixture, *api.Server) {
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
	s := api.New(st, a, rs, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	s.Screen = idx
	w := audit.NewWriter(st, nil, 100, time.Millisecond)
	s.ReadAudit = w
	if setup != nil {
		setup(s)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { s.StopStreams(); hs.Close(); s.Close(); w.Close() })
	return &fixture{Backend: b.Name, Store: st, Auth: a, Records: rs, URL: hs.URL, client: hs.Client()}, s
}

// newServerOn starts an API server over the given store and services; it
// stops when the test ends, before the store is closed.
func newServerOn(t testing.TB, st core.Store, a *auth.Service, rs *records.Service) *httptest.Server {
	t.Helper()
	s := api.New(st, a, rs, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{Version: "test"})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); s.Close() })
	return hs
}

// caller is someone calling the API: a signed-in user (session cookie) or
// an API key. Viewer is what the access decision should see for it, built
// independently of the server so that tests can compute the expected answer.
type caller struct {
	Name    string
	Session string // session token, sent as the session cookie
	Key     string // API key, sent as "Authorization: Bearer <key>"
	KeyID   string
	User    *core.User
	Viewer  core.Viewer
}

func (c *caller) String() string {
	if c == nil {
		return "anonymous"
	}
	return c.Name
}

var userSeq atomic.Int64

// user creates a user of a bureau and role (as the system) and signs it in
// through the API.
func (f *fixture) user(t testing.TB, bureau, role string) *caller {
	t.Helper()
	name := fmt.Sprintf("%s.%s.%d", strings.ToLower(bureau), role, userSeq.Add(1))
	u, err := f.Auth.CreateUser(context.Background(), system, auth.NewUser{Username: name, Bureau: bureau, Role: role, Password: testPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	c := f.login(t, name, testPassword)
	c.User = u
	return c
}

// login signs in through POST /api/v1/auth/login and returns the caller
// holding the session cookie.
func (f *fixture) login(t testing.TB, username, password string) *caller {
	t.Helper()
	r := f.do(t, "POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password}, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("login %s: status %d: %s", username, r.Status, r.Body)
	}
	var token string
	for _, ck := range r.Cookies() {
		if ck.Name == api.CookieName {
			token = ck.Value
		}
	}
	if token == "" {
		t.Fatalf("login %s: no %s cookie in %v", username, api.CookieName, r.Header.Values("Set-Cookie"))
	}
	var m struct {
		ID, Bureau, Role string
		Permissions      []string
	}
	r.decode(t, &m)
	return &caller{Name: username, Session: token,
		Viewer: core.Viewer{UserID: m.ID, Bureau: m.Bureau, Role: m.Role, Permissions: core.RolePermissions(m.Role)}}
}

// key creates an API key for a bureau with the given permissions (as the
// system).
func (f *fixture) key(t testing.TB, bureau string, perms ...string) *caller {
	t.Helper()
	k, secret, err := f.Auth.CreateKey(context.Background(), system, auth.NewKey{Name: "test " + bureau, Bureau: bureau, Permissions: perms})
	if err != nil {
		t.Fatalf("create key %s %v: %v", bureau, perms, err)
	}
	return &caller{Name: fmt.Sprintf("key(%s %s)", bureau, strings.Join(perms, ",")), Key: secret, KeyID: k.ID,
		Viewer: core.Viewer{KeyID: k.ID, Bureau: k.Bureau, Permissions: k.Permissions}}
}

// resp is an answer from the server.
type resp struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
	JSON         any // the body decoded, when it is JSON
	cookies      []*http.Cookie
}

func (r *resp) String() string {
	return fmt.Sprintf("%s %s -> %d %s", r.Method, r.Path, r.Status, truncate(string(r.Body), 600))
}

// Cookies returns the cookies the response set.
func (r *resp) Cookies() []*http.Cookie { return r.cookies }

// decode reads the JSON body into v.
func (r *resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("%s: decoding body: %v", r, err)
	}
}

// do sends a request and reads the whole answer. body may be nil (no
// body), a string or []byte (sent as is), or anything else (sent as JSON).
// A JSON body is labelled application/json unless hdr sets Content-Type.
// hdr is name, value pairs. c nil sends no credentials.
func (f *fixture) do(t testing.TB, method, path string, body any, c *caller, hdr ...string) *resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, f.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c != nil {
		if c.Key != "" {
			req.Header.Set("Authorization", "Bearer "+c.Key)
		}
		if c.Session != "" {
			req.AddCookie(&http.Cookie{Name: api.CookieName, Value: c.Session})
		}
	}
	res, err := f.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	r := &resp{Method: method, Path: path, Status: res.StatusCode, Header: res.Header, Body: raw, cookies: res.Cookies()}
	ct := res.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "application/problem+json") {
		if err := json.Unmarshal(raw, &r.JSON); err != nil {
			t.Fatalf("%s: Content-Type %s but the body is not JSON: %v", r, ct, err)
		}
	}
	return r
}

// jsonField returns a top-level field of a JSON object body, or nil.
func jsonField(r *resp, key string) any {
	m, _ := r.JSON.(map[string]any)
	return m[key]
}

// problem is an RFC 9457 problem details body as the API writes it.
type problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail"`
	Instance string            `json:"instance"`
	Code     string            `json:"code"`
	Errors   []core.FieldError `json:"errors"`
}

// wantProblem asserts that r is a problem+json answer with the status and
// code, naming field in errors[] when field is not "".
func wantProblem(t testing.TB, r *resp, status int, code, field string) problem {
	t.Helper()
	var p problem
	if r.Status != status {
		t.Fatalf("want status %d (%s), got %s", status, code, r)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("want Content-Type application/problem+json, got %q: %s", ct, r)
	}
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("%s: not a problem body: %v", r, err)
	}
	if p.Status != status || p.Code != code {
		t.Fatalf("want status %d code %q in the body, got %d %q: %s", status, code, p.Status, p.Code, r)
	}
	if p.Type != "urn:manara:problem:"+code || p.Title == "" || p.Detail == "" {
		t.Errorf("problem without type, title or detail: %s", r)
	}
	if field != "" {
		var names []string
		for _, e := range p.Errors {
			if e.Field == field {
				if e.Reason == "" {
					t.Errorf("field %s named without a reason: %s", field, r)
				}
				return p
			}
			names = append(names, e.Field)
		}
		t.Fatalf("want field %q named in errors[], got %v: %s", field, names, r)
	}
	return p
}

// sameProblem asserts that two problem answers are identical but for the
// instance (the request path), so that the caller learns nothing from
// which one it got.
func sameProblem(t testing.TB, a, b *resp) {
	t.Helper()
	strip := func(r *resp) map[string]any {
		m, _ := r.JSON.(map[string]any)
		if m == nil {
			t.Fatalf("not a JSON object: %s", r)
		}
		out := map[string]any{}
		for k, v := range m {
			if k != "instance" {
				out[k] = v
			}
		}
		return out
	}
	if a.Status != b.Status || !reflect.DeepEqual(strip(a), strip(b)) {
		t.Errorf("answers differ, leaking which case applies:\n  %s\n  %s", a, b)
	}
	for _, h := range []string{"Content-Type", "WWW-Authenticate", "Cache-Control", "ETag", "Location"} {
		if a.Header.Get(h) != b.Header.Get(h) {
			t.Errorf("header %s differs: %q vs %q", h, a.Header.Get(h), b.Header.Get(h))
		}
	}
}

// record is a record as the API shows it.
type record struct {
	core.Record
	Flags []string `json:"flags"`
}

// createRecord creates a record through the API and asserts 201.
func (f *fixture) createRecord(t testing.TB, c *caller, in any) record {
	t.Helper()
	r := f.do(t, "POST", "/api/v1/records", in, c)
	if r.Status != http.StatusCreated {
		t.Fatalf("create record as %s: %s", c, r)
	}
	var rec record
	r.decode(t, &rec)
	return rec
}

// getRecord reads a record and asserts 200.
func (f *fixture) getRecord(t testing.TB, c *caller, id string) record {
	t.Helper()
	r := f.do(t, "GET", "/api/v1/records/"+id, nil, c)
	if r.Status != http.StatusOK {
		t.Fatalf("get record as %s: %s", c, r)
	}
	var rec record
	r.decode(t, &rec)
	return rec
}

// listAll pages through path (a listing or a search) with the given query
// and page size, following next_cursor to the end, and returns every item.
func (f *fixture) listAll(t testing.TB, c *caller, path string, q url.Values, limit int) []record {
	t.Helper()
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	if limit > 0 {
		q2.Set("limit", fmt.Sprint(limit))
	}
	var all []record
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatalf("%s %v: more than 1000 pages: the cursor does not advance", path, q)
		}
		r := f.do(t, "GET", path+"?"+q2.Encode(), nil, c)
		if r.Status != http.StatusOK {
			t.Fatalf("list as %s: %s", c, r)
		}
		var p struct {
			Items      []record `json:"items"`
			NextCursor string   `json:"next_cursor"`
		}
		r.decode(t, &p)
		if p.Items == nil {
			t.Fatalf("%s: items must be a list, never null", r)
		}
		if limit > 0 && len(p.Items) > limit {
			t.Fatalf("%s: %d items on a page of %d", r, len(p.Items), limit)
		}
		all = append(all, p.Items...)
		if p.NextCursor == "" {
			return all
		}
		if q2.Get("cursor") == p.NextCursor {
			t.Fatalf("%s: next_cursor did not move", r)
		}
		q2.Set("cursor", p.NextCursor)
	}
}

// export reads GET /api/v1/records/export as NDJSON.
func (f *fixture) export(t testing.TB, c *caller, q url.Values) []record {
	t.Helper()
	r := f.do(t, "GET", "/api/v1/records/export?"+q.Encode(), nil, c)
	if r.Status != http.StatusOK {
		t.Fatalf("export as %s: %s", c, r)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Fatalf("export: Content-Type %q, want application/x-ndjson", ct)
	}
	var out []record
	sc := bufio.NewScanner(bytes.NewReader(r.Body))
	sc.Buffer(make([]byte, 0, 1<<20), 4<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var rec record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("export: bad line %q: %v", truncate(sc.Text(), 200), err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// countVisible counts every record c may list.
func (f *fixture) countVisible(t testing.TB, c *caller) int {
	t.Helper()
	return len(f.listAll(t, c, "/api/v1/records", nil, 500))
}

// countStored counts the rows in the store, bypassing the API.
func (f *fixture) countStored(t testing.TB) int64 {
	t.Helper()
	var n int64
	if err := f.Store.View(context.Background(), func(tx core.Tx) error {
		var err error
		n, err = tx.CountRecords()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// newID returns an id no record has.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// ids lists the ids of rs.
func ids(rs []record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// personInput is a valid person record body with the given releasability.
func personInput(family string, rel core.Releasability) map[string]any {
	return map[string]any{"kind": core.KindPerson, "releasability": rel,
		"data": map[string]any{"family_name": family, "given_names": "Test", "nationalities": []string{"MA"}}}
}

// knownBug fails the test with the evidence of a violation that was once
// a reported bug; its id names the regression.
func knownBug(t *testing.T, id, format string, args ...any) {
	t.Helper()
	t.Fatal(fmt.Sprintf("REGRESSION %s: ", id) + fmt.Sprintf(format, args...))
}
