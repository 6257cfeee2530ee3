package accreditation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/screen"
)

// CursorName is the change-feed cursor continuous screening keeps.
const CursorName = "accreditation"

// feedPage is how many changes one pass reads.
const feedPage = 500

// reverseThreshold is the score from which a changed record's name makes
// an attendee a candidate for re-screening. It is below the alert
// threshold on purpose: the reverse index only chooses whom to re-screen,
// and the re-screening, through the screening path, decides.
const reverseThreshold = 0.75

// reverseIndex is a gathering's attendees as a screening index of their
// own, to screen a changed record's names and documents against them: the
// screening index used in reverse.
type reverseIndex struct {
	count int
	idx   *screen.Index
}

// Alert is what an accreditation.alert event tells the host's unit.
type Alert struct {
	Gathering   string                 `json:"gathering"`
	Participant string                 `json:"participant"`
	Ref         string                 `json:"ref"`
	Name        string                 `json:"name"`
	Category    string                 `json:"category"`
	Status      string                 `json:"status"`
	Findings    []core.AttendeeFinding `json:"findings"`
}

// Watch runs continuous screening until ctx ends: a pass every interval,
// and at once when wake fires (a local write).
func (s *Service) Watch(ctx context.Context, interval time.Duration, wake <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
		for {
			n, more, err := s.CheckChanges(ctx)
			if err != nil {
				if ctx.Err() == nil {
					s.log().Error("continuous screening of accreditation lists failed", "err", err)
				}
				break
			}
			if n > 0 {
				s.log().Info("continuous screening alerted the security unit", "alerts", n)
			}
			if !more {
				break
			}
		}
	}
}

