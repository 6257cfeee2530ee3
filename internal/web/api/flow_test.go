package api_test

// The happy path of a record's life through the API, and of a caller's
// session: what a well-behaved client sees.

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/records"
)

func TestRecordFlow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.user(t, "MA", core.RoleOfficer)
		fr := f.user(t, "FR", core.RoleOfficer)
		admin := f.user(t, members.Secretariat, core.RoleAdmin)
		// Each bureau is administered by its own admins only.
		maAdmin, frAdmin := f.user(t, "MA", core.RoleAdmin), f.user(t, "FR", core.RoleAdmin)
		start := time.Now().UTC()

		// Create: 201, Location, ETag "1".
		in := map[string]any{"kind": "person", "releasability": map[string]any{"mode": "all"},
			"caveats": []string{core.CaveatDangerous, core.CaveatDangerous, core.CaveatContactOwnerBeforeAction},
			"data": map[string]any{"family_name": "Kharroubi", "given_names": "Abdellatif", "name_original": "عبد اللطيف خروبي",
				"sex": "M", "date_of_birth": "1966-01-01", "nationalities": []string{"MAR"}}}
		r := f.do(t, "POST", "/api/v1/records", in, ma)
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %s", r)
		}
		var rec record
		r.decode(t, &rec)
		id := rec.ID
		if loc := r.Header.Get("Location"); loc != "/api/v1/records/"+id {
			t.Errorf("Location %q", loc)
		}
		if et := r.Header.Get("ETag"); et != `"1"` {
			t.Errorf("ETag %q, want \"1\"", et)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		if rec.Owner != "MA" || rec.Version != 1 || rec.Status != core.StatusActive || rec.Kind != core.KindPerson ||
			rec.CreatedBy != "user:"+ma.User.ID || rec.UpdatedBy != rec.CreatedBy {
			t.Errorf("created %+v", rec.Record)
		}
		if !slices.Equal(rec.Caveats, []string{core.CaveatDangerous, core.CaveatContactOwnerBeforeAction}) {
			t.Errorf("caveats %v: want them deduplicated, in order", rec.Caveats)
		}
		if rec.CreatedAt.Before(start.Add(-time.Minute)) || !rec.RetainUntil.Equal(rec.CreatedAt.AddDate(5, 0, 0)) ||
			!rec.ReviewDate.Equal(rec.RetainUntil.AddDate(0, -6, 0)) {
			t.Errorf("created at %v, retained until %v, review %v: want 5 years, review 6 months before", rec.CreatedAt, rec.RetainUntil, rec.ReviewDate)
		}
		if rec.Flags == nil || len(rec.Flags) != 0 {
			t.Errorf("flags %v, want []", rec.Flags)
		}

		// Get: the same record, ETag "1".
		r = f.do(t, "GET", "/api/v1/records/"+id, nil, ma)
		var got record
		r.decode(t, &got)
		if r.Status != 200 || r.Header.Get("ETag") != `"1"` || got.Version != 1 || got.Owner != "MA" || !got.CreatedAt.Equal(rec.CreatedAt) {
			t.Fatalf("get: %s", r)
		}

		// Update with If-Match: 200, version 2; what was not sent is kept.
		r = f.do(t, "PUT", "/api/v1/records/"+id, map[string]any{"data": map[string]any{"family_name": "Kharroubi", "given_names": "Abdellatif",
			"sex": "M", "date_of_birth": "1966-01-01", "nationalities": []string{"MA"}, "remarks": "seen in Tangier"}}, ma, "If-Match", `"1"`)
		if r.Status != http.StatusOK {
			t.Fatalf("update: %s", r)
		}
		var upd record
		r.decode(t, &upd)
		if upd.Version != 2 || r.Header.Get("ETag") != `"2"` || upd.Kind != core.KindPerson || upd.Releasability.Mode != core.ReleaseAll ||
			!slices.Equal(upd.Caveats, rec.Caveats) || !upd.CreatedAt.Equal(rec.CreatedAt) || !upd.RetainUntil.Equal(rec.RetainUntil) {
			t.Errorf("updated %+v (ETag %s)", upd.Record, r.Header.Get("ETag"))
		}
		if got := f.getRecord(t, ma, id); got.Version != 2 || !contains(got, "tangier") {
			t.Errorf("after update: %+v", got.Record)
		}

		// Visibility follows releasability changes.
		seenBy := func(c *caller) bool {
			r := f.do(t, "GET", "/api/v1/records/"+id, nil, c)
			if r.Status != http.StatusOK && r.Status != http.StatusNotFound {
				t.Fatalf("get as %s: %s", c, r)
			}
			listed := slices.Contains(ids(f.listAll(t, c, "/api/v1/records", nil, 0)), id)
			if listed != (r.Status == http.StatusOK) {
				t.Errorf("as %s: get says %d, listed %v", c, r.Status, listed)
			}
			return r.Status == http.StatusOK
		}
		if !seenBy(fr) {
			t.Errorf("FR does not see a record released to all")
		}
		r = f.do(t, "PUT", "/api/v1/records/"+id, map[string]any{"version": 2, "releasability": map[string]any{"mode": "only", "countries": []string{"ES"}}}, ma)
		if r.Status != http.StatusOK {
			t.Fatalf("restrict: %s", r)
		}
		if seenBy(fr) {
			t.Errorf("FR still sees a record released only to ES")
		}
		r = f.do(t, "PUT", "/api/v1/records/"+id, map[string]any{"version": 3, "releasability": map[string]any{"mode": "except", "countries": []string{"ES"}}}, ma)
		if r.Status != http.StatusOK {
			t.Fatalf("release: %s", r)
		}
		if !seenBy(fr) {
			t.Errorf("FR does not see a record released to all but ES")
		}

		// Another bureau that sees the record may not read its audit trail.
		wantProblem(t, f.do(t, "GET", "/api/v1/records/"+id+"/audit", nil, fr), 403, "forbidden", "")

		// Cancel with a reason.
		r = f.do(t, "POST", "/api/v1/records/"+id+"/cancel", map[string]any{"reason": "  request withdrawn by the judge  "}, ma, "If-Match", `"4"`)
		if r.Status != http.StatusOK {
			t.Fatalf("cancel: %s", r)
		}
		var canc record
		r.decode(t, &canc)
		if canc.Status != core.StatusCancelled || canc.StatusReason != "request withdrawn by the judge" || canc.Version != 5 {
			t.Errorf("cancelled: %+v", canc.Record)
		}
		if seenBy(fr) {
			t.Errorf("FR still sees a cancelled record")
		}
		if got := f.getRecord(t, ma, id); got.Status != core.StatusCancelled {
			t.Errorf("the owner sees status %s", got.Status)
		}
		wantProblem(t, f.do(t, "PUT", "/api/v1/records/"+id, map[string]any{"version": 5, "caveat_text": "late"}, ma), 409, "conflict", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/records/"+id+"/cancel", map[string]any{"version": 5, "reason": "again"}, ma), 409, "conflict", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/records/"+id+"/extend", map[string]any{"version": 5, "reason": "revive"}, ma), 409, "conflict", "")

		// The audit trail, as the owner: create, read, update, cancel, in order.
		trail := func(c *caller, q string) []core.AuditEntry {
			r := f.do(t, "GET", "/api/v1/records/"+id+"/audit"+q, nil, c)
			if r.Status != http.StatusOK {
				t.Fatalf("audit as %s: %s", c, r)
			}
			var p struct {
				Items     []core.AuditEntry
				NextAfter string `json:"next_after"`
			}
			r.decode(t, &p)
			return p.Items
		}
		es := trail(ma, "?limit=500")
		var actions []string
		for i, e := range es {
			if i > 0 && e.Seq <= es[i-1].Seq {
				t.Errorf("audit entries out of order: %d after %d", e.Seq, es[i-1].Seq)
			}
			if e.Outcome == "ok" && e.Bureau == "MA" && e.ActorID == ma.User.ID {
				actions = append(actions, e.Action)
			}
		}
		if !subsequence(actions, []string{"record.create", "record.read", "record.update", "record.update", "record.update", "record.cancel"}) {
			t.Errorf("the owner's trail: %v", actions)
		}
		// The owner hears of the other bureau's refused attempts.
		var deniedFR []string
		for _, e := range es {
			if e.Bureau == "FR" && e.Outcome == "denied" {
				deniedFR = append(deniedFR, e.Action)
			}
		}
		if !slices.Contains(deniedFR, "record.read") || !slices.Contains(deniedFR, "audit.read") {
			t.Errorf("FR's refused read and audit read are not in the trail: %v", deniedFR)
		}
		// Paging with after follows the same entries.
		var paged []core.AuditEntry
		after := ""
		for range 100 {
			r := f.do(t, "GET", "/api/v1/records/"+id+"/audit?limit=3&after="+after, nil, ma)
			var p struct {
				Items     []core.AuditEntry
				NextAfter string `json:"next_after"`
			}
			r.decode(t, &p)
			paged = append(paged, p.Items...)
			if p.NextAfter == "" {
				break
			}
			after = p.NextAfter
		}
		if len(paged) < len(es) {
			t.Fatalf("paging found %d entries, one page %d", len(paged), len(es))
		}
		for i := range es {
			if paged[i].Seq != es[i].Seq || paged[i].Hash != es[i].Hash {
				t.Fatalf("paging differs at %d: %+v vs %+v", i, paged[i], es[i])
			}
		}
		// An admin of the secretariat reads trails only of records it may
		// see: this one is cancelled, so its trail is as hidden as it is.
		wantProblem(t, f.do(t, "GET", "/api/v1/records/"+id+"/audit", nil, admin), 404, "not_found", "")
		visible := f.createRecord(t, ma, map[string]any{"kind": "vehicle", "releasability": map[string]any{"mode": "all"},
			"data": map[string]any{"plate": "12345-A-6", "registration_country": "MA"}})
		if r := f.do(t, "GET", "/api/v1/records/"+visible.ID+"/audit", nil, admin); r.Status != http.StatusOK {
			t.Errorf("the secretariat admin cannot read the trail of a record released to all: %s", r)
		}
		// Entries show only this record, and other bureaus' queries are blank.
		for _, e := range es {
			if len(e.RecordIDs) != 1 || e.RecordIDs[0] != id {
				t.Errorf("trail entry %d names records %v", e.Seq, e.RecordIDs)
			}
			if e.Bureau != "MA" && e.Query != "" {
				t.Errorf("trail entry %d shows %s's query %q", e.Seq, e.Bureau, e.Query)
			}
		}
		wantProblem(t, f.do(t, "GET", "/api/v1/records/"+id+"/audit?after=x", nil, ma), 422, "invalid", "after")
		wantProblem(t, f.do(t, "GET", "/api/v1/records/"+id+"/audit?limit=0", nil, ma), 422, "invalid", "limit")

		t.Run("extend an expired record", func(t *testing.T) {
			veh := f.createRecord(t, ma, map[string]any{"kind": "vehicle", "releasability": map[string]any{"mode": "only", "countries": []string{"fr"}},
				"data": map[string]any{"vin": "WVWZZZ1JZXW000001", "registration_country": "MA"}})
			doc := f.createRecord(t, ma, map[string]any{"kind": "travel_document", "releasability": map[string]any{"mode": "all"},
				"data": map[string]any{"number": "AB1234567", "issuing_country": "MA"}})
			if !doc.RetainUntil.Equal(doc.CreatedAt.AddDate(10, 0, 0)) {
				t.Errorf("a travel document is kept until %v, want 10 years", doc.RetainUntil)
			}
			later := records.New(f.Store)
			later.Now = func() time.Time { return time.Now().AddDate(6, 0, 0) }
			n, err := later.ExpireDue(context.Background())
			if err != nil || n < 1 {
				t.Fatalf("expire: %d, %v", n, err)
			}
			exp := f.getRecord(t, ma, veh.ID)
			if exp.Status != core.StatusExpired || exp.Version != 2 || exp.StatusReason == "" {
				t.Fatalf("after retention: %+v", exp.Record)
			}
			if got := f.getRecord(t, ma, doc.ID); got.Status != core.StatusActive {
				t.Errorf("a travel document expired after 6 years: %s", got.Status)
			}
			wantProblem(t, f.do(t, "GET", "/api/v1/records/"+veh.ID, nil, fr), 404, "not_found", "")
			wantProblem(t, f.do(t, "PUT", "/api/v1/records/"+veh.ID, map[string]any{"version": 2, "caveat_text": "x"}, ma), 409, "conflict", "")
			wantProblem(t, f.do(t, "POST", "/api/v1/records/"+veh.ID+"/extend", map[string]any{"version": 2}, ma), 422, "invalid", "reason")
			wantProblem(t, f.do(t, "POST", "/api/v1/records/"+veh.ID+"/extend", map[string]any{"version": 1, "reason": "x"}, ma), 409, "conflict", "")
			wantProblem(t, f.do(t, "POST", "/api/v1/records/"+veh.ID+"/extend", map[string]any{"version": 2, "reason": "x"}, fr), 404, "not_found", "")

			before := time.Now().UTC()
			r := f.do(t, "POST", "/api/v1/records/"+veh.ID+"/extend", map[string]any{"version": 2, "reason": "case reopened"}, ma)
			if r.Status != http.StatusOK {
				t.Fatalf("extend: %s", r)
			}
			var ext record
			r.decode(t, &ext)
			if ext.Status != core.StatusActive || ext.Version != 3 || ext.StatusReason != "extended: case reopened" ||
				ext.RetainUntil.Before(before.AddDate(5, 0, 0).Add(-time.Second)) || !ext.ReviewDate.Equal(ext.RetainUntil.AddDate(0, -6, 0)) {
				t.Errorf("extended: %+v", ext.Record)
			}
			if got := f.getRecord(t, fr, veh.ID); got.Status != core.StatusActive {
				t.Errorf("FR sees the extended record as %s", got.Status)
			}
		})

		t.Run("review due", func(t *testing.T) {
			yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
			due := f.createRecord(t, ma, map[string]any{"kind": "asset", "releasability": map[string]any{"mode": "all"}, "review_date": yesterday,
				"data": map[string]any{"asset_type": "account", "iban": "MA64011519000001205000534921"}})
			if !slices.Equal(due.Flags, []string{"review_due"}) {
				t.Errorf("the owner's flags on creation: %v", due.Flags)
			}
			if got := f.getRecord(t, ma, due.ID); !slices.Equal(got.Flags, []string{"review_due"}) {
				t.Errorf("the owner's flags: %v", got.Flags)
			}
			if got := f.getRecord(t, fr, due.ID); len(got.Flags) != 0 {
				t.Errorf("FR's flags on MA's record: %v", got.Flags)
			}
			if got := f.listAll(t, fr, "/api/v1/records", url.Values{"owner": {"MA"}}, 0); len(got) == 0 {
				t.Errorf("FR lists none of MA's records")
			} else {
				for _, r := range got {
					if len(r.Flags) != 0 {
						t.Errorf("FR's flags on %s in a listing: %v", r.ID, r.Flags)
					}
				}
			}
			got := f.listAll(t, ma, "/api/v1/records", url.Values{"review_due": {"true"}}, 2)
			if !slices.Equal(ids(got), []string{due.ID}) {
				t.Errorf("MA's review_due listing: %v, want only %s", ids(got), due.ID)
			}
			for _, q := range []url.Values{{"review_due": {"true"}}, {"review_due": {"true"}, "owner": {"MA"}}} {
				if got := f.listAll(t, fr, "/api/v1/records", q, 0); len(got) != 0 {
					t.Errorf("FR's review_due listing %v shows %v", q, ids(got))
				}
			}
			// Reviewing means extending: the flag goes.
			r := f.do(t, "POST", "/api/v1/records/"+due.ID+"/extend", map[string]any{"version": 1, "reason": "reviewed"}, ma)
			var ext record
			r.decode(t, &ext)
			if r.Status != 200 || len(ext.Flags) != 0 {
				t.Errorf("after review: %s", r)
			}
		})

		t.Run("me", func(t *testing.T) {
			type meBody struct {
				Kind, ID, Username, Bureau, Role, Lang string
				DisplayName                            string   `json:"display_name"`
				BureauName                             string   `json:"bureau_name"`
				Permissions                            []string `json:"permissions"`
			}
			var m meBody
			r := f.do(t, "GET", "/api/v1/me", nil, ma)
			r.decode(t, &m)
			if r.Status != 200 || m.Kind != "user" || m.ID != ma.User.ID || m.Username != ma.Name || m.Bureau != "MA" ||
				m.BureauName != "NCB Morocco" || m.Role != core.RoleOfficer || m.Lang != "en" ||
				!slices.Equal(m.Permissions, core.RolePermissions(core.RoleOfficer)) {
				t.Errorf("me as a user: %s", r)
			}
			k := f.key(t, "MA", core.PermRecordsRead)
			m = meBody{}
			r = f.do(t, "GET", "/api/v1/me", nil, k)
			r.decode(t, &m)
			if r.Status != 200 || m.Kind != "key" || m.ID != k.KeyID || m.Username != "" || m.Role != "" || m.Bureau != "MA" ||
				!slices.Equal(m.Permissions, []string{core.PermRecordsRead}) {
				t.Errorf("me as a key: %s", r)
			}
			m = meBody{}
			r = f.do(t, "GET", "/api/v1/me", nil, admin)
			r.decode(t, &m)
			if m.Bureau != members.Secretariat || m.BureauName != "INTERPOL General Secretariat" || m.Role != core.RoleAdmin {
				t.Errorf("me as the secretariat admin: %s", r)
			}
		})

		t.Run("cross-site writes with a cookie are refused", func(t *testing.T) {
			n := f.countStored(t)
			wantProblem(t, f.do(t, "POST", "/api/v1/records", validPerson, ma, "Origin", "https://evil.example"), 403, "forbidden", "")
			wantProblem(t, f.do(t, "POST", "/api/v1/records", validPerson, ma, "Sec-Fetch-Site", "cross-site"), 403, "forbidden", "")
			if m := f.countStored(t); m != n {
				t.Errorf("a cross-site write was stored: %d → %d", n, m)
			}
			// Same origin is fine.
			r := f.do(t, "POST", "/api/v1/records", validPerson, ma, "Origin", f.URL)
			if r.Status != http.StatusCreated {
				t.Errorf("same-origin write: %s", r)
			}
		})

		t.Run("logout ends the session", func(t *testing.T) {
			s := f.login(t, ma.Name, testPassword)
			if r := f.do(t, "GET", "/api/v1/me", nil, s); r.Status != 200 {
				t.Fatalf("me: %s", r)
			}
			r := f.do(t, "POST", "/api/v1/auth/logout", nil, s)
			if r.Status != http.StatusNoContent {
				t.Fatalf("logout: %s", r)
			}
			cleared := false
			for _, c := range r.Cookies() {
				cleared = cleared || (c.Name == "manara_session" && c.MaxAge < 0)
			}
			if !cleared {
				t.Errorf("logout did not clear the cookie: %v", r.Header.Values("Set-Cookie"))
			}
			// The browser drops the cookie, but a copy of the token must be
			// dead on the server too.
			wantProblem(t, f.do(t, "GET", "/api/v1/me", nil, s), 401, "unauthorized", "")
			wantProblem(t, f.do(t, "GET", "/api/v1/records/"+id, nil, s), 401, "unauthorized", "")
			// Other sessions of the same user live on.
			if r := f.do(t, "GET", "/api/v1/me", nil, ma); r.Status != 200 {
				t.Errorf("another session of the user: %s", r)
			}
		})

		t.Run("a disabled user's session stops working", func(t *testing.T) {
			if r := f.do(t, "GET", "/api/v1/me", nil, fr); r.Status != 200 {
				t.Fatalf("me: %s", r)
			}
			r := f.do(t, "POST", "/api/v1/users/"+fr.Name+"/disable", nil, frAdmin)
			var u core.User
			r.decode(t, &u)
			if r.Status != 200 || !u.Disabled || u.Username != fr.Name {
				t.Fatalf("disable: %s", r)
			}
			wantProblem(t, f.do(t, "GET", "/api/v1/me", nil, fr), 401, "unauthorized", "")
			wantProblem(t, f.do(t, "GET", "/api/v1/records", nil, fr), 401, "unauthorized", "")
			wantProblem(t, f.do(t, "POST", "/api/v1/auth/login", map[string]string{"username": fr.Name, "password": testPassword}, nil), 401, "unauthorized", "")
			r = f.do(t, "POST", "/api/v1/users/"+fr.Name+"/enable", nil, frAdmin)
			if r.Status != 200 {
				t.Fatalf("enable: %s", r)
			}
			f.login(t, fr.Name, testPassword)
			wantProblem(t, f.do(t, "POST", "/api/v1/users/nobody.here/disable", nil, frAdmin), 404, "not_found", "")
		})

		t.Run("enabling a user does not revive its old sessions", func(t *testing.T) {
			// Disabling ends the sessions ("ending their sessions' use"):
			// enabling the account again must not bring back a session
			// opened before — it may have been stolen, which is why the
			// account was disabled. fr's session predates the disabling.
			if r := f.do(t, "GET", "/api/v1/me", nil, fr); r.Status == http.StatusOK {
				knownBug(t, "enable-revives-sessions", "a session opened before the user was disabled works again once the user is enabled (sessions are checked against users.disabled, never deleted): %s", r)
			}
			wantProblem(t, f.do(t, "GET", "/api/v1/me", nil, fr), 401, "unauthorized", "")
		})

		t.Run("keys through the API", func(t *testing.T) {
			exp := time.Now().UTC().Add(24 * time.Hour).Format(time.RFC3339)
			r := f.do(t, "POST", "/api/v1/keys", map[string]any{"name": "border gate 7", "bureau": "ma", "permissions": []string{"records:read"}, "expires_at": exp}, maAdmin)
			if r.Status != http.StatusCreated {
				t.Fatalf("create key: %s", r)
			}
			var ck struct {
				Key    core.APIKey
				Secret string
			}
			r.decode(t, &ck)
			if ck.Key.Bureau != "MA" || ck.Key.ExpiresAt == nil || ck.Secret == "" {
				t.Errorf("created key: %s", r)
			}
			k := &caller{Name: "border gate", Key: ck.Secret}
			if r := f.do(t, "GET", "/api/v1/records/"+id, nil, k); r.Status != 200 {
				t.Errorf("the new key reads MA's record: %s", r)
			}
			r = f.do(t, "GET", "/api/v1/keys", nil, maAdmin)
			var kl struct{ Items []map[string]any }
			r.decode(t, &kl)
			for _, item := range kl.Items {
				if _, ok := item["secret_hash"]; ok {
					t.Errorf("a key listing shows its hash: %v", item)
				}
				if item["id"] == ck.Key.ID && item["last_used_at"] == nil {
					t.Errorf("the used key has no last_used_at: %v", item)
				}
			}
			if len(kl.Items) == 0 {
				t.Errorf("no keys listed")
			}
			r = f.do(t, "DELETE", "/api/v1/keys/"+ck.Key.ID, nil, maAdmin)
			var rk core.APIKey
			r.decode(t, &rk)
			if r.Status != 200 || rk.RevokedAt == nil {
				t.Errorf("revoke: %s", r)
			}
			wantProblem(t, f.do(t, "GET", "/api/v1/me", nil, k), 401, "unauthorized", "")
			wantProblem(t, f.do(t, "DELETE", "/api/v1/keys/"+newID(), nil, maAdmin), 404, "not_found", "")
			wantProblem(t, f.do(t, "POST", "/api/v1/keys", map[string]any{"name": "old", "permissions": []string{"records:read"}, "expires_at": "2001-01-01"}, maAdmin), 422, "invalid", "expires_at")
			wantProblem(t, f.do(t, "POST", "/api/v1/keys", map[string]any{"name": "old", "permissions": []string{"records:read"}, "expires_at": "soon"}, maAdmin), 422, "invalid", "expires_at")
		})
	})
}

