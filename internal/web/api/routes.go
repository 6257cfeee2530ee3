package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/records"
)

var (
	pID      = param{"id", "path", "The record's id (a UUIDv7)."}
	pLimit   = param{"limit", "query", "Page size, 1 to 500 (default 100)."}
	pCursor  = param{"cursor", "query", "The next_cursor of the previous page."}
	pKind    = param{"kind", "query", "Only records of this kind."}
	pOwner   = param{"owner", "query", "Only records owned by this bureau (ISO alpha-2)."}
	pStatus  = param{"status", "query", "Only records in this status: active, expired or cancelled."}
	pDue     = param{"review_due", "query", "true: only your bureau's records whose review date has passed."}
	pQ       = param{"q", "query", "Text to find in the record's data (case-insensitive)."}
	pAfter   = param{"after", "query", "Entries after this sequence number."}
	pIfMatch = param{"If-Match", "header", "The version the change is based on, instead of the body's version."}
)

func (s *Server) apiRoutes() []route {
	listParams := []param{pKind, pOwner, pStatus, pDue, pLimit, pCursor}
	return []route{
		{Method: "GET", Path: "/api/v1/openapi.json", Summary: "This API's OpenAPI 3.1 document", Public: true, Resp: "OpenAPI", h: s.openapi},
		{Method: "POST", Path: "/api/v1/auth/login", Summary: "Sign in with a password; sets the session cookie", Public: true, Body: "Login", Resp: "Me", h: s.login,
			Description: "A wrong username, password or second factor, a locked or disabled account: 401 with code unauthorized, the same whatever the cause. " +
				"A right password without the second factor the account has enrolled: 401 with code second_factor_required and an error on totp; send the request again with totp.",
			Problems: map[int]string{http.StatusUnauthorized: "code unauthorized: not signed in (no cause told); code second_factor_required: the password is right, send totp as well"}},
		{Method: "POST", Path: "/api/v1/auth/logout", Summary: "End the current session", Status: 204, h: s.logout},
		{Method: "GET", Path: "/api/v1/me", Summary: "Who the caller is", Resp: "Me", h: s.me},
		{Method: "GET", Path: "/api/v1/countries", Summary: "The 196 member countries", Public: true, Resp: "CountryList", h: s.countries},
		{Method: "GET", Path: "/api/v1/countries/{code}", Summary: "One member country and its bureau", Public: true, Resp: "Country",
			Params: []param{{"code", "path", "ISO 3166 alpha-2 or alpha-3 code."}}, h: s.country},
		{Method: "POST", Path: "/api/v1/records", Summary: "Create a record owned by your bureau", Body: "RecordInput", Resp: "Record", Status: 201, h: s.createRecord},
		{Method: "GET", Path: "/api/v1/records", Summary: "List the records you may see", Resp: "RecordPage", Params: listParams, h: s.listRecords},
		{Method: "GET", Path: "/api/v1/records/search", Summary: "Search the records you may see", Resp: "RecordPage", Params: append([]param{pQ}, listParams...), h: s.searchRecords},
		{Method: "GET", Path: "/api/v1/records/export", Summary: "Export every record you may see as JSON lines", Stream: "application/x-ndjson", Params: []param{pKind, pOwner, pStatus, pQ}, h: s.exportRecords},
		{Method: "GET", Path: "/api/v1/records/{id}", Summary: "One record", Resp: "Record", Params: []param{pID}, h: s.getRecord},
		{Method: "PUT", Path: "/api/v1/records/{id}", Summary: "Change a record (owner only, from its current version)", Body: "RecordInput", Resp: "Record", Params: []param{pID, pIfMatch}, h: s.updateRecord},
		{Method: "POST", Path: "/api/v1/records/{id}/cancel", Summary: "Cancel a record (owner only), with a reason", Body: "Reason", Resp: "Record", Params: []param{pID}, h: s.cancelRecord},
		{Method: "POST", Path: "/api/v1/records/{id}/extend", Summary: "Extend a record's retention (owner only), with a reason", Body: "Reason", Resp: "Record", Params: []param{pID}, h: s.extendRecord},
		{Method: "GET", Path: "/api/v1/records/{id}/audit", Summary: "A record's audit trail (owner bureau and admins)", Resp: "AuditPage", Params: []param{pID, pAfter, pLimit}, h: s.recordAudit},
		{Method: "POST", Path: "/api/v1/screen/person", Summary: "Screen a person: name in any script, optional date of birth, sex, nationality", Body: "ScreenPerson", Resp: "ScreenAnswer", h: s.screenPerson},
		{Method: "POST", Path: "/api/v1/screen/document", Summary: "Screen a travel document: number with country and type, or a raw MRZ", Body: "ScreenDocument", Resp: "ScreenAnswer", h: s.screenDocument},
		{Method: "POST", Path: "/api/v1/screen/identifier", Summary: "Screen an identifier (IBAN, phone, e-mail, URL, wallet, VIN, IMEI…), typed or detected", Body: "ScreenIdentifier", Resp: "ScreenAnswer", h: s.screenIdentifier},
		{Method: "POST", Path: "/api/v1/screen/batch", Summary: "Screen a stream of JSON lines; answers a JSON line per line, in order", StreamIn: "application/x-ndjson", Stream: "application/x-ndjson", StreamSchema: "BatchAnswer", Body: "BatchLine", MaxBody: MaxBatchBytes, h: s.screenBatch},
		{Method: "GET", Path: "/api/v1/users", Summary: "Users you administer", Resp: "UserList", h: s.listUsers},
		{Method: "POST", Path: "/api/v1/users", Summary: "Create a user", Body: "NewUser", Resp: "User", Status: 201, h: s.createUser},
		{Method: "POST", Path: "/api/v1/users/{username}/disable", Summary: "Disable a user", Resp: "User", Params: []param{{"username", "path", "The user's name."}}, h: s.disableUser},
		{Method: "POST", Path: "/api/v1/users/{username}/enable", Summary: "Enable a user", Resp: "User", Params: []param{{"username", "path", "The user's name."}}, h: s.enableUser},
		{Method: "GET", Path: "/api/v1/keys", Summary: "API keys you administer", Resp: "KeyList", h: s.listKeys},
		{Method: "POST", Path: "/api/v1/keys", Summary: "Create an API key; the key is shown once", Body: "NewKey", Resp: "CreatedKey", Status: 201, h: s.createKey},
		{Method: "DELETE", Path: "/api/v1/keys/{id}", Summary: "Revoke an API key", Resp: "Key", Params: []param{{"id", "path", "The key's id."}}, h: s.revokeKey},
	}
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
		// TOTP is the second factor (a code or a recovery code) of a user
		// who enrolled one.
		TOTP string `json:"totp"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	var fs []core.FieldError
	if in.Username == "" {
		fs = append(fs, core.FieldError{Field: "username", Reason: "is required"})
	}
	if in.Password == "" {
		fs = append(fs, core.FieldError{Field: "password", Reason: "is required"})
	}
	if len(fs) > 0 {
		return core.Invalid(fs...)
	}
	token, u, err := s.Auth.LoginWithCode(r.Context(), strings.ToLower(strings.TrimSpace(in.Username)), in.Password, in.TOTP, v.Remote)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/", HttpOnly: true, Secure: s.Config.SecureCookies,
		SameSite: http.SameSiteLaxMode, Expires: time.Now().Add(auth.SessionTTL)})
	writeJSON(w, http.StatusOK, meOf(core.Viewer{UserID: u.ID, Bureau: u.Bureau, Role: u.Role, Permissions: core.RolePermissions(u.Role)}, u))
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if c, err := r.Cookie(CookieName); err == nil && v.UserID != "" {
		if err := s.Auth.Logout(r.Context(), v, c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Config.SecureCookies, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type me struct {
	Kind        string   `json:"kind"` // user or key
	ID          string   `json:"id"`
	Username    string   `json:"username,omitempty"`
	DisplayName string   `json:"display_name,omitempty"`
	Bureau      string   `json:"bureau"`
	BureauName  string   `json:"bureau_name"`
	Role        string   `json:"role,omitempty"`
	Lang        string   `json:"lang,omitempty"`
	Permissions []string `json:"permissions"`
}

func meOf(v core.Viewer, u *core.User) me {
	kind, id := v.Actor()
	m := me{Kind: kind, ID: id, Bureau: v.Bureau, Role: v.Role, Permissions: v.Permissions}
	if b, ok := members.BureauFor(v.Bureau); ok {
		m.BureauName = b.Name("en")
	}
	if u != nil {
		m.Username, m.DisplayName, m.Lang = u.Username, u.DisplayName, u.Lang
	}
	return m
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var u *core.User
	if v.UserID != "" {
		var err error
		if u, err = s.Auth.Me(r.Context(), v); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, meOf(v, u))
	return nil
}

type countryOut struct {
	Alpha2 string            `json:"alpha2"`
	Alpha3 string            `json:"alpha3"`
	Names  map[string]string `json:"names"`
	Region string            `json:"region"`
	Bureau map[string]string `json:"bureau"`
}

func countryOf(c members.Country) countryOut {
	b, _ := members.BureauFor(c.Alpha2)
	out := countryOut{Alpha2: c.Alpha2, Alpha3: c.Alpha3, Region: c.Region, Names: map[string]string{}, Bureau: map[string]string{}}
	for _, l := range lang.Supported {
		out.Names[l], out.Bureau[l] = c.Name(l), b.Name(l)
	}
	return out
}

func (s *Server) countries(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	all := members.All()
	out := make([]countryOut, len(all))
	for i, c := range all {
		out[i] = countryOf(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "count": len(out)})
	return nil
}

func (s *Server) country(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	c, ok := members.Lookup(r.PathValue("code"))
	if !ok {
		return core.Errorf(core.ENOTFOUND, "%q is not a member country's ISO 3166 code", r.PathValue("code"))
	}
	writeJSON(w, http.StatusOK, countryOf(c))
	return nil
}

// recordOut is a record as the API shows it: the envelope, the owner's
// name, and the flags meant for this viewer.
type recordOut struct {
	*core.Record
	Flags []string `json:"flags"`
}

func (s *Server) out(v core.Viewer, r *core.Record) recordOut {
	fl := records.Flags(v, r, s.Records.Now())
	if fl == nil {
		fl = []string{}
	}
	return recordOut{Record: access.WithActors(v, r), Flags: fl}
}

func (s *Server) createRecord(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in records.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	rec, err := s.Records.Create(r.Context(), v, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/records/"+rec.ID)
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(rec.Version, 10)))
	writeJSON(w, http.StatusCreated, s.out(v, rec))
	return nil
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	rec, err := s.Records.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(rec.Version, 10)))
	writeJSON(w, http.StatusOK, s.out(v, rec))
	return nil
}

// query reads the list parameters, with precise errors.
func listQuery(r *http.Request) (records.Query, error) {
	q := r.URL.Query()
	var fs []core.FieldError
	out := records.Query{Kind: q.Get("kind"), Status: q.Get("status"), Text: q.Get("q")}
	if out.Kind != "" && !core.ValidKind(out.Kind) {
		fs = append(fs, core.FieldError{Field: "kind", Reason: "must be one of " + strings.Join(core.Kinds, ", ")})
	}
	switch out.Status {
	case "", core.StatusActive, core.StatusExpired, core.StatusCancelled:
	default:
		fs = append(fs, core.FieldError{Field: "status", Reason: "must be active, expired or cancelled"})
	}
	if o := q.Get("owner"); o != "" {
		if b, ok := members.BureauFor(o); ok {
			out.Owner = b.Code
		} else {
			fs = append(fs, core.FieldError{Field: "owner", Reason: "must be a member country's ISO 3166 code"})
		}
	}
	if len(out.Text) > 200 {
		fs = append(fs, core.FieldError{Field: "q", Reason: "must be at most 200 bytes"})
	}
	switch q.Get("review_due") {
	case "", "false":
	case "true":
		out.ReviewDue = true
	default:
		fs = append(fs, core.FieldError{Field: "review_due", Reason: "must be true or false"})
	}
	out.Limit = intParam(q, "limit", 0, 1, maxPage, &fs)
	var err error
	if out.After, err = cursorParam(q); err != nil {
		return out, err
	}
	return out, invalid(fs)
}

type recordPage struct {
	Items      []recordOut `json:"items"`
	NextCursor string      `json:"next_cursor,omitempty"`
}

func (s *Server) listRecords(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	return s.page(w, r, v, "record.list")
}

func (s *Server) searchRecords(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if strings.TrimSpace(r.URL.Query().Get("q")) == "" {
		return core.Invalid(core.FieldError{Field: "q", Reason: "is required: the text to search for"})
	}
	return s.page(w, r, v, "record.search")
}

func (s *Server) page(w http.ResponseWriter, r *http.Request, v core.Viewer, action string) error {
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	rs, next, err := s.Records.List(r.Context(), v, q, action)
	if err != nil {
		return err
	}
	p := recordPage{Items: make([]recordOut, len(rs))}
	for i, rec := range rs {
		p.Items[i] = s.out(v, rec)
	}
	if next != "" {
		p.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(next))
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// exportStop is the export's last line when it could not go on.
type exportStop struct {
	Error *Problem `json:"error"`
}

func (s *Server) exportRecords(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	// The export is every record the caller may see, in one stream: a
	// page size or a cursor would be ignored, so either is refused rather
	// than answered as if it had been applied.
	var fs []core.FieldError
	for _, k := range []string{"limit", "cursor"} {
		if r.URL.Query().Has(k) {
			fs = append(fs, core.FieldError{Field: k, Reason: "is not taken by the export, which streams every record you may see; page with GET /api/v1/records"})
		}
	}
	if err := invalid(fs); err != nil {
		return err
	}
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	started := false
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_, err = s.Records.Export(r.Context(), v, q, func(rec *core.Record) error {
		if !started {
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.Header().Set("Cache-Control", "no-store")
			started = true
		}
		return enc.Encode(s.out(v, rec))
	})
	if err != nil && !started {
		return err
	}
	if err != nil {
		// The status is sent: a last line says the export stopped here,
		// so that a client does not take what it got for every record.
		s.Log.Error("records export cut short", "path", r.URL.Path, "err", err)
		enc.Encode(exportStop{Error: problemOf(err)})
		return nil
	}
	if !started {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.WriteHeader(http.StatusOK)
	}
	return nil
}

// version reads the version a change is based on: If-Match wins over
// the body.
func version(r *http.Request, body int64) (int64, error) {
	im := strings.Trim(strings.TrimPrefix(r.Header.Get("If-Match"), "W/"), `"`)
	if im == "" {
		return body, nil
	}
	n, err := strconv.ParseInt(im, 10, 64)
	if err != nil || n < 1 {
		return 0, core.Invalid(core.FieldError{Field: "If-Match", Reason: "must be the record's version, a whole number"})
	}
	return n, nil
}

