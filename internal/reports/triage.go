package reports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
)

func forbidden() error {
	return core.Errorf(core.EFORBIDDEN, "citizen reports are read by the cybercrime unit of the bureau that received them")
}

// actorID names who acted on a report, without the kind: the id of a
// user or key.
func actorID(v core.Viewer) string {
	_, id := v.Actor()
	return id
}

// Queue lists the bureau's open reports in triage order.
func (s *Service) Queue(ctx context.Context, v core.Viewer, f core.ReportFilter) ([]*core.Report, error) {
	var out []*core.Report
	err := s.queueRead(ctx, v, &f, "", func(tx core.Tx) (err error) {
		out, err = tx.ReportQueue(f)
		return err
	})
	return out, err
}

// Count counts the reports Queue would list, every page of them.
func (s *Service) Count(ctx context.Context, v core.Viewer, f core.ReportFilter) (int, error) {
	var n int
	err := s.queueRead(ctx, v, &f, "count ", func(tx core.Tx) (err error) {
		n, err = tx.CountReports(f)
		return err
	})
	return n, err
}

// queueRead checks a read of the bureau's queue, runs it and audits it.
func (s *Service) queueRead(ctx context.Context, v core.Viewer, f *core.ReportFilter, what string, read func(core.Tx) error) error {
	f.Bureau = s.Bureau
	var invalid error
	if f.Status != "" && f.Status != "all" && !slices.Contains(core.ReportStatuses, f.Status) {
		invalid = core.Invalid(core.FieldError{Field: "status", Reason: "must be one of " + strings.Join(core.ReportStatuses, ", ") + " or all"})
	}
	query := fmt.Sprintf("%sstatus=%s campaign=%s assignee=%s unassigned=%t", what, f.Status, f.Campaign, f.Assignee, f.Unassigned)
	return s.unitRead(ctx, v, "report.list", invalid, query, read)
}

// unitRead runs read, a list of the bureau's triage unit, and audits it
// as action with query. A viewer not of the unit, or a request the
// caller found invalid (invalid, refused after the viewer), is refused.
func (s *Service) unitRead(ctx context.Context, v core.Viewer, action string, invalid error, query string, read func(core.Tx) error) error {
	if !access.CanTriageReports(v, s.Bureau) {
		return s.refuse(ctx, v, action, forbidden())
	}
	if invalid != nil {
		return s.refuse(ctx, v, action, invalid)
	}
	return s.Store.Update(ctx, func(tx core.Tx) error {
		if err := read(tx); err != nil {
			return err
		}
		e := audit.Entry(v, action, audit.OK)
		e.Query = query
		return audit.Append(tx, e)
	})
}

// triageReport reads a report for v, who must be of its triage unit: a
// report of another bureau is not found, exactly like a missing one.
func triageReport(tx core.Tx, v core.Viewer, id string) (*core.Report, error) {
	r, err := tx.GetReport(id)
	if err != nil {
		return nil, err
	}
	if !access.CanTriageReports(v, r.Bureau) {
		return nil, core.Errorf(core.ENOTFOUND, "report not found")
	}
	return r, nil
}

// Get returns one report to the triage unit. A report of another bureau
// is not found.
func (s *Service) Get(ctx context.Context, v core.Viewer, id string) (*core.Report, error) {
	var r *core.Report
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var err error
		if r, err = triageReport(tx, v, id); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, "report.read", audit.OK, r.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, "report.read", err, id)
	}
	return r, nil
}

// File returns an attachment's bytes and metadata.
func (s *Service) File(ctx context.Context, v core.Viewer, id, fid string) (*core.ReportFile, []byte, error) {
	r, err := s.Get(ctx, v, id)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range r.Attachments {
		if f.ID == fid {
			var b []byte
			err := s.Store.View(ctx, func(tx core.Tx) error {
				var err error
				b, err = tx.ReportFileContent(id, fid)
				return err
			})
			return &f, b, err
		}
	}
	return nil, nil, core.Errorf(core.ENOTFOUND, "attachment not found")
}

