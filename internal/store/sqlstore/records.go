package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

const recordCols = `id, kind, owner, status, version, rel_mode, rel_countries, caveats, caveat_text,
	review_date, retain_until, data, created_at, created_by, updated_at, updated_by, status_reason`

// searchText is what text search looks in: every string in the record's
// data, lower-cased in Go so that both databases fold case alike.
func searchText(data []byte) string {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return ""
	}
	var b strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch y := x.(type) {
		case string:
			b.WriteString(strings.ToLower(y))
			b.WriteByte('\n')
		case []any:
			for _, e := range y {
				walk(e)
			}
		case map[string]any:
			keys := make([]string, 0, len(y))
			for k := range y {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(y[k])
			}
		case json.Number:
			b.WriteString(y.String())
			b.WriteByte('\n')
		case float64:
			b.WriteString(strconv.FormatFloat(y, 'f', -1, 64))
			b.WriteByte('\n')
		}
	}
	walk(v)
	return b.String()
}

func (t *tx) InsertRecord(r *core.Record) error {
	rel, _ := json.Marshal(orEmpty(r.Releasability.Countries))
	cav, _ := json.Marshal(orEmpty(r.Caveats))
	_, err := t.exec(`INSERT INTO records (`+recordCols+`, search_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.Kind, r.Owner, r.Status, r.Version, r.Releasability.Mode, string(rel), string(cav), r.CaveatText,
		t.time(r.ReviewDate), t.time(r.RetainUntil), string(r.Data), t.time(r.CreatedAt), r.CreatedBy,
		t.time(r.UpdatedAt), r.UpdatedBy, r.StatusReason, searchText(r.Data))
	if err != nil {
		if t.d.IsUnique(err) {
			return core.Errorf(core.ECONFLICT, "a record with id %s exists", r.ID)
		}
		return err
	}
	if err := t.writeRelease(r, false); err != nil {
		return err
	}
	return t.appendChange(r, "create")
}

func (t *tx) UpdateRecord(r *core.Record) error {
	rel, _ := json.Marshal(orEmpty(r.Releasability.Countries))
	cav, _ := json.Marshal(orEmpty(r.Caveats))
	res, err := t.exec(`UPDATE records SET status=?, version=?, rel_mode=?, rel_countries=?, caveats=?, caveat_text=?,
		review_date=?, retain_until=?, data=?, updated_at=?, updated_by=?, status_reason=?, search_text=?
		WHERE id=? AND version=?`,
		r.Status, r.Version, r.Releasability.Mode, string(rel), string(cav), r.CaveatText,
		t.time(r.ReviewDate), t.time(r.RetainUntil), string(r.Data), t.time(r.UpdatedAt), r.UpdatedBy, r.StatusReason,
		searchText(r.Data), r.ID, r.Version-1)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var v int64
		err := t.queryRow(`SELECT version FROM records WHERE id=?`, r.ID).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return core.Errorf(core.ENOTFOUND, "record not found")
		} else if err != nil {
			return err
		}
		return core.Errorf(core.ECONFLICT, "record is at version %d, not %d: reload it and apply your change again", v, r.Version-1)
	}
	if err := t.writeRelease(r, true); err != nil {
		return err
	}
	return t.appendChange(r, opFor(r))
}

func opFor(r *core.Record) string {
	switch r.Status {
	case core.StatusCancelled:
		return "cancel"
	case core.StatusExpired:
		return "expire"
	}
	return "update"
}

// writeRelease keeps the per-country table that list queries use to apply
// releasability in SQL.
func (t *tx) writeRelease(r *core.Record, replace bool) error {
	if replace {
		if _, err := t.exec(`DELETE FROM record_release WHERE record_id=?`, r.ID); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, c := range r.Releasability.Countries {
		if seen[c] {
			continue
		}
		seen[c] = true
		if _, err := t.exec(`INSERT INTO record_release (record_id, country) VALUES (?, ?)`, r.ID, c); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) appendChange(r *core.Record, op string) error {
	seq, err := t.next("changes")
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO record_changes (seq, record_id, version, op, at) VALUES (?,?,?,?,?)`,
		seq, r.ID, r.Version, op, t.time(time.Now()))
	return err
}

func (t *tx) GetRecord(id string) (*core.Record, error) {
	rows, err := t.query(`SELECT `+recordCols+` FROM records WHERE id=?`, id)
	if err != nil {
		return nil, err
	}
	rs, err := scanRecords(rows)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "record not found")
	}
	return rs[0], nil
}

func (t *tx) RecordVersion(id string) (int64, error) {
	var v int64
	err := t.queryRow(`SELECT version FROM records WHERE id=?`, id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, core.Errorf(core.ENOTFOUND, "record not found")
	}
	return v, err
}

