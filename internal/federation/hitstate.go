package federation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
)

// A hit's later steps: each side's state changes (being checked,
// confirmed, false positive, action taken) travel between the processes
// that keep the hit — the searcher's node, the hub, the owner's node — so
// that both sides see the same states. A step is named by its side and
// its number among that side's steps: applied once, in order, and never
// sent back to the process it came from.

// TypeHitState carries one side's state change of a hit.
const TypeHitState = "hit.state"

type hitStatePayload struct {
	HitID string `json:"hit_id"`
	Side  string `json:"side"`
	// Index is the step's number among its side's steps, from 1.
	Index int          `json:"index"`
	Step  core.HitStep `json:"step"`
}

// hitImported reports whether h came to this process from another.
func hitImported(h *core.Hit) bool { return h.DedupKey == "federated:"+h.ID }

// hitPeers is who, among peers, keeps a copy of h: at a node, the hub if
// the hit went up to it or came down from it; at the hub, the owner's and
// the searcher's nodes that it was sent to or came from. A revoked peer
// is among them: its steps wait in its queue, as fanDown's notices do.
func (s *Service) hitPeers(tx core.Tx, peers []*core.Peer, h *core.Hit) ([]*core.Peer, error) {
	var out []*core.Peer
	for _, p := range peers {
		if p.ID == s.Self() {
			continue
		}
		switch {
		case s.Role == core.FedRoleNode && p.ID == core.PeerHub:
		case s.Role == core.FedRoleHub && p.Role == core.FedRoleNode && (p.Bureau == h.Owner || p.Bureau == h.Searcher):
		default:
			continue
		}
		sent, err := tx.FedSent(p.ID, h.ID)
		if err != nil {
			return nil, err
		}
		// A hit imported at the hub came from its searcher's node; at a
		// node, from the hub.
		from := hitImported(h) && (s.Role == core.FedRoleNode || p.Bureau == h.Searcher)
		if sent || from {
			out = append(out, p)
		}
	}
	return out, nil
}

