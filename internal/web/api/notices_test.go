package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// noticeFixture is a server with a screening index that follows every
// write, and a notices service whose clock the test may move.
type noticeFixture struct {
	*fixture
	Notices *notices.Service
	Server  *api.Server
	offset  atomic.Int64 // added to the clock, in seconds
}

func newNoticeFixture(t *testing.T, b storetest.Backend) *noticeFixture {
	t.Helper()
	nf := &noticeFixture{}
	nf.fixture, nf.Server = newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) {
		s.Notices.Now = func() time.Time { return time.Now().Add(time.Duration(nf.offset.Load()) * time.Second) }
	})
	nf.Notices = nf.Server.Notices
	return nf
}

// later moves the notices' clock on by d.
func (nf *noticeFixture) later(d time.Duration) { nf.offset.Add(int64(d / time.Second)) }

// notice is a notice as the API shows it.
type notice struct {
	core.Notice
	Owner         string             `json:"owner"`
	Status        string             `json:"status"`
	Version       int64              `json:"version"`
	Releasability core.Releasability `json:"releasability"`
	Data          map[string]any     `json:"data"`
	Attachments   []core.Attachment  `json:"attachments"`
	Checks        []notices.Check    `json:"checks"`
	Score         float64            `json:"score"`
}

func (f *fixture) noticeDo(t testing.TB, want int, method, path string, body any, c *caller) notice {
	t.Helper()
	r := f.do(t, method, path, body, c)
	if r.Status != want {
		t.Fatalf("%s as %s: want %d, got %s", path, c, want, r)
	}
	var n notice
	r.decode(t, &n)
	return n
}

