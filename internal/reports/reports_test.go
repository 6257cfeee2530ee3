package reports

import (
	"context"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
	"github.com/manara-hub/manara/internal/store/storetest"
)

var public = core.Viewer{Remote: "192.0.2.1"}

func newService(t *testing.T, b storetest.Backend) *Service {
	st := b.Open(t)
	s := New(st, records.New(st), notices.New(st), "MA")
	s.PoW.Difficulty = 4
	return s
}

func submit(t *testing.T, s *Service, in Input) *Receipt {
	t.Helper()
	c := s.PoW.Issue(time.Now())
	in.PoW = ProofOfWork{Challenge: c.Challenge, Counter: Solve(c.Challenge, c.Difficulty)}
	in.Consent = true
	if in.Category == "" {
		in.Category = "investment_fraud"
	}
	if in.Narrative == "" {
		in.Narrative = "they promised returns"
	}
	rc, err := s.Submit(context.Background(), public, in)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return rc
}

func campaignOf(t *testing.T, s *Service, receipt string) string {
	t.Helper()
	var id string
	s.Store.View(context.Background(), func(tx core.Tx) error {
		r, err := tx.GetReportByReceipt(receipt)
		if err != nil {
			t.Fatal(err)
		}
		id = r.CampaignID
		return nil
	})
	return id
}

func TestCorrelation(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			s.Cap = 3
			a := submit(t, s, Input{Country: "MA", Suspect: core.Suspect{Phones: []string{"0612345678"}}})
			bb := submit(t, s, Input{Narrative: "call +212 612-345678 now", Suspect: core.Suspect{Wallets: []string{"0x52908400098527886E0F7030069857D2E4169EE7"}}})
			if campaignOf(t, s, a.Receipt) != campaignOf(t, s, bb.Receipt) {
				t.Fatal("reports sharing a phone (national and international form) are not one campaign")
			}
			c := submit(t, s, Input{Suspect: core.Suspect{Wallets: []string{"0x52908400098527886e0f7030069857d2e4169ee7"}, Emails: []string{"x@gmail.com"}}})
			d := submit(t, s, Input{Suspect: core.Suspect{Emails: []string{"y@gmail.com"}}, Narrative: "see https://gmail.com"})
			if campaignOf(t, s, c.Receipt) != campaignOf(t, s, a.Receipt) {
				t.Error("the wallet did not link the third report")
			}
			if campaignOf(t, s, d.Receipt) == campaignOf(t, s, a.Receipt) {
				t.Error("a warning-list domain linked reports")
			}
			// Two separate campaigns bridged by one report merge.
			e := submit(t, s, Input{Suspect: core.Suspect{Websites: []string{"https://fake-shop.example/x"}}})
			f := submit(t, s, Input{Suspect: core.Suspect{Websites: []string{"fake-shop.example"}, Phones: []string{"+212612345678"}}})
			if campaignOf(t, s, e.Receipt) != campaignOf(t, s, a.Receipt) || campaignOf(t, s, f.Receipt) != campaignOf(t, s, a.Receipt) {
				t.Error("a bridging report did not merge the campaigns")
			}
			// The phone is now on 4 reports > cap 3: over-common, stops linking.
			g := submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+212612345678"}}})
			if campaignOf(t, s, g.Receipt) == campaignOf(t, s, a.Receipt) {
				t.Error("an over-common value still links")
			}
			if g.Indicators[0].Note != core.IndicatorOverCommon {
				t.Errorf("indicator note = %q, want over_common", g.Indicators[0].Note)
			}
			cv, err := s.Campaign(context.Background(), core.Viewer{System: true}, campaignOf(t, s, a.Receipt))
			if err != nil {
				t.Fatal(err)
			}
			if cv.Reports != 5 || len(cv.ReportList) != 5 {
				t.Errorf("campaign reports = %d (%d listed), want 5", cv.Reports, len(cv.ReportList))
			}
		})
	}
}

