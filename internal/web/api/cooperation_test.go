package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

var borderPost = map[string]string{"border_post": "Algeciras port", "ferry": "Tanger Med – Algeciras 14:30"}

// TestHits: a screening at the alert threshold makes a hit; the owner sees
// everything, the searcher the record only if releasable, anybody else
// nothing; repeats fold; each side follows its own states.
func TestHits(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma, es, fr := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer), f.user(t, "FR", core.RoleOfficer)
			open := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": core.Releasability{Mode: core.ReleaseAll},
				"data": map[string]any{"family_name": "Kharroubi", "given_names": "Abdellatif", "nationalities": []string{"MA"}}})
			closed := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}},
				"data": map[string]any{"family_name": "Benkirane", "given_names": "Youssef", "nationalities": []string{"MA"}}})

			// A miss makes no hit.
			if hs := f.screenPerson(t, es, "Zebulon Quartermaine", nil); len(hs) != 0 {
				t.Fatalf("miss answered %v", hs)
			}
			hs := f.screenPerson(t, es, "Abdellatif Kharroubi", borderPost)
			if len(hs) == 0 || hs[0].HitID == "" || hs[0].RecordID != open.ID {
				t.Fatalf("hit answer %+v", hs)
			}
			hitID := hs[0].HitID
			owner := f.getHit(t, ma, hitID)
			if owner.RecordID != open.ID || owner.Score < 0.85 || len(owner.Explanation) == 0 || owner.Searcher != "ES" || owner.Owner != "MA" ||
				owner.Context["border_post"] != "Algeciras port" || owner.OwnerState != core.HitNew || owner.Count != 1 {
				t.Fatalf("owner's view %+v", owner)
			}
			if got := f.getHit(t, es, hitID); got.Restricted || got.RecordID != open.ID {
				t.Fatalf("searcher of a releasable record sees %+v", got)
			}
			sameProblem(t, f.do(t, "GET", "/api/v1/hits/"+hitID, nil, fr), f.do(t, "GET", "/api/v1/hits/"+newID(), nil, fr))
			wantProblem(t, f.do(t, "GET", "/api/v1/hits/"+hitID, nil, fr), 404, core.ENOTFOUND, "")

			// Not releasable to Spain: "possible hit — contact bureau MA" and nothing else.
			rs := f.screenPerson(t, es, "Youssef Benkirane", borderPost)
			if len(rs) != 1 || !rs[0].Restricted || rs[0].RecordID != "" || rs[0].HitID == "" {
				t.Fatalf("restricted answer %+v", rs)
			}
			rv := f.getHit(t, es, rs[0].HitID)
			if !rv.Restricted || rv.RecordID != "" || rv.Score != 0 || len(rv.Explanation) != 0 || !strings.Contains(rv.Message, "contact bureau MA") {
				t.Fatalf("searcher's restricted view %+v", rv)
			}
			if raw := string(f.do(t, "GET", "/api/v1/hits/"+rs[0].HitID, nil, es).Body); strings.Contains(raw, closed.ID) || strings.Contains(raw, "Benkirane\"") && strings.Contains(raw, "label") {
				t.Fatalf("restricted hit leaks the record: %s", raw)
			}
			if ov := f.getHit(t, ma, rs[0].HitID); ov.RecordID != closed.ID || ov.Score == 0 {
				t.Fatalf("owner's view of the restricted hit %+v", ov)
			}

			// The same subject, record and place fold; another place does not.
			again := f.screenPerson(t, es, "abdellatif  KHARROUBI", borderPost)
			if again[0].HitID != hitID || f.getHit(t, ma, hitID).Count != 2 {
				t.Fatalf("repeat not folded: %s vs %s", again[0].HitID, hitID)
			}
			elsewhere := f.screenPerson(t, es, "Abdellatif Kharroubi", map[string]string{"border_post": "Madrid Barajas T4"})
			if elsewhere[0].HitID == hitID {
				t.Fatal("a sighting at another place folded into the first")
			}

			// States: invalid transitions name the allowed ones.
			p := wantProblem(t, f.do(t, "POST", "/api/v1/hits/"+hitID+"/state", map[string]any{"state": "confirmed"}, ma), 409, core.ECONFLICT, "state")
			if !strings.Contains(p.Detail, "being_checked") {
				t.Errorf("conflict does not name the allowed state: %s", p.Detail)
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/hits/"+hitID+"/state", map[string]any{"state": "arrested"}, ma), 422, core.EINVALID, "state")
			wantProblem(t, f.do(t, "POST", "/api/v1/hits/"+hitID+"/state", map[string]any{"state": "being_checked", "colour": "red"}, ma), 400, "malformed", "colour")
			wantProblem(t, f.do(t, "POST", "/api/v1/hits/"+hitID+"/state", map[string]any{"state": "being_checked"}, fr), 404, core.ENOTFOUND, "")
			f.moveHit(t, ma, hitID, map[string]any{"state": "being_checked", "notes": "checking fingerprints"})
			f.moveHit(t, ma, hitID, map[string]any{"state": "confirmed"})
			wantProblem(t, f.do(t, "POST", "/api/v1/hits/"+hitID+"/state", map[string]any{"state": "action_taken"}, ma), 422, core.EINVALID, "action")
			h := f.moveHit(t, ma, hitID, map[string]any{"action": "information_exchanged", "notes": "sent the warrant"})
			if h.OwnerState != core.HitActionTaken || h.SearcherState != core.HitNew || len(h.History) != 3 || h.History[2].Action != "information_exchanged" {
				t.Fatalf("after owner's actions %+v", h)
			}
			s := f.moveHit(t, es, hitID, map[string]any{"state": "being_checked"})
			if s.SearcherState != core.HitBeingChecked || s.OwnerState != core.HitActionTaken {
				t.Fatalf("searcher's side %+v", s)
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/hits/"+hitID+"/state", map[string]any{"state": "confirmed", "version": 1}, es), 409, core.ECONFLICT, "")

			// The restricted hit's searcher-side view never shows the owner's notes.
			f.moveHit(t, ma, rs[0].HitID, map[string]any{"state": "being_checked", "notes": "secret source says yes"})
			if raw := string(f.do(t, "GET", "/api/v1/hits/"+rs[0].HitID, nil, es).Body); strings.Contains(raw, "secret source") {
				t.Fatalf("the owner's notes reach a searcher who may not see the record: %s", raw)
			}

			// Listings and statistics.
			var page struct{ Items []hitView }
			f.do(t, "GET", "/api/v1/hits?side=owner", nil, ma).decode(t, &page)
			if len(page.Items) != 3 {
				t.Fatalf("MA owns %d hits, want 3", len(page.Items))
			}
			f.do(t, "GET", "/api/v1/hits", nil, fr).decode(t, &page)
			if len(page.Items) != 0 {
				t.Fatalf("FR sees %d hits", len(page.Items))
			}
			wantProblem(t, f.do(t, "GET", "/api/v1/hits?side=both", nil, ma), 422, core.EINVALID, "side")
			var st struct {
				Hits, Sightings int
				AsOwner         int                  `json:"as_owner"`
				ByCountry       map[string]int       `json:"by_country"`
				ByOutcome       map[string]int       `json:"by_outcome"`
				ByType          map[string]int       `json:"by_type"`
				ByAction        map[string]int       `json:"by_action"`
				OverTime        []struct{ Hits int } `json:"over_time"`
			}
			r := f.do(t, "GET", "/api/v1/hits/stats?bucket=day&from="+time.Now().AddDate(0, 0, -2).Format("2006-01-02"), nil, ma)
			r.decode(t, &st)
			total := 0
			for _, b := range st.OverTime {
				total += b.Hits
			}
			if st.Hits != 3 || st.Sightings != 4 || st.AsOwner != 3 || st.ByCountry["ES"] != 3 || st.ByType["person"] != 3 ||
				st.ByOutcome[core.HitActionTaken] != 1 || st.ByAction["information_exchanged"] != 1 || total != 3 {
				t.Fatalf("stats %s", r)
			}
			wantProblem(t, f.do(t, "GET", "/api/v1/hits/stats?bucket=fortnight", nil, ma), 422, core.EINVALID, "bucket")

			// Batch screening makes hits too.
			br := f.do(t, "POST", "/api/v1/screen/batch", `{"type":"person","name":"Abdellatif Kharroubi"}`+"\n", es, "Content-Type", "application/x-ndjson")
			if br.Status != 200 || !strings.Contains(string(br.Body), `"hit_id"`) {
				t.Fatalf("batch: %s", br)
			}
		})
	}
}

