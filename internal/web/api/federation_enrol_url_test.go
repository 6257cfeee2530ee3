package api_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/federation"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestFedEnrolURLIsTheHubsChoice: whoever holds a node's enrolment token
// chose where the hub would deliver, so a leaked token could point the
// hub's signed deliveries at any address it reaches. A token may now
// name the node's base URL: enrolment at another URL is refused (403,
// field url), the same URL spelled otherwise is accepted, and a URL with
// credentials, a query or a fragment is refused for every token.
func TestFedEnrolURLIsTheHubsChoice(t *testing.T) {
	for _, hb := range storetest.Backends(t) {
		t.Run("hub_on_"+hb.Name, func(t *testing.T) {
			hub := newFedProcess(t, hb, core.FedRoleHub, members.Secretariat, nil)
			admin := hub.user(t, members.Secretariat, core.RoleAdmin)
			token := func(body map[string]any) federation.IssuedToken {
				t.Helper()
				var tok federation.IssuedToken
				r := hub.do(t, "POST", "/api/v1/federation/enrolment-tokens", body, admin)
				if r.Status != http.StatusCreated {
					t.Fatalf("token %v: %s", body, r)
				}
				r.decode(t, &tok)
				return tok
			}
			wantProblem(t, hub.do(t, "POST", "/api/v1/federation/enrolment-tokens", map[string]any{"bureau": "MA", "url": "ftp://node.ma.example"}, admin),
				422, "invalid", "url")
			tok := token(map[string]any{"bureau": "MA", "url": "https://Node.MA.example:8443/manara/"})
			if tok.URL != "https://node.ma.example:8443/manara" {
				t.Fatalf("the token's URL: %q", tok.URL)
			}
			_, key, _ := ed25519.GenerateKey(rand.Reader)
			claim := federation.EnrolRequest{Token: tok.Token, Bureau: "MA", PublicKey: federation.PublicOf(key), URL: "http://10.0.0.7:9200"}
			p := wantProblem(t, hub.do(t, "POST", federation.PathEnrol, claim, nil), 403, "forbidden", "url")
			if !strings.Contains(p.Detail, "https://node.ma.example:8443/manara") {
				t.Errorf("the refusal does not say which URL: %+v", p)
			}
			// Refused, the token is still unused: the right URL enrols.
			claim.URL = "HTTPS://node.ma.example:8443/manara/"
			if r := hub.do(t, "POST", federation.PathEnrol, claim, nil); r.Status != http.StatusOK {
				t.Fatalf("enrol at the token's URL: %s", r)
			}
			var peers struct {
				Items []struct {
					ID  string `json:"id"`
					URL string `json:"url"`
				} `json:"items"`
			}
			hub.do(t, "GET", "/api/v1/federation/peers", nil, admin).decode(t, &peers)
			found := false
			for _, pe := range peers.Items {
				if pe.ID == "MA" {
					found = pe.URL == "https://node.ma.example:8443/manara"
				}
			}
			if !found {
				t.Errorf("MA's peer URL: %+v", peers)
			}
			// No token takes a URL with credentials, a query or a fragment.
			for _, u := range []string{"http://user:pw@node.es.example", "http://node.es.example/?x=1", "http://node.es.example/#top", "node.es.example:80"} {
				tok := token(map[string]any{"bureau": "ES"})
				_, key, _ := ed25519.GenerateKey(rand.Reader)
				wantProblem(t, hub.do(t, "POST", federation.PathEnrol, federation.EnrolRequest{Token: tok.Token, Bureau: "ES", PublicKey: federation.PublicOf(key), URL: u}, nil),
					422, "invalid", "url")
			}
		})
	}
}
