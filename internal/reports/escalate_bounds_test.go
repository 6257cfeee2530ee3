package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestEscalateFalseLinkNotInPurpleDevices: a victim wrote her own phone
// number in the narrative ("call me back on …"); the unit marked it as a
// false link so that it is not shared. Escalation rightly makes no record
// of it, but the Purple Notice request, released to FR, still lists it
// among the "devices" the criminals used (deviceList reads every indicator
// of the campaign, whatever its state). Expected: a value that does not
// link (false_link, and likewise over_common) is not in the notice.
func TestEscalateFalseLinkNotInPurpleDevices(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			officer := escalatingOfficer()
			const crook, victim = "+212612345201", "+212612345299"
			a := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{crook}},
				Narrative: "The coach took my savings. Please call me back on my own number " + victim})
			submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{crook}}})
			id := campaignOf(t, s, a.Receipt)
			if _, err := s.FalseLink(ctx, officer, id, IndicatorID("phone:"+victim)); err != nil {
				t.Fatalf("marking the victim's phone as a false link: %v", err)
			}
			out, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range out.Records {
				if strings.Contains(string(r.Data), victim) {
					t.Errorf("a record of the false link was shared: %s", r.Data)
				}
			}
			if out.Purple == nil {
				t.Fatal("no Purple Notice request")
			}
			if strings.Contains(string(out.Purple.Record.Data), victim) {
				t.Errorf("the Purple Notice request released to FR lists the victim's own phone, marked a false link: %s", out.Purple.Record.Data)
			}
		})
	}
}

// TestEscalateSharesPastTheViewsIndicators: the campaign view shows 500
// of a campaign's values, but an escalation shares every screenable
// linking value, up to MaxEscalationRecords a call: 601 at once, and of
// 1,044 the first 1,000 (counting the rest as remaining), then the 44
// left at the next call.
func TestEscalateSharesPastTheViewsIndicators(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			officer := escalatingOfficer()
			const wallets = 30 * MaxItems
			id := walletCampaign(t, s, "+212612345202", wallets)
			out, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}, NoPurple: true, NoSilver: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Records) != wallets+1 || out.Remaining != 0 {
				t.Errorf("a campaign of %d values: %d shared, %d remaining; want all shared", wallets+1, len(out.Records), out.Remaining)
			}

			// 52 reports of 20 wallets, linked by a chain of phones each
			// carried by at most 50 reports (past that a value is too
			// common to link): 1,040 wallets and 4 phones.
			s = newService(t, b) // a fresh intake: its limits count per service
			const reports = 52
			var first *Receipt
			for i := range reports {
				k := i / 25
				rc := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{
					Phones:  []string{fmt.Sprintf("+2126123453%02d", k), fmt.Sprintf("+2126123453%02d", k+1)},
					Wallets: fictitiousWallets(i*MaxItems, MaxItems)}})
				if first == nil {
					first = rc
				}
			}
			id = campaignOf(t, s, first.Receipt)
			const more = reports*MaxItems + 4
			out, err = s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}, NoPurple: true, NoSilver: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Records) != MaxEscalationRecords || out.Remaining != more-MaxEscalationRecords {
				t.Fatalf("a campaign of %d values: %d shared, %d remaining; want %d and %d", more, len(out.Records), out.Remaining, MaxEscalationRecords, more-MaxEscalationRecords)
			}
			again, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}, NoPurple: true, NoSilver: true})
			if err != nil {
				t.Fatalf("escalating again to share the %d values left: %v", out.Remaining, err)
			}
			if len(again.Records) != out.Remaining || again.Remaining != 0 || again.Already != MaxEscalationRecords {
				t.Errorf("the second escalation: %d shared, %d remaining, %d already; want %d, 0, %d", len(again.Records), again.Remaining, again.Already, out.Remaining, MaxEscalationRecords)
			}
		})
	}
}

// TestEscalateLongURLFitsPurpleDevices: a victim pasted the long checkout
// address of the fake shop (a 600-character URL) in her narrative.
// Escalation prefills the Purple Notice request's devices with "url " +
// the whole address, which the notices service refuses (a string of a
// list is at most 500 characters), so the Purple Notice request is never
// drafted, only kept as failed. Expected: the escalation's own prefill
// fits what the notices service takes (the device clipped or left out).
func TestEscalateLongURLFitsPurpleDevices(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			officer := escalatingOfficer()
			const crook = "+212612345203"
			long := "https://shoes-outlet.example/checkout/" + strings.Repeat("a1b2c3d4e5/", 52) + "pay"
			a := submit(t, s, Input{Country: "MA", Category: "fake_shop", Suspect: core.Suspect{Phones: []string{crook}},
				Narrative: "I paid on " + long + " and never got the shoes"})
			submit(t, s, Input{Country: "MA", Category: "fake_shop", Suspect: core.Suspect{Phones: []string{crook}}})
			id := campaignOf(t, s, a.Receipt)
			out, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}})
			if err != nil {
				t.Fatal(err)
			}
			if out.Purple == nil || len(out.Failed) > 0 {
				b, _ := json.Marshal(out.Failed)
				t.Errorf("the Purple Notice request was not drafted (%s) for a device of %d characters the escalation wrote itself", b, len(long))
			}
		})
	}
}

