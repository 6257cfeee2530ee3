package core

import (
	"encoding/json"
	"time"
)

// StatusPending is the envelope status of a notice that is not in
// circulation: a draft, a request under review, or a refused request. The
// access decision shows it only to its owner bureau and the secretariat's
// reviewers, and the screening index, which holds only active records,
// never sees it.
const StatusPending = "pending"

// Notice workflow states. A notice's record envelope is pending until the
// notice is published; it is active while published, then cancelled or
// expired.
const (
	NoticeDraft       = "draft"
	NoticeSubmitted   = "submitted"
	NoticeUnderReview = "under_review"
	NoticePublished   = "published"
	NoticeRefused     = "refused"
	NoticeCancelled   = "cancelled"
	NoticeExpired     = "expired"
)

// NoticeStates lists every workflow state, in life-cycle order.
var NoticeStates = []string{NoticeDraft, NoticeSubmitted, NoticeUnderReview, NoticePublished, NoticeRefused, NoticeCancelled, NoticeExpired}

// Notice is the workflow of one notice or diffusion. Its data, ownership
// and releasability live in the record of kind notice with the same ID.
type Notice struct {
	ID        string `json:"id"`
	Type      string `json:"type"` // red, yellow, … silver, un
	Diffusion bool   `json:"diffusion"`
	State     string `json:"state"`
	// EntityID is the public number given at publication, "YYYY/NNNNN".
	EntityID      string `json:"entity_id,omitempty"`
	PublicExtract bool   `json:"public_extract"`
	// Countries are the countries of interest (nationalities, extradition,
	// threat, jurisdiction, addressees), for filtering.
	Countries      []string   `json:"countries_of_interest"`
	Revision       int        `json:"revision"` // the number of the current data version
	SubmittedAt    *time.Time `json:"submitted_at,omitempty"`
	Reviewer       string     `json:"reviewer,omitempty"`
	ReviewStarted  *time.Time `json:"review_started_at,omitempty"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
	Decision       string     `json:"decision,omitempty"` // publish or refuse
	ReasonCategory string     `json:"reason_category,omitempty"`
	Reason         string     `json:"reason,omitempty"`
	PublishedAt    *time.Time `json:"published_at,omitempty"`
	ExpiresAt      *time.Time `json:"expires_at,omitempty"`
	ExpiringSent   bool       `json:"-"` // notice.expiring was emitted for ExpiresAt
	EndReason      string     `json:"end_reason,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// NoticeVersion is one kept version of a notice's data: who made it,
// when, and why.
type NoticeVersion struct {
	NoticeID      string          `json:"notice_id"`
	Revision      int             `json:"revision"`
	At            time.Time       `json:"at"`
	By            string          `json:"by"`
	Bureau        string          `json:"bureau"`
	Reason        string          `json:"reason"`
	State         string          `json:"state"` // the state when the version was made
	Releasability Releasability   `json:"releasability"`
	Data          json.RawMessage `json:"data"`
}

// NoticeFilter selects notices in a listing. Visible is mandatory, as for
// records.
type NoticeFilter struct {
	Visible       Visibility
	Type          string
	State         string
	Owner         string
	Country       string // a country of interest
	Diffusion     *bool
	PublicExtract bool   // only notices whose owner consented to a public extract (and UN ones)
	EntityID      string // the notice with this public number
	CreatedFrom   time.Time
	CreatedTo     time.Time
	After         string // cursor: notices with ID greater than this
	// Newest lists in descending ID order (newest first), with Before as
	// its cursor: notices with ID less than this.
	Newest bool
	Before string
	Limit  int
	// EnvelopeState makes State the envelope's word (notices.State): the
	// record's status once the record has ended (cancelled, expired), the
	// workflow's state before; the workflow row lags behind a record
	// ended by its own life cycle.
	EnvelopeState bool
}

// NoticeRow is a notice with its record envelope.
type NoticeRow struct {
	Notice *Notice
	Record *Record
}

// Attachment is a photo or document attached to a notice. Content is
// set only when reading one attachment.
type Attachment struct {
	ID          string    `json:"id"`
	NoticeID    string    `json:"notice_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Role        string    `json:"role"` // photo or document
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
	Content     []byte    `json:"-"`
}

// NoticeTx stores notice workflows, their versions and attachments.
type NoticeTx interface {
	InsertNotice(n *Notice) error
	// UpdateNotice overwrites the workflow row; the caller holds the
	// record's version check, which serialises changes to one notice.
	UpdateNotice(n *Notice) error
	// GetNotice returns ENOTFOUND when the record has no workflow row.
	GetNotice(id string) (*Notice, error)
	// ListNotices lists notices and their records, in ID order.
	ListNotices(f NoticeFilter) ([]NoticeRow, error)
	// CountListed counts the notices ListNotices selects with f, every
	// page of them (cursors, order and limit aside).
	CountListed(f NoticeFilter) (int, error)
	// NoticeQueue lists notices in the given states, oldest submission first.
	NoticeQueue(states []string, limit int) ([]NoticeRow, error)
	// NoticesDue lists published notices whose expiry is before t; with
	// unwarned, only those not yet warned of (ExpiringSent false).
	NoticesDue(t time.Time, unwarned bool, limit int) ([]NoticeRow, error)
	// CountNotices counts notices (not diffusions) of a type owned by owner
	// (all owners when ""), in any of the states.
	CountNotices(typ, owner string, states []string) (int, error)
	// LockNoticeType serialises quota checks of one type: it takes a row
	// lock held until the transaction ends.
	LockNoticeType(typ string) error
	// LockNotice locks a notice's workflow row until the transaction
	// ends, so that checks spanning more than that row (the total of its
	// attachments) run one at a time per notice, and not beside a change
	// to it (every change writes the row). ENOTFOUND when there is none.
	LockNotice(id string) error
	// NextEntityNumber hands out the next public number of a year.
	NextEntityNumber(year int) (int64, error)
	// UnadoptedNotices lists records of kind notice that have no workflow
	// row (imported UN notices).
	UnadoptedNotices(limit int) ([]*Record, error)

	InsertNoticeVersion(nv *NoticeVersion) error
	NoticeVersions(id string) ([]NoticeVersion, error)

	InsertAttachment(a *Attachment) error
	// GetAttachment returns the attachment with its content.
	GetAttachment(noticeID, id string) (*Attachment, error)
	Attachments(noticeID string) ([]Attachment, error)
	AttachmentBytes(noticeID string) (int64, error)
	// AttachmentSumsStored tells which of sums (SHA-256, lowercase hex)
	// at least one stored attachment has.
	AttachmentSumsStored(sums []string) (map[string]bool, error)
}
