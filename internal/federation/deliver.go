package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// Receipt outcomes.
const (
	OutcomeAccepted   = "accepted"
	OutcomeDuplicate  = "duplicate"    // applied before: nothing changed
	OutcomeRefused    = "refused"      // will never be applied; Reason says why
	OutcomeOutOfOrder = "out_of_order" // an earlier message is missing; ExpectedSeq is the next one applied
)

// Receipt is the payload of a receipt bundle: the receiver's answer to
// one message, signed by the receiver.
type Receipt struct {
	Outcome     string `json:"outcome"`
	Reason      string `json:"reason,omitempty"`
	ExpectedSeq int64  `json:"expected_seq,omitempty"`
}

const maxReceiptBytes = 64 << 10

// deliverAll sends every active peer its due messages, each peer's in
// order, stopping at a peer's first failure (an update never overtakes
// the creation it updates).
func (s *Service) deliverAll(ctx context.Context) error {
	var peers []*core.Peer
	if err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		peers, err = tx.ListPeers()
		return err
	}); err != nil {
		return err
	}
	// Peers are independent: each gets its own sender, so a slow or
	// unreachable node holds up only its own queue.
	errs := make([]error, len(peers))
	var wg sync.WaitGroup
	for i, p := range peers {
		if p.State != core.PeerActive || p.ID == s.Self() {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.deliver(ctx, p)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (s *Service) deliver(ctx context.Context, p *core.Peer) error {
	// Messages the peer accepted are marked delivered a page at a time,
	// in one transaction (one disk sync for many): should this process
	// stop before, they are sent again, and the peer's receipt says
	// "duplicate".
	var done []*core.FedMessage
	flush := func() error {
		if len(done) == 0 {
			return nil
		}
		now := s.now()
		err := s.Store.Update(context.WithoutCancel(ctx), func(tx core.Tx) error {
			for _, m := range done {
				if err := tx.UpdateFed(m); err != nil {
					return err
				}
			}
			return tx.TouchPeer(p.ID, now)
		})
		done = done[:0]
		return err
	}
	for {
		if err := flush(); err != nil {
			return err
		}
		var due []*core.FedMessage
		if err := s.Store.View(ctx, func(tx core.Tx) error {
			var err error
			due, err = tx.NextFed(p.ID, 100)
			return err
		}); err != nil {
			return err
		}
		if len(due) == 0 {
			return nil
		}
		for _, m := range due {
			if ctx.Err() != nil || m.NextAttempt.After(s.now()) {
				// Shutting down, or waiting out its backoff (later ones
				// wait behind it).
				return flush()
			}
			delivered, ok, err := s.attempt(ctx, p, m)
			if delivered {
				done = append(done, m)
				continue
			}
			if ferr := flush(); err == nil {
				err = ferr
			}
			if err != nil || !ok {
				return err
			}
		}
	}
}

// attempt sends one message and records the outcome, except a delivery,
// which it reports for the caller to record with others; ok reports
// whether the peer's next message may follow.
func (s *Service) attempt(ctx context.Context, p *core.Peer, m *core.FedMessage) (delivered, ok bool, err error) {
	rc, sendErr := s.send(ctx, p, m)
	now := s.now()
	if sendErr == nil && rc.Outcome == OutcomeOutOfOrder && rc.ExpectedSeq > m.Seq {
		rc.Outcome = OutcomeDuplicate // the peer is past it already
	}
	switch {
	case sendErr != nil || rc.Outcome == OutcomeOutOfOrder:
		if ctx.Err() != nil {
			return false, false, nil // shutting down: it is sent again later, the attempt not counted
		}
		m.Attempts++
		if sendErr != nil {
			m.LastError = clip(sendErr.Error(), 300)
		} else {
			m.LastError = fmt.Sprintf("the peer expects message %d first", rc.ExpectedSeq)
		}
		m.NextAttempt = now.Add(s.backoff(m.Attempts))
		return false, false, s.Store.Update(context.WithoutCancel(ctx), func(tx core.Tx) error { return tx.UpdateFed(m) })
	case rc.Outcome == OutcomeRefused:
		m.State, m.LastError, m.DeliveredAt = core.FedRefused, clip(rc.Reason, 300), &now
		return false, true, s.Store.Update(context.WithoutCancel(ctx), func(tx core.Tx) error {
			if err := tx.UpdateFed(m); err != nil {
				return err
			}
			if err := tx.TouchPeer(p.ID, now); err != nil {
				return err
			}
			if err := tx.InsertFedRefusal(&core.FedRefusal{ID: uuid.Must(uuid.NewV7()).String(), Peer: p.ID, Direction: "out", MessageID: m.MessageID,
				Type: m.Type, Reason: clip(rc.Reason, 500), At: now}); err != nil {
				return err
			}
			e := audit.Entry(core.Viewer{System: true}, "federation.refused_by_peer", audit.Denied, m.ObjectID)
			e.Query = fmt.Sprintf("%s refused %s #%d (%s): %s", p.ID, m.Type, m.Seq, m.MessageID, clip(rc.Reason, 300))
			return audit.Append(tx, e)
		})
	default:
		m.State, m.LastError, m.DeliveredAt = core.FedDelivered, "", &now
		return true, true, nil
	}
}

// send posts one sealed bundle to the peer and returns its verified
// receipt.
func (s *Service) send(ctx context.Context, p *core.Peer, m *core.FedMessage) (*Receipt, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL+PathInbox, bytes.NewReader(m.Body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Manara-Federation/1")
	res, err := s.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, maxReceiptBytes))
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %s", res.StatusCode, clip(string(raw), 200))
	}
	b, canon, sig, err := Open(raw)
	if err != nil {
		return nil, fmt.Errorf("unreadable receipt: %s", core.ErrorMessage(err))
	}
	if err := Verify(p.PublicKey, canon, sig); err != nil {
		return nil, fmt.Errorf("the receipt is not signed by %s's enrolled key", p.ID)
	}
	if b.Type != TypeReceipt || b.Origin != p.ID || b.To != s.Self() || b.ObjectID != m.MessageID {
		return nil, fmt.Errorf("the receipt answers another message")
	}
	var rc Receipt
	if err := json.Unmarshal(b.Payload, &rc); err != nil {
		return nil, fmt.Errorf("unreadable receipt payload")
	}
	switch rc.Outcome {
	case OutcomeAccepted, OutcomeDuplicate, OutcomeRefused, OutcomeOutOfOrder:
	default:
		return nil, fmt.Errorf("unknown receipt outcome %q", clip(rc.Outcome, 40))
	}
	return &rc, nil
}
