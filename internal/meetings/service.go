package meetings

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
)

// Event types written to the event stream, to a meeting's parties only.
const (
	EventRequested   = "meeting.requested"
	EventAccepted    = "meeting.accepted"
	EventDeclined    = "meeting.declined"
	EventProposed    = "meeting.proposed"
	EventCancelled   = "meeting.cancelled"
	EventScheduled   = "meeting.scheduled"
	EventMoved       = "meeting.moved"
	EventUnscheduled = "meeting.unscheduled"
)

// Service runs gatherings and their meetings against a store.
type Service struct {
	Store core.Store
	Now   func() time.Time
	// Notify, if set, is called after a commit that wrote events.
	Notify func()
	// PlanBudget bounds a full plan's search (default 5 s); an
	// incremental re-plan has its own small one.
	PlanBudget time.Duration
}

// New returns a Service over st.
func New(st core.Store) *Service { return &Service{Store: st, Now: time.Now} }

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func (s *Service) notify() {
	if s.Notify != nil {
		s.Notify()
	}
}

// refuse records a refused operation in its own transaction (the failed
// one rolled back) and returns err.
func (s *Service) refuse(ctx context.Context, v core.Viewer, action string, err error, ids ...string) error {
	return audit.RefuseOn(ctx, s.Store, v, action, err, ids...)
}

func gatheringNotFound() error { return core.Errorf(core.ENOTFOUND, "gathering not found") }
func requestNotFound() error   { return core.Errorf(core.ENOTFOUND, "meeting request not found") }

func notFoundAs(err, nf error) error {
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nf
	}
	return err
}

// CreateGathering stores a gathering hosted by v's bureau.
func (s *Service) CreateGathering(ctx context.Context, v core.Viewer, in GatheringInput) (*core.Gathering, error) {
	const action = "gathering.create"
	if v.Bureau == "" || !v.Can(core.PermRecordsWrite) {
		return nil, s.refuse(ctx, v, action, core.Errorf(core.EFORBIDDEN, "your role does not allow organising gatherings"))
	}
	g, err := validGathering(in)
	if err != nil {
		return nil, s.refuse(ctx, v, action, err)
	}
	now := s.now()
	g.ID, g.Version, g.Host, g.CreatedAt, g.UpdatedAt = uuid.Must(uuid.NewV7()).String(), 1, v.Bureau, now, now
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.InsertGathering(g); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, g.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err)
	}
	return g, nil
}

// Gatherings lists the gatherings (their descriptions are not
// confidential: any bureau may request meetings at one).
func (s *Service) Gatherings(ctx context.Context, v core.Viewer, limit int) ([]*core.Gathering, error) {
	const action = "gathering.list"
	if v.Bureau == "" || !v.Can(core.PermRecordsRead) {
		return nil, s.refuse(ctx, v, action, core.Errorf(core.EFORBIDDEN, "your role does not allow reading gatherings"))
	}
	var out []*core.Gathering
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		out, err = tx.ListGatherings(limit)
		return err
	})
	if err == nil {
		err = s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, audit.Entry(v, action, audit.OK)) })
	}
	if err != nil {
		return nil, s.refuse(ctx, v, action, err)
	}
	return out, nil
}

// Gathering returns one gathering; its host also gets the counts.
func (s *Service) Gathering(ctx context.Context, v core.Viewer, id string) (*core.Gathering, error) {
	const action = "gathering.read"
	var g *core.Gathering
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		if g, err = tx.GetGathering(id); err != nil {
			return notFoundAs(err, gatheringNotFound())
		}
		rights := access.Meeting(v, g, nil)
		if !rights.Request && rights.Parties == nil {
			return core.Errorf(core.EFORBIDDEN, "your role does not allow reading gatherings")
		}
		if rights.Organiser {
			rs, err := tx.MeetingRequests(id, "")
			if err != nil {
				return err
			}
			g.Stats = &core.GatheringSummary{Requests: len(rs)}
			for _, m := range rs {
				if m.State == core.MeetingAccepted {
					g.Stats.Accepted++
				}
				if m.Slot != nil {
					g.Stats.Placed++
				}
			}
		}
		return nil
	})
	if err == nil {
		err = s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, audit.Entry(v, action, audit.OK, id)) })
	}
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	return g, nil
}

