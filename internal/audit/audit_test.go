package audit_test

// Pure tests of the hash chain: hashing, appending to an in-memory chain and
// verifying one. The same checks against real stores (raw-SQL tampering)
// are in internal/store/storetest.

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// memTx is an in-memory core.AuditTx.
type memTx struct {
	entries  []core.AuditEntry
	headSeq  int64
	headHash string
	headErr  error
	insErr   error
	tree     map[int64][32]byte
	treeSize int64
}

func (m *memTx) AuditHead() (core.AuditHead, error) {
	return core.AuditHead{Seq: m.headSeq, Hash: m.headHash, TreeSize: m.treeSize}, m.headErr
}

// chainHead is the head as audit.Verify reads it.
func (m *memTx) chainHead() (int64, string, error) { return m.headSeq, m.headHash, m.headErr }

func (m *memTx) InsertAudit(es []*core.AuditEntry, tree core.AuditTree) error {
	if m.insErr != nil {
		return m.insErr
	}
	for _, e := range es {
		e2 := *e
		e2.RecordIDs = slices.Clone(e.RecordIDs)
		m.entries = append(m.entries, e2)
		m.headSeq, m.headHash = e.Seq, e.Hash
	}
	if m.tree == nil {
		m.tree = map[int64][32]byte{}
	}
	for i, h := range tree.Hashes {
		m.tree[tree.First+int64(i)] = h
	}
	m.treeSize = tree.Size
	return nil
}

func (m *memTx) AuditHashes(indexes []int64) ([][32]byte, error) {
	out := make([][32]byte, len(indexes))
	for i, x := range indexes {
		h, ok := m.tree[x]
		if !ok {
			return nil, &core.Error{Code: core.ENOTFOUND, Message: "hash " + strconv.FormatInt(x, 10) + " missing"}
		}
		out[i] = h
	}
	return out, nil
}

func (m *memTx) AuditRecordRefs(after, through int64) ([]core.AuditRecordRef, error) {
	var out []core.AuditRecordRef
	for _, e := range m.entries {
		if e.Seq > after && e.Seq <= through {
			for _, id := range slices.Compact(slices.Sorted(slices.Values(e.RecordIDs))) {
				out = append(out, core.AuditRecordRef{Seq: e.Seq, RecordID: id})
			}
		}
	}
	return out, nil
}

func (m *memTx) AuditEntries(after int64, limit int) ([]core.AuditEntry, error) {
	var out []core.AuditEntry
	for _, e := range m.entries {
		if e.Seq > after && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *memTx) RecordAudit(recordID string, after int64, limit int) ([]core.AuditEntry, error) {
	var out []core.AuditEntry
	for _, e := range m.entries {
		if e.Seq > after && len(out) < limit && slices.Contains(e.RecordIDs, recordID) {
			out = append(out, e)
		}
	}
	return out, nil
}

var _ core.AuditTx = (*memTx)(nil)

// chain appends n entries to a fresh in-memory chain.
func chain(t testing.TB, n int) *memTx {
	t.Helper()
	m := &memTx{}
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := audit.Entry(core.Viewer{UserID: "u1", Bureau: "FR", Remote: "192.0.2.1"}, "record.read", audit.OK, "rec-"+itoa(i), "rec-all")
		e.Query = "entry " + itoa(i)
		e.At = at.Add(time.Duration(i) * time.Second)
		if err := audit.Append(m, e); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func itoa(i int) string { return strconv.Itoa(i) }

func sample() core.AuditEntry {
	return core.AuditEntry{
		Seq: 7, At: time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC),
		ActorType: "user", ActorID: "u1", Bureau: "FR", Action: "record.create",
		RecordIDs: []string{"r1", "r2", "r3"}, Query: "kind=person", Remote: "192.0.2.1",
		Outcome: audit.OK, PrevHash: strings.Repeat("ab", 32),
	}
}

// ------------------------------------------------------------------- Hash

func TestHashDeterministic(t *testing.T) {
	e := sample()
	h := audit.Hash(&e)
	if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("Hash = %q, want 64 lower-case hex digits", h)
	}
	for range 3 {
		c := sample()
		if audit.Hash(&c) != h {
			t.Fatal("the same entry hashes differently")
		}
	}
	if audit.Hash(&e) != h {
		t.Fatal("hashing twice differs")
	}

	// The stored hash itself is not part of what is hashed.
	e.Hash = "whatever"
	if audit.Hash(&e) != h {
		t.Fatal("the entry's Hash field changes its hash")
	}

	// The same instant in another zone, or below a microsecond, hashes the
	// same: the encoding is UTC at microsecond precision.
	e = sample()
	e.At = e.At.In(time.FixedZone("UTC+05:30", 5*3600+1800))
	if audit.Hash(&e) != h {
		t.Fatal("the time zone changes the hash")
	}
	e = sample()
	e.At = e.At.Add(999 * time.Nanosecond)
	if audit.Hash(&e) != h {
		t.Fatal("nanoseconds below the stored precision change the hash")
	}

	// No record ids and an empty list are the same (stores read back []).
	a, b := sample(), sample()
	a.RecordIDs, b.RecordIDs = nil, []string{}
	if audit.Hash(&a) != audit.Hash(&b) {
		t.Fatal("nil and empty record ids hash differently")
	}
}

