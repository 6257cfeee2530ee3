package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/screen"
)

// The accreditation list of a gathering lives under
// /api/v1/gatherings/{event}/participants: the host's security unit
// imports it, sees the queue and decides; the owner of a record an
// attendee's screening hit sees that attendee's share.

var pParticipantID = param{"id", "path", "The participant's id (a UUIDv7)."}

func (s *Server) accreditationRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/gatherings/{event}/participants", Summary: "Import the accreditation list (the host's security unit): CSV or JSON, all or nothing; every participant is screened",
			Description: "Content-Type text/csv: a header line naming the columns (" + strings.Join(accreditation.CSVColumns, ", ") + "; category and name required; lists in a cell separated by ';', other_documents as COUNTRY:NUMBER). " +
				"application/json: {\"participants\": [ParticipantInput…]}. Every broken line's error is reported (field lines[N].column or participants[i].field, the reason and what was expected) and nothing is imported. " +
				"Each participant is then screened through the screening path (names in every script given, documents): a hit on a record not released to the host is a \"possible hit — contact bureau X\", and the record's owner hears of it.",
			Body: "ParticipantList", Resp: "ParticipantImport", Status: 201, Params: []param{pEvent}, MaxBody: accreditation.MaxCSVBytes + 1,
			Problems: map[int]string{413: "The list is larger than the limit", 422: "Broken lines: each one's error; nothing was imported"}, h: s.importParticipants},
		{Method: "GET", Path: "/api/v1/gatherings/{event}/participants", Summary: "The security unit's queue (the host): participants by status, with the counts",
			Resp: "ParticipantQueue", Params: []param{pEvent, {"status", "query", "pending, cleared, review, hit, confirmed or escalated"}, {"category", "query", "delegate, staff, journalist, contractor, interpreter, security or guest"},
				pLimit, {"after", "query", "the next of the previous page"}}, h: s.listParticipants},
		{Method: "GET", Path: "/api/v1/gatherings/{event}/participants/{id}", Summary: "One participant: everything for the host's unit; for the owner of a record it hit, its identity, status and the findings on its own records",
			Resp: "AccreditedParticipant", Params: []param{pEvent, pParticipantID}, h: s.getParticipant},
		{Method: "POST", Path: "/api/v1/gatherings/{event}/participants/{id}/decision", Summary: "Clear, confirm or escalate a participant, with the reason (the host's unit, records:write); a clearance or confirmation is final (409 after it)",
			Body: "ParticipantDecision", Resp: "AccreditedParticipant", Params: []param{pEvent, pParticipantID}, h: s.decideParticipant},
	}
}

