// Package names owns name matching across scripts: normalisation (Arabic,
// Latin with diacritics, Cyrillic, Greek), name structure (articles,
// particles, compounds), the cross-script consonant key used to retrieve
// candidates, and the similarity score with its explanation. It is pure Go
// with no I/O and no knowledge of records or storage.
package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Script is the writing system of a token.
type Script uint8

const (
	Latin Script = iota
	Arabic
	// The scripts below are read into Latin letters (see translit.go),
	// but a part keeps the script it was written in: its other spellings
	// are its own, so it is not the same part as a Latin one spelt alike.
	Chinese
	Korean
	Japanese
	Indic
	Thai
	Hebrew // kept in Hebrew letters, compared like Arabic
	Armenian
	Georgian
	Ethiopic
)

var scriptNames = [...]string{Latin: "latin", Arabic: "arabic", Chinese: "chinese", Korean: "korean", Japanese: "japanese",
	Indic: "indic", Thai: "thai", Hebrew: "hebrew", Armenian: "armenian", Georgian: "georgian", Ethiopic: "ethiopic"}

func (s Script) String() string {
	if int(s) < len(scriptNames) {
		return scriptNames[s]
	}
	return "latin"
}

// consonantal reports a script that leaves short vowels unwritten:
// against it, a Latin vowel with no counterpart costs little. The
// Ethiopic sixth vowel is mostly unsaid and read as nothing, so Ethiopic
// is counted among them.
func (s Script) consonantal() bool { return s == Arabic || s == Hebrew || s == Ethiopic }

// crossScript reports whether two parts are compared across a consonantal
// script and another (see align): Chinese read as pinyin against Latin
// pinyin is not.
func crossScript(a, b Script) bool {
	return a != b && (a.consonantal() || b.consonantal())
}

// MaxInput is the longest name accepted, in bytes; longer input is cut.
const MaxInput = 512

// rawToken is a word of the input after script normalisation: Arabic
// tokens stay in (normalised) Arabic script, everything else becomes
// lower-case ASCII Latin.
type rawToken struct {
	text   string
	script Script
	alt    string   // another reading of a Latin compound
	alts   []string // other spellings of a transliterated part
	// syllables of a Chinese or Korean part (xiao, ming): Latin spellings
	// write them joined or apart, and each is a retrieval key.
	syllables []string
	// sounds is how many characters (syllables) a Chinese or Korean part
	// is written with.
	sounds int
	// hangul is a Korean part of two syllables or more as written.
	hangul string
}

// split normalises a name and cuts it into words. Mixed-script words are
// cut where the script changes.
func split(name string) (out []rawToken, unread []string) {
	if len(name) > MaxInput {
		name = name[:MaxInput]
		for len(name) > 0 && !utf8.ValidString(name) {
			name = name[:len(name)-1] // not in the middle of a letter
		}
	}
	name = greekDigraphs.Replace(strings.ToLower(norm.NFC.String(FoldWidth(name))))
	ctx := nameContext(name)
	// a word a space, most names: grown one word at a time, the slice was
	// copied twice for a name of three
	out = make([]rawToken, 0, min(strings.Count(name, " ")+2, 16))
	var cur strings.Builder
	curScript := Latin
	var run []rune // a word of a transliterated script
	var runScript foreign
	var runBlock rune
	flush := func() {
		if len(run) > 0 {
			toks, u := transliterate(runScript, runBlock, run, ctx)
			out = append(out, toks...)
			if u != "" {
				unread = append(unread, u)
			}
			run = run[:0]
		}
		if cur.Len() > 0 {
			out = append(out, rawToken{text: cur.String(), script: curScript})
			cur.Reset()
		}
	}
	for _, r := range name {
		if f, block := foreignOf(r); f != fNone {
			if len(run) == 0 || f != runScript || block != runBlock {
				flush()
				runScript, runBlock = f, block
			}
			run = append(run, r)
			continue
		}
		if len(run) > 0 && unicode.Is(unicode.Mn, r) {
			run = append(run, r) // a mark belongs to the letter before it
			continue
		}
		if len(run) > 0 {
			flush()
		}
		if isArabicLetter(r) || isArabicMark(r) {
			if isArabicMark(r) || r == 'ـ' { // diacritics and tatweel
				continue
			}
			if curScript != Arabic {
				flush()
				curScript = Arabic
			}
			if r == 'ء' { // a bare hamza carries no consonant anyone transliterates
				continue
			}
			cur.WriteRune(foldArabic(r))
			continue
		}
		lat := latinOf(r)
		if lat == "" {
			if r == '\'' || r == '’' || r == '`' || r == 'ʿ' || r == 'ʾ' || r == '‘' || r == 'ʼ' {
				// inside a Latin word an apostrophe marks an ayn or a hamza
				// (Ma'ruf, Rabi'i); elsewhere it is noise
				if curScript == Latin && cur.Len() > 0 {
					cur.WriteByte('\'')
				}
				continue
			}
			flush()
			continue
		}
		if curScript != Latin {
			flush()
			curScript = Latin
		}
		cur.WriteString(lat)
	}
	flush()
	return out, unread
}

