package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/core"
)

// Checkpoint is a tree head in the C2SP tlog-checkpoint format: the log's
// origin, its size and its root hash. Signed, it is a C2SP signed note.
type Checkpoint struct {
	Origin string
	Size   int64
	Hash   tlog.Hash
}

// MaxCheckpoint bounds a signed checkpoint read from a file or a request.
const MaxCheckpoint = 16 << 10

// Body is the checkpoint's note text: origin, size and base64 root hash,
// one a line.
func (c Checkpoint) Body() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Hash[:]))
}

// ParseCheckpoint reads a checkpoint body (extension lines after the
// third are allowed and ignored).
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return Checkpoint{}, errors.New("checkpoint: want an origin line, a tree size line and a root hash line")
	}
	var c Checkpoint
	c.Origin = lines[0]
	if c.Origin == "" {
		return Checkpoint{}, errors.New("checkpoint: the origin line is empty")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("checkpoint: tree size %q is not a decimal number", lines[1])
	}
	c.Size = n
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("checkpoint: root hash %q is not %d bytes in base64", lines[2], tlog.HashSize)
	}
	copy(c.Hash[:], h)
	return c, nil
}

// OpenCheckpoint checks a signed checkpoint against verifier keys
// ("name+hash+key", note's format) and returns it. It is refused unless
// one of the keys signed it, and unless its origin is that key's name.
func OpenCheckpoint(msg []byte, verifierKeys []string) (Checkpoint, error) {
	if len(msg) > MaxCheckpoint {
		return Checkpoint{}, fmt.Errorf("checkpoint: larger than %d bytes", MaxCheckpoint)
	}
	vs, err := verifiers(verifierKeys)
	if err != nil {
		return Checkpoint{}, err
	}
	n, err := note.Open(msg, vs)
	if err != nil {
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unverified) {
			return Checkpoint{}, errors.New("checkpoint: not signed by any of the verifier keys (wrong key, or not this log's checkpoint)")
		}
		return Checkpoint{}, fmt.Errorf("checkpoint: %w", err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	for _, s := range n.Sigs {
		if s.Name == c.Origin {
			return c, nil
		}
	}
	return Checkpoint{}, fmt.Errorf("checkpoint: origin %q is not the name of the key that signed it", c.Origin)
}

func verifiers(keys []string) (note.Verifiers, error) {
	if len(keys) == 0 {
		return nil, errors.New("no verifier key given")
	}
	var vs []note.Verifier
	for _, k := range keys {
		v, err := note.NewVerifier(strings.TrimSpace(k))
		if err != nil {
			return nil, fmt.Errorf("verifier key %q: %w", k, err)
		}
		vs = append(vs, v)
	}
	return note.VerifierList(vs...), nil
}

// Signer signs checkpoints of this log with the current key and knows
// every verifier key the log has used (older ones after a rotation).
type Signer struct {
	signer note.Signer
	// VerifierKey is the current key's public half; Verifiers lists every
	// key's, oldest first, the current one last.
	VerifierKey string
	Verifiers   []string
}

// Origin is the log's name in its checkpoints: the key's name.
func (s *Signer) Origin() string { return s.signer.Name() }

// Sign signs a checkpoint of the stored tree's first size entries.
func (s *Signer) Sign(tx core.AuditTx, size int64) ([]byte, Checkpoint, error) {
	root, err := RootAt(tx, size)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	c := Checkpoint{Origin: s.Origin(), Size: size, Hash: root}
	msg, err := note.Sign(&note.Note{Text: c.Body()}, s.signer)
	return msg, c, err
}

// Latest signs a checkpoint of the whole stored tree.
func (s *Signer) Latest(tx core.AuditTx) ([]byte, Checkpoint, error) {
	size, err := TreeSize(tx)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	return s.Sign(tx, size)
}

// The signing key is kept outside the store, in a file only its owner
// reads: whoever can write the store cannot sign. Beside it, PATH.pub
// lists every verifier key the log has used, one a line, oldest first.

// VerifiersPath is where the verifier keys of the signing key at path are.
func VerifiersPath(path string) string { return path + ".pub" }

// LoadOrCreateKey reads the signing key at path, or creates one named
// origin (0600) if there is none, and returns its signer and whether it
// was created.
func LoadOrCreateKey(path, origin string) (*Signer, bool, error) {
	created := false
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		skey, vkey, err := note.GenerateKey(rand.Reader, origin)
		if err != nil {
			return nil, false, fmt.Errorf("audit signing key: origin %q: %w (want a name without spaces or '+', e.g. manara.example.org/audit)", origin, err)
		}
		if err := writeNew(path, skey); err != nil {
			return nil, false, err
		}
		if err := appendVerifier(path, vkey); err != nil {
			return nil, false, err
		}
		b, created = []byte(skey), true
	} else if err != nil {
		return nil, false, fmt.Errorf("audit signing key: %w", err)
	}
	s, err := openKey(path, b)
	return s, created, err
}

