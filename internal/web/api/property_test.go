package api_test

// The security property of principle 1, checked through every API path
// that returns records: for every viewer and every record, the API shows
// the record if and only if access.CanSee says so — by id, in listings
// (paged, filtered), in search, in exports and in audit views — and a
// hidden record is indistinguishable from one that does not exist.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/records"
)

// propertyRecords is how many records the property test creates.
const propertyRecords = 60

// propertyTokens are the words planted in records' data for search. None
// is a substring of another, of a data key or of any other generated value.
// One has letters outside ASCII: it is searched for in upper case, and
// both stores must fold its case alike.
var propertyTokens = []string{"zephyrite", "quokkaline", "marzipanic", "obsidrax", "çèdrelune", "krypteon"}

// owners write records; BR and DE own nothing.
var propertyOwners = []string{"MA", "FR", "ES", "NG", "US"}

// releasePool is where releasability lists draw their countries from
// (owners included: a record released to its own owner is normalised).
var releasePool = []string{"MA", "FR", "ES", "NG", "US", "BR", "DE", "JP"}

func propertySeed(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("MANARA_PROPERTY_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("MANARA_PROPERTY_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("property seed %d (rerun with MANARA_PROPERTY_SEED=%d)", seed, seed)
	return seed
}

// propertyWorld is the records and viewers of one backend's run.
type propertyWorld struct {
	f       *fixture
	rng     *rand.Rand
	officer map[string]*caller // bureau -> officer
	truth   map[string]record  // id -> the record as its owner sees it
	order   []string           // ids in creation order
	missing string             // an id no record has
	notices []string           // ids of the records that are notices
}

func TestReleasabilityProperty(t *testing.T) {
	seed := propertySeed(t)
	forEachBackend(t, func(t *testing.T, f *fixture) {
		start := time.Now()
		w := &propertyWorld{f: f, rng: rand.New(rand.NewPCG(seed, seed^0x5eed5eed)), officer: map[string]*caller{},
			truth: map[string]record{}, missing: newID()}
		for _, b := range append(slices.Clone(propertyOwners), "BR") {
			w.officer[b] = f.user(t, b, core.RoleOfficer)
		}
		viewers := []*caller{
			w.officer["MA"], w.officer["FR"], w.officer["ES"], w.officer["NG"], w.officer["US"], w.officer["BR"],
			f.user(t, members.Secretariat, core.RoleReviewer),
			f.user(t, members.Secretariat, core.RoleAnalyst),
			f.key(t, "MA", core.PermAuditRead),                       // audit only, of an owner bureau
			f.key(t, "FR", core.PermRecordsRead),                     // read, for an owner bureau
			f.key(t, "DE", core.PermRecordsRead, core.PermAuditRead), // read, a bureau that owns nothing
			f.key(t, members.Secretariat, core.PermRecordsRead),      // the secretariat without a role
			f.key(t, "US", core.PermRecordsWrite),                    // write without read
		}
		w.build(t)
		t.Logf("%s: world of %d records built in %v: %s", f.Backend, len(w.truth), time.Since(start).Round(time.Millisecond), w.summary())

		var auditLeaks, auditUnseen []string
		for _, v := range viewers {
			t.Run(v.Name, func(t *testing.T) {
				w.checkMe(t, v)
				w.checkGet(t, v)
				w.checkLists(t, v)
				w.checkSearch(t, v)
				w.checkExport(t, v)
				w.checkNotices(t, v)
				leaks, unseen := w.checkAudit(t, v)
				auditLeaks = append(auditLeaks, leaks...)
				auditUnseen = append(auditUnseen, unseen...)
			})
		}
		t.Logf("%s: property checked for %d viewers × %d records in %v", f.Backend, len(viewers), len(w.truth), time.Since(start).Round(time.Millisecond))

		// Violations traced to known, reported bugs are collected above and
		// reported here, so that every other assertion keeps running.
		t.Run("audit trail names only visible records", func(t *testing.T) {
			if len(auditLeaks) > 0 {
				knownBug(t, "audit-trail-leaks-record-ids", "%d audit entries shown to a record's owner name records that viewer may not see (the record.list/search/export entries of other bureaus), e.g.\n  %s",
					len(auditLeaks), strings.Join(auditLeaks[:min(5, len(auditLeaks))], "\n  "))
			}
		})
		t.Run("audit trail only of visible records", func(t *testing.T) {
			if len(auditUnseen) > 0 {
				knownBug(t, "audit-without-records-read", "%d audit trails were served for records the viewer may not see (access.CanReadAudit does not require CanSee), e.g.\n  %s",
					len(auditUnseen), strings.Join(auditUnseen[:min(5, len(auditUnseen))], "\n  "))
			}
		})
	})
}

// build creates the records through the API with random kinds,
// releasability and data, then moves them through their life cycle —
// cancel, expire (by retention, with the clock moved on), extend, cancel
// again — so that every status occurs, and reads each back as its owner.
func (w *propertyWorld) build(t *testing.T) {
	f, rng := w.f, w.rng
	reviewer := f.user(t, members.Secretariat, core.RoleReviewer)
	for i := range propertyRecords {
		owner := propertyOwners[rng.IntN(len(propertyOwners))]
		in := w.randomInput(i, owner)
		if in["type"] != nil {
			// A notice: a diffusion circulates at once; a request stays a
			// draft (pending: its owner and reviewers only), is refused, or
			// is published through review.
			n := f.noticeDo(t, 201, "POST", "/api/v1/notices", in, w.officer[owner])
			if in["diffusion"] == false {
				switch rng.IntN(3) {
				case 1:
					f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{}, w.officer[owner])
					f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "refuse", "reason_category": "private_matter", "reason": "a family dispute"}, reviewer)
				case 2:
					f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/submit", map[string]any{}, w.officer[owner])
					f.noticeDo(t, 200, "POST", "/api/v1/notices/"+n.ID+"/decision", map[string]any{"decision": "publish"}, reviewer)
				}
			}
			rec := f.getRecord(t, w.officer[owner], n.ID)
			w.truth[rec.ID] = rec
			w.order = append(w.order, rec.ID)
			w.notices = append(w.notices, rec.ID)
			continue
		}
		rec := f.createRecord(t, w.officer[owner], in)
		if rec.Owner != owner || rec.Version != 1 || rec.Status != core.StatusActive {
			t.Fatalf("created %+v as %s", rec.Record, owner)
		}
		w.truth[rec.ID] = rec
		w.order = append(w.order, rec.ID)
	}
	lifecycle := func(op, id, reason string) {
		rec := w.truth[id]
		path := "/api/v1/records/" + id + "/" + op
		if rec.Kind == core.KindNotice {
			path = "/api/v1/notices/" + id + "/" + op
		}
		r := f.do(t, "POST", path, map[string]any{"reason": reason, "version": rec.Version}, w.officer[rec.Owner])
		if r.Status != http.StatusOK {
			t.Fatalf("%s %s: %s", op, id, r)
		}
		w.truth[id] = f.getRecord(t, w.officer[rec.Owner], id)
	}
	for _, id := range w.order {
		if rng.IntN(100) < 15 {
			lifecycle("cancel", id, "duplicate entry")
		}
	}
	// Six years on, every active record kept five years has expired.
	later := records.New(f.Store)
	later.Now = func() time.Time { return time.Now().AddDate(6, 0, 0) }
	if _, err := later.ExpireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.reload(t)
	for _, id := range w.order {
		if w.truth[id].Status == core.StatusExpired && rng.IntN(2) == 0 {
			lifecycle("extend", id, "investigation continues")
		}
	}
	for _, id := range w.order {
		if w.truth[id].Status != core.StatusCancelled && rng.IntN(100) < 10 {
			lifecycle("cancel", id, "withdrawn by the owner")
		}
	}
	w.reload(t)
}

