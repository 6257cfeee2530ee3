package ident

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Fuzz properties, for every parser: it never panics; every refusal is an
// *Error with a field and a reason; anything accepted parses again from
// its canonical form to the same canonical form.

func checkRefusal(t *testing.T, in string, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Field == "" || e.Reason == "" {
		t.Fatalf("%q: refusal is not a complete *Error: %#v", in, err)
	}
}

func FuzzParseMRZ(f *testing.F) {
	for _, s := range []string{specTD1, specTD2, specTD3, strings.ReplaceAll(specTD3, "\n", ""), strings.ToLower(specTD1)} {
		f.Add(s)
	}
	for _, c := range mrzInvalid {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMRZ(s, testRef)
		if err != nil {
			checkRefusal(t, s, err)
			return
		}
		again, err := ParseMRZ(m.Canonical(), testRef)
		if err != nil {
			t.Fatalf("%q: canonical %q refused: %v", s, m.Canonical(), err)
		}
		if !reflect.DeepEqual(m, again) {
			t.Fatalf("%q: re-parse differs:\n%+v\n%+v", s, m, again)
		}
		// What the builders make from a parsed MRZ parses back and builds
		// the same lines again.
		var lines []string
		switch m.Format {
		case TD3:
			l1, l2, err := FormatTD3(*m)
			if err != nil {
				return
			}
			lines = []string{l1, l2}
		case TD2:
			l1, l2, err := FormatTD2(*m)
			if err != nil {
				return
			}
			lines = []string{l1, l2}
		case TD1:
			l1, l2, l3, err := FormatTD1(*m)
			if err != nil {
				return
			}
			lines = []string{l1, l2, l3}
		default:
			return
		}
		checkFormatted(t, m.Format, *m, lines)
	})
}

// checkFormatted checks that built lines parse and rebuild identically.
func checkFormatted(t *testing.T, format MRZFormat, from MRZ, lines []string) {
	t.Helper()
	joined := strings.Join(lines, "\n")
	p, err := ParseMRZ(joined, testRef)
	if err != nil {
		t.Fatalf("built from %+v:\n%s\nrefused: %v", from, joined, err)
	}
	if p.Format != format {
		t.Fatalf("built %s, parsed %s:\n%s", format, p.Format, joined)
	}
	var again []string
	switch format {
	case TD3:
		l1, l2, err := FormatTD3(*p)
		if err != nil {
			t.Fatalf("%s: rebuild: %v", joined, err)
		}
		again = []string{l1, l2}
	case TD2:
		l1, l2, err := FormatTD2(*p)
		if err != nil {
			t.Fatalf("%s: rebuild: %v", joined, err)
		}
		again = []string{l1, l2}
	case TD1:
		l1, l2, l3, err := FormatTD1(*p)
		if err != nil {
			t.Fatalf("%s: rebuild: %v", joined, err)
		}
		again = []string{l1, l2, l3}
	}
	if strings.Join(again, "\n") != joined {
		t.Fatalf("round trip:\n%s\n%s", joined, strings.Join(again, "\n"))
	}
}

func FuzzFormatMRZ(f *testing.F) {
	f.Add("P", "UTO", "Eriksson", "Anna María", "L898902C3", "UTO", "1974-08-12", "F", "120415", "ZE184226B", "")
	f.Add("I", "D", "Müller", "", "D23145890734", "DEU", "74<<<<", "", "2030-01-01", "AB12", "X")
	f.Add("ID", "FRA", "de la Cruz", "Jean-Pierre", "X1", "FRA", "000229", "X", "991231", "", "12345678901")
	f.Fuzz(func(t *testing.T, code, state, surname, given, number, nat, birth, sex, expiry, opt, opt2 string) {
		m := MRZ{DocumentCode: code, IssuingState: state, Surname: surname, GivenNames: given, DocumentNumber: number,
			Nationality: nat, BirthDate: birth, Sex: sex, ExpiryDate: expiry, OptionalData: opt, OptionalData2: opt2}
		if l1, l2, err := FormatTD3(m); err == nil {
			checkFormatted(t, TD3, m, []string{l1, l2})
		}
		if l1, l2, err := FormatTD2(m); err == nil {
			checkFormatted(t, TD2, m, []string{l1, l2})
		}
		if l1, l2, l3, err := FormatTD1(m); err == nil {
			checkFormatted(t, TD1, m, []string{l1, l2, l3})
		}
	})
}

