package meetings

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the gathering's zone must resolve on any host
	"unicode"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
)

// Limits on what a gathering and a request may hold.
const (
	MaxDays          = 14
	MaxSlotsPerDay   = 48
	MaxVenues        = 20
	MaxRooms         = 200
	MaxInterpreters  = 500
	MaxAgenda        = 200
	MaxOrganisations = 100
	MaxEquipment     = 32 // distinct equipment names of a gathering
	MaxName          = 200
	MaxTopics        = 10
	MaxParticipants  = 20
	MaxRanges        = 50
	MaxNote          = 1000
	MaxPriority      = 5
	clockLayout      = "2006-01-02T15:04"
)

var (
	// langCode is the shape of a language code stored before codes were
	// checked against ISO 639-1 (lang.ISO6391): such a pair still plans.
	langCode = regexp.MustCompile(`^[a-z]{2,3}$`)
	orgCode  = regexp.MustCompile(`^[A-Z][A-Z0-9-]{3,15}$`)
	idCode   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)
)

// GatheringInput describes a gathering; its host is the creator's bureau.
type GatheringInput struct {
	Name          string                `json:"name"`
	TimeZone      string                `json:"time_zone"`
	Days          []string              `json:"days"`
	DayStart      string                `json:"day_start"`
	SlotMinutes   int                   `json:"slot_minutes"`
	SlotsPerDay   int                   `json:"slots_per_day"`
	Venues        []string              `json:"venues"`
	TravelMinutes int                   `json:"travel_minutes"`
	Rooms         []core.GatheringRoom  `json:"rooms"`
	Interpreters  []core.Interpreter    `json:"interpreters"`
	Agenda        []core.Plenary        `json:"agenda"`
	Organisations []core.GatheringParty `json:"organisations"`
}

type fieldErrs []core.FieldError

func (f *fieldErrs) add(field, format string, args ...any) {
	*f = append(*f, core.FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

// text trims s and checks it is one line of text a person typed: names,
// topics and titles go into the other delegation's calendar (ICS), where a
// carriage return or an escape would start lines the host never wrote.
func text(fs *fieldErrs, field, s string, maxLen int, required bool) string {
	return checkText(fs, field, s, maxLen, required, false)
}

// noteText is text() for a note, which may hold line breaks and tabs (it is
// never written into a calendar).
func noteText(fs *fieldErrs, field, s string) string {
	return checkText(fs, field, strings.ReplaceAll(s, "\r\n", "\n"), MaxNote, false, true)
}

func checkText(fs *fieldErrs, field, s string, maxLen int, required, lines bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		fs.add(field, "is required")
	case !utf8.ValidString(s):
		fs.add(field, "must be UTF-8 text")
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && !(lines && (r == '\n' || r == '\t')) }):
		if lines {
			fs.add(field, "must be text without control characters other than line breaks and tabs")
		} else {
			fs.add(field, "must be one line of text without control characters (line breaks, tabs, escapes)")
		}
	case utf8.RuneCountInString(s) > maxLen:
		fs.add(field, "must be at most %d characters", maxLen)
	}
	return s
}

