package console_test

// The harness: a real API server with the console mounted on its mux,
// over a real store (SQLite always, PostgreSQL when MANARA_TEST_POSTGRES
// is set), a screening index that follows every write, and browsers-like
// clients (a cookie jar, forms posted as a browser posts them).

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
	"github.com/manara-hub/manara/internal/web/console"
)

const testPassword = "correct horse battery staple"

var system = core.Viewer{System: true, Remote: "test"}

type env struct {
	URL    string
	Auth   *auth.Service
	Server *api.Server
	// Console is the console mounted on Server (its clock may be moved).
	Console *console.Console
	// Secrets are the TOTP secrets of the users made with a second factor.
	Secrets map[string]string
}

func newEnv(t *testing.T, b storetest.Backend) *env {
	t.Helper()
	st := b.Open(t)
	a := auth.NewService(st)
	a.PasswordCost = auth.TestPasswordCost // the suite signs in hundreds of times
	rs := records.New(st)
	idx := screen.New()
	seq, err := idx.Load(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs.Changed = idx.Follower(st, seq)
	log := slog.New(slog.NewTextHandler(logSink(), nil))
	s := api.New(st, a, rs, log, api.Config{Version: "test", EventsHeartbeat: time.Second})
	s.Screen = idx
	w := audit.NewWriter(st, nil, 100, time.Millisecond)
	s.ReadAudit = w
	c, err := console.New(s)
	if err != nil {
		t.Fatal(err)
	}
	c.Mount(s.Mux())
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { s.StopStreams(); hs.Close(); s.Close(); w.Close() })
	return &env{URL: hs.URL, Auth: a, Server: s, Console: c, Secrets: map[string]string{}}
}

// user makes a user; with totp, a known second factor is enrolled.
func (e *env) user(t *testing.T, username, bureau, role string, totp bool) *core.User {
	t.Helper()
	u, err := e.Auth.CreateUser(context.Background(), system, auth.NewUser{Username: username, DisplayName: username, Bureau: bureau, Role: role, Lang: "en", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if totp {
		secret := auth.NewTOTPSecret()
		if _, err := e.Auth.SetTOTP(context.Background(), u.ID, secret); err != nil {
			t.Fatal(err)
		}
		e.Secrets[username] = secret
	}
	return u
}

// browser is an HTTP client that keeps cookies and shows the last page.
type browser struct {
	t    *testing.T
	e    *env
	c    *http.Client
	Last string
	Code int
	At   string
}

func (e *env) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, c: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
}

func (b *browser) get(path string) string {
	b.t.Helper()
	r, err := b.c.Get(b.e.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.read(r)
}

func (b *browser) read(r *http.Response) string {
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	b.Last, b.Code, b.At = string(body), r.StatusCode, r.Request.URL.Path
	return b.Last
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the last page's form.
func (b *browser) csrf() string {
	m := csrfField.FindStringSubmatch(b.Last)
	if m == nil {
		b.t.Fatalf("no CSRF field on the page %s:\n%s", b.At, b.Last)
	}
	return m[1]
}

// post sends a form as a browser does (from this origin), with the CSRF
// token of the last page unless the form sets one.
func (b *browser) post(path string, form url.Values) string {
	b.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf())
	}
	req, _ := http.NewRequest("POST", b.e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.URL)
	r, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.read(r)
}

// signIn signs a user in through /login with the current TOTP code.
func (b *browser) signIn(username, lang string) {
	b.t.Helper()
	b.get("/login?lang=" + lang)
	code := ""
	if s, ok := b.e.Secrets[username]; ok {
		code = auth.CurrentTOTP(s, time.Now())
	}
	b.post("/login", url.Values{"username": {username}, "password": {testPassword}, "code": {code}})
	if b.Code != http.StatusOK || b.At == "/login" {
		b.t.Fatalf("sign-in of %s: %d at %s\n%s", username, b.Code, b.At, b.Last)
	}
}

// logSink is where the server logs: nowhere, unless MANARA_TEST_LOG is set.
func logSink() io.Writer {
	if os.Getenv("MANARA_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}
