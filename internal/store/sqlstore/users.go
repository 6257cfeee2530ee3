package sqlstore

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

func itoa(n int) string { return strconv.Itoa(n) }

const userCols = `id, username, display_name, bureau, role, lang, disabled, created_at, password_hash, failed_logins, locked_until`

func (t *tx) InsertUser(u *core.User) error {
	_, err := t.exec(`INSERT INTO users (`+userCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		u.ID, u.Username, u.DisplayName, u.Bureau, u.Role, u.Lang, u.Disabled, t.time(u.CreatedAt), u.PasswordHash,
		u.FailedLogins, t.timePtr(&u.LockedUntil))
	if err != nil && t.d.IsUnique(err) {
		return &core.Error{Code: core.ECONFLICT, Message: "username is taken", Fields: []core.FieldError{{Field: "username", Reason: "already taken"}}}
	}
	return err
}

func (t *tx) UpdateUser(u *core.User) error {
	res, err := t.exec(`UPDATE users SET display_name=?, bureau=?, role=?, lang=?, disabled=?, password_hash=?, failed_logins=?, locked_until=? WHERE id=?`,
		u.DisplayName, u.Bureau, u.Role, u.Lang, u.Disabled, u.PasswordHash, u.FailedLogins, t.timePtr(&u.LockedUntil), u.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.ENOTFOUND, "user not found")
	}
	return nil
}

// CountFailedLogin adds a failed sign-in to a user's count in one
// statement, so that failures counted at the same moment, on any replica,
// are all counted (a read, then a write of the read value plus one, loses
// those committed in between). The max-th failure locks the account until
// lockUntil and starts the count again. It reports whether this failure
// locked the account.
func (t *tx) CountFailedLogin(id string, max int, lockUntil time.Time) (bool, error) {
	var n int
	err := t.queryRow(`UPDATE users SET
		failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END,
		locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
		WHERE id = ? RETURNING failed_logins`, max, max, t.time(lockUntil), id).Scan(&n)
	if err == sql.ErrNoRows {
		return false, core.Errorf(core.ENOTFOUND, "user not found")
	} else if err != nil {
		return false, err
	}
	return n == 0, nil // the count starts again only when the account locks
}

// ClearFailedLogins forgets a user's failed sign-ins and a lock that has
// ended, after a right password, unless the account is locked at now or
// disabled: then it changes nothing and reports false. One statement,
// which waits for a failure being counted, or a disable being written, at
// the same moment and sees the lock or the flag it sets (a read of the
// flag would not wait for a disable not yet committed, whose deletion of
// the user's sessions would then miss the one being opened).
func (t *tx) ClearFailedLogins(id string, now time.Time) (bool, error) {
	res, err := t.exec(`UPDATE users SET failed_logins = 0, locked_until = NULL
		WHERE id = ? AND disabled = ? AND (locked_until IS NULL OR locked_until <= ?)`, id, false, t.time(now))
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	if _, err := t.GetUser(id); err != nil {
		return false, err
	}
	return false, nil
}

func (t *tx) GetUser(id string) (*core.User, error) {
	return t.oneUser(`SELECT `+userCols+` FROM users WHERE id=?`, id)
}

func (t *tx) GetUserByUsername(username string) (*core.User, error) {
	return t.oneUser(`SELECT `+userCols+` FROM users WHERE username=?`, username)
}

func (t *tx) oneUser(q string, arg any) (*core.User, error) {
	us, err := t.users(q, arg)
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "user not found")
	}
	return us[0], nil
}

func (t *tx) ListUsers(bureau string) ([]*core.User, error) {
	if bureau == "" {
		return t.users(`SELECT ` + userCols + ` FROM users ORDER BY username`)
	}
	return t.users(`SELECT `+userCols+` FROM users WHERE bureau=? ORDER BY username`, bureau)
}

func (t *tx) users(q string, args ...any) ([]*core.User, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.User
	for rows.Next() {
		var u core.User
		var created, locked timeCol
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Bureau, &u.Role, &u.Lang, &u.Disabled, &created,
			&u.PasswordHash, &u.FailedLogins, &locked); err != nil {
			return nil, err
		}
		u.CreatedAt, u.LockedUntil = created.T, locked.T
		out = append(out, &u)
	}
	return out, rows.Err()
}

