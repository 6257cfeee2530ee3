package names

import (
	"math"
	"strings"

	"github.com/manara-hub/manara/internal/core"
)

// DefaultThreshold is the score at and above which two names are taken to
// be the same person's.
const DefaultThreshold = 0.85

// conflictBelow is the token similarity under which two aligned name parts
// are different names, not spellings of one.
const conflictBelow = 0.85

// Part explains one contribution to a score.
type Part struct {
	A, B   string  // the parts compared ("" when a part has no counterpart)
	Sim    float64 // their similarity
	Weight float64 // how much the part counts (rare names count more)
	Note   string  // "match", "conflict", "missing"
}

// Result is a scored comparison with its explanation.
type Result struct {
	Score float64 `json:"score"`
	Match bool    `json:"match"`
	Parts []Part  `json:"-"`
	// typos counts the parts taken as typing errors; vouched says that
	// another part of weight agrees.
	typos   int
	vouched bool
	// loose and short count the typing errors of those kinds (typoLoose,
	// typoShort); vouchers counts the other parts that weigh something and
	// agree, which they need.
	loose, short, vouchers int
}

// Scores are the parts as data, for each language to write.
func (r Result) Scores() []core.ScorePart {
	out := make([]core.ScorePart, len(r.Parts))
	for i, p := range r.Parts {
		note := p.Note
		switch note {
		case core.PartMissing, core.PartUnread, core.PartTypo, core.PartConflict:
		default:
			note = core.PartMatch
		}
		out[i] = core.ScorePart{Query: p.A, Matched: p.B, Score: p.Sim, Weight: p.Weight, Note: note}
	}
	return out
}

// Explain renders the parts as one English line per part.
func (r Result) Explain() []string {
	out := make([]string, 0, len(r.Parts))
	for _, p := range r.Scores() {
		out = append(out, p.English())
	}
	return out
}

// Compare scores two names given as text.
func Compare(a, b string) Result { return CompareNames(Parse(a), Parse(b)) }

// span is one token, or two adjacent tokens read as one word.
type span struct {
	from, to int // token indexes, inclusive
	units    []unit
	codes    []uint8
	alts     [][]unit
	altCodes [][]uint8
	near     int      // the last near alts are near readings (Token.near)
	readings []string // a Chinese or Korean syllable's (Token.readings)
	hangul   string   // a Korean part of syllables as written (Token.hangul)
	text     string   // the first part; a two-part span's second is tail
	tail     string
	script   Script
	weight   float64
	num      uint32 // a single number part's (Token.num)
}

// label is the span's text as the explanation shows it.
func (x span) label() string {
	if x.tail == "" {
		return x.text
	}
	return x.text + " " + x.tail
}

func spans(n Name) []span { return appendSpans(make([]span, 0, 2*len(n.Tokens)), n) }

// appendSpans appends n's spans to out: each part, and each two parts of
// one script written as one word.
func appendSpans(out []span, n Name) []span {
	for i, t := range n.Tokens {
		out = append(out, tokenSpan(i, t, t.Weight))
		if i+1 < len(n.Tokens) && n.Tokens[i+1].Script == t.Script {
			u := n.Tokens[i+1]
			out = append(out, joinedSpan(i, t, u, math.Max(t.Weight, u.Weight)))
		}
	}
	return out
}

// tokenSpan is the span of token t alone, at index i.
func tokenSpan(i int, t Token, weight float64) span {
	return span{from: i, to: i, units: t.units, codes: t.codes, alts: t.alts, altCodes: t.altCodes, near: t.near, readings: t.readings, hangul: t.hangul, text: t.Text, script: t.Script, weight: weight, num: t.num}
}

// joinedSpan is the span of tokens t and u (at from and from+1) written as
// one word, their units joined.
func joinedSpan(from int, t, u Token, weight float64) span {
	joined := collapse(append(append([]unit(nil), t.units...), u.units...))
	return span{from: from, to: from + 1, units: joined, codes: encode(joined), text: t.Text, tail: u.Text, script: t.Script, weight: weight}
}

// spanSim is the best similarity of two spans over their readings.
func spanSim(a, b span, spelled bool) float64 {
	if a.num != 0 && b.num != 0 {
		// two numbers: the same or another ship, aircraft or heir
		if a.num == b.num {
			return 1
		}
		return 0
	}
	cross := crossScript(a.script, b.script)
	sim := func(x []unit, xc []uint8, y []unit, yc []uint8) float64 {
		if xc != nil && yc != nil {
			return alignCodes(xc, yc, cross)
		}
		if x == nil && xc != nil { // a span joined as codes only
			x = decode(xc)
		}
		if y == nil && yc != nil {
			y = decode(yc)
		}
		return align(x, y, cross)
	}
	fit := readingOf(&a, &b)
	best := sim(a.units, a.codes, b.units, b.codes)
	if best >= 1 {
		if fit == offRead { // the same sounds, not the same syllable
			return 1 - offReadingCost
		}
		return 1
	}
	// the readings that scored best, for the checks of written vowels
	bestA, bestB := a.units, b.units
	// A typing error moves a short Latin name far in sound (Kxyiira is not
	// Kayiira to the ear) but one letter in spelling. Spelling similarity,
	// scaled so that it stays under the conflict line, lets such a name
	// rank above an unrelated one without ever making it a match.
	if spelled && !cross && a.script == Latin && b.script == Latin && best < 0.8 && spellingMayExceed(a.text, a.tail, b.text, b.tail, best/0.9) {
		if o := 0.9 * spelling(a.text+a.tail, b.text+b.tail); o > best {
			best = o
		}
	}
	// A near reading moves a part's similarity by a vowel or so: it
	// cannot bring a part that is far from the other near it, nor beat
	// one already closer than an alternative reading may score.
	nearA, nearB := len(a.alts), len(b.alts)
	if best < nearReadingsFrom || best >= 0.95 {
		nearA, nearB = len(a.alts)-a.near, len(b.alts)-b.near
	}
	for i, x := range a.alts[:nearA] {
		if s := sim(x, codeAt(a.altCodes, i), b.units, b.codes) - 0.05; s > best {
			best, bestA, bestB = s, x, b.units
		}
	}
	for i, y := range b.alts[:nearB] {
		if s := sim(a.units, a.codes, y, codeAt(b.altCodes, i)) - 0.05; s > best {
			best, bestA, bestB = s, a.units, y
		}
	}
	switch {
	case fit == offRead && best > 0:
		best = math.Max(0, math.Min(best-offReadingCost, genderedEnding))
	case fit == asRead:
		best = math.Max(best, asReadSim)
	}
	if best > genderedEnding && (!cross && (endsApart(bestA, bestB) || vowelled(a.script) && vowelled(b.script) && vowelsApart(bestA, bestB) || a.script == Latin && b.script == Latin &&
		(vowelApart(bestA, bestB) || a.tail == "" && b.tail == "" && (patternApart(a.text, b.text) || patternApart(b.text, a.text)))) ||
		cross && (a.script == Arabic && b.script == Latin && nisbaApart(bestA, bestB) || a.script == Latin && b.script == Arabic && nisbaApart(bestB, bestA) ||
			a.script == Hebrew && b.script == Latin && elApart(a.text, b.text+b.tail) || a.script == Latin && b.script == Hebrew && elApart(b.text, a.text+a.tail))) {
		best = genderedEnding
	}
	return best
}

