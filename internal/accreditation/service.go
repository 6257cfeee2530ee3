package accreditation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/screen"
)

// Event types written to the event stream, to the host bureau only.
const (
	// EventAlert: continuous screening found a new hit on an attendee
	// already screened.
	EventAlert = "accreditation.alert"
	// EventDecided: the security unit decided on an attendee.
	EventDecided = "accreditation.decided"
)

// Decisions the security unit takes.
const (
	DecideClear    = "clear"
	DecideConfirm  = "confirm"
	DecideEscalate = "escalate"
)

// Decisions lists them.
var Decisions = []string{DecideClear, DecideConfirm, DecideEscalate}

// Match is one hit a screening made, as the screening path showed it to
// the viewer it screened for: a record not released to that viewer is
// only its owner, the hit's reference and the "possible hit" message.
type Match struct {
	HitID      string
	Reference  string
	Owner      string
	Restricted bool
	Message    string
	RecordID   string
	Kind       string
	Label      string
	Score      float64
	Matched    string
	// RecordKey, for a restricted match, stands for its owner and record
	// without naming the record (see core.AttendeeFinding): a later
	// screening's hit on that record is then known for one already shown.
	RecordKey string
}

// Screener is the screening path the accreditation list is screened
// through: the same as a person's or a document's at a border (the
// index, the access decision, one audit entry per screening, a hit record
// the owner hears of for each match at the alert threshold). It returns
// only the matches that made a hit record.
type Screener interface {
	ScreenPerson(ctx context.Context, v core.Viewer, q screen.PersonQuery, c map[string]string) ([]Match, error)
	ScreenDocument(ctx context.Context, v core.Viewer, q screen.DocumentQuery, c map[string]string) ([]Match, error)
	// Indexed reports whether the screening index holds the record at
	// this version or a later one.
	Indexed(recordID string, version int64) bool
}

// Service runs accreditation lists against a store and a screener.
type Service struct {
	Store    core.Store
	Screener Screener
	Now      func() time.Time
	// Notify, if set, is called after a commit that wrote events.
	Notify func()
	Log    *slog.Logger
	// IndexWait bounds how long continuous screening waits for the
	// screening index to hold a changed record (default 5 s).
	IndexWait time.Duration

	mu      sync.Mutex
	reverse map[string]*reverseIndex
	// rescreened counts the attendees continuous screening re-screened
	// (for the benchmark).
	rescreened atomic.Int64
}

// Rescreened is how many attendees continuous screening has re-screened
// since the service started.
func (s *Service) Rescreened() int64 { return s.rescreened.Load() }

// New returns a Service over st screening through sc.
func New(st core.Store, sc Screener) *Service {
	return &Service{Store: st, Screener: sc, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func (s *Service) notify() {
	if s.Notify != nil {
		s.Notify()
	}
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Service) refuse(ctx context.Context, v core.Viewer, action string, err error, ids ...string) error {
	e := audit.Entry(v, action, audit.OutcomeOf(err), ids...)
	if ce, ok := err.(*core.Error); ok {
		e.Query = ce.Message
	}
	audit.Record(ctx, s.Store, e)
	return err
}

func gatheringNotFound() error { return core.Errorf(core.ENOTFOUND, "gathering not found") }
func attendeeNotFound() error  { return core.Errorf(core.ENOTFOUND, "participant not found") }

// gathering reads g and decides v's rights on its list.
func (s *Service) gathering(ctx context.Context, id string) (*core.Gathering, error) {
	var g *core.Gathering
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		g, err = tx.GetGathering(id)
		return err
	})
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, gatheringNotFound()
	}
	return g, err
}

// ImportResult says what an import did.
type ImportResult struct {
	Gathering string         `json:"gathering"`
	Imported  int            `json:"imported"`
	Counts    map[string]int `json:"counts"`
	// Screened is how many were screened; the rest stay pending (the
	// screening index was not available) and continuous screening
	// screens them once they have waited PendingAfter.
	Screened int     `json:"screened"`
	Seconds  float64 `json:"seconds"`
}