// CheckChanges is one pass of continuous screening. It reads the record
// change feed after the cursor; for every record now active that holds
// names or documents, it screens them against the attendees of each
// gathering still under way (the reverse index), re-screens the
// attendees they could concern through the screening path, as the host's
// unit, and alerts the unit of every new hit. It returns the alerts
// written and whether more changes wait.
//
// The cursor moves only from where this pass found it: two replicas
// running the same pass write their alerts once (a re-screening's hits
// fold into the hits already found), and a pass that fails is retried.
func (s *Service) CheckChanges(ctx context.Context) (int, bool, error) {
	var cur, last int64
	var gids []string
	var changes []core.RecordChange
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var err error
		if cur, err = tx.Cursor(CursorName); err != nil {
			return err
		}
		if last, err = tx.LastChange(); err != nil {
			return err
		}
		if gids, err = tx.AccreditedGatherings(); err != nil {
			return err
		}
		if len(gids) == 0 {
			return nil
		}
		changes, err = tx.Changes(cur, feedPage)
		return err
	})
	if err != nil {
		return 0, false, err
	}
	if len(gids) == 0 {
		// Nothing to watch: skip what happened meanwhile.
		return 0, false, s.moveCursor(ctx, cur, last)
	}
	// A quiet feed still goes on: attendees left pending (index not
	// loaded, process stopped) are swept at every pass, changes or not.
	next := cur
	if len(changes) > 0 {
		next = changes[len(changes)-1].Seq
	}
	now := s.Now()
	var open []*core.Gathering
	recs := map[string]*core.Record{}
	err = s.Store.View(ctx, func(tx core.Tx) error {
		for _, id := range gids {
			g, err := tx.GetGathering(id)
			if err != nil {
				if core.ErrorCode(err) == core.ENOTFOUND {
					continue
				}
				return err
			}
			if UnderWay(g, now) {
				open = append(open, g)
			}
		}
		if len(open) == 0 {
			return nil
		}
		for _, c := range changes {
			if _, done := recs[c.RecordID]; done {
				continue
			}
			r, err := tx.GetRecord(c.RecordID)
			if core.ErrorCode(err) == core.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			recs[c.RecordID] = r
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	alerts := 0
	for _, g := range open {
		if err := s.sweepPending(ctx, g); err != nil {
			return alerts, false, err
		}
		if len(recs) == 0 {
			continue // no record changed: the reverse index is not needed
		}
		cands, err := s.candidates(ctx, g, recs)
		if err != nil {
			return alerts, false, err
		}
		if len(cands) == 0 {
			continue
		}
		s.waitIndexed(recs)
		for id := range cands {
			n, err := s.rescreen(ctx, g, id)
			if err != nil {
				return alerts, false, err
			}
			alerts += n
		}
	}
	if err := s.moveCursor(ctx, cur, next); err != nil {
		return alerts, false, err
	}
	if alerts > 0 {
		s.notify()
	}
	return alerts, len(changes) == feedPage, nil
}

func (s *Service) moveCursor(ctx context.Context, from, to int64) error {
	if to <= from {
		return nil
	}
	return s.Store.Update(ctx, func(tx core.Tx) error {
		cur, err := tx.Cursor(CursorName)
		if err != nil || cur != from {
			return err // another replica moved it: its pass stands
		}
		return tx.SetCursor(CursorName, to)
	})
}

// UnderWay reports whether continuous screening still watches g at t:
// until the end of its last day, in its time zone.
func UnderWay(g *core.Gathering, t time.Time) bool {
	if len(g.Days) == 0 {
		return false
	}
	loc, err := time.LoadLocation(g.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	last, err := time.ParseInLocation(time.DateOnly, g.Days[len(g.Days)-1], loc)
	if err != nil {
		return false
	}
	return t.Before(last.AddDate(0, 0, 1))
}

// candidates screens the changed records' persons and documents against
// g's attendees and returns the ids of those they could concern.
func (s *Service) candidates(ctx context.Context, g *core.Gathering, recs map[string]*core.Record) (map[string]bool, error) {
	rev, err := s.reverseFor(ctx, g)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	system := core.Viewer{System: true}
	for _, r := range recs {
		if r.Status != core.StatusActive {
			continue // a record cancelled or expired makes no new hit
		}
		subj := screen.Extract(r)
		for _, p := range subj.Persons {
			dob := ""
			if p.DOB.Known() {
				dob = p.DOB.String()
			}
			for _, n := range p.Names {
				hs, err := rev.idx.ScreenPerson(system, screen.PersonQuery{Name: n, DateOfBirth: dob, Threshold: reverseThreshold, Limit: 100})
				if err != nil {
					continue // a name the engine cannot search is no candidate
				}
				for _, h := range hs {
					out[h.Internal()] = true
				}
			}
		}
		for _, d := range subj.Documents {
			hs, err := rev.idx.ScreenDocument(system, screen.DocumentQuery{Number: d.Number, Country: d.Country, Type: d.Type})
			if err != nil {
				continue
			}
			for _, h := range hs {
				out[h.Internal()] = true
			}
		}
	}
	return out, nil
}

// reverseFor returns g's reverse index, built again when its attendees
// changed in number (a list is only ever added to).
func (s *Service) reverseFor(ctx context.Context, g *core.Gathering) (*reverseIndex, error) {
	var n int
	err := s.Store.View(ctx, func(tx core.Tx) error {
		counts, err := tx.CountAttendees(g.ID)
		for _, c := range counts {
			n += c
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	rev := s.reverse[g.ID]
	s.mu.Unlock()
	if rev != nil && rev.count == n {
		return rev, nil
	}
	var as []*core.Attendee
	err = s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		as, err = tx.ListAttendees(core.AttendeeFilter{Gathering: g.ID})
		return err
	})
	if err != nil {
		return nil, err
	}
	rev = &reverseIndex{count: len(as), idx: screen.New()}
	for _, a := range as {
		rev.idx.Put(asRecord(a, g.Host))
	}
	s.mu.Lock()
	if s.reverse == nil {
		s.reverse = map[string]*reverseIndex{}
	}
	s.reverse[g.ID] = rev
	s.mu.Unlock()
	return rev, nil
}

// asRecord is an attendee in the shape the screening index reads: a
// person record of the host's, never stored.
func asRecord(a *core.Attendee, host string) *core.Record {
	docs := make([]map[string]string, 0, len(a.Documents))
	for _, d := range a.Documents {
		docs = append(docs, map[string]string{"number": d.Number, "country": d.Country, "type": d.Type})
	}
	data, _ := json.Marshal(map[string]any{"name": a.Name, "aliases": a.OtherNames, "date_of_birth": a.DateOfBirth, "sex": a.Sex,
		"nationalities": a.Nationalities, "documents": docs})
	return &core.Record{ID: a.ID, Kind: core.KindPerson, Owner: host, Status: core.StatusActive, Version: 1,
		Releasability: core.Releasability{Mode: core.ReleaseAll}, Data: data}
}

// waitIndexed waits, a bounded time, for the screening index to hold the
// changed records, so that the re-screening sees them.
func (s *Service) waitIndexed(recs map[string]*core.Record) {
	wait := s.IndexWait
	if wait <= 0 {
		wait = 5 * time.Second
	}
	deadline := time.Now().Add(wait)
	for _, r := range recs {
		for !s.Screener.Indexed(r.ID, r.Version) && r.Status == core.StatusActive && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// rescreen screens attendee id of g again, as the host's unit, and
// alerts the unit of the new hits; it returns 1 if it alerted.
func (s *Service) rescreen(ctx context.Context, g *core.Gathering, id string) (int, error) {
	v := access.ScreeningUnitViewer(g.Host)
	var a *core.Attendee
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		a, err = tx.GetAttendee(g.ID, id)
		return err
	})
	if core.ErrorCode(err) == core.ENOTFOUND {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	if a.Status == core.AttendeePending {
		return 0, nil // the import's own screening will see the record
	}
	s.rescreened.Add(1)
	found, err := s.screenOne(ctx, v, g, a)
	if err != nil {
		return 0, err
	}
	alerted := 0
	now := s.now()
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		alerted = 0
		cur, err := tx.GetAttendee(g.ID, id)
		if err != nil {
			return err
		}
		fresh := applyScreening(cur, found, now, v.ActorName(), true)
		if len(fresh) == 0 {
			return nil // nothing new: the earlier screening's hits stand
		}
		if err := tx.UpdateAttendee(cur); err != nil {
			return err
		}
		data, _ := json.Marshal(Alert{Gathering: g.ID, Participant: cur.ID, Ref: cur.Ref, Name: cur.Name, Category: cur.Category, Status: cur.Status, Findings: fresh})
		if err := tx.InsertEvent(&core.Event{At: now, Type: EventAlert, Subject: cur.ID, Audience: []string{g.Host}, Data: data}); err != nil {
			return err
		}
		e := audit.Entry(v, "accreditation.alert", audit.OK, g.ID, cur.ID)
		e.Query = fmt.Sprintf("participant %s of gathering %s: %d new hits, status %s", cur.Ref, g.ID, len(fresh), cur.Status)
		if err := audit.Append(tx, e); err != nil {
			return err
		}
		alerted = 1
		return nil
	})
	return alerted, err
}

// PendingAfter is how long an attendee may stay unscreened before
// continuous screening screens it: an import screens its own list at
// once; what stays pending longer was left by a screening index not yet
// loaded or a process that stopped.
const PendingAfter = 2 * time.Minute

// sweepPending screens, as the host's unit, g's attendees left pending.
func (s *Service) sweepPending(ctx context.Context, g *core.Gathering) error {
	var pending []*core.Attendee
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		pending, err = tx.ListAttendees(core.AttendeeFilter{Gathering: g.ID, Status: core.AttendeePending, Limit: screenChunk})
		return err
	})
	if err != nil {
		return err
	}
	cutoff := s.now().Add(-PendingAfter)
	pending = slices.DeleteFunc(pending, func(a *core.Attendee) bool { return a.CreatedAt.After(cutoff) })
	if len(pending) == 0 {
		return nil
	}
	_, err = s.screenAll(ctx, access.ScreeningUnitViewer(g.Host), g, pending)
	if core.ErrorCode(err) == core.EUNAVAILABLE {
		return nil // the index is not loaded yet: at a later pass
	}
	return err
}
