package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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

// Receive takes one envelope a peer posted, and returns the sealed
// receipt to answer with. An envelope that cannot be attributed to an
// enrolled peer (unreadable, unknown origin, a signature that does not
// verify, a revoked key) is an error: nothing is signed back. Everything
// else is answered with a receipt, accepted, duplicate, out of order or
// refused with the reason; every refusal is audited and recorded, and a
// refused message stores nothing.
func (s *Service) Receive(ctx context.Context, remote string, raw []byte) ([]byte, error) {
	const action = "federation.receive"
	v := core.Viewer{Remote: remote}
	deny := func(b *Bundle, err error) ([]byte, error) {
		e := audit.Entry(v, action, audit.OutcomeOf(err))
		e.Query = clip(core.ErrorMessage(err), 300)
		if b != nil {
			e.Query = fmt.Sprintf("%s #%d %s from %s to %s: %s", b.Type, b.Seq, b.MessageID, b.Origin, b.To, e.Query)
		}
		audit.Record(ctx, s.Store, e)
		return nil, err
	}
	b, canon, sig, err := Open(raw)
	if err != nil {
		return deny(nil, err)
	}
	var peer *core.Peer
	err = s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		peer, err = tx.GetPeer(b.Origin, false)
		return err
	})
	if core.ErrorCode(err) == core.ENOTFOUND || (err == nil && (peer.ID == s.Self() || peer.State != core.PeerActive)) {
		return deny(b, core.Errorf(core.EUNAUTHORIZED, "%q is not an enrolled peer of this %s (or its key was revoked)", clip(b.Origin, 40), s.Role))
	} else if err != nil {
		return nil, err
	}
	v = core.Viewer{Remote: remote, Bureau: peer.Bureau, KeyID: "federation:" + peer.ID}
	if err := Verify(peer.PublicKey, canon, sig); err != nil {
		s.recordRefusal(ctx, peer.ID, b, "forged: "+core.ErrorMessage(err))
		return deny(b, err)
	}
	switch b.Type {
	case TypeReceipt, TypeScreenAnswer:
		return deny(b, invalid("type", "a receipt or an answer comes back with the response; it is not posted"))
	case TypeScreenQuery:
		return s.answerQuery(ctx, v, peer, b)
	}
	rc := s.apply(ctx, v, peer, b)
	if rc.Outcome == OutcomeRefused {
		s.recordRefusal(ctx, peer.ID, b, rc.Reason)
	}
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{peer.Bureau}}
	payload, _ := json.Marshal(rc)
	return Seal(&Bundle{Origin: s.Self(), To: peer.ID, MessageID: uuid.Must(uuid.NewV7()).String(), Type: TypeReceipt, ObjectID: b.MessageID,
		ObjectVersion: b.Seq, Owner: s.operator(), Releasability: &rel, CreatedAt: s.now(), Payload: payload}, s.Key)
}

func (s *Service) recordRefusal(ctx context.Context, peer string, b *Bundle, reason string) {
	s.Store.Update(context.WithoutCancel(ctx), func(tx core.Tx) error {
		return tx.InsertFedRefusal(&core.FedRefusal{ID: uuid.Must(uuid.NewV7()).String(), Peer: peer, Direction: "in", MessageID: b.MessageID,
			Type: b.Type, Reason: clip(reason, 500), At: s.now()})
	})
}

// refusal is a message that will never be applied, and why.
type refusal struct{ reason string }

func (r refusal) Error() string { return r.reason }

// apply checks a verified bundle from peer and applies it, at most once
// and in order. A message refused for what it says (not for when it
// came) still takes its place in the sequence, so the next one is not
// held up behind it.
func (s *Service) apply(ctx context.Context, v core.Viewer, peer *core.Peer, b *Bundle) Receipt {
	const action = "federation.receive"
	summary := fmt.Sprintf("%s #%d %s from %s: ", b.Type, b.Seq, b.MessageID, peer.ID)
	if b.To != s.Self() {
		// Signed by the peer, but for someone else: a replay to the
		// wrong node, or a misrouted message. It takes no place here.
		reason := fmt.Sprintf("addressed to %s, not to %s", clip(b.To, 40), s.Self())
		s.audit(ctx, v, action, audit.Denied, summary+reason, b.ObjectID)
		return Receipt{Outcome: OutcomeRefused, Reason: reason}
	}
	var rc Receipt
	var evs int
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		rc, evs = Receipt{}, 0
		p, err := tx.GetPeer(peer.ID, true) // serialises this peer's messages
		if err != nil {
			return err
		}
		now := s.now()
		if err := tx.TouchPeer(p.ID, now); err != nil {
			return err
		}
		applied, err := tx.Applied(p.ID, b.MessageID, b.ObjectVersion)
		if err != nil {
			return err
		}
		switch {
		case applied || b.Seq <= p.RecvSeq:
			rc = Receipt{Outcome: OutcomeDuplicate, Reason: "already received: nothing changed"}
			e := audit.Entry(v, action, audit.Conflict, b.ObjectID)
			e.Query = summary + "replayed or delivered twice: nothing changed"
			return audit.Append(tx, e)
		case b.Seq != p.RecvSeq+1:
			rc = Receipt{Outcome: OutcomeOutOfOrder, ExpectedSeq: p.RecvSeq + 1, Reason: fmt.Sprintf("message %d comes first", p.RecvSeq+1)}
			e := audit.Entry(v, action, audit.Conflict, b.ObjectID)
			e.Query = summary + rc.Reason
			return audit.Append(tx, e)
		}
		n, err := s.applyTx(tx, p, b)
		if err != nil {
			return err
		}
		evs = n
		if err := tx.MarkApplied(p.ID, b.MessageID, b.ObjectVersion, b.Seq, now); err != nil {
			return err
		}
		p.RecvSeq = b.Seq
		p.Version++
		if err := tx.UpdatePeer(p); err != nil {
			return err
		}
		rc = Receipt{Outcome: OutcomeAccepted}
		e := audit.Entry(v, action, audit.OK, b.ObjectID)
		e.Query = summary + "applied"
		return audit.Append(tx, e)
	})
	var ref refusal
	switch {
	case err == nil:
		if evs > 0 {
			s.changed()
		}
		return rc
	case asRefusal(err, &ref):
		return s.refuseInOrder(ctx, v, peer, b, summary, ref.reason)
	default:
		s.Log.Error("federation receive", "peer", peer.ID, "message", b.MessageID, "err", err)
		// Not applied, not refused: the sender tries again later.
		return Receipt{Outcome: OutcomeOutOfOrder, ExpectedSeq: b.Seq, Reason: "not applied (a local failure): send it again"}
	}
}

