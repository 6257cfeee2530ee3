// Package notices owns the life cycle of notices and diffusions: requests
// and their type-specific validation, submission, the secretariat's review
// queue and decisions, publication, updates with every version kept,
// cancellation, extension and expiry, quotas, attachments, bureau search
// and the selection of public extracts.
//
// A notice is a record of kind notice (its data, owner, releasability,
// caveats and status live in the record envelope, so the access decision,
// retention and the screening index's change feed apply to it), plus a
// workflow row (state, review, public number) and its kept versions. The
// envelope is StatusPending until publication: the access decision then
// shows it only to its owner and the secretariat's reviewers, and the
// screening index, which holds only active records, never sees it. A
// diffusion is active, and so screenable, from its creation.
//
// Like records.Service, every operation asks access before it returns or
// changes anything, and appends to the audit chain and the event stream in
// the same transaction as the change: writes are all-or-nothing. It knows
// nothing of HTTP and must not decide visibility itself (access does), nor
// touch the screening index (it follows the change feed).
package notices

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/records"
)

// Defaults of the Service's configuration.
const (
	DefaultValidityYears       = 5
	DefaultExpiringWarning     = 30 * 24 * time.Hour
	DefaultMaxAttachmentBytes  = 5 << 20
	DefaultMaxNoticeAttachment = 25 << 20 // all attachments of one notice
	maxDataBytes               = records.MaxDataBytes
	maxReason                  = records.MaxReasonLength
)

// Event types written to the event stream.
const (
	EventSubmitted = "notice.submitted"
	EventDecided   = "notice.decided"
	EventPublished = "notice.published"
	EventUpdated   = "notice.updated"
	EventCancelled = "notice.cancelled"
	EventExpiring  = "notice.expiring"
	EventExpired   = "notice.expired"
)

// Refusal reason categories a reviewer may record. The Article 3 ones
// are requests of a predominantly political, military, religious or
// racial character.
var ReasonCategories = []string{
	"article3_political", "article3_military", "article3_religious", "article3_racial",
	"private_matter", "administrative_matter", "insufficient_data", "threshold_not_met", "other",
}

// Quota limits the notices of one type in circulation or awaiting review
// (submitted, under review, published) at a time. With Participants set,
// only those countries may request the type and each gets an equal share
// of Total (rounded down); without, Total applies to all bureaus together.
type Quota struct {
	Total        int
	Participants []string
}

// DefaultQuotas: the Silver Notice pilot's 500 notices. Set Participants
// to split them equally among the pilot's countries.
func DefaultQuotas() map[string]Quota {
	return map[string]Quota{TypeSilver: {Total: 500}}
}

// Service runs notice operations against a store.
type Service struct {
	Store core.Store
	Now   func() time.Time
	// Changed, if set, is called after every committed change that the
	// screening index must see (publication, update, cancellation…).
	Changed func()
	// ValidityYears is how long a published notice circulates before it
	// expires, unless extended; an extension adds as much from the day.
	ValidityYears int
	// ExpiringWarning is how long before expiry notice.expiring is sent
	// to the owner.
	ExpiringWarning time.Duration
	// Quotas by notice type; a type without an entry is unlimited.
	Quotas map[string]Quota
	// MaxAttachmentBytes bounds one attachment; MaxNoticeAttachments all
	// attachments of one notice together.
	MaxAttachmentBytes   int64
	MaxNoticeAttachments int64
	// AttachmentDir, if set, keeps attachments' bytes in files there,
	// named by their SHA-256, instead of in the store (which then keeps
	// only their description). Every replica must see the same folder.
	AttachmentDir string
	// OrphanGrace is how old a file in AttachmentDir that no attachment
	// names must be before SweepOrphans removes it (DefaultOrphanGrace if
	// not set).
	OrphanGrace time.Duration
}