func TestBadReports(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			ch := s.PoW.Issue(time.Now())
			pow := ProofOfWork{ch.Challenge, Solve(ch.Challenge, ch.Difficulty)}
			_, err := s.Submit(ctx, public, Input{Consent: true, PoW: pow})
			e, _ := err.(*core.Error)
			if e == nil || e.Code != core.EINVALID || len(e.Fields) != 2 || e.Fields[0].Field != "category" || e.Fields[1].Field != "narrative" {
				t.Fatalf("missing category and narrative: %v", err)
			}
			exe := append([]byte("MZ\x90\x00\x03"), make([]byte, 100)...)
			_, err = s.Submit(ctx, public, Input{Category: "phishing", Narrative: "x", Consent: true, PoW: pow, Attachments: []Attachment{{Name: "shot.png", Content: exe}}})
			if e, _ := err.(*core.Error); e == nil || e.Fields[0].Field != "attachments[0].content" {
				t.Fatalf("exe as png: %v", err)
			}
			rc := submit(t, s, Input{Country: "FR", Suspect: core.Suspect{Emails: []string{"not-an-email"}, Phones: []string{"12"}, Accounts: []string{"FR76 0000"}, Wallets: []string{"0xdeadbeef"}},
				Losses: []core.Loss{{Amount: 100, Currency: "EUR", Method: "transfer", IBAN: "GB82 WEST 1234 5698 7654 32"}}})
			invalid := 0
			for _, ind := range rc.Indicators {
				if !ind.Valid {
					invalid++
					if ind.Reason == "" {
						t.Errorf("%s %q flagged without a reason", ind.Type, ind.Value)
					}
				}
			}
			if invalid != 4 {
				t.Errorf("invalid indicators = %d, want 4: %+v", invalid, rc.Indicators)
			}
			if _, err := s.Follow(ctx, public, rc.Receipt, "wrong"); core.ErrorCode(err) != core.ENOTFOUND {
				t.Errorf("wrong secret: %v", err)
			}
			_, err1 := s.Follow(ctx, public, "R-2026-AAAAAAAA", rc.Secret)
			if core.ErrorMessage(err1) != core.ErrorMessage(errNoReport()) {
				t.Errorf("unknown receipt answers differently: %v", err1)
			}
			f, err := s.Follow(ctx, public, rc.Receipt, rc.Secret)
			if err != nil || f.Status != core.ReportReceived {
				t.Fatalf("follow: %v %+v", err, f)
			}
			// Without JavaScript: the form passes with an old enough
			// challenge, the JSON API never without the work.
			s.PoW.NoScriptDelay = time.Millisecond
			old := s.PoW.Issue(time.Now().Add(-time.Second))
			noJS := Input{Category: "phishing", Narrative: "no script", Consent: true, PoW: ProofOfWork{Challenge: old.Challenge}}
			if _, err := s.Submit(ctx, public, noJS); core.ErrorCode(err) != core.EINVALID {
				t.Errorf("JSON without the work: %v", err)
			}
			if _, err := s.SubmitForm(ctx, public, noJS); err != nil {
				t.Errorf("form without JavaScript: %v", err)
			}
			// A challenge is used once.
			if _, err := s.Submit(ctx, public, Input{Category: "phishing", Narrative: "once", Consent: true, PoW: pow}); err != nil {
				t.Fatal(err)
			}
			_, err = s.Submit(ctx, public, Input{Category: "phishing", Narrative: "again", Consent: true, PoW: pow})
			if core.ErrorCode(err) != core.ECONFLICT {
				t.Errorf("reused challenge: %v", err)
			}
		})
	}
}

// TestConcurrentIntake: reports sharing values, sent at once and in
// crossing orders, end in one campaign with every report counted.
func TestConcurrentIntake(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			const n = 12
			errs := make(chan error, n)
			for i := range n {
				go func() {
					phones := []string{"+212612345678", "+212612345679"}
					if i%2 == 1 {
						phones = []string{phones[1], phones[0]}
					}
					c := s.PoW.Issue(time.Now())
					_, err := s.Submit(context.Background(), public, Input{Category: "romance_scam", Narrative: "same people", Consent: true,
						Suspect: core.Suspect{Phones: phones}, PoW: ProofOfWork{c.Challenge, Solve(c.Challenge, c.Difficulty)}})
					errs <- err
				}()
			}
			for range n {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			cs, err := s.Campaigns(context.Background(), core.Viewer{System: true}, 1, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 || cs[0].Reports != n {
				t.Fatalf("campaigns: %d, first with %d reports; want 1 with %d", len(cs), cs[0].Reports, n)
			}
		})
	}
}

