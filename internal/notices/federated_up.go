package notices

import (
	"slices"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/records"
)

// What the hub applies of an owner's work at its national node, beyond
// requests and cancellations: the changes of a notice in circulation, its
// extension, and the diffusions created at the node. Each is checked as the
// same action at the hub would be (owner only, data, releasability,
// caveats), and its event is not marked federated: the hub circulates the
// result to the nodes as it circulates its own.

// ChangeTx applies at the hub a change the owner made at its node to a
// notice or diffusion in circulation: data, releasability, caveats and
// consent to a public extract, with the owner's reason.
func ChangeTx(tx core.Tx, v core.Viewer, in Snapshot, reason string, now time.Time) ([]*core.Event, error) {
	if in.Record == nil || in.Notice == nil || in.Record.ID == "" || in.Record.ID != in.Notice.ID {
		return nil, core.Invalid(core.FieldError{Field: "payload", Reason: "must hold the notice's record and workflow, with the same id"})
	}
	n, r, err := lockedLoad(tx, v, in.Record.ID)
	if err != nil {
		return nil, err
	}
	if err := ownerOnly(v, r); err != nil {
		return nil, err
	}
	if st := State(n, r); st != core.NoticePublished {
		return nil, core.Errorf(core.ECONFLICT, "the notice is %s at the hub: only a notice in circulation changes through its owner's node", strings.ReplaceAll(st, "_", " "))
	}
	if n.Type == TypeUN {
		return nil, core.Errorf(core.ECONFLICT, "INTERPOL–UN Special Notices change through the UN list import")
	}
	if err := checkReason("reason", reason, true); err != nil {
		return nil, err
	}
	var fs []core.FieldError
	data, err := Validate(n.Type, in.Record.Data, true)
	if err != nil {
		fs = append(fs, err.(*core.Error).Fields...)
	}
	fs = append(fs, takeEnvelope(r, in.Record)...)
	n.PublicExtract = in.Notice.PublicExtract
	fs = append(fs, publicExtractErrors(n, r)...)
	if len(fs) > 0 {
		return nil, core.Invalid(fs...)
	}
	r.Data = data
	n.Countries = interest(r.Data, r.Releasability, n.Diffusion)
	n.Revision++
	reason = strings.TrimSpace(reason)
	if err := writeChange(tx, v, n, r, reason, now); err != nil {
		return nil, err
	}
	return []*core.Event{circulating(EventUpdated, n, r, now, map[string]any{"revision": n.Revision})}, nil
}

// ExtendTx applies at the hub the extension the owner made at its node:
// the notice circulates for another validity period from now.
func ExtendTx(tx core.Tx, v core.Viewer, id, reason string, now time.Time, quotas map[string]Quota) ([]*core.Event, error) {
	n, r, err := ownersChange(tx, v, id, reason)
	if err != nil {
		return nil, err
	}
	if State(n, r) == core.NoticeExpired && !n.Diffusion {
		// Back in circulation, it takes a place in its type's quota again,
		// as an extension at the hub does.
		if err := CheckQuotaTx(tx, quotas, n, r.Owner); err != nil {
			return nil, err
		}
	}
	// versioned before the event is made of the record
	r.Version++
	r.UpdatedAt, r.UpdatedBy, n.UpdatedAt = now, v.ActorName(), now
	evs, err := extend(n, r, reason, now, DefaultValidityYears, " at the hub")
	if err != nil {
		return nil, err
	}
	if err := tx.UpdateRecord(r); err != nil {
		return nil, err
	}
	if err := tx.UpdateNotice(n); err != nil {
		return nil, err
	}
	return evs, nil
}

// ownersChange checks the reason a node gave for a change its owner made
// to notice id, then loads the notice, locked, for v, who must be its owner.
func ownersChange(tx core.Tx, v core.Viewer, id, reason string) (*core.Notice, *core.Record, error) {
	if err := checkReason("reason", reason, true); err != nil {
		return nil, nil, err
	}
	n, r, err := lockedLoad(tx, v, id)
	if err != nil {
		return nil, nil, err
	}
	if err := ownerOnly(v, r); err != nil {
		return nil, nil, err
	}
	return n, r, nil
}