// TestEventStream: anonymous callers are refused; a bureau hears of hits
// on its records and by its screenings, as much as it may see; a client
// that reconnects with Last-Event-ID gets what it missed.
func TestEventStream(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma, es, fr := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer), f.user(t, "FR", core.RoleOfficer)
			if sc := f.subscribe(t, nil, ""); sc.Status != http.StatusUnauthorized {
				t.Fatalf("anonymous subscription answered %d", sc.Status)
			}
			wantProblem(t, f.do(t, "GET", "/api/v1/events", nil, ma, "Last-Event-ID", "yesterday"), 422, core.EINVALID, "Last-Event-ID")
			border := f.key(t, "ES", core.PermScreen)
			maS, esS, frS := f.subscribe(t, ma, ""), f.subscribe(t, es, ""), f.subscribe(t, fr, "")
			closed := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}},
				"data": map[string]any{"family_name": "Benkirane", "given_names": "Youssef"}})
			open := f.createRecord(t, ma, personInput("Alaoui", core.Releasability{Mode: core.ReleaseAll}))
			hs := f.screenPerson(t, es, "Youssef Benkirane", borderPost)
			ev := maS.next(t, "hit.created")
			if ev.Data["record_id"] != closed.ID {
				t.Fatalf("owner's event %+v", ev)
			}
			sv := esS.next(t, "hit.created")
			if _, has := sv.Data["record_id"]; has || !strings.Contains(sv.ID, "") {
				t.Fatalf("searcher's event names the record: %+v", sv)
			}
			data, _ := sv.Data["data"].(map[string]any)
			if data["restricted"] != true || data["id"] != hs[0].HitID || !strings.Contains(data["message"].(string), "contact bureau MA") || data["score"] != nil {
				t.Fatalf("searcher's possible-hit event %+v", sv.Data)
			}
			borderS := f.subscribe(t, border, "")
			bs := f.screenPerson(t, border, "Test Alaoui", nil)
			if len(bs) == 0 || bs[0].HitID == "" {
				t.Fatalf("border key's screening made no hit: %+v", bs)
			}
			bv := borderS.next(t, "hit.created")
			if bv.Data["record_id"] != open.ID {
				t.Fatalf("a screening key hears of its releasable hit with the record: %+v", bv)
			}
			if got := frS.drain(300 * time.Millisecond); len(got) != 0 {
				t.Fatalf("FR, no side of any hit, received %+v", got)
			}
			// Reconnect from before the hit: the stored events are replayed.
			replay := f.subscribe(t, ma, "0")
			if r := replay.next(t, "hit.created"); r.ID != ev.ID {
				t.Fatalf("replay gave %s, want %s", r.ID, ev.ID)
			}
			after := f.subscribe(t, ma, ev.ID)
			if got := after.drain(300 * time.Millisecond); len(got) != 1 || got[0].Data["record_id"] != open.ID {
				t.Fatalf("after Last-Event-ID %s: %+v", ev.ID, got)
			}
		})
	}
}