// ImportCSV imports a CSV list (see ParseCSV) into gathering gid.
func (s *Service) ImportCSV(ctx context.Context, v core.Viewer, gid string, r io.Reader) (*ImportResult, error) {
	g, err := s.importer(ctx, v, gid)
	if err != nil {
		return nil, err
	}
	ins, lines, err := ParseCSV(r)
	if err != nil {
		return nil, s.refuse(ctx, v, "accreditation.import", err, g.ID)
	}
	prefix := func(i int) string { return fmt.Sprintf("lines[%d]", lines[i]) }
	as, err := validate(ins, prefix)
	if err != nil {
		return nil, s.refuse(ctx, v, "accreditation.import", err, g.ID)
	}
	return s.store(ctx, v, g, as, "csv", prefix)
}

// ImportJSON imports a JSON list into gathering gid.
func (s *Service) ImportJSON(ctx context.Context, v core.Viewer, gid string, in ListInput) (*ImportResult, error) {
	g, err := s.importer(ctx, v, gid)
	if err != nil {
		return nil, err
	}
	prefix := func(i int) string { return fmt.Sprintf("participants[%d]", i) }
	as, err := validate(in.Participants, prefix)
	if err != nil {
		return nil, s.refuse(ctx, v, "accreditation.import", err, g.ID)
	}
	return s.store(ctx, v, g, as, "json", prefix)
}

func (s *Service) importer(ctx context.Context, v core.Viewer, gid string) (*core.Gathering, error) {
	g, err := s.gathering(ctx, gid)
	if err != nil {
		return nil, s.refuse(ctx, v, "accreditation.import", err)
	}
	if !access.Accreditation(v, g).Decide {
		return nil, s.refuse(ctx, v, "accreditation.import", core.Errorf(core.EFORBIDDEN, "only the host bureau's security unit (records:write) imports the accreditation list"), g.ID)
	}
	return g, nil
}

