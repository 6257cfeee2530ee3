package audit

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/core"
)

// hashCache reads stored tree hashes through a transaction, remembering
// those it read and those an append has computed but not yet written, so
// a group of entries reads the older subtrees' hashes about once.
type hashCache struct {
	tx core.AuditTx
	m  map[int64]tlog.Hash
	// kept are hashes of appends already committed (see Writer): read,
	// never written, here.
	kept map[int64]tlog.Hash
}

func newHashCache(tx core.AuditTx) *hashCache {
	return &hashCache{tx: tx, m: map[int64]tlog.Hash{}}
}

func (c *hashCache) put(first int64, hs []tlog.Hash) {
	for i, h := range hs {
		c.m[first+int64(i)] = h
	}
}

// ReadHashes implements tlog.HashReader.
func (c *hashCache) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for i, x := range indexes {
		h, ok := c.m[x]
		if !ok {
			h, ok = c.kept[x]
		}
		if !ok {
			missing = append(missing, x)
		}
		out[i] = h
	}
	if len(missing) == 0 {
		return out, nil
	}
	hs, err := c.tx.AuditHashes(missing)
	if err != nil {
		return nil, treeError(err)
	}
	for i, x := range missing {
		c.m[x] = hs[i]
	}
	for i, x := range indexes {
		if h, ok := c.m[x]; ok {
			out[i] = h
		}
	}
	return out, nil
}

// treeError names the entries a damaged row of the stored tree covers,
// if err is one; other errors are returned as they are.
func treeError(err error) error {
	var row *core.AuditRowError
	if !errors.As(err, &row) || !row.Tree {
		return err
	}
	level, n := tlog.SplitStoredHashIndex(row.TreeIndex)
	if level == 0 {
		return &Problem{n + 1, fmt.Sprintf("its leaf in the Merkle tree is damaged: audit_tree row %d, %s (altered)", row.TreeIndex, row.Reason)}
	}
	// A row above the leaves is no one entry's: the log's as a whole.
	return &Problem{0, fmt.Sprintf("the Merkle tree's hash over entries %d to %d is damaged: audit_tree row %d, %s (altered)",
		n<<level+1, (n+1)<<level, row.TreeIndex, row.Reason)}
}

// catchUp adds to the tree the entries stored before it existed (a store
// migrated from a version without it), as they are stored, page by page.
func catchUp(tx core.AuditTx, hr *hashCache, head core.AuditHead) error {
	size := head.TreeSize
	for size < head.Seq {
		es, err := tx.AuditEntries(size, 1000)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			return fmt.Errorf("audit tree: entries %d to %d are missing", size+1, head.Seq)
		}
		tree := core.AuditTree{First: tlog.StoredHashIndex(0, size)}
		for _, e := range es {
			if e.Seq != size+1 {
				return fmt.Errorf("audit tree: entry %d is missing", size+1)
			}
			hs, err := tlog.StoredHashes(size, Leaf(&e), hr)
			if err != nil {
				return err
			}
			hr.put(tree.First+int64(len(tree.Hashes)), hs)
			for _, h := range hs {
				tree.Hashes = append(tree.Hashes, h)
			}
			size++
		}
		tree.Size = size
		if err := tx.InsertAudit(nil, tree); err != nil {
			return err
		}
		clear(hr.m) // written: read back from the store when needed
	}
	return nil
}

// CatchUp adds to the tree any entries written before it existed; Append
// does the same, but a server calls it at start so that no request waits.
func CatchUp(tx core.AuditTx) error {
	head, err := tx.AuditHead()
	if err != nil || head.TreeSize >= head.Seq {
		return err
	}
	return catchUp(tx, newHashCache(tx), head)
}

// LeafHash is the Merkle tree hash of an entry's leaf.
func LeafHash(e *core.AuditEntry) tlog.Hash { return tlog.RecordHash(Leaf(e)) }

// TreeSize is how many entries the stored tree covers.
func TreeSize(tx core.AuditTx) (int64, error) {
	h, err := tx.AuditHead()
	return h.TreeSize, err
}

// RootAt is the root hash of the stored tree's first n entries.
func RootAt(tx core.AuditTx, n int64) (tlog.Hash, error) {
	if err := checkSize(tx, n, "size"); err != nil {
		return tlog.Hash{}, err
	}
	return tlog.TreeHash(n, newHashCache(tx))
}

// InclusionProof proves that entry seq is in the tree of the first size
// entries (RFC 6962 audit path), with the entry and its leaf hash.
type InclusionProof struct {
	Seq      int64
	TreeSize int64
	Entry    core.AuditEntry
	LeafHash tlog.Hash
	Proof    tlog.RecordProof
}

// ProveInclusion builds the inclusion proof of entry seq in the tree of
// size entries.
func ProveInclusion(tx core.AuditTx, seq, size int64) (*InclusionProof, error) {
	if err := checkSize(tx, size, "size"); err != nil {
		return nil, err
	}
	if seq < 1 || seq > size {
		return nil, core.Invalid(core.FieldError{Field: "seq", Reason: fmt.Sprintf("must be an entry of the tree: 1 to %d", size)})
	}
	es, err := tx.AuditEntries(seq-1, 1)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 || es[0].Seq != seq {
		return nil, &core.Error{Code: core.ENOTFOUND, Message: fmt.Sprintf("audit entry %d is missing", seq)}
	}
	p, err := tlog.ProveRecord(size, seq-1, newHashCache(tx))
	if err != nil {
		return nil, err
	}
	return &InclusionProof{Seq: seq, TreeSize: size, Entry: es[0], LeafHash: LeafHash(&es[0]), Proof: p}, nil
}

// ProveConsistency proves that the tree of the first from entries is a
// prefix of the tree of the first to entries (RFC 6962 consistency proof).
func ProveConsistency(tx core.AuditTx, from, to int64) (tlog.TreeProof, error) {
	if err := checkSize(tx, to, "to"); err != nil {
		return nil, err
	}
	if from < 1 || from > to {
		return nil, core.Invalid(core.FieldError{Field: "from", Reason: fmt.Sprintf("must be a tree size from 1 to %d (to)", to)})
	}
	return tlog.ProveTree(to, from, newHashCache(tx))
}

// checkSize refuses a tree size the stored tree does not reach.
func checkSize(tx core.AuditTx, n int64, field string) error {
	size, err := TreeSize(tx)
	if err != nil {
		return err
	}
	if n < 0 || n > size {
		return core.Invalid(core.FieldError{Field: field, Reason: fmt.Sprintf("must be a tree size from 1 to %d (the current size)", size)})
	}
	return nil
}

// frontier computes a Merkle tree's root as leaves arrive, keeping only
// the roots of its complete subtrees (at most one per level).
type frontier struct {
	n     int64
	roots []tlog.Hash // largest subtree first
}

func (f *frontier) add(leaf tlog.Hash) {
	f.roots = append(f.roots, leaf)
	// Each trailing one bit of n is a pair of equal subtrees to merge.
	for m := f.n; m&1 == 1; m >>= 1 {
		k := len(f.roots)
		f.roots = append(f.roots[:k-2], tlog.NodeHash(f.roots[k-2], f.roots[k-1]))
	}
	f.n++
}

// root is RFC 6962's MTH of the leaves so far: the subtrees folded from
// the right.
func (f *frontier) root() tlog.Hash {
	if len(f.roots) == 0 { // RFC 6962: the hash of an empty string
		return sha256.Sum256(nil)
	}
	h := f.roots[len(f.roots)-1]
	for i := len(f.roots) - 2; i >= 0; i-- {
		h = tlog.NodeHash(f.roots[i], h)
	}
	return h
}
