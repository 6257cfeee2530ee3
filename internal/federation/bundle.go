// Package federation links Manara processes: one hub and the national
// nodes of member bureaus, each with its own store. Every message between
// them is a bundle — canonical JSON that always carries its origin, its
// addressee, a message id, the per-peer sequence number, the version of
// the object it is about, its type, the object's owner, releasability and
// caveats, and the payload — signed by its origin with Ed25519 (a
// detached signature over the canonical bytes) and verified on receipt
// against the key exchanged at enrolment.
//
// Down, the hub follows its event stream and queues, in each node's
// outbox, the notices the access decision (access.CanSee for the node's
// bureau, the same decision every other path asks) releases to it, and
// a withdrawal when one it had stops being released; a delivery loop
// pushes each outbox in order, retrying with backoff. A node re-checks
// the signature, the addressee, the sequence and the releasability for
// its own bureau, refuses (and says so in its signed receipt) what it
// should not have received, applies a message at most once (message id
// and object version) and never before the ones before it. Up, what a
// bureau does at its node to its own notices and diffusions (requests for
// review, diffusions, changes, extensions, cancellations) goes to the hub,
// which applies it as that bureau's own action and circulates the result.
// A hit's creation and its later steps travel between the processes that
// keep it.
//
// The package decides nothing about visibility itself and writes notice
// rows only through the notices package; HTTP routes live in the api
// package, which hands it request bodies.
package federation

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// Protocol is the bundle format's version.
const Protocol = 1

// Limits on what a peer may send.
const (
	MaxEnvelopeBytes = 2 << 20 // one signed bundle on the wire
	// A batch is bounded in messages and in bytes (the whole request);
	// each of its envelopes is still at most MaxEnvelopeBytes, so one
	// message of the largest size always fits in a batch alone.
	MaxBatchMessages = 500
	MaxBatchBytes    = 8 << 20
	maxIDLength      = 100
	maxCaveatText    = 2000
)

// Message types.
const (
	TypeNoticePut      = "notice.put"      // hub → node: the notice as it circulates to the node
	TypeNoticeWithdraw = "notice.withdraw" // hub → node: the notice no longer reaches the node
	TypeNoticeRequest  = "notice.request"  // node → hub: a notice request for the hub's review
	TypeNoticeCancel   = "notice.cancel"   // node → hub: the owner cancels its notice
	TypeReceipt        = "receipt"         // the answer to any of them
	TypeBatchReceipt   = "receipt.batch"   // the answer to a batch: each message's outcome
)

// sequenced reports whether a message type takes a place in the
// per-peer sequence (and may travel in a batch): everything but the
// answers and the hit/no-hit queries, which are answered at once.
func sequenced(typ string) bool {
	switch typ {
	case TypeReceipt, TypeBatchReceipt, TypeScreenQuery, TypeScreenAnswer, TypeProofQuery, TypeProofAnswer:
		return false
	}
	return true
}

var messageTypes = []string{TypeNoticePut, TypeNoticeWithdraw, TypeNoticeRequest, TypeNoticeCancel, TypeReceipt, TypeBatchReceipt, TypeScreenQuery, TypeScreenAnswer, TypeHitReport,
	TypeCheckpoint, TypeProofQuery, TypeProofAnswer, TypeNoticeUpdate, TypeNoticeExtend, TypeDiffusionCreate, TypeHitState, TypeFailed}

// Bundle is one message. Every field is signed; none is optional except
// the payload of a receipt's details and the caveat text.
type Bundle struct {
	Protocol      int                 `json:"protocol"`
	Origin        string              `json:"origin"` // the signer's peer id: a node's bureau, or "hub"
	To            string              `json:"to"`
	MessageID     string              `json:"message_id"`
	Seq           int64               `json:"seq"` // 1, 2, 3… per origin and addressee
	Type          string              `json:"type"`
	ObjectID      string              `json:"object_id"`
	ObjectVersion int64               `json:"object_version"`
	Owner         string              `json:"owner"`
	Releasability *core.Releasability `json:"releasability"`
	Caveats       []string            `json:"caveats"`
	CaveatText    string              `json:"caveat_text"`
	CreatedAt     time.Time           `json:"created_at"`
	Payload       json.RawMessage     `json:"payload"`
}

// Envelope is a bundle on the wire: its canonical bytes and the origin's
// signature over exactly those bytes.
type Envelope struct {
	Bundle    json.RawMessage `json:"bundle"`
	Signature string          `json:"signature"` // base64 (standard) Ed25519
}

// Canonical is the one encoding a bundle is signed in: the JSON value
// re-encoded with object keys sorted, no insignificant space, numbers
// as written. Two encodings of the same value that differ in any other
// way (key order, spacing, a repeated key) canonicalise the same, so a
// signature never depends on how a peer's JSON library laid it out; a
// value that changed does not.
func Canonical(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Seal signs b with key and returns the envelope's bytes.
func Seal(b *Bundle, key ed25519.PrivateKey) ([]byte, error) {
	if b.Caveats == nil {
		b.Caveats = []string{}
	}
	if b.Payload == nil {
		b.Payload = json.RawMessage(`{}`)
	}
	b.Protocol = Protocol
	if err := b.check(); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	canon, err := Canonical(raw)
	if err != nil {
		return nil, err
	}
	env := Envelope{Bundle: canon, Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, canon))}
	return json.Marshal(env)
}

