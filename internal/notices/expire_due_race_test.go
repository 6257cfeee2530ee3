package notices

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestExpiringWarnedOnceAcrossReplicas: the owner is told once, 30 days
// ahead, that its notice is expiring (notice.expiring; the workflow keeps
// ExpiringSent so that it is not told again). Every replica runs the
// housekeeping job (cmd/manara housekeeping → ExpireDue), so passes
// overlap, at least when replicas start together. The notices due are
// listed with a plain SELECT (NoticesDue): on PostgreSQL each overlapping
// pass would warn the owner again unless it locks each notice and reads it
// again before warning.
func TestExpiringWarnedOnceAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			created := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
			s := New(st)
			s.Now = func() time.Time { return created }
			ma := officer("MA")
			rel := core.Releasability{Mode: core.ReleaseAll}
			const replicas = 12
			for round := range 3 {
				n, err := s.Create(ctx, ma, Input{Type: TypePurple, Diffusion: true, Releasability: &rel,
					Data: json.RawMessage(`{"modus_operandi":"hidden in tyres"}`)})
				if err != nil {
					t.Fatal(err)
				}
				// Ten days before its expiry: inside the warning period.
				at := n.Notice.ExpiresAt.Add(-10 * 24 * time.Hour)
				start := make(chan struct{})
				var wg sync.WaitGroup
				for range replicas {
					r := New(st)
					r.Now = func() time.Time { return at }
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						if _, _, err := r.ExpireDue(ctx); err != nil && core.ErrorCode(err) != core.ECONFLICT {
							t.Errorf("ExpireDue: %v", err)
						}
					}()
				}
				close(start)
				wg.Wait()
				warned := 0
				if err := st.View(ctx, func(tx core.Tx) error {
					es, err := tx.Events(0, "", 10000)
					for _, e := range es {
						if e.Type == EventExpiring && e.Subject == n.Notice.ID {
							warned++
						}
					}
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if warned != 1 {
					t.Fatalf("round %d: %d overlapping housekeeping passes told the owner %d times that its notice is expiring; want once", round, replicas, warned)
				}
			}
		})
	}
}

// TestCancelNotUndoneByHousekeeping: a Silver notice cancelled while the
// housekeeping job warns of its expiry stays cancelled, and leaves the
// Silver quota. The warning pass writes the whole workflow row back
// (UpdateNotice): had it read the row (still published) before the
// cancellation committed, on PostgreSQL the row would say published again
// under a cancelled record, and CountNotices, which counts the row's
// state, would go on counting it against the quota until its expiry date.
func TestCancelNotUndoneByHousekeeping(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			created := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
			s := New(st)
			s.Now = func() time.Time { return created }
			ma := officer("MA")
			rev := core.Viewer{Bureau: members.Secretariat, Role: core.RoleReviewer, UserID: "u-rev", Permissions: core.RolePermissions(core.RoleReviewer)}
			data := json.RawMessage(`{"assets":[{"type":"account","identifiers":[{"type":"iban","value":"DE89 3704 0044 0532 0130 00"}],"held_for":[{"name":"X SARL","kind":"company"}],"criminal_activity":"fraud"}]}`)
			bad := 0
			const rounds = 30
			for round := range rounds {
				n, err := s.Create(ctx, ma, Input{Type: TypeSilver, Data: data})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.Submit(ctx, ma, n.Notice.ID, 0); err != nil {
					t.Fatal(err)
				}
				pub, err := s.Decide(ctx, rev, n.Notice.ID, Decision{Decision: "publish", Reason: "meets the rules"})
				if err != nil {
					t.Fatal(err)
				}
				// Ten days before its expiry: inside the warning period.
				at := pub.Notice.ExpiresAt.Add(-10 * 24 * time.Hour)
				start := make(chan struct{})
				var wg sync.WaitGroup
				for range 4 {
					r := New(st)
					r.Now = func() time.Time { return at }
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						r.ExpireDue(ctx)
					}()
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if _, err := s.Cancel(ctx, ma, n.Notice.ID, 0, "the assets were seized"); err != nil {
						t.Errorf("round %d: cancel: %v", round, err)
					}
				}()
				close(start)
				wg.Wait()
				var got *core.Notice
				if err := st.View(ctx, func(tx core.Tx) (err error) { got, err = tx.GetNotice(n.Notice.ID); return }); err != nil {
					t.Fatal(err)
				}
				if got.State != core.NoticeCancelled {
					bad++
				}
			}
			var counted int
			if err := st.View(ctx, func(tx core.Tx) (err error) { counted, err = tx.CountNotices(TypeSilver, "MA", inCirculation); return }); err != nil {
				t.Fatal(err)
			}
			if bad > 0 || counted != 0 {
				t.Fatalf("%d of %d Silver notices cancelled while housekeeping ran are back to %q in their workflow row; the quota counts %d cancelled notices of MA in circulation", bad, rounds, core.NoticePublished, counted)
			}
		})
	}
}
