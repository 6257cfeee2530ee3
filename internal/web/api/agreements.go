package api

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/manara-hub/manara/internal/agreements"
	"github.com/manara-hub/manara/internal/core"
)

// Agreements between bureaus, agencies and organisations live under
// /api/v1/agreements. Every handler goes through the agreements service,
// which asks access and audits.

var (
	pAgreementID = param{"id", "path", "The agreement's id (a UUIDv7)."}
	pDocumentID  = param{"did", "path", "The document's id."}
)

func (s *Server) agreementRoutes() []route {
	search := []param{
		{"party", "query", "A party: a country's bureau (MA), a national agency (MA:DGSN) or an organisation (AFRIPOL)."},
		{"country", "query", "Any party of this member country (its bureau or an agency), ISO alpha-2."},
		{"subject", "query", "A subject area: " + strings.Join(core.AgreementSubjects, ", ") + "."},
		{"status", "query", "A status: " + strings.Join(core.AgreementStatuses, ", ") + " (expired: past its expiry date)."},
		{"kind", "query", "A kind: " + strings.Join(core.AgreementKinds, ", ") + "."},
		{"gathering", "query", "The gathering where it was signed."},
		{"q", "query", "Text in a title (any language) or the reference."},
		{"signed_from", "query", "Signed on or after, YYYY-MM-DD."}, {"signed_to", "query", "Signed on or before, YYYY-MM-DD."},
		{"expires_from", "query", "Expires on or after, YYYY-MM-DD."}, {"expires_to", "query", "Expires on or before, YYYY-MM-DD."},
		{"page", "query", "Page number, 1 to 10,000."}, {"limit", "query", "Page size, 1 to 200 (default 50)."},
	}
	return []route{
		{Method: "POST", Path: "/api/v1/agreements", Summary: "Register an agreement your bureau's country is party to (draft, or signed or in force after the fact)", Body: "AgreementInput", Resp: "Agreement", Status: 201, h: s.createAgreement},
		{Method: "GET", Path: "/api/v1/agreements", Summary: "Search the agreements you may see (public ones, and those your country is party to), newest signature first", Resp: "AgreementPage", Params: search, h: s.searchAgreements},
		{Method: "GET", Path: "/api/v1/agreements/{id}", Summary: "One agreement, with its status history and documents (a parties-only one: its parties; the read is audited)", Resp: "Agreement", Params: []param{pAgreementID}, h: s.getAgreement},
		{Method: "PUT", Path: "/api/v1/agreements/{id}", Summary: "Change an agreement's fields (the bureau that registered it)", Body: "AgreementUpdate", Resp: "Agreement", Params: []param{pAgreementID}, h: s.updateAgreement},
		{Method: "POST", Path: "/api/v1/agreements/{id}/status", Summary: "Record that it was signed, entered into force or was terminated (the bureau that registered it)", Body: "AgreementStatusChange", Resp: "Agreement", Params: []param{pAgreementID}, h: s.agreementStatus},
		{Method: "POST", Path: "/api/v1/agreements/{id}/documents", Summary: "Attach a text of the agreement in one language (PDF, or a JPEG, PNG or WebP scan; sniffed; 10 MiB) as the raw body",
			Body: "Binary", StreamIn: "application/octet-stream", Resp: "AgreementDocument", Status: 201, MaxBody: MaxAttachmentUpload,
			Params: []param{pAgreementID, {"lang", "query", "The document's language (ar, en, fr, es…)."}, {"name", "query", "The file's name."}}, h: s.attachAgreementDocument},
		{Method: "GET", Path: "/api/v1/agreements/{id}/documents/{did}", Summary: "A document's content", Stream: "application/octet-stream", StreamSchema: "Binary",
			Params: []param{pAgreementID, pDocumentID}, h: s.agreementDocument},
	}
}

