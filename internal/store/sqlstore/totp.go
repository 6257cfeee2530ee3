package sqlstore

import (
	"database/sql"
	"encoding/json"

	"github.com/manara-hub/manara/internal/core"
)

func (t *tx) GetTOTP(userID string) (*core.UserTOTP, error) {
	var u core.UserTOTP
	var recovery string
	var updated timeCol
	err := t.queryRow(`SELECT user_id, secret, enabled, last_step, recovery, updated_at FROM user_totp WHERE user_id=?`, userID).
		Scan(&u.UserID, &u.Secret, &u.Enabled, &u.LastStep, &recovery, &updated)
	if err == sql.ErrNoRows {
		return nil, core.Errorf(core.ENOTFOUND, "no second factor")
	} else if err != nil {
		return nil, err
	}
	u.UpdatedAt = updated.T
	if err := json.Unmarshal([]byte(recovery), &u.Recovery); err != nil {
		return nil, err
	}
	return &u, nil
}

// recoveryColumn is how the unused recovery codes are stored: the same
// text for the same codes, so that SpendTOTP can compare it.
func recoveryColumn(codes []string) (string, error) {
	if len(codes) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(codes)
	return string(b), err
}

func (t *tx) SpendTOTP(was, now *core.UserTOTP) (bool, error) {
	before, err := recoveryColumn(was.Recovery)
	if err != nil {
		return false, err
	}
	after, err := recoveryColumn(now.Recovery)
	if err != nil {
		return false, err
	}
	// One statement: on PostgreSQL a second one at the same moment waits
	// for the first and then finds the row no longer as it was read.
	res, err := t.exec(`UPDATE user_totp SET last_step=?, recovery=?, updated_at=? WHERE user_id=? AND last_step=? AND recovery=?`,
		now.LastStep, after, t.time(now.UpdatedAt), was.UserID, was.LastStep, before)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *tx) PutTOTP(u *core.UserTOTP) error {
	recovery, err := recoveryColumn(u.Recovery)
	if err != nil {
		return err
	}
	res, err := t.exec(`UPDATE user_totp SET secret=?, enabled=?, last_step=?, recovery=?, updated_at=? WHERE user_id=?`,
		u.Secret, u.Enabled, u.LastStep, recovery, t.time(u.UpdatedAt), u.UserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = t.exec(`INSERT INTO user_totp (user_id, secret, enabled, last_step, recovery, updated_at) VALUES (?,?,?,?,?,?)`,
		u.UserID, u.Secret, u.Enabled, u.LastStep, recovery, t.time(u.UpdatedAt))
	return err
}
