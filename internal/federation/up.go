package federation

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
)

// Up, beyond requests and cancellations: what the owner does at its
// national node to a notice in circulation, and the diffusions it
// creates there. The hub checks each as the same action of the node's
// bureau at the hub, then circulates the result to the nodes it is
// released to, as it circulates its own.
const (
	TypeNoticeUpdate    = "notice.update"    // node → hub: the owner changed its notice or diffusion in circulation
	TypeNoticeExtend    = "notice.extend"    // node → hub: the owner extended it
	TypeDiffusionCreate = "diffusion.create" // node → hub: a diffusion created at the node
)

func isUpChange(typ string) bool {
	return typ == TypeNoticeUpdate || typ == TypeNoticeExtend || typ == TypeDiffusionCreate
}

// fanUpChange queues, at a node, the hub's copy of what the owner did to
// its notice in circulation. Read as it stands when the event is fanned
// out: a change the notice no longer shows (cancelled meanwhile) is not
// sent; the cancellation follows. Nothing is sent about a notice the hub
// never had.
func (s *Service) fanUpChange(tx core.Tx, hub *core.Peer, e *core.Event, snap *notices.Snapshot, now time.Time) error {
	r, n := snap.Record, snap.Notice
	if r.Status != core.StatusActive || notices.State(n, r) != core.NoticePublished {
		return nil
	}
	switch e.Type {
	case notices.EventPublished:
		if !n.Diffusion {
			return nil // a notice is published by the hub's review, not from here
		}
		return s.enqueue(tx, hub.ID, TypeDiffusionCreate, snap, "", now)
	case notices.EventUpdated:
		sent, err := tx.FedSent(hub.ID, r.ID)
		if err != nil || !sent {
			return err
		}
		var d struct {
			Change string `json:"change"`
		}
		json.Unmarshal(e.Data, &d)
		if d.Change == "extended" {
			return s.enqueue(tx, hub.ID, TypeNoticeExtend, snap, strings.TrimPrefix(r.StatusReason, "extended: "), now)
		}
		reason, err := notices.ChangeReason(tx, r.ID, n.Revision)
		if err != nil {
			return err
		}
		return s.enqueue(tx, hub.ID, TypeNoticeUpdate, snap, reason, now)
	}
	return nil
}

// applyUp applies at the hub a change or a diffusion a node sent, as the
// node's bureau acting at the hub: only its own, checked as a local
// action, with the releasability and caveats the bundle carries being the
// notice's own.
func (s *Service) applyUp(tx core.Tx, p *core.Peer, b *Bundle) (int, error) {
	if s.Role != core.FedRoleHub || p.Role != core.FedRoleNode {
		return 0, refusal{fmt.Sprintf("a %s does not take %s messages from %s", s.Role, b.Type, p.ID)}
	}
	if b.Owner != p.Bureau {
		return 0, refusal{fmt.Sprintf("node %s may send only its own bureau's notices and diffusions, not %s's", p.Bureau, core.Clip(b.Owner, 20))}
	}
	pl, err := noticeOf(b)
	if err != nil {
		return 0, err
	}
	r := pl.Record
	v := access.FederationPeer(p.Bureau)
	t := s.now()
	var evs []*core.Event
	switch b.Type {
	case TypeDiffusionCreate:
		evs, err = notices.CreateDiffusionTx(tx, v, notices.Snapshot{Record: r, Notice: pl.Notice}, t)
	case TypeNoticeUpdate:
		evs, err = notices.ChangeTx(tx, v, notices.Snapshot{Record: r, Notice: pl.Notice}, pl.Reason, t)
	case TypeNoticeExtend:
		evs, err = notices.ExtendTx(tx, v, r.ID, pl.Reason, t, s.NoticeQuotas)
	}
	return applied(tx, evs, err)
}
