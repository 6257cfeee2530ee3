package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// cancelOnWrite is a client that goes on reading while the server can no
// longer read its store: the request's context ends at the first byte of
// the answer, so the export's second page fails after its first was sent.
type cancelOnWrite struct {
	*httptest.ResponseRecorder
	cancel context.CancelFunc
}

func (w cancelOnWrite) Write(p []byte) (int, error) {
	w.cancel()
	return w.ResponseRecorder.Write(p)
}

// TestExportCutShortSaysSo: an export that stops after its status was sent
// ends with an error line, so that a client does not take the records it
// got for all of them.
func TestExportCutShortSaysSo(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			a := newAuth(st)
			rs := records.New(st)
			s := api.New(st, a, rs, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{Version: "test"})
			t.Cleanup(func() { s.Close() })
			owner := core.Viewer{Bureau: "MA", UserID: "test", Permissions: []string{core.PermRecordsRead, core.PermRecordsWrite}}
			const n = 501 // one more than the export's page
			for range n {
				if _, err := rs.Create(context.Background(), owner, records.Input{Kind: core.KindVehicle,
					Releasability: &core.Releasability{Mode: core.ReleaseAll},
					Data:          json.RawMessage(`{"vin":"WVWZZZ1JZXW000001","registration_country":"MA"}`)}); err != nil {
					t.Fatal(err)
				}
			}
			_, key, err := a.CreateKey(context.Background(), system, auth.NewKey{Name: "export", Bureau: "MA", Permissions: []string{core.PermRecordsRead}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req := httptest.NewRequest("GET", "/api/v1/records/export", nil).WithContext(ctx)
			req.Header.Set("Authorization", "Bearer "+key)
			w := cancelOnWrite{httptest.NewRecorder(), cancel}
			s.Handler().ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			var lines [][]byte
			sc := bufio.NewScanner(bytes.NewReader(w.Body.Bytes()))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				lines = append(lines, append([]byte(nil), sc.Bytes()...))
			}
			if len(lines) < 2 || len(lines) > n {
				t.Fatalf("%d lines, want the first page and a last line", len(lines))
			}
			var last struct {
				Error *api.Problem `json:"error"`
			}
			if err := json.Unmarshal(lines[len(lines)-1], &last); err != nil || last.Error == nil {
				t.Fatalf("last line %s: want an error line", lines[len(lines)-1])
			}
			if last.Error.Status < 500 || last.Error.Code == "" {
				t.Errorf("last line %+v: want a server-side problem with its code", last.Error)
			}
			for _, l := range lines[:len(lines)-1] {
				var rec struct {
					ID string `json:"id"`
				}
				if err := json.Unmarshal(l, &rec); err != nil || rec.ID == "" {
					t.Fatalf("line %s: want a record before the error line", l)
				}
			}
		})
	}
}
