// Package hits owns hit records: what a screening at or above the alert
// threshold leaves behind, who is told of it and what each side does with
// it (new → being checked → confirmed or false positive → actions), repeat
// sightings folded into one hit, and the statistics of a bureau's hits.
// It asks access what each side may see, writes the hit, its events and
// its audit entries in one transaction, and knows nothing of HTTP or of
// the screening index (the caller hands it the matches).
package hits

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// Limits and defaults.
const (
	DefaultWindow = 24 * time.Hour
	MaxNotes      = 2000
	Owner         = "owner"
	Searcher      = "searcher"
)

// Event types this package writes.
const (
	EventCreated  = "hit.created"
	EventRepeated = "hit.repeated" // a folded repeat sighting
	EventUpdated  = "hit.updated"
	// EventProbing tells a record's owner that one bureau screened the
	// record, which is not released to it, with ProbeWarn or more
	// different queries within ProbeWindow.
	EventProbing = "hit.probing"
)

// Probing defaults: see Service.ProbeWindow.
const (
	DefaultProbeWindow = 24 * time.Hour
	DefaultProbeWarn   = 3
	DefaultProbeLimit  = 5
)

// Service records hits and their life cycle.
type Service struct {
	Store core.Store
	Now   func() time.Time
	// Window is how long repeats of the same subject, record and place
	// fold into one hit.
	Window time.Duration
	// Notify, if set, is called after a commit that wrote events, so that
	// local subscribers need not wait for the next poll.
	Notify func()
	// Log receives the failures of repeat sightings written in the
	// background (slog.Default if nil).
	Log *slog.Logger
	// Probing: a bureau that screens a record not released to it with
	// different queries (name, date of birth, sex, nationality, document
	// or identifier) learns a little with each "possible hit". From the
	// ProbeWarn-th different query within ProbeWindow its owner is told
	// (hit.probing); past ProbeLimit the record is withheld from that
	// bureau until the window has passed: its owner still hears of every
	// hit, the searcher is told nothing. Counted in the store, so every
	// replica counts together. Zero values take the defaults.
	ProbeWindow           time.Duration
	ProbeWarn, ProbeLimit int
	// RepeatDelay is how long the writer of repeat sightings, which
	// nobody waits for, gathers more before it commits: one transaction
	// (and one disk sync) for a busy border's many repeats instead of one
	// each. A sighting that makes a new hit, and Flush, cut the wait
	// short. Zero takes DefaultRepeatDelay.
	RepeatDelay time.Duration

	group   group
	known   known
	commits atomic.Int64 // transactions the group wrote, for tests
}

// DefaultRepeatDelay: see Service.RepeatDelay. As the audit writer's
// interval, it is short beside a border post's pace and long beside a
// transaction.
const DefaultRepeatDelay = 5 * time.Millisecond

func (s *Service) repeatDelay() time.Duration {
	if s.RepeatDelay <= 0 {
		return DefaultRepeatDelay
	}
	return s.RepeatDelay
}

// New returns a Service over st with the default window.
func New(st core.Store) *Service { return &Service{Store: st, Now: time.Now, Window: DefaultWindow} }

func (s *Service) notify() {
	if s.Notify != nil {
		s.Notify()
	}
}

// Match is one record a screening matched, as the index reports it to a
// system viewer (record id, score and explanation always set).
type Match struct {
	RecordID   string
	Score      float64
	Label      string
	LabelParts *core.Label
	Matched    string
	// MatchedWritten is Matched as the record writes it.
	MatchedWritten string

	Explanation []string
	Explained   *core.Explanation
	// Record is the record as the caller read it, if it did (nil
	// otherwise): the hit's transaction then only checks that it is still
	// the stored version, rather than read it again.
	Record *core.Record
}