// RequestInput is a delegation's request to meet another.
type RequestInput struct {
	// From is the requesting party: the caller's bureau by default; the
	// host may name one of the gathering's organisations.
	From         string             `json:"from"`
	To           string             `json:"to"`
	Topics       []string           `json:"topics"`
	Participants []core.Participant `json:"participants"`
	Languages    []string           `json:"languages"`
	Minutes      int                `json:"minutes"`
	Priority     int                `json:"priority"`
	Equipment    []string           `json:"equipment"`
	Preferred    []core.TimeRange   `json:"preferred"`
	Impossible   []core.TimeRange   `json:"impossible"`
	Note         string             `json:"note"`
}

// validRequest checks in against g and builds the request.
func validRequest(g *core.Gathering, rights access.MeetingRights, v core.Viewer, in RequestInput) (*core.MeetingRequest, error) {
	var fs fieldErrs
	m := &core.MeetingRequest{Gathering: g.ID, From: strings.ToUpper(strings.TrimSpace(in.From)), To: strings.ToUpper(strings.TrimSpace(in.To)),
		Minutes: in.Minutes, Priority: in.Priority, State: core.MeetingRequested}
	if m.From == "" {
		m.From = v.Bureau
	}
	switch {
	case !slices.Contains(rights.Parties, m.From):
		fs.add("from", "must be your own bureau %s%s", v.Bureau, orgHint(g, rights))
	}
	switch {
	case m.To == "":
		fs.add("to", "is required: the bureau (ISO code) or organisation to meet")
	case m.To == m.From:
		fs.add("to", "must be another delegation than the requester %s: a delegation does not meet itself", m.From)
	case !isParty(g, m.To):
		fs.add("to", "must be a member country's bureau (ISO alpha-2 code) or one of the gathering's organisations%s", orgList(g))
	}
	if len(in.Topics) == 0 || len(in.Topics) > MaxTopics {
		fs.add("topics", "must list 1 to %d topics", MaxTopics)
	}
	for i, t := range in.Topics {
		m.Topics = append(m.Topics, text(&fs, fmt.Sprintf("topics[%d]", i), t, MaxName, true))
	}
	if m.Priority == 0 {
		m.Priority = 3
	}
	if m.Priority < 1 || m.Priority > MaxPriority {
		fs.add("priority", "must be from 1 (low) to %d (high)", MaxPriority)
	}
	if m.Minutes == 0 {
		m.Minutes = g.SlotMinutes
	}
	if m.Minutes < 0 || m.Minutes%g.SlotMinutes != 0 || m.Minutes > g.SlotMinutes*g.SlotsPerDay {
		fs.add("minutes", "must be a multiple of the gathering's %d-minute slot, at most %d minutes (one day)", g.SlotMinutes, g.SlotMinutes*g.SlotsPerDay)
	}
	switch {
	case len(in.Languages) == 0:
		fs.add("languages", "is required: one language, or the two the meeting needs interpreted (such as [\"ar\", \"fr\"])")
	case len(in.Languages) > 2:
		fs.add("languages", "must name one language or a pair: an interpreter works one pair")
	}
	for i, l := range in.Languages {
		l = strings.ToLower(strings.TrimSpace(l))
		if !lang.ISO6391(l) {
			fs.add(fmt.Sprintf("languages[%d]", i), "must be an ISO 639-1 language code, two letters such as \"ar\", \"fr\", \"en\", \"es\", \"ru\" or \"zh\", got %q", trunc(l))
		} else if !slices.Contains(m.Languages, l) {
			m.Languages = append(m.Languages, l)
		}
	}
	if len(m.Languages) == 2 {
		pair, _ := normPair(m.Languages[0] + "-" + m.Languages[1])
		if !slices.ContainsFunc(g.Interpreters, func(it core.Interpreter) bool { return slices.Contains(it.Pairs, pair) }) {
			fs.add("languages", "no interpreter of the gathering works %s%s", pair, pairList(g))
		}
	}
	m.Equipment = cleanList(&fs, "equipment", in.Equipment, 16)
	for i, e := range m.Equipment {
		if !slices.ContainsFunc(g.Rooms, func(r core.GatheringRoom) bool { return slices.Contains(r.Equipment, e) }) {
			fs.add(fmt.Sprintf("equipment[%d]", i), "no room of the gathering has %q", e)
		}
	}
	if len(in.Participants) == 0 || len(in.Participants) > MaxParticipants {
		fs.add("participants", "must list 1 to %d people", MaxParticipants)
	}
	cal := newCalendar(g)
	for i, p := range in.Participants {
		f := fmt.Sprintf("participants[%d]", i)
		p.Name = text(&fs, f+".name", p.Name, 120, true)
		// Stored in capitals like from and to, so "ma" is Morocco's side.
		p.Party = strings.ToUpper(strings.TrimSpace(p.Party))
		if p.Party == "" {
			p.Party = m.From
		}
		if p.Party != m.From && p.Party != m.To {
			fs.add(f+".party", "must be one of the meeting's two delegations: %s or %s", m.From, m.To)
		}
		if len(p.Unavailable) > MaxRanges {
			fs.add(f+".unavailable", "must list at most %d time ranges", MaxRanges)
		}
		for k, r := range p.Unavailable {
			if _, err := cal.slots(r); err != nil {
				fs.add(fmt.Sprintf("%s.unavailable[%d]%s", f, k, err.field), "%s", err.reason)
			}
		}
		m.Participants = append(m.Participants, p)
	}
	largest := 0
	for _, r := range g.Rooms {
		largest = max(largest, r.Capacity)
	}
	if len(in.Participants) > largest {
		fs.add("participants", "%d people, and the gathering's largest room seats %d", len(in.Participants), largest)
	}
	m.Preferred = ranges(&fs, cal, "preferred", in.Preferred)
	m.Impossible = ranges(&fs, cal, "impossible", in.Impossible)
	m.Note = noteText(&fs, "note", in.Note)
	if len(fs) > 0 {
		return nil, core.Invalid(fs...)
	}
	// The meeting must fit somewhere, before anything else is booked.
	p, _ := problemOf(g, []*core.MeetingRequest{m}, "")
	if Exact1(p) == 0 {
		return nil, core.Invalid(core.FieldError{Field: "impossible", Reason: fmt.Sprintf(
			"with the host's agenda, these impossible times and the participants' unavailability, no %d-minute slot with a room (and an interpreter) is left: %s",
			m.Minutes, cal.window())})
	}
	return m, nil
}

