package console

import (
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n"
)

// The explanation renderer writes every part note, reason code and query
// field in each language: no raw key, no "{placeholder}" left, values
// escaped (a name is data, never markup) and isolated in <bdi>; an empty
// value takes its space along; data without parts (a hit recorded before
// they existed) shows its English as it was.
func TestExplainRenderer(t *testing.T) {
	cats, err := i18n.Shared()
	if err != nil {
		t.Fatal(err)
	}
	why := &core.Explanation{
		Parts: []core.ScorePart{
			{Query: "<b>zahra</b>", Matched: "zahra", Score: 1, Weight: 0.5, Note: core.PartMatch},
			{Query: "benaly", Matched: "benali", Score: 0.9, Weight: 1, Note: core.PartTypo},
			{Query: "omar", Matched: "amir", Score: 0.4, Weight: 1, Note: core.PartConflict},
			{Query: "el", Weight: 0.2, Note: core.PartMissing},
			{Matched: "山田", Note: core.PartUnread},
		},
		Reasons: []core.Reason{
			{Code: core.ReasonSpelling, Params: map[string]string{"name": "zahra benali", "similarity": "0.91", "factor": "0.8"}},
			{Code: core.ReasonDOBAgrees, Params: map[string]string{"query": "1990", "record": "1990-03-04"}},
			{Code: core.ReasonDOBClose, Params: map[string]string{"query": "1989", "record": "1990-03-04"}},
			{Code: core.ReasonDOBDiffers, Params: map[string]string{"query": "1970", "record": "1990-03-04"}},
			{Code: core.ReasonSexDiffers, Params: map[string]string{"query": "M", "record": "F"}},
			{Code: core.ReasonNationalityAgrees, Params: map[string]string{"nationality": "MA"}},
			{Code: core.ReasonNationalityDiffers, Params: map[string]string{"nationality": "DZ", "record": "MA, FR"}},
			{Code: core.ReasonDocumentExact, Params: map[string]string{"number": "ZK7654321", "country": "MA", "type": "passport"}},
			{Code: core.ReasonDocumentExact, Params: map[string]string{"number": "ZK7654321", "country": "MA"}},
			{Code: core.ReasonIdentifierExact, Params: map[string]string{"type": "iban", "value": "MA64011519000001205000534921"}},
		},
	}
	labels := []core.Label{
		{Kind: core.KindPerson, Name: "Zahra Benali"},
		{Kind: core.KindNotice, NoticeType: "yellow", Name: "زهرة بنعلي"},
		{Kind: core.KindNotice, NoticeType: "purple", Reference: "PU-1"},
		{Kind: core.KindTravelDocument, DocumentType: "passport", Number: "ZK7654321", Country: "MA"},
		{Kind: core.KindVehicle, Number: "VF1AB000123456789"},
		{Kind: core.KindAsset, AssetType: "vessel"},
		{Kind: core.KindCyberIndicator, Number: "qarib.rabih@example.org"},
	}
	query := []core.QueryField{{Field: core.QueryName, Value: "Zahra"}, {Field: core.QueryDateOfBirth, Value: "1990"}, {Field: core.QuerySex, Value: "F"},
		{Field: core.QueryNationality, Value: "DZ"}, {Field: core.QueryDocumentType, Value: "passport"}, {Field: core.QueryCountry, Value: "MA"},
		{Field: core.QueryNumber, Value: "ZK7654321"}, {Field: core.QueryMRZ}, {Field: core.QueryIdentifierType, Value: "email"}, {Field: core.QueryValue, Value: "x@example.org"}}
	for _, code := range []string{"ar", "en", "fr", "es"} {
		l := cats.Lang(code)
		var out []string
		for _, s := range explainLines(l, why, nil) {
			out = append(out, string(s))
		}
		for _, lb := range labels {
			out = append(out, string(hitLabel(l, &lb, lb.String())))
		}
		out = append(out, string(queryText(l, query, "")))
		if len(out) != len(why.Parts)+len(why.Reasons)+len(labels)+1 {
			t.Fatalf("%s: %d lines", code, len(out))
		}
		for _, s := range out {
			if strings.Contains(s, "explain.") || strings.Contains(s, "{") || strings.Contains(s, "<b>") || strings.Contains(s, "  ") || strings.Contains(s, "<bdi></bdi>") {
				t.Errorf("%s: %q", code, s)
			}
		}
		if !strings.Contains(out[0], "<bdi>&lt;b&gt;zahra&lt;/b&gt;</bdi>") {
			t.Errorf("%s: a name is not escaped and isolated: %q", code, out[0])
		}
	}
	// Old hits: their English, escaped.
	l := cats.Lang("ar")
	if got := explainLines(l, nil, []string{`"a" ~ "b": 1.00 (weight 1.00)`}); len(got) != 1 || string(got[0]) != `<bdi>&#34;a&#34; ~ &#34;b&#34;: 1.00 (weight 1.00)</bdi>` {
		t.Errorf("English lines: %q", got)
	}
	if got := hitLabel(l, nil, "red notice: <Name>"); string(got) != "<bdi>red notice: &lt;Name&gt;</bdi>" {
		t.Errorf("English label: %q", got)
	}
	if got := queryText(l, nil, "name X"); string(got) != "<bdi>name X</bdi>" {
		t.Errorf("English query: %q", got)
	}
	// In Spanish, a notice without reference reads "Notificación morada".
	if got := string(hitLabel(cats.Lang("es"), &core.Label{Kind: core.KindNotice, NoticeType: "purple"}, "")); got != "<bdi>"+cats.Lang("es").T("type.purple")+"</bdi>" {
		t.Errorf("a notice without reference: %q", got)
	}
}