// New returns a Service over st with the default configuration.
func New(st core.Store) *Service {
	return &Service{Store: st, Now: time.Now, ValidityYears: DefaultValidityYears, ExpiringWarning: DefaultExpiringWarning,
		Quotas: DefaultQuotas(), MaxAttachmentBytes: DefaultMaxAttachmentBytes, MaxNoticeAttachments: DefaultMaxNoticeAttachment}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func (s *Service) changed() {
	if s.Changed != nil {
		s.Changed()
	}
}

func (s *Service) validity() int {
	if s.ValidityYears <= 0 {
		return DefaultValidityYears
	}
	return s.ValidityYears
}

// Input is what a bureau sends to request a notice or send a diffusion.
type Input struct {
	Type          string              `json:"type"`
	Diffusion     bool                `json:"diffusion"`
	Releasability *core.Releasability `json:"releasability"`
	Caveats       []string            `json:"caveats"`
	CaveatText    string              `json:"caveat_text"`
	PublicExtract bool                `json:"public_extract"`
	Data          json.RawMessage     `json:"data"`
}

// UpdateInput changes a notice. Fields left out stay as they are.
type UpdateInput struct {
	Releasability *core.Releasability `json:"releasability"`
	Caveats       []string            `json:"caveats"`
	CaveatText    *string             `json:"caveat_text"`
	PublicExtract *bool               `json:"public_extract"`
	Data          json.RawMessage     `json:"data"`
	Reason        string              `json:"reason"`
	Version       int64               `json:"version"`
}

// Decision is a reviewer's decision on a request.
type Decision struct {
	Decision       string `json:"decision"` // publish or refuse
	ReasonCategory string `json:"reason_category"`
	Reason         string `json:"reason"`
	Version        int64  `json:"version"`
}

// View is a notice as a caller may see it.
type View struct {
	Notice      *core.Notice
	Record      *core.Record
	Attachments []core.Attachment
	// Checks are the automatic review checks, for the owner and reviewers.
	Checks []Check
}

// Check is one automatic review check and its outcome.
type Check struct {
	Name   string            `json:"name"`
	OK     bool              `json:"ok"`
	Errors []core.FieldError `json:"errors,omitempty"`
}

// State is the notice's state as it stands: the envelope's end (a
// cancellation or expiry by the record's own life cycle, as for UN
// notices the import withdraws) wins over the workflow row.
func State(n *core.Notice, r *core.Record) string {
	switch r.Status {
	case core.StatusCancelled:
		return core.NoticeCancelled
	case core.StatusExpired:
		return core.NoticeExpired
	}
	return n.State
}

// redacted is n as v may see it: without the review's details (who
// reviewed, the reason category and reason) unless v is its owner bureau
// or a secretariat reviewer.
func redacted(v core.Viewer, n *core.Notice, owner string) *core.Notice {
	if access.SeesNoticeReview(v, owner) {
		return n
	}
	return WithoutReview(n)
}

// WithoutReview is n without what its review says (who reviewed it, and
// why it was decided so): what only the owner and the secretariat's
// reviewers read, here and at another bureau's national node.
func WithoutReview(n *core.Notice) *core.Notice {
	c := *n
	c.Reviewer, c.ReasonCategory, c.Reason = "", "", ""
	return &c
}

func notFound() error { return core.Errorf(core.ENOTFOUND, "notice not found") }

// refuse records a refused operation in its own transaction (the failed
// one rolled back) and returns err.
func (s *Service) refuse(ctx context.Context, v core.Viewer, action string, err error, ids ...string) error {
	return audit.RefuseOn(ctx, s.Store, v, action, err, ids...)
}

func checkReason(field, reason string, required bool) error {
	reason = strings.TrimSpace(reason)
	if reason == "" && required {
		return core.Invalid(core.FieldError{Field: field, Reason: "is required: say why"})
	}
	if utf8.RuneCountInString(reason) > maxReason {
		return core.Invalid(core.FieldError{Field: field, Reason: fmt.Sprintf("must be at most %d characters", maxReason)})
	}
	return nil
}

func event(typ string, n *core.Notice, r *core.Record, at time.Time, audience []string, extra map[string]any) *core.Event {
	d := map[string]any{"notice_id": n.ID, "type": n.Type, "state": State(n, r), "owner": r.Owner, "diffusion": n.Diffusion}
	if n.EntityID != "" {
		d["entity_id"] = n.EntityID
	}
	for k, x := range extra {
		d[k] = x
	}
	raw, _ := json.Marshal(d)
	return &core.Event{At: at, Type: typ, Subject: n.ID, Audience: audience, Data: raw}
}

// submitted addresses a request for review to its owner and the
// secretariat, with the record named: the request is pending, so the
// access decision lets through the owner and the reviewers, not every
// secretariat viewer (nor the secretariat's webhooks under another role).
func submitted(n *core.Notice, r *core.Record, at time.Time, extra map[string]any) *core.Event {
	e := event(EventSubmitted, n, r, at, []string{r.Owner, members.Secretariat}, extra)
	e.RecordID = r.ID
	return e
}

// circulating addresses an event about a notice in circulation: every
// bureau, with the record named so that the access decision hides it from
// those it is not released to.
func circulating(typ string, n *core.Notice, r *core.Record, at time.Time, extra map[string]any) *core.Event {
	e := event(typ, n, r, at, []string{core.AudienceAll}, extra)
	e.RecordID = r.ID
	return e
}

// ended addresses the end of a notice that circulated: the record is no
// longer active, so the access decision would hide it from all but its
// owner; the audience is instead the bureaus it was released to, and the
// event says only which notice ended.
func ended(typ string, n *core.Notice, r *core.Record, at time.Time) *core.Event {
	var aud []string
	switch r.Releasability.Mode {
	case core.ReleaseAll:
		aud = []string{core.AudienceAll}
	case core.ReleaseOnly:
		aud = append([]string{r.Owner}, r.Releasability.Countries...)
	case core.ReleaseExcept:
		aud = []string{r.Owner}
		for _, c := range members.All() {
			if !slices.Contains(r.Releasability.Countries, c.Alpha2) {
				aud = append(aud, c.Alpha2)
			}
		}
	default:
		aud = []string{r.Owner}
	}
	return event(typ, n, r, at, aud, nil)
}

// Create validates in and stores a draft notice request, or a diffusion,
// which circulates at once.
func (s *Service) Create(ctx context.Context, v core.Viewer, in Input) (*View, error) {
	return s.CreateWith(ctx, v, in, nil)
}

// CreateWith is Create, with then run in the transaction that creates the
// notice (after it is written, before it is audited): a caller that must
// record the new notice elsewhere does so atomically with it, and a
// failure of then creates nothing.
func (s *Service) CreateWith(ctx context.Context, v core.Viewer, in Input, then func(tx core.Tx, n *core.Notice) error) (*View, error) {
	const action = "notice.create"
	if !v.Can(core.PermRecordsWrite) || v.Bureau == "" {
		return nil, s.refuse(ctx, v, action, core.Errorf(core.EFORBIDDEN, "your role does not allow requesting notices"))
	}
	if !members.Valid(v.Bureau) {
		return nil, s.refuse(ctx, v, action, core.Errorf(core.EFORBIDDEN, "notices are requested by a member country's bureau; the secretariat issues INTERPOL–UN Special Notices through the UN list import"))
	}
	now := s.now()
	r := &core.Record{ID: uuid.Must(uuid.NewV7()).String(), Kind: core.KindNotice, Owner: v.Bureau, Status: core.StatusPending, Version: 1,
		CreatedAt: now, CreatedBy: v.ActorName(), UpdatedAt: now, UpdatedBy: v.ActorName(), Caveats: []string{}}
	n := &core.Notice{ID: r.ID, Type: strings.ToLower(strings.TrimSpace(in.Type)), Diffusion: in.Diffusion, State: core.NoticeDraft,
		PublicExtract: in.PublicExtract, Revision: 1, CreatedAt: now, UpdatedAt: now}
	var fs []core.FieldError
	switch {
	case n.Type == TypeUN:
		fs = append(fs, core.FieldError{Field: "type", Reason: "INTERPOL–UN Security Council Special Notices come from the UN list import (manara import un); request one of " + strings.Join(RequestTypes, ", ")})
	case !slices.Contains(RequestTypes, n.Type):
		fs = append(fs, core.FieldError{Field: "type", Reason: "must be one of " + strings.Join(RequestTypes, ", ")})
	default:
		data, err := Validate(n.Type, in.Data, in.Diffusion)
		if err != nil {
			fs = append(fs, err.(*core.Error).Fields...)
		}
		r.Data = data
	}
	rel := core.Releasability{Mode: core.ReleaseAll}
	if in.Releasability != nil {
		var rfs []core.FieldError
		rel, rfs = records.ValidateReleasability(*in.Releasability, v.Bureau)
		fs = append(fs, rfs...)
	} else if in.Diffusion {
		fs = append(fs, core.FieldError{Field: "releasability", Reason: "is required for a diffusion: {\"mode\": \"all\"}, or {\"mode\": \"only\", \"countries\": [...]} for the countries it goes to"})
	}
	r.Releasability = rel
	fs = append(fs, records.ValidateCaveats(r, in.Caveats, &in.CaveatText)...)
	fs = append(fs, publicExtractErrors(n, r)...)
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...))
	}
	r.RetainUntil = now.AddDate(s.validity(), 0, 0)
	r.ReviewDate = r.RetainUntil
	if in.Diffusion {
		r.Status, n.State = core.StatusActive, core.NoticePublished
		n.PublishedAt, n.ExpiresAt = &now, &r.RetainUntil
	}
	n.Countries = interest(r.Data, r.Releasability, n.Diffusion)
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if err := tx.InsertRecord(r); err != nil {
			return err
		}
		if err := tx.InsertNotice(n); err != nil {
			return err
		}
		if err := keepVersion(tx, v, n, r, "created"); err != nil {
			return err
		}
		if in.Diffusion {
			if err := tx.InsertEvent(circulating(EventPublished, n, r, now, nil)); err != nil {
				return err
			}
		}
		if then != nil {
			if err := then(tx, n); err != nil {
				return err
			}
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, r.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err)
	}
	if in.Diffusion {
		s.changed()
	}
	return &View{Notice: n, Record: r}, nil
}

