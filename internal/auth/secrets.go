// Package auth owns credentials: argon2id password hashes, session and API
// key tokens, and the limits on guessing them. It decides who a caller is;
// what they may see is the access package's job. It keeps no state but the
// in-memory rate limiter and talks to storage only through core.Tx.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordCost is what one argon2id password hash costs: passes over
// the memory, and the memory in KiB.
type PasswordCost struct {
	Time      uint32
	MemoryKiB uint32
}

// DefaultPasswordCost is RFC 9106's second recommended option with
// 64 MiB: about 50 ms a hash on a small server core.
var DefaultPasswordCost = PasswordCost{Time: 2, MemoryKiB: 64 * 1024}

// TestPasswordCost hashes in well under a millisecond, for test suites
// that create users and sign in thousands of times (at the default cost
// the hashes were three quarters of the API tests' CPU). A Service uses a
// cost under DefaultPasswordCost only inside a test binary
// (testing.Testing); anywhere else it hashes at DefaultPasswordCost.
var TestPasswordCost = PasswordCost{Time: 1, MemoryKiB: 64}

// below reports whether c is cheaper than DefaultPasswordCost on
// either axis.
func (c PasswordCost) below() bool {
	return c.Time < DefaultPasswordCost.Time || c.MemoryKiB < DefaultPasswordCost.MemoryKiB
}

const (
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLength and MaxPasswordLength bound a password, in
// characters (a passphrase in Arabic script takes two bytes a character).
// No separate bound in bytes is needed: 1024 characters are at most 4 KiB
// of UTF-8, which argon2id reads once before its passes over the memory.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 1024
)

// hashPassword returns an encoded argon2id hash in the PHC string format.
func hashPassword(password string, c PasswordCost) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, c.Time, c.MemoryKiB, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.MemoryKiB, c.Time, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var errBadHash = errors.New("not an argon2id hash")

// CheckPassword reports whether password matches an encoded hash, in
// constant time for a given hash.
func CheckPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem == 0 || t == 0 || p == 0 || mem > 1<<21 || t > 16 {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NewToken returns a random token of 32 bytes, URL-safe.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness failing is not recoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// TokenHash is what is stored for a high-entropy token. A plain SHA-256 is
// enough for 256 random bits and keeps every request cheap.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SameHash compares two hex hashes in constant time.
func SameHash(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// KeyPrefix starts every API key, so leaked keys are easy to find.
const KeyPrefix = "mnr_"

// FormatKey builds the key string shown once: prefix, id, secret.
func FormatKey(id, secret string) string {
	return KeyPrefix + strings.ReplaceAll(id, "-", "") + "_" + secret
}

// ParseKey splits a key string into the key id (a UUID) and its secret.
func ParseKey(s string) (id, secret string, ok bool) {
	rest, found := strings.CutPrefix(s, KeyPrefix)
	if !found || len(s) > 200 {
		return "", "", false
	}
	hexID, secret, found := strings.Cut(rest, "_")
	if !found || len(hexID) != 32 || secret == "" {
		return "", "", false
	}
	if _, err := hex.DecodeString(hexID); err != nil {
		return "", "", false
	}
	id = hexID[0:8] + "-" + hexID[8:12] + "-" + hexID[12:16] + "-" + hexID[16:20] + "-" + hexID[20:32]
	return strings.ToLower(id), secret, true
}
