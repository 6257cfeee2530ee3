package access

import (
	"slices"

	"github.com/manara-hub/manara/internal/core"
)

// AccreditationRights is what a viewer may do with a gathering's
// accreditation list.
type AccreditationRights struct {
	// Unit: v is of the host's security unit (the host bureau, reading
	// records): it imports the list, sees the queue and every attendee.
	// Decide: and it writes (records:write): it clears, confirms and
	// escalates.
	Unit, Decide bool
}

// Accreditation is the one decision on a gathering's accreditation list
// as a whole: only the host's security unit holds it. The system
// (continuous screening) may do everything.
func Accreditation(v core.Viewer, g *core.Gathering) AccreditationRights {
	if g == nil {
		return AccreditationRights{}
	}
	if v.System {
		return AccreditationRights{Unit: true, Decide: true}
	}
	if v.Bureau == "" || v.Bureau != g.Host || !v.Can(core.PermRecordsRead) {
		return AccreditationRights{}
	}
	return AccreditationRights{Unit: true, Decide: v.Can(core.PermRecordsWrite)}
}

// AttendeeSight is how much of an attendee a viewer is shown.
type AttendeeSight int

const (
	// AttendeeHidden: the attendee does not exist for the viewer.
	AttendeeHidden AttendeeSight = iota
	// AttendeeConcerned: the owner of a record the attendee's screening
	// hit: the attendee's identity, status, and the findings on its own
	// records only (no other bureau's findings, no decision, no history).
	AttendeeConcerned
	// AttendeeFull: the host's security unit: everything.
	AttendeeFull
)

// AttendeeDisclosure decides what v sees of a, accredited to g. A
// participant's status never leaves the host's security unit and the
// owners of the records its screening hit (who hear of those hits
// anyway, as of any screening's).
func AttendeeDisclosure(v core.Viewer, g *core.Gathering, a *core.Attendee) AttendeeSight {
	if g == nil || a == nil || a.Gathering != g.ID {
		return AttendeeHidden
	}
	if Accreditation(v, g).Unit {
		return AttendeeFull
	}
	if v.Bureau == "" || !v.Can(core.PermRecordsRead) {
		return AttendeeHidden
	}
	if slices.ContainsFunc(a.Findings, func(f core.AttendeeFinding) bool { return f.Owner == v.Bureau }) {
		return AttendeeConcerned
	}
	return AttendeeHidden
}

// ScreeningUnitViewer is who continuous screening screens as: the host
// bureau's security unit, with the screen permission only, so that what
// a re-screening shows and the hits it makes are decided exactly as for
// the unit's own screenings. It is named in the audit log as the key
// "continuous-screening".
func ScreeningUnitViewer(host string) core.Viewer {
	return core.Viewer{Bureau: host, KeyID: "continuous-screening", Permissions: []string{core.PermScreen}}
}