// validData is complete data for each requestable type.
func validData(typ string) map[string]any {
	identity := map[string]any{"family_name": "Kharroubi", "given_names": "Abdellatif", "name_original": "عبد اللطيف خروبي",
		"sex": "M", "date_of_birth": "1966-01-01", "nationalities": []string{"MA"}, "description": "tall", "languages": []string{"ara", "fra"}}
	with := func(extra map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range identity {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	switch typ {
	case notices.TypeRed:
		return with(map[string]any{"purpose": "prosecution",
			"charges":               []any{map[string]any{"offence": "Drug trafficking", "law": "Penal Code art. 2", "max_penalty_years": 10, "translation": "Trafic de stupéfiants"}},
			"warrant":               map[string]any{"kind": "arrest_warrant", "reference": "AW-2026-17", "date": "2026-01-15", "authority": "Court of Rabat", "country": "MA"},
			"extradition_countries": []string{"FR", "ES"}})
	case notices.TypeYellow:
		return with(map[string]any{"circumstances": "left school and did not return", "disappearance_date": "2025-11-03", "disappearance_place": "Casablanca",
			"parents": []any{map[string]any{"name": "Fatima Zahra", "relation": "mother"}}})
	case notices.TypeBlue:
		return with(map[string]any{"information_sought": "current whereabouts"})
	case notices.TypeGreen:
		return with(map[string]any{"criminal_activities": "romance scams targeting the elderly"})
	case notices.TypeBlack:
		return map[string]any{"found_place": "Port of Tanger Med", "found_date": "2026-02-10", "estimated_age_min": 30, "estimated_age_max": 40,
			"description": "male, tattoo of an anchor", "dna_available": true, "fingerprints_available": false}
	case notices.TypeOrange:
		return map[string]any{"threat_nature": "parcel bombs disguised as books", "period": map[string]any{"from": "2026-03"}, "countries_affected": []string{"MA", "FR"}}
	case notices.TypePurple:
		return map[string]any{"modus_operandi": "drugs hidden in hollowed-out fruit", "concealment_methods": []string{"fruit"}}
	case notices.TypeSilver:
		return with(map[string]any{"assets": []any{map[string]any{"type": "account",
			"identifiers":  []any{map[string]any{"type": "iban", "value": "FR76 3000 6000 0112 3456 7890 189"}},
			"jurisdiction": "FR", "estimated_value": 250000, "currency": "EUR",
			"held_for": []any{map[string]any{"name": "Abdellatif Kharroubi", "kind": "person"}}, "criminal_activity": "laundering of drug proceeds"}}})
	}
	panic(typ)
}

// requiredOf is one field each type requires, and the path the error names.
var requiredOf = map[string]string{
	notices.TypeRed: "charges", notices.TypeYellow: "circumstances", notices.TypeBlue: "information_sought", notices.TypeGreen: "criminal_activities",
	notices.TypeBlack: "dna_available", notices.TypeOrange: "countries_affected", notices.TypePurple: "modus_operandi", notices.TypeSilver: "assets",
}

// publish takes a notice from draft to published through the API.
func (f *fixture) publish(t testing.TB, owner, reviewer *caller, typ string, data map[string]any, extra map[string]any) notice {
	t.Helper()
	in := map[string]any{"type": typ, "data": data}
	for k, v := range extra {
		in[k] = v
	}
	n := f.noticeDo(t, 201, "POST", "/api/v1/notices", in, owner)
	if n.State != core.NoticeDraft || n.Status != core.StatusPending {
		t.Fatalf("created %s: state %s status %s", typ, n.State, n.Status)
	}
	n = f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, owner)
	if n.State != core.NoticeSubmitted {
		t.Fatalf("submitted: %s", n.State)
	}
	n = f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/review", nil, reviewer)
	if n.State != core.NoticeUnderReview {
		t.Fatalf("review: %s", n.State)
	}
	n = f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish"}, reviewer)
	if n.State != core.NoticePublished || n.Status != core.StatusActive || !strings.HasPrefix(n.EntityID, fmt.Sprint(time.Now().Year())+"/") || n.ExpiresAt == nil {
		t.Fatalf("published: %+v", n)
	}
	return n
}

func TestNoticeLifeCycleEveryType(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			fr := f.user(t, "FR", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			for _, typ := range notices.RequestTypes {
				t.Run(typ, func(t *testing.T) {
					draft := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": typ, "data": validData(typ)}, ma)
					// A draft is the owner's and the reviewers' only.
					wantProblem(t, f.do(t, "GET", "/api/v1/notices/"+draft.ID, nil, fr), 404, "not_found", "")
					wantProblem(t, f.do(t, "GET", "/api/v1/records/"+draft.ID, nil, fr), 404, "not_found", "")
					f.noticeDo(t, 200, "GET", "/api/v1/notices/"+draft.ID, nil, rev)
					f.noticeDo(t, 200, "POST", "/api/v1/notices/"+draft.ID+"/cancel", map[string]any{"reason": "opened by mistake"}, ma)

					n := f.publish(t, ma, rev, typ, validData(typ), nil)
					got := f.noticeDo(t, 200, "GET", "/api/v1/notices/"+n.ID, nil, fr)
					if got.State != core.NoticePublished || got.Reviewer != "" {
						t.Fatalf("FR sees %+v", got)
					}
					// Found by the bureau search, with the type filter.
					var page struct{ Items []notice }
					f.do(t, "GET", "/api/v1/notices?type="+typ+"&state=published", nil, fr).decode(t, &page)
					if len(page.Items) != 1 || page.Items[0].ID != n.ID {
						t.Fatalf("search %s: %+v", typ, page.Items)
					}
					// Updated by its owner, with a reason: both versions kept.
					data := validData(typ)
					data["summary"] = "new information from the field"
					up := f.noticeDo(t, 200, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"data": data, "reason": "new information", "version": got.Version}, ma)
					if up.Revision != 3 || up.Data["summary"] == nil {
						t.Fatalf("updated: %+v", up)
					}
					wantProblem(t, f.do(t, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"data": data, "version": up.Version}, ma), 422, "invalid", "reason")
					var vs struct{ Items []core.NoticeVersion }
					f.do(t, "GET", "/api/v1/notices/"+n.ID+"/versions", nil, ma).decode(t, &vs)
					if len(vs.Items) != 3 || vs.Items[0].Reason != "created" || vs.Items[1].Reason != "published" ||
						vs.Items[2].Reason != "new information" || vs.Items[2].By == "" {
						t.Fatalf("versions: %+v", vs.Items)
					}
					// Another bureau pages through the versions that circulated,
					// without the draft and without who made them.
					vs.Items = nil
					f.do(t, "GET", "/api/v1/notices/"+n.ID+"/versions", nil, fr).decode(t, &vs)
					if len(vs.Items) != 2 || vs.Items[0].Reason != "published" || vs.Items[0].By != "" {
						t.Fatalf("versions for FR: %+v", vs.Items)
					}
					// A non-owner may neither edit nor cancel.
					wantProblem(t, f.do(t, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"data": data, "reason": "x", "version": up.Version}, fr), 403, "forbidden", "")
					wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/cancel", map[string]any{"reason": "x"}, fr), 403, "forbidden", "")
					// Cancelled by its owner: gone for others.
					c := f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/cancel", map[string]any{"reason": "person arrested", "version": up.Version}, ma)
					if c.State != core.NoticeCancelled || c.Status != core.StatusCancelled {
						t.Fatalf("cancelled: %+v", c)
					}
					wantProblem(t, f.do(t, "GET", "/api/v1/notices/"+n.ID, nil, fr), 404, "not_found", "")
					wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/cancel", map[string]any{"reason": "again"}, ma), 409, "conflict", "")
				})
			}
		})
	}
}

