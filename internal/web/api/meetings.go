package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/meetings"
)

// Bilateral meetings live under /api/v1/gatherings/{event}: a gathering
// is the event (a General Assembly session, a conference) the meetings
// take place at. The word "events" is the event stream's.

var (
	pEvent     = param{"event", "path", "The gathering's id (a UUIDv7)."}
	pMeetingID = param{"id", "path", "The meeting request's id (a UUIDv7)."}
	pParty     = param{"party", "query", "The delegation (a member bureau's ISO alpha-2 code or one of the gathering's organisations, in any case): yours by default; the host may name any."}
)

func (s *Server) meetingRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/gatherings", Summary: "Create a gathering hosted by your bureau: days, slots, venues, rooms, interpreters, its agenda, organisations", Body: "GatheringInput", Resp: "Gathering", Status: 201, h: s.createGathering},
		{Method: "GET", Path: "/api/v1/gatherings", Summary: "List the gatherings, newest first", Resp: "GatheringList", Params: []param{pLimit}, h: s.listGatherings},
		{Method: "GET", Path: "/api/v1/gatherings/{event}", Summary: "One gathering (its host also gets the counts)", Resp: "Gathering", Params: []param{pEvent}, h: s.getGathering},
		{Method: "POST", Path: "/api/v1/gatherings/{event}/requests", Summary: "Request a bilateral meeting with another delegation (until the gathering ends: then 409)", Body: "MeetingRequestInput", Resp: "MeetingRequest", Status: 201, Params: []param{pEvent}, h: s.requestMeeting},
		{Method: "GET", Path: "/api/v1/gatherings/{event}/requests", Summary: "Your delegation's meeting requests, made and received (the host: all)", Resp: "MeetingRequestList", Params: []param{pEvent, pParty}, h: s.listMeetingRequests},
		{Method: "GET", Path: "/api/v1/gatherings/{event}/requests/{id}", Summary: "One meeting request (its two parties and the host)", Resp: "MeetingRequest", Params: []param{pEvent, pMeetingID}, h: s.getMeetingRequest},
		{Method: "POST", Path: "/api/v1/gatherings/{event}/requests/{id}/answer", Summary: "Accept, decline or propose other times (the party asked; the requester answers a counter-proposal); once the gathering has ended only a decline (accept, propose: 409)", Body: "MeetingAnswer", Resp: "MeetingRequest", Params: []param{pEvent, pMeetingID}, h: s.answerMeeting},
		{Method: "POST", Path: "/api/v1/gatherings/{event}/requests/{id}/cancel", Summary: "Cancel a meeting request (either party or the host); frees its place", Resp: "MeetingRequest", Params: []param{pEvent, pMeetingID}, h: s.cancelMeeting},
		{Method: "POST", Path: "/api/v1/gatherings/{event}/requests/{id}/lock", Summary: "Lock a planned meeting in place, or unlock it (the host)", Body: "MeetingLock", Resp: "MeetingRequest", Params: []param{pEvent, pMeetingID}, h: s.lockMeeting},
		{Method: "POST", Path: "/api/v1/gatherings/{event}/plan", Summary: "Plan every accepted request (the host); locked meetings stay. During the gathering only slots starting after now are used and meetings whose slot has begun stay; the report names those left unplaced, and why", Resp: "MeetingPlan", Params: []param{pEvent}, h: s.planGathering},
		{Method: "GET", Path: "/api/v1/gatherings/{event}/schedule", Summary: "Your delegation's planned meetings, in time order", Resp: "MeetingRequestList", Params: []param{pEvent, pParty}, h: s.meetingSchedule},
		{Method: "GET", Path: "/api/v1/gatherings/{event}/schedule.ics", Summary: "Your delegation's schedule as iCalendar (RFC 5545): stable UIDs, SEQUENCE counts moves", Stream: "text/calendar", StreamSchema: "Binary",
			Params: []param{pEvent, pParty, {"lang", "query", "Language of the titles: " + strings.Join(lang.Supported, ", ") + " (default: Accept-Language)."}}, h: s.meetingICS},
		{Method: "GET", Path: "/api/v1/gatherings/{event}/grid", Summary: "The grid of rooms × slots (the host), with the accepted meetings a plan left unplaced, and why", Resp: "MeetingGrid", Params: []param{pEvent}, h: s.meetingGrid},
	}
}

func (s *Server) createGathering(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in meetings.GatheringInput
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := s.Meetings.CreateGathering(r.Context(), v, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, g)
	return nil
}

