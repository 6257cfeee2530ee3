package api

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// The audit log as a transparency log: signed checkpoints of its Merkle
// tree and proofs against them, for bureaus and auditors who keep
// checkpoints and check that later logs extend them. The verifier keys are
// public (they are public keys, and anyone may pin them); checkpoints and
// proofs need audit:read or admin, because a tree's size tells how busy
// the hub is. An inclusion proof carries the entry itself only for the
// entry's own bureau (or the secretariat's admins); others get its leaf
// hash, which is enough to check the proof.

func (s *Server) auditRoutes() []route {
	pSize := param{"size", "query", "The tree size of a checkpoint you hold (default: the current size)."}
	return []route{
		{Method: "GET", Path: "/api/v1/audit/verifier-keys", Summary: "The audit log's origin and verifier keys (public), the current one last", Public: true, Resp: "AuditVerifierKeys", h: s.auditVerifierKeys},
		{Method: "GET", Path: "/api/v1/audit/checkpoint", Summary: "A signed checkpoint of the audit log (C2SP tlog-checkpoint in a signed note; audit:read or admin)", Stream: "text/plain", StreamSchema: "AuditCheckpoint", h: s.auditCheckpoint},
		{Method: "GET", Path: "/api/v1/audit/proof/inclusion", Summary: "Prove that an audit entry is in the tree of a checkpoint (audit:read or admin)", Resp: "AuditInclusionProof",
			Params: []param{{"seq", "query", "The entry's sequence number (its leaf is seq-1)."}, pSize}, h: s.auditInclusion},
		{Method: "GET", Path: "/api/v1/audit/proof/consistency", Summary: "Prove that the tree of one checkpoint extends another's (audit:read or admin)", Resp: "AuditConsistencyProof",
			Params: []param{{"from", "query", "The older checkpoint's tree size."}, {"to", "query", "The newer checkpoint's tree size (default: the current size)."}}, h: s.auditConsistency},
	}
}

func auditSchemas() obj {
	hashes := list(str("base64 SHA-256 (RFC 6962 node hash)"))
	return obj{
		"AuditVerifierKeys": obj{"type": "object", "properties": obj{
			"origin": str("the log's name, the first line of its checkpoints"), "current": str("the key signing checkpoints now (note verifier key: name+hash+key)"),
			"keys": list(str("every verifier key the log has used, oldest first")),
		}},
		"AuditCheckpoint": obj{"type": "string", "description": "C2SP signed note: origin, tree size and base64 root hash lines, a blank line, then Ed25519 signature lines"},
		"AuditInclusionProof": obj{"type": "object", "properties": obj{
			"seq": obj{"type": "integer"}, "leaf_index": obj{"type": "integer"}, "tree_size": obj{"type": "integer"},
			"root_hash": str("base64 root of the tree of tree_size entries"), "leaf_hash": str("base64 RFC 6962 leaf hash: SHA-256(0x00 || leaf_data)"),
			"leaf_data": str("base64 canonical encoding of the entry (only for the entry's own bureau, and only where the entry names no record the bureau may not see now)"), "entry": ref("AuditEntry"), "proof": hashes,
		}},
		"AuditConsistencyProof": obj{"type": "object", "properties": obj{
			"from": obj{"type": "integer"}, "to": obj{"type": "integer"}, "from_root": str("base64"), "to_root": str("base64"), "proof": hashes,
		}},
	}
}

// canAudit says whether v may read checkpoints and proofs.
func canAudit(v core.Viewer) error {
	if v.System || v.Can(core.PermAuditRead) || v.Can(core.PermAdmin) {
		return nil
	}
	return &core.Error{Code: core.EFORBIDDEN, Message: "reading the audit log's checkpoints and proofs needs the audit:read or admin permission"}
}

func (s *Server) auditSigner() (*audit.Signer, error) {
	if s.AuditSigner == nil {
		return nil, &core.Error{Code: core.EUNAVAILABLE, Message: "audit checkpoints are not configured on this server (no signing key)"}
	}
	return s.AuditSigner, nil
}

func (s *Server) auditVerifierKeys(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	sg, err := s.auditSigner()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"origin": sg.Origin(), "current": sg.VerifierKey, "keys": sg.Verifiers})
	return nil
}

func (s *Server) auditCheckpoint(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if err := canAudit(v); err != nil {
		return audit.Refuse(r.Context(), s.Store, v, "audit.checkpoint", err)
	}
	sg, err := s.auditSigner()
	if err != nil {
		return err
	}
	var msg []byte
	var cp audit.Checkpoint
	if err := s.Store.View(r.Context(), func(tx core.Tx) (err error) { msg, cp, err = sg.Latest(tx); return err }); err != nil {
		return err
	}
	e := audit.Entry(v, "audit.checkpoint", audit.OK)
	e.Query = "size=" + strconv.FormatInt(cp.Size, 10)
	audit.Record(r.Context(), s.Store, e)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(msg)
	return nil
}