// store writes the whole list in one transaction, then screens it;
// prefix(i) names the i-th participant in errors, as validate does.
func (s *Service) store(ctx context.Context, v core.Viewer, g *core.Gathering, as []*core.Attendee, format string, prefix func(i int) string) (*ImportResult, error) {
	start := time.Now()
	now := s.now()
	var refs []string
	for _, a := range as {
		a.ID, a.Gathering, a.Version, a.Status = uuid.Must(uuid.NewV7()).String(), g.ID, 1, core.AttendeePending
		if a.Ref == "" {
			a.Ref = a.ID
		} else {
			refs = append(refs, a.Ref)
		}
		a.Findings, a.CreatedBy, a.CreatedAt, a.UpdatedAt = []core.AttendeeFinding{}, v.ActorName(), now, now
		a.History = []core.AttendeeStep{{At: now, Action: "imported", By: v.ActorName(), To: core.AttendeePending}}
	}
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		// A reference an earlier list accredited is an error of the line
		// that reuses it, reported with the others like the line checks'
		// (the store's unique constraint would name only the first, and
		// no line). It is looked up here, in the transaction that writes.
		taken, err := tx.AccreditedRefs(g.ID, refs)
		if err != nil {
			return err
		}
		if len(taken) > 0 {
			used := make(map[string]bool, len(taken))
			for _, r := range taken {
				used[r] = true
			}
			var e errs
			for i, a := range as {
				if used[a.Ref] {
					e.add(prefix(i)+".ref", "the reference %q is already accredited to this gathering by an earlier list: each participant has its own", core.Clip(a.Ref, 40))
				}
			}
			return e.err()
		}
		if err := tx.InsertAttendees(as); err != nil {
			return err
		}
		e := audit.Entry(v, "accreditation.import", audit.OK, g.ID)
		e.Query = fmt.Sprintf("gathering %s: %d participants (%s)", g.ID, len(as), format)
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, s.refuse(ctx, v, "accreditation.import", err, g.ID)
	}
	res := &ImportResult{Gathering: g.ID, Imported: len(as), Counts: map[string]int{}}
	// The list is stored: its screening runs to the end even if the
	// client goes away (continuous screening sweeps up what a crash
	// leaves pending).
	n, err := s.screenAll(context.WithoutCancel(ctx), v, g, as)
	res.Screened = n
	if err != nil && core.ErrorCode(err) != core.EUNAVAILABLE {
		return nil, err
	}
	for _, a := range as {
		res.Counts[a.Status]++
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// screenChunk is how many screened attendees are written per
// transaction; screenWorkers how many are screened at once.
const (
	screenChunk   = 200
	screenWorkers = 4
)

// screenAll screens as for v and stores each result; it returns how many
// were screened. The store's copy of each is updated in chunks.
func (s *Service) screenAll(ctx context.Context, v core.Viewer, g *core.Gathering, as []*core.Attendee) (int, error) {
	done := 0
	for i := 0; i < len(as); i += screenChunk {
		chunk := as[i:min(i+screenChunk, len(as))]
		results := make([][]core.AttendeeFinding, len(chunk))
		errs := make([]error, len(chunk))
		// Screenings run side by side, as a border's do: the audit
		// writer then commits many in one transaction instead of each
		// waiting for its own.
		var wg sync.WaitGroup
		next := make(chan int)
		for range screenWorkers {
			wg.Go(func() {
				for j := range next {
					results[j], errs[j] = s.screenOne(ctx, v, g, chunk[j])
				}
			})
		}
		for j := range chunk {
			next <- j
		}
		close(next)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return done, err
			}
		}
		now := s.now()
		err := s.Store.Update(ctx, func(tx core.Tx) error {
			for j, a := range chunk {
				cur, err := tx.GetAttendee(g.ID, a.ID)
				if err != nil {
					return err
				}
				applyScreening(cur, results[j], now, v.ActorName(), false)
				if err := tx.UpdateAttendee(cur); err != nil {
					return err
				}
				*a = *cur
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		done += len(chunk)
	}
	return done, nil
}

// screenOne screens an attendee's names and documents through the
// screening path, as v, in the gathering's context.
func (s *Service) screenOne(ctx context.Context, v core.Viewer, g *core.Gathering, a *core.Attendee) ([]core.AttendeeFinding, error) {
	if s.Screener == nil {
		return nil, core.Errorf(core.EUNAVAILABLE, "screening is not available yet")
	}
	c := map[string]string{"gathering": core.Clip(g.Name, 150), "accreditation": core.Clip(a.Ref, 64)}
	nat := ""
	if len(a.Nationalities) > 0 {
		nat = a.Nationalities[0]
	}
	var out []core.AttendeeFinding
	seen := map[string]bool{}
	add := func(typ string, ms []Match) {
		now := s.now()
		for _, m := range ms {
			if m.HitID == "" || seen[m.HitID] {
				continue
			}
			seen[m.HitID] = true
			out = append(out, core.AttendeeFinding{HitID: m.HitID, Reference: m.Reference, Owner: m.Owner, Restricted: m.Restricted, Message: m.Message,
				RecordID: m.RecordID, Kind: m.Kind, Label: m.Label, Score: m.Score, Matched: m.Matched, RecordKey: m.RecordKey, Type: typ, At: now})
		}
	}
	for _, n := range append([]string{a.Name}, a.OtherNames...) {
		ms, err := s.Screener.ScreenPerson(ctx, v, screen.PersonQuery{Name: n, DateOfBirth: a.DateOfBirth, Sex: a.Sex, Nationality: nat}, c)
		if err != nil {
			return nil, err
		}
		add("person", ms)
	}
	for _, d := range a.Documents {
		ms, err := s.Screener.ScreenDocument(ctx, v, screen.DocumentQuery{Number: d.Number, Country: d.Country, Type: d.Type}, c)
		if err != nil {
			return nil, err
		}
		add("document", ms)
	}
	return out, nil
}

// applyScreening merges a screening's findings into a and sets its
// status; it returns the findings that are new. A new finding undoes the
// unit's decision: the attendee is back in the queue.
func applyScreening(a *core.Attendee, found []core.AttendeeFinding, now time.Time, by string, alert bool) []core.AttendeeFinding {
	// A finding is known by its hit id, and by its record: the record id
	// of one the host sees, the owner and record key of a restricted one
	// (the hit id alone changes once the hits service's folding window
	// has passed). A finding stored before record keys were kept is known
	// by its hit id only.
	known := map[string]bool{}
	byHit := map[string]int{}
	for i, f := range a.Findings {
		known[f.HitID] = true
		byHit[f.HitID] = i
		if k := recordOf(f); k != "" {
			known[k] = true
		}
	}
	var fresh []core.AttendeeFinding
	for _, f := range found {
		k := recordOf(f)
		if i, ok := byHit[f.HitID]; ok && f.Restricted && f.RecordKey != "" && a.Findings[i].Restricted && a.Findings[i].RecordKey == "" {
			// The same hit on a finding stored without its record key:
			// it gets it now, and is known by its record from then on.
			a.Findings[i].RecordKey = f.RecordKey
			known[k] = true
		}
		if known[f.HitID] || k != "" && known[k] {
			continue
		}
		known[f.HitID] = true
		if k != "" {
			known[k] = true // one finding per record, whichever name hit it
		}
		f.Alert = alert
		fresh = append(fresh, f)
		a.Findings = append(a.Findings, f)
	}
	from := a.Status
	if len(fresh) > 0 || a.Decision == nil {
		a.Decision = nil
		a.Status = statusOf(a.Findings)
	}
	action := "screened"
	if alert {
		action = "alert"
		a.Alerts += len(fresh)
	}
	if a.ScreenedAt == nil || len(fresh) > 0 {
		a.History = append(a.History, core.AttendeeStep{At: now, Action: action, By: by, From: from, To: a.Status,
			Reason: fmt.Sprintf("%d new hits", len(fresh))})
	}
	a.ScreenedAt = &now
	a.UpdatedAt = now
	a.Version++
	return fresh
}

// recordOf is what identifies f's record among an attendee's findings,
// or "" if nothing does.
func recordOf(f core.AttendeeFinding) string {
	switch {
	case f.RecordID != "":
		return "record:" + f.RecordID
	case f.Restricted && f.RecordKey != "":
		return "restricted:" + f.Owner + "\x00" + f.RecordKey
	}
	return ""
}

// statusOf is the queue status of an attendee with findings fs: a hit on
// a record the host sees is a hit, a "possible hit — contact bureau X"
// needs review, nothing is cleared.
func statusOf(fs []core.AttendeeFinding) string {
	st := core.AttendeeCleared
	for _, f := range fs {
		if !f.Restricted {
			return core.AttendeeHit
		}
		st = core.AttendeeReview
	}
	return st
}

// ListFilter filters the queue.
type ListFilter struct {
	Status   string
	Category string
	After    string
	Limit    int
}

// Queue is a page of a gathering's attendees with the counts by status.
type Queue struct {
	Items  []*core.Attendee `json:"items"`
	Count  int              `json:"count"`
	Counts map[string]int   `json:"counts"`
	Next   string           `json:"next,omitempty"`
}

// List returns the security unit's queue: only the host's unit sees it.
func (s *Service) List(ctx context.Context, v core.Viewer, gid string, f ListFilter) (*Queue, error) {
	const action = "accreditation.list"
	if f.Status != "" && !slices.Contains(core.AttendeeStatuses, f.Status) {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "status", Reason: "must be one of " + strings.Join(core.AttendeeStatuses, ", ")}))
	}
	if f.Category != "" && !slices.Contains(core.AttendeeCategories, f.Category) {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "category", Reason: "must be one of " + strings.Join(core.AttendeeCategories, ", ")}))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	g, err := s.gathering(ctx, gid)
	if err != nil {
		return nil, s.refuse(ctx, v, action, err)
	}
	if !access.Accreditation(v, g).Unit {
		return nil, s.refuse(ctx, v, action, core.Errorf(core.EFORBIDDEN, "only the host bureau's security unit sees the accreditation list"), g.ID)
	}
	q := &Queue{}
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		items, err := tx.ListAttendees(core.AttendeeFilter{Gathering: g.ID, Status: f.Status, Category: f.Category, After: f.After, Limit: f.Limit + 1})
		if err != nil {
			return err
		}
		q.Next = ""
		if len(items) > f.Limit {
			items = items[:f.Limit]
			q.Next = items[len(items)-1].ID
		}
		if q.Counts, err = tx.CountAttendees(g.ID); err != nil {
			return err
		}
		q.Items, q.Count = items, len(items)
		e := audit.Entry(v, action, audit.OK, g.ID)
		e.Query = fmt.Sprintf("gathering %s status=%s category=%s participants=%d", g.ID, f.Status, f.Category, len(items))
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, err
	}
	if q.Items == nil {
		q.Items = []*core.Attendee{}
	}
	return q, nil
}

