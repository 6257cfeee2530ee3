// Package console is the officers' web console: server-rendered pages in
// Arabic, French, English and Spanish over the same services the JSON API calls.
// It owns presentation only — templates, catalogs, forms, cookies and
// CSRF — and asks the services (and so the one access decision) for every
// record, count and name it shows; it never reads the store itself.
package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/web/api"
	"github.com/manara-hub/manara/internal/web/pageheaders"
)

//go:embed views/*.html
var viewFS embed.FS

//go:embed assets/*
var assetFS embed.FS

// Cookie names besides the API's session cookie (which the console shares,
// so that a console sign-in also authenticates the page's EventSource).
const (
	langCookie    = "manara_lang"
	preCSRFCookie = "manara_csrf" // for forms shown before a session exists
)

// Console serves the pages.
type Console struct {
	API    *api.Server
	Log    *slog.Logger
	Secure bool // Secure cookies (served over TLS)
	// Now is the clock (tests move it).
	Now func() time.Time

	catalogs i18n.Catalogs
	pages    map[string]*template.Template
}

// New builds the console over the API server's services.
func New(srv *api.Server) (*Console, error) {
	c := &Console{API: srv, Log: srv.Log, Secure: srv.Config.SecureCookies, Now: time.Now}
	var err error
	if c.catalogs, err = i18n.Shared(); err != nil {
		return nil, err
	}
	if c.pages, err = parsePages(); err != nil {
		return nil, err
	}
	return c, nil
}

var pageNames = []string{"login", "enrol", "dashboard", "screen", "notices", "notice", "notice_form", "reviews",
	"hits", "hit", "messages", "thread", "audit", "admin", "error", "reports", "report", "campaigns", "campaign",
	"assembly", "assembly_session", "assembly_minutes", "assembly_booth", "meetings", "meetings_event",
	"agreements", "agreement", "agreement_form", "accreditation", "participant", "federation"}

func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"field": func(p *page, name, labelKey, typ string) map[string]any {
			return map[string]any{"Name": name, "Label": p.L.T(labelKey), "Type": typ, "Value": p.Form.Get(name), "Error": p.Errors[name]}
		},
		// maxlength bounds a field's input (in the browser: the service
		// still judges what arrives).
		"maxlength": func(f map[string]any, n int) map[string]any { f["MaxLength"] = n; return f },
		"add":       func(a, b int) int { return a + b },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				m[k] = kv[i+1]
			}
			return m
		},
		"join":          func(xs []string, sep string) string { return strings.Join(xs, sep) },
		"bureauName":    bureauName,
		"lossTotals":    core.LossTotals,
		"money":         moneyOf,
		"campaignLabel": campaignLabel,
		"versionReason": versionReason,
		"hitLabel":      hitLabel,
		"explainLines":  explainLines,
		"queryText":     queryText,
		"failedNotice":  failedNotice,
		"int":           func(x any) int { return toInt(x) },
	}
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(viewFS, "views/layout.html", "views/"+name+".html")
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}