func FuzzDocumentNumber(f *testing.F) {
	for _, c := range docValid {
		f.Add(c.country, c.in)
	}
	for _, c := range docInvalid {
		f.Add(c.region, c.in)
	}
	f.Fuzz(func(t *testing.T, country, s string) {
		d, err := ParseDocumentNumber(country, s)
		if err != nil {
			checkRefusal(t, s, err)
			return
		}
		if len(d.Number) > MaxDocumentNumber || !isAlnumUpper(d.Number) {
			t.Fatalf("%q: canonical %q", s, d.Number)
		}
		again, err := ParseDocumentNumber(country, d.Number)
		if err != nil || again.Number != d.Number || again.Matches != d.Matches {
			t.Fatalf("%q: canonical %q re-parses as %+v, %v", s, d.Number, again, err)
		}
	})
}

func FuzzIBAN(f *testing.F) {
	for _, c := range ibanValid {
		f.Add(c.in)
	}
	for _, c := range ibanInvalid {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := ParseIBAN(s)
		if err != nil {
			checkRefusal(t, s, err)
			return
		}
		for _, form := range []string{x.Canonical, x.Printable} {
			again, err := ParseIBAN(form)
			if err != nil || again.Canonical != x.Canonical {
				t.Fatalf("%q: %q re-parses as %+v, %v", s, form, again, err)
			}
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, c := range phoneValid {
		f.Add(c.in, c.region)
	}
	for _, c := range phoneInvalid {
		f.Add(c.in, c.region)
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		p, err := ParsePhone(s, region)
		if err != nil {
			checkRefusal(t, s, err)
			return
		}
		for _, r := range []string{"", region} {
			again, err := ParsePhone(p.E164, r)
			if err != nil || again.E164 != p.E164 {
				t.Fatalf("%q/%q: %q re-parses (region %q) as %+v, %v", s, region, p.E164, r, again, err)
			}
		}
	})
}

func FuzzEmail(f *testing.F) {
	for _, c := range emailValid {
		f.Add(c.in)
	}
	for _, c := range emailInvalid {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEmail(s)
		if err != nil {
			checkRefusal(t, s, err)
			return
		}
		again, err := ParseEmail(e.Canonical)
		if err != nil || again.Canonical != e.Canonical {
			t.Fatalf("%q: canonical %q re-parses as %+v, %v", s, e.Canonical, again, err)
		}
		again, err = ParseEmail(e.Address)
		if err != nil || again.Address != e.Address || again.Canonical != e.Canonical {
			t.Fatalf("%q: address %q re-parses as %+v, %v", s, e.Address, again, err)
		}
	})
}

func FuzzURL(f *testing.F) {
	for _, c := range urlValid {
		f.Add(c.in)
	}
	for _, c := range urlInvalid {
		f.Add(c.in)
	}
	for _, c := range domainValid {
		f.Add(c.in)
	}
	for _, c := range domainInvalid {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if u, err := ParseURL(s); err != nil {
			checkRefusal(t, s, err)
		} else {
			again, err := ParseURL(u.Canonical)
			if err != nil || again.Canonical != u.Canonical {
				t.Fatalf("%q: canonical %q re-parses as %+v, %v", s, u.Canonical, again, err)
			}
			if d, err := Domain(u.Canonical); err != nil || d != u.Domain() {
				t.Fatalf("%q: Domain(%q) = %q, %v; want %q", s, u.Canonical, d, err, u.Domain())
			}
		}
		if d, err := ParseDomain(s); err != nil {
			checkRefusal(t, s, err)
		} else {
			again, err := ParseDomain(d.Canonical)
			if err != nil || again.Canonical != d.Canonical {
				t.Fatalf("%q: canonical %q re-parses as %+v, %v", s, d.Canonical, again, err)
			}
			if u, err := ParseURL(d.Canonical); err != nil || u.Host != d.Canonical {
				t.Fatalf("%q: domain %q is not a URL host: %+v, %v", s, d.Canonical, u, err)
			}
		}
	})
}

