package ident

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A zone of the right shape in which a reader or a person retyping it put
// a letter outside A-Z (É for E, a Cyrillic С for C) is refused naming
// that character and its place, as an ASCII one is: lines are measured in
// characters, so the letter is not counted as two bytes and reported as a
// line too long.
func TestMRZCharacterOutsideTheAlphabetIsNamed(t *testing.T) {
	l1, l2, err := FormatTD3(MRZ{IssuingState: "MAR", Surname: "QUILLFEATHER", GivenNames: "ZELDA",
		DocumentNumber: "ZX7654321", Nationality: "MAR", BirthDate: "1974-08-12", Sex: "F", ExpiryDate: "2032-04-15"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseMRZ(l1+"\n"+l2, time.Time{}); err != nil {
		t.Fatalf("the zone does not parse: %v", err)
	}
	at := strings.Index(l1, "QUILLFEATHER") + len("QUILLFEATH") + 1 // the E, counted from 1
	const allowed = " (only A-Z, 0-9 and '<' are allowed)"
	for _, c := range []struct {
		zone, field, reason string
	}{
		{strings.Replace(l1, "QUILLFEATHER", "QUILLFEATHÉR", 1) + "\n" + l2, "line1",
			"invalid character 'É' at position " + strconv.Itoa(at) + " of line 1" + allowed},
		{l1 + "\n" + strings.Replace(l2, "MAR", "MAС", 1), "line2", // a Cyrillic С for the R
			"invalid character 'С' at position 13 of line 2" + allowed},
		// run together, the zone is cut in characters too
		{strings.Replace(l1, "QUILLFEATHER", "QUILLFEATHÉR", 1) + l2, "line1",
			"invalid character 'É' at position " + strconv.Itoa(at) + " of line 1" + allowed},
		// a line one character too long is counted in characters
		{strings.Replace(l1, "QUILLFEATHER", "QUILLFEATHÉÉR", 1) + "\n" + l2, "lines",
			"line 1 has 45 characters, expected 44 (TD3)"},
	} {
		_, err := ParseMRZ(c.zone, time.Time{})
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: want an *Error, got %v", c.zone, err)
			continue
		}
		if e.Field != c.field || e.Reason != c.reason {
			t.Errorf("%q:\n got %s %q\nwant %s %q", c.zone, e.Field, e.Reason, c.field, c.reason)
		}
	}
}
