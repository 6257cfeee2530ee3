package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
)

const accountPassword = "correct horse battery staple"

// TestDisabledDuringSignInOpensNoSession: an administrator
// disables a user while that user's sign-in is between its password check
// and the write that opens the session (a stolen password being used at
// the moment the bureau reacts). Disabling "ends their sessions"
// (SetDisabled's doc, README: any credential stops working when its user
// is disabled); the sign-in must not succeed, and no session may be left
// behind that comes back to life when the account is enabled again (the
// write clears the failures only of an account neither locked nor
// disabled, in one statement that waits for a disable being written).
func TestDisabledDuringSignInOpensNoSession(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true, Remote: "test"}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := NewService(st)
			s.PasswordCost = TestPasswordCost
			u, err := s.CreateUser(ctx, system, NewUser{Username: "ma.officer.zerhouni", Bureau: "MA", Role: core.RoleOfficer, Password: accountPassword})
			if err != nil {
				t.Fatal(err)
			}
			s.afterPassword = func() {
				if _, err := s.SetDisabled(ctx, system, u.Username, true); err != nil {
					t.Fatal(err)
				}
			}
			token, _, err := s.LoginWithCode(ctx, u.Username, accountPassword, "", "198.51.100.9")
			s.afterPassword = nil
			if err == nil {
				t.Errorf("a sign-in whose user was disabled before its session was written succeeded (token %q...)", token[:6])
			}
			// The bureau enables the account again (say, after the user's
			// return): the session opened during the disable must not be
			// there.
			if _, err := s.SetDisabled(ctx, system, u.Username, false); err != nil {
				t.Fatal(err)
			}
			if token != "" {
				if v, err := s.SessionViewer(ctx, token, "198.51.100.9"); err == nil {
					t.Fatalf("the session opened while the user was being disabled survived the disable and works after enable (viewer %s)", v.ActorName())
				}
			}
		})
	}
}

// TestRefusedResetTOTPAuditedNamingBureau: README, Security:
// the secretariat's admin may not "list, disable or reset that bureau's
// users and keys; such attempts get 403 and are audited naming the
// bureau". A refused second-factor reset of a member bureau's user was
// audited with the action only.
func TestRefusedResetTOTPAuditedNamingBureau(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true, Remote: "test"}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := NewService(st)
			s.PasswordCost = TestPasswordCost
			admin, err := s.CreateUser(ctx, system, NewUser{Username: "ipsg.admin.okafor", Bureau: members.Secretariat, Role: core.RoleAdmin, Password: accountPassword})
			if err != nil {
				t.Fatal(err)
			}
			target, err := s.CreateUser(ctx, system, NewUser{Username: "ma.officer.benjelloun", Bureau: "MA", Role: core.RoleOfficer, Password: accountPassword})
			if err != nil {
				t.Fatal(err)
			}
			v := core.Viewer{UserID: admin.ID, Bureau: admin.Bureau, Role: admin.Role, Permissions: core.RolePermissions(admin.Role), Remote: "203.0.113.4"}
			err = s.ResetTOTP(ctx, v, target.Username)
			if core.ErrorCode(err) != core.EFORBIDDEN {
				t.Fatalf("the secretariat's admin resetting MA's officer: %v, want 403", err)
			}
			var found []string
			if err := st.View(ctx, func(tx core.Tx) error {
				es, err := tx.AuditEntries(0, 10_000)
				for _, e := range es {
					if e.Action == "auth.totp.reset" && e.Outcome == "denied" {
						found = append(found, e.Query)
					}
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(found) != 1 || !strings.Contains(found[0], "MA") {
				t.Fatalf("refused reset audited as %q, want one entry naming bureau MA", found)
			}
		})
	}
}

// TestPasswordLimitCountsCharacters: the password rule
// reads "must be 10 to 1024 characters", and both bounds are counted in
// characters: a 600-character Arabic passphrase (1,200 bytes) is accepted
// (it was refused, the upper bound counted in bytes).
func TestPasswordLimitCountsCharacters(t *testing.T) {
	pass := strings.Repeat("كلمة", 150) // 600 characters, 1,200 bytes
	n := NewUser{Username: "ma.analyst.tazi", Bureau: "MA", Role: core.RoleAnalyst, Password: pass}
	err := n.Validate()
	if err == nil {
		return
	}
	e, _ := err.(*core.Error)
	if e == nil {
		t.Fatalf("not an application error: %v", err)
	}
	for _, f := range e.Fields {
		if f.Field == "password" && strings.Contains(f.Reason, "characters") {
			t.Fatalf("a %d-character password is refused with %q", len([]rune(pass)), f.Reason)
		}
	}
}

