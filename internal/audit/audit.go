// Package audit owns the audit log: how an entry is encoded and hashed,
// how it is appended inside the caller's transaction to the hash chain and
// to a Merkle tree (RFC 6962 hashing, golang.org/x/mod/sumdb/tlog), signed
// checkpoints of that tree, proofs, and how the log is verified. It does
// not decide who may read the log (access does) and keeps no storage of
// its own besides the checkpoint signing key's file.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/core"
)

// Outcomes recorded for an action.
const (
	OK       = "ok"
	Denied   = "denied"
	Invalid  = "invalid"
	Conflict = "conflict"
	NotFound = "not_found"
	Failed   = "failed"
)

// OutcomeOf maps an error to the outcome recorded for it.
func OutcomeOf(err error) string {
	switch core.ErrorCode(err) {
	case "":
		return OK
	case core.EFORBIDDEN, core.EUNAUTHORIZED:
		return Denied
	case core.EINVALID, core.ETOOLARGE:
		return Invalid
	case core.ECONFLICT:
		return Conflict
	case core.ENOTFOUND:
		return NotFound
	}
	return Failed
}

// canonical is the hashed form of an entry. Field order is fixed by the
// struct; times are UTC with microsecond precision, which every store keeps.
type canonical struct {
	Seq       int64    `json:"seq"`
	At        string   `json:"at"`
	ActorType string   `json:"actor_type"`
	ActorID   string   `json:"actor_id"`
	Bureau    string   `json:"bureau"`
	Action    string   `json:"action"`
	RecordIDs []string `json:"record_ids"`
	Query     string   `json:"query"`
	Remote    string   `json:"remote"`
	Outcome   string   `json:"outcome"`
	PrevHash  string   `json:"prev_hash"`
}

// TimeFormat is how entry times are written into the hashed encoding.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// Hash computes the SHA-256 of an entry's canonical encoding, which
// includes the previous entry's hash.
func Hash(e *core.AuditEntry) string {
	sum := sha256.Sum256(Leaf(e))
	return hex.EncodeToString(sum[:])
}

// Leaf is an entry's canonical encoding: what its Hash covers and the data
// of its leaf in the Merkle tree (entry seq is leaf seq-1). It holds every
// field but the entry's own hash, record ids included, so the per-record
// index can be derived from the leaves.
func Leaf(e *core.AuditEntry) []byte {
	ids := e.RecordIDs
	if ids == nil {
		ids = []string{}
	}
	b, err := json.Marshal(canonical{
		Seq: e.Seq, At: e.At.UTC().Format(TimeFormat), ActorType: e.ActorType, ActorID: e.ActorID,
		Bureau: e.Bureau, Action: e.Action, RecordIDs: ids, Query: e.Query, Remote: e.Remote,
		Outcome: e.Outcome, PrevHash: e.PrevHash,
	})
	if err != nil { // only strings and ints: cannot fail
		panic(err)
	}
	return b
}

// Entry starts an entry for an action by a viewer.
func Entry(v core.Viewer, action, outcome string, recordIDs ...string) *core.AuditEntry {
	kind, id := v.Actor()
	return &core.AuditEntry{
		ActorType: kind, ActorID: id, Bureau: v.Bureau, Action: action,
		RecordIDs: recordIDs, Remote: v.Remote, Outcome: outcome,
	}
}

// Record appends e in a transaction of its own, one that outlives a
// cancelled request: refusals and denials change nothing, so there is no
// change to share a transaction with, yet they must be accounted for. If
// the entry cannot be written the refusal still stands: the caller is told
// what was wrong with its request either way.
func Record(ctx context.Context, st core.Store, e *core.AuditEntry) {
	st.Update(context.WithoutCancel(ctx), func(tx core.Tx) error { return Append(tx, e) })
}

// Refuse records that v's action was refused with err, the error's
// message as the entry's query, and returns err for the caller to pass on.
func Refuse(ctx context.Context, st core.Store, v core.Viewer, action string, err error) error {
	e := Entry(v, action, OutcomeOf(err))
	e.Query = core.ErrorMessage(err)
	Record(ctx, st, e)
	return err
}

// RefuseOn records that v's action on the records ids was refused with
// err and returns err. The entry's query says what was wrong: the first
// field's reason where the error names fields ("title: required"), the
// error's message otherwise.
func RefuseOn(ctx context.Context, st core.Store, v core.Viewer, action string, err error, ids ...string) error {
	e := Entry(v, action, OutcomeOf(err), ids...)
	e.Query = core.ErrorMessage(err)
	var ce *core.Error
	if errors.As(err, &ce) && len(ce.Fields) > 0 {
		e.Query = ce.Fields[0].Field + ": " + ce.Fields[0].Reason
	}
	Record(ctx, st, e)
	return err
}

// Append links es to the chain and adds them to the Merkle tree inside tx.
// It must run in the same transaction as the change it records, so both
// commit or neither does. Several entries (a group of screenings) read and
// move the head once and write the tree's new hashes in a few statements.
func Append(tx core.AuditTx, es ...*core.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	head, err := tx.AuditHead()
	if err != nil {
		return err
	}
	_, err = appendAfter(tx, newHashCache(tx), head, es)
	return err
}

