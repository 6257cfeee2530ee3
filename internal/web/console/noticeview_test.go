package console

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/i18n"
)

// A UN Special Notice, as the UN list import writes it, reads in the
// reader's language: the listed name and identity, then the sanctions
// data; the import's bookkeeping is not shown.
func TestUNNoticeSections(t *testing.T) {
	cats, err := i18n.Shared()
	if err != nil {
		t.Fatal(err)
	}
	l := cats.Lang("fr")
	raw, _ := json.Marshal(map[string]any{"source": "un", "source_id": "6908555", "notice_type": "un", "reference": "QDi.999",
		"name": "Fictitious Listed Person", "subject_type": "individual", "date_of_birth": "1960..1965", "nationalities": []string{"MA"},
		"programs": []string{"Al-Qaida"}, "listed_on": "2001-10-06", "remarks": "entrée fictive"})
	var got []string
	for _, s := range noticeSections(l, "un", raw) {
		got = append(got, "# "+s.Title)
		for _, it := range s.Items {
			got = append(got, it.Label+": "+it.Value+strings.Join(it.Values, ", "))
		}
	}
	want := []string{"# Identité", "Nom inscrit: Fictitious Listed Person", "Inscrit comme: Personne physique", "Date de naissance: 1960–1965",
		"Nationalités: Maroc", "# Sanctions du Conseil de sécurité de l'ONU", "Régimes de sanctions: Al-Qaida", "Inscrit le: 6 octobre 2001",
		"Observations: entrée fictive", "# Autres informations", "Référence: QDi.999"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("UN notice laid out as\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The age of a request says minutes, hours or days, with the language's
// plurals.
func TestSubmissionAge(t *testing.T) {
	cats, err := i18n.Shared()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 3*24*time.Hour + time.Minute, "3 days ago"}, {"en", 1 * time.Hour, "1 hour ago"}, {"fr", 2 * time.Minute, "il y a 2 minutes"},
		{"es", 24 * time.Hour, "hace 1 día"}, {"ar", 2 * 24 * time.Hour, "منذ يومين"}, {"ar", 11 * 24 * time.Hour, "منذ 11 يومًا"},
	} {
		if got := ago(cats.Lang(c.lang), now, now.Add(-c.d)); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.lang, c.d, got, c.want)
		}
	}
}
