package api_test

import (
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestScreeningTypingErrors: through the API, on both stores, a one-edit
// typo of a listed person's name alerts at the default threshold (0.85)
// when the rest of the name agrees, and says why; a listed name one letter
// from another is a different person unless the date of birth agrees.
func TestScreeningTypingErrors(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			owner := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			karim := f.createRecord(t, owner, map[string]any{"kind": "person", "releasability": map[string]any{"mode": "all"},
				"data": map[string]any{"given_names": "Karim", "family_name": "Tazi", "date_of_birth": "1984-03-07"}}).ID
			f.createRecord(t, owner, map[string]any{"kind": "person", "releasability": map[string]any{"mode": "all"},
				"data": map[string]any{"given_names": "Karin", "family_name": "Benali"}})
			hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karim Taxzi"}, fr))
			if len(hs) != 1 || hs[0].RecordID != karim || hs[0].Score < 0.85 || !strings.Contains(strings.Join(hs[0].Explanation, " "), "typing error") {
				t.Errorf("Karim Taxzi: want an alert on Karim Tazi as a typing error, got %+v", hs)
			}
			if hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karin Tazi"}, fr)); len(hs) != 0 {
				t.Errorf("Karin Tazi (a listed given name): alerted on %+v", hs)
			}
			hs = hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": "Karin Tazi", "date_of_birth": "1984-03-07"}, fr))
			if len(hs) != 1 || hs[0].RecordID != karim {
				t.Errorf("Karin Tazi born 1984-03-07: want an alert on Karim Tazi, got %+v", hs)
			}
		})
	}
}
