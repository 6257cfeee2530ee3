package sqlstore

import (
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/manara-hub/manara/internal/core"
)

// The General Assembly keeps each value as JSON in a body column, with the
// columns that are selected on or must be unique beside it. The version
// column wins over the body's.

func (t *tx) InsertAssemblySession(s *core.AssemblySession) error {
	body, _ := json.Marshal(s)
	_, err := t.exec(`INSERT INTO assembly_sessions (id, number, version, body) VALUES (?,?,?,?)`, s.ID, s.Number, s.Version, string(body))
	if err != nil && t.d.IsUnique(err) {
		return core.Invalid(core.FieldError{Field: "number", Reason: "a session with this number exists"})
	}
	return err
}

func (t *tx) UpdateAssemblySession(s *core.AssemblySession) error {
	body, _ := json.Marshal(s)
	res, err := t.exec(`UPDATE assembly_sessions SET version = ?, body = ? WHERE id = ? AND version = ?`, s.Version, string(body), s.ID, s.Version-1)
	return versioned(res, err, "session", func() error { _, err := t.GetAssemblySession(s.ID); return err })
}

func (t *tx) GetAssemblySession(id string) (*core.AssemblySession, error) {
	out, err := scanBodies[core.AssemblySession](t, `SELECT body, version FROM assembly_sessions WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "session not found")
	}
	return out[0], nil
}

func (t *tx) LockAssemblySession(id string) (*core.AssemblySession, error) {
	// FOR UPDATE on PostgreSQL; on SQLite the transaction already holds the
	// one writer's lock, so a plain read is as good.
	out, err := scanBodies[core.AssemblySession](t, `SELECT body, version FROM assembly_sessions WHERE id = ?`+t.forUpdate(), id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "session not found")
	}
	return out[0], nil
}

func (t *tx) ListAssemblySessions(limit int) ([]*core.AssemblySession, error) {
	return scanBodies[core.AssemblySession](t, `SELECT body, version FROM assembly_sessions ORDER BY number DESC LIMIT `+itoa(clampLimit(limit)))
}

func (t *tx) InsertDelegation(d *core.Delegation) error {
	body, _ := json.Marshal(d)
	_, err := t.exec(`INSERT INTO assembly_delegations (id, session_id, seat, version, body) VALUES (?,?,?,?,?)`, d.ID, d.SessionID, d.Seat(), d.Version, string(body))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "a delegation for this seat (%s) is already registered in the session", d.Seat())
	}
	return err
}

func (t *tx) UpdateDelegation(d *core.Delegation) error {
	body, _ := json.Marshal(d)
	res, err := t.exec(`UPDATE assembly_delegations SET version = ?, body = ? WHERE id = ? AND version = ?`, d.Version, string(body), d.ID, d.Version-1)
	return versioned(res, err, "delegation", func() error { _, err := t.GetDelegation(d.ID); return err })
}

func (t *tx) GetDelegation(id string) (*core.Delegation, error) {
	out, err := scanBodies[core.Delegation](t, `SELECT body, version FROM assembly_delegations WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "delegation not found")
	}
	return out[0], nil
}

func (t *tx) ListDelegations(sessionID string) ([]*core.Delegation, error) {
	return scanBodies[core.Delegation](t, `SELECT body, version FROM assembly_delegations WHERE session_id = ? ORDER BY seat`, sessionID)
}

func (t *tx) InsertAgendaItem(it *core.AgendaItem) error {
	body, _ := json.Marshal(it)
	_, err := t.exec(`INSERT INTO assembly_items (id, session_id, number, version, body) VALUES (?,?,?,?,?)`, it.ID, it.SessionID, it.Number, it.Version, string(body))
	return err
}

func (t *tx) UpdateAgendaItem(it *core.AgendaItem) error {
	body, _ := json.Marshal(it)
	res, err := t.exec(`UPDATE assembly_items SET number = ?, version = ?, body = ? WHERE id = ? AND version = ?`, it.Number, it.Version, string(body), it.ID, it.Version-1)
	return versioned(res, err, "agenda item", func() error { _, err := t.GetAgendaItem(it.ID); return err })
}

func (t *tx) GetAgendaItem(id string) (*core.AgendaItem, error) {
	out, err := scanBodies[core.AgendaItem](t, `SELECT body, version FROM assembly_items WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "agenda item not found")
	}
	return out[0], nil
}

func (t *tx) ListAgendaItems(sessionID string) ([]*core.AgendaItem, error) {
	return scanBodies[core.AgendaItem](t, `SELECT body, version FROM assembly_items WHERE session_id = ? ORDER BY number, id`, sessionID)
}

func (t *tx) InsertRound(r *core.Round, sealedKey []byte) error {
	body, _ := json.Marshal(r)
	if _, err := t.exec(`INSERT INTO assembly_rounds (id, session_id, item_id, number, state, closes_at, version, body) VALUES (?,?,?,?,?,?,?,?)`,
		r.ID, r.SessionID, r.ItemID, r.Number, r.State, t.time(r.ClosesAt), r.Version, string(body)); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO assembly_round_keys (round_id, signing_key) VALUES (?, ?)`, r.ID, sealedKey)
	return err
}

