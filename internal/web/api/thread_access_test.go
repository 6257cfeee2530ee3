package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestThreadOnNarrowedRecord: a thread on a record follows the record's
// releasability at read time. Once the owner narrows the record away from
// a participant bureau, that bureau no longer lists, reads, posts to or
// marks the thread (404, as for a thread that does not exist), its event
// stream replays none of the thread's events (those written before the
// events named the record included), and its webhook gets no delivery for
// new messages; the owner keeps the thread.
func TestThreadOnNarrowedRecord(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newCoopFixture(t, b, true)
			ma, fr, frAdmin := f.user(t, "MA", core.RoleOfficer), f.user(t, "FR", core.RoleOfficer), f.user(t, "FR", core.RoleAdmin)
			rec := f.createRecord(t, ma, personInput("Bennani", core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}))
			rc := newReceiver(t, 0)
			hook := f.registerWebhook(t, frAdmin, rc.URL, rc, "message.posted")

			r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Bennani: address in Lyon?", "record_id": rec.ID, "participants": []string{"FR"},
				"message": map[string]any{"type": "information_request", "body": "Do you hold a current address?"}}, ma)
			if r.Status != http.StatusCreated {
				t.Fatalf("open thread: %s", r)
			}
			var th struct{ ID string }
			r.decode(t, &th)
			if r := f.do(t, "GET", "/api/v1/threads/"+th.ID, nil, fr); r.Status != http.StatusOK {
				t.Fatalf("FR reads the thread while the record is released to it: %s", r)
			}
			if err := f.Dispatcher.Step(ctx); err != nil {
				t.Fatal(err)
			}

			// MA narrows the record to Spain only.
			if r := f.do(t, "PUT", "/api/v1/records/"+rec.ID, map[string]any{"releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"ES"}}},
				ma, "If-Match", `"1"`); r.Status != http.StatusOK {
				t.Fatalf("narrow: %s", r)
			}
			// An event as messages wrote them before they named the record.
			legacy, _ := json.Marshal(map[string]any{"thread_id": th.ID, "number": 9, "from": "MA", "subject": "Bennani: address in Lyon?"})
			if err := f.Store.Update(ctx, func(tx core.Tx) error {
				return tx.InsertEvent(&core.Event{At: time.Now().UTC(), Type: "message.posted", Subject: th.ID, Audience: []string{"FR", "MA"}, Data: legacy})
			}); err != nil {
				t.Fatal(err)
			}
			if r := f.do(t, "POST", "/api/v1/threads/"+th.ID+"/messages", map[string]any{"type": "general", "body": "New lead: he moved to Valencia."}, ma); r.Status != http.StatusCreated {
				t.Fatalf("the owner posts to its thread: %s", r)
			}
			if r := f.do(t, "GET", "/api/v1/threads/"+th.ID, nil, ma); r.Status != http.StatusOK {
				t.Fatalf("the owner reads its thread: %s", r)
			}

			// FR: gone, exactly like a thread that does not exist.
			sameProblem(t, f.do(t, "GET", "/api/v1/threads/"+th.ID, nil, fr), f.do(t, "GET", "/api/v1/threads/"+newID(), nil, fr))
			wantProblem(t, f.do(t, "GET", "/api/v1/threads/"+th.ID, nil, fr), 404, core.ENOTFOUND, "")
			wantProblem(t, f.do(t, "POST", "/api/v1/threads/"+th.ID+"/messages", map[string]any{"type": "general", "body": "still there?"}, fr), 404, core.ENOTFOUND, "")
			wantProblem(t, f.do(t, "POST", "/api/v1/threads/"+th.ID+"/read", nil, fr), 404, core.ENOTFOUND, "")
			var list struct{ Items []struct{ ID string } }
			f.do(t, "GET", "/api/v1/threads", nil, fr).decode(t, &list)
			for _, it := range list.Items {
				if it.ID == th.ID {
					t.Fatalf("FR still lists the thread on a record narrowed away from it")
				}
			}

			// A sentinel FR may see, after everything above in the stream.
			r = f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Liaison officers' meeting", "participants": []string{"FR"},
				"message": map[string]any{"type": "general", "body": "Agenda attached next week."}}, ma)
			if r.Status != http.StatusCreated {
				t.Fatalf("open sentinel thread: %s", r)
			}
			var sentinel struct{ ID string }
			r.decode(t, &sentinel)
			replay := f.subscribe(t, fr, "0")
			for {
				ev := replay.next(t, "message.posted")
				if ev.Data["subject"] == th.ID {
					t.Fatalf("FR's event stream replays an event of the narrowed thread: %+v", ev)
				}
				if ev.Data["subject"] == sentinel.ID {
					break
				}
			}

			// FR's webhook: the first message (released then) and the
			// sentinel, nothing posted after the narrowing.
			if err := f.Dispatcher.Step(ctx); err != nil {
				t.Fatal(err)
			}
			var dl struct{ Items []core.Delivery }
			r = f.do(t, "GET", "/api/v1/webhooks/"+hook+"/deliveries", nil, frAdmin)
			r.decode(t, &dl)
			if r.Status != http.StatusOK || len(dl.Items) != 2 {
				t.Fatalf("FR's webhook deliveries: want 2 (before the narrowing, and the sentinel): %s", r)
			}
		})
	}
}
