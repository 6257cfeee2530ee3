package imports

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// corpora is the shared folder of real list files, relative to this package.
const corpora = "../../../shared/corpora"

func corpusFile(t testing.TB, rel string) *os.File {
	t.Helper()
	if _, err := os.Stat(corpora); err != nil {
		t.Skipf("real data not available: %s is absent (%v); skipping", corpora, err)
	}
	f, err := os.Open(filepath.Join(corpora, rel))
	if err != nil {
		t.Skipf("real data not available: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func find(subjects []Subject, id string) *Subject {
	for i := range subjects {
		if subjects[i].SourceID == id {
			return &subjects[i]
		}
	}
	return nil
}

func hasWarning(ws []Warning, where, field, reason string) bool {
	for _, w := range ws {
		if strings.Contains(w.Where, where) && strings.Contains(w.Field, field) && strings.Contains(w.Reason, reason) {
			return true
		}
	}
	return false
}

// withLimit sets *v to n for the duration of the test.
func withLimit[T any](t *testing.T, v *T, n T) {
	old := *v
	*v = n
	t.Cleanup(func() { *v = old })
}

// ---------------------------------------------------------------- real files

func TestRealUN(t *testing.T) {
	f := corpusFile(t, "un/UN_consolidated.xml")
	start := time.Now()
	subjects, warns, err := ReadUN(f)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, s := range subjects {
		count[s.Kind]++
		if s.NameOriginal != "" {
			count["original"]++
		}
		if len(s.DatesOfBirth) > 0 {
			count["dob"]++
		}
		if s.Name == "" || s.SourceID == "" || s.Source != SourceUN {
			t.Errorf("incomplete subject %+v", s)
		}
	}
	t.Logf("UN: %d subjects (%d individuals, %d entities), %d with original-script name, %d with a date of birth, %d warnings, read in %v",
		len(subjects), count[KindIndividual], count[KindEntity], count["original"], count["dob"], len(warns), took)
	for _, w := range warns {
		t.Logf("warning: %s", w)
	}
	// corpora/README.md: 730 individuals, 273 entities.
	if count[KindIndividual] != 730 || count[KindEntity] != 273 {
		t.Errorf("got %d individuals and %d entities, want 730 and 273", count[KindIndividual], count[KindEntity])
	}
	// The README says 380 original-script names; the file holds 378
	// NAME_ORIGINAL_SCRIPT elements (grep -o '<NAME_ORIGINAL_SCRIPT>' | wc -l),
	// every one of them non-empty.
	if count["original"] != 378 {
		t.Errorf("got %d subjects with an original-script name, want 378", count["original"])
	}
	if count["dob"] < 650 {
		t.Errorf("only %d subjects with a date of birth", count["dob"])
	}

	s := find(subjects, "IQi.001")
	if s == nil {
		t.Fatal("IQi.001 missing")
	}
	if s.Name != "SADDAM HUSSEIN AL-TIKRITI" || s.NameOriginal != "صدام حسين التكريتي" || s.Kind != KindIndividual {
		t.Errorf("IQi.001 name: %q / %q (%s)", s.Name, s.NameOriginal, s.Kind)
	}
	if !slices.Contains(s.DatesOfBirth, Date{Year: 1937, Month: 4, Day: 28}) {
		t.Errorf("IQi.001 dates of birth %v", s.DatesOfBirth)
	}
	if !slices.Equal(s.Nationalities, []string{"IQ"}) {
		t.Errorf("IQi.001 nationalities %v", s.Nationalities)
	}
	if !slices.Contains(s.Aliases, "Abu Ali") {
		t.Errorf("IQi.001 aliases %v", s.Aliases)
	}
	if s.PlaceOfBirth != "al-Awja, near Tikrit, Iraq" || s.ListedOn != "2003-06-27" || !slices.Equal(s.Programs, []string{"Iraq"}) {
		t.Errorf("IQi.001: POB %q, listed %q, programs %v", s.PlaceOfBirth, s.ListedOn, s.Programs)
	}
	// A BETWEEN date and a passport with its issuing country.
	if s := find(subjects, "TAi.165"); s == nil || !slices.Contains(s.DatesOfBirth, Date{Year: 1975, ToYear: 1976}) {
		t.Errorf("TAi.165: %+v", s)
	}
	if s := find(subjects, "QDi.291"); s == nil || !slices.ContainsFunc(s.Documents, func(d Document) bool {
		return d.Type == DocPassport && d.Number == "F654645" && d.Country == "SA"
	}) {
		t.Errorf("QDi.291 documents: %+v", s)
	}
	if s := find(subjects, "CDe.001"); s == nil || s.Kind != KindEntity || s.Name != "ADF" || !slices.Contains(s.Aliases, "Allied Democratic Forces") {
		t.Errorf("CDe.001: %+v", s)
	}
	// The one unresolvable nationality ("former Soviet Union") is a warning.
	if !hasWarning(warns, "QDi.290", "NATIONALITY", "former Soviet Union") {
		t.Errorf("no warning for an unresolvable nationality")
	}
}

func TestRealOFAC(t *testing.T) {
	sdn := corpusFile(t, "ofac/sdn.csv")
	alt := corpusFile(t, "ofac/alt.csv")
	add := corpusFile(t, "ofac/add.csv")
	start := time.Now()
	subjects, warns, err := ReadOFAC(sdn, alt, add)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, s := range subjects {
		count[s.Kind]++
		if s.Kind == KindIndividual && len(s.DatesOfBirth) > 0 {
			count["individual dob"]++
		}
		if slices.ContainsFunc(s.Documents, func(d Document) bool { return d.Type == DocPassport }) {
			count["passport"]++
		}
		if len(s.Aliases) > 0 {
			count["aliases"]++
		}
		if len(s.Identifiers) > 0 {
			count["identifiers"]++
		}
		if s.Kind == KindIndividual && strings.Contains(s.Name, ",") && !strings.HasSuffix(s.Name, "Jr.") {
			t.Errorf("%s: name %q not in natural order", s.SourceID, s.Name)
		}
	}
	t.Logf("OFAC: %d subjects (%d individuals, %d entities, %d vessels, %d aircraft); %d individuals with a date of birth, %d subjects with a passport, %d with aliases, %d with identifiers; %d warnings; read in %v",
		len(subjects), count[KindIndividual], count[KindEntity], count[KindVessel], count[KindAircraft],
		count["individual dob"], count["passport"], count["aliases"], count["identifiers"], len(warns), took)
	for _, w := range warns {
		t.Logf("warning: %s", w)
	}
	if len(subjects) != 8976 || len(subjects) < 8900 {
		t.Errorf("got %d subjects, want 8976 (one per sdn.csv row)", len(subjects))
	}
	if count[KindIndividual] != 4620 || count[KindEntity] != 3673 || count[KindVessel] != 406 || count[KindAircraft] != 277 {
		t.Errorf("kinds %v", count)
	}
	if count["individual dob"] < 4000 {
		t.Errorf("only %d individuals with a date of birth", count["individual dob"])
	}

	s := find(subjects, "ofac:2676") // "AL ZAWAHIRI, Dr. Ayman"
	if s == nil {
		t.Fatal("ofac:2676 missing")
	}
	if s.Name != "Dr. Ayman AL ZAWAHIRI" || s.Kind != KindIndividual {
		t.Errorf("ofac:2676 name %q", s.Name)
	}
	if !slices.Equal(s.DatesOfBirth, []Date{{Year: 1951, Month: 6, Day: 19}}) || s.PlaceOfBirth != "Giza, Egypt" {
		t.Errorf("ofac:2676 DOB %v POB %q", s.DatesOfBirth, s.PlaceOfBirth)
	}
	if !slices.Contains(s.Documents, Document{Type: DocPassport, Number: "1084010", Country: "EG"}) {
		t.Errorf("ofac:2676 documents %+v", s.Documents)
	}
	if !slices.Contains(s.Aliases, "Ayman AL-ZAWAHIRI") { // alt.csv "AL-ZAWAHIRI, Ayman"
		t.Errorf("ofac:2676 aliases %q", s.Aliases)
	}
	if s := find(subjects, "ofac:306"); s == nil || s.Name != "BANCO NACIONAL DE CUBA" || s.Kind != KindEntity ||
		!slices.Contains(s.Aliases, "NATIONAL BANK OF CUBA") || !slices.Contains(s.Aliases, "BNC") || len(s.Addresses) < 3 {
		t.Errorf("ofac:306 %+v", s)
	}
	if s := find(subjects, "ofac:28263"); s == nil || !slices.Equal(s.Programs, []string{"DPRK3", "CYBER2"}) ||
		!slices.Contains(s.Identifiers, Identifier{Type: IDEmail, Value: "417136259@qq.com"}) ||
		!slices.Contains(s.Identifiers, Identifier{Type: "xbt", Value: "134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak"}) ||
		s.Sex != "M" || !slices.Equal(s.Nationalities, []string{"CN"}) {
		t.Errorf("ofac:28263 %+v", s)
	}
}

func TestRealOFACComments(t *testing.T) {
	sdn := corpusFile(t, "ofac/sdn.csv")
	comments := corpusFile(t, "ofac/sdn_comments.csv")
	subjects, _, err := ReadOFACWithComments(sdn, nil, nil, comments)
	if err != nil {
		t.Fatal(err)
	}
	// sdn.csv cuts the remarks of 28263 in "a.k.a. 'snowsjo"; the comments
	// file goes on with "hn'; Linked To: LAZARUS GROUP."
	s := find(subjects, "ofac:28263")
	if s == nil || !slices.Contains(s.Aliases, "snowsjohn") || !strings.HasSuffix(s.Remarks, "Linked To: LAZARUS GROUP.") {
		t.Errorf("ofac:28263 %+v", s)
	}
}

// ------------------------------------------------------------------ UN input

const unHead = `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
<INDIVIDUALS>
`
const unTail = `</INDIVIDUALS>
</CONSOLIDATED_LIST>
`

func un(body string) string { return unHead + body + unTail }

func TestUNEmptyAndMalformed(t *testing.T) {
	for _, in := range []string{"", "   \n  ", `<?xml version="1.0"?>`} {
		if _, _, err := ReadUN(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "empty") {
			t.Errorf("ReadUN(%q) = %v, want an empty-input error", in, err)
		}
	}
	if _, _, err := ReadUN(nil); err == nil {
		t.Error("ReadUN(nil) did not fail")
	}
	// Mismatched end tag on line 6.
	bad := un(`<INDIVIDUAL>
<REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER>
<FIRST_NAME>A</SECOND_NAME>
</INDIVIDUAL>
`)
	_, _, err := ReadUN(strings.NewReader(bad))
	if err == nil {
		t.Fatal("malformed XML accepted")
	}
	for _, want := range []string{"line 6", "byte", "<INDIVIDUAL> starting on line 4"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	// Truncated file.
	if _, _, err := ReadUN(strings.NewReader(unHead + "<INDIVIDUAL><FIRST_NAME>A")); err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("truncated XML: %v", err)
	}
	// Not the UN list.
	if _, _, err := ReadUN(strings.NewReader(`<sdnList><sdnEntry/></sdnList>`)); err == nil || !strings.Contains(err.Error(), "root element is <sdnList>") {
		t.Errorf("wrong root: %v", err)
	}
	// Undefined entity.
	if _, _, err := ReadUN(strings.NewReader(un(`<INDIVIDUAL><FIRST_NAME>&nbsp;</FIRST_NAME></INDIVIDUAL>`))); err == nil {
		t.Error("undefined entity accepted")
	}
	// A well-formed list with no record is not an error.
	subjects, _, err := ReadUN(strings.NewReader("\ufeff" + un("")))
	if err != nil || len(subjects) != 0 {
		t.Errorf("empty list: %v, %v", subjects, err)
	}
}

func TestUNRecords(t *testing.T) {
	in := un(`<INDIVIDUAL>
  <DATAID>1</DATAID>
  <REFERENCE_NUMBER>QDi.900</REFERENCE_NUMBER>
</INDIVIDUAL>
<INDIVIDUAL>
  <DATAID>2</DATAID>
  <FIRST_NAME>ABD</FIRST_NAME>
  <SECOND_NAME>AL-RAHMAN</SECOND_NAME>
  <THIRD_NAME/>
  <FOURTH_NAME>  AL
    QAHTANI </FOURTH_NAME>
  <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
  <REFERENCE_NUMBER>QDi.901</REFERENCE_NUMBER>
  <LISTED_ON>2010-01-02</LISTED_ON>
  <NAME_ORIGINAL_SCRIPT>عبد الرحمن القحطاني</NAME_ORIGINAL_SCRIPT>
  <GENDER>Female</GENDER>
  <COMMENTS1>Line one
     line two.</COMMENTS1>
  <NATIONALITY><VALUE>Syrian Arab Republic</VALUE><VALUE>Iran (Islamic Republic of)</VALUE><VALUE>Atlantis</VALUE><VALUE>na</VALUE></NATIONALITY>
  <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abu Bakr</ALIAS_NAME></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>abu bakr</ALIAS_NAME></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Al-Qahtani</ALIAS_NAME><DATE_OF_BIRTH>1971-02-03</DATE_OF_BIRTH></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1962</FROM_YEAR><TO_YEAR>1960</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1965</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1966</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1967-05-06</DATE></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><NOTE>Nov. 1973 </NOTE></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1958</YEAR><NOTE>Sep.</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1967-02-30</DATE></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><NOTE>24/06/1402 (Hijri Calendar)</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE/></INDIVIDUAL_DATE_OF_BIRTH>
  <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Aleppo</CITY><COUNTRY>Syrian Arab Republic</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
  <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Numéro de passeport </TYPE_OF_DOCUMENT><NUMBER>N 123 </NUMBER><ISSUING_COUNTRY>United Kingdom of Great Britain and Northern Ireland</ISSUING_COUNTRY><NOTE>expired</NOTE></INDIVIDUAL_DOCUMENT>
  <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT><NUMBER>99</NUMBER><COUNTRY_OF_ISSUE>Türkiye</COUNTRY_OF_ISSUE><DATE_OF_ISSUE>2001-01-01</DATE_OF_ISSUE></INDIVIDUAL_DOCUMENT>
  <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT></INDIVIDUAL_DOCUMENT>
  <INDIVIDUAL_DOCUMENT/>
  <INDIVIDUAL_ADDRESS><CITY>Idlib</CITY><COUNTRY>Syrian Arab Republic</COUNTRY></INDIVIDUAL_ADDRESS>
  <INDIVIDUAL_ADDRESS><COUNTRY/></INDIVIDUAL_ADDRESS>
  <SORT_KEY/>
</INDIVIDUAL>
<INDIVIDUAL>
  <DATAID>3</DATAID>
  <FIRST_NAME>NO REFERENCE</FIRST_NAME>
</INDIVIDUAL>
<INDIVIDUAL>
  <NAME_ORIGINAL_SCRIPT>محمد</NAME_ORIGINAL_SCRIPT>
  <REFERENCE_NUMBER>QDi.903</REFERENCE_NUMBER>
</INDIVIDUAL>
</INDIVIDUALS>
<ENTITIES>
<ENTITY>
  <FIRST_NAME>GREAT LAKES BUSINESS COMPANY</FIRST_NAME>
  <UN_LIST_TYPE>DRC</UN_LIST_TYPE>
  <REFERENCE_NUMBER>CDe.003</REFERENCE_NUMBER>
  <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>GLBC</ALIAS_NAME></ENTITY_ALIAS>
  <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>Great Lakes Business Company</ALIAS_NAME></ENTITY_ALIAS>
  <ENTITY_ADDRESS><STREET>Avenue Président Mobutu</STREET><CITY>Goma</CITY><COUNTRY>Democratic Republic of the Congo</COUNTRY></ENTITY_ADDRESS>
</ENTITY>
</ENTITIES>
<INDIVIDUALS>
`)
	subjects, warns, err := ReadUN(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range warns {
		t.Logf("warning: %s", w)
	}
	if len(subjects) != 4 {
		t.Fatalf("got %d subjects, want 4 (one skipped for no name)", len(subjects))
	}
	if !hasWarning(warns, "line 4 (QDi.900)", "INDIVIDUAL", "no name") {
		t.Error("no warning for the nameless record")
	}
	s := subjects[0]
	want := Subject{
		Source: SourceUN, SourceID: "QDi.901", Kind: KindIndividual,
		Name: "ABD AL-RAHMAN AL QAHTANI", NameOriginal: "عبد الرحمن القحطاني",
		Aliases: []string{"Abu Bakr", "Al-Qahtani"},
		DatesOfBirth: []Date{
			{Year: 1971, Month: 2, Day: 3}, // the alias's
			{Year: 1960, ToYear: 1962},
			{Year: 1965},
			{Year: 1966},
			{Year: 1967, Month: 5, Day: 6},
			{Year: 1973, Month: 11},
			{Year: 1958, Month: 9},
		},
		PlaceOfBirth:  "Aleppo, Syrian Arab Republic",
		Sex:           "F",
		Nationalities: []string{"SY", "IR", "Atlantis"},
		Documents: []Document{
			{Type: DocPassport, Number: "N 123", Country: "GB", Note: "expired"},
			{Type: DocNationalID, Number: "99", Country: "TR", Note: "issued 2001-01-01"},
		},
		Addresses: []Address{{City: "Idlib", Country: "SY"}},
		Programs:  []string{"Al-Qaida"},
		ListedOn:  "2010-01-02",
		Remarks:   "Line one line two.",
	}
	if !equalSubject(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
	for _, w := range []struct{ field, reason string }{
		{"NATIONALITY/VALUE", `unknown country "Atlantis"`},
		{"INDIVIDUAL_DATE_OF_BIRTH", `DATE="1967-02-30"`},
		{"INDIVIDUAL_DATE_OF_BIRTH", "Hijri"},
		{"INDIVIDUAL_DOCUMENT/NUMBER", "without a number"},
	} {
		if !hasWarning(warns, "(QDi.901)", w.field, w.reason) {
			t.Errorf("no warning %s: %s", w.field, w.reason)
		}
	}
	if hasWarning(warns, "", "NATIONALITY", `"na"`) {
		t.Error(`"na" (not available) reported as an unknown country`)
	}
	if s := subjects[1]; s.SourceID != "un:3" || s.Name != "NO REFERENCE" || !hasWarning(warns, "DATAID 3", "REFERENCE_NUMBER", "un:<DATAID>") {
		t.Errorf("record without reference: %+v", s)
	}
	if s := subjects[2]; s.Name != "محمد" || s.NameOriginal != "محمد" || !hasWarning(warns, "QDi.903", "FIRST_NAME", "no Latin-script name") {
		t.Errorf("record with only an original-script name: %+v", s)
	}
	e := subjects[3]
	if e.Kind != KindEntity || e.Name != "GREAT LAKES BUSINESS COMPANY" || !slices.Equal(e.Aliases, []string{"GLBC"}) ||
		len(e.Addresses) != 1 || e.Addresses[0].Country != "CD" || e.Addresses[0].Street != "Avenue Président Mobutu" {
		t.Errorf("entity %+v", e)
	}
}

func equalSubject(a, b Subject) bool {
	return a.Source == b.Source && a.SourceID == b.SourceID && a.Kind == b.Kind && a.Name == b.Name &&
		a.NameOriginal == b.NameOriginal && slices.Equal(a.Aliases, b.Aliases) && slices.Equal(a.DatesOfBirth, b.DatesOfBirth) &&
		a.PlaceOfBirth == b.PlaceOfBirth && a.Sex == b.Sex && slices.Equal(a.Nationalities, b.Nationalities) &&
		slices.Equal(a.Documents, b.Documents) && slices.Equal(a.Identifiers, b.Identifiers) &&
		slices.Equal(a.Addresses, b.Addresses) && slices.Equal(a.Programs, b.Programs) &&
		a.ListedOn == b.ListedOn && a.Remarks == b.Remarks
}

func TestUNLimits(t *testing.T) {
	// A field over 64 KiB is truncated with a warning.
	long := strings.Repeat("x", maxFieldBytes+10)
	subjects, warns, err := ReadUN(strings.NewReader(un(`<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER><COMMENTS1>` + long + `</COMMENTS1></INDIVIDUAL>`)))
	if err != nil || len(subjects) != 1 {
		t.Fatalf("%v %v", subjects, err)
	}
	if len(subjects[0].Remarks) != maxFieldBytes || !hasWarning(warns, "X.1", "COMMENTS1", "truncated") {
		t.Errorf("remarks of %d bytes, warnings %v", len(subjects[0].Remarks), warns)
	}
	// Truncation keeps UTF-8 whole.
	subjects, _, _ = ReadUN(strings.NewReader(un(`<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER><COMMENTS1>x` + strings.Repeat("é", maxFieldBytes) + `</COMMENTS1></INDIVIDUAL>`)))
	if len(subjects) != 1 || !utf8.ValidString(subjects[0].Remarks) || len(subjects[0].Remarks) > maxFieldBytes {
		t.Error("truncation broke UTF-8")
	}

	// Deep nesting is refused.
	deep := un(`<INDIVIDUAL>` + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + `</INDIVIDUAL>`)
	if _, _, err := ReadUN(strings.NewReader(deep)); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "nested") {
		t.Errorf("deep nesting: %v", err)
	}

	// Input over the size limit.
	withLimit(t, &maxInputBytes, 1000)
	big := un(strings.Repeat(`<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER></INDIVIDUAL>`, 20))
	if _, _, err := ReadUN(strings.NewReader(big)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("input over the limit: %v", err)
	}
	withLimit(t, &maxInputBytes, 256<<20)

	// A single huge tag or text run is refused before it is buffered.
	withLimit(t, &maxRunBytes, 1000)
	if _, _, err := ReadUN(strings.NewReader(un(`<INDIVIDUAL ` + strings.Repeat(`a="b" `, 400) + `/>`))); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge tag: %v", err)
	}

	// Too many child elements in one record: extras ignored with a warning.
	withLimit(t, &maxRecordParts, 5)
	subjects, warns, err = ReadUN(strings.NewReader(un(`<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER>` +
		strings.Repeat(`<NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>`, 10) + `</INDIVIDUAL>`)))
	if err != nil || len(subjects) != 1 || !hasWarning(warns, "X.1", "INDIVIDUAL", "ignored") {
		t.Errorf("record parts limit: %v %v %v", subjects, warns, err)
	}

	// Warnings are capped.
	withLimit(t, &maxWarnings, 3)
	withLimit(t, &maxBadPercent, 100)
	_, warns, _ = ReadUN(strings.NewReader(un(strings.Repeat(`<INDIVIDUAL></INDIVIDUAL>`, 10))))
	if len(warns) != 4 || !strings.Contains(warns[3].Reason, "7 more warnings") {
		t.Errorf("warnings not capped: %v", warns)
	}
}

// ---------------------------------------------------------------- OFAC input

func TestOFACRows(t *testing.T) {
	withLimit(t, &maxBadPercent, 100) // row by row: the share of bad rows is TestTooManyBadRows's
	sdn := `36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
2674,"ABBAS, Abu","individual","SDGT","Director",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 10 Dec 1948; POB Safed, Palestine; nationality Syria; alt. nationality Palestinian; citizen Iraq; Gender Male; Passport 1084010 (Egypt) expires 01 Jan 2020; alt. Passport 19820215; National ID No. 1234 (Korea, North); Cedula No. 79.586.221 (Colombia); R.F.C. AAAA-1234 (Mexico); a.k.a. 'ABU ALI'; a.k.a. 'SMITH, John'; Email Address abu@example.com; Website www.example.org; Phone Number 123456; Digital Currency Address - XBT 1AbC; alt. Digital Currency Address - ETH 0xdef; Digital Currency Address - TRX TXyz."
3,"BAD ROW",-0-
4,"ONE, Too","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1960 to 1962",extra
5,"O""BRIEN, Pat","individual","SDGT] [IRGC",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB circa 1960; alt. DOB 1965; alt. DOB 01 Jan 1960 to 31 Dec 1962; alt. DOB Mar 1961; alt. DOB 12 Mar 1965 to 12 Mar 1965; alt. DOB someday; Gender Female."
6,"BAD "QUOTE",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
7,"SEA STAR","vessel","IRAN",-0- ,"9BXY","Crude Oil Tanker",-0- ,-0- ,"Iran","NITC","Vessel Registration Identification IMO 9187629; MMSI 422031200."
7,"SEA STAR AGAIN","vessel","IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
x8,"NOT A NUMBER",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
9,-0- ,"individual","CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- 
10,"SKY","aircraft","IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Aircraft Tail Number EP-ABC."
` + "\x1a"
	alt := `36,12,"aka","AERO-CARIBBEAN",-0- 
2674,13,"aka","AL-ABBAS, Muhammad",-0- 
2674,14,"fka","ABU ALI",-0- 
2674,15,"aka",-0- ,-0- 
999,16,"aka","NOBODY",-0- 
36,17
`
	add := `36,25,-0- ,"Havana","Cuba",-0- 
2674,26,"1 Main St","Damascus","Syria","as of 2010"
2674,27,-0- ,-0- ,-0- ,-0- 
36,28,"x","y","Region: Kafia Kingi",-0- 
`
	subjects, warns, err := ReadOFAC(strings.NewReader(sdn), strings.NewReader(alt), strings.NewReader(add))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range warns {
		t.Logf("warning: %s", w)
	}
	var ids []string
	for _, s := range subjects {
		ids = append(ids, s.SourceID)
	}
	if want := []string{"ofac:36", "ofac:2674", "ofac:5", "ofac:7", "ofac:10"}; !slices.Equal(ids, want) {
		t.Fatalf("subjects %v, want %v", ids, want)
	}
	for _, w := range []struct{ where, field, reason string }{
		{"sdn.csv line 3", "", "3 fields, want 12"},
		{"sdn.csv line 4", "", "13 fields, want 12"},
		{"sdn.csv line 6", "", "bad CSV"},
		{"sdn.csv line 8", "ent_num", "already read on line 7"},
		{"sdn.csv line 9", "ent_num", `"x8" is not an entry number`},
		{"sdn.csv line 10", "SDN_Name", "no name"},
		{"sdn.csv line 5 (ofac:5)", "Remarks", `"someday"`},
		{"alt.csv line 4", "alt_name", "no name"},
		{"alt.csv line 5", "ent_num", "999 is not in sdn.csv"},
		{"alt.csv line 6", "", "2 fields, want 5"},
		{"add.csv line 4", "country", "Kafia Kingi"},
	} {
		if !hasWarning(warns, w.where, w.field, w.reason) {
			t.Errorf("no warning %q %q %q", w.where, w.field, w.reason)
		}
	}

	e := subjects[0]
	if e.Kind != KindEntity || e.Name != "AEROCARIBBEAN AIRLINES" || e.Remarks != "" || !slices.Equal(e.Aliases, []string{"AERO-CARIBBEAN"}) ||
		!slices.Equal(e.Programs, []string{"CUBA"}) || len(e.Addresses) != 2 || e.Addresses[0] != (Address{City: "Havana", Country: "CU"}) ||
		e.Addresses[1].Country != "Region: Kafia Kingi" {
		t.Errorf("entity %+v", e)
	}

	s := subjects[1]
	want := Subject{
		Source: SourceOFAC, SourceID: "ofac:2674", Kind: KindIndividual,
		Name:          "Abu ABBAS",
		Aliases:       []string{"Muhammad AL-ABBAS", "ABU ALI", "John SMITH"},
		DatesOfBirth:  []Date{{Year: 1948, Month: 12, Day: 10}},
		PlaceOfBirth:  "Safed, Palestine",
		Sex:           "M",
		Nationalities: []string{"SY", "PS", "IQ"},
		Documents: []Document{
			{Type: DocPassport, Number: "1084010", Country: "EG", Note: "expires 01 Jan 2020"},
			{Type: DocPassport, Number: "19820215"},
			{Type: DocNationalID, Number: "1234", Country: "KP"},
			{Type: DocNationalID, Number: "79.586.221", Country: "CO", Note: "Cedula No."},
			{Type: DocTaxID, Number: "AAAA-1234", Country: "MX", Note: "R.F.C."},
		},
		Identifiers: []Identifier{
			{IDEmail, "abu@example.com"}, {IDURL, "www.example.org"}, {IDPhone, "123456"},
			{"xbt", "1AbC"}, {"eth", "0xdef"}, {"trx", "TXyz"},
		},
		Addresses: []Address{{Street: "1 Main St", City: "Damascus", Country: "SY", Note: "as of 2010"}},
		Programs:  []string{"SDGT"},
	}
	want.Remarks = s.Remarks
	if !equalSubject(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}

	s = subjects[2]
	if s.Name != `Pat O"BRIEN` || !slices.Equal(s.Programs, []string{"SDGT", "IRGC"}) || s.Sex != "F" ||
		!slices.Equal(s.DatesOfBirth, []Date{{Year: 1960}, {Year: 1965}, {Year: 1960, ToYear: 1962}, {Year: 1961, Month: 3}, {Year: 1965, Month: 3, Day: 12}}) {
		t.Errorf("quoted individual %+v", s)
	}

	v := subjects[3]
	if v.Kind != KindVessel || v.Name != "SEA STAR" || !slices.Equal(v.Nationalities, []string{"IR"}) ||
		!slices.Equal(v.Identifiers, []Identifier{{IDCallSign, "9BXY"}, {IDIMO, "9187629"}, {IDMMSI, "422031200"}}) {
		t.Errorf("vessel %+v", v)
	}
	if a := subjects[4]; a.Kind != KindAircraft || !slices.Equal(a.Identifiers, []Identifier{{"aircraft_tail", "EP-ABC"}}) {
		t.Errorf("aircraft %+v", a)
	}
}

func TestOFACEdges(t *testing.T) {
	if _, _, err := ReadOFAC(nil, nil, nil); err == nil {
		t.Error("nil sdn accepted")
	}
	if _, _, err := ReadOFAC(strings.NewReader(""), nil, nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty sdn: %v", err)
	}
	// Only bad rows: refused, naming the first reason.
	subjects, _, err := ReadOFAC(strings.NewReader("1,2\n"), strings.NewReader(""), nil)
	if !errors.Is(err, ErrTooManyBad) || len(subjects) != 0 || !strings.Contains(err.Error(), "sdn.csv line 1: 2 fields, want 12") {
		t.Errorf("bad-only sdn: %v %v", subjects, err)
	}
	// CRLF line ends, Latin-1 bytes, a quoted field over two lines.
	sdn := "1,\"M\xdcLLER, J\xfcrgen\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1970;\r\nGender Male\"\r\n" +
		"2,\"SECOND\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
	subjects, warns, err := ReadOFAC(strings.NewReader(sdn), nil, nil)
	if err != nil || len(subjects) != 2 {
		t.Fatalf("%v %v", subjects, err)
	}
	if s := subjects[0]; s.Name != "Jürgen MÜLLER" || s.Sex != "M" || !slices.Equal(s.DatesOfBirth, []Date{{Year: 1970}}) {
		t.Errorf("latin-1 row %+v", s)
	}
	if !hasWarning(warns, "sdn.csv line 1", "SDN_Name", "Latin-1") {
		t.Errorf("no Latin-1 warning: %v", warns)
	}
	// The row after the two-line row is numbered by its own line.
	subjects, warns, _ = ReadOFAC(strings.NewReader(sdn+"3,x\n"), nil, nil)
	if len(subjects) != 2 || !hasWarning(warns, "sdn.csv line 4", "", "2 fields") {
		t.Errorf("line numbers after a multi-line field: %v", warns)
	}
	// Limits.
	withLimit(t, &maxInputBytes, 100)
	if _, _, err := ReadOFAC(strings.NewReader(strings.Repeat(sdn, 5)), nil, nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("input over the limit: %v", err)
	}
	withLimit(t, &maxInputBytes, 256<<20)
	withLimit(t, &maxRunBytes, 100)
	if _, _, err := ReadOFAC(strings.NewReader(`1,"`+strings.Repeat("A", 200)+`"`), nil, nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("line over the limit: %v", err)
	}
}

func TestNaturalName(t *testing.T) {
	for in, want := range map[string]string{
		"NORIEGA, Manuel Antonio":              "Manuel Antonio NORIEGA",
		"DELOS REYES, Feliciano Semborio, Jr.": "Feliciano Semborio DELOS REYES Jr.",
		"ZULKARNAEN":                           "ZULKARNAEN",
		"AL-MASRI,":                            "AL-MASRI",
		", Ali":                                "Ali",
	} {
		if got := naturalName(in); got != want {
			t.Errorf("naturalName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseOFACDate(t *testing.T) {
	for in, want := range map[string]Date{
		"12 Mar 1965":                {Year: 1965, Month: 3, Day: 12},
		"01 Jan 1960.":               {Year: 1960, Month: 1, Day: 1},
		"1965":                       {Year: 1965},
		"circa 1960":                 {Year: 1960},
		"circa 1958-1960":            {Year: 1958, ToYear: 1960},
		"1960 to 1962":               {Year: 1960, ToYear: 1962},
		"01 Jan 1960 to 31 Dec 1962": {Year: 1960, ToYear: 1962},
		"01 Jan 1960 to 31 Dec 1960": {Year: 1960},
		"Mar 1961 to Feb 1962":       {Year: 1961, ToYear: 1962},
		"Sep 1970":                   {Year: 1970, Month: 9},
	} {
		if got, ok := parseOFACDate(in); !ok || got != want {
			t.Errorf("parseOFACDate(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "31 Feb 1960", "1960 to", "12 Foo 1960", "123 Mar 1960", "0099", "1 Mar 3000"} {
		if got, ok := parseOFACDate(in); ok {
			t.Errorf("parseOFACDate(%q) = %v, want failure", in, got)
		}
	}
}

func TestDateString(t *testing.T) {
	for _, c := range []struct {
		d    Date
		want string
	}{
		{Date{}, ""},
		{Date{Year: 1965}, "1965"},
		{Date{Year: 1965, Month: 3}, "1965-03"},
		{Date{Year: 1965, Month: 3, Day: 7}, "1965-03-07"},
		{Date{Year: 1960, ToYear: 1962}, "1960/1962"},
	} {
		if got := c.d.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestResolveCountry(t *testing.T) {
	for in, want := range map[string]string{
		"Iraq": "IQ", "Syrian Arab Republic": "SY", "Syria": "SY", "Iran (Islamic Republic of)": "IR",
		"Democratic People's Republic of Korea": "KP", "Korea, North": "KP", "Korea, South": "KR",
		"United Kingdom of Great Britain and Northern Ireland": "GB", "Russian Federation": "RU",
		"Türkiye": "TR", "Turkey": "TR", "Congo, Democratic Republic of the": "CD", "Congo": "CG",
		"Côte d'Ivoire": "CI", "Cote d’Ivoire": "CI", "The Gambia": "GM", "Burma": "MM", "Palestinian": "PS",
		"State of Palestine": "PS", "United Republic of Tanzania": "TZ", "Man, Isle of": "IM",
		"Macedonia, The Former Yugoslav Republic of": "MK", "Virgin Islands, British": "VG",
		"St. Kitts & Nevis": "KN", "Venezuela (Bolivarian Republic of)": "VE", "Region: Gaza": "PS",
		"Cabo Verde. Previously Cape Verde.": "CV", "  FRANCE ": "FR", "DE": "DE", "Kosovo": "XK",
	} {
		if got, ok := ResolveCountry(in); !ok || got != want {
			t.Errorf("ResolveCountry(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"Atlantis", "former Soviet Union", "Korea", "ZZ", ""} {
		if got, ok := ResolveCountry(in); ok {
			t.Errorf("ResolveCountry(%q) = %q, want failure", in, got)
		}
	}
	// Every code in the table is two upper-case letters and used once.
	seen := map[string]bool{}
	for _, row := range countryTable {
		code := strings.SplitN(row, "|", 2)[0]
		if len(code) != 2 || !isUpperASCII(code) || seen[code] {
			t.Errorf("bad or repeated code in %q", row)
		}
		seen[code] = true
	}
	if len(seen) != 250 {
		t.Errorf("%d codes in the table, want 249 ISO codes + XK", len(seen))
	}
}

// ----------------------------------------------------- travel-document CSV

func TestDocumentsCSV(t *testing.T) {
	withLimit(t, &maxBadPercent, 100) // row by row: the share of bad rows is TestTooManyBadRows's
	in := "\ufeffStatus, Number ,Note,COUNTRY,type\n" +
		"stolen,X1234567,\"a note, with comma\",fra,Passport\n" +
		"LOST,  AB 12 ,,DEU,id_card\n" +
		"revoked,,x,FR,passport\n" +
		"invalid,Z1,x,F1,passport\n" +
		"invalid,Z2,x,FRAN,passport\n" +
		"destroyed,Z3,x,FR,passport\n" +
		"stolen,Z4,x,FR\n" +
		"stolen,x1234567,x,FRA,passport\n" +
		"stolen,\"Q\nQ\",x,FR,passport\n" +
		"stolen,Z5,x\"y,FR,passport\n" +
		"\n" +
		"invalid,Z6,,gb,\n"
	rows, warns, err := ReadDocumentsCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range warns {
		t.Logf("warning: %s", w)
	}
	want := []DocumentRow{
		{Number: "X1234567", Country: "FRA", Type: "passport", Status: StatusStolen, Line: 2},
		{Number: "AB 12", Country: "DEU", Type: "id_card", Status: StatusLost, Line: 3},
		{Number: "Z6", Country: "GB", Type: "", Status: StatusInvalid, Line: 14},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("rows\n got %+v\nwant %+v", rows, want)
	}
	for _, w := range []struct{ where, field, reason string }{
		{"line 4", "number", "empty"},
		{"line 5", "country", `"F1" is not an ISO 3166`},
		{"line 6", "country", `"FRAN"`},
		{"line 7", "status", `"destroyed"`},
		{"line 8", "", "4 fields, want 5"},
		{"line 9", "number", "already on line 2"},
		{"line 10", "number", "control characters"},
		{"line 12", "", "bare"},
	} {
		if !hasWarning(warns, w.where, w.field, w.reason) {
			t.Errorf("no warning %q %q %q", w.where, w.field, w.reason)
		}
	}
	if len(warns) != 8 {
		t.Errorf("%d warnings, want 8", len(warns))
	}
}

func TestDocumentsCSVHeader(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "empty",
		"\n\n":                               "empty",
		"number,country,type\nX,FR,passport": "lacks column(s) status",
		"X123,FR,passport,stolen\n":          "lacks column(s) number,country,type,status",
		"number,country,type,status,number":  `column "number" twice`,
		"number,\"country,type,status\n":     "header",
	} {
		_, _, err := ReadDocumentsCSV(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadDocumentsCSV(%q) = %v, want an error with %q", in, err, want)
		}
	}
	rows, warns, err := ReadDocumentsCSV(strings.NewReader("NUMBER,Country,Type,STATUS"))
	if err != nil || len(rows) != 0 || len(warns) != 0 {
		t.Errorf("header only: %v %v %v", rows, warns, err)
	}
}

// TestUNDuplicateReferenceNumber: a repeated REFERENCE_NUMBER is skipped
// with a warning, as the other readers skip a repeated id. (Both records
// used to be returned with one SourceID: `manara import un` created two
// records for one list entry, and kept only one of them updated and
// cancelled when the entry left the list.)
func TestUNDuplicateReferenceNumber(t *testing.T) {
	in := un(`<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>Ulrich</FIRST_NAME><SECOND_NAME>Fiktivsson</SECOND_NAME><REFERENCE_NUMBER>QDi.900</REFERENCE_NUMBER></INDIVIDUAL>
<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>Ulrike</FIRST_NAME><SECOND_NAME>Erfundena</SECOND_NAME><REFERENCE_NUMBER>QDi.900</REFERENCE_NUMBER></INDIVIDUAL>
<INDIVIDUAL><DATAID>3</DATAID><FIRST_NAME>Otto</FIRST_NAME><SECOND_NAME>Ausgedacht</SECOND_NAME><REFERENCE_NUMBER>QDi.901</REFERENCE_NUMBER></INDIVIDUAL>
<INDIVIDUAL><DATAID>4</DATAID><FIRST_NAME>Olga</FIRST_NAME><SECOND_NAME>Nichtreal</SECOND_NAME><REFERENCE_NUMBER>QDi.902</REFERENCE_NUMBER></INDIVIDUAL>
`)
	subjects, warns, err := ReadUN(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if dup := duplicateSourceIDs(subjects); len(dup) > 0 {
		t.Errorf("ReadUN returned several subjects with SourceID %v: want the repeat skipped with a warning, as the other readers do", dup)
	}
	if len(subjects) != 3 || subjects[0].Name != "Ulrich Fiktivsson" || !hasWarning(warns, "(QDi.900)", "REFERENCE_NUMBER", "already read on line") {
		t.Errorf("subjects %+v, warnings %v", subjects, warns)
	}
	// A DATAID standing in for a missing REFERENCE_NUMBER is a source id too.
	in = un(`<INDIVIDUAL><DATAID>7</DATAID><FIRST_NAME>Ida</FIRST_NAME><SECOND_NAME>Erdichtet</SECOND_NAME></INDIVIDUAL>
<INDIVIDUAL><DATAID>8</DATAID><FIRST_NAME>Ilse</FIRST_NAME><SECOND_NAME>Erdichtet</SECOND_NAME><REFERENCE_NUMBER>un:7</REFERENCE_NUMBER></INDIVIDUAL>
`)
	withLimit(t, &maxBadPercent, 100)
	subjects, _, err = ReadUN(strings.NewReader(in))
	if err != nil || len(subjects) != 1 {
		t.Errorf("un:7 twice: %+v %v", subjects, err)
	}
}

// TestUNCDATAOverTokenLimit: the same for the XML reader. The run limit
// counts bytes between two '<'; a CDATA section, a comment or a
// processing instruction holding '<' is one token that encoding/xml holds
// whole (it used to be read up to the 256 MiB input limit). A token over
// the limit is refused, before much more than the limit is read.
func TestUNCDATAOverTokenLimit(t *testing.T) {
	withLimit(t, &maxRunBytes, 1024)
	cdata := "<![CDATA[" + strings.Repeat(strings.Repeat("y", 100)+"<", 100) + "]]>" // 10 KiB, no run over 101 bytes
	in := un(`<INDIVIDUAL><FIRST_NAME>Vera</FIRST_NAME><SECOND_NAME>Imaginaria</SECOND_NAME><REFERENCE_NUMBER>QDi.903</REFERENCE_NUMBER><COMMENTS1>` +
		cdata + `</COMMENTS1></INDIVIDUAL>`)
	_, _, err := ReadUN(strings.NewReader(in))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "QDi.903") && !strings.Contains(err.Error(), "<INDIVIDUAL>") {
		t.Errorf("a 10 KiB CDATA text with a 1 KiB run limit: err = %v, want ErrTooLarge", err)
	}
	inner := strings.Repeat(strings.Repeat("z", 100)+"<", 100)
	for name, doc := range map[string]string{
		"comment":     un(`<!--` + inner + `-->`),
		"instruction": un(`<?fict ` + inner + `?>`),
		"after BOM":   "\ufeff" + in,
	} {
		if _, _, err := ReadUN(strings.NewReader(doc)); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s of 10 KiB with a 1 KiB run limit: err = %v, want ErrTooLarge", name, err)
		}
	}
	// A CDATA section within the limit is read.
	small := "<![CDATA[" + strings.Repeat("y", 100) + "<" + strings.Repeat("y", 100) + "]]>"
	subjects, _, err := ReadUN(strings.NewReader(un(`<INDIVIDUAL><FIRST_NAME>Vera</FIRST_NAME><SECOND_NAME>Imaginaria</SECOND_NAME><REFERENCE_NUMBER>QDi.903</REFERENCE_NUMBER><COMMENTS1>` +
		small + `</COMMENTS1></INDIVIDUAL>`)))
	if err != nil || len(subjects) != 1 || len(subjects[0].Remarks) != 201 {
		t.Errorf("a CDATA section within the limit: %+v %v", subjects, err)
	}
	// An endless CDATA section stops after the limit and the buffer.
	withLimit(t, &maxRunBytes, 1<<20)
	r := &countingReader{r: io.MultiReader(strings.NewReader(un(`<INDIVIDUAL><COMMENTS1><![CDATA[`)), endless('<'))}
	if _, _, err := ReadUN(r); !errors.Is(err, ErrTooLarge) || r.n > int64(maxRunBytes)+512<<10 {
		t.Errorf("endless CDATA: %v after %d bytes", err, r.n)
	}
}

// TestCSVQuotedRecordOverLineLimit: a quoted field may hold newlines, so a
// CSV record can be far longer than the line limit, which counts bytes
// between two '\n' (encoding/csv used to buffer one record of any size up
// to the 256 MiB input limit). A record longer than the limit is refused
// with ErrTooLarge, before much more than the limit is read; one within it
// is read.
func TestCSVQuotedRecordOverLineLimit(t *testing.T) {
	withLimit(t, &maxRunBytes, 1024)
	big := `"` + strings.Repeat(strings.Repeat("x", 100)+"\n", 100) + `"` // 10 KiB, no line over 101 bytes
	t.Run("documents", func(t *testing.T) {
		in := "number,country,type,status\nF1,FR,passport,stolen\nF2,FR,passport,lost\n" + big + ",FR,passport,stolen\n"
		_, _, err := ReadDocumentsCSV(strings.NewReader(in))
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("a 10 KiB record with a 1 KiB line limit: err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("ofac", func(t *testing.T) {
		in := `1,"INVENTADO, Pedro",individual,SDGT,-0-,-0-,-0-,-0-,-0-,-0-,-0-,` + big + "\n"
		_, _, err := ReadOFAC(strings.NewReader(in), nil, nil)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("a 10 KiB record with a 1 KiB line limit: err = %v, want ErrTooLarge", err)
		}
		// The same in a companion file.
		sdn := `1,"INVENTADO, Pedro",individual,SDGT,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-` + "\n"
		_, _, err = ReadOFAC(strings.NewReader(sdn), strings.NewReader(`1,2,"aka",`+big+",-0-\n"), nil)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "alt.csv") {
			t.Errorf("alt.csv: err = %v, want ErrTooLarge", err)
		}
		// A record of several lines within the limit is read.
		two := `"` + strings.Repeat(strings.Repeat("x", 100)+"\n", 8) + `"`
		subjects, _, err := ReadOFAC(strings.NewReader(`1,"INVENTADO, Pedro",individual,SDGT,-0-,-0-,-0-,-0-,-0-,-0-,-0-,`+two+"\n"), nil, nil)
		if err != nil || len(subjects) != 1 {
			t.Errorf("an 800-byte record with a 1 KiB limit: %v %v", subjects, err)
		}
	})
	t.Run("stream", func(t *testing.T) {
		// An endless quoted field is refused after the limit and the
		// reader's buffer, not at the end of the input.
		r := &countingReader{r: io.MultiReader(strings.NewReader("1,\""), endless('y'))}
		_, _, err := ReadOFAC(r, nil, nil)
		if !errors.Is(err, ErrTooLarge) || r.n > int64(maxRunBytes)+4*csvReadAhead {
			t.Errorf("endless record: %v after %d bytes", err, r.n)
		}
	})
}

// endless reads c forever, with a newline every 100 bytes.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
		if i%100 == 99 {
			p[i] = '\n'
		}
	}
	return len(p), nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func duplicateSourceIDs(subjects []Subject) []string {
	seen := map[string]int{}
	var dup []string
	for _, s := range subjects {
		seen[s.SourceID]++
		if seen[s.SourceID] == 2 {
			dup = append(dup, s.SourceID)
		}
	}
	return dup
}

// ---------------------------------------------------------------------- fuzz

func FuzzReadUN(f *testing.F) {
	f.Add([]byte(un(`<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>Q.1</REFERENCE_NUMBER>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1960</FROM_YEAR><TO_YEAR>1962</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
<NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY><INDIVIDUAL_ALIAS><ALIAS_NAME>B</ALIAS_NAME></INDIVIDUAL_ALIAS></INDIVIDUAL>`)))
	f.Add([]byte(`<CONSOLIDATED_LIST><ENTITIES><ENTITY><FIRST_NAME>E</FIRST_NAME><DATAID>1</DATAID></ENTITY></ENTITIES></CONSOLIDATED_LIST>`))
	f.Add([]byte(`<CONSOLIDATED_LIST><INDIVIDUAL><INDIVIDUAL><FIRST_NAME>x</FIRST_NAME></INDIVIDUAL></INDIVIDUAL></CONSOLIDATED_LIST>`))
	f.Add([]byte(""))
	f.Add([]byte("<"))
	// A repeated REFERENCE_NUMBER, a DATAID standing in for one, CDATA
	// sections and comments holding '<'.
	f.Add([]byte(un(`<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>Q.1</REFERENCE_NUMBER></INDIVIDUAL>
<INDIVIDUAL><FIRST_NAME>B</FIRST_NAME><REFERENCE_NUMBER>Q.1</REFERENCE_NUMBER></INDIVIDUAL>
<INDIVIDUAL><FIRST_NAME>C</FIRST_NAME><DATAID>1</DATAID></INDIVIDUAL><INDIVIDUAL><FIRST_NAME>D</FIRST_NAME><REFERENCE_NUMBER>un:1</REFERENCE_NUMBER></INDIVIDUAL>`)))
	f.Add([]byte(un(`<INDIVIDUAL><FIRST_NAME><![CDATA[A<B]]></FIRST_NAME><!-- <x> --><REFERENCE_NUMBER>Q.2</REFERENCE_NUMBER><?pi <y>?></INDIVIDUAL>`)))
	if b, err := os.ReadFile(filepath.Join(corpora, "un/UN_consolidated.xml")); err == nil {
		f.Add(b[:min(len(b), 6000)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		subjects, warns, err := ReadUN(bytes.NewReader(data))
		if err != nil {
			if subjects != nil || warns != nil {
				t.Fatal("results returned with an error")
			}
			return
		}
		elements := bytes.Count(data, []byte("INDIVIDUAL")) + bytes.Count(data, []byte("ENTITY"))
		if len(subjects) > elements {
			t.Fatalf("%d subjects from %d INDIVIDUAL/ENTITY elements", len(subjects), elements)
		}
		for _, s := range subjects {
			checkSubject(t, s)
		}
		if dup := duplicateSourceIDs(subjects); len(dup) > 0 {
			t.Fatalf("several subjects with SourceID %q", dup)
		}
	})
}

func FuzzReadOFAC(f *testing.F) {
	f.Add([]byte(`2674,"ABBAS, Abu","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 10 Dec 1948; Passport 1 (Egypt); a.k.a. 'X, Y'; DOB 1960 to 1962."`+"\n"),
		[]byte(`2674,13,"aka","AL-ABBAS, Muhammad",-0- `+"\n"), []byte(`2674,26,"1 Main St","Damascus","Syria",-0- `+"\n"))
	f.Add([]byte("1,\"A\"\"B\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a"), []byte("1,2"), []byte(""))
	f.Add([]byte("1,\"unterminated"), []byte("\"x"), []byte("1,2,3,4,5,6\n1,2,3,4,5,6"))
	f.Add([]byte(""), []byte(""), []byte(""))
	// Quoted fields over several lines.
	f.Add([]byte("1,\"A\nB\",individual,SDGT,-0-,-0-,-0-,-0-,-0-,-0-,-0-,\"DOB 1970;\n\nPOB X\"\n"), []byte("1,2,\"aka\",\"C\nD\",-0-\n"), []byte("1,2,\"\n\",X,Y,\"\"\n"))
	f.Fuzz(func(t *testing.T, sdn, alt, add []byte) {
		subjects, warns, err := ReadOFAC(bytes.NewReader(sdn), bytes.NewReader(alt), bytes.NewReader(add))
		if err != nil {
			if subjects != nil || warns != nil {
				t.Fatal("results returned with an error")
			}
			return
		}
		if rows := bytes.Count(sdn, []byte("\n")) + 1; len(subjects) > rows {
			t.Fatalf("%d subjects from %d sdn.csv lines", len(subjects), rows)
		}
		seen := map[string]bool{}
		for _, s := range subjects {
			checkSubject(t, s)
			if seen[s.SourceID] {
				t.Fatalf("duplicate %s", s.SourceID)
			}
			seen[s.SourceID] = true
		}
	})
}

func FuzzReadDocumentsCSV(f *testing.F) {
	f.Add([]byte("number,country,type,status\nX1,FR,passport,stolen\nX2,DEU,id,lost\n"))
	f.Add([]byte("status,number,x,country,type\r\nrevoked,\"A\nB\",,gbr,\n"))
	f.Add([]byte("number,country,type,status\n\"bad,FR,passport,stolen\n"))
	f.Add([]byte(""))
	f.Add([]byte("number,country,type,status\n\"X\n1\",FR,\"pass\nport\",stolen\n\"\n\n\n\",FR,,lost\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, warns, err := ReadDocumentsCSV(bytes.NewReader(data))
		if err != nil {
			if rows != nil || warns != nil {
				t.Fatal("results returned with an error")
			}
			return
		}
		if lines := bytes.Count(data, []byte("\n")); len(rows) > lines {
			t.Fatalf("%d rows from %d lines after the header", len(rows), lines)
		}
		seen := map[[2]string]bool{}
		for _, r := range rows {
			if r.Number == "" || len(r.Number) > maxDocField || (len(r.Country) != 2 && len(r.Country) != 3) ||
				!isUpperASCII(r.Country) || r.Line < 2 || !utf8.ValidString(r.Number+r.Type) {
				t.Fatalf("bad row %+v", r)
			}
			switch r.Status {
			case StatusStolen, StatusLost, StatusRevoked, StatusInvalid:
			default:
				t.Fatalf("bad status %+v", r)
			}
			k := [2]string{strings.ToUpper(r.Number), r.Country}
			if seen[k] {
				t.Fatalf("duplicate %+v", r)
			}
			seen[k] = true
		}
	})
}

// checkSubject checks what every returned subject must satisfy.
func checkSubject(t *testing.T, s Subject) {
	t.Helper()
	if s.Name == "" || s.SourceID == "" || (s.Source != SourceUN && s.Source != SourceOFAC) {
		t.Fatalf("incomplete subject %+v", s)
	}
	switch s.Kind {
	case KindIndividual, KindEntity, KindVessel, KindAircraft:
	default:
		t.Fatalf("bad kind %q", s.Kind)
	}
	if s.Sex != "" && s.Sex != "M" && s.Sex != "F" {
		t.Fatalf("bad sex %q", s.Sex)
	}
	strs := append([]string{s.Name, s.NameOriginal, s.PlaceOfBirth, s.Remarks, s.ListedOn}, s.Aliases...)
	strs = append(strs, s.Nationalities...)
	for _, d := range s.Documents {
		strs = append(strs, d.Number, d.Country, d.Note)
		if d.Number == "" {
			t.Fatalf("document without number %+v", s)
		}
	}
	for _, x := range strs {
		if !utf8.ValidString(x) || len(x) > maxFieldBytes || strings.ContainsAny(x, "\x00\n\r\t") {
			t.Fatalf("bad string %q in %+v", x, s)
		}
	}
	for _, a := range s.Aliases {
		if a == "" || strings.EqualFold(a, s.Name) {
			t.Fatalf("bad alias %q in %+v", a, s)
		}
	}
	for _, d := range s.DatesOfBirth {
		if d.Year < minYear || d.Year > time.Now().Year() || (d.ToYear != 0 && d.ToYear <= d.Year) || d.Month < 0 || d.Month > 12 || d.Day < 0 || d.Day > 31 {
			t.Fatalf("bad date %#v", d)
		}
	}
}

// ------------------------------------------------------------------ timing

func BenchmarkReadUN(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(corpora, "un/UN_consolidated.xml"))
	if err != nil {
		b.Skipf("real data not available: %v", err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := ReadUN(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadOFAC(b *testing.B) {
	var files [3][]byte
	for i, n := range []string{"sdn.csv", "alt.csv", "add.csv"} {
		var err error
		if files[i], err = os.ReadFile(filepath.Join(corpora, "ofac", n)); err != nil {
			b.Skipf("real data not available: %v", err)
		}
	}
	b.SetBytes(int64(len(files[0]) + len(files[1]) + len(files[2])))
	for b.Loop() {
		if _, _, err := ReadOFAC(bytes.NewReader(files[0]), bytes.NewReader(files[1]), bytes.NewReader(files[2])); err != nil {
			b.Fatal(err)
		}
	}
}