func (s *Server) updateRecord(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in records.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	ver, err := version(r, in.Version)
	if err != nil {
		return err
	}
	in.Version = ver
	rec, err := s.Records.Update(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(rec.Version, 10)))
	writeJSON(w, http.StatusOK, s.out(v, rec))
	return nil
}

type reasonIn struct {
	Reason  string `json:"reason"`
	Version int64  `json:"version"`
}

func (s *Server) cancelRecord(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	return s.lifecycle(w, r, v, s.Records.Cancel)
}

func (s *Server) extendRecord(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	return s.lifecycle(w, r, v, s.Records.Extend)
}

func (s *Server) lifecycle(w http.ResponseWriter, r *http.Request, v core.Viewer,
	op func(context.Context, core.Viewer, string, int64, string) (*core.Record, error)) error {
	var in reasonIn
	if err := decode(r, &in); err != nil {
		return err
	}
	ver, err := version(r, in.Version)
	if err != nil {
		return err
	}
	rec, err := op(r.Context(), v, r.PathValue("id"), ver, in.Reason)
	if err != nil {
		return err
	}
	// Cancel and extend make a new version, like PUT: its ETag is the
	// If-Match of the next change.
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(rec.Version, 10)))
	writeJSON(w, http.StatusOK, s.out(v, rec))
	return nil
}

