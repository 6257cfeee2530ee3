package sqlstore

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

const noticeCols = `n.id, n.type, n.diffusion, n.state, n.entity_id, n.public_extract, n.countries, n.revision, n.submitted_at,
	n.reviewer, n.review_started_at, n.decided_at, n.decision, n.reason_category, n.reason, n.published_at, n.expires_at,
	n.expiring_sent, n.end_reason, n.created_at, n.updated_at`

// qualifiedRecordCols is recordCols prefixed by the table, for joins.
var qualifiedRecordCols = func() string {
	parts := strings.Split(recordCols, ",")
	for i, p := range parts {
		parts[i] = "records." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}()

func countriesText(cs []string) string {
	if len(cs) == 0 {
		return ""
	}
	return " " + strings.Join(cs, " ") + " "
}

func (t *tx) InsertNotice(n *core.Notice) error {
	_, err := t.exec(`INSERT INTO notice_state (id, type, diffusion, state, entity_id, public_extract, countries, revision, submitted_at,
		reviewer, review_started_at, decided_at, decision, reason_category, reason, published_at, expires_at, expiring_sent, end_reason,
		created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		n.ID, n.Type, n.Diffusion, n.State, n.EntityID, n.PublicExtract, countriesText(n.Countries), n.Revision, t.timePtr(n.SubmittedAt),
		n.Reviewer, t.timePtr(n.ReviewStarted), t.timePtr(n.DecidedAt), n.Decision, n.ReasonCategory, n.Reason, t.timePtr(n.PublishedAt),
		t.timePtr(n.ExpiresAt), n.ExpiringSent, n.EndReason, t.time(n.CreatedAt), t.time(n.UpdatedAt))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "notice %s exists", n.ID)
	}
	return err
}

func (t *tx) UpdateNotice(n *core.Notice) error {
	res, err := t.exec(`UPDATE notice_state SET type=?, diffusion=?, state=?, entity_id=?, public_extract=?, countries=?, revision=?,
		submitted_at=?, reviewer=?, review_started_at=?, decided_at=?, decision=?, reason_category=?, reason=?, published_at=?,
		expires_at=?, expiring_sent=?, end_reason=?, updated_at=? WHERE id=?`,
		n.Type, n.Diffusion, n.State, n.EntityID, n.PublicExtract, countriesText(n.Countries), n.Revision, t.timePtr(n.SubmittedAt),
		n.Reviewer, t.timePtr(n.ReviewStarted), t.timePtr(n.DecidedAt), n.Decision, n.ReasonCategory, n.Reason, t.timePtr(n.PublishedAt),
		t.timePtr(n.ExpiresAt), n.ExpiringSent, n.EndReason, t.time(n.UpdatedAt), n.ID)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return core.Errorf(core.ENOTFOUND, "notice not found")
	}
	return nil
}

func (t *tx) GetNotice(id string) (*core.Notice, error) {
	n, err := scanNotice(t.queryRow(`SELECT `+noticeCols+` FROM notice_state n WHERE n.id=?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "notice not found")
	}
	return n, err
}

type scanner interface{ Scan(...any) error }

func scanNotice(s scanner, more ...any) (*core.Notice, error) {
	var n core.Notice
	var countries string
	var submitted, started, decided, published, expires, created, updated timeCol
	dest := []any{&n.ID, &n.Type, &n.Diffusion, &n.State, &n.EntityID, &n.PublicExtract, &countries, &n.Revision, &submitted,
		&n.Reviewer, &started, &decided, &n.Decision, &n.ReasonCategory, &n.Reason, &published, &expires,
		&n.ExpiringSent, &n.EndReason, &created, &updated}
	if err := s.Scan(append(dest, more...)...); err != nil {
		return nil, err
	}
	n.Countries = strings.Fields(countries)
	n.SubmittedAt, n.ReviewStarted, n.DecidedAt, n.PublishedAt, n.ExpiresAt = submitted.ptr(), started.ptr(), decided.ptr(), published.ptr(), expires.ptr()
	n.CreatedAt, n.UpdatedAt = created.T, updated.T
	return &n, nil
}

// scanNoticeRows reads rows of noticeCols followed by the record's columns.
func scanNoticeRows(rows *sql.Rows) ([]core.NoticeRow, error) {
	defer rows.Close()
	var out []core.NoticeRow
	for rows.Next() {
		var r core.Record
		var cols recordColumns
		n, err := scanNotice(rows, cols.into(&r)...)
		if err != nil {
			return nil, err
		}
		if err := cols.finish(&r); err != nil {
			return nil, err
		}
		out = append(out, core.NoticeRow{Notice: n, Record: &r})
	}
	return out, rows.Err()
}

func (t *tx) ListNotices(f core.NoticeFilter) ([]core.NoticeRow, error) {
	conds, args := t.noticeWhere(f)
	if f.After != "" {
		conds, args = append(conds, `n.id > ?`), append(args, f.After)
	}
	if f.Before != "" {
		conds, args = append(conds, `n.id < ?`), append(args, f.Before)
	}
	order := "n.id"
	if f.Newest {
		order = "n.id DESC"
	}
	return t.noticeRows(strings.Join(conds, " AND "), order, f.Limit, args...)
}

