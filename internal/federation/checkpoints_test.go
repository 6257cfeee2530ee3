package federation

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// signedCheckpoint signs a checkpoint body of size n with root h.
func signedCheckpoint(t testing.TB, signer note.Signer, n int64, h tlog.Hash) string {
	c := audit.Checkpoint{Origin: signer.Name(), Size: n, Hash: h}
	msg, err := note.Sign(&note.Note{Text: c.Body()}, signer)
	if err != nil {
		t.Fatal(err)
	}
	return string(msg)
}

// treeOf builds a tlog tree of n leaves in memory.
type memHashes map[int64]tlog.Hash

func (m memHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m[x]
	}
	return out, nil
}

func treeOf(t testing.TB, leaves ...string) memHashes {
	m := memHashes{}
	for i, l := range leaves {
		hs, err := tlog.StoredHashes(int64(i), []byte(l), m)
		if err != nil {
			t.Fatal(err)
		}
		for j, h := range hs {
			m[tlog.StoredHashIndex(0, int64(i))+int64(j)] = h
		}
	}
	return m
}

func TestCheckCheckpoint(t *testing.T) {
	skey, vkey, err := note.GenerateKey(nil, "node.example/manara-audit")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	log := treeOf(t, "a", "b", "c", "d", "e")
	t0 := time.Date(2031, 3, 1, 9, 0, 0, 0, time.UTC)
	root := func(m memHashes, n int64) tlog.Hash { h, _ := tlog.TreeHash(n, m); return h }
	payload := func(n int64, h tlog.Hash, prev int64, proof []tlog.Hash) []byte {
		b, _ := json.Marshal(checkpointPayload{Checkpoint: signedCheckpoint(t, signer, n, h), VerifierKeys: []string{vkey}, PreviousSize: prev, Consistency: hashStrings(proof)})
		return b
	}
	first, err := checkCheckpoint(payload(3, root(log, 3), 0, nil), 3, t0, t0, nil)
	if err != nil || first == nil || first.Size != 3 {
		t.Fatalf("first checkpoint: %+v, %v", first, err)
	}
	first.CreatedAt = t0 // as applyCheckpoint keeps it: the bundle's time
	proof, _ := tlog.ProveTree(5, 3, log)
	if c, err := checkCheckpoint(payload(5, root(log, 5), 3, proof), 5, t0, t0, first); err != nil || c.Size != 5 {
		t.Fatalf("an extension: %+v, %v", c, err)
	}
	// A fork: another log of 5 entries whose first 3 differ.
	fork := treeOf(t, "a", "B", "c", "d", "e")
	fproof, _ := tlog.ProveTree(5, 3, fork)
	if _, err := checkCheckpoint(payload(5, root(fork, 5), 3, fproof), 5, t0, t0, first); err == nil {
		t.Fatal("a forked log was taken for an extension")
	}
	if _, err := checkCheckpoint(payload(2, root(log, 2), 3, nil), 2, t0, t0, first); err == nil {
		t.Fatal("a truncated log was accepted")
	}
	if _, err := checkCheckpoint(payload(3, root(fork, 3), 3, nil), 3, t0, t0, first); err == nil {
		t.Fatal("another root at the same size was accepted")
	}
	if _, err := checkCheckpoint(payload(5, root(log, 5), 3, proof), 4, t0, t0, first); err == nil {
		t.Fatal("a size other than the bundle's was accepted")
	}
	other, _, _ := note.GenerateKey(nil, "node.example/manara-audit")
	otherSigner, _ := note.NewSigner(other)
	b, _ := json.Marshal(checkpointPayload{Checkpoint: signedCheckpoint(t, otherSigner, 3, root(log, 3)), VerifierKeys: []string{vkey}})
	if _, err := checkCheckpoint(b, 3, t0, t0, nil); err == nil {
		t.Fatal("a checkpoint signed by another key was accepted")
	}
}

