package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/lang"
	"github.com/manara-hub/manara/internal/members"
)

// Policy values. Lockout is stored with the account so it holds across
// replicas; the per-address limits are per process, and count an IPv6
// client by its /64 (AddressKey). Failures are counted
// per (account, address) pair, so that one user mistyping behind a shared
// address (a border post behind one NAT) does not lock out its
// colleagues; the whole address has a higher ceiling, which stops one
// address spraying guesses over many accounts.
const (
	SessionTTL         = 12 * time.Hour
	MaxAccountFailures = 5
	LockoutDuration    = 15 * time.Minute
	MaxPairFailures    = 10
	MaxAddressFailures = 60
	AddressWindow      = 15 * time.Minute
	keyUseGranularity  = time.Minute
)

// Service signs users in, and turns tokens and keys into viewers.
type Service struct {
	Store core.Store
	// Pairs counts failures per (username, address); Addresses per
	// address, whatever the username.
	Pairs     *Limiter
	Addresses *Limiter
	Now       func() time.Time
	// KeyCacheTTL is how long a key read from the store is trusted
	// before it is read again. Border systems call many times a second
	// with one key; a revocation made through this process takes effect
	// at once, one made through another replica within the TTL. Zero
	// reads the store on every request.
	KeyCacheTTL time.Duration
	// PasswordCost is what each new password hash costs (existing hashes
	// are checked at the cost written in them). Only a test binary may
	// set it below DefaultPasswordCost: see TestPasswordCost.
	PasswordCost PasswordCost

	keys keyCache
	// dummy is the hash an unknown username's password is checked
	// against, at the cost a real user's would be, so that the answer
	// takes as long.
	dummyMu   sync.Mutex
	dummy     string
	dummyCost PasswordCost
	// Denials, when set, caps the audit entries of sign-ins refused by
	// the address limits (which check no password, so cost the caller
	// nothing): the API's quota of refused credentials, so that one
	// address writes at most its quota to the append-only log however it
	// sends them. Nil audits each one (the command line, tests of this
	// package).
	Denials *AuditQuota
	// afterPassword, in tests, runs between the password check and the
	// write that opens the session: where a concurrent attempt may lock
	// the account or an administrator disable it.
	afterPassword func()
}

// DefaultKeyCacheTTL bounds how late another replica's revocation is seen.
const DefaultKeyCacheTTL = 2 * time.Second

// NewService returns a Service over st.
func NewService(st core.Store) *Service {
	return &Service{Store: st, Pairs: NewLimiter(MaxPairFailures, AddressWindow), Addresses: NewLimiter(MaxAddressFailures, AddressWindow), Now: time.Now, KeyCacheTTL: DefaultKeyCacheTTL,
		PasswordCost: DefaultPasswordCost}
}

// cost is the cost new hashes are made at: PasswordCost, raised to
// DefaultPasswordCost outside a test binary.
func (s *Service) cost() PasswordCost {
	c := s.PasswordCost
	if c.below() && !testing.Testing() {
		return DefaultPasswordCost
	}
	return c
}

// hashPassword hashes a new password at the service's cost.
func (s *Service) hashPassword(password string) (string, error) {
	return hashPassword(password, s.cost())
}

// checkNoUser burns the time checking a real user's password takes.
func (s *Service) checkNoUser(password string) {
	c := s.cost()
	s.dummyMu.Lock()
	if s.dummy == "" || s.dummyCost != c {
		s.dummy, _ = hashPassword("manara-no-such-user-password", c)
		s.dummyCost = c
	}
	dummy := s.dummy
	s.dummyMu.Unlock()
	CheckPassword(dummy, password)
}

// keyCache holds recently read API keys by id. A request reads a key from
// the store and then puts it here; a revocation drops the key after its
// commit. A request whose read was in flight across the drop must not put
// back the copy it read before the revocation: each drop moves the cache
// to a new generation, and a put is only kept if no drop happened since
// the generation its read started in.
type keyCache struct {
	mu  sync.Mutex
	m   map[string]cachedKey
	gen uint64
}

type cachedKey struct {
	key  core.APIKey
	read time.Time
}