// Sighting is one screening that matched: what was asked, where, and what
// it matched.
type Sighting struct {
	Type    string // person, document, identifier
	Subject string // the query, normalised: what makes two sightings "the same subject"
	Query   string // the query as given, for the people who follow the hit
	// QueryFields is Query as data, for each language to write.
	QueryFields []core.QueryField
	Context     map[string]string
	Matches     []Match
	// Audit is the screening's own audit entry, if the caller has not
	// written it: it is appended in the hits' transaction, before theirs,
	// so that a screening that hits costs one commit.
	Audit *core.AuditEntry
}

func (s *Service) probing() (window time.Duration, warn, limit int) {
	window, warn, limit = s.ProbeWindow, s.ProbeWarn, s.ProbeLimit
	if window <= 0 {
		window = DefaultProbeWindow
	}
	if warn <= 0 {
		warn = DefaultProbeWarn
	}
	if limit <= 0 {
		limit = DefaultProbeLimit
	}
	return window, warn, limit
}

func (s *Service) window() time.Duration {
	if s.Window <= 0 {
		return DefaultWindow
	}
	return s.Window
}

// groupTx is what one group commit gathers inside its transaction: the
// events and audit entries of every sighting, written together at its end
// (one step of the event counter, a few statements of many rows), and the
// records already read, which a transaction need not read twice.
type groupTx struct {
	tx      core.Tx
	events  []*core.Event
	entries []*core.AuditEntry
	records map[string]*core.Record
	// written holds the hits this transaction wrote, by dedup key: a
	// later sighting of one in the same group counts on from it.
	written map[string]*core.Hit
}

// record reads a record once per transaction: what it read is what the
// store holds for the rest of it (the hits' writes change no record).
func (g *groupTx) record(id string, seen *core.Record) (*core.Record, error) {
	if rec, ok := g.records[id]; ok {
		return rec, nil
	}
	var rec *core.Record
	if seen != nil && seen.ID == id {
		v, err := g.tx.RecordVersion(id)
		if err != nil {
			return nil, err
		}
		if v == seen.Version {
			rec = seen
		}
	}
	if rec == nil { // changed since the caller read it, or not read
		var err error
		if rec, err = g.tx.GetRecord(id); err != nil {
			return nil, err
		}
	}
	if g.records == nil {
		g.records = map[string]*core.Record{}
	}
	g.records[id] = rec
	return rec, nil
}

// flush writes the gathered events and audit entries.
func (g *groupTx) flush() error {
	if err := g.tx.InsertEvents(g.events); err != nil {
		return err
	}
	return audit.Append(g.tx, g.entries...)
}

// repeatKnown counts a repeat sighting of key into the hit as this
// transaction or this process last wrote it, without reading it back. It
// returns nil, nil when it knows no such hit or when the stored hit is no
// longer the version it knows (another writer changed it, or it is gone):
// the caller then reads the open hit from the store. Both sources hold
// open hits only (known.full checks the window; this transaction wrote
// open ones).
func (s *Service) repeatKnown(g *groupTx, key string, since, now time.Time) (*core.Hit, error) {
	last := g.written[key]
	if last == nil {
		last = s.known.full(key, since)
	}
	if last == nil {
		return nil, nil
	}
	h := repeated(last, now)
	err := g.tx.UpdateHit(h)
	switch code := core.ErrorCode(err); {
	case err == nil:
		return h, nil
	case code == core.ECONFLICT || code == core.ENOTFOUND:
		return nil, nil
	}
	return nil, err
}

// repeated is hit h with one more sighting at now, as its next version: a
// shallow copy, since a repeat changes only these fields.
func repeated(h *core.Hit, now time.Time) *core.Hit {
	r := *h
	r.Count++
	r.LastSeen = now
	r.Version++
	return &r
}

