package ident

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestMRZCheckDigit(t *testing.T) {
	for s, want := range map[string]int{
		"L898902C3":      6,
		"740812":         2,
		"120415":         9,
		"ZE184226B<<<<<": 1,
		"D23145890734":   9,
		"<<<<<<":         0,
		"":               0,
	} {
		if got := MRZCheckDigit(s); got != want {
			t.Errorf("%q: %d, want %d", s, got, want)
		}
	}
	if MRZCheckDigit("a") != -1 {
		t.Error("lower case is not an MRZ character")
	}
}

func TestMRZSpecimens(t *testing.T) {
	m, err := ParseMRZ(specTD3, testRef)
	if err != nil {
		t.Fatal(err)
	}
	want := MRZ{
		Format: TD3, Lines: strings.Split(specTD3, "\n"), DocumentCode: "P", DocumentType: "passport",
		IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA", DocumentNumber: "L898902C3",
		Nationality: "UTO", BirthDateMRZ: "740812", BirthDate: "1974-08-12", Sex: "F",
		ExpiryDateMRZ: "120415", ExpiryDate: "2012-04-15", OptionalData: "ZE184226B",
		Checks:   MRZChecks{DocumentNumber: "6", BirthDate: "2", ExpiryDate: "9", OptionalData: "1", Composite: "0"},
		Warnings: []string{"the document expired on 2012-04-15"},
	}
	if !mrzEqual(*m, want) {
		t.Errorf("TD3:\n got %+v\nwant %+v", *m, want)
	}

	m, err = ParseMRZ(specTD1, testRef)
	if err != nil {
		t.Fatal(err)
	}
	want = MRZ{
		Format: TD1, Lines: strings.Split(specTD1, "\n"), DocumentCode: "I", DocumentType: "identity_card",
		IssuingState: "UTO", Surname: "ERIKSSON", GivenNames: "ANNA MARIA", DocumentNumber: "D23145890",
		Nationality: "UTO", BirthDateMRZ: "740812", BirthDate: "1974-08-12", Sex: "F",
		ExpiryDateMRZ: "120415", ExpiryDate: "2012-04-15",
		Checks:   MRZChecks{DocumentNumber: "7", BirthDate: "2", ExpiryDate: "9", Composite: "6"},
		Warnings: []string{"the document expired on 2012-04-15"},
	}
	if !mrzEqual(*m, want) {
		t.Errorf("TD1:\n got %+v\nwant %+v", *m, want)
	}

	m, err = ParseMRZ(specTD2, testRef)
	if err != nil {
		t.Fatal(err)
	}
	want.Format, want.Lines = TD2, strings.Split(specTD2, "\n")
	if !mrzEqual(*m, want) {
		t.Errorf("TD2:\n got %+v\nwant %+v", *m, want)
	}
}

func mrzEqual(a, b MRZ) bool { return reflect.DeepEqual(a, b) }

func TestMRZPasteTolerance(t *testing.T) {
	l := strings.Split(specTD3, "\n")
	t1 := strings.Split(specTD1, "\n")
	for _, in := range []string{
		"  " + strings.ToLower(l[0]) + "\r\n" + l[1] + "  \r\n\r\n",
		l[0] + l[1],
		"\t" + l[0] + " " + l[1] + "\n",
		l[0][:40] + "\n" + l[0][40:] + l[1],
	} {
		m, err := ParseMRZ(in, testRef)
		if err != nil || m.Canonical() != specTD3 {
			t.Errorf("%q: %v", in, err)
		}
	}
	for _, in := range []string{t1[0] + t1[1] + t1[2], t1[0] + "\r" + t1[1] + "\r" + t1[2]} {
		m, err := ParseMRZ(in, testRef)
		if err != nil || m.Canonical() != specTD1 {
			t.Errorf("%q: %v", in, err)
		}
	}
	s2 := strings.Split(specTD2, "\n")
	if m, err := ParseMRZ(s2[0]+s2[1], testRef); err != nil || m.Format != TD2 {
		t.Errorf("joined TD2: %v", err)
	}
}

