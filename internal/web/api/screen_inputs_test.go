package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/ident"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// A document screened by its MRZ makes a hit that keeps the document the
// zone holds (number, country, type) and that it was read from a zone,
// never the zone: it carries the holder's name, birth date, sex and
// nationality.
func TestScreenDocumentByMRZHitKeepsNotTheZone(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			l1, l2, err := ident.FormatTD3(ident.MRZ{IssuingState: "MAR", Surname: "QUILLFEATHER", GivenNames: "ZELDA",
				DocumentNumber: "ZX7654321", Nationality: "MAR", BirthDate: "1974-08-12", Sex: "F", ExpiryDate: "2032-04-15"})
			if err != nil {
				t.Fatal(err)
			}
			f.createRecord(t, ma, map[string]any{"kind": "travel_document", "releasability": releasedToAll,
				"data": map[string]any{"number": "ZX7654321", "issuing_country": "MA", "document_type": "passport"}})
			for _, batch := range []bool{false, true} {
				var hitID string
				if batch {
					line, _ := json.Marshal(map[string]any{"type": "document", "mrz": l1 + "\n" + l2})
					r := f.do(t, "POST", "/api/v1/screen/batch", string(line)+"\n", fr, "Content-Type", "application/x-ndjson")
					var out struct {
						Hits []struct {
							HitID string `json:"hit_id"`
						}
					}
					if r.Status != 200 || json.Unmarshal([]byte(strings.SplitN(string(r.Body), "\n", 2)[0]), &out) != nil || len(out.Hits) != 1 {
						t.Fatalf("batch: want one hit: %s", r)
					}
					hitID = out.Hits[0].HitID
				} else {
					r := f.do(t, "POST", "/api/v1/screen/document", map[string]any{"mrz": l1 + "\n" + l2}, fr)
					var a struct {
						Hits []struct {
							HitID string `json:"hit_id"`
						}
					}
					if r.Status != 200 {
						t.Fatalf("screening: %s", r)
					}
					r.decode(t, &a)
					if len(a.Hits) != 1 {
						t.Fatalf("want one hit: %s", r)
					}
					hitID = a.Hits[0].HitID
				}
				if hitID == "" {
					t.Fatalf("batch %t: the hit has no hit record", batch)
				}
				var h *core.Hit
				if err := f.Store.View(context.Background(), func(tx core.Tx) (err error) {
					h, err = tx.GetHit(hitID)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if h.Subject != "zx7654321|ma|passport|" {
					t.Errorf("batch %t: subject %q, want the document the zone holds, zx7654321|ma|passport|", batch, h.Subject)
				}
				if h.Query != "document by MRZ" || len(h.QueryFields) != 1 || h.QueryFields[0] != (core.QueryField{Field: core.QueryMRZ}) {
					t.Errorf("batch %t: query %q %+v, want document by MRZ and the field mrz alone", batch, h.Query, h.QueryFields)
				}
				all := strings.ToLower(fmt.Sprintf("%+v", *h))
				for _, held := range []string{"quillfeather", "zelda", "740812", "<<"} {
					if strings.Contains(all, held) {
						t.Errorf("batch %t: the hit keeps %q of the zone: %s", batch, held, all)
					}
				}
			}
		})
	}
}