// nisbaApart reports whether a name in Latin letters ends in the -i of a
// nisba (an i or y after a consonant) where the name in Arabic letters
// ends in that consonant: Jafar and Jafari, Abbas and Abbasi, Akbar and
// Akbari, Muhammad and Muhammadi are different names, the second a family
// name made from the first, which the sounds alone put a vowel apart. A
// Latin spelling does not add a letter the Arabic lacks; the other way, it
// may leave one out (the UN writes رزوقي Razuk), so an Arabic ي against a
// Latin consonant is left to the sounds. A final ʿayn, hamza, ة or long
// vowel is no consonant: ربيع is Rabie.
func nisbaApart(arabic, latin []unit) bool {
	if len(arabic) < 3 || len(latin) < 3 {
		return false
	}
	last := latin[len(latin)-1]
	return arabic[len(arabic)-1].kind == kCons && latin[len(latin)-2].kind == kCons && last.kind == kVowel && last.c == 'i'
}

// vowelApart reports whether two short names of two consonants ending in
// a (Dina, Mona) have the same consonants and differ in their first vowel,
// a for i or u, or i for u: Dina and Dana, Lina and Lana, Mona and Mina
// are different names (e is any short vowel, o is u: Hend, Hind; Mona,
// Muna are one). Longer names keep their short vowels unsure: the lists
// write Salih and Salah, Yusif and Yusuf for one name.
func vowelApart(a, b []unit) bool {
	if len(a) != 4 || len(b) != 4 || a[3].kind != kVowel || a[3].c != 'a' || b[3] != a[3] {
		return false
	}
	apart := 0
	for i := range a {
		x, y := a[i], b[i]
		if x.kind != y.kind || (x.kind != kVowel && x.c != y.c) {
			return false
		}
		if x.kind == kVowel && x.c != y.c {
			if i == 0 || i == len(a)-1 {
				return false // the ends are endsApart's
			}
			p, q := x.c, y.c
			if p == 'o' {
				p = 'u'
			}
			if q == 'o' {
				q = 'u'
			}
			if p == 'e' || q == 'e' || p == q {
				return false
			}
			apart++
		}
	}
	return apart == 1
}

// elApart reports whether a Hebrew name ending in ל without the aleph or
// ʿayin of a theophoric -el (מיכאל Michael, דניאל Daniel, יעל Yael)
// stands against a Latin name that sounds one, a vowel before its final
// el: מיכל is Michal, not Michael.
func elApart(hebrew, latin string) bool {
	h := []rune(hebrew)
	n := len(h)
	if n < 3 || h[n-1] != 'ל' || h[n-2] == 'א' || h[n-2] == 'ע' {
		return false
	}
	l := len(latin)
	return l >= 4 && latin[l-2:] == "el" && strings.IndexByte("aeiou", latin[l-3]) >= 0
}

// vowelled reports a script whose letters write every vowel, so that a
// name's vowels are as given, not a reader's choice: Latin (and what is
// read into it letter for letter), Armenian and Georgian.
func vowelled(s Script) bool { return s == Latin || s == Armenian || s == Georgian }

// vowelsApart reports whether two names of four letters, consonant and
// vowel in turn, have the same consonants and every vowel different:
// Nino and Nana, Dina and Duna are different names. An e may stand for
// any short vowel, and o and u are one (Hoda, Huda): such a pair is left
// to the sounds, as is one vowel apart (vowelApart, endsApart).
func vowelsApart(a, b []unit) bool {
	if len(a) != 4 || len(b) != 4 {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		want := kCons
		if i%2 == 1 {
			want = kVowel
		}
		if x.kind != want || y.kind != want {
			return false
		}
		if want == kCons {
			if x.c != y.c {
				return false
			}
			continue
		}
		p, q := x.c, y.c
		if p == 'o' {
			p = 'u'
		}
		if q == 'o' {
			q = 'u'
		}
		if p == q || p == 'e' || q == 'e' {
			return false
		}
	}
	return true
}

// patternApart reports whether x writes a doubled consonant and a before
// its last consonants where y writes that consonant once and an i (i, ee,
// ie, ei): the pattern of a trade or a habit (faʿʿāl: Haddad, Hammad,
// Jabbar, Fattah) against another name of the same root (Hadid, Hamid,
// Jabir, Fatih). A name written once with its consonant doubled and once
// not (Haddad, Hadad) keeps its vowel, and stays one name; an e may be
// the Maghrebi a (Hassan, Hasen), so it says nothing.
func patternApart(x, y string) bool {
	isV := func(b byte) bool { return strings.IndexByte("aeiouy", b) >= 0 }
	for i := 1; i+3 < len(x); i++ {
		c := x[i]
		if isV(c) || x[i+1] != c || x[i+2] != 'a' || !isV(x[i-1]) {
			continue
		}
		tail := x[i+3:]
		if strings.IndexAny(tail, "aeiouy") >= 0 {
			continue
		}
		for _, v := range []string{"i", "ee", "ie", "ei"} {
			if y == x[:i+1]+v+tail {
				return true
			}
		}
	}
	return false
}

