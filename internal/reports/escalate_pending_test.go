package reports

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// noticeIDs lists the bureau's notice requests of a type.
func noticeIDs(t *testing.T, s *Service, typ string) []string {
	t.Helper()
	found, _, err := s.Notices.List(context.Background(), escalatingOfficer(), notices.Query{Type: typ, Owner: "MA", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range found {
		out = append(out, f.Notice.ID)
	}
	return out
}

// failOnce makes drafting a notice request of typ fail the first time.
func failOnce(s *Service, typ string) {
	var failed atomic.Bool
	s.noticeHook = func(got string) error {
		if got == typ && failed.CompareAndSwap(false, true) {
			return core.Errorf(core.EUNAVAILABLE, "the fictitious notice store is down")
		}
		return nil
	}
}

// pendingCampaign makes a campaign with a phone and a wallet (an asset
// for a Silver Notice request) and escalates it to FR while drafting a
// notice request of type failing fails.
func pendingCampaign(t *testing.T, s *Service, failing, phone string) (string, error) {
	t.Helper()
	wallet := "0x52908400098527886E0F7030069857D2E4169EE7"
	a := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}, Wallets: []string{wallet}}})
	submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}}})
	id := campaignOf(t, s, a.Receipt)
	failOnce(s, failing)
	_, err := s.Escalate(context.Background(), escalatingOfficer(), id, EscalateInput{Countries: []string{"FR"}})
	return id, err
}

// TestEscalateRetryDraftsMissingNotices: a notice request that failed
// after an escalation's records were saved could never be drafted, since
// escalating again was refused as "nothing new". The escalation must keep
// it pending (visible on the campaign), and escalating again must draft
// it from that escalation, once, and succeed; only then is nothing new.
func TestEscalateRetryDraftsMissingNotices(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		for _, failing := range []string{notices.TypePurple, notices.TypeSilver} {
			t.Run(b.Name+"/"+failing, func(t *testing.T) {
				s := newService(t, b)
				ctx := context.Background()
				officer := escalatingOfficer()
				id, err := pendingCampaign(t, s, failing, "+212612345011")
				if core.ErrorCode(err) != core.EUNAVAILABLE || !strings.Contains(err.Error(), "2 indicator records were created") {
					t.Fatalf("escalating while the %s request fails: %v", failing, err)
				}
				if got := cyberRecords(t, s); len(got) != 2 {
					t.Fatalf("records after the failure: %v, want the 2 made", got)
				}
				cv, err := s.Campaign(ctx, officer, id)
				if err != nil {
					t.Fatal(err)
				}
				wantPending := []string{notices.TypePurple, notices.TypeSilver}
				if failing == notices.TypeSilver {
					wantPending = wantPending[1:]
				}
				if len(cv.Escalations) != 1 || !slices.Equal(cv.Escalations[0].Pending, wantPending) || cv.Escalations[0].Drafting != nil {
					t.Fatalf("the campaign after the failure: %+v, want pending %v and no draft under way", cv.Escalations, wantPending)
				}
				first := cv.Escalations[0]
				if failing == notices.TypeSilver && first.Purple == "" {
					t.Fatal("the Purple Notice request drafted before the failure is not named")
				}

				// Escalating again to other countries: nothing is new, but the
				// missing requests are drafted, for the first escalation's
				// countries.
				out, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"ES"}})
				if err != nil {
					t.Fatalf("the retry: %v", err)
				}
				if len(out.Records) != 0 || out.Already != 2 || len(out.Completed) != 1 || out.Purple != nil || len(out.Silver) != 0 {
					t.Fatalf("the retry: %d records, %d already, %d completed", len(out.Records), out.Already, len(out.Completed))
				}
				done := out.Completed[0]
				if !done.At.Equal(first.At) || !slices.Equal(done.Records, first.Records) || len(done.Silver) != 1 || (failing == notices.TypePurple) != (done.Purple != nil) {
					t.Fatalf("the completed escalation: %+v, want the first (%v), with the missing requests", done, first.At)
				}
				if d := string(done.Silver[0].Record.Data); !strings.Contains(d, "0x52908400098527886e0f7030069857d2e4169ee7") || strings.Contains(d, "212612345011") {
					t.Errorf("the Silver Notice request drafted later holds: %s", d)
				}
				if rel := done.Silver[0].Record.Releasability; !slices.Equal(rel.Countries, []string{"FR"}) {
					t.Errorf("the Silver Notice request drafted later is released to %v, want the escalation's FR", rel.Countries)
				}
				purples, silvers := noticeIDs(t, s, notices.TypePurple), noticeIDs(t, s, notices.TypeSilver)
				if len(purples) != 1 || len(silvers) != 1 {
					t.Fatalf("notice requests: purple %v, silver %v, want one of each", purples, silvers)
				}
				cv, err = s.Campaign(ctx, officer, id)
				if err != nil {
					t.Fatal(err)
				}
				e := cv.Escalations
				if len(e) != 1 || e[0].Purple != purples[0] || !slices.Equal(e[0].Silver, silvers) || len(e[0].Pending) != 0 || e[0].Drafting != nil {
					t.Fatalf("the escalation after the retry: %+v, want purple %s, silver %s, nothing pending", e, purples[0], silvers[0])
				}
				if done.Purple != nil && done.Purple.Notice.ID != purples[0] || done.Silver[0].Notice.ID != silvers[0] {
					t.Errorf("the answer names other requests than the stored ones")
				}

				_, err = s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"ES"}})
				wantAlreadyEscalated(t, err, "2")
				if p, s := noticeIDs(t, s, notices.TypePurple), noticeIDs(t, s, notices.TypeSilver); len(p) != 1 || len(s) != 1 {
					t.Errorf("after a refused escalation: purple %v, silver %v", p, s)
				}
			})
		}
	}
}

