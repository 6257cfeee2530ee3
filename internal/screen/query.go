package screen

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/names"
)

// Defaults of the query path.
const (
	// spellingWeight scales the letter-by-letter similarity that ranks
	// misspelt names in investigations; it keeps them under
	// DefaultThreshold.
	spellingWeight   = 0.8
	DefaultThreshold = names.DefaultThreshold
	DefaultLimit     = 10
	MaxLimit         = 100
	candidates       = 24 // scored in full per query: recall and speed trade here
	wideCandidates   = 64 // for investigative searches, below the alert threshold
	// secondSpellingUntil: at the alert threshold, candidates ranked from
	// here on are aligned by their best spelling only. Measured on 22,744
	// queries: no top hit changed, three hits in the tail of a list
	// moved, for a third less work.
	secondSpellingUntil = 8
	maxNameLen          = 300
)

// PersonQuery asks whether a person is known.
type PersonQuery struct {
	Name        string `json:"name"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
	Sex         string `json:"sex,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	// Threshold is the score a hit on a record the caller may see must
	// reach, 0 to 1; Limit the most such hits, 1 to MaxLimit. Left at 0
	// they are DefaultThreshold and DefaultLimit, unless ThresholdGiven
	// or LimitGiven says the 0 is the caller's: threshold 0 is then the
	// widest search (every candidate found, however low it scores), and
	// limit 0 is refused. A request's JSON sets them (PersonRequest).
	Threshold      float64 `json:"threshold,omitempty"`
	Limit          int     `json:"limit,omitempty"`
	ThresholdGiven bool    `json:"-"`
	LimitGiven     bool    `json:"-"`
	// Kinds, when given, are the kinds of record whose names may answer
	// (person, entity, notice…): a border post screening travellers may
	// leave out companies and vessels. None (or an empty list) is every
	// kind. A record the caller may not see is told as it would be
	// without them: which kind it is is not the caller's to learn by
	// asking twice.
	Kinds []string `json:"kinds,omitempty"`
}

// PersonRequest is a PersonQuery as a request's JSON carries it. Its
// threshold and limit are read as pointers, so that one sent as 0 is told
// from one not sent: encoding/json fills these shallower fields rather
// than the PersonQuery's of the same names, and Query moves them there.
type PersonRequest struct {
	PersonQuery
	Threshold *float64 `json:"threshold,omitempty"`
	Limit     *int     `json:"limit,omitempty"`
}

// Query is the person query the request asks, with ThresholdGiven and
// LimitGiven set for the values it sent.
func (r PersonRequest) Query() PersonQuery {
	q := r.PersonQuery
	if r.Threshold != nil {
		q.Threshold, q.ThresholdGiven = *r.Threshold, true
	}
	if r.Limit != nil {
		q.Limit, q.LimitGiven = *r.Limit, true
	}
	return q
}

// Hit is one answer. When the record is not releasable to the caller,
// only Owner and Reference are set and Restricted is true: the caller is
// told to contact the owner bureau, and nothing else. The index leaves
// Reference empty: the caller names the answer (the API gives each hit's
// own reference, so that two screenings of one record are not linked).
type Hit struct {
	Score      float64 `json:"score,omitempty"`
	Restricted bool    `json:"restricted"`
	Owner      string  `json:"owner"`
	Reference  string  `json:"reference"`
	Message    string  `json:"message,omitempty"`
	RecordID   string  `json:"record_id,omitempty"`
	Kind       string  `json:"kind,omitempty"`
	Label      string  `json:"label,omitempty"`
	Matched    string  `json:"matched,omitempty"`
	// MatchedWritten is the matched spelling (or document number, or
	// identifier) as the record writes it; Matched is its normalised form.
	MatchedWritten string `json:"matched_written,omitempty"`
	// DateOfBirth and Nationalities are the matched person's (a
	// document's or identifier's holder's), to tell apart records of one
	// name.
	DateOfBirth   string   `json:"date_of_birth,omitempty"`
	Nationalities []string `json:"nationalities,omitempty"`
	Explanation   []string `json:"explanation,omitempty"`
	// LabelParts is the label as data, and Explained the explanation:
	// what each language writes Label and Explanation from (the English
	// fields are kept for the API's clients). LabelParts is set once the
	// answer is settled against the record (Describe).
	LabelParts *core.Label       `json:"label_parts,omitempty"`
	Explained  *core.Explanation `json:"explained,omitempty"`
	// recordID and owner are kept for the audit and the owner's
	// notification even when the caller may not see the record.
	recordID string
	owner    OwnerView
	// disclose is the score that decides whether a restricted record is
	// disclosed as a possible hit: the name's score, which the query's
	// date of birth and sex may raise but never lower (so that varying
	// them does not reveal the record's).
	disclose float64
}

// OwnerView is what a hit tells the record's owner, whoever asked: the
// score, the record's label, the spelling matched and why.
type OwnerView struct {
	Score      float64
	Label      string
	LabelParts *core.Label
	Matched    string
	// MatchedWritten is Matched as the record writes it (see Describe).
	MatchedWritten string
	Explanation    []string
	Explained      *core.Explanation
}

// ForOwner is the hit as the record's owner sees it. It must not be shown
// to a caller who may not see the record.
func (h Hit) ForOwner() OwnerView { return h.owner }

// Alert reports whether the hit reaches the alert threshold, so that it
// must become a hit record its owner hears of: by its score where the
// caller sees the record, by its disclosure score where it does not.
func (h Hit) Alert() bool {
	if h.Restricted {
		return h.disclose >= DefaultThreshold
	}
	return h.owner.Score >= DefaultThreshold
}

// Restrict reduces a hit to "possible hit — contact bureau X": for a
// record the store says is no longer releasable to the caller although
// the index still thought so.
func (h *Hit) Restrict() {
	*h = Hit{Restricted: true, Owner: h.Owner, Reference: h.Reference, recordID: h.recordID, owner: h.owner, disclose: h.disclose,
		Message: fmt.Sprintf("possible hit — contact bureau %s", h.Owner)}
}

// reveal records what matched and why: for the owner always, for the
// caller only if the record is releasable to it.
func (h *Hit) reveal(matched string, why *core.Explanation) {
	english := why.English()
	h.owner.Matched, h.owner.Explanation, h.owner.Explained = matched, english, why
	if !h.Restricted {
		h.Matched, h.Explanation, h.Explained = matched, english, why
	}
}

// Internal returns the record behind a hit, for the audit log and the
// owner's notification; it must not be shown to a caller who may not see
// the record.
func (h Hit) Internal() string { return h.recordID }

// Validate checks a person query, naming the field at fault.
func (q *PersonQuery) Validate() error {
	_, err := q.validate()
	return err
}

