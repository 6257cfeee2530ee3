package federation

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// Audit checkpoints exchanged over the federation. Each process signs
// checkpoints of its own audit log (audit.Signer) and sends them to each
// peer in the peer's outbox, in sequence like any message, with the
// proof that the new one extends the last one sent; the peer checks the
// signature and the proof and keeps it. Every message sent and received
// is an entry of the sender's and of the receiver's audit log (naming
// the peer among its record ids), so with a peer's checkpoint a process
// can later ask the peer for those entries with their inclusion proofs
// (VerifyPeer): a peer that rewrote, dropped or forked what it logged
// of the exchange cannot answer with proofs that check against the
// checkpoint it signed before.

// Checkpoint message types: the checkpoint is sequenced (an outbox
// message); the proof query and its answer are answered at once, like a
// hit/no-hit query.
const (
	TypeCheckpoint  = "audit.checkpoint"
	TypeProofQuery  = "audit.proof.query"
	TypeProofAnswer = "audit.proof.answer"
)

// checkpointObject is the object id of every checkpoint message; its
// object version is the checkpoint's tree size.
const checkpointObject = "audit-checkpoint"

// DefaultCheckpointEvery is how often a process sends a peer a new
// checkpoint when its log has grown.
const DefaultCheckpointEvery = 10 * time.Minute

// Bounds on what a peer may send of checkpoints and proofs.
const (
	maxVerifierKeys   = 20
	maxProofHashes    = 64
	maxProofEntries   = 200
	maxProofAnswer    = 4 << 20
	proofQueryTimeout = 30 * time.Second
)

type checkpointPayload struct {
	Checkpoint   string   `json:"checkpoint"`    // the signed note
	VerifierKeys []string `json:"verifier_keys"` // every key the log has used, oldest first
	PreviousSize int64    `json:"previous_size"` // the last checkpoint sent to this peer (0: the first)
	Consistency  []string `json:"consistency"`   // base64 hashes: RFC 6962 proof from PreviousSize
}

// peerRecord is the record id naming a peer in the audit entries of the
// messages exchanged with it.
func peerRecord(peer string) string { return "fed:" + peer }

// queueCheckpoints queues, for each active peer, a checkpoint of this
// process's audit log if the log grew since the last one sent and that
// one is at least CheckpointEvery old.
func (s *Service) queueCheckpoints(ctx context.Context) error {
	if s.AuditSigner == nil {
		return nil
	}
	var peers []*core.Peer
	if err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		peers, err = tx.ListPeers()
		return err
	}); err != nil {
		return err
	}
	for _, p := range peers {
		if p.State != core.PeerActive || p.ID == s.Self() {
			continue
		}
		if err := s.Store.Update(ctx, func(tx core.Tx) error { return s.queueCheckpoint(tx, p) }); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) queueCheckpoint(tx core.Tx, p *core.Peer) error {
	size, err := audit.TreeSize(tx)
	if err != nil || size == 0 {
		return err
	}
	last, lastAt, err := tx.FedLastObject(p.ID, checkpointObject)
	if err != nil || size <= last {
		return err
	}
	now := s.now()
	if last > 0 && now.Sub(lastAt) < s.CheckpointEvery {
		return nil
	}
	msg, _, err := s.AuditSigner.Sign(tx, size)
	if err != nil {
		return err
	}
	pl := checkpointPayload{Checkpoint: string(msg), VerifierKeys: s.AuditSigner.Verifiers, PreviousSize: last, Consistency: []string{}}
	if last > 0 {
		proof, err := audit.ProveConsistency(tx, last, size)
		if err != nil {
			return err
		}
		for _, h := range proof {
			pl.Consistency = append(pl.Consistency, base64.StdEncoding.EncodeToString(h[:]))
		}
	}
	body, err := json.Marshal(pl)
	if err != nil {
		return err
	}
	seq, err := tx.NextFedSeq(p.ID)
	if err != nil {
		return err
	}
	id := messageID(p.ID, TypeCheckpoint, checkpointObject, size)
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{p.Bureau}}
	sealed, err := Seal(&Bundle{Origin: s.Self(), To: p.ID, MessageID: id, Seq: seq, Type: TypeCheckpoint, ObjectID: checkpointObject, ObjectVersion: size,
		Owner: s.operator(), Releasability: &rel, CreatedAt: now, Payload: body}, s.Key)
	if err != nil {
		return err
	}
	return tx.InsertFed(&core.FedMessage{Peer: p.ID, Seq: seq, MessageID: id, ObjectID: checkpointObject, ObjectVersion: size, Type: TypeCheckpoint,
		Body: sealed, State: core.FedPending, CreatedAt: now, NextAttempt: now})
}

