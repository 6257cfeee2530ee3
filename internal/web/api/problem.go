package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// StatusOf maps error codes to HTTP statuses: the one place that does
// (the console departs from it only where a page differs from the API).
func StatusOf(code string) int {
	switch code {
	case core.EINVALID:
		return http.StatusUnprocessableEntity
	case emalformed:
		return http.StatusBadRequest
	case core.EUNAUTHORIZED, core.ESECONDFACTOR:
		return http.StatusUnauthorized
	case core.EFORBIDDEN:
		return http.StatusForbidden
	case core.ENOTFOUND:
		return http.StatusNotFound
	case core.ECONFLICT:
		return http.StatusConflict
	case core.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case core.ERATELIMIT:
		return http.StatusTooManyRequests
	case core.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// statusOf is StatusOf, for this package's callers.
func statusOf(code string) int { return StatusOf(code) }

// emalformed is a request the API cannot read as sent (a body that is not
// the JSON we expect, text that is not text): 400 rather than 422.
const emalformed = "malformed"

// CodeMalformed is emalformed for the console's error pages.
const CodeMalformed = emalformed

var titles = map[string]string{
	core.EINVALID:      "Invalid input",
	emalformed:         "Malformed request",
	core.EUNAUTHORIZED: "Authentication required",
	core.ESECONDFACTOR: "Second factor required",
	core.EFORBIDDEN:    "Forbidden",
	core.ENOTFOUND:     "Not found",
	core.ECONFLICT:     "Conflict",
	core.ETOOLARGE:     "Request too large",
	core.ERATELIMIT:    "Too many requests",
	core.EUNAVAILABLE:  "Service unavailable",
	core.EINTERNAL:     "Internal error",
}

// Problem is an RFC 9457 problem details object, with the fields that
// were wrong.
type Problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Instance string            `json:"instance,omitempty"`
	Code     string            `json:"code"`
	Errors   []core.FieldError `json:"errors,omitempty"`
}

// writeError renders err as problem+json. Internal errors are logged and
// shown without detail.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := problemOf(err)
	p.Instance = r.URL.Path
	var e *core.Error
	if p.Code == core.ERATELIMIT && errors.As(err, &e) && e.RetryAfter > 0 && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", RetryAfterSeconds(e.RetryAfter))
	}
	if p.Status >= 500 && p.Code != core.EUNAVAILABLE {
		log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="manara"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// problemOf is err as a problem: the one shape of an error, whether it is
// a whole answer or a line of a stream (a batch's bad line, an export cut
// short).
func problemOf(err error) *Problem {
	code := core.ErrorCode(err)
	p := &Problem{Type: "urn:manara:problem:" + code, Title: titles[code], Status: statusOf(code), Code: code, Detail: core.ErrorMessage(err)}
	var e *core.Error
	if errors.As(err, &e) {
		p.Errors = e.Fields
	}
	return p
}

// RetryAfterSeconds is d as a Retry-After value: whole seconds, rounded
// up, at least 1.
func RetryAfterSeconds(d time.Duration) string {
	secs := int64((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return strconv.FormatInt(secs, 10)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// decode reads a JSON body strictly: one object, no unknown fields, within
// the size limit the middleware set. Errors name the field and what was
// expected.
func decode(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return &core.Error{Code: emalformed, Message: "the body must be application/json", Fields: []core.FieldError{{Field: "Content-Type", Reason: "must be application/json"}}}
	}
	// The whole body (bounded by the middleware) is kept: its strings are
	// checked as sent, before encoding/json quietly mends them.
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return decodeError(err)
	}
	return decodeJSON(raw, dst, "the body")
}

// decodeJSON reads raw strictly into dst, as decode does a body (what
// names raw in an error: "the body", "the line"): one object, nothing
// after it, no unknown fields, its strings text.
func decodeJSON(raw []byte, dst any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeErrorFor(err, dst, what)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &core.Error{Code: emalformed, Message: what + " must hold a single JSON object, with nothing after it"}
	}
	return checkJSONText(raw)
}

func decodeError(err error) error { return decodeErrorFor(err, nil, "the body") }

// decodeErrorFor is decodeError for what ("the body", or a batch's "the
// line", whose byte offsets are the line's) read into dst, whose
// embedded structs' type names encoding/json writes into a field's path
// ("PersonQuery.kinds"): the caller is told the field as it sent it, and
// the whole value at fault as "(body)" or "(line)".
func decodeErrorFor(err error, dst any, what string) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var max *http.MaxBytesError
	switch {
	case errors.As(err, &max):
		return core.Errorf(core.ETOOLARGE, "the body is larger than the limit of %d bytes", max.Limit)
	case errors.Is(err, io.EOF):
		return &core.Error{Code: emalformed, Message: what + " is empty: a JSON object was expected"}
	case errors.As(err, &syn):
		return &core.Error{Code: emalformed, Message: fmt.Sprintf("%s is not valid JSON (at byte %d): %v", what, syn.Offset, syn)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &core.Error{Code: emalformed, Message: what + " ends in the middle of a JSON value"}
	case errors.As(err, &typ):
		field := jsonPath(typ.Field, dst)
		if field == "" {
			field = "(" + strings.TrimPrefix(strings.TrimPrefix(what, "the "), "a ") + ")"
		}
		return &core.Error{Code: emalformed, Message: "a field has the wrong type",
			Fields: []core.FieldError{{Field: field, Reason: fmt.Sprintf("must be %s, not %s", jsonType(typ.Type.Kind().String()), typ.Value)}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &core.Error{Code: emalformed, Message: "unknown field " + name,
			Fields: []core.FieldError{{Field: name, Reason: "is not a known field"}}}
	}
	return &core.Error{Code: emalformed, Message: what + " could not be read as the expected JSON: " + err.Error()}
}

// jsonPath is a field's path as the body writes it: without the names of
// the structs dst embeds, which are Go's and not the body's.
func jsonPath(path string, dst any) string {
	if dst == nil || path == "" {
		return path
	}
	embedded := map[string]bool{}
	embeddedNames(reflect.TypeOf(dst), embedded, map[reflect.Type]bool{})
	parts := strings.Split(path, ".")
	kept := parts[:0]
	for i, p := range parts {
		if i < len(parts)-1 && embedded[p] {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, ".")
}

// embeddedNames adds to names the type names of the structs t embeds, at
// any depth.
func embeddedNames(t reflect.Type, names map[string]bool, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return
	}
	seen[t] = true
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			names[ft.Name()] = true
		}
		embeddedNames(f.Type, names, seen)
	}
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return "a " + kind
}