// record turns one screening's sightings into hits inside g's
// transaction, gathering their events and audit entries in g.
func (s *Service) record(g *groupTx, v core.Viewer, sightings []Sighting, now time.Time) ([][]*core.Hit, error) {
	tx := g.tx
	since := now.Add(-s.window())
	out := make([][]*core.Hit, len(sightings))
	for i, sg := range sightings {
		if sg.Audit != nil {
			g.entries = append(g.entries, sg.Audit)
		}
		out[i] = make([]*core.Hit, 0, len(sg.Matches))
		place := Place(sg.Context)
		for _, m := range sg.Matches {
			rec, err := g.record(m.RecordID, m.Record)
			if core.ErrorCode(err) == core.ENOTFOUND {
				continue // gone since the index answered: nothing to follow
			} else if err != nil {
				return nil, err
			}
			if rec.Status != core.StatusActive {
				continue // cancelled or expired since the index answered: not screened
			}
			key := dedupKey(v.Bureau, m.RecordID, sg.Type, sg.Subject, place)
			h, err := s.repeatKnown(g, key, since, now)
			if h == nil && err == nil {
				// Where no hit holds the key yet there is no row to lock:
				// replicas seeing this sighting at once would each make a
				// hit. The key's lock makes them take turns, so that the
				// second finds the first's hit and folds into it.
				if err = tx.LockName(keyLock("hit", key)); err == nil {
					h, err = tx.OpenHit(key, since)
				}
				if err == nil {
					h = repeated(h, now)
					if err := tx.UpdateHit(h); err != nil {
						return nil, err
					}
				}
			}
			switch {
			case err == nil:
				g.written[key] = h
				g.events = append(g.events, events(EventRepeated, h, rec, now, false)...)
				g.entries = append(g.entries, audit.Entry(v, "hit.repeat", audit.OK, rec.ID))
			case core.ErrorCode(err) == core.ENOTFOUND:
				id := uuid.Must(uuid.NewV7()).String()
				released := access.CanSeeHit(v, rec.Owner, rec.Status, rec.Releasability)
				withheld := false
				if !released {
					if withheld, err = s.probe(g, v, rec, sg, now); err != nil {
						return nil, err
					}
				}
				h = &core.Hit{
					ID: id, Reference: reference(id), Version: 1, DedupKey: key,
					RecordID: rec.ID, RecordKind: rec.Kind, Owner: rec.Owner,
					Searcher: v.Bureau, SearchedBy: v.ActorName(),
					Type: sg.Type, Subject: sg.Subject, Query: sg.Query, QueryFields: sg.QueryFields, Context: sg.Context, Place: place,
					Country: recordCountry(rec), Score: m.Score, Label: m.Label, LabelParts: m.LabelParts, Matched: m.Matched, MatchedWritten: m.MatchedWritten,
					Explanation: m.Explanation, Explained: m.Explained,
					Count: 1, FirstSeen: now, LastSeen: now,
					ReleasedToSearcher: released, Withheld: withheld,
					OwnerState: core.HitNew, SearcherState: core.HitNew, History: []core.HitStep{},
				}
				if err := tx.InsertHit(h); err != nil {
					return nil, err
				}
				g.written[key] = h
				g.events = append(g.events, events(EventCreated, h, rec, now, false)...)
				e := audit.Entry(v, "hit.create", audit.OK, rec.ID)
				e.Query = fmt.Sprintf("hit %s (%s) score %.3f%s", h.Reference, sg.Type, m.Score, contextSummary(sg.Context))
				g.entries = append(g.entries, e)
			default:
				return nil, err
			}
			out[i] = append(out[i], h)
		}
	}
	return out, nil
}

