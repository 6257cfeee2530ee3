package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/web/api"
)

// Agreement pages: the registry with its filters, one agreement, and the
// form that registers one. Everything comes from the agreements service,
// which asks access and audits; dates are written the reader's way.

type agreementRow struct {
	ID, Title, TitleLang, Parties, Status, Signed, Expires string
	Subjects                                               []string
}

type agreementsData struct {
	Rows       []agreementRow
	Subjects   []string
	Statuses   []string
	Page       int
	Prev, Next string
}

// agreementFilters are the list's filters, by query parameter.
var agreementFilters = []string{"q", "country", "subject", "status", "signed_from", "signed_to"}

// titleIn is an agreement's title in the reader's language, or in the
// first language it has (and that language, for the lang attribute).
func titleIn(a *core.Agreement, code string) (string, string) {
	for _, l := range []string{code, "en", "fr", "ar", "es"} {
		if t := a.Titles[l]; t != "" {
			return t, l
		}
	}
	for l, t := range a.Titles {
		return t, l
	}
	return "", ""
}

// partyName names a party in the reader's language: a bureau by its
// country, an agency with its country, an organisation by its name.
func partyName(l *Lang, p core.AgreementParty) string {
	switch p.Kind {
	case core.PartyBureau:
		return bureauName(l, p.Country)
	case core.PartyAgency:
		if c, ok := members.Lookup(p.Country); ok {
			return p.Name + " (" + c.Name(l.Code) + ")"
		}
		return p.Name + " (" + p.Country + ")"
	}
	if p.Name != "" {
		return p.Name
	}
	return p.Code
}

func dateIn(l *Lang, s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.Date(t)
}

func (c *Console) agreementsPage(q *req) error {
	qv := q.r.URL.Query()
	search, err := api.AgreementQuery(qv)
	if err == nil {
		search.Limit = 25
		var p *agreements.Page
		if p, err = c.API.Agreements.Search(q.r.Context(), q.V, search); err == nil {
			return c.renderAgreements(q, http.StatusOK, p, nil)
		}
	}
	if core.ErrorCode(err) != core.EINVALID {
		return err
	}
	errs := map[string]string{}
	if ce, ok := err.(*core.Error); ok {
		for _, f := range ce.Fields {
			errs[f.Field] = q.L.T("agreements.err_filter")
		}
	}
	return c.renderAgreements(q, http.StatusBadRequest, &agreements.Page{Page: 1}, errs)
}

func (c *Console) renderAgreements(q *req, status int, pg *agreements.Page, errs map[string]string) error {
	d := agreementsData{Subjects: core.AgreementSubjects, Statuses: core.AgreementStatuses, Page: pg.Page}
	for _, a := range pg.Items {
		row := agreementRow{ID: a.ID, Status: a.Status, Subjects: a.Subjects}
		row.Title, row.TitleLang = titleIn(a, q.L.Code)
		var names []string
		for _, p := range a.Parties {
			names = append(names, partyName(q.L, p))
		}
		row.Parties = strings.Join(names, " · ")
		if a.Signed != "" {
			row.Signed = dateIn(q.L, a.Signed)
		}
		if a.Expires != "" {
			row.Expires = dateIn(q.L, a.Expires)
		}
		d.Rows = append(d.Rows, row)
	}
	link := func(page int) string {
		v := url.Values{}
		for _, k := range agreementFilters {
			if x := q.r.URL.Query().Get(k); x != "" {
				v.Set(k, x)
			}
		}
		v.Set("page", strconv.Itoa(page))
		return "/agreements?" + v.Encode()
	}
	if pg.More {
		d.Next = link(pg.Page + 1)
	}
	if pg.Page > 1 {
		d.Prev = link(pg.Page - 1)
	}
	p := c.newPage(q, "agreements", d)
	p.Title = q.L.T("agreements.title")
	for _, k := range agreementFilters {
		p.Form.Set(k, q.r.URL.Query().Get(k))
	}
	if errs != nil {
		p.Errors = errs
	}
	return c.render(q, "agreements", status, p)
}

