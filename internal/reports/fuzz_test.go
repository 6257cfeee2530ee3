package reports

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/core"
)

// FuzzReportBody: any JSON body either fails validation with field errors
// or gives a report whose indicators are bounded and keyed consistently.
func FuzzReportBody(f *testing.F) {
	f.Add(`{"category":"phishing","narrative":"mail from x@evil.example","consent":true,"suspect":{"phones":["0612345678"]}}`)
	f.Add(`{"category":"investment_fraud","narrative":"sent to 0x52908400098527886E0F7030069857D2E4169EE7","consent":true,"losses":[{"amount":1e300,"iban":"GB82WEST12345698765432"}]}`)
	f.Add(`{"category":"","narrative":"","attachments":[{"name":"a.png","content":"TVqQ"}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		var in Input
		if json.Unmarshal([]byte(body), &in) != nil {
			return
		}
		r, err := Validate(&in)
		if err != nil {
			e, ok := err.(*core.Error)
			if !ok || e.Code != core.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("refusal without fields: %v", err)
			}
			return
		}
		inds := Extract(r)
		if len(inds) > MaxIndicators+MaxIndicators {
			t.Fatalf("%d indicators", len(inds))
		}
		for _, ind := range inds {
			if ind.Valid != (ind.Key != "") || !ind.Valid && ind.Reason == "" {
				t.Fatalf("inconsistent indicator %+v", ind)
			}
		}
	})
}

// FuzzNarrative: the extractor never fails, stays bounded, and each key
// it finds parses again to itself.
func FuzzNarrative(f *testing.F) {
	f.Add("call +212 612-345678 or write to a.b@scam.example, pay GB82 WEST 1234 5698 7654 32 or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
	f.Add("visit hxxps://fake[.]shop/promo @scammer_01 0x52908400098527886E0F7030069857D2E4169EE7")
	f.Add(strings.Repeat("٠١٢٣٤٥٦٧٨٩ ", 50))
	f.Fuzz(func(t *testing.T, text string) {
		inds := ExtractText(text, "MA")
		if len(inds) > MaxIndicators+1 {
			t.Fatalf("%d indicators", len(inds))
		}
		for _, ind := range inds {
			if !ind.Valid || !utf8.ValidString(ind.Key) {
				t.Fatalf("narrative indicator not valid: %+v", ind)
			}
			typ, canon, _ := strings.Cut(ind.Key, ":")
			if typ == "url" || typ == "domain" {
				continue // a URL's domain is derived, not reparsed as written
			}
			k, c, reason := canonical(typ, canon, "MA")
			if reason != "" || k+":"+c != ind.Key {
				t.Fatalf("%q does not parse again to itself: %s:%s %s", ind.Key, k, c, reason)
			}
		}
	})
}

// FuzzSTIX: a bundle is read or refused with a core error, never more
// indicators than the limit.
func FuzzSTIX(f *testing.F) {
	f.Add(`{"type":"bundle","objects":[{"type":"indicator","pattern":"[domain-name:value = 'a.example']","object_marking_refs":["` + TLPAmber + `"]}]}`)
	f.Add(`{"type":"bundle","objects":[{"type":"indicator","pattern":"[x-manara-iban:value = 'it\\'s']"}]}`)
	f.Fuzz(func(t *testing.T, raw string) {
		inds, err := ParseSTIX([]byte(raw), []string{"FR"})
		if err != nil {
			if _, ok := err.(*core.Error); !ok {
				t.Fatalf("foreign error %T", err)
			}
			return
		}
		if len(inds) > MaxImportIndicators {
			t.Fatal("over the limit")
		}
	})
}

// FuzzCSV: a CSV file is read or refused with a core error.
func FuzzCSV(f *testing.F) {
	f.Add("type,value\niban,GB82WEST12345698765432\n")
	f.Add("\ufefftype,value,releasability,countries\nphone,\"+212 6\",only,FR;DE\n")
	f.Fuzz(func(t *testing.T, raw string) {
		inds, err := ParseCSV([]byte(raw))
		if err != nil {
			if _, ok := err.(*core.Error); !ok {
				t.Fatalf("foreign error %T", err)
			}
			return
		}
		for _, ind := range inds {
			if len(ind.Description) > 500 {
				t.Fatal("description not clipped")
			}
		}
	})
}