// probe counts a new hit by v on rec, which is not released to v, as a
// variant of what v screened rec with, and says whether the hit is to be
// withheld from v; a probing alert's event and audit entry go into g.
func (s *Service) probe(g *groupTx, v core.Viewer, rec *core.Record, sg Sighting, now time.Time) (bool, error) {
	window, warn, limit := s.probing()
	sum := sha256.Sum256([]byte(sg.Type + "\x00" + sg.Subject))
	// Counted one screening after another, on every replica: a variant
	// another transaction has not committed yet would not be counted.
	if err := g.tx.LockName(keyLock("probe", v.Bureau+"\x00"+rec.ID)); err != nil {
		return false, err
	}
	n, rank, err := g.tx.NoteProbe(v.Bureau, rec.ID, hex.EncodeToString(sum[:16]), now, now.Add(-window))
	if err != nil || n < warn {
		return false, err
	}
	// Decided by the variant's own place, not by how many there are now:
	// one already told (among the first limit) tells the searcher nothing
	// new when screened again, at another post, and is told; one withheld
	// stays withheld however it is screened again, or a second screening
	// from another place would answer what the first kept back.
	withheld := rank > limit
	data, _ := json.Marshal(Probing{Searcher: v.Bureau, RecordID: rec.ID, Variants: n, Window: window.String(), Withheld: withheld, Query: sg.Query})
	g.events = append(g.events, &core.Event{At: now, Type: EventProbing, Subject: rec.ID, Audience: []string{rec.Owner}, RecordID: rec.ID, Data: data})
	e := audit.Entry(v, EventProbing, audit.OK, rec.ID)
	e.Query = fmt.Sprintf("%d different screenings of a record not released to %s within %s; withheld=%t", n, v.Bureau, window, withheld)
	g.entries = append(g.entries, e)
	return withheld, nil
}

// keyLock is the name of the lock that serialises the transactions about
// key: one of lockBuckets per kind, so that the names stay few (two keys
// may share a lock, and then wait for each other for nothing worse).
func keyLock(kind, key string) string {
	h := fnv.New32a()
	h.Write([]byte(key))
	return fmt.Sprintf("%s:%d", kind, h.Sum32()%lockBuckets)
}

const lockBuckets = 1024

// Probing is what a hit.probing event tells the owner.
type Probing struct {
	Searcher string `json:"searcher"`
	RecordID string `json:"record_id"`
	// Variants is how many different queries hit the record within Window.
	Variants int    `json:"variants"`
	Window   string `json:"window"`
	// Withheld: the searcher is no longer told of hits on the record.
	Withheld bool   `json:"withheld"`
	Query    string `json:"query"` // the latest
}

// events returns what each side is told of h: the owner always, with the
// record (it can always see its own); the searcher with the record only if
// it is releasable to the searching bureau now, otherwise as "possible hit
// — contact bureau X" with the reference and no record id, and then not
// of the owner's own moves (ownerMove), nor of a hit withheld from it.
func events(typ string, h *core.Hit, rec *core.Record, now time.Time, ownerMove bool) []*core.Event {
	full, _ := json.Marshal(ViewOf(h, access.DiscloseFull))
	owner := &core.Event{At: now, Type: typ, Subject: h.ID, Audience: []string{h.Owner}, RecordID: h.RecordID, Data: full}
	out := []*core.Event{owner}
	if h.Searcher == h.Owner || h.Withheld {
		return out
	}
	if access.CanSeeHit(access.BureauViewer(h.Searcher, ""), rec.Owner, rec.Status, rec.Releasability) {
		// Both sides are told the same: one event addressed to both (each
		// reader is still checked against the record when it reads).
		owner.Audience = append(owner.Audience, h.Searcher)
		return out
	}
	if ownerMove {
		return out // the owner's workflow is its own
	}
	possible, _ := json.Marshal(ViewOf(h, access.DisclosePossible))
	return append(out, &core.Event{At: now, Type: typ, Subject: h.ID, Audience: []string{h.Searcher}, Data: possible})
}

