// Package i18ntest finds English left in a page that is not English: the
// words a person reads (text, and the attributes a browser shows) are
// searched for raw catalog keys and for common English interface words.
// The console's and the public report page's tests share it.
package i18ntest

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"github.com/manara-hub/manara/internal/i18n"
)

// englishWords are words of an English interface (the list grows with
// what leaked). Whole words, case-insensitive; the few that are also
// French or Spanish words are not looked for in that language.
var englishWords = []string{"is required", "must be", "not found", "invalid", "reporter", "yellow notice", "red notice", "notice",
	"weight", "search", "submit", "save", "draft", "hit", "hits", "password", "username", "sign in", "sign out", "refused",
	"review", "report", "reports", "please", "the", "and", "with", "not allowed", "something went wrong", "too many", "unknown",
	"possible", "contact", "bureau", "state", "score", "why", "owner", "created", "updated", "name", "date", "number", "field",
	"value", "accepted", "expired", "wrong", "version", "history", "decision", "publish", "cancel", "message", "messages",
	"dashboard", "screening", "campaign", "indicator", "losses", "amount", "category", "closed", "received", "new", "of", "at least", "at most",
	"pending", "delivered", "dead", "withheld"}

// sharedWords are words some of the other languages also use.
var sharedWords = map[string][]string{
	"fr": {"notice", "contact", "message", "messages", "date", "version", "bureau", "score", "possible"},
}

var (
	englishRe = map[string]*regexp.Regexp{}
	keyRe     *regexp.Regexp
)

func init() {
	for _, code := range []string{"ar", "fr", "es"} {
		var alt []string
	words:
		for _, w := range englishWords {
			for _, s := range sharedWords[code] {
				if s == w {
					continue words
				}
			}
			alt = append(alt, regexp.QuoteMeta(w))
		}
		englishRe[code] = regexp.MustCompile(`(?i)(^|[^\pL])(` + strings.Join(alt, "|") + `)([^\pL]|$)`)
	}
	cats, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	prefixes := map[string]bool{}
	for _, k := range cats["en"].Keys() {
		if i := strings.IndexByte(k, '.'); i > 0 {
			prefixes[regexp.QuoteMeta(k[:i])] = true
		}
	}
	var ps []string
	for p := range prefixes {
		ps = append(ps, p)
	}
	keyRe = regexp.MustCompile(`(^|[^\pL.])((?:` + strings.Join(ps, "|") + `)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)`)
}

// shownAttrs are the attributes a browser shows or reads out.
var shownAttrs = map[string]bool{"placeholder": true, "title": true, "aria-label": true, "alt": true}

// VisibleText is what a person reads on page: text outside script,
// style and textarea (the user's own words), the shown attributes, and button values. Elements marked
// translate="no" (names, references, data as entered) and elements in
// another language (lang="…" not page's, such as the language switcher)
// are left out.
func VisibleText(page, code string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(page))
	var skip []string // stack of tags whose content is not read
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.TextToken:
			if len(skip) == 0 {
				if s := strings.TrimSpace(string(z.Text())); s != "" {
					out = append(out, s)
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			hide := tag == "script" || tag == "style" || tag == "textarea" // a textarea holds what the user typed
			isInput, submit := tag == "input", false
			var value string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				key, val := string(k), string(v)
				switch {
				case key == "translate" && val == "no", key == "lang" && val != code && tag != "html":
					hide = true
				case key == "type" && (val == "submit" || val == "button"):
					submit = true
				case key == "value":
					value = val
				case shownAttrs[key] && len(skip) == 0:
					out = append(out, val)
				}
			}
			if isInput && submit && value != "" && len(skip) == 0 {
				out = append(out, value)
			}
			if tt == html.StartTagToken && !voidElement[tag] && (hide || len(skip) > 0) {
				skip = append(skip, tag)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if n := len(skip); n > 0 && skip[n-1] == string(name) {
				skip = skip[:n-1]
			}
		}
	}
}

var voidElement = map[string]bool{"input": true, "br": true, "img": true, "meta": true, "link": true, "hr": true, "source": true, "wbr": true}

// Leaks lists what in page (in language code) is English or a raw
// catalog key: one line each, with the text it was found in.
func Leaks(page, code string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range VisibleText(page, code) {
		var found string
		if m := keyRe.FindStringSubmatch(s); m != nil {
			found = fmt.Sprintf("raw catalog key %q in %q", m[2], s)
		} else if re := englishRe[code]; re != nil {
			if m := re.FindStringSubmatch(s); m != nil {
				found = fmt.Sprintf("English %q in %q", m[2], s)
			}
		}
		if found != "" && !seen[found] {
			seen[found] = true
			out = append(out, found)
		}
	}
	return out
}
