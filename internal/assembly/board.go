package assembly

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/cloudflare/circl/blindsign/blindrsa"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// The bulletin board of a round is an append-only Merkle log with RFC 6962
// hashing, the same golang.org/x/mod/sumdb/tlog machinery as the audit
// log. A board holds at most one ballot per eligible country, so its tree
// is rebuilt in memory from the stored leaves rather than stored.

// Choices that are not options.
const (
	ChoiceBlank   = "blank"
	ChoiceInvalid = "invalid" // a deliberately spoilt ballot
	ChoiceYes     = "yes"
	ChoiceNo      = "no"
	ChoiceAbstain = "abstain"
)

// Rules of majority.
const (
	RuleSimple    = "simple"     // more than half of the votes cast (yes > no)
	RuleTwoThirds = "two_thirds" // at least two-thirds of the votes cast
	// RuleTwoThirdsOfMembers is at least two-thirds of all member
	// countries (131 of 196), however many voted: amending the
	// constitution. Absentees, abstentions, blank and invalid ballots all
	// count against.
	RuleTwoThirdsOfMembers = "two_thirds_of_members"
)

// TwoThirdsOfMembers is how many yes votes RuleTwoThirdsOfMembers needs,
// and of how many member countries: the membership quorum counts
// (members.Count), so that the server and verify-tally, which both count
// with it, agree.
func TwoThirdsOfMembers() (needed, of int) {
	n := members.Count()
	return (2*n + 2) / 3, n
}

// Variant is the blind-signature scheme of every round (RFC 9474): the
// token is 32 random bytes, so the deterministic variant suffices, and
// PSS with an empty salt keeps a browser client short.
const Variant = blindrsa.SHA384PSSZeroDeterministic

// leaf is what a ballot's Merkle leaf encodes, in this field order.
type leaf struct {
	RoundID   string `json:"round_id"`
	Token     string `json:"token"`
	Signature string `json:"signature"`
	Choice    string `json:"choice"`
}

// Leaf is the canonical encoding of a ballot: the data of its leaf.
func Leaf(b core.BoardEntry) []byte {
	raw, err := json.Marshal(leaf{RoundID: b.RoundID, Token: b.Token, Signature: b.Signature, Choice: b.Choice})
	if err != nil { // only strings: cannot fail
		panic(err)
	}
	return raw
}

// BallotHash is the ballot's leaf hash, hex: what its receipt names.
func BallotHash(b core.BoardEntry) string {
	h := tlog.RecordHash(Leaf(b))
	return hex.EncodeToString(h[:])
}

// TokenHash is the hex SHA-256 of a token's bytes.
func TokenHash(token []byte) string {
	sum := sha256.Sum256(token)
	return hex.EncodeToString(sum[:])
}

// memTree is a board's tree in tlog's stored-hash layout, in memory.
type memTree struct{ hashes []tlog.Hash }

func (m *memTree) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("board tree: no stored hash %d", x)
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

func buildTree(entries []core.BoardEntry) (*memTree, error) {
	m := &memTree{}
	for i, e := range entries {
		hs, err := tlog.StoredHashes(int64(i), Leaf(e), m)
		if err != nil {
			return nil, err
		}
		m.hashes = append(m.hashes, hs...)
	}
	return m, nil
}

// Root is the board's RFC 6962 root hash, hex.
func Root(entries []core.BoardEntry) (string, error) {
	m, err := buildTree(entries)
	if err != nil {
		return "", err
	}
	if len(entries) == 0 {
		h := sha256.Sum256(nil)
		return hex.EncodeToString(h[:]), nil
	}
	h, err := tlog.TreeHash(int64(len(entries)), m)
	return hex.EncodeToString(h[:]), err
}

// Receipt is what a voter keeps: the ballot's hash and its inclusion
// proof in the board as it stood, to check later against the final board.
type Receipt struct {
	RoundID    string   `json:"round_id"`
	Index      int64    `json:"index"`
	BallotHash string   `json:"ballot_hash"`
	TreeSize   int64    `json:"tree_size"`
	Root       string   `json:"root"`
	Proof      []string `json:"proof"`
}