// appendAfter is Append after head, the log's head as tx sees it, the
// tree's hashes read through hr; it returns the head the entries make, so
// that a group appended in parts reads the head once.
func appendAfter(tx core.AuditTx, hr *hashCache, head core.AuditHead, es []*core.AuditEntry) (core.AuditHead, error) {
	if len(es) == 0 {
		return head, nil
	}
	if head.TreeSize < head.Seq {
		if err := catchUp(tx, hr, head); err != nil {
			return head, err
		}
	}
	seq, prev := head.Seq, head.Hash
	tree := core.AuditTree{First: tlog.StoredHashIndex(0, seq)}
	for _, e := range es {
		if e.At.IsZero() {
			e.At = time.Now()
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		e.Query = clip(e.Query, 2000)
		seq++
		e.Seq = seq
		e.PrevHash = prev
		leaf := Leaf(e)
		sum := sha256.Sum256(leaf)
		e.Hash = hex.EncodeToString(sum[:])
		prev = e.Hash
		hs, err := tlog.StoredHashes(seq-1, leaf, hr)
		if err != nil {
			return head, err
		}
		hr.put(tree.First+int64(len(tree.Hashes)), hs)
		for _, h := range hs {
			tree.Hashes = append(tree.Hashes, h)
		}
	}
	tree.Size = seq
	if err := tx.InsertAudit(es, tree); err != nil {
		return head, err
	}
	return core.AuditHead{Seq: seq, Hash: prev, TreeSize: seq}, nil
}

// clip makes s valid UTF-8 of at most n bytes, cutting between characters.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Problem describes the first entry where the log is broken (Seq 0 when
// the problem is the log as a whole, e.g. a fork from a kept checkpoint).
type Problem struct {
	Seq    int64
	Reason string
}

func (p *Problem) Error() string {
	if p.Seq == 0 { // the log as a whole, no one entry to name
		return "audit log broken: " + p.Reason
	}
	return fmt.Sprintf("audit chain broken at entry %d: %s", p.Seq, p.Reason)
}

// Verifier checks a chain entry by entry, in sequence order. Feed it every
// entry with Next, then call Finish with the stored head.
type Verifier struct {
	lastSeq  int64
	lastHash string
	Count    int64
}

// Next checks one entry against the one before it.
func (v *Verifier) Next(e core.AuditEntry) *Problem {
	switch {
	case e.Seq <= v.lastSeq:
		return &Problem{e.Seq, fmt.Sprintf("entry out of order after entry %d (reordered)", v.lastSeq)}
	case e.Seq != v.lastSeq+1:
		return &Problem{v.lastSeq + 1, fmt.Sprintf("entries %d to %d are missing (removed)", v.lastSeq+1, e.Seq-1)}
	case e.PrevHash != v.lastHash:
		return &Problem{e.Seq, "its previous-hash does not match entry " + fmt.Sprint(v.lastSeq) + " (an entry was removed, reordered or altered)"}
	case Hash(&e) != e.Hash:
		return &Problem{e.Seq, "its content does not match its hash (altered)"}
	}
	v.lastSeq, v.lastHash = e.Seq, e.Hash
	v.Count++
	return nil
}

// Unreadable is the problem of a row the store could not read (Seq 0: the
// head), named as such unless entries before it are missing: the first
// problem is the one reported.
func (v *Verifier) Unreadable(e *core.AuditRowError) *Problem {
	switch {
	case e.Seq == 0:
		return &Problem{0, e.Reason}
	case e.Seq > v.lastSeq+1:
		return &Problem{v.lastSeq + 1, fmt.Sprintf("entries %d to %d are missing (removed)", v.lastSeq+1, e.Seq-1)}
	}
	return &Problem{e.Seq, e.Reason + " (altered)"}
}

// Finish checks that the chain ends where the store's head says it does,
// which catches entries removed from the end.
func (v *Verifier) Finish(headSeq int64, headHash string) *Problem {
	if headSeq != v.lastSeq || headHash != v.lastHash {
		if headSeq > v.lastSeq {
			return &Problem{v.lastSeq + 1, fmt.Sprintf("entries %d to %d are missing (removed from the end)", v.lastSeq+1, headSeq)}
		}
		return &Problem{headSeq, "the chain head does not match the last entry (altered)"}
	}
	return nil
}

// Verify walks the whole chain in pages through view, which runs its
// argument in a read transaction.
func Verify(read func(after int64, limit int) ([]core.AuditEntry, error), head func() (int64, string, error)) (int64, error) {
	var v Verifier
	after := int64(0)
	var unreadable *core.AuditRowError
	for {
		page, err := read(after, 1000)
		if err != nil && !errors.As(err, &unreadable) {
			return v.Count, err
		}
		for _, e := range page {
			if p := v.Next(e); p != nil {
				return v.Count, p
			}
			after = e.Seq
		}
		if unreadable != nil {
			return v.Count, v.Unreadable(unreadable)
		}
		if len(page) < 1000 {
			break
		}
	}
	seq, hash, err := head()
	if errors.As(err, &unreadable) {
		return v.Count, v.Unreadable(unreadable)
	} else if err != nil {
		return v.Count, err
	}
	if p := v.Finish(seq, hash); p != nil {
		return v.Count, p
	}
	return v.Count, nil
}
