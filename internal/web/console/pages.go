package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/messages"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/web/api"
)

// ---- dashboard

// bar is one bar of a server-rendered SVG chart.
type bar struct {
	X, Y, W, H int
	Label      string
	Value      int
}

type chart struct {
	Bars  []bar
	Total int
	Max   int
	Width int // of the drawing: 24 a bar, one bar's at least
}

// barChart draws counts, one bar a day from first.
func barChart(l *Lang, first time.Time, counts []int) chart {
	const width, height = 20, 100
	ch := chart{Max: 1, Width: max(24, len(counts)*(width+4))}
	for _, n := range counts {
		ch.Total += n
		ch.Max = max(ch.Max, n)
	}
	for i, n := range counts {
		h := n * height / ch.Max
		ch.Bars = append(ch.Bars, bar{X: i * (width + 4), Y: height - h, W: width, H: h, Value: n, Label: l.Date(first.AddDate(0, 0, i))})
	}
	return ch
}

// dayChart buckets times into the last days days (UTC), oldest first.
func dayChart(l *Lang, now time.Time, days int, times []time.Time) chart {
	start := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -(days - 1))
	counts := make([]int, days)
	for _, t := range times {
		if d := int(t.UTC().Sub(start) / (24 * time.Hour)); d >= 0 && d < days {
			counts[d]++
		}
	}
	return barChart(l, start, counts)
}

type dashData struct {
	HitChart, NoticeChart chart
	NewHits               int
	Queue                 int
	Drafts, Refused       int
	Unread                int
	Reports               int // received reports nobody is assigned to
}

func (c *Console) dashboard(q *req) error {
	ctx := q.r.Context()
	now := c.Now()
	d := dashData{}
	hs, _, err := c.API.Hits.List(ctx, q.V, hits.ListFilter{Since: now.AddDate(0, 0, -14), Limit: 500})
	if err != nil && core.ErrorCode(err) != core.EFORBIDDEN {
		return err
	}
	var times []time.Time
	for _, h := range hs {
		times = append(times, h.FirstSeen)
	}
	d.HitChart = dayChart(q.L, now, 14, times)
	ns, _, err := c.API.Notices.List(ctx, q.V, notices.Query{From: now.AddDate(0, 0, -14), Limit: 500})
	if err != nil && core.ErrorCode(err) != core.EFORBIDDEN {
		return err
	}
	times = times[:0]
	for _, n := range ns {
		times = append(times, n.Notice.CreatedAt)
	}
	d.NoticeChart = dayChart(q.L, now, 14, times)
	// What waits is counted whatever its age, in the store: the charts'
	// fortnight and their page of 500 would hide older work the lists
	// the counts link to still show.
	if d.NewHits, err = c.API.Hits.Waiting(ctx, q.V); err != nil {
		return err
	}
	if q.V.Bureau != "" { // a bureau counts its own notices only
		if d.Drafts, err = c.API.Notices.Count(ctx, q.V, notices.Query{Owner: q.V.Bureau, State: core.NoticeDraft}); err != nil {
			return err
		}
		if d.Refused, err = c.API.Notices.Count(ctx, q.V, notices.Query{Owner: q.V.Bureau, State: core.NoticeRefused}); err != nil {
			return err
		}
	}
	if q.V.Role == core.RoleReviewer {
		if qs, err := c.API.Notices.Queue(ctx, q.V, 500); err == nil {
			d.Queue = len(qs)
		}
	}
	if ts, err := c.API.Messages.List(ctx, q.V, 100); err == nil {
		for _, t := range ts {
			if unread(q.V, t) {
				d.Unread++
			}
		}
	}
	p := c.newPage(q, "dashboard", nil)
	if p.Triage {
		d.Reports = c.reportsWaiting(q)
	}
	p.Data = d
	p.Title = q.L.T("nav.dashboard")
	return c.render(q, "dashboard", http.StatusOK, p)
}

func unread(v core.Viewer, t *core.Thread) bool {
	m, ok := t.Reads[v.Bureau]
	return !ok || m.Through < t.Messages
}

