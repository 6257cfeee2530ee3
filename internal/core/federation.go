package core

import "time"

// Federation roles: a process runs alone (today's single hub, the
// default), as the hub of a federation, or as one bureau's national node.
const (
	FedRoleHub  = "hub"
	FedRoleNode = "node"
)

// PeerHub is the peer id under which a node keeps its hub. A hub keeps
// each node under the node's bureau code (one node per bureau).
const PeerHub = "hub"

// Peer states.
const (
	PeerActive  = "active"
	PeerRevoked = "revoked" // its key is no longer trusted: nothing from it is accepted, nothing is sent to it
)

// Peer is the other end of a federation link: at the hub, one per
// enrolled node; at a node, the hub. Its public key is what every message
// from it is verified against.
type Peer struct {
	ID        string `json:"id"` // the node's bureau, or PeerHub
	Role      string `json:"role"`
	Bureau    string `json:"bureau"` // the node's bureau; the secretariat's code for the hub
	PublicKey string `json:"public_key"`
	URL       string `json:"url"`
	State     string `json:"state"`
	// OffersScreening: the node answers hit/no-hit queries on its
	// national records.
	OffersScreening bool       `json:"offers_screening"`
	EnrolledAt      time.Time  `json:"enrolled_at"`
	LastContact     *time.Time `json:"last_contact,omitempty"`
	// RecvSeq is the sequence number of the last message from this peer
	// that was applied: the next one must be RecvSeq+1.
	RecvSeq   int64      `json:"recv_seq"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	// RevokedKeys are every key of this peer's that was revoked: a key
	// once revoked (leaked) is never trusted again, whoever presents it
	// with a new token.
	RevokedKeys []string `json:"revoked_keys,omitempty"`
	Version     int64    `json:"version"`
}

// EnrolmentToken lets one node enrol once, for one bureau. Only the hash
// of its secret is stored.
type EnrolmentToken struct {
	ID         string     `json:"id"`
	Bureau     string     `json:"bureau"`
	SecretHash string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	UsedAt     *time.Time `json:"used_at,omitempty"`
	// URL, when the hub's administrator set it, is the only base URL
	// (scheme, host and port) the node may enrol with: where the hub will
	// deliver is the hub's choice, not the token holder's.
	URL string `json:"url,omitempty"`
}

// Outbox message states.
const (
	FedPending   = "pending"
	FedDelivered = "delivered"
	FedRefused   = "refused" // the receiver refused it, with a reason
	// FedFailed: the sender found, before sending it, that no peer can
	// take it (larger than one envelope may be); it is never sent, keeps
	// the reason in LastError, and its place in the sequence is handed
	// over with a message.failed bundle (DeliveredAt is set once the
	// receiver answered that). An answer of the peer's that is not a
	// signed receipt never fails a message: it may be a proxy's, or an
	// older peer's that will be upgraded.
	FedFailed = "failed"
	// FedRequeued: a failed message whose place was handed over, that an
	// operator queued again, sealed anew at the end of the queue; the new
	// message is pending, this one stays as the record of the place
	// handed over (LastError names the new one).
	FedRequeued = "requeued"
)

// FedMessage is one signed bundle queued for one peer, in the order of
// Seq (1, 2, 3… per peer, no gaps).
type FedMessage struct {
	Peer          string     `json:"peer"`
	Seq           int64      `json:"seq"`
	MessageID     string     `json:"message_id"`
	ObjectID      string     `json:"object_id"`
	ObjectVersion int64      `json:"object_version"`
	Type          string     `json:"type"`
	Body          []byte     `json:"-"` // the signed bundle as sent
	State         string     `json:"state"`
	CreatedAt     time.Time  `json:"created_at"`
	Attempts      int        `json:"attempts"`
	NextAttempt   time.Time  `json:"next_attempt"`
	LastError     string     `json:"last_error,omitempty"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty"`
}