// Get returns one attendee as v may see it: everything for the host's
// unit, the owner's share for a bureau whose record it hit, not found
// for anyone else.
func (s *Service) Get(ctx context.Context, v core.Viewer, gid, id string) (*core.Attendee, error) {
	const action = "accreditation.read"
	var out *core.Attendee
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		g, a, sight, err := attendeeSeen(tx, v, gid, id, false)
		if err != nil {
			return err
		}
		out = ViewOf(a, sight, v.Bureau)
		return audit.Append(tx, audit.Entry(v, action, audit.OK, g.ID, a.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err)
	}
	return out, nil
}

// attendeeSeen reads attendee id of gathering gid and the sight v has of
// it, under the one access decision: an attendee v may not see is not
// found, exactly as one that does not exist. With lock, the attendee's
// row stays locked until tx ends.
func attendeeSeen(tx core.Tx, v core.Viewer, gid, id string, lock bool) (*core.Gathering, *core.Attendee, access.AttendeeSight, error) {
	g, err := tx.GetGathering(gid)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, nil, access.AttendeeHidden, gatheringNotFound()
	} else if err != nil {
		return nil, nil, access.AttendeeHidden, err
	}
	get := tx.GetAttendee
	if lock {
		get = tx.LockAttendee
	}
	a, err := get(g.ID, id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		a = nil
	} else if err != nil {
		return nil, nil, access.AttendeeHidden, err
	}
	sight := access.AttendeeDisclosure(v, g, a)
	if sight == access.AttendeeHidden {
		return nil, nil, sight, attendeeNotFound()
	}
	return g, a, sight, nil
}