// reload reads every record as its owner: the ground truth CanSee is
// evaluated on.
func (w *propertyWorld) reload(t *testing.T) {
	for _, id := range w.order {
		owner := w.truth[id].Owner
		w.truth[id] = w.f.getRecord(t, w.officer[owner], id)
	}
}

func (w *propertyWorld) summary() string {
	n := map[string]int{}
	for _, r := range w.truth {
		n[r.Status]++
		n["rel:"+r.Releasability.Mode]++
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, n[k]))
	}
	return strings.Join(parts, " ")
}

// randomInput makes a valid record body of a random kind and
// releasability, with some of the search tokens in its data.
func (w *propertyWorld) randomInput(i int, owner string) map[string]any {
	rng := w.rng
	kind := core.Kinds[rng.IntN(len(core.Kinds))]
	var data map[string]any
	switch kind {
	case core.KindPerson:
		data = map[string]any{"family_name": []string{"Benali", "Durand", "Okafor", "Garcia", "Johnson"}[rng.IntN(5)],
			"given_names": "Sam", "sex": "U", "date_of_birth": fmt.Sprintf("19%02d", 50+rng.IntN(50)), "nationalities": []string{owner}}
	case core.KindTravelDocument:
		data = map[string]any{"number": fmt.Sprintf("P%08d", rng.IntN(1e8)), "issuing_country": owner}
	case core.KindVehicle:
		data = map[string]any{"plate": fmt.Sprintf("%d-%d", rng.IntN(99999), i), "registration_country": owner}
	case core.KindAsset:
		data = map[string]any{"asset_type": []string{"account", "crypto", "vessel"}[rng.IntN(3)]}
	case core.KindCyberIndicator:
		data = map[string]any{"type": "domain", "value": fmt.Sprintf("host%d.example", i)}
	case core.KindNotice:
		// Notices come through the notices API: built below.
		typ := []string{"red", "yellow", "silver", "green"}[rng.IntN(4)]
		data = validData(typ)
		data["notice_type"] = typ
	case core.KindEntity:
		data = map[string]any{"name": fmt.Sprintf("Company %d", i), "entity_type": "entity"}
	}
	var toks []string
	for _, tok := range propertyTokens {
		if rng.IntN(4) == 0 {
			toks = append(toks, tok)
		}
	}
	if len(toks) > 0 {
		field := "remarks"
		if kind == core.KindNotice {
			field = "summary"
		}
		data[field] = "seen with " + strings.Join(toks, " and ")
	}
	rel := map[string]any{}
	switch r := rng.IntN(10); {
	case r < 3:
		rel["mode"] = core.ReleaseAll
	case r < 7:
		rel["mode"], rel["countries"] = core.ReleaseOnly, w.randomCountries()
	default:
		rel["mode"], rel["countries"] = core.ReleaseExcept, w.randomCountries()
	}
	in := map[string]any{"kind": kind, "releasability": rel, "data": data}
	if rng.IntN(4) == 0 {
		in["caveats"] = []string{core.CaveatContactOwnerBeforeAction}
	}
	if kind == core.KindNotice {
		delete(in, "kind")
		in["type"] = data["notice_type"]
		delete(data, "notice_type")
		in["diffusion"] = rng.IntN(2) == 0
	}
	return in
}