func (t *tx) InsertSession(s *core.Session) error {
	_, err := t.exec(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at, remote) VALUES (?,?,?,?,?)`,
		s.TokenHash, s.UserID, t.time(s.CreatedAt), t.time(s.ExpiresAt), s.Remote)
	return err
}

func (t *tx) GetSession(tokenHash string) (*core.Session, error) {
	var s core.Session
	var created, expires timeCol
	err := t.queryRow(`SELECT token_hash, user_id, created_at, expires_at, remote FROM sessions WHERE token_hash=?`, tokenHash).
		Scan(&s.TokenHash, &s.UserID, &created, &expires, &s.Remote)
	if err == sql.ErrNoRows {
		return nil, core.Errorf(core.ENOTFOUND, "session not found")
	} else if err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt = created.T, expires.T
	return &s, nil
}

func (t *tx) DeleteSession(tokenHash string) error {
	_, err := t.exec(`DELETE FROM sessions WHERE token_hash=?`, tokenHash)
	return err
}

func (t *tx) DeleteUserSessions(userID string) error {
	_, err := t.exec(`DELETE FROM sessions WHERE user_id=?`, userID)
	return err
}

func (t *tx) DeleteExpiredSessions(at time.Time) (int64, error) {
	res, err := t.exec(`DELETE FROM sessions WHERE expires_at < ?`, t.time(at))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

const keyCols = `id, name, bureau, permissions, secret_hash, created_by, created_at, expires_at, revoked_at, last_used_at`

func (t *tx) InsertKey(k *core.APIKey) error {
	perms, _ := json.Marshal(orEmpty(k.Permissions))
	_, err := t.exec(`INSERT INTO api_keys (`+keyCols+`) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		k.ID, k.Name, k.Bureau, string(perms), k.SecretHash, k.CreatedBy, t.time(k.CreatedAt),
		t.timePtr(k.ExpiresAt), t.timePtr(k.RevokedAt), t.timePtr(k.LastUsedAt))
	return err
}

func (t *tx) UpdateKey(k *core.APIKey) error {
	res, err := t.exec(`UPDATE api_keys SET name=?, expires_at=?, revoked_at=?, last_used_at=? WHERE id=?`,
		k.Name, t.timePtr(k.ExpiresAt), t.timePtr(k.RevokedAt), t.timePtr(k.LastUsedAt), k.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.Errorf(core.ENOTFOUND, "key not found")
	}
	return nil
}

func (t *tx) GetKey(id string) (*core.APIKey, error) {
	ks, err := t.keys(`SELECT `+keyCols+` FROM api_keys WHERE id=?`, id)
	if err != nil {
		return nil, err
	}
	if len(ks) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "key not found")
	}
	return ks[0], nil
}

func (t *tx) ListKeys(bureau string) ([]*core.APIKey, error) {
	if bureau == "" {
		return t.keys(`SELECT ` + keyCols + ` FROM api_keys ORDER BY id`)
	}
	return t.keys(`SELECT `+keyCols+` FROM api_keys WHERE bureau=? ORDER BY id`, bureau)
}

func (t *tx) keys(q string, args ...any) ([]*core.APIKey, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*core.APIKey
	for rows.Next() {
		var k core.APIKey
		var perms string
		var created, expires, revoked, used timeCol
		if err := rows.Scan(&k.ID, &k.Name, &k.Bureau, &perms, &k.SecretHash, &k.CreatedBy, &created, &expires, &revoked, &used); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(perms), &k.Permissions); err != nil {
			return nil, err
		}
		k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt = created.T, expires.ptr(), revoked.ptr(), used.ptr()
		out = append(out, &k)
	}
	return out, rows.Err()
}

func (t *tx) AuditHead() (core.AuditHead, error) {
	var h core.AuditHead
	lock := t.d.ForUpdate
	if t.readOnly { // a reader only looks; appenders must serialise
		lock = ""
	}
	err := t.queryRow(`SELECT seq, hash, tree_size FROM audit_head WHERE id = 1`+lock).Scan(&h.Seq, &h.Hash, &h.TreeSize)
	if errors.Is(err, sql.ErrNoRows) { // written by the first migration, never deleted since
		return h, &core.AuditRowError{Reason: "the audit head is missing"}
	}
	return h, err
}

// The audit writer hands over up to a few hundred entries at once: 64
// rows of 12 values, 768 placeholders, stay far under both databases'
// limits.
var (
	auditInsert        = multiRow(`INSERT INTO audit_log (seq, at, actor_type, actor_id, bureau, action, record_ids, query, remote, outcome, prev_hash, hash) VALUES `, 12, 64)
	auditRecordsInsert = multiRow(`INSERT INTO audit_records (record_id, seq) VALUES `, 2, 64)
)

// InsertAudit writes the entries many rows a statement (the grouped
// writer hands over a batch of screenings at once: on PostgreSQL a
// statement each was a round trip each).
func (t *tx) InsertAudit(es []*core.AuditEntry, tree core.AuditTree) error {
	rows := make([]any, 0, 12*len(es))
	var recs []any
	for _, e := range es {
		ids := "[]" // a screening that found nobody: most entries
		if len(e.RecordIDs) > 0 {
			b, _ := json.Marshal(e.RecordIDs)
			ids = string(b)
		}
		rows = append(rows, e.Seq, t.time(e.At), e.ActorType, e.ActorID, e.Bureau, e.Action, ids,
			e.Query, e.Remote, e.Outcome, e.PrevHash, e.Hash)
		for _, id := range slices.Compact(slices.Sorted(slices.Values(e.RecordIDs))) {
			recs = append(recs, id, e.Seq)
		}
	}
	if err := t.insertRows(auditInsert, rows); err != nil {
		return err
	}
	if err := t.insertRows(auditRecordsInsert, recs); err != nil {
		return err
	}
	if err := t.insertTreeHashes(tree.First, tree.Hashes); err != nil {
		return err
	}
	if len(es) == 0 {
		_, err := t.exec(`UPDATE audit_head SET tree_size = ? WHERE id = 1`, tree.Size)
		return err
	}
	last := es[len(es)-1]
	_, err := t.exec(`UPDATE audit_head SET seq = ?, hash = ?, tree_size = ? WHERE id = 1`, last.Seq, last.Hash, tree.Size)
	return err
}

