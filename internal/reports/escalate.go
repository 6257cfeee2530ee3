package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/members"
	"github.com/manara-hub/manara/internal/notices"
	"github.com/manara-hub/manara/internal/records"
)

// EscalateInput chooses the countries an escalation shares with.
type EscalateInput struct {
	Countries []string `json:"countries"`
	// NoPurple and NoSilver leave out a notice request.
	NoPurple bool `json:"no_purple"`
	NoSilver bool `json:"no_silver"`
}

// Escalation is what an escalation created.
type Escalation struct {
	Campaign string `json:"campaign"`
	// Records are the indicators shared for the first time; Already
	// counts the campaign's screenable indicators earlier escalations
	// shared (left out: their records stand).
	Records []*core.Record `json:"records"`
	Already int            `json:"already_escalated"`
	// Remaining counts the screenable values past MaxEscalationRecords
	// that this escalation left for the next one.
	Remaining int           `json:"remaining,omitempty"`
	Purple    *notices.View `json:"purple_notice,omitempty"`
	// Silver are the Silver Notice requests drafted: one for each
	// notices.MaxListEntries accounts and wallets.
	Silver []*notices.View `json:"silver_notices,omitempty"`
	// Failed are the notice requests the notices service refused as
	// invalid: kept on the escalation with why, not left pending.
	Failed []core.FailedNotice `json:"failed_notices,omitempty"`
	// PurpleBefore is the Purple Notice request an earlier escalation
	// made, when this one made none for that reason.
	PurpleBefore string `json:"purple_notice_before,omitempty"`
	// Completed are the earlier escalations whose notice requests were
	// left pending (a failure after their records) and that this call
	// drafted before sharing what is new; a call that completes one
	// succeeds even when nothing is new.
	Completed []Completion `json:"completed,omitempty"`
}

// MaxEscalationRecords bounds the records one escalation shares (the
// values most reports carry first), so that one call's transaction and
// answer stay bounded; escalating again shares the next ones.
const MaxEscalationRecords = 1000

// Completion is an earlier escalation, named by its time, author and
// records, with the notice requests drafted for it later.
type Completion struct {
	At      time.Time           `json:"at"`
	By      string              `json:"by"`
	Records []string            `json:"records"`
	Purple  *notices.View       `json:"purple_notice,omitempty"`
	Silver  []*notices.View     `json:"silver_notices,omitempty"`
	Failed  []core.FailedNotice `json:"failed_notices,omitempty"`
}

// draftLease is how long an escalation call holds an escalation's pending
// notice requests: far longer than drafting two takes, short enough that
// an analyst retrying after a crash is not kept waiting long.
const draftLease = 5 * time.Minute

// errNothingNew ends the records' transaction of a call that completed an
// earlier escalation and has nothing new to share: it succeeds.
var errNothingNew = errors.New("nothing new to share")

