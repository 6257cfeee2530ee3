package core

import (
	"fmt"
	"strings"
)

// Why a screening answered what it answered, as data rather than English
// sentences, so that each reader's language can write it: the record's
// label in parts, the name's score part by part, the other reasons that
// moved the score, and the query field by field. The English strings the
// API has always carried (label, explanation, query) are written from the
// same data by the String and English methods here.

// Label names the record a hit found.
type Label struct {
	Kind string `json:"kind"` // the record's kind (KindPerson…)
	// NoticeType and Reference are a notice's (red, AB-12).
	NoticeType string `json:"notice_type,omitempty"`
	Reference  string `json:"reference,omitempty"`
	// Name is the subject's (a person's, an entity's, a notice's) first
	// spelling, as the record writes it.
	Name string `json:"name,omitempty"`
	// DocumentType, Number and Country are a travel document's (type as
	// the record writes it: passport, id_card…).
	DocumentType string `json:"document_type,omitempty"`
	// Number is a document's number, a vehicle's VIN or plate, an asset's
	// or a cyber indicator's value.
	Number  string `json:"number,omitempty"`
	Country string `json:"country,omitempty"`
	// Make is a vehicle's; AssetType an asset's (when it has no value).
	Make      string `json:"make,omitempty"`
	AssetType string `json:"asset_type,omitempty"`
	// Unlabelled: a bulk document without type, written as number and
	// country only (the record's kind is not said).
	Unlabelled bool `json:"-"`
}

// String is the label in English, as the API's label field has it.
func (l Label) String() string {
	switch l.Kind {
	case KindPerson, KindEntity:
		return l.Name
	case KindTravelDocument:
		t := l.DocumentType
		if t == "" && !l.Unlabelled {
			t = "document"
		}
		return strings.TrimSpace(t+" "+l.Number) + " (" + l.Country + ")"
	case KindVehicle:
		return strings.TrimSpace("vehicle " + l.Make + " " + l.Number)
	case KindAsset, KindCyberIndicator:
		v := l.Number
		if v == "" {
			v = l.AssetType
		}
		return strings.TrimSpace(l.Kind + " " + v)
	case KindNotice:
		s := strings.TrimSpace(l.NoticeType + " notice " + l.Reference)
		if l.Name != "" {
			s += ": " + l.Name
		}
		return s
	}
	return ""
}

// Notes of a ScorePart: how a part of the query met the record's name.
const (
	PartMatch    = "match"    // aligned, scored by similarity
	PartTypo     = "typo"     // one letter from the other name's part, believed a typing error
	PartConflict = "conflict" // aligned but different names: penalised
	PartMissing  = "missing"  // no counterpart: a small penalty
	PartUnread   = "unread"   // kanji of a Japanese name: left out of the score
)

// ScorePart is one part of a name's score: a part of the query, the part
// of the record's name it was aligned with (either is empty when it has no
// counterpart), their similarity (0–1) and how much the part counts.
type ScorePart struct {
	Query   string  `json:"query,omitempty"`
	Matched string  `json:"matched,omitempty"`
	Score   float64 `json:"score"`
	Weight  float64 `json:"weight"`
	Note    string  `json:"note"`
}

// Reason codes: what besides the name's parts moved a score, or why an
// exact key matched. Their params are named in each.
const (
	// ReasonSpelling: ranked by letters, never an alert; name, similarity, factor.
	ReasonSpelling = "spelling"
	// ReasonDOBAgrees, ReasonDOBClose, ReasonDOBDiffers: query and record
	// are the dates of birth (YYYY-MM-DD, YYYY or YYYY..YYYY).
	ReasonDOBAgrees  = "dob_agrees"
	ReasonDOBClose   = "dob_close"
	ReasonDOBDiffers = "dob_differs"
	// ReasonSexDiffers: query and record are M or F.
	ReasonSexDiffers = "sex_differs"
	// ReasonNationalityAgrees: nationality; ReasonNationalityDiffers adds
	// record, the record's nationalities joined by ", ".
	ReasonNationalityAgrees  = "nationality_agrees"
	ReasonNationalityDiffers = "nationality_differs"
	// ReasonDocumentExact: number, country and (when known) type.
	ReasonDocumentExact = "document_exact"
	// ReasonIdentifierExact: type and value.
	ReasonIdentifierExact = "identifier_exact"
)