func TestNoticeReviewRules(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			analyst := f.user(t, "IPSG", core.RoleAnalyst)

			// Every type refuses submission without its required data.
			for typ, field := range requiredOf {
				data := validData(typ)
				delete(data, field)
				n := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": typ, "data": data}, ma)
				wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{}, ma), 422, "invalid", "data."+field)
				// … and a diffusion needs it at once.
				wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": typ, "diffusion": true, "releasability": map[string]any{"mode": "all"}, "data": data}, ma),
					422, "invalid", "data."+field)
			}
			// Thresholds: an offence under 2 years, a sentence under 6 months.
			low := validData("red")
			low["charges"] = []any{map[string]any{"offence": "Insult", "law": "Penal Code art. 9", "max_penalty_years": 1}}
			n := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": low}, ma)
			p := wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{}, ma), 422, "invalid", "data.charges[0].max_penalty_years")
			if !strings.Contains(p.Errors[0].Reason, "at least 2 years") {
				t.Errorf("threshold reason: %+v", p.Errors)
			}
			sentence := validData("red")
			sentence["purpose"], sentence["sentence_remaining_months"] = "sentence", 4
			sentence["warrant"] = map[string]any{"kind": "judgment", "reference": "J-1", "date": "2025-01-01", "authority": "Court of Appeal"}
			n = f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": sentence}, ma)
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{}, ma), 422, "invalid", "data.sentence_remaining_months")
			// Unknown types, UN through the API, unknown and malformed fields.
			wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "magenta", "data": map[string]any{}}, ma), 422, "invalid", "type")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "un", "data": map[string]any{}}, ma), 422, "invalid", "type")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": map[string]any{"shoe_size": 44}}, ma), 422, "invalid", "data.shoe_size")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": map[string]any{"charges": []any{map[string]any{"max_penalty_years": "ten"}}}}, ma),
				422, "invalid", "data.charges[0].max_penalty_years")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "silver", "data": map[string]any{"assets": []any{map[string]any{"type": "yacht"}}}}, ma),
				422, "invalid", "data.assets[0].type")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "silver", "data": map[string]any{"assets": []any{map[string]any{"type": "account",
				"identifiers": []any{map[string]any{"type": "iban", "value": "FR7630006000011234567890180"}}}}}}, ma), 422, "invalid", "data.assets[0].identifiers[0].value")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": map[string]any{}, "color": "red"}, ma), 400, "malformed", "color")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "blue", "public_extract": true, "data": map[string]any{}}, ma), 422, "invalid", "public_extract")
			// The records API does not take notices around the review.
			wantProblem(t, f.do(t, "POST", "/api/v1/records", map[string]any{"kind": "notice", "releasability": map[string]any{"mode": "all"}, "data": map[string]any{"notice_type": "red"}}, ma), 403, "forbidden", "")

			// Review: only reviewers; refusal needs a category and a reason;
			// the requester is told; a refused request is edited and resubmitted.
			n = f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red")}, ma)
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish"}, rev), 409, "conflict", "")
			n = f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{"version": n.Version}, ma)
			wantProblem(t, f.do(t, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"data": validData("red"), "version": n.Version}, ma), 409, "conflict", "")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish"}, ma), 403, "forbidden", "")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish"}, analyst), 404, "not_found", "")
			wantProblem(t, f.do(t, "GET", "/api/v1/reviews", nil, ma), 403, "forbidden", "")
			var q struct{ Items []notice }
			f.do(t, "GET", "/api/v1/reviews", nil, rev).decode(t, &q)
			if len(q.Items) != 1 || q.Items[0].ID != n.ID || len(q.Items[0].Checks) == 0 || !q.Items[0].Checks[0].OK {
				t.Fatalf("queue: %+v", q.Items)
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "refuse", "reason": "x"}, rev), 422, "invalid", "reason_category")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "refuse", "reason_category": "article3_political"}, rev), 422, "invalid", "reason")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "maybe"}, rev), 422, "invalid", "decision")
			refused := f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "refuse", "reason_category": "article3_political",
				"reason": "the charges concern the subject's political opinions"}, rev)
			if refused.State != core.NoticeRefused || refused.Status != core.StatusPending || refused.ReasonCategory != "article3_political" {
				t.Fatalf("refused: %+v", refused)
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish"}, rev), 409, "conflict", "")
			mine := f.noticeDo(t, 200, "GET", "/api/v1/notices/"+n.ID, nil, ma)
			if mine.Reason != "the charges concern the subject's political opinions" {
				t.Fatalf("the requester does not see the reason: %+v", mine)
			}
			edited := f.noticeDo(t, 200, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"data": validData("red"), "reason": "political charge removed", "version": mine.Version}, ma)
			if edited.State != core.NoticeDraft {
				t.Fatalf("edited after refusal: %s", edited.State)
			}
			f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{}, ma)
			pub := f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish"}, rev)
			if pub.State != core.NoticePublished {
				t.Fatalf("published after resubmission: %+v", pub)
			}
			// Publishing twice is a conflict.
			p = wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish"}, rev), 409, "conflict", "")
			if !strings.Contains(p.Detail, "already published") {
				t.Errorf("publish twice: %s", p.Detail)
			}
			// The decision went to the requester as events.
			var evs []core.Event
			f.Store.View(context.Background(), func(tx core.Tx) error { evs, _ = tx.Events(0, "MA", 1000); return nil })
			types := map[string]int{}
			for _, e := range evs {
				if e.Subject == n.ID {
					types[e.Type]++
				}
			}
			if types[notices.EventSubmitted] != 2 || types[notices.EventDecided] != 2 || types[notices.EventPublished] != 1 || types[notices.EventUpdated] != 1 {
				t.Fatalf("events for the requester: %v", types)
			}

			// A reviewer may not review their own bureau's request: the
			// secretariat's own notices are the UN ones, published by import.
			un, err := f.Records.Create(context.Background(), core.Viewer{Bureau: "IPSG", UserID: "import:un", Permissions: []string{core.PermRecordsRead, core.PermRecordsWrite}},
				records.Input{Kind: core.KindNotice, Releasability: &core.Releasability{Mode: core.ReleaseAll},
					Data: json.RawMessage(`{"notice_type":"un","name":"Test Entity","subject_type":"entity","reference":"QDe.999"}`)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Notices.Adopt(context.Background()); err != nil {
				t.Fatal(err)
			}
			p = wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+un.ID+"/decision", map[string]any{"decision": "publish"}, rev), 403, "forbidden", "")
			if !strings.Contains(p.Detail, "own bureau") {
				t.Errorf("own bureau: %s", p.Detail)
			}
		})
	}
}

