// Package access owns the one releasability decision: may this viewer see
// this record? Every path that returns records (get, list, search, export,
// screening, events, statistics, audit views) asks here, and stores filter
// in bulk only with the Visibility this package produces. It must not touch
// storage or HTTP.
package access

import (
	"slices"
	"strings"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// CanSee is the decision. It is deny-by-default: anything it does not
// recognise is refused.
//
//   - The owner bureau sees its own records in every status.
//   - Secretariat reviewers see every record: the General Secretariat checks
//     all data against the rules. Other secretariat roles see only what is
//     released to all members.
//   - Any other bureau sees a record only while it is active, and only if
//     its releasability includes that bureau.
func CanSee(v core.Viewer, r *core.Record) bool {
	if r == nil {
		return false
	}
	return CanSeeEnvelope(v, r.Owner, r.Status, r.Releasability)
}

// CanSeeEnvelope is CanSee for callers that keep only a record's envelope
// (the screening index): the same decision, from the same three facts.
func CanSeeEnvelope(v core.Viewer, owner, status string, rel core.Releasability) bool {
	r := struct {
		Owner, Status string
		Releasability core.Releasability
	}{owner, status, rel}
	if v.System {
		return true
	}
	if !v.Can(core.PermRecordsRead) || v.Bureau == "" {
		return false
	}
	if v.Bureau == r.Owner {
		return true
	}
	if members.IsSecretariat(v.Bureau) {
		if v.Role == core.RoleReviewer {
			return true
		}
		return r.Status == core.StatusActive && r.Releasability.Mode == core.ReleaseAll
	}
	if !members.Valid(v.Bureau) || r.Status != core.StatusActive {
		return false
	}
	return releasedTo(r.Releasability, v.Bureau)
}

func releasedTo(rel core.Releasability, bureau string) bool {
	switch rel.Mode {
	case core.ReleaseAll:
		return true
	case core.ReleaseOnly:
		return slices.Contains(rel.Countries, bureau)
	case core.ReleaseExcept:
		return !slices.Contains(rel.Countries, bureau)
	}
	return false
}

// CanSeeHit decides what a screening shows of a record it hit: the record
// itself if releasable to the caller, who needs the screen permission
// (a border system's key need not read records otherwise); else only
// "possible hit — contact the owner".
func CanSeeHit(v core.Viewer, owner, status string, rel core.Releasability) bool {
	if !v.System && !v.Can(core.PermScreen) {
		return false
	}
	v.Permissions = append(v.Permissions[:len(v.Permissions):len(v.Permissions)], core.PermRecordsRead)
	return CanSeeEnvelope(v, owner, status, rel)
}

// Visibility is CanSee in a form a store can evaluate over many rows. Stores
// must also pass every row they return through CanSee (Filter does that), so
// a mistake in a store's translation can hide records but never leak them.
func Visibility(v core.Viewer) core.Visibility {
	switch {
	case v.System:
		return core.Visibility{SeeAll: true}
	case !v.Can(core.PermRecordsRead) || v.Bureau == "":
		return core.Visibility{Deny: true}
	case members.IsSecretariat(v.Bureau) && v.Role == core.RoleReviewer:
		return core.Visibility{SeeAll: true}
	case members.IsSecretariat(v.Bureau):
		return core.Visibility{Bureau: v.Bureau, OwnerAnyway: true, ActiveOnly: true, AllMembersOnly: true}
	case !members.Valid(v.Bureau):
		return core.Visibility{Deny: true}
	}
	return core.Visibility{Bureau: v.Bureau, OwnerAnyway: true, ActiveOnly: true}
}

// Filter keeps the records v may see, in order.
func Filter(v core.Viewer, rs []*core.Record) []*core.Record {
	out := rs[:0:0]
	for _, r := range rs {
		if CanSee(v, r) {
			out = append(out, r)
		}
	}
	return out
}

// CanChange reports whether v may change or cancel r: only its owner bureau,
// with write permission.
func CanChange(v core.Viewer, r *core.Record) bool {
	if v.System {
		return true
	}
	return r != nil && v.Can(core.PermRecordsWrite) && v.Bureau != "" && v.Bureau == r.Owner
}

// CanReadAudit reports whether v may page through r's audit trail: only
// someone who may see the record, and then its owner bureau (with audit
// or admin permission) or the secretariat's administrators.
func CanReadAudit(v core.Viewer, r *core.Record) bool {
	if v.System {
		return true
	}
	if !CanSee(v, r) {
		return false
	}
	if v.Can(core.PermAdmin) && members.IsSecretariat(v.Bureau) {
		return true
	}
	return v.Bureau == r.Owner && (v.Can(core.PermAuditRead) || v.Can(core.PermAdmin))
}

// CanSeeEvent decides whether v may receive e, an entry of the event
// stream. The viewer's bureau must be addressed (or the event addressed to
// all), and where the event is about a record, rec must be that record and
// CanSee must allow it: an event never tells more than the record would.
// Pass rec as nil when the event names no record. An event of a thread
// is not decided here but by CanSeeThread alone (events.Sight): what may
// read the thread is told of its messages.
func CanSeeEvent(v core.Viewer, e *core.Event, rec *core.Record) bool {
	if e == nil {
		return false
	}
	if v.System {
		return true
	}
	if v.Bureau == "" || !(slices.Contains(e.Audience, v.Bureau) || slices.Contains(e.Audience, core.AudienceAll)) {
		return false
	}
	if e.RecordID == "" {
		return true
	}
	if rec == nil || rec.ID != e.RecordID {
		return false
	}
	// A hit event tells what the screening itself showed: a border
	// system's key that may screen but not read records still hears of
	// the hits its screenings made, under the screening's own decision.
	if strings.HasPrefix(e.Type, "hit.") && CanSeeHit(v, rec.Owner, rec.Status, rec.Releasability) {
		return true
	}
	return CanSee(v, rec)
}

// Disclosure is how much of a hit record a viewer is shown.
type Disclosure int

const (
	// DiscloseNothing: the viewer is neither side of the hit; it does not exist for them.
	DiscloseNothing Disclosure = iota
	// DisclosePossible: "possible hit — contact bureau X", the reference and
	// the searcher's own context; no record id, score or explanation.
	DisclosePossible
	// DiscloseFull: everything, the record's identity included.
	DiscloseFull
)

// ReadsHits reports whether v may be shown anything of its bureau's hits
// (HitDisclosure's first test, for a count that reads no hit): a bureau's
// user or key that screens or reads records.
func ReadsHits(v core.Viewer) bool {
	return v.Bureau != "" && (v.Can(core.PermScreen) || v.Can(core.PermRecordsRead))
}

// HitDisclosure decides what v sees of h, whose record is rec (nil if it
// cannot be read any more). Only the two sides see a hit at all; the owner
// sees everything about its own record; the searcher sees the record's
// identity only while the record is releasable to it, decided now (a
// record restricted since the hit is hidden from then on), and nothing of
// a hit withheld from it (probing).
func HitDisclosure(v core.Viewer, h *core.Hit, rec *core.Record) Disclosure {
	if h == nil {
		return DiscloseNothing
	}
	if v.System {
		return DiscloseFull
	}
	if !ReadsHits(v) || (v.Bureau != h.Owner && v.Bureau != h.Searcher) {
		return DiscloseNothing
	}
	if v.Bureau == h.Owner {
		return DiscloseFull
	}
	if h.Withheld {
		return DiscloseNothing // probing: the searcher was not told of it
	}
	if rec != nil && rec.ID == h.RecordID && (CanSee(v, rec) || CanSeeHit(v, rec.Owner, rec.Status, rec.Releasability)) {
		return DiscloseFull
	}
	return DisclosePossible
}

// HitSide says which side of h v acts for when changing its state: the
// owner's or the searcher's ("" if neither may). A bureau that screened its
// own record holds both sides and acts as the owner. Changing a state takes
// records:write (an officer) or screen (the searching system).
func HitSide(v core.Viewer, h *core.Hit) string {
	if h == nil || v.Bureau == "" || v.System {
		return ""
	}
	if !v.Can(core.PermRecordsWrite) && !v.Can(core.PermScreen) {
		return ""
	}
	switch v.Bureau {
	case h.Owner:
		return "owner"
	case h.Searcher:
		return "searcher"
	}
	return ""
}

// CanSeeThread reports whether v may see t, its messages, its read
// receipts and its events, and post to it. Only participant bureaus do,
// and only while the thread's subject is still theirs to see, decided now
// (as for hits): a thread on a record needs the record (CanSee, for v's
// bureau and role), so a participant the record has since been narrowed
// away from loses the thread; a thread on a hit needs one of its two sides
// (HitDisclosure: a searcher the record is no longer released to keeps the
// "possible hit — contact bureau X" conversation, which names no record).
// h is the thread's hit and rec the record it is about (the hit's record
// on a hit), nil when there is none or it cannot be read.
func CanSeeThread(v core.Viewer, t *core.Thread, h *core.Hit, rec *core.Record) bool {
	if t == nil {
		return false
	}
	if v.System {
		return true
	}
	if v.Bureau == "" || (!v.Can(core.PermRecordsRead) && !v.Can(core.PermScreen)) {
		return false
	}
	if !slices.Contains(t.Participants, v.Bureau) {
		return false
	}
	switch {
	case t.HitID != "":
		return h != nil && h.ID == t.HitID && HitDisclosure(v, h, rec) != DiscloseNothing
	case t.RecordID != "":
		// The bureau's view of the record: a screening key of a
		// participant follows its bureau's conversation, as it was opened.
		bv := v
		bv.Permissions = append(v.Permissions[:len(v.Permissions):len(v.Permissions)], core.PermRecordsRead)
		return rec != nil && rec.ID == t.RecordID && CanSee(bv, rec)
	}
	return true
}

// CanPostMessages reports whether v may open threads and post to those it
// takes part in: officers and supervisors (records:write).
func CanPostMessages(v core.Viewer) bool {
	return !v.System && v.Bureau != "" && v.Can(core.PermRecordsWrite)
}

// CanManageWebhooks reports whether v may register, list and delete the
// webhooks of bureau: its administrators, or a key scoped to webhooks.
func CanManageWebhooks(v core.Viewer, bureau string) bool {
	return !v.System && v.Bureau != "" && v.Bureau == bureau && v.Can(core.PermWebhooks)
}

// BureauViewer is the viewer a bureau's automated receiver (a webhook) is
// decided as: that bureau, reading records and screening results, nothing
// more: its role is none a person or a key holds, so that it is no one's
// triage unit (CanTriageReports) either. Deliveries are filtered through
// events.Sight with it.
func BureauViewer(bureau, id string) core.Viewer {
	return core.Viewer{Bureau: bureau, KeyID: id, Role: receiverRole, Permissions: []string{core.PermRecordsRead, core.PermScreen}}
}

// receiverRole is BureauViewer's role: not among core.Roles, which are
// the only roles auth gives a user or a key.
const receiverRole = "receiver"

// IsReviewer reports whether v reviews notice requests: a user or key of
// the secretariat with the reviewer role.
func IsReviewer(v core.Viewer) bool {
	return !v.System && members.IsSecretariat(v.Bureau) && v.Role == core.RoleReviewer && v.Can(core.PermRecordsRead)
}

// SeesNoticeReview reports whether v may see the review of a notice owned
// by owner (who reviewed it, the decision's reason category and reason,
// the owner's drafts among its versions): its owner bureau and the
// secretariat's reviewers only.
func SeesNoticeReview(v core.Viewer, owner string) bool {
	return v.Bureau == owner || IsReviewer(v)
}

// SeesWhoActed reports whether v may see who created and last changed r
// (its envelope's created_by and updated_by, and who attached a notice's
// files). A notice's envelope is last written by whoever acted on it, its
// reviewer too (the decision publishes it), so for a notice it is the
// review's decision: other bureaus read it, as its versions, without who
// made it. Any other record names its authors to whoever sees it.
func SeesWhoActed(v core.Viewer, r *core.Record) bool {
	return r.Kind != core.KindNotice || SeesNoticeReview(v, r.Owner)
}

// WithActors is r as v may be shown it: without who created and last
// changed it unless SeesWhoActed lets v know. Every path that shows or
// sends a record (the API, a node's copy) passes here, so that the notice
// and its record say the same wherever they are read.
func WithActors(v core.Viewer, r *core.Record) *core.Record {
	if SeesWhoActed(v, r) {
		return r
	}
	c := *r
	c.CreatedBy, c.UpdatedBy = "", ""
	return &c
}

// CanReviewNotice reports whether v may review a notice request owned by
// owner: a secretariat reviewer, and never for a request of the reviewer's
// own bureau (the secretariat's own notices, the INTERPOL–UN Special
// Notices, are published by the UN list import, not reviewed).
func CanReviewNotice(v core.Viewer, owner string) bool {
	return IsReviewer(v) && v.Bureau != owner
}

// IsPublicExtract decides whether a notice may be shown without login, on
// the public notices API: only while its record is active and released to
// all members, and then a Red or Yellow notice whose owner consented, or
// an INTERPOL–UN Security Council Special Notice (always public). A
// diffusion is never public, nor a notice whose owner restricted it to
// the recipients' organisations (no_further_dissemination), whatever
// consent its workflow row holds.
func IsPublicExtract(r *core.Record, noticeType string, diffusion, consent bool) bool {
	if r == nil || r.Kind != core.KindNotice || r.Status != core.StatusActive || r.Releasability.Mode != core.ReleaseAll || diffusion {
		return false
	}
	if slices.Contains(r.Caveats, core.CaveatNoFurtherDissemination) {
		return false
	}
	switch noticeType {
	case "un":
		return members.IsSecretariat(r.Owner)
	case "red", "yellow":
		return consent
	}
	return false
}

// CanTriageReports reports whether v may read the citizen reports and
// campaigns received by bureau: the bureau's analysts, officers and
// supervisors, or one of its keys that reads records. Reports belong to
// the bureau that runs the national platform; no other bureau, and not the
// secretariat, sees them (what crosses borders is what an escalation
// shares, under releasability).
func CanTriageReports(v core.Viewer, bureau string) bool {
	if v.System {
		return true
	}
	if bureau == "" || v.Bureau != bureau || !v.Can(core.PermRecordsRead) {
		return false
	}
	switch v.Role {
	case core.RoleAnalyst, core.RoleOfficer, core.RoleSupervisor:
		return true
	case "":
		return v.KeyID != ""
	}
	return false
}

// CanEscalateReports reports whether v may escalate a campaign of bureau:
// it creates the bureau's records and notice requests, so it takes
// records:write (an officer or supervisor) besides triage.
func CanEscalateReports(v core.Viewer, bureau string) bool {
	return !v.System && CanTriageReports(v, bureau) && v.Can(core.PermRecordsWrite)
}

// CanAdministerAssembly reports whether v runs the General Assembly as
// its secretariat: convenes sessions, sets the agenda, examines
// credentials, opens and closes votes. The secretariat's administrators
// (users or keys with admin) only.
func CanAdministerAssembly(v core.Viewer) bool {
	return !v.System && members.IsSecretariat(v.Bureau) && v.Can(core.PermAdmin)
}

// CanRegisterDelegation reports whether v acts for country's delegation
// to the General Assembly: registers it, puts forward its candidates,
// asks for a vote, takes its ballot token. The member bureau's
// supervisors and administrators only; nobody acts for another country
// (a proxy is held by a delegation, not by a user of the other bureau).
func CanRegisterDelegation(v core.Viewer, country string) bool {
	if v.System || v.Bureau == "" || v.Bureau != country || !members.Valid(country) {
		return false
	}
	return v.Role == core.RoleSupervisor || v.Can(core.PermAdmin)
}

// CanReadAssembly reports whether v may read the General Assembly's
// sessions, agenda, delegations and results: any member bureau or the
// secretariat (the bulletin boards are public without it).
func CanReadAssembly(v core.Viewer) bool {
	return v.System || v.Bureau != ""
}

// CanOperateFederation reports whether v runs this process's federation
// links: issues enrolment tokens, revokes a node's key, reads the peers'
// state. Operator is the bureau that runs the process (the secretariat
// at the hub, the node's own bureau at a national node); only its
// administrators (users or keys with admin) may.
func CanOperateFederation(v core.Viewer, operator string) bool {
	if v.System {
		return true
	}
	return operator != "" && v.Bureau == operator && v.Can(core.PermAdmin)
}

// FederationPeer is the viewer a federation peer is decided as: a node
// (its bureau) reading what is circulated to it, or acting as the owner
// of its own bureau's notices (the hub's review workflow takes its
// requests as it would an officer's). Deliveries to a node are filtered
// through CanSee with it.
func FederationPeer(bureau string) core.Viewer {
	return core.Viewer{Bureau: bureau, KeyID: "federation:" + bureau, Permissions: []string{core.PermRecordsRead, core.PermRecordsWrite}}
}
