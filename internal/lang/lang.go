// Package lang owns which interface languages Manara speaks (Arabic,
// French, English and Spanish, INTERPOL's four official languages) and how
// a request's language is chosen among them. It holds no strings: the
// catalogs live in internal/i18n.
package lang

import (
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Supported lists the interface languages, in the order a switcher shows them.
var Supported = []string{"ar", "fr", "en", "es"}

// Default is the language of a request that names none of them.
const Default = "en"

// Valid reports whether s is a supported language code.
func Valid(s string) bool { return slices.Contains(Supported, s) }

// alpha2 is the shape of an ISO 639-1 code; ParseBase alone takes
// three-letter codes and other forms too.
var alpha2 = regexp.MustCompile(`^[a-z]{2}$`)

// ISO6391 reports whether code is an ISO 639-1 language code: two
// lower-case letters the language registry knows ("ar", "fr", "zh"; not
// "xx", nor a three-letter ISO 639-2 code). It is any language a document
// or a meeting may be in, not only the interface's (Valid).
func ISO6391(code string) bool {
	if !alpha2.MatchString(code) {
		return false
	}
	_, err := language.ParseBase(code)
	return err == nil
}

// Native is a language's name in itself, as a language switcher shows it.
func Native(code string) string {
	return map[string]string{"ar": "العربية", "fr": "Français", "en": "English", "es": "Español"}[code]
}

// List is Supported as prose for an error reason: "ar, fr, en or es".
func List() string {
	return strings.Join(Supported[:len(Supported)-1], ", ") + " or " + Supported[len(Supported)-1]
}

// Dir is the writing direction of a language: rtl for Arabic, ltr for
// the others.
func Dir(code string) string {
	if code == "ar" {
		return "rtl"
	}
	return "ltr"
}

// matched is Supported with Default first (the matcher's fallback), and
// matcher chooses among them (golang.org/x/text's matcher).
var (
	matched = append([]string{Default}, slices.DeleteFunc(slices.Clone(Supported), func(s string) bool { return s == Default })...)
	matcher = language.NewMatcher(tagsOf(matched))
)

func tagsOf(codes []string) []language.Tag {
	tags := make([]language.Tag, len(codes))
	for i, c := range codes {
		tags[i] = language.MustParse(c)
	}
	return tags
}

// FromAcceptLanguage is the supported language an Accept-Language header
// prefers; English when it names none of them.
func FromAcceptLanguage(h string) string {
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return matched[i]
}