// randomCountries picks 1 to 4 countries, written as alpha-2, alpha-3 or
// in lower case: the API normalises them, and the access decision must
// agree with the store whatever the spelling was.
func (w *propertyWorld) randomCountries() []string {
	rng := w.rng
	pool := slices.Clone(releasePool)
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	out := pool[:1+rng.IntN(4)]
	for i, c := range out {
		switch rng.IntN(4) {
		case 0:
			cc, _ := members.Lookup(c)
			out[i] = cc.Alpha3
		case 1:
			out[i] = strings.ToLower(c)
		}
	}
	return out
}

// visible is the set of ids v may see among the records matching keep.
func (w *propertyWorld) visible(v *caller, keep func(record) bool) map[string]bool {
	out := map[string]bool{}
	for id, r := range w.truth {
		if access.CanSee(v.Viewer, &r.Record) && (keep == nil || keep(r)) {
			out[id] = true
		}
	}
	return out
}

func (w *propertyWorld) describe(id string) string {
	r, ok := w.truth[id]
	if !ok {
		return id + " (not one of ours)"
	}
	return fmt.Sprintf("%s owner=%s status=%s rel=%s%v", id, r.Owner, r.Status, r.Releasability.Mode, r.Releasability.Countries)
}

// sameSet asserts that got holds exactly the ids in want, once each,
// in ascending id order, with the envelope the owner sees.
func (w *propertyWorld) sameSet(t *testing.T, v *caller, what string, got []record, want map[string]bool, ordered bool) {
	t.Helper()
	seen := map[string]bool{}
	for i, r := range got {
		if seen[r.ID] {
			t.Errorf("%s as %s: %s returned twice", what, v, r.ID)
		}
		seen[r.ID] = true
		if !want[r.ID] {
			t.Errorf("%s as %s LEAKS %s", what, v, w.describe(r.ID))
			continue
		}
		if ordered && i > 0 && got[i-1].ID >= r.ID {
			t.Errorf("%s as %s: not in id order at %d", what, v, i)
		}
		tr := w.truth[r.ID]
		if r.Owner != tr.Owner || r.Status != tr.Status || r.Version != tr.Version || r.Releasability.Mode != tr.Releasability.Mode ||
			!slices.Equal(r.Releasability.Countries, tr.Releasability.Countries) {
			t.Errorf("%s as %s: %s shown as owner=%s status=%s version=%d rel=%v, the owner sees %s version %d", what, v, r.ID,
				r.Owner, r.Status, r.Version, r.Releasability, w.describe(r.ID), tr.Version)
		}
		if slices.Contains(r.Flags, "review_due") && v.Viewer.Bureau != r.Owner {
			t.Errorf("%s as %s: review_due flag on %s, which belongs to %s", what, v, r.ID, r.Owner)
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("%s as %s MISSES %s", what, v, w.describe(id))
		}
	}
}

