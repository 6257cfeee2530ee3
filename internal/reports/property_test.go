package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestExportReleasabilityProperty: random indicator records with random
// releasability; every viewer's STIX and CSV exports hold exactly the
// records the access decision lets it see.
func TestExportReleasabilityProperty(t *testing.T) {
	b := storetest.Backends(t)[0]
	s := newService(t, b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	countries := []string{"MA", "FR", "ES", "DE", "TN"}
	officer := func(c string) core.Viewer {
		return core.Viewer{Bureau: c, Role: core.RoleOfficer, UserID: "u-" + c, Permissions: core.RolePermissions(core.RoleOfficer)}
	}
	var all []*core.Record
	for i := range 40 {
		owner := countries[rng.IntN(len(countries))]
		var rel core.Releasability
		switch rng.IntN(3) {
		case 0:
			rel = core.Releasability{Mode: core.ReleaseAll}
		case 1:
			rel = core.Releasability{Mode: core.ReleaseOnly, Countries: []string{countries[rng.IntN(len(countries))], owner}}
		default:
			rel = core.Releasability{Mode: core.ReleaseExcept, Countries: []string{countries[rng.IntN(len(countries))]}}
		}
		line := fmt.Sprintf("type,value,releasability,countries\nphone,+2126%08d,%s,%s\n", 10000000+i, rel.Mode, strings.Join(rel.Countries, " "))
		inds, err := ParseCSV([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := s.Import(ctx, officer(owner), inds)
		if err != nil {
			t.Fatalf("import %q as %s: %v", line, owner, err)
		}
		all = append(all, recs...)
	}
	for _, c := range countries {
		for _, role := range []string{core.RoleAnalyst, core.RoleOfficer} {
			v := core.Viewer{Bureau: c, Role: role, UserID: "v", Permissions: core.RolePermissions(role)}
			var want []string
			for _, r := range all {
				if access.CanSee(v, r) {
					want = append(want, r.ID)
				}
			}
			var buf bytes.Buffer
			if _, err := s.ExportSTIX(ctx, v, &buf); err != nil {
				t.Fatal(err)
			}
			var bundle Bundle
			json.Unmarshal(buf.Bytes(), &bundle)
			var got []string
			for _, o := range bundle.Objects {
				if o["type"] == "indicator" {
					got = append(got, strings.TrimPrefix(o["id"].(string), "indicator--"))
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: STIX export has %d records, the access decision allows %d", c, role, len(got), len(want))
			}
			buf.Reset()
			n, err := s.ExportCSV(ctx, v, &buf)
			if err != nil || n != len(want) {
				t.Errorf("%s %s: CSV export has %d records (%v), want %d", c, role, n, err, len(want))
			}
		}
	}
}