// Mount adds the console's routes to mux (the API server's).
func (c *Console) Mount(mux *http.ServeMux) {
	static, _ := fs.Sub(assetFS, "assets")
	assets := http.StripPrefix("/assets/", http.FileServer(http.FS(static)))
	mux.Handle("GET /assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		assets.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET /login", c.public(c.loginPage))
	mux.HandleFunc("POST /login", c.public(c.loginPost))
	mux.HandleFunc("POST /logout", c.private(c.logout))
	mux.HandleFunc("GET /enrol", c.private(c.enrolPage))
	mux.HandleFunc("POST /enrol", c.private(c.enrolPost))
	mux.HandleFunc("GET /{$}", c.private(c.dashboard))
	// Any other path is the console's own 404 page, in the user's language.
	mux.HandleFunc("/", c.private(func(*req) error { return core.Errorf(core.ENOTFOUND, "no such page") }))
	mux.HandleFunc("GET /screen", c.private(c.screenPage))
	mux.HandleFunc("POST /screen", c.private(c.screenPost))
	mux.HandleFunc("GET /notices", c.private(c.noticesPage))
	mux.HandleFunc("GET /notices/new", c.private(c.noticeForm))
	mux.HandleFunc("POST /notices/new", c.privateUpTo(maxNoticeFormBytes, c.noticeFormPost))
	mux.HandleFunc("GET /notices/{id}", c.private(c.noticePage))
	mux.HandleFunc("GET /notice-files/{id}/{aid}", c.private(c.noticeAttachment))
	mux.HandleFunc("POST /notices/{id}/submit", c.private(c.noticeSubmit))
	mux.HandleFunc("POST /notices/{id}/decide", c.private(c.noticeDecide))
	mux.HandleFunc("GET /reviews", c.private(c.reviewsPage))
	mux.HandleFunc("GET /hits", c.private(c.hitsPage))
	mux.HandleFunc("GET /hits/{id}", c.private(c.hitPage))
	mux.HandleFunc("POST /hits/{id}/state", c.private(c.hitState))
	mux.HandleFunc("GET /messages", c.private(c.messagesPage))
	mux.HandleFunc("GET /messages/{id}", c.private(c.threadPage))
	mux.HandleFunc("POST /messages/{id}/reply", c.private(c.threadReply))
	mux.HandleFunc("GET /reports", c.private(c.reportsPage))
	mux.HandleFunc("GET /reports/{id}", c.private(c.reportPage))
	mux.HandleFunc("POST /reports/{id}", c.private(c.reportPost))
	mux.HandleFunc("GET /campaigns", c.private(c.campaignsPage))
	mux.HandleFunc("GET /campaigns/{id}", c.private(c.campaignPage))
	mux.HandleFunc("POST /campaigns/{id}/name", c.private(c.campaignName))
	mux.HandleFunc("POST /campaigns/{id}/indicators/{iid}/false-link", c.private(c.campaignFalseLink))
	mux.HandleFunc("POST /campaigns/{id}/escalate", c.private(c.campaignEscalate))
	mux.HandleFunc("GET /assembly", c.private(c.assemblyPage))
	mux.HandleFunc("GET /assembly/{id}", c.private(c.assemblySessionPage))
	mux.HandleFunc("GET /assembly/{id}/minutes", c.private(c.assemblyMinutesPage))
	mux.HandleFunc("GET /assembly/rounds/{id}/booth", c.private(c.boothPage))
	mux.HandleFunc("GET /meetings", c.private(c.meetingsPage))
	mux.HandleFunc("GET /meetings/{id}", c.private(c.gatheringPage))
	mux.HandleFunc("POST /meetings/{id}/requests", c.private(c.meetingRequestPost))
	mux.HandleFunc("POST /meetings/{id}/requests/{rid}/answer", c.private(c.meetingAnswerPost))
	mux.HandleFunc("POST /meetings/{id}/plan", c.private(c.meetingPlanPost))
	mux.HandleFunc("GET /agreements", c.private(c.agreementsPage))
	mux.HandleFunc("GET /agreements/new", c.private(c.agreementForm))
	mux.HandleFunc("POST /agreements/new", c.private(c.agreementFormPost))
	mux.HandleFunc("GET /agreements/{id}", c.private(c.agreementPage))
	mux.HandleFunc("POST /agreements/{id}/status", c.private(c.agreementStatusPost))
	mux.HandleFunc("GET /agreement-files/{id}/{did}", c.private(c.agreementDocument))
	mux.HandleFunc("GET /meetings/{id}/participants", c.private(c.accreditationQueue))
	mux.HandleFunc("GET /meetings/{id}/participants/{pid}", c.private(c.participantPage))
	mux.HandleFunc("POST /meetings/{id}/participants/{pid}/decision", c.private(c.participantDecision))
	mux.HandleFunc("GET /audit", c.private(c.auditPage))
	mux.HandleFunc("GET /federation", c.private(c.federationPage))
	mux.HandleFunc("GET /admin", c.private(c.adminPage))
	mux.HandleFunc("POST /admin/users", c.private(c.adminCreateUser))
	mux.HandleFunc("POST /admin/users/{username}/{op}", c.private(c.adminUserOp))
	mux.HandleFunc("POST /admin/keys/{id}/revoke", c.private(c.adminRevokeKey))
	mux.HandleFunc("POST /admin/webhooks/{id}/enable", c.private(c.adminEnableWebhook))
}

