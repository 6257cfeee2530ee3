package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
)

// TestLoginSaysWhenTheSecondFactorIsMissing: a right password without the
// enrolled second factor is told so (401, code second_factor_required, an
// error on totp), and only then: a wrong password gets the same 401 as an
// unknown user's, with or without the factor; the right password with
// the code signs in.
func TestLoginSaysWhenTheSecondFactorIsMissing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u, err := f.Auth.CreateUser(ctx, system, auth.NewUser{Username: "ma.twofactor", Bureau: "MA", Role: core.RoleOfficer, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		secret := auth.NewTOTPSecret()
		if _, err := f.Auth.SetTOTP(ctx, u.ID, secret); err != nil {
			t.Fatal(err)
		}
		login := func(user, pass, code string) *resp {
			return f.do(t, "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": pass, "totp": code}, nil)
		}

		missing := login("ma.twofactor", testPassword, "")
		p := wantProblem(t, missing, http.StatusUnauthorized, core.ESECONDFACTOR, "totp")
		if !strings.Contains(p.Detail, "second factor") {
			t.Errorf("detail does not say what is missing: %q", p.Detail)
		}
		if len(missing.Cookies()) != 0 {
			t.Errorf("a session cookie without the second factor: %v", missing.Cookies())
		}

		// A wrong password is the same answer as today, whatever else.
		unknown := login("nobody.here", "wrong password", "")
		wantProblem(t, unknown, http.StatusUnauthorized, core.EUNAUTHORIZED, "")
		sameProblem(t, unknown, login("ma.twofactor", "wrong password", ""))
		sameProblem(t, unknown, login("ma.twofactor", "wrong password", "123456"))

		ok := login("ma.twofactor", testPassword, auth.CurrentTOTP(secret, time.Now()))
		if ok.Status != http.StatusOK {
			t.Fatalf("right password and code: %s", ok)
		}

		// The OpenAPI document tells clients of the second answer.
		doc := f.do(t, "GET", "/api/v1/openapi.json", nil, nil)
		if !strings.Contains(string(doc.Body), "second_factor_required") {
			t.Error("the OpenAPI document does not describe second_factor_required")
		}
	})
}
