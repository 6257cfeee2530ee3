package names

import (
	"slices"
	"strings"

	pinyin "github.com/mozillazg/go-pinyin"
)

// Scripts other than Latin, Arabic, Cyrillic and Greek are read into Latin
// letters here, each by the romanisation its countries' passports and
// lists use, with the common other spellings as alternatives (the way an
// Arabic compound gets its readings). A word is cut out of the name as a
// run of letters of one script (see split), and transliterate turns the
// run into name parts.

// foreign names the script of a rune that is transliterated here, or
// fNone.
type foreign uint8

const (
	fNone foreign = iota
	fHan
	fHangul
	fKana
	fIndic // Devanagari and the Brahmic scripts laid out like it
	fThai
	fHebrew
	fArmenian
	fGeorgian
	fEthiopic
)

// scriptOfForeign is the Script of the parts a foreign run becomes.
var scriptOfForeign = [...]Script{fHan: Chinese, fHangul: Korean, fKana: Japanese, fIndic: Indic, fThai: Thai,
	fHebrew: Hebrew, fArmenian: Armenian, fGeorgian: Georgian, fEthiopic: Ethiopic}

// foreignOf tells which transliterated script r belongs to; for the Indic
// scripts it also gives the block, whose offset from Devanagari's maps a
// letter to its Devanagari counterpart.
func foreignOf(r rune) (foreign, rune) {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF, r >= 0xF900 && r <= 0xFAFF, r >= 0x20000 && r <= 0x2FA1F, r == '々':
		return fHan, 0
	case isHangulSyllable(r):
		return fHangul, 0
	case r >= 0x3041 && r <= 0x30FF && r != 0x30FB: // the middle dot separates words
		return fKana, 0
	case r >= 0x0900 && r <= 0x0D7F:
		return fIndic, (r - 0x0900) &^ 0x7F
	case r >= 0x0E01 && r <= 0x0E4E:
		return fThai, 0
	case r >= 0x05D0 && r <= 0x05EA, r >= 0x0591 && r <= 0x05C7, r == 0x05F3, r == 0x05F4, r >= 0xFB1D && r <= 0xFB4F:
		return fHebrew, 0
	case r >= 0x0531 && r <= 0x058A:
		return fArmenian, 0
	case r >= 0x10A0 && r <= 0x10FF, r >= 0x1C90 && r <= 0x1CBF:
		return fGeorgian, 0
	case r >= 0x1200 && r <= 0x139F, r >= 0x2D80 && r <= 0x2DDF:
		return fEthiopic, 0
	}
	return fNone, 0
}

// context is what the whole name tells a word's reading: a name with kana
// is Japanese (its kanji are then not read as Chinese); a name written as
// one word holds the family name and the given name together.
type context struct {
	japanese bool
	oneWord  bool
	// traditional: written in traditional characters (traditionalName),
	// so read in Cantonese too
	traditional bool
}

func nameContext(name string) context {
	c := context{oneWord: len(strings.Fields(name)) == 1, traditional: traditionalName(name)}
	for _, r := range name {
		if (r >= 0x3041 && r <= 0x309F) || (r >= 0x30A0 && r <= 0x30FA) {
			c.japanese = true
		}
	}
	return c
}

