package sqlstore

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// Federation peers keep their whole value as JSON beside a version; the
// outbox keeps each signed bundle as bytes, as it was sealed (the
// sender signs it again with its key of the moment if that changed).

func (t *tx) InsertPeer(p *core.Peer) error {
	body, _ := json.Marshal(p)
	_, err := t.exec(`INSERT INTO fed_peers (id, version, body) VALUES (?,?,?)`, p.ID, p.Version, string(body))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "peer %s is already enrolled", p.ID)
	}
	return err
}

func (t *tx) UpdatePeer(p *core.Peer) error {
	body, _ := json.Marshal(p)
	res, err := t.exec(`UPDATE fed_peers SET version = ?, body = ? WHERE id = ? AND version = ?`, p.Version, string(body), p.ID, p.Version-1)
	return versioned(res, err, "peer", func() error { _, err := t.GetPeer(p.ID, false); return err })
}

func (t *tx) GetPeer(id string, lock bool) (*core.Peer, error) {
	q := `SELECT body, version FROM fed_peers WHERE id = ?`
	if lock {
		q += t.forUpdate()
	}
	ps, err := t.peers(q, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "peer not found")
	}
	return ps[0], nil
}

func (t *tx) ListPeers() ([]*core.Peer, error) {
	return t.peers(`SELECT body, version FROM fed_peers ORDER BY id`)
}

func (t *tx) TouchPeer(id string, at time.Time) error {
	p, err := t.GetPeer(id, true)
	if err != nil {
		return err
	}
	if p.LastContact != nil && !at.After(*p.LastContact) {
		return nil
	}
	at = at.UTC().Truncate(time.Microsecond)
	p.LastContact = &at
	body, _ := json.Marshal(p)
	_, err = t.exec(`UPDATE fed_peers SET body = ? WHERE id = ?`, string(body), id)
	return err
}

func (t *tx) peers(q string, args ...any) ([]*core.Peer, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.Peer
	for rows.Next() {
		var body string
		var version int64
		if err := rows.Scan(&body, &version); err != nil {
			return nil, err
		}
		var p core.Peer
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			return nil, err
		}
		p.Version = version
		out = append(out, &p)
	}
	return out, rows.Err()
}

func (t *tx) InsertEnrolmentToken(et *core.EnrolmentToken) error {
	_, err := t.exec(`INSERT INTO fed_tokens (id, bureau, secret_hash, created_at, expires_at, used_at, url) VALUES (?,?,?,?,?,?,?)`,
		et.ID, et.Bureau, et.SecretHash, t.time(et.CreatedAt), t.time(et.ExpiresAt), t.timePtr(et.UsedAt), et.URL)
	return err
}

func (t *tx) GetEnrolmentToken(id string) (*core.EnrolmentToken, error) {
	var et core.EnrolmentToken
	var created, expires, used timeCol
	err := t.queryRow(`SELECT id, bureau, secret_hash, created_at, expires_at, used_at, url FROM fed_tokens WHERE id = ?`+t.forUpdate(), id).
		Scan(&et.ID, &et.Bureau, &et.SecretHash, &created, &expires, &used, &et.URL)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "enrolment token not found")
	}
	if err != nil {
		return nil, err
	}
	et.CreatedAt, et.ExpiresAt, et.UsedAt = created.T, expires.T, used.ptr()
	return &et, nil
}

func (t *tx) UseEnrolmentToken(id string, at time.Time) error {
	res, err := t.exec(`UPDATE fed_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL`, t.time(at), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.ECONFLICT, "the enrolment token was already used")
	}
	return nil
}

func (t *tx) NextFedSeq(peer string) (int64, error) {
	// The per-peer counter row is locked until commit, so sequence
	// numbers are handed out in commit order, without gaps.
	if _, err := t.exec(`INSERT INTO fed_outbox_seq (peer, last_seq) VALUES (?, 0) ON CONFLICT (peer) DO NOTHING`, peer); err != nil {
		return 0, err
	}
	if _, err := t.exec(`UPDATE fed_outbox_seq SET last_seq = last_seq + 1 WHERE peer = ?`, peer); err != nil {
		return 0, err
	}
	var seq int64
	err := t.queryRow(`SELECT last_seq FROM fed_outbox_seq WHERE peer = ?`, peer).Scan(&seq)
	return seq, err
}

func (t *tx) InsertFed(m *core.FedMessage) error {
	_, err := t.exec(`INSERT INTO fed_outbox (peer, seq, message_id, object_id, object_version, type, body, state, created_at, attempts, next_attempt, last_error, delivered_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		m.Peer, m.Seq, m.MessageID, m.ObjectID, m.ObjectVersion, m.Type, m.Body, m.State, t.time(m.CreatedAt), m.Attempts,
		t.time(m.NextAttempt), m.LastError, t.timePtr(m.DeliveredAt))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "message %s is already queued for %s", m.MessageID, m.Peer)
	}
	return err
}

func (t *tx) FedSent(peer, objectID string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM fed_outbox WHERE peer = ? AND object_id = ?`, peer, objectID).Scan(&n)
	return n > 0, err
}

