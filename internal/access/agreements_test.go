package access

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestAgreementDecision (property): over random agreements and viewers,
//   - a parties-only agreement is seen by no one but its registrant, the
//     bureaus of its parties, the secretariat's reviewers and
//     administrators, and the system; nor is a draft;
//   - the store's scope never hides less than the decision (what the
//     decision allows the scope lets through, and a refused scope means
//     the decision refuses everything);
//   - who may change an agreement may see it;
//   - an event about it reaches only bureaus that may see it.
func TestAgreementDecision(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	bureaus := []string{"MA", "NO", "ET", "FR", "IPSG", "XX", ""}
	roles := core.Roles
	for range 20000 {
		a := &core.Agreement{Owner: bureaus[rng.IntN(4)], Visibility: core.AgreementVisibilities[rng.IntN(2)],
			State: []string{core.AgreementDraft, core.AgreementSigned, core.AgreementInForce, core.AgreementTerminated}[rng.IntN(4)]}
		a.Parties = []core.AgreementParty{{Kind: core.PartyBureau, Country: a.Owner}}
		for _, c := range bureaus[:4] {
			switch rng.IntN(5) {
			case 0:
				a.Parties = append(a.Parties, core.AgreementParty{Kind: core.PartyBureau, Country: c})
			case 1:
				a.Parties = append(a.Parties, core.AgreementParty{Kind: core.PartyAgency, Country: c, Code: "AG"})
			}
		}
		if rng.IntN(2) == 0 {
			a.Parties = append(a.Parties, core.AgreementParty{Kind: core.PartyOrganisation, Code: "IPSG"})
		}
		role := roles[rng.IntN(len(roles))]
		v := core.Viewer{Bureau: bureaus[rng.IntN(len(bureaus))], Role: role, UserID: "u", Permissions: core.RolePermissions(role)}
		if rng.IntN(10) == 0 {
			v.Permissions = nil
		}
		if rng.IntN(50) == 0 {
			v = core.Viewer{System: true}
		}
		sees := CanSeeAgreement(v, a)
		party := v.Bureau != "" && (v.Bureau == a.Owner || slices.Contains(a.PartyCountries(), v.Bureau))
		secretariat := v.Bureau == "IPSG" && (v.Role == core.RoleReviewer || v.Role == core.RoleAdmin)
		if sees && !v.System && !party && !secretariat && (a.Visibility == core.AgreementPartiesOnly || a.State == core.AgreementDraft) {
			t.Fatalf("%+v sees %+v, a %s %s agreement it is no party to", v, a, a.Visibility, a.State)
		}
		if sees && !v.System && !v.Can(core.PermRecordsRead) {
			t.Fatalf("%+v sees without records:read", v)
		}
		scope, ok := AgreementScope(v)
		inScope := ok && (scope.All || (a.Visibility == core.AgreementPublic && a.State != core.AgreementDraft) || a.Owner == scope.Bureau ||
			slices.Contains(a.PartyCountries(), scope.Bureau))
		if sees && !inScope {
			t.Fatalf("the scope %+v (%v) hides what %+v may see: %+v", scope, ok, v, a)
		}
		if CanChangeAgreement(v, a) && !sees {
			t.Fatalf("%+v may change what it may not see: %+v", v, a)
		}
		e := &core.Event{Type: "agreement.updated", Subject: "x", Audience: AgreementAudience(a)}
		if !v.System && v.Can(core.PermRecordsRead) && CanSeeEvent(v, e, nil) && !sees && addressable(v.Bureau) {
			t.Fatalf("%+v hears of %+v (audience %v)", v, a, e.Audience)
		}
	}
}

// addressable reports whether code is a bureau users can belong to (XX is not a member).
func addressable(code string) bool { return code != "XX" && code != "" }
