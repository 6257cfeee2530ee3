package notices

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
)

// What federation hands this package: a notice as it travels between a
// hub and its national nodes (the federation package signs, orders and
// checks who may receive it; this package alone writes notice rows).
// Both run inside the caller's transaction, so that a message is applied
// together with the bookkeeping that says it was.

// FederatedMarker is set in the data of events written for a change that
// arrived from another Manara process, so that they are not sent back.
const FederatedMarker = "federated"

// Snapshot is a notice as it stands, with its record envelope.
type Snapshot struct {
	Record *core.Record `json:"record"`
	Notice *core.Notice `json:"notice"`
}

// SubmitRequestTx takes a notice request a national node submitted into
// the hub's review queue: the record and workflow row as the node made
// them, checked as a local request would be (type, data complete and over
// the thresholds, releasability, caveats), owned by the node's bureau.
// A request already at the hub is replaced only while it is a draft or
// was refused; one under review or decided is a conflict.
func SubmitRequestTx(tx core.Tx, v core.Viewer, in Snapshot, now time.Time) ([]*core.Event, error) {
	r, n := in.Record, in.Notice
	if r == nil || n == nil {
		return nil, core.Invalid(core.FieldError{Field: "payload", Reason: "must hold the notice's record and workflow"})
	}
	if r.ID == "" || r.ID != n.ID || r.Kind != core.KindNotice {
		return nil, core.Invalid(core.FieldError{Field: "payload.record.id", Reason: "must be a notice record whose id is the workflow's"})
	}
	if r.Owner != v.Bureau || !members.Valid(r.Owner) {
		return nil, core.Errorf(core.EFORBIDDEN, "a node submits only its own bureau's requests (%s), not %s's", v.Bureau, r.Owner)
	}
	if n.Diffusion || !slices.Contains(RequestTypes, n.Type) {
		return nil, core.Invalid(core.FieldError{Field: "payload.notice.type", Reason: "must be a notice request of one of " + strings.Join(RequestTypes, ", ")})
	}
	data, err := Validate(n.Type, r.Data, true)
	if err != nil {
		return nil, err
	}
	probe := &core.Record{Owner: r.Owner}
	fs := takeEnvelope(probe, r)
	rel := probe.Releasability
	fs = append(fs, publicExtractErrors(n, probe)...)
	if len(fs) > 0 {
		return nil, core.Invalid(fs...)
	}
	rec := &core.Record{ID: r.ID, Kind: core.KindNotice, Owner: r.Owner, Status: core.StatusPending, Version: 1, Releasability: rel,
		Caveats: probe.Caveats, CaveatText: probe.CaveatText, Data: data, CreatedAt: now, CreatedBy: v.ActorName(), UpdatedAt: now, UpdatedBy: v.ActorName(),
		RetainUntil: now.AddDate(DefaultValidityYears, 0, 0)}
	rec.ReviewDate = rec.RetainUntil
	wf := &core.Notice{ID: r.ID, Type: n.Type, State: core.NoticeSubmitted, PublicExtract: n.PublicExtract, Revision: 1,
		Countries: interest(data, rel, false), SubmittedAt: &now, CreatedAt: now, UpdatedAt: now}
	old, err := tx.GetRecord(r.ID)
	switch {
	case core.ErrorCode(err) == core.ENOTFOUND:
		if err := tx.InsertRecord(rec); err != nil {
			return nil, err
		}
		if err := tx.InsertNotice(wf); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		if old.Owner != r.Owner || old.Kind != core.KindNotice {
			return nil, core.Errorf(core.EFORBIDDEN, "record %s is not %s's notice", r.ID, r.Owner)
		}
		on, err := tx.GetNotice(r.ID)
		if err != nil {
			return nil, err
		}
		if st := State(on, old); st != core.NoticeDraft && st != core.NoticeRefused {
			return nil, core.Errorf(core.ECONFLICT, "the request is already %s at the hub", strings.ReplaceAll(st, "_", " "))
		}
		rec.Version, rec.CreatedAt, rec.CreatedBy = old.Version+1, old.CreatedAt, old.CreatedBy
		wf.Revision, wf.CreatedAt = on.Revision+1, on.CreatedAt
		if err := tx.UpdateRecord(rec); err != nil {
			return nil, err
		}
		if err := tx.UpdateNotice(wf); err != nil {
			return nil, err
		}
	}
	if err := keepVersion(tx, v, wf, rec, "submitted by the national node"); err != nil {
		return nil, err
	}
	return []*core.Event{submitted(wf, rec, now, map[string]any{FederatedMarker: true})}, nil
}

