package names

import (
	"slices"
	"testing"
)

// TestCantoneseOnlyTraditional: a name written in traditional characters
// is read in Cantonese too (梁詠詩: Leung Wing Sze); the same name in
// simplified characters (梁咏诗), or one whose characters both write
// alike (王小明), is read in pinyin only. The persons are invented.
func TestCantoneseOnlyTraditional(t *testing.T) {
	checkPairs(t, []pairCase{
		{"梁詠詩", "Leung Wing Sze", true},
		{"鄭曉彤", "Cheng Hiu Tung", true},
		{"陳家俊", "Chan Ka Chun", true},
		{"黃偉文", "Wong Wai Man", true},
		{"梁詠詩", "Liang Yongshi", true},
		{"梁咏诗", "Leung Wing Sze", false},
		{"郑晓彤", "Cheng Hiu Tung", false},
		{"梁咏诗", "Liang Yongshi", true},
	})
	if !traditionalName("梁詠詩") || traditionalName("梁咏诗") || traditionalName("王小明") || traditionalName("張小明 张") {
		t.Error("traditionalName: wrong")
	}
	trad, simp := Parse("陳小明").Tokens, Parse("陈小明").Tokens
	if len(trad) != 2 || len(simp) != 2 || len(trad[1].ReadingKeys()) <= len(simp[1].ReadingKeys()) {
		t.Errorf("陳小明 reading keys %v, 陈小明 %v: want more in traditional", trad[1].ReadingKeys(), simp[1].ReadingKeys())
	}
}

// TestJyutpingSpellings spells Jyutping syllables as Hong Kong names are.
func TestJyutpingSpellings(t *testing.T) {
	for j, want := range map[string]string{"wong": "wong", "can": "chan", "zoeng": "cheung", "gaa": "ka", "man": "man", "wai": "wai",
		"zeon": "chun", "gwok": "kwok", "ho": "ho", "jiu": "yiu", "si": "sze", "loeng": "leung", "hiu": "hiu", "jyun": "yuen",
		"syun": "suen", "ceoi": "chui", "heoi": "hui", "ng": "ng", "lei": "lee", "hou": "ho", "jan": "yan", "zi": "chi", "jyu": "yu"} {
		if got := jyutpingSpellings(j); len(got) == 0 || got[0] != want {
			t.Errorf("%s: %v, want %s first", j, got, want)
		}
	}
	if got := jyutpingSpellings("zang"); !slices.Contains(got, "tsang") {
		t.Errorf("zang: %v, want tsang among them", got)
	}
}