// validate is Validate, returning the parsed name so that it is parsed once.
func (q *PersonQuery) validate() (names.Name, error) {
	var fs []core.FieldError
	var parsed names.Name
	q.Name = strings.TrimSpace(q.Name)
	switch {
	case q.Name == "":
		fs = append(fs, core.FieldError{Field: "name", Reason: "is required"})
	case utf8.RuneCountInString(q.Name) > maxNameLen:
		fs = append(fs, core.FieldError{Field: "name", Reason: fmt.Sprintf("must be at most %d characters", maxNameLen)})
	default:
		parsed = names.Parse(q.Name)
		if why := names.Unsearchable(parsed); why != "" {
			fs = append(fs, core.FieldError{Field: "name", Reason: why})
		}
	}
	if _, err := ParseDate(q.DateOfBirth); err != nil {
		fs = append(fs, core.FieldError{Field: "date_of_birth", Reason: err.Error()})
	}
	switch q.Sex {
	case "", "M", "F", "U":
	default:
		fs = append(fs, core.FieldError{Field: "sex", Reason: "must be M, F or U"})
	}
	if q.Nationality != "" {
		if c, ok := members.Lookup(q.Nationality); ok {
			q.Nationality = c.Alpha2
		} else {
			fs = append(fs, core.FieldError{Field: "nationality", Reason: "must be an ISO 3166 alpha-2 or alpha-3 code"})
		}
	}
	if q.Threshold < 0 || q.Threshold > 1 || math.IsNaN(q.Threshold) {
		fs = append(fs, core.FieldError{Field: "threshold", Reason: fmt.Sprintf("must be from 0 (the widest search) to 1, default %.2f", DefaultThreshold)})
	}
	// A limit of 0 sent is refused rather than read as the default: the
	// caller asked for no hits, which is no screening.
	if q.Limit < 0 || q.Limit > MaxLimit || q.LimitGiven && q.Limit == 0 {
		fs = append(fs, core.FieldError{Field: "limit", Reason: fmt.Sprintf("must be from 1 to %d, default %d", MaxLimit, DefaultLimit)})
	}
	if len(q.Kinds) > len(core.Kinds) {
		fs = append(fs, core.FieldError{Field: "kinds", Reason: fmt.Sprintf("must list at most %d kinds, each once", len(core.Kinds))})
	} else {
		for i, k := range q.Kinds {
			if !core.ValidKind(k) {
				fs = append(fs, core.FieldError{Field: fmt.Sprintf("kinds[%d]", i), Reason: fmt.Sprintf("must be a record kind (%s), not %q", strings.Join(core.Kinds, ", "), core.Clip(k, 20))})
				break
			}
			if slices.Contains(q.Kinds[:i], k) {
				fs = append(fs, core.FieldError{Field: fmt.Sprintf("kinds[%d]", i), Reason: fmt.Sprintf("must list each kind once: %q is listed before", k)})
				break
			}
		}
	}
	if len(fs) > 0 {
		return parsed, core.Invalid(fs...)
	}
	return parsed, nil
}

// PeopleOnly is every kind of record but entities (companies, vessels,
// aircraft): the kinds a screening of a traveller at a border asks for,
// a traveller being a person.
var PeopleOnly = slices.DeleteFunc(slices.Clone(core.Kinds), func(k string) bool { return k == core.KindEntity })

// wanted reports whether a record of kind may answer a query that asked
// for kinds (none: every kind).
func wanted(kinds []string, kind string) bool {
	return len(kinds) == 0 || slices.Contains(kinds, kind)
}

// maxPostings is the length past which a key's postings are not read: a
// key that common says nothing, and the query's other keys decide.
const maxPostings = 50_000

// CoverageCutoff is the share of the query's key weight a candidate must
// hold exactly to be aligned at all when the threshold is high. It was a
// third while every key of a part counted on its own (readingGroups); with
// a part's keys counted once, candidates hold more of the query. At 0.40
// fewer are aligned than a third did then (on 5,000 negatives, 9.1
// spellings a miss against 10.7; on the sdn.csv queries 12.9 against
// 13.6), and the same typing errors and listed names are found as at
// 0.38; at 0.42 a Wade–Giles spelling no longer finds its characters.
var CoverageCutoff = 0.40

// CJKCoverageCutoff is the same share at the alert threshold for a name
// read wholly from Chinese or Korean characters. Such a name has no middle
// names to leave out (a part one name lacks costs 0.6 of its weight, see
// names.compare), and its parts are one or two syllables whose keys agree
// across the romanizations, so a candidate that holds under 0.6 of its keys
// cannot alert. Most candidates of such a name held only a surname's or
// one syllable's key, passed the lower cutoff and were aligned for nothing:
// on 5,000 negatives 70% of these names' alignments were under 0.6 and
// none of them alerted; the scripts' Chinese and Korean pairs that alert
// hold 0.74 or more.
const CJKCoverageCutoff = 0.6

// investigationBelow is the threshold under which a screening is an
// investigation: it reads wider and aligns every candidate it keeps.
const investigationBelow = 0.7

// coverageCutoff is the share of the query's key weight under which a
// candidate is not aligned at threshold: none under 0.7, where a search is
// an investigation and reads wider.
func coverageCutoff(qn names.Name, threshold float64) float64 {
	switch {
	case threshold < investigationBelow:
		return 0
	case threshold >= DefaultThreshold && qn.ReadFromCJK():
		return CJKCoverageCutoff
	}
	return CoverageCutoff
}

type scored struct {
	pid   uint32
	score float64
	// names are the candidate's spellings worth aligning, best first
	// (-1: none); the others cover the query's keys less well.
	names [2]int16
	// coverage is the share of the query's key weight that the best
	// spelling holds exactly.
	coverage float64
}

// ScreenPerson finds the persons whose names match q, best first.
//
// The caller's threshold and limit choose among the records it may see.
// A record it may not see is disclosed ("possible hit — contact bureau
// X") exactly when the alert screening would disclose it: at the alert
// threshold, among the DefaultLimit best restricted matches, whatever
// threshold and limit the caller asked for, so that neither knob can
// probe it. Every such disclosure reaches the alert threshold and so
// becomes a hit its owner hears of.
func (x *Index) ScreenPerson(v core.Viewer, q PersonQuery) ([]Hit, error) {
	qn, err := q.validate()
	if err != nil {
		x.mu.RLock()
		defer x.mu.RUnlock()
		if hits, ok := x.screenCode(v, q, err); ok {
			return hits, nil
		}
		return nil, err
	}
	threshold, limit := q.Threshold, q.Limit
	if threshold == 0 && !q.ThresholdGiven {
		threshold = DefaultThreshold
	}
	if limit == 0 { // not given: validate refuses a limit of 0 given
		limit = DefaultLimit
	}
	dob, _ := ParseDate(q.DateOfBirth)

	x.mu.RLock()
	defer x.mu.RUnlock()
	m := matcherPool.Get().(*names.Matcher)
	defer matcherPool.Put(m)
	// Restricted hits come after the others: where they stood among them
	// would tell their scores.
	if threshold == DefaultThreshold {
		// The alert screening: one pass decides both kinds.
		hits := x.screenPerson(m, v, q, qn, dob, DefaultThreshold, limit, DefaultLimit)
		slices.SortStableFunc(hits, restrictedLast)
		return hits, nil
	}
	hits := x.screenPerson(m, v, q, qn, dob, threshold, limit, 0)
	return append(hits, x.screenPerson(m, v, q, qn, dob, DefaultThreshold, 0, DefaultLimit)...), nil
}

// restrictedLast orders hits on records the caller may see before the
// others (a comparison for a stable sort: it keeps each kind's order).
func restrictedLast(a, b Hit) int {
	switch {
	case !a.Restricted && b.Restricted:
		return -1
	case a.Restricted && !b.Restricted:
		return 1
	}
	return 0
}

