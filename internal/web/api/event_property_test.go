package api_test

// The event property: every event a viewer receives, over GET
// /api/v1/events (replayed from 0) or as a webhook delivery, is about a
// subject that viewer may read through the API's own read route for that
// area. One scenario makes events of every family (notices, hits and
// probing, messages on record, hit and plain threads, accreditation,
// meetings, agreements, the General Assembly, citizen reports and
// campaigns) across MA, FR, ES, DE and the secretariat; every kind of
// viewer replays the stream and each event it is sent is checked against
// the read route. Every person here is invented.

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/accreditation"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// propEvent is one event as a viewer received it.
type propEvent struct {
	Seq      int64
	Type     string
	Subject  string
	RecordID string
	Data     map[string]any
}

func propEventOf(m map[string]any) propEvent {
	var e propEvent
	if s, ok := m["seq"].(float64); ok {
		e.Seq = int64(s)
	}
	e.Type, _ = m["type"].(string)
	e.Subject, _ = m["subject"].(string)
	e.RecordID, _ = m["record_id"].(string)
	e.Data, _ = m["data"].(map[string]any)
	return e
}

func (e propEvent) String() string {
	return fmt.Sprintf("%s #%d (subject %s)", e.Type, e.Seq, e.Subject)
}

// eventWorld is the scenario: who may act, and what was made.
type eventWorld struct {
	cf  *coopFixture
	f   *fixture
	off map[string]*caller // an officer of each bureau
	rev *caller

	// readable before the cancellation of a circulating notice, by viewer
	// name and notice id (see the notice.cancelled exception below).
	before map[string]map[string]bool
	// the hits made on a record, for hit.probing (which names a record).
	hitsOn map[string][]string

	mu    sync.Mutex
	cache map[string]*resp
}

// get reads path as c, once.
func (w *eventWorld) get(t *testing.T, c *caller, path string) *resp {
	t.Helper()
	k := c.Name + " " + path
	w.mu.Lock()
	r, ok := w.cache[k]
	w.mu.Unlock()
	if ok {
		return r
	}
	r = w.f.do(t, "GET", path, nil, c)
	w.mu.Lock()
	w.cache[k] = r
	w.mu.Unlock()
	return r
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// readRoute answers whether c may read what e is about through the read
// route of e's area, and if not why (the route and its answer); a leak.
func (w *eventWorld) readRoute(t *testing.T, c *caller, e propEvent) (bool, string) {
	t.Helper()
	family, _, _ := strings.Cut(e.Type, ".")
	var path string
	switch {
	case family == "notice":
		path = "/api/v1/notices/" + e.Subject
	case e.Type == "hit.probing":
		// hit.probing names a record (its subject) and tells who probed
		// it: readable if the record is (GET /api/v1/records/{id}), or
		// if a hit on it is, in full (a screening key of the owner reads
		// its bureau's hits, which tell the same: searcher and query).
		path = "/api/v1/records/" + e.Subject
		if r := w.get(t, c, path); r.Status == http.StatusOK {
			return true, ""
		}
		for _, h := range w.hitsOn[e.Subject] {
			if r := w.get(t, c, "/api/v1/hits/"+h); r.Status == http.StatusOK && jsonField(r, "restricted") != true {
				return true, ""
			}
		}
		return false, fmt.Sprintf("GET %s -> %d, and no hit on the record reads in full", path, w.get(t, c, path).Status)
	case family == "hit":
		path = "/api/v1/hits/" + e.Subject
		r := w.get(t, c, path)
		if r.Status != http.StatusOK {
			return false, fmt.Sprintf("GET %s -> %d", path, r.Status)
		}
		// The event must not tell more than the hit as shown: a record
		// named in the event needs the full view.
		if restricted := jsonField(r, "restricted") == true; restricted && (e.RecordID != "" || str(e.Data, "record_id") != "") {
			return false, fmt.Sprintf("GET %s shows a possible hit, yet the event names record %s%v", path, e.RecordID, e.Data["record_id"])
		}
		return true, ""
	case family == "message":
		path = "/api/v1/threads/" + e.Subject
	case family == "accreditation":
		path = "/api/v1/gatherings/" + str(e.Data, "gathering") + "/participants/" + e.Subject
	case family == "meeting":
		path = "/api/v1/gatherings/" + str(e.Data, "gathering") + "/requests/" + e.Subject
	case family == "agreement":
		path = "/api/v1/agreements/" + e.Subject
	case family == "assembly":
		// The rounds route is public (anyone, even anonymous); the
		// session (agenda, delegations, rounds) takes a bureau
		// (access.CanReadAssembly): check that one.
		if s := str(e.Data, "session_id"); s != "" {
			path = "/api/v1/assembly/sessions/" + s
		} else {
			path = "/api/v1/assembly/rounds/" + e.Subject
		}
	case e.Type == "report.received":
		path = "/api/v1/reports/" + e.Subject
	case family == "report" || family == "campaign":
		path = "/api/v1/campaigns/" + e.Subject
	default:
		return false, "no read route known for this event family: cannot be checked"
	}
	r := w.get(t, c, path)
	if r.Status == http.StatusOK {
		return true, ""
	}
	// README ("Events" under Notices): notice.cancelled and
	// notice.expired of a notice that circulated go "to the bureaus it was
	// released to", naming no record, since the record is no longer
	// active and reads 404 to all but its owner. Such an event is right
	// for a viewer that could read the notice before it ended.
	if family == "notice" && (e.Type == notices.EventCancelled || e.Type == notices.EventExpired) && e.RecordID == "" && w.before[c.Name][e.Subject] {
		return true, ""
	}
	return false, fmt.Sprintf("GET %s -> %d", path, r.Status)
}

func TestEventProperty(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { eventProperty(t, b) })
	}
}

