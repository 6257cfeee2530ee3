package bench

import (
	"path/filepath"
	"testing"
)

// TestScreeningQuality measures, in process and without the HTTP passes
// of manara bench, the screening rows a change to the name matcher can
// move: the UN's Arabic-script names found at rank 1 and matched to their
// own Latin names, relatives not taken for each other, the treated UN
// positives found, and false alerts on the 100,000 negatives. The rows
// are those of manara bench --suite lists,fixtures; the test fails where
// a row misses its target.
func TestScreeningQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("screens the 100,000 negatives: not with -short")
	}
	idx, _ := listsIndex(t)
	corpora := filepath.Join("..", "..", "..", "shared", "corpora")
	un, err := loadUN(corpora)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Corpora: corpora}
	rows := crossScript(idx, un, listsOnce.byID)
	rows = append(rows, unPairs(un)...)
	fx, err := fixtures(o, idx, un)
	if err != nil {
		t.Fatal(err)
	}
	rows = append(rows, fx...)
	for _, r := range rows {
		t.Logf("%s | %s | %s | %s", r.Dataset, r.Metric, r.Value, r.Target)
		if r.Met == "no" {
			t.Errorf("%s, %s: %s, target %s", r.Dataset, r.Metric, r.Value, r.Target)
		}
	}
}