// offReadingCost is taken from the similarity of a Chinese or Korean part
// and a Latin part spelt as none of its readings (see readingOf).
const offReadingCost = 0.1

// asReadSim is the least similarity of a Chinese or Korean part and a
// Latin part spelt as one of its readings: what a reading other than the
// first scores (spanSim takes 0.05 off an alternative reading).
const asReadSim = 0.95

// readingFit is how a Latin part stands to the readings of a Chinese or
// Korean part (readingOf).
type readingFit int8

const (
	notRead readingFit = iota // not such a pair: nothing is known
	asRead                    // spelt as one of its readings
	offRead                   // spelt as none of them
)

// readingOf tells, when one of x and y is a Chinese or Korean part and
// the other a Latin part, whether the Latin part is spelt as one of its
// readings.
//
// A part written with one character is checked against the readings the
// character has (pinyin, Wade–Giles, Cantonese, a surname's usual
// spellings; Revised Romanization, McCune–Reischauer and the spellings
// people choose). Those readings are known, and a syllable is short: one
// sound off makes another syllable and another name (朱 Zhu is not Shu,
// 成 Cheng is not Sheng, 郭 Guo is not Ko), where the same difference
// between two Latin spellings of an Arabic name is a spelling (Chouaib,
// Shuayb). A Korean part of two syllables or more is checked syllable by
// syllable (koreanSpelt): its Latin spelling must cut into a spelling of
// each (정은: Jeong-eun, Jong Un, Chung Eun), so that 상훈 is not Song Un
// nor 정숙 Jong Sik, while 준영 is Chun Yong and 현우 Hyun-woo, which
// the sounds alone took for another name. A Chinese part of two
// characters is left to the sounds: its readings run into each other too
// much to cut (xian is xi-an or xian).
//
// A part spelt as a reading is as close as a reading (asReadSim); one
// spelt otherwise is taken a little further off (offReadingCost), so that
// two such parts do not make an alert on their own, and one that does not
// even sound as a reading is another name (at most genderedEnding, under
// the conflict line): the letters the cross-script alignment lets pass
// for an Arabic ج or ق (Gang, Jang) are two Korean or Chinese syllables,
// and a common surname weighing little must not let them through.
func readingOf(x, y *span) readingFit {
	if len(y.readings) > 0 || y.hangul != "" {
		x, y = y, x
	}
	if y.script != Latin || len(x.readings) == 0 && x.hangul == "" {
		return notRead
	}
	if x.hangul != "" {
		if koreanSpelt(x.hangul, y.text+y.tail) {
			return asRead
		}
		return offRead
	}
	// Only a Chinese or Korean syllable standing alone keeps its readings
	// (Token.readings). The Latin part is taken as written, its two words
	// joined (Jun-young, Eun Ji).
	for _, r := range x.readings {
		if len(r) == len(y.text)+len(y.tail) && strings.HasPrefix(r, y.text) && strings.HasSuffix(r, y.tail) {
			return asRead
		}
	}
	return offRead
}

// nearReadingsFrom is the similarity from which a part's near readings
// (Token.near) are compared too.
const nearReadingsFrom = 0.5

// genderedEnding is the most two spellings that end in different written
// vowels, one of them a, may be alike: Hafsa and Hafsi, Amina and Amine,
// Karima and Karim's sister Karimi are different names, and so are the
// pinyin Minghua and Minghui (under the conflict line, so that the rest of
// a name cannot carry them).
const genderedEnding = 0.8

// endsApartCommon reports whether x and y, single Latin parts of which
// one is a frequent given name (weighing little), were held apart by
// their written endings (see genderedEnding): Ali and Alia are two
// persons however common Ali is.
func endsApartCommon(x span, y Token, s float64) bool {
	if x.script != Latin || y.Script != Latin || s > genderedEnding || s < genderedEnding-0.02 || y.particle {
		return false
	}
	if math.Min(x.weight, y.Weight) < 0.3 || !endsApart(x.units, y.units) {
		return false
	}
	// an e or i after a vowel may write a final hamza: Alae, Alaa (آلاء)
	for _, us := range [2][]unit{x.units, y.units} {
		if n := len(us); us[n-1].c != 'a' && us[n-2].kind != kCons {
			return false
		}
	}
	return true
}

// endsApart reports whether two short readings with written vowels end
// one in a, the other in i or e (a feminine or a masculine ending, or two
// pinyin finals); Lukashenka and Lukashenko are one name, and long.
func endsApart(a, b []unit) bool {
	if len(a) < 2 || len(b) < 2 || len(a) > 7 || len(b) > 7 {
		return false
	}
	x, y := a[len(a)-1].c, b[len(b)-1].c
	if a[len(a)-1].kind != kVowel || b[len(b)-1].kind != kVowel {
		return false
	}
	if y == 'a' {
		x, y = y, x
	}
	return x == 'a' && (y == 'i' || y == 'e')
}

func codeAt(cs [][]uint8, i int) []uint8 {
	if i < len(cs) {
		return cs[i]
	}
	return nil
}

// cacheKey identifies a pair (query span, span of b) by the ids of b's
// tokens; ok is false when b's tokens have no ids.
func cacheKey(i int, b Name, y bspan) (uint64, bool) {
	from, to := b.Tokens[y.from].ID, b.Tokens[y.to].ID
	if from == 0 || to == 0 || from >= 1<<24 || to >= 1<<24 || i >= 1<<15 {
		return 0, false
	}
	return uint64(i)<<48 | uint64(from)<<24 | uint64(to), true
}

// CompareNames scores two parsed names. Parts are aligned regardless of
// order; a part may match two adjacent parts written as one word.
func CompareNames(a, b Name) Result {
	if len(a.Tokens) == 0 || len(b.Tokens) == 0 {
		return Result{Parts: []Part{{A: a.Original, B: b.Original, Note: "missing"}}}
	}
	return compare(a, spans(a), b, nil, true, false)
}

