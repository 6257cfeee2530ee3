package api_test

import (
	"mime"
	"net/url"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestReportFileDownload: a citizen's screenshot is sent as a notice's
// attachments are: a Content-Disposition that parses back to the file's
// name (one with "@", "=" or Arabic letters too, which the RFC 5987 form
// written by hand with url.PathEscape broke), kept out of every cache
// (access is decided on each read, and a report of abuse must not stay on
// an analyst's disk after the session), sandboxed and not sniffed.
func TestReportFileDownload(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			cf := newCoopFixture(t, b, true)
			f := cf.fixture
			cf.Server.Reports.PoW.Difficulty = 4
			cf.Server.ReportRate = 1000
			png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
			names := []string{"chat@2x.png", "a=b; c.png", "محادثة.png"}
			var files []map[string]any
			for _, n := range names {
				files = append(files, map[string]any{"name": n, "content": png})
			}
			submitReport(t, f, map[string]any{"category": "investment_fraud", "narrative": "they asked for a transfer", "country": "MA",
				"attachments": files})
			analyst := f.user(t, "MA", core.RoleAnalyst)
			var q struct{ Items []core.Report }
			f.do(t, "GET", "/api/v1/reports", nil, analyst).decode(t, &q)
			if len(q.Items) != 1 || len(q.Items[0].Attachments) != len(names) {
				t.Fatalf("queue: %+v", q.Items)
			}
			for i, a := range q.Items[0].Attachments {
				file := f.do(t, "GET", "/api/v1/reports/"+q.Items[0].ID+"/attachments/"+url.PathEscape(a.ID), nil, analyst)
				if file.Status != 200 || string(file.Body) != string(png) {
					t.Fatalf("download of %q: %s", a.Name, file)
				}
				cd := file.Header.Get("Content-Disposition")
				if disp, params, err := mime.ParseMediaType(cd); err != nil || disp != "inline" || params["filename"] != names[i] {
					t.Errorf("Content-Disposition %q: %q %v %v; want an image inline, named %q", cd, disp, params, err, names[i])
				}
				for h, want := range map[string]string{"Cache-Control": "private, no-store", "Content-Security-Policy": "sandbox",
					"X-Content-Type-Options": "nosniff", "Content-Type": "image/png"} {
					if got := file.Header.Get(h); got != want {
						t.Errorf("%s of %q: %q, want %q", h, a.Name, got, want)
					}
				}
			}
			// Another bureau's analyst reads nothing of it.
			es := f.user(t, "ES", core.RoleAnalyst)
			a := q.Items[0].Attachments[0]
			if r := f.do(t, "GET", "/api/v1/reports/"+q.Items[0].ID+"/attachments/"+url.PathEscape(a.ID), nil, es); r.Status != 404 {
				t.Errorf("another bureau's analyst downloading the screenshot: %s, want 404", r)
			}
		})
	}
}