// transliterate turns a run of one script into name parts.
func transliterate(f foreign, block rune, run []rune, ctx context) (out []rawToken, unread string) {
	sc := scriptOfForeign[f]
	tok := func(text string, alts ...string) rawToken {
		var as []string
		for _, a := range alts {
			if a != "" && a != text && !contains(as, a) {
				as = append(as, a)
			}
		}
		return rawToken{text: text, script: sc, alts: as}
	}
	switch f {
	case fHan:
		if ctx.japanese {
			// Kanji in a Japanese name are read by a dictionary of names
			// we do not have: the part is left out, and the caller says so.
			return nil, string(run)
		}
		return hanTokens(run, ctx.oneWord, ctx.traditional, tok), ""
	case fHangul:
		return hangulTokens(run, ctx.oneWord, tok), ""
	case fKana:
		return kanaTokens(run, tok), ""
	case fIndic:
		t, alts := indic(run, block)
		return []rawToken{tok(t, alts...)}, ""
	case fThai:
		rtgs, common := thai(run)
		return []rawToken{tok(rtgs, common)}, ""
	case fHebrew:
		// compared letter by letter (hebrewUnits), keyed also as the
		// Latin spellings people write (Yosef, Levi, Peretz) so that a
		// name in Latin letters meets a name recorded in Hebrew
		folded := hebrewFold(run)
		return []rawToken{{text: folded, script: Hebrew, syllables: hebrewLatin(folded)}}, ""
	case fArmenian:
		t := armenian(run)
		var alt string
		if strings.HasPrefix(t, "h") && len(t) > 4 {
			alt = t[1:] // Russian spellings drop the initial Հ: Harutyunyan, Arutyunyan
		}
		return []rawToken{tok(t, append([]string{alt}, armenianSpellings(t)...)...)}, ""
	case fGeorgian:
		t := georgian(run)
		return []rawToken{tok(t, georgianGerman.Replace(t), davitDavid(t))}, ""
	case fEthiopic:
		return []rawToken{tok(ethiopic(run))}, ""
	}
	return nil, string(run)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ---- Han: Hanyu Pinyin ----

var pinyinArgs = pinyin.NewArgs()

// compoundSurnames are the two-character Chinese family names.
var compoundSurnames = map[string]bool{"欧阳": true, "歐陽": true, "司马": true, "司馬": true, "诸葛": true, "諸葛": true, "上官": true,
	"东方": true, "東方": true, "皇甫": true, "尉迟": true, "尉遲": true, "公孙": true, "公孫": true, "慕容": true, "夏侯": true,
	"令狐": true, "长孙": true, "長孫": true, "宇文": true, "司徒": true, "端木": true, "南宫": true, "南宮": true}

// surnameSpellings are the Cantonese, Wade–Giles and other usual spellings
// of common family names, by character (simplified and traditional), and
// the surname reading where it differs from the word's (曾 Zeng, 单 Shan).
var surnameSpellings = func() map[rune][]string {
	m := map[rune][]string{}
	for _, e := range []struct {
		chars string
		sp    []string // the pinyin first
	}{
		{"王", []string{"wang", "wong"}}, {"陈陳", []string{"chen", "chan", "chun", "tan"}}, {"张張", []string{"zhang", "cheung", "chang", "teo"}},
		{"徐", []string{"xu", "hsu", "tsui", "chui"}}, {"许許", []string{"xu", "hsu", "hui", "koh"}}, {"黄黃", []string{"huang", "wong", "hwang", "ng"}},
		{"李", []string{"li", "lee", "lei"}}, {"刘劉", []string{"liu", "lau", "lao"}}, {"杨楊", []string{"yang", "yeung", "young"}},
		{"吴吳", []string{"wu", "ng", "woo", "goh"}}, {"周", []string{"zhou", "chow", "chou", "chau"}}, {"林", []string{"lin", "lam", "lim"}},
		{"郑鄭", []string{"zheng", "cheng", "cheang", "tay"}}, {"梁", []string{"liang", "leung"}}, {"何", []string{"he", "ho"}},
		{"胡", []string{"hu", "wu", "woo"}}, {"郭", []string{"guo", "kwok", "kuo"}}, {"罗羅", []string{"luo", "law", "lo"}},
		{"谢謝", []string{"xie", "tse", "hsieh", "chia"}}, {"邓鄧", []string{"deng", "tang", "teng"}}, {"曾", []string{"zeng", "tsang", "tseng"}},
		{"蔡", []string{"cai", "choi", "tsai", "chua"}}, {"叶葉", []string{"ye", "yip", "yeh"}}, {"萧蕭", []string{"xiao", "siu", "hsiao"}},
		{"赵趙", []string{"zhao", "chiu", "chao"}}, {"孙孫", []string{"sun", "suen"}}, {"朱", []string{"zhu", "chu", "chue"}},
		{"高", []string{"gao", "ko", "kao"}}, {"马馬", []string{"ma", "mah"}}, {"冯馮", []string{"feng", "fung"}},
		{"袁", []string{"yuan", "yuen"}}, {"蒋蔣", []string{"jiang", "chiang", "tseung"}}, {"邱", []string{"qiu", "yau", "chiu"}},
		{"江", []string{"jiang", "kong", "chiang"}}, {"钟鍾鐘", []string{"zhong", "chung"}}, {"彭", []string{"peng", "pang"}},
		{"潘", []string{"pan", "poon", "pun"}}, {"卢盧", []string{"lu", "lo", "lou"}}, {"余", []string{"yu", "yue", "yee"}},
		{"区區", []string{"ou", "au"}}, {"关關", []string{"guan", "kwan"}}, {"吕呂", []string{"lyu", "lu", "lui", "lv"}},
		{"苏蘇", []string{"su", "so"}}, {"钱錢", []string{"qian", "chin", "chien"}}, {"韩韓", []string{"han", "hon"}},
		{"唐", []string{"tang", "tong"}}, {"杜", []string{"du", "to", "tu"}}, {"金", []string{"jin", "kam", "chin", "kim"}},
		{"崔", []string{"cui", "tsui", "choi"}}, {"施", []string{"shi", "sze"}}, {"方", []string{"fang", "fong"}},
		{"石", []string{"shi", "shek"}}, {"顾顧", []string{"gu", "koo", "ku"}}, {"侯", []string{"hou", "hau"}},
		{"莫", []string{"mo", "mok"}}, {"姚", []string{"yao", "yiu"}}, {"单單", []string{"shan"}}, {"解", []string{"xie"}},
		{"仇", []string{"qiu"}}, {"朴", []string{"piao", "park"}}, {"查", []string{"zha"}}, {"翟", []string{"zhai"}},
		{"覃", []string{"qin"}}, {"乐樂", []string{"yue"}}, {"任", []string{"ren", "yam", "jen"}}, {"秦", []string{"qin", "chun", "chin"}},
		{"宋", []string{"song", "sung"}}, {"沈", []string{"shen", "sum", "shum"}}, {"邹鄒", []string{"zou", "chau", "tsou"}},
		{"蒙", []string{"meng", "mung"}}, {"温溫", []string{"wen", "wan", "wun"}}, {"贾賈", []string{"jia", "ka", "chia"}},
	} {
		for _, c := range e.chars {
			m[c] = e.sp
		}
	}
	return m
}()

// hanTokens reads a run of Han characters as pinyin. A name written as
// one word (王小明) is cut after its family name, which gets its usual
// other spellings; a word of the given name stays one part, its
// syllables joined (Xiaoming), with the Wade–Giles spelling beside it.
// A name in traditional characters is read in Cantonese too (梁詠詩:
// Leung Wing Sze), each syllable's spellings keyed.
func hanTokens(run []rune, oneWord, traditional bool, tok func(string, ...string) rawToken) []rawToken {
	syl := make([]string, len(run))
	for i, r := range run {
		if r == '々' && i > 0 { // the iteration mark repeats the character before it
			syl[i] = syl[i-1]
			continue
		}
		if sp, ok := surnameSpellings[r]; ok && i == 0 && (oneWord || len(run) == 1) {
			syl[i] = sp[0]
			continue
		}
		if p := pinyin.SinglePinyin(r, pinyinArgs); len(p) > 0 {
			syl[i] = pinyinPassport(p[0])
		}
	}
	word := func(from, to int) rawToken {
		text := strings.Join(syl[from:to], "")
		var wg []string
		for _, s := range syl[from:to] {
			wg = append(wg, wadeGiles(s))
		}
		alts := []string{strings.Join(wg, "")}
		if to-from == 1 {
			if sp, ok := surnameSpellings[run[from]]; ok {
				alts = append(alts, sp...)
			}
		}
		var canto [][]string
		if traditional {
			canto = cantoneseWord(run[from:to])
			alts = append(alts, cantoneseJoined(canto)...)
		}
		t := tok(text, alts...)
		t.syllables, t.sounds = syl[from:to:to], to-from
		for _, sp := range canto {
			for _, s := range sp {
				if !contains(t.syllables, s) {
					t.syllables = append(t.syllables, s)
				}
			}
		}
		return t
	}
	n := len(run)
	if oneWord && n >= 2 && n <= 4 {
		cut := 1
		if n >= 3 && compoundSurnames[string(run[:2])] {
			cut = 2
		}
		return []rawToken{word(0, cut), word(cut, n)}
	}
	if n == 0 {
		return nil
	}
	return []rawToken{word(0, n)}
}

// pinyinPassport writes ü as Chinese passports do: lü and nü as lyu, nyu.
func pinyinPassport(s string) string {
	if strings.Contains(s, "v") {
		return strings.ReplaceAll(s, "v", "yu")
	}
	return s
}

// wadeGiles rewrites a pinyin syllable in Wade–Giles, without its
// apostrophes and umlauts, as Taiwan passports and older spellings have it.
func wadeGiles(s string) string {
	switch s {
	case "zi", "ci":
		return "tzu"
	case "si":
		return "ssu"
	case "zhi", "chi":
		return "chih"
	case "shi":
		return "shih"
	case "ri":
		return "jih"
	case "yi":
		return "i"
	case "you":
		return "yu"
	case "er":
		return "erh"
	}
	ini, fin := "", s
	for _, p := range []string{"zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s", "y", "w"} {
		if strings.HasPrefix(s, p) {
			ini, fin = p, s[len(p):]
			break
		}
	}
	switch ini {
	case "b":
		ini = "p"
	case "d":
		ini = "t"
	case "g":
		ini = "k"
	case "j", "q", "zh":
		ini = "ch"
	case "x":
		ini = "hs"
	case "r":
		ini = "j"
	case "z", "c":
		ini = "ts"
	}
	switch {
	case fin == "ian":
		fin = "ien"
	case fin == "ie":
		fin = "ieh"
	case fin == "ong":
		fin = "ung"
	case fin == "iong":
		fin = "iung"
	case fin == "ui":
		fin = "uei"
	case fin == "e" && ini != "" && ini != "y":
		fin = "o"
	case fin == "uo" && (ini == "k" || ini == "h" || ini == "sh"):
		fin = "uo"
	case fin == "uo":
		fin = "o"
	case fin == "ue" && ini != "y":
		fin = "ueh"
	case fin == "yu":
		fin = "u"
	}
	if ini == "y" && fin == "an" {
		fin = "en"
	}
	return ini + fin
}

// ---- Hangul: Revised Romanization and McCune–Reischauer ----

var (
	hangulInitialRR = []string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	hangulInitialMR = []string{"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch", "k", "t", "p", "h"}
	hangulVowelRR   = []string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	hangulVowelMR   = []string{"a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"}
	hangulFinal     = []string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}
)

