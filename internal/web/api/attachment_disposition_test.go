package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestNoticeDocumentIsDownloadedNotRendered: the console serves a
// notice's attachment inline only when it is a photo, and anything else
// (a PDF) as a download (console/pages.go noticeAttachment). The API serves
// the same file on the same origin, to the same session cookie, with
// "Content-Disposition: inline" whatever its type (api/notices.go
// writeAttachment), so a PDF a bureau uploaded is rendered by the browser's
// PDF viewer in the hub's origin instead of downloaded.
func TestNoticeDocumentIsDownloadedNotRendered(t *testing.T) {
	b := storetest.Backends(t)[0]
	f := newNoticeFixture(t, b)
	ma := f.user(t, "MA", core.RoleOfficer)
	draft := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red")}, ma)
	pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	r := f.do(t, "POST", "/api/v1/notices/"+draft.ID+"/attachments?name=warrant.pdf", pdf, ma, "Content-Type", "application/octet-stream")
	if r.Status != 201 {
		t.Fatalf("upload: %s", r)
	}
	var a core.Attachment
	r.decode(t, &a)
	got := f.do(t, "GET", "/api/v1/notices/"+draft.ID+"/attachments/"+a.ID, nil, ma)
	if got.Status != http.StatusOK {
		t.Fatalf("download: %s", got)
	}
	if cd := got.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Fatalf("a PDF attachment is served with Content-Disposition %q; the console serves it as a download", cd)
	}
}