// Escalate creates, from a campaign, cyber-indicator records released only
// to the chosen countries, a Purple Notice request (the modus operandi)
// and Silver Notice requests (the accounts and wallets as assets, as many
// requests as a notice's list of assets needs), as drafts of the bureau.
//
// A campaign escalated again shares only the indicators no escalation of
// it shared before (the records of those stand: to share them with more
// countries, change their releasability), with a Silver Notice request for
// the new accounts and wallets alone, and no Purple Notice request if an
// earlier escalation made or means to make one; with nothing new it is
// refused. The records are stored in the transaction that writes them into
// the campaign's escalations, with the campaign's row locked, so that two
// escalations of one campaign at once cannot both share a value.
//
// Each notice request is one more transaction (the notices service owns
// its transactions), so the escalation stores with its records which
// notice requests it means to draft (Pending), and clears each once
// drafted. A failure leaves the records created and the rest pending, and
// the error says so; escalating the campaign again first drafts what
// earlier escalations left pending (from their indicators, for their
// countries), and succeeds for that even when nothing is new. A call holds
// the escalations it drafts for (Drafting, taken with the campaign's row
// locked) so that two calls at once draft each request once. A notice
// request the notices service refuses as invalid would be refused again:
// it is kept on the escalation as failed, with why, and audited, instead
// of pending, so that it stops neither this call nor later ones.
func (s *Service) Escalate(ctx context.Context, v core.Viewer, id string, in EscalateInput) (*Escalation, error) {
	const action = "campaign.escalate"
	if !access.CanEscalateReports(v, s.Bureau) {
		return nil, s.refuse(ctx, v, action, core.Errorf(core.EFORBIDDEN, "escalating creates the bureau's records and notice requests: an officer or supervisor of the bureau may"), id)
	}
	var fs []core.FieldError
	var countries []string
	if len(in.Countries) > members.Count() {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "countries",
			Reason: fmt.Sprintf("lists %d countries: there are %d member countries, each to be named once", len(in.Countries), members.Count()),
			Code:   "too_many", Params: []string{strconv.Itoa(len(in.Countries)), strconv.Itoa(members.Count())}}), id)
	}
	for i, c := range in.Countries {
		m, ok := members.Lookup(strings.TrimSpace(c))
		if !ok {
			fs = append(fs, core.FieldError{Field: fmt.Sprintf("countries[%d]", i), Reason: "must be a member country's ISO 3166 code",
				Code: "member_country", Params: []string{clip(strings.TrimSpace(c), 20)}})
			continue
		}
		// A country named twice is shared with once.
		if m.Alpha2 != s.Bureau && !slices.Contains(countries, m.Alpha2) {
			countries = append(countries, m.Alpha2)
		}
	}
	if len(countries) == 0 && len(fs) == 0 {
		fs = append(fs, core.FieldError{Field: "countries", Reason: "choose at least one other country to share with",
			Code: "share_other_country", Params: []string{s.Bureau}})
	}
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...), id)
	}
	out := &Escalation{}
	var err error
	if out.Completed, err = s.completePending(ctx, v, id); err != nil {
		return nil, err
	}
	rel := &core.Releasability{Mode: core.ReleaseOnly, Countries: countries}
	now := s.now()
	token := uuid.NewString()
	esc := core.Escalation{At: now, By: actorID(v), Countries: countries}
	var cv *CampaignView
	recs, err := s.Records.CreateManyWith(ctx, v, func(tx core.Tx) ([]records.Input, error) {
		// A value another campaign carries too may be shared from there at
		// this moment: its posting-list head is locked first (intake's
		// order: values by key, then the campaign), so that an escalation
		// of the other campaign at the same instant waits, and this one
		// then finds what it shared.
		if err := lockCarriedElsewhere(tx, s.Bureau, id); err != nil {
			return nil, err
		}
		// GetCampaign reads the row for update: a second escalation of the
		// campaign waits here for this one's records and sees them.
		c, err := s.loadCampaign(tx, v, id)
		if err != nil {
			return nil, err
		}
		// Every value, read once: the view shows the first of them.
		inds, err := tx.CampaignIndicators(c.ID, -1)
		if err != nil {
			return nil, err
		}
		if cv, err = viewOf(tx, c, inds[:min(len(inds), viewedIndicators)]); err != nil {
			return nil, err
		}
		all := indicatorViews(inds)
		shared, err := escalatedKeys(tx, c)
		if err != nil {
			return nil, err
		}
		if err := sharedElsewhere(tx, c, all, shared); err != nil {
			return nil, err
		}
		var inputs []records.Input
		esc.Indicators, esc.Pending, esc.Drafting, out.Already, out.Remaining, out.PurpleBefore = nil, nil, nil, 0, 0, ""
		purpleBefore := false
		for _, e := range c.Escalations {
			if e.Purple != "" {
				out.PurpleBefore = e.Purple
			}
			purpleBefore = purpleBefore || e.Purple != "" || slices.Contains(e.Pending, notices.TypePurple)
		}
		for _, ind := range all {
			if ind.State != core.IndicatorLinking || !Screenable(ind.Type) {
				continue
			}
			if shared[ind.Key] {
				out.Already++
				continue
			}
			if len(inputs) == MaxEscalationRecords {
				out.Remaining++
				continue
			}
			data, _ := json.Marshal(map[string]any{"type": ind.Type, "value": ind.Value, "campaign": cv.ID, "campaign_name": cv.Name,
				"reports": ind.Reports, "first_seen": cv.FirstSeen, "last_seen": cv.LastSeen, "source": "citizen reports"})
			inputs = append(inputs, records.Input{Kind: core.KindCyberIndicator, Releasability: rel, Data: data})
			esc.Indicators = append(esc.Indicators, ind.Key)
		}
		if len(inputs) == 0 && len(out.Completed) > 0 {
			return nil, errNothingNew
		}
		if len(inputs) == 0 && out.Already > 0 {
			reason := fmt.Sprintf("its %d screenable indicators were all shared by earlier escalations: there is nothing new to share (to share them with more countries, change their records' releasability)", out.Already)
			if out.Already == 1 {
				reason = "its one screenable indicator was shared by an earlier escalation: there is nothing new to share (to share it with more countries, change its record's releasability)"
			}
			return nil, &core.Error{Code: core.ECONFLICT, Message: "campaign: " + reason,
				Fields: []core.FieldError{{Field: "campaign", Reason: reason, Code: "already_escalated", Params: []string{strconv.Itoa(out.Already)}}}}
		}
		if len(inputs) == 0 {
			return nil, core.Invalid(core.FieldError{Field: "campaign", Reason: "the campaign has no screenable indicator to share", Code: "nothing_to_share"})
		}
		if !in.NoPurple && !purpleBefore {
			esc.Pending = append(esc.Pending, notices.TypePurple)
		}
		if !in.NoSilver && len(assetsOf(esc.Indicators, "")) > 0 {
			esc.Pending = append(esc.Pending, notices.TypeSilver)
		}
		if len(esc.Pending) > 0 {
			esc.Drafting = &core.DraftClaim{Token: token, Until: now.Add(draftLease)}
		}
		return inputs, nil
	}, func(tx core.Tx, rs []*core.Record) error {
		esc.Records = make([]string, len(rs))
		for i, r := range rs {
			esc.Records[i] = r.ID
		}
		c := cv.Campaign
		c.Escalations = append(c.Escalations, esc)
		return writeCampaign(tx, c, now, false)
	})
	if errors.Is(err, errNothingNew) {
		recs, err = nil, nil
	} else if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	out.Campaign, out.Records = cv.ID, recs
	if len(esc.Pending) > 0 {
		done, err := s.draftPending(ctx, v, id, cv, esc, token)
		if err != nil {
			return nil, err
		}
		out.Purple, out.Silver, out.Failed = done.Purple, done.Silver, done.Failed
	}
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		data := map[string]any{"campaign": cv.ID, "countries": countries, "records": append([]string{}, esc.Records...), "already_escalated": out.Already, "remaining": out.Remaining,
			"purple_notice": noticeID(out.Purple), "silver_notices": viewIDs(out.Silver)}
		if len(out.Failed) > 0 {
			data["failed_notices"] = out.Failed
		}
		if len(out.Completed) > 0 {
			var done []map[string]any
			for _, d := range out.Completed {
				dd := map[string]any{"at": d.At, "records": d.Records, "purple_notice": noticeID(d.Purple), "silver_notices": viewIDs(d.Silver)}
				if len(d.Failed) > 0 {
					dd["failed_notices"] = d.Failed
				}
				done = append(done, dd)
			}
			data["completed"] = done
		}
		if err := tx.InsertEvent(&core.Event{At: now, Type: EventEscalated, Subject: cv.ID, Audience: []string{cv.Bureau}, Data: mustJSON(data)}); err != nil {
			return err
		}
		subjects := append([]string{cv.ID}, esc.Records...)
		for _, d := range out.Completed {
			subjects = append(append(subjects, noticeID(d.Purple)), viewIDs(d.Silver)...)
		}
		subjects = append(append(subjects, noticeID(out.Purple)), viewIDs(out.Silver)...)
		return audit.Append(tx, audit.Entry(v, action, audit.OK, slices.DeleteFunc(subjects, func(s string) bool { return s == "" })...))
	})
	if err != nil {
		return nil, fmt.Errorf("%w (the escalation's %d indicator records and its notice requests were created)", err, len(esc.Records))
	}
	s.notify()
	return out, nil
}