func orgHint(g *core.Gathering, r access.MeetingRights) string {
	if len(r.Parties) > 1 {
		return ", or an organisation you host: " + strings.Join(r.Parties[1:], ", ")
	}
	return ""
}

func orgList(g *core.Gathering) string {
	if len(g.Organisations) == 0 {
		return ""
	}
	var cs []string
	for _, o := range g.Organisations {
		cs = append(cs, o.Code)
	}
	return ": " + strings.Join(cs, ", ")
}

func pairList(g *core.Gathering) string {
	var ps []string
	for _, it := range g.Interpreters {
		for _, p := range it.Pairs {
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
	}
	if len(ps) == 0 {
		return " (it has no interpreters)"
	}
	slices.Sort(ps)
	return "; its pairs are " + strings.Join(ps, ", ")
}

func ranges(fs *fieldErrs, cal calendar, field string, rs []core.TimeRange) []core.TimeRange {
	if len(rs) > MaxRanges {
		fs.add(field, "must list at most %d time ranges", MaxRanges)
		return nil
	}
	out := []core.TimeRange{}
	for i, r := range rs {
		if _, err := cal.slots(r); err != nil {
			fs.add(fmt.Sprintf("%s[%d]%s", field, i, err.field), "%s", err.reason)
			continue
		}
		out = append(out, core.TimeRange{Start: strings.TrimSpace(r.Start), End: strings.TrimSpace(r.End)})
	}
	return out
}

// Exact1 is whether the single demand of p fits at all (1) or not (0).
func Exact1(p *Problem) int {
	if len(p.Demands) != 1 {
		return 0
	}
	return Exact(p)
}

func event(typ string, g *core.Gathering, m *core.MeetingRequest, at time.Time) *core.Event {
	d := map[string]any{"gathering": g.ID, "request": m.ID, "from": m.From, "to": m.To, "state": m.State, "sequence": m.Sequence}
	if m.Slot != nil {
		d["start"], d["end"], d["room"] = m.Slot.Start, m.Slot.End, m.Slot.Room
	}
	raw, _ := json.Marshal(d)
	return &core.Event{At: at, Type: typ, Subject: m.ID, Audience: access.MeetingAudience(g, m), Data: raw}
}

// loadGathering reads a gathering in tx; one v may not act at is not found.
func loadGathering(tx core.Tx, v core.Viewer, id string) (*core.Gathering, access.MeetingRights, error) {
	g, err := tx.GetGathering(id)
	if err != nil {
		return nil, access.MeetingRights{}, notFoundAs(err, gatheringNotFound())
	}
	r := access.Meeting(v, g, nil)
	if r.Parties == nil {
		return nil, r, core.Errorf(core.EFORBIDDEN, "your role does not allow taking part in gatherings")
	}
	return g, r, nil
}

// loadRequest reads a request of gathering g that v may see.
func loadRequest(tx core.Tx, v core.Viewer, g *core.Gathering, id string) (*core.MeetingRequest, access.MeetingRights, error) {
	m, err := tx.GetMeetingRequest(id)
	if err != nil {
		return nil, access.MeetingRights{}, notFoundAs(err, requestNotFound())
	}
	r := access.Meeting(v, g, m)
	if m.Gathering != g.ID || !r.See {
		return nil, r, requestNotFound()
	}
	return m, r, nil
}

// Request stores a meeting request from a delegation to another.
func (s *Service) Request(ctx context.Context, v core.Viewer, gid string, in RequestInput) (*core.MeetingRequest, error) {
	const action = "meeting.request"
	var m *core.MeetingRequest
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		g, rights, err := loadGathering(tx, v, gid)
		if err != nil {
			return err
		}
		if !rights.Request {
			return core.Errorf(core.EFORBIDDEN, "your role does not allow requesting meetings")
		}
		if err := notEnded(g, s.now()); err != nil {
			return err
		}
		if m, err = validRequest(g, rights, v, in); err != nil {
			return err
		}
		now := s.now()
		m.ID, m.Version, m.CreatedBy, m.CreatedAt, m.UpdatedAt = uuid.Must(uuid.NewV7()).String(), 1, v.ActorName(), now, now
		if err := tx.InsertMeetingRequest(m); err != nil {
			return err
		}
		if err := tx.InsertEvent(event(EventRequested, g, m, now)); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, gid, m.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, gid)
	}
	s.notify()
	return m, nil
}

