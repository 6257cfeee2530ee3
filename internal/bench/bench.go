package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/imports"
	"github.com/manara-hub/manara/internal/names"
	"github.com/manara-hub/manara/internal/screen"
)

// Options choose what to run.
type Options struct {
	Corpora   string // the folder of the real lists (../shared/corpora)
	Queries   int    // queries built from sdn.csv
	Negatives int    // negatives screened per fixture file (0: all)
	Persons   int    // scale: persons indexed
	Documents int    // scale: travel documents indexed
	Seed      uint64
	Suites    []string // lists, fixtures, scale; empty: all (reports, assembly, meetings and accreditation only when named)
	Reports   int      // reports: generated reports ingested (default 100,000)
	Log       io.Writer
	// Client is the command line of the external load generator (a
	// separate process running [Client]), such as {"/usr/bin/manara",
	// "bench", "client"}; empty, the external-client rows are left out.
	Client []string
	// ProfileDir, if set, receives a CPU profile of the server for each
	// HTTP pass (cpu-NN-<pass>.pprof).
	ProfileDir string
	// TraceDir, if set, receives a runtime trace of the server for each
	// HTTP pass (trace-NN-<pass>.out), each request a region named by
	// its route and the index's work a region "screen" within it: where
	// a slow request waited, and for what (go tool trace).
	TraceDir string
	// FedMessages: federation, the messages of the throughput and
	// catch-up passes (default 2,000).
	FedMessages int
	// FedCatchup: federation, the messages a node catches up after being
	// offline (default 2,000; the issue asks for 100,000).
	FedCatchup int
	// GCPercent, if set, is the collector's target (GOGC) during the HTTP
	// passes: the one `manara serve` runs at, so that they measure it.
	GCPercent int
}

func (o Options) want(s string) bool { return len(o.Suites) == 0 || slices.Contains(o.Suites, s) }

func (o Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

// viewer is a border system's key of a bureau that owns nothing here.
var viewer = core.Viewer{Bureau: "FR", KeyID: "bench", Permissions: []string{core.PermScreen}}

// Suites are every suite's name, in the order Run runs them: the first three
// run when none is named, the others only when named.
func Suites() []string {
	out := []string{"lists", "fixtures", "scale"}
	for _, x := range namedSuites {
		out = append(out, x.name)
	}
	return out
}

// namedSuites run only when named, in this order. One table, so that a suite
// the command accepts is a suite Run runs.
var namedSuites = []struct {
	name string
	run  func(context.Context, Options) ([]Row, error)
}{
	{"reports", reportsSuite},
	{"meetings", meetingsSuite},
	{"accreditation", accreditationSuite},
	{"federation", func(ctx context.Context, o Options) ([]Row, error) {
		if o.FedMessages <= 0 {
			o.FedMessages = 2000
		}
		if o.FedCatchup <= 0 {
			o.FedCatchup = 2000
		}
		return federationSuite(ctx, o)
	}},
	{"assembly", assemblySuite},
}

// Run runs the chosen suites and returns their rows.
func Run(ctx context.Context, o Options) ([]Row, error) {
	var rows []Row
	if o.want("lists") || o.want("fixtures") {
		r, err := lists(ctx, o)
		if err != nil {
			return rows, err
		}
		rows = append(rows, r...)
	}
	if o.want("scale") {
		r, err := scale(ctx, o)
		if err != nil {
			return rows, err
		}
		rows = append(rows, r...)
	}
	for _, x := range namedSuites {
		if slices.Contains(o.Suites, x.name) {
			r, err := x.run(ctx, o)
			rows = append(rows, r...)
			if err != nil {
				return rows, err
			}
		}
	}
	return rows, nil
}

func pct(n, d int) string {
	if d == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(n)/float64(d), n, d)
}

