package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// TestMetricsAndReadiness: Prometheus metrics count requests by route, and
// readiness fails when the schema is behind the code.
func TestMetricsAndReadiness(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		f.do(t, "GET", "/api/v1/countries", nil, nil)
		r := f.do(t, "GET", "/metrics", nil, f.key(t, "MA", core.PermAdmin))
		body := string(r.Body)
		if r.Status != http.StatusOK || !strings.Contains(body, `manara_http_requests_total{route="GET /api/v1/countries",status="200"}`) ||
			!strings.Contains(body, "manara_http_request_duration_seconds_bucket") || !strings.Contains(body, "manara_records ") {
			t.Fatalf("metrics: %d\n%.2000s", r.Status, body)
		}
		if r := f.do(t, "GET", "/readyz", nil, nil); r.Status != http.StatusOK {
			t.Fatalf("readyz on a current schema: %s", r)
		}
		if _, err := f.Store.DB().ExecContext(context.Background(), "DELETE FROM schema_migrations"); err != nil {
			t.Fatal(err)
		}
		wantProblem(t, f.do(t, "GET", "/readyz", nil, nil), 503, "unavailable", "")
		if r := f.do(t, "GET", "/healthz", nil, nil); r.Status != http.StatusOK {
			t.Fatalf("liveness must not depend on the schema: %s", r)
		}
	})
}

// metricsToken is the dedicated scraper token of TestMetricsDataNeedAdmin.
const metricsToken = "scraper-token-0123456789abcdef"

// TestMetricsDataNeedAdmin: anonymous /metrics shows process metrics but
// not the store's size (restricted records included); an admin API key or
// the configured metrics token shows it; a key without admin gets 403 and
// a wrong token 401, never the data.
func TestMetricsDataNeedAdmin(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f, _ := newIndexedFixture(t, b, api.Config{Version: "test", MetricsToken: metricsToken}, nil)
			officer := f.user(t, "MA", core.RoleOfficer)
			rec := map[string]any{"kind": "person", "releasability": map[string]any{"mode": "only", "countries": []string{"MA"}},
				"data": map[string]any{"family_name": "Testeur", "given_names": "Zoubir", "nationalities": []string{"MA"}}}
			if r := f.do(t, "POST", "/api/v1/records", rec, officer); r.Status != http.StatusCreated {
				t.Fatalf("create: %s", r)
			}
			anon := f.do(t, "GET", "/metrics", nil, nil)
			if anon.Status != http.StatusOK || strings.Contains(string(anon.Body), "manara_records") ||
				!strings.Contains(string(anon.Body), "go_goroutines") || !strings.Contains(string(anon.Body), "manara_http_requests_total") {
				t.Fatalf("anonymous metrics must hold process metrics and no data metrics: %d\n%.3000s", anon.Status, anon.Body)
			}
			for _, c := range []struct {
				name string
				hdr  []string
				who  *caller
			}{
				{"admin key", nil, f.key(t, "FR", core.PermAdmin)},
				{"metrics token", []string{"Authorization", "Bearer " + metricsToken}, nil},
			} {
				r := f.do(t, "GET", "/metrics", nil, c.who, c.hdr...)
				if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "manara_records 1") || !strings.Contains(string(r.Body), "go_goroutines") {
					t.Fatalf("%s: want process and data metrics: %d\n%.3000s", c.name, r.Status, r.Body)
				}
			}
			wantProblem(t, f.do(t, "GET", "/metrics", nil, f.key(t, "MA", core.PermRecordsRead, core.PermScreen)), 403, "forbidden", "")
			wantProblem(t, f.do(t, "GET", "/metrics", nil, nil, "Authorization", "Bearer "+metricsToken+"x"), 401, "unauthorized", "")
			wantProblem(t, f.do(t, "GET", "/metrics", nil, nil, "Authorization", "Bearer mnr_notakey_nope"), 401, "unauthorized", "")
			// A signed-in session is not a scraper's credential: the open view.
			if r := f.do(t, "GET", "/metrics", nil, f.user(t, "MA", core.RoleAdmin)); r.Status != 200 || strings.Contains(string(r.Body), "manara_records") {
				t.Fatalf("a session cookie must not unlock the data metrics: %d", r.Status)
			}
		})
	}
}
