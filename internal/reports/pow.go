package reports

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// PoW issues and checks proof-of-work challenges without state of its own
// and without any third-party service: a challenge is a random nonce, the
// time it was issued and the difficulty, signed with a server key. The
// client finds a counter such that SHA-256(challenge || counter) starts
// with Difficulty zero bits. Replay is stopped by the store's table of
// used nonces (shared by every replica); replicas must share Key.
type PoW struct {
	Key        []byte
	Difficulty int           // leading zero bits; about 2^Difficulty hashes for the client
	TTL        time.Duration // how long a challenge stays valid
	// NoScriptDelay, if set, lets the page's form (never the JSON API)
	// sent without a counter pass when its challenge is at least this old:
	// the fallback for browsers without JavaScript, costing the sender
	// time instead of work.
	NoScriptDelay time.Duration
}

// DefaultPoWDifficulty is the difficulty of a new PoW and the default of
// --reports-pow-difficulty: about 2^N hashes for the client, chosen from
// the page worker's measured rate (see the README, "Citizen reports").
const DefaultPoWDifficulty = 20

// NewPoW returns a PoW with a random key (one process) and the defaults.
func NewPoW() *PoW {
	k := make([]byte, 32)
	rand.Read(k)
	return &PoW{Key: k, Difficulty: DefaultPoWDifficulty, TTL: 30 * time.Minute, NoScriptDelay: 30 * time.Second}
}

// Challenge is what a client must solve.
type Challenge struct {
	Challenge  string    `json:"challenge"`
	Difficulty int       `json:"difficulty"`
	ExpiresAt  time.Time `json:"expires_at"`
	Algorithm  string    `json:"algorithm"`
}

func (p *PoW) sign(payload []byte) string {
	m := hmac.New(sha256.New, p.Key)
	m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// Issue makes a new challenge at now.
func (p *PoW) Issue(now time.Time) Challenge {
	payload := make([]byte, 16+8+1)
	rand.Read(payload[:16])
	binary.BigEndian.PutUint64(payload[16:24], uint64(now.Unix()))
	payload[24] = byte(p.Difficulty)
	c := base64.RawURLEncoding.EncodeToString(payload) + "." + p.sign(payload)
	return Challenge{Challenge: c, Difficulty: p.Difficulty, ExpiresAt: now.Add(p.TTL).UTC(),
		Algorithm: "find a decimal counter such that SHA-256(challenge + counter) starts with difficulty zero bits"}
}

// LeadingZeroBits counts the zero bits that start SHA-256(challenge+counter).
func LeadingZeroBits(challenge, counter string) int {
	sum := sha256.Sum256([]byte(challenge + counter))
	n := 0
	for _, b := range sum {
		if b == 0 {
			n += 8
			continue
		}
		return n + bits.LeadingZeros8(b)
	}
	return n
}

// Solve finds a counter for c (for tests, the benchmark and the demo).
func Solve(challenge string, difficulty int) string {
	for i := 0; ; i++ {
		s := strconv.Itoa(i)
		if LeadingZeroBits(challenge, s) >= difficulty {
			return s
		}
	}
}

// errPoW refuses a proof-of-work; code (a "reason.<code>" catalog key)
// tells a person what to do: send the form again (pow_retry), or wait a
// little before sending it (pow_wait).
var errPoW = func(code, reason string) error {
	return core.Invalid(core.FieldError{Field: "pow", Reason: reason, Code: code})
}

// powUsed refuses a challenge already spent, which the store answers
// with a conflict: mostly a form sent twice (a double click, a reload
// that sends it again), whose browser shows only the second answer. It
// stays a conflict but names the proof-of-work, so that the page says it
// as its security check: the page it answers carries a fresh challenge,
// and a reporter who never saw the first copy's receipt has no other way
// to get one.
func powUsed(err error) error {
	if core.ErrorCode(err) != core.ECONFLICT {
		return err
	}
	return &core.Error{Code: core.ECONFLICT, Message: "this proof-of-work challenge was already used: ask for a new one",
		Fields: []core.FieldError{{Field: "pow", Reason: "the challenge was already used: ask for a new one", Code: "pow_retry"}}}
}

// check verifies the signature, freshness and work of a solution and
// returns the nonce to record as used, with its expiry.
func (p *PoW) check(challenge, counter string, now time.Time, noScript bool) (nonce string, expires time.Time, err error) {
	if challenge == "" {
		return "", time.Time{}, errPoW("pow_retry", "a proof-of-work is required: GET /api/v1/public/reports/challenge, then send challenge and counter")
	}
	if len(challenge) > 200 || len(counter) > 20 {
		return "", time.Time{}, errPoW("pow_retry", "the challenge or counter is too long")
	}
	body, sig, ok := strings.Cut(challenge, ".")
	payload, err2 := base64.RawURLEncoding.DecodeString(body)
	if !ok || err2 != nil || len(payload) != 25 || !hmac.Equal([]byte(sig), []byte(p.sign(payload))) {
		return "", time.Time{}, errPoW("pow_retry", "the challenge was not issued by this server")
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(payload[16:24])), 0)
	expires = issued.Add(p.TTL)
	if now.After(expires) {
		return "", time.Time{}, errPoW("pow_retry", "the challenge has expired: ask for a new one")
	}
	difficulty := int(payload[24])
	if counter == "" {
		if !noScript || p.NoScriptDelay <= 0 || now.Sub(issued) < p.NoScriptDelay {
			return "", time.Time{}, errPoW("pow_wait", "the proof-of-work counter is missing (without JavaScript, wait a little before sending the form)")
		}
	} else {
		if _, err := strconv.ParseUint(counter, 10, 64); err != nil {
			return "", time.Time{}, errPoW("pow_retry", "the counter must be a decimal number")
		}
		if LeadingZeroBits(challenge, counter) < difficulty {
			return "", time.Time{}, errPoW("pow_retry", "the counter does not solve the challenge")
		}
	}
	return hex.EncodeToString(payload[:16]), expires, nil
}
