package core

import (
	"strings"
	"unicode/utf8"
)

// Clip shortens s to at most n characters for a message or a label,
// marking a cut with "…" (counted in the n). It cuts between characters,
// never inside one, and bytes that are not UTF-8 (a peer's answer) become
// U+FFFD: what a person sent in another script is quoted back readable,
// and nothing stored is invalid UTF-8.
func Clip(s string, n int) string {
	if n < 1 {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, i := 0, 0
	for at := range s {
		if i == n-1 {
			cut = at
			break
		}
		i++
	}
	return s[:cut] + "…"
}
