package screen

import (
	"encoding/json"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// A hit described through Descriptions is described as Hit.Describe
// describes it, whether the record is decoded or kept; a record whose
// version or content changed is decoded again; what a hit is given is its
// own.
func TestDescriptions(t *testing.T) {
	x := New()
	r := rec(core.KindPerson, "MA", all, map[string]any{"given_names": "Abdellatif", "family_name": "Kharroubi",
		"aliases": []string{"Abdul Latif Kharubi", "Abd al-Latif al-Kharrubi"}, "date_of_birth": "1966-02-03", "nationalities": []string{"MA", "FR"}})
	x.Put(r)
	screenOne := func(name string) Hit {
		t.Helper()
		hs, err := x.ScreenPerson(officer("ES"), PersonQuery{Name: name})
		if err != nil || len(hs) != 1 {
			t.Fatalf("%s: %v %v", name, hs, err)
		}
		return hs[0]
	}
	var d Descriptions
	for _, q := range []string{"Abd al-Latif al-Kharrubi", "Abdul Latif Kharubi", "Abd al-Latif al-Kharrubi"} {
		plain, kept := screenOne(q), screenOne(q)
		plain.Describe(r)
		d.Describe(&kept, r)
		a, _ := json.Marshal(plain)
		b, _ := json.Marshal(kept)
		if string(a) != string(b) || plain.ForOwner().MatchedWritten != kept.ForOwner().MatchedWritten {
			t.Fatalf("%s: described\n%s\nthrough Descriptions\n%s", q, a, b)
		}
		if kept.MatchedWritten == "" || kept.DateOfBirth != "1966-02-03" || len(kept.Nationalities) != 2 {
			t.Fatalf("%s: matched %q, born %q, nationalities %v", q, kept.MatchedWritten, kept.DateOfBirth, kept.Nationalities)
		}
		kept.Nationalities[0] = "XX" // the hit's own: no later hit sees it
	}
	// The same version with other content (a store that rewrote it), then
	// a new version: each is read again.
	for i, data := range []map[string]any{
		{"given_names": "Abdellatif", "family_name": "Kharroubi", "aliases": []string{"Abd al-Latif al-Kharrubi"}, "date_of_birth": "1970"},
		{"given_names": "Abdellatif", "family_name": "Kharroubi", "aliases": []string{"Abd al-Latif al-Kharrubi"}, "date_of_birth": "1971"},
	} {
		changed := *r
		changed.Data, _ = json.Marshal(data)
		changed.Version += int64(i)
		h := screenOne("Abd al-Latif al-Kharrubi")
		d.Describe(&h, &changed)
		if want := data["date_of_birth"]; h.DateOfBirth != want || h.Nationalities != nil {
			t.Fatalf("version %d: born %q, nationalities %v; want %q and none", changed.Version, h.DateOfBirth, h.Nationalities, want)
		}
	}
	// Another record's hit is not described from this one.
	h := screenOne("Abdul Latif Kharubi")
	other := *r
	other.ID = "another"
	d.Describe(&h, &other)
	if h.DateOfBirth != "" || h.MatchedWritten != "" {
		t.Fatalf("described from another record: %+v", h)
	}
}