func TestNoticeScreening(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)
			fr := f.key(t, "FR", core.PermScreen, core.PermRecordsRead)
			es := f.key(t, "ES", core.PermScreen, core.PermRecordsRead)
			screenName := func(c *caller, name string) []hit {
				return hitsOf(t, f.do(t, "POST", "/api/v1/screen/person", map[string]any{"name": name}, c))
			}

			draft := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red"),
				"releasability": map[string]any{"mode": "only", "countries": []string{"FR"}}}, ma)
			if hs := screenName(fr, "Abdellatif Kharroubi"); len(hs) != 0 {
				t.Fatalf("a draft is screened: %+v", hs)
			}
			f.noticeDo(t, 200, "POST", "/api/v1/notices/"+draft.ID+"/submit", map[string]any{}, ma)
			if hs := screenName(fr, "Abdellatif Kharroubi"); len(hs) != 0 {
				t.Fatalf("a submitted request is screened: %+v", hs)
			}
			pub := f.noticeDo(t, 200, "POST", "/api/v1/notices/"+draft.ID+"/decision", map[string]any{"decision": "publish"}, rev)
			// Published: the Arabic name is found by a Latin spelling, in full
			// for FR, as "possible hit — contact bureau MA" for ES.
			hs := screenName(fr, "Abdul Latif Kharubi")
			if len(hs) != 1 || hs[0].RecordID != pub.ID || hs[0].Restricted {
				t.Fatalf("FR screening the published notice: %+v", hs)
			}
			hs = screenName(es, "Abdellatif Kharroubi")
			if len(hs) != 1 || !hs[0].Restricted || hs[0].RecordID != "" || !strings.Contains(hs[0].Message, "contact bureau MA") {
				t.Fatalf("ES screening the restricted notice: %+v", hs)
			}
			// Its publication event reaches FR, not ES (the access decision
			// on the record it names).
			var evs []core.Event
			var rec *core.Record
			f.Store.View(context.Background(), func(tx core.Tx) error {
				evs, _ = tx.Events(0, "", 1000)
				rec, _ = tx.GetRecord(pub.ID)
				return nil
			})
			found := false
			for i := range evs {
				if e := &evs[i]; e.Type == notices.EventPublished && e.Subject == pub.ID {
					found = true
					if !access.CanSeeEvent(fr.Viewer, e, rec) || access.CanSeeEvent(es.Viewer, e, rec) {
						t.Errorf("publication event of a notice released to FR only: FR %v, ES %v", access.CanSeeEvent(fr.Viewer, e, rec), access.CanSeeEvent(es.Viewer, e, rec))
					}
				}
			}
			if !found {
				t.Error("no notice.published event")
			}
			// The Arabic-script name alone finds it too.
			if hs := screenName(fr, "عبد اللطيف خروبي"); len(hs) != 1 {
				t.Fatalf("Arabic query: %+v", hs)
			}
			// Cancelled: out of screening at once.
			f.noticeDo(t, 200, "POST", "/api/v1/notices/"+pub.ID+"/cancel", map[string]any{"reason": "arrested in Tanger"}, ma)
			if hs := screenName(fr, "Abdellatif Kharroubi"); len(hs) != 0 {
				t.Fatalf("a cancelled notice is screened: %+v", hs)
			}

			// A Silver Notice's asset identifiers are screenable.
			silver := f.publish(t, ma, rev, "silver", validData("silver"), nil)
			ids := hitsOf(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"value": "FR7630006000011234567890189"}, fr))
			if len(ids) != 1 || ids[0].RecordID != silver.ID {
				t.Fatalf("silver IBAN: %+v", ids)
			}
			// Expired at its review date: out of screening, the owner told
			// beforehand, and extended back into circulation.
			f.later(5*365*24*time.Hour - 10*24*time.Hour)
			if _, warned, err := f.Notices.ExpireDue(context.Background()); err != nil || warned != 1 {
				t.Fatalf("expiring: warned %d, %v", warned, err)
			}
			f.later(20 * 24 * time.Hour)
			if expired, _, err := f.Notices.ExpireDue(context.Background()); err != nil || expired != 1 {
				t.Fatalf("expire: %d, %v", expired, err)
			}
			if ids := hitsOf(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"value": "FR7630006000011234567890189"}, fr)); len(ids) != 0 {
				t.Fatalf("an expired notice is screened: %+v", ids)
			}
			got := f.noticeDo(t, 200, "GET", "/api/v1/notices/"+silver.ID, nil, ma)
			if got.State != core.NoticeExpired {
				t.Fatalf("expired: %+v", got)
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+silver.ID+"/extend", map[string]any{}, ma), 422, "invalid", "reason")
			ext := f.noticeDo(t, 200, "POST", "/api/v1/notices/"+silver.ID+"/extend", map[string]any{"reason": "assets still being traced"}, ma)
			if ext.State != core.NoticePublished || ext.Status != core.StatusActive {
				t.Fatalf("extended: %+v", ext)
			}
			if ids := hitsOf(t, f.do(t, "POST", "/api/v1/screen/identifier", map[string]any{"value": "FR7630006000011234567890189"}, fr)); len(ids) != 1 {
				t.Fatalf("an extended notice is not screened: %+v", ids)
			}
			evs = nil
			f.Store.View(context.Background(), func(tx core.Tx) error { evs, _ = tx.Events(0, "MA", 1000); return nil })
			seen := map[string]bool{}
			for _, e := range evs {
				if e.Subject == silver.ID {
					seen[e.Type] = true
				}
			}
			if !seen[notices.EventExpiring] || !seen[notices.EventExpired] {
				t.Fatalf("expiry events: %v", seen)
			}
		})
	}
}

