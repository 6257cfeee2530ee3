package api_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// Who reviewed a notice is for its owner and the secretariat's reviewers
// only (README, Notices: "reviewer: who reviewed (owner and secretariat
// only)"; redacted() clears Notice.Reviewer for everyone else). The
// decision writes the record envelope as the reviewer, so the envelope's
// created_by and updated_by (and who attached files) are shown only to
// those who see the review: not to the bureaus the notice circulates to,
// on the notice, in the bureau search, or on the record.
func TestNoticeActorsHiddenFromOtherBureaus(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			fr := f.user(t, "FR", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			n := f.publish(t, ma, rev, "red", validData("red"), nil)

			// The owner is told who reviewed: this is the identity to hide.
			mine := f.noticeDo(t, 200, "GET", "/api/v1/notices/"+n.ID, nil, ma)
			if mine.Reviewer == "" {
				t.Fatalf("the owner is not told who reviewed: %+v", mine.Notice)
			}
			reviewer := mine.Reviewer

			got := f.do(t, "GET", "/api/v1/notices/"+n.ID, nil, fr)
			if got.Status != 200 {
				t.Fatalf("FR reads the published notice: %s", got)
			}
			if jsonField(got, "reviewer") != nil && jsonField(got, "reviewer") != "" {
				t.Fatalf("reviewer shown to FR: %s", got)
			}
			if s, _ := jsonField(got, "updated_by").(string); s != "" {
				t.Errorf("GET /api/v1/notices/{id} as FR: reviewer redacted, but updated_by = %q", s)
			}
			if s, _ := jsonField(got, "created_by").(string); s != "" {
				t.Errorf("GET /api/v1/notices/{id} as FR: created_by = %q names someone of the owner bureau", s)
			}

			list := f.do(t, "GET", "/api/v1/notices?type=red", nil, fr)
			if strings.Contains(string(list.Body), reviewer) {
				t.Errorf("GET /api/v1/notices as FR names the reviewer %q: %s", reviewer, list)
			}
			rec := f.do(t, "GET", "/api/v1/records/"+url.PathEscape(n.ID), nil, fr)
			if rec.Status == 200 && strings.Contains(string(rec.Body), reviewer) {
				t.Errorf("GET /api/v1/records/{id} as FR names the reviewer %q: %s", reviewer, rec)
			}
			// The owner and the reviewer still read who acted.
			for _, who := range []*caller{ma, rev} {
				if s, _ := jsonField(f.do(t, "GET", "/api/v1/notices/"+n.ID, nil, who), "updated_by").(string); s != reviewer {
					t.Errorf("GET /api/v1/notices/{id} as %s: updated_by = %q, want the reviewer %q", who, s, reviewer)
				}
			}

			// Who attached a file is someone of the owner bureau too.
			png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
			if r := f.do(t, "POST", "/api/v1/notices/"+n.ID+"/attachments?name=face.png", png, ma, "Content-Type", "application/octet-stream"); r.Status != 201 {
				t.Fatalf("photo: %s", r)
			}
			for _, c := range []struct {
				who   *caller
				shown bool
			}{{ma, true}, {rev, true}, {fr, false}} {
				got := f.noticeDo(t, 200, "GET", "/api/v1/notices/"+n.ID, nil, c.who)
				if len(got.Attachments) != 1 || (got.Attachments[0].CreatedBy != "") != c.shown {
					t.Errorf("GET /api/v1/notices/{id} as %s: attachments %+v, want who attached shown: %v", c.who, got.Attachments, c.shown)
				}
			}
		})
	}
}
