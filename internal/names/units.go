package names

// A unit is one sound of a token: a consonant class or a vowel. Latin and
// Arabic tokens become unit sequences so that they can be aligned with
// each other; Arabic leaves short vowels unwritten, so a Latin vowel may
// go unmatched cheaply when the other side is Arabic.
type unit struct {
	c    byte // consonant class, or vowel a e i o u
	alt  byte // an alternative consonant class (ambiguous letters), or 0
	kind kind
	// weak: a Latin final h after a vowel (Fatimah, Mullah), often only
	// spelling; or the a or e of a diphthong ai, ay, ei before a
	// consonant, which writes the ي of a long i as often as the i alone
	// does (Hussein, Husayn, Houssine: حسين; Zubair, Zoubir: الزبير)
	weak bool
	// long: a Latin vowel written long (ee, oo, the i of ei), which
	// stands for a letter of an Arabic spelling: Hussein is حسين, not حسن
	long bool
	// dh: a Latin d, z, th or dh after the first letter, each of which
	// writes ذ in one convention (Mouad, Moaz, Muath, Mu'adh: معاذ), so
	// that two of them may be one Arabic letter
	dh bool
	// d1, d2: a Latin digraph (kh, sh, th…) may also be two letters:
	// Lakhal is ل ك ح ل, Azhar is ا ز ه ر.
	d1, d2 byte
}

type kind uint8

const (
	kCons  kind = iota // a consonant
	kVowel             // a Latin vowel
	kAyn               // Arabic ع: transliterated as a vowel, an apostrophe or nothing
	kLongA             // Arabic ا
	kW                 // Arabic و: w or u
	kY                 // Arabic ي: y or i
	kH                 // Arabic ه at the end: h, or the a of taa marbuta
	kApos              // a Latin apostrophe: the mark of an ayn or hamza (Ma'ruf)
)

// Consonant classes. Letters that sound alike across the transliteration
// conventions share a class: ش, sh, ch, sch and ş are all S; ق, q, k and a
// hard c are k; ج, j, dj and zh are j; the Latin g may be ج, ق or غ.
const (
	cSh = 'S' // ش
	cGh = 'G' // غ
	cKh = 'x' // خ
	cTh = 'T' // ث, and the Latin th
	cDh = 'D' // ذ, and the Latin dh
	cZa = 'Z' // ظ: z, d or th depending on the region
)

// latinUnits turns a normalised Latin token (lower-case ASCII) into units.
func latinUnits(s string) []unit { return readLatin(s, false) }

// readLatin reads a Latin token; with ouVowel, ou before a vowel is the
// vowel u rather than w (Souad: سعاد, not swad; Chouaib: شعيب).
func readLatin(s string, ouVowel bool) []unit {
	out := make([]unit, 0, len(s))
	n := len(s)
	at := func(i int) byte {
		if i >= 0 && i < n {
			return s[i]
		}
		return 0
	}
	isV := func(b byte) bool { return b == 'a' || b == 'e' || b == 'i' || b == 'o' || b == 'u' }
	cons := func(c byte) { out = append(out, unit{c: c}) }
	vow := func(c byte) { out = append(out, unit{c: c, kind: kVowel}) }
	for i := 0; i < n; i++ {
		c, d, e := s[i], at(i+1), at(i+2)
		digraph := func(class byte) {
			out = append(out, unit{c: class, d1: c, d2: d})
			i++
		}
		switch {
		case c == '\'':
			out = append(out, unit{c: '3', kind: kApos})
		case c == 's' && d == 'c' && e == 'h':
			cons(cSh)
			i += 2
		case c == 's' && d == 'h':
			digraph(cSh)
		case c == 'c' && d == 'h':
			out = append(out, unit{c: cSh, alt: 'j'}) // ch: ش, or چ in Urdu and Persian names
			i++
		case c == 'k' && d == 'h':
			digraph(cKh)
		case c == 'g' && d == 'h':
			digraph(cGh)
		case c == 't' && d == 'h':
			out = append(out, unit{c: cTh, d1: c, d2: d, dh: i > 0})
			i++
		case c == 'd' && d == 'h':
			out = append(out, unit{c: cDh, d1: c, d2: d, dh: i > 0})
			i++
		case c == 'd' && d == 'j':
			cons('j')
			i++
		case c == 'd' && d == 'z', c == 'z' && d == 'h':
			digraph('j')
		case c == 'p' && d == 'h':
			cons('f')
			i++
		case c == 'c' && d == 'k':
			cons('k')
			i++
		case (c == 'q' || c == 'g') && d == 'u' && isV(e) && e != 'u':
			// French and Spanish qu/gu before a vowel: the u is silent
			if c == 'q' {
				cons('k')
			} else {
				out = append(out, unit{c: 'g'})
			}
			i++
		case c == 'o' && d == 'u':
			if (isV(e) && !ouVowel) || (i == 0 && e == 'w') {
				cons('w') // Maghrebi ou before a vowel: Ouahed, Naoual
			} else {
				vow('u')
			}
			i++
		case c == 'o' && d == 'o':
			out = append(out, unit{c: 'u', kind: kVowel, long: true})
			i++
		case c == 'e' && d == 'e':
			out = append(out, unit{c: 'i', kind: kVowel, long: true})
			i++
		case c == 'e' && d == 'i' && !isV(e):
			out = append(out, unit{c: 'e', kind: kVowel, weak: i > 0 && !isV(at(i-1)) && e != 0})
			out = append(out, unit{c: 'i', kind: kVowel, long: true})
			i++
		case c == 'a' && (d == 'i' || d == 'y') && i > 0 && !isV(at(i-1)) && at(i-1) != 'y' && e != 0 && !isV(e) && e != 'y' && e != '\'':
			out = append(out, unit{c: 'a', kind: kVowel, weak: true}) // the a of ai, ay before a consonant: Husayn, Zubair
		case c == 'e' && d == 'u' && i+3 == n && !isV(e):
			vow('e') // the French eu of a last syllable: Naceur, Boubakeur
			i++
		case c == 'y':
			if (i == 0 && isV(d)) || (i > 0 && isV(at(i-1)) && isV(d)) {
				cons('y')
			} else {
				vow('i')
			}
		case c == 'w':
			cons('w')
		case c == 'c':
			if d == 'e' || d == 'i' || d == 'y' {
				cons('s')
			} else {
				out = append(out, unit{c: 'k', alt: 's'}) // a c that lost its cedilla: Faycal
			}
		case c == 'h' && i == n-1 && i > 0 && isV(at(i-1)):
			out = append(out, unit{c: 'h', weak: true})
		case c == 'q':
			cons('k')
		case (c == 'd' || c == 'z') && i > 0:
			// not the first letter: Thomas is not Dimas
			out = append(out, unit{c: c, dh: true})
		case c == 'x':
			cons('k')
			cons('s')
		case isV(c):
			vow(c)
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			cons(c) // digits name vessels and aircraft
		}
	}
	return collapse(out)
}