// LoadKey reads the signing key at path and creates none: only a server
// and a rotation make keys, so that nobody pins or signs with a key the
// servers do not use. A missing key is an error wrapping fs.ErrNotExist.
func LoadKey(path string) (*Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	return openKey(path, b)
}

func openKey(path string, b []byte) (*Signer, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("audit signing key %s is readable by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
	}
	return newSigner(path, strings.TrimSpace(string(b)))
}

// RotateKey replaces the signing key at path by a new one with the same
// name; the old verifier key stays listed, so the checkpoints it signed
// still verify. The old private key is destroyed.
func RotateKey(path string) (*Signer, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("audit signing key: %w (nothing to rotate)", err)
	}
	old, err := LoadKey(path)
	if err != nil {
		return nil, err
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, old.Origin())
	if err != nil {
		return nil, err
	}
	tmp := path + ".new"
	os.Remove(tmp)
	if err := writeNew(tmp, skey); err != nil {
		os.Remove(tmp) // a private key left half-written or unused helps nobody
		return nil, err
	}
	if err := appendVerifier(path, vkey); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return newSigner(path, skey)
}

func newSigner(path, skey string) (*Signer, error) {
	sg, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("audit signing key %s: %w", path, err)
	}
	vkey, err := verifierOf(skey)
	if err != nil {
		return nil, err
	}
	s := &Signer{signer: sg, VerifierKey: vkey}
	if s.Verifiers, err = ReadVerifiers(VerifiersPath(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	found := false
	for _, k := range s.Verifiers {
		found = found || k == vkey
	}
	if !found { // the list was lost or never written: the current key at least
		if err := appendVerifier(path, vkey); err != nil {
			return nil, err
		}
		s.Verifiers = append(s.Verifiers, vkey)
	}
	return s, nil
}

// verifierOf derives the verifier key of a note signer key
// ("PRIVATE+KEY+name+hash+alg||seed").
func verifierOf(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return "", errors.New("audit signing key: not a note signer key")
	}
	seed, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(seed) != 33 || seed[0] != 1 {
		return "", errors.New("audit signing key: not an Ed25519 note signer key")
	}
	return note.NewEd25519VerifierKey(parts[2], ed25519.NewKeyFromSeed(seed[1:]).Public().(ed25519.PublicKey))
}

// ReadVerifiers reads a file of verifier keys, one a line ('#' comments).
func ReadVerifiers(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ks []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			ks = append(ks, l)
		}
	}
	return ks, nil
}

func writeNew(path, skey string) error {
	if err := writeLine(path, os.O_CREATE|os.O_EXCL, 0o600, skey); err != nil {
		return fmt.Errorf("audit signing key: %w", err)
	}
	return nil
}

func appendVerifier(path, vkey string) error {
	return writeLine(VerifiersPath(path), os.O_CREATE|os.O_APPEND, 0o644, vkey)
}

// writeLine writes line to the file at path, opened for writing with
// flag and perm, and syncs it before it is closed: a key is on disk
// before anything is signed with it.
func writeLine(path string, flag int, perm os.FileMode, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|flag, perm)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
