package imports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadFTM(t *testing.T) {
	subjects, warns, err := ReadFTM(strings.NewReader(string(readTestdata(t, "sample.ftm.json"))))
	if err != nil {
		t.Fatal(err)
	}
	if len(subjects) != 4 {
		t.Fatalf("got %d subjects, want 4 (two persons, a company, a vessel; the relative is not a target): %+v", len(subjects), subjects)
	}
	p := find(subjects, "ftm:fict-person-1")
	if p == nil {
		t.Fatal("fict-person-1 missing")
	}
	if p.Kind != KindIndividual || p.Name != "Karim Benfictif" || !slices.Equal(p.Aliases, []string{"Kareem Ben Fictif", "كريم بنفكتيف"}) {
		t.Errorf("person names: %+v", p)
	}
	if len(p.DatesOfBirth) != 2 || p.DatesOfBirth[0].String() != "1971-04-02" || p.Sex != "M" || p.PlaceOfBirth != "Oran" || !slices.Equal(p.Nationalities, []string{"DZ"}) {
		t.Errorf("person facts: %+v", p)
	}
	// The Passport and Identification that come after the person, and
	// the Sanction that comes before it, are joined to it.
	if !slices.Contains(p.Documents, Document{Type: DocPassport, Number: "X1234567", Country: "DZ", Note: "passport"}) ||
		!slices.Contains(p.Documents, Document{Type: DocNationalID, Number: "NID-99-1", Country: "DZ"}) {
		t.Errorf("documents: %+v", p.Documents)
	}
	if !slices.Contains(p.Programs, "FICT-TERROR") || p.ListedOn != "2019-03-14" || !strings.Contains(p.Remarks, "fictitious network") {
		t.Errorf("sanction: %+v", p)
	}
	if len(p.Addresses) != 1 || p.Addresses[0].Country != "DZ" || p.Addresses[0].City != "Oran" {
		t.Errorf("address: %+v", p.Addresses)
	}
	c := find(subjects, "ftm:fict-company-1")
	if c == nil || c.Kind != KindEntity || !slices.Equal(c.Nationalities, []string{"AE"}) ||
		!slices.Contains(c.Identifiers, Identifier{Type: "xbt", Value: "1FictFictFictFictFictFictFictFict"}) ||
		!slices.Contains(c.Documents, Document{Type: DocRegistration, Number: "CN-000001"}) {
		t.Errorf("company: %+v", c)
	}
	if v := find(subjects, "ftm:fict-vessel-1"); v == nil || v.Kind != KindVessel || !slices.Contains(v.Identifiers, Identifier{Type: IDIMO, Value: "IMO 9999999"}) {
		t.Errorf("vessel: %+v", v)
	}
	// A person with name parts only gets them joined.
	if o := find(subjects, "ftm:fict-person-2"); o == nil || o.Name != "Olena Vymyslova" || o.Sex != "F" || o.DatesOfBirth[0].String() != "1985-11" {
		t.Errorf("name parts: %+v", o)
	}
	if find(subjects, "ftm:fict-relative-1") != nil || !hasWarning(warns, "input", "target", "1 persons or organisations") ||
		!hasWarning(warns, "input", "schema", "Family 1") {
		t.Errorf("non-targets and other schemata: %v", warns)
	}
	kind, data := p.Record()
	if kind != "person" || data["source"] != SourceFTM || data["date_of_birth"] != "1971..1972" {
		t.Errorf("record: %s %v", kind, data)
	}
}

