package webhooks

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func TestSignVerify(t *testing.T) {
	body := []byte(`{"id":"d1"}`)
	now := time.Unix(1_800_000_000, 0)
	sig := Sign(now, body, "whsec_x")
	if !strings.HasPrefix(sig, "t=1800000000,v1=") {
		t.Fatalf("signature %s", sig)
	}
	if err := Verify("whsec_x", sig, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		secret, sig string
		body        []byte
		at          time.Time
	}{
		"other secret":  {"whsec_y", sig, body, now},
		"altered body":  {"whsec_x", sig, []byte(`{"id":"d2"}`), now},
		"old timestamp": {"whsec_x", sig, body, now.Add(10 * time.Minute)},
		"malformed":     {"whsec_x", "v1=abc", body, now},
		"moved time":    {"whsec_x", strings.Replace(sig, "t=1800000000", "t=1800000001", 1), body, now},
	} {
		if Verify(c.secret, c.sig, c.body, c.at, 5*time.Minute) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestAllowlist(t *testing.T) {
	a, err := ParseAllowlist("127.0.0.1/32, hooks.example.org, *.bureau.ma, 2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{"http://127.0.0.1:9000/x", "https://hooks.example.org/in", "https://ncb.bureau.ma/h", "http://[2001:db8::1]/x"} {
		if _, err := a.CheckURL(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"ftp://127.0.0.1/", "gopher://hooks.example.org", "http://127.0.0.2/", "http://evil.org/", "http://bureau.ma.evil.org/",
		"http://[::1]/", "http://0x7f000001/", "http://hooks.example.org@evil.org/", "", "http://" + strings.Repeat("a", 3000)} {
		if _, err := a.CheckURL(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := ParseAllowlist("not a host!"); err == nil {
		t.Error("bad allow list entry accepted")
	}
	if e, _ := ParseAllowlist(""); !e.Empty() {
		t.Error("empty list allows something")
	}
	// Dial time: a name allowed by the admin that resolves to a private or
	// loopback address (DNS rebinding) is refused; an allowed range passes.
	byName, _ := ParseAllowlist("hooks.example.org")
	ctl := byName.control("hooks.example.org")
	for _, addr := range []string{"127.0.0.1:80", "10.1.2.3:443", "169.254.169.254:80", "[::1]:80", "192.168.1.1:80"} {
		if ctl("tcp", addr, nil) == nil {
			t.Errorf("dial to %s for an allowed name passed", addr)
		}
	}
	if ctl("tcp", "93.184.216.34:443", nil) != nil {
		t.Error("dial to a public address for an allowed name refused")
	}
	if a.control("127.0.0.1")("tcp", "127.0.0.1:9000", nil) != nil {
		t.Error("dial to an allowed range refused")
	}
}

// TestDialRefusesRebinding: "localhost" allowed by name resolves to a
// loopback address, which the dialer refuses: the delivery fails, the
// receiver is never reached, and the error says why.
func TestDialRefusesRebinding(t *testing.T) {
	st := storetest.OpenSQLite(t)
	reached := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
	defer srv.Close()
	allow, _ := ParseAllowlist("localhost")
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	w := &core.Webhook{ID: "w1", Bureau: "MA", URL: "http://localhost" + port + "/", Events: []string{"*"}, Secret: "s"}
	d := NewDispatcher(st, allow, nil)
	d.init()
	body, _ := json.Marshal(map[string]string{"id": "d1"})
	_, err := d.send(context.Background(), w, &core.Delivery{ID: "d1", Body: body, EventType: "hit.created"})
	if err == nil || reached || !strings.Contains(err.Error(), "not allowed") {
		t.Fatalf("send = %v, reached %v", err, reached)
	}
}

func TestBackoffIsBoundedWithJitter(t *testing.T) {
	d := &Dispatcher{BaseBackoff: time.Second, MaxBackoff: time.Minute}
	for n := 1; n < 40; n++ {
		limit := min(time.Second<<min(n-1, 30), time.Minute)
		for range 20 {
			if b := d.backoff(n); b < 0 || b > limit {
				t.Fatalf("backoff(%d) = %s, limit %s", n, b, limit)
			}
		}
	}
}

// testEventTypes stand for the types the wiring gives the service.
var testEventTypes = []string{"hit.created", "hit.updated", "message.posted", "notice.published"}

func FuzzRegistration(f *testing.F) {
	f.Add(`{"url":"http://127.0.0.1:8080/hook","events":["hit.created","message.*"]}`)
	f.Add(`{"url":"javascript:alert(1)","events":["*"]}`)
	f.Add(`{"url":"http://[::ffff:127.0.0.1]/","events":[]}`)
	a, _ := ParseAllowlist("127.0.0.1/32,hooks.example.org")
	f.Fuzz(func(t *testing.T, raw string) {
		var r Registration
		if json.Unmarshal([]byte(raw), &r) != nil {
			return
		}
		verr := r.Validate(testEventTypes)
		u, uerr := a.CheckURL(r.URL)
		if uerr == nil && u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("accepted scheme %q", u.Scheme)
		}
		if verr == nil {
			for _, e := range r.Events {
				family, isFamily := strings.CutSuffix(e, ".*")
				if e != "*" && !slices.Contains(testEventTypes, e) && !(isFamily && slices.ContainsFunc(testEventTypes, func(t string) bool { return strings.HasPrefix(t, family+".") })) {
					t.Fatalf("accepted event type %q, which is none of %v nor a family of them", e, testEventTypes)
				}
			}
		}
		for _, err := range []error{verr, uerr} {
			if err != nil && core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("error code %s", core.ErrorCode(err))
			}
		}
	})
}
