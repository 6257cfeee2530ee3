package core

import (
	"encoding/json"
	"time"
)

// Hit states, followed by each side (the owner of the record and the
// searching bureau) on its own: new → being_checked → confirmed or
// false_positive; a confirmed hit then records actions.
const (
	HitNew           = "new"
	HitBeingChecked  = "being_checked"
	HitConfirmed     = "confirmed"
	HitFalsePositive = "false_positive"
	HitActionTaken   = "action_taken"
)

// HitStates lists every state in workflow order.
var HitStates = []string{HitNew, HitBeingChecked, HitConfirmed, HitFalsePositive, HitActionTaken}

// Actions a side records on a confirmed hit.
const (
	ActionLocated              = "located"
	ActionArrested             = "arrested"
	ActionAssetFrozen          = "asset_frozen"
	ActionInformationExchanged = "information_exchanged"
)

// HitActions lists the actions.
var HitActions = []string{ActionLocated, ActionArrested, ActionAssetFrozen, ActionInformationExchanged}

// Hit is a screening match at or above the alert threshold: where
// cooperation between the searching bureau and the owner of the record
// starts. Repeats of the same subject, record and place within a window
// fold into one hit whose Count grows.
type Hit struct {
	ID         string `json:"id"`
	Reference  string `json:"reference"`
	Version    int64  `json:"version"`
	DedupKey   string `json:"-"`
	RecordID   string `json:"record_id"`
	RecordKind string `json:"record_kind"`
	Owner      string `json:"owner"`
	// Searcher is the bureau that screened; SearchedBy the user or key.
	Searcher   string `json:"searcher"`
	SearchedBy string `json:"searched_by"`
	Type       string `json:"type"`    // person, document, identifier
	Subject    string `json:"subject"` // what was searched, normalised
	Query      string `json:"query"`   // the search as the searcher gave it
	// QueryFields is Query as data, field by field.
	QueryFields []QueryField      `json:"query_fields,omitempty"`
	Context     map[string]string `json:"context,omitempty"`
	Place       string            `json:"place,omitempty"`
	// Country is the record's subject's country where the record names
	// one (nationality, issuing country), for statistics.
	Country     string   `json:"country,omitempty"`
	Score       float64  `json:"score"`
	Label       string   `json:"label,omitempty"`
	Matched     string   `json:"matched,omitempty"`
	Explanation []string `json:"explanation,omitempty"`
	// LabelParts and Explained are Label and Explanation as data, for
	// each language to write (hits made before they existed lack them).
	LabelParts *Label       `json:"label_parts,omitempty"`
	Explained  *Explanation `json:"explained,omitempty"`
	Count      int          `json:"count"`
	FirstSeen  time.Time    `json:"first_seen"`
	LastSeen   time.Time    `json:"last_seen"`
	// ReleasedToSearcher says whether the record was releasable to the
	// searching bureau when the hit was made.
	ReleasedToSearcher bool `json:"released_to_searcher"`
	// Withheld says that the searching bureau was not told of this hit:
	// it came after too many variants of a record not released to it
	// (probing). The owner sees it; the searcher does not.
	Withheld      bool      `json:"withheld,omitempty"`
	OwnerState    string    `json:"owner_state"`
	SearcherState string    `json:"searcher_state"`
	History       []HitStep `json:"history"`

	// MatchedWritten is Matched as the record writes it (hits made before
	// it was kept lack it).
	MatchedWritten string `json:"matched_written,omitempty"`
}

