package i18ntest

import "testing"

// TestLeaks: the finder sees English text, English in a shown attribute
// and raw keys, and leaves scripts, other-language links and data marked
// translate="no" alone.
func TestLeaks(t *testing.T) {
	clean := `<html lang="fr"><head><title>Tableau de bord</title><style>.notice{}</style></head><body>
<a lang="en" href="?lang=en">English</a><script>var notFound = "Not found"</script>
<p>Bienvenue</p><span translate="no">The Reporter</span><input placeholder="AAAA-MM-JJ"></body></html>`
	if got := Leaks(clean, "fr"); len(got) != 0 {
		t.Errorf("clean page: %v", got)
	}
	for page, want := range map[string]string{
		`<html lang="es"><p>Este campo: is required</p></html>`:                  "is required",
		`<html lang="ar"><input placeholder="Search"></html>`:                    "Search",
		`<html lang="fr"><p>notice.reason</p></html>`:                            "notice.reason",
		`<html lang="es"><button>Guardar</button><p>yellow notice: x</p></html>`: "yellow notice",
		`<html lang="es"><input type="submit" value="Save"></html>`:              "Save",
		`<html lang="ar"><ul><li>0190 · delivered · 1</li></ul></html>`:          "delivered",
	} {
		got := Leaks(page, pageLang(page))
		if len(got) != 1 {
			t.Errorf("%s: %v, want one leak of %q", page, got, want)
		}
	}
}

func pageLang(p string) string { return p[12:14] }