func noticeID(nv *notices.View) string {
	if nv == nil {
		return ""
	}
	return nv.Notice.ID
}

// viewIDs are the ids of nvs, never nil (an event says "none" as []).
func viewIDs(nvs []*notices.View) []string {
	out := make([]string, len(nvs))
	for i, nv := range nvs {
		out[i] = nv.Notice.ID
	}
	return out
}

// completePending drafts the notice requests earlier escalations of the
// campaign left pending, but for those another call holds.
func (s *Service) completePending(ctx context.Context, v core.Viewer, id string) ([]Completion, error) {
	now := s.now()
	token := uuid.NewString()
	var claimed []core.Escalation
	var cv *CampaignView
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		claimed, cv = nil, nil
		// The row is read for update: of two calls at once, the second
		// sees the first's hold.
		c, err := s.loadCampaign(tx, v, id)
		if err != nil {
			return err
		}
		for i := range c.Escalations {
			e := &c.Escalations[i]
			if len(e.Pending) == 0 || len(e.Records) == 0 || e.Drafting != nil && now.Before(e.Drafting.Until) {
				continue
			}
			e.Drafting = &core.DraftClaim{Token: token, Until: now.Add(draftLease)}
			claimed = append(claimed, *e)
		}
		if len(claimed) == 0 {
			return nil
		}
		if cv, err = view(tx, c); err != nil {
			return err
		}
		return writeCampaign(tx, c, now, false)
	})
	if err != nil {
		return nil, s.refuse(ctx, v, "campaign.escalate", err, id)
	}
	var out []Completion
	for _, e := range claimed {
		done, err := s.draftPending(ctx, v, id, cv, e, token)
		if err != nil {
			return nil, err
		}
		out = append(out, done)
	}
	return out, nil
}