// publicExtractErrors refuses a consent to a public extract that the
// notice's type or envelope (r's releasability and caveats) contradicts.
func publicExtractErrors(n *core.Notice, r *core.Record) []core.FieldError {
	if !n.PublicExtract {
		return nil
	}
	switch {
	case n.Diffusion:
		return []core.FieldError{{Field: "public_extract", Reason: "a diffusion has no public extract"}}
	case n.Type != TypeRed && n.Type != TypeYellow:
		return []core.FieldError{{Field: "public_extract", Reason: "only Red and Yellow notices have public extracts"}}
	case r.Releasability.Mode != core.ReleaseAll:
		return []core.FieldError{{Field: "public_extract", Reason: "a notice restricted to some countries cannot be public: release it to all members or leave public_extract false"}}
	case slices.Contains(r.Caveats, core.CaveatNoFurtherDissemination):
		// Of two contradictory instructions the looser must not win.
		return []core.FieldError{{Field: "public_extract", Reason: "a notice marked " + core.CaveatNoFurtherDissemination + " goes to the recipients' organisations only and cannot be public: remove the caveat or leave public_extract false"}}
	}
	return nil
}

// keepVersion keeps the notice as it now stands (r as of r.UpdatedAt) in
// its version history.
func keepVersion(tx core.Tx, v core.Viewer, n *core.Notice, r *core.Record, reason string) error {
	return tx.InsertNoticeVersion(&core.NoticeVersion{NoticeID: n.ID, Revision: n.Revision, At: r.UpdatedAt, By: v.ActorName(),
		Bureau: v.Bureau, Reason: reason, State: n.State, Releasability: r.Releasability, Data: r.Data})
}

// lockedLoad is load of a notice about to be changed: its workflow row is
// locked first, as the housekeeping job locks it (ExpireDue). The row is
// written back whole, so a change and a pass running together would each
// undo the other's.
func lockedLoad(tx core.Tx, v core.Viewer, id string) (*core.Notice, *core.Record, error) {
	if err := tx.LockNotice(id); err != nil {
		return nil, nil, loadError(err)
	}
	return load(tx, v, id)
}

// load reads a notice and its record in tx, with the access decision: a
// notice v may not see is not found.
func load(tx core.Tx, v core.Viewer, id string) (*core.Notice, *core.Record, error) {
	r, err := tx.GetRecord(id)
	if err != nil {
		return nil, nil, loadError(err)
	}
	if r.Kind != core.KindNotice || !access.CanSee(v, r) {
		return nil, nil, notFound()
	}
	n, err := tx.GetNotice(id)
	if err != nil {
		return nil, nil, loadError(err)
	}
	return n, r, nil
}

// loadError is a read's error as load returns it: a missing record or
// notice is not found, any other failure (the store unavailable…) passes
// through, as records.Get does.
func loadError(err error) error {
	if core.ErrorCode(err) == core.ENOTFOUND {
		return notFound()
	}
	return err
}

// Get returns a notice v may see, with its attachments' descriptions.
func (s *Service) Get(ctx context.Context, v core.Viewer, id string) (*View, error) {
	var out *View
	// Read in a read transaction, so as not to hold the writer (SQLite
	// has one); the audit entry follows, and nothing is returned unless
	// it is written.
	err := s.Store.View(ctx, func(tx core.Tx) error {
		n, r, err := load(tx, v, id)
		if err != nil {
			return err
		}
		as, err := tx.Attachments(id)
		if err != nil {
			return err
		}
		out = &View{Notice: redacted(v, n, r.Owner), Record: r, Attachments: as}
		if v.Bureau == r.Owner || access.IsReviewer(v) {
			out.Checks = s.checks(counter(tx), n, r)
		}
		return nil
	})
	if err == nil {
		err = s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, audit.Entry(v, "notice.read", audit.OK, id)) })
	}
	if err != nil {
		return nil, s.refuse(ctx, v, "notice.read", err, id)
	}
	return out, nil
}