// A caller without the screen permission is refused with 403, and the
// refusal audited as denied, whatever else is wrong with the request: a
// context over the limits is told only to a caller who may screen.
func TestScreenDeniedBeforeTheContextIsRead(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			noScreen := f.key(t, "FR", core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			ctx := map[string]string{}
			for i := 0; i < 11; i++ {
				ctx[fmt.Sprintf("k%d", i)] = "v"
			}
			for _, c := range []struct {
				action string
				body   map[string]any
			}{
				{"screen.person", map[string]any{"name": "Zelda Quillfeather", "context": ctx}},
				{"screen.document", map[string]any{"number": "ZX7654321", "country": "MA", "context": ctx}},
				{"screen.identifier", map[string]any{"type": "plate", "value": "AB-123-CD", "context": ctx}},
			} {
				path := "/api/v1/" + strings.ReplaceAll(c.action, ".", "/")
				wantProblem(t, f.do(t, "POST", path, c.body, noScreen), 403, "forbidden", "")
				wantProblem(t, f.do(t, "POST", path, c.body, fr), 422, "invalid", "context")
				var denied []core.AuditEntry
				for deadline := time.Now().Add(2 * time.Second); len(denied) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
					var es []core.AuditEntry
					if err := f.Store.View(context.Background(), func(tx core.Tx) (err error) {
						es, err = tx.AuditEntries(0, 10_000)
						return err
					}); err != nil {
						t.Fatal(err)
					}
					for _, e := range es {
						if e.Action == c.action && e.Outcome == "denied" {
							denied = append(denied, e)
						}
					}
				}
				if len(denied) != 1 {
					t.Fatalf("%s: %d denied entries, want 1", c.action, len(denied))
				}
				if !strings.HasSuffix(denied[0].Query, " context=(11 entries over the limits, not kept)") {
					t.Errorf("%s: denied entry's query %q, want the context said to be over the limits and not kept", c.action, denied[0].Query)
				}
			}
		})
	}
}

// "is required" is said of a field left blank; of a value sent that
// holds nothing usable, what is wrong with it.
func TestScreenSentValueToldWhatIsWrong(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			fr := f.key(t, "FR", core.PermScreen)
			for _, c := range []struct {
				path, field, reason string
				body                map[string]any
			}{
				{"/api/v1/screen/document", "number", `must hold letters or digits: "---" has none`, map[string]any{"number": "---", "country": "FR"}},
				{"/api/v1/screen/document", "number", "is required: the document number (or send mrz)", map[string]any{"number": "  ", "country": "FR"}},
				{"/api/v1/screen/document", "number", "is required: the document number (or send mrz)", map[string]any{"country": "FR"}},
				{"/api/v1/screen/document", "country", `"D" is not an ISO 3166 alpha-2 or alpha-3 code (D is how an MRZ writes DE: send DE)`, map[string]any{"number": "AB123456", "country": "D"}},
				{"/api/v1/screen/document", "country", `"F1" is not an ISO 3166 alpha-2 or alpha-3 code`, map[string]any{"number": "AB123456", "country": "F1"}},
				{"/api/v1/screen/document", "country", "is required: the issuing country's ISO 3166 alpha-2 or alpha-3 code", map[string]any{"number": "AB123456"}},
				{"/api/v1/screen/identifier", "value", `must hold letters A–Z or digits: "---" has none`, map[string]any{"type": "plate", "value": "---"}},
				{"/api/v1/screen/identifier", "value", "is required", map[string]any{"type": "plate", "value": " "}},
				{"/api/v1/screen/identifier", "value", "is required", map[string]any{"type": "imo", "value": ""}},
				{"/api/v1/screen/identifier", "value", "is required", map[string]any{"type": "iban", "value": ""}},
				{"/api/v1/screen/identifier", "value", "is required", map[string]any{"value": ""}},
			} {
				p := wantProblem(t, f.do(t, "POST", c.path, c.body, fr), 422, "invalid", c.field)
				for _, e := range p.Errors {
					if e.Field == c.field && e.Reason != c.reason {
						t.Errorf("%v: %s %q, want %q", c.body, e.Field, e.Reason, c.reason)
					}
				}
			}
		})
	}
}

