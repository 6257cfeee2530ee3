package webhooks

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"

	"github.com/manara-hub/manara/internal/core"
)

// MaxURLLength bounds a webhook URL.
const MaxURLLength = 2000

// Allowlist is where the administrator lets webhooks go: address ranges
// (CIDRs or single addresses) and host names ("hooks.example.org", or
// "*.example.org" for its subdomains). Nothing is allowed by default.
type Allowlist struct {
	prefixes []netip.Prefix
	names    []string
}

// ParseAllowlist reads a comma-separated list, as in MANARA_WEBHOOK_ALLOW.
func ParseAllowlist(s string) (*Allowlist, error) {
	a := &Allowlist{}
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			a.prefixes = append(a.prefixes, p.Masked())
			continue
		}
		if ip, err := netip.ParseAddr(part); err == nil {
			a.prefixes = append(a.prefixes, netip.PrefixFrom(ip, ip.BitLen()))
			continue
		}
		name := strings.TrimPrefix(part, "*.")
		if !validHostname(name) {
			return nil, fmt.Errorf("webhook allow list: %q is neither an address range nor a host name", part)
		}
		a.names = append(a.names, part)
	}
	return a, nil
}

// Empty reports whether nothing is allowed.
func (a *Allowlist) Empty() bool { return a == nil || len(a.prefixes) == 0 && len(a.names) == 0 }

func (a *Allowlist) addrAllowed(ip netip.Addr) bool {
	if a == nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range a.prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (a *Allowlist) nameAllowed(host string) bool {
	if a == nil {
		return false
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, n := range a.names {
		if n == host || strings.HasPrefix(n, "*.") && strings.HasSuffix(host, n[1:]) {
			return true
		}
	}
	return false
}

// CheckURL refuses a URL that is not http(s) or whose host the
// administrator has not allowed, naming why.
func (a *Allowlist) CheckURL(raw string) (*url.URL, error) {
	bad := func(reason string) error { return core.Invalid(core.FieldError{Field: "url", Reason: reason}) }
	if len(raw) > MaxURLLength {
		return nil, bad(fmt.Sprintf("must be at most %d bytes", MaxURLLength))
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, bad("must be an absolute http:// or https:// URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, bad(fmt.Sprintf("scheme %q is not allowed: only http and https (an absolute URL)", u.Scheme))
	}
	if u.Host == "" {
		return nil, bad("must be an absolute http:// or https:// URL")
	}
	if u.User != nil {
		return nil, bad("must not carry credentials; the signature authenticates deliveries")
	}
	if u.Fragment != "" {
		return nil, bad("must not have a fragment")
	}
	// url.Parse takes any digits as a port: one no connection can use
	// would fail every delivery for a day before it was given up.
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, bad(fmt.Sprintf("port %s is not a TCP port: give one from 1 to 65535, or none", p))
		}
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if !a.addrAllowed(ip) {
			return nil, bad(fmt.Sprintf("address %s is not on the administrator's webhook allow list (MANARA_WEBHOOK_ALLOW)", host))
		}
		return u, nil
	}
	if !validHostname(host) {
		return nil, bad("host is not a valid host name")
	}
	if !a.nameAllowed(host) {
		return nil, bad(fmt.Sprintf("host %s is not on the administrator's webhook allow list (MANARA_WEBHOOK_ALLOW)", host))
	}
	return u, nil
}

// control is the dialer's last word, on the address actually dialled:
// an allowed range always passes; a host allowed by name passes only to
// public addresses, so a name that later resolves to a loopback, private
// or link-local address (DNS rebinding) reaches nothing inside.
func (a *Allowlist) control(host string) func(network, address string, c syscall.RawConn) error {
	byName := a.nameAllowed(host)
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("webhook dial to %s refused: unparseable address", address)
		}
		ip := ap.Addr().Unmap()
		if a.addrAllowed(ip) {
			return nil
		}
		if byName && public(ip) {
			return nil
		}
		return fmt.Errorf("webhook dial to %s refused: the address is not allowed", ip)
	}
}

// public reports whether ip is reachable on the internet, and so fit for a
// host allowed by name. An IPv6 address that carries an IPv4 one (NAT64,
// 6to4) is judged by the IPv4 address it leads to: on an IPv6-only host
// behind NAT64, 64:ff9b::a9fe:a9fe is the cloud's metadata service.
func public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return false
	}
	for _, p := range notGlobal {
		if p.Contains(ip) {
			return false
		}
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return public(netip.AddrFrom4([4]byte(b[12:16])))
	case sixToFour.Contains(ip):
		return public(netip.AddrFrom4([4]byte(b[2:6])))
	}
	return true
}

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052
	sixToFour = netip.MustParsePrefix("2002::/16")    // RFC 3056
	// notGlobal are the special-purpose ranges (IANA's registries) that
	// IsGlobalUnicast and IsPrivate let through and that are not reached
	// on the internet: shared address space, protocol assignments,
	// documentation, benchmarking, reserved, the local-use NAT64 prefix,
	// discard-only, Teredo and the other IETF assignments.
	notGlobal = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),
		netip.MustParsePrefix("100.64.0.0/10"),
		netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("240.0.0.0/4"),
		netip.MustParsePrefix("64:ff9b:1::/48"),
		netip.MustParsePrefix("100::/64"),
		netip.MustParsePrefix("2001::/23"),
		netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("3fff::/20"), // documentation, RFC 9637
		netip.MustParsePrefix("5f00::/16"), // SRv6 SIDs, RFC 9602
		netip.MustParsePrefix("fc00::/7"),
	}
)

func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
