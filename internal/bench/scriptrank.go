package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/screen"
)

// scriptRankThreshold is the threshold of the per-script rank-1 rows of
// the UN's original-script names: the one the Arabic row has always used,
// so that a name found first but under the alert line still counts as
// found (the row measures ranking, the alert rows measure alerting).
const scriptRankThreshold = 0.5

// crossScript queries each UN individual's original-script name alone
// against the whole index (OFAC+UN+Congress), one row per script found in
// the list (Arabic, Cyrillic): rank 1 must be that individual, or another
// list's entry under the very same Latin name (OFAC lists some of the
// UN's Cyrillic-script individuals too, and one of the two is first).
func crossScript(idx *screen.Index, un []entry, byID map[string]entry) []Row {
	type tally struct{ ok, n int }
	per := map[string]*tally{}
	for _, e := range un {
		if e.kind != "individual" || e.original == "" {
			continue
		}
		s := scriptOf(e.original)
		if s == "Latin" || s == "no letter" {
			continue
		}
		tl := per[s]
		if tl == nil {
			tl = &tally{}
			per[s] = tl
		}
		tl.n++
		hits, err := idx.ScreenPerson(viewer, screen.PersonQuery{Name: e.original, Threshold: scriptRankThreshold, Limit: 1})
		if err == nil && len(hits) > 0 && sameEntity(byID[hits[0].RecordID], e) {
			tl.ok++
		}
	}
	var rows []Row
	for _, s := range sortedScripts(per) {
		tl := per[s]
		article := "a"
		if s == "Arabic" {
			article = "an"
		}
		rows = append(rows, Row{
			Dataset: fmt.Sprintf("UN individuals with %s %s-script name", article, s),
			Metric:  fmt.Sprintf("rank 1 when queried by that name alone (threshold %.2f)", scriptRankThreshold),
			Value:   pct(tl.ok, tl.n), Target: "≥ 95%", Met: met(float64(tl.ok) >= 0.95*float64(tl.n)),
		})
	}
	return rows
}

func sortedScripts[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// scriptPair is one line of eval/names-scripts-dev.jsonl: a native-script
// name beside a Latin one, the same person's or not.
type scriptPair struct {
	Native string `json:"a"`
	Latin  string `json:"b"`
	Match  bool   `json:"match"`
	Script string `json:"script"`
}

func loadScriptPairs(path string) ([]scriptPair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []scriptPair
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		var p scriptPair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		if p.Native == "" || p.Latin == "" || p.Script == "" {
			return nil, fmt.Errorf("%s line %d: want a, b and script", path, line)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// scriptPairsPath is where eval/names-scripts-dev.jsonl sits beside the
// corpora.
func scriptPairsPath(o Options) string {
	return filepath.Join(o.Corpora, "..", "eval", "names-scripts-dev.jsonl")
}

// evalScriptRankOne measures rank 1 per script on the native ~ Latin
// pairs of eval/names-scripts-dev.jsonl, both ways. Native → Latin: the
// Latin names of every pair (the other people's spellings and the
// negatives' are the distractors) are indexed as persons and each
// matching pair's native name is screened; rank 1 must be its own Latin
// partner (any of the person's spellings). Latin → native: the reverse,
// over an index of every native name. A name written identically by two
// pairs is indexed once and stands for both. Each is measured at
// scriptRankThreshold, as the UN rows, and at the alert threshold; the
// target (95%) is met when both reach it.
func evalScriptRankOne(o Options, pairs []scriptPair) []Row {
	type side struct {
		idx   *screen.Index
		names map[string]string // record id → name
		ids   map[string]string // name → record id, each name indexed once
	}
	build := func(get func(scriptPair) string) side {
		s := side{idx: screen.New(), names: map[string]string{}, ids: map[string]string{}}
		for _, p := range pairs {
			n := get(p)
			if _, ok := s.ids[n]; ok {
				continue
			}
			rec := record("US", core.KindPerson, map[string]any{"name": n})
			s.idx.Put(rec)
			s.names[rec.ID], s.ids[n] = n, rec.ID
		}
		return s
	}
	latins := build(func(p scriptPair) string { return p.Latin })
	natives := build(func(p scriptPair) string { return p.Native })
	// one person's names: a native name may have several Latin spellings
	// (王小明: Wang Xiaoming, Wang Xiao Ming, Xiaoming Wang), and any of
	// them first is right
	partners := map[[2]string]bool{}
	for _, p := range pairs {
		if p.Match {
			partners[[2]string{p.Native, p.Latin}] = true
		}
	}
	found := func(s side, query string, threshold float64, right func(hit string) bool) bool {
		hits, err := s.idx.ScreenPerson(viewer, screen.PersonQuery{Name: query, Threshold: threshold, Limit: 1})
		if err == nil && len(hits) > 0 && right(s.names[hits[0].RecordID]) {
			return true
		}
		got := "nothing"
		if err != nil {
			got = err.Error()
		} else if len(hits) > 0 {
			got = fmt.Sprintf("%q (%.3f)", s.names[hits[0].RecordID], hits[0].Score)
		}
		o.logf("script rank 1 missed at %.2f: %q found %s", threshold, query, got)
		return false
	}
	// [direction][threshold]: native → Latin, Latin → native; at
	// scriptRankThreshold, at the alert threshold
	type tally struct {
		ok [2][2]int
		n  int
	}
	per := map[string]*tally{}
	var all tally
	thresholds := [2]float64{scriptRankThreshold, screen.DefaultThreshold}
	for _, p := range pairs {
		if !p.Match {
			continue
		}
		tl := per[p.Script]
		if tl == nil {
			tl = &tally{}
			per[p.Script] = tl
		}
		tl.n++
		all.n++
		for t, th := range thresholds {
			if found(latins, p.Native, th, func(hit string) bool { return partners[[2]string{p.Native, hit}] }) {
				tl.ok[0][t]++
				all.ok[0][t]++
			}
			if found(natives, p.Latin, th, func(hit string) bool { return partners[[2]string{hit, p.Latin}] }) {
				tl.ok[1][t]++
				all.ok[1][t]++
			}
		}
	}
	var rows []Row
	add := func(ds string, tl *tally) {
		for d, dir := range []string{"native name finds its Latin spelling", "Latin spelling finds its native name"} {
			ok := tl.ok[d]
			rows = append(rows, Row{ds,
				fmt.Sprintf("%s at rank 1 (threshold %.2f; in brackets at %.2f, the alert threshold)", dir, thresholds[0], thresholds[1]),
				fmt.Sprintf("%s (%s)", pct(ok[0], tl.n), pct(ok[1], tl.n)), "≥ 95% (both)",
				met(float64(ok[0]) >= 0.95*float64(tl.n) && float64(ok[1]) >= 0.95*float64(tl.n))})
		}
	}
	for _, s := range sortedScripts(per) {
		add("eval/names-scripts-dev.jsonl, "+s, per[s])
	}
	add("eval/names-scripts-dev.jsonl, every script", &all)
	return rows
}