// screenPerson is one pass of ScreenPerson at threshold: at most limit
// hits on records v may see, at least threshold, and at most
// restrictedLimit on records it may not, whose disclosure score reaches
// the alert threshold.
func (x *Index) screenPerson(m *names.Matcher, v core.Viewer, q PersonQuery, qn names.Name, dob DateRange, threshold float64, limit, restrictedLimit int) []Hit {
	// A search below the alert threshold is an investigation: it looks
	// at more candidates, to find misspelt names that share little.
	keep := candidates
	if threshold < investigationBelow {
		keep = wideCandidates
	}
	investigate := keep == wideCandidates
	qtext := qn.Text()
	typos := x.unknownParts(qn)
	cutoff := coverageCutoff(qn, threshold)
	cands := x.retrieve(qn, qtext, keep, investigate, typos, dob, cutoff)
	type result struct {
		pid        uint32
		score      float64
		disclose   float64
		restricted bool
		matched    string
		ids        []uint32 // the spelling that matched
		notes      []core.Reason
		exact      bool // same normalised spelling: wins ties (EP-IBQ over EP-IBC)
		confirmed  bool // the date of birth agrees (names.Matcher.Confirmed)
	}
	qLatin := true
	for _, t := range qn.Tokens {
		qLatin = qLatin && t.Script == names.Latin
	}
	var results []result
	m.Reset(qn)
	m.SoundOnly = !investigate
	for i, t := range qn.Tokens {
		if t.Script == names.Latin {
			m.MayBeTypo(i, i >= len(typos) || !typos[i])
		}
	}
	var nameBuf [16]names.Token
	decided := map[*recInfo]bool{} // restricted, per record: one access decision each
	// The candidates' spellings and their parts' sounds lie all over the
	// heap: they are read ahead, as the cut's are (retrieve), so that the
	// waits overlap before the comparisons need them.
	// A name that reaches a high threshold shares most of the query's
	// keys (they are built to agree across scripts and spellings); one
	// that shares under a third of them cannot, so it is not aligned.
	unaligned := func(c scored) bool { return c.coverage < cutoff }
	var ahead uint32
	for _, c := range cands {
		if unaligned(c) {
			continue
		}
		p := &x.persons[c.pid]
		for _, ni := range c.names {
			if ni >= 0 && int(ni) < len(p.names) {
				for _, id := range p.names[ni] {
					ahead += uint32(len(x.tokens[id].Text))
				}
			}
		}
	}
	runtime.KeepAlive(ahead) // so that the reads are not left out
	for rank, c := range cands {
		if unaligned(c) {
			continue
		}
		p := &x.persons[c.pid]
		// A date of birth that agrees vouches for a typing error in the
		// name as another agreeing part of the name would.
		m.Confirmed = dob.Agrees(p.dob)
		best := names.Result{}
		var bestIDs []uint32
		spelled := false // ranked by letters, not by sound
		for j, ni := range c.names {
			if ni < 0 || int(ni) >= len(p.names) || j > 0 && !investigate && rank >= secondSpellingUntil {
				continue
			}
			ids := p.names[ni]
			r := m.Compare(x.nameInto(nameBuf[:0], ids))
			if investigate && qLatin && x.latin(ids) {
				// An investigation ranks a name one typing error away
				// above one that only sounds partly alike; kept under
				// the alert threshold, spelling never makes an alert.
				if sp := spellingWeight * names.Spelling(qtext, x.text(ids)); sp > r.Score {
					r.Score, r.Match = math.Round(sp*1000)/1000, false
					if r.Score > best.Score || bestIDs == nil {
						best, bestIDs, spelled = r, ids, true
					}
					continue
				}
			}
			if r.Score > best.Score || bestIDs == nil {
				best, bestIDs, spelled = r, ids, false
			}
			if r.Score >= 1 || !investigate && r.Score >= threshold {
				// At the alert threshold the question is whether the
				// person is a hit: a spelling that already says so is
				// enough, and the best one (shown with the hit) is found
				// by Explain only for what is shown.
				break
			}
		}
		score, notes := adjust(best.Score, p, dob, q.Sex, q.Nationality)
		disclose := math.Max(score, best.Score)
		if score < threshold && disclose < DefaultThreshold {
			continue
		}
		restricted, ok := decided[p.rec]
		if !ok {
			restricted = !access.CanSeeHit(v, p.rec.owner, p.rec.status, *p.rec.rel)
			decided[p.rec] = restricted
		}
		switch {
		case restricted && (restrictedLimit == 0 || spelled || disclose < DefaultThreshold):
			continue
		case !restricted && (limit == 0 || score < threshold || !wanted(q.Kinds, p.rec.kind)):
			continue
		}
		// Written out only for a candidate that is answered: most of a
		// miss's candidates are not.
		bestName := x.text(bestIDs)
		if spelled {
			notes = append([]core.Reason{{Code: core.ReasonSpelling, Params: map[string]string{"name": bestName,
				"similarity": fmt.Sprintf("%.2f", best.Score/spellingWeight), "factor": fmt.Sprintf("%.1f", spellingWeight)}}}, notes...)
		}
		results = append(results, result{c.pid, score, disclose, restricted, bestName, bestIDs, notes, bestName == qtext, m.Confirmed})
	}
	sort.Slice(results, func(i, j int) bool {
		if results[i].score != results[j].score {
			return results[i].score > results[j].score
		}
		if results[i].exact != results[j].exact {
			return results[i].exact
		}
		return results[i].pid < results[j].pid
	})
	hits := make([]Hit, 0, min(limit+restrictedLimit, len(results)))
	seen := map[*recInfo]bool{}
	shown, hidden := 0, 0
	for _, r := range results {
		p := &x.persons[r.pid]
		if seen[p.rec] {
			continue // one hit per record, its best person
		}
		if r.restricted && hidden == restrictedLimit || !r.restricted && shown == limit {
			continue
		}
		seen[p.rec] = true
		h := hitFor(v, p.rec, r.score)
		if h.Restricted != r.restricted {
			continue // cannot happen: one decision, taken twice
		}
		h.disclose = r.disclose
		m.Confirmed = r.confirmed
		h.reveal(r.matched, &core.Explanation{Parts: m.Explain(x.name(r.ids)).Scores(), Reasons: r.notes})
		hits = append(hits, h)
		if r.restricted {
			hidden++
		} else {
			shown++
		}
		if shown == limit && hidden == restrictedLimit {
			break
		}
	}
	return hits
}

// hitFor shapes a hit under the access decision.
func hitFor(v core.Viewer, rec *recInfo, score float64) Hit {
	h := Hit{Score: math.Round(score*1000) / 1000, Owner: rec.owner, recordID: rec.id}
	h.owner = OwnerView{Score: h.Score, Label: rec.label}
	h.disclose = h.Score
	if !access.CanSeeHit(v, rec.owner, rec.status, *rec.rel) {
		h.Restricted, h.Score = true, 0 // a reference and the owner, nothing else
		h.Message = fmt.Sprintf("possible hit — contact bureau %s", rec.owner)
		return h
	}
	h.RecordID, h.Kind, h.Label = rec.id, rec.kind, rec.label
	return h
}

