package meetings

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"

	"github.com/manara-hub/manara/internal/core"
)

// Labels are the words of a schedule in the reader's language (the
// caller takes them from its catalogs): a meeting's title ("Bilateral
// meeting: %s"), and the headings of its description.
type Labels struct {
	Lang, Title, Topics, Participants, Interpreter, Room string
}

// ICS writes party's schedule at g as an iCalendar (RFC 5545) document:
// one VEVENT per meeting, its UID stable across exports (the request's
// id), its SEQUENCE the number of times its place changed once exported
// (moved, lost, given again), so that a calendar that subscribed replaces
// the old version rather than adding a second one or keeping a cancelled one.
// Cancelled meetings that had a place are sent as STATUS:CANCELLED.
// Lines end with CRLF (RFC 5545 §3.1), and no text value holds a control
// character (see plain).
func ICS(g *core.Gathering, party string, reqs []*core.MeetingRequest, l Labels, stamp time.Time) string {
	cal := ics.NewCalendarFor("Manara")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(plain(g.Name))
	cal.SetXWRTimezone(g.TimeZone)
	for _, m := range reqs {
		if m.State != core.MeetingAccepted && m.State != core.MeetingCancelled || (m.Slot == nil && m.Sequence == 0) {
			continue
		}
		other := m.To
		if m.To == party {
			other = m.From
		}
		e := cal.AddEvent(m.ID + "@manara")
		e.SetDtStampTime(stamp)
		e.SetSequence(m.Sequence)
		e.SetLastModifiedAt(m.UpdatedAt)
		lang := &ics.KeyValues{Key: string(ics.ParameterLanguage), Value: []string{l.Lang}}
		e.SetSummary(plain(fmt.Sprintf(l.Title, PartyName(g, other, l.Lang))), lang)
		if m.Slot == nil || m.State == core.MeetingCancelled {
			e.SetStatus(ics.ObjectStatusCancelled)
			if m.Slot == nil {
				// A cancelled meeting keeps the UID; the calendar needs a
				// time to match, the creation's is as good as any.
				e.SetStartAt(m.CreatedAt)
				e.SetEndAt(m.CreatedAt.Add(time.Duration(m.Minutes) * time.Minute))
				continue
			}
		} else {
			e.SetStatus(ics.ObjectStatusConfirmed)
		}
		e.SetStartAt(m.Slot.Start)
		e.SetEndAt(m.Slot.End)
		room := m.Slot.Room
		if k := slices.IndexFunc(g.Rooms, func(r core.GatheringRoom) bool { return r.ID == m.Slot.Room }); k >= 0 {
			room = g.Rooms[k].Name + ", " + g.Rooms[k].Venue
		}
		e.SetLocation(plain(room), lang)
		var b strings.Builder
		var topics, people []string
		for _, t := range m.Topics {
			topics = append(topics, plain(t))
		}
		fmt.Fprintf(&b, "%s: %s\n", l.Topics, strings.Join(topics, "; "))
		for _, p := range m.Participants {
			people = append(people, plain(p.Name)+" ("+p.Party+")")
		}
		fmt.Fprintf(&b, "%s: %s\n", l.Participants, strings.Join(people, ", "))
		if m.Slot.Interpreter != "" {
			fmt.Fprintf(&b, "%s: %s\n", l.Interpreter, strings.Join(m.Languages, "–"))
		}
		e.SetDescription(b.String(), lang)
	}
	return cal.Serialize(ics.WithNewLineWindows)
}

// plain is s with each control character replaced by a space. The
// library escapes a line feed in a TEXT value but writes a carriage
// return or an escape as it is, and a reader that ends lines at CR would
// read properties (a forged VEVENT) the request never held. Requests are
// refused such characters now (text); rows written before are cleaned here.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