func TestNoticeSearchAndDiffusions(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			fr := f.user(t, "FR", core.RoleOfficer)
			br := f.user(t, "BR", core.RoleOfficer)
			rev := f.user(t, "IPSG", core.RoleReviewer)

			arabic := validData("blue")
			delete(arabic, "family_name")
			delete(arabic, "given_names")
			a := f.publish(t, ma, rev, "blue", arabic, nil)
			other := validData("blue")
			other["family_name"], other["given_names"], other["name_original"], other["nationalities"] = "Durand", "Pierre", "", []string{"FR"}
			delete(other, "name_original")
			o := f.publish(t, fr, rev, "blue", other, nil)

			list := func(c *caller, q url.Values) []notice {
				t.Helper()
				var page struct{ Items []notice }
				r := f.do(t, "GET", "/api/v1/notices?"+q.Encode(), nil, c)
				if r.Status != 200 {
					t.Fatalf("list: %s", r)
				}
				r.decode(t, &page)
				return page.Items
			}
			// A Latin query finds the Arabic-script notice, and only it.
			got := list(br, url.Values{"name": {"Abdellatif Kharroubi"}})
			if len(got) != 1 || got[0].ID != a.ID || got[0].Score < notices.NameThreshold {
				t.Fatalf("name search: %+v", got)
			}
			if got := list(br, url.Values{"owner": {"FR"}}); len(got) != 1 || got[0].ID != o.ID {
				t.Fatalf("owner filter: %+v", got)
			}
			if got := list(br, url.Values{"country": {"FRA"}}); len(got) != 1 || got[0].ID != o.ID {
				t.Fatalf("country filter: %+v", got)
			}
			if got := list(br, url.Values{"from": {time.Now().AddDate(0, 0, 1).Format("2006-01-02")}}); len(got) != 0 {
				t.Fatalf("date filter: %+v", got)
			}
			wantProblem(t, f.do(t, "GET", "/api/v1/notices?state=lost", nil, br), 422, "invalid", "state")
			wantProblem(t, f.do(t, "GET", "/api/v1/notices?type=magenta", nil, br), 422, "invalid", "type")

			// A diffusion goes straight to the countries chosen, no review.
			d := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "green", "diffusion": true,
				"releasability": map[string]any{"mode": "only", "countries": []string{"FR"}}, "data": validData("green")}, ma)
			if d.State != core.NoticePublished || d.Status != core.StatusActive || !d.Diffusion {
				t.Fatalf("diffusion: %+v", d)
			}
			f.noticeDo(t, 200, "GET", "/api/v1/notices/"+d.ID, nil, fr)
			wantProblem(t, f.do(t, "GET", "/api/v1/notices/"+d.ID, nil, br), 404, "not_found", "")
			if got := list(br, url.Values{"diffusion": {"true"}}); len(got) != 0 {
				t.Fatalf("BR lists a diffusion not sent to it: %+v", got)
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "green", "diffusion": true, "data": validData("green")}, ma), 422, "invalid", "releasability")
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+d.ID+"/submit", map[string]any{}, ma), 409, "conflict", "")
			// … and may become a notice request.
			wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+d.ID+"/to-notice", nil, fr), 403, "forbidden", "")
			req := f.noticeDo(t, 201, "POST", "/api/v1/notices/"+d.ID+"/to-notice", nil, ma)
			if req.Diffusion || req.State != core.NoticeDraft || req.Type != "green" || req.ID == d.ID {
				t.Fatalf("to-notice: %+v", req)
			}
			f.noticeDo(t, 200, "POST", "/api/v1/notices/"+req.ID+"/submit", map[string]any{}, ma)
		})
	}
}