// TestNamesRefuseControlCharacters: a user's display name and
// an API key's name are shown in the console, listings and audit views;
// elsewhere names are "text without control characters" (accreditation,
// gatherings, attachments). An escape sequence, a line break or a bell is
// refused naming the field (it was stored as given).
func TestNamesRefuseControlCharacters(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true, Remote: "test"}
	st := storetest.OpenSQLite(t)
	s := NewService(st)
	s.PasswordCost = TestPasswordCost
	s.Now = func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	for i, name := range []string{"Rachid\x1b[2J Alaoui", "Rachid\nAlaoui (admin)", "Rachid\x07Alaoui"} {
		if _, err := s.CreateUser(ctx, system, NewUser{Username: "ma.officer.cc" + string(rune('a'+i)), DisplayName: name, Bureau: "MA", Role: core.RoleOfficer, Password: accountPassword}); err == nil {
			t.Errorf("display_name %q accepted", name)
		}
		if _, _, err := s.CreateKey(ctx, system, NewKey{Name: name, Bureau: "MA", Permissions: []string{core.PermScreen}}); err == nil {
			t.Errorf("key name %q accepted", name)
		}
	}
}

// TestCodeAcceptedAsTheAppShowsIt: authenticator apps show a code in
// two groups ("492 039"), and on a phone set to Arabic the numeric keypad
// types Arabic-Indic digits ("٤٩٢٠٣٩"); the console's code field accepts
// either (inputmode=numeric, no pattern). The right code typed so is
// accepted (it was refused as a wrong one, and counted towards the
// lockout like a guess), as the secret shown in groups is read with its
// blanks.
func TestCodeAcceptedAsTheAppShowsIt(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true, Remote: "test"}
	st := storetest.OpenSQLite(t)
	s := NewService(st)
	s.PasswordCost = TestPasswordCost
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	u, err := s.CreateUser(ctx, system, NewUser{Username: "ma.officer.amrani", Bureau: "MA", Role: core.RoleOfficer, Password: accountPassword})
	if err != nil {
		t.Fatal(err)
	}
	me := core.Viewer{UserID: u.ID, Bureau: u.Bureau, Role: u.Role}
	secret, _, err := s.BeginTOTP(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmTOTP(ctx, me, CurrentTOTP(secret, now)); err != nil {
		t.Fatal(err)
	}
	arabicIndic := func(s string) string {
		return strings.Map(func(r rune) rune { return r - '0' + '٠' }, s)
	}
	for i, form := range []func(string) string{
		func(c string) string { return c[:3] + " " + c[3:] },
		arabicIndic,
	} {
		now = now.Add(TOTPStep) // a fresh step each time: no replay
		code := CurrentTOTP(secret, now)
		typed := form(code)
		if _, _, err := s.LoginWithCode(ctx, u.Username, accountPassword, typed, "192.0.2."+string(rune('1'+i))); err != nil {
			t.Errorf("the current code %s typed as %q: %v", code, typed, err)
		}
	}
}

// TestKeyPermissionsRefuseDuplicates: a key's permissions
// are a set of six; a permission listed twice is refused, which also
// bounds the list (one request kept "screen" 50,000 times in the key's
// row, and showed it so in every listing and `manara key list`).
func TestKeyPermissionsRefuseDuplicates(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true, Remote: "test"}
	st := storetest.OpenSQLite(t)
	s := NewService(st)
	for _, n := range []int{2, 50_000} {
		perms := make([]string, n)
		for i := range perms {
			perms[i] = core.PermScreen
		}
		k, _, err := s.CreateKey(ctx, system, NewKey{Name: "gate Tanger Med", Bureau: "MA", Permissions: perms})
		if err == nil && len(k.Permissions) != 1 {
			t.Errorf("a key made with %d × %q holds %d permissions, want the duplicates refused (422 naming permissions[1]) or kept once", n, core.PermScreen, len(k.Permissions))
		}
	}
}
