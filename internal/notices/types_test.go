package notices

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

func fieldsOf(err error) []string {
	e, _ := err.(*core.Error)
	if e == nil {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestValidate(t *testing.T) {
	red := `{"family_name":"Kharroubi","sex":"M","date_of_birth":"1966","nationalities":["MAR"],"purpose":"prosecution",
		"charges":[{"offence":"Fraud","law":"PC 5","max_penalty_years":5}],
		"warrant":{"kind":"arrest_warrant","reference":"W1","date":"2026-01-01","authority":"Court"},"extradition_countries":["FR"]}`
	cases := []struct {
		name, typ, data string
		complete        bool
		wantField       string // "" means valid
	}{
		{"red complete", TypeRed, red, true, ""},
		{"red draft may be empty", TypeRed, `{}`, false, ""},
		{"red complete needs charges", TypeRed, `{}`, true, "data.charges"},
		{"red: below 2 years", TypeRed, strings.Replace(red, `"max_penalty_years":5`, `"max_penalty_years":1.5`, 1), true, "data.charges[0].max_penalty_years"},
		{"red: a sentence needs months", TypeRed, strings.NewReplacer(`"prosecution"`, `"sentence"`, `"arrest_warrant"`, `"judgment"`).Replace(red), true, "data.sentence_remaining_months"},
		{"red: sentence under 6 months", TypeRed, strings.NewReplacer(`"prosecution"`, `"sentence"`, `"arrest_warrant"`, `"judgment"`, `"purpose"`, `"sentence_remaining_months":5,"purpose"`).Replace(red), true, "data.sentence_remaining_months"},
		{"red: sentence of 6 months", TypeRed, strings.NewReplacer(`"prosecution"`, `"sentence"`, `"arrest_warrant"`, `"judgment"`, `"purpose"`, `"sentence_remaining_months":6,"purpose"`).Replace(red), true, ""},
		{"red: prosecution on a judgment", TypeRed, strings.Replace(red, `"arrest_warrant"`, `"judgment"`, 1), true, "data.warrant.kind"},
		{"red: future warrant", TypeRed, strings.Replace(red, `"2026-01-01"`, `"2999-01-01"`, 1), true, "data.warrant.date"},
		{"red: unknown field", TypeRed, `{"colour":"red"}`, false, "data.colour"},
		{"red: bad nationality", TypeRed, `{"nationalities":["XX"]}`, false, "data.nationalities[0]"},
		{"red: bad sex", TypeRed, `{"sex":"X"}`, false, "data.sex"},
		{"red: bad date", TypeRed, `{"date_of_birth":"17/05/1980"}`, false, "data.date_of_birth"},
		{"red: negative penalty", TypeRed, `{"charges":[{"max_penalty_years":-3}]}`, false, "data.charges[0].max_penalty_years"},
		{"red: wrong notice_type", TypeRed, `{"notice_type":"blue"}`, false, "data.notice_type"},
		{"yellow: a description instead of a name", TypeYellow, `{"description":"boy of about 10","circumstances":"found wandering","disappearance_date":"2025","disappearance_place":"Fes"}`, true, ""},
		{"yellow: neither name nor description", TypeYellow, `{"circumstances":"x","disappearance_date":"2025","disappearance_place":"Fes"}`, true, "data.family_name"},
		{"yellow: parent relation", TypeYellow, `{"parents":[{"name":"A","relation":"uncle"}]}`, false, "data.parents[0].relation"},
		{"blue needs a name", TypeBlue, `{"information_sought":"where"}`, true, "data.family_name"},
		{"black: booleans", TypeBlack, `{"found_place":"x","found_date":"2026","description":"d","estimated_age_min":30,"dna_available":"yes","fingerprints_available":true}`, true, "data.dna_available"},
		{"black: age range", TypeBlack, `{"estimated_age_min":50,"estimated_age_max":40}`, false, "data.estimated_age_max"},
		{"black: an age", TypeBlack, `{"found_place":"x","found_date":"2026","description":"d","dna_available":true,"fingerprints_available":true}`, true, "data.estimated_age_min"},
		{"orange: period order", TypeOrange, `{"period":{"from":"2026-05","to":"2025"}}`, false, "data.period.to"},
		{"purple complete", TypePurple, `{"modus_operandi":"hidden in tyres"}`, true, ""},
		{"silver: asset type", TypeSilver, `{"assets":[{"type":"painting"}]}`, false, "data.assets[0].type"},
		{"silver: IBAN checked", TypeSilver, `{"assets":[{"type":"account","identifiers":[{"type":"iban","value":"DE89370400440532013001"}]}]}`, false, "data.assets[0].identifiers[0].value"},
		{"silver: wallet checked", TypeSilver, `{"assets":[{"type":"crypto","identifiers":[{"type":"eth","value":"0x123"}]}]}`, false, "data.assets[0].identifiers[0].value"},
		{"silver: currency with a value", TypeSilver, `{"assets":[{"type":"cash","estimated_value":100}]}`, false, "data.assets[0].currency"},
		{"silver: currency code", TypeSilver, `{"assets":[{"type":"cash","estimated_value":100,"currency":"euro"}]}`, false, "data.assets[0].currency"},
		{"silver: held for", TypeSilver, `{"assets":[{"type":"vessel","criminal_activity":"smuggling","held_for":[]}]}`, true, "data.assets[0].held_for"},
		{"silver complete", TypeSilver, `{"assets":[{"type":"account","identifiers":[{"type":"iban","value":"DE89 3704 0044 0532 0130 00"}],"held_for":[{"name":"X SARL","kind":"company"}],"criminal_activity":"fraud"}]}`, true, ""},
		{"unknown type", "magenta", `{}`, false, "type"},
		{"not an object", TypeRed, `[1]`, false, "data"},
		{"two objects", TypeRed, `{} {}`, false, "data"},
	}
	for _, c := range cases {
		out, err := Validate(c.typ, json.RawMessage(c.data), c.complete)
		fs := fieldsOf(err)
		if c.wantField == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
				continue
			}
			var m map[string]any
			if json.Unmarshal(out, &m) != nil || m["notice_type"] != c.typ {
				t.Errorf("%s: output %s", c.name, out)
			}
			continue
		}
		found := false
		for _, f := range fs {
			found = found || f == c.wantField
		}
		if !found {
			t.Errorf("%s: want field %s, got %v (%v)", c.name, c.wantField, fs, err)
		}
	}
}