// TestWebhooks: bad destinations are refused; a receiver that fails the
// first attempts gets every delivery once, signed; a delivery that never
// succeeds is dead-lettered with its last error, and can be retried; a
// dispatcher restart loses nothing.
func TestWebhooks(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			admin, officer, es := f.user(t, "MA", core.RoleAdmin), f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer)
			for _, c := range []struct{ url, why string }{
				{"ftp://127.0.0.1/hook", "scheme"}, {"file:///etc/passwd", "scheme"}, {"javascript:alert(1)", "http"},
				{"http://10.0.0.1/hook", "allow list"}, {"http://169.254.169.254/latest/meta-data", "allow list"},
				{"https://hooks.example.org/x", "allow list"}, {"http://user:pw@127.0.0.1/x", "credentials"}, {"/relative", "absolute"},
			} {
				p := wantProblem(t, f.do(t, "POST", "/api/v1/webhooks", map[string]any{"url": c.url, "events": []string{"hit.created"}}, admin), 422, core.EINVALID, "url")
				if !strings.Contains(p.Errors[0].Reason, c.why) {
					t.Errorf("%s refused with %q, want the reason to mention %q", c.url, p.Errors[0].Reason, c.why)
				}
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks", map[string]any{"url": "http://127.0.0.1:1/x", "events": []string{"records.everything"}}, admin), 422, core.EINVALID, "events[0]")
			// A typing error, or a family nothing is written in, would be a
			// subscription never delivered: refused, naming the entry.
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks", map[string]any{"url": "http://127.0.0.1:1/x", "events": []string{"hit.created", "hit.creatd"}}, admin), 422, core.EINVALID, "events[1]")
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks", map[string]any{"url": "http://127.0.0.1:1/x", "events": []string{"diffusion.*"}}, admin), 422, core.EINVALID, "events[0]")
			// Nor does a bureau's receiver subscribe to citizen reports, which
			// only its triage unit reads.
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks", map[string]any{"url": "http://127.0.0.1:1/x", "events": []string{"report.received"}}, admin), 422, core.EINVALID, "events[0]")
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks", map[string]any{"url": "http://127.0.0.1:1/x", "events": []string{"*"}}, officer), 403, core.EFORBIDDEN, "")

			rc := newReceiver(t, 2)
			hookID := f.registerWebhook(t, admin, rc.URL+"/manara", rc, "hit.*")
			rec := f.createRecord(t, officer, personInput("Alaoui", core.Releasability{Mode: core.ReleaseAll}))
			f.screenPerson(t, es, "Test Alaoui", borderPost)
			// First dispatcher: fills the outbox and fails twice; then it
			// stops (a restart) and a new one finishes the work.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			for i := 0; i < 50; i++ {
				f.Dispatcher.Step(ctx)
				rc.mu.Lock()
				n := rc.attempts
				rc.mu.Unlock()
				if n >= 2 {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
			d2 := fastDispatcher(f.Store, f.Allow, f.Server)
			ctx2, cancel2 := context.WithCancel(context.Background())
			defer cancel2()
			go d2.Run(ctx2)
			got := rc.wait(t, "hit.created")
			ev := got["event"].(map[string]any)
			if ev["record_id"] != rec.ID || got["_event_header"] != "hit.created" || got["webhook_id"] != hookID {
				t.Fatalf("delivery %+v", got)
			}
			var dl struct {
				Items []core.Delivery
			}
			for i := 0; i < 100; i++ { // the receiver answered; the dispatcher records it just after
				f.do(t, "GET", "/api/v1/webhooks/"+hookID+"/deliveries", nil, admin).decode(t, &dl)
				if len(dl.Items) == 1 && dl.Items[0].Status == core.DeliveryDelivered {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if len(dl.Items) != 1 || dl.Items[0].Status != core.DeliveryDelivered || dl.Items[0].Attempts != 3 {
				t.Fatalf("deliveries %+v", dl.Items)
			}
			rc.mu.Lock()
			if rc.badSig != 0 || len(rc.seen) != 1 {
				t.Errorf("bad signatures %d, distinct deliveries %d", rc.badSig, len(rc.seen))
			}
			rc.mu.Unlock()
			// Other bureaus cannot see or touch the webhook.
			esAdmin := f.user(t, "ES", core.RoleAdmin)
			wantProblem(t, f.do(t, "GET", "/api/v1/webhooks/"+hookID+"/deliveries", nil, esAdmin), 404, core.ENOTFOUND, "")
			wantProblem(t, f.do(t, "DELETE", "/api/v1/webhooks/"+hookID, nil, esAdmin), 404, core.ENOTFOUND, "")

			// A receiver that never answers well: dead letter, last error visible, retry.
			dead := newReceiver(t, 1000)
			deadID := f.registerWebhook(t, admin, dead.URL, dead, "*")
			d2.MaxAge = 150 * time.Millisecond
			f.screenPerson(t, es, "Test Alaoui", map[string]string{"border_post": "Ceuta"})
			var item core.Delivery
			for i := 0; i < 200; i++ {
				f.do(t, "GET", "/api/v1/webhooks/"+deadID+"/deliveries", nil, admin).decode(t, &dl)
				if len(dl.Items) > 0 && dl.Items[0].Status == core.DeliveryDead {
					item = dl.Items[0]
					break
				}
				time.Sleep(25 * time.Millisecond)
			}
			if item.Status != core.DeliveryDead || !strings.Contains(item.LastError, "503") || item.Attempts < 1 {
				t.Fatalf("dead letter %+v", dl.Items)
			}
			dead.mu.Lock()
			dead.failFirst = 0
			dead.mu.Unlock()
			d2.MaxAge = time.Hour
			r := f.do(t, "POST", "/api/v1/webhooks/"+deadID+"/deliveries/"+item.ID+"/retry", nil, admin)
			if r.Status != 200 {
				t.Fatalf("retry: %s", r)
			}
			dead.wait(t, "hit.created")
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks/"+deadID+"/deliveries/"+item.ID+"/retry", nil, admin), 409, core.ECONFLICT, "")
			if r := f.do(t, "DELETE", "/api/v1/webhooks/"+deadID, nil, admin); r.Status != 204 {
				t.Fatalf("delete: %s", r)
			}
		})
	}
}

