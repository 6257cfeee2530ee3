package reports

import (
	"bufio"
	_ "embed"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/ident"
)

// MaxIndicators bounds the indicators kept from one report (structured
// fields first, then the narrative).
const MaxIndicators = 60

//go:embed warninglist.txt
var defaultWarningList string

// WarningList holds benign values that never link reports: domains (bare)
// and keys ("type:canonical").
type WarningList map[string]bool

// DefaultWarningList is the embedded list plus the platform's own domain.
func DefaultWarningList(platformDomain string) WarningList {
	w := ParseWarningList(defaultWarningList)
	if d, err := ident.Domain(platformDomain); err == nil && d != "" {
		w[d] = true
	}
	return w
}

// ParseWarningList reads one value a line; # starts a comment.
func ParseWarningList(text string) WarningList {
	w := WarningList{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.ToLower(strings.TrimSpace(line))
		if line != "" && len(line) < 300 {
			w[line] = true
		}
	}
	return w
}

// Benign reports whether key ("type:canonical") is on the list, directly
// or, for a domain, through a parent domain (mail.google.com is google.com's).
// A listed domain's home page is benign too: reporters name the platform
// where they met the scammer ("https://www.facebook.com"), which says
// nothing of who the scammer is; a page under it (a profile) still links.
func (w WarningList) Benign(key string) bool {
	if w[key] {
		return true
	}
	typ, val, _ := strings.Cut(key, ":")
	switch typ {
	case "domain":
		return w.listed(val)
	case "email":
		_, d, _ := strings.Cut(val, "@")
		return w.listed(d)
	case "url":
		u, err := ident.ParseURL(val)
		return err == nil && (u.Path == "" || u.Path == "/") && w.listed(u.Domain())
	}
	return false
}

// listed reports whether domain d or one of its parents is on the list.
func (w WarningList) listed(d string) bool {
	for ; strings.Contains(d, "."); _, d, _ = strings.Cut(d, ".") {
		if w[d] {
			return true
		}
	}
	return false
}

// canonical parses value as typ (a kind of package ident, or "handle" or
// "tx_hash") and returns its canonical form, or the reason it is refused.
func canonical(typ, value, region string) (kind, canon, reason string) {
	value = strings.TrimSpace(value)
	switch typ {
	case "handle":
		h := strings.TrimRight(strings.ToLower(strings.TrimPrefix(value, "@")), ".")
		if len(h) < 2 || len(h) > 64 || strings.ContainsAny(h, " \t\n/") {
			return typ, "", "a social media handle is 2 to 64 characters without spaces"
		}
		return typ, h, ""
	case "tx_hash":
		h := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(value, "0x"), "0X"))
		if !hexRe.MatchString(h) {
			return typ, "", "a transaction hash is 64 hexadecimal digits"
		}
		return typ, h, ""
	case "wallet":
		for _, k := range []ident.Kind{ident.KindETH, ident.KindBTC, ident.KindTRX} {
			if id, err := ident.Parse(k, value, ""); err == nil {
				return string(k), id.Canonical, ""
			}
		}
		return typ, "", "not a Bitcoin, Ethereum or Tron address with a valid checksum"
	case "website":
		if !strings.Contains(value, "/") {
			if d, err := ident.ParseDomain(value); err == nil {
				return "domain", d.Registrable, ""
			}
		}
		u, err := ident.ParseURL(value)
		if err != nil {
			return "url", "", reasonOf(err)
		}
		return "url", urlKey(u), ""
	case "domain":
		// Keyed as a URL's domain is (without "www."), so that the bare
		// name and the site's addresses link.
		d, err := ident.ParseDomain(value)
		if err != nil {
			return typ, "", reasonOf(err)
		}
		return typ, d.Registrable, ""
	}
	k, err := ident.ParseKind(typ)
	if err != nil {
		return typ, "", reasonOf(err)
	}
	id, err := ident.Parse(k, value, region)
	if err != nil {
		return typ, "", reasonOf(err)
	}
	return string(id.Kind), id.Canonical, ""
}

// urlKey is u's canonical form with a leading "www." taken off the host:
// one page written with and without it is one value. The report keeps
// what was written for display.
func urlKey(u *ident.URL) string {
	d := u.Domain()
	if d == u.Host {
		return u.Canonical
	}
	return u.Scheme + "://" + d + strings.TrimPrefix(u.Canonical, u.Scheme+"://"+u.Host)
}

func reasonOf(err error) string {
	if e, ok := err.(*ident.Error); ok {
		return e.Reason
	}
	return core.ErrorMessage(err)
}

var hexRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// extractor collects a report's indicators, once per key.
type extractor struct {
	region string
	out    []core.ReportIndicator
	seen   map[string]bool
}