// draftPending drafts e's pending notice requests, which token holds, and
// names each on e as it is drafted. The Purple Notice request is made from
// the campaign as it is now, the Silver ones from e's indicators (a part of
// at most notices.MaxListEntries accounts and wallets each, going on from
// the parts e has); all are released to e's countries. A request the
// notices service refuses as invalid is kept on e as failed and the rest
// go on. On another failure every hold of token is let go, so that the
// next call drafts what is left at once.
func (s *Service) draftPending(ctx context.Context, v core.Viewer, id string, cv *CampaignView, e core.Escalation, token string) (Completion, error) {
	done := Completion{At: e.At, By: e.By, Records: e.Records}
	label := cv.Name
	if label == "" {
		label = "campaign " + cv.ID
	}
	rel := &core.Releasability{Mode: core.ReleaseOnly, Countries: e.Countries}
	assets := slices.Collect(slices.Chunk(assetsOf(e.Indicators, label), notices.MaxListEntries))
	for i, typ := range e.Pending {
		parts, from := 1, 0
		if typ == notices.TypeSilver {
			parts, from = len(assets), silverDone(&e)
		}
		for p := from; p < parts; p++ {
			in := notices.Input{Type: typ, Releasability: rel}
			switch typ {
			case notices.TypePurple:
				in.Data, _ = json.Marshal(map[string]any{"modus_operandi": modusOperandi(cv), "offence": "cybercrime: " + topCategory(cv),
					"summary": clip(fmt.Sprintf("%s: %d citizen reports, %s lost, %s to %s", label, cv.Reports, moneyText(cv.LossTotals), cv.FirstSeen.Format("2006-01-02"), cv.LastSeen.Format("2006-01-02")), 500),
					"devices": deviceList(cv)})
			case notices.TypeSilver:
				summary := clip("accounts and wallets reported by victims of "+label, 500)
				if parts > 1 {
					// The part is said even when the label fills the summary.
					summary = clip(summary, 470) + fmt.Sprintf(" (part %d of %d)", p+1, parts)
				}
				in.Data, _ = json.Marshal(map[string]any{"assets": assets[p], "summary": summary})
			}
			var nv *notices.View
			var err error
			if s.noticeHook != nil {
				err = s.noticeHook(typ)
			}
			if err == nil {
				// The request is named on the escalation in the transaction
				// that creates it: no draft is ever left unnamed.
				nv, err = s.Notices.CreateWith(ctx, v, in, func(tx core.Tx, n *core.Notice) error {
					return s.drafted(tx, id, e.Records[0], typ, p, parts, n.ID)
				})
			}
			if core.ErrorCode(err) == core.EINVALID {
				var f core.FailedNotice
				if f, err = s.refused(ctx, v, id, e.Records[0], typ, p, parts, err); err == nil {
					done.Failed = append(done.Failed, f)
					continue
				}
			}
			if err != nil {
				s.letGo(ctx, id, token)
				return done, fmt.Errorf("%w (the escalation's %d indicator records were created: %s; its notice requests not drafted (%s) are pending on the campaign: escalate the campaign again to draft them)",
					err, len(e.Records), idsText(e.Records), pendingText(e.Pending[i:], parts-p, len(assets)))
			}
			if typ == notices.TypePurple {
				done.Purple = nv
			} else {
				done.Silver = append(done.Silver, nv)
			}
		}
	}
	return done, nil
}