// validGathering checks in and builds the gathering it describes.
func validGathering(in GatheringInput) (*core.Gathering, error) {
	var fs fieldErrs
	g := &core.Gathering{Name: text(&fs, "name", in.Name, MaxName, true), TimeZone: strings.TrimSpace(in.TimeZone),
		DayStart: strings.TrimSpace(in.DayStart), SlotMinutes: in.SlotMinutes, SlotsPerDay: in.SlotsPerDay, TravelMinutes: in.TravelMinutes}
	if g.TimeZone == "" {
		g.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(g.TimeZone); err != nil || len(g.TimeZone) > 64 {
		fs.add("time_zone", "must be an IANA time zone such as Africa/Casablanca")
	}
	switch {
	case len(in.Days) == 0:
		fs.add("days", "is required: the gathering's dates, YYYY-MM-DD")
	case len(in.Days) > MaxDays:
		fs.add("days", "must be at most %d days", MaxDays)
	}
	for i, d := range in.Days {
		d = strings.TrimSpace(d)
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			fs.add(fmt.Sprintf("days[%d]", i), "must be a date YYYY-MM-DD, got %q", trunc(d))
		} else if slices.Contains(g.Days, d) {
			fs.add(fmt.Sprintf("days[%d]", i), "repeats %s", d)
		} else {
			g.Days = append(g.Days, d)
		}
	}
	slices.Sort(g.Days)
	if g.DayStart == "" {
		g.DayStart = "09:00"
	}
	startMin, ok := clockMinutes(g.DayStart)
	if !ok {
		fs.add("day_start", "must be a time of day HH:MM")
	}
	if g.SlotMinutes < 5 || g.SlotMinutes > 240 {
		fs.add("slot_minutes", "must be from 5 to 240 minutes")
	}
	if g.SlotsPerDay < 1 || g.SlotsPerDay > MaxSlotsPerDay {
		fs.add("slots_per_day", "must be from 1 to %d", MaxSlotsPerDay)
	} else if ok && g.SlotMinutes >= 5 && startMin+g.SlotsPerDay*g.SlotMinutes > 24*60 {
		fs.add("slots_per_day", "%d slots of %d minutes from %s end after midnight", g.SlotsPerDay, g.SlotMinutes, g.DayStart)
	}
	if g.TravelMinutes < 0 || g.TravelMinutes > 240 {
		fs.add("travel_minutes", "must be from 0 to 240 minutes")
	}
	if len(in.Venues) > MaxVenues {
		fs.add("venues", "must be at most %d venues", MaxVenues)
	}
	for i, v := range in.Venues {
		v = text(&fs, fmt.Sprintf("venues[%d]", i), v, MaxName, true)
		if slices.Contains(g.Venues, v) {
			fs.add(fmt.Sprintf("venues[%d]", i), "repeats %q", v)
		}
		g.Venues = append(g.Venues, v)
	}
	if len(g.Venues) == 0 {
		g.Venues = []string{"main"}
	}
	switch {
	case len(in.Rooms) == 0:
		fs.add("rooms", "is required: at least one meeting room")
	case len(in.Rooms) > MaxRooms:
		fs.add("rooms", "must be at most %d rooms", MaxRooms)
	}
	var equipment []string
	for i, r := range in.Rooms {
		f := fmt.Sprintf("rooms[%d]", i)
		r.ID = strings.TrimSpace(r.ID)
		if !idCode.MatchString(r.ID) {
			fs.add(f+".id", "must be 1 to 40 letters, digits, '-', '_' or '.'")
		} else if slices.ContainsFunc(g.Rooms, func(x core.GatheringRoom) bool { return x.ID == r.ID }) {
			fs.add(f+".id", "repeats %q", r.ID)
		}
		r.Name = text(&fs, f+".name", r.Name, MaxName, false)
		if r.Name == "" {
			r.Name = r.ID
		}
		r.Venue = strings.TrimSpace(r.Venue)
		if r.Venue == "" {
			r.Venue = g.Venues[0]
		} else if !slices.Contains(g.Venues, r.Venue) {
			fs.add(f+".venue", "must be one of the venues: %s", strings.Join(g.Venues, ", "))
		}
		if r.Capacity < 2 || r.Capacity > 1000 {
			fs.add(f+".capacity", "must be from 2 to 1000 seats")
		}
		r.Equipment = cleanList(&fs, f+".equipment", r.Equipment, 16)
		for _, e := range r.Equipment {
			if !slices.Contains(equipment, e) {
				equipment = append(equipment, e)
			}
		}
		g.Rooms = append(g.Rooms, r)
	}
	if len(equipment) > MaxEquipment {
		fs.add("rooms", "name at most %d kinds of equipment in all", MaxEquipment)
	}
	if len(in.Interpreters) > MaxInterpreters {
		fs.add("interpreters", "must be at most %d interpreters", MaxInterpreters)
	}
	for i, it := range in.Interpreters {
		f := fmt.Sprintf("interpreters[%d]", i)
		it.ID = strings.TrimSpace(it.ID)
		if !idCode.MatchString(it.ID) {
			fs.add(f+".id", "must be 1 to 40 letters, digits, '-', '_' or '.'")
		} else if slices.ContainsFunc(g.Interpreters, func(x core.Interpreter) bool { return x.ID == it.ID }) {
			fs.add(f+".id", "repeats %q", it.ID)
		}
		it.Name = text(&fs, f+".name", it.Name, MaxName, false)
		if len(it.Pairs) == 0 || len(it.Pairs) > 20 {
			fs.add(f+".pairs", "must list 1 to 20 language pairs such as \"ar-fr\"")
		}
		for k, p := range it.Pairs {
			pair, ok := normPair(p)
			a, b, _ := strings.Cut(pair, "-")
			switch {
			case !ok:
				fs.add(fmt.Sprintf("%s.pairs[%d]", f, k), "must be two different ISO 639-1 language codes (two letters) joined by '-', such as \"ar-fr\", got %q", trunc(p))
			case !lang.ISO6391(a) || !lang.ISO6391(b):
				bad := a
				if lang.ISO6391(a) {
					bad = b
				}
				fs.add(fmt.Sprintf("%s.pairs[%d]", f, k), "must be two different ISO 639-1 language codes (two letters) joined by '-', such as \"ar-fr\": %q is not one", bad)
			}
			it.Pairs[k] = pair
		}
		if it.Hours <= 0 || it.Hours > 24*float64(MaxDays) {
			fs.add(f+".hours", "must be more than 0 and at most %d hours", 24*MaxDays)
		}
		g.Interpreters = append(g.Interpreters, it)
	}
	if len(in.Organisations) > MaxOrganisations {
		fs.add("organisations", "must be at most %d organisations", MaxOrganisations)
	}
	for i, o := range in.Organisations {
		f := fmt.Sprintf("organisations[%d]", i)
		o.Code = strings.TrimSpace(o.Code)
		// The host acts for its organisations (their requests, their
		// events): a code that is already a party of its own, the
		// Secretariat or a member country, would let it act in that
		// party's name.
		switch {
		case members.IsSecretariat(o.Code):
			fs.add(f+".code", "%q is the General Secretariat's code, a party of its own: it takes part in its own name, not as an organisation of the host", o.Code)
		case isMemberCode(o.Code):
			fs.add(f+".code", "%q is a member country's code, a party of its own: its bureau takes part in its own name, not as an organisation of the host", o.Code)
		case !orgCode.MatchString(o.Code):
			fs.add(f+".code", "must be 4 to 16 capital letters, digits or '-' (country codes are for bureaus)")
		case slices.ContainsFunc(g.Organisations, func(x core.GatheringParty) bool { return x.Code == o.Code }):
			fs.add(f+".code", "repeats %q", o.Code)
		}
		o.Name = text(&fs, f+".name", o.Name, MaxName, true)
		g.Organisations = append(g.Organisations, o)
	}
	if len(in.Agenda) > MaxAgenda {
		fs.add("agenda", "must be at most %d items", MaxAgenda)
	}
	if len(fs) > 0 {
		return nil, core.Invalid(fs...)
	}
	cal := newCalendar(g)
	for i, a := range in.Agenda {
		f := fmt.Sprintf("agenda[%d]", i)
		a.Title = text(&fs, f+".title", a.Title, MaxName, true)
		if _, err := cal.slots(a.Times); err != nil {
			fs.add(f+".times"+err.field, "%s", err.reason)
		}
		g.Agenda = append(g.Agenda, a)
	}
	if len(fs) > 0 {
		return nil, core.Invalid(fs...)
	}
	return g, nil
}