// notEnded refuses a request once g has ended: no slot is left to
// meet in, and the scheduler would place it in the past.
func notEnded(g *core.Gathering, now time.Time) error {
	return endedErr(g, now, "meetings are requested before or during it", "requests are taken until its last slot ends")
}

// answerable refuses, once g has ended, an answer that would make a
// meeting: accepting, or proposing other times (either side). A decline
// only closes the request, so a delegation tidying its list afterwards
// may still give one.
func answerable(g *core.Gathering, now time.Time, answer string) error {
	if answer == "decline" {
		return nil
	}
	return endedErr(g, now, "a request is no longer accepted nor answered with other times, as no time is left to meet; it may still be declined",
		"accepting and proposing other times end with its last slot; declining does not")
}

// endedErr is the conflict of doing once g has ended (nil before).
func endedErr(g *core.Gathering, now time.Time, what, until string) error {
	end := Ends(g)
	if now.Before(end) {
		return nil
	}
	at := end.In(newCalendar(g).loc).Format(clockLayout) + " (" + g.TimeZone + ")"
	return &core.Error{Code: core.ECONFLICT, Message: "the gathering ended at " + at + ": " + what,
		Fields: []core.FieldError{{Field: "gathering", Reason: "ended at " + at + "; " + until}}}
}

// AnswerInput is the answer of the party asked: accept, decline or
// propose other times (then the requester answers the proposal).
type AnswerInput struct {
	Answer  string           `json:"answer"`
	Times   []core.TimeRange `json:"times"`
	Note    string           `json:"note"`
	Version int64            `json:"version"`
}

// Answers lists the answers.
var Answers = []string{"accept", "decline", "propose"}