// MirrorTx applies, at a national node, a notice as the hub circulates
// it: the copy is created or brought to the hub's state (data,
// releasability, caveats, status, workflow). With withdrawn set the
// notice no longer reaches this node (cancelled, expired or narrowed
// away): the copy ends, and its data is dropped unless this node's bureau
// owns it. It returns the events to write (marked federated).
func MirrorTx(tx core.Tx, in Snapshot, withdrawn bool, reason string, self string, now time.Time) ([]*core.Event, error) {
	r, n := in.Record, in.Notice
	if r == nil || n == nil || r.ID == "" || r.ID != n.ID || r.Kind != core.KindNotice {
		return nil, core.Invalid(core.FieldError{Field: "payload", Reason: "must hold a notice record and its workflow, with the same id"})
	}
	old, err := tx.GetRecord(r.ID)
	exists := err == nil
	if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		return nil, err
	}
	if exists && old.Owner != r.Owner {
		return nil, core.Errorf(core.ECONFLICT, "record %s is owned by %s here, not %s", r.ID, old.Owner, r.Owner)
	}
	if withdrawn && !exists {
		return nil, nil // never had it: nothing to end
	}
	rec := *r
	wf := *n
	if withdrawn {
		if rec.Status == core.StatusActive || rec.Status == core.StatusPending {
			rec.Status, rec.StatusReason = core.StatusCancelled, reason
			wf.State, wf.EndReason = core.NoticeCancelled, reason
		}
		if rec.Owner != self {
			rec.Data = json.RawMessage(`{}`)
		}
	}
	rec.Version = 1
	if exists {
		rec.Version = old.Version + 1
	}
	var evType string
	switch {
	case withdrawn && rec.Status == core.StatusExpired:
		evType = EventExpired
	case withdrawn || rec.Status == core.StatusCancelled:
		evType = EventCancelled
	case !exists || (old.Status != core.StatusActive && rec.Status == core.StatusActive):
		evType = EventPublished
	default:
		evType = EventUpdated
	}
	if exists {
		if err := tx.UpdateRecord(&rec); err != nil {
			return nil, err
		}
	} else if err := tx.InsertRecord(&rec); err != nil {
		return nil, err
	}
	if _, err := tx.GetNotice(rec.ID); err == nil {
		if err := tx.UpdateNotice(&wf); err != nil {
			return nil, err
		}
	} else if core.ErrorCode(err) == core.ENOTFOUND {
		if err := tx.InsertNotice(&wf); err != nil {
			return nil, err
		}
	} else {
		return nil, err
	}
	extra := map[string]any{FederatedMarker: true}
	if rec.Status == core.StatusActive {
		return []*core.Event{circulating(evType, &wf, &rec, now, extra)}, nil
	}
	e := event(evType, &wf, &rec, now, []string{self}, extra)
	return []*core.Event{e}, nil
}

// CancelTx cancels, at the hub, a notice its owner's national node
// cancelled: v must be allowed to change it (its owner). A notice already
// cancelled is left as it is (the node's message came twice, or crossed
// the hub's own cancellation).
func CancelTx(tx core.Tx, v core.Viewer, id, reason string, now time.Time) ([]*core.Event, error) {
	n, r, err := ownersChange(tx, v, id, reason)
	if err != nil {
		return nil, err
	}
	if State(n, r) == core.NoticeCancelled {
		return nil, nil
	}
	wasCirculating := r.Status == core.StatusActive
	reason = strings.TrimSpace(reason)
	n.State, n.EndReason, n.UpdatedAt = core.NoticeCancelled, reason, now
	r.Status, r.StatusReason = core.StatusCancelled, reason
	r.Version++
	r.UpdatedAt, r.UpdatedBy = now, v.ActorName()
	if err := tx.UpdateRecord(r); err != nil {
		return nil, err
	}
	if err := tx.UpdateNotice(n); err != nil {
		return nil, err
	}
	if wasCirculating {
		return []*core.Event{ended(EventCancelled, n, r, now)}, nil
	}
	return []*core.Event{event(EventCancelled, n, r, now, []string{r.Owner}, map[string]any{"reason": reason})}, nil
}
