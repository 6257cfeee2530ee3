package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/auth"
)

// totpCmd is an authenticator for trying the console without a phone:
// it prints the current code of a secret shown on the enrolment page.
func totpCmd() *command {
	c := newCommand("totp", "totp SECRET (whole, or in the groups the enrolment page shows)",
		"Print the current TOTP code of a secret (for trying the console's sign-in without an authenticator app).")
	c.run = func(args []string) error {
		rest, err := c.parse(args)
		if err != nil {
			return err
		}
		// The page shows the secret in groups of four; pasted unquoted,
		// each group is an argument.
		secret := strings.ReplaceAll(strings.Join(rest, ""), " ", "")
		if secret == "" {
			return usageErr{"give the secret shown on the enrolment page"}
		}
		now := time.Now()
		code, err := auth.TOTPCode(secret, auth.TOTPStepAt(now))
		if err != nil {
			return err
		}
		step := int64(auth.TOTPStep / time.Second)
		left := auth.TOTPStep - time.Duration(now.Unix()%step)*time.Second
		fmt.Printf("%s  (valid for %s more)\n", code, left)
		return nil
	}
	return c
}
