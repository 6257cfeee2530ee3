package sqlstore

import (
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// Hits, webhooks, deliveries and threads keep their whole value as JSON in
// a body column, with the columns that queries select on beside it.

func (t *tx) InsertHit(h *core.Hit) error {
	body, _ := json.Marshal(h)
	_, err := t.exec(`INSERT INTO hits (id, version, dedup_key, owner, searcher, record_id, owner_state, searcher_state, first_seen, body, reference) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		h.ID, h.Version, h.DedupKey, h.Owner, h.Searcher, h.RecordID, h.OwnerState, h.SearcherState, t.time(h.FirstSeen), string(body), h.Reference)
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "a hit with id %s exists", h.ID)
	}
	return err
}

func (t *tx) UpdateHit(h *core.Hit) error {
	body, _ := json.Marshal(h)
	res, err := t.exec(`UPDATE hits SET version = ?, owner_state = ?, searcher_state = ?, body = ? WHERE id = ? AND version = ?`,
		h.Version, h.OwnerState, h.SearcherState, string(body), h.ID, h.Version-1)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := t.GetHit(h.ID); err != nil {
			return err
		}
		return core.Errorf(core.ECONFLICT, "the hit changed meanwhile: reload it and apply your change again")
	}
	return nil
}

func (t *tx) GetHit(id string) (*core.Hit, error) {
	return t.oneHit(`SELECT body, dedup_key FROM hits WHERE id = ?`, id)
}

func (t *tx) GetHitByReference(ref string) (*core.Hit, error) {
	return t.oneHit(`SELECT body, dedup_key FROM hits WHERE reference = ? ORDER BY id LIMIT 1`, ref)
}

func (t *tx) NoteProbe(searcher, recordID, variant string, at, since time.Time) (int, int, error) {
	// Variants first seen before the window are forgotten, so that the
	// table holds one window's worth of restricted hits at most.
	if _, err := t.exec(`DELETE FROM hit_probes WHERE searcher = ? AND record_id = ? AND first_seen < ?`, searcher, recordID, t.time(since)); err != nil {
		return 0, 0, err
	}
	var first timeCol
	err := t.queryRow(`SELECT first_seen FROM hit_probes WHERE searcher = ? AND record_id = ? AND variant = ?`, searcher, recordID, variant).Scan(&first)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// A new variant is first seen after every other one, even where
		// two come in one screening (one time) or a replica's clock is
		// behind: the order of first sightings is the order of noting,
		// which a variant's rank stands for.
		var last timeCol
		if err := t.queryRow(`SELECT MAX(first_seen) FROM hit_probes WHERE searcher = ? AND record_id = ?`, searcher, recordID).Scan(&last); err != nil {
			return 0, 0, err
		}
		first = timeCol{T: at.UTC().Truncate(time.Microsecond), Valid: true}
		if last.Valid && !first.T.After(last.T) {
			first.T = last.T.Add(time.Microsecond)
		}
		if _, err := t.exec(`INSERT INTO hit_probes (searcher, record_id, variant, first_seen) VALUES (?,?,?,?)`,
			searcher, recordID, variant, t.time(first.T)); err != nil {
			return 0, 0, err
		}
	case err != nil:
		return 0, 0, err
	}
	var n, rank int
	err = t.queryRow(`SELECT COUNT(*), COUNT(CASE WHEN first_seen <= ? THEN 1 END) FROM hit_probes WHERE searcher = ? AND record_id = ?`,
		t.time(first.T), searcher, recordID).Scan(&n, &rank)
	return n, rank, err
}

func (t *tx) ServerKey(name, fresh string) (string, error) {
	// The first replica to ask stores its fresh key; every other one,
	// now and after restarts, reads that one.
	if _, err := t.exec(`INSERT INTO server_keys (name, value) VALUES (?,?) ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
		return "", err
	}
	var v string
	err := t.queryRow(`SELECT value FROM server_keys WHERE name = ?`, name).Scan(&v)
	return v, err
}

func (t *tx) OpenHit(key string, since time.Time) (*core.Hit, error) {
	return t.oneHit(`SELECT body, dedup_key FROM hits WHERE dedup_key = ? AND first_seen >= ? ORDER BY first_seen DESC LIMIT 1`+t.forUpdate(), key, t.time(since))
}

func (t *tx) oneHit(q string, args ...any) (*core.Hit, error) {
	var body, key string
	err := t.queryRow(q, args...).Scan(&body, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "hit not found")
	}
	if err != nil {
		return nil, err
	}
	var h core.Hit
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		return nil, err
	}
	h.DedupKey = key
	return &h, nil
}