func (t *tx) CountListed(f core.NoticeFilter) (int, error) {
	conds, args := t.noticeWhere(f)
	var n int
	err := t.queryRow(`SELECT count(*) FROM notice_state n JOIN records ON records.id = n.id WHERE `+strings.Join(conds, " AND "), args...).Scan(&n)
	return n, err
}

// noticeWhere is the condition ListNotices and CountListed share, cursors
// aside, on notice_state as n joined with records: the count is of what
// the list pages through.
func (t *tx) noticeWhere(f core.NoticeFilter) ([]string, []any) {
	where, args := visibilitySQL(f.Visible)
	conds := []string{where}
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.Type != "" {
		add(`n.type = ?`, f.Type)
	}
	ended := `records.status IN ('` + core.StatusCancelled + `', '` + core.StatusExpired + `')`
	switch {
	case f.State == "":
	case !f.EnvelopeState:
		add(`n.state = ?`, f.State)
	case f.State == core.NoticeCancelled || f.State == core.NoticeExpired:
		add(`(records.status = ? OR (n.state = ? AND NOT `+ended+`))`, f.State, f.State)
	default:
		add(`n.state = ? AND NOT `+ended, f.State)
	}
	if f.Owner != "" {
		add(`records.owner = ?`, f.Owner)
	}
	if f.Country != "" {
		// Codes are upper-case letters: no wildcard to escape, and no
		// case folding (PostgreSQL's LIKE is case-sensitive, SQLite's not).
		add(`n.countries LIKE ?`, "% "+strings.ToUpper(f.Country)+" %")
	}
	if f.Diffusion != nil {
		add(`n.diffusion = ?`, *f.Diffusion)
	}
	if f.PublicExtract {
		add(`(n.public_extract = ? OR n.type = 'un')`, true)
	}
	if !f.CreatedFrom.IsZero() {
		add(`n.created_at >= ?`, t.time(f.CreatedFrom))
	}
	if !f.CreatedTo.IsZero() {
		add(`n.created_at < ?`, t.time(f.CreatedTo))
	}
	if f.EntityID != "" {
		add(`n.entity_id = ?`, f.EntityID)
	}
	return conds, args
}

// noticeRows reads notices with their records: those where selects, in
// order, at most limit (clamped) of them.
func (t *tx) noticeRows(where, order string, limit int, args ...any) ([]core.NoticeRow, error) {
	rows, err := t.query(`SELECT `+noticeCols+`, `+qualifiedRecordCols+` FROM notice_state n JOIN records ON records.id = n.id
		WHERE `+where+` ORDER BY `+order+` LIMIT `+itoa(clampLimit(limit)), args...)
	if err != nil {
		return nil, err
	}
	return scanNoticeRows(rows)
}

func inStates(states []string) (string, []any) {
	ph := make([]string, len(states))
	args := make([]any, len(states))
	for i, s := range states {
		ph[i], args[i] = "?", s
	}
	return "n.state IN (" + strings.Join(ph, ",") + ")", args
}

func (t *tx) NoticeQueue(states []string, limit int) ([]core.NoticeRow, error) {
	cond, args := inStates(states)
	return t.noticeRows(cond, "n.submitted_at, n.id", limit, args...)
}

func (t *tx) NoticesDue(at time.Time, unwarned bool, limit int) ([]core.NoticeRow, error) {
	cond, args := "", []any{t.time(at)}
	if unwarned {
		cond, args = ` AND n.expiring_sent = ?`, append(args, false)
	}
	return t.noticeRows(`n.state = 'published' AND n.expires_at < ?`+cond, "n.expires_at, n.id", limit, args...)
}

func (t *tx) CountNotices(typ, owner string, states []string) (int, error) {
	cond, args := inStates(states)
	q := `SELECT count(*) FROM notice_state n JOIN records ON records.id = n.id WHERE n.type = ? AND n.diffusion = ? AND ` + cond
	args = append([]any{typ, false}, args...)
	if owner != "" {
		q += ` AND records.owner = ?`
		args = append(args, owner)
	}
	var k int
	err := t.queryRow(q, args...).Scan(&k)
	return k, err
}

func (t *tx) LockNoticeType(typ string) error {
	_, err := t.nextCreated("notice_quota_" + typ)
	return err
}

// LockName moves a counter of that name: the row stays locked until the
// transaction ends. Where the database locks no rows (SQLite, whose one
// writer already runs transactions one after another) there is nothing to
// take.
func (t *tx) LockName(name string) error {
	if t.d.ForUpdate == "" {
		return nil
	}
	_, err := t.nextCreated("lock:" + name)
	return err
}

func (t *tx) LockNotice(id string) error {
	// FOR UPDATE on PostgreSQL; on SQLite the transaction already holds the
	// one writer's lock, so the read only confirms the row is there.
	var got string
	err := t.queryRow(`SELECT id FROM notice_state WHERE id = ?`+t.forUpdate(), id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Errorf(core.ENOTFOUND, "notice not found")
	}
	return err
}

