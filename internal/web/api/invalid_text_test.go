package api_test

// Text that is not text (invalid UTF-8, raw or escaped surrogates, NUL)
// is refused at the edge with a 400 naming the field, the same on both
// stores, and never reaches a store (issue 12, item 9).

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// badJSONText are string contents as they appear between the quotes of a
// JSON document: raw invalid bytes, a raw UTF-8-encoded surrogate, an
// escaped lone surrogate and an escaped NUL.
var badJSONText = []string{"\xff\xfe", "\xed\xa0\x80", `\ud800`, `a\udc00`, `\u0000`}

// badQueryText are the same, percent-encoded in a query or a path.
var badQueryText = []string{"%FF%FE", "%ED%A0%80", "%00", "ok%00"}

// badHeaderText are what a header value can carry (net/http refuses NUL
// in headers itself).
var badHeaderText = []string{"\xff\xfe", "\xed\xa0\x80"}

// textFixture is a server with a screening index and no rate limit in
// the way of the test.
func textFixture(t *testing.T, b storetest.Backend) *fixture {
	f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) {
		s.PublicRate, s.ReportRate, s.ReportFollowRate = 1<<30, 1<<30, 1<<30
	})
	return f
}

func wantBadText(t *testing.T, r *resp, field string) {
	t.Helper()
	p := wantProblem(t, r, http.StatusBadRequest, "malformed", field)
	for _, e := range p.Errors {
		if e.Field == field && !strings.Contains(e.Reason, "UTF-8") && !strings.Contains(e.Reason, "NUL") && !strings.Contains(e.Reason, "surrogate") {
			t.Errorf("%s: the reason does not say what is wrong with the text: %q", r, e.Reason)
		}
	}
}

func TestInvalidTextRefused(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := textFixture(t, b)
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead, core.PermAuditRead, core.PermScreen)
			admin := f.key(t, "MA", core.PermAdmin)
			before := f.countStored(t)

			record := func(data string) string {
				return `{"kind":"person","releasability":{"mode":"all"},"data":` + data + `}`
			}
			for _, bad := range badJSONText {
				wantBadText(t, f.do(t, "POST", "/api/v1/records", record(`{"family_name":"Doe`+bad+`","given_names":"Test"}`), ma), "data.family_name")
				wantBadText(t, f.do(t, "POST", "/api/v1/records", record(`{"family_name":"Doe","given_names":"`+bad+`"}`), ma), "data.given_names")
				wantBadText(t, f.do(t, "POST", "/api/v1/records", record(`{"family_name":"Doe","nationalities":["MA","`+bad+`"]}`), ma), "data.nationalities[1]")
				wantBadText(t, f.do(t, "POST", "/api/v1/records", record(`{"family_name":"Doe","x`+bad+`":"y"}`), ma), "data")
				wantBadText(t, f.do(t, "POST", "/api/v1/screen/person", `{"name":"Karim `+bad+`"}`, ma), "name")
				wantBadText(t, f.do(t, "POST", "/api/v1/screen/person", `{"name":"Karim","context":{"post":"`+bad+`"}}`, ma), "context.post")
				wantBadText(t, f.do(t, "POST", "/api/v1/users", `{"username":"u`+bad+`","bureau":"MA","role":"officer","password":"a long enough password"}`, admin), "username")
				wantBadText(t, f.do(t, "POST", "/api/v1/auth/login", `{"username":"u`+bad+`","password":"x"}`, nil), "username")
				wantBadText(t, f.do(t, "POST", "/api/v1/public/reports", `{"narrative":"`+bad+`"}`, nil), "narrative")
			}
			for _, bad := range badQueryText {
				wantBadText(t, f.do(t, "GET", "/api/v1/records/search?q="+bad, nil, ma), "q")
				wantBadText(t, f.do(t, "GET", "/api/v1/records?owner="+bad, nil, ma), "owner")
				wantBadText(t, f.do(t, "GET", "/api/v1/records/"+bad, nil, ma), "id")
				wantBadText(t, f.do(t, "POST", "/api/v1/users/"+bad+"/disable", nil, admin), "username")
				wantBadText(t, f.do(t, "GET", "/api/v1/hits?cursor="+bad, nil, ma), "cursor")
			}
			for _, bad := range badHeaderText {
				wantBadText(t, f.do(t, "GET", "/api/v1/me", nil, nil, "X-API-Key", "mk_"+bad), "X-API-Key")
				wantBadText(t, f.do(t, "GET", "/api/v1/me", nil, nil, "Authorization", "Bearer "+bad), "Authorization")
				wantBadText(t, f.do(t, "PUT", "/api/v1/records/"+newID(), record(`{"family_name":"Doe"}`), ma, "If-Match", `"1`+bad+`"`), "If-Match")
			}
			// A cursor is the next_cursor of a page, unchanged: anything
			// else is a 400 naming it, whatever it decodes to.
			for _, c := range []string{"%25%25%25", base64.RawURLEncoding.EncodeToString([]byte("\xff\xfe")), base64.RawURLEncoding.EncodeToString([]byte("a\x00b")),
				base64.RawURLEncoding.EncodeToString([]byte("\xed\xa0\x80")), strings.Repeat("QUFB", 50)} {
				wantProblem(t, f.do(t, "GET", "/api/v1/records?cursor="+c, nil, ma), http.StatusBadRequest, "malformed", "cursor")
				wantProblem(t, f.do(t, "GET", "/api/v1/notices?cursor="+c, nil, ma), http.StatusBadRequest, "malformed", "cursor")
			}
			// A batch line with bad text gets its error line; the others
			// are screened.
			r := f.do(t, "POST", "/api/v1/screen/batch", "{\"type\":\"person\",\"name\":\"Karim\"}\n{\"type\":\"person\",\"name\":\"K\\u0000\"}\n{\"type\":\"person\",\"name\":\"\xff\"}\n{\"type\":\"person\",\"name\":\"Karim\"}\n", ma, "Content-Type", "application/x-ndjson")
			got := readAnswers(t, bytes.NewReader(r.Body))
			if len(got) != 4 || got[0].Error != nil || got[3].Error != nil {
				t.Fatalf("batch: %s", r.Body)
			}
			for _, a := range got[1:3] {
				if a.Error == nil || a.Error.Status != 400 || len(a.Error.Errors) != 1 || a.Error.Errors[0].Field != "name" {
					t.Errorf("batch line %d: %+v", a.Line, a.Error)
				}
			}
			// The public report page: form fields and the file name.
			for _, bad := range []string{"\xff\xfe", "a\x00b", "\xed\xa0\x80"} {
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				mw.WriteField("narrative", "It happened.")
				fw, _ := mw.CreateFormFile("screenshot", "shot"+bad+".png")
				fw.Write([]byte("\x89PNG\r\n\x1a\n"))
				mw.Close()
				r := f.do(t, "POST", "/report", body.Bytes(), nil, "Content-Type", mw.FormDataContentType())
				if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "screenshot") && !strings.Contains(string(r.Body), "form") {
					t.Errorf("report page, bad file name: %d %s", r.Status, truncate(string(r.Body), 300))
				}
				form := url.Values{"narrative": {"It" + bad + " happened."}}
				r = f.do(t, "POST", "/report", form.Encode(), nil, "Content-Type", "application/x-www-form-urlencoded")
				if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "narrative") {
					t.Errorf("report page, bad narrative: %d %s", r.Status, truncate(string(r.Body), 300))
				}
			}
			if n := f.countStored(t); n != before {
				t.Errorf("%d records stored by refused requests", n-before)
			}
		})
	}
}