func (c *keyCache) get(id string, now time.Time, ttl time.Duration) (core.APIKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || now.Sub(e.read) >= ttl || now.Before(e.read) {
		return core.APIKey{}, false
	}
	return e.key, true
}

// generation is what to give put for a key about to be read.
func (c *keyCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps k, read from the store after generation gen was current,
// unless a key was dropped since then: k may be a copy from before its
// revocation.
func (c *keyCache) put(k core.APIKey, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= 10_000 { // bounded: a flood of distinct ids cannot grow it
		c.m = map[string]cachedKey{}
	}
	c.m[k.ID] = cachedKey{key: k, read: now}
}

func (c *keyCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, id)
}

// ErrBadLogin is what every failed sign-in says, whatever the cause, so
// that no answer tells whether an account exists or is locked.
var ErrBadLogin = core.Errorf(core.EUNAUTHORIZED, "wrong username or password, or the account is locked")

// ErrSecondFactorRequired answers a right password sent without the
// second factor its account has enrolled: the caller is to send it again
// with the code. It is never told for a wrong password (that is
// ErrBadLogin, whatever else is missing), so it reveals nothing a
// password guess could use.
var ErrSecondFactorRequired = &core.Error{Code: core.ESECONDFACTOR,
	Message: "the password is right; this account also needs its second factor: send the current 6-digit code of its authenticator app (or a recovery code) in totp",
	Fields:  []core.FieldError{{Field: "totp", Reason: "is required: the account has a second factor"}}}

// Login checks a password and opens a session. It returns the session
// token (to put in a cookie) and the user. A user with a second factor
// needs LoginWithCode.
func (s *Service) Login(ctx context.Context, username, password, remote string) (string, *core.User, error) {
	return s.LoginWithCode(ctx, username, password, "", remote)
}

// LoginWithCode checks a password and, for a user who enrolled one, the
// second factor (a TOTP code or an unused recovery code). A wrong code
// counts towards the lockout like a wrong password, and gets the same
// answer, so that a guessed password is not confirmed by a different one.
func (s *Service) LoginWithCode(ctx context.Context, username, password, code, remote string) (string, *core.User, error) {
	now := s.Now()
	code = normalizeCode(code)
	addr := AddressKey(remote)
	pair := pairKey(username, addr)
	// Each attempt takes its place in the limits before the password is
	// checked (some 50 ms of argon2id), so that attempts sent together
	// cannot all pass a count none of them has added to yet; one that
	// turns out not to be a failure gives its places back.
	addrSlot, wait := s.Addresses.Take(addr)
	if wait > 0 {
		s.auditLimited(ctx, remote, "too many failures from this address")
		return "", nil, rateLimited(fmt.Sprintf("too many failed sign-ins from this address (%d in %s)", MaxAddressFailures, AddressWindow), wait)
	}
	pairSlot, wait := s.Pairs.Take(pair)
	if wait > 0 {
		addrSlot.Release()
		s.auditLimited(ctx, remote, "too many failures for this username from this address")
		return "", nil, rateLimited(fmt.Sprintf("too many failed sign-ins for this username from this address (%d in %s)", MaxPairFailures, AddressWindow), wait)
	}
	failed := false // the attempt keeps its places in the limits
	defer func() {
		if !failed {
			addrSlot.Release()
			pairSlot.Release()
		}
	}()
	var u *core.User
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		u, err = tx.GetUserByUsername(username)
		return err
	})
	if core.ErrorCode(err) == core.ENOTFOUND {
		s.checkNoUser(password)
		failed = true
		s.auditAnon(ctx, "auth.login", audit.Denied, remote, "unknown username")
		return "", nil, ErrBadLogin
	} else if err != nil {
		return "", nil, err
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		return "", nil, err
	}
	if s.afterPassword != nil {
		s.afterPassword()
	}
	locked := now.Before(u.LockedUntil)
	viewer := core.Viewer{UserID: u.ID, Bureau: u.Bureau, Role: u.Role, Remote: remote}
	factorOK := true
	if ok && !locked && !u.Disabled {
		// The second factor is spent, the lock and the disabled flag
		// checked again and the session written in one transaction:
		// failures counted since the read above (guesses sent at the same
		// moment, here or on another replica) may have locked the
		// account, or an administrator disabled it (its sessions deleted
		// before this one exists), and then the code (a recovery code
		// above all) must stay unspent and no session be left to come
		// back when the account is enabled.
		token := NewToken()
		missing := false
		err := s.Store.Update(ctx, func(tx core.Tx) error {
			var err error
			if code == "" {
				missing, err = s.hasSecondFactor(tx, u)
				if missing || err != nil {
					return err
				}
			}
			if factorOK, err = s.secondFactor(tx, u, code, now); err != nil || !factorOK {
				return err
			}
			open, err := tx.ClearFailedLogins(u.ID, now)
			if err != nil {
				return err
			}
			if !open {
				cur, err := tx.GetUser(u.ID)
				if err != nil {
					return err
				}
				if cur.Disabled {
					return errDisabledMeanwhile
				}
				return errLockedMeanwhile
			}
			if err := tx.InsertSession(&core.Session{TokenHash: TokenHash(token), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL), Remote: remote}); err != nil {
				return err
			}
			return audit.Append(tx, audit.Entry(viewer, "auth.login", audit.OK))
		})
		switch {
		case err == errLockedMeanwhile:
			locked, factorOK = true, true
		case err == errDisabledMeanwhile:
			u.Disabled, factorOK = true, true
		case err != nil:
			return "", nil, err
		case missing:
			// Not a failure: a client signs in in two steps, the code
			// asked for once the password is known to be right.
			s.auditAs(ctx, viewer, "auth.login", audit.Denied, "second factor required")
			return "", nil, ErrSecondFactorRequired
		case factorOK:
			// The address's failures are not forgiven on success: one
			// valid account must not let an address keep guessing
			// others' passwords.
			return token, u, nil
		}
	}
	failed = true
	reason := "wrong password"
	if ok && !factorOK {
		reason, ok = "wrong second factor", false // counts as a failure
	}
	switch {
	case u.Disabled:
		reason = "account disabled"
	case locked:
		reason = "account locked"
	}
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		if !ok {
			lockedNow, err := tx.CountFailedLogin(u.ID, MaxAccountFailures, now.Add(LockoutDuration))
			if err != nil {
				return err
			}
			if lockedNow {
				reason += "; account locked"
			}
		}
		e := audit.Entry(viewer, "auth.login", audit.Denied)
		e.Query = reason
		return audit.Append(tx, e)
	})
	if err != nil {
		return "", nil, err
	}
	return "", nil, ErrBadLogin
}