// add keeps a structured value: valid or not, it is kept and flagged. A
// value from the narrative is kept only if it parses (see guess).
func (x *extractor) add(typ, value, source string) {
	value = strings.TrimSpace(value)
	if value == "" || len(x.out) >= MaxIndicators {
		return
	}
	kind, canon, reason := canonical(typ, value, x.region)
	ind := core.ReportIndicator{Type: kind, Value: clip(value, 300), Source: source, Valid: reason == ""}
	if reason != "" {
		if source == "narrative" {
			return
		}
		ind.Reason = reason
		x.out = append(x.out, ind)
		return
	}
	ind.Key = kind + ":" + canon
	if x.seen[ind.Key] {
		return
	}
	x.seen[ind.Key] = true
	x.out = append(x.out, ind)
	if kind == "url" {
		// A site links through its domain as well as its exact address.
		if id, err := ident.ParseURL(canon); err == nil {
			if d := id.Domain(); d != "" && !x.seen["domain:"+d] {
				x.seen["domain:"+d] = true
				x.out = append(x.out, core.ReportIndicator{Type: "domain", Value: d, Key: "domain:" + d, Valid: true, Source: source})
			}
		}
	}
}

// guess keeps a value found in the narrative only if it parses: a
// narrative is prose, and a failed guess is not the reporter's error.
func (x *extractor) guess(typ, value string) { x.add(typ, value, "narrative") }

var (
	emailRe  = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	urlRe    = regexp.MustCompile(`(?i)\b(?:https?|hxxps?)://[^\s<>"'()]+|\bwww\.[^\s<>"'()]+`)
	domainRe = regexp.MustCompile(`(?i)\b[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)*\.[a-z]{2,24}\b`)
	ibanRe   = regexp.MustCompile(`\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`)
	phoneRe  = regexp.MustCompile(`(?:\+|\b00|\b0)[0-9][0-9 .\-()]{6,18}[0-9]\b`)
	ethRe    = regexp.MustCompile(`\b0x[0-9a-fA-F]{40}\b`)
	btcRe    = regexp.MustCompile(`\b(?:bc1[a-z0-9]{20,80}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})\b`)
	trxRe    = regexp.MustCompile(`\bT[1-9A-HJ-NP-Za-km-z]{33}\b`)
	txRe     = regexp.MustCompile(`\b(?:0x)?[0-9a-fA-F]{64}\b`)
	handleRe = regexp.MustCompile(`(?:^|[\s(])@([A-Za-z0-9_.]{2,30})`)
)

// maxNarrativeScan bounds the text the narrative extractor reads.
const maxNarrativeScan = 20000

// Narrative finds indicators in free text: e-mails, URLs and domains,
// IBANs, phone numbers, crypto addresses, transaction hashes and handles.
func (x *extractor) narrative(text string) {
	if len(text) > maxNarrativeScan {
		text = text[:maxNarrativeScan]
	}
	emails := emailRe.FindAllString(text, 20)
	for _, m := range emails {
		x.guess("email", m)
	}
	for _, m := range urlRe.FindAllString(text, 20) {
		x.guess("website", strings.TrimRight(m, ".,;:!?"))
	}
	rest := emailRe.ReplaceAllString(text, " ")
	rest = urlRe.ReplaceAllString(rest, " ")
	for _, m := range ethRe.FindAllString(rest, 20) {
		x.guess("eth", m)
	}
	for _, m := range trxRe.FindAllString(rest, 20) {
		x.guess("trx", m)
	}
	for _, m := range btcRe.FindAllString(rest, 20) {
		x.guess("btc", m)
	}
	for _, m := range txRe.FindAllString(rest, 20) {
		x.guess("tx_hash", m)
	}
	for _, m := range ibanRe.FindAllString(rest, 20) {
		x.guess("iban", m)
	}
	noIBAN := ibanRe.ReplaceAllString(rest, " ")
	for _, m := range phoneRe.FindAllString(noIBAN, 20) {
		x.phone(m, 4)
	}
	for _, m := range domainRe.FindAllString(rest, 20) {
		if strings.ContainsAny(m, "0123456789") && !strings.ContainsAny(strings.ToLower(m), "abcdefghijklmnopqrstuvwxyz-") {
			continue
		}
		if !plausibleDomain(m) {
			continue
		}
		x.guess("domain", m)
	}
	for _, m := range handleRe.FindAllStringSubmatch(rest, 20) {
		x.guess("handle", m[1])
	}
}

// phoneSeparators are what phoneRe takes between a number's digits.
const phoneSeparators = " .-()"