// req is one request as the handlers see it.
type req struct {
	w    http.ResponseWriter
	r    *http.Request
	L    *Lang
	V    core.Viewer
	User *core.User
	// totpOn is whether the user has a second factor (read with the session).
	totpOn bool
	token  string // the session token
	csrf   string
}

// page is what every template gets.
type page struct {
	L        *Lang
	User     *core.User
	V        core.Viewer
	CSRF     string
	Nav      string
	Title    string
	Form     url.Values
	Errors   map[string]string
	Problem  string
	Flash    string
	Data     any
	Roles    []string
	Reviewer bool
	Admin    bool
	Triage   bool // may triage citizen reports
	// Federation: the process is a hub or node (serve --role) and the
	// viewer administers it: the peers page is in the menu.
	Federation bool
	Langs      []langLink // the language switcher, in lang.Supported order
	// DataTitle: Title is free text from the data (a thread's subject, a
	// participant's, gathering's or campaign's name, an agreement's
	// title), not the interface's words, so the layout isolates it in its
	// own direction (README: free text carries dir="auto" or <bdi>): a
	// Latin subject on an Arabic page, or an Arabic name on a French one,
	// would otherwise take the page's direction and be laid out wrong.
	// TitleLang is its language when known. Set both with dataTitle.
	DataTitle bool
	TitleLang string
}

// langLink is one entry of the language switcher: this page in that
// language, named in itself.
type langLink struct{ Code, Name, Dir, URL string }

// language resolves the interface language: ?lang= (remembered in a
// cookie, and in the profile once signed in), the cookie, the profile,
// then the browser's Accept-Language.
func (c *Console) language(w http.ResponseWriter, r *http.Request, u *core.User) (code string, chosen bool) {
	if l := r.URL.Query().Get("lang"); lang.Valid(l) {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
			Secure: c.Secure, SameSite: http.SameSiteLaxMode})
		return l, true
	}
	if ck, err := r.Cookie(langCookie); err == nil && lang.Valid(ck.Value) {
		return ck.Value, false
	}
	if u != nil && lang.Valid(u.Lang) {
		return u.Lang, false
	}
	return lang.FromAcceptLanguage(r.Header.Get("Accept-Language")), false
}

func (c *Console) lang(code string) *Lang { return c.catalogs.Lang(code) }

// Lang is the request's language and catalog (shared with the citizen's
// report page).
type Lang = i18n.Lang

// securityHeaders are the pages' headers, shared with the public pages.
func securityHeaders(w http.ResponseWriter) { pageheaders.Set(w) }

// Form limits. No console form takes a file (notice attachments,
// agreement documents and imports go through the API), so a body is a
// form's text: a reply of 20,000 characters in Arabic script is under
// 120 KiB URL-encoded. The request form carries a whole notice, up to 256 KiB of
// data as JSON, which URL-encoding makes up to three times larger, with
// each field's path as its name.
const (
	maxFormBytes       = 1 << 20
	maxNoticeFormBytes = 2 << 20
)

// public wraps the pages shown before sign-in; they carry a pre-session
// CSRF token (a random cookie the form must echo).
func (c *Console) public(h func(*req) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w)
		code, _ := c.language(w, r, nil)
		q := &req{w: w, r: r, L: c.lang(code)}
		if ck, err := r.Cookie(preCSRFCookie); err == nil && len(ck.Value) >= 32 {
			q.csrf = ck.Value
		} else {
			q.csrf = randomToken()
			http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: q.csrf, Path: "/", HttpOnly: true, Secure: c.Secure, SameSite: http.SameSiteLaxMode})
		}
		if err := readForm(w, r, maxFormBytes); err != nil {
			c.fail(q, err)
			return
		}
		if r.Method == http.MethodPost && !c.csrfOK(q) {
			c.fail(q, core.Errorf(core.EFORBIDDEN, "csrf"))
			return
		}
		if err := checkText(r); err != nil {
			c.fail(q, err)
			return
		}
		c.run(q, h)
	}
}