func (w *propertyWorld) checkMe(t *testing.T, v *caller) {
	r := w.f.do(t, "GET", "/api/v1/me", nil, v)
	if r.Status != http.StatusOK {
		t.Fatalf("me: %s", r)
	}
	var m struct {
		Bureau, Role string
		Permissions  []string
	}
	r.decode(t, &m)
	if m.Bureau != v.Viewer.Bureau || m.Role != v.Viewer.Role || !slices.Equal(m.Permissions, v.Viewer.Permissions) {
		t.Fatalf("the server sees %+v, the test assumes %+v", m, v.Viewer)
	}
}

// checkGet: GET /api/v1/records/{id} is 200 iff CanSee, and otherwise the
// same 404 as for an id that does not exist.
func (w *propertyWorld) checkGet(t *testing.T, v *caller) {
	f := w.f
	absent := f.do(t, "GET", "/api/v1/records/"+w.missing, nil, v)
	wantProblem(t, absent, 404, "not_found", "")
	for _, id := range w.order {
		tr := w.truth[id]
		r := f.do(t, "GET", "/api/v1/records/"+id, nil, v)
		if access.CanSee(v.Viewer, &tr.Record) {
			if r.Status != http.StatusOK {
				t.Errorf("GET as %s MISSES %s: %s", v, w.describe(id), r)
				continue
			}
			var got record
			r.decode(t, &got)
			w.sameSet(t, v, "GET "+id, []record{got}, map[string]bool{id: true}, false)
			if r.Header.Get("ETag") != strconv.Quote(strconv.FormatInt(tr.Version, 10)) {
				t.Errorf("GET %s: ETag %q, version %d", id, r.Header.Get("ETag"), tr.Version)
			}
		} else {
			if r.Status != http.StatusNotFound {
				t.Errorf("GET as %s LEAKS %s: %s", v, w.describe(id), r)
				continue
			}
			sameProblem(t, absent, r)
		}
	}
}

