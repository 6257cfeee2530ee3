package auth

// The second factor: time-based one-time passwords (RFC 6238: HMAC-SHA1,
// 30-second steps, 6 digits, one step of clock drift either way) and
// single-use recovery codes, kept only as hashes.

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
)

// TOTP parameters (the defaults every authenticator app assumes).
const (
	TOTPStep      = 30 * time.Second
	TOTPDigits    = 6
	TOTPDrift     = 1 // steps accepted before and after the current one
	RecoveryCodes = 10
	TOTPIssuer    = "Manara"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a fresh 160-bit secret in base32 (RFC 4226's
// recommended length).
func NewTOTPSecret() string {
	b := make([]byte, 20)
	rand.Read(b)
	return b32.EncodeToString(b)
}

func decodeSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, secret))
	return b32.DecodeString(strings.TrimRight(s, "="))
}

// TOTPCode is the code for a secret at a time step (RFC 4226 dynamic
// truncation of HMAC-SHA1 over the big-endian step counter).
func TOTPCode(secret string, step int64) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", core.Errorf(core.EINVALID, "the TOTP secret is not base32")
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000), nil
}

// TOTPStepAt is the time step containing t.
func TOTPStepAt(t time.Time) int64 { return t.Unix() / int64(TOTPStep/time.Second) }

// CurrentTOTP is the code for secret at t (for tests and the demo).
func CurrentTOTP(secret string, t time.Time) string {
	c, _ := TOTPCode(secret, TOTPStepAt(t))
	return c
}

// checkTOTP finds the step a code belongs to within the drift window,
// refusing steps at or before lastStep (a code is good once). Every
// candidate is compared in constant time.
func checkTOTP(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	code = normalizeCode(code)
	if len(code) != TOTPDigits {
		return 0, false
	}
	cur := TOTPStepAt(now)
	found := int64(0)
	for d := int64(-TOTPDrift); d <= TOTPDrift; d++ {
		want, err := TOTPCode(secret, cur+d)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && cur+d > lastStep && found == 0 {
			found = cur + d
		}
	}
	return found, found != 0
}

// normalizeCode is a code as typed, read as the app shows it: without
// blanks (apps show a code in two groups, "492 039", and a copy keeps the
// blank) and with any script's decimal digits as ASCII ones (a phone set
// to Arabic types Arabic-Indic digits, "٤٩٢٠٣٩"). Letters and the
// recovery codes' dash are kept as they are.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		if r > unicode.MaxASCII && unicode.IsDigit(r) {
			if d, ok := digitValue(r); ok {
				return '0' + d
			}
		}
		return r
	}, code)
}

// digitValue is the value of a decimal digit (category Nd) of any
// script. Unicode keeps each script's digits as a run of ten, zero to
// nine, and the Nd table's ranges are made of whole runs, so a digit's
// value is its distance from its range's start, modulo ten.
func digitValue(r rune) (rune, bool) {
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi && rg.Stride == 1 {
			return (r - lo) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi && rg.Stride == 1 {
			return (r - lo) % 10, true
		}
	}
	return 0, false
}