func (t *tx) ListRecords(f core.RecordFilter) ([]*core.Record, error) {
	where, args := visibilitySQL(f.Visible)
	conds := []string{where}
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.Kind != "" {
		add(`kind = ?`, f.Kind)
	}
	if f.Owner != "" {
		add(`owner = ?`, f.Owner)
	}
	if f.Status != "" {
		add(`status = ?`, f.Status)
	}
	if f.Text != "" {
		add(`search_text LIKE ? ESCAPE '\'`, likePattern(f.Text))
	}
	if !f.DueBefore.IsZero() {
		add(`review_date < ?`, t.time(f.DueBefore))
	}
	if f.After != "" {
		add(`id > ?`, f.After)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := t.query(`SELECT `+recordCols+` FROM records WHERE `+strings.Join(conds, " AND ")+` ORDER BY id LIMIT `+itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	return scanRecords(rows)
}

// visibilitySQL translates the access package's Visibility. It may only
// narrow what CanSee allows; callers filter the rows through CanSee again.
func visibilitySQL(v core.Visibility) (string, []any) {
	switch {
	case v.Deny || (v.Bureau == "" && !v.SeeAll):
		return "1=0", nil
	case v.SeeAll:
		return "1=1", nil
	}
	others := `(rel_mode = 'all'
		OR (rel_mode = 'only' AND EXISTS (SELECT 1 FROM record_release rr WHERE rr.record_id = records.id AND rr.country = ?))
		OR (rel_mode = 'except' AND NOT EXISTS (SELECT 1 FROM record_release rr WHERE rr.record_id = records.id AND rr.country = ?)))`
	args := []any{v.Bureau, v.Bureau}
	if v.AllMembersOnly {
		others, args = `rel_mode = 'all'`, nil
	}
	if v.ActiveOnly {
		others = `(status = 'active' AND ` + others + `)`
	}
	if v.OwnerAnyway {
		return `(owner = ? OR ` + others + `)`, append([]any{v.Bureau}, args...)
	}
	return others, args
}

func (t *tx) RecordsPastRetention(at time.Time, limit int) ([]*core.Record, error) {
	limit = clampLimit(limit)
	rows, err := t.query(`SELECT `+recordCols+` FROM records WHERE status = 'active' AND retain_until < ? ORDER BY retain_until LIMIT `+itoa(limit), t.time(at))
	if err != nil {
		return nil, err
	}
	return scanRecords(rows)
}

func (t *tx) Changes(after int64, limit int) ([]core.RecordChange, error) {
	limit = clampLimit(limit)
	rows, err := t.query(`SELECT seq, record_id, version, op, at FROM record_changes WHERE seq > ? ORDER BY seq LIMIT `+itoa(limit), after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.RecordChange
	for rows.Next() {
		var c core.RecordChange
		var at timeCol
		if err := rows.Scan(&c.Seq, &c.RecordID, &c.Version, &c.Op, &at); err != nil {
			return nil, err
		}
		c.At = at.T
		out = append(out, c)
	}
	return out, rows.Err()
}

func (t *tx) LastChange() (int64, error) {
	var n int64
	err := t.queryRow(`SELECT value FROM counters WHERE name = 'changes'`).Scan(&n)
	return n, err
}

func (t *tx) CountRecords() (int64, error) {
	var n int64
	err := t.queryRow(`SELECT count(*) FROM records`).Scan(&n)
	return n, err
}

func scanRecords(rows *sql.Rows) ([]*core.Record, error) {
	defer rows.Close()
	var out []*core.Record
	for rows.Next() {
		var r core.Record
		var cols recordColumns
		if err := rows.Scan(cols.into(&r)...); err != nil {
			return nil, err
		}
		if err := cols.finish(&r); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// recordColumns holds the columns of recordCols that need decoding while
// a row is scanned into a record.
type recordColumns struct {
	rel, cav, data                   string
	review, retain, created, updated timeCol
}

// into lists the scan destinations of recordCols, in order, for r.
func (c *recordColumns) into(r *core.Record) []any {
	return []any{&r.ID, &r.Kind, &r.Owner, &r.Status, &r.Version, &r.Releasability.Mode, &c.rel, &c.cav, &r.CaveatText,
		&c.review, &c.retain, &c.data, &c.created, &r.CreatedBy, &c.updated, &r.UpdatedBy, &r.StatusReason}
}

// finish decodes the scanned columns into r.
func (c *recordColumns) finish(r *core.Record) error {
	if err := json.Unmarshal([]byte(c.rel), &r.Releasability.Countries); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(c.cav), &r.Caveats); err != nil {
		return err
	}
	if len(r.Releasability.Countries) == 0 {
		r.Releasability.Countries = nil
	}
	r.Data = json.RawMessage(c.data)
	r.ReviewDate, r.RetainUntil, r.CreatedAt, r.UpdatedAt = c.review.T, c.retain.T, c.created.T, c.updated.T
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// clampLimit keeps a page size within 1..1000, whatever the caller asked.
func clampLimit(n int) int {
	if n <= 0 || n > 1000 {
		return 1000
	}
	return n
}

// GetRecords reads the records of ids that exist, in one statement and no
// transaction: a single SELECT reads one consistent state of the database
// on both SQLite and PostgreSQL, as a read transaction of one query would,
// without its BEGIN and COMMIT. The screening path reads each answer's
// records this way before deciding what to disclose.
func (s *Store) GetRecords(ctx context.Context, ids []string) ([]*core.Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > maxRecordsRead {
		return nil, core.Errorf(core.EINVALID, "at most %d records are read at once", maxRecordsRead)
	}
	// A few fixed texts (1, 2, 4, 8, 16 or 32 ids, the last repeated to
	// fill) so that they stay prepared.
	n := 1
	for n < len(ids) {
		n *= 2
	}
	args := make([]any, n)
	for i := range args {
		args[i] = ids[min(i, len(ids)-1)]
	}
	q := s.d.Rebind(recordsByID[n])
	var rows *sql.Rows
	var err error
	if st := s.rc.get(q); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = s.r.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return nil, unavailable(err)
	}
	recs, err := scanRecords(rows)
	s.rc.prepare(ctx, s.r)
	return recs, err
}

const maxRecordsRead = core.MaxRecordsRead

var recordsByID = func() map[int]string {
	m := map[int]string{}
	for n := 1; n <= maxRecordsRead; n *= 2 {
		m[n] = `SELECT ` + recordCols + ` FROM records WHERE id IN (` + strings.TrimSuffix(strings.Repeat("?,", n), ",") + `)`
	}
	return m
}()
