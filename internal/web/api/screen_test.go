package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/ident"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// screenFixture is a server with a screening index that follows the store
// at every write, so that tests see their writes screened at once.
func screenFixture(t *testing.T, b storetest.Backend) *fixture {
	f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, nil)
	return f
}

type hit struct {
	Score       float64
	Restricted  bool
	Owner       string
	Reference   string
	Message     string
	RecordID    string `json:"record_id"`
	Label       string
	Explanation []string
}

func hitsOf(t *testing.T, r *resp) []hit {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("screening: %s", r)
	}
	var a struct {
		Hits  []hit
		Count int
	}
	r.decode(t, &a)
	if a.Count != len(a.Hits) {
		t.Fatalf("count %d for %d hits", a.Count, len(a.Hits))
	}
	return a.Hits
}

func TestScreening(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead, core.PermAuditRead)
			fr := f.key(t, "FR", core.PermScreen)
			es := f.key(t, "ES", core.PermScreen)
			noScreen := f.key(t, "FR", core.PermRecordsRead)

			person := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": map[string]any{"mode": "only", "countries": []string{"FR"}},
				"data": map[string]any{"name_original": "عبد اللطيف خروبي", "given_names": "Abdellatif", "family_name": "Kharroubi", "date_of_birth": "1966"}})
			// ICAO's specimen passport, issued by a member here so that the
			// record validates: L898902C3.
			doc := f.createRecord(t, ma, map[string]any{"kind": "travel_document", "releasability": map[string]any{"mode": "all"},
				"data": map[string]any{"number": "L898902C3", "issuing_country": "MA", "document_type": "passport"}})
			acct := f.createRecord(t, ma, map[string]any{"kind": "asset", "releasability": map[string]any{"mode": "all"},
				"data": map[string]any{"asset_type": "account", "type": "iban", "value": "FR76 3000 6000 0112 3456 7890 189"}})

			// A Latin spelling of the Arabic name hits, with its explanation,
			// for the bureau it is released to.
			hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdul Latif Kharubi", "context": map[string]string{"border_post": "Tanger Med"}}, fr))
			if len(hs) != 1 || hs[0].RecordID != person.ID || hs[0].Restricted || len(hs[0].Explanation) == 0 || hs[0].Score < 0.85 {
				t.Fatalf("FR: %+v", hs)
			}
			// Another bureau is told only to contact the owner.
			hs = hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdul Latif Kharubi"}, es))
			if len(hs) != 1 || !hs[0].Restricted || hs[0].RecordID != "" || hs[0].Label != "" || hs[0].Explanation != nil ||
				hs[0].Owner != "MA" || !strings.Contains(hs[0].Message, "contact bureau MA") || hs[0].Reference == "" {
				t.Fatalf("ES: %+v", hs)
			}
			// Documents by number and country, and by a raw MRZ with every
			// check digit verified.
			hs = hitsOf(t, f.do(t, "POST", "/api/v1/screen/document", map[string]any{"number": "l898902c3", "country": "MAR"}, es))
			if len(hs) != 1 || hs[0].RecordID != doc.ID {
				t.Fatalf("document: %+v", hs)
			}
			line1 := "P<MARERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
			line2 := "L898902C36MAR7408122F1204159ZE184226B<<<<<10"
			m, err := ident.ParseMRZ(line1+"\n"+line2, time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				// Build a valid zone rather than trust hand-computed digits.
				l1, l2, ferr := ident.FormatTD3(ident.MRZ{DocumentCode: "P", IssuingState: "MAR", Surname: "ERIKSSON", GivenNames: "ANNA MARIA",
					DocumentNumber: "L898902C3", Nationality: "MAR", BirthDate: "1974-08-12", Sex: "F", ExpiryDate: "2032-04-15"})
				if ferr != nil {
					t.Fatalf("building an MRZ: %v (parsing the hand-made one: %v)", ferr, err)
				}
				line1, line2 = l1, l2
			} else {
				_ = m
			}
			hs = hitsOf(t, f.do(t, "POST", "/api/v1/screen/document", map[string]any{"mrz": line1 + "\n" + line2}, fr))
			if len(hs) != 1 || hs[0].RecordID != doc.ID {
				t.Fatalf("MRZ: %+v", hs)
			}
			bad := line2[:9] + string("0123456789"[(int(line2[9]-'0')+1)%10]) + line2[10:]
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/document", map[string]any{"mrz": line1 + "\n" + bad}, fr), 422, "invalid", "")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/document", map[string]any{"mrz": "P<UTO"}, fr), 422, "invalid", "")
			// Identifiers, typed or detected, in any spacing.
			hs = hitsOf(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"value": "fr7630006000011234567890189"}, fr))
			if len(hs) != 1 || hs[0].RecordID != acct.ID {
				t.Fatalf("IBAN detected: %+v", hs)
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"type": "iban", "value": "FR7630006000011234567890180"}, fr), 422, "invalid", "")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"type": "horoscope", "value": "leo"}, fr), 422, "invalid", "type")
			// Bad person queries name the field.
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": ""}, fr), 422, "invalid", "name")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "al bin"}, fr), 422, "invalid", "name")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": strings.Repeat("x", 400)}, fr), 422, "invalid", "name")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karim", "date_of_birth": "1990-02-31"}, fr), 422, "invalid", "date_of_birth")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karim", "bogus": 1}, fr), 400, "malformed", "bogus")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karim", "kinds": []string{"person", "ship"}}, fr), 422, "invalid", "kinds[1]")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karim", "kinds": []string{"person", "entity", "person"}}, fr), 422, "invalid", "kinds[2]")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karim", "kinds": "person"}, fr), 400, "malformed", "kinds")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karim", "kinds": slices.Repeat([]string{"person"}, len(core.Kinds)+1)}, fr), 422, "invalid", "kinds")
			// The kinds that may answer: the person, not when only entities
			// may; the hidden record told to ES either way.
			for _, c := range []struct {
				kinds []string
				want  int
			}{{nil, 1}, {[]string{"person"}, 1}, {[]string{"entity", "notice"}, 0}} {
				hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdul Latif Kharubi", "kinds": c.kinds}, fr))
				if len(hs) != c.want {
					t.Errorf("FR, kinds %v: %+v, want %d hits", c.kinds, hs, c.want)
				}
				if hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Abdul Latif Kharubi", "kinds": c.kinds}, es)); len(hs) != 1 || !hs[0].Restricted {
					t.Errorf("ES, kinds %v: %+v, want the possible hit whatever the filter", c.kinds, hs)
				}
			}
			// Permissions.
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karim"}, noScreen), 403, "forbidden", "")
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karim"}, nil), 401, "unauthorized", "")

			// A batch: every line answered in order, bad lines with an error.
			batch := strings.Join([]string{
				`{"id":"a","type":"person","name":"Abdelatif KHARROUBI"}`,
				`not json`,
				`{"id":"c","type":"document","number":"L898902C3","country":"MA"}`,
				`{"id":"d","type":"weather"}`,
				``,
				`{"id":"f","type":"identifier","value":"FR76 3000 6000 0112 3456 7890 189"}`,
				`{"id":"g","type":"person","name":"Karim","kinds":"person"}`,
			}, "\n")
			r := f.do(t, "POST", "/api/v1/screen/batch", batch, fr, "Content-Type", "application/x-ndjson")
			if r.Status != http.StatusOK {
				t.Fatalf("batch: %s", r)
			}
			var lines []map[string]any
			sc := bufio.NewScanner(strings.NewReader(string(r.Body)))
			for sc.Scan() {
				var m map[string]any
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					t.Fatalf("batch answer line %q: %v", sc.Text(), err)
				}
				lines = append(lines, m)
			}
			if len(lines) != 6 {
				t.Fatalf("batch answered %d lines, want 6: %s", len(lines), r.Body)
			}
			wantLine := func(i int, id string, hits int, errored bool) {
				l := lines[i]
				if (l["error"] != nil) != errored || (id != "" && l["id"] != id) || int(l["count"].(float64)) != hits {
					t.Errorf("batch line %d: %v", i, l)
				}
			}
			wantLine(0, "a", 1, false)
			wantLine(1, "", 0, true)
			wantLine(2, "c", 1, false)
			wantLine(3, "d", 0, true)
			wantLine(4, "f", 1, false)
			wantLine(5, "", 0, true)
			// A field of the wrong type is named as the line writes it.
			if e, _ := lines[5]["error"].(map[string]any); e == nil || !strings.Contains(fmt.Sprint(e["errors"]), "field:kinds ") {
				t.Errorf("batch line 6: %v, want the field kinds named", lines[5])
			}

			// Every screening was audited: the owner's trail of the person
			// names the screenings that hit it.
			time.Sleep(50 * time.Millisecond) // the grouped writer commits within milliseconds
			tr := f.do(t, "GET", "/api/v1/records/"+person.ID+"/audit?limit=500", nil, ma)
			if !strings.Contains(string(tr.Body), "screen.person") || !strings.Contains(string(tr.Body), "screen.hit") {
				t.Fatalf("the owner's trail does not show the screenings: %s", tr)
			}
		})
	}
}