func TestNoticeAttachments(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			ma := f.user(t, "MA", core.RoleOfficer)
			fr := f.user(t, "FR", core.RoleOfficer)
			draft := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": validData("red")}, ma)
			png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
			up := func(c *caller, id, name string, body []byte) *resp {
				return f.do(t, "POST", "/api/v1/notices/"+id+"/attachments?name="+url.QueryEscape(name), body, c, "Content-Type", "application/octet-stream")
			}
			r := up(ma, draft.ID, "face.png", png)
			if r.Status != 201 {
				t.Fatalf("upload: %s", r)
			}
			var a core.Attachment
			r.decode(t, &a)
			if a.ContentType != "image/png" || a.Role != "photo" || a.Size != int64(len(png)) {
				t.Fatalf("attachment: %+v", a)
			}
			got := f.do(t, "GET", "/api/v1/notices/"+draft.ID+"/attachments/"+a.ID, nil, ma)
			if got.Status != 200 || string(got.Body) != string(png) || got.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("download: %s", got)
			}
			// A hidden notice's attachment is not found, like the notice.
			wantProblem(t, f.do(t, "GET", "/api/v1/notices/"+draft.ID+"/attachments/"+a.ID, nil, fr), 404, "not_found", "")
			wantProblem(t, up(fr, draft.ID, "x.png", png), 404, "not_found", "")
			// An executable renamed .png, and an oversize file.
			exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 100)...)
			p := wantProblem(t, up(ma, draft.ID, "photo.png", exe), 422, "invalid", "file")
			if !strings.Contains(p.Errors[0].Reason, "JPEG, PNG or WebP") {
				t.Errorf("wrong type reason: %+v", p.Errors)
			}
			big := append([]byte("%PDF-1.7\n"), make([]byte, notices.DefaultMaxAttachmentBytes)...)
			wantProblem(t, up(ma, draft.ID, "file.pdf", big), 413, "too_large", "file")
			wantProblem(t, up(ma, draft.ID, "empty.pdf", nil), 422, "invalid", "file")
			pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
			r = f.do(t, "POST", "/api/v1/notices/"+draft.ID+"/attachments?name=warrant.pdf&role=photo", pdf, ma, "Content-Type", "application/octet-stream")
			wantProblem(t, r, 422, "invalid", "role")
			r = up(ma, draft.ID, "../../warrant.pdf", pdf)
			if r.Status != 201 {
				t.Fatalf("pdf: %s", r)
			}
			r.decode(t, &a)
			if a.Name != "warrant.pdf" || a.Role != "document" {
				t.Fatalf("pdf attachment: %+v", a)
			}
		})
	}
}

