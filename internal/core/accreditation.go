package core

import "time"

// An Attendee is a person accredited to a gathering: a delegate, staff,
// a journalist, a contractor… The host's security unit imports the
// accreditation list and screens every attendee against what Manara
// holds; the accreditation package owns the rest. (Called an attendee,
// not a participant, so as not to be confused with a meeting's
// participants.)
type Attendee struct {
	ID        string `json:"id"`
	Gathering string `json:"gathering"`
	Version   int64  `json:"version"`
	// Ref is the host's own reference (the badge or accreditation
	// number), unique within the gathering; the id when none was given.
	Ref      string `json:"ref"`
	Category string `json:"category"`
	// Name is the name as the passport writes it; OtherNames are other
	// spellings and scripts (عبد الرحيم الفاسي beside Abderrahim El Fassi).
	Name          string             `json:"name"`
	OtherNames    []string           `json:"other_names,omitempty"`
	DateOfBirth   string             `json:"date_of_birth,omitempty"`
	Sex           string             `json:"sex,omitempty"`
	Nationalities []string           `json:"nationalities,omitempty"`
	Documents     []AttendeeDocument `json:"documents,omitempty"`
	Organisation  string             `json:"organisation,omitempty"`
	// Status is where the attendee stands in the security unit's queue.
	Status string `json:"status"`
	// Findings are the hits its screenings made, as the host was shown
	// them: a record not released to the host is only "possible hit —
	// contact bureau X" with the hit's reference.
	Findings []AttendeeFinding `json:"findings"`
	// Decision is the security unit's last decision, if any since the
	// last finding.
	Decision *AttendeeDecision `json:"decision,omitempty"`
	History  []AttendeeStep    `json:"history"`
	// ScreenedAt is the last screening; Alerts counts the findings
	// continuous screening brought after the first screening.
	ScreenedAt *time.Time `json:"screened_at,omitempty"`
	Alerts     int        `json:"alerts"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// AttendeeDocument is a passport or identity document an attendee holds.
type AttendeeDocument struct {
	Number  string `json:"number"`
	Country string `json:"country"`
	Type    string `json:"type,omitempty"`
}

// Attendee categories.
const (
	AttendeeDelegate    = "delegate"
	AttendeeStaff       = "staff"
	AttendeeJournalist  = "journalist"
	AttendeeContractor  = "contractor"
	AttendeeInterpreter = "interpreter"
	AttendeeSecurity    = "security"
	AttendeeGuest       = "guest"
)

// AttendeeCategories lists the categories.
var AttendeeCategories = []string{AttendeeDelegate, AttendeeStaff, AttendeeJournalist, AttendeeContractor, AttendeeInterpreter, AttendeeSecurity, AttendeeGuest}

// Attendee statuses: the security unit's queue.
const (
	AttendeePending = "pending" // imported, not screened yet
	AttendeeCleared = "cleared" // screened without a hit, or cleared by decision
	AttendeeReview  = "review"  // a possible hit: contact the owner bureau
	AttendeeHit     = "hit"     // a hit on a record the host sees
	// AttendeeConfirmed and AttendeeEscalated follow the unit's decision.
	AttendeeConfirmed = "confirmed"
	AttendeeEscalated = "escalated"
)

// AttendeeStatuses lists the statuses.
var AttendeeStatuses = []string{AttendeePending, AttendeeCleared, AttendeeReview, AttendeeHit, AttendeeConfirmed, AttendeeEscalated}

// AttendeeFinding is one hit an attendee's screening made.
type AttendeeFinding struct {
	HitID     string `json:"hit_id,omitempty"`
	Reference string `json:"reference"`
	Owner     string `json:"owner"`
	// Restricted: the record is not released to the host; Message says
	// whom to contact, and nothing else of the record is kept but its
	// RecordKey, which names nothing.
	Restricted bool    `json:"restricted"`
	Message    string  `json:"message,omitempty"`
	RecordID   string  `json:"record_id,omitempty"`
	Kind       string  `json:"kind,omitempty"`
	Label      string  `json:"label,omitempty"`
	Score      float64 `json:"score,omitempty"`
	Matched    string  `json:"matched,omitempty"`
	// Type is what was screened: person or document.
	Type  string    `json:"type"`
	At    time.Time `json:"at"`
	Alert bool      `json:"alert"` // found by continuous screening
	// RecordKey is a keyed digest of the owner and the record of a
	// restricted finding: what tells a later hit on the same record from
	// a hit on another once the hit id has changed (the hits service
	// makes a new hit after its folding window). The host's unit must not
	// learn the record, nor that two restricted findings are one record,
	// so it is never in the JSON of a finding: the store keeps it beside
	// the attendee's body (empty in findings stored before it existed).
	RecordKey string `json:"-"`
}

// AttendeeDecision is the security unit's decision on an attendee.
type AttendeeDecision struct {
	Decision string    `json:"decision"` // clear, confirm, escalate
	Reason   string    `json:"reason"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// AttendeeStep is one line of an attendee's history.
type AttendeeStep struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"` // imported, screened, alert, clear, confirm, escalate
	By     string    `json:"by"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

// AttendeeFilter selects a gathering's attendees.
type AttendeeFilter struct {
	Gathering string
	Status    string // "" for all
	Category  string
	After     string // id: the page after it
	Limit     int    // 0: all
}

// AccreditationTx stores attendees. Updates are versioned: they write
// only over the version before (else ECONFLICT). How far continuous
// screening has read the change feed is the cursor "accreditation"
// (WebhookTx's cursors).
type AccreditationTx interface {
	// InsertAttendees stores a whole list; a reference already used in
	// the gathering is EINVALID (field "ref").
	InsertAttendees(as []*Attendee) error
	// AccreditedRefs lists those of refs already accredited to the
	// gathering, in no particular order.
	AccreditedRefs(gathering string, refs []string) ([]string, error)
	UpdateAttendee(a *Attendee) error
	GetAttendee(gathering, id string) (*Attendee, error)
	// LockAttendee is GetAttendee keeping the attendee's row locked until
	// the transaction ends: a check of its state (has the unit decided?)
	// then holds against another transaction making the same check.
	LockAttendee(gathering, id string) (*Attendee, error)
	// ListAttendees lists by id (creation order).
	ListAttendees(f AttendeeFilter) ([]*Attendee, error)
	// CountAttendees counts a gathering's attendees by status.
	CountAttendees(gathering string) (map[string]int, error)
	// AccreditedGatherings lists the gatherings that have attendees.
	AccreditedGatherings() ([]string, error)
}