type historyRow struct{ State, On, At, Note, By string }

type documentRow struct{ ID, Name, Lang, Size string }

type agreementData struct {
	A         *core.Agreement
	Title     string
	TitleLang string
	Titles    []titleRow
	Parties   []string
	Signed    string
	InForce   string
	Expires   string
	Gathering string
	History   []historyRow
	Documents []documentRow
	CanChange bool
	Next      []string
}

type titleRow struct{ Lang, Text string }

func (c *Console) agreementPage(q *req) error {
	return c.renderAgreement(q, http.StatusOK, nil, nil)
}

func (c *Console) renderAgreement(q *req, status int, form url.Values, errs map[string]string) error {
	ctx := q.r.Context()
	a, err := c.API.Agreements.Get(ctx, q.V, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	d := agreementData{A: a, Signed: dateIn(q.L, a.Signed), InForce: dateIn(q.L, a.InForce), Expires: dateIn(q.L, a.Expires)}
	d.Title, d.TitleLang = titleIn(a, q.L.Code)
	for _, l := range []string{"ar", "en", "fr", "es"} {
		if t := a.Titles[l]; t != "" {
			d.Titles = append(d.Titles, titleRow{l, t})
		}
	}
	for l, t := range a.Titles {
		if !strings.Contains("ar en fr es", l) {
			d.Titles = append(d.Titles, titleRow{l, t})
		}
	}
	for _, p := range a.Parties {
		d.Parties = append(d.Parties, partyName(q.L, p))
	}
	if a.Gathering != "" {
		d.Gathering = a.Gathering
		if g, err := c.API.Meetings.Gathering(ctx, q.V, a.Gathering); err == nil {
			d.Gathering = g.Name
		}
	}
	for _, h := range a.History {
		d.History = append(d.History, historyRow{State: h.State, On: dateIn(q.L, h.On), At: q.L.Date(h.At), Note: h.Note, By: h.By})
	}
	for _, doc := range a.Documents {
		d.Documents = append(d.Documents, documentRow{ID: doc.ID, Name: doc.Name, Lang: doc.Lang, Size: q.L.Num(int(doc.Size))})
	}
	// The form is offered only to whom the service would let record it.
	d.CanChange = access.CanChangeAgreement(q.V, a) && a.Status != core.AgreementExpired
	if d.CanChange {
		d.Next = agreements.Transitions[a.State]
	}
	p := c.newPage(q, "agreements", d)
	p.dataTitle(d.Title, d.TitleLang)
	if form != nil {
		p.Form = form
	}
	if errs != nil {
		p.Errors = errs
	}
	return c.render(q, "agreement", status, p)
}

func (c *Console) agreementStatusPost(q *req) error {
	f := q.r.PostForm
	id := q.r.PathValue("id")
	in := agreements.StatusInput{Status: f.Get("status"), On: f.Get("on"), Note: f.Get("note")}
	_, err := c.API.Agreements.SetStatus(q.r.Context(), q.V, id, in)
	if err == nil {
		return c.redirect(q, "/agreements/"+id)
	}
	ce, ok := err.(*core.Error)
	if !ok || ce.Code != core.EINVALID {
		return err
	}
	errs := map[string]string{}
	for _, fe := range ce.Fields {
		name := fe.Field
		if name != "note" && name != "status" {
			name = "on"
		}
		errs[name] = q.L.T("agreements.err_" + name)
	}
	return c.renderAgreement(q, http.StatusBadRequest, f, errs)
}

// agreementDocument serves a document of an agreement the reader may see.
func (c *Console) agreementDocument(q *req) error {
	d, err := c.API.Agreements.Document(q.r.Context(), q.V, q.r.PathValue("id"), q.r.PathValue("did"))
	if err != nil {
		return err
	}
	api.WriteAgreementDocument(q.w, d)
	return nil
}

type agreementFormData struct {
	Kinds, Subjects, Visibilities, States []string
	// Langs are the languages a title may be typed in.
	Langs      []string
	Gatherings []*core.Gathering
	Checked    map[string]bool
}

func (c *Console) agreementForm(q *req) error {
	return c.renderAgreementForm(q, http.StatusOK, nil, nil)
}

func (c *Console) renderAgreementForm(q *req, status int, form url.Values, errs map[string]string) error {
	gs, err := c.API.Meetings.Gatherings(q.r.Context(), q.V, 100)
	if err != nil {
		gs = nil
	}
	d := agreementFormData{Kinds: core.AgreementKinds, Subjects: core.AgreementSubjects, Visibilities: core.AgreementVisibilities,
		States: []string{core.AgreementDraft, core.AgreementSigned, core.AgreementInForce}, Langs: lang.Supported, Gatherings: gs, Checked: map[string]bool{}}
	p := c.newPage(q, "agreements", d)
	p.Title = q.L.T("agreements.new")
	if form != nil {
		p.Form = form
		for _, s := range form["subjects"] {
			d.Checked[s] = true
		}
	} else {
		p.Form.Set("parties", q.V.Bureau)
	}
	if errs != nil {
		p.Errors = errs
	}
	return c.render(q, "agreement_form", status, p)
}

// parsePartyLines reads the form's parties, one a line: a country's code
// for its bureau (MA), country:code and a name for a national agency
// (MA:DGSN Sûreté nationale), a code and a name for an organisation
// (AFRIPOL African Union Mechanism for Police Cooperation).
func parsePartyLines(s string) []core.AgreementParty {
	var out []core.AgreementParty
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		code, name, _ := strings.Cut(line, " ")
		code, name = strings.ToUpper(strings.TrimSpace(code)), strings.TrimSpace(name)
		switch country, agency, isAgency := strings.Cut(code, ":"); {
		case isAgency:
			out = append(out, core.AgreementParty{Kind: core.PartyAgency, Country: country, Code: agency, Name: name})
		case len(code) == 2:
			out = append(out, core.AgreementParty{Kind: core.PartyBureau, Country: code, Name: name})
		default:
			out = append(out, core.AgreementParty{Kind: core.PartyOrganisation, Code: code, Name: name})
		}
	}
	return out
}