// errLockedMeanwhile and errDisabledMeanwhile abort a sign-in's write
// when the account was locked or disabled after it was read.
var (
	errLockedMeanwhile   = errors.New("the account was locked meanwhile")
	errDisabledMeanwhile = errors.New("the account was disabled meanwhile")
)

// pairKey is the limiter key of a username tried from an address (its
// AddressKey); the username is bounded (usernames are at most 64 bytes)
// so that a flood of long names cannot grow the limiter's memory.
func pairKey(username, addr string) string {
	if len(username) > 64 {
		username = username[:64]
	}
	return addr + "\x00" + username
}

// rateLimited is the 429 a refused sign-in gets, saying when to retry.
func rateLimited(why string, wait time.Duration) error {
	secs := int64((wait + time.Second - 1) / time.Second)
	e := core.Errorf(core.ERATELIMIT, "%s; try again in %d seconds", why, secs)
	e.RetryAfter = wait
	return e
}

func (s *Service) auditAs(ctx context.Context, v core.Viewer, action, outcome, why string) {
	s.Store.Update(ctx, func(tx core.Tx) error {
		e := audit.Entry(v, action, outcome)
		e.Query = why
		return audit.Append(tx, e)
	})
}

func (s *Service) auditAnon(ctx context.Context, action, outcome, remote, why string) {
	s.auditAs(ctx, core.Viewer{Remote: remote}, action, outcome, why)
}

// auditLimited audits a sign-in refused by the address limits, within
// Denials' quota for the address: past the limits nothing holds a client
// back from sending more, and each entry is a write to the store.
func (s *Service) auditLimited(ctx context.Context, remote, why string) {
	ok, note := s.Denials.Admit(remote)
	if !ok {
		return
	}
	s.auditAnon(ctx, "auth.login", audit.Denied, remote, why+note)
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, v core.Viewer, token string) error {
	return s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.DeleteSession(TokenHash(token)); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, "auth.logout", audit.OK))
	})
}

