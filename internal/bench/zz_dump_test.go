package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/manara-hub/manara/internal/screen"
)

func TestDumpAnswers(t *testing.T) {
	out := os.Getenv("DUMP")
	if out == "" {
		t.Skip()
	}
	idx, qs := listsIndex(&testing.B{})
	corpora := filepath.Join("..", "..", "..", "shared", "corpora")
	var qnames []string
	for _, q := range qs {
		qnames = append(qnames, q.name)
	}
	un, _ := loadUN(corpora)
	for _, e := range un {
		if e.original != "" {
			qnames = append(qnames, e.original)
		}
	}
	for _, f := range []string{"negatives_global.csv", "negatives_us.csv", "positives_un_treated.csv", "positives_un_untreated.csv"} {
		fx, _ := loadFixtures(filepath.Join(corpora, "screening-fixtures", f))
		for i, n := range fx {
			if i < 10000 {
				qnames = append(qnames, n.name)
			}
		}
	}
	f, _ := os.Create(out)
	defer f.Close()
	for _, n := range qnames {
		hits, _ := idx.ScreenPerson(viewer, screen.PersonQuery{Name: n, Limit: 10})
		fmt.Fprintf(f, "%q", n)
		for _, h := range hits {
			fmt.Fprintf(f, " %s:%.3f", h.Label, h.Score)
		}
		fmt.Fprintln(f)
	}
}
