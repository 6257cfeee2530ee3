package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/screen"
)

// TestDumpAnswers writes every answer of the query path to the file named
// by MANARA_DUMP_ANSWERS, one line per hit, for diffing a change that must
// keep answers identical (a faster path): the sdn.csv queries (at the alert
// threshold and as investigations), their one-edit typos with a date of
// birth, the UN Arabic-script names, and 10,000 names of each negatives
// file plus all the positives, alone and with the fixture's date of birth
// and nationality.
func TestDumpAnswers(t *testing.T) {
	path := os.Getenv("MANARA_DUMP_ANSWERS")
	if path == "" {
		t.Skip("MANARA_DUMP_ANSWERS names no file")
	}
	idx, qs := listsIndex(t)
	corpora := filepath.Join("..", "..", "..", "shared", "corpora")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	defer w.Flush()
	n := 0
	ask := func(q screen.PersonQuery) {
		n++
		hits, err := idx.ScreenPerson(viewer, q)
		fmt.Fprintf(w, "Q %q dob=%s nat=%s t=%.2f err=%v\n", q.Name, q.DateOfBirth, q.Nationality, q.Threshold, err)
		for _, h := range hits {
			e := listsOnce.byID[h.RecordID]
			fmt.Fprintf(w, "  %s:%s %.3f r=%v %q %q %s\n", e.source, e.sourceID, h.Score, h.Restricted, h.Matched, h.MatchedWritten, strings.Join(h.Explanation, " | "))
		}
	}
	for _, q := range qs {
		ask(screen.PersonQuery{Name: q.name, Limit: 10})
		ask(screen.PersonQuery{Name: q.name, Limit: 10, Threshold: 0.01})
	}
	for _, q := range dobQueries(42, listsOnce.ofac, 500) {
		ask(screen.PersonQuery{Name: q.name, DateOfBirth: q.dob, Limit: 10})
	}
	un, err := loadUN(corpora)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range un {
		if e.kind == "individual" && hasArabic(e.original) {
			ask(screen.PersonQuery{Name: e.original, Limit: 10})
			ask(screen.PersonQuery{Name: e.original, Threshold: 0.5, Limit: 10})
		}
	}
	for _, file := range []string{"negatives_global.csv", "negatives_us.csv", "positives_un_treated.csv", "positives_un_untreated.csv", "positives_us_congress_untreated.csv"} {
		fx, err := loadFixtures(filepath.Join(corpora, "screening-fixtures", file))
		if err != nil {
			t.Fatal(err)
		}
		if len(fx) > 10_000 {
			fx = fx[:10_000]
		}
		for _, x := range fx {
			ask(screen.PersonQuery{Name: x.name, Limit: 10})
			if x.dob != "" || x.nationality != "" {
				q := screen.PersonQuery{Name: x.name, DateOfBirth: x.dob, Nationality: x.nationality, Limit: 10}
				if (&screen.PersonQuery{Name: "x", Nationality: x.nationality}).Validate() != nil {
					q.Nationality = "" // the fixtures write some as country names
				}
				ask(q)
			}
		}
	}
	t.Logf("%d queries answered into %s", n, path)
}
