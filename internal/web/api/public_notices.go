package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
)

// The public notices API answers in the shape of INTERPOL's public
// notices API (ws-public.interpol.int/notices/v1), so that clients written
// for it work here: the same paths, query parameters and JSON (HAL links
// under _links, lists under _embedded.notices, dates as YYYY/MM/DD,
// entity_id as YYYY/NNNNN and YYYY-NNNNN in paths). It is read without
// login, rate-limited per client address and cacheable by ETag.

// DefaultPublicRate is how many public requests one address may make per
// minute.
const DefaultPublicRate = 300

var (
	publicListParams = []param{
		{"forename", "query", "Forename(s)."}, {"name", "query", "Family name; matches across scripts."},
		{"nationality", "query", "ISO 3166 alpha-2 code."}, {"ageMin", "query", "Youngest age, in years."}, {"ageMax", "query", "Oldest age, in years."},
		{"sexId", "query", "M, F or U."}, {"freeText", "query", "Words to find in what the extracts show: names, places, distinguishing marks, charges (red), remarks (un)."},
		{"page", "query", "Page number, from 1."}, {"resultPerPage", "query", "Results per page, 1 to 160 (default 20)."},
	}
	publicArrestParam = param{"arrestWarrantCountryId", "query", "ISO 3166 alpha-2 code of the country that issued the arrest warrant."}
	publicItemParams  = []param{{"type", "path", "red, yellow or un."}, {"entity_id", "path", "YYYY-NNNNN."}}
)

func (s *Server) publicAllowed(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	return s.rateAllowed(w, &s.publicLimit, v, orDefault(s.PublicRate, DefaultPublicRate), "public notice requests")
}