func FuzzCrypto(f *testing.F) {
	for _, c := range cryptoValid {
		f.Add(c.in)
	}
	for _, c := range cryptoInvalid {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(string) (*CryptoAddress, error){ParseCrypto, ParseBTC, ParseETH, ParseTRX} {
			a, err := parse(s)
			if err != nil {
				checkRefusal(t, s, err)
				continue
			}
			again, err := parse(a.Canonical)
			if err != nil || again.Canonical != a.Canonical || again.Kind != a.Kind || again.Type != a.Type {
				t.Fatalf("%q: canonical %q re-parses as %+v, %v", s, a.Canonical, again, err)
			}
			if a.Kind == KindETH {
				if c, err := parse(a.Checksummed); err != nil || c.Canonical != a.Canonical {
					t.Fatalf("%q: checksummed %q refused: %v", s, a.Checksummed, err)
				}
			}
		}
	})
}

func FuzzVIN(f *testing.F) {
	for _, c := range vinValid {
		f.Add(c.in)
	}
	for _, c := range vinInvalid {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVIN(s)
		if err != nil {
			checkRefusal(t, s, err)
			return
		}
		again, err := ParseVIN(v.Canonical)
		if err != nil || !reflect.DeepEqual(v, again) {
			t.Fatalf("%q: canonical %q re-parses as %+v, %v", s, v.Canonical, again, err)
		}
		if v.Region == "north_america" && v.CheckDigit != CheckValid {
			t.Fatalf("%q: North American VIN accepted without a valid check digit", s)
		}
	})
}

func FuzzIMEI(f *testing.F) {
	for _, c := range imeiValid {
		f.Add(c.in)
	}
	for _, c := range imeiInvalid {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseIMEI(s)
		if err != nil {
			checkRefusal(t, s, err)
			return
		}
		again, err := ParseIMEI(m.Canonical)
		if err != nil || again.Canonical != m.Canonical || again.Type != m.Type {
			t.Fatalf("%q: canonical %q re-parses as %+v, %v", s, m.Canonical, again, err)
		}
		dev, err := ParseIMEI(m.Device)
		if err != nil || dev.Canonical != m.Device {
			t.Fatalf("%q: device %q re-parses as %+v, %v", s, m.Device, dev, err)
		}
	})
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{specTD3, specTD1, "DE89 3704 0044 0532 0130 00", "490154203237518", "+1 202-456-1111",
		"1M8GDM9AXKP042788", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "user@example.com", "Example.COM.", "https://example.com/x?utm_source=a",
		"12AB34567", "hello", ""} {
		f.Add(s, "")
		f.Add(s, "FR")
	}
	f.Add("0612345678", "MA")
	f.Fuzz(func(t *testing.T, s, region string) {
		kinds := DetectRegion(s, region)
		id, err := Parse("", s, region)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Field == "" || e.Reason == "" {
				t.Fatalf("%q: refusal is not a complete *Error: %#v", s, err)
			}
			if len(kinds) > 0 {
				t.Fatalf("%q: detected %v but Parse refused: %v", s, kinds, err)
			}
			return
		}
		if len(kinds) == 0 || kinds[0] != id.Kind {
			t.Fatalf("%q: Parse gave %s, Detect %v", s, id.Kind, kinds)
		}
		for _, k := range kinds {
			first, err := Parse(k, s, region)
			if err != nil {
				t.Fatalf("%q: detected as %s but refused: %v", s, k, err)
			}
			again, err := Parse(k, first.Canonical, region)
			if err != nil || again.Canonical != first.Canonical {
				t.Fatalf("%q as %s: canonical %q re-parses as %+v, %v", s, k, first.Canonical, again, err)
			}
		}
	})
}