func (s *Server) recordAudit(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	q := r.URL.Query()
	var after int64
	limit := 100
	var fs []core.FieldError
	if a := q.Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			fs = append(fs, core.FieldError{Field: "after", Reason: "must be a sequence number"})
		}
		after = n
	}
	limit = intParam(q, "limit", limit, 1, maxPage, &fs)
	if err := invalid(fs); err != nil {
		return err
	}
	es, err := s.Records.AuditTrail(r.Context(), v, r.PathValue("id"), after, limit)
	if err != nil {
		return err
	}
	if es == nil {
		es = []core.AuditEntry{}
	}
	next := ""
	if len(es) == limit {
		next = strconv.FormatInt(es[len(es)-1].Seq, 10)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": es, "next_after": next})
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	us, err := s.Auth.ListUsers(r.Context(), v)
	if err != nil {
		return err
	}
	if us == nil {
		us = []*core.User{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": us})
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in auth.NewUser
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Auth.CreateUser(r.Context(), v, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	u, err := s.Auth.SetDisabled(r.Context(), v, r.PathValue("username"), true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	u, err := s.Auth.SetDisabled(r.Context(), v, r.PathValue("username"), false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	ks, err := s.Auth.ListKeys(r.Context(), v)
	if err != nil {
		return err
	}
	if ks == nil {
		ks = []*core.APIKey{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ks})
	return nil
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in struct {
		Name        string   `json:"name"`
		Bureau      string   `json:"bureau"`
		Permissions []string `json:"permissions"`
		ExpiresAt   string   `json:"expires_at"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	n := auth.NewKey{Name: in.Name, Bureau: in.Bureau, Permissions: in.Permissions}
	if n.Bureau == "" {
		n.Bureau = v.Bureau
	}
	if in.ExpiresAt != "" {
		t, err := records.ParseDate(in.ExpiresAt)
		if err != nil {
			return core.Invalid(core.FieldError{Field: "expires_at", Reason: "must be a date as YYYY-MM-DD or an RFC 3339 time"})
		}
		n.ExpiresAt = &t
	}
	k, secret, err := s.Auth.CreateKey(r.Context(), v, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"key": k, "secret": secret,
		"note": "Store this key now: it is shown once. Send it as 'Authorization: Bearer <key>'."})
	return nil
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	k, err := s.Auth.RevokeKey(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}