// Change is a triage change: any field left out stays.
type Change struct {
	Version    int64   `json:"version"`
	Status     *string `json:"status"`
	Assignee   *string `json:"assignee"`
	Note       string  `json:"note"`
	NotePublic bool    `json:"note_public"`
}

// Update applies a triage change. Status changes and public notes are
// shown to the reporter through follow-up.
func (s *Service) Update(ctx context.Context, v core.Viewer, id string, c Change) (*core.Report, error) {
	const action = "report.update"
	now := s.now()
	var fs []core.FieldError
	if c.Version <= 0 {
		fs = append(fs, core.FieldError{Field: "version", Reason: "is required: the version of the report the change is based on", Code: "required"})
	}
	if c.Status != nil && !slices.Contains(core.ReportStatuses, *c.Status) {
		fs = append(fs, core.FieldError{Field: "status", Reason: "must be one of " + strings.Join(core.ReportStatuses, ", "), Code: "choose"})
	}
	if c.Assignee != nil {
		fs = append(fs, textField("assignee", *c.Assignee, 100)...)
	}
	note := strings.TrimSpace(c.Note)
	fs = append(fs, textField("note", note, 5000)...)
	if c.Status == nil && c.Assignee == nil && note == "" {
		fs = append(fs, core.FieldError{Field: "status", Reason: "nothing to change: give status, assignee or note", Code: "nothing_to_change"})
	}
	if len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...), id)
	}
	var r *core.Report
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		var err error
		if r, err = triageReport(tx, v, id); err != nil {
			return err
		}
		if r.Version != c.Version {
			return core.Errorf(core.ECONFLICT, "the report is at version %d, not %d: reload it and apply your change again", r.Version, c.Version)
		}
		if c.Status != nil && *c.Status != r.Status {
			r.Status = *c.Status
			r.History = append(r.History, core.ReportStep{At: now, Status: r.Status, By: actorID(v)})
		}
		if c.Assignee != nil {
			r.Assignee = strings.TrimSpace(*c.Assignee)
		}
		if note != "" {
			// Refused, not dropped: the change would otherwise answer as
			// if the note (perhaps one for the reporter) had been kept.
			if len(r.Notes) >= MaxNotes {
				return core.Invalid(core.FieldError{Field: "note", Reason: fmt.Sprintf("the report holds the maximum of %d notes: no more can be added", MaxNotes),
					Code: "notes_full", Params: []string{strconv.Itoa(MaxNotes)}})
			}
			r.Notes = append(r.Notes, core.ReportNote{At: now, By: actorID(v), Text: note, Public: c.NotePublic})
		}
		r.Version++
		r.UpdatedAt = now
		if err := tx.UpdateReport(r); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, r.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	return r, nil
}

// IndicatorID names a key in URLs (keys hold ':' and '/').
func IndicatorID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}

// CampaignView is a campaign with its reports and indicators.
type CampaignView struct {
	*core.Campaign
	Victims    int             `json:"victims"`
	Indicators []IndicatorView `json:"indicators"`
	ReportList []ReportSummary `json:"report_list"`
	PerDay     []DayCount      `json:"growth_per_day"`
	Categories map[string]int  `json:"categories"`
	// LossTotals are the listed reports' losses per currency (Losses adds
	// all amounts, whatever their currency, to order campaigns).
	LossTotals []core.Money `json:"loss_totals"`
}

// IndicatorView is a campaign's value with its id for URLs.
type IndicatorView struct {
	ID string `json:"id"`
	core.CampaignIndicator
	Type  string `json:"type"`
	Value string `json:"value"`
}

