package federation

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/hits"
	"github.com/manara-hub/manara/internal/notices"
)

// fanOut turns up to a page of events after the cursor into outbox
// messages and moves the cursor, in one transaction: each event is
// considered exactly once whatever crashes when.
func (s *Service) fanOut(ctx context.Context) (int, error) {
	n := 0
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		n = 0
		cur, err := tx.Cursor(cursorName)
		if err != nil {
			return err
		}
		es, err := tx.Events(cur, "", 200)
		if err != nil || len(es) == 0 {
			return err
		}
		n = len(es)
		peers, err := tx.ListPeers()
		if err != nil {
			return err
		}
		now := s.now()
		for i := range es {
			e := &es[i]
			if e.Type == hits.EventCreated {
				if err := s.fanHit(tx, peers, e, now); err != nil {
					return err
				}
				continue
			}
			if e.Type == hits.EventUpdated {
				if err := s.fanHitState(tx, peers, e, now); err != nil {
					return err
				}
				continue
			}
			if !strings.HasPrefix(e.Type, "notice.") || e.Subject == "" || federated(e) {
				continue
			}
			snap, err := snapshot(tx, e.Subject)
			if core.ErrorCode(err) == core.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			if s.Role == core.FedRoleHub {
				err = s.fanDown(tx, peers, snap, now)
			} else {
				err = s.fanUp(tx, peers, e, snap, now)
			}
			if err != nil {
				return err
			}
		}
		return tx.SetCursor(cursorName, es[len(es)-1].Seq)
	})
	return n, err
}

// federated reports whether an event tells of a change that arrived from
// another process: it is not sent back.
func federated(e *core.Event) bool {
	var d map[string]any
	if json.Unmarshal(e.Data, &d) != nil {
		return false
	}
	v, _ := d[notices.FederatedMarker].(bool)
	return v
}

// fanDown queues snap's notice for every node it is released to, as the
// access decision says for that node's bureau, and a withdrawal for every
// node that had it and no longer may. A revoked node's queue is kept too:
// revocation holds back delivery (deliverAll), not the bookkeeping, so a
// node enrolled again hears, in order, every change made meanwhile — a
// notice narrowed away from it or cancelled is withdrawn there. (The
// event cursor moves past each event once; a change not queued now would
// never be.)
func (s *Service) fanDown(tx core.Tx, peers []*core.Peer, snap *notices.Snapshot, now time.Time) error {
	for _, p := range peers {
		if p.Role != core.FedRoleNode {
			continue
		}
		if err := s.offer(tx, p, snap, now); err != nil {
			return err
		}
	}
	return nil
}

// offer queues what p should hear of snap's notice, if anything.
func (s *Service) offer(tx core.Tx, p *core.Peer, snap *notices.Snapshot, now time.Time) error {
	if access.CanSee(access.FederationPeer(p.Bureau), snap.Record) {
		return s.enqueue(tx, p.ID, TypeNoticePut, snap, "", now)
	}
	sent, err := tx.FedSent(p.ID, snap.Record.ID)
	if err != nil || !sent {
		return err
	}
	reason := "no longer released to " + p.Bureau
	if st := snap.Record.Status; st != core.StatusActive {
		reason = "the notice is " + st
		if snap.Record.StatusReason != "" {
			reason += ": " + snap.Record.StatusReason
		}
	}
	return s.enqueue(tx, p.ID, TypeNoticeWithdraw, snap, reason, now)
}

// backfill queues, for a node just enrolled, every notice in circulation
// that is released to it (and its own bureau's, in any state).
func (s *Service) backfill(tx core.Tx, p *core.Peer, now time.Time) error {
	f := core.NoticeFilter{Visible: access.Visibility(access.FederationPeer(p.Bureau)), Limit: 500}
	for {
		rows, err := tx.ListNotices(f)
		if err != nil {
			return err
		}
		for _, row := range rows {
			if err := s.offer(tx, p, &notices.Snapshot{Record: row.Record, Notice: row.Notice}, now); err != nil {
				return err
			}
		}
		if len(rows) < f.Limit {
			return nil
		}
		f.After = rows[len(rows)-1].Notice.ID
	}
}

// fanUp queues, at a node, what the hub must hear of the node's own
// notices and diffusions: a request submitted for review, a cancellation,
// and (fanUpChange) a diffusion created, a change or an extension. The
// hub's queue is kept while the hub is revoked here, as the hub keeps a
// revoked node's (fanDown): deliverAll holds it back, and the hub, once
// this node enrols again, hears in order what its bureau did meanwhile.
// Not queued now, a change never would be: the cursor moves past it.
func (s *Service) fanUp(tx core.Tx, peers []*core.Peer, e *core.Event, snap *notices.Snapshot, now time.Time) error {
	if snap.Record.Owner != s.Bureau {
		return nil
	}
	var hub *core.Peer
	for _, p := range peers {
		if p.ID == core.PeerHub {
			hub = p
		}
	}
	if hub == nil {
		return nil
	}
	switch e.Type {
	case notices.EventSubmitted:
		if snap.Notice.Diffusion {
			return nil
		}
		return s.enqueue(tx, hub.ID, TypeNoticeRequest, snap, "", now)
	case notices.EventCancelled:
		sent, err := tx.FedSent(hub.ID, snap.Record.ID)
		if err != nil || !sent {
			return err
		}
		return s.enqueue(tx, hub.ID, TypeNoticeCancel, snap, snap.Record.StatusReason, now)
	}
	return s.fanUpChange(tx, hub, e, snap, now)
}