// private wraps the pages that need a session; a user without a second
// factor is sent to enrol one before anything else.
func (c *Console) private(h func(*req) error) http.HandlerFunc {
	return c.privateUpTo(maxFormBytes, h)
}

// privateUpTo is private with a form limit of its own, for a form
// larger than most.
func (c *Console) privateUpTo(limit int64, h func(*req) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w)
		ck, err := r.Cookie(api.CookieName)
		var (
			v      core.Viewer
			u      *core.User
			totpOn bool
		)
		if err == nil && ck.Value != "" {
			v, u, totpOn, err = c.API.Auth.SessionUser(r.Context(), ck.Value, c.API.Remote(r))
		} else {
			err = auth.ErrNoCredentials
		}
		if err != nil {
			next := ""
			if r.Method == http.MethodGet {
				next = r.URL.RequestURI()
			}
			http.Redirect(w, r, loginURL(r, next), http.StatusSeeOther)
			return
		}
		code, _ := c.language(w, r, u)
		if _, err := r.Cookie(langCookie); (err == nil || r.URL.Query().Has("lang")) && code != u.Lang {
			// A language chosen (now or before signing in) is kept in the
			// profile, for the user's other devices.
			if err := c.API.Auth.SetLang(r.Context(), v, code); err == nil {
				u.Lang = code
			}
		}
		q := &req{w: w, r: r, L: c.lang(code), V: v, User: u, totpOn: totpOn, token: ck.Value, csrf: sessionCSRF(ck.Value)}
		if err := readForm(w, r, limit); err != nil {
			c.fail(q, err)
			return
		}
		if r.Method == http.MethodPost && !c.csrfOK(q) {
			c.fail(q, core.Errorf(core.EFORBIDDEN, "csrf"))
			return
		}
		if err := checkText(r); err != nil {
			c.fail(q, err)
			return
		}
		if r.URL.Path != "/enrol" && r.URL.Path != "/logout" && !totpOn {
			http.Redirect(w, r, "/enrol", http.StatusSeeOther)
			return
		}
		c.run(q, h)
	}
}

// bureauName is a bureau's name in the page's language ("BCN Maroc"), or
// its code when it is no bureau the members list knows.
func bureauName(l *Lang, code string) string {
	if b, ok := members.BureauFor(code); ok {
		return b.Name(l.Code)
	}
	return code
}

// loginURL is the sign-in page a visitor without a session is sent to:
// in the language the request asked for (its lang parameter), so that a
// link shared in Arabic signs in in Arabic, and back to next (a GET's own
// address) afterwards.
func loginURL(r *http.Request, next string) string {
	v := url.Values{}
	if l := r.URL.Query().Get("lang"); lang.Valid(l) {
		v.Set("lang", l)
	}
	if next != "" {
		v.Set("next", next)
	}
	if len(v) == 0 {
		return "/login"
	}
	return "/login?" + v.Encode()
}

// readForm reads the request's form, within limit bytes, before anything
// looks at it: the CSRF token is in it, and a form cut short at a limit
// nobody told would be taken for a forged one. No console form sends a
// file, so a multipart body is refused unread: net/http would otherwise
// keep its files on disk to judge the token (before sign-in, for anyone).
func readForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if r.ContentLength > limit {
		return core.Errorf(core.ETOOLARGE, "the form is larger than the limit of %d bytes", limit)
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		return core.Errorf(api.CodeMalformed, formTypeRefused)
	}
	// A form that does not parse otherwise is treated as the handlers
	// always have: what could be read is used.
	var tooBig *http.MaxBytesError
	if err := r.ParseForm(); errors.As(err, &tooBig) {
		return core.Errorf(core.ETOOLARGE, "the form is larger than the limit of %d bytes", tooBig.Limit)
	}
	return nil
}

