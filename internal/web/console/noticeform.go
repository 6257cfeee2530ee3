package console

import (
	"encoding/json"
	"errors"
	"math"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
)

// The request form of every type is made from the type's data layout
// (notices.Schema): one control per field, named by its path in the data
// (charges.0.offence), so that the service's field errors
// (data.charges[0].offence) come back next to their fields. Lists
// (charges, parents, assets and their identifiers and holders,
// documents) show their entries and one empty entry more; "add another"
// and "remove" are submit buttons that re-render the form, so that they
// work without JavaScript.

// releaseField is the form's releasability: the countries a request is
// released to, all members if empty.
const releaseField = "release_countries"

// formField is one control of the request form.
type formField struct {
	Name, ID, Label, Hint string
	Kind                  string
	Value, Error          string
	Required              bool
	Options               []option
	Fields                []formField // of an object
	Entries               []formEntry // of a list
	Item                  string      // a list's "add another" label
}

type formEntry struct {
	Title  string
	Remove string // the entry's path, for the remove button
	Fields []formField
}

type option struct {
	Value, Label string
	Selected     bool
}

type formSection struct {
	Title  string
	Fields []formField
}

type formData struct {
	Type     string
	Types    []string
	ID       string
	Version  string // of the draft ID, as the form was last shown
	Sections []formSection
	Release  formField
	General  string // a refusal no field of the form shows
}

// formHints are the hints under the fields whose format is not obvious.
var formHints = map[string]string{notices.KindDate: "hint.date", notices.KindFullDate: "hint.full_date",
	notices.KindCountries: "hint.countries", notices.KindStrings: "hint.lines"}

// formHidden are data fields a request does not type.
var formHidden = map[string]bool{"notice_type": true}

func fieldID(name string) string { return strings.ReplaceAll(name, ".", "-") }

// buildForm lays out the form of typ with the values of f and errors by
// field name (unknown names go to General).
func buildForm(l *Lang, typ, id string, f url.Values, errs map[string]string) formData {
	d := formData{Type: typ, Types: notices.RequestTypes, ID: id, Version: f.Get("version")}
	shown := map[string]bool{}
	identity := formSection{Title: l.T("section.identity")}
	own := formSection{Title: l.T("section." + typ)}
	other := formSection{Title: l.T("section.other")}
	countries := countryOptions(l)
	var build func(fs []notices.Field, prefix, path string) []formField
	build = func(fs []notices.Field, prefix, path string) []formField {
		var out []formField
		for _, fl := range fs {
			name, p := prefix+fl.Name, path+fl.Name
			if formHidden[name] {
				continue
			}
			shown[name] = true
			ff := formField{Name: name, ID: fieldID(name), Label: fieldLabel(l, p), Kind: fl.Kind, Value: f.Get(name),
				Error: errs[name], Required: fl.Required}
			if key, ok := formHints[fl.Kind]; ok {
				ff.Hint = l.T(key)
			}
			switch fl.Kind {
			case notices.KindEnum:
				ff.Options = []option{{Value: "", Label: "—"}}
				for _, v := range fl.Enum {
					ff.Options = append(ff.Options, option{Value: v, Label: l.TOr("enum."+p+"."+v, v), Selected: v == ff.Value})
				}
			case notices.KindBool:
				ff.Options = []option{{Value: "", Label: "—"}, {Value: "true", Label: l.T("bool.yes"), Selected: ff.Value == "true"},
					{Value: "false", Label: l.T("bool.no"), Selected: ff.Value == "false"}}
			case notices.KindCountry:
				ff.Options = make([]option, len(countries))
				for i, o := range countries {
					o.Selected = o.Value == strings.ToUpper(ff.Value) && o.Value != ""
					ff.Options[i] = o
				}
			case notices.KindObject:
				ff.Fields = build(fl.Fields, name+".", p+".")
			case notices.KindList:
				ff.Item = l.T("form.add_another")
				rows := listRows(f, name) + 1
				if f.Get("add") == name {
					rows++
				}
				for i := 0; i < rows; i++ {
					at := name + "." + strconv.Itoa(i)
					e := formEntry{Title: l.T("item."+p, l.Num(i+1)), Remove: at, Fields: build(fl.Fields, at+".", p+".")}
					ff.Entries = append(ff.Entries, e)
				}
			}
			out = append(out, ff)
		}
		return out
	}
	for _, fl := range notices.Schema(typ) {
		ff := build([]notices.Field{fl}, "", "")
		switch {
		case len(ff) == 0:
		case fl.Identity:
			identity.Fields = append(identity.Fields, ff...)
		case otherFields[fl.Name]:
			other.Fields = append(other.Fields, ff...)
		default:
			own.Fields = append(own.Fields, ff...)
		}
	}
	d.Sections = []formSection{identity, own, other}
	d.Release = formField{Name: releaseField, ID: releaseField, Label: l.T("form.release_countries"), Hint: l.T("hint.countries"),
		Value: f.Get(releaseField), Error: errs[releaseField]}
	shown[releaseField] = true
	var general []string
	for name, msg := range errs {
		if !shown[name] {
			general = append(general, msg)
		}
	}
	sort.Strings(general)
	d.General = strings.Join(general, " ")
	return d
}