// agreementFormFields maps the service's fields to the form's.
var agreementFormFields = map[string]string{"kind": "kind", "titles": "titles", "reference": "reference", "summary": "summary", "parties": "parties",
	"subjects": "subjects", "signed": "signed", "in_force": "in_force", "expires": "expires", "gathering": "gathering", "meeting_request": "gathering",
	"visibility": "visibility", "state": "state"}

func (c *Console) agreementFormPost(q *req) error {
	f := q.r.PostForm
	in := agreements.Input{Fields: agreements.Fields{Kind: f.Get("kind"), Reference: f.Get("reference"), Summary: f.Get("summary"),
		Parties: parsePartyLines(f.Get("parties")), Subjects: f["subjects"], Signed: f.Get("signed"), InForce: f.Get("in_force"),
		Expires: f.Get("expires"), Gathering: f.Get("gathering"), Visibility: f.Get("visibility"), Titles: map[string]string{}}, State: f.Get("state")}
	for _, l := range []string{"ar", "en", "fr", "es"} {
		if t := strings.TrimSpace(f.Get("title_" + l)); t != "" {
			in.Titles[l] = t
		}
	}
	a, err := c.API.Agreements.Create(q.r.Context(), q.V, in)
	if err == nil {
		return c.redirect(q, "/agreements/"+a.ID)
	}
	ce, ok := err.(*core.Error)
	if !ok || ce.Code != core.EINVALID {
		return err
	}
	errs := map[string]string{}
	for _, fe := range ce.Fields {
		root := strings.SplitN(strings.SplitN(fe.Field, "[", 2)[0], ".", 2)[0]
		name, ok := agreementFormFields[root]
		if !ok {
			name = "kind"
		}
		errs[name] = q.L.T("agreements.err_" + name)
	}
	return c.renderAgreementForm(q, http.StatusBadRequest, f, errs)
}