// errNoCredentials and errBadCredentials are the only two things an
// unauthenticated caller learns.
var (
	ErrNoCredentials  = core.Errorf(core.EUNAUTHORIZED, "authentication required: sign in or send an API key")
	ErrBadCredentials = core.Errorf(core.EUNAUTHORIZED, "the credentials are not valid")
)

// SessionViewer resolves a session token.
func (s *Service) SessionViewer(ctx context.Context, token, remote string) (core.Viewer, error) {
	v, _, _, err := s.session(ctx, token, remote, false)
	return v, err
}

// SessionUser resolves a session token to its viewer, its user and
// whether the user has a second factor, in one read of the store: what a
// console page needs before anything else. An unknown or expired session
// and a disabled user are ErrBadCredentials.
func (s *Service) SessionUser(ctx context.Context, token, remote string) (core.Viewer, *core.User, bool, error) {
	return s.session(ctx, token, remote, true)
}

// session is SessionViewer and SessionUser: the second factor is read
// only when asked for (API requests do not need it).
func (s *Service) session(ctx context.Context, token, remote string, withTOTP bool) (core.Viewer, *core.User, bool, error) {
	var (
		v      core.Viewer
		u      *core.User
		totpOn bool
	)
	err := s.Store.View(ctx, func(tx core.Tx) error {
		sess, err := tx.GetSession(TokenHash(token))
		if err != nil {
			return err
		}
		if !s.Now().Before(sess.ExpiresAt) {
			return ErrBadCredentials
		}
		if u, err = tx.GetUser(sess.UserID); err != nil {
			return err
		}
		if u.Disabled {
			return ErrBadCredentials
		}
		v = core.Viewer{UserID: u.ID, Bureau: u.Bureau, Role: u.Role, Permissions: core.RolePermissions(u.Role), Remote: remote}
		if !withTOTP {
			return nil
		}
		t, err := tx.GetTOTP(u.ID)
		if core.ErrorCode(err) == core.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		totpOn = t.Enabled
		return nil
	})
	if err != nil {
		if core.ErrorCode(err) == core.ENOTFOUND {
			err = ErrBadCredentials
		}
		return core.Viewer{}, nil, false, err
	}
	return v, u, totpOn, nil
}

// KeyViewer resolves an API key string, comparing its secret in constant
// time, and records when it was last used (to the minute).
func (s *Service) KeyViewer(ctx context.Context, key, remote string) (core.Viewer, error) {
	id, secret, ok := ParseKey(key)
	if !ok {
		return core.Viewer{}, ErrBadCredentials
	}
	now := s.Now()
	k, cached := s.keys.get(id, now, s.KeyCacheTTL)
	if !cached {
		gen := s.keys.generation()
		var stored *core.APIKey
		err := s.Store.View(ctx, func(tx core.Tx) error {
			var err error
			stored, err = tx.GetKey(id)
			return err
		})
		if core.ErrorCode(err) == core.ENOTFOUND {
			return core.Viewer{}, ErrBadCredentials
		} else if err != nil {
			return core.Viewer{}, err
		}
		k = *stored
		if s.KeyCacheTTL > 0 {
			s.keys.put(k, now, gen)
		}
	}
	if !SameHash(TokenHash(secret), k.SecretHash) || !k.Active(now) {
		return core.Viewer{}, ErrBadCredentials
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= keyUseGranularity {
		gen := s.keys.generation()
		var fresh *core.APIKey
		err := s.Store.Update(ctx, func(tx core.Tx) error {
			cur, err := tx.GetKey(id)
			if err != nil {
				return err
			}
			if !cur.Active(now) || !SameHash(cur.SecretHash, k.SecretHash) {
				return ErrBadCredentials // revoked since it was read
			}
			cur.LastUsedAt = &now
			fresh = cur
			return tx.UpdateKey(cur)
		})
		if err == ErrBadCredentials {
			s.keys.drop(id)
			return core.Viewer{}, err
		}
		if err == nil {
			k = *fresh // what the store holds now, not the copy read before
			if s.KeyCacheTTL > 0 {
				s.keys.put(k, now, gen)
			}
		}
	}
	return core.Viewer{KeyID: k.ID, Bureau: k.Bureau, Role: "", Permissions: k.Permissions, Remote: remote}, nil
}

// NewUser is what an administrator gives to create a user.
type NewUser struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Bureau      string `json:"bureau"`
	Role        string `json:"role"`
	Lang        string `json:"lang"`
	Password    string `json:"password"`
}

