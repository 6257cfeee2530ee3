package bench

import (
	"os"
	"testing"

	"github.com/manara-hub/manara/internal/screen"
)

// TestTyposAlert screens the lists suite's queries from sdn.csv (half
// exact, half with one random edit) at the alert threshold: a one-edit
// typo of a listed name must alert, the more so with the right date of
// birth, and an exact name always.
func TestTyposAlert(t *testing.T) {
	idx, qs := listsIndex(t)
	o := Options{}
	if testing.Verbose() {
		o.Log = os.Stderr
	}
	got := quality(o, idx, qs, listsOnce.byID, screen.DefaultThreshold)
	dob := quality(o, idx, dobQueries(42, listsOnce.ofac, len(qs)/2), listsOnce.byID, screen.DefaultThreshold)
	t.Logf("threshold 0.85: exact %d/%d, one edit %d/%d, one edit with date of birth %d/%d", got.exactOK, got.exactN, got.editOK, got.editN, dob.editOK, dob.editN)
	if float64(got.exactOK) < 0.99*float64(got.exactN) {
		t.Errorf("exact names: %d of %d ranked first at 0.85, want ≥ 99%%", got.exactOK, got.exactN)
	}
	if float64(got.editOK) < 0.90*float64(got.editN) {
		t.Errorf("one-edit names: %d of %d ranked first at 0.85, want ≥ 90%%", got.editOK, got.editN)
	}
	if float64(dob.editOK) < 0.97*float64(dob.editN) {
		t.Errorf("one-edit names with their date of birth: %d of %d ranked first at 0.85, want ≥ 97%%", dob.editOK, dob.editN)
	}
}
