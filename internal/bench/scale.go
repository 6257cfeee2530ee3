package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/screen"
)

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// scale measures the index at a generated population of persons and of
// travel documents.
func scale(ctx context.Context, o Options) ([]Row, error) {
	var rows []Row
	if o.Persons > 0 {
		r, err := scalePersons(ctx, o)
		if err != nil {
			return rows, err
		}
		rows = append(rows, r...)
	}
	if o.Documents > 0 {
		rows = append(rows, scaleDocuments(o)...)
	}
	return rows, nil
}

func personRecord(p genPerson) *core.Record {
	d := map[string]any{"name": p.Names[0], "date_of_birth": p.DateOfBirth, "sex": p.Sex, "nationalities": []string{p.Nationality}}
	if len(p.Names) > 1 {
		d["aliases"] = p.Names[1:]
	}
	b, _ := json.Marshal(d)
	return &core.Record{ID: uuid.Must(uuid.NewV7()).String(), Kind: core.KindPerson, Owner: p.Nationality, Status: core.StatusActive,
		Version: 1, Releasability: core.Releasability{Mode: core.ReleaseAll}, Data: b}
}

func scalePersons(ctx context.Context, o Options) ([]Row, error) {
	n := o.Persons
	ds := fmt.Sprintf("generated persons (%d)", n)
	g := newPopulation(o.Seed)
	base := heap()
	idx := screen.New()
	start := time.Now()
	var kept []genPerson // a sample to build queries from
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		p := g.person()
		idx.Put(personRecord(p))
		if i%max(1, n/5000) == 0 {
			kept = append(kept, p)
		}
		if o.Log != nil && (i+1)%max(1, n/10) == 0 {
			o.logf("indexed %d persons in %v", i+1, time.Since(start).Round(time.Millisecond))
		}
	}
	build := time.Since(start)
	perPerson := float64(heap()-base) / float64(n)
	// Queries: half known persons with one typo, half new people (misses,
	// as at a border).
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	qs := make([]string, 4000)
	for i := range qs {
		if i%2 == 0 {
			qs[i] = g.typo(kept[rng.IntN(len(kept))].Names[0])
		} else {
			qs[i] = g.person().Names[0]
		}
	}
	lat := make([]time.Duration, len(qs))
	var next atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(qs) {
					return
				}
				t := time.Now()
				idx.ScreenPerson(viewer, screen.PersonQuery{Name: qs[i]})
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	wall := time.Since(t0)
	slices.Sort(lat)
	p99 := lat[len(lat)*99/100]
	qps := float64(len(qs)) / wall.Seconds()
	return []Row{
		{ds, "index build (no threshold: not a screening)", build.Round(time.Millisecond).String(), "≤ 60s", met(build <= time.Minute)},
		{ds, "memory per person (no threshold: not a screening)", fmt.Sprintf("%.0f bytes", perPerson), "≤ 1 KB", met(perPerson <= 1024)},
		{ds, fmt.Sprintf("p99, in process, concurrency 2 (threshold %.2f)", screen.DefaultThreshold), p99.Round(time.Microsecond).String(), "≤ 10ms", met(p99 <= 10*time.Millisecond)},
		{ds, fmt.Sprintf("queries per second, in process, concurrency 2 (threshold %.2f)", screen.DefaultThreshold), fmt.Sprintf("%.0f", qps), "≥ 2,000", met(qps >= 2000)},
	}, nil
}

func scaleDocuments(o Options) []Row {
	n := o.Documents
	ds := fmt.Sprintf("generated travel documents (%d)", n)
	g := newPopulation(o.Seed + 1)
	base := heap()
	idx := screen.New()
	idx.ReserveDocuments(n) // a bulk load knows its size
	start := time.Now()
	sample := make([]genDocument, 0, 10000)
	for i := 0; i < n; i++ {
		d := g.document()
		b, _ := json.Marshal(map[string]any{"number": d.Number, "issuing_country": d.Country, "document_type": d.Type})
		idx.Put(&core.Record{ID: uuid.Must(uuid.NewV7()).String(), Kind: core.KindTravelDocument, Owner: "FR", Status: core.StatusActive,
			Version: 1, Releasability: core.Releasability{Mode: core.ReleaseAll}, Data: b})
		if len(sample) < cap(sample) {
			sample = append(sample, d)
		}
	}
	build := time.Since(start)
	perDoc := float64(heap()-base) / float64(n)
	// Lookups: half known, half unknown numbers.
	var hits atomic.Int64
	lookups := 1_000_000
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < lookups; i += 2 {
				d := sample[i%len(sample)]
				if i%4 >= 2 {
					d.Number += "X"
				}
				if h, _ := idx.ScreenDocument(viewer, screen.DocumentQuery{Number: d.Number, Country: d.Country}); len(h) > 0 {
					hits.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	rate := float64(lookups) / time.Since(t0).Seconds()
	return []Row{
		{ds, "index build (no threshold: not a screening)", build.Round(time.Millisecond).String(), "", ""},
		{ds, "memory per document (no threshold: not a screening)", fmt.Sprintf("%.0f bytes", perDoc), "≤ 64 bytes", met(perDoc <= 64)},
		{ds, "exact lookups per second, in process, 2 goroutines (no threshold: exact number and country)", fmt.Sprintf("%.0f", rate), "≥ 1,000,000", met(rate >= 1e6)},
	}
}
