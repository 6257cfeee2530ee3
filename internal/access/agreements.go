package access

import (
	"slices"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// CanSeeAgreement is the one decision on agreements, deny-by-default:
//
//   - the system (background jobs) sees everything;
//   - reading takes records:read and a bureau;
//   - the secretariat's reviewers and administrators see every agreement
//     (the General Secretariat keeps the registry);
//   - the bureau that registered it and the bureaus of its parties (a
//     member country's bureau, or the country of a national agency) see
//     it in every state;
//   - any other member bureau (or the secretariat's other roles) sees it
//     only when it is public and no longer a draft.
func CanSeeAgreement(v core.Viewer, a *core.Agreement) bool {
	if a == nil {
		return false
	}
	if v.System {
		return true
	}
	if v.Bureau == "" || !v.Can(core.PermRecordsRead) {
		return false
	}
	if seesAllAgreements(v) || isAgreementParty(v.Bureau, a) {
		return true
	}
	if !members.Valid(v.Bureau) && !members.IsSecretariat(v.Bureau) {
		return false
	}
	return a.Visibility == core.AgreementPublic && a.State != core.AgreementDraft
}

func seesAllAgreements(v core.Viewer) bool {
	return members.IsSecretariat(v.Bureau) && (v.Role == core.RoleReviewer || v.Role == core.RoleAdmin || v.Can(core.PermAdmin))
}

func isAgreementParty(bureau string, a *core.Agreement) bool {
	return bureau == a.Owner || slices.Contains(a.PartyCountries(), bureau)
}

// AgreementScope is CanSeeAgreement for a store to evaluate over many
// rows. Deny is reported as ok false: the caller refuses before asking
// the store. Stores only narrow with it, and callers pass every row
// through CanSeeAgreement again (FilterAgreements).
func AgreementScope(v core.Viewer) (core.AgreementScope, bool) {
	switch {
	case v.System:
		return core.AgreementScope{All: true}, true
	case v.Bureau == "" || !v.Can(core.PermRecordsRead):
		return core.AgreementScope{}, false
	case seesAllAgreements(v):
		return core.AgreementScope{All: true}, true
	case !members.Valid(v.Bureau) && !members.IsSecretariat(v.Bureau):
		return core.AgreementScope{}, false
	}
	return core.AgreementScope{Bureau: v.Bureau}, true
}

// FilterAgreements keeps the agreements v may see, in order.
func FilterAgreements(v core.Viewer, as []*core.Agreement) []*core.Agreement {
	out := as[:0:0]
	for _, a := range as {
		if CanSeeAgreement(v, a) {
			out = append(out, a)
		}
	}
	return out
}

// CanRegisterAgreement reports whether v may register agreements for its
// bureau: officers and supervisors (records:write) of a member bureau or
// of the secretariat.
func CanRegisterAgreement(v core.Viewer) bool {
	if v.System {
		return true
	}
	return v.Bureau != "" && v.Can(core.PermRecordsWrite) && (members.Valid(v.Bureau) || members.IsSecretariat(v.Bureau))
}

// CanChangeAgreement reports whether v may change a, record its status
// changes or attach its documents: only the bureau that registered it,
// with records:write (the data belongs to who entered it; the other
// parties read it and ask).
func CanChangeAgreement(v core.Viewer, a *core.Agreement) bool {
	if v.System {
		return true
	}
	return a != nil && v.Bureau != "" && v.Bureau == a.Owner && v.Can(core.PermRecordsWrite)
}

// AgreementAudience is who hears of a change to a on the event stream:
// every bureau for a public agreement past its draft, else its owner and
// its parties' bureaus only.
func AgreementAudience(a *core.Agreement) []string {
	if a.Visibility == core.AgreementPublic && a.State != core.AgreementDraft {
		return []string{core.AudienceAll}
	}
	out := []string{a.Owner}
	for _, c := range a.PartyCountries() {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
