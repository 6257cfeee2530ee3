package core

import (
	"encoding/json"
	"time"
)

// Record kinds. Every kind of national data shares the Record envelope.
const (
	KindPerson         = "person"
	KindTravelDocument = "travel_document"
	KindVehicle        = "vehicle"
	KindAsset          = "asset"
	KindCyberIndicator = "cyber_indicator"
	KindNotice         = "notice"
	KindEntity         = "entity" // an organisation, a vessel, an aircraft
)

// Kinds lists every record kind.
var Kinds = []string{KindPerson, KindTravelDocument, KindVehicle, KindAsset, KindCyberIndicator, KindEntity, KindNotice}

// ValidKind reports whether k is a known record kind.
func ValidKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Record statuses. Records are never deleted: they expire or are cancelled.
const (
	StatusActive    = "active"
	StatusExpired   = "expired"
	StatusCancelled = "cancelled"
)

// Releasability modes: who besides the owner may see a record.
const (
	ReleaseAll    = "all"    // every member country
	ReleaseOnly   = "only"   // only the listed countries
	ReleaseExcept = "except" // every member but the listed countries
)

// Releasability says which bureaus, besides the owner, may see a record.
type Releasability struct {
	Mode      string   `json:"mode"`
	Countries []string `json:"countries,omitempty"`
}

// Handling caveats from the fixed set. Free text goes in Record.CaveatText.
const (
	CaveatContactOwnerBeforeAction = "contact_owner_before_action"
	CaveatNoFurtherDissemination   = "no_further_dissemination"
	CaveatNotForJudicialUse        = "not_for_judicial_use"
	CaveatDangerous                = "armed_and_dangerous"
	CaveatSensitive                = "sensitive_source"
)

// Caveats lists the fixed handling caveats.
var Caveats = []string{CaveatContactOwnerBeforeAction, CaveatNoFurtherDissemination, CaveatNotForJudicialUse, CaveatDangerous, CaveatSensitive}

// ValidCaveat reports whether c is one of the fixed caveats.
func ValidCaveat(c string) bool {
	for _, x := range Caveats {
		if x == c {
			return true
		}
	}
	return false
}

// Record is the envelope every kind of national data travels in. Data holds
// the kind-specific body; the envelope carries ownership, releasability and
// life cycle, which every path must respect.
type Record struct {
	ID            string          `json:"id"`
	Kind          string          `json:"kind"`
	Owner         string          `json:"owner"`
	Status        string          `json:"status"`
	Version       int64           `json:"version"`
	Releasability Releasability   `json:"releasability"`
	Caveats       []string        `json:"caveats"`
	CaveatText    string          `json:"caveat_text,omitempty"`
	ReviewDate    time.Time       `json:"review_date"`
	RetainUntil   time.Time       `json:"retain_until"`
	Data          json.RawMessage `json:"data"`
	CreatedAt     time.Time       `json:"created_at"`
	CreatedBy     string          `json:"created_by"`
	UpdatedAt     time.Time       `json:"updated_at"`
	UpdatedBy     string          `json:"updated_by"`
	StatusReason  string          `json:"status_reason,omitempty"`
}

// RecordFilter selects records in a listing. Visible is mandatory: a store
// never lists without the access decision's filter.
type RecordFilter struct {
	Visible   Visibility
	Kind      string
	Owner     string
	Status    string
	Text      string    // substring of the record's data, case-insensitive
	DueBefore time.Time // review date before this (zero: any)
	After     string    // cursor: records with ID greater than this
	Limit     int
}

// Visibility is the access decision expressed as a predicate a store can
// evaluate in bulk. It is produced only by the access package; a store
// translates it and must not invent its own.
type Visibility struct {
	Bureau      string
	SeeAll      bool // may see every record
	OwnerAnyway bool // the bureau sees its own records in every status
	ActiveOnly  bool // others' records only while active
	// AllMembersOnly limits others' records to those released to all members.
	AllMembersOnly bool
	Deny           bool // sees nothing
}

// RecordChange is one entry of the change feed that keeps indexes current.
type RecordChange struct {
	Seq      int64
	RecordID string
	Version  int64
	Op       string // create, update (extensions too), cancel, expire
	At       time.Time
}

// Event is one entry of the durable event stream that real-time clients
// (Server-Sent Events, webhooks) and other replicas read in order. It is
// written in the same transaction as the change it tells of, so an event
// exists exactly when its change committed.
//
// Who may read it: a bureau listed in Audience (AudienceAll for every
// member), and, where RecordID is set, only a viewer the access decision
// lets see that record. An event whose content differs by reader (a hit:
// the full record for its owner, "possible hit — contact bureau X" for a
// searcher who may not see it) is written once per audience.
type Event struct {
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	Type     string          `json:"type"`    // e.g. notice.published, hit.created, message.posted
	Subject  string          `json:"subject"` // the id of what the event is about (notice, hit, thread)
	Audience []string        `json:"audience"`
	RecordID string          `json:"record_id,omitempty"`
	Data     json.RawMessage `json:"data"`
}

// AudienceAll addresses an event to every bureau (still subject to the
// access decision on RecordID).
const AudienceAll = "*"
