package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// fictitiousWallets are n distinct made-up Ethereum addresses (all
// lowercase, which the address checksum accepts).
func fictitiousWallets(from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("0x%040x", 0xfeed0000+from+i)
	}
	return out
}

// walletCampaign makes a campaign of reports sharing phone, carrying
// wallets wallets in all (MaxItems a report), and returns its id.
func walletCampaign(t *testing.T, s *Service, phone string, wallets int) string {
	t.Helper()
	var first *Receipt
	for i := 0; i < wallets; i += MaxItems {
		rc := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}, Wallets: fictitiousWallets(i, min(MaxItems, wallets-i))}})
		if first == nil {
			first = rc
		}
	}
	return campaignOf(t, s, first.Receipt)
}

// assetValues are the identifiers of a Silver Notice request's assets.
func assetValues(t *testing.T, nv *notices.View) []string {
	t.Helper()
	var d struct {
		Assets []struct{ Identifiers []struct{ Value string } }
	}
	if err := json.Unmarshal(nv.Record.Data, &d); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range d.Assets {
		for _, id := range a.Identifiers {
			out = append(out, id.Value)
		}
	}
	return out
}

// TestEscalateManyWalletsDraftsEverySilverRequest: a campaign sharing more
// accounts and wallets than a notice's list of assets takes got one Silver
// Notice request listing them all, which the notices service refused; it
// stayed pending, every later escalation retried it first, failed the same
// way and stopped, so the campaign could never share anything again. Its
// assets must be spread over as many requests as needed, all drafted and
// all named on the escalation.
func TestEscalateManyWalletsDraftsEverySilverRequest(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			officer := escalatingOfficer()
			phone := "+212612345091"
			const wallets = 6 * MaxItems
			id := walletCampaign(t, s, phone, wallets)
			out, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}})
			if err != nil {
				t.Fatalf("escalating a campaign of %d wallets: %v", wallets, err)
			}
			parts := (wallets + notices.MaxListEntries - 1) / notices.MaxListEntries
			if len(out.Records) != wallets+1 || len(out.Silver) != parts || len(out.Failed) != 0 {
				t.Fatalf("the escalation: %d records, %d Silver Notice requests, %d failed; want %d, %d, none", len(out.Records), len(out.Silver), len(out.Failed), wallets+1, parts)
			}
			seen := map[string]int{}
			var ids []string
			for i, nv := range out.Silver {
				got := assetValues(t, nv)
				if len(got) == 0 || len(got) > notices.MaxListEntries {
					t.Errorf("Silver Notice request %d lists %d assets, want 1 to %d", i+1, len(got), notices.MaxListEntries)
				}
				for _, v := range got {
					seen[v]++
				}
				if !slices.Equal(nv.Record.Releasability.Countries, []string{"FR"}) || nv.Notice.State != core.NoticeDraft {
					t.Errorf("Silver Notice request %d: %s, released to %v", i+1, nv.Notice.State, nv.Record.Releasability.Countries)
				}
				if want := fmt.Sprintf("(part %d of %d)", i+1, parts); !strings.Contains(string(nv.Record.Data), want) {
					t.Errorf("Silver Notice request %d does not say it is %s", i+1, want)
				}
				ids = append(ids, nv.Notice.ID)
			}
			for _, w := range fictitiousWallets(0, wallets) {
				if seen[w] != 1 {
					t.Errorf("wallet %s is an asset of %d Silver Notice requests, want 1", w, seen[w])
				}
			}
			if got := noticeIDs(t, s, notices.TypeSilver); len(got) != parts {
				t.Errorf("the bureau has %d Silver Notice requests, want %d", len(got), parts)
			}
			cv, err := s.Campaign(ctx, officer, id)
			if err != nil {
				t.Fatal(err)
			}
			if e := cv.Escalations; len(e) != 1 || !slices.Equal(e[0].Silver, ids) || len(e[0].Pending) != 0 || e[0].Drafting != nil {
				t.Fatalf("the escalation stored: silver %v, pending %v; want %v, nothing pending", e[0].Silver, e[0].Pending, ids)
			}

			// Something new joins: a second phone. It is shared, and no
			// Silver Notice request is drafted again.
			submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone, "+212612345092"}}})
			again, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"ES"}})
			if err != nil {
				t.Fatalf("escalating the new phone afterwards: %v", err)
			}
			if len(again.Records) != 1 || again.Already != wallets+1 || len(again.Silver) != 0 || len(again.Completed) != 0 {
				t.Errorf("the later escalation: %d records, %d already, %d Silver, %d completed; want the new phone alone", len(again.Records), again.Already, len(again.Silver), len(again.Completed))
			}
		})
	}
}