// TestEscalateRetriesAtOnceDraftOnce: retries of an escalation whose
// notice requests are pending, sent at the same moment, draft each once:
// one completes it, the others find nothing to do.
func TestEscalateRetriesAtOnceDraftOnce(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			id, err := pendingCampaign(t, s, notices.TypePurple, "+212612345012")
			if err == nil {
				t.Fatal("the first escalation did not fail")
			}
			// Drafting is slowed so that the retries overlap it.
			var drafts atomic.Int32
			s.noticeHook = func(string) error {
				drafts.Add(1)
				time.Sleep(30 * time.Millisecond)
				return nil
			}
			const n = 5
			var wg sync.WaitGroup
			outs, errs := make([]*Escalation, n), make([]error, n)
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					outs[i], errs[i] = s.Escalate(ctx, escalatingOfficer(), id, EscalateInput{Countries: []string{"FR"}})
				}()
			}
			close(start)
			wg.Wait()
			completed := 0
			for i := range n {
				if errs[i] == nil {
					if len(outs[i].Completed) != 1 || len(outs[i].Records) != 0 {
						t.Errorf("a retry went through with %d completed, %d records", len(outs[i].Completed), len(outs[i].Records))
					}
					completed++
					continue
				}
				wantAlreadyEscalated(t, errs[i], "2")
			}
			if completed != 1 || drafts.Load() != 2 {
				t.Errorf("%d retries completed the escalation, %d requests drafted; want 1 and 2", completed, drafts.Load())
			}
			purples, silvers := noticeIDs(t, s, notices.TypePurple), noticeIDs(t, s, notices.TypeSilver)
			if len(purples) != 1 || len(silvers) != 1 {
				t.Fatalf("notice requests: purple %v, silver %v, want one of each", purples, silvers)
			}
			cv, err := s.Campaign(ctx, escalatingOfficer(), id)
			if err != nil {
				t.Fatal(err)
			}
			if e := cv.Escalations; len(e) != 1 || e[0].Purple != purples[0] || !slices.Equal(e[0].Silver, silvers) || len(e[0].Pending) != 0 {
				t.Errorf("the escalation: %+v", e)
			}
		})
	}
}

// TestEscalateTakesLapsedDraftClaim: a call that died while drafting
// leaves its claim; past its time a retry drafts, before it another
// leaves the requests to the call it takes to be under way.
func TestEscalateTakesLapsedDraftClaim(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			officer := escalatingOfficer()
			id, err := pendingCampaign(t, s, notices.TypeSilver, "+212612345013")
			if err == nil {
				t.Fatal("the first escalation did not fail")
			}
			claim := func(until time.Time) {
				t.Helper()
				err := s.Store.Update(ctx, func(tx core.Tx) error {
					c, err := tx.GetCampaign(id)
					if err != nil {
						return err
					}
					c.Escalations[0].Drafting = &core.DraftClaim{Token: "a call that died", Until: until}
					c.Version++
					return tx.UpdateCampaign(c)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			claim(time.Now().Add(time.Minute))
			_, err = s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}})
			wantAlreadyEscalated(t, err, "2")
			if got := noticeIDs(t, s, notices.TypeSilver); len(got) != 0 {
				t.Fatalf("a Silver Notice request was drafted under another call's claim: %v", got)
			}
			claim(time.Now().Add(-time.Second))
			out, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}})
			if err != nil || len(out.Completed) != 1 || len(out.Completed[0].Silver) != 1 {
				t.Fatalf("the retry past the claim: %v", err)
			}
			if got := noticeIDs(t, s, notices.TypeSilver); len(got) != 1 || got[0] != out.Completed[0].Silver[0].Notice.ID {
				t.Errorf("silver requests: %v", got)
			}
		})
	}
}

// TestEscalateFailureNamesPending: the error of an escalation whose
// notice request failed says the records stand and what is pending.
func TestEscalateFailureNamesPending(t *testing.T) {
	b := storetest.Backends(t)[0]
	s := newService(t, b)
	_, err := pendingCampaign(t, s, notices.TypeSilver, "+212612345014")
	var e *core.Error
	if !errors.As(err, &e) || e.Code != core.EUNAVAILABLE || !strings.Contains(err.Error(), "escalate the campaign again") {
		t.Fatalf("the error: %v", err)
	}
}