// subsequence reports whether want occurs in got in order (not
// necessarily contiguously).
func subsequence(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

// An owner removes a caveat text with PUT "caveat_text": "" (as [] removes
// the caveats); a change that leaves it out keeps it.
func TestRecordCaveatTextCleared(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
		rec := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": map[string]any{"mode": "all"}, "caveat_text": "do not approach alone",
			"data": map[string]any{"family_name": "Caveatson", "given_names": "Invented"}})
		if r := f.do(t, "PUT", "/api/v1/records/"+rec.ID, map[string]any{"version": 1, "review_date": "2030-01-01"}, ma); r.Status != http.StatusOK {
			t.Fatalf("PUT without caveat_text: %s", r)
		}
		if got := f.getRecord(t, ma, rec.ID); got.CaveatText != "do not approach alone" {
			t.Errorf("a PUT without caveat_text changed it to %q", got.CaveatText)
		}
		if r := f.do(t, "PUT", "/api/v1/records/"+rec.ID, map[string]any{"version": 2, "caveat_text": ""}, ma); r.Status != http.StatusOK {
			t.Fatalf("PUT caveat_text \"\": %s", r)
		}
		if got := f.getRecord(t, ma, rec.ID); got.CaveatText != "" || got.Version != 3 {
			t.Errorf("PUT caveat_text \"\": version %d, text still %q", got.Version, got.CaveatText)
		}
	})
}