// adjust weighs what besides the name the query gave: a date of birth
// that agrees confirms, one that disagrees makes a match less likely; the
// same for sex. Each effect is explained.
func adjust(score float64, p *person, dob DateRange, sex, nat string) (float64, []core.Reason) {
	var notes []core.Reason
	note := func(code string, params ...string) {
		r := core.Reason{Code: code, Params: map[string]string{}}
		for i := 0; i+1 < len(params); i += 2 {
			r.Params[params[i]] = params[i+1]
		}
		notes = append(notes, r)
	}
	if dob.Known() && p.dob.Known() {
		switch {
		case dob.Agrees(p.dob):
			score = math.Min(1, score+0.02)
			note(core.ReasonDOBAgrees, "query", dob.String(), "record", p.dob.String())
		case abs(int(dob.From/10000)-int(p.dob.From/10000)) <= 1 || abs(int(dob.To/10000)-int(p.dob.To/10000)) <= 1:
			score *= 0.95
			note(core.ReasonDOBClose, "query", dob.String(), "record", p.dob.String())
		default:
			score *= 0.8
			note(core.ReasonDOBDiffers, "query", dob.String(), "record", p.dob.String())
		}
	}
	if (sex == "M" || sex == "F") && p.sex != 0 && sex[0] != p.sex {
		score *= 0.9
		note(core.ReasonSexDiffers, "query", sex, "record", string(rune(p.sex)))
	}
	if nat != "" && len(p.nats) > 0 {
		if slices.Contains(p.nats, nat) {
			note(core.ReasonNationalityAgrees, "nationality", nat)
		} else {
			note(core.ReasonNationalityDiffers, "nationality", nat, "record", strings.Join(p.nats, ", "))
		}
	}
	return score, notes
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// retrieve gathers candidates through the posting lists of the query's
// keys, rare keys counting more, and keeps the best few for full scoring.
// It never scans the corpus: it reads only the postings of the query's
// keys and their one-letter variants.
func (x *Index) retrieve(qn names.Name, qtext string, keep int, investigate bool, typos []bool, dob DateRange, cutoff float64) []scored {
	dobKnown := dob.Known()
	total := float64(len(x.persons) - len(x.free) + 1)
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.reset(len(x.persons))
	visit := func(b []uint32, w float32) {
		if b == nil {
			return
		}
		card := len(b)
		if card > maxPostings {
			return // an over-common key says nothing; other keys decide
		}
		add := w * float32(math.Log(1+total/float64(card)))
		var cover float32
		if w == 1 {
			// A key of the query's own adds to a spelling's coverage (the
			// second cut's) no more than it adds here; a key's one-letter
			// variant adds nothing.
			cover = add
		}
		if investigate && w == 1 {
			// An investigation weighs its candidates more widely: a key
			// of the query that is most of a person's keys (Aysan for
			// the vessel AYSAN) says more than one of many (Hassan Aysan
			// Ali), so that the person whose name it is is not crowded
			// out by those that share it.
			for _, pid := range b {
				sc.add(pid, add*(1+1/float32(max(1, x.nkeys[pid]))))
			}
			return
		}
		for _, pid := range b {
			sc.credit(pid, add, cover)
		}
	}
	// At the alert threshold a candidate must hold a third of the query's
	// key weight (cutoff: CoverageCutoff, more for some names) to be
	// aligned at all. The commonest keys
	// (company, bank, mohamed), as long as together they weigh less than
	// that, cannot qualify a candidate on their own: their postings, the
	// longest, are not read.
	// The query's keys and how much each says (rare keys say more), read
	// once for both cuts.
	qkeys := queryKeys(qn)
	qids := make([]uint32, len(qkeys))
	idf := make([]float64, len(qkeys))
	held := make([][]uint32, len(qkeys)) // each key's persons, looked up once
	var qtotal float64
	for i, k := range qkeys {
		held[i] = x.keys.get(k)
		card := float64(len(held[i]))
		qids[i] = x.keyIDs[k] // 0 when no indexed part has it: meets nothing
		idf[i] = math.Log(1 + total/(card+1))
		qtotal += idf[i]
	}
	// A part read from another script (Han, Hangul, kana, the Indic
	// scripts, Thai, Hebrew, Armenian, Georgian, Ethiopic) brings a key
	// for each of its readings (王: wang, wong, ong…; 国栋: guodong,
	// kuotung, guo, dong): one spelling of the person holds one of them,
	// never all. Such a part weighs what its weightiest key held by some
	// indexed name weighs, once, and a candidate covers it once, by the
	// best of its readings it meets; otherwise a name read from those
	// scripts could never hold a third of its own keys' weight and would
	// not be aligned at the alert threshold.
	readingOf, readingWeight := readingGroups(qn, qkeys, held, idf)
	for g, w := range readingWeight {
		if w < 0 {
			continue
		}
		for i := range qkeys {
			if readingOf[i] == g {
				qtotal -= idf[i]
			}
		}
		qtotal += w
	}
	// A part that may be mistyped is met by a neighbour's key for one of
	// its own keys, never two: its other keys (an ambiguous letter, such
	// as the c of Aliscahic) are not asked of a candidate either, when no
	// indexed name has them.
	var typoCover float64 // what the neighbours may cover, at most
	var nearParts []bool  // the parts that have neighbours
	var near [][]uint32   // the parts one typing error from each query part's
	if !investigate && typos != nil {
		near = x.spellingNeighbours(qn, typos)
		for _, nk := range x.visitSpellingNeighbours(nil, qn, qkeys, total, nil, near, false) {
			if nearParts == nil {
				nearParts = make([]bool, len(qn.Tokens))
			}
			nearParts[nk.part] = true
		}
	}
	for ti, t := range qn.Tokens {
		if ti >= len(typos) || !typos[ti] {
			continue
		}
		part, unknown := 0.0, 0.0
		for _, k := range t.Key() {
			if i := slices.Index(qkeys, k); i >= 0 {
				part = math.Max(part, idf[i])
				if held[i] == nil {
					unknown += idf[i]
				}
			}
		}
		if grouped := ti < len(readingWeight) && readingWeight[ti] >= 0; unknown > part && !grouped {
			// (a part whose keys are grouped counts once already)
			qtotal -= unknown - part
		}
		if ti < len(nearParts) && nearParts[ti] {
			typoCover += 0.8 * part
		}
	}
	skip := make([]bool, len(qkeys))
	if !investigate {
		order := make([]int, len(qkeys))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(a, b int) bool { return idf[order[a]] < idf[order[b]] })
		// A part that may be mistyped is covered by its neighbours' keys
		// (visitSpellingNeighbours) for up to 0.8 of its own: as much
		// that the others need not hold.
		cum := typoCover
		for _, i := range order {
			if cum+idf[i] >= cutoff*qtotal {
				break
			}
			skip[i] = true
			cum += idf[i]
		}
	}
	// unread is the weight of the query keys whose postings the first cut
	// does not read (the commonest, as above, and the over-common): a
	// candidate may hold them without its first-cut weight saying so.
	var unread float64
	ownHeld := false // some indexed name holds a key of the query's own
	for i, k := range qkeys {
		b := held[i]
		ownHeld = ownHeld || b != nil
		if b != nil && (skip[i] || len(b) > maxPostings) {
			unread += idf[i]
		}
		if skip[i] {
			continue
		}
		visit(b, 1)
		if !investigate {
			// At the alert threshold a name that shares no key exactly
			// cannot score high enough: one letter off in a rare part
			// already puts it under the conflict line. Measured on 22,744
			// queries (lists, fixtures, cross-script), leaving these
			// postings out changed no answer and read a quarter as many
			// candidates.
			continue
		}
		visit(x.fuzzy.get(k), 0.5) // the index has a letter more
		for _, d := range deletions(k) {
			visit(x.keys.get(d), 0.5)  // the query has a letter more
			visit(x.fuzzy.get(d), 0.3) // one letter differs
		}
	}
	// At the alert threshold a typing error is believed only where
	// another part of the name agrees (names.Matcher.MayBeTypo): a
	// candidate met only through a neighbour's key is not aligned, unless
	// the name is one part (besides particles and legal forms: Abu
	// Zubaydah, as the matcher counts it) or the date of birth may vouch
	// instead.
	// Nor where no indexed name holds a key of the query's own (the other
	// parts have none, as OAO, or none the index holds): there a
	// neighbour is the only way to the name (NAFTRN OAO for NAFTAN OAO).
	needOwn := !investigate && len(qn.Tokens) > 1 && !qn.OnePart() && !dobKnown && ownHeld
	var neighbours []neighbourKey
	if investigate {
		neighbours = x.visitSpellingNeighbours(sc, qn, qkeys, total, sc.credit, x.spellingNeighbours(qn, nil), false)
	} else if nearParts != nil {
		// At the alert threshold only a part no listed name is written
		// as may be a typing error: the parts one error away are read
		// for it, as the matcher takes them for it (MayBeTypo). Unless
		// the name is one part or the date of birth may vouch, only a
		// candidate that another part of the query already met can be
		// believed mistyped: a neighbour brings no one new, so that a
		// miss costs what it did.
		// In the first cut a spelling one typing error away counts as
		// much as the misspelt part's own sound key: the names sharing
		// that key would otherwise fill the cut before it (DENON: Devon
		// behind every Dana and Dunn), and the second cut tells them
		// apart by their letters.
		lift := func(pid uint32, w, cover float32) { sc.credit(pid, w*neighbourFirstCut, cover) }
		neighbours = x.visitSpellingNeighbours(sc, qn, qkeys, total, lift, near, needOwn)
	}
	if !investigate && dobKnown {
		// A listed name may be mistyped into another listed name (Hamza
		// typed Hama): a date of birth that agrees vouches for it as the
		// matcher takes it (MayBeTypo, Confirmed). Such a part's
		// neighbours are read too, and bring only the persons whose date
		// agrees: for the others the matcher would not believe the typing
		// error, so that they cost nothing more to align.
		var listed []bool
		for ti, t := range qn.Tokens {
			if t.Script == names.Latin && !t.Particle() && (ti >= len(typos) || !typos[ti]) {
				if listed == nil {
					listed = make([]bool, len(qn.Tokens))
				}
				listed[ti] = true
			}
		}
		if listed != nil {
			agrees := func(pid uint32, w, cover float32) {
				if dob.Agrees(x.persons[pid].dob) {
					sc.credit(pid, w, cover)
				} else {
					sc.mayCover(pid, cover) // the key counts in its coverage all the same
				}
			}
			neighbours = append(neighbours, x.visitSpellingNeighbours(sc, qn, qkeys, total, agrees, x.spellingNeighbours(qn, listed), false)...)
		}
	}
	// A candidate's coverage (the second cut's, below) counts the query
	// keys one of its spellings holds, each for no more than the first
	// cut counted in its cov when it read the key's postings (sc.credit),
	// and the unread keys. A candidate whose cov cannot reach the
	// coverage cutoff even with all of those is never aligned, and its
	// keys are not read a second time: most of a miss's candidates share
	// one part of the query, often through a key's one-letter variant.
	floor := float32(cutoff*qtotal-unread) - 1e-4
	alignable := func(pid uint32) bool {
		return x.secondCutAll || sc.at[pid].cov*(1+1e-4) >= floor
	}
	// First cut: the best by accumulated weight.
	if cap(sc.wide) < 8*keep {
		sc.wide = make(topK, 0, 8*keep)
	}
	wide := sc.wide[: 0 : 8*keep]
	// Among equals, a person with fewer keys is a closer fit: the query's
	// keys are more of what it is (Aysan before Hassan Aysan Ali), rather
	// than the first of many that share a common key.
	firstCut := func(pid uint32) scored {
		return scored{pid: pid, score: float64(sc.at[pid].acc) + 1e-3/float64(1+x.nkeys[pid])}
	}
	// The greatest first-cut weight, against which the second cut weighs
	// each candidate's, is the greatest of all the touched candidates',
	// whether or not they are kept.
	maxAcc := 0.0
	if len(sc.touched) <= cap(wide) {
		// All fit (most misses): the cut keeps them all, but for those
		// that cannot be aligned, and no heap is kept. In the order of
		// their ids, their slices are read below in the order they lie
		// in memory.
		slices.Sort(sc.touched)
		for _, pid := range sc.touched {
			c := firstCut(pid)
			maxAcc = math.Max(maxAcc, c.score)
			if alignable(pid) {
				wide = append(wide, c)
			}
		}
	} else {
		// The cut is taken among all of them, and only then are those
		// that cannot be aligned left out: a candidate the cut kept
		// before is kept still, and none comes in in its place.
		for _, pid := range sc.touched {
			wide.offer(firstCut(pid))
		}
		for _, c := range wide {
			maxAcc = math.Max(maxAcc, c.score)
		}
		wide = slices.DeleteFunc(wide, func(c scored) bool { return !alignable(c.pid) })
	}
	// Second cut, still without aligning anything: how well the query's
	// keys cover one of the candidate's spellings, and how little of that
	// spelling is left over. A short exact spelling beats a long name that
	// shares a common part.
	// A neighbour's key covers what the misspelt part would have, for a
	// little less, and adds nothing to what there is to cover; a query
	// part is met once, by its own key or by a neighbour's, whichever
	// comes first.
	group := make([]int, len(qids), len(qids)+len(neighbours))
	for i := range group {
		group[i] = -1
	}
	if len(neighbours) > 0 {
		// A part's first key is its own before another part's second
		// reading of an ambiguous letter may claim it (KORYO's kr, not
		// AGR's, whose g may be read as k): else a neighbour of the
		// other part would stand in for it (Air Koryo lost its KORYO to
		// AGR's neighbour air).
		for _, second := range []bool{false, true} {
			for ti, t := range qn.Tokens {
				keys := t.Key()
				if second {
					keys = keys[min(1, len(keys)):]
				} else {
					keys = keys[:min(1, len(keys))]
				}
				for _, k := range keys {
					if i := slices.Index(qkeys, k); i >= 0 && group[i] < 0 && ti < 64 {
						group[i] = ti
					}
				}
			}
		}
	}
	for _, nk := range neighbours {
		if len(qids) < 64 && nk.part < 64 {
			qids, idf, group = append(qids, nk.id), append(idf, nk.weight), append(group, nk.part)
		}
	}
	// Most of a candidate's keys meet none of the query's: a set of the
	// query's key ids, by their low 8 bits, turns those away before the
	// loop over the query's keys.
	var qset [4]uint64
	for _, q := range qids {
		qset[q>>6&3] |= 1 << (q & 63)
	}
	h := make(topK, 0, keep)
	// Each candidate's cut lies wherever its person was allocated, most
	// often out of the cache: its first word is read here for all of them
	// in a loop that does nothing else, so that the processor waits for
	// the many reads at once, and not for one after the other below.
	first := uint32(0)
	for _, c := range wide {
		first += x.cut[c.pid][0]
	}
	runtime.KeepAlive(first) // so that the reads are not left out
	var qsig uint64          // the query's letter pairs, if it is all in Latin letters
	if !investigate {
		qsig = spellingSig(qn)
	}
	for _, c := range wide {
		cut := x.cut[c.pid]
		lens := cut[1 : 1+cut[0]]
		allKeys := cut[1+cut[0]:]
		best, second, bestCov := -1.0, -1.0, 0.0
		pick := [2]int16{-1, -1}
		off := 0
		var readingMet [maxReadingParts]float64 // per part read from another script: the best reading met
		for ni, nparts := range lens {
			if readingWeight != nil {
				readingMet = [maxReadingParts]float64{}
			}
			// Per part of the spelling: which query keys do its keys (one
			// or two) meet, each counted once? Parts that meet none are left
			// over.
			var covered float64
			own := false        // a key of the query itself is met
			var met uint64      // query keys met, as bits
			var metGroup uint64 // query parts met through a neighbour
			parts, extra := 0, 0
			keys := allKeys[2*off : 2*(off+int(nparts))]
			off += int(nparts)
			for j := 0; j < len(keys); j += 2 {
				if keys[j] == 0 {
					continue
				}
				parts++
				hit := false
				for _, k := range keys[j : j+2] {
					if k &^= moreFlag; k == 0 {
						break
					}
					if qset[k>>6&3]&(1<<(k&63)) == 0 {
						continue
					}
					for i, q := range qids {
						if q == k && i < 64 && met&(1<<i) == 0 {
							if g := group[i]; g >= 0 {
								// one neighbour per misspelt part
								if metGroup&(1<<g) != 0 {
									break
								}
								metGroup |= 1 << g
							}
							covered += keyCredit(i, idf, readingOf, readingWeight, &readingMet)
							own = own || i < len(qkeys)
							met |= 1 << i
							hit = true
							break
						}
					}
				}
				if !hit && keys[j+1]&moreFlag != 0 {
					// A part read from another script that meets no key
					// of the query by its own reading may by another
					// (Leung for 梁 Liang) or by its syllables, each
					// written as a part of the query (Zhi Qiang for
					// 志强 Zhiqiang): every one of the query's keys it
					// meets is met.
					for _, k := range x.moreKeys[x.persons[c.pid].names[ni][j/2]] {
						for i, q := range qids {
							if q != k || i >= 64 || met&(1<<i) != 0 || i >= len(qkeys) {
								continue
							}
							covered += keyCredit(i, idf, readingOf, readingWeight, &readingMet)
							own = true
							met |= 1 << i
							hit = true
							break
						}
					}
				}
				if !hit {
					extra++
				}
			}
			s := covered / (qtotal + 1e-9)
			if parts > 0 {
				s -= 0.3 * float64(extra) / float64(parts)
			}
			if int(nparts) == len(qn.Tokens) {
				s += 0.01 // on a tie, the spelling cut into as many parts
			}
			if investigate {
				// Keys miss typing errors; letters do not.
				s += 0.5 * names.Spelling(qtext, x.text(x.persons[c.pid].names[ni]))
			} else if qsig != 0 {
				// Nor do letter pairs, which cost next to nothing: among
				// the many names a short part's sound key meets, the
				// spelling one typing error away (or the very spelling)
				// is aligned (PATRIO: Patriot before Peter and Bitar).
				if sig := sigOf(cut, ni); sig != 0 {
					s += pairsWeight * float64(bits.OnesCount64(qsig&sig)) / float64(bits.OnesCount64(qsig|sig))
				}
			}
			if own || !needOwn {
				bestCov = math.Max(bestCov, covered/(qtotal+1e-9))
			}
			switch {
			case s > best:
				second, pick[1] = best, pick[0]
				best, pick[0] = s, int16(ni)
			case s > second:
				second, pick[1] = s, int16(ni)
			}
		}
		if dobKnown && !investigate {
			// A date of birth that agrees says more than a key: the
			// person it names is aligned before those that only share a
			// common part with the query (Andrew Kaz, born the day Andrew
			// Kan was, before Kazuo Uchibori and the Gaz Group).
			if dob.Agrees(x.persons[c.pid].dob) {
				best += dobAgreesBonus
			}
		}
		h.offer(scored{pid: c.pid, score: best + 0.2*c.score/(maxAcc+1e-9), names: pick, coverage: bestCov})
	}
	// (score, pid) is a total order: any sort gives the one answer, and
	// this one allocates nothing.
	slices.SortFunc(h, func(a, b scored) int {
		switch {
		case a.score != b.score && a.score > b.score:
			return -1
		case a.score != b.score:
			return 1
		}
		return cmp.Compare(a.pid, b.pid)
	})
	// A person listed under the very spelling asked for is aligned,
	// whatever the cuts kept: its keys may be the commonest (IYARI,
	// whose only key r thousands of names hold, ranked by their order of
	// creation among equals).
	v := make([]byte, 0, 2*len(qtext))
	h = x.alignedAlso(h, append(v, qtext...), x.spelledAt)
	// So is a person listed under the parts of the name asked for written
	// together, or whose parts written together are the name asked for
	// (Kyongchol and Kyong-Chol, ISISPHILIPPINES and Isis-Philippines):
	// the run-together part's keys meet none of the other's.
	h = x.alignedAlso(h, writtenWith(v[:0], qn, "", -1, ""), func(pid uint32, v string) int {
		if at := x.gluedAt(pid, v); at >= 0 {
			return at
		}
		return x.spelledAt(pid, v)
	})
	// So is a person listed under the spelling asked for with a misspelt
	// part put right, one of the part's neighbours in its place (AYSAN
	// for AYSAC, HASNA for HSNA): among the many names its sound key
	// meets, the first cut may not have kept it. The matcher still
	// decides whether the typing error is believed.
	for ti, tids := range near {
		for _, tid := range tids {
			h = x.alignedAlso(h, writtenWith(v[:0], qn, " ", ti, x.tokens[tid].Text), x.spelledAt)
		}
	}
	return h
}

