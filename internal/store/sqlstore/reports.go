package sqlstore

import (
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// Reports and campaigns keep their whole value as JSON in a body column,
// with the columns the triage queue and correlation select on beside it.

func cents(f float64) int64 { return int64(math.Round(f * 100)) }

func (t *tx) InsertReport(r *core.Report) error {
	body, _ := json.Marshal(r)
	_, err := t.exec(`INSERT INTO reports (id, receipt, secret_hash, version, bureau, status, urgency, loss_cents, campaign_id, assignee, created_at, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.Receipt, r.SecretHash, r.Version, r.Bureau, r.Status, r.Urgency, cents(r.LossTotal), r.CampaignID, r.Assignee, t.time(r.CreatedAt), string(body))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "a report with this id or receipt exists")
	}
	return err
}

func (t *tx) UpdateReport(r *core.Report) error {
	body, _ := json.Marshal(r)
	res, err := t.exec(`UPDATE reports SET version = ?, status = ?, urgency = ?, loss_cents = ?, campaign_id = ?, assignee = ?, body = ? WHERE id = ? AND version = ?`,
		r.Version, r.Status, r.Urgency, cents(r.LossTotal), r.CampaignID, r.Assignee, string(body), r.ID, r.Version-1)
	return versioned(res, err, "report", func() error { _, err := t.GetReport(r.ID); return err })
}

// versioned ends a versioned update: when it changed no row, the error
// of exists (not found) or ECONFLICT naming what.
func versioned(res sql.Result, err error, what string, exists func() error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if err := exists(); err != nil {
			return err
		}
		return core.Errorf(core.ECONFLICT, "the %s changed meanwhile: reload it and apply your change again", what)
	}
	return nil
}

func (t *tx) GetReport(id string) (*core.Report, error) {
	return t.oneReport(`SELECT body, secret_hash, campaign_id, version FROM reports WHERE id = ?`, id)
}

func (t *tx) GetReportByReceipt(receipt string) (*core.Report, error) {
	return t.oneReport(`SELECT body, secret_hash, campaign_id, version FROM reports WHERE receipt = ?`, receipt)
}

func (t *tx) oneReport(q string, args ...any) (*core.Report, error) {
	rows, err := t.reports(q, args...)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "report not found")
	}
	return rows[0], nil
}

// reports scans body, secret_hash, campaign_id and version; the columns
// win over the body for what MoveReports changes in bulk.
func (t *tx) reports(q string, args ...any) ([]*core.Report, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Report
	for rows.Next() {
		var body, hash, campaign string
		var version int64
		if err := rows.Scan(&body, &hash, &campaign, &version); err != nil {
			return nil, err
		}
		var r core.Report
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, err
		}
		r.SecretHash, r.CampaignID, r.Version = hash, campaign, version
		out = append(out, &r)
	}
	return out, rows.Err()
}

func (t *tx) ReportQueue(f core.ReportFilter) ([]*core.Report, error) {
	if f.Bureau == "" {
		return nil, nil
	}
	where, args := reportWhere(f)
	q := `SELECT r.body, r.secret_hash, r.campaign_id, r.version FROM reports r LEFT JOIN campaigns c ON c.id = r.campaign_id WHERE ` + where +
		` ORDER BY r.urgency, r.loss_cents DESC, COALESCE(c.reports, 0) DESC, r.created_at, r.id LIMIT ` + itoa(clampLimit(f.Limit))
	if f.Offset > 0 {
		q += ` OFFSET ` + itoa(f.Offset)
	}
	return t.reports(q, args...)
}

func (t *tx) CountReports(f core.ReportFilter) (int, error) {
	if f.Bureau == "" {
		return 0, nil
	}
	where, args := reportWhere(f)
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM reports r WHERE `+where, args...).Scan(&n)
	return n, err
}

// reportWhere is the condition of the queue's filter, on reports as r.
func reportWhere(f core.ReportFilter) (string, []any) {
	q := `r.bureau = ?`
	args := []any{f.Bureau}
	switch f.Status {
	case "all":
	case "":
		q += ` AND r.status <> ?`
		args = append(args, core.ReportClosed)
	default:
		q += ` AND r.status = ?`
		args = append(args, f.Status)
	}
	if f.Campaign != "" {
		q += ` AND r.campaign_id = ?`
		args = append(args, f.Campaign)
	}
	if f.Assignee != "" {
		q += ` AND r.assignee = ?`
		args = append(args, f.Assignee)
	}
	if f.Unassigned {
		q += ` AND r.assignee = ''`
	}
	return q, args
}

func (t *tx) InsertReportFile(reportID string, f core.ReportFile, content []byte) error {
	body, _ := json.Marshal(f)
	_, err := t.exec(`INSERT INTO report_files (id, report_id, created_at, body, content) VALUES (?,?,?,?,?)`,
		f.ID, reportID, t.time(time.Now()), string(body), content)
	return err
}

func (t *tx) ReportFileContent(reportID, fileID string) ([]byte, error) {
	var b []byte
	err := t.queryRow(`SELECT content FROM report_files WHERE id = ? AND report_id = ?`, fileID, reportID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "attachment not found")
	}
	return b, err
}