// A document number is screened as its letters and digits, compatibility
// forms folded (a full-width ２ is 2) and separators dropped; any other
// character is refused, naming it, rather than dropped to screen another
// number. Records are found as before, whichever way their number is
// written.
func TestScreenDocumentNumberCharacters(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			f.createRecord(t, ma, map[string]any{"kind": "travel_document", "releasability": releasedToAll,
				"data": map[string]any{"number": "ZX7654321", "issuing_country": "MA", "document_type": "passport"}})
			f.createRecord(t, ma, map[string]any{"kind": "travel_document", "releasability": releasedToAll,
				"data": map[string]any{"number": "AB １２３-456", "issuing_country": "MA", "document_type": "passport"}})
			for _, c := range []struct{ number, matched string }{
				{"ZX7654321", "ZX7654321"},
				{"zx 7654-321", "ZX7654321"},
				{"ZX.7654/321<<", "ZX7654321"},
				{"ＺＸ７６５４３２１", "ZX7654321"},
				{"AB123456", "AB123456"},
				{"ＡＢ１２３４５６", "AB123456"},
			} {
				r := f.do(t, "POST", "/api/v1/screen/document", map[string]any{"number": c.number, "country": "MA"}, fr)
				var a struct {
					Hits []struct {
						Matched string `json:"matched"`
					}
				}
				if r.Status != 200 {
					t.Fatalf("%q: %s", c.number, r)
				}
				r.decode(t, &a)
				if len(a.Hits) != 1 || a.Hits[0].Matched != c.matched {
					t.Errorf("%q: want one hit on %s: %s", c.number, c.matched, truncate(string(r.Body), 300))
				}
			}
			for _, c := range []struct{ number, reason string }{
				{"ZX7654Ä321", `contains 'Ä' (U+00C4): only letters A–Z, digits and separators (blanks, hyphens, dots, slashes) are allowed`},
				{"ZX7654321\u200b", `contains '\u200b' (U+200B): only letters A–Z, digits and separators (blanks, hyphens, dots, slashes) are allowed`},
				{"ZX7654_321", `contains '_' (U+005F): only letters A–Z, digits and separators (blanks, hyphens, dots, slashes) are allowed`},
			} {
				p := wantProblem(t, f.do(t, "POST", "/api/v1/screen/document", map[string]any{"number": c.number, "country": "MA"}, fr), 422, "invalid", "number")
				if len(p.Errors) != 1 || p.Errors[0].Reason != c.reason {
					t.Errorf("%q: %+v, want number %q", c.number, p.Errors, c.reason)
				}
			}
			line, _ := json.Marshal(map[string]any{"type": "document", "number": "ZX7654Ä321", "country": "MA"})
			r := f.do(t, "POST", "/api/v1/screen/batch", string(line)+"\n", fr, "Content-Type", "application/x-ndjson")
			if first := strings.SplitN(string(r.Body), "\n", 2)[0]; r.Status != 200 || !strings.Contains(first, `"field":"number"`) || !strings.Contains(first, `contains 'Ä'`) {
				t.Errorf("batch line with ZX7654Ä321: %s", first)
			}
		})
	}
}

// A batch line that cannot be read is told so as a line: its byte
// offsets are the line's, and a line that is not an object is the field
// at fault.
func TestScreenBatchLineErrorNamesTheLine(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			fr := f.key(t, "FR", core.PermScreen)
			body := `{"type":"person","name":"Zelda Quillfeather"}` + "\n" + `{"type":"person","name":"Zelda",}` + "\n" + `[1]` + "\n" +
				`{"type":"person","name":"Zelda"} {}` + "\n"
			r := f.do(t, "POST", "/api/v1/screen/batch", body, fr, "Content-Type", "application/x-ndjson")
			if r.Status != 200 {
				t.Fatalf("batch: %s", r)
			}
			type out struct {
				Line  int
				Error *problem
			}
			var got []out
			for _, l := range strings.Split(strings.TrimSpace(string(r.Body)), "\n") {
				var o out
				if err := json.Unmarshal([]byte(l), &o); err != nil {
					t.Fatalf("%q: %v", l, err)
				}
				got = append(got, o)
			}
			if len(got) != 4 || got[0].Error != nil {
				t.Fatalf("want four answers, the first without error: %s", r)
			}
			if e := got[1].Error; e == nil || e.Code != "malformed" || e.Detail != "the line is not valid JSON (at byte 33): invalid character '}' looking for beginning of object key string" {
				t.Errorf("line 2: %+v", e)
			}
			if e := got[2].Error; e == nil || e.Code != "malformed" || len(e.Errors) != 1 || e.Errors[0].Field != "(line)" || e.Errors[0].Reason != "must be an object, not array" {
				t.Errorf("line 3: %+v", e)
			}
			if e := got[3].Error; e == nil || e.Code != "malformed" || e.Detail != "the line must hold a single JSON object, with nothing after it" {
				t.Errorf("line 4: %+v", e)
			}
		})
	}
}