// alignedAlso appends to h the persons the exact-spelling table finds
// under v that h does not hold yet, each to be aligned by its spelling
// written(pid, v) (-1: none is written so), whatever the cuts kept. The
// table is looked up without writing v as a string but where its hash
// finds a person.
func (x *Index) alignedAlso(h []scored, v []byte, written func(pid uint32, v string) int) []scored {
	var buf [4]uint32
	for _, pid := range x.exact.lookupBytes(v, buf[:0], func(pid uint32, v string) bool { return written(pid, v) >= 0 }) {
		if !slices.ContainsFunc(h, func(c scored) bool { return c.pid == pid }) {
			h = append(h, scored{pid: pid, names: [2]int16{int16(written(pid, string(v))), -1}, coverage: 1})
		}
	}
	return h
}

// writtenWith appends to buf the parts of qn as written, separated by sep,
// part ti (if any: -1 for none) written as text instead.
func writtenWith(buf []byte, qn names.Name, sep string, ti int, text string) []byte {
	for tj, t := range qn.Tokens {
		if tj > 0 {
			buf = append(buf, sep...)
		}
		if tj == ti {
			buf = append(buf, text...)
		} else {
			buf = append(buf, t.Text...)
		}
	}
	return buf
}

// keyCredit is what meeting query key i adds to a spelling's coverage:
// its weight, or for a key of a part read from another script, one
// reading per part at most the part's weight (readingMet holds the best
// reading met so far, per part).
func keyCredit(i int, idf []float64, readingOf []int, readingWeight []float64, readingMet *[maxReadingParts]float64) float64 {
	if i >= len(readingOf) || readingOf[i] < 0 {
		return idf[i]
	}
	g := readingOf[i]
	w := min(idf[i], readingWeight[g])
	if w <= readingMet[g] {
		return 0
	}
	add := w - readingMet[g]
	readingMet[g] = w
	return add
}

