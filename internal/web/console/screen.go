package console

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/web/api"
)

type screenData struct {
	Kind     string
	Hits     []api.AnswerHit
	Done     bool
	Context  string
	PlaceMax int
}

// screenKinds are the screening forms; mrz is a document by its MRZ.
var screenKinds = map[string]bool{"person": true, "document": true, "mrz": true, "identifier": true}

// screenFields is the form field a screening error without field errors
// is shown at.
var screenFields = map[string]string{"person": "name", "document": "number", "mrz": "mrz", "identifier": "value"}

// screenNames are the form's names for the service's fields: the place is
// the screening context's entry "place".
var screenNames = map[string]string{"context.place": "place"}

func (c *Console) screenPage(q *req) error {
	kind := q.r.URL.Query().Get("kind")
	if !screenKinds[kind] {
		kind = "person"
	}
	p := c.newPage(q, "screen", screenData{Kind: kind, PlaceMax: api.MaxContextValueBytes})
	p.Title = q.L.T("nav.screen")
	return c.render(q, "screen", http.StatusOK, p)
}

// screenPost screens through the API server's own screening, in process
// and as the signed-in user: the screening, its audit entry and the hit
// records it makes (which wake the owner's inbox) live there, so the
// console cannot screen differently.
func (c *Console) screenPost(q *req) error {
	f := q.r.PostForm
	kind := f.Get("kind")
	if !screenKinds[kind] {
		kind = "person"
	}
	var sc map[string]string
	place := formText(f.Get("place"))
	if place != "" {
		sc = map[string]string{"place": place}
	}
	p := c.newPage(q, "screen", nil)
	p.Title, p.Form = q.L.T("nav.screen"), f
	d := screenData{Kind: kind, PlaceMax: api.MaxContextValueBytes}
	var found []api.AnswerHit
	var err error
	switch kind {
	case "person":
		pq := screen.PersonQuery{Name: formText(f.Get("name")), DateOfBirth: formText(f.Get("date_of_birth")),
			Sex: formText(f.Get("sex")), Nationality: formText(strings.ToUpper(f.Get("nationality")))}
		if f.Get("people_only") == "on" {
			pq.Kinds = screen.PeopleOnly
		}
		found, err = c.API.ScreenPerson(q.r, q.V, pq, sc)
	case "document":
		found, err = c.API.ScreenDocument(q.r, q.V, screen.DocumentQuery{Number: formText(f.Get("number")), Country: formText(strings.ToUpper(f.Get("country"))),
			Type: formText(f.Get("type"))}, sc)
	case "mrz":
		found, err = c.API.ScreenDocument(q.r, q.V, screen.DocumentQuery{MRZ: formText(f.Get("mrz"))}, sc)
	case "identifier":
		found, err = c.API.ScreenIdentifier(q.r, q.V, screen.IdentifierQuery{Value: formText(f.Get("value")), Type: formText(f.Get("type"))}, sc)
	}
	if err != nil {
		switch core.ErrorCode(err) {
		case core.EINVALID:
			p.Errors, p.Data = screenErrors(q.L, kind, err), d
			return c.render(q, "screen", http.StatusBadRequest, p)
		case core.EUNAUTHORIZED, core.EFORBIDDEN, core.EUNAVAILABLE, core.ERATELIMIT:
			return err
		}
		return core.Errorf(core.EINTERNAL, "screening: %v", err)
	}
	d.Hits, d.Done = onePerRecord(found), true
	p.Data = d
	return c.render(q, "screen", http.StatusOK, p)
}

// onePerRecord keeps one row per record, the first (best) of its hits:
// the screening answers one hit per record, and the console keeps to it
// whatever the answer, so a record is never listed twice. Restricted hits
// do not name their record; each is its own row.
func onePerRecord(hs []api.AnswerHit) []api.AnswerHit {
	seen := map[string]bool{}
	out := hs[:0:0]
	for _, h := range hs {
		if h.RecordID != "" {
			if seen[h.RecordID] {
				continue
			}
			seen[h.RecordID] = true
		}
		out = append(out, h)
	}
	return out
}

// screenErrors are a refused screening's field errors by form field: an
// MRZ form has one field besides the place, which every error but the
// place's is shown at (the last one told); an error without field errors
// is shown at the form's main field.
func screenErrors(l *Lang, kind string, err error) map[string]string {
	fe, ok := fieldErrors(l, err, screenNames)
	if !ok {
		return map[string]string{screenFields[kind]: reasonText(l, core.FieldError{Reason: core.ErrorMessage(err)})}
	}
	if kind == "mrz" {
		var e *core.Error
		errors.As(err, &e)
		out := map[string]string{}
		if msg, ok := fe["place"]; ok {
			out["place"] = msg
		}
		for i := len(e.Fields) - 1; i >= 0; i-- {
			if formName(e.Fields[i].Field, screenNames) != "place" {
				out["mrz"] = reasonText(l, e.Fields[i])
				break
			}
		}
		fe = out
	}
	return fe
}

// formText is a form value as the screening takes it: trimmed, and each
// byte that is not UTF-8 replaced by U+FFFD (as the API's JSON carries it).
func formText(v string) string {
	v = strings.TrimSpace(v)
	if utf8.ValidString(v) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(v[i : i+n])
		}
		i += n
	}
	return b.String()
}
