package core

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one link of the append-only, hash-chained audit log.
type AuditEntry struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	ActorType string    `json:"actor_type"` // user, key, system, anonymous
	ActorID   string    `json:"actor_id"`
	Bureau    string    `json:"bureau"`
	Action    string    `json:"action"` // e.g. record.create, record.read, auth.login
	RecordIDs []string  `json:"record_ids"`
	Query     string    `json:"query,omitempty"` // a summary of what was asked
	Remote    string    `json:"remote,omitempty"`
	Outcome   string    `json:"outcome"` // ok, denied, invalid, conflict, not_found, failed
	PrevHash  string    `json:"prev_hash"`
	Hash      string    `json:"hash"`
}

// Store is a transactional data store. Update runs fn in one read-write
// transaction: everything fn writes, audit entries included, commits
// together or not at all, and is durable once Update returns nil. View
// runs fn in one read-only transaction that reads a single snapshot:
// what commits while it runs is not seen by its later statements.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
	// Ready reports whether the store is reachable and its migrations current.
	Ready(ctx context.Context) error
	// Backend names the implementation: "sqlite" or "postgres".
	Backend() string
	Close() error
}

// RecordsReader is a store that reads a few records by id in one
// statement outside any transaction, which reads one consistent state of
// the database (at most MaxRecordsRead ids).
type RecordsReader interface {
	GetRecords(ctx context.Context, ids []string) ([]*Record, error)
}

// MaxRecordsRead is how many ids RecordsReader.GetRecords takes at once.
const MaxRecordsRead = 32

// Tx is what a transaction can do. Methods return *Error with ENOTFOUND or
// ECONFLICT where those apply.
type Tx interface {
	RecordTx
	UserTx
	AuditTx
	EventTx
	NoticeTx
	HitTx
	WebhookTx
	MessageTx
	ReportTx
	AssemblyTx
	MeetingTx
	AgreementTx
	AccreditationTx
	FederationTx
	SavepointTx
	LockTx
}

// LockTx serialises transactions that check something before they write
// it where no row stands for the check to lock (a limit counted over many
// rows, a thing that does not exist yet). On PostgreSQL, two transactions
// that each read then write would otherwise both pass the check; on SQLite
// the one writer already serialises them.
type LockTx interface {
	// LockName holds the lock called name until the transaction ends;
	// another transaction locking the same name waits for it. Names are
	// kept: derive them from a bounded set (a bureau, an agreement, a hash
	// bucket), not from every value seen.
	LockName(name string) error
}

// SavepointTx undoes part of a transaction. Savepoint runs fn; if fn
// returns an error, everything fn wrote is rolled back (the rest of the
// transaction stands and may go on) and the error is returned.
type SavepointTx interface {
	Savepoint(fn func() error) error
}

// EventTx appends to and reads the event stream. Sequence numbers are
// handed out in commit order, so a reader that remembers the last one it
// saw misses nothing.
type EventTx interface {
	// InsertEvent sets e.Seq and stores e.
	InsertEvent(e *Event) error
	// InsertEvents sets each e.Seq, consecutive in the order given, and
	// stores them all.
	InsertEvents(es []*Event) error
	// Events lists, in order, events after afterSeq addressed to bureau
	// (or to all); bureau "" lists every event (system readers only).
	Events(afterSeq int64, bureau string, limit int) ([]Event, error)
	// LastEvent is the sequence number of the newest event (0 if none).
	LastEvent() (int64, error)
}

// RecordTx reads and writes record envelopes. Every insert and update also
// appends to the change feed.
type RecordTx interface {
	InsertRecord(r *Record) error
	// UpdateRecord writes r if the stored version is r.Version-1; otherwise ECONFLICT.
	UpdateRecord(r *Record) error
	GetRecord(id string) (*Record, error)
	// RecordVersion is the stored version of a record (ENOTFOUND if there
	// is none): whether a record read earlier is still the one stored,
	// without reading it again.
	RecordVersion(id string) (int64, error)
	ListRecords(f RecordFilter) ([]*Record, error)
	// RecordsPastRetention lists active records whose retention ended before t.
	RecordsPastRetention(t time.Time, limit int) ([]*Record, error)
	Changes(afterSeq int64, limit int) ([]RecordChange, error)
	// LastChange is the sequence number of the newest change (0 if none).
	LastChange() (int64, error)
	CountRecords() (int64, error)
}