// The canonical encoding is pinned: changing it would break every chain
// already stored.
func TestHashCanonicalEncoding(t *testing.T) {
	e := core.AuditEntry{
		Seq: 1, At: time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC), ActorType: "user", ActorID: "u1",
		Bureau: "FR", Action: "record.create", RecordIDs: []string{"r1", "r2"}, Query: "q",
		Remote: "192.0.2.1", Outcome: "ok", PrevHash: "",
	}
	canonical := `{"seq":1,"at":"2024-01-02T03:04:05.000006Z","actor_type":"user","actor_id":"u1","bureau":"FR",` +
		`"action":"record.create","record_ids":["r1","r2"],"query":"q","remote":"192.0.2.1","outcome":"ok","prev_hash":""}`
	sum := sha256.Sum256([]byte(canonical))
	if got, want := audit.Hash(&e), hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("Hash = %s, want sha256 of %s = %s", got, canonical, want)
	}
	if audit.TimeFormat != "2006-01-02T15:04:05.000000Z" {
		t.Fatalf("TimeFormat = %q", audit.TimeFormat)
	}
}

// Every field of an entry but Hash is covered by the hash. The loop is over
// the struct's fields, so a field added to core.AuditEntry and forgotten in
// the canonical encoding fails here.
func TestHashCoversEveryField(t *testing.T) {
	base := sample()
	h := audit.Hash(&base)
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Name == "Hash" {
			continue
		}
		e := sample()
		switch x := reflect.ValueOf(&e).Elem().Field(i).Addr().Interface().(type) {
		case *string:
			*x += "x"
		case *int64:
			*x++
		case *time.Time:
			*x = x.Add(time.Microsecond)
		case *[]string:
			*x = append(slices.Clone(*x), "extra")
		default:
			t.Fatalf("field %s has type %s: teach this test how to change it", f.Name, f.Type)
		}
		if audit.Hash(&e) == h {
			t.Errorf("changing %s does not change the hash", f.Name)
		}
	}

	changes := map[string]func(e *core.AuditEntry){
		"PrevHash emptied":           func(e *core.AuditEntry) { e.PrevHash = "" },
		"PrevHash one digit":         func(e *core.AuditEntry) { e.PrevHash = "cb" + e.PrevHash[2:] },
		"Seq decremented":            func(e *core.AuditEntry) { e.Seq-- },
		"Seq zero":                   func(e *core.AuditEntry) { e.Seq = 0 },
		"At one second":              func(e *core.AuditEntry) { e.At = e.At.Add(time.Second) },
		"At one microsecond earlier": func(e *core.AuditEntry) { e.At = e.At.Add(-time.Microsecond) },
		"RecordIDs[0]":               func(e *core.AuditEntry) { e.RecordIDs[0] = "rX" },
		"RecordIDs[1]":               func(e *core.AuditEntry) { e.RecordIDs[1] = "rX" },
		"RecordIDs[2]":               func(e *core.AuditEntry) { e.RecordIDs[2] = "rX" },
		"RecordIDs one removed":      func(e *core.AuditEntry) { e.RecordIDs = e.RecordIDs[:2] },
		"RecordIDs emptied":          func(e *core.AuditEntry) { e.RecordIDs = nil },
		"RecordIDs reordered":        func(e *core.AuditEntry) { e.RecordIDs[0], e.RecordIDs[1] = e.RecordIDs[1], e.RecordIDs[0] },
		"RecordIDs joined":           func(e *core.AuditEntry) { e.RecordIDs = []string{"r1,r2", "r3"} },
		"ActorType/ActorID boundary": func(e *core.AuditEntry) { e.ActorType, e.ActorID = "useru", "1" },
		"Query emptied":              func(e *core.AuditEntry) { e.Query = "" },
		"Outcome":                    func(e *core.AuditEntry) { e.Outcome = audit.Denied },
		"Remote":                     func(e *core.AuditEntry) { e.Remote = "192.0.2.2" },
		"Bureau":                     func(e *core.AuditEntry) { e.Bureau = "DE" },
		"Action":                     func(e *core.AuditEntry) { e.Action = "record.read" },
		"ActorID":                    func(e *core.AuditEntry) { e.ActorID = "u2" },
		"ActorType":                  func(e *core.AuditEntry) { e.ActorType = "key" },
	}
	seen := map[string]string{}
	for name, change := range changes {
		e := sample()
		change(&e)
		got := audit.Hash(&e)
		if got == h {
			t.Errorf("%s: hash unchanged", name)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("%s and %s hash the same", name, other)
		}
		seen[got] = name
	}
}

