package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/web/api"
)

// screenHit is one screening answer as the API gives it.
type screenHit struct {
	Score       float64  `json:"score"`
	Restricted  bool     `json:"restricted"`
	Owner       string   `json:"owner"`
	Reference   string   `json:"reference"`
	Message     string   `json:"message"`
	RecordID    string   `json:"record_id"`
	Kind        string   `json:"kind"`
	Label       string   `json:"label"`
	Matched     string   `json:"matched"`
	Explanation []string `json:"explanation"`
	HitID       string   `json:"hit_id"`
}

type screenData struct {
	Kind    string
	Hits    []screenHit
	Done    bool
	Context string
}

var screenKinds = map[string]string{"person": "/api/v1/screen/person", "document": "/api/v1/screen/document",
	"mrz": "/api/v1/screen/document", "identifier": "/api/v1/screen/identifier"}

func (c *Console) screenPage(q *req) error {
	kind := q.r.URL.Query().Get("kind")
	if _, ok := screenKinds[kind]; !ok {
		kind = "person"
	}
	p := c.newPage(q, "screen", screenData{Kind: kind})
	p.Title = q.L.T("nav.screen")
	return c.render(q, "screen", http.StatusOK, p)
}

// screenPost screens through the API's own handler, in process: the
// screening, its audit entry and the hit records it makes (which wake the
// owner's inbox) live there, so the console cannot screen differently.
func (c *Console) screenPost(q *req) error {
	f := q.r.PostForm
	kind := f.Get("kind")
	path, ok := screenKinds[kind]
	if !ok {
		kind, path = "person", screenKinds["person"]
	}
	body := map[string]any{}
	set := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			body[k] = v
		}
	}
	switch kind {
	case "person":
		set("name", f.Get("name"))
		set("date_of_birth", f.Get("date_of_birth"))
		set("sex", f.Get("sex"))
		set("nationality", strings.ToUpper(f.Get("nationality")))
	case "document":
		set("number", f.Get("number"))
		set("country", strings.ToUpper(f.Get("country")))
		set("type", f.Get("type"))
	case "mrz":
		set("mrz", f.Get("mrz"))
	case "identifier":
		set("value", f.Get("value"))
		set("type", f.Get("type"))
	}
	if place := strings.TrimSpace(f.Get("place")); place != "" {
		body["context"] = map[string]string{"place": place}
	}
	p := c.newPage(q, "screen", nil)
	p.Title, p.Form = q.L.T("nav.screen"), f
	d := screenData{Kind: kind}
	b, _ := json.Marshal(body)
	in, err := http.NewRequestWithContext(q.r.Context(), http.MethodPost, path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	in.RemoteAddr = q.r.RemoteAddr
	in.Host = q.r.Host
	in.Header.Set("Content-Type", "application/json")
	in.Header.Set("Sec-Fetch-Site", "same-origin") // the console itself is the origin
	in.AddCookie(&http.Cookie{Name: api.CookieName, Value: q.token})
	if xff := q.r.Header.Get("X-Forwarded-For"); xff != "" {
		in.Header.Set("X-Forwarded-For", xff)
	}
	rec := httptest.NewRecorder()
	c.API.Handler().ServeHTTP(rec, in)
	if rec.Code != http.StatusOK {
		var prob struct {
			Status int               `json:"status"`
			Errors []core.FieldError `json:"errors"`
			Detail string            `json:"detail"`
		}
		json.Unmarshal(rec.Body.Bytes(), &prob)
		if rec.Code == http.StatusBadRequest || rec.Code == http.StatusUnprocessableEntity {
			fe := map[string]string{}
			for _, e := range prob.Errors {
				name := e.Field
				if kind == "mrz" {
					name = "mrz"
				}
				fe[name] = reasonText(q.L, e.Reason)
			}
			if len(fe) == 0 {
				fe[map[string]string{"person": "name", "document": "number", "mrz": "mrz", "identifier": "value"}[kind]] = reasonText(q.L, prob.Detail)
			}
			p.Errors, p.Data = fe, d
			return c.render(q, "screen", http.StatusBadRequest, p)
		}
		switch rec.Code {
		case http.StatusUnauthorized:
			return core.Errorf(core.EUNAUTHORIZED, "session ended")
		case http.StatusForbidden:
			return core.Errorf(core.EFORBIDDEN, "screening refused")
		case http.StatusServiceUnavailable:
			return core.Errorf(core.EUNAVAILABLE, "index not ready")
		case http.StatusTooManyRequests:
			return core.Errorf(core.ERATELIMIT, "slow down")
		}
		return core.Errorf(core.EINTERNAL, "screening answered %d", rec.Code)
	}
	var ans struct {
		Hits []screenHit `json:"hits"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
		return err
	}
	d.Hits, d.Done = ans.Hits, true
	p.Data = d
	return c.render(q, "screen", http.StatusOK, p)
}