// View is a hit as one viewer is shown it. A restricted view carries no
// record id, kind, label, score, match or explanation, no version and no
// owner's state, and only the searcher's side of the history: nothing of
// what the owner does with it.
type View struct {
	ID            string            `json:"id"`
	Reference     string            `json:"reference"`
	Version       int64             `json:"version"`
	Restricted    bool              `json:"restricted"`
	Message       string            `json:"message,omitempty"`
	Owner         string            `json:"owner"`
	Searcher      string            `json:"searcher"`
	SearchedBy    string            `json:"searched_by,omitempty"`
	Type          string            `json:"type"`
	Query         string            `json:"query"`
	QueryFields   []core.QueryField `json:"query_fields,omitempty"`
	Context       map[string]string `json:"context,omitempty"`
	RecordID      string            `json:"record_id,omitempty"`
	RecordKind    string            `json:"record_kind,omitempty"`
	Country       string            `json:"country,omitempty"`
	Label         string            `json:"label,omitempty"`
	Score         float64           `json:"score,omitempty"`
	Matched       string            `json:"matched,omitempty"`
	Explanation   []string          `json:"explanation,omitempty"`
	LabelParts    *core.Label       `json:"label_parts,omitempty"`
	Explained     *core.Explanation `json:"explained,omitempty"`
	Count         int               `json:"count"`
	FirstSeen     time.Time         `json:"first_seen"`
	LastSeen      time.Time         `json:"last_seen"`
	OwnerState    string            `json:"owner_state,omitempty"`
	SearcherState string            `json:"searcher_state"`
	History       []core.HitStep    `json:"history"`
	// Withheld (owner's view only): the searcher was not told of the hit.
	Withheld bool `json:"withheld,omitempty"`

	// MatchedWritten is the spelling, number or value matched as the
	// record writes it (hits made before it was kept lack it).
	MatchedWritten string `json:"matched_written,omitempty"`
}

// ViewOf shapes h for a disclosure level (never call it with DiscloseNothing).
func ViewOf(h *core.Hit, d access.Disclosure) View {
	v := View{ID: h.ID, Reference: h.Reference, Owner: h.Owner, Searcher: h.Searcher, Type: h.Type,
		Query: h.Query, QueryFields: h.QueryFields, Context: h.Context, Count: h.Count, FirstSeen: h.FirstSeen, LastSeen: h.LastSeen,
		SearcherState: h.SearcherState, History: []core.HitStep{}}
	if d == access.DiscloseFull {
		v.Version, v.OwnerState, v.Withheld = h.Version, h.OwnerState, h.Withheld
		v.SearchedBy, v.RecordID, v.RecordKind, v.Country, v.Label = h.SearchedBy, h.RecordID, h.RecordKind, h.Country, h.Label
		v.Score, v.Matched, v.Explanation = h.Score, h.Matched, h.Explanation
		v.LabelParts, v.Explained, v.MatchedWritten = h.LabelParts, h.Explained, h.MatchedWritten
		v.History = append(v.History, h.History...)
		return v
	}
	// The version moves with the owner's steps too: a restricted view
	// has none (a state change from it is not checked against one).
	v.Restricted = true
	v.Message = fmt.Sprintf("possible hit — contact bureau %s", h.Owner)
	for _, st := range h.History {
		if st.Side == Searcher {
			v.History = append(v.History, st)
		}
	}
	return v
}

// Get returns a hit as v may see it, by its id or its reference (what a
// searcher quotes to the owner); a hit v is no side of is not found.
func (s *Service) Get(ctx context.Context, v core.Viewer, id string) (*View, error) {
	s.Flush()
	var out *View
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		h, err := getHit(tx, id)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return err
		}
		d := disclosure(tx, v, h)
		if d == access.DiscloseNothing {
			return audit.Append(tx, audit.Entry(v, "hit.read", audit.NotFound))
		}
		vw := ViewOf(h, d)
		out = &vw
		return audit.Append(tx, audit.Entry(v, "hit.read", audit.OK, h.RecordID))
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, core.Errorf(core.ENOTFOUND, "hit not found")
	}
	return out, nil
}

// getHit reads a hit by id or, for "HIT-…", by reference.
func getHit(tx core.Tx, idOrRef string) (*core.Hit, error) {
	if strings.HasPrefix(idOrRef, "HIT-") && len(idOrRef) <= 40 {
		return tx.GetHitByReference(idOrRef)
	}
	return tx.GetHit(idOrRef)
}