func (t *tx) ListHits(f core.HitFilter) ([]*core.Hit, error) {
	where, args, ok := t.hitWhere(f)
	if !ok {
		return nil, nil
	}
	if f.After != "" {
		where += ` AND id > ?`
		args = append(args, f.After)
	}
	if f.Before != "" {
		where += ` AND id < ?`
		args = append(args, f.Before)
	}
	order := "id"
	if f.Newest {
		order = "id DESC"
	}
	limit := f.Limit
	if limit <= 0 || limit > 100_000 {
		limit = 100_000
	}
	rows, err := t.query(`SELECT body, dedup_key FROM hits WHERE `+where+` ORDER BY `+order+` LIMIT `+itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Hit
	for rows.Next() {
		var body, key string
		if err := rows.Scan(&body, &key); err != nil {
			return nil, err
		}
		var h core.Hit
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			return nil, err
		}
		h.DedupKey = key
		out = append(out, &h)
	}
	return out, rows.Err()
}

func (t *tx) CountHits(f core.HitFilter) (int, error) {
	where, args, ok := t.hitWhere(f)
	if !ok {
		return 0, nil
	}
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM hits WHERE `+where, args...).Scan(&n)
	return n, err
}

// hitWhere is the condition ListHits and CountHits share, cursors aside:
// the count is of what the list pages through. It is false when the
// filter selects nothing (no bureau).
func (t *tx) hitWhere(f core.HitFilter) (string, []any, bool) {
	q := `1=1`
	var args []any
	switch {
	case f.All:
	case f.Bureau == "":
		return "", nil, false
	case f.Side == "owner":
		q += ` AND owner = ?`
		args = append(args, f.Bureau)
	case f.Side == "searcher":
		q += ` AND searcher = ?`
		args = append(args, f.Bureau)
	default:
		q += ` AND (owner = ? OR searcher = ?)`
		args = append(args, f.Bureau, f.Bureau)
	}
	if f.State != "" {
		q += ` AND (owner_state = ? OR searcher_state = ?)`
		args = append(args, f.State, f.State)
	}
	if f.SideState != "" && f.Bureau != "" {
		// Withheld is kept in the body only: it is read there, and only
		// for the searcher's rows already in the state.
		q += ` AND ((owner = ? AND owner_state = ?) OR (owner <> ? AND searcher = ? AND searcher_state = ? AND NOT ` + t.d.JSONTrue("body", "withheld") + `))`
		args = append(args, f.Bureau, f.SideState, f.Bureau, f.Bureau, f.SideState)
	}
	if !f.Since.IsZero() {
		q += ` AND first_seen >= ?`
		args = append(args, t.time(f.Since))
	}
	if !f.Until.IsZero() {
		q += ` AND first_seen < ?`
		args = append(args, t.time(f.Until))
	}
	return q, args, true
}

func (t *tx) InsertWebhook(w *core.Webhook) error {
	body, _ := json.Marshal(w)
	_, err := t.exec(`INSERT INTO webhooks (id, bureau, created_at, body, secret) VALUES (?,?,?,?,?)`, w.ID, w.Bureau, t.time(w.CreatedAt), string(body), w.Secret)
	return err
}

func (t *tx) UpdateWebhook(w *core.Webhook) error {
	body, _ := json.Marshal(w)
	res, err := t.exec(`UPDATE webhooks SET body = ?, secret = ?, previous_secret = ? WHERE id = ?`, string(body), w.Secret, w.PreviousSecret, w.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.ENOTFOUND, "webhook not found")
	}
	return nil
}

func (t *tx) GetWebhook(id string) (*core.Webhook, error) {
	ws, err := t.webhooks(webhookSelect+` WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "webhook not found")
	}
	return ws[0], nil
}

