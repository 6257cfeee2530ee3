package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// README, Quotas: "a total of notices submitted or published at a time
// … Exceeding it is 409 with the numbers". Submission and publication
// check it, and so does extending an expired notice, which puts it back
// among the published: otherwise the type would end up with more notices
// in circulation than its quota allows.
func TestNoticeExtendAfterExpiryChecksQuota(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			f.Notices.Quotas[notices.TypeSilver] = notices.Quota{Total: 1}
			ma := f.user(t, "MA", core.RoleOfficer)
			fr := f.user(t, "FR", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)

			old := f.publish(t, ma, rev, "silver", validData("silver"), nil)
			// Past its expiry: the quota's one place is free again.
			f.later(5*366*24*time.Hour + 48*time.Hour)
			if expired, _, err := f.Notices.ExpireDue(context.Background()); err != nil || expired != 1 {
				t.Fatalf("expire: %d %v", expired, err)
			}
			// FR takes the place (published a year on: not f.publish, which
			// expects this year's public number).
			m := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "silver", "data": validData("silver")}, fr)
			f.noticeDo(t, 200, "POST", "/api/v1/notices/"+m.ID+"/submit", map[string]any{}, fr)
			if p := f.noticeDo(t, 200, "POST", "/api/v1/notices/"+m.ID+"/decision", map[string]any{"decision": "publish"}, rev); p.State != core.NoticePublished {
				t.Fatalf("FR's request: %s", p.State)
			}
			// A third request is refused: the quota is full.
			n := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "silver", "data": validData("silver")}, ma)
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{}, ma), 409, "conflict", "")

			// Extending the expired notice would make two published.
			r := f.do(t, "POST", "/api/v1/notices/"+old.ID+"/extend", map[string]any{"reason": "still sought"}, ma)
			if r.Status != 409 {
				var used int
				f.Store.View(context.Background(), func(tx core.Tx) (err error) {
					used, err = tx.CountNotices(notices.TypeSilver, "", []string{core.NoticeSubmitted, core.NoticeUnderReview, core.NoticePublished})
					return err
				})
				t.Fatalf("extending an expired Silver Notice with the quota (1) full: want 409, got %d; %d Silver Notices now in circulation: %s", r.Status, used, r)
			}
			// The same extension made at MA's node and applied at the hub
			// is held to the hub's quotas too.
			err := f.Store.Update(context.Background(), func(tx core.Tx) error {
				_, err := notices.ExtendTx(tx, access.FederationPeer("MA"), old.ID, "still sought", time.Now().UTC(), f.Notices.Quotas)
				return err
			})
			if core.ErrorCode(err) != core.ECONFLICT || !strings.Contains(core.ErrorMessage(err), "quota reached") {
				t.Fatalf("a node's extension of the expired notice with the quota full: %v, want the quota's conflict", err)
			}
		})
	}
}

// The bureau search refuses a "to" before "from" because "no notice is
// created in a period that ends before it starts: an empty page would
// answer as if there were none". "to" is exclusive, so to = from is just
// as empty a period: a bureau asking for the notices created on one day
// (from=to=that day) must not be told there are none while there are.
func TestNoticeListSameDayPeriodRefused(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			n := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red")}, ma)
			day := n.CreatedAt.UTC().Format("2006-01-02")
			wantProblem(t, f.do(t, "GET", "/api/v1/notices?from="+day+"&to="+day, nil, ma), 422, "invalid", "to")
			next := n.CreatedAt.UTC().AddDate(0, 0, 1).Format("2006-01-02")
			var page struct{ Items []notice }
			f.do(t, "GET", "/api/v1/notices?from="+day+"&to="+next, nil, ma).decode(t, &page)
			if len(page.Items) != 1 || page.Items[0].ID != n.ID {
				t.Fatalf("from=%s&to=%s (the day the notice was created): want the notice, got %d items", day, next, len(page.Items))
			}
		})
	}
}

// A version the caller gives is checked: If-Match "-1" is refused (422
// on If-Match, "must be the record's version, a whole number"), and so
// is a stale one (409). The same -1 in the body of submit, cancel, extend,
// decision or update must not pass for "no version given" and have the
// change made unconditionally: a client that sends a bad version would
// have a notice cancelled for good without any check of what it had read.
func TestNoticeNegativeBodyVersionRefused(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			n := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red")}, ma)
			// The header form is refused.
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/cancel", map[string]any{"reason": "opened twice"}, ma, "If-Match", `"-1"`), 422, "invalid", "If-Match")
			// The body form cancels.
			r := f.do(t, "POST", "/api/v1/notices/"+n.ID+"/cancel", map[string]any{"reason": "opened twice", "version": -1}, ma)
			if r.Status == 200 {
				t.Fatalf(`cancel with "version": -1: want 422 naming version (as If-Match: "-1" is), got the notice cancelled: %s`, r)
			}
			wantProblem(t, r, 422, "invalid", "version")
			for path, body := range map[string]map[string]any{"/submit": {}, "/extend": {"reason": "still sought"}, "/decision": {"decision": "publish"}} {
				body["version"] = -1
				wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+path, body, ma), 422, "invalid", "version")
			}
			// Update requires a version: -1 is not a missing one but a wrong one.
			p := wantProblem(t, f.do(t, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"data": validData("red"), "version": -1}, ma), 422, "invalid", "version")
			for _, e := range p.Errors {
				if e.Field == "version" && strings.Contains(e.Reason, "required") {
					t.Errorf("PUT with version -1: %q says the version is missing, not invalid", e.Reason)
				}
			}
			if got := f.noticeDo(t, 200, "GET", "/api/v1/notices/"+n.ID, nil, ma); got.State != core.NoticeDraft {
				t.Errorf("after refused changes the notice is %s, want draft", got.State)
			}
		})
	}
}

// The bureau search's country is "of interest: nationalities,
// extradition, warrant, …". A charge's country is the country whose
// warrant the charge rests on: the public API answers it as the charge's
// arrest_warrants[].issuing_country_id and finds the notice by
// arrestWarrantCountryId, and the bureau search by that country finds it
// too (interest() reads charges[].country as well as warrant.country).
func TestNoticeCountrySearchFindsChargeWarrantCountry(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			d := validData("red")
			d["charges"] = []any{map[string]any{"offence": "Fraud", "law": "StGB 263", "max_penalty_years": 5, "country": "DE"}}
			d["warrant"] = map[string]any{"kind": "arrest_warrant", "reference": "AW-9", "date": "2026-01-15", "authority": "Amtsgericht Köln"}
			n := f.publish(t, ma, rev, "red", d, map[string]any{"public_extract": true})

			// The public API: a warrant of DE.
			res, body := publicGetRaw(t, f.URL+"/notices/v1/red?arrestWarrantCountryId=DE")
			if res.StatusCode != 200 || !strings.Contains(string(body), `"total":1`) {
				t.Fatalf("public search by warrant country DE: %d %s", res.StatusCode, body)
			}
			var page struct{ Items []notice }
			f.do(t, "GET", "/api/v1/notices?country=DE", nil, ma).decode(t, &page)
			if len(page.Items) != 1 || page.Items[0].ID != n.ID {
				t.Errorf("GET /api/v1/notices?country=DE: want the notice whose charge rests on DE's warrant, got %d items (countries_of_interest %v)", len(page.Items), n.Countries)
			}
		})
	}
}
