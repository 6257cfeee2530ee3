package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/web/api"
)

// TestDisableDoesNotRevealWhichUsernamesExist: any signed-in caller
// (an officer of another bureau, a border system's screening key) could
// learn whether a username exists anywhere on the hub by asking to
// disable it: an unknown name was 404, another bureau's user 403. Sign-in
// takes care to answer the same whatever the cause; the administration
// route must not be the oracle it avoids: a caller who administers no
// bureau is refused before any user is looked up.
func TestDisableDoesNotRevealWhichUsernamesExist(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		maOfficer := f.user(t, "MA", core.RoleOfficer)
		frOfficer := f.user(t, "FR", core.RoleOfficer)
		frScreen := f.key(t, "FR", core.PermScreen)
		for _, c := range []*caller{frOfficer, frScreen} {
			for _, op := range []string{"disable", "enable"} {
				exists := f.do(t, "POST", "/api/v1/users/"+maOfficer.Name+"/"+op, nil, c)
				absent := f.do(t, "POST", "/api/v1/users/ma.officer.nobody-by-that-name/"+op, nil, c)
				if exists.Status != absent.Status {
					t.Errorf("%s, %s: an existing MA user answers %d, an unknown name %d: the answer tells which usernames exist",
						c, op, exists.Status, absent.Status)
				}
			}
		}
		if r := f.do(t, "GET", "/api/v1/me", nil, maOfficer); r.Status != http.StatusOK {
			t.Fatalf("MA's officer after the attempts: %s", r)
		}
	})
}

// TestRefusedDisableAuditedNamingBureau: README, Security: the
// secretariat's admin may not "list, disable or reset that bureau's users
// and keys; such attempts get 403 and are audited naming the bureau". The
// refused disable and enable of MA's officer were audited with no bureau
// at all, and the refused enable written as a "user.disable".
func TestRefusedDisableAuditedNamingBureau(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ipsgAdmin := f.user(t, members.Secretariat, core.RoleAdmin)
		maOfficer := f.user(t, "MA", core.RoleOfficer)
		for _, op := range []string{"disable", "enable"} {
			wantProblem(t, f.do(t, "POST", "/api/v1/users/"+maOfficer.Name+"/"+op, nil, ipsgAdmin), 403, "forbidden", "")
		}
		got := map[string][]string{}
		for _, e := range auditEntries(t, f) {
			if e.Outcome == "denied" && e.ActorID == ipsgAdmin.User.ID && strings.HasPrefix(e.Action, "user.") {
				got[e.Action] = append(got[e.Action], e.Query)
			}
		}
		for _, action := range []string{"user.disable", "user.enable"} {
			qs := got[action]
			if len(qs) != 1 || !strings.Contains(qs[0], "MA") {
				t.Errorf("refused %s audited as %q, want one entry naming bureau MA (all refusals: %q)", action, qs, got)
			}
		}
	})
}

// TestRefusedKeyRevokeAudited: the same README sentence for
// keys. The secretariat's admin (and any bureau's admin) asking to revoke
// MA's key is told 404, as for a key that does not exist, but the attempt
// on another bureau's credential is audited naming the bureau (it left no
// trace).
func TestRefusedKeyRevokeAudited(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ipsgAdmin := f.user(t, members.Secretariat, core.RoleAdmin)
		maKey := f.key(t, "MA", core.PermScreen)
		before := len(auditEntries(t, f))
		r := f.do(t, "DELETE", "/api/v1/keys/"+maKey.KeyID, nil, ipsgAdmin)
		if r.Status == http.StatusOK {
			t.Fatalf("the secretariat's admin revoked MA's key: %s", r)
		}
		var denied []core.AuditEntry
		for _, e := range auditEntries(t, f)[before:] {
			if e.Action == "key.revoke" && e.Outcome == "denied" {
				denied = append(denied, e)
			}
		}
		if len(denied) != 1 || !strings.Contains(denied[0].Query, "MA") {
			t.Fatalf("refused revocation of MA's key by the secretariat's admin (answered %d): audited %+v, want one denied key.revoke naming bureau MA", r.Status, denied)
		}
	})
}

// TestMetricsDenialsWithinTheAuditCap: README, the audit log:
// refused credentials are written "up to 100 from one address ... in 15
// minutes: past them a refusal is answered as before but counted ...
// rather than written". /metrics audited every refused bearer itself
// (metrics.denied), outside that cap: an anonymous client sending a bad
// key to /metrics without end wrote an audit entry per request.
func TestMetricsDenialsWithinTheAuditCap(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		const n = api.MaxAuditedDenials + 50
		for i := range n {
			r := f.do(t, "GET", "/metrics", nil, nil, "Authorization", "Bearer mnr_not-a-key-"+strconv.Itoa(i))
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("request %d: %s", i, r)
			}
		}
		written := 0
		for _, e := range auditEntries(t, f) {
			if e.Outcome == "denied" && e.ActorType == "anonymous" {
				written++
			}
		}
		if written > api.MaxAuditedDenials {
			t.Fatalf("%d refused bearers on /metrics from one address wrote %d audit entries, want at most %d", n, written, api.MaxAuditedDenials)
		}
	})
}

// TestSignInRefusalsPastTheLimitWithinTheAuditCap: once an
// address has spent its sign-in failures (auth.MaxAddressFailures in 15
// minutes) every further attempt is refused with 429 without a password
// check. Every one of those refusals was an audit entry: an anonymous
// client kept writing to the append-only log, one entry per request, for
// as long as it liked, which the cap on audited refusals of credentials
// exists to prevent. They now draw on the same per-address quota.
func TestSignInRefusalsPastTheLimitWithinTheAuditCap(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		const n = auth.MaxAddressFailures + api.MaxAuditedDenials + 60
		limited := 0
		for i := range n {
			r := f.do(t, "POST", "/api/v1/auth/login", map[string]string{"username": "guess." + strconv.Itoa(i), "password": "not the password"}, nil)
			if r.Status == http.StatusTooManyRequests {
				limited++
			}
		}
		if limited < api.MaxAuditedDenials {
			t.Fatalf("only %d of %d sign-ins were refused by the address limit", limited, n)
		}
		written := 0
		for _, e := range auditEntries(t, f) {
			if e.Action == "auth.login" && e.Outcome == "denied" {
				written++
			}
		}
		if max := auth.MaxAddressFailures + api.MaxAuditedDenials; written > max {
			t.Fatalf("%d sign-in attempts from one address (%d of them 429) wrote %d audit entries, want at most %d", n, limited, written, max)
		}
	})
}
