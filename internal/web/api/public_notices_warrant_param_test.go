package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestYellowListDoesNotRevealOwner: a Yellow Notice's public extract
// does not say which bureau requested it (the detail shows the
// disappearance's country, not the owner), and arrestWarrantCountryId is a
// parameter of the Red list only (notices.go: publicArrestParam is given
// to /notices/v1/red alone). Applied to another type, warrantCountries'
// fallback to the record's owner would answer, to anyone, which bureau
// asked for each missing person: outside the Red list it is refused, a
// 422 naming it.
func TestYellowListDoesNotRevealOwner(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			f.Server.PublicRate = 1000
			ma := f.user(t, "MA", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			f.publish(t, ma, rev, "yellow", validData("yellow"), map[string]any{"public_extract": true})
			total := func(country string) (int, int) {
				res, err := http.Get(f.URL + "/notices/v1/yellow?arrestWarrantCountryId=" + country)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				var out struct{ Total int }
				json.NewDecoder(res.Body).Decode(&out)
				return res.StatusCode, out.Total
			}
			sMA, nMA := total("MA")
			sDE, nDE := total("DE")
			if sMA == 200 && sDE == 200 && nMA != nDE {
				t.Errorf("the public yellow list filtered by arrestWarrantCountryId tells the requesting bureau: MA → %d notices, DE → %d", nMA, nDE)
			}
			for _, path := range []string{"/notices/v1/yellow", "/notices/v1/un/persons", "/notices/v1/un/entities"} {
				wantProblem(t, f.do(t, "GET", path+"?arrestWarrantCountryId=MA", nil, nil), 422, core.EINVALID, "arrestWarrantCountryId")
			}
			if r := f.do(t, "GET", "/notices/v1/red?arrestWarrantCountryId=MA", nil, nil); r.Status != 200 {
				t.Errorf("the red list's own parameter: %s", r)
			}
		})
	}
}
