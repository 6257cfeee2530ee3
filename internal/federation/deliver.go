package federation

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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
	alone := false
	for ctx.Err() == nil {
		n := size
		if alone {
			n = 1
		}
		var due []*core.FedMessage
		if err := s.Store.View(ctx, func(tx core.Tx) error {
			var err error
			due, err = tx.NextFed(p.ID, n)
			return err
		}); err != nil {
			return err
		}
		batch := packBatch(due, s.now())
		if len(batch) == 0 {
			return nil // nothing queued, or the head waits out its backoff (the rest wait behind it)
		}
		next, err := s.sendBatch(ctx, p, batch)
		if err != nil || next == sendStop {
			return err
		}
		alone = next == sendAlone
	}
	return nil
}

// What sendBatch leaves the delivery loop to do next.
type sendNext int

const (
	sendMore  sendNext = iota // the next messages may follow at once
	sendStop                  // the head waits (backoff, or the peer is not ready)
	sendAlone                 // the peer refused the batch as such: send its head alone, to tell whose fault it is
)

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
// the messages behind it waiting. A request that got no signed receipt
// fails no message, whatever its status: a proxy, a firewall or a peer
// not yet upgraded may have answered it, and the same bytes may pass
// later (a peer that can attribute a message and will never take it
// says so in a signed receipt). Only what no peer takes, whoever
// answers, fails — decided here, before sending: a message larger than
// one envelope may be (undeliverable); it is never sent, and its place
// is handed over (TypeFailed). Each message's outcome is written only if
// its row still holds what was read (another replica may be sending the
// same queue), and only the replica that wrote it records the refusal
// and audits it.
func (s *Service) sendBatch(ctx context.Context, p *core.Peer, ms []*core.FedMessage) (sendNext, error) {
	type read struct {
		state    string
		attempts int
	}
	was := make(map[int64]read, len(ms))
	for _, m := range ms {
		was[m.Seq] = read{m.State, m.Attempts}
	}
	type outcome struct {
		m       *core.FedMessage
		refusal *core.FedRefusal
		entry   *core.AuditEntry
	}
	var outs []outcome
	// When the peer answered, not when the request left: a message is
	// delivered once the peer has applied (and logged) it, and a peer's
	// checkpoint dated after that must hold it (VerifyPeer).
	now := s.now()
	retry := func(m *core.FedMessage, why string) {
		m.Attempts++
		if m.State != core.FedFailed {
			// A failed message keeps why it failed: its place is what is
			// retried.
			m.LastError = core.Clip(why, 300)
		}
		m.NextAttempt = now.Add(s.backoff(m.Attempts))
		outs = append(outs, outcome{m: m})
	}

	envs := s.outgoing(p, ms)
	var undeliverable *core.FedMessage
	var why string
	for i, m := range ms {
		if m.State != core.FedPending {
			continue
		}
		if why = tooLarge(envs[i]); why != "" {
			undeliverable = m
			ms, envs = ms[:i], envs[:i]
			break
		}
	}
	next, answered := sendMore, false
	if len(ms) > 0 {
		rcs, sendErr := s.postBatch(ctx, p, ms, envs)
		now = s.now()
		answered = len(rcs) > 0
		if sendErr != nil && ctx.Err() != nil {
			return sendStop, nil // shutting down: sent again later, the attempt not counted
		}
		if sendErr != nil {
			var st httpStatusError
			if errors.As(sendErr, &st) && len(ms) > 1 && refusedAsRequest(st.code) {
				// The request as such (a proxy's size limit, one envelope
				// a peer cannot read): the head sent alone goes through,
				// or is retried alone. Not an attempt.
				return sendAlone, nil
			}
			retry(ms[0], sendErr.Error())
			next = sendStop
		}
		for i, rc := range rcs {
			m := ms[i]
			if rc.Outcome == OutcomeOutOfOrder && rc.ExpectedSeq > m.Seq {
				rc.Outcome = OutcomeDuplicate // the peer is past it already
			}
			e := audit.Entry(core.Viewer{System: true}, actionSend, audit.OK, m.ObjectID, peerRecord(p.ID))
			e.Query = fmt.Sprintf("%s #%d %s to %s: %s", m.Type, m.Seq, m.MessageID, p.ID, rc.Outcome)
			switch {
			case rc.Outcome == OutcomeOutOfOrder:
				retry(m, fmt.Sprintf("the peer expects message %d first", rc.ExpectedSeq))
				next = sendStop
			case m.State == core.FedFailed:
				// Its place is handed over (the peer refuses the stand-in,
				// as it should): it stays failed, with its reason.
				// Counted as an attempt, so that a replica that handed it
				// over too does not write and audit it again.
				m.DeliveredAt = &now
				m.Attempts++
				e.Query = fmt.Sprintf("%s #%d %s to %s: its place handed over (%s): %s", TypeFailed, m.Seq, m.MessageID, p.ID, rc.Outcome, m.LastError)
				outs = append(outs, outcome{m: m, entry: e})
			case rc.Outcome == OutcomeRefused:
				m.State, m.LastError, m.DeliveredAt = core.FedRefused, core.Clip(rc.Reason, 300), &now
				e.Action, e.Outcome = "federation.refused_by_peer", audit.Denied
				e.Query += ": " + core.Clip(rc.Reason, 300)
				outs = append(outs, outcome{m: m, entry: e, refusal: &core.FedRefusal{ID: uuid.Must(uuid.NewV7()).String(), Peer: p.ID, Direction: "out",
					MessageID: m.MessageID, Type: m.Type, Reason: core.Clip(rc.Reason, 500), At: now}})
			default:
				m.State, m.LastError, m.DeliveredAt = core.FedDelivered, "", &now
				outs = append(outs, outcome{m: m, entry: e})
			}
			if next == sendStop {
				break
			}
		}
	}
	// Failed whatever became of the messages before it: that it is too
	// large is this side's finding, and its place is handed over in turn.
	if m := undeliverable; m != nil {
		m.State, m.LastError, m.NextAttempt = core.FedFailed, core.Clip(why, 300), now
		m.Attempts++
		e := audit.Entry(core.Viewer{System: true}, actionSendFailed, audit.Failed, m.ObjectID, peerRecord(p.ID))
		e.Query = fmt.Sprintf("%s #%d %s to %s: failed, never sent (its place is handed over): %s", m.Type, m.Seq, m.MessageID, p.ID, m.LastError)
		outs = append(outs, outcome{m: m, entry: e, refusal: &core.FedRefusal{ID: uuid.Must(uuid.NewV7()).String(), Peer: p.ID, Direction: "out",
			MessageID: m.MessageID, Type: m.Type, Reason: core.Clip("failed, no longer sent: "+why, 500), At: now}})
	}
	err := s.Store.Update(context.WithoutCancel(ctx), func(tx core.Tx) error {
		var entries []*core.AuditEntry
		for _, o := range outs {
			r := was[o.m.Seq]
			wrote, err := tx.UpdateFed(o.m, r.state, r.attempts)
			if err != nil {
				return err
			}
			if !wrote {
				continue // another replica recorded this message's outcome
			}
			if o.refusal != nil {
				if err := tx.InsertFedRefusal(o.refusal); err != nil {
					return err
				}
			}
			if o.entry != nil {
				entries = append(entries, o.entry)
			}
		}
		if answered {
			if err := tx.TouchPeer(p.ID, now); err != nil {
				return err
			}
		}
		return audit.Append(tx, entries...)
	})
	if err != nil {
		return sendStop, err
	}
	return next, nil
}