// Validate checks a new user and normalises its fields.
func (n *NewUser) Validate() error {
	var fs []core.FieldError
	n.Username = strings.TrimSpace(strings.ToLower(n.Username))
	n.Bureau = strings.ToUpper(strings.TrimSpace(n.Bureau))
	if l := len(n.Username); l < 3 || l > 64 || strings.Trim(n.Username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != "" {
		fs = append(fs, core.FieldError{Field: "username", Reason: "must be 3 to 64 characters: a-z, 0-9, dot, dash or underscore"})
	}
	if utf8.RuneCountInString(n.DisplayName) > 200 {
		fs = append(fs, core.FieldError{Field: "display_name", Reason: "must be at most 200 characters"})
	} else if hasControl(n.DisplayName) {
		fs = append(fs, controlField("display_name"))
	}
	if n.DisplayName == "" {
		n.DisplayName = n.Username
	}
	if b, ok := members.BureauFor(n.Bureau); ok {
		n.Bureau = b.Code
	} else {
		fs = append(fs, core.FieldError{Field: "bureau", Reason: "must be a member country's ISO 3166 code or IPSG for the secretariat"})
	}
	if !core.ValidRole(n.Role) {
		fs = append(fs, core.FieldError{Field: "role", Reason: "must be one of officer, supervisor, reviewer, analyst, admin"})
	} else if n.Role == core.RoleReviewer && !members.IsSecretariat(n.Bureau) {
		fs = append(fs, core.FieldError{Field: "role", Reason: "reviewers belong to the secretariat (bureau IPSG)"})
	}
	if n.Lang == "" {
		n.Lang = lang.Default
	} else if !lang.Valid(n.Lang) {
		fs = append(fs, core.FieldError{Field: "lang", Reason: "must be " + lang.List()})
	}
	if c := utf8.RuneCountInString(n.Password); c < MinPasswordLength || c > MaxPasswordLength {
		fs = append(fs, core.FieldError{Field: "password", Reason: fmt.Sprintf("must be %d to %d characters", MinPasswordLength, MaxPasswordLength)})
	}
	if len(fs) > 0 {
		return core.Invalid(fs...)
	}
	return nil
}

// CreateUser adds a user. Only a bureau's own admins may, within their
// bureau (the secretariat's within the secretariat); the host's operator
// (the system, through `manara user add`) makes a bureau's first admin.
func (s *Service) CreateUser(ctx context.Context, v core.Viewer, n NewUser) (*core.User, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if !mayAdminister(v, n.Bureau) {
		return nil, s.denyBureau(ctx, v, "user.create", n.Bureau)
	}
	hash, err := s.hashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	u := &core.User{ID: uuid.Must(uuid.NewV7()).String(), Username: n.Username, DisplayName: n.DisplayName, Bureau: n.Bureau,
		Role: n.Role, Lang: n.Lang, CreatedAt: s.Now(), PasswordHash: hash}
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.InsertUser(u); err != nil {
			return err
		}
		e := audit.Entry(v, "user.create", audit.OK)
		e.Query = "user " + u.Username + " (" + u.Role + ", " + u.Bureau + ")" + operatorNote(v)
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// SetDisabled disables or enables a user. Disabling ends their sessions.
func (s *Service) SetDisabled(ctx context.Context, v core.Viewer, username string, disabled bool) (*core.User, error) {
	action := "user.disable"
	if !disabled {
		action = "user.enable"
	}
	if err := s.mayAdministerUsers(ctx, v, action); err != nil {
		return nil, err
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
		u.Disabled = disabled
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		if disabled {
			if err := tx.DeleteUserSessions(u.ID); err != nil {
				return err
			}
		}
		e := audit.Entry(v, action, audit.OK)
		e.Query = "user " + u.Username
		return audit.Append(tx, e)
	})
	if err == errOtherBureau {
		return nil, s.denyUser(ctx, v, action, u)
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// errOtherBureau aborts an administration of a user or key of a bureau
// the caller does not administer.
var errOtherBureau = errors.New("another bureau's")

// mayAdministerUsers refuses, before any user is looked up, a caller who
// administers no bureau: a 403 for an existing username and a 404 for an
// unknown one would tell anyone signed in which usernames exist on the
// hub, which sign-in takes care not to tell.
func (s *Service) mayAdministerUsers(ctx context.Context, v core.Viewer, action string) error {
	if v.System || v.Can(core.PermAdmin) && v.Bureau != "" {
		return nil
	}
	return s.deny(ctx, v, action)
}

// denyUser audits a refused administration of another bureau's user,
// naming the bureau and the user, and answers without naming the user's
// bureau (the caller gave only a username).
func (s *Service) denyUser(ctx context.Context, v core.Viewer, action string, u *core.User) error {
	e := audit.Entry(v, action, audit.Denied)
	e.Query = "bureau " + u.Bureau + "; user " + u.Username
	audit.Record(ctx, s.Store, e)
	return core.Errorf(core.EFORBIDDEN, "you administer the users of bureau %s only: another bureau's are administered by its own administrators", v.Bureau)
}

// ListUsers lists the users v may administer.
func (s *Service) ListUsers(ctx context.Context, v core.Viewer) ([]*core.User, error) {
	if !v.System && !v.Can(core.PermAdmin) {
		return nil, s.deny(ctx, v, "user.list")
	}
	bureau := v.Bureau // an admin sees its own bureau's users, the secretariat's included
	if v.System {
		bureau = ""
	}
	var us []*core.User
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		us, err = tx.ListUsers(bureau)
		return err
	})
	return us, err
}

// NewKey is what an administrator gives to create an API key.
type NewKey struct {
	Name        string     `json:"name"`
	Bureau      string     `json:"bureau"`
	Permissions []string   `json:"permissions"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
}

// CreateKey makes an API key and returns it with the full key string,
// which is shown this once and never stored.
func (s *Service) CreateKey(ctx context.Context, v core.Viewer, n NewKey) (*core.APIKey, string, error) {
	var fs []core.FieldError
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" || utf8.RuneCountInString(n.Name) > 100 {
		fs = append(fs, core.FieldError{Field: "name", Reason: "must be 1 to 100 characters"})
	} else if hasControl(n.Name) {
		fs = append(fs, controlField("name"))
	}
	if b, ok := members.BureauFor(n.Bureau); ok {
		n.Bureau = b.Code
	} else {
		fs = append(fs, core.FieldError{Field: "bureau", Reason: "must be a member country's ISO 3166 code or IPSG"})
	}
	if len(n.Permissions) == 0 {
		fs = append(fs, core.FieldError{Field: "permissions", Reason: "must list at least one of " + strings.Join(core.Permissions, ", ")})
	}
	// A set: a permission listed twice is refused rather than kept twice
	// in the key's row and its listings, which also bounds the list by
	// the number of permissions (the first refusal ends the reading).
	seen := map[string]bool{}
	for i, p := range n.Permissions {
		if !core.ValidPermission(p) {
			fs = append(fs, core.FieldError{Field: "permissions[" + itoa(i) + "]", Reason: "must be one of " + strings.Join(core.Permissions, ", ")})
		} else if seen[p] {
			fs = append(fs, core.FieldError{Field: "permissions[" + itoa(i) + "]", Reason: "is listed twice: " + p})
		} else {
			seen[p] = true
			continue
		}
		break
	}
	if n.ExpiresAt != nil && !n.ExpiresAt.After(s.Now()) {
		fs = append(fs, core.FieldError{Field: "expires_at", Reason: "must be in the future"})
	}
	if len(fs) > 0 {
		return nil, "", core.Invalid(fs...)
	}
	if !mayAdminister(v, n.Bureau) {
		return nil, "", s.denyBureau(ctx, v, "key.create", n.Bureau)
	}
	secret := NewToken()
	k := &core.APIKey{ID: uuid.Must(uuid.NewV7()).String(), Name: n.Name, Bureau: n.Bureau, Permissions: n.Permissions,
		SecretHash: TokenHash(secret), CreatedBy: v.ActorName(), CreatedAt: s.Now(), ExpiresAt: n.ExpiresAt}
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.InsertKey(k); err != nil {
			return err
		}
		e := audit.Entry(v, "key.create", audit.OK)
		e.Query = "key " + k.ID + " (" + k.Bureau + ")" + operatorNote(v)
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, "", err
	}
	return k, FormatKey(k.ID, secret), nil
}

// RevokeKey revokes a key for good. Another bureau's key is not found, as
// an unknown one is (a key id names no bureau, and the caller learns
// nothing of keys it does not administer), but the attempt is audited,
// naming the key's bureau.
func (s *Service) RevokeKey(ctx context.Context, v core.Viewer, id string) (*core.APIKey, error) {
	var k *core.APIKey
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var err error
		k, err = tx.GetKey(strings.ToLower(strings.TrimSpace(id)))
		if err != nil {
			return err
		}
		if !mayAdminister(v, k.Bureau) {
			return errOtherBureau
		}
		if k.RevokedAt == nil {
			now := s.Now()
			k.RevokedAt = &now
			if err := tx.UpdateKey(k); err != nil {
				return err
			}
		}
		e := audit.Entry(v, "key.revoke", audit.OK)
		e.Query = "key " + k.ID
		return audit.Append(tx, e)
	})
	if err == errOtherBureau {
		e := audit.Entry(v, "key.revoke", audit.Denied)
		e.Query = "bureau " + k.Bureau + "; key " + k.ID
		audit.Record(ctx, s.Store, e)
		return nil, core.Errorf(core.ENOTFOUND, "key not found")
	}
	if k != nil {
		s.keys.drop(k.ID)
	}
	return k, err
}

// ListKeys lists the keys v may administer.
func (s *Service) ListKeys(ctx context.Context, v core.Viewer) ([]*core.APIKey, error) {
	if !v.Can(core.PermAdmin) && !v.System {
		return nil, s.deny(ctx, v, "key.list")
	}
	bureau := v.Bureau
	if v.System {
		bureau = ""
	}
	var ks []*core.APIKey
	err := s.Store.View(ctx, func(tx core.Tx) error {
		var err error
		ks, err = tx.ListKeys(bureau)
		return err
	})
	return ks, err
}

// mayAdminister: a bureau's admins for their own bureau only, and the
// system (the host's operator at the command line, the demo loader; never
// reachable over HTTP). The secretariat's admins administer the
// secretariat and no member bureau: a key or user they made for a bureau
// would read that bureau's restricted records and write its records.
func mayAdminister(v core.Viewer, bureau string) bool {
	if v.System {
		return true
	}
	return v.Can(core.PermAdmin) && v.Bureau != "" && v.Bureau == bureau
}

// operatorNote marks in the audit log what the system did on an
// operator's behalf (`manara user add` comes with the remote "cli").
func operatorNote(v core.Viewer) string {
	if !v.System {
		return ""
	}
	return "; by the host operator (" + v.Remote + ")"
}

// denyBureau audits a refused administration of bureau and says why.
func (s *Service) denyBureau(ctx context.Context, v core.Viewer, action, bureau string) error {
	if !v.Can(core.PermAdmin) {
		return s.deny(ctx, v, action)
	}
	e := audit.Entry(v, action, audit.Denied)
	e.Query = "bureau " + bureau
	audit.Record(ctx, s.Store, e)
	return core.Errorf(core.EFORBIDDEN, "you administer bureau %s only: bureau %s's users and keys are made by its own administrators (its first by the host's operator with `manara user add`)", v.Bureau, bureau)
}

func (s *Service) deny(ctx context.Context, v core.Viewer, action string) error {
	s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, audit.Entry(v, action, audit.Denied)) })
	return core.Errorf(core.EFORBIDDEN, "your role does not allow this")
}

// hasControl reports whether s holds a control character (a line break,
// a tab, an escape sequence's ESC): names are shown on one line in the
// console, listings and the audit log, where such characters would break
// or disguise the line.
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

func controlField(field string) core.FieldError {
	return core.FieldError{Field: field, Reason: "must be text without control characters (line breaks, tabs, escapes)", Code: "text"}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
