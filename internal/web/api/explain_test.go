package api_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// explainedHit is a screening answer's hit with its label, explanation
// and query as data.
type explainedHit struct {
	Restricted  bool
	RecordID    string `json:"record_id"`
	HitID       string `json:"hit_id"`
	Label       string
	LabelParts  *core.Label `json:"label_parts"`
	Explanation []string
	Explained   *core.Explanation
}

// TestStructuredExplanations: a screening answer carries, beside the
// English label and explanation lines it always had (unchanged, for the
// API's clients), the label as parts and the explanation as name parts and
// reasons, the English lines being exactly those of the data; the hit
// record made carries them and the query field by field, for both sides;
// a restricted answer carries none of it; documents and identifiers
// explain their exact match with a reason.
func TestStructuredExplanations(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			fr := f.key(t, "FR", core.PermScreen, core.PermRecordsRead)
			es := f.key(t, "ES", core.PermScreen)
			data := validData(notices.TypeYellow)
			data["name_original"], data["given_names"], data["family_name"], data["date_of_birth"], data["sex"] = "زهرة بنعلي", "Zahra", "Benali", "1990-03-04", "F"
			notice := f.publish(t, ma, f.user(t, members.Secretariat, core.RoleReviewer), notices.TypeYellow, data,
				map[string]any{"releasability": map[string]any{"mode": "only", "countries": []string{"FR"}}})
			mak := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			f.createRecord(t, mak, map[string]any{"kind": "travel_document", "releasability": map[string]any{"mode": "all"},
				"data": map[string]any{"number": "ZK7654321", "issuing_country": "MA", "document_type": "passport"}})
			f.createRecord(t, mak, map[string]any{"kind": "cyber_indicator", "releasability": map[string]any{"mode": "all"},
				"data": map[string]any{"type": "email", "value": "qarib.rabih@example.org"}})

			answer := func(path string, body map[string]any, c *caller) []explainedHit {
				t.Helper()
				r := f.do(t, "POST", path, body, c)
				if r.Status != http.StatusOK {
					t.Fatalf("%s: %s", path, r)
				}
				var a struct{ Hits []explainedHit }
				r.decode(t, &a)
				return a.Hits
			}
			hs := answer("/api/v1/screen/person", map[string]any{"name": "Zahra Benaly", "date_of_birth": "1990", "sex": "M", "nationality": "DZ"}, fr)
			if len(hs) != 1 || hs[0].RecordID != notice.ID || hs[0].LabelParts == nil || hs[0].Explained == nil {
				t.Fatalf("FR: %+v", hs)
			}
			h := hs[0]
			if want := (core.Label{Kind: "notice", NoticeType: "yellow", Name: "Zahra Benali"}); *h.LabelParts != want {
				t.Errorf("label parts %+v, want %+v", *h.LabelParts, want)
			}
			if h.Label != "yellow notice: Zahra Benali" || h.Label != h.LabelParts.String() {
				t.Errorf("label %q (parts say %q)", h.Label, h.LabelParts.String())
			}
			if !reflect.DeepEqual(h.Explanation, h.Explained.English()) {
				t.Errorf("explanation %q is not its data's %q", h.Explanation, h.Explained.English())
			}
			if len(h.Explained.Parts) < 2 {
				t.Errorf("parts: %+v", h.Explained.Parts)
			}
			for _, p := range h.Explained.Parts {
				if p.Query == "" || p.Matched == "" || p.Weight <= 0 || p.Score <= 0 || p.Note != core.PartMatch && p.Note != core.PartTypo {
					t.Errorf("part %+v", p)
				}
			}
			var codes []string
			for _, r := range h.Explained.Reasons {
				codes = append(codes, r.Code)
			}
			if want := []string{core.ReasonDOBAgrees, core.ReasonSexDiffers, core.ReasonNationalityDiffers}; !reflect.DeepEqual(codes, want) {
				t.Errorf("reasons %v, want %v", codes, want)
			}
			if r := h.Explained.Reasons[1]; r.Params["query"] != "M" || r.Params["record"] != "F" {
				t.Errorf("sex reason %+v", r)
			}
			if r := h.Explained.Reasons[2]; r.Params["nationality"] != "DZ" || r.Params["record"] != "MA" {
				t.Errorf("nationality reason %+v", r)
			}

			// The hit record, for the searcher and for the owner.
			type hitRecord struct {
				Query          string
				QueryFields    []core.QueryField `json:"query_fields"`
				LabelParts     *core.Label       `json:"label_parts"`
				Explained      *core.Explanation
				Explanation    []string
				MatchedWritten string `json:"matched_written"`
			}
			var rec hitRecord
			wantFields := []core.QueryField{{Field: "name", Value: "Zahra Benaly"}, {Field: "date_of_birth", Value: "1990"}, {Field: "sex", Value: "M"}, {Field: "nationality", Value: "DZ"}}
			for _, c := range []*caller{fr, ma} {
				r := f.do(t, "GET", "/api/v1/hits/"+h.HitID, nil, c)
				if r.Status != http.StatusOK {
					t.Fatalf("hit: %s", r)
				}
				rec = hitRecord{}
				r.decode(t, &rec)
				if !reflect.DeepEqual(rec.QueryFields, wantFields) || rec.Query != "name Zahra Benaly, born 1990, nationality DZ" {
					t.Errorf("%s: query %q fields %+v", c, rec.Query, rec.QueryFields)
				}
				if rec.LabelParts == nil || *rec.LabelParts != *h.LabelParts || !reflect.DeepEqual(rec.Explained, h.Explained) || !reflect.DeepEqual(rec.Explanation, h.Explanation) ||
					rec.MatchedWritten != "Zahra Benali" {
					t.Errorf("%s: hit record %+v", c, rec)
				}
			}

			// A bureau the notice is not released to learns nothing of it:
			// no label, parts or reasons in the answer or the hit.
			hs = answer("/api/v1/screen/person", map[string]any{"name": "Zahra Benali"}, es)
			if len(hs) != 1 || !hs[0].Restricted || hs[0].LabelParts != nil || hs[0].Explained != nil || hs[0].Label != "" || hs[0].Explanation != nil {
				t.Fatalf("ES: %+v", hs)
			}
			r := f.do(t, "GET", "/api/v1/hits/"+hs[0].HitID, nil, es)
			var restricted map[string]any
			r.decode(t, &restricted)
			for _, k := range []string{"label", "label_parts", "explained", "explanation", "record_id", "matched", "matched_written"} {
				if _, ok := restricted[k]; ok {
					t.Errorf("ES's restricted hit shows %s: %v", k, restricted)
				}
			}
			// The owner's view of that hit has them.
			r = f.do(t, "GET", "/api/v1/hits/"+hs[0].HitID, nil, ma)
			rec = hitRecord{}
			r.decode(t, &rec)
			if rec.LabelParts == nil || rec.Explained.Empty() || rec.MatchedWritten != "Zahra Benali" {
				t.Errorf("the owner's view of ES's hit: %+v", rec)
			}

			// Exact keys.
			hs = answer("/api/v1/screen/document", map[string]any{"number": "zk 765 4321", "country": "MAR"}, fr)
			if len(hs) != 1 || hs[0].LabelParts == nil || hs[0].LabelParts.Kind != core.KindTravelDocument || hs[0].LabelParts.DocumentType != "passport" ||
				hs[0].Explained == nil || len(hs[0].Explained.Reasons) != 1 || hs[0].Explained.Reasons[0].Code != core.ReasonDocumentExact ||
				hs[0].Explained.Reasons[0].Params["country"] != "MA" || !reflect.DeepEqual(hs[0].Explanation, hs[0].Explained.English()) {
				t.Errorf("document: %+v", hs)
			}
			hs = answer("/api/v1/screen/identifier", map[string]any{"value": "Qarib.Rabih@example.org"}, fr)
			if len(hs) != 1 || hs[0].LabelParts == nil || hs[0].LabelParts.Kind != core.KindCyberIndicator || hs[0].LabelParts.Number != "qarib.rabih@example.org" ||
				hs[0].Explained == nil || len(hs[0].Explained.Reasons) != 1 || hs[0].Explained.Reasons[0].Code != core.ReasonIdentifierExact ||
				hs[0].Explained.Reasons[0].Params["type"] != "email" || !reflect.DeepEqual(hs[0].Explanation, hs[0].Explained.English()) {
				t.Errorf("identifier: %+v", hs)
			}
		})
	}
}