// formTypeRefused is the message of a form sent as multipart.
const formTypeRefused = "multipart"

// checkText refuses, before any handler sees them, path values, query
// parameters and form fields that are not text (invalid UTF-8, NUL): the
// stores would fail on them or keep them broken.
func checkText(r *http.Request) error {
	if err := api.CheckRequestText(r, pathValueNames); err != nil {
		return err
	}
	return api.CheckForm(r)
}

// pathValueNames are the path parameters of the console's routes.
var pathValueNames = []string{"id", "iid", "username", "op", "rid"}

func (c *Console) run(q *req, h func(*req) error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			c.Log.Error("console panic", "path", q.r.URL.Path, "panic", p)
			c.fail(q, core.Errorf(core.EINTERNAL, "internal error"))
		}
	}()
	if err := h(q); err != nil {
		c.fail(q, err)
	}
}

// sessionCSRF is the session's CSRF token: derived one way from the
// session token, so every replica computes it and it dies with the
// session, while the token itself never leaves its HttpOnly cookie.
func sessionCSRF(token string) string {
	s := sha256.Sum256([]byte("manara-console-csrf:" + token))
	return base64.RawURLEncoding.EncodeToString(s[:])
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (c *Console) csrfOK(q *req) bool {
	got := q.r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(q.csrf)) == 1
}

func (c *Console) newPage(q *req, nav string, data any) *page {
	p := &page{L: q.L, User: q.User, V: q.V, CSRF: q.csrf, Nav: nav, Data: data,
		Form: url.Values{}, Errors: map[string]string{}}
	p.Reviewer = q.V.Role == core.RoleReviewer
	p.Admin = q.V.Role == core.RoleAdmin
	p.Triage = c.canTriage(q.V)
	p.Federation = c.API.Federation != nil && p.Admin
	p.Langs = langLinks(q.r)
	return p
}

// langLinks is the language switcher of the page answering r: the same
// address in each language. A page answering a form (a refusal, shown at
// the POST's address) links to the page the form is on instead, since a
// link is followed with GET and the POST's address has no page.
func langLinks(r *http.Request) []langLink {
	u := *r.URL
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		u = formPageURL(r)
	}
	out := make([]langLink, 0, len(lang.Supported))
	for _, l := range lang.Supported {
		v := u.Query()
		v.Set("lang", l)
		u.RawQuery = v.Encode()
		out = append(out, langLink{Code: l, Name: lang.Native(l), Dir: lang.Dir(l), URL: u.RequestURI()})
	}
	return out
}

// formPage is the page a form is on: its path pattern (with the path
// values of the form's own route) and the form fields the page's address
// takes (the form's type, the destination after sign-in).
type formPage struct {
	path  string
	carry []string
}

// formPages are the pages of the forms, by their POST routes' patterns;
// every POST route of Mount has one (TestFormPagesCoverPostRoutes).
var formPages = map[string]formPage{
	"POST /login":       {path: "/login", carry: []string{"next"}},
	"POST /logout":      {path: "/"},
	"POST /enrol":       {path: "/enrol"},
	"POST /screen":      {path: "/screen"},
	"POST /notices/new": {path: "/notices/new", carry: []string{"type"}},

	"POST /notices/{id}/submit": {path: "/notices/{id}"},
	"POST /notices/{id}/decide": {path: "/notices/{id}"},
	"POST /hits/{id}/state":     {path: "/hits/{id}"},
	"POST /messages/{id}/reply": {path: "/messages/{id}"},
	"POST /reports/{id}":        {path: "/reports/{id}"},

	"POST /campaigns/{id}/name":                        {path: "/campaigns/{id}"},
	"POST /campaigns/{id}/indicators/{iid}/false-link": {path: "/campaigns/{id}"},
	"POST /campaigns/{id}/escalate":                    {path: "/campaigns/{id}"},

	"POST /meetings/{id}/requests":                    {path: "/meetings/{id}"},
	"POST /meetings/{id}/requests/{rid}/answer":       {path: "/meetings/{id}"},
	"POST /meetings/{id}/plan":                        {path: "/meetings/{id}"},
	"POST /meetings/{id}/participants/{pid}/decision": {path: "/meetings/{id}/participants/{pid}"},

	"POST /agreements/new":         {path: "/agreements/new"},
	"POST /agreements/{id}/status": {path: "/agreements/{id}"},

	"POST /admin/users":                 {path: "/admin"},
	"POST /admin/users/{username}/{op}": {path: "/admin"},
	"POST /admin/keys/{id}/revoke":      {path: "/admin"},
	"POST /admin/webhooks/{id}/enable":  {path: "/admin"},
}

