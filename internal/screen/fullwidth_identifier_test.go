package screen

import "testing"

// TestIdentifiersFullWidth: a plate, IBAN or phone typed on a full-width
// keyboard is the identifier it stands for, in records and queries alike.
func TestIdentifiersFullWidth(t *testing.T) {
	for _, c := range []struct{ typ, full, ascii string }{
		{"plate", "ＡＢ－１２３－ＣＤ", "AB-123-CD"},
		{"iban", "ＦＲ７６ ３０００ ６０００ ０１１２ ３４５６ ７８９０ １８９", "FR76 3000 6000 0112 3456 7890 189"},
		{"phone", "＋２１２ ６１２ ３４５ ６７８", "+212 612 345 678"},
	} {
		got, want := CanonicalIdentifier(c.typ, c.full), CanonicalIdentifier(c.typ, c.ascii)
		if got != want || want == "" {
			t.Errorf("%s %q is %q, want %q as %q is", c.typ, c.full, got, want, c.ascii)
		}
	}
	typ, v, err := ResolveIdentifier("plate", "ＡＢ－１２３－ＣＤ")
	if err != nil || typ != "plate" || v != "AB123CD" {
		t.Errorf("a full-width plate resolves to %q %q, %v; want plate AB123CD", typ, v, err)
	}
}
