package api

// The OpenAPI document and the route table must agree both ways: every
// route is described, every described operation is served, every $ref
// resolves, and the request schemas accept exactly what the decoder does.
// This test is inside the package to read the route table.

import (
	"context"
	"encoding/json"
	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/agreements"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/reports"
	"github.com/manara-hub/manara/internal/store/storetest"
)

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

func TestOpenAPI(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := New(st, auth.NewService(st), records.New(st), slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Version: "test"})
			hs := httptest.NewServer(s.Handler())
			defer hs.Close()

			res, err := http.Get(hs.URL + "/api/v1/openapi.json")
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("openapi.json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("openapi.json does not parse: %v", err)
			}
			if doc["openapi"] != "3.1.0" {
				t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
			}
			if info, _ := doc["info"].(map[string]any); info["version"] != "test" || info["title"] == "" {
				t.Errorf("info = %v", info)
			}
			paths, _ := doc["paths"].(map[string]any)
			schemas, _ := dig(doc, "components", "schemas").(map[string]any)
			if len(paths) == 0 || len(schemas) == 0 {
				t.Fatalf("no paths or no schemas")
			}

			t.Run("every route is documented", func(t *testing.T) { checkRoutesDocumented(t, s.routes, paths) })
			t.Run("every documented operation is a route", func(t *testing.T) { checkDocumentedRoutes(t, s.routes, paths) })
			t.Run("every documented operation is served", func(t *testing.T) { checkServed(t, s, hs, s.routes, paths) })
			t.Run("every ref resolves", func(t *testing.T) {
				n := 0
				walkRefs(doc, "#", func(where, ref string) {
					n++
					name, ok := strings.CutPrefix(ref, "#/components/schemas/")
					if !ok {
						t.Errorf("%s: $ref %q is not a component schema", where, ref)
					} else if _, ok := schemas[name]; !ok {
						t.Errorf("%s: $ref %q names no schema", where, ref)
					}
				})
				if n == 0 {
					t.Errorf("no $ref at all")
				}
			})
			t.Run("request schemas match the decoder", func(t *testing.T) { checkBodies(t, schemas) })
			t.Run("response schemas describe what is sent", func(t *testing.T) { checkResponses(t, schemas) })
		})
	}
}

func checkRoutesDocumented(t *testing.T, routes []route, paths map[string]any) {
	ops := map[string]bool{}
	for _, rt := range routes {
		item, _ := paths[rt.Path].(map[string]any)
		op, _ := item[strings.ToLower(rt.Method)].(map[string]any)
		if op == nil {
			t.Errorf("%s %s is served but not documented", rt.Method, rt.Path)
			continue
		}
		id, _ := op["operationId"].(string)
		if id == "" || ops[id] {
			t.Errorf("%s %s: operationId %q missing or not unique", rt.Method, rt.Path, id)
		}
		ops[id] = true
		if s, _ := op["summary"].(string); s == "" {
			t.Errorf("%s %s: no summary", rt.Method, rt.Path)
		}
		status := "200"
		if rt.Status != 0 {
			status = strconv.Itoa(rt.Status)
		}
		responses, _ := op["responses"].(map[string]any)
		if responses[status] == nil || responses["default"] == nil {
			t.Errorf("%s %s: responses %v, want %s and default", rt.Method, rt.Path, keys(responses), status)
		}
		if ref := dig(responses, "default", "content", "application/problem+json", "schema", "$ref"); ref != "#/components/schemas/Problem" {
			t.Errorf("%s %s: errors are not documented as problem+json: %v", rt.Method, rt.Path, ref)
		}
		if rt.Body != "" {
			media := "application/json"
			if rt.StreamIn != "" {
				media = rt.StreamIn
			}
			if ref := dig(op, "requestBody", "content", media, "schema", "$ref"); ref != "#/components/schemas/"+rt.Body {
				t.Errorf("%s %s: request body %v, want %s", rt.Method, rt.Path, ref, rt.Body)
			}
		} else if op["requestBody"] != nil {
			t.Errorf("%s %s: documents a body it does not read", rt.Method, rt.Path)
		}
		// Path parameters: every {name} is declared, in: path, required.
		declared := map[string]map[string]any{}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			pm, _ := p.(map[string]any)
			name, _ := pm["name"].(string)
			in, _ := pm["in"].(string)
			if declared[in+":"+name] != nil {
				t.Errorf("%s %s: parameter %s in %s declared twice", rt.Method, rt.Path, name, in)
			}
			declared[in+":"+name] = pm
		}
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			pm := declared["path:"+m[1]]
			if pm == nil || pm["required"] != true {
				t.Errorf("%s %s: path parameter %s not declared as required", rt.Method, rt.Path, m[1])
			}
		}
		for k := range declared {
			if name, ok := strings.CutPrefix(k, "path:"); ok && !strings.Contains(rt.Path, "{"+name+"}") {
				t.Errorf("%s %s: declares path parameter %s that is not in the path", rt.Method, rt.Path, name)
			}
		}
		// Public routes say so; the others fall under the global security.
		sec, hasSec := op["security"].([]any)
		if rt.Public != (hasSec && len(sec) == 0) {
			t.Errorf("%s %s: public=%v but security=%v", rt.Method, rt.Path, rt.Public, op["security"])
		}
	}
}

