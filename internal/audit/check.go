package audit

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/core"
)

// Report is what Check proved.
type Report struct {
	// Entries is how many entries were walked and found intact.
	Entries int64
	// TreeSize and Root are the stored tree's, recomputed from the entries.
	TreeSize int64
	Root     tlog.Hash
	// Uncovered counts entries written before the tree existed and not yet
	// added to it (the next append adds them).
	Uncovered int64
	// Kept is the checkpoint the log was proved to extend, if one was given.
	Kept *Checkpoint
}

// Check verifies the whole log in tx, which should be one read
// transaction: it walks every entry in order and checks the hash chain,
// recomputes each entry's Merkle leaf and compares it with the stored
// tree, derives the per-record index from the entries and compares it with
// the stored one, checks that the head and the stored root match what was
// recomputed and, given a checkpoint kept earlier (whose signature the
// caller has checked with OpenCheckpoint), that the first kept.Size
// entries still have the kept root and that the stored tree extends it
// (RFC 6962 consistency proof). The first problem is returned as a
// *Problem naming the entry; an error of the store otherwise.
func Check(tx core.AuditTx, kept *Checkpoint) (Report, error) {
	var r Report
	var v Verifier
	var unreadable *core.AuditRowError
	head, err := tx.AuditHead()
	if errors.As(err, &unreadable) {
		return r, v.Unreadable(unreadable)
	} else if err != nil {
		return r, err
	}
	if head.TreeSize > head.Seq {
		return r, &Problem{head.Seq + 1, fmt.Sprintf("the Merkle tree covers %d entries but the head says %d (entries removed from the end)", head.TreeSize, head.Seq)}
	}
	var f frontier
	keptRoot, treeRoot := f.root(), f.root() // of an empty tree, until leaves arrive
	reader := newHashCache(tx)
	after := int64(0)
	for {
		// An entry the store cannot read ends the page; the entries before
		// it are checked first, one of them may be the first altered.
		page, err := tx.AuditEntries(after, 1000)
		if err != nil && !errors.As(err, &unreadable) {
			return r, err
		}
		if len(page) == 0 && unreadable == nil {
			break
		}
		last := after
		if len(page) > 0 {
			last = page[len(page)-1].Seq
		}
		// The stored leaves of this page's entries that the tree covers.
		var idx []int64
		for _, e := range page {
			if e.Seq >= 1 && e.Seq <= head.TreeSize {
				idx = append(idx, tlog.StoredHashIndex(0, e.Seq-1))
			}
		}
		stored, damaged, err := readHashes(tx, idx)
		if err != nil {
			return r, err
		}
		refs, err := tx.AuditRecordRefs(after, last)
		if err != nil {
			return r, err
		}
		bySeq := map[int64][]string{}
		for _, ref := range refs {
			bySeq[ref.Seq] = append(bySeq[ref.Seq], ref.RecordID)
		}
		for _, e := range page {
			if p := v.Next(e); p != nil {
				r.Entries = v.Count
				return r, p
			}
			leaf := LeafHash(&e)
			if e.Seq <= head.TreeSize {
				x := tlog.StoredHashIndex(0, e.Seq-1)
				if p := damaged[x]; p != nil {
					r.Entries = v.Count - 1
					return r, p
				}
				if h, ok := stored[x]; !ok || h != leaf {
					r.Entries = v.Count - 1
					return r, &Problem{e.Seq, "its leaf in the Merkle tree does not match its content (entry or tree altered)"}
				}
			}
			if want, got := indexOf(e.RecordIDs), bySeq[e.Seq]; !sameSet(want, got) {
				r.Entries = v.Count - 1
				return r, &Problem{e.Seq, fmt.Sprintf("the per-record index lists records %v for it, its record ids are %v (index altered)", sorted(got), want)}
			}
			delete(bySeq, e.Seq)
			f.add(leaf)
			if kept != nil && f.n == kept.Size {
				keptRoot = f.root()
			}
			if f.n == head.TreeSize {
				treeRoot = f.root()
			}
		}
		for seq := range bySeq { // rows for entries that are not in the log
			return r, &Problem{seq, "the per-record index has rows for an entry that is not in the log (index altered)"}
		}
		if unreadable != nil {
			r.Entries = v.Count
			return r, v.Unreadable(unreadable)
		}
		after = last
		if len(page) < 1000 {
			break
		}
	}
	r.Entries = v.Count
	if p := v.Finish(head.Seq, head.Hash); p != nil {
		return r, p
	}
	extra, err := tx.AuditRecordRefs(head.Seq, math.MaxInt64)
	if err != nil {
		return r, err
	}
	if len(extra) > 0 {
		return r, &Problem{extra[0].Seq, "the per-record index has rows for an entry that is not in the log (index altered)"}
	}
	r.TreeSize, r.Uncovered = head.TreeSize, head.Seq-head.TreeSize
	// A damaged row the walk did not read (above the leaves) comes back
	// from the reader as a *Problem naming it.
	storedRoot, err := tlog.TreeHash(head.TreeSize, reader)
	if err != nil {
		return r, err
	}
	if storedRoot != treeRoot {
		return r, &Problem{head.TreeSize, "the stored Merkle tree's inner hashes do not match the entries (tree altered)"}
	}
	r.Root = treeRoot
	if kept == nil {
		return r, nil
	}
	if kept.Size > v.Count {
		return r, &Problem{v.Count + 1, fmt.Sprintf("the kept checkpoint covers %d entries but the log has %d: entries %d to %d were removed (log truncated)", kept.Size, v.Count, v.Count+1, kept.Size)}
	}
	if kept.Size > 0 && keptRoot != kept.Hash {
		return r, &Problem{0, fmt.Sprintf("the first %d entries are not those of the kept checkpoint (log rewritten or forked since it was signed)", kept.Size)}
	}
	if kept.Size > head.TreeSize {
		return r, &Problem{0, fmt.Sprintf("the stored tree covers %d entries, fewer than the kept checkpoint's %d", head.TreeSize, kept.Size)}
	}
	if kept.Size > 0 {
		proof, err := tlog.ProveTree(head.TreeSize, kept.Size, reader)
		if err != nil {
			return r, err
		}
		if err := tlog.CheckTree(proof, head.TreeSize, storedRoot, kept.Size, kept.Hash); err != nil {
			return r, &Problem{0, fmt.Sprintf("the stored tree does not extend the kept checkpoint: %v (log rewritten or forked)", err)}
		}
	}
	r.Kept = kept
	return r, nil
}