// checkLists pages through the listing, unfiltered and with each filter,
// with small random page sizes.
func (w *propertyWorld) checkLists(t *testing.T, v *caller) {
	f, rng := w.f, w.rng
	limit := func() int { return 2 + rng.IntN(8) }
	list := func(q url.Values, keep func(record) bool) {
		got := f.listAll(t, v, "/api/v1/records", q, limit())
		w.sameSet(t, v, "list "+q.Encode(), got, w.visible(v, keep), true)
	}
	list(url.Values{}, nil)
	for _, k := range core.Kinds {
		list(url.Values{"kind": {k}}, func(r record) bool { return r.Kind == k })
	}
	for _, o := range append(slices.Clone(propertyOwners), "BR") {
		spelled := o
		if rng.IntN(2) == 0 { // the filter takes alpha-3 and any case, too
			c, _ := members.Lookup(o)
			spelled = strings.ToLower(c.Alpha3)
		}
		list(url.Values{"owner": {spelled}}, func(r record) bool { return r.Owner == o })
	}
	for _, s := range []string{core.StatusActive, core.StatusExpired, core.StatusCancelled} {
		list(url.Values{"status": {s}}, func(r record) bool { return r.Status == s })
	}
	for range 3 {
		k := core.Kinds[rng.IntN(len(core.Kinds))]
		o := propertyOwners[rng.IntN(len(propertyOwners))]
		s := []string{core.StatusActive, core.StatusExpired, core.StatusCancelled}[rng.IntN(3)]
		list(url.Values{"kind": {k}, "owner": {o}}, func(r record) bool { return r.Kind == k && r.Owner == o })
		list(url.Values{"owner": {o}, "status": {s}}, func(r record) bool { return r.Owner == o && r.Status == s })
	}
}

