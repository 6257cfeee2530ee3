package console_test

import (
	"context"
	"encoding/json"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/i18n/i18ntest"
	"github.com/manara-hub/manara/internal/notices"
)

// request creates a request of typ as owner and, unless draft, submits it.
func request(t *testing.T, e *env, owner *core.User, typ string, draft bool, data map[string]any) *notices.View {
	t.Helper()
	ctx := context.Background()
	raw, _ := json.Marshal(data)
	v, err := e.Server.Notices.Create(ctx, viewerOf(owner), notices.Input{Type: typ, Data: raw})
	if err != nil {
		t.Fatal(err)
	}
	if !draft {
		if v, err = e.Server.Notices.Submit(ctx, viewerOf(owner), v.Notice.ID, v.Record.Version); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// TestNoticePagesReadLikeNotices opens notices of several types as their
// reviewer and owner in Spanish, Arabic and French: the identity comes
// first, then the type's own part; every label and value is in the
// page's language (enumerations, yes/no, countries, dates, units); the
// reviewer sees how long ago the request was submitted and the checks in
// words. No raw key of the data and no English is left.
func TestNoticePagesReadLikeNotices(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		ma := e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		rev := e.user(t, "ipsg.reviewer", "IPSG", core.RoleReviewer, true)
		yellow := request(t, e, ma, "yellow", false, map[string]any{"family_name": "Benali", "given_names": "Salma", "name_original": "سلمى بنعلي",
			"sex": "F", "date_of_birth": "1990-03", "nationalities": []string{"MA", "ES"}, "circumstances": "Salió del colegio y no volvió.",
			"disappearance_date": "2025-11-03", "disappearance_place": "Casablanca", "parents": []any{map[string]any{"name": "Fatima Benali", "relation": "mother"}}})
		silver := request(t, e, ma, "silver", false, map[string]any{"family_name": "Testperson", "given_names": "Karim",
			"assets": []any{map[string]any{"type": "vehicle", "criminal_activity": "غسل الأموال", "jurisdiction": "MA", "estimated_value": 25000.5, "currency": "MAD",
				"held_for": []any{map[string]any{"name": "Sociedad Ficticia SL", "kind": "company"}}}}})
		black := request(t, e, ma, "black", true, map[string]any{"found_place": "Tanger", "found_date": "2026-02-01", "estimated_age_min": 30,
			"dna_available": true, "fingerprints_available": false})
		red := publish(t, e, ma, rev, nil, neutralRedData("Kharroubi", "Abdellatif", "عبد اللطيف خروبي"))
		// Three days and a minute later.
		e.Console.Now = func() time.Time { return time.Now().Add(72*time.Hour + time.Minute) }

		reviewer := e.browser(t)
		reviewer.signIn("ipsg.reviewer", "es")
		owner := e.browser(t)
		owner.signIn("ma.officer", "fr")
		page := func(b *browser, path, code string, want ...string) string {
			t.Helper()
			b.get(path + "?lang=" + code)
			text := html.UnescapeString(b.Last)
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("%s %s: no %q", code, path, w)
				}
			}
			for _, raw := range []string{"parents[0]", "charges[0]", "warrant.kind", "dna_available", "disappearance_date", "notice_type",
				"required_data_and_thresholds", ">true<", ">false<", ">mother<", ">vehicle<", ">arrest_warrant<", ">prosecution<", "(YYYY-MM-DD)"} {
				if strings.Contains(text, raw) {
					t.Errorf("%s %s: raw %q on the page", code, path, raw)
				}
			}
			for _, l := range i18ntest.Leaks(b.Last, code) {
				t.Errorf("%s %s: %s", code, path, l)
			}
			return text
		}
		before := func(text, a, b string) {
			t.Helper()
			if i, j := strings.Index(text, a), strings.Index(text, b); i < 0 || j < 0 || i > j {
				t.Errorf("%q does not come before %q", a, b)
			}
		}

		q := page(reviewer, "/reviews", "es", "hace 3 días")
		if strings.Count(q, "hace 3 días") != 2 {
			t.Errorf("the queue does not age both requests:\n%s", q)
		}
		y := page(reviewer, "/notices/"+yellow.Notice.ID, "es", "Identidad", "Desaparición", "Femenino", "marzo de 1990", "Marruecos, España",
			"3 de noviembre de 2025", "Progenitor o tutor 1", "Madre", "hace 3 días", "Datos obligatorios y umbrales de pena — cumplido")
		before(y, "Identidad", "Desaparición")
		before(y, "Fecha de nacimiento", "Circunstancias de la desaparición")
		page(reviewer, "/notices/"+yellow.Notice.ID, "ar", "الهوية", "الاختفاء", "أنثى", "مارس 1990", "المغرب، إسبانيا", "الأم", "منذ 3 أيام")
		s := page(reviewer, "/notices/"+silver.Notice.ID, "ar", "الأصول", "الأصل 1", "مركبة", "شركة", "المحتفظ لحسابه 1", "25٬000٫50", "منذ 3 أيام")
		before(s, "الهوية", "الأصول")
		page(reviewer, "/notices/"+silver.Notice.ID, "es", "Activo 1", "Vehículo", "Sociedad", "Marruecos", "25.000,50")
		page(reviewer, "/notices/"+red.Notice.ID, "es", "Datos judiciales y cargos", "Cargo 1", "10 años", "Orden de detención", "Enjuiciamiento",
			"Francia, España", "15 de enero de 2026")
		page(owner, "/notices/"+black.Notice.ID, "fr", "Découverte du corps", "Profil ADN disponible", "Oui", "Non", "1 février 2026", "30 ans",
			"Données obligatoires et seuils de peine — non satisfait", "Signalement — ")
	})
}
