package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// TestAssemblyStorage checks the General Assembly's tables on both
// stores: values round-trip with their version, stale updates conflict,
// a seat is taken once per session, a country takes one token per round,
// a token is spent once, the board keeps its order, due rounds are found
// and a round's signing key is deleted.
func TestAssemblyStorage(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			at := time.Date(2025, 11, 24, 9, 0, 0, 0, time.UTC)
			ses := &core.AssemblySession{ID: "s1", Number: 93, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27", Languages: []string{"ar", "fr"},
				State: core.SessionDraft, Version: 1, CreatedAt: at, UpdatedAt: at}
			update(t, st, func(tx core.Tx) error { return tx.InsertAssemblySession(ses) })
			err := st.Update(ctx, func(tx core.Tx) error {
				dup := *ses
				dup.ID = "s2"
				return tx.InsertAssemblySession(&dup)
			})
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("a second session 93: %v", err)
			}
			ses.State, ses.Version = core.SessionConvened, 2
			update(t, st, func(tx core.Tx) error { return tx.UpdateAssemblySession(ses) })
			stale := *ses
			stale.Version = 2
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.UpdateAssemblySession(&stale) }); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("a stale update: %v", err)
			}

			d := &core.Delegation{ID: "d1", SessionID: "s1", Country: "MA", Head: core.Person{Name: "Head of MA"}, Credentials: core.CredentialsPending, Version: 1}
			update(t, st, func(tx core.Tx) error { return tx.InsertDelegation(d) })
			again := *d
			again.ID = "d2"
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.InsertDelegation(&again) }); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("a second delegation of MA: %v", err)
			}
			obs := &core.Delegation{ID: "d3", SessionID: "s1", Observer: true, Organisation: "United Nations", Version: 1}
			update(t, st, func(tx core.Tx) error { return tx.InsertDelegation(obs) })

			r := &core.Round{ID: "r1", SessionID: "s1", ItemID: "i1", Number: 1, State: core.RoundOpen, Options: []string{"yes", "no"},
				OpenedAt: at, ClosesAt: at.Add(30 * time.Minute), Version: 1}
			update(t, st, func(tx core.Tx) error { return tx.InsertRound(r, []byte{1, 2, 3}) })
			taken := at.Add(time.Minute)
			update(t, st, func(tx core.Tx) error { return tx.MarkTokenIssued("r1", "MA", taken) })
			if err := st.Update(ctx, func(tx core.Tx) error { return tx.MarkTokenIssued("r1", "MA", taken) }); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("a second token: %v", err)
			}
			view(t, st, func(tx core.Tx) error {
				ok, when, err := tx.TokenIssued("r1", "MA")
				if err != nil || !ok || when == nil || !when.Equal(taken) {
					t.Errorf("MA's token: taken %v at %v, %v; want taken at %v", ok, when, err, taken)
				}
				if ok, when, err := tx.TokenIssued("r1", "FR"); err != nil || ok || when != nil {
					t.Errorf("FR's token, never taken: taken %v at %v, %v", ok, when, err)
				}
				return nil
			})
			for i, h := range []string{"h0", "h1"} {
				update(t, st, func(tx core.Tx) error {
					return tx.InsertBallot(&core.BoardEntry{RoundID: "r1", Index: int64(i), Token: "t" + h, Signature: "s", Choice: "yes", TokenHash: h})
				})
			}
			if err := st.Update(ctx, func(tx core.Tx) error {
				return tx.InsertBallot(&core.BoardEntry{RoundID: "r1", Index: 2, Token: "th0", Signature: "s", Choice: "no", TokenHash: "h0"})
			}); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("a spent token: %v", err)
			}
			view(t, st, func(tx core.Tx) error {
				got, err := tx.GetAssemblySession("s1")
				if err != nil || got.Version != 2 || got.State != core.SessionConvened || len(got.Languages) != 2 {
					t.Errorf("session %+v %v", got, err)
				}
				ds, err := tx.ListDelegations("s1")
				if err != nil || len(ds) != 2 {
					t.Errorf("delegations %d %v", len(ds), err)
				}
				board, err := tx.Board("r1")
				if err != nil || len(board) != 2 || board[0].TokenHash != "h0" || board[1].Index != 1 {
					t.Errorf("board %+v %v", board, err)
				}
				due, err := tx.RoundsDue(at.Add(31*time.Minute), 10)
				if err != nil || len(due) != 1 {
					t.Errorf("due %d %v", len(due), err)
				}
				if due, _ := tx.RoundsDue(at.Add(29*time.Minute), 10); len(due) != 0 {
					t.Errorf("a round due before its time")
				}
				if k, err := tx.RoundKey("r1"); err != nil || len(k) != 3 {
					t.Errorf("key %v %v", k, err)
				}
				return nil
			})
			update(t, st, func(tx core.Tx) error { return tx.DeleteRoundKey("r1") })
			err = st.View(ctx, func(tx core.Tx) error { _, err := tx.RoundKey("r1"); return err })
			if core.ErrorCode(err) != core.ENOTFOUND {
				t.Fatalf("the deleted key: %v", err)
			}
		})
	}
}

// TestAssemblySessionLock: LockAssemblySession reads the session (ENOTFOUND
// for none) and keeps it locked until the transaction ends, so that a
// second writer locking it waits and then reads what the first wrote: the
// General Assembly's checks across a session's delegations, agenda and
// rounds run one at a time (FOR UPDATE on PostgreSQL, the single writer
// on SQLite).
func TestAssemblySessionLock(t *testing.T) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			at := time.Date(2025, 11, 24, 9, 0, 0, 0, time.UTC)
			ses := &core.AssemblySession{ID: "s1", Number: 93, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27",
				State: core.SessionOpen, Version: 1, CreatedAt: at, UpdatedAt: at}
			update(t, st, func(tx core.Tx) error { return tx.InsertAssemblySession(ses) })
			if err := st.Update(ctx, func(tx core.Tx) error { _, err := tx.LockAssemblySession("none"); return err }); core.ErrorCode(err) != core.ENOTFOUND {
				t.Fatalf("locking a session that does not exist: %v, want %s", err, core.ENOTFOUND)
			}
			view(t, st, func(tx core.Tx) error {
				got, err := tx.LockAssemblySession("s1")
				if err != nil || got.Number != 93 || got.Version != 1 {
					t.Errorf("the session read in a view: %+v %v", got, err)
				}
				return nil
			})

			locked := make(chan struct{})
			firstDone := make(chan error, 1)
			go func() {
				firstDone <- st.Update(ctx, func(tx core.Tx) error {
					s, err := tx.LockAssemblySession("s1")
					if err != nil {
						return err
					}
					close(locked)
					time.Sleep(300 * time.Millisecond)
					s.State, s.Version = core.SessionClosed, s.Version+1
					return tx.UpdateAssemblySession(s)
				})
			}()
			<-locked
			var seen *core.AssemblySession
			update(t, st, func(tx core.Tx) error {
				var err error
				seen, err = tx.LockAssemblySession("s1")
				return err
			})
			if err := <-firstDone; err != nil {
				t.Fatal(err)
			}
			if seen.State != core.SessionClosed || seen.Version != 2 {
				t.Fatalf("the second writer read the session as %s at version %d while the first held it: want %s at version 2 (it must wait for the lock)", seen.State, seen.Version, core.SessionClosed)
			}
		})
	}
}
