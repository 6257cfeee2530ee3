package names

import "testing"

// A name with nothing to search is refused saying what it holds, and the
// reason names every kind of thing found in it, never one it does not hold:
// digits are not particles, a numeral is not an invisible character, and
// a script not read is named even beside digits or a particle.
func TestUnsearchableReasonNamesWhatTheNameHolds(t *testing.T) {
	const none = "has no name part to search: "
	for name, want := range map[string]string{
		"12345":    none + "only digits",
		"--- ...":  none + "only punctuation or symbols",
		"12-34":    none + "only digits and punctuation",
		"\u200b":   none + "only spaces or invisible characters",
		"al bin":   none + "only particles, articles or initials (bin)",
		"van der":  none + "only particles, articles or initials (van der)",
		"J. K.":    none + "only particles, articles or initials (j k)",
		"4711 bin": none + "only digits and particles, articles or initials (bin)",
		"x 12":     none + "only digits and particles, articles or initials (x)",
		// numbers that are not ASCII digits are digits all the same
		"Ⅻ":     none + "only digits",
		"Ⅻ bin": none + "only digits and particles, articles or initials (bin)",
		"²":     none + "only digits",
		"٤٧١١":  none + "only digits",
		"１２３":   none + "only digits",
		// a script not read is named whatever else the name holds
		"ᚠᚢᚦ":     none + "only letters of a script screening does not read (Runic); give the name in Latin letters",
		"123 ᚠᚢᚦ": none + "only digits and letters of a script screening does not read (Runic); give the name in Latin letters",
		"bin ᚠᚢᚦ": none + "only particles, articles or initials (bin) and letters of a script screening does not read (Runic); give the name in Latin letters",
		// the ayn and hamza apostrophes are letters to Unicode only
		"ʼ":     none + "only punctuation or symbols",
		"bin ʿ": none + "only particles, articles or initials (bin)",
		// a Latin letter not read is named itself, not as a script not read
		"ʰ": none + "only Latin letters screening does not read (ʰ); give the name in plain Latin letters",
		// kanji of a Japanese name, alone or beside something else
		"高橋ッ":     none + "only kanji of a Japanese name (高橋), which cannot be read without a dictionary of names; give the name in kana or Latin letters",
		"123 高橋ッ": none + "only digits and kanji of a Japanese name (高橋), which cannot be read without a dictionary of names; give the name in kana or Latin letters",
		"高橋ッ ᚠ":   none + "only letters of a script screening does not read (Runic) and kanji of a Japanese name (高橋), which cannot be read without a dictionary of names; give the name in kana or Latin letters",
		// a full-width initial is an initial
		"Ｊ": none + "only particles, articles or initials (j)",
	} {
		if got := Unsearchable(Parse(name)); got != want {
			t.Errorf("%q:\n got %q\nwant %q", name, got, want)
		}
	}
	for _, name := range []string{"Zelda Quillfeather", "ᚠᚢᚦ Quillfeather", "4711 Quillfeather", "ＺＥＬＤＡ"} {
		if got := Unsearchable(Parse(name)); got != "" {
			t.Errorf("%q refused: %q", name, got)
		}
	}
}
