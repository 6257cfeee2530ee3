package lang

import "testing"

func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{"ar-MA,ar;q=0.9": "ar", "fr-FR": "fr", "de-DE": "en", "": "en", "es, fr;q=0.5": "fr"} {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("%q: %s, want %s", h, got, want)
		}
	}
}