// checks runs the automatic review checks: the type's required data and
// thresholds, and the quota.
func (s *Service) checks(count countFunc, n *core.Notice, r *core.Record) []Check {
	if n.Type == TypeUN {
		return nil
	}
	c := Check{Name: "required_data_and_thresholds", OK: true}
	if _, err := Validate(n.Type, r.Data, true); err != nil {
		c.OK, c.Errors = false, err.(*core.Error).Fields
	}
	out := []Check{c}
	if _, limited := s.Quotas[n.Type]; limited && !n.Diffusion {
		q := Check{Name: "quota", OK: true}
		if err := s.quota(count, n, r.Owner); err != nil {
			q.OK = false
			q.Errors = []core.FieldError{{Field: "type", Reason: core.ErrorMessage(err)}}
		}
		out = append(out, q)
	}
	return out
}

// inCirculation are the states a quota counts.
var inCirculation = []string{core.NoticeSubmitted, core.NoticeUnderReview, core.NoticePublished}

// checkQuota refuses a request that would exceed its type's quota. n is
// counted as stored: once if its stored state is already in circulation.
func (s *Service) checkQuota(tx core.Tx, n *core.Notice, owner string) error {
	return CheckQuotaTx(tx, s.Quotas, n, owner)
}

// CheckQuotaTx checks in tx that n, owner's, fits its type's quota among
// quotas, taking the type's lock first: the hub's check of a node's
// change is the service's own.
func CheckQuotaTx(tx core.Tx, quotas map[string]Quota, n *core.Notice, owner string) error {
	if q, ok := quotas[n.Type]; ok && q.Total > 0 {
		// Two requests submitted at once on PostgreSQL would each count the
		// other out: the lock makes the second wait for the first's commit.
		if err := tx.LockNoticeType(n.Type); err != nil {
			return err
		}
	}
	return quotaOf(quotas, counter(tx), n, owner)
}

// countFunc counts the notices of a type in circulation, of one owner or
// ("") of all.
type countFunc func(typ, owner string) (int, error)

// counter counts in tx.
func counter(tx core.Tx) countFunc {
	return func(typ, owner string) (int, error) { return tx.CountNotices(typ, owner, inCirculation) }
}

// memoCounter counts in tx once per type and owner: the review queue's
// rows share their counts.
func memoCounter(tx core.Tx) countFunc {
	type key struct{ typ, owner string }
	memo := map[key]int{}
	return func(typ, owner string) (int, error) {
		k := key{typ, owner}
		if n, ok := memo[k]; ok {
			return n, nil
		}
		n, err := tx.CountNotices(typ, owner, inCirculation)
		if err != nil {
			return 0, err
		}
		memo[k] = n
		return n, nil
	}
}

// quota is checkQuota without the lock: only reads (the automatic checks
// shown to reviewers), without serialising.
func (s *Service) quota(count countFunc, n *core.Notice, owner string) error {
	return quotaOf(s.Quotas, count, n, owner)
}

func quotaOf(quotas map[string]Quota, count countFunc, n *core.Notice, owner string) error {
	q, ok := quotas[n.Type]
	if !ok || q.Total <= 0 {
		return nil
	}
	counted := 0
	if slices.Contains(inCirculation, n.State) {
		counted = 1
	}
	if len(q.Participants) > 0 {
		if !slices.Contains(q.Participants, owner) {
			return core.Errorf(core.ECONFLICT, "%s notices are limited to the %d countries of the pilot, and %s is not one of them", n.Type, len(q.Participants), owner)
		}
		share := q.Total / len(q.Participants)
		used, err := count(n.Type, owner)
		if err != nil {
			return err
		}
		if used-counted >= share {
			return core.Errorf(core.ECONFLICT, "quota reached: %d %s notices are split equally among %d participating countries, %d each, and %s has %d submitted or published",
				q.Total, n.Type, len(q.Participants), share, owner, used-counted)
		}
		return nil
	}
	used, err := count(n.Type, "")
	if err != nil {
		return err
	}
	if used-counted >= q.Total {
		return core.Errorf(core.ECONFLICT, "quota reached: at most %d %s notices may be submitted or published at a time, and %d are", q.Total, n.Type, used-counted)
	}
	return nil
}

// change runs one version-checked change to a notice in a transaction:
// mutate decides (and may refuse), then the record and workflow row are
// written together with the audit entry and events mutate returns.
func (s *Service) change(ctx context.Context, v core.Viewer, id string, version int64, action string,
	mutate func(tx core.Tx, n *core.Notice, r *core.Record, now time.Time) ([]*core.Event, error)) (*View, error) {
	if version < 0 {
		// 0 is "no version given"; below it is no version at all, and
		// must not pass for 0 and skip the check.
		return nil, s.refuse(ctx, v, action, badVersion(), id)
	}
	var out *View
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		n, r, err := lockedLoad(tx, v, id)
		if err != nil {
			return err
		}
		if version > 0 && r.Version != version {
			return core.Errorf(core.ECONFLICT, "the notice is at version %d, not %d: reload it and apply your change again", r.Version, version)
		}
		now := s.now()
		evs, err := mutate(tx, n, r, now)
		if err != nil {
			return err
		}
		r.Version++
		r.UpdatedAt, r.UpdatedBy = now, v.ActorName()
		n.UpdatedAt = now
		if err := tx.UpdateRecord(r); err != nil {
			return err
		}
		if err := tx.UpdateNotice(n); err != nil {
			return err
		}
		for _, e := range evs {
			if err := tx.InsertEvent(e); err != nil {
				return err
			}
		}
		out = &View{Notice: redacted(v, n, r.Owner), Record: r}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	s.changed()
	return out, nil
}

func badVersion() error {
	return core.Invalid(core.FieldError{Field: "version", Reason: "must be a positive version number"})
}

// entityID gives the next public number of year: YYYY/NNNNN.
func entityID(tx core.Tx, year int) (string, error) {
	num, err := tx.NextEntityNumber(year)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d/%05d", year, num), nil
}