// collapse merges runs of the same unit: doubled letters carry no weight
// across transliterations (Barrada, Berada; shadda is not written). An a
// repeated after an apostrophe is one vowel too: Sa'adiya is Sa'diya, the
// apostrophe marking the ʿayn (not i: Rabi'i ends in two letters, ربيعي).
// A doubled digit is two digits: YV2944 is not YV2994.
func collapse(us []unit) []unit {
	out := us[:0]
	for _, u := range us {
		if len(out) > 0 {
			p := out[len(out)-1]
			if p.c == u.c && p.kind == u.kind && (u.c < '0' || u.c > '9') {
				continue
			}
			if u.kind == kVowel && u.c == 'a' && p.kind == kApos && len(out) > 1 && out[len(out)-2].kind == kVowel && out[len(out)-2].c == u.c {
				continue
			}
		}
		out = append(out, u)
	}
	return out
}

// arabicUnits turns a normalised Arabic token into units.
func arabicUnits(s string) []unit {
	rs := []rune(s)
	out := make([]unit, 0, len(rs))
	for i, r := range rs {
		u := unit{}
		switch r {
		case 'ا':
			u = unit{c: 'a', kind: kLongA}
		case 'ب':
			u.c = 'b'
		case 'ت', 'ط':
			u.c = 't'
		case 'ث':
			u.c = cTh
		case 'ج':
			u.c = 'j'
		case 'ح':
			u.c = 'h'
		case 'خ':
			u.c = cKh
		case 'د':
			u.c = 'd'
		case 'ض':
			u = unit{c: 'd', alt: 'z'} // z in Persian and Urdu names
		case 'ذ':
			u.c = cDh
		case 'ر':
			u.c = 'r'
		case 'ز':
			u.c = 'z'
		case 'س', 'ص':
			u.c = 's'
		case 'ش':
			u.c = cSh
		case 'ظ':
			u.c = cZa
		case 'ع':
			u = unit{c: '3', kind: kAyn}
		case 'غ':
			u.c = cGh
		case 'ف':
			u.c = 'f'
		case 'ق', 'ك':
			u.c = 'k'
		case 'ل':
			u.c = 'l'
		case 'م':
			u.c = 'm'
		case 'ن':
			u.c = 'n'
		case 'ه':
			u.c = 'h'
			if i == len(rs)-1 && i > 0 {
				u.kind = kH
			}
		case 'و':
			u = unit{c: 'w', kind: kW}
		case 'ي':
			u = unit{c: 'y', kind: kY}
			if i == len(rs)-1 && i > 0 {
				u.alt = 'a' // ى folded to ي reads a at the end: Moussa, Huda
			}
		default:
			continue // letters of other Arabic-script languages we do not map
		}
		out = append(out, u)
	}
	return collapse(out)
}