// applyCheckpoint checks a peer's checkpoint (checkCheckpoint) against
// the one held and keeps it. A refusal leaves the last good one held.
func (s *Service) applyCheckpoint(tx core.Tx, p *core.Peer, b *Bundle) (int, error) {
	held, err := tx.LatestPeerCheckpoint(p.ID)
	switch {
	case core.ErrorCode(err) == core.ENOTFOUND:
		held = nil
	case err != nil:
		return 0, err
	}
	c, err := checkCheckpoint(b.Payload, b.ObjectVersion, b.CreatedAt, s.now(), held)
	if err != nil || c == nil {
		return 0, err
	}
	c.Peer, c.MessageID, c.CreatedAt, c.ReceivedAt = p.ID, b.MessageID, b.CreatedAt, s.now()
	return 0, tx.InsertPeerCheckpoint(c)
}

// maxClockAhead is how far ahead of this process's clock a peer's
// checkpoint may be dated, as a query may (queryMaxAge).
const maxClockAhead = queryMaxAge

// checkCheckpoint reads a checkpoint message's payload and checks it:
// signed by one of the peer's verifier keys (every key it used before
// still listed), of the size the bundle says (size), made (the bundle's
// time, by the peer's clock) no later than maxClockAhead past now, and —
// if one is held — not before it, of the same log, no smaller, and
// proven to extend it. Anything else is a refusal: the peer's log was
// truncated, rewritten or forked, its checkpoint backdated, or the
// message is not what it claims. It returns the checkpoint to keep, or
// nil when it is the one held already.
//
// The time matters: a verification expects in the peer's log every
// message exchanged before the held checkpoint was made. A peer that
// dates a checkpoint back moves that line back, and what it did not log
// after it goes unchecked; one dated ahead would hold every later
// checkpoint to a time not yet come.
func checkCheckpoint(payload []byte, size int64, made, now time.Time, held *core.PeerCheckpoint) (*core.PeerCheckpoint, error) {
	var pl checkpointPayload
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pl); err != nil || len(pl.Checkpoint) > audit.MaxCheckpoint || len(pl.VerifierKeys) == 0 ||
		len(pl.VerifierKeys) > maxVerifierKeys || len(pl.Consistency) > maxProofHashes || pl.PreviousSize < 0 {
		return nil, refusal{fmt.Sprintf("the payload is not a checkpoint (a signed note of at most %d bytes, 1 to %d verifier keys, at most %d proof hashes)",
			audit.MaxCheckpoint, maxVerifierKeys, maxProofHashes)}
	}
	c, err := audit.OpenCheckpoint([]byte(pl.Checkpoint), pl.VerifierKeys)
	if err != nil {
		return nil, refusal{"the checkpoint does not verify: " + core.Clip(err.Error(), 200)}
	}
	if c.Size != size {
		return nil, refusal{fmt.Sprintf("the checkpoint is of size %d, the bundle says %d", c.Size, size)}
	}
	if ahead := made.Sub(now); ahead > maxClockAhead {
		return nil, refusal{fmt.Sprintf("the checkpoint is dated %s, %s ahead of this process's clock (at most %s): the peer's clock is wrong, or the date is not when it was made",
			made.UTC().Format(time.RFC3339), ahead.Round(time.Second), maxClockAhead)}
	}
	if held != nil && made.Before(held.CreatedAt) {
		return nil, refusal{fmt.Sprintf("the checkpoint is dated %s, before the peer's checkpoint held here (dated %s): a checkpoint is never dated back",
			made.UTC().Format(time.RFC3339Nano), held.CreatedAt.UTC().Format(time.RFC3339Nano))}
	}
	if held != nil {
		for _, k := range held.VerifierKeys {
			if !slices.Contains(pl.VerifierKeys, k) {
				return nil, refusal{"the checkpoint's verifier keys drop one the peer used before"}
			}
		}
		heldRoot, err := parseHash(held.RootHash)
		if err != nil {
			return nil, err
		}
		proof, err := parseHashes(pl.Consistency)
		if err != nil {
			return nil, refusal{"the consistency proof is not base64 hashes"}
		}
		switch {
		case c.Origin != held.Origin:
			return nil, refusal{fmt.Sprintf("the checkpoint is of log %q, not %q held before", core.Clip(c.Origin, 80), core.Clip(held.Origin, 80))}
		case c.Size < held.Size:
			return nil, refusal{fmt.Sprintf("the peer's audit log shrank from %d to %d entries: truncated", held.Size, c.Size)}
		case pl.PreviousSize != held.Size:
			return nil, refusal{fmt.Sprintf("the consistency proof starts at size %d; the checkpoint held is of size %d", pl.PreviousSize, held.Size)}
		case c.Size == held.Size && c.Hash != heldRoot:
			return nil, refusal{fmt.Sprintf("the peer's audit log of %d entries has another root than before: rewritten or forked", c.Size)}
		case c.Size > held.Size && tlog.CheckTree(proof, c.Size, c.Hash, held.Size, heldRoot) != nil:
			return nil, refusal{fmt.Sprintf("the peer's audit log of %d entries does not extend its checkpoint of %d: rewritten or forked", c.Size, held.Size)}
		case c.Size == held.Size:
			return nil, nil // the same checkpoint again: nothing to keep
		}
	}
	return &core.PeerCheckpoint{Size: c.Size, Origin: c.Origin, RootHash: base64.StdEncoding.EncodeToString(c.Hash[:]),
		Note: pl.Checkpoint, VerifierKeys: pl.VerifierKeys}, nil
}

func parseHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("not a base64 hash of %d bytes", tlog.HashSize)
	}
	copy(h[:], b)
	return h, nil
}

func parseHashes(ss []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, 0, len(ss))
	for _, s := range ss {
		h, err := parseHash(s)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// proofQuery asks a peer for its audit entries naming the asker, in the
// tree of Size entries (a checkpoint the asker holds), after entry After.
type proofQuery struct {
	Size  int64 `json:"size"`
	After int64 `json:"after"`
	Limit int   `json:"limit"`
}

// ProvenEntry is one audit entry with its inclusion proof.
type ProvenEntry struct {
	Entry core.AuditEntry `json:"entry"`
	Proof []string        `json:"proof"` // base64 hashes: RFC 6962 audit path
}

type proofAnswer struct {
	// Checkpoint is the peer's checkpoint now, with the proof that it
	// extends the one asked about.
	Checkpoint  string        `json:"checkpoint"`
	Consistency []string      `json:"consistency"`
	Entries     []ProvenEntry `json:"entries"`
	More        bool          `json:"more"`
}

// answerProofs answers a verified proof query from peer: this process's
// audit entries about the messages exchanged with peer, each with its
// inclusion proof in the tree of the size asked, and its checkpoint now
// with the proof that it extends that tree.
func (s *Service) answerProofs(ctx context.Context, v core.Viewer, peer *core.Peer, b *Bundle) ([]byte, error) {
	const action = "federation.proof_query"
	var q proofQuery
	dec := json.NewDecoder(bytes.NewReader(b.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil || q.Size < 1 || q.After < 0 || q.Limit < 1 || q.Limit > maxProofEntries {
		return nil, audit.Refuse(ctx, s.Store, v, action, invalid("payload", fmt.Sprintf("must be {size ≥ 1, after ≥ 0, limit 1 to %d}", maxProofEntries)))
	}
	switch {
	case s.AuditSigner == nil:
		return nil, audit.Refuse(ctx, s.Store, v, action, core.Errorf(core.EUNAVAILABLE, "this process signs no audit checkpoints"))
	case b.To != s.Self():
		return nil, audit.Refuse(ctx, s.Store, v, action, core.Errorf(core.EFORBIDDEN, "the query is addressed to %s, not %s", core.Clip(b.To, 40), s.Self()))
	case s.now().Sub(b.CreatedAt) > queryMaxAge || b.CreatedAt.Sub(s.now()) > queryMaxAge:
		return nil, audit.Refuse(ctx, s.Store, v, action, core.Errorf(core.ECONFLICT, "the query is older than %s (or from the future): refused as a possible replay", queryMaxAge))
	}
	if err := s.answerOnce(ctx, peer, b, "proof query", s.now()); err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, action, err)
	}
	var ans proofAnswer
	err := s.Store.View(ctx, func(tx core.Tx) error {
		size, err := audit.TreeSize(tx)
		if err != nil {
			return err
		}
		if q.Size > size {
			return invalid("size", fmt.Sprintf("this log has %d entries, fewer than %d: it was truncated, or the checkpoint is not this log's", size, q.Size))
		}
		msg, _, err := s.AuditSigner.Sign(tx, size)
		if err != nil {
			return err
		}
		ans.Checkpoint, ans.Consistency, ans.Entries = string(msg), []string{}, []ProvenEntry{}
		if size > q.Size {
			proof, err := audit.ProveConsistency(tx, q.Size, size)
			if err != nil {
				return err
			}
			ans.Consistency = hashStrings(proof)
		}
		es, err := tx.RecordAudit(peerRecord(peer.ID), q.After, q.Limit+1)
		if err != nil {
			return err
		}
		for _, e := range es {
			if e.Seq > q.Size {
				break
			}
			if len(ans.Entries) == q.Limit {
				ans.More = true
				break
			}
			p, err := audit.ProveInclusion(tx, e.Seq, q.Size)
			if err != nil {
				return err
			}
			ans.Entries = append(ans.Entries, ProvenEntry{Entry: p.Entry, Proof: hashStrings(p.Proof)})
		}
		return nil
	})
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, action, err)
	}
	e := audit.Entry(v, action, audit.OK)
	e.Query = fmt.Sprintf("%d audit entries about %s proven in the tree of %d", len(ans.Entries), peer.ID, q.Size)
	audit.Record(ctx, s.Store, e)
	payload, _ := json.Marshal(ans)
	return s.sealAnswer(peer, TypeProofAnswer, b.MessageID, 0, payload)
}