// FuzzValidate feeds arbitrary bodies to every type's validation: it must
// never panic, and what it accepts must be a JSON object of that type
// that it accepts again unchanged.
func FuzzValidate(f *testing.F) {
	seeds := []string{`{}`, `{"charges":[{"max_penalty_years":1e400}]}`, `{"assets":[{"identifiers":[{"type":"iban","value":"x"}]}]}`,
		`{"period":{"from":"2026","to":"2025"}}`, `{"date_of_birth":"1960..1950"}`, `{"nationalities":"MA"}`, `{"warrant":[]}`,
		`{"family_name":"` + strings.Repeat("a", 600) + `"}`, `{"sex":null,"aliases":[1,2]}`, `null`, `"x"`, `{"a":`, "{\"family_name\":\"\\u0000\"}"}
	for i, s := range seeds {
		f.Add(Types[i%len(Types)], []byte(s), i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, typ string, raw []byte, complete bool) {
		out, err := Validate(typ, raw, complete)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || len(fieldsOf(err)) == 0 {
				t.Fatalf("refusal without a field: %v", err)
			}
			return
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil || m["notice_type"] != typ {
			t.Fatalf("accepted %q as %s but gave %s", raw, typ, out)
		}
		again, err := Validate(typ, out, complete)
		if err != nil {
			t.Fatalf("accepted %q, then refused its own output %s: %v", raw, out, err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("not stable: %s then %s", out, again)
		}
	})
}