func checkDocumentedRoutes(t *testing.T, routes []route, paths map[string]any) {
	served := map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true}
	for _, rt := range routes {
		served[rt.Method+" "+rt.Path] = true
	}
	for p, item := range paths {
		for m := range item.(map[string]any) {
			if !slices.Contains(httpMethods, m) {
				continue
			}
			if !served[strings.ToUpper(m)+" "+p] {
				t.Errorf("%s %s is documented but not a route", strings.ToUpper(m), p)
			}
		}
	}
}

// checkServed sends a request to every documented operation: without
// credentials, a protected route answers 401 and a public one answers for
// itself; none answers 404 or 405. With credentials, no answer comes from
// the catch-all for unknown routes.
func checkServed(t *testing.T, s *Server, hs *httptest.Server, routes []route, paths map[string]any) {
	public := map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true}
	for _, rt := range routes {
		if rt.Public {
			public[rt.Method+" "+rt.Path] = true
		}
	}
	samples := map[string]string{"id": "01900000-0000-7000-8000-000000000000", "code": "MA", "username": "nobody.here",
		"aid": "01900000-0000-7000-8000-000000000001", "did": "01900000-0000-7000-8000-000000000001", "type": "red", "entity_id": "2026-00001",
		"receipt": "R-2026-AAAAAAAA", "iid": "0123456789abcdef", "fid": "01900000-0000-7000-8000-000000000002", "cid": "01900000-0000-7000-8000-000000000003",
		"event": "01900000-0000-7000-8000-000000000004"}
	send := func(method, path string, body string, hdr ...string) (int, string) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, hs.URL+path, rd)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := hs.Client().Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(raw)
	}
	// The probe can tell: an unknown route is 404 from the catch-all.
	if code, body := send("DELETE", "/api/v1/records", ""); code != 404 || !strings.Contains(body, "no such API route") {
		t.Fatalf("an unknown route answers %d %s", code, body)
	}
	_, key, err := s.Auth.CreateKey(context.Background(), core.Viewer{System: true},
		auth.NewKey{Name: "probe", Bureau: "IPSG", Permissions: core.Permissions})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		for m := range paths[p].(map[string]any) {
			if !slices.Contains(httpMethods, m) {
				continue
			}
			method := strings.ToUpper(m)
			path := pathParam.ReplaceAllStringFunc(p, func(s string) string { return samples[strings.Trim(s, "{}")] })
			body := ""
			if dig(paths, p, m, "requestBody") != nil {
				body = "{}"
			}
			code, resp := send(method, path, body)
			// A public route with path parameters answers for itself: no
			// such notice is a problem+json 404, not the router's.
			ownAnswer := public[method+" "+p] && strings.Contains(resp, `"code":"not_found"`) && !strings.Contains(resp, "no such API route")
			switch {
			case code == 405 || code == 404 && !ownAnswer:
				t.Errorf("%s %s (documented %s) is not served: %d %s", method, path, p, code, resp)
			case public[method+" "+p] && code == 401:
				t.Errorf("%s %s is documented as public but answers 401", method, path)
			case !public[method+" "+p] && code != 401:
				t.Errorf("%s %s is protected but answers %d without credentials: %s", method, path, code, resp)
			}
			// An invalid Last-Event-ID makes the event stream answer at once
			// (422) instead of streaming; other routes ignore the header.
			code, resp = send(method, path, body, "Authorization", "Bearer "+key, "Last-Event-ID", "probe")
			if code == 405 || strings.Contains(resp, "no such API route") {
				t.Errorf("%s %s with credentials is not served: %d %s", method, path, code, resp)
			}
		}
	}
}