// koreanSurnames are the usual spellings of common family names, RR first.
var koreanSurnames = map[rune][]string{
	'김': {"gim", "kim"}, '이': {"i", "lee", "yi", "rhee", "ri"}, '리': {"ri", "lee", "rhee"}, '박': {"bak", "park", "pak"},
	'최': {"choe", "choi"}, '정': {"jeong", "jung", "chung", "chong"}, '강': {"gang", "kang"}, '조': {"jo", "cho"},
	'윤': {"yun", "yoon"}, '장': {"jang", "chang"}, '임': {"im", "lim", "rim"}, '림': {"rim", "lim"}, '한': {"han"}, '오': {"o", "oh"},
	'서': {"seo", "suh", "so"}, '신': {"sin", "shin"}, '권': {"gwon", "kwon"}, '황': {"hwang"}, '안': {"an", "ahn"},
	'송': {"song"}, '류': {"ryu", "yoo", "yu"}, '유': {"yu", "yoo"}, '전': {"jeon", "jun", "chun", "chon"}, '홍': {"hong"},
	'고': {"go", "ko"}, '문': {"mun", "moon"}, '양': {"yang"}, '손': {"son", "sohn"}, '배': {"bae", "pae"},
	'백': {"baek", "paek", "paik", "baik"}, '허': {"heo", "hur", "huh"}, '남': {"nam"}, '심': {"sim", "shim"},
	'노': {"no", "roh", "noh"}, '로': {"ro", "roh"}, '하': {"ha"}, '곽': {"gwak", "kwak"}, '성': {"seong", "sung"}, '차': {"cha"},
	'주': {"ju", "joo", "chu"}, '우': {"u", "woo"}, '구': {"gu", "koo", "ku"}, '민': {"min"}, '나': {"na", "ra"},
	'진': {"jin", "chin"}, '지': {"ji", "chi"}, '엄': {"eom", "um"}, '채': {"chae"}, '원': {"won"}, '천': {"cheon", "chun"},
	'방': {"bang", "pang"}, '공': {"gong", "kong"}, '현': {"hyeon", "hyun"}, '함': {"ham"}, '변': {"byeon", "byun", "pyon"},
	'염': {"yeom", "yum"}, '여': {"yeo", "yuh"}, '추': {"chu", "choo"}, '도': {"do", "doh"}, '소': {"so"}, '석': {"seok", "suk"},
	'선': {"seon", "sun"}, '설': {"seol", "sul"}, '마': {"ma"}, '길': {"gil", "kil"}, '연': {"yeon", "yun"}, '위': {"wi", "wee"},
	'표': {"pyo"}, '명': {"myeong", "myung"}, '기': {"gi", "ki"}, '반': {"ban", "pan"}, '왕': {"wang"}, '금': {"geum", "keum", "kum"},
	'옥': {"ok"}, '육': {"yuk", "yook"}, '인': {"in"}, '맹': {"maeng"}, '제': {"je"}, '모': {"mo"}, '탁': {"tak"}, '국': {"guk", "kook"},
	'경': {"gyeong", "kyung"}, '형': {"hyeong", "hyung"}, '용': {"yong"}, '태': {"tae"}, '봉': {"bong"},
}

var koreanCompoundSurnames = map[string]bool{"남궁": true, "제갈": true, "선우": true, "황보": true, "독고": true, "사공": true, "서문": true}

// isHangulSyllable reports whether r is a precomposed Hangul syllable, the
// only Hangul the tables below read.
func isHangulSyllable(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 }

// hangulJamo splits a syllable into the indexes of its initial, vowel and
// final letters.
func hangulJamo(r rune) (initial, vowel, final int) {
	s := int(r - 0xAC00)
	return s / 588, (s % 588) / 28, s % 28
}

// hangulSyllable romanises one syllable, RR and MR; medial is whether a
// voiced sound comes before it (MR then writes g, d, b, j too).
func hangulSyllable(r rune, medial bool) (rr, mr string) {
	l, v, t := hangulJamo(r)
	ini := hangulInitialMR[l]
	if medial {
		ini = hangulInitialRR[l]
	}
	return hangulInitialRR[l] + hangulVowelRR[v] + hangulFinal[t], ini + hangulVowelMR[v] + hangulFinal[t]
}

// hangulTokens reads Hangul: a name written as one word of three or four
// syllables is cut after its family name; a family name gets its usual
// spellings (김 Kim, 이 Lee, 박 Park).
func hangulTokens(run []rune, oneWord bool, tok func(string, ...string) rawToken) []rawToken {
	// A combining mark after a syllable stays in the run (split keeps a
	// mark with the letter before it) and is not read: read as a
	// syllable, it indexed the tables out of range (민 and U+0748 made
	// every screening of the name a 500, and a record with it could not
	// be indexed).
	run = slices.DeleteFunc(slices.Clone(run), func(r rune) bool { return !isHangulSyllable(r) })
	word := func(rs []rune) rawToken {
		var rr, mr, common strings.Builder
		var syllables []string
		for i, r := range rs {
			a, b := hangulSyllable(r, i > 0)
			syllables = append(syllables, a)
			rr.WriteString(a)
			mr.WriteString(b)
			// the spellings people choose for themselves: eo as u or o, u as oo
			c := hangulCommon.Replace(a)
			if strings.HasSuffix(a, "yeong") {
				c = strings.TrimSuffix(a, "yeong") + "young"
			}
			common.WriteString(c)
		}
		alts := []string{mr.String(), common.String()}
		if len(rs) == 1 {
			alts = append(alts, koreanSurnames[rs[0]]...)
		}
		t := tok(rr.String(), alts...)
		t.syllables, t.sounds = syllables, len(rs)
		if len(rs) > 1 {
			t.hangul = string(rs)
		}
		return t
	}
	n := len(run)
	if oneWord && n >= 3 && n <= 4 {
		cut := 1
		if n == 4 && koreanCompoundSurnames[string(run[:2])] {
			cut = 2
		}
		return []rawToken{word(run[:cut]), word(run[cut:])}
	}
	return []rawToken{word(run)}
}

// ---- Japanese kana: Hepburn ----

// kanaRomaji is Hepburn for the katakana (hiragana are mapped onto them).
var kanaRomaji = func() map[rune]string {
	m := map[rune]string{}
	rows := []struct {
		kana string
		rom  []string
	}{
		{"アイウエオ", []string{"a", "i", "u", "e", "o"}}, {"ァィゥェォ", []string{"a", "i", "u", "e", "o"}},
		{"カキクケコ", []string{"ka", "ki", "ku", "ke", "ko"}}, {"ガギグゲゴ", []string{"ga", "gi", "gu", "ge", "go"}},
		{"サシスセソ", []string{"sa", "shi", "su", "se", "so"}}, {"ザジズゼゾ", []string{"za", "ji", "zu", "ze", "zo"}},
		{"タチツテト", []string{"ta", "chi", "tsu", "te", "to"}}, {"ダヂヅデド", []string{"da", "ji", "zu", "de", "do"}},
		{"ナニヌネノ", []string{"na", "ni", "nu", "ne", "no"}}, {"ハヒフヘホ", []string{"ha", "hi", "fu", "he", "ho"}},
		{"バビブベボ", []string{"ba", "bi", "bu", "be", "bo"}}, {"パピプペポ", []string{"pa", "pi", "pu", "pe", "po"}},
		{"マミムメモ", []string{"ma", "mi", "mu", "me", "mo"}}, {"ヤユヨ", []string{"ya", "yu", "yo"}}, {"ャュョ", []string{"ya", "yu", "yo"}},
		{"ラリルレロ", []string{"ra", "ri", "ru", "re", "ro"}}, {"ワヰヱヲ", []string{"wa", "i", "e", "o"}}, {"ンヴ", []string{"n", "vu"}},
	}
	for _, row := range rows {
		for i, k := range []rune(row.kana) {
			m[k] = row.rom[i]
		}
	}
	return m
}()