// TestCheckpointTime: a checkpoint dated before the one held from the
// peer, or too far ahead of the receiver's clock, is refused, saying
// which; one dated at or after the held one, within the clocks' margin,
// is kept.
func TestCheckpointTime(t *testing.T) {
	skey, vkey, _ := note.GenerateKey(nil, "node.example/manara-audit")
	signer, _ := note.NewSigner(skey)
	log := treeOf(t, "a", "b", "c", "d", "e")
	r3, _ := tlog.TreeHash(3, log)
	r5, _ := tlog.TreeHash(5, log)
	proof, _ := tlog.ProveTree(5, 3, log)
	t0 := time.Date(2031, 3, 1, 9, 0, 0, 0, time.UTC)
	held := &core.PeerCheckpoint{Size: 3, Origin: signer.Name(), RootHash: base64.StdEncoding.EncodeToString(r3[:]), VerifierKeys: []string{vkey}, CreatedAt: t0}
	next, _ := json.Marshal(checkpointPayload{Checkpoint: signedCheckpoint(t, signer, 5, r5), VerifierKeys: []string{vkey}, PreviousSize: 3, Consistency: hashStrings(proof)})
	now := t0.Add(time.Hour)
	for _, c := range []struct {
		name      string
		made      time.Time
		held      *core.PeerCheckpoint
		wantError string
	}{
		{"an hour after the held one", t0.Add(time.Hour), held, ""},
		{"at the held one's time", t0, held, ""},
		{"a minute ahead of the clock", now.Add(time.Minute), held, ""},
		{"a microsecond before the held one", t0.Add(-time.Microsecond), held, "before the peer's checkpoint held here (dated 2031-03-01T09:00:00Z)"},
		{"a day before the held one", t0.Add(-24 * time.Hour), held, "the checkpoint is dated 2031-02-28T09:00:00Z, before the peer's checkpoint held here"},
		{"three minutes ahead of the clock", now.Add(3 * time.Minute), held, "3m0s ahead of this process's clock (at most 2m0s)"},
		{"the first, a day ahead of the clock", now.Add(24 * time.Hour), nil, "24h0m0s ahead of this process's clock"},
	} {
		pl := next
		if c.held == nil {
			pl, _ = json.Marshal(checkpointPayload{Checkpoint: signedCheckpoint(t, signer, 5, r5), VerifierKeys: []string{vkey}, Consistency: []string{}})
		}
		got, err := checkCheckpoint(pl, 5, c.made, now, c.held)
		switch {
		case c.wantError == "" && (err != nil || got == nil || got.Size != 5):
			t.Errorf("%s: want it kept, got %+v, %v", c.name, got, err)
		case c.wantError != "" && (err == nil || !strings.Contains(err.Error(), c.wantError)):
			t.Errorf("%s: want a refusal saying %q, got %+v, %v", c.name, c.wantError, got, err)
		case c.wantError != "":
			if _, ok := err.(refusal); !ok {
				t.Errorf("%s: %v is not a refusal (the message would not take its place)", c.name, err)
			}
		}
	}
}

// FuzzCheckCheckpoint: whatever a peer sends as a checkpoint, checking
// it never panics, and nothing but a verified checkpoint is kept.
func FuzzCheckCheckpoint(f *testing.F) {
	skey, vkey, _ := note.GenerateKey(nil, "node.example/manara-audit")
	signer, _ := note.NewSigner(skey)
	log := treeOf(f, "a", "b", "c", "d", "e")
	r3, _ := tlog.TreeHash(3, log)
	held := &core.PeerCheckpoint{Size: 3, Origin: signer.Name(), RootHash: base64.StdEncoding.EncodeToString(r3[:]), VerifierKeys: []string{vkey}}
	r5, _ := tlog.TreeHash(5, log)
	proof, _ := tlog.ProveTree(5, 3, log)
	good, _ := json.Marshal(checkpointPayload{Checkpoint: signedCheckpoint(f, signer, 5, r5), VerifierKeys: []string{vkey}, PreviousSize: 3, Consistency: hashStrings(proof)})
	f.Add(good, int64(5))
	f.Add([]byte(`{"checkpoint":"x\n1\n\n","verifier_keys":["k"],"previous_size":0,"consistency":[]}`), int64(1))
	f.Fuzz(func(t *testing.T, payload []byte, size int64) {
		for _, h := range []*core.PeerCheckpoint{nil, held} {
			c, err := checkCheckpoint(payload, size, time.Unix(0, 0), time.Unix(0, 0), h)
			if err == nil && c != nil {
				if _, err := audit.OpenCheckpoint([]byte(c.Note), c.VerifierKeys); err != nil || c.Size != size {
					t.Fatalf("kept a checkpoint that does not verify: %v", err)
				}
			}
		}
	})
}