// idsText names records in an error by their first few ids: an
// escalation may have made hundreds, which the campaign lists.
func idsText(ids []string) string {
	const shown = 3
	if len(ids) <= shown {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more (listed on the campaign)", strings.Join(ids[:shown], ", "), len(ids)-shown)
}

// pendingText says which notice requests are left: pending, of which the
// first has left parts to go, and a Silver one silverParts in all.
func pendingText(pending []string, left, silverParts int) string {
	out := make([]string, len(pending))
	for i, typ := range pending {
		out[i] = typ
		if typ != notices.TypeSilver || silverParts <= 1 {
			continue
		}
		if i > 0 {
			left = silverParts
		}
		out[i] = fmt.Sprintf("silver: %d of its %d requests", left, silverParts)
	}
	return strings.Join(out, ", ")
}

// silverDone counts the parts of e's Silver Notice requests dealt with:
// drafted or refused.
func silverDone(e *core.Escalation) int {
	n := len(e.Silver)
	for _, f := range e.Failed {
		if f.Type == notices.TypeSilver {
			n++
		}
	}
	return n
}

// nextPart checks that part of e's notice request typ is still the one to
// deal with: only after a call's hold lapsed could another have dealt
// with it, and that call's draft or refusal is then not kept.
func nextPart(e *core.Escalation, typ string, part int) error {
	if !slices.Contains(e.Pending, typ) || typ == notices.TypeSilver && silverDone(e) != part {
		return core.Errorf(core.ECONFLICT, "the escalation's %s Notice request was drafted by another call while this one took longer than %v", typ, draftLease)
	}
	return nil
}

// settle clears typ from e's pending notice requests once all its parts
// (of parts) are dealt with.
func settle(e *core.Escalation, typ string, parts int) {
	if typ == notices.TypeSilver && silverDone(e) < parts {
		return
	}
	e.Pending = slices.DeleteFunc(slices.Clone(e.Pending), func(p string) bool { return p == typ })
	if len(e.Pending) == 0 {
		e.Pending, e.Drafting = nil, nil
	}
}

// drafted names notice request nid, part part of parts of type typ, on the
// escalation whose first record is first, and clears it from its pending
// ones, in the transaction creating the request.
func (s *Service) drafted(tx core.Tx, id, first, typ string, part, parts int, nid string) error {
	c, e, err := escalationOf(tx, id, first)
	if err != nil {
		return err
	}
	if err := nextPart(e, typ, part); err != nil {
		return err
	}
	if typ == notices.TypePurple {
		e.Purple = nid
	} else {
		e.Silver = append(e.Silver, nid)
	}
	settle(e, typ, parts)
	return writeCampaign(tx, c, s.now(), false)
}

// refused keeps notice request typ (part part of parts), which the
// notices service refused with cause, on the escalation whose first record
// is first as failed, clears it from its pending ones and audits it.
func (s *Service) refused(ctx context.Context, v core.Viewer, id, first, typ string, part, parts int, cause error) (core.FailedNotice, error) {
	f := core.FailedNotice{Type: typ, At: s.now(), Reason: clip(cause.Error(), 500)}
	what := typ + " notice request"
	if typ == notices.TypeSilver && parts > 1 {
		f.Part, f.Parts = part+1, parts
		what = fmt.Sprintf("silver notice request %d of %d", part+1, parts)
	}
	var ce *core.Error
	if errors.As(cause, &ce) {
		f.Reason = clip(ce.Message, 500)
		// A few say why; the rest would only repeat it.
		for _, fe := range ce.Fields[:min(len(ce.Fields), 5)] {
			f.Fields = append(f.Fields, core.FailedField{Field: clip(fe.Field, 100), Reason: clip(fe.Reason, 500), Code: fe.Code, Params: fe.Params})
		}
	}
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		c, e, err := escalationOf(tx, id, first)
		if err != nil {
			return err
		}
		if err := nextPart(e, typ, part); err != nil {
			return err
		}
		e.Failed = append(e.Failed, f)
		settle(e, typ, parts)
		if err := writeCampaign(tx, c, f.At, false); err != nil {
			return err
		}
		a := audit.Entry(v, "campaign.escalate.notice_refused", audit.Invalid, c.ID)
		a.Query = clip(what+" refused, not drafted: "+f.Reason, 200)
		return audit.Append(tx, a)
	})
	return f, err
}