// countryOptions are the member countries by name in the language, in
// its alphabetical order, after an empty choice.
func countryOptions(l *Lang) []option {
	countryOptionsOnce.Do(func() {
		countryOptionsByLang = map[string][]option{}
		for _, code := range lang.Supported {
			all := members.All()
			out := make([]option, 0, len(all)+1)
			for _, c := range all {
				out = append(out, option{Value: c.Alpha2, Label: c.Name(code)})
			}
			col := collate.New(language.Make(code))
			sort.SliceStable(out, func(i, j int) bool { return col.CompareString(out[i].Label, out[j].Label) < 0 })
			countryOptionsByLang[code] = append([]option{{Value: "", Label: "—"}}, out...)
		}
	})
	if o, ok := countryOptionsByLang[l.Code]; ok {
		return o
	}
	return countryOptionsByLang[lang.Default]
}

var (
	countryOptionsOnce   sync.Once
	countryOptionsByLang map[string][]option
)

// listRows is the number of entries of the list at name in f: one more
// than the highest index used.
func listRows(f url.Values, name string) int {
	n := 0
	for k := range f {
		rest, ok := strings.CutPrefix(k, name+".")
		if !ok {
			continue
		}
		i, err := strconv.Atoi(strings.SplitN(rest, ".", 2)[0])
		if err == nil && i >= 0 && i < maxFormRows && i+1 > n {
			n = i + 1
		}
	}
	return n
}

// maxFormRows bounds a list's entries in a form (the service allows 100).
const maxFormRows = 100

// compactForm renumbers the entries of every list of typ in f, dropping
// the empty ones and the one at remove: the data's indices are then the
// form's, and a refusal of data.charges[1] shows at charges.1.
func compactForm(typ string, f url.Values, remove string) url.Values {
	out := url.Values{}
	for k, v := range f {
		if !strings.Contains(k, ".") {
			out[k] = v
		}
	}
	var walk func(fs []notices.Field, from, to string)
	walk = func(fs []notices.Field, from, to string) {
		for _, fl := range fs {
			src, dst := from+fl.Name, to+fl.Name
			switch fl.Kind {
			case notices.KindObject:
				walk(fl.Fields, src+".", dst+".")
			case notices.KindList:
				j := 0
				for i := 0; i < listRows(f, src); i++ {
					at := src + "." + strconv.Itoa(i)
					if at == remove || !hasValue(f, at+".") {
						continue
					}
					walk(fl.Fields, at+".", dst+"."+strconv.Itoa(j)+".")
					j++
				}
			default:
				if v, ok := f[src]; ok && from != "" {
					out[dst] = v
				}
			}
		}
	}
	walk(notices.Schema(typ), "", "")
	return out
}

func hasValue(f url.Values, prefix string) bool {
	for k, v := range f {
		if strings.HasPrefix(k, prefix) && strings.TrimSpace(strings.Join(v, "")) != "" {
			return true
		}
	}
	return false
}

func splitCodes(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '،' || r == ';' }) {
		out = append(out, strings.ToUpper(strings.TrimSpace(p)))
	}
	return out
}