// TestCampaignEditing: merge, split, name and false links, with their
// failure paths.
func TestCampaignEditing(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := newService(t, b)
			ctx := context.Background()
			analyst := core.Viewer{Bureau: "MA", Role: core.RoleAnalyst, UserID: "a", Permissions: core.RolePermissions(core.RoleAnalyst)}
			fr := core.Viewer{Bureau: "FR", Role: core.RoleAnalyst, UserID: "f", Permissions: core.RolePermissions(core.RoleAnalyst)}
			a1 := submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+212612000001"}}, Losses: []core.Loss{{Amount: 10}}})
			a2 := submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+212612000001"}}, Losses: []core.Loss{{Amount: 20}}})
			b1 := submit(t, s, Input{Suspect: core.Suspect{Handles: []string{"@shop_promo"}}})
			b2 := submit(t, s, Input{Suspect: core.Suspect{Handles: []string{"shop_promo"}}})
			ca, cb := campaignOf(t, s, a1.Receipt), campaignOf(t, s, b1.Receipt)
			if ca != campaignOf(t, s, a2.Receipt) || cb != campaignOf(t, s, b2.Receipt) || ca == cb {
				t.Fatal("setup: two campaigns of two reports expected")
			}
			if _, err := s.Merge(ctx, fr, ca, []string{cb}); core.ErrorCode(err) != core.ENOTFOUND {
				t.Errorf("another bureau merges: %v", err)
			}
			if _, err := s.Merge(ctx, analyst, ca, []string{ca}); core.ErrorCode(err) != core.EINVALID {
				t.Errorf("merge into itself: %v", err)
			}
			cv, err := s.Merge(ctx, analyst, ca, []string{cb})
			if err != nil || cv.Reports != 4 || len(cv.ReportList) != 4 || cv.Losses != 30 {
				t.Fatalf("merge: %v %+v", err, cv)
			}
			if _, err := s.Campaign(ctx, analyst, cb); core.ErrorCode(err) != core.ENOTFOUND {
				t.Errorf("a merged campaign still answers: %v", err)
			}
			var ids []string
			for _, r := range cv.ReportList {
				if r.Receipt == b1.Receipt || r.Receipt == b2.Receipt {
					ids = append(ids, r.ID)
				}
			}
			nv, err := s.Split(ctx, analyst, ca, ids, "shop promo")
			if err != nil || nv.Reports != 2 || nv.Name != "shop promo" {
				t.Fatalf("split: %v %+v", err, nv)
			}
			if cv, _ := s.Campaign(ctx, analyst, ca); cv.Reports != 2 || cv.Losses != 30 {
				t.Errorf("after split: %+v", cv.Campaign)
			}
			if _, err := s.Split(ctx, analyst, ca, []string{cv.ReportList[0].ID, cv.ReportList[1].ID}, ""); core.ErrorCode(err) != core.EINVALID {
				t.Errorf("splitting every report off: %v", err)
			}
			if _, err := s.Name(ctx, analyst, ca, ""); core.ErrorCode(err) != core.EINVALID {
				t.Errorf("empty name: %v", err)
			}
			// A false link stops linking.
			var iid string
			for _, ind := range cv.Indicators {
				if ind.Key == "phone:+212612000001" {
					iid = ind.ID
				}
			}
			if _, err := s.FalseLink(ctx, analyst, ca, "0000"); core.ErrorCode(err) != core.ENOTFOUND {
				t.Errorf("unknown indicator: %v", err)
			}
			if _, err := s.FalseLink(ctx, analyst, ca, iid); err != nil {
				t.Fatal(err)
			}
			a3 := submit(t, s, Input{Suspect: core.Suspect{Phones: []string{"+212612000001"}}})
			if campaignOf(t, s, a3.Receipt) == ca || a3.Indicators[0].Note != core.IndicatorFalseLink {
				t.Errorf("a false link still links: %+v", a3.Indicators)
			}
		})
	}
}
