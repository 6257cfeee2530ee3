package events

import (
	"encoding/json"
	"strings"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/messages"
)

// Sight decides, inside one transaction, which events a viewer may
// receive: the stream's reader here and the webhooks' fan-out and
// delivery ask it, so that both decide alike. It reads what each decision
// needs once for all the events it is asked about: the record an event
// names, for a message event its thread and the thread's subject as they
// stand now, and for an event of accreditation, meetings, citizen reports,
// agreements or notices that names no record what that area's own rule
// decides on. A thread's events reach exactly those who may see the
// thread (access.CanSeeThread): a thread on a hit withheld from its
// searcher names no record, and must tell that searcher nothing all the
// same.
type Sight struct {
	tx         core.Tx
	recs       map[string]*core.Record
	threads    map[string]*threadSight
	gatherings map[string]*core.Gathering
}

type threadSight struct {
	th  *core.Thread // nil: the thread does not exist (any more)
	hit *core.Hit
	rec *core.Record
}

// NewSight returns a sight reading through tx.
func NewSight(tx core.Tx) *Sight {
	return &Sight{tx: tx, recs: map[string]*core.Record{}, threads: map[string]*threadSight{}, gatherings: map[string]*core.Gathering{}}
}

// Allows reports whether v may receive e. An event of a thread is
// decided by the one rule that decides reading the thread
// (access.CanSeeThread), and by nothing else: a participant's screening
// key that reads a thread on a record is told of its messages, and a
// bureau that may not read the thread (or a thread that does not exist)
// is told nothing. A message event written before events named their
// thread's record is given that record (so that it is delivered as newer
// ones are).
func (s *Sight) Allows(v core.Viewer, e *core.Event) (bool, error) {
	if strings.HasPrefix(e.Type, "message.") && e.Subject != "" {
		t, err := s.thread(e.Subject)
		if err != nil || t.th == nil {
			return false, err
		}
		if e.RecordID == "" {
			e.RecordID = t.th.RecordID
		}
		return access.CanSeeThread(v, t.th, t.hit, t.rec), nil
	}
	rec, err := s.record(e.RecordID)
	if err != nil {
		return false, err
	}
	if !access.CanSeeEvent(v, e, rec) {
		return false, nil
	}
	return s.areaAllows(v, e)
}

// areaAllows asks, of an event about what an area with an access rule of
// its own keeps (and that names no record), that rule too: being of the
// audience bureau is not enough to read a participant's status, a
// citizen's report or another delegation's meeting.
func (s *Sight) areaAllows(v core.Viewer, e *core.Event) (bool, error) {
	switch family, _, _ := strings.Cut(e.Type, "."); family {
	case "accreditation":
		var d struct {
			Gathering string `json:"gathering"`
		}
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return false, nil // unreadable: told to no one
		}
		g, err := s.gathering(d.Gathering)
		if err != nil {
			return false, err
		}
		return access.Accreditation(v, g).Unit, nil
	case "meeting":
		m, err := s.tx.GetMeetingRequest(e.Subject)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return false, nil
		} else if err != nil {
			return false, err
		}
		g, err := s.gathering(m.Gathering)
		if err != nil {
			return false, err
		}
		return access.Meeting(v, g, m).See, nil
	case "notice":
		// One that names no record (a draft's, a request's decision, the
		// end of a notice, told to the owner or to the bureaus it went
		// to) is for those who read notices: not a screening-only key.
		return e.RecordID != "" || v.System || v.Can(core.PermRecordsRead), nil
	case "report", "campaign":
		// Addressed to the receiving bureau alone.
		return len(e.Audience) == 1 && access.CanTriageReports(v, e.Audience[0]), nil
	case "agreement":
		a, err := s.tx.GetAgreement(e.Subject)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return false, nil
		} else if err != nil {
			return false, err
		}
		return access.CanSeeAgreement(v, a), nil
	}
	return true, nil
}

func (s *Sight) gathering(id string) (*core.Gathering, error) {
	if g, seen := s.gatherings[id]; seen {
		return g, nil
	}
	g, err := s.tx.GetGathering(id)
	if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		return nil, err
	}
	s.gatherings[id] = g
	return g, nil
}

func (s *Sight) record(id string) (*core.Record, error) {
	if id == "" {
		return nil, nil
	}
	if r, seen := s.recs[id]; seen {
		return r, nil
	}
	r, err := s.tx.GetRecord(id)
	if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		return nil, err
	}
	s.recs[id] = r
	return r, nil
}

func (s *Sight) thread(id string) (*threadSight, error) {
	if t, seen := s.threads[id]; seen {
		return t, nil
	}
	t := &threadSight{}
	th, err := s.tx.GetThread(id)
	switch {
	case core.ErrorCode(err) == core.ENOTFOUND:
	case err != nil:
		return nil, err
	default:
		t.th = th
		if t.hit, t.rec, err = messages.Subject(s.tx, th); err != nil {
			return nil, err
		}
	}
	s.threads[id] = t
	return t, nil
}