func TestNoticeQuota(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newNoticeFixture(t, b)
			f.Notices.Quotas[notices.TypeSilver] = notices.Quota{Total: 4, Participants: []string{"MA", "FR"}}
			ma := f.user(t, "MA", core.RoleOfficer)
			br := f.user(t, "BR", core.RoleOfficer)
			submit := func(c *caller) *resp {
				n := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "silver", "data": validData("silver")}, c)
				return f.do(t, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{}, c)
			}
			// Diffusions are not notices: they do not count.
			f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "silver", "diffusion": true, "releasability": map[string]any{"mode": "all"}, "data": validData("silver")}, ma)
			for i := 0; i < 2; i++ {
				if r := submit(ma); r.Status != 200 {
					t.Fatalf("within the quota: %s", r)
				}
			}
			p := wantProblem(t, submit(ma), 409, "conflict", "")
			if !strings.Contains(p.Detail, "2 each") {
				t.Errorf("quota detail: %s", p.Detail)
			}
			p = wantProblem(t, submit(br), 409, "conflict", "")
			if !strings.Contains(p.Detail, "not one of them") {
				t.Errorf("non-participant: %s", p.Detail)
			}
			// Other types are not limited.
			n := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "purple", "data": validData("purple")}, br)
			f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{}, br)
		})
	}
}

