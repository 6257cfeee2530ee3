package api

import (
	"embed"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/reports"
	"github.com/manara-hub/manara/internal/web/pageheaders"
)

// The public pages: /report, where a citizen reports, and /report/status,
// where they follow the report with its receipt number and secret and add
// to it; in Arabic (right to left), French, English and Spanish, their
// text in the catalogs of internal/i18n (keys citizen.* and reason.*).
// They send the console's security headers (pageheaders): no inline
// script or style, so the page's script, its proof-of-work worker and its
// style are files under /report/assets/. The report works without
// JavaScript: the worker only solves the proof-of-work; without it, the
// server accepts a form whose challenge is old enough
// (reports.PoW.NoScriptDelay), which a <noscript> note explains.

//go:embed pages/*.html pages/assets
var pageFS embed.FS

var reportPage = template.Must(template.New("pages").Funcs(template.FuncMap{
	"list": func(s ...string) []string { return s },
	"join": func(s []string) string { return strings.Join(s, ", ") },
	"dict": func(kv ...any) map[string]any { // pairs of name and value, for a sub-template
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
}).ParseFS(pageFS, "pages/*.html"))

type option struct{ Value, Label string }

// shownError is one refusal as the citizen reads it: the field's label
// (empty for the whole form) and what to do, in the page's language.
type shownError struct{ Label, Message string }

// pageLink is one entry of the language switcher.
type pageLink struct{ Code, Name, Dir string }

type pageData struct {
	Title      string // the catalog key of the page's title
	L          *i18n.Lang
	Langs      []pageLink
	Categories []option
	Methods    []option
	Challenge  reports.Challenge
	Errors     []shownError
	FieldErrs  map[string]string // by the form's input name: shown next to it
	Form       url.Values        // what was sent, to fill the form in again
	Receipt    *reports.Receipt
	// Reattach names the files a refused form carried: browsers do not
	// send them again, so the page asks for them by name.
	Reattach []string
	// The follow-up page: the report as its reporter sees it, the secret
	// that opened it (for the form that adds to it) and whether
	// information was just added.
	Follow *reports.FollowUp
	Secret string
	Added  bool
}

// Anonymous is whether the "report anonymously" box is ticked: by
// default, and after a refusal as the citizen left it.
func (d pageData) Anonymous() bool { return len(d.Form) == 0 || d.Form.Get("anonymous") != "" }

// FieldRefused is whether some refusal names a field (the summary then
// asks to correct them).
func (d pageData) FieldRefused() bool {
	for _, e := range d.Errors {
		if e.Label != "" {
			return true
		}
	}
	return false
}

// pageLang is ?lang= if known, else the browser's preference.
func pageLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); lang.Valid(l) {
		return l
	}
	return lang.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

func (s *Server) pageData(code string) (pageData, error) {
	cats, err := i18n.Shared()
	if err != nil {
		return pageData{}, err
	}
	l := cats.Lang(code)
	d := pageData{Title: "citizen.title", L: l, Challenge: s.Reports.PoW.Issue(time.Now()), FieldErrs: map[string]string{}}
	for _, c := range lang.Supported {
		d.Langs = append(d.Langs, pageLink{c, lang.Native(c), lang.Dir(c)})
	}
	for _, c := range reports.Categories {
		d.Categories = append(d.Categories, option{c, l.T("citizen.category." + c)})
	}
	for _, m := range reports.PaymentMethods {
		d.Methods = append(d.Methods, option{m, l.T("citizen.method." + m)})
	}
	return d, nil
}