func met(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// lists indexes OFAC, UN and US Congress and measures quality and speed on
// queries built from them, and on the third-party fixtures.
func lists(ctx context.Context, o Options) ([]Row, error) {
	un, err := loadUN(o.Corpora)
	if err != nil {
		return nil, err
	}
	ofac, err := loadOFAC(o.Corpora)
	if err != nil {
		return nil, err
	}
	congress, err := loadCongress(o.Corpora)
	if err != nil {
		return nil, err
	}
	all := append(append(append([]entry{}, ofac...), un...), congress...)
	byID := map[string]entry{}
	idx := screen.New()
	start := time.Now()
	for _, e := range all {
		idx.Put(e.rec)
		byID[e.rec.ID] = e
	}
	build := time.Since(start)
	ds := fmt.Sprintf("OFAC+UN+Congress (%d entities)", len(all))
	rows := []Row{{Dataset: ds, Metric: "index build (no threshold: not a screening)", Value: build.Round(time.Millisecond).String()}}
	o.logf("indexed %d entities in %v", len(all), build)

	if o.want("lists") {
		r, err := sdnQueries(ctx, o, idx, ofac, all, byID, ds)
		if err != nil {
			return rows, err
		}
		rows = append(rows, r...)
		rows = append(rows, crossScript(idx, un, byID)...)
		rows = append(rows, unPairs(un)...)
		if pairs, err := loadScriptPairs(scriptPairsPath(o)); err == nil {
			rows = append(rows, evalScriptRankOne(o, pairs)...)
		} else {
			o.logf("per-script rank 1 on the native ~ Latin pairs left out: %v", err)
		}
	}
	if o.want("fixtures") {
		r, err := fixtures(o, idx, un)
		if err != nil {
			return rows, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

type query struct {
	name  string
	dob   string
	want  entry
	exact bool
}

// recall counts the queries whose entity is ranked first.
type recall struct{ exactOK, exactN, editOK, editN, exactHigh int }

// quality screens the queries at threshold: a query is answered when its
// entity (or one listed under the very same name) is the first hit.
func quality(o Options, idx *screen.Index, qs []query, byID map[string]entry, threshold float64) recall {
	var r recall
	shown := 0
	for _, q := range qs {
		hits, err := idx.ScreenPerson(viewer, screen.PersonQuery{Name: q.name, DateOfBirth: q.dob, Threshold: threshold, Limit: 1})
		ok := err == nil && len(hits) > 0 && (sameEntity(byID[hits[0].RecordID], q.want) || hits[0].Matched == norm(q.want.name))
		if !ok && (shown < 10 || q.exact) {
			shown++
			got := "nothing"
			if len(hits) > 0 {
				g := byID[hits[0].RecordID]
				got = fmt.Sprintf("%s %q (%.3f)", g.sourceID, g.name, hits[0].Score)
			}
			o.logf("miss at %.2f (exact %t, dob %q): %q, want %s %q, got %s", threshold, q.exact, q.dob, q.name, q.want.sourceID, q.want.name, got)
		}
		if q.exact {
			r.exactN++
			if ok {
				r.exactOK++
				if hits[0].Score >= 0.99 {
					r.exactHigh++
				} else {
					o.logf("exact name scored %.3f: %q matched %q", hits[0].Score, q.name, hits[0].Matched)
				}
			}
			continue
		}
		r.editN++
		if ok {
			r.editOK++
		}
	}
	return r
}

// sdnQueriesOf draws n queries from sdn.csv: every other one the name as
// listed, the others with one typing error (oneEdit).
func sdnQueriesOf(seed uint64, ofac []entry, n int) []query {
	rng := rand.New(rand.NewPCG(seed, 1))
	qs := make([]query, n)
	for i := range qs {
		e := ofac[rng.IntN(len(ofac))]
		q := query{name: e.name, want: e, exact: i%2 == 0}
		if !q.exact {
			q.name = oneEdit(rng, e.name)
		}
		qs[i] = q
	}
	return qs
}

// drawn is recall over several draws of typos, pooled, with the worst
// draw's share.
type drawn struct {
	names, dob           recall
	worstNames, worstDOB float64
}

// typoDraws screens, at the alert threshold, twenty draws (seeds 1–20)
// of 500 one-edit typos of sdn.csv names, and of 500 of individuals with
// their listed date of birth.
func typoDraws(idx *screen.Index, ofac []entry, byID map[string]entry) drawn {
	d := drawn{worstNames: 1, worstDOB: 1}
	for seed := uint64(1); seed <= 20; seed++ {
		got := quality(Options{}, idx, sdnTypos(seed, ofac, 1000), byID, screen.DefaultThreshold)
		withDOB := quality(Options{}, idx, dobQueries(seed, ofac, 500), byID, screen.DefaultThreshold)
		d.names.editOK, d.names.editN = d.names.editOK+got.editOK, d.names.editN+got.editN
		d.dob.editOK, d.dob.editN = d.dob.editOK+withDOB.editOK, d.dob.editN+withDOB.editN
		d.worstNames = min(d.worstNames, float64(got.editOK)/float64(got.editN))
		d.worstDOB = min(d.worstDOB, float64(withDOB.editOK)/float64(withDOB.editN))
	}
	return d
}

// sdnTypos is the one-edit half of sdnQueriesOf's n queries.
func sdnTypos(seed uint64, ofac []entry, n int) []query {
	var out []query
	for _, q := range sdnQueriesOf(seed, ofac, n) {
		if !q.exact {
			out = append(out, q)
		}
	}
	return out
}

// dobQueries builds n one-edit typos of sdn.csv individuals whose listing
// gives a date of birth (its first), each query carrying that date.
func dobQueries(seed uint64, ofac []entry, n int) []query {
	var people []entry
	for _, e := range ofac {
		if e.dob != "" && e.kind == imports.KindIndividual {
			people = append(people, e)
		}
	}
	if len(people) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	qs := make([]query, n)
	for i := range qs {
		e := people[rng.IntN(len(people))]
		qs[i] = query{name: oneEdit(rng, e.name), dob: e.dob, want: e}
	}
	return qs
}

// oneEdit changes one letter of a name: an insertion, a deletion or a
// substitution, never a space.
func oneEdit(rng *rand.Rand, s string) string {
	rs := []rune(s)
	var letters []int
	for i, r := range rs {
		if r != ' ' {
			letters = append(letters, i)
		}
	}
	if len(letters) < 2 {
		return s
	}
	i := letters[rng.IntN(len(letters))]
	c := rune('A' + rng.IntN(26))
	switch rng.IntN(3) {
	case 0:
		return string(append(rs[:i:i], rs[i+1:]...))
	case 1:
		return string(append(append(rs[:i:i], c), rs[i:]...))
	}
	out := append([]rune{}, rs...)
	out[i] = c
	return string(out)
}

func sdnQueries(ctx context.Context, o Options, idx *screen.Index, ofac, all []entry, byID map[string]entry, ds string) ([]Row, error) {
	n := o.Queries
	if n <= 0 {
		n = 1000
	}
	qs := sdnQueriesOf(o.Seed, ofac, n)
	// Quality, in process: rank 1 must be the entity (or one listed under
	// the very same name), at the alert threshold (what a border post
	// sees) and at 0.01 (whatever the score, is it ranked first?).
	alert := quality(o, idx, qs, byID, screen.DefaultThreshold)
	low := quality(o, idx, qs, byID, 0.01)
	// The same one-edit typos of individuals whose listing gives a date
	// of birth, the query carrying that date as a border post would read
	// it from the passport.
	withDOB := dobQueries(o.Seed, ofac, len(qs)/2)
	dobAlert := quality(o, idx, withDOB, byID, screen.DefaultThreshold)
	th := func(t float64) string { return fmt.Sprintf(" (threshold %.2f)", t) }
	// The same over twenty other draws: one draw of 500 is a few
	// points of chance either way.
	draws := typoDraws(idx, ofac, byID)
	rows := []Row{
		{ds, "recall@1, exact names from sdn.csv" + th(screen.DefaultThreshold), pct(alert.exactOK, alert.exactN), "≥ 99%", met(float64(alert.exactOK) >= 0.99*float64(alert.exactN))},
		{ds, "recall@1, one-edit names" + th(screen.DefaultThreshold), pct(alert.editOK, alert.editN), "≥ 90%", met(float64(alert.editOK) >= 0.90*float64(alert.editN))},
		{ds, "recall@1, one-edit names with their date of birth" + th(screen.DefaultThreshold), pct(dobAlert.editOK, dobAlert.editN), "≥ 97%", met(float64(dobAlert.editOK) >= 0.97*float64(dobAlert.editN))},
		{ds, "recall@1, one-edit names, 20 draws of 500 (seeds 1–20)" + th(screen.DefaultThreshold), fmt.Sprintf("%s (worst draw %.1f%%)", pct(draws.names.editOK, draws.names.editN), 100*draws.worstNames), "≥ 90%", met(float64(draws.names.editOK) >= 0.90*float64(draws.names.editN))},
		{ds, "recall@1, one-edit names with their date of birth, 20 draws of 500 (seeds 1–20)" + th(screen.DefaultThreshold), fmt.Sprintf("%s (worst draw %.1f%%)", pct(draws.dob.editOK, draws.dob.editN), 100*draws.worstDOB), "≥ 97%", met(float64(draws.dob.editOK) >= 0.97*float64(draws.dob.editN))},
		{ds, "recall@1, one-edit names" + th(0.01), pct(low.editOK, low.editN), "≥ 97%", met(float64(low.editOK) >= 0.97*float64(low.editN))},
		{ds, "exact name scores ≥ 0.99" + th(0.01), pct(low.exactHigh, low.exactOK), "100%", met(low.exactHigh == low.exactOK)},
	}
	// Border traffic is almost all misses: the same measure on people who
	// are on no list (a miss records no hit and writes only its audit).
	negs, err := loadFixtures(filepath.Join(o.Corpora, "screening-fixtures", "negatives_global.csv"))
	if err != nil {
		return rows, err
	}
	var nq []query
	for _, n := range negs {
		if len(nq) == len(qs) {
			break
		}
		// Names the API refuses (nothing to search) are not screenings.
		if q := (screen.PersonQuery{Name: n.name, Limit: 10}); q.Validate() == nil {
			nq = append(nq, query{name: n.name})
		}
	}
	// The API refuses names with nothing to search (such as "P-52"):
	// those are not screenings either.
	var hq []query
	for _, q := range qs {
		if pq := (screen.PersonQuery{Name: q.name, Limit: 10}); pq.Validate() == nil {
			hq = append(hq, q)
		}
	}
	r, err := httpRows(ctx, o, idx, all, hq, nq, ds)
	return append(rows, r...), err
}

// sameEntity accepts the entity itself or one listed under the same name
// (the lists hold duplicates, such as vessels of one owner, and aliases
// shared between entities); Run also accepts a hit whose matched
// spelling is the wanted entity's own name.
func sameEntity(got, want entry) bool {
	if got.rec == nil {
		return false
	}
	return got.rec.ID == want.rec.ID || strings.EqualFold(norm(got.name), norm(want.name))
}

func norm(s string) string { return names.Parse(s).Text() }

// unPairs checks that the matcher generalises beyond the development
// pairs: each UN individual's Arabic-script name against its own Latin
// name must match, and against the Latin name of another individual who
// shares a part of it (relatives, namesakes) must not.
func unPairs(un []entry) []Row {
	var people []entry
	for _, e := range un {
		if e.kind == "individual" && hasArabic(e.original) {
			people = append(people, e)
		}
	}
	var same, pairs, wrong int
	for _, e := range people {
		if names.Compare(e.original, e.name).Match {
			same++
		}
	}
	for i := range people {
		parts := strings.Fields(strings.ToLower(people[i].name))
		for j := range people {
			other := strings.ToLower(people[j].name)
			if i == j || strings.EqualFold(people[i].name, people[j].name) {
				continue
			}
			shares := false
			for _, p := range parts {
				shares = shares || len(p) > 3 && strings.Contains(other, p)
			}
			if !shares {
				continue
			}
			pairs++
			if names.Compare(people[i].original, people[j].name).Match {
				wrong++
			}
		}
	}
	ds := "UN individuals with an Arabic-script name"
	return []Row{
		{ds, fmt.Sprintf("own Latin name matches (names.Compare, threshold %.2f)", names.DefaultThreshold), pct(same, len(people)), "", ""},
		{ds, fmt.Sprintf("another individual sharing a name part matches (threshold %.2f)", names.DefaultThreshold), pct(wrong, pairs), "", ""},
	}
}

func hasArabic(s string) bool {
	for _, r := range s {
		if r >= 0x0600 && r <= 0x06FF {
			return true
		}
	}
	return false
}

// fixtures measures the third-party fixtures: treated UN positives against
// the UN list, and the negatives against all lists.
func fixtures(o Options, all *screen.Index, un []entry) ([]Row, error) {
	dir := filepath.Join(o.Corpora, "screening-fixtures")
	untreated, err := loadFixtures(filepath.Join(dir, "positives_un_untreated.csv"))
	if err != nil {
		return nil, err
	}
	treated, err := loadFixtures(filepath.Join(dir, "positives_un_treated.csv"))
	if err != nil {
		return nil, err
	}
	unIdx := screen.New()
	for _, e := range un {
		unIdx.Put(e.rec)
	}
	// The untreated query names the expected entity: its best hit.
	var ok, n int
	for i := range min(len(untreated), len(treated)) {
		want, err := unIdx.ScreenPerson(viewer, screen.PersonQuery{Name: untreated[i].name, Threshold: 0.5, Limit: 1})
		if err != nil || len(want) == 0 {
			continue
		}
		n++
		got, err := unIdx.ScreenPerson(viewer, screen.PersonQuery{Name: treated[i].name, Threshold: 0.5, Limit: 1})
		if err == nil && len(got) > 0 && got[0].RecordID == want[0].RecordID {
			ok++
		}
	}
	rows := []Row{{"positives_un_treated.csv vs UN list", "recall@1 (threshold 0.50)", pct(ok, n), "≥ 98%", met(float64(ok) >= 0.98*float64(n))}}
	var alerts, peopleAlerts, total, refused int
	byScript := map[string]*[2]int{} // per script of the name: names screened, alerts raised
	for _, f := range []string{"negatives_global.csv", "negatives_us.csv"} {
		negs, err := loadFixtures(filepath.Join(dir, f))
		if err != nil {
			return rows, err
		}
		if o.Negatives > 0 && len(negs) > o.Negatives {
			negs = negs[:o.Negatives]
		}
		var a, pa, r atomic.Int64
		var wg sync.WaitGroup
		var next atomic.Int64
		// What became of each name (each goroutine writes its own
		// indexes), counted by script once all are screened.
		const refusedName, screened, alerted = 0, 1, 2
		outcome := make([]uint8, len(negs))
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= len(negs) {
						return
					}
					q := screen.PersonQuery{Name: negs[i].name, Limit: 1}
					if q.Validate() != nil {
						// a refused name is counted, not taken for a name
						// that raised no alert
						r.Add(1)
						continue
					}
					outcome[i] = screened
					if hits, err := all.ScreenPerson(viewer, q); err == nil && len(hits) > 0 {
						a.Add(1)
						outcome[i] = alerted
						// The same screening of people only, as a border
						// post may ask: it can only alert where this one did.
						q.Kinds = screen.PeopleOnly
						if hits, err := all.ScreenPerson(viewer, q); err == nil && len(hits) > 0 {
							pa.Add(1)
						}
					}
				}
			}()
		}
		wg.Wait()
		for i, n := range negs {
			if outcome[i] == refusedName {
				continue
			}
			sc := scriptOf(n.name)
			if byScript[sc] == nil {
				byScript[sc] = &[2]int{}
			}
			byScript[sc][0]++
			if outcome[i] == alerted {
				byScript[sc][1]++
			}
		}
		o.logf("%s: %d of %d raise an alert, %d refused", f, a.Load(), len(negs), r.Load())
		alerts += int(a.Load())
		peopleAlerts += int(pa.Load())
		refused += int(r.Load())
		total += len(negs)
	}
	rows = append(rows, Row{"negatives_global.csv + negatives_us.csv vs all lists", "names refused (422), any script (no threshold: input validation)", pct(refused, total), "0", met(refused == 0)})
	rows = append(rows, Row{"negatives_global.csv + negatives_us.csv vs all lists", fmt.Sprintf("false alerts (threshold %.2f, the default)", screen.DefaultThreshold), pct(alerts, total), "≤ 1%", met(float64(alerts) <= 0.01*float64(total))})
	rows = append(rows, Row{"negatives_global.csv + negatives_us.csv vs all lists", fmt.Sprintf("false alerts of a screening of people only (kinds: all but entity; threshold %.2f)", screen.DefaultThreshold), pct(peopleAlerts, total), "", ""})
	// Where they come from: a script whose names alert far more often
	// than the others' is where the matcher reads too loosely.
	var parts []string
	for _, sc := range sortedScripts(byScript) {
		if c := byScript[sc]; c[0] >= 100 {
			parts = append(parts, fmt.Sprintf("%s %d/%d", sc, c[1], c[0]))
		}
	}
	rows = append(rows, Row{"negatives_global.csv + negatives_us.csv vs all lists", fmt.Sprintf("false alerts by the name's script, alerts/names (threshold %.2f; scripts of 100 names or more)", screen.DefaultThreshold), strings.Join(parts, ", "), "", ""})
	return rows, nil
}

var benchPath = "/api/v1/screen/person"