func (t *tx) HasFedMessage(peer, messageID string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM fed_outbox WHERE peer = ? AND message_id = ?`, peer, messageID).Scan(&n)
	return n > 0, err
}

func (t *tx) NextFed(peer string, limit int) ([]*core.FedMessage, error) {
	const cols = `SELECT peer, seq, message_id, object_id, object_version, type, body, state, created_at, attempts, next_attempt, last_error, delivered_at
		FROM fed_outbox WHERE peer = ? AND state = ? `
	n := clampLimit(limit)
	out, err := t.fedMessages(cols+`ORDER BY seq LIMIT `+itoa(n), peer, core.FedPending)
	if err != nil {
		return nil, err
	}
	// Failed messages whose place is still to be handed over are few and
	// short-lived: read apart, so that the pending ones are still read
	// from the (peer, state, seq) index in order, without a sort.
	failed, err := t.fedMessages(cols+`AND delivered_at IS NULL ORDER BY seq LIMIT `+itoa(n), peer, core.FedFailed)
	if err != nil || len(failed) == 0 {
		return out, err
	}
	out = append(out, failed...)
	slices.SortFunc(out, func(a, b *core.FedMessage) int { return cmp.Compare(a.Seq, b.Seq) })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

func (t *tx) fedMessages(q string, args ...any) ([]*core.FedMessage, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.FedMessage
	for rows.Next() {
		var m core.FedMessage
		var created, next, delivered timeCol
		if err := rows.Scan(&m.Peer, &m.Seq, &m.MessageID, &m.ObjectID, &m.ObjectVersion, &m.Type, &m.Body, &m.State, &created,
			&m.Attempts, &next, &m.LastError, &delivered); err != nil {
			return nil, err
		}
		m.CreatedAt, m.NextAttempt, m.DeliveredAt = created.T, next.T, delivered.ptr()
		out = append(out, &m)
	}
	return out, rows.Err()
}

func (t *tx) UpdateFed(m *core.FedMessage, readState string, readAttempts int) (bool, error) {
	res, err := t.exec(`UPDATE fed_outbox SET state = ?, attempts = ?, next_attempt = ?, last_error = ?, delivered_at = ? WHERE peer = ? AND seq = ? AND state = ? AND attempts = ?`,
		m.State, m.Attempts, t.time(m.NextAttempt), m.LastError, t.timePtr(m.DeliveredAt), m.Peer, m.Seq, readState, readAttempts)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (t *tx) FailedFed(peer, messageID string, limit int) ([]*core.FedMessage, error) {
	q := `SELECT peer, seq, message_id, object_id, object_version, type, body, state, created_at, attempts, next_attempt, last_error, delivered_at
		FROM fed_outbox WHERE peer = ? AND state = ?`
	args := []any{peer, core.FedFailed}
	if messageID != "" {
		q += ` AND message_id = ?`
		args = append(args, messageID)
	}
	return t.fedMessages(q+` ORDER BY seq LIMIT `+itoa(clampLimit(limit)), args...)
}

func (t *tx) FedAfter(peer, objectID string, seq int64) (int64, error) {
	var next int64
	err := t.queryRow(`SELECT COALESCE(MIN(seq), 0) FROM fed_outbox WHERE peer = ? AND object_id = ? AND seq > ?`, peer, objectID, seq).Scan(&next)
	return next, err
}

func (t *tx) FedLag(peer string) (core.PeerLag, error) {
	var l core.PeerLag
	var oldest timeCol
	if err := t.queryRow(`SELECT COUNT(*), MIN(created_at) FROM fed_outbox WHERE peer = ? AND (state = ? OR (state = ? AND delivered_at IS NULL))`,
		peer, core.FedPending, core.FedFailed).Scan(&l.Pending, &oldest); err != nil {
		return l, err
	}
	l.OldestSince = oldest.ptr()
	if err := t.queryRow(`SELECT COUNT(*) FROM fed_outbox WHERE peer = ? AND state = ?`, peer, core.FedFailed).Scan(&l.Failed); err != nil {
		return l, err
	}
	if err := t.queryRow(`SELECT COUNT(*) FROM fed_refusals WHERE peer = ?`, peer).Scan(&l.Refused); err != nil {
		return l, err
	}
	if err := t.queryRow(`SELECT COALESCE(MAX(last_seq), 0) FROM fed_outbox_seq WHERE peer = ?`, peer).Scan(&l.LastSeq); err != nil {
		return l, err
	}
	err := t.queryRow(`SELECT last_error FROM fed_outbox WHERE peer = ? AND state = ? ORDER BY seq LIMIT 1`, peer, core.FedPending).Scan(&l.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return l, err
}

func (t *tx) Applied(origin, messageID string, version int64) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM fed_applied WHERE origin = ? AND message_id = ? AND object_version = ?`, origin, messageID, version).Scan(&n)
	return n > 0, err
}

