package lang

import "testing"

func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{"ar-MA,ar;q=0.9": "ar", "fr-FR": "fr", "de-DE": "en", "": "en",
		"es, fr;q=0.5": "es", "es-ES": "es", "es-419,es;q=0.9": "es", "es-MX": "es", "de-DE, es-AR;q=0.8, en;q=0.5": "es", "pt-BR": "en"} {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("%q: %s, want %s", h, got, want)
		}
	}
}

func TestNativeNames(t *testing.T) {
	for _, l := range Supported {
		if Native(l) == "" {
			t.Errorf("%s has no native name", l)
		}
	}
	if got := List(); got != "ar, fr, en or es" {
		t.Errorf("List: %q", got)
	}
}