func asRefusal(err error, r *refusal) bool {
	x, ok := err.(refusal)
	if ok {
		*r = x
	}
	return ok
}

// refuseInOrder records a refusal in the sequence: the transaction that
// tried to apply the message rolled back, so nothing of it is stored.
func (s *Service) refuseInOrder(ctx context.Context, v core.Viewer, peer *core.Peer, b *Bundle, summary, reason string) Receipt {
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		p, err := tx.GetPeer(peer.ID, true)
		if err != nil {
			return err
		}
		if p.RecvSeq == b.Seq-1 {
			p.RecvSeq = b.Seq
			p.Version++
			if err := tx.UpdatePeer(p); err != nil {
				return err
			}
		}
		e := audit.Entry(v, "federation.receive", audit.Denied, b.ObjectID)
		e.Query = summary + "refused: " + clip(reason, 300)
		return audit.Append(tx, e)
	})
	if err != nil {
		return Receipt{Outcome: OutcomeOutOfOrder, ExpectedSeq: b.Seq, Reason: "not applied (a local failure): send it again"}
	}
	return Receipt{Outcome: OutcomeRefused, Reason: reason}
}

func (s *Service) audit(ctx context.Context, v core.Viewer, action, outcome, query string, ids ...string) {
	e := audit.Entry(v, action, outcome, ids...)
	e.Query = clip(query, 400)
	audit.Record(ctx, s.Store, e)
}

// applyTx applies one message in order inside tx, and returns how many
// events it wrote. A refusal error rolls the transaction back.
func (s *Service) applyTx(tx core.Tx, p *core.Peer, b *Bundle) (int, error) {
	if b.Type == TypeHitReport {
		return s.applyHit(tx, p, b, s.now())
	}
	if isUpChange(b.Type) {
		return s.applyUp(tx, p, b)
	}
	if b.Type == TypeHitState {
		return s.applyHitState(tx, p, b, s.now())
	}
	var pl noticePayload
	dec := json.NewDecoder(bytes.NewReader(b.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pl); err != nil || pl.Record == nil || pl.Notice == nil {
		return 0, refusal{"the payload is not a notice with its record"}
	}
	r := pl.Record
	// What the bundle says of the object must be what the object says:
	// a releasability or caveat changed, or an owner swapped, on one and
	// not the other is refused.
	switch {
	case r.ID != b.ObjectID || pl.Notice.ID != r.ID:
		return 0, refusal{"the payload's notice is not the bundle's object"}
	case r.Owner != b.Owner:
		return 0, refusal{fmt.Sprintf("the bundle names %s as owner, the notice %s", b.Owner, r.Owner)}
	case !sameReleasability(r.Releasability, *b.Releasability):
		return 0, refusal{"the notice's releasability differs from the bundle's"}
	case !slices.Equal(normCaveats(r.Caveats), normCaveats(b.Caveats)) || r.CaveatText != b.CaveatText:
		return 0, refusal{"the notice's caveats differ from the bundle's"}
	}
	t := s.now()
	var evs []*core.Event
	var err error
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
			return 0, refusal{fmt.Sprintf("node %s may send only its own bureau's notices, not %s's", p.Bureau, clip(b.Owner, 20))}
		}
		evs, err = notices.SubmitRequestTx(tx, access.FederationPeer(p.Bureau), notices.Snapshot{Record: r, Notice: pl.Notice}, t)
	case s.Role == core.FedRoleHub && p.Role == core.FedRoleNode && b.Type == TypeNoticeCancel:
		if b.Owner != p.Bureau {
			return 0, refusal{fmt.Sprintf("node %s may cancel only its own bureau's notices, not %s's", p.Bureau, clip(b.Owner, 20))}
		}
		evs, err = notices.CancelTx(tx, access.FederationPeer(p.Bureau), r.ID, pl.Reason, t)
	default:
		return 0, refusal{fmt.Sprintf("a %s does not take %s messages from %s", s.Role, b.Type, p.ID)}
	}
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