func TestNoticeBadBodies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.user(t, "MA", core.RoleOfficer)
		analyst := f.user(t, "MA", core.RoleAnalyst)
		n := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": "purple", "data": validData("purple")}, ma)
		wantProblem(t, f.do(t, "POST", "/api/v1/notices", `{"type":`, ma), 400, "malformed", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/notices", `{"type":"red","data":{}} {}`, ma), 400, "malformed", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/notices", `{"type":"red","diffusion":"yes","data":{}}`, ma), 400, "malformed", "diffusion")
		wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": "Kharroubi"}, ma), 422, "invalid", "data")
		wantProblem(t, f.do(t, "POST", "/api/v1/notices", `{"type":"red","data":{"description":"`+strings.Repeat("x", 1<<20)+`"}}`, ma), 413, "too_large", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": map[string]any{}, "releasability": map[string]any{"mode": "some"}}, ma), 422, "invalid", "releasability.mode")
		wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": map[string]any{}}, analyst), 403, "forbidden", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/notices", map[string]any{"type": "red", "data": map[string]any{}}, nil), 401, "unauthorized", "")
		wantProblem(t, f.do(t, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"data": validData("purple")}, ma), 422, "invalid", "version")
		wantProblem(t, f.do(t, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"data": validData("purple")}, ma, "If-Match", `"abc"`), 422, "invalid", "If-Match")
		wantProblem(t, f.do(t, "PUT", "/api/v1/notices/"+n.ID, map[string]any{"data": validData("purple"), "version": 7}, ma), 409, "conflict", "")
		wantProblem(t, f.do(t, "PUT", "/api/v1/notices/"+newID(), map[string]any{"data": validData("purple"), "version": 1}, ma), 404, "not_found", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/cancel", map[string]any{"reason": "  "}, ma), 422, "invalid", "reason")
		wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/extend", map[string]any{"reason": "keep"}, ma), 409, "conflict", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/notices/"+n.ID+"/to-notice", nil, ma), 409, "conflict", "")
		wantProblem(t, f.do(t, "GET", "/api/v1/notices?limit=0", nil, ma), 422, "invalid", "limit")
		wantProblem(t, f.do(t, "GET", "/api/v1/notices?from=yesterday", nil, ma), 422, "invalid", "from")
		wantProblem(t, f.do(t, "GET", "/api/v1/notices?country=XX", nil, ma), 422, "invalid", "country")
		// A hidden notice and an absent one answer alike.
		fr := f.user(t, "FR", core.RoleOfficer)
		sameProblem(t, f.do(t, "GET", "/api/v1/notices/"+n.ID, nil, fr), f.do(t, "GET", "/api/v1/notices/"+newID(), nil, fr))
	})
}
