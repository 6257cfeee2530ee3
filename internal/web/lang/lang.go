// Package lang owns which interface languages Manara speaks (Arabic,
// French, English) and how a request's language is chosen among them. It
// holds no strings: the console's catalogs and the public pages' texts
// live with them.
package lang

import "golang.org/x/text/language"

// Supported lists the interface languages, in the order a switcher shows them.
var Supported = []string{"ar", "fr", "en"}

// Valid reports whether s is a supported language code.
func Valid(s string) bool {
	for _, l := range Supported {
		if s == l {
			return true
		}
	}
	return false
}

// matcher chooses among the supported languages (golang.org/x/text's matcher).
var matcher = language.NewMatcher([]language.Tag{language.English, language.Arabic, language.French})

// FromAcceptLanguage is the supported language an Accept-Language header
// prefers; English when it names none of them.
func FromAcceptLanguage(h string) string {
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return "en"
	}
	return []string{"en", "ar", "fr"}[i]
}