// checkBodies: a request schema that forbids additional properties must
// list exactly the fields the strict decoder accepts, or clients that
// follow the document are refused (or miss fields).
func checkBodies(t *testing.T, schemas map[string]any) {
	loginFields := []string{"password", "totp", "username"}
	cases := map[string][]string{
		"RecordInput":      jsonFields(reflect.TypeFor[records.Input]()),
		"Releasability":    jsonFields(reflect.TypeFor[core.Releasability]()),
		"Reason":           jsonFields(reflect.TypeFor[reasonIn]()),
		"NewUser":          jsonFields(reflect.TypeFor[auth.NewUser]()),
		"NewKey":           jsonFields(reflect.TypeFor[auth.NewKey]()),
		"Login":            loginFields,
		"NoticeInput":      jsonFields(reflect.TypeFor[notices.Input]()),
		"NoticeUpdate":     jsonFields(reflect.TypeFor[notices.UpdateInput]()),
		"NoticeDecision":   jsonFields(reflect.TypeFor[notices.Decision]()),
		"Version":          jsonFields(reflect.TypeFor[versionIn]()),
		"ReportInput":      jsonFields(reflect.TypeFor[reports.Input]()),
		"ReportAddition":   jsonFields(reflect.TypeFor[reports.AddInput]()),
		"ReportChange":     jsonFields(reflect.TypeFor[reports.Change]()),
		"CampaignMerge":    jsonFields(reflect.TypeFor[campaignMergeIn]()),
		"CampaignSplit":    jsonFields(reflect.TypeFor[campaignSplitIn]()),
		"CampaignName":     jsonFields(reflect.TypeFor[campaignNameIn]()),
		"CampaignEscalate": jsonFields(reflect.TypeFor[reports.EscalateInput]()),

		"AssemblySessionInput":  jsonFields(reflect.TypeFor[assembly.SessionInput]()),
		"AssemblySessionState":  {"state", "version"},
		"AgendaItemInput":       jsonFields(reflect.TypeFor[assembly.ItemInput]()),
		"DelegationInput":       jsonFields(reflect.TypeFor[assembly.DelegationInput]()),
		"CredentialsDecision":   jsonFields(reflect.TypeFor[assembly.CredentialsInput]()),
		"CandidateInput":        jsonFields(reflect.TypeFor[assembly.CandidateInput]()),
		"AssemblyCountry":       jsonFields(reflect.TypeFor[assembly.CountryInput]()),
		"RoundInput":            jsonFields(reflect.TypeFor[assembly.RoundInput]()),
		"TokenRequest":          jsonFields(reflect.TypeFor[assembly.TokenInput]()),
		"BallotInput":           jsonFields(reflect.TypeFor[assembly.BallotInput]()),
		"GatheringInput":        jsonFields(reflect.TypeFor[meetings.GatheringInput]()),
		"GatheringRoom":         jsonFields(reflect.TypeFor[core.GatheringRoom]()),
		"Interpreter":           jsonFields(reflect.TypeFor[core.Interpreter]()),
		"Plenary":               jsonFields(reflect.TypeFor[core.Plenary]()),
		"GatheringParty":        jsonFields(reflect.TypeFor[core.GatheringParty]()),
		"TimeRange":             jsonFields(reflect.TypeFor[core.TimeRange]()),
		"Participant":           jsonFields(reflect.TypeFor[core.Participant]()),
		"MeetingRequestInput":   jsonFields(reflect.TypeFor[meetings.RequestInput]()),
		"MeetingAnswer":         jsonFields(reflect.TypeFor[meetings.AnswerInput]()),
		"MeetingLock":           jsonFields(reflect.TypeFor[meetingLockIn]()),
		"AgreementInput":        jsonFields(reflect.TypeFor[agreements.Input]()),
		"AgreementUpdate":       jsonFields(reflect.TypeFor[agreements.UpdateInput]()),
		"AgreementStatusChange": jsonFields(reflect.TypeFor[agreements.StatusInput]()),
		"AgreementParty":        jsonFields(reflect.TypeFor[core.AgreementParty]()),
		"ParticipantList":       jsonFields(reflect.TypeFor[accreditation.ListInput]()),
		"ParticipantInput":      jsonFields(reflect.TypeFor[accreditation.AttendeeInput]()),
		"ParticipantDocument":   jsonFields(reflect.TypeFor[accreditation.DocumentInput]()),
		"ParticipantDecision":   jsonFields(reflect.TypeFor[accreditation.DecisionInput]()),
	}
	for name, fields := range cases {
		sc, _ := schemas[name].(map[string]any)
		if sc == nil {
			t.Errorf("no schema %s", name)
			continue
		}
		if sc["additionalProperties"] != false {
			t.Errorf("%s: the decoder refuses unknown fields, the schema should say additionalProperties: false", name)
		}
		props, _ := sc["properties"].(map[string]any)
		if got := keys(props); !slices.Equal(got, fields) {
			t.Errorf("%s: schema properties %v, decoder fields %v", name, got, fields)
		}
		req, _ := sc["required"].([]any)
		for _, r := range req {
			if _, ok := props[r.(string)]; !ok {
				t.Errorf("%s: required %v is not a property", name, r)
			}
		}
	}
}

