package ident

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// wantErr checks that err is an *Error of the kind with the field.
func wantErr(t *testing.T, in string, err error, kind Kind, field string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%q: want *Error{%s, %s}, got %v", in, kind, field, err)
		return
	}
	if e.Kind != kind || e.Field != field {
		t.Errorf("%q: want error %s/%s, got %s/%s (%s)", in, kind, field, e.Kind, e.Field, e.Reason)
	}
	if e.Reason == "" || !strings.Contains(e.Error(), e.Reason) {
		t.Errorf("%q: bad message %q", in, e.Error())
	}
}

func TestDocumentNumber(t *testing.T) {
	for _, c := range docValid {
		d, err := ParseDocumentNumber(c.country, c.in)
		if err != nil {
			t.Errorf("%s %q: %v", c.country, c.in, err)
			continue
		}
		if d.Number != c.canonical || d.Matches != c.matches {
			t.Errorf("%s %q: got %q matches=%v, want %q matches=%v", c.country, c.in, d.Number, d.Matches, c.canonical, c.matches)
		}
		if _, known := docFormats[d.Country]; known && !d.Matches && len(d.Warnings) == 0 {
			t.Errorf("%s %q: a format mismatch must be a warning", c.country, c.in)
		}
	}
	for _, c := range docInvalid {
		_, err := ParseDocumentNumber(c.region, c.in)
		wantErr(t, c.in, err, KindPassportNumber, c.field)
	}
	d, _ := ParseDocumentNumber("deu", "C01X00T47")
	if d.Country != "DE" {
		t.Errorf("alpha-3 country: got %q", d.Country)
	}
}

