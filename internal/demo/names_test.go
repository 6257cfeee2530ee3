package demo

import "testing"

// TestDisplayNamesInTheBureausLanguage: a demo user is named by its role
// and bureau in its bureau's language, not in English for all.
func TestDisplayNamesInTheBureausLanguage(t *testing.T) {
	for _, c := range []struct{ bureau, role, want string }{
		{"MA", "officer", "ضابط · المكتب المركزي الوطني - المغرب"},
		{"FR", "analyst", "Analyste · BCN France"},
		{"ES", "supervisor", "Supervisor · OCN España"},
		{"BR", "officer", "Officer · NCB Brazil"},
	} {
		if got := displayName(c.bureau, c.role); got != c.want {
			t.Errorf("displayName(%s, %s) = %q, want %q", c.bureau, c.role, got, c.want)
		}
	}
}