// Answer records an answer; an acceptance at a planned gathering places
// the meeting at once, moving as few others as possible. Once the
// gathering has ended only a decline is taken (answerable).
func (s *Service) Answer(ctx context.Context, v core.Viewer, gid, id string, in AnswerInput) (*core.MeetingRequest, error) {
	m, err := s.changeRequest(ctx, v, "meeting.answer", gid, id, func(tx core.Tx, g *core.Gathering, m *core.MeetingRequest, rights access.MeetingRights) (*core.MeetingRequest, error) {
		if !rights.Answer {
			if m.State != core.MeetingRequested && m.State != core.MeetingProposed {
				return nil, core.Errorf(core.ECONFLICT, "the request is %s: there is nothing to answer", m.State)
			}
			return nil, core.Errorf(core.EFORBIDDEN, "the other party answers this request")
		}
		var fs fieldErrs
		if !slices.Contains(Answers, in.Answer) {
			fs.add("answer", "must be one of %s", strings.Join(Answers, ", "))
		} else if err := answerable(g, s.now(), in.Answer); err != nil {
			return nil, err
		}
		if in.Version != 0 && in.Version != m.Version {
			return nil, core.Errorf(core.ECONFLICT, "the request is at version %d, not %d: reload it and answer again", m.Version, in.Version)
		}
		note := noteText(&fs, "note", in.Note)
		var times []core.TimeRange
		if in.Answer == "propose" {
			if len(in.Times) == 0 {
				fs.add("times", "is required to propose other times")
			}
			times = ranges(&fs, newCalendar(g), "times", in.Times)
		} else if len(in.Times) > 0 {
			fs.add("times", "is only for an answer that proposes other times")
		}
		if len(fs) > 0 {
			return nil, core.Invalid(fs...)
		}
		now := s.now()
		typ := EventAccepted
		switch in.Answer {
		case "accept":
			if m.State == core.MeetingProposed {
				m.Preferred = m.Proposed
			}
			m.State = core.MeetingAccepted
		case "decline":
			m.State, typ = core.MeetingDeclined, EventDeclined
		case "propose":
			// The proposer's counterpart answers next: the proposal goes
			// back and forth until one side accepts or declines.
			if m.State == core.MeetingProposed {
				m.State = core.MeetingRequested
				m.Preferred = times
			} else {
				m.State, m.Proposed = core.MeetingProposed, times
			}
			typ = EventProposed
		}
		if note != "" {
			m.Note = note
		}
		m.Version++
		m.UpdatedAt = now
		if err := tx.UpdateMeetingRequest(m); err != nil {
			return nil, err
		}
		if err := tx.InsertEvent(event(typ, g, m, now)); err != nil {
			return nil, err
		}
		if m.State == core.MeetingAccepted && g.Planned {
			if _, err := s.replan(tx, g, now, true, m.ID); err != nil {
				return nil, err
			}
			// The re-plan placed it: answer with its place.
			return tx.GetMeetingRequest(m.ID)
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	s.notify()
	return m, nil
}

// Cancel withdraws a request (either side, or the host); a planned
// meeting's place is freed and the gathering re-planned incrementally.
func (s *Service) Cancel(ctx context.Context, v core.Viewer, gid, id string) (*core.MeetingRequest, error) {
	m, err := s.changeRequest(ctx, v, "meeting.cancel", gid, id, func(tx core.Tx, g *core.Gathering, m *core.MeetingRequest, rights access.MeetingRights) (*core.MeetingRequest, error) {
		if !rights.Request || !(rights.Manage || slices.Contains(rights.Parties, m.From) || slices.Contains(rights.Parties, m.To)) {
			return nil, core.Errorf(core.EFORBIDDEN, "your role does not allow cancelling meetings")
		}
		if m.State == core.MeetingCancelled || m.State == core.MeetingDeclined {
			return nil, core.Errorf(core.ECONFLICT, "the request is already %s", m.State)
		}
		now := s.now()
		placed := m.Slot != nil
		m.State, m.Slot, m.Locked, m.UpdatedAt = core.MeetingCancelled, nil, false, now
		if placed {
			m.Sequence++
		}
		m.Version++
		if err := tx.UpdateMeetingRequest(m); err != nil {
			return nil, err
		}
		if err := tx.InsertEvent(event(EventCancelled, g, m, now)); err != nil {
			return nil, err
		}
		if placed && g.Planned {
			if _, err := s.replan(tx, g, now, true, ""); err != nil {
				return nil, err
			}
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	s.notify()
	return m, nil
}

// Lock pins a planned meeting where it is (or frees it): the host only.
func (s *Service) Lock(ctx context.Context, v core.Viewer, gid, id string, locked bool) (*core.MeetingRequest, error) {
	return s.changeRequest(ctx, v, "meeting.lock", gid, id, func(tx core.Tx, g *core.Gathering, m *core.MeetingRequest, rights access.MeetingRights) (*core.MeetingRequest, error) {
		if !rights.Manage {
			return nil, core.Errorf(core.EFORBIDDEN, "only the host %s locks meetings", g.Host)
		}
		if locked && m.Slot == nil {
			return nil, core.Invalid(core.FieldError{Field: "locked", Reason: "the meeting has no place yet: plan the gathering first"})
		}
		m.Locked = locked
		m.Version++
		m.UpdatedAt = s.now()
		if err := tx.UpdateMeetingRequest(m); err != nil {
			return nil, err
		}
		return m, nil
	})
}

// changeRequest runs change on request id of gathering gid in one
// transaction, audited as action; a refusal is audited in its own.
// change gets v's rights at the request (Manage is the host's there as at
// the gathering) and returns the request as it now stands.
func (s *Service) changeRequest(ctx context.Context, v core.Viewer, action, gid, id string, change func(tx core.Tx, g *core.Gathering, m *core.MeetingRequest, rights access.MeetingRights) (*core.MeetingRequest, error)) (*core.MeetingRequest, error) {
	var m *core.MeetingRequest
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		g, _, err := loadGathering(tx, v, gid)
		if err != nil {
			return err
		}
		var rights access.MeetingRights
		if m, rights, err = loadRequest(tx, v, g, id); err != nil {
			return err
		}
		if m, err = change(tx, g, m, rights); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, gid, m.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, gid, id)
	}
	return m, nil
}

// PlanReport says what a plan did.
type PlanReport struct {
	Accepted int           `json:"accepted"`
	Placed   int           `json:"placed"`
	Moved    int           `json:"moved"`
	Took     time.Duration `json:"-"`
	Millis   int64         `json:"took_ms"`
	// Unplaced are the accepted meetings left without a place, and why.
	Unplaced []UnplacedMeeting `json:"unplaced"`
}

// Why an accepted meeting has no place (UnplacedMeeting.Reason).
const (
	// UnplacedPassed: each time it could take place has begun or passed
	// (the gathering is under way, or over).
	UnplacedPassed = "passed"
	// UnplacedTaken: it would fit alone, but other meetings hold the
	// places left (rooms, its parties, people or interpreters).
	UnplacedTaken = "taken"
	// UnplacedImpossible: it has no place even alone, whatever the time
	// (its times, people, room or interpreter needs).
	UnplacedImpossible = "impossible"
)

// UnplacedMeeting is an accepted meeting without a place.
type UnplacedMeeting struct {
	ID     string `json:"id"`
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

// unplacedOf says why each accepted meeting of p without a place in pls
// has none. p is restricted to the slots not begun (since).
func unplacedOf(p *Problem, cal calendar, acc []*core.MeetingRequest, pls []Placement) []UnplacedMeeting {
	out := []UnplacedMeeting{}
	for i, m := range acc {
		if pls[i].Placed() {
			continue
		}
		u := UnplacedMeeting{ID: m.ID, From: m.From, To: m.To, Reason: UnplacedTaken,
			Detail: "other meetings hold the places left for it (rooms, its delegations, people or interpreter)"}
		if !FitsAlone(p, i) {
			all := *p
			all.From = 0
			u.Reason, u.Detail = UnplacedImpossible, "it has no place even alone: its times, people, room or interpreter needs exclude every slot"
			if p.From > 0 && FitsAlone(&all, i) {
				u.Reason = UnplacedPassed
				u.Detail = "each time it could take place has begun or passed"
				if p.From < cal.total() {
					u.Detail += "; slots are open from " + cal.start(p.From).Format(clockLayout)
				}
			}
		}
		out = append(out, u)
	}
	return out
}

// Plan places every accepted request of the gathering (the host): locked
// meetings stay, others may move; those whose place changed are told.
func (s *Service) Plan(ctx context.Context, v core.Viewer, gid string) (*PlanReport, error) {
	const action = "meeting.plan"
	var rep *PlanReport
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		g, rights, err := loadGathering(tx, v, gid)
		if err != nil {
			return err
		}
		if !rights.Manage {
			return core.Errorf(core.EFORBIDDEN, "only the host %s plans the gathering", g.Host)
		}
		if rep, err = s.replan(tx, g, s.now(), false, ""); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, gid))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, gid)
	}
	s.notify()
	return rep, nil
}

// replan runs the scheduler over g's accepted requests and writes what
// changed, with an event to the parties of each change; fresh is the
// request just accepted (an incremental run moves others only for it).
// Only slots starting after now are used; a meeting whose place began
// before now stays there (since).
func (s *Service) replan(tx core.Tx, g *core.Gathering, now time.Time, incremental bool, fresh string) (*PlanReport, error) {
	all, err := tx.MeetingRequests(g.ID, "")
	if err != nil {
		return nil, err
	}
	var acc []*core.MeetingRequest
	for _, m := range all {
		if m.State == core.MeetingAccepted {
			acc = append(acc, m)
		}
	}
	p, cal := problemOf(g, acc, fresh)
	since(p, cal, now)
	t0 := time.Now()
	res := Solve(p, Options{Incremental: incremental, Budget: s.PlanBudget})
	rep := &PlanReport{Accepted: len(acc), Placed: res.Placed, Moved: len(res.Moved), Took: time.Since(t0)}
	rep.Millis = rep.Took.Milliseconds()
	if !incremental {
		// Only a full plan reports (an answer or a cancellation does not).
		rep.Unplaced = unplacedOf(p, cal, acc, res.Placements)
	}
	for i, m := range acc {
		slot := slotOf(g, cal, acc[i], p.Demands[i], res.Placements[i])
		if sameSlot(m.Slot, slot) {
			continue
		}
		typ := EventScheduled
		switch {
		case m.Slot != nil && slot == nil:
			typ = EventUnscheduled
		case m.Slot != nil:
			typ = EventMoved
		}
		// A meeting was exported once it had a place (Slot) or lost one
		// (Sequence > 0, sent as cancelled): any change from there is a
		// revision a subscribed calendar must take over the cancelled or
		// older copy (RFC 5545 §3.8.7.4), placing it again included.
		if m.Slot != nil || m.Sequence > 0 {
			m.Sequence++
		}
		m.Slot, m.UpdatedAt = slot, now
		m.Version++
		if err := tx.UpdateMeetingRequest(m); err != nil {
			return nil, err
		}
		if err := tx.InsertEvent(event(typ, g, m, now)); err != nil {
			return nil, err
		}
	}
	g.Planned, g.PlannedAt, g.UpdatedAt = true, &now, now
	g.Version++
	// The gathering's version serialises plans: two at once conflict.
	if err := tx.UpdateGathering(g); err != nil {
		return nil, err
	}
	return rep, nil
}

func sameSlot(a, b *core.MeetingSlot) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Start.Equal(b.Start) && a.End.Equal(b.End) && a.Room == b.Room && a.Interpreter == b.Interpreter
}