func (s *Server) createAgreement(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in agreements.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := s.Agreements.Create(r.Context(), v, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/agreements/"+a.ID)
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// AgreementQuery reads a search from query parameters.
func AgreementQuery(q url.Values) (agreements.Query, error) {
	get := q.Get
	out := agreements.Query{Party: get("party"), Country: get("country"), Subject: get("subject"), Status: get("status"), Kind: get("kind"),
		Gathering: get("gathering"), Text: get("q"), SignedFrom: get("signed_from"), SignedTo: get("signed_to"),
		ExpiresFrom: get("expires_from"), ExpiresTo: get("expires_to")}
	var fs []core.FieldError
	// The service refuses a page or a size past its most, and audits it.
	out.Page = intParam(q, "page", 0, 1, noMax, &fs)
	out.Limit = intParam(q, "limit", 0, 1, noMax, &fs)
	return out, invalid(fs)
}

func (s *Server) searchAgreements(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	q, err := AgreementQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := s.Agreements.Search(r.Context(), v, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) getAgreement(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	a, err := s.Agreements.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) updateAgreement(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in agreements.UpdateInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := s.Agreements.Update(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) agreementStatus(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in agreements.StatusInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := s.Agreements.SetStatus(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) attachAgreementDocument(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	limit := s.Agreements.DocumentLimit()
	// One byte past the limit: the service names the limit precisely.
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return decodeError(err)
	}
	d, err := s.Agreements.Attach(r.Context(), v, r.PathValue("id"), r.URL.Query().Get("lang"), r.URL.Query().Get("name"), body)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/agreements/"+d.Agreement+"/documents/"+d.ID)
	writeJSON(w, http.StatusCreated, d)
	return nil
}

// WriteAgreementDocument sends a document's bytes, never to be cached
// (a parties-only agreement's text).
func WriteAgreementDocument(w http.ResponseWriter, d *core.AgreementDocument) {
	writeAttachment(w, &core.Attachment{Name: d.Name, ContentType: d.ContentType, SHA256: d.SHA256, Content: d.Content}, "private, no-store")
}

func (s *Server) agreementDocument(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	d, err := s.Agreements.Document(r.Context(), v, r.PathValue("id"), r.PathValue("did"))
	if err != nil {
		return err
	}
	WriteAgreementDocument(w, d)
	return nil
}

func agreementSchemas() obj {
	party := object([]string{"kind"}, obj{
		"kind":    enum(core.AgreementPartyKinds),
		"country": str("bureau and agency: the member country, ISO alpha-2 (an organisation has none)"),
		"code":    str("agency and organisation: 2 to 16 capitals, digits or hyphens, e.g. DGSN, AFRIPOL"),
		"name":    str("agency and organisation: its name"),
	})
	date := func(desc string) obj { return obj{"type": "string", "format": "date", "description": desc} }
	fields := obj{
		"kind": enum(core.AgreementKinds), "reference": str("the parties' own reference"),
		"titles":    obj{"type": "object", "description": "title by language code (ar, en, fr, es…); at least one", "additionalProperties": obj{"type": "string"}},
		"summary":   str(""),
		"parties":   list(ref("AgreementParty")),
		"subjects":  list(enum(core.AgreementSubjects)),
		"signed":    date("YYYY-MM-DD"),
		"in_force":  date("YYYY-MM-DD, on or after signed"),
		"expires":   date("YYYY-MM-DD, after in_force (or signed)"),
		"gathering": str("the gathering where it was signed"), "meeting_request": str("the meeting request, at that gathering, where it was signed"),
		"visibility": obj{"type": "string", "enum": core.AgreementVisibilities, "description": "public: every member bureau once signed; parties: its parties' bureaus only"},
	}
	with := func(extra obj) obj {
		o := obj{}
		for k, v := range fields {
			o[k] = v
		}
		for k, v := range extra {
			o[k] = v
		}
		return o
	}
	change := obj{"type": "object", "properties": obj{"state": enum(core.AgreementStatuses), "at": dateTime, "by": str(""), "on": date("when it took effect"), "note": str("")}}
	document := obj{"type": "object", "properties": obj{"id": str(""), "agreement": str(""), "lang": str("language code"), "name": str(""),
		"content_type": str("sniffed from the bytes"), "size": obj{"type": "integer"}, "sha256": str("hex SHA-256"), "created_by": str(""), "created_at": dateTime}}
	agreement := obj{"type": "object", "properties": with(obj{
		"id": str("UUIDv7"), "version": obj{"type": "integer"}, "owner": str("the bureau that registered it"),
		"state":   enum([]string{core.AgreementDraft, core.AgreementSigned, core.AgreementInForce, core.AgreementTerminated}),
		"status":  obj{"type": "string", "enum": core.AgreementStatuses, "description": "the state, or expired once its expiry date has come"},
		"history": list(ref("AgreementHistoryEntry")), "documents": list(ref("AgreementDocument")),
		"created_by": str(""), "created_at": dateTime, "updated_at": dateTime,
	})}
	return obj{
		"AgreementParty":        party,
		"AgreementInput":        object([]string{"titles", "parties", "subjects"}, with(obj{"state": enum([]string{core.AgreementDraft, core.AgreementSigned, core.AgreementInForce})})),
		"AgreementUpdate":       object([]string{"titles", "parties", "subjects"}, with(obj{"version": obj{"type": "integer", "description": "the version changed (optional)"}})),
		"AgreementStatusChange": object([]string{"status"}, obj{"status": enum([]string{core.AgreementSigned, core.AgreementInForce, core.AgreementTerminated}), "on": date("when it took effect (default today)"), "note": str("why (required to terminate)"), "version": obj{"type": "integer"}}),
		"AgreementHistoryEntry": change,
		"AgreementDocument":     document,
		"Agreement":             agreement,
		"AgreementPage": obj{"type": "object", "properties": obj{"items": list(ref("Agreement")), "count": obj{"type": "integer"}, "page": obj{"type": "integer"},
			"limit": obj{"type": "integer"}, "more": obj{"type": "boolean", "description": "another page follows"}}},
	}
}
