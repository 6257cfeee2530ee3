package api_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
	"github.com/manara-hub/manara/internal/web/api"
)

// TestAccreditationRestrictedFindingKnownAfterHitWindow: a participant
// whose screening hit a record not released to the host is in review
// ("possible hit — contact bureau ES"); the unit contacts Spain and
// clears her. More than a day later Spain edits that same record (the
// names unchanged). Continuous screening re-screens her; the hit on
// that record is not new — the host was shown it and decided — so README
// ("A hit not seen before on that attendee moves it back to the queue";
// "a re-screening's hits fold into the hits already made") wants no
// alert and the clearance to stand, although the hits service made a new
// hit id once its 24-hour folding window had passed. A second restricted
// record of the same owner is still a new finding. What tells them apart
// (a keyed record key kept with the attendee) never reaches the host's
// unit: not in the participant, the queue or the alert event.
func TestAccreditationRestrictedFindingKnownAfterHitWindow(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			var clock atomic.Int64
			t0 := time.Date(2025, 11, 23, 9, 0, 0, 0, time.UTC) // the day before the gathering
			clock.Store(t0.UnixNano())
			now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
			f, srv := newIndexedFixture(t, b, api.Config{Version: "test"}, func(s *api.Server) {
				s.Accreditation.Now = now
				s.Hits.Now = now
			})
			ctx := context.Background()
			host, es := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer)
			r := f.do(t, "POST", "/api/v1/gatherings", gatheringBody(), host)
			if r.Status != 201 {
				t.Fatalf("create gathering: %s", r)
			}
			gid := jsonField(r, "id").(string)
			base := "/api/v1/gatherings/" + gid + "/participants"
			data := map[string]any{"family_name": "Drevlyanska", "given_names": "Oksana", "date_of_birth": "1984-07-21", "nationalities": []string{"UA"}}
			onlyES := core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}}
			rec := f.createRecord(t, es, map[string]any{"kind": core.KindPerson, "releasability": onlyES, "data": data})

			r = importCSV(t, f, host, gid, "ref,category,name,date_of_birth,sex,nationalities\nA-002,staff,Oksana Drevlyanska,1984-07-21,F,UA\n")
			if r.Status != 201 {
				t.Fatalf("import: %s", r)
			}
			var q accreditation.Queue
			f.do(t, "GET", base+"?status=review", nil, host).decode(t, &q)
			if q.Count != 1 || len(q.Items[0].Findings) != 1 || !q.Items[0].Findings[0].Restricted {
				t.Fatalf("setup: review queue %+v", q)
			}
			id := q.Items[0].ID
			if r = f.do(t, "POST", base+"/"+id+"/decision", map[string]any{"decision": "clear", "reason": "Spain contacted: not the person of its record"}, host); r.Status != 200 {
				t.Fatalf("clear: %s", r)
			}
			// A first pass (the record's creation is in the feed) folds.
			if n, _, err := srv.Accreditation.CheckChanges(ctx); err != nil || n != 0 {
				t.Fatalf("first pass: %d alerts, %v", n, err)
			}

			// 27 hours later, during the gathering, Spain edits its record.
			clock.Store(t0.Add(27 * time.Hour).UnixNano())
			data["remarks"] = "address updated"
			if r = f.do(t, "PUT", "/api/v1/records/"+rec.ID, map[string]any{"version": rec.Version, "data": data}, es); r.Status != 200 {
				t.Fatalf("update: %s", r)
			}
			n, _, err := srv.Accreditation.CheckChanges(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got participant
			f.do(t, "GET", base+"/"+id, nil, host).decode(t, &got)
			if n != 0 || got.Status != core.AttendeeCleared || len(got.Findings) != 1 {
				t.Fatalf("the same restricted record, already shown and decided on, alerted again: %d alerts; status %s, %d findings (%d alerts), decision %+v",
					n, got.Status, len(got.Findings), got.Alerts, got.Decision)
			}

			// Another record of Spain's on her, also not released to the
			// host, is a finding not seen before.
			clock.Store(t0.Add(28 * time.Hour).UnixNano())
			other := f.createRecord(t, es, map[string]any{"kind": core.KindPerson, "releasability": onlyES,
				"data": map[string]any{"family_name": "Drevlyanska", "given_names": "Oksana", "date_of_birth": "1984-07-21", "nationalities": []string{"UA"}, "remarks": "second file"}})
			if n, _, err = srv.Accreditation.CheckChanges(ctx); err != nil || n != 1 {
				t.Fatalf("another restricted record: %d alerts, %v", n, err)
			}
			f.do(t, "GET", base+"/"+id, nil, host).decode(t, &got)
			if got.Status != core.AttendeeReview || len(got.Findings) != 2 || got.Findings[0].Owner != "ES" || got.Findings[1].Owner != "ES" || !got.Findings[1].Alert {
				t.Fatalf("after the second record: status %s, findings %+v", got.Status, got.Findings)
			}

			// The store keeps a record key for each, one per record, and
			// neither is the record id.
			var stored *core.Attendee
			if err := f.Store.View(ctx, func(tx core.Tx) error {
				var err error
				stored, err = tx.GetAttendee(gid, id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, fd := range stored.Findings {
				if fd.RecordKey == "" || fd.RecordID != "" || strings.Contains(fd.RecordKey, rec.ID) || strings.Contains(fd.RecordKey, other.ID) {
					t.Fatalf("stored finding %+v", fd)
				}
				keys = append(keys, fd.RecordKey)
			}
			if len(keys) != 2 || keys[0] == keys[1] {
				t.Fatalf("record keys %q", keys)
			}

			// Nothing the host's unit is shown names either record, or
			// carries the keys that would tell it the findings' records.
			shown := map[string]string{
				"participant": string(f.do(t, "GET", base+"/"+id, nil, host).Body),
				"queue":       string(f.do(t, "GET", base, nil, host).Body),
			}
			alerts := 0
			for _, e := range storedEvents(t, f.Store, "MA") {
				if e.Type == accreditation.EventAlert {
					alerts++
					shown["alert event"] = string(e.Data)
				}
			}
			if alerts != 1 || !strings.Contains(shown["alert event"], id) {
				t.Fatalf("%d alert events for the host, the last %s", alerts, shown["alert event"])
			}
			for what, body := range shown {
				for _, secret := range append([]string{rec.ID, other.ID, "record_key"}, keys...) {
					if strings.Contains(body, secret) {
						t.Errorf("the %s shown to the host's unit holds %q: %s", what, secret, body)
					}
				}
			}
		})
	}
}
