package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/manara-hub/manara/internal/core"
)

// metrics serves Prometheus metrics. Anyone gets the process metrics (Go
// runtime, process, HTTP requests and latency); the metrics that describe
// the data (manara_records: the store's size, restricted records
// included) need "Authorization: Bearer" with the configured metrics
// token or an API key holding the admin permission. Credentials that are
// present but wrong get 401 rather than the open view, so that a scraper
// misconfigured after a rotation is noticed instead of silently losing
// series.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	g := prometheus.Gatherer(s.registry)
	if r.Header.Get("Authorization") != "" || r.Header.Get("X-API-Key") != "" {
		if err := s.metricsAccess(r); err != nil {
			s.auditRefusal(r, "metrics.denied", "", err)
			writeError(w, r, s.Log, err)
			return
		}
		g = prometheus.Gatherers{s.registry, s.dataMetrics}
	}
	promhttp.HandlerFor(g, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// metricsAccess decides whether the credentials of r may read the data
// metrics: the metrics token (compared in constant time) or an API key
// with the admin permission.
func (s *Server) metricsAccess(r *http.Request) error {
	if tok := s.Config.MetricsToken; tok != "" {
		if scheme, presented, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") &&
			sameSecret(strings.TrimSpace(presented), tok) {
			return nil
		}
	}
	// Anything else must be an API key (authenticate sees a header, so it
	// never falls back to a cookie here).
	v, err := s.authenticate(r)
	if err != nil {
		return err
	}
	if !v.Can(core.PermAdmin) {
		return core.Errorf(core.EFORBIDDEN, "the data metrics need an API key with the admin permission (or the metrics token)")
	}
	return nil
}

// sameSecret compares two secrets in constant time, lengths included
// (both are hashed first, so the comparison does not stop early on a
// length difference).
func sameSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
