package hits

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// How sightings reach the store.
//
// Screenings that hit at the same moment share one commit: the first to
// arrive writes, in one transaction, its own sightings and those of every
// screening that queued while the previous commit ran. Nobody waits for a
// timer, and a busy border post pays one disk sync for many hits.
//
// A new hit is answered only once it is durable: its owner must hear of
// it (principle 2). A repeat of a hit within its window changes the hit's
// count and last sighting and tells both sides again; the owner has
// already heard of the hit itself. A repeat of a hit this process knows
// is therefore answered at once and written by the group in the
// background, a few milliseconds later, as screening reads are audited.
// A hit stays the open hit of its key for the whole window after it was
// first seen (a newer hit of the key can only be made once none is open),
// so what is remembered cannot go stale before it expires; a process that
// does not know a hit (another replica made it, or it restarted) takes the
// durable path, which finds it in the store and folds the sighting in.

// Record turns sightings by v into hits: a new hit for each match not seen
// within the window, the count of an existing one otherwise, with the
// events telling the owner and the searcher and the audit entries. It
// returns the hits, one per match, in order. A repeat answered from
// memory carries the hit's identity and count, not its explanation,
// context or history.
func (s *Service) Record(ctx context.Context, v core.Viewer, sightings []Sighting) ([][]*core.Hit, error) {
	if v.Bureau == "" {
		return nil, nil // the system's own screenings are not cooperation
	}
	p := &pending{v: v, sightings: sightings, now: s.Now().UTC().Truncate(time.Microsecond)}
	if out := s.repeats(p); out != nil {
		if batch := s.group.join(p); batch != nil {
			go func() {
				s.commit(batch)
				s.drain()
			}()
		}
		return out, nil
	}
	p.done = make(chan struct{})
	if batch := s.group.join(p); batch != nil {
		s.commit(batch)
		// Those who queued meanwhile are written by a goroutine of their
		// own, so that this answer does not wait for theirs.
		go s.drain()
		return p.out, p.err
	}
	select {
	case <-p.done:
		return p.out, p.err
	case <-ctx.Done():
		// Our sightings may still commit with the group; the caller has
		// gone and will not hear of it.
		return nil, ctx.Err()
	}
}

// Flush waits until every sighting handed to the group before the call
// has been written: at shutdown, once the server has stopped taking
// screenings, and before a hit is read or changed here, so that a bureau
// reads its own sightings.
func (s *Service) Flush() { s.group.wait() }

// repeats answers p at once if every match it holds is a repeat of a hit
// this process knows to be open, its count including this sighting. It
// returns nil if any match would make a new hit (or is not known here),
// and p then takes the durable path.
func (s *Service) repeats(p *pending) [][]*core.Hit {
	since := p.now.Add(-s.window())
	out := make([][]*core.Hit, len(p.sightings))
	for i, sg := range p.sightings {
		place := Place(sg.Context)
		out[i] = make([]*core.Hit, 0, len(sg.Matches))
		for _, m := range sg.Matches {
			key := dedupKey(p.v.Bureau, m.RecordID, sg.Type, sg.Subject, place)
			k, ok := s.known.get(key, since)
			if !ok {
				return nil
			}
			out[i] = append(out[i], &core.Hit{ID: k.id, Reference: k.reference, DedupKey: key, RecordID: m.RecordID,
				Searcher: p.v.Bureau, Count: k.count + 1, FirstSeen: k.firstSeen, LastSeen: p.now, Withheld: k.withheld})
		}
	}
	return out
}

// drain commits what queued while a group was written, until nothing is
// left; then the next screening to hit writes again.
func (s *Service) drain() {
	for batch := s.group.next(); batch != nil; batch = s.group.next() {
		s.commit(batch)
	}
}

