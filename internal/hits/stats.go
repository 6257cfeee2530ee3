package hits

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

// MaxStatsHits bounds the hits one statistics request reads.
const MaxStatsHits = 100_000

// statsLimit is MaxStatsHits, which tests lower so as to pass it with a
// few hundred hits.
var statsLimit = MaxStatsHits

// Stats counts a bureau's hits over a period: on its records (as owner)
// and by its screenings (as searcher). Countries are the other side's
// bureau; types are the kind of screening; outcomes are the bureau's own
// side's state. Nothing in them tells more than the bureau's own hit
// views do.
type Stats struct {
	From      time.Time      `json:"from"`
	To        time.Time      `json:"to"`
	Bucket    string         `json:"bucket"`
	Hits      int            `json:"hits"`
	Sightings int            `json:"sightings"`
	AsOwner   int            `json:"as_owner"`
	AsSearch  int            `json:"as_searcher"`
	ByType    map[string]int `json:"by_type"`
	ByCountry map[string]int `json:"by_country"`
	ByOutcome map[string]int `json:"by_outcome"`
	ByAction  map[string]int `json:"by_action"`
	OverTime  []TimeBucket   `json:"over_time"`
	Truncated bool           `json:"truncated,omitempty"`
}

// TimeBucket is the number of hits first seen in [Start, Start+bucket).
type TimeBucket struct {
	Start time.Time `json:"start"`
	Hits  int       `json:"hits"`
}

// Stats computes v's bureau's statistics for [from, to), bucketed by
// "hour", "day", "week" or "month".
func (s *Service) Stats(ctx context.Context, v core.Viewer, from, to time.Time, bucket string) (*Stats, error) {
	s.Flush()
	if bucket == "" {
		bucket = "day"
	}
	step, ok := map[string]func(time.Time) time.Time{
		"hour":  func(t time.Time) time.Time { return t.Add(time.Hour) },
		"day":   func(t time.Time) time.Time { return t.AddDate(0, 0, 1) },
		"week":  func(t time.Time) time.Time { return t.AddDate(0, 0, 7) },
		"month": func(t time.Time) time.Time { return t.AddDate(0, 1, 0) },
	}[bucket]
	if !ok {
		return nil, core.Invalid(core.FieldError{Field: "bucket", Reason: "must be hour, day, week or month"})
	}
	if !from.Before(to) {
		return nil, core.Invalid(core.FieldError{Field: "from", Reason: "must be before to"})
	}
	start := truncate(from.UTC(), bucket)
	n := 0
	for t := start; t.Before(to); t = step(t) {
		if n++; n > 1000 {
			return nil, core.Invalid(core.FieldError{Field: "bucket", Reason: "the period holds more than 1000 buckets: choose a larger bucket or a shorter period"})
		}
	}
	if v.Bureau == "" || (!v.Can(core.PermRecordsRead) && !v.Can(core.PermScreen)) {
		return nil, core.Errorf(core.EFORBIDDEN, "your role or key does not allow reading hits")
	}
	idx := map[time.Time]int{}
	var st *Stats
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		// Counted from nothing on every run (the store may run this again).
		st = &Stats{From: from.UTC(), To: to.UTC(), Bucket: bucket, ByType: map[string]int{}, ByCountry: map[string]int{}, ByOutcome: map[string]int{}, ByAction: map[string]int{}, OverTime: []TimeBucket{}}
		for t := start; t.Before(to); t = step(t) {
			idx[t] = len(st.OverTime)
			st.OverTime = append(st.OverTime, TimeBucket{Start: t})
		}
		e := audit.Entry(v, "hit.stats", audit.OK)
		e.Query = fmt.Sprintf("from=%s to=%s bucket=%s", from.Format(time.RFC3339), to.Format(time.RFC3339), bucket)
		if err := audit.Append(tx, e); err != nil {
			return err
		}
		f := core.HitFilter{Bureau: v.Bureau, Since: from, Until: to, Limit: statsLimit}
		hs, err := tx.ListHits(f)
		if err != nil {
			return err
		}
		// Counted rather than asked for one row more: the store lists no
		// more than its own bound, which may be the limit itself.
		if len(hs) >= statsLimit {
			all, err := tx.CountHits(f)
			if err != nil {
				return err
			}
			st.Truncated = all > len(hs)
		}
		for _, h := range hs {
			if access.HitDisclosure(v, h, nil) == access.DiscloseNothing {
				continue
			}
			st.Hits++
			st.Sightings += h.Count
			st.ByType[h.Type]++
			state, other := h.SearcherState, h.Owner
			if h.Owner == v.Bureau {
				st.AsOwner++
				state, other = h.OwnerState, h.Searcher
			} else {
				st.AsSearch++
			}
			st.ByCountry[other]++
			st.ByOutcome[state]++
			for _, step := range h.History {
				if step.Bureau == v.Bureau && step.Action != "" {
					st.ByAction[step.Action]++
				}
			}
			if i, ok := idx[truncate(h.FirstSeen, bucket)]; ok {
				st.OverTime[i].Hits++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(st.OverTime, func(i, j int) bool { return st.OverTime[i].Start.Before(st.OverTime[j].Start) })
	return st, nil
}

func truncate(t time.Time, bucket string) time.Time {
	t = t.UTC()
	switch bucket {
	case "hour":
		return t.Truncate(time.Hour)
	case "week":
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)) // Monday
	case "month":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
