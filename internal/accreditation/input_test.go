package accreditation

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestCSVBrokenLines: each broken line's error names the line, the
// column and what was expected; nothing is returned.
func TestCSVBrokenLines(t *testing.T) {
	list := "\xef\xbb\xbfref,category,name,date_of_birth,sex,nationalities,passport_number,passport_country,other_documents\n" +
		"B-1,delegate,Marguerite Oyelaran,1975-04-02,F,FR,19AB12345,FR,\n" + // line 2: fine
		"B-2,delgate,Ruben Castellano Ibarra,1980-02-30,M,ES,,,\n" + // 3: category, date
		"B-3,staff,,1980,X,ZZ,,,\n" + // 4: name, sex, nationality
		"B-1,journalist,Lin Weiqiao,,,CN,??,XX,FR-1234\n" + // 5: repeated ref, passport, country, other_documents
		"B-5,staff,Only three cells\n" // 6: cells
	_, _, err := ParseCSV(strings.NewReader(list))
	if err == nil {
		as, _, _ := ParseCSV(strings.NewReader(list))
		t.Fatalf("parsed %d", len(as))
	}
	ins, lines, err := ParseCSV(strings.NewReader(list))
	if err == nil {
		_, err = validate(ins, func(i int) string { return "lines[" + itoa(lines[i]) + "]" })
	}
	ce, ok := err.(*core.Error)
	if !ok || ce.Code != core.EINVALID {
		t.Fatalf("want invalid, got %v", err)
	}
	got := map[string]string{}
	for _, f := range ce.Fields {
		got[f.Field] = f.Reason
	}
	for _, want := range []string{"lines[6]", "lines[5].other_documents"} {
		if got[want] == "" {
			t.Errorf("no error for %s; got %v", want, got)
		}
	}
	// The cells' and other_documents' errors stop the parse; the rest
	// of the lines are checked field by field.
	good := strings.Replace(strings.Replace(list, "B-5,staff,Only three cells\n", "", 1), "FR-1234", "FR:1234", 1)
	ins, lines, err = ParseCSV(strings.NewReader(good))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	_, err = validate(ins, func(i int) string { return "lines[" + itoa(lines[i]) + "]" })
	ce, _ = err.(*core.Error)
	if ce == nil {
		t.Fatal("a list with broken lines was accepted")
	}
	got = map[string]string{}
	for _, f := range ce.Fields {
		got[f.Field] = f.Reason
	}
	want := map[string]string{
		"lines[3].category":         "must be one of delegate",
		"lines[3].date_of_birth":    "YYYY-MM-DD",
		"lines[4].name":             "is required",
		"lines[4].sex":              "must be M, F or U",
		"lines[4].nationalities[0]": "ISO 3166",
		"lines[5].ref":              "repeats the reference \"B-1\" of lines[2]",
		"lines[5].passport_number":  "letters and digits",
		"lines[5].passport_country": "issuing country",
	}
	for f, reason := range want {
		if !strings.Contains(got[f], reason) {
			t.Errorf("%s: got %q, want it to say %q", f, got[f], reason)
		}
	}
	if _, bad := got["lines[2].name"]; bad || len(got) != len(want) {
		t.Errorf("errors: %v", got)
	}
	if !strings.Contains(ce.Message, "nothing was imported") {
		t.Errorf("message: %s", ce.Message)
	}
}

func TestCSVHeader(t *testing.T) {
	for body, field := range map[string]string{
		"":                                "lines[1]",
		"category,name,birthday\n":        "lines[1].birthday",
		"name\nAda Okonkwo-Reyes\n":       "lines[1]",
		"category,name\n":                 "lines[2]",
		"category,name\ndelegate,\"Ada\n": "lines[2]",
		"category,name\ndelegate,A\"da\n": "lines[2]",
		"category,name,name\nstaff,a,b\n": "lines[1].name",
	} {
		_, _, err := ParseCSV(strings.NewReader(body))
		ce, _ := err.(*core.Error)
		if ce == nil || len(ce.Fields) == 0 || ce.Fields[0].Field != field {
			t.Errorf("%q: got %v, want an error on %s", body, err, field)
		}
	}
	// Semicolons, as spreadsheets in many locales save CSV.
	as, _, err := ParseCSV(strings.NewReader("category;name;nationalities\nstaff;Ada Okonkwo-Reyes;NG, GB\n"))
	if err != nil || len(as) != 1 || as[0].Name != "Ada Okonkwo-Reyes" {
		t.Fatalf("semicolons: %v %+v", err, as)
	}
	// Limits.
	var big bytes.Buffer
	big.WriteString("category,name\n")
	for big.Len() <= MaxCSVBytes {
		big.WriteString("staff,Ada Okonkwo-Reyes\n")
	}
	if _, _, err := ParseCSV(&big); core.ErrorCode(err) != core.ETOOLARGE {
		t.Fatalf("too large: %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// FuzzParseCSV: whatever the bytes, the parser and the validation answer
// with participants or with field errors naming a line, never a panic,
// and never both.
func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("ref,category,name,date_of_birth\nA,delegate,Ada Okonkwo-Reyes,1980-01-01\n"))
	f.Add([]byte("category;name;other_names\nstaff;عبد الرحيم الفاسي;Abderrahim El Fassi\n"))
	f.Add([]byte("category,name,other_documents\nstaff,\"Ada \"\"O\"\"\",FR:12;ES:34\n"))
	f.Add([]byte("category,name\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ins, lines, err := ParseCSV(bytes.NewReader(data))
		if err != nil {
			if ins != nil {
				t.Fatal("inputs and an error")
			}
			if c := core.ErrorCode(err); c != core.EINVALID && c != core.ETOOLARGE {
				t.Fatalf("code %s", c)
			}
			return
		}
		if len(ins) != len(lines) || len(ins) == 0 {
			t.Fatalf("%d inputs, %d lines", len(ins), len(lines))
		}
		as, err := validate(ins, func(i int) string { return "lines[" + itoa(lines[i]) + "]" })
		if err != nil {
			ce, ok := err.(*core.Error)
			if !ok || (ce.Code == core.EINVALID && len(ce.Fields) == 0) {
				t.Fatalf("error without fields: %v", err)
			}
			for _, f := range ce.Fields {
				if !strings.HasPrefix(f.Field, "lines[") && f.Field != "participants" {
					t.Fatalf("field %q names no line", f.Field)
				}
			}
			return
		}
		for _, a := range as {
			if a.Name == "" || !validText(a.Name) {
				t.Fatalf("accepted name %q", a.Name)
			}
		}
	})
}
