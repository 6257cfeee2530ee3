package core

import "time"

// A Gathering is an event (a General Assembly session, a conference) at
// which delegations hold bilateral meetings. Its host, the bureau that
// organises it, describes the days, slots, venues, rooms, interpreters and
// its own agenda, and sees the grid; the meetings package owns the rest.
// (Called a gathering, not an event, so as not to be confused with the
// event stream.)
type Gathering struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Host    string `json:"host"`
	Name    string `json:"name"`
	// TimeZone is an IANA zone; every clock time of the gathering is in it.
	TimeZone string `json:"time_zone"`
	// Days are dates (YYYY-MM-DD); each day has SlotsPerDay slots of
	// SlotMinutes from DayStart (HH:MM).
	Days          []string          `json:"days"`
	DayStart      string            `json:"day_start"`
	SlotMinutes   int               `json:"slot_minutes"`
	SlotsPerDay   int               `json:"slots_per_day"`
	Venues        []string          `json:"venues"`
	TravelMinutes int               `json:"travel_minutes"`
	Rooms         []GatheringRoom   `json:"rooms"`
	Interpreters  []Interpreter     `json:"interpreters"`
	Agenda        []Plenary         `json:"agenda"`
	Organisations []GatheringParty  `json:"organisations"`
	Planned       bool              `json:"planned"`
	PlannedAt     *time.Time        `json:"planned_at,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	Stats         *GatheringSummary `json:"summary,omitempty"`
}

// GatheringRoom is a meeting room at a venue.
type GatheringRoom struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Venue     string   `json:"venue"`
	Capacity  int      `json:"capacity"`
	Equipment []string `json:"equipment"`
}

// Interpreter works language pairs ("ar-fr") for a number of hours over
// the gathering.
type Interpreter struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Pairs []string `json:"pairs"`
	Hours float64  `json:"hours"`
}

// Plenary is a session of the host's own agenda (a plenary): no
// bilateral meeting takes place during it.
type Plenary struct {
	Title string    `json:"title"`
	Times TimeRange `json:"times"`
}

// GatheringParty is an organisation taking part besides member bureaus
// (its code is not a country's); the host acts for it.
type GatheringParty struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// GatheringSummary counts a gathering's requests, for its host.
type GatheringSummary struct {
	Requests int `json:"requests"`
	Accepted int `json:"accepted"`
	Placed   int `json:"placed"`
}

// TimeRange is a span of clock time in the gathering's zone, written
// YYYY-MM-DDTHH:MM, Start before End.
type TimeRange struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Meeting request states.
const (
	MeetingRequested = "requested" // waiting for the other party
	MeetingProposed  = "proposed"  // the other party proposed other times; the requester answers
	MeetingAccepted  = "accepted"
	MeetingDeclined  = "declined"
	MeetingCancelled = "cancelled"
)

// MeetingStates lists the states.
var MeetingStates = []string{MeetingRequested, MeetingProposed, MeetingAccepted, MeetingDeclined, MeetingCancelled}

// MeetingRequest is one delegation's request to meet another, its answer
// and, once accepted and planned, its place.
type MeetingRequest struct {
	ID           string        `json:"id"`
	Gathering    string        `json:"gathering"`
	Version      int64         `json:"version"`
	From         string        `json:"from"`
	To           string        `json:"to"`
	Topics       []string      `json:"topics"`
	Participants []Participant `json:"participants"`
	Languages    []string      `json:"languages"`
	Minutes      int           `json:"minutes"`
	Priority     int           `json:"priority"`
	Equipment    []string      `json:"equipment"`
	Preferred    []TimeRange   `json:"preferred"`
	Impossible   []TimeRange   `json:"impossible"`
	State        string        `json:"state"`
	// Proposed are the other times the invited party proposed.
	Proposed []TimeRange `json:"proposed,omitempty"`
	Note     string      `json:"note,omitempty"`
	// Slot is the meeting's place once planned; Sequence counts its
	// moves (the iCalendar SEQUENCE); Locked meetings never move.
	Slot      *MeetingSlot `json:"slot,omitempty"`
	Sequence  int          `json:"sequence"`
	Locked    bool         `json:"locked"`
	CreatedBy string       `json:"created_by"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// Participant is a person at a meeting, of one of its two parties, with
// the times the person cannot attend.
type Participant struct {
	Name        string      `json:"name"`
	Party       string      `json:"party"`
	Unavailable []TimeRange `json:"unavailable,omitempty"`
}

// MeetingSlot is where and when a meeting takes place.
type MeetingSlot struct {
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Room        string    `json:"room"`
	Interpreter string    `json:"interpreter,omitempty"`
}

// MeetingTx stores gatherings and meeting requests. Updates are
// versioned: they write only over the version before (else ECONFLICT).
type MeetingTx interface {
	InsertGathering(g *Gathering) error
	UpdateGathering(g *Gathering) error
	GetGathering(id string) (*Gathering, error)
	// ListGatherings lists gatherings, newest first.
	ListGatherings(limit int) ([]*Gathering, error)
	InsertMeetingRequest(m *MeetingRequest) error
	UpdateMeetingRequest(m *MeetingRequest) error
	GetMeetingRequest(id string) (*MeetingRequest, error)
	// MeetingRequests lists a gathering's requests by creation, only
	// those where party is one side unless party is "".
	MeetingRequests(gathering, party string) ([]*MeetingRequest, error)
}
