package ident

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Email is a validated e-mail address.
type Email struct {
	// Address is the address as written (local part in NFC) with the
	// domain canonicalised: lower case, punycode.
	Address string `json:"address"`
	// Canonical is the correlation key: the local part is lower-cased too
	// (mailbox names are case-insensitive at every large provider, though
	// RFC 5321 does not promise it), and for gmail.com and googlemail.com,
	// which ignore dots and "+tags", those are removed and the domain is
	// gmail.com. Canonical is for matching reports that name the same
	// mailbox, never for sending mail.
	Canonical string   `json:"canonical"`
	Local     string   `json:"local"`
	Domain    string   `json:"domain"`
	Warnings  []string `json:"warnings,omitempty"`
}

// ParseEmail checks an address against a practical subset of RFC 5322 and
// RFC 6531: local@domain, a dot-atom local part of at most 64 bytes (ASCII
// atext or non-ASCII letters; quoted local parts are refused), a domain of
// at least two labels of at most 255 bytes, internationalised domains
// converted to punycode. A "mailto:" prefix, a "Name <address>" form and
// defanged input ("user[at]example[.]com") are tolerated.
func ParseEmail(s string) (*Email, error) {
	if err := checkInput(KindEmail, s, MaxEmailInput); err != nil {
		return nil, err
	}
	t := strings.TrimSpace(s)
	if len(t) >= 7 && strings.EqualFold(t[:7], "mailto:") {
		t = t[7:]
		if i := strings.IndexByte(t, '?'); i >= 0 {
			t = t[:i]
		}
	}
	if strings.HasSuffix(t, ">") {
		if i := strings.LastIndexByte(t, '<'); i >= 0 {
			t = strings.TrimSpace(t[i+1 : len(t)-1])
		}
	}
	t, refanged := refang(t)
	e := &Email{}
	if refanged {
		e.Warnings = append(e.Warnings, "defanged input was refanged")
	}
	at := strings.LastIndexByte(t, '@')
	if at < 0 {
		return nil, errorf(KindEmail, "value", "an e-mail address needs an @")
	}
	local, domain := norm.NFC.String(t[:at]), t[at+1:]
	if err := checkLocal(local); err != nil {
		return nil, err
	}
	lower := norm.NFC.String(strings.ToLower(local))
	if len(lower) > 64 {
		return nil, errorf(KindEmail, "local", "local part is %d bytes in lower case, at most 64", len(lower))
	}
	if domain == "" {
		return nil, errorf(KindEmail, "domain", "nothing after the @")
	}
	if domain[0] == '[' {
		return nil, errorf(KindEmail, "domain", "address literals ([…]) are not accepted")
	}
	if len(domain) > 255 {
		return nil, errorf(KindEmail, "domain", "domain is %d bytes, at most 255", len(domain))
	}
	if i := strings.IndexAny(domain, "/:?#\\@ \t"); i >= 0 {
		return nil, errorf(KindEmail, "domain", "domain contains %q", domain[i])
	}
	h, isIP, err := canonHost(KindEmail, domain)
	if err != nil {
		err.(*Error).Field = "domain"
		return nil, err
	}
	if isIP || !strings.Contains(h, ".") {
		return nil, errorf(KindEmail, "domain", "domain %q must be a domain name with at least two labels", h)
	}
	e.Local, e.Domain = local, h
	e.Address = local + "@" + h
	cl, cd := lower, h
	if cd == "gmail.com" || cd == "googlemail.com" {
		cd = "gmail.com"
		if i := strings.IndexByte(cl, '+'); i >= 0 {
			cl = cl[:i]
		}
		cl = strings.ReplaceAll(cl, ".", "")
		if cl == "" {
			return nil, errorf(KindEmail, "local", "nothing is left of the Gmail local part once dots and the +tag are removed")
		}
	}
	e.Canonical = cl + "@" + cd
	return e, nil
}

// checkLocal checks a dot-atom local part.
func checkLocal(l string) error {
	if l == "" {
		return errorf(KindEmail, "local", "nothing before the @")
	}
	if len(l) > 64 {
		return errorf(KindEmail, "local", "local part is %d bytes, at most 64", len(l))
	}
	if l[0] == '"' {
		return errorf(KindEmail, "local", "quoted local parts are not accepted")
	}
	if l[0] == '.' || l[len(l)-1] == '.' {
		return errorf(KindEmail, "local", "local part cannot start or end with a dot")
	}
	if strings.Contains(l, "..") {
		return errorf(KindEmail, "local", "local part cannot contain two dots in a row")
	}
	for _, r := range l {
		switch {
		case r < 0x80:
			c := byte(r)
			if !(isUnreserved(c) || strings.IndexByte("!#$%&'*+/=?^`{|}", c) >= 0) {
				if c == ' ' || c == '\t' {
					return errorf(KindEmail, "local", "local part contains a space")
				}
				return errorf(KindEmail, "local", "local part contains %q", r)
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
		default:
			return errorf(KindEmail, "local", "local part contains %q", r)
		}
	}
	return nil
}
