package assembly_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/manara-hub/manara/internal/assembly"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/store/storetest"
)

// TestProposerByAlpha3: a member bureau proposes a resolution in its own
// country's name, writing the country as alpha-3 ("MAR"), as it may
// everywhere else in the Assembly (delegations, candidacies, proxies,
// tokens, request-vote all take alpha-3): it is its own country, stored
// as alpha-2.
func TestProposerByAlpha3(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			w := newWorld(t, b.Open(t), 1, []string{"MA"}, nil)
			it, err := w.svc.AddItem(ctx, bureau("MA"), w.ses.ID, assembly.ItemInput{Kind: core.ItemResolution, Title: "Resolution on maritime piracy (fictitious)", ProposedBy: "MAR"})
			if err != nil {
				t.Fatalf("Morocco's bureau proposing with proposed_by MAR: %v; want the resolution, proposed by MA", err)
			}
			if it.ProposedBy != "MA" {
				t.Errorf("proposed_by %q, want MA", it.ProposedBy)
			}
		})
	}
}

// TestOnePersonOneDelegationUnicodeForms: "a person is in one delegation
// only (names compared folded)". The same name typed on two machines —
// precomposed (NFC) and decomposed (NFD, as macOS writes it) — is one
// person, refused in a second delegation.
func TestOnePersonOneDelegationUnicodeForms(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			svc := assembly.New(b.Open(t))
			svc.KeyBits = 1024
			ses, err := svc.CreateSession(ctx, secretariat, assembly.SessionInput{Number: 93, Place: "Marrakech", StartsOn: "2025-11-24", EndsOn: "2025-11-27"})
			if err != nil {
				t.Fatal(err)
			}
			nfc := "Zoé Bénard-Itto"             // invented; é precomposed (U+00E9)
			nfd := "Zoe\u0301 Be\u0301nard-Itto" // the same name, e + U+0301
			if _, err := svc.RegisterDelegation(ctx, bureau("FR"), ses.ID, assembly.DelegationInput{Country: "FR", Head: core.Person{Name: nfc}}); err != nil {
				t.Fatal(err)
			}
			_, err = svc.RegisterDelegation(ctx, bureau("BE"), ses.ID, assembly.DelegationInput{Country: "BE", Head: headOf("BE"), Advisers: []core.Person{{Name: nfd}}})
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("the head of France's delegation registered again as Belgium's adviser (same name, decomposed accents): %v; want 422 at advisers[0].name", err)
			}
		})
	}
}

// TestAssemblyLanguageCodesAreISO6391: the agenda's document languages
// and the session's languages are "two-letter ISO 639-1 code such as ar,
// en, es, fr", checked as the meetings package checks them
// (TestLanguageCodesAreISO6391): "12" (digits) is no document's language
// and "xx" (no language) no session's.
func TestAssemblyLanguageCodesAreISO6391(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			w := newWorld(t, b.Open(t), 1, []string{"MA"}, nil)
			_, err := w.svc.AddItem(ctx, secretariat, w.ses.ID, assembly.ItemInput{Kind: core.ItemPlain, Title: "Report of the Secretary General",
				Documents: []core.AgendaDocument{{Lang: "12", Title: "Report", URL: "https://docs.example.org/report-12.pdf"}}})
			if core.ErrorCode(err) != core.EINVALID {
				t.Errorf("document language \"12\": %v; want 422 at documents[0].lang", err)
			}
			_, err = w.svc.CreateSession(ctx, secretariat, assembly.SessionInput{Number: 94, Place: "Lyon", StartsOn: "2026-11-02", EndsOn: "2026-11-05", Languages: []string{"en", "xx"}})
			if core.ErrorCode(err) != core.EINVALID {
				t.Errorf("session language \"xx\": %v; want 422 at languages[1]", err)
			}
		})
	}
}

// TestNoChangeAfterSessionClosed: a closed session takes no new item and
// no new delegation (409), and no more does its record change otherwise:
// no candidacy or withdrawal in its elections, no vote asked for, no
// credentials decided again; each refusal says so and is audited.
func TestNoChangeAfterSessionClosed(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			w := newWorld(t, b.Open(t), 1, []string{"MA", "SN"}, nil)
			el := w.item(assembly.ItemInput{Kind: core.ItemElection, Title: "Delegate for Africa", Position: assembly.PositionDelegate})
			el, err := w.svc.Nominate(ctx, bureau("SN"), el.ID, assembly.CandidateInput{Country: "SN", Name: "Awa Ndiaye-Sarr (fictitious)"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.svc.SetSessionState(ctx, secretariat, w.ses.ID, core.SessionClosed, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := w.svc.AddItem(ctx, secretariat, w.ses.ID, assembly.ItemInput{Kind: core.ItemPlain, Title: "Any other business"}); core.ErrorCode(err) != core.ECONFLICT {
				t.Fatalf("item in a closed session: %v (the session's own rule: 409)", err)
			}
			if _, err := w.svc.Nominate(ctx, bureau("MA"), el.ID, assembly.CandidateInput{Country: "MA", Name: "Youssef Amrani-Lahlou (fictitious)"}); core.ErrorCode(err) != core.ECONFLICT {
				t.Errorf("candidacy in a closed session: %v; want 409", err)
			}
			if _, err := w.svc.Withdraw(ctx, bureau("SN"), el.ID, el.Candidates[0].ID); core.ErrorCode(err) != core.ECONFLICT {
				t.Errorf("withdrawal in a closed session: %v; want 409", err)
			}
			if _, err := w.svc.RequestVote(ctx, bureau("MA"), el.ID, assembly.CountryInput{}); core.ErrorCode(err) != core.ECONFLICT {
				t.Errorf("vote requested in a closed session: %v; want 409", err)
			}
			_, err = w.svc.ExamineCredentials(ctx, secretariat, w.del["SN"].ID, assembly.CredentialsInput{Decision: "reject", Reason: "late objection"})
			if core.ErrorCode(err) != core.ECONFLICT {
				t.Errorf("credentials decided again after the session closed: %v; want 409", err)
			} else if !strings.Contains(err.Error(), "the session is closed") {
				t.Errorf("the refusal does not say the session is closed: %v", err)
			}
			var es []core.AuditEntry
			w.st.View(ctx, func(tx core.Tx) error { es, err = tx.AuditEntries(0, 10000); return err })
			for _, action := range []string{"assembly.candidacy", "assembly.withdrawal", "assembly.vote_request", "assembly.credentials"} {
				if !slices.ContainsFunc(es, func(e core.AuditEntry) bool { return e.Action == action && e.Outcome == audit.Conflict }) {
					t.Errorf("no %s refused as conflict in the audit log", action)
				}
			}
		})
	}
}