func (s *Server) listGatherings(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var fs []core.FieldError
	limit := intParam(r.URL.Query(), "limit", 100, 1, maxPage, &fs)
	if err := invalid(fs); err != nil {
		return err
	}
	gs, err := s.Meetings.Gatherings(r.Context(), v, limit)
	if err != nil {
		return err
	}
	if gs == nil {
		gs = []*core.Gathering{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": gs, "count": len(gs)})
	return nil
}

func (s *Server) getGathering(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	g, err := s.Meetings.Gathering(r.Context(), v, r.PathValue("event"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) requestMeeting(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in meetings.RequestInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Meetings.Request(r.Context(), v, r.PathValue("event"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func meetingList(w http.ResponseWriter, ms []*core.MeetingRequest) {
	if ms == nil {
		ms = []*core.MeetingRequest{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ms, "count": len(ms)})
}

func (s *Server) listMeetingRequests(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	_, ms, err := s.Meetings.Requests(r.Context(), v, r.PathValue("event"), r.URL.Query().Get("party"))
	if err != nil {
		return err
	}
	meetingList(w, ms)
	return nil
}

func (s *Server) getMeetingRequest(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	_, m, err := s.Meetings.Get(r.Context(), v, r.PathValue("event"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) answerMeeting(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in meetings.AnswerInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Meetings.Answer(r.Context(), v, r.PathValue("event"), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) cancelMeeting(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	m, err := s.Meetings.Cancel(r.Context(), v, r.PathValue("event"), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

type meetingLockIn struct {
	Locked bool `json:"locked"`
}

func (s *Server) lockMeeting(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	var in meetingLockIn
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Meetings.Lock(r.Context(), v, r.PathValue("event"), r.PathValue("id"), in.Locked)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) planGathering(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	rep, err := s.Meetings.Plan(r.Context(), v, r.PathValue("event"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) meetingSchedule(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	_, ms, err := s.Meetings.Schedule(r.Context(), v, r.PathValue("event"), r.URL.Query().Get("party"))
	if err != nil {
		return err
	}
	meetingList(w, ms)
	return nil
}

// MeetingLabels are a schedule's words in a language, from the catalogs.
func MeetingLabels(l *i18n.Lang) meetings.Labels {
	return meetings.Labels{Lang: l.Code, Title: l.T("meetings.ics_title"), Topics: l.T("meetings.topics"),
		Participants: l.T("meetings.participants"), Interpreter: l.T("meetings.interpretation"), Room: l.T("meetings.room")}
}

func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	code := r.URL.Query().Get("lang")
	if code == "" {
		code = lang.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	} else if !lang.Valid(code) {
		return core.Invalid(core.FieldError{Field: "lang", Reason: "must be one of " + strings.Join(lang.Supported, ", ")})
	}
	// As the service reads it: the calendar of "fr" is FR's. Without a
	// party it is the caller's own delegation's, the host's too: an empty
	// party would give the host every delegation's meetings, each titled
	// as if it were the host's.
	party := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("party")))
	if party == "" {
		party = v.Bureau
	}
	g, ms, err := s.Meetings.Requests(r.Context(), v, r.PathValue("event"), party)
	if err != nil {
		return err
	}
	cats, err := i18n.Shared()
	if err != nil {
		return err
	}
	doc := meetings.ICS(g, party, ms, MeetingLabels(cats.Lang(code)), time.Now().UTC())
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="schedule.ics"`)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write([]byte(doc))
	return err
}

func (s *Server) meetingGrid(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	g, err := s.Meetings.HostGrid(r.Context(), v, r.PathValue("event"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func meetingSchemas() obj {
	timeRange := object([]string{"start", "end"}, obj{"start": str("local time in the gathering's zone, YYYY-MM-DDTHH:MM"), "end": str("local time, after start")})
	room := object([]string{"id", "capacity"}, obj{"id": str("letters, digits, - _ ."), "name": str(""), "venue": str("one of the venues"),
		"capacity": obj{"type": "integer", "minimum": 2}, "equipment": list(str("e.g. screen, video"))})
	interpreter := object([]string{"id", "pairs", "hours"}, obj{"id": str(""), "name": str(""), "pairs": list(str("two ISO 639-1 codes joined by '-', e.g. ar-fr")), "hours": obj{"type": "number"}})
	agenda := object([]string{"title", "times"}, obj{"title": str("e.g. plenary session"), "times": ref("TimeRange")})
	org := object([]string{"code", "name"}, obj{"code": str("4 to 16 capitals, e.g. AFRIPOL"), "name": str("")})
	participant := object([]string{"name"}, obj{"name": str("the person's name"), "party": str("which side (default: the requester)"), "unavailable": list(ref("TimeRange"))})
	gatheringProps := obj{
		"name": str(""), "time_zone": str("IANA zone, e.g. Africa/Casablanca"), "days": list(str("YYYY-MM-DD")), "day_start": str("HH:MM"),
		"slot_minutes": obj{"type": "integer"}, "slots_per_day": obj{"type": "integer"}, "venues": list(str("")),
		"travel_minutes": obj{"type": "integer", "description": "between two venues"}, "rooms": list(ref("GatheringRoom")),
		"interpreters": list(ref("Interpreter")), "agenda": list(ref("Plenary")), "organisations": list(ref("GatheringParty")),
	}
	gathering := obj{}
	for k, v := range gatheringProps {
		gathering[k] = v
	}
	for k, v := range (obj{"id": str("UUIDv7"), "version": obj{"type": "integer"}, "host": str("the organising bureau"), "planned": obj{"type": "boolean"},
		"planned_at": dateTime, "created_at": dateTime, "updated_at": dateTime,
		"summary": obj{"type": "object", "description": "for the host", "properties": obj{"requests": obj{"type": "integer"}, "accepted": obj{"type": "integer"}, "placed": obj{"type": "integer"}}}}) {
		gathering[k] = v
	}
	slot := obj{"type": "object", "properties": obj{"start": dateTime, "end": dateTime, "room": str("room id"), "interpreter": str("interpreter id")}}
	return obj{
		"TimeRange":      timeRange,
		"GatheringRoom":  room,
		"Interpreter":    interpreter,
		"Plenary":        agenda,
		"GatheringParty": org,
		"Participant":    participant,
		"GatheringInput": object([]string{"name", "days", "rooms"}, gatheringProps),
		"Gathering":      obj{"type": "object", "properties": gathering},
		"GatheringList":  obj{"type": "object", "properties": obj{"items": list(ref("Gathering")), "count": obj{"type": "integer"}}},
		"MeetingRequestInput": object([]string{"to", "topics", "participants", "languages"}, obj{
			"from": str("your bureau (default), or an organisation the host acts for"), "to": str("bureau ISO code or organisation code"),
			"topics": list(str("")), "participants": list(ref("Participant")), "languages": list(str("ISO 639-1 code (ar, fr, en…): one language, or the pair to interpret")),
			"minutes": obj{"type": "integer", "description": "a multiple of the slot (default one slot)"}, "priority": obj{"type": "integer", "minimum": 1, "maximum": 5},
			"equipment": list(str("")), "preferred": list(ref("TimeRange")), "impossible": list(ref("TimeRange")), "note": str(""),
		}),
		"MeetingRequest": obj{"type": "object", "properties": obj{
			"id": str("UUIDv7"), "gathering": str(""), "version": obj{"type": "integer"}, "from": str(""), "to": str(""), "topics": list(str("")),
			"participants": list(ref("Participant")), "languages": list(str("")), "minutes": obj{"type": "integer"}, "priority": obj{"type": "integer"},
			"equipment": list(str("")), "preferred": list(ref("TimeRange")), "impossible": list(ref("TimeRange")), "state": enum(core.MeetingStates),
			"proposed": list(ref("TimeRange")), "note": str(""), "slot": slot, "sequence": obj{"type": "integer", "description": "times it moved (iCalendar SEQUENCE)"},
			"locked": obj{"type": "boolean"}, "created_by": str(""), "created_at": dateTime, "updated_at": dateTime,
		}},
		"MeetingRequestList": obj{"type": "object", "properties": obj{"items": list(ref("MeetingRequest")), "count": obj{"type": "integer"}}},
		"MeetingAnswer": object([]string{"answer"}, obj{"answer": enum(meetings.Answers), "times": list(ref("TimeRange")), "note": str(""),
			"version": obj{"type": "integer", "description": "the version answered (optional)"}}),
		"MeetingLock": object([]string{"locked"}, obj{"locked": obj{"type": "boolean"}}),
		"MeetingPlan": obj{"type": "object", "properties": obj{"accepted": obj{"type": "integer"}, "placed": obj{"type": "integer"},
			"moved": obj{"type": "integer"}, "took_ms": obj{"type": "integer"}, "unplaced": list(ref("UnplacedMeeting"))}},
		"UnplacedMeeting": obj{"type": "object", "properties": obj{"id": str("the request"), "from": str(""), "to": str(""),
			"reason": enum([]string{meetings.UnplacedPassed, meetings.UnplacedTaken, meetings.UnplacedImpossible}),
			"detail": str("passed: each time it could take place has begun or passed; taken: other meetings hold the places left; impossible: no place even alone")}},
		"MeetingGrid": obj{"type": "object", "properties": obj{"gathering": ref("Gathering"), "slots": list(dateTime), "unplaced": list(ref("UnplacedMeeting")),
			"cells":    obj{"type": "object", "description": "room id → per slot: a meeting id, \"agenda\" or \"\"", "additionalProperties": list(str(""))},
			"meetings": obj{"type": "object", "additionalProperties": ref("MeetingRequest")}}},
	}
}
