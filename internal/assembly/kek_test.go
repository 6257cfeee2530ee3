package assembly

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestKEKFile: the KEK file is created 0600 on first use and read back
// as the same key; a file readable by others, or not a KEK file, is
// refused with what is wrong.
func TestKEKFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "assembly.kek")
	k, created, err := LoadOrCreateKEK(path)
	if err != nil || !created {
		t.Fatalf("create: %v created=%v", err, created)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the new KEK file has mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	again, created, err := LoadOrCreateKEK(path)
	if err != nil || created || again.ID() != k.ID() {
		t.Fatalf("reload: %v created=%v id %s vs %s", err, created, again.ID(), k.ID())
	}
	sealed, err := k.Seal("round-1", []byte("der"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open("round-1", 1, sealed); err != nil || string(got) != "der" {
		t.Fatalf("the reloaded key does not open what the first sealed: %q %v", got, err)
	}

	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, _, err := LoadOrCreateKEK(path); err == nil || !strings.Contains(err.Error(), "readable by others") || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("mode %v: %v, want refused as readable by others", mode, err)
		}
	}
	os.Chmod(path, 0o600)

	bad := filepath.Join(t.TempDir(), "bad.kek")
	for name, text := range map[string]string{"empty": "", "other": "PRIVATE+KEY+x", "short": kekFileHead + "AAAA\n"} {
		os.WriteFile(bad, []byte(text), 0o600)
		if _, _, err := LoadOrCreateKEK(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s file: %v, want refused naming the file", name, err)
		}
	}
	if _, _, err := LoadOrCreateKEK(filepath.Join(t.TempDir(), "no", "such", "dir", "k")); err == nil {
		t.Errorf("a KEK file in a missing folder was created")
	}
}

// TestKEKSeal: a sealed key opens for its round under its KEK only; the
// errors say which is wrong; nothing of the key shows in the sealed
// value.
func TestKEKSeal(t *testing.T) {
	k, other := EphemeralKEK(), EphemeralKEK()
	secret := bytes.Repeat([]byte("private key "), 20)
	sealed, err := k.Seal("round-a", secret)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, secret[:12]) {
		t.Fatalf("the sealed value holds the key in clear")
	}
	if got, err := k.Open("round-a", 1, sealed); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open: %v", err)
	}
	if _, err := k.Open("round-b", 2, sealed); core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(err.Error(), "does not open for this round") {
		t.Errorf("another round: %v", err)
	}
	if _, err := other.Open("round-a", 1, sealed); core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(err.Error(), other.ID()) {
		t.Errorf("another KEK: %v", err)
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	if _, err := k.Open("round-a", 1, flipped); err == nil {
		t.Errorf("an altered sealed key opened")
	}
	if _, err := k.Open("round-a", 1, []byte{0x30, 0x82, 1, 2}); core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(err.Error(), "not sealed") {
		t.Errorf("a key stored in clear: %v", err)
	}
	if _, err := NewKEK(make([]byte, 16)); err == nil {
		t.Errorf("a 128-bit KEK was taken")
	}
}