func disclosure(tx core.Tx, v core.Viewer, h *core.Hit) access.Disclosure {
	if h == nil {
		return access.DiscloseNothing
	}
	rec, err := tx.GetRecord(h.RecordID)
	if err != nil {
		rec = nil
	}
	return access.HitDisclosure(v, h, rec)
}

// ListFilter is what a caller may filter a listing by.
type ListFilter struct {
	Side  string // owner, searcher or ""
	State string
	Since time.Time
	Until time.Time
	After string
	// Newest lists newest first, with Before as its cursor (hits older
	// than the hit of that id); without it the list is oldest first,
	// with After as its cursor.
	Newest bool
	Before string
	Limit  int
}

// List returns one page of v's bureau's hits, oldest id first unless
// f.Newest, shaped for v, and the cursor of the next page ("" at the
// end). The cursor is the last hit the page read, not the last it shows:
// a hit v may not be shown (one withheld from it) does not end the paging.
func (s *Service) List(ctx context.Context, v core.Viewer, f ListFilter) ([]View, string, error) {
	s.Flush()
	if f.Side != "" && f.Side != Owner && f.Side != Searcher {
		return nil, "", core.Invalid(core.FieldError{Field: "side", Reason: "must be owner or searcher"})
	}
	if f.State != "" && !slices.Contains(core.HitStates, f.State) {
		return nil, "", core.Invalid(core.FieldError{Field: "state", Reason: "must be one of " + strings.Join(core.HitStates, ", ")})
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	if v.Bureau == "" {
		return []View{}, "", nil
	}
	var out []View
	next := ""
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		out, next = []View{}, "" // from nothing on every run (the store may run this again)
		hs, err := tx.ListHits(core.HitFilter{Bureau: v.Bureau, Side: f.Side, State: f.State, Since: f.Since, Until: f.Until,
			After: f.After, Newest: f.Newest, Before: f.Before, Limit: f.Limit})
		if err != nil {
			return err
		}
		if len(hs) == f.Limit {
			next = hs[len(hs)-1].ID
		}
		var shown []string
		for _, h := range hs {
			d := disclosure(tx, v, h)
			if d == access.DiscloseNothing {
				continue
			}
			view := ViewOf(h, d)
			// The store matches either side's state; a viewer told only
			// "possible hit" may filter on no state it is not shown, or
			// the filter would tell it where the owner's side stands.
			if f.State != "" && view.OwnerState != f.State && view.SearcherState != f.State {
				continue
			}
			out = append(out, view)
			if d == access.DiscloseFull {
				shown = append(shown, h.RecordID)
			}
		}
		e := audit.Entry(v, "hit.list", audit.OK, shown...)
		e.Query = fmt.Sprintf("side=%s state=%s hits=%d", f.Side, f.State, len(out))
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// Waiting counts the hits that wait for v's bureau, every one of them,
// in the store: those on which its own side is still new, as List shows
// them (a hit withheld from the searcher waits for its owner only).
func (s *Service) Waiting(ctx context.Context, v core.Viewer) (int, error) {
	s.Flush()
	if !access.ReadsHits(v) {
		return 0, nil
	}
	var n int
	err := s.Store.Update(ctx, func(tx core.Tx) (err error) {
		if n, err = tx.CountHits(core.HitFilter{Bureau: v.Bureau, SideState: core.HitNew}); err != nil {
			return err
		}
		e := audit.Entry(v, "hit.list", audit.OK)
		e.Query = fmt.Sprintf("count waiting hits=%d", n)
		return audit.Append(tx, e)
	})
	return n, err
}

// Change is a request to move one side of a hit on.
type Change struct {
	State  string `json:"state"`
	Action string `json:"action"`
	Notes  string `json:"notes"`
	// Version, if set, must be the hit's current version.
	Version int64 `json:"version"`
}

// allowed lists the states each state may move to. A false positive may be
// reopened; an action may follow another.
var allowed = map[string][]string{
	core.HitNew:           {core.HitBeingChecked},
	core.HitBeingChecked:  {core.HitConfirmed, core.HitFalsePositive},
	core.HitConfirmed:     {core.HitActionTaken},
	core.HitFalsePositive: {core.HitBeingChecked},
	core.HitActionTaken:   {core.HitActionTaken},
}

// Allowed returns the states a side in state from may move to.
func Allowed(from string) []string { return slices.Clone(allowed[from]) }

// Validate checks a change on its own, naming the field at fault.
func (c *Change) Validate() error {
	c.State, c.Action = strings.TrimSpace(c.State), strings.TrimSpace(c.Action)
	if c.State == "" && c.Action != "" {
		c.State = core.HitActionTaken
	}
	var fs []core.FieldError
	if !slices.Contains(core.HitStates, c.State) || c.State == core.HitNew {
		fs = append(fs, core.FieldError{Field: "state", Reason: "must be one of being_checked, confirmed, false_positive, action_taken", Code: "choose"})
	}
	if c.State == core.HitActionTaken && !slices.Contains(core.HitActions, c.Action) {
		fs = append(fs, core.FieldError{Field: "action", Reason: "an action is required: one of " + strings.Join(core.HitActions, ", "), Code: "hit_action_required"})
	}
	if c.State != core.HitActionTaken && c.Action != "" {
		fs = append(fs, core.FieldError{Field: "action", Reason: "an action goes with state action_taken", Code: "hit_action_state"})
	}
	if !utf8.ValidString(c.Notes) || utf8.RuneCountInString(c.Notes) > MaxNotes {
		fs = append(fs, core.FieldError{Field: "notes", Reason: fmt.Sprintf("must be valid text of at most %d characters", MaxNotes)})
	}
	if c.Version < 0 {
		fs = append(fs, core.FieldError{Field: "version", Reason: "must be positive"})
	}
	if len(fs) > 0 {
		return core.Invalid(fs...)
	}
	return nil
}

// Transition moves v's side of hit id to a new state. A bureau that is no
// side of the hit gets not found; an invalid transition gets a conflict
// naming the states allowed from where the side stands.
func (s *Service) Transition(ctx context.Context, v core.Viewer, id string, c Change) (*View, error) {
	if err := c.Validate(); err != nil {
		audit.Refuse(ctx, s.Store, v, "hit.state", err)
		return nil, err
	}
	s.Flush()
	now := s.Now().UTC().Truncate(time.Microsecond)
	var out *View
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		h, err := getHit(tx, id)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return err
		}
		d := disclosure(tx, v, h)
		side := access.HitSide(v, h)
		if d == access.DiscloseNothing {
			return core.Errorf(core.ENOTFOUND, "hit not found")
		}
		if side == "" {
			return core.Errorf(core.EFORBIDDEN, "your role or key may not change the state of a hit")
		}
		if c.Version != 0 && d == access.DiscloseFull && c.Version != h.Version {
			return core.Errorf(core.ECONFLICT, "the hit is at version %d, not %d: reload it", h.Version, c.Version)
		}
		from := h.OwnerState
		if side == Searcher {
			from = h.SearcherState
		}
		if !slices.Contains(allowed[from], c.State) {
			return &core.Error{Code: core.ECONFLICT, Message: fmt.Sprintf("the %s side of this hit is %s; from there it may move to %s", side, from, strings.Join(allowed[from], " or ")),
				Fields: []core.FieldError{{Field: "state", Reason: "allowed from " + from + ": " + strings.Join(allowed[from], ", ")}}}
		}
		if side == Owner {
			h.OwnerState = c.State
			if h.Searcher == h.Owner {
				h.SearcherState = c.State
			}
		} else {
			h.SearcherState = c.State
		}
		h.History = append(h.History, core.HitStep{At: now, Side: side, Bureau: v.Bureau, By: v.ActorName(), From: from, To: c.State, Action: c.Action, Notes: strings.TrimSpace(c.Notes)})
		h.Version++
		if err := tx.UpdateHit(h); err != nil {
			return err
		}
		rec, err := tx.GetRecord(h.RecordID)
		if err != nil {
			return err
		}
		if err := tx.InsertEvents(events(EventUpdated, h, rec, now, side == Owner)); err != nil {
			return err
		}
		e := audit.Entry(v, "hit.state", audit.OK, h.RecordID)
		e.Query = fmt.Sprintf("hit %s %s side %s -> %s %s", h.Reference, side, from, c.State, c.Action)
		if err := audit.Append(tx, e); err != nil {
			return err
		}
		vw := ViewOf(h, d)
		out = &vw
		return nil
	})
	if err != nil {
		audit.Refuse(ctx, s.Store, v, "hit.state", err)
		return nil, err
	}
	s.notify()
	return out, nil
}