// Matcher compares one name with many, remembering the similarity of each
// of its parts with each part of the others: the names a screening query
// is compared with share most of their parts.
type Matcher struct {
	q     Name
	spans []span
	cache map[uint64]float64
	// SoundOnly leaves out the letter-by-letter similarity that lifts a
	// misspelt part's score (never above the conflict line). A screening
	// at the alert threshold sets it: on 22,744 queries it changed no
	// answer, two scores by 0.01, for an eighth of the work.
	SoundOnly bool
	// typo marks the query's parts that may be typing errors (see
	// MayBeTypo); nil when none may.
	typo []uint8
	// Confirmed says that something besides the name (the date of birth)
	// agrees with the name compared next: a typing error in the query
	// is then believed even when no other part of the name agrees.
	Confirmed bool
	// scratch reused by every comparison
	pairs []pair
	join  [64]uint8
}

// typoSim is the similarity of a query part one typing error from a part
// of the other name, when the query part is no known name: a border
// officer typing a passport's name by hand. With one other part that
// agrees, a two-part name then scores over the alert threshold.
const typoSim = 0.9

// MayBeTypo marks query part i (a Latin part) as possibly mistyped. A
// part one typing error (insertion, deletion, substitution or
// transposition) from a part of the other name then counts as that part
// at typoSim, provided no other part is itself taken as mistyped, and
// that something vouches for it:
//   - listed is false (whoever keeps the vocabulary of names compared
//     knows that no name is written so), both parts have three letters
//     or more and one of them four, and another part of the name agrees,
//     or the whole name is that one part (besides particles and legal
//     forms, which cannot vouch);
//   - listed is false, a part has two or three letters, and another part
//     that weighs something agrees exactly (Wei Sup for Wei Sun);
//   - listed is true, or the parts are that short, and two other parts
//     that weigh something agree (Daniel Pere Rojas for Daniel Perez
//     Rojas): a full name one letter from the listed one;
//   - or Confirmed is set (the date of birth agrees).
//
// Two listed names one letter apart (Hafsa, Hafsi; Michal, Michael) are
// otherwise taken for different names, and so are two short names one
// letter apart that are both names (Isa, Issa; Soe, Sue).
func (m *Matcher) MayBeTypo(i int, listed bool) {
	if i < 0 || i >= len(m.q.Tokens) {
		return
	}
	if t := m.q.Tokens[i]; t.Script != Latin || t.particle || len(t.Text) < 2 || t.num != 0 {
		return // a number one digit off is another number
	}
	if m.typo == nil {
		m.typo = make([]uint8, len(m.q.Tokens))
	}
	m.typo[i] = typoUnlisted
	if listed {
		m.typo[i] = typoListed
	}
}

// What a query part may be (Matcher.typo).
const (
	typoNo       = iota
	typoListed   // a listed name: a typing error only if Confirmed
	typoUnlisted // no listed name is written so
)

// OneTypo reports whether a and b, normalised Latin parts, are one
// typing error apart (see oneTypo).
func OneTypo(a, b string) bool { return oneTypo(a, b) }