func (t *tx) LockIndicator(bureau, key string) (*core.IndicatorValue, error) {
	if _, err := t.exec(`INSERT INTO indicator_values (bureau, ikey, count, state) VALUES (?,?,0,?) ON CONFLICT (bureau, ikey) DO NOTHING`,
		bureau, key, core.IndicatorLinking); err != nil {
		return nil, err
	}
	v := &core.IndicatorValue{Bureau: bureau, Key: key}
	err := t.queryRow(`SELECT count, state FROM indicator_values WHERE bureau = ? AND ikey = ?`+t.forUpdate(), bureau, key).Scan(&v.Count, &v.State)
	return v, err
}

func (t *tx) SaveIndicator(v *core.IndicatorValue) error {
	_, err := t.exec(`UPDATE indicator_values SET count = ?, state = ? WHERE bureau = ? AND ikey = ?`, v.Count, v.State, v.Bureau, v.Key)
	return err
}

func (t *tx) AddPosting(bureau, key, reportID string) error {
	_, err := t.exec(`INSERT INTO report_postings (bureau, ikey, report_id) VALUES (?,?,?) ON CONFLICT (bureau, ikey, report_id) DO NOTHING`, bureau, key, reportID)
	return err
}

func (t *tx) PostingCampaigns(bureau, key string) ([]string, error) {
	return t.strings(`SELECT DISTINCT r.campaign_id FROM report_postings p JOIN reports r ON r.id = p.report_id WHERE p.bureau = ? AND p.ikey = ? ORDER BY r.campaign_id`, bureau, key)
}

func (t *tx) strings(q string, args ...any) ([]string, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (t *tx) InsertCampaign(c *core.Campaign) error {
	body, _ := json.Marshal(c)
	_, err := t.exec(`INSERT INTO campaigns (id, version, bureau, reports, merged_into, updated_at, body) VALUES (?,?,?,?,?,?,?)`,
		c.ID, c.Version, c.Bureau, c.Reports, c.MergedInto, t.time(c.UpdatedAt), string(body))
	return err
}

func (t *tx) UpdateCampaign(c *core.Campaign) error {
	body, _ := json.Marshal(c)
	res, err := t.exec(`UPDATE campaigns SET version = ?, reports = ?, merged_into = ?, updated_at = ?, body = ? WHERE id = ? AND version = ?`,
		c.Version, c.Reports, c.MergedInto, t.time(c.UpdatedAt), string(body), c.ID, c.Version-1)
	return versioned(res, err, "campaign", func() error { _, err := t.GetCampaign(c.ID); return err })
}

func (t *tx) GetCampaign(id string) (*core.Campaign, error) {
	cs, err := t.campaigns(`SELECT body, version FROM campaigns WHERE id = ?`+t.forUpdate(), id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "campaign not found")
	}
	return cs[0], nil
}