// TestScreeningOneHitPerRecord: a record that lists one document or one
// identifier twice is one hit, not two; a hit the caller may see carries
// the spelling as the record writes it beside the normalised one, and the
// matched person's date of birth and nationalities; a restricted one
// carries none of them.
func TestScreeningOneHitPerRecord(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { screeningOneHitPerRecord(t, screenFixture(t, b)) })
	}
}

func screeningOneHitPerRecord(t *testing.T, f *fixture) {
	{
		ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
		fr := f.key(t, "FR", core.PermScreen)
		es := f.key(t, "ES", core.PermScreen)
		rec := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": map[string]any{"mode": "only", "countries": []string{"FR"}},
			"data": map[string]any{"given_names": "Abdellatif", "family_name": "Kharroubi", "name_original": "عبد اللطيف خروبي",
				"date_of_birth": "1966-04-02", "nationalities": []string{"MA"},
				"documents":   []map[string]any{{"type": "passport", "number": "QX1234567", "country": "MA"}, {"type": "id_card", "number": "qx-123 4567", "country": "MAR"}},
				"identifiers": []map[string]any{{"type": "iban", "value": "FR7630006000011234567890189"}, {"type": "iban", "value": "FR76 3000 6000 0112 3456 7890 189"}}}})

		type fullHit struct {
			hit
			Kind           string
			Matched        string
			MatchedWritten string `json:"matched_written"`
			DateOfBirth    string `json:"date_of_birth"`
			Nationalities  []string
		}
		screen := func(path string, body map[string]any, c *caller) []fullHit {
			t.Helper()
			r := f.do(t, "POST", path, body, c)
			hitsOf(t, r)
			var a struct{ Hits []fullHit }
			r.decode(t, &a)
			return a.Hits
		}
		hs := screen("/api/v1/screen/document", map[string]any{"number": "QX1234567", "country": "MA"}, fr)
		if len(hs) != 1 || hs[0].RecordID != rec.ID || hs[0].MatchedWritten != "QX1234567" || hs[0].DateOfBirth != "1966-04-02" {
			t.Fatalf("document listed twice in one record: want one hit, with its number as written and the holder's date of birth: %+v", hs)
		}
		hs = screen("/api/v1/screen/identifier", map[string]any{"type": "iban", "value": "FR7630006000011234567890189"}, fr)
		if len(hs) != 1 || hs[0].RecordID != rec.ID {
			t.Fatalf("identifier listed twice in one record: want one hit: %+v", hs)
		}
		hs = screen("/api/v1/screen/person", map[string]any{"name": "عبد اللطيف خروبي"}, fr)
		if len(hs) != 1 || hs[0].MatchedWritten != "عبد اللطيف خروبي" || hs[0].Matched == hs[0].MatchedWritten ||
			hs[0].DateOfBirth != "1966-04-02" || len(hs[0].Nationalities) != 1 || hs[0].Nationalities[0] != "MA" || hs[0].Kind != "person" {
			t.Fatalf("person hit: want the Arabic spelling as written beside the normalised one, date of birth and nationality: %+v", hs)
		}
		scoreBefore := hs[0].Score
		hs = screen("/api/v1/screen/person", map[string]any{"name": "Abdellatif Kharroubi"}, fr)
		if len(hs) != 1 || hs[0].MatchedWritten != "Abdellatif Kharroubi" || scoreBefore <= 0 {
			t.Fatalf("Latin spelling as written: %+v", hs)
		}
		// Spain may not see the record: a reference and the owner only.
		hs = screen("/api/v1/screen/document", map[string]any{"number": "QX1234567", "country": "MA"}, es)
		if len(hs) != 1 || !hs[0].Restricted || hs[0].MatchedWritten != "" || hs[0].DateOfBirth != "" || hs[0].Nationalities != nil || hs[0].Matched != "" || hs[0].Reference == "" {
			t.Fatalf("restricted document hit tells more than owner and reference: %+v", hs)
		}
	}
}