// TestMessages: threads between the sides of a hit; outsiders see nothing
// and cannot reply; limits; read receipts.
func TestMessages(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			ma, es, fr := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer), f.user(t, "FR", core.RoleOfficer)
			f.createRecord(t, ma, personInput("Alaoui", core.Releasability{Mode: core.ReleaseAll}))
			hitID := f.screenPerson(t, es, "Test Alaoui", borderPost)[0].HitID
			frS := f.subscribe(t, fr, "")
			maS := f.subscribe(t, ma, "")
			r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Hit at Algeciras", "hit_id": hitID,
				"message": map[string]any{"type": "identity_confirmation", "body": "Please confirm identity; photo attached.",
					"attachments": []map[string]any{{"name": "photo.png", "data": []byte("\x89PNG\r\n\x1a\n0000")}}}}, es)
			if r.Status != 201 {
				t.Fatalf("open thread: %s", r)
			}
			var th struct {
				ID           string
				Participants []string
				Items        []core.Message
				Reads        map[string]core.ReadMark
			}
			r.decode(t, &th)
			if len(th.Participants) != 2 || th.Items[0].Attachments[0].ContentType != "image/png" {
				t.Fatalf("thread %+v", th)
			}
			if ev := maS.next(t, "message.posted"); ev.Data["subject"] != th.ID {
				t.Fatalf("message event %+v", ev)
			}
			wantProblem(t, f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "x", "hit_id": hitID, "participants": []string{"FR"},
				"message": map[string]any{"type": "general", "body": "hi"}}, es), 422, core.EINVALID, "participants[0]")
			wantProblem(t, f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "x", "hit_id": hitID,
				"message": map[string]any{"type": "gossip", "body": "hi"}}, es), 422, core.EINVALID, "message.type")
			// Outsiders: the thread does not exist for them.
			sameProblem(t, f.do(t, "GET", "/api/v1/threads/"+th.ID, nil, fr), f.do(t, "GET", "/api/v1/threads/"+newID(), nil, fr))
			wantProblem(t, f.do(t, "POST", "/api/v1/threads/"+th.ID+"/messages", map[string]any{"type": "general", "body": "let me in"}, fr), 404, core.ENOTFOUND, "")
			wantProblem(t, f.do(t, "POST", "/api/v1/threads/"+th.ID+"/read", nil, fr), 404, core.ENOTFOUND, "")
			var list struct{ Items []core.Thread }
			f.do(t, "GET", "/api/v1/threads", nil, fr).decode(t, &list)
			if len(list.Items) != 0 {
				t.Fatalf("FR lists %d threads", len(list.Items))
			}
			if got := frS.drain(200 * time.Millisecond); len(got) != 0 {
				t.Fatalf("FR received %+v", got)
			}
			// Limits.
			wantProblem(t, f.do(t, "POST", "/api/v1/threads/"+th.ID+"/messages", map[string]any{"type": "general", "body": strings.Repeat("ب", 20_001)}, ma), 413, core.ETOOLARGE, "")
			wantProblem(t, f.do(t, "POST", "/api/v1/threads/"+th.ID+"/messages", map[string]any{"type": "general", "body": "x",
				"attachments": []map[string]any{{"name": "big.bin", "data": make([]byte, 200<<10)}}}, ma), 413, core.ETOOLARGE, "")
			wantProblem(t, f.do(t, "POST", "/api/v1/threads/"+th.ID+"/messages", map[string]any{"type": "general", "body": "   "}, ma), 422, core.EINVALID, "body")
			// Reply and read receipts.
			if r := f.do(t, "POST", "/api/v1/threads/"+th.ID+"/messages", map[string]any{"type": "provisional_arrest_request", "body": "Confirmed. We request provisional arrest."}, ma); r.Status != 201 {
				t.Fatalf("reply: %s", r)
			}
			f.do(t, "GET", "/api/v1/threads/"+th.ID, nil, es).decode(t, &th)
			if len(th.Items) != 2 || th.Reads["MA"].Through != 2 || th.Reads["ES"].Through != 1 {
				t.Fatalf("thread after reply %+v", th)
			}
			f.do(t, "POST", "/api/v1/threads/"+th.ID+"/read", nil, es).decode(t, &th)
			if th.Reads["ES"].Through != 2 {
				t.Fatalf("read receipt %+v", th.Reads)
			}
		})
	}
}

// TestEventStreamOutlivesReadTimeout: the server's read timeout bounds
// reading a request, not a long event stream.
func TestEventStreamOutlivesReadTimeout(t *testing.T) {
	f := newCoopFixture(t, storetest.Backend{Name: "sqlite", Open: storetest.OpenSQLite}, true)
	hs := httptest.NewUnstartedServer(f.Server.Handler())
	hs.Config.ReadTimeout = 300 * time.Millisecond
	hs.Start()
	t.Cleanup(func() { f.Server.StopStreams(); hs.Close() })
	ma := f.user(t, "MA", core.RoleOfficer)
	f2 := *f.fixture
	f2.URL = hs.URL
	sc := f2.subscribe(t, ma, "")
	time.Sleep(900 * time.Millisecond)
	f.createRecord(t, ma, personInput("Alaoui", core.Releasability{Mode: core.ReleaseAll}))
	f.screenPerson(t, f.user(t, "ES", core.RoleOfficer), "Test Alaoui", nil)
	sc.next(t, "hit.created")
}