func TestIBAN(t *testing.T) {
	for _, c := range ibanValid {
		x, err := ParseIBAN(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if x.Canonical != c.canonical {
			t.Errorf("%q: got %q want %q", c.in, x.Canonical, c.canonical)
		}
		if strings.ReplaceAll(x.Printable, " ", "") != x.Canonical {
			t.Errorf("%q: printable %q", c.in, x.Printable)
		}
	}
	for _, c := range ibanInvalid {
		_, err := ParseIBAN(c.in)
		wantErr(t, c.in, err, KindIBAN, c.field)
	}
	_, err := ParseIBAN("DE8937040044053201300")
	if want := "wrong length for country DE: expected 22 characters, got 21"; !strings.Contains(err.Error(), want) {
		t.Errorf("length message: %v", err)
	}
	x, _ := ParseIBAN(makeIBAN("MA", "011519000001205000534921"))
	if x.Registered || len(x.Warnings) == 0 {
		t.Errorf("MA IBAN should be accepted with a not-registered warning: %+v", x)
	}
	if len(ibanLengths) < 80 {
		t.Errorf("IBAN registry table has %d countries", len(ibanLengths))
	}
}

func TestPhone(t *testing.T) {
	for _, c := range phoneValid {
		p, err := ParsePhone(c.in, c.region)
		if err != nil {
			t.Errorf("%q/%s: %v", c.in, c.region, err)
			continue
		}
		if p.E164 != c.canonical {
			t.Errorf("%q/%s: got %q want %q", c.in, c.region, p.E164, c.canonical)
		}
	}
	for _, c := range phoneInvalid {
		_, err := ParsePhone(c.in, c.region)
		wantErr(t, c.in, err, KindPhone, c.field)
	}
	p, _ := ParsePhone("+1 202 456 1111 ext. 12", "")
	if len(p.Warnings) == 0 {
		t.Error("a dropped extension must be warned about")
	}
	p, _ = ParsePhone("0612345678", "MA")
	if p.Region != "MA" || p.CountryCode != 212 || p.Type != "mobile" {
		t.Errorf("MA mobile: %+v", p)
	}
}

func TestEmail(t *testing.T) {
	for _, c := range emailValid {
		e, err := ParseEmail(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if e.Canonical != c.canonical {
			t.Errorf("%q: got %q want %q", c.in, e.Canonical, c.canonical)
		}
	}
	for _, c := range emailInvalid {
		_, err := ParseEmail(c.in)
		wantErr(t, c.in, err, KindEmail, c.field)
	}
	e, _ := ParseEmail("John.Doe@Example.COM")
	if e.Address != "John.Doe@example.com" || e.Local != "John.Doe" || e.Domain != "example.com" {
		t.Errorf("address as written: %+v", e)
	}
}

func TestURL(t *testing.T) {
	for _, c := range urlValid {
		u, err := ParseURL(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if u.Canonical != c.canonical {
			t.Errorf("%q: got %q want %q", c.in, u.Canonical, c.canonical)
		}
	}
	for _, c := range urlInvalid {
		_, err := ParseURL(c.in)
		wantErr(t, c.in, err, KindURL, c.field)
	}
	u, _ := ParseURL("https://www.example.com/?utm_source=a&fbclid=b")
	if u.Domain() != "example.com" {
		t.Errorf("Domain(): %q", u.Domain())
	}
	if len(u.Warnings) != 1 || !strings.Contains(u.Warnings[0], "fbclid, utm_source") {
		t.Errorf("warnings: %q", u.Warnings)
	}
	for in, want := range map[string]string{
		"https://WWW.Example.com/x": "example.com",
		"www.example.com":           "example.com",
		"www.com":                   "www.com",
		"sub.example.com":           "sub.example.com",
	} {
		if got, err := Domain(in); err != nil || got != want {
			t.Errorf("Domain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestDomain(t *testing.T) {
	for _, c := range domainValid {
		d, err := ParseDomain(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if d.Canonical != c.canonical {
			t.Errorf("%q: got %q want %q", c.in, d.Canonical, c.canonical)
		}
	}
	for _, c := range domainInvalid {
		_, err := ParseDomain(c.in)
		wantErr(t, c.in, err, KindDomain, c.field)
	}
	d, _ := ParseDomain("www.bücher.de")
	if d.Registrable != "xn--bcher-kva.de" || d.Unicode != "www.bücher.de" {
		t.Errorf("%+v", d)
	}
}

func TestCrypto(t *testing.T) {
	for _, c := range cryptoValid {
		a, err := ParseCrypto(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if string(a.Kind) != c.kind || a.Canonical != c.canonical || a.Type != c.typ {
			t.Errorf("%q: got %s %q %s, want %s %q %s", c.in, a.Kind, a.Canonical, a.Type, c.kind, c.canonical, c.typ)
		}
		// Each specific parser agrees.
		var b *CryptoAddress
		switch a.Kind {
		case KindBTC:
			b, err = ParseBTC(c.in)
		case KindETH:
			b, err = ParseETH(c.in)
		case KindTRX:
			b, err = ParseTRX(c.in)
		}
		if err != nil || b.Canonical != a.Canonical {
			t.Errorf("%q: specific parser: %v", c.in, err)
		}
	}
	for _, c := range cryptoInvalid {
		a, err := ParseCrypto(c.in)
		if err == nil {
			t.Errorf("%q: accepted as %+v", c.in, a)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Field != c.field {
			t.Errorf("%q: want field %s, got %v", c.in, c.field, err)
		}
	}
	a, _ := ParseETH("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
	if a.Checksummed != "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" {
		t.Errorf("EIP-55: %s", a.Checksummed)
	}
	if _, err := ParseBTC("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"); err == nil {
		t.Error("a Tron address is not a Bitcoin address")
	}
	if _, err := ParseTRX("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"); err == nil {
		t.Error("a Bitcoin address is not a Tron address")
	}
	// Encoders round-trip.
	prog := []byte("0123456789abcdefghij0123456789ab")
	for v := 0; v <= 16; v++ {
		p := prog
		if v == 0 {
			p = prog[:20]
		}
		addr, err := EncodeSegwitAddress("bc", v, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseBTC(addr); err != nil {
			t.Errorf("v%d %s: %v", v, addr, err)
		}
	}
	for _, s := range []string{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "1111111111111111111114oLvT2"} {
		v, payload, err := decodeBase58Check("", s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
		} else if got := EncodeBase58Check(v, payload); got != s {
			t.Errorf("base58check round trip: %s -> %s", s, got)
		}
	}
}

func TestBech32Vectors(t *testing.T) {
	valid := map[string]uint32{
		"A12UEL5L": bech32Const,
		"a12uel5l": bech32Const,
		"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs": bech32Const,
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw":                                              bech32Const,
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w":                               bech32Const,
		"?1ezyfcl": bech32Const,
		"A1LQFN3A": bech32mConst,
		"a1lqfn3a": bech32mConst,
		"an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6": bech32mConst,
		"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx":                                              bech32mConst,
		"split1checkupstagehandshakeupstreamerranterredcaperredlc445v":                               bech32mConst,
		"?1v759aa": bech32mConst,
	}
	for s, want := range valid {
		hrp, data, c, err := bech32Decode("", s)
		if err != nil || c != want {
			t.Errorf("%q: %v (constant %x)", s, err, c)
			continue
		}
		if got := bech32Encode(hrp, data, c); got != strings.ToLower(s) {
			t.Errorf("%q: re-encoded as %q", s, got)
		}
	}
	for _, s := range []string{
		"\x201nwldj5", "\x7f1axkwrx", "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
		"pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "de1lg7wt\xff", "A1G7SGD8", "10a06t8", "1qzzfhee",
		"qyrz8wqd2c9m", "1qyrz8wqd2c9m", "y1b0jsk6g", "lt1igcx5c0", "in1muywd", "mm1crxm3i", "au1s5cgom", "M1VUXWEZ",
		"16plkw9", "1p2gdwpf",
	} {
		if _, _, _, err := bech32Decode("", s); err == nil {
			t.Errorf("%q: accepted", s)
		}
	}
}

func TestVIN(t *testing.T) {
	for _, c := range vinValid {
		v, err := ParseVIN(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if v.Canonical != c.canonical || v.CheckDigit != c.check {
			t.Errorf("%q: got %q %s, want %q %s", c.in, v.Canonical, v.CheckDigit, c.canonical, c.check)
		}
	}
	for _, c := range vinInvalid {
		_, err := ParseVIN(c.in)
		wantErr(t, c.in, err, KindVIN, c.field)
	}
	v, _ := ParseVIN("WVWZZZ1KZAW000001")
	if v.Region != "europe" || len(v.Warnings) != 1 {
		t.Errorf("non-NA VIN with a wrong check digit: %+v", v)
	}
	_, err := ParseVIN("1M8GDM9AXKP042789")
	if !strings.Contains(err.Error(), "check digit (position 9) is X, expected 1") {
		t.Errorf("message: %v", err)
	}
}

func TestIMEI(t *testing.T) {
	for _, c := range imeiValid {
		m, err := ParseIMEI(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if m.Canonical != c.canonical {
			t.Errorf("%q: got %q want %q", c.in, m.Canonical, c.canonical)
		}
	}
	for _, c := range imeiInvalid {
		_, err := ParseIMEI(c.in)
		wantErr(t, c.in, err, KindIMEI, c.field)
	}
	m, _ := ParseIMEI("4901542032375186")
	if m.Type != "IMEISV" || m.Device != "490154203237518" || m.TAC != "49015420" || m.Serial != "323751" {
		t.Errorf("IMEISV: %+v", m)
	}
	m, _ = ParseIMEI("49015420323751")
	if len(m.Warnings) == 0 {
		t.Error("a computed check digit must be warned about")
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		in, region string
		first      Kind
	}{
		{specTD3, "", KindMRZ},
		{specTD1, "", KindMRZ},
		{"DE89 3704 0044 0532 0130 00", "", KindIBAN},
		{"NO9386011117947", "", KindIBAN},
		{"490154203237518", "", KindIMEI},
		{"490154203237518", "US", KindIMEI},
		{"+1 202-456-1111", "", KindPhone},
		{"0612345678", "MA", KindPhone},
		{"1M8GDM9AXKP042788", "", KindVIN},
		{"WVWZZZ1KZAW000001", "", KindVIN},
		{"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "", KindBTC},
		{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "", KindBTC},
		{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "", KindETH},
		{"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "", KindTRX},
		{"user@example.com", "", KindEmail},
		{"Example.COM.", "", KindDomain},
		{"https://example.com/x", "", KindURL},
		{"example.com/login", "", KindURL},
		{"12AB34567", "FR", KindPassportNumber},
		{"AB1234567", "", KindPassportNumber},
	}
	for _, c := range cases {
		kinds := DetectRegion(c.in, c.region)
		if len(kinds) == 0 || kinds[0] != c.first {
			t.Errorf("%q/%s: detected %v, want %s first", c.in, c.region, kinds, c.first)
			continue
		}
		id, err := Parse("", c.in, c.region)
		if err != nil || id.Kind != c.first {
			t.Errorf("%q/%s: Parse: %v %v", c.in, c.region, id.Kind, err)
		}
	}
	for _, in := range []string{"user@example.com", "+1 202-456-1111", "490154203237518", "DE89370400440532013000"} {
		for _, k := range Detect(in) {
			if k == KindURL || k == KindPhone && in[0] != '+' {
				t.Errorf("%q wrongly detected as %s", in, k)
			}
		}
	}
	// A payment card number is not guessed to be an IMEISV; letters are not
	// guessed to be a keypad phone number.
	for _, c := range [][2]string{{"4111111111111111", ""}, {"ABC 202 4561", "US"}, {"1-800-FLOWERS", "US"}} {
		for _, k := range DetectRegion(c[0], c[1]) {
			if k == KindIMEI || k == KindPhone {
				t.Errorf("%q wrongly detected as %s", c[0], k)
			}
		}
	}
	if k := Detect("4901542032375186"); len(k) == 0 || k[0] != KindIMEI {
		t.Errorf("IMEISV detected as %v", k)
	}
	for _, in := range []string{"", "hello world", "ABCDEFGHJKLMNPRST", "12", strings.Repeat("x", 3000)} {
		if k := Detect(in); len(k) != 0 {
			t.Errorf("%q detected as %v", in, k)
		}
	}
}

func TestParse(t *testing.T) {
	_, err := Parse("passport", "x", "")
	wantErr(t, "passport", err, "", "kind")
	if !strings.Contains(err.Error(), "mrz, iban") || !strings.Contains(err.Error(), "passport_number") {
		t.Errorf("unknown kind must list the known ones: %v", err)
	}
	if k, err := ParseKind(" IBAN "); err != nil || k != KindIBAN {
		t.Errorf("ParseKind: %v %v", k, err)
	}
	// Without a kind, the error of the kind the value looks like.
	_, err = Parse("", "DE89370400440532013001", "")
	wantErr(t, "iban", err, KindIBAN, "checksum")
	_, err = Parse("", "490154203237519", "")
	wantErr(t, "imei", err, KindIMEI, "check_digit")
	_, err = Parse("", strings.Replace(specTD3, "7408122F", "7408123F", 1), "")
	wantErr(t, "mrz", err, KindMRZ, "birth_date_check")
	_, err = Parse("", "zzz", "")
	wantErr(t, "zzz", err, "", "value")

	id, err := Parse(KindPassportNumber, "1OAB34567", "FR")
	if err != nil || id.Canonical != "10AB34567" || len(id.Warnings) != 1 {
		t.Errorf("passport number: %+v %v", id, err)
	}
	id, err = Parse("mrz", specTD3, "")
	if err != nil || id.Canonical != specTD3 || id.Detail.(*MRZ).DocumentNumber != "L898902C3" {
		t.Errorf("mrz: %+v %v", id, err)
	}
	if !reflect.DeepEqual(Kinds(), allKinds) || len(Kinds()) != 12 {
		t.Errorf("Kinds: %v", Kinds())
	}
}

// TestSizeLimits checks that oversized input is refused before any work.
func TestSizeLimits(t *testing.T) {
	big := strings.Repeat("1", 5000)
	for _, k := range Kinds() {
		_, err := Parse(k, big, "US")
		var e *Error
		if !errors.As(err, &e) || e.Field != "value" || !strings.Contains(e.Reason, "limit") {
			t.Errorf("%s: %v", k, err)
		}
	}
	if _, err := ParseMRZ(strings.Repeat(" ", MaxMRZInput+1), testRef); err == nil {
		t.Error("MRZ limit")
	}
	if _, err := ParseEmail("\xff@example.com"); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

// TestDetectPhoneWith00: a phone number with the 00 international prefix
// (the international form Detect's doc names beside "+…") parses without
// a region and is detected as a phone, first: 14 digits are not guessed
// to be an IMEI. The numbers are invented.
func TestDetectPhoneWith00(t *testing.T) {
	for in, want := range map[string]string{
		"00212612345678":      "+212612345678",
		"00 33 6 12 34 56 78": "+33612345678",
	} {
		if p, err := ParsePhone(in, ""); err != nil || p.E164 != want {
			t.Errorf("ParsePhone(%q, \"\") = %+v, %v; want %s", in, p, err, want)
		}
		if ks := Detect(in); len(ks) == 0 || ks[0] != KindPhone {
			t.Errorf("Detect(%q) = %v, want phone first", in, ks)
		}
		if id, err := Parse("", in, ""); err != nil || id.Kind != KindPhone || id.Canonical != want {
			t.Errorf("Parse(\"\", %q) = %+v, %v; want phone %s", in, id, err, want)
		}
	}
	// With a region, that region's own international prefix is read by
	// libphonenumber (011 in the US), and 00 is not forced to mean "+".
	if p, err := ParsePhone("011 212 6 12 34 56 78", "US"); err != nil || p.E164 != "+212612345678" {
		t.Errorf("ParsePhone(011…, US) = %+v, %v", p, err)
	}
	// An IMEI that does not start with 00 is still one.
	if ks := Detect("490154203237518"); !slices.Contains(ks, KindIMEI) {
		t.Errorf("Detect(IMEI) = %v", ks)
	}
}

// TestMRZLongNumberLimit: a TD1 document number continued in the optional
// data is at most MaxDocumentNumber (22) characters, what FormatTD1
// builds and ParseDocumentNumber accepts; one continued through all 15
// positions, with no filler after its check digit, is refused even with
// its check digits right.
func TestMRZLongNumberLimit(t *testing.T) {
	const number = "D2314589012345678901AB"
	m := MRZ{IssuingState: "MAR", Surname: "TESTER", GivenNames: "ANNA", DocumentNumber: number, Nationality: "MAR", BirthDate: "1974-08-12", Sex: "F", ExpiryDate: "2032-04-15"}
	l1, l2, l3, err := FormatTD1(m)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ParseMRZ(l1+"\n"+l2+"\n"+l3, zeroTime); err != nil || got.DocumentNumber != number {
		t.Fatalf("22 characters: %v %+v", err, got)
	}
	if d, err := ParseDocumentNumber("MA", number); err != nil || d.Number != number {
		t.Errorf("ParseDocumentNumber of the MRZ's number: %v %+v", err, d)
	}
	m.DocumentNumber = number + "C"
	if _, _, _, err := FormatTD1(m); err == nil {
		t.Errorf("FormatTD1 built a 23-character number")
	}
	// Line 1 with 23 characters: 9, then 14 and the check digit filling
	// the optional data; line 2's composite check digit made right.
	full := number + "C"
	l1 = l1[:5] + full[:9] + "<" + full[9:] + digit(full)
	l2 = l2[:29] + digit(l1[5:30]+l2[0:7]+l2[8:15]+l2[18:29])
	_, err = ParseMRZ(l1+"\n"+l2+"\n"+l3, zeroTime)
	wantErr(t, "a 23-character TD1 number", err, KindMRZ, "document_number")
}