// openAPIOperations reads the served OpenAPI document: every operation
// with its parameters and its request body's string properties.
type operation struct {
	Method, Path string
	Params       []struct{ Name, In string }
	BodyStrings  []string // JSON paths of the body's string properties
	JSONBody     bool
}

func openAPIOperations(t *testing.T, f *fixture) []operation {
	t.Helper()
	r := f.do(t, "GET", "/api/v1/openapi.json", nil, nil)
	if r.Status != 200 {
		t.Fatalf("openapi: %s", r)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct{ Schemas map[string]json.RawMessage }
	}
	r.decode(t, &doc)
	var ops []operation
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				Parameters []struct {
					Name, In string
					Ref      string `json:"$ref"`
				}
				RequestBody struct {
					Content map[string]struct {
						Schema json.RawMessage
					}
				} `json:"requestBody"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				continue // not an operation (parameters, summary)
			}
			o := operation{Method: strings.ToUpper(method), Path: path}
			for _, p := range op.Parameters {
				o.Params = append(o.Params, struct{ Name, In string }{p.Name, p.In})
			}
			if c, ok := op.RequestBody.Content["application/json"]; ok {
				o.JSONBody = true
				o.BodyStrings = stringPaths(doc.Components.Schemas, c.Schema, "", 0)
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Path+ops[i].Method < ops[j].Path+ops[j].Method })
	return ops
}

// stringPaths lists the JSON paths of the string properties of a schema,
// following $refs and nested objects a few levels down.
func stringPaths(schemas map[string]json.RawMessage, raw json.RawMessage, prefix string, depth int) []string {
	var s struct {
		Ref        string `json:"$ref"`
		Type       any
		Properties map[string]json.RawMessage
		AllOf      []json.RawMessage `json:"allOf"`
	}
	if depth > 4 || json.Unmarshal(raw, &s) != nil {
		return nil
	}
	if name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/"); ok {
		return stringPaths(schemas, schemas[name], prefix, depth+1)
	}
	var out []string
	for _, a := range s.AllOf {
		out = append(out, stringPaths(schemas, a, prefix, depth+1)...)
	}
	if s.Type == "string" && prefix != "" {
		return []string{prefix}
	}
	for name, p := range s.Properties {
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		out = append(out, stringPaths(schemas, p, path, depth+1)...)
	}
	return out
}

// bodyWith is a JSON body whose only value, at path, is the string bad
// (inserted raw between quotes).
func bodyWith(path, bad string) string {
	parts := strings.Split(path, ".")
	out := `"` + bad + `"`
	for i := len(parts) - 1; i >= 0; i-- {
		out = `{"` + parts[i] + `":` + out + `}`
	}
	return out
}

// TestEveryRouteRefusesInvalidText sends invalid text in every path
// parameter, query parameter, header parameter and string property of
// the request body of every operation the served OpenAPI document
// describes: no answer is a 5xx, and each refusal names the field.
func TestEveryRouteRefusesInvalidText(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := textFixture(t, b)
			all := f.key(t, "MA", core.Permissions...)
			ops := openAPIOperations(t, f)
			if len(ops) < 40 {
				t.Fatalf("only %d operations in the OpenAPI document", len(ops))
			}
			client := &http.Client{Timeout: 20 * time.Second}
			send := func(method, path, body string, hdr ...string) *resp {
				t.Helper()
				var rd io.Reader
				if body != "" {
					rd = strings.NewReader(body)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				req, err := http.NewRequestWithContext(ctx, method, f.URL+path, rd)
				if err != nil {
					t.Fatalf("%s %s: %v", method, path, err)
				}
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				req.Header.Set("Authorization", "Bearer "+all.Key)
				for i := 0; i+1 < len(hdr); i += 2 {
					req.Header.Set(hdr[i], hdr[i+1])
				}
				res, err := client.Do(req)
				if err != nil {
					t.Fatalf("%s %s: %v", method, path, err)
				}
				defer res.Body.Close()
				raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
				return &resp{Method: method, Path: path, Status: res.StatusCode, Header: res.Header, Body: raw}
			}
			fill := func(path, param, value string) string {
				out := path
				for _, p := range []string{"id", "code", "username", "receipt", "iid", "aid", "fid", "did", "cid", "entity_id", "type", "lang", "event"} {
					v := "MA"
					if p == param {
						v = value
					} else if p == "id" || p == "iid" || p == "aid" || p == "fid" || p == "did" || p == "cid" || p == "event" {
						v = newID()
					} else if p == "type" {
						v = "red"
					} else if p == "entity_id" {
						v = "2026-1"
					}
					out = strings.ReplaceAll(out, "{"+p+"}", v)
				}
				return out
			}
			requests, checked := 0, 0
			check := func(r *resp, field string) {
				t.Helper()
				requests++
				if r.Status >= 500 {
					t.Errorf("5xx: %s", r)
					return
				}
				if r.Status != http.StatusBadRequest {
					t.Errorf("%s: want 400 naming %s", r, field)
					return
				}
				var p problem
				if json.Unmarshal(r.Body, &p) != nil || p.Code != "malformed" || len(p.Errors) == 0 || p.Errors[0].Field != field {
					t.Errorf("%s: want the field %s named", r, field)
					return
				}
				checked++
			}
			for _, op := range ops {
				if strings.Contains(op.Path, "{") && strings.Contains(fill(op.Path, "", ""), "{") {
					t.Errorf("%s %s: a path parameter this test does not know", op.Method, op.Path)
					continue
				}
				for _, p := range op.Params {
					for _, bad := range badQueryText {
						switch p.In {
						case "path":
							check(send(op.Method, fill(op.Path, p.Name, bad), ""), p.Name)
						case "query":
							check(send(op.Method, fill(op.Path, "", "")+"?"+url.QueryEscape(p.Name)+"="+bad, ""), p.Name)
						}
					}
					if p.In == "header" {
						for _, bad := range badHeaderText {
							check(send(op.Method, fill(op.Path, "", ""), "", p.Name, "x"+bad), p.Name)
						}
					}
				}
				if op.JSONBody {
					for _, sp := range op.BodyStrings {
						for _, bad := range badJSONText {
							check(send(op.Method, fill(op.Path, "", ""), bodyWith(sp, bad)), sp)
						}
					}
				}
			}
			t.Logf("%d operations, %d requests with invalid text, %d refused naming the field", len(ops), requests, checked)
			if requests < 200 {
				t.Errorf("only %d requests: the OpenAPI walk found too little", requests)
			}
		})
	}
}