func trunc(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

func cleanList(fs *fieldErrs, field string, xs []string, maxN int) []string {
	if len(xs) > maxN {
		fs.add(field, "must list at most %d", maxN)
		return nil
	}
	out := []string{}
	for i, x := range xs {
		x = strings.ToLower(text(fs, fmt.Sprintf("%s[%d]", field, i), x, 40, true))
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// normPair writes a language pair in one order ("ar-fr", never "fr-ar").
// It reads stored pairs too, so it checks the shape only; input is
// checked against ISO 639-1 where it is taken.
func normPair(p string) (string, bool) {
	a, b, ok := strings.Cut(strings.ToLower(strings.TrimSpace(p)), "-")
	if !ok || !langCode.MatchString(a) || !langCode.MatchString(b) || a == b {
		return p, false
	}
	if b < a {
		a, b = b, a
	}
	return a + "-" + b, true
}

func clockMinutes(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// calendar turns clock times of a gathering into slots and back.
type calendar struct {
	g        *core.Gathering
	loc      *time.Location
	startMin int
}

func newCalendar(g *core.Gathering) calendar {
	loc, err := time.LoadLocation(g.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	m, _ := clockMinutes(g.DayStart)
	return calendar{g: g, loc: loc, startMin: m}
}

func (c calendar) total() int { return len(c.g.Days) * c.g.SlotsPerDay }

// start is when slot t begins.
func (c calendar) start(t int) time.Time {
	return c.clock(t/c.g.SlotsPerDay, c.startMin+(t%c.g.SlotsPerDay)*c.g.SlotMinutes)
}

// end is when slot t ends: where the next slot of its day begins.
func (c calendar) end(t int) time.Time {
	return c.clock(t/c.g.SlotsPerDay, c.startMin+(t%c.g.SlotsPerDay+1)*c.g.SlotMinutes)
}

// clock is the wall-clock time minutes after midnight on the gathering's
// day-th day, in its zone. It is built from the date and the clock, not
// by adding a duration to midnight: on a day the clocks change, midnight
// plus nine hours is not 09:00, and the day still opens at day_start.
func (c calendar) clock(day, minutes int) time.Time {
	d, _ := time.Parse(time.DateOnly, c.g.Days[day])
	return time.Date(d.Year(), d.Month(), d.Day(), minutes/60, minutes%60, 0, 0, c.loc)
}

// slotOf is the slot starting at t, if one does.
func (c calendar) slotOf(t time.Time) (int, bool) {
	for i := range c.total() {
		if c.start(i).Equal(t) {
			return i, true
		}
	}
	return 0, false
}

// window describes the gathering's open hours, for error messages.
func (c calendar) window() string {
	end := c.startMin + c.g.SlotsPerDay*c.g.SlotMinutes
	return fmt.Sprintf("%s to %s, %s–%02d:%02d (%s)", c.g.Days[0], c.g.Days[len(c.g.Days)-1], c.g.DayStart, end/60, end%60, c.g.TimeZone)
}

type rangeErr struct{ field, reason string }

// slots lists the slots r overlaps; r must lie within one day's open hours.
func (c calendar) slots(r core.TimeRange) ([]int, *rangeErr) {
	a, err1 := time.ParseInLocation(clockLayout, strings.TrimSpace(r.Start), c.loc)
	b, err2 := time.ParseInLocation(clockLayout, strings.TrimSpace(r.End), c.loc)
	switch {
	case err1 != nil:
		return nil, &rangeErr{".start", fmt.Sprintf("must be a local time YYYY-MM-DDTHH:MM, got %q", trunc(r.Start))}
	case err2 != nil:
		return nil, &rangeErr{".end", fmt.Sprintf("must be a local time YYYY-MM-DDTHH:MM, got %q", trunc(r.End))}
	case !b.After(a):
		return nil, &rangeErr{".end", "must be after start"}
	}
	day := slices.Index(c.g.Days, a.Format(time.DateOnly))
	if day < 0 || a.Format(time.DateOnly) != b.Add(-time.Minute).Format(time.DateOnly) {
		return nil, &rangeErr{"", "must lie within one day of the gathering: " + c.window()}
	}
	open, close := c.start(day*c.g.SlotsPerDay), c.end((day+1)*c.g.SlotsPerDay-1)
	if a.Before(open) || b.After(close) {
		return nil, &rangeErr{"", "must lie within the gathering's hours: " + c.window()}
	}
	var out []int
	for t := day * c.g.SlotsPerDay; t < (day+1)*c.g.SlotsPerDay; t++ {
		if c.start(t).Before(b) && c.end(t).After(a) {
			out = append(out, t)
		}
	}
	return out, nil
}

// Ends is when g ends: the end of its last day's last slot, after which
// no meeting can take place.
func Ends(g *core.Gathering) time.Time {
	c := newCalendar(g)
	return c.end(c.total() - 1)
}

// isParty reports whether code may take part in g: a member country's
// bureau, the secretariat, or one of g's organisations.
func isParty(g *core.Gathering, code string) bool {
	return members.Valid(code) || members.IsSecretariat(code) && code == members.Secretariat ||
		slices.ContainsFunc(g.Organisations, func(o core.GatheringParty) bool { return o.Code == code })
}

// isMemberCode reports whether code names a member country, in any of
// the forms Lookup takes (alpha-2 or alpha-3, either case).
func isMemberCode(code string) bool {
	_, ok := members.Lookup(code)
	return ok
}

// PartyName is a party's name in a language: the bureau's country, or
// the organisation's own name.
func PartyName(g *core.Gathering, code, lang string) string {
	if c, ok := members.Lookup(code); ok && members.Valid(code) {
		return c.Name(lang)
	}
	for _, o := range g.Organisations {
		if o.Code == code {
			return o.Name
		}
	}
	return code
}
