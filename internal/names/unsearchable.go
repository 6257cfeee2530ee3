package names

import (
	"strings"
	"unicode"
)

// Unsearchable says why a person's name has nothing to search by, naming
// everything it found: digits, punctuation, particles, kanji that need a
// dictionary, a script not read. It is "" when the name has a part worth
// searching (a part weighing more than a particle).
func Unsearchable(n Name) string {
	for _, t := range n.Tokens {
		// digits alone name a vessel or an aircraft, not a person
		if t.Weight > 0.2 && strings.IndexFunc(t.Text, unicode.IsLetter) >= 0 {
			return ""
		}
	}
	var numbers, punct, letters, unreadScript bool
	var particles, scripts, unreadLatin []string
	for _, t := range n.Tokens {
		if strings.IndexFunc(t.Text, unicode.IsLetter) < 0 {
			numbers = true // 4711 is no particle
		} else {
			particles = append(particles, t.Text)
		}
	}
	for _, r := range FoldWidth(n.Original) {
		switch {
		case unicode.IsNumber(r): // ², ٤ and Ⅻ as well as 4
			numbers = true
		case r == 'ʿ' || r == 'ʾ' || r == 'ʼ':
			punct = true // letters to Unicode, apostrophes to split
		case unicode.IsLetter(r):
			letters = true
			if f, _ := foreignOf(unicode.ToLower(r)); f != fNone || latinOf(r) != "" || isArabicLetter(r) {
				continue
			}
			// a Latin letter left unread (ʰ) is named itself: "a script
			// screening does not read (Latin)" would contradict the advice
			// to give the name in Latin letters
			if s := scriptName(r); s == "Latin" {
				if c := string(r); !contains(unreadLatin, c) {
					unreadLatin = append(unreadLatin, c)
				}
			} else {
				unreadScript = true
				if s != "" && !contains(scripts, s) {
					scripts = append(scripts, s)
				}
			}
		case unicode.IsPunct(r), unicode.IsSymbol(r):
			punct = true
		}
	}
	const none = "has no name part to search: "
	if !letters {
		switch {
		case numbers && punct:
			return none + "only digits and punctuation"
		case numbers:
			return none + "only digits"
		case punct:
			return none + "only punctuation or symbols"
		}
		return none + "only spaces or invisible characters"
	}
	var held []string
	if numbers {
		held = append(held, "digits")
	}
	if len(particles) > 0 {
		held = append(held, "particles, articles or initials ("+strings.Join(particles, " ")+")")
	}
	if len(unreadLatin) > 0 {
		held = append(held, "Latin letters screening does not read ("+strings.Join(unreadLatin, " ")+")")
	}
	if unreadScript {
		what := "letters of a script screening does not read"
		if len(scripts) > 0 {
			what += " (" + strings.Join(scripts, ", ") + ")"
		}
		held = append(held, what)
	}
	if len(n.Unread) > 0 {
		held = append(held, "kanji of a Japanese name ("+strings.Join(n.Unread, " ")+
			"), which cannot be read without a dictionary of names")
	}
	if len(held) == 0 {
		return none + "no letter screening reads"
	}
	if len(held) == 1 && numbers {
		// letters were there, and none is one of the above
		held = append(held, "letters screening does not read")
	}
	why := none + "only " + strings.Join(held, " and ")
	switch {
	case len(n.Unread) > 0:
		why += "; give the name in kana or Latin letters"
	case unreadScript:
		why += "; give the name in Latin letters"
	case len(unreadLatin) > 0:
		why += "; give the name in plain Latin letters"
	}
	return why
}

// scriptName names the script of r for a message, "" if unknown.
func scriptName(r rune) string {
	for name, t := range unicode.Scripts {
		if name != "Common" && name != "Inherited" && unicode.Is(t, r) {
			return name
		}
	}
	return ""
}