// citizenFields maps a service's field (list indices removed) to the
// form's input and the catalog key of its label.
var citizenFields = map[string][2]string{
	"category": {"category", "citizen.category"}, "narrative": {"narrative", "citizen.narrative"}, "occurred_at": {"occurred_at", "citizen.when"},
	"country": {"", "citizen.country"}, "lang": {"", "citizen.language"},
	"losses": {"amount", "citizen.losses"}, "losses.date": {"", "citizen.losses"}, "amount": {"amount", "citizen.amount"},
	"losses.amount": {"amount", "citizen.amount"}, "losses.currency": {"currency", "citizen.currency"}, "losses.method": {"method", "citizen.method"},
	"losses.iban": {"iban", "citizen.iban"}, "losses.wallet": {"wallet", "citizen.wallet"}, "losses.tx_hash": {"tx_hash", "citizen.txhash"},
	"suspect.names": {"names", "citizen.names"}, "suspect.phones": {"phones", "citizen.phones"}, "suspect.emails": {"emails", "citizen.emails"},
	"suspect.websites": {"websites", "citizen.websites"}, "suspect.handles": {"handles", "citizen.handles"},
	"suspect.accounts": {"accounts", "citizen.accounts"}, "suspect.wallets": {"wallets", "citizen.wallets"},
	"contact.name": {"contact_name", "citizen.cname"}, "contact.email": {"contact_email", "citizen.cemail"}, "contact.phone": {"contact_phone", "citizen.cphone"},
	"consent": {"consent", "citizen.consent_short"}, "attachments": {"screenshot", "citizen.screenshot"},
	"attachments.content": {"screenshot", "citizen.screenshot"}, "pow": {"", "citizen.check"},
}

// statusFields maps the fields of an addition to the follow-up page's
// inputs and labels.
var statusFields = map[string][2]string{
	"text": {"text", "citizen.status.text"}, "attachments": {"files", "citizen.status.files"}, "attachments.content": {"files", "citizen.status.files"},
}

// listEntry finds the position in a list of a field such as
// "suspect.phones[2]": the citizen typed the list in one box, so the
// message says which entry (counting from 1).
var listEntry = regexp.MustCompile(`^suspect\.\w+\[(\d+)\]$`)

var listIndex = regexp.MustCompile(`\[\d+\]`)

// reasonMessage is a field error in the page's language: the catalog's
// "reason.<code>" with the error's numbers formatted for the language; a
// reason without a code is named only as refused (its English words are
// for the API, not for the citizen).
func reasonMessage(l *i18n.Lang, e core.FieldError) string {
	if s, ok := l.Reason(e.Code, e.Params); ok {
		return s
	}
	return l.T("reason.invalid")
}

// refuse puts err on the page: each field error beside its input and in
// the summary; any other error as one message for the whole form.
func (d *pageData) refuse(err error) { d.refuseFields(err, citizenFields) }

func (d *pageData) refuseFields(err error, fields map[string][2]string) {
	var e *core.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		key := "citizen.err.failed"
		switch core.ErrorCode(err) {
		case core.ERATELIMIT:
			key = "citizen.err.ratelimit"
			if d.Title == "citizen.status.title" {
				key = "citizen.status.ratelimit"
			}
		case core.ETOOLARGE:
			key = "citizen.err.too_large"
		case core.ENOTFOUND:
			key = "citizen.status.notfound"
		}
		d.Errors = append(d.Errors, shownError{Message: d.L.T(key)})
		return
	}
	for _, f := range e.Fields {
		input, label := "", ""
		if m, ok := fields[listIndex.ReplaceAllString(f.Field, "")]; ok {
			input, label = m[0], d.L.T(m[1])
		}
		msg := reasonMessage(d.L, f)
		if m := listEntry.FindStringSubmatch(f.Field); m != nil {
			i, _ := strconv.Atoi(m[1])
			msg = d.L.T("citizen.entry", d.L.Num(i+1), msg)
		}
		d.Errors = append(d.Errors, shownError{Label: label, Message: msg})
		if input != "" && !strings.Contains(d.FieldErrs[input], msg) {
			d.FieldErrs[input] = strings.TrimSpace(d.FieldErrs[input] + " " + msg)
		}
	}
}

