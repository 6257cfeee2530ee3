package api

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
)

// MaxAttachmentUpload bounds an attachment's request body; the notices
// service holds the real limit (5 MiB by default) and says so precisely.
const MaxAttachmentUpload = 16 << 20

var (
	pNoticeID = param{"id", "path", "The notice's id (a UUIDv7, the id of its record)."}
	pAID      = param{"aid", "path", "The attachment's id."}
)

func (s *Server) noticeRoutes() []route {
	listParams := []param{
		{"type", "query", "Only notices of this type: " + strings.Join(notices.Types, ", ") + "."},
		{"state", "query", "Only notices in this state: " + strings.Join(core.NoticeStates, ", ") + "."},
		{"owner", "query", "Only notices requested by this bureau (ISO code)."},
		{"country", "query", "Only notices with this country of interest (nationality, extradition, threat, jurisdiction, addressee)."},
		{"name", "query", "A name in any script: the best matches across scripts, best first (no next page)."},
		{"diffusion", "query", "true: only diffusions; false: only notices."},
		{"from", "query", "Created on or after this date (YYYY-MM-DD)."},
		{"to", "query", "Created before this date (YYYY-MM-DD, excluded), after from."},
		pLimit, pCursor,
	}
	pub := func(path, summary string, params ...param) route {
		return route{Method: "GET", Path: path, Summary: summary, Public: true, Resp: "PublicNoticeList", Params: append(params, publicListParams...), h: s.publicList}
	}
	return []route{
		{Method: "POST", Path: "/api/v1/notices", Summary: "Request a notice (a draft to submit) or send a diffusion (circulates at once)", Body: "NoticeInput", Resp: "Notice", Status: 201, h: s.createNotice},
		{Method: "GET", Path: "/api/v1/notices", Summary: "List or search the notices you may see", Resp: "NoticePage", Params: listParams, h: s.listNotices},
		{Method: "GET", Path: "/api/v1/notices/{id}", Summary: "One notice, with its attachments and automatic checks", Resp: "Notice", Params: []param{pNoticeID}, h: s.getNotice},
		{Method: "PUT", Path: "/api/v1/notices/{id}", Summary: "Change a notice (owner only); every version is kept", Body: "NoticeUpdate", Resp: "Notice", Params: []param{pNoticeID, pIfMatch}, h: s.updateNotice},
		{Method: "GET", Path: "/api/v1/notices/{id}/versions", Summary: "Every kept version of a notice: who, when, why, the data", Resp: "NoticeVersionList", Params: []param{pNoticeID}, h: s.noticeVersions},
		{Method: "POST", Path: "/api/v1/notices/{id}/submit", Summary: "Submit a draft request for review (owner only)", Body: "Version", Resp: "Notice", Params: []param{pNoticeID, pIfMatch}, h: s.submitNotice},
		{Method: "POST", Path: "/api/v1/notices/{id}/review", Summary: "Take a submitted request into review (secretariat reviewers)", Resp: "Notice", Params: []param{pNoticeID}, h: s.startReview},
		{Method: "POST", Path: "/api/v1/notices/{id}/decision", Summary: "Publish or refuse a request, with the reason (secretariat reviewers)", Body: "NoticeDecision", Resp: "Notice", Params: []param{pNoticeID, pIfMatch}, h: s.decideNotice},
		{Method: "POST", Path: "/api/v1/notices/{id}/cancel", Summary: "Cancel a notice or withdraw a request (owner only), with a reason", Body: "Reason", Resp: "Notice", Params: []param{pNoticeID}, h: s.cancelNotice},
		{Method: "POST", Path: "/api/v1/notices/{id}/extend", Summary: "Keep a notice in circulation for another period (owner only), with a reason", Body: "Reason", Resp: "Notice", Params: []param{pNoticeID}, h: s.extendNotice},
		{Method: "POST", Path: "/api/v1/notices/{id}/to-notice", Summary: "Turn a diffusion into a notice request: a new draft (owner only)", Resp: "Notice", Status: 201, Params: []param{pNoticeID}, h: s.diffusionToNotice},
		{Method: "POST", Path: "/api/v1/notices/{id}/attachments", Summary: "Attach a photo or document (JPEG, PNG, WebP, PDF; sniffed; 5 MiB each, 25 MiB and 50 files a notice; not while the request is submitted or under review) as the raw body",
			Body: "Binary", StreamIn: "application/octet-stream", Resp: "Attachment", Status: 201, MaxBody: MaxAttachmentUpload,
			Params: []param{pNoticeID, {"name", "query", "The file's name."}, {"role", "query", "photo or document (default: photo for images)."}}, h: s.attachToNotice},
		{Method: "GET", Path: "/api/v1/notices/{id}/attachments/{aid}", Summary: "An attachment's content", Stream: "application/octet-stream", StreamSchema: "Binary",
			Params: []param{pNoticeID, pAID}, h: s.noticeAttachment},
		{Method: "GET", Path: "/api/v1/reviews", Summary: "The review queue, oldest request first, with automatic checks (secretariat reviewers)", Resp: "NoticePage", Params: []param{pLimit}, h: s.reviewQueue},

		pub("/notices/v1/red", "Public extracts of Red Notices (INTERPOL public notices API shape)", publicArrestParam),
		pub("/notices/v1/yellow", "Public extracts of Yellow Notices (INTERPOL public notices API shape)"),
		pub("/notices/v1/un/persons", "INTERPOL–UN Security Council Special Notices: persons"),
		pub("/notices/v1/un/entities", "INTERPOL–UN Security Council Special Notices: entities"),
		{Method: "GET", Path: "/notices/v1/{type}/{entity_id}", Summary: "One public extract; entity_id is YYYY-NNNNN (the / of YYYY/NNNNN written -)", Public: true, Resp: "PublicNotice",
			Params: publicItemParams, h: s.publicItem},
		{Method: "GET", Path: "/notices/v1/{type}/{entity_id}/images", Summary: "The photos of a public extract", Public: true, Resp: "PublicImages",
			Params: publicItemParams, h: s.publicImages},
		{Method: "GET", Path: "/notices/v1/{type}/{entity_id}/images/{aid}", Summary: "One photo of a public extract", Public: true, Stream: "application/octet-stream", StreamSchema: "Binary",
			Params: append(publicItemParams[:2:2], pAID), h: s.publicImage},
	}
}

