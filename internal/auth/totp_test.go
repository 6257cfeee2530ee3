package auth

import (
	"encoding/base32"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// RFC 6238 appendix B (SHA-1), last six digits of each eight-digit code.
func TestTOTPVectors(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1111111111: "050471", 1234567890: "005924", 2000000000: "279037", 20000000000: "353130"} {
		if got := CurrentTOTP(secret, time.Unix(unix, 0)); got != want {
			t.Errorf("T=%d: %s, want %s", unix, got, want)
		}
	}
}

func TestCheckTOTPDriftAndReplay(t *testing.T) {
	secret := NewTOTPSecret()
	now := time.Unix(1_800_000_000, 0)
	step := TOTPStepAt(now)
	for d, ok := range map[int64]bool{-2: false, -1: true, 0: true, 1: true, 2: false} {
		code, _ := TOTPCode(secret, step+d)
		if _, got := checkTOTP(secret, code, now, 0); got != ok {
			t.Errorf("drift %d: %v, want %v", d, got, ok)
		}
	}
	code, _ := TOTPCode(secret, step)
	if _, ok := checkTOTP(secret, code, now, step); ok {
		t.Error("a code was accepted twice")
	}
	if _, ok := checkTOTP(secret, "12345", now, 0); ok {
		t.Error("a short code was accepted")
	}
}

func TestRecoveryCodesSingleUse(t *testing.T) {
	plain, hashed := newRecoveryCodes()
	u := &core.UserTOTP{Recovery: hashed}
	if !useRecovery(u, plain[3]) || useRecovery(u, plain[3]) || len(u.Recovery) != RecoveryCodes-1 {
		t.Fatal("a recovery code must work exactly once")
	}
	if !useRecovery(u, " "+plain[0][:5]+plain[0][6:]+" ") { // without the hyphen, spaces around
		t.Fatal("recovery codes are forgiving of hyphen and spaces")
	}
}