// UserTx manages users, sessions and API keys.
type UserTx interface {
	InsertUser(u *User) error
	UpdateUser(u *User) error
	GetUser(id string) (*User, error)
	GetUserByUsername(username string) (*User, error)
	ListUsers(bureau string) ([]*User, error) // bureau "" lists all
	// CountFailedLogin adds a failed sign-in to a user's count in one
	// statement (failures counted at the same moment, on any replica, are
	// all counted); the max-th locks the account until lockUntil and
	// starts the count again. It reports whether this one locked it.
	CountFailedLogin(id string, max int, lockUntil time.Time) (bool, error)
	// ClearFailedLogins forgets a user's failures and an ended lock after
	// a right password, unless the account is locked at now or disabled:
	// then it changes nothing and reports false (in one statement, which
	// waits for a lock or a disable being written at the same moment).
	ClearFailedLogins(id string, now time.Time) (bool, error)

	InsertSession(s *Session) error
	GetSession(tokenHash string) (*Session, error)
	DeleteSession(tokenHash string) error
	DeleteUserSessions(userID string) error
	DeleteExpiredSessions(t time.Time) (int64, error)

	// GetTOTP returns a user's second factor (ENOTFOUND when none was
	// ever set up); PutTOTP inserts or replaces it.
	GetTOTP(userID string) (*UserTOTP, error)
	PutTOTP(t *UserTOTP) error
	// SpendTOTP writes now, a use of a second factor (a code's time step
	// taken, a recovery code gone), only if the factor is still as it was
	// read (was): it reports false, changing nothing, when another
	// sign-in used it in between, at the same moment or on another
	// replica, so that a code or a recovery code serves once.
	SpendTOTP(was, now *UserTOTP) (bool, error)

	InsertKey(k *APIKey) error
	UpdateKey(k *APIKey) error
	GetKey(id string) (*APIKey, error)
	ListKeys(bureau string) ([]*APIKey, error)
}

// AuditTx appends to and reads the audit log. The log logic (hashing,
// the Merkle tree, proofs, verification) lives in the audit package; the
// store only keeps entries, the tree's stored hashes and the per-record
// index in order, and serialises appends.
type AuditTx interface {
	// AuditHead locks the log head until the transaction ends and returns
	// it (zero for an empty log); an *AuditRowError if its row is gone.
	AuditHead() (AuditHead, error)
	// InsertAudit stores entries, whose Seq, PrevHash and Hash are already
	// set and which follow each other, with the tree hashes they add, and
	// moves the head to the last entry and to tree.Size.
	InsertAudit(es []*AuditEntry, tree AuditTree) error
	// AuditEntries and RecordAudit stop at an entry they cannot read with
	// an *AuditRowError naming it, and return the entries before it with
	// it, so that a verifier checks those first.
	AuditEntries(afterSeq int64, limit int) ([]AuditEntry, error)
	RecordAudit(recordID string, afterSeq int64, limit int) ([]AuditEntry, error)
	// AuditHashes returns the stored tree hashes at these indexes, in
	// order; a missing one is an error.
	AuditHashes(indexes []int64) ([][32]byte, error)
	// AuditRecordRefs lists the per-record index rows of the entries with
	// afterSeq < seq <= throughSeq, by seq then record id.
	AuditRecordRefs(afterSeq, throughSeq int64) ([]AuditRecordRef, error)
}

// AuditHead is where the audit log ends: the last entry's sequence number
// and hash, and how many entries the stored Merkle tree covers (fewer only
// for entries written before the tree existed).
type AuditHead struct {
	Seq      int64
	Hash     string
	TreeSize int64
}

// AuditTree is what an append adds to the log's Merkle tree: the stored
// hashes (golang.org/x/mod/sumdb/tlog's layout) from index First on, and
// the number of entries the tree then covers.
type AuditTree struct {
	Size   int64
	First  int64
	Hashes [][32]byte
}

// AuditRecordRef is one row of the per-record index of the audit log.
type AuditRecordRef struct {
	Seq      int64
	RecordID string
}

// AuditRowError is a row of the audit log that the store cannot read as
// it wrote it: the log was altered outside the application. Seq names the
// entry, 0 the head; with Tree set, TreeIndex names a row of the stored
// Merkle tree instead (the store does not know which entries a tree row
// covers: the audit package does). Verification reports it as a problem
// of that entry, or of the tree, rather than failing on the store's error.
type AuditRowError struct {
	Seq       int64
	Tree      bool
	TreeIndex int64
	Reason    string
}

func (e *AuditRowError) Error() string {
	switch {
	case e.Tree:
		return fmt.Sprintf("audit_tree row %d: %s", e.TreeIndex, e.Reason)
	case e.Seq == 0:
		return "audit log: " + e.Reason
	}
	return fmt.Sprintf("audit entry %d: %s", e.Seq, e.Reason)
}