// Requests lists the requests v may see at a gathering: a delegation its
// own, the host all (or one party's).
func (s *Service) Requests(ctx context.Context, v core.Viewer, gid, party string) (*core.Gathering, []*core.MeetingRequest, error) {
	const action = "meeting.list"
	var g *core.Gathering
	var out []*core.MeetingRequest
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var rights access.MeetingRights
		var err error
		if g, rights, err = loadGathering(tx, v, gid); err != nil {
			return err
		}
		// Parties are stored in capitals: a delegation asking for "fr" is
		// asking for its own, and a code that takes no part in g would
		// be answered an empty list as if it had no meetings.
		party = strings.ToUpper(strings.TrimSpace(party))
		switch {
		case party == "" && rights.Organiser:
		case party == "":
			party = v.Bureau
		case !isParty(g, party):
			return core.Invalid(core.FieldError{Field: "party", Reason: "must be a member country's bureau (ISO alpha-2 code) or one of the gathering's organisations" + orgList(g)})
		case !rights.Organiser && !slices.Contains(rights.Parties, party):
			return core.Errorf(core.EFORBIDDEN, "a delegation sees its own requests and schedule only")
		}
		all, err := tx.MeetingRequests(gid, party)
		if err != nil {
			return err
		}
		for _, m := range all {
			if access.Meeting(v, g, m).See {
				out = append(out, m)
			}
		}
		return nil
	})
	if err == nil {
		err = s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, audit.Entry(v, action, audit.OK, gid)) })
	}
	if err != nil {
		return nil, nil, s.refuse(ctx, v, action, err, gid)
	}
	return g, out, nil
}