// CreateDiffusionTx takes in at the hub a diffusion its owner created at
// its national node: checked as a diffusion created at the hub (type,
// data, releasability required, caveats), it circulates at once under the
// node's id.
func CreateDiffusionTx(tx core.Tx, v core.Viewer, in Snapshot, now time.Time) ([]*core.Event, error) {
	r, n := in.Record, in.Notice
	if r == nil || n == nil || r.ID == "" || r.ID != n.ID || r.Kind != core.KindNotice {
		return nil, core.Invalid(core.FieldError{Field: "payload", Reason: "must hold the diffusion's record and workflow, with the same id"})
	}
	if r.Owner != v.Bureau || !members.Valid(r.Owner) {
		return nil, core.Errorf(core.EFORBIDDEN, "a node sends only its own bureau's diffusions (%s), not %s's", v.Bureau, r.Owner)
	}
	if !n.Diffusion {
		return nil, core.Invalid(core.FieldError{Field: "payload.notice.diffusion", Reason: "must be true: a notice goes to the hub as a request for review"})
	}
	if !slices.Contains(RequestTypes, n.Type) {
		return nil, core.Invalid(core.FieldError{Field: "payload.notice.type", Reason: "must be one of " + strings.Join(RequestTypes, ", ")})
	}
	var fs []core.FieldError
	data, err := Validate(n.Type, r.Data, true)
	if err != nil {
		fs = append(fs, err.(*core.Error).Fields...)
	}
	if r.Releasability.Mode == "" {
		fs = append(fs, core.FieldError{Field: "releasability", Reason: "is required for a diffusion: the countries it goes to"})
	}
	probe := &core.Record{Owner: r.Owner}
	fs = append(fs, takeEnvelope(probe, r)...)
	rel := probe.Releasability
	if n.PublicExtract {
		fs = append(fs, core.FieldError{Field: "payload.notice.public_extract", Reason: "a diffusion has no public extract"})
	}
	if len(fs) > 0 {
		return nil, core.Invalid(fs...)
	}
	if _, err := tx.GetRecord(r.ID); err == nil {
		return nil, core.Errorf(core.ECONFLICT, "record %s already exists at the hub", r.ID)
	} else if core.ErrorCode(err) != core.ENOTFOUND {
		return nil, err
	}
	expires := now.AddDate(DefaultValidityYears, 0, 0)
	rec := &core.Record{ID: r.ID, Kind: core.KindNotice, Owner: r.Owner, Status: core.StatusActive, Version: 1, Releasability: rel,
		Caveats: probe.Caveats, CaveatText: probe.CaveatText, Data: data, CreatedAt: now, CreatedBy: v.ActorName(), UpdatedAt: now,
		UpdatedBy: v.ActorName(), RetainUntil: expires, ReviewDate: expires}
	wf := &core.Notice{ID: r.ID, Type: n.Type, Diffusion: true, State: core.NoticePublished, Revision: 1, Countries: interest(data, rel, true),
		PublishedAt: &now, ExpiresAt: &expires, CreatedAt: now, UpdatedAt: now}
	if err := tx.InsertRecord(rec); err != nil {
		return nil, err
	}
	if err := tx.InsertNotice(wf); err != nil {
		return nil, err
	}
	if err := keepVersion(tx, v, wf, rec, "created at the national node"); err != nil {
		return nil, err
	}
	return []*core.Event{circulating(EventPublished, wf, rec, now, nil)}, nil
}

// writeChange stores a changed notice with its kept version.
func writeChange(tx core.Tx, v core.Viewer, n *core.Notice, r *core.Record, reason string, now time.Time) error {
	r.Version++
	r.UpdatedAt, r.UpdatedBy, n.UpdatedAt = now, v.ActorName(), now
	if err := tx.UpdateRecord(r); err != nil {
		return err
	}
	if err := tx.UpdateNotice(n); err != nil {
		return err
	}
	return keepVersion(tx, v, n, r, reason)
}

// takeEnvelope checks the releasability and caveats of sent, a record as
// a node sent it, and sets them on r, whose owner they are checked for
// (caveats the node left out are none).
func takeEnvelope(r, sent *core.Record) []core.FieldError {
	rel, fs := records.ValidateReleasability(sent.Releasability, r.Owner)
	r.Releasability = rel
	cav := sent.Caveats
	if cav == nil {
		cav = []string{}
	}
	text := sent.CaveatText
	return append(fs, records.ValidateCaveats(r, cav, &text)...)
}

// ChangeReason is the reason the owner gave for the revision of a notice
// it changed last (for the node to send with the change).
func ChangeReason(tx core.Tx, id string, revision int) (string, error) {
	vs, err := tx.NoticeVersions(id)
	if err != nil {
		return "", err
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Revision == revision {
			return vs[i].Reason, nil
		}
	}
	return "", nil
}
