package federation

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// Retried is what Retry did with one failed message.
type Retried struct {
	MessageID string `json:"message_id"`
	Seq       int64  `json:"seq"`
	Type      string `json:"type"`
	// Outcome: "queued" (its place was not handed over yet: it is sent
	// from it), "requeued" (sealed anew at the end of the queue, as
	// NewMessageID #NewSeq) or "superseded" (a later message about the
	// same object was queued since: sending this one after it would undo
	// it; nothing done).
	Outcome      string `json:"outcome"`
	NewMessageID string `json:"new_message_id,omitempty"`
	NewSeq       int64  `json:"new_seq,omitempty"`
	Reason       string `json:"reason,omitempty"`
}

// Retry outcomes.
const (
	RetryQueued     = "queued"
	RetryRequeued   = "requeued"
	RetrySuperseded = "superseded"
)

// Retry queues again peer's failed messages (only messageID if set),
// for this process's administrators: a message failed by an earlier
// release on an answer that was no receipt, once the way to the peer is
// mended. One whose place was handed over is sealed anew, with this
// process's key, at the end of the queue; it is not re-queued when a
// later message about the same object was queued since (superseded: as
// a single message, refused 409). A message still too large fails again
// when its turn comes, with the same reason. Audited.
func (s *Service) Retry(ctx context.Context, v core.Viewer, peerID, messageID string) ([]Retried, error) {
	const action = "federation.retry"
	if err := s.operate(ctx, v, action); err != nil {
		return nil, err
	}
	messageID = strings.TrimSpace(messageID)
	if len(messageID) > maxIDLength {
		return nil, audit.Refuse(ctx, s.Store, v, action, invalid("message_id", fmt.Sprintf("at most %d bytes", maxIDLength)))
	}
	var out []Retried
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		out = nil
		p, err := tx.GetPeer(peerID, true)
		if err != nil {
			return err
		}
		ms, err := tx.FailedFed(p.ID, messageID, 1000)
		if err != nil {
			return err
		}
		if messageID != "" && len(ms) == 0 {
			return core.Errorf(core.ENOTFOUND, "no failed message %s for %s", messageID, p.ID)
		}
		now := s.now()
		var entries []*core.AuditEntry
		for _, m := range ms {
			r := Retried{MessageID: m.MessageID, Seq: m.Seq, Type: m.Type}
			state, attempts := m.State, m.Attempts
			switch {
			case m.DeliveredAt == nil:
				// Its place is still its own: sent from there.
				m.State, m.Attempts, m.NextAttempt, m.LastError = core.FedPending, 0, now, ""
				r.Outcome = RetryQueued
			default:
				later, err := tx.FedAfter(p.ID, m.ObjectID, m.Seq)
				if err != nil {
					return err
				}
				if later > 0 {
					r.Outcome, r.Reason = RetrySuperseded, fmt.Sprintf("message #%d about %s was queued after it: sending this one again would undo it", later, m.ObjectID)
					if messageID != "" {
						return core.Errorf(core.ECONFLICT, "%s", r.Reason)
					}
					out = append(out, r)
					continue
				}
				seq, err := tx.NextFedSeq(p.ID)
				if err != nil {
					return err
				}
				id := uuid.Must(uuid.NewV7()).String()
				body, err := reseal(m.Body, id, seq, s.Key)
				if err != nil {
					return core.Errorf(core.ECONFLICT, "message %s cannot be sealed again: %v", m.MessageID, err)
				}
				if err := tx.InsertFed(&core.FedMessage{Peer: p.ID, Seq: seq, MessageID: id, ObjectID: m.ObjectID, ObjectVersion: m.ObjectVersion,
					Type: m.Type, Body: body, State: core.FedPending, CreatedAt: now, NextAttempt: now}); err != nil {
					return err
				}
				m.State = core.FedRequeued
				m.LastError = core.Clip(fmt.Sprintf("re-queued as %s #%d; it had failed: %s", id, seq, m.LastError), 300)
				r.Outcome, r.NewMessageID, r.NewSeq = RetryRequeued, id, seq
			}
			wrote, err := tx.UpdateFed(m, state, attempts)
			if err != nil {
				return err
			}
			if !wrote {
				return core.Errorf(core.ECONFLICT, "message %s changed meanwhile: try again", m.MessageID)
			}
			e := audit.Entry(v, action, audit.OK, m.ObjectID, peerRecord(p.ID))
			e.Query = fmt.Sprintf("%s #%d %s to %s: %s", m.Type, m.Seq, m.MessageID, p.ID, r.Outcome)
			if r.NewSeq > 0 {
				e.Query += fmt.Sprintf(" as #%d %s", r.NewSeq, r.NewMessageID)
			}
			entries = append(entries, e)
			out = append(out, r)
		}
		if len(entries) == 0 {
			e := audit.Entry(v, action, audit.OK, peerRecord(p.ID))
			e.Query = fmt.Sprintf("%s: no failed message re-queued (%d superseded)", p.ID, len(out))
			entries = append(entries, e)
		}
		return audit.Append(tx, entries...)
	})
	if err != nil {
		return nil, audit.Refuse(ctx, s.Store, v, action, err)
	}
	if out == nil {
		out = []Retried{}
	}
	return out, nil
}

// reseal signs a stored envelope's bundle again as another message: the
// same content, under a new message id and sequence number.
func reseal(raw []byte, id string, seq int64, key ed25519.PrivateKey) ([]byte, error) {
	if key == nil {
		return nil, fmt.Errorf("this process has no federation key")
	}
	var env Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, err
	}
	var b map[string]json.RawMessage
	if err := json.Unmarshal(env.Bundle, &b); err != nil {
		return nil, err
	}
	b["message_id"], _ = json.Marshal(id)
	b["seq"], _ = json.Marshal(seq)
	plain, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	canon, err := Canonical(plain)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Envelope{Bundle: canon, Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, canon))})
}

// Query ids (hit/no-hit and proof queries) are kept to refuse a replay
// while a query is still taken: up to queryMaxAge after it was made,
// which may be queryMaxAge ahead of this clock. Past that it is refused
// for its age, and its id need not be kept; the margin allows for the
// clocks of the replicas sharing the store.
const (
	queryIDsKept     = 2*queryMaxAge + 10*time.Minute
	queryIDTrimBatch = 1000
	queryIDTrimEvery = time.Minute
)

// trimQueryIDs deletes the query ids kept longer than queryIDsKept, a
// bounded batch per peer, at most every queryIDTrimEvery unless the last
// pass left some.
func (s *Service) trimQueryIDs(ctx context.Context) error {
	now := s.now()
	s.trimMu.Lock()
	due := s.trimMore || now.Sub(s.lastTrim) >= queryIDTrimEvery || now.Before(s.lastTrim)
	s.trimMu.Unlock()
	if !due {
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
	more := false
	for _, p := range peers {
		var n int
		if err := s.Store.Update(ctx, func(tx core.Tx) error {
			var err error
			n, err = tx.TrimQueryIDs(p.ID, now.Add(-queryIDsKept), queryIDTrimBatch)
			return err
		}); err != nil {
			return err
		}
		more = more || n == queryIDTrimBatch
	}
	s.trimMu.Lock()
	s.lastTrim, s.trimMore = now, more
	s.trimMu.Unlock()
	return nil
}