// writeCacheable writes v as JSON with an ETag of its bytes, or 304 when
// the client's If-None-Match already names it.
func writeCacheable(w http.ResponseWriter, r *http.Request, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	sum := sha256.Sum256(buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Header().Set("Vary", "Accept-Encoding")
	for _, tag := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if t := strings.TrimPrefix(strings.TrimSpace(tag), "W/"); t == etag || t == "*" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

type href struct {
	Href string `json:"href"`
}

func (s *Server) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || s.Config.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// publicDate writes a data date (YYYY-MM-DD, YYYY-MM, YYYY) as INTERPOL
// does: YYYY/MM/DD.
func publicDate(s string) string { return strings.ReplaceAll(s, "-", "/") }

func entityPath(entityID string) string { return strings.ReplaceAll(entityID, "/", "-") }

func stringOf(d map[string]any, k string) string {
	s, _ := d[k].(string)
	return strings.TrimSpace(s)
}

func stringsOf(d map[string]any, k string) []string {
	list, _ := d[k].([]any)
	out := []string{}
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func alpha2s(d map[string]any, k string) []string {
	out := []string{}
	for _, s := range stringsOf(d, k) {
		if c, ok := members.Lookup(s); ok {
			out = append(out, c.Alpha2)
		}
	}
	return out
}

// publicNames splits a notice's name as INTERPOL does: name is the family
// name, forename the given names, both in Latin script, upper case.
func publicNames(d map[string]any) (forename, name string) {
	name, forename = stringOf(d, "family_name"), stringOf(d, "given_names")
	if name == "" && forename == "" {
		name = stringOf(d, "name")
	}
	return strings.ToUpper(forename), strings.ToUpper(name)
}

func (s *Server) publicLinks(r *http.Request, view *notices.View) map[string]href {
	self := s.baseURL(r) + "/notices/v1/" + view.Notice.Type + "/" + entityPath(view.Notice.EntityID)
	links := map[string]href{"self": {self}, "images": {self + "/images"}}
	for _, a := range view.Attachments {
		if a.Role == notices.RolePhoto {
			links["thumbnail"] = href{self + "/images/" + a.ID}
			break
		}
	}
	return links
}

type publicItemOut struct {
	EntityID      string          `json:"entity_id"`
	Forename      string          `json:"forename"`
	Name          string          `json:"name"`
	DateOfBirth   string          `json:"date_of_birth,omitempty"`
	Nationalities []string        `json:"nationalities"`
	Links         map[string]href `json:"_links"`
}

func (s *Server) publicList(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if err := s.publicAllowed(w, r, v); err != nil {
		return err
	}
	q := notices.PublicQuery{}
	switch rest := strings.TrimPrefix(r.URL.Path, "/notices/v1/"); rest {
	case "red", "yellow":
		q.Type = rest
	case "un/persons":
		q.Type, q.UNSubject = notices.TypeUN, "persons"
	case "un/entities":
		q.Type, q.UNSubject = notices.TypeUN, "entities"
	default:
		return core.Errorf(core.ENOTFOUND, "no public notices at %s", r.URL.Path)
	}
	params := r.URL.Query()
	var fs []core.FieldError
	bad := func(f, reason string) { fs = append(fs, core.FieldError{Field: f, Reason: reason}) }
	num := func(k string, lo, hi, def int) int {
		x := params.Get(k)
		if x == "" {
			return def
		}
		n, err := strconv.Atoi(x)
		if err != nil || n < lo || n > hi {
			bad(k, "must be a whole number from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi))
		}
		return n
	}
	country := func(k string) string {
		x := params.Get(k)
		if x == "" {
			return ""
		}
		c, ok := members.Lookup(x)
		if !ok {
			bad(k, "must be an ISO 3166 alpha-2 code")
		}
		return c.Alpha2
	}
	q.Forename, q.Name, q.FreeText = params.Get("forename"), params.Get("name"), params.Get("freeText")
	for _, k := range []string{"forename", "name", "freeText"} {
		if len(params.Get(k)) > 200 {
			bad(k, "must be at most 200 bytes")
		}
	}
	q.AgeMin, q.AgeMax = num("ageMin", 0, 120, 0), num("ageMax", 0, 120, 0)
	if params.Get("ageMin") != "" && params.Get("ageMax") != "" && q.AgeMax < q.AgeMin {
		// Nobody is older than ageMax and younger than ageMin: an empty
		// page would answer as if no notice matched.
		bad("ageMax", "must be at least ageMin")
	}
	q.Page, q.PerPage = num("page", 1, 100000, 1), num("resultPerPage", 1, 160, 20)
	q.Nationality = country("nationality")
	if q.Type == notices.TypeRed {
		q.ArrestWarrantCountry = country("arrestWarrantCountryId")
	} else if params.Get("arrestWarrantCountryId") != "" {
		// Only a Red Notice rests on a warrant; another notice's would be
		// its owner's country, and the bureau that asked for a missing
		// person or a UN entry is not public.
		bad("arrestWarrantCountryId", "is a parameter of /notices/v1/red only")
	}
	if sx := params.Get("sexId"); sx != "" {
		if sx != "M" && sx != "F" && sx != "U" {
			bad("sexId", "must be M, F or U")
		}
		q.SexID = sx
	}
	if len(fs) > 0 {
		return core.Invalid(fs...)
	}
	views, total, err := s.Notices.Public(r.Context(), q, v.Remote)
	if err != nil {
		return err
	}
	items := make([]publicItemOut, len(views))
	for i := range views {
		var d map[string]any
		json.Unmarshal(views[i].Record.Data, &d)
		fore, name := publicNames(d)
		items[i] = publicItemOut{EntityID: views[i].Notice.EntityID, Forename: fore, Name: name,
			DateOfBirth: publicDate(stringOf(d, "date_of_birth")), Nationalities: alpha2s(d, "nationalities"), Links: s.publicLinks(r, &views[i])}
	}
	echo := map[string]any{"page": q.Page, "resultPerPage": q.PerPage}
	for k, vs := range params {
		if k != "page" && k != "resultPerPage" && len(vs) > 0 {
			echo[k] = vs[0]
		}
	}
	pageURL := func(p int) href {
		u := url.Values{}
		for k, vs := range params {
			u[k] = vs
		}
		u.Set("page", strconv.Itoa(p))
		u.Set("resultPerPage", strconv.Itoa(q.PerPage))
		return href{s.baseURL(r) + r.URL.Path + "?" + u.Encode()}
	}
	last := max(1, (total+q.PerPage-1)/q.PerPage)
	links := map[string]href{"self": pageURL(q.Page), "first": pageURL(1), "last": pageURL(last)}
	if q.Page < last {
		links["next"] = pageURL(q.Page + 1)
	}
	if q.Page > 1 {
		links["previous"] = pageURL(q.Page - 1)
	}
	writeCacheable(w, r, map[string]any{"total": total, "query": echo, "_embedded": map[string]any{"notices": items}, "_links": links})
	return nil
}

func itemKey(r *http.Request) (typ, entityID string, err error) {
	typ = r.PathValue("type")
	if typ != notices.TypeRed && typ != notices.TypeYellow && typ != notices.TypeUN {
		return "", "", core.Errorf(core.ENOTFOUND, "no public notices of type %q: red, yellow or un", truncate(typ, 20))
	}
	id := r.PathValue("entity_id")
	y, n, ok := strings.Cut(id, "-")
	if !ok || len(y) != 4 || len(n) == 0 || len(n) > 9 || strings.Trim(y+n, "0123456789") != "" {
		return "", "", core.Errorf(core.ENOTFOUND, "%q is not a notice's entity id: YYYY-NNNNN", truncate(id, 20))
	}
	return typ, y + "/" + n, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

type arrestWarrant struct {
	IssuingCountryID  string  `json:"issuing_country_id"`
	Charge            string  `json:"charge"`
	ChargeTranslation *string `json:"charge_translation"`
}

// publicTarget admits a public request for one notice (rate limit) and
// reads which notice it names.
func (s *Server) publicTarget(w http.ResponseWriter, r *http.Request, v core.Viewer) (*notices.Service, string, string, error) {
	if err := s.publicAllowed(w, r, v); err != nil {
		return nil, "", "", err
	}
	typ, id, err := itemKey(r)
	return s.Notices, typ, id, err
}

// publicNotice is the public extract a request names.
func (s *Server) publicNotice(w http.ResponseWriter, r *http.Request, v core.Viewer) (string, string, *notices.View, error) {
	ns, typ, id, err := s.publicTarget(w, r, v)
	if err != nil {
		return "", "", nil, err
	}
	view, err := ns.PublicGet(r.Context(), typ, id, v.Remote)
	return typ, id, view, err
}

func (s *Server) publicItem(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	typ, _, view, err := s.publicNotice(w, r, v)
	if err != nil {
		return err
	}
	var d map[string]any
	json.Unmarshal(view.Record.Data, &d)
	fore, name := publicNames(d)
	out := map[string]any{
		"entity_id": view.Notice.EntityID, "forename": fore, "name": name, "date_of_birth": publicDate(stringOf(d, "date_of_birth")),
		"nationalities": alpha2s(d, "nationalities"), "sex_id": nilIfEmpty(stringOf(d, "sex")), "place_of_birth": nilIfEmpty(stringOf(d, "place_of_birth")),
		"country_of_birth_id": nilIfEmpty(alpha2(stringOf(d, "country_of_birth"))), "distinguishing_marks": nilIfEmpty(stringOf(d, "distinguishing_marks")),
		"languages_spoken_ids": stringsOf(d, "languages"), "eyes_colors_id": listIfAny(stringOf(d, "eyes_color")), "hairs_id": listIfAny(stringOf(d, "hair_color")),
		"height": numberOr0(d["height"]), "weight": numberOr0(d["weight"]), "name_original": nilIfEmpty(stringOf(d, "name_original")),
		"_embedded": map[string]any{"links": []any{}}, "_links": s.publicLinks(r, view),
	}
	switch typ {
	case notices.TypeRed:
		warrants := []arrestWarrant{}
		wc := ""
		if wm, ok := d["warrant"].(map[string]any); ok {
			wc = alpha2(stringOf(wm, "country"))
		}
		if wc == "" {
			wc = view.Record.Owner
		}
		charges, _ := d["charges"].([]any)
		for _, c := range charges {
			cm, _ := c.(map[string]any)
			aw := arrestWarrant{IssuingCountryID: wc, Charge: stringOf(cm, "offence")}
			if cc := alpha2(stringOf(cm, "country")); cc != "" {
				aw.IssuingCountryID = cc
			}
			if desc := stringOf(cm, "description"); desc != "" {
				aw.Charge += ": " + desc
			}
			if t := stringOf(cm, "translation"); t != "" {
				aw.ChargeTranslation = &t
			}
			warrants = append(warrants, aw)
		}
		out["arrest_warrants"] = warrants
	case notices.TypeYellow:
		out["date_of_event"] = nilIfEmpty(publicDate(stringOf(d, "disappearance_date")))
		out["place"] = nilIfEmpty(stringOf(d, "disappearance_place"))
		out["country"] = nilIfEmpty(alpha2(stringOf(d, "disappearance_country")))
		parents, _ := d["parents"].([]any)
		for _, p := range parents {
			pm, _ := p.(map[string]any)
			switch stringOf(pm, "relation") {
			case "mother":
				out["mother_name"] = stringOf(pm, "name")
			case "father":
				out["father_name"] = stringOf(pm, "name")
			}
		}
	case notices.TypeUN:
		out["un_reference"] = nilIfEmpty(stringOf(d, "reference"))
		out["subject_type"] = nilIfEmpty(stringOf(d, "subject_type"))
		out["aliases"] = stringsOf(d, "aliases")
		out["remarks"] = nilIfEmpty(stringOf(d, "remarks"))
	}
	writeCacheable(w, r, out)
	return nil
}

func alpha2(code string) string {
	if c, ok := members.Lookup(code); ok {
		return c.Alpha2
	}
	return ""
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func listIfAny(s string) []string {
	if s == "" {
		return []string{}
	}
	return []string{s}
}

func numberOr0(x any) float64 {
	if f, ok := x.(float64); ok {
		return f
	}
	return 0
}

func (s *Server) publicImages(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	typ, id, view, err := s.publicNotice(w, r, v)
	if err != nil {
		return err
	}
	self := s.baseURL(r) + "/notices/v1/" + typ + "/" + entityPath(id)
	images := []map[string]any{}
	for _, a := range view.Attachments {
		images = append(images, map[string]any{"picture_id": a.ID, "_links": map[string]href{"self": {self + "/images/" + a.ID}}})
	}
	writeCacheable(w, r, map[string]any{"_embedded": map[string]any{"images": images},
		"_links": map[string]href{"self": {self + "/images"}, "notice": {self}}})
	return nil
}

func (s *Server) publicImage(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	ns, typ, id, err := s.publicTarget(w, r, v)
	if err != nil {
		return err
	}
	a, err := ns.PublicImage(r.Context(), typ, id, r.PathValue("aid"), v.Remote)
	if err != nil {
		return err
	}
	if strings.Contains(r.Header.Get("If-None-Match"), a.SHA256) {
		w.Header().Set("ETag", strconv.Quote(a.SHA256))
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	// The name the bureau uploaded it under is the bureau's (it may say
	// who took the photo, or where): the public sees the picture's id.
	shown := *a
	shown.Name = r.PathValue("aid") + imageExt[a.ContentType]
	// As long as the JSON answers, no longer: once the notice is
	// cancelled, shared caches must stop serving the face within the
	// minute the extract itself disappears in.
	writeAttachment(w, &shown, "public, max-age=60")
	return nil
}
