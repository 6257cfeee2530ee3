package api_test

import (
	"net/http"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestScenarioRedNoticeHit is the "done means": Morocco publishes
// a Red Notice for an Arabic-script name; Spain screens a Latin spelling
// of it at a border post; both bureaus receive the hit by SSE and by
// webhook; they exchange messages and mark the hit confirmed.
func TestScenarioRedNoticeHit(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, false)
			maOfficer, maAdmin := f.user(t, "MA", core.RoleOfficer), f.user(t, "MA", core.RoleAdmin)
			esOfficer, esAdmin := f.user(t, "ES", core.RoleOfficer), f.user(t, "ES", core.RoleAdmin)
			border := f.key(t, "ES", core.PermScreen)

			maHook, esHook := newReceiver(t, 1), newReceiver(t, 1)
			f.registerWebhook(t, maAdmin, maHook.URL, maHook, "hit.*", "message.posted")
			f.registerWebhook(t, esAdmin, esHook.URL, esHook, "*")
			maSSE, esSSE := f.subscribe(t, maOfficer, ""), f.subscribe(t, esOfficer, "")

			notice := f.publishNotice(t, maOfficer, "عبد اللطيف خروبي", "Abdellatif Kharroubi")

			hs := f.screenPerson(t, border, "Abdul Latif Kharubi", map[string]string{"border_post": "Algeciras", "ferry": "FRS 1430"})
			if len(hs) == 0 || hs[0].HitID == "" || hs[0].RecordID != notice.ID {
				t.Fatalf("Spain's screening did not hit the notice: %+v", hs)
			}
			hitID := hs[0].HitID

			for name, sc := range map[string]*sseClient{"MA": maSSE, "ES": esSSE} {
				ev := sc.next(t, "hit.created")
				data, _ := ev.Data["data"].(map[string]any)
				if data["id"] != hitID || ev.Data["record_id"] != notice.ID {
					t.Fatalf("%s's SSE hit event %+v", name, ev.Data)
				}
			}
			for name, rc := range map[string]*receiver{"MA": maHook, "ES": esHook} {
				d := rc.wait(t, "hit.created")
				ev := d["event"].(map[string]any)
				if ev["subject"] != hitID || ev["record_id"] != notice.ID {
					t.Fatalf("%s's webhook delivery %+v", name, d)
				}
			}
			ctx := f.getHit(t, maOfficer, hitID).Context
			if ctx["border_post"] != "Algeciras" {
				t.Fatalf("the owner does not see where the hit was: %+v", ctx)
			}

			// They talk.
			r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Red Notice hit at Algeciras", "hit_id": hitID,
				"message": map[string]any{"type": "identity_confirmation", "body": "Traveller held at Algeciras; passport photo matches. Please confirm identity."}}, esOfficer)
			if r.Status != http.StatusCreated {
				t.Fatalf("Spain opens a thread: %s", r)
			}
			var th struct{ ID string }
			r.decode(t, &th)
			if ev := maSSE.next(t, "message.posted"); ev.Data["subject"] != th.ID {
				t.Fatalf("Morocco's message event %+v", ev.Data)
			}
			maHook.wait(t, "message.posted")
			if r := f.do(t, "POST", "/api/v1/threads/"+th.ID+"/messages", map[string]any{"type": "provisional_arrest_request",
				"body": "Identity confirmed. Morocco requests provisional arrest pending extradition."}, maOfficer); r.Status != http.StatusCreated {
				t.Fatalf("Morocco replies: %s", r)
			}
			esSSE.next(t, "message.posted")
			esHook.wait(t, "message.posted")

			// Both sides confirm.
			for _, c := range []*caller{maOfficer, esOfficer} {
				f.moveHit(t, c, hitID, map[string]any{"state": core.HitBeingChecked})
				f.moveHit(t, c, hitID, map[string]any{"state": core.HitConfirmed, "notes": "identity confirmed"})
			}
			h := f.getHit(t, esOfficer, hitID)
			if h.OwnerState != core.HitConfirmed || h.SearcherState != core.HitConfirmed {
				t.Fatalf("hit after confirmation %+v", h)
			}
			esSSE.next(t, "hit.updated")
			esHook.wait(t, "hit.updated")
		})
	}
}