// noticeOut is a notice as the API shows it: the workflow, the envelope
// and data of its record, attachments, checks and, for a name search, the
// score.
type noticeOut struct {
	*core.Notice
	Owner         string             `json:"owner"`
	Status        string             `json:"status"`
	Version       int64              `json:"version"`
	Releasability core.Releasability `json:"releasability"`
	Caveats       []string           `json:"caveats"`
	CaveatText    string             `json:"caveat_text,omitempty"`
	Data          json.RawMessage    `json:"data"`
	CreatedBy     string             `json:"created_by"`
	UpdatedBy     string             `json:"updated_by"`
	Attachments   []core.Attachment  `json:"attachments"`
	Checks        []notices.Check    `json:"checks,omitempty"`
	Score         float64            `json:"score,omitempty"`
}

func noticeOf(v core.Viewer, view *notices.View) noticeOut {
	n := *view.Notice
	r := view.Record
	n.State = notices.State(view.Notice, r)
	if n.Countries == nil {
		n.Countries = []string{}
	}
	as := view.Attachments
	if as == nil {
		as = []core.Attachment{}
	}
	cav := r.Caveats
	if cav == nil {
		cav = []string{}
	}
	shown := access.WithActors(v, r)
	if !access.SeesWhoActed(v, r) {
		// Who attached a file is someone of the owner bureau, as its
		// versions' authors are.
		as = slices.Clone(as)
		for i := range as {
			as[i].CreatedBy = ""
		}
	}
	return noticeOut{Notice: &n, Owner: r.Owner, Status: r.Status, Version: r.Version, Releasability: r.Releasability, Caveats: cav,
		CaveatText: r.CaveatText, Data: r.Data, CreatedBy: shown.CreatedBy, UpdatedBy: shown.UpdatedBy, Attachments: as, Checks: view.Checks}
}

func writeNotice(w http.ResponseWriter, v core.Viewer, status int, view *notices.View) {
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(view.Record.Version, 10)))
	writeJSON(w, status, noticeOf(v, view))
}