// TestEscalateStuckSilverRequestDraftedInParts: a campaign stuck before
// the fix (one Silver Notice request for all its wallets left pending)
// is unstuck by its next escalation, which drafts the request in parts.
func TestEscalateStuckSilverRequestDraftedInParts(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			officer := escalatingOfficer()
			const wallets = 2*notices.MaxListEntries + MaxItems
			id := walletCampaign(t, s, "+212612345094", wallets)
			if _, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}, NoSilver: true}); err != nil {
				t.Fatal(err)
			}
			err := s.Store.Update(ctx, func(tx core.Tx) error {
				c, err := tx.GetCampaign(id)
				if err != nil {
					return err
				}
				c.Escalations[0].Pending = []string{notices.TypeSilver}
				c.Version++
				return tx.UpdateCampaign(c)
			})
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"ES"}})
			if err != nil {
				t.Fatalf("escalating the stuck campaign: %v", err)
			}
			if len(out.Records) != 0 || len(out.Completed) != 1 || len(out.Completed[0].Silver) != 3 {
				t.Fatalf("escalating the stuck campaign: %d records, %d completed, want its 3 Silver Notice requests drafted", len(out.Records), len(out.Completed))
			}
			cv, err := s.Campaign(ctx, officer, id)
			if err != nil {
				t.Fatal(err)
			}
			if e := cv.Escalations[0]; len(e.Silver) != 3 || len(e.Pending) != 0 {
				t.Errorf("the escalation stored: silver %v, pending %v", e.Silver, e.Pending)
			}
		})
	}
}

// TestEscalateRefusedNoticeIsKeptAsFailed: a notice request the notices
// service refuses as invalid would be refused on every retry, so it must
// not stay pending (stopping every later escalation) but be kept on the
// escalation as failed, with why, audited, while the rest is drafted.
func TestEscalateRefusedNoticeIsKeptAsFailed(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			officer := escalatingOfficer()
			phone := "+212612345095"
			const wallets = 2*notices.MaxListEntries + MaxItems
			id := walletCampaign(t, s, phone, wallets)
			var silvers atomic.Int32
			s.noticeHook = func(typ string) error {
				if typ == notices.TypeSilver && silvers.Add(1) == 2 {
					return core.Invalid(core.FieldError{Field: "data.assets", Reason: "must have at most 100 entries", Code: "too_many", Params: []string{"101", "100"}})
				}
				return nil
			}
			out, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"FR"}})
			if err != nil {
				t.Fatalf("escalating while a Silver Notice request is refused: %v", err)
			}
			if out.Purple == nil || len(out.Silver) != 2 || len(out.Failed) != 1 {
				t.Fatalf("the escalation: purple %v, %d Silver, %d failed; want purple, 2 drafted, 1 failed", out.Purple != nil, len(out.Silver), len(out.Failed))
			}
			f := out.Failed[0]
			if f.Type != notices.TypeSilver || f.Part != 2 || f.Parts != 3 || len(f.Fields) != 1 || f.Fields[0].Code != "too_many" || !slices.Equal(f.Fields[0].Params, []string{"101", "100"}) {
				t.Errorf("the failure: %+v, want Silver part 2 of 3 refused as too_many", f)
			}
			cv, err := s.Campaign(ctx, officer, id)
			if err != nil {
				t.Fatal(err)
			}
			e := cv.Escalations[0]
			if len(e.Pending) != 0 || e.Drafting != nil || len(e.Silver) != 2 || len(e.Failed) != 1 || e.Failed[0].Part != 2 || !strings.Contains(e.Failed[0].Reason, "at most 100") {
				t.Errorf("the escalation stored: pending %v, silver %v, failed %+v", e.Pending, e.Silver, e.Failed)
			}
			var audited []core.AuditEntry
			s.Store.View(ctx, func(tx core.Tx) error {
				es, err := tx.AuditEntries(0, 1000)
				for _, a := range es {
					if a.Action == "campaign.escalate.notice_refused" {
						audited = append(audited, a)
					}
				}
				return err
			})
			if len(audited) != 1 || audited[0].Outcome != "invalid" || !slices.Contains(audited[0].RecordIDs, id) || !strings.Contains(audited[0].Query, "silver notice request 2 of 3") {
				t.Errorf("audited refusals: %+v", audited)
			}

			// A later escalation is not stopped by it and does not retry it.
			submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone, "+212612345096"}}})
			again, err := s.Escalate(ctx, officer, id, EscalateInput{Countries: []string{"ES"}})
			if err != nil {
				t.Fatalf("escalating afterwards: %v", err)
			}
			if len(again.Records) != 1 || len(again.Completed) != 0 || silvers.Load() != 3 {
				t.Errorf("escalating afterwards: %d records, %d completed, %d Silver drafts tried; want the new phone alone and no retry", len(again.Records), len(again.Completed), silvers.Load())
			}
		})
	}
}