func hashStrings(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

// PeerVerification is what VerifyPeer found.
type PeerVerification struct {
	Peer string `json:"peer"`
	// Checkpoint is the peer's checkpoint held here that the proofs were
	// checked against; Current the size of the peer's log now.
	Checkpoint *core.PeerCheckpoint `json:"checkpoint"`
	Current    int64                `json:"current_size"`
	// Entries is how many of the peer's audit entries about the exchange
	// were proven in the checkpoint; Sent and Received how many of the
	// messages this side sent to and received from the peer before the
	// checkpoint were found among them.
	Entries  int `json:"entries_proven"`
	Sent     int `json:"sent_checked"`
	Received int `json:"received_checked"`
	// Problems lists every discrepancy; none means the peer's log holds,
	// unchanged, what it logged of the exchange up to the checkpoint.
	Problems []string `json:"problems"`
	OK       bool     `json:"ok"`
}

// VerifyPeer checks, against the last checkpoint of peer's audit log
// held here, that the peer has not rewritten what it logged of the
// messages exchanged with this process: it asks the peer for those
// entries with their inclusion proofs in that checkpoint's tree and for
// its checkpoint now, and checks that the current log extends the held
// one, that every entry is in the held tree, and that every message this
// side sent (and the peer answered) or received before the checkpoint
// was made — allowing skew for the clocks — has its entry, with the
// outcome this side recorded. It is for this process's administrators.
func (s *Service) VerifyPeer(ctx context.Context, v core.Viewer, peerID string, skew time.Duration) (*PeerVerification, error) {
	const action = "federation.verify"
	if err := s.operate(ctx, v, action); err != nil {
		return nil, err
	}
	var peer *core.Peer
	var held *core.PeerCheckpoint
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		if peer, err = tx.GetPeer(peerID, false); err != nil {
			return err
		}
		held, err = tx.LatestPeerCheckpoint(peerID)
		return err
	})
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, action, err)
	}
	out := &PeerVerification{Peer: peerID, Checkpoint: held, Problems: []string{}}
	problem := func(format string, args ...any) {
		if len(out.Problems) < 100 {
			out.Problems = append(out.Problems, fmt.Sprintf(format, args...))
		}
	}
	heldRoot, err := parseHash(held.RootHash)
	if err != nil {
		return nil, err
	}
	// The peer's entries about this side, page by page. The cursor moves
	// past every entry the peer answered with, proven or not, and a page
	// must move it: a peer whose entries do not prove (a rewritten log),
	// or that answers the same page again, is a problem to report, not a
	// page to ask for again. A checkpoint of Size entries holds at most
	// Size/maxProofEntries+1 pages.
	logged := map[string][]core.AuditEntry{} // message id → the peer's entries naming it
	var after int64
	maxPages := int(held.Size/maxProofEntries) + 1
	for page := 0; ; page++ {
		ans, err := s.askProofs(ctx, peer, proofQuery{Size: held.Size, After: after, Limit: maxProofEntries})
		if err != nil {
			return nil, audit.Refuse(ctx, s.Store, v, action, core.Errorf(core.EUNAVAILABLE, "%s did not answer with proofs: %s", peerID, core.Clip(err.Error(), 300)))
		}
		if page == 0 {
			c, err := audit.OpenCheckpoint([]byte(ans.Checkpoint), held.VerifierKeys)
			proof, perr := parseHashes(ans.Consistency)
			switch {
			case err != nil:
				problem("the peer's checkpoint now does not verify with the keys it used: %s", core.Clip(err.Error(), 200))
			case c.Origin != held.Origin:
				problem("the peer's log is now %q, not %q", core.Clip(c.Origin, 80), core.Clip(held.Origin, 80))
			case c.Size < held.Size:
				problem("the peer's log shrank from %d to %d entries: truncated", held.Size, c.Size)
			case perr != nil || (c.Size == held.Size && c.Hash != heldRoot) || (c.Size > held.Size && tlog.CheckTree(proof, c.Size, c.Hash, held.Size, heldRoot) != nil):
				problem("the peer's log of %d entries does not extend its checkpoint of %d: rewritten or forked", c.Size, held.Size)
			default:
				out.Current = c.Size
			}
		}
		last := after // the largest entry number of the page
		for _, pe := range ans.Entries {
			e := pe.Entry
			proof, err := parseHashes(pe.Proof)
			inOrder := e.Seq > last
			last = max(last, e.Seq)
			if err != nil || e.Seq < 1 || e.Seq > held.Size || !inOrder ||
				tlog.CheckRecord(proof, held.Size, heldRoot, e.Seq-1, audit.LeafHash(&e)) != nil {
				problem("the peer's audit entry %d is not in its checkpoint of %d entries: rewritten", e.Seq, held.Size)
				continue
			}
			if !slices.Contains(e.RecordIDs, peerRecord(s.Self())) {
				problem("the peer's audit entry %d does not name this process", e.Seq)
				continue
			}
			out.Entries++
			if id := loggedMessage(e.Query); id != "" {
				logged[id] = append(logged[id], e)
			}
		}
		if !ans.More || len(ans.Entries) == 0 {
			break
		}
		if last <= after {
			problem("the peer answered entries after %d with none past it, and more to come: the verification stops there", after)
			break
		}
		if page+1 >= maxPages {
			problem("the peer has more entries about this process than its checkpoint of %d entries can hold (%d pages of %d): the verification stops there",
				held.Size, maxPages, maxProofEntries)
			break
		}
		after = last
	}
	// What this side sent and received before the checkpoint was made
	// must be there, as this side recorded it.
	cutoff := held.CreatedAt.Add(-skew)
	err = s.Store.View(ctx, func(tx core.Tx) error {
		for _, dir := range []string{"sent", "received"} {
			var seq int64
			for {
				var xs []core.FedExchanged
				var err error
				if dir == "sent" {
					xs, err = tx.FedSentTo(peerID, seq, 1000)
				} else {
					xs, err = tx.FedReceivedFrom(peerID, seq, 1000)
				}
				if err != nil {
					return err
				}
				for _, x := range xs {
					seq = x.Seq
					if !x.At.Before(cutoff) {
						continue
					}
					want, wantAction := audit.OK, actionReceive // the peer applied what we sent
					switch {
					case dir == "sent" && (x.State == core.FedRefused || x.State == core.FedFailed || x.State == core.FedRequeued):
						want = audit.Denied
					case dir == "received":
						wantAction = actionSend
					}
					if !hasEntry(logged[x.MessageID], wantAction, want) {
						problem("message %s #%d (%s) is not in the peer's audit log as %s %s", x.MessageID, x.Seq, dir, wantAction, want)
					}
					if dir == "sent" {
						out.Sent++
					} else {
						out.Received++
					}
				}
				if len(xs) < 1000 {
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.OK = len(out.Problems) == 0
	e := audit.Entry(v, action, audit.OK)
	if !out.OK {
		e.Outcome = audit.Conflict
	}
	e.Query = fmt.Sprintf("%s against its checkpoint of %d: %d entries proven, %d sent and %d received checked, %d problems",
		peerID, held.Size, out.Entries, out.Sent, out.Received, len(out.Problems))
	audit.Record(ctx, s.Store, e)
	return out, nil
}

// loggedMessage reads the message id from a federation audit entry's
// summary ("<type> #<seq> <message id> …").
func loggedMessage(q string) string {
	f := strings.Fields(q)
	if len(f) < 3 || !strings.HasPrefix(f[1], "#") {
		return ""
	}
	return f[2]
}

func hasEntry(es []core.AuditEntry, action, outcome string) bool {
	for _, e := range es {
		if e.Action == action && e.Outcome == outcome {
			return true
		}
	}
	return false
}

// askProofs sends one proof query to p and returns its verified answer.
func (s *Service) askProofs(ctx context.Context, p *core.Peer, q proofQuery) (*proofAnswer, error) {
	payload, _ := json.Marshal(q)
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{p.Bureau}}
	id := uuid.Must(uuid.NewV7()).String()
	body, err := Seal(&Bundle{Origin: s.Self(), To: p.ID, MessageID: id, Seq: 1, Type: TypeProofQuery, ObjectID: id, Owner: s.operator(),
		Releasability: &rel, CreatedAt: s.now(), Payload: payload}, s.Key)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, proofQueryTimeout)
	defer cancel()
	raw, err := s.post(ctx, p.URL+PathInbox, bytes.NewReader(body), maxProofAnswer)
	if err != nil {
		return nil, err
	}
	// An answer may exceed one envelope's limit: it is opened within the
	// answer's own.
	b, canon, sig, err := openWithin(raw, maxProofAnswer)
	if err != nil {
		return nil, fmt.Errorf("unreadable answer: %s", core.ErrorMessage(err))
	}
	if err := Verify(p.PublicKey, canon, sig); err != nil || b.Type != TypeProofAnswer || b.Origin != p.ID || b.To != s.Self() || b.ObjectID != id {
		return nil, fmt.Errorf("the answer is not signed by %s, or answers another query", p.ID)
	}
	var ans proofAnswer
	if err := json.Unmarshal(b.Payload, &ans); err != nil {
		return nil, fmt.Errorf("unreadable answer payload")
	}
	if len(ans.Entries) > q.Limit {
		return nil, fmt.Errorf("the answer holds %d entries, more than the %d asked", len(ans.Entries), q.Limit)
	}
	return &ans, nil
}
