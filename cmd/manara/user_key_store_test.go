package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserAndKeyCommandsNeedAStore: `manara user list|disable` and
// `manara key list|revoke` run in the wrong folder (or with a mistyped
// --data) create and migrate a new, empty store there and answer from it:
// "user not found", an empty list, exit 0 for the lists. `audit verify`
// was fixed for the same reason (TestAuditVerifyMissingStore). Only
// `user add` may make a store (the first administrator). `manara
// federation` works on an existing hub's links: none of its subcommands,
// nor a mistyped one, makes a store.
func TestUserAndKeyCommandsNeedAStore(t *testing.T) {
	for _, args := range [][]string{
		{"user", "list"},
		{"user", "disable", "--username", "amina"},
		{"key", "list"},
		{"key", "revoke", "--id", "01a251d8-fcbb-79dd-828a-3c47f7d24b0d"},
		{"federation", "peers"},
		{"federation", "enrol-token", "--bureau", "MA"},
		{"federation", "revoke", "--peer", "MA", "--reason", "key lost"},
		{"federation", "retry", "--peer", "MA"},
		{"federation", "perrs"},
	} {
		data := filepath.Join(t.TempDir(), "absent")
		out, code := cli(t, nil, append(args, "--data", data)...)
		if _, err := os.Stat(data); err == nil {
			t.Errorf("%v (exit %d, %q) created a store in %s", args, code, out, data)
		}
		if code == 0 || !strings.Contains(out, "no embedded store") && !strings.Contains(out, "unknown subcommand") {
			t.Errorf("%v with no store: exit %d, %q; want a failure saying there is no store (or that the subcommand is unknown)", args, code, out)
		}
	}
}