func (s *Server) createNotice(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in notices.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	view, err := s.Notices.Create(r.Context(), v, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/notices/"+view.Notice.ID)
	writeNotice(w, v, http.StatusCreated, view)
	return nil
}

func (s *Server) getNotice(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	view, err := s.Notices.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeNotice(w, v, http.StatusOK, view)
	return nil
}

// noticeQuery reads the list parameters, with precise errors.
func noticeQuery(r *http.Request) (notices.Query, error) {
	q := r.URL.Query()
	var fs []core.FieldError
	bad := func(field, reason string) { fs = append(fs, core.FieldError{Field: field, Reason: reason}) }
	out := notices.Query{Type: strings.ToLower(q.Get("type")), State: q.Get("state"), Name: q.Get("name")}
	if out.Type != "" && !notices.ValidType(out.Type) {
		bad("type", "must be one of "+strings.Join(notices.Types, ", "))
	}
	if out.State != "" && !slices.Contains(core.NoticeStates, out.State) {
		bad("state", "must be one of "+strings.Join(core.NoticeStates, ", "))
	}
	if o := q.Get("owner"); o != "" {
		if b, ok := members.BureauFor(o); ok {
			out.Owner = b.Code
		} else {
			bad("owner", "must be a member country's ISO 3166 code, or IPSG")
		}
	}
	if c := q.Get("country"); c != "" {
		if m, ok := members.Lookup(c); ok {
			out.Country = m.Alpha2
		} else {
			bad("country", "must be a member country's ISO 3166 code")
		}
	}
	if len(out.Name) > 300 {
		bad("name", "must be at most 300 bytes")
	}
	switch q.Get("diffusion") {
	case "":
	case "true", "false":
		d := q.Get("diffusion") == "true"
		out.Diffusion = &d
	default:
		bad("diffusion", "must be true or false")
	}
	for _, k := range []string{"from", "to"} {
		if x := q.Get(k); x != "" {
			d, err := time.Parse("2006-01-02", x)
			if err != nil {
				bad(k, "must be a date as YYYY-MM-DD")
			} else if k == "from" {
				out.From = d
			} else {
				out.To = d
			}
		}
	}
	periodOrder(out.From, out.To, "notices", &fs)
	out.Limit = intParam(q, "limit", 0, 1, maxPage, &fs)
	var err error
	if out.After, err = cursorParam(q); err != nil {
		return out, err
	}
	return out, invalid(fs)
}

// cursorParam reads the cursor of a list query: the next_cursor a
// previous page gave, unchanged. Records and notices page by record id,
// so a cursor is a record id (a UUID in its canonical form) encoded.
// Anything else is a malformed request (400), never a query the store
// would choke on, nor one it would answer with an empty or shifted page.
func cursorParam(q url.Values) (string, error) {
	c := q.Get("cursor")
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && len(b) == 36 {
		if id, err := uuid.Parse(string(b)); err == nil && id.String() == string(b) {
			return string(b), nil
		}
	}
	return "", &core.Error{Code: emalformed, Message: "the cursor is not one this server gave",
		Fields: []core.FieldError{{Field: "cursor", Reason: "must be the next_cursor of a previous page, unchanged"}}}
}

func (s *Server) listNotices(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	q, err := noticeQuery(r)
	if err != nil {
		return err
	}
	found, next, err := s.Notices.List(r.Context(), v, q)
	if err != nil {
		return err
	}
	items := make([]noticeOut, len(found))
	for i := range found {
		items[i] = noticeOf(v, &found[i].View)
		items[i].Score = found[i].Score
	}
	page := map[string]any{"items": items}
	if next != "" {
		page["next_cursor"] = base64.RawURLEncoding.EncodeToString([]byte(next))
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) updateNotice(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in notices.UpdateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	var err error
	if in.Version, err = version(r, in.Version); err != nil {
		return err
	}
	view, err := s.Notices.Update(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeNotice(w, v, http.StatusOK, view)
	return nil
}

func (s *Server) noticeVersions(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	vs, err := s.Notices.Versions(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	if vs == nil {
		vs = []core.NoticeVersion{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": vs})
	return nil
}

type versionIn struct {
	Version int64 `json:"version"`
}

func (s *Server) submitNotice(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in versionIn
	if err := decode(r, &in); err != nil {
		return err
	}
	var err error
	if in.Version, err = version(r, in.Version); err != nil {
		return err
	}
	view, err := s.Notices.Submit(r.Context(), v, r.PathValue("id"), in.Version)
	if err != nil {
		return err
	}
	writeNotice(w, v, http.StatusOK, view)
	return nil
}

func (s *Server) startReview(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	view, err := s.Notices.StartReview(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeNotice(w, v, http.StatusOK, view)
	return nil
}

func (s *Server) decideNotice(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in notices.Decision
	if err := decode(r, &in); err != nil {
		return err
	}
	var err error
	if in.Version, err = version(r, in.Version); err != nil {
		return err
	}
	view, err := s.Notices.Decide(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeNotice(w, v, http.StatusOK, view)
	return nil
}

func (s *Server) cancelNotice(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	return s.noticeEnd(w, r, v, false)
}

func (s *Server) extendNotice(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	return s.noticeEnd(w, r, v, true)
}

func (s *Server) noticeEnd(w http.ResponseWriter, r *http.Request, v core.Viewer, extend bool) error {
	var in reasonIn
	if err := decode(r, &in); err != nil {
		return err
	}
	var err error
	if in.Version, err = version(r, in.Version); err != nil {
		return err
	}
	op := s.Notices.Cancel
	if extend {
		op = s.Notices.Extend
	}
	view, err := op(r.Context(), v, r.PathValue("id"), in.Version, in.Reason)
	if err != nil {
		return err
	}
	writeNotice(w, v, http.StatusOK, view)
	return nil
}

func (s *Server) diffusionToNotice(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	view, err := s.Notices.ToNotice(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/notices/"+view.Notice.ID)
	writeNotice(w, v, http.StatusCreated, view)
	return nil
}

func (s *Server) attachToNotice(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	limit := s.Notices.AttachmentLimit()
	// Read one byte past the limit: the service names the limit precisely.
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return decodeError(err)
	}
	a, err := s.Notices.Attach(r.Context(), v, r.PathValue("id"), r.URL.Query().Get("name"), r.URL.Query().Get("role"), body)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/notices/"+a.NoticeID+"/attachments/"+a.ID)
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// writeAttachment sends an uploaded file. Only images are shown inline:
// anything else (a PDF) downloads rather than open in the browser's viewer
// on the hub's origin, where the session cookie is, and the sandbox keeps
// a file opened anyway from acting as one of our pages.
func writeAttachment(w http.ResponseWriter, a *core.Attachment, cache string) {
	disposition := "attachment"
	if InlineImage(a.ContentType) {
		disposition = "inline"
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Content)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Content-Disposition", contentDisposition(disposition, a.Name))
	w.Header().Set("Cache-Control", cache)
	w.Header().Set("ETag", strconv.Quote(a.SHA256))
	w.WriteHeader(http.StatusOK)
	w.Write(a.Content)
}

// contentDisposition names the file, in RFC 2231 form when the name is
// not ASCII; a name it cannot carry is left out rather than mangled.
func contentDisposition(disposition, name string) string {
	if v := mime.FormatMediaType(disposition, map[string]string{"filename": name}); v != "" {
		return v
	}
	return disposition
}

// InlineImage tells the image types a browser may show in place: those
// files.Sniff accepts.
func InlineImage(contentType string) bool {
	_, ok := imageExt[contentType]
	return ok
}

// imageExt is the file extension of each of those types.
var imageExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}

// WriteNoticeAttachment sends a notice's photo or document, never to be
// cached (the access decision is made on every read).
func WriteNoticeAttachment(w http.ResponseWriter, a *core.Attachment) {
	writeAttachment(w, a, "private, no-store")
}

func (s *Server) noticeAttachment(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	a, err := s.Notices.Attachment(r.Context(), v, r.PathValue("id"), r.PathValue("aid"))
	if err != nil {
		return err
	}
	WriteNoticeAttachment(w, a)
	return nil
}

func (s *Server) reviewQueue(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var fs []core.FieldError
	limit := intParam(r.URL.Query(), "limit", 100, 1, maxPage, &fs)
	if err := invalid(fs); err != nil {
		return err
	}
	views, err := s.Notices.Queue(r.Context(), v, limit)
	if err != nil {
		return err
	}
	items := make([]noticeOut, len(views))
	for i, view := range views {
		items[i] = noticeOf(v, view)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// noticeSchemas describes the notice bodies for the OpenAPI document.
func noticeSchemas() obj {
	num := obj{"type": "integer"}
	boolean := obj{"type": "boolean"}
	data := obj{"type": "object", "description": "The type's data. Identity (all person types): family_name, given_names, name_original (original script), aliases, sex, date_of_birth, place_of_birth, country_of_birth, nationalities, description, distinguishing_marks, languages, height, weight, eyes_color, hair_color, documents[{type, number, country}], identifiers[{type, value}]. " +
		"red: purpose (prosecution|sentence), charges[{offence, law, max_penalty_years, description, translation, country}], warrant{kind (arrest_warrant|judgment), reference, date, authority, country}, sentence_remaining_months, extradition_countries. " +
		"yellow: circumstances, disappearance_date, disappearance_place, disappearance_country, parents[{name, relation}]. blue: information_sought, offence. green: criminal_activities, modus_operandi, countries_active. " +
		"black: found_place, found_date, found_country, estimated_age_min, estimated_age_max, description, dna_available, fingerprints_available. orange: threat_nature, threat_kind, period{from, to}, countries_affected. " +
		"purple: modus_operandi, objects, devices, concealment_methods, offence. silver: assets[{type (property|vehicle|account|business|cash|crypto|vessel), description, identifiers[{type, value}], location, jurisdiction, estimated_value, currency, held_for[{name, kind (person|company)}], criminal_activity}]. Every type: reference, summary."}
	attachment := obj{"type": "object", "properties": obj{"id": str(""), "notice_id": str(""), "name": str("file name"), "content_type": enum([]string{"image/jpeg", "image/png", "image/webp", "application/pdf"}),
		"size": num, "sha256": str("hex"), "role": enum([]string{notices.RolePhoto, notices.RoleDocument}), "created_at": dateTime, "created_by": str("who attached it (owner and secretariat reviewers only)")}}
	check := obj{"type": "object", "properties": obj{"name": str("required_data_and_thresholds or quota"), "ok": boolean, "errors": list(object([]string{"field", "reason"}, obj{"field": str(""), "reason": str("")}))}}
	notice := obj{"type": "object", "properties": obj{
		"id": str("UUIDv7, the id of its record"), "type": enum(notices.Types), "diffusion": boolean, "state": enum(core.NoticeStates),
		"entity_id": str("public number, YYYY/NNNNN, given at publication"), "public_extract": obj{"type": "boolean", "description": "the owner consents to a public extract (Red and Yellow)"},
		"countries_of_interest": list(str("ISO alpha-2")), "revision": obj{"type": "integer", "description": "number of the current data version"},
		"submitted_at": dateTime, "reviewer": str("who reviewed (owner and secretariat only)"), "review_started_at": dateTime, "decided_at": dateTime,
		"decision": enum([]string{"publish", "refuse"}), "reason_category": enum(notices.ReasonCategories), "reason": str("the decision's reason (owner and secretariat only)"),
		"published_at": dateTime, "expires_at": dateTime, "end_reason": str("why it was cancelled or expired"), "created_at": dateTime, "updated_at": dateTime,
		"owner": str("owner bureau"), "status": enum([]string{core.StatusPending, core.StatusActive, core.StatusExpired, core.StatusCancelled}),
		"version": obj{"type": "integer", "description": "the record's version, for If-Match"}, "releasability": ref("Releasability"), "caveats": list(enum(core.Caveats)),
		"caveat_text": str(""), "data": data, "created_by": str("who created it (owner and secretariat reviewers only)"), "updated_by": str("who changed it last, the reviewer too (owner and secretariat reviewers only)"), "attachments": list(ref("Attachment")), "checks": list(ref("NoticeCheck")),
		"score": obj{"type": "number", "description": "for a name search: how well the name matched"},
	}}
	publicLinks := obj{"type": "object", "properties": obj{"self": ref("Link"), "images": ref("Link"), "thumbnail": ref("Link")}}
	return obj{
		"NoticeInput": object([]string{"type", "data"}, obj{
			"type": enum(notices.RequestTypes), "diffusion": obj{"type": "boolean", "description": "true: a diffusion to the countries in releasability, circulating at once without review"},
			"releasability": ref("Releasability"), "caveats": list(enum(core.Caveats)), "caveat_text": str("at most 2000 characters"),
			"public_extract": obj{"type": "boolean", "description": "Red and Yellow only, released to all: consent to a public extract"}, "data": data,
		}),
		"NoticeUpdate": object([]string{"version"}, obj{
			"releasability": ref("Releasability"), "caveats": list(enum(core.Caveats)), "caveat_text": str(""), "public_extract": boolean, "data": data,
			"reason": str("why; required for a notice in circulation"), "version": obj{"type": "integer", "description": "the version the change is based on (or If-Match)"},
		}),
		"NoticeDecision": object([]string{"decision"}, obj{
			"decision": enum([]string{"publish", "refuse"}), "reason_category": enum(notices.ReasonCategories), "reason": str("required to refuse"),
			"version": obj{"type": "integer", "description": "optional: the version decided on"},
		}),
		"Version":           object(nil, obj{"version": obj{"type": "integer", "description": "the version the change is based on (or If-Match)"}}),
		"Notice":            notice,
		"NoticeCheck":       check,
		"NoticePage":        obj{"type": "object", "properties": obj{"items": list(ref("Notice")), "next_cursor": str("pass as cursor for the next page")}},
		"NoticeVersionList": obj{"type": "object", "properties": obj{"items": list(ref("NoticeVersion"))}},
		"NoticeVersion": obj{"type": "object", "properties": obj{"notice_id": str(""), "revision": num, "at": dateTime, "by": str("who (owner and secretariat only)"),
			"bureau": str(""), "reason": str("why"), "state": enum(core.NoticeStates), "releasability": ref("Releasability"), "data": data}},
		"Attachment": attachment,
		"Binary":     obj{"type": "string", "format": "binary"},
		"Link":       obj{"type": "object", "properties": obj{"href": str("absolute URL")}},
		"PublicNoticeList": obj{"type": "object", "properties": obj{"total": num, "query": obj{"type": "object", "description": "the query, echoed"},
			"_embedded": obj{"type": "object", "properties": obj{"notices": list(obj{"type": "object", "properties": obj{
				"entity_id": str("YYYY/NNNNN"), "forename": str(""), "name": str(""), "date_of_birth": str("YYYY/MM/DD"), "nationalities": list(str("ISO alpha-2")), "_links": publicLinks}})}},
			"_links": obj{"type": "object", "properties": obj{"self": ref("Link"), "first": ref("Link"), "next": ref("Link"), "previous": ref("Link"), "last": ref("Link")}}}},
		"PublicNotice": obj{"type": "object", "description": "A public extract, in the shape of INTERPOL's public notices API", "properties": obj{
			"entity_id": str("YYYY/NNNNN"), "forename": str(""), "name": str(""), "name_original": str("original script"), "date_of_birth": str("YYYY/MM/DD"),
			"nationalities": list(str("")), "sex_id": enum([]string{"M", "F", "U"}), "place_of_birth": str(""), "country_of_birth_id": str(""),
			"distinguishing_marks": str(""), "languages_spoken_ids": list(str("")), "eyes_colors_id": list(str("")), "hairs_id": list(str("")),
			"height": obj{"type": "number"}, "weight": obj{"type": "number"},
			"arrest_warrants": list(obj{"type": "object", "properties": obj{"issuing_country_id": str(""), "charge": str(""), "charge_translation": str("")}}),
			"date_of_event":   str("yellow: disappearance"), "place": str(""), "country": str(""), "mother_name": str(""), "father_name": str(""),
			"un_reference": str(""), "subject_type": str(""), "aliases": list(str("")), "remarks": str(""),
			"_embedded": obj{"type": "object"}, "_links": publicLinks}},
		"PublicImages": obj{"type": "object", "properties": obj{"_embedded": obj{"type": "object", "properties": obj{"images": list(obj{"type": "object",
			"properties": obj{"picture_id": str(""), "_links": obj{"type": "object", "properties": obj{"self": ref("Link")}}}})}},
			"_links": obj{"type": "object", "properties": obj{"self": ref("Link"), "notice": ref("Link")}}}},
	}
}