func (t *tx) UpdateRound(r *core.Round) error {
	body, _ := json.Marshal(r)
	res, err := t.exec(`UPDATE assembly_rounds SET state = ?, closes_at = ?, version = ?, body = ? WHERE id = ? AND version = ?`,
		r.State, t.time(r.ClosesAt), r.Version, string(body), r.ID, r.Version-1)
	return versioned(res, err, "round", func() error { _, err := t.GetRound(r.ID, false); return err })
}

func (t *tx) GetRound(id string, lock bool) (*core.Round, error) {
	q := `SELECT body, version FROM assembly_rounds WHERE id = ?`
	if lock {
		q += t.d.ForUpdate
	}
	out, err := scanBodies[core.Round](t, q, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "round not found")
	}
	return out[0], nil
}

func (t *tx) ListRounds(sessionID string) ([]*core.Round, error) {
	return scanBodies[core.Round](t, `SELECT body, version FROM assembly_rounds WHERE session_id = ? ORDER BY item_id, number`, sessionID)
}

func (t *tx) RoundsDue(at time.Time, limit int) ([]*core.Round, error) {
	return scanBodies[core.Round](t, `SELECT body, version FROM assembly_rounds WHERE state = ? AND closes_at < ? ORDER BY closes_at LIMIT `+itoa(clampLimit(limit)),
		core.RoundOpen, t.time(at))
}

func (t *tx) RoundKey(roundID string) ([]byte, error) {
	var key []byte
	err := t.queryRow(`SELECT signing_key FROM assembly_round_keys WHERE round_id = ?`, roundID).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "the round's signing key is gone: the round closed")
	}
	return key, err
}

func (t *tx) DeleteRoundKey(roundID string) error {
	_, err := t.exec(`DELETE FROM assembly_round_keys WHERE round_id = ?`, roundID)
	return err
}

func (t *tx) MarkTokenIssued(roundID, country string, at time.Time) error {
	_, err := t.exec(`INSERT INTO assembly_tokens_issued (round_id, country, issued_at) VALUES (?, ?, ?)`, roundID, country, t.time(at))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "%s already took its token for this round: one token per member country and round", country)
	}
	return err
}

func (t *tx) TokenIssued(roundID, country string) (bool, *time.Time, error) {
	var at timeCol
	err := t.queryRow(`SELECT issued_at FROM assembly_tokens_issued WHERE round_id = ? AND country = ?`, roundID, country).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil, nil
	}
	if err != nil || !at.Valid {
		return err == nil, nil, err
	}
	return true, &at.T, nil
}

func (t *tx) InsertBallot(b *core.BoardEntry) error {
	entry, _ := json.Marshal(b)
	_, err := t.exec(`INSERT INTO assembly_board (round_id, idx, token_hash, entry) VALUES (?,?,?,?)`, b.RoundID, b.Index, b.TokenHash, string(entry))
	if err != nil && t.d.IsUnique(err) {
		return core.Errorf(core.ECONFLICT, "this token was spent: a ballot was already cast with it")
	}
	return err
}

func (t *tx) Board(roundID string) ([]core.BoardEntry, error) {
	rows, err := t.query(`SELECT entry, token_hash FROM assembly_board WHERE round_id = ? ORDER BY idx`, roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []core.BoardEntry
	for rows.Next() {
		var entry, hash string
		if err := rows.Scan(&entry, &hash); err != nil {
			return nil, err
		}
		var b core.BoardEntry
		if err := json.Unmarshal([]byte(entry), &b); err != nil {
			return nil, err
		}
		b.TokenHash = hash
		out = append(out, b)
	}
	return out, rows.Err()
}

// versionedBody is a value kept as a JSON body whose version column wins.
type versionedBody interface {
	core.AssemblySession | core.Delegation | core.AgendaItem | core.Round
}

// scanBodies reads rows of (body, version) into values of T.
func scanBodies[T versionedBody](t *tx, q string, args ...any) ([]*T, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var body string
		var version int64
		if err := rows.Scan(&body, &version); err != nil {
			return nil, err
		}
		v := new(T)
		if err := json.Unmarshal([]byte(body), v); err != nil {
			return nil, err
		}
		setVersion(v, version)
		out = append(out, v)
	}
	return out, rows.Err()
}

func setVersion(v any, version int64) {
	switch x := v.(type) {
	case *core.AssemblySession:
		x.Version = version
	case *core.Delegation:
		x.Version = version
	case *core.AgendaItem:
		x.Version = version
	case *core.Round:
		x.Version = version
	}
}