func (s *Server) importParticipants(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	ct := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Type")))
	var res *accreditation.ImportResult
	var err error
	switch {
	case strings.HasPrefix(ct, "text/csv"):
		res, err = s.Accreditation.ImportCSV(r.Context(), v, r.PathValue("event"), r.Body)
	case ct == "" || strings.HasPrefix(ct, "application/json"):
		var in accreditation.ListInput
		if err := decode(r, &in); err != nil {
			return err
		}
		res, err = s.Accreditation.ImportJSON(r.Context(), v, r.PathValue("event"), in)
	default:
		return &core.Error{Code: emalformed, Message: "the list must be sent as text/csv or application/json", Fields: []core.FieldError{{Field: "Content-Type", Reason: "must be text/csv or application/json"}}}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func (s *Server) listParticipants(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	q := r.URL.Query()
	f := accreditation.ListFilter{Status: q.Get("status"), Category: q.Get("category"), After: q.Get("after")}
	var fs []core.FieldError
	f.Limit = intParam(q, "limit", 0, 1, maxPage, &fs)
	if err := invalid(fs); err != nil {
		return err
	}
	out, err := s.Accreditation.List(r.Context(), v, r.PathValue("event"), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getParticipant(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	a, err := s.Accreditation.Get(r.Context(), v, r.PathValue("event"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) decideParticipant(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in accreditation.DecisionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := s.Accreditation.Decide(r.Context(), v, r.PathValue("event"), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// accreditationScreener is the server's screening path as the
// accreditation package asks for it: POST /api/v1/screen/person and
// /document once the body is read (one audit entry per screening, a hit
// record for each match at the alert threshold, "possible hit" for a
// record not released to the viewer).
type accreditationScreener struct{ s *Server }

// inContext is a request carrying only ctx: the screening path reads
// nothing else of its request.
func inContext(ctx context.Context) *http.Request {
	return (&http.Request{Method: "POST", Header: http.Header{}}).WithContext(ctx)
}

// ScreenPerson files the sightings under the participant the context
// names, not under the name screened: a participant screened under each
// of her names (Oksana Drevlyanska, Оксана Древлянська) is one person, and
// the owner hears of her once per record, whichever of her names hit it.
// (A searcher's own context does not choose the subject: it could fold
// any screenings together.)
func (a accreditationScreener) ScreenPerson(ctx context.Context, v core.Viewer, q screen.PersonQuery, c map[string]string) ([]accreditation.Match, error) {
	hs, err := a.s.screenPersonAs(inContext(ctx), v, q, c, "accreditation "+c["gathering"]+" "+c["accreditation"])
	if err != nil {
		return nil, err
	}
	return a.matches(ctx, hs)
}

func (a accreditationScreener) ScreenDocument(ctx context.Context, v core.Viewer, q screen.DocumentQuery, c map[string]string) ([]accreditation.Match, error) {
	hs, err := a.s.ScreenDocument(inContext(ctx), v, q, c)
	if err != nil {
		return nil, err
	}
	return a.matches(ctx, hs)
}

func (a accreditationScreener) Indexed(id string, version int64) bool {
	x := a.s.Screen
	return x != nil && x.Version(id) >= version
}

// matches are the hits that made a hit record, a restricted one with its
// record key.
func (a accreditationScreener) matches(ctx context.Context, hs []AnswerHit) ([]accreditation.Match, error) {
	out := make([]accreditation.Match, 0, len(hs))
	for _, h := range hs {
		if h.HitID == "" {
			continue
		}
		m := accreditation.Match{HitID: h.HitID, Reference: h.Reference, Owner: h.Owner, Restricted: h.Restricted, Message: h.Message,
			RecordID: h.RecordID, Kind: h.Kind, Label: h.Label, Score: h.Score, Matched: h.Matched}
		if h.Restricted && h.Internal() != "" {
			k, err := a.recordKey(ctx, h.Owner, h.Internal())
			if err != nil {
				return nil, err
			}
			m.RecordKey = k
		}
		out = append(out, m)
	}
	return out, nil
}

// recordKey stands for a restricted record among an attendee's findings.
// It is keyed (with the server's stored key, so the same on every
// replica and after a restart) rather than the record id itself: the
// attendee's row then holds nothing that names a record its host may not
// see. The first part keeps these digests apart from answer references
// made with the same key.
func (a accreditationScreener) recordKey(ctx context.Context, owner, recordID string) (string, error) {
	key, err := a.s.referenceKey(ctx)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	for _, part := range []string{"accreditation-record", owner, recordID} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil)[:16]), nil
}

// accreditationSchemas describe the accreditation list.
func accreditationSchemas() obj {
	integer := obj{"type": "integer"}
	document := object([]string{"number", "country"}, obj{"number": str("letters and digits, at most 30"), "country": str("issuing country, ISO 3166 alpha-2 or alpha-3"), "type": str("passport (default), id_card…")})
	input := object([]string{"category", "name"}, obj{
		"ref": str("the host's reference (badge number), unique in the gathering; at most 64 characters"), "category": enum(core.AttendeeCategories),
		"name": str("as the passport writes it, in any script; at most 300 characters"), "other_names": list(str("other spellings or scripts, at most 10")),
		"date_of_birth": str("YYYY-MM-DD, YYYY-MM or YYYY"), "sex": enum([]string{"M", "F", "U"}), "nationalities": list(str("ISO 3166 alpha-2 or alpha-3, at most 5")),
		"documents": list(ref("ParticipantDocument")), "organisation": str("at most 200 characters")})
	finding := obj{"type": "object", "properties": obj{"hit_id": str("the hit record (GET /api/v1/hits/{id})"), "reference": str("the hit's reference, to quote to the owner"),
		"owner": str("the record's owner bureau"), "restricted": obj{"type": "boolean", "description": "true: the record is not released to the host; contact the owner with the reference"},
		"message": str("possible hit — contact bureau X"), "record_id": str("only if released to the host"), "kind": str(""), "label": str(""), "score": obj{"type": "number"},
		"matched": str(""), "type": enum([]string{"person", "document"}), "at": dateTime, "alert": obj{"type": "boolean", "description": "found by continuous screening, after the first screening"}}}
	decision := obj{"type": "object", "properties": obj{"decision": enum(accreditation.Decisions), "reason": str(""), "by": str(""), "at": dateTime}}
	step := obj{"type": "object", "properties": obj{"at": dateTime, "action": str("imported, screened, alert, clear, confirm, escalate"), "by": str(""), "from": str(""), "to": str(""), "reason": str("")}}
	listIn := object([]string{"participants"}, obj{"participants": list(ref("ParticipantInput"))})
	listIn["description"] = "JSON body; or text/csv with a header naming the columns " + strings.Join(accreditation.CSVColumns, ", ")
	return obj{
		"ParticipantInput":    input,
		"ParticipantDocument": document,
		"ParticipantList":     listIn,
		"ParticipantImport": obj{"type": "object", "properties": obj{"gathering": str(""), "imported": integer, "screened": integer,
			"counts": obj{"type": "object", "description": "status → participants of this import", "additionalProperties": integer}, "seconds": obj{"type": "number"}}},
		"AccreditedParticipant": obj{"type": "object", "properties": obj{"id": str("UUIDv7"), "gathering": str(""), "version": integer, "ref": str(""), "category": enum(core.AttendeeCategories),
			"name": str(""), "other_names": list(str("")), "date_of_birth": str(""), "sex": str(""), "nationalities": list(str("")), "documents": list(document), "organisation": str(""),
			"status": enum(core.AttendeeStatuses), "findings": list(finding), "decision": decision, "history": list(step), "screened_at": dateTime,
			"alerts": obj{"type": "integer", "description": "new hits continuous screening brought"}, "created_by": str(""), "created_at": dateTime, "updated_at": dateTime}},
		"ParticipantQueue": obj{"type": "object", "properties": obj{"items": list(ref("AccreditedParticipant")), "count": integer,
			"counts": obj{"type": "object", "description": "status → participants of the gathering", "additionalProperties": integer}, "next": str("pass as after for the next page")}},
		"ParticipantDecision": object([]string{"decision", "reason"}, obj{"decision": enum(accreditation.Decisions), "reason": str("why; at most 2000 characters"),
			"version": obj{"type": "integer", "description": "the version decided on (optional)"}}),
	}
}