func (t *tx) ListWebhooks(bureau string) ([]*core.Webhook, error) {
	if bureau == "" {
		return t.webhooks(webhookSelect + ` ORDER BY id`)
	}
	return t.webhooks(webhookSelect+` WHERE bureau = ? ORDER BY id`, bureau)
}

// webhookSelect reads what webhooks scans: the body and, beside it, the
// secrets, which the body's JSON never holds.
const webhookSelect = `SELECT body, secret, previous_secret FROM webhooks`

func (t *tx) webhooks(q string, args ...any) ([]*core.Webhook, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Webhook
	for rows.Next() {
		var body, secret, previous string
		if err := rows.Scan(&body, &secret, &previous); err != nil {
			return nil, err
		}
		var w core.Webhook
		if err := json.Unmarshal([]byte(body), &w); err != nil {
			return nil, err
		}
		w.Secret, w.PreviousSecret = secret, previous
		out = append(out, &w)
	}
	return out, rows.Err()
}

// DeleteWebhook removes the subscription; its pending deliveries are
// dead-lettered so that nothing is sent after the bureau withdrew it.
func (t *tx) DeleteWebhook(id string) error {
	res, err := t.exec(`DELETE FROM webhooks WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.ENOTFOUND, "webhook not found")
	}
	ds, err := t.deliveries(`SELECT event_body, body FROM deliveries WHERE webhook_id = ? AND status = ?`, id, core.DeliveryPending)
	if err != nil {
		return err
	}
	for _, d := range ds {
		d.Status, d.LastError = core.DeliveryDead, "the webhook was deleted"
		if err := t.UpdateDelivery(d); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) InsertDelivery(d *core.Delivery) error {
	body, _ := json.Marshal(d)
	_, err := t.exec(`INSERT INTO deliveries (id, webhook_id, status, next_attempt, lease_until, created_at, event_body, body) VALUES (?,?,?,?,?,?,?,?)`,
		d.ID, d.WebhookID, d.Status, t.time(d.NextAttempt), t.time(d.LeaseUntil), t.time(d.CreatedAt), string(d.Body), string(body))
	return err
}

func (t *tx) UpdateDelivery(d *core.Delivery) error {
	body, _ := json.Marshal(d)
	res, err := t.exec(`UPDATE deliveries SET status = ?, next_attempt = ?, lease_until = ?, body = ? WHERE id = ?`,
		d.Status, t.time(d.NextAttempt), t.time(d.LeaseUntil), string(body), d.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.ENOTFOUND, "delivery not found")
	}
	return nil
}

func (t *tx) GetDelivery(id string) (*core.Delivery, error) {
	ds, err := t.deliveries(`SELECT event_body, body FROM deliveries WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "delivery not found")
	}
	return ds[0], nil
}

func (t *tx) ListDeliveries(webhookID string, limit int) ([]*core.Delivery, error) {
	return t.deliveries(`SELECT event_body, body FROM deliveries WHERE webhook_id = ? ORDER BY created_at DESC, id DESC LIMIT `+itoa(clampLimit(limit)), webhookID)
}

func (t *tx) DueDeliveries(at time.Time, limit int) ([]*core.Delivery, error) {
	return t.deliveries(`SELECT event_body, body FROM deliveries WHERE status = ? AND next_attempt <= ? AND lease_until <= ? ORDER BY next_attempt LIMIT `+itoa(clampLimit(limit)),
		core.DeliveryPending, t.time(at), t.time(at))
}

