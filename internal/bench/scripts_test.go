package bench

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFixtureNegativesAreScreened validates every name of the negative
// fixtures as a screening query: a name in any script must be screened,
// not refused (a refused name would also be left out of the false-alert
// count).
func TestFixtureNegativesAreScreened(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpora", "screening-fixtures")
	if _, err := os.Stat(filepath.Join(dir, "negatives_global.csv")); err != nil {
		t.Skipf("the screening fixtures are not at %s: %v", dir, err)
	}
	var all []string
	for _, f := range []string{"negatives_global.csv", "negatives_us.csv"} {
		negs, err := loadFixtures(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range negs {
			all = append(all, n.name)
		}
	}
	refused := 0
	for _, c := range refusalsByScript(all) {
		t.Logf("%-12s %6d names, %5d refused %q", c.Script, c.Names, c.Refused, c.RefusedExamples)
		refused += c.Refused
	}
	if refused > 0 {
		t.Errorf("%d of %d negative names refused as screening queries", refused, len(all))
	}
}

// TestEvalScriptRankOne measures rank 1 per script on the native ~ Latin
// pairs of eval/names-scripts-dev.jsonl, both ways (the rows of manara
// bench --suite lists). It logs every row, and fails where a script is
// under 95% at rank 1, at scriptRankThreshold or at the alert threshold,
// in either direction.
func TestEvalScriptRankOne(t *testing.T) {
	o := Options{Corpora: filepath.Join("..", "..", "..", "shared", "corpora")}
	if testing.Verbose() {
		o.Log = os.Stderr
	}
	pairs, err := loadScriptPairs(scriptPairsPath(o))
	if err != nil {
		t.Skipf("the native ~ Latin pairs: %v", err)
	}
	for _, r := range evalScriptRankOne(o, pairs) {
		t.Logf("%s | %s | %s", r.Dataset, r.Metric, r.Value)
		if r.Met != "yes" {
			t.Errorf("%s, %s: %s, target %s at both thresholds", r.Dataset, r.Metric, r.Value, r.Target)
		}
	}
}