// Reason is one step of an explanation: a code and its named params.
type Reason struct {
	Code   string            `json:"code"`
	Params map[string]string `json:"params,omitempty"`
}

// Explanation is why a hit scored what it scored: the name's parts, then
// the other reasons, in the order the English lines give them.
type Explanation struct {
	Parts   []ScorePart `json:"parts,omitempty"`
	Reasons []Reason    `json:"reasons,omitempty"`
}

// Empty reports whether there is nothing to explain.
func (e *Explanation) Empty() bool { return e == nil || len(e.Parts) == 0 && len(e.Reasons) == 0 }

// English is the explanation as the API's explanation lines have it.
func (e *Explanation) English() []string {
	if e.Empty() {
		return nil
	}
	out := make([]string, 0, len(e.Parts)+len(e.Reasons))
	for _, p := range e.Parts {
		out = append(out, p.English())
	}
	for _, r := range e.Reasons {
		out = append(out, r.English())
	}
	return out
}

// English is one part's line.
func (p ScorePart) English() string {
	switch p.Note {
	case PartMissing:
		return fmt.Sprintf("%q has no counterpart (weight %.2f): small penalty for a missing part", p.Query+p.Matched, p.Weight)
	case PartUnread:
		return fmt.Sprintf("%q is kanji in a Japanese name: not read (that needs a dictionary of names), left out of the score", p.Query+p.Matched)
	case PartTypo:
		return fmt.Sprintf("%q ~ %q: one letter apart: taken as a typing error, %.2f (weight %.2f)", p.Query, p.Matched, p.Score, p.Weight)
	case PartConflict:
		return fmt.Sprintf("%q vs %q: %.2f, different names (weight %.2f): penalised", p.Query, p.Matched, p.Score, p.Weight)
	}
	return fmt.Sprintf("%q ~ %q: %.2f (weight %.2f)", p.Query, p.Matched, p.Score, p.Weight)
}

// English is one reason's line.
func (r Reason) English() string {
	p := r.Params
	switch r.Code {
	case ReasonSpelling:
		return fmt.Sprintf("ranked by spelling: %q is %s alike letter by letter (×%s, never an alert)", p["name"], p["similarity"], p["factor"])
	case ReasonDOBAgrees:
		return fmt.Sprintf("date of birth %s agrees with %s: +0.02", p["query"], p["record"])
	case ReasonDOBClose:
		return fmt.Sprintf("date of birth %s is close to %s: ×0.95", p["query"], p["record"])
	case ReasonDOBDiffers:
		return fmt.Sprintf("date of birth %s differs from %s: ×0.80", p["query"], p["record"])
	case ReasonSexDiffers:
		return fmt.Sprintf("sex %s differs from %s: ×0.90", p["query"], p["record"])
	case ReasonNationalityAgrees:
		return "nationality " + p["nationality"] + " agrees"
	case ReasonNationalityDiffers:
		return "nationality " + p["nationality"] + " not among " + p["record"] + " (no penalty: nationalities change)"
	case ReasonDocumentExact:
		return "document " + strings.TrimSpace(p["type"]+" "+p["number"]) + " issued by " + p["country"] + ": exact match"
	case ReasonIdentifierExact:
		return p["type"] + " " + p["value"] + ": exact match"
	}
	return r.Code
}

// Query fields: what a screening asked, field by field.
const (
	QueryName           = "name"
	QueryDateOfBirth    = "date_of_birth"
	QuerySex            = "sex"
	QueryNationality    = "nationality"
	QueryDocumentType   = "document_type"
	QueryCountry        = "country"
	QueryNumber         = "number"
	QueryMRZ            = "mrz" // the value is empty: the MRZ itself is not kept
	QueryIdentifierType = "identifier_type"
	QueryValue          = "value"
)

// QueryField is one field of a screening's query, as the searcher gave it.
type QueryField struct {
	Field string `json:"field"`
	Value string `json:"value,omitempty"`
}