// ---- notices

// noticeRow is a notice as lists show it.
type noticeRow struct {
	ID, Type, State, Owner, Entity string
	Name, Original                 string
	Created                        time.Time
	Diffusion                      bool
	Score                          float64
	Submitted                      string // how long ago, in the review queue
}

func rowOf(v notices.View) noticeRow {
	r := noticeRow{ID: v.Notice.ID, Type: v.Notice.Type, State: notices.State(v.Notice, v.Record), Owner: v.Record.Owner,
		Entity: v.Notice.EntityID, Created: v.Notice.CreatedAt, Diffusion: v.Notice.Diffusion}
	var d map[string]any
	if json.Unmarshal(v.Record.Data, &d) == nil {
		given, _ := d["given_names"].(string)
		family, _ := d["family_name"].(string)
		r.Name = strings.TrimSpace(given + " " + family)
		r.Original, _ = d["name_original"].(string)
		if r.Name == "" {
			for _, k := range []string{"threat_nature", "modus_operandi", "found_place", "name"} {
				if s, ok := d[k].(string); ok && s != "" {
					r.Name = s
					break
				}
			}
		}
	}
	return r
}

type noticesData struct {
	Rows       []noticeRow
	Types      []string
	States     []string
	Name, Type string
	State      string
	Next       string
}

func (c *Console) noticesPage(q *req) error {
	qs := q.r.URL.Query()
	nq := notices.Query{Name: strings.TrimSpace(qs.Get("name")), Type: qs.Get("type"), State: qs.Get("state"), After: qs.Get("after"), Limit: 50}
	p := c.newPage(q, "notices", nil)
	p.Title = q.L.T("nav.notices")
	found, next, err := c.API.Notices.List(q.r.Context(), q.V, nq)
	if fe, ok := fieldErrors(q.L, err, nil); ok {
		p.Errors, err = fe, nil
	}
	if err != nil {
		return err
	}
	d := noticesData{Types: notices.Types, States: core.NoticeStates, Name: nq.Name, Type: nq.Type, State: nq.State, Next: next}
	for _, f := range found {
		r := rowOf(f.View)
		r.Score = f.Score
		d.Rows = append(d.Rows, r)
	}
	p.Data = d
	return c.render(q, "notices", http.StatusOK, p)
}

type noticeData struct {
	Row        noticeRow
	View       *notices.View
	Sections   []shownSection
	Submitted  string // how long ago the request was submitted
	Versions   []core.NoticeVersion
	Mine       bool
	CanSubmit  bool
	CanDecide  bool
	Categories []string
	Checks     []checkRow
	// Photos and Documents are the notice's attachments by role: photos
	// stand with the identity, documents are listed as links.
	Photos, Documents []core.Attachment
}

// checkRow is one automatic review check as the page says it: its name
// and its refusals in the user's language.
type checkRow struct {
	OK     bool
	Name   string
	Errors []string
}

// versionReasons are the catalog keys of the reasons the notices service
// writes into a version itself; a reviewer's or owner's own words show as
// they were written.
var versionReasons = map[string]string{"created": "version.created", "published": "version.published", "imported": "version.imported",
	"edited after refusal": "version.edited_after_refusal", "draft edited": "version.draft_edited"}

func versionReason(l *Lang, reason string) string {
	if key, ok := versionReasons[reason]; ok {
		return l.T(key)
	}
	return reason
}

// noticeDataOf is what the notice page shows of v: its row, its data
// laid out as the notice is read, the checks in words and the refusal
// categories.
func noticeDataOf(l *Lang, now time.Time, v *notices.View) noticeData {
	d := noticeData{Row: rowOf(*v), View: v, Categories: notices.ReasonCategories, Sections: noticeSections(l, v.Notice.Type, v.Record.Data),
		Checks: checkRows(l, v.Notice.Type, v.Checks), Submitted: submittedAgo(l, now, v.Notice)}
	for _, a := range v.Attachments {
		if a.Role == "photo" && api.InlineImage(a.ContentType) {
			d.Photos = append(d.Photos, a)
		} else {
			d.Documents = append(d.Documents, a)
		}
	}
	return d
}