func (t *tx) NextEntityNumber(year int) (int64, error) {
	return t.nextCreated("notice_entity_" + strconv.Itoa(year))
}

// nextCreated is next on a counter created (at 0) if absent.
func (t *tx) nextCreated(name string) (int64, error) {
	if _, err := t.exec(`INSERT INTO counters (name, value) VALUES (?, 0) ON CONFLICT (name) DO NOTHING`, name); err != nil {
		return 0, err
	}
	return t.next(name)
}

func (t *tx) UnadoptedNotices(limit int) ([]*core.Record, error) {
	rows, err := t.query(`SELECT ` + qualifiedRecordCols + ` FROM records WHERE records.kind = 'notice'
		AND NOT EXISTS (SELECT 1 FROM notice_state n WHERE n.id = records.id) ORDER BY records.id LIMIT ` + itoa(clampLimit(limit)))
	if err != nil {
		return nil, err
	}
	return scanRecords(rows)
}

func (t *tx) InsertNoticeVersion(nv *core.NoticeVersion) error {
	rel, _ := json.Marshal(orEmpty(nv.Releasability.Countries))
	_, err := t.exec(`INSERT INTO notice_versions (notice_id, revision, at, by_actor, bureau, reason, state, rel_mode, rel_countries, data)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, nv.NoticeID, nv.Revision, t.time(nv.At), nv.By, nv.Bureau, nv.Reason, nv.State,
		nv.Releasability.Mode, string(rel), string(nv.Data))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "version %d of notice %s exists", nv.Revision, nv.NoticeID)
	}
	return err
}

func (t *tx) NoticeVersions(id string) ([]core.NoticeVersion, error) {
	rows, err := t.query(`SELECT notice_id, revision, at, by_actor, bureau, reason, state, rel_mode, rel_countries, data
		FROM notice_versions WHERE notice_id=? ORDER BY revision`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.NoticeVersion
	for rows.Next() {
		var nv core.NoticeVersion
		var at timeCol
		var rel, data string
		if err := rows.Scan(&nv.NoticeID, &nv.Revision, &at, &nv.By, &nv.Bureau, &nv.Reason, &nv.State, &nv.Releasability.Mode, &rel, &data); err != nil {
			return nil, err
		}
		nv.At = at.T
		if err := json.Unmarshal([]byte(rel), &nv.Releasability.Countries); err != nil {
			return nil, err
		}
		if len(nv.Releasability.Countries) == 0 {
			nv.Releasability.Countries = nil
		}
		nv.Data = json.RawMessage(data)
		out = append(out, nv)
	}
	return out, rows.Err()
}

const attachmentCols = `id, notice_id, name, content_type, size, sha256, role, created_at, created_by`

func (t *tx) InsertAttachment(a *core.Attachment) error {
	_, err := t.exec(`INSERT INTO notice_attachments (`+attachmentCols+`, content) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		a.ID, a.NoticeID, a.Name, a.ContentType, a.Size, a.SHA256, a.Role, t.time(a.CreatedAt), a.CreatedBy, a.Content)
	return err
}

// scanAttachment reads attachmentCols, and with content the content.
func scanAttachment(s scanner, content bool) (core.Attachment, error) {
	var a core.Attachment
	var created timeCol
	dest := []any{&a.ID, &a.NoticeID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.Role, &created, &a.CreatedBy}
	if content {
		dest = append(dest, &a.Content)
	}
	if err := s.Scan(dest...); err != nil {
		return a, err
	}
	a.CreatedAt = created.T
	return a, nil
}

func (t *tx) GetAttachment(noticeID, id string) (*core.Attachment, error) {
	a, err := scanAttachment(t.queryRow(`SELECT `+attachmentCols+`, content FROM notice_attachments WHERE notice_id=? AND id=?`, noticeID, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "attachment not found")
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

func (t *tx) Attachments(noticeID string) ([]core.Attachment, error) {
	rows, err := t.query(`SELECT `+attachmentCols+` FROM notice_attachments WHERE notice_id=? ORDER BY id`, noticeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) AttachmentBytes(noticeID string) (int64, error) {
	var n int64
	err := t.queryRow(`SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM notice_attachments WHERE notice_id=?`, noticeID).Scan(&n)
	return n, err
}

// sumsBatch is how many sums one query asks about: the list is padded to
// it, so that the query's text, and its prepared statement, is always the
// same.
const sumsBatch = 100

func (t *tx) AttachmentSumsStored(sums []string) (map[string]bool, error) {
	out := map[string]bool{}
	q := `SELECT DISTINCT sha256 FROM notice_attachments WHERE sha256 IN (?` + strings.Repeat(",?", sumsBatch-1) + `)`
	for len(sums) > 0 {
		n := min(len(sums), sumsBatch)
		args := make([]any, sumsBatch)
		for i := range args {
			args[i] = sums[min(i, n-1)]
		}
		sums = sums[n:]
		rows, err := t.query(q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, err
			}
			out[s] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
