package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// realOfficials are real, living (or recently living) people named in
// public sources about the project's field: heads of police services, of
// INTERPOL and of ministries that oversee them. None may appear as the
// subject of anything in the product; the demo, the README, the docs and
// the tests use invented people only. So that this guard does not itself
// write their names into the repository, each is kept as the first 12
// bytes of the SHA-256 of its folded words joined by one space (see
// nameHash); a surname that is also a common word is listed with its given
// name. To add one: go run a three-line program printing
// nameHash(strings.Join(words(name), " ")).
var realOfficials = hashSet(
	"4d0b89ac1042a090ac21a246", // 1 words
	"bbe50d79c8a0e1c5acf42558", // 1 words
	"36ddf31c0320ef6494785400", // 1 words
	"12e8dab76d381fa93c4de3b1", // 1 words
	"37af80c66a196e432fa4bb4a", // 1 words
	"1153267bb0b1f641f45f7e25", // 1 words
	"efabd23465fb467e592637ed", // 1 words
	"e90ba398515e37198670db99", // 1 words
	"6612328cef742921be812e91", // 1 words
	"a456583e6ffdc660c037a4e7", // 2 words
	"8f1ea5218deeb8fbacb4cc61", // 1 words
	"a232b9ff24215201fd8c1e0a", // 3 words
	"a748c7f14397be532e064488", // 1 words
	"c75fd5af05753c0896b8ca52", // 2 words
	"fa832035f0d1243efa84f0a6", // 3 words
	"1b5fce44849ddb81870fa565", // 2 words
	"9413845c49d396df8133834f", // 2 words
	"dd2f04424cb397e2ecbc245a", // 3 words
	"5f96a8331692beb6df33f985", // 2 words
	"d4cd092fc9c4bfe0e740032c", // 2 words
)

// maxWords is the longest entry, in words: the windows of text compared.
const maxWords = 3

func hashSet(hs ...string) map[string]bool {
	m := make(map[string]bool, len(hs))
	for _, h := range hs {
		m[h] = true
	}
	return m
}

func nameHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:12])
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

// words are the folded letters-and-digits runs of s.
func words(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// deniedIn returns the words of text that name a real official, or "".
func deniedIn(text string) string { return deniedBy(realOfficials, text) }

// deniedBy looks for any window of one to maxWords consecutive words of
// text whose hash is in set.
func deniedBy(set map[string]bool, text string) string {
	ws := words(text)
	for i := range ws {
		for n := 1; n <= maxWords && i+n <= len(ws); n++ {
			if w := strings.Join(ws[i:i+n], " "); set[nameHash(w)] {
				return w
			}
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

// TestDenyListCatches keeps the deny-list honest on an invented name
// listed the same way: folded spellings of it are caught, another invented
// name is not; and every real entry is a hash, not a name.
func TestDenyListCatches(t *testing.T) {
	invented := hashSet(nameHash("zoubida fictivaoui"), nameHash("زبيدة"))
	for _, s := range []string{"FICTIVAOUI Zoubida, née ZOUBIDA Fictivaouï", "Mme Zoubida-Fictivaoui", "السيدة زبيدة"} {
		if deniedBy(invented, s) == "" {
			t.Errorf("%q not caught", s)
		}
	}
	if name := deniedBy(invented, "Abdellatif Kharroubi عبد اللطيف خروبي"); name != "" {
		t.Errorf("invented name caught as %q", name)
	}
	if name := deniedIn("Abdellatif Kharroubi عبد اللطيف خروبي"); name != "" {
		t.Errorf("invented name caught as %q", name)
	}
	for h := range realOfficials {
		if _, err := hex.DecodeString(h); err != nil || len(h) != 24 {
			t.Errorf("entry %q is not a 12-byte hex hash", h)
		}
	}
}
