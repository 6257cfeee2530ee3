package notices

import (
	"encoding/json"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// Every refusal of a notice's data carries a reason code (the console
// translates it) and keeps the API's English reason.
func TestValidationErrorsHaveCodes(t *testing.T) {
	cases := []struct {
		typ, data           string
		field, code, reason string
	}{
		{"red", `{"family_name":"Testperson","sex":"X"}`, "data.sex", "choose", "must be one of M, F, U"},
		{"red", `{"date_of_birth":"1er mai"}`, "data.date_of_birth", "partial_date", "must be a date as YYYY-MM-DD, YYYY-MM, YYYY or a range of years YYYY..YYYY"},
		{"red", `{"nationalities":["ZZ"]}`, "data.nationalities[0]", "country", "must be a member country's ISO 3166 alpha-2 or alpha-3 code"},
		{"red", `{"shoe_size":42}`, "data.shoe_size", "unknown_field", "is not a field of a red notice"},
		{"black", `{"dna_available":"yes"}`, "data.dna_available", "yes_no", "must be true or false"},
		{"black", `{"estimated_age_min":40,"estimated_age_max":30}`, "data.estimated_age_max", "age_order", "must not be below estimated_age_min"},
		{"silver", `{"assets":[{"type":"vehicle","estimated_value":5}]}`, "data.assets[0].currency", "currency_required", "is required with estimated_value: an ISO 4217 code, such as EUR"},
		{"yellow", `{"circumstances":"x","disappearance_date":"2025-01-02","disappearance_place":"Tanger"}`, "data.family_name", "name_or_description", ""},
		{"red", `{"family_name":"Testperson","sex":"M","date_of_birth":"1970","nationalities":["MA"],"purpose":"prosecution","extradition_countries":["FR"],
			"charges":[{"offence":"o","law":"l","max_penalty_years":1}],"warrant":{"kind":"judgment","reference":"r","date":"2026-01-01","authority":"a"}}`,
			"data.charges[0].max_penalty_years", "penalty_threshold", ""},
	}
	for _, c := range cases {
		// A draft is checked for shape and the rules between fields; a
		// complete notice also for what it lacks.
		var fields []core.FieldError
		for _, complete := range []bool{false, true} {
			if _, err := Validate(c.typ, json.RawMessage(c.data), complete); err != nil {
				fields = append(fields, err.(*core.Error).Fields...)
			}
		}
		found := false
		for _, fe := range fields {
			if fe.Code == "" {
				t.Errorf("%s %s: %s refused without a code (%s)", c.typ, c.data, fe.Field, fe.Reason)
			}
			if fe.Field == c.field {
				found = true
				if fe.Code != c.code || c.reason != "" && fe.Reason != c.reason {
					t.Errorf("%s: code %q reason %q; want %q %q", fe.Field, fe.Code, fe.Reason, c.code, c.reason)
				}
			}
		}
		if !found {
			t.Errorf("%s %s: no refusal of %s in %+v", c.typ, c.data, c.field, fields)
		}
	}
}

// The schema lists each field once, identity first, for every type.
func TestSchemaLayout(t *testing.T) {
	for _, typ := range Types {
		fs := Schema(typ)
		if len(fs) == 0 {
			t.Fatalf("%s: no schema", typ)
		}
		seen := map[string]bool{}
		pastIdentity := false
		for _, f := range fs {
			if seen[f.Name] {
				t.Errorf("%s: %s twice", typ, f.Name)
			}
			seen[f.Name] = true
			if !f.Identity {
				pastIdentity = true
			} else if pastIdentity {
				t.Errorf("%s: identity field %s after the type's own", typ, f.Name)
			}
		}
	}
	for _, f := range Schema(TypeBlack) {
		if f.Name == "description" && !f.Required {
			t.Error("black: the description is required")
		}
	}
}