// Prove builds the receipt of entry index in the board of entries.
func Prove(entries []core.BoardEntry, index int64) (*Receipt, error) {
	if len(entries) == 0 {
		// No range to name: "0 to -1" would read as a bug.
		return nil, core.Invalid(core.FieldError{Field: "index", Reason: "must be a ballot of the board, but the board holds no ballot yet: a proof exists once a ballot is cast"})
	}
	if index < 0 || index >= int64(len(entries)) {
		return nil, core.Invalid(core.FieldError{Field: "index", Reason: fmt.Sprintf("must be a ballot of the board: 0 to %d", len(entries)-1)})
	}
	m, err := buildTree(entries)
	if err != nil {
		return nil, err
	}
	n := int64(len(entries))
	root, err := tlog.TreeHash(n, m)
	if err != nil {
		return nil, err
	}
	p, err := tlog.ProveRecord(n, index, m)
	if err != nil {
		return nil, err
	}
	r := &Receipt{RoundID: entries[index].RoundID, Index: index, BallotHash: BallotHash(entries[index]), TreeSize: n, Root: hex.EncodeToString(root[:])}
	for _, h := range p {
		r.Proof = append(r.Proof, hex.EncodeToString(h[:]))
	}
	return r, nil
}

// CheckReceipt checks a receipt against a board's root of the same size,
// or of a later size through the later board's own proof; the simplest
// check is against the final board: recompute the proof there.
func CheckReceipt(r Receipt) error {
	var proof tlog.RecordProof
	for _, s := range r.Proof {
		h, err := parseHash(s)
		if err != nil {
			return err
		}
		proof = append(proof, h)
	}
	root, err := parseHash(r.Root)
	if err != nil {
		return err
	}
	leaf, err := parseHash(r.BallotHash)
	if err != nil {
		return err
	}
	return tlog.CheckRecord(proof, r.TreeSize, root, r.Index, leaf)
}

func parseHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("%q is not a hex SHA-256 hash", s)
	}
	copy(h[:], b)
	return h, nil
}

// Count tallies a round's board under its rule. Every choice on the board
// was checked when it was cast; one that is not an option (cannot happen
// through the service) counts as invalid.
func Count(r *core.Round, entries []core.BoardEntry) *core.Tally {
	t := &core.Tally{Counts: map[string]int{}, Ballots: len(entries), Rule: r.Rule}
	for _, o := range r.Options {
		if o != ChoiceAbstain {
			t.Counts[o] = 0
		}
	}
	for _, e := range entries {
		switch {
		case e.Choice == ChoiceBlank:
			t.Blank++
		case e.Choice == ChoiceAbstain && r.Kind != core.ItemElection:
			t.Abstain++
		case e.Choice != ChoiceInvalid && slices.Contains(r.Options, e.Choice):
			t.Counts[e.Choice]++
			t.Cast++
		default:
			t.Invalid++
		}
	}
	wins := func(votes int) bool {
		if t.Cast == 0 {
			return false
		}
		if r.Rule == RuleTwoThirdsOfMembers {
			needed, _ := TwoThirdsOfMembers()
			return votes >= needed
		}
		if r.Rule == RuleTwoThirds {
			return 3*votes >= 2*t.Cast
		}
		return 2*votes > t.Cast
	}
	if r.Kind != core.ItemElection {
		t.Outcome = core.ItemRejected
		if wins(t.Counts[ChoiceYes]) {
			t.Outcome = core.ItemAdopted
		}
		return t
	}
	for _, o := range r.Options {
		if wins(t.Counts[o]) {
			t.Outcome, t.Winner = "elected", o
			return t
		}
	}
	t.Outcome = "no_decision"
	if r.DropLowest && len(r.Options) > 1 {
		// The one candidate with the fewest votes; a tie for the fewest
		// drops nobody (the next round decides between them again).
		sorted := slices.Clone(r.Options)
		sort.SliceStable(sorted, func(i, j int) bool { return t.Counts[sorted[i]] < t.Counts[sorted[j]] })
		if t.Counts[sorted[0]] < t.Counts[sorted[1]] {
			t.Dropped = []string{sorted[0]}
		}
	}
	return t
}

// BoardFile is a round's published board: what GET …/board answers and
// what verify-tally reads.
type BoardFile struct {
	Format  string            `json:"format"`
	Round   *core.Round       `json:"round"`
	Entries []core.BoardEntry `json:"entries"`
	Size    int64             `json:"size"`
	Root    string            `json:"root"`
}

