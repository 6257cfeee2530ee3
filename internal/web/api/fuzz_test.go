package api_test

// Request-body fuzz targets. They run over every configured store at
// once (SQLite always, PostgreSQL when MANARA_TEST_POSTGRES is set), so
// that the seed corpus, which plain go test runs, exercises both: a body
// must never get a 5xx, must get the same status from both stores, and
// what is accepted must come back as valid text.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// fuzzServer is one server per store for a whole fuzz run, with a key
// that may do everything.
type fuzzServer struct {
	name, url, key string
	client         *http.Client
}

func fuzzServers(tb testing.TB) []fuzzServer {
	var out []fuzzServer
	for _, b := range storetest.Backends(tb) {
		f, _ := newIndexedFixture(tb, b, api.Config{Version: "test"}, func(s *api.Server) {
			s.PublicRate, s.ReportRate, s.ReportFollowRate = 1<<30, 1<<30, 1<<30
		})
		_, secret, err := f.Auth.CreateKey(context.Background(), system, auth.NewKey{Name: "fuzz", Bureau: "MA", Permissions: core.Permissions})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, fuzzServer{name: b.Name, url: f.URL, key: secret, client: f.client})
	}
	return out
}

// fuzzRoutes are the JSON-body routes the fuzz targets aim at, with a
// valid body whose ${} is where fuzzed text goes, raw, between quotes.
var fuzzRoutes = []struct{ method, path, template string }{
	{"POST", "/api/v1/records", `{"kind":"person","releasability":{"mode":"all"},"data":{"family_name":"${}","given_names":"Test","nationalities":["MA"]}}`},
	{"POST", "/api/v1/screen/person", `{"name":"${}","context":{"post":"Tanger Med"}}`},
	{"POST", "/api/v1/screen/identifier", `{"value":"${}"}`},
	{"POST", "/api/v1/screen/batch", `{"type":"person","name":"${}"}` + "\n" + `{"type":"document","number":"${}","country":"MA"}`},
	{"POST", "/api/v1/notices", `{"type":"yellow","data":{"family_name":"${}"}}`},
	{"POST", "/api/v1/public/reports", `{"category":"phishing","narrative":"${}","consent":true}`},
	{"POST", "/api/v1/keys", `{"name":"${}","permissions":["screen"]}`},
	{"POST", "/api/v1/auth/login", `{"username":"${}","password":"x"}`},
}

// fuzzSend posts body to route on every server and checks the answers.
func fuzzSend(t *testing.T, servers []fuzzServer, route int, body []byte) {
	rt := fuzzRoutes[route%len(fuzzRoutes)]
	var first *resp
	for _, s := range servers {
		req, err := http.NewRequest(rt.method, s.url+rt.path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+s.key)
		if rt.path == "/api/v1/screen/batch" {
			req.Header.Set("Content-Type", "application/x-ndjson")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := s.client.Do(req)
		if err != nil {
			t.Fatalf("%s %s on %s: %v", rt.method, rt.path, s.name, err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		r := &resp{Method: rt.method, Path: rt.path, Status: res.StatusCode, Header: res.Header, Body: raw}
		if r.Status >= 500 {
			t.Fatalf("%s: %s for body %q", s.name, r, body)
		}
		if !utf8.Valid(raw) || jsonHoldsNUL(raw) {
			t.Fatalf("%s: the answer is not valid text: %s for body %q", s.name, r, body)
		}
		if first == nil {
			first = r
		} else if first.Status != r.Status {
			t.Fatalf("the stores answer differently to body %q:\n  %s: %s\n  %s: %s", body, servers[0].name, first, s.name, r)
		}
	}
}

// FuzzRequestBody sends arbitrary bodies to the JSON routes.
func FuzzRequestBody(f *testing.F) {
	for i, rt := range fuzzRoutes {
		f.Add(uint8(i), []byte(bytes.ReplaceAll([]byte(rt.template), []byte("${}"), []byte("Karim El Idrissi"))))
	}
	f.Add(uint8(0), []byte(`{"kind":"person","releasability":{"mode":"all"},"data":{"family_name":"Doe","x`+"\xff"+`":1}}`))
	f.Add(uint8(1), []byte(`{"name":"K\u0000"}`))
	f.Add(uint8(3), []byte("{\"type\":\"person\",\"name\":\"\xed\xa0\x80\"}\n{\"type\":"))
	f.Add(uint8(2), []byte(`[`))
	f.Add(uint8(4), []byte(`{"type":"yellow","data":{"family_name":"\ud800\udc00"}}`))
	servers := fuzzServers(f)
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		if len(body) > 64<<10 {
			return
		}
		fuzzSend(t, servers, int(route), body)
	})
}

// FuzzInvalidText puts arbitrary bytes, raw, inside a string of a valid
// body: invalid UTF-8, escapes of surrogates and NUL, quotes that end the
// string early.
func FuzzInvalidText(f *testing.F) {
	for _, s := range []string{"Karim", "\xff\xfe", "\xed\xa0\x80", `\ud800`, `a\udc00b`, `\ud800\udc00`, `\u0000`, "\x00", `\\u0000`, `"`, `\`, "é\xc3", "\xef\xbf\xbd"} {
		for i := range fuzzRoutes {
			f.Add(uint8(i), s)
		}
	}
	servers := fuzzServers(f)
	f.Fuzz(func(t *testing.T, route uint8, text string) {
		if len(text) > 4<<10 {
			return
		}
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		fuzzSend(t, servers, int(route), bytes.ReplaceAll([]byte(rt.template), []byte("${}"), []byte(text)))
	})
}

// jsonHoldsNUL reports whether a JSON answer holds a NUL in a string.
func jsonHoldsNUL(raw []byte) bool {
	for _, line := range bytes.Split(raw, []byte("\n")) {
		var v any
		if json.Unmarshal(line, &v) == nil && holdsNUL(v) {
			return true
		}
	}
	return false
}

func holdsNUL(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.ContainsRune(x, 0)
	case []any:
		for _, e := range x {
			if holdsNUL(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if strings.ContainsRune(k, 0) || holdsNUL(e) {
				return true
			}
		}
	}
	return false
}
