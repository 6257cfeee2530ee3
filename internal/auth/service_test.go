package auth_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/auth"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// A key read once is trusted for KeyCacheTTL: a revocation through the
// same process applies at once, one through another replica once the TTL
// has passed.
func TestKeyCacheAndRevocation(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			here, there := auth.NewService(st), auth.NewService(st)
			here.Now, there.Now = clock, clock

			k1, secret1, err := here.CreateKey(ctx, system, auth.NewKey{Name: "border", Bureau: "ES", Permissions: []string{core.PermScreen}})
			if err != nil {
				t.Fatal(err)
			}
			if v, err := here.KeyViewer(ctx, secret1, "127.0.0.1"); err != nil || v.Bureau != "ES" || v.KeyID != k1.ID {
				t.Fatalf("KeyViewer = %+v, %v", v, err)
			}
			if _, err := here.RevokeKey(ctx, system, k1.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := here.KeyViewer(ctx, secret1, "127.0.0.1"); err == nil {
				t.Fatal("a key revoked through this process still works")
			}

			_, secret2, err := here.CreateKey(ctx, system, auth.NewKey{Name: "border 2", Bureau: "ES", Permissions: []string{core.PermScreen}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := here.KeyViewer(ctx, secret2, "127.0.0.1"); err != nil {
				t.Fatal(err)
			}
			id2, _, _ := auth.ParseKey(secret2)
			if _, err := there.RevokeKey(ctx, system, id2); err != nil {
				t.Fatal(err)
			}
			if _, err := there.KeyViewer(ctx, secret2, "127.0.0.1"); err == nil {
				t.Fatal("the replica that revoked the key still accepts it")
			}
			now = now.Add(auth.DefaultKeyCacheTTL)
			if _, err := here.KeyViewer(ctx, secret2, "127.0.0.1"); err == nil {
				t.Fatal("another replica's revocation is not seen after the cache TTL")
			}

			// A wrong secret for a cached key is refused too.
			_, secret3, err := here.CreateKey(ctx, system, auth.NewKey{Name: "border 3", Bureau: "ES", Permissions: []string{core.PermScreen}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := here.KeyViewer(ctx, secret3, ""); err != nil {
				t.Fatal(err)
			}
			bad := secret3[:len(secret3)-1] + "x"
			if secret3[len(secret3)-1] == 'x' {
				bad = secret3[:len(secret3)-1] + "y"
			}
			if _, err := here.KeyViewer(ctx, bad, ""); err == nil {
				t.Fatal("a wrong secret was accepted for a cached key")
			}
		})
	}
}

// TestConcurrentGuessesStayWithinTheLimits: each attempt takes its place
// in the address limits before the password's argon2id check (some 50 ms),
// not after it, so guesses sent together cannot all pass a count none of
// them has added to yet: of 20 wrong passwords for one account sent at
// once from one address, at most the per-(username, address) limit (10)
// are checked against the password, the rest get 429.
func TestConcurrentGuessesStayWithinTheLimits(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := auth.NewService(st)
			if _, err := s.CreateUser(ctx, system, auth.NewUser{Username: "ma.concurrent.target", Bureau: "MA", Role: core.RoleOfficer, Password: "a long right password"}); err != nil {
				t.Fatal(err)
			}
			const n = 20
			var (
				wg      sync.WaitGroup
				start   = make(chan struct{})
				mu      sync.Mutex
				checked int // answered 401: the guess was checked against the password
				limited int // answered 429
			)
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, _, err := s.Login(ctx, "ma.concurrent.target", "a wrong guess", "192.0.2.44")
					mu.Lock()
					defer mu.Unlock()
					switch core.ErrorCode(err) {
					case core.EUNAUTHORIZED:
						checked++
					case core.ERATELIMIT:
						limited++
					default:
						t.Errorf("unexpected answer: %v", err)
					}
				}()
			}
			close(start)
			wg.Wait()
			if checked > auth.MaxPairFailures {
				t.Fatalf("%d guesses sent together from one address for one account: %d were checked against the password and answered 401, %d refused with 429; the pair limit is %d in %s",
					n, checked, limited, auth.MaxPairFailures, auth.AddressWindow)
			}
		})
	}
}