func eventProperty(t *testing.T, b storetest.Backend) {
	start := time.Now()
	ctx := context.Background()
	cf := newCoopFixture(t, b, true)
	f := cf.fixture
	cf.Server.Accreditation.Now = func() time.Time { return duringGathering }
	cf.Server.Meetings.Now = func() time.Time { return beforeGathering }
	cf.Server.Reports.PoW.Difficulty = 4
	cf.Server.ReportRate = 1000
	w := &eventWorld{cf: cf, f: f, off: map[string]*caller{}, before: map[string]map[string]bool{}, hitsOn: map[string][]string{}, cache: map[string]*resp{}}

	// The viewers: every role of every bureau, the secretariat's too, a
	// screening-only key and a records:read key of each.
	bureaus := []string{"MA", "FR", "ES", "DE"}
	all := append(append([]string{}, bureaus...), members.Secretariat)
	var viewers []*caller
	role := map[string]map[string]*caller{}
	readKey, screenKey := map[string]*caller{}, map[string]*caller{}
	for _, bu := range all {
		role[bu] = map[string]*caller{}
		roles := []string{core.RoleOfficer, core.RoleSupervisor, core.RoleAnalyst, core.RoleAdmin}
		if bu == members.Secretariat {
			roles = append(roles, core.RoleReviewer)
		}
		for _, r := range roles {
			c := f.user(t, bu, r)
			role[bu][r] = c
			viewers = append(viewers, c)
		}
		screenKey[bu] = f.key(t, bu, core.PermScreen)
		readKey[bu] = f.key(t, bu, core.PermRecordsRead)
		viewers = append(viewers, screenKey[bu], readKey[bu])
		w.off[bu] = role[bu][core.RoleOfficer]
	}
	w.rev = role[members.Secretariat][core.RoleReviewer]
	ma, fr, es := w.off["MA"], w.off["FR"], w.off["ES"]

	// Each bureau's receiver, asked by its administrator for everything,
	// registered first (a webhook hears of events after it).
	hooks, recv := map[string]string{}, map[string]*receiver{}
	for _, bu := range all {
		recv[bu] = newReceiver(t, 0)
		hooks[bu] = f.registerWebhook(t, role[bu][core.RoleAdmin], recv[bu].URL, recv[bu], "*")
	}

	// Accreditation: MA hosts a gathering, imports its list (each
	// participant screened), and its unit decides on one.
	r := f.do(t, "POST", "/api/v1/gatherings", gatheringBody(), ma)
	if r.Status != 201 {
		t.Fatalf("create gathering: %s", r)
	}
	gid := jsonField(r, "id").(string)
	if r = importCSV(t, f, ma, gid, accreditationList); r.Status != 201 {
		t.Fatalf("import: %s", r)
	}
	var q accreditation.Queue
	f.do(t, "GET", "/api/v1/gatherings/"+gid+"/participants", nil, ma).decode(t, &q)
	if q.Count == 0 {
		t.Fatal("empty accreditation queue")
	}
	if r = f.do(t, "POST", "/api/v1/gatherings/"+gid+"/participants/"+q.Items[0].ID+"/decision", map[string]any{"decision": "escalate", "reason": "badge refused at the gate"}, ma); r.Status != 200 {
		t.Fatalf("decide: %s", r)
	}

	// Notices. n1: MA's Red Notice to all (about the accredited
	// journalist A-003: continuous screening alerts the host).
	n1 := f.publish(t, ma, w.rev, notices.TypeRed, validData(notices.TypeRed), nil)
	alerts, _, err := cf.Server.Accreditation.CheckChanges(ctx)
	if err != nil {
		t.Fatalf("continuous screening: %v", err)
	}
	// n2: MA's Blue Notice for FR only, then changed (notice.updated).
	blue := validData(notices.TypeBlue)
	blue["family_name"], blue["given_names"], blue["name_original"] = "Ouazzani", "Karim", "كريم الوزاني"
	n2 := f.publish(t, ma, w.rev, notices.TypeBlue, blue, map[string]any{"releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}})
	blue2 := validData(notices.TypeBlue)
	blue2["family_name"], blue2["given_names"], blue2["name_original"], blue2["information_sought"] = "Ouazzani", "Karim", "كريم الوزاني", "contacts in Marseille"
	n2 = f.noticeDo(t, 200, "PUT", "/api/v1/notices/"+n2.ID, map[string]any{"version": n2.Version, "reason": "new lead", "data": blue2,
		"releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"FR"}}}, ma)
	// n3: FR's Red request, submitted, pending review.
	red3 := validData(notices.TypeRed)
	red3["family_name"], red3["given_names"], red3["name_original"] = "Marchetti", "Lorenzo", "Lorenzo Marchetti"
	n3 := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": notices.TypeRed, "data": red3}, fr)
	f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n3.ID+"/submit", map[string]any{"version": n3.Version}, fr)
	// n4: ES's Green request, refused (notice.decided to ES only).
	green := validData(notices.TypeGreen)
	green["family_name"], green["given_names"], green["name_original"] = "Vidal-Serrat", "Tomeu", "Tomeu Vidal-Serrat"
	n4 := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": notices.TypeGreen, "data": green}, es)
	n4 = f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n4.ID+"/submit", map[string]any{"version": n4.Version}, es)
	f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n4.ID+"/review", nil, w.rev)
	f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n4.ID+"/decision", map[string]any{"decision": "refuse", "reason_category": "article3_political",
		"reason": "the activities described are the subject's political opinions"}, w.rev)
	// n5: ES's Yellow Notice for MA only, then cancelled (the ended
	// notice.cancelled, to ES and MA, naming no record).
	yellow := validData(notices.TypeYellow)
	yellow["family_name"], yellow["given_names"], yellow["name_original"] = "Arregi-Lasa", "Nerea", "Nerea Arregi-Lasa"
	n5 := f.publish(t, es, w.rev, notices.TypeYellow, yellow, map[string]any{"releasability": core.Releasability{Mode: core.ReleaseOnly, Countries: []string{"MA"}}})
	for _, v := range viewers {
		w.before[v.Name] = map[string]bool{n5.ID: f.do(t, "GET", "/api/v1/notices/"+n5.ID, nil, v).Status == http.StatusOK}
	}
	f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n5.ID+"/cancel", map[string]any{"version": n5.Version, "reason": "found safe in Bilbao"}, es)
	// n6: FR's Purple draft, withdrawn (notice.cancelled to FR only).
	n6 := f.noticeDo(t, 201, "POST", "/api/v1/notices", map[string]any{"type": notices.TypePurple, "data": validData(notices.TypePurple)}, fr)
	// (changed first: notice.updated of a draft, to FR only)
	n6 = f.noticeDo(t, 200, "PUT", "/api/v1/notices/"+n6.ID, map[string]any{"version": n6.Version, "reason": "typo", "data": validData(notices.TypePurple)}, fr)
	f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n6.ID+"/cancel", map[string]any{"version": n6.Version, "reason": "sent by mistake"}, fr)

	// Hits. MA's record released to all: FR screens it twice (created,
	// repeated), MA moves its side (updated).
	f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": core.Releasability{Mode: core.ReleaseAll},
		"data": map[string]any{"given_names": "Olusegun", "family_name": "Adebayo-Lawal", "date_of_birth": "1975-02-14", "sex": "M", "nationalities": []string{"NG"}}})
	var openHit string
	for range 2 {
		for _, h := range f.screenPerson(t, fr, "Olusegun Adebayo-Lawal", borderPost) {
			if h.Owner == "MA" && h.HitID != "" {
				openHit = h.HitID
			}
		}
	}
	if openHit == "" {
		t.Fatal("FR's screening made no hit on MA's record")
	}
	f.moveHit(t, ma, openHit, map[string]any{"state": core.HitBeingChecked})
	// MA's record released to FR only: ES's border key probes it (a
	// possible hit, then hit.probing to MA, then withheld hits).
	closed := restrictedPerson(t, f, ma, "Youssef", "Benkirane", "1980-05-12")
	for _, dob := range []string{"1980-05-12", "1980", "1981", "1979-01-01", "1982", "1980-05", "1978"} {
		f.screenAs(t, screenKey["ES"], map[string]any{"name": "Youssef Benkirane", "date_of_birth": dob})
	}
	var owned struct{ Items []map[string]any }
	f.do(t, "GET", "/api/v1/hits?side=owner&limit=500", nil, ma).decode(t, &owned)
	withheld := ""
	for _, h := range owned.Items {
		rid, _ := h["record_id"].(string)
		w.hitsOn[rid] = append(w.hitsOn[rid], h["id"].(string))
		if h["withheld"] == true && rid == closed.ID {
			withheld = h["id"].(string)
		}
	}
	if withheld == "" {
		t.Fatalf("no withheld hit among MA's %d", len(owned.Items))
	}

	// Messages: on the open hit (MA and FR), on the withheld hit (MA asks
	// ES, who may not see it), on n2's record (MA and FR), and on nothing
	// (FR and ES).
	var threads []string
	for _, in := range []map[string]any{
		{"subject": "About your hit", "hit_id": openHit, "message": map[string]any{"type": "identity_confirmation", "body": "Fingerprints follow."}},
		{"subject": "About your screenings", "hit_id": withheld, "participants": []string{"ES"}, "message": map[string]any{"type": "general", "body": "Please call us."}},
		{"subject": "Blue Notice lead", "record_id": n2.ID, "participants": []string{"FR"}, "message": map[string]any{"type": "information_request", "body": "Any trace in Marseille?"}},
	} {
		if r := f.do(t, "POST", "/api/v1/threads", in, ma); r.Status != http.StatusCreated {
			t.Fatalf("open thread %v: %s", in["subject"], r)
		} else {
			threads = append(threads, jsonField(r, "id").(string))
		}
	}
	if r := f.do(t, "POST", "/api/v1/threads", map[string]any{"subject": "Liaison visit", "participants": []string{"ES"},
		"message": map[string]any{"type": "general", "body": "Shall we meet in Perpignan?"}}, fr); r.Status != http.StatusCreated {
		t.Fatalf("open thread: %s", r)
	} else {
		threads = append(threads, jsonField(r, "id").(string))
	}
	recordThread := threads[2]

	// Meetings at MA's gathering: FR asks ES, ES accepts.
	base := "/api/v1/gatherings/" + gid
	r = f.do(t, "POST", base+"/requests", map[string]any{"to": "ES", "topics": []string{"Stolen vehicles"}, "languages": []string{"fr"}, "minutes": 30, "priority": 3,
		"participants": []map[string]any{{"name": "Commissaire Hugo Lambert"}, {"name": "Inspectora Lucía Berrocal-Anaya", "party": "ES"}}}, fr)
	if r.Status != 201 {
		t.Fatalf("meeting request: %s", r)
	}
	meeting := jsonField(r, "id").(string)
	if r = f.do(t, "POST", base+"/requests/"+meeting+"/answer", map[string]any{"answer": "accept"}, es); r.Status != 200 {
		t.Fatalf("accept: %s", r)
	}

	// Agreements: MA and FR's, for their parties only, registered as a
	// draft then signed; ES and MA's, public and signed.
	ag := agreementBody()
	ag["parties"] = []map[string]string{{"kind": "bureau", "country": "MA"}, {"kind": "bureau", "country": "FR"}}
	ag["visibility"], ag["state"], ag["reference"] = "parties", "draft", "MoU-2025-077"
	delete(ag, "signed")
	r = f.do(t, "POST", "/api/v1/agreements", ag, ma)
	if r.Status != 201 {
		t.Fatalf("register agreement: %s", r)
	}
	privateAg := jsonField(r, "id").(string)
	if r = f.do(t, "POST", "/api/v1/agreements/"+privateAg+"/status", map[string]any{"status": "signed", "on": "2025-11-26"}, ma); r.Status != 200 {
		t.Fatalf("sign agreement: %s", r)
	}
	pub := agreementBody()
	pub["parties"] = []map[string]string{{"kind": "bureau", "country": "ES"}, {"kind": "bureau", "country": "MA"}}
	pub["reference"] = "MoU-2025-078"
	if r = f.do(t, "POST", "/api/v1/agreements", pub, es); r.Status != 201 {
		t.Fatalf("register public agreement: %s", r)
	}

	// The General Assembly: a resolution put to the vote, voted, closed.
	aw := newAssemblyWorld(t, f, 2, []string{"MA", "FR", "ES"}, nil)
	rd := aw.openRound(t, aw.item(t, map[string]any{"kind": "resolution", "title": "Resolution on the exchange of ballistic data"}))
	aw.vote(t, rd, "MA", "yes")
	aw.vote(t, rd, "FR", "no")
	if r = f.do(t, "POST", "/api/v1/assembly/rounds/"+rd.ID+"/close", nil, aw.admin); r.Status != 200 {
		t.Fatalf("close round: %s", r)
	}

	// Citizen reports to MA's platform, linked into a campaign.
	wallet := "0x52908400098527886E0F7030069857D2E4169EE7"
	for _, n := range []string{"A coach on a messaging app had me send crypto to " + wallet, "Same platform, same wallet " + wallet} {
		submitReport(t, f, map[string]any{"category": "investment_fraud", "narrative": n, "country": "MA"})
	}
	// MA's unit escalates the campaign to FR (report.escalated; the shared
	// indicators become MA's records, the notices drafts).
	var cl struct{ Items []core.Campaign }
	f.do(t, "GET", "/api/v1/campaigns", nil, ma).decode(t, &cl)
	if len(cl.Items) != 1 {
		t.Fatalf("campaigns: %+v", cl.Items)
	}
	campaign := cl.Items[0].ID
	if r = f.do(t, "POST", "/api/v1/campaigns/"+campaign+"/escalate", map[string]any{"countries": []string{"FR"}}, ma); r.Status != 201 {
		t.Fatalf("escalate: %s", r)
	}
	built := time.Since(start)

	// Webhooks: fan out and deliver until nothing moves.
	delivered := func() int {
		n := 0
		for _, rc := range recv {
			rc.mu.Lock()
			n += len(rc.bodies)
			rc.mu.Unlock()
		}
		return n
	}
	for i, last := 0, -1; i < 50; i++ {
		if err := cf.Dispatcher.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if n := delivered(); n == last {
			break
		} else {
			last = n
		}
	}

	// Every viewer replays the stream from 0, all at once.
	streams := make([]*sseClient, len(viewers))
	for i, v := range viewers {
		streams[i] = f.subscribe(t, v, "0")
		if streams[i].Status != http.StatusOK {
			// A viewer refused the stream receives nothing: nothing to check.
			t.Logf("%s: event stream answered %d", v, streams[i].Status)
		}
	}
	received := make([][]propEvent, len(viewers))
	var wg sync.WaitGroup
	for i := range viewers {
		if streams[i].Status != http.StatusOK {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, ev := range streams[i].drain(1500 * time.Millisecond) {
				received[i] = append(received[i], propEventOf(ev.Data))
			}
		}()
	}
	wg.Wait()

	// The property, over SSE.
	got := map[string][]propEvent{}
	families := map[string]bool{}
	for i, v := range viewers {
		got[v.Name] = received[i]
		for _, e := range received[i] {
			family, _, _ := strings.Cut(e.Type, ".")
			families[family] = true
			if ok, why := w.readRoute(t, v, e); !ok {
				t.Errorf("LEAK (SSE): %s receives %s: %s", v, e, why)
			}
		}
	}
	// The property, over webhooks: a bureau's receiver (access.BureauViewer)
	// is decided as one reading records, so what it is sent must read for
	// a records:read key of that bureau; and it is no triage unit, so no
	// report.* or campaign.* event.
	hookGot := map[string][]propEvent{}
	for _, bu := range all {
		rc := recv[bu]
		rc.mu.Lock()
		bodies := append([]map[string]any{}, rc.bodies...)
		rc.mu.Unlock()
		for _, m := range bodies {
			ev, _ := m["event"].(map[string]any)
			e := propEventOf(ev)
			hookGot[bu] = append(hookGot[bu], e)
			if strings.HasPrefix(e.Type, "report.") || strings.HasPrefix(e.Type, "campaign.") {
				t.Errorf("LEAK (webhook): %s's receiver, no triage unit, is sent %s", bu, e)
				continue
			}
			if ok, why := w.readRoute(t, readKey[bu], e); !ok {
				t.Errorf("LEAK (webhook): %s's receiver is sent %s, which %s may not read: %s", bu, e, readKey[bu], why)
			}
		}
	}

	// Decided as one: a receiver is sent nothing a records:read key of its
	// bureau is not (but for reports and campaigns, which the key triages
	// and the receiver does not).
	for _, bu := range all {
		keySeqs := map[int64]bool{}
		for _, e := range got[readKey[bu].Name] {
			keySeqs[e.Seq] = true
		}
		for _, e := range hookGot[bu] {
			if !keySeqs[e.Seq] {
				t.Errorf("%s's receiver is sent %s, which %s is not sent over SSE", bu, e, readKey[bu])
			}
		}
	}

	// Not vacuous: the owners and parties do hear of their own subjects,
	// one at least of every family.
	has := func(list []propEvent, typ, subject string) bool {
		for _, e := range list {
			if e.Type == typ && (subject == "" || e.Subject == subject) {
				return true
			}
		}
		return false
	}
	want := []struct {
		who           *caller
		typ, subject  string
		family, label string
	}{
		{ma, notices.EventSubmitted, n1.ID, "notice", "MA, owner, of its request"},
		{w.rev, notices.EventSubmitted, n3.ID, "notice", "the reviewer, of FR's pending request"},
		{ma, notices.EventPublished, n1.ID, "notice", "MA, of its published notice"},
		{role["DE"][core.RoleAnalyst], notices.EventPublished, n1.ID, "notice", "DE, of a notice released to all"},
		{fr, notices.EventUpdated, n2.ID, "notice", "FR, to whom n2 is released, of its change"},
		{es, notices.EventDecided, n4.ID, "notice", "ES, of the refusal of its request"},
		{ma, notices.EventCancelled, n5.ID, "notice", "MA, to whom ES's notice was released, of its cancellation"},
		{fr, notices.EventCancelled, n6.ID, "notice", "FR, of its withdrawn draft"},
		{fr, "hit.created", openHit, "hit", "FR, the searcher, of its hit"},
		{fr, "hit.repeated", openHit, "hit", "FR, of the repeat"},
		{ma, "hit.updated", openHit, "hit", "MA, the owner, of its move"},
		{screenKey["ES"], "hit.created", "", "hit", "ES's border key, of its possible hit"},
		{ma, "hit.probing", closed.ID, "hit", "MA, of the probing of its record"},
		{ma, "hit.created", withheld, "hit", "MA, of the withheld hit"},
		{fr, "message.posted", recordThread, "message", "FR, of the message on n2's thread"},
		{fr, "message.posted", threads[0], "message", "FR, of the message on its hit's thread"},
		{es, "message.posted", threads[3], "message", "ES, of FR's message"},
		{ma, accreditation.EventDecided, "", "accreditation", "MA's unit, of its decision"},
		{es, "meeting.requested", meeting, "meeting", "ES, of FR's request"},
		{fr, "meeting.accepted", meeting, "meeting", "FR, of ES's answer"},
		// Not the host: README (Meetings, "Who sees what"): meeting events
		// "go to the two parties only (the host for an organisation)".
		{fr, "agreement.registered", privateAg, "agreement", "FR, party, of the agreement"},
		{fr, "agreement.signed", privateAg, "agreement", "FR, party, of the signature"},
		{role["DE"][core.RoleOfficer], "agreement.registered", "", "agreement", "DE, of a public agreement"},
		{role["DE"][core.RoleOfficer], "assembly.vote_opened", rd.ID, "assembly", "DE, of the vote"},
		{ma, "assembly.result", rd.ID, "assembly", "MA, of the result"},
		{role["MA"][core.RoleAnalyst], "report.received", "", "report", "MA's analyst, of a report"},
		{role["MA"][core.RoleAnalyst], "campaign.updated", campaign, "campaign", "MA's analyst, of the campaign"},
		{role["MA"][core.RoleAnalyst], "report.escalated", campaign, "report", "MA's analyst, of the escalation"},
		{fr, notices.EventUpdated, n6.ID, "notice", "FR, of its changed draft"},
		{readKey["MA"], "report.received", "", "report", "MA's records:read key (a triage key), of a report"},
	}
	if alerts > 0 {
		want = append(want, struct {
			who           *caller
			typ, subject  string
			family, label string
		}{ma, accreditation.EventAlert, "", "accreditation", "MA's unit, of the alert"})
	} else {
		t.Errorf("continuous screening made no accreditation.alert: the family is checked on accreditation.decided only")
	}
	for _, x := range want {
		if !has(got[x.who.Name], x.typ, x.subject) {
			t.Errorf("vacuous: %s (%s) does not receive %s %s", x.label, x.who, x.typ, x.subject)
		}
	}
	for _, x := range []struct{ bu, typ string }{{"MA", "hit.created"}, {"MA", "hit.probing"}, {"MA", accreditation.EventDecided},
		{"FR", "message.posted"}, {"FR", "meeting.requested"}, {"FR", "agreement.signed"}, {"ES", "notice.decided"}, {"DE", "assembly.result"},
		{members.Secretariat, "notice.submitted"}} {
		if !has(hookGot[x.bu], x.typ, "") {
			t.Errorf("vacuous: %s's webhook is not sent %s", x.bu, x.typ)
		}
	}
	for _, fam := range []string{"notice", "hit", "message", "accreditation", "meeting", "agreement", "assembly", "report", "campaign"} {
		if !families[fam] {
			t.Errorf("vacuous: no viewer received a %s.* event", fam)
		}
	}

	// A summary: how many events each kind of viewer received.
	var lines []string
	for i, v := range viewers {
		lines = append(lines, fmt.Sprintf("%-34s %3d", v.Name, len(received[i])))
	}
	for _, bu := range all {
		lines = append(lines, fmt.Sprintf("webhook %-26s %3d", bu, len(hookGot[bu])))
	}
	sort.Strings(lines)
	t.Logf("scenario built in %v, checked in %v; events per viewer:\n%s", built.Round(time.Millisecond), (time.Since(start) - built).Round(time.Millisecond), strings.Join(lines, "\n"))
}