// ReportSummary is a report as a campaign lists it.
type ReportSummary struct {
	ID        string    `json:"id"`
	Receipt   string    `json:"receipt"`
	Category  string    `json:"category"`
	Status    string    `json:"status"`
	Urgency   int       `json:"urgency"`
	LossTotal float64   `json:"loss_total"`
	CreatedAt time.Time `json:"created_at"`
	// LossTotals are the report's losses per currency.
	LossTotals []core.Money `json:"loss_totals"`
}

// DayCount is how many reports a campaign got on a day.
type DayCount struct {
	Day     string `json:"day"`
	Reports int    `json:"reports"`
}

// maxCampaignReports bounds the reports a campaign view lists (the
// counts by category and day, and the losses, cover all of them).
const maxCampaignReports = 1000

func (s *Service) loadCampaign(tx core.Tx, v core.Viewer, id string) (*core.Campaign, error) {
	c, err := tx.GetCampaign(id)
	if err != nil {
		return nil, err
	}
	if !access.CanTriageReports(v, c.Bureau) {
		return nil, core.Errorf(core.ENOTFOUND, "campaign not found")
	}
	if c.MergedInto != "" {
		return nil, core.Errorf(core.ENOTFOUND, "campaign %s was merged into %s", c.ID, c.MergedInto)
	}
	return c, keepTotals(tx, c)
}

func view(tx core.Tx, c *core.Campaign) (*CampaignView, error) {
	inds, err := tx.CampaignIndicators(c.ID, viewedIndicators)
	if err != nil {
		return nil, err
	}
	return viewOf(tx, c, inds)
}

// viewOf is view with the values to show already read (an escalation
// reads them all, and shows the first viewedIndicators).
func viewOf(tx core.Tx, c *core.Campaign, inds []core.CampaignIndicator) (*CampaignView, error) {
	rs, err := tx.ReportQueue(core.ReportFilter{Bureau: c.Bureau, Status: "all", Campaign: c.ID, Limit: maxCampaignReports})
	if err != nil {
		return nil, err
	}
	// Counted in the store: the list stops at maxCampaignReports, the
	// counts cover every report.
	cats, days, err := tx.CampaignCounts(c.ID)
	if err != nil {
		return nil, err
	}
	cv := &CampaignView{Campaign: c, Victims: c.Reports, Categories: cats, ReportList: []ReportSummary{}, Indicators: []IndicatorView{}, PerDay: []DayCount{}}
	var losses []core.Loss
	for _, r := range rs {
		totals := core.LossTotals(r.Losses)
		cv.ReportList = append(cv.ReportList, ReportSummary{r.ID, r.Receipt, r.Category, r.Status, r.Urgency, r.LossTotal, r.CreatedAt, totals})
		for _, m := range totals {
			losses = append(losses, core.Loss{Amount: m.Amount, Currency: m.Currency})
		}
	}
	cv.LossTotals = core.LossTotals(losses)
	if c.LossTotals != nil {
		cv.LossTotals = c.LossTotals // all its reports', listed or not
	}
	for _, d := range slices.Sorted(maps.Keys(days)) {
		cv.PerDay = append(cv.PerDay, DayCount{d, days[d]})
	}
	cv.Indicators = append(cv.Indicators, indicatorViews(inds)...)
	return cv, nil
}

// viewedIndicators is how many of a campaign's values its view shows.
// Escalation and false links read all of them.
const viewedIndicators = 500

func indicatorViews(inds []core.CampaignIndicator) []IndicatorView {
	out := make([]IndicatorView, 0, len(inds))
	for _, ci := range inds {
		typ, val, _ := strings.Cut(ci.Key, ":")
		out = append(out, IndicatorView{ID: IndicatorID(ci.Key), CampaignIndicator: ci, Type: typ, Value: val})
	}
	return out
}

// allIndicators lists every value of c, those most reports carry first:
// past the view's first 500 too, so that a campaign's every value can be
// shared and marked.
func allIndicators(tx core.Tx, c *core.Campaign) ([]IndicatorView, error) {
	inds, err := tx.CampaignIndicators(c.ID, -1)
	if err != nil {
		return nil, err
	}
	return indicatorViews(inds), nil
}