// pausingStore runs a hook after the next read-only transaction, once.
type pausingStore struct {
	core.Store
	mu    sync.Mutex
	after func()
}

func (p *pausingStore) View(ctx context.Context, fn func(core.Tx) error) error {
	err := p.Store.View(ctx, fn)
	p.mu.Lock()
	h := p.after
	p.after = nil
	p.mu.Unlock()
	if h != nil {
		h()
	}
	return err
}

// TestRevokedKeyNotRecachedByRequestInFlight: "a revocation through this
// process applies at once" (README), even while a request of the key is
// in flight (a border system calling many times a second always has one):
// the request read the key just before the revocation, and must not put
// its still active copy back into the cache after RevokeKey dropped it,
// neither after the read nor after recording the last use.
func TestRevokedKeyNotRecachedByRequestInFlight(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ps := &pausingStore{Store: b.Open(t)}
			s := auth.NewService(ps)
			// The default cache TTL (2 s): the revoked key is accepted for it.
			k, secret, err := s.CreateKey(ctx, system, auth.NewKey{Name: "border post 7", Bureau: "ES", Permissions: []string{core.PermScreen}})
			if err != nil {
				t.Fatal(err)
			}
			reading, release := make(chan struct{}), make(chan struct{})
			ps.mu.Lock()
			ps.after = func() { close(reading); <-release }
			ps.mu.Unlock()
			done := make(chan error, 1)
			go func() {
				_, err := s.KeyViewer(ctx, secret, "192.0.2.70") // in flight while the key is revoked
				done <- err
			}()
			<-reading
			if _, err := s.RevokeKey(ctx, system, k.ID); err != nil {
				t.Fatal(err)
			}
			close(release)
			<-done
			if v, err := s.KeyViewer(ctx, secret, "192.0.2.70"); err == nil {
				t.Fatalf("a key revoked through this process is still accepted after the revocation returned: viewer %+v", v)
			}
		})
	}
}

// TestConcurrentFailuresAcrossReplicasLockTheAccount: the account's
// failures are counted in the store, so that the lock holds across
// replicas; failures counted at the same moment on two replicas, from
// different addresses (no address limit applies), are all counted: as
// many wrong passwords sent together as the lock allows lock the account.
func TestConcurrentFailuresAcrossReplicasLockTheAccount(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			replicas := []*auth.Service{auth.NewService(st), auth.NewService(st)}
			if _, err := replicas[0].CreateUser(ctx, system, auth.NewUser{Username: "ma.two.replicas", Bureau: "MA", Role: core.RoleOfficer, Password: "a long right password"}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make(chan error, auth.MaxAccountFailures)
			for i := range auth.MaxAccountFailures {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, _, err := replicas[i%2].Login(ctx, "ma.two.replicas", "a wrong guess", fmt.Sprintf("192.0.2.%d", 100+i))
					errs <- err
				}()
			}
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				if core.ErrorCode(err) != core.EUNAUTHORIZED {
					t.Fatalf("a wrong password: %v", err)
				}
			}
			if _, _, err := replicas[0].Login(ctx, "ma.two.replicas", "a long right password", "198.51.100.30"); core.ErrorCode(err) != core.EUNAUTHORIZED {
				t.Fatalf("%d wrong passwords sent together on two replicas did not lock the account: the right one then got %v", auth.MaxAccountFailures, err)
			}
		})
	}
}