// FoldWidth turns the full-width and halfwidth forms (U+FF00–U+FFEF) into
// the characters they stand for: Chinese and Japanese input methods type
// ＺＥＬＤＡ for Zelda and ｶﾅ for カナ, which are the same name. Only that
// block is folded (NFKC would also turn ligatures and superscripts into
// letters), and a name without it, nearly every name, is returned as it
// is, without a copy.
func FoldWidth(s string) string {
	i := indexWidthForm(s)
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // ＡＢＣ, １２３, ！ to ～: ASCII moved up
			b = append(b, byte(r-0xFEE0))
		case isWidthForm(r):
			// a halfwidth voiced mark left apart (ｶﾞ) is joined to its
			// kana by the NFC that follows
			b = norm.NFKC.AppendString(b, s[i:i+size])
		default:
			b = append(b, s[i:i+size]...) // as it is, invalid bytes too
		}
		i += size
	}
	return string(b)
}

func isWidthForm(r rune) bool { return r >= 0xFF00 && r <= 0xFFEF }

// indexWidthForm is where the first full-width or halfwidth form of s
// starts, -1 if none. All of them are encoded from the byte 0xEF, which
// ASCII never holds, so a Latin name is passed over at IndexByte's speed.
func indexWidthForm(s string) int {
	for i := 0; i < len(s); i++ {
		j := strings.IndexByte(s[i:], 0xEF)
		if j < 0 {
			return -1
		}
		i += j
		if r, _ := utf8.DecodeRuneInString(s[i:]); isWidthForm(r) {
			return i
		}
	}
	return -1
}

func isArabicLetter(r rune) bool {
	return (r >= 0x0620 && r <= 0x064A) || (r >= 0x066E && r <= 0x06D3) || r == 0x06D5 || (r >= 0x06FA && r <= 0x06FC) ||
		(r >= 0x0750 && r <= 0x077F) || (r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFC)
}

func isArabicMark(r rune) bool {
	return (r >= 0x064B && r <= 0x065F) || r == 0x0670 || (r >= 0x06D6 && r <= 0x06ED) || r == 0x0640 || (r >= 0x0610 && r <= 0x061A)
}