func (t *tx) ListCampaigns(f core.CampaignFilter) ([]*core.Campaign, error) {
	where, args := campaignWhere(f)
	q := `SELECT body, version FROM campaigns WHERE ` + where + ` ORDER BY reports DESC, id LIMIT ` + itoa(clampLimit(f.Limit))
	if f.Offset > 0 {
		q += ` OFFSET ` + itoa(f.Offset)
	}
	return t.campaigns(q, args...)
}

func (t *tx) CountCampaigns(f core.CampaignFilter) (int, error) {
	where, args := campaignWhere(f)
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM campaigns WHERE `+where, args...).Scan(&n)
	return n, err
}

// campaignWhere is the condition of the campaign list's filter. An empty
// IDs selects every campaign, not none.
func campaignWhere(f core.CampaignFilter) (string, []any) {
	q := `bureau = ? AND merged_into = '' AND reports >= ?`
	args := []any{f.Bureau, f.MinReports}
	if len(f.IDs) > 0 {
		q += ` AND id IN (` + strings.TrimSuffix(strings.Repeat("?,", len(f.IDs)), ",") + `)`
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	return q, args
}

func (t *tx) campaigns(q string, args ...any) ([]*core.Campaign, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Campaign
	for rows.Next() {
		var body string
		var version int64
		if err := rows.Scan(&body, &version); err != nil {
			return nil, err
		}
		var c core.Campaign
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			return nil, err
		}
		c.Version = version
		out = append(out, &c)
	}
	return out, rows.Err()
}

// MoveReports bumps each moved report's version: a writer that read one
// before the move writes it back whole, campaign included, and must
// conflict rather than undo the move.
func (t *tx) MoveReports(from, to string) (int64, error) {
	res, err := t.exec(`UPDATE reports SET campaign_id = ?, version = version + 1 WHERE campaign_id = ?`, to, from)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// CampaignCounts counts a campaign's reports by category (kept in the
// body only) and by the UTC day they were made, in one pass over them.
func (t *tx) CampaignCounts(campaignID string) (categories, days map[string]int, err error) {
	rows, err := t.query(`SELECT COALESCE(`+t.d.JSONText("body", "category")+`, ''), `+t.d.UTCDate("created_at")+`, COUNT(*)
		FROM reports WHERE campaign_id = ? GROUP BY 1, 2`, campaignID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	categories, days = map[string]int{}, map[string]int{}
	for rows.Next() {
		var category, day string
		var n int
		if err := rows.Scan(&category, &day, &n); err != nil {
			return nil, nil, err
		}
		categories[category] += n
		days[day] += n
	}
	return categories, days, rows.Err()
}

func (t *tx) CampaignIndicators(campaignID string, limit int) ([]core.CampaignIndicator, error) {
	rows, err := t.query(`SELECT p.ikey, COUNT(*), MAX(v.count), MAX(v.state) FROM report_postings p
		JOIN reports r ON r.id = p.report_id
		JOIN indicator_values v ON v.bureau = p.bureau AND v.ikey = p.ikey
		WHERE r.campaign_id = ? GROUP BY p.ikey ORDER BY COUNT(*) DESC, p.ikey`+indicatorLimit(limit), campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.CampaignIndicator
	for rows.Next() {
		var c core.CampaignIndicator
		if err := rows.Scan(&c.Key, &c.Reports, &c.Total, &c.State); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// indicatorLimit is CampaignIndicators' LIMIT clause: none for a
// negative limit (every value), else the usual bound.
func indicatorLimit(limit int) string {
	if limit < 0 {
		return ""
	}
	return " LIMIT " + itoa(clampLimit(limit))
}

func (t *tx) UseNonce(nonce string, expires, now time.Time) error {
	if _, err := t.exec(`DELETE FROM pow_nonces WHERE expires_at < ?`, t.time(now)); err != nil {
		return err
	}
	res, err := t.exec(`INSERT INTO pow_nonces (nonce, expires_at) VALUES (?,?) ON CONFLICT (nonce) DO NOTHING`, nonce, t.time(expires))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.ECONFLICT, "this proof-of-work challenge was already used: ask for a new one")
	}
	return nil
}
