package webhooks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// hookFixture is one webhook of MA's, registered on a store by MA's
// administrator, with a clock the test moves and a dispatcher on that
// clock: the tests of a webhook's life (rotation, failures, disabling).
type hookFixture struct {
	st     core.Store
	s      *Service
	d      *Dispatcher
	hook   *core.Webhook
	secret string // the secret shown at registration

	mu    sync.Mutex
	clock time.Time
}

func newHookFixture(t *testing.T, st core.Store, start time.Time, receiver http.HandlerFunc) *hookFixture {
	t.Helper()
	srv := httptest.NewServer(receiver)
	t.Cleanup(srv.Close)
	allow, _ := ParseAllowlist("127.0.0.1/32")
	f := &hookFixture{st: st, clock: start}
	f.s = New(st, allow)
	f.s.EventTypes, f.s.Now = testEventTypes, f.now
	f.d = NewDispatcher(st, allow, nil)
	f.d.Now = f.now
	var err error
	if f.hook, f.secret, err = f.s.Register(context.Background(), viewer("MA", core.RoleAdmin), Registration{URL: srv.URL + "/hook", Events: []string{"*"}}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *hookFixture) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.clock }

func (f *hookFixture) advance(d time.Duration) { f.mu.Lock(); f.clock = f.clock.Add(d); f.mu.Unlock() }

// event writes a hit event for MA and lets the dispatcher take one step.
func (f *hookFixture) event(t *testing.T, subject string) {
	t.Helper()
	ctx := context.Background()
	if err := f.st.Update(ctx, func(tx core.Tx) error {
		return tx.InsertEvent(&core.Event{At: f.now(), Type: "hit.created", Subject: subject, Audience: []string{"MA"}})
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.d.Step(ctx); err != nil {
		t.Fatal(err)
	}
}

// stored is the webhook as the store holds it now.
func (f *hookFixture) stored(t *testing.T) *core.Webhook {
	t.Helper()
	var w *core.Webhook
	if err := f.st.View(context.Background(), func(tx core.Tx) (err error) { w, err = tx.GetWebhook(f.hook.ID); return err }); err != nil {
		t.Fatal(err)
	}
	return w
}

// audited returns the audit entries of action.
func (f *hookFixture) audited(t *testing.T, action string) []core.AuditEntry {
	t.Helper()
	var out []core.AuditEntry
	if err := f.st.View(context.Background(), func(tx core.Tx) error {
		es, err := tx.AuditEntries(0, 1000)
		for _, e := range es {
			if e.Action == action {
				out = append(out, e)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// viewer is a user of bureau in role.
func viewer(bureau, role string) core.Viewer {
	return core.Viewer{Bureau: bureau, UserID: "u-" + role + "-" + bureau, Role: role, Permissions: core.RolePermissions(role)}
}