// commit writes a group of screenings' sightings in one transaction. If
// the group fails, each is tried again on its own, so that one bad
// sighting does not cost the others theirs.
func (s *Service) commit(batch []*pending) {
	if !slices.ContainsFunc(batch, waited) {
		// Nobody waits for these repeats: gather those that follow into
		// the same transaction.
		batch = append(batch, s.group.gather(s.repeatDelay())...)
	}
	s.writeAll(batch)
	s.notify()
	since := s.Now().Add(-s.window())
	for _, p := range batch {
		if p.err == nil {
			s.known.put(p.out, since)
		} else if p.done == nil {
			log := s.Log
			if log == nil {
				log = slog.Default()
			}
			log.Error("a repeat sighting could not be written", "bureau", p.v.Bureau, "err", p.err)
		}
		if p.done != nil {
			close(p.done)
		}
	}
	s.group.wrote(len(batch))
}

// writeAll writes batch, one transaction for all or, if that fails, one
// each. A panic becomes every sighting's error, so that the group goes on.
func (s *Service) writeAll(batch []*pending) {
	defer func() {
		if r := recover(); r != nil {
			for _, p := range batch {
				p.out, p.err = nil, fmt.Errorf("recording hits: %v", r)
			}
		}
	}()
	if err := s.write(batch); err != nil && len(batch) > 1 {
		for _, p := range batch {
			s.write([]*pending{p})
		}
	}
}

// write records ps in one transaction, the audit entries of all appended
// at once, and sets each one's hits or error.
func (s *Service) write(ps []*pending) error {
	s.commits.Add(1)
	outs := make([][][]*core.Hit, len(ps))
	// A group of repeats, which nobody waits for, yields the processor as
	// it goes (see yieldEvery); a group someone waits for is written
	// straight through.
	yield := !slices.ContainsFunc(ps, waited)
	err := s.Store.Update(context.Background(), func(tx core.Tx) error { // the group outlives any one request
		g := &groupTx{tx: tx, written: map[string]*core.Hit{}} // from nothing on every run (the store may run this again)
		for i, p := range ps {
			if yield && i > 0 && i%yieldEvery == 0 {
				runtime.Gosched()
			}
			out, err := s.record(g, p.v, p.sightings, p.now)
			if err != nil {
				return err
			}
			outs[i] = out
		}
		return g.flush()
	})
	for i, p := range ps {
		p.out, p.err = outs[i], err
		if err != nil {
			p.out = nil
		}
	}
	return err
}

// yieldEvery is how many repeats a group writes between two yields of
// the processor. A busy post's group of repeats gathered over a few
// milliseconds is a few milliseconds of work: written at once, it held a
// core while the screenings queued behind it, and it was their slowest
// hundredth. It stays one transaction and one disk sync.
const yieldEvery = 4

// group is the queue of sightings waiting for a commit, and whether a
// writer is at work on it.
type group struct {
	mu      sync.Mutex
	writing bool
	queue   []*pending
	// Sightings handed over and written, in queue order: Flush waits for
	// those handed over before it was called, not for a queue that a busy
	// border keeps full.
	handed, written int
	flushed         *sync.Cond // broadcast when written moves on
	// wake, while a writer of repeats gathers more, cuts its wait short:
	// closed when a sighting someone waits for queues, or on Flush.
	wake     chan struct{}
	flushing int // Flush calls under way
}

type pending struct {
	v         core.Viewer
	sightings []Sighting
	now       time.Time
	out       [][]*core.Hit
	err       error
	done      chan struct{} // closed once written; nil for a repeat, which nobody waits for
}

// join queues p. If no writer is at work the caller becomes it, and gets
// the queue to write.
func (g *group) join(p *pending) []*pending {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.queue = append(g.queue, p)
	g.handed++
	if g.writing {
		if p.done != nil {
			g.wakeWriter()
		}
		return nil
	}
	g.writing = true
	batch := g.queue
	g.queue = nil
	return batch
}

// waited reports whether someone waits for p to be written.
func waited(p *pending) bool { return p.done != nil }

// gather waits up to d while more sightings queue, and hands them to the
// writer, whose turn it still is. It does not wait, or stops waiting, once
// a sighting someone waits for has queued or a Flush has begun.
func (g *group) gather(d time.Duration) []*pending {
	g.mu.Lock()
	if g.flushing == 0 && !slices.ContainsFunc(g.queue, waited) {
		wake := make(chan struct{})
		g.wake = wake
		g.mu.Unlock()
		t := time.NewTimer(d)
		select {
		case <-wake:
		case <-t.C:
		}
		t.Stop()
		g.mu.Lock()
		if g.wake == wake {
			g.wake = nil
		}
	}
	defer g.mu.Unlock()
	batch := g.queue
	g.queue = nil
	return batch
}