// letGo ends the holds of token on the campaign's escalations. It runs
// after a failure, also when the caller has gone: if it fails too, the
// holds lapse.
func (s *Service) letGo(ctx context.Context, id, token string) {
	s.Store.Update(context.WithoutCancel(ctx), func(tx core.Tx) error {
		c, err := tx.GetCampaign(id)
		for err == nil && c.MergedInto != "" {
			c, err = tx.GetCampaign(c.MergedInto)
		}
		if err != nil {
			return err
		}
		held := false
		for i := range c.Escalations {
			if e := &c.Escalations[i]; e.Drafting != nil && e.Drafting.Token == token {
				e.Drafting, held = nil, true
			}
		}
		if !held {
			return nil
		}
		return writeCampaign(tx, c, s.now(), false)
	})
}

// escalationOf finds, with its campaign's row locked, the escalation whose
// first record is first in campaign id, or in the campaign id was merged
// into (which took its escalations).
func escalationOf(tx core.Tx, id, first string) (*core.Campaign, *core.Escalation, error) {
	c, err := tx.GetCampaign(id)
	for err == nil && c.MergedInto != "" {
		c, err = tx.GetCampaign(c.MergedInto)
	}
	if err != nil {
		return nil, nil, err
	}
	for i := range c.Escalations {
		if e := &c.Escalations[i]; len(e.Records) > 0 && e.Records[0] == first {
			return c, e, nil
		}
	}
	return nil, nil, core.Errorf(core.ENOTFOUND, "campaign %s has no escalation of record %s", c.ID, first)
}

// assetsOf are the accounts and wallets among indicator keys
// (type:value), as a Silver Notice request's assets.
func assetsOf(keys []string, label string) []map[string]any {
	var out []map[string]any
	for _, k := range keys {
		typ, value, _ := strings.Cut(k, ":")
		switch typ {
		case "iban":
			out = append(out, asset("account", typ, value, label))
		case "btc", "eth", "trx":
			out = append(out, asset("crypto", typ, value, label))
		}
	}
	return out
}

// escalatedKeys are the indicator keys (type:value) earlier escalations of
// c, or of a campaign c was split off, shared. An escalation stored before they were kept is read from its
// records, which say the type and value they were made from.
func escalatedKeys(tx core.Tx, c *core.Campaign) (map[string]bool, error) {
	out := map[string]bool{}
	for _, k := range c.EscalatedBefore {
		out[k] = true
	}
	for _, e := range c.Escalations {
		if e.Indicators != nil {
			for _, k := range e.Indicators {
				out[k] = true
			}
			continue
		}
		for _, rid := range e.Records {
			r, err := tx.GetRecord(rid)
			if core.ErrorCode(err) == core.ENOTFOUND {
				continue
			} else if err != nil {
				return nil, err
			}
			var d struct{ Type, Value string }
			if json.Unmarshal(r.Data, &d) == nil && d.Type != "" {
				out[d.Type+":"+d.Value] = true
			}
		}
	}
	return out, nil
}

