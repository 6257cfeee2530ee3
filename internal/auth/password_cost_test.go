package auth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestPasswordCost: a service hashes new passwords at
// DefaultPasswordCost (RFC 9106's 64 MiB option) unless told otherwise;
// a hash carries its cost, so a password hashed at one cost is checked by
// a service set to another; and a wrong password is refused at either.
func TestPasswordCost(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	system := core.Viewer{System: true}
	hashOf := func(username string) string {
		t.Helper()
		var u *core.User
		if err := st.View(ctx, func(tx core.Tx) error {
			var err error
			u, err = tx.GetUserByUsername(username)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return u.PasswordHash
	}
	const password = "a long right password"

	def := auth.NewService(st)
	if def.PasswordCost != auth.DefaultPasswordCost {
		t.Fatalf("NewService's cost: %+v, want %+v", def.PasswordCost, auth.DefaultPasswordCost)
	}
	if _, err := def.CreateUser(ctx, system, auth.NewUser{Username: "ma.cost.default", Bureau: "MA", Role: core.RoleOfficer, Password: password}); err != nil {
		t.Fatal(err)
	}
	if h := hashOf("ma.cost.default"); !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=2,p=1$") {
		t.Fatalf("a default service's hash: %q, want argon2id m=65536,t=2,p=1", h)
	}

	cheap := auth.NewService(st)
	cheap.PasswordCost = auth.TestPasswordCost
	if _, err := cheap.CreateUser(ctx, system, auth.NewUser{Username: "ma.cost.test", Bureau: "MA", Role: core.RoleOfficer, Password: password}); err != nil {
		t.Fatal(err)
	}
	// Inside a test binary the lowered cost is used (outside one,
	// Service.cost raises it to the default).
	if h := hashOf("ma.cost.test"); !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("a test-cost service's hash: %q, want argon2id m=64,t=1,p=1", h)
	}

	for _, s := range []*auth.Service{def, cheap} {
		for _, name := range []string{"ma.cost.default", "ma.cost.test"} {
			if _, _, err := s.Login(ctx, name, password, "192.0.2.40"); err != nil {
				t.Errorf("%s with its password, through a service at %+v: %v", name, s.PasswordCost, err)
			}
			if _, _, err := s.Login(ctx, name, "not the password", "192.0.2.41"); core.ErrorCode(err) != core.EUNAUTHORIZED {
				t.Errorf("%s with a wrong password, through a service at %+v: %v, want 401", name, s.PasswordCost, err)
			}
		}
		if _, _, err := s.Login(ctx, "ma.cost.nobody", password, "192.0.2.42"); core.ErrorCode(err) != core.EUNAUTHORIZED {
			t.Errorf("an unknown username through a service at %+v: %v, want 401", s.PasswordCost, err)
		}
	}
}