// ViewOf shapes a for a sight: the owner of a record it hit sees its
// identity and status and its own findings only.
func ViewOf(a *core.Attendee, sight access.AttendeeSight, bureau string) *core.Attendee {
	c := *a
	if sight == access.AttendeeFull {
		return &c
	}
	c.Findings = []core.AttendeeFinding{}
	for _, f := range a.Findings {
		if f.Owner == bureau {
			c.Findings = append(c.Findings, f)
		}
	}
	c.Decision, c.History, c.CreatedBy, c.Alerts = nil, []core.AttendeeStep{}, "", 0
	return &c
}

// DecisionInput is the security unit's decision on an attendee.
type DecisionInput struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
	// Version, if set, must be the attendee's current version.
	Version int64 `json:"version"`
}

// Settled reports whether a decision settles an attendee for good: a
// clearance or a confirmation does; an escalation hands the attendee on
// and waits for one of them.
func Settled(d *core.AttendeeDecision) bool {
	return d != nil && d.Decision != DecideEscalate
}

// alreadyDecided refuses a decision on an attendee the unit has decided
// on: a decision is final, and only a new finding of continuous
// screening (applyScreening) puts the attendee back in the queue.
func alreadyDecided(a *core.Attendee, want string) error {
	d := a.Decision
	if d == nil || !Settled(d) && want != DecideEscalate {
		return nil
	}
	next := "a decision is final; only a new hit from continuous screening puts the participant back in the queue"
	if !Settled(d) {
		next = "clear or confirm is what follows an escalation"
	}
	return &core.Error{Code: core.ECONFLICT,
		Message: fmt.Sprintf("the participant has already been decided: %q by %s on %s: %s", d.Decision, d.By, d.At.Format(time.RFC3339), next),
		Fields:  []core.FieldError{{Field: "decision", Reason: fmt.Sprintf("already %q (status %s): %s", d.Decision, a.Status, next)}}}
}

