package names

// The Latin spellings of a Korean syllable, by its three letters (jamo):
// Revised Romanization, McCune–Reischauer without its marks, and the
// spellings people choose for their own names (ㅓ as u or o: Suh, Song;
// ㅕ as you or yu: Young, Hyun; ㅜ as oo: Soo; ㅣ as ee: Jee). A Korean
// name in Latin letters is spelt syllable by syllable from these, in any
// mix (Jong Un is MR's Chong with the j people write in the middle of a
// name; Hyun-woo is neither system), which is why they are checked one
// syllable at a time and not as whole spellings.
var (
	// ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ
	koreanInitials = [19][]string{
		{"g", "k"}, {"kk", "gg", "k", "g"}, {"n"}, {"d", "t"}, {"tt", "dd", "t", "d"},
		// ㄹ: a name's ㄹ is r or l, and the South writes 룡, 류 without
		// it (Yong, Yu)
		{"r", "l", "n", ""},
		{"m"}, {"b", "p"}, {"pp", "bb", "p", "b"}, {"s", "sh"}, {"ss", "s", "sh"}, {""},
		{"j", "ch"}, {"jj", "tch", "ch", "j"}, {"ch"}, {"k", "kh"}, {"t", "th"}, {"p", "ph"}, {"h"},
	}
	// ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ
	koreanVowels = [21][]string{
		{"a", "ah"}, {"ae", "ai", "e", "ay"}, {"ya"}, {"yae", "ye"}, {"eo", "o", "u", "uh"},
		{"e"}, {"yeo", "yo", "you", "yu"}, {"ye", "e"}, {"o", "oh"}, {"wa", "oa"},
		{"wae", "we", "oe"}, {"oe", "oi", "we"}, {"yo"}, {"u", "oo", "woo", "wu", "ou"},
		{"wo", "weo", "wu", "uo"}, {"we"}, {"wi", "wee", "ui"}, {"yu", "yoo", "you"},
		{"eu", "u", "ue"}, {"ui", "eui", "i", "ei", "ee"}, {"i", "ee", "yi"},
	}
	// none ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ
	koreanFinals = func() [28][]string {
		k, n, t, l, m, p := []string{"k", "g"}, []string{"n"}, []string{"t", "d", "s"}, []string{"l", "r", "ll"}, []string{"m"}, []string{"p", "b"}
		return [28][]string{{""}, k, k, k, n, n, n, t, l, k, {"m", "lm"}, l, l, l, p, l, m, p, p, t, t, {"ng"}, t, t, k, t, p, t}
	}()
)

// koreanSpelt reports whether latin (lower-case letters) can be cut into
// one Latin spelling of each syllable of hangul, in order. Text it cannot
// judge (letters other than syllables, or a spelling too long to follow)
// counts as spelt, so that nothing is taken off for it.
func koreanSpelt(hangul, latin string) bool {
	if len(latin) > 63 {
		return true
	}
	// at: the places in latin where the syllables read so far may end
	at := uint64(1)
	for _, r := range hangul {
		if !isHangulSyllable(r) {
			return true
		}
		l, v, t := hangulJamo(r)
		ini, vow, fin := koreanInitials[l], koreanVowels[v], koreanFinals[t]
		var next uint64
		for i := 0; i <= len(latin); i++ {
			if at&(1<<i) == 0 {
				continue
			}
			for _, a := range ini {
				j := i + len(a)
				if j > len(latin) || latin[i:j] != a {
					continue
				}
				for _, b := range vow {
					k := j + len(b)
					if k > len(latin) || latin[j:k] != b {
						continue
					}
					for _, c := range fin {
						if e := k + len(c); e <= len(latin) && latin[k:e] == c {
							next |= 1 << e
						}
					}
				}
			}
		}
		if next == 0 {
			return false
		}
		at = next
	}
	return at&(1<<len(latin)) != 0
}