func ownerOnly(v core.Viewer, r *core.Record) error {
	if !access.CanChange(v, r) {
		return core.Errorf(core.EFORBIDDEN, "only the owner bureau (%s) may change this notice; you may comment or ask", r.Owner)
	}
	return nil
}

// Update changes a notice's data, releasability, caveats or consent to a
// public extract, keeping the previous version. A draft or refused request
// is edited (a refused one becomes a draft again); a notice in circulation
// is changed at once, with a reason, and must still meet its rules; a
// request under review cannot change until it is decided.
func (s *Service) Update(ctx context.Context, v core.Viewer, id string, in UpdateInput) (*View, error) {
	if in.Version == 0 {
		return nil, s.refuse(ctx, v, "notice.update", core.Invalid(core.FieldError{Field: "version", Reason: "is required: the version your change is based on"}), id)
	}
	return s.change(ctx, v, id, in.Version, "notice.update", func(tx core.Tx, n *core.Notice, r *core.Record, now time.Time) ([]*core.Event, error) {
		if err := ownerOnly(v, r); err != nil {
			return nil, err
		}
		st := State(n, r)
		switch st {
		case core.NoticeSubmitted, core.NoticeUnderReview:
			return nil, core.Errorf(core.ECONFLICT, "the request is %s: it cannot change until the reviewer decides", strings.ReplaceAll(st, "_", " "))
		case core.NoticeCancelled, core.NoticeExpired:
			return nil, core.Errorf(core.ECONFLICT, "the notice is %s and can no longer be changed", st)
		}
		if n.Type == TypeUN {
			return nil, core.Errorf(core.ECONFLICT, "INTERPOL–UN Special Notices change through the UN list import")
		}
		circulates := st == core.NoticePublished
		if err := checkReason("reason", in.Reason, circulates); err != nil {
			return nil, err
		}
		var fs []core.FieldError
		if in.Data != nil {
			data, err := Validate(n.Type, in.Data, circulates)
			if err != nil {
				fs = append(fs, err.(*core.Error).Fields...)
			} else {
				r.Data = data
			}
		}
		if in.Releasability != nil {
			rel, rfs := records.ValidateReleasability(*in.Releasability, r.Owner)
			fs = append(fs, rfs...)
			r.Releasability = rel
		}
		fs = append(fs, records.ValidateCaveats(r, in.Caveats, in.CaveatText)...)
		if in.PublicExtract != nil {
			n.PublicExtract = *in.PublicExtract
		}
		fs = append(fs, publicExtractErrors(n, r)...)
		if len(fs) > 0 {
			return nil, core.Invalid(fs...)
		}
		reason := strings.TrimSpace(in.Reason)
		if st == core.NoticeRefused {
			n.State = core.NoticeDraft
			n.Decision, n.DecidedAt = "", nil
			if reason == "" {
				reason = "edited after refusal"
			}
		}
		if reason == "" {
			reason = "draft edited"
		}
		n.Countries = interest(r.Data, r.Releasability, n.Diffusion)
		n.Revision++
		r.UpdatedAt = now
		if err := keepVersion(tx, v, n, r, reason); err != nil {
			return nil, err
		}
		extra := map[string]any{"revision": n.Revision, "reason": reason}
		if circulates {
			return []*core.Event{circulating(EventUpdated, n, r, now, map[string]any{"revision": n.Revision})}, nil
		}
		return []*core.Event{event(EventUpdated, n, r, now, []string{r.Owner}, extra)}, nil
	})
}

// Submit sends a draft request to the secretariat's review. It must have
// its type's required data, meet the thresholds and fit the quota.
func (s *Service) Submit(ctx context.Context, v core.Viewer, id string, version int64) (*View, error) {
	return s.change(ctx, v, id, version, "notice.submit", func(tx core.Tx, n *core.Notice, r *core.Record, now time.Time) ([]*core.Event, error) {
		if err := ownerOnly(v, r); err != nil {
			return nil, err
		}
		if st := State(n, r); st != core.NoticeDraft && st != core.NoticeRefused {
			return nil, core.Errorf(core.ECONFLICT, "the notice is %s: only a draft is submitted", strings.ReplaceAll(st, "_", " "))
		}
		if n.Diffusion {
			return nil, core.Errorf(core.ECONFLICT, "a diffusion is not reviewed: turn it into a notice request first (POST .../to-notice)")
		}
		if _, err := Validate(n.Type, r.Data, true); err != nil {
			return nil, err
		}
		if err := s.checkQuota(tx, n, r.Owner); err != nil {
			return nil, err
		}
		n.State = core.NoticeSubmitted
		n.SubmittedAt, n.Reviewer, n.ReviewStarted, n.Decision, n.DecidedAt, n.ReasonCategory, n.Reason = &now, "", nil, "", nil, "", ""
		return []*core.Event{submitted(n, r, now, nil)}, nil
	})
}

