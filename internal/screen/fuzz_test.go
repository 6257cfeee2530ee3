package screen

import (
	"math"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// FuzzScreenPerson screens arbitrary queries (name, date of birth,
// threshold, a kind of record that may answer) against an index of
// invented persons and an entity in several scripts, a name part longer
// than the alignment's buffers among them: a query is refused as invalid
// or answered, never a panic, every answer's score is a number in [0, 1],
// and a kind asked for is the kind of every visible answer.
func FuzzScreenPerson(f *testing.F) {
	x := New()
	for _, n := range []string{"Omar " + strings.Repeat("abdelrahmanovich", 3), "عبد اللطيف خروبي", "王小明", "김민수", "Kim Min-soo",
		"Jean-Baptiste Dupont", "Николай Петров", "राहुल शर्मा", "יוסף לוי", "Bel Hadj Mohamed", "Zhang Wei"} {
		x.Put(rec(core.KindPerson, "FR", all, map[string]any{"name": n, "date_of_birth": "1970"}))
	}
	x.Put(rec(core.KindPerson, "MA", frOnly, map[string]any{"name": "Karim Benali"}))
	x.Put(rec(core.KindEntity, "FR", all, map[string]any{"name": "Zhang Wei Trading"}))
	for _, s := range []string{"Omar Abdelrahmanovich", "Omar " + strings.Repeat("x", 70), "عبد اللطيف", "王 小明", "김 민수", "Kim Minsu",
		"Dupont", "", "P-52", "\u0640\u0640", "Karim Benali", "ﷺ", "a b c d e f g h i j k l m n o p q r s t u v w x y z"} {
		f.Add(s, "1970", 0.0, "")
		f.Add(s, "", 0.3, core.KindPerson)
	}
	f.Add("Zhang Wei", "1970-13-45", math.NaN(), "")
	f.Add("Zhang Wei", "", -1.0, core.KindEntity)
	f.Add("Zhang Wei", "", 0.0, "vessel")
	f.Fuzz(func(t *testing.T, name, dob string, threshold float64, kind string) {
		var kinds []string
		if kind != "" {
			kinds = []string{kind}
		}
		for _, v := range []core.Viewer{officer("ES"), officer("MA")} {
			hits, err := x.ScreenPerson(v, PersonQuery{Name: name, DateOfBirth: dob, Threshold: threshold, Limit: 5, Kinds: kinds})
			if err != nil {
				if core.ErrorCode(err) != core.EINVALID {
					t.Fatalf("%q %q %v: %v, want an invalid query or an answer", name, dob, threshold, err)
				}
				continue
			}
			for _, h := range hits {
				if math.IsNaN(h.Score) || h.Score < 0 || h.Score > 1 {
					t.Fatalf("%q: score %v", name, h.Score)
				}
				if kind != "" && !h.Restricted && h.Kind != kind {
					t.Fatalf("%q, kinds [%q]: a %s answered", name, kind, h.Kind)
				}
			}
		}
	})
}