// readHashes reads stored tree hashes by index, and names those whose row
// is damaged.
func readHashes(tx core.AuditTx, idx []int64) (map[int64]tlog.Hash, map[int64]*Problem, error) {
	m := make(map[int64]tlog.Hash, len(idx))
	if len(idx) == 0 {
		return m, nil, nil
	}
	hs, err := tx.AuditHashes(idx)
	var row *core.AuditRowError
	if err != nil {
		if core.ErrorCode(err) != core.ENOTFOUND && !errors.As(err, &row) {
			return nil, nil, err
		}
		// A missing or damaged leaf is reported at its entry by the
		// caller, after the entries before it.
		damaged := map[int64]*Problem{}
		for _, x := range idx {
			one, err := tx.AuditHashes([]int64{x})
			var p *Problem
			switch {
			case err == nil:
				m[x] = one[0]
			case errors.As(treeError(err), &p):
				damaged[x] = p
			case core.ErrorCode(err) != core.ENOTFOUND:
				return nil, nil, err
			}
		}
		return m, damaged, nil
	}
	for i, x := range idx {
		m[x] = hs[i]
	}
	return m, nil, nil
}

// indexOf is the set of record ids the per-record index holds for an entry.
func indexOf(ids []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(ids)))
}

func sorted(ids []string) []string { return slices.Sorted(slices.Values(ids)) }

func sameSet(want, got []string) bool {
	return slices.Equal(want, sorted(got))
}