// TestEscalateCountriesOnceEach: a country named twice is shared with
// once, and a list longer than there are member countries (a client's
// loop gone wrong) is refused with one error on countries, not one error
// per entry nor an error on a field the caller never sent.
func TestEscalateCountriesOnceEach(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			a := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{"+212612345204"}}})
			submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{"+212612345204"}}})
			id := campaignOf(t, s, a.Receipt)
			for _, n := range []int{members.Count() + 1, 10000} {
				long := make([]string, n)
				for i := range long {
					long[i] = "FR"
				}
				_, err := s.Escalate(ctx, escalatingOfficer(), id, EscalateInput{Countries: long, NoPurple: true})
				var ce *core.Error
				if !errors.As(err, &ce) || ce.Code != core.EINVALID || len(ce.Fields) != 1 || ce.Fields[0].Field != "countries" || ce.Fields[0].Code != "too_many" {
					t.Errorf("escalating to a list of %d countries: %v; want one too_many error on countries", n, err)
				}
			}
			if _, err := s.Escalate(ctx, escalatingOfficer(), id, EscalateInput{Countries: []string{"FR", "es", "FR", " FR", "ES"}, NoPurple: true}); err != nil {
				t.Fatal(err)
			}
			cv, err := s.Campaign(ctx, escalatingOfficer(), id)
			if err != nil {
				t.Fatal(err)
			}
			if got := cv.Escalations[0].Countries; !slices.Equal(got, []string{"FR", "ES"}) {
				t.Errorf("the escalation's countries: %v, want [FR ES]", got)
			}
		})
	}
}

// TestSplitRepeatNamesTheEntry: splitting a campaign of three reports
// with [r1, r1, r2] moves two reports, not all three: the refusal is for
// the repeat, naming reports[1], not "would move every report".
func TestSplitRepeatNamesTheEntry(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			const phone = "+212612345205"
			var rcs []*Receipt
			for range 3 {
				rcs = append(rcs, submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}}}))
			}
			id := campaignOf(t, s, rcs[0].Receipt)
			ids := reportIDs(t, s, rcs...)
			_, err := s.Split(ctx, escalatingOfficer(), id, []string{ids[0], ids[0], ids[1]}, "")
			var ce *core.Error
			if !errors.As(err, &ce) || len(ce.Fields) != 1 || ce.Fields[0].Field != "reports[1]" {
				t.Errorf("splitting with a report listed twice: %v; want the refusal to name reports[1]", err)
			}
			// Every report, one of them twice: still every report.
			_, err = s.Split(ctx, escalatingOfficer(), id, []string{ids[0], ids[1], ids[2], ids[0]}, "")
			if !errors.As(err, &ce) || len(ce.Fields) != 1 || ce.Fields[0].Field != "reports" {
				t.Errorf("splitting off every report, one listed twice: %v; want the refusal to name reports", err)
			}
		})
	}
}

// TestEscalateTwoCampaignsAtOnce: a campaign and the one split off it
// carry the same phone; escalated at the same instant, they share it
// once, and neither fails: each escalation locks the posting-list heads
// of the values other campaigns carry before its campaign (intake's
// order), so on PostgreSQL the second waits for the first and then finds
// what it shared. Without the lock, CI's loaded machine made two records
// of the phone.
func TestEscalateTwoCampaignsAtOnce(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for round := range 4 {
				s := newService(t, b)
				ctx := context.Background()
				phone := fmt.Sprintf("+2126123454%02d", round)
				wallet := fmt.Sprintf("0x%040x", 0xbeef00+round)
				a := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}, Wallets: []string{wallet}}})
				b := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}, Wallets: []string{wallet}}})
				submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}}})
				parent := campaignOf(t, s, a.Receipt)
				cv, err := s.Split(ctx, escalatingOfficer(), parent, reportIDs(t, s, a, b), "")
				if err != nil {
					t.Fatal(err)
				}
				start := make(chan struct{})
				errs := make(chan error, 2)
				for _, id := range []string{parent, cv.ID} {
					go func() {
						<-start
						_, err := s.Escalate(ctx, escalatingOfficer(), id, EscalateInput{Countries: []string{"FR"}, NoPurple: true, NoSilver: true})
						errs <- err
					}()
				}
				close(start)
				for range 2 {
					if err := <-errs; err != nil && core.ErrorCode(err) != core.ECONFLICT {
						t.Fatalf("round %d: %v", round, err)
					}
				}
				wantOneRecordEach(t, s, 2)
			}
		})
	}
}
