package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
)

// redFields are the Red Notice form's fields and where each goes in the
// notice's data; the same table maps the service's field errors back.
var redFields = []struct{ Form, Data string }{
	{"family_name", "data.family_name"}, {"given_names", "data.given_names"}, {"name_original", "data.name_original"},
	{"sex", "data.sex"}, {"date_of_birth", "data.date_of_birth"}, {"nationalities", "data.nationalities"},
	{"description", "data.description"}, {"purpose", "data.purpose"},
	{"offence", "data.charges[0].offence"}, {"law", "data.charges[0].law"}, {"max_penalty_years", "data.charges[0].max_penalty_years"},
	{"sentence_remaining_months", "data.sentence_remaining_months"},
	{"warrant_reference", "data.warrant.reference"}, {"warrant_date", "data.warrant.date"},
	{"warrant_authority", "data.warrant.authority"}, {"warrant_country", "data.warrant.country"},
	{"extradition_countries", "data.extradition_countries"}, {"release_countries", "releasability.countries"},
}

func redFieldNames() map[string]string {
	m := map[string]string{"data.charges": "offence", "data.warrant": "warrant_reference", "data.warrant.kind": "warrant_reference",
		"data": "family_name", "releasability": "release_countries", "releasability.mode": "release_countries", "data.name": "family_name"}
	for _, f := range redFields {
		m[f.Data] = f.Form
		m[f.Data+"."] = f.Form // sub-fields (nationalities[0], …)
	}
	return m
}

func splitCodes(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '،' || r == ';' }) {
		out = append(out, strings.ToUpper(strings.TrimSpace(p)))
	}
	return out
}

// redInput builds a Red Notice request from the form.
func redInput(f url.Values) (notices.Input, error) {
	g := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	data := map[string]any{}
	put := func(k, v string) {
		if v != "" {
			data[k] = v
		}
	}
	put("family_name", g("family_name"))
	put("given_names", g("given_names"))
	put("name_original", g("name_original"))
	put("sex", g("sex"))
	put("date_of_birth", g("date_of_birth"))
	put("description", g("description"))
	put("purpose", g("purpose"))
	if cs := splitCodes(g("nationalities")); len(cs) > 0 {
		data["nationalities"] = cs
	}
	if cs := splitCodes(g("extradition_countries")); len(cs) > 0 {
		data["extradition_countries"] = cs
	}
	var fs []core.FieldError
	charge := map[string]any{}
	if g("offence") != "" {
		charge["offence"] = g("offence")
	}
	if g("law") != "" {
		charge["law"] = g("law")
	}
	if s := g("max_penalty_years"); s != "" {
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			fs = append(fs, core.FieldError{Field: "data.charges[0].max_penalty_years", Reason: "must be a number"})
		} else {
			charge["max_penalty_years"] = n
		}
	}
	if len(charge) > 0 {
		data["charges"] = []any{charge}
	}
	if s := g("sentence_remaining_months"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			fs = append(fs, core.FieldError{Field: "data.sentence_remaining_months", Reason: "must be a number"})
		} else {
			data["sentence_remaining_months"] = n
		}
	}
	w := map[string]any{"kind": "arrest_warrant"}
	for _, k := range []string{"reference", "date", "authority", "country"} {
		if v := g("warrant_" + k); v != "" {
			if k == "country" {
				v = strings.ToUpper(v)
			}
			w[k] = v
		}
	}
	if len(w) > 1 {
		data["warrant"] = w
	}
	in := notices.Input{Type: notices.TypeRed, Releasability: &core.Releasability{Mode: core.ReleaseAll}}
	if cs := splitCodes(g("release_countries")); len(cs) > 0 {
		in.Releasability = &core.Releasability{Mode: core.ReleaseOnly, Countries: cs}
	}
	in.Data, _ = json.Marshal(data)
	if len(fs) > 0 {
		return in, core.Invalid(fs...)
	}
	return in, nil
}

type formData struct {
	Type  string
	Types []string
	ID    string
}

func (c *Console) noticeForm(q *req) error {
	typ := q.r.URL.Query().Get("type")
	if !slices.Contains(notices.RequestTypes, typ) {
		typ = notices.TypeRed
	}
	p := c.newPage(q, "notices", formData{Type: typ, Types: notices.RequestTypes})
	p.Title = q.L.T("form.title")
	if typ == notices.TypeRed {
		p.Form.Set("purpose", "prosecution")
	} else {
		p.Form.Set("data", "{\n}")
	}
	return c.render(q, "notice_form", http.StatusOK, p)
}

// noticeFormPost creates (or, on a second try, changes) the draft and
// submits it. A refusal re-renders the form with each field's error in
// the user's language and everything that was typed.
func (c *Console) noticeFormPost(q *req) error {
	ctx := q.r.Context()
	f := q.r.PostForm
	typ := f.Get("type")
	if !slices.Contains(notices.RequestTypes, typ) {
		typ = notices.TypeRed
	}
	var in notices.Input
	var err error
	names := map[string]string{"data": "data", "data.": "data"}
	if typ == notices.TypeRed {
		in, err = redInput(f)
		names = redFieldNames()
	} else {
		in = notices.Input{Type: typ, Releasability: &core.Releasability{Mode: core.ReleaseAll}}
		raw := strings.TrimSpace(f.Get("data"))
		if !json.Valid([]byte(raw)) {
			err = core.Invalid(core.FieldError{Field: "data", Reason: "must be a JSON object"})
		}
		in.Data = json.RawMessage(raw)
	}
	id := f.Get("id")
	// saved is the draft as created or changed: its version is the one
	// the submission is based on.
	var saved *notices.View
	if err == nil {
		if id == "" {
			if saved, err = c.API.Notices.Create(ctx, q.V, in); err == nil {
				id = saved.Notice.ID
			}
		} else {
			// The form carries no version: the change is based on the
			// draft as it is now.
			var cur *notices.View
			if cur, err = c.API.Notices.Get(ctx, q.V, id); err == nil {
				saved, err = c.API.Notices.Update(ctx, q.V, id, notices.UpdateInput{Data: in.Data, Releasability: in.Releasability, Version: cur.Record.Version})
			}
		}
	}
	if err == nil && f.Get("action") != "draft" {
		_, err = c.API.Notices.Submit(ctx, q.V, id, saved.Record.Version)
	}
	if err != nil {
		fe, ok := fieldErrors(q.L, err, names)
		if !ok {
			if core.ErrorCode(err) != core.ECONFLICT && core.ErrorCode(err) != core.EINVALID {
				return err
			}
			fe = map[string]string{}
			if typ == notices.TypeRed {
				fe["family_name"] = q.L.T("field.invalid", core.ErrorMessage(err))
			} else {
				fe["data"] = q.L.T("field.invalid", core.ErrorMessage(err))
			}
		}
		p := c.newPage(q, "notices", formData{Type: typ, Types: notices.RequestTypes, ID: id})
		p.Title, p.Errors, p.Form = q.L.T("form.title"), fe, f
		p.Problem = "form.has_errors"
		return c.render(q, "notice_form", http.StatusBadRequest, p)
	}
	done := "submitted"
	if f.Get("action") == "draft" {
		done = "saved"
	}
	return c.redirect(q, "/notices/"+url.PathEscape(id)+"?done="+done)
}
