// Package screen owns the in-memory screening index and its query path:
// what a record contributes (names, documents, identifiers), candidate
// retrieval through posting lists over cross-script name keys and hash
// lookups for identifiers, scoring, and the shape of an answer under the
// access decision. It reads records through a small interface and never
// writes to the store; the API layer audits what it is asked.
package screen

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/names"
)

// Index is the screening index. It is safe for concurrent use: queries
// share a read lock, updates take the write lock briefly.
type Index struct {
	mu sync.RWMutex

	recs    map[string]*recInfo // record id → what it contributed
	persons []person            // by person id; a removed slot has rec == nil
	free    []uint32            // removed person ids, for reuse
	// By person id, apart from persons, what the candidate cuts read of
	// every person a query's postings touch: nkeys, the person's count of
	// distinct keys (to rank first the candidates that match all of
	// theirs), and cut, its spellings' lengths and keys (see person.pack).
	// Dense arrays cost a cache miss per candidate where the person's
	// struct and its slices cost two or three.
	nkeys []uint32
	cut   [][]uint32

	// Token dictionary: every distinct name part once, with its keys
	// (at most two, as interned key ids; 0 is none).
	dict    map[tokenKey]uint32
	tokens  []names.Token
	sounds  names.Arena // the tokens' sounds, in a few arrays
	tokKeys [][2]uint32
	// moreKeys are, by token id, the keys of a part read from another
	// script besides its own two (names.Token.ReadingKeys): its other
	// readings' and its syllables'. The candidate cut reads them for
	// such a part that meets none of the query's keys by its own.
	moreKeys [][]uint32
	keyIDs   map[string]uint32
	keyNames []string // by key id - 1
	// spell maps a Latin part's letters, and the letters less any one,
	// to the parts written so: an investigation finds through it the parts
	// one typing error away from the query's, whatever they sound like.
	// It grows with the vocabulary, not with the records.
	spell hashIndex
	// exact finds the persons by a spelling as a whole (its normalised
	// text, and its parts written together), so that a name screened
	// exactly as listed, or with its parts run together, is always
	// aligned, however many share its keys (IYARI, whose only key r
	// thousands hold); exactStale counts its entries of persons since
	// removed.
	exact      hashIndex
	exactStale int

	// Posting lists: name key → persons, and one-deletion variants of
	// keys → persons, for misspelt queries.
	keys  *postingTable
	fuzzy *postingTable

	// Exact lookups: canonical document or identifier → entries, and the
	// letters and digits of a name with no part to search by (MS-13,
	// P-532) → entries (see codeOf).
	docs   map[string][]ref
	idents map[string][]ref
	codes  map[string][]ref

	rels map[string]*core.Releasability // interned releasabilities

	// packed holds records that are nothing but one travel document.
	packed *docTable

	// secondCutAll, set only by tests, keeps in the second candidate cut
	// the candidates the first showed cannot be aligned (retrieve), so
	// that a test can tell that leaving them out changes no answer.
	secondCutAll bool
}

// recInfo is what one record put in the index, so that it can be taken
// out again when the record changes.
type recInfo struct {
	id      string
	kind    string
	owner   string
	status  string
	rel     *core.Releasability
	version int64
	label   string // a short description shown with a hit
	persons []uint32
	docs    []string
	idents  []string
	codes   []string
}

// person is one indexed person: a record may hold several (a notice).
type person struct {
	rec   *recInfo
	names [][]uint32 // each spelling as token ids
	dob   DateRange
	sex   byte
	nats  []string
	role  string // e.g. "subject", "alias of" for explanations
}

// ref points from a document or identifier to its record.
type ref struct {
	rec   *recInfo
	value string // the value as indexed, for the explanation
	kind  string
}

// New returns an empty index.
func New() *Index {
	return &Index{
		recs: map[string]*recInfo{}, dict: map[tokenKey]uint32{}, keyIDs: map[string]uint32{}, spell: newHashIndex(), keys: newPostingTable(),
		fuzzy: newPostingTable(), docs: map[string][]ref{}, idents: map[string][]ref{}, codes: map[string][]ref{},
		rels: map[string]*core.Releasability{}, packed: newDocTable(), exact: newHashIndex(),
	}
}