// checkResponses: every field a response carries is in its schema.
func checkResponses(t *testing.T, schemas map[string]any) {
	cases := map[string][]string{
		"Record":        append(jsonFields(reflect.TypeFor[core.Record]()), "flags"),
		"AuditEntry":    jsonFields(reflect.TypeFor[core.AuditEntry]()),
		"User":          jsonFields(reflect.TypeFor[core.User]()),
		"Key":           jsonFields(reflect.TypeFor[core.APIKey]()),
		"Me":            jsonFields(reflect.TypeFor[me]()),
		"Country":       jsonFields(reflect.TypeFor[countryOut]()),
		"Problem":       jsonFields(reflect.TypeFor[Problem]()),
		"Notice":        jsonFields(reflect.TypeFor[noticeOut]()),
		"NoticeVersion": jsonFields(reflect.TypeFor[core.NoticeVersion]()),
		"Attachment":    jsonFields(reflect.TypeFor[core.Attachment]()),
		"NoticeCheck":   jsonFields(reflect.TypeFor[notices.Check]()),

		"AssemblySession":       jsonFields(reflect.TypeFor[core.AssemblySession]()),
		"AssemblySessionView":   jsonFields(reflect.TypeFor[assembly.SessionView]()),
		"AgendaItem":            jsonFields(reflect.TypeFor[core.AgendaItem]()),
		"Delegation":            jsonFields(reflect.TypeFor[core.Delegation]()),
		"Round":                 jsonFields(reflect.TypeFor[core.Round]()),
		"TokenAnswer":           jsonFields(reflect.TypeFor[assembly.TokenOutput]()),
		"Receipt":               jsonFields(reflect.TypeFor[assembly.Receipt]()),
		"BoardEntry":            jsonFields(reflect.TypeFor[core.BoardEntry]()),
		"Board":                 jsonFields(reflect.TypeFor[assembly.BoardFile]()),
		"Gathering":             jsonFields(reflect.TypeFor[core.Gathering]()),
		"MeetingRequest":        jsonFields(reflect.TypeFor[core.MeetingRequest]()),
		"MeetingPlan":           jsonFields(reflect.TypeFor[meetings.PlanReport]()),
		"MeetingGrid":           jsonFields(reflect.TypeFor[meetings.Grid]()),
		"Agreement":             jsonFields(reflect.TypeFor[core.Agreement]()),
		"AgreementDocument":     jsonFields(reflect.TypeFor[core.AgreementDocument]()),
		"AgreementHistoryEntry": jsonFields(reflect.TypeFor[core.AgreementStatusChange]()),
		"AgreementPage":         jsonFields(reflect.TypeFor[agreements.Page]()),
		"AccreditedParticipant": jsonFields(reflect.TypeFor[core.Attendee]()),
		"ParticipantImport":     jsonFields(reflect.TypeFor[accreditation.ImportResult]()),
		"ParticipantQueue":      jsonFields(reflect.TypeFor[accreditation.Queue]()),
	}
	for name, fields := range cases {
		props, _ := dig(schemas, name, "properties").(map[string]any)
		for _, f := range fields {
			if _, ok := props[f]; !ok {
				t.Errorf("%s: the API sends %q, the schema does not describe it", name, f)
			}
		}
		for _, p := range keys(props) {
			if !slices.Contains(fields, p) {
				t.Errorf("%s: the schema describes %q, which the API never sends", name, p)
			}
		}
	}
}

// jsonFields lists the JSON names encoding/json uses for a struct type,
// sorted, following embedded structs and skipping "-".
func jsonFields(typ reflect.Type) []string {
	var out []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			out = append(out, jsonFields(et)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func walkRefs(v any, where string, fn func(where, ref string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if k == "$ref" {
				s, _ := c.(string)
				fn(where, s)
				continue
			}
			walkRefs(c, where+"/"+k, fn)
		}
	case []any:
		for i, c := range x {
			walkRefs(c, where+"/"+strconv.Itoa(i), fn)
		}
	}
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