func TestMRZErrors(t *testing.T) {
	for _, c := range mrzInvalid {
		_, err := ParseMRZ(c.in, testRef)
		wantErr(t, c.in, err, KindMRZ, c.field)
	}
	_, err := ParseMRZ(strings.Replace(specTD3, "7408122F", "7408123F", 1), testRef)
	if want := "check digit for the date of birth is 3, expected 2"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("message: %v, want %q", err, want)
	}
	_, err = ParseMRZ(strings.Replace(specTD3, "<<<<<10", "<<<<<11", 1), testRef)
	if want := "composite check digit is 1, expected 0"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("message: %v, want %q", err, want)
	}
	_, err = ParseMRZ(specTD3[:44]+"\n"+specTD3[45:88], testRef)
	if want := "line 2 has 43 characters, expected 44"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("message: %v, want %q", err, want)
	}
}

func TestMRZDates(t *testing.T) {
	cases := []struct {
		birth, expiry     string
		wantBirth, wantEx string
	}{
		{"260615", "750101", "2026-06-15", "2075-01-01"},
		{"260616", "760101", "1926-06-16", "1976-01-01"},
		{"000229", "000229", "2000-02-29", "2000-02-29"},
		{"991231", "261231", "1999-12-31", "2026-12-31"},
		{"74<<<<", "300101", "1974", "2030-01-01"},
		{"7408<<", "300101", "1974-08", "2030-01-01"},
		{"<<<<<<", "300101", "", "2030-01-01"},
	}
	for _, c := range cases {
		m, err := ParseMRZ(mrzTD3Line("L898902C3", "UTO", c.birth, "F", c.expiry, ""), testRef)
		if err != nil {
			t.Errorf("%s/%s: %v", c.birth, c.expiry, err)
			continue
		}
		if m.BirthDate != c.wantBirth || m.ExpiryDate != c.wantEx {
			t.Errorf("%s/%s: got %s/%s want %s/%s", c.birth, c.expiry, m.BirthDate, m.ExpiryDate, c.wantBirth, c.wantEx)
		}
		if m.Checks.OptionalData != "<" {
			t.Errorf("empty personal number check: %q", m.Checks.OptionalData)
		}
	}
	// A zero reference date means today: the specimen still parses.
	if _, err := ParseMRZ(specTD3, time.Time{}); err != nil {
		t.Error(err)
	}
}

func TestMRZVisa(t *testing.T) {
	num, birth, exp := "L8988901C", "400907", "961210"
	l2 := num + digit(num) + "XXX" + birth + digit(birth) + "F" + exp + digit(exp) + pad("ZE184226B", 16)
	m, err := ParseMRZ("VIUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"+l2, testRef)
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != MRVA || m.DocumentType != "visa" || m.OptionalData != "ZE184226B" || m.Checks.Composite != "" {
		t.Errorf("%+v", m)
	}
	l2 = l2[:36]
	m, err = ParseMRZ("VIUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n"+l2, testRef)
	if err != nil || m.Format != MRVB || m.OptionalData != "ZE184226" {
		t.Errorf("MRV-B: %+v %v", m, err)
	}
}

func specimenFields() MRZ {
	return MRZ{
		DocumentCode: "P", IssuingState: "UTO", Surname: "Eriksson", GivenNames: "Anna María",
		DocumentNumber: "L898902C3", Nationality: "UTO", BirthDate: "1974-08-12", Sex: "F",
		ExpiryDate: "2012-04-15", OptionalData: "ZE184226B",
	}
}