// contains reports whether text occurs, ignoring case, in one of the
// values (not the keys) of r's data: what search is documented to find.
func contains(r record, text string) bool {
	var v any
	dec := json.NewDecoder(bytes.NewReader(r.Data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return false
	}
	text = strings.ToLower(text)
	var walk func(any) bool
	walk = func(x any) bool {
		switch y := x.(type) {
		case string:
			return strings.Contains(strings.ToLower(y), text)
		case json.Number:
			return strings.Contains(y.String(), text)
		case []any:
			return slices.ContainsFunc(y, walk)
		case map[string]any:
			for _, e := range y {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// checkSearch: a search returns exactly the visible records whose data
// contains the text, whatever its case.
func (w *propertyWorld) checkSearch(t *testing.T, v *caller) {
	f, rng := w.f, w.rng
	for i, tok := range propertyTokens {
		q := tok
		switch i % 3 {
		case 1:
			q = strings.ToUpper(tok)
		case 2:
			q = string([]rune(tok)[1 : len([]rune(tok))-1]) // a substring
		}
		got := f.listAll(t, v, "/api/v1/records/search", url.Values{"q": {q}}, 2+rng.IntN(8))
		w.sameSet(t, v, "search q="+q, got, w.visible(v, func(r record) bool { return contains(r, q) }), true)
	}
	tok := propertyTokens[rng.IntN(len(propertyTokens))]
	o := propertyOwners[rng.IntN(len(propertyOwners))]
	got := f.listAll(t, v, "/api/v1/records/search", url.Values{"q": {tok}, "owner": {o}, "status": {core.StatusActive}}, 3)
	w.sameSet(t, v, "search q="+tok+" owner="+o+" status=active", got,
		w.visible(v, func(r record) bool { return contains(r, tok) && r.Owner == o && r.Status == core.StatusActive }), true)
	// A word no record holds finds nothing for anyone.
	if got := f.listAll(t, v, "/api/v1/records/search", url.Values{"q": {"nowhere-to-be-found"}}, 0); len(got) != 0 {
		t.Errorf("search for an absent word as %s found %v", v, ids(got))
	}
}

// checkExport: the NDJSON export holds exactly the visible records.
func (w *propertyWorld) checkExport(t *testing.T, v *caller) {
	f, rng := w.f, w.rng
	w.sameSet(t, v, "export", f.export(t, v, url.Values{}), w.visible(v, nil), true)
	s := []string{core.StatusActive, core.StatusExpired, core.StatusCancelled}[rng.IntN(3)]
	w.sameSet(t, v, "export status="+s, f.export(t, v, url.Values{"status": {s}}), w.visible(v, func(r record) bool { return r.Status == s }), true)
	tok := propertyTokens[rng.IntN(len(propertyTokens))]
	k := core.Kinds[rng.IntN(len(core.Kinds))]
	w.sameSet(t, v, "export q="+tok+" kind="+k, f.export(t, v, url.Values{"q": {tok}, "kind": {k}}),
		w.visible(v, func(r record) bool { return contains(r, tok) && r.Kind == k }), true)
}

// checkAudit: a record's audit trail is 404 — like a record that does not
// exist — to whoever may not see the record; 403 to those who see it but
// may not read its trail; and what it shows names only records the viewer
// may see. It returns, rather than fails on, the violations that known
// bugs cause (see TestReleasabilityProperty).
func (w *propertyWorld) checkAudit(t *testing.T, v *caller) (leaks, unseen []string) {
	f := w.f
	absent := f.do(t, "GET", "/api/v1/records/"+w.missing+"/audit", nil, v)
	wantProblem(t, absent, 404, "not_found", "")
	for _, id := range w.order {
		tr := w.truth[id]
		r := f.do(t, "GET", "/api/v1/records/"+id+"/audit?limit=500", nil, v)
		canSee := access.CanSee(v.Viewer, &tr.Record)
		switch {
		case !canSee && r.Status == http.StatusOK && access.CanReadAudit(v.Viewer, &tr.Record):
			unseen = append(unseen, fmt.Sprintf("%s read the audit trail of %s", v, w.describe(id)))
		case !canSee:
			if r.Status != http.StatusNotFound {
				t.Errorf("audit as %s of a hidden record %s: %s", v, w.describe(id), r)
				continue
			}
			sameProblem(t, absent, r)
			continue
		case !access.CanReadAudit(v.Viewer, &tr.Record):
			wantProblem(t, r, 403, "forbidden", "")
			continue
		case r.Status != http.StatusOK:
			t.Errorf("audit as %s of %s: %s", v, w.describe(id), r)
			continue
		}
		var page struct{ Items []core.AuditEntry }
		r.decode(t, &page)
		var create bool
		for _, e := range page.Items {
			if !slices.Contains(e.RecordIDs, id) {
				t.Errorf("audit of %s shows entry %d, which does not name it: %+v", id, e.Seq, e)
			}
			create = create || e.Action == "record.create" || e.Action == "notice.create"
			for _, other := range e.RecordIDs {
				if other == id {
					continue
				}
				o, ours := w.truth[other]
				if !ours || !access.CanSee(v.Viewer, &o.Record) {
					leaks = append(leaks, fmt.Sprintf("%s reading the trail of %s sees entry %d (%s by %s %s) naming %s",
						v, id, e.Seq, e.Action, e.Bureau, e.ActorID, w.describe(other)))
				}
			}
		}
		if !create {
			t.Errorf("audit of %s as %s has no record.create entry", id, v)
		}
	}
	return leaks, unseen
}

// checkNotices asks the notice paths — one notice, the listing with small
// pages — and checks they show exactly what access.CanSee allows:
// drafts, requests and refusals to their owner and the reviewers only.
func (w *propertyWorld) checkNotices(t *testing.T, v *caller) {
	f := w.f
	want := map[string]bool{}
	for _, id := range w.notices {
		tr := w.truth[id]
		r := f.do(t, "GET", "/api/v1/notices/"+id, nil, v)
		if access.CanSee(v.Viewer, &tr.Record) {
			want[id] = true
			if r.Status != http.StatusOK {
				t.Errorf("GET notice as %s MISSES %s: %s", v, w.describe(id), r)
			}
		} else if r.Status != http.StatusNotFound {
			t.Errorf("GET notice as %s LEAKS %s: %s", v, w.describe(id), r)
		}
	}
	got := map[string]bool{}
	q := url.Values{"limit": {"3"}}
	for pages := 0; pages < 100; pages++ {
		var p struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		r := f.do(t, "GET", "/api/v1/notices?"+q.Encode(), nil, v)
		if r.Status != http.StatusOK {
			t.Fatalf("list notices as %s: %s", v, r)
		}
		r.decode(t, &p)
		for _, it := range p.Items {
			if !want[it.ID] {
				t.Errorf("list notices as %s LEAKS %s", v, w.describe(it.ID))
			}
			got[it.ID] = true
		}
		if p.NextCursor == "" {
			break
		}
		q.Set("cursor", p.NextCursor)
	}
	for id := range want {
		if !got[id] {
			t.Errorf("list notices as %s MISSES %s", v, w.describe(id))
		}
	}
}