func (t *tx) LeaseDelivery(id string, at, until time.Time) (bool, error) {
	res, err := t.exec(`UPDATE deliveries SET lease_until = ? WHERE id = ? AND status = ? AND lease_until <= ?`, t.time(until), id, core.DeliveryPending, t.time(at))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *tx) deliveries(q string, args ...any) ([]*core.Delivery, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Delivery
	for rows.Next() {
		var ev, body string
		if err := rows.Scan(&ev, &body); err != nil {
			return nil, err
		}
		var d core.Delivery
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			return nil, err
		}
		d.Body = json.RawMessage(ev)
		out = append(out, &d)
	}
	return out, rows.Err()
}

func (t *tx) Cursor(name string) (int64, error) {
	// Creating the row if missing, then touching it, takes its lock.
	// ON CONFLICT keeps a race between replicas from aborting a
	// PostgreSQL transaction.
	if _, err := t.exec(`INSERT INTO cursors (name, value) VALUES (?, 0) ON CONFLICT (name) DO NOTHING`, name); err != nil {
		return 0, err
	}
	if _, err := t.exec(`UPDATE cursors SET value = value WHERE name = ?`, name); err != nil {
		return 0, err
	}
	var v int64
	err := t.queryRow(`SELECT value FROM cursors WHERE name = ?`, name).Scan(&v)
	return v, err
}

func (t *tx) SetCursor(name string, v int64) error {
	_, err := t.exec(`UPDATE cursors SET value = ? WHERE name = ?`, v, name)
	return err
}

func (t *tx) InsertThread(th *core.Thread) error {
	body, _ := json.Marshal(th)
	if _, err := t.exec(`INSERT INTO threads (id, updated_at, body) VALUES (?,?,?)`, th.ID, t.time(th.UpdatedAt), string(body)); err != nil {
		return err
	}
	for _, b := range th.Participants {
		if _, err := t.exec(`INSERT INTO thread_participants (bureau, thread_id) VALUES (?, ?)`, b, th.ID); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) UpdateThread(th *core.Thread) error {
	body, _ := json.Marshal(th)
	res, err := t.exec(`UPDATE threads SET updated_at = ?, body = ? WHERE id = ?`, t.time(th.UpdatedAt), string(body), th.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.ENOTFOUND, "thread not found")
	}
	return nil
}

func (t *tx) GetThread(id string) (*core.Thread, error) {
	ts, err := t.threads(`SELECT body FROM threads WHERE id = ?`+t.forUpdate(), id)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "thread not found")
	}
	return ts[0], nil
}

func (t *tx) ListThreads(bureau string, limit int) ([]*core.Thread, error) {
	return t.threads(`SELECT body FROM threads WHERE id IN (SELECT thread_id FROM thread_participants WHERE bureau = ?) ORDER BY updated_at DESC, id DESC LIMIT `+itoa(clampLimit(limit)), bureau)
}

func (t *tx) threads(q string, args ...any) ([]*core.Thread, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Thread
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var th core.Thread
		if err := json.Unmarshal([]byte(body), &th); err != nil {
			return nil, err
		}
		out = append(out, &th)
	}
	return out, rows.Err()
}

// forUpdate locks the rows a read-write transaction reads; read-only
// transactions cannot lock.
func (t *tx) forUpdate() string {
	if t.readOnly {
		return ""
	}
	return t.d.ForUpdate
}

func (t *tx) InsertMessage(m *core.Message) error {
	body, _ := json.Marshal(m)
	_, err := t.exec(`INSERT INTO messages (id, thread_id, number, body) VALUES (?,?,?,?)`, m.ID, m.ThreadID, m.Number, string(body))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "another message was posted to the thread at the same time: send again")
	}
	return err
}

func (t *tx) ListMessages(threadID string, before, limit int) ([]*core.Message, error) {
	if before <= 0 || before > math.MaxInt32 { // a number's column holds no more
		before = math.MaxInt32
	}
	rows, err := t.query(`SELECT body FROM messages WHERE thread_id = ? AND number < ? ORDER BY number DESC LIMIT ?`, threadID, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Message
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var m core.Message
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			return nil, err
		}
		out = append(out, &m)
	}
	slices.Reverse(out)
	return out, rows.Err()
}