// Get returns one request v may see.
func (s *Service) Get(ctx context.Context, v core.Viewer, gid, id string) (*core.Gathering, *core.MeetingRequest, error) {
	const action = "meeting.read"
	var g *core.Gathering
	var m *core.MeetingRequest
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		if g, _, err = loadGathering(tx, v, gid); err != nil {
			return err
		}
		m, _, err = loadRequest(tx, v, g, id)
		return err
	})
	if err == nil {
		err = s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, audit.Entry(v, action, audit.OK, gid, id)) })
	}
	if err != nil {
		return nil, nil, s.refuse(ctx, v, action, err, gid, id)
	}
	return g, m, nil
}

// Schedule is a party's placed meetings, in time order: the viewer's own
// delegation's when party is empty. The host too gets its own schedule
// then, not every delegation's (Requests' empty party), which is its grid.
func (s *Service) Schedule(ctx context.Context, v core.Viewer, gid, party string) (*core.Gathering, []*core.MeetingRequest, error) {
	if strings.TrimSpace(party) == "" {
		party = v.Bureau
	}
	g, rs, err := s.Requests(ctx, v, gid, party)
	if err != nil {
		return nil, nil, err
	}
	var out []*core.MeetingRequest
	for _, m := range rs {
		if m.State == core.MeetingAccepted && m.Slot != nil {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b *core.MeetingRequest) int { return a.Slot.Start.Compare(b.Slot.Start) })
	return g, out, nil
}