// Queue lists the requests awaiting review, oldest submission first, with
// their automatic checks. Only secretariat reviewers may read it.
func (s *Service) Queue(ctx context.Context, v core.Viewer, limit int) ([]*View, error) {
	if !access.IsReviewer(v) {
		return nil, s.refuse(ctx, v, "notice.queue", core.Errorf(core.EFORBIDDEN, "only the secretariat's reviewers work the review queue"))
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var out []*View
	ids := []string{}
	// Read in a read transaction, as List does; the audit entry follows,
	// and nothing is returned unless it is written.
	err := s.Store.View(ctx, func(tx core.Tx) error {
		rows, err := tx.NoticeQueue([]string{core.NoticeSubmitted, core.NoticeUnderReview}, limit)
		if err != nil {
			return err
		}
		count := memoCounter(tx)
		for _, row := range rows {
			if !access.CanSee(v, row.Record) || State(row.Notice, row.Record) != row.Notice.State {
				continue
			}
			out = append(out, &View{Notice: redacted(v, row.Notice, row.Record.Owner), Record: row.Record, Checks: s.checks(count, row.Notice, row.Record)})
			ids = append(ids, row.Notice.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.Store.Update(ctx, func(tx core.Tx) error { return audit.Append(tx, audit.Entry(v, "notice.queue", audit.OK, ids...)) }); err != nil {
		return nil, err
	}
	return out, nil
}

func reviewable(v core.Viewer, r *core.Record) error {
	if !access.IsReviewer(v) {
		return core.Errorf(core.EFORBIDDEN, "only the secretariat's reviewers review notice requests")
	}
	if !access.CanReviewNotice(v, r.Owner) {
		return core.Errorf(core.EFORBIDDEN, "you may not review a request from your own bureau (%s)", r.Owner)
	}
	return nil
}

// StartReview takes a submitted request into review by v.
func (s *Service) StartReview(ctx context.Context, v core.Viewer, id string) (*View, error) {
	return s.change(ctx, v, id, 0, "notice.review", func(tx core.Tx, n *core.Notice, r *core.Record, now time.Time) ([]*core.Event, error) {
		if err := reviewable(v, r); err != nil {
			return nil, err
		}
		switch st := State(n, r); st {
		case core.NoticeSubmitted:
		case core.NoticeUnderReview:
			return nil, core.Errorf(core.ECONFLICT, "the request is already under review by %s", n.Reviewer)
		default:
			return nil, core.Errorf(core.ECONFLICT, "the notice is %s: only a submitted request is reviewed", strings.ReplaceAll(st, "_", " "))
		}
		n.State, n.Reviewer, n.ReviewStarted = core.NoticeUnderReview, v.ActorName(), &now
		return nil, nil
	})
}

// Decide records a reviewer's decision. Publishing needs the automatic
// checks to pass and puts the notice in circulation (and in screening) at
// once, with its public number; refusing needs a reason category and a
// reason. Either way the requester is told, with the reason.
func (s *Service) Decide(ctx context.Context, v core.Viewer, id string, d Decision) (*View, error) {
	var fs []core.FieldError
	switch d.Decision {
	case "publish":
	case "refuse":
		if !slices.Contains(ReasonCategories, d.ReasonCategory) {
			fs = append(fs, core.FieldError{Field: "reason_category", Reason: "is required to refuse: one of " + strings.Join(ReasonCategories, ", ")})
		}
		if err := checkReason("reason", d.Reason, true); err != nil {
			fs = append(fs, err.(*core.Error).Fields...)
		}
	default:
		fs = append(fs, core.FieldError{Field: "decision", Reason: "must be publish or refuse"})
	}
	if d.Decision == "publish" {
		if d.ReasonCategory != "" {
			fs = append(fs, core.FieldError{Field: "reason_category", Reason: "is for refusals only"})
		}
		if err := checkReason("reason", d.Reason, false); err != nil {
			fs = append(fs, err.(*core.Error).Fields...)
		}
	}
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, "notice.decide", core.Invalid(fs...), id)
	}
	return s.change(ctx, v, id, d.Version, "notice.decide", func(tx core.Tx, n *core.Notice, r *core.Record, now time.Time) ([]*core.Event, error) {
		if err := reviewable(v, r); err != nil {
			return nil, err
		}
		switch st := State(n, r); st {
		case core.NoticeSubmitted, core.NoticeUnderReview:
		case core.NoticePublished:
			return nil, core.Errorf(core.ECONFLICT, "the notice is already published (%s)", n.EntityID)
		case core.NoticeRefused:
			return nil, core.Errorf(core.ECONFLICT, "the request was already refused; the owner may change it and submit again")
		default:
			return nil, core.Errorf(core.ECONFLICT, "the notice is %s: only a submitted request is decided", strings.ReplaceAll(st, "_", " "))
		}
		// Deciding a request another reviewer took is allowed (one may
		// step in for another); the notice names who decided.
		if n.ReviewStarted == nil {
			n.ReviewStarted = &now
		}
		n.Reviewer = v.ActorName()
		n.Decision, n.DecidedAt, n.ReasonCategory, n.Reason = d.Decision, &now, d.ReasonCategory, strings.TrimSpace(d.Reason)
		if d.Decision == "refuse" {
			n.State = core.NoticeRefused
			return []*core.Event{event(EventDecided, n, r, now, []string{r.Owner}, map[string]any{"decision": d.Decision,
				"reason_category": d.ReasonCategory, "reason": n.Reason})}, nil
		}
		if _, err := Validate(n.Type, r.Data, true); err != nil {
			e := err.(*core.Error)
			e.Message = "the request does not meet the rules, so it cannot be published: refuse it (insufficient_data or threshold_not_met) with the reason; " + e.Message
			return nil, e
		}
		if err := s.checkQuota(tx, n, r.Owner); err != nil {
			return nil, err
		}
		eid, err := entityID(tx, now.Year())
		if err != nil {
			return nil, err
		}
		expires := now.AddDate(s.validity(), 0, 0)
		n.State, n.EntityID, n.PublishedAt, n.ExpiresAt, n.ExpiringSent = core.NoticePublished, eid, &now, &expires, false
		r.Status, r.StatusReason = core.StatusActive, ""
		r.RetainUntil, r.ReviewDate = expires, expires
		// The data as it goes into circulation is a version of its own:
		// what other bureaus may page through starts here.
		n.Revision++
		r.UpdatedAt = now
		if err := keepVersion(tx, v, n, r, "published"); err != nil {
			return nil, err
		}
		decided := event(EventDecided, n, r, now, []string{r.Owner}, map[string]any{"decision": d.Decision, "reason": n.Reason})
		return []*core.Event{decided, circulating(EventPublished, n, r, now, nil)}, nil
	})
}

// Cancel ends a notice or withdraws a request, for good, with a reason.
// Only its owner may. It leaves screening at once.
func (s *Service) Cancel(ctx context.Context, v core.Viewer, id string, version int64, reason string) (*View, error) {
	if err := checkReason("reason", reason, true); err != nil {
		return nil, s.refuse(ctx, v, "notice.cancel", err, id)
	}
	return s.change(ctx, v, id, version, "notice.cancel", func(tx core.Tx, n *core.Notice, r *core.Record, now time.Time) ([]*core.Event, error) {
		if err := ownerOnly(v, r); err != nil {
			return nil, err
		}
		st := State(n, r)
		if st == core.NoticeCancelled {
			return nil, core.Errorf(core.ECONFLICT, "the notice is already cancelled")
		}
		wasCirculating := r.Status == core.StatusActive
		n.State, n.EndReason = core.NoticeCancelled, strings.TrimSpace(reason)
		r.Status, r.StatusReason = core.StatusCancelled, strings.TrimSpace(reason)
		if wasCirculating {
			return []*core.Event{ended(EventCancelled, n, r, now)}, nil
		}
		return []*core.Event{event(EventCancelled, n, r, now, []string{r.Owner}, map[string]any{"reason": n.EndReason})}, nil
	})
}

// Extend keeps a published (or expired) notice in circulation for another
// validity period from today, with a reason. Only its owner may; an
// expired one must fit its type's quota again.
func (s *Service) Extend(ctx context.Context, v core.Viewer, id string, version int64, reason string) (*View, error) {
	if err := checkReason("reason", reason, true); err != nil {
		return nil, s.refuse(ctx, v, "notice.extend", err, id)
	}
	return s.change(ctx, v, id, version, "notice.extend", func(tx core.Tx, n *core.Notice, r *core.Record, now time.Time) ([]*core.Event, error) {
		if err := ownerOnly(v, r); err != nil {
			return nil, err
		}
		if State(n, r) == core.NoticeExpired && !n.Diffusion {
			// An expired notice left the quota's count: back in
			// circulation, it takes a place again, as a submission does.
			if err := s.checkQuota(tx, n, r.Owner); err != nil {
				return nil, err
			}
		}
		return extend(n, r, reason, now, s.validity(), "")
	})
}

// extend puts a published or expired notice back in circulation for
// validityYears from now; where says, in a refusal, which copy was
// refused (" at the hub" for a node's extension).
func extend(n *core.Notice, r *core.Record, reason string, now time.Time, validityYears int, where string) ([]*core.Event, error) {
	if st := State(n, r); st != core.NoticePublished && st != core.NoticeExpired {
		return nil, core.Errorf(core.ECONFLICT, "the notice is %s%s: only a published or expired notice is extended", strings.ReplaceAll(st, "_", " "), where)
	}
	expires := now.AddDate(validityYears, 0, 0)
	n.State, n.ExpiresAt, n.ExpiringSent, n.EndReason = core.NoticePublished, &expires, false, ""
	r.Status, r.StatusReason, r.RetainUntil, r.ReviewDate = core.StatusActive, "extended: "+strings.TrimSpace(reason), expires, expires
	return []*core.Event{circulating(EventUpdated, n, r, now, map[string]any{"change": "extended", "expires_at": expires})}, nil
}

// ToNotice turns a diffusion into a notice request: a new draft with the
// diffusion's type, data, releasability and caveats, which the owner then
// submits for review. The diffusion goes on circulating until cancelled.
func (s *Service) ToNotice(ctx context.Context, v core.Viewer, id string) (*View, error) {
	var src *View
	err := s.Store.View(ctx, func(tx core.Tx) error {
		n, r, err := load(tx, v, id)
		if err != nil {
			return err
		}
		if err := ownerOnly(v, r); err != nil {
			return err
		}
		if !n.Diffusion {
			return core.Errorf(core.ECONFLICT, "this is already a notice, not a diffusion")
		}
		src = &View{Notice: n, Record: r}
		return nil
	})
	if err != nil {
		return nil, s.refuse(ctx, v, "notice.create", err, id)
	}
	rel := src.Record.Releasability
	text := src.Record.CaveatText
	return s.Create(ctx, v, Input{Type: src.Notice.Type, Releasability: &rel, Caveats: src.Record.Caveats, CaveatText: text, Data: src.Record.Data})
}

// Versions lists every kept version of a notice v may see.
func (s *Service) Versions(ctx context.Context, v core.Viewer, id string) ([]core.NoticeVersion, error) {
	var out []core.NoticeVersion
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		_, r, err := load(tx, v, id)
		if err != nil {
			return err
		}
		out, err = tx.NoticeVersions(id)
		if err != nil {
			return err
		}
		// Another bureau sees the versions as they circulated, and only
		// those that circulated to it (a notice opened to all since may
		// have held, while it went to one country, what that country
		// alone was to read); not the owner's drafts, and not who in the
		// owner bureau made them.
		if !access.SeesNoticeReview(v, r.Owner) {
			out = slices.DeleteFunc(out, func(nv core.NoticeVersion) bool {
				return nv.State != core.NoticePublished || !access.CanSeeEnvelope(v, r.Owner, core.StatusActive, nv.Releasability)
			})
			for i := range out {
				out[i].By = ""
			}
		}
		return audit.Append(tx, audit.Entry(v, "notice.versions", audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, "notice.versions", err, id)
	}
	return out, nil
}

// ExpireDue expires published notices past their expiry (they leave
// screening at once) and tells owners of those expiring within
// ExpiringWarning. It returns how many it expired and warned of.
//
// Every replica runs it, so passes overlap, and with the owner's changes
// too: each notice listed is locked and read again before anything is
// decided, and one whose row has moved on since it was listed (expired or
// warned by another pass, cancelled, extended) is left as it now stands.
func (s *Service) ExpireDue(ctx context.Context) (expired, warned int, err error) {
	sys := core.Viewer{System: true}
	expired, err = s.inBatches(ctx, func(tx core.Tx) (int, int, error) {
		now := s.now()
		rows, err := tx.NoticesDue(now, false, batchSize)
		if err != nil {
			return 0, 0, err
		}
		done := 0
		for _, row := range rows {
			n, r, err := relock(tx, row.Notice.ID)
			if err != nil {
				return 0, 0, err
			}
			// Left alone unless still what NoticesDue lists: expired or
			// ended by another, or extended, since.
			if n == nil || n.State != core.NoticePublished || n.ExpiresAt == nil || !n.ExpiresAt.Before(now) {
				continue
			}
			done++
			if r.Status == core.StatusCancelled {
				// Ended through its record (the UN import withdrew it):
				// bring the workflow in step, nothing to announce.
				n.State, n.EndReason, n.UpdatedAt = core.NoticeCancelled, r.StatusReason, now
				if err := tx.UpdateNotice(n); err != nil {
					return 0, 0, err
				}
				continue
			}
			n.State, n.EndReason, n.UpdatedAt = core.NoticeExpired, "expired at its review date", now
			if r.Status == core.StatusActive {
				r.Status, r.StatusReason = core.StatusExpired, "notice expired at its review date"
				r.Version++
				r.UpdatedAt, r.UpdatedBy = now, "system:notices"
				if err := tx.UpdateRecord(r); err != nil {
					return 0, 0, err
				}
			}
			if err := tx.UpdateNotice(n); err != nil {
				return 0, 0, err
			}
			if err := tx.InsertEvent(ended(EventExpired, n, r, now)); err != nil {
				return 0, 0, err
			}
			if err := audit.Append(tx, audit.Entry(sys, "notice.expire", audit.OK, n.ID)); err != nil {
				return 0, 0, err
			}
		}
		return done, len(rows), nil
	}, s.changed)
	if err != nil {
		return expired, warned, err
	}
	warned, err = s.inBatches(ctx, func(tx core.Tx) (int, int, error) {
		now := s.now()
		until := now.Add(s.ExpiringWarning)
		rows, err := tx.NoticesDue(until, true, batchSize)
		if err != nil {
			return 0, 0, err
		}
		done := 0
		for _, row := range rows {
			n, r, err := relock(tx, row.Notice.ID)
			if err != nil {
				return 0, 0, err
			}
			// Left alone unless still what NoticesDue lists: warned by
			// another pass, ended or extended since.
			if n == nil || n.State != core.NoticePublished || n.ExpiringSent || n.ExpiresAt == nil || !n.ExpiresAt.Before(until) {
				continue
			}
			done++
			n.ExpiringSent, n.UpdatedAt = true, now
			if err := tx.UpdateNotice(n); err != nil {
				return 0, 0, err
			}
			if err := tx.InsertEvent(event(EventExpiring, n, r, now, []string{r.Owner}, map[string]any{"expires_at": n.ExpiresAt})); err != nil {
				return 0, 0, err
			}
		}
		return done, len(rows), nil
	}, nil)
	return expired, warned, err
}

// relock locks a notice's workflow row and reads it and its record again,
// as they stand once no other change of the notice is under way (on
// PostgreSQL, each statement after the lock sees what committed before
// it). A notice no longer there is nil.
func relock(tx core.Tx, id string) (*core.Notice, *core.Record, error) {
	n, r, err := lockedLoad(tx, core.Viewer{System: true}, id)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, nil, nil
	}
	return n, r, err
}

// batchSize is how many rows one transaction of ExpireDue or Adopt takes.
const batchSize = 200

// inBatches runs batch in its own transaction again and again until it
// reads fewer than batchSize rows, and returns how many it did in all
// (those of committed transactions). batch returns how many rows it did
// and how many it read: a row read and left as it stands (another replica
// did it) no longer matches, so the next batch reads past it. after, if
// set, is called after each committed batch that did any.
func (s *Service) inBatches(ctx context.Context, batch func(tx core.Tx) (done, read int, err error), after func()) (int, error) {
	total := 0
	for {
		var done, read int
		err := s.Store.Update(ctx, func(tx core.Tx) error {
			var err error
			done, read, err = batch(tx)
			return err
		})
		if err != nil {
			return total, err
		}
		total += done
		if done > 0 && after != nil {
			after()
		}
		if read < batchSize {
			return total, nil
		}
	}
}

// Adopt gives imported notice records (the UN list import writes
// INTERPOL–UN Special Notices as records of kind notice, published by the
// import without review) their workflow row and public number. It is
// idempotent; call it after imports and at start.
func (s *Service) Adopt(ctx context.Context) (int, error) {
	sys := core.Viewer{System: true}
	return s.inBatches(ctx, func(tx core.Tx) (int, int, error) {
		rs, err := tx.UnadoptedNotices(batchSize)
		if err != nil {
			return 0, 0, err
		}
		for _, r := range rs {
			var d struct {
				NoticeType string `json:"notice_type"`
			}
			json.Unmarshal(r.Data, &d)
			typ := strings.ToLower(d.NoticeType)
			if !ValidType(typ) {
				typ = TypeUN
			}
			n := &core.Notice{ID: r.ID, Type: typ, State: core.NoticePublished, Revision: 1, CreatedAt: r.CreatedAt, UpdatedAt: s.now(),
				Countries: interest(r.Data, r.Releasability, false)}
			switch r.Status {
			case core.StatusCancelled:
				n.State = core.NoticeCancelled
			case core.StatusExpired:
				n.State = core.NoticeExpired
			case core.StatusPending:
				n.State = core.NoticeDraft
			}
			if n.State != core.NoticeDraft {
				if n.EntityID, err = entityID(tx, r.CreatedAt.Year()); err != nil {
					return 0, 0, err
				}
				published, expires := r.CreatedAt, r.RetainUntil
				n.PublishedAt, n.ExpiresAt = &published, &expires
			}
			if err := tx.InsertNotice(n); err != nil {
				return 0, 0, err
			}
			if err := tx.InsertNoticeVersion(&core.NoticeVersion{NoticeID: n.ID, Revision: 1, At: r.UpdatedAt, By: r.UpdatedBy, Bureau: r.Owner,
				Reason: "imported", State: n.State, Releasability: r.Releasability, Data: r.Data}); err != nil {
				return 0, 0, err
			}
			if err := audit.Append(tx, audit.Entry(sys, "notice.adopt", audit.OK, r.ID)); err != nil {
				return 0, 0, err
			}
		}
		return len(rs), len(rs), nil
	}, nil)
}