// kanaTokens reads kana in Hepburn. A long vowel is written three ways
// (Itou, Ito, Itoh; Oota, Ota, Ohta): the word gets all three.
func kanaTokens(run []rune, tok func(string, ...string) rawToken) []rawToken {
	var b strings.Builder
	for i := 0; i < len(run); i++ {
		r := run[i]
		if r >= 0x3041 && r <= 0x3096 {
			r += 0x60 // hiragana to katakana
		}
		var next rune
		if i+1 < len(run) {
			next = run[i+1]
			if next >= 0x3041 && next <= 0x3096 {
				next += 0x60
			}
		}
		switch r {
		case 'ッ': // doubles the next consonant
			if n := kanaRomaji[next]; n != "" {
				if strings.HasPrefix(n, "ch") {
					b.WriteByte('t')
				} else {
					b.WriteByte(n[0])
				}
			}
			continue
		case 'ー': // lengthens the vowel: passports leave it out
			continue
		case 'ン':
			if n := kanaRomaji[next]; n != "" && strings.IndexByte("bmp", n[0]) >= 0 {
				b.WriteByte('m') // Homma, Namba
			} else {
				b.WriteByte('n')
			}
			continue
		}
		rom := kanaRomaji[r]
		if small := kanaRomaji[next]; (next == 'ャ' || next == 'ュ' || next == 'ョ') && strings.HasSuffix(rom, "i") && len(rom) >= 2 {
			// kya, sha, cho: the i gives way to the small ya, yu, yo
			base := rom[:len(rom)-1]
			if base == "sh" || base == "ch" || base == "j" {
				rom = base + small[1:]
			} else {
				rom = base + small
			}
			i++
		}
		b.WriteString(rom)
	}
	text := b.String()
	short := kanaShort.Replace(text)
	oh := kanaOh.Replace(text)
	if text == "" {
		return nil
	}
	return []rawToken{tok(text, short, oh)}
}

// ---- Devanagari and the Brahmic scripts ----

// Offsets of the Brahmic blocks from Devanagari's (U+0900).
const (
	blockDevanagari = 0x000
	blockBengali    = 0x080
	blockGurmukhi   = 0x100
	blockTamil      = 0x280
	blockTelugu     = 0x300
	blockKannada    = 0x380
	blockMalayalam  = 0x400
)

var indicConsonant = map[rune]string{
	'क': "k", 'ख': "kh", 'ग': "g", 'घ': "gh", 'ङ': "ng", 'च': "ch", 'छ': "chh", 'ज': "j", 'झ': "jh", 'ञ': "n",
	'ट': "t", 'ठ': "th", 'ड': "d", 'ढ': "dh", 'ण': "n", 'त': "t", 'थ': "th", 'द': "d", 'ध': "dh", 'न': "n", 'ऩ': "n",
	'प': "p", 'फ': "ph", 'ब': "b", 'भ': "bh", 'म': "m", 'य': "y", 'र': "r", 'ऱ': "r", 'ल': "l", 'ळ': "l", 'ऴ': "zh",
	'व': "v", 'श': "sh", 'ष': "sh", 'स': "s", 'ह': "h",
	// with a nukta (see withNukta)
	withNukta + 'क': "q", withNukta + 'ख': "kh", withNukta + 'ग': "gh", withNukta + 'ज': "z", withNukta + 'ड': "r",
	withNukta + 'ढ': "rh", withNukta + 'फ': "f", withNukta + 'य': "y",
}

// withNukta moves a consonant that a nukta modifies (क़ q, ज़ z, ड़ r) to a
// private range: NFC writes these as the consonant and the nukta.
const withNukta = 0xE000

var indicVowel = map[rune]string{
	'अ': "a", 'आ': "a", 'इ': "i", 'ई': "i", 'उ': "u", 'ऊ': "u", 'ऋ': "ri", 'ए': "e", 'ऐ': "ai", 'ओ': "o", 'औ': "au",
	'ऑ': "o", 'ऎ': "e", 'ऒ': "o", 'ऍ': "e",
}

var indicSign = map[rune]string{
	'ा': "a", 'ि': "i", 'ी': "i", 'ु': "u", 'ू': "u", 'ृ': "ri", 'े': "e", 'ै': "ai", 'ो': "o", 'ौ': "au", 'ॉ': "o",
	'ॆ': "e", 'ॊ': "o", 'ॅ': "e", 'ॢ': "li",
	0x0BD7: "", // Tamil au length mark
}

// indicSyllable is a consonant (cluster) and its vowel.
type indicSyllable struct {
	cons     string
	vowel    string
	inherent bool // the vowel is the unwritten a
	conjunct bool // two consonants or more
	long     bool // ी or ू: written ee, oo by many
}

// indic reads a word of a Brahmic script through its Devanagari
// counterpart: a simplified ISO 15919 without diacritics, with the
// inherent a left out where Hindi leaves it unsaid (Rahul, not Rahula;
// Kamla beside Kamala). alt writes the long ī and ū as ee and oo
// (Deepak, Geeta).
func indic(run []rune, block rune) (text string, alts []string) {
	deva := make([]rune, 0, len(run))
	for _, r := range run {
		d := r - block
		switch {
		case block == blockBengali && r == 0x09CE: // khanda ta
			d = 'त'
			deva = append(deva, d, '्')
			continue
		case block == blockBengali && r == 0x09DF: // য়
			d = withNukta + 'य'
		case block == blockBengali && (r == 0x09DC || r == 0x09DD): // ড় ঢ়
			d = withNukta + 'ड'
		case block == blockGurmukhi && r == 0x0A71: // addak: the next consonant is doubled
			continue
		case block == blockGurmukhi && r == 0x0A70: // tippi: a nasal
			d = 'ं'
		}
		if d == '़' && len(deva) > 0 { // nukta: the letter before it changes
			if p := deva[len(deva)-1]; indicConsonant[withNukta+p] != "" {
				deva[len(deva)-1] = withNukta + p
			}
			continue
		}
		deva = append(deva, d)
	}
	var syls []indicSyllable
	var cluster strings.Builder
	tamil := block == blockTamil
	flushBare := func() {
		if cluster.Len() > 0 {
			syls = append(syls, indicSyllable{cons: cluster.String()})
			cluster.Reset()
		}
	}
	for i := 0; i < len(deva); i++ {
		r := deva[i]
		if c, ok := indicConsonant[r]; ok {
			if block == blockBengali && r == 'ब' && i > 0 && deva[i-1] == '्' {
				c = "w" // ব-phala: Biswas, Aswin
			}
			if block == blockBengali && r == 'य' && i > 0 && deva[i-1] == '्' {
				c = "" // য-phala lengthens the consonant before it
			}
			cluster.WriteString(c)
			switch next := at(deva, i+1); {
			case next == '्':
				i++
				if i+1 >= len(deva) || indicConsonant[at(deva, i+1)] == "" {
					flushBare()
				}
			case indicSign[next] != "" || next == 0x0BD7:
				syls = append(syls, indicSyllable{cons: cluster.String(), vowel: indicSign[next], long: next == 'ी' || next == 'ू'})
				cluster.Reset()
				i++
			default:
				syls = append(syls, indicSyllable{cons: cluster.String(), vowel: "a", inherent: true, conjunct: i > 0 && deva[i-1] == '्'})
				cluster.Reset()
			}
			continue
		}
		flushBare()
		switch {
		case indicVowel[r] != "":
			syls = append(syls, indicSyllable{vowel: indicVowel[r], long: r == 'ई' || r == 'ऊ'})
		case r == 'ं' || r == 'ँ': // anusvara, candrabindu: a nasal
			syls = append(syls, indicSyllable{cons: "n"})
		case r == 'ः':
			syls = append(syls, indicSyllable{cons: "h"})
		}
	}
	flushBare()
	// The inherent a Hindi, Bengali, Gujarati and Punjabi leave unsaid: at
	// the end of a word, and between a vowel and a consonant followed by a
	// vowel (VC_CV), from the right. The Dravidian scripts say it.
	if block != blockTamil && block != blockTelugu && block != blockKannada && block != blockMalayalam {
		// (Inside the word, spellings mostly keep the a: Chaudhary,
		// Saurabh; Agarwal even adds one. It is left there.)
		// After a conjunct it is said: Dutta, Mishra, Shukla.
		if n := len(syls); n > 1 && syls[n-1].inherent && !syls[n-1].conjunct {
			syls[n-1].vowel = ""
		}
	}
	var b, long, moved strings.Builder
	for i, s := range syls {
		cons := s.cons
		if tamil {
			cons = tamilVoicing(syls, i)
		}
		b.WriteString(cons)
		long.WriteString(cons)
		// a consonant and r inside the word, with its a, are often
		// written with the a between them: अग्रवाल Agrawal, Agarwal
		if i > 0 && s.inherent && len(cons) == 2 && cons[1] == 'r' && cons[0] != 'r' && i+1 < len(syls) {
			moved.WriteString(cons[:1] + "ar")
		} else {
			moved.WriteString(cons + s.vowel)
		}
		b.WriteString(s.vowel)
		switch {
		case s.long && s.vowel == "i":
			long.WriteString("ee")
		case s.long && s.vowel == "u":
			long.WriteString("oo")
		case s.vowel == "e" && i == len(syls)-1 && i > 0:
			long.WriteString("ey") // Dubey, Pandey
		default:
			long.WriteString(s.vowel)
		}
	}
	alts = []string{long.String()}
	// व is written v or w (Agrawal, Agarwal; Vishwas)
	alts = append(alts, strings.ReplaceAll(b.String(), "v", "w"))
	if m := moved.String(); m != b.String() {
		alts = append(alts, m, strings.ReplaceAll(m, "v", "w"))
	}
	if block == blockBengali && strings.Contains(b.String(), "bh") {
		alts = append(alts, strings.ReplaceAll(b.String(), "bh", "v")) // Avijit, Avik
	}
	return b.String(), alts
}

