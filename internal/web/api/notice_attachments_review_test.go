package api_test

import (
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestNoticeAttachRefusedWhileReviewed: a request that is submitted or
// under review takes no attachment, as it takes no other change (409, in
// Update's words): the reviewer publishes only what it saw, and a photo
// reaches the public extract only through a decision. Before submission
// and after publication the owner attaches as usual.
func TestNoticeAttachRefusedWhileReviewed(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
			attach := func(id string) *resp {
				return f.do(t, "POST", "/api/v1/notices/"+id+"/attachments?name=face.png", png, ma, "Content-Type", "application/octet-stream")
			}
			n := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red"), "public_extract": true}, ma)
			if r := attach(n.ID); r.Status != 201 {
				t.Fatalf("attaching to a draft: %s", r)
			}
			n = f.noticeDo(t, 200, "GET", "/api/v1/notices/"+n.ID, nil, ma)
			n = f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, ma)
			update := wantProblem(t, f.do(t, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"data": validData("red"), "version": n.Version}, ma), 409, "conflict", "")
			submitted := wantProblem(t, attach(n.ID), 409, "conflict", "")
			if submitted.Detail != update.Detail || !strings.Contains(submitted.Detail, "cannot change until the reviewer decides") {
				t.Errorf("attaching to a submitted request: %q; want Update's refusal %q", submitted.Detail, update.Detail)
			}
			n = f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/review", nil, rev)
			reviewed := wantProblem(t, attach(n.ID), 409, "conflict", "")
			if !strings.Contains(reviewed.Detail, "under review: it cannot change until the reviewer decides") {
				t.Errorf("attaching to a request under review: %q", reviewed.Detail)
			}
			n = f.noticeDo(t, 200, "GET", "/api/v1/notices/"+n.ID, nil, rev)
			if len(n.Attachments) != 1 {
				t.Fatalf("the reviewer sees %d attachments; want the draft's one", len(n.Attachments))
			}
			n = f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish"}, rev)
			if n.State != core.NoticePublished {
				t.Fatalf("decided: %s", n.State)
			}
			if r := attach(n.ID); r.Status != 201 {
				t.Errorf("attaching to the published notice: %s", r)
			}
		})
	}
}