// BoardFormat names the board file's format.
const BoardFormat = "manara-assembly-board/1"

// PublicKey parses a round's verification key.
func PublicKey(b64 string) (*rsa.PublicKey, error) {
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("public_key is not base64: %w", err)
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("public_key is not a PKIX key: %w", err)
	}
	pk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public_key is not an RSA key")
	}
	return pk, nil
}

// CheckToken verifies a token's signature under the round's key.
func CheckToken(pk *rsa.PublicKey, token, sig []byte) error {
	v, err := blindrsa.NewVerifier(Variant, pk)
	if err != nil {
		return err
	}
	return v.Verify(token, sig)
}

// Verification is what VerifyBoard found.
type Verification struct {
	Ballots  int
	Root     string
	Tally    *core.Tally
	Problems []string
}

// VerifyBoard recomputes a published board independently of the server:
// every ballot's signature under the round's key, no token twice, indexes
// in order, no more ballots than tokens issued nor than countries
// eligible, no more tokens than countries eligible, the root, and the tally
// against the published result.
func VerifyBoard(f *BoardFile) *Verification {
	out := &Verification{Ballots: len(f.Entries)}
	bad := func(format string, args ...any) { out.Problems = append(out.Problems, fmt.Sprintf(format, args...)) }
	if f.Format != BoardFormat {
		bad("format is %q, want %q", f.Format, BoardFormat)
	}
	if f.Round == nil {
		bad("the board names no round")
		return out
	}
	pk, err := PublicKey(f.Round.PublicKey)
	if err != nil {
		bad("%v", err)
	}
	seen := map[string]int64{}
	var valid []core.BoardEntry
	for i, e := range f.Entries {
		if e.Index != int64(i) {
			bad("entry %d has index %d", i, e.Index)
		}
		if e.RoundID != f.Round.ID {
			bad("entry %d is for round %s, not %s", i, e.RoundID, f.Round.ID)
		}
		tok, err1 := base64.RawURLEncoding.DecodeString(e.Token)
		sig, err2 := base64.RawURLEncoding.DecodeString(e.Signature)
		if err1 != nil || err2 != nil {
			bad("entry %d: token or signature is not base64url", i)
			continue
		}
		if pk != nil {
			if err := CheckToken(pk, tok, sig); err != nil {
				bad("entry %d: the token's signature does not verify with the round's key (forged)", i)
				continue
			}
		}
		h := TokenHash(tok)
		if j, dup := seen[h]; dup {
			bad("entry %d spends the token of entry %d again", i, j)
			continue
		}
		seen[h] = int64(i)
		valid = append(valid, e)
	}
	if len(f.Entries) > f.Round.TokensIssued {
		bad("%d ballots but only %d tokens were issued", len(f.Entries), f.Round.TokensIssued)
	}
	// Each eligible country takes one token: a token or a ballot beyond
	// them was minted by someone other than a voting country, whatever
	// the board's own count of tokens says.
	if n := len(f.Round.Eligible); f.Round.TokensIssued > n {
		bad("%d tokens were issued but only %d countries are eligible", f.Round.TokensIssued, n)
	}
	if n := len(f.Round.Eligible); len(f.Entries) > n {
		bad("%d ballots but only %d countries are eligible", len(f.Entries), n)
	}
	root, err := Root(f.Entries)
	if err != nil {
		bad("%v", err)
	}
	out.Root = root
	if f.Root != root {
		bad("the published root %s is not the board's root %s", f.Root, root)
	}
	if f.Size != int64(len(f.Entries)) {
		bad("the published size %d is not the %d entries", f.Size, len(f.Entries))
	}
	out.Tally = Count(f.Round, valid)
	if f.Round.Result != nil {
		got, _ := json.Marshal(out.Tally)
		want, _ := json.Marshal(f.Round.Result)
		if string(got) != string(want) {
			bad("the published result %s is not the board's count %s", want, got)
		}
	}
	if f.Round.State == core.RoundClosed && f.Round.BoardRoot != root {
		bad("the round's published root %s is not the board's root %s", f.Round.BoardRoot, root)
	}
	return out
}