// Stats describes the index.
type Stats struct {
	Records, Persons, Tokens, Keys, FuzzyKeys, Documents, Identifiers int
}

// Stats counts what the index holds.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return Stats{Records: len(x.recs), Persons: len(x.persons) - len(x.free), Tokens: len(x.tokens), Keys: x.keys.len(),
		FuzzyKeys: x.fuzzy.len(), Documents: len(x.docs) + x.packed.live, Identifiers: len(x.idents)}
}

// Version returns the indexed version of a record, 0 if absent.
func (x *Index) Version(id string) int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if r := x.recs[id]; r != nil {
		return r.version
	}
	return x.packed.version(id)
}

// ReserveDocuments makes room for n document records ahead of a bulk load.
func (x *Index) ReserveDocuments(n int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.packed.reserve(n)
}

// Put indexes a record, replacing what an earlier version contributed.
// Records that are not active are only removed: cancelled and expired
// records are not screened.
func (x *Index) Put(r *core.Record) {
	sub := Extract(r)
	x.mu.Lock()
	defer x.mu.Unlock()
	if old := x.recs[r.ID]; old != nil {
		if old.version > r.Version {
			return // a newer version is already in
		}
		x.remove(old)
	}
	if v := x.packed.version(r.ID); v > 0 {
		if v > r.Version {
			return
		}
		x.packed.remove(r.ID)
	}
	if r.Status != core.StatusActive {
		return
	}
	if len(sub.Persons) == 0 && len(sub.Identifiers) == 0 && len(sub.Documents) == 1 && r.Version < 1<<32 {
		if id, err := uuid.Parse(r.ID); err == nil {
			x.packed.put(id, r.Version, r.Owner, x.intern(r.Releasability), sub.Documents[0].Key())
			return
		}
	}
	info := &recInfo{id: r.ID, kind: r.Kind, owner: r.Owner, status: r.Status, rel: x.intern(r.Releasability), version: r.Version, label: sub.Label}
	for _, p := range sub.Persons {
		x.addPerson(info, p)
	}
	for _, d := range sub.Documents {
		k := d.Key()
		x.docs[k] = append(x.docs[k], ref{rec: info, value: d.Number, kind: d.Type})
		info.docs = append(info.docs, k)
	}
	for _, id := range sub.Identifiers {
		k := id.Key()
		x.idents[k] = append(x.idents[k], ref{rec: info, value: id.Value, kind: id.Type})
		info.idents = append(info.idents, k)
	}
	x.recs[r.ID] = info
}

// Remove takes a record out of the index.
func (x *Index) Remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if old := x.recs[id]; old != nil {
		x.remove(old)
	}
	x.packed.remove(id)
}

func (x *Index) intern(rel core.Releasability) *core.Releasability {
	k := rel.Mode + ":" + strings.Join(rel.Countries, ",")
	if p := x.rels[k]; p != nil {
		return p
	}
	p := &core.Releasability{Mode: rel.Mode, Countries: append([]string(nil), rel.Countries...)}
	x.rels[k] = p
	return p
}

