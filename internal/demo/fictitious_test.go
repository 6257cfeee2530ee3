package demo

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// realOfficials are real, living (or recently living) people named in public
// sources about the project's field: heads of police services, of INTERPOL
// and of ministries that oversee them. None may appear as the subject of
// anything in the product; the demo, the README, the docs and the tests use
// invented people only. Each entry is matched after folding case and
// diacritics; a surname that is also a common word is listed with its
// given name only.
var realOfficials = []string{
	"hammouchi", "حموشي",
	"laftit", "لفتيت",
	"akhannouch", "أخنوش",
	"dkhissi", "الدخيسي",
	"urquiza",
	"al-raisi", "alraisi", "ahmed naser al", "الريسي",
	"jurgen stock",
	"kim jong yang",
	"meng hongwei",
	"ronald noble",
	"catherine de bolle",
	"christopher wray",
	"kash patel",
}

// fold lowers and strips diacritics, so "Jürgen" is "jurgen".
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

func deniedIn(text string) string {
	f := fold(text)
	for _, name := range realOfficials {
		if strings.Contains(f, fold(name)) {
			return name
		}
	}
	return ""
}

// TestOnlyFictitiousPeople fails if a real official's name appears in the
// repository's text (README, docs, code, tests, templates, catalogs) or in
// the data the demo generates.
func TestOnlyFictitiousPeople(t *testing.T) {
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found from %s: %v", root, err)
	}
	self, _ := filepath.Abs("fictitious_test.go")
	scanned := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "manara-data" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".md", ".json", ".html", ".tmpl", ".js", ".css", ".csv", ".txt", ".yaml", ".yml":
		default:
			return nil
		}
		if abs, _ := filepath.Abs(path); abs == self {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned++
		for i, line := range strings.Split(string(b), "\n") {
			if name := deniedIn(line); name != "" {
				t.Errorf("%s:%d names a real official (%q): use an invented person", path, i+1, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 50 {
		t.Fatalf("only %d files scanned: the walk missed the repository", scanned)
	}

	st := storetest.OpenSQLite(t)
	o := Options{Seed: Defaults.Seed, RecordsPerBureau: 12, NoticesPerBureau: 9}
	if _, err := Load(context.Background(), st, auth.NewService(st), records.New(st), o); err != nil {
		t.Fatal(err)
	}
	n := 0
	st.View(context.Background(), func(tx core.Tx) error {
		rs, err := tx.ListRecords(core.RecordFilter{Visible: core.Visibility{SeeAll: true}, Limit: 10000})
		for _, r := range rs {
			n++
			if name := deniedIn(string(r.Data)); name != "" {
				t.Errorf("demo record %s names a real official (%q)", r.ID, name)
			}
		}
		return err
	})
	if n == 0 {
		t.Fatal("the demo made no records")
	}
}

// TestDenyListCatches keeps the deny-list honest: folded spellings of a
// listed name are caught, an invented one is not.
func TestDenyListCatches(t *testing.T) {
	for _, s := range []string{"HAMMOUCHI Abdelatif", "Jürgen Stock", "عبد اللطيف حموشي"} {
		if deniedIn(s) == "" {
			t.Errorf("%q not caught", s)
		}
	}
	if name := deniedIn("Abdellatif Kharroubi عبد اللطيف خروبي"); name != "" {
		t.Errorf("invented name caught as %q", name)
	}
}