// TestAccountLockedDuringSignIn: a right password whose account is locked
// by failures counted after the sign-in read it (guesses sent at the same
// moment, here or on another replica) is refused like any sign-in of a
// locked account, and does not clear the lock.
func TestAccountLockedDuringSignIn(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ps := &pausingStore{Store: b.Open(t)}
			here, there := auth.NewService(ps), auth.NewService(ps)
			if _, err := here.CreateUser(ctx, system, auth.NewUser{Username: "ma.locked.meanwhile", Bureau: "MA", Role: core.RoleOfficer, Password: "a long right password"}); err != nil {
				t.Fatal(err)
			}
			ps.mu.Lock()
			ps.after = func() { // once the sign-in below has read the account
				for i := range auth.MaxAccountFailures {
					if _, _, err := there.Login(ctx, "ma.locked.meanwhile", "a wrong guess", fmt.Sprintf("203.0.113.%d", 10+i)); core.ErrorCode(err) != core.EUNAUTHORIZED {
						t.Errorf("a wrong password: %v", err)
					}
				}
			}
			ps.mu.Unlock()
			if _, _, err := here.Login(ctx, "ma.locked.meanwhile", "a long right password", "198.51.100.40"); err != auth.ErrBadLogin {
				t.Fatalf("the right password of an account locked while it was checked: %v, want %v", err, auth.ErrBadLogin)
			}
			if _, _, err := here.Login(ctx, "ma.locked.meanwhile", "a long right password", "198.51.100.41"); err != auth.ErrBadLogin {
				t.Fatalf("the lock was cleared by the refused sign-in: %v", err)
			}
		})
	}
}

// TestSignInGivesItsPlaceBack: an attempt takes its place in the address
// limits before its password is checked; a right password gives it back,
// so that signing in does not count as a failure: after MaxPairFailures-1
// failures and any number of sign-ins, one more failure is answered 401,
// the next 429.
func TestSignInGivesItsPlaceBack(t *testing.T) {
	ctx := context.Background()
	system := core.Viewer{System: true}
	st := storetest.OpenSQLite(t)
	s := auth.NewService(st)
	s.Pairs = auth.NewLimiter(3, auth.AddressWindow)
	if _, err := s.CreateUser(ctx, system, auth.NewUser{Username: "ma.gives.back", Bureau: "MA", Role: core.RoleOfficer, Password: "a long right password"}); err != nil {
		t.Fatal(err)
	}
	const remote = "192.0.2.90"
	login := func(password string) error {
		_, _, err := s.Login(ctx, "ma.gives.back", password, remote)
		return err
	}
	for range 2 {
		if err := login("a wrong guess"); core.ErrorCode(err) != core.EUNAUTHORIZED {
			t.Fatalf("a wrong password: %v", err)
		}
	}
	for range 3 {
		if err := login("a long right password"); err != nil {
			t.Fatalf("the right password after 2 failures of 3: %v", err)
		}
	}
	if err := login("a wrong guess"); core.ErrorCode(err) != core.EUNAUTHORIZED {
		t.Fatalf("the 3rd failure of 3 after sign-ins: %v, want 401", err)
	}
	if err := login("a long right password"); core.ErrorCode(err) != core.ERATELIMIT {
		t.Fatalf("after 3 failures of 3: %v, want 429", err)
	}
}

// TestLimiterTake: Take counts an attempt at once, refuses one past the
// limit with the time to wait, and Release gives a place back (once).
func TestLimiterTake(t *testing.T) {
	l := auth.NewLimiter(2, time.Minute)
	a, wait := l.Take("k")
	if wait != 0 {
		t.Fatalf("first attempt refused: %v", wait)
	}
	if _, wait := l.Take("k"); wait != 0 {
		t.Fatalf("second attempt of 2 refused: %v", wait)
	}
	if _, wait := l.Take("k"); wait <= 0 || wait > time.Minute {
		t.Fatalf("third attempt of 2: wait %v, want refused within the window", wait)
	}
	if l.Allowed("k") {
		t.Fatal("Allowed after 2 attempts of 2")
	}
	a.Release()
	a.Release() // a second release gives nothing more back
	if _, wait := l.Take("k"); wait != 0 {
		t.Fatalf("an attempt after a place was given back refused: %v", wait)
	}
	if _, wait := l.Take("k"); wait <= 0 {
		t.Fatal("a released slot was given back twice")
	}
	if !l.Allowed("other") {
		t.Fatal("another key is limited")
	}
}
