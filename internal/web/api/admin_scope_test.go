package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// TestSecretariatAdminCannotActAsBureau: the secretariat's administrator
// may not mint a key or create a user for a member bureau (which would
// then read the bureau's restricted records and write its records), nor
// list, disable or revoke the bureau's users and keys. A bureau's own
// admin administers its bureau and no other; the secretariat's admin
// administers the secretariat.
func TestSecretariatAdminCannotActAsBureau(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ipsgAdmin := f.user(t, members.Secretariat, core.RoleAdmin)
		maAdmin := f.user(t, "MA", core.RoleAdmin)
		maOfficer := f.user(t, "MA", core.RoleOfficer)
		maKey := f.key(t, "MA", core.PermRecordsRead)
		restricted := map[string]any{"kind": "person", "releasability": map[string]any{"mode": "only", "countries": []string{"MA"}},
			"data": map[string]any{"family_name": "Ouazzani", "given_names": "Driss", "nationalities": []string{"MA"}}}
		if r := f.do(t, "POST", "/api/v1/records", restricted, maOfficer); r.Status != http.StatusCreated {
			t.Fatalf("create: %s", r)
		}
		usersBefore, _ := f.Auth.ListUsers(context.Background(), system)
		keysBefore, _ := f.Auth.ListKeys(context.Background(), system)

		// The secretariat's admin, as bureau MA: refused, with the reason.
		for _, perms := range [][]string{{"records:read"}, {"records:read", "records:write"}, {"admin"}} {
			p := wantProblem(t, f.do(t, "POST", "/api/v1/keys", map[string]any{"name": "as MA", "bureau": "MA", "permissions": perms}, ipsgAdmin), 403, "forbidden", "")
			if !strings.Contains(p.Detail, "administer bureau IPSG only") {
				t.Errorf("the refusal does not say why: %q", p.Detail)
			}
		}
		for _, role := range []string{core.RoleAdmin, core.RoleOfficer, core.RoleAnalyst} {
			wantProblem(t, f.do(t, "POST", "/api/v1/users", map[string]string{"username": "ma.planted." + role, "bureau": "MA", "role": role, "password": testPassword}, ipsgAdmin), 403, "forbidden", "")
		}
		wantProblem(t, f.do(t, "POST", "/api/v1/users/"+maOfficer.Name+"/disable", nil, ipsgAdmin), 403, "forbidden", "")
		wantProblem(t, f.do(t, "DELETE", "/api/v1/keys/"+maKey.KeyID, nil, ipsgAdmin), 404, "not_found", "")
		if r := f.do(t, "GET", "/api/v1/me", nil, maOfficer); r.Status != http.StatusOK {
			t.Fatalf("MA's officer after the secretariat's attempts: %s", r)
		}
		if r := f.do(t, "GET", "/api/v1/me", nil, maKey); r.Status != http.StatusOK {
			t.Fatalf("MA's key after the secretariat's attempts: %s", r)
		}
		// Nor does it see MA's users and keys in its listings.
		for _, path := range []string{"/api/v1/users", "/api/v1/keys"} {
			r := f.do(t, "GET", path, nil, ipsgAdmin)
			var l struct{ Items []struct{ Bureau string } }
			r.decode(t, &l)
			if r.Status != 200 || path == "/api/v1/users" && len(l.Items) == 0 {
				t.Fatalf("%s: %s", path, r)
			}
			for _, it := range l.Items {
				if it.Bureau != members.Secretariat {
					t.Errorf("%s as the secretariat's admin lists bureau %s", path, it.Bureau)
				}
			}
		}
		// A bureau's admin: the same for another bureau.
		wantProblem(t, f.do(t, "POST", "/api/v1/keys", map[string]any{"name": "as FR", "bureau": "FR", "permissions": []string{"records:read"}}, maAdmin), 403, "forbidden", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/users", map[string]string{"username": "fr.planted", "bureau": "FR", "role": "officer", "password": testPassword}, maAdmin), 403, "forbidden", "")
		wantProblem(t, f.do(t, "POST", "/api/v1/users", map[string]string{"username": "ipsg.planted", "bureau": "IPSG", "role": "reviewer", "password": testPassword}, maAdmin), 403, "forbidden", "")
		usersAfter, _ := f.Auth.ListUsers(context.Background(), system)
		keysAfter, _ := f.Auth.ListKeys(context.Background(), system)
		if len(usersAfter) != len(usersBefore) || len(keysAfter) != len(keysBefore) {
			t.Fatalf("refused administration left users %d→%d, keys %d→%d", len(usersBefore), len(usersAfter), len(keysBefore), len(keysAfter))
		}
		// Every refusal is audited, naming the bureau.
		denied := 0
		for _, e := range auditEntries(t, f) {
			if (e.Action == "key.create" || e.Action == "user.create") && e.Outcome == "denied" && e.Query == "bureau MA" && e.ActorID == ipsgAdmin.User.ID {
				denied++
			}
		}
		if denied != 6 {
			t.Errorf("%d audited refusals of the secretariat's admin acting for MA, want 6", denied)
		}

		// Each administers its own bureau.
		if r := f.do(t, "POST", "/api/v1/keys", map[string]any{"name": "ipsg gate", "bureau": "IPSG", "permissions": []string{"records:read"}}, ipsgAdmin); r.Status != http.StatusCreated {
			t.Errorf("the secretariat's admin, a secretariat key: %s", r)
		}
		if r := f.do(t, "POST", "/api/v1/users", map[string]string{"username": "ipsg.reviewer.new", "bureau": "IPSG", "role": "reviewer", "password": testPassword}, ipsgAdmin); r.Status != http.StatusCreated {
			t.Errorf("the secretariat's admin, a reviewer: %s", r)
		}
		r := f.do(t, "POST", "/api/v1/keys", map[string]any{"name": "ma gate", "bureau": "MA", "permissions": []string{"records:read"}}, maAdmin)
		if r.Status != http.StatusCreated {
			t.Fatalf("MA's admin, an MA key: %s", r)
		}
		if r := f.do(t, "POST", "/api/v1/users/"+maOfficer.Name+"/disable", nil, maAdmin); r.Status != http.StatusOK {
			t.Errorf("MA's admin disables MA's officer: %s", r)
		}
		// The host's operator (the system, as `manara user add` is)
		// still makes any bureau's first administrator.
		if _, err := f.Auth.CreateUser(context.Background(), core.Viewer{System: true, Remote: "cli"}, auth.NewUser{Username: "es.first.admin", Bureau: "ES", Role: core.RoleAdmin, Password: testPassword}); err != nil {
			t.Fatalf("the operator bootstraps ES's admin: %v", err)
		}
	})
}

// auditEntries reads the whole audit chain of f's store.
func auditEntries(t *testing.T, f *fixture) []core.AuditEntry {
	t.Helper()
	var out []core.AuditEntry
	err := f.Store.View(context.Background(), func(tx core.Tx) error {
		var err error
		out, err = tx.AuditEntries(0, 100_000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