// releasedToAll is a record released to every member bureau.
var releasedToAll = map[string]any{"mode": "all"}

// TestScreenIMONormalised: an IMO number is compared by its seven digits,
// however it is written ("IMO 9999999" as FtM lists it, 9999999 as OFAC
// writes it in some fields, IMO9999999, imo 9999999), for records and
// queries alike. A wrong check digit is refused naming value, with the
// digit expected, unless a record lists that very number (lists carry
// numbers that fail the check, as this invented one does); a value that
// is not seven digits is refused naming value. The vessel is invented.
func TestScreenIMONormalised(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			rec := f.createRecord(t, ma, map[string]any{"kind": "entity", "releasability": releasedToAll,
				"data": map[string]any{"name": "Fictional Star", "identifiers": []any{map[string]any{"type": "imo", "value": "IMO 9999999"}}}})
			// 9999993 has the right check digit (9 × 27 = 243).
			valid := f.createRecord(t, ma, map[string]any{"kind": "entity", "releasability": releasedToAll,
				"data": map[string]any{"name": "Fictional Moon", "identifiers": []any{map[string]any{"type": "imo", "value": "9999993"}}}})
			for v, want := range map[string]string{"IMO 9999999": rec.ID, "9999999": rec.ID, "IMO9999999": rec.ID, "imo 9999999": rec.ID,
				"IMO 9999993": valid.ID, "imo-9999993": valid.ID} {
				hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"type": "imo", "value": v}, fr))
				if len(hs) != 1 || hs[0].RecordID != want {
					t.Errorf("imo %q: %+v, want the vessel %s", v, hs, want)
				}
			}
			// 9999998 is listed by no record and its check digit is 3.
			p := wantProblem(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"type": "imo", "value": "IMO 9999998"}, fr), 422, "invalid", "value")
			if !strings.Contains(p.Errors[0].Reason, "expected 3") {
				t.Errorf("wrong check digit: %+v, want the digit expected", p.Errors)
			}
			for _, v := range []string{"IMO 999999", "IMO 99999999", "ship 9999999"} {
				wantProblem(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"type": "imo", "value": v}, fr), 422, "invalid", "value")
			}
		})
	}
}

