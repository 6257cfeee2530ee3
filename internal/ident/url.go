package ident

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// URL is a canonicalised web address.
type URL struct {
	// Canonical is scheme://host[:port]/path[?query], with the scheme and
	// host in lower case, the host in punycode, default ports, user
	// information, the fragment and tracking parameters removed, percent
	// encoding normalised, dot segments resolved and the query parameters
	// sorted.
	Canonical string `json:"canonical"`
	Scheme    string `json:"scheme"`
	// Host is the canonical host: a punycode domain name, an IPv4 address
	// or a bracketed IPv6 address.
	Host string `json:"host"`
	// Port is empty when absent or the scheme's default.
	Port     string   `json:"port,omitempty"`
	Path     string   `json:"path"`
	Query    string   `json:"query,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// Domain returns the host without a leading "www." label: the name that
// reports about the same site share. It uses no public suffix list.
func (u *URL) Domain() string { return stripWWW(u.Host) }

func stripWWW(h string) string {
	if rest, ok := strings.CutPrefix(h, "www."); ok && strings.Contains(rest, ".") {
		return rest
	}
	return h
}

// DomainName is a canonicalised domain name.
type DomainName struct {
	// Canonical is the lower-case punycode (ASCII) name without a trailing
	// dot.
	Canonical string `json:"canonical"`
	// Unicode is the same name for display.
	Unicode string `json:"unicode"`
	// Registrable is Canonical without a leading "www." label (no public
	// suffix list is used).
	Registrable string   `json:"registrable"`
	Warnings    []string `json:"warnings,omitempty"`
}

// idnaProfile maps and checks internationalised names as browsers do
// (UTS #46 non-transitional, Bidi rule, DNS lengths), but like them accepts
// underscores and labels such as "r3---sn-abc"; ASCII label syntax is
// checked afterwards by checkLabels.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.CheckHyphens(false),
	idna.StrictDomainName(false),
	idna.VerifyDNSLength(true),
)

var displayProfile = idna.New(idna.Transitional(false))

// ParseDomain canonicalises a bare domain name ("Example.COM." gives
// "example.com"; "bücher.de" gives "xn--bcher-kva.de"). It must have at
// least two labels; IP addresses, ports, paths and schemes are refused (use
// ParseURL). Defanged input ("example[.]com") is refanged with a warning.
func ParseDomain(s string) (*DomainName, error) {
	if err := checkInput(KindDomain, s, MaxInput); err != nil {
		return nil, err
	}
	t, refanged := refang(strings.TrimSpace(s))
	if t == "" {
		return nil, errorf(KindDomain, "value", "empty domain name")
	}
	if i := strings.IndexAny(t, "/:@?#[] \t\\"); i >= 0 {
		return nil, errorf(KindDomain, "value", "a domain name cannot contain %q (for a web address use kind url)", t[i])
	}
	h, isIP, err := canonHost(KindDomain, t)
	if err != nil {
		return nil, err
	}
	if isIP {
		return nil, errorf(KindDomain, "value", "%s is an IP address, not a domain name", h)
	}
	if !strings.Contains(h, ".") {
		return nil, errorf(KindDomain, "value", "domain name %q has a single label; expected a name like example.com", h)
	}
	d := &DomainName{Canonical: h, Registrable: stripWWW(h)}
	d.Unicode, _ = displayProfile.ToUnicode(h)
	if refanged {
		d.Warnings = append(d.Warnings, "defanged input was refanged")
	}
	return d, nil
}

// Domain returns the registrable host of a URL or bare domain name (see
// URL.Domain).
func Domain(s string) (string, error) {
	if d, err := ParseDomain(s); err == nil {
		return d.Registrable, nil
	}
	u, err := ParseURL(s)
	if err != nil {
		return "", err
	}
	return u.Domain(), nil
}

// canonHost canonicalises a host: an IPv4 address, a bracketed IPv6
// address or a domain name (lower case, punycode, no trailing dot).
func canonHost(kind Kind, h string) (host string, isIP bool, err error) {
	if h == "" {
		return "", false, errorf(kind, "host", "empty host")
	}
	if h[0] == '[' {
		if h[len(h)-1] != ']' {
			return "", false, errorf(kind, "host", "unterminated IPv6 address %q", h)
		}
		a, err := netip.ParseAddr(h[1 : len(h)-1])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", false, errorf(kind, "host", "invalid IPv6 address %q", h)
		}
		return "[" + a.String() + "]", true, nil
	}
	h = strings.TrimSuffix(h, ".")
	if a, err := netip.ParseAddr(h); err == nil && a.Is4() {
		return a.String(), true, nil
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; c < 0x21 || c == 0x7f || c == '%' {
			return "", false, errorf(kind, "host", "host contains %q", c)
		}
	}
	a, err := idnaProfile.ToASCII(h)
	if err == nil && a != h {
		// The checks run on the input, before mapping: a character that
		// maps into another script (U+2135 ALEF SYMBOL becomes Hebrew alef)
		// can give punycode that fails them. Check the result again, so
		// that a canonical name always parses as itself.
		var again string
		if again, err = idnaProfile.ToASCII(a); err == nil && again != a {
			err = fmt.Errorf("mapping is not stable")
		}
	}
	if err != nil {
		return "", false, errorf(kind, "host", "%q is not a valid domain name: %s", h, idnaReason(err))
	}
	if err := checkLabels(kind, a); err != nil {
		return "", false, err
	}
	return a, false, nil
}

func idnaReason(err error) string {
	s := err.Error()
	return strings.TrimPrefix(s, "idna: ")
}

// checkLabels checks an ASCII domain name: 1–63 characters per label of
// a–z, 0–9, '-' and '_', at most 253 in all, and a top-level label that is
// not all digits.
func checkLabels(kind Kind, a string) error {
	if a == "" {
		return errorf(kind, "host", "empty host")
	}
	if len(a) > 253 {
		return errorf(kind, "host", "domain name is %d characters long, at most 253", len(a))
	}
	labels := strings.Split(a, ".")
	for _, l := range labels {
		if l == "" {
			return errorf(kind, "host", "domain name %q has an empty label", a)
		}
		if len(l) > 63 {
			return errorf(kind, "host", "label %q is longer than 63 characters", l)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return errorf(kind, "host", "domain name %q contains %q", a, c)
			}
		}
	}
	if allDigits(labels[len(labels)-1]) {
		return errorf(kind, "host", "%q is neither an IPv4 address nor a domain name (its last label is numeric)", a)
	}
	return nil
}

// refang undoes the usual ways threat reports "defang" addresses:
// hxxp(s)://, [.] (.) {.} [dot], [:], [at] (at) [@].
func refang(s string) (string, bool) {
	orig := s
	low := strings.ToLower(s)
	if strings.HasPrefix(low, "hxxp") {
		for _, p := range []string{"://", "s://", "[://]", "s[://]", "[:]//", "s[:]//"} {
			if strings.HasPrefix(low[4:], p) {
				s = "http" + s[4:]
				break
			}
		}
	}
	if strings.ContainsAny(s, "[({") {
		r := strings.NewReplacer(
			"[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".", "[DOT]", ".", "(DOT)", ".",
			"[://]", "://", "[:]", ":", "[at]", "@", "(at)", "@", "[AT]", "@", "(AT)", "@", "[@]", "@",
		)
		s = r.Replace(s)
	}
	return s, s != orig
}

var defaultPorts = map[string]string{"http": "80", "https": "443", "ftp": "21", "ws": "80", "wss": "443"}

// trackingParams are query parameters that identify a click or campaign,
// not the resource; they are dropped (as is every utm_* parameter).
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "mc_eid": true, "mc_cid": true, "igshid": true, "igsh": true, "yclid": true,
	"twclid": true, "ttclid": true, "li_fat_id": true, "_ga": true, "_gl": true, "_hsenc": true,
	"_hsmi": true, "mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true, "vero_id": true,
	"vero_conv": true, "srsltid": true, "__s": true, "s_cid": true, "ncid": true, "epik": true,
	"rb_clickid": true, "wickedid": true, "irclickid": true, "_kx": true, "ref_src": true,
}

// ParseURL canonicalises a web address (http, https, ftp, ws, wss). An
// address without a scheme ("www.example.com/login") is taken as https.
// Defanged input ("hxxps://example[.]com") is refanged with a warning.
// See URL.Canonical for what is normalised.
func ParseURL(s string) (*URL, error) {
	if err := checkInput(KindURL, s, MaxURLInput); err != nil {
		return nil, err
	}
	t, refanged := refang(strings.TrimSpace(s))
	u := &URL{}
	if refanged {
		u.Warnings = append(u.Warnings, "defanged input was refanged")
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c < 0x20 || c == 0x7f {
			return nil, errorf(KindURL, "value", "address contains the control character %q", c)
		}
	}
	if t == "" {
		return nil, errorf(KindURL, "value", "empty address")
	}
	if i := strings.IndexByte(t, '#'); i >= 0 {
		t = t[:i]
	}
	rest := ""
	schemeless := false
	if i := strings.Index(t, "://"); i >= 0 && validScheme(t[:i]) {
		u.Scheme, rest = strings.ToLower(t[:i]), t[i+3:]
	} else if strings.HasPrefix(t, "//") {
		u.Scheme, rest, schemeless = "https", t[2:], true
	} else {
		if i := strings.IndexByte(t, ':'); i > 0 && validScheme(t[:i]) && !strings.Contains(t[:i], ".") &&
			!(i+1 < len(t) && isDigitRune(rune(t[i+1]))) {
			return nil, errorf(KindURL, "scheme", "scheme %q is not supported (http, https, ftp, ws, wss)", strings.ToLower(t[:i]))
		}
		u.Scheme, rest, schemeless = "https", t, true
	}
	if _, ok := defaultPorts[u.Scheme]; !ok {
		return nil, errorf(KindURL, "scheme", "scheme %q is not supported (http, https, ftp, ws, wss)", u.Scheme)
	}
	// Browsers read a backslash as a slash in these schemes.
	q := strings.IndexByte(rest, '?')
	if q < 0 {
		q = len(rest)
	}
	rest = strings.ReplaceAll(rest[:q], "\\", "/") + rest[q:]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority, pathQuery := rest[:end], rest[end:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		if schemeless {
			return nil, errorf(KindURL, "value", "looks like an e-mail address, not a web address")
		}
		authority = authority[at+1:]
		u.Warnings = append(u.Warnings, "user information before the host was removed")
	}
	hostport := authority
	port := ""
	if strings.HasPrefix(hostport, "[") {
		if j := strings.IndexByte(hostport, ']'); j >= 0 {
			hostport, port = authority[:j+1], authority[j+1:]
			if port != "" && port[0] != ':' {
				return nil, errorf(KindURL, "host", "unexpected %q after the IPv6 address", port)
			}
		}
	} else if j := strings.LastIndexByte(hostport, ':'); j >= 0 {
		hostport, port = authority[:j], authority[j:]
	}
	if port != "" {
		port = port[1:]
		if port != "" {
			n, err := strconv.Atoi(port)
			if err != nil || !allDigits(port) || n < 1 || n > 65535 {
				return nil, errorf(KindURL, "port", "port %q must be a number from 1 to 65535", port)
			}
			port = strconv.Itoa(n)
			if port == defaultPorts[u.Scheme] {
				port = ""
			}
		}
	}
	u.Port = port
	if hostport == "" {
		return nil, errorf(KindURL, "host", "address has no host")
	}
	h, isIP, err := canonHost(KindURL, hostport)
	if err != nil {
		return nil, err
	}
	if schemeless && !isIP && !strings.Contains(h, ".") {
		return nil, errorf(KindURL, "host", "%q is not a web address (no scheme and a single-label host)", h)
	}
	u.Host = h
	path, query := pathQuery, ""
	if i := strings.IndexByte(pathQuery, '?'); i >= 0 {
		path, query = pathQuery[:i], pathQuery[i+1:]
	}
	u.Path = removeDotSegments(normPct(path, pathAllowed))
	var removed []string
	u.Query, removed = canonQuery(query)
	if len(removed) > 0 {
		u.Warnings = append(u.Warnings, "tracking parameters removed: "+strings.Join(removed, ", "))
	}
	var b strings.Builder
	b.WriteString(u.Scheme)
	b.WriteString("://")
	b.WriteString(u.Host)
	if u.Port != "" {
		b.WriteByte(':')
		b.WriteString(u.Port)
	}
	b.WriteString(u.Path)
	if u.Query != "" {
		b.WriteByte('?')
		b.WriteString(u.Query)
	}
	u.Canonical = b.String()
	if len(u.Canonical) > MaxURLInput {
		return nil, errorf(KindURL, "value", "canonical address is %d bytes long, the limit is %d", len(u.Canonical), MaxURLInput)
	}
	return u, nil
}

func validScheme(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func pathAllowed(c byte) bool {
	return isUnreserved(c) || strings.IndexByte("!$&'()*+,;=:@/", c) >= 0
}

func queryAllowed(c byte) bool {
	return isUnreserved(c) || strings.IndexByte("!$'()*+,;=:@/?", c) >= 0
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// normPct normalises percent encoding: escapes of unreserved characters
// are decoded, other escapes upper-cased, a stray '%' becomes %25, and bytes
// not allowed literally are escaped.
func normPct(s string, allowed func(byte) bool) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 < len(s) && unhex(s[i+1]) >= 0 && unhex(s[i+2]) >= 0 {
				v := byte(unhex(s[i+1])<<4 | unhex(s[i+2]))
				if isUnreserved(v) {
					b.WriteByte(v)
				} else {
					b.WriteByte('%')
					b.WriteByte(hexd[v>>4])
					b.WriteByte(hexd[v&15])
				}
				i += 2
				continue
			}
			b.WriteString("%25")
			continue
		}
		if allowed(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}

// removeDotSegments resolves "." and ".." segments (RFC 3986 §5.2.4) in
// an absolute path; an empty path becomes "/".
func removeDotSegments(p string) string {
	if p == "" {
		return "/"
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	out := make([]string, 0, len(segs))
	trailing := false
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			trailing = last
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			trailing = last
		default:
			out = append(out, s)
			trailing = false
		}
	}
	r := "/" + strings.Join(out, "/")
	if trailing && !strings.HasSuffix(r, "/") {
		r += "/"
	}
	return r
}

// canonQuery drops empty and tracking parameters, normalises encoding and
// sorts the rest by name, then value.
func canonQuery(q string) (string, []string) {
	if q == "" {
		return "", nil
	}
	type kv struct{ k, v, s string }
	var keep []kv
	var removed []string
	for _, p := range strings.Split(q, "&") {
		if p == "" {
			continue
		}
		k, v, hasEq := strings.Cut(p, "=")
		k = normPct(k, func(c byte) bool { return c != '=' && queryAllowed(c) })
		v = normPct(v, queryAllowed)
		name := strings.ToLower(pctDecode(k))
		if strings.HasPrefix(name, "utm_") || trackingParams[name] {
			removed = append(removed, name)
			continue
		}
		s := k
		if hasEq {
			s += "=" + v
		}
		keep = append(keep, kv{k, v, s})
	}
	sort.SliceStable(keep, func(i, j int) bool {
		if keep[i].k != keep[j].k {
			return keep[i].k < keep[j].k
		}
		return keep[i].s < keep[j].s
	})
	parts := make([]string, len(keep))
	for i, p := range keep {
		parts[i] = p.s
	}
	sort.Strings(removed)
	return strings.Join(parts, "&"), dedupe(removed)
}

func pctDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && unhex(s[i+1]) >= 0 && unhex(s[i+2]) >= 0 {
			b.WriteByte(byte(unhex(s[i+1])<<4 | unhex(s[i+2])))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