// Campaigns lists the bureau's campaigns of at least minReports reports,
// largest first, the first limit of them (ListCampaigns pages on).
func (s *Service) Campaigns(ctx context.Context, v core.Viewer, minReports, limit int) ([]*core.Campaign, error) {
	return s.ListCampaigns(ctx, v, core.CampaignFilter{MinReports: minReports, Limit: limit})
}

// maxCampaignIDs bounds the campaigns a list by ids may name (a page's
// reports' campaigns).
const maxCampaignIDs = 1000

// ListCampaigns lists a page of the bureau's campaigns of at least
// f.MinReports reports (2 when not given), largest first, each with its
// losses per currency (kept with the campaign: no report is read, but for
// a campaign stored before they were kept, whose totals are made from its
// reports here).
func (s *Service) ListCampaigns(ctx context.Context, v core.Viewer, f core.CampaignFilter) ([]*core.Campaign, error) {
	var out []*core.Campaign
	err := s.campaignsRead(ctx, v, &f, "", func(tx core.Tx) (err error) {
		if out, err = tx.ListCampaigns(f); err != nil {
			return err
		}
		for _, c := range out {
			if err := keepTotals(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// CountCampaigns counts the campaigns ListCampaigns would list, every
// page of them.
func (s *Service) CountCampaigns(ctx context.Context, v core.Viewer, f core.CampaignFilter) (int, error) {
	var n int
	err := s.campaignsRead(ctx, v, &f, "count ", func(tx core.Tx) (err error) {
		n, err = tx.CountCampaigns(f)
		return err
	})
	return n, err
}

// campaignsRead checks a read of the bureau's campaign list, runs it and
// audits it.
func (s *Service) campaignsRead(ctx context.Context, v core.Viewer, f *core.CampaignFilter, what string, read func(core.Tx) error) error {
	f.Bureau = s.Bureau
	var invalid error
	if len(f.IDs) > maxCampaignIDs {
		invalid = core.Errorf(core.EINVALID, "at most %d campaigns may be named at once", maxCampaignIDs)
	}
	if f.MinReports <= 0 {
		f.MinReports = 2
	}
	query := fmt.Sprintf("%smin_reports=%d offset=%d", what, f.MinReports, f.Offset)
	return s.unitRead(ctx, v, "campaign.list", invalid, query, read)
}

// Campaign returns one campaign's view.
func (s *Service) Campaign(ctx context.Context, v core.Viewer, id string) (*CampaignView, error) {
	var cv *CampaignView
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		c, err := s.loadCampaign(tx, v, id)
		if err != nil {
			return err
		}
		if cv, err = view(tx, c); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, "campaign.read", audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, "campaign.read", err, id)
	}
	return cv, nil
}

// changeCampaign runs fn on a campaign the viewer may triage, then writes
// it with an event and an audit entry.
func (s *Service) changeCampaign(ctx context.Context, v core.Viewer, id, action string, fn func(tx core.Tx, c *core.Campaign, now time.Time) error) (*CampaignView, error) {
	now := s.now()
	var cv *CampaignView
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		c, err := s.loadCampaign(tx, v, id)
		if err != nil {
			return err
		}
		if err := fn(tx, c, now); err != nil {
			return err
		}
		if cv, err = saveCampaign(tx, c, now); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	s.notify()
	return cv, nil
}

// saveCampaign writes a changed campaign at its next version and tells
// its bureau (a campaign of 2+ reports, as intake does: one report is no
// campaign to the unit's stream), and returns the campaign as its unit now
// sees it.
func saveCampaign(tx core.Tx, c *core.Campaign, now time.Time) (*CampaignView, error) {
	if err := writeCampaign(tx, c, now, c.Reports >= 2); err != nil {
		return nil, err
	}
	return view(tx, c)
}

// maxCampaignName is the longest name of a campaign, in characters.
const maxCampaignName = 200

// textField checks a free-text field of at most max characters: the
// field errors (with their codes) of one that is not text or too long.
func textField(field, s string, max int) []core.FieldError {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return []core.FieldError{{Field: field, Reason: "must be text (UTF-8, no NUL characters)", Code: "text"}}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return []core.FieldError{{Field: field, Reason: fmt.Sprintf("must be at most %d characters", max),
			Code: "too_long", Params: []string{strconv.Itoa(n), strconv.Itoa(max)}}}
	}
	return nil
}

// Name names a campaign.
func (s *Service) Name(ctx context.Context, v core.Viewer, id, name string) (*CampaignView, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxCampaignName {
		return nil, s.refuse(ctx, v, "campaign.name", core.Invalid(core.FieldError{Field: "name", Reason: fmt.Sprintf("is required: 1 to %d characters", maxCampaignName),
			Code: "name_length", Params: []string{strconv.Itoa(maxCampaignName)}}), id)
	}
	if fs := textField("name", name, maxCampaignName); len(fs) > 0 {
		return nil, s.refuse(ctx, v, "campaign.name", core.Invalid(fs...), id)
	}
	return s.changeCampaign(ctx, v, id, "campaign.name", func(tx core.Tx, c *core.Campaign, now time.Time) error {
		c.Name = name
		return nil
	})
}

// Merge merges other campaigns into id. Every campaign is locked in id
// order, as intake locks them, so that the two cannot deadlock.
func (s *Service) Merge(ctx context.Context, v core.Viewer, id string, others []string) (*CampaignView, error) {
	const action = "campaign.merge"
	if len(others) == 0 || len(others) > 100 {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "campaigns", Reason: "list 1 to 100 campaigns to merge into this one"}), id)
	}
	for i, oid := range others {
		if oid == id || slices.Contains(others[:i], oid) {
			return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: fmt.Sprintf("campaigns[%d]", i), Reason: "is the campaign itself, or listed twice"}), id)
		}
	}
	now := s.now()
	var cv *CampaignView
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		ids := slices.Sorted(slices.Values(append([]string{id}, others...)))
		loaded := map[string]*core.Campaign{}
		for _, cid := range ids {
			c, err := s.loadCampaign(tx, v, cid)
			if err != nil {
				if cid == id {
					return err
				}
				return core.Invalid(core.FieldError{Field: fmt.Sprintf("campaigns[%d]", slices.Index(others, cid)), Reason: core.ErrorMessage(err)})
			}
			loaded[cid] = c
		}
		c := loaded[id]
		for _, oid := range others {
			if err := mergeInto(tx, c, loaded[oid], now); err != nil {
				return err
			}
		}
		var err error
		if cv, err = saveCampaign(tx, c, now); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, ids...))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	s.notify()
	return cv, nil
}