// Open parses an envelope as received, without trusting it: it returns
// the bundle and the canonical bytes its signature must cover. The
// caller looks up the origin's key and calls Verify before acting on
// anything in the bundle.
func Open(raw []byte) (*Bundle, []byte, []byte, error) {
	return openWithin(raw, MaxEnvelopeBytes)
}

// openWithin is Open with another size limit (an answer this process
// asked for, larger than one message may be).
func openWithin(raw []byte, limit int) (*Bundle, []byte, []byte, error) {
	if len(raw) > limit {
		return nil, nil, nil, core.Errorf(core.ETOOLARGE, "a federation envelope is at most %d bytes", limit)
	}
	var env Envelope
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return nil, nil, nil, invalid("envelope", "must be a JSON object {\"bundle\": {...}, \"signature\": \"base64\"}: "+core.Clip(err.Error(), 120))
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, nil, nil, invalid("signature", fmt.Sprintf("must be a base64 Ed25519 signature (%d bytes)", ed25519.SignatureSize))
	}
	if len(env.Bundle) == 0 {
		return nil, nil, nil, invalid("bundle", "is required")
	}
	canon, err := Canonical(env.Bundle)
	if err != nil {
		return nil, nil, nil, invalid("bundle", "must be one JSON object: "+core.Clip(err.Error(), 120))
	}
	// Decode the canonical form, the bytes the signature covers, never
	// the received ones: what is acted on is exactly what was signed.
	var b Bundle
	bd := json.NewDecoder(bytes.NewReader(canon))
	bd.DisallowUnknownFields()
	if err := bd.Decode(&b); err != nil {
		return nil, nil, nil, invalid("bundle", "is not a bundle: "+core.Clip(err.Error(), 120))
	}
	if err := b.check(); err != nil {
		return nil, nil, nil, err
	}
	return &b, canon, sig, nil
}

// Verify checks sig over canon with the origin's public key, encoded as
// PublicKeyString gives it.
func Verify(pub string, canon, sig []byte) error {
	key, err := ParsePublicKey(pub)
	if err != nil {
		return err
	}
	if !ed25519.Verify(key, canon, sig) {
		return core.Errorf(core.EUNAUTHORIZED, "the bundle's signature does not verify with the origin's enrolled key")
	}
	return nil
}

// check refuses a bundle missing what every bundle must carry.
func (b *Bundle) check() error {
	switch {
	case b.Protocol != Protocol:
		return invalid("protocol", fmt.Sprintf("must be %d", Protocol))
	case !slices.Contains(messageTypes, b.Type):
		return invalid("type", "must be one of "+strings.Join(messageTypes, ", "))
	case !validID(b.Origin):
		return invalid("origin", "is required: the sender's peer id")
	case !validID(b.To):
		return invalid("to", "is required: the addressee's peer id")
	case !validID(b.MessageID):
		return invalid("message_id", "is required (at most 100 characters)")
	case b.Seq < 1 && b.Type != TypeReceipt && b.Type != TypeBatchReceipt && b.Type != TypeScreenAnswer && b.Type != TypeProofAnswer:
		return invalid("seq", "must be at least 1")
	case !validID(b.ObjectID):
		return invalid("object_id", "is required")
	case b.ObjectVersion < 0:
		return invalid("object_version", "must not be negative")
	case !validID(b.Owner):
		return invalid("owner", "is required: the bureau that owns the object")
	case b.Releasability == nil || b.Releasability.Mode == "":
		// A bundle whose releasability was stripped on the way must not
		// be taken as "released to all" (misp#4200).
		return invalid("releasability", "is required on every bundle: who besides the owner may see the object")
	case b.Caveats == nil:
		return invalid("caveats", "is required on every bundle (an empty list when there are none)")
	case len(b.Caveats) > 20 || len(b.CaveatText) > maxCaveatText:
		return invalid("caveats", "at most 20 caveats and 2000 bytes of caveat text")
	case len(b.Releasability.Countries) > 300:
		return invalid("releasability.countries", "lists more countries than there are members")
	case b.CreatedAt.IsZero():
		return invalid("created_at", "is required")
	}
	switch b.Releasability.Mode {
	case core.ReleaseAll, core.ReleaseOnly, core.ReleaseExcept:
	default:
		return invalid("releasability.mode", "must be all, only or except")
	}
	return nil
}

func validID(s string) bool { return s != "" && len(s) <= maxIDLength }

func invalid(field, reason string) error {
	return core.Invalid(core.FieldError{Field: field, Reason: reason})
}

// PublicKeyString encodes a public key as it is exchanged: "ed25519:" and
// the key in base64 (standard).
func PublicKeyString(k ed25519.PublicKey) string {
	return "ed25519:" + base64.StdEncoding.EncodeToString(k)
}

// ParsePublicKey reads what PublicKeyString wrote.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	rest, ok := strings.CutPrefix(s, "ed25519:")
	b, err := base64.StdEncoding.DecodeString(rest)
	if !ok || err != nil || len(b) != ed25519.PublicKeySize {
		return nil, invalid("public_key", "must be \"ed25519:\" and a base64 32-byte Ed25519 public key")
	}
	return ed25519.PublicKey(b), nil
}
