package screen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestUnalignableLeftOutChangesNoAnswer screens listed names, their
// typing errors and invented names on no list at the alert threshold,
// with and without the candidates the first cut shows can never be
// aligned: the answers must be the same, hit for hit and score for score.
// Leaving them out is a saving only (retrieve).
func TestUnalignableLeftOutChangesNoAnswer(t *testing.T) {
	sdn := loadSDN(t)
	x := New()
	for _, n := range sdn {
		x.Put(personRecord(n))
	}
	rng := rand.New(rand.NewPCG(7, 13))
	var qs []string
	for range 1500 {
		n := sdn[rng.IntN(len(sdn))]
		qs = append(qs, n, edit(rng, n))
	}
	// Invented people on no list: a given name and a family name or two,
	// of the kinds a border post screens.
	given := []string{"Waida", "Yeni", "Erna", "Eric", "Mira", "Tomas", "Ilse", "Kwame", "Ana Lucia", "Hamid", "Soraya", "Jun", "Leila"}
	family := []string{"Triya Anand", "Elvira Badillo", "Steffensen", "James Arias", "Okonkwo", "Van der Berg", "Haddad", "Petrov", "Nakamura", "Ben Salem", "Quintavalle"}
	for _, g := range given {
		for _, f := range family {
			qs = append(qs, g+" "+f)
		}
	}
	v := core.Viewer{Bureau: "FR", Permissions: []string{core.PermScreen}}
	answer := func(q string) string {
		hits, err := x.ScreenPerson(v, PersonQuery{Name: q, Limit: 10})
		if err != nil {
			return err.Error()
		}
		out := make([]string, len(hits))
		for i, h := range hits {
			out[i] = fmt.Sprintf("%s %.3f %s", h.RecordID, h.Score, h.Matched)
		}
		return fmt.Sprint(out)
	}
	var hits int
	for _, q := range qs {
		x.secondCutAll = false
		got := answer(q)
		x.secondCutAll = true
		want := answer(q)
		if got != want {
			t.Errorf("%q: leaving out the unalignable candidates answers %s, keeping them %s", q, got, want)
		}
		if !slices.Contains([]string{"[]", ""}, got) {
			hits++
		}
	}
	if hits < len(qs)/3 {
		t.Errorf("only %d of %d queries alerted: the test no longer screens what it means to", hits, len(qs))
	}
}
