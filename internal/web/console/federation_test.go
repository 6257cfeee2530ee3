package console_test

import (
	"context"
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

// TestFederationPage: the hub's administrators see each peer's state in
// their language; the page is not in anyone else's menu and refuses them;
// without --role it does not exist.
func TestFederationPage(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b)
			e.user(t, "ipsg.admin", members.Secretariat, core.RoleAdmin, true)
			e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
			br := e.browser(t)
			br.signIn("ipsg.admin", "en")
			if br.get("/federation"); br.Code != http.StatusNotFound {
				t.Fatalf("without federation: %d", br.Code)
			}
			_, key, _ := ed25519.GenerateKey(rand.Reader)
			f := federation.New(e.Server.Store, core.FedRoleHub, members.Secretariat, key, nil)
			e.Server.Federation = f
			tok, err := f.IssueToken(context.Background(), system, federation.TokenRequest{Bureau: "MA"})
			if err != nil {
				t.Fatal(err)
			}
			_, nodeKey, _ := ed25519.GenerateKey(rand.Reader)
			if _, err := f.Enrol(context.Background(), "test", federation.EnrolRequest{Token: tok.Token, Bureau: "MA", PublicKey: federation.PublicOf(nodeKey), URL: "http://127.0.0.1:1"}); err != nil {
				t.Fatal(err)
			}
			page := br.get("/federation")
			for _, want := range []string{`id="federation-peers"`, ">MA<", "National node", "Active", `id="nav-federation"`} {
				if br.Code != http.StatusOK || !strings.Contains(page, want) {
					t.Fatalf("the peers page lacks %q (%d):\n%s", want, br.Code, page)
				}
			}
			if page = br.get("/federation?lang=ar"); !strings.Contains(page, "عقدة وطنية") || !strings.Contains(page, `dir="rtl"`) {
				t.Fatalf("the Arabic page:\n%s", page)
			}
			officer := e.browser(t)
			officer.signIn("ma.officer", "en")
			if strings.Contains(officer.Last, "nav-federation") {
				t.Fatal("the federation page is in an officer's menu")
			}
			if officer.get("/federation"); officer.Code != http.StatusForbidden {
				t.Fatalf("an officer got the peers page: %d", officer.Code)
			}
		})
	}
}
