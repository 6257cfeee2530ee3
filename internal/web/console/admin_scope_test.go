package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestAdminPagesOwnBureauOnly: on the console's administration pages the
// secretariat's administrator neither sees nor administers a member
// bureau's users: creating a user for MA is refused at the bureau field
// (the form kept), and disabling or resetting MA's users is forbidden.
func TestAdminPagesOwnBureauOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ipsg.admin", "IPSG", core.RoleAdmin, true)
		e.user(t, "ma.officer", "MA", core.RoleOfficer, true)
		b := e.browser(t)
		b.signIn("ipsg.admin", "en")
		b.get("/admin")
		if strings.Contains(b.Last, "ma.officer") {
			t.Errorf("the secretariat's admin page lists MA's users")
		}
		if !strings.Contains(b.Last, `name="bureau" type="text" value="IPSG"`) && !strings.Contains(b.Last, `value="IPSG"`) {
			t.Errorf("the new-user form does not start with the admin's own bureau")
		}
		b.post("/admin/users", url.Values{"username": {"ma.planted"}, "display_name": {"Planted"}, "bureau": {"MA"}, "role": {"admin"}, "lang": {"en"}, "new_password": {testPassword}})
		if b.Code != http.StatusForbidden || !strings.Contains(b.Last, `id="bureau-err"`) || !strings.Contains(b.Last, "You administer bureau IPSG only") || !strings.Contains(b.Last, `value="ma.planted"`) {
			t.Fatalf("creating an MA user as the secretariat: %d\n%s", b.Code, b.Last)
		}
		for _, op := range []string{"disable", "reset-totp"} {
			b.get("/admin")
			b.post("/admin/users/ma.officer/"+op, url.Values{})
			if b.Code != http.StatusForbidden {
				t.Errorf("%s of MA's officer by the secretariat's admin: %d", op, b.Code)
			}
		}
		us, err := e.Auth.ListUsers(context.Background(), system)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if u.Username == "ma.planted" || u.Username == "ma.officer" && u.Disabled {
				t.Errorf("the refused administration took effect: %+v", u)
			}
		}
		o := e.browser(t)
		o.signIn("ma.officer", "en") // its second factor was not reset
	})
}
