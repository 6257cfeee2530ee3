package api_test

// An open event stream holds no more than its credentials do (every
// person here is invented).

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// freshHit makes a new hit on a fresh MA record (owner side: MA), so that
// every MA reader of the event stream is sent a hit.created event.
func freshHit(t *testing.T, f *coopFixture, ma, es *caller, family string) {
	t.Helper()
	f.createRecord(t, ma, personInput(family, core.Releasability{Mode: core.ReleaseAll}))
	if hs := f.screenPerson(t, es, "Test "+family, borderPost); len(hs) == 0 || hs[0].HitID == "" {
		t.Fatalf("screening Test %s made no hit: %+v", family, hs)
	}
}

// wantStreamEnded fails unless the stream ends within a few seconds (a
// poll of the stream is 2 s) without delivering another hit.created
// event, and a new stream with the same credentials is refused with 401
// (what a browser's EventSource gets when it reconnects, and stops at).
func wantStreamEnded(t *testing.T, f *coopFixture, sc *sseClient, c *caller, why string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
wait:
	for {
		select {
		case ev, ok := <-sc.Events:
			if !ok {
				break wait
			}
			if ev.Type == "hit.created" {
				t.Fatalf("%s: the already-open GET /api/v1/events stream still delivered %s id %s subject %v", why, ev.Type, ev.ID, ev.Data["subject"])
			}
		case <-deadline:
			t.Fatalf("%s: the already-open GET /api/v1/events stream is still open 5 s later", why)
		}
	}
	if again := f.subscribe(t, c, ""); again.Status != http.StatusUnauthorized {
		t.Fatalf("%s: a new stream got %d, want 401", why, again.Status)
	}
}

// openStream opens c's event stream from now on.
func openStream(t *testing.T, f *coopFixture, c *caller) *sseClient {
	t.Helper()
	sc := f.subscribe(t, c, "")
	if sc.Status != http.StatusOK {
		t.Fatalf("subscribe: %d", sc.Status)
	}
	return sc
}

// shortLivedKey is a new key of MA's holding perm, expiring at exp.
func shortLivedKey(t *testing.T, f *coopFixture, perm string, exp time.Time) *caller {
	t.Helper()
	k, secret, err := f.Auth.CreateKey(context.Background(), system, auth.NewKey{Name: "short-lived", Bureau: "MA", Permissions: []string{perm}, ExpiresAt: &exp})
	if err != nil {
		t.Fatal(err)
	}
	return &caller{Name: "short-lived key", Key: secret, KeyID: k.ID}
}

