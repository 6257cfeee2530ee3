package meetings_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/meetings"
	"github.com/manara-hub/manara/internal/store/storetest"
)

func reasonOf(err error) string {
	if e, ok := err.(*core.Error); ok && len(e.Fields) > 0 {
		return e.Fields[0].Reason
	}
	return ""
}

// TestLanguageCodesAreISO6391: a meeting's languages and an
// interpreter's pairs are ISO 639-1 codes, two letters the language
// registry knows, read in either case: what delegations send ("ar",
// "FR", "zh") is taken; "xx", "english" or a three-letter code is
// refused naming the field, the reason and what is expected.
func TestLanguageCodesAreISO6391(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			host := officer("MA")
			for _, bad := range []string{"xx-fr", "english-fr", "ara-fra", "fr-qa"} {
				in := smallGathering()
				in.Interpreters = []core.Interpreter{{ID: "i1", Pairs: []string{"ar-es", bad}, Hours: 8}}
				_, err := svc.CreateGathering(ctx, host, in)
				if core.ErrorCode(err) != core.EINVALID || fieldOf(err) != "interpreters[0].pairs[1]" || !strings.Contains(reasonOf(err), "ISO 639-1") {
					t.Errorf("interpreter pair %q: %v, want invalid naming interpreters[0].pairs[1] and ISO 639-1", bad, err)
				}
			}
			in := smallGathering()
			in.Interpreters = []core.Interpreter{{ID: "i1", Pairs: []string{"FR-ar", "zh-ru", "en-es"}, Hours: 8}}
			g, err := svc.CreateGathering(ctx, host, in)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(g.Interpreters[0].Pairs, " "); got != "ar-fr ru-zh en-es" {
				t.Errorf("pairs stored as %q", got)
			}
			for _, bad := range []string{"xx", "english", "ara", "f", "q1"} {
				req := request("MA", "Officer Lina Haddad")
				req.Languages = []string{"fr", bad}
				_, err := svc.Request(ctx, officer("FR"), g.ID, req)
				if core.ErrorCode(err) != core.EINVALID || fieldOf(err) != "languages[1]" || !strings.Contains(reasonOf(err), "ISO 639-1") || !strings.Contains(reasonOf(err), `"`+bad+`"`) {
					t.Errorf("language %q: %v, want invalid naming languages[1], ISO 639-1 and the code sent", bad, err)
				}
			}
			for _, good := range [][]string{{"ar", "FR"}, {"zh", "ru"}, {"es", "en"}, {"en"}} {
				req := request("MA", "Officer Lina Haddad")
				req.Languages = good
				if _, err := svc.Request(ctx, officer("FR"), g.ID, req); err != nil {
					t.Errorf("languages %v refused: %v", good, err)
				}
			}
		})
	}
}

// TestRequestAfterTheGatheringEnded: requests are taken before and
// during a gathering (README); once its last slot has ended one is
// refused, saying when it ended, and nothing is written.
func TestRequestAfterTheGatheringEnded(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			svc := newService(st)
			g, err := svc.CreateGathering(ctx, officer("MA"), smallGathering())
			if err != nil {
				t.Fatal(err)
			}
			// smallGathering: 24 November 2025, three 30-minute slots from
			// 09:00 in Casablanca (UTC+1): the last ends at 10:30, 09:30 UTC.
			end := time.Date(2025, 11, 24, 9, 30, 0, 0, time.UTC)
			if got := meetings.Ends(g); !got.Equal(end) {
				t.Fatalf("Ends = %v, want %v", got, end)
			}
			svc.Now = func() time.Time { return end.Add(-time.Minute) }
			if _, err := svc.Request(ctx, officer("FR"), g.ID, request("MA", "Officer Lina Haddad")); err != nil {
				t.Fatalf("a request during the gathering's last slot: %v", err)
			}
			for _, at := range []time.Time{end, end.Add(time.Hour), end.AddDate(1, 0, 0)} {
				svc.Now = func() time.Time { return at }
				_, err := svc.Request(ctx, officer("ES"), g.ID, request("MA", "Commissioner Elena Ruiz"))
				ce, _ := err.(*core.Error)
				if ce == nil || ce.Code != core.ECONFLICT || len(ce.Fields) != 1 || ce.Fields[0].Field != "gathering" || !strings.Contains(ce.Message, "2025-11-24T10:30") {
					t.Errorf("a request at %v: %v, want a conflict at gathering saying it ended 2025-11-24T10:30", at, err)
				}
			}
			_, rs, err := svc.Requests(ctx, officer("MA"), g.ID, "")
			if err != nil || len(rs) != 1 {
				t.Fatalf("%d requests stored, want the one made in time (%v)", len(rs), err)
			}
			var refused int
			st.View(ctx, func(tx core.Tx) error {
				es, _ := tx.AuditEntries(0, 1000)
				for _, e := range es {
					if e.Action == "meeting.request" && e.Outcome == "conflict" && e.Bureau == "ES" {
						refused++
					}
				}
				return nil
			})
			if refused != 3 {
				t.Fatalf("%d late requests audited as refused, want 3", refused)
			}
		})
	}
}