// Decide records the unit's decision on attendee id, with its reason.
// Once cleared or confirmed, an attendee is not decided on again (see
// alreadyDecided).
func (s *Service) Decide(ctx context.Context, v core.Viewer, gid, id string, in DecisionInput) (*core.Attendee, error) {
	const action = "accreditation.decide"
	in.Decision, in.Reason = strings.ToLower(strings.TrimSpace(in.Decision)), strings.TrimSpace(in.Reason)
	var fs []core.FieldError
	if !slices.Contains(Decisions, in.Decision) {
		fs = append(fs, core.FieldError{Field: "decision", Reason: "must be one of " + strings.Join(Decisions, ", "), Code: "choose"})
	}
	if in.Reason == "" || !utf8.ValidString(in.Reason) || utf8.RuneCountInString(in.Reason) > MaxReason {
		fs = append(fs, core.FieldError{Field: "reason", Reason: fmt.Sprintf("is required: why, in at most %d characters", MaxReason)})
	}
	if in.Version < 0 {
		fs = append(fs, core.FieldError{Field: "version", Reason: "must be positive"})
	}
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...))
	}
	now := s.now()
	var out *core.Attendee
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		// Locked: two members of the unit deciding at once would both
		// find the attendee undecided; the second now waits and finds
		// the first's decision.
		g, a, sight, err := attendeeSeen(tx, v, gid, id, true)
		if err != nil {
			return err
		}
		if sight != access.AttendeeFull {
			return attendeeNotFound()
		}
		if !access.Accreditation(v, g).Decide {
			return core.Errorf(core.EFORBIDDEN, "your role may not decide on participants (records:write is needed)")
		}
		if err := alreadyDecided(a, in.Decision); err != nil {
			return err
		}
		if in.Version != 0 && in.Version != a.Version {
			return core.Errorf(core.ECONFLICT, "the participant is at version %d, not %d: reload it", a.Version, in.Version)
		}
		if a.Status == core.AttendeePending {
			return core.Errorf(core.ECONFLICT, "the participant has not been screened yet")
		}
		from := a.Status
		a.Status = map[string]string{DecideClear: core.AttendeeCleared, DecideConfirm: core.AttendeeConfirmed, DecideEscalate: core.AttendeeEscalated}[in.Decision]
		a.Decision = &core.AttendeeDecision{Decision: in.Decision, Reason: in.Reason, By: v.ActorName(), At: now}
		a.History = append(a.History, core.AttendeeStep{At: now, Action: in.Decision, By: v.ActorName(), From: from, To: a.Status, Reason: in.Reason})
		a.Version++
		a.UpdatedAt = now
		if err := tx.UpdateAttendee(a); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]any{"gathering": g.ID, "participant": a.ID, "ref": a.Ref, "decision": in.Decision, "status": a.Status})
		if err := tx.InsertEvent(&core.Event{At: now, Type: EventDecided, Subject: a.ID, Audience: []string{g.Host}, Data: data}); err != nil {
			return err
		}
		e := audit.Entry(v, action, audit.OK, g.ID, a.ID)
		e.Query = fmt.Sprintf("participant %s %s -> %s (%s): %s", a.Ref, from, a.Status, in.Decision, core.Clip(in.Reason, 500))
		if err := audit.Append(tx, e); err != nil {
			return err
		}
		out = a
		return nil
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	s.notify()
	return out, nil
}