// formPageURL is the address of the page r's form is on; the dashboard
// for a route formPages does not know.
func formPageURL(r *http.Request) url.URL {
	fp, ok := formPages[r.Pattern]
	if !ok {
		return url.URL{Path: "/"}
	}
	segs, raw := strings.Split(fp.path, "/"), strings.Split(fp.path, "/")
	for i, s := range segs {
		if name, ok := strings.CutPrefix(s, "{"); ok {
			segs[i] = r.PathValue(strings.TrimSuffix(name, "}"))
			raw[i] = url.PathEscape(segs[i])
		}
	}
	// RawPath keeps a value's own "/" (escaped) from becoming a segment.
	u := url.URL{Path: strings.Join(segs, "/"), RawPath: strings.Join(raw, "/")}
	v := url.Values{}
	for _, k := range fp.carry {
		if x := r.PostFormValue(k); x != "" {
			v.Set(k, x)
		}
	}
	u.RawQuery = v.Encode()
	return u
}

// dataTitle names the page by free text from the data, in the language
// code when it is known ("" when not): see page.DataTitle.
func (p *page) dataTitle(title, code string) {
	p.Title, p.DataTitle, p.TitleLang = title, true, code
}

// HeadTitle is the title for the <title> element, which holds text, not
// markup: a title from the data is isolated there with the Unicode
// isolates (FSI … PDI), as the catalogs isolate the free text they
// interpolate ("⁨%s⁩"), so that a Latin subject keeps its own order
// (its final "?" at its end) in an Arabic window title.
func (p *page) HeadTitle() string {
	if p.DataTitle {
		return "\u2068" + p.Title + "\u2069"
	}
	return p.Title
}

// show renders view with status 200 under the title the catalog gives
// for titleKey: what most pages do.
func (c *Console) show(q *req, view, nav, titleKey string, data any) error {
	p := c.newPage(q, nav, data)
	p.Title = q.L.T(titleKey)
	return c.render(q, view, http.StatusOK, p)
}

func (c *Console) render(q *req, name string, status int, p *page) error {
	t := c.pages[name]
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	q.w.WriteHeader(status)
	_, err := buf.WriteTo(q.w)
	return err
}

// failKeys are the error pages' catalog keys by error code.
var failKeys = map[string]string{
	core.ENOTFOUND:    "error.not_found",
	core.EFORBIDDEN:   "error.forbidden",
	core.EINVALID:     "error.invalid",
	core.ECONFLICT:    "error.conflict",
	core.EUNAVAILABLE: "error.unavailable",
	core.ERATELIMIT:   "error.ratelimit",
	core.ETOOLARGE:    "error.too_large",
	api.CodeMalformed: "error.malformed",
}

