package names

import (
	"slices"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// Chinese and Japanese input methods type Latin letters and digits full
// width (ＺＥＬＤＡ) and some type kana half width (ｶﾞｸ): the same name,
// parsed into the same parts as the ordinary letters.
func TestFullWidthAndHalfwidthFormsAreTheLettersTheyStandFor(t *testing.T) {
	for typed, plain := range map[string]string{
		"ＺＥＬＤＡ ＱＵＩＬＬＦＥＡＴＨＥＲ": "Zelda Quillfeather",
		"ｚｅｌｄａ　ｑｕｉｌｌｆｅａｔｈｅｒ": "zelda quillfeather", // with an ideographic space
		"Ｚｅｌｄａ Quillfeather": "Zelda Quillfeather",
		"ＭＳ－１３":              "MS-13",
		"ｶﾞｸ ﾀﾅｶ":            "ガク タナカ", // the voiced mark joined to its kana
	} {
		got, want := Parse(typed), Parse(plain)
		if !slices.Equal(got.Texts(), want.Texts()) {
			t.Errorf("%q parsed as %q, %q as %q", typed, got.Texts(), plain, want.Texts())
		}
		if r := Compare(typed, plain); r.Score != 1 {
			t.Errorf("%q against %q: %.2f, want 1", typed, plain, r.Score)
		}
	}
	if why := Unsearchable(Parse("ＺＥＬＤＡ ＱＵＩＬＬＦＥＡＴＨＥＲ")); why != "" {
		t.Errorf("full-width Latin name refused: %q", why)
	}
}

// Parse is on the screening path: a name with no full-width or halfwidth
// form is not copied, and bytes that are not UTF-8 are kept as they are.
func TestFoldWidthLeavesOtherNamesAlone(t *testing.T) {
	for _, s := range []string{"Zelda Quillfeather", "Zélda Øvergaard", "زيلدا", "高橋", "\xef\xbf\xbd", "a\xef"} {
		if got := FoldWidth(s); got != s {
			t.Errorf("FoldWidth(%q) = %q", s, got)
		}
		if n := testing.AllocsPerRun(100, func() { FoldWidth(s) }); n != 0 {
			t.Errorf("FoldWidth(%q): %v allocations", s, n)
		}
	}
	if got, want := FoldWidth("Ｚ\xffｅ"), "Z\xffe"; got != want {
		t.Errorf("FoldWidth with an invalid byte = %q, want %q", got, want)
	}
}

// The full-width ASCII forms are folded by arithmetic, the rest of the
// block by NFKC: every one of them as NFKC folds it.
func TestFoldWidthIsNFKCOverTheBlock(t *testing.T) {
	for r := rune(0xFF00); r <= 0xFFEF; r++ {
		if got, want := FoldWidth(string(r)), norm.NFKC.String(string(r)); got != want {
			t.Errorf("FoldWidth(%U) = %q, NFKC %q", r, got, want)
		}
	}
}