// wakeWriter ends a gathering writer's wait; g.mu is held.
func (g *group) wakeWriter() {
	if g.wake != nil {
		close(g.wake)
		g.wake = nil
	}
}

// next hands the writer what queued meanwhile, or ends its turn (nil).
func (g *group) next() []*pending {
	g.mu.Lock()
	defer g.mu.Unlock()
	batch := g.queue
	g.queue = nil
	g.writing = len(batch) > 0
	return batch
}

// wrote counts n sightings written.
func (g *group) wrote(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.written += n
	if g.flushed != nil {
		g.flushed.Broadcast()
	}
}

// wait returns once every sighting handed over before it is written.
func (g *group) wait() {
	g.mu.Lock()
	defer g.mu.Unlock()
	target := g.handed
	g.flushing++
	defer func() { g.flushing-- }()
	g.wakeWriter()
	for g.written < target {
		if g.flushed == nil {
			g.flushed = sync.NewCond(&g.mu)
		}
		g.flushed.Wait()
	}
}

// known remembers the open hit of each dedup key this process wrote: what
// a repeat's answer needs, not the hit itself. For the most recent it
// also keeps the hit as written (full), so that the writer of a repeat
// updates it without reading it back: the store's version check
// (core.HitTx.UpdateHit) tells when another writer changed it meanwhile,
// and the repeat then reads it as before.
type known struct {
	mu    sync.Mutex
	hits  map[string]knownHit
	fulls int // entries whose full hit is kept
}

type knownHit struct {
	id, reference string
	count         int
	firstSeen     time.Time
	withheld      bool
	full          *core.Hit // nil past maxKnownFull; never changed once kept
}

// maxKnown bounds the memory of known hits (some 200 bytes each), and
// maxKnownFull that of the full hits kept (a few KiB each).
const (
	maxKnown     = 200_000
	maxKnownFull = 4096
)

func (k *known) get(key string, since time.Time) (knownHit, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	h, ok := k.hits[key]
	return h, ok && !h.firstSeen.Before(since)
}

// full returns the hit of key as this process last wrote it, if it is
// kept and still open.
func (k *known) full(key string, since time.Time) *core.Hit {
	h, ok := k.get(key, since)
	if !ok {
		return nil
	}
	return h.full
}

func (k *known) put(hs [][]*core.Hit, since time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.hits == nil {
		k.hits = map[string]knownHit{}
	}
	if len(k.hits) >= maxKnown {
		// Full: forget the expired, and if that frees too little, all
		// (the durable path finds them again).
		for key, old := range k.hits {
			if old.firstSeen.Before(since) {
				k.forget(key, old)
			}
		}
		if len(k.hits) > maxKnown*3/4 {
			clear(k.hits)
			k.fulls = 0
		}
	}
	if k.fulls >= maxKnownFull {
		// Let a quarter of the full hits go, any (a map's order is
		// random): their repeats still answer from here, and their
		// writer reads them.
		for key, old := range k.hits {
			if old.full != nil {
				old.full = nil
				k.hits[key] = old
				if k.fulls--; k.fulls <= maxKnownFull*3/4 {
					break
				}
			}
		}
	}
	for _, row := range hs {
		for _, h := range row {
			if old, ok := k.hits[h.DedupKey]; ok && old.full != nil {
				k.fulls--
			}
			kh := knownHit{id: h.ID, reference: h.Reference, count: h.Count, firstSeen: h.FirstSeen, withheld: h.Withheld}
			if k.fulls < maxKnownFull && h.Version > 0 && h.Owner != "" {
				c := *h // the caller's copy is the caller's
				kh.full = &c
				k.fulls++
			}
			k.hits[h.DedupKey] = kh
		}
	}
}

func (k *known) forget(key string, old knownHit) {
	if old.full != nil {
		k.fulls--
	}
	delete(k.hits, key)
}