// HitStep is one change of a side's state, with the action and notes.
type HitStep struct {
	At     time.Time `json:"at"`
	Side   string    `json:"side"` // owner or searcher
	Bureau string    `json:"bureau"`
	By     string    `json:"by"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Action string    `json:"action,omitempty"`
	Notes  string    `json:"notes,omitempty"`
	// Via is the federation peer a step arrived from, at every process
	// but the one where it was made: it is not sent back there.
	Via string `json:"via,omitempty"`
}

// HitFilter selects hits of one bureau. Bureau is mandatory unless All is
// set (system readers only).
type HitFilter struct {
	Bureau string
	All    bool
	Side   string // owner, searcher, or "" for both
	State  string // either side in this state
	Since  time.Time
	Until  time.Time
	After  string // cursor: hits with ID greater than this
	// Newest lists in descending ID order (newest first), with Before as
	// its cursor: hits with ID less than this.
	Newest bool
	Before string
	// SideState, with Bureau, keeps the hits on which the bureau's own
	// side stands in this state: the owner's side of the hits it owns
	// (also where it screened its own record), the searcher's of the
	// others, leaving out those withheld from it (the searcher was not
	// told of them, so nothing of them waits for it).
	SideState string
	Limit     int
}

// HitTx stores hit records.
type HitTx interface {
	InsertHit(h *Hit) error
	// UpdateHit writes h if the stored version is h.Version-1; otherwise ECONFLICT.
	UpdateHit(h *Hit) error
	GetHit(id string) (*Hit, error)
	// OpenHit returns the newest hit with the dedup key first seen at or
	// after since, or ENOTFOUND. It locks the row where the store can.
	OpenHit(dedupKey string, since time.Time) (*Hit, error)
	ListHits(f HitFilter) ([]*Hit, error)
	// CountHits counts the hits ListHits selects with f, every page of
	// them (cursors, order and limit aside).
	CountHits(f HitFilter) (int, error)
	// GetHitByReference returns the hit with a reference, or ENOTFOUND
	// (hits made before schema version 8 are found by id only).
	GetHitByReference(ref string) (*Hit, error)
	// NoteProbe remembers that searcher screened recordID (a record not
	// released to it) as variant at, forgets the variants first seen
	// before since, and returns how many distinct variants remain (n) and
	// the place of this one in the order they were first noted (rank: n
	// for a new variant, its first sighting's for a repeat).
	NoteProbe(searcher, recordID, variant string, at, since time.Time) (n, rank int, err error)
	// ServerKey returns the server's key called name, storing fresh as it
	// if there is none yet: every replica gets the same key.
	ServerKey(name, fresh string) (string, error)
}

// Webhook is a bureau's subscription to its event stream at a URL.
// Secret signs every delivery; it is shown once, at registration, and
// kept because signing needs it.
type Webhook struct {
	ID        string    `json:"id"`
	Bureau    string    `json:"bureau"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"` // event types; "*" for every type
	Secret    string    `json:"-"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	// FromSeq is the head of the event stream at registration: only later
	// events are delivered.
	FromSeq int64 `json:"from_seq"`
	// PreviousSecret, after a rotation, signs every delivery beside Secret
	// until PreviousSecretUntil, so that the receiver can move to the new
	// secret without refusing a delivery meanwhile.
	PreviousSecret      string    `json:"-"`
	PreviousSecretUntil time.Time `json:"previous_secret_until,omitzero"`
	// FailingSince is when its deliveries began to fail with none
	// succeeding since; zero while they succeed.
	FailingSince time.Time `json:"failing_since,omitzero"`
	// DisabledAt is when the dispatcher stopped delivering to it, its
	// deliveries having failed for too long, and DisabledReason why;
	// zero while it is enabled.
	DisabledAt     time.Time `json:"disabled_at,omitzero"`
	DisabledReason string    `json:"disabled_reason,omitempty"`
}

// SigningSecrets are the secrets a delivery sent at t is signed with:
// the current one, and the previous one while its overlap lasts.
func (w *Webhook) SigningSecrets(t time.Time) []string {
	if w.PreviousSecret != "" && t.Before(w.PreviousSecretUntil) {
		return []string{w.Secret, w.PreviousSecret}
	}
	return []string{w.Secret}
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryDead      = "dead"     // retried until the deadline, then given up
	DeliveryWithheld  = "withheld" // the access decision no longer allows it
)

// Delivery is one event to send to one webhook: the durable outbox.
type Delivery struct {
	ID          string          `json:"id"`
	WebhookID   string          `json:"webhook_id"`
	Bureau      string          `json:"bureau"`
	EventSeq    int64           `json:"event_seq"`
	EventType   string          `json:"event_type"`
	Body        json.RawMessage `json:"-"`
	Status      string          `json:"status"`
	Attempts    int             `json:"attempts"`
	LastError   string          `json:"last_error,omitempty"`
	LastStatus  int             `json:"last_status,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	Deadline    time.Time       `json:"deadline"` // retried until then, then dead-lettered
	NextAttempt time.Time       `json:"next_attempt"`
	DeliveredAt *time.Time      `json:"delivered_at,omitempty"`
	LeaseUntil  time.Time       `json:"-"`
}