// ----------------------------------------------------------------- Append

func TestAppendLinksEntries(t *testing.T) {
	m := &memTx{}
	v := core.Viewer{KeyID: "k1", Bureau: "DE", Remote: "198.51.100.1"}
	zone := time.FixedZone("UTC-7", -7*3600)

	e1 := audit.Entry(v, "record.read", audit.OK, "r1")
	e1.At = time.Date(2024, 3, 4, 5, 6, 7, 891011121, zone)
	before := time.Now().Add(-time.Second)
	e2 := audit.Entry(v, "record.list", audit.OK) // At left zero: now
	e3 := audit.Entry(v, "record.search", audit.Invalid, "r1", "r2")
	e3.Query = strings.Repeat("q", 2500)
	for _, e := range []*core.AuditEntry{e1, e2, e3} {
		if err := audit.Append(m, e); err != nil {
			t.Fatal(err)
		}
	}
	after := time.Now().Add(time.Second)

	prev := ""
	for i, e := range []*core.AuditEntry{e1, e2, e3} {
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != audit.Hash(e) {
			t.Fatalf("entry %d: seq %d prev %q hash %q", i+1, e.Seq, e.PrevHash, e.Hash)
		}
		if e.At.Location() != time.UTC || e.At.Nanosecond()%1000 != 0 {
			t.Fatalf("entry %d at %v, want UTC at microsecond precision", i+1, e.At)
		}
		if !reflect.DeepEqual(m.entries[i], *e) {
			t.Fatalf("stored entry %d differs from the appended one", i+1)
		}
		prev = e.Hash
	}
	if !e1.At.Equal(time.Date(2024, 3, 4, 12, 6, 7, 891011000, time.UTC)) {
		t.Fatalf("At = %v, want the given time truncated to microseconds", e1.At)
	}
	if e2.At.Before(before) || e2.At.After(after) {
		t.Fatalf("a zero At became %v, want now", e2.At)
	}
	if len(e3.Query) != 2000 || e3.Query != strings.Repeat("q", 2000) {
		t.Fatalf("a long query kept %d bytes, want 2000", len(e3.Query))
	}
	if m.headSeq != 3 || m.headHash != e3.Hash {
		t.Fatalf("head = %d %q", m.headSeq, m.headHash)
	}

	// Appending continues from whatever head the store reports.
	m2 := chain(t, 41)
	e := audit.Entry(v, "x", audit.OK)
	if err := audit.Append(m2, e); err != nil {
		t.Fatal(err)
	}
	if e.Seq != 42 || e.PrevHash != m2.entries[40].Hash {
		t.Fatalf("appended at %d after %q, want 42 after entry 41's hash", e.Seq, e.PrevHash)
	}
}

