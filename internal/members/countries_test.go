package members

import (
	"sort"
	"testing"
	"unicode"
)

func isUpperCode(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func hasArabic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func TestCount(t *testing.T) {
	if got := Count(); got != 196 {
		t.Fatalf("Count() = %d, want 196", got)
	}
	if got := len(All()); got != 196 {
		t.Fatalf("len(All()) = %d, want 196", got)
	}
	if got := len(Bureaus()); got != 196 {
		t.Fatalf("len(Bureaus()) = %d, want 196", got)
	}
}

func TestCodesAndNames(t *testing.T) {
	regions := map[string]bool{"Africa": true, "Americas": true, "Asia": true, "Europe": true}
	seen2 := map[string]bool{}
	seen3 := map[string]bool{}
	for _, c := range All() {
		if !isUpperCode(c.Alpha2, 2) {
			t.Errorf("bad alpha-2 %q", c.Alpha2)
		}
		if !isUpperCode(c.Alpha3, 3) {
			t.Errorf("bad alpha-3 %q for %s", c.Alpha3, c.Alpha2)
		}
		if seen2[c.Alpha2] {
			t.Errorf("duplicate alpha-2 %s", c.Alpha2)
		}
		if seen3[c.Alpha3] {
			t.Errorf("duplicate alpha-3 %s", c.Alpha3)
		}
		seen2[c.Alpha2], seen3[c.Alpha3] = true, true
		if c.NameEN == "" || c.NameFR == "" || c.NameAR == "" {
			t.Errorf("%s: empty name: %+v", c.Alpha2, c)
		}
		if !hasArabic(c.NameAR) {
			t.Errorf("%s: Arabic name %q has no Arabic letters", c.Alpha2, c.NameAR)
		}
		if !regions[c.Region] {
			t.Errorf("%s: bad region %q", c.Alpha2, c.Region)
		}
		if !Valid(c.Alpha2) {
			t.Errorf("Valid(%q) = false", c.Alpha2)
		}
	}
}

func TestAllSortedAndCopied(t *testing.T) {
	all := All()
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Alpha2 < all[j].Alpha2 }) {
		t.Error("All() not sorted by Alpha2")
	}
	all[0].NameEN = "mutated"
	if All()[0].NameEN == "mutated" {
		t.Error("All() does not return a copy")
	}
	bs := Bureaus()
	for i := 1; i < len(bs); i++ {
		if bs[i-1].Code >= bs[i].Code {
			t.Fatalf("Bureaus() not sorted at %d: %s >= %s", i, bs[i-1].Code, bs[i].Code)
		}
	}
	for _, b := range bs {
		if b.Code != b.Country.Alpha2 || b.IsSecretariat() {
			t.Errorf("bureau %q inconsistent: %+v", b.Code, b)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, code := range []string{"MA", "MAR", "ma", "mar", " Ma ", "\tmAr\n"} {
		c, ok := Lookup(code)
		if !ok {
			t.Fatalf("Lookup(%q) not found", code)
		}
		if c.Alpha2 != "MA" || c.Alpha3 != "MAR" || c.NameEN != "Morocco" || c.NameFR != "Maroc" || c.NameAR != "المغرب" || c.Region != "Africa" {
			t.Errorf("Lookup(%q) = %+v", code, c)
		}
	}
	c, _ := Lookup("MA")
	if c.Name("en") != "Morocco" || c.Name("fr") != "Maroc" || c.Name("ar") != "المغرب" || c.Name("") != "Morocco" || c.Name("de") != "Morocco" {
		t.Errorf("Country.Name mismatch for MA")
	}
}

func TestKnownMembers(t *testing.T) {
	want := map[string]struct{ a3, en, region string }{
		"MA": {"MAR", "Morocco", "Africa"},
		"FR": {"FRA", "France", "Europe"},
		"ES": {"ESP", "Spain", "Europe"},
		"NG": {"NGA", "Nigeria", "Africa"},
		"SA": {"SAU", "Saudi Arabia", "Asia"},
		"BR": {"BRA", "Brazil", "Americas"},
		"IN": {"IND", "India", "Asia"},
		"RU": {"RUS", "Russia", "Europe"},
		"CN": {"CHN", "China", "Asia"},
		"US": {"USA", "United States", "Americas"},
		"VA": {"VAT", "Vatican City State", "Europe"},
		"PS": {"PSE", "State of Palestine", "Asia"},
		"TR": {"TUR", "Türkiye", "Europe"},
		"CY": {"CYP", "Cyprus", "Europe"},
		"EG": {"EGY", "Egypt", "Africa"},
		"AU": {"AUS", "Australia", "Asia"},
		"JM": {"JAM", "Jamaica", "Americas"},
		"PW": {"PLW", "Palau", "Asia"},
		"KI": {"KIR", "Kiribati", "Asia"},
		"SB": {"SLB", "Solomon Islands", "Asia"},
	}
	for a2, w := range want {
		if !Valid(a2) {
			t.Errorf("Valid(%q) = false", a2)
		}
		c, ok := Lookup(a2)
		if !ok {
			t.Errorf("%s missing", a2)
			continue
		}
		if c.Alpha3 != w.a3 || c.NameEN != w.en || c.Region != w.region {
			t.Errorf("%s = %+v, want %+v", a2, c, w)
		}
		c3, ok := Lookup(w.a3)
		if !ok || c3 != c {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", w.a3, c3, ok, c)
		}
	}
}

func TestNonMembers(t *testing.T) {
	for _, code := range []string{"KP", "PRK", "XK", "XKX", "TV", "TUV", "TW", "TWN", "HK", "PR"} {
		if _, ok := Lookup(code); ok {
			t.Errorf("Lookup(%q) found a non-member", code)
		}
		if Valid(code) {
			t.Errorf("Valid(%q) = true for a non-member", code)
		}
		if _, ok := BureauFor(code); ok {
			t.Errorf("BureauFor(%q) found a non-member", code)
		}
	}
}

func TestInvalidInputs(t *testing.T) {
	for _, code := range []string{"", " ", "ZZ", "M", "MARO", "IPSG", "M1", "ma-"} {
		if c, ok := Lookup(code); ok || c != (Country{}) {
			t.Errorf("Lookup(%q) = %+v, %v; want zero, false", code, c, ok)
		}
	}
	// Valid is exact: upper-case alpha-2 only.
	for _, code := range []string{"", "ZZ", "M", "MARO", "ma ", "ma", "MA ", "MAR", "IPSG"} {
		if Valid(code) {
			t.Errorf("Valid(%q) = true, want false", code)
		}
	}
	if !Valid("MA") {
		t.Error(`Valid("MA") = false`)
	}
	// Lookup trims and folds case, so "ma " is Morocco.
	if c, ok := Lookup("ma "); !ok || c.Alpha2 != "MA" {
		t.Errorf(`Lookup("ma ") = %+v, %v; want Morocco`, c, ok)
	}
	for _, code := range []string{"", "ZZ", "M", "MARO"} {
		if b, ok := BureauFor(code); ok || b != (Bureau{}) {
			t.Errorf("BureauFor(%q) = %+v, %v; want zero, false", code, b, ok)
		}
		if IsSecretariat(code) {
			t.Errorf("IsSecretariat(%q) = true", code)
		}
	}
}

func TestSecretariat(t *testing.T) {
	for _, code := range []string{"IPSG", "ipsg", " IpSg "} {
		if !IsSecretariat(code) {
			t.Errorf("IsSecretariat(%q) = false", code)
		}
		b, ok := BureauFor(code)
		if !ok || b.Code != Secretariat || !b.IsSecretariat() || b.Country != (Country{}) {
			t.Errorf("BureauFor(%q) = %+v, %v", code, b, ok)
		}
	}
	if IsSecretariat("MA") {
		t.Error(`IsSecretariat("MA") = true`)
	}
	b, _ := BureauFor(Secretariat)
	for lang, want := range map[string]string{
		"en": "INTERPOL General Secretariat",
		"fr": "Secrétariat général d'INTERPOL",
		"ar": "الأمانة العامة للإنتربول",
		"":   "INTERPOL General Secretariat",
	} {
		if got := b.Name(lang); got != want {
			t.Errorf("secretariat Name(%q) = %q, want %q", lang, got, want)
		}
	}
	for _, bb := range Bureaus() {
		if bb.IsSecretariat() {
			t.Error("Bureaus() includes the General Secretariat")
		}
	}
}

func TestBureauNames(t *testing.T) {
	for _, code := range []string{"MA", "mar", " Ma "} {
		b, ok := BureauFor(code)
		if !ok || b.Code != "MA" || b.Country.Alpha3 != "MAR" {
			t.Fatalf("BureauFor(%q) = %+v, %v", code, b, ok)
		}
		for lang, want := range map[string]string{
			"en": "NCB Morocco",
			"fr": "BCN Maroc",
			"ar": "المكتب المركزي الوطني - المغرب",
			"xx": "NCB Morocco",
		} {
			if got := b.Name(lang); got != want {
				t.Errorf("BureauFor(%q).Name(%q) = %q, want %q", code, lang, got, want)
			}
		}
	}
	b, _ := BureauFor("FRA")
	if b.Name("en") != "NCB France" || b.Name("fr") != "BCN France" || b.Name("ar") != "المكتب المركزي الوطني - فرنسا" {
		t.Errorf("France bureau names: %q %q %q", b.Name("en"), b.Name("fr"), b.Name("ar"))
	}
}

// TestSpanishNames: every member has a Spanish name of its own (none falls
// back to English unless the names agree), and the renamed countries carry
// their current names.
func TestSpanishNames(t *testing.T) {
	differ := 0
	for _, c := range All() {
		n := c.Name("es")
		if n == "" {
			t.Errorf("%s has no Spanish name", c.Alpha2)
		}
		if n != c.NameEN {
			differ++
		}
	}
	if differ < 100 {
		t.Errorf("only %d Spanish names differ from the English ones: the table is not used", differ)
	}
	for code, want := range map[string]string{"MA": "Marruecos", "MK": "Macedonia del Norte", "SZ": "Esuatini", "ES": "España"} {
		c, _ := Lookup(code)
		if got := c.Name("es"); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
	b, _ := BureauFor("MA")
	if got := b.Name("es"); got != "OCN Marruecos" {
		t.Errorf("bureau: %q", got)
	}
	if got := (Bureau{Code: Secretariat}).Name("es"); got != "Secretaría General de INTERPOL" {
		t.Errorf("secretariat: %q", got)
	}
}