func (t *tx) MarkApplied(origin, messageID string, version, seq int64, at time.Time) error {
	_, err := t.exec(`INSERT INTO fed_applied (origin, message_id, object_version, seq, applied_at) VALUES (?,?,?,?,?)`,
		origin, messageID, version, seq, t.time(at))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "message %s (version %d) was already applied", messageID, version)
	}
	return err
}

// TrimQueryIDs reads the rows to delete through the (origin, seq) index,
// where a query id sits at seq 0: bounded, without a scan of the
// sequenced messages applied.
func (t *tx) TrimQueryIDs(origin string, before time.Time, limit int) (int, error) {
	res, err := t.exec(`DELETE FROM fed_applied WHERE origin = ? AND seq = 0 AND message_id IN (
		SELECT message_id FROM fed_applied WHERE origin = ? AND seq = 0 AND applied_at < ? LIMIT `+itoa(clampLimit(limit))+`)`,
		origin, origin, t.time(before))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (t *tx) InsertFedRefusal(r *core.FedRefusal) error {
	_, err := t.exec(`INSERT INTO fed_refusals (id, peer, direction, message_id, type, reason, at) VALUES (?,?,?,?,?,?,?)`,
		r.ID, r.Peer, r.Direction, r.MessageID, r.Type, r.Reason, t.time(r.At))
	return err
}

func (t *tx) FedRefusals(peer string, limit int) ([]*core.FedRefusal, error) {
	q := `SELECT id, peer, direction, message_id, type, reason, at FROM fed_refusals`
	var args []any
	if peer != "" {
		q += ` WHERE peer = ?`
		args = append(args, peer)
	}
	rows, err := t.query(q+` ORDER BY at DESC, id DESC LIMIT `+itoa(clampLimit(limit)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.FedRefusal
	for rows.Next() {
		var r core.FedRefusal
		var at timeCol
		if err := rows.Scan(&r.ID, &r.Peer, &r.Direction, &r.MessageID, &r.Type, &r.Reason, &at); err != nil {
			return nil, err
		}
		r.At = at.T
		out = append(out, &r)
	}
	return out, rows.Err()
}

func (t *tx) FedLastObject(peer, objectID string) (int64, time.Time, error) {
	var v int64
	var at timeCol
	err := t.queryRow(`SELECT object_version, created_at FROM fed_outbox WHERE peer = ? AND object_id = ? AND state NOT IN (?, ?, ?) ORDER BY object_version DESC LIMIT 1`,
		peer, objectID, core.FedRefused, core.FedFailed, core.FedRequeued).Scan(&v, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	return v, at.T, err
}

func (t *tx) InsertPeerCheckpoint(c *core.PeerCheckpoint) error {
	keys, _ := json.Marshal(c.VerifierKeys)
	_, err := t.exec(`INSERT INTO fed_checkpoints (peer, size, origin, root_hash, note, verifier_keys, message_id, created_at, received_at) VALUES (?,?,?,?,?,?,?,?,?)`,
		c.Peer, c.Size, c.Origin, c.RootHash, c.Note, string(keys), c.MessageID, t.time(c.CreatedAt), t.time(c.ReceivedAt))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "a checkpoint of size %d from %s is already held", c.Size, c.Peer)
	}
	return err
}

func (t *tx) LatestPeerCheckpoint(peer string) (*core.PeerCheckpoint, error) {
	var c core.PeerCheckpoint
	var keys string
	var created, received timeCol
	err := t.queryRow(`SELECT peer, size, origin, root_hash, note, verifier_keys, message_id, created_at, received_at FROM fed_checkpoints
		WHERE peer = ? ORDER BY size DESC LIMIT 1`, peer).Scan(&c.Peer, &c.Size, &c.Origin, &c.RootHash, &c.Note, &keys, &c.MessageID, &created, &received)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "no checkpoint from %s is held", peer)
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(keys), &c.VerifierKeys); err != nil {
		return nil, err
	}
	c.CreatedAt, c.ReceivedAt = created.T, received.T
	return &c, nil
}

func (t *tx) FedSentTo(peer string, afterSeq int64, limit int) ([]core.FedExchanged, error) {
	return t.exchanged(`SELECT message_id, seq, type, state, delivered_at FROM fed_outbox WHERE peer = ? AND state <> ? AND delivered_at IS NOT NULL AND seq > ? ORDER BY seq LIMIT `+
		itoa(clampLimit(limit)), peer, core.FedPending, afterSeq)
}

func (t *tx) FedReceivedFrom(origin string, afterSeq int64, limit int) ([]core.FedExchanged, error) {
	return t.exchanged(`SELECT message_id, seq, '', 'applied', applied_at FROM fed_applied WHERE origin = ? AND seq > ? ORDER BY seq LIMIT `+
		itoa(clampLimit(limit)), origin, afterSeq)
}

func (t *tx) exchanged(q string, args ...any) ([]core.FedExchanged, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.FedExchanged
	for rows.Next() {
		var x core.FedExchanged
		var at timeCol
		if err := rows.Scan(&x.MessageID, &x.Seq, &x.Type, &x.State, &at); err != nil {
			return nil, err
		}
		x.At = at.T
		out = append(out, x)
	}
	return out, rows.Err()
}
