package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsAndReadiness: Prometheus metrics count requests by route, and
// readiness fails when the schema is behind the code.
func TestMetricsAndReadiness(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		f.do(t, "GET", "/api/v1/countries", nil, nil)
		r := f.do(t, "GET", "/metrics", nil, nil)
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
