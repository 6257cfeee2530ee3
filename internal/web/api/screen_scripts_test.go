package api_test

import (
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestScreeningEveryScript screens names written in Han, Hangul, kana,
// Devanagari, Thai and Hebrew against records holding their Latin
// spelling, and the reverse (before, each was refused with 422 "has no
// name part to search"); a name with nothing to search is refused with
// what it holds. All persons are invented.
func TestScreeningEveryScript(t *testing.T) {
	pairs := []struct{ native, given, family string }{
		{"王志远", "Zhiyuan", "Wang"},
		{"김서윤", "Seo-yun", "Kim"},
		{"ナカジマ ユウタ", "Yuta", "Nakajima"},
		{"विकास त्रिपाठी", "Vikas", "Tripathi"},
		{"สมชาย ทองดี", "Somchai", "Thongdee"},
		{"דניאל אזולאי", "Daniel", "Azoulay"},
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := screenFixture(t, b)
			owner := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr := f.key(t, "FR", core.PermScreen)
			latinIDs := map[string]string{}
			nativeIDs := map[string]string{}
			for _, p := range pairs {
				latinIDs[p.native] = f.createRecord(t, owner, map[string]any{"kind": "person", "releasability": map[string]any{"mode": "all"},
					"data": map[string]any{"given_names": p.given, "family_name": p.family}}).ID
			}
			for _, p := range pairs {
				hs := hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": p.native}, fr))
				if len(hs) == 0 || hs[0].RecordID != latinIDs[p.native] {
					t.Errorf("%s: want the record of %s %s first, got %+v", p.native, p.given, p.family, hs)
				}
			}
			// The reverse: the record holds the native spelling only.
			g := screenFixture(t, b)
			owner = g.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
			fr = g.key(t, "FR", core.PermScreen)
			for _, p := range pairs {
				nativeIDs[p.native] = g.createRecord(t, owner, map[string]any{"kind": "person", "releasability": map[string]any{"mode": "all"},
					"data": map[string]any{"family_name": p.native}}).ID
			}
			for _, p := range pairs {
				hs := hitsOf(t, g.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": p.given + " " + p.family}, fr))
				if len(hs) == 0 || hs[0].RecordID != nativeIDs[p.native] {
					t.Errorf("%s %s: want the record of %s first, got %+v", p.given, p.family, p.native, hs)
				}
			}
			// Nothing to search: the reason says what the name holds.
			for name, want := range map[string]string{"12345": "only digits", "--- ...": "only punctuation", "al bin": "only particles"} {
				p := wantProblem(t, g.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": name}, fr), 422, "invalid", "name")
				found := false
				for _, e := range p.Errors {
					found = found || (e.Field == "name" && strings.Contains(e.Reason, want))
				}
				if !found {
					t.Errorf("%q: want a reason saying %q, got %+v", name, want, p.Errors)
				}
			}
		})
	}
}