// refusedAsRequest reports whether a status may be the answer to the
// request as a whole rather than to its first message: a body too
// large for a proxy's limit, or one envelope a peer cannot read.
func refusedAsRequest(code int) bool {
	switch code {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// tooLarge says why no peer takes an envelope, measured as it would be
// sent: larger than one envelope may be (MaxEnvelopeBytes, which every
// peer applies to a message alone and within a batch); "" if it fits.
func tooLarge(env []byte) string {
	if len(env) <= MaxEnvelopeBytes {
		return ""
	}
	return fmt.Sprintf("the message is %d bytes signed, more than the %d bytes a peer takes in one envelope", len(env), MaxEnvelopeBytes)
}

// TypeFailed stands in for a message its sender gave up on (FedFailed),
// in the message's place in the sequence, with the same id: the
// receiver refuses it (nothing to apply), which records and audits the
// loss on its side and lets the messages behind it through.
const TypeFailed = "message.failed"

type failedPayload struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

// outgoing is what is sent of ms: each stored envelope, signed again
// with this process's key if it was sealed with another (the node was
// given a new key and enrolled with it, or the hub's key was replaced:
// the peer verifies with the key it holds now), and for a failed
// message, its stand-in. Messages are queued in order, so those sealed
// with an older key are all ahead of the others: the first one tells.
func (s *Service) outgoing(p *core.Peer, ms []*core.FedMessage) [][]byte {
	out := make([][]byte, len(ms))
	pub := s.Key.Public().(ed25519.PublicKey)
	decided, resign := false, false
	for i, m := range ms {
		out[i] = m.Body
		if m.State == core.FedFailed {
			if b, err := s.sealFailed(p, m); err == nil {
				out[i] = b
			}
			continue
		}
		if !decided {
			decided, resign = true, !signedWith(m.Body, pub)
		}
		if resign {
			// Unreadable, it goes as it is (the peer's answer is retried,
			// and shown as the queue's last error).
			if b, err := resignEnvelope(m.Body, s.Key); err == nil {
				out[i] = b
			}
		}
	}
	return out
}

func (s *Service) sealFailed(p *core.Peer, m *core.FedMessage) ([]byte, error) {
	payload, err := json.Marshal(failedPayload{Type: m.Type, Reason: m.LastError})
	if err != nil {
		return nil, err
	}
	rel := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{p.Bureau}}
	return Seal(&Bundle{Origin: s.Self(), To: p.ID, MessageID: m.MessageID, Seq: m.Seq, Type: TypeFailed, ObjectID: m.ObjectID,
		ObjectVersion: m.ObjectVersion, Owner: s.operator(), Releasability: &rel, CreatedAt: s.now(), Payload: payload}, s.Key)
}

// signedWith reports whether an envelope's signature verifies with pub.
func signedWith(raw []byte, pub ed25519.PublicKey) bool {
	var env Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return false
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signature)
	if err != nil {
		return false
	}
	canon, err := Canonical(env.Bundle)
	return err == nil && ed25519.Verify(pub, canon, sig)
}

