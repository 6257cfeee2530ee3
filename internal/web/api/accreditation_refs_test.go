package api_test

import (
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestRefAlreadyAccreditedNamesTheLine: `ref` is "unique in the
// gathering", and a refused list reports "every broken line's error —
// lines[7].date_of_birth (CSV line numbers, the header is line 1)". A
// second list reusing a badge number of the first is refused, but with
// the bare field "ref": the unit is not told which of its lines (here
// line 3) holds the number already accredited.
func TestRefAlreadyAccreditedNamesTheLine(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		host := f.user(t, "MA", core.RoleOfficer)
		r := f.do(t, "POST", "/api/v1/gatherings", gatheringBody(), host)
		if r.Status != 201 {
			t.Fatalf("create gathering: %s", r)
		}
		gid := jsonField(r, "id").(string)
		if r = importCSV(t, f, host, gid, "ref,category,name\nB-1,delegate,Marguerite Oyelaran\n"); r.Status != 201 {
			t.Fatalf("first list: %s", r)
		}
		r = importCSV(t, f, host, gid, "ref,category,name\nB-7,staff,Ruben Castellano Ibarra\nB-1,journalist,Lin Weiqiao\n")
		wantProblem(t, r, 422, core.EINVALID, "lines[3].ref")
	})
}