func at(rs []rune, i int) rune {
	if i >= 0 && i < len(rs) {
		return rs[i]
	}
	return 0
}

// tamilVoicing writes a Tamil consonant as it is said: Tamil has one
// letter for k and g, t and d, p and b, c and s, voiced between vowels
// and after a nasal (Murugan, Shanmugam), and த is written th.
func tamilVoicing(syls []indicSyllable, i int) string {
	c := syls[i].cons
	afterVowel := i > 0 && syls[i-1].vowel != ""
	afterNasal := i > 0 && syls[i-1].vowel == "" && (strings.HasSuffix(syls[i-1].cons, "n") || strings.HasSuffix(syls[i-1].cons, "m"))
	switch c {
	case "t":
		return "th"
	case "tt":
		return "tth"
	case "ch":
		if i == 0 || afterVowel {
			return "s"
		}
		if afterNasal {
			return "j"
		}
	}
	if afterVowel || afterNasal {
		switch c {
		case "k":
			return "g"
		case "p":
			return "b"
		case "d", "t":
			return "d"
		}
	}
	return c
}

// ---- Thai: RTGS ----

func isThaiConsonant(r rune) bool { return r >= 0x0E01 && r <= 0x0E2E }
func isThaiLead(r rune) bool      { return r >= 0x0E40 && r <= 0x0E44 } // เ แ โ ใ ไ: written before their consonant
func isThaiTone(r rune) bool      { return r >= 0x0E48 && r <= 0x0E4B }

// isThaiFollow reports a vowel sign written above, below or after its
// consonant.
func isThaiFollow(r rune) bool {
	return r == 0x0E30 || r == 0x0E31 || (r >= 0x0E32 && r <= 0x0E3A) || r == 0x0E47 || r == 0x0E4D
}

var thaiInitial = map[rune]string{
	'ก': "k", 'ข': "kh", 'ฃ': "kh", 'ค': "kh", 'ฅ': "kh", 'ฆ': "kh", 'ง': "ng", 'จ': "ch", 'ฉ': "ch", 'ช': "ch", 'ซ': "s",
	'ฌ': "ch", 'ญ': "y", 'ฎ': "d", 'ฏ': "t", 'ฐ': "th", 'ฑ': "th", 'ฒ': "th", 'ณ': "n", 'ด': "d", 'ต': "t", 'ถ': "th",
	'ท': "th", 'ธ': "th", 'น': "n", 'บ': "b", 'ป': "p", 'ผ': "ph", 'ฝ': "f", 'พ': "ph", 'ฟ': "f", 'ภ': "ph", 'ม': "m",
	'ย': "y", 'ร': "r", 'ฤ': "rue", 'ล': "l", 'ฦ': "lue", 'ว': "w", 'ศ': "s", 'ษ': "s", 'ส': "s", 'ห': "h", 'ฬ': "l",
	'อ': "", 'ฮ': "h",
}

func thaiFinal(r rune) string {
	switch r {
	case 'ก', 'ข', 'ค', 'ฆ':
		return "k"
	case 'บ', 'ป', 'พ', 'ฟ', 'ภ':
		return "p"
	case 'ง':
		return "ng"
	case 'ญ', 'ณ', 'น', 'ร', 'ล', 'ฬ':
		return "n"
	case 'ม':
		return "m"
	case 'ย':
		return "i"
	case 'ว':
		return "o"
	case 'อ':
		return ""
	}
	return "t"
}

// thaiSyl is one syllable being read: its initial, vowel and final as
// Thai letters, so that both spellings can be written from it.
type thaiSyl struct {
	lead    rune   // a vowel written before the consonant
	initial []rune // one consonant, or a cluster (กร, ปล), or ห and a sonorant
	marks   []rune // vowel signs after the consonant
	final   rune
	implied string // the unwritten vowel: a or o
}