// FedRefusal is a message refused, by us on receipt or by a peer we sent
// it to, with the reason.
type FedRefusal struct {
	ID        string    `json:"id"`
	Peer      string    `json:"peer"`      // the other side
	Direction string    `json:"direction"` // in (we refused) or out (the peer refused ours)
	MessageID string    `json:"message_id"`
	Type      string    `json:"type"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// PeerLag is how far behind a peer is: messages queued and not yet
// delivered, and the age of the oldest.
type PeerLag struct {
	Pending     int64      `json:"pending"`
	OldestSince *time.Time `json:"oldest_pending_since,omitempty"`
	Refused     int64      `json:"refused"`
	// Failed counts the messages the sender gave up on (FedFailed).
	Failed  int64 `json:"failed"`
	LastSeq int64 `json:"last_seq"`
	// LastError is why the oldest message waiting was not delivered yet
	// (empty if it was never tried or none waits): an unreachable peer,
	// a status a proxy answered, the peer's receipt asking for another
	// message first.
	LastError string `json:"last_error,omitempty"`
}

// PeerCheckpoint is a signed checkpoint of a peer's audit log, as the
// peer sent it (a C2SP signed note) and this side checked it: its
// signature with the peer's verifier keys, and that it extends the one
// held before.
type PeerCheckpoint struct {
	Peer         string    `json:"peer"`
	Size         int64     `json:"size"`
	Origin       string    `json:"origin"`
	RootHash     string    `json:"root_hash"` // base64
	Note         string    `json:"note"`      // the signed note as received
	VerifierKeys []string  `json:"verifier_keys"`
	MessageID    string    `json:"message_id"`
	CreatedAt    time.Time `json:"created_at"` // when the peer made it, by its clock
	ReceivedAt   time.Time `json:"received_at"`
}

// FedExchanged is one message exchanged with a peer as this side
// recorded it: sent (and what the peer answered) or received and applied.
type FedExchanged struct {
	MessageID string    `json:"message_id"`
	Seq       int64     `json:"seq"`
	Type      string    `json:"type"`
	State     string    `json:"state"` // sent: delivered or refused; received: applied
	At        time.Time `json:"at"`
}

// FederationTx stores peers, enrolment tokens, the per-peer outboxes, the
// inbox's record of applied messages and refusals.
type FederationTx interface {
	InsertPeer(p *Peer) error
	// UpdatePeer writes p if the stored version is p.Version-1.
	UpdatePeer(p *Peer) error
	// GetPeer returns ENOTFOUND for an unknown peer; with lock, the row
	// stays locked until the transaction ends.
	GetPeer(id string, lock bool) (*Peer, error)
	ListPeers() ([]*Peer, error)
	// TouchPeer sets a peer's last contact (no version change).
	TouchPeer(id string, at time.Time) error

	InsertEnrolmentToken(t *EnrolmentToken) error
	// GetEnrolmentToken locks the token until the transaction ends.
	GetEnrolmentToken(id string) (*EnrolmentToken, error)
	UseEnrolmentToken(id string, at time.Time) error

	// NextFedSeq hands out the next sequence number of peer's outbox,
	// holding the counter locked until the transaction ends (numbers
	// follow commit order, without gaps); InsertFed then stores the
	// message sealed with it.
	NextFedSeq(peer string) (int64, error)
	InsertFed(m *FedMessage) error
	// FedSent reports whether peer was ever sent a message about objectID.
	FedSent(peer, objectID string) (bool, error)
	// HasFedMessage reports whether peer's outbox holds messageID.
	HasFedMessage(peer, messageID string) (bool, error)
	// NextFed lists up to limit messages of peer still to be sent, lowest
	// Seq first: the pending ones, and the failed ones whose place in the
	// sequence was not yet handed over (DeliveredAt unset).
	NextFed(peer string, limit int) ([]*FedMessage, error)
	// UpdateFed writes m's state, attempts, next attempt, error and
	// delivery time only if the row still holds the state and attempts
	// it was read with (readState, readAttempts): another replica sending
	// the same queue may have moved it since. It reports whether it
	// wrote; what a replica learnt too late is not written over what
	// another recorded.
	UpdateFed(m *FedMessage, readState string, readAttempts int) (bool, error)
	// FailedFed lists peer's failed messages, lowest Seq first (only the
	// one named if messageID is set).
	FailedFed(peer, messageID string, limit int) ([]*FedMessage, error)
	// FedAfter is the sequence number of the first message about
	// objectID queued for peer after seq (0 if none).
	FedAfter(peer, objectID string, seq int64) (int64, error)
	// FedLag counts as pending what NextFed would send.
	FedLag(peer string) (PeerLag, error)

	// Applied reports whether a message (id and object version) from
	// origin was applied; MarkApplied records that it was.
	Applied(origin, messageID string, version int64) (bool, error)
	MarkApplied(origin, messageID string, version int64, seq int64, at time.Time) error
	// TrimQueryIDs deletes up to limit of the query ids kept from origin
	// (the applied rows at sequence number 0) recorded before before, and
	// reports how many it deleted.
	TrimQueryIDs(origin string, before time.Time, limit int) (int, error)

	InsertFedRefusal(r *FedRefusal) error
	FedRefusals(peer string, limit int) ([]*FedRefusal, error)

	// FedLastObject is the highest object version of the messages about
	// objectID queued for peer and neither refused nor failed (nor
	// re-queued: the new message counts), and when
	// it was queued (0 and the zero time if none).
	FedLastObject(peer, objectID string) (int64, time.Time, error)
	// InsertPeerCheckpoint keeps a peer's checkpoint; LatestPeerCheckpoint
	// returns the largest held (ENOTFOUND if none).
	InsertPeerCheckpoint(c *PeerCheckpoint) error
	LatestPeerCheckpoint(peer string) (*PeerCheckpoint, error)
	// FedSentTo lists, by sequence number after afterSeq, the messages
	// sent to peer that it answered (delivered, refused, or failed or
	// re-queued and its place handed over);
	// FedReceivedFrom the sequenced messages applied from origin.
	FedSentTo(peer string, afterSeq int64, limit int) ([]FedExchanged, error)
	FedReceivedFrom(origin string, afterSeq int64, limit int) ([]FedExchanged, error)
}