func TestReadFTMBadLines(t *testing.T) {
	in := `{"id":"a","schema":"Person","properties":{"name":["Ana Inventada"]}}
not json at all
{"id":"a","schema":"Person","properties":{"name":["Ana Dup"]}}
{"schema":"Person","properties":{"name":["No Id"]}}
{"id":"b","schema":"Person","properties":{"name":["Bo Inventado"],"birthDate":["someday"]}}
{"id":"c","schema":"Person","properties":{"name":"not a list"}}
{"id":"d","schema":"Person","properties":{}}
`
	withLimit(t, &maxBadPercent, 100)
	subjects, warns, err := ReadFTM(strings.NewReader(in))
	if err != nil || len(subjects) != 2 {
		t.Fatalf("%v %v %v", subjects, warns, err)
	}
	for _, want := range [][3]string{
		{"line 2", "", "not a JSON entity"},
		{"line 3 (a)", "id", "already read on line 1"},
		{"line 4", "", "no id or no schema"},
		{"line 7 (d)", "name", "no name; entity skipped"},
		{"line 5 (b)", "birthDate", `"someday" is not a date`},
		{"line 6", "", `field "properties.name" is a JSON string, want a list of values`},
	} {
		if !hasWarning(warns, want[0], want[1], want[2]) {
			t.Errorf("no warning %v in %v", want, warns)
		}
	}
	// The same file at the normal limit is refused: 5 of 7 lines are bad.
	withLimit(t, &maxBadPercent, 10)
	if _, _, err := ReadFTM(strings.NewReader(in)); !errors.Is(err, ErrTooManyBad) || !strings.Contains(err.Error(), "line 2: not a JSON entity") {
		t.Errorf("mostly bad file: %v", err)
	}
	if _, _, err := ReadFTM(strings.NewReader("\n\n")); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty: %v", err)
	}
	withLimit(t, &maxRunBytes, 100)
	if _, _, err := ReadFTM(strings.NewReader(`{"id":"a","schema":"Person","properties":{"name":["` + strings.Repeat("x", 200) + `"]}}`)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("long line: %v", err)
	}
}

func TestReadSenzing(t *testing.T) {
	subjects, warns, err := ReadSenzing(strings.NewReader(string(readTestdata(t, "sample.senzing.json"))))
	if err != nil {
		t.Fatal(err)
	}
	if len(subjects) != 3 || !hasWarning(warns, "input", "RECORD_TYPE", "1 records neither a person nor an organisation") {
		t.Fatalf("%+v %v", subjects, warns)
	}
	p := find(subjects, "senzing:fict_pep:P-1")
	if p == nil || p.Kind != KindIndividual || p.Name != "Jonathan Quincy Inventado" || !slices.Equal(p.Aliases, []string{"Jon Q. Inventado"}) ||
		len(p.DatesOfBirth) != 1 || p.DatesOfBirth[0].String() != "1961-07-04" || !slices.Equal(p.Nationalities, []string{"US"}) ||
		!slices.Contains(p.Documents, Document{Type: DocPassport, Number: "P0000001", Country: "US"}) || !slices.Equal(p.Programs, []string{"role.pep"}) {
		t.Errorf("person: %+v", p)
	}
	if o := find(subjects, "senzing:fict_pep:O-1"); o == nil || o.Kind != KindEntity || o.Name != "Imaginary Holdings Inc" || len(o.Addresses) != 1 || o.Addresses[0].City != "Springfield" {
		t.Errorf("organisation: %+v", o)
	}
	// The flat layout, without RECORD_TYPE: a person by its name parts.
	if f := find(subjects, "senzing:fict_pep:F-1"); f == nil || f.Kind != KindIndividual || f.Name != "Maria Ficticia" || f.Sex != "F" || f.DatesOfBirth[0].String() != "1979-03-12" || !slices.Equal(f.Nationalities, []string{"MX"}) {
		t.Errorf("flat record: %+v", f)
	}
}

