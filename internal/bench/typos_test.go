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

// TestTyposAlertAcrossSeeds: the figures of TestTyposAlert hold for other
// draws than the bench's seed, pooled over twenty of them (10,000 one-edit
// names alone and 10,000 with the listed date of birth): a matcher tuned
// to one draw would not.
func TestTyposAlertAcrossSeeds(t *testing.T) {
	idx, _ := listsIndex(t)
	d := typoDraws(idx, listsOnce.ofac, listsOnce.byID)
	t.Logf("seeds 1–20 at 0.85: one edit %d/%d (worst draw %.1f%%), with date of birth %d/%d (worst draw %.1f%%)",
		d.names.editOK, d.names.editN, 100*d.worstNames, d.dob.editOK, d.dob.editN, 100*d.worstDOB)
	if float64(d.names.editOK) < 0.90*float64(d.names.editN) {
		t.Errorf("one-edit names: %d of %d ranked first at 0.85, want ≥ 90%%", d.names.editOK, d.names.editN)
	}
	if float64(d.dob.editOK) < 0.97*float64(d.dob.editN) {
		t.Errorf("one-edit names with their date of birth: %d of %d ranked first at 0.85, want ≥ 97%%", d.dob.editOK, d.dob.editN)
	}
}

// TestListedNamesAlert screens every name of sdn.csv as written at the
// alert threshold: each must rank its own entry, or one listed under the
// very same name, first. Exact names that start with titles and particles
// (Mufti Abdul Rahim, Haji Abdul Basir) or whose sound key many names
// share were not aligned at all, and names with no part to search by
// (MS-13, P-532) were refused.
func TestListedNamesAlert(t *testing.T) {
	idx, _ := listsIndex(t)
	var qs []query
	for _, e := range listsOnce.ofac {
		qs = append(qs, query{name: e.name, want: e, exact: true})
	}
	o := Options{}
	if testing.Verbose() {
		o.Log = os.Stderr
	}
	got := quality(o, idx, qs, listsOnce.byID, screen.DefaultThreshold)
	t.Logf("threshold 0.85: %d of %d listed names rank their entry first", got.exactOK, got.exactN)
	if float64(got.exactOK) < 0.999*float64(got.exactN) {
		t.Errorf("%d of %d listed names rank their entry first at 0.85, want ≥ 99.9%%", got.exactOK, got.exactN)
	}
}
