package names

import "testing"

// TestKoreanSpelt: the spellings of Korean given names found in lists and
// passports, in either system or the spellings people choose, cut into
// their syllables; and spellings of other names, a syllable apart, that
// must not be.
func TestKoreanSpelt(t *testing.T) {
	spelt := map[string][]string{
		"정은": {"jeongeun", "jongun", "chongun", "jungeun", "chungeun", "jeongun"},
		"명박": {"myungbak", "myeongbak", "myongbak", "myongpak"},
		"동혁": {"donghyuk", "donghyeok", "tonghyok"},
		"지성": {"jisung", "jiseong", "chisong", "jisong"},
		"준영": {"junyoung", "junyeong", "chunyong", "joonyoung", "junyong"},
		"현우": {"hyunwoo", "hyeonu", "hyonu", "hyunwu"},
		"상철": {"sangcheol", "sangchul", "sangchol"},
		"서연": {"seoyeon", "soyon", "suhyeon", "seoyoun"},
		"은지": {"eunji", "eunjee", "unji", "eunchi"},
		"태웅": {"taewoong", "taeung", "thaeung"},
		"혜교": {"hyekyo", "hyegyo"},
		"재범": {"jaebum", "jaebeom", "chaepom", "jaepum"},
		"순철": {"soonchul", "sunchol", "suncheol"},
		"룡해": {"ryonghae", "yonghae", "ryonghai"},
		"설주": {"solju", "seolju", "suljoo"},
		"성택": {"songthaek", "sungtaek", "seongtaek"},
		"송월": {"songwol", "songweol"},
		"민수": {"minsoo", "minsu"},
		"여정": {"yojong", "yeojeong", "yeojung"},
		"기문": {"kimoon", "gimun", "kimun"},
		"두나": {"doona", "tuna", "duna"},
		"의성": {"uiseong", "euisung", "uisong"},
		"영미": {"youngmi", "yeongmi", "yongmi"},
	}
	for h, ls := range spelt {
		for _, l := range ls {
			if !koreanSpelt(h, l) {
				t.Errorf("%s: %q is a spelling of it, not taken as one", h, l)
			}
		}
	}
	other := map[string][]string{
		"상훈": {"songun", "sangun"},
		"수진": {"segon", "sujun"},
		"상호": {"changho", "songho"},
		"정숙": {"jongsik"},
		"준혁": {"jinhyok"},
		"영미": {"yongmu"},
		"민준": {"manchun"},
		"정훈": {"jongun"},
		"성호": {"sangho"},
		"민지": {"myonggi"},
		"광수": {"jangsu"},
		"지우": {"jae", "kyu"},
	}
	for h, ls := range other {
		for _, l := range ls {
			if koreanSpelt(h, l) {
				t.Errorf("%s: %q is another name, taken as a spelling of it", h, l)
			}
		}
	}
	// what it cannot judge counts as spelt
	for _, c := range [][2]string{{"가", "ga"}, {"정은", "a123456789012345678901234567890123456789012345678901234567890123"}} {
		if !koreanSpelt(c[0], c[1]) {
			t.Errorf("koreanSpelt(%q, %q) = false, want true (cannot judge)", c[0], c[1])
		}
	}
}

// TestKoreanGivenNames: invented persons, written in Hangul and in Latin
// letters as lists and passports write them, alert; the same surname with
// a given name a syllable apart does not.
func TestKoreanGivenNames(t *testing.T) {
	checkPairs(t, []pairCase{
		{"한정은", "Han Jong Un", true},
		{"한정은", "Han Jeong-eun", true},
		{"한정은", "Han Chong-un", true},
		{"문명박", "Moon Myung-bak", true},
		{"문명박", "Mun Myong Bak", true},
		{"오동혁", "Oh Dong-hyuk", true},
		{"강지성", "Kang Ji-sung", true},
		{"강지성", "Gang Ji Seong", true},
		{"최준영", "Choe Chun Yong", true},
		{"최준영", "Choi Jun-young", true},
		{"남현우", "Nam Hyun-woo", true},
		{"윤서연", "Yoon Seo-yeon", true},
		{"윤서연", "Yun So Yon", true},
		{"임재범", "Lim Jae-bum", true},
		{"권순철", "Kwon Soon-chul", true},
		{"고상철", "Ko Sang Chol", true},
		{"고상훈", "Ko Song Un", false},
		{"고정숙", "Ko Jong Sik", false},
		{"고상호", "Ko Chang-ho", false},
		{"고민준", "Ko Man Chun", false},
		{"고정훈", "Ko Jong Un", false},
	})
}

// TestMarkAfterHangul: a combining mark typed after a Hangul syllable (it
// stays with the syllable when the name is cut into words) is not read,
// where it had been read as a syllable and panicked.
func TestMarkAfterHangul(t *testing.T) {
	for _, n := range []string{"민\u0748", "김민\u0301수", "\u1100김"} {
		if toks := Parse(n).Tokens; len(toks) == 0 {
			t.Errorf("%q: no part read", n)
		}
	}
	if r := Compare("김민\u0301수", "Kim Min-su"); !r.Match {
		t.Errorf("a mark inside 김민수 lost the match: %.3f %v", r.Score, r.Explain())
	}
}
