package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestNamesEvalPerClass: pairs that carry a class get precision and
// recall per class, a class of negatives only says it has no recall, and
// a pair without its match is refused with the line and the field.
func TestNamesEvalPerClass(t *testing.T) {
	in := strings.Join([]string{
		`{"a": "Rahmat Kettani", "b": "Rahma Kettani", "match": true, "class": "taa-marbuta-t"}`,
		`{"a": "حياة العلوي", "b": "Hayat Alaoui", "match": true, "class": "taa-marbuta-t"}`,
		`{"a": "Hafsa Bennani", "b": "Hafsi Bennani", "match": false, "class": "short-vowel-apart"}`,
		`{"a": "Hafsa Bennani", "b": "Hafsa Bennani", "match": true}`,
	}, "\n")
	var out bytes.Buffer
	if err := namesEval(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(out.String()), " ") // spacing aside
	for _, want := range []string{
		"pairs 4",
		"precision 1.000 recall 1.000",
		"taa-marbuta-t 2 pairs precision 1.000 recall 1.000 (fp 0 fn 0)",
		"short-vowel-apart 1 pairs precision — recall — (fp 0 fn 0)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("eval output lacks %q:\n%s", want, got)
		}
	}
	err := namesEval(strings.NewReader(in+"\n"+`{"a": "Saadia Tazi", "b": "Sa'dia Tazi", "class": "ayn-hamza"}`), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "line 5") || !strings.Contains(err.Error(), `"match" is required`) {
		t.Errorf("a pair without match: %v, want line 5 and the field named", err)
	}
}

// FuzzReadPair: any line gets a pair or an error, never a panic, and a
// pair it accepts has both names.
func FuzzReadPair(f *testing.F) {
	f.Add([]byte(`{"a": "Rahmat Kettani", "b": "Rahma Kettani", "match": true, "class": "taa-marbuta-t"}`))
	f.Add([]byte(`{"a": "x", "b": "y", "script": "Han", "note": "n"}`))
	f.Add([]byte(`{"a": null}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, needMatch := range []bool{false, true} {
			p, err := readPair(line, needMatch)
			if err != nil {
				continue
			}
			if p.A == nil || p.B == nil || (needMatch && p.Match == nil) {
				t.Fatalf("accepted %q without its fields: %+v", line, p)
			}
		}
	})
}
