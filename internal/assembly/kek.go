package assembly

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/manara-hub/manara/internal/core"
)

// A round's private signing key never reaches the store in clear: it is
// sealed (AES-256-GCM) under a key-encryption key kept in a file outside
// the store, so that whoever can read the store — a database
// administrator, a backup — cannot mint tokens. The round's id is the
// additional data, so a sealed key moved to another round's row does not
// open.

// KEKSize is the size of a key-encryption key: AES-256.
const KEKSize = 32

const (
	sealVersion = 1
	kekIDSize   = 8
	kekFileHead = "manara-assembly-kek-v1 "
	// maxKEKFile bounds what is read of a key file.
	maxKEKFile = 1024
)

// KEK is the key-encryption key of the rounds' signing keys.
type KEK struct {
	aead cipher.AEAD
	id   [kekIDSize]byte
}

// NewKEK makes a KEK of 32 random bytes' worth of key material.
func NewKEK(raw []byte) (*KEK, error) {
	if len(raw) != KEKSize {
		return nil, fmt.Errorf("assembly key: %d bytes, want %d (AES-256)", len(raw), KEKSize)
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &KEK{aead: aead}
	// The id names the key in each sealed value, so that a server with
	// another key says so instead of "does not open". It is a hash of
	// the key, which a 256-bit random key does not give away.
	sum := sha256.Sum256(append([]byte("manara assembly kek id\x00"), raw...))
	copy(k.id[:], sum[:])
	return k, nil
}

// EphemeralKEK is a random KEK that lives as long as the process: for a
// single server in tests or the demo. Rounds it sealed cannot be signed
// after a restart or by another replica; servers load theirs with
// LoadOrCreateKEK.
func EphemeralKEK() *KEK {
	raw := make([]byte, KEKSize)
	if _, err := io.ReadFull(rand.Reader, raw); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	k, err := NewKEK(raw)
	if err != nil {
		panic(err)
	}
	return k
}

// ID names the key (hex), as logged and stated in errors.
func (k *KEK) ID() string { return hex.EncodeToString(k.id[:]) }

func sealAD(roundID string) []byte {
	return []byte("manara assembly round signing key v1\x00" + roundID)
}

// Seal encrypts a round's private key, bound to the round's id:
// version (1 byte) | KEK id (8) | nonce (12) | ciphertext and tag.
func (k *KEK) Seal(roundID string, key []byte) ([]byte, error) {
	out := make([]byte, 1+kekIDSize+k.aead.NonceSize(), 1+kekIDSize+k.aead.NonceSize()+len(key)+k.aead.Overhead())
	out[0] = sealVersion
	copy(out[1:], k.id[:])
	nonce := out[1+kekIDSize:]
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, err
	}
	return k.aead.Seal(out, nonce, key, sealAD(roundID)), nil
}

// Open decrypts the sealed key of round roundID. The errors are
// EUNAVAILABLE and say what is wrong: another KEK, or a value that is not
// this round's (altered, or copied from another round).
func (k *KEK) Open(roundID string, round int, sealed []byte) ([]byte, error) {
	head := 1 + kekIDSize + k.aead.NonceSize()
	if len(sealed) < head+k.aead.Overhead() || sealed[0] != sealVersion {
		return nil, core.Errorf(core.EUNAVAILABLE, "round %d's signing key is not sealed under an assembly key (stored in clear by an older version, or altered): no token can be issued in this round; close it and open a new one", round)
	}
	if subtle.ConstantTimeCompare(sealed[1:1+kekIDSize], k.id[:]) != 1 {
		return nil, core.Errorf(core.EUNAVAILABLE, "round %d's signing key was sealed under assembly key %x, and this server holds assembly key %s: every server must load the same --assembly-key file", round, sealed[1:1+kekIDSize], k.ID())
	}
	key, err := k.aead.Open(nil, sealed[1+kekIDSize:head], sealed[head:], sealAD(roundID))
	if err != nil {
		return nil, core.Errorf(core.EUNAVAILABLE, "round %d's sealed signing key does not open for this round: it was altered or copied from another round; no token can be issued in this round", round)
	}
	return key, nil
}

// LoadOrCreateKEK reads the KEK file at path, or creates one (mode 0600)
// if there is none, and says whether it was created. A file readable or
// writable by others is refused, as the audit signing key is.
func LoadOrCreateKEK(path string) (*KEK, bool, error) {
	created := false
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		if created, err = createKEKFile(path); err != nil {
			return nil, false, err
		}
		if fh, err = os.Open(path); err != nil {
			return nil, false, fmt.Errorf("assembly key: %w", err)
		}
	} else if err != nil {
		return nil, false, fmt.Errorf("assembly key: %w", err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("assembly key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, false, fmt.Errorf("assembly key %s is not a regular file", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("assembly key %s is readable by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := io.ReadAll(io.LimitReader(fh, maxKEKFile))
	if err != nil {
		return nil, false, fmt.Errorf("assembly key %s: %w", path, err)
	}
	text := strings.TrimSpace(string(b))
	if !strings.HasPrefix(text, kekFileHead) {
		return nil, false, fmt.Errorf("assembly key %s: not an assembly key file (want a line %q followed by 32 bytes in base64)", path, kekFileHead+"…")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(text, kekFileHead))
	if err != nil || len(raw) != KEKSize {
		return nil, false, fmt.Errorf("assembly key %s: the key must be %d bytes in base64", path, KEKSize)
	}
	k, err := NewKEK(raw)
	if err != nil {
		return nil, false, fmt.Errorf("assembly key %s: %w", path, err)
	}
	return k, created, nil
}

// createKEKFile puts a new key at path unless another process puts one
// there first, and says whether the key there is this call's. Replicas
// started together on a shared data folder all find no file: the key is
// written and synced to a temporary file of the same folder and only then
// linked into place, so that none reads a half-written file, and a link
// fails if the name exists, so that one key wins and the others read it.
func createKEKFile(path string) (bool, error) {
	raw := make([]byte, KEKSize)
	if _, err := io.ReadFull(rand.Reader, raw); err != nil {
		return false, err
	}
	dir := filepath.Dir(path)
	// CreateTemp makes the file 0600.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return false, fmt.Errorf("assembly key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(kekFileHead + base64.StdEncoding.EncodeToString(raw) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, fmt.Errorf("assembly key %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("assembly key %s: %w", path, err)
	}
	// The new name is in the folder, which a crash could lose unsynced:
	// a replica would then seal rounds under a key that is gone.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return true, nil
}
