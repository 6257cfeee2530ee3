package console

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/access"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/reports"
)

// ---- citizen reports: the triage queue, a report, campaigns
//
// Every record shown comes from the reports service, which applies the
// one access decision (the receiving bureau's cybercrime unit); the
// console only asks access whether to show the navigation link and the
// escalation form.

// canTriage says whether the viewer may triage the reports the hub receives.
func (c *Console) canTriage(v core.Viewer) bool {
	return c.API.Reports != nil && access.CanTriageReports(v, c.API.Reports.Bureau)
}

type reportsData struct {
	Rows     []*core.Report
	Statuses []string
	Status   string
	// Campaigns are the labels of the rows' campaigns, by id.
	Campaigns map[string]string
	pager
}

// Pages of the queue and of the campaigns: listPage rows a page, reached
// by offset as the API's queue is (offset, at most maxListOffset).
const (
	listPage      = 200
	maxListOffset = 1_000_000
)

// pager is a list page's place: how many its rows are (Count, said in
// the language) and the links to the pages before and after it.
type pager struct {
	Count      string
	Prev, Next string
}

// listOffset is a list page's offset query parameter: how many rows come
// before the page, 0 when absent or not a number from 0 to maxListOffset.
func listOffset(q *req) int {
	off, err := strconv.Atoi(q.r.URL.Query().Get("offset"))
	if err != nil || off < 0 || off > maxListOffset {
		return 0
	}
	return off
}

// newPager places a page of n rows from offset among total rows, next
// saying whether a page follows; link makes the URL of the page at an
// offset. The count is a plain "N reports" when the page holds them all.
func newPager(l *Lang, key string, offset, n, total int, next bool, link func(offset int) string) pager {
	var p pager
	switch {
	case offset == 0 && !next:
		p.Count = l.N(key+".count", n)
	case n == 0:
	default:
		p.Count = l.T(key+".range", l.Num(offset+1), l.Num(offset+n), l.Num(total))
	}
	if offset > 0 {
		p.Prev = link(max(0, offset-listPage))
	}
	if next && offset+listPage <= maxListOffset {
		p.Next = link(offset + listPage)
	}
	return p
}