// lockCarriedElsewhere locks, in key order, the posting-list heads of the
// screenable linking values of campaign id that reports outside it carry
// too. It reads the campaign's values before its row is locked (an
// unknown or foreign campaign has none here and is refused after).
func lockCarriedElsewhere(tx core.Tx, bureau, id string) error {
	inds, err := tx.CampaignIndicators(id, -1)
	if err != nil {
		return err
	}
	var keys []string
	for _, ind := range indicatorViews(inds) {
		if mayBeSharedElsewhere(ind) {
			keys = append(keys, ind.Key)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := tx.LockIndicator(bureau, k); err != nil {
			return err
		}
	}
	return nil
}

// mayBeSharedElsewhere tells a value an escalation of another campaign
// could have shared: a screenable linking value that reports outside the
// campaign carry too.
func mayBeSharedElsewhere(ind IndicatorView) bool {
	return ind.State == core.IndicatorLinking && Screenable(ind.Type) && ind.Total > ind.Reports
}

// sharedElsewhere adds to shared the values of inds that escalations of
// another campaign carrying them shared. Only a split leaves one linking
// value in two campaigns: when the campaign split off was escalated
// first, or the other after the split, EscalatedBefore cannot tell, and
// the bureau shares a value once. The other campaigns' rows are read, not
// locked, so that two escalations never wait on each other's campaigns:
// the heads of the values they share were locked first
// (lockCarriedElsewhere), and an escalation of the other at this moment
// has committed by the time this one reads it.
func sharedElsewhere(tx core.Tx, c *core.Campaign, inds []IndicatorView, shared map[string]bool) error {
	carried := map[string][]string{} // another campaign: the values it carries
	for _, ind := range inds {
		if shared[ind.Key] || !mayBeSharedElsewhere(ind) {
			continue
		}
		ids, err := tx.PostingCampaigns(c.Bureau, ind.Key)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if id != c.ID {
				carried[id] = append(carried[id], ind.Key)
			}
		}
	}
	for ids := range slices.Chunk(slices.Sorted(maps.Keys(carried)), maxCampaignIDs) {
		cs, err := tx.ListCampaigns(core.CampaignFilter{Bureau: c.Bureau, IDs: ids, Limit: len(ids)})
		if err != nil {
			return err
		}
		for _, o := range cs {
			keys, err := escalatedKeys(tx, o)
			if err != nil {
				return err
			}
			for _, k := range carried[o.ID] {
				if keys[k] {
					shared[k] = true
				}
			}
		}
	}
	return nil
}

func asset(kind, typ, value, label string) map[string]any {
	return map[string]any{"type": kind, "identifiers": []map[string]any{{"type": typ, "value": value}},
		"held_for":          []map[string]any{{"name": "unknown perpetrators of " + label, "kind": "person"}},
		"criminal_activity": "receives money from victims of " + label}
}

func topCategory(cv *CampaignView) string {
	best, n := "other", 0
	for c, k := range cv.Categories {
		if k > n || k == n && c < best {
			best, n = c, k
		}
	}
	return best
}

func modusOperandi(cv *CampaignView) string {
	var cats []string
	for c, n := range cv.Categories {
		cats = append(cats, fmt.Sprintf("%s (%d)", c, n))
	}
	sort.Strings(cats)
	var types []string
	seen := map[string]bool{}
	for _, ind := range cv.Indicators {
		if ind.State != core.IndicatorLinking {
			continue // a false link (the victim's own number) says nothing of the criminals
		}
		if !seen[ind.Type] {
			seen[ind.Type] = true
			types = append(types, ind.Type)
		}
	}
	return clip(fmt.Sprintf("Citizen reports linked into one campaign by shared identifiers. Categories: %s. Identifiers used: %s. %d victims reported losses of %s between %s and %s.",
		strings.Join(cats, ", "), strings.Join(types, ", "), cv.Reports, moneyText(cv.LossTotals), cv.FirstSeen.Format("2006-01-02"), cv.LastSeen.Format("2006-01-02")), 9000)
}

// deviceList prefills a Purple Notice request's devices: the campaign's
// linking domains, URLs and phones (not a value marked a false link, such
// as a victim's own number), each cut to what the notices service takes.
func deviceList(cv *CampaignView) []string {
	var out []string
	for _, ind := range cv.Indicators {
		if ind.State != core.IndicatorLinking {
			continue
		}
		if (ind.Type == "domain" || ind.Type == "url" || ind.Type == "phone") && len(out) < 20 {
			out = append(out, core.Clip(ind.Type+" "+ind.Value, maxDeviceText))
		}
	}
	return out
}

// maxDeviceText is the longest string a notice's list entry holds.
const maxDeviceText = 500

// moneyText writes totals per currency ("1500.00 MAD + 300.00 EUR"), never
// adding amounts of different currencies; "0.00" when there are none.
func moneyText(totals []core.Money) string {
	if len(totals) == 0 {
		return "0.00"
	}
	parts := make([]string, len(totals))
	for i, m := range totals {
		parts[i] = m.String() // exact, with the currency's own decimals
	}
	return strings.Join(parts, " + ")
}
