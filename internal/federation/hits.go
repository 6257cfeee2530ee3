package federation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
)

// TypeHitReport carries a hit a node made on a notice it received, up to
// the hub and on to the owner's node: the owner hears of every hit on its
// data, wherever the screening ran.
const TypeHitReport = "hit.report"

type hitPayload struct {
	Hit *core.Hit `json:"hit"`
}

// fanHit queues a new hit for the owner's side: at a node, one its own
// screening made on a record another bureau owns (a notice the hub
// circulated to it), up to the hub; at the hub, any hit on the data of a
// bureau that has a node, down to that node — revoked or not, as fanDown:
// its owner hears of it once the node is enrolled again.
func (s *Service) fanHit(tx core.Tx, peers []*core.Peer, e *core.Event, now time.Time) error {
	h, err := tx.GetHit(e.Subject)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	for _, p := range peers {
		switch {
		case s.Role == core.FedRoleNode && p.ID == core.PeerHub && h.Owner != s.Bureau && h.Searcher == s.Bureau:
			// Our screening hit another bureau's data: up to the hub.
			return s.enqueueHit(tx, p.ID, h, now)
		case s.Role == core.FedRoleHub && p.Role == core.FedRoleNode && p.Bureau == h.Owner && h.Searcher != h.Owner:
			// A hit at the hub on data whose owner has a node: down to it
			// (once, whether the hit was made here or reported by a node).
			return s.enqueueHit(tx, p.ID, h, now)
		}
	}
	return nil
}

// enqueueHit seals a hit report for peer and queues it, once.
func (s *Service) enqueueHit(tx core.Tx, peer string, h *core.Hit, now time.Time) error {
	id := messageID(peer, TypeHitReport, h.ID, 1)
	if ok, err := tx.HasFedMessage(peer, id); err != nil || ok {
		return err
	}
	seq, err := tx.NextFedSeq(peer)
	if err != nil {
		return err
	}
	body, err := json.Marshal(hitPayload{Hit: h})
	if err != nil {
		return err
	}
	// Only the two sides of a hit may hear of it.
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{h.Owner, h.Searcher}}
	sealed, err := Seal(&Bundle{Origin: s.Self(), To: peer, MessageID: id, Seq: seq, Type: TypeHitReport, ObjectID: h.ID, ObjectVersion: 1,
		Owner: h.Owner, Releasability: &rel, CreatedAt: now, Payload: body}, s.Key)
	if err != nil {
		return err
	}
	return tx.InsertFed(&core.FedMessage{Peer: peer, Seq: seq, MessageID: id, ObjectID: h.ID, ObjectVersion: 1, Type: TypeHitReport,
		Body: sealed, State: core.FedPending, CreatedAt: now, NextAttempt: now})
}

// applyHit imports a hit report in order. At the hub, from a node: the
// hit must be the node's own screening, on a notice the hub sent it; the
// hub keeps it (the owner's officers at the hub see it) and relays it to
// the owner's node. At a node, from the hub: the record must be the
// node's own bureau's.
func (s *Service) applyHit(tx core.Tx, p *core.Peer, b *Bundle, now time.Time) (int, error) {
	var pl hitPayload
	dec := json.NewDecoder(bytes.NewReader(b.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pl); err != nil || pl.Hit == nil || pl.Hit.ID != b.ObjectID {
		return 0, refusal{"the payload is not the bundle's hit"}
	}
	h := pl.Hit
	if h.Owner != b.Owner {
		return 0, refusal{fmt.Sprintf("the bundle names %s as owner, the hit %s", b.Owner, h.Owner)}
	}
	if s.Role == core.FedRoleHub && p.Role == core.FedRoleNode {
		// Before anything is said of the record: to a node, a record the
		// hub never sent it is one it knows nothing of, whether it exists
		// and whose it is.
		sent, err := tx.FedSent(p.ID, h.RecordID)
		if err != nil {
			return 0, err
		}
		if !sent {
			return 0, refusal{fmt.Sprintf("the hub never sent record %s to %s", core.Clip(h.RecordID, 64), p.Bureau)}
		}
	}
	rec, err := tx.GetRecord(h.RecordID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return 0, refusal{"the hit is on a record unknown here"}
	} else if err != nil {
		return 0, err
	}
	if rec.Owner != h.Owner {
		return 0, refusal{fmt.Sprintf("the record is %s's, not %s's", rec.Owner, h.Owner)}
	}
	switch {
	case s.Role == core.FedRoleHub && p.Role == core.FedRoleNode:
		if h.Searcher != p.Bureau {
			return 0, refusal{fmt.Sprintf("node %s reports only its own screenings' hits, not %s's", p.Bureau, h.Searcher)}
		}
	case s.Role == core.FedRoleNode && p.ID == core.PeerHub:
		if h.Owner != s.Bureau {
			return 0, refusal{fmt.Sprintf("the hit is on %s's record, not %s's", h.Owner, s.Bureau)}
		}
	default:
		return 0, refusal{fmt.Sprintf("a %s does not take hit reports from %s", s.Role, p.ID)}
	}
	stored, err := hits.ImportTx(tx, h, rec, now)
	if err != nil || !stored {
		return 0, err
	}
	if s.Role == core.FedRoleHub {
		// Queued for the owner's node even while it is revoked (held
		// until it enrols again), as fanHit does.
		owner, err := tx.GetPeer(h.Owner, false)
		if err == nil && owner.Role == core.FedRoleNode {
			if err := s.enqueueHit(tx, owner.ID, h, now); err != nil {
				return 0, err
			}
		} else if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return 0, err
		}
	}
	return 1, nil
}