// Split moves the listed reports of a campaign into a new campaign, which
// it returns.
func (s *Service) Split(ctx context.Context, v core.Viewer, id string, reportIDs []string, name string) (*CampaignView, error) {
	const action = "campaign.split"
	if len(reportIDs) == 0 || len(reportIDs) > maxCampaignReports {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "reports", Reason: "list the reports to move into a new campaign"}), id)
	}
	name = strings.TrimSpace(name)
	if fs := textField("name", name, maxCampaignName); len(fs) > 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(fs...), id)
	}
	now := s.now()
	var cv *CampaignView
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		c, err := s.loadCampaign(tx, v, id)
		if err != nil {
			return err
		}
		// Repeats are named below, entry by entry; the count here is of
		// the distinct reports listed.
		if len(slices.Compact(slices.Sorted(slices.Values(reportIDs)))) >= c.Reports {
			return core.Invalid(core.FieldError{Field: "reports", Reason: "would move every report: leave at least one in the campaign"})
		}
		n := &core.Campaign{ID: uuid.Must(uuid.NewV7()).String(), Version: 1, Bureau: c.Bureau, Name: name, UpdatedAt: now, LossTotals: []core.Money{}}
		// The escalations stay with c; what they shared goes with n too,
		// so that escalating n does not share it again. All of it: a value
		// the moved reports lack now may join n later.
		shared, err := escalatedKeys(tx, c)
		if err != nil {
			return err
		}
		n.EscalatedBefore = slices.Sorted(maps.Keys(shared))
		if err := tx.InsertCampaign(n); err != nil {
			return err
		}
		seen := map[string]bool{}
		for i, rid := range reportIDs {
			r, err := tx.GetReport(rid)
			if err != nil || r.CampaignID != c.ID || seen[rid] {
				return core.Invalid(core.FieldError{Field: fmt.Sprintf("reports[%d]", i), Reason: "is not a report of this campaign (or is listed twice)"})
			}
			seen[rid] = true
			r.CampaignID = n.ID
			r.Version++
			if err := tx.UpdateReport(r); err != nil {
				return err
			}
			n.Reports++
			n.Losses += r.LossTotal
			n.LossTotals = core.AddMoney(n.LossTotals, 1, core.LossTotals(r.Losses)...)
			n.FirstSeen, n.LastSeen = minTime(n.FirstSeen, r.CreatedAt), maxTime(n.LastSeen, r.CreatedAt)
			c.Reports--
			c.Losses -= r.LossTotal
			c.LossTotals = core.AddMoney(c.LossTotals, -1, core.LossTotals(r.Losses)...)
		}
		rest, err := tx.ReportQueue(core.ReportFilter{Bureau: c.Bureau, Status: "all", Campaign: c.ID, Limit: maxCampaignReports})
		if err != nil {
			return err
		}
		if len(rest) == c.Reports {
			c.FirstSeen, c.LastSeen = time.Time{}, time.Time{}
			for _, r := range rest {
				c.FirstSeen, c.LastSeen = minTime(c.FirstSeen, r.CreatedAt), maxTime(c.LastSeen, r.CreatedAt)
			}
		}
		for _, x := range []*core.Campaign{c, n} {
			if err := writeCampaign(tx, x, now, x.Reports >= 2); err != nil {
				return err
			}
		}
		if cv, err = view(tx, n); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, c.ID, n.ID))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	s.notify()
	return cv, nil
}