// OTPAuthURI is the otpauth:// URI an authenticator app reads (as a QR
// code or pasted).
func OTPAuthURI(account, secret string) string {
	label := url.PathEscape(TOTPIssuer + ":" + account)
	q := url.Values{"secret": {secret}, "issuer": {TOTPIssuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

func hashRecovery(code string) string {
	code = strings.ToLower(strings.ReplaceAll(normalizeCode(code), "-", ""))
	s := sha256.Sum256([]byte("manara-recovery:" + code))
	return hex.EncodeToString(s[:])
}

func newRecoveryCodes() (plain, hashed []string) {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no look-alikes
	for range RecoveryCodes {
		b := make([]byte, 10)
		rand.Read(b)
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		c := string(b[:5]) + "-" + string(b[5:])
		plain = append(plain, c)
		hashed = append(hashed, hashRecovery(c))
	}
	return plain, hashed
}

// useRecovery removes a matching recovery code; every stored hash is
// compared in constant time.
func useRecovery(t *core.UserTOTP, code string) bool {
	h := []byte(hashRecovery(code))
	at := -1
	for i, c := range t.Recovery {
		if subtle.ConstantTimeCompare([]byte(c), h) == 1 {
			at = i
		}
	}
	if at < 0 {
		return false
	}
	t.Recovery = append(t.Recovery[:at:at], t.Recovery[at+1:]...)
	return true
}

// secondFactor checks code against u's second factor inside tx. A user
// who never enrolled passes with an empty code (the console then makes
// them enrol before anything else). It reports whether the check passed.
// hasSecondFactor reports whether u has an enrolled second factor.
func (s *Service) hasSecondFactor(tx core.Tx, u *core.User) (bool, error) {
	t, err := tx.GetTOTP(u.ID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return t.Enabled, nil
}

func (s *Service) secondFactor(tx core.Tx, u *core.User, code string, now time.Time) (bool, error) {
	t, err := tx.GetTOTP(u.ID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return true, nil
	} else if err != nil {
		return false, err
	}
	if !t.Enabled {
		return true, nil
	}
	// Spent only if nobody spent it since it was read: a code (or a
	// recovery code) sent twice at the same moment serves once.
	was := *t
	if step, ok := checkTOTP(t.Secret, code, now, t.LastStep); ok {
		t.LastStep, t.UpdatedAt = step, now
		return tx.SpendTOTP(&was, t)
	}
	if len(normalizeCode(code)) > TOTPDigits && useRecovery(t, code) {
		t.UpdatedAt = now
		return tx.SpendTOTP(&was, t)
	}
	return false, nil
}

// BeginTOTP gives the signed-in user a secret to enrol (kept until
// confirmed; asking again gives the same one). An enrolled user gets a
// conflict: the factor is replaced only by an administrator resetting it.
func (s *Service) BeginTOTP(ctx context.Context, v core.Viewer) (secret, uri string, err error) {
	if v.UserID == "" {
		return "", "", core.Errorf(core.EFORBIDDEN, "only users enrol a second factor")
	}
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		u, err := tx.GetUser(v.UserID)
		if err != nil {
			return err
		}
		t, err := tx.GetTOTP(v.UserID)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			return err
		}
		if t != nil && t.Enabled {
			return core.Errorf(core.ECONFLICT, "a second factor is already enrolled")
		}
		if t == nil {
			t = &core.UserTOTP{UserID: u.ID, Secret: NewTOTPSecret(), UpdatedAt: s.Now()}
			if err := tx.PutTOTP(t); err != nil {
				return err
			}
		}
		secret, uri = t.Secret, OTPAuthURI(u.Username, t.Secret)
		return nil
	})
	return secret, uri, err
}

// ConfirmTOTP enables the pending secret once the user proves their app
// has it, and returns the recovery codes: shown once, stored hashed.
func (s *Service) ConfirmTOTP(ctx context.Context, v core.Viewer, code string) ([]string, error) {
	var plain []string
	now := s.Now()
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		// One confirmation at a time: two sent together (a form sent
		// twice) would each make recovery codes and show them, and only
		// the last written would work.
		if err := tx.LockName("totp_enrol:" + v.UserID); err != nil {
			return err
		}
		t, err := tx.GetTOTP(v.UserID)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return core.Errorf(core.ECONFLICT, "start the enrolment first")
		} else if err != nil {
			return err
		}
		if t.Enabled {
			return core.Errorf(core.ECONFLICT, "a second factor is already enrolled")
		}
		step, ok := checkTOTP(t.Secret, code, now, t.LastStep)
		if !ok {
			return core.Invalid(core.FieldError{Field: "code", Reason: "is not the current code"})
		}
		var hashed []string
		plain, hashed = newRecoveryCodes()
		t.Enabled, t.LastStep, t.Recovery, t.UpdatedAt = true, step, hashed, now
		if err := tx.PutTOTP(t); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, "auth.totp.enrol", audit.OK))
	})
	if err != nil {
		return nil, err
	}
	return plain, nil
}

// SetTOTP enrols a known secret for a user, from the command line (demo
// data and tests), with fresh recovery codes.
func (s *Service) SetTOTP(ctx context.Context, userID, secret string) ([]string, error) {
	if _, err := decodeSecret(secret); err != nil || secret == "" {
		return nil, core.Invalid(core.FieldError{Field: "secret", Reason: "must be base32"})
	}
	plain, hashed := newRecoveryCodes()
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.PutTOTP(&core.UserTOTP{UserID: userID, Secret: secret, Enabled: true, Recovery: hashed, UpdatedAt: s.Now()}); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(core.Viewer{System: true}, "auth.totp.set", audit.OK))
	})
	return plain, err
}

// Me returns the signed-in user's own account.
func (s *Service) Me(ctx context.Context, v core.Viewer) (*core.User, error) {
	if v.UserID == "" {
		return nil, core.Errorf(core.ENOTFOUND, "not a user")
	}
	var u *core.User
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		u, err = tx.GetUser(v.UserID)
		return err
	})
	return u, err
}

// SetLang keeps the user's interface language (one of lang.Supported).
func (s *Service) SetLang(ctx context.Context, v core.Viewer, code string) error {
	if !lang.Valid(code) {
		return core.Invalid(core.FieldError{Field: "lang", Reason: "must be " + lang.List()})
	}
	return s.Store.Update(ctx, func(tx core.Tx) error {
		u, err := tx.GetUser(v.UserID)
		if err != nil {
			return err
		}
		if u.Lang == code {
			return nil
		}
		u.Lang = code
		return tx.UpdateUser(u)
	})
}

// ResetTOTP removes a user's second factor (a lost device and lost
// recovery codes), for an administrator of the user's bureau. The user's
// sessions end; at the next sign-in they enrol again.
func (s *Service) ResetTOTP(ctx context.Context, v core.Viewer, username string) error {
	const action = "auth.totp.reset"
	if err := s.mayAdministerUsers(ctx, v, action); err != nil {
		return err
	}
	var u *core.User
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var err error
		u, err = tx.GetUserByUsername(strings.ToLower(strings.TrimSpace(username)))
		if err != nil {
			return err
		}
		if !mayAdminister(v, u.Bureau) {
			return errOtherBureau
		}
		if err := tx.PutTOTP(&core.UserTOTP{UserID: u.ID, Secret: NewTOTPSecret(), UpdatedAt: s.Now()}); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(u.ID); err != nil {
			return err
		}
		e := audit.Entry(v, action, audit.OK)
		e.Query = "user=" + u.Username
		return audit.Append(tx, e)
	})
	if err == errOtherBureau {
		return s.denyUser(ctx, v, action, u)
	}
	return err
}