func (c *Console) noticePage(q *req) error {
	ctx := q.r.Context()
	v, err := c.API.Notices.Get(ctx, q.V, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	vs, err := c.API.Notices.Versions(ctx, q.V, v.Notice.ID)
	if err != nil && core.ErrorCode(err) != core.EFORBIDDEN {
		return err
	}
	d := noticeDataOf(q.L, c.Now(), v)
	d.Versions, d.Mine = vs, v.Record.Owner == q.V.Bureau
	st := notices.State(v.Notice, v.Record)
	d.CanSubmit = d.Mine && (st == core.NoticeDraft || st == core.NoticeRefused) && !v.Notice.Diffusion
	d.CanDecide = q.V.Role == core.RoleReviewer && (st == core.NoticeSubmitted || st == core.NoticeUnderReview) && !d.Mine
	p := c.newPage(q, "notices", d)
	p.Title = q.L.T("type." + v.Notice.Type)
	// Only the confirmations the console itself sends: the address is
	// anyone's to write, the banner speaks for the console.
	switch done := q.r.URL.Query().Get("done"); done {
	case "submitted", "saved", "publish", "refuse":
		p.Flash = "flash." + done
	}
	return c.render(q, "notice", http.StatusOK, p)
}

// noticeAttachment serves a photo or document of a notice the viewer may
// see (the notices service decides and audits the read). Only the image
// types a notice photo may have are shown inline; anything else downloads.
func (c *Console) noticeAttachment(q *req) error {
	a, err := c.API.Notices.Attachment(q.r.Context(), q.V, q.r.PathValue("id"), q.r.PathValue("aid"))
	if err != nil {
		return err
	}
	// One rule with the API: photos shown in place, anything else
	// downloaded, every file sandboxed.
	api.WriteNoticeAttachment(q.w, a)
	return nil
}

func (c *Console) noticeSubmit(q *req) error {
	ctx := q.r.Context()
	id := q.r.PathValue("id")
	v, err := c.API.Notices.Get(ctx, q.V, id)
	if err != nil {
		return err
	}
	if _, err := c.API.Notices.Submit(ctx, q.V, id, v.Record.Version); err != nil {
		return err
	}
	return c.redirect(q, "/notices/"+url.PathEscape(id)+"?done=submitted")
}

func (c *Console) noticeDecide(q *req) error {
	ctx := q.r.Context()
	id := q.r.PathValue("id")
	v, err := c.API.Notices.Get(ctx, q.V, id)
	if err != nil {
		return err
	}
	if v.Notice.State == core.NoticeSubmitted {
		if v, err = c.API.Notices.StartReview(ctx, q.V, id); err != nil {
			return err
		}
	}
	f := q.r.PostForm
	dec := notices.Decision{Decision: f.Get("decision"), ReasonCategory: f.Get("reason_category"), Reason: strings.TrimSpace(f.Get("reason")), Version: v.Record.Version}
	if _, err := c.API.Notices.Decide(ctx, q.V, id, dec); err != nil {
		fe, ok := fieldErrors(q.L, err, nil)
		if !ok {
			return err
		}
		d := noticeDataOf(q.L, c.Now(), v)
		d.CanDecide = true
		p := c.newPage(q, "notices", d)
		p.Title, p.Errors, p.Form = q.L.T("type."+v.Notice.Type), fe, f
		return c.render(q, "notice", http.StatusBadRequest, p)
	}
	return c.redirect(q, "/notices/"+url.PathEscape(id)+"?done="+url.QueryEscape(dec.Decision))
}

func (c *Console) reviewsPage(q *req) error {
	vs, err := c.API.Notices.Queue(q.r.Context(), q.V, 100)
	if err != nil {
		return err
	}
	var rows []noticeRow
	for _, v := range vs {
		r := rowOf(*v)
		r.Submitted = submittedAgo(q.L, c.Now(), v.Notice)
		rows = append(rows, r)
	}
	return c.show(q, "reviews", "reviews", "nav.reviews", rows)
}

// ---- hits

type hitsData struct {
	Rows    []hits.View
	Partial bool
	// Next is the link to the page of older hits ("" on the last page).
	Next string
}

// hitsPage is the inbox: the newest hits first, a page at a time, the
// next page the older ones.
func (c *Console) hitsPage(q *req) error {
	qs := q.r.URL.Query()
	side := qs.Get("side")
	if side != hits.Owner && side != hits.Searcher {
		side = "" // both sides; an unknown value is not worth an error page
	}
	before := qs.Get("before")
	if len(before) > 100 {
		before = "" // not a cursor this page gave: start from the newest
	}
	hs, next, err := c.API.Hits.List(q.r.Context(), q.V, hits.ListFilter{Side: side, Newest: true, Before: before, Limit: 200})
	if err != nil {
		return err
	}
	d := hitsData{Rows: hs}
	if next != "" {
		v := url.Values{"before": {next}}
		if side != "" {
			v.Set("side", side)
		}
		d.Next = "/hits?" + v.Encode()
	}
	return c.show(q, "hits", "hits", "nav.hits", d)
}

type hitData struct {
	Hit   *hits.View
	Side  string
	State string
	// Allowed are the states the viewer's side may move to from State
	// (the hits service's transitions): the only ones offered.
	Allowed []string
	// Actions are offered when action_taken is among Allowed.
	Actions []string
}

// hitView is the hit page's data for the viewer's side of hit id.
func (c *Console) hitView(q *req, id string) (hitData, error) {
	h, err := c.API.Hits.Get(q.r.Context(), q.V, id)
	if err != nil {
		return hitData{}, err
	}
	d := hitData{Hit: h, Side: hits.Searcher, State: h.SearcherState}
	if h.Owner == q.V.Bureau {
		d.Side, d.State = hits.Owner, h.OwnerState
	}
	d.Allowed = hits.Allowed(d.State)
	if slices.Contains(d.Allowed, core.HitActionTaken) {
		d.Actions = core.HitActions
	}
	return d, nil
}

func (c *Console) hitPage(q *req) error {
	d, err := c.hitView(q, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return c.show(q, "hit", "hits", "hit.title", d)
}

// hitState moves the viewer's side of a hit on. A refused move shows the
// form again, as it was filled in, with the reason at its field in the
// page's language: a state not allowed from where the side stands names
// the ones that are; a hit changed meanwhile asks to look again.
func (c *Console) hitState(q *req) error {
	id := q.r.PathValue("id")
	f := q.r.PostForm
	ver, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	_, err := c.API.Hits.Transition(q.r.Context(), q.V, id, hits.Change{State: f.Get("state"), Action: f.Get("action"), Notes: f.Get("notes"), Version: ver})
	if err == nil {
		return c.redirect(q, "/hits/"+url.PathEscape(id))
	}
	code := core.ErrorCode(err)
	if code != core.EINVALID && code != core.ECONFLICT {
		return err
	}
	d, gerr := c.hitView(q, id)
	if gerr != nil {
		return gerr
	}
	p := c.newPage(q, "hits", d)
	p.Title = q.L.T("hit.title")
	for _, k := range []string{"state", "action", "notes"} {
		p.Form.Set(k, f.Get(k))
	}
	fe, ok := fieldErrors(q.L, err, nil)
	switch {
	case code == core.ECONFLICT && ok:
		// Not allowed from where the side stands (it may have moved
		// meanwhile): say where it stands and where it may go.
		allowed := make([]string, len(d.Allowed))
		for i, s := range d.Allowed {
			allowed[i] = q.L.T("hitstate." + s)
		}
		p.Errors["state"] = q.L.T("hit.not_allowed", q.L.T("hitstate."+d.State), strings.Join(allowed, q.L.T("list.sep")))
	case ok:
		p.Errors = fe
	default:
		p.Problem = "hit.changed" // changed meanwhile: the page shows it as it is now
	}
	status := http.StatusConflict
	if code == core.EINVALID {
		status = http.StatusUnprocessableEntity
	}
	return c.render(q, "hit", status, p)
}

// ---- messages

func (c *Console) messagesPage(q *req) error {
	ts, err := c.API.Messages.List(q.r.Context(), q.V, 100)
	if err != nil {
		return err
	}
	return c.show(q, "messages", "messages", "nav.messages", ts)
}

type threadData struct {
	Thread  *messages.ThreadView
	Types   []string
	MaxBody int // the reply's maxlength
	// Older links to the page of older messages, Newer back to the newest
	// ("" where there is none).
	Older, Newer string
}

func newThreadData(t *messages.ThreadView, before int) threadData {
	d := threadData{Thread: t, Types: core.MessageTypes, MaxBody: messages.MaxBody}
	if t.NextBefore > 0 {
		d.Older = "/messages/" + url.PathEscape(t.ID) + "?before=" + strconv.Itoa(t.NextBefore)
	}
	if before > 0 {
		d.Newer = "/messages/" + url.PathEscape(t.ID)
	}
	return d
}

// threadPage shows a thread's newest messages, the older ones a page at
// a time (?before=).
func (c *Console) threadPage(q *req) error {
	ctx := q.r.Context()
	before, err := strconv.Atoi(q.r.URL.Query().Get("before"))
	if err != nil || before < 1 {
		before = 0 // not a link this page gave: start from the newest
	}
	t, err := c.API.Messages.Get(ctx, q.V, q.r.PathValue("id"), before)
	if err != nil {
		return err
	}
	if before == 0 { // the newest messages shown: read through them
		c.API.Messages.MarkRead(ctx, q.V, t.ID)
	}
	p := c.newPage(q, "messages", newThreadData(t, before))
	p.dataTitle(t.Subject, "")
	return c.render(q, "thread", http.StatusOK, p)
}

func (c *Console) threadReply(q *req) error {
	ctx := q.r.Context()
	id := q.r.PathValue("id")
	f := q.r.PostForm
	_, err := c.API.Messages.Reply(ctx, q.V, id, messages.Post{Type: f.Get("type"), Body: f.Get("body")})
	if err != nil {
		err = replyTooLong(err, f.Get("body"))
		fe, ok := fieldErrors(q.L, err, map[string]string{"body": "body", "type": "type"})
		if !ok {
			return err
		}
		t, err := c.API.Messages.Get(ctx, q.V, id, 0)
		if err != nil {
			return err
		}
		p := c.newPage(q, "messages", newThreadData(t, 0))
		p.dataTitle(t.Subject, "")
		p.Errors, p.Form = fe, f
		return c.render(q, "thread", http.StatusBadRequest, p)
	}
	return c.redirect(q, "/messages/"+url.PathEscape(id))
}

// replyTooLong turns the messages service's refusal of a body over
// messages.MaxBody characters, a "too large" naming no field, into what
// it is to the person who typed it: an error at the body, with its length
// and the limit. Attachments, the other thing refused so, are not sent
// from the console.
func replyTooLong(err error, body string) error {
	n := utf8.RuneCountInString(strings.TrimSpace(body))
	if core.ErrorCode(err) != core.ETOOLARGE || n <= messages.MaxBody {
		return err
	}
	return core.Invalid(core.FieldError{Field: "body", Reason: core.ErrorMessage(err), Code: "too_long",
		Params: []string{strconv.Itoa(n), strconv.Itoa(messages.MaxBody)}})
}

// ---- audit and administration

type auditData struct {
	Record  string
	Entries []core.AuditEntry
}

func (c *Console) auditPage(q *req) error {
	id := strings.TrimSpace(q.r.URL.Query().Get("record"))
	d := auditData{Record: id}
	if id != "" {
		es, err := c.API.Records.AuditTrail(q.r.Context(), q.V, id, 0, 200)
		if err != nil {
			return err
		}
		d.Entries = es
	}
	return c.show(q, "audit", "audit", "nav.audit", d)
}

type adminData struct {
	Users      []*core.User
	Keys       []*core.APIKey
	Webhooks   []*core.Webhook
	Webhook    string
	Deliveries []*core.Delivery
}

func (c *Console) adminPage(q *req) error { return c.renderAdmin(q, http.StatusOK, nil, nil) }

func (c *Console) renderAdmin(q *req, status int, errs map[string]string, form url.Values) error {
	ctx := q.r.Context()
	var d adminData
	var err error
	if d.Users, err = c.API.Auth.ListUsers(ctx, q.V); err != nil {
		return err
	}
	if d.Keys, err = c.API.Auth.ListKeys(ctx, q.V); err != nil {
		return err
	}
	if d.Webhooks, err = c.API.Webhooks.List(ctx, q.V); err != nil && core.ErrorCode(err) != core.EFORBIDDEN {
		return err
	}
	if id := q.r.URL.Query().Get("webhook"); id != "" {
		d.Webhook = id
		if d.Deliveries, err = c.API.Webhooks.Deliveries(ctx, q.V, id, 50); err != nil {
			return err
		}
	}
	p := c.newPage(q, "admin", d)
	p.Title = q.L.T("nav.admin")
	p.Roles = core.Roles
	if errs != nil {
		p.Errors, p.Form, p.Problem = errs, form, "form.has_errors"
	}
	if p.Form.Get("bureau") == "" {
		p.Form.Set("bureau", q.V.Bureau) // an admin administers only its own bureau
	}
	if q.r.URL.Query().Get("done") == "user" {
		p.Flash = "flash.user"
	}
	return c.render(q, "admin", status, p)
}

// adminUserFields map the service's fields to the new-user form's.
var adminUserFields = map[string]string{"username": "username", "display_name": "display_name", "bureau": "bureau", "role": "role", "lang": "lang", "password": "new_password"}

func (c *Console) adminCreateUser(q *req) error {
	f := q.r.PostForm
	_, err := c.API.Auth.CreateUser(q.r.Context(), q.V, auth.NewUser{Username: f.Get("username"), DisplayName: strings.TrimSpace(f.Get("display_name")),
		Bureau: f.Get("bureau"), Role: f.Get("role"), Lang: f.Get("lang"), Password: f.Get("new_password")})
	if err != nil {
		status := http.StatusBadRequest
		fe, ok := fieldErrors(q.L, err, adminUserFields)
		if !ok && core.ErrorCode(err) == core.EFORBIDDEN && q.V.Can(core.PermAdmin) {
			// Another bureau's: said at the field, the form kept.
			status, fe, ok = http.StatusForbidden, map[string]string{"bureau": q.L.T("admin.bureau_own", q.V.Bureau)}, true
		}
		if !ok {
			return err
		}
		q.r.URL.RawQuery = ""
		return c.renderAdmin(q, status, fe, f)
	}
	return c.redirect(q, "/admin?done=user")
}

// adminUserOp disables or enables a user, or resets their second factor.
func (c *Console) adminUserOp(q *req) error {
	ctx, name := q.r.Context(), q.r.PathValue("username")
	var err error
	switch q.r.PathValue("op") {
	case "disable", "enable":
		_, err = c.API.Auth.SetDisabled(ctx, q.V, name, q.r.PathValue("op") == "disable")
	case "reset-totp":
		err = c.API.Auth.ResetTOTP(ctx, q.V, name)
	default:
		err = core.Errorf(core.ENOTFOUND, "no such operation")
	}
	if err != nil {
		return err
	}
	return c.redirect(q, "/admin")
}

func (c *Console) adminEnableWebhook(q *req) error {
	if _, err := c.API.Webhooks.Enable(q.r.Context(), q.V, q.r.PathValue("id")); err != nil {
		return err
	}
	return c.redirect(q, "/admin")
}

func (c *Console) adminRevokeKey(q *req) error {
	if _, err := c.API.Auth.RevokeKey(q.r.Context(), q.V, q.r.PathValue("id")); err != nil {
		return err
	}
	return c.redirect(q, "/admin")
}