func (x *Index) addPerson(info *recInfo, p PersonData) {
	var pid uint32
	if n := len(x.free); n > 0 {
		pid = x.free[n-1]
		x.free = x.free[:n-1]
	} else {
		pid = uint32(len(x.persons))
		x.persons = append(x.persons, person{})
		x.nkeys = append(x.nkeys, 0)
		x.cut = append(x.cut, nil)
	}
	pe := person{rec: info, dob: p.DOB, sex: p.Sex, nats: p.Nationalities, role: p.Role}
	seenKeys := map[string]bool{}
	var sigs []uint64
	for _, n := range p.Names {
		parsed := names.Parse(n)
		if names.Unsearchable(parsed) != "" {
			if c := codeOf(n); c != "" && !slices.Contains(info.codes, c) {
				x.codes[c] = append(x.codes[c], ref{rec: info, value: n})
				info.codes = append(info.codes, c)
			}
		}
		if len(parsed.Tokens) == 0 {
			continue
		}
		ids := make([]uint32, len(parsed.Tokens))
		for i, t := range parsed.Tokens {
			ids[i] = x.token(t)
		}
		pe.names = append(pe.names, ids)
		sigs = append(sigs, spellingSig(parsed))
		for _, k := range parsed.Keys() {
			if seenKeys[k] {
				continue
			}
			seenKeys[k] = true
			x.keys.add(k, pid)
			for _, d := range deletions(k) {
				x.fuzzy.add(d, pid)
			}
		}
	}
	cut := pe.pack(x.tokKeys, x.moreKeys, sigs)
	if len(pe.names) == 0 {
		x.persons[pid] = person{}
		x.free = append(x.free, pid)
		return
	}
	x.persons[pid] = pe
	x.nkeys[pid] = uint32(len(seenKeys))
	x.cut[pid] = cut
	info.persons = append(info.persons, pid)
	for _, t := range x.spellingTexts(pid) {
		x.exact.add(t, pid)
	}
}

