package events

import (
	"strings"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/messages"
)

// Sight decides, inside one transaction, which events a viewer may
// receive: the stream's reader here and the webhooks' fan-out and
// delivery ask it, so that both decide alike. It reads what each decision
// needs once for all the events it is asked about: the record an event
// names, and for a message event its thread and the thread's subject as
// they stand now. A thread's events reach only those who may see the
// thread (access.CanSeeThread): a thread on a hit withheld from its
// searcher names no record, and must tell that searcher nothing all the
// same.
type Sight struct {
	tx      core.Tx
	recs    map[string]*core.Record
	threads map[string]*threadSight
}

type threadSight struct {
	th  *core.Thread // nil: the thread does not exist (any more)
	hit *core.Hit
	rec *core.Record
}

// NewSight returns a sight reading through tx.
func NewSight(tx core.Tx) *Sight {
	return &Sight{tx: tx, recs: map[string]*core.Record{}, threads: map[string]*threadSight{}}
}

// Allows reports whether v may receive e. A message event written before
// events named their thread's record is given that record first (so
// that it is decided, and delivered, as newer ones are).
func (s *Sight) Allows(v core.Viewer, e *core.Event) (bool, error) {
	var t *threadSight
	if strings.HasPrefix(e.Type, "message.") && e.Subject != "" {
		var err error
		if t, err = s.thread(e.Subject); err != nil {
			return false, err
		}
		if t.th != nil && e.RecordID == "" {
			e.RecordID = t.th.RecordID
		}
	}
	rec, err := s.record(e.RecordID)
	if err != nil {
		return false, err
	}
	if !access.CanSeeEvent(v, e, rec) {
		return false, nil
	}
	return t == nil || t.th == nil || access.CanSeeThread(v, t.th, t.hit, t.rec), nil
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
