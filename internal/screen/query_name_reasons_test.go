package screen

import (
	"errors"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// What a person query's name is refused with is names.Unsearchable's
// reason (exact in internal/names); here, that it reaches the 422 on the
// name, and that a name typed in full-width Latin letters is screened.
func TestPersonQueryNameReasons(t *testing.T) {
	for name, want := range map[string]string{
		"123 ᚠᚢᚦ":  "has no name part to search: only digits and letters of a script screening does not read (Runic); give the name in Latin letters",
		"4711 bin": "has no name part to search: only digits and particles, articles or initials (bin)",
		"Ⅻ":        "has no name part to search: only digits",
		"ＺＥＬＤＡ ＱＵＩＬＬＦＥＡＴＨＥＲ": "",
	} {
		q := PersonQuery{Name: name}
		err := q.Validate()
		var got string
		if err != nil {
			var e *core.Error
			if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "name" {
				t.Errorf("%q: %v", name, err)
				continue
			}
			got = e.Fields[0].Reason
		}
		if got != want {
			t.Errorf("%q:\n got %q\nwant %q", name, got, want)
		}
	}
}