func (s *Server) renderPage(w http.ResponseWriter, status int, d pageData) {
	pageheaders.Set(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", d.L.Code)
	w.WriteHeader(status)
	// What the citizen typed is shown back as it was sent, but as text:
	// the page is UTF-8, and bytes that are not are shown as U+FFFD.
	shown := make(url.Values, len(d.Form))
	for k, vs := range d.Form {
		for _, v := range vs {
			shown[k] = append(shown[k], strings.ToValidUTF8(v, "\uFFFD"))
		}
	}
	d.Form = shown
	name := "report"
	if d.Title == "citizen.status.title" {
		name = "status"
	}
	if err := reportPage.ExecuteTemplate(w, name, d); err != nil {
		s.Log.Error("report page", "error", err)
	}
}

func (s *Server) reportPageGet(w http.ResponseWriter, r *http.Request) {
	d, err := s.pageData(pageLang(r))
	if err != nil {
		s.Log.Error("report page", "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	s.renderPage(w, http.StatusOK, d)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' || r == '،' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) reportPagePost(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	d, err := s.pageData(lang)
	if err != nil {
		s.Log.Error("report page", "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	v := core.Viewer{Remote: s.Remote(r)}
	fail := func(err error) {
		d.Form = r.Form
		d.Reattach = fileNames(r, "screenshot")
		d.refuse(err)
		s.renderPage(w, statusOf(core.ErrorCode(err)), d)
	}
	if err := s.rateAllowed(w, &s.reportLimit, v, orDefault(s.ReportRate, DefaultReportRate), "reports"); err != nil {
		fail(err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxReportBody)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var max *http.MaxBytesError
		if errors.As(err, &max) {
			fail(core.Errorf(core.ETOOLARGE, "the form is larger than the limit of %d bytes", max.Limit))
		} else {
			// A part's header that is not text (a NUL in a file name)
			// ends here too.
			fail(&core.Error{Code: emalformed, Message: "the form could not be read",
				Fields: []core.FieldError{{Field: "form", Reason: "is not a well-formed form: " + err.Error()}}})
		}
		return
	}
	if err := CheckForm(r); err != nil {
		fail(err)
		return
	}
	f := r.FormValue
	in := reports.Input{Category: f("category"), Narrative: f("narrative"), OccurredAt: f("occurred_at"), Lang: lang,
		ThreatToLife: f("threat_to_life") != "", Anonymous: f("anonymous") != "", Consent: f("consent") != "",
		Suspect: core.Suspect{Names: splitList(f("names")), Phones: splitList(f("phones")), Emails: splitList(f("emails")), Websites: splitList(f("websites")),
			Handles: splitList(f("handles")), Accounts: splitList(f("accounts")), Wallets: splitList(f("wallets"))},
		PoW: reports.ProofOfWork{Challenge: f("challenge"), Counter: f("counter")}}
	if !in.Anonymous {
		in.Contact = &core.Contact{Name: f("contact_name"), Email: f("contact_email"), Phone: f("contact_phone")}
	}
	// Any field of the payment the citizen filled makes a loss (a hash
	// alone traces a transfer); the method is not one, as its select
	// always sends a value.
	a := f("amount")
	if slices.ContainsFunc([]string{a, f("currency"), f("iban"), f("wallet"), f("tx_hash")}, func(v string) bool { return strings.TrimSpace(v) != "" }) {
		amount, err := strconv.ParseFloat(strings.ReplaceAll(a, ",", "."), 64)
		if a != "" && err != nil {
			fail(core.Invalid(core.FieldError{Field: "amount", Reason: "must be a number", Code: "number"}))
			return
		}
		in.Losses = []core.Loss{{Amount: amount, Currency: f("currency"), Method: f("method"), IBAN: f("iban"), Wallet: f("wallet"), TxHash: f("tx_hash")}}
	}
	if file, hdr, err := r.FormFile("screenshot"); err == nil {
		b, err := io.ReadAll(io.LimitReader(file, reports.MaxAttachmentBytes+1))
		file.Close()
		if err != nil {
			fail(core.Invalid(core.FieldError{Field: "attachments", Reason: "could not be read", Code: "unreadable"}))
			return
		}
		if len(b) > 0 {
			in.Attachments = []reports.Attachment{{Name: hdr.Filename, Content: b}}
		}
	}
	rc, err := s.Reports.SubmitForm(r.Context(), v, in)
	if err != nil {
		fail(err)
		return
	}
	d.Receipt = rc
	s.renderPage(w, http.StatusCreated, d)
}