func TestAppendErrors(t *testing.T) {
	boom := errors.New("boom")
	m := &memTx{headErr: boom}
	if err := audit.Append(m, audit.Entry(core.Viewer{System: true}, "x", audit.OK)); !errors.Is(err, boom) {
		t.Fatalf("Append with a failing head = %v", err)
	}
	if len(m.entries) != 0 {
		t.Fatal("an entry was stored although the head could not be read")
	}
	m = &memTx{insErr: boom}
	if err := audit.Append(m, audit.Entry(core.Viewer{System: true}, "x", audit.OK)); !errors.Is(err, boom) {
		t.Fatalf("Append with a failing insert = %v", err)
	}
}

func TestEntryAndOutcome(t *testing.T) {
	for _, c := range []struct {
		v          core.Viewer
		kind, id   string
		bureau     string
		remote     string
		recordsIDs []string
	}{
		{core.Viewer{System: true, KeyID: "k", UserID: "u"}, "system", "system", "", "", nil},
		{core.Viewer{KeyID: "k1", UserID: "u1", Bureau: "DE", Remote: "r"}, "key", "k1", "DE", "r", []string{"a"}},
		{core.Viewer{UserID: "u1", Bureau: "FR"}, "user", "u1", "FR", "", []string{"a", "b"}},
		{core.Viewer{Remote: "203.0.113.1"}, "anonymous", "", "", "203.0.113.1", nil},
	} {
		e := audit.Entry(c.v, "act", audit.Denied, c.recordsIDs...)
		if e.ActorType != c.kind || e.ActorID != c.id || e.Bureau != c.bureau || e.Remote != c.remote ||
			e.Action != "act" || e.Outcome != audit.Denied || !slices.Equal(e.RecordIDs, c.recordsIDs) || e.Seq != 0 || e.Hash != "" {
			t.Fatalf("Entry(%+v) = %+v", c.v, e)
		}
	}

	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, audit.OK},
		{core.Errorf(core.EFORBIDDEN, "x"), audit.Denied},
		{core.Errorf(core.EUNAUTHORIZED, "x"), audit.Denied},
		{core.Errorf(core.EINVALID, "x"), audit.Invalid},
		{core.Errorf(core.ETOOLARGE, "x"), audit.Invalid},
		{core.Errorf(core.ECONFLICT, "x"), audit.Conflict},
		{core.Errorf(core.ENOTFOUND, "x"), audit.NotFound},
		{core.Errorf(core.EUNAVAILABLE, "x"), audit.Failed},
		{errors.New("foreign"), audit.Failed},
	} {
		if got := audit.OutcomeOf(c.err); got != c.want {
			t.Errorf("OutcomeOf(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// Entries appended together (the grouped writer's batch) read the head
// once and chain exactly as if appended one by one.
func TestAppendSeveralAtOnce(t *testing.T) {
	v := core.Viewer{KeyID: "k1", Bureau: "DE"}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	mk := func() []*core.AuditEntry {
		var es []*core.AuditEntry
		for i := range 5 {
			e := audit.Entry(v, "screen.person", audit.OK, fmt.Sprintf("r%d", i), "r0", fmt.Sprintf("r%d", i))
			e.At = at.Add(time.Duration(i) * time.Millisecond)
			es = append(es, e)
		}
		return es
	}
	one, all := chain(t, 7), chain(t, 7)
	for _, e := range mk() {
		if err := audit.Append(one, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := audit.Append(all, mk()...); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one.entries, all.entries) || one.headSeq != 12 || all.headSeq != 12 || one.headHash != all.headHash {
		t.Fatalf("batched append differs: head %d %q vs %d %q", one.headSeq, one.headHash, all.headSeq, all.headHash)
	}
	if err := audit.Append(all); err != nil || all.headSeq != 12 {
		t.Fatalf("appending nothing: %v, head %d", err, all.headSeq)
	}
}

// --------------------------------------------------------------- Verifier

// verifySlice runs a Verifier over es in slice order, then Finish.
func verifySlice(es []core.AuditEntry, headSeq int64, headHash string) (int64, *audit.Problem) {
	var v audit.Verifier
	for _, e := range es {
		if p := v.Next(e); p != nil {
			return v.Count, p
		}
	}
	return v.Count, v.Finish(headSeq, headHash)
}

func TestVerifierValidChain(t *testing.T) {
	for _, n := range []int{0, 1, 2, 10} {
		m := chain(t, n)
		count, p := verifySlice(m.entries, m.headSeq, m.headHash)
		if p != nil || count != int64(n) {
			t.Fatalf("chain of %d: count %d, problem %v", n, count, p)
		}
	}
}

func TestVerifierDetects(t *testing.T) {
	type state struct {
		es       []core.AuditEntry
		headSeq  int64
		headHash string
	}
	cases := []struct {
		name   string
		tamper func(s *state)
		seq    int64
	}{
		{"altered outcome", func(s *state) { s.es[3].Outcome = audit.Denied }, 4},
		{"altered query", func(s *state) { s.es[3].Query = "other" }, 4},
		{"altered time", func(s *state) { s.es[3].At = s.es[3].At.Add(time.Microsecond) }, 4},
		{"altered record id", func(s *state) { s.es[3].RecordIDs[0] = "other" }, 4},
		{"record id removed", func(s *state) { s.es[3].RecordIDs = s.es[3].RecordIDs[:1] }, 4},
		{"altered actor", func(s *state) { s.es[3].ActorID = "u2" }, 4},
		{"altered hash", func(s *state) { s.es[3].Hash = strings.Repeat("0", 64) }, 4},
		{"altered and rehashed", func(s *state) { s.es[3].Query = "other"; s.es[3].Hash = audit.Hash(&s.es[3]) }, 5},
		{"removed", func(s *state) { s.es = slices.Delete(s.es, 5, 6) }, 6},
		{"removed several", func(s *state) { s.es = slices.Delete(s.es, 5, 8) }, 6},
		{"first removed", func(s *state) { s.es = s.es[1:] }, 1},
		{"first entry with a previous hash", func(s *state) {
			s.es[0].PrevHash = "x"
			s.es[0].Hash = audit.Hash(&s.es[0])
		}, 1},
		{"reordered content", func(s *state) {
			// Each position keeps its seq and takes the other's content,
			// as when rows are swapped in a table.
			s.es[2], s.es[6] = s.es[6], s.es[2]
			s.es[2].Seq, s.es[6].Seq = 3, 7
		}, 3},
		{"reordered positions", func(s *state) { s.es[2], s.es[3] = s.es[3], s.es[2] }, 3},
		{"duplicated", func(s *state) { s.es = slices.Insert(s.es, 5, s.es[4]) }, 5},
		{"renumbered after a removal", func(s *state) {
			s.es = slices.Delete(s.es, 5, 6)
			for i := 5; i < len(s.es); i++ {
				s.es[i].Seq--
			}
		}, 6},
		{"removed from the end", func(s *state) { s.es = s.es[:9] }, 10},
		{"head altered", func(s *state) { s.headHash = "x" }, 10},
		{"head behind", func(s *state) { s.headSeq, s.headHash = 9, s.es[8].Hash }, 9},
		{"head ahead", func(s *state) { s.headSeq = 12 }, 11},
		{"all removed", func(s *state) { s.es = nil }, 1},
		{"two problems: the first is reported", func(s *state) {
			s.es[7].Outcome = audit.Failed
			s.es[3].Outcome = audit.Failed
		}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := chain(t, 10)
			s := &state{es: m.entries, headSeq: m.headSeq, headHash: m.headHash}
			c.tamper(s)
			_, p := verifySlice(s.es, s.headSeq, s.headHash)
			if p == nil {
				t.Fatal("tampering not detected")
			}
			if p.Seq != c.seq {
				t.Fatalf("problem at %d (%s), want %d", p.Seq, p.Reason, c.seq)
			}
			if !strings.Contains(p.Error(), "entry "+itoa(int(c.seq))) {
				t.Fatalf("Error() = %q does not name entry %d", p.Error(), c.seq)
			}
		})
	}

	// An empty chain with an empty head is sound; a head naming entries
	// that are not there is not.
	var v audit.Verifier
	if p := v.Finish(0, ""); p != nil || v.Count != 0 {
		t.Fatalf("empty chain: %v", p)
	}
}

// ----------------------------------------------------------------- Verify

func TestVerifyPages(t *testing.T) {
	for _, n := range []int{0, 1, 999, 1000, 1001, 2500} {
		m := chain(t, n)
		var calls []int64
		read := func(after int64, limit int) ([]core.AuditEntry, error) {
			calls = append(calls, after)
			if limit != 1000 {
				t.Fatalf("page limit %d", limit)
			}
			return m.AuditEntries(after, limit)
		}
		count, err := audit.Verify(read, m.chainHead)
		if err != nil || count != int64(n) {
			t.Fatalf("chain of %d: Verify = %d, %v", n, count, err)
		}
		if want := n/1000 + 1; len(calls) != want {
			t.Fatalf("chain of %d: %d reads, want %d", n, len(calls), want)
		}
		for i, after := range calls {
			if after != int64(i*1000) {
				t.Fatalf("chain of %d: read %d after %d, want %d", n, i, after, i*1000)
			}
		}
	}
}

func TestVerifyReportsProblemsAndErrors(t *testing.T) {
	m := chain(t, 1500)
	m.entries[1200].Outcome = audit.Denied // on the second page
	count, err := audit.Verify(m.AuditEntries, m.chainHead)
	var p *audit.Problem
	if !errors.As(err, &p) || p.Seq != 1201 || count != 1200 {
		t.Fatalf("Verify = %d, %v; want a problem at 1201 after 1200 good entries", count, err)
	}

	m = chain(t, 10)
	m.entries = m.entries[:9]
	if _, err := audit.Verify(m.AuditEntries, m.chainHead); !errors.As(err, &p) || p.Seq != 10 {
		t.Fatalf("Verify with the last entry removed = %v", err)
	}

	boom := errors.New("boom")
	m = chain(t, 3)
	_, err = audit.Verify(func(int64, int) ([]core.AuditEntry, error) { return nil, boom }, m.chainHead)
	if !errors.Is(err, boom) || errors.As(err, &p) {
		t.Fatalf("Verify with a failing read = %v", err)
	}
	m.headErr = boom
	count, err = audit.Verify(m.AuditEntries, m.chainHead)
	if !errors.Is(err, boom) || count != 3 {
		t.Fatalf("Verify with a failing head = %d, %v", count, err)
	}
}