// parseNumber reads a number as officers type it: 1500, 1500.5, 1500,5.
// ParseFloat also reads "NaN" and "Inf", which are no penalty or amount
// and which JSON cannot hold: they are refused like any other word.
func parseNumber(s string) (float64, error) {
	if !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	n, err := strconv.ParseFloat(s, 64)
	if err == nil && (math.IsNaN(n) || math.IsInf(n, 0)) {
		return 0, errors.New("not a finite number")
	}
	return n, err
}

// noticeInput builds the request of typ from the (compacted) form.
func noticeInput(typ string, f url.Values) (notices.Input, error) {
	var fs []core.FieldError
	var decode func(fields []notices.Field, prefix string) map[string]any
	decode = func(fields []notices.Field, prefix string) map[string]any {
		m := map[string]any{}
		for _, fl := range fields {
			name := prefix + fl.Name
			v := strings.TrimSpace(f.Get(name))
			switch fl.Kind {
			case notices.KindObject:
				if o := decode(fl.Fields, name+"."); len(o) > 0 {
					m[fl.Name] = o
				}
				continue
			case notices.KindList:
				var list []any
				for i := 0; i < listRows(f, name); i++ {
					if o := decode(fl.Fields, name+"."+strconv.Itoa(i)+"."); len(o) > 0 {
						list = append(list, o)
					}
				}
				if len(list) > 0 {
					m[fl.Name] = list
				}
				continue
			}
			if v == "" {
				continue
			}
			switch fl.Kind {
			case notices.KindCountry:
				m[fl.Name] = strings.ToUpper(v)
			case notices.KindCountries:
				m[fl.Name] = splitCodes(v)
			case notices.KindStrings:
				var lines []string
				for _, line := range strings.Split(v, "\n") {
					if line = strings.TrimSpace(line); line != "" {
						lines = append(lines, line)
					}
				}
				m[fl.Name] = lines
			case notices.KindBool:
				m[fl.Name] = v == "true"
				if v != "true" && v != "false" {
					fs = append(fs, core.FieldError{Field: "data." + dataPath(name), Reason: "must be true or false", Code: "yes_no"})
				}
			case notices.KindNumber:
				n, err := parseNumber(v)
				if err != nil {
					fs = append(fs, core.FieldError{Field: "data." + dataPath(name), Reason: "must be a number", Code: "number"})
					continue
				}
				m[fl.Name] = n
			default:
				m[fl.Name] = v
			}
		}
		return m
	}
	data := decode(notices.Schema(typ), "")
	in := notices.Input{Type: typ, Releasability: &core.Releasability{Mode: core.ReleaseAll}}
	if cs := splitCodes(f.Get(releaseField)); len(cs) > 0 {
		in.Releasability = &core.Releasability{Mode: core.ReleaseOnly, Countries: cs}
	}
	var err error
	if in.Data, err = json.Marshal(data); err != nil {
		// Only text, numbers and yes/no were decoded: the form's own
		// fault, never the user's.
		return in, core.Errorf(core.EINTERNAL, "notice form data: %v", err)
	}
	if len(fs) > 0 {
		return in, core.Invalid(fs...)
	}
	return in, nil
}