func TestReadSenzingBadLines(t *testing.T) {
	withLimit(t, &maxBadPercent, 100)
	in := `{"DATA_SOURCE":"X","RECORD_ID":"1","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Rui Inventado"}]}
[1,2]
{"DATA_SOURCE":"X","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"No Id"}]}
{"DATA_SOURCE":"X","RECORD_ID":"1","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Dup"}]}
{"DATA_SOURCE":"X","RECORD_ID":"2","RECORD_TYPE":"PERSON","DATES":[{"DATE_OF_BIRTH":"31/02/1970"}]}
`
	subjects, warns, err := ReadSenzing(strings.NewReader(in))
	if err != nil || len(subjects) != 1 {
		t.Fatalf("%v %v %v", subjects, warns, err)
	}
	for _, want := range [][3]string{
		{"line 2", "", "not a JSON object"},
		{"line 3", "RECORD_ID", "missing"},
		{"line 4 (1)", "RECORD_ID", "already read on line 1"},
		{"line 5 (2)", "NAMES", "no name"},
		{"line 5 (2)", "DATE_OF_BIRTH", `"31/02/1970" is not a date`},
	} {
		if !hasWarning(warns, want[0], want[1], want[2]) {
			t.Errorf("no warning %v in %v", want, warns)
		}
	}
}

