package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/screen"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// BenchmarkAPICreateRecord measures records written per second through the
// HTTP API (real HTTP, API-key auth, validation, audit append in the same
// transaction, durable commit) on each store, with 8 concurrent clients.
//
//	go test -run '^$' -bench APICreateRecord -benchtime 3s ./internal/web/api/
func BenchmarkAPICreateRecord(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			st := be.Open(b)
			a := newAuth(st)
			srv := httptest.NewServer(api.New(st, a, records.New(st), slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{}).Handler())
			defer srv.Close()
			_, key, err := a.CreateKey(context.Background(), core.Viewer{System: true}, auth.NewKey{Name: "bench", Bureau: "MA", Permissions: []string{core.PermRecordsWrite, core.PermRecordsRead}})
			if err != nil {
				b.Fatal(err)
			}
			body := `{"kind":"person","releasability":{"mode":"only","countries":["FR","ES"]},"caveats":["contact_owner_before_action"],"data":{"family_name":"Kharroubi","given_names":"Abdellatif","name_original":"عبد اللطيف خروبي","nationalities":["MA"],"date_of_birth":"1966-01-01"}}`
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
			b.SetParallelism(4) // 2 cores × 4 = 8 clients
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("POST", srv.URL+"/api/v1/records", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+key)
					req.Header.Set("Content-Type", "application/json")
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkAPIGetRecord measures audited reads of one record by id.
func BenchmarkAPIGetRecord(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			st := be.Open(b)
			a := newAuth(st)
			rs := records.New(st)
			srv := httptest.NewServer(api.New(st, a, rs, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{}).Handler())
			defer srv.Close()
			_, key, err := a.CreateKey(context.Background(), core.Viewer{System: true}, auth.NewKey{Name: "bench", Bureau: "FR", Permissions: []string{core.PermRecordsRead}})
			if err != nil {
				b.Fatal(err)
			}
			owner := core.Viewer{Bureau: "MA", KeyID: "k", Permissions: []string{core.PermRecordsWrite, core.PermRecordsRead}}
			rec, err := rs.Create(context.Background(), owner, records.Input{Kind: core.KindVehicle, Releasability: &core.Releasability{Mode: core.ReleaseAll},
				Data: []byte(`{"vin":"WVWZZZ1JZXW000001","registration_country":"MA"}`)})
			if err != nil {
				b.Fatal(err)
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("GET", srv.URL+"/api/v1/records/"+rec.ID, nil)
					req.Header.Set("Authorization", "Bearer "+key)
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
		})
	}
}

// BenchmarkAPIScreenEmptyIndex is the API's own cost of a screening, in
// process and without a socket: key, body, access decision, parsing the
// name, an index that holds nobody, the audit entry (its writer's batches
// included) and the answer. The lists bench's floor passes measure the same
// over loopback.
//
//	go test -run '^$' -bench APIScreenEmptyIndex -benchtime 20000x ./internal/web/api/
func BenchmarkAPIScreenEmptyIndex(b *testing.B) {
	st := storetest.OpenSQLite(b) // the plumbing's cost, not a store's
	a := newAuth(st)
	s := api.New(st, a, records.New(st), slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{})
	s.Screen = screen.New()
	aw := audit.NewWriter(st, nil, 10_000, 5*time.Millisecond)
	defer aw.Close()
	s.ReadAudit = aw
	h := s.Handler()
	_, key, err := a.CreateKey(context.Background(), core.Viewer{System: true}, auth.NewKey{Name: "bench", Bureau: "FR", Permissions: []string{core.PermScreen}})
	if err != nil {
		b.Fatal(err)
	}
	body := `{"name":"Zebulon Quintavalle Nonexistent","limit":10}`
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		req := httptest.NewRequest("POST", "/api/v1/screen/person", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}