// thai reads a Thai word: the syllables are found by the vowel signs;
// consonants with none between them take an unwritten o (สม som) or a
// (ธ in ธนากร tha). It gives the RTGS spelling and the one passports
// mostly use (จ j, ี ee, ู oo, พ p, -orn).
func thai(run []rune) (rtgs, common string) {
	// drop what is not said: tone marks, and a letter under ์ with its vowel
	var rs []rune
	for i := 0; i < len(run); i++ {
		r := run[i]
		if isThaiTone(r) || r == 'ๆ' || r == 'ฯ' {
			continue
		}
		if r == '์' {
			for len(rs) > 0 && !isThaiConsonant(rs[len(rs)-1]) {
				rs = rs[:len(rs)-1]
			}
			if len(rs) > 0 {
				silent := rs[len(rs)-1]
				rs = rs[:len(rs)-1]
				if n := len(rs); silent == 'ร' && n > 0 && (rs[n-1] == 'ท' || rs[n-1] == 'ต' || rs[n-1] == 'ด') {
					rs = rs[:n-1] // ทร์ is silent as a pair: จันทร์ chan
				}
			}
			continue
		}
		if (r == 'ิ' || r == 'ุ') && i+1 < len(run) && run[i+1] == '์' {
			continue
		}
		rs = append(rs, r)
	}
	var slots []thaiSlot
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		s := thaiSlot{}
		if isThaiLead(r) {
			s.lead = r
			i++
			if i >= len(rs) {
				break
			}
			r = rs[i]
		}
		if !isThaiConsonant(r) {
			if isThaiFollow(r) && len(slots) > 0 {
				slots[len(slots)-1].marks = append(slots[len(slots)-1].marks, r)
			}
			continue
		}
		s.c = r
		for i+1 < len(rs) && isThaiFollow(rs[i+1]) {
			s.marks = append(s.marks, rs[i+1])
			i++
		}
		slots = append(slots, s)
	}
	vowelled := func(s thaiSlot) bool { return s.lead != 0 || len(s.marks) > 0 }
	// รร after a bare consonant is the vowel a (วรรณ wan), with an n when
	// no consonant closes the syllable (สรร san)
	for k := 1; k+1 < len(slots); k++ {
		if slots[k].c == 'ร' && slots[k+1].c == 'ร' && !vowelled(slots[k]) && !vowelled(slots[k+1]) && !vowelled(slots[k-1]) {
			slots[k-1].marks = []rune{'ั'}
			if k+2 < len(slots) && !vowelled(slots[k+2]) {
				slots = append(slots[:k], slots[k+2:]...)
			} else {
				slots[k].c = 'น'
				slots = append(slots[:k+1], slots[k+2:]...)
			}
		}
	}
	var out []thaiSyl
	i := 0
	for i < len(slots) {
		s := slots[i]
		// ห before a sonorant is silent; อ carries a vowel
		if s.c == 'ห' && !vowelled(s) && i+1 < len(slots) && strings.ContainsRune("งญนมยรลว", slots[i+1].c) && slots[i+1].lead == 0 {
			i++
			s = slots[i]
		}
		syl := thaiSyl{lead: s.lead, initial: []rune{s.c}, marks: s.marks}
		i++
		// a cluster: กร, คร, ปร, พร, กล, ปล, คว, ศร, สร
		if i < len(slots) && !vowelled(s) && strings.ContainsRune("กขคปพผตศส", s.c) && strings.ContainsRune("รลว", slots[i].c) && slots[i].lead == 0 &&
			len(slots[i].marks) > 0 {
			syl.initial = append(syl.initial, slots[i].c)
			syl.marks = slots[i].marks
			i++
		}
		if s.lead != 0 && len(syl.marks) == 0 && i < len(slots) && strings.ContainsRune("รล", slots[i].c) && !vowelled(slots[i]) && len(slots[i].marks) == 0 &&
			i+1 < len(slots) && !vowelled(slots[i+1]) && strings.ContainsRune("กขคปพผต", s.c) {
			syl.initial = append(syl.initial, slots[i].c)
			i++
		}
		// อ, ว, ย after a consonant may be part of its vowel (ทอง, เสือ, เมีย, ตัว)
		for i < len(slots) && slots[i].lead == 0 && len(slots[i].marks) == 0 &&
			((slots[i].c == 'อ') || (slots[i].c == 'ย' && len(syl.marks) > 0 && syl.marks[len(syl.marks)-1] == 'ี' && syl.lead == 'เ') ||
				(slots[i].c == 'ว' && len(syl.marks) > 0 && syl.marks[len(syl.marks)-1] == 'ั')) {
			syl.marks = append(syl.marks, slots[i].c)
			i++
		}
		// the bare consonants up to the next vowelled one
		j := i
		for j < len(slots) && !vowelled(slots[j]) && !(j+1 < len(slots) && slots[j+1].c == 'อ' && !vowelled(slots[j+1]) && j+2 < len(slots)) {
			j++
		}
		// a consonant followed by อ starts a syllable of its own
		bare := slots[i:j]
		end := j >= len(slots)
		hasVowel := syl.lead != 0 || len(syl.marks) > 0
		if !hasVowel {
			// the word starts with bare consonants: pairs take o, an odd one a
			k := len(bare) + 1 // this consonant and the bare ones
			if k%2 == 1 {
				syl.implied = "a"
				out = append(out, syl)
				out = append(out, thaiPairs(bare)...)
			} else {
				syl.implied = "o"
				syl.final = bare[0].c
				out = append(out, syl)
				out = append(out, thaiPairs(bare[1:])...)
			}
			i = j
			continue
		}
		switch {
		case len(bare) == 0:
		case end && len(bare)%2 == 0:
			// ธนากร: na kon, not nak ro
		case len(bare) == 1 && !end && strings.ContainsRune("ศษสหฮ", bare[0].c) && len(syl.marks) > 0 && strings.ContainsRune("ีูาื", syl.marks[len(syl.marks)-1]):
			// after a long open vowel an s or h starts a syllable: ศรีสวัสดิ์ si-sa-wat
		default:
			if syl.final == 0 && !(len(syl.marks) > 0 && syl.marks[len(syl.marks)-1] == 'ะ') {
				syl.final = bare[0].c
				bare = bare[1:]
			}
		}
		out = append(out, syl)
		if len(bare)%2 == 1 {
			out = append(out, thaiSyl{initial: []rune{bare[0].c}, implied: "a"})
			bare = bare[1:]
		}
		out = append(out, thaiPairs(bare)...)
		i = j
	}
	var a, b strings.Builder
	for _, s := range out {
		x, y := s.spell()
		a.WriteString(x)
		b.WriteString(y)
	}
	return a.String(), b.String()
}

// thaiSlot is a consonant with the vowel written before it and the signs
// after it.
type thaiSlot struct {
	lead  rune
	c     rune
	marks []rune
}

// thaiPairs reads bare consonants two by two: each pair a syllable with
// an unwritten o (สม som, พร phon).
func thaiPairs(bare []thaiSlot) []thaiSyl {
	var out []thaiSyl
	for k := 0; k+1 < len(bare); k += 2 {
		out = append(out, thaiSyl{initial: []rune{bare[k].c}, implied: "o", final: bare[k+1].c})
	}
	return out
}

// spell writes a syllable in RTGS and in the common passport spelling.
func (s thaiSyl) spell() (rtgs, common string) {
	var ini, iniC string
	for k, c := range s.initial {
		x := thaiInitial[c]
		if k > 0 && c == 'ว' {
			x = "w"
		}
		ini += x
		switch {
		case c == 'จ':
			iniC += "j"
		case (c == 'พ' || c == 'ภ' || c == 'ผ'):
			iniC += "p"
		default:
			iniC += x
		}
	}
	marks := string(s.marks)
	var v, vC string
	switch lead := s.lead; {
	case lead == 'เ' && strings.HasPrefix(marks, "ีย"):
		v = "ia"
	case lead == 'เ' && strings.HasPrefix(marks, "ือ"):
		v = "uea"
	case lead == 'เ' && strings.HasPrefix(marks, "า"):
		v = "ao"
	case lead == 'เ' && (strings.HasPrefix(marks, "อ") || strings.HasPrefix(marks, "ิ")):
		v = "oe"
	case lead == 'เ':
		v = "e"
	case lead == 'แ':
		v = "ae"
	case lead == 'โ':
		v = "o"
	case lead == 'ใ' || lead == 'ไ':
		v = "ai"
	case strings.HasPrefix(marks, "ัว") || strings.HasPrefix(marks, "ว"):
		v = "ua"
	case strings.HasPrefix(marks, "ั"), strings.HasPrefix(marks, "ะ"), strings.HasPrefix(marks, "า"):
		v = "a"
	case strings.HasPrefix(marks, "ำ"):
		v = "am"
	case strings.HasPrefix(marks, "ิ"):
		v = "i"
	case strings.HasPrefix(marks, "ี"):
		v, vC = "i", "ee"
	case strings.HasPrefix(marks, "ึ"), strings.HasPrefix(marks, "ื"):
		v = "ue"
	case strings.HasPrefix(marks, "ุ"):
		v = "u"
	case strings.HasPrefix(marks, "ู"):
		v, vC = "u", "oo"
	case strings.HasPrefix(marks, "็อ"), strings.HasPrefix(marks, "อ"):
		v = "o"
	default:
		v = s.implied
	}
	if vC == "" {
		vC = v
	}
	fin := ""
	if s.final != 0 {
		fin = thaiFinal(s.final)
	}
	finC := fin
	switch {
	case s.final == 'ว':
		finC = "w"
	case s.final == 'ร' && v == "o":
		finC = "rn" // -korn, -porn
	}
	if strings.HasPrefix(iniC, "b") && vC == "u" {
		vC = "oo" // Boon-
	}
	return ini + v + fin, iniC + vC + finC
}