// FalseLink marks a value of a campaign as a false link: from now on it
// links no reports of the bureau (reports already joined through it stay:
// split them off). The value's posting-list head is locked before the
// campaign, in intake's order.
func (s *Service) FalseLink(ctx context.Context, v core.Viewer, id, indicatorID string) (*CampaignView, error) {
	const action = "campaign.false_link"
	var key string
	err := s.Store.View(ctx, func(tx core.Tx) error {
		c, err := s.loadCampaign(tx, v, id)
		if err != nil {
			return err
		}
		inds, err := allIndicators(tx, c)
		if err != nil {
			return err
		}
		for _, ind := range inds {
			if ind.ID == indicatorID {
				key = ind.Key
				return nil
			}
		}
		return core.Errorf(core.ENOTFOUND, "the campaign has no indicator %s", indicatorID)
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	now := s.now()
	var cv *CampaignView
	err = s.Store.Update(ctx, func(tx core.Tx) error {
		iv, err := tx.LockIndicator(s.Bureau, key)
		if err != nil {
			return err
		}
		c, err := s.loadCampaign(tx, v, id)
		if err != nil {
			return err
		}
		iv.State = core.IndicatorFalseLink
		if err := tx.SaveIndicator(iv); err != nil {
			return err
		}
		if cv, err = saveCampaign(tx, c, now); err != nil {
			return err
		}
		e := audit.Entry(v, action, audit.OK, id)
		e.Query = key
		return audit.Append(tx, e)
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	s.notify()
	return cv, nil
}
