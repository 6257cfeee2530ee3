package assembly

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/cloudflare/circl/blindsign/blindrsa"
)

// Ballot is the voter's side of one token, for Go clients (the command
// line, tests, the bench): draw a random token, blind it for the round's
// key, and after the server's blind signature, unblind it into what the
// ballot carries. The browser's voting booth does the same in script.
type Ballot struct {
	Token   []byte
	Blinded []byte
	client  blindrsa.Client
	state   blindrsa.State
}

// NewBallot draws a 32-byte token and blinds it under the round's public
// key (base64 PKIX, as the round shows it).
func NewBallot(publicKey string, random io.Reader) (*Ballot, error) {
	if random == nil {
		random = rand.Reader
	}
	pk, err := PublicKey(publicKey)
	if err != nil {
		return nil, err
	}
	c, err := blindrsa.NewClient(Variant, pk)
	if err != nil {
		return nil, err
	}
	b := &Ballot{Token: make([]byte, 32), client: c}
	if _, err := io.ReadFull(random, b.Token); err != nil {
		return nil, err
	}
	if b.Blinded, b.state, err = c.Blind(random, b.Token); err != nil {
		return nil, err
	}
	return b, nil
}

// BlindedB64 is the blinded token as the token request sends it.
func (b *Ballot) BlindedB64() string { return base64.StdEncoding.EncodeToString(b.Blinded) }

// Finalize unblinds the server's blind signature (base64) and returns the
// ballot to cast with choice.
func (b *Ballot) Finalize(blindSignature, choice string) (BallotInput, error) {
	bs, err := base64.StdEncoding.DecodeString(blindSignature)
	if err != nil {
		return BallotInput{}, fmt.Errorf("blind_signature is not base64: %w", err)
	}
	sig, err := b.client.Finalize(b.state, bs)
	if err != nil {
		return BallotInput{}, fmt.Errorf("the blind signature does not unblind to a valid signature: %w", err)
	}
	return BallotInput{Token: base64.RawURLEncoding.EncodeToString(b.Token), Signature: base64.RawURLEncoding.EncodeToString(sig), Choice: choice}, nil
}