// WebhookTx stores subscriptions, the delivery outbox and the cursor of
// the dispatcher that fills it.
type WebhookTx interface {
	InsertWebhook(w *Webhook) error
	GetWebhook(id string) (*Webhook, error)
	// UpdateWebhook writes w's body and secrets.
	UpdateWebhook(w *Webhook) error
	ListWebhooks(bureau string) ([]*Webhook, error) // "" lists all
	DeleteWebhook(id string) error
	InsertDelivery(d *Delivery) error
	UpdateDelivery(d *Delivery) error
	GetDelivery(id string) (*Delivery, error)
	ListDeliveries(webhookID string, limit int) ([]*Delivery, error) // newest first
	// DueDeliveries lists pending deliveries due at t and not leased.
	DueDeliveries(t time.Time, limit int) ([]*Delivery, error)
	// LeaseDelivery marks d taken until 'until' if it is still pending and
	// not leased at t; it reports whether this caller got it.
	LeaseDelivery(id string, t, until time.Time) (bool, error)
	// Cursor returns a named position, locking it until the transaction
	// ends, so one replica at a time moves it.
	Cursor(name string) (int64, error)
	SetCursor(name string, v int64) error
}

// Message types between bureaus.
const (
	MsgInformationRequest       = "information_request"
	MsgIdentityConfirmation     = "identity_confirmation"
	MsgProvisionalArrestRequest = "provisional_arrest_request"
	MsgExtraditionFollowUp      = "extradition_follow_up"
	MsgAssetFreezingRequest     = "asset_freezing_request"
	MsgGeneral                  = "general"
)

// MessageTypes lists the message types.
var MessageTypes = []string{MsgInformationRequest, MsgIdentityConfirmation, MsgProvisionalArrestRequest, MsgExtraditionFollowUp, MsgAssetFreezingRequest, MsgGeneral}

// Thread is a conversation between bureaus, attached to a hit, a record
// (a notice) or nothing. Only its participants see it.
type Thread struct {
	ID           string              `json:"id"`
	Subject      string              `json:"subject"`
	HitID        string              `json:"hit_id,omitempty"`
	RecordID     string              `json:"record_id,omitempty"`
	Participants []string            `json:"participants"`
	CreatedBy    string              `json:"created_by"`
	Bureau       string              `json:"bureau"` // the bureau that opened it
	CreatedAt    time.Time           `json:"created_at"`
	UpdatedAt    time.Time           `json:"updated_at"`
	Messages     int                 `json:"messages"`
	Reads        map[string]ReadMark `json:"reads"` // per bureau
}

// ReadMark is how far a bureau has read a thread.
type ReadMark struct {
	Through int       `json:"through"` // message number
	At      time.Time `json:"at"`
	By      string    `json:"by"`
}

// Message is one message of a thread.
type Message struct {
	ID          string              `json:"id"`
	ThreadID    string              `json:"thread_id"`
	Number      int                 `json:"number"` // 1, 2, … within the thread
	Bureau      string              `json:"bureau"`
	Author      string              `json:"author"`
	Type        string              `json:"type"`
	Body        string              `json:"body"`
	Attachments []MessageAttachment `json:"attachments"`
	At          time.Time           `json:"at"`
}

// MessageAttachment is a small file carried in a message; its type is
// sniffed from its bytes, not taken from the sender.
type MessageAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	Data        []byte `json:"data"`
}

// MessageTx stores threads and messages.
type MessageTx interface {
	InsertThread(t *Thread) error
	// UpdateThread rewrites t (participants stay as created).
	UpdateThread(t *Thread) error
	GetThread(id string) (*Thread, error)
	// ListThreads lists the threads a bureau takes part in, newest first.
	ListThreads(bureau string, limit int) ([]*Thread, error)
	InsertMessage(m *Message) error
	// ListMessages lists a thread's newest limit messages numbered below
	// before (any number when before is 0), oldest first.
	ListMessages(threadID string, before, limit int) ([]*Message, error)
}
