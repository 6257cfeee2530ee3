package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

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

// MessageReceipt is one message's outcome in a batch receipt.
type MessageReceipt struct {
	MessageID string `json:"message_id"`
	Seq       int64  `json:"seq"`
	Receipt
}

// BatchReceipt is the payload of a batch's receipt: one outcome per
// message, in the order sent, for a prefix of the batch (all of it
// unless an envelope could not be attributed).
type BatchReceipt struct {
	Receipts []MessageReceipt `json:"receipts"`
}

const (
	maxReceiptBytes      = 64 << 10
	maxBatchReceiptBytes = 1 << 20
)

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

// deliver sends p's due messages in batches, in order, until none is
// due or one fails.
func (s *Service) deliver(ctx context.Context, p *core.Peer) error {
	size := s.BatchSize
	if size <= 0 || size > MaxBatchMessages {
		size = MaxBatchMessages
	}
	for ctx.Err() == nil {
		var due []*core.FedMessage
		if err := s.Store.View(ctx, func(tx core.Tx) error {
			var err error
			due, err = tx.NextFed(p.ID, size)
			return err
		}); err != nil {
			return err
		}
		batch := packBatch(due, s.now())
		if len(batch) == 0 {
			return nil // nothing queued, or the head waits out its backoff (the rest wait behind it)
		}
		ok, err := s.sendBatch(ctx, p, batch)
		if err != nil || !ok {
			return err
		}
	}
	return nil
}

// packBatch takes, from the head of a peer's queue, the messages due at
// now that fit in one request (MaxBatchBytes, with room for the
// wrapping); the first not yet due ends it.
func packBatch(due []*core.FedMessage, now time.Time) []*core.FedMessage {
	const wrapping = 64 // {"envelopes":[…]} and the commas
	size := wrapping
	for i, m := range due {
		if m.NextAttempt.After(now) || (i > 0 && size+len(m.Body)+1 > MaxBatchBytes) {
			return due[:i]
		}
		size += len(m.Body) + 1
	}
	return due
}

// sendBatch posts ms to p and records what p answered for each, in one
// transaction: delivered (accepted, or a duplicate: the peer has it),
// refused with its reason, or — at the first message the peer is not
// ready for, or when the request failed — retried later with backoff,
// the messages behind it waiting. Each message delivered or refused is
// in this process's audit log. ok reports whether the peer's next
// messages may follow at once.
func (s *Service) sendBatch(ctx context.Context, p *core.Peer, ms []*core.FedMessage) (ok bool, err error) {
	rcs, sendErr := s.postBatch(ctx, p, ms)
	if sendErr != nil && ctx.Err() != nil {
		return false, nil // shutting down: sent again later, the attempt not counted
	}
	now := s.now()
	var entries []*core.AuditEntry
	var changed []*core.FedMessage
	var refusals []*core.FedRefusal
	retry := func(m *core.FedMessage, why string) {
		m.Attempts++
		m.LastError = clip(why, 300)
		m.NextAttempt = now.Add(s.backoff(m.Attempts))
		changed = append(changed, m)
	}
	ok = true
	if sendErr != nil {
		retry(ms[0], sendErr.Error())
		ok = false
	}
	for i, rc := range rcs {
		m := ms[i]
		if rc.Outcome == OutcomeOutOfOrder && rc.ExpectedSeq > m.Seq {
			rc.Outcome = OutcomeDuplicate // the peer is past it already
		}
		e := audit.Entry(core.Viewer{System: true}, actionSend, audit.OK, m.ObjectID, peerRecord(p.ID))
		e.Query = fmt.Sprintf("%s #%d %s to %s: %s", m.Type, m.Seq, m.MessageID, p.ID, rc.Outcome)
		switch rc.Outcome {
		case OutcomeOutOfOrder:
			retry(m, fmt.Sprintf("the peer expects message %d first", rc.ExpectedSeq))
			ok = false
		case OutcomeRefused:
			m.State, m.LastError, m.DeliveredAt = core.FedRefused, clip(rc.Reason, 300), &now
			changed = append(changed, m)
			refusals = append(refusals, &core.FedRefusal{ID: uuid.Must(uuid.NewV7()).String(), Peer: p.ID, Direction: "out", MessageID: m.MessageID,
				Type: m.Type, Reason: clip(rc.Reason, 500), At: now})
			e.Action, e.Outcome = "federation.refused_by_peer", audit.Denied
			e.Query += ": " + clip(rc.Reason, 300)
			entries = append(entries, e)
		default:
			m.State, m.LastError, m.DeliveredAt = core.FedDelivered, "", &now
			changed = append(changed, m)
			entries = append(entries, e)
		}
		if !ok {
			break
		}
	}
	err = s.Store.Update(context.WithoutCancel(ctx), func(tx core.Tx) error {
		for _, m := range changed {
			if err := tx.UpdateFed(m); err != nil {
				return err
			}
		}
		for _, r := range refusals {
			if err := tx.InsertFedRefusal(r); err != nil {
				return err
			}
		}
		if len(rcs) > 0 {
			if err := tx.TouchPeer(p.ID, now); err != nil {
				return err
			}
		}
		return audit.Append(tx, entries...)
	})
	return ok && err == nil, err
}

const actionSend = "federation.send"

// userAgent names the federation's own requests.
const userAgent = "Manara-Federation/1"

// postBatch posts ms, sealed bundles, to p in one request and returns
// the receipts p signed, one per message for a prefix of ms (at least
// the first).
func (s *Service) postBatch(ctx context.Context, p *core.Peer, ms []*core.FedMessage) ([]Receipt, error) {
	var body bytes.Buffer
	body.WriteString(`{"envelopes":[`)
	for i, m := range ms {
		if i > 0 {
			body.WriteByte(',')
		}
		body.Write(m.Body)
	}
	body.WriteString(`]}`)
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	raw, err := s.post(ctx, p.URL+PathInboxBatch, &body, maxBatchReceiptBytes)
	if err != nil {
		return nil, err
	}
	b, canon, sig, err := Open(raw)
	if err != nil {
		return nil, fmt.Errorf("unreadable receipt: %s", core.ErrorMessage(err))
	}
	if err := Verify(p.PublicKey, canon, sig); err != nil {
		return nil, fmt.Errorf("the receipt is not signed by %s's enrolled key", p.ID)
	}
	if b.Type != TypeBatchReceipt || b.Origin != p.ID || b.To != s.Self() || b.ObjectID != ms[0].MessageID {
		return nil, fmt.Errorf("the receipt answers another batch")
	}
	var br BatchReceipt
	if err := json.Unmarshal(b.Payload, &br); err != nil {
		return nil, fmt.Errorf("unreadable receipt payload")
	}
	if len(br.Receipts) == 0 || len(br.Receipts) > len(ms) {
		return nil, fmt.Errorf("the receipt answers %d messages of %d sent", len(br.Receipts), len(ms))
	}
	out := make([]Receipt, len(br.Receipts))
	for i, r := range br.Receipts {
		if r.MessageID != ms[i].MessageID || r.Seq != ms[i].Seq {
			return nil, fmt.Errorf("the receipt's answer %d is for message %s #%d, not %s #%d", i, clip(r.MessageID, 40), r.Seq, ms[i].MessageID, ms[i].Seq)
		}
		switch r.Outcome {
		case OutcomeAccepted, OutcomeDuplicate, OutcomeRefused, OutcomeOutOfOrder:
		default:
			return nil, fmt.Errorf("unknown receipt outcome %q", clip(r.Outcome, 40))
		}
		out[i] = r.Receipt
	}
	return out, nil
}
