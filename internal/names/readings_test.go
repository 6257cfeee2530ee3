package names

import "testing"

// TestSyllableReadings: a Chinese or Korean syllable meets a Latin part
// spelt as one of its readings as before, and one spelt otherwise a
// little further off, so that two syllables one sound off (朱 Zhu and
// Shu, 成 Cheng and Sheng) no longer make an alert, and one that sounds
// otherwise is another name (강 Kang is not Jang); names of two
// syllables keep the spellings people choose. A syllable one name has
// and the other not makes another given name.
func TestSyllableReadings(t *testing.T) {
	alert := [][2]string{
		{"张伟", "Zhang Wei"},
		{"张伟", "Chang Wei"},       // Wade–Giles
		{"許志明", "Hsu Chih-ming"},  // Wade–Giles, the given name apart
		{"李小龍", "Lee Siu Lung"},   // Cantonese, traditional characters
		{"陳美玲", "Chen Mei-ling"},  // a given name of two syllables
		{"김민수", "Kim Min-soo"},    // u written oo
		{"김정호", "Kim Jong Ho"},    // McCune–Reischauer without its marks
		{"이명수", "Lee Myung-soo"},  // eo written u
		{"신동혁", "Shin Dong-hyuk"}, // a spelling no reading has, two syllables
		{"박서연", "Park Seo-yeon"},  // the surname's usual spelling
		{"刘翔", "Liu Hsiang"},      // one syllable, Wade–Giles
		{"王小明", "Wang Xiao Ming"}, // syllables written apart
		{"정은 김", "Kim Jeong Eun"}, // given name first
		{"강도윤", "Kang Do-yoon"},   // the surname's usual spelling
		{"강도윤", "Gang Doyun"},     // Revised Romanization
	}
	for _, p := range alert {
		if r := Compare(p[0], p[1]); r.Score < DefaultThreshold {
			t.Errorf("%s ~ %s: %.3f, want an alert (≥ %.2f)", p[0], p[1], r.Score, DefaultThreshold)
		}
	}
	apart := [][2]string{
		{"成 朱", "Shu Sheng"}, // zhu ~ shu, cheng ~ sheng
		{"波 陈", "Po Chon"},   // chen ~ chon
		{"文 陈", "Win Shein"},
		{"鹏 高", "Ping Guo"},     // gao ~ guo
		{"平 许", "Hui Bong"},     // xu ~ hui
		{"敏 郭", "Ko Man"},       // guo ~ ko, min ~ man
		{"王文", "Wang Wen Chou"}, // a syllable more is another given name
		{"文 王", "Wen Chou Wang"},
		{"철수 박", "Pak Chol Su Min"},
		{"강도윤", "Jang Do-yoon"}, // 강 is not 장, however common both are
		{"瑜 孙", "Yu Son"},       // sun ~ son
	}
	for _, p := range apart {
		if r := Compare(p[0], p[1]); r.Score >= DefaultThreshold {
			t.Errorf("%s ~ %s: %.3f, want no alert (< %.2f): %v", p[0], p[1], r.Score, DefaultThreshold, r.Explain())
		}
	}
}

// TestFamilyAl: the Āl of a family written apart (آل سعود, Al Saud) is
// left out as the Latin al is, so that it is not taken for Ali, and the
// same name written with it in either script still alerts.
func TestFamilyAl(t *testing.T) {
	for _, p := range [][2]string{{"سمير مرعي آل سعود", "Samir Ali"}, {"ناصر آل العسكري", "Nasr Ali"}} {
		if r := Compare(p[0], p[1]); r.Score >= DefaultThreshold {
			t.Errorf("%s ~ %s: %.3f, want no alert: %v", p[0], p[1], r.Score, r.Explain())
		}
	}
	for _, p := range [][2]string{{"سالم آل حسين", "Salem Al Hussein"}, {"سمير آل سعود", "Samir Al-Saud"}} {
		if r := Compare(p[0], p[1]); r.Score < DefaultThreshold {
			t.Errorf("%s ~ %s: %.3f, want an alert: %v", p[0], p[1], r.Score, r.Explain())
		}
	}
}