// fail shows an error page in the user's language: hidden and absent are
// the same 404, and no internal detail reaches the user.
func (c *Console) fail(q *req, err error) {
	if core.ErrorCode(err) == core.EUNAUTHORIZED { // the session ended meanwhile
		http.Redirect(q.w, q.r, loginURL(q.r, ""), http.StatusSeeOther)
		return
	}
	code := core.ErrorCode(err)
	status, key := api.StatusOf(code), failKeys[code]
	switch {
	case key == "": // what a page cannot tell the user (an internal error)
		status, key = http.StatusInternalServerError, "error.internal"
	case code == core.EINVALID: // a form refused: the page's 400, not the API's 422
		status = http.StatusBadRequest
	case code == core.EFORBIDDEN && core.ErrorMessage(err) == "csrf":
		key = "error.csrf"
	case code == api.CodeMalformed && core.ErrorMessage(err) == formTypeRefused:
		status, key = http.StatusUnsupportedMediaType, "error.form_type"
	}
	if status == http.StatusInternalServerError && !errors.Is(err, context.Canceled) {
		c.Log.Error("console", "path", q.r.URL.Path, "err", err)
	}
	p := c.newPage(q, "", nil)
	p.Problem = key
	p.Title = q.L.T(key)
	if rerr := c.render(q, "error", status, p); rerr != nil {
		http.Error(q.w, http.StatusText(status), status)
	}
}

func (c *Console) redirect(q *req, to string) error {
	http.Redirect(q.w, q.r, to, http.StatusSeeOther)
	return nil
}

// fieldErrors maps a service's field errors to messages in the user's
// language, keyed by the form's own field names (via names, which maps a
// service field such as data.charges[0].offence to the form's offence).
// An entry of a list (nationalities[2]) is the list's field; a name
// ending in "." stands for all the fields under it. Several errors on
// one field are joined.
func fieldErrors(l *Lang, err error, names map[string]string) (map[string]string, bool) {
	return formErrors(l, err, names, false)
}

// uniqueFieldErrors is fieldErrors saying each message once per field
// (a list's entries refused for the same reason).
func uniqueFieldErrors(l *Lang, err error, names map[string]string) (map[string]string, bool) {
	return formErrors(l, err, names, true)
}

func formErrors(l *Lang, err error, names map[string]string, unique bool) (map[string]string, bool) {
	var e *core.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return nil, false
	}
	out := map[string]string{}
	for _, f := range e.Fields {
		name := formName(f.Field, names)
		msg := reasonText(l, f)
		if prev, ok := out[name]; ok {
			if unique && prev == msg {
				continue
			}
			msg = prev + " " + msg
		}
		out[name] = msg
	}
	return out, true
}

// formName is the form's name for a service's field.
func formName(field string, names map[string]string) string {
	if n, ok := names[field]; ok {
		return n
	}
	if i := strings.LastIndexByte(field, '['); i > 0 && strings.HasSuffix(field, "]") {
		if _, err := strconv.Atoi(field[i+1 : len(field)-1]); err == nil {
			if n, ok := names[field[:i]]; ok {
				return n
			}
		}
	}
	name := field
	for prefix, n := range names {
		if strings.HasSuffix(prefix, ".") && strings.HasPrefix(field, prefix) {
			name = n
		}
	}
	return name
}

// reasonText turns a service's field error into the user's language: a
// reason with a code has its catalog entry ("reason.<code>", filled with
// the error's numbers); known reasons have theirs; others get a
// translated sentence, with the service's own (English) words beside it
// only in English.
func reasonText(l *Lang, e core.FieldError) string {
	if s, ok := l.Reason(e.Code, e.Params); ok {
		return s
	}
	reason := e.Reason
	r := strings.ToLower(reason)
	switch {
	case r == "is required" || strings.HasSuffix(r, "is required") || strings.HasPrefix(r, "required"):
		return l.T("field.required")
	case strings.Contains(r, "date") && (strings.Contains(r, "yyyy") || strings.Contains(r, "must be a date")):
		return l.T("field.date")
	case strings.Contains(r, "country") || strings.Contains(r, "iso"):
		return l.T("field.country")
	case strings.Contains(r, "at least 2 years") || strings.Contains(r, "2 years"):
		return l.T("field.penalty")
	case strings.Contains(r, "not the current code"):
		return l.T("field.totp")
	}
	if l.Code == lang.Default {
		return l.T("field.invalid", reason)
	}
	return l.T("reason.invalid")
}

// moneyOf is an amount as core.Money, which a language writes exactly.
func moneyOf(amount float64, currency string) core.Money {
	return core.Money{Amount: amount, Currency: currency}
}