// pageLink is the URL of path with query v at offset (none for 0).
func pageLink(path string, v url.Values, offset int) string {
	v = maps.Clone(v)
	v.Del("offset")
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// campaignLabel is how a campaign is named on a page: the name the unit
// gave it, else "Campaign" and the end of its id (the random part: the
// start of a UUIDv7 is its time, the same for campaigns born together).
func campaignLabel(l *Lang, c *core.Campaign) string {
	if c.Name != "" {
		return c.Name
	}
	return l.T("campaign.title", campaignCode(c.ID))
}

// campaignCode is the last six hexadecimal digits of a campaign id.
func campaignCode(id string) string {
	if len(id) < 6 {
		return strings.ToUpper(id)
	}
	return strings.ToUpper(id[len(id)-6:])
}

// campaignLabels labels the campaigns of the given reports, in one
// audited listing of those campaigns.
func (c *Console) campaignLabels(q *req, rs ...*core.Report) (map[string]string, error) {
	out := map[string]string{}
	var ids []string
	for _, r := range rs {
		if _, ok := out[r.CampaignID]; r.CampaignID != "" && !ok {
			out[r.CampaignID] = q.L.T("campaign.title", campaignCode(r.CampaignID))
			ids = append(ids, r.CampaignID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	cs, err := c.API.Reports.ListCampaigns(q.r.Context(), q.V, core.CampaignFilter{MinReports: 1, IDs: ids, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	for _, cp := range cs {
		out[cp.ID] = campaignLabel(q.L, cp)
	}
	return out, nil
}

func (c *Console) reportsPage(q *req) error {
	status := q.r.URL.Query().Get("status")
	if status != "all" && !slices.Contains(core.ReportStatuses, status) {
		status = "" // the open reports; an unknown value is not worth an error page
	}
	offset := listOffset(q)
	// One more than a page says whether another follows.
	rs, err := c.API.Reports.Queue(q.r.Context(), q.V, core.ReportFilter{Status: status, Limit: listPage + 1, Offset: offset})
	if err != nil {
		return err
	}
	more := len(rs) > listPage
	if more {
		rs = rs[:listPage]
	}
	labels, err := c.campaignLabels(q, rs...)
	if err != nil {
		return err
	}
	query := url.Values{}
	if status != "" {
		query.Set("status", status)
	}
	total := offset + len(rs)
	if more { // else this page is the last: offset and its rows are all
		// Counted in the store (an index's count, not a read of the rows).
		if total, err = c.API.Reports.Count(q.r.Context(), q.V, core.ReportFilter{Status: status}); err != nil {
			return err
		}
	}
	pg := newPager(q.L, "reports", offset, len(rs), total, more, func(off int) string { return pageLink("/reports", query, off) })
	return c.show(q, "reports", "reports", "nav.reports", reportsData{Rows: rs, Statuses: core.ReportStatuses, Status: status, Campaigns: labels, pager: pg})
}

type reportData struct {
	Report   *core.Report
	Statuses []string
	Campaign string // the report's campaign's label
}

// reportView is the report page's data.
func (c *Console) reportView(q *req, r *core.Report) (reportData, error) {
	labels, err := c.campaignLabels(q, r)
	if err != nil {
		return reportData{}, err
	}
	return reportData{Report: r, Statuses: core.ReportStatuses, Campaign: labels[r.CampaignID]}, nil
}

func (c *Console) reportPage(q *req) error {
	r, err := c.API.Reports.Get(q.r.Context(), q.V, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := c.reportView(q, r)
	if err != nil {
		return err
	}
	p := c.newPage(q, "reports", d)
	p.Title = q.L.T("report.title", r.Receipt)
	p.Form.Set("status", r.Status)
	p.Form.Set("assignee", r.Assignee)
	if q.r.URL.Query().Get("done") == "updated" {
		p.Flash = "flash.report_updated"
	}
	return c.render(q, "report", http.StatusOK, p)
}

// reportPost applies the triage form: only what differs from the report
// is sent as a change, so an unchanged form is the service's "nothing to
// change" field error.
func (c *Console) reportPost(q *req) error {
	ctx := q.r.Context()
	id := q.r.PathValue("id")
	r, err := c.API.Reports.Get(ctx, q.V, id)
	if err != nil {
		return err
	}
	f := q.r.PostForm
	ch := reports.Change{Note: f.Get("note"), NotePublic: f.Get("note_public") == "on"}
	ch.Version, _ = strconv.ParseInt(f.Get("version"), 10, 64)
	if s := f.Get("status"); s != r.Status {
		ch.Status = &s
	}
	if a := strings.TrimSpace(f.Get("assignee")); a != r.Assignee {
		ch.Assignee = &a
	}
	if _, err := c.API.Reports.Update(ctx, q.V, id, ch); err != nil {
		fe, ok := fieldErrors(q.L, err, map[string]string{"status": "status", "assignee": "assignee", "note": "note", "version": "status"})
		if !ok {
			return err
		}
		d, err := c.reportView(q, r)
		if err != nil {
			return err
		}
		p := c.newPage(q, "reports", d)
		p.Title, p.Errors, p.Form, p.Problem = q.L.T("report.title", r.Receipt), fe, f, "form.has_errors"
		return c.render(q, "report", http.StatusBadRequest, p)
	}
	return c.redirect(q, "/reports/"+url.PathEscape(id)+"?done=updated")
}

// ---- campaigns

type campaignsData struct {
	Rows []*core.Campaign
	Min  int
	pager
}

func (c *Console) campaignsPage(q *req) error {
	minReports, _ := strconv.Atoi(q.r.URL.Query().Get("min"))
	if minReports <= 0 {
		minReports = 2
	}
	offset := listOffset(q)
	f := core.CampaignFilter{MinReports: minReports, Limit: listPage + 1, Offset: offset}
	// One more than a page says whether another follows.
	rows, err := c.API.Reports.ListCampaigns(q.r.Context(), q.V, f)
	if err != nil {
		return err
	}
	next := len(rows) > listPage
	if next {
		rows = rows[:listPage]
	}
	total := offset + len(rows)
	if next || len(rows) == 0 && offset > 0 { // else this page is the last: offset and its rows are all
		if total, err = c.API.Reports.CountCampaigns(q.r.Context(), q.V, f); err != nil {
			return err
		}
	}
	query := url.Values{}
	if minReports != 2 {
		query.Set("min", strconv.Itoa(minReports))
	}
	pg := newPager(q.L, "campaigns", offset, len(rows), total, next,
		func(off int) string { return pageLink("/campaigns", query, off) })
	return c.show(q, "campaigns", "campaigns", "nav.campaigns", campaignsData{Rows: rows, Min: minReports, pager: pg})
}

// Graph bounds: the reports and indicators drawn (the table beside the
// graph lists the same, and a note says how many were left out).
const (
	graphMax = 40
	graphGap = 18 // px between nodes
)

type graphNode struct {
	ID, Label, Title string
	Kind, Value      string // an indicator's type (in the language) and full value
	Href             string
	X, Y             int
	Flag             string // an indicator's state other than linking
}

type graphEdge struct{ X1, Y1, X2, Y2 int }

type graph struct {
	Reports, Indicators []graphNode
	Edges               []graphEdge
	Height              int
	MoreReports         int
	MoreIndicators      int
	// Rows is the text alternative: each indicator with the reports drawn
	// that carry it.
	Rows []graphRow
}

type graphRow struct {
	Indicator graphNode
	Reports   []graphNode
}

// buildGraph lays out a bipartite graph: reports as circles on the left,
// the indicators they share as squares on the right, a line for each
// "report has indicator". Indicators carried by most reports come first.
func buildGraph(l *Lang, rs []*core.Report, total int, inds []reports.IndicatorView) graph {
	g := graph{}
	if len(rs) > graphMax {
		rs = rs[:graphMax]
	}
	g.MoreReports = max(0, total-len(rs))
	inds = slices.Clone(inds)
	slices.SortStableFunc(inds, func(a, b reports.IndicatorView) int { return b.Reports - a.Reports })
	if len(inds) > graphMax {
		g.MoreIndicators = len(inds) - graphMax
		inds = inds[:graphMax]
	}
	const left, right = 170, 550
	iy := map[string]int{}
	for i, ind := range inds {
		y := 14 + i*graphGap
		n := graphNode{ID: ind.ID, Label: core.Clip(ind.Value, 22), Kind: l.TOr("itype."+ind.Type, ind.Type), Value: ind.Value, X: right, Y: y,
			Title: l.TOr("itype."+ind.Type, ind.Type) + " " + ind.Value + " · " + l.N("campaign.ind_reports", ind.Reports)}
		if ind.State != core.IndicatorLinking {
			n.Flag = ind.State
			n.Title += " · " + l.TOr("istate."+ind.State, ind.State)
		}
		iy[ind.Key] = len(g.Indicators)
		g.Indicators = append(g.Indicators, n)
		g.Rows = append(g.Rows, graphRow{Indicator: n})
	}
	for i, r := range rs {
		y := 14 + i*graphGap
		n := graphNode{ID: r.ID, Label: r.Receipt, X: left, Y: y, Href: "/reports/" + url.PathEscape(r.ID),
			Title: r.Receipt + " · " + l.T("category."+r.Category) + " · " + l.Date(r.CreatedAt)}
		g.Reports = append(g.Reports, n)
		seen := map[string]bool{}
		for _, ri := range r.Indicators {
			j, ok := iy[ri.Key]
			if ri.Key == "" || !ok || seen[ri.Key] {
				continue
			}
			seen[ri.Key] = true
			g.Edges = append(g.Edges, graphEdge{X1: left, Y1: y, X2: right, Y2: g.Indicators[j].Y})
			g.Rows[j].Reports = append(g.Rows[j].Reports, n)
		}
	}
	g.Height = 28 + max(len(g.Reports), len(g.Indicators), 1)*graphGap
	return g
}

// growthChart draws a campaign's reports per day from its first day to
// its last (at most the last 30 days of it).
func growthChart(l *Lang, days []reports.DayCount) chart {
	const maxDays = 30
	if len(days) == 0 {
		return barChart(l, time.Time{}, nil)
	}
	first, err1 := time.Parse("2006-01-02", days[0].Day)
	last, err2 := time.Parse("2006-01-02", days[len(days)-1].Day)
	if err1 != nil || err2 != nil {
		return barChart(l, time.Time{}, nil)
	}
	if n := int(last.Sub(first)/(24*time.Hour)) + 1; n > maxDays {
		first = last.AddDate(0, 0, -(maxDays - 1))
	}
	n := int(last.Sub(first)/(24*time.Hour)) + 1
	counts := make([]int, n)
	for _, d := range days {
		t, err := time.Parse("2006-01-02", d.Day)
		if err != nil {
			continue
		}
		if i := int(t.Sub(first) / (24 * time.Hour)); i >= 0 && i < n {
			counts[i] += d.Reports
		}
	}
	return barChart(l, first, counts)
}

type campaignData struct {
	C           *reports.CampaignView
	Growth      chart
	Graph       graph
	CanEscalate bool
	Escalated   *reports.Escalation
}

func (c *Console) renderCampaign(q *req, id string, status int, errs map[string]string, form url.Values, esc *reports.Escalation) error {
	ctx := q.r.Context()
	cv, err := c.API.Reports.Campaign(ctx, q.V, id)
	if err != nil {
		return err
	}
	// The graph needs each report's indicators: the queue gives the
	// campaign's reports in full, in one audited read.
	rs, err := c.API.Reports.Queue(ctx, q.V, core.ReportFilter{Status: "all", Campaign: cv.ID, Limit: graphMax})
	if err != nil {
		return err
	}
	d := campaignData{C: cv, Growth: growthChart(q.L, cv.PerDay), Graph: buildGraph(q.L, rs, len(cv.ReportList), cv.Indicators),
		CanEscalate: access.CanEscalateReports(q.V, cv.Bureau), Escalated: esc}
	p := c.newPage(q, "campaigns", d)
	p.Title = q.L.T("campaign.title", campaignCode(cv.ID))
	if cv.Name != "" {
		p.dataTitle(cv.Name, "")
	}
	p.Form.Set("name", cv.Name)
	if errs != nil {
		p.Errors, p.Form, p.Problem = errs, form, "form.has_errors"
	}
	switch done := q.r.URL.Query().Get("done"); done {
	case "named", "false_link":
		p.Flash = "flash.campaign_" + done
	}
	if esc != nil {
		p.Flash = "flash.campaign_escalated"
	}
	return c.render(q, "campaign", status, p)
}

func (c *Console) campaignPage(q *req) error {
	return c.renderCampaign(q, q.r.PathValue("id"), http.StatusOK, nil, nil, nil)
}

func (c *Console) campaignName(q *req) error {
	id := q.r.PathValue("id")
	if _, err := c.API.Reports.Name(q.r.Context(), q.V, id, q.r.PostForm.Get("name")); err != nil {
		fe, ok := fieldErrors(q.L, err, map[string]string{"name": "name"})
		if !ok {
			return err
		}
		return c.renderCampaign(q, id, http.StatusBadRequest, fe, q.r.PostForm, nil)
	}
	return c.redirect(q, "/campaigns/"+url.PathEscape(id)+"?done=named")
}

func (c *Console) campaignFalseLink(q *req) error {
	id := q.r.PathValue("id")
	if _, err := c.API.Reports.FalseLink(q.r.Context(), q.V, id, q.r.PathValue("iid")); err != nil {
		return err
	}
	return c.redirect(q, "/campaigns/"+url.PathEscape(id)+"?done=false_link")
}

// campaignEscalate shares the campaign with the chosen countries (codes
// separated by commas or spaces) and shows what was created.
func (c *Console) campaignEscalate(q *req) error {
	id := q.r.PathValue("id")
	f := q.r.PostForm
	in := reports.EscalateInput{NoPurple: f.Get("no_purple") == "on", NoSilver: f.Get("no_silver") == "on"}
	in.Countries = splitCodes(f.Get("countries"))
	esc, err := c.API.Reports.Escalate(q.r.Context(), q.V, id, in)
	if err != nil {
		fe, ok := uniqueFieldErrors(q.L, err, map[string]string{"countries": "countries", "campaign": "countries"})
		if !ok {
			return err
		}
		return c.renderCampaign(q, id, http.StatusBadRequest, fe, f, nil)
	}
	q.r.URL.RawQuery = ""
	return c.renderCampaign(q, id, http.StatusOK, nil, nil, esc)
}

// failedNotice says, in the reader's language, which notice request of an
// escalation the notices service refused and why.
func failedNotice(l *Lang, f core.FailedNotice) string {
	var why []string
	for _, fe := range f.Fields {
		why = append(why, reasonText(l, core.FieldError{Field: fe.Field, Reason: fe.Reason, Code: fe.Code, Params: fe.Params}))
	}
	if len(why) == 0 {
		why = append(why, reasonText(l, core.FieldError{Reason: f.Reason}))
	}
	reasons := strings.Join(why, " ")
	if f.Parts > 1 {
		return l.T("campaign.failed.silver_part", l.Num(f.Part), l.Num(f.Parts), reasons)
	}
	return l.T("campaign.failed."+f.Type, reasons)
}

// reportsWaiting counts the received reports nobody is assigned to, for
// the dashboard of a triage user.
func (c *Console) reportsWaiting(q *req) int {
	n, err := c.API.Reports.Count(q.r.Context(), q.V, core.ReportFilter{Status: core.ReportReceived, Unassigned: true})
	if err != nil {
		return 0
	}
	return n
}
