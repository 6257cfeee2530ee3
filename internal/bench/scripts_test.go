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
