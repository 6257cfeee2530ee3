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

func (t *tx) PutTOTP(u *core.UserTOTP) error {
	recovery, err := json.Marshal(u.Recovery)
	if err != nil {
		return err
	}
	if u.Recovery == nil {
		recovery = []byte("[]")
	}
	res, err := t.exec(`UPDATE user_totp SET secret=?, enabled=?, last_step=?, recovery=?, updated_at=? WHERE user_id=?`,
		u.Secret, u.Enabled, u.LastStep, string(recovery), t.time(u.UpdatedAt), u.UserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = t.exec(`INSERT INTO user_totp (user_id, secret, enabled, last_step, recovery, updated_at) VALUES (?,?,?,?,?,?)`,
		u.UserID, u.Secret, u.Enabled, u.LastStep, string(recovery), t.time(u.UpdatedAt))
	return err
}