// foldArabic folds letter variants: alef and hamza forms, alef maqsura,
// taa marbuta, and Persian and Urdu letters, to the base Arabic letters.
func foldArabic(r rune) rune {
	if r >= 0xFB50 { // presentation forms
		s := norm.NFKC.String(string(r))
		for _, x := range s {
			r = x
			break
		}
	}
	switch r {
	case 'أ', 'إ', 'آ', 'ٱ', 'ٲ', 'ٳ':
		return 'ا'
	case 'ؤ':
		return 'و'
	case 'ئ', 'ى', 'ی', 'ے', 'ې', 'ۍ', 'ێ':
		return 'ي'
	case 'ة', 'ۀ', 'ہ', 'ھ', 'ە', 'ۃ':
		return 'ه'
	case 'پ':
		return 'ب'
	case 'چ':
		return 'ج'
	case 'ژ':
		return 'ز'
	case 'گ', 'ک', 'ڪ':
		return 'ك'
	case 'ٹ', 'ټ':
		return 'ت'
	case 'ڈ', 'ډ':
		return 'د'
	case 'ڑ', 'ړ':
		return 'ر'
	case 'ں', 'ڼ':
		return 'ن'
	case 'ڤ', 'ڥ':
		return 'ف'
	case 'ڨ':
		return 'ق'
	case 'ځ', 'ږ':
		return 'ز'
	case 'څ':
		return 'س'
	case 'ښ':
		return 'ش'
	case 'ګ':
		return 'ك'
	}
	return r
}

// latinOf turns one rune into lower-case ASCII letters: Latin with its
// diacritics folded, Cyrillic and Greek transliterated. Anything else that
// is not a letter gives "".
func latinOf(r rune) string {
	if r < 0x80 {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return string(r)
		case r >= 'A' && r <= 'Z':
			return string(r + 32)
		}
		return ""
	}
	if s, ok := special[r]; ok {
		return s
	}
	if s, ok := cyrillic[unicode.ToLower(r)]; ok {
		return s
	}
	if s, ok := greek[unicode.ToLower(r)]; ok {
		return s
	}
	// Latin with diacritics: decompose and keep the base letter.
	if unicode.Is(unicode.Latin, r) {
		var b strings.Builder
		for _, x := range norm.NFD.String(string(unicode.ToLower(r))) {
			if x < 0x80 && x >= 'a' && x <= 'z' {
				b.WriteRune(x)
			}
		}
		return b.String()
	}
	if unicode.IsLetter(r) {
		// other scripts (Devanagari, CJK…) are kept as an opaque letter
		// so that they still compare equal to themselves.
		return "" // left out: not transliterated
	}
	return ""
}

var special = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'ø': "o", 'Ø': "o", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ı': "i", 'İ': "i", 'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'þ': "th", 'Þ': "th", 'ð': "d", 'Ð': "d",
	'ş': "sh", 'Ş': "sh", 'ș': "sh", 'Ș': "sh", 'š': "sh", 'Š': "sh", 'ž': "zh", 'Ž': "zh", 'č': "ch", 'Č': "ch",
	'ħ': "h", 'Ħ': "h", 'ŀ': "l", 'ĸ': "k", 'ŋ': "ng", 'ſ': "s",
}

var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'ґ': "g", 'д': "d", 'е': "e", 'ё': "e", 'є': "ye", 'ж': "zh", 'з': "z",
	'и': "i", 'і': "i", 'ї': "yi", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ў': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya", 'ђ': "dj", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz",
	'қ': "k", 'ғ': "g", 'ү': "u", 'ұ': "u", 'ң': "n", 'һ': "h", 'ә': "a", 'ө': "o",
}

// greekDigraphs are the Greek letter pairs transliterated as a unit.
var greekDigraphs = strings.NewReplacer("ου", "ou", "ού", "ou", "αυ", "av", "αύ", "av", "ευ", "ev", "εύ", "ev", "γγ", "ng", "γκ", "g", "μπ", "b", "ντ", "nt")

var greek = map[rune]string{
	'α': "a", 'ά': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'έ': "e", 'ζ': "z", 'η': "i", 'ή': "i", 'θ': "th",
	'ι': "i", 'ί': "i", 'ϊ': "i", 'ΐ': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'ό': "o",
	'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y", 'ύ': "y", 'ϋ': "y", 'ΰ': "y", 'φ': "f", 'χ': "ch",
	'ψ': "ps", 'ω': "o", 'ώ': "o",
}
