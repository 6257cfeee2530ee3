package console

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/manara-hub/manara/internal/core"
)

// ---- screening explanations, written in the reader's language
//
// The screening gives a hit's label, its explanation and its query as
// data (core.Label, core.Explanation, core.QueryField); these functions
// write them with the catalog's "explain.*" strings, whose {placeholders}
// name the params so that each language orders them as it reads. Each
// value from the data (a name, a number, a date) is escaped and isolated
// in a <bdi>, so that a Latin name reads right in an Arabic sentence.
// Data that has no parts (a hit recorded before they existed) is shown
// in the English the API gave it, as it was.

// fill writes the catalog string key with its {placeholders} replaced by
// the values, each escaped and isolated; an empty value takes the space
// before it along (a notice without reference, a vehicle without make).
func fill(l *Lang, key string, values map[string]string) template.HTML {
	s := template.HTMLEscapeString(l.T(key))
	for k, v := range values {
		if v == "" {
			s = strings.ReplaceAll(s, " {"+k+"}", "")
			s = strings.ReplaceAll(s, "{"+k+"}", "")
			continue
		}
		s = strings.ReplaceAll(s, "{"+k+"}", "<bdi>"+template.HTMLEscapeString(v)+"</bdi>")
	}
	return template.HTML(s)
}

// figure is a 0–1 figure with two decimals, in the language's marks.
func figure(l *Lang, f float64) string { return l.Amount(f) }

// figureParam is a figure given as text ("0.80"), in the language's marks.
func figureParam(l *Lang, s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return figure(l, f)
}

// countryNames writes ISO codes (joined by ", ") as the language names
// the countries; an unknown code stays as it is.
func countryNames(l *Lang, codes string) string {
	var out []string
	for _, c := range strings.Split(codes, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		out = append(out, countryName(l, c))
	}
	return strings.Join(out, l.T("explain.list_sep"))
}

// documentType is a document's type in the language when the catalog
// knows it (passport, id_card…), or as the record writes it.
func documentType(l *Lang, t string) string {
	if t == "" {
		return l.T("rkind.travel_document")
	}
	return l.TOr("explain.doctype."+strings.ToLower(t), t)
}

// sexName is M, F or U in the language.
func sexName(l *Lang, s string) string { return l.TOr("enum.sex."+s, s) }

// hitLabel writes a hit's label: from its parts, or the English label
// when there are none.
func hitLabel(l *Lang, parts *core.Label, english string) template.HTML {
	if parts == nil || parts.Kind == "" {
		return template.HTML("<bdi>" + template.HTMLEscapeString(english) + "</bdi>")
	}
	p := *parts
	switch p.Kind {
	case core.KindPerson, core.KindEntity:
		return fill(l, "explain.label.name", map[string]string{"name": p.Name})
	case core.KindNotice:
		key := "explain.label.notice"
		if p.Name != "" {
			key = "explain.label.notice_name"
		}
		return fill(l, key, map[string]string{"type": l.TOr("type."+p.NoticeType, p.NoticeType), "reference": p.Reference, "name": p.Name})
	case core.KindTravelDocument:
		return fill(l, "explain.label.document", map[string]string{"type": documentType(l, p.DocumentType), "number": p.Number, "country": countryName(l, p.Country)})
	case core.KindVehicle:
		return fill(l, "explain.label.vehicle", map[string]string{"make": p.Make, "number": p.Number})
	}
	v := p.Number
	if v == "" {
		v = l.TOr("enum.assets.type."+p.AssetType, p.AssetType)
	}
	return fill(l, "explain.label.other", map[string]string{"kind": l.TOr("rkind."+p.Kind, p.Kind), "value": v})
}

// explainLines writes an explanation, one line per part and reason: from
// its data, or the English lines when there is none.
func explainLines(l *Lang, why *core.Explanation, english []string) []template.HTML {
	if why.Empty() {
		out := make([]template.HTML, len(english))
		for i, s := range english {
			out[i] = template.HTML("<bdi>" + template.HTMLEscapeString(s) + "</bdi>")
		}
		return out
	}
	out := make([]template.HTML, 0, len(why.Parts)+len(why.Reasons))
	for _, p := range why.Parts {
		out = append(out, explainPart(l, p))
	}
	for _, r := range why.Reasons {
		out = append(out, explainReason(l, r))
	}
	return out
}

func explainPart(l *Lang, p core.ScorePart) template.HTML {
	note := p.Note
	if !l.Has("explain.part." + note) {
		note = core.PartMatch
	}
	values := map[string]string{"query": p.Query, "matched": p.Matched, "score": figure(l, p.Score), "weight": figure(l, p.Weight)}
	if note == core.PartMissing || note == core.PartUnread {
		values["part"] = p.Query + p.Matched // one of the two is set
	}
	return fill(l, "explain.part."+note, values)
}

func explainReason(l *Lang, r core.Reason) template.HTML {
	key := "explain.reason." + r.Code
	if !l.Has(key) {
		// A reason this console does not know yet: the API's English.
		return template.HTML("<bdi>" + template.HTMLEscapeString(r.English()) + "</bdi>")
	}
	values := map[string]string{}
	for k, v := range r.Params {
		values[k] = v
	}
	switch r.Code {
	case core.ReasonSpelling:
		values["similarity"], values["factor"] = figureParam(l, values["similarity"]), figureParam(l, values["factor"])
	case core.ReasonSexDiffers:
		values["query"], values["record"] = sexName(l, values["query"]), sexName(l, values["record"])
	case core.ReasonNationalityAgrees, core.ReasonNationalityDiffers:
		values["nationality"], values["record"] = countryNames(l, values["nationality"]), countryNames(l, values["record"])
	case core.ReasonDocumentExact:
		values["country"] = countryNames(l, values["country"])
		if values["type"] != "" {
			values["type"] = documentType(l, values["type"])
		} else {
			key = "explain.reason.document_exact_untyped"
		}
	case core.ReasonIdentifierExact:
		values["type"] = l.TOr("itype."+values["type"], values["type"])
	}
	return fill(l, key, values)
}

// queryText writes what a screening asked, field by field: from its
// fields, or the English summary when there are none.
func queryText(l *Lang, fields []core.QueryField, english string) template.HTML {
	if len(fields) == 0 {
		return template.HTML("<bdi>" + template.HTMLEscapeString(english) + "</bdi>")
	}
	var parts []string
	for _, f := range fields {
		v := f.Value
		switch f.Field {
		case core.QuerySex:
			v = sexName(l, v)
		case core.QueryNationality, core.QueryCountry:
			v = countryNames(l, v)
		case core.QueryDocumentType:
			v = documentType(l, v)
		case core.QueryIdentifierType:
			v = l.TOr("itype."+v, v)
		case core.QueryMRZ:
			parts = append(parts, template.HTMLEscapeString(l.T("explain.q.mrz")))
			continue
		}
		parts = append(parts, string(fill(l, "explain.q."+f.Field, map[string]string{"value": v})))
	}
	return template.HTML(strings.Join(parts, template.HTMLEscapeString(l.T("explain.q_sep"))))
}