// TestScreenPlateAsWritten: a vehicle's plate is keyed as written on the
// car (letters and digits), without its registration country, so that
// the plate read at a border finds it; the hit matches that plate and
// carries the country in its label's parts. The vehicle is invented.
func TestScreenPlateAsWritten(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			rec := f.createRecord(t, ma, map[string]any{"kind": "vehicle", "releasability": releasedToAll,
				"data": map[string]any{"plate": "AB-123-CD", "registration_country": "FR", "make": "Renault"}})
			for _, v := range []string{"AB-123-CD", "ab 123 cd", "AB123CD"} {
				r := f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"type": "plate", "value": v}, fr)
				hs := hitsOf(t, r)
				if len(hs) != 1 || hs[0].RecordID != rec.ID {
					t.Errorf("plate %q: %d hits, want the vehicle registered in FR under AB-123-CD", v, len(hs))
					continue
				}
				var a struct {
					Hits []struct {
						Matched        string
						MatchedWritten string      `json:"matched_written"`
						LabelParts     *core.Label `json:"label_parts"`
					}
				}
				r.decode(t, &a)
				if h := a.Hits[0]; h.Matched != "AB-123-CD" || h.MatchedWritten != "AB-123-CD" || h.LabelParts == nil || h.LabelParts.Country != "FR" {
					t.Errorf("plate %q: matched %q (%q), label parts %+v; want the plate as written and the country FR", v, h.Matched, h.MatchedWritten, h.LabelParts)
				}
			}
			// The country glued in front is no longer a plate anybody wrote.
			if hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"type": "plate", "value": "FRAB123CD"}, fr)); len(hs) != 0 {
				t.Errorf("FRAB123CD: %d hits, want none", len(hs))
			}
		})
	}
}

