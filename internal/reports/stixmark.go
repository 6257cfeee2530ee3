package reports

import (
	"encoding/json"
	"strings"
)

// TLP markings on imported STIX indicators. An indicator's audience comes
// from the TLP marking definitions its object_marking_refs name: the ones
// STIX predefines (TLP 1.0 in the STIX 2.1 specification, TLP 2.0 in the
// OASIS TLP 2.0 extension / cti-stix-common-objects), or marking-definition
// objects of the bundle itself. A marking Manara cannot read is refused,
// never taken for "all members".

// TLP 2.0 marking definitions (OASIS cti-stix-common-objects).
const (
	TLP2Clear       = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
	TLP2Green       = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
	TLP2Amber       = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
	TLP2AmberStrict = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
	TLP2Red         = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
)

// tlpLevel is what a marking says of an indicator's audience, from the
// widest to the narrowest; an indicator with several markings takes the
// narrowest.
type tlpLevel int

const (
	tlpUnknown   tlpLevel = iota // not a marking Manara reads
	tlpStatement                 // a statement (copyright, terms of use): says nothing of the audience
	tlpAll                       // TLP:CLEAR, WHITE, GREEN: all members
	tlpAmber                     // TLP:AMBER: the amber_to countries, else the importer
	tlpRed                       // TLP:RED, and AMBER+STRICT (the recipient's organisation only): the importer alone
)

// predefinedTLP are the marking definitions STIX predefines. A bundle
// cannot redefine them (its object with one of these ids is not read).
var predefinedTLP = map[string]tlpLevel{
	TLPWhite: tlpAll, TLPGreen: tlpAll, TLPAmber: tlpAmber, TLPRed: tlpRed,
	TLP2Clear: tlpAll, TLP2Green: tlpAll, TLP2Amber: tlpAmber, TLP2AmberStrict: tlpRed, TLP2Red: tlpRed,
}

// tlpNamed reads a TLP level as written: "amber", "TLP:AMBER+STRICT".
func tlpNamed(s string) tlpLevel {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimSpace(strings.TrimPrefix(s, "tlp:"))
	switch s {
	case "clear", "white", "green":
		return tlpAll
	case "amber":
		return tlpAmber
	case "red", "amber+strict":
		return tlpRed
	}
	return tlpUnknown
}

// readMarking reads a marking-definition object of a bundle: TLP 1.0
// (definition_type "tlp", definition.tlp), TLP 2.0 (the tlp_2_0 property
// of its extension, or a name or definition_type "TLP:…"), or a statement.
// Where its parts disagree the narrowest is kept; anything else is
// tlpUnknown.
func readMarking(raw json.RawMessage) tlpLevel {
	var m struct {
		Name           string `json:"name"`
		DefinitionType string `json:"definition_type"`
		Definition     struct {
			TLP       string `json:"tlp"`
			Statement string `json:"statement"`
		} `json:"definition"`
		Extensions map[string]struct {
			TLP2 string `json:"tlp_2_0"`
		} `json:"extensions"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return tlpUnknown
	}
	var got []tlpLevel
	for _, e := range m.Extensions {
		if e.TLP2 != "" {
			got = append(got, tlpNamed(e.TLP2))
		}
	}
	if strings.EqualFold(m.DefinitionType, "tlp") {
		got = append(got, tlpNamed(m.Definition.TLP))
	} else if strings.HasPrefix(strings.ToLower(m.DefinitionType), "tlp:") {
		got = append(got, tlpNamed(m.DefinitionType))
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(m.Name)), "tlp:") {
		got = append(got, tlpNamed(m.Name))
	}
	if len(got) == 0 {
		if strings.EqualFold(m.DefinitionType, "statement") && m.Definition.Statement != "" {
			return tlpStatement
		}
		return tlpUnknown
	}
	level := got[0]
	for _, l := range got[1:] {
		if l == tlpUnknown || level == tlpUnknown {
			return tlpUnknown // a part that does not read: the audience cannot be told
		}
		level = max(level, l)
	}
	return level
}