// Grid is the host's view: every room × slot, with the meeting there.
type Grid struct {
	Gathering *core.Gathering `json:"gathering"`
	Slots     []time.Time     `json:"slots"`
	// Cells[room][slot] is the id of the meeting there ("" if free,
	// "agenda" during the host's agenda).
	Cells    map[string][]string             `json:"cells"`
	Meetings map[string]*core.MeetingRequest `json:"meetings"`
	// Unplaced are the accepted meetings without a place, and why, as
	// the gathering stands now.
	Unplaced []UnplacedMeeting `json:"unplaced"`
}

// HostGrid returns the grid of rooms × slots (the host only).
func (s *Service) HostGrid(ctx context.Context, v core.Viewer, gid string) (*Grid, error) {
	const action = "meeting.grid"
	var grid *Grid
	err := s.Store.View(ctx, func(tx core.Tx) error {
		g, rights, err := loadGathering(tx, v, gid)
		if err != nil {
			return err
		}
		if !rights.Organiser {
			return core.Errorf(core.EFORBIDDEN, "only the host %s sees the grid; a delegation sees its own schedule", g.Host)
		}
		all, err := tx.MeetingRequests(gid, "")
		if err != nil {
			return err
		}
		cal := newCalendar(g)
		grid = &Grid{Gathering: g, Cells: map[string][]string{}, Meetings: map[string]*core.MeetingRequest{}}
		grid.Unplaced = []UnplacedMeeting{}
		if g.Planned {
			// Before the first plan every accepted meeting is unplaced
			// for that reason alone.
			var acc []*core.MeetingRequest
			for _, m := range all {
				if m.State == core.MeetingAccepted {
					acc = append(acc, m)
				}
			}
			p, _ := problemOf(g, acc, "")
			since(p, cal, s.now())
			pls := make([]Placement, len(p.Demands))
			for i, d := range p.Demands {
				pls[i] = d.Current
			}
			grid.Unplaced = unplacedOf(p, cal, acc, pls)
		}
		blocked := blockedSlots(g, cal)
		for t := range cal.total() {
			grid.Slots = append(grid.Slots, cal.start(t).UTC())
		}
		for _, r := range g.Rooms {
			row := make([]string, cal.total())
			for t := range row {
				if blocked[t] {
					row[t] = "agenda"
				}
			}
			grid.Cells[r.ID] = row
		}
		for _, m := range all {
			if m.State != core.MeetingAccepted || m.Slot == nil {
				continue
			}
			grid.Meetings[m.ID] = m
			t0, ok := cal.slotOf(m.Slot.Start.In(cal.loc))
			row := grid.Cells[m.Slot.Room]
			for t := t0; ok && row != nil && t < t0+m.Minutes/g.SlotMinutes && t < len(row); t++ {
				row[t] = m.ID
			}
		}
		return nil
	})
	if err == nil {
		err = s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, audit.Entry(v, action, audit.OK, gid)) })
	}
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, gid)
	}
	return grid, nil
}