// unknownParts marks the query's Latin parts that no indexed name is
// written as (nil when there are none): each may be a typing error.
func (x *Index) unknownParts(qn names.Name) []bool {
	var out []bool
	for i, t := range qn.Tokens {
		if t.Script != names.Latin || t.Particle() || x.listed(t) {
			continue
		}
		if out == nil {
			out = make([]bool, len(qn.Tokens))
		}
		out[i] = true
	}
	return out
}

// listed reports whether an indexed name has a part written as t.
func (x *Index) listed(t names.Token) bool {
	_, ok := x.dict[keyOfToken(t)]
	return ok
}

// matcherPool keeps matchers (and their caches) between queries.
var matcherPool = sync.Pool{New: func() any { return names.NewMatcher(names.Name{}) }}

// neighbourKey is the key of a part one typing error from a query part,
// with the weight it is given in the candidate cut.
type neighbourKey struct {
	id     uint32
	weight float64
	part   int // the query part it is a neighbour of
}

// maxNeighbours is the most indexed parts taken for one query part as
// one typing error away: a common short part has many.
const maxNeighbours = 48

// spellingNeighbours lists, per Latin part of the query (those only
// marks, when set), the indexed parts one typing error away, by id, in
// the order of the part's spelling variants (a part met through two
// variants is listed twice, and counts twice towards maxNeighbours).
// The keys of a query are looked up once for both of its passes
// (visitSpellingNeighbours).
func (x *Index) spellingNeighbours(qn names.Name, only []bool) [][]uint32 {
	out := make([][]uint32, len(qn.Tokens))
	var tidBuf [64]uint32
	for ti, t := range qn.Tokens {
		if t.Script != names.Latin || t.Particle() || only != nil && !only[ti] {
			continue
		}
		for _, v := range spellVariants(t.Text) {
			for _, tid := range x.spelledAs(v, tidBuf[:0]) {
				if len(out[ti]) == maxNeighbours {
					break
				}
				if tt := x.tokens[tid].Text; tt != t.Text && (len(t.Text) > 3 || names.OneTypo(t.Text, tt)) {
					out[ti] = append(out[ti], tid)
				}
			}
		}
	}
	return out
}