// oneTypo reports whether a and b (normalised Latin) are one insertion,
// deletion, substitution or transposition of adjacent letters apart.
func oneTypo(a, b string) bool {
	if a == b || len(a)-len(b) > 1 || len(b)-len(a) > 1 {
		return false
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) > len(b): // a has one letter more
		return a[i+1:] == b[i:]
	case a[i+1:] == b[i+1:]: // one substitution
		return true
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// typoPair reports whether the single parts x (of the query) and y (of b)
// are a possibly mistyped query part and the part it would be.
func (m *Matcher) typoPair(x span, b Name, y bspan) bool { return m.typoKind(x, b, y) != typoNone }

// How a query part may be taken for another mistyped (Matcher.typoKind),
// and what must vouch for it (Matcher.compare):
//   - typoSure: one other part that agrees, or nothing else in the name;
//   - typoShort, a part of two or three letters no listed name is written
//     as: another part that weighs something and agrees exactly;
//   - typoLoose, a listed name, or a short part of a longer name: two
//     such parts (Daniel Pere Rojas, Kyong Hak Km).
const (
	typoNone = iota
	typoSure
	typoShort
	typoLoose
)

// oneOff returns the text of y when x and y are single parts, x a query
// part marked as possibly mistyped (MayBeTypo) and y a Latin part one
// typing error from it.
func (m *Matcher) oneOff(x span, b Name, y bspan) (string, bool) {
	if m == nil || x.from != x.to || y.from != y.to || x.from >= len(m.typo) || m.typo[x.from] == typoNo || y.script != Latin {
		return "", false
	}
	t := b.Tokens[y.from].Text
	return t, oneTypo(x.text, t)
}

func (m *Matcher) typoKind(x span, b Name, y bspan) int {
	t, ok := m.oneOff(x, b, y)
	switch {
	case !ok:
		return typoNone
	case m.Confirmed && len(t) >= 3:
		return typoSure
	case m.typo[x.from] == typoUnlisted && min(len(x.text), len(t)) >= 3 && max(len(x.text), len(t)) >= 4:
		return typoSure
	case m.typo[x.from] == typoUnlisted && min(len(x.text), len(t)) >= 2:
		return typoShort
	case abbreviationLetter(x, t, b, y):
		// a letter of an abbreviation with a letter too many (SW.A. for
		// S.A., C.VP for C.V.): it weighs what the letter weighs
		// (mistypedAs), and the rest of the name vouches for it
		return typoSure
	case min(len(x.text), len(t)) >= 2 && len(m.q.Tokens) >= 3 && len(b.Tokens) >= 3:
		// Two other parts must agree: a name of fewer parts on either
		// side cannot vouch, and is not aligned twice for it.
		return typoLoose
	}
	return typoNone
}

// initials reports whether n's part i is a letter beside another letter:
// one of an abbreviation (S.A., C.V., S.R.L.).
func initials(n Name, i int) bool {
	letter := func(j int) bool {
		return j >= 0 && j < len(n.Tokens) && n.Tokens[j].Script == Latin && len(n.Tokens[j].Text) == 1 && n.Tokens[j].num == 0
	}
	return letter(i) && (letter(i-1) || letter(i+1))
}

// mistypedAs reports whether x, a single query part no listed name is
// written as (or an abbreviation's letter mistyped), is one typing error
// from y, a single Latin part of b: it then weighs what y weighs.
func (m *Matcher) mistypedAs(x span, b Name, y bspan) bool {
	t, ok := m.oneOff(x, b, y)
	return ok && (m.typo[x.from] == typoUnlisted || abbreviationLetter(x, t, b, y))
}

// abbreviationLetter reports whether x, a query part of two letters one
// typing error from t, b's part y, is a letter of an abbreviation typed
// with a letter too many: t is one letter beside another (initials). Two
// letters are often someone's part (GOSTARESH SW 8301), so a listed one
// may be so mistyped too: it weighs no more than the letter.
func abbreviationLetter(x span, t string, b Name, y bspan) bool {
	return len(x.text) == 2 && len(t) == 1 && initials(b, y.from)
}

// NewMatcher prepares comparisons of q with other names.
func NewMatcher(q Name) *Matcher {
	return &Matcher{q: q, spans: spans(q), cache: make(map[uint64]float64, 256)}
}

// Reset prepares m for another query, keeping its memory: a caller that
// screens many queries pools its matchers.
func (m *Matcher) Reset(q Name) {
	// The spans' array is the matcher's, reused query after query (a
	// pooled matcher serves one query at a time).
	clear(m.spans)
	m.q, m.spans, m.SoundOnly, m.typo, m.Confirmed = q, appendSpans(m.spans[:0], q), false, nil, false
	clear(m.cache)
}

// Compare scores the matcher's name against b, without the explanation
// (see Explain). Parts of b with an ID (set by whoever keeps a dictionary
// of parts) are cached.
func (m *Matcher) Compare(b Name) Result {
	if len(m.q.Tokens) == 0 || len(b.Tokens) == 0 {
		return Result{}
	}
	return m.compare(b, false)
}

// compare scores b, believing a typing error in the query only where
// the rest of the name (or Confirmed) vouches for it.
func (m *Matcher) compare(b Name, explain bool) Result {
	r := compare(m.q, m.spans, b, m, explain, m.typo != nil)
	switch {
	case r.typos == 0:
		return r
	case r.typos == 1 && r.loose == 0 && r.short == 0 && (r.vouched || m.Confirmed || m.whole(b)):
		return r
	case r.typos == 1 && r.loose == 1 && r.vouchers >= 2:
		return r
	case r.typos == 1 && r.short == 1 && r.vouchers >= 1:
		return r
	}
	return compare(m.q, m.spans, b, m, explain, false)
}

// whole reports whether the query and b are each one part (of five
// letters or more in the query), or one part besides particles and legal
// forms (CANADUH S.A. for CANADUZ S.A.): nothing else can vouch for a
// typing error in it.
func (m *Matcher) whole(b Name) bool {
	qi, qOne := soleWeighty(m.q)
	_, bOne := soleWeighty(b)
	return qOne && bOne && len(m.q.Tokens[qi].Text) >= 5
}

// OnePart reports whether n has one part only besides particles and
// legal forms (Abu Zubaydah, CANADUZ S.A.): nothing else in it can vouch
// for a typing error in that part (see Matcher.whole).
func (n Name) OnePart() bool {
	_, one := soleWeighty(n)
	return one
}

// soleWeighty reports whether n has one part only besides particles,
// legal forms and what weighs as little (initials), and which.
func soleWeighty(n Name) (int, bool) {
	at := -1
	for i, t := range n.Tokens {
		if t.Weight >= 0.3 && !t.particle && !(t.Script == Latin && legalForms[t.Text]) {
			if at >= 0 {
				return 0, false
			}
			at = i
		}
	}
	return at, at >= 0
}

// Explain scores the matcher's name against b with the explanation.
func (m *Matcher) Explain(b Name) Result {
	if len(m.q.Tokens) == 0 || len(b.Tokens) == 0 {
		return Result{Parts: []Part{{A: m.q.Original, B: b.Original, Note: "missing"}}}
	}
	return m.compare(b, true)
}

// singlesSuffice reports whether single parts already align every part
// closely: two-part spans could then only do worse.
func singlesSuffice(sorted []pair, n int) bool {
	var used, usedJ [64]bool
	matched := 0
	for _, c := range sorted {
		if c.i >= 64 || c.j >= 64 {
			return false
		}
		if used[c.i] || usedJ[c.j] {
			continue
		}
		if c.sim < 0.95 {
			return false
		}
		used[c.i], usedJ[c.j] = true, true
		matched++
	}
	return matched == n
}

// bspan is a span of the compared name, built lazily: most are only
// looked up in the cache.
type bspan struct {
	from, to int
	weight   float64
	script   Script
}

func bspans(n Name, buf []bspan) []bspan {
	for i, t := range n.Tokens {
		buf = append(buf, bspan{i, i, t.Weight, t.Script})
		if i+1 < len(n.Tokens) && n.Tokens[i+1].Script == t.Script {
			buf = append(buf, bspan{i, i + 1, math.Max(t.Weight, n.Tokens[i+1].Weight), t.Script})
		}
	}
	return buf
}

// span builds y's span of n. A two-part span is joined in buf when both
// parts have codes (its units are then not needed), so that comparing a
// query with many names allocates nothing per pair.
func (y bspan) span(n Name, buf []uint8) span {
	t := n.Tokens[y.from]
	if y.from == y.to {
		return tokenSpan(y.from, t, y.weight)
	}
	u := n.Tokens[y.to]
	if t.codes != nil && u.codes != nil && len(t.codes)+len(u.codes) <= cap(buf) {
		return span{from: y.from, to: y.to, codes: joinCodes(buf[:0], t.codes, u.codes), text: t.Text, tail: u.Text, script: t.Script, weight: y.weight}
	}
	return joinedSpan(y.from, t, u, y.weight)
}

func (y bspan) text(n Name) string {
	if y.from == y.to {
		return n.Tokens[y.from].Text
	}
	return n.Tokens[y.from].Text + " " + n.Tokens[y.to].Text
}

type pair struct {
	i, j   int
	sim    float64
	single bool
	weight float64
}

func (m *Matcher) sim(i int, x span, b Name, y bspan, typos bool) float64 {
	if typos && m.typoPair(x, b, y) {
		return math.Max(typoSim, m.sim(i, x, b, y, false))
	}
	if m != nil {
		if key, ok := cacheKey(i, b, y); ok {
			if v, hit := m.cache[key]; hit {
				return v
			}
			v := spanSim(x, y.span(b, m.join[:]), !m.SoundOnly)
			m.cache[key] = v
			return v
		}
		return spanSim(x, y.span(b, m.join[:]), !m.SoundOnly)
	}
	var buf [64]uint8
	return spanSim(x, y.span(b, buf[:]), true)
}

// before orders the candidate pairs of an alignment: the closest first;
// among equals single parts before spans, the heavier before the lighter,
// and then by place, so that the order is total.
func (x *pair) before(y *pair) bool {
	switch {
	case x.sim != y.sim:
		return x.sim > y.sim
	case x.single != y.single:
		return x.single
	case x.weight != y.weight:
		return x.weight > y.weight
	case x.i != y.i:
		return x.i < y.i
	}
	return x.j < y.j
}

// sortPairs sorts the pairs from sorted on (already in order) by before.
// A name has a few parts, so there are a few dozen pairs at most: an
// insertion sort does less than a general one.
func sortPairs(ps []pair, sorted int) {
	for i := max(sorted, 1); i < len(ps); i++ {
		p := ps[i]
		j := i
		for j > 0 && p.before(&ps[j-1]) {
			ps[j] = ps[j-1]
			j--
		}
		ps[j] = p
	}
}

// spanPenalty is taken from a two-part span's similarity, so that among
// equals the parts as written are aligned first.
const spanPenalty = 0.02

// compare aligns the parts of a and b and scores the alignment. Single
// parts are tried first; two-part spans (Bel Hadj ~ Belhaj) only when the
// single parts leave something poorly matched. Parts of the explanation
// are built only when explain is set.
func compare(a Name, sa []span, b Name, m *Matcher, explain, typos bool) Result {
	var sbBuf [16]bspan
	sb := bspans(b, sbBuf[:0])
	var cands []pair
	if m != nil {
		cands = m.pairs[:0]
		defer func() { m.pairs = cands[:0] }()
	} else {
		cands = make([]pair, 0, 64)
	}
	add := func(i, j int) {
		x, y := sa[i], sb[j]
		s := m.sim(i, x, b, y, typos)
		single := x.from == x.to && y.from == y.to
		if !single {
			s -= spanPenalty
		}
		// Among equals, prefer parts in the same place in both names.
		s -= 0.001 * math.Abs(float64(x.from)/float64(len(a.Tokens))-float64(y.from)/float64(len(b.Tokens)))
		cands = append(cands, pair{i, j, s, single, math.Max(x.weight, y.weight)})
	}
	for i, x := range sa {
		if x.from != x.to {
			continue
		}
		for j, y := range sb {
			if y.from == y.to {
				add(i, j)
			}
		}
	}
	sortPairs(cands, 0)
	if len(a.Tokens) != len(b.Tokens) || !singlesSuffice(cands, len(a.Tokens)) {
		singles := len(cands)
		// A span's similarity is at most 1 - spanPenalty, so every single
		// pair above that is taken before any span is looked at, and the
		// parts it takes are not free for a span: spans over them cannot
		// change the alignment and are not compared. (Names of companies
		// share most of their parts, and each would otherwise be tried
		// against every pair of the other's.)
		var takenA, takenB [64]bool
		settled := len(a.Tokens) <= 64 && len(b.Tokens) <= 64
		if settled {
			for _, c := range cands {
				if c.sim < 1-spanPenalty {
					break
				}
				x, y := sa[c.i].from, sb[c.j].from
				if !takenA[x] && !takenB[y] {
					takenA[x], takenB[y] = true, true
				}
			}
		}
		for i, x := range sa {
			if settled && (takenA[x.from] || takenA[x.to]) {
				continue
			}
			for j, y := range sb {
				if (x.from != x.to) != (y.from != y.to) && !(settled && (takenB[y.from] || takenB[y.to])) {
					add(i, j)
				}
			}
		}
		sortPairs(cands, singles)
	}
	var usedBuf [32]bool
	used := usedBuf[:0]
	if len(a.Tokens)+len(b.Tokens) > len(usedBuf) {
		used = make([]bool, 0, len(a.Tokens)+len(b.Tokens))
	}
	used = used[:len(a.Tokens)+len(b.Tokens)]
	usedA, usedB := used[:len(a.Tokens)], used[len(a.Tokens):]
	free := func(used []bool, from, to int) bool {
		for i := from; i <= to; i++ {
			if used[i] {
				return false
			}
		}
		return true
	}
	var parts []Part
	num, den := 0.0, 0.0
	conflicts, strong := 0, 0
	nTypos, vouched := 0, false
	loose, short, vouchers := 0, 0, 0
	for _, c := range cands {
		x, y := sa[c.i], sb[c.j]
		if !free(usedA, x.from, x.to) || !free(usedB, y.from, y.to) {
			continue
		}
		for i := x.from; i <= x.to; i++ {
			usedA[i] = true
		}
		for i := y.from; i <= y.to; i++ {
			usedB[i] = true
		}
		w := c.weight
		if c.single && m.mistypedAs(x, b, sb[c.j]) {
			// A query part no listed name is written as, one typing error
			// from the other name's part, is that part mistyped: it weighs
			// what that part weighs, not what an unknown name would (LHD
			// for the LTD of a company, KM for the Kim of a family).
			w = sb[c.j].weight
		}
		s := math.Max(0, math.Min(1, c.sim))
		note := "match"
		g := s
		if s < 0.9 {
			g = math.Max(0, s-2*(0.9-s))
		}
		kind := typoNone
		if typos && c.single && s <= typoSim && s >= typoSim-0.01 {
			kind = m.typoKind(x, b, sb[c.j])
		}
		switch {
		case kind != typoNone:
			note = "typo"
			nTypos++
			switch kind {
			case typoLoose:
				loose++
			case typoShort:
				short++
			}
			if w >= 0.3 {
				strong++
			}
		case s < conflictBelow && (math.Min(x.weight, y.weight) > 0.3 || c.single && (endsApartCommon(x, b.Tokens[y.from], s) || x.num != 0 && b.Tokens[y.from].num != 0)):
			note = "conflict"
			conflicts++
		case w >= 0.3:
			strong++
			vouched = vouched || s >= 0.95
			if w >= 0.5 && s >= 0.95 {
				vouchers++
			}
		}
		num += w * g
		den += w
		if explain {
			parts = append(parts, Part{A: x.label(), B: y.text(b), Sim: s, Weight: w, Note: note})
		}
	}
	lambda := 0.15
	if strong < 2 {
		lambda = 1.0
	}
	// A name written in Chinese or Korean characters has no middle names
	// to leave out: a syllable one name has and the other not makes
	// another given name (王文 and Wang Wen Chou are two persons).
	if lambda < 0.6 && (a.ReadFromCJK() || b.ReadFromCJK()) {
		lambda = 0.6
	}
	for _, side := range [2]struct {
		n    Name
		used []bool
		isA  bool
	}{{a, usedA, true}, {b, usedB, false}} {
		for i, t := range side.n.Tokens {
			if side.used[i] {
				continue
			}
			l, w := lambda, t.Weight
			if i == 0 && len(side.n.Tokens) > 1 && !t.particle {
				// A missing first given name is another person of the same
				// family (Qusay Saddam Hussein; Ali Saddam Hussein, his
				// son), not a dropped middle name: however common the
				// name, it counts as a full part. (On the UN list's
				// Arabic-script names this took false matches between
				// relatives from 15 to 3 in 7,888 pairs, recall unchanged.)
				l, w = math.Max(l, 0.6), math.Max(w, 1)
			}
			den += w * l
			if explain {
				p := Part{Weight: t.Weight, Note: "missing"}
				if side.isA {
					p.A = t.Text
				} else {
					p.B = t.Text
				}
				parts = append(parts, p)
			}
		}
	}
	if explain {
		for _, u := range a.Unread {
			parts = append(parts, Part{A: u, Note: "unread"})
		}
		for _, u := range b.Unread {
			parts = append(parts, Part{B: u, Note: "unread"})
		}
	}
	score := 0.0
	if den > 0 {
		score = num / den
	}
	score *= math.Pow(0.8, float64(conflicts))
	if strong == 0 {
		score *= 0.5 // only particles and articles agree: that is no name match
	}
	score = math.Round(score*1000) / 1000
	return Result{Score: score, Match: score >= DefaultThreshold, Parts: parts, typos: nTypos, vouched: vouched, loose: loose, short: short, vouchers: vouchers}
}

// ReadFromCJK reports whether every part of n was read from Chinese or
// Korean characters.
func (n Name) ReadFromCJK() bool {
	for _, t := range n.Tokens {
		if t.Script != Chinese && t.Script != Korean {
			return false
		}
	}
	return len(n.Tokens) > 0
}

// Particle reports whether the token is a particle (ben, abu, al…), which
// names keys only joined to the next token.
func (t Token) Particle() bool { return t.particle }

// Key returns the cross-script consonant keys of a token: consonant
// classes with vowels, ayn and doubled letters dropped; ambiguous letters
// give at most two keys.
func (t Token) Key() []string { return keysOf(t.units) }

func keysOf(us []unit) []string {
	var a, b []byte
	branched := false
	push := func(x, y byte) {
		if len(a) == 0 || a[len(a)-1] != x {
			a = append(a, x)
		}
		if branched {
			if len(b) == 0 || b[len(b)-1] != y {
				b = append(b, y)
			}
		}
	}
	for i, u := range us {
		switch u.kind {
		case kVowel, kAyn, kLongA, kApos:
			continue
		case kW, kY:
			if i != 0 {
				continue
			}
		case kH:
			continue
		}
		c := u.c
		if (c == 'w' || c == 'y') && i != 0 {
			continue
		}
		if c == 'h' && i == len(us)-1 && i > 0 {
			continue
		}
		switch c {
		case 'p':
			c = 'b'
		case 'v':
			c = 'f'
		}
		alt := u.alt
		if u.kind == kY {
			alt = 0
		}
		switch c {
		case 'g':
			c, alt = 'j', 'k'
		case cTh:
			c, alt = 't', 's'
		case cDh:
			c, alt = 'd', 'z'
		case cZa:
			c, alt = 'z', 'd'
		}
		if alt != 0 && !branched {
			b = append([]byte(nil), a...)
			branched = true
			push(c, alt)
			continue
		}
		push(c, c)
	}
	if len(a) == 0 {
		return nil
	}
	if branched && string(a) != string(b) {
		return []string{string(a), string(b)}
	}
	return []string{string(a)}
}

// Keys returns the retrieval keys of a name: each token's keys, the keys
// of a particle joined to the next token, and of a token without a glued
// particle (Benslimane also keys as slimane).
func (n Name) Keys() []string {
	seen := map[string]bool{}
	var out []string
	for i := range n.Tokens {
		for _, k := range n.TokenKeys(i) {
			if k != "" && !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// TokenKeys is what part i adds to Keys: its own key unless it is a
// particle, its other readings' keys, the key of a particle glued to the
// next part, of a glued article taken off, and of each syllable of a
// Chinese or Korean part. Keys may repeat.
func (n Name) TokenKeys(i int) []string {
	t := n.Tokens[i]
	var out []string
	if !t.particle {
		out = append(out, keysOf(t.units)...)
	}
	for _, alt := range t.alts[:len(t.alts)-t.unkeyed] {
		out = append(out, keysOf(alt)...)
	}
	if i+1 < len(n.Tokens) && t.particle {
		out = append(out, keysOf(collapse(append(append([]unit(nil), t.units...), n.Tokens[i+1].units...)))...)
	}
	if rest, ok := unglued(t); ok {
		out = append(out, keysOf(rest)...)
	}
	if len(t.syllables) > 1 {
		for _, s := range t.syllables {
			out = append(out, keysOf(latinUnits(s))...)
		}
	}
	return out
}

// unglued strips a particle written as part of a token (Benslimane,
// Abdelhak after canonicalisation abdhak, بنسليمان).
func unglued(t Token) ([]unit, bool) {
	prefixes := []string{"abd-", "ben", "bin", "bel", "abu", "abou", "ibn"}
	if t.Script == Arabic {
		for _, p := range []string{"عبد", "بن", "بل", "ابو"} {
			if rest, ok := strings.CutPrefix(t.Text, p); ok && len([]rune(rest)) >= 3 {
				return arabicUnits(stripArabicArticle(rest)), true
			}
		}
		return nil, false
	}
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(t.Text, p); ok && len(rest) >= 3 {
			return latinUnits(rest), true
		}
	}
	return nil, false
}

// legalForms are the words of company names that say what kind of company
// it is, not which: they weigh little.
var legalForms = map[string]bool{"sa": true, "sas": true, "sarl": true, "cv": true, "ltd": true, "llc": true, "inc": true, "co": true,
	"company": true, "corp": true, "corporation": true, "limited": true, "group": true, "trading": true, "international": true,
	"gmbh": true, "bv": true, "srl": true, "spa": true, "ag": true, "jsc": true, "ojsc": true, "ooo": true, "pjsc": true, "plc": true,
	"holding": true, "holdings": true, "enterprises": true, "enterprise": true, "establishment": true, "sac": true, "sl": true, "llp": true}

// common lists given names so frequent that sharing one says little, by
// retrieval key and whether the name begins with a vowel (see
// commonKey): Hamid shares Ahmed's consonants, not his name.
var common = map[commonKey]float64{}

// commonKey is a retrieval key and whether the name it keys begins with
// a vowel (or ʿayn, alef): Ahmed and أحمد do, Hamid and حامد do not.
type commonKey struct {
	key    string
	vowel0 bool
}

func startsWithVowel(us []unit) bool {
	if len(us) == 0 {
		return false
	}
	switch us[0].kind {
	case kVowel, kAyn, kLongA, kApos:
		return true
	}
	return false
}

func init() {
	for w, names := range map[float64][]string{
		0.3: {"mohamed", "muhammad", "mohammed", "mohammad", "mohamad", "ahmed", "ahmad", "ali", "abdallah", "abdullah"},
		0.5: {"hassan", "hussein", "ibrahim", "youssef", "yusuf", "omar", "khalid", "said", "fatima", "aisha", "mustafa", "mahmoud",
			"maria", "jose", "juan", "john", "james", "david", "michael", "robert", "wang", "li", "zhang", "liu", "chen", "kumar", "singh",
			"ivan", "alexander", "aleksandr", "sergey", "vladimir", "mamadou", "ibrahima", "abdul", "abdel", "nguyen", "kim", "lee", "smith"},
	} {
		for _, n := range names {
			us := latinUnits(latinCompound(n))
			for _, k := range keysOf(us) {
				ck := commonKey{k, startsWithVowel(us)}
				if cur, ok := common[ck]; !ok || w < cur {
					common[ck] = w
				}
			}
		}
	}
}

// weightOf is how much a token counts: particles little, frequent given
// names less than the rest.
func weightOf(t Token) float64 {
	if t.particle || (t.Script == Latin && len(t.Text) == 1) {
		return 0.2 // particles and initials (and the S, A, C, V of "S.A. de C.V.")
	}
	if t.Script == Latin && legalForms[t.Text] {
		return 0.3
	}
	w := 1.0
	v := startsWithVowel(t.units)
	for _, k := range keysOf(t.units) {
		if c, ok := common[commonKey{k, v}]; ok && c < w {
			w = c
		}
	}
	return w
}

// Spelling compares two normalised Latin spellings letter by letter (see
// spelling): for ranking misspelt queries, never for deciding a match.
func Spelling(a, b string) float64 { return spelling(a, b) }

// spellingMayExceed reports whether spelling(a, b) can be above floor. It
// counts letters: every edit changes the counts by at most one on each
// side, so the larger excess of one side's letters over the other's is a
// lower bound of the distance. Most pairs of unrelated parts are refused
// here, for the price of two passes over their bytes.
// Each side is given in two pieces (a two-part span's parts) so that
// nothing is joined to be counted.
func spellingMayExceed(a1, a2, b1, b2 string, floor float64) bool {
	var count [256]int8
	n, m := 0, 0
	for _, a := range [2]string{a1, a2} {
		for i := 0; i < len(a); i++ {
			if a[i] != ' ' {
				count[a[i]]++
				n++
			}
		}
	}
	for _, b := range [2]string{b1, b2} {
		for i := 0; i < len(b); i++ {
			if b[i] != ' ' {
				count[b[i]]--
				m++
			}
		}
	}
	if n == 0 || m == 0 || n > 40 || m > 40 {
		return false
	}
	plus, minus := 0, 0
	for _, a := range [2]string{a1, a2} {
		for i := 0; i < len(a); i++ {
			if c := a[i]; c != ' ' && count[c] > 0 {
				plus += int(count[c])
				count[c] = 0
			}
		}
	}
	for _, b := range [2]string{b1, b2} {
		for i := 0; i < len(b); i++ {
			if c := b[i]; c != ' ' && count[c] < 0 {
				minus -= int(count[c])
				count[c] = 0
			}
		}
	}
	return 1-float64(max(plus, minus))/float64(max(n, m)) > floor
}

// spelling is one minus the optimal string alignment distance (insertions,
// deletions, substitutions, adjacent transpositions) over the longer
// length, on normalised Latin text.
func spelling(a, b string) float64 {
	a, b = strings.ReplaceAll(a, " ", ""), strings.ReplaceAll(b, " ", "")
	n, m := len(a), len(b)
	if n == 0 || m == 0 || n > 40 || m > 40 {
		return 0
	}
	var rows [3][41]int
	pp, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= m; j++ {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		for j := 1; j <= m; j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			best := min(prev[j-1]+c, prev[j]+1, cur[j-1]+1)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				best = min(best, pp[j-2]+1)
			}
			cur[j] = best
		}
		pp, prev, cur = prev, cur, pp
	}
	return 1 - float64(prev[m])/float64(max(n, m))
}