// TestEventStreamEndsWithCredentials: GET /api/v1/events resolves the
// caller again (as a new request would be) before each read of events,
// so that a stream opened before a key is revoked (DELETE
// /api/v1/keys/{id}) or expires, before a user is disabled (whose
// sessions SetDisabled deletes) or before a session ends by logout sends
// nothing more and ends, as every other request of theirs gets 401. The
// console's live hits inbox is such a stream on the session cookie. A
// changed role goes on as the new viewer, or ends when it no longer lets
// the user read events.
func TestEventStreamEndsWithCredentials(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Run("revoked key", func(t *testing.T) {
				f := newCoopFixture(t, b, true)
				ma, es, admin := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer), f.user(t, "MA", core.RoleAdmin)
				key := f.key(t, "MA", core.PermRecordsRead)
				sc := openStream(t, f, key)
				freshHit(t, f, ma, es, "Benhaddou")
				sc.next(t, "hit.created") // control: the stream works
				if r := f.do(t, "DELETE", "/api/v1/keys/"+key.KeyID, nil, admin); r.Status != http.StatusOK {
					t.Fatalf("revoke: %s", r)
				}
				if r := f.do(t, "GET", "/api/v1/me", nil, key); r.Status != http.StatusUnauthorized {
					t.Fatalf("the revoked key still authenticates a new request: %s", r)
				}
				freshHit(t, f, ma, es, "Zerhouni")
				wantStreamEnded(t, f, sc, key, "key revoked")
			})
			t.Run("expired key", func(t *testing.T) {
				f := newCoopFixture(t, b, true)
				ma, es := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer)
				exp := time.Now().Add(2 * time.Second)
				key := shortLivedKey(t, f, core.PermRecordsRead, exp)
				sc := openStream(t, f, key)
				time.Sleep(time.Until(exp) + 200*time.Millisecond)
				if r := f.do(t, "GET", "/api/v1/me", nil, key); r.Status != http.StatusUnauthorized {
					t.Fatalf("the expired key still authenticates a new request: %s", r)
				}
				freshHit(t, f, ma, es, "Lamrani")
				wantStreamEnded(t, f, sc, key, "key expired")
			})
			t.Run("expired key, idle stream", func(t *testing.T) {
				// Nothing happens after the expiry: the stream's own poll
				// ends it.
				f := newCoopFixture(t, b, true)
				exp := time.Now().Add(time.Second)
				key := shortLivedKey(t, f, core.PermScreen, exp)
				sc := openStream(t, f, key)
				wantStreamEnded(t, f, sc, key, "key expired, nothing happening")
			})
			t.Run("disabled user", func(t *testing.T) {
				f := newCoopFixture(t, b, true)
				ma, es, admin := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer), f.user(t, "MA", core.RoleAdmin)
				sc := openStream(t, f, ma)
				other := f.user(t, "MA", core.RoleOfficer) // records are made by a colleague once ma is gone
				if r := f.do(t, "POST", "/api/v1/users/"+ma.Name+"/disable", nil, admin); r.Status != http.StatusOK {
					t.Fatalf("disable: %s", r)
				}
				if r := f.do(t, "GET", "/api/v1/me", nil, ma); r.Status != http.StatusUnauthorized {
					t.Fatalf("the disabled user's session still works: %s", r)
				}
				freshHit(t, f, other, es, "Ouazzani")
				wantStreamEnded(t, f, sc, ma, "user disabled")
			})
			t.Run("logged out", func(t *testing.T) {
				f := newCoopFixture(t, b, true)
				ma, es := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer)
				sc := openStream(t, f, ma)
				other := f.user(t, "MA", core.RoleOfficer)
				if r := f.do(t, "POST", "/api/v1/auth/logout", nil, ma); r.Status != http.StatusNoContent {
					t.Fatalf("logout: %s", r)
				}
				if r := f.do(t, "GET", "/api/v1/me", nil, ma); r.Status != http.StatusUnauthorized {
					t.Fatalf("the logged-out session still works: %s", r)
				}
				freshHit(t, f, other, es, "Tazi")
				wantStreamEnded(t, f, sc, ma, "session logged out")
			})
			t.Run("role changed", func(t *testing.T) {
				f := newCoopFixture(t, b, true)
				ma, es, other := f.user(t, "MA", core.RoleOfficer), f.user(t, "ES", core.RoleOfficer), f.user(t, "MA", core.RoleOfficer)
				sc := openStream(t, f, ma)
				setRole := func(role string) {
					t.Helper()
					if err := f.Store.Update(context.Background(), func(tx core.Tx) error {
						u, err := tx.GetUser(ma.User.ID)
						if err != nil {
							return err
						}
						u.Role = role
						return tx.UpdateUser(u)
					}); err != nil {
						t.Fatal(err)
					}
				}
				setRole(core.RoleAnalyst) // still reads records: the stream goes on
				freshHit(t, f, other, es, "Alaoui")
				sc.next(t, "hit.created")
				// A role this version grants nothing (one a newer version
				// wrote): the session is valid, reading events is not.
				setRole("archivist")
				freshHit(t, f, other, es, "Bennani")
				deadline := time.After(5 * time.Second)
				for open := true; open; {
					select {
					case ev, ok := <-sc.Events:
						if open = ok; ok && ev.Type == "hit.created" {
							t.Fatalf("a role that does not read events still received %s id %s", ev.Type, ev.ID)
						}
					case <-deadline:
						t.Fatal("a role that does not read events: the stream is still open 5 s later")
					}
				}
			})
		})
	}
}