// visitSpellingNeighbours reads the postings of the keys of indexed parts
// one typing error away from the query's Latin parts (Arzin for Arlin,
// Fanreach for Faneach): their sound keys differ, so the query's own keys
// and their one-letter variants may not reach them.
//
// near are the parts one error away, per query part
// (spellingNeighbours); add, when nil, leaves the postings unread: only
// the keys are returned. With onlyMet, only the persons the query's own
// keys already met are credited (the candidates a neighbour may not bring
// by itself).
func (x *Index) visitSpellingNeighbours(sc *scratch, qn names.Name, qkeys []string, total float64, add func(pid uint32, w, cover float32), near [][]uint32, onlyMet bool) []neighbourKey {
	var out []neighbourKey
	// The key ids met so far: a few dozen at most, so a slice searched
	// end to end costs less than a map to make.
	seen := make([]uint32, 0, 64)
	for _, k := range qkeys {
		if id := x.keyIDs[k]; id != 0 && !slices.Contains(seen, id) {
			seen = append(seen, id)
		}
	}
	for ti, t := range qn.Tokens {
		if ti >= len(near) || len(near[ti]) == 0 {
			continue
		}
		if add == nil {
			partIDF := -1.0 // x.partIDF(t, total), once there is a neighbour
			for _, tid := range near[ti] {
				for _, kid := range x.tokKeys[tid] {
					if kid != 0 && !slices.Contains(seen, kid) {
						seen = append(seen, kid)
						if partIDF < 0 {
							partIDF = x.partIDF(t, total)
						}
						out = append(out, neighbourKey{kid, 0.8 * partIDF, ti})
					}
				}
			}
			continue
		}
		// A person counts once per query part, through its rarest
		// neighbour, and not at all if it holds the part's own key: the
		// name as written comes first.
		// Credited are the persons holding one of the part's own keys
		// (own) and those a neighbour of the part has credited (marked
		// in sc with this part's generation): tested pid by pid, where a
		// bitmap of them would copy the own keys' postings every query.
		var ownBuf [4][]uint32
		own := ownBuf[:0]
		gen := sc.nextGen()
		partIDF := math.Log(1 + total)
		for i, k := range t.Key() {
			card := 0.0
			if b := x.keys.get(k); b != nil {
				own = append(own, b)
				card = float64(len(b))
			}
			if v := math.Log(1 + total/(card+1)); i == 0 || v > partIDF {
				partIDF = v
			}
		}
		var postings [][]uint32
		for _, tid := range near[ti] {
			for _, kid := range x.tokKeys[tid] {
				if kid == 0 || slices.Contains(seen, kid) {
					continue
				}
				seen = append(seen, kid)
				if b := x.keys.get(x.keyNames[kid-1]); b != nil && len(b) <= maxPostings {
					postings = append(postings, b)
					out = append(out, neighbourKey{kid, 0.8 * partIDF, ti})
				}
			}
		}
		sort.Slice(postings, func(i, j int) bool { return len(postings[i]) < len(postings[j]) })
		cover := float32(0.8 * partIDF) // a neighbour's key in the second cut's coverage
		weight := func(b []uint32) float32 {
			return 0.8 * float32(math.Min(math.Log(1+total/float64(len(b))), partIDF))
		}
		held := func(pid uint32) bool {
			for _, o := range own {
				if holds(o, pid) {
					return true
				}
			}
			return false
		}
		if onlyMet {
			// Only the persons already met may be credited: when they
			// are fewer than the neighbours' postings are long (a
			// common neighbour in a large index), each is looked up in
			// the postings, rarest first, instead of the postings read
			// through. Each is credited as the reading would have: by
			// the rarest neighbour that holds it.
			var length uint64
			for _, b := range postings {
				length += uint64(len(b))
			}
			if uint64(len(sc.touched))*uint64(len(postings)) < length {
				for _, pid := range sc.touched {
					if sc.at[pid].acc == 0 {
						continue
					}
					if held(pid) {
						// Credited by the part's own key; another of its
						// spellings may hold a neighbour's.
						sc.mayCover(pid, cover)
						continue
					}
					for _, b := range postings {
						if holds(b, pid) {
							add(pid, weight(b), cover)
							break
						}
					}
				}
				continue
			}
		}
		for _, b := range postings {
			w := weight(b)
			for _, pid := range b {
				if sc.mark[pid] == gen || onlyMet && sc.at[pid].acc == 0 {
					continue
				}
				sc.mark[pid] = gen
				if held(pid) {
					sc.mayCover(pid, cover)
					continue
				}
				add(pid, w, cover)
			}
		}
	}
	return out
}