// Place is the canonical form of the context a searcher gave (border post,
// flight…): two sightings with the same context are at the same place.
func Place(ctx map[string]string) string {
	if len(ctx) == 0 {
		return ""
	}
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, strings.ToLower(strings.TrimSpace(k))+"="+strings.ToLower(strings.Join(strings.Fields(ctx[k]), " ")))
	}
	return strings.Join(parts, ";")
}

// Normalise is the subject form of a query: case and spacing folded, so
// "KHARROUBI  Abdelatif" and "kharroubi abdelatif" are one subject.
func Normalise(parts ...string) string {
	for i, p := range parts {
		parts[i] = strings.ToLower(strings.Join(strings.Fields(p), " "))
	}
	return strings.Join(parts, "|")
}

func dedupKey(searcher, recordID, typ, subject, place string) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{searcher, recordID, typ, subject, place}, "\x00")))
	return hex.EncodeToString(sum[:])
}

// reference is the hit's short public name, derived from its id.
func reference(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "HIT-" + strings.ToUpper(hex.EncodeToString(sum[:6]))
}

// recordCountry is the country a record's subject belongs to, where its
// data names one: the first nationality, or the issuing country.
func recordCountry(r *core.Record) string {
	var d struct {
		Nationalities []string `json:"nationalities"`
		Nationality   string   `json:"nationality"`
		Country       string   `json:"country"`
		Issuing       string   `json:"issuing_country"`
	}
	json.Unmarshal(r.Data, &d)
	switch {
	case len(d.Nationalities) > 0:
		return d.Nationalities[0]
	case d.Nationality != "":
		return d.Nationality
	case d.Issuing != "":
		return d.Issuing
	}
	return d.Country
}

func contextSummary(c map[string]string) string {
	if len(c) == 0 {
		return ""
	}
	b, _ := json.Marshal(c)
	return " context=" + string(b)
}

// ImportTx stores in tx a hit another process of the federation made on
// rec (a national node's screening of a notice it received; the hub
// relaying it to the owner's node), so that the owner hears of it as of
// a local one: the same id and reference, both sides' states new, and the
// events each side is told of. A hit already stored changes nothing; it
// reports whether it stored h.
func ImportTx(tx core.Tx, h *core.Hit, rec *core.Record, now time.Time) (bool, error) {
	if _, err := tx.GetHit(h.ID); err == nil {
		return false, nil
	} else if core.ErrorCode(err) != core.ENOTFOUND {
		return false, err
	}
	c := *h
	c.DedupKey = "federated:" + h.ID
	c.Version, c.Count = 1, max(h.Count, 1)
	c.RecordID, c.RecordKind, c.Owner = rec.ID, rec.Kind, rec.Owner
	c.OwnerState, c.SearcherState, c.History = core.HitNew, core.HitNew, []core.HitStep{}
	if err := tx.InsertHit(&c); err != nil {
		return false, err
	}
	return true, tx.InsertEvents(events(EventCreated, &c, rec, now, false))
}
