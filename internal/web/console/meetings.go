package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
)

// Bilateral meeting pages: the gatherings, and for one gathering the
// delegation's schedule (in the reader's language and the gathering's
// clock), its requests with their answers, a request form, and for the
// host the grid of rooms × slots. Everything comes from the meetings
// service, which asks access.

type meetingRow struct {
	ID, Other, OtherCode, State, When, Room, Topics string
	Incoming, CanAnswer, Placed, Locked             bool
	Sequence                                        int
}

type gridRow struct {
	Room  string
	Cells []gridCell
}

type gridCell struct{ Label, Kind string }

type gatheringData struct {
	G        *core.Gathering
	Days     []string
	Schedule []meetingRow
	Requests []meetingRow
	Host     bool
	Day      int
	Slots    []string
	Grid     []gridRow
	ICS      string
	Parties  []string
	// Ended, once the gathering has ended, is when, in the reader's
	// language and the gathering's clock: no request is taken then, and
	// a request received is only declined.
	Ended string
	// Answerable: some request awaits the reader's answer.
	Answerable bool
	// Unplaced are the host's accepted meetings the plan left without a
	// place, each with why in the reader's language.
	Unplaced []unplacedRow
}

type unplacedRow struct{ Parties, Reason string }

func (c *Console) meetingsPage(q *req) error {
	gs, err := c.API.Meetings.Gatherings(q.r.Context(), q.V, 100)
	if err != nil {
		return err
	}
	return c.show(q, "meetings", "meetings", "meetings.title", gs)
}