// partIDF is how much a query part says: the most its keys say.
func (x *Index) partIDF(t names.Token, total float64) float64 {
	v := math.Log(1 + total)
	for i, k := range t.Key() {
		card := 0.0
		if b := x.keys.get(k); b != nil {
			card = float64(len(b))
		}
		if w := math.Log(1 + total/(card+1)); i == 0 || w > v {
			v = w
		}
	}
	return v
}

// scratch accumulates candidate weights densely, remembering which slots
// it touched so that it is cleared in time proportional to the query.
type scratch struct {
	at      []credited // by person id
	touched []uint32
	wide    topK // the first cut's candidates
	// mark[pid] == gen: the person is credited for the query part now
	// read (visitSpellingNeighbours); a new part takes a new gen, so the
	// marks are never cleared but when gen wraps.
	mark []uint32
	gen  uint32
}

// credited is what the first cut has of a person, kept together as it is
// read together: one cache line per person a posting touches.
type credited struct {
	acc float32 // the first cut's weight
	// cov is at least the coverage (the second cut's) that any one of
	// the person's spellings may reach, less the keys the first cut does
	// not read: what the keys it was credited by cover.
	cov float32
}

// nextGen starts a new set of marks.
func (s *scratch) nextGen() uint32 {
	s.gen++
	if s.gen == 0 {
		clear(s.mark)
		s.gen = 1
	}
	return s.gen
}

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

func (s *scratch) reset(n int) {
	for _, id := range s.touched {
		if int(id) < len(s.at) {
			s.at[id] = credited{}
		}
	}
	s.touched = s.touched[:0]
	if len(s.at) < n {
		s.at = make([]credited, n+n/4)
	}
	if len(s.mark) < n {
		s.mark = make([]uint32, n+n/4)
		s.gen = 0
	}
}

func (s *scratch) add(id uint32, w float32) {
	c := &s.at[id]
	if c.acc == 0 {
		s.touched = append(s.touched, id)
	}
	c.acc += w
}

// mayCover adds cover to what a person's keys may cover if the first cut
// has met the person: a key it holds that brings it no weight (a
// neighbour of a part it holds the own key of, or one whose date of birth
// does not agree) still counts in its coverage.
func (s *scratch) mayCover(id uint32, cover float32) {
	if c := &s.at[id]; c.acc != 0 {
		c.cov += cover
	}
}

// credit adds w to the person's first-cut weight and cover to what its
// keys may cover.
func (s *scratch) credit(id uint32, w, cover float32) {
	s.add(id, w)
	s.at[id].cov += cover
}

// topK keeps the best scored entries, as a min-heap on score.
type topK []scored

func (h *topK) offer(c scored) {
	q := *h
	less := func(a, b scored) bool { return a.score < b.score || (a.score == b.score && a.pid > b.pid) }
	if len(q) < cap(q) {
		q = append(q, c)
		for i := len(q) - 1; i > 0; {
			p := (i - 1) / 2
			if !less(q[i], q[p]) {
				break
			}
			q[i], q[p] = q[p], q[i]
			i = p
		}
		*h = q
		return
	}
	if !less(q[0], c) {
		return
	}
	q[0] = c
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(q) && less(q[l], q[m]) {
			m = l
		}
		if r < len(q) && less(q[r], q[m]) {
			m = r
		}
		if m == i {
			break
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
}

// neighbourFirstCut scales what a neighbour's key adds to a candidate in
// the first cut of an alert screening (0.8 of the part, see
// visitSpellingNeighbours) to a little more than the part itself.
const neighbourFirstCut = 1.05 / 0.8

// pairsWeight is what sharing all its letter pairs with the query adds
// to a spelling's place in the second candidate cut of an alert
// screening (spellingSig).
const pairsWeight = 0.3

// dobAgreesBonus lifts, in the candidate cut of an alert screening, a
// person whose date of birth agrees with the query's: more than what a
// spelling's coverage of the query's keys may differ by.
const dobAgreesBonus = 0.5

// maxReadingParts bounds the parts whose readings are grouped (a longer
// name keeps its keys ungrouped).
const maxReadingParts = 16

// readingGroups groups the query's keys by the part that brought them
// (readingOf[i]: the part, -1 for a key not grouped), and gives each part
// its weight: the greatest idf among its keys held by some indexed name,
// or, if none is, among all of them (readingWeight[part], -1 for a part
// not grouped). A candidate's spelling meets a part by one of its keys,
// never all: a part read from another script brings a key for each
// reading (王: wang, wong, ong…); a Latin or Arabic part its other
// readings' keys, and the key of a particle glued to it (Abdul Basir:
// abdbasir), which a spelling written apart cannot hold. Each such key
// is credited within its part's weight, and a glued key never raises it:
// otherwise an exact spelling that starts with a particle, or has a part
// with readings, held under a third of its own query's weight and was not
// aligned at the alert threshold (Haji Abdul BASIR, BELNEFTEKHIM).
// persons[i] are the indexed persons holding qkeys[i] (nil: none).
func readingGroups(qn names.Name, qkeys []string, persons [][]uint32, idf []float64) (readingOf []int, readingWeight []float64) {
	n := min(len(qn.Tokens), maxReadingParts)
	if n == 0 {
		return nil, nil
	}
	readingOf = make([]int, len(qkeys))
	for i := range readingOf {
		readingOf[i] = -1
	}
	readingWeight = make([]float64, n)
	for i := range readingWeight {
		readingWeight[i] = -1
	}
	for ti := range n {
		t := qn.Tokens[ti]
		g, glued := ti, t.Particle()
		if glued {
			// with the part the particles before it are glued to
			for g = ti + 1; g < n && qn.Tokens[g].Particle(); g++ {
			}
			if g == n {
				continue
			}
		}
		held, any := -1.0, -1.0
		for _, k := range qn.TokenKeys(ti) {
			i := slices.Index(qkeys, k)
			if i < 0 || readingOf[i] >= 0 {
				continue // a key two parts share stays with the first
			}
			readingOf[i] = g
			if glued {
				continue
			}
			any = math.Max(any, idf[i])
			if persons[i] != nil {
				held = math.Max(held, idf[i])
			}
		}
		switch {
		case glued:
		case held >= 0:
			readingWeight[g] = held
		case any >= 0:
			readingWeight[g] = any
		}
	}
	// A glued key whose part has no weight of its own stays a key of its
	// own.
	for i, g := range readingOf {
		if g >= 0 && readingWeight[g] < 0 {
			readingOf[i] = -1
		}
	}
	return readingOf, readingWeight
}

// queryKeys are the keys a query asks for: the name's keys, less the
// Latin spellings of a Hebrew part. Those key the part in the index, so
// that a name in Latin letters finds a person recorded in Hebrew; a
// Hebrew query is read letter by letter (its own keys meet the Latin
// names' already), and asking for every Latin spelling too only brought
// names that sound partly alike.
func queryKeys(qn names.Name) []string {
	hebrew := false
	for _, t := range qn.Tokens {
		hebrew = hebrew || t.Script == names.Hebrew
	}
	if !hebrew {
		return qn.Keys()
	}
	seen := map[string]bool{}
	var out []string
	for i, t := range qn.Tokens {
		ks := qn.TokenKeys(i)
		if t.Script == names.Hebrew {
			ks = t.Key()
		}
		for _, k := range ks {
			if k != "" && !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}
