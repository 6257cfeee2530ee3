package bench

import (
	"sort"
	"unicode"

	"github.com/manara-hub/manara/internal/screen"
)

// namedScripts are the writing systems a refusal is counted under, in the
// order a name's letters are looked up.
var namedScripts = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Arabic", unicode.Arabic}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek},
	{"Hiragana", unicode.Hiragana}, {"Katakana", unicode.Katakana}, {"Han", unicode.Han}, {"Hangul", unicode.Hangul},
	{"Devanagari", unicode.Devanagari}, {"Bengali", unicode.Bengali}, {"Gurmukhi", unicode.Gurmukhi},
	{"Gujarati", unicode.Gujarati}, {"Oriya", unicode.Oriya}, {"Tamil", unicode.Tamil}, {"Telugu", unicode.Telugu},
	{"Kannada", unicode.Kannada}, {"Malayalam", unicode.Malayalam}, {"Sinhala", unicode.Sinhala}, {"Thai", unicode.Thai},
	{"Lao", unicode.Lao}, {"Khmer", unicode.Khmer}, {"Myanmar", unicode.Myanmar}, {"Hebrew", unicode.Hebrew},
	{"Armenian", unicode.Armenian}, {"Georgian", unicode.Georgian}, {"Ethiopic", unicode.Ethiopic},
	{"Tibetan", unicode.Tibetan}, {"Mongolian", unicode.Mongolian}, {"Latin", unicode.Latin},
}

// scriptOf names the writing system of a name: the first of its letters
// that is not Latin decides (a name with kana beside kanji is Japanese),
// else Latin, else "no letter".
func scriptOf(name string) string {
	found := ""
	for _, r := range name {
		if !unicode.IsLetter(r) {
			continue
		}
		for _, s := range namedScripts {
			if unicode.Is(s.table, r) {
				if s.name == "Hiragana" || s.name == "Katakana" {
					return "Japanese"
				}
				if found == "" || found == "Latin" {
					found = s.name
				}
				break
			}
		}
		if found == "" {
			found = "other"
		}
	}
	if found == "" {
		return "no letter"
	}
	return found
}

// scriptCount is how many names of one script there were and how many of
// them screening refused.
type scriptCount struct {
	Script          string
	Names, Refused  int
	RefusedExamples []string
}

// refusalsByScript validates each name as a screening query and counts the
// refusals under the name's script, most names first.
func refusalsByScript(names []string) []scriptCount {
	by := map[string]*scriptCount{}
	for _, n := range names {
		s := scriptOf(n)
		c := by[s]
		if c == nil {
			c = &scriptCount{Script: s}
			by[s] = c
		}
		c.Names++
		if q := (screen.PersonQuery{Name: n, Limit: 1}); q.Validate() != nil {
			c.Refused++
			if len(c.RefusedExamples) < 3 {
				c.RefusedExamples = append(c.RefusedExamples, n)
			}
		}
	}
	out := make([]scriptCount, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Names != out[j].Names {
			return out[i].Names > out[j].Names
		}
		return out[i].Script < out[j].Script
	})
	return out
}