// Create, read, update, cancel and extend answer the record's version as
// its ETag: the If-Match of the next change.
func TestRecordLifecycleETag(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
		rec := f.createRecord(t, ma, personInput("Etagson", core.Releasability{Mode: core.ReleaseAll}))
		r := f.do(t, "POST", "/api/v1/records/"+rec.ID+"/extend", map[string]any{"reason": "investigation ongoing"}, ma, "If-Match", `"1"`)
		if r.Status != http.StatusOK {
			t.Fatalf("extend: %s", r)
		}
		if got := r.Header.Get("ETag"); got != `"2"` {
			t.Errorf("extend made version 2 but answered ETag %q", got)
		}
		r = f.do(t, "POST", "/api/v1/records/"+rec.ID+"/cancel", map[string]any{"reason": "duplicate"}, ma, "If-Match", r.Header.Get("ETag"))
		if r.Status != http.StatusOK {
			t.Fatalf("cancel with the ETag extend answered: %s", r)
		}
		if got := r.Header.Get("ETag"); got != `"3"` {
			t.Errorf("cancel made version 3 but answered ETag %q", got)
		}
	})
}

// review_due=true keeps to the caller's own records and an owner filter
// still holds: owner=FR&review_due=true answers none of MA's records to
// MA, and owner=MA&review_due=true its due one.
func TestRecordListOwnerWithReviewDue(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ma := f.key(t, "MA", core.PermRecordsWrite, core.PermRecordsRead)
		due := f.createRecord(t, ma, map[string]any{"kind": "person", "releasability": map[string]any{"mode": "all"}, "review_date": "2001-01-01",
			"data": map[string]any{"family_name": "Duesson", "given_names": "Invented"}})
		if got := f.listAll(t, ma, "/api/v1/records", url.Values{"owner": {"FR"}, "review_due": {"true"}}, 0); len(got) != 0 {
			t.Errorf("owner=FR&review_due=true answered %v: the owner filter was dropped", ids(got))
		}
		if got := f.listAll(t, ma, "/api/v1/records", url.Values{"owner": {"MA"}, "review_due": {"true"}}, 0); !slices.Equal(ids(got), []string{due.ID}) {
			t.Errorf("owner=MA&review_due=true answered %v, want %s", ids(got), due.ID)
		}
	})
}
