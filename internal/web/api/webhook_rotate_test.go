package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestWebhookSecretRotation: POST /api/v1/webhooks/{id}/secret shows a
// new secret once, says until when the previous one signs too, and a
// receiver that has already moved to the new secret takes the next
// delivery. An officer may not rotate; another bureau's webhook is not
// found. Enabling a webhook that is not disabled is a conflict.
func TestWebhookSecretRotation(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := newCoopFixture(t, b, true)
			admin, officer := f.user(t, "MA", core.RoleAdmin), f.user(t, "MA", core.RoleOfficer)
			esAdmin, es := f.user(t, "ES", core.RoleAdmin), f.user(t, "ES", core.RoleOfficer)
			rc := newReceiver(t, 0)
			hookID := f.registerWebhook(t, admin, rc.URL+"/manara", rc, "hit.*")
			rc.mu.Lock()
			first := rc.secret
			rc.mu.Unlock()

			// Enabling: only a disabled webhook, only by its bureau's administrators.
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks/"+hookID+"/enable", nil, admin), 409, core.ECONFLICT, "")
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks/"+hookID+"/enable", nil, officer), 403, core.EFORBIDDEN, "")
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks/"+hookID+"/enable", nil, esAdmin), 404, core.ENOTFOUND, "")
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks/no-such-webhook/enable", nil, admin), 404, core.ENOTFOUND, "")

			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks/"+hookID+"/secret", nil, officer), 403, core.EFORBIDDEN, "")
			wantProblem(t, f.do(t, "POST", "/api/v1/webhooks/"+hookID+"/secret", nil, esAdmin), 404, core.ENOTFOUND, "")

			r := f.do(t, "POST", "/api/v1/webhooks/"+hookID+"/secret", nil, admin)
			if r.Status != http.StatusOK {
				t.Fatalf("rotate: %s", r)
			}
			var out struct {
				Webhook map[string]any
				Secret  string
			}
			r.decode(t, &out)
			if !strings.HasPrefix(out.Secret, "whsec_") || out.Secret == first || out.Webhook["previous_secret_until"] == nil {
				t.Fatalf("rotate answered %s", r)
			}
			if strings.Contains(string(r.Body), first) {
				t.Fatal("the rotation's answer holds the previous secret")
			}
			rc.mu.Lock()
			rc.secret = out.Secret
			rc.mu.Unlock()

			rec := f.createRecord(t, officer, personInput("Alaoui", core.Releasability{Mode: core.ReleaseAll}))
			f.screenPerson(t, es, "Test Alaoui", borderPost)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go fastDispatcher(f.Store, f.Allow, f.Server).Run(ctx)
			got := rc.wait(t, "hit.created")
			if ev := got["event"].(map[string]any); ev["record_id"] != rec.ID {
				t.Fatalf("delivery %+v", got)
			}
			rc.mu.Lock()
			defer rc.mu.Unlock()
			if rc.badSig != 0 {
				t.Errorf("%d deliveries did not verify with the new secret", rc.badSig)
			}
		})
	}
}