// ---- Hebrew ----

// hebrewFold folds final letter forms and drops points and cantillation.
func hebrewFold(run []rune) string {
	var b strings.Builder
	for _, r := range run {
		switch {
		case r >= 0x0591 && r <= 0x05C7 && r != 0x05BE:
			continue
		case r >= 0xFB1D:
			continue // presentation forms with points: rare in names
		}
		switch r {
		case 'ך':
			r = 'כ'
		case 'ם':
			r = 'מ'
		case 'ן':
			r = 'נ'
		case 'ף':
			r = 'פ'
		case 'ץ':
			r = 'צ'
		case '״':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hebrewLatin spells a folded Hebrew word in Latin letters two ways, as
// Israeli passports and English spellings do: ב as v or b, כ as ch or k,
// פ as f or p (p first in the word), צ as tz or ts, ש as sh or s, ח as ch
// or h, ו and י as consonants first in the word and else as vowels (ו
// also as v).
// Only the keys of these spellings are used.
func hebrewLatin(s string) []string {
	rs := []rune(s)
	var a, b, v strings.Builder // v: a, with every ו a v (לוי Levi)
	for i, r := range rs {
		first := i == 0
		var x, y string
		switch r {
		case 'א', 'ע':
			x, y = "a", "a"
		case 'ב':
			x, y = "v", "b"
			if first {
				x, y = "b", "v"
			}
		case 'ג':
			x, y = "g", "g"
		case 'ד':
			x, y = "d", "d"
		case 'ה':
			x, y = "h", "h"
			if i == len(rs)-1 {
				x, y = "a", "ah"
			}
		case 'ו':
			x, y = "o", "u"
			if first || (i+1 < len(rs) && rs[i+1] == 'ו') {
				x, y = "v", "w"
			}
		case 'ז':
			x, y = "z", "z"
		case 'ח':
			x, y = "ch", "h"
		case 'ט', 'ת':
			x, y = "t", "t"
		case 'י':
			x, y = "i", "i"
			if first {
				x, y = "y", "y"
			}
		case 'כ':
			x, y = "ch", "k"
			if first {
				x, y = "k", "ch"
			}
		case 'ל':
			x, y = "l", "l"
		case 'מ':
			x, y = "m", "m"
		case 'נ':
			x, y = "n", "n"
		case 'ס', 'ש':
			x, y = "s", "sh"
			if r == 'ש' {
				x, y = "sh", "s"
			}
		case 'פ':
			x, y = "f", "p"
			if first {
				x, y = "p", "f"
			}
		case 'צ':
			x, y = "tz", "ts"
		case 'ק':
			x, y = "k", "k"
		case 'ר':
			x, y = "r", "r"
		}
		a.WriteString(x)
		b.WriteString(y)
		if r == 'ו' {
			x = "v"
		}
		v.WriteString(x)
	}
	if a.Len() == 0 {
		return nil
	}
	out := []string{a.String()}
	for _, o := range []string{b.String(), v.String()} {
		if !contains(out, o) {
			out = append(out, o)
		}
	}
	if len(out) == 1 {
		out = append(out, out[0]+"h") // two, so that both are keyed (Name.TokenKeys)
	}
	return out
}

// hebrewUnits turns a folded Hebrew word into units the way arabicUnits
// does for Arabic: Hebrew too leaves most vowels unwritten, and its
// letters that may be vowels (א ו י ה ע) are the Arabic ones.
func hebrewUnits(s string) []unit {
	rs := []rune(s)
	out := make([]unit, 0, len(rs)+1)
	for i, r := range rs {
		geresh := i+1 < len(rs) && (rs[i+1] == '׳' || rs[i+1] == '\'')
		last := i == len(rs)-1
		u := unit{}
		switch r {
		case 'א':
			u = unit{c: 'a', kind: kLongA}
		case 'ב':
			u = unit{c: 'b', alt: 'v'} // Avraham, Biton
		case 'ג':
			u.c = 'g'
			if geresh {
				u.c = 'j'
			}
		case 'ד':
			u.c = 'd'
		case 'ה':
			u.c = 'h'
			if last && i > 0 {
				u.kind = kH
			}
		case 'ו':
			u = unit{c: 'w', kind: kW}
		case 'ז':
			u.c = 'z'
			if geresh {
				u.c = 'j'
			}
		case 'ח':
			u = unit{c: 'h', alt: cSh} // Haddad, Chana
		case 'ט', 'ת':
			u.c = 't'
		case 'י':
			u = unit{c: 'y', kind: kY}
		case 'כ':
			u = unit{c: 'k', alt: cSh} // Michal
		case 'ל':
			u.c = 'l'
		case 'מ':
			u.c = 'm'
		case 'נ':
			u.c = 'n'
		case 'ס':
			u.c = 's'
		case 'ע':
			u = unit{c: '3', kind: kAyn}
		case 'פ':
			u = unit{c: 'p', alt: 'f'}
		case 'צ':
			if geresh {
				u.c = cSh
				break
			}
			out = append(out, unit{c: 't'})
			u = unit{c: 's', alt: 'z'} // Peretz, Katz
		case 'ק':
			u.c = 'k'
		case 'ר':
			u.c = 'r'
		case 'ש':
			u = unit{c: cSh, alt: 's'}
		default:
			continue
		}
		out = append(out, u)
	}
	// Only a doubled ו or י is one sound (דוויד David); two written
	// consonants are two (חדד Haddad).
	kept := out[:0]
	for _, u := range out {
		if n := len(kept); n > 0 && (u.kind == kW || u.kind == kY) && kept[n-1] == u {
			continue
		}
		kept = append(kept, u)
	}
	return kept
}

// ---- Armenian, Georgian, Ethiopic ----

var armenianLetters = map[rune]string{
	'ա': "a", 'բ': "b", 'գ': "g", 'դ': "d", 'ե': "e", 'զ': "z", 'է': "e", 'ը': "y", 'թ': "t", 'ժ': "zh", 'ի': "i", 'լ': "l",
	'խ': "kh", 'ծ': "ts", 'կ': "k", 'հ': "h", 'ձ': "dz", 'ղ': "gh", 'ճ': "ch", 'մ': "m", 'յ': "y", 'ն': "n", 'շ': "sh", 'ո': "o",
	'չ': "ch", 'պ': "p", 'ջ': "j", 'ռ': "r", 'ս': "s", 'վ': "v", 'տ': "t", 'ր': "r", 'ց': "ts", 'ւ': "v", 'փ': "p", 'ք': "k",
	'օ': "o", 'ֆ': "f", 'և': "yev",
}

// armenian reads Armenian as Armenian passports do (ու u, initial ե ye
// and ո vo).
func armenian(run []rune) string {
	var b strings.Builder
	for i := 0; i < len(run); i++ {
		r := run[i]
		if r >= 'Ա' && r <= 'Ֆ' {
			r += 0x30 // upper to lower case
		}
		next := at(run, i+1)
		if next >= 'Ա' && next <= 'Ֆ' {
			next += 0x30
		}
		switch {
		case r == 'ո' && next == 'ւ':
			b.WriteString("u")
			i++
			continue
		case r == 'ե' && i == 0:
			b.WriteString("ye")
			continue
		case r == 'ո' && i == 0:
			b.WriteString("vo")
			continue
		}
		b.WriteString(armenianLetters[r])
	}
	return b.String()
}

var georgianLetters = map[rune]string{
	'ა': "a", 'ბ': "b", 'გ': "g", 'დ': "d", 'ე': "e", 'ვ': "v", 'ზ': "z", 'თ': "t", 'ი': "i", 'კ': "k", 'ლ': "l", 'მ': "m",
	'ნ': "n", 'ო': "o", 'პ': "p", 'ჟ': "zh", 'რ': "r", 'ს': "s", 'ტ': "t", 'უ': "u", 'ფ': "p", 'ქ': "k", 'ღ': "gh", 'ყ': "q",
	'შ': "sh", 'ჩ': "ch", 'ც': "ts", 'ძ': "dz", 'წ': "ts", 'ჭ': "ch", 'ხ': "kh", 'ჯ': "j", 'ჰ': "h",
}

// georgian reads Georgian by the national romanisation, without its
// apostrophes; Mtavruli capitals are read as their Mkhedruli letters.
// armenianSpellings are the diaspora and Western Armenian spellings of
// an Eastern Armenian reading: -ian for -yan (Hovannisian), the h after
// a consonant unwritten (Hovhannes, Hovannes), Davit as David.
func armenianSpellings(t string) []string {
	var out []string
	diaspora := t
	if strings.HasSuffix(diaspora, "yan") && len(diaspora) > 5 {
		diaspora = strings.TrimSuffix(diaspora, "yan") + "ian"
	}
	var b strings.Builder
	for i := 0; i < len(diaspora); i++ {
		if diaspora[i] == 'h' && i > 0 && strings.IndexByte("vrnlm", diaspora[i-1]) >= 0 {
			continue
		}
		b.WriteByte(diaspora[i])
	}
	diaspora = b.String()
	if diaspora != t {
		out = append(out, diaspora)
	}
	if d := davitDavid(t); d != "" {
		out = append(out, d)
	}
	return out
}

// davitDavid is the English spelling of Davit (Armenian, Georgian),
// or "".
func davitDavid(t string) string {
	if t == "davit" || t == "tavit" {
		return "david"
	}
	return ""
}

// georgianGerman spells a Georgian reading the German way, as German
// and older spellings have it: Gelaschwili, Tschcheidse, Schewardnadse.
// Built once: a Replacer builds its tables on first use, and one made per
// name did that for every Korean and Japanese name screened.
var (
	hangulCommon = strings.NewReplacer("yeo", "yo", "eo", "u", "eu", "eu")
	kanaShort    = strings.NewReplacer("ou", "o", "oo", "o", "uu", "u")
	kanaOh       = strings.NewReplacer("ou", "oh", "oo", "oh")
)

var georgianGerman = strings.NewReplacer("sh", "sch", "ch", "tsch", "kh", "ch", "zh", "sh", "dz", "ds", "ts", "z", "j", "dsch", "v", "w", "z", "s")

func georgian(run []rune) string {
	var b strings.Builder
	for _, r := range run {
		if r >= 0x1C90 && r <= 0x1CBA {
			r = r - 0x1C90 + 0x10D0
		}
		if r >= 0x10A0 && r <= 0x10C5 { // Asomtavruli: the same order
			r = r - 0x10A0 + 0x10D0
		}
		b.WriteString(georgianLetters[r])
	}
	return b.String()
}

// ethiopicRows are the consonants of the Ethiopic syllabary's rows of
// eight, from U+1200; "" is a vowel carrier (አ, ዐ); "-" a row of
// labialised forms read by ethiopic itself.
var ethiopicRows = []string{
	"h", "l", "h", "m", "s", "r", "s", "sh", "k", "-", "k", "-", "b", "v", "t", "ch", "h", "-", "n", "ny", "", "k", "-", "h", "-",
	"w", "", "z", "zh", "y", "d", "d", "j", "g", "-", "g", "t", "ch", "p", "ts", "ts", "f", "p",
}

// ethiopic reads the Ethiopic syllabary (Amharic, Tigrinya): each
// character is a consonant and one of seven vowels. The sixth, ə, is
// mostly unsaid and written i only where it breaks a cluster (Tigist,
// Birtukan).
func ethiopic(run []rune) string {
	vowels := []string{"e", "u", "i", "a", "e", "", "o", "wa"}
	type syl struct{ c, v string }
	var syls []syl
	for _, r := range run {
		if r < 0x1200 || r > 0x135A {
			continue
		}
		row, order := int(r-0x1200)/8, int(r-0x1200)%8
		if row >= len(ethiopicRows) {
			continue
		}
		c := ethiopicRows[row]
		v := vowels[order]
		if c == "" && order == 0 {
			v = "a" // አ and ዐ: Abebe, Alemu
		}
		if c == "-" { // labialised rows: qwa, kwa, gwa… read from the row before
			c = ethiopicRows[row-1] + "w"
			v = []string{"e", "", "i", "a", "e", "", "", ""}[order]
		}
		syls = append(syls, syl{c, v})
	}
	var b strings.Builder
	for i, s := range syls {
		b.WriteString(s.c)
		v := s.v
		if v == "" && s.c != "" && i+1 < len(syls) && i > 0 && syls[i-1].v == "" && syls[i-1].c != "" {
			v = "i" // three consonants in a row: the middle one keeps its ə
		}
		if v == "" && i == 0 && len(syls) > 1 && syls[i+1].v == "" {
			v = "i"
		}
		if v == "" && i+1 < len(syls) && syls[i+1].c == s.c && s.c != "" {
			v = "e" // the same consonant twice is said with a vowel between (መኮንን Mekonen)
		}
		b.WriteString(v)
	}
	return b.String()
}

// ReadingKeys are the keys a part read from another script has besides
// Key: those of its other readings (Wade–Giles, Cantonese, McCune–
// Reischauer, the usual spellings) and of each syllable, so that a name
// in Latin letters spelt by any of them, its syllables written apart or
// not, meets the part. Nil for a Latin or Arabic part.
func (t Token) ReadingKeys() []string {
	if t.Script == Latin || t.Script == Arabic {
		return nil
	}
	var out []string
	add := func(ks []string) {
		for _, k := range ks {
			if k != "" && !contains(out, k) {
				out = append(out, k)
			}
		}
	}
	for _, alt := range t.alts[:len(t.alts)-t.unkeyed] {
		add(keysOf(alt))
	}
	if len(t.syllables) > 1 {
		for _, s := range t.syllables {
			add(keysOf(latinUnits(s)))
		}
	}
	own := keysOf(t.units)
	return slices.DeleteFunc(out, func(k string) bool { return contains(own, k) })
}
