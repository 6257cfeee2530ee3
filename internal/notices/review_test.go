package notices

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestReviewHiddenFromOtherBureaus: the review of a published notice (who
// reviewed it, the decision's reason) is its owner's and the reviewers',
// whichever way the notice is read: the service redacts it, not only the
// HTTP layer, so the web console shows another bureau none of it.
func TestReviewHiddenFromOtherBureaus(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := New(b.Open(t))
			ma, fr := officer("MA"), officer("FR")
			rev := core.Viewer{Bureau: members.Secretariat, Role: core.RoleReviewer, UserID: "u-rev",
				Permissions: core.RolePermissions(core.RoleReviewer)}
			n, err := s.Create(ctx, ma, Input{Type: TypePurple, Data: json.RawMessage(`{"modus_operandi":"hidden in tyres","summary":"tyres"}`)})
			if err != nil {
				t.Fatal(err)
			}
			id := n.Notice.ID
			if _, err := s.Submit(ctx, ma, id, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Decide(ctx, rev, id, Decision{Decision: "publish", Reason: "meets the rules for a Purple Notice"}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				who  string
				v    core.Viewer
				sees bool
			}{{"owner", ma, true}, {"reviewer", rev, true}, {"other bureau", fr, false}} {
				got, err := s.Get(ctx, c.v, id)
				if err != nil {
					t.Fatalf("%s: %v", c.who, err)
				}
				found, _, err := s.List(ctx, c.v, Query{})
				if err != nil || len(found) != 1 {
					t.Fatalf("%s lists %d: %v", c.who, len(found), err)
				}
				for how, got := range map[string]*core.Notice{"get": got.Notice, "list": found[0].Notice} {
					if got.State != core.NoticePublished {
						t.Fatalf("%s %s: %+v", c.who, how, got)
					}
					shown := got.Reviewer != "" || got.Reason != ""
					if c.sees && (got.Reviewer == "" || got.Reason == "") || !c.sees && shown {
						t.Fatalf("%s %s: reviewer %q, reason %q", c.who, how, got.Reviewer, got.Reason)
					}
				}
			}
			// The redaction is of the copy shown, never of the stored notice.
			if got, err := s.Get(ctx, ma, id); err != nil || got.Notice.Reason == "" {
				t.Fatalf("owner after another bureau's read: %+v %v", got, err)
			}
		})
	}
}