// TestScreenPhoneInternationalPrefix00: a phone number written with the
// 00 international prefix (what most of the world dials) is screened as
// the same number as +…, typed or detected; a number in national form is
// refused on value, the field the request has, never on a "region" it
// cannot send. The numbers are invented.
func TestScreenPhoneInternationalPrefix00(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			rec := f.createRecord(t, ma, map[string]any{"kind": "cyber_indicator", "releasability": releasedToAll,
				"data": map[string]any{"type": "phone", "value": "+212612345678"}})
			for _, body := range []map[string]any{
				{"type": "phone", "value": "00212612345678"},
				{"type": "phone", "value": "00 212 6 12 34 56 78"},
				{"value": "00212612345678"},
			} {
				r := f.do(t, "POST", "/api/v1/screen/identifier", body, fr)
				if r.Status != 200 {
					t.Errorf("%v: %s", body, r)
					continue
				}
				if hs := hitsOf(t, r); len(hs) != 1 || hs[0].RecordID != rec.ID {
					t.Errorf("%v: %d hits, want the indicator +212612345678", body, len(hs))
				}
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"type": "phone", "value": "0612345678"}, fr), 422, "invalid", "value")
		})
	}
}

// TestScreenBatchIdentifierTypeField: in a batch, an identifier line's
// type is identifier_type ("type" is the line's own), and an unknown one
// is reported on identifier_type.
func TestScreenBatchIdentifierTypeField(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			fr := f.key(t, "FR", core.PermScreen)
			body := `{"id":"a","type":"identifier","identifier_type":"horoscope","value":"leo"}` + "\n"
			r := f.do(t, "POST", "/api/v1/screen/batch", body, fr, "Content-Type", "application/x-ndjson")
			if r.Status != 200 {
				t.Fatalf("batch: %s", r)
			}
			sc := bufio.NewScanner(bytes.NewReader(r.Body))
			var lines []struct {
				Line  int
				ID    string
				Error *problem
			}
			for sc.Scan() {
				var l struct {
					Line  int
					ID    string
					Error *problem
				}
				if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
					t.Fatalf("%q: %v", sc.Text(), err)
				}
				lines = append(lines, l)
			}
			if len(lines) < 1 || lines[0].Error == nil || len(lines[0].Error.Errors) == 0 {
				t.Fatalf("line 1 not refused: %s", r)
			}
			if got := lines[0].Error.Errors[0].Field; got != "identifier_type" {
				t.Errorf("an unknown identifier_type is reported on field %q, want identifier_type", got)
			}
			if !strings.Contains(lines[0].Error.Detail, "identifier_type") {
				t.Errorf("detail %q does not name identifier_type", lines[0].Error.Detail)
			}
		})
	}
}

// TestScreenZeroLimitAndThreshold: limit and threshold sent as 0 are not
// read as absent. Limit 0 is refused (1 to 100); threshold 0 is the
// widest search, answering at least what 0.01 does. Absent, they are the
// defaults. The people are invented.
func TestScreenZeroLimitAndThreshold(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			fr := f.key(t, "FR", core.PermScreen)
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Orlanda Quenneville", "limit": 0}, fr), 422, "invalid", "limit")
			for _, l := range []int{-1, 101} {
				wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Orlanda Quenneville", "limit": l}, fr), 422, "invalid", "limit")
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Orlanda Quenneville", "threshold": 1.5}, fr), 422, "invalid", "threshold")
			ma := f.key(t, "MA", core.PermRecordsWrite)
			f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": releasedToAll,
				"data": map[string]any{"family_name": "Quenneville", "given_names": "Orlanda"}})
			// At 0.01 the other given name is found, and at 0; at the
			// default (no threshold sent) it is not.
			low := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Mirabel Quenneville", "threshold": 0.01}, fr))
			zero := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Mirabel Quenneville", "threshold": 0}, fr))
			def := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Mirabel Quenneville"}, fr))
			if len(low) == 0 || len(zero) < len(low) || len(def) != 0 {
				t.Errorf("threshold 0.01: %d hits, 0: %d, default: %d; want 0 to answer at least what 0.01 does, and the default none", len(low), len(zero), len(def))
			}
			// The same in a batch line.
			body := `{"type":"person","name":"Orlanda Quenneville","limit":0}` + "\n" + `{"type":"person","name":"Mirabel Quenneville","threshold":0}` + "\n"
			r := f.do(t, "POST", "/api/v1/screen/batch", body, fr, "Content-Type", "application/x-ndjson")
			if r.Status != 200 {
				t.Fatalf("batch: %s", r)
			}
			var outs []struct {
				Count int
				Error *problem
			}
			for _, l := range bytes.Split(bytes.TrimSpace(r.Body), []byte("\n")) {
				var o struct {
					Count int
					Error *problem
				}
				if err := json.Unmarshal(l, &o); err != nil {
					t.Fatalf("%q: %v", l, err)
				}
				outs = append(outs, o)
			}
			if len(outs) != 2 || outs[0].Error == nil || len(outs[0].Error.Errors) == 0 || outs[0].Error.Errors[0].Field != "limit" || outs[1].Error != nil || outs[1].Count < len(low) {
				t.Errorf("batch: %s", r)
			}
		})
	}
}