// TestEscalateFailureNamesFewRecords: the error of a notice request that
// failed after the records listed every record id, some 500 UUIDs: it
// gives their count and a few.
func TestEscalateFailureNamesFewRecords(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			const wallets = 2*notices.MaxListEntries + MaxItems
			id := walletCampaign(t, s, "+212612345097", wallets)
			failOnce(s, notices.TypeSilver)
			_, err := s.Escalate(context.Background(), escalatingOfficer(), id, EscalateInput{Countries: []string{"FR"}})
			if core.ErrorCode(err) != core.EUNAVAILABLE {
				t.Fatalf("escalating while drafting fails: %v", err)
			}
			msg := err.Error()
			for _, want := range []string{fmt.Sprintf("%d indicator records were created", wallets+1), fmt.Sprintf("and %d more", wallets+1-3), "silver: 3 of its 3 requests"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error does not say %q: %s", want, msg)
				}
			}
			if len(msg) > 500 {
				t.Errorf("the error is %d bytes long: %.300s…", len(msg), msg)
			}
		})
	}
}

// TestEscalationReadsSingleSilverNotice: an escalation stored before it
// could have several Silver Notice requests names its one.
func TestEscalationReadsSingleSilverNotice(t *testing.T) {
	var e core.Escalation
	if err := json.Unmarshal([]byte(`{"at":"2026-11-02T10:00:00Z","by":"o","countries":["FR"],"records":["r1"],"purple_notice":"p1","silver_notice":"s1"}`), &e); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(e.Silver, []string{"s1"}) || e.Purple != "p1" || !slices.Equal(e.Records, []string{"r1"}) {
		t.Errorf("read %+v", e)
	}
	b, _ := json.Marshal(e)
	// silver_notice stays beside the list, for version 1's clients.
	if !strings.Contains(string(b), `"silver_notice":"s1"`) || !strings.Contains(string(b), `"silver_notices":["s1"]`) {
		t.Errorf("written again as %s", b)
	}
}

// reportIDs are the ids of the reports of receipts.
func reportIDs(t *testing.T, s *Service, receipts ...*Receipt) []string {
	t.Helper()
	var out []string
	s.Store.View(context.Background(), func(tx core.Tx) error {
		for _, rc := range receipts {
			r, err := tx.GetReportByReceipt(rc.Receipt)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r.ID)
		}
		return nil
	})
	return out
}

// wantOneRecordEach fails unless every value shared has one record.
func wantOneRecordEach(t *testing.T, s *Service, values int) {
	t.Helper()
	got := cyberRecords(t, s)
	if len(got) != values {
		t.Errorf("records of %d values, want %d: %v", len(got), values, got)
	}
	for v, k := range got {
		if k != 1 {
			t.Errorf("%s has %d records, want 1", v, k)
		}
	}
}