// spellingTexts are person pid's spellings, normalised, each once, and
// the parts of each of those with more than one written together
// (ISISPHILIPPINES for Isis-Philippines): what the exact-spelling table
// finds the person by.
func (x *Index) spellingTexts(pid uint32) []string {
	var out []string
	for _, ids := range x.persons[pid].names {
		if t := x.text(ids); !slices.Contains(out, t) {
			out = append(out, t)
		}
		if len(ids) > 1 {
			var b strings.Builder
			for _, id := range ids {
				b.WriteString(x.tokens[id].Text)
			}
			if g := b.String(); !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
	}
	return out
}

// spelledAt is the index of person pid's spelling whose normalised text
// is text, or -1.
func (x *Index) spelledAt(pid uint32, text string) int {
	return x.writtenAt(pid, text, true)
}

// gluedAt is the index of person pid's spelling of more than one part
// that, its parts written together, is text, or -1.
func (x *Index) gluedAt(pid uint32, text string) int {
	return x.writtenAt(pid, text, false)
}

func (x *Index) writtenAt(pid uint32, text string, spaced bool) int {
	if int(pid) >= len(x.persons) {
		return -1
	}
	for i, ids := range x.persons[pid].names {
		if (spaced || len(ids) > 1) && x.textIs(ids, text, spaced) {
			return i
		}
	}
	return -1
}

// textIs reports whether text is x.text(ids) (spaced), or its parts
// written together, without writing it: a name screened exactly as
// listed is compared with each spelling of each person the
// exact-spelling table finds.
func (x *Index) textIs(ids []uint32, text string, spaced bool) bool {
	for i, id := range ids {
		if i > 0 && spaced {
			if text == "" || text[0] != ' ' {
				return false
			}
			text = text[1:]
		}
		t := x.tokens[id].Text
		if !strings.HasPrefix(text, t) {
			return false
		}
		text = text[len(t):]
	}
	return text == ""
}

// forgetSpellings counts person pid's entries in the exact-spelling table
// as stale (the table keeps no deletions: a lookup checks what it finds),
// and rebuilds the table once they are half of it.
func (x *Index) forgetSpellings(pid uint32) {
	x.exactStale += len(x.spellingTexts(pid))
	if x.exactStale < 1024 || 2*x.exactStale < x.exact.n {
		return
	}
	x.exact, x.exactStale = newHashIndex(), 0
	for p := range x.persons {
		if uint32(p) == pid {
			continue
		}
		for _, t := range x.spellingTexts(uint32(p)) {
			x.exact.add(t, uint32(p))
		}
	}
}

// pack moves the spellings into one allocation with what the candidate
// cut reads of them, and returns that part: the count of spellings, each
// one's count of tokens, then for every token of every spelling in order
// its two key ids, and last each spelling's letter pairs (spellingSig,
// two words), so that the cut reads one slice without visiting the
// dictionary, the spellings or the person. A token with more keys
// (Index.moreKeys) has moreFlag set on its second.
func (p *person) pack(tokKeys [][2]uint32, moreKeys [][]uint32, sigs []uint64) []uint32 {
	n := 0
	for _, ids := range p.names {
		n += len(ids)
	}
	nn := len(p.names)
	buf := make([]uint32, n+1+nn+2*n+2*nn)
	for i, sig := range sigs {
		buf[len(buf)-2*nn+2*i], buf[len(buf)-2*nn+2*i+1] = uint32(sig), uint32(sig>>32)
	}
	cut := buf[n:]
	cut[0] = uint32(nn)
	keys := cut[1+nn:]
	off := 0
	for i, ids := range p.names {
		copy(buf[off:], ids)
		p.names[i] = buf[off : off+len(ids) : off+len(ids)]
		cut[1+i] = uint32(len(ids))
		for j, id := range ids {
			keys[2*(off+j)], keys[2*(off+j)+1] = tokKeys[id][0], tokKeys[id][1]
			if moreKeys[id] != nil {
				keys[2*(off+j)+1] |= moreFlag
			}
		}
		off += len(ids)
	}
	return cut
}

// spellingSig is the set of a Latin spelling's adjacent letter pairs,
// hashed into 64 bits (0 for a spelling with a part in another script):
// one typing error changes two pairs at most, where names that only
// share a sound key (Patriot, Peter, Bitar) share few.
func spellingSig(n names.Name) uint64 {
	for _, t := range n.Tokens {
		if t.Script != names.Latin {
			return 0
		}
	}
	return letterPairs(n.Text())
}

func letterPairs(s string) uint64 {
	var sig uint64
	for i := 0; i+1 < len(s); i++ {
		a, b := s[i], s[i+1]
		if a == ' ' || b == ' ' {
			continue
		}
		sig |= 1 << ((uint64(a)*0x9E3779B97F4A7C15 ^ uint64(b)*0xC2B2AE3D27D4EB4F) >> 58)
	}
	return sig
}

// sigOf reads spelling ni's letter pairs from a person's cut.
func sigOf(cut []uint32, ni int) uint64 {
	at := len(cut) - 2*int(cut[0]) + 2*ni
	return uint64(cut[at]) | uint64(cut[at+1])<<32
}

// moreFlag marks, in a person's cut, the second key of a part that has
// more keys (Index.moreKeys); key ids stay under it.
const moreFlag = 1 << 31

// tokenKey is a dictionary entry's key: the part's text, and the first
// letter of its script's name (so Han, Hangul and Hebrew parts of the same
// letters share one entry, as they did when the key was the two written
// together, a string of its own for each part).
type tokenKey struct {
	script byte
	text   string
}

func keyOfToken(t names.Token) tokenKey { return tokenKey{t.Script.String()[0], t.Text} }

func (x *Index) token(t names.Token) uint32 {
	k := keyOfToken(t)
	if id, ok := x.dict[k]; ok {
		return id
	}
	id := uint32(len(x.tokens))
	t.ID = id + 1
	x.sounds.Keep(&t)
	x.tokens = append(x.tokens, t)
	var keys [2]uint32
	if !t.Particle() { // as in Name.Keys: a particle keys only with its next part
		for i, k := range t.Key() {
			if i < len(keys) {
				keys[i] = x.keyID(k)
			}
		}
	}
	x.tokKeys = append(x.tokKeys, keys)
	var more []uint32
	if !t.Particle() {
		for _, k := range t.ReadingKeys() {
			more = append(more, x.keyID(k))
		}
	}
	x.moreKeys = append(x.moreKeys, more)
	x.dict[k] = id
	if t.Script == names.Latin && !t.Particle() && keys[0] != 0 {
		for _, v := range spellVariants(t.Text) {
			x.spell.add(v, id)
		}
	}
	return id
}

// spellVariants are the letters of a part and its letters less one: two
// parts one insertion, deletion or substitution apart share one. A part
// of three letters has them too (Yim, Kim: im), as the matcher believes
// such a part mistyped where the rest of the name vouches for it; the
// parts that share a variant with it are kept only if one typing error
// away (spellingNeighbours), as so many do.
func spellVariants(text string) []string {
	if len(text) < 3 || len(text) > 24 {
		return nil
	}
	return append(deletions(text), text)
}

// spelledAs appends to buf the ids of the Latin parts that have the
// spelling variant v (see spellVariants), in increasing order.
func (x *Index) spelledAs(v string, buf []uint32) []uint32 {
	return x.spell.lookup(v, buf, func(id uint32) bool { return isSpellVariant(x.tokens[id].Text, v) })
}

// keyID interns a name key. Ids are never reused: the set of keys grows
// with the vocabulary, not with the records.
func (x *Index) keyID(k string) uint32 {
	if id, ok := x.keyIDs[k]; ok {
		return id
	}
	id := uint32(len(x.keyIDs) + 1)
	x.keyIDs[k] = id
	x.keyNames = append(x.keyNames, k)
	return id
}

func (x *Index) remove(info *recInfo) {
	for _, pid := range info.persons {
		x.forgetSpellings(pid)
		p := x.persons[pid]
		for _, ids := range p.names {
			n := x.name(ids)
			for _, k := range n.Keys() {
				x.keys.remove(k, pid)
				for _, d := range deletions(k) {
					x.fuzzy.remove(d, pid)
				}
			}
		}
		x.persons[pid] = person{}
		x.nkeys[pid], x.cut[pid] = 0, nil
		x.free = append(x.free, pid)
	}
	for _, k := range info.docs {
		x.docs[k] = dropRef(x.docs[k], info)
		if len(x.docs[k]) == 0 {
			delete(x.docs, k)
		}
	}
	for _, k := range info.idents {
		x.idents[k] = dropRef(x.idents[k], info)
		if len(x.idents[k]) == 0 {
			delete(x.idents, k)
		}
	}
	for _, k := range info.codes {
		x.codes[k] = dropRef(x.codes[k], info)
		if len(x.codes[k]) == 0 {
			delete(x.codes, k)
		}
	}
	delete(x.recs, info.id)
}

func dropRef(rs []ref, info *recInfo) []ref {
	out := rs[:0]
	for _, r := range rs {
		if r.rec != info {
			out = append(out, r)
		}
	}
	return out
}

// name rebuilds a parsed name from token ids. Its Original is left empty:
// text is only needed for the hits shown (see text).
func (x *Index) name(ids []uint32) names.Name {
	n := names.Name{Tokens: make([]names.Token, len(ids))}
	for i, id := range ids {
		n.Tokens[i] = x.tokens[id]
	}
	return n
}

// nameInto is name with its tokens in buf, for comparisons that do not
// keep the name.
func (x *Index) nameInto(buf []names.Token, ids []uint32) names.Name {
	for _, id := range ids {
		buf = append(buf, x.tokens[id])
	}
	return names.Name{Tokens: buf}
}

// latin reports whether every part of an indexed name is in Latin script.
func (x *Index) latin(ids []uint32) bool {
	for _, id := range ids {
		if x.tokens[id].Script != names.Latin {
			return false
		}
	}
	return true
}

// text is the normalised spelling of an indexed name.
func (x *Index) text(ids []uint32) string {
	texts := make([]string, len(ids))
	for i, id := range ids {
		texts[i] = x.tokens[id].Text
	}
	return strings.Join(texts, " ")
}

// deletions returns the keys one letter shorter, for keys long enough that
// dropping a letter still says something.
func deletions(k string) []string {
	if len(k) < 3 {
		return nil
	}
	out := make([]string, 0, len(k))
	for i := range len(k) {
		d := k[:i] + k[i+1:]
		if i > 0 && k[i] == k[i-1] {
			continue // same deletion as the previous one
		}
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}
