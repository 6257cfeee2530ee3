package audit_test

import (
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// TestTreeMatchesTlog appends through audit.Append (which stores tlog's
// hashes) and checks, at every size, that audit.Check's own recomputation
// of the root and tlog.TreeHash over the stored hashes agree, and that
// proofs from the stored tree verify.
func TestTreeMatchesTlog(t *testing.T) {
	m := &memTx{}
	for n := int64(1); n <= 70; n++ {
		e := audit.Entry(core.Viewer{UserID: "u", Bureau: "MA"}, "record.read", audit.OK, "rec-"+itoa(int(n)))
		if err := audit.Append(m, e); err != nil {
			t.Fatal(err)
		}
		r, err := audit.Check(m, nil)
		if err != nil {
			t.Fatalf("size %d: %v", n, err)
		}
		root, err := audit.RootAt(m, n)
		if err != nil || r.Root != root || r.TreeSize != n {
			t.Fatalf("size %d: Check's root %v, stored root %v (%v)", n, r.Root, root, err)
		}
		p, err := audit.ProveInclusion(m, n/2+1, n)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p.Proof, n, root, n/2, p.LeafHash); err != nil {
			t.Fatalf("size %d: inclusion of %d: %v", n, n/2+1, err)
		}
	}
}

func TestParseCheckpointRefuses(t *testing.T) {
	for _, text := range []string{
		"", "origin\n5\n", "\n5\nAAAA\n", "origin\n-1\n" + strings.Repeat("A", 43) + "=\n",
		"origin\n05\n" + strings.Repeat("A", 43) + "=\n", "origin\n5\nnot base64\n", "origin\n5\nAAAA\n",
	} {
		if _, err := audit.ParseCheckpoint(text); err == nil {
			t.Errorf("ParseCheckpoint(%q) accepted", text)
		}
	}
	c := audit.Checkpoint{Origin: "hub.example/log", Size: 5, Hash: tlog.Hash{1, 2, 3}}
	if got, err := audit.ParseCheckpoint(c.Body() + "extension line\n"); err != nil || got != c {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}