// fanHitState queues every step of the hit an event tells of for each
// peer that keeps a copy, but the one the step came from; a step already
// queued for a peer is not queued again.
func (s *Service) fanHitState(tx core.Tx, peers []*core.Peer, e *core.Event, now time.Time) error {
	h, err := tx.GetHit(e.Subject)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	targets, err := s.hitPeers(tx, peers, h)
	if err != nil || len(targets) == 0 {
		return err
	}
	rec, err := tx.GetRecord(h.RecordID)
	if err != nil {
		return err
	}
	// The searcher hears of the owner's moves only while the record is
	// released to it, as at a single process (filter before transfer): a
	// step held back goes later, in order, if the record is released to
	// it again.
	searcherSees := access.CanSeeHit(access.BureauViewer(h.Searcher, ""), rec.Owner, rec.Status, rec.Releasability)
	for _, p := range targets {
		counts := map[string]int{}
		for _, st := range h.History {
			counts[st.Side]++
			if st.Via == p.ID {
				continue
			}
			if st.Side == hits.Owner && p.Bureau == h.Searcher && h.Searcher != h.Owner && !searcherSees {
				continue
			}
			if err := s.enqueueHitStep(tx, p.ID, h, st, counts[st.Side], now); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) enqueueHitStep(tx core.Tx, peer string, h *core.Hit, st core.HitStep, index int, now time.Time) error {
	id := messageID(peer, TypeHitState, h.ID+"/"+st.Side, int64(index))
	if ok, err := tx.HasFedMessage(peer, id); err != nil || ok {
		return err
	}
	seq, err := tx.NextFedSeq(peer)
	if err != nil {
		return err
	}
	st.Via = "" // where it came from is each process's own bookkeeping
	body, err := json.Marshal(hitStatePayload{HitID: h.ID, Side: st.Side, Index: index, Step: st})
	if err != nil {
		return err
	}
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{h.Owner, h.Searcher}}
	sealed, err := Seal(&Bundle{Origin: s.Self(), To: peer, MessageID: id, Seq: seq, Type: TypeHitState, ObjectID: h.ID, ObjectVersion: int64(index),
		Owner: h.Owner, Releasability: &rel, CreatedAt: now, Payload: body}, s.Key)
	if err != nil {
		return err
	}
	return tx.InsertFed(&core.FedMessage{Peer: peer, Seq: seq, MessageID: id, ObjectID: h.ID, ObjectVersion: int64(index), Type: TypeHitState,
		Body: sealed, State: core.FedPending, CreatedAt: now, NextAttempt: now})
}

// applyHitState applies one side's step in order. Only a side may change
// its own state: at the hub, the node of that side's bureau; at a node,
// the hub relaying it, on a hit this node's bureau is a side of. A step
// this process has already is a duplicate (nothing changes); one that
// differs from the step it has under the same number (the side changed
// at two processes at once) is refused, as is a step that skips one or a
// transition the hits' workflow does not allow.
func (s *Service) applyHitState(tx core.Tx, p *core.Peer, b *Bundle, now time.Time) (int, error) {
	pl, err := parseHitStep(b)
	if err != nil {
		return 0, err
	}
	st := pl.Step
	unknown := refusal{fmt.Sprintf("hit %s is unknown here", core.Clip(pl.HitID, 40))}
	h, err := tx.GetHit(pl.HitID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return 0, unknown
	} else if err != nil {
		return 0, err
	}
	if s.Role == core.FedRoleHub && p.Role == core.FedRoleNode && p.Bureau != h.Owner && p.Bureau != h.Searcher {
		// A node that is no side of the hit is told what it would be of
		// a hit that does not exist: nothing of its reference, owner or
		// searcher, nor that it exists (the receipt is signed and kept).
		return 0, unknown
	}
	if h.Owner != b.Owner {
		return 0, refusal{fmt.Sprintf("the bundle names %s as owner, the hit %s", core.Clip(b.Owner, 20), h.Owner)}
	}
	sideBureau := h.Owner
	if pl.Side == hits.Searcher {
		sideBureau = h.Searcher
	}
	switch {
	case s.Role == core.FedRoleHub && p.Role == core.FedRoleNode:
		if p.Bureau != sideBureau {
			return 0, refusal{fmt.Sprintf("node %s may change only its own side of hit %s, not the %s's", p.Bureau, h.Reference, pl.Side)}
		}
	case s.Role == core.FedRoleNode && p.ID == core.PeerHub:
		if h.Owner != s.Bureau && h.Searcher != s.Bureau {
			return 0, refusal{fmt.Sprintf("hit %s is not %s's", h.Reference, s.Bureau)}
		}
	default:
		return 0, refusal{fmt.Sprintf("a %s does not take hit state changes from %s", s.Role, p.ID)}
	}
	if st.Bureau != sideBureau {
		return 0, refusal{fmt.Sprintf("the %s side of hit %s is %s's, not %s's", pl.Side, h.Reference, sideBureau, core.Clip(st.Bureau, 20))}
	}
	have := 0
	for _, x := range h.History {
		if x.Side != pl.Side {
			continue
		}
		have++
		if have == pl.Index {
			if sameStep(x, st) {
				return 0, nil // already here: nothing changes
			}
			return 0, refusal{fmt.Sprintf("step %d of the %s side of hit %s differs from the one here (%s → %s): the side changed at two processes at once",
				pl.Index, pl.Side, h.Reference, x.From, x.To)}
		}
	}
	if have < pl.Index-1 {
		return 0, refusal{fmt.Sprintf("step %d of the %s side of hit %s comes before step %d", have+1, pl.Side, h.Reference, pl.Index)}
	}
	from := hits.SideState(h, pl.Side)
	if st.From != from || !slices.Contains(hits.Allowed(from), st.To) {
		return 0, refusal{fmt.Sprintf("the %s side of hit %s is %s here; it may not move from %s to %s", pl.Side, h.Reference, from, core.Clip(st.From, 20), st.To)}
	}
	st.Notes = strings.TrimSpace(st.Notes)
	st.Via = p.ID
	if err := hits.ApplyStepTx(tx, h, st, now); err != nil {
		return 0, err
	}
	return 1, nil
}

// parseHitStep reads a hit.state bundle's payload: the step must be the
// bundle's object and number, of a side, to a state the workflow knows,
// within the limits on notes.
func parseHitStep(b *Bundle) (hitStatePayload, error) {
	var pl hitStatePayload
	dec := json.NewDecoder(bytes.NewReader(b.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pl); err != nil || pl.HitID != b.ObjectID || int64(pl.Index) != b.ObjectVersion || pl.Index < 1 {
		return pl, refusal{"the payload is not a step of the bundle's hit"}
	}
	st := pl.Step
	if (pl.Side != hits.Owner && pl.Side != hits.Searcher) || st.Side != pl.Side || !slices.Contains(core.HitStates, st.To) ||
		len(st.Notes) > 4*hits.MaxNotes || len(st.By) > 200 || len(st.Bureau) > 20 || len(st.From) > 40 ||
		(st.Action != "" && !slices.Contains(core.HitActions, st.Action)) {
		return pl, refusal{"the step is not a valid state change of a hit's side"}
	}
	return pl, nil
}

func sameStep(a, b core.HitStep) bool {
	return a.Side == b.Side && a.Bureau == b.Bureau && a.From == b.From && a.To == b.To && a.Action == b.Action && a.At.Equal(b.At)
}
