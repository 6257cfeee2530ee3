package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
)

// noticePayload is the payload of the notice messages.
type noticePayload struct {
	Record *core.Record `json:"record"`
	Notice *core.Notice `json:"notice"`
	Reason string       `json:"reason"`
}

// noticeOf reads the notice a message carries, refusing it unless what
// the bundle says of the object is what the object says: a releasability
// or caveat changed, or an owner swapped, on one and not the other. Both
// directions (the hub's notices down, a node's changes up) read it here,
// so that a check added for one holds for the other.
func noticeOf(b *Bundle) (noticePayload, error) {
	var pl noticePayload
	dec := json.NewDecoder(bytes.NewReader(b.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pl); err != nil || pl.Record == nil || pl.Notice == nil {
		return pl, refusal{"the payload is not a notice with its record"}
	}
	r := pl.Record
	switch {
	case r.ID != b.ObjectID || pl.Notice.ID != r.ID:
		return pl, refusal{"the payload's notice is not the bundle's object"}
	case r.Owner != b.Owner:
		return pl, refusal{fmt.Sprintf("the bundle names %s as owner, the notice %s", b.Owner, r.Owner)}
	case b.Releasability == nil || !sameReleasability(r.Releasability, *b.Releasability):
		return pl, refusal{"the notice's releasability differs from the bundle's"}
	case !slices.Equal(normCaveats(r.Caveats), normCaveats(b.Caveats)) || r.CaveatText != b.CaveatText:
		return pl, refusal{"the notice's caveats differ from the bundle's"}
	}
	return pl, nil
}

// Receive takes one envelope a peer posted, and returns the sealed
// receipt to answer with. An envelope that cannot be attributed to an
// enrolled peer (unreadable, unknown origin, a signature that does not
// verify, a revoked key) is an error: nothing is signed back. Everything
// else is answered with a receipt, accepted, duplicate, out of order or
// refused with the reason; every refusal is audited and recorded, and a
// refused message stores nothing.
func (s *Service) Receive(ctx context.Context, remote string, raw []byte) ([]byte, error) {
	b, peer, v, err := s.attribute(ctx, remote, raw, nil)
	if err != nil {
		return nil, err
	}
	switch {
	case b.Type == TypeScreenQuery:
		return s.answerQuery(ctx, v, peer, b)
	case b.Type == TypeProofQuery:
		return s.answerProofs(ctx, v, peer, b)
	case !sequenced(b.Type):
		return s.deny(ctx, v, b, invalid("type", "a receipt or an answer comes back with the response; it is not posted"))
	}
	rc := s.applyBatch(ctx, v, peer, []*Bundle{b})[0]
	payload, _ := json.Marshal(rc)
	return s.sealAnswer(peer, TypeReceipt, b.MessageID, b.Seq, payload)
}

// ReceiveBatch takes a batch a peer posted ({"envelopes": [...]}, each
// envelope signed by its origin on its own) and returns one sealed
// receipt naming each message's outcome, in order. The messages are
// applied in one transaction (one disk sync for the batch), each inside
// its own savepoint. An envelope that cannot be attributed ends the
// batch there: the messages before it are answered, the rest are not
// (the sender sends them again, and the unattributable one, at the head
// of its next batch, is refused without a receipt, as when sent alone).
func (s *Service) ReceiveBatch(ctx context.Context, remote string, raw []byte) ([]byte, error) {
	envs, err := ParseBatch(raw)
	if err != nil {
		return s.deny(ctx, core.Viewer{Remote: remote}, nil, err)
	}
	var bs []*Bundle
	var peer *core.Peer
	var v core.Viewer
	for i, env := range envs {
		b, p, pv, err := s.attribute(ctx, remote, env, peer)
		if err == nil && !sequenced(b.Type) {
			_, err = s.deny(ctx, pv, b, invalid(fmt.Sprintf("envelopes[%d].type", i), "only messages that take a place in the sequence travel in a batch"))
		}
		if err != nil {
			if i == 0 {
				return nil, err
			}
			break
		}
		bs, peer, v = append(bs, b), p, pv
	}
	rcs := s.applyBatch(ctx, v, peer, bs)
	out := BatchReceipt{Receipts: make([]MessageReceipt, len(bs))}
	for i, b := range bs {
		out.Receipts[i] = MessageReceipt{MessageID: b.MessageID, Seq: b.Seq, Receipt: rcs[i]}
	}
	payload, _ := json.Marshal(out)
	return s.sealAnswer(peer, TypeBatchReceipt, bs[0].MessageID, int64(len(bs)), payload)
}

// ParseBatch reads a batch as received, without trusting it: its
// envelopes, each still to be opened and verified on its own.
func ParseBatch(raw []byte) ([]json.RawMessage, error) {
	if len(raw) > MaxBatchBytes {
		return nil, core.Errorf(core.ETOOLARGE, "a federation batch is at most %d bytes", MaxBatchBytes)
	}
	var batch struct {
		Envelopes []json.RawMessage `json:"envelopes"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&batch); err != nil {
		return nil, invalid("envelopes", "must be a JSON object {\"envelopes\": [envelope, …]}: "+core.Clip(err.Error(), 120))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("envelopes", "must be one JSON object, with nothing after it")
	}
	if n := len(batch.Envelopes); n == 0 || n > MaxBatchMessages {
		return nil, invalid("envelopes", fmt.Sprintf("must hold 1 to %d envelopes", MaxBatchMessages))
	}
	return batch.Envelopes, nil
}

// sealAnswer signs this process's answer to peer about the message
// named by object.
func (s *Service) sealAnswer(peer *core.Peer, typ, object string, version int64, payload []byte) ([]byte, error) {
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{peer.Bureau}}
	return Seal(&Bundle{Origin: s.Self(), To: peer.ID, MessageID: uuid.Must(uuid.NewV7()).String(), Type: typ, ObjectID: object,
		ObjectVersion: version, Owner: s.operator(), Releasability: &rel, CreatedAt: s.now(), Payload: payload}, s.Key)
}

// attribute opens one envelope and verifies it against its origin's
// enrolled key; known, if set, is the only origin accepted (a batch
// carries one peer's messages), as read for the batch's first envelope.
// Every failure is audited.
func (s *Service) attribute(ctx context.Context, remote string, raw []byte, known *core.Peer) (*Bundle, *core.Peer, core.Viewer, error) {
	v := core.Viewer{Remote: remote}
	b, canon, sig, err := Open(raw)
	if err != nil {
		_, err = s.deny(ctx, v, nil, err)
		return nil, nil, v, err
	}
	if known != nil && b.Origin != known.ID {
		_, err = s.deny(ctx, v, b, invalid("origin", fmt.Sprintf("a batch carries the messages of one origin (%s)", known.ID)))
		return nil, nil, v, err
	}
	peer := known // the batch's origin, read for its first envelope
	if peer == nil {
		err = s.Store.View(ctx, func(tx core.Tx) error {
			var err error
			peer, err = tx.GetPeer(b.Origin, false)
			return err
		})
	}
	if core.ErrorCode(err) == core.ENOTFOUND || (err == nil && (peer.ID == s.Self() || peer.State != core.PeerActive)) {
		_, err = s.deny(ctx, v, b, core.Errorf(core.EUNAUTHORIZED, "%q is not an enrolled peer of this %s (or its key was revoked)", core.Clip(b.Origin, 40), s.Role))
		return nil, nil, v, err
	} else if err != nil {
		return nil, nil, v, err
	}
	v = core.Viewer{Remote: remote, Bureau: peer.Bureau, KeyID: "federation:" + peer.ID}
	if err := Verify(peer.PublicKey, canon, sig); err != nil {
		s.recordRefusal(ctx, peer.ID, b, "forged: "+core.ErrorMessage(err))
		_, err = s.deny(ctx, v, b, err)
		return nil, nil, v, err
	}
	return b, peer, v, nil
}

// deny audits a delivery that is refused without a receipt.
func (s *Service) deny(ctx context.Context, v core.Viewer, b *Bundle, err error) ([]byte, error) {
	e := audit.Entry(v, actionReceive, audit.OutcomeOf(err))
	e.Query = core.Clip(core.ErrorMessage(err), 300)
	if b != nil {
		e.Query = fmt.Sprintf("%s #%d %s from %s to %s: %s", b.Type, b.Seq, b.MessageID, b.Origin, b.To, e.Query)
	}
	audit.Record(ctx, s.Store, e)
	return nil, err
}

const actionReceive = "federation.receive"

func (s *Service) recordRefusal(ctx context.Context, peer string, b *Bundle, reason string) {
	s.Store.Update(context.WithoutCancel(ctx), func(tx core.Tx) error {
		return s.insertRefusal(tx, peer, b, reason)
	})
}

func (s *Service) insertRefusal(tx core.Tx, peer string, b *Bundle, reason string) error {
	return tx.InsertFedRefusal(&core.FedRefusal{ID: uuid.Must(uuid.NewV7()).String(), Peer: peer, Direction: "in", MessageID: b.MessageID,
		Type: b.Type, Reason: core.Clip(reason, 500), At: s.now()})
}

// refusal is a message that will never be applied, and why.
type refusal struct{ reason string }

func (r refusal) Error() string { return r.reason }

func asRefusal(err error, r *refusal) bool {
	x, ok := err.(refusal)
	if ok {
		*r = x
	}
	return ok
}

// applyBatch checks verified bundles from peer, in the order sent, and
// applies each at most once and in order, all in one transaction: one
// receipt per bundle. Each message is applied inside its own savepoint,
// so one refused for what it says (not for when it came) is undone
// alone — nothing of it is stored — while it still takes its place in
// the sequence and the batch's other messages apply. A local failure
// (the store) rolls the whole batch back: every message is answered
// "send it again", and nothing of the batch, nor its place in the
// sequence, was kept.
func (s *Service) applyBatch(ctx context.Context, v core.Viewer, peer *core.Peer, bs []*Bundle) []Receipt {
	var rcs []Receipt
	var evs int
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		rcs, evs = make([]Receipt, len(bs)), 0
		p, err := tx.GetPeer(peer.ID, true) // serialises this peer's deliveries
		if err != nil {
			return err
		}
		now := s.now()
		if err := tx.TouchPeer(p.ID, now); err != nil {
			return err
		}
		recv := p.RecvSeq
		// The batch's audit entries, one per message, are appended
		// together at the end, in this transaction: the log's head and
		// tree move once for the batch. Should that fail, the whole batch
		// is rolled back with them.
		var entries []*core.AuditEntry
		for i, b := range bs {
			summary := fmt.Sprintf("%s #%d %s from %s: ", b.Type, b.Seq, b.MessageID, peer.ID)
			note := func(outcome, what string) error {
				e := audit.Entry(v, actionReceive, outcome, b.ObjectID, peerRecord(p.ID))
				e.Query = summary + core.Clip(what, 300)
				entries = append(entries, e)
				return nil
			}
			if b.To != s.Self() {
				// Signed by the peer, but for someone else: a replay to
				// the wrong process, or a misrouted message. It takes no
				// place here.
				reason := fmt.Sprintf("addressed to %s, not to %s", core.Clip(b.To, 40), s.Self())
				rcs[i] = Receipt{Outcome: OutcomeRefused, Reason: reason}
				if err := s.insertRefusal(tx, p.ID, b, reason); err != nil {
					return err
				}
				if err := note(audit.Denied, reason); err != nil {
					return err
				}
				continue
			}
			applied, err := tx.Applied(p.ID, b.MessageID, b.ObjectVersion)
			if err != nil {
				return err
			}
			switch {
			case applied || b.Seq <= recv:
				rcs[i] = Receipt{Outcome: OutcomeDuplicate, Reason: "already received: nothing changed"}
				if err := note(audit.Conflict, "replayed or delivered twice: nothing changed"); err != nil {
					return err
				}
				continue
			case b.Seq != recv+1:
				rcs[i] = Receipt{Outcome: OutcomeOutOfOrder, ExpectedSeq: recv + 1, Reason: fmt.Sprintf("message %d comes first", recv+1)}
				if err := note(audit.Conflict, rcs[i].Reason); err != nil {
					return err
				}
				continue
			}
			var n int
			err = tx.Savepoint(func() error {
				var err error
				if n, err = s.applyTx(tx, p, b); err != nil {
					return err
				}
				if s.failAfterApply != nil {
					if err := s.failAfterApply(b); err != nil {
						return err
					}
				}
				return tx.MarkApplied(p.ID, b.MessageID, b.ObjectVersion, b.Seq, now)
			})
			var ref refusal
			switch {
			case err == nil:
				rcs[i] = Receipt{Outcome: OutcomeAccepted}
				evs += n
				note(audit.OK, "applied")
			case asRefusal(err, &ref):
				rcs[i] = Receipt{Outcome: OutcomeRefused, Reason: ref.reason}
				if err := s.insertRefusal(tx, p.ID, b, ref.reason); err != nil {
					return err
				}
				if err := note(audit.Denied, "refused: "+ref.reason); err != nil {
					return err
				}
			default:
				return err
			}
			recv = b.Seq
		}
		if recv != p.RecvSeq {
			p.RecvSeq = recv
			p.Version++
			if err := tx.UpdatePeer(p); err != nil {
				return err
			}
		}
		return audit.Append(tx, entries...)
	})
	if err != nil {
		s.Log.Error("federation receive", "peer", peer.ID, "messages", len(bs), "first", bs[0].MessageID, "err", err)
		// Not applied, not refused: the sender tries again later.
		rcs = make([]Receipt, len(bs))
		for i, b := range bs {
			rcs[i] = Receipt{Outcome: OutcomeOutOfOrder, ExpectedSeq: b.Seq, Reason: "not applied (a local failure): send it again"}
		}
		return rcs
	}
	if evs > 0 {
		s.changed()
	}
	return rcs
}

func (s *Service) audit(ctx context.Context, v core.Viewer, action, outcome, query string, ids ...string) {
	e := audit.Entry(v, action, outcome, ids...)
	e.Query = core.Clip(query, 400)
	audit.Record(ctx, s.Store, e)
}

// applyTx applies one message in order inside tx, and returns how many
// events it wrote. A refusal error rolls the transaction back.
func (s *Service) applyTx(tx core.Tx, p *core.Peer, b *Bundle) (int, error) {
	switch b.Type {
	case TypeFailed:
		// Nothing to apply: the refusal records the loss here, and the
		// message's place is taken.
		var pl failedPayload
		json.Unmarshal(b.Payload, &pl)
		return 0, refusal{fmt.Sprintf("%s gave up on this %s message and will not send it: %s", p.ID, core.Clip(pl.Type, 40), core.Clip(pl.Reason, 300))}
	case TypeHitReport:
		return s.applyHit(tx, p, b, s.now())
	case TypeCheckpoint:
		return s.applyCheckpoint(tx, p, b)
	case TypeHitState:
		return s.applyHitState(tx, p, b, s.now())
	}
	if isUpChange(b.Type) {
		return s.applyUp(tx, p, b)
	}
	pl, err := noticeOf(b)
	if err != nil {
		return 0, err
	}
	r := pl.Record
	t := s.now()
	var evs []*core.Event
	switch {
	case s.Role == core.FedRoleNode && p.ID == core.PeerHub && (b.Type == TypeNoticePut || b.Type == TypeNoticeWithdraw):
		withdraw := b.Type == TypeNoticeWithdraw
		if !withdraw && !access.CanSee(access.FederationPeer(s.Bureau), r) {
			// The hub should not have sent it: refused, stored nowhere.
			return 0, refusal{fmt.Sprintf("notice %s is not released to %s", r.ID, s.Bureau)}
		}
		evs, err = notices.MirrorTx(tx, notices.Snapshot{Record: r, Notice: pl.Notice}, withdraw, pl.Reason, s.Bureau, t)
	case s.Role == core.FedRoleHub && p.Role == core.FedRoleNode && b.Type == TypeNoticeRequest:
		if b.Owner != p.Bureau {
			return 0, refusal{fmt.Sprintf("node %s may send only its own bureau's notices, not %s's", p.Bureau, core.Clip(b.Owner, 20))}
		}
		evs, err = notices.SubmitRequestTx(tx, access.FederationPeer(p.Bureau), notices.Snapshot{Record: r, Notice: pl.Notice}, t)
	case s.Role == core.FedRoleHub && p.Role == core.FedRoleNode && b.Type == TypeNoticeCancel:
		if b.Owner != p.Bureau {
			return 0, refusal{fmt.Sprintf("node %s may cancel only its own bureau's notices, not %s's", p.Bureau, core.Clip(b.Owner, 20))}
		}
		evs, err = notices.CancelTx(tx, access.FederationPeer(p.Bureau), r.ID, pl.Reason, t)
	default:
		return 0, refusal{fmt.Sprintf("a %s does not take %s messages from %s", s.Role, b.Type, p.ID)}
	}
	return applied(tx, evs, err)
}

func sameReleasability(a, b core.Releasability) bool {
	return a.Mode == b.Mode && slices.Equal(sortedCopy(a.Countries), sortedCopy(b.Countries))
}

func sortedCopy(xs []string) []string {
	c := slices.Clone(xs)
	slices.Sort(c)
	return c
}

func normCaveats(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	return sortedCopy(xs)
}

// applied ends the applying of a message that a notices workflow step
// decided: the step's refusal (invalid, forbidden, conflicting, not found)
// is the message's, recorded as such; otherwise its events are written
// and counted.
func applied(tx core.Tx, evs []*core.Event, err error) (int, error) {
	if err != nil {
		switch core.ErrorCode(err) {
		case core.EINVALID, core.EFORBIDDEN, core.ECONFLICT, core.ENOTFOUND:
			return 0, refusal{core.ErrorMessage(err)}
		}
		return 0, err
	}
	for _, e := range evs {
		if err := tx.InsertEvent(e); err != nil {
			return 0, err
		}
	}
	return len(evs), nil
}