// phone keeps the number phoneRe matched as m. The pattern runs on over a
// number that follows ("0612300101 20 times", "+212 612 300 101 (24/7)",
// a second number after a space), and the whole run does not parse: then
// shorter prefixes, cut at separators from the right, are tried until one
// parses. A gap of two or more separators is where a number ends, so no
// cut goes past one. What follows a number found by cutting is searched
// again, at most depth times (it may hold another number).
func (x *extractor) phone(m string, depth int) {
	if _, _, reason := canonical("phone", m, x.region); reason == "" {
		x.guess("phone", m)
		return
	}
	for end := len(m); ; {
		i := strings.LastIndexAny(m[:end], phoneSeparators)
		if i < 0 {
			return
		}
		j := i
		for j > 0 && strings.IndexByte(phoneSeparators, m[j-1]) >= 0 {
			j--
		}
		prefix := m[:j]
		if _, _, reason := canonical("phone", prefix, x.region); reason == "" {
			x.guess("phone", prefix)
			if depth > 0 {
				for _, n := range phoneRe.FindAllString(m[i+1:], 2) {
					x.phone(n, depth-1)
				}
			}
			return
		}
		if i+1-j >= 2 {
			return
		}
		end = j
	}
}

// fileExtensions are extensions of files reporters name ("capture.png",
// "receipt.pdf"): never a domain's top level when guessed from prose,
// even those that are top-level domains too (.zip, .mov).
var fileExtensions = map[string]bool{
	"jpg": true, "jpeg": true, "png": true, "gif": true, "webp": true, "heic": true, "heif": true, "bmp": true, "tif": true, "tiff": true, "svg": true,
	"pdf": true, "doc": true, "docx": true, "odt": true, "rtf": true, "txt": true, "csv": true, "xls": true, "xlsx": true, "ods": true, "ppt": true, "pptx": true,
	"mp3": true, "m4a": true, "wav": true, "ogg": true, "opus": true, "aac": true, "amr": true,
	"mp4": true, "mov": true, "avi": true, "mkv": true, "webm": true, "wmv": true,
	"zip": true, "rar": true, "gz": true, "tar": true,
	"apk": true, "exe": true, "msi": true, "dmg": true, "ipa": true, "html": true, "htm": true, "eml": true, "vcf": true,
}

// plausibleDomain says whether m, a name domainRe found in prose, may be
// a domain: its top level is one the public suffix list has from ICANN
// (not "then" of "money.Then"), is no file extension, and does not start
// a sentence ("money.So he left": a capital after the full stop, the name
// before it in lower case).
func plausibleDomain(m string) bool {
	i := strings.LastIndexByte(m, '.')
	if i < 0 {
		return false
	}
	tld := m[i+1:]
	if first := tld[0]; first >= 'A' && first <= 'Z' && strings.ToLower(tld[1:]) == tld[1:] && strings.ToLower(m[:i]) == m[:i] {
		return false
	}
	tld = strings.ToLower(tld)
	if fileExtensions[tld] {
		return false
	}
	// Under a label: a top level listed only by a wildcard (*.ck) is no
	// suffix on its own.
	_, icann := publicsuffix.PublicSuffix("x." + tld)
	return icann
}

// Extract returns the indicators of a report, structured fields first.
// Phone numbers in national form take region (the reporter's country).
func Extract(r *core.Report) []core.ReportIndicator {
	x := &extractor{region: r.Country, seen: map[string]bool{}}
	for _, v := range r.Suspect.Phones {
		x.add("phone", v, "suspect.phones")
	}
	for _, v := range r.Suspect.Emails {
		x.add("email", v, "suspect.emails")
	}
	for _, v := range r.Suspect.Websites {
		x.add("website", v, "suspect.websites")
	}
	for _, v := range r.Suspect.Handles {
		x.add("handle", v, "suspect.handles")
	}
	for _, v := range r.Suspect.Accounts {
		x.add("iban", v, "suspect.accounts")
	}
	for _, v := range r.Suspect.Wallets {
		x.add("wallet", v, "suspect.wallets")
	}
	for _, l := range r.Losses {
		x.add("iban", l.IBAN, "losses.iban")
		x.add("wallet", l.Wallet, "losses.wallet")
		x.add("tx_hash", l.TxHash, "losses.tx_hash")
	}
	x.narrative(r.Narrative)
	return x.out
}

// ExtractText returns the indicators found in added free text.
func ExtractText(text, region string) []core.ReportIndicator {
	x := &extractor{region: region, seen: map[string]bool{}}
	x.narrative(text)
	return x.out
}

// Screenable says whether an indicator's type is one screening resolves
// (the types an escalated cyber_indicator record carries): for the types
// Extract produces, those that are kinds of package ident, not handle or
// tx_hash.
func Screenable(typ string) bool {
	_, err := ident.ParseKind(typ)
	return err == nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