// TestEscalateSplitCampaignSharesNothingAgain: reports split off an
// escalated campaign formed a new campaign with no escalations, so
// escalating it made a second record of every value the first escalation
// had shared, and a second Purple Notice request. The bureau shares a
// value once: split, merged on, or escalated in whichever order.
func TestEscalateSplitCampaignSharesNothingAgain(t *testing.T) {
	phone, wallet := "+212612345093", "0x52908400098527886E0F7030069857D2E4169EE7"
	// split makes a campaign of reports with phone and wallet and one
	// with phone alone, and splits the first two off, escalating the
	// campaign first when before.
	split := func(t *testing.T, s *Service, before bool) (parent, child string) {
		t.Helper()
		ctx := context.Background()
		a := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}, Wallets: []string{wallet}}})
		b := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}, Wallets: []string{wallet}}})
		submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{phone}}})
		parent = campaignOf(t, s, a.Receipt)
		if before {
			if _, err := s.Escalate(ctx, escalatingOfficer(), parent, EscalateInput{Countries: []string{"FR"}}); err != nil {
				t.Fatal(err)
			}
		}
		cv, err := s.Split(ctx, escalatingOfficer(), parent, reportIDs(t, s, a, b), "")
		if err != nil {
			t.Fatal(err)
		}
		return parent, cv.ID
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name+"/escalated then split", func(t *testing.T) {
			s := newService(t, b)
			_, child := split(t, s, true)
			_, err := s.Escalate(context.Background(), escalatingOfficer(), child, EscalateInput{Countries: []string{"ES"}})
			wantAlreadyEscalated(t, err, "2")
			wantOneRecordEach(t, s, 2)
			if got := noticeIDs(t, s, notices.TypePurple); len(got) != 1 {
				t.Errorf("Purple Notice requests: %v, want the parent's one", got)
			}
		})
		t.Run(b.Name+"/split then both escalated", func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			parent, child := split(t, s, false)
			out, err := s.Escalate(ctx, escalatingOfficer(), parent, EscalateInput{Countries: []string{"FR"}})
			if err != nil || len(out.Records) != 1 {
				t.Fatalf("escalating the parent after the split: %v", err)
			}
			// The child shares its wallet; the phone, which the parent
			// shared, it leaves out.
			out, err = s.Escalate(ctx, escalatingOfficer(), child, EscalateInput{Countries: []string{"FR"}})
			if err != nil || len(out.Records) != 1 || out.Already != 1 {
				t.Fatalf("escalating the child: %v", err)
			}
			wantOneRecordEach(t, s, 2)
		})
		t.Run(b.Name+"/split, child escalated first", func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			parent, child := split(t, s, false)
			if _, err := s.Escalate(ctx, escalatingOfficer(), child, EscalateInput{Countries: []string{"FR"}}); err != nil {
				t.Fatal(err)
			}
			_, err := s.Escalate(ctx, escalatingOfficer(), parent, EscalateInput{Countries: []string{"FR"}})
			wantAlreadyEscalated(t, err, "1")
			wantOneRecordEach(t, s, 2)
		})
		t.Run(b.Name+"/split off then merged into another", func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			_, child := split(t, s, true)
			// A larger campaign of another phone takes the child in when a
			// report carries the wallet and that phone.
			other := "+212612345098"
			for range 3 {
				submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{other}}})
			}
			rc := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{other}, Wallets: []string{wallet}}})
			target := campaignOf(t, s, rc.Receipt)
			if target == child {
				t.Fatal("the child took the larger campaign in")
			}
			out, err := s.Escalate(ctx, escalatingOfficer(), target, EscalateInput{Countries: []string{"ES"}})
			if err != nil || len(out.Records) != 1 || out.Already != 2 || !strings.Contains(string(out.Records[0].Data), "212612345098") {
				t.Fatalf("escalating the campaign the child merged into: %v", err)
			}
			wantOneRecordEach(t, s, 3)
		})
	}
}