// clock formats a meeting's time in the gathering's zone: the date the
// language's way, the hours as digits.
func clock(l *Lang, g *core.Gathering, s *core.MeetingSlot) string {
	loc, err := time.LoadLocation(g.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	a, b := s.Start.In(loc), s.End.In(loc)
	return l.Date(a) + " " + a.Format("15:04") + "–" + b.Format("15:04")
}

func (c *Console) gatheringPage(q *req) error { return c.renderGathering(q, http.StatusOK, nil, nil) }

func (c *Console) renderGathering(q *req, status int, form url.Values, errs map[string]string) error {
	ctx, gid := q.r.Context(), q.r.PathValue("id")
	g, err := c.API.Meetings.Gathering(ctx, q.V, gid)
	if err != nil {
		return err
	}
	_, mine, err := c.API.Meetings.Requests(ctx, q.V, gid, q.V.Bureau)
	if err != nil {
		return err
	}
	d := gatheringData{G: g, Host: g.Stats != nil, ICS: "/api/v1/gatherings/" + gid + "/schedule.ics?lang=" + q.L.Code}
	for _, day := range g.Days {
		t, _ := time.Parse(time.DateOnly, day)
		d.Days = append(d.Days, q.L.Date(t))
	}
	// The service's clock, which decides whether a request is taken.
	if end := meetings.Ends(g); !c.API.Meetings.Now().Before(end) {
		d.Ended = endedAt(q.L, g, end)
	}
	for _, m := range mine {
		other, incoming := m.To, m.To == q.V.Bureau
		if incoming {
			other = m.From
		}
		row := meetingRow{ID: m.ID, Other: meetings.PartyName(g, other, q.L.Code), OtherCode: other, State: m.State, Incoming: incoming,
			Topics: strings.Join(m.Topics, "; "), Placed: m.Slot != nil, Locked: m.Locked, Sequence: m.Sequence}
		answering := m.To
		if m.State == core.MeetingProposed {
			answering = m.From
		}
		row.CanAnswer = answering == q.V.Bureau && (m.State == core.MeetingRequested || m.State == core.MeetingProposed)
		d.Answerable = d.Answerable || row.CanAnswer
		if m.Slot != nil {
			row.When, row.Room = clock(q.L, g, m.Slot), roomName(g, m.Slot.Room)
			if m.State == core.MeetingAccepted {
				d.Schedule = append(d.Schedule, row)
			}
		}
		d.Requests = append(d.Requests, row)
	}
	sortRows(d.Schedule, mine)
	if d.Host {
		if err := c.fillGrid(q, g, &d); err != nil {
			return err
		}
	}
	p := c.newPage(q, "meetings", d)
	p.dataTitle(g.Name, "")
	if form != nil {
		p.Form = form
	} else {
		p.Form.Set("minutes", strconv.Itoa(g.SlotMinutes))
		p.Form.Set("priority", "3")
	}
	if errs != nil {
		p.Errors = errs
	}
	return c.render(q, "meetings_event", status, p)
}

// endedAt is when a gathering ended, the language's way, in its clock.
func endedAt(l *Lang, g *core.Gathering, end time.Time) string {
	loc, err := time.LoadLocation(g.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	end = end.In(loc)
	return l.Date(end) + " " + end.Format("15:04")
}

func roomName(g *core.Gathering, id string) string {
	for _, r := range g.Rooms {
		if r.ID == id {
			return r.Name
		}
	}
	return id
}

// sortRows orders the schedule by start time.
func sortRows(rows []meetingRow, ms []*core.MeetingRequest) {
	start := map[string]time.Time{}
	for _, m := range ms {
		if m.Slot != nil {
			start[m.ID] = m.Slot.Start
		}
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && start[rows[j].ID].Before(start[rows[j-1].ID]); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

func (c *Console) fillGrid(q *req, g *core.Gathering, d *gatheringData) error {
	grid, err := c.API.Meetings.HostGrid(q.r.Context(), q.V, g.ID)
	if err != nil {
		return err
	}
	d.Day, _ = strconv.Atoi(q.r.URL.Query().Get("day"))
	if d.Day < 0 || d.Day >= len(g.Days) {
		d.Day = 0
	}
	loc, err := time.LoadLocation(g.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	from, to := d.Day*g.SlotsPerDay, (d.Day+1)*g.SlotsPerDay
	for t := from; t < to && t < len(grid.Slots); t++ {
		d.Slots = append(d.Slots, grid.Slots[t].In(loc).Format("15:04"))
	}
	for _, r := range g.Rooms {
		row := gridRow{Room: r.Name}
		for t := from; t < to && t < len(grid.Cells[r.ID]); t++ {
			switch id := grid.Cells[r.ID][t]; id {
			case "":
				row.Cells = append(row.Cells, gridCell{Kind: "free"})
			case "agenda":
				row.Cells = append(row.Cells, gridCell{Kind: "agenda"})
			default:
				m := grid.Meetings[id]
				row.Cells = append(row.Cells, gridCell{Kind: "meeting", Label: m.From + "–" + m.To})
			}
		}
		d.Grid = append(d.Grid, row)
	}
	for _, u := range grid.Unplaced {
		d.Unplaced = append(d.Unplaced, unplacedRow{Parties: u.From + "–" + u.To, Reason: q.L.T("meetings.unplaced_" + u.Reason)})
	}
	return nil
}

// formFields maps the service's field names to the form's.
var formFields = map[string]string{"to": "to", "topics": "topics", "participants": "participants", "languages": "languages",
	"minutes": "minutes", "priority": "priority", "preferred": "preferred", "impossible": "impossible", "equipment": "topics"}

func (c *Console) meetingRequestPost(q *req) error {
	f := q.r.PostForm
	in := meetings.RequestInput{To: strings.ToUpper(strings.TrimSpace(f.Get("to")))}
	for _, t := range strings.Split(f.Get("topics"), ";") {
		if t = strings.TrimSpace(t); t != "" {
			in.Topics = append(in.Topics, t)
		}
	}
	for _, line := range strings.Split(f.Get("participants"), "\n") {
		name, party, _ := strings.Cut(line, "|")
		if name = strings.TrimSpace(name); name != "" {
			in.Participants = append(in.Participants, core.Participant{Name: name, Party: strings.ToUpper(strings.TrimSpace(party))})
		}
	}
	in.Languages = strings.Fields(strings.ReplaceAll(f.Get("languages"), ",", " "))
	errs := map[string]string{}
	num := func(name string) int {
		if f.Get(name) == "" {
			return 0
		}
		n, err := strconv.Atoi(strings.TrimSpace(f.Get(name)))
		if err != nil {
			errs[name] = q.L.T("meetings.err_" + name)
		}
		return n
	}
	in.Minutes, in.Priority = num("minutes"), num("priority")
	rangeOf := func(name string) []core.TimeRange {
		a, b := strings.TrimSpace(f.Get(name+"_start")), strings.TrimSpace(f.Get(name+"_end"))
		if a == "" && b == "" {
			return nil
		}
		return []core.TimeRange{{Start: a, End: b}}
	}
	in.Preferred, in.Impossible = rangeOf("preferred"), rangeOf("impossible")
	if len(errs) == 0 {
		_, err := c.API.Meetings.Request(q.r.Context(), q.V, q.r.PathValue("id"), in)
		if err == nil {
			return c.redirect(q, "/meetings/"+q.r.PathValue("id"))
		}
		ce, ok := err.(*core.Error)
		if ok && ce.Code == core.ECONFLICT && len(ce.Fields) > 0 && ce.Fields[0].Field == "gathering" {
			return c.lateRequest(q, f)
		}
		if !ok || ce.Code != core.EINVALID {
			return err
		}
		for _, fe := range ce.Fields {
			root, _, _ := strings.Cut(strings.SplitN(fe.Field, "[", 2)[0], ".")
			if name, ok := formFields[root]; ok {
				errs[name] = q.L.T("meetings.err_" + root)
			}
		}
		if len(errs) == 0 {
			errs["to"] = q.L.T("error.invalid")
		}
	}
	return c.renderGathering(q, http.StatusBadRequest, f, errs)
}

// lateRequest answers a request form sent once the gathering has ended
// (from a page left open): the page as it now is, saying when it ended.
func (c *Console) lateRequest(q *req, f url.Values) error {
	g, err := c.API.Meetings.Gathering(q.r.Context(), q.V, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	msg := q.L.T("meetings.err_ended", endedAt(q.L, g, meetings.Ends(g)))
	return c.renderGathering(q, http.StatusConflict, f, map[string]string{"gathering": msg})
}

func (c *Console) meetingAnswerPost(q *req) error {
	answer := q.r.PostFormValue("answer")
	if answer != "accept" && answer != "decline" {
		return core.Invalid(core.FieldError{Field: "answer", Reason: fmt.Sprintf("must be accept or decline, got %q", answer)})
	}
	_, err := c.API.Meetings.Answer(q.r.Context(), q.V, q.r.PathValue("id"), q.r.PathValue("rid"), meetings.AnswerInput{Answer: answer})
	if ce, ok := err.(*core.Error); ok && ce.Code == core.ECONFLICT && len(ce.Fields) > 0 && ce.Fields[0].Field == "gathering" {
		// An acceptance from a page left open past the gathering's end:
		// the page as it now is (decline only), saying when it ended.
		g, err := c.API.Meetings.Gathering(q.r.Context(), q.V, q.r.PathValue("id"))
		if err != nil {
			return err
		}
		msg := q.L.T("meetings.err_answer_ended", endedAt(q.L, g, meetings.Ends(g)))
		return c.renderGathering(q, http.StatusConflict, nil, map[string]string{"answer": msg})
	}
	if err != nil {
		return err
	}
	return c.redirect(q, "/meetings/"+q.r.PathValue("id"))
}

func (c *Console) meetingPlanPost(q *req) error {
	if _, err := c.API.Meetings.Plan(q.r.Context(), q.V, q.r.PathValue("id")); err != nil {
		return err
	}
	return c.redirect(q, "/meetings/"+q.r.PathValue("id"))
}
