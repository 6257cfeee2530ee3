package webhooks

import (
	"net/netip"
	"testing"
)

// TestNameAllowedRefusesNAT64Internal: a host allowed by name "may
// only reach public addresses, so a name that resolves to a loopback,
// private or link-local address (DNS rebinding) reaches nothing"
// (README). An AAAA record in the NAT64 prefixes (RFC 6052 well-known
// 64:ff9b::/96, RFC 8215 local-use 64:ff9b:1::/48) names an IPv4 address:
// on an IPv6-only host behind NAT64 (DNS64 deployments, cloud IPv6-only
// subnets) dialling it reaches that IPv4 address. With the IPv4 address
// private, loopback or link-local (cloud metadata), the dial must be
// refused as the IPv4 address itself is.
func TestNameAllowedRefusesNAT64Internal(t *testing.T) {
	a, err := ParseAllowlist("hooks.example.org")
	if err != nil {
		t.Fatal(err)
	}
	ctl := a.control("hooks.example.org")
	for _, addr := range []string{
		"[64:ff9b::a00:5]:443",    // 10.0.0.5
		"[64:ff9b::a9fe:a9fe]:80", // 169.254.169.254 (cloud metadata)
		"[64:ff9b::7f00:1]:80",    // 127.0.0.1
		"[64:ff9b::c0a8:101]:80",  // 192.168.1.1
		"[64:ff9b:1::a00:5]:443",  // local-use NAT64 prefix, not globally reachable
	} {
		if ctl("tcp", addr, nil) == nil {
			t.Errorf("dial to %s for a host allowed by name passed: it reaches a private IPv4 address through NAT64", addr)
		}
	}
	// The same IPv4 addresses are refused when written as themselves.
	for _, addr := range []string{"10.0.0.5:443", "169.254.169.254:80"} {
		if ctl("tcp", addr, nil) == nil {
			t.Fatalf("control passes %s", addr)
		}
	}
}

// TestPublicRanges: the special-purpose ranges are not public, and an IPv6
// address carrying a public IPv4 one is.
func TestPublicRanges(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.215.14":       true,
		"64:ff9b::5db8:d70e":  true,  // NAT64 to 93.184.215.14
		"2002:5db8:d70e::1":   true,  // 6to4 from 93.184.215.14
		"2002:a00:5::1":       false, // 6to4 from 10.0.0.5
		"198.18.0.1":          false, // benchmarking
		"192.0.0.8":           false, // IETF protocol assignments
		"240.0.0.1":           false, // reserved
		"203.0.113.9":         false, // documentation
		"2001:db8::1":         false, // documentation
		"2001:0:4136:e378::1": false, // Teredo
		"100::1":              false, // discard-only
		"::ffff:10.0.0.5":     false,
		"2606:4700::1111":     true,
	} {
		if got := public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("public(%s) = %v, want %v", addr, got, want)
		}
	}
}
