package api_test

// The audit log's transparency routes, driven as an auditor's client
// would: it pins the verifier key, keeps checkpoints, and checks every
// proof the server gives with golang.org/x/mod/sumdb/tlog on its own side.

import (
	"encoding/base64"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

type inclusionOut struct {
	Seq       int64            `json:"seq"`
	LeafIndex int64            `json:"leaf_index"`
	TreeSize  int64            `json:"tree_size"`
	LeafHash  string           `json:"leaf_hash"`
	LeafData  string           `json:"leaf_data"`
	Entry     *core.AuditEntry `json:"entry"`
	Proof     []string         `json:"proof"`
}

type consistencyOut struct {
	From, To int64
	Proof    []string `json:"proof"`
}

func unb64(t *testing.T, s string) tlog.Hash {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		t.Fatalf("%q is not a base64 hash", s)
	}
	return tlog.Hash(b)
}

func unb64s(t *testing.T, ss []string) []tlog.Hash {
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		out[i] = unb64(t, s)
	}
	return out
}

func TestAuditTransparencyAPI(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			signer, _, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "audit.key"), "hub.example/manara-audit")
			if err != nil {
				t.Fatal(err)
			}
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) { s.AuditSigner = signer })
			ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead, core.PermAuditRead)
			de := f.key(t, "DE", core.PermAuditRead)
			reader := f.key(t, "FR", core.PermRecordsRead)

			// The verifier keys are public; the auditor pins them.
			r := f.do(t, "GET", "/api/v1/audit/verifier-keys", nil, nil)
			var vk struct {
				Origin, Current string
				Keys            []string
			}
			r.decode(t, &vk)
			if r.Status != 200 || vk.Current != signer.VerifierKey || vk.Origin != "hub.example/manara-audit" || len(vk.Keys) != 1 {
				t.Fatalf("verifier keys: %s", r)
			}

			// Checkpoints need audit:read or admin.
			if r := f.do(t, "GET", "/api/v1/audit/checkpoint", nil, nil); r.Status != 401 {
				t.Fatalf("checkpoint without credentials: %s", r)
			}
			wantProblem(t, f.do(t, "GET", "/api/v1/audit/checkpoint", nil, reader), 403, core.EFORBIDDEN, "")
			wantProblem(t, f.do(t, "GET", "/api/v1/audit/proof/consistency?from=1", nil, reader), 403, core.EFORBIDDEN, "")
			checkpoint := func() audit.Checkpoint {
				t.Helper()
				r := f.do(t, "GET", "/api/v1/audit/checkpoint", nil, de)
				if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
					t.Fatalf("checkpoint: %s", r)
				}
				cp, err := audit.OpenCheckpoint(r.Body, vk.Keys)
				if err != nil {
					t.Fatalf("the served checkpoint does not verify with the served key: %v\n%s", err, r.Body)
				}
				return cp
			}
			old := checkpoint()

			rec := f.createRecord(t, ma, personInput("Haddad", core.Releasability{Mode: core.ReleaseAll}))
			f.getRecord(t, ma, rec.ID)
			cur := checkpoint()
			if cur.Size <= old.Size {
				t.Fatalf("the log did not grow: %d then %d", old.Size, cur.Size)
			}

			// Consistency between the two kept checkpoints, checked here.
			r = f.do(t, "GET", "/api/v1/audit/proof/consistency?from="+strconv.FormatInt(old.Size, 10)+"&to="+strconv.FormatInt(cur.Size, 10), nil, de)
			var cons consistencyOut
			r.decode(t, &cons)
			if r.Status != 200 {
				t.Fatalf("consistency: %s", r)
			}
			if err := tlog.CheckTree(unb64s(t, cons.Proof), cur.Size, cur.Hash, old.Size, old.Hash); err != nil {
				t.Fatalf("the served consistency proof does not verify: %v", err)
			}
			if err := tlog.CheckTree(unb64s(t, cons.Proof), cur.Size, cur.Hash, old.Size, tlog.Hash{1}); err == nil {
				t.Fatal("the consistency proof verifies against a forged old root")
			}

			// Inclusion of the record's creation, by its own bureau: the
			// entry comes with it, and its leaf hash is recomputed here.
			var trail struct{ Items []core.AuditEntry }
			f.do(t, "GET", "/api/v1/records/"+rec.ID+"/audit", nil, ma).decode(t, &trail)
			if len(trail.Items) == 0 {
				t.Fatal("no audit trail")
			}
			seq := trail.Items[0].Seq
			path := "/api/v1/audit/proof/inclusion?seq=" + strconv.FormatInt(seq, 10) + "&size=" + strconv.FormatInt(cur.Size, 10)
			r = f.do(t, "GET", path, nil, ma)
			var inc inclusionOut
			r.decode(t, &inc)
			if r.Status != 200 || inc.Entry == nil || inc.LeafIndex != seq-1 || inc.TreeSize != cur.Size {
				t.Fatalf("inclusion for the entry's bureau: %s", r)
			}
			data, err := base64.StdEncoding.DecodeString(inc.LeafData)
			if err != nil {
				t.Fatal(err)
			}
			leaf := tlog.RecordHash(data)
			if leaf != unb64(t, inc.LeafHash) || leaf != audit.LeafHash(inc.Entry) || inc.Entry.Action != "record.create" {
				t.Fatalf("leaf data, hash and entry disagree: %s", r)
			}
			if err := tlog.CheckRecord(unb64s(t, inc.Proof), cur.Size, cur.Hash, seq-1, leaf); err != nil {
				t.Fatalf("the served inclusion proof does not verify: %v", err)
			}
			if err := tlog.CheckRecord(unb64s(t, inc.Proof), cur.Size, cur.Hash, seq-1, tlog.RecordHash([]byte("forged"))); err == nil {
				t.Fatal("the inclusion proof verifies a forged leaf")
			}
			// Another bureau gets the proof and the leaf hash, not the entry.
			r = f.do(t, "GET", path, nil, de)
			var other inclusionOut
			r.decode(t, &other)
			if r.Status != 200 || other.Entry != nil || other.LeafData != "" || other.LeafHash != inc.LeafHash {
				t.Fatalf("inclusion for another bureau: %s", r)
			}

			// Bad input: the field and what was expected.
			for _, c := range []struct{ path, field string }{
				{"/api/v1/audit/proof/inclusion", "seq"},
				{"/api/v1/audit/proof/inclusion?seq=abc", "seq"},
				{"/api/v1/audit/proof/inclusion?seq=0", "seq"},
				{"/api/v1/audit/proof/inclusion?seq=1&size=99999999", "size"},
				{"/api/v1/audit/proof/inclusion?seq=1&size=-4", "size"},
				{"/api/v1/audit/proof/consistency", "from"},
				{"/api/v1/audit/proof/consistency?from=3&to=2", "from"},
				{"/api/v1/audit/proof/consistency?from=1&to=99999999", "to"},
			} {
				wantProblem(t, f.do(t, "GET", c.path, nil, de), http.StatusUnprocessableEntity, core.EINVALID, c.field)
			}
		})
	}
}