// TestRealSenzing reads the US Congress list the benchmarks use.
func TestRealSenzing(t *testing.T) {
	f := corpusFile(t, "us-congress/us_congress_senzing.json")
	subjects, warns, err := ReadSenzing(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(subjects) != 1317 || len(warns) != 1 {
		t.Errorf("%d subjects (want 1317 persons; 2 positions left out), warnings %v", len(subjects), warns)
	}
	for _, s := range subjects {
		if s.Kind != KindIndividual || s.Name == "" || !slices.Equal(s.Nationalities, []string{"US"}) {
			t.Fatalf("bad subject %+v", s)
		}
	}
}

func TestSniff(t *testing.T) {
	un := readHead(t, "un/UN_consolidated.xml")
	sdn := readHead(t, "ofac/sdn.csv")
	alt := readHead(t, "ofac/alt.csv")
	congress := readHead(t, "us-congress/us_congress_senzing.json")
	for _, c := range []struct {
		head []byte
		want string
		desc string
	}{
		{un, FormatUN, "UN consolidated"},
		{sdn, FormatOFAC, "sdn.csv"},
		{alt, FormatUnknown, "alt.csv (give sdn.csv"},
		{congress, FormatSenzing, "Senzing"},
		{readTestdata(t, "sample.ftm.json"), FormatFTM, "FollowTheMoney"},
		{[]byte("number,country,type,status\nX1,FR,passport,stolen\n"), FormatDocuments, "travel-document"},
		{[]byte("\x1f\x8b\x08\x00"), FormatUnknown, "gzip"},
		{[]byte("PK\x03\x04"), FormatUnknown, "ZIP"},
		{[]byte("<!DOCTYPE html><html>"), FormatUnknown, "HTML"},
		{[]byte(`<?xml version="1.0"?><sdnList>`), FormatUnknown, "sdn.xml"},
		{[]byte("   \n"), FormatUnknown, "empty"},
		{[]byte("full_name,first_name,middle_name,last_name,gender,date_of_birth\n"), FormatUnknown, "screening-fixture"},
		{[]byte(`[{"a":1}]`), FormatUnknown, "JSON array"},
	} {
		got := Sniff(c.head)
		if got.Format != c.want || !strings.Contains(got.Description, c.desc) {
			t.Errorf("%.30q: got %+v, want %q %q", c.head, got, c.want, c.desc)
		}
	}
	// The error names what the file looks like and the command to use.
	err := CheckFormat(FormatOFAC, un)
	if err == nil || err.Error() != "this looks like a UN consolidated list XML, not an OFAC sdn.csv; use manara import un" {
		t.Errorf("UN file as OFAC: %v", err)
	}
	if err := CheckFormat(FormatUN, un); err != nil {
		t.Errorf("UN file as UN: %v", err)
	}
}

// readHead reads the first SniffBytes of a corpus file.
func readHead(t *testing.T, rel string) []byte {
	f := corpusFile(t, rel)
	b := make([]byte, SniffBytes)
	n, _ := f.Read(b)
	return b[:n]
}

// TestTooManyBadRows: a file mostly of rows the reader cannot take is
// refused with the first reasons, instead of importing what parsed (and
// cancelling every entry that did not).
func TestTooManyBadRows(t *testing.T) {
	un := corpusFile(t, "un/UN_consolidated.xml")
	_, _, err := ReadOFAC(un, nil, nil)
	if !errors.Is(err, ErrTooManyBad) || !strings.Contains(err.Error(), "sdn.csv line 1:") {
		t.Errorf("UN XML read as sdn.csv: %v", err)
	}
	// 1 bad row in 20 is a warning, not a failure.
	var b strings.Builder
	for i := 1; i <= 19; i++ {
		b.WriteString(strings.Repeat("x", 0))
		b.WriteString(ofacRow(i))
	}
	b.WriteString("20,only three,fields\n")
	subjects, warns, err := ReadOFAC(strings.NewReader(b.String()), nil, nil)
	if err != nil || len(subjects) != 19 || !hasWarning(warns, "sdn.csv line 20", "", "3 fields") {
		t.Errorf("5%% bad: %d %v %v", len(subjects), warns, err)
	}
}

func ofacRow(n int) string {
	return strings.Join([]string{itoa(n), `"INVENTED, Person"`, "individual", "SDGT", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"}, ",") + "\n"
}

// TestSenzingSourceIDsUnique: the SourceID (the key of `manara import`) is
// also the key of the check for repeats, and names one record only. Data
// sources differing in case are one source (the second record is a
// repeat); a ':' in the data source is escaped, so that it cannot be moved
// between the data source and the record id. (The check used to be on the
// data source as given, and the id "senzing:"+lower(DATA_SOURCE)+":"+
// RECORD_ID: two records could share an id.)
func TestSenzingSourceIDsUnique(t *testing.T) {
	for name, in := range map[string]string{
		"case": `{"DATA_SOURCE":"FICT_LIST","RECORD_ID":"R-1","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Inge Fiktiva"}]}
{"DATA_SOURCE":"fict_list","RECORD_ID":"R-1","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Ingo Erfunden"}]}
{"DATA_SOURCE":"FICT_LIST","RECORD_ID":"R-2","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Pia Unwirklich"}]}
{"DATA_SOURCE":"FICT_LIST","RECORD_ID":"R-3","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Paul Ausgedacht"}]}
`,
		"colon": `{"DATA_SOURCE":"a:b","RECORD_ID":"c","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Inge Fiktiva"}]}
{"DATA_SOURCE":"a","RECORD_ID":"b:c","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Ingo Erfunden"}]}
{"DATA_SOURCE":"a","RECORD_ID":"d","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Pia Unwirklich"}]}
{"DATA_SOURCE":"a","RECORD_ID":"e","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Paul Ausgedacht"}]}
`,
	} {
		subjects, _, err := ReadSenzing(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if dup := duplicateSourceIDs(subjects); len(dup) > 0 {
			t.Errorf("%s: ReadSenzing returned several subjects with SourceID %v (two list entries, one key for the import)", name, dup)
		}
	}
	// Ids of ordinary data sources are as they always were (a re-import
	// updates the records of an earlier one).
	for _, c := range [][3]string{
		{"OS_US_CONGRESS", "Q101196632", "senzing:os_us_congress:Q101196632"},
		{"fict", "a:b", "senzing:fict:a:b"},
		{"a:b", "c", "senzing:a%3ab:c"},
		{"a%3Ab", "c", "senzing:a%253ab:c"},
		{"", "1", "senzing::1"},
	} {
		if got := senzingID(c[0], c[1]); got != c[2] {
			t.Errorf("senzingID(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

// heapAtEOF reads like r and measures the live heap when the reader
// under it reaches its end, i.e. with every line parsed and held.
type heapAtEOF struct {
	r    io.Reader
	heap uint64
}

func (p *heapAtEOF) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err == io.EOF && p.heap == 0 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		p.heap = m.HeapAlloc
	}
	return n, err
}

// TestReadFTMMemoryPerLine: ReadFTM holds every subject, Passport,
// Identification, CryptoWallet, Sanction and Address until the end of the
// file; it keeps only the properties it reads, their values cleaned and
// packed, at most maxRecordParts a property (so at most that many holders
// an entity). (It used to keep every value of every property as a
// json.RawMessage and every holder as a map key: lines within the 4 MiB
// limit, each a Passport "holding" about 700,000 ids, took about 15 times
// their size in live heap, some 4 GiB for a file within the 256 MiB limit.)
func TestReadFTMMemoryPerLine(t *testing.T) {
	var b strings.Builder
	for l := 0; l < 2; l++ {
		start := b.Len()
		fmt.Fprintf(&b, `{"id":"pp-%d","schema":"Passport","properties":{"number":["X1"],"holder":[`, l)
		for i := 0; b.Len()-start < maxRunBytes-100; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"%x"`, l<<24|i)
		}
		b.WriteString("]}}\n")
	}
	b.WriteString(`{"id":"fict-1","schema":"Person","properties":{"name":["Nadia Inventata"]}}` + "\n")
	in := b.String()
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	p := &heapAtEOF{r: strings.NewReader(in)}
	_, warns, err := ReadFTM(p)
	if err != nil {
		t.Fatal(err)
	}
	if !hasWarning(warns, "line 1 (pp-0)", "holder", "more than 10000 values; the rest ignored") {
		t.Errorf("no warning for the values over the limit: %v", warns)
	}
	live := int64(p.heap) - int64(m0.HeapAlloc)
	if live > 8*int64(len(in)) {
		t.Errorf("ReadFTM of %d MiB (2 lines under the line limit) holds %d MiB live: %.0f× the input; at the 256 MiB input limit that is %.1f GiB",
			len(in)>>20, live>>20, float64(live)/float64(len(in)), float64(live)/float64(len(in))*256/1024)
	}
}

// TestSniffLongFirstLine: `manara import ftm|senzing` sniffs the first
// 8 KiB (SniffBytes); when the first line is longer (an entity with long
// notes, many aliases or many properties, well within the 4 MiB line
// limit), the keys before the cut name the format (such a valid file used
// to be refused as "a JSON file that is not one object per line"). Bad
// JSON before the cut, or no key, is still refused.
func TestSniffLongFirstLine(t *testing.T) {
	notes := strings.Repeat("Invented for tests. ", 600) // 12 KiB
	for format, line := range map[string]string{
		FormatFTM:     `{"id":"fict-long-1","schema":"Person","properties":{"name":["Rosa Erfunden"],"notes":["` + notes + `"]},"target":true}`,
		FormatSenzing: `{"DATA_SOURCE":"FICT","RECORD_ID":"L-1","RECORD_TYPE":"PERSON","NAMES":[{"NAME_FULL":"Rosa Erfunden"}],"NOTES":"` + notes + `"}`,
	} {
		file := line + "\n" + line + "\n"
		head := []byte(file)[:SniffBytes]
		if err := CheckFormat(format, head); err != nil {
			t.Errorf("%s file whose first line is %d bytes: CheckFormat = %v, want nil", format, len(line), err)
		}
		// With a byte-order mark.
		if err := CheckFormat(format, []byte("\ufeff" + file)[:SniffBytes]); err != nil {
			t.Errorf("%s file with a BOM whose first line is %d bytes: CheckFormat = %v, want nil", format, len(line), err)
		}
	}
	for in, want := range map[string]string{
		`{"id":"x","schema" "Person","properties":{"notes":["`: "not one object per line",
		`{"id":"x","caption":"`:                                "JSON lines of an unknown layout",
		`{"`:                                                   "not one object per line",
		`[{"schema":"Person","properties":{"notes":["`: "a JSON array",
	} {
		head := []byte(in + strings.Repeat("n", SniffBytes))[:SniffBytes]
		if got := Sniff(head); got.Format != FormatUnknown || !strings.Contains(got.Description, want) {
			t.Errorf("%s…: %+v, want %q", in, got, want)
		}
	}
	// A short file is not cut: a first line that does not parse is bad.
	if got := Sniff([]byte(`{"schema":"Person","properties":{"notes":["x`)); got.Format != FormatUnknown {
		t.Errorf("a short file of one bad line: %+v", got)
	}
}
func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func FuzzReadFTM(f *testing.F) {
	f.Add(readTestdata(f, "sample.ftm.json"))
	f.Add([]byte(`{"id":"a","schema":"Passport","properties":{"holder":["a"],"number":["1"]}}` + "\n" + `{"id":"a","schema":"Person"}`))
	f.Add([]byte(`{"id":"x","schema":"Person","properties":{"name":[1,{"a":2},"\u0000"]},"target":null}`))
	// Many holders, a property that is not a list, values cleaned to
	// nothing, a repeated id.
	f.Add([]byte(`{"id":"p","schema":"Passport","properties":{"holder":["a","b","a"," a ",""],"number":["N1","N1"]}}` + "\n" +
		`{"id":"a","schema":"Person","properties":{"name":["\t"," A  B "],"alias":null}}` + "\n" +
		`{"id":"b","schema":"Person","properties":{"name":"B"}}` + "\n" + `{"id":"a","schema":"Company","properties":{"name":["C"]}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		subjects, _, err := ReadFTM(strings.NewReader(string(in)))
		if err != nil {
			return
		}
		for _, s := range subjects {
			if s.Name == "" || !strings.HasPrefix(s.SourceID, "ftm:") {
				t.Fatalf("subject without name or id: %+v", s)
			}
			s.Record()
		}
		if dup := duplicateSourceIDs(subjects); len(dup) > 0 {
			t.Fatalf("several subjects with SourceID %q", dup)
		}
	})
}

func FuzzReadSenzing(f *testing.F) {
	f.Add(readTestdata(f, "sample.senzing.json"))
	f.Add([]byte(`{"RECORD_ID":"1","NAMES":[{"NAME_FIRST":"A"}],"GENDER":"m"}`))
	f.Add([]byte(`{"RECORD_ID":"1","NAMES":"x","DATES":[[1]],"RECORD_TYPE":7}`))
	// Data sources differing in case, a ':' and a '%' in data sources and
	// record ids.
	f.Add([]byte(`{"DATA_SOURCE":"X","RECORD_ID":"1","NAME_FULL":"A","RECORD_TYPE":"PERSON"}` + "\n" +
		`{"DATA_SOURCE":"x","RECORD_ID":"1","NAME_FULL":"B","RECORD_TYPE":"PERSON"}` + "\n" +
		`{"DATA_SOURCE":"a:b","RECORD_ID":"c","NAME_FULL":"C","RECORD_TYPE":"PERSON"}` + "\n" +
		`{"DATA_SOURCE":"a","RECORD_ID":"b:c","NAME_FULL":"D","RECORD_TYPE":"PERSON"}` + "\n" +
		`{"DATA_SOURCE":"a%3ab","RECORD_ID":"c","NAME_FULL":"E","RECORD_TYPE":"PERSON"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		subjects, _, err := ReadSenzing(strings.NewReader(string(in)))
		if err != nil {
			return
		}
		for _, s := range subjects {
			if s.Name == "" || s.Kind == "" {
				t.Fatalf("subject without name or kind: %+v", s)
			}
			s.Record()
		}
		if dup := duplicateSourceIDs(subjects); len(dup) > 0 {
			t.Fatalf("several subjects with SourceID %q", dup)
		}
	})
}

func FuzzSniff(f *testing.F) {
	for _, s := range []string{"<CONSOLIDATED_LIST>", "1,\"A\",x", `{"schema":"Person","properties":{}}`, "\x1f\x8b", "number,country\n"} {
		f.Add([]byte(s))
	}
	// First lines longer than what is sniffed.
	for _, s := range []string{`{"id":"x","schema":"Person","properties":{"notes":["`, `{"DATA_SOURCE":"X","NOTES":"`, `{"a" "b`, "\ufeff{\"schema\":1,\"x\":\""} {
		f.Add([]byte(s + strings.Repeat("n", SniffBytes))[:SniffBytes])
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got := Sniff(in)
		if got.Description == "" {
			t.Fatalf("no description for %q", in)
		}
	})
}