// TestScreenMRZLongDocumentNumber: a TD1 identity card whose document
// number continues in the optional data (22 characters, the longest the
// zone carries, check digits right) is screened by its MRZ and finds the
// record of that number. The holder is invented.
func TestScreenMRZLongDocumentNumber(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			const number = "D2314589012345678901AB"
			l1, l2, l3, err := ident.FormatTD1(ident.MRZ{IssuingState: "MAR", Surname: "TESTER", GivenNames: "ANNA",
				DocumentNumber: number, Nationality: "MAR", BirthDate: "1974-08-12", Sex: "F", ExpiryDate: "2032-04-15"})
			if err != nil {
				t.Fatal(err)
			}
			mrz := l1 + "\n" + l2 + "\n" + l3
			if m, err := ident.ParseMRZ(mrz, time.Time{}); err != nil || m.DocumentNumber != number {
				t.Fatalf("the zone does not parse back: %v %+v", err, m)
			}
			rec := f.createRecord(t, ma, map[string]any{"kind": "travel_document", "releasability": releasedToAll,
				"data": map[string]any{"number": number, "issuing_country": "MA", "document_type": "id_card"}})
			for _, q := range []map[string]any{{"mrz": mrz}, {"number": number, "country": "MA"}} {
				r := f.do(t, "POST", "/api/v1/screen/document", q, fr)
				if r.Status != 200 {
					t.Fatalf("%v refused: %s", q, r)
				}
				if hs := hitsOf(t, r); len(hs) != 1 || hs[0].RecordID != rec.ID {
					t.Errorf("%v: %d hits, want the record", q, len(hs))
				}
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/document", map[string]any{"number": number + "C", "country": "MA"}, fr), 422, "invalid", "number")
		})
	}
}

// TestScreenDocumentNumberAndMRZ: a document screening with an MRZ and a
// number or country that are not the zone's is refused naming them (one
// of the two documents would go unscreened); the same number and country
// beside the zone are screened once. The holder is invented.
func TestScreenDocumentNumberAndMRZ(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			l1, l2, err := ident.FormatTD3(ident.MRZ{IssuingState: "MAR", Surname: "TESTER", GivenNames: "ANNA",
				DocumentNumber: "ZX1234567", Nationality: "MAR", BirthDate: "1974-08-12", Sex: "F", ExpiryDate: "2032-04-15"})
			if err != nil {
				t.Fatal(err)
			}
			mrz := l1 + "\n" + l2
			p := wantProblem(t, f.do(t, "POST", "/api/v1/screen/document", map[string]any{"mrz": mrz, "number": "QQ7654321", "country": "FR"}, fr), 422, "invalid", "number")
			var named []string
			for _, e := range p.Errors {
				named = append(named, e.Field)
			}
			if !slices.Contains(named, "country") || !slices.Contains(named, "mrz") {
				t.Errorf("fields %v, want number, country and mrz", named)
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/screen/document", map[string]any{"mrz": mrz, "country": "FR"}, fr), 422, "invalid", "country")
			rec := f.createRecord(t, ma, map[string]any{"kind": "travel_document", "releasability": releasedToAll,
				"data": map[string]any{"number": "ZX1234567", "issuing_country": "MA", "document_type": "passport"}})
			hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/document", map[string]any{"mrz": mrz, "number": "zx 1234567", "country": "MAR"}, fr))
			if len(hs) != 1 || hs[0].RecordID != rec.ID {
				t.Errorf("the zone with its own number and country: %+v, want the record", hs)
			}
		})
	}
}
