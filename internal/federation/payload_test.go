package federation

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

func TestParseScreenQuery(t *testing.T) {
	for _, c := range []struct {
		payload, field string
	}{
		{`{"searcher":"ES","query":{"name":"Hamid Zarhouni"}}`, ""},
		{`{"searcher":"ES","document":{"number":"QX4471902","country":"MA","type":"passport"}}`, ""},
		{`{"searcher":"ES","identifier":{"type":"iban","value":"FR7630006000011234567890189"}}`, ""},
		{`{"searcher":"ES"}`, "payload"},
		{`{"searcher":"ES","query":{"name":"A"},"document":{"number":"1","country":"MA"}}`, "payload"},
		{`{"searcher":"ES","document":{"number":"QX4471902"}}`, "payload.document"},
		{`{"searcher":"ES","document":{"number":"QX4471902","country":"MA","mrz":"P<MAR..."}}`, "payload"},
		{`{"searcher":"ES","identifier":{"type":"iban","value":""}}`, "payload.identifier"},
		{`{"searcher":"ES","identifier":{"type":"iban","value":"` + strings.Repeat("9", 513) + `"}}`, "payload.identifier"},
		{`{"searcher":"ES","query":{"name":""}}`, "payload.query"},
	} {
		_, err := parseScreenQuery([]byte(c.payload))
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.payload, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: want an error on %s, got %v", c.payload, c.field, err)
		}
	}
}

// FuzzScreenQuery: whatever a peer sends as a query's payload is either
// refused or exactly one query within the limits.
func FuzzScreenQuery(f *testing.F) {
	f.Add([]byte(`{"searcher":"ES","query":{"name":"Hamid Zarhouni","date_of_birth":"1979"}}`))
	f.Add([]byte(`{"searcher":"ES","document":{"number":"QX4471902","country":"MA"}}`))
	f.Add([]byte(`{"searcher":"ES","identifier":{"type":"iban","value":"FR76"}}`))
	f.Add([]byte(`{"searcher":"ES","query":null,"document":null}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		q, err := parseScreenQuery(raw)
		if err != nil {
			return
		}
		n := 0
		if q.Person != nil {
			n++
			if strings.TrimSpace(q.Person.Name) == "" || len(q.Person.Name) > maxQueryName {
				t.Fatalf("person query accepted: %+v", q.Person)
			}
		}
		if q.Document != nil {
			n++
			if q.Document.Number == "" || q.Document.Country == "" || len(q.Document.Number) > maxQueryField {
				t.Fatalf("document query accepted: %+v", q.Document)
			}
		}
		if q.Identifier != nil {
			n++
			if q.Identifier.Value == "" || len(q.Identifier.Value) > maxQueryValue {
				t.Fatalf("identifier query accepted: %+v", q.Identifier)
			}
		}
		if n != 1 {
			t.Fatalf("%d queries accepted in one payload: %s", n, raw)
		}
	})
}

// FuzzHitStep: a hit.state payload is either refused or a step of the
// bundle's hit, of one side, to a state the hits' workflow knows.
func FuzzHitStep(f *testing.F) {
	good, _ := json.Marshal(hitStatePayload{HitID: "h1", Side: "owner", Index: 1, Step: core.HitStep{Side: "owner", Bureau: "MA", From: core.HitNew, To: core.HitBeingChecked}})
	f.Add(good, int64(1))
	f.Add([]byte(`{"hit_id":"h1","side":"owner","index":-1,"step":{}}`), int64(-1))
	f.Add([]byte(`{"hit_id":"h1","side":"judge","index":1,"step":{"side":"judge","to":"confirmed"}}`), int64(1))
	f.Fuzz(func(t *testing.T, raw []byte, version int64) {
		pl, err := parseHitStep(&Bundle{ObjectID: "h1", ObjectVersion: version, Payload: raw})
		if err != nil {
			return
		}
		if pl.HitID != "h1" || pl.Index < 1 || int64(pl.Index) != version || (pl.Side != "owner" && pl.Side != "searcher") ||
			pl.Step.Side != pl.Side || !slices.Contains(core.HitStates, pl.Step.To) {
			t.Fatalf("accepted: %+v", pl)
		}
	})
}
