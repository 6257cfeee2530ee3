package names

import (
	"strings"
	"unicode"
)

// Unsearchable says why a person's name has nothing to search by, naming what it
// found: digits, punctuation, particles, kanji that need a dictionary, a
// script not read. It is "" when the name has a part worth searching (a
// part weighing more than a particle).
func Unsearchable(n Name) string {
	for _, t := range n.Tokens {
		// digits alone name a vessel or an aircraft, not a person
		if t.Weight > 0.2 && strings.IndexFunc(t.Text, unicode.IsLetter) >= 0 {
			return ""
		}
	}
	var digits, punct, letters, unreadScript bool
	var scripts []string
	for _, r := range n.Original {
		switch {
		case unicode.IsDigit(r):
			digits = true
		case unicode.IsLetter(r):
			letters = true
			if f, _ := foreignOf(r); f == fNone && latinOf(r) == "" && !isArabicLetter(r) {
				unreadScript = true
				if s := scriptName(r); s != "" && !contains(scripts, s) {
					scripts = append(scripts, s)
				}
			}
		case unicode.IsPunct(r), unicode.IsSymbol(r):
			punct = true
		}
	}
	switch {
	case len(n.Unread) > 0 && len(n.Tokens) == 0:
		return "has no name part to search: only kanji of a Japanese name (" + strings.Join(n.Unread, " ") +
			"), which cannot be read without a dictionary of names; give the name in kana or Latin letters"
	case unreadScript && len(n.Tokens) == 0:
		what := "letters of a script screening does not read"
		if len(scripts) > 0 {
			what += " (" + strings.Join(scripts, ", ") + ")"
		}
		return "has no name part to search: only " + what + "; give the name in Latin letters"
	case len(n.Tokens) > 0 && !letters:
		if punct {
			return "has no name part to search: only digits and punctuation"
		}
		return "has no name part to search: only digits"
	case len(n.Tokens) > 0:
		parts := make([]string, len(n.Tokens))
		for i, t := range n.Tokens {
			parts[i] = t.Text
		}
		return "has no name part to search: only particles, articles or initials (" + strings.Join(parts, " ") + ")"
	case digits && punct:
		return "has no name part to search: only digits and punctuation"
	case digits:
		return "has no name part to search: only digits"
	case punct:
		return "has no name part to search: only punctuation or symbols"
	case letters:
		return "has no name part to search: no letter screening reads"
	}
	return "has no name part to search: only spaces or invisible characters"
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