// resignEnvelope signs an envelope's bundle, exactly as it was sealed
// (its canonical bytes), with key.
func resignEnvelope(raw []byte, key ed25519.PrivateKey) ([]byte, error) {
	var env Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, err
	}
	canon, err := Canonical(env.Bundle)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Envelope{Bundle: canon, Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, canon))})
}

const (
	actionSend       = "federation.send"
	actionSendFailed = "federation.send_failed"
)

// userAgent names the federation's own requests.
const userAgent = "Manara-Federation/1"

// postBatch posts envs, the envelopes of ms as sent, to p in one request and returns
// the receipts p signed, one per message for a prefix of ms (at least
// the first).
func (s *Service) postBatch(ctx context.Context, p *core.Peer, ms []*core.FedMessage, envs [][]byte) ([]Receipt, error) {
	var body bytes.Buffer
	body.WriteString(`{"envelopes":[`)
	for i, env := range envs {
		if i > 0 {
			body.WriteByte(',')
		}
		body.Write(env)
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
			return nil, fmt.Errorf("the receipt's answer %d is for message %s #%d, not %s #%d", i, core.Clip(r.MessageID, 40), r.Seq, ms[i].MessageID, ms[i].Seq)
		}
		switch r.Outcome {
		case OutcomeAccepted, OutcomeDuplicate, OutcomeRefused, OutcomeOutOfOrder:
		default:
			return nil, fmt.Errorf("unknown receipt outcome %q", core.Clip(r.Outcome, 40))
		}
		out[i] = r.Receipt
	}
	return out, nil
}