// sizeParam reads a tree size from the query: absent is def.
func sizeParam(r *http.Request, name string, def int64, fs *[]core.FieldError) int64 {
	q := r.URL.Query().Get(name)
	if q == "" {
		return def
	}
	n, err := strconv.ParseInt(q, 10, 64)
	if err != nil || n < 0 || len(q) > 19 {
		*fs = append(*fs, core.FieldError{Field: name, Reason: "must be a whole number of at least 0"})
	}
	return n
}

func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

func b64s(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = b64(h)
	}
	return out
}

func (s *Server) auditInclusion(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if err := canAudit(v); err != nil {
		return audit.Refuse(r.Context(), s.Store, v, "audit.proof", err)
	}
	var fs []core.FieldError
	if r.URL.Query().Get("seq") == "" {
		fs = append(fs, core.FieldError{Field: "seq", Reason: "is required: the entry's sequence number"})
	}
	seq := sizeParam(r, "seq", 0, &fs)
	size := sizeParam(r, "size", -1, &fs)
	if len(fs) > 0 {
		return core.Invalid(fs...)
	}
	var p *audit.InclusionProof
	var root tlog.Hash
	var entry *core.AuditEntry
	whole := false
	err := s.Store.View(r.Context(), func(tx core.Tx) (err error) {
		if size < 0 {
			if size, err = audit.TreeSize(tx); err != nil {
				return err
			}
		}
		if p, err = audit.ProveInclusion(tx, seq, size); err != nil {
			return err
		}
		switch {
		case v.System || members.IsSecretariat(v.Bureau) && v.Can(core.PermAdmin):
			entry, whole = &p.Entry, true
		case v.Bureau == p.Entry.Bureau:
			if entry, whole, err = ownEntry(tx, v, p.Entry); err != nil {
				return err
			}
		}
		root, err = audit.RootAt(tx, size)
		return err
	})
	if err != nil {
		return err
	}
	out := map[string]any{"seq": p.Seq, "leaf_index": p.Seq - 1, "tree_size": p.TreeSize, "root_hash": b64(root),
		"leaf_hash": b64(p.LeafHash), "proof": b64s(p.Proof)}
	if entry != nil {
		out["entry"] = entry
	}
	if whole {
		out["leaf_data"] = base64.StdEncoding.EncodeToString(audit.Leaf(&p.Entry))
	}
	e := audit.Entry(v, "audit.proof", audit.OK)
	e.Query = "inclusion seq=" + strconv.FormatInt(seq, 10) + " size=" + strconv.FormatInt(size, 10)
	audit.Record(r.Context(), s.Store, e)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ownEntry is what a bureau is shown of one of its own audit entries: the
// entry, unless it names a record the bureau may not see now. A
// screening's entry names every record it met, those not released to the
// searcher included (their owners' trails need them), and a hit's or a
// probing alert's says the score and whether the hits are withheld: told
// only "possible hit — contact bureau X", the searcher must not read them
// here. Such an entry is shown without those records and without its
// query text, and so without its leaf data (the leaf hash still proves
// it is in the log).
func ownEntry(tx core.Tx, v core.Viewer, e core.AuditEntry) (*core.AuditEntry, bool, error) {
	seen := make([]string, 0, len(e.RecordIDs))
	for _, id := range e.RecordIDs {
		rec, err := tx.GetRecord(id)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return nil, false, err
		}
		if access.CanSee(v, rec) {
			seen = append(seen, id)
		}
	}
	if len(seen) == len(e.RecordIDs) {
		return &e, true, nil
	}
	e.RecordIDs, e.Query = seen, ""
	return &e, false, nil
}

func (s *Server) auditConsistency(w http.ResponseWriter, r *http.Request, v core.Viewer) error {
	if err := canAudit(v); err != nil {
		return audit.Refuse(r.Context(), s.Store, v, "audit.proof", err)
	}
	var fs []core.FieldError
	if r.URL.Query().Get("from") == "" {
		fs = append(fs, core.FieldError{Field: "from", Reason: "is required: the older checkpoint's tree size"})
	}
	from := sizeParam(r, "from", 0, &fs)
	to := sizeParam(r, "to", -1, &fs)
	if len(fs) > 0 {
		return core.Invalid(fs...)
	}
	var proof tlog.TreeProof
	var fromRoot, toRoot tlog.Hash
	err := s.Store.View(r.Context(), func(tx core.Tx) (err error) {
		if to < 0 {
			if to, err = audit.TreeSize(tx); err != nil {
				return err
			}
		}
		if proof, err = audit.ProveConsistency(tx, from, to); err != nil {
			return err
		}
		if fromRoot, err = audit.RootAt(tx, from); err != nil {
			return err
		}
		toRoot, err = audit.RootAt(tx, to)
		return err
	})
	if err != nil {
		return err
	}
	e := audit.Entry(v, "audit.proof", audit.OK)
	e.Query = "consistency from=" + strconv.FormatInt(from, 10) + " to=" + strconv.FormatInt(to, 10)
	audit.Record(r.Context(), s.Store, e)
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "from_root": b64(fromRoot), "to_root": b64(toRoot), "proof": b64s(proof)})
	return nil
}
