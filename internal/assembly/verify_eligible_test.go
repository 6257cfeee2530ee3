package assembly_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"testing"
	"time"

	"github.com/cloudflare/circl/blindsign/blindrsa"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/core"
)

// TestVerifyTallyMoreBallotsThanEligible: verify-tally is the
// public's independent check of a round. The board names the countries
// eligible (two here) and says how many tokens were issued; a board with
// three ballots, tokens_issued 3 and two eligible countries — one country
// more than could ever vote, e.g. a token minted by whoever holds the
// store and the KEK (README, "What remains") — must not verify. Each
// country takes one token: neither tokens_issued nor the ballots may
// exceed the eligible countries.
func TestVerifyTallyMoreBallotsThanEligible(t *testing.T) {
	sk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&sk.PublicKey)
	pub := base64.StdEncoding.EncodeToString(der)
	now := time.Date(2025, 11, 25, 10, 0, 0, 0, time.UTC)
	r := &core.Round{ID: "round-beyond-eligible", SessionID: "s", ItemID: "i", Number: 1, Kind: core.ItemResolution, State: core.RoundClosed,
		Question: "Resolution on maritime piracy (fictitious)", Options: []string{assembly.ChoiceYes, assembly.ChoiceNo, assembly.ChoiceAbstain},
		Rule: assembly.RuleSimple, PublicKey: pub, Eligible: []string{"MA", "SN"}, TokensIssued: 3,
		Quorum: core.Quorum{Required: 1, Present: 2, Met: true}, OpenedAt: now, ClosesAt: now.Add(30 * time.Minute), ClosedAt: &now}
	var entries []core.BoardEntry
	for i, choice := range []string{assembly.ChoiceYes, assembly.ChoiceYes, assembly.ChoiceNo} {
		b, err := assembly.NewBallot(pub, nil)
		if err != nil {
			t.Fatal(err)
		}
		bs, err := blindrsa.NewSigner(sk).BlindSign(b.Blinded)
		if err != nil {
			t.Fatal(err)
		}
		in, err := b.Finalize(base64.StdEncoding.EncodeToString(bs), choice)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, core.BoardEntry{RoundID: r.ID, Index: int64(i), Token: in.Token, Signature: in.Signature, Choice: in.Choice})
	}
	root, err := assembly.Root(entries)
	if err != nil {
		t.Fatal(err)
	}
	r.BoardSize, r.BoardRoot, r.Result = int64(len(entries)), root, assembly.Count(r, entries)
	v := assembly.VerifyBoard(&assembly.BoardFile{Format: assembly.BoardFormat, Round: r, Entries: entries, Size: int64(len(entries)), Root: root})
	if len(v.Problems) == 0 {
		t.Fatalf("a board of %d ballots (tokens_issued %d) for a round with %d eligible countries %v verifies: %s, %d ballots; want a problem naming the ballots beyond the eligible countries",
			len(entries), r.TokensIssued, len(r.Eligible), r.Eligible, v.Tally.Outcome, v.Ballots)
	}
}
