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

// TestISO6391: any language a registry knows, in two lower-case letters;
// not digits, not an unassigned code, not three letters nor capitals.
func TestISO6391(t *testing.T) {
	for code, want := range map[string]bool{"ar": true, "fr": true, "zh": true, "ru": true, "sw": true,
		"xx": false, "12": false, "FR": false, "fra": false, "f": false, "": false, "fr-FR": false} {
		if got := ISO6391(code); got != want {
			t.Errorf("%q: %v, want %v", code, got, want)
		}
	}
}