func TestFormatMRZ(t *testing.T) {
	f := specimenFields()
	l1, l2, err := FormatTD3(f)
	if err != nil || l1+"\n"+l2 != specTD3 {
		t.Errorf("TD3:\n%s\n%s\n%v", l1, l2, err)
	}
	f.DocumentCode, f.DocumentNumber, f.OptionalData = "I", "D23145890", ""
	l1, l2, err = FormatTD2(f)
	if err != nil || l1+"\n"+l2 != specTD2 {
		t.Errorf("TD2:\n%s\n%s\n%v", l1, l2, err)
	}
	l1, l2, l3, err := FormatTD1(f)
	if err != nil || l1+"\n"+l2+"\n"+l3 != specTD1 {
		t.Errorf("TD1:\n%s\n%s\n%s\n%v", l1, l2, l3, err)
	}

	// TD1 long document number (ICAO 9303 part 5): the number continues in
	// the optional data, followed by its check digit and a filler.
	f.DocumentNumber, f.OptionalData = "D23145890734", "AB12"
	l1, l2, l3, err = FormatTD1(f)
	if err != nil || l1 != "I<UTOD23145890<7349<AB12<<<<<<" {
		t.Fatalf("TD1 long number: %q %v", l1, err)
	}
	m, err := ParseMRZ(l1+l2+l3, testRef)
	if err != nil || m.DocumentNumber != "D23145890734" || m.OptionalData != "AB12" || m.Checks.DocumentNumber != "9" {
		t.Errorf("TD1 long number parsed: %+v %v", m, err)
	}
	// The same in TD2.
	f.OptionalData = ""
	l1, l2, err = FormatTD2(f)
	if err != nil {
		t.Fatal(err)
	}
	m, err = ParseMRZ(l1+"\n"+l2, testRef)
	if err != nil || m.DocumentNumber != "D23145890734" {
		t.Errorf("TD2 long number: %+v %v", m, err)
	}
	// A broken overflow.
	bad := strings.Replace(specTD1, "D231458907<<<", "D23145890<7<<", 1)
	_, err = ParseMRZ(bad, testRef)
	wantErr(t, bad, err, KindMRZ, "document_number")

	// Transliteration and truncation.
	f = specimenFields()
	f.Surname, f.GivenNames = "Müller-Lüdenscheidt O'Brien", "Jean-Pierre Édouard Maximilian Alexander"
	l1, l2, err = FormatTD3(f)
	if err != nil || l1 != "P<UTOMUELLER<LUEDENSCHEIDT<OBRIEN<<JEAN<PIER" {
		t.Errorf("transliterated name: %q %v", l1, err)
	}
	m, err = ParseMRZ(l1+"\n"+l2, testRef)
	if err != nil || m.Surname != "MUELLER LUEDENSCHEIDT OBRIEN" || m.GivenNames != "JEAN PIER" || len(m.Warnings) != 2 {
		t.Errorf("truncated name: %+v %v", m, err)
	}

	for _, bad := range []func(*MRZ){
		func(m *MRZ) { m.Surname = "" },
		func(m *MRZ) { m.Surname = "李" },
		func(m *MRZ) { m.DocumentNumber = "L898902C34" },
		func(m *MRZ) { m.DocumentNumber = "L8989-02" },
		func(m *MRZ) { m.BirthDate = "1974-02-30" },
		func(m *MRZ) { m.ExpiryDate = "12041" },
		func(m *MRZ) { m.Sex = "male" },
		func(m *MRZ) { m.IssuingState = "U7O" },
		func(m *MRZ) { m.DocumentCode = "V" },
		func(m *MRZ) { m.OptionalData = "ZE184226B123456" },
	} {
		f := specimenFields()
		bad(&f)
		if _, _, err := FormatTD3(f); err == nil {
			t.Errorf("FormatTD3 accepted %+v", f)
		}
	}
}

// TestFormatRoundTrip builds varied MRZs and parses them back.
func TestFormatRoundTrip(t *testing.T) {
	names := [][2]string{{"Kharroubi", "Abdellatif"}, {"Ng", ""}, {"de la Cruz", "María José"}, {"Ødegård", "Åse"}}
	for i, n := range names {
		f := specimenFields()
		f.Surname, f.GivenNames = n[0], n[1]
		f.DocumentNumber = []string{"AB1234567", "X1", "123456789", "C01X00T47"}[i]
		f.BirthDate = []string{"1990-01-31", "000229", "2010-12-01", "74<<<<"}[i]
		f.Sex = []string{"M", "", "X", "F"}[i]
		l1, l2, err := FormatTD3(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ParseMRZ(l1+"\n"+l2, testRef)
		if err != nil {
			t.Fatalf("%q %q: %v", l1, l2, err)
		}
		if m.DocumentNumber != f.DocumentNumber {
			t.Errorf("number %q -> %q", f.DocumentNumber, m.DocumentNumber)
		}
		r1, r2, err := FormatTD3(*m)
		if err != nil || r1 != l1 || r2 != l2 {
			t.Errorf("round trip: %q %q -> %q %q %v", l1, l2, r1, r2, err)
		}
	}
}