// insertTreeHashes writes hashes at consecutive indexes from first, many
// rows a statement (a group of n entries brings about 2n hashes).
func (t *tx) insertTreeHashes(first int64, hs [][32]byte) error {
	args := make([]any, 0, 2*len(hs))
	for i := range hs {
		args = append(args, first+int64(i), hs[i][:])
	}
	return t.insertRows(treeInsert, args)
}

var treeInsert = multiRow(`INSERT INTO audit_tree (idx, hash) VALUES `, 2, 128)

func (t *tx) AuditHashes(indexes []int64) ([][32]byte, error) {
	out := make([][32]byte, len(indexes))
	pos := make(map[int64][]int, len(indexes))
	for i, x := range indexes {
		pos[x] = append(pos[x], i)
	}
	found := 0
	// In pages of at most 500 indexes: a statement's parameters are bounded.
	for start := 0; start < len(indexes); start += 500 {
		part := indexes[start:min(start+500, len(indexes))]
		args := make([]any, len(part))
		for i, x := range part {
			args[i] = x
		}
		rows, err := t.query(`SELECT idx, hash FROM audit_tree WHERE idx IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var idx int64
			var h []byte
			if err := rows.Scan(&idx, &h); err != nil {
				rows.Close()
				return nil, err
			}
			if len(h) != 32 {
				rows.Close()
				return nil, &core.AuditRowError{Tree: true, TreeIndex: idx, Reason: fmt.Sprintf("column hash has %d bytes, want 32", len(h))}
			}
			for _, i := range pos[idx] {
				copy(out[i][:], h)
				found++
			}
			delete(pos, idx)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if found != len(indexes) {
		for x := range pos {
			return nil, &core.Error{Code: core.ENOTFOUND, Message: fmt.Sprintf("audit tree hash %d is missing", x)}
		}
	}
	return out, nil
}

func (t *tx) AuditRecordRefs(afterSeq, throughSeq int64) ([]core.AuditRecordRef, error) {
	rows, err := t.query(`SELECT seq, record_id FROM audit_records WHERE seq > ? AND seq <= ? ORDER BY seq, record_id`, afterSeq, throughSeq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.AuditRecordRef
	for rows.Next() {
		var r core.AuditRecordRef
		if err := rows.Scan(&r.Seq, &r.RecordID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const auditCols = `seq, at, actor_type, actor_id, bureau, action, record_ids, query, remote, outcome, prev_hash, hash`

func (t *tx) AuditEntries(after int64, limit int) ([]core.AuditEntry, error) {
	limit = clampLimit(limit)
	return t.audit(`SELECT `+auditCols+` FROM audit_log WHERE seq > ? ORDER BY seq LIMIT `+itoa(limit), after)
}

func (t *tx) RecordAudit(recordID string, after int64, limit int) ([]core.AuditEntry, error) {
	limit = clampLimit(limit)
	return t.audit(`SELECT `+auditCols+` FROM audit_log WHERE seq IN (SELECT seq FROM audit_records WHERE record_id = ? AND seq > ?) ORDER BY seq LIMIT `+itoa(limit), recordID, after)
}

func (t *tx) audit(q string, args ...any) ([]core.AuditEntry, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.AuditEntry
	for rows.Next() {
		var e core.AuditEntry
		// The time is parsed once the row is read, not by Scan: SQLite keeps
		// whatever text an altered row holds, and a failure must name the
		// entry's seq.
		var at any
		var ids string
		if err := rows.Scan(&e.Seq, &at, &e.ActorType, &e.ActorID, &e.Bureau, &e.Action, &ids, &e.Query, &e.Remote,
			&e.Outcome, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		var t timeCol
		if err := t.Scan(at); err != nil || !t.Valid {
			if b, ok := at.([]byte); ok {
				at = string(b)
			}
			return out, &core.AuditRowError{Seq: e.Seq, Reason: fmt.Sprintf("its time %#v is not a time", at)}
		}
		e.At = t.T
		if err := json.Unmarshal([]byte(ids), &e.RecordIDs); err != nil {
			return out, &core.AuditRowError{Seq: e.Seq, Reason: fmt.Sprintf("its record ids %q are not a list of ids", ids)}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
