package screen

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/names"
)

func rec(kind, owner string, rel core.Releasability, data map[string]any) *core.Record {
	b, _ := json.Marshal(data)
	return &core.Record{ID: uuid.Must(uuid.NewV7()).String(), Kind: kind, Owner: owner, Status: core.StatusActive, Version: 1, Releasability: rel, Data: b}
}

var (
	all     = core.Releasability{Mode: core.ReleaseAll}
	frOnly  = core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}
	officer = func(b string) core.Viewer {
		return core.Viewer{Bureau: b, Role: core.RoleOfficer, Permissions: core.RolePermissions(core.RoleOfficer)}
	}
)

func TestPersonAcrossScripts(t *testing.T) {
	x := New()
	r := rec(core.KindPerson, "MA", all, map[string]any{"name_original": "عبد اللطيف خروبي", "given_names": "Abdellatif", "family_name": "Kharroubi",
		"date_of_birth": "1966", "sex": "M", "nationalities": []string{"MA"}})
	x.Put(r)
	x.Put(rec(core.KindPerson, "FR", all, map[string]any{"given_names": "Jean", "family_name": "Dupont"}))
	for _, q := range []string{"Abdul Latif Kharubi", "KHARROUBI Abdelatif", "عبد اللطيف خروبي", "Abdellatif Kharroubi"} {
		hits, err := x.ScreenPerson(officer("ES"), PersonQuery{Name: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0].RecordID != r.ID || hits[0].Score < 0.85 || len(hits[0].Explanation) == 0 {
			t.Fatalf("%q: hits %+v", q, hits)
		}
	}
	hits, _ := x.ScreenPerson(officer("ES"), PersonQuery{Name: "Abdellatif Kharroubi"})
	if hits[0].Score < 0.99 {
		t.Fatalf("exact name scores %.3f, want ≥ 0.99", hits[0].Score)
	}
	// A disagreeing date of birth lowers the score and says so.
	hits, _ = x.ScreenPerson(officer("ES"), PersonQuery{Name: "Abdellatif Kharroubi", DateOfBirth: "1990-01-01", Threshold: 0.1})
	if len(hits) != 1 || hits[0].Score >= 0.9 || !strings.Contains(strings.Join(hits[0].Explanation, " "), "differs") {
		t.Fatalf("dob conflict: %+v", hits)
	}
	if hits, _ := x.ScreenPerson(officer("ES"), PersonQuery{Name: "Karim Bennani"}); len(hits) != 0 {
		t.Fatalf("a stranger hits: %+v", hits)
	}
}

func TestRestrictedHitTellsOnlyTheOwner(t *testing.T) {
	x := New()
	r := rec(core.KindPerson, "MA", frOnly, map[string]any{"given_names": "Youssef", "family_name": "Raji"})
	x.Put(r)
	hits, _ := x.ScreenPerson(officer("FR"), PersonQuery{Name: "Yusuf Raji"})
	if len(hits) != 1 || hits[0].Restricted || hits[0].RecordID != r.ID {
		t.Fatalf("FR may see it: %+v", hits)
	}
	hits, _ = x.ScreenPerson(officer("ES"), PersonQuery{Name: "Yusuf Raji"})
	if len(hits) != 1 {
		t.Fatalf("ES must be told of a possible hit: %+v", hits)
	}
	h := hits[0]
	if !h.Restricted || h.RecordID != "" || h.Label != "" || h.Matched != "" || h.Explanation != nil || h.Score != 0 || h.Owner != "MA" ||
		!strings.Contains(h.Message, "contact bureau MA") || h.Reference != "" || h.Internal() != r.ID {
		t.Fatalf("restricted hit leaks or lacks: %+v", h)
	}
	b, _ := json.Marshal(h)
	if strings.Contains(string(b), r.ID) || strings.Contains(strings.ToLower(string(b)), "raji") {
		t.Fatalf("restricted hit JSON leaks: %s", b)
	}
}

// TestRestrictedDisclosureIgnoresTheCallersKnobs: whether a record not
// released to the caller is told as a possible hit does not depend on the
// threshold or limit asked for, nor on a date of birth or sex that
// disagree with the record's; a part of the name alone never discloses it.
func TestRestrictedDisclosureIgnoresTheCallersKnobs(t *testing.T) {
	x := New()
	r := rec(core.KindPerson, "MA", frOnly, map[string]any{"given_names": "Youssef", "family_name": "Raji", "date_of_birth": "1980-05-12", "sex": "M"})
	x.Put(r)
	es := officer("ES")
	count := func(q PersonQuery) int {
		hits, err := x.ScreenPerson(es, q)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, h := range hits {
			if h.Internal() == r.ID {
				if !h.Restricted || !h.Alert() {
					t.Fatalf("%+v: restricted hit not at the alert threshold: %+v", q, h)
				}
				n++
			}
		}
		return n
	}
	for _, th := range []float64{0, 0.05, 0.5, 0.85, 0.99, 1} {
		for _, lim := range []int{0, 1, 100} {
			if n := count(PersonQuery{Name: "Youssef", Threshold: th, Limit: lim}); n != 0 {
				t.Errorf("a first name alone at threshold %v limit %d discloses the record", th, lim)
			}
			for _, q := range []PersonQuery{{Name: "Youssef Raji"}, {Name: "Youssef Raji", DateOfBirth: "1980-05-12", Sex: "M"},
				{Name: "Youssef Raji", DateOfBirth: "1950-01-01"}, {Name: "Youssef Raji", DateOfBirth: "1981"}, {Name: "Youssef Raji", Sex: "F"}} {
				q.Threshold, q.Limit = th, lim
				if n := count(q); n != 1 {
					t.Errorf("%+v: the full name is told %d times, want once whatever the knobs", q, n)
				}
			}
		}
	}
}

func TestUpdatesAndRemovals(t *testing.T) {
	x := New()
	r := rec(core.KindPerson, "MA", all, map[string]any{"given_names": "Karim", "family_name": "Lahlou"})
	x.Put(r)
	r2 := *r
	r2.Version = 2
	r2.Data = json.RawMessage(`{"given_names":"Karim","family_name":"Bennani"}`)
	x.Put(&r2)
	if hits, _ := x.ScreenPerson(officer("FR"), PersonQuery{Name: "Karim Lahlou"}); len(hits) != 0 {
		t.Fatalf("old name still hits: %+v", hits)
	}
	if hits, _ := x.ScreenPerson(officer("FR"), PersonQuery{Name: "Karim Bennani"}); len(hits) != 1 {
		t.Fatalf("new name does not hit: %+v", hits)
	}
	x.Put(r) // an older version arriving late changes nothing
	if hits, _ := x.ScreenPerson(officer("FR"), PersonQuery{Name: "Karim Bennani"}); len(hits) != 1 {
		t.Fatal("an older version replaced a newer one")
	}
	r3 := r2
	r3.Version, r3.Status = 3, core.StatusCancelled
	x.Put(&r3)
	if hits, _ := x.ScreenPerson(officer("FR"), PersonQuery{Name: "Karim Bennani"}); len(hits) != 0 {
		t.Fatal("a cancelled record is still screened")
	}
	if s := x.Stats(); s.Persons != 0 || s.Records != 0 || s.Keys != 0 || s.FuzzyKeys != 0 {
		t.Fatalf("removal left %+v", s)
	}
}

func TestDocumentsAndIdentifiers(t *testing.T) {
	x := New()
	doc := rec(core.KindTravelDocument, "FR", all, map[string]any{"number": "12ab 34567", "issuing_country": "FRA", "document_type": "passport"})
	x.Put(doc)
	car := rec(core.KindVehicle, "ES", all, map[string]any{"vin": "1M8GDM9AXKP042788", "make": "Bus"})
	x.Put(car)
	hits, err := x.ScreenDocument(officer("MA"), DocumentQuery{Number: "12AB34567", Country: "FR"})
	if err != nil || len(hits) != 1 || hits[0].RecordID != doc.ID || hits[0].Score != 1 {
		t.Fatalf("document: %+v %v", hits, err)
	}
	if hits, _ := x.ScreenDocument(officer("MA"), DocumentQuery{Number: "12AB34567", Country: "ES"}); len(hits) != 0 {
		t.Fatal("same number, other country, must not hit")
	}
	hits, _ = x.ScreenIdentifier(officer("MA"), IdentifierQuery{Type: "vin", Value: "1m8gdm9axkp042788"})
	if len(hits) != 1 || hits[0].RecordID != car.ID {
		t.Fatalf("vin: %+v", hits)
	}
}

func TestBadQueries(t *testing.T) {
	x := New()
	for _, q := range []PersonQuery{
		{Name: ""}, {Name: "   "}, {Name: strings.Repeat("a", 301)}, {Name: "al el bin"}, {Name: "!!!"},
		{Name: "Karim", DateOfBirth: "1990-13-45"}, {Name: "Karim", DateOfBirth: "yesterday"}, {Name: "Karim", Sex: "X"},
		{Name: "Karim", Nationality: "Atlantis"}, {Name: "Karim", Threshold: 2}, {Name: "Karim", Limit: 1000},
		{Name: "Karim", Kinds: []string{"ship"}}, {Name: "Karim", Kinds: []string{"person", ""}},
		{Name: "Karim", Kinds: slices.Repeat([]string{"person"}, len(core.Kinds)+1)},
	} {
		_, err := x.ScreenPerson(officer("FR"), q)
		var e *core.Error
		if err == nil || core.ErrorCode(err) != core.EINVALID {
			t.Errorf("%+v: err %v, want invalid", q, err)
			continue
		}
		e = err.(*core.Error)
		if len(e.Fields) == 0 || e.Fields[0].Field == "" {
			t.Errorf("%+v: error names no field", q)
		}
	}
	if _, err := x.ScreenDocument(officer("FR"), DocumentQuery{Number: "", Country: "FR"}); core.ErrorCode(err) != core.EINVALID {
		t.Error("empty document number accepted")
	}
	if _, err := x.ScreenDocument(officer("FR"), DocumentQuery{Number: "123", Country: "1"}); core.ErrorCode(err) != core.EINVALID {
		t.Error("bad country accepted")
	}
	if _, err := x.ScreenIdentifier(officer("FR"), IdentifierQuery{Type: "iban", Value: ""}); core.ErrorCode(err) != core.EINVALID {
		t.Error("empty identifier accepted")
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{"1966-01-02": "1966-01-02", "1966": "1966", "1960..1962": "1960..1962", "1960/1962": "1960..1962", "": "unknown"} {
		d, err := ParseDate(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"1966-02-30", "66", "1800", "1962..1960", "abcd", "1966-1-2"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

// An investigation (threshold under the alert line) finds a name one
// typing error away even when the error changes how it sounds, and ranks
// it first; as the alert screening, it takes an unlisted one-part name one
// letter from a listed one for a typing error.
func TestInvestigationFindsTypingErrors(t *testing.T) {
	x := New()
	want := rec(core.KindEntity, "US", all, map[string]any{"name": "FANREACH"})
	x.Put(want)
	exact := rec(core.KindEntity, "US", all, map[string]any{"name": "AYSAN"})
	x.Put(exact)
	for _, n := range []string{"Phineas CHIHOTA", "Hassan Aysan Ali", "Sana", "Ah San", "Aslan"} {
		x.Put(rec(core.KindPerson, "US", all, map[string]any{"name": n}))
	}
	hits, err := x.ScreenPerson(officer("FR"), PersonQuery{Name: "FANEACH", Threshold: 0.3, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].RecordID != want.ID {
		t.Fatalf("FANEACH: %+v", hits)
	}
	// FANEACH is no listed name and the whole name is that one part: a
	// typing error of FANREACH, which alerts and says so.
	if !strings.Contains(strings.Join(hits[0].Explanation, " "), "typing error") {
		t.Fatalf("a typing error must say why it matched: %+v", hits[0])
	}
	if hits, _ := x.ScreenPerson(officer("FR"), PersonQuery{Name: "FANEACH"}); len(hits) != 1 || hits[0].RecordID != want.ID || hits[0].Score != 0.9 {
		t.Fatalf("a one-edit typo of a one-part name must alert at 0.90: %+v", hits)
	}
	// The name as written still comes first among the many that share its key.
	hits, _ = x.ScreenPerson(officer("FR"), PersonQuery{Name: "AYSAN", Threshold: 0.3, Limit: 3})
	if len(hits) == 0 || hits[0].RecordID != exact.ID || hits[0].Score < 0.99 {
		t.Fatalf("AYSAN: %+v", hits)
	}
}

// A restricted hit shows the caller nothing of the record, yet keeps for
// the owner's notification the score and why: the hit is recorded from
// one screening, never a second one run with more rights.
func TestRestrictedHitKeepsTheOwnersView(t *testing.T) {
	x := New()
	r := rec(core.KindPerson, "MA", frOnly, map[string]any{"given_names": "Youssef", "family_name": "Raji"})
	x.Put(r)
	hits, err := x.ScreenPerson(officer("ES"), PersonQuery{Name: "Youssef Raji"})
	if err != nil || len(hits) != 1 {
		t.Fatalf("hits %+v, %v", hits, err)
	}
	h := hits[0]
	if !h.Restricted || h.Score != 0 || h.Matched != "" || len(h.Explanation) != 0 || h.RecordID != "" || h.Label != "" {
		t.Fatalf("restricted hit shows too much: %+v", h)
	}
	o := h.ForOwner()
	if o.Score < 0.99 || o.Matched == "" || len(o.Explanation) == 0 || h.Internal() != r.ID {
		t.Fatalf("owner's view lost: %+v", o)
	}
}

// A one-edit typo alerts when something vouches for it: the rest of the
// name, or the date of birth. Two listed names one letter apart are
// different names unless the date of birth agrees, and a name with two
// mistyped parts is not believed.
func TestTypingErrorsAlert(t *testing.T) {
	x := New()
	karim := rec(core.KindPerson, "US", all, map[string]any{"given_names": "Karim", "family_name": "Tazi", "date_of_birth": "1984-03-07"})
	x.Put(karim)
	x.Put(rec(core.KindPerson, "US", all, map[string]any{"given_names": "Karin", "family_name": "Benali"}))
	screen := func(q PersonQuery) []Hit {
		t.Helper()
		hits, err := x.ScreenPerson(officer("FR"), q)
		if err != nil {
			t.Fatal(err)
		}
		return hits
	}
	for _, name := range []string{"Karim Taxzi", "Karim Tazx", "Karim Tzai", "Karim Tazzi"} {
		hits := screen(PersonQuery{Name: name})
		if len(hits) != 1 || hits[0].RecordID != karim.ID || hits[0].Score < DefaultThreshold {
			t.Errorf("%s: want an alert on Karim Tazi, got %+v", name, hits)
		}
	}
	if hits := screen(PersonQuery{Name: "Karim Taxzi"}); len(hits) != 1 || !strings.Contains(strings.Join(hits[0].Explanation, " "), "typing error") {
		t.Errorf("Karim Taxzi: the explanation must say typing error: %+v", hits)
	}
	// Karin is a listed name: another person's, not a typo of Karim.
	if hits := screen(PersonQuery{Name: "Karin Tazi"}); len(hits) != 0 {
		t.Errorf("Karin Tazi alerted on %+v", hits)
	}
	// ...unless the date of birth agrees.
	if hits := screen(PersonQuery{Name: "Karin Tazi", DateOfBirth: "1984-03-07"}); len(hits) != 1 || hits[0].RecordID != karim.ID {
		t.Errorf("Karin Tazi born 1984-03-07: want an alert on Karim Tazi, got %+v", hits)
	}
	// A date of birth that differs vouches for nothing.
	if hits := screen(PersonQuery{Name: "Karin Tazi", DateOfBirth: "1990-01-01"}); len(hits) != 0 {
		t.Errorf("Karin Tazi born 1990: alerted on %+v", hits)
	}
	// Two mistyped parts, a mistyped part with nothing else agreeing, or
	// one with a part the listed name lacks, are not believed.
	for _, name := range []string{"Kxrim Taxzi", "Taxzi Qorbani"} {
		if hits := screen(PersonQuery{Name: name}); len(hits) != 0 {
			t.Errorf("%s alerted on %+v", name, hits)
		}
	}
}

// TestReadScriptsAlertAtTheDefaultThreshold: a name written in a script
// read with several readings a part (Han, Hangul, Hebrew) finds the person
// recorded in Latin letters at the alert threshold, not only in an
// investigation. Each part's readings bring many keys, of which a Latin
// spelling holds one: counted each, they had kept the candidate under the
// coverage cut.
func TestReadScriptsAlertAtTheDefaultThreshold(t *testing.T) {
	x := New()
	want := map[string]*core.Record{}
	for q, latin := range map[string]string{"李国栋": "Li Guodong", "최민준": "Choi Min-jun", "יוסף לוי": "Yosef Levi"} {
		r := rec(core.KindPerson, "US", all, map[string]any{"name": latin})
		x.Put(r)
		want[q] = r
	}
	for _, n := range []string{"Li Ming", "Wang Guohua", "Kim Min-seo", "Yosef Cohen", "Dong Li"} {
		x.Put(rec(core.KindPerson, "US", all, map[string]any{"name": n}))
	}
	for q, r := range want {
		hits, err := x.ScreenPerson(officer("ES"), PersonQuery{Name: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].RecordID != r.ID {
			t.Errorf("%q at the default threshold: %+v, want %s first", q, hits, r.ID)
		}
	}
}

// TestLatinFindsEveryReading: a person recorded in a script read with
// several readings a part (Han, Hangul, Hebrew, Armenian, Georgian, the
// Indic scripts) is found at the alert threshold by a name in Latin
// letters spelt by any of them, its syllables written apart or joined.
// The persons are invented.
func TestLatinFindsEveryReading(t *testing.T) {
	x := New()
	readings := map[string][]string{
		"梁詠詩":                {"Leung Wing Sze", "Leung Wing-sze", "Liang Yongshi", "Liang Yong Shi", "Wing Sze Leung", "Liang Yung-shih"},
		"鄭家俊":                {"Cheng Ka Chun", "Cheng Ka-chun", "Zheng Jiajun", "Zheng Jia Jun", "Cheng Chia-chun"},
		"陳志明":                {"Chan Chi Ming", "Chen Zhiming", "Chen Zhi Ming", "Chan Chi-ming", "Chen Chih-ming"},
		"刘志强":                {"Liu Zhiqiang", "Liu Zhi Qiang", "Lau Zhiqiang", "Liu Chih-chiang"},
		"백승민":                {"Baek Seungmin", "Paik Seung-min", "Paek Seung Min", "Baek Seung-min"},
		"מיכל פרץ":           {"Michal Peretz", "Mikhal Perets", "Michal Perets"},
		"יוסף לוי":           {"Yosef Levi", "Yosef Levy", "Joseph Levi"},
		"Դավիթ Հովհաննիսյան": {"Davit Hovhannisyan", "David Hovannisian", "Davit Ovhannisyan"},
		"ლევან გელაშვილი": {"Levan Gelashvili", "Lewan Gelaschwili"},
		"सौरभ अग्रवाल":    {"Saurabh Agrawal", "Saurabh Agarwal", "Saurabh Agraval"},
	}
	want := map[string]*core.Record{}
	for native := range readings {
		r := rec(core.KindPerson, "US", all, map[string]any{"name": native})
		x.Put(r)
		want[native] = r
	}
	for _, n := range []string{"王志明", "陳美玲", "張家豪", "이승민", "שרה כהן", "Գոռ Սարգսյան", "ნინო კაპანაძე", "दीपक गुप्ता"} {
		x.Put(rec(core.KindPerson, "US", all, map[string]any{"name": n}))
	}
	for native, qs := range readings {
		for _, q := range qs {
			hits, err := x.ScreenPerson(officer("ES"), PersonQuery{Name: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].RecordID != want[native].ID {
				t.Errorf("%q at the default threshold: %+v, want %s (%s) first", q, hits, native, want[native].ID)
			}
		}
	}
}

// TestCharactersFindEverySpelling: a name written in Chinese or Korean
// characters finds the person recorded in Latin letters, spelt by any of
// its readings, at the alert threshold, where such a name asks a candidate
// for more of its keys than other names do (CJKCoverageCutoff), and at a
// threshold between the investigation and the alert. The persons are
// invented; the distractors share a surname or a syllable.
func TestCharactersFindEverySpelling(t *testing.T) {
	spellings := map[string][]string{
		"梁詠詩": {"Leung Wing Sze", "Leung Wing-sze", "Liang Yongshi", "Liang Yong Shi", "Wing Sze Leung", "Liang Yung-shih"},
		"鄭家俊": {"Cheng Ka Chun", "Zheng Jiajun", "Zheng Jia Jun", "Cheng Chia-chun"},
		"陳志明": {"Chan Chi Ming", "Chen Zhiming", "Chen Zhi Ming", "Chen Chih-ming"},
		"刘志强": {"Liu Zhiqiang", "Liu Zhi Qiang", "Liu Chih-chiang"},
		"王小明": {"Wang Xiaoming", "Wang Xiao Ming", "Xiaoming Wang"},
		"백승민": {"Baek Seungmin", "Paik Seung-min", "Paek Seung Min", "Baek Seung-min"},
		"김민수": {"Kim Min-soo", "Kim Minsu", "Gim Min Su"},
	}
	distractors := []string{"Wang Wen Chou", "Chen Ming", "Liang Shi", "Kim Min-jun", "Baek Ji-hoon", "Cheng Zhu", "Liu Qiang Wei", "Zhiming Zhou"}
	for native, latin := range spellings {
		for _, l := range latin {
			x := New()
			r := rec(core.KindPerson, "US", all, map[string]any{"name": l})
			x.Put(r)
			for _, d := range distractors {
				x.Put(rec(core.KindPerson, "US", all, map[string]any{"name": d}))
			}
			for _, threshold := range []float64{0, 0.75} { // 0: the default, 0.85
				hits, err := x.ScreenPerson(officer("ES"), PersonQuery{Name: native, Threshold: threshold})
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) == 0 || hits[0].RecordID != r.ID {
					t.Errorf("%q at threshold %.2f: %+v, want %q first", native, threshold, hits, l)
				}
			}
		}
	}
}

// TestCoverageCutoff: what a candidate must hold of the query's keys to be
// aligned, by threshold and by how the name was read.
func TestCoverageCutoff(t *testing.T) {
	for _, c := range []struct {
		name      string
		threshold float64
		want      float64
	}{
		{"王小明", DefaultThreshold, CJKCoverageCutoff},
		{"김민수", 0.9, CJKCoverageCutoff},
		{"王小明", 0.75, CoverageCutoff},
		{"王小明", 0.5, 0},
		{"Wang Xiaoming", DefaultThreshold, CoverageCutoff},
		{"王 Xiaoming", DefaultThreshold, CoverageCutoff}, // not wholly read from characters
		{"Wang Xiaoming", 0.3, 0},
	} {
		if got := coverageCutoff(names.Parse(c.name), c.threshold); got != c.want {
			t.Errorf("coverageCutoff(%q, %.2f) = %v, want %v", c.name, c.threshold, got, c.want)
		}
	}
}

// TestLongNamePart: a name part of more than 32 letters, listed or asked
// (a word run together, a key held down), is screened like any other. The
// alignment's rows were sliced from a 33-letter buffer before their size
// was checked, and such a part panicked the comparison.
func TestLongNamePart(t *testing.T) {
	x := New()
	long := strings.Repeat("abdelrahmanovich", 3)
	r := rec(core.KindPerson, "FR", all, map[string]any{"name": "Omar " + long})
	x.Put(r)
	x.Put(rec(core.KindPerson, "FR", all, map[string]any{"name": "Omar Haddad"}))
	for _, q := range []string{"Omar " + long, "Omar Haddad" + long, "Omar " + long[:40], "Omar"} {
		for _, threshold := range []float64{0, 0.3} {
			if _, err := x.ScreenPerson(officer("ES"), PersonQuery{Name: q, Threshold: threshold}); err != nil {
				t.Fatalf("%q: %v", q, err)
			}
		}
	}
	hits, err := x.ScreenPerson(officer("ES"), PersonQuery{Name: "Omar " + long})
	if err != nil || len(hits) == 0 || hits[0].RecordID != r.ID {
		t.Fatalf("the long name itself: %+v, %v", hits, err)
	}
}

// A person screening may name the kinds of record that may answer: the
// records of other kinds the caller may see are left out, and those it may
// not see are told as they would be without the filter (asking with and
// without it must not tell the kind of a record the caller cannot see).
func TestScreeningByKind(t *testing.T) {
	x := New()
	person := rec(core.KindPerson, "MA", all, map[string]any{"given_names": "Tariq", "family_name": "Benhima"})
	company := rec(core.KindEntity, "MA", all, map[string]any{"name": "Tariq Benhima Trading"})
	hidden := rec(core.KindEntity, "MA", frOnly, map[string]any{"name": "Tariq Benhima"})
	for _, r := range []*core.Record{person, company, hidden} {
		x.Put(r)
	}
	answered := func(q PersonQuery) (seen []string, told int) {
		t.Helper()
		hits, err := x.ScreenPerson(officer("ES"), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Restricted {
				if h.Internal() != hidden.ID || h.Kind != "" {
					t.Fatalf("%+v: restricted answer %+v", q, h)
				}
				told++
				continue
			}
			seen = append(seen, h.Kind)
		}
		return seen, told
	}
	for _, th := range []float64{0, 0.3, 0.85} {
		all, toldAll := answered(PersonQuery{Name: "Tariq Benhima", Threshold: th})
		if !slices.Contains(all, core.KindPerson) || !slices.Contains(all, core.KindEntity) || toldAll != 1 {
			t.Fatalf("threshold %v, no filter: kinds %v, %d restricted; want the person, the company and the hidden record", th, all, toldAll)
		}
		for _, kinds := range [][]string{{core.KindPerson}, {core.KindPerson, core.KindNotice}, {core.KindNotice}, {core.KindEntity}, {}, PeopleOnly} {
			seen, told := answered(PersonQuery{Name: "Tariq Benhima", Threshold: th, Kinds: kinds})
			for _, k := range seen {
				if len(kinds) > 0 && !slices.Contains(kinds, k) {
					t.Errorf("threshold %v, kinds %v: a %s answered", th, kinds, k)
				}
			}
			for _, k := range kinds {
				if (k == core.KindPerson || k == core.KindEntity) && !slices.Contains(seen, k) {
					t.Errorf("threshold %v, kinds %v: no %s answered (%v)", th, kinds, k, seen)
				}
			}
			if told != toldAll {
				t.Errorf("threshold %v, kinds %v: the hidden entity told %d times, %d without the filter", th, kinds, told, toldAll)
			}
		}
	}
}