// dataPath is a form name's path in the data: charges.0.offence →
// charges[0].offence.
func dataPath(name string) string {
	parts := strings.Split(name, ".")
	var b strings.Builder
	for i, p := range parts {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// formNameOf is the form's name for a service field: data.charges[0].offence
// → charges.0.offence; releasability → the release field; the name of
// the nearest enclosing control for a list's entry (nationalities[1] →
// nationalities).
func formNameOf(field string, known map[string]bool) string {
	if strings.HasPrefix(field, "releasability") {
		return releaseField
	}
	p, ok := strings.CutPrefix(field, "data.")
	if !ok {
		return field
	}
	name := strings.NewReplacer("[", ".", "]", "").Replace(p)
	for n := name; n != ""; {
		if known[n] {
			return n
		}
		i := strings.LastIndexByte(n, '.')
		if i < 0 {
			break
		}
		n = n[:i]
	}
	return name
}

// formErrorsOf maps err's field errors to the form's names in l.
func formErrorsOf(l *Lang, err error, typ string, f url.Values) (map[string]string, bool) {
	known := map[string]bool{releaseField: true}
	d := buildForm(l, typ, "", f, nil)
	var mark func(fs []formField)
	mark = func(fs []formField) {
		for _, ff := range fs {
			known[ff.Name] = true
			mark(ff.Fields)
			for _, e := range ff.Entries {
				mark(e.Fields)
			}
		}
	}
	for _, s := range d.Sections {
		mark(s.Fields)
	}
	names := map[string]string{}
	var e *core.Error
	if !errors.As(err, &e) {
		return nil, false
	}
	for _, fe := range e.Fields {
		names[fe.Field] = formNameOf(fe.Field, known)
	}
	return uniqueFieldErrors(l, err, names)
}

func (c *Console) noticeForm(q *req) error {
	typ := q.r.URL.Query().Get("type")
	if !slices.Contains(notices.RequestTypes, typ) {
		typ = notices.TypeRed
	}
	p := c.newPage(q, "notices", buildForm(q.L, typ, "", url.Values{}, nil))
	p.Title = q.L.T("form.title")
	return c.render(q, "notice_form", http.StatusOK, p)
}

// noticeFormPost creates (or, on a second try, changes) the draft and
// submits it; "add another" and "remove" re-render the form. A refusal
// re-renders the form with each field's error in the user's language
// next to it, and everything that was typed.
func (c *Console) noticeFormPost(q *req) error {
	ctx := q.r.Context()
	typ := q.r.PostForm.Get("type")
	if !slices.Contains(notices.RequestTypes, typ) {
		typ = notices.TypeRed
	}
	f := compactForm(typ, q.r.PostForm, q.r.PostForm.Get("remove"))
	id := f.Get("id")
	if q.r.PostForm.Has("add") || q.r.PostForm.Has("remove") {
		p := c.newPage(q, "notices", buildForm(q.L, typ, id, f, nil))
		p.Title, p.Form = q.L.T("form.title"), f
		return c.render(q, "notice_form", http.StatusOK, p)
	}
	in, err := noticeInput(typ, f)
	// version is the draft's version the form was based on (a hidden
	// field): a change names it, so that one made meanwhile by a
	// colleague is not written over unseen.
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	// saved is the draft as created or changed: its version is the one
	// the submission is based on.
	var saved *notices.View
	if err == nil {
		if id == "" {
			if saved, err = c.API.Notices.Create(ctx, q.V, in); err == nil {
				id = saved.Notice.ID
			}
		} else if version <= 0 {
			// A form from before the version was kept: the draft it
			// was based on is unknown, and a change may be lost.
			err = core.Errorf(core.ECONFLICT, "the form names no version of the draft")
		} else {
			saved, err = c.API.Notices.Update(ctx, q.V, id, notices.UpdateInput{Data: in.Data, Releasability: in.Releasability, Version: version})
		}
	}
	if saved != nil {
		version = saved.Record.Version
	}
	if err == nil && f.Get("action") != "draft" {
		_, err = c.API.Notices.Submit(ctx, q.V, id, saved.Record.Version)
	}
	if err != nil {
		f.Set("id", id)
		if saved == nil && id != "" && core.ErrorCode(err) == core.ECONFLICT {
			if cur, gerr := c.API.Notices.Get(ctx, q.V, id); gerr == nil && cur.Record.Version != version {
				// Changed since the form was sent: nothing of the form
				// is saved, everything typed is kept, and sending it
				// again (now based on the draft as it is) replaces the
				// change, knowingly.
				f.Set("version", strconv.FormatInt(cur.Record.Version, 10))
				p := c.newPage(q, "notices", buildForm(q.L, typ, id, f, nil))
				p.Title, p.Form, p.Problem = q.L.T("form.title"), f, "form.changed"
				return c.render(q, "notice_form", http.StatusConflict, p)
			}
		}
		fe, ok := formErrorsOf(q.L, err, typ, f)
		if !ok {
			if core.ErrorCode(err) != core.ECONFLICT && core.ErrorCode(err) != core.EINVALID {
				return err
			}
			fe = map[string]string{"": reasonText(q.L, core.FieldError{Reason: core.ErrorMessage(err)})}
		}
		if version > 0 {
			f.Set("version", strconv.FormatInt(version, 10))
		}
		p := c.newPage(q, "notices", buildForm(q.L, typ, id, f, fe))
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
